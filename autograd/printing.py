"""How tensors print: the print options (``set_printoptions``, ``get_printoptions``) and
torch's formatter.

Two styles. "numpy" (the engine's default) is numpy's ``array2string`` inside
``Tensor(...)``, under numpy's own print options, which ``set_printoptions`` then sets.
"torch" (what ``import nn.torchlike`` picks) is torch's repr, character for character:
``tensor([ 0.1257, -0.1321], requires_grad=True)``, with torch's options (precision 4,
threshold 1000, edgeitems 3, linewidth 80 unless set) and torch's rules for choosing between
integer, fixed-point and scientific notation (one choice for the whole tensor, from its
nonzero finite values: scientific when the largest over the smallest magnitude exceeds 1000,
or the largest exceeds 1e8, or the smallest is below 1e-4), for summarizing with ``...``
past ``threshold`` elements, and for wrapping rows at ``linewidth``. Values are formatted as
Python floats of the tensor's own values (a float32 0.1 is the double nearest the float32),
as torch's ``tolist`` gives them.
"""

from __future__ import annotations

import math
import sys
from typing import Any

import numpy as np

from . import defaults

_STYLES = ("numpy", "torch")
# precision, threshold, edgeitems, linewidth: torch's profiles
_TORCH_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80),
                   "full": (4, math.inf, 3, 80)}
# the same profiles over numpy's defaults (precision 8, linewidth 75)
_NUMPY_PROFILES = {"default": (8, 1000, 3, 75), "short": (2, 1000, 2, 75),
                   "full": (8, sys.maxsize, 3, 75)}

_style = "numpy"
_torch: dict[str, Any] = {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80,
                          "sci_mode": None}


def _check(name: str, value: Any, kinds: tuple[type, ...], least: float) -> None:
    if value is None:
        return
    number = isinstance(value, kinds) and not isinstance(value, bool)
    if not number or not value >= least:
        raise ValueError(f"set_printoptions: {name} must be a number >= {least:g}, got {value!r}")


def set_printoptions(precision: int | None = None, threshold: float | None = None,
                     edgeitems: int | None = None, linewidth: int | None = None,
                     profile: str | None = None, sci_mode: bool | None = None,
                     style: str | None = None) -> None:
    """Set how tensors print. ``style`` picks "numpy" (the engine's ``Tensor([...])``) or
    "torch" (torch's ``tensor([...])``); the other options then apply to that style, with
    torch's meanings in torch style (``profile`` "default", "short" or "full" first, then the
    options given; ``sci_mode`` None lets the formatter choose, and is reset by every call,
    as torch's) and numpy's print options in numpy style (``sci_mode=False`` is numpy's
    ``suppress=True``; None leaves it as it is). Options not given keep their values."""
    if style is not None and style not in _STYLES:
        raise ValueError(f"set_printoptions: style must be 'numpy' or 'torch', got {style!r}")
    if profile is not None and profile not in _TORCH_PROFILES:
        raise ValueError(f"set_printoptions: profile must be 'default', 'short' or 'full', "
                         f"got {profile!r}")
    _check("precision", precision, (int, np.integer), 0)
    _check("threshold", threshold, (int, float, np.integer, np.floating), 0)
    _check("edgeitems", edgeitems, (int, np.integer), 0)
    _check("linewidth", linewidth, (int, np.integer), 1)
    global _style
    if style is not None:
        _style = style
    given = {"precision": precision, "threshold": threshold, "edgeitems": edgeitems,
             "linewidth": linewidth}
    if _style == "torch":
        if profile is not None:
            _torch.update(zip(("precision", "threshold", "edgeitems", "linewidth"),
                              _TORCH_PROFILES[profile]))
        _torch.update({k: v for k, v in given.items() if v is not None})
        _torch["sci_mode"] = sci_mode
        return
    opts: dict[str, Any] = {}
    if profile is not None:
        opts.update(zip(("precision", "threshold", "edgeitems", "linewidth"),
                        _NUMPY_PROFILES[profile]))
        opts["suppress"] = False
    if threshold is not None and threshold == math.inf:
        threshold = sys.maxsize  # numpy takes an int
    opts.update({k: v for k, v in given.items() if v is not None})
    if threshold is not None:
        opts["threshold"] = threshold
    if sci_mode is not None:
        opts["suppress"] = not sci_mode
    np.set_printoptions(**opts)


def get_printoptions() -> dict[str, Any]:
    """Return the current print options as a dict that ``set_printoptions(**d)`` takes back:
    ``style`` and the style's precision, threshold, edgeitems, linewidth and sci_mode (in
    numpy style read from numpy's options, ``sci_mode`` being ``not suppress``)."""
    if _style == "torch":
        return {**_torch, "style": "torch"}
    np_opts = np.get_printoptions()
    return {"precision": np_opts["precision"], "threshold": np_opts["threshold"],
            "edgeitems": np_opts["edgeitems"], "linewidth": np_opts["linewidth"],
            "sci_mode": not np_opts["suppress"], "style": "numpy"}


def style() -> str:
    """Return the print style in force, "numpy" or "torch"."""
    return _style


# ------------------------------------------------------------------ torch's formatter
class _Formatter:
    """One column width and one notation for every element of an array, chosen from
    all of its values as torch's ``_Formatter`` does."""

    def __init__(self, arr: np.ndarray, precision: int, sci: Any) -> None:
        self.floating = arr.dtype.kind == "f"
        self.precision = precision
        self.int_mode, self.sci_mode, self.width = True, False, 1
        flat = arr.reshape(-1)
        if not self.floating:
            self.width = max([1, *(len(f"{v}") for v in flat.tolist())])
            return
        with np.errstate(invalid="ignore"):
            vals = flat[np.isfinite(flat) & (flat != 0)].astype(np.float64)
        if vals.size == 0:
            return  # nothing but zeros, nan and inf: integer mode, width 1
        mags = np.abs(vals)
        lo, hi = float(mags.min()), float(mags.max())
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        self.sci_mode = (hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4) if sci is None else sci
        values = vals.tolist()
        if self.sci_mode:
            self.width = max(len(f"{v:.{precision}e}") for v in values)
        elif self.int_mode:  # room for the "." that marks a float
            self.width = max(len(f"{v:.0f}") + 1 for v in values)
        else:
            self.width = max(len(f"{v:.{precision}f}") for v in values)

    def format(self, value: Any) -> str:
        if not self.floating:
            out = f"{value}"
        elif self.sci_mode:
            out = f"{value:{self.width}.{self.precision}e}"
        elif self.int_mode:
            out = f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
        else:
            out = f"{value:.{self.precision}f}"
        return " " * (self.width - len(out)) + out


def _summarized(a: np.ndarray, edge: int) -> np.ndarray:
    """The elements a summarized print shows (torch's ``get_summarized_data``)."""
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        # a[-0:] is all of a, as torch's slice (edgeitems=0 prints only "..." anyway)
        return np.concatenate((a[:edge], a[-edge:])) if a.shape[0] > 2 * edge else a
    if not edge:
        return np.empty([0] * a.ndim, a.dtype)
    rows = (list(range(edge)) + list(range(len(a) - edge, len(a))) if a.shape[0] > 2 * edge
            else range(len(a)))
    return np.stack([_summarized(a[i], edge) for i in rows])


def _vector(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    opts = _torch
    edge = opts["edgeitems"]
    per_line = max(1, math.floor((opts["linewidth"] - indent) / (fmt.width + 2)))
    if summarize and not edge:
        data = ["..."]
    elif summarize and a.shape[0] > 2 * edge:
        data = ([fmt.format(v) for v in a[:edge].tolist()] + [" ..."]
                + [fmt.format(v) for v in a[-edge:].tolist()])
    else:
        data = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector(a, indent, summarize, fmt)
    edge = _torch["edgeitems"]
    if summarize and a.shape[0] > 2 * edge:
        rows = ([_nested(a[i], indent + 1, summarize, fmt) for i in range(edge)] + ["..."]
                + [_nested(a[i], indent + 1, summarize, fmt)
                   for i in range(len(a) - edge, len(a))])
    else:
        rows = [_nested(a[i], indent + 1, summarize, fmt) for i in range(a.shape[0])]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def _body(a: np.ndarray, indent: int) -> str:
    if a.size == 0:
        return "[]"
    opts = _torch
    summarize = a.size > opts["threshold"]
    if a.dtype.kind == "f" and a.dtype != np.float64:
        a = a.astype(np.float64)  # exact: the values as torch's tolist gives them
    shown = _summarized(a, opts["edgeitems"]) if summarize else a
    return _nested(a, indent, summarize, _Formatter(shown, opts["precision"], opts["sci_mode"]))


def _with_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    out = [text]
    last = len(text) - text.rfind("\n") + 1  # torch's count (one more than the line)
    for suffix in suffixes:
        if last + len(suffix) + 2 > _torch["linewidth"]:
            out.append(",\n" + " " * indent + suffix)
            last = indent + len(suffix)
        else:
            out.append(", " + suffix)
            last += len(suffix) + 2
    return "".join(out) + ")"


def torch_repr(data: np.ndarray, *, name: str = "tensor", grad_fn: str | None = None,
               requires_grad: bool = False) -> str:
    """Return torch's repr of a tensor holding ``data``: ``name(`` (torch's ``tensor`` for
    a Tensor or a Parameter), the values, then the suffixes torch adds (size of an empty
    one, dtype unless the default float, int64 or bool, ``grad_fn=<...>`` given its name,
    else ``requires_grad=True``)."""
    prefix = name + "("
    indent = len(prefix)
    default = defaults.get_default_dtype()
    dtype = data.dtype
    label = f"dtype=torch.{dtype.name}"
    suffixes = []
    if data.size == 0:
        if data.ndim != 1:
            suffixes.append(f"size={tuple(int(n) for n in data.shape)}")
        if dtype != default:
            suffixes.append(label)
        text = "[]"
    else:
        if not _torch["edgeitems"]:
            suffixes.append(f"size={tuple(int(n) for n in data.shape)}")
        if dtype not in (default, np.int64, np.bool_):  # (the engine has no complex dtypes)
            suffixes.append(label)
        text = _body(data, indent)
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{grad_fn}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    return _with_suffixes(prefix + text, suffixes, indent)
