"""Kernels for infopix.scale: a fixed-bin histogram with numpy.histogram's semantics."""

from __future__ import annotations

import numba as nb
import numpy as np

from .._config import NUMBA_CACHE


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _histogram_fixed(flat, edges):
    """Counts of float64 ``flat`` in the equal-width bins ``edges`` (length K + 1).

    Same result as ``numpy.histogram(flat, bins=K, range=(edges[0], edges[-1]))``: bins
    are half-open ``[e_i, e_{i+1})`` except the last, which is closed; the index from
    ``(v - lo) * K / (hi - lo)`` is corrected against the edges, as numpy does. Values
    outside ``[edges[0], edges[-1]]`` are not counted; their number is returned.
    Serial on purpose: one pass costs ~4 ms per megapixel, and threads only added
    contention next to the multi-threaded FFTs (measured: 10x slower on a busy 2-core
    machine).
    """
    n = flat.size
    nbins = edges.size - 1
    lo = edges[0]
    hi = edges[nbins]
    span = hi - lo
    norm = nbins / span  # inf for spans below ~1e-306 * nbins: then divide, as numpy
    tiny = not np.isfinite(norm)
    out = np.zeros(nbins, dtype=np.int64)
    outside = 0
    for i in range(n):
        v = flat[i]
        if not (v >= lo and v <= hi):
            outside += 1
            continue
        k = np.int64((v - lo) / span * nbins if tiny else (v - lo) * norm)
            # (np.int64, not int(): Python semantics, 3x slower)
        if k >= nbins:
            k = nbins - 1
        if v < edges[k]:
            k -= 1
        elif k < nbins - 1 and v >= edges[k + 1]:
            k += 1
        out[k] += 1
    return out, outside
