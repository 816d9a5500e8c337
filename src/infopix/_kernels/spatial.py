"""Compiled kernels of :mod:`infopix.spatial`: co-occurrence counts and pattern codes.

Inputs are contiguous arrays of compact symbols ``0 .. L-1`` (int64) and plain
integers; nothing is validated here (the wrappers in ``infopix.spatial`` do that).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .._config import NUMBA_CACHE


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def _pair_histograms(sym, L, dys, dxs):
    """Joint histograms of ``(sym[y, x], sym[y + dy, x + dx])``, one row per offset.

    Returns an ``(len(dys), L * L)`` int64 array; bin ``a * L + b`` counts the pairs
    with first symbol ``a`` (at the anchor) and second ``b`` (at anchor + offset),
    over every anchor for which both pixels lie inside the image. Offsets are
    processed in parallel (one private histogram each), so the result does not depend
    on the number of threads.
    """
    M, N = sym.shape
    n_off = dys.size
    out = np.zeros((n_off, L * L), dtype=np.int64)
    for k in nb.prange(n_off):
        dy = dys[k]
        dx = dxs[k]
        y0 = max(0, -dy)
        y1 = min(M, M - dy)
        x0 = max(0, -dx)
        x1 = min(N, N - dx)
        h = out[k]
        for y in range(y0, y1):
            for x in range(x0, x1):
                h[sym[y, x] * L + sym[y + dy, x + dx]] += 1
    return out


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def _pattern_codes(sym, L, dys, dxs, y0, y1, x0, x1):
    """Mixed-radix codes of the patterns ``sym[y + dys, x + dxs]`` for every anchor.

    Anchors run over ``y0 <= y < y1``, ``x0 <= x < x1`` (the caller makes sure every
    pixel of the pattern is inside the image). The code is
    ``sum_k sym[y + dys[k], x + dxs[k]] * L**(n - 1 - k)`` (most significant first),
    which is plain bit packing when L is a power of two; the caller makes sure
    ``L**n`` fits in int64. Rows are processed in parallel.
    """
    n = dys.size
    out = np.empty((y1 - y0, x1 - x0), dtype=np.int64)
    for y in nb.prange(y0, y1):
        for x in range(x0, x1):
            c = np.int64(0)
            for k in range(n):
                c = c * L + sym[y + dys[k], x + dxs[k]]
            out[y - y0, x - x0] = c
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
