"""Tensors print as torch's in the "torch" print style: every case builds the same values in
both libraries from one numpy array, under the same print options and default dtype, and
compares ``repr`` (and ``str``) string for string. The "numpy" style (the engine's default)
keeps numpy's ``Tensor(...)``."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd
import nn
from autograd import Tensor

torch = pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS = ("float32", "float64")


@pytest.fixture(autouse=True)
def torch_options(torch_print_style):
    """torch's print options and default dtype as they were, after each test (they are
    process-wide in torch too); ours are reset by conftest. Both start with float64, the
    engine's default in tests (conftest)."""
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_printoptions(profile="default")
    torch.set_default_dtype(before)


def default_dtype(name):
    autograd.set_default_dtype(name)
    torch.set_default_dtype(getattr(torch, name))


def options(**kw):
    """The same print options in both libraries."""
    autograd.set_printoptions(**kw)
    torch.set_printoptions(**kw)


def pair(arr, requires_grad=False):
    arr = np.asarray(arr)
    ours = Tensor(arr.copy(), requires_grad=requires_grad)
    theirs = torch.from_numpy(arr.copy()).requires_grad_(requires_grad)
    return ours, theirs


def same(arr, requires_grad=False):
    ours, theirs = pair(arr, requires_grad)
    assert ours.dtype == np.asarray(arr).dtype
    assert repr(ours) == repr(theirs)
    assert str(ours) == str(theirs)


# ------------------------------------------------------------------ values
SPECIAL = (0.0, -0.0, 1.0, -1.0, 2.0, 1e-5, -3e-9, 1e-30, 1e8, 1.5e8, 1e10, 123456.0, 1e30,
           0.1, 0.5, 1000.0, 1001.0, 999.5, float("nan"), float("inf"), float("-inf"))


def floats(width):
    return st.one_of(
        st.floats(allow_nan=True, allow_infinity=True, width=width),
        st.floats(-10.0, 10.0, width=width),
        st.integers(-10 ** 6, 10 ** 6).map(float),
        st.sampled_from(SPECIAL))


def float_arrays(dtype, max_dims=4):
    width = 32 if dtype == np.float32 else 64
    return hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=max_dims, min_side=1,
                                              max_side=4), elements=floats(width))


@pytest.mark.parametrize("default", DEFAULTS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@given(data=st.data())
def test_floats_of_mixed_magnitudes(default, dtype, data):
    default_dtype(default)
    arr = data.draw(float_arrays(dtype))
    same(arr)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@given(data=st.data())
def test_floats_under_options(dtype, data):
    arr = data.draw(float_arrays(dtype, max_dims=3))
    options(precision=data.draw(st.integers(0, 10)), sci_mode=data.draw(
        st.sampled_from([None, True, False])), linewidth=data.draw(st.sampled_from([10, 40, 80,
                                                                                   200])))
    same(arr)


@given(hnp.arrays(np.float16, hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
                  elements=st.floats(width=16)))
def test_float16(arr):
    same(arr)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int16, np.int8, np.uint8])
@given(data=st.data())
def test_integers(dtype, data):
    info = np.iinfo(dtype)
    arr = data.draw(hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=4, max_side=4),
                               elements=st.one_of(st.integers(info.min, info.max),
                                                  st.integers(-3, 3).filter(
                                                      lambda v: info.min <= v))))
    same(arr)


@given(hnp.arrays(np.bool_, hnp.array_shapes(min_dims=0, max_dims=4, max_side=4)))
def test_bools(arr):
    same(arr)


@pytest.mark.parametrize("value", [0.0, -0.0, 1.0, -2.5, 1e-7, 3e12, float("nan"),
                                   float("-inf"), 7, True, False])
@pytest.mark.parametrize("default", DEFAULTS)
def test_zero_d(value, default):
    default_dtype(default)
    dtype = type(value) if isinstance(value, (bool, int)) else np.float64
    same(np.array(value, dtype=dtype))
    same(np.array(value, dtype=np.float32 if dtype is np.float64 else dtype))


@pytest.mark.parametrize("default", DEFAULTS)
@pytest.mark.parametrize("shape", [(0,), (0, 3), (2, 0), (2, 0, 4), (0, 0)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int64, np.int32,
                                   np.bool_])
def test_empty(shape, dtype, default):
    default_dtype(default)
    same(np.zeros(shape, dtype))


def mixed(rng, shape, dtype=np.float64):
    """Values over many magnitudes, with integers, zeros and non-finite ones among them."""
    arr = rng.standard_normal(shape) * 10.0 ** rng.integers(-6, 10, shape)
    arr[rng.random(shape) < 0.1] = np.round(arr[rng.random(shape) < 0.1].sum())
    arr.reshape(-1)[:: 7] = 0.0
    if arr.size > 20:
        arr.reshape(-1)[3] = np.nan
        arr.reshape(-1)[-5] = -np.inf
    return arr.astype(dtype)


@pytest.mark.parametrize("shape", [(2000,), (1001,), (40, 30), (3, 400, 2), (5, 5, 5, 9),
                                   (2, 1100)])
@pytest.mark.parametrize("kind", ["normal", "mixed", "int", "bool", "intfloat"])
def test_large_tensors_are_summarized(shape, kind):
    rng = np.random.default_rng(sum(shape))
    arr = {"normal": lambda: rng.standard_normal(shape).astype(np.float32),
           "mixed": lambda: mixed(rng, shape),
           "int": lambda: rng.integers(-10 ** 6, 10 ** 6, shape),
           "bool": lambda: rng.random(shape) < 0.5,
           "intfloat": lambda: np.arange(np.prod(shape), dtype=np.float64).reshape(shape)}[kind]()
    same(arr)


@pytest.mark.parametrize("opts", [{"threshold": 5}, {"threshold": 5, "edgeitems": 1},
                                  {"threshold": 5, "edgeitems": 0}, {"edgeitems": 0},
                                  {"threshold": 10, "edgeitems": 4}, {"profile": "short"},
                                  {"profile": "full"}, {"profile": "full", "precision": 2},
                                  {"threshold": 0}, {"threshold": float("inf")}],
                         ids=str)
@pytest.mark.parametrize("shape", [(), (1,), (7,), (12,), (3, 9), (9, 3), (2, 3, 10), (20, 2, 2)])
def test_summarization_options(opts, shape):
    options(**opts)
    rng = np.random.default_rng(3)
    same(rng.standard_normal(shape) * 100)
    same(rng.integers(0, 50, shape))


@pytest.mark.parametrize("linewidth", [1, 15, 33, 60, 80, 81, 120])
@pytest.mark.parametrize("shape", [(30,), (3, 30), (2, 2, 25), (1, 100)])
def test_wide_rows_wrap(linewidth, shape):
    options(linewidth=linewidth)
    rng = np.random.default_rng(linewidth)
    same(rng.standard_normal(shape))
    same(rng.integers(-5, 5000, shape))
    same(rng.standard_normal(shape), requires_grad=True)  # the suffix's own line


# ------------------------------------------------------------------ autograd's suffixes
@pytest.mark.parametrize("default", DEFAULTS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (0,), (0, 2)])
def test_requires_grad_leaves(default, dtype, shape):
    default_dtype(default)
    same(np.random.default_rng(0).standard_normal(shape).astype(dtype), requires_grad=True)


OPS = {
    "mul": lambda x, y: x * y, "add": lambda x, y: x + y, "sub": lambda x, y: x - y,
    "div": lambda x, y: x / y, "neg": lambda x, y: -x, "exp": lambda x, y: x.exp(),
    "tanh": lambda x, y: x.tanh(), "sigmoid": lambda x, y: x.sigmoid(),
    "relu": lambda x, y: x.relu(), "pow": lambda x, y: x ** 2, "sum": lambda x, y: x.sum(),
    "sum_dim": lambda x, y: x.sum(1), "matmul": lambda x, y: x @ y.T,
    "reshape": lambda x, y: x.reshape(-1), "index": lambda x, y: x[0],
    "slice": lambda x, y: x[:, 1:], "transpose": lambda x, y: x.transpose(0, 1),
    "abs": lambda x, y: x.abs(), "clamp": lambda x, y: x.clamp(-0.5, 0.5),
    "max": lambda x, y: x.max(), "cat": lambda x, y: (torch if isinstance(x, torch.Tensor)
                                                      else autograd).cat([x, y]),
    "mean": lambda x, y: x.mean(), "unsqueeze": lambda x, y: x.unsqueeze(0),
    "T": lambda x, y: x.T, "sqrt": lambda x, y: (x * x).sqrt(),
}
# composites of the engine whose grad_fn is the last op they are made of, not torch's name
# for the whole (autograd/grad_fn.py: names are torch's for the ops in TORCH_NAMED)
DIFFERENT_NAMES = {
    "mean": "the engine's mean is a composite (sum, then div): grad_fn DivBackward0, torch's "
            "MeanBackward0",
    "unsqueeze": "the engine's unsqueeze is a reshape: ViewBackward0, torch's UnsqueezeBackward0",
    "T": "the engine's .T is a transpose: TransposeBackward0, torch's (2-D) TBackward0",
}


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=DIFFERENT_NAMES[n]))
    if n in DIFFERENT_NAMES else n for n in OPS])
@pytest.mark.parametrize("default", DEFAULTS)
def test_op_results_show_their_grad_fn(name, default):
    default_dtype(default)
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((2, 3)) + 3
    (x, tx), (y, ty) = pair(a, True), pair(b, True)
    assert repr(OPS[name](x, y)) == repr(OPS[name](tx, ty))


def test_results_without_grad_have_no_suffix():
    (x, tx), (y, ty) = pair(np.array([1.5, -2.0]), True), pair(np.array([3.0, 4.0]))
    assert repr(x.detach()) == repr(tx.detach())
    assert repr(y * 2) == repr(ty * 2)
    with autograd.no_grad(), torch.no_grad():
        assert repr(x * 2) == repr(tx * 2)
    assert repr(x.grad) == repr(tx.grad)  # None
    (x * y).sum().backward()
    (tx * ty).sum().backward()
    assert repr(x.grad) == repr(tx.grad)


def test_a_long_suffix_goes_on_its_own_line():
    rng = np.random.default_rng(2)
    (x, tx), (w, tw) = pair(rng.standard_normal((3, 9)), True), pair(rng.standard_normal((9, 9)))
    for make in (lambda x, w: x @ w, lambda x, w: (x @ w).float()):
        assert repr(make(x, w)) == repr(make(tx, tw))


@pytest.mark.parametrize("default", DEFAULTS)
@pytest.mark.parametrize("shape", [(), (3,), (2, 4), (0,)])
def test_parameters(default, shape):
    default_dtype(default)
    arr = np.random.default_rng(4).standard_normal(shape).astype(default)
    ours, theirs = nn.Parameter(arr), torch.nn.Parameter(torch.from_numpy(arr))
    assert repr(ours) == repr(theirs)
    assert str(ours) == str(theirs)
    assert f"{[ours]}" == f"{[theirs]}"


def test_a_layers_parameters():
    default_dtype("float32")
    ours, theirs = nn.Linear(3, 2), torch.nn.Linear(3, 2)
    w = np.random.default_rng(5).standard_normal((2, 3)).astype(np.float32)
    with autograd.no_grad(), torch.no_grad():
        ours.weight.copy_(Tensor(w))
        theirs.weight.copy_(torch.from_numpy(w))
    assert repr(ours.weight) == repr(theirs.weight)


# ------------------------------------------------------------------ the options themselves
def test_get_printoptions_gives_what_set_takes():
    autograd.set_printoptions(precision=2, threshold=7, edgeitems=1, linewidth=50, sci_mode=True)
    got = autograd.get_printoptions()
    torch.set_printoptions(precision=2, threshold=7, edgeitems=1, linewidth=50, sci_mode=True)
    assert {k: v for k, v in got.items() if k != "style"} == torch._tensor_str.get_printoptions()
    assert got["style"] == "torch"
    autograd.set_printoptions(profile="default")
    autograd.set_printoptions(**got)
    assert autograd.get_printoptions() == got


def test_sci_mode_is_reset_by_every_call_as_torchs():
    x, tx = pair(np.array([1.5, 2.0]))
    options(sci_mode=True)
    options(precision=3)
    assert repr(x) == repr(tx) == "tensor([1.500, 2.000])"


def test_the_torch_facade_sets_and_documents_the_style():
    import nn.torchlike as facade

    assert "set_printoptions(style=\"torch\")" in facade.__doc__
    facade.set_printoptions(precision=2)
    assert repr(facade.tensor([0.12573022, -0.13210486])) == "tensor([ 0.13, -0.13])"


def test_importing_the_facade_makes_tensors_print_as_torchs():
    code = ("import nn.torchlike as torch\n"
            "print(torch.tensor([True, True]))\n"
            "print(torch.tensor([0.12573022, -0.13210486]))\n"
            "print(torch.tensor([1.0, 2.0], requires_grad=True) * 2)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True, env={"PYTHONPATH": str(ROOT)}).stdout
    assert out.splitlines() == ["tensor([True, True])", "tensor([ 0.1257, -0.1321])",
                                "tensor([2., 4.], grad_fn=<MulBackward0>)"]


@pytest.mark.parametrize("bad", [{"style": "pytorch"}, {"profile": "long"}, {"precision": -1},
                                 {"linewidth": 0}, {"edgeitems": 1.5}, {"threshold": "many"},
                                 {"precision": True}])
def test_bad_options_are_refused_and_change_nothing(bad):
    before = autograd.get_printoptions()
    np_before = np.get_printoptions()
    with pytest.raises(ValueError, match="set_printoptions: " + next(iter(bad))):
        autograd.set_printoptions(**{"style": "numpy", "linewidth": 60, **bad})
    assert autograd.get_printoptions() == before
    assert np.get_printoptions() == np_before


# ------------------------------------------------------------------ the numpy style
def test_numpy_style_is_unchanged():
    autograd.set_printoptions(style="numpy")
    x = Tensor([1.0, -2.0], requires_grad=True)
    assert repr(Tensor([True, True])) == "Tensor([ True,  True], dtype=bool)"
    assert repr(Tensor([0.12573022, -0.13210486])) == "Tensor([ 0.12573022, -0.13210486])"
    assert repr(x) == "Tensor([ 1., -2.], requires_grad=True)"
    assert repr(x * 2) == "Tensor([ 2., -4.], op=mul)"
    assert repr(nn.Parameter(np.ones(2))) == (
        "Parameter containing:\nTensor([1., 1.], requires_grad=True)")


def test_numpy_style_takes_numpys_options():
    autograd.set_printoptions(style="numpy", precision=3, sci_mode=False)
    assert np.get_printoptions()["precision"] == 3 and np.get_printoptions()["suppress"]
    assert repr(Tensor([0.12573022, 1e-9])) == "Tensor([0.126, 0.   ])"
    assert autograd.get_printoptions()["style"] == "numpy"
    autograd.set_printoptions(profile="default")
    assert repr(Tensor([0.12573022])) == "Tensor([0.12573022])"
    autograd.set_printoptions(style="torch")  # the torch options were left alone
    assert autograd.get_printoptions()["precision"] == 4
