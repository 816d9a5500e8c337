"""Sliding-window (moving histogram) kernels for local and block information maps.

The drivers walk a window of (2r+1)^2 pixels over an array of integer codes (uint8,
uint16 or int32; the image itself when it is uint8/uint16) in a serpentine
(boustrophedon) path: moving by one column removes one column of 2r+1 codes and adds
another, moving by one row does the same with a row. A removed and an added pixel with
the same code cancel and may be skipped (frequent in flat regions). Per update the
state changes in O(1):

- ``hist[v]``  count of code ``v`` in the window (int32, length K),
- ``nk[c]``    the count profile: number of codes seen exactly c times (when needed),
- scalars ``(S, occ, Q, cmax)``: S the sum over codes of ``t(count)`` where
  ``t(c) = round(phi(c) * 2**shift)`` (an *integer* fixed-point table, so the running
  sum is exact and carries no drift; ``phi(c) = c log c`` for plug-in Shannon), occ
  the number of occupied codes, Q the sum of squared counts and cmax the largest count.
  The number of pixels n follows from the window's geometry.

The drivers, each compiled only when a call needs it:

- :func:`_shannon_map` (plug-in Shannon, S only, hand-written updates);
- :func:`_linear_map` (estimators that are linear forms of the profile, S with the
  estimator's own ``phi`` and occ: O(1) per window; see
  ``infopix._kernels.estimators``);
- :func:`_keyed_map` (estimators linear in the profile once one integer of the window
  is fixed, Chao-Shen by its singletons and shrinkage by its sum of squares: the
  profile, the bit set of counts present and the key, updated without branches;
  per-bin terms remembered per (window size, key));
- :func:`_histogram_map` and :func:`_block_map` (everything else: Q, cmax and the
  profile; the estimator's kernel is a first-class function argument ``efunc``, so the
  driver compiles once for all estimators, optionally remembering values per profile).

Every per-window value is a pure function of this state, which is the same whatever
path reached the window: results do not depend on the strip decomposition or on the
number of threads (``prange`` over row strips, each strip with its own histogram).

Edges: with ``pad = 0`` the codes are the image and windows are cut at its edges
('clip'); with ``pad = r`` they are the image padded by r (reflect, wrap). The
per-window cost is O(r) (at most 2(2r+1) updates) plus the measure's evaluation: O(1)
for plug-in Shannon, the linear forms, Rényi 0/2/inf, Laurent, Taylor; O(cmax) for the
other estimators, general Rényi orders and tabulated functions (NSB: a quadrature).

Kernels take typed contiguous arrays; validation is the caller's
(:mod:`infopix.local`).
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from .._config import NUMBA_CACHE

# What a window's value is (``measure``):
SHANNON = 0  # plug-in Shannon, nats (running fixed-point sum of c log c)
RENYI = 1  # plug-in Rényi of order a (0, 2, inf exact; others via efunc = plugin kernel)
ESTIMATOR = 2  # efunc(nk, n, K, a, etable): an estimator kernel (first-class function)
LAURENT = 3  # notebook's Laurent expectation: occupied - 1
TAYLOR = 4  # notebook's Taylor expectation: -(1 + sum p^2)
TABLE = 5  # sum_c nk[c] * table[offsets[n] + c]  (a tabulated (c/n) f(c/n))


def fixed_point_clogc(wmax):
    """(D, t, scale): the fixed-point table ``t(c) = round(c log c * scale)`` (int64,
    c = 0..wmax) and its increments ``D[c] = t(c + 1) - t(c)``.

    A window's ``S = sum over codes of t(count)`` is kept as the exact integer sum of
    these increments. ``scale`` is a power of two chosen so that S (at most
    ``t(wmax)``, as sum c log c <= n log n) stays below 2**61. A window of n pixels is
    constant exactly when ``S == t(n)`` (c log c is strictly superadditive: splitting
    n into two or more counts lowers the sum by at least ``2 log 2 * scale``).
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
    return d, t, scale


@nb.njit(cache=NUMBA_CACHE, nogil=True, boundscheck=False, inline="always")
def _slide(A, rem, add, k0, k1, by_column, hist, nk, T, S, occ, Q, cmax, profile):
    """Remove line ``rem`` and add line ``add`` of ``A``, over positions ``k0 <= k < k1``.

    Lines are rows (``A[rem, k]``) or, with ``by_column``, columns (``A[k, rem]``; the
    2r+1 rows of a column stay in L1 along a row walk, so strided reads cost no more
    than a transposed copy would). A negative ``rem`` (``add``) removes (adds) nothing.
    When both lines are present they are updated pixel pair by pixel pair, and a pair
    of equal codes (common in flat regions of natural images) is skipped: the state is
    a function of the window's multiset of codes only. The scalar state is passed and
    returned by value, so it stays in registers; Q, cmax and ``nk`` are kept only when
    ``profile`` is true. (The update bodies are written out, not factored into
    inlined helpers: measured 2x faster.)
    """
    if rem >= 0 and add >= 0:
        for k in range(k0, k1):
            if by_column:
                vo = A[k, rem]
                vi = A[k, add]
            else:
                vo = A[rem, k]
                vi = A[add, k]
            if vo == vi:
                continue
            c = hist[vo]
            hist[vo] = c - 1
            S -= T[c - 1]
            occ -= c == 1
            if profile:
                Q -= 2 * c - 1
                nk[c] -= 1
                nk[c - 1] += 1
                if c == cmax and nk[c] == 0:
                    cmax = c - 1
            c = hist[vi]
            hist[vi] = c + 1
            S += T[c]
            occ += c == 0
            if profile:
                Q += 2 * c + 1
                nk[c] -= 1
                nk[c + 1] += 1
                cmax = max(cmax, c + 1)
        return S, occ, Q, cmax
    for k in range(k0 if rem >= 0 else k1, k1):
        v = A[k, rem] if by_column else A[rem, k]
        c = hist[v]
        hist[v] = c - 1
        S -= T[c - 1]
        occ -= c == 1
        if profile:
            Q -= 2 * c - 1
            nk[c] -= 1
            nk[c - 1] += 1
            if c == cmax and nk[c] == 0:
                cmax = c - 1
    for k in range(k0 if add >= 0 else k1, k1):
        v = A[k, add] if by_column else A[add, k]
        c = hist[v]
        hist[v] = c + 1
        S += T[c]
        occ += c == 0
        if profile:
            Q += 2 * c + 1
            nk[c] -= 1
            nk[c + 1] += 1
            cmax = max(cmax, c + 1)
    return S, occ, Q, cmax


@nb.njit(cache=NUMBA_CACHE, nogil=True, inline="always")
def _call(efunc, a, K, n, cmax, nk, etable, buf):
    """``efunc(cs, ms, n, K, a, etable)`` on the window's sparse profile, written into
    the two halves of ``buf`` (length 2L, L > cmax) from the dense ``nk``."""
    half = buf.shape[0] // 2
    d = 0
    for c in range(1, cmax + 1):
        m = nk[c]
        if m:
            buf[d] = c
            buf[half + d] = m
            d += 1
    return efunc(buf[:d], buf[half : half + d], n, K, a, etable)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _memo_value(a, K, n, cmax, nk, etable, efunc, R, keys, vals, buf):
    """``efunc(nk, n, K, a, etable)``, remembered per count profile.

    Small windows repeat their count profiles (a 3x3 window has at most 30), so the
    value of each profile met in a strip is kept in an open-addressing table keyed by
    two independent 64-bit hashes ``sum_c nk[c] R[i, c]`` (mod 2**64) of the profile:
    two distinct profiles collide with probability about 2**-100, and the value is a
    function of the profile only, so the map is the same with or without the table.
    """
    h1 = np.uint64(n)
    h2 = np.uint64(0)
    for c in range(1, cmax + 1):
        m = nk[c]
        if m:
            um = np.uint64(m)
            h1 += um * R[0, c]
            h2 += um * R[1, c]
    if h1 == 0:
        h1 = np.uint64(1)  # 0 marks an empty slot
    mask = keys.shape[1] - 1
    start = np.int64(h1 >> np.uint64(40)) & mask
    slot = start  # a full run of 8: replace its first entry
    for probe in range(8):
        sl = (start + probe) & mask
        k1 = keys[0, sl]
        if k1 == h1 and keys[1, sl] == h2:
            return vals[sl]
        if k1 == 0:
            slot = sl
            break
    v = _call(efunc, a, K, n, cmax, nk, etable, buf)
    keys[0, slot] = h1
    keys[1, slot] = h2
    vals[slot] = v
    return v


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _value_profile(measure, a, K, n, occ, cmax, nk, table, offsets, etable, efunc, R, keys, vals, buf):
    """Values that need the whole count profile (O(n) or O(cmax) per window).

    Not inlined into the walk. ``efunc`` is the estimator's kernel as a first-class
    function (the plug-in kernel for Rényi orders); with a non-empty ``keys`` table its
    values are remembered per profile (:func:`_memo_value`).
    """
    if measure == RENYI or measure == ESTIMATOR:
        if keys.shape[1] > 1:
            return _memo_value(a, K, n, cmax, nk, etable, efunc, R, keys, vals, buf)
        return _call(efunc, a, K, n, cmax, nk, etable, buf)
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
def _value(measure, a, K, n, S, occ, Q, cmax, nk, logn, invn, tn, inv_scale, table, offsets, etable, efunc, R, keys, vals, buf):
    """The value (nats for entropies) of a window of ``n`` pixels with state
    ``(S, occ, Q, cmax, nk)``; ``logn = log n``, ``invn = 1 / n`` and ``tn = t(n)``
    are cached by the caller (n changes only near the edges)."""
    if measure == SHANNON:
        if S == tn:  # one code only (see fixed_point_clogc): exactly 0
            return 0.0
        return logn - (S * inv_scale) * invn
    if measure == LAURENT:
        return float(occ - 1)
    if measure == TAYLOR:
        return -(1.0 + Q * (invn * invn))
    if measure == RENYI:
        if occ == 1:
            return 0.0
        if a == 0.0:
            return math.log(occ)
        if a == 2.0:
            return -math.log(Q * (invn * invn))
        if math.isinf(a):
            return -math.log(cmax * invn)
    return _value_profile(measure, a, K, n, occ, cmax, nk, table, offsets, etable, efunc, R, keys, vals, buf)


@nb.njit(cache=NUMBA_CACHE, nogil=True, boundscheck=False)
def _strip(A, pad, i0, i1, ncols, r, nhist, K, measure, a, T, t, inv_scale, out_div, table, offsets, etable, efunc, profile, R, memo, out):
    """Fill output rows ``i0 <= i < i1``: one histogram, serpentine walk.

    The window of output pixel (i, j) is rows ``i - r + pad .. i + r + pad`` and
    columns ``j - r + pad .. j + r + pad`` of ``A``, cut to ``A``'s extent: ``A`` is
    the image itself with ``pad = 0`` (edge 'clip': the window is cut at the image
    edges) or the image padded by r with ``pad = r`` (reflect, wrap). Vertical steps
    slide a row, horizontal steps a column (two update sites and one evaluation site:
    the inlined code stays small and compiles fast). ``memo`` > 1 slots of a table
    remembering estimator values per count profile (see :func:`_memo_value`).
    ``nhist`` > every code is the histogram's length; ``K`` is the number of possible
    outcomes the estimator is told (K >= nhist: e.g. (dx dy)! ordinal patterns whose
    occurring codes were relabelled 0 .. nhist - 1).
    """
    M = A.shape[0]
    N = A.shape[1]
    hist = np.zeros(nhist, dtype=np.int32)
    nk = np.zeros(T.shape[0] + 1 if profile else 1, dtype=np.int64)
    keys = np.zeros((2, memo), dtype=np.uint64)
    vals = np.empty(memo)
    buf = np.zeros(2 * (T.shape[0] + 1) if profile else 2, dtype=np.int64)
    S = 0
    occ = 0
    Q = 0
    cmax = 0
    lastn = -1
    logn = 0.0
    invn = 0.0
    tn = 0
    j = 0
    ca = max(0, pad - r)
    cb = min(N, pad + r + 1)
    forward = True
    for row in range(max(0, i0 - r + pad), min(M, i0 + r + 1 + pad)):  # the first window
        S, occ, Q, cmax = _slide(A, -1, row, ca, cb, False, hist, nk, T, S, occ, Q, cmax, profile)
    for i in range(i0, i1):
        top = i - r + pad  # the window's rows: top .. top + 2r, cut to 0 .. M - 1
        if i > i0:
            rem = top - 1 if 0 <= top - 1 < M else -1
            add = top + 2 * r if 0 <= top + 2 * r < M else -1
            S, occ, Q, cmax = _slide(A, rem, add, ca, cb, False, hist, nk, T, S, occ, Q, cmax, profile)
        ra = max(0, top)
        rb = min(M, top + 2 * r + 1)
        nrows = rb - ra
        for step in range(ncols):
            if step > 0:
                if forward:
                    j = step
                    rem = j - 1 - r + pad
                    add = j + r + pad
                else:
                    j = ncols - 1 - step
                    rem = j + 1 + r + pad
                    add = j - r + pad
                rem = rem if 0 <= rem < N else -1
                add = add if 0 <= add < N else -1
                S, occ, Q, cmax = _slide(A, rem, add, ra, rb, True, hist, nk, T, S, occ, Q, cmax, profile)
            n = nrows * (min(N, j + r + 1 + pad) - max(0, j - r + pad))
            if n != lastn:
                lastn = n
                logn = math.log(n)
                invn = 1.0 / n
                tn = t[n]  # n <= the table's largest window
            val = _value(measure, a, K, n, S, occ, Q, cmax, nk, logn, invn, tn, inv_scale, table, offsets, etable, efunc, R, keys, vals, buf)
            out[i, j] = val / out_div + 0.0
        forward = not forward
        ca = max(0, j - r + pad)
        cb = min(N, j + r + 1 + pad)


@nb.njit(cache=NUMBA_CACHE, nogil=True, boundscheck=False)
def _strip_shannon(A, pad, i0, i1, ncols, r, K, T, t, inv_scale, out_div, out):
    """:func:`_strip` for plug-in Shannon only, with the updates written out by hand.

    The same walk and the same exact integer state S, so the same values to the last
    bit; only S is kept. Written out because Numba's IR inlining of :func:`_slide`
    costs here: on a constant 1024² image (every pair skipped) the generic walk takes
    19 ns per pixel and this loop 5 ns (r = 1, one thread, measured 2026-11-25).
    """
    M = A.shape[0]
    N = A.shape[1]
    hist = np.zeros(K, dtype=np.int32)
    S = 0
    lastn = -1
    logn = 0.0
    invn = 0.0
    tn = 0
    j = 0
    ca = max(0, pad - r)
    cb = min(N, pad + r + 1)
    forward = True
    for row in range(max(0, i0 - r + pad), min(M, i0 + r + 1 + pad)):  # the first window
        for k in range(ca, cb):
            v = A[row, k]
            c = hist[v]
            hist[v] = c + 1
            S += T[c]
    for i in range(i0, i1):
        top = i - r + pad
        if i > i0:  # slide down: remove row top - 1, add row top + 2r (if inside A)
            rem = top - 1
            add = top + 2 * r
            if rem >= 0 and add < M:
                for k in range(ca, cb):
                    vo = A[rem, k]
                    vi = A[add, k]
                    if vo != vi:
                        c = hist[vo]
                        hist[vo] = c - 1
                        S -= T[c - 1]
                        c = hist[vi]
                        hist[vi] = c + 1
                        S += T[c]
            elif rem >= 0:
                for k in range(ca, cb):
                    v = A[rem, k]
                    c = hist[v]
                    hist[v] = c - 1
                    S -= T[c - 1]
            elif add < M:
                for k in range(ca, cb):
                    v = A[add, k]
                    c = hist[v]
                    hist[v] = c + 1
                    S += T[c]
        ra = max(0, top)
        rb = min(M, top + 2 * r + 1)
        nrows = rb - ra
        for step in range(ncols):
            if step > 0:  # slide across: remove column rem, add column add
                if forward:
                    j = step
                    rem = j - 1 - r + pad
                    add = j + r + pad
                else:
                    j = ncols - 1 - step
                    rem = j + 1 + r + pad
                    add = j - r + pad
                rem_in = 0 <= rem < N
                add_in = 0 <= add < N
                if rem_in and add_in:
                    # Skip the leading run of equal pairs (all of a column pair in flat
                    # regions), then update every pair without testing: a per-pair test
                    # mispredicts on textured images (camera r = 5: 44 against 38-40
                    # ns/px), while updating equal pairs chains stores to one count
                    # (constant image r = 5: 27 against 10-13 ns/px).
                    k0 = ra
                    while k0 < rb and A[k0, rem] == A[k0, add]:
                        k0 += 1
                    for k in range(k0, rb):
                        vo = A[k, rem]
                        vi = A[k, add]
                        c = hist[vo]
                        hist[vo] = c - 1
                        S -= T[c - 1]
                        c = hist[vi]
                        hist[vi] = c + 1
                        S += T[c]
                elif rem_in:
                    for k in range(ra, rb):
                        v = A[k, rem]
                        c = hist[v]
                        hist[v] = c - 1
                        S -= T[c - 1]
                elif add_in:
                    for k in range(ra, rb):
                        v = A[k, add]
                        c = hist[v]
                        hist[v] = c + 1
                        S += T[c]
            n = nrows * (min(N, j + r + 1 + pad) - max(0, j - r + pad))
            if n != lastn:
                lastn = n
                logn = math.log(n)
                invn = 1.0 / n
                tn = t[n]  # n <= the table's largest window
            val = 0.0 if S == tn else logn - (S * inv_scale) * invn
            out[i, j] = val / out_div + 0.0
        forward = not forward
        ca = max(0, j - r + pad)
        cb = min(N, j + r + 1 + pad)


@nb.njit(cache=NUMBA_CACHE, nogil=True, boundscheck=False)
def _strip_linear(A, pad, i0, i1, ncols, r, K, T, inv_scale, coef, out_div, out):
    """:func:`_strip_shannon` for an estimator that is a linear form of the profile,
    ``c0(n) + c1(n) sum_codes phi(count) + c2(n) occ + g(n - occ)``.

    ``T`` holds the increments of the fixed-point table ``round(phi(c) * scale)`` (so
    the running sum S is exact, as for plug-in), ``coef[n] = (c0, c1, c2,
    g(n), single-category value)`` (see ``infopix._kernels.estimators``, ``*_tables``). occ, the number of
    occupied codes, is tracked alongside: O(1) per update, no count profile.
    """
    M = A.shape[0]
    N = A.shape[1]
    hist = np.zeros(K, dtype=np.int32)
    S = 0
    occ = 0
    lastn = -1
    c0 = 0.0
    c1 = 0.0
    c2 = 0.0
    j = 0
    ca = max(0, pad - r)
    cb = min(N, pad + r + 1)
    forward = True
    for row in range(max(0, i0 - r + pad), min(M, i0 + r + 1 + pad)):  # the first window
        for k in range(ca, cb):
            v = A[row, k]
            c = hist[v]
            hist[v] = c + 1
            S += T[c]
            occ += c == 0
    for i in range(i0, i1):
        top = i - r + pad
        if i > i0:  # slide down: remove row top - 1, add row top + 2r (if inside A)
            rem = top - 1
            add = top + 2 * r
            if rem >= 0 and add < M:
                for k in range(ca, cb):
                    vo = A[rem, k]
                    vi = A[add, k]
                    if vo != vi:
                        c = hist[vo]
                        hist[vo] = c - 1
                        S -= T[c - 1]
                        occ -= c == 1
                        c = hist[vi]
                        hist[vi] = c + 1
                        S += T[c]
                        occ += c == 0
            elif rem >= 0:
                for k in range(ca, cb):
                    v = A[rem, k]
                    c = hist[v]
                    hist[v] = c - 1
                    S -= T[c - 1]
                    occ -= c == 1
            elif add < M:
                for k in range(ca, cb):
                    v = A[add, k]
                    c = hist[v]
                    hist[v] = c + 1
                    S += T[c]
                    occ += c == 0
        ra = max(0, top)
        rb = min(M, top + 2 * r + 1)
        nrows = rb - ra
        for step in range(ncols):
            if step > 0:  # slide across: remove column rem, add column add
                if forward:
                    j = step
                    rem = j - 1 - r + pad
                    add = j + r + pad
                else:
                    j = ncols - 1 - step
                    rem = j + 1 + r + pad
                    add = j - r + pad
                rem_in = 0 <= rem < N
                add_in = 0 <= add < N
                if rem_in and add_in:
                    # Skip the leading run of equal pairs (all of a column pair in flat
                    # regions), then update every pair without testing: a per-pair test
                    # mispredicts on textured images (camera r = 5: 44 against 38-40
                    # ns/px), while updating equal pairs chains stores to one count
                    # (constant image r = 5: 27 against 10-13 ns/px).
                    k0 = ra
                    while k0 < rb and A[k0, rem] == A[k0, add]:
                        k0 += 1
                    for k in range(k0, rb):
                        vo = A[k, rem]
                        vi = A[k, add]
                        c = hist[vo]
                        hist[vo] = c - 1
                        S -= T[c - 1]
                        occ -= c == 1
                        c = hist[vi]
                        hist[vi] = c + 1
                        S += T[c]
                        occ += c == 0
                elif rem_in:
                    for k in range(ra, rb):
                        v = A[k, rem]
                        c = hist[v]
                        hist[v] = c - 1
                        S -= T[c - 1]
                        occ -= c == 1
                elif add_in:
                    for k in range(ra, rb):
                        v = A[k, add]
                        c = hist[v]
                        hist[v] = c + 1
                        S += T[c]
                        occ += c == 0
            n = nrows * (min(N, j + r + 1 + pad) - max(0, j - r + pad))
            if n != lastn:
                lastn = n
                c0 = coef[n, 0]
                c1 = coef[n, 1] * inv_scale
                c2 = coef[n, 2]
            if occ == 1:  # one code: the form's exact single-category value
                val = coef[n, 4]
            else:
                val = c0 + c1 * S + c2 * occ + coef[n - occ, 3]
            out[i, j] = val / out_div + 0.0
        forward = not forward
        ca = max(0, j - r + pad)
        cb = min(N, j + r + 1 + pad)


_DEBRUIJN = 0x03F79D71B4CA8B09  # a de Bruijn sequence B(2, 6): bit index of 1 << i


@nb.njit(cache=NUMBA_CACHE, nogil=True, boundscheck=False, inline="always")
def _keyed_move(v, delta, hist, nk, bits, occ, Q):
    """Code ``v`` gains (``delta`` = 1) or loses (-1) a pixel: its count c becomes cn
    in ``hist``, the count profile ``nk`` (nk[0] is scratch) and the bit set ``bits``
    of the counts present (bit c of word c >> 6). Written without branches: on natural
    images whether a count appears or vanishes is unpredictable, and a branchy list of
    counts measured 150 ns per pixel at r = 1 against 17 ns for this form."""
    c = hist[v]
    cn = c + delta
    hist[v] = cn
    occ += (cn > 0) - (c > 0)
    Q += cn * cn - c * c
    m = nk[c] - 1
    nk[c] = m
    w = c >> 6
    b = np.uint64(1) << np.uint64(c & 63)
    bits[w] = (bits[w] & ~b) | (b * np.uint64(m > 0))
    nk[cn] += 1
    bits[cn >> 6] |= np.uint64(1) << np.uint64(cn & 63)
    return occ, Q


@nb.njit(cache=NUMBA_CACHE, nogil=True, boundscheck=False, inline="always")
def _keyed_value(n, K, a, key, occ, nk, bits, debruijn, term, wmax, hkeys, hrows, rows, npool):
    """``(K - occ) term(n, 0) + sum over the counts c present of nk[c] term(n, c)``
    (the counts c >= 1 present: the bits set in ``bits``, bit 0 aside),
    with ``term(n, c) = term(n, K, a, key, c)`` remembered per (n, key) in a row of
    ``rows`` (entries filled on first use; NaN marks an entry not yet computed), found
    through the open-addressing table ``hkeys``/``hrows``. When the pool of rows is
    full, the terms are evaluated directly (same values). Returns (value, npool)."""
    combined = np.uint64(key) * np.uint64(wmax + 1) + np.uint64(n) + np.uint64(1)  # < 2**64: see _keyed_map
    mask = hkeys.shape[0] - 1
    start = np.int64((combined * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(40)) & mask
    ri = -1
    for probe in range(16):
        sl = (start + probe) & mask
        hk = hkeys[sl]
        if hk == combined:
            ri = hrows[sl]
            break
        if hk == 0:
            if npool < rows.shape[0]:
                ri = npool
                npool += 1
                hkeys[sl] = combined
                hrows[sl] = ri
                for c in range(n + 1):
                    rows[ri, c] = math.nan
            break
    if ri >= 0:
        t0 = rows[ri, 0]
        if t0 != t0:
            t0 = rows[ri, 0] = term(n, K, a, key, 0)
    else:  # no free row: direct evaluation
        t0 = term(n, K, a, key, 0)
    val = (K - occ) * t0
    for wi in range(bits.shape[0]):
        w = bits[wi]
        if wi == 0:
            w &= ~np.uint64(1)
        while w:
            low = w & (~w + np.uint64(1))
            w ^= low
            c = wi * 64 + debruijn[(low * np.uint64(_DEBRUIJN)) >> np.uint64(58)]
            if ri >= 0:
                tc = rows[ri, c]
                if tc != tc:
                    tc = rows[ri, c] = term(n, K, a, key, c)
            else:
                tc = term(n, K, a, key, c)
            val += nk[c] * tc
    return val, npool


@nb.njit(cache=NUMBA_CACHE, nogil=True, boundscheck=False)
def _strip_keyed(A, pad, i0, i1, ncols, r, nhist, K, a, term, keykind, slots, pool, out_div, out):
    """:func:`_strip_linear` for an estimator that is linear in the count profile once
    one integer of the window, the key, is fixed: ``keykind`` 0 the number of
    singletons nk[1] (Chao-Shen's coverage), 1 the sum of squared counts Q
    (shrinkage's lambda). The walk keeps the count profile ``nk`` and the bit set of
    counts present, O(1) per update; a window's value is an O(distinct counts) sum of
    terms remembered per (window size, key) (see :func:`_keyed_value`; ``slots`` a
    power of two, ``pool`` the rows kept per strip). ``nhist`` (> every code) sizes
    the histogram, ``K`` (>= nhist) is the number of outcomes the estimator is told."""
    M = A.shape[0]
    N = A.shape[1]
    wmax = (2 * r + 1) * (2 * r + 1)
    hist = np.zeros(nhist, dtype=np.int64)
    nk = np.zeros(wmax + 2, dtype=np.int64)
    bits = np.zeros((wmax + 2 + 63) // 64, dtype=np.uint64)
    debruijn = np.zeros(64, dtype=np.int64)
    for i in range(64):
        debruijn[((np.uint64(1) << np.uint64(i)) * np.uint64(_DEBRUIJN)) >> np.uint64(58)] = i
    hkeys = np.zeros(slots, dtype=np.uint64)
    hrows = np.zeros(slots, dtype=np.int64)
    rows = np.empty((pool, wmax + 1))
    npool = 0
    occ = 0
    Q = 0
    j = 0
    ca = max(0, pad - r)
    cb = min(N, pad + r + 1)
    forward = True
    for row in range(max(0, i0 - r + pad), min(M, i0 + r + 1 + pad)):  # the first window
        for k in range(ca, cb):
            occ, Q = _keyed_move(A[row, k], 1, hist, nk, bits, occ, Q)
    for i in range(i0, i1):
        top = i - r + pad
        if i > i0:  # slide down: remove row top - 1, add row top + 2r (if inside A)
            rem = top - 1
            add = top + 2 * r
            if rem >= 0:
                for k in range(ca, cb):
                    occ, Q = _keyed_move(A[rem, k], -1, hist, nk, bits, occ, Q)
            if add < M:
                for k in range(ca, cb):
                    occ, Q = _keyed_move(A[add, k], 1, hist, nk, bits, occ, Q)
        ra = max(0, top)
        rb = min(M, top + 2 * r + 1)
        nrows = rb - ra
        for step in range(ncols):
            if step > 0:  # slide across: remove column rem, add column add
                if forward:
                    j = step
                    rem = j - 1 - r + pad
                    add = j + r + pad
                else:
                    j = ncols - 1 - step
                    rem = j + 1 + r + pad
                    add = j - r + pad
                rem_in = 0 <= rem < N
                add_in = 0 <= add < N
                for k in range(ra, rb):
                    if rem_in and add_in:
                        vo = A[k, rem]
                        vi = A[k, add]
                        if vo != vi:
                            occ, Q = _keyed_move(vo, -1, hist, nk, bits, occ, Q)
                            occ, Q = _keyed_move(vi, 1, hist, nk, bits, occ, Q)
                    elif rem_in:
                        occ, Q = _keyed_move(A[k, rem], -1, hist, nk, bits, occ, Q)
                    elif add_in:
                        occ, Q = _keyed_move(A[k, add], 1, hist, nk, bits, occ, Q)
            n = nrows * (min(N, j + r + 1 + pad) - max(0, j - r + pad))
            key = nk[1] if keykind == 0 else Q
            val, npool = _keyed_value(n, K, a, key, occ, nk, bits, debruijn, term, wmax, hkeys, hrows, rows, npool)
            out[i, j] = val / out_div + 0.0
        forward = not forward
        ca = max(0, j - r + pad)
        cb = min(N, j + r + 1 + pad)


@nb.njit(cache=NUMBA_CACHE, nogil=True, parallel=True)
def _keyed_map(A, pad, r, nhist, K, a, term, keykind, slots, pool, out_div, nstrips, out):
    """Local map of an estimator linear in the profile given a key (see
    :func:`_strip_keyed`), as :func:`_shannon_map`. ``term`` is the estimator's term
    function as a first-class function: the walk compiles once for all such
    estimators. Keys are at most wmax**2 (Q), so (wmax + 1)**3 must stay below 2**64
    (the caller's check)."""
    M = out.shape[0]
    ncols = out.shape[1]
    for s in nb.prange(nstrips):
        i0 = (s * M) // nstrips
        i1 = ((s + 1) * M) // nstrips
        if i1 > i0:
            _strip_keyed(A, pad, i0, i1, ncols, r, nhist, K, a, term, keykind, slots, pool, out_div, out)


@nb.njit(cache=NUMBA_CACHE, nogil=True, parallel=True)
def _shannon_map(A, pad, r, K, T, t, inv_scale, out_div, nstrips, out):
    """Plug-in Shannon local map over ``out`` (M, N) (see :func:`_strip_shannon`).

    ``A`` is (M, N) with ``pad = 0`` or (M + 2r, N + 2r) with ``pad = r``. Values are
    divided by ``out_div`` (log(base)). ``prange`` over ``nstrips`` row strips; values
    are independent of ``nstrips``. Compiles only the plug-in walk.
    """
    M = out.shape[0]
    ncols = out.shape[1]
    for s in nb.prange(nstrips):
        i0 = (s * M) // nstrips
        i1 = ((s + 1) * M) // nstrips
        if i1 > i0:
            _strip_shannon(A, pad, i0, i1, ncols, r, K, T, t, inv_scale, out_div, out)


@nb.njit(cache=NUMBA_CACHE, nogil=True, parallel=True)
def _linear_map(A, pad, r, K, T, inv_scale, coef, out_div, nstrips, out):
    """Local map of a linear-form estimator (see :func:`_strip_linear`), as
    :func:`_shannon_map`."""
    M = out.shape[0]
    ncols = out.shape[1]
    for s in nb.prange(nstrips):
        i0 = (s * M) // nstrips
        i1 = ((s + 1) * M) // nstrips
        if i1 > i0:
            _strip_linear(A, pad, i0, i1, ncols, r, K, T, inv_scale, coef, out_div, out)


@nb.njit(cache=NUMBA_CACHE, nogil=True, parallel=True)
def _histogram_map(A, pad, r, nhist, K, measure, a, T, t, inv_scale, out_div, table, offsets, etable, efunc, profile, R, memo, nstrips, out):
    """Local map of any other measure over ``out`` (M, N) (see :func:`_strip`), as
    :func:`_shannon_map`. ``efunc`` is a first-class estimator kernel: this walk
    compiles once for all estimators. ``nhist`` (> every code) sizes the histogram,
    ``K`` (>= nhist) is the number of outcomes the estimator is told."""
    M = out.shape[0]
    ncols = out.shape[1]
    for s in nb.prange(nstrips):
        i0 = (s * M) // nstrips
        i1 = ((s + 1) * M) // nstrips
        if i1 > i0:
            _strip(A, pad, i0, i1, ncols, r, nhist, K, measure, a, T, t, inv_scale, out_div, table, offsets, etable, efunc, profile, R, memo, out)


@nb.njit(cache=NUMBA_CACHE, nogil=True, parallel=True)
def _block_map(A, row_edges, col_edges, K, measure, a, T, t, inv_scale, out_div, table, offsets, etable, efunc, profile, out):
    """Value of every block ``A[row_edges[i]:row_edges[i+1], col_edges[j]:...]``.

    ``prange`` over block rows, each with its own histogram (restored to zero after
    each block by removing the block's codes again).
    """
    h = row_edges.shape[0] - 1
    w = col_edges.shape[0] - 1
    R = np.zeros((2, 1), dtype=np.uint64)
    for bi in nb.prange(h):
        hist = np.zeros(K, dtype=np.int32)
        nk = np.zeros(T.shape[0] + 1 if profile else 1, dtype=np.int64)
        keys = np.zeros((2, 1), dtype=np.uint64)
        vals = np.empty(1)
        buf = np.zeros(2 * (T.shape[0] + 1) if profile else 2, dtype=np.int64)
        for bj in range(w):
            S = 0
            occ = 0
            Q = 0
            cmax = 0
            c0 = col_edges[bj]
            c1 = col_edges[bj + 1]
            r0 = row_edges[bi]
            r1 = row_edges[bi + 1]
            for i in range(r0, r1):
                S, occ, Q, cmax = _slide(A, -1, i, c0, c1, False, hist, nk, T, S, occ, Q, cmax, profile)
            n = (r1 - r0) * (c1 - c0)
            tn = t[n]  # n <= the table's largest window
            val = _value(measure, a, K, n, S, occ, Q, cmax, nk, math.log(n), 1.0 / n, tn, inv_scale, table, offsets, etable, efunc, R, keys, vals, buf)
            out[bi, bj] = val / out_div + 0.0
            for i in range(r0, r1):
                S, occ, Q, cmax = _slide(A, i, -1, c0, c1, False, hist, nk, T, S, occ, Q, cmax, profile)


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
