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

import builtins

from . import _validation as v
from ._binning import Binning, binning_for, split_masked
from .io import select_channel

builtins_range = builtins.range  # ``range`` is a parameter name here

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
    binning : Binning or None
        The resolved binning (per channel for ``channel='joint'``); pass it as ``bins=``
        to bin another image (or a local map) exactly alike.
    """

    counts: np.ndarray
    n_outcomes: int
    edges: np.ndarray | None = None
    offset: int = 0
    binning: Binning | None = None

    @property
    def total(self) -> int:
        """N, the number of pixels counted."""
        return int(self.counts.sum())


def intensity_counts(image, *, bins=None, range=None, mask=None, channel="luminance") -> IntensityCounts:
    """Count pixel values in bins: the raw material of every intensity entropy.

    Parameters
    ----------
    image : (M, N), (M, N, C) or (Z, M, N) ndarray
        Bool, integer or float image, or volume. Colour images are reduced by
        ``channel``; with ``channel=None`` a 3-D array is a (Z, M, N) volume (or a series
        of images counted together), never colour: a 3-D array is not taken for a volume
        unless the caller says so. A
        :class:`numpy.ma.MaskedArray`'s masked pixels are not counted (its mask is
        combined with ``mask``).
    bins : int or Binning, optional
        Number of equal-width bins. Integer images default to one bin per level of the
        dtype's range (bool 2, uint8/int8 256, uint16/int16 65536; wider integer
        dtypes: one bin per level between the data's min and max). Float images
        default to 256 bins over ``range``. A resolved binning (e.g. the ``binning`` of
        another :class:`IntensityCounts`) is used as is.
    range : (float, float), optional
        Binning interval. Defaults to the dtype's range for bool and 8/16-bit integer
        images with ``bins``, and to the data's [min, max] otherwise. Values outside it
        raise an error rather than being dropped silently; values on a bin edge go to
        the bin above it, the last edge to the last bin (``numpy.histogram``'s rule).
    mask : (M, N) ndarray of bool, optional
        Only pixels where ``mask`` is True are counted.
    channel : {'luminance', 'joint'}, int or None, optional
        For colour images: BT.601 luminance (default), one channel, or the joint
        distribution of colours (one outcome per colour; every channel is binned by
        the same rule, then the channel codes are combined). ``None``: the array has no
        channel axis (a 3-D array is a volume).

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

    Notes
    -----
    Binning: :func:`infopix._binning.resolve_binning`; counting: the kernels of
    :mod:`infopix._kernels.histogram`.

    Examples
    --------
    >>> import numpy as np, infopix
    >>> c = infopix.intensity_counts(np.array([[0.0, 0.3], [0.5, 1.0]]), bins=10, range=(0, 1))
    >>> c.counts.nonzero()[0].tolist()   # 1.0 is in the closed last bin
    [0, 2, 5, 9]

    0.3 lands in bin 2, as with ``numpy.histogram``: the edge between bins 2 and 3 is
    ``np.linspace(0, 1, 11)[3] == 0.30000000000000004 > 0.3``.
    """
    image, mask = split_masked(image, mask)
    arr = as_image_or_volume(image, channel)
    m = v.check_mask(mask, arr.shape if is_volume(arr, channel) else arr.shape[:2])
    if arr.ndim == 3 and not is_volume(arr, channel):  # joint colour distribution
        v.check_finite_or_masked(arr, m)  # (counts pixels with a NaN in any channel)
        return _count_joint(arr, bins, range, m)
    b = binning_for(arr, bins, range, m)
    counts = b.counts(arr, m)
    return IntensityCounts(counts, b.n_outcomes, b.edges, b.offset or 0, b)


def is_volume(arr: np.ndarray, channel) -> bool:
    """Whether a validated array is a (Z, M, N) volume: 3-D with ``channel=None``."""
    return arr.ndim == 3 and channel is None


def as_image_or_volume(image, channel) -> np.ndarray:
    """Validate a 2-D image, a colour image (reduced by ``channel``) or, with
    ``channel=None``, a 2-D image or a (Z, M, N) volume.

    A 3-D array is never taken for a volume unless the caller says so (``channel=None``),
    since an (M, N, 3) array may be either."""
    if channel is None:
        return v.check_image(image, ndim=(2, 3), volume_declared=True)  # channel=None said so
    arr = np.asarray(image) if not isinstance(image, np.ma.MaskedArray) else image
    if getattr(arr, "ndim", 0) == 3 and arr.shape[-1] not in (3, 4):
        raise ValueError(
            f"`image` of shape {arr.shape} is 3-D but not an (M, N, 3|4) colour image; to "
            f"count a (Z, M, N) volume pass channel=None (files: read them with axes='zyx')."
        )
    return select_channel(v.check_image(image, allow_color=True), channel)


def _count_joint(arr, bins, range_, mask) -> IntensityCounts:
    """One outcome per colour: each channel binned by the one rule, codes combined.

    The binning is resolved once over all channels' values (so every channel has the
    same K and edges), and the colour code is the mixed-radix number of the channel
    codes.
    """
    nch = arr.shape[-1]
    b = binning_for(arr, bins, range_, None if mask is None else mask[..., None])
    K = b.n_outcomes
    pix = np.stack([b.codes(arr[..., c], mask) for c in builtins_range(nch)], axis=-1)
    pix = pix.reshape(-1, nch) if mask is None else pix[mask]
    if K**nch < 2**63:
        codes = np.zeros(len(pix), dtype=np.int64)
        for c in builtins_range(nch):
            codes = codes * K + pix[:, c]
        _, counts = np.unique(codes, return_counts=True)
    else:  # K**C overflows int64 (uint16 RGBA): count distinct rows instead
        _, counts = np.unique(pix, axis=0, return_counts=True)
    return IntensityCounts(counts.astype(np.int64), int(K) ** nch, None, 0, b)


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
        The point estimate only: the posterior std and credible interval of the
        Bayesian estimators (``'nsb'``, ``'wolpert_wolf'``), the std of ``'ansb'`` and
        the validity flag are not returned here. For them use
        :func:`infopix.intensity_entropy_estimate` (``uncertainty='iid'`` for the
        estimator's own posterior) or ``infopix.entropy_from_counts(
        infopix.intensity_counts(image), estimator=...)``, both an
        :class:`~infopix.estimators.EntropyEstimate` (K taken from the counts).

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

