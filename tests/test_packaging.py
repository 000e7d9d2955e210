"""The distribution: the engine and nn need numpy alone, the rest comes by extra, and an
import that needs a missing extra says which one to install."""

import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path

import pytest

import autograd
import nn
import viz

ROOT = Path(__file__).resolve().parent.parent
EXTRAS = ("matplotlib", "graphviz", "tqdm", "hypothesis", "sklearn")


def _run_without_extras(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter where importing any extra's package fails, as
    in an environment where only ``pip install knobgrad`` ran."""
    guard = textwrap.dedent(f"""
        import sys
        class Missing:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in {EXTRAS!r}:
                    raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        sys.meta_path.insert(0, Missing())
    """)
    return subprocess.run([sys.executable, "-c", guard + textwrap.dedent(code)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_autograd_and_nn_import_with_numpy_alone():
    proc = _run_without_extras(f"""
        import pkgutil, sys
        import autograd, nn
        for pkg in (autograd, nn):
            for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
                if m.name != "autograd.testing":  # the testing extra's module
                    __import__(m.name)
        loaded = sorted(n for n in sys.modules if n.split(".")[0] in {EXTRAS!r})
        assert not loaded, loaded
        print("ok")
    """)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


@pytest.mark.parametrize("module, extra", [("viz", "viz"), ("autograd.testing", "testing")])
def test_a_missing_extra_is_named(module, extra):
    proc = _run_without_extras(f"import {module}")
    assert proc.returncode != 0
    assert "ImportError" in proc.stderr and f"pip install 'knobgrad[{extra}]'" in proc.stderr


def test_viz_loads_matplotlib_only_when_it_plots():
    proc = subprocess.run([sys.executable, "-c", "import sys, viz; print('matplotlib' in sys.modules)"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip() == "False", proc.stderr


def test_one_version_for_the_three_packages():
    assert autograd.__version__ == nn.__version__ == viz.__version__
    assert all(part.isdigit() for part in autograd.__version__.split("."))


def test_installed_metadata_requires_numpy_only():
    try:
        dist = metadata.distribution("knobgrad")
    except metadata.PackageNotFoundError:
        pytest.skip("knobgrad is not installed (pip install -e '.[dev]')")
    assert dist.version == autograd.__version__
    required = [r for r in dist.requires or [] if "extra ==" not in r]
    assert [r.split(">")[0].split("=")[0].strip() for r in required] == ["numpy"]
    extras = set(dist.metadata.get_all("Provides-Extra") or [])
    assert {"viz", "testing", "examples", "dev"} <= extras
