"""Each lesson's key number, asserted, so that no lesson can silently rot; and the runner's
index page. Each lesson runs in seconds with its defaults."""

import importlib

import pytest

pytest.importorskip("matplotlib")  # the examples extra


def _run(name, tmp_path):
    mod = importlib.import_module(f"examples.lessons.{name}")
    numbers = mod.run(tmp_path)
    assert (tmp_path / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert mod.TITLE and len(mod.EXPLANATION) > 80
    return numbers


def test_runner_writes_an_index_with_every_picture(tmp_path, monkeypatch):
    import examples.lessons as lessons
    from examples.lessons import __main__ as runner

    monkeypatch.setattr(runner, "ORDER", ("linear_regression",))
    index = runner.main(["--out", str(tmp_path)])
    text = index.read_text()
    assert '<img src="linear_regression.png"' in text and "least-squares" in text
    assert len(lessons.ORDER) == 10


# ---------------------------------------------------------------- 4. linear regression

def test_linear_regression_matches_least_squares(tmp_path):
    n = _run("linear_regression", tmp_path)
    assert n["gap_one_feature"] < 1e-6 and n["gap_three_features"] < 1e-6


# ---------------------------------------------------------------- 5. backprop by hand

def test_backprop_by_hand_agrees_with_backward_and_finite_differences(tmp_path):
    from examples.lessons.backprop_by_hand import expression

    n = _run("backprop_by_hand", tmp_path)
    assert n["gap_backward"] < 1e-12 and n["gap_finite_differences"] < 1e-8
    # the table runs node by node from L back to the inputs: the forward order reversed
    assert n["order"].split() == list(reversed(list(expression(0.6, 1.5, -0.2))))


# ---------------------------------------------------------------- 6. extrapolation

def test_extrapolation_error_is_many_times_the_interpolation_error(tmp_path):
    n = _run("extrapolation", tmp_path)
    assert n["rmse_inside"] < 0.02
    assert n["ratio_2x"] > 20 and n["ratio_3x"] > 20


# ---------------------------------------------------------------- 7. overfitting

def test_overfitting_held_out_turns_up_and_both_remedies_stop_it(tmp_path):
    n = _run("overfitting", tmp_path)
    # no remedy: training loss keeps falling after the held-out low, held-out turns up
    assert n["held_out_end"] > 2 * n["held_out_lowest"]
    assert n["train_end"] < n["train_at_lowest"] / 10
    # weight decay: held-out stays at its low; early stopping stops soon after the low
    assert n["decay_held_out_end"] < 1.1 * n["decay_held_out_lowest"] < n["held_out_end"]
    assert n["early_stop_step"] is not None and n["early_stop_step"] < 500
    # and both are far closer to the true curve than the overfitted model
    for remedy in ("weight_decay", "early_stopping"):
        assert n[f"truth_gap_{remedy}"] < n["truth_gap_no_remedy"] / 3
