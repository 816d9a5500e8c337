"""Slow, loop-based references for infopix.patterns (ordinal patterns, lacunarity,
structural complexity). Written from the definitions, independently of the kernels."""

from __future__ import annotations

import itertools
import math

import numpy as np


def lex_rank(perm) -> int:
    """Rank of a permutation of 0..n-1 in lexicographic order (by counting)."""
    n = len(perm)
    rank = 0
    for i in range(n):
        smaller_later = sum(1 for j in range(i + 1, n) if perm[j] < perm[i])
        rank += smaller_later * math.factorial(n - 1 - i)
    return rank


def ordinal_counts(img, dx, dy, taux=1, tauy=1, overlapping=True) -> dict[int, int]:
    """{lexicographic rank of argsort(window, stable): count} over the windows."""
    img = np.asarray(img)
    M, N = img.shape
    sy, sx = ((dy - 1) * tauy + 1, (dx - 1) * taux + 1) if not overlapping else (1, 1)
    out: dict[int, int] = {}
    for y in range(0, M - (dy - 1) * tauy, sy):
        for x in range(0, N - (dx - 1) * taux, sx):
            w = [img[y + a * tauy, x + b * taux] for a in range(dy) for b in range(dx)]
            perm = sorted(range(len(w)), key=lambda e: (w[e], e))  # stable argsort
            r = lex_rank(perm)
            out[r] = out.get(r, 0) + 1
    return out


def ordinal_counts_3d(vol, dx, dy, dz, taux=1, tauy=1, tauz=1) -> dict[int, int]:
    """{lexicographic rank: count} of the dz x dy x dx windows of a (Z, M, N) volume,
    each flattened slice by slice, row-major (stable argsort, as for images)."""
    vol = np.asarray(vol)
    Z, M, N = vol.shape
    out: dict[int, int] = {}
    for z in range(Z - (dz - 1) * tauz):
        for y in range(M - (dy - 1) * tauy):
            for x in range(N - (dx - 1) * taux):
                w = [vol[z + c * tauz, y + a * tauy, x + b * taux] for c in range(dz) for a in range(dy) for b in range(dx)]
                perm = sorted(range(len(w)), key=lambda e: (w[e], e))
                r = lex_rank(perm)
                out[r] = out.get(r, 0) + 1
    return out


def pattern_code_grid(img, dx, dy, taux=1, tauy=1) -> list[list[int]]:
    """The lexicographic rank of the pattern anchored at every (y, x), as nested lists."""
    img = np.asarray(img)
    M, N = img.shape
    grid = []
    for y in range(M - (dy - 1) * tauy):
        row = []
        for x in range(N - (dx - 1) * taux):
            w = [img[y + a * tauy, x + b * taux] for a in range(dy) for b in range(dx)]
            row.append(lex_rank(sorted(range(len(w)), key=lambda e: (w[e], e))))
        grid.append(row)
    return grid


def full_probabilities(counts: dict[int, int], K: int) -> np.ndarray:
    """The probability of each of the K patterns, in lexicographic order."""
    p = np.zeros(K)
    tot = sum(counts.values())
    for r, c in counts.items():
        p[r] = c / tot
    return p


def entropy_complexity(p_full: np.ndarray) -> tuple[float, float]:
    """(H / log K, C) from the full probability vector, by the textbook formulas."""
    K = p_full.size
    u = np.full(K, 1.0 / K)

    def S(q):
        q = q[q > 0]
        return -float(np.sum(q * np.log(q)))

    H = S(p_full) / math.log(K)
    js = S((p_full + u) / 2) - S(p_full) / 2 - S(u) / 2
    delta = np.zeros(K)
    delta[0] = 1.0
    js_max = S((delta + u) / 2) - S(delta) / 2 - S(u) / 2
    return H, H * js / js_max


def fisher(p_full: np.ndarray) -> float:
    """ordpy's convention: F0 sum (sqrt p_{i+1} - sqrt p_i)^2, F0 = 1 for a delta, else 1/2."""
    if np.count_nonzero(p_full) == 1:
        return 1.0
    return 0.5 * float(np.sum(np.diff(np.sqrt(p_full)) ** 2))


def all_permutations(n):
    return np.array(list(itertools.permutations(range(n))))


def gliding_box_lacunarity(img, r) -> float:
    """E[M^2] / E[M]^2 over every r x r box, masses summed by loops (Python ints)."""
    img = np.asarray(img)
    M, N = img.shape
    exact = img.dtype.kind in "biu"
    masses = []
    for i in range(M - r + 1):
        for j in range(N - r + 1):
            box = img[i:i + r, j:j + r]
            masses.append(int(box.astype(object).sum()) if exact else math.fsum(box.ravel().tolist()))
    n = len(masses)
    if exact:
        s1 = sum(masses)
        s2 = sum(m * m for m in masses)
        from fractions import Fraction

        return float(Fraction(s2 * n, s1 * s1))
    s1 = math.fsum(masses)
    s2 = math.fsum(m * m for m in masses)
    return (s2 / n) / (s1 / n) ** 2


def structural_complexity(img, factor=2, n_scales=None) -> np.ndarray:
    """Partial complexities with every scale brought back to the full grid by np.repeat.

    Each step crops the current image to whole blocks, averages the blocks, expands
    the result by repetition and takes overlaps as means over the covered pixels.
    """
    f = np.asarray(img, dtype=np.float64)
    out = []
    while min(f.shape) >= factor and (n_scales is None or len(out) < n_scales):
        h, w = f.shape[0] // factor, f.shape[1] // factor
        fc = f[: h * factor, : w * factor]
        g = np.zeros((h, w))
        for i in range(h):
            for j in range(w):
                g[i, j] = fc[i * factor:(i + 1) * factor, j * factor:(j + 1) * factor].mean()
        up = np.repeat(np.repeat(g, factor, axis=0), factor, axis=1)
        o_kk = np.mean(fc * fc)
        o_cross = np.mean(fc * up)
        o_next = np.mean(up * up)
        out.append(abs(o_cross - (o_kk + o_next) / 2))
        f = g
    return np.array(out)


def sample_entropy_2d_counts(img, mL, mW, tau, r):
    """(A, B): all pairs of anchors compared elementwise, by loops (slow; small images)."""
    img = np.asarray(img, dtype=np.float64)
    H, W = img.shape
    anchors = [(k, n) for k in range(H - mL * tau) for n in range(W - mW * tau)]
    A = B = 0
    for i in range(len(anchors)):
        k1, n1 = anchors[i]
        for j in range(i + 1, len(anchors)):
            k2, n2 = anchors[j]
            small = all(abs(img[k1 + a * tau, n1 + b * tau] - img[k2 + a * tau, n2 + b * tau]) < r
                        for a in range(mL) for b in range(mW))
            if small:
                B += 1
                if all(abs(img[k1 + a * tau, n1 + b * tau] - img[k2 + a * tau, n2 + b * tau]) < r
                       for a in range(mL + 1) for b in range(mW + 1)):
                    A += 1
    return A, B
