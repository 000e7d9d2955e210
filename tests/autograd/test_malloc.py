"""autograd._malloc: glibc's thresholds raised at import, unless the user chose otherwise.

Each case runs in a fresh interpreter (the setting is made once per process, at import)."""

import json
import os
import subprocess
import sys

import pytest

from autograd import _malloc

pytestmark = pytest.mark.skipif(_malloc._glibc() is None, reason="glibc only")

PROBE = """
import json, resource, numpy as np
import autograd._malloc as m
# 40 MB arrays, above glibc's largest dynamic mmap threshold (32 MiB): without the tuning
# each is a fresh mmap whose pages fault in when touched
np.ones(5_000_000)
f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(4):
    np.ones(5_000_000)
faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0) / 4
print(json.dumps({"applied": m.applied, "faults": faults}))
"""


def probe(**env):
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("MALLOC_") and k not in ("GLIBC_TUNABLES", "KNOBGRAD_NO_MALLOPT")}
    out = subprocess.run([sys.executable, "-c", PROBE], env={**clean, **env}, capture_output=True,
                         text=True, check=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_raises_both_thresholds_and_freed_memory_is_reused():
    on, off = probe(), probe(KNOBGRAD_NO_MALLOPT="1")
    assert on["applied"] == {"mmap_threshold": _malloc.MMAP_THRESHOLD,
                             "trim_threshold": _malloc.TRIM_THRESHOLD}
    assert off["applied"] == {}
    # without the tuning each 40 MB array faults in again: ~9,800 pages of 4 KiB, or ~20
    # where numpy's madvise gets transparent huge pages of 2 MiB; with it, none
    assert off["faults"] >= 15 and on["faults"] <= 2, (on, off)


def test_the_users_own_settings_win():
    assert probe(MALLOC_MMAP_THRESHOLD_="1000000")["applied"] == {
        "trim_threshold": _malloc.TRIM_THRESHOLD}
    assert probe(MALLOC_TRIM_THRESHOLD_="1000000")["applied"] == {
        "mmap_threshold": _malloc.MMAP_THRESHOLD}
    assert probe(GLIBC_TUNABLES="glibc.malloc.mmap_threshold=100000:"
                                "glibc.malloc.trim_threshold=100000")["applied"] == {}
    assert probe(KNOBGRAD_NO_MALLOPT="0")["applied"] != {}  # "0" is not an opt-out
