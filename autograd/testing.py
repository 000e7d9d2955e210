"""Hypothesis strategies built from op metadata, and the checks the property suite runs.

Public so that users can property-test their own functions and ops declared with
``defop``: ``op_cases(op)`` draws ``(inputs, attrs)`` for any registered op from its
``kind``, ``domain``, ``avoid`` and ``unique``; ``check_vjp`` compares backprop with
central differences along random directions. Needs the ``hypothesis`` package.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

try:
    import hypothesis.extra.numpy as hnp
    import hypothesis.strategies as st
except ImportError as e:  # the testing extra is not installed
    raise ImportError("autograd.testing needs hypothesis: pip install 'knobgrad[testing]'"
                      ) from e
import numpy as np

from .gradcheck import GradcheckError
from .ops import Op
from .tensors import Tensor

Case = tuple[list[np.ndarray], dict[str, Any]]
MARGIN = 0.05  # how far inputs stay from kinks, poles and each other: far beyond eps = 1e-6


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 3
           ) -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes including 0-d and size-1 dimensions."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)


def mutually_broadcastable_shapes(num_shapes: int = 2, max_dims: int = 3
                                  ) -> st.SearchStrategy[tuple[tuple[int, ...], ...]]:
    """Tuples of shapes that broadcast together (numpy's rules)."""
    return hnp.mutually_broadcastable_shapes(num_shapes=num_shapes, max_dims=max_dims,
                                             max_side=3).map(lambda bs: bs.input_shapes)


def floats(low: float = -3.0, high: float = 3.0, avoid: Sequence[float] = ()
           ) -> st.SearchStrategy[float]:
    """Finite floats in ``[low, high]`` at least ``MARGIN`` away from every point in ``avoid``."""
    return st.floats(low, high, allow_nan=False, allow_infinity=False).filter(
        lambda v: all(abs(v - a) >= MARGIN for a in avoid))


def arrays(shape: tuple[int, ...], low: float = -3.0, high: float = 3.0,
           avoid: Sequence[float] = (), dtype: Any = np.float64) -> st.SearchStrategy[np.ndarray]:
    """Arrays of ``shape`` with elements drawn by ``floats(low, high, avoid)``."""
    return hnp.arrays(dtype, shape, elements=floats(low, high, avoid))


@st.composite
def distinct_arrays(draw: Any, shapes: Sequence[tuple[int, ...]], low: float, high: float,
                    avoid: Sequence[float] = ()) -> list[np.ndarray]:
    """Arrays whose elements, all together, are pairwise at least a grid step apart
    (no ties for max, min, maximum), on a shuffled grid over ``[low, high]``."""
    sizes = [int(np.prod(s)) for s in shapes]
    n = sum(sizes)
    order = np.array(draw(st.permutations(range(n))), dtype=float)
    offset = draw(st.floats(0.2, 0.8))
    values = low + (high - low) * (order + offset) / max(n, 1)
    for a in avoid:  # nudge grid points off kinks; the grid step keeps them distinct
        values = np.where(np.abs(values - a) < MARGIN, a + MARGIN * np.sign(values - a + 1e-12),
                          values)
    parts = np.split(values, np.cumsum(sizes)[:-1])
    return [p.reshape(s) for p, s in zip(parts, shapes)]


def _inputs(draw: Any, op: Op, shapes: Sequence[tuple[int, ...]],
            avoid: Sequence[float] = ()) -> list[np.ndarray]:
    avoid = tuple(op.avoid) + tuple(avoid)
    if op.unique:
        low = max(op.domain_of(i)[0] for i in range(len(shapes)))
        high = min(op.domain_of(i)[1] for i in range(len(shapes)))
        return draw(distinct_arrays(shapes, low, high, avoid))
    return [draw(arrays(s, *op.domain_of(i), avoid=avoid)) for i, s in enumerate(shapes)]


@st.composite
def _elementwise(draw: Any, op: Op) -> Case:
    shape = draw(shapes())
    return _inputs(draw, op, [shape] * op.arity), {}


@st.composite
def _pow(draw: Any, op: Op) -> Case:
    exponent = draw(st.sampled_from([-2, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3]))
    return _inputs(draw, op, [draw(shapes())]), {"exponent": exponent}


@st.composite
def _clip(draw: Any, op: Op) -> Case:
    lo, hi = draw(st.floats(-2.0, -0.2)), draw(st.floats(0.2, 2.0))
    return _inputs(draw, op, [draw(shapes())], avoid=(lo, hi)), {"min": lo, "max": hi}


@st.composite
def _where(draw: Any, op: Op) -> Case:
    shape = draw(shapes())
    return _inputs(draw, op, [shape, shape]), {"condition": draw(hnp.arrays(bool, shape))}


@st.composite
def _reduce(draw: Any, op: Op) -> Case:
    shape = draw(shapes())
    axis = draw(st.none() | hnp.valid_tuple_axes(len(shape)))
    axis = tuple(range(len(shape))) if axis is None else tuple(sorted(a % len(shape) for a in axis))
    return _inputs(draw, op, [shape]), {"axis": axis, "keepdims": draw(st.booleans())}


@st.composite
def _softmax(draw: Any, op: Op) -> Case:
    shape = draw(shapes(min_dims=1))
    return _inputs(draw, op, [shape]), {"axis": draw(st.integers(0, len(shape) - 1))}


@st.composite
def _reshape(draw: Any, op: Op) -> Case:
    shape = draw(shapes())
    size = int(np.prod(shape))
    target = draw(st.sampled_from([(size,), shape[::-1], (1, *shape), (*shape, 1), ()]
                                  if size == 1 else [(size,), shape[::-1], (1, *shape), (size, 1)]))
    return _inputs(draw, op, [shape]), {"shape": target}


@st.composite
def _transpose(draw: Any, op: Op) -> Case:
    shape = draw(shapes())
    return _inputs(draw, op, [shape]), {"axes": tuple(draw(st.permutations(range(len(shape)))))}


@st.composite
def _broadcast_to(draw: Any, op: Op) -> Case:
    shape = draw(shapes())
    other = draw(hnp.broadcastable_shapes(shape, max_dims=4, max_side=3))
    return _inputs(draw, op, [shape]), {"shape": np.broadcast_shapes(shape, other)}


@st.composite
def _index(draw: Any, shape: tuple[int, ...]) -> tuple[Any, ...]:
    index = draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True)
                 | hnp.integer_array_indices(shape, result_shape=shapes(1, 2, max_side=4)))
    return index if isinstance(index, tuple) else (index,)


@st.composite
def _getitem(draw: Any, op: Op) -> Case:
    shape = draw(shapes(min_dims=1))
    return _inputs(draw, op, [shape]), {"index": draw(_index(shape))}


@st.composite
def _index_put_add(draw: Any, op: Op) -> Case:
    shape = draw(shapes(min_dims=1))
    index = draw(_index(shape))
    picked = np.empty(shape)[index].shape
    return _inputs(draw, op, [picked]), {"index": index, "shape": shape}


@st.composite
def _concatenate(draw: Any, op: Op) -> Case:
    base = list(draw(shapes(min_dims=1)))
    axis = draw(st.integers(0, len(base) - 1))
    sides = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    parts = [tuple(base[:axis] + [n] + base[axis + 1:]) for n in sides]
    return _inputs(draw, op, parts), {"axis": axis}


@st.composite
def _matmul(draw: Any, op: Op) -> Case:
    n, k, m = (draw(st.integers(1, 3)) for _ in range(3))
    batch = draw(shapes(0, 2))
    y_batch = draw(st.sampled_from([batch, ()]))
    return _inputs(draw, op, [(*batch, n, k), (*y_batch, k, m)]), {}


@st.composite
def _linear(draw: Any, op: Op) -> Case:
    n, k, m = (draw(st.integers(1, 3)) for _ in range(3))
    batch = draw(shapes(0, 2))
    return _inputs(draw, op, [(*batch, n, k), (m, k), (m,)]), {}


# New kinds live in their family's section at the end of this file, each strategy followed
# by its ``register_kind`` call.

KINDS: dict[str, Callable[[Op], st.SearchStrategy[Case]]] = {
    "elementwise": _elementwise, "pow": _pow, "clip": _clip, "where": _where,
    "reduce": _reduce, "softmax": _softmax, "reshape": _reshape, "transpose": _transpose,
    "broadcast_to": _broadcast_to, "getitem": _getitem, "index_put_add": _index_put_add,
    "concatenate": _concatenate, "matmul": _matmul, "linear": _linear,
}
"""Input strategies by op kind; ``register_kind`` adds one for a new kind of op."""


def register_kind(kind: str, strategy: Callable[[Op], st.SearchStrategy[Case]]) -> None:
    """Register the strategy that draws ``(inputs, attrs)`` for ops of ``kind``."""
    KINDS[kind] = strategy


def op_cases(op: Op) -> st.SearchStrategy[Case]:
    """Return a strategy of ``(inputs, attrs)`` for ``op``, from its metadata."""
    if op.kind not in KINDS:
        raise LookupError(f"op {op.name!r} has kind {op.kind!r}, which has no input strategy; "
                          "use a known kind or autograd.testing.register_kind")
    if op.domain is None:
        raise LookupError(f"op {op.name!r} declares no test domain (domain=...)")
    return KINDS[op.kind](op)


def check_vjp(f: Callable[..., Any], inputs: Sequence[np.ndarray], rng: np.random.Generator,
              eps: float = 1e-6, atol: float = 1e-6, rtol: float = 1e-5) -> None:
    """Check ``<v, J u>`` from backprop against ``<v, (f(x + eps u) - f(x - eps u)) / 2 eps>``
    for random directions ``u`` (all inputs at once) and a random cotangent ``v``.

    ``f`` maps Tensors to a Tensor; inputs are float64 arrays. Raise ``GradcheckError``.
    The tolerances sit far above the float64 central difference's error (~1e-10 here)
    and far below what a wrong rule produces.
    """
    leaves = [Tensor(x, requires_grad=True) for x in inputs]
    out = f(*leaves)
    v = rng.standard_normal(out.shape)
    us = [rng.standard_normal(np.shape(x)) for x in inputs]
    analytic = 0.0
    if out.requires_grad:
        out.backward(v)
        analytic = sum(float(np.sum(np.asarray(leaf.grad) * u)) for leaf, u in zip(leaves, us)
                       if leaf.grad is not None)
    plus = f(*[Tensor(x + eps * u) for x, u in zip(inputs, us)])._data
    minus = f(*[Tensor(x - eps * u) for x, u in zip(inputs, us)])._data
    numeric = float(np.sum(v * (plus - minus))) / (2 * eps)
    if not abs(analytic - numeric) <= atol + rtol * abs(numeric):
        raise GradcheckError(f"check_vjp: <v, J u> is {analytic!r} by backprop but {numeric!r} "
                             "by central differences")


# ---------------------------------------------------------------- elementwise kinds


@st.composite
def _division(draw: Any, op: Op) -> Case:
    """``x, y`` for remainder, fmod and floor_divide: ``x / y`` kept at least 0.1 away from
    the integers, where these ops jump (a finite difference across a jump is no gradient)."""
    x, y = _inputs(draw, op, [draw(shapes())] * 2)
    r = x / y
    near = np.abs(r - np.round(r)) < 0.1
    return [np.where(near, (np.round(r) + 0.25) * y, x), y], {}


register_kind("division", _division)


@st.composite
def _softplus(draw: Any, op: Op) -> Case:
    """``beta`` and ``threshold`` as torch's softplus takes them; inputs keep away from the
    switch to the identity at ``beta * x == threshold``."""
    beta, threshold = draw(st.sampled_from([0.5, 1.0, 2.0])), draw(st.sampled_from([20.0, 1.0]))
    return (_inputs(draw, op, [draw(shapes())], avoid=(threshold / beta,)),
            {"beta": beta, "threshold": threshold})


register_kind("softplus", _softplus)


# ---------------------------------------------------------------- reduction kinds


@st.composite
def _norm(draw: Any, op: Op) -> Case:
    inputs, attrs = draw(_reduce(op))
    return inputs, {"p": draw(st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0])), **attrs}


register_kind("norm", _norm)


@st.composite
def _normalize(draw: Any, op: Op) -> Case:
    # at least two distinct values along the normalised axes (unique=True): the variance
    # stays well away from 0, where 1/sqrt(var + eps) is too curved for finite differences
    shape = draw(shapes(min_dims=1, min_side=2))
    k = draw(st.integers(1, len(shape)))
    axis = tuple(range(len(shape) - k, len(shape)))
    return _inputs(draw, op, [shape]), {"axis": axis, "eps": draw(st.sampled_from([1e-5, 0.5]))}


register_kind("normalize", _normalize)


@st.composite
def _affine(draw: Any, op: Op) -> Case:
    # x, and a weight and a bias of its last k dimensions (k >= 1; all of them included)
    shape = draw(shapes(min_dims=1))
    k = draw(st.integers(1, len(shape)))
    return _inputs(draw, op, [shape, shape[len(shape) - k:], shape[len(shape) - k:]]), {}


register_kind("affine", _affine)


@st.composite
def _softmax_cross_entropy(draw: Any, op: Op) -> Case:
    # logits, a class axis, and one target class (repeats allowed) per element off the axis
    shape = draw(shapes(min_dims=1))
    axis = draw(st.integers(0, len(shape) - 1))
    rest = shape[:axis] + shape[axis + 1:]
    target = draw(hnp.arrays(np.int64, rest, elements=st.integers(0, shape[axis] - 1)))
    # per element (None), or reduced: "sum" (1) or "mean" (the count)
    divisor = draw(st.sampled_from([None, 1.0, float(max(target.size, 1))]))
    return _inputs(draw, op, [shape]), {"axis": axis, "target": target, "divisor": divisor}


register_kind("softmax_cross_entropy", _softmax_cross_entropy)


# ---------------------------------------------------------------- scan and sorting kinds


@st.composite
def _scan(draw: Any, op: Op) -> Case:
    shape = draw(shapes(min_dims=1, max_side=4))
    return _inputs(draw, op, [shape]), {"axis": draw(st.integers(0, len(shape) - 1))}


@st.composite
def _scan_reverse(draw: Any, op: Op) -> Case:
    inputs, attrs = draw(_scan(op))
    return inputs, {**attrs, "reverse": draw(st.booleans())}


register_kind("scan", _scan)
register_kind("scan_reverse", _scan_reverse)


# ---------------------------------------------------------------- indexing kinds


@st.composite
def _along_axis(draw: Any) -> tuple[tuple[int, ...], int, np.ndarray]:
    """A shape, an axis and an int64 index for gather/scatter_add along it: no larger than
    the shape outside ``axis`` (torch's rule), any length along it, repeats included."""
    shape = draw(shapes(min_dims=1))
    axis = draw(st.integers(0, len(shape) - 1))
    ishape = tuple(draw(st.integers(1, 4)) if d == axis else draw(st.integers(1, n))
                   for d, n in enumerate(shape))
    index = draw(hnp.arrays(np.int64, ishape, elements=st.integers(0, shape[axis] - 1)))
    return shape, axis, index


@st.composite
def _gather(draw: Any, op: Op) -> Case:
    shape, axis, index = draw(_along_axis())
    return _inputs(draw, op, [shape]), {"axis": axis, "index": index}


@st.composite
def _scatter_add(draw: Any, op: Op) -> Case:
    shape, axis, index = draw(_along_axis())
    return _inputs(draw, op, [shape, index.shape]), {"axis": axis, "index": index}


@st.composite
def _scatter(draw: Any, op: Op) -> Case:
    """As scatter_add's, with distinct targets: where two writes meet, the last one hides
    the other, whose derivative is then 0 and not torch's gradient (so not a finite
    difference's either)."""
    shape, axis, index = draw(_along_axis())
    length = min(index.shape[axis], shape[axis])
    index = np.take(index, range(length), axis=axis)
    perm = draw(st.permutations(range(shape[axis])))
    # along the axis, each line of the index takes distinct positions: a permutation's head
    lines = np.moveaxis(np.zeros(index.shape, np.int64), axis, -1)
    lines[...] = np.asarray(perm[:length])
    index = np.moveaxis(lines, -1, axis)
    return _inputs(draw, op, [shape, index.shape]), {"axis": axis, "index": index}


@st.composite
def _scatter_reduce(draw: Any, op: Op) -> Case:
    """As scatter_add's, with the extreme to take and whether x takes part."""
    case, attrs = draw(_scatter_add(op))
    return case, {**attrs, "reduce": draw(st.sampled_from(("amax", "amin"))),
                  "include_self": draw(st.booleans())}


register_kind("gather", _gather)
register_kind("scatter_add", _scatter_add)
register_kind("scatter", _scatter)
register_kind("scatter_reduce", _scatter_reduce)


# ---------------------------------------------------------------- linear algebra kinds

# explicit, normalised einsum subscripts (what the primitive receives): contractions, traces,
# diagonals, outer products, transposes, sums, batches, three operands
EINSUM_SUBSCRIPTS = (
    "ij,jk->ik", "i,i->", "i,j->ij", "ij->ji", "ij->", "ij->j", "ii->", "ii->i", "iij->ji",
    "bij,bjk->bik", "ijk,jl,lk->il", "ij,ij->ij", "i,ij,j->", "iji->j", "ab,cd->abcd", "->",
)


@st.composite
def _einsum(draw: Any, op: Op) -> Case:
    subscripts = draw(st.sampled_from(EINSUM_SUBSCRIPTS))
    sizes = {c: draw(st.integers(1, 3)) for c in sorted(set(subscripts) - set(",->"))}
    terms = subscripts.split("->")[0].split(",")
    shapes = [tuple(sizes[c] for c in t) for t in terms]
    return _inputs(draw, op, shapes), {"subscripts": subscripts}


register_kind("einsum", _einsum)


# ---------------------------------------------------------------- shape and dtype kinds


@st.composite
def _cast(draw: Any, op: Op) -> Case:
    # float64 -> float64 (a copy): the suite checks in float64, where finite differences
    # hold; the casts between float dtypes are checked in tests/autograd/test_surface.py
    return _inputs(draw, op, [draw(shapes())]), {"dtype": np.dtype(np.float64)}


register_kind("cast", _cast)


# ---------------------------------------------------------------- convolution kinds


@st.composite
def _windows(draw: Any) -> tuple[tuple[int, ...], dict[str, Any], tuple[int, ...]]:
    """An image shape, the window attributes, and the shape of its columns."""
    from .ops.convolution import out_size

    small = st.integers(1, 2)
    n, c = draw(small), draw(small)
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride, dilation = (draw(small), draw(small)), (draw(small), draw(small))
    padding = tuple((draw(st.integers(0, 1)), draw(st.integers(0, 1))) for _ in range(2))
    # each side at least one window long
    size = tuple(draw(st.integers(max(1, dilation[i] * (kernel[i] - 1) + 1 - sum(padding[i])), 5))
                 for i in range(2))
    out = [out_size(size[i], kernel[i], stride[i], dilation[i], padding[i]) for i in range(2)]
    attrs = {"kernel_size": kernel, "stride": stride, "dilation": dilation, "padding": padding}
    return (n, c, *size), attrs, (n, *out, c, *kernel)


@st.composite
def _im2col(draw: Any, op: Op) -> Case:
    image, attrs, _ = draw(_windows())
    return _inputs(draw, op, [image]), {**attrs, "fill": draw(st.sampled_from([0.0, -1.5]))}


@st.composite
def _col2im(draw: Any, op: Op) -> Case:
    image, attrs, cols = draw(_windows())
    return _inputs(draw, op, [cols]), {**attrs, "size": image[2:]}


register_kind("im2col", _im2col)
register_kind("col2im", _col2im)


# ---------------------------------------------------------------- pooling and padding kinds


# ---------------------------------------------------------------- attention kinds


@st.composite
def _attention(draw: Any, op: Op) -> Case:
    """``q, k, v`` of one batch shape, and every attribute form: a scale, no mask, a causal
    triangle, a boolean keep-mask or an additive float mask (with -inf entries; both may
    mask whole rows) of the full or a broadcast shape, and dropout multipliers (0 or 2)."""
    batch = draw(shapes(0, 2, max_side=2))
    L, S, E, Ev = (draw(st.integers(1, 3)) for _ in range(4))
    inputs = _inputs(draw, op, [(*batch, L, E), (*batch, S, E), (*batch, S, Ev)])
    full = (*batch, L, S)
    mask_shape = draw(st.sampled_from([full, (L, S), (1, S)]))
    form = draw(st.sampled_from(["none", "causal", "bool", "float"]))
    mask: Any = None
    if form == "bool":
        mask = draw(hnp.arrays(bool, mask_shape))
    elif form == "float":
        mask = draw(hnp.arrays(np.float64, mask_shape,
                               elements=st.just(-np.inf) | floats(-2.0, 2.0)))
    dropout = draw(st.none() | hnp.arrays(np.float64, full, elements=st.sampled_from([0.0, 2.0])))
    scale = draw(st.sampled_from([1 / np.sqrt(E), 0.5, 2.0]))
    return inputs, {"scale": float(scale), "mask": mask, "is_causal": form == "causal",
                    "dropout": dropout}


register_kind("attention", _attention)
