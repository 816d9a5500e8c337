"""Benchmark: entropy estimates per second on 256-bin count vectors with N = 25.

The local-map case: every 5x5 window of the sample image (camera, uint8) gives a count
profile with N = 25 samples over K = 256 levels. For each estimator we time

- ours, compiled: each estimator's kernel ``kernel(cs, ms, 25, 256, a, table)`` called as
  a first-class function in a Numba loop over the windows' profiles (what local maps
  call per pixel); NSB with its cached (N, K) table;
- baseline: the Python API ``entropy_from_counts`` on the 256-bin count vectors
  (including std and credible interval for the Bayesian methods), after one call that
  compiles or loads what it needs;
- for NSB, the direct-quadrature reference of ``tests/naive_estimators.py``.

Both wall-clock and CPU time (``time.process_time``) are printed: on a shared machine
the CPU time is the single-core figure. Run: ``.venv/bin/python benchmarks/bench_estimators.py``
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numba as nb
import numpy as np

import infopix
from infopix.estimators import ESTIMATORS, _profile, entropy_from_counts, profile_table

N, K = 25, 256


@nb.njit(cache=True)
def _loop(f, prof, a, table):
    cs, ms, offs = prof
    s = 0.0
    for i in range(offs.size - 1):
        s += f(cs[offs[i]:offs[i + 1]], ms[offs[i]:offs[i + 1]], N, K, a, table)
    return s


def _pack(count_rows):
    """Sparse profiles of many count vectors, packed: (cs, ms, offsets)."""
    cs, ms, offs = [], [], [0]
    for c in count_rows:
        a, b = _profile(c)
        cs.append(a)
        ms.append(b)
        offs.append(offs[-1] + a.size)
    return np.concatenate(cs), np.concatenate(ms), np.array(offs, dtype=np.int64)


def _first(prof, m):
    cs, ms, offs = prof
    return cs, ms, np.ascontiguousarray(offs[: m + 1])


def _windows(n_windows, rng):
    img = infopix.sample_image()
    ys = rng.integers(0, img.shape[0] - 5, n_windows)
    xs = rng.integers(0, img.shape[1] - 5, n_windows)
    counts = np.empty((n_windows, K), np.int64)
    for i, (y, x) in enumerate(zip(ys, xs)):
        c = np.bincount(img[y:y + 5, x:x + 5].ravel(), minlength=K)
        counts[i] = c
    return counts, _pack(counts)


def _timed(f, *args):
    w0, c0 = time.perf_counter(), time.process_time()
    f(*args)
    return time.perf_counter() - w0, time.process_time() - c0


def main():
    rng = np.random.default_rng(2026)
    counts, nks = _windows(100_000, rng)
    n_py = 300
    print(f"{len(counts)} windows 5x5 of the camera image (N = {N}, K = {K}); "
          f"Python API on {n_py} of them\n")
    profile_table("nsb", N + 1, K)  # compile the table builder
    w, c = _timed(profile_table, "nsb", N, K)
    print(f"NSB table for (N, K) = ({N}, {K}): built in {1e3 * c:.1f} ms cpu (once per (N, K))\n")
    head = (f"{'estimator':16s} {'compiled /s (cpu)':>18s} {'(wall)':>10s} "
            f"{'Python API /s (cpu)':>20s} {'ratio (cpu)':>12s}")
    print(head)
    print("-" * len(head))
    rows = []
    for name, est in ESTIMATORS.items():
        a = est.profile_a()
        use_table = est.table is not None
        tab = profile_table(name, N, K)
        f = est.function()
        _loop(f, _first(nks, 10), a, tab)  # compile
        n_fast = len(counts)
        wf, cf = _timed(_loop, f, nks, a, tab)

        def py():
            for i in range(n_py):
                entropy_from_counts(counts[i], estimator=name, n_outcomes=K)

        entropy_from_counts(counts[n_py], estimator=name, n_outcomes=K)  # compile/load
        wp, cp = _timed(py)
        fast_cpu, fast_wall, py_cpu = n_fast / cf, n_fast / wf, n_py / cp
        rows.append((name, fast_cpu, fast_wall, py_cpu))
        label = name + (" (table)" if use_table else "")
        print(f"{label:16s} {fast_cpu:18,.0f} {fast_wall:10,.0f} {py_cpu:20,.0f} {fast_cpu / py_cpu:11.0f}x")

    # NSB without the table (adaptive quadrature) and the naive direct quadrature
    est = ESTIMATORS["nsb"]
    m = 5_000
    wa, ca = _timed(_loop, est.function(), _first(nks, m), 0.0, profile_table("plugin", N, K))
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import naive_estimators as nv

    n_naive = 5
    wn, cn = _timed(lambda: [nv.nsb(counts[i][counts[i] > 0], K) for i in range(n_naive)])
    nsb_tab = rows[[r[0] for r in rows].index("nsb")][1]
    print(f"\nNSB adaptive (no table) {m / ca:,.0f}/s cpu ({m / wa:,.0f}/s wall); "
          f"naive direct quadrature {n_naive / cn:.2f}/s cpu")
    print(f"NSB table / adaptive: {nsb_tab / (m / ca):.1f}x; table / naive: {nsb_tab / (n_naive / cn):,.0f}x")
    # worst case for the table: white-noise windows (few coincidences, broad posteriors)
    noise = rng.integers(0, K, size=(20_000, N))
    nks_noise = _pack([np.bincount(r, minlength=K) for r in noise])
    wz, cz = _timed(_loop, est.function(), nks_noise, 0.0, profile_table("nsb", N, K))
    print(f"NSB (table) on white-noise windows: {len(noise) / cz:,.0f}/s cpu")
    nsb_tab = min(nsb_tab, len(noise) / cz)
    print(f"NSB target 1e5 estimates/s on one core: {'met' if nsb_tab >= 1e5 else 'NOT met'} "
          f"({nsb_tab:,.0f}/s cpu)")
    nsb_py = rows[[r[0] for r in rows].index("nsb")][3]
    print(f"entropy_from_counts(..., estimator='nsb') with std and 95% interval: {nsb_py:,.0f} calls/s cpu "
          f"(issue 19 target 20,000: {'met' if nsb_py >= 2e4 else 'NOT met'})")


if __name__ == "__main__":
    main()
