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


# ---------------------------------------------------------------- 1. weights are knobs

def test_weights_are_knobs_gradient_is_the_slope(tmp_path):
    n = _run("weights_are_knobs", tmp_path)
    assert n["largest_gap"] < 1e-6
    # a weight's gradient is its input times the bias's: it enters only through w1*x1
    from examples.lessons.weights_are_knobs import X

    assert n["grad_w1"] == pytest.approx(X[0] * n["grad_b"], rel=1e-12)
    assert n["grad_b"] == pytest.approx(1 - n["output"] ** 2, rel=1e-12)


# ---------------------------------------------------------------- 2. why activations

def test_why_activations_linear_stack_is_one_linear_and_nonlinear_ones_bend(tmp_path):
    n = _run("why_activations", tmp_path)
    # without an activation: one Linear, and the logistic regression's line and accuracy
    assert n["composed_vs_single_linear"] < 1e-12
    assert n["composed_vs_logistic_regression"] < 0.02
    assert abs(n["accuracy_no_activation"] - n["accuracy_logistic_regression"]) <= 0.01
    assert n["accuracy_no_activation"] < 0.92
    for act in ("relu", "tanh", "sigmoid"):
        assert n[f"accuracy_{act}"] >= 0.97, act


# ---------------------------------------------------------------- 3. gradient descent

def test_gradient_descent_too_small_right_and_diverging(tmp_path):
    n = _run("gradient_descent", tmp_path)
    low = n["lowest_loss"]
    assert n["final_loss_too_small"] - low > 1.0                 # still far from the bottom
    assert n["final_loss_about_right"] - low < 1e-8              # at the bottom
    assert n["lr_about_right"] < n["critical_lr"] < n["lr_too_large"]
    assert n["final_loss_too_large"] > 5 * n["start_loss_too_large"]  # diverging


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


# ---------------------------------------------------------------- 8. width

def test_width_success_rate_rises_with_width(tmp_path):
    n = _run("width", tmp_path)
    rates = n["success_rates"]
    assert all(a <= b for a, b in zip(rates, rates[1:])), rates
    assert rates[0] == 0 and rates[-1] == 1
    # the smallest width that can fit the task (4) mostly fails: the search, not capacity
    assert 0 < rates[n["widths"].index(4)] < 0.5


# ---------------------------------------------------------------- 9. softmax

def test_softmax_temperature_sharpens_and_flattens(tmp_path):
    n = _run("softmax", tmp_path)
    e, top = n["entropy_bits"], n["top_probability"]  # at T = 0.5, 1, 2
    assert e[0] < e[1] < e[2] and top[0] > top[1] > top[2]
    assert n["top_character"] == "e" and 0.5 < top[1] < 0.6
    # the trained scores' softmax at T = 1 is the text's frequencies
    assert n["gap_to_frequencies"] < 1e-3 and n["loss"] - n["best_bigram_loss"] < 1e-3
    low, _, high = (len(set(s)) for s in n["samples"])
    assert low < high


# ---------------------------------------------------------------- 10. GPT-3's weights

def test_gpt3_weights_add_up(tmp_path):
    n = _run("gpt3_weights", tmp_path)
    assert n["total"] == 175_181_291_520 and n["matrices"] == 27_938 and n["kinds"] == 8
    assert n["embedding"] == 617_558_016 == 12_288 * 50_257
    assert n["total_with_misprint"] != 175_181_291_520
    assert n["storage_bytes"] == 2 * 175_181_291_520 and n["rule_70b_bytes"] == 140 * 10**9
