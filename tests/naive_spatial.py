"""Plain-Python loop references for infopix.spatial (slow, obviously correct).

Patterns are collected as tuples in a dict; entropies are plug-in sums over the dict.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np


def plugin_entropy(counter: Counter, base: float = 2.0) -> float:
    """-sum p log p over the observed outcomes of a Counter."""
    n = sum(counter.values())
    return -sum(c / n * math.log(c / n) for c in counter.values()) / math.log(base)


def pattern_counter(image, offsets) -> Counter:
    """Counts of the tuples (image[y + dy, x + dx] for (dy, dx) in offsets) over every
    anchor (y, x) for which all the pixels are inside the image."""
    M, N = len(image), len(image[0])
    out = Counter()
    for y in range(M):
        for x in range(N):
            pix = []
            for dy, dx in offsets:
                yy, xx = y + dy, x + dx
                if not (0 <= yy < M and 0 <= xx < N):
                    break
                pix.append(image[yy][xx])
            else:
                out[tuple(pix)] += 1
    return out


def pair_entropy(image, offset, base=2.0) -> float:
    return plugin_entropy(pattern_counter(image, [(0, 0), tuple(offset)]), base)


def mutual_information(image, offset, base=2.0) -> float:
    pairs = pattern_counter(image, [(0, 0), tuple(offset)])
    first, second = Counter(), Counter()
    for (a, b), c in pairs.items():
        first[a] += c
        second[b] += c
    return plugin_entropy(first, base) + plugin_entropy(second, base) - plugin_entropy(pairs, base)


def conditional_entropy(image, neighbours, base=2.0) -> float:
    """H(X0, X_nb) - H(X_nb) on the anchors where the pixel and all neighbours fit."""
    joint = pattern_counter(image, [(0, 0)] + [tuple(o) for o in neighbours])
    ctx = Counter()
    for key, c in joint.items():
        ctx[key[1:]] += c
    return plugin_entropy(joint, base) - plugin_entropy(ctx, base)


def block_entropy(image, rows, cols, base=2.0) -> float:
    offsets = [(a, b) for a in range(rows) for b in range(cols)]
    return plugin_entropy(pattern_counter(image, offsets), base)


def hilbert_d2xy(n: int, d: int) -> tuple[int, int]:
    """(x, y) of the d-th cell of the Hilbert curve on an n x n grid (n a power of 2);
    the classic iterative conversion."""
    x = y = 0
    t = d
    s = 1
    while s < n:
        rx = 1 & (t // 2)
        ry = 1 & (t ^ rx)
        if ry == 0:
            if rx == 1:
                x = s - 1 - x
                y = s - 1 - y
            x, y = y, x
        x += s * rx
        y += s * ry
        t //= 4
        s *= 2
    return x, y


def lz77_phrases(seq, window) -> int:
    """Greedy LZ77 phrase count: longest match starting in the last ``window`` symbols
    (may overlap the current position), always followed by one literal."""
    n = len(seq)
    i = phrases = 0
    while i < n:
        best = 0
        for j in range(max(0, i - window), i):
            m = 0
            while i + m < n - 1 and seq[j + m] == seq[i + m]:
                m += 1
            best = max(best, m)
        i += best + 1
        phrases += 1
    return phrases


def hilbert_order_argsort(M: int, N: int) -> np.ndarray:
    """Flat pixel indices of an M x N image in Hilbert order: the curve index of every
    pixel (vectorised ``xy2d`` on the enclosing power-of-two square), then a stable
    argsort. The library's implementation until the compiled walk replaced it (issue 19)."""
    n = 1
    while n < max(M, N):
        n *= 2
    y, x = np.divmod(np.arange(M * N, dtype=np.int64), N)
    d = np.zeros(M * N, dtype=np.int64)
    s = n // 2
    while s > 0:
        rx = (x & s) > 0
        ry = (y & s) > 0
        d += s * s * ((3 * rx.astype(np.int64)) ^ ry.astype(np.int64))
        flip = ~ry & rx
        x = np.where(flip, s - 1 - x, x)
        y = np.where(flip, s - 1 - y, y)
        swap = ~ry
        x, y = np.where(swap, y, x), np.where(swap, x, y)
        x &= s - 1
        y &= s - 1
        s //= 2
    return np.argsort(d, kind="stable")


def pack_symbols(seq, bits: int) -> bytes:
    """Symbols written as ``bits``-bit fields, most significant first, into a string of
    bits cut into bytes (the last padded with zeros): a loop over a '0'/'1' string."""
    s = "".join(format(int(c), f"0{bits}b") for c in seq)
    s += "0" * (-len(s) % 8)
    return bytes(int(s[i:i + 8], 2) for i in range(0, len(s), 8))


def hilbert_skilling_axes(d: int, bits: int, n: int) -> list[int]:
    """Coordinates (X[0], ..., X[n-1]) of the ``d``-th cell of the n-D Hilbert curve on
    a (2**bits)**n grid: J. Skilling, "Programming the Hilbert curve", AIP Conf. Proc.
    707, 381 (2004), ``TransposetoAxes`` transcribed loop for loop, after spreading the
    bits of d into the transposed form (bit j from the top goes to X[j % n])."""
    X = [0] * n
    for j in range(bits * n):
        bit = (d >> (bits * n - 1 - j)) & 1
        X[j % n] |= bit << (bits - 1 - j // n)
    N = 2 << (bits - 1)
    t = X[n - 1] >> 1  # Gray decode by H ^ (H / 2)
    for i in range(n - 1, 0, -1):
        X[i] ^= X[i - 1]
    X[0] ^= t
    Q = 2
    while Q != N:  # undo excess work
        P = Q - 1
        for i in range(n - 1, -1, -1):
            if X[i] & Q:
                X[0] ^= P  # invert
            else:
                t = (X[0] ^ X[i]) & P  # exchange
                X[0] ^= t
                X[i] ^= t
        Q <<= 1
    return X


# ---------------------------------------------------------------- volumes (Z, Y, X)


def pattern_counter_3d(volume, offsets) -> Counter:
    """Counts of the tuples (volume[z + dz][y + dy][x + dx] for (dz, dy, dx) in offsets)
    over every anchor (z, y, x) for which all the voxels are inside the volume."""
    Z, M, N = len(volume), len(volume[0]), len(volume[0][0])
    out = Counter()
    for z in range(Z):
        for y in range(M):
            for x in range(N):
                pix = []
                for dz, dy, dx in offsets:
                    zz, yy, xx = z + dz, y + dy, x + dx
                    if not (0 <= zz < Z and 0 <= yy < M and 0 <= xx < N):
                        break
                    pix.append(volume[zz][yy][xx])
                else:
                    out[tuple(pix)] += 1
    return out


def pair_entropy_3d(volume, offset, base=2.0) -> float:
    return plugin_entropy(pattern_counter_3d(volume, [(0, 0, 0), tuple(offset)]), base)


def mutual_information_3d(volume, offset, base=2.0) -> float:
    pairs = pattern_counter_3d(volume, [(0, 0, 0), tuple(offset)])
    first, second = Counter(), Counter()
    for (a, b), c in pairs.items():
        first[a] += c
        second[b] += c
    return plugin_entropy(first, base) + plugin_entropy(second, base) - plugin_entropy(pairs, base)


def conditional_entropy_3d(volume, neighbours, base=2.0) -> float:
    joint = pattern_counter_3d(volume, [(0, 0, 0)] + [tuple(o) for o in neighbours])
    ctx = Counter()
    for key, c in joint.items():
        ctx[key[1:]] += c
    return plugin_entropy(joint, base) - plugin_entropy(ctx, base)


def block_entropy_3d(volume, depth, rows, cols, base=2.0) -> float:
    offsets = [(a, b, c) for a in range(depth) for b in range(rows) for c in range(cols)]
    return plugin_entropy(pattern_counter_3d(volume, offsets), base)


def boundary_neighbours(k, ndim):
    """The k nearest scanned offsets with a face neighbour not yet scanned (raster
    order), by brute force over a cube: ordered by distance, then -dz, -dy, dx."""
    import itertools

    def past(o):
        for c in o:
            if c:
                return c < 0
        return False

    r = k + 2
    cand = []
    for o in itertools.product(range(-r, r + 1), repeat=ndim):
        if not past(o):
            continue
        nbrs = [tuple(c + (i == j) * s for j, c in enumerate(o)) for i in range(ndim) for s in (-1, 1)]
        if any(not past(n) for n in nbrs):
            cand.append(o)
    cand.sort(key=lambda o: (sum(c * c for c in o),) + tuple(-c for c in o[:-1]) + (o[-1],))
    return cand[:k]
