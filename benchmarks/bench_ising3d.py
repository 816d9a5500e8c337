"""Benchmark: ns per attempted flip of the 3-D checkerboard against the 2-D one.

Same run, same machine state: ``ising.simulate_cubic`` (checkerboard, standard model,
L = 128, 128^3 = 2.1 M sites, T = 4.5115, h = 0) and ``ising.simulate`` (checkerboard,
standard model, L = 1024, 1 M sites, beta = 0.44), each on 1 and 2 Numba threads.
Both record energy and magnetisation once per ``RECORD`` sweeps (the 3-D kernel
computes them inside; the 2-D loop in Python), so the per-record cost is amortised
the same way. Each figure is the best of ``REPEATS`` timings; CPU time per thread is
printed beside wall time (steadier when the machine is shared).

Run: .venv/bin/python benchmarks/bench_ising3d.py
"""

from __future__ import annotations

import time

import numba
import numpy as np

from infopix import ising

REPEATS = 3
L3 = 128
L2 = 1024
SWEEPS3 = 10
SWEEPS2 = 20
RECORD = 10


def best(fn, repeats=REPEATS):
    """(best wall seconds, CPU seconds of that run)."""
    out = []
    for _ in range(repeats):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0, time.process_time() - c0))
    return min(out)


def per_flip_3d(spins, threads):
    numba.set_num_threads(threads)
    ising.simulate_cubic(spins[:8, :8, :8].copy(), 4.5115, sweeps=1)  # compile / load cache
    wall, cpu = best(lambda: ising.simulate_cubic(spins, 4.5115, sweeps=SWEEPS3,
                                                  record_every=RECORD, rng=1))
    n = SWEEPS3 * spins.size
    return wall / n * 1e9, cpu / n * 1e9 / threads


def per_flip_2d(spins, threads):
    numba.set_num_threads(threads)

    def run(sweeps):
        ising.simulate(ising.StandardIsing(), spins, schedule=0.44, sweeps=sweeps,
                       method="checkerboard", record_every=RECORD, rng=1, progress=False,
                       keep_frames=False)

    run(1)
    wall, cpu = best(lambda: run(SWEEPS2))
    n = SWEEPS2 * spins.size
    return wall / n * 1e9, cpu / n * 1e9 / threads


def main():
    nthreads = numba.config.NUMBA_NUM_THREADS
    rng = np.random.default_rng(2)
    s3 = np.where(rng.random((L3, L3, L3)) < 0.5, -1, 1).astype(np.int8)
    s2 = np.where(rng.random((L2, L2)) < 0.5, -1, 1).astype(np.int8)
    print(f"{'threads':>7} {'3-D L=128 wall':>15} {'cpu/thr':>8} {'2-D L=1024 wall':>16} "
          f"{'cpu/thr':>8} {'3-D/2-D wall':>13} {'cpu':>6}   (ns per attempted flip)")
    for t in sorted({1, min(2, nthreads)}):
        w3, c3 = per_flip_3d(s3, t)
        w2, c2 = per_flip_2d(s2, t)
        print(f"{t:7d} {w3:15.2f} {c3:8.2f} {w2:16.2f} {c2:8.2f} {w3 / w2:13.2f} {c3 / c2:6.2f}")
    numba.set_num_threads(nthreads)


if __name__ == "__main__":
    main()
