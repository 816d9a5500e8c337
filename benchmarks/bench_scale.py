"""Benchmark infopix.scale against the notebook's PIL loop (issue 6).

Run:  .venv/bin/python benchmarks/bench_scale.py  (about 1-2 minutes)

1. An entropy-vs-scale curve of 50 scales on a 1024x1024 uint8 image: infopix
   (exact Gaussian, fixed bins) against the notebook's loop (PIL GaussianBlur(k * scale)
   + np.histogram + Shannon), with the ratio.
2. Cost of one blur against sigma: SciPy's direct separable filter against the exact
   FFT evaluation (what `method='auto'` switches between at FFT_MIN_RADIUS), and the
   per-scale cost inside a curve (one inverse transform per scale).
"""

from __future__ import annotations

import time

import numpy as np

import infopix
from infopix import scale as sc


def best_of(f, repeat=3):
    ts = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    return min(ts)


def notebook_curve(img, ks):
    """The notebook's intensity_blur(img, ks, display=False), verbatim in spirit."""
    from PIL import Image, ImageFilter

    pil = Image.fromarray(img)
    scale = max(np.shape(img))
    results = []
    for k in ks:
        simg = pil.filter(ImageFilter.GaussianBlur(float(k * scale)))
        data = np.array(simg)
        ihist, _ = np.histogram(data, bins=range(256 + 1), density=True)
        p = ihist[ihist > 0]
        results.append((k, float(-(p * np.log2(p)).sum())))
    return results


def main():
    img = np.kron(infopix.sample_image(), np.ones((2, 2), dtype=np.uint8))  # 1024x1024 uint8
    print(f"image {img.shape} {img.dtype}; numpy {np.__version__}")
    # warm-up: numba kernel load, FFT plans
    infopix.entropy_vs_scale(img[:64, :64], [0, 1, 20])

    print("\n1. entropy-vs-scale curve, 50 scales, 1024x1024")
    for label, ks in (("notebook range k = 0..1.5 (sigma 0..1536 px)", np.linspace(0, 1.5, 50)),
                      ("fine range k = 0..0.05 (sigma 0..51 px)", np.linspace(0, 0.05, 50))):
        t_pil = best_of(lambda: notebook_curve(img, ks), repeat=1)
        for mode in ("reflect", "nearest"):
            t_ours = best_of(lambda: infopix.entropy_vs_scale(img, ks, unit="fraction", mode=mode), repeat=1)
            print(f"  {label:45s} {mode:8s} infopix {t_ours:6.2f} s   PIL loop {t_pil:6.2f} s   "
                  f"ratio infopix/PIL {t_ours / t_pil:5.2f}")

    print("\n2. one blur of the 1024x1024 image (float64), ms")
    x = img.astype(np.float64)
    print(f"  {'sigma':>6} {'radius':>6} | {'reflect direct':>14} {'reflect fft':>11} | "
          f"{'nearest direct':>14} {'nearest fft':>11} | {'curve step (reflect)':>20}")
    spectral = sc._SpectralBlur(x, "reflect")
    for sigma in (1, 2, 4, 6, 8, 12, 16, 32, 64, 128, 512):
        r = int(4 * sigma + 0.5)
        row = []
        for mode in ("reflect", "nearest"):
            for method in ("direct", "fft"):
                if method == "direct" and sigma > 64:
                    row.append(float("nan"))  # seconds each; linear in the radius
                    continue
                row.append(1e3 * best_of(lambda: sc.gaussian_blur(x, sigma, mode=mode, method=method), repeat=2))
        w = sc.gaussian_kernel1d(sigma)
        step = 1e3 * best_of(lambda: spectral.blur(w), repeat=2)
        print(f"  {sigma:6g} {r:6d} | {row[0]:14.1f} {row[1]:11.1f} | {row[2]:14.1f} {row[3]:11.1f} | {step:20.1f}")
    print(f"\n  method='auto' uses FFT from radius {sc.FFT_MIN_RADIUS}; curves with a periodic mode use "
          f"one inverse transform per scale from radius {sc.CURVE_SPECTRAL_MIN_RADIUS}.")


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")
