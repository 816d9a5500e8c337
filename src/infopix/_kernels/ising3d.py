"""Compiled kernels of the standard Ising model on a simple cubic lattice.

Spins are ``int8`` signs (+1/-1) of shape (Z, Y, X) with periodic boundaries; the
energy is ``E = -J sum_i sum_{d in x, y, z} s_i s_{i + e_d} - h sum_i s_i`` (3 N bond
terms). On an axis of length 2 the two neighbours ``i - e_d`` and ``i + e_d`` are the
same site, so that pair carries two bond terms (coupling 2 J): every kernel here uses
the six-neighbour sum with repetitions, which is exactly this convention.

Randomness follows :mod:`infopix._kernels.ising` (whose SplitMix64 primitives are
reused): the checkerboard sweep gives each (sweep, colour, z plane) a counter-based stream
keyed by the seed, so the result depends neither on the number of threads nor on how
the sweeps are split between calls; Wolff carries one sequential stream whose state
lives in a 1-element uint64 array. The checkerboard accepts a move with dE = 0 with
probability 1/2, as the 2-D sublattice sweeps do (detailed balance holds; a
deterministic flip of free spins would be a period-2 cycle).

No validation here: :func:`infopix.ising.simulate_cubic` checks everything.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .._config import NUMBA_CACHE
from .ising import _GOLDEN, _S11, _S32, _mix, _next, _stream_key, _threshold, accept_prob

_S33 = np.uint64(33)
_TWO31 = 2147483648.0


@nb.njit(cache=NUMBA_CACHE)
def cubic_thresholds(J, h, beta):
    """int32 acceptance bounds ``t[si * 7 + (m + 6) // 2]`` of the checkerboard sweep,
    for spin ``s = 2 si - 1`` and neighbour sum ``m`` in {-6, -4, ..., 6}: a 31-bit
    draw ``r`` accepts when ``r <= t``, i.e. ``t = floor(p 2**31) - 1`` (-1: never,
    2**31 - 1: always)."""
    t = np.empty(14, dtype=np.int32)
    for si in range(2):
        s = 2.0 * si - 1.0
        for q in range(7):
            m = 2 * q - 6
            p = accept_prob(2.0 * s * (J * m + h), beta, False, True)
            if p >= 1.0:
                t[si * 7 + q] = np.int32(2147483647)
            else:
                t[si * 7 + q] = np.int32(np.int64(p * _TWO31) - 1)
    return t


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _site_sym(a, k, m, r, t):
    """Update site k given neighbour sum ``m`` and 31-bit draw ``r`` when the bound
    depends on ``s * m`` only (h = 0): selects instead of a table load, arithmetic flip;
    returns 1 if flipped."""
    s = np.int32(a[k])
    x = np.int32(s * m)
    tt = t[13]
    if x == 4:
        tt = t[12]
    if x == 2:
        tt = t[11]
    if x == 0:
        tt = t[10]
    if x == -2:
        tt = t[9]
    if x == -4:
        tt = t[8]
    if x == -6:
        tt = t[7]
    flip = np.int32(r <= tt)
    a[k] = np.int8(s - 2 * s * flip)
    return flip


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _site_gen(a, k, m, r, t):
    """:func:`_site_sym` for any field: the bound chosen by spin and neighbour sum."""
    s = np.int32(a[k])
    pos = s > 0
    tt = t[13] if pos else t[6]
    if m == 4:
        tt = t[12] if pos else t[5]
    if m == 2:
        tt = t[11] if pos else t[4]
    if m == 0:
        tt = t[10] if pos else t[3]
    if m == -2:
        tt = t[9] if pos else t[2]
    if m == -4:
        tt = t[8] if pos else t[1]
    if m == -6:
        tt = t[7] if pos else t[0]
    flip = np.int32(r <= tt)
    a[k] = np.int8(s - 2 * s * flip)
    return flip


@nb.njit(cache=NUMBA_CACHE)
def _plane_loop(a, zm, zp, ym, yp, xm, x0, xp, pat, rb, t, sym, n):
    """The update pass of :func:`_plane` on views that start at the first site (a loop
    from 0 in its own function: LLVM vectorises this form, not the inlined offset one)."""
    # the bounds as a tuple of scalars: registers in the loop (an array would be
    # reloaded after every store to ``a``, which blocks vectorisation)
    t = (t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], t[10], t[11], t[12],
         t[13])
    acc = np.int32(0)
    if sym:
        for i in range(n):
            p = np.int32(pat[i])
            # both loads unconditional, select by arithmetic: keeps the loop vectorised
            lo = np.int32(xm[i])
            xn = lo + (p >> 1) * (np.int32(xp[i]) - lo)
            m = np.int32(zm[i] + zp[i] + ym[i] + yp[i] + x0[i] + xn)
            f = _site_sym(a, i, m, rb[i], t)
            acc = np.int32(acc + (f & np.int32(p != 0)))
    else:
        for i in range(n):
            p = np.int32(pat[i])
            lo = np.int32(xm[i])
            xn = lo + (p >> 1) * (np.int32(xp[i]) - lo)
            m = np.int32(zm[i] + zp[i] + ym[i] + yp[i] + x0[i] + xn)
            f = _site_gen(a, i, m, rb[i], t)
            acc = np.int32(acc + (f & np.int32(p != 0)))
    return np.int64(acc)


@nb.njit(cache=NUMBA_CACHE)
def _plane(a, zm, zp, cur, pat, key, t, sym, W, n0, n1, rb):
    """Update one padded sublattice plane ``a`` (flat, (Y + 2) x W, W = X/2 + 2) given
    the other sublattice's planes at z - 1, z + 1 and z (``zm, zp, cur``, same padded
    layout, ghosts current). Sites n0 <= i < n1 are visited in one flat loop (ghost
    columns too: their flips are discarded by the ghost refresh and not counted):
    neighbours ``zm[i], zp[i], cur[i - W], cur[i + W], cur[i]`` and ``cur[i + 1]``
    (``pat[i] == 2``) or ``cur[i - 1]`` (``pat[i] == 1``; 0 marks ghosts). A draw pass
    (SplitMix64 output i + 1 of the stream ``key``, top 31 bits) precedes a branch-free
    update pass (:func:`_plane_loop`). Returns the flips of real sites."""
    z = key + np.uint64(n0) * _GOLDEN
    for i in range(n0, n1):
        z += _GOLDEN  # key + (i + 1) * golden: the site counter's output
        rb[i] = np.int32(_mix(z) >> _S33)
    return _plane_loop(a[n0:n1], zm[n0:n1], zp[n0:n1], cur[n0 - W:n1 - W], cur[n0 + W:n1 + W],
                       cur[n0 - 1:n1 - 1], cur[n0:n1], cur[n0 + 1:n1 + 1], pat[n0:n1], rb[n0:n1],
                       t, sym, n1 - n0)


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _refresh(p, Y, H):
    """Ghosts of one padded plane ``p`` ((Y + 2, H + 2)): columns 0 and H + 1 copy the
    real columns H and 1 (periodic in x), then rows 0 and Y + 1 copy rows Y and 1."""
    for y in range(1, Y + 1):
        p[y, 0] = p[y, H]
        p[y, H + 1] = p[y, 1]
    for k in range(H + 2):
        p[0, k] = p[Y, k]
        p[Y + 1, k] = p[1, k]


@nb.njit(cache=NUMBA_CACHE, parallel=True)
def _split(spins, sub):
    """Copy the two checkerboard sublattices into the padded ``sub`` (2, Z, Y + 2,
    X/2 + 2): colour c holds the sites with (z + y + x) % 2 == c, site k of row (z, y)
    (x = 2k + ((z + y + c) & 1)) at ``sub[c, z, y + 1, k + 1]``; ghosts refreshed."""
    Z, Y, X = spins.shape
    H = X // 2
    for z in nb.prange(Z):
        for c in range(2):
            for y in range(Y):
                off = (z + y + c) & 1
                for k in range(H):
                    sub[c, z, y + 1, k + 1] = spins[z, y, 2 * k + off]
            _refresh(sub[c, z], Y, H)


@nb.njit(cache=NUMBA_CACHE, parallel=True)
def _join(sub, spins):
    """Inverse of :func:`_split`."""
    Z, Y, X = spins.shape
    H = X // 2
    for z in nb.prange(Z):
        for c in range(2):
            for y in range(Y):
                off = (z + y + c) & 1
                for k in range(H):
                    spins[z, y, 2 * k + off] = sub[c, z, y + 1, k + 1]


@nb.njit(cache=NUMBA_CACHE)
def _plane_sums(a, zm, zp, ym, yp, xm, x0, xp, pat, n):
    """(bond sum, spin sum) of one colour-0 plane and the colour-1 plane at the same z,
    on views laid out as in :func:`_plane_loop` (ghosts masked out by ``pat``)."""
    b = np.int64(0)
    s = np.int64(0)
    for i in range(n):
        p = np.int32(pat[i])
        real = np.int32(p != 0)
        lo = np.int32(xm[i])
        xn = lo + (p >> 1) * (np.int32(xp[i]) - lo)
        m = np.int32(zm[i] + zp[i] + ym[i] + yp[i] + x0[i] + xn)
        b += np.int32(a[i]) * m * real
        s += (np.int32(a[i]) + np.int32(x0[i])) * real
    return b, s


@nb.njit(cache=NUMBA_CACHE, parallel=True)
def _sub_sums(flat, pat, Y, W):
    """(bond sum, spin sum) from the padded sublattices ``flat`` (2, Z, (Y + 2) W):
    every bond joins a colour-0 site to a colour-1 site, so the bond sum is the sum
    over colour 0 of s * (its six neighbours)."""
    Z = flat.shape[1]
    n0 = W
    n1 = (Y + 1) * W
    bonds = 0
    total = 0
    for z in nb.prange(Z):
        o = flat[1, z]
        zm = flat[1, z - 1 if z > 0 else Z - 1]
        zp = flat[1, z + 1 if z < Z - 1 else 0]
        b, s = _plane_sums(flat[0, z, n0:n1], zm[n0:n1], zp[n0:n1], o[n0 - W:n1 - W],
                           o[n0 + W:n1 + W], o[n0 - 1:n1 - 1], o[n0:n1], o[n0 + 1:n1 + 1],
                           pat[z & 1, n0:n1], n1 - n0)
        bonds += b
        total += s
    return bonds, total


@nb.njit(cache=NUMBA_CACHE, parallel=True)
def checkerboard_sweeps(spins, t, sym, nsweeps, record_every, sweep0, seed, bonds, sums,
                        accepted, frames):
    """``nsweeps`` checkerboard sweeps of ``spins`` (Z, Y, X; all sides even), in place.

    The sublattices are copied into padded contiguous (Z, Y + 2, X/2 + 2) arrays
    whose ghost rows and columns repeat the periodic neighbours (:func:`_split`), so a
    plane is updated by one flat loop without wrap-around branches (:func:`_plane`).
    Colour 0 then colour 1 is updated, the Z planes of a colour in parallel
    (``prange``), plane z with the stream of (seed, sweep0 + sweep, colour, z) and
    site counter = padded flat index; each task then refreshes its plane's ghosts.
    ``t`` holds the bounds of :func:`cubic_thresholds`; ``sym`` says they depend on
    s * m only. After every ``record_every`` sweeps, record f gets the bond and spin
    sums (``bonds[f]``, ``sums[f]``), the flips since the previous record
    (``accepted[f]``) and, when ``frames`` has records, the configuration.
    """
    Z, Y, X = spins.shape
    H = X // 2
    W = H + 2
    P = (Y + 2) * W
    sub = np.empty((2, Z, Y + 2, W), dtype=np.int8)
    _split(spins, sub)
    flat = sub.reshape(2, Z, P)
    # pat[q]: 0 ghost column, 2 if the in-row neighbours are k and k + 1 (x odd), 1 if
    # k - 1 and k, for planes with (z + colour) % 2 == q
    pat = np.zeros((2, P), dtype=np.int8)
    for q in range(2):
        for y in range(Y):
            for k in range(H):
                pat[q, (y + 1) * W + k + 1] = 2 if ((q + y) & 1) == 1 else 1
    rb = np.empty((Z, P), dtype=np.int32)
    keep = frames.shape[0] > 0
    acc = 0
    for u in range(nsweeps):
        for colour in range(2):
            other = flat[1 - colour]
            for z in nb.prange(Z):
                key = _stream_key(seed, sweep0 + u, colour, z)
                acc += _plane(flat[colour, z], other[z - 1 if z > 0 else Z - 1],
                              other[z + 1 if z < Z - 1 else 0], other[z],
                              pat[(z + colour) & 1], key, t, sym, W, W, (Y + 1) * W, rb[z])
                _refresh(sub[colour, z], Y, H)
        if (u + 1) % record_every == 0:
            f = (u + 1) // record_every - 1
            b, s = _sub_sums(flat, pat, Y, W)
            bonds[f] = b
            sums[f] = s
            accepted[f] = acc
            acc = 0
            if keep:
                _join(sub, frames[f])
    _join(sub, spins)


@nb.njit(cache=NUMBA_CACHE)
def bond_and_spin_sums(spins):
    """(sum_i sum_d s_i s_{i + e_d}, sum_i s_i) of a (Z, Y, X) configuration, from
    scratch (any sides; the neighbour in +d wraps periodically). Serial: the Wolff
    kernel calls it once per record, and a parallel region per record costs more than
    it saves on a loaded machine."""
    Z, Y, X = spins.shape
    bonds = 0
    total = 0
    for z in range(Z):
        zp = z + 1 if z < Z - 1 else 0
        b = 0
        s = 0
        for y in range(Y):
            yp = y + 1 if y < Y - 1 else 0
            for x in range(X):
                xp = x + 1 if x < X - 1 else 0
                v = np.int64(spins[z, y, x])
                b += v * (np.int64(spins[z, y, xp]) + spins[z, yp, x] + spins[zp, y, x])
                s += v
        bonds += b
        total += s
    return bonds, total


@nb.njit(cache=NUMBA_CACHE)
def _cluster(flat, Z, Y, X, thr, stack, state):
    """Grow and flip one Wolff cluster from a random seed site of the flat (Z*Y*X)
    spins (flip on add, explicit stack); returns (size, state). A neighbour listed
    twice (an axis of length 2) is tried twice, i.e. its doubled bond is added with
    probability 1 - (1 - p)**2 = 1 - exp(-4 beta J), as the convention requires."""
    YX = Y * X
    N = np.uint64(Z * YX)
    state, r = _next(state)
    site = np.int64(((r >> _S32) * N) >> _S32)
    s0 = flat[site]
    flat[site] = -s0
    stack[0] = site
    top = 1
    size = 1
    while top > 0:
        top -= 1
        k = stack[top]
        z = k // YX
        rem = k - z * YX
        y = rem // X
        x = rem - y * X
        for nbr in range(6):
            if nbr == 0:
                n = k - x + (x - 1 if x > 0 else X - 1)
            elif nbr == 1:
                n = k - x + (x + 1 if x < X - 1 else 0)
            elif nbr == 2:
                n = k + ((y - 1 if y > 0 else Y - 1) - y) * X
            elif nbr == 3:
                n = k + ((y + 1 if y < Y - 1 else 0) - y) * X
            elif nbr == 4:
                n = k + ((z - 1 if z > 0 else Z - 1) - z) * YX
            else:
                n = k + ((z + 1 if z < Z - 1 else 0) - z) * YX
            if flat[n] == s0:
                state, r = _next(state)
                if (r >> _S11) < thr:
                    flat[n] = -s0
                    stack[top] = n
                    top += 1
                    size += 1
    return size, state


@nb.njit(cache=NUMBA_CACHE)
def wolff_sizes(spins, J, beta, nclusters, rngstate, stack):
    """Flip ``nclusters`` Wolff clusters of ``spins`` (Z, Y, X) in place; returns their
    sizes (the pilot that sets the clusters per sweep uses it)."""
    Z, Y, X = spins.shape
    flat = spins.reshape(-1)
    thr = _threshold(1.0 - np.exp(-2.0 * beta * J))
    sizes = np.empty(nclusters, dtype=np.int64)
    state = rngstate[0]
    for c in range(nclusters):
        size, state = _cluster(flat, Z, Y, X, thr, stack, state)
        sizes[c] = size
    rngstate[0] = state
    return sizes


@nb.njit(cache=NUMBA_CACHE)
def wolff_sweeps(spins, J, beta, nsweeps, clusters_per_sweep, record_every, rngstate, stack,
                 bonds, sums, flipped, frames):
    """``nsweeps`` Wolff sweeps of ``clusters_per_sweep`` clusters each (a fixed count:
    a stopping rule depending on the clusters would bias the records), in place.
    Records as in :func:`checkerboard_sweeps`; ``flipped[f]`` counts the spins flipped
    since the previous record."""
    Z, Y, X = spins.shape
    flat = spins.reshape(-1)
    thr = _threshold(1.0 - np.exp(-2.0 * beta * J))
    keep = frames.shape[0] > 0
    state = rngstate[0]
    acc = 0
    for u in range(nsweeps):
        for _ in range(clusters_per_sweep):
            size, state = _cluster(flat, Z, Y, X, thr, stack, state)
            acc += size
        if (u + 1) % record_every == 0:
            f = (u + 1) // record_every - 1
            b, s = bond_and_spin_sums(spins)
            bonds[f] = b
            sums[f] = s
            flipped[f] = acc
            acc = 0
            if keep:
                frames[f] = spins
    rngstate[0] = state
