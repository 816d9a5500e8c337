"""Generalised dimensions D_q and the Chhabra–Jensen spectrum f(alpha) of an image or
volume taken as a measure (see :mod:`infopix.fractal`)."""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass, field

import numpy as np

from .. import _validation as v
from .._kernels import fractal as _k
from . import _fits as _f
from ._fits import linear_fit as _linear_fit
from ._base import FractalFit, FractalWarning, _check_fit_range, _check_sizes, _levels

#: orders used when ``qs`` is not given: 41 values from -5 to 5 (step 0.25)
DEFAULT_QS = np.linspace(-5.0, 5.0, 41)


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
            FractalWarning, stacklevel=4,
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
    rng_, m = _check_fit_range(fit_range, sz)
    _warn_negative_q(q, left_out, m, min_density)
    return _dimensions_from_table(q, sz, table, left_out, rng_, m)


def _dimensions_from_table(q, sz, table, left_out, rng_, m) -> "GeneralizedDimensions":
    h = _renyi_entropies(q, table)
    x = np.log(1.0 / sz[m])
    d, se, r2, a = _fit_rows(x, h[:, m])
    total, drift, dse, curved = _rows_systematics(x, h[:, m], d, se)
    _warn_curved_rows("the Rényi entropies", q, drift, dse, curved, rng_)
    return GeneralizedDimensions(q, d, total, r2, a, sz, h, rng_, left_out[0],
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
    return _spectrum_from_table(q, q0, sz, table, rng_, m)


def multifractal_analysis(image, qs=None, *, sizes=None, fit_range=None, min_density=1e-6):
    """Generalised dimensions and the multifractal spectrum from one table of box sums.

    The pair ``(generalized_dimensions(image, qs, ...), multifractal_spectrum(image, qs,
    ...))``, with the box sums (the costly part) computed once; the report uses it.
    When ``qs`` is sorted, without repeats and holds 0 (as the report's orders do) the
    results are identical to the two functions'; otherwise D_q agree to rounding (the
    kernel computes the sums of evenly spaced orders by recurrence).

    Parameters
    ----------
    image, qs, sizes, fit_range, min_density
        As in :func:`generalized_dimensions`.

    Returns
    -------
    (GeneralizedDimensions, MultifractalSpectrum)

    Examples
    --------
    >>> import infopix
    >>> from infopix.fractal.synthetic import binomial_cascade
    >>> img = binomial_cascade(6, 0.3)
    >>> gd, mf = infopix.multifractal_analysis(img, [0, 1, 2])
    >>> bool(np.array_equal(gd.dimensions, infopix.generalized_dimensions(img, [0, 1, 2]).dimensions))
    True
    """
    q = _check_qs(qs)
    q0 = np.unique(np.concatenate([q, [0.0]]))
    sz, table, left_out = _renyi_table(image, q0, sizes, min_density)
    rng_, m = _check_fit_range(fit_range, sz)
    _warn_negative_q(q, left_out, m, min_density)
    idx = np.searchsorted(q0, q)
    gd = _dimensions_from_table(q, sz, table[:, idx, :], left_out, rng_, m)
    return gd, _spectrum_from_table(q, q0, sz, table, rng_, m)


def _spectrum_from_table(q, q0, sz, table, rng_, m) -> "MultifractalSpectrum":
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
            stacklevel=3,
        )
    return MultifractalSpectrum(q, a, f, a_se, f_se, dq, d0, sz, rng_, curved=curved)
