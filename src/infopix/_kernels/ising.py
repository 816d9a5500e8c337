"""Compiled Ising kernels: sublattice ("checkerboard") sweeps, random-site Metropolis
and Wolff single-cluster updates.

All kernels work on ``int8`` sign spins ``sigma`` (+1/-1) of shape (M, N) with periodic
boundaries. A model is a ``kind`` code plus auxiliary arrays (unused ones are 1x1):

kind 0  standard   dE = 2 s (c m + h),  m = sum of the 4 neighbours, c = J
kind 1  bonds      dE = 2 s (c m + h),  m = sum of bw * neighbour (bw in {0, 1, 2}),
                   c = J / 2 (the edge model: bond weights in units of 1/2)
kind 2  grey       spin x = sigma * mag;  dE = sum_nb |-x - y| - |x - y|
kind 3  metric     9 dE = sum over the 9 blocks containing the site of
                   f(A + d) - f(A),  A = agreements of the 3x3 block with ``init``,
                   f(a) = -a (plain) or -|2a - 9| (symmetric); ``blocks`` holds A and is
                   updated in place.

Randomness is counter-based SplitMix64: sublattice sweeps give each (sweep, colour,
row) its own stream keyed by the seed (the fast paths draw the site counter's output
directly, keeping its top 32 bits), so the result depends neither on the number of
threads nor on how sweeps are chunked; the sequential kernels carry one SplitMix64
stream whose state lives in a 1-element uint64 array. Acceptance uses integer thresholds
``floor(p * 2**53)`` compared with the top 53 bits of a draw; ``FULL`` (2**53) means
"always". The sublattice sweeps accept a move with dE = 0 with probability 1/2 (still
detailed balance): with probability 1 a deterministic sweep would flip every free spin
(edge sites, beta = 0) at every sweep, a period-2 cycle that never samples them.

No validation here: the public wrappers in :mod:`infopix.ising` check everything.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .._config import NUMBA_CACHE

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_K1 = np.uint64(0xD1B54A32D192ED03)
_K2 = np.uint64(0xABC98388FB8FAC03)
_K3 = np.uint64(0x8CB92BA72F3D8DD7)
_S11 = np.uint64(11)
_S27 = np.uint64(27)
_S30 = np.uint64(30)
_S31 = np.uint64(31)
_S32 = np.uint64(32)
FULL = np.uint64(1 << 53)
HALF = np.uint64(1 << 52)
_TWO53 = 9007199254740992.0
_INV53 = 1.0 / 9007199254740992.0

#: table layout for kinds 0/1: index ((s + 1) // 2) * 17 + (m + 8)
TABLE_SIZE = 37

#: lattices with fewer sites run the checkerboard kernels on one thread (a parallel
#: region costs more than the work; the result is the same)
PARALLEL_MIN_SITES = 128 * 128


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _mix(z):
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _stream_key(seed, sweep, colour, row):
    """Start state of the stream of (seed, sweep, colour, row)."""
    z = _mix(seed ^ (np.uint64(sweep) * _K1))
    z = _mix(z ^ (np.uint64(colour) * _K2) ^ (np.uint64(row) * _K3))
    return z


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _next(state):
    state = state + _GOLDEN
    return state, _mix(state)


@nb.njit(cache=NUMBA_CACHE)
def _threshold(p):
    if p >= 1.0:
        return FULL
    return np.uint64(p * _TWO53)


@nb.njit(inline="always", cache=NUMBA_CACHE)
def accept_prob(de, beta, heatbath, half_at_zero):
    """Acceptance probability of a move changing the energy by ``de``.

    Heat bath (Glauber): ``1 / (1 + exp(beta de))``. Metropolis: ``min(1, exp(-beta de))``,
    except ``1/2`` at ``de == 0`` when ``half_at_zero`` (the sublattice sweeps).
    """
    if heatbath:
        x = beta * de
        if x > 700.0:
            return 0.0
        return 1.0 / (1.0 + np.exp(x))
    if de < 0.0:
        return 1.0
    if de == 0.0:
        return 0.5 if half_at_zero else 1.0
    return np.exp(-beta * de)


@nb.njit(cache=NUMBA_CACHE)
def build_table(kind, beta, c, h, heatbath, thr):
    """Fill ``thr`` with the sweep acceptance thresholds at inverse temperature ``beta``."""
    for k in range(thr.size):
        thr[k] = FULL
    if kind == 0 or kind == 1:
        for si in range(2):
            s = 2.0 * si - 1.0
            for m in range(-8, 9):
                de = 2.0 * s * (c * m + h)
                thr[si * 17 + m + 8] = _threshold(accept_prob(de, beta, heatbath, True))
    elif kind == 3:
        for m in range(-18, 19):
            thr[m + 18] = _threshold(accept_prob(m / 9.0, beta, heatbath, True))


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _delta(spins, i, j, kind, c, h, bw_r, bw_d, mag, init, blocks, symmetric):
    """(dE, table index) of flipping site (i, j); the index is -1 for kind 2."""
    M, N = spins.shape
    im = i - 1 if i > 0 else M - 1
    ip = i + 1 if i < M - 1 else 0
    jm = j - 1 if j > 0 else N - 1
    jp = j + 1 if j < N - 1 else 0
    s = np.int64(spins[i, j])
    if kind == 0:
        m = (np.int64(spins[im, j]) + np.int64(spins[ip, j])
             + np.int64(spins[i, jm]) + np.int64(spins[i, jp]))
        return 2.0 * s * (c * m + h), ((s + 1) >> 1) * 17 + m + 8
    elif kind == 1:
        m = (np.int64(bw_d[im, j]) * spins[im, j] + np.int64(bw_d[i, j]) * spins[ip, j]
             + np.int64(bw_r[i, jm]) * spins[i, jm] + np.int64(bw_r[i, j]) * spins[i, jp])
        return 2.0 * s * (c * m + h), ((s + 1) >> 1) * 17 + m + 8
    elif kind == 2:
        x = s * mag[i, j]
        de = 0.0
        y = spins[im, j] * mag[im, j]
        de += abs(x + y) - abs(x - y)
        y = spins[ip, j] * mag[ip, j]
        de += abs(x + y) - abs(x - y)
        y = spins[i, jm] * mag[i, jm]
        de += abs(x + y) - abs(x - y)
        y = spins[i, jp] * mag[i, jp]
        de += abs(x + y) - abs(x - y)
        return de, -1
    else:
        d = -1 if spins[i, j] == init[i, j] else 1
        if symmetric:
            m = (_sym_term(blocks[im, jm], d) + _sym_term(blocks[im, j], d)
                 + _sym_term(blocks[im, jp], d) + _sym_term(blocks[i, jm], d)
                 + _sym_term(blocks[i, j], d) + _sym_term(blocks[i, jp], d)
                 + _sym_term(blocks[ip, jm], d) + _sym_term(blocks[ip, j], d)
                 + _sym_term(blocks[ip, jp], d))
        else:
            m = -9 * d
        return m / 9.0, m + 18


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _sym_term(a, d):
    """9 x the change of the block energy -|2A - 9| when A -> A + d."""
    a = np.int64(a)
    return abs(2 * a - 9) - abs(2 * (a + d) - 9)


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _flip(spins, i, j, kind, init, blocks):
    if kind == 3:
        M, N = spins.shape
        im = i - 1 if i > 0 else M - 1
        ip = i + 1 if i < M - 1 else 0
        jm = j - 1 if j > 0 else N - 1
        jp = j + 1 if j < N - 1 else 0
        d = np.int8(-1 if spins[i, j] == init[i, j] else 1)
        blocks[im, jm] += d
        blocks[im, j] += d
        blocks[im, jp] += d
        blocks[i, jm] += d
        blocks[i, j] += d
        blocks[i, jp] += d
        blocks[ip, jm] += d
        blocks[ip, j] += d
        blocks[ip, jp] += d
    spins[i, j] = -spins[i, j]


@nb.njit(cache=NUMBA_CACHE, parallel=True)
def checkerboard_sweeps(spins, kind, c, h, bw_r, bw_d, mag, init, blocks, symmetric,
                        heatbath, betas, sweep0, seed, sr, sc):
    """``betas.size`` sublattice sweeps; returns the number of accepted flips per sweep.

    Sites are split into ``sr * sc`` colour classes ``(i % sr, j % sc)``; classes are
    updated in turn, the rows of one class in parallel (``prange``). ``sr``/``sc`` divide
    the lattice sides and exceed the interaction range, so sites of one class never
    interact and every single-site update is an exact Metropolis step.
    """
    M, N = spins.shape
    nsweeps = betas.size
    accepted = np.zeros(nsweeps, dtype=np.int64)
    thr = np.empty(TABLE_SIZE, dtype=np.uint64)
    for t in range(nsweeps):
        beta = betas[t]
        build_table(kind, beta, c, h, heatbath, thr)
        total = 0
        for colour in range(sr * sc):
            a = colour // sc
            b = colour % sc
            nrows = (M - a + sr - 1) // sr
            for q in nb.prange(nrows):
                i = a + q * sr
                state = _stream_key(seed, sweep0 + t, colour, i)
                acc = 0
                for j in range(b, N, sc):
                    de, idx = _delta(spins, i, j, kind, c, h, bw_r, bw_d, mag, init,
                                     blocks, symmetric)
                    if idx >= 0:
                        tt = thr[idx]
                    else:
                        tt = _threshold(accept_prob(de, beta, heatbath, True))
                    if tt >= FULL:
                        _flip(spins, i, j, kind, init, blocks)
                        acc += 1
                    elif tt > 0:
                        state, r = _next(state)
                        if (r >> _S11) < tt:
                            _flip(spins, i, j, kind, init, blocks)
                            acc += 1
                total += acc
        accepted[t] = total
    return accepted


@nb.njit(cache=NUMBA_CACHE)
def metropolis_steps(spins, kind, c, h, bw_r, bw_d, mag, init, blocks, symmetric,
                     heatbath, betas, rngstate):
    """One random-site Metropolis attempt per entry of ``betas`` (the notebook's update,
    with the exact energy change); returns the number accepted. ``rngstate`` (uint64[1])
    carries the stream across calls."""
    M, N = spins.shape
    MN = np.uint64(M * N)
    state = rngstate[0]
    acc = 0
    for t in range(betas.size):
        state, r = _next(state)
        site = np.int64(((r >> _S32) * MN) >> _S32)
        i = site // N
        j = site - i * N
        de, idx = _delta(spins, i, j, kind, c, h, bw_r, bw_d, mag, init, blocks, symmetric)
        p = accept_prob(de, betas[t], heatbath, False)
        if p >= 1.0:
            _flip(spins, i, j, kind, init, blocks)
            acc += 1
        else:
            state, r = _next(state)
            if (r >> _S11) * _INV53 < p:
                _flip(spins, i, j, kind, init, blocks)
                acc += 1
    rngstate[0] = state
    return acc


@nb.njit(cache=NUMBA_CACHE)
def _wolff_cluster(spins, M, N, thr, stack, state):
    """Grow and flip one Wolff cluster from a random seed site of the flat (M*N) spins;
    returns (size, state)."""
    MN = np.uint64(M * N)
    state, r = _next(state)
    site = np.int64(((r >> _S32) * MN) >> _S32)
    s0 = spins[site]
    spins[site] = -s0
    stack[0] = site
    top = 1
    size = 1
    while top > 0:
        top -= 1
        k = stack[top]
        i = k // N
        j = k - i * N
        for nbr in range(4):
            if nbr == 0:
                n = (i - 1 if i > 0 else M - 1) * N + j
            elif nbr == 1:
                n = (i + 1 if i < M - 1 else 0) * N + j
            elif nbr == 2:
                n = i * N + (j - 1 if j > 0 else N - 1)
            else:
                n = i * N + (j + 1 if j < N - 1 else 0)
            if spins[n] == s0:
                state, r = _next(state)
                if (r >> _S11) < thr:
                    spins[n] = -s0
                    stack[top] = n
                    top += 1
                    size += 1
    return size, state


@nb.njit(cache=NUMBA_CACHE)
def wolff_updates(spins, M, N, J, betas, nclusters, rngstate, stack):
    """Wolff single-cluster updates (standard model, h = 0).

    Entry t of ``betas`` flips ``nclusters[t]`` clusters at inverse temperature
    ``betas[t]``; the counts must not depend on the configuration (a stopping rule
    such as "until M*N spins flipped" would bias what is measured afterwards).
    Returns (spins flipped, clusters flipped) per entry. ``spins`` is the flat (M*N) view.
    """
    n = betas.size
    flipped = np.zeros(n, dtype=np.int64)
    clusters = np.zeros(n, dtype=np.int64)
    state = rngstate[0]
    for t in range(n):
        p = 1.0 - np.exp(-2.0 * betas[t] * J)
        thr = _threshold(p) if p > 0.0 else np.uint64(0)
        for _ in range(nclusters[t]):
            size, state = _wolff_cluster(spins, M, N, thr, stack, state)
            flipped[t] += size
            clusters[t] += 1
    rngstate[0] = state
    return flipped, clusters


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _site_random32(key, k):
    """32-bit random number of site counter ``k`` in the stream that starts at ``key``:
    the top half of the (k + 1)-th output of SplitMix64 seeded with ``key`` (counter-based,
    so any site can be drawn without the ones before it)."""
    return _mix(key + np.uint64(k + 1) * _GOLDEN) >> _S32


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _pm_site(a, k, m, r, t):
    """Update site k of sublattice row ``a`` given its neighbour sum ``m`` (even, in
    [-4, 4]) and the random number ``r`` (32 bits, as int64); ``t`` holds the thresholds
    ``thr[si * 17 + m + 8]`` for si = 0, 1 and m = -4, -2, 0, 2, 4 (``t[si * 5 + m / 2 + 2]``)
    as int64. The threshold is chosen by selects instead of a table load, and the
    flip is applied arithmetically; returns 1 if flipped, else 0."""
    s = np.int64(a[k])
    pos = s > 0
    tt = t[9] if pos else t[4]
    if m == 2:
        tt = t[8] if pos else t[3]
    if m == 0:
        tt = t[7] if pos else t[2]
    if m == -2:
        tt = t[6] if pos else t[1]
    if m == -4:
        tt = t[5] if pos else t[0]
    flip = np.int64(r < tt)
    a[k] = np.int8(s - 2 * s * flip)
    return flip


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _pm_site32(a, k, m, r, t):
    """:func:`_pm_site` in 32-bit lanes: ``r`` is the draw minus 2**31, as int32, and
    ``t[j]`` the threshold minus 1 minus 2**31 (:func:`_to_i32`), so the signed
    compare ``r <= t[j]`` equals ``draw < threshold`` (valid when no threshold is 0)."""
    s = np.int32(a[k])
    pos = s > 0
    tt = t[9] if pos else t[4]
    if m == 2:
        tt = t[8] if pos else t[3]
    if m == 0:
        tt = t[7] if pos else t[2]
    if m == -2:
        tt = t[6] if pos else t[1]
    if m == -4:
        tt = t[5] if pos else t[0]
    flip = np.int32(r <= tt)
    a[k] = np.int8(s - 2 * s * flip)
    return flip


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _pm_site32_sym(a, k, m, r, t):
    """:func:`_pm_site32` when the thresholds depend on ``s * m`` only (``t[5 + j] ==
    t[4 - j]``, e.g. h = 0): half the selects."""
    s = np.int32(a[k])
    x = np.int32(s * m)  # Numba widens int32 products to int64; keep 32-bit lanes
    tt = t[9]
    if x == 2:
        tt = t[8]
    if x == 0:
        tt = t[7]
    if x == -2:
        tt = t[6]
    if x == -4:
        tt = t[5]
    flip = np.int32(r <= tt)
    a[k] = np.int8(s - 2 * s * flip)
    return flip



@nb.njit(cache=NUMBA_CACHE)
def _pm_standard_thresholds(thr):
    """Per-sweep constants of :func:`_row_pm_standard` from the 32-bit table ``thr``:
    (t, u, mode) with t the ten thresholds ``thr[si * 17 + m + 8]`` (si = 0, 1; m = -4,
    -2, 0, 2, 4) as int64, u the same as biased int32 bounds (:func:`_to_i32`), and
    mode 0 (some threshold is 0: 64-bit compares), 1 (32-bit lanes, thresholds that
    depend on s * m only, e.g. h = 0) or 2 (32-bit lanes)."""
    t = (np.int64(thr[4]), np.int64(thr[6]), np.int64(thr[8]), np.int64(thr[10]),
         np.int64(thr[12]), np.int64(thr[21]), np.int64(thr[23]), np.int64(thr[25]),
         np.int64(thr[27]), np.int64(thr[29]))
    nonzero = True
    for q in range(10):
        if t[q] == 0:
            nonzero = False
    u = (_to_i32(max(t[0], 1)), _to_i32(max(t[1], 1)), _to_i32(max(t[2], 1)),
         _to_i32(max(t[3], 1)), _to_i32(max(t[4], 1)), _to_i32(max(t[5], 1)),
         _to_i32(max(t[6], 1)), _to_i32(max(t[7], 1)), _to_i32(max(t[8], 1)),
         _to_i32(max(t[9], 1)))
    sym = True
    for q in range(5):
        if u[5 + q] != u[4 - q]:
            sym = False
    mode = 0 if not nonzero else (1 if sym else 2)
    return t, u, mode


@nb.njit(cache=NUMBA_CACHE)
def _row_pm_standard(a, up, dn, cur, shift, key, H, t, u, mode, rb, rbuf):
    """One sublattice row of the standard model (kind 0) for :func:`pm_sweeps`: the
    same draws and decisions as the generic row loop (bit-identical), written as a
    draw pass (SplitMix64 of every site counter, a loop the compiler vectorises) and an
    update pass whose inner loop has no wrap-around branch (the row's first or last
    site, whose neighbour wraps, is done apart) and no table load (thresholds chosen by
    selects). When no threshold is 0 the update pass runs in 32-bit lanes
    (:func:`_pm_site32`). ``t``, ``u``, ``mode``: :func:`_pm_standard_thresholds`.

    Returns (flips, sum of s m over the flipped sites, sum of s over them), s the spin
    before the flip and m its neighbour sum: the bond sum changes by -2 x the second,
    the spin sum by -2 x the third."""
    acc = 0
    if mode != 0:
        acc32 = np.int32(0)  # 32-bit count: keeps the update loop in 32-bit lanes
        z = key
        for k in range(H):
            # z = key + (k + 1) * golden: _site_random32(key, k) without the multiply
            z += _GOLDEN
            rb[k] = _biased32(_mix(z) >> _S32)
        sym = mode == 1
        sm32 = np.int32(0)
        ss32 = np.int32(0)
        if sym and shift == 1:
            for k in range(H - 1):
                m = np.int32(up[k] + dn[k] + cur[k] + cur[k + 1])
                sk = np.int32(a[k])
                f = _pm_site32_sym(a, k, m, rb[k], u)
                acc32 = np.int32(acc32 + f)
                sm32 = np.int32(sm32 + f * np.int32(sk * m))
                ss32 = np.int32(ss32 + f * sk)
            k = H - 1
            m = np.int32(up[k] + dn[k] + cur[k] + cur[0])
            sk = np.int32(a[k])
            f = _pm_site32_sym(a, k, m, rb[k], u)
            acc32 = np.int32(acc32 + f)
            sm32 = np.int32(sm32 + f * np.int32(sk * m))
            ss32 = np.int32(ss32 + f * sk)
        elif sym:
            m = np.int32(up[0] + dn[0] + cur[0] + cur[H - 1])
            sk = np.int32(a[0])
            f = _pm_site32_sym(a, 0, m, rb[0], u)
            acc32 = np.int32(acc32 + f)
            sm32 = np.int32(sm32 + f * np.int32(sk * m))
            ss32 = np.int32(ss32 + f * sk)
            for k in range(1, H):
                m = np.int32(up[k] + dn[k] + cur[k] + cur[k - 1])
                sk = np.int32(a[k])
                f = _pm_site32_sym(a, k, m, rb[k], u)
                acc32 = np.int32(acc32 + f)
                sm32 = np.int32(sm32 + f * np.int32(sk * m))
                ss32 = np.int32(ss32 + f * sk)
        elif shift == 1:
            for k in range(H - 1):
                m = np.int32(up[k] + dn[k] + cur[k] + cur[k + 1])
                sk = np.int32(a[k])
                f = _pm_site32(a, k, m, rb[k], u)
                acc32 = np.int32(acc32 + f)
                sm32 = np.int32(sm32 + f * np.int32(sk * m))
                ss32 = np.int32(ss32 + f * sk)
            k = H - 1
            m = np.int32(up[k] + dn[k] + cur[k] + cur[0])
            sk = np.int32(a[k])
            f = _pm_site32(a, k, m, rb[k], u)
            acc32 = np.int32(acc32 + f)
            sm32 = np.int32(sm32 + f * np.int32(sk * m))
            ss32 = np.int32(ss32 + f * sk)
        else:
            m = np.int32(up[0] + dn[0] + cur[0] + cur[H - 1])
            sk = np.int32(a[0])
            f = _pm_site32(a, 0, m, rb[0], u)
            acc32 = np.int32(acc32 + f)
            sm32 = np.int32(sm32 + f * np.int32(sk * m))
            ss32 = np.int32(ss32 + f * sk)
            for k in range(1, H):
                m = np.int32(up[k] + dn[k] + cur[k] + cur[k - 1])
                sk = np.int32(a[k])
                f = _pm_site32(a, k, m, rb[k], u)
                acc32 = np.int32(acc32 + f)
                sm32 = np.int32(sm32 + f * np.int32(sk * m))
                ss32 = np.int32(ss32 + f * sk)
        return np.int64(acc32), np.int64(sm32), np.int64(ss32)
    z = key
    for k in range(H):
        z += _GOLDEN  # key + (k + 1) * golden, as in _site_random32(key, k)
        rbuf[k] = np.int64(_mix(z) >> _S32)
    sm = 0
    ss = 0
    if shift == 1:
        for k in range(H - 1):
            m = np.int64(up[k]) + dn[k] + cur[k] + cur[k + 1]
            sk = np.int64(a[k])
            f = _pm_site(a, k, m, rbuf[k], t)
            acc += f
            sm += f * sk * m
            ss += f * sk
        k = H - 1
        m = np.int64(up[k]) + dn[k] + cur[k] + cur[0]
        sk = np.int64(a[k])
        f = _pm_site(a, k, m, rbuf[k], t)
        acc += f
        sm += f * sk * m
        ss += f * sk
    else:
        m = np.int64(up[0]) + dn[0] + cur[0] + cur[H - 1]
        sk = np.int64(a[0])
        f = _pm_site(a, 0, m, rbuf[0], t)
        acc += f
        sm += f * sk * m
        ss += f * sk
        for k in range(1, H):
            m = np.int64(up[k]) + dn[k] + cur[k] + cur[k - 1]
            sk = np.int64(a[k])
            f = _pm_site(a, k, m, rbuf[k], t)
            acc += f
            sm += f * sk * m
            ss += f * sk
    return acc, sm, ss


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _biased32(x):
    """32-bit value ``x`` (in [0, 2**32), as uint64) minus 2**31, as int32: the signed
    order of the results is the unsigned order of the inputs."""
    return np.int32(np.int64(x) - 0x80000000)


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _to_i32(tt):
    """Threshold ``tt`` in [1, 2**32] as the int32 bound of :func:`_pm_site32`."""
    return _biased32(np.uint64(tt - 1))


@nb.njit(cache=NUMBA_CACHE, parallel=True)
def pm_weights(bw_r, bw_d):
    """Bond weights of every sublattice site to its (up, down, cur[k], cur[k + shift])
    neighbours (see :func:`pm_sweeps`), shape (2, 4, M, N/2), for the bonded model."""
    M, N = bw_r.shape
    H = N // 2
    w = np.zeros((2, 4, M, H), dtype=np.int8)
    for i in nb.prange(M):
        p = i & 1
        for colour in range(2):
            off = p if colour == 0 else 1 - p
            offb = 1 - off
            shift = -1 if off == 0 else 1
            for k in range(H):
                j = 2 * k + off
                jm = j - 1 if j > 0 else N - 1
                w[colour, 0, i, k] = bw_d[i - 1 if i > 0 else M - 1, j]
                w[colour, 1, i, k] = bw_d[i, j]
                for q in range(2):
                    kk = k if q == 0 else (k + shift) % H
                    jn = 2 * kk + offb
                    w[colour, 2 + q, i, k] = bw_r[i, j] if jn == (j + 1) % N else bw_r[i, jm]
    return w


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _pm_rows(sub, colour, i, M):
    """(shift, own row, up, down, same-row neighbours) of sublattice row i of ``colour``."""
    off = (i & 1) if colour == 0 else 1 - (i & 1)
    shift = -1 if off == 0 else 1
    return (shift, sub[colour, i], sub[1 - colour, i - 1 if i > 0 else M - 1],
            sub[1 - colour, i + 1 if i < M - 1 else 0], sub[1 - colour, i])


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _pm_load_row(spins, sub, bw_r, bw_d, bonded, i):
    """Copy row i into the sublattices; (bond sum of its right and down bonds, spin sum)."""
    M, N = spins.shape
    H = N // 2
    p = i & 1
    row = spins[i]
    below = spins[i + 1 if i < M - 1 else 0]
    rb = 0
    rt = 0
    for k in range(H):
        sub[0, i, k] = row[2 * k + p]
        sub[1, i, k] = row[2 * k + 1 - p]
    if bonded:
        for j in range(N):
            s = np.int64(row[j])
            right = row[j + 1] if j < N - 1 else row[0]
            rb += s * (np.int64(bw_r[i, j]) * right + np.int64(bw_d[i, j]) * below[j])
            rt += s
    else:
        for j in range(N - 1):
            s = np.int64(row[j])
            rb += s * (np.int64(row[j + 1]) + below[j])
            rt += s
        s = np.int64(row[N - 1])
        rb += s * (np.int64(row[0]) + below[N - 1])
        rt += s
    return rb, rt


@nb.njit(cache=NUMBA_CACHE, parallel=True)
def pm_load(spins, sub, bw_r, bw_d, bonded):
    """Copy ``spins`` (M, N) into the sublattices ``sub`` (2, M, N/2) (``sub[0]``: i + j
    even) and return (bond sum W, spin sum) from the same pass: ``W = sum over bonds
    of w_ij s_i s_j`` (w = 1 for the standard model, ``bw_r``/``bw_d`` for the bonded
    one), so that the energy is ``-c W - h sum s``."""
    M = spins.shape[0]
    bonds = 0
    total = 0
    for i in nb.prange(M):
        rb, rt = _pm_load_row(spins, sub, bw_r, bw_d, bonded, i)
        bonds += rb
        total += rt
    return bonds, total


@nb.njit(cache=NUMBA_CACHE)
def first_not_pm1_int8(a):
    """Flat index of the first entry of the int8 array ``a`` (1-D) that is neither +1
    nor -1, else -1. Blocks of 4096 are screened with ``(x + 1) & ~2`` (zero exactly
    for x = +-1 in int8 arithmetic), a loop the compiler vectorises."""
    n = a.size
    for b0 in range(0, n, 4096):
        b1 = min(n, b0 + 4096)
        blk = a[b0:b1]
        bad = np.int8(0)
        for k in range(blk.size):
            bad |= np.int8(blk[k] + np.int8(1)) & np.int8(-3)
        if bad:
            for k in range(b0, b1):
                if a[k] != 1 and a[k] != -1:
                    return k
    return -1


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _pm_store_row(sub, spins, i):
    N = spins.shape[1]
    p = i & 1
    for k in range(N // 2):
        spins[i, 2 * k + p] = sub[0, i, k]
        spins[i, 2 * k + 1 - p] = sub[1, i, k]


@nb.njit(cache=NUMBA_CACHE, parallel=True)
def pm_store(sub, spins):
    """Copy the sublattices back into ``spins`` (the inverse of :func:`pm_load`)."""
    M = spins.shape[0]
    for i in nb.prange(M):
        _pm_store_row(sub, spins, i)


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _pm_row(sub, w, bonded, colour, i, thr, t, u, mode, key, r32, r64):
    """Update row i of sublattice ``colour``; returns (flips, sum of s m over them, sum
    of s over them), s the spin before the flip and m its (weighted) neighbour sum."""
    M = sub.shape[1]
    H = sub.shape[2]
    shift, a, up, dn, cur = _pm_rows(sub, colour, i, M)
    if not bonded:
        return _row_pm_standard(a, up, dn, cur, shift, key, H, t, u, mode, r32, r64)
    acc = 0
    sm = 0
    ss = 0
    for k in range(H):
        kk = k + shift
        if kk < 0:
            kk = H - 1
        elif kk >= H:
            kk = 0
        s = np.int64(a[k])
        m = (np.int64(w[colour, 0, i, k]) * up[k] + np.int64(w[colour, 1, i, k]) * dn[k]
             + np.int64(w[colour, 2, i, k]) * cur[k]
             + np.int64(w[colour, 3, i, k]) * cur[kk])
        tt = thr[((s + 1) >> 1) * 17 + m + 8]
        flip = np.int64(_site_random32(key, k) < tt)
        a[k] = np.int8(s - 2 * s * flip)
        acc += flip
        sm += flip * s * m
        ss += flip * s
    return acc, sm, ss


@nb.njit(cache=NUMBA_CACHE, parallel=True)
def pm_sweeps(sub, w, bonded, c, h, heatbath, betas, sweep0, seed, track):
    """Sublattice sweeps of kinds 0 (``bonded=False``) and 1 on the sublattice arrays of
    :func:`pm_load` (the fast path of :func:`checkerboard_sweeps` on even sides).

    Row i of sublattice ``colour`` is contiguous: its site k has the neighbours k of
    rows i - 1, i, i + 1 of the other sublattice and k + shift of row i (shift = -1 or
    +1 by colour and row parity). The inner loop is branch-free: one 32-bit random
    number per site (``_site_random32``: SplitMix64 output for the site counter in the
    stream of (seed, sweep, colour, row)), accepted when it falls below the tabulated
    threshold (in units of 2**-32; 2**32 = always). The result is independent of the
    number of threads. ``track[t]`` receives (accepted flips, change of the bond sum W,
    change of the spin sum) of sweep t, counted as the flips happen (no extra pass).
    """
    M = sub.shape[1]
    H = sub.shape[2]
    thr = np.empty(TABLE_SIZE, dtype=np.uint64)
    # per-row draw buffers of the standard-model row update (one row per prange task)
    scratch32 = np.empty((1 if bonded else M, H), dtype=np.int32)
    scratch64 = np.empty((1 if bonded else M, H), dtype=np.int64)
    for t in range(betas.size):
        build_table(1 if bonded else 0, betas[t], c, h, heatbath, thr)
        for q in range(TABLE_SIZE):
            thr[q] = thr[q] >> np.uint64(21)  # 53-bit -> 32-bit thresholds (FULL -> 2**32)
        t6, u6, mode = _pm_standard_thresholds(thr)
        total = 0
        dsm = 0
        dss = 0
        for colour in range(2):
            for i in nb.prange(M):
                key = _stream_key(seed, sweep0 + t, colour, i)
                r = i - i if bonded else i  # (0 typed like i)
                acc, sm, ss = _pm_row(sub, w, bonded, colour, i, thr, t6, u6, mode, key,
                                      scratch32[r], scratch64[r])
                total += acc
                dsm += sm
                dss += ss
        track[t, 0] = total
        track[t, 1] = -2 * dsm
        track[t, 2] = -2 * dss


def checkerboard_sweeps_pm(spins, bonded, c, h, bw_r, bw_d, heatbath, betas, sweep0, seed):
    """Load, sweep and store in one call (:func:`pm_load`, :func:`pm_sweeps`,
    :func:`pm_store`): ``betas.size`` sweeps of ``spins`` in place; returns the accepted
    flips per sweep. :func:`infopix.ising.simulate` keeps the sublattices between
    calls instead."""
    M, N = spins.shape
    sub = np.empty((2, M, N // 2), dtype=np.int8)
    w = pm_weights(bw_r, bw_d) if bonded else np.zeros((2, 4, 1, 1), dtype=np.int8)
    pm_load(spins, sub, bw_r, bw_d, bonded)
    track = np.empty((betas.size, 3), dtype=np.int64)
    pm_sweeps(sub, w, bonded, c, h, heatbath, betas, sweep0, seed, track)
    pm_store(sub, spins)
    return track[:, 0].copy()


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _sg(a, c9):
    """sign(2a - c9)."""
    x = 2 * np.int64(a) - c9
    return np.int64(x > 0) - np.int64(x < 0)


@nb.njit(cache=NUMBA_CACHE, parallel=True)
def checkerboard_sweeps_metric(spins, init, blocks, symmetric, heatbath, betas, sweep0, seed, sr):
    """Fast path of :func:`checkerboard_sweeps` for the metric model (kind 3).

    Row classes ``i % sr`` (``sr >= 3``), rows of a class in parallel, each row site by
    site; one 32-bit random number per site (``_site_random32``), thresholds in units of
    2**-32 as in :func:`checkerboard_sweeps_pm`. ``blocks`` (the 3x3 agreement counts)
    is updated in place. Returns the accepted flips per sweep.
    """
    M, N = spins.shape
    nsweeps = betas.size
    accepted = np.zeros(nsweeps, dtype=np.int64)
    thr = np.empty(TABLE_SIZE, dtype=np.uint64)
    for t in range(nsweeps):
        build_table(3, betas[t], 0.0, 0.0, heatbath, thr)
        for q in range(TABLE_SIZE):
            thr[q] = thr[q] >> np.uint64(21)
        total = 0
        for colour in range(sr):
            nrows = (M - colour + sr - 1) // sr
            for qq in nb.prange(nrows):
                i = colour + qq * sr
                im = i - 1 if i > 0 else M - 1
                ip = i + 1 if i < M - 1 else 0
                bm = blocks[im]
                b0 = blocks[i]
                bp = blocks[ip]
                row = spins[i]
                irow = init[i]
                key = _stream_key(seed, sweep0 + t, colour, i)
                acc = 0
                for j in range(N):
                    jm = j - 1 if j > 0 else N - 1
                    jp = j + 1 if j < N - 1 else 0
                    d = 1 - 2 * np.int64(row[j] == irow[j])
                    if symmetric:
                        # _sym_term(a, d) = -2 d sign(2a - 9 + d) (2a - 9 is odd)
                        c9 = 9 - d
                        z = (_sg(bm[jm], c9) + _sg(bm[j], c9) + _sg(bm[jp], c9)
                             + _sg(b0[jm], c9) + _sg(b0[j], c9) + _sg(b0[jp], c9)
                             + _sg(bp[jm], c9) + _sg(bp[j], c9) + _sg(bp[jp], c9))
                        m = -2 * d * z
                    else:
                        m = -9 * d
                    if _site_random32(key, j) < thr[m + 18]:
                        dd = np.int8(d)
                        bm[jm] += dd
                        bm[j] += dd
                        bm[jp] += dd
                        b0[jm] += dd
                        b0[j] += dd
                        b0[jp] += dd
                        bp[jm] += dd
                        bp[j] += dd
                        bp[jp] += dd
                        row[j] = -row[j]
                        acc += 1
                total += acc
        accepted[t] = total
    return accepted


@nb.njit(cache=NUMBA_CACHE)
def energy_and_sum(spins, kind, c, h, bw_r, bw_d, mag, init, symmetric):
    """(total energy, sum of the spins s = sigma * mag) of a configuration, from scratch."""
    M, N = spins.shape
    e = 0.0
    total = 0.0
    for i in range(M):
        ip = i + 1 if i < M - 1 else 0
        for j in range(N):
            jp = j + 1 if j < N - 1 else 0
            s = np.int64(spins[i, j])
            if kind == 0:
                e -= c * s * (np.int64(spins[i, jp]) + spins[ip, j]) + h * s
                total += s
            elif kind == 1:
                e -= c * s * (np.int64(bw_r[i, j]) * spins[i, jp] + np.int64(bw_d[i, j]) * spins[ip, j])
                e -= h * s
                total += s
            elif kind == 2:
                x = s * mag[i, j]
                e += abs(x - spins[i, jp] * mag[i, jp]) + abs(x - spins[ip, j] * mag[ip, j])
                total += x
            else:
                a = 0
                for di in range(-1, 2):
                    r = (i + di) % M
                    for dj in range(-1, 2):
                        q = (j + dj) % N
                        if spins[r, q] == init[r, q]:
                            a += 1
                e += (-abs(2 * a - 9) if symmetric else -a) / 9.0
                total += s
    return e, total
