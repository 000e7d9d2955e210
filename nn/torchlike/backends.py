"""``torch.backends``: the flags programs read or set (``backends.mps.is_available()``,
``backends.cudnn.deterministic = True``); none of these backends exists here."""

from __future__ import annotations

import types


def _false() -> bool:
    return False


mps = types.SimpleNamespace(is_available=_false, is_built=_false)
cuda = types.SimpleNamespace(is_built=_false,
                             matmul=types.SimpleNamespace(allow_tf32=False,
                                                          allow_fp16_reduced_precision_reduction=True))
cudnn = types.SimpleNamespace(is_available=_false, enabled=True, deterministic=False,
                              benchmark=False, allow_tf32=True)
mkldnn = types.SimpleNamespace(is_available=_false, enabled=False)
