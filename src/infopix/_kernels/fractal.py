"""Kernels for box counting and multifractal sums (see :mod:`infopix.fractal`).

Typed, C-contiguous arrays in; no validation (the public wrappers do that).

- :func:`block_reduce` builds one level of a box pyramid from the previous one
  (max = OR for 0/1 images, min, or sum over ``f x f`` or ``f x f x f`` blocks
  registered at the origin), for images and volumes.
- :func:`box_counts_packed` counts occupied boxes of a bit-packed image or volume on
  a grid with any origin, with whole and area-weighted edge boxes.
- :func:`renyi_sums` gives, for every order q, the three sums the generalised
  dimensions and the Chhabra–Jensen spectrum need, in one pass over the boxes
  (a Python dispatcher over a serial and a parallel compiled driver).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .._config import NUMBA_CACHE

#: operation codes of :func:`block_reduce`
OP_MAX = 0
OP_MIN = 1
OP_SUM = 2


def block_reduce(a, f, op, init):
    """Reduce a 2-D image or a 3-D volume over ``f x f`` (``f x f x f``) blocks whose
    grid starts at the first element.

    The output has ``ceil(side / f)`` entries along each axis. Blocks cut by the far
    edges reduce only the elements that exist: for OR and sum this is padding with
    background 0. ``op``: 0 max, 1 min, 2 sum; ``init`` is the operation's identity in
    ``a``'s dtype. A 2-D image runs as a volume of depth 1 (blocks of depth 1): one
    compiled loop nest, :func:`_block_reduce3`.
    """
    if a.ndim == 2:
        return _block_reduce3(a[None], 1, f, op, init)[0]
    return _block_reduce3(a, f, f, op, init)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _block_reduce3(a, fz, f, op, init):
    """:func:`block_reduce` of a ``(Z, M, N)`` array over ``fz x f x f`` blocks. Serial:
    the reduction is memory-bound, and a parallel launch costs more than it saves on all
    but the first level."""
    Z, M, N = a.shape
    zo = (Z + fz - 1) // fz
    mo = (M + f - 1) // f
    no = (N + f - 1) // f
    out = np.empty((zo, mo, no), dtype=a.dtype)
    for bz in range(zo):
        z0 = bz * fz
        z1 = min(Z, z0 + fz)
        for bi in range(mo):
            r0 = bi * f
            r1 = min(M, r0 + f)
            for bj in range(no):
                c0 = bj * f
                c1 = min(N, c0 + f)
                acc = init
                for z in range(z0, z1):
                    if op == 0:
                        for r in range(r0, r1):
                            for c in range(c0, c1):
                                acc = max(acc, a[z, r, c])
                    elif op == 1:
                        for r in range(r0, r1):
                            for c in range(c0, c1):
                                acc = min(acc, a[z, r, c])
                    else:
                        for r in range(r0, r1):
                            for c in range(c0, c1):
                                acc += a[z, r, c]
                out[bz, bi, bj] = acc
    return out


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _q_schedule(qs):
    """Visit order of the orders and, per visit, whether to start a fresh ``exp`` (1) or
    multiply the previous term by the previous ratio (0: same step as before).

    Orders q >= 0 are visited upwards from the smallest, q < 0 downwards from the
    largest, so along each run the terms only shrink (underflow only towards values
    that are negligible next to the largest term, 1). A fresh exp every 8 visits keeps
    the rounding of the products below 1e-14.
    """
    nq = qs.size
    order = np.argsort(qs)
    npos = 0
    for k in range(nq):
        if qs[k] >= 0.0:
            npos += 1
    visit = np.empty(nq, dtype=np.int64)
    # positives ascending, then negatives descending
    for k in range(npos):
        visit[k] = order[nq - npos + k]
    for k in range(nq - npos):
        visit[npos + k] = order[nq - npos - 1 - k]
    fresh = np.ones(nq, dtype=np.int64)
    run = 0
    for t in range(nq):
        fresh[t] = 1
        if t >= 2 and (t != npos) and (t != npos + 1) and run < 8:
            d_now = qs[visit[t]] - qs[visit[t - 1]]
            d_prev = qs[visit[t - 1]] - qs[visit[t - 2]]
            if abs(d_now - d_prev) <= 1e-14 * abs(d_now):
                fresh[t] = 0
        run = 0 if fresh[t] == 1 else run + 1
    return visit, fresh, npos


#: below this many distinct boxes the serial driver is used (a parallel launch costs
#: milliseconds on a busy machine); both drivers use the same chunks, so they agree
PARALLEL_MIN_BOXES = 1 << 16


def renyi_sums(logp, weight, qs, cut):
    """Per order ``q``: ``log sum p**q``, ``sum mu log p`` and ``sum mu log mu``.

    ``logp`` are the logs of the (non-zero) box probabilities, each occurring
    ``weight`` times (value compression: equal boxes are summed once). For ``q < 0``
    boxes with ``logp < cut`` are left out (near-empty boxes). ``mu = p**q / sum p**q``
    is the Chhabra–Jensen escort measure. Returns a ``(Q, 3)`` array.

    Each term is ``exp(q (log p - l))`` with ``l`` the largest log p (q >= 0) or the
    smallest kept one (q < 0), so no term exceeds 1 (log-sum-exp). On an evenly spaced
    run of orders the term of the next order is the previous one times a common ratio
    (:func:`_q_schedule`): two ``exp`` per box instead of one per (box, order). Boxes
    are cut into a number of chunks fixed by their count (not by the threads), each
    summed serially and the chunk sums added in order, so the serial and the parallel
    (prange over chunks) drivers give identical results.
    """
    n = logp.size
    nchunks = max(1, min(256, n // 8192))
    lmax, lmin = _renyi_extremes(logp, weight, cut)
    visit, fresh, npos = _q_schedule(qs)
    driver = _renyi_parallel if n >= PARALLEL_MIN_BOXES else _renyi_serial
    part = driver(logp, weight, qs, cut, lmax, lmin, visit, fresh, npos, nchunks)
    return _renyi_finish(part, qs, lmax, lmin)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _renyi_extremes(logp, weight, cut):
    lmax = -np.inf
    lmin = np.inf
    for i in range(logp.size):
        if weight[i] > 0:
            lmax = max(lmax, logp[i])
            if logp[i] >= cut:
                lmin = min(lmin, logp[i])
    return lmax, lmin


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _renyi_chunk(logp, weight, qs, cut, lmax, lmin, visit, fresh, npos, lo, hi, acc):
    """Add the terms of boxes ``lo:hi`` to ``acc[k] = (sum w t, sum w t log p)``.

    The visits ``0:npos`` are the orders q >= 0 (shift by the largest log p), the rest
    q < 0 (shift by the smallest kept one; skipped for near-empty boxes).
    """
    nq = qs.size
    for i in range(lo, hi):
        w = weight[i]
        if w <= 0:
            continue
        lp = logp[i]
        x = lp - lmax
        term = 0.0
        ratio = 0.0
        for t in range(npos):
            k = visit[t]
            if fresh[t] == 1:
                q = qs[k]
                if t > 0:
                    ratio = np.exp((q - qs[visit[t - 1]]) * x)
                term = np.exp(q * x)
            else:
                term *= ratio
            e = w * term
            acc[k, 0] += e
            acc[k, 1] += e * lp
        if lp < cut:
            continue
        x = lp - lmin
        for t in range(npos, nq):
            k = visit[t]
            if fresh[t] == 1:
                q = qs[k]
                if t > npos:
                    ratio = np.exp((q - qs[visit[t - 1]]) * x)
                term = np.exp(q * x)
            else:
                term *= ratio
            e = w * term
            acc[k, 0] += e
            acc[k, 1] += e * lp


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def _renyi_parallel(logp, weight, qs, cut, lmax, lmin, visit, fresh, npos, nchunks):
    n = logp.size
    step = (n + nchunks - 1) // nchunks
    part = np.zeros((nchunks, qs.size, 2))
    for c in nb.prange(nchunks):
        _renyi_chunk(logp, weight, qs, cut, lmax, lmin, visit, fresh, npos,
                     c * step, min(n, (c + 1) * step), part[c])
    return part


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _renyi_serial(logp, weight, qs, cut, lmax, lmin, visit, fresh, npos, nchunks):
    n = logp.size
    step = (n + nchunks - 1) // nchunks
    part = np.zeros((nchunks, qs.size, 2))
    for c in range(nchunks):
        _renyi_chunk(logp, weight, qs, cut, lmax, lmin, visit, fresh, npos,
                     c * step, min(n, (c + 1) * step), part[c])
    return part


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _renyi_finish(part, qs, lmax, lmin):
    nq = qs.size
    out = np.empty((nq, 3), dtype=np.float64)
    for k in range(nq):
        s0 = 0.0
        s1 = 0.0
        for c in range(part.shape[0]):
            s0 += part[c, k, 0]
            s1 += part[c, k, 1]
        shift = qs[k] * (lmax if qs[k] >= 0.0 else lmin)
        logz = shift + np.log(s0)
        mean_logp = s1 / s0
        out[k, 0] = logz
        out[k, 1] = mean_logp
        out[k, 2] = qs[k] * mean_logp - logz
    return out


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def cell_extremes(z):
    """Max and min over every 2x2 group of samples: the cells of DBC's 'relative'
    variant, ``(M-1) x (N-1)`` each."""
    M, N = z.shape
    hi = np.empty((M - 1, N - 1), dtype=z.dtype)
    lo = np.empty((M - 1, N - 1), dtype=z.dtype)
    for i in range(M - 1):
        for j in range(N - 1):
            a = z[i, j]
            b = z[i, j + 1]
            c = z[i + 1, j]
            d = z[i + 1, j + 1]
            hi[i, j] = max(max(a, b), max(c, d))
            lo[i, j] = min(min(a, b), min(c, d))
    return hi, lo


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def dbc_counts(vmax, vmin, h, relative, nrows, ncols):
    """Sum over the complete ``nrows x ncols`` blocks of the DBC box count n_r.

    ``relative``: ``floor((max - min) / h) + 1`` (box column starting at the block's
    minimum); otherwise Sarkar–Chaudhuri's grid-aligned ``floor(max/h) - floor(min/h) + 1``.
    """
    partial = np.zeros(nrows, dtype=np.float64)
    for i in range(nrows):
        acc = 0.0
        for j in range(ncols):
            if relative:
                acc += np.floor((vmax[i, j] - vmin[i, j]) / h) + 1.0
            else:
                acc += np.floor(vmax[i, j] / h) - np.floor(vmin[i, j] / h) + 1.0
        partial[i] = acc
    total = 0.0
    for i in range(nrows):
        total += partial[i]
    return total


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _any_bit(row, c0, c1):
    """Whether any of the bits ``c0 .. c1 - 1`` of a packed row is set (``np.packbits``
    order: pixel ``c`` is bit ``7 - c % 8`` of byte ``c // 8``)."""
    b0 = c0 >> 3
    b1 = (c1 - 1) >> 3
    m0 = np.uint8(0xFF >> (c0 & 7))
    m1 = np.uint8((0xFF << (7 - ((c1 - 1) & 7))) & 0xFF)
    if b0 == b1:
        return (row[b0] & m0 & m1) != 0
    if (row[b0] & m0) != 0 or (row[b1] & m1) != 0:
        return True
    for b in range(b0 + 1, b1):
        if row[b] != 0:
            return True
    return False


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def box_counts_packed(bits, shape, s, offsets, zbox):
    """Occupied boxes of size ``s`` in a bit-packed binary image or volume.

    ``bits`` is ``np.packbits(volume, axis=-1)`` of a ``(Z, M, N)`` volume (a 2-D
    image as ``Z = 1``), C-contiguous uint8; ``shape`` is ``(Z, M, N)``. The grid's
    lines fall at ``offsets[a] + i s`` along each axis ``a`` (``0 <= offsets[a] < s``);
    with ``zbox`` False the first axis is not boxed (2-D: boxes are ``s x s`` in every
    plane ``z``, and ``Z`` must be 1). Boxes cut by the edges (the first box along an
    axis when its offset is not 0, the last when ``s`` does not divide the side) are
    the parts inside.

    Returns ``(padded, area)``: the number of occupied boxes, each counted as 1 (the
    set ends at the edges), and the sum over occupied boxes of the fraction of their
    area (volume) inside (the image is a window on a larger set). For every box slab
    along the first boxed axes the packed rows are ORed (``N / 8`` bytes per row of
    pixels), then each box tests its bit range: the same loop in 2-D and 3-D, with one
    more level for the third axis.
    """
    Z, M, N = shape[0], shape[1], shape[2]
    nbytes = bits.shape[2]
    acc = np.empty(nbytes, dtype=np.uint8)
    padded = 0
    area = 0.0
    inv = 1.0 / (float(s) * float(s))
    if zbox:
        inv /= float(s)
    z0 = 0
    z1 = (min(offsets[0], Z) if offsets[0] > 0 else min(s, Z)) if zbox else Z
    while z0 < Z:
        dz = float(z1 - z0) if zbox else 1.0
        r0 = 0
        r1 = min(offsets[1], M) if offsets[1] > 0 else min(s, M)
        while r0 < M:
            for b in range(nbytes):
                acc[b] = 0
            for z in range(z0, z1):
                for r in range(r0, r1):
                    for b in range(nbytes):
                        acc[b] |= bits[z, r, b]
            nonzero = False
            for b in range(nbytes):
                if acc[b] != 0:
                    nonzero = True
                    break
            if nonzero:
                c0 = 0
                c1 = min(offsets[2], N) if offsets[2] > 0 else min(s, N)
                while c0 < N:
                    if _any_bit(acc, c0, c1):
                        padded += 1
                        area += dz * (r1 - r0) * (c1 - c0) * inv
                    c0 = c1
                    c1 = min(N, c1 + s)
            r0 = r1
            r1 = min(M, r1 + s)
        z0 = z1
        z1 = min(Z, z1 + s)
    return padded, area
