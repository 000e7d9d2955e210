"""The programs and how each is compared: its dtype, its tolerance and why."""

from __future__ import annotations

from dataclasses import dataclass

# float64: torch's default dtype set to float64 in both runs (the runner does it), for a
# program whose floats all come from torch's defaults. Round-off (1e-16 an op) grows through
# the training steps and differs between two implementations summing in different orders:
# measured at most 5e-15 in the programs that run (hundreds of steps), so the project's
# 1e-10 for float64 comparisons with torch holds with room to spare.
F64_RTOL = 1e-10
F64_WHY = "float64 in both runs; round-off compounded over the training steps (measured <= 5e-15)"
# float32: a program that asks for float32 itself (dtype=torch.float, .float(), data made as
# ToTensor makes it) runs in torch's own default. float32's epsilon is 1.2e-7; sums over
# hundreds of terms and tens of steps of SGD carry differences of 1e-5 relative and more
# (polynomial_autograd, float32 on both sides: 8.4e-7 after 500 steps); where this package
# computes in float64 what torch computes in float32 (its default dtype is float64), the
# difference is torch's float32 round-off itself.
F32_RTOL = 1e-3
F32_WHY = "float32, as the program asks; float32 round-off compounded over the training steps"


@dataclass(frozen=True)
class Program:
    """One program: its file name under tests/torch_programs, the default dtype of both runs,
    the relative (and absolute) tolerance of its printed numbers with the reason, and whether
    it is slow (more than a few seconds for the pair of runs)."""

    name: str
    dtype: str
    rtol: float
    why: str
    atol: float = 0.0
    slow: bool = False


PROGRAMS = [
    Program("polynomial_autograd", "float32", F32_RTOL, F32_WHY),
    Program("polynomial_nn", "float64", F64_RTOL, F64_WHY),
    # chaotic by the tutorial's own settings: from the harness's initial weights (torch seeded
    # with 0) RMSprop's step on the x^3 coefficient overshoots and its gradient flips sign each
    # step, which multiplies a round-off difference by ~10 every 10 steps (1e-14 at step 130,
    # 1e-9 at step 160; a difference of 1.9e-3 in the printed losses at the end, measured)
    Program("polynomial_optim", "float64", 1e-2,
            "float64; RMSprop's oscillation on the x^3 coefficient amplifies round-off (measured "
            "1.9e-3)", slow=True),
    Program("polynomial_module", "float64", F64_RTOL, F64_WHY),
    # a and c end near 1e-11: the sum of gradients that cancel by symmetry, float32 noise
    Program("polynomial_custom_function", "float32", F32_RTOL,
            F32_WHY + "; a and c are round-off around 0", atol=1e-6),
    Program("autograd_tutorial", "float64", F64_RTOL, F64_WHY, slow=True),
    Program("quickstart", "float32", F32_RTOL, F32_WHY, slow=True),
    Program("nn_tutorial", "float32", F32_RTOL, F32_WHY, slow=True),
    Program("mnist", "float32", F32_RTOL, F32_WHY, slow=True),
    Program("cifar10_tutorial", "float32", F32_RTOL, F32_WHY, slow=True),
    Program("char_rnn_classification", "float64", F64_RTOL, F64_WHY, slow=True),
    Program("word_language_model", "float64", F64_RTOL, F64_WHY, slow=True),
    Program("makemore_bigram", "float32", F32_RTOL, F32_WHY, slow=True),
    Program("makemore_mlp", "float64", F64_RTOL, F64_WHY, slow=True),
    Program("d2l_linear_regression", "float64", F64_RTOL, F64_WHY, slow=True),
    Program("d2l_softmax_regression", "float64", F64_RTOL, F64_WHY, slow=True),
    Program("gpt_tiny", "float64", F64_RTOL, F64_WHY, slow=True),
    Program("regression_scheduler", "float64", F64_RTOL, F64_WHY, slow=True),
]
BY_NAME = {p.name: p for p in PROGRAMS}
