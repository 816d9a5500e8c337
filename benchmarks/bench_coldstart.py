"""Benchmark: the first calls in a fresh environment (issue 19, item 3).

Each case runs in its own subprocess with ``NUMBA_CACHE_DIR`` pointing at a fresh
temporary directory (a cold cache: everything the call needs is compiled), then again
in a new subprocess on the same directory (a warm cache: everything is loaded). Printed
per case: wall seconds of ``import infopix``, of the first call (and its CPU seconds:
compilation is single-threaded, so on a loaded machine the CPU figure is the one to
compare with a quiet machine's wall time), of a second identical call (the kernel
alone), and the number of cache entries (``*.nbi`` index files) the
first run wrote, i.e. how many functions were compiled.

Cases: plug-in ``local_entropy`` (target: under 3 s cold), then Miller-Madow (a linear
form: one more walk) and NSB (the count-profile walk and the NSB kernel) in the same
cold process after plug-in, and ``entropy_from_counts`` with NSB.

Run: ``.venv/bin/python benchmarks/bench_coldstart.py [--src OTHER/src]`` (``--src``
measures another checkout, for before/after figures).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, time, sys
t0 = time.perf_counter()
import numpy as np
import infopix
t_import = time.perf_counter() - t0
img = np.random.default_rng(1).integers(0, 256, (256, 256)).astype(np.uint8)
out = {"import": t_import}
for name in sys.argv[1].split(","):
    if name == "efc_nsb":
        f = lambda: infopix.entropy_from_counts(np.bincount(img[:8, :8].ravel(), minlength=256), estimator="nsb")
    else:
        f = lambda: infopix.local_entropy(img, 3, estimator=name)
    t, c = time.perf_counter(), time.process_time(); f()
    first, first_cpu = time.perf_counter() - t, time.process_time() - c
    t = time.perf_counter(); f(); second = time.perf_counter() - t
    out[name] = (first, first_cpu, second)
print(json.dumps(out))
"""


SRC = str(Path(__file__).resolve().parents[1] / "src")


def _run(cache: str, names: str) -> dict:
    env = dict(os.environ, NUMBA_CACHE_DIR=cache)
    src = SRC
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    res = subprocess.run([sys.executable, "-c", CHILD, names], env=env, capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def _entries(cache: str) -> int:
    return sum(1 for p in Path(cache).rglob("*.nbi"))


def main() -> None:
    print(f"source: {SRC}; load: {os.getloadavg()[0]:.2f} (1-min average)\n")
    head = f"{'case':34s} {'import s':>9s} {'first s':>9s} {'(cpu s)':>9s} {'second s':>9s} {'entries':>8s}"
    print(head)
    print("-" * len(head))
    for names in ("plugin", "plugin,miller_madow,nsb", "efc_nsb"):
        with tempfile.TemporaryDirectory() as cache:
            for label in ("cold", "warm"):
                before = _entries(cache)
                r = _run(cache, names)
                for name in names.split(","):
                    first, first_cpu, second = r[name]
                    print(f"{name + ' (' + label + ')':34s} {r['import']:9.2f} {first:9.2f} {first_cpu:9.2f} {second:9.3f} "
                          f"{_entries(cache) - before if name == names.split(',')[0] else '':>8}")
    print("\nfirst cold plug-in local_entropy target: < 3 s")


if __name__ == "__main__":
    if "--src" in sys.argv:
        SRC = sys.argv[sys.argv.index("--src") + 1]
    main()
