"""torch's view of a graph: ``t.grad_fn`` and ``grad_fn.next_functions``, read from the nodes.

A node records its op and inputs; torch calls the same thing the tensor's ``grad_fn``, an
object named for the op's backward (``MulBackward0``) whose ``next_functions`` are
``(fn, output_nr)`` pairs in input order: the input's own ``grad_fn``, an
``AccumulateGrad`` (whose ``.variable`` is the leaf) for a leaf that requires grad, None
for a constant. Nothing is stored at record time: a ``GradFn`` is a small wrapper made on
each access, equal to (and hashing as) every other wrapper of the same node.

Where the two graphs differ, the view follows torch's: a ``broadcast_to`` the engine
inserts before a broadcasting op (``x @ w + b``) is skipped, as torch broadcasts inside
the op (an explicit ``b.expand(...)`` feeding such an op is skipped too: the graph cannot
tell them apart; its own ``grad_fn`` is still ``ExpandBackward0``); the outputs of a
custom ``autograd.Function`` share their Function's node, told apart by ``output_nr``.
Names are torch's for the ops in ``TORCH_NAMED`` (tests compare them with torch); other
ops get ``<OpName>Backward0`` from the op's name, which torch may spell otherwise (a
composite such as ``mean`` shows the ops it is made of: ``DivBackward0``).
"""

from __future__ import annotations

from typing import Any

from .skeleton import _Freed

TORCH_NAMED = frozenset((
    "neg", "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu", "pow", "clip", "add",
    "sub", "mul", "div", "power", "maximum", "minimum", "where", "sin", "cos", "tan", "asin",
    "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "log2", "log10", "log1p",
    "exp2", "expm1", "erf", "floor", "ceil", "trunc", "round", "sign", "copysign", "hypot",
    "softplus", "gelu_tanh", "getitem", "gather", "matmul", "sum", "max", "min",
    "log_softmax", "prod", "norm", "cumsum", "cumprod", "logcumsumexp", "reshape",
    "transpose", "broadcast_to", "concatenate", "cast"))
"""The ops whose ``grad_fn`` name is torch's for the same call: one name per op, or for
``sum``, ``max``, ``min``, ``prod`` (all dims or some), ``matmul`` (2-D: ``MmBackward0``,
3-D: ``BmmBackward0``, as ``torch.bmm``), ``transpose`` (two dims swapped or a
permutation), ``cast`` (a dtype change or a clone) and ``getitem`` (one int, one slice, or
an index array) the variant torch picks. ``reshape`` is torch's ``view`` (``unsqueeze``,
``squeeze`` and a matrix's ``.T`` are spelled otherwise in torch)."""

# the ops whose torch name is not the CamelCase of the op's name (the variants: _variant)
_NAMES = {"clip": "ClampBackward1", "pow": "PowBackward0", "power": "PowBackward1",
          "log1p": "Log1PBackward0", "gelu_tanh": "GeluBackward0", "reshape": "ViewBackward0",
          "norm": "LinalgVectorNormBackward0", "broadcast_to": "ExpandBackward0",
          "concatenate": "CatBackward0"}
_REDUCTIONS = {"sum": ("SumBackward0", "SumBackward1"), "prod": ("ProdBackward0", "ProdBackward1"),
               "max": ("MaxBackward1", "AmaxBackward0"), "min": ("MinBackward1", "AminBackward0")}


def _inputs(node: Any) -> tuple[Any, ...]:
    """The inputs of a node (those an in-place op rebased resolved, as ``walk`` does), or of
    a record a freeing backward left (its skeleton)."""
    parents = node.parents
    if parents.__class__ is _Freed:
        return parents.skeleton
    fix = type(node)._inputs_resolver()
    if fix is not None:
        fix(node)
        parents = node.parents
    return parents


def _key(node: Any) -> Any:
    """What a wrapper is compared by: the node, or once backward freed it its record (which
    the consumers' skeletons hold too)."""
    parents = node.parents
    return parents if parents.__class__ is _Freed else node


def _camel(name: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in name.split("_"))


def _variant(node: Any, name: str) -> str | None:
    """The torch name of an op whose name depends on its attributes or input shapes."""
    attrs = node.attrs
    if name in _REDUCTIONS:
        (x,) = _inputs(node)
        axis = attrs.get("axis")
        every = (axis is None or len(axis) == len(x.shape)) and not attrs.get("keepdims")
        return _REDUCTIONS[name][0 if every else 1]
    if name == "matmul":
        ranks = {len(p.shape) for p in _inputs(node)}
        return "MmBackward0" if ranks == {2} else "BmmBackward0" if ranks == {3} else None
    if name == "transpose":
        axes = attrs["axes"]
        moved = sum(a != i for i, a in enumerate(axes))
        return "TransposeBackward0" if moved == 2 else "PermuteBackward0"
    if name == "cast":
        (x,) = _inputs(node)
        return "CloneBackward0" if x.dtype == attrs["dtype"] else "ToCopyBackward0"
    if name == "getitem":
        index = attrs["index"]
        if all(type(i) is int for i in index):
            return "SelectBackward0"
        if all(type(i) in (int, slice) for i in index):
            return "SliceBackward0"
        return "IndexBackward0"
    return None


def torch_name(node: Any) -> str:
    """Return the torch-style name of the backward of the op that made ``node`` (a Value, a
    Tensor, or a record a freeing backward left): ``MulBackward0``, ``MmBackward0``, a
    custom Function's ``<Name>Backward``; ``""`` for a leaf."""
    op = node.op
    if op is None:
        return ""
    if op.kind == "function":
        return op.name + "Backward"
    if op.kind == "function_output":
        return torch_name(_inputs(node)[0])
    name = op.name
    return _NAMES.get(name) or _variant(node, name) or _camel(name) + "Backward0"


class GradFn:
    """torch's ``grad_fn`` of a tensor: the backward of the op that made it. Its class is
    named for that backward (``type(fn).__name__ == fn.name() == "MulBackward0"``);
    ``next_functions`` are ``(fn, output_nr)`` pairs, one per input of the op, in operand
    order. Equal to every other ``GradFn`` of the same node."""

    __slots__ = ("_node",)

    def __init__(self, node: Any) -> None:
        self._node = node

    def name(self) -> str:
        """Return the name of this backward, as torch's ``Node.name()``."""
        return type(self).__name__

    @property
    def next_functions(self) -> tuple[tuple[GradFn | None, int], ...]:
        """The backward functions the gradient flows to next, one ``(fn, output_nr)`` pair
        per input: an ``AccumulateGrad`` for a leaf that requires grad, None for a
        constant, else the input's ``grad_fn``."""
        node = self._node
        op = node.op
        fold = op.broadcast  # the engine broadcasts before the op, torch inside it
        return tuple(_edge(p, fold) for p in _inputs(node))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GradFn) and _key(other._node) is _key(self._node)

    def __hash__(self) -> int:
        return id(_key(self._node))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {id(_key(self._node)):#x}>"


class AccumulateGrad(GradFn):
    """What a leaf that requires grad is to its consumers in torch's graph: the function
    that accumulates the gradient into ``variable.grad``."""

    __slots__ = ()

    @property
    def variable(self) -> Any:
        """The leaf whose ``.grad`` this accumulates into."""
        return self._node

    def name(self) -> str:
        """Return torch's name for it, ``"torch::autograd::AccumulateGrad"``."""
        return "torch::autograd::AccumulateGrad"

    @property
    def next_functions(self) -> tuple[tuple[GradFn | None, int], ...]:
        """Empty: the gradient ends here."""
        return ()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AccumulateGrad) and other._node is self._node

    def __hash__(self) -> int:
        return id(self._node)


_CLASSES: dict[str, type[GradFn]] = {}


def _class(name: str) -> type[GradFn]:
    cls = _CLASSES.get(name)
    if cls is None:  # one class per name, made on first use
        cls = _CLASSES[name] = type(name, (GradFn,), {"__slots__": (), "__module__": __name__})
    return cls


def grad_fn(node: Any) -> GradFn | None:
    """Return the ``grad_fn`` of ``node`` (torch's): None for a leaf (a tensor that requires
    grad or a constant), else a ``GradFn`` named for the backward of its op. The outputs of
    one custom ``autograd.Function`` call share one."""
    op = node.op
    if op is None:
        return None
    if op.kind == "function_output":
        node = _inputs(node)[0]
    return _class(torch_name(node))(node)


def _edge(p: Any, fold: bool) -> tuple[GradFn | None, int]:
    if not p.requires_grad:
        return None, 0
    op = p.op
    if fold and op is not None and op.name == "broadcast_to":
        (p,) = _inputs(p)
        op = p.op
    if op is None:
        return AccumulateGrad(p), 0
    if op.kind == "function_output":
        return grad_fn(p), p.attrs["index"]
    return grad_fn(p), 0
