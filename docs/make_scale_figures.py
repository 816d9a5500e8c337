"""Make the figures of docs/scale.md (issue 6). Run from the repository root:

    .venv/bin/python docs/make_scale_figures.py

Writes docs/figures/scale_*.png and prints the numbers quoted in docs/scale.md.
Takes about a minute; the cost figure is timed on this machine when the script runs.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import infopix  # noqa: E402
from infopix import scale as sc  # noqa: E402

OUT = Path(__file__).resolve().parent / "figures"
SEED = 20_200_528


def save(fig, name):
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


def noise_law():
    """Fixed-bin entropy of blurred uniform noise: one bit per doubling of sigma."""
    n = 1024
    x = np.random.default_rng(SEED).random((n, n))
    sig = 2.0 ** np.arange(-1, 10.01, 0.5)
    sig = np.concatenate([[0], sig])
    curves = {b: infopix.entropy_vs_scale(x, sig, mode="wrap", bins=b, range=(0, 1)) for b in (255, 256)}
    law_std = np.sqrt((1 / 12) / (4 * np.pi * sig[1:] ** 2))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8), constrained_layout=True)
    for b, c in curves.items():
        ax1.plot(sig[1:], c.entropies[1:], "o-", ms=3, label=f"{b} bins over [0, 1]")
    width = 1 / 255
    ax1.plot(sig[1:], np.log2(np.sqrt(2 * np.pi * np.e) * law_std / width), "k--", lw=1,
             label="log2(sqrt(2 pi e) std / bin), std$^2$ = (1/12)/(4 pi sigma$^2$)")
    ax1.set_xscale("log", base=2)
    ax1.set_ylim(-0.2, 8.5)
    ax1.set_xlabel("sigma (px)")
    ax1.set_ylabel("intensity entropy (bits)")
    ax1.set_title("1024x1024 uniform noise, mode='wrap', fixed bins", fontsize=9)
    ax1.legend(fontsize=7)
    c = curves[255]
    ax2.loglog(sig[1:], c.stds[1:], "o", ms=3, label="measured std")
    ax2.loglog(sig[1:], law_std, "k--", lw=1, label="(1/12)/(4 pi sigma$^2$), square-rooted")
    ax2.axhline(width, color="gray", lw=0.8, ls=":", label="one bin")
    ax2.set_xlabel("sigma (px)")
    ax2.set_ylabel("std of the blurred image")
    ax2.set_title("the variance law (a torus of 1024 px flattens beyond sigma ~ 100)", fontsize=9)
    ax2.legend(fontsize=7)
    save(fig, "scale_noise_law.png")
    h = dict(zip(c.scales_px.tolist(), c.entropies))
    print(f"  drops (255 bins): 2->4 {h[2] - h[4]:.4f} bit, 4->8 {h[4] - h[8]:.4f} bit; "
          f"H(256 px) = {h[256]:.3f}, H(512 px) = {h[512]:.3f}")
    h6 = dict(zip(curves[256].scales_px.tolist(), curves[256].entropies))
    print(f"  256 bins (mean on a bin edge): H(64) = {h6[64]:.3f}, H(128) = {h6[128]:.3f}, H(512) = {h6[512]:.3f}")


def pil_curve(x, ks):
    from PIL import Image, ImageFilter

    img = Image.fromarray(x)
    out = []
    for k in ks:
        d = np.asarray(img.filter(ImageFilter.GaussianBlur(float(k * max(x.shape)))))
        p = np.bincount(d.ravel(), minlength=256) / d.size
        p = p[p > 0]
        out.append(float(-(p * np.log2(p)).sum()))
    return np.array(out)


def gigo():
    """The notebook's 250x250 noise with k * scale, k in linspace(0, 0.3, 75)."""
    x = (256 * np.random.default_rng(SEED).random((250, 250))).astype(np.uint8)
    ks = np.linspace(0, 0.3, 75)
    pil = pil_curve(x, ks)
    near_q = infopix.entropy_vs_scale(x, ks, unit="fraction", quantize=True, mode="nearest")
    near_f = infopix.entropy_vs_scale(x, ks, unit="fraction", quantize=False, mode="nearest")
    wrap = infopix.entropy_vs_scale(x, ks, unit="fraction", mode="wrap")
    refl = infopix.entropy_vs_scale(x, ks, unit="fraction", mode="reflect")
    wrap255 = infopix.entropy_vs_scale(x, ks, unit="fraction", mode="wrap", bins=255, range=(0, 255))
    fig = plt.figure(figsize=(11, 6.6), constrained_layout=True)
    gs = fig.add_gridspec(2, 4, height_ratios=[1.6, 1])
    ax1 = fig.add_subplot(gs[0, :2])
    ax2 = fig.add_subplot(gs[0, 2:], sharey=ax1)
    ax1.plot(ks, pil, "o-", ms=2.5, label="PIL GaussianBlur (the notebook)")
    ax1.plot(ks, near_q.entropies, "s-", ms=2.5, label="infopix, mode='nearest', quantize=True")
    ax1.plot(ks, near_f.entropies, "--", lw=1, color="k", label="infopix, mode='nearest', float in fixed bins")
    i = int(np.argmin(near_q.entropies))
    ax1.axvline(ks[i], color="gray", lw=0.8, ls=":")
    ax1.set_title(f"the notebook's curve: stops falling at k = {ks[i]:.3f} (sigma = {ks[i] * 250:.0f} px), then climbs", fontsize=9)
    ax2.plot(ks, wrap.entropies, "o-", ms=2.5, label="mode='wrap' (no border), 256 unit bins")
    ax2.plot(ks, refl.entropies, "s-", ms=2.5, label="mode='reflect', 256 unit bins")
    ax2.plot(ks, wrap255.entropies, "^-", ms=2.5, label="mode='wrap', 255 bins over [0, 255]")
    ax2.set_title("the same blur without the border: keeps falling, to 0", fontsize=9)
    for ax in (ax1, ax2):
        ax.set_xlabel("k (sigma / 250 px)")
        ax.set_ylim(0, 8.2)
        ax.legend(fontsize=7)
    ax1.set_ylabel("intensity entropy (bits)")
    k_show = 0.25
    from PIL import Image, ImageFilter

    pil_img = np.asarray(Image.fromarray(x).filter(ImageFilter.GaussianBlur(k_show * 250)))
    shows = [
        ("PIL, k = 0.25", pil_img),
        ("nearest, k = 0.25", infopix.gaussian_blur(x, k_show * 250, mode="nearest", output="input")),
        ("reflect, k = 0.25", infopix.gaussian_blur(x, k_show * 250, mode="reflect", output="input")),
        ("wrap, k = 0.25", infopix.gaussian_blur(x, k_show * 250, mode="wrap", output="input")),
    ]
    for j, (title, im) in enumerate(shows):
        ax = fig.add_subplot(gs[1, j])
        ax.imshow(im, cmap="gray", vmin=120, vmax=135)
        ax.set_title(f"{title}: {len(np.unique(im))} levels\n(grey scale 120..135)", fontsize=8)
        ax.set_axis_off()
    save(fig, "scale_gigo.png")
    print(f"  notebook curve: PIL min {pil.min():.2f} bits at k = {ks[np.argmin(pil)]:.3f}, "
          f"{pil[-1]:.2f} at k = 0.3; nearest+quantize min {near_q.entropies.min():.2f} at "
          f"k = {ks[i]:.3f}, {near_q.entropies[-1]:.2f} at 0.3")
    print(f"  max |quantize=True - fixed bins| (nearest): {np.abs(near_q.entropies - near_f.entropies).max():.2e} bits")
    print(f"  wrap at k = 0.3: {wrap.entropies[-1]:.2f} bits (256 unit bins), {wrap255.entropies[-1]:.2f} (255 bins); "
          f"reflect {refl.entropies[-1]:.2f}; mean of the noise {x.mean():.3f}")


def semigroup():
    img = infopix.sample_image()
    cases = [("reflect", False), ("nearest", False), ("reflect", True)]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.4), constrained_layout=True)
    for ax, (mode, q) in zip(axes, cases):
        r = infopix.semigroup_check(img, 2.0, 10, mode=mode, quantize=q)
        r.plot(ax=ax, symlog=(mode == "nearest"))
        print(f"  semigroup {mode:8s} quantize={q!s:5s}: interior max {r.interior_max:.2e} rms {r.interior_rms:.2e}; "
              f"border max {r.border_max:.2e} rms {r.border_rms:.2e}")
    save(fig, "scale_semigroup.png")


def strip():
    img = infopix.sample_image()
    ks = np.linspace(0, 0.5, 41)
    c = infopix.entropy_vs_scale(img, ks, unit="fraction")
    q = infopix.entropy_vs_scale(img, ks, unit="fraction", mode="wrap")
    fig = plt.figure(figsize=(12, 5.6), constrained_layout=True)
    gs = fig.add_gridspec(2, 6, height_ratios=[1.5, 1])
    ax = fig.add_subplot(gs[0, :])
    c.plot(ax=ax, label="mode='reflect'")
    q.plot(ax=ax, label="mode='wrap'")
    ax.legend(fontsize=8)
    ax.set_title("camera (512x512): entropy vs scale, 256 fixed unit bins", fontsize=9)
    rings = [0, 0.01, 0.05, 0.125, 0.25, 0.5]  # the notebook's `rings`
    c.plot_strip(rings, axes=[fig.add_subplot(gs[1, j]) for j in range(6)])
    save(fig, "scale_strip.png")
    print(f"  camera: H(0) = {c.entropies[0]:.3f}, H(k=0.5) = {c.entropies[-1]:.3f} bits (reflect)")


def cost():
    x = np.kron(infopix.sample_image(), np.ones((2, 2))).astype(np.float64)
    sig = [1, 2, 4, 8, 16, 32, 64, 256, 1024]
    res = {}
    spectral = sc._SpectralBlur(x, "reflect")
    for label, f in (
        ("direct (SciPy), reflect", lambda s: sc.gaussian_blur(x, s, method="direct")),
        ("FFT/DCT, reflect", lambda s: sc.gaussian_blur(x, s, method="fft")),
        ("FFT, nearest", lambda s: sc.gaussian_blur(x, s, mode="nearest", method="fft")),
        ("per scale in a curve, reflect", lambda s: spectral.blur(sc.gaussian_kernel1d(s))),
    ):
        ts = []
        for s in sig:
            if label.startswith("direct") and s > 64:
                ts.append(np.nan)
                continue
            best = math.inf
            for _ in range(2):
                t = time.perf_counter()
                f(s)
                best = min(best, time.perf_counter() - t)
            ts.append(best * 1e3)
        res[label] = ts
    fig, ax = plt.subplots(figsize=(6, 4), constrained_layout=True)
    for label, ts in res.items():
        ax.loglog(sig, ts, "o-", ms=3, label=label)
    ax.set_xlabel("sigma (px)")
    ax.set_ylabel("ms per 1024x1024 float64 blur")
    ax.set_title(f"cost vs sigma (2-core shared machine, {time.strftime('%Y-%m-%d')})", fontsize=9)
    ax.legend(fontsize=7)
    save(fig, "scale_cost.png")
    for label, ts in res.items():
        print(f"  {label:32s} " + " ".join(f"{t:7.1f}" for t in ts))


if __name__ == "__main__":
    for f in (noise_law, gigo, semigroup, strip, cost):
        print(f.__name__)
        f()
