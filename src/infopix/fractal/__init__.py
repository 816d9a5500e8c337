"""Fractal and multifractal dimensions with the regression shown (notebook §8–§9).

Every dimension here is the slope of a straight-line fit of ``log N(s)`` (a box count,
or ``exp`` of an entropy) against ``log(1/s)`` over box sizes ``s``. The fit is ordinary
least squares over an explicit, reported ``fit_range``; results are deterministic.

Box grids
---------
Boxes of size ``s`` are ``s x s`` pixel blocks; the image is never resampled.

- Binary box counting registers its grids at the near corner of the foreground's
  bounding box (empty leading rows and columns are dropped, so the count does not
  depend on where the set sits in an empty canvas) and counts on several grid origins
  (default 4), keeping the minimum. Boxes cut by the image edges are counted both as
  whole boxes and by their area inside the image (see
  :func:`box_counting_dimension`). Default sizes: a dense ladder, four sizes an octave,
  ``ceil(L / k)`` for ``k`` boxes across the shorter side ``L``.
- Differential box counting and measures use one grid at the image origin and only
  complete boxes; DBC scales its count by (image area) / (covered area), measures
  renormalise the covered mass to 1. Their default sizes are powers of two, each level
  reduced from the previous one (a pyramid of 2x2 max/min or sum reductions); any
  integer sizes are accepted (a size that a previous one divides is reduced from that
  level).

Errors and curvature
--------------------
A log-log plot of a finite self-similar set oscillates about its line, and its points
at different sizes are not independent samples, so a regression's residual error alone
understates how far a slope may be from the dimension. Every fit here reports a
``stderr`` that combines the regression's residual error with the spread of the slope
over windows of the fit range (half an octave and an octave dropped at either end) and,
for box counting, over grid origins, interleaved size ladders and the two edge
conventions; the parts are recorded (``stderr_components``). A quadratic fit tests
whether the relation is curved (its local slope drifting across the fit range by more
than 3 times its error, residual and systematic): the result's ``curved`` flag is set
and a :class:`FractalWarning` (a ``UserWarning``) says so. Helpers:
:mod:`infopix.fractal._fits`.

Mapping to FracLac (ImageJ)
---------------------------
========================================  =============================================
FracLac                                   infopix
========================================  =============================================
"Standard box count", binary image,       ``box_counting_dimension(binary)``; D_B is our
D_B = slope of log N vs log(1/size)       ``dimension`` with the same sign convention
Grid positions / "num G" > 1 (shifted     ``origins=4`` (default; deterministic
grid origins, minimum count kept)         offsets, minimum count kept; ``origins=1``
                                          for one grid)
"Power series" box sizes                  ``sizes=2 ** np.arange(k)``
"Linear series" / min and max box size    ``sizes=range(a, b + 1, step)``,
(default max 45% of the image)            ``fit_range=(smallest, largest)`` (default
                                          4 px to 30 % of the shorter side)
Grey "differential" (Sarkar-Chaudhuri)    ``dbc_dimension(image, variant='original')``
Multifractal D_Q, f(alpha) (Chhabra-      ``generalized_dimensions``,
Jensen)                                   ``multifractal_spectrum``
Threshold / "binary" conversion           ``threshold=T`` (foreground = ``image > T``)
========================================  =============================================

FracLac's slopes are reported without a standard error; ours come with the error
described above, R², and the curvature flag.

Kernels: :mod:`infopix._kernels.fractal` (``box_counts_packed``, ``block_reduce``,
``renyi_sums``, ``dbc_counts``).
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass, field

import numpy as np

from .. import _validation as v
from .._kernels import fractal as _k
from . import _fits as _f
from ._fits import CURVATURE_Z, linear_fit as _linear_fit

__all__ = [
    "FractalFit",
    "FractalWarning",
    "GeneralizedDimensions",
    "GRID_ORIGINS",
    "GRID_ORIGINS_3D",
    "CURVATURE_Z",
    "MultifractalSpectrum",
    "box_counting_dimension",
    "dbc_dimension",
    "generalized_dimensions",
    "multifractal_spectrum",
    "information_dimension",
    "information_dimension_of_sample",
]

#: orders used when ``qs`` is not given: 41 values from -5 to 5 (step 0.25)
DEFAULT_QS = np.linspace(-5.0, 5.0, 41)


class FractalWarning(UserWarning):
    """A dimension was computed, but part of the data was excluded or is doubtful."""


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class FractalFit:
    """A dimension as the slope of ``log N`` against ``log(1/size)``.

    Attributes
    ----------
    dimension : float
        Least-squares slope over the sizes in ``fit_range``.
    stderr : float
        Standard error of the slope: the regression's residual error combined (in
        quadrature) with the systematic parts listed in :attr:`stderr_components`
        (NaN with 2 points).
    r2 : float
        Coefficient of determination of the fit (1 for a perfect line, also when all
        fitted ``log N`` are equal).
    intercept : float
        Intercept of ``log N = intercept + dimension * log(1/size)`` (natural logs).
    sizes : (K,) ndarray
        Every box size measured, increasing (pixels; fractions of the range for
        :func:`information_dimension`).
    counts : (K,) ndarray of float
        ``N(size)``: occupied boxes (box counting: the minimum over the grid origins,
        geometric mean of the whole-box and area-weighted counts; see
        :func:`box_counting_dimension`), DBC boxes, or ``exp(H)`` for entropy-based
        dimensions (``H`` in nats, the effective number of boxes).
    fit_range : (float, float)
        Smallest and largest size used by the fit (inclusive).
    method : str
        What was counted (``'box'``, ``'dbc'``, ``'renyi q=...'``, ``'information'``...).
    stderr_components : dict of str to float
        The parts of :attr:`stderr` (each a standard deviation of the slope; ``stderr``
        is the square root of the sum of their squares): ``'regression'`` (residuals of
        the fit), ``'fit range'`` (spread of the slopes over windows of the fit range,
        see :mod:`infopix.fractal._fits`), and for box counting ``'origins and
        ladders'`` (spread over grid origins, interleaved size ladders and windows) and
        ``'edges'`` (half the difference between the two edge conventions).
    curved : bool
        True when the log-log relation is curved: its local slope drifts across the fit
        range by more than ``CURVATURE_Z`` (3) times the drift's standard error (a
        :class:`FractalWarning` says so too).
    slope_drift, slope_drift_stderr : float
        That drift (local slope at the smallest scale minus at the largest, from a
        quadratic fit; NaN with fewer than 5 sizes) and its standard error.
    """

    dimension: float
    stderr: float
    r2: float
    intercept: float
    sizes: np.ndarray
    counts: np.ndarray
    fit_range: tuple
    method: str = "box"
    stderr_components: dict = field(default_factory=dict)
    curved: bool = False
    slope_drift: float = float("nan")
    slope_drift_stderr: float = float("nan")

    @property
    def in_fit(self) -> np.ndarray:
        """Boolean mask of the sizes used by the fit."""
        return (self.sizes >= self.fit_range[0]) & (self.sizes <= self.fit_range[1])

    def plot(self, ax=None):
        """Plot ``log N`` against ``log(1/size)``, the fitted line and the fit range.

        Points outside the fit range are drawn hollow; the fit range is shaded.
        Returns the matplotlib axis.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        x = np.log(1.0 / self.sizes)
        y = np.log(self.counts)
        m = self.in_fit
        ax.plot(x[m], y[m], "o", color="C0", label="in fit")
        if (~m).any():
            ax.plot(x[~m], y[~m], "o", mfc="none", color="C0", label="outside fit")
        xf = np.log(1.0 / np.array(self.fit_range, dtype=float))
        ax.axvspan(xf.min(), xf.max(), color="C0", alpha=0.08, label="fit range")
        xl = np.array([xf.min(), xf.max()])
        ax.plot(xl, self.intercept + self.dimension * xl, "-", color="C1",
                label=f"D = {self.dimension:.4f} ± {self.stderr:.2g}, R² = {self.r2:.4f}"
                + (" (curved)" if self.curved else ""))
        ax.set_xlabel("log(1 / box size)")
        ax.set_ylabel("log N" if self.method in ("box", "dbc") else "log N (entropy, nats)")
        ax.set_title(f"{self.method} dimension")
        ax.legend(fontsize="small")
        return ax


@dataclass(frozen=True)
class GeneralizedDimensions:
    """Rényi (generalised) dimensions D_q of an image taken as a measure.

    Attributes
    ----------
    qs : (Q,) ndarray
        Orders.
    dimensions, stderr, r2, intercepts : (Q,) ndarray
        Per order, the :class:`FractalFit` quantities of the fit of ``H_q(s)`` against
        ``log(1/s)``.
    sizes : (K,) ndarray of int
        Box sizes (pixels).
    entropies : (Q, K) ndarray
        Rényi entropies ``H_q(s)`` of the box probabilities, in nats.
    fit_range : (int, int)
        Smallest and largest box size used by the fits.
    excluded : (K,) ndarray of int
        Boxes left out of the ``q < 0`` sums at each size (empty or near-empty).
    stderr_regression : (Q,) ndarray
        The regression (residual) part of ``stderr``; ``stderr`` combines it with the
        spread of the slopes over windows of the fit range (half an octave and an
        octave dropped at either end; see :class:`FractalFit`).
    curved, slope_drift, slope_drift_stderr : (Q,) ndarray
        Per order, the curvature test of :class:`FractalFit` (a
        :class:`FractalWarning` lists the curved orders).
    """

    qs: np.ndarray
    dimensions: np.ndarray
    stderr: np.ndarray
    r2: np.ndarray
    intercepts: np.ndarray
    sizes: np.ndarray
    entropies: np.ndarray
    fit_range: tuple
    excluded: np.ndarray = field(default=None)
    stderr_regression: np.ndarray = field(default=None)
    curved: np.ndarray = field(default=None)
    slope_drift: np.ndarray = field(default=None)
    slope_drift_stderr: np.ndarray = field(default=None)

    def fit(self, q) -> FractalFit:
        """The :class:`FractalFit` of one order ``q`` (one of :attr:`qs`)."""
        k = int(np.argmin(np.abs(self.qs - float(q))))
        if not np.isclose(self.qs[k], float(q)):
            raise ValueError(f"`q` expects one of the computed orders {self.qs.tolist()}, got {q!r}.")
        se, reg = float(self.stderr[k]), float(self.stderr_regression[k])
        return FractalFit(
            float(self.dimensions[k]), se, float(self.r2[k]),
            float(self.intercepts[k]), self.sizes, np.exp(self.entropies[k]),
            self.fit_range, f"renyi q={self.qs[k]:g}",
            stderr_components={"regression": reg,
                               "fit range": float(np.sqrt(max(se**2 - reg**2, 0.0)))},
            curved=bool(self.curved[k]), slope_drift=float(self.slope_drift[k]),
            slope_drift_stderr=float(self.slope_drift_stderr[k]),
        )

    def plot(self, ax=None):
        """Plot D_q against q with the regression standard errors; returns the axis."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        ax.errorbar(self.qs, self.dimensions, yerr=self.stderr, fmt="o-", ms=3, capsize=2)
        ax.set_xlabel("q")
        ax.set_ylabel("$D_q$")
        ax.set_title(f"generalised dimensions (sizes {self.fit_range[0]}–{self.fit_range[1]} px)")
        return ax


@dataclass(frozen=True)
class MultifractalSpectrum:
    """Multifractal spectrum f(alpha) by the Chhabra–Jensen direct method.

    Attributes
    ----------
    qs : (Q,) ndarray
        Orders.
    alpha, f : (Q,) ndarray
        Hölder exponent and its spectrum, slopes of ``-sum mu log p`` and
        ``-sum mu log mu`` against ``log(1/s)`` (``mu = p**q / sum p**q``).
    alpha_stderr, f_stderr : (Q,) ndarray
        Standard errors of those slopes: the regression's, combined with the spread
        over windows of the fit range (as :attr:`GeneralizedDimensions.stderr`).
    dq : (Q,) ndarray
        Generalised dimensions D_q from the same boxes.
    d0 : float
        Box-counting dimension of the support (D_0).
    sizes : (K,) ndarray of int
        Box sizes (pixels).
    fit_range : (int, int)
        Smallest and largest box size used by the fits.
    curved : (Q,) ndarray of bool
        Whether the fit of alpha or of f at that order is curved (see
        :class:`FractalFit`; a :class:`FractalWarning` lists them).
    """

    qs: np.ndarray
    alpha: np.ndarray
    f: np.ndarray
    alpha_stderr: np.ndarray
    f_stderr: np.ndarray
    dq: np.ndarray
    d0: float
    sizes: np.ndarray
    fit_range: tuple
    curved: np.ndarray = field(default=None)

    def plot(self, ax=None):
        """Plot f(alpha) (points labelled by q at the ends); returns the axis."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        ax.errorbar(self.alpha, self.f, xerr=self.alpha_stderr, yerr=self.f_stderr,
                    fmt="o-", ms=3, capsize=2)
        for k in (0, len(self.qs) - 1):
            ax.annotate(f"q={self.qs[k]:g}", (self.alpha[k], self.f[k]), fontsize="small")
        ax.axhline(self.d0, color="grey", lw=0.8, ls="--", label=f"$D_0$ = {self.d0:.3f}")
        ax.set_xlabel(r"$\alpha$")
        ax.set_ylabel(r"$f(\alpha)$")
        ax.set_title("multifractal spectrum (Chhabra–Jensen)")
        ax.legend(fontsize="small")
        return ax


# ----------------------------------------------------------------------------- helpers


def _fit_with_systematics(x, y, fit_range, what: str, stacklevel: int = 3) -> dict:
    """Slope of ``y`` on ``x`` with the fit-range spread and the curvature test; warns
    when curved. Returns the :class:`FractalFit` keyword fields it determines."""
    d, se, r2, a = _linear_fit(x, y)
    win = _f.window_slopes(x, y)[:, 0]
    rng_sd = float(_f.spread(np.concatenate([[d], win])))
    total = float(np.hypot(se, rng_sd))
    drift, dse, curved = _f.curvature(x, y, _f.window_drifts(x, y))
    _warn_curved(what, float(drift[0]), float(dse[0]), bool(curved[0]), fit_range, stacklevel)
    return dict(
        dimension=d, stderr=total, r2=r2, intercept=a,
        stderr_components={"regression": se, "fit range": rng_sd},
        curved=bool(curved[0]), slope_drift=float(drift[0]), slope_drift_stderr=float(dse[0]),
    )


def _warn_curved(what, drift, dse, curved, fit_range, stacklevel):
    if curved:
        warnings.warn(_f.curvature_message(what, drift, dse, fit_range), FractalWarning,
                      stacklevel=stacklevel + 1)


def _check_sizes(sizes, shape, *, smallest: int = 1) -> np.ndarray:
    """Box sizes: distinct integers in [1, shorter side], sorted increasing."""
    short = int(min(shape))
    if sizes is None:
        out = 2 ** np.arange(int(np.log2(short)) + 1)
        out = out[out >= smallest]
        if out.size < 3:
            raise ValueError(
                f"`image` of shape {tuple(shape)} is too small: fewer than 3 power-of-two box "
                f"sizes between {smallest} and its shorter side {short}."
            )
        return out.astype(np.int64)
    arr = np.asarray(sizes)
    if arr.ndim != 1 or arr.size == 0 or arr.dtype.kind not in "iuf":
        raise TypeError(f"`sizes` expects a 1-D sequence of integers, got {sizes!r}.")
    if arr.dtype.kind == "f" and np.any(arr != np.round(arr)):
        raise ValueError(f"`sizes` expects integer box sizes in pixels, got {arr.tolist()}.")
    arr = np.unique(arr.astype(np.int64))
    if arr[0] < smallest:
        raise ValueError(f"`sizes` expects box sizes >= {smallest}, got {arr[0]}.")
    if arr[-1] > short:
        raise ValueError(
            f"`sizes` expects box sizes no larger than the image's shorter side ({short} px for "
            f"shape {tuple(shape)}), got {arr[-1]}."
        )
    if arr.size < 3:
        raise ValueError(f"`sizes` expects at least 3 distinct box sizes, got {arr.tolist()}.")
    return arr


def _check_fit_range(fit_range, sizes: np.ndarray):
    """Resolve ``fit_range`` to (lo, hi) and the mask of sizes inside it (>= 3 sizes)."""
    if fit_range is None:
        lo, hi = sizes[0], sizes[-1]
    else:
        try:
            lo, hi = (float(t) for t in fit_range)
        except (TypeError, ValueError):
            raise TypeError(
                f"`fit_range` expects a pair (smallest size, largest size), got {fit_range!r}."
            ) from None
        if not lo <= hi:
            raise ValueError(f"`fit_range` expects smallest <= largest, got {fit_range!r}.")
    m = (sizes >= lo) & (sizes <= hi)
    if m.sum() < 3:
        raise ValueError(
            f"`fit_range` {fit_range!r} holds {int(m.sum())} of the sizes {sizes.tolist()}; "
            f"the fit needs at least 3."
        )
    used = sizes[m]
    as_num = (lambda t: int(t)) if sizes.dtype.kind in "iu" else float
    return (as_num(used[0]), as_num(used[-1])), m


def _levels(base: np.ndarray, sizes: np.ndarray, op: int, init):
    """Yield ``(size, reduced image)`` for increasing sizes, each from the largest
    previous level whose size divides it (a pyramid for powers of two)."""
    done: list[tuple[int, np.ndarray]] = [(1, base)]
    for s in sizes:
        s = int(s)
        prev_s, prev = next((ps, pa) for ps, pa in reversed(done) if s % ps == 0)
        cur = prev if s == prev_s else _k.block_reduce(prev, s // prev_s, op, init)
        done.append((s, cur))
        yield s, cur


def _binary(image, threshold, ndim=(2,)):
    arr = v.check_image(image, ndim=ndim)
    if threshold is not None:
        if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
            raise TypeError(f"`threshold` expects a real number, got {threshold!r}.")
        if np.isnan(threshold):
            raise ValueError(f"`threshold` expects a real number, got {threshold!r}.")
        v.check_finite_or_masked(arr, None)
        return np.ascontiguousarray(arr > threshold, dtype=np.uint8)
    if arr.dtype == bool:
        b = np.ascontiguousarray(arr).view(np.uint8)  # no copy: bool is one byte ...
        return b if b.max() <= 1 else (b != 0).view(np.uint8)  # ... unless built from raw bytes
    if not np.all((arr == 0) | (arr == 1)):
        shown = np.unique(arr[: 64, : 64])[:4].tolist()
        raise ValueError(
            f"`image` is not binary (dtype {arr.dtype}, values include {shown}); pass a boolean "
            f"image, or `threshold=T` to count the set image > T."
        )
    return np.ascontiguousarray(arr, dtype=np.uint8)


# ----------------------------------------------------------------------------- box counting


#: grid origins of box counting, as fractions of the box size (row, column): the
#: first ``origins`` are used
GRID_ORIGINS = ((0.0, 0.0), (0.5, 0.5), (0.25, 0.75), (0.75, 0.25),
                (0.0, 0.5), (0.5, 0.0), (0.25, 0.25), (0.75, 0.75))


#: grid origins of box counting in volumes, fractions of the box size (z, row, column)
GRID_ORIGINS_3D = ((0.0, 0.0, 0.0), (0.5, 0.5, 0.5), (0.25, 0.75, 0.5), (0.75, 0.25, 0.25),
                   (0.5, 0.0, 0.75), (0.0, 0.5, 0.25), (0.25, 0.25, 0.75), (0.75, 0.75, 0.0))


def _box_ladder(short: int) -> np.ndarray:
    """Default box sizes: ``ceil(short / k)`` for ``k`` (boxes across the shorter side)
    geometric with ratio ``2**(1/4)``, rounded to distinct integers. Every size then
    tiles the shorter side with ``k`` boxes, the last one cut by less than ``k`` pixels."""
    k = np.unique(np.round(np.geomspace(1.0, short, int(round(4 * np.log2(short))) + 1)))
    return np.unique(np.ceil(short / k - 1e-9).astype(np.int64))


def _default_box_fit_range(sz: np.ndarray, short: int):
    """Sizes from 4 px to 0.3 ``short`` (at least about 4 boxes across, away from the
    pixel scale); fewer than 3 there: sizes up to 0.3 ``short``; else all."""
    for lo in (4, 1):
        inside = sz[(sz >= lo) & (sz <= 0.3 * short)]
        if inside.size >= 3:
            return (int(inside[0]), int(inside[-1]))
    return None


def box_counting_dimension(
    image, *, threshold=None, sizes=None, fit_range=None, origins=4
) -> FractalFit:
    """Box-counting (Minkowski–Bouligand) dimension of a binary image or volume.

    Counts the boxes of each size that hold foreground, on several grid origins, and
    fits ``log N(s) = intercept + D log(1/s)``; the standard error includes how the
    slope moves with the grid's origin, the size ladder and the edge convention.

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray
        Binary image or volume: bool, or numbers that are all 0 or 1. Any other image
        needs ``threshold``. A volume is counted with ``s x s x s`` boxes (cubic
        voxels; the dimension of a solid is 3).
    threshold : float, optional
        Foreground is ``image > threshold``. The notebook's "sky", "nosky" and "dots"
        kept the pixels ``>= 160``, ``>= 192`` and ``>= 208`` of an 8-bit image:
        ``threshold=159``, ``191`` and ``207``.
    sizes : sequence of int, optional
        Box sizes in pixels, at least 3, each between 1 and the shorter side ``L``.
        Default: ``ceil(L / k)`` for ``k`` boxes across, ``k`` geometric with ratio
        ``2**(1/4)`` (four sizes an octave, tied to no base: 1, 2, 3, ..., 183, 243,
        365, 729 for ``L = 729``); each tiles the shorter side almost exactly.
    fit_range : (float, float), optional
        Smallest and largest size entering the fit (inclusive). Default: sizes from 4
        pixels to 0.3 ``L`` (at least about 4 boxes across), away from the pixel scale
        and the whole image; all sizes up to 0.3 ``L`` if that leaves fewer than 3,
        else all sizes. Reported in the result; ``.plot()`` shows the other sizes too.
    origins : int, optional
        Number of grid origins (1 to 8, default 4) for the sizes in the fit range:
        grids whose lines fall at offsets ``(0, 0)``, ``(s/2, s/2)``, ``(s/4, 3s/4)``,
        ``(3s/4, s/4)``, ... (:data:`GRID_ORIGINS`, fractions of the size ``s``,
        floored). Sizes outside the fit range use the origin ``(0, 0)`` only.

    Returns
    -------
    FractalFit
        ``counts`` is ``N(s)``, the minimum over the origins (see Notes);
        ``stderr_components`` holds ``'regression'``, ``'origins and ladders'`` and
        ``'edges'``; ``curved`` flags a curved log-log relation.

    Raises
    ------
    ValueError
        Non-binary image without ``threshold``; no foreground; sizes larger than the
        image; fewer than 3 sizes in ``fit_range``; ``origins`` outside 1..8.

    Warns
    -----
    FractalWarning
        When the log-log relation is curved over the fit range (``curved``).

    See Also
    --------
    dbc_dimension : for grey-level images.

    Notes
    -----
    *Counts.* For each size and origin the kernel
    :func:`infopix._kernels.fractal.box_counts_packed` ORs the bit-packed rows of each
    row of boxes and tests each box's bits. The count at a size is the **minimum over
    the origins**, as FracLac does: box counting asks for the fewest boxes of size
    ``s`` that cover the set, and a grid placed badly against the set's structure
    (e.g. a base-3 set on boxes straddling its cells) overcounts; the mean over origins
    would instead estimate the area of the set dilated by a box (a different,
    also valid, count with its own scaling). Boxes cut by the image edges are counted
    two ways: as whole boxes (the set ends at the edges, right for a shape drawn inside
    the image) and by the fraction of their area inside the image (the image is a
    window on a larger set, right for a texture or a photograph's region); ``counts``
    is the geometric mean of the two minima, and half the difference of their slopes is
    the ``'edges'`` error. The default sizes tile the shorter side almost exactly, so
    both conventions nearly agree there.

    *Error.* ``stderr`` is the square root of the sum of the squares of: the
    regression's residual standard error; the standard deviation of the slopes
    obtained from each origin's counts on each of two interleaved halves of the size
    ladder (every other size) and from the fit range shortened by half an octave or an
    octave at either end ("origins and ladders": how the slope moves with the grid
    placement and the sampled sizes, the log-periodic oscillation of self-similar sets
    about their line); and the edge term. On exact self-similar sets of bases 2, 3 and
    5 at sizes that are not powers of their base (``tests/test_fractal.py``), the
    exact dimension lies within two such errors, which are below 0.05 for sets 729
    pixels across and below 0.1 for sets 243 across.

    *Curvature.* A quadratic fit over the fit range gives the drift of the local
    slope between the largest and the smallest sizes; when it exceeds 3 times its
    standard error (its residual error and the slope's systematic error, at both
    ends), ``curved`` is True and a :class:`FractalWarning` says so: the set is not
    self-similar over those scales (e.g. a union of parts of different dimensions, or
    a thresholded photograph), and the slope is only an average.

    A 4096 x 4096 image with the default 4 origins takes a fraction of a second
    (``benchmarks/fractal.md``). The notebook's ``boxdim`` split the image into
    ``eps x eps`` blocks with ``np.array_split`` (``eps`` = blocks per side, so blocks
    of unequal sizes), for 50 linearly spaced ``eps`` from 2 to the side, and fitted
    ``log N`` against ``log eps``; the linear grid puts most points at the finest
    scales and no uncertainty was reported.

    Examples
    --------
    >>> import infopix
    >>> from infopix.fractal.synthetic import sierpinski
    >>> fit = infopix.box_counting_dimension(sierpinski(8), sizes=2 ** np.arange(9))
    >>> bool(abs(fit.dimension - np.log(3) / np.log(2)) < 1e-12)
    True
    >>> fit.counts.tolist()[:3], fit.fit_range
    ([6561.0, 2187.0, 729.0], (4, 64))
    >>> fit = infopix.box_counting_dimension(sierpinski(9))  # default sizes
    >>> bool(abs(fit.dimension - np.log(3) / np.log(2)) < 2 * fit.stderr < 0.1)
    True
    """
    binary = _binary(image, threshold, ndim=(2, 3))
    if not binary.any():
        raise ValueError(
            "`image` has no foreground pixel (the set is empty), so it has no box-counting "
            "dimension; check `threshold`."
        )
    nd = binary.ndim
    if isinstance(origins, bool) or not isinstance(origins, numbers.Integral) or not (
        1 <= origins <= len(GRID_ORIGINS)
    ):
        raise ValueError(f"`origins` expects an integer from 1 to {len(GRID_ORIGINS)}, got {origins!r}.")
    # the grid is registered at the near corner of the foreground's bounding box (the
    # empty leading rows and columns are dropped): empty margins hold no boxes, and the
    # counts do not depend on where in an empty canvas the set sits
    given_shape = binary.shape
    occupied = [np.flatnonzero(binary.any(axis=tuple(b for b in range(nd) if b != a)))
                for a in range(nd)]
    binary = binary[tuple(slice(o[0], None) for o in occupied)]
    extent = max(int(o[-1] - o[0]) for o in occupied) + 1  # the set's largest extent
    short = min(binary.shape)
    if sizes is None:
        sz = _box_ladder(short)
        if sz.size < 3:
            raise ValueError(
                f"`image` of shape {given_shape} is too small: fewer than 3 box sizes up "
                f"to {short} px (its shorter side after dropping the empty leading rows and "
                f"columns, shape {binary.shape}); pass `sizes`."
            )
    else:  # boxes may stick out of the array (padded), up to the given shorter side
        sz = _check_sizes(sizes, given_shape)
    if fit_range is None:
        fit_range = _default_box_fit_range(sz, min(short, extent))
    rng_, m = _check_fit_range(fit_range, sz)
    vol = binary if nd == 3 else binary[None]
    bits = np.ascontiguousarray(np.packbits(vol, axis=-1))
    shape = tuple(int(t) for t in vol.shape)
    table = GRID_ORIGINS_3D if nd == 3 else tuple((0.0,) + o for o in GRID_ORIGINS)
    padded = np.full((sz.size, origins), np.nan)
    area = np.full((sz.size, origins), np.nan)
    for i, s in enumerate(sz):
        s = int(s)
        for g in range(origins if m[i] else 1):
            off = tuple(int(s * u) for u in table[g])
            padded[i, g], area[i, g] = _k.box_counts_packed(bits, shape, s, off, nd == 3)
    n_pad = np.nanmin(padded, axis=1)
    n_area = np.nanmin(area, axis=1)
    counts = np.sqrt(n_pad * n_area)
    x = np.log(1.0 / sz[m])
    y = np.log(counts[m])
    d, se, r2, a = _linear_fit(x, y)
    # alternative slopes: each origin's counts on each half of the interleaved ladder,
    # and the fit range shortened at either end
    per_origin = 0.5 * (np.log(padded[m]) + np.log(area[m])).T  # (origins, K_fit)
    alt = [_f.slopes(x[p::2], per_origin[:, p::2]) for p in (0, 1) if x[p::2].size >= 3]
    alt.append(_f.window_slopes(x, y)[:, 0])
    if origins > 1:
        alt.append(_f.slopes(x, per_origin))
    spread = float(_f.spread(np.concatenate(alt))) if sum(np.size(t) for t in alt) >= 2 else 0.0
    edges = 0.5 * abs(float(_f.slopes(x, np.log(n_pad[m]))) - float(_f.slopes(x, np.log(n_area[m]))))
    total = float(np.sqrt(se**2 + spread**2 + edges**2))
    # the drift's systematic part: its spread over the same alternatives
    alt_drift = [_f.window_drifts(x, y)[:, 0], _f.quadratic_drift(x, per_origin)[0]]
    alt_drift += [_f.quadratic_drift(x[p::2], per_origin[:, p::2])[0] for p in (0, 1)]
    drift, dse, curved = _f.curvature(x, y, np.concatenate(alt_drift))
    _warn_curved("the box counts", float(drift[0]), float(dse[0]), bool(curved[0]), rng_, 2)
    return FractalFit(
        d, total, r2, a, sz, counts, rng_, "box",
        stderr_components={"regression": se, "origins and ladders": spread, "edges": edges},
        curved=bool(curved[0]), slope_drift=float(drift[0]), slope_drift_stderr=float(dse[0]),
    )


# ----------------------------------------------------------------------------- DBC


def dbc_dimension(image, *, sizes=None, fit_range=None, variant="relative", grey_range=None) -> FractalFit:
    """Grey-level fractal dimension by differential box counting (Sarkar–Chaudhuri).

    The image is a surface ``z = image[y, x]`` in a cube of side ``L`` (the shorter
    side, in pixels) whose height ``G`` (``grey_range``) is scaled to ``L``: on each
    ``s x s`` block a column of boxes of height ``h = s G / L`` covers the block's grey
    values with ``n_r`` boxes, and ``N(s) = sum n_r`` over the blocks.

    Parameters
    ----------
    image : (M, N) ndarray
        Grey-level image (bool, integer or float, finite).
    sizes : sequence of int, optional
        Block sizes in pixels (>= 2 for ``'original'``, >= 1 for ``'relative'``).
        Default: powers of two from 2 to half the shorter side (Sarkar–Chaudhuri's
        ``2 <= s <= M/2``). Only complete blocks are counted; the count is scaled by
        (image area) / (covered area).
    fit_range : (float, float), optional
        Smallest and largest size in the fit; default all ``sizes``.
    variant : {'relative', 'original'}, optional
        ``'original'``: Sarkar–Chaudhuri's disjoint ``s x s`` blocks and
        ``n_r = l - k + 1``, with ``l``, ``k`` the indices of the boxes (grid fixed at
        the image minimum) holding the block's maximum and minimum. ``'relative'``
        (default) applies two refinements: (1) a block of ``s`` cells spans ``s + 1``
        samples, sharing its boundary row and column with its neighbours (the surface
        between two sample rows belongs to some block; disjoint blocks miss the jumps
        between them), and (2) ``n_r = floor((max - min) / h) + 1``, the box column
        starting at the block's minimum (shifted DBC), so the count does not depend on
        where the grey-level grid falls. Both reduce DBC's underestimation on rough
        surfaces (figures in the Notes).
    grey_range : float, optional
        ``G``. Default: the image's range, ``max - min`` (``+ 1`` for integer images,
        which have that many levels). Sarkar–Chaudhuri used the dtype's number of
        levels (256 for 8-bit images): pass ``grey_range=256`` to match them or FracLac.

    Returns
    -------
    FractalFit
        ``counts`` is ``N(s)``; the dimension lies between 2 (flat) and 3.

    Notes
    -----
    Kernels: :func:`~infopix._kernels.fractal.block_reduce` (max and min pyramids) and
    :func:`~infopix._kernels.fractal.dbc_counts`. 2-D only: the grey-level "surface"
    of a volume would be a 3-D hypersurface in 4-D, which this method does not count
    (volumes: threshold them for :func:`box_counting_dimension`, or take them as a
    measure for :func:`generalized_dimensions`).

    Bias. DBC underestimates the dimension of rough surfaces: the range of the
    ``(s+1)**2`` samples of a block grows faster than ``s**H`` at small ``s`` (a discrete
    maximum misses the continuous supremum), and the ``+1`` box weighs most where the
    block range is small. Measured on fractional Brownian surfaces
    (:func:`infopix.fractal.synthetic.fbm_surface`, 256 x 256, seeds 0-7, default
    sizes 2..128), mean estimate minus ``3 - H`` (seed-to-seed s.d. about 0.03):

    =====  ==========  ==========
    H      relative    original
    =====  ==========  ==========
    0.3    -0.23       -0.34
    0.5    -0.13       -0.25
    0.7    -0.03       -0.14
    =====  ==========  ==========

    At 512 x 512 (sizes 2..256): -0.20, -0.12, -0.03 (relative) and -0.31, -0.22,
    -0.13 (original). The estimate still increases with ``3 - H``, so it ranks
    roughness correctly; for ``H < 0.6`` it is not within 0.1 of ``3 - H`` at these
    image sizes (the bias shrinks only slowly, roughly like ``s**-H``, with size).

    Error. ``stderr`` (the regression's residual error and the spread over windows of
    the fit range, about 0.03 on these surfaces) does not contain this bias: it is the
    method's, not the fit's. Its sign is visible, though: the local slope is lower at
    small sizes, and on most of these surfaces the curvature test fires (``curved``,
    with a :class:`FractalWarning`); a flat plane is not curved.

    References
    ----------
    .. [1] N. Sarkar, B. B. Chaudhuri, "An efficient differential box-counting approach
       to compute fractal dimension of image", IEEE Trans. SMC 24 (1994) 115–120,
       doi:10.1109/21.259692.

    Examples
    --------
    >>> import infopix
    >>> plane = np.add.outer(np.arange(64.0), np.arange(64.0))  # a tilted plane
    >>> fit = infopix.dbc_dimension(plane)
    >>> round(fit.dimension, 6), fit.fit_range
    (2.0, (2, 32))
    """
    arr = v.check_image(image)
    v.check_finite_or_masked(arr, None)
    variant = v.check_choice(variant, ("relative", "original"), name="variant")
    z = np.ascontiguousarray(arr, dtype=np.float64)
    lo = float(z.min())
    z = z - lo
    if grey_range is None:
        g = float(z.max()) + (1.0 if arr.dtype.kind in "biu" else 0.0)
        if g == 0.0:
            g = 1.0  # a constant float image: every block needs one box
    else:
        g = v.check_sigma(grey_range, name="grey_range")
        if g == 0:
            raise ValueError(f"`grey_range` expects a positive number, got {grey_range!r}.")
    M, N = z.shape
    L = min(M, N)
    if sizes is None:
        sz = 2 ** np.arange(1, int(np.log2(L)))
        if sz.size < 3:
            raise ValueError(
                f"`image` of shape {z.shape} is too small for DBC: fewer than 3 power-of-two "
                f"block sizes between 2 and half its shorter side {L}."
            )
        sz = sz.astype(np.int64)
    else:
        sz = _check_sizes(sizes, z.shape, smallest=1 if variant == "relative" else 2)
        if variant == "relative" and sz[-1] > L - 1:
            raise ValueError(
                f"`sizes` expects block sizes no larger than {L - 1} for variant 'relative' "
                f"(a block of s cells spans s + 1 pixels; shorter side {L}), got {sz[-1]}."
            )
    rng_, m = _check_fit_range(fit_range, sz)
    if variant == "relative":
        # cell (i, j) of size 1 spans the samples [i, i+1] x [j, j+1]; a block of s cells
        # spans s + 1 samples, sharing its boundary row/column with its neighbours, and
        # the disjoint reduction of these cells gives exactly those blocks.
        base_hi, base_lo = _k.cell_extremes(z)
    else:
        base_hi = base_lo = z
    cm, cn = base_hi.shape
    vmax_levels = dict(_levels(base_hi, sz, _k.OP_MAX, -np.inf))
    counts = np.empty(sz.size)
    for i, (s, vmin) in enumerate(_levels(base_lo, sz, _k.OP_MIN, np.inf)):
        nr, nc = cm // s, cn // s
        h = s * g / L
        total = _k.dbc_counts(vmax_levels[s], vmin, h, variant == "relative", nr, nc)
        counts[i] = total * (cm * cn) / (nr * nc * s * s)
    fit = _fit_with_systematics(np.log(1.0 / sz[m]), np.log(counts[m]), rng_, "the DBC counts")
    return FractalFit(sizes=sz, counts=counts, fit_range=rng_, method="dbc", **fit)


# ----------------------------------------------------------------------------- measures


def _check_qs(qs) -> np.ndarray:
    if qs is None:
        return DEFAULT_QS.copy()
    arr = np.atleast_1d(np.asarray(qs))
    if arr.ndim != 1 or arr.dtype.kind not in "iuf":
        raise TypeError(f"`qs` expects a real number or 1-D sequence of reals, got {qs!r}.")
    if arr.size == 0:
        raise ValueError(
            f"`qs` expects at least one order q (e.g. [0, 1, 2]), got {qs!r}; leave it out for "
            f"the default 41 orders from -5 to 5."
        )
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"`qs` expects finite orders, got {arr.tolist()}.")
    return arr


def _measure(image) -> tuple[np.ndarray, bool]:
    arr = v.check_image(image, ndim=(2, 3))
    v.check_finite_or_masked(arr, None)
    if arr.dtype.kind in "iuf" and np.any(arr < 0):
        raise ValueError(
            f"`image` is taken as a measure and must be >= 0, got a minimum of {arr.min()!r}; "
            f"shift or clip it first."
        )
    mu = np.ascontiguousarray(arr, dtype=np.float64)
    if not mu.any():
        raise ValueError("`image` is all zero: an empty measure has no dimensions.")
    return mu, arr.dtype.kind in "biu"


def _renyi_table(image, qs, sizes, min_density):
    """Per size, the kernel's (Q, 3) sums and the number of boxes left out for q < 0."""
    mu, integer = _measure(image)
    sz = _check_sizes(sizes, mu.shape)
    if isinstance(min_density, bool) or not isinstance(min_density, numbers.Real) or not (
        0 <= min_density < 1
    ):
        raise ValueError(f"`min_density` expects a number in [0, 1), got {min_density!r}.")
    table = np.empty((sz.size, qs.size, 3))
    excluded = np.zeros(sz.size, dtype=np.int64)
    empty = np.zeros(sz.size, dtype=np.int64)
    lightest = np.full(sz.size, np.inf)
    for i, (s, lev) in enumerate(_levels(mu, sz, _k.OP_SUM, 0.0)):
        boxes = lev[tuple(slice(0, n // s) for n in mu.shape)]  # complete boxes only
        nbox = boxes.size
        total = float(boxes.sum())
        if total <= 0:
            raise ValueError(
                f"`image` has no mass in the complete {s}x{s} boxes; use smaller `sizes`."
            )
        if integer and boxes.max() < nbox:
            # value compression: integer masses take few distinct values
            weight = np.bincount(boxes.astype(np.int64).ravel()).astype(np.float64)
            values = np.arange(weight.size, dtype=np.float64)
            keep = (weight > 0) & (values > 0)
            values, weight = values[keep], weight[keep]
        else:
            values = boxes[boxes > 0].ravel()
            weight = np.ones(values.size)
        logp = np.log(values / total)
        cut = np.log(min_density / nbox) if min_density > 0 else -np.inf
        low = logp < cut
        excluded[i] = nbox - int(weight.sum()) + int(weight[low].sum())
        empty[i] = nbox - int(weight.sum())
        if low.any():  # the relative mass p * n_boxes of the lightest excluded box
            lightest[i] = float(np.exp(logp[low].min()) * nbox)
        table[i] = _k.renyi_sums(np.ascontiguousarray(logp), np.ascontiguousarray(weight), qs, cut)
    return sz, table, (excluded, empty, lightest)


def _warn_negative_q(qs, left_out, m, min_density):
    excluded, empty, lightest = left_out
    if not (np.any(qs < 0) and excluded[m].any()):
        return
    n_empty, n_low = int(empty[m].sum()), int(excluded[m].sum() - empty[m].sum())
    parts = []
    if n_low:
        parts.append(
            f"{n_low} non-empty box{'es' if n_low > 1 else ''} with mass below `min_density` = "
            f"{min_density:g} x the "
            f"uniform box mass (the lightest at {float(lightest[m].min()):.3g} x) left out; "
            f"to include them, lower `min_density` below {float(lightest[m].min()):.3g} "
            f"(0 keeps every non-empty box); raising it excludes more"
        )
    if n_empty:
        parts.append(f"{n_empty} empty box{'es' if n_empty > 1 else ''} left out (always, "
                     f"whatever `min_density`)")
    warnings.warn(
        "Over the fit range of the q < 0 sums: " + "; ".join(parts) + ". D_q for q < 0 "
        "describes the remaining boxes only.",
        FractalWarning,
        stacklevel=3,
    )


def _fit_rows(x, ys):
    out = np.array([_linear_fit(x, y) for y in ys])
    return out[:, 0], out[:, 1], out[:, 2], out[:, 3]


def _rows_systematics(x, ys, d, se):
    """Per row: total stderr (regression and fit-range windows), drift, its error, curved."""
    win = _f.window_slopes(x, ys)
    rng_sd = _f.spread(np.concatenate([d[None, :], win])) if win.size else np.zeros_like(d)
    drift, dse, curved = _f.curvature(x, ys, _f.window_drifts(x, ys))
    return np.hypot(se, rng_sd), drift, dse, curved


def _warn_curved_rows(what, qs, drift, dse, curved, fit_range):
    if curved.any():
        k = int(np.argmax(np.where(curved, np.abs(drift) / dse, -np.inf)))
        at = qs[curved]
        where = (f"at q = {at.tolist()}" if at.size <= 6 else
                 f"at {at.size} of {qs.size} orders (q from {at.min():g} to {at.max():g})")
        warnings.warn(
            f"{where}: " + _f.curvature_message(
                f"{what} (worst at q = {qs[k]:g})", float(drift[k]), float(dse[k]), fit_range),
            FractalWarning, stacklevel=3,
        )


def _renyi_entropies(qs, table):
    """(Q, K) Rényi entropies in nats: log Z / (1 - q), Shannon at q = 1."""
    logz = table[:, :, 0].T
    shannon = -table[:, :, 1].T
    near1 = np.abs(qs - 1.0) < 1e-9
    with np.errstate(divide="ignore", invalid="ignore"):
        h = logz / (1.0 - qs[:, None])
    h[near1] = shannon[near1]
    return h


def generalized_dimensions(image, qs=None, *, sizes=None, fit_range=None, min_density=1e-6):
    """Rényi (generalised) dimensions D_q of an image taken as a measure.

    The image, normalised to sum 1, gives each box of size ``s`` a probability ``p_i``;
    ``D_q`` is the slope of the Rényi entropy ``H_q(s) = log(sum p_i**q) / (1 - q)``
    against ``log(1/s)``, and ``D_1`` that of the Shannon entropy ``-sum p_i log p_i``
    (the q -> 1 information limit, evaluated exactly, not by L'Hôpital on nearby q).

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray
        Non-negative intensities (bool images: the uniform measure on the set); a
        volume is boxed with ``s x s x s`` cubes.
    qs : float or sequence of float, optional
        Orders; default 41 values from -5 to 5.
    sizes : sequence of int, optional
        Box sizes (default powers of two up to the shorter side). Only complete boxes
        count; at each size their mass is renormalised to 1.
    fit_range : (float, float), optional
        Smallest and largest size in the fits; default all sizes.
    min_density : float, optional
        For ``q < 0`` boxes with ``p_i < min_density / n_boxes`` (a fraction of the
        uniform box mass) are left out, as are empty boxes for every q. ``p_i**q``
        diverges on near-empty boxes, so they would otherwise dominate the negative-q
        side. A :class:`FractalWarning` says how many boxes were left out.

    Returns
    -------
    GeneralizedDimensions

    Notes
    -----
    Kernel :func:`~infopix._kernels.fractal.renyi_sums` (log-sum-exp, one pass per q,
    prange over q); the sum pyramid comes from
    :func:`~infopix._kernels.fractal.block_reduce`. For every size
    ``H_0 >= H_1 >= H_2``. For the slopes, ``D_0 >= D_1`` follows when every box is
    occupied and the sizes are powers of two (the gap ``H_0 - H_1`` can only grow under
    refinement, and the least-squares slope of a non-decreasing sequence is >= 0);
    ``D_0 >= D_1 >= D_2`` in general is checked by property tests on random images.

    Examples
    --------
    >>> import infopix
    >>> from infopix.fractal.synthetic import binomial_cascade, binomial_cascade_dq
    >>> res = infopix.generalized_dimensions(binomial_cascade(8, 0.3), [0, 1, 2])
    >>> bool(np.allclose(res.dimensions, binomial_cascade_dq([0, 1, 2], 0.3)))
    True
    """
    q = _check_qs(qs)
    sz, table, left_out = _renyi_table(image, q, sizes, min_density)
    excluded = left_out[0]
    rng_, m = _check_fit_range(fit_range, sz)
    _warn_negative_q(q, left_out, m, min_density)
    h = _renyi_entropies(q, table)
    x = np.log(1.0 / sz[m])
    d, se, r2, a = _fit_rows(x, h[:, m])
    total, drift, dse, curved = _rows_systematics(x, h[:, m], d, se)
    _warn_curved_rows("the Rényi entropies", q, drift, dse, curved, rng_)
    return GeneralizedDimensions(q, d, total, r2, a, sz, h, rng_, excluded,
                                 stderr_regression=se, curved=curved, slope_drift=drift,
                                 slope_drift_stderr=dse)


def multifractal_spectrum(image, qs=None, *, sizes=None, fit_range=None, min_density=1e-6):
    """Multifractal spectrum f(alpha) by the Chhabra–Jensen direct method.

    With the escort measure ``mu_i(q) = p_i**q / sum_j p_j**q`` on boxes of size ``s``,
    ``alpha(q)`` is the slope of ``-sum mu_i log p_i`` and ``f(q)`` that of
    ``-sum mu_i log mu_i`` against ``log(1/s)`` [1]_; no Legendre transform of a fitted
    ``tau(q)`` is needed.

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray
        Non-negative intensities (a volume is boxed with cubes).
    qs : sequence of float, optional
        Orders; default 41 values from -5 to 5.
    sizes, fit_range, min_density
        As in :func:`generalized_dimensions`.

    Returns
    -------
    MultifractalSpectrum

    Notes
    -----
    At each size ``-sum mu log mu <= log N_0(s)`` and ``-sum mu log p > 0``, so up to the
    regression error ``f <= D_0`` and ``alpha > 0``; a :class:`FractalWarning` is raised
    if a fit breaks either bound by more than three standard errors, rather than
    clipping the values.

    References
    ----------
    .. [1] A. Chhabra, R. V. Jensen, "Direct determination of the f(alpha) singularity
       spectrum", Phys. Rev. Lett. 62 (1989) 1327, doi:10.1103/PhysRevLett.62.1327.

    Examples
    --------
    >>> import infopix
    >>> from infopix.fractal.synthetic import binomial_cascade, binomial_cascade_spectrum
    >>> res = infopix.multifractal_spectrum(binomial_cascade(8, 0.3), [-2, 0, 2])
    >>> alpha, f = binomial_cascade_spectrum([-2, 0, 2], 0.3)
    >>> bool(np.allclose(res.alpha, alpha) and np.allclose(res.f, f))
    True
    """
    q = _check_qs(qs)
    q0 = np.unique(np.concatenate([q, [0.0]]))
    sz, table, left_out = _renyi_table(image, q0, sizes, min_density)
    rng_, m = _check_fit_range(fit_range, sz)
    _warn_negative_q(q, left_out, m, min_density)
    idx = np.searchsorted(q0, q)
    x = np.log(1.0 / sz[m])
    h = _renyi_entropies(q0, table)
    dq, *_ = _fit_rows(x, h[idx][:, m])
    d0 = float(_fit_rows(x, h[[np.searchsorted(q0, 0.0)]][:, m])[0][0])
    a, a_se, _, _ = _fit_rows(x, -table[m][:, idx, 1].T)
    f, f_se, _, _ = _fit_rows(x, -table[m][:, idx, 2].T)
    a_se, a_drift, a_dse, a_curved = _rows_systematics(x, -table[m][:, idx, 1].T, a, a_se)
    f_se, f_drift, f_dse, f_curved = _rows_systematics(x, -table[m][:, idx, 2].T, f, f_se)
    curved = a_curved | f_curved
    _warn_curved_rows("-sum mu log p (alpha)", q, a_drift, a_dse, a_curved, rng_)
    _warn_curved_rows("-sum mu log mu (f)", q, f_drift, f_dse, f_curved, rng_)
    bad = (f > d0 + 3 * np.nan_to_num(f_se) + 1e-9) | (a <= 0)
    if bad.any():
        warnings.warn(
            f"f(alpha) > D_0 or alpha <= 0 at q = {q[bad].tolist()}: the log-log plots are not "
            f"straight over the fit range {rng_}; choose `fit_range` where they are.",
            FractalWarning,
            stacklevel=2,
        )
    return MultifractalSpectrum(q, a, f, a_se, f_se, dq, d0, sz, rng_, curved=curved)


# ----------------------------------------------------------------------------- information dimension


def _check_bins(bins, largest: int, default_lo: int, default_hi: int) -> np.ndarray:
    if bins is None:
        hi = min(default_hi, largest)
        out = np.unique(np.round(np.geomspace(default_lo, hi, 16)).astype(np.int64))
        if hi < default_lo or out.size < 3:
            raise ValueError(
                f"too few data for the default bin counts ({default_lo}..{hi}); pass `bins` "
                f"(at least 3 bin counts)."
            )
        return out
    arr = np.asarray(bins)
    if arr.ndim != 1 or arr.dtype.kind not in "iu":
        raise TypeError(f"`bins` expects a 1-D sequence of integer bin counts, got {bins!r}.")
    arr = np.unique(arr.astype(np.int64))
    if arr.size < 3 or arr[0] < 1:
        raise ValueError(f"`bins` expects at least 3 distinct bin counts >= 1, got {arr.tolist()}.")
    return arr


def information_dimension(distribution, *, bins=None, fit_range=None) -> FractalFit:
    """Information dimension of a distribution given on a uniform grid (notebook §9.2).

    ``distribution[i]`` is the mass (or density: only ratios matter) of cell ``i`` of
    ``L`` equal cells covering the unit interval. The cumulative distribution at the
    cell edges is interpolated by a monotone cubic spline (PCHIP); the interval is cut
    into ``n`` equal bins (``epsilon = 1/n``), each bin's mass read from the spline, and
    the Shannon entropy ``H(epsilon)`` regressed on ``log(1/epsilon)``: the slope is the
    information dimension ``d_1 = lim H(<X>_eps) / log(1/eps)``.

    Parameters
    ----------
    distribution : (L,) array_like
        Non-negative masses, not all zero (normalised here). ``L >= 16``.
    bins : sequence of int, optional
        Numbers of bins ``n``. Default: geometrically spaced integers from ``L // 16``
        to ``L // 2`` (bins 2 to 16 cells wide: the finest scales the grid resolves,
        with a one-cell atom kept inside one bin).
    fit_range : (float, float), optional
        Smallest and largest ``epsilon`` in the fit; default all.

    Returns
    -------
    FractalFit
        ``sizes`` are the bin widths ``epsilon`` (fractions of the interval),
        ``counts`` the effective numbers of bins ``exp(H)``.

    Notes
    -----
    Convergence. The slope approaches the dimension only when the bins resolve the
    distribution: for a smooth density the error is about ``-eps**2 / (12 sigma**2)``
    (``sigma`` its scale), for an atom next to a continuous part about
    ``a log(1/a)`` per unit of ``log(1/eps)``, ``a`` the continuous mass sharing the
    atom's bin; this decays slowly, so half-discrete laws need fine grids (the tests
    compare with the exactly binned law).

    Differences from the notebook's ``infodim`` (which fitted a smoothing spline to the
    density, integrated it with Simpson's rule, and regressed on 50 scales between 1 and
    10 bins): the spline is fitted to the cumulative distribution and is monotone, so
    bin masses are never negative and always sum to 1, and nothing depends on a
    smoothing parameter. The notebook also evaluated its spline on ``[0, 1]`` in *index*
    units (only the first grid cell) and its "rectified Gaussian" array had no atom at
    0 (zeros then a half Gaussian, a continuous law of dimension 1); its 0.498 was an
    artefact. With an atom of mass 1/2 (``g = Θ(x) f(x) + δ(x)/2``) the dimension is
    1/2 (Rényi 1959), as the Examples show.

    Examples
    --------
    >>> import infopix
    >>> x = np.linspace(-5, 5, 256)
    >>> gauss = np.exp(-x**2 / 2)
    >>> fit = infopix.information_dimension(gauss)
    >>> bool(abs(fit.dimension - 1) < 0.01)
    True
    >>> x = np.linspace(0, 5, 4096)
    >>> half = np.concatenate([[1.0], np.exp(-x**2 / 2) / np.exp(-x**2 / 2).sum()]) / 2
    >>> round(infopix.information_dimension(half).dimension, 1)  # atom of mass 1/2 at 0
    0.5
    """
    from scipy.interpolate import PchipInterpolator

    p = np.asarray(distribution)
    if p.dtype.kind not in "biuf" or p.ndim != 1:
        raise TypeError(
            f"`distribution` expects a 1-D array of non-negative masses, got {v._describe(p)}."
        )
    p = p.astype(np.float64)
    if p.size < 16:
        raise ValueError(f"`distribution` needs at least 16 cells, got {p.size}.")
    if not np.all(np.isfinite(p)) or np.any(p < 0) or p.sum() <= 0:
        raise ValueError(
            "`distribution` expects finite non-negative masses with a positive sum."
        )
    L = p.size
    cdf = np.concatenate([[0.0], np.cumsum(p / p.sum())])
    spline = PchipInterpolator(np.arange(L + 1) / L, cdf)
    n = _check_bins(bins, L, max(2, L // 16), L // 2)
    ent = np.empty(n.size)
    for i, k in enumerate(n):
        mass = np.diff(spline(np.linspace(0.0, 1.0, k + 1)))
        mass = mass[mass > 0]
        mass /= mass.sum()
        ent[i] = -float(np.sum(mass * np.log(mass)))
    eps = 1.0 / n[::-1].astype(np.float64)
    ent = ent[::-1]
    rng_, m = _check_fit_range(fit_range, eps)
    fit = _fit_with_systematics(np.log(1.0 / eps[m]), ent[m], rng_, "the entropies")
    return FractalFit(sizes=eps, counts=np.exp(ent), fit_range=rng_, method="information", **fit)


def information_dimension_of_sample(
    x, *, bins=None, range=None, estimator="plugin", fit_range=None
) -> FractalFit:
    """Information dimension of a random variable from a sample of it.

    The sample is histogrammed into ``n`` equal bins over ``range`` for each ``n`` in
    ``bins``; the entropy of each histogram (estimated from the counts with
    ``estimator``) is regressed on ``log(1/epsilon)``, ``epsilon = 1/n``.

    Parameters
    ----------
    x : (n,) array_like
        Finite real sample (flattened).
    bins : sequence of int, optional
        Numbers of bins. Default: geometric steps from ``len(x) // 1600`` to
        ``len(x) // 100`` (at least 100 observations per bin on average keeps the
        plug-in bias, about ``n / (2 len(x))`` nats, below 0.005 nats; four doublings
        at the finest such scales). At least 1600 observations are needed.
    range : (float, float), optional
        Interval histogrammed; default ``(x.min(), x.max())``.
    estimator : str, optional
        Entropy estimator name (see :data:`infopix.estimators.ESTIMATORS`).
    fit_range : (float, float), optional
        Smallest and largest ``epsilon`` in the fit.

    Returns
    -------
    FractalFit
        ``sizes`` are bin widths as fractions of ``range``; ``counts`` are ``exp(H)``.

    Examples
    --------
    >>> import infopix
    >>> z = np.random.default_rng(1).standard_normal(200_000)
    >>> round(infopix.information_dimension_of_sample(z).dimension, 1)
    1.0
    >>> round(infopix.information_dimension_of_sample(np.maximum(z, 0)).dimension, 1)
    0.5
    """
    from ..estimators import entropy_from_counts

    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"`x` expects a real sample, got {v._describe(arr)}.")
    arr = arr.astype(np.float64).ravel()
    if arr.size < 2 or not np.all(np.isfinite(arr)):
        raise ValueError(f"`x` expects at least 2 finite values, got {arr.size} (or NaN/inf).")
    if range is None:
        lo, hi = float(arr.min()), float(arr.max())
    else:
        lo, hi = (float(t) for t in range)
    if not hi > lo:
        raise ValueError(f"`range` must have low < high, got ({lo}, {hi}) (a constant sample?).")
    n = _check_bins(bins, arr.size, max(4, arr.size // 1600), arr.size // 100)
    ent = np.empty(n.size)
    for i, k in enumerate(n):
        counts, _ = np.histogram(arr, bins=int(k), range=(lo, hi))
        ent[i] = entropy_from_counts(counts, estimator=estimator, base=np.e).value
    eps = 1.0 / n[::-1].astype(np.float64)
    ent = ent[::-1]
    rng_, m = _check_fit_range(fit_range, eps)
    fit = _fit_with_systematics(np.log(1.0 / eps[m]), ent[m], rng_, "the entropies")
    return FractalFit(sizes=eps, counts=np.exp(ent), fit_range=rng_,
                      method="information (sample)", **fit)
