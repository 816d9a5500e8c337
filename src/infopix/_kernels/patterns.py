"""Compiled kernels of :mod:`infopix.patterns`: ordinal-pattern codes, gliding-box
masses (summed-area tables) and block coarse-graining.

Inputs are contiguous arrays and plain integers; nothing is validated here (the
wrappers in ``infopix.patterns`` do that).
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from .._config import NUMBA_CACHE

#: k! for k = 0 .. 20 (20! < 2**63: the largest pattern an int64 code holds)
FACTORIALS = np.array([math.factorial(k) for k in range(21)], dtype=np.int64)


# ---------------------------------------------------------------------------------------
# ordinal patterns
# ---------------------------------------------------------------------------------------


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def ordinal_codes(img, dx, dy, dz, taux, tauy, tauz, sy, sx, sz, fact):
    """Lexicographic rank (Lehmer code) of every window's stable argsort, in a volume.

    ``img`` is (Z, M, N) (a 2-D image is passed as a (1, M, N) volume with ``dz = 1``).
    The window anchored at ``(z, y, x)`` holds ``img[z + c*tauz, y + a*tauy, x + b*taux]``
    for ``c < dz``, ``a < dy``, ``b < dx``, flattened row-major (element
    ``e = (c*dy + a)*dx + b``; with ``dz = 1``, ``e = a*dx + b``). Its pattern
    is the permutation ``pi = argsort(values, kind='stable')`` (``pi[0]`` = index of the
    smallest value; of equal values the earlier element ranks lower), coded by its
    rank among the ``n!`` permutations in lexicographic order:
    ``code = sum_e c_e (n - 1 - r_e)!`` with ``r_e`` the rank of element ``e`` and
    ``c_e = #{f < e : v_f > v_e}`` (= the Lehmer digit of ``pi`` at position ``r_e``).
    One pass over the n(n-1)/2 pairs gives both: for ``f < e``, ``g = v_f > v_e`` adds
    to ``c_e`` and to ``s_f = #{e > f : v_e < v_f}``, and ``r_e = e - c_e + s_e``.

    Anchors step by ``sz`` slices, ``sy`` rows and ``sx`` columns (1: every window; the
    window's span: non-overlapping windows). Returns an int64 array of shape
    ``(ceil((Z - (dz-1) tauz) / sz), ceil((M - (dy-1) tauy) / sy), ceil((N - (dx-1) taux) / sx))``.
    """
    Z, M, N = img.shape
    D = (Z - (dz - 1) * tauz + sz - 1) // sz
    H = (M - (dy - 1) * tauy + sy - 1) // sy
    W = (N - (dx - 1) * taux + sx - 1) // sx
    n = dx * dy * dz
    out = np.empty((D, H, W), dtype=np.int64)
    for t in nb.prange(D * H):
        iz = t // H
        iy = t - iz * H
        z = iz * sz
        y = iy * sy
        vals = np.empty(n, dtype=img.dtype)
        c = np.empty(n, dtype=np.int64)
        s = np.empty(n, dtype=np.int64)
        for ix in range(W):
            x = ix * sx
            k = 0
            for cz in range(dz):
                sl = z + cz * tauz
                for a in range(dy):
                    row = y + a * tauy
                    for b in range(dx):
                        vals[k] = img[sl, row, x + b * taux]
                        k += 1
            for e in range(n):
                c[e] = 0
                s[e] = 0
            for f in range(n):
                vf = vals[f]
                acc = 0
                for e in range(f + 1, n):
                    g = np.int64(vf > vals[e])
                    c[e] += g
                    acc += g
                s[f] = acc
            code = np.int64(0)
            for e in range(n):
                r = e - c[e] + s[e]
                code += c[e] * fact[n - 1 - r]
            out[iz, iy, ix] = code
    return out


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def decode_lehmer(codes, n, fact):
    """The permutations (argsort symbols) of lexicographic ranks ``codes``: (m, n) int64."""
    m = codes.size
    out = np.empty((m, n), dtype=np.int64)
    used = np.empty(n, dtype=np.bool_)
    for i in range(m):
        rest = codes[i]
        for j in range(n):
            used[j] = False
        for pos in range(n):
            f = fact[n - 1 - pos]
            d = rest // f
            rest -= d * f
            # the d-th unused element
            cnt = -1
            for j in range(n):
                if not used[j]:
                    cnt += 1
                    if cnt == d:
                        out[i, pos] = j
                        used[j] = True
                        break
    return out


# ---------------------------------------------------------------------------------------
# lacunarity: gliding-box masses from a summed-area table
# ---------------------------------------------------------------------------------------


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def summed_area_u32(img):
    """Summed-area table ``S[i, j] = sum img[:i, :j]`` modulo 2**32 (shape (M+1, N+1)).

    Box sums ``S[i+r, j+r] - S[i, j+r] - S[i+r, j] + S[i, j]`` taken modulo 2**32 are
    exact whenever the true box mass is below 2**32 (wrap-around cancels).
    """
    M, N = img.shape
    S = np.zeros((M + 1, N + 1), dtype=np.uint32)
    for i in nb.prange(M):  # row prefix sums
        acc = np.uint32(0)
        for j in range(N):
            acc = np.uint32(acc + np.uint32(img[i, j]))
            S[i + 1, j + 1] = acc
    # column accumulation in strips of columns (parallel over strips, rows in order)
    strip = 256
    nstrip = (N + strip - 1) // strip
    for t in nb.prange(nstrip):
        j0 = 1 + t * strip
        j1 = min(N + 1, j0 + strip)
        for i in range(1, M + 1):
            for j in range(j0, j1):
                S[i, j] = np.uint32(S[i, j] + S[i - 1, j])
    return S


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def summed_area_f64(img):
    """Summed-area table ``S[i, j] = sum img[:i, :j]`` in float64 (shape (M+1, N+1))."""
    M, N = img.shape
    S = np.zeros((M + 1, N + 1), dtype=np.float64)
    for i in nb.prange(M):
        acc = 0.0
        for j in range(N):
            acc += img[i, j]
            S[i + 1, j + 1] = acc
    strip = 256
    nstrip = (N + strip - 1) // strip
    for t in nb.prange(nstrip):
        j0 = 1 + t * strip
        j1 = min(N + 1, j0 + strip)
        for i in range(1, M + 1):
            for j in range(j0, j1):
                S[i, j] = S[i, j] + S[i - 1, j]
    return S


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def box_moments_u32(S, sizes, int_squares):
    """Sums of the masses and of their squares of every r x r box, for every r in ``sizes``.

    ``S`` from :func:`summed_area_u32`; every box mass must be < 2**32 (the four-term
    difference is taken in int64 and reduced modulo 2**32). The boxes whose top edge is
    on row i are summed for every size while row i of ``S`` is in cache (17 row reads
    per row for 16 sizes instead of 32). Row sums are exact in int64 (masses; and
    squares where ``int_squares[k]``, which the caller sets only if a row's sum of
    squares stays below 2**63), else float64; rows are added in float64 in a fixed
    order (independent of the thread count). Returns ``(s1, s2)``, one entry per size.
    """
    M = S.shape[0] - 1
    N = S.shape[1] - 1
    ns = sizes.size
    r1 = np.zeros((M, ns), dtype=np.float64)
    r2 = np.zeros((M, ns), dtype=np.float64)
    mask = np.int64(0xFFFFFFFF)
    for i in nb.prange(M):
        top = S[i]
        for k in range(ns):
            r = sizes[k]
            if i + r > M:
                continue
            bot = S[i + r]
            W = N - r + 1
            a1 = np.int64(0)
            if int_squares[k]:
                q = np.int64(0)
                for j in range(W):
                    m = ((np.int64(bot[j + r]) - np.int64(bot[j])) - (np.int64(top[j + r]) - np.int64(top[j]))) & mask
                    a1 += m
                    q += m * m
                r2[i, k] = np.float64(q)
            else:
                a2 = 0.0
                for j in range(W):
                    m = ((np.int64(bot[j + r]) - np.int64(bot[j])) - (np.int64(top[j + r]) - np.int64(top[j]))) & mask
                    a1 += m
                    fm = np.float64(m)
                    a2 += fm * fm
                r2[i, k] = a2
            r1[i, k] = np.float64(a1)
    s1 = np.zeros(ns, dtype=np.float64)
    s2 = np.zeros(ns, dtype=np.float64)
    for i in range(M):
        for k in range(ns):
            s1[k] += r1[i, k]
            s2[k] += r2[i, k]
    return s1, s2


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def box_moments_f64(S, sizes):
    """As :func:`box_moments_u32` for a float64 summed-area table."""
    M = S.shape[0] - 1
    N = S.shape[1] - 1
    ns = sizes.size
    r1 = np.zeros((M, ns), dtype=np.float64)
    r2 = np.zeros((M, ns), dtype=np.float64)
    for i in nb.prange(M):
        top = S[i]
        for k in range(ns):
            r = sizes[k]
            if i + r > M:
                continue
            bot = S[i + r]
            a1 = 0.0
            a2 = 0.0
            for j in range(N - r + 1):
                m = (bot[j + r] - bot[j]) - (top[j + r] - top[j])
                a1 += m
                a2 += m * m
            r1[i, k] = a1
            r2[i, k] = a2
    s1 = np.zeros(ns, dtype=np.float64)
    s2 = np.zeros(ns, dtype=np.float64)
    for i in range(M):
        for k in range(ns):
            s1[k] += r1[i, k]
            s2[k] += r2[i, k]
    return s1, s2


# ---------------------------------------------------------------------------------------
# structural complexity: block coarse-graining and overlaps
# ---------------------------------------------------------------------------------------


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def coarse_grain(f, factor):
    """Block means of ``f`` over ``factor x factor`` blocks (trailing partial blocks dropped).

    Returns ``(g, o_fine, o_cross)``: the coarse image of shape
    ``(M // factor, N // factor)``, and over the region the blocks cover, the sums
    ``sum f**2`` and ``sum f * up(g)`` (``up`` repeats each coarse value over its block).
    """
    M, N = f.shape
    h = M // factor
    w = N // factor
    g = np.empty((h, w), dtype=np.float64)
    of = np.zeros(h, dtype=np.float64)
    oc = np.zeros(h, dtype=np.float64)
    inv = 1.0 / (factor * factor)
    for i in nb.prange(h):
        af = 0.0
        ac = 0.0
        for j in range(w):
            s = 0.0
            q = 0.0
            for a in range(factor):
                for b in range(factor):
                    v = f[i * factor + a, j * factor + b]
                    s += v
                    q += v * v
            m = s * inv
            g[i, j] = m
            af += q
            ac += s * m
        of[i] = af
        oc[i] = ac
    t1 = 0.0
    t2 = 0.0
    for i in range(h):
        t1 += of[i]
        t2 += oc[i]
    return g, t1, t2


# ---------------------------------------------------------------------------------------
# two-dimensional sample entropy: exact template-match counts on a grid
# ---------------------------------------------------------------------------------------


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def gather_templates(img, mL, mW, tau):
    """Every (mL+1) x (mW+1) template (delay ``tau``), one row each.

    Row ``k * NW + n`` (anchor (k, n), ``NL = H - mL tau``, ``NW = W - mW tau``, EntropyHub's
    anchors) holds first the ``mL * mW`` elements of the m-template, row-major, then the
    ``mL + mW + 1`` elements the (m+1)-template adds (last row, then last column).
    """
    H, W = img.shape
    NL = H - mL * tau
    NW = W - mW * tau
    D = (mL + 1) * (mW + 1)
    out = np.empty((NL * NW, D), dtype=np.float64)
    for k in nb.prange(NL):
        for n in range(NW):
            p = k * NW + n
            e = 0
            for a in range(mL):
                for b in range(mW):
                    out[p, e] = img[k + a * tau, n + b * tau]
                    e += 1
            for b in range(mW + 1):
                out[p, e] = img[k + mL * tau, n + b * tau]
                e += 1
            for a in range(mL):
                out[p, e] = img[k + a * tau, n + mW * tau]
                e += 1
    return out


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def count_template_matches(X, dm, r, cells, ncell, d, starts, offsets):
    """Pairs of templates (rows of ``X``, sorted by grid cell) within Chebyshev distance < r.

    ``X`` rows are sorted by their cell key; ``cells[i, :d]`` are row i's cell
    coordinates on the first ``d`` template elements (cells of side >= r, so matching
    rows sit in the same or adjacent cells), ``starts`` the CSR offsets of each key
    (``ncell**d + 1`` entries), ``offsets`` the ``3**d`` neighbour steps. Each pair
    ``i < j`` is tested once (from its first row): B counts matches of the first ``dm``
    elements (the m-templates), A of all elements (the (m+1)-templates,
    ``|x - y| < r`` elementwise, as EntropyHub's ``max(abs(...)) < r``).
    Returns ``(A, B)`` as int64 (exact, independent of the thread count).
    """
    P, D = X.shape
    nnb = offsets.shape[0]
    acount = np.zeros(P, dtype=np.int64)
    bcount = np.zeros(P, dtype=np.int64)
    for i in nb.prange(P):
        a_loc = np.int64(0)
        b_loc = np.int64(0)
        for o in range(nnb):
            key = np.int64(0)
            ok = True
            for q in range(d):
                c = cells[i, q] + offsets[o, q]
                if c < 0 or c >= ncell:
                    ok = False
                    break
                key = key * ncell + c
            if not ok:
                continue
            j1 = starts[key + 1]
            j0 = max(starts[key], i + 1)
            for j in range(j0, j1):
                match = True
                for e in range(dm):
                    if not abs(X[j, e] - X[i, e]) < r:
                        match = False
                        break
                if match:
                    b_loc += 1
                    for e in range(dm, D):
                        if not abs(X[j, e] - X[i, e]) < r:
                            match = False
                            break
                    if match:
                        a_loc += 1
        acount[i] = a_loc
        bcount[i] = b_loc
    return acount.sum(), bcount.sum()
