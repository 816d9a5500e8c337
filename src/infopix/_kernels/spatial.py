"""Compiled kernels of :mod:`infopix.spatial`: co-occurrence counts and pattern codes.

Inputs are contiguous arrays of compact symbols ``0 .. L-1`` (int64) and plain
integers; nothing is validated here (the wrappers in ``infopix.spatial`` do that).
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from .._config import NUMBA_CACHE


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def _pair_histograms(sym, L, dzs, dys, dxs):
    """Joint histograms of ``(sym[z, y, x], sym[z + dz, y + dy, x + dx])``, one row per offset.

    ``sym`` is a (Z, M, N) volume of symbols (an image is passed as (1, M, N) with
    ``dz = 0``). Returns an ``(len(dys), L * L)`` int32 array (volumes below 2**31
    voxels); bin ``a * L + b`` counts the pairs with first symbol ``a`` (at the anchor)
    and second ``b`` (at anchor + offset), over every anchor for which both voxels lie
    inside the volume. Offsets are processed in parallel (one private histogram each),
    so the result does not depend on the number of threads.
    """
    Z, M, N = sym.shape
    n_off = dys.size
    out = np.zeros((n_off, L * L), dtype=np.int32)  # < 2**31 pairs; half the cache
    for k in nb.prange(n_off):
        dz = dzs[k]
        dy = dys[k]
        dx = dxs[k]
        z0 = max(0, -dz)
        z1 = min(Z, Z - dz)
        y0 = max(0, -dy)
        y1 = min(M, M - dy)
        x0 = max(0, -dx)
        x1 = min(N, N - dx)
        h = out[k]
        for z in range(z0, z1):
            for y in range(y0, y1):
                for x in range(x0, x1):
                    h[np.int64(sym[z, y, x]) * L + sym[z + dz, y + dy, x + dx]] += 1
    return out


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def _plugin_pair_terms(hist, L):
    """Plug-in sums of every joint table in ``hist`` (one (L*L,) table per row).

    Returns ``(k, 6)`` float64: N, sum c log c over the joint bins, over the row sums
    (first pixel), over the column sums (second pixel), and the numbers of occupied
    rows and columns. H = log N - S / N in nats for each of the three.
    """
    k = hist.shape[0]
    out = np.zeros((k, 6), dtype=np.float64)
    for i in nb.prange(k):
        row = np.zeros(L, dtype=np.int64)
        col = np.zeros(L, dtype=np.int64)
        sj = 0.0
        n = 0
        for a in range(L):
            base = a * L
            for b in range(L):
                c = hist[i, base + b]
                if c > 0:
                    sj += c * math.log(c)
                    row[a] += c
                    col[b] += c
                    n += c
        sr = 0.0
        sc = 0.0
        occ_r = 0
        occ_c = 0
        for a in range(L):
            if row[a] > 0:
                sr += row[a] * math.log(row[a])
                occ_r += 1
            if col[a] > 0:
                sc += col[a] * math.log(col[a])
                occ_c += 1
        out[i, 0] = n
        out[i, 1] = sj
        out[i, 2] = sr
        out[i, 3] = sc
        out[i, 4] = occ_r
        out[i, 5] = occ_c
    return out


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def _pattern_codes(sym, L, dzs, dys, dxs, z0, z1, y0, y1, x0, x1):
    """Mixed-radix codes of the patterns ``sym[z + dzs, y + dys, x + dxs]`` for every anchor.

    ``sym`` is a (Z, M, N) volume (an image as (1, M, N), ``dzs = 0``). Anchors run over
    ``z0 <= z < z1``, ``y0 <= y < y1``, ``x0 <= x < x1`` (the caller makes sure every
    voxel of the pattern is inside). The code is
    ``sum_k sym[z + dzs[k], y + dys[k], x + dxs[k]] * L**(n - 1 - k)`` (most significant
    first), which is plain bit packing when L is a power of two; the caller makes sure
    ``L**n`` fits in int64. Rows (z, y) are processed in parallel.
    """
    n = dys.size
    nz = z1 - z0
    ny = y1 - y0
    out = np.empty((nz, ny, x1 - x0), dtype=np.int64)
    for zy in nb.prange(nz * ny):
        z = z0 + zy // ny
        y = y0 + zy % ny
        for x in range(x0, x1):
            c = np.int64(0)
            for k in range(n):
                c = c * L + sym[z + dzs[k], y + dys[k], x + dxs[k]]
            out[z - z0, y - y0, x - x0] = c
    return out


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _lz77_phrases(seq, window):
    """Number of phrases of the greedy LZ77 parsing of ``seq`` with a sliding window.

    Each phrase is the longest prefix of the remaining text that starts somewhere in
    the previous ``window`` symbols (the match may run into the phrase itself), plus
    one literal symbol; a phrase of a symbol never seen in the window is a literal
    alone. Cost O(n * window) in the worst case.
    """
    n = seq.size
    i = 0
    phrases = 0
    while i < n:
        best = 0
        start = max(0, i - window)
        for j in range(start, i):
            m = 0
            while i + m < n - 1 and seq[j + m] == seq[i + m]:
                m += 1
            if m > best:
                best = m
                if i + best >= n - 1:
                    break
        i += best + 1
        phrases += 1
    return phrases
