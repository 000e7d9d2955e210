"""The torch comparison the pooling and resampling tests share: run a function of ours
and torch's on the same arrays and compare the outputs and the input gradients.

Imported by test modules, never collected; torch is imported inside (the tests skip
without it).
"""

import numpy as np
import pytest

import autograd as ag


def like_torch(ours, theirs, *arrays, seed=0, tol=1e-12, grad=True, **kwargs):
    """Assert that ``ours(*Tensors, **kwargs)`` equals ``theirs(*torch tensors, **kwargs)``:
    same shapes and dtypes, float outputs within ``tol``, integer outputs (indices)
    exactly, and the gradients of ``<v, first output>`` for a random ``v`` within ``tol``.
    Return our output."""
    torch = pytest.importorskip("torch")
    xs = [ag.Tensor(a, requires_grad=grad) for a in arrays]
    ts = [torch.tensor(np.asarray(a), requires_grad=grad) for a in arrays]
    mine, yours = ours(*xs, **kwargs), theirs(*ts, **kwargs)
    pairs = list(zip(mine, yours)) if isinstance(yours, tuple) else [(mine, yours)]
    for m, y in pairs:
        want = y.detach().numpy()
        assert m.shape == want.shape, (m.shape, want.shape)
        assert m.dtype == want.dtype, (m.dtype, want.dtype)
        if want.dtype.kind == "f":
            np.testing.assert_allclose(m.data, want, rtol=tol, atol=tol)
        else:
            np.testing.assert_array_equal(m.data, want)
    out, ref = pairs[0]
    if grad and out.data.size:
        v = np.random.default_rng(seed).standard_normal(out.shape).astype(out.dtype)
        out.backward(v)
        ref.backward(torch.tensor(v))
        for x, t in zip(xs, ts):
            np.testing.assert_allclose(x.grad, t.grad.numpy(), rtol=tol, atol=tol)
    return mine


def torch_raises(theirs, *arrays, **kwargs):
    """Return True if torch's function rejects these arguments."""
    torch = pytest.importorskip("torch")
    try:
        theirs(*(torch.tensor(a) for a in arrays), **kwargs)
    except (RuntimeError, ValueError, NotImplementedError):
        return True
    return False
