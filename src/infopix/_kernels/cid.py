"""Compiled kernels of :func:`infopix.spatial.computable_information_density`.

The Hilbert scan of an image (a walk along the curve of the enclosing power-of-two
square, or the curve index of every pixel for elongated images) and the packing of
symbols into 1-, 2- or 4-bit fields. Inputs are contiguous arrays and plain integers;
nothing is validated here (the wrapper in :mod:`infopix.spatial` does that).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .._config import NUMBA_CACHE

#: Cells of the curve walked per parallel block (the walk is split into blocks of
#: consecutive curve indices; the result does not depend on the number of threads).
_BLOCK = 1 << 16


@nb.njit(cache=NUMBA_CACHE, inline="always")
def _d2xy(S, d):
    """(x, y) of the ``d``-th cell of the Hilbert curve on an S x S grid (S a power
    of two): the classic iterative conversion, the inverse of :func:`_xy2d`."""
    x = 0
    y = 0
    t = d
    s = 1
    while s < S:
        rx = 1 & (t // 2)
        ry = 1 & (t ^ rx)
        if ry == 0:
            if rx == 1:
                x = s - 1 - x
                y = s - 1 - y
            x, y = y, x
        x += s * rx
        y += s * ry
        t //= 4
        s *= 2
    return x, y


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def _hilbert_scan(sym, S, out):
    """Write the pixels of ``sym`` (M, N) into ``out`` (M * N,) in Hilbert order.

    Walks the curve of the S x S square (S >= max(M, N), a power of two) and keeps the
    cells inside the image, so it costs O(S**2) and is meant for images that fill a good
    part of the square. Two passes over blocks of ``_BLOCK`` curve cells: count the
    cells inside the image per block, then write each block at its prefix offset.
    """
    M, N = sym.shape
    total = S * S
    nblocks = (total + _BLOCK - 1) // _BLOCK
    counts = np.zeros(nblocks + 1, dtype=np.int64)
    full = M == S and N == S
    if full:
        for b in range(nblocks):
            counts[b + 1] = min(_BLOCK, total - b * _BLOCK)
    else:
        for b in nb.prange(nblocks):
            c = 0
            for d in range(b * _BLOCK, min((b + 1) * _BLOCK, total)):
                x, y = _d2xy(S, d)
                if x < N and y < M:
                    c += 1
            counts[b + 1] = c
    for b in range(nblocks):
        counts[b + 1] += counts[b]
    for b in nb.prange(nblocks):
        k = counts[b]
        for d in range(b * _BLOCK, min((b + 1) * _BLOCK, total)):
            x, y = _d2xy(S, d)
            if x < N and y < M:
                out[k] = sym[y, x]
                k += 1


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def _hilbert_index(M, N, S):
    """Hilbert-curve index (on the S x S square) of every pixel of an M x N image, in
    raster order: the classic ``xy2d`` conversion, O(M N log S)."""
    d = np.empty(M * N, dtype=np.int64)
    for i in nb.prange(M * N):
        y = i // N
        x = i - y * N
        acc = 0
        s = S // 2
        while s > 0:
            rx = 1 if (x & s) > 0 else 0
            ry = 1 if (y & s) > 0 else 0
            acc += s * s * ((3 * rx) ^ ry)
            if ry == 0:  # rotate the quadrant to the standard orientation
                if rx == 1:
                    x = s - 1 - x
                    y = s - 1 - y
                x, y = y, x
            x &= s - 1
            y &= s - 1
            s //= 2
        d[i] = acc
    return d


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def _pack_symbols(seq, bits):
    """Pack symbols ``seq`` (uint8, each < 2**bits) into ``bits``-bit fields, bits in
    {1, 2, 4}, the first symbol in the most significant bits of the first byte (the
    order of ``numpy.packbits``); the last byte is padded with zero fields."""
    per = 8 // bits
    n = seq.size
    nbytes = (n + per - 1) // per
    out = np.zeros(nbytes, dtype=np.uint8)
    for j in nb.prange(nbytes):
        v = 0
        base = j * per
        for k in range(per):
            v <<= bits
            if base + k < n:
                v |= seq[base + k]
        out[j] = v
    return out
