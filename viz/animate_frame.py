"""``python -m viz.animate_frame [PNG]``: write the example animation (micrograd's neuron)
and a screenshot of a mid-animation frame, shot with headless Chromium; the README's
``docs/images/animate_frame.png`` is made by

    python -m viz.animate_frame docs/images/animate_frame.png --html docs/backward.html
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .animation import animate, chromium, example


def main(argv: Sequence[str] | None = None) -> int:
    """Write the page and, when a PNG path is given, the screenshot; return 0."""
    ap = argparse.ArgumentParser(prog="python -m viz.animate_frame",
                                 description="Write the example animation and a PNG of one frame.")
    ap.add_argument("png", nargs="?", help="write a PNG of a mid-animation frame here")
    ap.add_argument("--html", default="backward.html", help="where to write the page")
    ap.add_argument("--step", type=int, default=None, help="the frame (default: the middle one)")
    args = ap.parse_args(argv)
    root, params = example()
    anim = animate(root, args.html, params,
                   title="backward pass of o = tanh(x1 w1 + x2 w2 + b)")
    print(f"wrote {anim.path}")
    if args.png:
        step = args.step if args.step is not None else (len(anim.steps["backward"]) + 1) // 2
        Path(args.png).parent.mkdir(parents=True, exist_ok=True)
        chromium(anim.path or args.html, query=f"step={step}", screenshot=args.png,
                 size=(1100, 460))
        print(f"wrote {args.png} (step {step} of {len(anim.steps['backward'])})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
