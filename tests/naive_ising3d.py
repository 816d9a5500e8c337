"""Plain-Python references for the 3-D Ising kernels (``infopix._kernels.ising3d``)."""

from __future__ import annotations

import math

import numpy as np

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
K1, K2, K3 = 0xD1B54A32D192ED03, 0xABC98388FB8FAC03, 0x8CB92BA72F3D8DD7


def mix(z):
    """SplitMix64's output function on a Python int (64-bit wrap-around)."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def stream_key(seed, sweep, colour, row):
    z = mix(seed ^ ((sweep * K1) & MASK))
    return mix(z ^ ((colour * K2) & MASK) ^ ((row * K3) & MASK))


def energy(s, J=1.0, h=0.0):
    """E = -J sum_i sum_d s_i s_{i + e_d} - h sum_i s_i (periodic; a length-2 axis
    bonds each pair twice, as ``np.roll`` does)."""
    s = s.astype(np.int64)
    bonds = sum(int(np.sum(s * np.roll(s, -1, axis=a))) for a in range(3))
    return -J * bonds - h * int(s.sum())


def checkerboard_sweep(s, T, seed, sweep, J=1.0, h=0.0):
    """One checkerboard sweep site by site, with the kernel's draws: colour c are the
    sites with (z + y + x) % 2 == c; the plane z of colour c uses the stream of
    (seed, sweep, c, z), the k-th site of its row y (x = 2k + ((z + y + c) & 1)) the
    top 31 bits of SplitMix64 output i + 1 with i = (y + 1) (X/2 + 2) + k + 1 (its
    index in the kernel's padded plane); accepted when draw < floor(p 2**31), with
    p = min(1, exp(-dE / T)) and p = 1/2 at dE = 0."""
    Z, Y, X = s.shape
    s = s.copy()
    for c in range(2):
        for z in range(Z):
            key = stream_key(seed, sweep, c, z)
            for y in range(Y):
                off = (z + y + c) & 1
                for k in range(X // 2):
                    x = 2 * k + off
                    m = (s[(z - 1) % Z, y, x] + s[(z + 1) % Z, y, x] + s[z, (y - 1) % Y, x]
                         + s[z, (y + 1) % Y, x] + s[z, y, (x - 1) % X] + s[z, y, (x + 1) % X])
                    de = 2.0 * s[z, y, x] * (J * int(m) + h)
                    p = 1.0 if de < 0 else (0.5 if de == 0 else math.exp(-de / T))
                    i = (y + 1) * (X // 2 + 2) + k + 1
                    draw = mix((key + (i + 1) * GOLDEN) & MASK) >> 33
                    if p >= 1.0 or draw < int(p * 2.0**31):
                        s[z, y, x] = -s[z, y, x]
    return s
