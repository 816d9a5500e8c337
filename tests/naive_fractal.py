"""Slow, loop-based references for the fractal kernels (the truth the fast code meets).

Each function loops over boxes with plain Python and NumPy slicing, with the same
conventions as :mod:`infopix.fractal`: origin-registered grids, far-edge boxes padded
with background for binary box counting, complete boxes only for measures and DBC.
"""

from __future__ import annotations

import math

import numpy as np


def box_counts(binary: np.ndarray, sizes) -> np.ndarray:
    """Occupied boxes per size, box (i, j) = binary[i*s:(i+1)*s, j*s:(j+1)*s]."""
    M, N = binary.shape
    out = []
    for s in sizes:
        n = 0
        for i in range(0, M, s):
            for j in range(0, N, s):
                if binary[i : i + s, j : j + s].any():
                    n += 1
        out.append(n)
    return np.array(out, dtype=float)


def dbc_counts(z: np.ndarray, sizes, *, variant="relative", grey_range=None) -> np.ndarray:
    """Differential box counts N(s) with the same conventions as ``dbc_dimension``."""
    z = np.asarray(z, dtype=float)
    z = z - z.min()
    g = float(z.max()) if grey_range is None else float(grey_range)
    if g == 0:
        g = 1.0
    M, N = z.shape
    L = min(M, N)
    ov = 1 if variant == "relative" else 0
    out = []
    for s in sizes:
        h = s * g / L
        nr, nc = (M - ov) // s, (N - ov) // s
        total = 0.0
        for i in range(nr):
            for j in range(nc):
                blk = z[i * s : (i + 1) * s + ov, j * s : (j + 1) * s + ov]
                hi, lo = blk.max(), blk.min()
                if variant == "relative":
                    total += math.floor((hi - lo) / h) + 1
                else:
                    total += math.floor(hi / h) - math.floor(lo / h) + 1
        out.append(total * ((M - ov) * (N - ov)) / (nr * nc * s * s))
    return np.array(out)


def box_probabilities(mu: np.ndarray, s: int) -> np.ndarray:
    """Probabilities of the complete s x s boxes (renormalised), zeros included."""
    M, N = mu.shape
    nr, nc = M // s, N // s
    p = np.array(
        [[mu[i * s : (i + 1) * s, j * s : (j + 1) * s].sum() for j in range(nc)] for i in range(nr)]
    ).ravel()
    return p / p.sum()


def renyi_sums(p: np.ndarray, q: float, cut: float = 0.0):
    """(log sum p^q, sum mu log p, sum mu log mu) over p > 0 (and p >= cut when q < 0)."""
    keep = p > 0
    if q < 0:
        keep &= p >= cut
    p = p[keep]
    z = sum(float(x) ** q for x in p)
    mu = [float(x) ** q / z for x in p]
    return (
        math.log(z),
        sum(m * math.log(x) for m, x in zip(mu, p)),
        sum(m * math.log(m) for m in mu if m > 0),
    )


def renyi_entropy(p: np.ndarray, q: float) -> float:
    """Rényi entropy in nats of the non-zero p (Shannon at q = 1)."""
    p = p[p > 0]
    if q == 1:
        return -sum(float(x) * math.log(x) for x in p)
    return math.log(sum(float(x) ** q for x in p)) / (1 - q)


def ols_slope(x, y):
    """Least-squares slope by the textbook formula."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    xm, ym = x.mean(), y.mean()
    return float(((x - xm) * (y - ym)).sum() / ((x - xm) ** 2).sum())


def box_counts_offset(binary: np.ndarray, s: int, *offsets):
    """(padded, area) box counts of a 2-D image or 3-D volume on the grid with lines at
    ``offsets[a] + i s`` along each axis: occupied boxes counted as 1, and by the
    fraction of their area (volume) inside."""
    import itertools

    edges = []
    for n, o in zip(binary.shape, offsets):
        e = ([0] if o > 0 else []) + list(range(o, n, s)) + [n]
        edges.append([(a, b) for a, b in zip(e[:-1], e[1:]) if b > a])
    padded, area = 0, 0.0
    for box in itertools.product(*edges):
        if binary[tuple(slice(a, b) for a, b in box)].any():
            padded += 1
            area += math.prod(b - a for a, b in box) / s**binary.ndim
    return padded, area
