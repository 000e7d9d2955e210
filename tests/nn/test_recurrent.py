"""RNN, LSTM, GRU and their cells: against torch 2.13 (a torch state dict loaded here, the
same inputs: outputs, final states and the gradients of every input, initial state and
parameter, float64 at 1e-10; a few optimizer steps of a tiny sequence model), gradcheck
and gradgradcheck, the state_dict keys and reprs, the initialisation, dropout, and the
errors for wrong inputs."""

import contextlib
import math
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
from autograd import ShapeError, Tensor, gradcheck, gradgradcheck
from nn import functional as F
from tests.tolerances import FD

TOL = 1e-10  # float64 against torch: the same operations, up to summation order (~1e-15)

MODES = {  # name -> (our class, torch's class name, constructor keywords)
    "rnn_tanh": (nn.RNN, "RNN", {}),
    "rnn_relu": (nn.RNN, "RNN", {"nonlinearity": "relu"}),
    "gru": (nn.GRU, "GRU", {}),
    "lstm": (nn.LSTM, "LSTM", {}),
    "lstm_proj": (nn.LSTM, "LSTM", {"proj_size": 2}),
}

# (num_layers, bidirectional, batch_first, batched, initial state given, bias)
CONFIGS = [
    (1, False, False, True, False, True),
    (1, False, False, True, True, True),
    (2, False, False, True, True, True),
    (1, True, False, True, True, True),
    (2, True, True, True, True, True),
    (2, True, True, True, False, False),
    (2, True, False, False, True, True),
    (1, False, True, False, False, True),
    (2, False, True, False, True, False),
]


def torch_or_skip():
    return pytest.importorskip("torch")


def copy_from_torch(ours, theirs):
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})


def perturbed_torch(torch, name, *args, seed=0, **kwargs):
    """A float64 torch module with parameters of a wider range than the default (so that
    relu and the gates see both signs and saturation), and ours with the same state."""
    torch.manual_seed(seed)
    theirs = getattr(torch.nn, name)(*args, **kwargs).double()
    with torch.no_grad():
        for p in theirs.parameters():
            p.uniform_(-0.9, 0.9)
    return theirs


def assert_close(ours, theirs, what):
    np.testing.assert_allclose(np.asarray(ours), theirs.detach().numpy(), rtol=TOL, atol=TOL,
                               err_msg=what)


def states_of(out, mode):
    """(h_n, c_n or None) of a module's output."""
    return (out[1][0], out[1][1]) if mode.startswith("lstm") else (out[1], None)


# ---------------------------------------------------------------- against torch


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "L{}-bi{}-bf{}-batched{}-h0{}-bias{}"
                         .format(*map(int, c)))
@pytest.mark.parametrize("mode", sorted(MODES))
def test_module_matches_torch_outputs_states_and_every_gradient(mode, config):
    torch = torch_or_skip()
    layers, bi, bf, batched, with_h0, bias = config
    cls, tname, kw = MODES[mode]
    H_in, H, L, N = 3, 4, 5, 2
    theirs = perturbed_torch(torch, tname, H_in, H, layers, bias=bias, batch_first=bf,
                             bidirectional=bi, **kw)
    ours = cls(H_in, H, layers, bias=bias, batch_first=bf, bidirectional=bi, **kw)
    copy_from_torch(ours, theirs)
    rng = np.random.default_rng(1)
    shape = ((N, L, H_in) if bf else (L, N, H_in)) if batched else (L, H_in)
    x = rng.standard_normal(shape)
    D = 2 if bi else 1
    h_width = kw.get("proj_size", H)
    state_shape = (D * layers, N) if batched else (D * layers,)
    arrays = [x]
    if with_h0:
        arrays.append(rng.standard_normal((*state_shape, h_width)))
        if mode.startswith("lstm"):
            arrays.append(rng.standard_normal((*state_shape, H)))
    mine = [Tensor(a, requires_grad=True) for a in arrays]
    yours = [torch.tensor(a, requires_grad=True) for a in arrays]

    def call(module, ts):
        if len(ts) == 1:
            return module(ts[0])
        return module(ts[0], (ts[1], ts[2]) if len(ts) == 3 else ts[1])

    out_o, out_t = call(ours, mine), call(theirs, yours)
    (h_o, c_o), (h_t, c_t) = states_of(out_o, mode), states_of(out_t, mode)
    assert out_o[0].shape == tuple(out_t[0].shape) and h_o.shape == tuple(h_t.shape)
    assert_close(out_o[0], out_t[0], "output")
    assert_close(h_o, h_t, "h_n")
    if c_o is not None:
        assert c_o.shape == tuple(c_t.shape)
        assert_close(c_o, c_t, "c_n")
    # a loss that weighs every output and final state differently
    loss_o, loss_t = 0, 0
    for o, t in [(out_o[0], out_t[0]), (h_o, h_t)] + ([(c_o, c_t)] if c_o is not None else []):
        r = rng.standard_normal(o.shape)
        loss_o = loss_o + (o * Tensor(r)).sum()
        loss_t = loss_t + (t * torch.tensor(r)).sum()
    loss_o.backward()
    loss_t.backward()
    for i, (m, y) in enumerate(zip(mine, yours)):
        assert_close(m.grad, y.grad, f"gradient of input {i}")
    named_t = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        assert_close(p.grad, named_t[name].grad, f"gradient of {name}")


@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("with_hx", [True, False])
@pytest.mark.parametrize("name,kw", [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}),
                                     ("GRUCell", {}), ("LSTMCell", {}),
                                     ("LSTMCell", {"bias": False})])
def test_cell_matches_torch(name, kw, with_hx, batched):
    torch = torch_or_skip()
    theirs = perturbed_torch(torch, name, 3, 4, **kw)
    ours = getattr(nn, name)(3, 4, **kw)
    copy_from_torch(ours, theirs)
    rng = np.random.default_rng(2)
    lead = (2,) if batched else ()
    arrays = [rng.standard_normal((*lead, 3))]
    if with_hx:
        arrays += [rng.standard_normal((*lead, 4)) for _ in range(2 if name == "LSTMCell" else 1)]
    mine = [Tensor(a, requires_grad=True) for a in arrays]
    yours = [torch.tensor(a, requires_grad=True) for a in arrays]
    hx_o = None if not with_hx else tuple(mine[1:]) if name == "LSTMCell" else mine[1]
    hx_t = None if not with_hx else tuple(yours[1:]) if name == "LSTMCell" else yours[1]
    out_o, out_t = ours(mine[0], hx_o), theirs(yours[0], hx_t)
    outs_o = list(out_o) if isinstance(out_o, tuple) else [out_o]
    outs_t = list(out_t) if isinstance(out_t, tuple) else [out_t]
    loss_o, loss_t = 0, 0
    for o, t in zip(outs_o, outs_t):
        assert o.shape == tuple(t.shape)
        assert_close(o, t, "output")
        r = rng.standard_normal(o.shape)
        loss_o = loss_o + (o * Tensor(r)).sum()
        loss_t = loss_t + (t * torch.tensor(r)).sum()
    loss_o.backward()
    loss_t.backward()
    for i, (m, y) in enumerate(zip(mine, yours)):
        assert_close(m.grad, y.grad, f"gradient of input {i}")
    named_t = dict(theirs.named_parameters())
    for pname, p in ours.named_parameters():
        assert_close(p.grad, named_t[pname].grad, f"gradient of {pname}")


def test_cells_unrolled_equal_the_sequence_layer():
    """An LSTMCell stepped over a sequence with the layer's weights gives the LSTM's output."""
    lstm = nn.LSTM(3, 4, rng=0)
    cell = nn.LSTMCell(3, 4, rng=1)
    cell.load_state_dict({k[:-3]: v for k, v in lstm.state_dict().items()})  # drop "_l0"
    x = np.random.default_rng(3).standard_normal((5, 2, 3))
    out, (h_n, c_n) = lstm(x)
    h = c = np.zeros((2, 4))
    for t in range(5):
        h, c = cell(x[t], (h, c))
        np.testing.assert_allclose(np.asarray(h), np.asarray(out)[t], rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(np.asarray(c), np.asarray(c_n)[0], rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_dropout_between_layers_in_training_matches_torch(p):
    # p = 1 zeroes every element in torch too, so the masks need not be shared
    torch = torch_or_skip()
    theirs = perturbed_torch(torch, "GRU", 3, 4, 3, dropout=p, bidirectional=True)
    ours = nn.GRU(3, 4, 3, dropout=p, bidirectional=True)
    copy_from_torch(ours, theirs)
    x = np.random.default_rng(4).standard_normal((4, 2, 3))
    for train in (True, False):
        ours.train(train), theirs.train(train)
        out_o, h_o = ours(x)
        out_t, h_t = theirs(torch.tensor(x))
        assert_close(out_o, out_t, f"output, training={train}")
        assert_close(h_o, h_t, f"h_n, training={train}")


def test_dropout_is_seeded_between_layers_only_and_off_in_eval():
    x = np.random.default_rng(5).standard_normal((6, 3, 2))
    a, b = nn.LSTM(2, 8, 2, dropout=0.5, rng=7), nn.LSTM(2, 8, 2, dropout=0.5, rng=7)
    out_a, out_b = np.asarray(a(x)[0]), np.asarray(b(x)[0])
    np.testing.assert_array_equal(out_a, out_b)  # one seed, the same masks
    assert not np.allclose(np.asarray(a(x)[0]), out_a)  # a fresh mask each call
    a.eval()
    reference = nn.LSTM(2, 8, 2, rng=0)
    reference.load_state_dict(a.state_dict())
    # eval: no dropout
    np.testing.assert_array_equal(np.asarray(a(x)[0]), np.asarray(reference(x)[0]))
    # dropout acts on the first layer's output: the first layer's final state is untouched
    a.train()
    np.testing.assert_allclose(np.asarray(a(x)[1][0])[0], np.asarray(reference(x)[1][0])[0],
                               rtol=1e-15)
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        one = nn.RNN(2, 3, dropout=0.5, rng=0)
    plain = nn.RNN(2, 3, rng=0)
    # no layer to drop after
    np.testing.assert_array_equal(np.asarray(one(x)[0]), np.asarray(plain(x)[0]))


def test_tiny_sequence_model_trains_as_torch_step_by_step():
    """Embedding -> 2-layer LSTM -> Linear, Adam, 4 steps: the same losses and parameters."""
    torch = torch_or_skip()
    tn = torch.nn

    class TorchModel(tn.Module):
        def __init__(self):
            super().__init__()
            self.embed = tn.Embedding(5, 3)
            self.rnn = tn.LSTM(3, 6, 2, batch_first=True)
            self.head = tn.Linear(6, 5)

        def forward(self, ids):
            return self.head(self.rnn(self.embed(ids))[0])

    class OurModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(5, 3)
            self.rnn = nn.LSTM(3, 6, 2, batch_first=True)
            self.head = nn.Linear(6, 5)

        def forward(self, ids):
            return self.head(self.rnn(self.embed(ids))[0])

    torch.manual_seed(0)
    theirs, ours = TorchModel().double(), OurModel()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    copy_from_torch(ours, theirs)
    opt_t = torch.optim.Adam(theirs.parameters(), lr=0.05)
    opt_o = nn.optim.Adam(ours.parameters(), lr=0.05)
    rng = np.random.default_rng(6)
    for step in range(4):
        ids = rng.integers(0, 5, (3, 7))
        x, y = ids[:, :-1], ids[:, 1:]
        loss_t = tn.functional.cross_entropy(theirs(torch.tensor(x)).reshape(-1, 5),
                                             torch.tensor(y).reshape(-1))
        opt_t.zero_grad()
        loss_t.backward()
        opt_t.step()
        loss_o = F.cross_entropy(ours(x).reshape(-1, 5), y.reshape(-1))
        opt_o.zero_grad()
        loss_o.backward()
        opt_o.step()
        assert loss_o.item() == pytest.approx(loss_t.item(), rel=1e-10), step
    for (name, a), b in zip(ours.state_dict().items(), theirs.state_dict().values()):
        np.testing.assert_allclose(a, b.numpy(), rtol=1e-9, atol=1e-10, err_msg=name)


def test_empty_batch_gives_torch_shapes():
    torch = torch_or_skip()
    for name in ("RNN", "GRU", "LSTM"):
        ours, theirs = getattr(nn, name)(3, 4, 2), getattr(torch.nn, name)(3, 4, 2).double()
        out_o, out_t = ours(np.zeros((5, 0, 3))), theirs(torch.zeros(5, 0, 3, dtype=torch.float64))
        assert out_o[0].shape == tuple(out_t[0].shape) == (5, 0, 4)
        h_o, _ = states_of(out_o, name.lower())
        h_t, _ = states_of(out_t, name.lower())
        assert h_o.shape == tuple(h_t.shape) == (2, 0, 4)


# ---------------------------------------------------------------- gradcheck


@contextlib.contextmanager
def swapped(module, names, tensors):
    """Within the block, the module's parameters ``names`` are the given tensors (plain
    leaves that gradcheck made, not registered), as torch.func.functional_call does; so
    gradcheck can treat the parameters as inputs."""
    saved = {n: module.__dict__[n] for n in names}
    try:
        for n, t in zip(names, tensors):
            object.__setattr__(module, n, t)
        yield
    finally:
        for n, t in saved.items():
            object.__setattr__(module, n, t)


def flat(out):
    """(output, h_n), (output, (h_n, c_n)) or (h, c) as one flat tuple."""
    if not isinstance(out, tuple):
        return out
    return tuple(t for o in out for t in (o if isinstance(o, tuple) else (o,)))


def with_parameters(module, names):
    """Return ``f(x, *params)``: the module's outputs with its parameters replaced."""
    def f(x, *ps):
        with swapped(module, names, ps):
            return flat(module(x))
    return f


def wide_parameters(module, seed):
    rng = np.random.default_rng(seed)
    for p in module.parameters():
        np.asarray(p)[...] = rng.uniform(-1, 1, p.shape)
    return module


@pytest.mark.parametrize("make", [lambda: nn.RNNCell(2, 2, rng=0),
                                  lambda: nn.RNNCell(2, 2, nonlinearity="relu", rng=0),
                                  lambda: nn.GRUCell(2, 2, rng=0),
                                  lambda: nn.LSTMCell(2, 2, rng=0)],
                         ids=["rnn_tanh", "rnn_relu", "gru", "lstm"])
def test_cells_pass_gradcheck_and_gradgradcheck_in_inputs_states_and_parameters(make):
    cell = wide_parameters(make(), 8)
    rng = np.random.default_rng(9)
    names = [n for n, _ in cell.named_parameters()]
    params = [np.asarray(p).copy() for p in cell.parameters()]
    n_states = 2 if isinstance(cell, nn.LSTMCell) else 1
    x, *states = (rng.standard_normal((2, 2)) for _ in range(1 + n_states))

    def f(x, *rest):
        hx = tuple(rest[:n_states]) if n_states == 2 else rest[0]
        with swapped(cell, names, rest[n_states:]):
            return flat(cell(x, hx))

    if isinstance(cell, nn.RNNCell) and cell.nonlinearity == "relu":
        pre = x @ params[0].T + params[2] + states[0] @ params[1].T + params[3]
        assert np.abs(pre).min() > 1e-3  # away from relu's kink, where differences lie
    assert gradcheck(f, x, *states, *params, **FD)
    assert gradgradcheck(f, x, *states, *params, **FD)


@pytest.mark.parametrize("cls,input_size", [(nn.LSTM, 2), (nn.GRU, 1)])
def test_two_layer_bidirectional_module_passes_gradcheck_and_gradgradcheck(cls, input_size):
    mod = wide_parameters(cls(input_size, 2, 2, bidirectional=True, rng=0), 10)
    names = [n for n, _ in mod.named_parameters()]
    params = [np.asarray(p).copy() for p in mod.parameters()]
    x = np.random.default_rng(11).standard_normal((2, 1, input_size))
    f = with_parameters(mod, names)
    assert gradcheck(f, x, *params, **FD)  # every parameter
    # second order in the input and two parameters that span both layers and directions
    # (every parameter at second order would take ~10 s)
    some = [names.index("weight_hh_l0"), names.index("bias_ih_l1_reverse")]

    def g(x, *ps):
        full = list(params)
        for i, p in zip(some, ps):
            full[i] = p
        return f(x, *full)

    assert gradgradcheck(g, x, *[params[i] for i in some], **FD)


# ---------------------------------------------------------------- names, repr, init


KEY_CASES = [
    ("RNN", (3, 4), {}), ("RNN", (3, 4, 2), {"nonlinearity": "relu", "bias": False}),
    ("RNN", (3, 4, 3), {"bidirectional": True, "batch_first": True}),
    ("GRU", (3, 4, 2), {"bidirectional": True}), ("GRU", (2, 5), {"bias": False}),
    ("LSTM", (3, 4, 2), {"bidirectional": True, "dropout": 0.25}),
    ("LSTM", (3, 4, 2), {"proj_size": 2, "bidirectional": True}),
    ("LSTM", (3, 4), {"proj_size": 1, "bias": False}),
    ("RNNCell", (3, 4), {}), ("RNNCell", (3, 4), {"nonlinearity": "relu", "bias": False}),
    ("GRUCell", (3, 4), {}), ("LSTMCell", (3, 4), {"bias": False}),
]


@pytest.mark.parametrize("name,args,kw", KEY_CASES)
def test_state_dict_keys_shapes_and_repr_are_torchs(name, args, kw):
    torch = torch_or_skip()
    ours, theirs = getattr(nn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for (k, a), b in zip(ours.state_dict().items(), theirs.state_dict().values()):
        assert a.shape == tuple(b.shape), k
    assert repr(ours) == repr(theirs)
    theirs.load_state_dict(nn.to_torch_state_dict(ours))  # and back, strictly


def test_init_is_uniform_within_one_over_sqrt_hidden_and_seeded():
    lstm = nn.LSTM(8, 25, 2, bidirectional=True, rng=3)
    bound = 1 / math.sqrt(25)
    values = np.concatenate([np.ravel(p) for p in lstm.parameters()])
    assert np.abs(values).max() <= bound and np.abs(values).max() > 0.99 * bound
    assert np.std(values) == pytest.approx(bound / math.sqrt(3), rel=0.02)  # U(-b, b)
    again = nn.LSTM(8, 25, 2, bidirectional=True, rng=3)
    for a, b in zip(lstm.state_dict().values(), again.state_dict().values()):
        np.testing.assert_array_equal(a, b)
    cell = nn.GRUCell(4, 16, rng=1)
    assert all(np.abs(np.asarray(p)).max() <= 0.25 for p in cell.parameters())
    assert len(lstm.all_weights) == 4 and [p.shape for p in lstm.all_weights[3]] == [
        (100, 50), (100, 25), (100,), (100,)]
    lstm.flatten_parameters()  # torch's cuDNN call: nothing to do, and no error


def test_float32_layer_computes_in_float32_also_after_a_cast():
    lstm = nn.LSTM(3, 4, dtype=np.float32, rng=0)
    out, (h, c) = lstm(np.ones((2, 3)))
    assert out.dtype == h.dtype == c.dtype == np.float32
    for layer in (nn.GRU(3, 4, 2, rng=0).float(), nn.RNNCell(3, 4, rng=0).to(np.float32)):
        out = layer(np.ones((2, 3)))
        assert (out[0] if isinstance(out, tuple) else out).dtype == np.float32
        with pytest.raises(ag.DtypeError, match="float64.*float32"):
            layer(Tensor(np.ones((2, 3))))
    mha = nn.MultiheadAttention(4, 2, rng=0).float()
    out, w = mha(np.ones((3, 4)), np.ones((3, 4)), np.ones((3, 4)))
    assert out.dtype == w.dtype == np.float32


def test_string_of_positional_arguments_is_torchs():
    # RNN's fourth positional argument is the nonlinearity, as in torch
    rnn = nn.RNN(3, 4, 2, "relu", False, True, 0.0, True)
    assert (rnn.nonlinearity, rnn.bias, rnn.batch_first, rnn.bidirectional) == (
        "relu", False, True, True)
    lstm = nn.LSTM(3, 4, 2, False, True, 0.0, True, 2)
    assert (lstm.bias, lstm.batch_first, lstm.bidirectional, lstm.proj_size) == (
        False, True, True, 2)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("call,match", [
    (lambda: nn.LSTM(3, 4)(np.zeros((2, 2, 2, 3))), r"LSTM\(3, 4\).*\(L, H_in\).*\(2, 2, 2, 3\)"),
    (lambda: nn.LSTM(3, 4)(np.zeros(3)), r"LSTM\(3, 4\).*1-D input of shape \(3,\)"),
    (lambda: nn.GRU(3, 4, batch_first=True)(np.zeros((2, 5, 2))),
     r"GRU\(3, 4, batch_first=True\).*Expected 3, got 2.*\(2, 5, 2\)"),
    (lambda: nn.RNN(3, 4, 2)(np.zeros((5, 2, 3)), np.zeros((1, 2, 4))),
     r"RNN\(3, 4, num_layers=2\).*hx of shape \(2, 2, 4\).*got \(1, 2, 4\)"),
    (lambda: nn.RNN(3, 4)(np.zeros((5, 3)), np.zeros((1, 2, 4))),
     r"RNN\(3, 4\).*unbatched 2-D.*\(1, 4\).*got \(1, 2, 4\)"),
    (lambda: nn.LSTM(3, 4, bidirectional=True)(np.zeros((5, 2, 3)),
                                               (np.zeros((2, 2, 4)), np.zeros((2, 3, 4)))),
     r"LSTM\(3, 4, bidirectional=True\).*hx\[1\] of shape \(2, 2, 4\).*got \(2, 3, 4\)"),
    (lambda: nn.LSTM(3, 4, proj_size=2)(np.zeros((5, 2, 3)),
                                        (np.zeros((1, 2, 4)), np.zeros((1, 2, 4)))),
     r"hx\[0\] of shape \(1, 2, 2\) \(num_layers \* num_directions, batch, proj_size\)"),
    (lambda: nn.LSTM(3, 4)(np.zeros((0, 2, 3))), r"LSTM\(3, 4\).*larger than 0.*\(0, 2, 3\)"),
    (lambda: nn.LSTMCell(3, 4)(np.zeros((2, 2, 3))), r"LSTMCell\(3, 4\).*\(N, H_in\).*\(2, 2, 3\)"),
    (lambda: nn.GRUCell(3, 4)(np.zeros((2, 5))), r"GRUCell\(3, 4\).*5 features.*input_size=3"),
    (lambda: nn.RNNCell(3, 4)(np.zeros((2, 3)), np.zeros((3, 4))),
     r"RNNCell\(3, 4\).*hx of shape \(2, 4\).*\(2, 3\), got \(3, 4\)"),
    (lambda: nn.RNNCell(3, 4)(np.zeros(3), np.zeros((1, 4))),
     r"RNNCell\(3, 4\).*hx of shape \(4,\).*got \(1, 4\)"),
    (lambda: nn.LSTMCell(3, 4)(np.zeros((2, 3)), (np.zeros((2, 4)), np.zeros((2, 5)))),
     r"LSTMCell\(3, 4\).*hx\[1\] of shape \(2, 4\).*got \(2, 5\)"),
])
def test_wrong_shapes_are_refused_naming_the_module_and_both_shapes(call, match):
    with pytest.raises(ShapeError, match=match):
        call()


def test_other_bad_inputs_are_refused_clearly():
    with pytest.raises(TypeError, match=r"LSTM\(3, 4\).*tuple \(h_0, c_0\)"):
        nn.LSTM(3, 4)(np.zeros((5, 2, 3)), np.zeros((1, 2, 4)))
    with pytest.raises(TypeError, match=r"LSTMCell\(3, 4\).*tuple \(h, c\)"):
        nn.LSTMCell(3, 4)(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(ag.DtypeError, match=r"GRU\(3, 4\).*float32.*float64"):
        nn.GRU(3, 4)(Tensor(np.zeros((5, 2, 3)), dtype=np.float32))
    with pytest.raises(TypeError, match="Value"):
        nn.RNNCell(1, 2)(ag.Value(1.0))


@pytest.mark.parametrize("make,error,match", [
    (lambda: nn.RNN(3, 4, nonlinearity="sigmoid"), ValueError, "Unknown nonlinearity 'sigmoid'"),
    (lambda: nn.RNNCell(3, 4, nonlinearity="gelu"), ValueError, "Unknown nonlinearity"),
    (lambda: nn.GRU(3, 4, proj_size=2), ValueError, "only supported for LSTM"),
    (lambda: nn.RNN(3, 4, proj_size=2), ValueError, "only supported for LSTM"),
    (lambda: nn.LSTM(3, 4, proj_size=4), ValueError, "smaller than hidden_size"),
    (lambda: nn.LSTM(3, 4, proj_size=-1), ValueError, "proj_size"),
    (lambda: nn.LSTM(3, 4, 2, dropout=1.5), ValueError, r"dropout must be a number in \[0, 1\]"),
    (lambda: nn.GRU(3, 4, bias=1), TypeError, "bias should be of type bool"),
    (lambda: nn.GRU(3, 4, batch_first="yes"), TypeError, "batch_first should be of type bool"),
    (lambda: nn.LSTM(0, 4), ValueError, "input_size must be an integer >= 1"),
    (lambda: nn.LSTM(3, 0), ValueError, "hidden_size must be an integer >= 1"),
    (lambda: nn.LSTM(3, 4, 0), ValueError, "num_layers must be an integer >= 1"),
    (lambda: nn.GRUCell(3, 2.5), ValueError, "hidden_size"),
    (lambda: nn.LSTM(3, 4, dtype=np.int64), TypeError, "floating point dtype"),
    (lambda: nn.RNN(3, 4, hidden=5), TypeError, "unexpected keyword"),
])
def test_bad_constructor_arguments_are_refused(make, error, match):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dropout with one layer warns first
        with pytest.raises(error, match=match):
            make()


def test_a_refused_input_changes_nothing():
    lstm = nn.LSTM(3, 4, 2, dropout=0.5, rng=0)
    before = lstm.state_dict()
    state = lstm._rng.bit_generator.state
    with pytest.raises(ShapeError):
        lstm(np.zeros((5, 2, 3)), (np.zeros((2, 2, 4)), np.zeros((1, 2, 4))))
    assert lstm._rng.bit_generator.state == state  # no mask drawn
    for k, v in lstm.state_dict().items():
        np.testing.assert_array_equal(v, before[k])
    assert all(p.grad is None for p in lstm.parameters())
