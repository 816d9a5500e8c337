"""Shared parts of :mod:`infopix.fractal`: the fit result, the warning, size and
fit-range checks, the box pyramid and the fits with their systematic errors."""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass, field

import numpy as np

from .. import _validation as v
from .._kernels import fractal as _k
from . import _fits as _f
from ._fits import linear_fit as _linear_fit


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

