"""Straight-line fits of log-log relations with their systematic errors.

Every dimension in :mod:`infopix.fractal` is a least-squares slope over a range of
scales. The points at different scales are not independent draws, and a finite
self-similar set's log-log plot oscillates about its line (log-periodically, with the
period of its construction), so the slope depends on which scales are sampled. The
helpers here report, next to the regression's standard error, how much the slope moves
when the sampled scales change (fit-range windows, interleaved sub-ladders and, for box
counting, grid origins), and whether the relation is curved rather than straight.

- :func:`window_masks`: the fit range shortened by half an octave and one octave at
  either end (each window keeps at least 3 scales).
- :func:`spread`: standard deviation of a set of alternative slopes.
- :func:`curvature`: the drift of the local slope across the fit range (from a
  quadratic fit) and whether it exceeds :data:`CURVATURE_Z` of its standard errors.
"""

from __future__ import annotations

import numpy as np

#: a fit is flagged as curved when the local slope drifts across the fit range by more
#: than this many standard errors (two-sided normal level 0.27 %)
CURVATURE_Z = 3.0

#: ends dropped from the fit range for the window spread, in octaves of scale
_WINDOWS = ((0.5, 0.0), (0.0, 0.5), (1.0, 0.0), (0.0, 1.0))


def linear_fit(x: np.ndarray, y: np.ndarray):
    """OLS ``y = a + b x``: returns (b, stderr(b), r2, a)."""
    n = x.size
    xm, ym = x.mean(), y.mean()
    sxx = float(np.sum((x - xm) ** 2))
    b = float(np.sum((x - xm) * (y - ym)) / sxx)
    a = float(ym - b * xm)
    res = y - (a + b * x)
    ssr = float(np.sum(res**2))
    sst = float(np.sum((y - ym) ** 2))
    scale = max(1.0, float(np.max(np.abs(y))))
    if sst <= (1e-12 * scale) ** 2 * n:
        r2 = 1.0 if ssr <= (1e-12 * scale) ** 2 * n else 0.0
    else:
        r2 = 1.0 - ssr / sst
    stderr = float(np.sqrt(ssr / (n - 2) / sxx)) if n > 2 else float("nan")
    return b + 0.0, stderr, float(r2), a


def slopes(x: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Least-squares slopes of each row of ``ys`` (R, n) against ``x`` (n,)."""
    xc = x - x.mean()
    return (ys - ys.mean(axis=-1, keepdims=True)) @ xc / float(xc @ xc)


def window_masks(x: np.ndarray) -> list[np.ndarray]:
    """Masks of the fit range (``x = log(1/scale)``) with half an octave and one octave
    of scales dropped at either end; windows with fewer than 3 points, or equal to the
    whole range, are left out."""
    u = -x  # log scale, increasing with the size
    lo, hi = float(u.min()), float(u.max())
    out, seen = [], {tuple(np.ones(x.size, bool))}
    for dl, dh in _WINDOWS:
        m = (u >= lo + dl * np.log(2) - 1e-9) & (u <= hi - dh * np.log(2) + 1e-9)
        if m.sum() >= 3 and tuple(m) not in seen:
            seen.add(tuple(m))
            out.append(m)
    return out


def window_slopes(x: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """(W, R) slopes of each row of ``ys`` over each window of :func:`window_masks`."""
    ys = np.atleast_2d(ys)
    return np.array([slopes(x[m], ys[:, m]) for m in window_masks(x)]).reshape(-1, ys.shape[0])


def spread(values: np.ndarray) -> np.ndarray:
    """Standard deviation (ddof 1) over axis 0; 0 with fewer than 2 values."""
    values = np.asarray(values, dtype=np.float64)
    if values.shape[0] < 2:
        return np.zeros(values.shape[1:])
    return np.std(values, axis=0, ddof=1)


def quadratic_drift(x: np.ndarray, ys: np.ndarray):
    """Drift of the local slope across the range and its residual standard error.

    A quadratic ``y = a + b x + c x**2`` is fitted to each row of ``ys``; its local
    slope ``b + 2 c x`` changes by ``drift = 2 c (x_max - x_min)`` between the largest
    and the smallest scale (``x = log(1/scale)``; positive: steeper at small scales).
    Fewer than 5 points: NaN.
    """
    ys = np.atleast_2d(ys)
    n = x.size
    if n < 5:
        nan = np.full(ys.shape[0], np.nan)
        return nan, nan
    span = float(x.max() - x.min())
    t = (x - x.mean()) / span
    A = np.stack([np.ones(n), t, t**2], axis=1)
    coef, *_ = np.linalg.lstsq(A, ys.T, rcond=None)
    res = ys.T - A @ coef
    s2 = np.sum(res**2, axis=0) / (n - 3)
    cov22 = np.linalg.inv(A.T @ A)[2, 2]
    # the local slope d y / d x = (coef1 + 2 coef2 t) / span changes by 2 coef2 / span
    # over the range (t spans 1)
    return 2.0 * coef[2] / span, 2.0 * np.sqrt(s2 * cov22) / span


def window_drifts(x: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """(W, R) drifts of each row of ``ys`` over the windows of :func:`window_masks` that
    keep at least 5 points."""
    ys = np.atleast_2d(ys)
    out = [quadratic_drift(x[m], ys[:, m])[0] for m in window_masks(x) if m.sum() >= 5]
    return np.array(out).reshape(-1, ys.shape[0])


def curvature(x: np.ndarray, ys: np.ndarray, alternative_drifts) -> tuple:
    """Drift of the local slope, its standard error and the curved flag, per row of ``ys``.

    The error combines the quadratic fit's residual error with the spread of the drift
    over ``alternative_drifts`` ((A, R): the same drift from other windows of the fit
    range, grid origins or size ladders; the systematic part). Curved when ``|drift|``
    exceeds :data:`CURVATURE_Z` times that error. Fewer than 5 points: NaN, not curved.
    """
    ys = np.atleast_2d(ys)
    drift, se = quadratic_drift(x, ys)
    alt = np.asarray(alternative_drifts, dtype=np.float64).reshape(-1, ys.shape[0])
    alt = np.concatenate([drift[None, :], alt[np.all(np.isfinite(alt), axis=1)]])
    total = np.sqrt(se**2 + spread(alt) ** 2)
    scale = np.maximum(1.0, np.max(np.abs(ys), axis=1))
    with np.errstate(invalid="ignore"):
        curved = np.abs(drift) > CURVATURE_Z * total + 1e-9 * scale
    return drift, total, np.where(np.isfinite(drift), curved, False)


def curvature_message(what: str, drift: float, total: float, fit_range) -> str:
    """The text of the curvature warning."""
    return (
        f"the log-log relation of {what} is curved over the fit range {tuple(fit_range)}: "
        f"its local slope changes by {drift:+.3g} from the largest to the smallest scale "
        f"(more than {CURVATURE_Z:g} times its error {total:.2g}), so no single dimension "
        f"describes these scales and the slope is only an average; choose `fit_range` "
        f"where the plot is straight (see .plot()), or report the local slopes."
    )
