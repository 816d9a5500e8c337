"""Plain-loop references for infopix.scale: the truth the fast blurs are compared with."""

import math

import numpy as np


def extend_index(j, n, mode):
    """Index of the image pixel seen at position j (any integer) under ``mode``; None
    for 'constant' outside the image."""
    if 0 <= j < n:
        return j
    if mode == "constant":
        return None
    if mode == "nearest":
        return 0 if j < 0 else n - 1
    if mode == "wrap":
        return j % n
    if mode == "reflect":  # d c b a | a b c d | d c b a, period 2n
        j = j % (2 * n)
        return j if j < n else 2 * n - 1 - j
    if mode == "mirror":  # d c b | a b c d | c b a, period 2n - 2
        if n == 1:
            return 0
        j = j % (2 * n - 2)
        return j if j < n else 2 * n - 2 - j
    raise ValueError(mode)


def kernel(sigma, truncate):
    r = int(truncate * sigma + 0.5)
    w = [math.exp(-0.5 * d * d / (sigma * sigma)) for d in range(-r, r + 1)]
    z = sum(w)
    return [x / z for x in w], r


def blur_line(line, sigma, mode, truncate=4.0, cval=0.0):
    w, r = kernel(sigma, truncate)
    n = len(line)
    out = []
    for i in range(n):
        acc = 0.0
        for d in range(-r, r + 1):
            k = extend_index(i + d, n, mode)
            acc += w[d + r] * (cval if k is None else line[k])
        out.append(acc)
    return out


def blur(image, sigma, mode, truncate=4.0, cval=0.0):
    """Separable blur, rows then columns, with explicit loops."""
    a = [list(map(float, row)) for row in np.asarray(image)]
    a = [blur_line(row, sigma, mode, truncate, cval) for row in a]
    cols = [blur_line([a[i][j] for i in range(len(a))], sigma, mode, truncate, cval) for j in range(len(a[0]))]
    return np.array([[cols[j][i] for j in range(len(cols))] for i in range(len(a))])
