"""Benchmark of infopix.spatial against scikit-image / plain NumPy baselines.

Run: .venv/bin/python benchmarks/bench_spatial.py

1. Mutual-information profile over distances 1..64 (rows and columns) of a 1024 x 1024
   uint8 image: ``mutual_information_profile`` (one parallel kernel call for all 128
   co-occurrence tables) against a loop of ``skimage.feature.graycomatrix`` calls (one
   per distance, angles 0 and pi/2), MI computed from each table with NumPy. Values are
   checked to agree.
2. Block entropies n x n, n = 1..4, of a binary 1024 x 1024 image: ``block_entropy``
   (bit-packed pattern codes + bincount) against ``sliding_window_view`` +
   ``np.unique(axis=0)``, the usual NumPy idiom. Values are checked to agree.
3. For information: entropy_density and computable_information_density on the same
   binary image.
4. Computable information density, old against new (issue 19): the implementation of
   commit 9bd11fe (lzma preset 6 on one byte per symbol, Python Hilbert ordering, three
   full-length compressions; loaded from git as a module) against today's default
   (compiled Hilbert walk, packed symbols, zlib, references on 2**20 symbols, threads),
   at 512^2, 2048^2 and 4096^2, on a binary image and an 8-bit photograph.
   ``--cid`` runs this section only.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from skimage.feature import graycomatrix
from skimage.transform import resize

import infopix
from infopix import spatial as sp


def best_of(f, repeat=3):
    times = []
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


def plugin_h(counts):
    c = counts[counts > 0].astype(np.float64)
    p = c / c.sum()
    return float(-(p * np.log2(p)).sum())


def mi_from_table(P):
    P = P.astype(np.int64)
    return plugin_h(P.sum(axis=1)) + plugin_h(P.sum(axis=0)) - plugin_h(P.ravel())


def skimage_profile(img, distances):
    h, v = [], []
    for d in distances:
        P = graycomatrix(img, [d], [0, np.pi / 2], levels=256)
        h.append(mi_from_table(P[:, :, 0, 0]))
        v.append(mi_from_table(P[:, :, 0, 1]))
    return np.array(h), np.array(v)


def ours_profile(img, distances):
    h = sp.mutual_information_profile(img, distances, directions="horizontal").mi
    v = sp.mutual_information_profile(img, distances, directions="vertical").mi
    return h, v


def numpy_block_entropy(img, n):
    win = sliding_window_view(img, (n, n)).reshape(-1, n * n)
    _, counts = np.unique(win, axis=0, return_counts=True)
    return plugin_h(counts)


def main():
    print("infopix spatial benchmark (2-core shared machine numbers vary; best of 3)")
    cam = infopix.sample_image()
    img = (resize(cam, (1024, 1024), order=1, preserve_range=True, anti_aliasing=False)).astype(np.uint8)
    distances = np.arange(1, 65)

    # warm-up (JIT compile / cache load) on a small image
    sp.mutual_information_profile(img[:64, :64], [1, 2])
    sp.block_entropy(img[:64, :64] > 128, 2)

    t_ours, (h1, v1) = best_of(lambda: ours_profile(img, distances))
    t_iso, _ = best_of(lambda: sp.mutual_information_profile(img, distances, directions="isotropic"))
    t_sk, (h2, v2) = best_of(lambda: skimage_profile(img, distances), repeat=1)
    t_sk1, P = best_of(lambda: graycomatrix(img, distances, [0, np.pi / 2], levels=256), repeat=1)
    err = max(np.abs(h1 - h2).max(), np.abs(v1 - v2).max())
    print("\n1. MI profile, 1024 x 1024 uint8 (camera upscaled), distances 1..64, both axes")
    print(f"   infopix horizontal + vertical profiles   {t_ours:8.3f} s")
    print(f"   infopix isotropic (pooled, one call)     {t_iso:8.3f} s")
    print(f"   skimage graycomatrix loop (64 calls)     {t_sk:8.3f} s   ratio {t_sk / t_ours:6.1f}x")
    print(f"   skimage one graycomatrix call (tables only, no MI)   {t_sk1:8.3f} s   ratio {t_sk1 / t_ours:6.1f}x")
    print(f"   max |MI difference| = {err:.2e} bits")
    assert err < 1e-9

    rng = np.random.default_rng(1)
    # a binary image with structure: thresholded smoothed noise
    from scipy.ndimage import gaussian_filter

    binary = gaussian_filter(rng.standard_normal((1024, 1024)), 2.0, mode="wrap") > 0
    print("\n2. Block entropies of a binary 1024 x 1024 image")
    for n in (1, 2, 3, 4):
        t1, a = best_of(lambda: sp.block_entropy(binary, n))
        t2, b = best_of(lambda: numpy_block_entropy(binary, n), repeat=1)
        print(f"   n = {n}: infopix {t1:7.3f} s   sliding_window_view + np.unique {t2:7.3f} s   "
              f"ratio {t2 / t1:6.1f}x   H = {a:.6f} bits (|diff| {abs(a - b):.1e})")
        assert abs(a - b) < 1e-9

    print("\n3. For information (same binary image)")
    t, d = best_of(lambda: sp.entropy_density(binary), repeat=1)
    print(f"   entropy_density (conditional, k = {int(d.sizes[-1])})   {t:7.3f} s   h = {d.value:.4f} ± {d.error:.1g} bits")
    t, d = best_of(lambda: sp.entropy_density(binary, method="block"), repeat=1)
    print(f"   entropy_density (block, n = {int(d.sizes[-1])})          {t:7.3f} s   h = {d.value:.4f} ± {d.error:.1g} bits")
    for comp in ("lzma", "zlib"):
        t, r = best_of(lambda: sp.computable_information_density(binary, compressor=comp, rng=0), repeat=1)
        print(f"   CID {comp:5s} (Hilbert)                        {t:7.3f} s   ratio {r.ratio:.4f}, density {r.density:.4f} bits")


OLD_COMMIT = "9bd11fe"  # main before issue 19's CID work


def old_spatial():
    """``infopix.spatial`` as of OLD_COMMIT, loaded as ``infopix._spatial_old``."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    src = subprocess.run(["git", "-C", root, "show", f"{OLD_COMMIT}:src/infopix/spatial.py"],
                         check=True, capture_output=True, text=True).stdout
    mod = type(sys)("infopix._spatial_old")
    mod.__package__ = "infopix"
    sys.modules[mod.__name__] = mod
    exec(compile(src, "spatial_old.py", "exec"), mod.__dict__)
    return mod


def cid_section():
    from scipy.ndimage import gaussian_filter

    print(f"\n4. CID, old ({OLD_COMMIT}: lzma, byte symbols, Python Hilbert, full references) "
          f"against new (default: zlib, packed, compiled Hilbert, 2**20-symbol references)")
    print(f"   load: {os.getloadavg()[0]:.1f} (1-min average, {os.cpu_count()} CPUs)")
    old = old_spatial()
    sp.computable_information_density(np.zeros((64, 64), np.uint8), rng=0)  # compile / cache load
    sp.computable_information_density(np.zeros((64, 64), bool), rng=0)
    cam = infopix.sample_image()
    for n in (512, 2048, 4096):
        rng = np.random.default_rng(1)
        binary = gaussian_filter(rng.standard_normal((n, n)), 2.0, mode="wrap") > 0
        photo = resize(cam, (n, n), order=1, preserve_range=True, anti_aliasing=False).astype(np.uint8)
        for name, img in (("binary", binary), ("photo ", photo)):
            t_old, r_old = best_of(lambda: old.computable_information_density(img, rng=0), repeat=1)
            t_new, r_new = best_of(lambda: sp.computable_information_density(img, rng=0), repeat=3 if n < 4096 else 1)
            print(f"   {n:4d}^2 {name}  old {t_old:7.2f} s  new {t_new:6.3f} s  speed-up {t_old / t_new:6.1f}x   "
                  f"ratio {r_old.ratio:.3f} -> {r_new.ratio:.3f}, density {r_old.density:.3f} -> {r_new.density:.3f} "
                  f"bits/pixel", flush=True)
        if n == 4096:
            for comp in ("bz2", "lzma"):
                t, r = best_of(lambda: sp.computable_information_density(photo, compressor=comp, rng=0), repeat=1)
                print(f"   {n:4d}^2 photo   new with compressor={comp!r}: {t:6.2f} s  ratio {r.ratio:.3f}, "
                      f"density {r.density:.3f} bits/pixel")


if __name__ == "__main__":
    if "--cid" in sys.argv:
        cid_section()
    else:
        main()
        cid_section()
