"""Two-dimensional sample entropy (Silva et al. 2016; EntropyHub's ``SampEn2D``).

Of all pairs of ``m x m`` templates that match within a tolerance ``r`` (Chebyshev
distance), how many still match when the templates grow to ``(m+1) x (m+1)``?
``SampEn2D = -log(A / B)``. Every pair is counted exactly, without comparing all pairs:
templates are binned on a grid of cells of side ``r`` over their first few elements, and
only templates in the same or adjacent cells are compared.
"""

from __future__ import annotations

import itertools
import math
import numbers
from dataclasses import dataclass

import numpy as np

from .. import _validation as v
from .._kernels import patterns as _k

__all__ = ["SampleEntropy2D", "sample_entropy_2d"]

#: most grid dimensions (3**4 = 81 neighbour cells per template)
_MAX_GRID_DIMS = 4
#: refuse to gather more template values than this (float64 each)
_MAX_TEMPLATE_VALUES = 2**27


@dataclass(frozen=True)
class SampleEntropy2D:
    """Two-dimensional sample entropy of an image.

    Attributes
    ----------
    value : float
        ``-log(A / B) / log(base)``; ``inf`` when no (m+1)-template pair matches
        (A = 0), NaN when no m-template pair does (B = 0).
    matches_m1, matches_m : int
        A and B: the number of template pairs within tolerance, (m+1) x (m+1) and
        m x m templates (exact counts).
    n_templates, n_pairs : int
        Templates P (anchors where the (m+1)-template fits) and pairs P (P - 1) / 2.
    m : (int, int)
        Template height and width.
    tau : int
        Delay between template elements.
    r : float
        Tolerance (a match is ``max |x - y| < r``).
    base : float
        Logarithm base.

    Notes
    -----
    No uncertainty is attached: the pairs share templates (each template is in P - 1
    pairs), so the counting error ``sqrt(1/A - 1/B)`` understates the scatter between
    images; estimate it from repeated images or regions when needed.
    """

    value: float
    matches_m1: int
    matches_m: int
    n_templates: int
    n_pairs: int
    m: tuple
    tau: int
    r: float
    base: float

    @property
    def phi(self) -> tuple[float, float]:
        """``(B / n_pairs, A / n_pairs)``, EntropyHub's ``(Phi1, Phi2)``."""
        return self.matches_m / self.n_pairs, self.matches_m1 / self.n_pairs


def _check_m(m) -> tuple[int, int]:
    if isinstance(m, (numbers.Integral, np.integer)) and not isinstance(m, bool):
        mm = (int(m), int(m))
    else:
        try:
            mm = tuple(int(x) for x in m)
            ok = len(mm) == 2 and all(isinstance(x, (numbers.Integral, np.integer)) and not isinstance(x, bool) for x in m)
        except TypeError:
            ok = False
        if not ok:
            raise TypeError(f"`m` expects an integer or a pair (height, width) of integers >= 1, got {m!r}.")
    if min(mm) < 1:
        raise ValueError(f"`m` expects template sides >= 1, got {m!r}.")
    return mm


def sample_entropy_2d(image, *, m=2, tau=1, r=None, base=math.e) -> SampleEntropy2D:
    """Two-dimensional sample entropy SampEn2D, with exact template-match counts.

    Parameters
    ----------
    image : (H, W) ndarray
        Bool, integer or float image (NaN and inf are refused).
    m : int or (int, int), optional
        Template height and width (default 2, i.e. 2x2 templates compared with their
        3x3 extensions). EntropyHub's default is ``(H // 10, W // 10)``: pass it
        explicitly to reproduce ``SampEn2D(Mat)`` called without ``m``.
    tau : int, optional
        Delay between template elements (default 1).
    r : float, optional
        Tolerance: templates match when every element differs by less than ``r``.
        Default ``0.2 * std(image)`` (population std, EntropyHub's default).
    base : float, optional
        Logarithm base (default e: nats, EntropyHub's ``Logx``).

    Returns
    -------
    SampleEntropy2D
        The value with the exact counts A and B.

    Raises
    ------
    ValueError
        Templates larger than the image, fewer than 2 templates, ``r <= 0``, NaN or
        inf pixels, more than 2**27 template values (lower ``m``).
    TypeError
        Non-integer ``m`` or ``tau``; non-numeric ``r`` or image.

    Notes
    -----
    Anchors ``(k, n)``, ``0 <= k < H - m_h tau``, ``0 <= n < W - m_w tau``; the
    (m+1)-template at ``(k, n)`` holds ``image[k + a tau, n + b tau]``,
    ``a <= m_h``, ``b <= m_w``, and its m-template the elements with ``a < m_h``,
    ``b < m_w``. Over the ``P (P - 1) / 2`` pairs of anchors, B counts the pairs whose
    m-templates match (``max |x - y| < r``) and A those whose (m+1)-templates do;
    ``SampEn2D = -log(A / B)`` (Silva et al. 2016, eqs. 2-5, as EntropyHub's
    ``SampEn2D``, whose ``Phi1, Phi2`` are ``B / pairs, A / pairs``).

    Counting: templates are sorted into grid cells of side ``r (1 + 1e-7)`` on their
    first (up to 4) elements, fewer when the grid would exceed ``max(2**12, 4P)``
    cells; matching templates lie in the same or adjacent cells, so only those are
    compared, each pair once, in parallel with exact integer totals. The cost grows
    like the number of close pairs, not P²; a tolerance as wide as the image's range
    compares all pairs. Kernels: :func:`infopix._kernels.patterns.gather_templates`,
    :func:`infopix._kernels.patterns.count_template_matches`.

    References
    ----------
    .. [1] L. E. V. Silva, A. C. S. Senra Filho, V. P. S. Fazan, J. C. Felipe,
       L. O. Murta Junior, Biomed. Phys. Eng. Express 2, 045002 (2016),
       doi:10.1088/2057-1976/2/4/045002.
    .. [2] M. W. Flood, B. Grimm, PLoS ONE 16, e0259448 (2021) (EntropyHub).

    Examples
    --------
    >>> import numpy as np
    >>> from infopix.patterns import sample_entropy_2d
    >>> img = np.tile([[0.0, 1.0], [1.0, 0.0]], (8, 8))        # a checkerboard
    >>> s = sample_entropy_2d(img, m=2, r=0.5)
    >>> s.value                         # every matching 2x2 pair still matches at 3x3
    0.0
    >>> s.matches_m == s.matches_m1
    True
    """
    arr = v.check_image(image, ndim=(2,))
    v.check_finite_or_masked(arr, None)
    mL, mW = _check_m(m)
    tau = v.check_positive_int(tau, name="tau")
    b = v.check_base(base)
    img = np.ascontiguousarray(arr, dtype=np.float64)
    if r is None:
        r = 0.2 * float(np.std(img))
        if not r > 0:
            raise ValueError("`r` defaults to 0.2 * std(image), which is 0 for a constant image; pass `r` > 0.")
    else:
        if isinstance(r, bool) or not isinstance(r, numbers.Real):
            raise TypeError(f"`r` expects a positive number, got {r!r}.")
        r = float(r)
        if not (math.isfinite(r) and r > 0):
            raise ValueError(f"`r` expects a finite number > 0, got {r!r}.")
    H, W = img.shape
    NL, NW = H - mL * tau, W - mW * tau
    if NL < 1 or NW < 1 or NL * NW < 2:
        raise ValueError(
            f"(m+1)-templates of {mL + 1} x {mW + 1} elements with delay {tau} span "
            f"{mL * tau + 1} x {mW * tau + 1} pixels and need at least 2 positions in `image` of shape "
            f"{arr.shape}; use a smaller `m` or `tau`."
        )
    P = NL * NW
    D = (mL + 1) * (mW + 1)
    if P * D > _MAX_TEMPLATE_VALUES:
        raise ValueError(
            f"{P} templates of {D} values exceed the limit of {_MAX_TEMPLATE_VALUES} values "
            f"({_MAX_TEMPLATE_VALUES * 8 // 2**20} MiB); use a smaller `m` or image."
        )
    X = _k.gather_templates(img, mL, mW, tau)
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
    A, B = _k.count_template_matches(X, dm, r, cells, max(ncell, 1), d, starts, offsets)
    A, B = int(A), int(B)
    if B == 0:
        value = math.nan
    elif A == 0:
        value = math.inf
    else:
        value = -math.log(A / B) / math.log(b) + 0.0
    return SampleEntropy2D(value, A, B, P, P * (P - 1) // 2, (mL, mW), tau, r, b)
