"""Saving and loading state dicts as ``.npz`` files, a table of a model's parameters, and the
state-dict bridge to torch (``to_torch_state_dict``, ``from_torch_state_dict``).

The file is numpy's ``.npz`` (a zip of ``.npy`` arrays, one per state_dict key), written
without pickles and read with ``allow_pickle=False``, so loading a file never runs code.
"""

from __future__ import annotations

import ast
import errno
import os
import secrets
import stat
import struct
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import numpy as np

from autograd import Tensor, Value
from autograd.extend import all_or_nothing

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
        arr = np.asarray(v._data if isinstance(v, (Tensor, Value)) else v)
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"save: the value of {k!r} has dtype {arr.dtype}; only numeric "
                            "arrays can be saved")
        out[k] = arr
    return out


class LoadError(ValueError):
    """``nn.load`` could not read a state dict from the file (corrupt, truncated, not an
    ``.npz``, a ``torch.save`` file, an object array refused...). The message names the
    path and what is wrong; nothing was returned."""


_TORCH_HINT = ("load it with torch.load and pass it to nn.from_torch_state_dict(module, "
               "state_dict); to convert the file once: nn.save(torch.load(path), new_path)")


def _create(path: Path) -> tuple[int, Path]:
    """Create a new, empty temporary file beside ``path``; return its descriptor and name.

    Made by ``os.open`` with mode 0o666, so the kernel applies the umask, as for the
    ``open(path, "wb")`` of ``np.savez`` and ``torch.save`` (``mkstemp`` gives 0600)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
        except OSError as e:  # name the target, not the temporary
            raise type(e)(e.errno, f"save: cannot create {str(path)!r} ({e.strerror})",
                          str(path)) from None
    raise FileExistsError(f"save: could not create a temporary file beside {str(path)!r}")


def _discard(tmp: Path | None) -> None:
    if tmp is not None:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass


def save(module_or_state_dict: Module | Mapping[str, Any], path: PathLike) -> Path:
    """Write the state dict (of a Module, or given) to ``path`` as ``.npz`` (the suffix is
    added when missing, as ``numpy.savez`` does); return the path written.

    The file is written to a temporary file beside its target and renamed into place, so a
    failed or interrupted save (any exception, KeyboardInterrupt included) leaves the old
    file as it was and no temporary behind. A new file gets the mode ``open`` gives
    (``0o666 & ~umask``, as ``np.savez`` and ``torch.save``); an existing file keeps its
    permission bits, as overwriting it in place would.
    """
    arrays = _arrays(module_or_state_dict)
    path = Path(os.fspath(path))
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    # a symlink is written through, as open(path, "wb") would: the link stays a link
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        old_mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        old_mode = None
    tmp: Path | None = None
    fd: int | None = None  # until a file object owns it
    try:
        # signals deferred while the file is made, so that it is never left without its
        # name in ``tmp`` (and only a file we made is ever removed)
        with all_or_nothing(lambda: None):
            fd, tmp = _create(target)
        # our own zip writer, the format of numpy.savez: savez(file, **arrays) would misread
        # a key named "file" or "allow_pickle" as its own argument
        with all_or_nothing(lambda: None):
            f = os.fdopen(fd, "wb")
            fd = None
        with f:
            if old_mode is not None and hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), old_mode)
            with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as zf:
                for key, arr in arrays.items():
                    with zf.open(key + ".npy", "w", force_zip64=True) as entry:
                        np.lib.format.write_array(entry, np.asanyarray(arr), allow_pickle=False)
        os.replace(tmp, target)
    except BaseException:
        with all_or_nothing(lambda: None):  # a second Ctrl-C cannot stop the clean-up
            if fd is not None:
                os.close(fd)
            _discard(tmp)
        raise
    return path


def _entry_header(zf: zipfile.ZipFile, name: str) -> tuple[np.dtype, tuple[int, ...], int]:
    """Return the dtype, the shape and the header's length of the ``.npy`` entry ``name``,
    reading only its header (so an object dtype is found before anything could be
    unpickled, and a shape that the entry cannot hold before anything is allocated)."""
    with zf.open(name) as f:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, _, dtype = np.lib.format.read_array_header_2_0(f)
        else:  # 3.0 (utf-8 field names): numpy has no public reader of its header
            (length,) = struct.unpack("<I", f.read(4))
            header = ast.literal_eval(f.read(length).decode("utf-8"))
            if not (isinstance(header, dict) and {"descr", "shape"} <= set(header)
                    and isinstance(header["shape"], tuple)
                    and all(type(n) is int and n >= 0 for n in header["shape"])):
                raise ValueError(f"the header is not a dict with a 'descr' and a shape: "
                                 f"{header!r}")
            shape, dtype = header["shape"], np.lib.format.descr_to_dtype(header["descr"])
        return dtype, shape, f.tell()


def _read_entries(where: str, zf: zipfile.ZipFile) -> OrderedDict[str, np.ndarray]:
    infos = zf.infolist()
    names = [i.filename for i in infos]
    if any(n == "data.pkl" or n.endswith("/data.pkl") for n in names):
        raise LoadError(f"load: {where} is a torch.save file (a zip holding a pickle), which "
                        f"nn.load never unpickles: {_TORCH_HINT}")
    out: OrderedDict[str, np.ndarray] = OrderedDict()
    for info in infos:
        name = info.filename
        if name.endswith("/"):
            continue  # a directory entry holds nothing
        if not name.endswith(".npy"):
            raise LoadError(f"load: {where} holds an entry {name!r} that is not an .npy array: "
                            "not a state dict written by nn.save or np.savez")
        key = name[:-4]
        if key in out:
            raise LoadError(f"load: {where} holds the entry {name!r} twice: corrupt, or not "
                            "written by nn.save")
        try:
            dtype, shape, start = _entry_header(zf, name)
        except (ValueError, EOFError, OSError, SyntaxError, zipfile.BadZipFile, zlib.error
                ) as e:
            raise LoadError(f"load: the header of entry {key!r} of {where} is damaged (corrupt "
                            f"or truncated file): {e}") from None
        if dtype.hasobject:
            raise LoadError(f"load: entry {key!r} of {where} is an object array (dtype "
                            f"{dtype}); reading it needs unpickling, which can run code, so "
                            "nn.load refuses it for safety. A state dict holds numeric arrays")
        need = start + int(np.prod(shape, dtype=object)) * dtype.itemsize
        if need > info.file_size:
            raise LoadError(f"load: entry {key!r} of {where} holds {info.file_size} bytes, but "
                            f"its header (shape {shape}, dtype {dtype}) needs {need}: the "
                            "header is damaged or the data truncated (corrupt file)")
        try:
            with zf.open(name) as f:
                out[key] = np.lib.format.read_array(f, allow_pickle=False)
        except (ValueError, EOFError, OSError, zipfile.BadZipFile, zlib.error) as e:
            raise LoadError(f"load: the data of entry {key!r} of {where} cannot be read "
                            f"(corrupt or truncated file): {e}") from None
    return out


def load(path: PathLike) -> OrderedDict[str, np.ndarray]:
    """Return the state dict stored at ``path``: an ordered dict of name -> ndarray, in the
    order it was saved.

    Never unpickles: an object array is refused, and a ``torch.save`` or pickle file is
    named as such (load it with ``torch.load``, then ``nn.from_torch_state_dict``). Any file
    that is not a readable ``.npz`` (empty, truncated, corrupt, a single ``.npy`` array, a
    directory) raises ``LoadError`` (a ValueError) naming the path and what is wrong; a
    missing path raises FileNotFoundError. Either way nothing is returned, never half a
    state.
    """
    p = Path(os.fspath(path))
    where = repr(str(p))
    if not p.exists():
        hint = ""
        if p.suffix != ".npz" and p.with_name(p.name + ".npz").exists():
            hint = f"; did you mean {str(p.with_name(p.name + '.npz'))!r} (nn.save adds .npz)?"
        raise FileNotFoundError(errno.ENOENT, f"load: no such file{hint}", str(p))
    if p.is_dir():
        raise LoadError(f"load: {where} is a directory, not a state dict file (.npz)")
    with open(p, "rb") as f:
        head = f.read(len(np.lib.format.MAGIC_PREFIX))
        if not head:
            raise LoadError(f"load: {where} is empty (0 bytes): truncated, or its save never "
                            "completed")
        if head == np.lib.format.MAGIC_PREFIX:
            raise LoadError(f"load: {where} holds a single array (.npy), not a state dict "
                            "(.npz); save one with nn.save")
        if head[:1] == b"\x80":  # a pickle's PROTO opcode: torch.save's legacy format
            raise LoadError(f"load: {where} is a pickle file (torch.save's legacy format?), "
                            f"which nn.load never unpickles: {_TORCH_HINT}")
        if head[:2] != b"PK":
            raise LoadError(f"load: {where} is not an .npz file (it starts with {head[:4]!r}, "
                            "not a zip archive's b'PK'): corrupt, or not written by nn.save")
        f.seek(0)
        try:
            with zipfile.ZipFile(f) as zf:
                return _read_entries(where, zf)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
                zlib.error) as e:
            if isinstance(e, LoadError):
                raise
            raise LoadError(f"load: {where} is a corrupt or truncated .npz (zip) file: "
                            f"{e}") from None


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
        shape = tuple(p.shape)
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
