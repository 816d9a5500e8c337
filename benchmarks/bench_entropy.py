"""Intensity entropy of a 4096x4096 image: infopix vs scikit-image vs the notebook.

Run: .venv/bin/python benchmarks/bench_entropy.py

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


if __name__ == "__main__":
    main()
