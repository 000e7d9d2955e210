"""Saving and loading state dicts as ``.npz`` files, and a table of a model's parameters.

The file is numpy's ``.npz`` (a zip of ``.npy`` arrays, one per state_dict key), written
without pickles and read with ``allow_pickle=False``, so loading a file never runs code.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import numpy as np

from autograd import Tensor, Value

from .module import Module

PathLike = Union[str, "os.PathLike[str]"]


def _arrays(obj: Module | Mapping[str, Any]) -> OrderedDict[str, np.ndarray]:
    if isinstance(obj, Module):
        return obj.state_dict()
    if not isinstance(obj, Mapping):
        raise TypeError(f"save: expected an nn.Module or a state dict (mapping of name -> array), "
                        f"got {type(obj).__name__}")
    out: OrderedDict[str, np.ndarray] = OrderedDict()
    for k, v in obj.items():
        if not isinstance(k, str):
            raise TypeError(f"save: state dict keys must be strings, got {k!r}")
        arr = np.asarray(v.data if isinstance(v, (Tensor, Value)) else v)
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"save: the value of {k!r} has dtype {arr.dtype}; only numeric "
                            "arrays can be saved")
        out[k] = arr
    return out


def save(module_or_state_dict: Module | Mapping[str, Any], path: PathLike) -> Path:
    """Write the state dict (of a Module, or given) to ``path`` as ``.npz`` (the suffix is
    added when missing, as ``numpy.savez`` does); return the path written.

    The file is written next to its target and renamed into place, so an interrupted save
    never leaves a half-written file.
    """
    arrays = _arrays(module_or_state_dict)
    path = Path(os.fspath(path))
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    # our own zip writer, the format of numpy.savez: savez(file, **arrays) would misread a
    # key named "file" or "allow_pickle" as its own argument
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as zf:
            for key, arr in arrays.items():
                with zf.open(key + ".npy", "w", force_zip64=True) as entry:
                    np.lib.format.write_array(entry, np.asanyarray(arr), allow_pickle=False)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def load(path: PathLike) -> OrderedDict[str, np.ndarray]:
    """Return the state dict stored at ``path``: an ordered dict of name -> ndarray, in the
    order it was saved. Never unpickles (``allow_pickle=False``)."""
    data = np.load(path, allow_pickle=False)
    if not isinstance(data, np.lib.npyio.NpzFile):
        raise ValueError(f"load: {os.fspath(path)!r} holds a single array, not a state dict "
                         "(.npz); save one with nn.save")
    with data:
        out: OrderedDict[str, np.ndarray] = OrderedDict()
        for key in data.files:
            try:
                out[key] = data[key]
            except ValueError as e:  # an object array: it would need unpickling
                raise ValueError(f"load: entry {key!r} of {os.fspath(path)!r} cannot be read "
                                 f"without unpickling, which load refuses: {e}") from None
        return out


@dataclass
class ParameterSummary:
    """What ``parameter_summary`` returns.

    ``rows``: ``(name, shape, count)`` per parameter; ``per_layer``: ordered
    ``{top-level child name: count}`` (a parameter of the module itself is its own entry);
    ``total``: the number of scalars, each shared parameter counted once.
    """

    rows: list[tuple[str, tuple[int, ...], int]] = field(default_factory=list)
    per_layer: dict[str, int] = field(default_factory=dict)
    total: int = 0

    def table(self) -> str:
        """Return the summary as an aligned text table."""
        shapes = [str(s) for _, s, _ in self.rows]
        names = [n for n, _, _ in self.rows] + list(self.per_layer) + ["name", "total"]
        w_name = max(map(len, names))
        w_shape = max(map(len, shapes + ["shape"]))
        w_count = max(len(f"{n:,}") for n in [self.total, 1])
        w_count = max(w_count, len("count"))
        line = "-" * (w_name + w_shape + w_count + 4)
        out = [f"{'name':<{w_name}}  {'shape':<{w_shape}}  {'count':>{w_count}}", line]
        out += [f"{n:<{w_name}}  {s:<{w_shape}}  {c:>{w_count},}"
                for (n, _, c), s in zip(self.rows, shapes)]
        out.append(line)
        out += [f"{n:<{w_name}}  {'':<{w_shape}}  {c:>{w_count},}" for n, c in self.per_layer.items()]
        out.append(f"{'total':<{w_name}}  {'':<{w_shape}}  {self.total:>{w_count},}")
        return "\n".join(out)

    __str__ = table


def parameter_summary(module: Module, print_table: bool = True) -> ParameterSummary:
    """Return each parameter's name, shape and count, the count per top-level child and
    overall (see ``ParameterSummary``); print the table unless ``print_table=False``."""
    if not isinstance(module, Module):
        raise TypeError(f"parameter_summary: expected an nn.Module, got {type(module).__name__}")
    summary = ParameterSummary()
    tops = [name + "." for name, _ in module.named_children()]
    for name, p in module.named_parameters():
        shape = () if isinstance(p, Value) else tuple(p.shape)
        count = int(np.prod(shape, dtype=np.int64))
        summary.rows.append((name, shape, count))
        layer = next((t[:-1] for t in tops if name.startswith(t)), name)
        summary.per_layer[layer] = summary.per_layer.get(layer, 0) + count
        summary.total += count
    if print_table:
        print(summary.table())
    return summary


# ---------------------------------------------------------------- the road to PyTorch
# State dict keys and array layouts are torch's, so a model moves to torch.nn by its state
# dict alone. torch is imported inside these two functions only: nn never needs it.


def to_torch_state_dict(module_or_state_dict: Module | Mapping[str, Any]) -> OrderedDict[str, Any]:
    """Return the state dict as torch tensors (copies, dtypes kept), ready for the
    equivalent ``torch.nn`` model's ``load_state_dict``. Needs torch installed.

        theirs.load_state_dict(nn.to_torch_state_dict(ours))   # every key must match
    """
    import torch

    return OrderedDict((k, torch.from_numpy(np.array(v, copy=True)))
                       for k, v in _arrays(module_or_state_dict).items())


def from_torch_state_dict(module: Module, state_dict: Mapping[str, Any], strict: bool = True
                          ) -> Any:
    """Load a torch state dict (tensors on any device, or arrays) into ``module``; return
    what ``module.load_state_dict`` returns (all or nothing: a mismatch changes nothing).

        nn.from_torch_state_dict(ours, theirs.state_dict())
    """
    if not isinstance(module, Module):
        raise TypeError(f"from_torch_state_dict: expected an nn.Module, got {type(module).__name__}")
    arrays = OrderedDict()
    for k, v in state_dict.items():
        if hasattr(v, "detach") and hasattr(v, "cpu"):  # a torch tensor, without importing torch
            v = v.detach().cpu().numpy()
        arrays[k] = v
    return module.load_state_dict(arrays, strict=strict)
