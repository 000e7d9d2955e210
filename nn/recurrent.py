"""Recurrent layers with torch's constructor signatures, parameter names and shapes, gate
order, default initialisation and outputs: ``RNN`` (tanh or ReLU), ``LSTM`` (with
``proj_size``), ``GRU``, and their one-step cells ``RNNCell``, ``LSTMCell``, ``GRUCell``
(torch's ``nn/modules/rnn.py``).

Everything is a composite of existing Tensor ops (linear, sigmoid, tanh, relu, slicing,
stack and cat), so gradients of any order come from the ops' own rules. The input
projection ``W_ih x + b_ih`` of a whole sequence is one product, as in torch's CPU path;
each time step then adds ``W_hh h + b_hh`` and applies the gates:

- RNN: ``h' = tanh(W_ih x + b_ih + W_hh h + b_hh)`` (or relu);
- LSTM: ``i, f, g, o`` (in that order along the gate axis); ``c' = f c + i g``,
  ``h' = o tanh(c')``, then ``h' = W_hr h'`` with ``proj_size``;
- GRU: ``r, z, n``; ``n = tanh(W_in x + b_in + r (W_hn h + b_hn))``,
  ``h' = (1 - z) n + z h``.

Every weight and bias is drawn from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as torch's
``reset_parameters``, from ``rng`` (a seed, a Generator or None: the global stream). The
dropout between stacked layers (training only) draws its masks from the same generator.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd import DtypeError, ShapeError, Tensor, Value, cat, stack

from . import init
from ._validate import RNG, check, float_dtype, generator, integer, is_real, one_of
from .functional.linear import linear
from .module import Module, Parameter

__all__ = ["GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "RNNBase", "RNNCell", "RNNCellBase"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}
_NAME = {"RNN_TANH": "RNN", "RNN_RELU": "RNN", "LSTM": "LSTM", "GRU": "GRU"}

# (gi, gh, h, c) -> (h', c'): one time step, given the input's and the state's projections
# gi = W_ih x + b_ih and gh = W_hh h + b_hh, of shape (N, gates * hidden_size)
Step = Callable[[Tensor, Tensor, Tensor, "Tensor | None"], "tuple[Tensor, Tensor | None]"]


def _tanh_step(gi: Tensor, gh: Tensor, h: Tensor, c: Tensor | None) -> tuple[Tensor, None]:
    return (gi + gh).tanh(), None


def _relu_step(gi: Tensor, gh: Tensor, h: Tensor, c: Tensor | None) -> tuple[Tensor, None]:
    return (gi + gh).relu(), None


def _lstm_step(gi: Tensor, gh: Tensor, h: Tensor, c: Tensor | None) -> tuple[Tensor, Tensor]:
    assert c is not None  # an LSTM always carries its cell state
    i, f, g, o = (gi + gh).chunk(4, -1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return o.sigmoid() * c.tanh(), c


def _gru_step(gi: Tensor, gh: Tensor, h: Tensor, c: Tensor | None) -> tuple[Tensor, None]:
    i_r, i_z, i_n = gi.chunk(3, -1)
    h_r, h_z, h_n = gh.chunk(3, -1)
    r = (i_r + h_r).sigmoid()
    z = (i_z + h_z).sigmoid()
    n = (i_n + r * h_n).tanh()
    return n + z * (h - n), None  # (1 - z) n + z h, written as torch's kernel does


_STEPS: dict[str, Step] = {"RNN_TANH": _tanh_step, "RNN_RELU": _relu_step, "LSTM": _lstm_step,
                           "GRU": _gru_step}


def _bool(x: Any, who: str, name: str) -> bool:
    if not isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{who}: {name} should be of type bool, got: {type(x).__name__}")
    return bool(x)


def _dropout(x: Tensor, p: float, rng: np.random.Generator) -> Tensor:
    """Inverted dropout (torch's: p = 1 gives zeros)."""
    keep = rng.random(x.shape) >= p
    scale = np.zeros(x.shape) if p == 1 else keep / (1 - p)
    return x * scale.astype(x.dtype)


class _Recurrent(Module):
    """What the sequence layers and the cells share: reading an input or a state as a
    Tensor of the parameters' dtype, with errors that name the layer."""

    @property
    def _dtype(self) -> np.dtype:
        """The parameters' dtype, read from the first weight (so that after ``to()``, or
        ``float()``/``double()``, inputs are read in the new one)."""
        return np.dtype(self.__dict__["weight_ih" if "weight_ih" in self.__dict__
                                      else "weight_ih_l0"].dtype)

    def _who(self) -> str:
        return f"{type(self).__name__}({self.extra_repr()})"

    def _tensor(self, x: Any, what: str) -> Tensor:
        if isinstance(x, Value):
            raise TypeError(f"{self._who()}: got a Value for the {what}; recurrent layers take "
                            "a Tensor or an array")
        if not isinstance(x, Tensor):
            return Tensor(np.asarray(x), dtype=self._dtype)
        if x.dtype != self._dtype:  # as torch: no silent float64 (or int) computation
            raise DtypeError(f"{self._who()}: the {what} has dtype {x.dtype}, but the layer's "
                             f"parameters have dtype {self._dtype}; cast it "
                             f"(x.to(np.{self._dtype})) or build the layer with "
                             f"dtype=np.{x.dtype}")
        return x


# ---------------------------------------------------------------- sequence layers


class RNNBase(_Recurrent):
    """The base of ``RNN``, ``LSTM`` and ``GRU`` (torch's ``RNNBase``): ``mode`` is one of
    "RNN_TANH", "RNN_RELU", "LSTM", "GRU". Holds, per layer ``k`` and direction, the
    parameters ``weight_ih_l{k}``, ``weight_hh_l{k}``, ``bias_ih_l{k}``, ``bias_hh_l{k}``
    (and ``weight_hr_l{k}`` with ``proj_size``), the backward direction's with the suffix
    ``_reverse``, in torch's order."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, *, rng: RNG = None,
                 dtype: Any = np.float64) -> None:
        super().__init__()
        one_of(mode, sorted(_GATES), "RNNBase", "mode")
        who = _NAME[mode]
        self.mode = mode
        self.input_size = integer(input_size, who, "input_size", minimum=1)
        self.hidden_size = integer(hidden_size, who, "hidden_size", minimum=1)
        self.num_layers = integer(num_layers, who, "num_layers", minimum=1)
        self.bias = _bool(bias, who, "bias")
        self.batch_first = _bool(batch_first, who, "batch_first")
        self.bidirectional = _bool(bidirectional, who, "bidirectional")
        check(is_real(dropout) and 0 <= dropout <= 1, who, "dropout", dropout,
              "a number in [0, 1] (the probability of an element being zeroed)")
        self.dropout = float(dropout)
        self.proj_size = integer(proj_size, who, "proj_size")
        if self.proj_size >= self.hidden_size:
            raise ValueError(f"{who}: proj_size has to be smaller than hidden_size, got "
                             f"proj_size={proj_size}, hidden_size={hidden_size}")
        if self.proj_size and mode != "LSTM":
            raise ValueError(f"{who}: proj_size argument is only supported for LSTM, not RNN "
                             "or GRU")
        if self.dropout > 0 and self.num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=3)
        dt = float_dtype(dtype, who)
        self._rng = generator(rng, who)
        gates = _GATES[mode] * self.hidden_size
        out = self.proj_size or self.hidden_size  # the width of h
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        for layer in range(self.num_layers):
            for direction in range(self._directions):
                layer_in = self.input_size if layer == 0 else out * self._directions
                shapes: dict[str, tuple[int, ...]] = {"weight_ih": (gates, layer_in),
                                                      "weight_hh": (gates, out)}
                if self.bias:
                    shapes.update(bias_ih=(gates,), bias_hh=(gates,))
                if self.proj_size:
                    shapes["weight_hr"] = (self.proj_size, self.hidden_size)
                names = []
                for kind, shape in shapes.items():
                    name = f"{kind}_l{layer}{'_reverse' if direction else ''}"
                    setattr(self, name, Parameter(np.zeros(shape), dtype=dt))
                    names.append(name)
                self._flat_weights_names += names
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters, one list per layer and direction (torch's ``all_weights``)."""
        return [[getattr(self, n) for n in names] for names in self._all_weights]

    def reset_parameters(self) -> None:
        """Draw every parameter from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), in
        registration order, from the layer's generator; return None."""
        _reset_uniform(self)

    def flatten_parameters(self) -> None:
        """Do nothing (torch's packs the weights for cuDNN; there is no cuDNN here), so code
        that calls it runs unchanged."""

    # ------------------------------------------------------------ checks
    def _input(self, input: Any) -> tuple[Tensor, bool]:
        """Return the input as a Tensor (L, N, H_in), sequence first, and whether it was
        batched."""
        x = self._tensor(input, "input")
        layout = "(N, L, H_in)" if self.batch_first else "(L, N, H_in)"
        if x.ndim not in (2, 3):
            raise ShapeError(f"{self._who()}: expected an input of shape (L, H_in) (unbatched) "
                             f"or {layout} (batched), got a {x.ndim}-D input of shape {x.shape}")
        if x.shape[-1] != self.input_size:
            raise ShapeError(f"{self._who()}: input.size(-1) must be equal to input_size. "
                             f"Expected {self.input_size}, got {x.shape[-1]} (input shape "
                             f"{x.shape})")
        batched, given = x.ndim == 3, x.shape
        if not batched:
            x = x.unsqueeze(1)
        elif self.batch_first:
            x = x.swapaxes(0, 1)
        if x.shape[0] == 0:
            raise ShapeError(f"{self._who()}: expected sequence length to be larger than 0 "
                             f"(as torch), got an input of shape {given}")
        return x, batched

    def _state(self, h: Any, batched: bool, batch: int, width: int, what: str) -> Tensor:
        """Return an initial state as a Tensor (num_layers * D, N, width), checked against
        the shape the input asks for ((num_layers * D, width) when unbatched)."""
        t = self._tensor(h, what)
        rows = self.num_layers * self._directions
        want = (rows, batch, width) if batched else (rows, width)
        if t.shape != want:
            kind = "batched 3-D" if batched else "unbatched 2-D"
            size = "proj_size" if width == self.proj_size else "hidden_size"
            layout = f"(num_layers * num_directions{', batch' if batched else ''}, {size})"
            raise ShapeError(f"{self._who()}: for {kind} input, expected {what} of shape {want} "
                             f"{layout}, got {t.shape}")
        return t if batched else t.unsqueeze(1)

    # ------------------------------------------------------------ the computation
    def _weights(self, layer: int, direction: int) -> tuple[Any, ...]:
        sfx = f"_l{layer}{'_reverse' if direction else ''}"
        get = self.__dict__.get
        return (get("weight_ih" + sfx), get("weight_hh" + sfx), get("bias_ih" + sfx),
                get("bias_hh" + sfx), get("weight_hr" + sfx))

    def _direction(self, x: Tensor, h: Tensor, c: Tensor | None, weights: Sequence[Any],
                   reverse: bool) -> tuple[Tensor, Tensor, Tensor | None]:
        """Run one layer in one direction over ``x`` (L, N, in): return the outputs (L, N,
        out) and the last state."""
        w_ih, w_hh, b_ih, b_hh, w_hr = weights
        step = _STEPS[self.mode]
        gi = linear(x, w_ih, b_ih)  # every time step's input projection in one product
        n = x.shape[0]
        outs: list[Tensor] = [h] * n
        for t in (range(n - 1, -1, -1) if reverse else range(n)):
            h, c = step(gi[t], linear(h, w_hh, b_hh), h, c)
            if w_hr is not None:
                h = linear(h, w_hr)
            outs[t] = h
        return stack(outs), h, c

    def _run(self, x: Tensor, h0: Tensor, c0: Tensor | None
             ) -> tuple[Tensor, Tensor, Tensor | None]:
        """Return (output (L, N, D * out), h_n, c_n) for ``x`` (L, N, H_in)."""
        D = self._directions
        hs: list[Tensor] = []
        cs: list[Tensor] = []
        for layer in range(self.num_layers):
            outs = []
            for d in range(D):
                i = layer * D + d
                out, h, c = self._direction(x, h0[i], None if c0 is None else c0[i],
                                            self._weights(layer, d), reverse=d == 1)
                outs.append(out)
                hs.append(h)
                if c is not None:
                    cs.append(c)
            x = outs[0] if D == 1 else cat(outs, dim=-1)
            if self.training and self.dropout > 0 and layer < self.num_layers - 1:
                x = _dropout(x, self.dropout, self._rng)
        return x, stack(hs), stack(cs) if cs else None

    def _output(self, out: Tensor, batched: bool) -> Tensor:
        if not batched:
            return out.squeeze(1)
        return out.swapaxes(0, 1) if self.batch_first else out

    def _forward(self, input: Any, hx: Any) -> tuple[Tensor, Tensor]:
        """RNN's and GRU's forward (one state)."""
        x, batched = self._input(input)
        batch, width = x.shape[1], self.hidden_size
        if hx is None:
            h0 = Tensor(np.zeros((self.num_layers * self._directions, batch, width), self._dtype))
        else:
            h0 = self._state(hx, batched, batch, width, "hx")
        out, h_n, _ = self._run(x, h0, None)
        return self._output(out, batched), h_n if batched else h_n.squeeze(1)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if self.bidirectional:
            s += ", bidirectional=True"
        return s


class RNN(RNNBase):
    """An Elman RNN, ``h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)`` (``nonlinearity``
    "tanh" or "relu"), stacked ``num_layers`` deep, optionally bidirectional.

    ``forward(input, hx=None)`` takes ``input`` of shape (L, H_in), (L, N, H_in), or (N, L,
    H_in) with ``batch_first``, and ``hx`` of shape (D * num_layers, N, H) (unbatched: (D *
    num_layers, H); default zeros); it returns ``(output, h_n)``: output (L, N, D * H) (or
    batch first, or unbatched), the last layer's states at every step (both directions'
    concatenated), and h_n the final state of every layer and direction, (D * num_layers,
    N, H), ordered layer 0 forward, layer 0 backward, layer 1 forward, ...
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, *, rng: RNG = None,
                 dtype: Any = np.float64, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("RNN: proj_size argument is only supported for LSTM, not RNN or GRU")
        if kwargs:
            raise TypeError(f"RNN: unexpected keyword argument(s) {sorted(kwargs)}")
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: Unknown nonlinearity {nonlinearity!r}. Select from 'tanh' "
                             "or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size,
                         hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         rng=rng, dtype=dtype)

    def forward(self, input: Any, hx: Any = None) -> tuple[Tensor, Tensor]:
        """Return ``(output, h_n)`` (see the class docstring for the shapes)."""
        return self._forward(input, hx)


class GRU(RNNBase):
    """A gated recurrent unit network, stacked ``num_layers`` deep, optionally
    bidirectional; per step ``r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)``, ``z`` alike,
    ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``, ``h' = (1 - z) * n + z * h`` (gates
    stacked r, z, n in the weights, as torch).

    ``forward(input, hx=None)`` returns ``(output, h_n)`` with the shapes of ``RNN``'s.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, *, rng: RNG = None, dtype: Any = np.float64,
                 **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("GRU: proj_size argument is only supported for LSTM, not RNN or GRU")
        if kwargs:
            raise TypeError(f"GRU: unexpected keyword argument(s) {sorted(kwargs)}")
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, rng=rng, dtype=dtype)

    def forward(self, input: Any, hx: Any = None) -> tuple[Tensor, Tensor]:
        """Return ``(output, h_n)`` (see ``RNN`` for the shapes)."""
        return self._forward(input, hx)


class LSTM(RNNBase):
    """A long short-term memory network, stacked ``num_layers`` deep, optionally
    bidirectional; per step the gates ``i, f, g, o`` (stacked in that order in the weights,
    as torch), ``c' = f * c + i * g``, ``h' = o * tanh(c')``; with ``proj_size > 0``,
    ``h' = W_hr h'`` (of width proj_size).

    ``forward(input, hx=None)`` takes ``hx = (h_0, c_0)`` (default zeros; h_0 (D *
    num_layers, N, H_out), c_0 (D * num_layers, N, hidden_size), without N when unbatched)
    and returns ``(output, (h_n, c_n))``: output (L, N, D * H_out) (or batch first, or
    unbatched), H_out being proj_size if set, else hidden_size.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, *, rng: RNG = None,
                 dtype: Any = np.float64) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, proj_size, rng=rng, dtype=dtype)

    def forward(self, input: Any, hx: Any = None) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        """Return ``(output, (h_n, c_n))`` (see the class docstring for the shapes)."""
        x, batched = self._input(input)
        batch, rows = x.shape[1], self.num_layers * self._directions
        width = self.proj_size or self.hidden_size
        if hx is None:
            h0 = Tensor(np.zeros((rows, batch, width), self._dtype))
            c0 = Tensor(np.zeros((rows, batch, self.hidden_size), self._dtype))
        else:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise TypeError(f"{self._who()}: hx must be a tuple (h_0, c_0) of two tensors, "
                                f"got {type(hx).__name__}")
            h0 = self._state(hx[0], batched, batch, width, "hx[0]")
            c0 = self._state(hx[1], batched, batch, self.hidden_size, "hx[1]")
        out, h_n, c_n = self._run(x, h0, c0)
        assert c_n is not None  # an LSTM's steps carry the cell state
        if not batched:
            h_n, c_n = h_n.squeeze(1), c_n.squeeze(1)
        return self._output(out, batched), (h_n, c_n)


# ---------------------------------------------------------------- cells


class RNNCellBase(_Recurrent):
    """The base of the cells (torch's ``RNNCellBase``): ``weight_ih`` (chunks *
    hidden_size, input_size), ``weight_hh`` (chunks * hidden_size, hidden_size) and, with
    ``bias``, ``bias_ih`` and ``bias_hh`` (chunks * hidden_size,)."""

    _mode = "RNN_TANH"

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, *,
                 rng: RNG = None, dtype: Any = np.float64) -> None:
        super().__init__()
        who = type(self).__name__
        self.input_size = integer(input_size, who, "input_size", minimum=1)
        self.hidden_size = integer(hidden_size, who, "hidden_size", minimum=1)
        self.bias = _bool(bias, who, "bias")
        dt = float_dtype(dtype, who)
        self._rng = generator(rng, who)
        rows = integer(num_chunks, who, "num_chunks", minimum=1) * self.hidden_size
        self.weight_ih = Parameter(np.zeros((rows, self.input_size)), dtype=dt)
        self.weight_hh = Parameter(np.zeros((rows, self.hidden_size)), dtype=dt)
        self.bias_ih = Parameter(np.zeros(rows), dtype=dt) if self.bias else None
        self.bias_hh = Parameter(np.zeros(rows), dtype=dt) if self.bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw every parameter from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), in
        registration order, from the cell's generator; return None."""
        _reset_uniform(self)

    def _cell(self, input: Any, states: Sequence[Any] | None, names: Sequence[str]
              ) -> tuple[list[Tensor], bool]:
        """Return the step's output states (batched) and whether the input was batched."""
        x = self._tensor(input, "input")
        if x.ndim not in (1, 2):
            raise ShapeError(f"{self._who()}: expected an input of shape (H_in,) (unbatched) or "
                             f"(N, H_in) (batched), got a {x.ndim}-D input of shape {x.shape}")
        if x.shape[-1] != self.input_size:
            raise ShapeError(f"{self._who()}: the input has {x.shape[-1]} features, expected "
                             f"input_size={self.input_size} (input shape {x.shape})")
        batched = x.ndim == 2
        xb = x if batched else x.unsqueeze(0)
        want = (xb.shape[0], self.hidden_size) if batched else (self.hidden_size,)
        hs = []
        for k, name in enumerate(names):
            if states is None:
                hs.append(Tensor(np.zeros((xb.shape[0], self.hidden_size), self._dtype)))
                continue
            h = self._tensor(states[k], name)
            if h.shape != want:
                raise ShapeError(f"{self._who()}: expected {name} of shape {want} to go with the "
                                 f"input of shape {x.shape}, got {h.shape}")
            hs.append(h if batched else h.unsqueeze(0))
        h, c = _STEPS[self._mode](linear(xb, self.weight_ih, self.bias_ih),
                                  linear(hs[0], self.weight_hh, self.bias_hh), hs[0],
                                  hs[1] if len(hs) > 1 else None)
        out = [h] if c is None else [h, c]
        return (out if batched else [t.squeeze(0) for t in out]), batched

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            s += ", bias=False"
        nonlinearity = getattr(self, "nonlinearity", "tanh")
        if nonlinearity != "tanh":
            s += f", nonlinearity={nonlinearity}"
        return s


class RNNCell(RNNCellBase):
    """One step of an Elman RNN: ``h' = tanh(W_ih x + b_ih + W_hh h + b_hh)`` (or relu).
    ``forward(input, hx=None)``: input (N, H_in) or (H_in,), hx (N, H) or (H,) (default
    zeros); returns h' of hx's shape."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", *, rng: RNG = None, dtype: Any = np.float64
                 ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNNCell: Unknown nonlinearity: {nonlinearity!r}; select from "
                             "'tanh' or 'relu'")
        self.nonlinearity = nonlinearity
        self._mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(input_size, hidden_size, bias, 1, rng=rng, dtype=dtype)

    def forward(self, input: Any, hx: Any = None) -> Tensor:
        """Return the next hidden state."""
        return self._cell(input, None if hx is None else [hx], ["hx"])[0][0]


class GRUCell(RNNCellBase):
    """One step of a GRU (gates r, z, n; see ``GRU``). ``forward(input, hx=None)``:
    input (N, H_in) or (H_in,), hx (N, H) or (H,) (default zeros); returns h'."""

    _mode = "GRU"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, *,
                 rng: RNG = None, dtype: Any = np.float64) -> None:
        super().__init__(input_size, hidden_size, bias, 3, rng=rng, dtype=dtype)

    def forward(self, input: Any, hx: Any = None) -> Tensor:
        """Return the next hidden state."""
        return self._cell(input, None if hx is None else [hx], ["hx"])[0][0]


class LSTMCell(RNNCellBase):
    """One step of an LSTM (gates i, f, g, o; see ``LSTM``). ``forward(input, hx=None)``:
    input (N, H_in) or (H_in,), ``hx = (h, c)`` each (N, H) or (H,) (default zeros);
    returns ``(h', c')``."""

    _mode = "LSTM"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, *,
                 rng: RNG = None, dtype: Any = np.float64) -> None:
        super().__init__(input_size, hidden_size, bias, 4, rng=rng, dtype=dtype)

    def forward(self, input: Any, hx: Any = None) -> tuple[Tensor, Tensor]:
        """Return the next hidden and cell states ``(h', c')``."""
        if hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise TypeError(f"{self._who()}: hx must be a tuple (h, c) of two tensors, got "
                            f"{type(hx).__name__}")
        (h, c), _ = self._cell(input, hx, ["hx[0]", "hx[1]"])
        return h, c


def _reset_uniform(module: Any) -> None:
    """torch's recurrent init: every parameter from U(-1/sqrt(hidden), 1/sqrt(hidden)), in
    registration order, from the module's generator."""
    stdv = 1.0 / math.sqrt(module.hidden_size)
    for p in module.parameters():
        assert isinstance(p, Tensor)  # no Values in a recurrent layer
        init.uniform_(p, -stdv, stdv, generator=module._rng)
