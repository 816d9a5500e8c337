"""Benchmark: nanoseconds per attempted spin flip, infopix.ising against the notebook.

Baseline: the notebook's ``isingstep`` (§12.1, one random-site Metropolis step of the
grey model per Python call, NumPy ``take``/``hstack`` energies), timed over 10^5 steps
on the notebook's 50x50 lattice.

Ours (same run): checkerboard sweeps of the standard model on L = 1024 with one thread
and with all threads (``numba.set_num_threads``), Wolff clusters at Tc (ns per flipped
spin), the notebook's own models (edge, metric, grey) by checkerboard, and the
compiled random-site Metropolis. Each figure is the best of ``REPEATS`` timings (the
machine is shared; the best is the least disturbed); CPU time per thread is printed
beside wall time.

Run: .venv/bin/python benchmarks/bench_ising.py
"""

from __future__ import annotations

import pathlib
import sys
import time

import numba
import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests"))

import naive_ising  # noqa: E402

from infopix import ising  # noqa: E402

REPEATS = 3
L = 1024


def best(fn, repeats=REPEATS):
    """(best wall seconds, CPU seconds of that run)."""
    out = []
    for _ in range(repeats):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0, time.process_time() - c0))
    return min(out)


def notebook_baseline(steps=100_000):
    rng = np.random.default_rng(0)
    img = 2 * rng.random((50, 50)) - 1
    n = steps

    def run():
        for i in range(n):
            naive_ising.isingstep(3 * (np.pi / 2) / np.arctan(n - i), img, rng)

    wall, cpu = best(run, repeats=1)
    return wall / steps * 1e9, cpu / steps * 1e9


def sim(model, spins, method, sweeps=None, steps=None, beta=0.44):
    return ising.simulate(model, spins, schedule=beta, sweeps=sweeps, steps=steps, method=method,
                          rng=1, progress=False, keep_frames=False)


def per_flip(model, spins, method, sweeps, threads, beta=0.44):
    numba.set_num_threads(threads)
    sim(model, spins, method, sweeps=1, beta=beta)  # compile / load cache
    wall, cpu = best(lambda: sim(model, spins, method, sweeps=sweeps, beta=beta))
    n = sweeps * spins.size
    return wall / n * 1e9, cpu / n * 1e9 / threads


def wolff_per_spin(Lw=512, clusters=2000, threads=1):
    numba.set_num_threads(threads)
    beta = 1.0 / ising.onsager.critical_temperature()
    spins = np.ones((Lw, Lw), np.int8)
    sim(ising.StandardIsing(), spins, "wolff", steps=200, beta=beta)  # equilibrate a little
    flips = []

    def run():
        r = sim(ising.StandardIsing(), spins, "wolff", steps=clusters, beta=beta)
        flips.append(r.observables["cluster_size"][-1] * clusters)

    wall, cpu = best(run)
    n = float(np.mean(flips))
    return wall / n * 1e9, cpu / n * 1e9, n / clusters


def main():
    nthreads = numba.config.NUMBA_NUM_THREADS
    rng = np.random.default_rng(2)
    pm = np.where(rng.random((L, L)) < 0.5, -1, 1).astype(np.int8)
    grey = rng.uniform(-1, 1, (L, L))
    edges = rng.random((L, L)) < 0.1
    rows = []

    nb_wall, nb_cpu = notebook_baseline()
    rows.append(("notebook isingstep (grey, 50x50, 1e5 steps)", nb_wall, nb_cpu))

    for t in sorted({1, nthreads}):
        w, c = per_flip(ising.StandardIsing(), pm, "checkerboard", 20, t)
        rows.append((f"checkerboard standard L={L}, {t} thread(s)", w, c))
    for t in sorted({1, nthreads}):
        w, c = per_flip(ising.EdgeIsing(edges), pm, "checkerboard", 10, t)
        rows.append((f"checkerboard edge (neighbour) L={L}, {t} thread(s)", w, c))
    for t in sorted({1, nthreads}):
        w, c = per_flip(ising.MetricIsing(pm, symmetric=True), pm, "checkerboard", 30, t, beta=0.5)
        rows.append((f"checkerboard metric (symmetric) L={L}, {t} thread(s)", w, c))
    w, c = per_flip(ising.MetricIsing(pm), pm, "checkerboard", 30, 1, beta=0.5)
    rows.append((f"checkerboard metric (plain) L={L}, 1 thread", w, c))
    w, c = per_flip(ising.GreyIsing(), grey, "checkerboard", 20, 1, beta=3.0)
    rows.append((f"checkerboard grey L={L}, 1 thread", w, c))
    w, c = per_flip(ising.GreyIsing(), grey[:50, :50].copy(), "metropolis", 2000, 1, beta=3.0)
    rows.append(("random-site metropolis grey 50x50 (the notebook's update, compiled)", w, c))
    w, c = per_flip(ising.StandardIsing(), pm, "metropolis", 5, 1)
    rows.append((f"random-site metropolis standard L={L}", w, c))
    w, c, mean = wolff_per_spin()
    rows.append((f"wolff at Tc L=512, ns per flipped spin (mean cluster {mean:.0f})", w, c))
    numba.set_num_threads(nthreads)

    print(f"{'case':<72} {'ns/flip wall':>13} {'cpu/thread':>11} {'x wall':>9} {'x cpu':>9}")
    for name, w, c in rows:
        print(f"{name:<72} {w:13.2f} {c:11.2f} {nb_wall / w:8.0f}x {nb_cpu / c:8.0f}x")
    print("x wall / x cpu: the notebook's time per step over ours per attempted flip "
          "(wall clock; CPU time per thread, less sensitive to other load on the machine)")


if __name__ == "__main__":
    main()
