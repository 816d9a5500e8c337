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


@nb.njit(cache=NUMBA_CACHE, nogil=True)
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


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def row_hashes(bits):
    """A 64-bit hash of every row of ``bits`` (float64 bit patterns): rows with equal
    values get equal hashes; equal hashes need not mean equal rows."""
    P, d = bits.shape
    h = np.empty(P, dtype=np.int64)
    for p in nb.prange(P):
        hh = np.uint64(14695981039346656037)
        for c in range(d):
            hh = (hh ^ bits[p, c]) * np.uint64(1099511628211)
            hh ^= hh >> np.uint64(29)
        h[p] = np.int64(hh)
    return h


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def group_rows(T, order, key):
    """Rows of ``T`` taken in ``order`` (sorted by ``key``); runs of adjacent identical
    rows merged into one row with its multiplicity. Returns (unique rows, weights)."""
    P, d = T.shape
    U = np.empty((P, d), dtype=np.float64)
    w = np.empty(P, dtype=np.int64)
    G = 0
    prev = np.int64(0)
    for t in range(P):
        p = order[t]
        same = G > 0 and prev == key[p]
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
            G += 1
        prev = key[p]
    return U[:G].copy(), w[:G].copy()


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _select(X, perm, lo, hi, k, dim):
    """Reorder ``perm[lo:hi]`` so that ``perm[k]`` holds the k-th smallest value of
    column ``dim`` (quickselect, median-of-three pivots), smaller ones before it."""
    while hi - lo > 1:
        a, b, c = X[perm[lo], dim], X[perm[(lo + hi - 1) // 2], dim], X[perm[hi - 1], dim]
        if a > b:
            a, b = b, a
        if b > c:
            b = c
            if a > b:
                b = a
        pivot = b
        i, j = lo, hi - 1
        while i <= j:
            while X[perm[i], dim] < pivot:
                i += 1
            while X[perm[j], dim] > pivot:
                j -= 1
            if i <= j:
                t = perm[i]
                perm[i] = perm[j]
                perm[j] = t
                i += 1
                j -= 1
        if k <= j:
            hi = j + 1
        elif k >= i:
            lo = i
        else:
            return


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def build_kdtree(X, w, leaf_size):
    """A k-d tree over the rows of X: median splits on the widest element, leaves of at
    most ``leaf_size`` rows. Returns the permutation of rows, and per node its
    bounding box (lo, hi), row range [start, end), total weight and children (-1 for
    leaves)."""
    G, d = X.shape
    # a split node has > leaf_size rows, so every leaf has >= (leaf_size + 1) // 2
    max_nodes = 2 * (G // max(1, (leaf_size + 1) // 2) + 1)
    perm = np.arange(G)
    lo = np.empty((max_nodes, d))
    hi = np.empty((max_nodes, d))
    start = np.empty(max_nodes, dtype=np.int64)
    end = np.empty(max_nodes, dtype=np.int64)
    left = np.full(max_nodes, -1, dtype=np.int64)
    right = np.full(max_nodes, -1, dtype=np.int64)
    W = np.zeros(max_nodes, dtype=np.int64)
    stack = np.empty(max_nodes, dtype=np.int64)
    start[0], end[0] = 0, G
    n_nodes = 1
    top = 1
    stack[0] = 0
    while top > 0:
        top -= 1
        node = stack[top]
        s, e = start[node], end[node]
        for c in range(d):
            lo[node, c] = np.inf
            hi[node, c] = -np.inf
        tw = np.int64(0)
        for t in range(s, e):
            p = perm[t]
            tw += w[p]
            for c in range(d):
                x = X[p, c]
                if x < lo[node, c]:
                    lo[node, c] = x
                if x > hi[node, c]:
                    hi[node, c] = x
        W[node] = tw
        if e - s <= leaf_size:
            continue
        dim = 0
        width = -1.0
        for c in range(d):
            if hi[node, c] - lo[node, c] > width:
                width = hi[node, c] - lo[node, c]
                dim = c
        if width <= 0:
            continue
        mid = s + (e - s) // 2
        _select(X, perm, s, e, mid, dim)
        L, R = n_nodes, n_nodes + 1
        n_nodes += 2
        start[L], end[L], start[R], end[R] = s, mid, mid, e
        left[node], right[node] = L, R
        stack[top] = L
        stack[top + 1] = R
        top += 2
    return (perm, lo[:n_nodes].copy(), hi[:n_nodes].copy(), start[:n_nodes].copy(), end[:n_nodes].copy(),
            left[:n_nodes].copy(), right[:n_nodes].copy(), W[:n_nodes].copy())


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _dual_tree(X, w, lo, hi, start, end, left, right, W, a0, b0, r, stack):
    """Weighted unordered pairs within Chebyshev distance < r between nodes a0 and b0
    (within a0 if a0 == b0). Node pairs whose boxes are surely apart are skipped,
    those surely within r counted whole, others split; leaf pairs compared row by
    row. Bounds and the row test use the same floating subtractions, which are
    monotone, so ``hi_b - lo_a < r`` implies ``|x_j - x_i| < r`` for every pair."""
    d = X.shape[1]
    total = np.int64(0)
    top = 1
    stack[0, 0] = a0
    stack[0, 1] = b0
    while top > 0:
        top -= 1
        a = stack[top, 0]
        b = stack[top, 1]
        apart = False
        within = True
        for c in range(d):
            g1 = lo[b, c] - hi[a, c]
            g2 = lo[a, c] - hi[b, c]
            if g1 >= r or g2 >= r:
                apart = True
                break
            if within and not (hi[b, c] - lo[a, c] < r and hi[a, c] - lo[b, c] < r):
                within = False
        if apart:
            continue
        if within:
            if a == b:
                total += W[a] * (W[a] - 1) // 2
            else:
                total += W[a] * W[b]
            continue
        la = left[a] < 0
        lb = left[b] < 0
        if la and lb:
            if a == b:
                for i in range(start[a], end[a]):
                    wi = w[i]
                    acc = wi * (wi - 1) // 2
                    for j in range(i + 1, end[a]):
                        m = True
                        for c in range(d):
                            if not abs(X[j, c] - X[i, c]) < r:
                                m = False
                                break
                        if m:
                            acc += wi * w[j]
                    total += acc
            else:
                for i in range(start[a], end[a]):
                    wi = w[i]
                    acc = np.int64(0)
                    for j in range(start[b], end[b]):
                        m = True
                        for c in range(d):
                            if not abs(X[j, c] - X[i, c]) < r:
                                m = False
                                break
                        if m:
                            acc += w[j]
                    total += wi * acc
            continue
        if a == b:
            L, R = left[a], right[a]
            stack[top, 0], stack[top, 1] = L, L
            stack[top + 1, 0], stack[top + 1, 1] = R, R
            stack[top + 2, 0], stack[top + 2, 1] = L, R
            top += 3
        elif lb or (not la and end[a] - start[a] >= end[b] - start[b]):
            stack[top, 0], stack[top, 1] = left[a], b
            stack[top + 1, 0], stack[top + 1, 1] = right[a], b
            top += 2
        else:
            stack[top, 0], stack[top, 1] = a, left[b]
            stack[top + 1, 0], stack[top + 1, 1] = a, right[b]
            top += 2
    return total


def _count_pairs_tree(X, w, lo, hi, start, end, left, right, W, tasks, r):
    """Sum of :func:`_dual_tree` over the node pairs ``tasks`` (n, 2), in parallel;
    one integer per task, summed exactly (independent of the thread count)."""
    n = tasks.shape[0]
    out = np.zeros(n, dtype=np.int64)
    depth = 1
    node = 0
    while left[node] >= 0:  # median splits: every path has about the same length
        node = left[node]
        depth += 1
    cap = 3 * (2 * depth + 64)
    for t in nb.prange(n):
        stack = np.empty((cap, 2), dtype=np.int64)
        out[t] = _dual_tree(X, w, lo, hi, start, end, left, right, W, tasks[t, 0], tasks[t, 1], r, stack)
    return out.sum()


#: :func:`_count_pairs_tree` compiled twice: in parallel over the tasks, and serial for
#: small inputs, where launching threads on a busy machine costs more than the work
count_pairs_tree = nb.njit(cache=NUMBA_CACHE, parallel=True, nogil=True)(_count_pairs_tree)
count_pairs_tree_serial = nb.njit(cache=NUMBA_CACHE, nogil=True)(_count_pairs_tree)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
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
    if code == 0:  # default: exp(-x^r1 / r0); r1 = 2 (the default) squared, as NumPy's
        # power does for an exponent of 2 (EntropyHub), and 2.5x faster than pow()
        return math.exp(-((x * x) if r1 == 2.0 else x**r1) / r0)
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
