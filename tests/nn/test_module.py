"""nn.Module and nn.Parameter: registration and dotted names, traversal, zero_grad,
train/eval, repr, state_dict / load_state_dict (every error path); nn.io's file round
trips and parameter_summary are in test_io.py."""

import subprocess
import sys
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest

import nn
from autograd import Tensor, Value
from nn.module import Module, Parameter, StateDictError

# ---------------------------------------------------------------- helpers


class Block(Module):
    """A parameter, a submodule and a list of submodules."""

    def __init__(self, rng):
        super().__init__()
        self.scale = Parameter(np.ones(3))
        self.inner = nn.Linear(3, 3, rng=rng)
        self.heads = [nn.Linear(3, 2, rng=rng), nn.Linear(3, 1, rng=rng)]

    def forward(self, x):
        h = self.inner(x * self.scale)
        return [head(h) for head in self.heads]


class Net(Module):
    def __init__(self, rng=0):
        super().__init__()
        g = np.random.default_rng(rng)
        self.embed = nn.Sequential(nn.Linear(4, 3, rng=g), nn.Tanh())
        self.block = Block(g)
        self.out = nn.MLP(3, [5], 2, rng=g)

    def forward(self, x):
        h = self.block(self.embed(x))[0]
        return self.out(nn.Linear(2, 3, rng=0)(h))


def snapshot(module):
    """A deep copy of every parameter's data, to check 'unchanged' bit for bit."""
    return OrderedDict((k, v.copy()) for k, v in module.state_dict().items())


def assert_same_state(a, b):
    assert list(a) == list(b)
    for k in a:
        assert a[k].dtype == b[k].dtype, k
        assert np.array_equal(a[k], b[k]), k


# ---------------------------------------------------------------- Parameter


def test_parameter_is_a_float64_leaf_tensor_that_copies_its_data():
    src = np.array([1, 2, 3])
    p = Parameter(src)
    assert isinstance(p, Tensor) and p.requires_grad and p.is_leaf
    assert p.dtype == np.float64
    src[0] = 100
    assert p.data[0] == 1.0
    assert Parameter(np.zeros(2, np.float32)).dtype == np.float64  # float64 unless asked
    assert Parameter(np.zeros(2), dtype=np.float32).dtype == np.float32
    assert type(p * 2) is Tensor  # results of ops are plain tensors, not parameters
    assert repr(p).startswith("Parameter containing:\nTensor(")


def test_parameter_refuses_integer_dtype():
    with pytest.raises(TypeError, match="floating point"):
        Parameter([1, 2], dtype=np.int64)


# ---------------------------------------------------------------- registration


def test_dotted_names_follow_registration_order_own_first():
    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == [
        "embed.0.weight", "embed.0.bias",
        "block.scale", "block.inner.weight", "block.inner.bias",
        "block.heads.0.weight", "block.heads.0.bias", "block.heads.1.weight", "block.heads.1.bias",
        "out.0.weight", "out.0.bias", "out.2.weight", "out.2.bias",
    ]
    assert [id(p) for p in net.parameters()] == [id(p) for _, p in net.named_parameters()]
    assert net.block.heads[1].weight is dict(net.named_parameters())["block.heads.1.weight"]


def test_children_and_modules():
    net = Net()
    assert [n for n, _ in net.named_children()] == ["embed", "block", "out"]
    assert list(net.children()) == [net.embed, net.block, net.out]
    names = [n for n, _ in net.named_modules()]
    assert names == ["", "embed", "embed.0", "embed.1", "block", "block.inner", "block.heads.0",
                     "block.heads.1", "out", "out.0", "out.1", "out.2"]
    assert list(net.modules())[0] is net
    assert [n for n, _ in net.block.named_children()] == ["inner", "heads.0", "heads.1"]


def test_what_is_not_registered():
    class M(Module):
        def __init__(self):
            self.t = Tensor([1.0, 2.0], requires_grad=True)  # a plain Tensor: not a parameter
            self._hidden = Parameter([1.0])  # private name
            self.sizes = [2, 3]  # a list of numbers
            self.name = "m"

    assert M().parameters() == []
    assert list(M().children()) == []


def test_reassigning_and_deleting_update_the_registry():
    m = nn.Linear(2, 2, rng=0)
    m.bias = None
    assert [n for n, _ in m.named_parameters()] == ["weight"]
    m.bias = Parameter(np.zeros(2))
    m.extra = nn.ReLU()
    assert [n for n, _ in m.named_parameters()] == ["weight", "bias"]
    assert [n for n, _ in m.named_children()] == ["extra"]
    del m.extra
    assert list(m.children()) == []
    m.extra = 3  # a plain attribute now
    assert list(m.children()) == []


def test_assigning_a_plain_tensor_over_a_parameter_is_refused_and_changes_nothing():
    m = nn.Linear(2, 2, rng=0)
    w = m.weight
    with pytest.raises(TypeError, match="weight.*nn.Parameter"):
        m.weight = Tensor(np.zeros((2, 2)))
    assert m.weight is w and m.parameters()[0] is w


def test_items_appended_to_a_registered_list_count():
    class M(Module):
        def __init__(self):
            self.layers = []
            self.ws = []

    m = M()
    m.layers.append(nn.Linear(1, 1, rng=0))
    m.ws.append(Value(2.0))
    assert [n for n, _ in m.named_parameters()] == ["ws.0", "layers.0.weight", "layers.0.bias"]


def test_micrograd_style_subclass_without_super_init():
    class Neuron(Module):  # micrograd's Module subclasses never call __init__
        def __init__(self):
            self.w = [Value(0.5), Value(-0.5)]
            self.b = Value(0.0)

    n = Neuron()
    assert [k for k, _ in n.named_parameters()] == ["w.0", "w.1", "b"]
    assert n.training is True
    assert n.eval().training is False


def test_shared_parameter_and_module_are_listed_once():
    class Tied(Module):
        def __init__(self):
            self.a = nn.Linear(3, 3, rng=0)
            self.b = nn.Linear(3, 3, rng=1)
            self.b.weight = self.a.weight  # tied weights
            self.again = self.a  # the same module under two names

    m = Tied()
    names = [n for n, _ in m.named_parameters()]
    assert names == ["a.weight", "a.bias", "b.bias"]
    assert m.num_parameters() == 9 + 3 + 3
    assert len(list(m.modules())) == 3
    # the state dict lists a shared parameter under every name, as PyTorch's does
    assert list(m.state_dict()) == ["a.weight", "a.bias", "b.weight", "b.bias",
                                    "again.weight", "again.bias"]
    state = m.state_dict()
    state["a.weight"] = state["b.weight"] = state["again.weight"] = np.full((3, 3), 7.0)
    m.load_state_dict(state)
    assert np.array_equal(m.b.weight.data, np.full((3, 3), 7.0))


def test_named_modules_without_remove_duplicate_lists_every_path_and_cuts_cycles():
    class Holder(Module):
        def __init__(self):
            self.a = nn.Linear(1, 1, rng=0)
            self.b = self.a  # shared

    m = Holder()
    m.c = [m]  # a cycle: m inside itself
    assert [n for n, _ in m.named_modules()] == ["", "a"]
    assert [n for n, _ in m.named_modules(remove_duplicate=False)] == ["", "a", "b"]
    assert [n for n, _ in m.named_parameters(remove_duplicate=False)] == [
        "a.weight", "a.bias", "b.weight", "b.bias"]


def test_num_parameters_counts_scalars():
    assert nn.Linear(4, 3).num_parameters() == 4 * 3 + 3
    assert nn.scalar.Neuron(5, rng=0).num_parameters() == 6
    assert Net().num_parameters() == sum(p.size for p in Net().parameters())


def test_forward_is_required():
    with pytest.raises(NotImplementedError, match="Module has no forward"):
        Module()(1)


# ---------------------------------------------------------------- zero_grad, train/eval


def test_zero_grad_sets_tensor_grads_to_none_and_value_grads_to_zero():
    class Mixed(Module):
        def __init__(self):
            self.lin = nn.Linear(2, 2, rng=0)
            self.v = Value(3.0)

        def forward(self, x):
            return (self.lin(x) * self.v.data).sum(), self.v * self.v

    m = Mixed()
    t, s = m(np.ones((1, 2)))
    t.backward()
    s.backward()
    assert m.lin.weight.grad is not None and m.v.grad == 6.0
    m.zero_grad()
    assert m.lin.weight.grad is None and m.lin.bias.grad is None and m.v.grad == 0.0


def test_zero_grad_without_set_to_none_zeroes_in_place():
    lin = nn.Linear(2, 2, rng=0)
    lin(np.ones((1, 2))).sum().backward()
    buf = lin.weight.grad
    lin.zero_grad(set_to_none=False)
    assert lin.weight.grad is buf and np.array_equal(buf, np.zeros((2, 2)))


@pytest.mark.parametrize("zero", [lambda m: m.zero_grad(set_to_none=False),
                                  lambda m: nn.optim.SGD(m.parameters(), lr=0.1).zero_grad(
                                      set_to_none=False)], ids=["Module", "Optimizer"])
def test_zero_grad_without_set_to_none_after_create_graph(zero):
    # backward(create_graph=True) leaves Tensor gradients (with a graph) in .grad; both
    # zero_grads replace them by zeros of the parameter's shape and dtype, without a graph
    lin = nn.Linear(2, 2, rng=0, dtype=np.float32)
    (lin(np.ones((1, 2))) ** 2).sum().backward(create_graph=True)
    assert isinstance(lin.weight.grad, Tensor) and np.any(lin.weight.grad.data != 0)
    zero(lin)
    for p in (lin.weight, lin.bias):
        assert isinstance(p.grad, Tensor) and p.grad.dtype == np.float32
        assert not p.grad.requires_grad and p.grad.is_leaf
        assert np.array_equal(p.grad, np.zeros(p.shape))


def test_train_and_eval_reach_every_module():
    net = Net()
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.block.train()
    assert net.block.heads[0].training and not net.training
    with pytest.raises(TypeError, match="bool"):
        net.train("yes")


# ---------------------------------------------------------------- repr


def test_repr_of_a_module_tree():
    class Small(Module):
        def __init__(self):
            self.body = nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU())
            self.heads = [nn.Dropout(0.25, rng=0)]
            self.norm = nn.LayerNorm(3)

    assert repr(Small()) == (
        "Small(\n"
        "  (body): Sequential(\n"
        "    (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "    (1): ReLU()\n"
        "  )\n"
        "  (heads.0): Dropout(p=0.25, inplace=False)\n"
        "  (norm): LayerNorm((3,), eps=1e-05, elementwise_affine=True)\n"
        ")")


# ---------------------------------------------------------------- state_dict


def test_state_dict_holds_copies_keyed_like_pytorch():
    m = nn.MLP(2, [16, 16], 1, rng=0)
    state = m.state_dict()
    assert list(state) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    assert [a.shape for a in state.values()] == [(16, 2), (16,), (16, 16), (16,), (1, 16), (1,)]
    state["0.weight"][...] = 0.0
    assert not np.array_equal(m[0].weight.data, np.zeros((16, 2)))


def test_state_dict_of_values_is_0d_float64():
    n = nn.scalar.Neuron(2, rng=0)
    state = n.state_dict()
    assert list(state) == ["w.0", "w.1", "b"]
    assert all(a.shape == () and a.dtype == np.float64 for a in state.values())
    assert float(state["w.1"]) == n.w[1].data


def test_load_keeps_each_parameters_dtype_and_buffer():
    m = nn.Linear(3, 2, rng=0, dtype=np.float32)
    buf = m.weight.numpy()
    state = {"weight": np.full((2, 3), 0.1), "bias": np.arange(2)}  # float64 and int64
    m.load_state_dict(state)
    assert m.weight.numpy() is buf and m.weight.dtype == np.float32 and m.bias.dtype == np.float32
    assert np.array_equal(m.weight.data, np.full((2, 3), 0.1, np.float32))
    assert np.array_equal(m.bias.data, np.array([0.0, 1.0], np.float32))
    state["weight"][...] = 5.0  # the module holds a copy
    assert m.weight.data[0, 0] == np.float32(0.1)


def test_load_accepts_tensors_and_values_as_values():
    m = nn.Linear(2, 1, rng=0)
    m.load_state_dict({"weight": Tensor([[1.0, 2.0]]), "bias": Tensor([3.0])})
    assert m(np.array([1.0, 1.0])).data.tolist() == [6.0]
    n = nn.scalar.Neuron(1, activation=None, rng=0)
    n.load_state_dict({"w.0": Value(2.0), "b": 0.5})
    assert n([3.0]).data == 6.5


# ---------------------------------------------------------------- load_state_dict errors


def _good_state(model):
    """A valid state dict whose values all differ from the model's."""
    return OrderedDict((k, v + 1.0) for k, v in model.state_dict().items())


def test_missing_key_names_the_key_and_changes_nothing():
    m = nn.MLP(2, [3], 1, rng=0)
    before = snapshot(m)
    state = _good_state(m)
    del state["2.bias"]
    with pytest.raises(StateDictError, match=r"missing key\(s\) in state_dict: '2.bias'") as e:
        m.load_state_dict(state)
    assert e.value.missing == ["2.bias"] and e.value.unexpected == []
    assert_same_state(before, m.state_dict())


def test_unexpected_key_names_the_key_and_changes_nothing():
    m = nn.MLP(2, [3], 1, rng=0)
    before = snapshot(m)
    state = _good_state(m)
    state["4.weight"] = np.zeros((1, 3))
    with pytest.raises(StateDictError, match=r"unexpected key\(s\) in state_dict: '4.weight'") as e:
        m.load_state_dict(state)
    assert e.value.unexpected == ["4.weight"]
    assert_same_state(before, m.state_dict())


def test_misshaped_key_names_the_key_and_both_shapes_and_changes_nothing():
    m = nn.MLP(2, [3], 1, rng=0)
    before = snapshot(m)
    state = _good_state(m)  # every other key is valid and would change the model
    state["2.weight"] = np.zeros((3, 1))
    with pytest.raises(StateDictError) as e:
        m.load_state_dict(state)
    msg = str(e.value)
    assert "'2.weight'" in msg and "(3, 1)" in msg and "(1, 3)" in msg
    assert e.value.mismatched == {"2.weight": ((3, 1), (1, 3))}
    assert_same_state(before, m.state_dict())


def test_misshaped_value_parameter():
    n = nn.scalar.Neuron(2, rng=0)
    before = snapshot(n)
    state = _good_state(n)
    state["b"] = np.zeros(1)
    with pytest.raises(StateDictError, match=r"'b'.*\(1,\).*\(\)"):
        n.load_state_dict(state)
    assert_same_state(before, n.state_dict())


def test_all_problems_are_reported_at_once():
    m = nn.MLP(2, [3], 1, rng=0)
    before = snapshot(m)
    state = _good_state(m)
    del state["0.bias"]
    state["extra"] = np.zeros(2)
    state["2.bias"] = np.zeros((2, 2))
    state["0.weight"] = np.full((3, 2), "x")  # not numeric
    with pytest.raises(StateDictError) as e:
        m.load_state_dict(state)
    err = e.value
    assert (err.missing, err.unexpected) == (["0.bias"], ["extra"])
    assert err.mismatched == {"2.bias": ((2, 2), (1,))}
    assert list(err.invalid) == ["0.weight"]
    assert all(k in str(err) for k in ("0.bias", "extra", "2.bias", "0.weight"))
    assert_same_state(before, m.state_dict())


def test_complex_values_are_refused():
    m = nn.Linear(1, 1, rng=0)
    with pytest.raises(StateDictError, match="complex128"):
        m.load_state_dict({"weight": np.ones((1, 1), complex), "bias": np.ones(1)})


def test_load_state_dict_needs_a_mapping():
    with pytest.raises(TypeError, match="mapping"):
        nn.Linear(1, 1).load_state_dict([("weight", np.ones((1, 1)))])


def test_non_strict_loads_the_matching_keys():
    m = nn.MLP(2, [3], 1, rng=0)
    before = snapshot(m)
    state = _good_state(m)
    del state["2.bias"]
    state["extra"] = np.zeros(5)
    result = m.load_state_dict(state, strict=False)
    assert result.missing_keys == ["2.bias"] and result.unexpected_keys == ["extra"]
    after = m.state_dict()
    for k in ("0.weight", "0.bias", "2.weight"):
        assert np.array_equal(after[k], before[k] + 1.0)
    assert np.array_equal(after["2.bias"], before["2.bias"])


def test_non_strict_still_refuses_a_shape_mismatch():
    m = nn.MLP(2, [3], 1, rng=0)
    before = snapshot(m)
    state = _good_state(m)
    state["0.bias"] = np.zeros(4)
    with pytest.raises(StateDictError, match="0.bias"):
        m.load_state_dict(state, strict=False)
    assert_same_state(before, m.state_dict())


# ---------------------------------------------------------------- package surface


def test_python_dash_c_prints_an_mlp():
    out = subprocess.run([sys.executable, "-c", "import nn; print(nn.MLP(2,[16,16],1))"],
                         capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2]).stdout
    assert out.splitlines()[0] == "MLP("
    assert "(4): Linear(in_features=16, out_features=1, bias=True)" in out


def test_state_dict_loads_into_torch():
    torch = pytest.importorskip("torch")
    model = nn.MLP(2, [16, 16], 1, rng=0)
    ref = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16),
                              torch.nn.ReLU(), torch.nn.Linear(16, 1)).double()
    ref.load_state_dict({k: torch.from_numpy(v) for k, v in model.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((5, 2))
    np.testing.assert_allclose(ref(torch.from_numpy(x)).detach().numpy(), model(x).data,
                               rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- buffers


class WithBuffers(Module):
    """A parameter, a persistent and a non-persistent buffer, and a child with buffers."""

    def __init__(self):
        super().__init__()
        self.w = Parameter(np.ones(2))
        self.register_buffer("count", Tensor(np.array(0, dtype=np.int64)))
        self.register_buffer("cache", Tensor(np.zeros(3)), persistent=False)
        self.bn = nn.BatchNorm1d(2)
        self.lin = nn.Linear(2, 2, rng=0)


def _torch_with_buffers(torch):
    class T(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.ones(2, dtype=torch.float64))
            self.register_buffer("count", torch.tensor(0))
            self.register_buffer("cache", torch.zeros(3), persistent=False)
            self.bn = torch.nn.BatchNorm1d(2)
            self.lin = torch.nn.Linear(2, 2)
    return T()


def test_buffers_are_state_but_not_parameters_and_keys_match_torch():
    torch = pytest.importorskip("torch")
    m, t = WithBuffers(), _torch_with_buffers(torch)
    assert [k for k, _ in m.named_buffers()] == [k for k, _ in t.named_buffers()]
    assert [k for k, _ in m.named_parameters()] == [k for k, _ in t.named_parameters()]
    assert list(m.state_dict()) == list(t.state_dict())  # params, buffers, then children
    assert "cache" not in m.state_dict()
    assert all(b is not p for b in m.buffers() for p in m.parameters())
    assert [k for k, _ in m.named_buffers(prefix="net", recurse=False)] == ["net.count",
                                                                            "net.cache"]
    assert m.count.dtype == np.int64 and m.state_dict()["count"].dtype == np.int64


def test_assigning_to_a_buffer_replaces_it_and_none_is_a_placeholder():
    m = WithBuffers()
    new = Tensor(np.array(5, dtype=np.int64))
    m.count = new
    assert m.count is new and m.state_dict()["count"] == 5
    m.count = None
    assert "count" not in m.state_dict() and [k for k, _ in m.named_buffers(recurse=False)] == [
        "cache"]
    m.count = Tensor(np.array(1))  # still a buffer name
    assert "count" in m.state_dict()
    with pytest.raises(TypeError, match="buffer 'count'.*Tensor or None"):
        m.count = 3
    m.count = Parameter(np.zeros(1))  # a Parameter takes the name over, as in torch
    assert [k for k, _ in m.named_parameters(recurse=False)] == ["w", "count"]
    assert [k for k, _ in m.named_buffers(recurse=False)] == ["cache"]
    del m.cache
    assert list(m.named_buffers(recurse=False)) == []


def test_register_buffer_errors_as_torch():
    torch = pytest.importorskip("torch")
    m, t = WithBuffers(), _torch_with_buffers(torch)
    for name, exc in ((3, TypeError), ("a.b", KeyError), ("", KeyError), ("w", KeyError),
                      ("training", KeyError)):
        with pytest.raises(exc):
            m.register_buffer(name, Tensor(np.zeros(1)))
        with pytest.raises(exc):
            t.register_buffer(name, torch.zeros(1))
    with pytest.raises(TypeError, match="Tensor or None"):
        m.register_buffer("x", np.zeros(2))
    m.register_buffer("_private", Tensor(np.zeros(1)))  # an underscore name is fine, as torch
    assert "_private" in m.state_dict()


def test_shared_buffer_once_unless_remove_duplicate_false():
    class Two(Module):
        def __init__(self):
            super().__init__()
            self.a = nn.BatchNorm1d(2)
            self.b = self.a

    torch = pytest.importorskip("torch")
    t = torch.nn.Module()
    t.a = torch.nn.BatchNorm1d(2)
    t.b = t.a
    m = Two()
    for dup in (True, False):
        assert [k for k, _ in m.named_buffers(remove_duplicate=dup)] == [
            k for k, _ in t.named_buffers(remove_duplicate=dup)]
    assert len(list(m.named_buffers())) == 3
    assert list(m.state_dict()) == list(t.state_dict())
    assert list(m.state_dict()) == [f"{p}.{k}" for p in "ab" for k in (
        "weight", "bias", "running_mean", "running_var", "num_batches_tracked")]


def test_load_state_dict_loads_buffers_atomically():
    m = WithBuffers()
    state = m.state_dict()
    state["count"] = np.array(7)
    state["bn.running_mean"] = np.array([1.0, 2.0])
    m.load_state_dict(state)
    assert int(m.count.data) == 7 and np.array_equal(m.bn.running_mean.data, [1, 2])
    before = snapshot(m)
    bad = dict(state, **{"bn.running_var": np.ones(3), "count": np.array(9)})
    with pytest.raises(StateDictError, match="bn.running_var.*shape \\(3,\\)"):
        m.load_state_dict(bad)
    assert_same_state(before, m.state_dict())  # count stayed 7
    missing = {k: v for k, v in state.items() if k != "bn.num_batches_tracked"}
    with pytest.raises(StateDictError, match="missing.*bn.num_batches_tracked"):
        m.load_state_dict(missing)
    assert m.load_state_dict(missing, strict=False).missing_keys == ["bn.num_batches_tracked"]
    with pytest.raises(StateDictError, match="unexpected.*cache"):
        m.load_state_dict(dict(state, cache=np.zeros(3)))  # non-persistent: not loadable
    with pytest.raises(StateDictError, match="dtype float64 cannot be loaded into a int64 buffer"):
        m.load_state_dict(dict(state, count=np.array(1.5)))


def test_buffers_round_trip_through_files(tmp_path):
    m = WithBuffers()
    m.bn(np.random.default_rng(0).standard_normal((4, 2)))
    path = nn.save(m, tmp_path / "m")
    loaded = nn.load(path)
    assert list(loaded) == list(m.state_dict())
    assert loaded["bn.num_batches_tracked"].dtype == np.int64
    fresh = WithBuffers()
    fresh.load_state_dict(loaded)
    assert_same_state(m.state_dict(), fresh.state_dict())


# ---------------------------------------------------------------- apply, requires_grad_, to


def test_apply_visits_children_first_then_self_and_returns_self():
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU(), nn.Tanh()))
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 2),
                                 torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Tanh()))
    seen, tseen = [], []
    assert ours.apply(lambda m: seen.append(type(m).__name__)) is ours
    theirs.apply(lambda m: tseen.append(type(m).__name__))
    assert seen == tseen == ["Linear", "ReLU", "Tanh", "Sequential", "Sequential"]
    with pytest.raises(TypeError, match="callable"):
        ours.apply(3)


def test_apply_with_init_reinitialises_weights():
    net = nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU(), nn.Linear(4, 2, rng=0))

    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.zeros_(m.weight)
            nn.init.constant_(m.bias, 0.5)

    net.apply(init_weights)
    assert all(np.all(p.data == 0) for n, p in net.named_parameters() if n.endswith("weight"))
    assert all(np.all(p.data == 0.5) for n, p in net.named_parameters() if n.endswith("bias"))


def test_requires_grad_freezes_and_unfreezes():
    net = nn.Sequential(nn.Linear(2, 3, rng=0), nn.Linear(3, 1, rng=0))
    assert net[0].requires_grad_(False) is net[0]
    net(np.ones((1, 2))).sum().backward()
    assert net[0].weight.grad is None and net[1].weight.grad is not None
    net.requires_grad_()
    assert all(p.requires_grad for p in net.parameters())
    with pytest.raises(TypeError, match="bool"):
        net.requires_grad_("no")


def test_to_casts_in_place_keeping_parameter_identity_so_optimizers_still_work():
    net = nn.Sequential(nn.Linear(2, 3, rng=0), nn.BatchNorm1d(3), nn.Linear(3, 1, rng=0))
    params = net.parameters()
    opt = nn.optim.SGD(params, lr=0.1)
    assert net.float() is net
    assert all(p is q for p, q in zip(params, net.parameters(), strict=True))
    assert all(p.dtype == np.float32 for p in params)
    bn = net[1]
    assert bn.running_mean.dtype == np.float32 and bn.num_batches_tracked.dtype == np.int64
    before = net[0].weight.data.copy()
    x = np.random.default_rng(0).standard_normal((4, 2)).astype(np.float32)
    (net(Tensor(x)) ** 2).sum().backward()
    opt.step()
    assert net[0].weight.dtype == np.float32 and not np.array_equal(before, net[0].weight.data)
    assert net[0].weight.grad.dtype == np.float32
    net.double()
    assert all(p.dtype == np.float64 for p in net.parameters())
    assert net[0].weight.grad.dtype == np.float64
    with pytest.raises(TypeError, match="floating point"):
        net.to(np.int64)
    assert net.to("cpu") is net


def test_to_matches_torch_on_dtypes():
    torch = pytest.importorskip("torch")
    ours = nn.BatchNorm2d(2).to(np.float32)
    theirs = torch.nn.BatchNorm2d(2, dtype=torch.float64).to(torch.float32)
    for k, v in ours.state_dict().items():
        assert v.dtype == theirs.state_dict()[k].numpy().dtype, k


# ---------------------------------------------------------------- add_module, register_parameter


def test_add_module_and_register_module():
    torch = pytest.importorskip("torch")
    m, t = Module(), torch.nn.Module()
    lin = nn.Linear(2, 2, rng=0)
    m.add_module("first", lin)
    m.register_module("_second", nn.ReLU())
    assert [n for n, _ in m.named_children()] == ["first", "_second"]
    assert m.first is lin and list(m.state_dict()) == ["first.weight", "first.bias"]
    m._second = nn.Tanh()  # a registered name stays registered, as torch
    assert isinstance(dict(m.named_children())["_second"], nn.Tanh)
    m.add_module("empty", None)  # a placeholder that children() skips
    assert [n for n, _ in m.named_children()] == ["first", "_second"] and m.empty is None
    for name, value, exc in (("x", 3, TypeError), (1, nn.ReLU(), TypeError),
                             ("a.b", nn.ReLU(), KeyError), ("", nn.ReLU(), KeyError),
                             ("training", nn.ReLU(), KeyError)):
        with pytest.raises(exc):
            m.add_module(name, value)
        with pytest.raises(exc):
            t.add_module(name, torch.nn.ReLU() if isinstance(value, Module) else value)


def test_register_parameter():
    m = Module()
    p = Parameter(np.ones(2))
    m.register_parameter("_scale", p)
    assert m.parameters() == [p] and list(m.state_dict()) == ["_scale"]
    with pytest.raises(TypeError, match="nn.Parameter"):
        m.register_parameter("t", Tensor(np.ones(2)))
    with pytest.raises(KeyError):
        m.register_parameter("a.b", p)
    m.register_parameter("_scale", None)
    assert m.parameters() == [] and m._scale is None


def test_sequential_of_an_ordered_dict_names_its_children_as_torch():
    from collections import OrderedDict

    s = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 3)), ("act", nn.ReLU()),
                                   ("out", nn.Linear(3, 1))]))
    assert list(s.state_dict()) == ["fc.weight", "fc.bias", "out.weight", "out.bias"]
    assert s.fc is s[0] and len(s) == 3 and list(s[1:]._modules) == ["act", "out"]
    assert s(Tensor(np.ones((4, 2)))).shape == (4, 1)
    torch = pytest.importorskip("torch")
    t = torch.nn.Sequential(OrderedDict([("fc", torch.nn.Linear(2, 3)), ("act", torch.nn.ReLU()),
                                         ("out", torch.nn.Linear(3, 1))]))
    assert list(t.state_dict()) == list(s.state_dict())
    with pytest.raises(TypeError, match="Sequential: every item must be an nn.Module"):
        nn.Sequential(OrderedDict([("fc", 3)]))
