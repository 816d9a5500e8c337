"""Histogram kernels for integer images."""

from __future__ import annotations

import numba as nb
import numpy as np

from .._config import NUMBA_CACHE


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def _histogram_int(flat, offset, nbins):
    """Counts of ``flat - offset`` in ``[0, nbins)``; every value must lie in range.

    One private histogram per chunk (prange over chunks), summed at the end: no
    atomics, and the result is independent of the number of threads.
    """
    n = flat.size
    nchunks = 16 if n >= 1 << 20 else 1
    step = (n + nchunks - 1) // nchunks
    partial = np.zeros((nchunks, nbins), dtype=np.int64)
    for c in nb.prange(nchunks):
        lo = c * step
        hi = min(n, lo + step)
        h = partial[c]
        for i in range(lo, hi):
            h[np.int64(flat[i]) - offset] += 1
    out = np.zeros(nbins, dtype=np.int64)
    for c in range(nchunks):
        for b in range(nbins):
            out[b] += partial[c, b]
    return out


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _histogram_int_masked(flat, mask, offset, nbins):
    """Counts of ``flat[mask] - offset`` in ``[0, nbins)``."""
    out = np.zeros(nbins, dtype=np.int64)
    for i in range(flat.size):
        if mask[i]:
            out[np.int64(flat[i]) - offset] += 1
    return out
