"""Kernels for box counting and multifractal sums (see :mod:`infopix.fractal`).

Typed, C-contiguous arrays in; no validation (the public wrappers do that).

- :func:`block_reduce` builds one level of a box pyramid from the previous one
  (max = OR for 0/1 images, min, or sum over ``f x f`` blocks registered at the origin).
- :func:`renyi_sums` gives, for every order q, the three sums the generalised
  dimensions and the Chhabra–Jensen spectrum need, in one pass over the boxes.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .._config import NUMBA_CACHE

#: operation codes of :func:`block_reduce`
OP_MAX = 0
OP_MIN = 1
OP_SUM = 2


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def block_reduce(a, f, op, init):
    """Reduce ``a`` over ``f x f`` blocks whose grid starts at ``a[0, 0]``.

    The output has ``ceil(M / f) x ceil(N / f)`` entries. Blocks cut by the far (bottom,
    right) edges reduce only the pixels that exist: for OR and sum this is padding with
    background 0. ``op``: 0 max, 1 min, 2 sum; ``init`` is the operation's identity in
    ``a``'s dtype. Output rows are independent (prange), so the result does not depend
    on the number of threads.
    """
    M, N = a.shape
    mo = (M + f - 1) // f
    no = (N + f - 1) // f
    out = np.empty((mo, no), dtype=a.dtype)
    for bi in nb.prange(mo):
        row = out[bi]
        for bj in range(no):
            row[bj] = init
        r1 = min(M, (bi + 1) * f)
        for r in range(bi * f, r1):
            src = a[r]
            if op == 0:
                for c in range(N):
                    v = src[c]
                    if v > row[c // f]:
                        row[c // f] = v
            elif op == 1:
                for c in range(N):
                    v = src[c]
                    if v < row[c // f]:
                        row[c // f] = v
            else:
                for c in range(N):
                    row[c // f] += src[c]
    return out


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _one_q(logp, weight, q, cut):
    # shift by the largest exponent so exp() never overflows (log-sum-exp)
    m = -np.inf
    for i in range(logp.size):
        if weight[i] > 0 and (q >= 0.0 or logp[i] >= cut):
            t = q * logp[i]
            if t > m:
                m = t
    s0 = 0.0
    s1 = 0.0
    for i in range(logp.size):
        if weight[i] > 0 and (q >= 0.0 or logp[i] >= cut):
            w = weight[i] * np.exp(q * logp[i] - m)
            s0 += w
            s1 += w * logp[i]
    return m, s0, s1


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def renyi_sums(logp, weight, qs, cut):
    """Per order ``q``: ``log sum p**q``, ``sum mu log p`` and ``sum mu log mu``.

    ``logp`` are the logs of the (non-zero) box probabilities, each occurring
    ``weight`` times (value compression: equal boxes are summed once). For ``q < 0``
    boxes with ``logp < cut`` are left out (near-empty boxes). ``mu = p**q / sum p**q``
    is the Chhabra–Jensen escort measure. One q per prange iteration: the result does
    not depend on the number of threads.
    """
    nq = qs.size
    out = np.empty((nq, 3), dtype=np.float64)
    for k in nb.prange(nq):
        q = qs[k]
        m, s0, s1 = _one_q(logp, weight, q, cut)
        logz = m + np.log(s0)
        mean_logp = s1 / s0
        out[k, 0] = logz
        out[k, 1] = mean_logp
        out[k, 2] = q * mean_logp - logz
    return out


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def dbc_counts(vmax, vmin, h, relative, nrows, ncols):
    """Sum over the complete ``nrows x ncols`` blocks of the DBC box count n_r.

    ``relative``: ``floor((max - min) / h) + 1`` (box column starting at the block's
    minimum); otherwise Sarkar–Chaudhuri's grid-aligned ``floor(max/h) - floor(min/h) + 1``.
    """
    partial = np.zeros(nrows, dtype=np.float64)
    for i in nb.prange(nrows):
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
