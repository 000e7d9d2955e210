"""The ideas behind the engine, run: one short script per idea, each printing the numbers
that make its point and drawing one picture.

    python -m examples.lessons                 # all of them, in order, and out/lessons/index.html
    python -m examples.lessons.linear_regression   # one

Each lesson module has ``TITLE``, ``EXPLANATION`` (one paragraph, for the index page) and
``run(out: Path) -> dict`` which prints its numbers, writes ``out/<module name>.png`` and
returns the key numbers (the tests assert on them, so no lesson can silently rot).
"""

ORDER = (
    "weights_are_knobs",      # 1. a neuron's output as each knob turns; backward() is the slope
    "why_activations",        # 2. without an activation a deep stack is one linear map
    "gradient_descent",       # 3. a loss surface and the descent path for three learning rates
    "linear_regression",      # 4. the simplest model, equal to least squares
    "backprop_by_hand",       # 5. the chain rule node by node, backward(), finite differences
    "extrapolation",          # 6. inside the training range vs outside it
    "overfitting",            # 7. held-out loss turns up; weight decay and early stopping
    "width",                  # 8. more weights make the search succeed more often
    "softmax",                # 9. from scores to the next token, at three temperatures
    "gpt3_weights",           # 10. where GPT-3's 175,181,291,520 weights are
)
