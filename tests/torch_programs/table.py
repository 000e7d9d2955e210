"""Print the table of the programs run with only their imports changed:

    python -m tests.torch_programs.table [NAME ...] [--target nn.torchlike] [--gaps]

Columns: program, whether it ran import-only and printed what torch printed, its first
failure (the exception line and the program's line, or the first differing output line),
how many output lines differ (if it ran to the end), the largest relative difference of the
numbers on the lines whose text agrees, and the seconds of each run. ``--gaps`` also prints
the GAPS dictionary for tests/test_torch_programs.py.
"""

from __future__ import annotations

import argparse

from tests.torch_programs import harness
from tests.torch_programs.registry import BY_NAME, PROGRAMS


def main() -> None:
    """Run the programs and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="programs to run (all by default)")
    parser.add_argument("--target", default=harness.TARGET, help="the torch-layout package")
    parser.add_argument("--gaps", action="store_true", help="print GAPS for the test file")
    args = parser.parse_args()
    programs = [BY_NAME[n] for n in args.names] if args.names else PROGRAMS
    print("| program | ran import-only | first failure | lines differing | max rel. diff | "
          "s (torch / this) |")
    print("| --- | --- | --- | --- | --- | --- |")
    gaps = {}
    for p in programs:
        o = harness.run_both(p.name, p.dtype, p.rtol, p.atol, args.target)
        rel = f"{o.comparison.max_rel:.1e} ({p.dtype})" if o.comparison else "-"
        failure = o.first_failure.replace("|", "\\|")
        c = o.comparison
        lines = f"{c.lines_differing}/{c.lines}" if c else "(raised)"
        print(f"| {p.name} | {'yes' if o.passed else 'no'} | {failure or '-'} | {lines} | {rel} | "
              f"{o.theirs.seconds:.1f} / {o.ours.seconds:.1f} |", flush=True)
        if not o.passed:
            gaps[p.name] = o.first_failure
    if args.gaps:
        print("\nGAPS = {")
        for name, why in gaps.items():
            print(f"    {name!r}: (")
            for k in range(0, len(why), 90):  # the failure in pieces, each line within ruff's 110
                print(f"        {why[k:k + 90]!r}")
            print("    ),")
        print("}")


if __name__ == "__main__":
    main()
