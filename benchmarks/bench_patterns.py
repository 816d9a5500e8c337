"""Benchmark of infopix.patterns against ordpy, side by side in one run.

Run: .venv/bin/python benchmarks/bench_patterns.py

1. Permutation entropy and statistical complexity of 1024 x 1024 images (i.i.d. noise
   and the bundled camera image upscaled) with 2x2 and 3x3 patterns: one
   ``ordinal_distribution`` + ``permutation_entropy`` + ``complexity_entropy_plane``
   against one ``ordpy.complexity_entropy`` call (which returns both numbers). Values
   are checked to agree to 1e-12.
2. 4x4 patterns (16! ~ 2.1e13 states) on 1024 x 1024: target under 5 s; with the
   plug-in and NSB estimators. ordpy's ``complexity_entropy`` also runs here (it never
   enumerates the 16! states for H and C; its Fisher information and missing patterns
   do), and is timed once.
3. Gliding-box lacunarity of a 4096 x 4096 binary image at 16 box sides: target under
   1 s.
4. SampEn2D (m = 2, r = 0.2 std) of U(0,1) noise: ``sample_entropy_2d`` against
   EntropyHub's ``SampEn2D`` (all pairs, ``Lock=False``) at 64² and 128², checked equal;
   ours alone at 1024² (target under 30 s) and on the camera image at 256².

Times are the best of a few runs (after one warm-up call that compiles the kernels).
"""

from __future__ import annotations

import os
import time

import numpy as np

import infopix
from infopix.patterns import (
    complexity_entropy_plane,
    lacunarity,
    ordinal_distribution,
    permutation_entropy,
    sample_entropy_2d,
)


def best_of(f, repeat=3):
    times = []
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


def ours(img, d):
    dist = ordinal_distribution(img, dx=d, dy=d)
    h = permutation_entropy(dist).value
    c = complexity_entropy_plane(dist).complexity
    return h, c


def main():
    import ordpy
    from skimage.transform import resize

    print(f"load: {os.getloadavg()}")
    rng = np.random.default_rng(20261129)
    noise = rng.random((1024, 1024))
    cam = (resize(infopix.sample_image(), (1024, 1024), order=1, preserve_range=True)).astype(np.uint8)
    ours(noise[:16, :16], 2)
    ours(noise[:16, :16], 3)
    ours(noise[:16, :16], 4)

    print("\n1. permutation entropy + statistical complexity, 1024 x 1024")
    print(f"{'image':8s} {'pattern':8s} {'infopix':>10s} {'ordpy':>10s} {'ratio':>8s}  max |diff|")
    for name, img in (("noise", noise), ("camera", cam)):
        for d in (2, 3):
            t_ours, (h, c) = best_of(lambda: ours(img, d), 3)
            t_ord, (h2, c2) = best_of(lambda: ordpy.complexity_entropy(img, dx=d, dy=d), 1)
            diff = max(abs(h - h2), abs(c - c2))
            assert diff < 1e-12, diff
            print(f"{name:8s} {d}x{d}      {t_ours:9.3f}s {t_ord:9.3f}s {t_ord / t_ours:7.1f}x  {diff:.1e}")

    print("\n2. 4x4 patterns on 1024 x 1024")
    for name, img in (("noise", noise), ("camera", cam)):
        t, (h, c) = best_of(lambda: ours(img, 4), 3)
        dist = ordinal_distribution(img, dx=4, dy=4)
        tn, e = best_of(lambda: permutation_entropy(dist, estimator="nsb"), 1)
        print(f"{name:8s} H+C plug-in {t:.3f} s (H = {h:.6f}, C = {c:.6f}, {dist.n_observed} of 16! patterns);"
              f" NSB from the counts {tn:.3f} s (H = {e.value:.6f} ± {e.std:.2g})")
    t_ord, (h2, c2) = best_of(lambda: ordpy.complexity_entropy(cam, dx=4, dy=4), 1)
    h, c = ours(cam, 4)
    print(f"camera   ordpy complexity_entropy 4x4: {t_ord:.3f} s (|diff| {max(abs(h - h2), abs(c - c2)):.1e})")

    print("\n3. lacunarity, 4096 x 4096 binary, 16 box sides")
    big = rng.random((4096, 4096)) < 0.3
    lacunarity(big[:64, :64])
    t, L = best_of(lambda: lacunarity(big), 3)
    print(f"{L.sizes.size} sides {L.sizes.tolist()}: {t:.3f} s; Lambda(1) = {L.lacunarity[0]:.6f} "
          f"(1/p = {1 / 0.3:.6f}), slope {L.slope:.3f} ± {L.slope_stderr:.2g}")

    print("\n4. SampEn2D, m = 2, r = 0.2 std")
    import warnings

    import EntropyHub as EH

    sample_entropy_2d(noise[:16, :16])
    for n in (64, 128):
        img = noise[:n, :n]
        t_ours, s = best_of(lambda: sample_entropy_2d(img, m=2), 3)
        with warnings.catch_warnings(), np.errstate(divide="ignore"):
            warnings.simplefilter("ignore")
            t_eh, (v, phi) = best_of(lambda: EH.SampEn2D(img, m=2, r=0.2 * np.std(img), Lock=False), 1)
        assert s.phi == tuple(phi), (s.phi, phi)
        print(f"{n}x{n} noise: infopix {t_ours:.4f} s, EntropyHub {t_eh:.2f} s ({t_eh / t_ours:.0f}x), "
              f"SampEn2D {s.value:.4f} (A = {s.matches_m1}, B = {s.matches_m}, identical counts)")
    t, s = best_of(lambda: sample_entropy_2d(noise, m=2), 1)
    print(f"1024x1024 noise: infopix {t:.2f} s, SampEn2D {s.value:.4f} (A = {s.matches_m1}, B = {s.matches_m}; "
          f"i.i.d. expectation {-5 * np.log(2 * s.r - s.r**2):.4f})")
    cam256 = cam[::4, ::4]
    t, s = best_of(lambda: sample_entropy_2d(cam256, m=2), 1)
    print(f"camera 256x256: infopix {t:.2f} s, SampEn2D {s.value:.4f} (A = {s.matches_m1}, B = {s.matches_m}): "
          f"the cost follows the number of matching pairs")
    print(f"\nload: {os.getloadavg()}")


if __name__ == "__main__":
    main()
