"""Entropy estimators from counts, with uncertainty where a method has one.

The most probable distribution is not the distribution (notebook §10): the plug-in
entropy of a small sample is biased low. This module holds the one registry of
estimators that every counting entropy in infopix (intensity, local maps, block
entropies, pair entropies) resolves ``estimator=`` through.

Three choices are kept apart: how values become outcomes (binning, elsewhere), which
measure (Shannon here; Rényi orders only for ``'plugin'``) and which estimator (here).

Two equivalent forms exist for every method:

- the Python form (``ESTIMATORS[name].func``), written from the counts with NumPy and
  SciPy, used by :func:`entropy_from_counts`, which also returns the posterior standard
  deviation and credible interval of the Bayesian methods;
- the compiled form ``infopix._kernels.estimators.profile_entropy(code, nk, N, K, a)``
  of the count profile, used per window by local maps and block entropies
  (``code = ESTIMATORS[name].code``, ``a = ESTIMATORS[name].profile_a(**options)``;
  for NSB, pass ``profile_table(name, N, K)`` to ``profile_entropy_table`` for speed).
"""

from __future__ import annotations

import functools
import math
import numbers
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

    ``func(counts, n_outcomes, **options)`` receives the validated int64 counts
    (zeros included) and K, and returns ``(value, std, interval)`` or
    ``(value, std, interval, posterior)`` in **nats** (``std``/``interval``/``posterior``
    may be ``None``); Bayesian methods also receive ``level``. ``code`` is the integer
    understood by :func:`infopix._kernels.estimators.profile_entropy`; ``param`` names
    the option passed to it as its scalar ``a`` (with default ``param_default``).
    """

    name: str
    func: Callable
    code: int | None
    bayesian: bool = False
    description: str = ""
    options: tuple[str, ...] = field(default_factory=tuple)
    param: str | None = None
    param_default: float = 1.0

    def profile_a(self, **options) -> float:
        """The scalar ``a`` to pass to ``profile_entropy`` for these options."""
        unknown = set(options) - set(self.options)
        if unknown:
            raise TypeError(
                f"estimator {self.name!r} takes no option(s) {sorted(unknown)}; it accepts "
                f"{list(self.options) or 'none'}."
            )
        if self.param is None:
            return 1.0 if self.code == _k.PLUGIN else 0.0
        return _check_concentration(options.get(self.param, self.param_default), name=self.param)


ESTIMATORS: dict[str, Estimator] = {}


def register(name, *, code=None, bayesian=False, description="", options=(), param=None, param_default=1.0):
    """Decorator adding an estimator function to :data:`ESTIMATORS`."""

    def deco(func):
        ESTIMATORS[name] = Estimator(
            name, func, code, bayesian, description, tuple(options), param, float(param_default)
        )
        return func

    return deco


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


def _profile(counts: np.ndarray) -> np.ndarray:
    """Count profile ``nk[c]`` = number of bins with count c, length N + 1."""
    return np.bincount(counts, minlength=int(counts.sum()) + 1).astype(np.int64)


@functools.lru_cache(maxsize=64)
def _nsb_table_cached(N: int, K: int) -> np.ndarray:
    if N > _k.NSB_TABLE_MAX_N:
        return np.zeros((1, 1))
    tab = _k.nsb_table(N, K)
    tab.setflags(write=False)
    return tab


_DUMMY_TABLE = np.zeros((1, 1))
_DUMMY_TABLE.setflags(write=False)


def profile_table(estimator, N, K) -> np.ndarray:
    """The ``table`` argument of ``profile_entropy_table`` for windows of N samples.

    Parameters
    ----------
    estimator : str or int
        Registry name or kernel code.
    N, K : int
        Samples per window and number of possible outcomes.

    Returns
    -------
    table : (G + 1, 2N + 6) ndarray of float64
        Read-only and cached per ``(N, K)`` for NSB (a few ms to build; 0.2 MB for
        N = 25, 12 MB for N = 441); a 1x1 dummy for other estimators, and for NSB with
        N > 512 (the kernel then integrates adaptively). A table for another N
        is accepted but ignored (adaptive path, same value to ~1e-13).

    Examples
    --------
    >>> import numpy as np
    >>> from infopix.estimators import ESTIMATORS, profile_table
    >>> from infopix._kernels.estimators import profile_entropy, profile_entropy_table
    >>> nk = np.zeros(26, np.int64); nk[1] = 21; nk[2] = 2   # N = 25 samples
    >>> code = ESTIMATORS["nsb"].code
    >>> t = profile_table("nsb", 25, 256)
    >>> a = profile_entropy_table(code, nk, 25, 256, 0.0, t)
    >>> bool(abs(a - profile_entropy(code, nk, 25, 256, 0.0)) < 1e-10)
    True
    """
    code = estimator if isinstance(estimator, (int, np.integer)) else resolve_estimator(estimator).code
    if code == _k.NSB:
        return _nsb_table_cached(int(N), int(K))
    return _DUMMY_TABLE


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
    """Equal-tailed interval of a mixture of scaled Betas, by root finding on its CDF."""
    from scipy.optimize import brentq

    def cdf(u):
        return float(np.dot(w, sp.betainc(al, be, u)))

    out = []
    for q in ((1 - level) / 2, (1 + level) / 2):
        lo, hi = 0.0, 1.0
        if cdf(hi) - q <= 0:  # numerical: all mass at the top
            out.append(top)
            continue
        if cdf(lo) - q >= 0:
            out.append(0.0)
            continue
        out.append(top * brentq(lambda u: cdf(u) - q, lo, hi, xtol=1e-14, rtol=1e-12))
    return out[0], out[1]


# ---------------------------------------------------------------------------------------
# the estimators (Python forms; each cites its paper and equation)
# ---------------------------------------------------------------------------------------


def _split(counts):
    x = counts[counts > 0].astype(np.float64)
    return x, float(x.sum())


@register("plugin", code=_k.PLUGIN, description="maximum likelihood (empirical distribution)")
def _plugin(counts, n_outcomes):
    # H = -sum p_i log p_i with p_i = n_i / N (Shannon 1948); every term >= 0
    x, n = _split(counts)
    p = x / n
    return -float(np.sum(p * np.log(p))) + 0.0, None, None


@register("miller_madow", code=_k.MILLER_MADOW, description="plug-in + (m - 1) / 2N")
def _miller_madow(counts, n_outcomes):
    # Miller 1955 ("Note on the bias of information estimates"): plug-in + (m - 1)/(2N),
    # m the number of occupied bins.
    x, n = _split(counts)
    return _plugin(counts, n_outcomes)[0] + (x.size - 1) / (2 * n), None, None


@register(
    "pseudocount",
    code=_k.PSEUDOCOUNT,
    description="plug-in of the Dirichlet(a) posterior-mean distribution (n + a)/(N + K a)",
    options=("a",),
    param="a",
)
def _pseudocount(counts, n_outcomes, a=1.0):
    # Hausser & Strimmer 2009 (JMLR 10, 1469): p_i = (n_i + a)/(N + K a), then
    # plug-in; a = 1 Laplace, a = 1/2 Jeffreys/Krichevsky-Trofimov.
    a = _check_concentration(a)
    x, n = _split(counts)
    den = n + n_outcomes * a
    p = (x + a) / den
    h = -float(np.sum(p * np.log(p)))
    if a > 0:
        q = a / den
        h -= (n_outcomes - x.size) * q * math.log(q)
    return h, None, None


def _ww_moments(x, n_outcomes, a):
    """Exact posterior mean and variance of H under Dirichlet(n + a).

    Wolpert & Wolf 1995 (Phys. Rev. E 52, 6841); Hutter 2002.
    """
    K = n_outcomes
    nz = K - x.size
    al = x + a
    A = float(al.sum()) + nz * a
    mean = sp.digamma(A + 1) - (float(np.sum(al * sp.digamma(al + 1))) + (nz * a * sp.digamma(a + 1) if a > 0 else 0.0)) / A
    # E[H^2] = sum_{i != k} alpha_i alpha_k / (A (A+1)) [I_i I_k - psi'(A+2)]
    #        + sum_i alpha_i (alpha_i+1) / (A (A+1)) [J_i^2 + psi'(alpha_i+2) - psi'(A+2)]
    if a > 0 and nz:
        al = np.append(al, a)
        mult = np.append(np.ones(x.size), nz)
    else:
        mult = np.ones(x.size)
    I = sp.digamma(al + 1) - sp.digamma(A + 2)  # noqa: E741
    J = sp.digamma(al + 2) - sp.digamma(A + 2)
    s1 = float(np.sum(mult * al * I))
    s2 = float(np.sum(mult * (al * I) ** 2))
    sal2 = float(np.sum(mult * al * al))
    cross = (s1 * s1 - s2) - sp.polygamma(1, A + 2) * (A * A - sal2)
    diag = float(np.sum(mult * al * (al + 1) * (J * J + sp.polygamma(1, al + 2) - sp.polygamma(1, A + 2))))
    m2 = (cross + diag) / (A * (A + 1))
    return float(mean), float(max(m2 - mean * mean, 0.0))


@register(
    "wolpert_wolf",
    code=_k.WOLPERT_WOLF,
    bayesian=True,
    description="exact posterior mean and std of H under a symmetric Dirichlet(a) prior",
    options=("a",),
    param="a",
)
def _wolpert_wolf(counts, n_outcomes, a=1.0, level=DEFAULT_CREDIBLE_LEVEL):
    # Wolpert & Wolf 1995 (closed forms in digamma/trigamma). The interval
    # is "by moments": the scaled Beta law on [0, log K] with the exact posterior mean
    # and variance, then its equal-tailed quantiles.
    a = _check_concentration(a)
    x, _ = _split(counts)
    mean, var = _ww_moments(x, n_outcomes, a)
    top = math.log(n_outcomes)
    if top == 0.0:
        return 0.0, 0.0, (0.0, 0.0), None
    al, be = _beta_params(mean, var, top)
    w = np.ones(1)
    al, be = np.atleast_1d(al), np.atleast_1d(be)
    return mean, math.sqrt(var), _mixture_interval(w, al, be, top, level), (w, al, be, top)


@register(
    "nsb",
    code=_k.NSB,
    bayesian=True,
    description="Nemenman-Shafee-Bialek: Dirichlet mixture flat in prior expected entropy",
)
def _nsb(counts, n_outcomes, level=DEFAULT_CREDIBLE_LEVEL):
    # Nemenman, Shafee & Bialek 2002 (NIPS 14): prior over beta
    # proportional to d xi / d beta, xi(beta) = psi(K beta + 1) - psi(beta + 1);
    # posterior moments of H = quadrature over beta of the Wolpert-Wolf moments weighted
    # by d xi/d beta * Gamma(K b)/Gamma(N + K b) * prod Gamma(n_i + b)/Gamma(b).
    # Quadrature (compiled, adaptive trapezoid in log beta): _kernels.estimators.nsb_nodes.
    K = int(n_outcomes)
    if K <= 1:
        return 0.0, 0.0, (0.0, 0.0), None
    n = int(counts.sum())
    w, mu, m2 = _k.nsb_components(_profile(counts), n, K, True)
    mean = float(np.dot(w, mu))
    var = max(float(np.dot(w, m2)) - mean * mean, 0.0)
    keep = w > 1e-14 * w.max()
    w, mu, vj = w[keep], mu[keep], np.maximum(m2[keep] - mu[keep] ** 2, 0.0)
    w = w / w.sum()
    top = math.log(K)
    al, be = _beta_params(mu, vj, top)
    # the interval: quantiles of the posterior of H, a mixture over the beta nodes of
    # the fixed-beta posteriors of H (each a scaled Beta with its exact moments)
    return mean, math.sqrt(var), _mixture_interval(w, al, be, top, level), (w, al, be, top)


@register("chao_shen", code=_k.CHAO_SHEN, description="coverage-adjusted Horvitz-Thompson (Chao & Shen 2003)")
def _chao_shen(counts, n_outcomes):
    # Chao & Shen 2003 (Environ. Ecol. Stat. 10, 429)
    x, n = _split(counts)
    f1 = float(np.sum(x == 1))
    if f1 == n:
        f1 = n - 1
    pa = (1 - f1 / n) * x / n
    return -float(np.sum(pa * np.log(pa) / (1 - (1 - pa) ** n))), None, None


@register("grassberger", code=_k.GRASSBERGER, description="Grassberger 2003, G(n) digamma terms")
def _grassberger(counts, n_outcomes):
    # Grassberger 2003 (arXiv:physics/0307138) with
    # G(n) = psi(n) + (-1)^n/2 (psi((n+1)/2) - psi(n/2))
    x, n = _split(counts)
    sign = np.where(x % 2 == 0, 1.0, -1.0)
    g = sp.digamma(x) + 0.5 * sign * (sp.digamma((x + 1) / 2) - sp.digamma(x / 2))
    return math.log(n) - float(np.sum(x * g)) / n, None, None


@register("chao_wang_jost", code=_k.CHAO_WANG_JOST, description="Chao, Wang & Jost 2013 (species accumulation)")
def _chao_wang_jost(counts, n_outcomes):
    # Chao, Wang & Jost 2013 (Methods Ecol. Evol. 4, 1091) with A from f1, f2.
    x, n = _split(counts)
    ni = int(n)
    f1 = int(np.sum(x == 1))
    f2 = int(np.sum(x == 2))
    y = x[x < n]
    h = float(np.sum(y * (sp.digamma(n) - sp.digamma(y)))) / n
    if f2 > 0:
        A = 2 * f2 / ((ni - 1) * f1 + 2 * f2)
    elif f1 > 0:
        A = 2 / ((ni - 1) * (f1 - 1) + 2)
    else:
        A = 1.0
    if f1 > 0 and A < 1:
        # (1-A)^(1-N) (-log A - sum_{r<N} (1-A)^r / r) = sum_{s>=0} (1-A)^(s+1)/(N+s),
        # summed without cancellation by the compiled helper (up to ~40/A terms)
        h += f1 / n * _k.cwj_tail(A, ni)
    return h, None, None


@register("shrinkage", code=_k.SHRINKAGE, description="James-Stein shrinkage to uniform (Hausser & Strimmer 2009)")
def _shrinkage(counts, n_outcomes):
    # Hausser & Strimmer 2009 (JMLR 10, 1469), target t_k = 1/K over all K bins
    # Sums over the K - m unobserved bins are written in closed form (O(m), so K may be
    # as large as 16! for ordinal patterns).
    x, n = _split(counts)
    K = n_outcomes
    u = x / n
    t = 1.0 / K
    n0 = K - x.size
    if n <= 1:
        lam = 1.0
    else:
        msp = float(np.sum((t - u) ** 2)) + n0 * t * t
        lam = 1.0 if msp == 0 else min(1.0, max(0.0, (1 - float(np.sum(u * u))) / ((n - 1) * msp)))
    p = lam * t + (1 - lam) * u
    p = p[p > 0]
    h = -float(np.sum(p * np.log(p)))
    if lam > 0 and n0:
        h -= n0 * lam * t * math.log(lam * t)
    return h, None, None


@register("zhang", code=_k.ZHANG, description="Zhang 2012 (Turing's perspective), bias decays exponentially")
def _zhang(counts, n_outcomes):
    # Zhang 2012 (Neural Comput. 24, 1368): sum_{v=1}^{N-1} Z_v / v with
    # Z_v = N^(v+1) (N-v-1)!/N! sum_k p_k prod_{j<v} (1 - p_k - j/N); the sum over v has
    # the closed form sum_i n_i/N (psi(N) - psi(n_i)) (first term of Chao, Wang & Jost
    # 2013; Schuermann 2015, Neural Comput. 27, 2097), O(m) instead of O(N m).
    x, n = _split(counts)
    y = x[x < n]
    return float(np.sum(y * (sp.digamma(n) - sp.digamma(y)))) / n + 0.0, None, None


@register("bonachela", code=_k.BONACHELA, description="Bonachela, Hinrichsen & Munoz 2008 (small data sets)")
def _bonachela(counts, n_outcomes):
    # Bonachela et al. 2008 (J. Phys. A 41, 202001), summed over observed bins
    # (as in infomeasure; summing over all K bins would add K-dependent terms for
    # unobserved bins): 1/(N+2) sum (n_i + 1) (psi(N+3) - psi(n_i+2)).
    x, n = _split(counts)
    return float(np.sum((x + 1) * (sp.digamma(n + 3) - sp.digamma(x + 2)))) / (n + 2), None, None


@register("ansb", code=_k.ANSB, description="asymptotic NSB for N << K (Nemenman 2011); NaN without coincidences")
def _ansb(counts, n_outcomes):
    # Nemenman 2011 (Entropy 13, 2013); Nemenman, Bialek & de Ruyter van Steveninck
    # 2004 (Phys. Rev. E 69, 056111): H = (gamma - log 2) + 2 log N - psi(Delta),
    # posterior variance psi'(Delta), Delta = N - m coincidences.
    x, n = _split(counts)
    delta = n - x.size
    if delta <= 0:
        return math.nan, None, None
    return (
        float(np.euler_gamma - math.log(2) + 2 * math.log(n) - sp.digamma(delta)),
        float(math.sqrt(sp.polygamma(1, delta))),
        None,
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
    counts : (K,) array_like of int
        Number of observations per outcome; zeros are unobserved outcomes.
    estimator : {'plugin', 'miller_madow', 'pseudocount', 'wolpert_wolf', 'nsb', \
'chao_shen', 'grassberger', 'chao_wang_jost', 'shrinkage', 'zhang', 'bonachela', \
'ansb'}, optional
        A name in :data:`ESTIMATORS` (default ``'plugin'``); see Notes.
    base : float, optional
        Logarithm base of the result (2: bits, ``np.e``: nats).
    n_outcomes : int, optional
        K, the number of possible outcomes (observed or not); defaults to
        ``len(counts)``; ``K=`` is accepted as an alias. It matters for ``'pseudocount'``, ``'wolpert_wolf'``,
        ``'nsb'`` and ``'shrinkage'``; for an image, the dtype's number of levels.
    level : float, optional
        Credible level of the interval for Bayesian methods (default 0.95).
    **options
        ``a`` : float >= 0, Dirichlet concentration per bin for ``'pseudocount'`` and
        ``'wolpert_wolf'`` (default 1: uniform prior, Laplace's rule).

    Returns
    -------
    EntropyEstimate
        ``value`` in units of ``base``; ``std`` and ``interval`` where the method has
        them (else ``None``).

    Raises
    ------
    ValueError
        Counts negative, non-integer, empty or all zero; ``n_outcomes`` smaller than
        the number of observed outcomes; unknown estimator; ``a < 0``; ``level``
        outside (0, 1).
    TypeError
        Non-numeric counts; an option the estimator does not take.

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
    c = v.check_counts(counts)
    b = v.check_base(base)
    est = resolve_estimator(estimator)
    if "K" in options:  # the literature's name for the number of outcomes
        if n_outcomes is not None:
            raise TypeError("give the number of outcomes once: `n_outcomes` or its alias `K`.")
        n_outcomes = options.pop("K")
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
    if est.bayesian:
        lev = _check_level(level)
        out = est.func(c, k, level=lev, **options)
    else:
        out = est.func(c, k, **options)
    value, std, interval = out[:3]
    post = out[3] if len(out) > 3 else None
    lb = float(np.log(b))
    return EntropyEstimate(
        value=float(value) / lb + 0.0,
        std=None if std is None else float(std) / lb,
        interval=None if interval is None else (float(interval[0]) / lb, float(interval[1]) / lb),
        estimator=est.name,
        base=b,
        level=level if interval is not None else None,
        posterior=post,
    )


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
