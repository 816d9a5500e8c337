"""Sets and measures with known dimensions, to validate :mod:`infopix.fractal`.

Every generator is deterministic except :func:`fbm_surface` and
:func:`random_cantor_dust`, which take ``rng``. The self-similar sets are laid out so
that their boxes of size ``b**j`` (``b`` the generator's base: 2, 3 or ``base``) fall
exactly on the grid of :func:`infopix.box_counting_dimension` registered at their
corner (``origins=1``), so their box counts are exact powers. The last three are
volumes (Z, Y, X).

=============================  ========  ==========================  ==============
generator                      side      box count at size ``b**j``  dimension
=============================  ========  ==========================  ==============
:func:`filled_square`          ``n``     ``(n / s)**2``              2
:func:`line`                   ``n``     ``n / s``                   1
:func:`point`                  ``n``     1                           0
:func:`sierpinski`             ``2**k``  ``3**(k - j)``              log 3 / log 2
:func:`vicsek`                 ``3**k``  ``5**(k - j)``              log 5 / log 3
:func:`cantor_dust`            ``3**k``  ``4**(k - j)``              log 4 / log 3
:func:`carpet`                 ``3**k``  ``8**(k - j)``              log 8 / log 3
:func:`random_cantor_dust`     ``b**k``  ``m**(k - j)``              log m / log b
:func:`koch_curve`             ``3**k``  rasterised: not exact       log 4 / log 3
                                         below a few pixels
:func:`menger_sponge`          ``3**k``  ``20**(k - j)``             log 20 / log 3
:func:`cantor_dust_3d`         ``3**k``  ``8**(k - j)``              3 log 2 / log 3
:func:`binomial_cascade`       ``2**k``  (a measure: D_q closed      see
(``ndim=3``: a volume)                   form)                       :func:`binomial_cascade_dq`
=============================  ========  ==========================  ==============
"""

from __future__ import annotations

import numpy as np

from .._validation import check_positive_int

__all__ = [
    "filled_square",
    "line",
    "point",
    "sierpinski",
    "vicsek",
    "cantor_dust",
    "carpet",
    "random_cantor_dust",
    "koch_curve",
    "menger_sponge",
    "cantor_dust_3d",
    "binomial_cascade",
    "binomial_cascade_dq",
    "binomial_cascade_spectrum",
    "fbm_surface",
]


def filled_square(n: int) -> np.ndarray:
    """An ``n x n`` boolean image, all True (dimension 2).

    Examples
    --------
    >>> filled_square(4).sum()
    np.int64(16)
    """
    n = check_positive_int(n, name="n", minimum=2)
    return np.ones((n, n), dtype=bool)


def line(n: int, *, kind: str = "diagonal") -> np.ndarray:
    """An ``n x n`` boolean image holding a straight line (dimension 1).

    ``kind='diagonal'`` sets the main diagonal (one box per diagonal block of any size
    dividing ``n``); ``'horizontal'`` sets row 0.
    """
    n = check_positive_int(n, name="n", minimum=2)
    out = np.zeros((n, n), dtype=bool)
    if kind == "diagonal":
        out[np.arange(n), np.arange(n)] = True
    elif kind == "horizontal":
        out[0, :] = True
    else:
        raise ValueError(f"`kind` expects 'diagonal' or 'horizontal', got {kind!r}.")
    return out


def point(n: int) -> np.ndarray:
    """An ``n x n`` boolean image with one True pixel at the origin (dimension 0)."""
    n = check_positive_int(n, name="n", minimum=2)
    out = np.zeros((n, n), dtype=bool)
    out[0, 0] = True
    return out


def sierpinski(level: int) -> np.ndarray:
    """Sierpinski triangle (gasket) of ``2**level x 2**level`` pixels.

    Pixel ``(i, j)`` is set when ``i & j == 0`` (Pascal's triangle mod 2, the right
    triangle of three half-size copies). Box count at size ``2**j``: ``3**(level - j)``;
    dimension ``log 3 / log 2``.

    Examples
    --------
    >>> int(sierpinski(3).sum()) == 3**3
    True
    """
    level = check_positive_int(level, name="level", minimum=1)
    i = np.arange(2**level)
    return (i[:, None] & i[None, :]) == 0


def _base3_keep(level: int, keep_cell) -> np.ndarray:
    n = 3**level
    out = np.ones((n, n), dtype=bool)
    i = np.arange(n)
    for d in range(level):
        di = (i // 3**d) % 3
        out &= keep_cell(di[:, None], di[None, :])
    return out


def vicsek(level: int) -> np.ndarray:
    """Vicsek fractal (the 'plus' form) of ``3**level x 3**level`` pixels.

    At every level a 3x3 block keeps its centre and its four edge-midpoints. Box count
    at size ``3**j``: ``5**(level - j)``; dimension ``log 5 / log 3``.
    """
    level = check_positive_int(level, name="level", minimum=1)
    return _base3_keep(level, lambda a, b: (a == 1) | (b == 1))


def cantor_dust(level: int) -> np.ndarray:
    """Cantor dust (product of two middle-third Cantor sets), ``3**level`` pixels a side.

    Box count at size ``3**j``: ``4**(level - j)``; dimension ``log 4 / log 3``.
    """
    level = check_positive_int(level, name="level", minimum=1)
    return _base3_keep(level, lambda a, b: (a != 1) & (b != 1))


def carpet(level: int) -> np.ndarray:
    """Sierpinski carpet of ``3**level x 3**level`` pixels.

    At every level a 3x3 block drops its centre. Box count at size ``3**j``:
    ``8**(level - j)``; dimension ``log 8 / log 3``.

    Examples
    --------
    >>> int(carpet(2).sum()) == 8**2
    True
    """
    level = check_positive_int(level, name="level", minimum=1)
    return _base3_keep(level, lambda a, b: (a != 1) | (b != 1))


def random_cantor_dust(level: int, base: int = 3, keep: int = 4, *, rng=None) -> np.ndarray:
    """Random Cantor dust of ``base**level`` pixels a side.

    At every level each kept cell is cut into ``base x base`` sub-cells and ``keep`` of
    them, chosen at random (independently per cell), are kept. Every cell keeps
    exactly ``keep``, so the box count at size ``base**j`` is exactly
    ``keep**(level - j)`` and the dimension is ``log keep / log base`` (random
    placement, deterministic count).

    Parameters
    ----------
    level : int
        Number of levels (>= 1).
    base : int, optional
        Sub-cells per side (>= 2).
    keep : int, optional
        Sub-cells kept per cell, ``1 <= keep <= base**2``.
    rng : {numpy.random.Generator, int}, optional
        Seed or generator (``numpy.random.default_rng(rng)``).

    Examples
    --------
    >>> dust = random_cantor_dust(3, 3, 4, rng=1)
    >>> dust.shape, int(dust.sum()) == 4**3
    ((27, 27), True)
    """
    level = check_positive_int(level, name="level", minimum=1)
    base = check_positive_int(base, name="base", minimum=2)
    keep = check_positive_int(keep, name="keep", minimum=1)
    if keep > base * base:
        raise ValueError(f"`keep` expects at most base**2 = {base * base}, got {keep}.")
    rng = np.random.default_rng(rng)
    mask = np.ones((1, 1), dtype=bool)
    for _ in range(level):
        n = mask.shape[0]
        ranks = rng.random((n, n, base * base)).argsort(axis=2).argsort(axis=2)
        sub = (ranks < keep).reshape(n, n, base, base).transpose(0, 2, 1, 3)
        mask = np.repeat(np.repeat(mask, base, axis=0), base, axis=1) & sub.reshape(
            n * base, n * base
        )
    return mask


def koch_curve(level: int) -> np.ndarray:
    """Koch curve of ``level`` generations rasterised on ``3**level x 3**level`` pixels.

    The curve runs from the left edge to the right edge (segments one pixel long),
    bulging upwards, centred vertically; each segment is sampled at 8 points and the
    pixels they fall in are set. Dimension ``log 4 / log 3`` at scales of a few pixels
    and more (below, the rasterised segments are digital lines).
    """
    level = check_positive_int(level, name="level", minimum=1)
    pts = np.array([0.0, 1.0], dtype=complex)
    turn = np.exp(-1j * np.pi / 3)
    for _ in range(level):
        a, b = pts[:-1], pts[1:]
        d = (b - a) / 3
        new = np.stack([a, a + d, a + d + d * turn, a + 2 * d], axis=1).ravel()
        pts = np.concatenate([new, pts[-1:]])
    n = 3**level
    pts = pts * n
    t = np.linspace(0.0, 1.0, 8, endpoint=False)
    samples = np.concatenate([(pts[:-1, None] + np.diff(pts)[:, None] * t).ravel(), pts[-1:]])
    x = np.minimum(np.floor(samples.real).astype(np.int64), n - 1)
    y = np.floor(samples.imag - samples.imag.min()).astype(np.int64)
    out = np.zeros((n, n), dtype=bool)
    out[y + (n - int(y.max()) - 1) // 2, x] = True
    return out


def _base3_keep_3d(level: int, keep_cell) -> np.ndarray:
    n = 3**level
    i = np.arange(n)
    out = np.ones((n, n, n), dtype=bool)
    for d in range(level):
        di = (i // 3**d) % 3
        out &= keep_cell(di[:, None, None], di[None, :, None], di[None, None, :])
    return out


def menger_sponge(level: int) -> np.ndarray:
    """Menger sponge, a ``3**level``-voxel cube (Z, Y, X).

    At every level a 3x3x3 block drops its centre and the centres of its six faces
    (the cells with at least two middle coordinates). Box count at size ``3**j``:
    ``20**(level - j)``; dimension ``log 20 / log 3`` (2.7268).

    Examples
    --------
    >>> int(menger_sponge(2).sum()) == 20**2
    True
    """
    level = check_positive_int(level, name="level", minimum=1)
    return _base3_keep_3d(
        level, lambda a, b, c: (a == 1).astype(int) + (b == 1) + (c == 1) < 2
    )


def cantor_dust_3d(level: int) -> np.ndarray:
    """Cantor dust in 3-D (the cube of the middle-third Cantor set), ``3**level``
    voxels a side. Box count at size ``3**j``: ``8**(level - j)``; dimension
    ``3 log 2 / log 3`` (1.8928)."""
    level = check_positive_int(level, name="level", minimum=1)
    return _base3_keep_3d(level, lambda a, b, c: (a != 1) & (b != 1) & (c != 1))


def _check_weight(p) -> float:
    p = float(p)
    if not 0.0 < p < 1.0:
        raise ValueError(f"`p` expects a weight strictly between 0 and 1, got {p!r}.")
    return p


def _check_ndim(ndim) -> int:
    if ndim not in (2, 3) or isinstance(ndim, bool):
        raise ValueError(f"`ndim` expects 2 (an image) or 3 (a volume), got {ndim!r}.")
    return int(ndim)


def binomial_cascade(level: int, p: float = 0.3, *, ndim: int = 2) -> np.ndarray:
    """Deterministic binomial multiplicative cascade on ``2**level`` pixels a side.

    Along each axis, every dyadic interval hands the fraction ``p`` of its mass to its
    first half and ``1 - p`` to its second; the measure is the outer product of the
    1-D cascades along the ``ndim`` axes (in 2-D, weights ``p**2, p(1-p), (1-p)p,
    (1-p)**2`` per 2x2 split; ``ndim=3``: a (Z, Y, X) volume). The array sums to 1.
    Closed forms: :func:`binomial_cascade_dq`, :func:`binomial_cascade_spectrum`.
    """
    level = check_positive_int(level, name="level", minimum=1)
    p = _check_weight(p)
    ndim = _check_ndim(ndim)
    i = np.arange(2**level)
    ones = np.zeros(i.size, dtype=np.int64)
    for d in range(level):
        ones += (i >> d) & 1
    m1 = p ** (level - ones) * (1.0 - p) ** ones
    out = np.outer(m1, m1)
    return out if ndim == 2 else out[None, :, :] * m1[:, None, None]


def binomial_cascade_dq(q, p: float = 0.3, *, ndim: int = 2) -> np.ndarray:
    """Exact D_q of :func:`binomial_cascade`: ``ndim log2(p**q + (1-p)**q) / (1 - q)``.

    At ``q = 1``: ``-ndim (p log2 p + (1-p) log2 (1-p))``.
    """
    p = _check_weight(p)
    ndim = _check_ndim(ndim)
    q = np.asarray(q, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        dq = ndim * np.log2(p**q + (1 - p) ** q) / (1.0 - q)
    h1 = -ndim * (p * np.log2(p) + (1 - p) * np.log2(1 - p))
    return np.where(q == 1.0, h1, dq)


def binomial_cascade_spectrum(q, p: float = 0.3, *, ndim: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Exact ``(alpha(q), f(q))`` of :func:`binomial_cascade` (Legendre transform).

    ``alpha = -ndim (p**q log2 p + (1-p)**q log2(1-p)) / (p**q + (1-p)**q)``,
    ``f = q alpha - tau``, ``tau = (q - 1) D_q``.
    """
    p = _check_weight(p)
    ndim = _check_ndim(ndim)
    q = np.asarray(q, dtype=np.float64)
    a, b = p**q, (1 - p) ** q
    alpha = -ndim * (a * np.log2(p) + b * np.log2(1 - p)) / (a + b)
    tau = (q - 1.0) * binomial_cascade_dq(q, p, ndim=ndim)
    return alpha, q * alpha - tau


def fbm_surface(n: int, hurst: float, *, rng=None) -> np.ndarray:
    """Fractional Brownian surface of Hurst exponent ``hurst`` by spectral synthesis.

    Fourier amplitudes ``|k|**-(hurst + 1)`` with independent Gaussian complex
    coefficients (power spectrum ``|k|**-(2 hurst + 2)``), real part of the inverse FFT
    on an ``n x n`` periodic grid. Its graph has fractal dimension ``3 - hurst``.

    Parameters
    ----------
    n : int
        Side in pixels (>= 8).
    hurst : float
        Hurst exponent, ``0 < hurst < 1``.
    rng : {numpy.random.Generator, int}, optional
        Seed or generator (``numpy.random.default_rng(rng)``).

    Returns
    -------
    surface : (n, n) ndarray of float64
        Zero mean, unit standard deviation.
    """
    n = check_positive_int(n, name="n", minimum=8)
    h = float(hurst)
    if not 0.0 < h < 1.0:
        raise ValueError(f"`hurst` expects a number strictly between 0 and 1, got {hurst!r}.")
    rng = np.random.default_rng(rng)
    kx = np.fft.fftfreq(n)
    k = np.hypot(kx[:, None], kx[None, :])
    k[0, 0] = 1.0
    amp = k ** -(h + 1.0)
    amp[0, 0] = 0.0
    coef = amp * (rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n)))
    z = np.fft.ifft2(coef).real
    z -= z.mean()
    return z / z.std()
