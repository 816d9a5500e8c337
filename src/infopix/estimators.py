"""Entropy estimators from counts, with uncertainty where a method has one.

The most probable distribution is not the distribution (notebook §10): the plug-in
entropy of a small sample is biased low. This module holds the one registry of
estimators that every counting entropy in infopix (intensity, local maps, block
entropies, pair entropies) resolves ``estimator=`` through.

Three choices are kept apart: how values become outcomes (binning, elsewhere), which
measure (Shannon here; Rényi orders only for ``'plugin'``) and which estimator (here).

Every method has one implementation, a compiled function of the (sparse) count profile
in :mod:`infopix._kernels.estimators` (``ESTIMATORS[name].kernel(cs, ms, N, K, a,
table)``, in nats, compiled on first use), called by :func:`entropy_from_counts`, the local and block
maps and the pattern entropies alike. The Bayesian methods' std, credible interval and
posterior come from compiled pieces of the same module (``ww_moments``,
``nsb_components``). Adding an estimator is one kernel and one :func:`register` call;
slow references live in the tests only (``tests/naive_estimators.py``).
"""

from __future__ import annotations

import functools
import math
import numbers
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import special as sp

from . import _validation as v
from ._config import DEFAULT_CREDIBLE_LEVEL
from ._kernels import estimators as _k

__all__ = [
    "EntropyEstimate",
    "Estimator",
    "ESTIMATORS",
    "entropy_from_counts",
    "posterior_predictive",
    "profile_table",
    "register",
    "resolve_estimator",
]


@dataclass(frozen=True)
class EntropyEstimate:
    """An entropy estimate.

    Attributes
    ----------
    value : float
        The estimate, in units of ``base`` (the posterior mean for Bayesian methods).
    std : float or None
        Posterior standard deviation (Bayesian methods, and the asymptotic posterior
        of ``'ansb'``); ``None`` where the method has none.
    interval : (float, float) or None
        Equal-tailed credible interval at level ``level`` (Bayesian methods only), else
        ``None``.
    estimator : str
        Registry name of the method.
    base : float
        Logarithm base of ``value``, ``std`` and ``interval``.
    level : float or None
        Credible level of ``interval``.
    posterior : tuple or None
        The posterior of H in nats, as a mixture of scaled Beta densities on
        ``[0, log K]``: ``(weights, alphas, betas, log K)`` (Bayesian methods only; not
        part of equality or repr). Used by :meth:`posterior_density` and :meth:`plot`.
    valid : bool
        False when the estimate lies outside the estimator's domain of validity, so it
        should not be shown as a number: ``'ansb'`` without coincidences (NaN) or above
        log K; ``'nsb'`` without coincidences (the posterior over the prior's
        concentration is then the prior itself, so the value and interval only restate
        the prior); any estimate that is NaN or above log K, the largest entropy
        possible over K outcomes.
    reason : str or None
        Why ``valid`` is False (one sentence), else None.
    uncertainty : str or None
        What ``std`` and ``interval`` rest on, for estimates of an image's entropy
        (:func:`infopix.intensity_entropy_estimate`): ``'spatial: ...'`` (the image as
        one realisation of a stationary random field) or ``'iid: ...'`` (independent
        pixels). ``None`` for estimates from counts, whose error (where the method has
        one) assumes independent samples.
    effective_samples : float or None
        The number of independent samples the data are worth under ``uncertainty``
        (the number of pixels for independent pixels, fewer for correlated ones).
    """

    value: float
    std: float | None
    interval: tuple[float, float] | None
    estimator: str
    base: float
    level: float | None = None
    posterior: tuple | None = field(default=None, repr=False, compare=False)
    valid: bool = True
    reason: str | None = None
    uncertainty: str | None = None
    effective_samples: float | None = None

    def posterior_density(self, x=None):
        """Posterior density of H in units of ``base``.

        Parameters
        ----------
        x : array_like, optional
            Where to evaluate it (units of ``base``); default: 400 points covering the
            posterior.

        Returns
        -------
        x, density : ndarray, ndarray

        Raises
        ------
        ValueError
            For estimators without a posterior (non-Bayesian methods).
        """
        if self.posterior is None:
            raise ValueError(
                f"estimator {self.estimator!r} has no posterior density; the Bayesian "
                f"estimators 'wolpert_wolf' and 'nsb' have one."
            )
        w, al, be, top = self.posterior
        lb = math.log(self.base)
        if x is None:
            s = self.std if self.std else 0.0
            lo = max(0.0, self.value - 6 * s)
            hi = min(top / lb, self.value + 6 * s) if s else top / lb
            if hi <= lo:
                hi = lo + 1e-9
            x = np.linspace(lo, hi, 400)
        x = np.asarray(x, dtype=np.float64)
        if top <= 0:
            return x, np.zeros_like(x)
        u = np.clip(x * lb / top, 0.0, 1.0)
        dens = np.zeros_like(u)
        for wj, aj, bj in zip(w, al, be):
            dens += wj * _beta_pdf(u, aj, bj)
        return x, dens * lb / top

    def plot(self, ax=None):
        """Plot the estimate.

        Bayesian methods: the posterior density of H with the credible interval
        shaded and the posterior mean marked. Other methods: the point estimate (with a
        +-1 std error bar where the method has a std), since they have no posterior.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axis to draw on; a new figure is created if None.

        Returns
        -------
        matplotlib.axes.Axes
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        unit = {2.0: "bits", math.e: "nats"}.get(self.base, f"log base {self.base:g}")
        if self.posterior is not None:
            x, dens = self.posterior_density()
            ax.plot(x, dens, color="C0", label=f"posterior ({self.estimator})")
            if self.interval is not None:
                lo, hi = self.interval
                inside = (x >= lo) & (x <= hi)
                ax.fill_between(x, 0, dens, where=inside, color="C0", alpha=0.3,
                                label=f"{100 * self.level:g}% credible interval")
            ax.axvline(self.value, color="C1", label="posterior mean")
            ax.set_ylabel("posterior density")
        else:
            xerr = None if self.std is None else [[self.std], [self.std]]
            extra = "" if self.std is None else " +- 1 std"
            ax.errorbar([self.value], [0.0], xerr=xerr, fmt="o", color="C1",
                        label=f"{self.estimator}{extra} (no posterior density)")
            ax.set_yticks([])
        ax.set_xlabel(f"entropy ({unit})")
        ax.legend(loc="best")
        return ax


@dataclass(frozen=True)
class Estimator:
    """A registered estimator.

    Attributes
    ----------
    name : str
        Registry name.
    kernel : numba dispatcher
        The estimator's one implementation, ``kernel(cs, ms, N, K, a, table) -> nats``
        on the count profile (:mod:`infopix._kernels.estimators`); compiled on first use.
    code : int
        Index assigned at registration (registration order), stable within a process.
    bayesian : bool
        Has a posterior (std, credible interval, density).
    uses_k : bool
        Its value depends on K, the number of possible outcomes.
    needs_coincidence : bool
        Undefined or prior-dominated without a repeated outcome (``'ansb'``, ``'nsb'``).
    description : str
    options : tuple of str
        Keyword options accepted (``'a'`` for the Dirichlet estimators).
    param, param_default : str or None, float
        The option passed to the kernel as its scalar ``a`` and its default; with no
        option, ``a = param_default`` (the Rényi order 1 for ``'plugin'``).
    tables : numba dispatcher or None
        For estimators that are linear forms of the profile: ``tables(wmax, K, a) ->
        (phi, coef)``, used by local maps to track the estimate as the window moves.
    table : callable or None
        ``table(N, K)``: a precomputed table that speeds the kernel up for samples of
        N (NSB); None when the kernel needs none.
    uncertainty : callable or None
        ``uncertainty(cs, ms, N, K, a, level) -> (mean or None, std, interval,
        posterior)`` in nats, from the same compiled pieces.
    memo : bool
        Costly enough per call that local maps remember its value per count profile.
    std_kernel : numba dispatcher or None
        ``std_kernel(cs, ms, N, K, a, table) -> nats``: the posterior std of the estimate
        from the same compiled pieces, for the Bayesian methods and ``'ansb'``
        (``local_entropy(..., return_std=True)``); None for methods without one.
    term : numba dispatcher or None
        For estimators linear in the count profile once one integer of the sample (the
        key) is fixed: ``term(N, K, a, key, c)``, the contribution of a bin holding c
        samples, so the estimate is ``sum_c nk[c] term(N, K, a, key, c)`` (c = 0: the
        unobserved bins). Local maps track the key and the profile as the window moves.
    term_key : {'singletons', 'squares'} or None
        The key: the number of singletons f1, or the sum of squared counts.
    """

    name: str
    kernel: Callable
    code: int
    bayesian: bool = False
    uses_k: bool = False
    needs_coincidence: bool = False
    description: str = ""
    options: tuple[str, ...] = field(default_factory=tuple)
    param: str | None = None
    param_default: float = 0.0
    tables: Callable | None = None
    table: Callable | None = None
    uncertainty: Callable | None = None
    memo: bool = False
    std_kernel: Callable | None = None
    term: Callable | None = None
    term_key: str | None = None

    def profile_a(self, **options) -> float:
        """The scalar ``a`` passed to :attr:`kernel` for these options (validated)."""
        unknown = set(options) - set(self.options)
        if unknown:
            raise TypeError(
                f"estimator {self.name!r} takes no option(s) {sorted(unknown)}; it accepts "
                f"{list(self.options) or 'none'}."
            )
        if self.param is None:
            return self.param_default
        return _check_concentration(options.get(self.param, self.param_default), name=self.param)

    def function(self):
        """The kernel as a first-class Numba function (for the local-map walks)."""
        return _k.first_class(self.kernel)


ESTIMATORS: dict[str, Estimator] = {}


def register(name, kernel, **info) -> Estimator:
    """Add an estimator to :data:`ESTIMATORS`; its ``code`` is its registration index.

    Parameters
    ----------
    name : str
    kernel : numba dispatcher
        ``kernel(cs, ms, N, K, a, table) -> float`` in nats (see
        :mod:`infopix._kernels.estimators`).
    **info
        The other :class:`Estimator` fields.

    Returns
    -------
    Estimator
    """
    if name in ESTIMATORS:
        raise ValueError(f"estimator {name!r} is already registered.")
    est = Estimator(name, kernel, len(ESTIMATORS), **info)
    ESTIMATORS[name] = est
    return est


def _check_concentration(a, *, name="a") -> float:
    if isinstance(a, bool) or not isinstance(a, numbers.Real):
        raise TypeError(f"`{name}` expects a finite number >= 0 (Dirichlet concentration per bin), got {a!r}.")
    x = float(a)
    if not math.isfinite(x) or x < 0:
        raise ValueError(f"`{name}` expects a finite number >= 0 (Dirichlet concentration per bin), got {a!r}.")
    return x


def _check_level(level) -> float:
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < float(level) < 1:
        raise ValueError(f"`level` expects a credible level strictly between 0 and 1, got {level!r}.")
    return float(level)


def _profile(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sparse count profile ``(cs, ms)``: ``ms[i]`` bins hold exactly ``cs[i] > 0``
    observations (int64, ``cs`` increasing)."""
    cs, ms = np.unique(np.asarray(counts)[np.asarray(counts) > 0], return_counts=True)
    return np.ascontiguousarray(cs, dtype=np.int64), np.ascontiguousarray(ms, dtype=np.int64)


@functools.lru_cache(maxsize=64)
def _nsb_table_cached(N: int, K: int) -> np.ndarray:
    if N > _k.NSB_TABLE_MAX_N:
        return _DUMMY_TABLE
    return _k.nsb_table(N, K)


_DUMMY_TABLE = np.zeros((1, 1))


def profile_table(estimator, N, K) -> np.ndarray:
    """The ``table`` argument of an estimator's kernel for samples of N observations.

    Parameters
    ----------
    estimator : str
        Registry name.
    N, K : int
        Samples per window and number of possible outcomes.

    Returns
    -------
    table : 2-D ndarray of float64
        For NSB a (G + 1, 2N + 6) table, cached per ``(N, K)`` (a few ms to build;
        0.2 MB for N = 25, 12 MB for N = 441; treat it as read-only); a 1x1 dummy for
        the other estimators and for NSB with N > 512 (the kernel then integrates
        adaptively). A table for another N is accepted but ignored (adaptive path,
        same value to ~1e-13).

    Examples
    --------
    >>> import numpy as np
    >>> from infopix.estimators import ESTIMATORS, profile_table
    >>> cs, ms = np.array([1, 2]), np.array([21, 2])   # 21 singletons, 2 pairs: N = 25
    >>> nsb = ESTIMATORS["nsb"].kernel
    >>> a = nsb(cs, ms, 25, 256, 0.0, profile_table("nsb", 25, 256))
    >>> bool(abs(a - nsb(cs, ms, 25, 256, 0.0, profile_table("plugin", 25, 256))) < 1e-10)
    True
    """
    est = resolve_estimator(estimator)
    if est.table is None:
        return _DUMMY_TABLE
    return est.table(int(N), int(K))


# ---------------------------------------------------------------------------------------
# helpers for posteriors given as mixtures of scaled Beta laws on [0, log K]
# ---------------------------------------------------------------------------------------


def _beta_pdf(u, a, b):
    with np.errstate(divide="ignore", invalid="ignore"):
        lp = (a - 1) * np.log(u) + (b - 1) * np.log1p(-u) - sp.betaln(a, b)
        out = np.exp(lp)
    return np.where(np.isfinite(out), out, 0.0)


def _beta_params(mean, var, top):
    """Scaled Beta on [0, top] with the given mean and variance (method of moments).

    Always feasible: H in [0, top] gives var <= mean (top - mean) (Bhatia-Davis)."""
    m = np.clip(np.asarray(mean, float) / top, 1e-300, 1 - 1e-16)
    s2 = np.maximum(np.asarray(var, float) / top**2, 1e-300)
    nu = np.clip(m * (1 - m) / s2 - 1.0, 1e-12, 1e300)
    return m * nu, (1 - m) * nu


def _mixture_interval(w, al, be, top, level):
    """Equal-tailed interval of a mixture of scaled Betas: the roots of its CDF
    ``F(u) = sum_j w_j I_u(al_j, be_j)`` at (1 -+ level)/2 on [0, 1], times ``top``.

    Safeguarded Halley iteration (F by scipy's betainc, its density and slope from
    the Beta densities), started at the quantile of the one Beta law with the
    mixture's mean and variance; a step leaving the bracket bisects it; stopped when a
    step is below 1e-14 + 1e-12 u, the tolerances of the Brent root finding it
    replaced (issue 19: 3-5 CDF evaluations per quantile instead of ~17 and two end
    checks; the same roots to 1e-10, tests/test_estimators.py).
    """
    w, al, be = (np.asarray(x, dtype=np.float64) for x in (w, al, be))
    lbeta = sp.betaln(al, be)
    am1, bm1 = al - 1.0, be - 1.0
    mj = al / (al + be)
    mean = float(np.dot(w, mj))
    var = float(np.dot(w, mj * (1.0 - mj) / (al + be + 1.0) + mj * mj)) - mean * mean
    a0, b0 = _beta_params(mean * top, max(var, 0.0) * top * top, top)
    total = float(w.sum())  # the CDF at u = 1 (and 0 at u = 0)
    out = []
    for q in ((1 - level) / 2, (1 + level) / 2):
        if total - q <= 0:  # numerical: all mass at the top
            out.append(top)
            continue
        lo, hi = 0.0, 1.0
        u = float(sp.betaincinv(a0[()] if np.ndim(a0) else a0, b0[()] if np.ndim(b0) else b0, q))
        if not 0.0 < u < 1.0:
            u = 0.5
        for _ in range(200):
            F = float(np.dot(w, sp.betainc(al, be, u))) - q
            if F == 0.0:
                break
            if F < 0.0:
                lo = u
            else:
                hi = u
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                dens = np.exp(am1 * math.log(u) + bm1 * math.log1p(-u) - lbeta)
                slope = dens * (am1 / u - bm1 / (1.0 - u))
            ok = np.isfinite(dens) & np.isfinite(slope)
            f = float(np.dot(w[ok], dens[ok]))
            df = float(np.dot(w[ok], slope[ok]))
            un = math.nan
            if f > 0.0:
                den = 2.0 * f * f - F * df
                un = u - 2.0 * F * f / den if den > 0.0 else u - F / f
            if abs(un - u) <= 1e-14 + 1e-12 * abs(u):  # converged (a last step may
                u = min(max(un, lo), hi)  # round past the bracket's end: clip it)
                break
            u = un if lo < un < hi else 0.5 * (lo + hi)
            if hi - lo <= 1e-14 + 1e-12 * abs(u):
                break
        out.append(top * u)
    return out[0], out[1]


# ---------------------------------------------------------------------------------------
# uncertainties (Python glue over the compiled pieces)
# ---------------------------------------------------------------------------------------


def _ww_uncertainty(cs, ms, N, K, a, level):
    # Wolpert & Wolf 1995: exact posterior mean and variance (compiled ww_moments); the
    # interval is "by moments": the scaled Beta law on [0, log K] with that mean and
    # variance, then its equal-tailed quantiles.
    mean, m2 = _k.ww_moments(cs, ms, N, K, a)
    var = max(m2 - mean * mean, 0.0)
    top = math.log(K)
    if top == 0.0:
        return 0.0, 0.0, (0.0, 0.0), None
    al, be = _beta_params(mean, var, top)
    w = np.ones(1)
    al, be = np.atleast_1d(al), np.atleast_1d(be)
    # one Beta law: its quantiles directly (what root finding on its CDF converges to)
    lo, hi = top * sp.betaincinv(al[0], be[0], [(1 - level) / 2, (1 + level) / 2])
    return None, math.sqrt(var), (float(lo), float(hi)), (w, al, be, top)


def _nsb_uncertainty(cs, ms, N, K, a, level):
    # Nemenman, Shafee & Bialek 2002: posterior moments of H = quadrature over beta of
    # the Wolpert-Wolf moments weighted by the posterior of beta (compiled
    # nsb_components, adaptive trapezoid in log beta); the interval: quantiles of the
    # posterior of H, a mixture over the beta nodes of the fixed-beta posteriors (each
    # a scaled Beta with its exact moments).
    if K <= 1:
        return 0.0, 0.0, (0.0, 0.0), None
    w, mu, m2 = _k.nsb_components(cs, ms, N, K, True)
    mean = float(np.dot(w, mu))
    var = max(float(np.dot(w, m2)) - mean * mean, 0.0)
    keep = w > 1e-14 * w.max()
    w, mu, vj = w[keep], mu[keep], np.maximum(m2[keep] - mu[keep] ** 2, 0.0)
    w = w / w.sum()
    top = math.log(K)
    al, be = _beta_params(mu, vj, top)
    return mean, math.sqrt(var), _mixture_interval(w, al, be, top, level), (w, al, be, top)


def _ansb_uncertainty(cs, ms, N, K, a, level):
    # Nemenman 2011: posterior variance psi'(Delta); None without coincidences
    s = _k.ansb_std(cs, ms, N)
    return None, (None if math.isnan(s) else s), None, None


# ---------------------------------------------------------------------------------------
# the registry (each kernel cites its paper and equation in infopix._kernels.estimators)
# ---------------------------------------------------------------------------------------

register("plugin", _k.plugin, param_default=1.0, description="maximum likelihood (empirical distribution)")
register("miller_madow", _k.miller_madow, tables=_k.miller_madow_tables, description="plug-in + (m - 1) / 2N")
register(
    "pseudocount", _k.pseudocount, uses_k=True, options=("a",), param="a", param_default=1.0,
    tables=_k.pseudocount_tables,
    description="plug-in of the Dirichlet(a) posterior-mean distribution (n + a)/(N + K a)",
)
register(
    "wolpert_wolf", _k.wolpert_wolf, bayesian=True, uses_k=True, options=("a",), param="a", param_default=1.0,
    tables=_k.wolpert_wolf_tables, uncertainty=_ww_uncertainty, std_kernel=_k.wolpert_wolf_std,
    description="exact posterior mean and std of H under a symmetric Dirichlet(a) prior",
)
register(
    "nsb", _k.nsb, bayesian=True, uses_k=True, needs_coincidence=True, table=_nsb_table_cached, memo=True,
    uncertainty=_nsb_uncertainty, std_kernel=_k.nsb_std,
    description="Nemenman-Shafee-Bialek: Dirichlet mixture flat in prior expected entropy",
)
register("chao_shen", _k.chao_shen, term=_k.chao_shen_term, term_key="singletons", description="coverage-adjusted Horvitz-Thompson (Chao & Shen 2003)")
register("grassberger", _k.grassberger, tables=_k.grassberger_tables, description="Grassberger 2003, G(n) digamma terms")
register("chao_wang_jost", _k.chao_wang_jost, memo=True, description="Chao, Wang & Jost 2013 (species accumulation)")
register("shrinkage", _k.shrinkage, uses_k=True, term=_k.shrinkage_term, term_key="squares", description="James-Stein shrinkage to uniform (Hausser & Strimmer 2009)")
register("zhang", _k.zhang, tables=_k.zhang_tables, description="Zhang 2012 (Turing's perspective), bias decays exponentially")
register("bonachela", _k.bonachela, tables=_k.bonachela_tables, description="Bonachela, Hinrichsen & Munoz 2008 (small data sets)")
register(
    "ansb", _k.ansb, needs_coincidence=True, tables=_k.ansb_tables, uncertainty=_ansb_uncertainty,
    std_kernel=_k.ansb_std_kernel,
    description="asymptotic NSB for N << K (Nemenman 2011); NaN without coincidences",
)


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
    counts : (K,) array_like of int, or IntensityCounts
        Number of observations per outcome; zeros are unobserved outcomes. An
        :class:`infopix.IntensityCounts` (from :func:`infopix.intensity_counts`) is
        accepted as is, and its ``n_outcomes`` is K.
    estimator : {'plugin', 'miller_madow', 'pseudocount', 'wolpert_wolf', 'nsb', \
'chao_shen', 'grassberger', 'chao_wang_jost', 'shrinkage', 'zhang', 'bonachela', \
'ansb'}, optional
        A name in :data:`ESTIMATORS` (default ``'plugin'``); see Notes.
    base : float, optional
        Logarithm base of the result (2: bits, ``np.e``: nats).
    n_outcomes : int, optional
        K, the number of possible outcomes (observed or not), at most 2**62; ``K=`` is
        accepted as an alias. It matters for ``'pseudocount'``, ``'wolpert_wolf'``,
        ``'nsb'`` and ``'shrinkage'``; for an image, the dtype's number of levels (an
        IntensityCounts carries it). Default: ``len(counts)``, with a warning for these
        four estimators when ``counts`` has no zero entry (then nothing says how many
        outcomes went unobserved).
    level : float, optional
        Credible level of the interval for Bayesian methods (default 0.95).
    **options
        ``a`` : float >= 0, Dirichlet concentration per bin for ``'pseudocount'`` and
        ``'wolpert_wolf'`` (default 1: uniform prior, Laplace's rule).

    Returns
    -------
    EntropyEstimate
        ``value`` in units of ``base``; ``std`` and ``interval`` where the method has
        them (else ``None``); ``valid`` is False (with the ``reason``) when the value
        is outside the estimator's domain (NaN, above log K, ``'ansb'``/``'nsb'``
        without coincidences): such a value should not be shown as a number.

    Raises
    ------
    ValueError
        Counts negative, non-integer, empty or all zero; ``n_outcomes`` smaller than
        the number of observed outcomes, above 2**62, or different from the K of an
        IntensityCounts; unknown estimator; ``a < 0``; ``level`` outside (0, 1).
    TypeError
        Non-numeric counts; an option the estimator does not take.

    Warns
    -----
    UserWarning
        A K-dependent estimator (``'pseudocount'``, ``'wolpert_wolf'``, ``'nsb'``,
        ``'shrinkage'``) given counts without zeros and no ``n_outcomes``.

    Notes
    -----
    Methods (N samples, m occupied bins, K outcomes, f1/f2 singletons/doubletons):

    - ``plugin``: ``log N - sum n_i log n_i / N``; biased low by about (m - 1)/2N.
    - ``miller_madow``: plug-in + (m - 1)/(2N) [Miller 1955].
    - ``pseudocount``: plug-in of ``(n_i + a)/(N + K a)`` [Hausser & Strimmer 2009].
    - ``wolpert_wolf``: exact posterior mean and std of H under Dirichlet(a) [Wolpert
      & Wolf 1995]; interval by moments (the scaled Beta law on
      [0, log K] with the exact mean and variance).
    - ``nsb``: posterior mean and std of H under the NSB mixture of Dirichlet priors,
      flat in the prior expected entropy [Nemenman, Shafee & Bialek 2002]; the
      interval is from the posterior of H itself, a quadrature over the mixture of the
      fixed-beta posteriors (each a scaled Beta with its exact moments). The
      unobserved bins (K - m) matter.
    - ``chao_shen``: coverage-adjusted Horvitz-Thompson [Chao & Shen 2003].
    - ``grassberger``: ``log N - sum n_i G(n_i)/N`` [Grassberger 2003].
    - ``chao_wang_jost``: [Chao, Wang & Jost 2013].
    - ``shrinkage``: plug-in of James-Stein shrinkage towards 1/K [Hausser & Strimmer
      2009].
    - ``zhang``: [Zhang 2012].
    - ``bonachela``: [Bonachela, Hinrichsen & Munoz 2008], over observed bins.
    - ``ansb``: asymptotic NSB ``(gamma - log 2) + 2 log N - psi(Delta)`` with std
      ``sqrt(psi'(Delta))``, Delta = N - m coincidences [Nemenman 2011]. Valid in the
      undersampled regime N << K with 1 <= Delta << N (it does not use K and is
      meaningless for well-sampled data, where it grows like 2 log N); NaN (std None)
      when there is no coincidence.

    As N -> infinity with K fixed every method tends to the plug-in value: their
    differences from it are O(m/N) (Miller-Madow, Grassberger, Zhang, Chao-Shen,
    Chao-Wang-Jost, Bonachela, NSB, Wolpert-Wolf) or O(K a/N) (pseudocount).

    References
    ----------
    .. [1] D. H. Wolpert, D. R. Wolf, Phys. Rev. E 52, 6841 (1995),
       doi:10.1103/PhysRevE.52.6841; M. Hutter, "Distribution of mutual information",
       NIPS 14 (2002).
    .. [2] I. Nemenman, F. Shafee, W. Bialek, "Entropy and inference, revisited",
       NIPS 14 (2002), arXiv:physics/0108025.
    .. [3] I. Nemenman, Entropy 13, 2013 (2011), doi:10.3390/e13122013.
    .. [4] P. Grassberger, arXiv:physics/0307138 (2003).
    .. [5] A. Chao, T.-J. Shen, Environ. Ecol. Stat. 10, 429 (2003).
    .. [6] A. Chao, Y. T. Wang, L. Jost, Methods Ecol. Evol. 4, 1091 (2013).
    .. [7] J. Hausser, K. Strimmer, J. Mach. Learn. Res. 10, 1469 (2009).
    .. [8] Z. Zhang, Neural Comput. 24, 1368 (2012).
    .. [9] J. A. Bonachela, H. Hinrichsen, M. A. Munoz, J. Phys. A 41, 202001 (2008).

    Examples
    --------
    >>> import numpy as np, infopix
    >>> infopix.entropy_from_counts([5, 5, 5, 5]).value     # plug-in: log2(4)
    2.0
    >>> e = infopix.entropy_from_counts([3, 1, 0, 0], estimator="nsb", n_outcomes=256)
    >>> e.value > infopix.entropy_from_counts([3, 1]).value and e.interval[0] < e.value < e.interval[1]
    True
    """
    c, k, k_given = _counts_and_k(counts, n_outcomes, options)
    b = v.check_base(base)
    est = resolve_estimator(estimator)
    a = est.profile_a(**options)  # unknown options, a < 0
    lev = _check_level(level) if est.bayesian else None
    cs, ms = _profile(c)
    n = int(c.sum())
    value, std, interval, post = None, None, None, None
    if est.uncertainty is not None:
        value, std, interval, post = est.uncertainty(cs, ms, n, k, a, lev)
    if value is None:
        value = est.kernel(cs, ms, n, k, a, _DUMMY_TABLE)
    if est.uses_k and not k_given:
        warnings.warn(
            f"estimator {est.name!r} depends on K, the number of possible outcomes, which was "
            f"not given: K = len(counts) = {k} is assumed (every outcome observed). Pass "
            f"`n_outcomes=` (e.g. 256 for uint8 intensities) or the IntensityCounts from "
            f"infopix.intensity_counts, which carries K.",
            UserWarning,
            stacklevel=2,
        )
    lb = float(np.log(b))
    valid, reason = _validity(est, float(value), c, k)
    return EntropyEstimate(
        value=float(value) / lb + 0.0,
        std=None if std is None else float(std) / lb,
        interval=None if interval is None else (float(interval[0]) / lb, float(interval[1]) / lb),
        estimator=est.name,
        base=b,
        level=lev if interval is not None else None,
        posterior=post,
        valid=valid,
        reason=reason,
    )


#: Largest number of outcomes the compiled estimators accept (K is an int64 there, and
#: K * a, K * beta must stay finite and exact enough in float64).
MAX_OUTCOMES = 2**62


def _counts_and_k(counts, n_outcomes, options):
    """(validated counts, K, whether K was given) from counts or an IntensityCounts."""
    if "K" in options:  # the literature's name for the number of outcomes
        if n_outcomes is not None:
            raise TypeError("give the number of outcomes once: `n_outcomes` or its alias `K`.")
        n_outcomes = options.pop("K")
    k_given = n_outcomes is not None
    if hasattr(counts, "n_outcomes") and hasattr(counts, "counts"):  # an IntensityCounts
        ck = int(counts.n_outcomes)
        if k_given and int(v.check_positive_int(n_outcomes, name="n_outcomes")) != ck:
            raise ValueError(
                f"`n_outcomes` ({n_outcomes}) differs from the K the IntensityCounts carries "
                f"({ck}); pass one or the other."
            )
        n_outcomes, k_given = ck, True
        counts = counts.counts
    c = v.check_counts(counts)
    if n_outcomes is None:
        k = c.size
        # zeros in the counts say the caller listed unobserved outcomes too: K is known
        k_given = bool(np.any(c == 0))
    else:
        k = v.check_positive_int(n_outcomes, name="n_outcomes")
        if k > MAX_OUTCOMES:
            raise ValueError(
                f"`n_outcomes` expects at most 2**62 outcomes (the compiled estimators count "
                f"in int64), got {k}."
            )
    occupied = int(np.count_nonzero(c))
    if k < occupied:
        raise ValueError(f"`n_outcomes` ({k}) is smaller than the number of observed outcomes ({occupied}).")
    return c, k, k_given


def _validity(est: Estimator, value: float, c: np.ndarray, k: int) -> tuple[bool, str | None]:
    """(valid, reason) of a value in nats (see :attr:`EntropyEstimate.valid`)."""
    name = est.name
    n = int(c.sum())
    occupied = int(np.count_nonzero(c))
    if est.needs_coincidence and n == occupied and n > 1:
        return False, (
            f"no coincidences (each of the {n} samples is a distinct outcome): "
            + ("the asymptotic NSB estimator diverges" if name == "ansb" else
               "the data do not constrain the NSB prior, so the posterior restates the prior")
        )
    if math.isnan(value):
        return False, "the estimator is undefined for these counts (NaN)"
    top = math.log(k) if k > 1 else 0.0
    if value > top * (1 + 1e-12) + 1e-12:
        extra = " (it is valid only for N << K with coincidences)" if name == "ansb" else ""
        return False, f"above log K = {top:.6g} nats, the largest entropy possible over K = {k} outcomes{extra}"
    return True, None


def posterior_predictive(counts, *, a=1.0) -> np.ndarray:
    """Posterior predictive probability of each outcome under a Dirichlet(a) prior.

    ``P(next = i | counts) = (n_i + a) / (N + K a)``: with ``a = 1`` and two outcomes
    this is Laplace's rule of succession ``(n + 1)/(N + 2)`` (notebook §10).

    Parameters
    ----------
    counts : (K,) array_like of int
        Observations per outcome (zeros included: K = ``len(counts)``).
    a : float, optional
        Concentration per outcome, >= 0 (1: uniform prior; 0: the empirical
        frequencies).

    Returns
    -------
    p : (K,) ndarray of float64
        Sums to 1.

    Examples
    --------
    >>> import infopix
    >>> p = infopix.posterior_predictive([3, 7])     # 3 heads in N = 10 tosses
    >>> bool(p[0] == (3 + 1) / (10 + 2))
    True
    """
    c = v.check_counts(counts)
    a = _check_concentration(a)
    return (c + a) / (c.sum() + c.size * a)
