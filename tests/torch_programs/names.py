"""Which torch names the programs use that a torch-layout package lacks, found by reading
the programs (not by running them, so past each program's first failure):

    python -m tests.torch_programs.names [--target nn.torchlike]

Two kinds, each with the programs that use it:

- module names: ``torch.X``, ``nn.X``, ``F.X``, ``optim.lr_scheduler.X``... through the
  programs' own import aliases, and ``from torch.x import X``; resolved exactly;
- methods by name: an attribute the programs read (``x.float()``, ``p.grad.zero_()``) that
  torch's Tensor or nn.Module has and the package's Tensor or Module lacks. This is by name
  only (the program's object is not known without running it), so it is a list of
  candidates: a name that torch's Tensor and Module both have counts for either.
"""

from __future__ import annotations

import argparse
import ast
import importlib
from collections import defaultdict
from typing import Any

from tests.torch_programs.harness import PROGRAM_DIR, TARGET
from tests.torch_programs.registry import PROGRAMS as REGISTRY


def _resolve(root: Any, path: list[str]) -> bool:
    obj = root
    for part in path:
        if not hasattr(obj, part):
            try:  # a submodule not imported by its parent
                obj = importlib.import_module(f"{obj.__name__}.{part}")
                continue
            except (ImportError, AttributeError):
                return False
        obj = getattr(obj, part)
    return True


def _chain(node: ast.AST) -> list[str] | None:
    """``a.b.c`` as ["a", "b", "c"], or None for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return [node.id, *reversed(parts)]
    return None


def module_names(source: str) -> set[tuple[str, ...]]:
    """The torch names ``source`` reads, as paths under torch: ("nn", "Linear")..."""
    tree = ast.parse(source)
    aliases: dict[str, list[str]] = {}  # program name -> path under torch
    used: set[tuple[str, ...]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                if parts[0] == "torch":
                    if a.asname:
                        aliases[a.asname] = parts[1:]
                    else:
                        aliases["torch"] = []
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "torch":
            base = node.module.split(".")[1:]
            for a in node.names:
                aliases[a.asname or a.name] = [*base, a.name]
                used.add((*base, a.name))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain = _chain(node)
            if chain and chain[0] in aliases:
                used.add(tuple(aliases[chain[0]] + chain[1:]))
    return used


def _first_missing(root: Any, path: list[str]) -> list[str] | None:
    """The shortest prefix of ``path`` that ``root`` lacks, or None."""
    for n in range(1, len(path) + 1):
        if not _resolve(root, path[:n]):
            return path[:n]
    return None


def attribute_names(source: str) -> set[str]:
    """Every attribute name read in ``source`` from an object that is not an imported
    module (``np.multiply`` and ``torch.cuda`` are not methods)."""
    tree = ast.parse(source)
    modules = {(a.asname or a.name).split(".")[0] for n in ast.walk(tree)
               if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    return {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
            and not (isinstance(n.value, ast.Name) and n.value.id in modules)
            and not (isinstance(n.value, ast.Attribute) and (_chain(n.value) or [""])[0] in modules)}


def main() -> None:
    """Print the missing names, grouped, with the programs that use them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", default=TARGET)
    args = parser.parse_args()
    import torch

    target = importlib.import_module(args.target)
    missing: dict[str, set[str]] = defaultdict(set)
    methods: dict[str, set[str]] = defaultdict(set)
    ours_tensor, ours_module = getattr(target, "Tensor", object), None
    try:
        ours_module = importlib.import_module(f"{args.target}.nn").Module
    except (ImportError, AttributeError):
        pass
    for p in REGISTRY:
        source = (PROGRAM_DIR / f"{p.name}.py").read_text()
        for path in module_names(source):
            gap = _first_missing(target, list(path)) if _resolve(torch, list(path)) else None
            if gap:
                missing["torch." + ".".join(gap)].add(p.name)
        for name in attribute_names(source):
            in_torch = hasattr(torch.Tensor, name) or hasattr(torch.nn.Module, name)
            in_ours = hasattr(ours_tensor, name) or (ours_module is not None and hasattr(ours_module, name))
            if in_torch and not in_ours and not name.startswith("_"):
                owner = "Tensor" if hasattr(torch.Tensor, name) else "Module"
                methods[f"{owner}.{name}"].add(p.name)
    print(f"module names missing from {args.target}: {len(missing)}")
    for name, users in sorted(missing.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print(f"  {name:45s} {len(users):2d}  {', '.join(sorted(users))}")
    print(f"\nTensor/Module attributes by name, missing from {args.target}: {len(methods)}")
    for name, users in sorted(methods.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print(f"  {name:45s} {len(users):2d}  {', '.join(sorted(users))}")


if __name__ == "__main__":
    main()
