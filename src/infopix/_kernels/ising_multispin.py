"""Multispin-coded checkerboard sweeps of the standard Ising model: 64 spins per uint64.

Layout ("strips"). An (M, N) lattice with M = 64 h rows (h even) is cut into 64
horizontal strips of h rows each; bit b of a word holds a spin of strip b, so the word
of (i, j), 0 <= i < h, holds the spins (i + b h, j), b = 0..63 (bit 1 = spin +1). As in
the byte kernel's sublattices, the words of the two checkerboard colours are stored
apart: ``words[c, i, k]`` is column ``j = 2k + off`` with ``off = i & 1`` for colour 0
(i + j even) and ``1 - (i & 1)`` for colour 1. Because h is even, all 64 spins of a
word have the same colour (i + b h + j = i + j mod 2), and the neighbours of word
``words[c, i, k]`` are whole words of the other colour: ``k`` of rows i - 1, i, i + 1
and ``k + shift`` of row i (shift = -1 if off = 0, else +1), the same bit in each (no
shifts), except across a strip boundary: the up neighbour of row 0 is row h - 1 of
the previous strip, i.e. that word rotated left by one bit, and the down neighbour of
row h - 1 is row 0 rotated right by one bit. Without these rotations
(``replicas=True``) the words hold 64 independent h x N tori, one per bit (used to test
the kernel against exact enumeration of a small torus).

Update of one word (64 spins of one colour). With x_n = s XOR neighbour_n (1 where
anti-aligned), the number of anti-aligned neighbours k = x_1 + x_2 + x_3 + x_4 (0..4) is
formed bitwise by half adders into three bit planes (k0, k1, k2). For a spin s with k
anti-aligned neighbours the energy change of a flip is dE = 2 s (J m + h) with
m = s (4 - 2k); the acceptance probability p(s, k) comes from the byte kernel's table
(:func:`infopix._kernels.ising.build_table`: Metropolis with 1/2 at dE = 0, or heat
bath), as a 32-bit threshold T = floor(p 2**53) >> 21 in [0, 2**32]: the multispin and
byte kernels run the same Markov chain, only the random numbers differ. Lanes with
T = 2**32 flip, lanes with T = 0 do not; each other lane flips when a 32-bit uniform U
(its own bits of successive random words) is below its T: the comparison U < T runs
bit-sliced from the most significant bit, all 64 lanes at once (a lane is decided at
the first bit where U and T differ), so P(flip) = T / 2**32 exactly, the byte
kernel's precision. The first D0 = 10 bits are compared for every word of a row in a
branch-free loop (which the compiler vectorises across words); a lane is still
undecided after them with probability 2**-10, and the few words with such lanes
(~6 %) finish the comparison, up to bit 32, in a scalar pass.

Randomness: counter-based SplitMix64 keyed by (seed, sweep, colour, row) as in the
byte kernel (colour tags 2 and 3, so the streams differ from the byte kernel's); word
k of a row uses the counters k D0 + 1 .. k D0 + D0 of the row's key in the first pass
and 32 k + D0 + 1 .. of a second key in the scalar pass, so every draw is fixed by
(seed, sweep, colour, row, word, bit) and the result does not depend on the number of
threads.

The kernel counts, as spins flip, the accepted flips, the change of the bond sum
W = sum over bonds of s s' (a flip with k anti-aligned neighbours changes it by
4k - 8) and of the spin sum (-2 s), so a run needs no energy pass.
"""

from __future__ import annotations

import numba as nb
import numpy as np
from numba import types
from numba.extending import intrinsic

from .._config import NUMBA_CACHE
from .ising import _GOLDEN, TABLE_SIZE, _mix, _stream_key, build_table

_ONE = np.uint64(1)
_ALL = np.uint64(0xFFFFFFFFFFFFFFFF)
_S1 = np.uint64(1)
_S21 = np.uint64(21)
_S63 = np.uint64(63)
_T32 = np.uint64(1 << 32)


@intrinsic
def _popcount(typingctx, x):
    """Number of set bits of a uint64 (LLVM ``ctpop``)."""
    if not isinstance(x, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])

    return types.uint64(types.uint64), codegen


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _rotl1(w):
    return (w << _S1) | (w >> _S63)


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _rotr1(w):
    return (w >> _S1) | (w << _S63)


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _ksum(f, k0, k1, k2):
    """Sum of k = k0 + 2 k1 + 4 k2 over the lanes of the mask f."""
    return (np.int64(_popcount(f & k0)) + 2 * np.int64(_popcount(f & k1))
            + 4 * np.int64(_popcount(f & k2)))


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _planes(s, n1, n2, n3, n4):
    """Bit planes (k0, k1, k2) of the number of the 4 neighbours anti-aligned with s."""
    x1 = s ^ n1
    x2 = s ^ n2
    x3 = s ^ n3
    x4 = s ^ n4
    a = x1 ^ x2
    ca = x1 & x2
    b = x3 ^ x4
    cb = x3 & x4
    k0 = a ^ b
    c = a & b
    k1 = ca ^ cb ^ c
    k2 = ca & cb  # k = 4 only when both pairs are anti-aligned (then c = 0)
    return k0, k1, k2


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _rows(words, colour, i, replicas):
    """(shift, own row, up row, down row, same-row neighbours, rotate up, rotate down)."""
    h = words.shape[1]
    off = (i & 1) if colour == 0 else 1 - (i & 1)
    shift = -1 if off == 0 else 1
    other = 1 - colour
    up = words[other, i - 1 if i > 0 else h - 1]
    dn = words[other, i + 1 if i < h - 1 else 0]
    rot_up = (i == 0) and not replicas
    rot_dn = (i == h - 1) and not replicas
    return shift, words[colour, i], up, dn, words[other, i], rot_up, rot_dn


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _neighbours(up, dn, cur, k, shift, H, rot_up, rot_dn):
    kk = k + shift
    if kk < 0:
        kk = H - 1
    elif kk >= H:
        kk = 0
    u = up[k]
    if rot_up:
        u = _rotl1(u)
    d = dn[k]
    if rot_dn:
        d = _rotr1(d)
    return u, d, cur[k], cur[kk]


@nb.njit(cache=NUMBA_CACHE, parallel=True)
def pack(spins3, words):
    """Pack ``spins3`` (64, h, N) int8 ±1 (strip or replica b in the first axis) into
    ``words`` (2, h, N/2) uint64 (see the module's layout)."""
    _, h, N = spins3.shape
    H = N // 2
    for i in nb.prange(h):
        p = i & 1
        w0 = words[0, i]
        w1 = words[1, i]
        for k in range(H):
            w0[k] = 0
            w1[k] = 0
        for b in range(64):
            row = spins3[b, i]
            sb = np.uint64(b)
            for k in range(H):
                w0[k] |= np.uint64(row[2 * k + p] > 0) << sb
                w1[k] |= np.uint64(row[2 * k + 1 - p] > 0) << sb


@nb.njit(cache=NUMBA_CACHE, parallel=True)
def unpack(words, spins3):
    """Inverse of :func:`pack`: write ``words`` into ``spins3`` (64, h, N) int8."""
    _, h, N = spins3.shape
    H = N // 2
    for i in nb.prange(h):
        p = i & 1
        w0 = words[0, i]
        w1 = words[1, i]
        for b in range(64):
            row = spins3[b, i]
            sb = np.uint64(b)
            for k in range(H):
                row[2 * k + p] = np.int8(2 * np.int64((w0[k] >> sb) & _ONE) - 1)
                row[2 * k + 1 - p] = np.int8(2 * np.int64((w1[k] >> sb) & _ONE) - 1)


@nb.njit(cache=NUMBA_CACHE)
def anti_planes(words, colour, replicas):
    """The bit planes (3, h, N/2) of the number of anti-aligned neighbours of every
    spin of ``colour`` (for tests)."""
    _, h, H = words.shape
    out = np.empty((3, h, H), dtype=np.uint64)
    for i in range(h):
        shift, a, up, dn, cur, rot_up, rot_dn = _rows(words, colour, i, replicas)
        for k in range(H):
            u, d, l, r = _neighbours(up, dn, cur, k, shift, H, rot_up, rot_dn)
            k0, k1, k2 = _planes(a[k], u, d, l, r)
            out[0, i, k] = k0
            out[1, i, k] = k1
            out[2, i, k] = k2
    return out


@nb.njit(cache=NUMBA_CACHE, parallel=True)
def sums(words, replicas):
    """(bond sum W = sum over bonds of s s', spin sum) of the packed configuration
    (over all 64 bits: the lattice, or the 64 replicas together). Every bond joins a
    colour-0 and a colour-1 site, so W = sum over colour-0 sites of (4 - 2k)."""
    _, h, H = words.shape
    anti = 0
    ones = 0
    for i in nb.prange(h):
        shift, a, up, dn, cur, rot_up, rot_dn = _rows(words, 0, i, replicas)
        ra = 0
        ro = 0
        for k in range(H):
            u, d, l, r = _neighbours(up, dn, cur, k, shift, H, rot_up, rot_dn)
            k0, k1, k2 = _planes(a[k], u, d, l, r)
            ra += _ksum(_ALL, k0, k1, k2)
            ro += np.int64(_popcount(a[k])) + np.int64(_popcount(cur[k]))
        anti += ra
        ones += ro
    n0 = 64 * h * H  # sites per colour
    return 4 * n0 - 2 * anti, 2 * ones - 2 * n0


#: bits of the comparison U < T done for every word in the vectorised pass; lanes still
#: undecided after them (probability 2**-D0 each) continue in a scalar pass
D0 = 10


@nb.njit(cache=NUMBA_CACHE)
def _tables(beta, c, h, heatbath, tab):
    """Per-sweep constants from the byte kernel's table, in ``tab`` (2, 34, 5) uint64:
    for spin si (0: -1, 1: +1) and k anti-aligned neighbours, ``tab[si, 0, k]`` is
    all-ones where the 32-bit threshold is 2**32 (always flip), ``tab[si, 1, k]`` where
    it is strictly between 0 and 2**32 (draw), ``tab[si, 2 + n, k]`` where its bit
    31 - n is set. Returns True when the thresholds do not depend on the spin (h = 0)."""
    thr = np.empty(TABLE_SIZE, dtype=np.uint64)
    build_table(0, beta, c, h, heatbath, thr)
    sym = True
    tk = np.empty((2, 5), dtype=np.uint64)
    for si in range(2):
        sgn = 2 * si - 1
        for k in range(5):
            m = sgn * (4 - 2 * k)
            t = thr[si * 17 + m + 8] >> _S21  # 53-bit -> 32-bit (FULL -> 2**32)
            tk[si, k] = t
            tab[si, 0, k] = _ALL if t >= _T32 else np.uint64(0)
            tab[si, 1, k] = _ALL if (t > 0 and t < _T32) else np.uint64(0)
            for n in range(32):
                tab[si, 2 + n, k] = _ALL if (t >> np.uint64(31 - n)) & _ONE else np.uint64(0)
    for k in range(5):
        if tk[0, k] != tk[1, k]:
            sym = False
    return sym


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _select(c0, c1, c2, c3, c4, t, si, q):
    """OR of the class masks c_k where the all-ones/zero table entry t[si, q, k] is set."""
    return ((c0 & t[si, q, 0]) | (c1 & t[si, q, 1]) | (c2 & t[si, q, 2]) | (c3 & t[si, q, 3])
            | (c4 & t[si, q, 4]))


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _classes(s, u, d, l, r):
    k0, k1, k2 = _planes(s, u, d, l, r)
    return k0, k1, k2, ~(k2 | k1 | k0), k0 & ~k1, k1 & ~k0, k1 & k0, k2


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _word(a, ud, k, u, d, l, r, z, tab, sym):
    """First pass over word k: flip the lanes that always flip and those decided by
    the first D0 bits of the comparison (random words ``_mix(z + (n + 1) golden)``);
    store the still undecided lanes in ``ud[k]``. Returns (flips, sum of k, flipped +1)."""
    s = a[k]
    ns = ~s
    k0, k1, k2, c0, c1, c2, c3, c4 = _classes(s, u, d, l, r)
    lt = np.uint64(0)
    if sym:
        sur = _select(c0, c1, c2, c3, c4, tab, 1, 0)
        und = _select(c0, c1, c2, c3, c4, tab, 1, 1)
        for n in range(D0):
            z += _GOLDEN
            rw = _mix(z)
            pb = _select(c0, c1, c2, c3, c4, tab, 1, 2 + n)
            lt |= und & pb & ~rw  # U's bit 0 where T's is 1: U < T
            und &= ~(pb ^ rw)  # still equal so far
    else:
        return _word10(a, ud, ud, k, u, d, l, r, z, tab, 0, D0, True, True)
    f = sur | lt
    a[k] = s ^ f
    ud[k] = und
    return (np.int64(_popcount(f)),
            _ksum(f, k0, k1, k2),
            np.int64(_popcount(f & s)))


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _word10(a, ud, lts, k, u, d, l, r, z, tab, n0, n1, first, last):
    """:func:`_word` with ten (spin, k) classes (h != 0), bits n0..n1 - 1 of the
    comparison only: the first call (``first``) starts it, a later one (``last``)
    flips; in between the partial result waits in ``lts[k]`` and ``ud[k]`` (a row's
    words are done in two vectorised loops of D0 / 2 bits each: with all ten classes
    in one loop the compiler does not vectorise it). The random words are those of
    :func:`_word`. Returns as :func:`_word` (zeros unless ``last``)."""
    s = a[k]
    ns = ~s
    k0, k1, k2, c0, c1, c2, c3, c4 = _classes(s, u, d, l, r)
    p0, p1, p2, p3, p4 = c0 & s, c1 & s, c2 & s, c3 & s, c4 & s
    m0, m1, m2, m3, m4 = c0 & ns, c1 & ns, c2 & ns, c3 & ns, c4 & ns
    if first:
        lt = _select(p0, p1, p2, p3, p4, tab, 1, 0) | _select(m0, m1, m2, m3, m4, tab, 0, 0)
        und = _select(p0, p1, p2, p3, p4, tab, 1, 1) | _select(m0, m1, m2, m3, m4, tab, 0, 1)
    else:
        lt = lts[k]
        und = ud[k]
    z += np.uint64(n0) * _GOLDEN
    for n in range(n0, n1):
        z += _GOLDEN
        rw = _mix(z)
        pb = (_select(p0, p1, p2, p3, p4, tab, 1, 2 + n)
              | _select(m0, m1, m2, m3, m4, tab, 0, 2 + n))
        lt |= und & pb & ~rw
        und &= ~(pb ^ rw)
    ud[k] = und
    if not last:
        lts[k] = lt
        return np.int64(0), np.int64(0), np.int64(0)
    a[k] = s ^ lt
    return (np.int64(_popcount(lt)),
            _ksum(lt, k0, k1, k2),
            np.int64(_popcount(lt & s)))


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _finish(a, k, u, d, l, r, und, z, tab):
    """Scalar second pass for the lanes ``und`` of word k left undecided by :func:`_word`
    (their spins and neighbours are unchanged): bits D0..31 of the comparison from the
    random words ``_mix(z + (n + 1) golden)``. Returns as :func:`_word`."""
    s = a[k]
    ns = ~s
    k0, k1, k2, c0, c1, c2, c3, c4 = _classes(s, u, d, l, r)
    lt = np.uint64(0)
    n = D0
    while und != 0 and n < 32:
        z += _GOLDEN
        rw = _mix(z)
        pb = ((s & _select(c0, c1, c2, c3, c4, tab, 1, 2 + n))
              | (ns & _select(c0, c1, c2, c3, c4, tab, 0, 2 + n)))
        lt |= und & pb & ~rw
        und &= ~(pb ^ rw)
        n += 1
    a[k] = s ^ lt
    return (np.int64(_popcount(lt)),
            _ksum(lt, k0, k1, k2),
            np.int64(_popcount(lt & s)))


@nb.njit(cache=NUMBA_CACHE)
def _row(a, up, dn, cur, shift, H, key, sym, tab, ud, lts):
    """Update one row of 64-spin words (``up``/``dn`` already rotated at strip
    boundaries); returns (flips, sum of k over them, number of flipped +1 spins).
    Word k draws the random words of counters k D0 + 1 .. k D0 + D0 of the row's
    stream ``key`` in the first pass and 32 k + D0 + 1 .. of the stream ``_mix(~key)``
    in the second, so the result depends only on (seed, sweep, colour, row, k)."""
    acc = 0
    ksum = 0
    plus = 0
    step = np.uint64(D0) * _GOLDEN
    # the word whose same-row neighbour wraps around is done apart: no branch in the loop
    lo = 1 if shift < 0 else 0
    hi = H if shift < 0 else H - 1
    if sym:
        for k in range(lo, hi):
            f, ks, pl = _word(a, ud, k, up[k], dn[k], cur[k], cur[k + shift],
                              key + np.uint64(k) * step, tab, True)
            acc += f
            ksum += ks
            plus += pl
    else:
        half = D0 // 2
        for k in range(lo, hi):
            _word10(a, ud, lts, k, up[k], dn[k], cur[k], cur[k + shift],
                    key + np.uint64(k) * step, tab, 0, half, True, False)
        for k in range(lo, hi):
            f, ks, pl = _word10(a, ud, lts, k, up[k], dn[k], cur[k], cur[k + shift],
                                key + np.uint64(k) * step, tab, half, D0, False, True)
            acc += f
            ksum += ks
            plus += pl
    k = 0 if shift < 0 else H - 1
    f, ks, pl = _word(a, ud, k, up[k], dn[k], cur[k], cur[H - 1 - k],
                      key + np.uint64(k) * step, tab, False)
    acc += f
    ksum += ks
    plus += pl
    key2 = _mix(~key)
    for k in range(H):
        if ud[k] != 0:
            kk = k + shift
            if kk < 0:
                kk = H - 1
            elif kk >= H:
                kk = 0
            f, ks, pl = _finish(a, k, up[k], dn[k], cur[k], cur[kk], ud[k],
                                key2 + np.uint64(32 * k + D0) * _GOLDEN, tab)
            acc += f
            ksum += ks
            plus += pl
    return acc, ksum, plus


@nb.njit(inline="always", cache=NUMBA_CACHE)
def _rotated(row, left):
    out = np.empty_like(row)
    for k in range(row.size):
        out[k] = _rotl1(row[k]) if left else _rotr1(row[k])
    return out


@nb.njit(cache=NUMBA_CACHE, parallel=True)
def sweeps(words, c, h, heatbath, betas, sweep0, seed, replicas, track):
    """``betas.size`` checkerboard sweeps of the packed standard model (coupling c = J,
    field h) in place. ``track[t]`` receives (accepted flips, change of the bond sum W,
    change of the spin sum) of sweep t; the energy is ``-c W - h S``. Rows of a colour
    in parallel (``prange``); the result does not depend on the number of threads."""
    _, hh, H = words.shape
    tab = np.empty((2, 34, 5), dtype=np.uint64)
    ud = np.empty((hh, H), dtype=np.uint64)
    lts = np.empty((hh, H), dtype=np.uint64)
    for t in range(betas.size):
        sym = _tables(betas[t], c, h, heatbath, tab)
        total = 0
        ks = 0
        pl = 0
        for colour in range(2):
            for i in nb.prange(hh):
                shift, a, up, dn, cur, rot_up, rot_dn = _rows(words, colour, i, replicas)
                if rot_up:
                    up = _rotated(up, True)
                if rot_dn:
                    dn = _rotated(dn, False)
                key = _stream_key(seed, sweep0 + t, colour + 2, i)
                acc, ksum, plus = _row(a, up, dn, cur, shift, H, key, sym, tab, ud[i], lts[i])
                total += acc
                ks += ksum
                pl += plus
        track[t, 0] = total
        track[t, 1] = 4 * ks - 8 * total
        track[t, 2] = -2 * (2 * pl - total)
