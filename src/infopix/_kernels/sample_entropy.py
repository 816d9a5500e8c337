"""Compiled kernels of :mod:`infopix.patterns.sample`: template matrices, exact
Chebyshev match counts (grid buckets, identical templates grouped), the all-pairs
fuzzy and distance-histogram loops, dispersion-pattern codes.

Inputs are contiguous arrays and plain numbers; nothing is validated here (the
wrappers in ``infopix.patterns.sample`` do that). Every parallel loop sums integers
(exact, so independent of the thread count) or writes one float per row that the
caller sums in a fixed order.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from .._config import NUMBA_CACHE

#: membership-function codes of :func:`fuzzy_row_sums` (EntropyHub's names)
MEMBERSHIPS = (
    "default", "sigmoid", "modsampen", "gudermannian", "bell", "gaussian",
    "constgaussian", "triangular", "trapezoidal1", "trapezoidal2", "z_shaped",
)


# ---------------------------------------------------------------------------------------
# templates
# ---------------------------------------------------------------------------------------


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def templates(img, NL, NW, tau, dy, dx):
    """``T[k*NW + n, c] = img[k + dy[c]*tau, n + dx[c]*tau]`` for k < NL, n < NW.

    Row-major positions, as EntropyHub numbers its templates; column ``c`` is the
    template element at offset ``(dy[c], dx[c])`` (in units of the delay).
    """
    d = dy.size
    T = np.empty((NL * NW, d), dtype=np.float64)
    for k in nb.prange(NL):
        for n in range(NW):
            p = k * NW + n
            for c in range(d):
                T[p, c] = img[k + dy[c] * tau, n + dx[c] * tau]
    return T


# ---------------------------------------------------------------------------------------
# exact Chebyshev match counts
# ---------------------------------------------------------------------------------------


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def cell_keys(T, bits, gcols, lo, s, strides):
    """Linear grid-cell key of every row: cells of side ``s`` on the columns ``gcols``
    (``floor((T[:, g] - lo[g]) / s)``), and a 64-bit hash of the row's ``bits`` (the
    float64 bit patterns: rows with equal values get equal hashes; equal hashes need
    not mean equal rows)."""
    P, d = T.shape
    g = gcols.size
    key = np.empty(P, dtype=np.int64)
    h = np.empty(P, dtype=np.int64)
    for p in nb.prange(P):
        kk = np.int64(0)
        for q in range(g):
            kk += np.int64(math.floor((T[p, gcols[q]] - lo[q]) / s)) * strides[q]
        key[p] = kk
        hh = np.uint64(14695981039346656037)
        for c in range(d):
            hh = (hh ^ bits[p, c]) * np.uint64(1099511628211)
            hh ^= hh >> np.uint64(29)
        h[p] = np.int64(hh)
    return key, h


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def group_rows(T, order, key):
    """Rows of ``T`` taken in ``order``; runs of adjacent identical rows merged into one
    row with its multiplicity. Returns (unique rows, weights, their keys)."""
    P, d = T.shape
    U = np.empty((P, d), dtype=np.float64)
    w = np.empty(P, dtype=np.int64)
    ku = np.empty(P, dtype=np.int64)
    G = 0
    for t in range(P):
        p = order[t]
        same = G > 0 and ku[G - 1] == key[p]
        if same:
            for c in range(d):
                if U[G - 1, c] != T[p, c]:
                    same = False
                    break
        if same:
            w[G - 1] += 1
        else:
            for c in range(d):
                U[G, c] = T[p, c]
            w[G] = 1
            ku[G] = key[p]
            G += 1
    return U[:G].copy(), w[:G].copy(), ku[:G].copy()


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def count_matches(U, w, key, gcols, lo, s, r, ncell, strides):
    """Number of unordered pairs of templates at Chebyshev distance strictly below
    ``r``, each template weighted by its multiplicity ``w``.

    ``U`` holds the distinct templates sorted by their grid-cell ``key`` (cells of side
    ``s >= r`` on the columns ``gcols``, as :func:`cell_keys` computes them). A pair within ``r`` lies in cells differing by at
    most 1 on every grid column, so for template ``i`` only the 3**g neighbouring cells
    are searched (each a contiguous run of ``key``, found by binary search: the last
    grid column has stride 1), and of those only templates ``j > i``; every
    candidate is checked on all columns with an early exit. Identical templates
    (weight w) add ``w (w - 1) / 2`` pairs at distance 0. Integer sums: exact and
    independent of the thread count.
    """
    G, d = U.shape
    g = gcols.size
    per_row = np.zeros(G, dtype=np.int64)
    for i in nb.prange(G):
        wi = w[i]
        acc = wi * (wi - 1) // 2
        # the cell coordinates of template i
        cc = np.empty(g, dtype=np.int64)
        for q in range(g):
            cc[q] = np.int64(math.floor((U[i, gcols[q]] - lo[q]) / s))
        off = np.full(g, -1, dtype=np.int64)  # offsets of the first g-1 grid columns
        off[g - 1] = 0
        n_combo = 1
        for q in range(g - 1):
            n_combo *= 3
        for _ in range(n_combo):
            base = np.int64(0)
            ok = True
            for q in range(g - 1):
                cq = cc[q] + off[q]
                if cq < 0 or cq >= ncell[q]:
                    ok = False
                    break
                base += cq * strides[q]
            if ok:
                last = cc[g - 1]
                k0 = base + max(last - 1, 0)
                k1 = base + min(last + 1, ncell[g - 1] - 1)
                a = np.searchsorted(key, k0, side="left")
                b = np.searchsorted(key, k1, side="right")
                if a < i + 1:
                    a = i + 1
                for j in range(a, b):
                    match = True
                    for c in range(d):
                        if not abs(U[j, c] - U[i, c]) < r:
                            match = False
                            break
                    if match:
                        acc += wi * w[j]
            # next combination of offsets (odometer over {-1, 0, 1}^(g-1))
            for q in range(g - 1):
                if off[q] < 1:
                    off[q] += 1
                    break
                off[q] = -1
        per_row[i] = acc
    return per_row.sum()


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def count_matches_1d(x, w, r):
    """Unordered weighted pairs with ``|x_i - x_j| < r``; ``x`` sorted, distinct."""
    G = x.size
    cw = np.empty(G + 1, dtype=np.int64)
    cw[0] = 0
    for i in range(G):
        cw[i + 1] = cw[i] + w[i]
    per_row = np.zeros(G, dtype=np.int64)
    for i in nb.prange(G):
        wi = w[i]
        # j > i with x[j] - x[i] < r: x[j] < x[i] + r, strictly; search on the
        # difference itself, so the comparison is the one the pair loop makes
        lo = i + 1
        hi = G
        while lo < hi:
            mid = (lo + hi) // 2
            if x[mid] - x[i] < r:
                lo = mid + 1
            else:
                hi = mid
        per_row[i] = wi * (wi - 1) // 2 + wi * (cw[lo] - cw[i + 1])
    return per_row.sum()


# ---------------------------------------------------------------------------------------
# fuzzy entropy: all pairs
# ---------------------------------------------------------------------------------------


@nb.njit(cache=NUMBA_CACHE, inline="always", error_model="numpy")
def _membership(code, x, r0, r1):
    if code == 0:  # default: exp(-x^r1 / r0)
        return math.exp(-(x**r1) / r0)
    if code == 1 or code == 2:  # sigmoid, modsampen
        return 1.0 / (1.0 + math.exp((x - r1) / r0))
    if code == 3:  # gudermannian (normalised per row by the caller)
        return math.atan(math.tanh(r0 / x))
    if code == 4:  # bell
        return 1.0 / (1.0 + abs(x / r0) ** (2.0 * r1))
    if code == 5:  # gaussian
        return math.exp(-((x**2) / (2.0 * (r0**2))))
    if code == 6:  # constgaussian
        if x > r0:
            return math.exp(-math.log(2.0) * ((x - r0) / r0) ** 2)
        return 1.0
    if code == 7:  # triangular
        if x > r0:
            return 0.0
        return 1.0 - x / r0
    if code == 8:  # trapezoidal1
        if x <= r0:
            return 1.0
        if x <= 2.0 * r0:
            return 2.0 - x / r0
        return 0.0
    if code == 9:  # trapezoidal2: r0 = min, r1 = max corner
        if x <= r0:
            return 1.0
        if x <= r1:
            return 1.0 - (x - r0) / (r1 - r0)
        return 0.0
    # z_shaped
    if x <= r0:
        return 1.0
    if x <= 1.5 * r0:
        return 1.0 - 2.0 * ((x - r0) / r0) ** 2
    if x <= 2.0 * r0:
        return 2.0 * ((x - 2.0 * r0) / r0) ** 2
    return 0.0


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True, error_model="numpy")
def fuzzy_row_sums(X1, X2, code, r0, r1):
    """For every template ``i``: ``sum_{j > i} mu(d_ij)`` with ``d`` the Chebyshev
    distance between the mean-removed m-templates ``X1`` and (m+1)-templates ``X2``.
    Gudermannian rows are divided by the row's largest membership (EntropyHub's
    normalisation). O(P^2 d) work; one float per row (the caller sums them)."""
    P = X1.shape[0]
    d1 = X1.shape[1]
    d2 = X2.shape[1]
    s1 = np.zeros(P, dtype=np.float64)
    s2 = np.zeros(P, dtype=np.float64)
    for i in nb.prange(P - 1):
        a1 = 0.0
        a2 = 0.0
        mx1 = -np.inf
        mx2 = -np.inf
        for j in range(i + 1, P):
            e1 = 0.0
            for c in range(d1):
                t = abs(X1[j, c] - X1[i, c])
                if t > e1:
                    e1 = t
            e2 = 0.0
            for c in range(d2):
                t = abs(X2[j, c] - X2[i, c])
                if t > e2:
                    e2 = t
            u1 = _membership(code, e1, r0, r1)
            u2 = _membership(code, e2, r0, r1)
            a1 += u1
            a2 += u2
            if u1 > mx1:
                mx1 = u1
            if u2 > mx2:
                mx2 = u2
        if code == 3:
            a1 /= mx1
            a2 /= mx2
        s1[i] = a1
        s2[i] = a2
    return s1, s2


# ---------------------------------------------------------------------------------------
# distribution entropy: all pairwise distances, streamed
# ---------------------------------------------------------------------------------------


@nb.njit(cache=NUMBA_CACHE, inline="always")
def _cheb(X, i, j):
    e = 0.0
    for c in range(X.shape[1]):
        t = abs(X[j, c] - X[i, c])
        if t > e:
            e = t
    return e


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def distance_range(X):
    """Per row i: min, max and sum of the Chebyshev distances to rows j > i."""
    P = X.shape[0]
    mn = np.full(P, np.inf)
    mx = np.full(P, -np.inf)
    sm = np.zeros(P)
    for i in nb.prange(P - 1):
        a = np.inf
        b = -np.inf
        s = 0.0
        for j in range(i + 1, P):
            e = _cheb(X, i, j)
            if e < a:
                a = e
            if e > b:
                b = e
            s += e
        mn[i] = a
        mx[i] = b
        sm[i] = s
    return mn, mx, sm


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def distance_central_moments(X, mean):
    """Per row i: sums of (d - mean)^2 and (d - mean)^3 over j > i."""
    P = X.shape[0]
    m2 = np.zeros(P)
    m3 = np.zeros(P)
    for i in nb.prange(P - 1):
        a = 0.0
        b = 0.0
        for j in range(i + 1, P):
            t = _cheb(X, i, j) - mean
            a += t * t
            b += t * t * t
        m2[i] = a
        m3[i] = b
    return m2, m3


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def distance_histogram(X, edges, n_chunks):
    """Counts of the pairwise Chebyshev distances in the bins ``[e_k, e_{k+1})``, the
    last bin closed (NumPy's rule for explicit edges). Rows are dealt to
    ``n_chunks`` interleaved chunks, each with its own integer histogram."""
    P = X.shape[0]
    nb_ = edges.size - 1
    H = np.zeros((n_chunks, nb_), dtype=np.int64)
    for ch in nb.prange(n_chunks):
        for i in range(ch, P - 1, n_chunks):
            for j in range(i + 1, P):
                e = _cheb(X, i, j)
                k = np.searchsorted(edges, e, side="right") - 1
                if k >= nb_:
                    k = nb_ - 1
                if k >= 0:
                    H[ch, k] += 1
    return H.sum(axis=0)


# ---------------------------------------------------------------------------------------
# dispersion patterns
# ---------------------------------------------------------------------------------------


@nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)
def dispersion_codes(Z, NL, NW, mL, mW, tau, radix):
    """Code ``sum_e Z[e] radix^e`` of every mL x mW symbol template (row-major)."""
    out = np.empty(NL * NW, dtype=np.int64)
    for k in nb.prange(NL):
        for n in range(NW):
            code = np.int64(0)
            for a in range(mL):
                for b in range(mW):
                    code = code * radix + Z[k + a * tau, n + b * tau]
            out[k * NW + n] = code
    return out
