"""The character-level RNN example: a short run learns (loss well below the uniform
guess) and samples text of the rhyme's characters, both cells; it runs as a file and as a
module from the repository root, writing nothing there; bad arguments are refused. The
default run is marked slow."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "char_rnn.py"


@pytest.fixture(scope="module")
def example():
    spec = importlib.util.spec_from_file_location("char_rnn", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_a_short_run_learns_and_samples(example, cell, capsys):
    report = example.main(["--cell", cell, "--steps", "60", "--hidden", "32",
                           "--sample-length", "40", "--prompt", "Up"])
    assert report["first_loss"] == pytest.approx(report["uniform_loss"], abs=0.2)  # untrained
    assert report["final_loss"] < 0.75 * report["uniform_loss"], report
    text = report["sample"]
    assert text.startswith("Up") and len(text) == 42 and set(text) <= set(example.TEXT)
    out = capsys.readouterr().out
    assert "step   60" in out and "sample (temperature 0.5)" in out


def test_greedy_sampling_is_deterministic(example):
    a = example.main(["--steps", "5", "--hidden", "8", "--temperature", "0", "--sample-length", "20"])
    b = example.main(["--steps", "5", "--hidden", "8", "--temperature", "0", "--sample-length", "20"])
    assert a["sample"] == b["sample"] and a["final_loss"] == b["final_loss"]


def _files():
    skip = {".git", ".venv", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache",
            ".hypothesis"}
    found = set()
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in skip and not d.endswith(".egg-info")]
        found.update(os.path.join(dirpath, f) for f in filenames)
    return found


@pytest.mark.parametrize("command", [[str(EXAMPLE)], ["-m", "examples.char_rnn"]],
                         ids=["file", "module"])
def test_runs_from_the_repository_root_as_file_and_module_writing_nothing(command):
    before = _files()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the checkout's own code
    done = subprocess.run([sys.executable, *command, "--steps", "3", "--sample-length", "5"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "step    3" in done.stdout and "sample" in done.stdout
    assert _files() == before


@pytest.mark.parametrize("flag", [["--steps", "0"], ["--lr", "nan"], ["--temperature", "-1"],
                                  ["--window", "10000"], ["--prompt", "@"], ["--cell", "rnn"]])
def test_bad_arguments_are_refused(example, flag, capsys):
    with pytest.raises(SystemExit) as e:
        example.main(flag)
    assert e.value.code == 2 and flag[0] in capsys.readouterr().err


@pytest.mark.slow
def test_the_default_run_nearly_learns_the_rhyme(example):
    report = example.main([])
    assert report["final_loss"] < 0.4, report  # ~0.15 at the default seed
    assert report["sample"].startswith("Twinkle, twinkle, little star")
