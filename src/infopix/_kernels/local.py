"""Sliding-window (moving histogram) kernels for local and block information maps.

One walk serves images and volumes: the codes are a (P, M, N) array (uint8, uint16 or a
wider unsigned type; the image itself when it is uint8/uint16), a 2-D image being one
plane. A window of (2rz+1) x (2ry+1) x (2rx+1) voxels moves through the output in a
serpentine path: along x within a row, then one row down (or up), and at the end of a
plane one plane on (rows then run the other way), so every step moves the window by
one voxel along one axis and removes one face of it and adds the opposite face. With
the codes flattened, a face is a rectangle ``F[line + u * su + w * sw]`` for every
direction (the strides say which), so one update loop serves the three directions. A
removed and an added voxel with the same code cancel and may be skipped (frequent in
flat regions). Per update the state changes in O(1):

- ``hist[v]``  count of code ``v`` in the window (int32, length K),
- ``nk[c]``    the count profile: number of codes seen exactly c times (when needed),
- scalars ``(S, occ, Q, cmax)``: S the sum over codes of ``t(count)`` where
  ``t(c) = round(phi(c) * 2**shift)`` (an *integer* fixed-point table, so the running
  sum is exact and carries no drift; ``phi(c) = c log c`` for plug-in Shannon), occ
  the number of occupied codes, Q the sum of squared counts and cmax the largest count.
  The number of voxels n follows from the window's geometry.

The walks, each compiled only when a call needs it:

- :func:`_sum_map` (plug-in Shannon: S only; estimators that are linear forms of the
  profile: S with the estimator's own ``phi`` and occ, O(1) per window; see
  ``infopix._kernels.estimators``). Whether the linear form's code is present is
  decided at compile time (``coef`` None or an array);
- :func:`_keyed_map` (2-D images only, isotropic radius: estimators linear in the
  profile once one integer of the window is fixed, Chao-Shen by its singletons and
  shrinkage by its sum of squares: the profile, the bit set of counts present and the
  key, updated without branches; per-bin terms remembered per (window size, key));
  volumes and per-axis radii take :func:`_histogram_map` for these estimators (same
  values);
- :func:`_histogram_map` and :func:`_block_map` (everything else: Q, cmax and the
  profile; the estimator's kernel is a first-class function argument ``efunc``, so the
  walk compiles once for all estimators, optionally remembering values per profile).

Every per-window value is a pure function of this state, which is the same whatever
path reached the window: results do not depend on the strip decomposition or on the
number of threads (``prange`` over strips of consecutive output lines, each strip with
its own histogram).

Edges: with ``pad = (0, 0, 0)`` the codes are the volume and windows are cut at its
edges ('clip'); with ``pad = (rz, ry, rx)`` they are the volume padded by the radii
(reflect, wrap). The per-window cost is O(face) (at most 2(2r+1) updates in 2-D,
2(2r+1)^2 in 3-D) plus the measure's evaluation: O(1) for plug-in Shannon, the linear
forms, Rényi 0/2/inf, Laurent, Taylor; O(cmax) for the other estimators, general Rényi
orders and tabulated functions (NSB: a quadrature).

Flat offsets are unsigned inside the update loops: Numba then omits the
negative-index wraparound test on every read (2-D plug-in, r = 5, 1024^2, one thread,
measured 2026-11-29: 27.6 against 19.8 ns per pixel on noise, 16.3 against 8.0 on a
constant image).

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


@nb.njit(cache=NUMBA_CACHE, nogil=True, boundscheck=False)
def _line(l, Y):
    """(z, i) of output line ``l``: lines run plane by plane, rows down in even planes
    and up in odd ones, so consecutive lines are neighbours (one row or one plane apart)."""
    z = l // Y
    q = l - z * Y
    return z, (q if z % 2 == 0 else Y - 1 - q)


@nb.njit(cache=NUMBA_CACHE, nogil=True, boundscheck=False, inline="always")
def _slide(F, orem, oadd, u0, u1, su, w0, w1, sw, hist, nk, T, S, occ, Q, cmax, profile):
    """Remove one face of the window and add the opposite one.

    ``F`` is the (planes, rows, columns) code array flattened; a face is the rectangle
    ``F[line + u * su + w * sw]`` for ``u0 <= u < u1``, ``w0 <= w < w1``, where
    ``line`` is the flat offset of the removed (``orem``) or added (``oadd``) column,
    row or plane: with (su, sw) = (rows x columns, columns) a face of a step along x,
    (rows x columns, 1) along y and (columns, 1) along z, so one loop serves every
    direction. A negative offset removes (adds) nothing. When both faces are present
    they are updated voxel pair by voxel pair, and a pair of equal codes (common in
    flat regions) is skipped: the state is a function of the window's multiset of
    codes only. The scalar state is passed and returned by value, so it stays in
    registers; Q, cmax and ``nk`` are kept only when ``profile`` is true.
    """
    if orem >= 0 and oadd >= 0:
        for u in range(u0, u1):
            br = np.uint64(u * su + orem)  # unsigned: no negative-index wraparound test
            ba = np.uint64(u * su + oadd)
            usw = np.uint64(sw)
            for w in range(np.uint64(w0), np.uint64(w1)):
                vo = F[br + w * usw]
                vi = F[ba + w * usw]
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
    if orem >= 0:
        for u in range(u0, u1):
            b = np.uint64(u * su + orem)
            usw = np.uint64(sw)
            for w in range(np.uint64(w0), np.uint64(w1)):
                v = F[b + w * usw]
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
    if oadd >= 0:
        for u in range(u0, u1):
            b = np.uint64(u * su + oadd)
            usw = np.uint64(sw)
            for w in range(np.uint64(w0), np.uint64(w1)):
                v = F[b + w * usw]
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


@nb.njit(cache=NUMBA_CACHE, nogil=True, boundscheck=False, inline="always")
def _slide_sum(F, orem, oadd, u0, u1, su, w0, w1, sw, hist, T, S, occ, coef):
    """:func:`_slide` for the walks that keep only S (and occ with ``coef is not None``),
    with the updates written out: for each row of the face, the leading run of equal
    pairs is skipped (all of it in flat regions) and the rest updated without a test
    (a per-pair test mispredicts on textured images: camera r = 5, 44 against 38-40
    ns/px in 2-D; updating equal pairs chains stores to one count: constant image
    r = 5, 27 against 10-13 ns/px)."""
    if orem >= 0 and oadd >= 0:
        for u in range(u0, u1):
            br = np.uint64(u * su + orem)  # unsigned: no negative-index wraparound test
            ba = np.uint64(u * su + oadd)
            usw = np.uint64(sw)
            w = np.uint64(w0)
            uw1 = np.uint64(w1)
            while w < uw1 and F[br + w * usw] == F[ba + w * usw]:
                w += np.uint64(1)
            for ww in range(w, uw1):
                vo = F[br + ww * usw]
                vi = F[ba + ww * usw]
                c = hist[vo]
                hist[vo] = c - 1
                S -= T[c - 1]
                if coef is not None:
                    occ -= c == 1
                c = hist[vi]
                hist[vi] = c + 1
                S += T[c]
                if coef is not None:
                    occ += c == 0
        return S, occ
    if orem >= 0:
        for u in range(u0, u1):
            b = np.uint64(u * su + orem)
            usw = np.uint64(sw)
            for w in range(np.uint64(w0), np.uint64(w1)):
                v = F[b + w * usw]
                c = hist[v]
                hist[v] = c - 1
                S -= T[c - 1]
                if coef is not None:
                    occ -= c == 1
    if oadd >= 0:
        for u in range(u0, u1):
            b = np.uint64(u * su + oadd)
            usw = np.uint64(sw)
            for w in range(np.uint64(w0), np.uint64(w1)):
                v = F[b + w * usw]
                c = hist[v]
                hist[v] = c + 1
                S += T[c]
                if coef is not None:
                    occ += c == 0
    return S, occ


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


@nb.njit(cache=NUMBA_CACHE, nogil=True, inline="always")
def _cut(c, r, p, L):
    """[lo, hi): the window of output index ``c`` along an axis of ``A`` of length
    ``L`` (radius ``r``, padding ``p``), cut to ``A``'s extent."""
    return max(0, c - r + p), min(L, c + r + 1 + p)


@nb.njit(cache=NUMBA_CACHE, nogil=True, inline="always")
def _step(c, nc, r, p, L, stride):
    """Flat offsets (removed, added) of the faces the window leaves and enters when
    its centre moves from ``c`` to ``nc = c +- 1`` along an axis of ``A`` of length
    ``L`` and flat stride ``stride``; -1 for a face outside ``A``."""
    if nc > c:
        rem = c - r + p
        add = nc + r + p
    else:
        rem = c + r + p
        add = nc - r + p
    return (rem * stride if 0 <= rem < L else -1), (add * stride if 0 <= add < L else -1)


@nb.njit(cache=NUMBA_CACHE, nogil=True, boundscheck=False)
def _walk_sum(A, rad, pad, l0, l1, nhist, T, t, inv_scale, coef, out_div, out):
    """Fill output lines ``l0 <= l < l1`` (see :func:`_line`) of plug-in Shannon
    (``coef`` None) or of a linear-form estimator (``coef`` its coefficients): one
    histogram, only S (and occ) kept, serpentine walk. ``coef is None`` is decided
    when Numba compiles (the plug-in walk is compiled without the linear form's code:
    2-3 ns per pixel less).

    The window of output voxel (z, i, j) is planes ``z - rz + pz .. z + rz + pz``,
    rows ``i - ry + py .. i + ry + py`` and columns ``j - rx + px .. j + rx + px`` of
    ``A`` (P, M, N), cut to ``A``'s extent: ``A`` is the volume itself with ``pad`` 0
    (edge 'clip': windows cut at the edges) or the volume padded by ``rad`` (reflect,
    wrap). A 2-D image is one plane with rz = 0. Steps along x move a (2rz+1) x
    (2ry+1) face, steps along y (2rz+1) x (2rx+1) and along z (2ry+1) x (2rx+1).

    Plug-in: value ``log n - S / (n scale)`` (exactly 0 when ``S == t(n)``). Linear
    forms: ``T`` holds the increments of the fixed-point table ``round(phi(c) *
    scale)``, ``coef[n] = (c0, c1, c2, g(n), single-category value)`` (see
    ``infopix._kernels.estimators``, ``*_tables``) and the value is ``c0(n) + c1(n) S /
    scale + c2(n) occ + g(n - occ)``.
    """
    P, M, N = A.shape
    Z, Y, X = out.shape
    F = A.reshape(-1)
    rz, ry, rx = rad
    pz, py, px = pad
    sP = M * N
    hist = np.zeros(nhist, dtype=np.int32)
    S = 0
    occ = 0
    z, i = _line(l0, Y)
    j = 0
    pa, pb = _cut(z, rz, pz, P)
    ra, rb = _cut(i, ry, py, M)
    ca, cb = _cut(0, rx, px, N)
    for p in range(pa, pb):  # the first window
        S, occ = _slide_sum(F, -1, p * sP, ra, rb, N, ca, cb, 1, hist, T, S, occ, coef)
    forward = True
    lastn = -1
    logn = 0.0
    invn = 0.0
    tn = 0
    c0 = 0.0
    c1 = 0.0
    c2 = 0.0
    for l in range(l0, l1):
        if l > l0:
            nz, ni = _line(l, Y)
            if nz == z:  # one row down or up
                orem, oadd = _step(i, ni, ry, py, M, N)
                S, occ = _slide_sum(F, orem, oadd, pa, pb, sP, ca, cb, 1, hist, T, S, occ, coef)
                i = ni
                ra, rb = _cut(i, ry, py, M)
            else:  # one plane on
                orem, oadd = _step(z, nz, rz, pz, P, sP)
                S, occ = _slide_sum(F, orem, oadd, ra, rb, N, ca, cb, 1, hist, T, S, occ, coef)
                z = nz
                pa, pb = _cut(z, rz, pz, P)
        nzy = (pb - pa) * (rb - ra)
        for step in range(X):
            if step > 0:
                nj = step if forward else X - 1 - step
                orem, oadd = _step(j, nj, rx, px, N, 1)
                S, occ = _slide_sum(F, orem, oadd, pa, pb, sP, ra, rb, N, hist, T, S, occ, coef)
                j = nj
            lo, hi = _cut(j, rx, px, N)
            n = nzy * (hi - lo)
            if n != lastn:
                lastn = n
                logn = math.log(n)
                invn = 1.0 / n
                tn = t[n]  # n <= the table's largest window
                if coef is not None:
                    c0 = coef[n, 0]
                    c1 = coef[n, 1] * inv_scale
                    c2 = coef[n, 2]
            if coef is not None:
                if occ == 1:  # one code: the form's exact single-category value
                    val = coef[n, 4]
                else:
                    val = c0 + c1 * S + c2 * occ + coef[n - occ, 3]
            else:
                val = 0.0 if S == tn else logn - (S * inv_scale) * invn
            out[z, i, j] = val / out_div + 0.0
        forward = not forward
        ca, cb = _cut(j, rx, px, N)


@nb.njit(cache=NUMBA_CACHE, nogil=True, boundscheck=False)
def _walk(A, rad, pad, l0, l1, nhist, K, measure, a, T, t, inv_scale, out_div, table, offsets, etable, efunc, profile, R, memo, out):
    """:func:`_walk_sum` for every other measure: the full state (S, occ, Q, cmax and,
    with ``profile``, the count profile ``nk``) and :func:`_value`. ``memo`` > 1 slots
    of a table remembering estimator values per count profile (:func:`_memo_value`).
    ``nhist`` > every code is the histogram's length; ``K`` is the number of possible
    outcomes the estimator is told (K >= nhist: e.g. (dx dy)! ordinal patterns whose
    occurring codes were relabelled 0 .. nhist - 1)."""
    P, M, N = A.shape
    Z, Y, X = out.shape
    F = A.reshape(-1)
    rz, ry, rx = rad
    pz, py, px = pad
    sP = M * N
    hist = np.zeros(nhist, dtype=np.int32)
    nk = np.zeros(T.shape[0] + 1 if profile else 1, dtype=np.int64)
    keys = np.zeros((2, memo), dtype=np.uint64)
    vals = np.empty(memo)
    buf = np.zeros(2 * (T.shape[0] + 1) if profile else 2, dtype=np.int64)
    S = 0
    occ = 0
    Q = 0
    cmax = 0
    z, i = _line(l0, Y)
    j = 0
    pa, pb = _cut(z, rz, pz, P)
    ra, rb = _cut(i, ry, py, M)
    ca, cb = _cut(0, rx, px, N)
    for p in range(pa, pb):  # the first window
        S, occ, Q, cmax = _slide(F, -1, p * sP, ra, rb, N, ca, cb, 1, hist, nk, T, S, occ, Q, cmax, profile)
    forward = True
    lastn = -1
    logn = 0.0
    invn = 0.0
    tn = 0
    for l in range(l0, l1):
        if l > l0:
            nz, ni = _line(l, Y)
            if nz == z:
                orem, oadd = _step(i, ni, ry, py, M, N)
                S, occ, Q, cmax = _slide(F, orem, oadd, pa, pb, sP, ca, cb, 1, hist, nk, T, S, occ, Q, cmax, profile)
                i = ni
                ra, rb = _cut(i, ry, py, M)
            else:
                orem, oadd = _step(z, nz, rz, pz, P, sP)
                S, occ, Q, cmax = _slide(F, orem, oadd, ra, rb, N, ca, cb, 1, hist, nk, T, S, occ, Q, cmax, profile)
                z = nz
                pa, pb = _cut(z, rz, pz, P)
        nzy = (pb - pa) * (rb - ra)
        for step in range(X):
            if step > 0:
                nj = step if forward else X - 1 - step
                orem, oadd = _step(j, nj, rx, px, N, 1)
                S, occ, Q, cmax = _slide(F, orem, oadd, pa, pb, sP, ra, rb, N, hist, nk, T, S, occ, Q, cmax, profile)
                j = nj
            lo, hi = _cut(j, rx, px, N)
            n = nzy * (hi - lo)
            if n != lastn:
                lastn = n
                logn = math.log(n)
                invn = 1.0 / n
                tn = t[n]  # n <= the table's largest window
            val = _value(measure, a, K, n, S, occ, Q, cmax, nk, logn, invn, tn, inv_scale, table, offsets, etable, efunc, R, keys, vals, buf)
            out[z, i, j] = val / out_div + 0.0
        forward = not forward
        ca, cb = _cut(j, rx, px, N)


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
    :func:`_strip_keyed`), as :func:`_sum_map`. ``term`` is the estimator's term
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
def _sum_map(A, rad, pad, nhist, T, t, inv_scale, coef, out_div, nstrips, out):
    """Plug-in Shannon (``coef`` None) or linear-form estimator (``coef`` an array)
    local map over ``out`` (Z, Y, X) (see :func:`_walk_sum`).

    ``A`` is (Z, Y, X) with ``pad = (0, 0, 0)`` or padded by ``rad = (rz, ry, rx)``
    with ``pad = rad``. Values are divided by ``out_div`` (log(base)). ``prange`` over
    ``nstrips`` strips of consecutive output lines; values are independent of
    ``nstrips``.
    """
    L = out.shape[0] * out.shape[1]
    for s in nb.prange(nstrips):
        l0 = (s * L) // nstrips
        l1 = ((s + 1) * L) // nstrips
        if l1 > l0:
            _walk_sum(A, rad, pad, l0, l1, nhist, T, t, inv_scale, coef, out_div, out)


@nb.njit(cache=NUMBA_CACHE, nogil=True, parallel=True)
def _histogram_map(A, rad, pad, nhist, K, measure, a, T, t, inv_scale, out_div, table, offsets, etable, efunc, profile, R, memo, nstrips, out):
    """Local map of any other measure over ``out`` (Z, Y, X) (see :func:`_walk`), as
    :func:`_sum_map`. ``efunc`` is a first-class estimator kernel: this walk compiles
    once for all estimators. ``nhist`` (> every code) sizes the histogram, ``K`` (>=
    nhist) is the number of outcomes the estimator is told."""
    L = out.shape[0] * out.shape[1]
    for s in nb.prange(nstrips):
        l0 = (s * L) // nstrips
        l1 = ((s + 1) * L) // nstrips
        if l1 > l0:
            _walk(A, rad, pad, l0, l1, nhist, K, measure, a, T, t, inv_scale, out_div, table, offsets, etable, efunc, profile, R, memo, out)


@nb.njit(cache=NUMBA_CACHE, nogil=True, parallel=True)
def _block_map(A, edges_z, edges_y, edges_x, K, measure, a, T, t, inv_scale, out_div, table, offsets, etable, efunc, profile, out):
    """Value of every block ``A[edges_z[b]:edges_z[b+1], edges_y[i]:..., edges_x[j]:...]``
    of ``A`` (P, M, N) into ``out`` (bz, by, bx) (a 2-D image: P = bz = 1).

    ``prange`` over (block plane, block row) pairs, each with its own histogram
    (restored to zero after each block by removing the block's codes again).
    """
    P, M, N = A.shape
    F = A.reshape(-1)
    sP = M * N
    nbz, nby, nbx = out.shape
    R = np.zeros((2, 1), dtype=np.uint64)
    for b in nb.prange(nbz * nby):
        bz = b // nby
        by = b - bz * nby
        hist = np.zeros(K, dtype=np.int32)
        nk = np.zeros(T.shape[0] + 1 if profile else 1, dtype=np.int64)
        keys = np.zeros((2, 1), dtype=np.uint64)
        vals = np.empty(1)
        buf = np.zeros(2 * (T.shape[0] + 1) if profile else 2, dtype=np.int64)
        z0 = edges_z[bz]
        z1 = edges_z[bz + 1]
        r0 = edges_y[by]
        r1 = edges_y[by + 1]
        for bx in range(nbx):
            S = 0
            occ = 0
            Q = 0
            cmax = 0
            c0 = edges_x[bx]
            c1 = edges_x[bx + 1]
            for p in range(z0, z1):
                S, occ, Q, cmax = _slide(F, -1, p * sP, r0, r1, N, c0, c1, 1, hist, nk, T, S, occ, Q, cmax, profile)
            n = (z1 - z0) * (r1 - r0) * (c1 - c0)
            tn = t[n]  # n <= the table's largest window
            val = _value(measure, a, K, n, S, occ, Q, cmax, nk, math.log(n), 1.0 / n, tn, inv_scale, table, offsets, etable, efunc, R, keys, vals, buf)
            out[bz, by, bx] = val / out_div + 0.0
            for p in range(z0, z1):
                S, occ, Q, cmax = _slide(F, p * sP, -1, r0, r1, N, c0, c1, 1, hist, nk, T, S, occ, Q, cmax, profile)


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
def _moments_walk(vals, rad, clip, l0, l1, mean, std):
    """Output lines ``l0 <= l < l1`` (line l = plane l // Y, row l % Y) of the window
    mean and std; ``vals`` is the volume padded by ``rad``."""
    Z, Y, X = mean.shape
    rz, ry, rx = rad
    wz = 2 * rz + 1
    wy = 2 * ry + 1
    wx = 2 * rx + 1
    ncols_p = vals.shape[2]
    # sums over each column's (wz x wy) face of the window, as dd: S (values), Q (squares)
    shi = np.zeros(ncols_p)
    slo = np.zeros(ncols_p)
    qhi = np.zeros(ncols_p)
    qlo = np.zeros(ncols_p)
    z = -1
    for l in range(l0, l1):
        nz = l // Y
        i = l - nz * Y
        if nz != z:  # a new plane (or the strip's first line): sum the face afresh
            z = nz
            shi[:] = 0.0
            slo[:] = 0.0
            qhi[:] = 0.0
            qlo[:] = 0.0
            for dp in range(wz):
                for di in range(wy):
                    for jj in range(ncols_p):
                        x = vals[z + dp, i + di, jj]
                        shi[jj], slo[jj] = _dd_add(shi[jj], slo[jj], x)
                        p, e = _two_prod(x, x)
                        qhi[jj], qlo[jj] = _dd_add_dd(qhi[jj], qlo[jj], p, e)
        else:  # one row down: remove row i - 1, add row i - 1 + wy of every plane
            for dp in range(wz):
                for jj in range(ncols_p):
                    x = vals[z + dp, i - 1, jj]
                    shi[jj], slo[jj] = _dd_add(shi[jj], slo[jj], -x)
                    p, e = _two_prod(x, x)
                    qhi[jj], qlo[jj] = _dd_add_dd(qhi[jj], qlo[jj], -p, -e)
                    y = vals[z + dp, i - 1 + wy, jj]
                    shi[jj], slo[jj] = _dd_add(shi[jj], slo[jj], y)
                    p, e = _two_prod(y, y)
                    qhi[jj], qlo[jj] = _dd_add_dd(qhi[jj], qlo[jj], p, e)
        if clip:  # voxels of the window inside the volume, along z and y
            nzy = (min(Z, z + rz + 1) - max(0, z - rz)) * (min(Y, i + ry + 1) - max(0, i - ry))
        else:
            nzy = wz * wy
        # horizontal sliding sums over the face sums
        ahi = 0.0
        alo = 0.0
        bhi = 0.0
        blo = 0.0
        for jj in range(wx):
            ahi, alo = _dd_add_dd(ahi, alo, shi[jj], slo[jj])
            bhi, blo = _dd_add_dd(bhi, blo, qhi[jj], qlo[jj])
        for j in range(X):
            if j > 0:
                ahi, alo = _dd_add_dd(ahi, alo, -shi[j - 1], -slo[j - 1])
                bhi, blo = _dd_add_dd(bhi, blo, -qhi[j - 1], -qlo[j - 1])
                ahi, alo = _dd_add_dd(ahi, alo, shi[j - 1 + wx], slo[j - 1 + wx])
                bhi, blo = _dd_add_dd(bhi, blo, qhi[j - 1 + wx], qlo[j - 1 + wx])
            n = nzy * ((min(X, j + rx + 1) - max(0, j - rx)) if clip else wx)
            fn = float(n)
            mean[z, i, j] = (ahi + alo) / fn
            # n^2 var = n Q - S^2, in dd (exact for integer images)
            nqh, nql = _dd_mul(bhi, blo, fn, 0.0)
            s2h, s2l = _dd_mul(ahi, alo, ahi, alo)
            dh, dl = _dd_add_dd(nqh, nql, -s2h, -s2l)
            d = dh + dl
            std[z, i, j] = math.sqrt(d) / fn if d > 0.0 else 0.0


@nb.njit(cache=NUMBA_CACHE, nogil=True, parallel=True)
def _box_moments(vals, rad, clip, nstrips, mean, std):
    """Window mean and (ddof=0) standard deviation over ``mean``/``std`` (Z, Y, X).

    ``vals`` (Z + 2rz, Y + 2ry, X + 2rx) float64: the volume padded by ``rad`` (0
    outside it for ``clip``, where the window's count is that of its voxels inside the
    volume). Sliding double-double sums: exact for integer images, independent of
    ``nstrips`` (``prange`` over strips of consecutive output lines).
    """
    L = mean.shape[0] * mean.shape[1]
    for s in nb.prange(nstrips):
        l0 = (s * L) // nstrips
        l1 = ((s + 1) * L) // nstrips
        if l1 > l0:
            _moments_walk(vals, rad, clip, l0, l1, mean, std)
