"""Run every lesson in order and write ``out/lessons/index.html``: each picture with its
title, its one-paragraph explanation and the numbers it printed."""

from __future__ import annotations

import argparse
import html
import importlib
import time
from pathlib import Path

from . import ORDER
from ._common import OUT


def page(entries: list[tuple[object, dict, float]]) -> str:
    """Return the index page: a self-contained HTML file next to the pictures."""
    parts = []
    for n, (mod, numbers, took) in enumerate(entries, 1):
        name = mod.__name__.rsplit(".", 1)[-1]
        rows = "".join(f"<tr><td>{html.escape(str(k))}</td><td>{html.escape(_fmt(v))}</td></tr>"
                       for k, v in numbers.items())
        parts.append(f"""<section id="{name}"><h2>{n}. {html.escape(mod.TITLE)}</h2>
<p>{html.escape(mod.EXPLANATION)}</p>
<img src="{name}.png" alt="{html.escape(mod.TITLE)}">
<table>{rows}</table><p class="run">python -m examples.lessons.{name} ({took:.1f} s)</p>
</section>""")
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>The ideas behind the engine, run</title><style>
body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}}
img{{max-width:100%;border:1px solid #ddd}} td{{padding:0 1rem 0 0}} .run{{color:#666;font-size:.9em}}
</style></head><body><h1>The ideas behind the engine, run</h1>
<p>Each section is one script in <code>examples/lessons/</code>: what it shows, its picture,
and the numbers it printed.</p>
{"".join(parts)}
</body></html>
"""


def _fmt(v: object) -> str:
    return f"{v:.6g}" if isinstance(v, float) else str(v)


def main(argv: list[str] | None = None) -> Path:
    """Run all lessons into ``--out``; return the index page's path."""
    p = argparse.ArgumentParser(description="Run every lesson and write the index page.")
    p.add_argument("--out", type=Path, default=OUT, help="folder for the pictures and index")
    p.add_argument("--thumbnails", type=Path, default=None,
                   help="also write a small copy of each picture there (README's are in "
                        "docs/lessons: python -m examples.lessons --thumbnails docs/lessons)")
    args = p.parse_args(argv)
    entries = []
    for name in ORDER:
        mod = importlib.import_module(f"{__package__}.{name}")
        print(f"\n== {ORDER.index(name) + 1}. {mod.TITLE}")
        start = time.perf_counter()
        numbers = mod.run(args.out)
        entries.append((mod, numbers, time.perf_counter() - start))
    if args.thumbnails is not None:
        from matplotlib.image import thumbnail

        args.thumbnails.mkdir(parents=True, exist_ok=True)
        for name in ORDER:
            thumbnail(str(args.out / f"{name}.png"), str(args.thumbnails / f"{name}.png"),
                      scale=0.3)
    index = args.out / "index.html"
    index.write_text(page(entries))
    print(f"\nwrote {index}")
    return index


if __name__ == "__main__":
    main()
