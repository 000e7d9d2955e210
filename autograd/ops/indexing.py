"""Indexing: getitem and scatter_add, each the other's VJP (so higher order comes free).

``index`` is a tuple numpy understands, normalised by the node type: boolean masks
become their nonzero integer arrays, so every index is basic or integer-array.
"""

from __future__ import annotations

from .registry import REAL, defop

defop("getitem", lambda xp, x, *, index: xp.getitem(x, index=index),
      # picked elements get their gradient back; repeated picks add up
      lambda xp, g, out, x, *, index: xp.scatter_add(g, index=index, shape=x.shape),
      kind="getitem", domain=REAL)
defop("scatter_add", lambda xp, g, *, index, shape: xp.scatter_add(g, index=index, shape=shape),
      lambda xp, g, out, x, *, index, shape: xp.getitem(g, index=index),  # adjoint of getitem
      kind="scatter_add", domain=REAL)
