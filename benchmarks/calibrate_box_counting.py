"""Calibration of box counting's reported standard error (infopix.box_counting_dimension).

Run: .venv/bin/python benchmarks/calibrate_box_counting.py [--seeds 200] [--canvases 40]

For sets whose dimension is exact, every fit with default settings gives an actual
error (estimate - exact) and a reported standard error. Per kind of set the script
prints the actual errors' mean (bias), standard deviation and RMS, the mean reported
error, their ratio ``RMS / mean(stderr)`` (1: calibrated; below 1: the reported error
is conservative; above 1: it understates the actual error), the RMS of the
standardised errors ``z = error / stderr``, how often the exact value lies within one
and two reported errors, how often the reported error is below 0.05, and the mean
parts of the error (regression / origins and ladders / edges).

- Random Cantor dusts (:func:`infopix.fractal.synthetic.random_cantor_dust`), seeds
  0 .. ``--seeds - 1``: independent realisations of the same construction, so the
  ratio is a real calibration (its sampling error for 200 seeds is about 5 %).
- Deterministic sets (Sierpinski triangle, carpet, Vicsek, Koch) drawn at a random
  offset in ``--canvases`` canvases whose sides are the set's plus 0 to 60 % (seeded;
  the first is the bare set): the grid is registered at the set's corner, so the
  canvas changes only the size ladder (``ceil(L / k)`` of the canvas's shorter side).
  These realisations share one set and most of its error: the ratio is close to one
  draw's ``|z|``, not an average over independent sets.
"""

from __future__ import annotations

import argparse
import math
import os
import time
import warnings

import numpy as np

import infopix
from infopix.fractal import FractalWarning, synthetic as S

L2, L3, L5 = math.log(2), math.log(3), math.log(5)

#: (name, level, base, keep): random dusts, dimension log keep / log base
DUSTS = [
    ("dust base 3 keep 4, 243", 5, 3, 4), ("dust base 3 keep 4, 729", 6, 3, 4),
    ("dust base 3 keep 5, 243", 5, 3, 5), ("dust base 3 keep 5, 729", 6, 3, 5),
    ("dust base 3 keep 6, 243", 5, 3, 6), ("dust base 3 keep 6, 729", 6, 3, 6),
    ("dust base 5 keep 8, 625", 4, 5, 8), ("dust base 5 keep 12, 625", 4, 5, 12),
]

#: (name, builder, dimension): deterministic sets, drawn in canvases
DETERMINISTIC = [
    ("triangle 256", lambda: S.sierpinski(8), L3 / L2),
    ("triangle 512", lambda: S.sierpinski(9), L3 / L2),
    ("carpet 243", lambda: S.carpet(5), math.log(8) / L3),
    ("carpet 729", lambda: S.carpet(6), math.log(8) / L3),
    ("vicsek 243", lambda: S.vicsek(5), L5 / L3),
    ("vicsek 729", lambda: S.vicsek(6), L5 / L3),
    ("koch 243", lambda: S.koch_curve(5), math.log(4) / L3),
    ("koch 729", lambda: S.koch_curve(6), math.log(4) / L3),
]


def in_canvas(img: np.ndarray, i: int) -> np.ndarray:
    """Canvas ``i`` (0: the bare set): sides + 0..60 %, the set at a random offset."""
    if i == 0:
        return img
    r = np.random.default_rng(1000 + i)
    n = img.shape[0]
    h, w = n + r.integers(0, int(0.6 * n), 2)
    y, x = r.integers(0, h - n + 1), r.integers(0, w - n + 1)
    out = np.zeros((h, w), bool)
    out[y : y + n, x : x + n] = img
    return out


def fits(images, dim):
    """(errors, stderrs, components (R, 3), curved) of the default fit of each image."""
    err, se, parts, curved = [], [], [], []
    for img in images:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FractalWarning)
            f = infopix.box_counting_dimension(img)
        err.append(f.dimension - dim)
        se.append(f.stderr)
        parts.append(list(f.stderr_components.values()))
        curved.append(f.curved)
    return np.array(err), np.array(se), np.array(parts), np.array(curved)


def row(name, n, err, se, parts, curved):
    rms = float(np.sqrt(np.mean(err**2)))
    z = err / se
    p = parts.mean(axis=0)
    return (
        f"| {name} | {n} | {err.mean():+.4f} | {err.std(ddof=1):.4f} | {rms:.4f} | "
        f"{se.mean():.4f} | {rms / se.mean():.2f} | {np.sqrt(np.mean(z**2)):.2f} | "
        f"{np.mean(np.abs(z) < 1):.2f} | {np.mean(np.abs(z) < 2):.3f} | "
        f"{np.mean(se < 0.05):.2f} | {p[0]:.3f} / {p[1]:.3f} / {p[2]:.3f} | {np.mean(curved):.2f} |"
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=200, help="random dusts per kind")
    ap.add_argument("--canvases", type=int, default=40, help="canvases per deterministic set")
    args = ap.parse_args()
    t0, c0 = time.perf_counter(), time.process_time()
    print(f"# box counting calibration, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print("| set | n | bias | sd | RMS error | mean stderr | RMS / stderr | RMS z | "
          "within 1 | within 2 | stderr < 0.05 | parts (reg / orig+ladders / edges) | curved |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, level, base, keep in DUSTS:
        images = (S.random_cantor_dust(level, base, keep, rng=s) for s in range(args.seeds))
        out = fits(images, math.log(keep) / math.log(base))
        print(row(name, args.seeds, *out), flush=True)
    for name, build, dim in DETERMINISTIC:
        img = build()
        out = fits((in_canvas(img, i) for i in range(args.canvases)), dim)
        print(row(name + " (canvases)", args.canvases, *out), flush=True)
    print(f"\n{time.perf_counter() - t0:.0f} s wall, {time.process_time() - c0:.0f} s CPU")


if __name__ == "__main__":
    main()
