"""viz.GradientHistory (gradient, data and update norms over training, their plots), the
rich display of viz's figures in a notebook, and the vanishing-gradients example.

Expected numbers come from numpy on the parameters themselves (snapshots taken by the test),
from torch training the same network, or from how each test's network is built."""

import io
import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("matplotlib")  # the viz extra's plots

import autograd as ag  # noqa: E402
import nn  # noqa: E402
import viz  # noqa: E402
from autograd import Tensor, Value  # noqa: E402
from nn import functional as F  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _moons_batch(n=32, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 2)), (rng.random(n) > 0.5).astype(float)


def _step(model, opt, x, y):
    loss = F.binary_cross_entropy_with_logits(model(ag.tensor(x)).reshape(-1), ag.tensor(y))
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


def _png_size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


# ---------------------------------------------------------------- what is recorded


def test_records_grad_data_and_update_norms_of_each_tensor_parameter():
    model = nn.MLP(2, [5, 4], 1, rng=0)
    opt = nn.optim.Adam(model.parameters(), lr=0.05)  # an update that is not lr * grad
    hist = viz.GradientHistory(model)
    assert hist.names == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    assert hist.counts == [1] * 6
    x, y = _moons_batch()
    expected = []
    for _ in range(3):
        before = [p.data.copy() for p in model.parameters()]
        _step(model, opt, x, y)
        params = list(model.parameters())
        expected.append([(np.linalg.norm(p.grad), np.linalg.norm(p.data),
                          np.linalg.norm(p.data - b)) for p, b in zip(params, before)])
        hist.record()
    expected = np.array(expected)  # (steps, rows, 3)
    assert len(hist) == 3 and hist.steps.tolist() == [0, 1, 2]
    assert hist.grad_norms.shape == (3, 6)
    np.testing.assert_allclose(hist.grad_norms, expected[..., 0], rtol=1e-12)
    np.testing.assert_allclose(hist.data_norms, expected[..., 1], rtol=1e-12)
    np.testing.assert_allclose(hist.update_norms, expected[..., 2], rtol=1e-12)
    np.testing.assert_allclose(hist.update_ratios, expected[..., 2] / expected[..., 1],
                               rtol=1e-12)
    # Adam's first step moves every weight by about lr: the update is no multiple of grad
    ratio = hist.update_norms[0] / hist.grad_norms[0]
    assert ratio.max() / ratio.min() > 1.5


def test_plain_sgd_update_is_lr_times_the_gradient_it_used():
    model = nn.MLP(2, [4], 1, rng=1)
    opt = nn.optim.SGD(model.parameters(), lr=0.3)
    hist = viz.GradientHistory(model)
    x, y = _moons_batch(seed=1)
    for _ in range(4):
        _step(model, opt, x, y)
        hist.record()
    np.testing.assert_allclose(hist.update_norms, 0.3 * hist.grad_norms, rtol=1e-10)


def test_update_ratios_match_torch_training_the_same_network_with_momentum():
    torch = pytest.importorskip("torch")
    model = nn.MLP(2, [6, 6], 1, activation="tanh", rng=2)
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 6), torch.nn.Tanh(), torch.nn.Linear(6, 6),
                                 torch.nn.Tanh(), torch.nn.Linear(6, 1)).double()
    theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy())
                            for k, v in model.named_parameters()})
    opt = nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-2)
    topt = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-2)
    hist = viz.GradientHistory(model)
    x, y = _moons_batch(seed=2)
    ratios, grads = [], []
    for _ in range(4):
        _step(model, opt, x, y)
        hist.record()
        before = [p.detach().clone() for p in theirs.parameters()]
        loss = torch.nn.functional.binary_cross_entropy_with_logits(
            theirs(torch.from_numpy(x)).reshape(-1), torch.from_numpy(y))
        topt.zero_grad()
        loss.backward()
        topt.step()
        ratios.append([float((p.detach() - b).norm() / p.detach().norm())
                       for p, b in zip(theirs.parameters(), before)])
        grads.append([float(p.grad.norm()) for p in theirs.parameters()])
    np.testing.assert_allclose(hist.grad_norms, grads, rtol=1e-9)
    np.testing.assert_allclose(hist.update_ratios, ratios, rtol=1e-9)


def test_scalar_mlp_values_pool_into_one_row_per_neuron():
    model = nn.scalar.MLP(2, [3, 2, 1], rng=0)
    hist = viz.GradientHistory(model)
    assert hist.names == [f"layers.0.neurons.{i}" for i in range(3)] + [
        "layers.1.neurons.0", "layers.1.neurons.1", "layers.2.neurons.0"]
    assert hist.counts == [3, 3, 3, 4, 4, 3]  # nin weights and a bias
    before = {n: p.data for n, p in model.named_parameters()}
    out = (model([0.5, -1.5]) - 2.0) ** 2
    model.zero_grad()
    out.backward()
    for p in model.parameters():
        p.data -= 0.1 * p.grad
    hist.record()
    params = dict(model.named_parameters())
    for row, name in enumerate(hist.names):
        members = [p for n, p in params.items() if n.startswith(name + ".")]
        assert len(members) == hist.counts[row]
        assert hist.grad_norms[0, row] == pytest.approx(math.hypot(*[p.grad for p in members]))
        assert hist.data_norms[0, row] == pytest.approx(math.hypot(*[p.data for p in members]))
        update = math.hypot(*[p.data - before[n] for n, p in params.items()
                              if n.startswith(name + ".")])
        assert hist.update_norms[0, row] == pytest.approx(update)
        assert update == pytest.approx(0.1 * hist.grad_norms[0, row])
    labels, pooled = hist.pooled("grad", max_rows=3)
    assert labels == ["layers.0 (9)", "layers.1 (8)", "layers.2 (3)"]
    assert pooled[0, 0] == pytest.approx(math.hypot(*[p.grad for n, p in params.items()
                                                      if n.startswith("layers.0.")]))


@settings(max_examples=30, deadline=None)
@given(modules=st.lists(st.sampled_from(["a", "a.b", "c.0", "c.1"]), min_size=1, max_size=8),
       seed=st.integers(0, 2**16))
def test_value_rows_are_the_norms_of_their_module_s_values(modules, seed):
    rng = np.random.default_rng(seed)
    values = [Value(float(x)) for x in rng.standard_normal(len(modules))]
    pairs = [(f"{m}.w.{i}", v) for i, (m, v) in enumerate(zip(modules, values))]
    hist = viz.GradientHistory(pairs)
    assert hist.names == list(dict.fromkeys(modules))  # first appearance order
    before = [v.data for v in values]
    for v in values:
        v.grad = float(rng.standard_normal())
        v.data += float(rng.standard_normal()) * 0.1
    hist.record()
    for row, name in enumerate(hist.names):
        members = [i for i, m in enumerate(modules) if m == name]
        assert hist.counts[row] == len(members)
        assert hist.grad_norms[0, row] == pytest.approx(
            np.linalg.norm([values[i].grad for i in members]), rel=1e-12)
        assert hist.update_norms[0, row] == pytest.approx(
            np.linalg.norm([values[i].data - before[i] for i in members]), rel=1e-12, abs=1e-300)
    # pooling everything into one row is the norm of all the Values together
    labels, pooled = hist.pooled("data", max_rows=1)
    if len(hist.names) > 1:
        assert len(labels) <= 2  # "a" and "c" at depth 1: as coarse as module names go
    assert np.linalg.norm(pooled[0]) == pytest.approx(np.linalg.norm([v.data for v in values]))


def test_any_module_float32_convolutions_and_a_tiny_gpt():
    from nn.gpt import GPT, GPTConfig

    model = GPT(GPTConfig(n_vocab=7, n_ctx=6, d_embed=8, n_heads=2, n_layers=2), rng=0)
    hist = viz.GradientHistory(model)
    assert len(hist.names) == len(list(model.parameters()))
    opt = nn.optim.AdamW(model.parameters(), lr=1e-2)
    ids = np.random.default_rng(0).integers(0, 7, (2, 6))
    for _ in range(2):
        loss = model.loss(ids[:, :-1], ids[:, 1:])
        opt.zero_grad()
        loss.backward()
        opt.step()
        hist.record()
    assert np.isfinite(hist.grad_norms).all() and (hist.update_norms > 0).all()
    assert hist.grad_norms.dtype == np.float64  # float32 parameters, float64 norms
    conv = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(8, 1))
    h2 = viz.GradientHistory(conv)
    y = conv(ag.tensor(np.ones((1, 1, 4, 4)))).sum()
    y.backward()
    h2.record()
    assert h2.grad_norms[0, 0] == pytest.approx(np.linalg.norm(conv[0].weight.grad))


def test_missing_nonfinite_and_zero_gradients_and_frozen_parameters():
    a = Tensor(np.ones(3), requires_grad=True)
    b = Tensor(np.zeros(2), requires_grad=True)
    c = Tensor(np.ones(2), requires_grad=True)
    d = Tensor(np.zeros(2), requires_grad=True)  # zero and never moved: 0/0 reads 0
    hist = viz.GradientHistory({"a": a, "b": b, "c": c, "d": d})
    a.grad = np.array([np.nan, 1.0, 1.0])
    c.grad = np.zeros(2)
    b.data[...] = 1.0  # data from zero: an update of sqrt(2) on data of norm sqrt(2)
    hist.record()
    assert hist.grad_norms[0, 0] == math.inf          # NaN in the gradient
    assert math.isnan(hist.grad_norms[0, 1])          # no gradient at all
    assert hist.grad_norms[0, 2] == 0.0
    assert hist.update_ratios[0].tolist() == [0.0, 1.0, 0.0, 0.0]  # a, c, d did not move
    b.data[...] = 0.0  # back to zero: an update onto data of norm 0
    hist.record()
    assert hist.update_ratios[1, 1] == math.inf
    # a pooled row without any gradient is NaN, a row with some ignores the missing ones
    assert math.isnan(hist.pooled("grad")[1][0, 1])
    w = [Value(1.0), Value(2.0), Value(3.0)]
    values = viz.GradientHistory({"n.w.0": w[0], "n.w.1": w[1], "m.b": w[2]})
    w[0].grad, w[1].grad, w[2].grad = None, 4.0, None  # Values whose grad was set to None
    values.record()
    assert values.names == ["n", "m"] and values.grad_norms[0, 0] == 4.0
    assert math.isnan(values.grad_norms[0, 1])
    w[1].grad = math.nan
    values.record()
    assert values.grad_norms[1, 0] == math.inf


def test_recorded_numbers_are_floats_not_references_to_the_arrays():
    p = Tensor(np.ones(4), requires_grad=True)
    p.grad = np.full(4, 2.0)
    hist = viz.GradientHistory([("p", p)])
    hist.record()
    p.grad[...] = 0.0
    p.data[...] = 5.0
    assert hist.grad_norms[0, 0] == 4.0 and hist.data_norms[0, 0] == 2.0
    hist.record()
    assert hist.update_norms[1, 0] == 8.0  # against the snapshot of the first record
    assert all(a.nbytes == 8 for a in hist._grad)  # one float per row per record


def test_steps_can_be_given_and_must_increase():
    p = Tensor(np.ones(2), requires_grad=True)
    p.grad = np.ones(2)
    hist = viz.GradientHistory({"p": p})
    hist.record(step=10)
    hist.record()
    hist.record(step=np.int64(20))
    assert hist.steps.tolist() == [10, 11, 20]
    with pytest.raises(ValueError, match=r"record: step 20 is not after the last recorded step 20"):
        hist.record(step=20)
    with pytest.raises(TypeError, match="step must be an int, got bool"):
        hist.record(step=True)
    assert len(hist) == 3  # the refused records changed nothing


def test_recording_without_gradients_warns_and_a_failed_record_changes_nothing():
    p = Tensor(np.ones(2), requires_grad=True)
    hist = viz.GradientHistory({"p": p})
    with pytest.warns(UserWarning, match="no Tensor parameter has a gradient.*before zero_grad"):
        hist.record()
    p.data[...] = 3.0
    p._grad = "not a gradient"  # past the .grad setter, which refuses it
    with pytest.raises(TypeError, match=r"record: the gradient of 'p' is str 'not a gradient'"):
        hist.record()
    assert len(hist) == 1
    p.grad = np.zeros(2)
    hist.record()
    # the update is still measured against the first record's snapshot
    assert hist.update_norms[1, 0] == pytest.approx(2 * math.sqrt(2))


def test_bad_input_is_refused_with_clear_messages():
    with pytest.raises(ValueError, match="GradientHistory: no parameters"):
        viz.GradientHistory({})
    with pytest.raises(TypeError, match=r"GradientHistory: parameter 'w' is a ndarray; expected"):
        viz.GradientHistory({"w": np.ones(3)})
    with pytest.raises(TypeError, match="GradientHistory: expected a module"):
        viz.GradientHistory(3)
    p = Tensor(np.ones(2), requires_grad=True)
    p.grad = np.ones(2)
    hist = viz.GradientHistory({"p": p})
    with pytest.raises(ValueError, match="plot: nothing recorded yet"):
        hist.plot()
    hist.record()
    with pytest.raises(ValueError, match=r"quantity must be one of .*got 'norm'"):
        hist.pooled("norm")
    assert repr(hist) == "GradientHistory(1 rows, 1 steps recorded)"


# ---------------------------------------------------------------- drawings


def _trained_history(steps=4):
    model = nn.MLP(2, [4, 4], 1, rng=3)
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    hist = viz.GradientHistory(model)
    x, y = _moons_batch(seed=3)
    for _ in range(steps):
        _step(model, opt, x, y)
        hist.record()
    return hist


def test_plot_draws_heatmaps_of_log_norms_and_lines_and_saves(tmp_path):
    hist = _trained_history()
    fig = hist.plot(tmp_path / "history.png")
    assert (tmp_path / "history.png").read_bytes()[:8] == PNG_SIGNATURE
    heat, ratio, lines, ratio_lines = fig.axes[:4]
    mesh = heat.collections[0]
    np.testing.assert_allclose(np.asarray(mesh.get_array()).reshape(6, 4),
                               np.log10(hist.grad_norms.T), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(ratio.collections[0].get_array()).reshape(6, 4),
                               np.log10(hist.update_ratios.T), rtol=1e-12)
    assert [t.get_text() for t in heat.get_yticklabels()] == hist.names
    assert heat.get_ylim()[0] > heat.get_ylim()[1]  # the first parameter on top
    assert len(lines.lines) == 6 and lines.get_yscale() == "log"
    np.testing.assert_allclose(lines.lines[2].get_ydata(), hist.grad_norms[:, 2])
    assert any(line.get_ydata()[0] == 1e-3 for line in ratio_lines.lines)  # the guide


def test_heatmap_with_a_shared_scale_clips_and_marks_zero_and_nonfinite():
    from matplotlib.figure import Figure

    p = Tensor(np.ones(4), requires_grad=True)
    hist = viz.GradientHistory({"p": p})
    for g in (1e-9, 1.0, 0.0, math.inf):
        p.grad = np.full(4, g / 2)
        hist.record()
    ax = Figure().add_subplot()
    mesh = hist.heatmap(ax, vmin=-3, vmax=1)
    shown = np.asarray(mesh.get_array()).ravel()
    # 1e-9 is below the scale: drawn at its bottom colour, not as a zero
    assert shown[0] == -3 and shown[1] == 0
    assert shown[2] < -3 and shown[3] > 1  # the under (black) and over (red) colours
    rgba = mesh.cmap(mesh.norm(shown))
    assert tuple(rgba[2][:3]) == (0, 0, 0) and tuple(rgba[3][:3]) == pytest.approx((0.816, 0, 0),
                                                                                    abs=1e-3)


def test_pooled_rows_in_the_plot_for_many_scalar_parameters():
    model = nn.scalar.MLP(2, [8, 8, 1], rng=0)
    hist = viz.GradientHistory(model)
    loss = model([1.0, 2.0]) ** 2
    loss.backward()
    hist.record()
    fig = hist.plot(max_rows=5)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["layers.0 (24)", "layers.1 (72)", "layers.2 (9)"]


# ---------------------------------------------------------------- Jupyter


def test_gradient_flow_returns_a_figure_that_displays_inline(tmp_path):
    from matplotlib.figure import Figure

    v = Value(2.0)
    (v * 3.0).backward()
    fig = viz.gradient_flow({"v": v}, tmp_path / "flow.png")
    assert isinstance(fig, Figure) and fig.figure is fig  # the old return, still a Figure
    png = fig._repr_png_()  # what Jupyter calls: no %matplotlib inline needed
    assert png[:8] == PNG_SIGNATURE
    assert _png_size(png) == (600, 450)  # the figure's 6 x 4.5 inches at 100 dpi
    assert (tmp_path / "flow.png").read_bytes()[:8] == PNG_SIGNATURE
    assert fig.axes[0].containers[0][0].get_height() == pytest.approx(3.0)
    again = pickle.loads(pickle.dumps(fig))  # an ordinary, picklable matplotlib figure
    assert type(again) is type(fig) and again._repr_png_()[:8] == PNG_SIGNATURE


def test_history_plot_and_the_history_itself_display_inline():
    p = Tensor(np.ones(3), requires_grad=True)
    hist = viz.GradientHistory({"p": p})
    assert hist._repr_png_() is None  # nothing recorded: the notebook shows the text repr
    p.grad = np.ones(3)
    hist.record()
    fig = hist.plot(figsize=(4, 3))
    png = fig._repr_png_()
    assert png[:8] == PNG_SIGNATURE and _png_size(png) == (400, 300)
    buf = io.BytesIO()
    fig.savefig(buf, format="svg")  # every Figure method is there
    assert b"<svg" in buf.getvalue()
    assert hist._repr_png_()[:8] == PNG_SIGNATURE  # the history as a cell's last line


# ---------------------------------------------------------------- the example


def test_vanishing_gradients_example_shows_sigmoid_vanishing(tmp_path, capsys):
    from examples import vanishing_gradients

    png = tmp_path / "vanishing.png"
    numbers = vanishing_gradients.main(["--steps", "3", "--png", str(png)])
    assert png.read_bytes()[:8] == PNG_SIGNATURE
    # the same weights: sigmoid's first layer gets a gradient thousands of times smaller
    assert numbers["relu_over_sigmoid"] > 1e3 and numbers["tanh_over_sigmoid"] > 1e3
    assert 0.1 < numbers["relu_over_tanh"] < 10
    # and within the sigmoid network the gradient shrinks towards the input
    assert numbers["last_layer_sigmoid"] / numbers["first_layer_sigmoid"] > 1e3
    assert numbers["last_layer_relu"] / numbers["first_layer_relu"] < 10
    out = capsys.readouterr().out
    assert "relu / sigmoid: " in out and "wrote" in out
