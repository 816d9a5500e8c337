"""Schedules of inverse temperature ``beta`` for :func:`infopix.ising.simulate`.

A schedule maps the update index ``i`` (0 <= i < n) and the run length ``n`` to an
inverse temperature: ``schedule(i, n) -> beta``. It is evaluated once per update unit
(a sweep for the checkerboard and Wolff sweeps, a single step for the random-site
Metropolis and for Wolff runs given in ``steps``). Schedules are concatenated with
``+`` or :func:`concat`: each part runs over its share of the ``n`` updates (equal
shares by default), e.g. the notebook's anneal-then-reverse
``linear(4, 1e-3) + linear(1e-3, 4)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["Schedule", "constant", "linear", "geometric", "arctan", "concat", "as_schedule"]


class Schedule:
    """An inverse-temperature schedule: ``beta = schedule(i, n)``.

    ``i`` may be an integer or an integer array (vectorised). Build one with
    :func:`constant`, :func:`linear`, :func:`geometric`, :func:`arctan`, from any callable
    with :func:`as_schedule`, and join them with ``+`` (:func:`concat`).
    """

    def __init__(self, func: Callable, description: str):
        self._func = func
        self.description = description

    def __call__(self, i, n):
        n = int(n)
        scalar = np.ndim(i) == 0
        ii = np.atleast_1d(np.asarray(i, dtype=np.int64))
        if n < 1 or np.any(ii < 0) or np.any(ii >= n):
            raise ValueError(f"schedule index `i` must lie in [0, n) with n >= 1, got i={i!r}, n={n}.")
        beta = np.asarray(self._func(ii, n), dtype=np.float64)
        if beta.shape != ii.shape:
            beta = np.broadcast_to(beta, ii.shape).astype(np.float64)
        if not np.all(np.isfinite(beta)) or np.any(beta < 0):
            bad = beta[~(np.isfinite(beta) & (beta >= 0))][0]
            raise ValueError(
                f"schedule {self.description} gave beta={bad!r}; inverse temperatures must be "
                "finite and >= 0."
            )
        return float(beta[0]) if scalar else beta

    def values(self, n: int) -> np.ndarray:
        """All ``n`` values ``[schedule(i, n) for i in range(n)]``."""
        return self(np.arange(int(n)), n)

    def __add__(self, other):
        return concat(self, other)

    def __radd__(self, other):
        return concat(other, self)

    def __repr__(self):
        return f"Schedule({self.description})"


def _beta(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"`{name}` expects a real inverse temperature >= 0, got {value!r}.")
    v = float(value)
    if not math.isfinite(v) or v < 0:
        raise ValueError(f"`{name}` expects a finite inverse temperature >= 0, got {value!r}.")
    return v


def _frac(i, n):
    return i / (n - 1) if n > 1 else np.zeros_like(i, dtype=np.float64)


def constant(beta: float) -> Schedule:
    """Constant inverse temperature.

    Examples
    --------
    >>> constant(0.5)(3, 10)
    0.5
    """
    b = _beta(beta, "beta")
    return Schedule(lambda i, n: np.full(i.shape, b), f"constant({b:g})")


def linear(b0: float, b1: float) -> Schedule:
    """Linear ramp from ``b0`` (at i = 0) to ``b1`` (at i = n - 1).

    Examples
    --------
    >>> linear(0.0, 1.0).values(5).tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    a, b = _beta(b0, "b0"), _beta(b1, "b1")
    return Schedule(lambda i, n: a + (b - a) * _frac(i, n), f"linear({a:g}, {b:g})")


def geometric(b0: float, b1: float) -> Schedule:
    """Geometric ramp ``b0 * (b1 / b0) ** (i / (n - 1))``; ``b0, b1 > 0``.

    Examples
    --------
    >>> geometric(0.1, 10.0).values(3).tolist()
    [0.1, 1.0, 10.0]
    """
    a, b = _beta(b0, "b0"), _beta(b1, "b1")
    if a <= 0 or b <= 0:
        raise ValueError(f"`b0` and `b1` of a geometric schedule must be > 0, got {b0!r}, {b1!r}.")
    return Schedule(lambda i, n: a * (b / a) ** _frac(i, n), f"geometric({a:g}, {b:g})")


def arctan(c: float) -> Schedule:
    """The notebook's schedule ``beta_i = c * (pi / 2) / arctan(n - i)``.

    It rises from about ``c`` (i = 0, n large) to ``2 c`` at the last update.

    Examples
    --------
    >>> round(arctan(3.0)(99, 100), 12)  # last update: 3 * (pi/2) / (pi/4)
    6.0
    """
    cc = _beta(c, "c")
    return Schedule(lambda i, n: cc * (np.pi / 2) / np.arctan(n - i), f"arctan({cc:g})")


def as_schedule(schedule) -> Schedule:
    """A :class:`Schedule` from a Schedule, a number (constant) or a callable ``(i, n)``.

    A callable is first tried on an index array; if that fails or does not return one
    value per index, it is called once per index.
    """
    if isinstance(schedule, Schedule):
        return schedule
    if isinstance(schedule, (int, float, np.integer, np.floating)) and not isinstance(schedule, bool):
        return constant(schedule)
    if callable(schedule):
        f = schedule

        def func(i, n):
            try:
                out = np.asarray(f(i, n), dtype=np.float64)
                if out.shape == i.shape:
                    return out
            except Exception:  # noqa: BLE001 - fall back to scalar calls
                pass
            return np.array([f(int(k), n) for k in i], dtype=np.float64)

        name = getattr(f, "__name__", type(f).__name__)
        return Schedule(func, f"callable {name}")
    raise TypeError(
        "`schedule` expects a number (constant beta), a Schedule (constant, linear, "
        f"geometric, arctan, concat) or a callable (i, n) -> beta, got {schedule!r}."
    )


def concat(*schedules, weights: Sequence[float] | None = None) -> Schedule:
    """Run schedules one after another.

    Part k covers a share ``weights[k] / sum(weights)`` of the ``n`` updates (equal
    shares by default; the last part takes the rounding remainder) and is evaluated as
    ``part(i - start_k, n_k)``.

    Examples
    --------
    >>> s = linear(1.0, 0.0) + linear(0.0, 1.0)   # anneal, then reverse
    >>> s.values(6).tolist()
    [1.0, 0.5, 0.0, 0.0, 0.5, 1.0]
    """
    parts: list[Schedule] = []
    for s in schedules:
        s = as_schedule(s)
        if isinstance(s, _Concat) and weights is None:
            parts.extend(s.parts)
        else:
            parts.append(s)
    if not parts:
        raise ValueError("`concat` needs at least one schedule.")
    if weights is None:
        w = np.ones(len(parts))
    else:
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != (len(parts),) or not np.all(np.isfinite(w)) or np.any(w <= 0):
            raise ValueError(
                f"`weights` expects {len(parts)} positive numbers (one per schedule), got {weights!r}."
            )
    return _Concat(parts, w)


class _Concat(Schedule):
    def __init__(self, parts, weights):
        self.parts = list(parts)
        self.weights = np.asarray(weights, dtype=np.float64)
        desc = " + ".join(p.description for p in self.parts)
        super().__init__(self._eval, desc)

    def bounds(self, n):
        """Start index of each part and the end, for a run of length n."""
        cum = np.concatenate([[0.0], np.cumsum(self.weights)]) / self.weights.sum()
        edges = np.rint(cum * n).astype(np.int64)
        edges[-1] = n
        return edges

    def _eval(self, i, n):
        edges = self.bounds(n)
        out = np.empty(i.shape, dtype=np.float64)
        for k, part in enumerate(self.parts):
            lo, hi = edges[k], edges[k + 1]
            sel = (i >= lo) & (i < hi)
            if np.any(sel):
                out[sel] = part(i[sel] - lo, hi - lo)
        return out
