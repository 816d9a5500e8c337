"""Plain-loop references for the Ising models: the notebook's §12 energies, corrected.

Corrections to the notebook: ``θ`` is 0; ``=`` in ``ienergy``/``sienergy`` is ``==``;
``-img[i, j] * (1 + r + t + b)`` in ``eenergy``/``nenergy`` is ``(l + r + t + b)``
(``l`` is computed and otherwise unused). Arrays are indexed ``img[i, j]`` with
periodic wrap, exactly as the notebook does.

Total energies are built from these local energies in the way documented in
:mod:`infopix.ising.models`: half the sum of the site energies for the pairwise
models, one ninth of the sum of the block energies for the metric model.
"""

from __future__ import annotations

import itertools

import numpy as np


# --- notebook §12.1: grey ("for fun") model -------------------------------------------
def neighbors(a, i, j):
    w, h = a.shape
    return [a[(i - 1) % w, j], a[(i + 1) % w, j], a[i, (j - 1) % h], a[i, (j + 1) % h]]


def grey_energy(img, i, j):
    """The notebook's ``energy``: -1 + sum of |s_i - s_j| over the four neighbours."""
    return -1 + sum(abs(img[i, j] - n) for n in neighbors(img, i, j))


def standard_energy(img, i, j, J=1.0, h=0.0):
    """Local energy of the standard model: -s_i (J sum_nb s_j + h)."""
    return -img[i, j] * (J * sum(neighbors(img, i, j)) + h)


# --- notebook §12.2: edge model ---------------------------------------------------------
def eenergy(img, edges, i, j):
    """Edge-modified Ising energy: 0 on edge."""
    if edges[i, j]:
        return 0
    w, h = np.shape(img)
    l = img[i - 1, j] if i > 0 else img[w - 1, j]  # noqa: E741 - the notebook's name
    r = img[i + 1, j] if i < w - 1 else img[0, j]
    t = img[i, j - 1] if j > 0 else img[i, h - 1]
    b = img[i, j + 1] if j < h - 1 else img[i, 0]
    return -img[i, j] * (l + r + t + b)


def nenergy(img, edges, i, j):
    """Neighbor-modified Ising energy: 0 interactions with edges."""
    if edges[i, j]:
        return 0
    w, h = np.shape(img)
    if i > 0:
        l = img[i - 1, j] if not edges[i - 1, j] else 0  # noqa: E741
    else:
        l = img[w - 1, j] if not edges[w - 1, j] else 0  # noqa: E741
    if i < w - 1:
        r = img[i + 1, j] if not edges[i + 1, j] else 0
    else:
        r = img[0, j] if not edges[0, j] else 0
    if j > 0:
        t = img[i, j - 1] if not edges[i, j - 1] else 0
    else:
        t = img[i, h - 1] if not edges[i, h - 1] else 0
    if j < h - 1:
        b = img[i, j + 1] if not edges[i, j + 1] else 0
    else:
        b = img[i, 0] if not edges[i, 0] else 0
    return -img[i, j] * (l + r + t + b)


# --- notebook §12.3: metric model --------------------------------------------------------
def takewrap(a, i, j):
    w, h = a.shape
    return [a[(i + di) % w, (j + dj) % h] for di in (-1, 0, 1) for dj in (-1, 0, 1)]


def sienergy(img, init, i, j):
    """Inversion-symmetric image energy."""
    eq = [x == y for x, y in zip(takewrap(img, i, j), takewrap(init, i, j))]
    return -abs(sum(2 * e - 1 for e in eq))


def ienergy(img, init, i, j):
    """Image energy based on 3x3 block deviation."""
    eq = [x == y for x, y in zip(takewrap(img, i, j), takewrap(init, i, j))]
    return -abs(sum(1 * e for e in eq))


# --- total energies --------------------------------------------------------------------
def _sites(shape):
    return itertools.product(range(shape[0]), range(shape[1]))


def total_standard(s, J=1.0, h=0.0):
    s = np.asarray(s, dtype=float)
    return sum(0.5 * (standard_energy(s, i, j, J, 0.0)) - h * s[i, j] for i, j in _sites(s.shape))


def total_grey(s):
    s = np.asarray(s, dtype=float)
    return sum(0.5 * (grey_energy(s, i, j) + 1) for i, j in _sites(s.shape))


def total_edge(s, edges, variant):
    s = np.asarray(s, dtype=float)
    f = nenergy if variant == "neighbour" else eenergy
    return sum(0.5 * f(s, edges, i, j) for i, j in _sites(s.shape))


def total_metric(s, init, symmetric):
    f = sienergy if symmetric else ienergy
    return sum(f(s, init, i, j) for i, j in _sites(s.shape)) / 9.0


# --- the notebook's random-site step (the benchmark baseline) ---------------------------
def isingstep(beta, img, rng):
    """The notebook's ``isingstep`` (grey model), with an explicit Generator."""
    w, h = np.shape(img)
    i = rng.integers(w)
    j = rng.integers(h)
    E0 = grey_energy_np(img, i, j)
    img[i, j] *= -1
    E1 = grey_energy_np(img, i, j)
    P = np.exp(-beta * (E1 - E0)) if E1 > E0 else 1
    if rng.random() > P:  # restore old
        img[i, j] *= -1
    return img


def _neighbors_np(a, i, j):
    return np.hstack([a[:, j].take([i - 1, i + 1], mode="wrap"), a[i, :].take([j - 1, j + 1], mode="wrap")])


def grey_energy_np(img, i, j):
    """The notebook's ``energy`` as written (NumPy ``take``/``hstack``)."""
    return -1 + np.sum(np.abs(img[i, j] - _neighbors_np(img, i, j)))


# --- exact Boltzmann distribution by enumeration ------------------------------------
def sign_patterns(shape):
    """All 2**(M*N) sign patterns, shape (2**n, M, N), int8; pattern k has bit b of k
    (b = i * N + j) set where the sign is +1."""
    n = shape[0] * shape[1]
    k = np.arange(2**n)[:, None]
    bits = (k >> np.arange(n)[None, :]) & 1
    return (2 * bits - 1).astype(np.int8).reshape((-1,) + tuple(shape))


def pattern_index(sigma):
    """Index of a sign pattern in :func:`sign_patterns`."""
    flat = (np.asarray(sigma).reshape(len(sigma), -1) > 0).astype(np.int64)
    return flat @ (1 << np.arange(flat.shape[1]))


def boltzmann(energies, beta):
    w = np.exp(-beta * (np.asarray(energies) - np.min(energies)))
    return w / w.sum()


# --- exact enumeration of a small torus ------------------------------------------------
def torus_enumeration(m, n, T):
    """(ln Z, energy per spin, specific heat per spin, <|m|>, <m^2>, <m^4>) of the standard
    model (J = 1, h = 0) on the m x n torus at temperature T, by summing over all 2**(m n)
    configurations (vectorised; m n <= 20). Each of the 2 m n bonds counted once."""
    N = m * n
    codes = np.arange(2**N, dtype=np.int64)
    s = (((codes[:, None] >> np.arange(N)) & 1) * 2 - 1).astype(np.int8).reshape(-1, m, n)
    bonds = (s * np.roll(s, 1, axis=1) + s * np.roll(s, 1, axis=2)).sum(axis=(1, 2), dtype=np.int64)
    mag = np.abs(s.sum(axis=(1, 2), dtype=np.int64)) / N
    a = bonds / T
    w = np.exp(a - a.max())
    Z = w.sum()
    p = w / Z
    e = -bonds / N
    u = p @ e
    c = N * (p @ (e - u) ** 2) / T**2
    return a.max() + np.log(Z), u, c, p @ mag, p @ mag**2, p @ mag**4
