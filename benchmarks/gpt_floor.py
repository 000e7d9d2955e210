"""Tiny GPT training step against its floor: the same step written by hand in numpy.

The model, batch and optimizer are ``gpt_step``'s (vocab 65, context 64, 2 layers, 4 heads,
d_embed 64, batch 16, float32, AdamW lr 1e-3, weight decay 0.01). The baseline is
``NumpyGPT``: the forward and the backward derived by hand, on plain numpy arrays, with
the weights copied from an ``nn.gpt.GPT`` (so the architecture and the initialisation are
``nn.gpt``'s by construction) and AdamW over one flat buffer. It is what an engine on numpy
cannot beat by much: every matrix product is one BLAS call, nothing is recorded, nothing
is allocated for the bookkeeping. The runner checks ours and torch against it (loss and
every gradient) before timing, so a ratio here is a ratio of equal computations.

Hand optimisations a careful numpy writer makes, and which the floor therefore makes: the
parameters live as views of one flat array (AdamW is a handful of vector operations over
all 112,512 of them), the query, key and value weights are adjacent in it so that the
three projections are one matrix product, and the embedding backward is a one-hot matrix
product instead of ``np.add.at``.

Run alone: ``python benchmarks/gpt_floor.py [--quick]``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from benchmarks import gpt_step

NAME = "gpt_floor"
TITLE = gpt_step.TITLE + ", against the step written by hand in numpy"
BASELINE = "numpy"
LABELS = {"numpy": "numpy, hand-written fwd+bwd, AdamW over a flat buffer",
          "ours": "ours (nn.gpt.GPT with nn.optim.AdamW)",
          "torch": "torch (same model written out, torch.optim.AdamW)"}
REQUIRES = {"numpy": ("nn",), "ours": ("autograd", "nn"), "torch": ("torch", "nn")}
EXPECTED_ERRORS: dict[str, tuple[str, ...]] = {}
TOLERANCE = gpt_step.TOLERANCE  # the same float32 sums in other orders (see gpt_step)
GOAL = 1.5

_C = math.sqrt(2 / math.pi)  # GELU's tanh approximation: tanh(_C (x + _K x^3))
_K = 0.044715


class NumpyGPT:
    """``nn.gpt.GPT``'s training step written by hand in numpy, for a model with biases and
    no dropout. ``params`` maps ``model.named_parameters()`` names to arrays (copied); the
    step's arithmetic is float of their dtype throughout."""

    def __init__(self, params: dict[str, np.ndarray], n_heads: int, n_layers: int,
                 eps: float = 1e-5) -> None:
        self.H, self.L, self.eps = n_heads, n_layers, eps
        # the order of the flat buffer: per layer query, key, value weights adjacent (one
        # (3C, C) view), and their biases adjacent; everything else in model order
        order = list(params)
        for layer in range(n_layers):
            a = f"blocks.{layer}.attn."
            names = [a + n + ".weight" for n in ("query", "key", "value")]
            names += [a + n + ".bias" for n in ("query", "key", "value")]
            first = order.index(names[0])
            order = [n for n in order if n not in names]
            order[first:first] = names
        dtype = next(iter(params.values())).dtype
        sizes = [params[n].size for n in order]
        self.flat = np.empty(sum(sizes), dtype)
        self.gflat = np.zeros_like(self.flat)
        self.p: dict[str, np.ndarray] = {}
        self.g: dict[str, np.ndarray] = {}
        offset: dict[str, int] = {}
        at = 0
        for n, size in zip(order, sizes):
            shape = params[n].shape
            self.p[n] = self.flat[at:at + size].reshape(shape)
            self.g[n] = self.gflat[at:at + size].reshape(shape)
            self.p[n][...] = params[n]
            offset[n] = at
            at += size
        C = params["token_embedding.weight"].shape[1]

        def span(buf: np.ndarray, name: str, shape: tuple[int, ...]) -> np.ndarray:
            return buf[offset[name]:offset[name] + math.prod(shape)].reshape(shape)

        a = [f"blocks.{layer}.attn.query." for layer in range(n_layers)]
        self.qkv_w = [span(self.flat, n + "weight", (3 * C, C)) for n in a]
        self.qkv_b = [span(self.flat, n + "bias", (3 * C,)) for n in a]
        self.qkv_gw = [span(self.gflat, n + "weight", (3 * C, C)) for n in a]
        self.qkv_gb = [span(self.gflat, n + "bias", (3 * C,)) for n in a]
        self.m = np.zeros_like(self.flat)
        self.v = np.zeros_like(self.flat)
        self.t = 0

    # ------------------------------------------------------------ pieces

    def _ln(self, x: np.ndarray, name: str) -> tuple[np.ndarray, tuple[Any, ...]]:
        mu = x.mean(axis=-1, keepdims=True)
        xc = x - mu
        var = np.mean(xc * xc, axis=-1, keepdims=True)
        rstd = 1 / np.sqrt(var + self.eps)
        xhat = xc * rstd
        return xhat * self.p[name + ".weight"] + self.p[name + ".bias"], (xhat, rstd, name)

    def _ln_back(self, dy: np.ndarray, cache: tuple[Any, ...]) -> np.ndarray:
        xhat, rstd, name = cache
        self.g[name + ".weight"][...] = np.sum(dy * xhat, axis=0)
        np.sum(dy, axis=0, out=self.g[name + ".bias"])
        dxhat = dy * self.p[name + ".weight"]
        n = xhat.shape[-1]
        a = dxhat.sum(axis=-1, keepdims=True) / n
        b = np.sum(dxhat * xhat, axis=-1, keepdims=True) / n
        dxhat -= a
        dxhat -= xhat * b
        dxhat *= rstd
        return dxhat

    def _linear_back(self, dy: np.ndarray, x: np.ndarray, w: np.ndarray, gw: np.ndarray,
                     gb: np.ndarray | None) -> np.ndarray:
        np.matmul(dy.T, x, out=gw)
        if gb is not None:
            np.sum(dy, axis=0, out=gb)
        return dy @ w

    # ------------------------------------------------------------ the step

    def loss_and_grads(self, idx: np.ndarray, targets: np.ndarray) -> float:
        """Return the mean cross-entropy; fill ``self.g`` (views of ``gflat``) with the
        gradients."""
        p, g = self.p, self.g
        B, T = idx.shape
        N = B * T
        V, C = p["token_embedding.weight"].shape
        H = self.H
        D = C // H
        scale = np.asarray(1 / math.sqrt(D), self.flat.dtype)
        ids = idx.reshape(-1)
        x = (p["token_embedding.weight"][idx] + p["position_embedding.weight"][:T]).reshape(N, C)
        # added rather than assigned through a boolean index: one pass, no gather
        causal = np.triu(np.full((T, T), -np.inf, self.flat.dtype), 1)
        caches = []
        for layer in range(self.L):
            pre = f"blocks.{layer}."
            h, ln1 = self._ln(x, pre + "ln1")
            qkv = h @ self.qkv_w[layer].T
            qkv += self.qkv_b[layer]
            # (N, 3C) -> 3 x (B, H, T, D)
            q, k, v = qkv.reshape(B, T, 3, H, D).transpose(2, 0, 3, 1, 4)
            q = q * scale
            s = q @ k.transpose(0, 1, 3, 2)
            s += causal
            s -= s.max(axis=-1, keepdims=True)
            np.exp(s, out=s)
            s /= s.sum(axis=-1, keepdims=True)
            att = s
            y = (att @ v).transpose(0, 2, 1, 3).reshape(N, C)
            o = y @ p[pre + "attn.output.weight"].T
            o += p[pre + "attn.output.bias"]
            x = x + o
            h2, ln2 = self._ln(x, pre + "ln2")
            u = h2 @ p[pre + "mlp.up.weight"].T
            u += p[pre + "mlp.up.bias"]
            th = np.tanh(_C * (u + _K * u * u * u))
            a = 0.5 * u * (1 + th)
            d = a @ p[pre + "mlp.down.weight"].T
            d += p[pre + "mlp.down.bias"]
            x = x + d
            caches.append((h, ln1, q, k, v, att, y, h2, ln2, u, th, a))
        hf, lnf = self._ln(x, "ln_f")
        logits = hf @ p["unembedding.weight"].T
        rows, tgt = np.arange(N), targets.reshape(-1)
        z = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(z)
        se = e.sum(axis=1, keepdims=True)
        loss = float(np.log(se[:, 0]).sum() / N - z[rows, tgt].sum() / N)
        dl = e
        dl /= se
        dl[rows, tgt] -= 1
        dl /= N
        dx = self._ln_back(self._linear_back(dl, hf, p["unembedding.weight"],
                                             g["unembedding.weight"], None), lnf)
        for layer in reversed(range(self.L)):
            pre = f"blocks.{layer}."
            h, ln1, q, k, v, att, y, h2, ln2, u, th, a = caches[layer]
            da = self._linear_back(dx, a, p[pre + "mlp.down.weight"], g[pre + "mlp.down.weight"],
                                   g[pre + "mlp.down.bias"])
            # d gelu / du = 0.5 (1 + th) + 0.5 u (1 - th^2) _C (1 + 3 _K u^2)
            du = 0.5 * u * (1 - th * th) * (_C * (1 + 3 * _K * u * u))
            du += 0.5 * (1 + th)
            du *= da
            dh2 = self._linear_back(du, h2, p[pre + "mlp.up.weight"], g[pre + "mlp.up.weight"],
                                    g[pre + "mlp.up.bias"])
            dx = dx + self._ln_back(dh2, ln2)
            dy = self._linear_back(dx, y, p[pre + "attn.output.weight"],
                                   g[pre + "attn.output.weight"], g[pre + "attn.output.bias"])
            dy = dy.reshape(B, T, H, D).transpose(0, 2, 1, 3)
            dqkv = np.empty((3, B, H, T, D), dx.dtype)
            np.matmul(att.transpose(0, 1, 3, 2), dy, out=dqkv[2])
            datt = dy @ v.transpose(0, 1, 3, 2)
            datt -= np.sum(datt * att, axis=-1, keepdims=True)
            datt *= att  # softmax backward; masked entries have att = 0
            np.matmul(datt, k, out=dqkv[0])
            dqkv[0] *= scale
            np.matmul(datt.transpose(0, 1, 3, 2), q, out=dqkv[1])  # q is already scaled
            dqkv2 = dqkv.transpose(1, 3, 0, 2, 4).reshape(N, 3 * C)
            dh = self._linear_back(dqkv2, h, self.qkv_w[layer], self.qkv_gw[layer],
                                   self.qkv_gb[layer])
            dx = dx + self._ln_back(dh, ln1)
        onehot = np.zeros((N, V), dx.dtype)
        onehot[rows, ids] = 1
        np.matmul(onehot.T, dx, out=g["token_embedding.weight"])
        gp = g["position_embedding.weight"]
        gp[T:] = 0
        np.sum(dx.reshape(B, T, C), axis=0, out=gp[:T])
        return loss

    def adamw(self, lr: float, weight_decay: float, betas: tuple[float, float] = (0.9, 0.999),
              eps: float = 1e-8) -> None:
        """One AdamW step over the flat buffer, in torch's arithmetic."""
        b1, b2 = betas
        self.t += 1
        x, gr, m, v = self.flat, self.gflat, self.m, self.v
        x *= 1 - lr * weight_decay
        m *= b1
        m += (1 - b1) * gr
        v *= b2
        v += (1 - b2) * gr * gr
        bc1, bc2 = 1 - b1 ** self.t, 1 - b2 ** self.t
        denom = np.sqrt(v)
        denom /= math.sqrt(bc2)
        denom += eps
        upd = m / denom
        upd *= lr / bc1
        x -= upd


def cases(quick: bool) -> list[dict[str, Any]]:
    """One case: gpt_step's configuration."""
    return gpt_step.cases(quick)


def plan(impl: str, case: dict[str, Any], quick: bool) -> str | None:
    """Every implementation runs."""
    return None


def floor_from(model: Any) -> NumpyGPT:
    """Return a ``NumpyGPT`` holding a copy of ``model``'s (an ``nn.gpt.GPT``'s) weights."""
    c = model.config
    if not c.bias or c.dropout:
        raise ValueError("NumpyGPT: written for a GPT with biases and no dropout")
    eps = {m.eps for m in model.modules() if hasattr(m, "normalized_shape")}
    (eps1,) = eps
    return NumpyGPT({k: np.array(p.data) for k, p in model.named_parameters()},
                    c.n_heads, c.n_layers, eps1)


def setup_numpy(case: dict[str, Any]) -> Any:
    model, idx, targets = gpt_step.problem()
    net = floor_from(model)
    del model

    def step(want: bool = False) -> Any:
        loss = net.loss_and_grads(idx, targets)
        out = gpt_step._payload(loss, net.g) if want else None
        net.adamw(gpt_step.LR, gpt_step.WEIGHT_DECAY)
        return out

    return step


IMPLS = {"numpy": setup_numpy, "ours": gpt_step.setup_ours, "torch": gpt_step.setup_torch}


def targets(results: dict[str, dict[str, Any]], quick: bool) -> list[tuple[str, str, bool | None]]:
    """ours <= 1.5 x the hand-written numpy step (torch's ratio for reference)."""
    rs = results.get(cases(quick)[0]["label"], {})
    r, t = rs.get("ours"), rs.get("torch")
    text = f"ours <= {GOAL:.1f} x hand-written numpy (torch for reference)"
    if r is None or r.ratio is None:
        return [(text, "not measured", None)]
    ref = f"; torch {t.ratio:.3f} x" if t is not None and t.ratio is not None else ""
    return [(text, f"{r.ratio:.3f} x{ref}", r.ratio <= GOAL)]


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.run import main

    sys.exit(main(["--only", NAME, *sys.argv[1:]]))
