"""Entropies of distributions and of the intensity distribution of an image.

Three choices are kept apart everywhere in infopix:

1. how pixel values are binned into outcomes (:func:`intensity_counts`),
2. which measure is computed (Shannon, Rényi of order alpha, Tsallis),
3. which estimator turns counts into a number (``estimator=``, see
   :mod:`infopix.estimators`).
"""

from __future__ import annotations

import math

from dataclasses import dataclass

import numpy as np

from . import _validation as v
from ._config import DEFAULT_FLOAT_BINS, MAX_INTEGER_LEVELS
from ._kernels.histogram import _histogram_int, _histogram_int_masked
from .io import select_channel

__all__ = [
    "IntensityCounts",
    "intensity_counts",
    "intensity_distribution",
    "shannon_entropy",
    "renyi_entropy",
    "tsallis_entropy",
    "intensity_entropy",
    "intensity_expected",
    "EXPECTED_FUNCTIONS",
]

_DTYPE_RANGE = {
    np.dtype(np.uint8): (0, 256),
    np.dtype(np.int8): (-128, 256),
    np.dtype(np.uint16): (0, 65536),
    np.dtype(np.int16): (-32768, 65536),
}


@dataclass(frozen=True)
class IntensityCounts:
    """Counts of pixel values in bins.

    Attributes
    ----------
    counts : (K,) ndarray of int64
        Count per bin. For ``channel='joint'`` only occupied colours are listed.
    n_outcomes : int
        K, the number of possible outcomes (bins), observed or not: 256 for uint8, 65536
        for uint16, 2 for bool, ``bins`` for float images, levels**channels for joint.
    edges : (K + 1,) ndarray or None
        Bin edges when values were binned (float images, or ``bins`` given), else None.
    offset : int
        The value of bin 0 for integer images (e.g. -128 for int8).
    """

    counts: np.ndarray
    n_outcomes: int
    edges: np.ndarray | None = None
    offset: int = 0

    @property
    def total(self) -> int:
        """N, the number of pixels counted."""
        return int(self.counts.sum())


def _int_span(arr: np.ndarray) -> tuple[int, int]:
    """(offset, number of levels) for an integer or bool array."""
    if arr.dtype == bool:
        return 0, 2
    if arr.dtype in _DTYPE_RANGE:
        return _DTYPE_RANGE[arr.dtype]
    lo, hi = int(arr.min()), int(arr.max())
    span = hi - lo + 1
    if span > MAX_INTEGER_LEVELS:
        raise ValueError(
            f"`image` of dtype {arr.dtype} spans {span} integer levels (more than "
            f"{MAX_INTEGER_LEVELS}); pass `bins` (and `range`) to bin its values."
        )
    return lo, span


def _count_integer(values: np.ndarray, mask: np.ndarray | None) -> tuple[np.ndarray, int, int]:
    offset, nbins = _int_span(values if mask is None else values[mask])
    flat = np.ascontiguousarray(values).reshape(-1)
    if flat.dtype == bool:  # astype, not a view: raw bytes other than 0/1 count as 1
        flat = flat.astype(np.uint8)
    if mask is None:
        counts = _histogram_int(flat, np.int64(offset), nbins)
    else:
        counts = _histogram_int_masked(flat, np.ascontiguousarray(mask).reshape(-1), np.int64(offset), nbins)
    return counts, nbins, offset


def _resolve_bins(values: np.ndarray, bins, range_) -> tuple[int, tuple[float, float]]:
    if bins is None:
        bins = DEFAULT_FLOAT_BINS
    nbins = v.check_positive_int(bins, name="bins")
    if range_ is None:
        if values.dtype.kind in "iub" and values.dtype in _DTYPE_RANGE:
            lo, n = _DTYPE_RANGE[values.dtype]
            range_ = (float(lo), float(lo + n))
        elif values.dtype == bool:
            range_ = (0.0, 2.0)
        else:
            range_ = (float(values.min()), float(values.max()))
            if range_[0] == range_[1]:
                range_ = (range_[0] - 0.5, range_[1] + 0.5)
    else:
        range_ = v.check_range(range_)
    return nbins, range_


def _check_within(vals: np.ndarray, lo: float, hi: float) -> None:
    """Values outside the binning range are an error, never dropped silently."""
    outside = int(np.count_nonzero((vals < lo) | (vals > hi)))
    if outside:
        raise ValueError(
            f"`range` ({lo:g}, {hi:g}) excludes {outside} pixel value(s); widen `range` "
            f"or exclude those pixels with `mask`."
        )


def _count_binned(values: np.ndarray, bins, range_) -> tuple[np.ndarray, np.ndarray]:
    nbins, (lo, hi) = _resolve_bins(values, bins, range_)
    vals = values.astype(np.float64, copy=False).ravel()
    _check_within(vals, lo, hi)
    counts, edges = np.histogram(vals, bins=nbins, range=(lo, hi))
    return counts.astype(np.int64), edges


def intensity_counts(image, *, bins=None, range=None, mask=None, channel="luminance") -> IntensityCounts:
    """Count pixel values in bins: the raw material of every intensity entropy.

    Parameters
    ----------
    image : (M, N) or (M, N, C) ndarray
        Bool, integer or float image. Colour images are reduced by ``channel``.
    bins : int, optional
        Number of equal-width bins. Integer images default to one bin per level of the
        dtype's range (bool 2, uint8/int8 256, uint16/int16 65536; wider integer
        dtypes: one bin per level between the data's min and max). Float images
        default to 256 bins over ``range``.
    range : (float, float), optional
        Binning interval. Defaults to the dtype's range for integer images with
        ``bins``, and to the data's [min, max] for float images. Values outside it
        raise an error rather than being dropped silently.
    mask : (M, N) ndarray of bool, optional
        Only pixels where ``mask`` is True are counted.
    channel : {'luminance', 'joint'} or int, optional
        For colour images: BT.601 luminance (default), one channel, or the joint
        distribution of colours (one outcome per colour).

    Returns
    -------
    IntensityCounts

    Raises
    ------
    ValueError
        NaN or inf pixels not excluded by ``mask`` (they are never counted silently),
        empty or 1-pixel images, mask of the wrong shape, values outside ``range``.
    TypeError
        Complex or non-numeric dtype.
    """
    arr = v.check_image(image, allow_color=True)
    arr = select_channel(arr, channel)
    m = v.check_mask(mask, arr.shape[:2])
    v.check_finite_or_masked(arr, m)
    if arr.ndim == 3:  # joint colour distribution
        return _count_joint(arr, bins, range, m)
    if bins is None and range is None and arr.dtype.kind in "biu":
        counts, nbins, offset = _count_integer(arr, m)
        return IntensityCounts(counts, nbins, None, offset)
    values = arr if m is None else arr[m]
    counts, edges = _count_binned(values, bins, range)
    return IntensityCounts(counts, counts.size, edges, 0)


def _count_joint(arr, bins, range_, mask) -> IntensityCounts:
    nch = arr.shape[-1]
    pix = arr.reshape(-1, nch) if mask is None else arr[mask]
    if bins is None and range_ is None and arr.dtype.kind in "biu":
        offset, levels = _int_span(pix)
        idx = pix.astype(np.int64) - offset
    else:
        levels, (lo, hi) = _resolve_bins(pix, bins, range_)
        vals = pix.astype(np.float64)
        _check_within(vals, lo, hi)
        idx = np.minimum(((vals - lo) / (hi - lo) * levels).astype(np.int64), levels - 1)
    codes = np.zeros(len(idx), dtype=np.int64)
    for c in range(nch):
        codes = codes * levels + idx[:, c]
    _, counts = np.unique(codes, return_counts=True)
    return IntensityCounts(counts.astype(np.int64), int(levels) ** nch, None, 0)



def intensity_distribution(image, *, bins=None, range=None, mask=None, channel="luminance") -> np.ndarray:
    """The empirical distribution of pixel values (normalised counts).

    Same parameters as :func:`intensity_counts`. Integer images get one bin per level
    of the dtype's range (256 for uint8, 65536 for uint16, 2 for bool), so
    ``intensity_distribution(img)[v]`` is the fraction of pixels equal to ``v``.

    Returns
    -------
    p : (K,) ndarray of float64
        Sums to 1. For ``channel='joint'`` only occupied colours are listed.

    Examples
    --------
    >>> import numpy as np, infopix
    >>> img = np.array([[0, 0], [0, 255]], dtype=np.uint8)
    >>> p = infopix.intensity_distribution(img)
    >>> p.shape, float(p[0]), float(p[255])
    ((256,), 0.75, 0.25)
    """
    c = intensity_counts(image, bins=bins, range=range, mask=mask, channel=channel)
    return c.counts / c.counts.sum()


def _nonzero(p: np.ndarray) -> np.ndarray:
    return p[p > 0]


def shannon_entropy(p, *, base=2) -> float:
    """Shannon entropy ``H = -sum_i p_i log p_i`` of a probability vector.

    Parameters
    ----------
    p : array_like
        Probabilities (any shape, flattened), non-negative, summing to 1.
    base : float, optional
        Logarithm base: 2 (default) gives bits, ``np.e`` nats.

    Returns
    -------
    H : float

    Notes
    -----
    Terms with ``p_i = 0`` contribute 0 (the limit of ``p log p``).

    Examples
    --------
    >>> import numpy as np, infopix
    >>> infopix.shannon_entropy(np.full(8, 1 / 8))
    3.0
    """
    q = _nonzero(v.check_probabilities(p))
    b = v.check_base(base)
    h = -float(np.sum(q * np.log(q))) / math.log(b)
    return h + 0.0 if h != 0 else 0.0


def renyi_entropy(p, alpha, *, base=2) -> float:
    """Rényi entropy of order ``alpha``: ``H_a = log(sum_i p_i**a) / (1 - a)``.

    Parameters
    ----------
    p : array_like
        Probabilities (any shape, flattened), non-negative, summing to 1.
    alpha : float
        Order, ``alpha >= 0``; ``numpy.inf`` allowed.
    base : float, optional
        Logarithm base: 2 (default) gives bits.

    Returns
    -------
    H : float

    Notes
    -----
    The special orders are computed exactly, not as limits of floats:
    ``alpha = 0`` Hartley entropy ``log |supp p|``; ``alpha = 1`` Shannon entropy;
    ``alpha = 2`` collision entropy ``-log sum p**2``; ``alpha = inf`` min-entropy
    ``-log max p``. Only ``p_i > 0`` enter the sums. ``H_alpha`` is non-increasing in
    ``alpha``.

    References
    ----------
    .. [1] A. Rényi, "On measures of entropy and information", Proc. Fourth Berkeley
       Symp. Math. Stat. Prob. 1, 547-561 (1961), eq. (1.20).

    Examples
    --------
    >>> import numpy as np, infopix
    >>> p = np.full(4, 0.25)
    >>> [infopix.renyi_entropy(p, a) for a in (0, 1, 2, np.inf)]
    [2.0, 2.0, 2.0, 2.0]
    """
    q = _nonzero(v.check_probabilities(p))
    a = v.check_alpha(alpha)
    b = v.check_base(base)
    return _renyi_nonzero(q, a) / math.log(b) + 0.0


def _renyi_nonzero(q: np.ndarray, a: float) -> float:
    """Rényi entropy in nats of strictly positive probabilities ``q``."""
    if a == 0:
        return float(np.log(q.size))
    if a == 1:
        return -float(np.sum(q * np.log(q)))
    if a == 2:
        return -float(np.log(np.sum(q * q)))
    if np.isinf(a):
        return -float(np.log(q.max()))
    # log-sum-exp for stability at large alpha
    lq = np.log(q)
    m = a * lq.max()
    return float((m + np.log(np.sum(np.exp(a * lq - m)))) / (1.0 - a))


def tsallis_entropy(p, q) -> float:
    """Tsallis entropy ``S_q = (1 - sum_i p_i**q) / (q - 1)`` (dimensionless, k = 1).

    Parameters
    ----------
    p : array_like
        Probabilities, non-negative, summing to 1.
    q : float
        Entropic index, ``q >= 0``; ``q = 1`` gives the Shannon entropy in nats and
        ``q = inf`` gives 0.

    Returns
    -------
    S : float

    References
    ----------
    .. [1] C. Tsallis, "Possible generalization of Boltzmann-Gibbs statistics",
       J. Stat. Phys. 52, 479 (1988), doi:10.1007/BF01016429, eq. (1).

    Examples
    --------
    >>> import numpy as np, infopix
    >>> infopix.tsallis_entropy(np.full(4, 0.25), 2)
    0.75
    """
    pr = _nonzero(v.check_probabilities(p))
    qq = v.check_alpha(q, name="q")
    if qq == 1:
        return -float(np.sum(pr * np.log(pr))) + 0.0
    if np.isinf(qq):
        return 0.0
    return float((1.0 - np.sum(pr**qq)) / (qq - 1.0)) + 0.0


def intensity_entropy(
    image,
    *,
    alpha=1,
    base=2,
    estimator="plugin",
    bins=None,
    range=None,
    mask=None,
    channel="luminance",
    **options,
) -> float:
    """Entropy of an image's intensity distribution, in bits by default.

    Parameters
    ----------
    image : (M, N) or (M, N, C) ndarray
        Bool, integer or float image (see :func:`intensity_counts` for binning).
    alpha : float, optional
        Rényi order; 1 (default) is Shannon. Orders other than 1 need
        ``estimator='plugin'``.
    base : float, optional
        Logarithm base (2: bits, ``np.e``: nats).
    estimator : str, optional
        How counts become an entropy: ``'plugin'`` (default, the empirical
        distribution) or any name of :data:`infopix.estimators.ESTIMATORS`. The number
        of possible outcomes K is the dtype's number of levels (or ``bins``).
    bins, range, mask, channel
        As in :func:`intensity_counts`.
    **options
        Passed to the estimator (e.g. ``a=`` for ``'pseudocount'``).

    Returns
    -------
    H : float
        For estimators with an uncertainty use
        :func:`infopix.estimators.entropy_from_counts` on :func:`intensity_counts`.

    See Also
    --------
    skimage.measure.shannon_entropy : the same plug-in Shannon value, via ``np.unique``.

    Examples
    --------
    >>> import numpy as np, infopix
    >>> img = np.arange(16, dtype=np.uint8).reshape(4, 4)   # 16 equally frequent levels
    >>> infopix.intensity_entropy(img)
    4.0
    """
    a = v.check_alpha(alpha)
    b = v.check_base(base)
    c = intensity_counts(image, bins=bins, range=range, mask=mask, channel=channel)
    if estimator == "plugin" and not options:
        q = c.counts[c.counts > 0] / c.total
        return _renyi_nonzero(q, a) / math.log(b) + 0.0
    if a != 1:
        raise ValueError(
            f"`alpha` other than 1 is only available with estimator='plugin', got "
            f"alpha={alpha!r} with estimator={estimator!r}."
        )
    from .estimators import entropy_from_counts

    return entropy_from_counts(
        c.counts, estimator=estimator, base=b, n_outcomes=c.n_outcomes, **options
    ).value


def _surprisal(p, base=2):
    return -np.log(p) / np.log(base)


def _laurent(p):
    return -1.0 + 1.0 / p


def _taylor(p):
    return -(1.0 + p)


#: The notebook's named functions f(p) of §7.3.
EXPECTED_FUNCTIONS = {
    "surprisal": _surprisal,
    "laurent": _laurent,
    "taylor": _taylor,
}


def _apply_f(f, p: np.ndarray) -> np.ndarray:
    """Evaluate a user callable on positive probabilities, vectorised if it allows."""
    try:
        out = np.asarray(f(p), dtype=np.float64)
        if out.shape == p.shape:
            return out
    except Exception:  # noqa: BLE001 - scalar-only callables (``if p > 0``) land here
        pass
    return np.fromiter((float(f(float(x))) for x in p), dtype=np.float64, count=p.size)


def intensity_expected(f, image, *, base=2, bins=None, range=None, mask=None, channel="luminance") -> float:
    """Expected value of ``f(p)`` over the intensity distribution: ``sum_v p_v f(p_v)``.

    The notebook's ``intensity_expected`` (§3, §7.3), with its named functions:

    - ``'surprisal'``: ``f(p) = -log p`` (in units of ``base``), so the result is the
      Shannon entropy;
    - ``'laurent'``: ``f(p) = -1 + 1/p``, so the result is (number of occupied levels) - 1;
    - ``'taylor'``: ``f(p) = -(1 + p)``, so the result is ``-(1 + sum p**2)``.

    Parameters
    ----------
    f : {'surprisal', 'laurent', 'taylor'} or callable
        A callable receives probabilities (an array of them if it accepts one,
        otherwise one float at a time) and returns ``f(p)``.
    image : (M, N) or (M, N, C) ndarray
    base : float, optional
        Logarithm base for ``'surprisal'``.
    bins, range, mask, channel
        As in :func:`intensity_counts`.

    Returns
    -------
    E : float

    Notes
    -----
    The sum runs over all bins of the distribution, as in the notebook, with the
    convention that a bin with ``p = 0`` contributes ``0 * f(0) = 0``; ``f`` is never
    evaluated at 0. This is the notebook's ``if p > 0 else 0`` guard, and it is why the
    Laurent sum counts occupied levels (its term tends to 1, not 0, as p -> 0).

    Examples
    --------
    >>> import numpy as np, infopix
    >>> img = np.array([[0, 0], [1, 2]], dtype=np.uint8)   # p = 1/2, 1/4, 1/4
    >>> infopix.intensity_expected("surprisal", img)
    1.5
    >>> infopix.intensity_expected("laurent", img)
    2.0
    """
    p = intensity_distribution(image, bins=bins, range=range, mask=mask, channel=channel)
    return expected_value(f, p, base=base)


def expected_value(f, p, *, base=2) -> float:
    """Expected value of ``f(p)`` over a distribution: ``sum_v p_v f(p_v)``.

    The sum behind :func:`intensity_expected`, for a distribution already at hand (the
    report computes the histogram once and takes every expected value from it).

    Parameters
    ----------
    f : {'surprisal', 'laurent', 'taylor'} or callable
        As in :func:`intensity_expected`.
    p : (K,) array_like
        Probabilities (zeros contribute 0; ``f`` is never evaluated at 0).
    base : float, optional
        Logarithm base for ``'surprisal'``.

    Returns
    -------
    E : float

    Examples
    --------
    >>> import numpy as np, infopix
    >>> infopix.expected_value("laurent", np.array([0.5, 0.25, 0.25, 0.0]))
    2.0
    """
    b = v.check_base(base)
    if isinstance(f, str):
        func = EXPECTED_FUNCTIONS.get(f)
        if func is None:
            raise ValueError(
                f"`f` expects one of {', '.join(map(repr, EXPECTED_FUNCTIONS))} or a callable, got {f!r}."
            )
        if f == "surprisal":
            func = lambda p: _surprisal(p, b)  # noqa: E731
    elif callable(f):
        func = f
    else:
        raise TypeError(f"`f` expects a name ('surprisal', 'laurent', 'taylor') or a callable, got {f!r}.")
    p = np.asarray(p, dtype=np.float64)
    q = p[p > 0]
    return float(np.sum(q * _apply_f(func, q))) + 0.0

