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

Second table (issue #19.7): ``simulate`` with its default options (frames kept, records
at the start and the end) against the kernel it calls (``checkerboard_sweeps_pm``: load
the sublattices, sweep, store back), standard model, L = 64 ... 4096, 1 and 20 sweeps,
best-of CPU time on one thread and wall time on all threads, side by side.

Third table (issue #19.8): the multispin-coded checkerboard (``method='multispin'``, 64
spins per uint64) against the byte checkerboard, standard model at beta = 0.44, L = 1024
and 4096, 1 and 2 threads, through ``simulate`` (no frames) and the kernels alone,
measured interleaved in one run: ns per attempted flip, wall and CPU per thread.

Run: .venv/bin/python benchmarks/bench_ising.py            (all tables)
     .venv/bin/python benchmarks/bench_ising.py overhead   (the second only)
     .venv/bin/python benchmarks/bench_ising.py multispin  (the third only)
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


def simulate_overhead(sizes=(64, 256, 1024, 4096), sweeps=(1, 20)):
    """Rows (L, sweeps, threads, kernel s, simulate s, ratio); each figure the best of
    several repeats of a batch of calls long enough to time (~20 ms)."""
    from infopix._kernels import ising as K

    one = np.ones((1, 1), np.int8)
    rows = []
    for threads in sorted({1, numba.config.NUMBA_NUM_THREADS}):
        numba.set_num_threads(threads)
        clock = time.process_time if threads == 1 else time.perf_counter
        for L in sizes:
            pm = np.where(np.random.default_rng(1).random((L, L)) < 0.5, -1, 1).astype(np.int8)
            for n in sweeps:
                betas = np.full(n, 0.44)
                reps = max(1, 20_000_000 // (L * L * n * 8))
                work = pm.copy()

                def kern():
                    for _ in range(reps):
                        K.checkerboard_sweeps_pm(work, False, 1.0, 0.0, one, one, False, betas, 0,
                                                 np.uint64(1))

                def simu():
                    for _ in range(reps):
                        ising.simulate(ising.StandardIsing(), pm, schedule=0.44, sweeps=n, rng=1,
                                       progress=False)

                kern(), simu()  # compile / load caches
                tk, ts = [], []
                for _ in range(5 if L < 4096 else 3):  # interleaved: same load for both
                    c0 = clock()
                    kern()
                    tk.append(clock() - c0)
                    c0 = clock()
                    simu()
                    ts.append(clock() - c0)
                k, t = min(tk) / reps, min(ts) / reps
                rows.append((L, n, threads, k, t, t / k))
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    print(f"{'L':>6} {'sweeps':>6} {'threads':>7} {'kernel ms':>10} {'simulate ms':>12} {'ratio':>6}")
    for L, n, th, k, t, r in rows:
        print(f"{L:6d} {n:6d} {th:7d} {k * 1e3:10.3f} {t * 1e3:12.3f} {r:6.2f}")
    print("kernel = checkerboard_sweeps_pm (load, sweeps, store); simulate with default options "
          "(keep_frames=True, records at start and end). 1 thread: CPU time; more: wall time.")
    return rows


def multispin_vs_byte(sizes=(1024, 4096), beta=0.44):
    """Rows (L, threads, case, wall ns/flip, cpu ns/flip per thread): byte checkerboard
    and multispin through ``simulate`` and as bare kernels, each the best of REPEATS,
    the four cases interleaved (same load)."""
    from infopix._kernels import ising as K
    from infopix._kernels import ising_multispin as KM

    rows = []
    for L in sizes:
        pm = np.where(np.random.default_rng(3).random((L, L)) < 0.5, -1, 1).astype(np.int8)
        # ~0.1-0.3 s per timing on one thread
        n_byte = max(2, 40_000_000 // (L * L))
        n_ms = 5 * n_byte
        one = np.ones((1, 1), np.int8)
        sub = np.empty((2, L, L // 2), np.int8)
        K.pm_load(pm, sub, one, one, False)
        words = np.empty((2, L // 64, L // 2), np.uint64)
        KM.pack(pm.reshape(64, L // 64, L), words)

        def byte_kernel(n):
            K.pm_sweeps(sub, np.zeros((2, 4, 1, 1), np.int8), False, 1.0, 0.0, False,
                        np.full(n, beta), 0, np.uint64(1), np.empty((n, 3), np.int64))

        def ms_kernel(n):
            KM.sweeps(words, 1.0, 0.0, False, np.full(n, beta), 0, np.uint64(1), False,
                      np.empty((n, 3), np.int64))

        def byte_sim(n):
            sim(ising.StandardIsing(), pm, "checkerboard", sweeps=n, beta=beta)

        def ms_sim(n):
            sim(ising.StandardIsing(), pm, "multispin", sweeps=n, beta=beta)

        cases = {
            "byte checkerboard, simulate": (byte_sim, n_byte),
            "multispin, simulate": (ms_sim, n_ms),
            "byte checkerboard, kernel": (byte_kernel, n_byte),
            "multispin, kernel": (ms_kernel, n_ms),
        }
        for threads in (1, 2):
            numba.set_num_threads(threads)
            for fn, _ in cases.values():
                fn(1)  # compile / load caches
            res = {k: [] for k in cases}
            for _ in range(REPEATS):
                for name, (fn, n) in cases.items():
                    c0, t0 = time.process_time(), time.perf_counter()
                    fn(n)
                    res[name].append((time.perf_counter() - t0, time.process_time() - c0))
            for name, (fn, n) in cases.items():
                wall, cpu = min(res[name])
                rows.append((L, threads, name, wall / (n * L * L) * 1e9,
                             cpu / (n * L * L) * 1e9 / threads))
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    print(f"{'L':>5} {'threads':>7} {'case':<30} {'ns/flip wall':>13} {'cpu/thread':>11} "
          f"{'x byte (wall)':>14}")
    ref = {}
    for L, th, name, w, c in rows:
        kind = name.split(", ")[1]
        if name.startswith("byte"):
            ref[(L, th, kind)] = w
        x = ref.get((L, th, kind), float("nan")) / w
        print(f"{L:5d} {th:7d} {name:<30} {w:13.3f} {c:11.3f} {x:13.2f}x")
    print("beta = 0.44, standard model; simulate with keep_frames=False; best of "
          f"{REPEATS} interleaved timings; x byte = byte ns / multispin ns, same L, threads "
          "and path.")
    return rows


def main():
    if sys.argv[1:] == ["overhead"]:
        simulate_overhead()
        return
    if sys.argv[1:] == ["multispin"]:
        multispin_vs_byte()
        return
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
    print()
    simulate_overhead()
    print()
    multispin_vs_byte()


if __name__ == "__main__":
    main()
