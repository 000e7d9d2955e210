"""Build the API reference into ``docs/api/`` with pdoc, from the docstrings, and fail when
it is incomplete: any warning pdoc gives (an annotation or reference it cannot resolve, a
module that does not import) and any public callable without a docstring is an error.

    python docs/build.py          # writes docs/api/index.html; exit status 1 on a problem
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn", "viz")
# namespaces whose members are the op table's kernels, one per registered op under the op's
# name: each is documented by its op (``autograd.OPS``), not one by one
KERNELS = {"autograd.backends.FloatOps", "autograd.backends.NumpyOps"}
# pdoc renders the submodules a package's ``__all__`` names; these are rendered beside them
# (the boundary that layers and drawings import from: see tests/test_layering.py)
ALSO_RENDERED = ("autograd.extend",)


def modules() -> list[str]:
    """Every public module of the three packages (no ``_private`` ones)."""
    names = []
    for pkg in PACKAGES:
        mod = importlib.import_module(pkg)
        names.append(pkg)
        names += [m.name for m in pkgutil.walk_packages(mod.__path__, pkg + ".")
                  if not any(part.startswith("_") for part in m.name.split("."))]
    return names


def undocumented() -> list[str]:
    """Public functions, classes, methods and properties defined in the packages that have
    no docstring (inherited ones count: an override documented by its base is documented)."""
    missing = set()
    for name in modules():
        mod = importlib.import_module(name)
        for attr, obj in vars(mod).items():
            if attr.startswith("_") or getattr(obj, "__module__", None) != name:
                continue  # private, or imported from elsewhere: checked where it is defined
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if not inspect.getdoc(obj):
                missing.add(f"{name}.{attr}")
            if inspect.isclass(obj) and f"{name}.{attr}" not in KERNELS:
                for member, value in vars(obj).items():
                    if member.startswith("_") or not (callable(value) or isinstance(
                            value, (property, staticmethod, classmethod))):
                        continue
                    if not inspect.getdoc(getattr(obj, member)):
                        missing.add(f"{name}.{attr}.{member}")
    return sorted(missing)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    import pdoc

    problems = [f"no docstring: {m}" for m in undocumented()]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdoc.render.configure(docformat="markdown", footer_text="knobgrad API reference")
        pdoc.pdoc(*PACKAGES, *ALSO_RENDERED, output_directory=ROOT / "docs" / "api")
    problems += [f"pdoc: {w.message}" for w in caught]
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"docs/build.py: {len(problems)} problem(s); the reference is incomplete",
              file=sys.stderr)
        return 1
    print(f"wrote {ROOT / 'docs' / 'api' / 'index.html'} ({len(modules())} modules)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
