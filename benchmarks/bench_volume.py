"""Benchmark: information measures on volumes (issue 17).

Run: .venv/bin/python benchmarks/bench_volume.py [--quick] [--big N] [--skip-ising]

Sections, each measured side by side in one run:

1. ``local_entropy`` (plug-in Shannon, cubic (2r+1)^3 window, edge='clip') on a 256^3
   uint8 volume, r = 1, 2, 3, against ``skimage.filters.rank.entropy`` with the footprint
   ``np.ones((2r+1,)*3)``. scikit-image is timed on a 256 x 256 x 64 slab of the same
   volume (a quarter; its cost per voxel does not depend on the depth) and its time per
   voxel is scaled to 256^3, as printed; ours runs on the whole volume, with all threads
   (wall) and on one thread (CPU), and on the slab too (so that both ratios, scaled and
   same-slab, are printed). The two maps agree to ~1e-14 bits on the slab (printed).
2. ``local_entropy`` of a 512^3 uint16 volume (r = 1, 2), wall time, all threads.
3. ``box_counting_dimension`` of a 512^3 binary volume, wall time.
4. The chunked local map of an N^3 uint8 volume (N = 1024 with ``--big 1024``, 512 by
   default) written from a ``.npy`` file to Zarr by ``local_map_to_zarr`` (chunks of
   256^3, r = 1), in a subprocess whose peak resident memory is read with
   ``resource.getrusage(RUSAGE_CHILDREN)``.
5. 3-D Ising checkerboard ns per attempted flip at L = 128 against the 2-D figure per
   flip (``bench_ising3d.py``'s functions, reused).

The volume of sections 1-2 is smoothed Gaussian noise (sigma 2 voxels, like a CT or
confocal texture) quantised to the dtype's range plus light noise, seed fixed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numba
import numpy as np

import infopix

HERE = Path(__file__).resolve().parent


def textured_volume(n: int, dtype, seed: int = 17, depth: int | None = None) -> np.ndarray:
    from scipy import ndimage as ndi

    rng = np.random.default_rng(seed)
    shape = (depth or n, n, n)
    v = ndi.gaussian_filter(rng.standard_normal(shape, dtype=np.float32), 2.0)
    v += 0.05 * rng.standard_normal(shape, dtype=np.float32) * v.std()
    top = np.iinfo(dtype).max
    v = (v - v.min()) / (v.max() - v.min()) * top
    return v.astype(dtype)


def timed(fn, repeats=1):
    """(best wall seconds, CPU seconds of that run, result)."""
    best = None
    for _ in range(repeats):
        c0, t0 = time.process_time(), time.perf_counter()
        res = fn()
        w, c = time.perf_counter() - t0, time.process_time() - c0
        if best is None or w < best[0]:
            best = (w, c, res)
    return best


def section_skimage(n: int, radii, slab: int):
    from skimage.filters.rank import entropy as sk_entropy

    vol = textured_volume(n, np.uint8)
    part = np.ascontiguousarray(vol[:slab])
    nthreads = numba.get_num_threads()
    infopix.local_entropy(vol[:8, :8, :8], 1)  # compile / load the cache
    print(f"\n1. local_entropy {n}^3 uint8 (plug-in, clip) vs skimage rank entropy, cubic footprint")
    print(f"   skimage timed on a {slab} x {n} x {n} slab and scaled per voxel to {n}^3")
    print("   wall: ours with all threads; CPU: ours on one thread against skimage (one thread)")
    print(f"{'r':>3} {'ours wall':>10} {'ours CPU':>9} {'sk wall':>8} {'sk CPU':>8} {'x wall':>7} "
          f"{'x CPU':>6} | {'slab: ours':>10} {'sk':>6} {'x wall':>6} | {'max|diff|':>9}")
    for r in radii:
        fp = np.ones((2 * r + 1,) * 3, dtype=bool)
        w_sk, c_sk, ref = timed(lambda: sk_entropy(part, footprint=fp))
        scale = vol.size / part.size
        w_ours, _, _ = timed(lambda: infopix.local_entropy(vol, r), repeats=2)
        w_slab, _, got = timed(lambda: infopix.local_entropy(part, r), repeats=2)
        numba.set_num_threads(1)
        _, c1, _ = timed(lambda: infopix.local_entropy(vol, r), repeats=2)
        numba.set_num_threads(nthreads)
        diff = float(np.abs(got - ref).max())
        print(f"{r:3d} {w_ours:9.2f}s {c1:8.2f}s {w_sk * scale:7.1f}s {c_sk * scale:7.1f}s "
              f"{w_sk * scale / w_ours:7.1f} {c_sk * scale / c1:6.1f} | {w_slab:9.2f}s {w_sk:5.1f}s "
              f"{w_sk / w_slab:6.1f} | {diff:9.1e}")
    del vol


def section_uint16(n: int, radii):
    vol = textured_volume(n, np.uint16)
    print(f"\n2. local_entropy {n}^3 uint16 (plug-in, clip), all threads; "
          f"{len(np.unique(vol[:64]))} distinct levels in the first 64 planes")
    for r in radii:
        w, c, _ = timed(lambda: infopix.local_entropy(vol, r))
        print(f"   r = {r}: {w:.1f} s wall, {c:.1f} s CPU ({w / vol.size * 1e9:.0f} ns/voxel wall)")
    del vol


def section_box(n: int):
    rng = np.random.default_rng(5)
    # a binary volume with structure at every scale: a thresholded smoothed noise field
    from scipy import ndimage as ndi

    field = ndi.gaussian_filter(rng.standard_normal((n, n, n), dtype=np.float32), 4.0)
    vol = field > 0
    del field
    infopix.box_counting_dimension(vol[:32, :32, :32])
    w, c, fit = timed(lambda: infopix.box_counting_dimension(vol), repeats=2)
    print(f"\n3. box_counting_dimension of a {n}^3 binary volume: {w:.2f} s wall, {c:.2f} s CPU "
          f"(D = {fit.dimension:.3f} +- {fit.stderr:.3f})")


_CHILD = r"""
import resource, sys, time
from infopix._dask import local_map_to_zarr
t = time.perf_counter()
local_map_to_zarr(sys.argv[1], sys.argv[2], radius=1, axes="zyx", chunks=256, scheduler="threads")
print(time.perf_counter() - t)
"""


def section_chunked(n: int):
    import resource

    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as d:
        src = Path(d) / "big.npy"
        mm = np.lib.format.open_memmap(src, mode="w+", dtype=np.uint8, shape=(n, n, n))
        for z in range(0, n, 64):  # a textured volume, written slab by slab
            mm[z : z + 64] = textured_volume(n, np.uint8, seed=z, depth=min(64, n - z))
        mm.flush()
        del mm
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", _CHILD, str(src), str(Path(d) / "H.zarr")],
                             capture_output=True, text=True, check=True)
        wall = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kB on Linux
        note = "" if peak > before else " (an earlier child was larger: figure is an upper bound)"
        print(f"\n4. chunked local entropy of a {n}^3 uint8 volume ({n**3 / 2**30:.2f} GiB) from .npy to "
              f"Zarr (float64 out, chunks 256^3, r = 1): {wall:.0f} s wall (map and write "
              f"{float(out.stdout.strip()):.0f} s), peak RSS {peak / 2**20:.2f} GiB{note}")


def section_ising(quick: bool):
    sys.path.insert(0, str(HERE))
    import bench_ising3d as b

    rng = np.random.default_rng(2)
    s3 = np.where(rng.random((b.L3,) * 3) < 0.5, -1, 1).astype(np.int8)
    s2 = np.where(rng.random((b.L2, b.L2)) < 0.5, -1, 1).astype(np.int8)
    t = numba.get_num_threads()
    w3, c3 = b.per_flip_3d(s3, t)
    w2, c2 = b.per_flip_2d(s2, t)
    numba.set_num_threads(t)
    print(f"\n5. Ising checkerboard, {t} threads: 3-D L = {b.L3}: {w3:.2f} ns/flip wall "
          f"({c3:.2f} CPU/thread); 2-D L = {b.L2}: {w2:.2f} ns/flip ({c2:.2f}); 3-D / 2-D = "
          f"{w3 / w2:.2f} wall, {c3 / c2:.2f} CPU")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="128^3 / 256^3 sizes, r = 1 only")
    ap.add_argument("--big", type=int, default=512, help="edge of the chunked volume (1024 for the issue's figure)")
    ap.add_argument("--skip-ising", action="store_true")
    ap.add_argument("--only", type=int, default=0, help="run one section (1-5)")
    a = ap.parse_args()
    print(f"infopix {infopix.__version__}, {numba.get_num_threads()} threads, load {os.getloadavg()}")
    n1, n2, nb = (128, 256, 256) if a.quick else (256, 512, 512)
    radii = (1,) if a.quick else (1, 2, 3)
    run = (lambda k: a.only in (0, k))
    if run(1):
        section_skimage(n1, radii, slab=n1 // 4)
    if run(2):
        section_uint16(n2, (1,) if a.quick else (1, 2))
    if run(3):
        section_box(nb)
    if run(4):
        section_chunked(a.big if not a.quick else 256)
    if run(5) and not a.skip_ising:
        section_ising(a.quick)
    print(f"load {os.getloadavg()}")


if __name__ == "__main__":
    main()
