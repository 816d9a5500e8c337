"""Gliding-box lacunarity of binary and grey images (Allain & Cloitre 1991).

A box of side r glides over the image one pixel at a time; its mass M (the number of
foreground pixels, or the sum of the grey values) varies from place to place, and the
lacunarity ``Lambda(r) = E[M^2] / E[M]^2 = 1 + Var M / (E M)^2`` measures how gappy
(heterogeneous) the image is at scale r. Box masses come from one summed-area table,
four look-ups per box: every box size costs one pass over the image.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import _validation as v
from .._kernels import patterns as _k

__all__ = ["Lacunarity", "lacunarity"]

#: default number of box sizes
_DEFAULT_N_SIZES = 16


@dataclass(frozen=True, eq=False)
class Lacunarity:
    """The lacunarity curve of an image.

    Attributes
    ----------
    sizes : (n,) ndarray of int64
        Box sides r (pixels), increasing.
    lacunarity : (n,) ndarray of float64
        ``Lambda(r) = E[M^2] / E[M]^2`` over all gliding boxes (>= 1).
    mean_mass, second_moment : (n,) ndarray of float64
        ``E[M]`` and ``E[M^2]`` over the boxes of each size.
    n_boxes : (n,) ndarray of int64
        Number of boxes of each size, ``(H - r + 1)(W - r + 1)``.
    slope, slope_stderr, intercept, r2 : float
        Least-squares fit ``log Lambda = intercept + slope log r`` over all sizes with
        its standard error and R² (``slope_stderr`` is NaN with fewer than 3 sizes).
    binary : bool
        Whether masses count foreground pixels (bool image or ``threshold`` given).

    Notes
    -----
    ``Lambda(r)`` is a descriptive statistic of the whole image (every box counted),
    with no sampling uncertainty attached; ``slope_stderr`` is the fit's standard
    error (boxes of neighbouring sizes overlap, so it understates the scatter between
    images).
    """

    sizes: np.ndarray
    lacunarity: np.ndarray
    mean_mass: np.ndarray
    second_moment: np.ndarray
    n_boxes: np.ndarray
    slope: float
    slope_stderr: float
    intercept: float
    r2: float
    binary: bool

    def plot(self, ax=None):
        """Lambda(r) against r on log-log axes, with the fitted line."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 3.5))
        ax.loglog(self.sizes, self.lacunarity, "o-", ms=4, label="gliding-box lacunarity")
        if np.isfinite(self.slope):
            r = self.sizes.astype(float)
            err = "" if not np.isfinite(self.slope_stderr) else f" ± {self.slope_stderr:.2g}"
            ax.loglog(r, np.exp(self.intercept + self.slope * np.log(r)), "--", color="C3",
                      label=f"slope {self.slope:.3g}{err}")
        ax.set_xlabel("box side r (pixels)")
        ax.set_ylabel("lacunarity Λ(r)")
        ax.set_title("Lacunarity" + (" (binary)" if self.binary else " (grey)"))
        ax.legend(fontsize="small")
        return ax


def _check_sizes(sizes, M, N) -> np.ndarray:
    top = min(M, N)
    if sizes is None:
        hi = max(1, top // 2)
        return np.unique(np.round(np.geomspace(1, hi, _DEFAULT_N_SIZES)).astype(np.int64))
    arr = np.atleast_1d(np.asarray(sizes))
    if arr.ndim != 1 or arr.size == 0 or arr.dtype.kind not in "iu":
        raise TypeError(f"`sizes` expects a non-empty list of integer box sides, got {sizes!r}.")
    if arr.min() < 1 or arr.max() > top:
        raise ValueError(
            f"`sizes` expects box sides between 1 and the image's smaller side ({top}), got {arr.tolist()}."
        )
    return np.unique(arr.astype(np.int64))


def _fit(x, y):
    n = x.size
    if n < 2 or np.ptp(x) == 0:
        return math.nan, math.nan, math.nan, math.nan
    X = np.column_stack([np.ones(n), x])
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    res = y - X @ coef
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - float(np.sum(res**2)) / ss_tot if ss_tot > 0 else 1.0
    if n < 3:
        se = math.nan
    else:
        s2 = float(np.sum(res**2)) / (n - 2)
        se = math.sqrt(s2 / float(np.sum((x - x.mean()) ** 2)))
    return float(coef[1]), se, float(coef[0]), r2


def lacunarity(image, sizes=None, *, threshold=None) -> Lacunarity:
    """Gliding-box lacunarity Lambda(r) of a binary or grey image.

    Parameters
    ----------
    image : (M, N) ndarray
        Bool image (foreground True), or a non-negative integer or float image whose
        values are the masses (grey lacunarity), or any image with ``threshold``.
    sizes : sequence of int, optional
        Box sides r, ``1 <= r <= min(M, N)``. Default: up to 16 sides spaced
        geometrically from 1 to ``min(M, N) // 2``.
    threshold : float, optional
        Binarise first: foreground is ``image > threshold``.

    Returns
    -------
    Lacunarity
        The curve, the masses' moments and the log-log fit.

    Raises
    ------
    ValueError
        Negative grey values (masses must be >= 0), an image with no mass, NaN or
        inf pixels, box sides out of range.
    TypeError
        Non-integer box sides; a non-numeric image.

    Notes
    -----
    For every box side r, ``M(i, j)`` is the mass of the r x r box with top-left
    corner (i, j), for all ``(M - r + 1)(N - r + 1)`` positions (gliding box,
    Allain & Cloitre 1991; Plotnick et al. 1996 eq. 4), and
    ``Lambda(r) = mean(M^2) / mean(M)^2``. Box masses come from a summed-area table
    (Kernels: :func:`infopix._kernels.patterns.summed_area_u32`/``box_moments_u32``
    for integer images of total mass < 2**32, exact by modular arithmetic; float64
    otherwise, exact for integer images of total < 2**53; for float images a box mass
    carries a rounding error of about 1e-16 times the image's total mass, relative to
    it). A filled image has
    Lambda = 1 at every r; i.i.d. Bernoulli(p) pixels have
    ``E[M^2]/E[M]^2 = 1 + (1 - p) / (p r^2)``.

    References
    ----------
    .. [1] C. Allain, M. Cloitre, Phys. Rev. A 44, 3552 (1991),
       doi:10.1103/PhysRevA.44.3552.
    .. [2] R. E. Plotnick, R. H. Gardner, W. W. Hargrove, K. Prestegaard,
       M. Perlmutter, Phys. Rev. E 53, 5461 (1996), doi:10.1103/PhysRevE.53.5461.

    Examples
    --------
    >>> import numpy as np
    >>> from infopix.patterns import lacunarity
    >>> lacunarity(np.ones((64, 64), bool), [1, 4, 16]).lacunarity.tolist()   # filled
    [1.0, 1.0, 1.0]
    >>> img = np.zeros((8, 8), bool); img[::2, ::2] = True   # one pixel in four
    >>> float(lacunarity(img, [1]).lacunarity[0])            # E[M^2]/E[M]^2 = (1/4)/(1/16)
    4.0
    """
    arr = v.check_image(image, ndim=(2,), min_pixels=1)
    v.check_finite_or_masked(arr, None)
    if threshold is not None:
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.integer, np.floating)) \
                or not np.isfinite(threshold):
            raise TypeError(f"`threshold` expects a finite number, got {threshold!r}.")
        arr = arr > threshold
    binary = arr.dtype == bool
    M, N = arr.shape
    r = _check_sizes(sizes, M, N)
    if arr.dtype.kind in "biu":
        if arr.dtype.kind == "i" and arr.size and arr.min() < 0:
            raise ValueError(f"`image` values are masses and must be >= 0, got a minimum of {arr.min()}; "
                             f"pass `threshold` for a binary image, or shift the values.")
        total = int(arr.sum(dtype=np.uint64)) if arr.dtype.kind != "b" else int(np.count_nonzero(arr))
        if total < 2**32:
            if binary:  # bytes of a bool array built from raw data may be other than 0/1
                src = arr.view(np.uint8)
                src = src if src.max() <= 1 else arr.astype(np.uint8)
            else:
                src = arr
            S = _k.summed_area_u32(np.ascontiguousarray(src))
            vmax = 1 if binary else int(arr.max())
            # integer squares where a row's sum of them fits in int64
            big = [min(total, int(ri) ** 2 * vmax) for ri in r]
            ints = np.array([(N - int(ri) + 1) * bg * bg < 2**63 for ri, bg in zip(r, big)])
            s1, s2 = _k.box_moments_u32(S, r, ints)
        else:
            s1, s2 = _k.box_moments_f64(_k.summed_area_f64(np.ascontiguousarray(arr, dtype=np.float64)), r)
    else:
        a = np.ascontiguousarray(arr, dtype=np.float64)
        if a.min() < 0:
            raise ValueError(f"`image` values are masses and must be >= 0, got a minimum of {a.min():g}; "
                             f"pass `threshold` for a binary image, or shift the values.")
        total = float(a.sum())
        if total > 0:
            s1, s2 = _k.box_moments_f64(_k.summed_area_f64(a), r)
    if total == 0:
        raise ValueError("`image` has no mass (all pixels are 0 or below `threshold`); lacunarity is undefined.")
    nb = (M - r + 1) * (N - r + 1)
    m1 = s1 / nb
    m2 = s2 / nb
    lam = m2 / (m1 * m1)
    slope, se, icpt, r2 = _fit(np.log(r.astype(float)), np.log(lam))
    return Lacunarity(r, lam, m1, m2, nb.astype(np.int64), slope, se, icpt, r2, bool(binary))
