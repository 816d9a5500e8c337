"""Sliding-window (moving histogram) kernels for local and block information maps.

One driver, :func:`_histogram_map`, walks a window of (2r+1)^2 pixels over a padded
array of integer codes in a serpentine (boustrophedon) path: moving by one column
removes one column of 2r+1 codes and adds another, moving by one row does the same with
a row. Per update the state changes in O(1):

- ``hist[v]``  count of code ``v`` in the window (int32, length K),
- ``nk[c]``    the count profile: number of codes seen exactly c times (when needed),
- scalars ``(n, S, occ, Q, cmax)``: n the number of pixels, S the sum over codes of
  ``t(count)`` where ``t(c) = round(c log c * 2**shift)`` (an *integer* fixed-point
  table, so the running sum is exact and carries no drift), occ the number of
  occupied codes, Q the sum of squared counts and cmax the largest count (Q and
  cmax kept, like the profile, only for the measures that need them).

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
from .estimators import profile_entropy_table

# What a window's value is (``measure``):
SHANNON = 0  # plug-in Shannon, nats (running fixed-point sum of c log c)
RENYI = 1  # plug-in Rényi of order a (0, 2, inf exact; others via profile_entropy code 0)
ESTIMATOR = 2  # profile_entropy_table(code, nk, n, K, a, etable)
LAURENT = 3  # notebook's Laurent expectation: occupied - 1
TAYLOR = 4  # notebook's Taylor expectation: -(1 + sum p^2)
TABLE = 5  # sum_c nk[c] * table[offsets[n] + c]  (a tabulated (c/n) f(c/n))


def fixed_point_clogc(wmax):
    """(D, scale): increments ``D[c] = t(c + 1) - t(c)`` (int64, c = 0..wmax) of the
    fixed-point table ``t(c) = round(c log c * scale)``.

    A window's ``S = sum over codes of t(count)`` is kept as the exact integer sum of
    these increments. ``scale`` is a power of two chosen so that S (at most
    ``t(wmax)``, as sum c log c <= n log n) stays below 2**61.
    """
    c = np.arange(wmax + 1, dtype=np.float64)
    clogc = np.zeros(wmax + 1)
    clogc[2:] = c[2:] * np.log(c[2:])
    top = max(float(clogc[-1]), 1.0)
    shift = min(60, 61 - math.ceil(math.log2(top + 1.0)))
    scale = float(2.0**shift)
    t = np.round(clogc * scale).astype(np.int64)
    d = np.zeros(wmax + 1, dtype=np.int64)
    d[:-1] = np.diff(t)
    return d, scale


@nb.njit(cache=NUMBA_CACHE, nogil=True, boundscheck=False, inline="always")
def _slide(A, rrow, arow, k0, k1, hist, nk, T, n, S, occ, Q, cmax, profile):
    """Remove the codes ``A[rrow, k0:k1]``, then add the codes ``A[arow, k0:k1]``.

    A negative ``rrow`` (``arow``) removes (adds) nothing; negative codes (padding)
    are skipped. ``T`` holds the fixed-point *increments* ``T[c] = t(c + 1) - t(c)``
    of ``t(c) = c log c`` (see :func:`fixed_point_clogc`). The scalar state
    ``(n, S, occ, Q, cmax)`` is passed and returned by value, so it stays in registers;
    Q, cmax and ``nk`` are kept only when ``profile`` is true (the plug-in Shannon walk
    does the least work per update).
    """
    for k in range(k0 if rrow >= 0 else k1, k1):
        v = A[rrow, k]
        if v < 0:
            continue
        c = hist[v]
        hist[v] = c - 1
        S -= T[c - 1]
        n -= 1
        occ -= c == 1
        if profile:
            Q -= 2 * c - 1
            nk[c] -= 1
            nk[c - 1] += 1
            if c == cmax and nk[c] == 0:
                cmax = c - 1
    for k in range(k0 if arow >= 0 else k1, k1):
        v = A[arow, k]
        if v < 0:
            continue
        c = hist[v]
        hist[v] = c + 1
        S += T[c]
        n += 1
        occ += c == 0
        if profile:
            Q += 2 * c + 1
            nk[c] -= 1
            nk[c + 1] += 1
            cmax = max(cmax, c + 1)
    return n, S, occ, Q, cmax


@nb.cfunc(
    nb.types.float64(
        nb.types.int64, nb.types.voidptr, nb.types.int64, nb.types.int64, nb.types.int64, nb.types.float64,
        nb.types.voidptr, nb.types.int64, nb.types.int64,
    ),
    cache=NUMBA_CACHE,
)
def profile_entropy_c(code, nk_ptr, nk_len, n, K, a, table_ptr, t0, t1):
    """C-callable ``profile_entropy_table(code, nk, n, K, a, table)`` (nats).

    The walk calls the estimators through this pointer (a first-class function
    argument) instead of linking their kernels into every driver: the estimators are
    compiled once here, and the drivers stay quick to compile and cacheable.
    """
    nk = nb.carray(nk_ptr, (nk_len,), dtype=np.int64)
    table = nb.carray(table_ptr, (t0, t1), dtype=np.float64)
    return profile_entropy_table(code, nk, n, K, a, table)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _value_profile(measure, code, a, K, n, occ, cmax, nk, table, offsets, etable, efunc):
    """Values that need the whole count profile (O(n) or O(cmax) per window).

    Not inlined into the walk. ``efunc`` is :data:`profile_entropy_c`.
    """
    if measure == RENYI or measure == ESTIMATOR:
        nk[0] = K - occ
        ecode = 0 if measure == RENYI else code
        return efunc(ecode, nk.ctypes, nk.shape[0], n, K, a, etable.ctypes, etable.shape[0], etable.shape[1])
    if measure == TABLE:
        base = offsets[n]
        s = 0.0
        for c in range(1, cmax + 1):
            m = nk[c]
            if m:
                s += m * table[base + c]
        return s
    return math.nan


@nb.njit(cache=NUMBA_CACHE, nogil=True, inline="always")
def _value(measure, code, a, K, n, S, occ, Q, cmax, nk, inv_scale, table, offsets, etable, efunc):
    """The value (nats for entropies) of the window with state ``(n, S, occ, Q, cmax, nk)``."""
    if n <= 0:
        return math.nan
    if measure == SHANNON:
        if occ == 1:
            return 0.0
        return math.log(n) - (S * inv_scale) / n
    if measure == LAURENT:
        return float(occ - 1)
    if measure == TAYLOR:
        return -(1.0 + Q / (float(n) * float(n)))
    if measure == RENYI:
        if occ == 1:
            return 0.0
        if a == 0.0:
            return math.log(occ)
        if a == 2.0:
            return -math.log(Q / (float(n) * float(n)))
        if math.isinf(a):
            return -math.log(cmax / float(n))
    return _value_profile(measure, code, a, K, n, occ, cmax, nk, table, offsets, etable, efunc)


@nb.njit(cache=NUMBA_CACHE, nogil=True, boundscheck=False)
def _strip(padded, padded_t, i0, i1, ncols, r, K, measure, code, a, T, inv_scale, table, offsets, etable, efunc, profile, out):
    """Fill output rows ``i0 <= i < i1``: one histogram, serpentine walk.

    Vertical steps (the first w of which fill the initial window) read rows of
    ``padded``; horizontal steps read the transposed copy ``padded_t``, whose rows are
    the columns of ``padded``, so both read contiguous memory. (Two update sites and
    two evaluation sites only: the inlined code stays small and compiles fast.)
    """
    w = 2 * r + 1
    hist = np.zeros(K, dtype=np.int32)
    nk = np.zeros(w * w + 2 if profile else 1, dtype=np.int64)
    n = 0
    S = 0
    occ = 0
    Q = 0
    cmax = 0
    j = 0
    forward = True
    for top in range(i0 - w + 1, i1):  # the window covers padded rows top .. top + w - 1
        rrow = top - 1 if top - 1 >= i0 else -1
        n, S, occ, Q, cmax = _slide(padded, rrow, top + w - 1, j, j + w, hist, nk, T, n, S, occ, Q, cmax, profile)
        if top < i0:
            continue
        out[top, j] = _value(measure, code, a, K, n, S, occ, Q, cmax, nk, inv_scale, table, offsets, etable, efunc)
        for step in range(ncols - 1):
            if forward:
                j = step + 1
                rem = j - 1
                add = j - 1 + w
            else:
                j = ncols - 2 - step
                rem = j + w
                add = j
            n, S, occ, Q, cmax = _slide(padded_t, rem, add, top, top + w, hist, nk, T, n, S, occ, Q, cmax, profile)
            out[top, j] = _value(measure, code, a, K, n, S, occ, Q, cmax, nk, inv_scale, table, offsets, etable, efunc)
        forward = not forward


@nb.njit(cache=NUMBA_CACHE, nogil=True, parallel=True)
def _histogram_map(padded, padded_t, r, K, measure, code, a, T, inv_scale, table, offsets, etable, efunc, profile, nstrips, out):
    """Local map over ``out`` (M, N) from ``padded`` codes (M + 2r, N + 2r).

    ``padded_t`` is ``padded.T`` made contiguous.
    ``prange`` over ``nstrips`` row strips; values are independent of ``nstrips``.
    """
    M = out.shape[0]
    ncols = out.shape[1]
    for s in nb.prange(nstrips):
        i0 = (s * M) // nstrips
        i1 = ((s + 1) * M) // nstrips
        if i1 > i0:
            _strip(padded, padded_t, i0, i1, ncols, r, K, measure, code, a, T, inv_scale, table, offsets, etable, efunc, profile, out)


@nb.njit(cache=NUMBA_CACHE, nogil=True, parallel=True)
def _block_map(codes, row_edges, col_edges, K, wmax, measure, code, a, T, inv_scale, table, offsets, etable, efunc, profile, out):
    """Value of every block ``codes[row_edges[i]:row_edges[i+1], col_edges[j]:...]``.

    ``prange`` over block rows, each with its own histogram (restored to zero after
    each block by removing the block's codes again).
    """
    h = row_edges.shape[0] - 1
    w = col_edges.shape[0] - 1
    for bi in nb.prange(h):
        hist = np.zeros(K, dtype=np.int32)
        nk = np.zeros(wmax + 2 if profile else 1, dtype=np.int64)
        for bj in range(w):
            n = 0
            S = 0
            occ = 0
            Q = 0
            cmax = 0
            c0 = col_edges[bj]
            c1 = col_edges[bj + 1]
            for i in range(row_edges[bi], row_edges[bi + 1]):
                n, S, occ, Q, cmax = _slide(codes, -1, i, c0, c1, hist, nk, T, n, S, occ, Q, cmax, profile)
            out[bi, bj] = _value(measure, code, a, K, n, S, occ, Q, cmax, nk, inv_scale, table, offsets, etable, efunc)
            for i in range(row_edges[bi], row_edges[bi + 1]):
                n, S, occ, Q, cmax = _slide(codes, i, -1, c0, c1, hist, nk, T, n, S, occ, Q, cmax, profile)


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
