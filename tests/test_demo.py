"""The project's main job, run as the README runs it: both models on two moons from the
default seed reach the issue's accuracy, and the plots are written."""

import importlib.util
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parent.parent / "examples" / "train.py"


@pytest.fixture(scope="module")
def demo():
    spec = importlib.util.spec_from_file_location("train_demo", DEMO)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_default_run_reaches_97_percent_and_writes_plots(demo, tmp_path):
    report = demo.main(["--out", str(tmp_path)])
    assert set(report) == {"scalar", "tensor"}
    for name, (train, held_out) in report.items():
        assert train >= 0.97 and held_out >= 0.97, (name, train, held_out)
    for name in ("loss.png", "decision_boundary.png", "gradient_flow.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    neuron = ET.parse(tmp_path / "neuron.svg").getroot().itertext()
    assert {"w1", "w2", "b", "o"} <= {t.strip() for t in neuron}
    step = " ".join(ET.parse(tmp_path / "mlp_step.svg").getroot().itertext())
    assert "hidden" in step and "weight" in step  # collapsed, one box per layer


def test_moons_are_two_balanced_classes(demo):
    import numpy as np

    X, y = demo.make_moons(200, 0.1, np.random.default_rng(0))
    assert X.shape == (200, 2) and set(np.unique(y)) == {-1.0, 1.0}
    assert (y > 0).sum() == 100


def test_help_lists_the_options(demo, capsys):
    with pytest.raises(SystemExit):
        demo.main(["--help"])
    out = capsys.readouterr().out
    for option in ("--dataset", "--model", "--steps", "--lr", "--seed", "--out"):
        assert option in out


@pytest.mark.parametrize("flag", [["--lr", "0"], ["--lr", "nan"], ["--steps", "0"],
                                  ["--samples", "1"]])
def test_bad_arguments_are_refused_not_replaced_by_defaults(demo, flag, capsys):
    with pytest.raises(SystemExit) as e:
        demo.main(flag)
    assert e.value.code == 2 and flag[0] in capsys.readouterr().err


def test_help_states_each_default_once(demo, capsys):
    with pytest.raises(SystemExit):
        demo.main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "(default: None)" not in text and "(default: 100 for scalar, 500 for tensor)" in text
