"""Run one program in this fresh process, with its random draws made shared (see below).

    python -m tests.torch_programs._runner LIB MODE PROGRAM DTYPE INITS TRACE

LIB is ``torch`` (the program as written) or a torch-layout package such as
``nn.torchlike`` (the program's imports are rewritten to it by ``harness.rewrite_imports``).
MODE is ``record`` (write the built-in layers' initial weights to INITS: the torch run) or
``replay`` (read them).
DTYPE (``float32`` or ``float64``) is set as both libraries' default dtype before the
program runs, where the library accepts it (one whose default does not switch keeps its own,
and the run says so on stderr). Only the program writes to stdout; a failure prints its traceback to stderr
and exits 1.

How the two runs draw the same numbers (torch's generator differs from this engine's, and
neither can be asked to produce the other's stream):

1. **Explicit draws** come from one seeded numpy stream, in call order, in both runs. Each
   random function the program can call (``randn rand randint randperm normal bernoulli
   multinomial rand_like randn_like``, ``Tensor.uniform_``/``normal_``, ``nn.init``'s
   ``uniform_ normal_ xavier_uniform_ xavier_normal_ kaiming_uniform_ kaiming_normal_``)
   is wrapped: the wrapper first calls the library's own function with the program's
   arguments (so a missing name, a refused argument or a wrong shape or dtype shows as it
   would), then overwrites the values of its result in place with numpy's draw for the
   same distribution (the transforms are written out below, torch's formulas for the init
   bounds). A name the library lacks is not added: the program fails on it, as a user's
   would. ``manual_seed(s)`` reseeds the stream with ``s`` (after calling the library's
   own); a ``Generator``'s ``manual_seed(s)`` gives that generator a stream of its own, and
   a draw with ``generator=g`` reads from g's stream (the library's own generator object
   is handed to the library's function). Python's ``random`` is seeded with 0 at start.
2. **Dropout**: ``F.dropout`` and ``nn.Dropout.forward`` (and ``dropout2d``/``Dropout2d``)
   multiply by a mask from the stream (keep where ``u < 1 - p``, scaled by ``1/(1 - p)``)
   in training mode, after calling the library's own for the checks (the module's own
   forward, not F.dropout, which a package may lack). Dropout drawn inside
   torch's C++ kernels (LSTM's between-layer dropout, attention's dropout_p) cannot be
   reached: the programs do not use it.
3. **DataLoader shuffling**: ``RandomSampler.__iter__`` yields the stream's permutation.
4. **Built-in layers' initial weights are copied from the torch run.** Each layer class
   that the library's ``nn`` exports (Linear, Conv2d, LSTM, Embedding, ...) has its
   ``__init__`` wrapped: while it runs, the wrapped draws above pass through to the
   library's own generator (so the order in which a library draws inside a constructor
   does not matter); when the outermost one returns, the torch run records the values of
   the parameters it created (by ``named_parameters`` name) and the other run overwrites
   its new parameters with the next record, in construction order. A layer whose class or
   parameter names and shapes differ from torch's record stops the run with a message
   saying so (``state_dict`` compatibility is part of being a drop-in).

With the environment variable TORCH_PROGRAMS_SCRAMBLE=1, the library's own generator is
reseeded before each built-in layer is constructed (the harness's test of itself: two torch
runs then agree only through the copied weights and the shared stream).

Every stream draw is written to TRACE as ``name shape``, one a line, so that a run whose
numbers differ can be told apart from a run that drew differently.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import math
import numbers
import os
import pickle
import random
import sys
import traceback
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from tests.torch_programs.harness import rewrite_imports

SEED = 0  # the stream's seed before the program calls manual_seed
# the harness's test of itself: reseed the library's own generator before each layer is
# built, so that only the copying of initial weights can make two runs agree
SCRAMBLE = os.environ.get("TORCH_PROGRAMS_SCRAMBLE") == "1"


class Stream:
    """The shared numpy stream, with the trace of what was drawn."""

    def __init__(self) -> None:
        self.rng = np.random.default_rng(SEED)
        self.trace: list[str] = []
        self.passthrough = 0  # > 0 inside a wrapped call or a layer's constructor
        self.constructing = 0  # > 0 inside a built-in layer's constructor

    def reseed(self, seed: int) -> None:
        self.rng = np.random.default_rng(int(seed) % 2**64)

    def log(self, name: str, shape: Any) -> None:
        self.trace.append(f"{name} {tuple(shape)}")

    @contextlib.contextmanager
    def suspended(self) -> Iterator[None]:
        self.passthrough += 1
        try:
            yield
        finally:
            self.passthrough -= 1


STREAM = Stream()


class Adapter:
    """The few things the harness does to a library's tensors that are not the program's:
    read values, write values in place, make a constant. torch's own spelling for torch;
    for this project numpy's view of the buffer (``np.asarray`` shares memory)."""

    def __init__(self, lib: Any, is_torch: bool) -> None:
        self.lib, self.is_torch = lib, is_torch
        self.own_seed: Callable[[int], Any] | None = None

    def numpy(self, t: Any) -> np.ndarray:
        if self.is_torch:
            return t.detach().cpu().numpy()
        return np.asarray(t)

    def fill(self, t: Any, values: np.ndarray) -> None:
        if self.is_torch:
            with self.lib.no_grad():
                t.copy_(self.lib.from_numpy(np.array(values)).to(t.dtype))
        else:
            view = np.asarray(t)
            view[...] = np.asarray(values).astype(view.dtype, copy=False)

    def const(self, values: np.ndarray, like: Any) -> Any:
        if self.is_torch:
            return self.lib.from_numpy(np.ascontiguousarray(values)).to(like.dtype)
        import autograd

        return autograd.Tensor(np.asarray(values).astype(np.asarray(like).dtype))


def _shape(t: Any) -> tuple[int, ...]:
    return tuple(int(n) for n in t.shape)


def _number(x: Any, ad: Adapter) -> Any:
    """A float or an ndarray for a Python number or a library tensor."""
    if isinstance(x, (int, float)):
        return x
    return ad.numpy(x).astype(np.float64)


class SharedGenerator:
    """Stands in for the library's ``Generator`` (a subclass per library names the real
    class, ``_real_cls``): a real one for the library's functions (``.real``) and a numpy
    stream of its own for the shared draws."""

    _real_cls: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.real = self._real_cls(*args, **kwargs)
        self.rng = np.random.default_rng(SEED)

    def manual_seed(self, seed: int) -> SharedGenerator:
        self.real.manual_seed(seed)
        self.rng = np.random.default_rng(int(seed) % 2**64)
        return self

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def _rng(kwargs: dict[str, Any]) -> np.random.Generator:
    """The stream to draw from (the generator's, if one is passed); unwraps it in kwargs."""
    g = kwargs.get("generator")
    if isinstance(g, SharedGenerator):
        kwargs["generator"] = g.real
        return g.rng
    return STREAM.rng


def _wrap(owner: Any, name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    """Replace ``owner.name`` by ``make(original)`` where the library has the name: outside
    a constructor, the new function runs the original with the wraps suspended (its own
    inner draws pass through) and then draws from the stream."""
    original = getattr(owner, name, None)
    if original is None:
        return
    drawing = make(original)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if STREAM.passthrough:
            return original(*args, **kwargs)
        return drawing(*args, **kwargs)

    setattr(owner, name, wrapper)


def _draw_into(ad: Adapter, who: str, result: Any, rng: np.random.Generator,
               draw: Callable[[np.random.Generator, tuple[int, ...]], np.ndarray]) -> Any:
    shape = _shape(result)
    STREAM.log(who, shape)
    ad.fill(result, np.broadcast_to(draw(rng, shape), shape))
    return result


def _multinomial_np(probs: np.ndarray, n: int, replacement: bool,
                    rng: np.random.Generator) -> np.ndarray:
    """Draws by the inverse CDF, one uniform per sample; without replacement a drawn index
    is removed and the rest renormalized (sequential sampling)."""
    rows = probs.reshape(-1, probs.shape[-1]).astype(np.float64)
    out = np.empty((rows.shape[0], n), dtype=np.int64)
    for r, p in enumerate(rows):
        w = p.copy()
        for k in range(n):
            cdf = np.cumsum(w)
            i = int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right"))
            i = min(i, len(w) - 1)
            out[r, k] = i
            if not replacement:
                w[i] = 0.0
    return out.reshape(probs.shape[:-1] + (n,))


def _fans(shape: tuple[int, ...]) -> tuple[int, int]:
    receptive = math.prod(shape[2:]) if len(shape) > 2 else 1
    fan_in = shape[1] * receptive if len(shape) > 1 else shape[0]
    return fan_in, shape[0] * receptive


def _gain(nonlinearity: str, param: float | None) -> float:
    """torch.nn.init.calculate_gain's table."""
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    return 1.0  # linear, conv*, sigmoid


def install(lib_name: str) -> Adapter:
    """Import the library, wrap its random sources as the module docstring says, and return
    its adapter."""
    is_torch = lib_name == "torch"
    lib: Any = importlib.import_module(lib_name)
    ad = Adapter(lib, is_torch)

    def sub(name: str) -> Any:
        try:
            return importlib.import_module(f"{lib_name}.{name}")
        except ImportError:
            return None

    lib_nn, F, init, data = sub("nn"), sub("nn.functional"), sub("nn.init"), sub("utils.data")

    def creator(who: str, draw: Callable[..., np.ndarray]) -> Callable[..., Callable[..., Any]]:
        def make(original: Callable[..., Any]) -> Callable[..., Any]:
            def drawing(*args: Any, **kwargs: Any) -> Any:
                rng = _rng(kwargs)
                with STREAM.suspended():
                    result = original(*args, **kwargs)
                return _draw_into(ad, who, result, rng, lambda g, s: draw(g, s, args, kwargs))
            return drawing
        return make

    _wrap(lib, "randn", creator("randn", lambda g, s, a, k: g.standard_normal(s)))
    _wrap(lib, "rand", creator("rand", lambda g, s, a, k: g.random(s)))
    _wrap(lib, "randn_like", creator("randn_like", lambda g, s, a, k: g.standard_normal(s)))
    _wrap(lib, "rand_like", creator("rand_like", lambda g, s, a, k: g.random(s)))

    def randint_draw(g: np.random.Generator, s: tuple[int, ...], a: tuple[Any, ...],
                     k: dict[str, Any]) -> np.ndarray:
        ints = [int(v) for v in a if isinstance(v, numbers.Integral)]
        low, high = (0, ints[0]) if len(ints) == 1 else (ints[0], ints[1])
        low, high = int(k.get("low", low)), int(k.get("high", high))
        return g.integers(low, high, s)

    _wrap(lib, "randint", creator("randint", randint_draw))
    _wrap(lib, "randperm", creator("randperm", lambda g, s, a, k: g.permutation(s[0])))

    def normal_draw(g: np.random.Generator, s: tuple[int, ...], a: tuple[Any, ...],
                    k: dict[str, Any]) -> np.ndarray:
        mean = _number(k.get("mean", a[0] if a else 0.0), ad)
        std = _number(k.get("std", a[1] if len(a) > 1 else 1.0), ad)
        return mean + std * g.standard_normal(s)

    _wrap(lib, "normal", creator("normal", normal_draw))

    def bernoulli_draw(g: np.random.Generator, s: tuple[int, ...], a: tuple[Any, ...],
                       k: dict[str, Any]) -> np.ndarray:
        p = _number(a[1], ad) if len(a) > 1 else _number(a[0] if a else k["input"], ad)
        return (g.random(s) < p).astype(np.float64)

    _wrap(lib, "bernoulli", creator("bernoulli", bernoulli_draw))

    def multinomial_make(original: Callable[..., Any]) -> Callable[..., Any]:
        def drawing(probs: Any, num_samples: int, replacement: bool = False, **kwargs: Any) -> Any:
            rng = _rng(kwargs)
            with STREAM.suspended():
                result = original(probs, num_samples, replacement, **kwargs)
            draws = _multinomial_np(ad.numpy(probs), int(num_samples), bool(replacement), rng)
            STREAM.log("multinomial", draws.shape)
            ad.fill(result, draws)
            return result
        return drawing

    _wrap(lib, "multinomial", multinomial_make)

    def method(who: str, defaults: tuple[float, float], names: tuple[str, str],
               draw: Callable[[np.random.Generator, tuple[int, ...], float, float], np.ndarray]
               ) -> Callable[..., Callable[..., Any]]:
        def make(original: Callable[..., Any]) -> Callable[..., Any]:
            def drawing(self: Any, *args: Any, **kwargs: Any) -> Any:
                rng = _rng(kwargs)
                with STREAM.suspended():
                    result = original(self, *args, **kwargs)
                a = float(kwargs.get(names[0], args[0] if args else defaults[0]))
                b = float(kwargs.get(names[1], args[1] if len(args) > 1 else defaults[1]))
                _draw_into(ad, who, self, rng, lambda g, s: draw(g, s, a, b))
                return result
            return drawing
        return make

    uniform = method("uniform_", (0.0, 1.0), ("from", "to"), lambda g, s, a, b: a + (b - a) * g.random(s))
    normal = method("normal_", (0.0, 1.0), ("mean", "std"), lambda g, s, m, d: m + d * g.standard_normal(s))
    _wrap(lib.Tensor, "uniform_", uniform)
    _wrap(lib.Tensor, "normal_", normal)

    if init is not None:
        def init_fn(who: str, draw: Callable[..., np.ndarray]) -> Callable[..., Callable[..., Any]]:
            def make(original: Callable[..., Any]) -> Callable[..., Any]:
                def drawing(tensor: Any, *args: Any, **kwargs: Any) -> Any:
                    rng = _rng(kwargs)
                    with STREAM.suspended():
                        result = original(tensor, *args, **kwargs)
                    _draw_into(ad, who, tensor, rng, lambda g, s: draw(g, s, args, kwargs))
                    return result
                return drawing
            return make

        def arg(a: tuple[Any, ...], k: dict[str, Any], i: int, name: str, default: Any) -> Any:
            return k.get(name, a[i] if len(a) > i else default)

        def kaiming_bound(s: tuple[int, ...], a: tuple[Any, ...], k: dict[str, Any]) -> float:
            slope = float(arg(a, k, 0, "a", 0.0))
            mode = arg(a, k, 1, "mode", "fan_in")
            nonlin = arg(a, k, 2, "nonlinearity", "leaky_relu")
            fan_in, fan_out = _fans(s)
            return _gain(nonlin, slope) / math.sqrt(fan_in if mode == "fan_in" else fan_out)

        def xavier_std(s: tuple[int, ...], a: tuple[Any, ...], k: dict[str, Any]) -> float:
            fan_in, fan_out = _fans(s)
            return float(arg(a, k, 0, "gain", 1.0)) * math.sqrt(2.0 / (fan_in + fan_out))

        def init_uniform(g: np.random.Generator, s: tuple[int, ...], a: tuple[Any, ...],
                         k: dict[str, Any]) -> np.ndarray:
            lo, hi = float(arg(a, k, 0, "a", 0.0)), float(arg(a, k, 1, "b", 1.0))
            return lo + (hi - lo) * g.random(s)

        def init_normal(g: np.random.Generator, s: tuple[int, ...], a: tuple[Any, ...],
                        k: dict[str, Any]) -> np.ndarray:
            m, d = float(arg(a, k, 0, "mean", 0.0)), float(arg(a, k, 1, "std", 1.0))
            return m + d * g.standard_normal(s)

        def bounded(bound: Callable[..., float]) -> Callable[..., np.ndarray]:
            return lambda g, s, a, k: bound(s, a, k) * (2 * g.random(s) - 1)

        def scaled(std: Callable[..., float]) -> Callable[..., np.ndarray]:
            return lambda g, s, a, k: std(s, a, k) * g.standard_normal(s)

        _wrap(init, "uniform_", init_fn("init.uniform_", init_uniform))
        _wrap(init, "normal_", init_fn("init.normal_", init_normal))
        kaiming_uniform = bounded(lambda s, a, k: math.sqrt(3) * kaiming_bound(s, a, k))
        _wrap(init, "kaiming_uniform_", init_fn("init.kaiming_uniform_", kaiming_uniform))
        _wrap(init, "kaiming_normal_", init_fn("init.kaiming_normal_", scaled(kaiming_bound)))
        _wrap(init, "xavier_uniform_", init_fn("init.xavier_uniform_",
                                               bounded(lambda s, a, k: math.sqrt(3) * xavier_std(s, a, k))))
        _wrap(init, "xavier_normal_", init_fn("init.xavier_normal_", scaled(xavier_std)))

    def masked(input: Any, p: float, channelwise: bool) -> Any:
        shape = _shape(input)
        mask_shape = shape[:2] + (1,) * (len(shape) - 2) if channelwise else shape
        STREAM.log("dropout2d" if channelwise else "dropout", mask_shape)
        keep = (STREAM.rng.random(mask_shape) < 1 - p) / (1 - p)
        return input * ad.const(np.broadcast_to(keep, shape), input)

    def dropout_make(channelwise: bool) -> Callable[..., Callable[..., Any]]:
        def make(original: Callable[..., Any]) -> Callable[..., Any]:
            def drawing(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Any:
                with STREAM.suspended():
                    result = original(input, p, training, inplace)
                if not training or p == 0:
                    return result
                return masked(input, p, channelwise)
            return drawing
        return make

    if F is not None:
        _wrap(F, "dropout", dropout_make(False))
        _wrap(F, "dropout2d", dropout_make(True))
    if lib_nn is not None:
        # the modules' own forward runs first (its checks), then the mask is the stream's;
        # not through F.dropout, which a package may not have
        for cls_name, channelwise in (("Dropout", False), ("Dropout2d", True)):
            cls = getattr(lib_nn, cls_name, None)
            if cls is None:
                continue

            def module_make(original: Callable[..., Any], channelwise: bool = channelwise
                            ) -> Callable[..., Any]:
                def forward(self: Any, input: Any) -> Any:
                    with STREAM.suspended():
                        result = original(self, input)
                    if not self.training or self.p == 0:
                        return result
                    return masked(input, self.p, channelwise)
                return forward

            _wrap(cls, "forward", module_make)

    if data is not None and getattr(data, "RandomSampler", None) is not None:
        def sampler_iter(self: Any) -> Iterator[int]:
            n = len(self.data_source)
            gen = getattr(self, "generator", None)
            rng = gen.rng if isinstance(gen, SharedGenerator) else STREAM.rng
            STREAM.log("RandomSampler", (n,))
            yield from rng.permutation(n).tolist()
        data.RandomSampler.__iter__ = sampler_iter

    def seed_make(original: Callable[..., Any]) -> Callable[..., Any]:
        def seeding(seed: int) -> Any:
            result = original(seed)
            STREAM.reseed(seed)
            return result
        return seeding

    ad.own_seed = getattr(lib, "manual_seed", None)  # the library's own, for SCRAMBLE
    _wrap(lib, "manual_seed", seed_make)
    real_generator = getattr(lib, "Generator", None)
    if real_generator is not None:
        lib.Generator = type("Generator", (SharedGenerator,), {"_real_cls": real_generator})
    return ad


class Layers:
    """Records (torch run) or replays (the other run) built-in layers' initial parameters,
    as the module docstring's point 4 says."""

    def __init__(self, ad: Adapter, path: Path, record: bool) -> None:
        self.ad, self.path, self.record = ad, path, record
        self.records: list[tuple[str, dict[str, np.ndarray]]] = []
        if not record:
            self.records = pickle.loads(path.read_bytes())
        self.count = 0
        self.seen: set[int] = set()  # ids of parameters already recorded or replayed
        self.kept: list[Any] = []

    def wrap_all(self, lib_nn: Any) -> None:
        base = lib_nn.Module
        for name in dir(lib_nn):
            cls = getattr(lib_nn, name)
            # an inherited __init__ (from a base the package does not export) is wrapped in
            # the subclass; a wrapper inside a wrapper is not outermost, so records once
            if isinstance(cls, type) and issubclass(cls, base) and cls is not base:
                cls.__init__ = self._wrapped(cls.__init__)  # type: ignore[misc]

    def _wrapped(self, init: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(init)
        def __init__(module: Any, *args: Any, **kwargs: Any) -> None:
            outermost = not STREAM.constructing
            if outermost and SCRAMBLE and self.ad.own_seed is not None:
                self.ad.own_seed(10**6 + len(self.seen))  # the library's own draws differ now
            STREAM.constructing += 1
            try:
                with STREAM.suspended():
                    init(module, *args, **kwargs)
            finally:
                STREAM.constructing -= 1
            if outermost:
                self._done(module)
        return __init__

    def _done(self, module: Any) -> None:
        new = [(n, p) for n, p in module.named_parameters() if id(p) not in self.seen]
        self.seen.update(id(p) for _, p in new)
        self.kept.extend(p for _, p in new)  # alive, so that no later tensor reuses their ids
        if not new:
            return
        cls = type(module).__name__
        if self.record:
            self.records.append((cls, {n: self.ad.numpy(p).copy() for n, p in new}))
            return
        where = f"layer #{self.count} ({cls})"
        self.count += 1
        if self.count > len(self.records):
            raise RuntimeError(f"harness: {where} has parameters but torch constructed only "
                               f"{len(self.records)} layers with parameters")
        want_cls, want = self.records[self.count - 1]
        got = {n: _shape(p) for n, p in new}
        shapes = {n: v.shape for n, v in want.items()}
        if want_cls != cls or got != shapes:
            raise RuntimeError(f"harness: {where}: torch's {want_cls} has parameters {shapes}, "
                               f"this one {got}")
        for n, p in new:
            self.ad.fill(p, want[n])

    def save(self) -> None:
        if self.record:
            self.path.write_bytes(pickle.dumps(self.records))


def main(argv: list[str]) -> int:
    lib_name, mode, program, dtype, inits, trace = argv
    random.seed(SEED)
    np.random.seed(SEED)
    ad = install(lib_name)
    lib = ad.lib
    if ad.own_seed is not None:  # torch seeds itself from the clock: its layers' weights would vary
        ad.own_seed(int(os.environ.get("TORCH_PROGRAMS_OWN_SEED", SEED)))
    if ad.is_torch:
        lib.set_num_threads(1)  # the machine's cores are shared; one thread is also repeatable
    if hasattr(lib, "set_default_dtype"):
        try:
            lib.set_default_dtype(getattr(lib, dtype, np.dtype(dtype)))
        except Exception as e:  # a package whose default does not switch keeps its own
            print(f"harness: {lib_name}.set_default_dtype({dtype}) refused, its default stays: {e}",
                  file=sys.stderr)
    layers = Layers(ad, Path(inits), record=mode == "record")
    lib_nn = importlib.import_module(f"{lib_name}.nn")
    layers.wrap_all(lib_nn)
    source = Path(program).read_text()
    if not ad.is_torch:
        source = rewrite_imports(source, lib_name)
    code = compile(source, program, "exec")
    sys.argv = [program]
    # the program is __main__, as when run as a script (pickle finds its classes there)
    main_module = types.ModuleType("__main__")
    main_module.__file__ = program
    sys.modules["__main__"] = main_module
    try:
        exec(code, main_module.__dict__)
    except SystemExit as e:
        if e.code not in (None, 0):
            raise
    finally:
        sys.stdout.flush()
        Path(trace).write_text("".join(t + "\n" for t in STREAM.trace))
        layers.save()
    return 0


if __name__ == "__main__":
    try:
        status = main(sys.argv[1:])
    except BaseException:
        sys.stdout.flush()
        traceback.print_exc()
        status = 1
    sys.exit(status)
