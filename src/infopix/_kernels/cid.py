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


# ----------------------------------------------------------------------------------
# 3-D Hilbert curve (volumes): Skilling's transposed-index algorithm for n = 3
# (J. Skilling, "Programming the Hilbert curve", AIP Conf. Proc. 707, 381 (2004),
# doi:10.1063/1.1751381), axes (z, y, x) = (X[0], X[1], X[2]).
# ----------------------------------------------------------------------------------


@nb.njit(cache=NUMBA_CACHE, inline="always")
def _transpose_to_axes3(a, b, c, S):
    """Coordinates (z, y, x) of the cell whose Hilbert index, in Skilling's transposed
    form, is (a, b, c) on an S x S x S cube (S a power of two)."""
    t = c >> 1  # Gray decode
    c ^= b
    b ^= a
    a ^= t
    Q = 2
    while Q != S:  # undo excess work
        P = Q - 1
        # i = 2, 1, 0
        if c & Q:
            a ^= P
        else:
            t = (a ^ c) & P
            a ^= t
            c ^= t
        if b & Q:
            a ^= P
        else:
            t = (a ^ b) & P
            a ^= t
            b ^= t
        if a & Q:
            a ^= P
        Q <<= 1
    return a, b, c


@nb.njit(cache=NUMBA_CACHE, inline="always")
def _axes_to_transpose3(a, b, c, S):
    """Inverse of :func:`_transpose_to_axes3`."""
    Q = S >> 1
    while Q > 1:  # inverse undo
        P = Q - 1
        if a & Q:
            a ^= P
        if b & Q:
            a ^= P
        else:
            t = (a ^ b) & P
            a ^= t
            b ^= t
        if c & Q:
            a ^= P
        else:
            t = (a ^ c) & P
            a ^= t
            c ^= t
        Q >>= 1
    b ^= a  # Gray encode
    c ^= b
    t = 0
    Q = S >> 1
    while Q > 1:
        if c & Q:
            t ^= Q - 1
        Q >>= 1
    return a ^ t, b ^ t, c ^ t


@nb.njit(cache=NUMBA_CACHE, inline="always")
def _d2zyx(d, S, nbits):
    """(z, y, x) of the ``d``-th cell of the 3-D Hilbert curve on an S**3 cube,
    S = 2**nbits: spread the bits of d into the transposed form, then decode."""
    a = 0
    b = 0
    c = 0
    for j in range(nbits):  # j-th triple of bits from the top
        shift = 3 * (nbits - 1 - j)
        tri = (d >> shift) & 7
        pos = nbits - 1 - j
        a |= ((tri >> 2) & 1) << pos
        b |= ((tri >> 1) & 1) << pos
        c |= (tri & 1) << pos
    return _transpose_to_axes3(a, b, c, S)


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def _hilbert3_scan(sym, S, nbits, out):
    """Write the voxels of ``sym`` (Z, Y, X) into ``out`` in 3-D Hilbert order: a walk
    along the curve of the S**3 cube keeping the cells inside the volume (two passes
    over blocks of curve cells, as :func:`_hilbert_scan`)."""
    Z, Y, X = sym.shape
    total = S * S * S
    nblocks = (total + _BLOCK - 1) // _BLOCK
    counts = np.zeros(nblocks + 1, dtype=np.int64)
    for blk in nb.prange(nblocks):
        k = 0
        for d in range(blk * _BLOCK, min((blk + 1) * _BLOCK, total)):
            z, y, x = _d2zyx(d, S, nbits)
            if z < Z and y < Y and x < X:
                k += 1
        counts[blk + 1] = k
    for blk in range(nblocks):
        counts[blk + 1] += counts[blk]
    for blk in nb.prange(nblocks):
        k = counts[blk]
        for d in range(blk * _BLOCK, min((blk + 1) * _BLOCK, total)):
            z, y, x = _d2zyx(d, S, nbits)
            if z < Z and y < Y and x < X:
                out[k] = sym[z, y, x]
                k += 1


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def _hilbert3_index(Z, Y, X, S, nbits):
    """3-D Hilbert index (on the S**3 cube) of every voxel of a (Z, Y, X) volume, in
    raster order (for volumes that fill little of the cube)."""
    n = Z * Y * X
    out = np.empty(n, dtype=np.int64)
    for i in nb.prange(n):
        z = i // (Y * X)
        r = i - z * Y * X
        y = r // X
        x = r - y * X
        a, b, c = _axes_to_transpose3(z, y, x, S)
        d = 0
        for j in range(nbits):
            pos = nbits - 1 - j
            d = (d << 3) | (((a >> pos) & 1) << 2) | (((b >> pos) & 1) << 1) | ((c >> pos) & 1)
        out[i] = d
    return out
