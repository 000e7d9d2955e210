"""The boundary between the engine and what is built on it: ``nn`` and ``viz`` import from
``autograd`` only its public API (``autograd``), ``autograd.extend`` and
``autograd.testing``, so that the engine's modules can move without breaking them (only
``autograd/extend.py`` knows where things live); and the engine imports neither of them.
Every import is read from the source with ``ast``, those inside functions included."""

import ast
import importlib
import types
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {"autograd", "autograd.extend", "autograd.testing"}  # what nn and viz may import


def _reaches_inside(module: str, name: str) -> bool:
    """Whether ``from module import name`` reaches past the engine's public API: a private
    name, or a submodule (``from autograd import graph``)."""
    if name.startswith("_") and not name.startswith("__"):  # __version__ is public
        return True
    return isinstance(getattr(importlib.import_module(module), name, None), types.ModuleType)


def imported(path: Path) -> Iterator[tuple[int, str]]:
    """Yield ``(line, module)`` for every import in ``path``, those inside functions too:
    the module of ``import m`` and ``from m import x``, and for the engine also ``m.x``
    where ``x`` is private or a submodule. Relative imports (the package's own) are
    skipped."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            yield node.lineno, node.module
            if _top(node.module) == "autograd":
                for alias in node.names:
                    if _reaches_inside(node.module, alias.name):
                        yield node.lineno, f"{node.module}.{alias.name}"


def _top(module: str) -> str:
    return module.split(".")[0]


def offences(package: str, bad: Callable[[str], bool]) -> list[str]:
    """Return ``file:line: imports module`` for every import in ``package`` that ``bad``
    refuses."""
    return [f"{path.relative_to(ROOT)}:{line}: imports {module}"
            for path in sorted((ROOT / package).rglob("*.py"))
            for line, module in imported(path) if bad(module)]


@pytest.mark.parametrize("package", ["nn", "viz"])
def test_nn_and_viz_use_only_the_public_engine(package):
    found = offences(package, lambda m: _top(m) == "autograd" and m not in ALLOWED)
    assert not found, ("import only autograd, autograd.extend or autograd.testing from the "
                       "engine (give what is missing a public name in autograd/extend.py):\n"
                       + "\n".join(found))


def test_the_engine_imports_neither_nn_nor_viz():
    found = offences("autograd", lambda m: _top(m) in ("nn", "viz"))
    assert not found, "the engine must not depend on what is built on it:\n" + "\n".join(found)


def test_the_check_sees_every_form_of_import(tmp_path):
    src = tmp_path / "mod.py"
    src.write_text("import autograd.graph\nfrom autograd.tensor import _result\n"
                   "def f():\n    from autograd import _atomic, graph, Tensor, __version__\n"
                   "    import autograd.extend as e\nfrom . import sibling\n")
    found = sorted(imported(src))
    assert found == [(1, "autograd.graph"), (2, "autograd.tensor"), (2, "autograd.tensor._result"),
                     (4, "autograd"), (4, "autograd._atomic"), (4, "autograd.graph"),
                     (5, "autograd.extend")]
    assert [m for _, m in found if m not in ALLOWED] == [
        "autograd.graph", "autograd.tensor", "autograd.tensor._result", "autograd._atomic",
        "autograd.graph"]
