"""Optimizers (SGD, Adam, AdamW, RMSprop, Adagrad) with PyTorch's update rules.

They work on ``autograd.Tensor`` parameters (updated in place on ``.data``, dtype kept) and
on ``autograd.Value`` parameters (``.data`` reassigned). A Tensor whose ``.grad`` is None is
skipped; a Value's grad is a float (0.0 when nothing reached it). ``step()`` first checks
every gradient; SGD, Adam and AdamW then update a Tensor's data and state arrays in place
(numpy ``out=``: no new arrays per step), the others write values computed aside. Either
way the writes run inside ``autograd.extend.all_or_nothing`` with a snapshot of what they
change, so any exception, a KeyboardInterrupt included, leaves all parameters and all
state exactly as they were.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, Union

import numpy as np

from autograd import Tensor, Value, enable_grad
from autograd.extend import all_or_nothing, mark_modified

from .._validate import check, is_real, nonnegative
from ..module import zero_grads

Param = Union[Tensor, Value]  # any leaf Tensor, not only an nn.Parameter
State = dict[str, Any]


class Optimizer:
    """Base class: holds ``param_groups`` (dicts with "params" and hyperparameters) and
    per-parameter ``state`` (keyed by ``id(param)``: a Tensor's == is elementwise)."""

    # the state entries that are one number for the whole parameter (the others have its
    # shape): load_state_dict checks the shapes of the rest
    _scalars: tuple[str, ...] = ("step",)

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        name = type(self).__name__
        if isinstance(params, (Tensor, Value, dict)):
            raise TypeError(f"{name}: params must be an iterable of Tensors/Values or of "
                            f"param-group dicts, got a single {type(params).__name__}; "
                            "pass e.g. model.parameters() or [p]")
        self.defaults = dict(defaults)
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[int, State] = {}
        groups = list(params)
        if not groups:
            raise ValueError(f"{name}: got an empty parameter list")
        if not all(isinstance(g, dict) for g in groups):
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    def _flats(self) -> list[np.ndarray]:
        """The flat buffers whose views are some parameters' state (Adam's); none here."""
        return []

    def _validate(self, group: dict[str, Any]) -> None:
        """Raise ValueError naming a bad hyperparameter of ``group`` (subclasses extend)."""
        nonnegative(group["lr"], type(self).__name__, "lr")
        if "maximize" in group:
            check(isinstance(group["maximize"], bool), type(self).__name__, "maximize",
                  group["maximize"], "a bool")

    def add_param_group(self, group: dict[str, Any]) -> None:
        """Add a dict with "params" (and optional hyperparameters; defaults fill the rest)."""
        name = type(self).__name__
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(f"{name}: a param group must be a dict with a 'params' entry")
        params = group["params"]
        params = [params] if isinstance(params, (Tensor, Value)) else list(params)
        if not params:
            raise ValueError(f"{name}: a param group has an empty 'params' list")
        for i, p in enumerate(params):
            if isinstance(p, Tensor):
                if p.dtype.kind != "f":
                    raise TypeError(f"{name}: parameter {i} has dtype {p.dtype}; only floating "
                                    "point tensors can be optimized")
                if not p.is_leaf:
                    raise ValueError(f"{name}: parameter {i} is not a leaf tensor (it was computed "
                                     "from others); optimize the leaves, e.g. model.parameters()")
            elif not isinstance(p, Value):
                raise TypeError(f"{name}: parameter {i} is a {type(p).__name__}; optimizers take "
                                "autograd.Tensor and autograd.Value parameters")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if len({id(p) for p in params}) != len(params) or seen & {id(p) for p in params}:
            raise ValueError(f"{name}: a parameter appears more than once (in one group or in "
                             "two); each parameter must be given once")
        # a typo ("learning_rate") is an error, not a silently ignored key; "initial_lr" is
        # what a schedule records
        unknown = [k for k in group if k not in self.defaults and k not in ("params", "initial_lr")]
        if unknown:
            raise ValueError(f"{name}: unknown hyperparameter(s) {unknown} in a param group; "
                             f"known: {sorted(self.defaults)}")
        new = {**self.defaults, **group, "params": params}
        self._validate(new)
        self.param_groups.append(new)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of every group's parameters; see ``nn.module.zero_grads``."""
        zero_grads((p for group in self.param_groups for p in group["params"]), set_to_none)

    def _grad(self, p: Param, where: str) -> Any:
        """Return the gradient of ``p`` as a float or an ndarray of its dtype (None: skip),
        or raise naming ``where`` when it does not fit the parameter."""
        name = type(self).__name__
        g: Any = p.grad
        if isinstance(p, Value):
            g = g._data if isinstance(g, Value) else g
            if not is_real(g):
                raise TypeError(f"{name}.step: the gradient of {where} is {type(g).__name__} "
                                f"{g!r:.40}, not a number; nothing was updated")
            return float(g)
        if g is None:
            return None
        g = g._data if isinstance(g, Tensor) else g
        arr = np.asarray(g)
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{name}.step: the gradient of {where} has dtype {arr.dtype}; "
                            "nothing was updated")
        if arr.shape != p.shape:
            raise ValueError(f"{name}.step: the gradient of {where} has shape {arr.shape}, but "
                             f"the parameter has shape {p.shape}; nothing was updated")
        if not p._data.flags.writeable:
            raise ValueError(f"{name}.step: the data of {where} is read-only; nothing was updated")
        return arr.astype(p.dtype, copy=False)

    def _update(self, x: Any, g: Any, state: State, group: dict[str, Any]) -> tuple[Any, State]:
        """Return the new value of one parameter and its new state, without mutating any
        argument (``x`` and ``g`` are floats for a Value, arrays for a Tensor)."""
        raise NotImplementedError

    def _update_(self, x: np.ndarray, g: np.ndarray, state: State,
                 group: dict[str, Any]) -> State:
        """Update one Tensor parameter's data ``x`` in place and return its new state (whose
        arrays may be ``state``'s, updated in place); ``g`` must not be written. This
        default writes ``_update``'s result; SGD and Adam do their arithmetic in place."""
        new, new_state = self._update(x, g, state, group)
        x[...] = new  # in place: views and aliases of the data see the update
        return new_state

    def _update_group_(self, gi: int, items: list[tuple[Param, Any]],
                       group: dict[str, Any]) -> bool:
        """Update all of group ``gi``'s ``items`` (parameter, gradient) at once and return
        True, or return False to have them updated one by one (this default)."""
        return False

    @staticmethod
    def _zeros(x: Any) -> Any:
        return np.zeros_like(x) if isinstance(x, np.ndarray) else 0.0

    def _snapshot(self, params: list[Param]) -> Callable[[], None]:
        """Return an undo that restores ``params``' data, their state arrays' contents and
        the state mapping to what they are now (the copies are the cost of atomicity)."""
        mapping = dict(self.state)
        # only an in-place rule writes into the state's arrays; the others replace them
        in_place = type(self)._update_ is not Optimizer._update_
        flat = {id(f) for f in self._flats()}  # state arrays that are views of these: one
        saved, arrays = [], {}                 # copy of the whole buffer
        for p in params:
            for a in self.state.get(id(p), {}).values() if in_place else ():
                if isinstance(a, np.ndarray):
                    a = a.base if a.base is not None and id(a.base) in flat else a
                    if id(a) not in arrays:
                        arrays[id(a)] = (a, a.copy())
            saved.append((p, p._data.copy() if isinstance(p, Tensor) else p._data))

        def undo() -> None:
            for a, old in arrays.values():
                np.copyto(a, old)
            for p, data in reversed(saved):  # reversed: overlapping params end old
                if isinstance(p, Tensor):
                    np.copyto(p._data, data)
                else:
                    p._data = data
            self.state.clear()
            self.state.update(mapping)

        return undo

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; return ``closure()``'s loss if given."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        work = []
        for gi, group in enumerate(self.param_groups):
            for pi, p in enumerate(group["params"]):
                label = f" {p.label!r}" if getattr(p, "label", "") else ""
                g = self._grad(p, f"parameter {pi}{label} of group {gi}")
                if g is not None:
                    # maximize: ascend, by descending on -g (before weight decay, as torch)
                    work.append((p, -g if group.get("maximize") else g, group))
        # every gradient is checked above; from here on an exception undoes what was done
        with all_or_nothing(self._snapshot([p for p, _, _ in work])):
            for gi, group in enumerate(self.param_groups):
                items = [(p, g) for p, g, grp in work if grp is group]
                if self._update_group_(gi, items, group):
                    continue
                for p, g in items:
                    state = self.state.get(id(p), {})
                    if isinstance(p, Value):
                        x, state = self._update(p._data, g, state, group)
                        p._data = float(x)
                    else:
                        state = self._update_(p._data, g, state, group)
                    self.state[id(p)] = state
            # the data changed in place: a graph that saved the old values now refuses, as
            # in torch (an undone step leaves the mark: a refusal, never a wrong gradient)
            mark_modified(*[p for p, _, _ in work if isinstance(p, Tensor)])
        return loss

    def state_dict(self) -> dict[str, Any]:
        """Return ``{"state": {index: state}, "param_groups": [...]}`` with parameters
        numbered in group order (PyTorch's layout); arrays are copies."""
        index = {id(p): i for i, p in enumerate(p for g in self.param_groups for p in g["params"])}
        groups = [{**{k: v for k, v in g.items() if k != "params"},
                   "params": [index[id(p)] for p in g["params"]]} for g in self.param_groups]
        state = {index[k]: _copy(s) for k, s in self.state.items() if k in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a ``state_dict()``: hyperparameters and per-parameter state. Raise ValueError
        (changing nothing) when the groups or the state shapes do not match."""
        name = type(self).__name__
        groups = state_dict.get("param_groups")
        saved_state = state_dict.get("state")
        if not isinstance(groups, list) or not isinstance(saved_state, dict):
            raise ValueError(f"{name}.load_state_dict: expected a dict with 'state' and "
                             "'param_groups', as returned by state_dict()")
        if len(groups) != len(self.param_groups) or any(
                len(s["params"]) != len(g["params"]) for s, g in zip(groups, self.param_groups)):
            raise ValueError(f"{name}.load_state_dict: the saved groups hold "
                             f"{[len(s['params']) for s in groups]} parameters, this optimizer "
                             f"{[len(g['params']) for g in self.param_groups]}")
        params = [p for g in self.param_groups for p in g["params"]]
        new_state: dict[int, State] = {}
        for i, s in saved_state.items():
            if not isinstance(i, int) or not 0 <= i < len(params):
                raise ValueError(f"{name}.load_state_dict: state for parameter {i!r}, but there "
                                 f"are {len(params)} parameters")
            p = params[i]
            loaded: State = {}
            for k, v in s.items():
                if isinstance(v, np.ndarray) or isinstance(p, Tensor) and k not in self._scalars:
                    arr = np.array(v, dtype=p.dtype if isinstance(p, Tensor) else float)
                    shape = p.shape if isinstance(p, Tensor) else ()
                    if arr.shape != shape:
                        raise ValueError(f"{name}.load_state_dict: state {k!r} of parameter {i} "
                                         f"has shape {arr.shape}, the parameter {shape}")
                    v = arr if isinstance(p, Tensor) else float(arr)
                loaded[k] = v
            new_state[id(p)] = loaded
        new_groups = []
        for s, g in zip(groups, self.param_groups):
            candidate = {**g, **{k: v for k, v in s.items() if k != "params"}}
            self._validate(candidate)
            new_groups.append(candidate)
        old_groups, old_state = [dict(g) for g in self.param_groups], self.state

        def undo() -> None:
            for g, old in zip(self.param_groups, old_groups):
                g.clear()
                g.update(old)
            self.state = old_state

        with all_or_nothing(undo):
            for g, candidate in zip(self.param_groups, new_groups):
                g.update(candidate)
            self.state = new_state

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, g in enumerate(self.param_groups):
            hyper = ", ".join(f"{k}={v}" for k, v in g.items() if k != "params")
            lines.append(f"  group {i}: {len(g['params'])} params, {hyper}")
        return "\n".join(lines + [")"])


def _copy(state: State) -> State:
    return {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in state.items()}


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum, dampening, Nesterov momentum
    and L2 weight decay (PyTorch's rule: the first step's buffer is the gradient itself)."""

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, momentum: float = 0.0,
                 dampening: float = 0.0, nesterov: bool = False, weight_decay: float = 0.0,
                 *, maximize: bool = False) -> None:
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "nesterov": nesterov, "weight_decay": weight_decay,
                                  "maximize": maximize})

    def _validate(self, group: dict[str, Any]) -> None:
        super()._validate(group)
        m, d, wd = group["momentum"], group["dampening"], group["weight_decay"]
        nonnegative(m, "SGD", "momentum")
        check(is_real(d), "SGD", "dampening", d, "a number")
        nonnegative(wd, "SGD", "weight_decay")
        if group["nesterov"] and (m <= 0 or d != 0):
            raise ValueError(f"SGD: nesterov=True requires momentum > 0 and dampening = 0, got "
                             f"momentum={m!r}, dampening={d!r}")

    def _update(self, x: Any, g: Any, state: State, group: dict[str, Any]) -> tuple[Any, State]:
        lr, mu, tau, wd = group["lr"], group["momentum"], group["dampening"], group["weight_decay"]
        if wd:
            g = g + wd * x
        new_state: State = {}
        if mu:
            buf = state.get("momentum_buffer")
            buf = g.copy() if isinstance(g, np.ndarray) and buf is None else (
                g if buf is None else mu * buf + (1 - tau) * g)
            new_state["momentum_buffer"] = buf
            g = g + mu * buf if group["nesterov"] else buf
        return x - lr * g, new_state

    def _update_(self, x: np.ndarray, g: np.ndarray, state: State,
                 group: dict[str, Any]) -> State:
        # _update's arithmetic, operation for operation (the same roundings), in place
        lr, mu, tau, wd = group["lr"], group["momentum"], group["dampening"], group["weight_decay"]
        if wd:
            g = g + wd * x
        new_state: State = {}
        if mu:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = g.copy()
            else:
                buf *= mu
                buf += (1 - tau) * g
            new_state["momentum_buffer"] = buf
            g = g + mu * buf if group["nesterov"] else buf
        x -= lr * g
        return new_state


class Adam(Optimizer):
    """Adam (optionally AMSGrad) with L2 weight decay added to the gradient, as PyTorch's:
    the AMSGrad maximum is taken over the raw second moments, before bias correction."""

    _decoupled = False

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        self._flat: dict[int, _Flat] = {}  # per param group, once it is updated at once
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps,
                                  "weight_decay": weight_decay, "amsgrad": amsgrad,
                                  "maximize": maximize})

    def _validate(self, group: dict[str, Any]) -> None:
        super()._validate(group)
        who = type(self).__name__
        betas = group["betas"]
        check(isinstance(betas, (tuple, list)) and len(betas) == 2, who, "betas", betas,
              "a pair (beta1, beta2)")
        for i, b in enumerate(betas):
            check(is_real(b) and 0 <= b < 1, who, f"betas[{i}]", b, "a number in [0, 1)")
        nonnegative(group["eps"], who, "eps")
        nonnegative(group["weight_decay"], who, "weight_decay")

    def _update(self, x: Any, g: Any, state: State, group: dict[str, Any]) -> tuple[Any, State]:
        lr, (b1, b2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        step = state.get("step", 0) + 1
        if wd and self._decoupled:
            x = x * (1 - lr * wd)  # AdamW: decay the weights, not the gradient
        elif wd:
            g = g + wd * x
        m = b1 * state.get("exp_avg", self._zeros(x)) + (1 - b1) * g
        v = b2 * state.get("exp_avg_sq", self._zeros(x)) + (1 - b2) * g * g
        new_state: State = {"step": step, "exp_avg": m, "exp_avg_sq": v}
        if group["amsgrad"]:
            v = np.maximum(state.get("max_exp_avg_sq", self._zeros(x)), v)
            v = v if isinstance(x, np.ndarray) else float(v)
            new_state["max_exp_avg_sq"] = v
        bc1, bc2 = 1 - b1 ** step, 1 - b2 ** step
        denom = v ** 0.5 / math.sqrt(bc2) + eps
        return x - (lr / bc1) * m / denom, new_state

    def _update_(self, x: np.ndarray, g: np.ndarray, state: State,
                 group: dict[str, Any]) -> State:
        # _update's arithmetic, operation for operation (the same roundings), in place;
        # two scratch arrays per parameter instead of ten new ones (see _adam_step)
        lr, wd = group["lr"], group["weight_decay"]
        step = state.get("step", 0) + 1
        if wd and self._decoupled:
            x *= 1 - lr * wd
        elif wd:
            g = g + wd * x
        m = state["exp_avg"] if "exp_avg" in state else np.zeros_like(x)
        v = state["exp_avg_sq"] if "exp_avg_sq" in state else np.zeros_like(x)
        new_state: State = {"step": step, "exp_avg": m, "exp_avg_sq": v}
        vmax = None
        if group["amsgrad"]:
            vmax = state["max_exp_avg_sq"] if "max_exp_avg_sq" in state else np.zeros_like(x)
            new_state["max_exp_avg_sq"] = vmax
        x -= _adam_step(g, m, v, vmax, step, group)
        return new_state

    # A group's moments in two flat buffers, each parameter's state a view of them: the
    # arithmetic of _update_ (the same operations, elementwise, so the same roundings) runs
    # a dozen times over all of the group's elements instead of a dozen times per
    # parameter (``python -m benchmarks.pieces --only optimizer`` times it on the tiny GPT's
    # 37 parameters, against the update computed aside).

    def _flats(self) -> list[np.ndarray]:
        return [a for f in self._flat.values() for a in (f.m, f.v)]

    def _update_group_(self, gi: int, items: list[tuple[Param, Any]],
                       group: dict[str, Any]) -> bool:
        params = group["params"]
        # only Adam's own rule, and only where it is one: every parameter stepped, each a
        # Tensor owning its data (no two alias), of one dtype
        if (type(self)._update_ is not Adam._update_ or group["amsgrad"] or len(params) < 2
                or len(items) != len(params)):
            return False
        dtype = params[0]._data.dtype if isinstance(params[0], Tensor) else None
        if not all(isinstance(p, Tensor) and p._data.base is None and p._data.dtype == dtype
                   for p in params):
            return False
        states = [self.state.get(id(p)) for p in params]
        flat = self._flat.get(gi)
        if flat is None or not flat.holds(params, states):
            flat = _Flat.build(params, states)
            if flat is None:  # the parameters have taken different numbers of steps
                return False
            self._flat[gi] = flat
        lr, wd = group["lr"], group["weight_decay"]
        step = flat.step + 1
        g = np.concatenate([g.ravel() for _, g in items])
        if wd and not self._decoupled:
            g = g + wd * np.concatenate([p._data.ravel() for p in params])
        tmp = _adam_step(g, flat.m, flat.v, None, step, group)
        decay = 1 - lr * wd if wd and self._decoupled else None
        for i, p in enumerate(params):  # per parameter in turn, as _update_: decay, step
            x = p._data
            if decay is not None:
                x *= decay
            x -= tmp[flat.at[i]:flat.at[i + 1]].reshape(x.shape)
            self.state[id(p)] = {"step": step, "exp_avg": flat.vm[i], "exp_avg_sq": flat.vv[i]}
        flat.step = step
        return True


def _adam_step(g: np.ndarray, m: np.ndarray, v: np.ndarray, vmax: np.ndarray | None,
               step: int, group: dict[str, Any]) -> np.ndarray:
    """Update Adam's moments ``m`` and ``v`` (and the AMSGrad maximum ``vmax``) in place from
    the gradient ``g``, and return the step to subtract from the parameter: ``_update``'s
    arithmetic operation for operation (the same roundings), elementwise, so that one
    parameter's arrays or a whole group's flat buffers give the same bits."""
    lr, (b1, b2), eps = group["lr"], group["betas"], group["eps"]
    tmp = np.multiply(g, 1 - b1)
    m *= b1
    m += tmp
    np.multiply(g, 1 - b2, out=tmp)  # (1 - b2) * g * g, associated as _update's
    tmp *= g
    v *= b2
    v += tmp
    if vmax is not None:
        np.maximum(vmax, v, out=vmax)
        v = vmax
    bc1, bc2 = 1 - b1 ** step, 1 - b2 ** step
    denom = np.sqrt(v)  # numpy computes v ** 0.5 as sqrt: the same value
    denom /= math.sqrt(bc2)
    denom += eps
    np.multiply(m, lr / bc1, out=tmp)
    tmp /= denom
    return tmp


class _Flat:
    """Adam's moments for one param group in two flat buffers ``m`` and ``v``; ``vm[i]``
    and ``vv[i]`` are parameter i's views of them (its state's arrays), ``at`` the offsets,
    ``step`` the step count all the parameters share."""

    def __init__(self, params: list[Tensor], dtype: Any, step: int) -> None:
        self.params = list(params)
        self.at = [0]
        for p in params:
            self.at.append(self.at[-1] + p._data.size)
        self.m, self.v = np.zeros(self.at[-1], dtype), np.zeros(self.at[-1], dtype)
        spans = list(zip(params, self.at, self.at[1:]))
        self.vm = [self.m[a:b].reshape(p._data.shape) for p, a, b in spans]
        self.vv = [self.v[a:b].reshape(p._data.shape) for p, a, b in spans]
        self.step = step

    @classmethod
    def build(cls, params: list[Tensor], states: list[State | None]) -> _Flat | None:
        """Return the buffers holding the parameters' current moments (zeros where none),
        or None when the parameters are at different step counts."""
        steps = {st.get("step", 0) if st else 0 for st in states}
        if len(steps) != 1:
            return None
        flat = cls(params, params[0]._data.dtype, steps.pop())
        for st, a, b in zip(states, flat.vm, flat.vv):
            if st and "exp_avg" in st:
                np.copyto(a, st["exp_avg"])
            if st and "exp_avg_sq" in st:
                np.copyto(b, st["exp_avg_sq"])
        return flat

    def holds(self, params: list[Tensor], states: list[State | None]) -> bool:
        """Return True if these are the parameters, and their states still the views (no
        load_state_dict, no one-by-one step since)."""
        return len(params) == len(self.params) and all(
            p is q and st is not None and st.get("step") == self.step
            and st.get("exp_avg") is a and st.get("exp_avg_sq") is b
            for p, q, st, a, b in zip(params, self.params, states, self.vm, self.vv))


class AdamW(Adam):
    """Adam with decoupled weight decay: ``x <- x * (1 - lr * weight_decay)`` before the
    Adam step (PyTorch's AdamW, default ``weight_decay=1e-2``)."""

    _decoupled = True

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)



def _sqrt(x: Any) -> Any:
    """Return the square root of a second moment, clamped at 0 first: a centered moment
    (v - m^2) is >= 0 in exact arithmetic and only rounding takes it below (a NaN then)."""
    return np.sqrt(np.maximum(x, 0.0))


class RMSprop(Optimizer):
    """RMSprop with PyTorch's rule: ``v = alpha v + (1 - alpha) g^2``, divide by
    ``sqrt(v) + eps`` (``sqrt(v - m^2) + eps`` when centered, ``m`` the gradients' running
    mean), optionally through a momentum buffer; L2 weight decay added to the gradient."""

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum: float = 0.0,
                 centered: bool = False, *, maximize: bool = False) -> None:
        super().__init__(params, {"lr": lr, "alpha": alpha, "eps": eps,
                                  "weight_decay": weight_decay, "momentum": momentum,
                                  "centered": centered, "maximize": maximize})

    def _validate(self, group: dict[str, Any]) -> None:
        super()._validate(group)
        for key in ("alpha", "eps", "weight_decay", "momentum"):
            nonnegative(group[key], "RMSprop", key)

    def _update(self, x: Any, g: Any, state: State, group: dict[str, Any]) -> tuple[Any, State]:
        lr, a, eps, wd = group["lr"], group["alpha"], group["eps"], group["weight_decay"]
        mu = group["momentum"]
        if wd:
            g = g + wd * x
        v = a * state.get("square_avg", self._zeros(x)) + (1 - a) * g * g
        new_state: State = {"step": state.get("step", 0) + 1, "square_avg": v}
        if group["centered"]:
            m = state.get("grad_avg", self._zeros(x))
            m = m + (1 - a) * (g - m)  # torch's lerp
            new_state["grad_avg"] = m
            v = v - m * m
        step = g / (_sqrt(v) + eps)
        if mu > 0:
            step = mu * state.get("momentum_buffer", self._zeros(x)) + step
            new_state["momentum_buffer"] = step
        return x - lr * step, new_state


class Adagrad(Optimizer):
    """Adagrad with PyTorch's rule: ``s += g^2``, ``x -= lr / (1 + (t - 1) lr_decay) * g /
    (sqrt(s) + eps)``; L2 weight decay added to the gradient. As PyTorch's, the state of
    every parameter exists from construction (``sum`` = ``initial_accumulator_value``)."""

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, lr_decay: float = 0.0,
                 weight_decay: float = 0.0, initial_accumulator_value: float = 0.0,
                 eps: float = 1e-10, *, maximize: bool = False) -> None:
        super().__init__(params, {"lr": lr, "lr_decay": lr_decay, "eps": eps,
                                  "weight_decay": weight_decay,
                                  "initial_accumulator_value": initial_accumulator_value,
                                  "maximize": maximize})
        for group in self.param_groups:
            for p in group["params"]:
                self.state[id(p)] = {"step": 0, "sum": self._initial_sum(p._data)}

    def _initial_sum(self, x: Any) -> Any:
        # torch fills every sum from the constructor's value, not from a group's own
        init = self.defaults["initial_accumulator_value"]
        return np.full_like(x, init) if isinstance(x, np.ndarray) else float(init)

    def _validate(self, group: dict[str, Any]) -> None:
        super()._validate(group)
        for key in ("lr_decay", "weight_decay", "initial_accumulator_value", "eps"):
            nonnegative(group[key], "Adagrad", key)

    def _update(self, x: Any, g: Any, state: State, group: dict[str, Any]) -> tuple[Any, State]:
        lr, decay, eps, wd = group["lr"], group["lr_decay"], group["eps"], group["weight_decay"]
        step = state.get("step", 0) + 1
        if wd:
            g = g + wd * x
        # a parameter added by add_param_group after construction starts here, as in torch
        s = (state["sum"] if "sum" in state else self._initial_sum(x)) + g * g
        clr = lr / (1 + (step - 1) * decay)
        return x - clr * g / (_sqrt(s) + eps), {"step": step, "sum": s}
__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop"]
