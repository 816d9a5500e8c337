"""Plain-Python references for infopix.local (the truth the fast maps are compared with).

Nothing here uses numpy.pad or the package's kernels: windows are built pixel by pixel
from the index formulas of each edge policy.
"""

from __future__ import annotations

import math

import numpy as np


def source_index(i: int, length: int, edge: str) -> int | None:
    """Image index that padded index ``i`` (any integer) reads, or None if outside (clip)."""
    if edge == "clip":
        return i if 0 <= i < length else None
    if edge == "wrap":
        return i % length
    if edge == "reflect":  # d c b a | a b c d | d c b a  (edge pixel repeated), period 2L
        m = i % (2 * length)
        return m if m < length else 2 * length - 1 - m
    raise ValueError(edge)


def window_values(image, i: int, j: int, r: int, edge: str) -> list:
    """The pixel values of the r-box around (i, j), with multiplicity, as a flat list."""
    m, n = image.shape
    out = []
    for di in range(-r, r + 1):
        si = source_index(i + di, m, edge)
        if si is None:
            continue
        for dj in range(-r, r + 1):
            sj = source_index(j + dj, n, edge)
            if sj is None:
                continue
            out.append(image[si, sj])
    return out


def naive_map(image, r: int, edge: str, func) -> np.ndarray:
    """``func(list of window values)`` at every pixel, by loops."""
    m, n = image.shape
    out = np.empty((m, n))
    for i in range(m):
        for j in range(n):
            out[i, j] = func(window_values(image, i, j, r, edge))
    return out


def counts_of(values) -> list[int]:
    """Counts of the distinct values (order irrelevant for every entropy)."""
    d: dict = {}
    for x in values:
        d[x] = d.get(x, 0) + 1
    return list(d.values())


def renyi_from_counts(counts, alpha: float, base: float = 2.0) -> float:
    """Plug-in Rényi entropy (alpha = 1: Shannon) of a list of positive counts."""
    n = sum(counts)
    ps = [c / n for c in counts if c > 0]
    if len(ps) == 1:
        return 0.0
    if alpha == 1:
        h = -sum(p * math.log(p) for p in ps)
    elif alpha == 0:
        h = math.log(len(ps))
    elif math.isinf(alpha):
        h = -math.log(max(ps))
    else:
        h = math.log(sum(p**alpha for p in ps)) / (1 - alpha)
    return h / math.log(base)


def notebook_mapblocks(h, w, f, a):
    """The notebook's ``mapblocks`` (§6), verbatim."""
    return np.array([[f(y) for y in np.array_split(x, w, axis=1)] for x in np.array_split(a, h)])


def plugin_entropy_moments(n: int, k: int) -> tuple[float, float]:
    """Exact mean and variance (nats) of the plug-in entropy of n i.i.d. uniform draws on k levels.

    ``H = log n - (1/n) sum_b f(C_b)`` with ``f(c) = c log c`` and ``C_b`` the count of
    level b. By linearity ``E[H] = log n - (k/n) E f(C)``, ``C ~ Binomial(n, 1/k)``, and
    ``Var H = (k Var f(C_1) + k(k-1) Cov(f(C_1), f(C_2))) / n**2`` with ``(C_1, C_2)``
    from the trinomial (n; 1/k, 1/k, 1 - 2/k). All sums are finite and exact.
    """
    p = 1.0 / k

    def f(c):
        return c * math.log(c) if c > 1 else 0.0

    pmf = [math.comb(n, c) * p**c * (1 - p) ** (n - c) for c in range(n + 1)]
    ef = sum(pmf[c] * f(c) for c in range(n + 1))
    ef2 = sum(pmf[c] * f(c) ** 2 for c in range(n + 1))
    mean = math.log(n) - k * ef / n
    if k == 1:
        return mean, 0.0
    q = 1.0 - 2.0 * p
    eff = 0.0
    for c1 in range(n + 1):
        for c2 in range(n + 1 - c1):
            if c1 < 2 or c2 < 2:
                continue
            prob = (
                math.factorial(n)
                / (math.factorial(c1) * math.factorial(c2) * math.factorial(n - c1 - c2))
                * p ** (c1 + c2)
                * q ** (n - c1 - c2)
            )
            eff += prob * f(c1) * f(c2)
    var_sum = k * (ef2 - ef**2) + k * (k - 1) * (eff - ef**2)
    return mean, var_sum / n**2
