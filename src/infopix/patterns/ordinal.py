"""Ordinal (Bandt-Pompe) patterns of images.

A ``dy x dx`` window (delays ``tauy``, ``taux``) slides over the image one pixel at a
time; each window's values are replaced by the permutation that sorts them, its
*ordinal pattern* (Bandt & Pompe 2002; Ribeiro et al. 2012 for images; a
``dz x dy x dx`` window of a (Z, Y, X) volume likewise). Each pattern
is coded as an int64, its rank among the ``(dx dy)!`` permutations in lexicographic
order (its Lehmer code), and only the patterns that occur are counted (a bincount for
at most 2**22 possible patterns, a sort beyond): 4x4 patterns (16! ~ 2.1e13 states)
cost no more memory than 2x2 ones.

The distribution of patterns gives the permutation entropy (through every registered
estimator, with K = (dx dy)! possible outcomes), the statistical complexity and the
complexity-entropy plane (Rosso et al. 2007), the Fisher-Shannon plane and the missing
patterns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .. import _validation as v
from .._binning import code_dtype
from .._config import DEFAULT_CREDIBLE_LEVEL
from .._kernels import patterns as _k

__all__ = [
    "ComplexityCurves",
    "ComplexityEntropyPlane",
    "FisherShannon",
    "MissingPatterns",
    "OrdinalDistribution",
    "PermutationEntropy",
    "complexity_curves",
    "complexity_entropy_plane",
    "fisher_shannon",
    "missing_patterns",
    "ordinal_distribution",
    "permutation_entropy",
    "statistical_complexity",
]

#: most elements a pattern may have: 20! < 2**63 is the largest int64 code
MAX_ELEMENTS = 20
#: count codes with a dense bincount up to this many possible patterns, else by sorting
_DENSE_MAX = 1 << 22
#: keep the list of missing patterns up to this many possible patterns (9!)
_MISSING_LIST_MAX = math.factorial(9)

TIES = ("stable", "noise")


# ---------------------------------------------------------------------------------------
# the distribution of patterns
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class OrdinalDistribution:
    """The ordinal patterns that occur in an image and how often.

    Attributes
    ----------
    codes : (m,) ndarray of int64
        Lexicographic rank of each occurring pattern among the ``n_outcomes``
        permutations (increasing); :meth:`patterns` decodes them.
    counts : (m,) ndarray of int64
        Number of windows with each pattern (all > 0).
    dx, dy, taux, tauy : int
        Pattern width and height (pixels) and delays (horizontal, vertical).
    ties : str
        Tie policy used (``'stable'`` or ``'noise'``).
    n_outcomes : int
        K = (dx dy dz)!, the number of possible patterns.
    n_windows : int
        Number of windows (the sum of ``counts``).
    dz, tauz : int
        Pattern depth (slices) and delay along Z of a volume's patterns (1 and 1 for
        an image).
    """

    codes: np.ndarray
    counts: np.ndarray
    dx: int
    dy: int
    taux: int
    tauy: int
    ties: str
    n_outcomes: int
    n_windows: int
    dz: int = 1
    tauz: int = 1

    @property
    def n_elements(self) -> int:
        """Pixels (voxels) per pattern, ``dx * dy * dz``."""
        return self.dx * self.dy * self.dz

    @property
    def n_observed(self) -> int:
        """Number of distinct patterns that occur."""
        return int(self.codes.size)

    @property
    def probabilities(self) -> np.ndarray:
        """Relative frequency of each occurring pattern (sums to 1)."""
        return self.counts / self.n_windows

    def patterns(self) -> np.ndarray:
        """The occurring patterns as permutations, ``(m, dx*dy*dz)`` int64.

        Row ``i`` is ``argsort`` of a window's values flattened row-major (``pi[0]`` is
        the index of its smallest pixel), as ``ordpy.ordinal_distribution`` lists them;
        for a volume's patterns, element ``(c*dy + a)*dx + b`` is the voxel at slice
        ``c``, row ``a``, column ``b`` of the window.
        """
        return _k.decode_lehmer(self.codes, self.n_elements, _k.FACTORIALS)

    def plot(self, ax=None):
        """Probability of each occurring pattern against its code, with the uniform level 1/K."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 3.5))
        p = self.probabilities
        if self.codes.size <= 200:
            ax.vlines(self.codes, 0, p, color="C0", lw=1)
        ax.plot(self.codes, p, "o", ms=2, color="C0", label=f"{self.n_observed} of {self.n_outcomes:.4g} patterns occur")
        ax.axhline(1.0 / self.n_outcomes, color="C3", ls="--", lw=1, label="uniform 1/K")
        if self.n_outcomes > 200:
            ax.set_yscale("log")
        ax.set_xlabel("pattern code (lexicographic rank)")
        ax.set_ylabel("probability")
        if self.dz > 1:
            ax.set_title(f"Ordinal patterns {self.dz}x{self.dy}x{self.dx} (delays {self.tauz}, {self.tauy}, {self.taux})")
        else:
            ax.set_title(f"Ordinal patterns {self.dy}x{self.dx} (delays {self.tauy}, {self.taux})")
        ax.legend(fontsize="small")
        return ax


def _check_embedding(dx, dy, taux, tauy, dz=1, tauz=1):
    dx = v.check_positive_int(dx, name="dx")
    dy = v.check_positive_int(dy, name="dy")
    dz = v.check_positive_int(dz, name="dz")
    taux = v.check_positive_int(taux, name="taux")
    tauy = v.check_positive_int(tauy, name="tauy")
    tauz = v.check_positive_int(tauz, name="tauz")
    n = dx * dy * dz
    sizes = f"dx={dx}, dy={dy}" + (f", dz={dz}" if dz > 1 else "")
    product = "`dx` * `dy`" + (" * `dz`" if dz > 1 else "")
    if n < 2:
        raise ValueError(f"a pattern compares at least 2 pixels: {product} must be >= 2, got {sizes}.")
    if n > MAX_ELEMENTS:
        raise ValueError(
            f"{product} must be at most {MAX_ELEMENTS} (20! < 2**63 is the largest int64 pattern code), "
            f"got {sizes} ({n} pixels)."
        )
    return dx, dy, dz, taux, tauy, tauz


def _check_volume_input(image, dz, tauz):
    """The validated (finite) image or volume as a 3-D array, the resolved dz, tauz,
    and whether it is a volume.

    A 3-D array is a (Z, Y, X) volume only when the caller gives ``dz`` (as intensity
    functions take a 3-D array for a volume only with ``channel=None``): an (M, N, 3)
    array may be a colour image.
    """
    arr = v.check_image(image, ndim=(2, 3), volume_declared=dz is not None)
    if arr.ndim == 3:
        if dz is None:
            raise ValueError(
                f"`image` is 3-D (shape {arr.shape}) and `dz` was not given: for the ordinal patterns "
                f"of a (Z, Y, X) volume pass dz= (dz=2 with dx=dy=2: 2x2x2 patterns; dz=1: each "
                f"slice's dx x dy patterns counted together); a colour image needs one channel or "
                f"its luminance first (infopix.select_channel)."
            )
        v.check_finite_or_masked(arr.reshape(arr.shape[0], -1), None)
        return arr, dz, tauz, True
    if dz is not None and not (isinstance(dz, (int, np.integer)) and not isinstance(dz, bool) and dz == 1):
        raise ValueError(
            f"`dz` = {dz!r} asks for patterns across slices, but `image` is 2-D (shape {arr.shape}); "
            f"pass a (Z, Y, X) volume, or leave `dz` out for an image."
        )
    v.check_finite_or_masked(arr, None)
    return arr[np.newaxis], 1, tauz, False


def _pattern_grid(image, dx, dy, taux, tauy, ties, rng, overlapping, dz=None, tauz=1):
    """Validate and compute every window's pattern code.

    Returns ``(codes, K, (dx, dy, dz, taux, tauy, tauz), volume)``: ``codes`` the
    (D, H, W) int64 grid of Lehmer codes (D = 1 for an image), K = (dx dy dz)!.
    """
    arr, dz, tauz, volume = _check_volume_input(image, dz, tauz)
    dx, dy, dz, taux, tauy, tauz = _check_embedding(dx, dy, taux, tauy, dz, tauz)
    v.check_choice(ties, TIES, name="ties")
    if not isinstance(overlapping, (bool, np.bool_)):
        raise TypeError(f"`overlapping` expects True or False, got {overlapping!r}.")
    Z, M, N = arr.shape
    span_z, span_y, span_x = (dz - 1) * tauz + 1, (dy - 1) * tauy + 1, (dx - 1) * taux + 1
    if span_z > Z or span_y > M or span_x > N:
        shape = arr.shape if volume else arr.shape[1:]
        spans = (f"{span_z} x " if volume else "") + f"{span_y} x {span_x}"
        what = ("(dz-1)*tauz+1 slices, " if volume else "") + "(dy-1)*tauy+1 rows, (dx-1)*taux+1 columns"
        raise ValueError(
            f"the pattern spans {spans} pixels ({what}) but "
            f"`image` has shape {shape}; use a smaller pattern or delay."
        )
    K = math.factorial(dx * dy * dz)
    if ties == "noise":
        gen = np.random.default_rng(rng)
        keys = gen.random(arr.size)
        order = np.lexsort((keys, arr.ravel()))
        ranks = np.empty(arr.size, dtype=np.int64)
        ranks[order] = np.arange(arr.size, dtype=np.int64)
        work = ranks.reshape(arr.shape)
    else:
        work = _order_preserving(arr)
    sz, sy, sx = (1, 1, 1) if overlapping else (span_z, span_y, span_x)
    codes = _k.ordinal_codes(work, dx, dy, dz, taux, tauy, tauz, sy, sx, sz, _k.FACTORIALS)
    return codes, K, (dx, dy, dz, taux, tauy, tauz), volume


def _occurring(codes: np.ndarray, K: int, *, dense: bool = False):
    """The patterns that occur among ``codes`` (any shape): ``(uniq, counts)``, and with
    ``dense`` also ``ids``, each code's index in ``uniq`` (shape of ``codes``, int64).

    A bincount over the K possible codes up to :data:`_DENSE_MAX`, a sort beyond, so no
    array of K states is ever made for large patterns.
    """
    flat = codes.ravel()
    if K <= _DENSE_MAX:
        full = np.bincount(flat, minlength=K)
        occ = np.flatnonzero(full)
        uniq, cnt = occ.astype(np.int64), full[occ].astype(np.int64)
        if not dense:
            return uniq, cnt
        lut = np.zeros(K, dtype=code_dtype(occ.size))
        lut[occ] = np.arange(occ.size)
        return uniq, cnt, lut[codes]
    if not dense:
        uniq, cnt = np.unique(flat, return_counts=True)
        return uniq.astype(np.int64), cnt.astype(np.int64)
    uniq, inv, cnt = np.unique(flat, return_inverse=True, return_counts=True)
    return uniq.astype(np.int64), cnt.astype(np.int64), inv.reshape(codes.shape).astype(code_dtype(uniq.size))


def _order_preserving(arr: np.ndarray) -> np.ndarray:
    """A contiguous int64 or float64 array with the same order (and ties) as ``arr``."""
    kind = arr.dtype.kind
    if kind == "f":
        return np.ascontiguousarray(arr, dtype=np.float64)
    if kind == "u" and arr.dtype.itemsize == 8:
        # uint64 -> int64 preserving order: flip the top bit
        return np.ascontiguousarray((arr ^ np.uint64(1 << 63)).view(np.int64))
    return np.ascontiguousarray(arr, dtype=np.int64)


def _as_distribution(image, dx, dy, taux, tauy, ties, rng, overlapping=True, dz=None, tauz=1) -> OrdinalDistribution:
    if isinstance(image, OrdinalDistribution):
        return image
    return ordinal_distribution(
        image, dx=dx, dy=dy, taux=taux, tauy=tauy, ties=ties, rng=rng, overlapping=overlapping, dz=dz, tauz=tauz
    )


def ordinal_distribution(
    image, *, dx=2, dy=2, taux=1, tauy=1, ties="stable", rng=None, overlapping=True, dz=None, tauz=1
) -> OrdinalDistribution:
    """Count the ordinal patterns of an image or a volume.

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray
        Bool, integer or float image (NaN and inf are refused); a 3-D array is a
        (Z, M, N) volume, and is accepted only with ``dz`` given.
    dx, dy : int, optional
        Pattern width (columns) and height (rows), ``2 <= dx*dy <= 20`` (default 2x2).
    taux, tauy : int, optional
        Delays: the window holds ``image[y + a*tauy, x + b*taux]``, ``a < dy``,
        ``b < dx`` (default 1, adjacent pixels).
    ties : {'stable', 'noise'}, optional
        How equal values are ordered. ``'stable'`` (default): of two equal values the
        one met first in row-major window order ranks lower (``numpy.argsort`` with
        ``kind='stable'``, as ordpy does), so a flat window has the identity pattern.
        ``'noise'``: ties are broken by i.i.d. uniform keys drawn once per pixel from
        ``rng`` (the image plus an infinitesimal noise), so flat regions spread over
        all patterns instead of piling onto one.
    rng : {numpy.random.Generator, int}, optional
        Seed or generator for ``ties='noise'`` (ignored otherwise).
    overlapping : bool, optional
        True (default): a window at every pixel. False: windows tile the image
        without sharing pixels (anchors step by the window's span, as ordpy's
        ``overlapping=False``); their patterns are independent for i.i.d. pixels.
    dz, tauz : int, optional
        For a (Z, M, N) volume: pattern depth (slices) and delay along Z; the window
        holds ``volume[z + c*tauz, y + a*tauy, x + b*taux]``, ``c < dz``, flattened
        row-major (slice, then row, then column). ``dz`` is required for a 3-D array
        (a 3-D array is never taken for a volume unless the caller says so: an
        (M, N, 3) array may be colour), ``dz * dx * dy <= 20``; 2x2x2 patterns have
        K = 8! = 40,320 states. ``dz=1`` counts each slice's ``dy x dx`` patterns
        together. Leave ``dz`` out (or 1) for a 2-D image.

    Returns
    -------
    OrdinalDistribution
        The occurring patterns' codes and counts, ``n_outcomes`` = (dx dy dz)!.

    Raises
    ------
    ValueError
        A pattern larger than the image or with fewer than 2 or more than 20 pixels;
        NaN or inf pixels; an unknown ``ties``; a 3-D array without ``dz``, or
        ``dz > 1`` with a 2-D image.
    TypeError
        Non-integer sizes or delays; a non-numeric image.

    Notes
    -----
    The pattern of a window is ``pi = argsort(w)`` of its values ``w`` flattened
    row-major, coded by its rank in the lexicographic order of the permutations:
    ``code = sum_i c_i (n - 1 - i)!`` with ``c_i = #{j > i : pi_j < pi_i}``. There are
    ``(M - (dy-1) tauy) (N - (dx-1) taux)`` overlapping windows; overlapping windows
    of i.i.d. pixels have correlated patterns (the counts are not multinomial). Kernel:
    :func:`infopix._kernels.patterns.ordinal_codes` (n(n-1)/2 comparisons per window).

    References
    ----------
    .. [1] C. Bandt, B. Pompe, Phys. Rev. Lett. 88, 174102 (2002),
       doi:10.1103/PhysRevLett.88.174102.
    .. [2] H. V. Ribeiro, L. Zunino, E. K. Lenzi, P. A. Santoro, R. S. Mendes, PLoS
       ONE 7, e40689 (2012), doi:10.1371/journal.pone.0040689.

    Examples
    --------
    >>> import numpy as np
    >>> from infopix.patterns import ordinal_distribution
    >>> ramp = np.add.outer(np.arange(5), 10 * np.arange(6))   # strictly increasing
    >>> d = ordinal_distribution(ramp, dx=2, dy=2)
    >>> d.n_observed, d.n_outcomes, d.n_windows
    (1, 24, 20)
    >>> d.patterns()            # argsort of [[0, 10], [1, 11]] flattened
    array([[0, 2, 1, 3]])

    A volume's 2x2x2 patterns (K = 8!); a monotone ramp along every axis has one:

    >>> vol = np.add.outer(100 * np.arange(3), ramp)          # (3, 5, 6)
    >>> d3 = ordinal_distribution(vol, dz=2)
    >>> d3.n_observed, d3.n_outcomes, d3.n_windows
    (1, 40320, 40)
    """
    codes, K, (dx, dy, dz, taux, tauy, tauz), _ = _pattern_grid(
        image, dx, dy, taux, tauy, ties, rng, overlapping, dz, tauz
    )
    uniq, cnt = _occurring(codes, K)
    return OrdinalDistribution(uniq, cnt, dx, dy, taux, tauy, ties, K, int(codes.size), dz, tauz)


# ---------------------------------------------------------------------------------------
# permutation entropy
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PermutationEntropy:
    """Permutation entropy of an image.

    Attributes
    ----------
    value : float
        The estimate; divided by ``log K`` (in [0, 1] for the plug-in) when
        ``normalized``, else in units of ``base``.
    std : float or None
        Posterior standard deviation (Bayesian estimators; same units as ``value``),
        else ``None``: the other estimators give no uncertainty.
    interval : (float, float) or None
        Credible interval at ``level`` (Bayesian estimators), else ``None``.
    estimator : str
        Registry name of the estimator.
    normalized : bool
        Whether ``value`` is divided by ``log K``.
    base : float
        Logarithm base of the unnormalised value.
    n_outcomes : int
        K = (dx dy)!.
    n_windows, n_observed : int
        Windows counted and distinct patterns among them.
    level : float or None
        Credible level of ``interval``.
    estimate : EntropyEstimate
        The estimator's result in units of ``base`` (not normalised).
    """

    value: float
    std: float | None
    interval: tuple[float, float] | None
    estimator: str
    normalized: bool
    base: float
    n_outcomes: int
    n_windows: int
    n_observed: int
    level: float | None = None
    estimate: object = field(default=None, repr=False, compare=False)

    def plot(self, ax=None):
        """The estimate (its posterior density for Bayesian estimators), in units of ``base``."""
        ax = self.estimate.plot(ax=ax)
        top = math.log(self.n_outcomes) / math.log(self.base)
        ax.axvline(top, color="0.4", ls=":", lw=1, label="log K (uniform patterns)")
        ax.set_title(f"Permutation entropy, K = {self.n_outcomes:.4g}")
        ax.legend(fontsize="small")
        return ax


def permutation_entropy(
    image,
    *,
    dx=2,
    dy=2,
    taux=1,
    tauy=1,
    ties="stable",
    rng=None,
    overlapping=True,
    dz=None,
    tauz=1,
    estimator="plugin",
    normalized=True,
    base=2,
    level=DEFAULT_CREDIBLE_LEVEL,
    **options,
) -> PermutationEntropy:
    """Permutation entropy of an image's ordinal patterns, by any registered estimator.

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray, or OrdinalDistribution
        The image or volume, or its patterns from :func:`ordinal_distribution` (then
        the pattern parameters below are ignored).
    dx, dy, taux, tauy, ties, rng, overlapping, dz, tauz
        As in :func:`ordinal_distribution` (``dz`` for a (Z, M, N) volume).
    estimator : str, optional
        Any name in :data:`infopix.estimators.ESTIMATORS` (default ``'plugin'``). The
        number of possible outcomes is K = (dx dy dz)!, the unobserved patterns included:
        ``'nsb'``, ``'chao_shen'`` and the others correct the undersampling of 3x3 and
        larger patterns (9! = 362,880 states).
    normalized : bool, optional
        Divide by ``log K`` (default True: 1 for uniformly distributed patterns).
    base : float, optional
        Logarithm base of the unnormalised value (2: bits).
    level : float, optional
        Credible level of Bayesian intervals (default 0.95).
    **options
        Passed to the estimator (e.g. ``a=`` for ``'pseudocount'``).

    Returns
    -------
    PermutationEntropy
        ``value`` with ``std`` and ``interval`` where the estimator has them.

    See Also
    --------
    infopix.estimators.entropy_from_counts : the estimators.

    Notes
    -----
    ``H = -sum_pi p(pi) log p(pi)`` over the patterns ``pi``; normalised
    ``H / log (dx dy)!``. The plug-in value equals ordpy's
    ``permutation_entropy(image, dx, dy, taux, tauy)``.

    References
    ----------
    .. [1] C. Bandt, B. Pompe, Phys. Rev. Lett. 88, 174102 (2002).
    .. [2] I. Nemenman, F. Shafee, W. Bialek, NIPS 14 (2002), arXiv:physics/0108025.

    Examples
    --------
    >>> import numpy as np
    >>> from infopix.patterns import permutation_entropy
    >>> ramp = np.add.outer(np.arange(8), 10 * np.arange(8))
    >>> permutation_entropy(ramp).value                      # one pattern
    0.0
    >>> img = np.random.default_rng(0).random((256, 256))
    >>> h = permutation_entropy(img, dx=2, dy=2)                 # 24 patterns, well sampled
    >>> bool(0.999 < h.value <= 1.0)
    True
    """
    from ..estimators import entropy_from_counts

    dist = _as_distribution(image, dx, dy, taux, tauy, ties, rng, overlapping, dz, tauz)
    if not isinstance(normalized, (bool, np.bool_)):
        raise TypeError(f"`normalized` expects True or False, got {normalized!r}.")
    b = v.check_base(base)
    est = entropy_from_counts(dist.counts, estimator=estimator, base=b, n_outcomes=dist.n_outcomes, level=level, **options)
    scale = math.log(dist.n_outcomes) / math.log(b) if normalized else 1.0
    return PermutationEntropy(
        value=est.value / scale + 0.0,
        std=None if est.std is None else est.std / scale,
        interval=None if est.interval is None else (est.interval[0] / scale, est.interval[1] / scale),
        estimator=est.estimator,
        normalized=bool(normalized),
        base=b,
        n_outcomes=dist.n_outcomes,
        n_windows=dist.n_windows,
        n_observed=dist.n_observed,
        level=est.level,
        estimate=est,
    )


# ---------------------------------------------------------------------------------------
# statistical complexity and the complexity-entropy plane
# ---------------------------------------------------------------------------------------


def _xlogx(x):
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x > 0, x * np.log(np.where(x > 0, x, 1.0)), 0.0)


def _js_max(K: float) -> float:
    """Largest Jensen-Shannon divergence from the uniform law (a delta), nats."""
    return -0.5 * (((K + 1) / K) * math.log(K + 1) + math.log(K) - 2 * math.log(2 * K))


def _plane_point(p: np.ndarray, K: int) -> tuple[float, float, float]:
    """(H / log K, C, Q) of a distribution given by its nonzero probabilities ``p``.

    JS(P, U) = S((P+U)/2) - S(P)/2 - S(U)/2 written as a sum of per-state terms,
    ``1/2 sum_i [p_i log(2 p_i / (p_i + u)) + u log(2 u / (p_i + u))]`` (u = 1/K), the
    K - m absent states contributing ``u log 2 / 2`` each.
    """
    Kf = float(K)
    u = 1.0 / Kf
    logK = math.log(Kf)
    h = -float(np.sum(p * np.log(p))) / logK
    m = p.size
    js = 0.5 * (float(np.sum(p * np.log(2 * p / (p + u)))) + u * float(np.sum(np.log(2 * u / (p + u)))))
    js += 0.5 * (Kf - m) * u * math.log(2.0)
    q = js / _js_max(Kf)
    return h + 0.0, h * q + 0.0, q


def statistical_complexity(image, *, dx=2, dy=2, taux=1, tauy=1, ties="stable", rng=None, overlapping=True, dz=None, tauz=1) -> float:
    """Statistical complexity C = H Q of the ordinal patterns (Rosso et al. 2007).

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray, or OrdinalDistribution
        The image, or its patterns (then the other parameters are ignored).
    dx, dy, taux, tauy, ties, rng, overlapping, dz, tauz
        As in :func:`ordinal_distribution` (``dz`` for a (Z, M, N) volume).

    Returns
    -------
    C : float
        In [0, 1). A plug-in functional of the empirical pattern distribution, with no
        uncertainty attached (biased when most patterns are unobserved, e.g. 3x3 and
        larger on small images).

    See Also
    --------
    complexity_entropy_plane : C with the normalised entropy and the bounding curves.

    Notes
    -----
    ``C = H[P] Q[P, U]`` with ``H`` the normalised Shannon entropy and
    ``Q = JS(P, U) / JS_max`` the Jensen-Shannon divergence from the uniform law
    ``U`` over the K = (dx dy)! patterns, divided by its maximum (reached by a delta),
    ``JS_max = -1/2 [(K+1)/K log(K+1) + log K - 2 log 2K]`` (natural logs; the ratio
    does not depend on the base). Equals ordpy's ``complexity_entropy(...)[1]``.

    References
    ----------
    .. [1] O. A. Rosso, H. A. Larrondo, M. T. Martin, A. Plastino, M. A. Fuentes,
       Phys. Rev. Lett. 99, 154102 (2007), doi:10.1103/PhysRevLett.99.154102.
    .. [2] H. V. Ribeiro et al., PLoS ONE 7, e40689 (2012).

    Examples
    --------
    >>> import numpy as np
    >>> from infopix.patterns import statistical_complexity
    >>> statistical_complexity(np.add.outer(np.arange(8), np.arange(8)))   # one pattern: H = 0
    0.0
    """
    return complexity_entropy_plane(
        image, dx=dx, dy=dy, taux=taux, tauy=tauy, ties=ties, rng=rng, overlapping=overlapping, dz=dz, tauz=tauz
    ).complexity


@dataclass(frozen=True, eq=False)
class ComplexityCurves:
    """Exact points of the minimum and maximum complexity curves for K outcomes.

    Attributes
    ----------
    n_outcomes : int
        K.
    minimum, maximum : (n, 2) ndarray
        ``(H, C)`` pairs, increasing in H.
    min_p : (n,) ndarray
        For each ``minimum`` point, the probability ``p`` of the one state; the other
        K - 1 states have ``(1 - p)/(K - 1)`` each.
    max_p, max_support : (n,) ndarray
        For each ``maximum`` point, ``p`` and the support size ``s``: one state has
        ``p`` in [0, 1/s], ``s - 1`` states ``(1 - p)/(s - 1)``, the rest 0.
    """

    n_outcomes: int
    minimum: np.ndarray
    maximum: np.ndarray
    min_p: np.ndarray
    max_p: np.ndarray
    max_support: np.ndarray


def _family(p, k, K):
    """(H / log K, C) of one state with probability ``p``, ``k`` with ``(1-p)/k``, the rest 0.

    Closed forms (vectorised over ``p`` and ``k``), u = 1/K:
    ``S = -p log p - (1-p) log((1-p)/k)``;
    ``2 JS = p log(2p/(p+u)) + (1-p) log(2q/(q+u)) + u [log(2u/(p+u)) + k log(2u/(q+u))
    + (K-1-k) log 2]``, q = (1-p)/k.
    """
    p = np.asarray(p, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    Kf = float(K)
    u = 1.0 / Kf
    q = (1.0 - p) / k
    S = -_xlogx(p) - k * _xlogx(q)
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(p > 0, p * np.log(2 * p / (p + u)), 0.0)
        t2 = np.where(q > 0, k * q * np.log(2 * q / (q + u)), 0.0)
    js = 0.5 * (t1 + t2 + u * (np.log(2 * u / (p + u)) + k * np.log(2 * u / (q + u)) + (Kf - 1 - k) * math.log(2.0)))
    H = np.clip(S / math.log(Kf), 0.0, 1.0) + 0.0  # rounding: -0.0 and 1 + 1e-16
    return H, np.maximum(H * js / _js_max(Kf), 0.0) + 0.0


def complexity_curves(n_outcomes, *, n_points=200) -> ComplexityCurves:
    """The minimum and maximum statistical complexity at given entropy (Martin et al. 2006).

    Parameters
    ----------
    n_outcomes : int
        K >= 2, the number of possible patterns ((dx dy)!).
    n_points : int, optional
        Points on the minimum curve and, on the maximum curve, per family of
        distributions (default 200; at least 2).

    Returns
    -------
    ComplexityCurves
        Exact ``(H, C)`` points with the parameters of the distributions that reach them.

    Notes
    -----
    The minimum at given H is reached by ``p_1 = p``, ``p_j = (1-p)/(K-1)``,
    ``p in [1/K, 1]``; the maximum by the families with ``s`` states in the support,
    ``p_1 = p in [0, 1/s]``, ``s - 1`` states at ``(1-p)/(s-1)``, ``s = 2 .. K``
    (Martin, Plastino & Rosso 2006; ordpy's ``minimum_complexity_entropy`` and
    ``maximum_complexity_entropy`` sample the same families). Every returned point is
    exact (closed forms in ``_family``); for K > 5000 the maximum curve is sampled at
    about 600 support sizes spaced geometrically, so a line joining the points cuts
    slightly under the true curve between them.

    References
    ----------
    .. [1] M. T. Martin, A. Plastino, O. A. Rosso, Physica A 369, 439 (2006),
       doi:10.1016/j.physa.2005.11.053.

    Examples
    --------
    >>> from infopix.patterns import complexity_curves
    >>> c = complexity_curves(24)
    >>> [c.minimum[0].tolist(), c.minimum[-1].tolist()]       # delta, then uniform
    [[0.0, 0.0], [1.0, 0.0]]
    >>> bool((c.maximum[:, 1] >= -1e-15).all() and c.maximum[:, 1].max() < 0.5)
    True
    """
    K = v.check_positive_int(n_outcomes, name="n_outcomes", minimum=2)
    n = v.check_positive_int(n_points, name="n_points", minimum=2)
    t = np.linspace(0.0, 1.0, n)
    # denser near the uniform end (H changes fastest with p there when K is large)
    pmin = 1.0 / K + (1.0 - 1.0 / K) * t**3
    Hmin, Cmin = _family(pmin, K - 1, K)
    omin = np.argsort(Hmin, kind="stable")
    Hmin, Cmin, pmin = Hmin[omin], Cmin[omin], pmin[omin]
    if K <= 5000:
        supports = np.arange(2, K + 1, dtype=np.float64)
    else:
        supports = np.unique(np.round(np.geomspace(2, K, 600)))
    s = np.repeat(supports, n)
    pmax = np.tile(t, supports.size) / s
    Hmax, Cmax = _family(pmax, s - 1, K)
    order = np.argsort(Hmax, kind="stable")
    return ComplexityCurves(
        K,
        np.column_stack([Hmin, Cmin]),
        np.column_stack([Hmax[order], Cmax[order]]),
        pmin,
        pmax[order],
        s[order],
    )


@dataclass(frozen=True)
class ComplexityEntropyPlane:
    """An image's point in the complexity-entropy plane.

    Attributes
    ----------
    entropy : float
        Normalised plug-in permutation entropy H in [0, 1].
    complexity : float
        Statistical complexity C = H Q.
    disequilibrium : float
        Q = JS(P, U) / JS_max in [0, 1].
    n_outcomes : int
        K = (dx dy)!.
    dx, dy, taux, tauy : int
        The pattern's size and delays.
    n_windows, n_observed : int
        Windows counted and distinct patterns.
    dz : int
        Pattern depth of a volume's patterns (1 for an image).

    Notes
    -----
    Plug-in functionals of the empirical distribution: no uncertainty is attached.
    """

    entropy: float
    complexity: float
    disequilibrium: float
    n_outcomes: int
    dx: int
    dy: int
    taux: int
    tauy: int
    n_windows: int
    n_observed: int
    dz: int = 1

    def plot(self, ax=None, *, label="image"):
        """The plane with the exact minimum and maximum curves and this image's point."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 3.8))
        c = complexity_curves(self.n_outcomes)
        ax.plot(c.minimum[:, 0], c.minimum[:, 1], color="0.4", lw=1, label="minimum C")
        ax.plot(c.maximum[:, 0], c.maximum[:, 1], color="0.4", lw=1, ls="--", label="maximum C")
        ax.plot([self.entropy], [self.complexity], "o", color="C3", label=f"{label} (H={self.entropy:.3f}, C={self.complexity:.3f})")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, None)
        ax.set_xlabel("normalised permutation entropy H")
        ax.set_ylabel("statistical complexity C")
        size = (f"{self.dz}x" if self.dz > 1 else "") + f"{self.dy}x{self.dx}"
        ax.set_title(f"Complexity-entropy plane, {size} patterns")
        ax.legend(fontsize="small")
        return ax


def complexity_entropy_plane(image, *, dx=2, dy=2, taux=1, tauy=1, ties="stable", rng=None, overlapping=True, dz=None, tauz=1) -> ComplexityEntropyPlane:
    """Normalised permutation entropy and statistical complexity of an image.

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray, or OrdinalDistribution
        The image, or its patterns (then the other parameters are ignored).
    dx, dy, taux, tauy, ties, rng, overlapping, dz, tauz
        As in :func:`ordinal_distribution` (``dz`` for a (Z, M, N) volume).

    Returns
    -------
    ComplexityEntropyPlane
        ``(entropy, complexity)`` with ``.plot()`` drawing the exact bounding curves
        (:func:`complexity_curves`).

    Notes
    -----
    See :func:`statistical_complexity`; equals ordpy's ``complexity_entropy``.

    References
    ----------
    .. [1] O. A. Rosso et al., Phys. Rev. Lett. 99, 154102 (2007).
    .. [2] L. Zunino, H. V. Ribeiro, Chaos Solitons Fractals 91, 679 (2016),
       doi:10.1016/j.chaos.2016.08.002.

    Examples
    --------
    >>> import numpy as np
    >>> from infopix.patterns import complexity_entropy_plane
    >>> pt = complexity_entropy_plane(np.random.default_rng(1).random((200, 200)))
    >>> bool(pt.entropy > 0.999 and pt.complexity < 0.002)     # noise: H near 1, C near 0
    True
    """
    dist = _as_distribution(image, dx, dy, taux, tauy, ties, rng, overlapping, dz, tauz)
    h, c, q = _plane_point(dist.probabilities, dist.n_outcomes)
    return ComplexityEntropyPlane(
        h, c, q, dist.n_outcomes, dist.dx, dist.dy, dist.taux, dist.tauy, dist.n_windows, dist.n_observed, dist.dz
    )


# ---------------------------------------------------------------------------------------
# Fisher-Shannon plane and missing patterns
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FisherShannon:
    """An image's point in the Fisher-Shannon plane.

    Attributes
    ----------
    entropy : float
        Normalised plug-in permutation entropy H in [0, 1].
    fisher : float
        Fisher information F in [0, 1] (ordpy's convention, see
        :func:`fisher_shannon`).
    n_outcomes : int
        K = (dx dy)!.
    n_windows, n_observed : int
        Windows counted and distinct patterns.

    Notes
    -----
    Plug-in functionals of the empirical distribution: no uncertainty is attached.
    """

    entropy: float
    fisher: float
    n_outcomes: int
    n_windows: int
    n_observed: int

    def plot(self, ax=None, *, label="image"):
        """The image's point in the (H, F) plane."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 3.8))
        ax.plot([self.entropy], [self.fisher], "o", color="C3", label=f"{label} (H={self.entropy:.3f}, F={self.fisher:.3f})")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.05)
        ax.set_xlabel("normalised permutation entropy H")
        ax.set_ylabel("Fisher information F")
        ax.set_title(f"Fisher-Shannon plane, K = {self.n_outcomes:.4g}")
        ax.legend(fontsize="small")
        return ax


def fisher_shannon(image, *, dx=2, dy=2, taux=1, tauy=1, ties="stable", rng=None, overlapping=True, dz=None, tauz=1) -> FisherShannon:
    """Normalised permutation entropy and Fisher information of the ordinal patterns.

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray, or OrdinalDistribution
        The image, or its patterns (then the other parameters are ignored).
    dx, dy, taux, tauy, ties, rng, overlapping, dz, tauz
        As in :func:`ordinal_distribution` (``dz`` for a (Z, M, N) volume).

    Returns
    -------
    FisherShannon

    Notes
    -----
    ``F = F_0 sum_{i=1}^{K-1} (sqrt(p_{i+1}) - sqrt(p_i))^2`` over all K patterns in
    the lexicographic order of their permutations (the order of the pattern codes),
    with ``F_0 = 1`` when one pattern has probability 1 (then F = 1) and ``F_0 = 1/2``
    otherwise, as ordpy's ``fisher_shannon`` (Olivares, Plastino & Rosso 2012). The
    value depends on that ordering of the patterns; unobserved patterns count as 0.
    Computed from the occurring patterns only: ``2F = sum_i p_i d_i - 2 sum
    sqrt(p_i p_{i+1})`` over occurring neighbours, ``d_i`` the number of neighbours
    of rank i in ``0 .. K-1``.

    References
    ----------
    .. [1] F. Olivares, A. Plastino, O. A. Rosso, Physica A 391, 2518 (2012),
       doi:10.1016/j.physa.2011.12.033.

    Examples
    --------
    >>> import numpy as np
    >>> from infopix.patterns import fisher_shannon
    >>> fisher_shannon(np.add.outer(np.arange(6), np.arange(6))).fisher   # one pattern
    1.0
    """
    dist = _as_distribution(image, dx, dy, taux, tauy, ties, rng, overlapping, dz, tauz)
    p = dist.probabilities
    h = _plane_point(p, dist.n_outcomes)[0]
    if dist.n_observed == 1:
        return FisherShannon(h, 1.0, dist.n_outcomes, dist.n_windows, 1)
    codes = dist.codes
    deg = (codes > 0).astype(np.float64) + (codes < dist.n_outcomes - 1)
    adj = np.flatnonzero(np.diff(codes) == 1)
    cross = float(np.sum(np.sqrt(p[adj] * p[adj + 1])))
    F = 0.5 * (float(np.sum(p * deg)) - 2.0 * cross)
    return FisherShannon(h, max(F, 0.0) + 0.0, dist.n_outcomes, dist.n_windows, dist.n_observed)


@dataclass(frozen=True, eq=False)
class MissingPatterns:
    """Ordinal patterns that never occur.

    Attributes
    ----------
    n_missing : int
        Number of the K possible patterns absent from the image.
    fraction : float
        ``n_missing / K`` (exact count, no uncertainty; compare :attr:`expected_fraction`).
    n_outcomes : int
        K = (dx dy)!.
    n_windows : int
        Windows counted.
    expected_fraction : float
        The fraction expected to be missing from as many *independent* windows of
        i.i.d. continuous noise, ``(1 - 1/K)^n_windows`` (exact for
        ``overlapping=False``; overlapping windows are correlated, so for them it is a
        reference, not an exact expectation): missing patterns well beyond it point
        to structure (forbidden patterns), not to undersampling.
    codes : (n_missing,) ndarray of int64 or None
        The missing patterns' codes (K <= 9! only; ``None`` for larger patterns).
    n_elements : int
        dx * dy * dz.
    """

    n_missing: int
    fraction: float
    n_outcomes: int
    n_windows: int
    expected_fraction: float
    codes: np.ndarray | None
    n_elements: int

    def patterns(self) -> np.ndarray:
        """The missing patterns as permutations, ``(n_missing, n_elements)`` int64."""
        if self.codes is None:
            raise ValueError(
                f"the list of missing patterns is kept only for K <= 9! ({_MISSING_LIST_MAX}); "
                f"K = {self.n_outcomes} here: use `n_missing` and `fraction`."
            )
        return _k.decode_lehmer(self.codes, self.n_elements, _k.FACTORIALS)

    def plot(self, ax=None):
        """Observed and missing fractions, with the fraction noise would leave missing."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(4, 3))
        ax.bar(["observed", "missing"], [1 - self.fraction, self.fraction], color=["C0", "C3"])
        ax.axhline(self.expected_fraction, color="0.3", ls="--", lw=1, label="expected missing, independent noise windows")
        ax.set_ylim(0, 1)
        ax.set_ylabel(f"fraction of K = {self.n_outcomes:.4g} patterns")
        ax.legend(fontsize="small")
        return ax


def missing_patterns(image, *, dx=2, dy=2, taux=1, tauy=1, ties="stable", rng=None, overlapping=True, dz=None, tauz=1) -> MissingPatterns:
    """The ordinal patterns that never occur in an image.

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray, or OrdinalDistribution
        The image, or its patterns (then the other parameters are ignored).
    dx, dy, taux, tauy, ties, rng, overlapping, dz, tauz
        As in :func:`ordinal_distribution` (``dz`` for a (Z, M, N) volume).

    Returns
    -------
    MissingPatterns
        Their number, fraction and (for K <= 9!) their codes.

    References
    ----------
    .. [1] J. M. Amigo, S. Zambrano, M. A. F. Sanjuan, EPL 79, 50001 (2007),
       doi:10.1209/0295-5075/79/50001 (forbidden patterns).

    Examples
    --------
    >>> import numpy as np
    >>> from infopix.patterns import missing_patterns
    >>> m = missing_patterns(np.add.outer(np.arange(6), np.arange(6)))
    >>> m.n_missing, m.n_outcomes
    (23, 24)
    """
    dist = _as_distribution(image, dx, dy, taux, tauy, ties, rng, overlapping, dz, tauz)
    K = dist.n_outcomes
    n_missing = K - dist.n_observed
    codes = None
    if K <= _MISSING_LIST_MAX:
        mask = np.ones(K, dtype=bool)
        mask[dist.codes] = False
        codes = np.flatnonzero(mask).astype(np.int64)
    expected = math.exp(dist.n_windows * math.log1p(-1.0 / K))
    return MissingPatterns(n_missing, n_missing / K, K, dist.n_windows, expected, codes, dist.n_elements)
