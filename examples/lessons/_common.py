"""What the lessons share: the output folder, one way to save a figure, and running a
lesson as a script."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only: no display needed
import matplotlib.pyplot as plt  # noqa: E402

OUT = Path("out") / "lessons"


def save(fig: Any, out: Path, lesson_file: str) -> Path:
    """Write ``fig`` to ``out/<lesson>.png``, the lesson named by its file (``__file__``:
    right whether it runs as a module or a script); make the folder, close the figure and
    return the path."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{Path(lesson_file).stem}.png"
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main(module: Any, argv: list[str] | None = None) -> dict[str, Any]:
    """Run one lesson from the command line (``main(sys.modules[__name__])`` at the end of a
    lesson): ``--out`` folder (default out/lessons)."""
    p = argparse.ArgumentParser(description=module.TITLE)
    p.add_argument("--out", type=Path, default=OUT, help="folder for the picture")
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    print(f"== {module.TITLE}")
    return module.run(args.out)
