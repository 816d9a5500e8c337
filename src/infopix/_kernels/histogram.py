"""Binning kernels: values -> outcome codes, and counts of outcomes.

The one compiled path behind :class:`infopix._binning.Binning`. Two kinds of binning:

- **integer levels**: the code of value ``x`` is ``x - offset`` (one outcome per level);
- **equal-width float bins** over ``edges`` (K + 1 of them), with numpy.histogram's
  rule (numpy/lib/_histograms_impl.py): the scaled index ``(x - lo) * K / (hi - lo)``
  corrected against the edges so that ``edges[k] <= x < edges[k + 1]`` exactly, the
  last bin closed.

Every kernel takes 1-D C-contiguous values of any real dtype (read in place: uint8 and
uint16 images are never copied), a mask (bool or uint8, or None: every value counts),
and where to write the codes and/or add the counts (each an array, or None for "not
wanted"); it returns how many counted values fall *outside* the binning (NaN included)
instead of indexing out of bounds, and the wrapper turns that number into an error.
Masked-out values are never read for binning (their code is 0). Counting is
dimension-free: N-D arrays are passed flattened. The None arguments are resolved when
Numba compiles (one specialisation per combination), so the codes-only walk of the
local maps runs as fast as a loop written for it alone.

No ``fastmath``: these loops compare and count, so it buys nothing, and ``nnan`` would
remove the NaN check.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .._config import NUMBA_CACHE

#: Below this many values a parallel region costs more than it saves (measured: 4096
#: values took 0.016 ms serial and 0.03-6.8 ms with two threads on a loaded machine).
PARALLEL_MIN_PIXELS = 1 << 20

#: Number of private histograms of the parallel counter (fixed, so the result does not
#: depend on the number of threads).
_NCHUNKS = 16


# ------------------------------------------------------------------ integer levels
@nb.njit(cache=NUMBA_CACHE, nogil=True)
def level_walk(flat, mask, offset, nbins, start, stop, codes, counts):
    """Integer levels over ``flat[start:stop]``: code ``flat[i] - offset`` in ``[0, nbins)``.

    Writes the codes into ``codes`` and adds the counts to ``counts`` (either may be
    None); returns how many counted values lie outside (their code, like a masked
    value's, is 0).
    """
    outside = 0
    for i in range(start, stop):
        if mask is not None:
            if not mask[i]:
                if codes is not None:
                    codes[i] = 0
                continue
        k = np.int64(flat[i]) - offset  # (np.int64, not int(): Python semantics, 3x slower)
        if k >= 0 and k < nbins:
            if counts is not None:
                counts[k] += 1
            if codes is not None:
                codes[i] = k
        else:
            outside += 1
            if codes is not None:
                codes[i] = 0
    return outside


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def level_counts_serial(flat, mask, offset, nbins):
    """(counts of ``flat - offset`` in ``[0, nbins)``, number of values outside)."""
    out = np.zeros(nbins, dtype=np.int64)
    outside = level_walk(flat, mask, offset, nbins, 0, flat.size, None, out)
    return out, outside


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def level_counts_parallel(flat, mask, offset, nbins):
    """As :func:`level_counts_serial`, over 16 chunks on all threads.

    One private histogram per chunk, summed at the end: no atomics, and the result is
    independent of the number of threads.
    """
    n = flat.size
    step = (n + _NCHUNKS - 1) // _NCHUNKS
    partial = np.zeros((_NCHUNKS, nbins), dtype=np.int64)
    outs = np.zeros(_NCHUNKS, dtype=np.int64)
    for c in nb.prange(_NCHUNKS):
        lo = min(n, c * step)
        hi = min(n, lo + step)
        outs[c] = level_walk(flat, mask, offset, nbins, lo, hi, None, partial[c])
    out = np.zeros(nbins, dtype=np.int64)
    for c in range(_NCHUNKS):
        for b in range(nbins):
            out[b] += partial[c, b]
    return out, outs.sum()


# --------------------------------------------------------- equal-width float bins
@nb.njit(cache=NUMBA_CACHE, nogil=True)
def bin_walk(flat, mask, edges, codes, counts):
    """Equal-width bins ``edges`` (K + 1 of them): the bin of every value (read as
    float64), written into ``codes`` and counted into ``counts`` (either may be None);
    returns how many counted values lie outside ``[edges[0], edges[-1]]`` (NaN
    included; code 0).

    One pass, the rule written once (a per-value helper function, even inlined by
    Numba, measured 10x slower here). Counts equal
    ``numpy.histogram(flat, bins=K, range=(edges[0], edges[-1]))``. Serial on purpose:
    ~4 ms per megapixel, and threads only added contention next to the multi-threaded
    FFTs of ``entropy_vs_scale`` (measured: 10x slower on a busy 2-core machine).
    """
    nbins = edges.size - 1
    lo = edges[0]
    hi = edges[nbins]
    span = hi - lo
    norm = nbins / span  # inf for spans below ~1e-306 * nbins: then divide, as numpy
    tiny = not np.isfinite(norm)
    outside = 0
    for i in range(flat.size):
        if mask is not None:
            if not mask[i]:
                if codes is not None:
                    codes[i] = 0
                continue
        v = np.float64(flat[i])
        if v >= lo and v <= hi:
            k = np.int64((v - lo) / span * nbins if tiny else (v - lo) * norm)
            # (np.int64, not int(): Python semantics, 3x slower)
            if k >= nbins:
                k = nbins - 1
            if v < edges[k]:
                k -= 1
            elif k < nbins - 1 and v >= edges[k + 1]:
                k += 1
            if counts is not None:
                counts[k] += 1
            if codes is not None:
                codes[i] = k
        else:
            outside += 1
            if codes is not None:
                codes[i] = 0
    return outside
