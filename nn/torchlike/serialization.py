"""``torch.save`` and ``torch.load``: any picklable object (a state dict, an optimizer's
state, a whole model) written to a path or a binary file, and read back; with
``weights_only=True`` (torch's default since 2.6) ``load`` unpickles only tensors, numpy
arrays, dtypes, devices and Python's containers and scalars, so a file from elsewhere cannot
run code.

The files are Python pickles of this engine's Tensors, not torch's zip format: a file that
torch wrote does not load here (``nn.from_torch_state_dict`` takes a state dict torch loaded),
and torch cannot read these. ``nn.save``/``nn.load`` write numpy's ``.npz``, which both can.
"""

from __future__ import annotations

import io
import os
import pickle
from typing import IO, Any

from autograd.extend import check_device

PathOrFile = str | os.PathLike | IO[bytes]

# what weights_only=True lets a file name, by (module, qualified name): the engine's Tensor
# and nn's Parameter (their slots hold arrays and plain values), numpy's array and dtype
# reconstruction, devices and containers
_SAFE = {
    ("autograd.tensors.core", "Tensor"), ("nn.module", "Parameter"),
    ("autograd.devices", "device"),
    ("collections", "OrderedDict"), ("builtins", "set"), ("builtins", "frozenset"),
    ("builtins", "complex"), ("builtins", "slice"), ("_codecs", "encode"),  # protocol 2 bytes
    ("numpy", "ndarray"), ("numpy", "dtype"),
    ("numpy._core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "scalar"), ("numpy.core.multiarray", "scalar"),
}


class _WeightsUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _SAFE or (module == "numpy.dtypes" and name.endswith("DType")):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"load: weights_only=True refuses {module}.{name}: only tensors, arrays and "
            "Python containers load that way. If you trust the file (a whole model saved with "
            "save(model, f)), pass weights_only=False")


def save(obj: Any, f: PathOrFile, pickle_module: Any = pickle, pickle_protocol: int = 2,
         _use_new_zipfile_serialization: bool = True) -> None:
    """Write ``obj`` (a state dict, a model, any picklable object) to the path or binary file
    ``f``; return None. A path is written to a temporary file first and then renamed, so an
    error or an interrupt leaves an existing file as it was."""
    if not isinstance(f, (str, os.PathLike)):
        pickle_module.dump(obj, f, protocol=pickle_protocol)
        return
    path = os.fspath(f)
    buf = io.BytesIO()
    pickle_module.dump(obj, buf, protocol=pickle_protocol)  # fails before the file is touched
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        with open(tmp, "wb") as out:
            out.write(buf.getbuffer())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _check_location(map_location: Any) -> None:
    if map_location is None or callable(map_location):
        return
    targets = map_location.values() if isinstance(map_location, dict) else [map_location]
    for target in targets:
        check_device(target, "load: map_location")


def load(f: PathOrFile, map_location: Any = None, pickle_module: Any = None, *,
         weights_only: bool | None = None, mmap: bool | None = None, **pickle_load_args: Any
         ) -> Any:
    """Return the object ``save`` wrote to the path or binary file ``f``. ``weights_only``
    (None means True, as torch's) loads only tensors, arrays and containers; pass False for a
    whole model from a file you trust. ``map_location`` may name only the CPU (tensors are
    always there)."""
    _check_location(map_location)
    if weights_only is None:
        weights_only = pickle_module is None
    if weights_only and pickle_module is not None:
        raise RuntimeError("load: can not safely load weights when explicit pickle_module is "
                           "specified; pass weights_only=False with pickle_module")
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as stream:
            return _load(stream, weights_only, pickle_module, pickle_load_args)
    return _load(f, weights_only, pickle_module, pickle_load_args)


def _load(stream: IO[bytes], weights_only: bool, pickle_module: Any, args: dict) -> Any:
    if weights_only:
        return _WeightsUnpickler(stream, **args).load()
    return (pickle_module or pickle).load(stream, **args)


__all__ = ["save", "load"]
