"""Entropy estimators from counts, with uncertainty where a method has one.

The most probable distribution is not the distribution (notebook §10): the plug-in
entropy of a small sample is biased low. This module holds the one registry of
estimators that every counting entropy in infopix (intensity, local maps, block
entropies, pair entropies) resolves ``estimator=`` through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import _validation as v
from ._config import DEFAULT_CREDIBLE_LEVEL
from ._kernels import estimators as _k

__all__ = ["EntropyEstimate", "Estimator", "ESTIMATORS", "entropy_from_counts", "register"]


@dataclass(frozen=True)
class EntropyEstimate:
    """An entropy estimate.

    Attributes
    ----------
    value : float
        The estimate, in units of ``base``.
    std : float or None
        Standard error (frequentist methods) or posterior standard deviation (Bayesian
        methods); ``None`` where the method has none.
    interval : (float, float) or None
        Credible interval at level ``level`` (Bayesian methods only), else ``None``.
    estimator : str
        Registry name of the method.
    base : float
        Logarithm base of ``value``, ``std`` and ``interval``.
    level : float or None
        Credible level of ``interval``.
    """

    value: float
    std: float | None
    interval: tuple[float, float] | None
    estimator: str
    base: float
    level: float | None = None


@dataclass(frozen=True)
class Estimator:
    """A registered estimator.

    ``func(counts, n_outcomes, **options)`` receives the validated int64 counts
    (zeros included) and K, and returns ``(value, std, interval)`` in **nats**
    (``std``/``interval`` may be ``None``). ``code`` is the integer understood by
    :func:`infopix._kernels.estimators.profile_entropy` (``None`` if the method has no
    compiled profile form).
    """

    name: str
    func: Callable
    code: int | None
    bayesian: bool = False
    description: str = ""
    options: tuple[str, ...] = field(default_factory=tuple)


ESTIMATORS: dict[str, Estimator] = {}


def register(name, *, code=None, bayesian=False, description="", options=()):
    """Decorator adding an estimator function to :data:`ESTIMATORS`."""

    def deco(func):
        ESTIMATORS[name] = Estimator(name, func, code, bayesian, description, tuple(options))
        return func

    return deco


def _profile(counts: np.ndarray) -> np.ndarray:
    """Count profile ``nk[c]`` = number of bins with count c, length N + 1."""
    return np.bincount(counts, minlength=int(counts.sum()) + 1).astype(np.int64)


@register("plugin", code=_k.PLUGIN, description="maximum likelihood (empirical distribution)")
def _plugin(counts, n_outcomes):
    n = int(counts.sum())
    return _k.profile_entropy(_k.PLUGIN, _profile(counts), n, n_outcomes, 1.0), None, None


@register("miller_madow", code=_k.MILLER_MADOW, description="plug-in + (m - 1) / 2N")
def _miller_madow(counts, n_outcomes):
    n = int(counts.sum())
    return _k.profile_entropy(_k.MILLER_MADOW, _profile(counts), n, n_outcomes, 0.0), None, None


def resolve_estimator(estimator) -> Estimator:
    """Look an estimator up by name, with a clear error listing the accepted names."""
    est = ESTIMATORS.get(estimator) if isinstance(estimator, str) else None
    if est is None:
        names = ", ".join(repr(k) for k in ESTIMATORS)
        raise ValueError(f"`estimator` expects one of {names}, got {estimator!r}.")
    return est


def entropy_from_counts(
    counts, *, estimator="plugin", base=2, n_outcomes=None, level=DEFAULT_CREDIBLE_LEVEL, **options
) -> EntropyEstimate:
    """Estimate the entropy of the distribution that produced ``counts``.

    Parameters
    ----------
    counts : (K,) array_like of int
        Number of observations per outcome; zeros are unobserved outcomes.
    estimator : str, optional
        A name in :data:`ESTIMATORS` (default ``'plugin'``).
    base : float, optional
        Logarithm base of the result (2: bits).
    n_outcomes : int, optional
        K, the number of possible outcomes; defaults to ``len(counts)``.
    level : float, optional
        Credible level of the interval for Bayesian methods.
    **options
        Method parameters (see each method's description).

    Returns
    -------
    EntropyEstimate
    """
    c = v.check_counts(counts)
    b = v.check_base(base)
    est = resolve_estimator(estimator)
    k = c.size if n_outcomes is None else v.check_positive_int(n_outcomes, name="n_outcomes")
    if k < np.count_nonzero(c):
        raise ValueError(
            f"`n_outcomes` ({k}) is smaller than the number of observed outcomes ({np.count_nonzero(c)})."
        )
    unknown = set(options) - set(est.options)
    if unknown:
        raise TypeError(
            f"estimator {est.name!r} takes no option(s) {sorted(unknown)}; it accepts {list(est.options) or 'none'}."
        )
    value, std, interval = est.func(c, k, **options)
    lb = float(np.log(b))
    return EntropyEstimate(
        value=float(value) / lb + 0.0,
        std=None if std is None else float(std) / lb,
        interval=None if interval is None else (float(interval[0]) / lb, float(interval[1]) / lb),
        estimator=est.name,
        base=b,
        level=level if interval is not None else None,
    )
