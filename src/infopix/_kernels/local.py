"""Sliding-window (moving histogram) kernels for local and block information maps.

One driver, :func:`_histogram_map`, walks a window of (2r+1)^2 pixels over a padded
array of integer codes in a serpentine (boustrophedon) path: moving by one column
removes one column of 2r+1 codes and adds another, moving by one row does the same with
a row. Per update the state changes in O(1):

- ``hist[v]``  count of code ``v`` in the window (int32, length K),
- ``nk[c]``    the count profile: number of codes seen exactly c times (when needed),
- ``st``       scalars: ``[n, S, occ, Q, cmax]`` with n the number of pixels, S the
  sum over codes of ``T[count]`` where ``T[c] = round(c log c * 2**shift)`` (an
  *integer* fixed-point table, so the running sum is exact and carries no drift),
  occ the number of occupied codes, Q the sum of squared counts, cmax the largest
  count.

Every per-window value is a pure function of this state, which is the same whatever
path reached the window: results do not depend on the strip decomposition or on the
number of threads (``prange`` over row strips, each strip with its own histogram).

Codes < 0 are padding outside the image (``edge='clip'``): they are skipped, so the
window is cut at the image edges. The per-window cost is O(r) (2(2r+1) updates)
plus the measure's evaluation: O(1) for plug-in Shannon, Rényi 0/2/inf, Laurent,
Taylor; O(N) for ``profile_entropy`` estimators and general Rényi orders; O(cmax)
for tabulated functions.

Kernels take typed contiguous arrays; validation is the caller's
(:mod:`infopix.local`).
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from .._config import NUMBA_CACHE
from .estimators import profile_entropy

# What a window's value is (``measure``):
SHANNON = 0  # plug-in Shannon, nats (running fixed-point sum of c log c)
RENYI = 1  # plug-in Rényi of order a (0, 2, inf exact; others via profile_entropy code 0)
ESTIMATOR = 2  # profile_entropy(code, nk, n, K, a)
LAURENT = 3  # notebook's Laurent expectation: occupied - 1
TAYLOR = 4  # notebook's Taylor expectation: -(1 + sum p^2)
TABLE = 5  # sum_c nk[c] * table[offsets[n] + c]  (a tabulated (c/n) f(c/n))

_N_STATE = 5


def fixed_point_clogc(wmax):
    """(T, scale): ``T[c] = round(c log c * scale)`` as int64 for c = 0..wmax.

    ``scale`` is a power of two chosen so that any window's sum of T (at most
    ``T[wmax]``, as sum c log c <= n log n) stays below 2**61.
    """
    c = np.arange(wmax + 1, dtype=np.float64)
    clogc = np.zeros(wmax + 1)
    clogc[2:] = c[2:] * np.log(c[2:])
    top = max(float(clogc[-1]), 1.0)
    shift = min(60, 61 - int(math.ceil(math.log2(top + 1.0))))
    scale = float(2.0**shift)
    return np.round(clogc * scale).astype(np.int64), scale


@nb.njit(cache=NUMBA_CACHE, nogil=True, boundscheck=False)
def _add(line, hist, nk, T, st, profile):
    """Add the codes of a 1-D view ``line`` (negative codes skipped)."""
    n = st[0]
    S = st[1]
    occ = st[2]
    Q = st[3]
    cmax = st[4]
    for k in range(line.shape[0]):
        v = line[k]
        if v < 0:
            continue
        c = hist[v]
        hist[v] = c + 1
        S += T[c + 1] - T[c]
        Q += 2 * c + 1
        n += 1
        if c == 0:
            occ += 1
        if profile:
            nk[c] -= 1
            nk[c + 1] += 1
            if c + 1 > cmax:
                cmax = c + 1
    st[0] = n
    st[1] = S
    st[2] = occ
    st[3] = Q
    st[4] = cmax


@nb.njit(cache=NUMBA_CACHE, nogil=True, boundscheck=False)
def _remove(line, hist, nk, T, st, profile):
    """Remove the codes of a 1-D view ``line`` (negative codes skipped)."""
    n = st[0]
    S = st[1]
    occ = st[2]
    Q = st[3]
    cmax = st[4]
    for k in range(line.shape[0]):
        v = line[k]
        if v < 0:
            continue
        c = hist[v]
        hist[v] = c - 1
        S -= T[c] - T[c - 1]
        Q -= 2 * c - 1
        n -= 1
        if c == 1:
            occ -= 1
        if profile:
            nk[c] -= 1
            nk[c - 1] += 1
            if c == cmax and nk[c] == 0:
                cmax = c - 1
    st[0] = n
    st[1] = S
    st[2] = occ
    st[3] = Q
    st[4] = cmax


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _value(measure, code, a, K, st, nk, inv_scale, table, offsets):
    """The value (nats for entropies) of the window whose state is ``st``/``nk``."""
    n = st[0]
    occ = st[2]
    if n <= 0:
        return math.nan
    if measure == SHANNON:
        if occ == 1:
            return 0.0
        return math.log(n) - (st[1] * inv_scale) / n
    if measure == RENYI:
        if occ == 1:
            return 0.0
        if a == 0.0:
            return math.log(occ)
        if a == 2.0:
            return -math.log(st[3] / (float(n) * float(n)))
        if math.isinf(a):
            return -math.log(st[4] / float(n))
        nk[0] = K - occ
        return profile_entropy(0, nk, n, K, a)
    if measure == ESTIMATOR:
        nk[0] = K - occ
        return profile_entropy(code, nk, n, K, a)
    if measure == LAURENT:
        return float(occ - 1)
    if measure == TAYLOR:
        return -(1.0 + st[3] / (float(n) * float(n)))
    if measure == TABLE:
        base = offsets[n]
        s = 0.0
        for c in range(1, st[4] + 1):
            m = nk[c]
            if m:
                s += m * table[base + c]
        return s
    return math.nan


@nb.njit(cache=NUMBA_CACHE, nogil=True, boundscheck=False)
def _strip(padded, i0, i1, ncols, r, K, measure, code, a, T, inv_scale, table, offsets, profile, out):
    """Fill output rows ``i0 <= i < i1``: one histogram, serpentine walk."""
    w = 2 * r + 1
    hist = np.zeros(K, dtype=np.int32)
    nk = np.zeros(w * w + 2, dtype=np.int64)
    st = np.zeros(_N_STATE, dtype=np.int64)
    for di in range(w):
        _add(padded[i0 + di, 0:w], hist, nk, T, st, profile)
    j = 0
    forward = True
    for i in range(i0, i1):
        if i > i0:  # step down one row at column j
            _remove(padded[i - 1, j : j + w], hist, nk, T, st, profile)
            _add(padded[i - 1 + w, j : j + w], hist, nk, T, st, profile)
        out[i, j] = _value(measure, code, a, K, st, nk, inv_scale, table, offsets)
        if forward:
            for jj in range(1, ncols):
                _remove(padded[i : i + w, jj - 1], hist, nk, T, st, profile)
                _add(padded[i : i + w, jj - 1 + w], hist, nk, T, st, profile)
                out[i, jj] = _value(measure, code, a, K, st, nk, inv_scale, table, offsets)
            j = ncols - 1
        else:
            for jj in range(ncols - 2, -1, -1):
                _remove(padded[i : i + w, jj + w], hist, nk, T, st, profile)
                _add(padded[i : i + w, jj], hist, nk, T, st, profile)
                out[i, jj] = _value(measure, code, a, K, st, nk, inv_scale, table, offsets)
            j = 0
        forward = not forward


@nb.njit(cache=NUMBA_CACHE, nogil=True, parallel=True)
def _histogram_map(padded, r, K, measure, code, a, T, inv_scale, table, offsets, profile, nstrips, out):
    """Local map over ``out`` (M, N) from ``padded`` codes (M + 2r, N + 2r).

    ``prange`` over ``nstrips`` row strips; values are independent of ``nstrips``.
    """
    M = out.shape[0]
    ncols = out.shape[1]
    for s in nb.prange(nstrips):
        i0 = (s * M) // nstrips
        i1 = ((s + 1) * M) // nstrips
        if i1 > i0:
            _strip(padded, i0, i1, ncols, r, K, measure, code, a, T, inv_scale, table, offsets, profile, out)


@nb.njit(cache=NUMBA_CACHE, nogil=True, parallel=True)
def _block_map(codes, row_edges, col_edges, K, wmax, measure, code, a, T, inv_scale, table, offsets, profile, out):
    """Value of every block ``codes[row_edges[i]:row_edges[i+1], col_edges[j]:...]``.

    ``prange`` over block rows, each with its own histogram (restored to zero after
    each block by removing the block's codes again).
    """
    h = row_edges.shape[0] - 1
    w = col_edges.shape[0] - 1
    for bi in nb.prange(h):
        hist = np.zeros(K, dtype=np.int32)
        nk = np.zeros(wmax + 2, dtype=np.int64)
        st = np.zeros(_N_STATE, dtype=np.int64)
        for bj in range(w):
            for i in range(row_edges[bi], row_edges[bi + 1]):
                _add(codes[i, col_edges[bj] : col_edges[bj + 1]], hist, nk, T, st, profile)
            out[bi, bj] = _value(measure, code, a, K, st, nk, inv_scale, table, offsets)
            for i in range(row_edges[bi], row_edges[bi + 1]):
                _remove(codes[i, col_edges[bj] : col_edges[bj + 1]], hist, nk, T, st, profile)


# ----------------------------------------------------------------- moments (mean, std)
# Double-double ("dd") arithmetic: a value is hi + lo with |lo| <= ulp(hi) / 2. Sums of
# integers below 2**106 are exact, so integer images get exact window sums; float images
# get sums with relative error ~1e-32. No fastmath here: the error-free transformations
# (Knuth's TwoSum, Dekker's split/TwoProd) need strict IEEE evaluation.


@nb.njit(cache=NUMBA_CACHE, nogil=True, inline="always")
def _two_sum(a, b):
    s = a + b
    bb = s - a
    e = (a - (s - bb)) + (b - bb)
    return s, e


@nb.njit(cache=NUMBA_CACHE, nogil=True, inline="always")
def _dd_add(hi, lo, x):
    """(hi, lo) + x, renormalised."""
    s, e = _two_sum(hi, x)
    e += lo
    return _two_sum(s, e)


@nb.njit(cache=NUMBA_CACHE, nogil=True, inline="always")
def _dd_add_dd(ahi, alo, bhi, blo):
    s, e = _two_sum(ahi, bhi)
    e += alo + blo
    return _two_sum(s, e)


@nb.njit(cache=NUMBA_CACHE, nogil=True, inline="always")
def _split(a):
    t = 134217729.0 * a  # 2**27 + 1
    hi = t - (t - a)
    return hi, a - hi


@nb.njit(cache=NUMBA_CACHE, nogil=True, inline="always")
def _two_prod(a, b):
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


@nb.njit(cache=NUMBA_CACHE, nogil=True, inline="always")
def _dd_mul(ahi, alo, bhi, blo):
    p, e = _two_prod(ahi, bhi)
    e += ahi * blo + alo * bhi
    return _two_sum(p, e)


@nb.njit(cache=NUMBA_CACHE, nogil=True, boundscheck=False)
def _moments_strip(vals, wts, i0, i1, r, mean, std):
    w = 2 * r + 1
    ncols_p = vals.shape[1]
    ncols = mean.shape[1]
    # column sums over the window's rows, as dd: S (values), Q (squares); n (count)
    shi = np.zeros(ncols_p)
    slo = np.zeros(ncols_p)
    qhi = np.zeros(ncols_p)
    qlo = np.zeros(ncols_p)
    cnt = np.zeros(ncols_p, dtype=np.int64)
    for j in range(ncols_p):
        for di in range(w):
            x = vals[i0 + di, j]
            shi[j], slo[j] = _dd_add(shi[j], slo[j], x)
            p, e = _two_prod(x, x)
            qhi[j], qlo[j] = _dd_add_dd(qhi[j], qlo[j], p, e)
            cnt[j] += wts[i0 + di, j]
    for i in range(i0, i1):
        if i > i0:
            for j in range(ncols_p):
                x = vals[i - 1, j]
                shi[j], slo[j] = _dd_add(shi[j], slo[j], -x)
                p, e = _two_prod(x, x)
                qhi[j], qlo[j] = _dd_add_dd(qhi[j], qlo[j], -p, -e)
                y = vals[i - 1 + w, j]
                shi[j], slo[j] = _dd_add(shi[j], slo[j], y)
                p, e = _two_prod(y, y)
                qhi[j], qlo[j] = _dd_add_dd(qhi[j], qlo[j], p, e)
                cnt[j] += wts[i - 1 + w, j] - wts[i - 1, j]
        # horizontal sliding sums over the column sums
        ahi = 0.0
        alo = 0.0
        bhi = 0.0
        blo = 0.0
        n = 0
        for j in range(w):
            ahi, alo = _dd_add_dd(ahi, alo, shi[j], slo[j])
            bhi, blo = _dd_add_dd(bhi, blo, qhi[j], qlo[j])
            n += cnt[j]
        for j in range(ncols):
            if j > 0:
                ahi, alo = _dd_add_dd(ahi, alo, -shi[j - 1], -slo[j - 1])
                bhi, blo = _dd_add_dd(bhi, blo, -qhi[j - 1], -qlo[j - 1])
                ahi, alo = _dd_add_dd(ahi, alo, shi[j - 1 + w], slo[j - 1 + w])
                bhi, blo = _dd_add_dd(bhi, blo, qhi[j - 1 + w], qlo[j - 1 + w])
                n += cnt[j - 1 + w] - cnt[j - 1]
            fn = float(n)
            mean[i, j] = (ahi + alo) / fn
            # n^2 var = n Q - S^2, in dd (exact for integer images)
            nqh, nql = _dd_mul(bhi, blo, fn, 0.0)
            s2h, s2l = _dd_mul(ahi, alo, ahi, alo)
            dh, dl = _dd_add_dd(nqh, nql, -s2h, -s2l)
            d = dh + dl
            std[i, j] = math.sqrt(d) / fn if d > 0.0 else 0.0


@nb.njit(cache=NUMBA_CACHE, nogil=True, parallel=True)
def _box_moments(vals, wts, r, nstrips, mean, std):
    """Window mean and (ddof=0) standard deviation over ``mean``/``std`` (M, N).

    ``vals`` (M + 2r, N + 2r) float64 padded values (0 outside the image for clip),
    ``wts`` the matching 0/1 int64 weights. Sliding double-double sums: exact for
    integer images, independent of ``nstrips``.
    """
    M = mean.shape[0]
    for s in nb.prange(nstrips):
        i0 = (s * M) // nstrips
        i1 = ((s + 1) * M) // nstrips
        if i1 > i0:
            _moments_strip(vals, wts, i0, i1, r, mean, std)
