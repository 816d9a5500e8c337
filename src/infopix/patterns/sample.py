"""Two-dimensional sample, fuzzy, distribution and dispersion entropies.

The definitions (and, where sensible, the defaults) are EntropyHub's ``SampEn2D``,
``FuzzEn2D``, ``DistEn2D`` and ``DispEn2D`` (Flood & Grimm 2021), which follow Silva
et al. 2016, Hilal & Humeau-Heurtier 2019, Azami et al. 2017 and Azami et al. 2019.
What differs is the counting: sample entropy counts template matches exactly without
comparing all pairs (a grid of r-cells, or a dual-tree traversal of a k-d tree of the
templates with identical templates grouped), and no image is too large by decree. Fuzzy and
distribution entropies are sums over all pairs of templates by definition; their
compiled loops cost O(P^2) for P templates (12 s for FuzzEn2D and 8 s for DistEn2D
of a 128 x 128 image on two cores busy with other work, FuzzEn2D's default membership
about 2.5x faster since; 16 times that at 256 x 256).

EntropyHub's default template size is ``floor(H/10) x floor(W/10)``; here ``m = 2``
(the value of the original papers); pass ``m=(H // 10, W // 10)`` for EntropyHub's.
EntropyHub requires ``m > 1``; here ``m >= 1``.
"""

from __future__ import annotations

import itertools
import math
import numbers
import operator
from dataclasses import dataclass

import numpy as np

from .. import _validation as v
from .._kernels import patterns as _kp
from .._kernels import sample_entropy as _k

__all__ = [
    "DispersionEntropy2D",
    "DistributionEntropy2D",
    "FuzzyEntropy2D",
    "SampleEntropy2D",
    "dispersion_entropy_2d",
    "distribution_entropy_2d",
    "fuzzy_entropy_2d",
    "sample_entropy_2d",
]

#: membership functions with two parameters (EntropyHub asserts a tuple for these)
_TWO_PARAM = ("default", "sigmoid", "modsampen", "bell", "trapezoidal2")
_BINS = ("sturges", "sqrt", "rice", "doanes")
_MAPPINGS = ("ncdf", "linear", "equal")


# ---------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------


def _check_m(m) -> tuple[int, int]:
    msg = f"`m` expects a template size: an integer >= 1 or a pair (mL, mW) of integers >= 1, got {m!r}."
    if isinstance(m, (tuple, list, np.ndarray)):
        vals = list(np.asarray(m).ravel()) if isinstance(m, np.ndarray) else list(m)
        if len(vals) != 2:
            raise ValueError(msg)
    else:
        vals = [m, m]
    out = []
    for x in vals:
        if isinstance(x, (bool, np.bool_)):
            raise TypeError(msg)
        try:
            i = operator.index(x)
        except TypeError:
            raise TypeError(msg) from None
        if i < 1:
            raise ValueError(msg)
        out.append(int(i))
    return out[0], out[1]


def _check_image(image) -> np.ndarray:
    arr = v.check_image(image, ndim=(2,), min_pixels=1)
    v.check_finite_or_masked(arr, None)
    return np.ascontiguousarray(arr, dtype=np.float64)


def _positions(shape, mL, mW, tau, extent) -> tuple[int, int]:
    """Template positions (NL, NW) for templates spanning ``extent`` delays + 1."""
    H, W = shape
    eL, eW = extent
    NL, NW = H - eL * tau, W - eW * tau
    if NL < 1 or NW < 1 or NL * NW < 2:
        raise ValueError(
            f"`image` of shape {shape} is too small for `m` = ({mL}, {mW}) with `tau` = {tau}: "
            f"a template spans {eL * tau + 1} x {eW * tau + 1} pixels and at least two templates "
            f"are needed; pass a smaller `m` or `tau`, or a larger image."
        )
    return NL, NW


def _check_tolerance(x, *, name="r") -> float:
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
        raise TypeError(f"`{name}` expects a positive number (a tolerance in the image's units), got {x!r}.")
    f = float(x)
    if not np.isfinite(f) or f <= 0:
        raise ValueError(f"`{name}` expects a positive number (a tolerance in the image's units), got {x!r}.")
    return f


def _default_r(img) -> float:
    sd = float(np.std(img))
    if sd == 0:
        raise ValueError(
            "`r` defaults to 0.2 x the image's standard deviation, which is 0 for a constant image; "
            "pass `r` > 0."
        )
    return 0.2 * sd


def _offsets(eL, eW):
    """Row and column offsets (in delays) of an (eL x eW) template, row-major."""
    dy, dx = np.divmod(np.arange(eL * eW, dtype=np.int64), eW)
    return np.ascontiguousarray(dy), np.ascontiguousarray(dx)


# ---------------------------------------------------------------------------------------
# exact match counts
# ---------------------------------------------------------------------------------------


#: distinct templates below which the dual-tree count runs on one thread
_SERIAL_BELOW = 20_000
#: rows per k-d tree leaf
_LEAF_SIZE = 6
#: the dual-tree count is split into the node pairs of a frontier of about this many nodes
_FRONTIER = 48


def _frontier(left, right, start, end):
    """Nodes partitioning the rows: breadth-first until about ``_FRONTIER`` nodes."""
    front = [0]
    while len(front) < _FRONTIER:
        nxt, split = [], False
        for n in front:
            if left[n] >= 0:
                nxt += [int(left[n]), int(right[n])]
                split = True
            else:
                nxt.append(n)
        front = nxt
        if not split:
            break
    return front


def _match_count(X: np.ndarray, r: float) -> int:
    """Unordered pairs of rows of X (P, d) at Chebyshev distance < r, exactly.

    Identical rows are grouped with their multiplicities; one element: a sort and a
    binary search per value; more: a dual-tree traversal of a k-d tree (node pairs
    surely apart skipped, surely within r counted whole).
    """
    if X.shape[1] == 1:
        xs, w = np.unique(X[:, 0], return_counts=True)
        return int(_k.count_matches_1d(np.ascontiguousarray(xs), w.astype(np.int64), r))
    bits = np.ascontiguousarray(X + 0.0).view(np.uint64)  # + 0.0: -0.0 hashes as 0.0
    h = _k.row_hashes(bits)
    order = np.argsort(h, kind="stable")
    U, w = _k.group_rows(X, order, h)
    perm, lo, hi, start, end, left, right, W = _k.build_kdtree(U, w, _LEAF_SIZE)
    Xs = np.ascontiguousarray(U[perm])
    ws = np.ascontiguousarray(w[perm])
    front = _frontier(left, right, start, end)
    ii, jj = np.triu_indices(len(front))
    tasks = np.column_stack([np.asarray(front)[ii], np.asarray(front)[jj]]).astype(np.int64)
    # a fixed shuffle balances the threads' shares (integer sums: the order is immaterial)
    tasks = np.ascontiguousarray(tasks[np.random.default_rng(0).permutation(len(tasks))])
    count = _k.count_pairs_tree if len(U) > _SERIAL_BELOW else _k.count_pairs_tree_serial
    return int(count(Xs, ws, lo, hi, start, end, left, right, W, tasks, r))


#: grid method: most grid dimensions (3**4 = 81 neighbour cells per template)
_MAX_GRID_DIMS = 4


def _counts_grid(img, mL, mW, tau, r):
    """(A, B) = pairs matching as m- and as (m+1)-templates, by a grid of r-cells on the
    first (up to 4) m-template elements, only same and adjacent cells compared (both
    counts in one pass; kernels :func:`infopix._kernels.patterns.gather_templates` and
    ``count_template_matches``)."""
    X = _kp.gather_templates(img, mL, mW, tau)
    P = X.shape[0]
    dm = mL * mW
    side = r * (1 + 1e-7)
    lo, hi = float(img.min()), float(img.max())
    ncell = int(math.floor((hi - lo) / side)) + 1
    d = min(_MAX_GRID_DIMS, dm)
    budget = max(1 << 12, 4 * P)
    while d > 0 and ncell**d > budget:
        d -= 1
    if ncell == 1:
        d = 0
    if d:
        cells = np.clip(np.floor((X[:, :d] - lo) / side), 0, ncell - 1).astype(np.int64)
        keys = cells @ (ncell ** np.arange(d - 1, -1, -1, dtype=np.int64))
        order = np.argsort(keys, kind="stable")
        X = np.ascontiguousarray(X[order])
        cells = np.ascontiguousarray(cells[order])
        starts = np.searchsorted(keys[order], np.arange(ncell**d + 1, dtype=np.int64)).astype(np.int64)
    else:
        cells = np.zeros((P, 0), dtype=np.int64)
        starts = np.array([0, P], dtype=np.int64)
    offsets = np.array(list(itertools.product((-1, 0, 1), repeat=d)), dtype=np.int64).reshape(3**d, d)
    A1, Am = _kp.count_template_matches(X, dm, r, cells, max(ncell, 1), d, starts, offsets)
    return int(Am), int(A1)


def _counts_tree(img, mL, mW, tau, r):
    """(A, B) by the dual-tree traversal, once for the m- and once for the (m+1)-templates."""
    NL, NW = img.shape[0] - mL * tau, img.shape[1] - mW * tau
    dy, dx = _offsets(mL + 1, mW + 1)
    T = _k.templates(img, NL, NW, tau, dy, dx)
    mcols = [a * (mW + 1) + b for a in range(mL) for b in range(mW)]
    allcols = mcols + [c for c in range(T.shape[1]) if c not in mcols]
    A = _match_count(np.ascontiguousarray(T[:, mcols]), r)
    B = _match_count(np.ascontiguousarray(T[:, allcols]), r) if A else 0
    return A, B


# ---------------------------------------------------------------------------------------
# sample entropy
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleEntropy2D:
    """Two-dimensional sample entropy and its match counts.

    Attributes
    ----------
    value : float
        ``-log(B / A)`` in units of ``base`` (``inf`` if B = 0, NaN if A = 0).
    std_independent : float
        ``sqrt((1 - B/A) / B) / ln(base)``: the binomial standard error of ``value`` if
        the A matched m-pairs were independent trials of extension. They are not
        (every template is in P - 1 pairs, and overlapping templates share pixels): on
        128 x 128 noise the scatter of ``value`` between images is about 100 times
        larger. Not an uncertainty of ``value``; see ``uncertainty``.
    count_m, count_m1 : int
        A and B: unordered pairs of templates whose m-templates (mL x mW) and
        (m+1)-templates ((mL+1) x (mW+1)) lie within Chebyshev distance < r.
    n_templates, n_pairs : int
        P = NL * NW template positions and P (P - 1) / 2 pairs.
    phi_m, phi_m1 : float
        A / n_pairs and B / n_pairs (EntropyHub's ``Phi1``, ``Phi2``).
    m : (int, int)
        Template size (mL, mW).
    tau : int
        Delay.
    r : float
        Tolerance (image units).
    base : float
        Logarithm base.
    uncertainty : str
        That no sampling uncertainty is attached, and why.
    """

    value: float
    std_independent: float
    count_m: int
    count_m1: int
    n_templates: int
    n_pairs: int
    phi_m: float
    phi_m1: float
    m: tuple[int, int]
    tau: int
    r: float
    base: float
    uncertainty: str = (
        "no sampling uncertainty attached: the counts are exact; std_independent (pairs taken as "
        "independent) understates the scatter between images by orders of magnitude"
    )

    @property
    def matches_m(self) -> int:
        """``count_m`` (pairs matching as m-templates)."""
        return self.count_m

    @property
    def matches_m1(self) -> int:
        """``count_m1`` (pairs matching as (m+1)-templates)."""
        return self.count_m1

    @property
    def phi(self) -> tuple[float, float]:
        """``(phi_m, phi_m1)``, EntropyHub's ``(Phi1, Phi2)``."""
        return self.phi_m, self.phi_m1


def sample_entropy_2d(image, *, m=2, tau=1, r=None, base=np.e, method="grid") -> SampleEntropy2D:
    """Two-dimensional sample entropy (SampEn2D) with exact match counts.

    Parameters
    ----------
    image : (H, W) ndarray
        Grey image (bool, integer or float; NaN and inf rejected).
    m : int or (int, int), optional
        Template size (mL, mW) >= 1 (default 2). EntropyHub's default is
        ``(H // 10, W // 10)``.
    tau : int, optional
        Delay between template elements (default 1).
    r : float, optional
        Tolerance: two templates match when every element differs by less than ``r``
        (Chebyshev distance, strict). Default ``0.2 * np.std(image)`` (population
        standard deviation), as EntropyHub.
    base : float, optional
        Logarithm base (default e: nats).
    method : {'grid', 'tree'}, optional
        How the exact counts are found (same counts either way): ``'grid'`` (default,
        fastest when few pairs match, e.g. noise) or ``'tree'`` (a dual-tree
        traversal that counts whole groups of matching templates: faster on smooth
        images where a large fraction of all pairs match). See Notes.

    Returns
    -------
    SampleEntropy2D
        The value and the exact counts A and B (no sampling uncertainty attached; see
        ``std_independent`` for why the counts' binomial error is not one).

    Raises
    ------
    ValueError
        ``m < 1``, ``tau < 1``, ``r <= 0``, an image smaller than a template (or with
        a single template), a constant image with the default ``r``, NaN pixels.
    TypeError
        Non-integer ``m`` or ``tau``, non-numeric ``r`` or image.

    See Also
    --------
    fuzzy_entropy_2d, distribution_entropy_2d, dispersion_entropy_2d

    Notes
    -----
    The (m+1)-templates are the ``(mL+1) x (mW+1)`` blocks
    ``image[k + a*tau, n + b*tau]`` (a <= mL, b <= mW) at all
    ``NL * NW = (H - mL*tau) (W - mW*tau)`` positions; their m-templates are their
    top-left ``mL x mW`` parts (EntropyHub's definition, Silva et al. 2016). A counts
    the unordered pairs whose m-templates match, B those whose (m+1)-templates match,
    and ``SampEn2D = -log(B / A)``.

    Counting, ``method='grid'``: templates are sorted into grid cells of side
    ``r (1 + 1e-7)`` on their first (up to 4) elements (fewer when the grid would exceed
    ``max(2**12, 4P)`` cells); matching templates lie in the same or adjacent cells, so
    only those are compared, each pair once, A and B in one pass (kernel
    :func:`infopix._kernels.patterns.count_template_matches`); the cost follows the
    number of close pairs. ``method='tree'`` (kernel
    :func:`infopix._kernels.sample_entropy.count_pairs_tree`, once for A and once for
    B): identical templates are grouped with their multiplicities
    (w templates at distance 0 give w (w - 1) / 2 pairs); the distinct ones go into a
    k-d tree (median splits, at most 6 per leaf), and a dual-tree traversal skips the pairs
    of nodes whose bounding boxes are r or more apart on some element, counts whole
    the pairs of nodes whose boxes lie within r on every element (a smooth region's
    near-identical templates), and compares row by row only what is left. The counts
    are exact; the work grows with the templates near the tolerance boundary rather
    than with P^2, parallel over node pairs of the tree's upper levels.
    With m = 1 the m-templates are single pixels and A comes from one sort.

    On i.i.d. U(0, 1) pixels two distinct pixels differ by less than r with
    probability ``2r - r^2``, so B / A tends to ``(2r - r^2)^((mL+1)(mW+1) - mL mW)``.

    References
    ----------
    .. [1] L. E. V. Silva, A. C. S. Senra Filho, V. P. S. Fazan, J. C. Felipe,
       L. O. Murta Jr, Biomed. Phys. Eng. Express 2, 045002 (2016),
       doi:10.1088/2057-1976/2/4/045002.
    .. [2] M. W. Flood, B. Grimm, PLoS ONE 16, e0259448 (2021) (EntropyHub),
       doi:10.1371/journal.pone.0259448.

    Examples
    --------
    >>> import numpy as np
    >>> from infopix.patterns import sample_entropy_2d
    >>> img = np.random.default_rng(1).random((128, 128))
    >>> se = sample_entropy_2d(img, m=1, r=0.5)
    >>> # i.i.d. U(0,1): -((m+1)^2 - m^2) log(2r - r^2) = -3 log(0.75) = 0.863; between
    >>> # 128 x 128 images the value scatters by about 0.01
    >>> bool(abs(se.value + 3 * np.log(0.75)) < 0.05)
    True
    >>> sample_entropy_2d(np.zeros((8, 8)), r=0.1).value   # every template matches
    0.0
    """
    mL, mW = _check_m(m)
    tau = v.check_positive_int(tau, name="tau")
    method = v.check_choice(method, ("grid", "tree"), name="method")
    img = _check_image(image)
    NL, NW = _positions(img.shape, mL, mW, tau, (mL, mW))
    r = _default_r(img) if r is None else _check_tolerance(r)
    base = v.check_base(base)
    A, B = (_counts_grid if method == "grid" else _counts_tree)(img, mL, mW, tau, r)

    P = NL * NW
    Ny = P * (P - 1) // 2
    phi1, phi2 = A / Ny, B / Ny
    lb = math.log(base)
    if A == 0:
        value, std = math.nan, math.nan
    elif B == 0:
        value, std = math.inf, math.nan
    else:
        value = 0.0 - math.log(phi2 / phi1) / lb  # 0.0 - : no -0.0
        std = math.sqrt((1.0 - B / A) / B) / lb
    return SampleEntropy2D(value=value, std_independent=std, count_m=A, count_m1=B, n_templates=P, n_pairs=Ny,
                           phi_m=phi1, phi_m1=phi2, m=(mL, mW), tau=tau, r=r, base=base)


# ---------------------------------------------------------------------------------------
# fuzzy entropy
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FuzzyEntropy2D:
    """Two-dimensional fuzzy entropy.

    Attributes
    ----------
    value : float
        ``-log(sum_m1 / sum_m)`` in units of ``base``.
    sum_m, sum_m1 : float
        Sums over all template pairs of the membership of their Chebyshev distance
        (mean-removed m- and (m+1)-templates).
    n_templates, n_pairs : int
        P and P (P - 1) / 2.
    m : (int, int)
    tau : int
    r : tuple of float
        Membership parameters as used, ``(r1,)`` or ``(r1, r2)``.
    membership : str
    base : float
    uncertainty : str
        ``value`` is a deterministic functional of the image over all pairs: no
        uncertainty is attached.
    """

    value: float
    sum_m: float
    sum_m1: float
    n_templates: int
    n_pairs: int
    m: tuple[int, int]
    tau: int
    r: tuple
    membership: str
    base: float
    uncertainty: str = "none attached: an exact functional of the image over all template pairs"


def _check_membership_r(r, membership, img):
    if r is None:
        r0 = _default_r(img)
        return (r0, 2.0) if membership in _TWO_PARAM else (r0,)
    if isinstance(r, (tuple, list, np.ndarray)):
        vals = list(np.asarray(r, dtype=object).ravel())
    else:
        vals = [r]
    if membership in _TWO_PARAM and len(vals) != 2:
        raise ValueError(f"`r` expects a pair (r1, r2) for membership {membership!r} (EntropyHub's "
                         f"parameters; default (0.2 * std, 2)), got {r!r}.")
    if membership not in _TWO_PARAM:
        if membership == "gudermannian" and len(vals) == 2:
            vals = vals[:1]  # EntropyHub uses the first value
        if len(vals) != 1:
            raise ValueError(f"`r` expects one number for membership {membership!r}, got {r!r}.")
    out = []
    for i, x in enumerate(vals):
        if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real) or not np.isfinite(float(x)):
            raise TypeError(f"`r` expects finite numbers, got {r!r}.")
        out.append(float(x))
    if out[0] <= 0 and membership != "trapezoidal2":
        raise ValueError(f"`r` expects a positive first parameter (a tolerance) for membership "
                         f"{membership!r}, got {r!r}.")
    if membership == "trapezoidal2":
        lo, hi = min(out), max(out)
        if not hi > lo or lo < 0:
            raise ValueError(f"`r` expects two corner points 0 <= r1 != r2 for 'trapezoidal2', got {r!r}.")
        out = [lo, hi]
    return tuple(out)


def _templates_centred(img, mL, mW, tau):
    NL, NW = _positions(img.shape, mL, mW, tau, (mL, mW))
    dy, dx = _offsets(mL + 1, mW + 1)
    T = _k.templates(img, NL, NW, tau, dy, dx)
    T3 = T.reshape(-1, mL + 1, mW + 1)
    T1 = T3[:, :-1, :-1]
    X1 = np.ascontiguousarray((T1 - T1.mean(axis=(1, 2), keepdims=True)).reshape(len(T), -1))
    X2 = np.ascontiguousarray(T - T3.mean(axis=(1, 2))[:, None])
    return X1, X2, NL * NW


def fuzzy_entropy_2d(image, *, m=2, tau=1, r=None, membership="default", base=np.e) -> FuzzyEntropy2D:
    """Two-dimensional fuzzy entropy (FuzzEn2D), EntropyHub's definition.

    Parameters
    ----------
    image : (H, W) ndarray
        Grey image.
    m : int or (int, int), optional
        Template size (default 2; EntropyHub's default ``(H // 10, W // 10)``).
    tau : int, optional
        Delay (default 1).
    r : float or (float, float), optional
        Membership parameters, as EntropyHub's ``r`` (default ``(0.2 * std, 2)`` for
        the two-parameter functions, ``0.2 * std`` for the others).
    membership : str, optional
        EntropyHub's ``Fx``: ``'default'`` (``exp(-d^r2 / r1)``), ``'sigmoid'``,
        ``'modsampen'`` (both ``1 / (1 + exp((d - r2) / r1))``), ``'gudermannian'``
        (``atan(tanh(r / d))``, divided by its largest value in each row of pairs, as
        EntropyHub does), ``'bell'``, ``'gaussian'``, ``'constgaussian'``,
        ``'triangular'``, ``'trapezoidal1'``, ``'trapezoidal2'``, ``'z_shaped'``.
    base : float, optional
        Logarithm base (default e).

    Returns
    -------
    FuzzyEntropy2D

    Raises
    ------
    ValueError, TypeError
        As :func:`sample_entropy_2d`; an unknown ``membership``; ``r`` of the wrong
        length for the membership.

    Notes
    -----
    Templates as in :func:`sample_entropy_2d`, each minus its own mean; d is the
    Chebyshev distance; ``FuzzEn2D = -log(sum_{i<j} mu(d_ij^{m+1}) / sum_{i<j}
    mu(d_ij^m))``. Every pair enters (kernel
    :func:`infopix._kernels.sample_entropy.fuzzy_row_sums`): O(P^2) work, parallel
    over rows; one float per row, summed in a fixed order (deterministic). 12 s for
    128 x 128 on two busy cores, 16 times that at 256 x 256, days at 1024 x 1024.

    References
    ----------
    .. [1] M. Hilal, A. Humeau-Heurtier, Proc. 41st IEEE EMBC, 4089-4092 (2019),
       doi:10.1109/EMBC.2019.8857180.

    Examples
    --------
    >>> import numpy as np
    >>> from infopix.patterns import fuzzy_entropy_2d
    >>> img = np.random.default_rng(2).random((32, 32))
    >>> fe = fuzzy_entropy_2d(img)
    >>> bool(fe.value > 0), fe.n_templates == 30 * 30
    (True, True)
    """
    mL, mW = _check_m(m)
    tau = v.check_positive_int(tau, name="tau")
    membership = v.check_choice(membership, _k.MEMBERSHIPS, name="membership")
    img = _check_image(image)
    X1, X2, P = _templates_centred(img, mL, mW, tau)
    rr = _check_membership_r(r, membership, img)
    base = v.check_base(base)
    code = _k.MEMBERSHIPS.index(membership)
    r0 = rr[0]
    r1 = rr[1] if len(rr) > 1 else 0.0
    s1, s2 = _k.fuzzy_row_sums(X1, X2, code, r0, r1)
    S1, S2 = float(np.sum(s1)), float(np.sum(s2))
    value = -math.log(S2 / S1) / math.log(base) if S1 > 0 and S2 > 0 else (math.inf if S1 > 0 else math.nan)
    return FuzzyEntropy2D(value=value, sum_m=S1, sum_m1=S2, n_templates=P, n_pairs=P * (P - 1) // 2,
                          m=(mL, mW), tau=tau, r=rr, membership=membership, base=base)


# ---------------------------------------------------------------------------------------
# distribution entropy
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class DistributionEntropy2D:
    """Two-dimensional distribution entropy and the histogram of template distances.

    Attributes
    ----------
    value : float
        Entropy of the histogram of all pairwise Chebyshev distances, in units of
        ``base`` (divided by ``log(bins)`` when ``normalize >= 2``).
    counts : (bins,) ndarray of int64
        Histogram of the ``n_pairs`` distances.
    edges : (bins + 1,) ndarray of float64
        Bin edges (equal width from the smallest to the largest distance).
    bins : int
    n_templates, n_pairs : int
    m : (int, int)
    tau : int
    base : float
    normalize : int
        EntropyHub's ``Norm`` (0 to 3).
    uncertainty : str
    """

    value: float
    counts: np.ndarray
    edges: np.ndarray
    bins: int
    n_templates: int
    n_pairs: int
    m: tuple[int, int]
    tau: int
    base: float
    normalize: int
    uncertainty: str = "none attached: an exact functional of the image over all template pairs"

    def plot(self, ax=None):
        """The histogram of template distances."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 3.5))
        ax.stairs(self.counts / self.n_pairs, self.edges, fill=True, alpha=0.6)
        ax.set_xlabel("Chebyshev distance between templates")
        ax.set_ylabel("fraction of pairs")
        ax.set_title(f"DistEn2D = {self.value:.4g} (no uncertainty attached)")
        return ax


def _n_bins(bins, Ny, X, mn, mx_, sm):
    if isinstance(bins, str):
        b = bins.lower()
        if b not in _BINS:
            raise ValueError(f"`bins` expects an integer > 1 or one of {', '.join(_BINS)}, got {bins!r}.")
        if b == "sturges":
            return np.ceil(np.log2(Ny) + 1)
        if b == "rice":
            return np.ceil(2 * (Ny ** (1 / 3)))
        if b == "sqrt":
            return np.ceil(np.sqrt(Ny))
        # Doane: the distances' (biased) sample skewness, from two compiled passes
        mean = sm / Ny
        m2, m3 = _k.distance_central_moments(X, mean)
        M2, M3 = float(np.sum(m2)) / Ny, float(np.sum(m3)) / Ny
        g1 = M3 / M2**1.5 if M2 > 0 else 0.0
        sigma = np.sqrt(6 * (Ny - 2) / ((Ny + 1) * (Ny + 3)))
        return np.ceil(1 + np.log2(Ny) + np.log2(1 + abs(g1 / sigma)))
    if isinstance(bins, (bool, np.bool_)):
        raise TypeError(f"`bins` expects an integer > 1 or one of {', '.join(_BINS)}, got {bins!r}.")
    try:
        b = operator.index(bins)
    except TypeError:
        raise TypeError(f"`bins` expects an integer > 1 or one of {', '.join(_BINS)}, got {bins!r}.") from None
    if b < 2:
        raise ValueError(f"`bins` expects an integer > 1 or one of {', '.join(_BINS)}, got {bins!r}.")
    return b


def distribution_entropy_2d(image, *, m=2, tau=1, bins="sturges", base=2, normalize=2) -> DistributionEntropy2D:
    """Two-dimensional distribution entropy (DistEn2D), EntropyHub's definition.

    Parameters
    ----------
    image : (H, W) ndarray
        Grey image.
    m : int or (int, int), optional
        Template size (default 2; EntropyHub's default ``(H // 10, W // 10)``).
    tau : int, optional
        Delay (default 1).
    bins : int or {'sturges', 'sqrt', 'rice', 'doanes'}, optional
        Number of histogram bins or EntropyHub's rule for it (default ``'sturges'``:
        ``ceil(log2(n_pairs) + 1)``).
    base : float, optional
        Logarithm base (default 2, as EntropyHub).
    normalize : {0, 1, 2, 3}, optional
        EntropyHub's ``Norm``: 0 none; 1 rescale the image to [0, 1]; 2 (default) rescale
        the image and divide the entropy by ``log(bins)``; 3 divide only.

    Returns
    -------
    DistributionEntropy2D

    Raises
    ------
    ValueError, TypeError
        As :func:`sample_entropy_2d`; bad ``bins`` or ``normalize``; all distances equal
        (e.g. a constant image).

    Notes
    -----
    Templates are the ``mL x mW`` blocks at all ``(H - (mL-1) tau) (W - (mW-1) tau)``
    positions (no extension here). Every pairwise Chebyshev distance is binned in
    ``bins`` equal bins from the smallest to the largest (``[e_k, e_{k+1})``, the last
    closed, NumPy's rule); empty bins are dropped and the entropy of the bin
    frequencies taken. The distances are streamed, never stored: two compiled passes
    over all pairs (range, then histogram; a third for Doane's skewness), O(P^2) work
    (kernels :func:`infopix._kernels.sample_entropy.distance_range` and
    ``distance_histogram``).

    References
    ----------
    .. [1] H. Azami, J. Escudero, A. Humeau-Heurtier, IEEE Signal Process. Lett. 24,
       1338-1342 (2017), doi:10.1109/LSP.2017.2723505.

    Examples
    --------
    >>> import numpy as np
    >>> from infopix.patterns import distribution_entropy_2d
    >>> de = distribution_entropy_2d(np.random.default_rng(3).random((24, 24)))
    >>> bool(0 < de.value <= 1), int(de.counts.sum()) == de.n_pairs
    (True, True)
    """
    mL, mW = _check_m(m)
    tau = v.check_positive_int(tau, name="tau")
    if isinstance(normalize, (bool, np.bool_)) or normalize not in (0, 1, 2, 3):
        raise ValueError(f"`normalize` expects 0, 1, 2 or 3 (EntropyHub's Norm), got {normalize!r}.")
    base = v.check_base(base)
    img = _check_image(image)
    NL, NW = _positions(img.shape, mL, mW, tau, (mL - 1, mW - 1))
    if normalize in (1, 2):
        ptp = float(np.ptp(img))
        if ptp == 0:
            raise ValueError("`image` is constant: every template distance is 0 and the distribution "
                             "entropy is undefined.")
        img = (img - np.min(img)) / ptp
    dy, dx = _offsets(mL, mW)
    X = _k.templates(img, NL, NW, tau, dy, dx)
    P = NL * NW
    Ny = P * (P - 1) // 2
    mn, mx_, sm = _k.distance_range(X)
    lo, hi, total = float(np.min(mn)), float(np.max(mx_)), float(np.sum(sm))
    if not hi > lo:
        raise ValueError("`image` gives equal distances between all templates (e.g. a constant image); "
                         "the distribution entropy is undefined.")
    Bx = _n_bins(bins, Ny, X, lo, hi, total)
    edges = np.linspace(lo, hi, int(Bx + 1))
    n_chunks = int(min(64, max(1, P - 1)))
    counts = _k.distance_histogram(X, edges, n_chunks)
    p = counts[counts > 0] / Ny
    value = float(-np.sum(p * np.log(p) / np.log(base)))
    if normalize >= 2:
        value = value / (np.log(Bx) / np.log(base))
    return DistributionEntropy2D(value=float(value), counts=counts, edges=edges, bins=int(Bx), n_templates=P,
                                 n_pairs=Ny, m=(mL, mW), tau=tau, base=base, normalize=int(normalize))


# ---------------------------------------------------------------------------------------
# dispersion entropy
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class DispersionEntropy2D:
    """Two-dimensional dispersion entropy and reverse dispersion entropy.

    Attributes
    ----------
    value : float
        Entropy of the dispersion patterns by ``estimator``, in units of ``base``
        (divided by ``log(classes^(mL mW))`` when ``normalized``).
    std : float or None
        The estimator's standard deviation (same scaling), ``None`` when it has none
        (e.g. ``'plugin'``, EntropyHub's value).
    interval : (float, float) or None
        The estimator's credible interval, if any.
    rde : float
        Reverse dispersion entropy ``sum_observed (p - 1/K)^2`` (over observed
        patterns only, as EntropyHub; divided by ``1 - 1/K`` when ``normalized``); no
        uncertainty attached.
    counts : (n_observed,) ndarray of int64
        Counts of the observed patterns.
    n_outcomes : int
        K = ``classes ** (mL * mW)``.
    n_templates : int
    m : (int, int)
    tau : int
    classes : int
    mapping : str
    estimator : str
    base : float
    normalized : bool
    """

    value: float
    std: float | None
    interval: tuple | None
    rde: float
    counts: np.ndarray
    n_outcomes: int
    n_templates: int
    m: tuple[int, int]
    tau: int
    classes: int
    mapping: str
    estimator: str
    base: float
    normalized: bool


def _symbols(img, c, mapping):
    """EntropyHub's data-to-symbol maps (symbols 1..c)."""
    if mapping == "ncdf":
        from scipy.special import ndtr

        Zx = ndtr((img - np.mean(img)) / np.std(img))
        return np.digitize(Zx, np.arange(0, 1, 1 / c))
    if mapping == "linear":
        return np.digitize(img, np.arange(np.min(img), np.max(img), np.ptp(img) / c))
    ix = np.argsort(img.ravel(), kind="mergesort")
    xx = np.round(np.arange(0, 2 * img.size, img.size / c)).astype(int)
    Z = np.zeros(img.size, dtype=np.int64)
    for k in range(c):
        Z[ix[xx[k]:xx[k + 1]]] = k + 1
    return Z.reshape(img.shape)


def dispersion_entropy_2d(image, *, m=2, tau=1, classes=3, mapping="ncdf", base=np.e, normalized=False,
                          estimator="plugin", **estimator_options) -> DispersionEntropy2D:
    """Two-dimensional dispersion entropy (DispEn2D), EntropyHub's definition.

    Parameters
    ----------
    image : (H, W) ndarray
        Grey image.
    m : int or (int, int), optional
        Template size (default 2; EntropyHub's default ``(H // 10, W // 10)``).
    tau : int, optional
        Delay (default 1).
    classes : int, optional
        Number of symbols c >= 2 (default 3).
    mapping : {'ncdf', 'linear', 'equal'}, optional
        EntropyHub's ``Typex``: normal CDF of the standardised image cut in c equal
        parts (default), c equal-width value ranges, or c equally populated ranks.
        (EntropyHub's ``'kmeans'`` starts from random centroids and is not offered.)
    base : float, optional
        Logarithm base (default e).
    normalized : bool, optional
        Divide by ``log(c^(mL mW))`` (and RDE by ``1 - 1/c^(mL mW)``), EntropyHub's ``Norm``.
    estimator : str, optional
        Any name in :data:`infopix.estimators.ESTIMATORS` applied to the pattern counts
        with K = c^(mL mW) outcomes (default ``'plugin'``: EntropyHub's value).
    **estimator_options
        Passed to :func:`infopix.estimators.entropy_from_counts` (e.g. ``level``).

    Returns
    -------
    DispersionEntropy2D

    Raises
    ------
    ValueError, TypeError
        As :func:`sample_entropy_2d`; ``classes < 2``; unknown ``mapping``; a
        constant image; more than 2**62 possible patterns.

    Notes
    -----
    Each pixel becomes a symbol 1..c; each ``mL x mW`` template (all
    ``(H - (mL-1) tau) (W - (mW-1) tau)`` positions) a pattern code (kernel
    :func:`infopix._kernels.sample_entropy.dispersion_codes`); the entropy is that of
    the pattern frequencies. Only occurring patterns are counted (a sort), never an
    array of all K.

    References
    ----------
    .. [1] H. Azami, L. E. V. Silva, A. C. M. Omoto, A. Humeau-Heurtier, Signal
       Process. Image Commun. 75, 178-187 (2019), doi:10.1016/j.image.2019.04.013.

    Examples
    --------
    >>> import numpy as np
    >>> from infopix.patterns import dispersion_entropy_2d
    >>> img = np.random.default_rng(4).random((128, 128))
    >>> de = dispersion_entropy_2d(img, m=1, classes=4, mapping="equal", base=2)
    >>> de.value   # four equally populated symbols: exactly 2 bits
    2.0
    """
    from ..estimators import entropy_from_counts

    mL, mW = _check_m(m)
    tau = v.check_positive_int(tau, name="tau")
    c = v.check_positive_int(classes, name="classes", minimum=2)
    mapping = v.check_choice(mapping.lower() if isinstance(mapping, str) else mapping, _MAPPINGS, name="mapping")
    base = v.check_base(base)
    img = _check_image(image)
    NL, NW = _positions(img.shape, mL, mW, tau, (mL - 1, mW - 1))
    if float(np.ptp(img)) == 0:
        raise ValueError("`image` is constant: its symbols (and dispersion entropy) are undefined.")
    Z = np.ascontiguousarray(_symbols(img, c, mapping), dtype=np.int64)
    radix = int(Z.max()) + 1
    if radix ** (mL * mW) >= 2**62:
        raise ValueError(f"`classes` = {c} with `m` = ({mL}, {mW}) gives more than 2**62 patterns; "
                         f"pass fewer classes or a smaller template.")
    codes = _k.dispersion_codes(Z, NL, NW, mL, mW, tau, radix)
    _, counts = np.unique(codes, return_counts=True)
    counts = counts.astype(np.int64)
    P = NL * NW
    K = c ** (mL * mW)
    est = entropy_from_counts(counts, estimator=estimator, base=base, n_outcomes=max(K, counts.size),
                              **estimator_options)
    p = counts / P
    rde = float(np.sum((p - 1.0 / K) ** 2))
    value, std, interval = est.value, est.std, est.interval
    if normalized:
        scale = math.log(K) / math.log(base)
        value = value / scale
        std = None if std is None else std / scale
        interval = None if interval is None else (interval[0] / scale, interval[1] / scale)
        rde = rde / (1.0 - 1.0 / K)
    return DispersionEntropy2D(value=float(value), std=std, interval=interval, rde=rde, counts=counts,
                               n_outcomes=K, n_templates=P, m=(mL, mW), tau=tau, classes=c, mapping=mapping,
                               estimator=est.estimator, base=base, normalized=bool(normalized))
