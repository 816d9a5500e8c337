"""Intensity entropy of a 4096x4096 image: infopix vs scikit-image vs the notebook.

Run: .venv/bin/python benchmarks/bench_entropy.py

Second table (issue 19, item 6): the intensity histogram (``infopix.intensity_counts``)
on 1 and 2 Numba threads against the memory-copy floor (``np.copyto`` of the image into
a preallocated array of its dtype: one read and one write of every pixel), side by side;
target: within 2x of the floor, never slower on 2 threads than on 1.

Baselines, timed side by side in this run:
- ``skimage.measure.shannon_entropy(img, base=2)`` (np.unique: a sort of all pixels);
- the notebook's ``shannon_entropy(intensity_distribution(img))``: ``np.histogram`` with
  one bin per level, then a Python generator over the bins.
"""

from __future__ import annotations

import time

import numba
import numpy as np
from skimage.measure import shannon_entropy as sk_entropy

import infopix


def notebook_entropy(data, levels):
    hist, _ = np.histogram(data, bins=range(levels + 1), density=True)
    return -sum(p * np.log2(p) if p > 0 else 0 for p in hist)


def best_of(func, repeat):
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    rng = np.random.default_rng(12345)
    print(f"numba threads: {numba.get_num_threads()}")
    print(f"{'image':>22} {'infopix ms':>11} {'skimage ms':>11} {'notebook ms':>12} {'x skimage':>10} {'x notebook':>11}")
    for dtype, levels in ((np.uint8, 256), (np.uint16, 65536)):
        img = rng.integers(0, levels, size=(4096, 4096)).astype(dtype)
        h = infopix.intensity_entropy(img)  # warm-up (compile / load cache)
        assert abs(h - sk_entropy(img, base=2)) < 1e-9
        t_ours = best_of(lambda: infopix.intensity_entropy(img), 7)
        t_sk = best_of(lambda: sk_entropy(img, base=2), 2)
        t_nb = best_of(lambda: notebook_entropy(img, levels), 1)
        name = f"4096x4096 {np.dtype(dtype).name}"
        print(
            f"{name:>22} {1e3 * t_ours:11.1f} {1e3 * t_sk:11.1f} {1e3 * t_nb:12.1f} "
            f"{t_sk / t_ours:10.1f} {t_nb / t_ours:11.1f}"
        )



def histogram_vs_copy_floor(repeat=9):
    """The histogram on 1 and 2 threads against the copy floor, interleaved (same load)."""
    import os

    rng = np.random.default_rng(12345)
    print(f"\nhistogram vs memory-copy floor (4096x4096; load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"{'image':>22} {'threads':>7} {'counts ms':>10} {'copy ms':>8} {'x floor':>8} {'cpu ms':>8} {'x floor':>8}")
    top = numba.config.NUMBA_NUM_THREADS
    for dtype, levels in ((np.uint8, 256), (np.uint16, 65536)):
        img = rng.integers(0, levels, size=(4096, 4096)).astype(dtype)
        dst = np.empty_like(img)
        infopix.intensity_counts(img)  # warm-up
        best = {t: np.inf for t in sorted({1, top})}
        cpu = dict(best)
        floor = cfloor = np.inf
        for _ in range(repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            np.copyto(dst, img)
            floor, cfloor = min(floor, time.perf_counter() - t0), min(cfloor, time.process_time() - c0)
            for t in best:
                numba.set_num_threads(t)
                t0, c0 = time.perf_counter(), time.process_time()
                infopix.intensity_counts(img)
                best[t] = min(best[t], time.perf_counter() - t0)
                cpu[t] = min(cpu[t], time.process_time() - c0)
        numba.set_num_threads(top)
        name = f"4096x4096 {np.dtype(dtype).name}"
        for t, v in best.items():
            print(f"{name:>22} {t:7d} {1e3 * v:10.2f} {1e3 * floor:8.2f} {v / floor:8.2f} "
                  f"{1e3 * cpu[t]:8.2f} {cpu[t] / max(cfloor, 1e-9):8.2f}")
    print("wall: best of the runs; cpu: process CPU time (all threads), the figure to read on a busy machine")


if __name__ == "__main__":
    main()
    histogram_vs_copy_floor()
