"""Slow, direct references for the entropy estimators (the truth the fast code meets).

Written from the papers' formulas with plain loops, exact fractions or
``scipy.integrate.quad``, sharing no code with ``infopix.estimators`` or its kernels.
All values in nats. ``counts`` is a sequence of non-negative ints, ``K`` the number of
possible outcomes (>= len(counts) counted bins; extra bins are unobserved).
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from fractions import Fraction

import numpy as np
from scipy import integrate, optimize
from scipy.special import digamma, gammaln, polygamma


def _obs(counts):
    return [int(c) for c in counts if c > 0]


def plugin(counts):
    n = _obs(counts)
    N = sum(n)
    return -sum(c / N * math.log(c / N) for c in n)


def miller_madow(counts):
    n = _obs(counts)
    return plugin(counts) + (len(n) - 1) / (2 * sum(n))


def pseudocount(counts, K, a):
    n = _obs(counts)
    N = sum(n)
    h = 0.0
    for i in range(K):
        c = n[i] if i < len(n) else 0
        p = (c + a) / (N + K * a)
        if p > 0:
            h -= p * math.log(p)
    return h


def chao_shen(counts):
    n = _obs(counts)
    N = sum(n)
    f1 = sum(1 for c in n if c == 1)
    if f1 == N:
        f1 = N - 1
    C = 1 - f1 / N
    h = 0.0
    for c in n:
        pa = C * c / N
        h -= pa * math.log(pa) / (1 - (1 - pa) ** N)
    return h


def grassberger(counts):
    """G(n) = psi(n) + (-1)^n int_0^1 x^(n-1)/(x+1) dx (Grassberger 2003),
    an integral form equal to the digamma form used by infopix."""
    n = _obs(counts)
    N = sum(n)
    s = 0.0
    for c in n:
        integral = integrate.quad(lambda x: x ** (c - 1) / (x + 1), 0, 1, epsabs=0.0, epsrel=1e-12)[0]
        s += c * (float(digamma(c)) + (-1) ** c * integral)
    return math.log(N) - s / N


def chao_wang_jost(counts):
    """Chao, Wang & Jost 2013 exactly as printed (finite sum over r), the
    correction term in 60-digit Decimal arithmetic: (1 - A)^(1 - N) multiplies a
    difference that cancels to ~(1 - A)^N in floating point."""
    n = _obs(counts)
    N = sum(n)
    f1 = sum(1 for c in n if c == 1)
    f2 = sum(1 for c in n if c == 2)
    h = 0.0
    for c in n:
        if 1 <= c <= N - 1:
            h += c / N * sum(1 / k for k in range(c, N))
    if f2 > 0:
        A = 2 * f2 / ((N - 1) * f1 + 2 * f2)
    elif f1 > 0:
        A = 2 / ((N - 1) * (f1 - 1) + 2)
    else:
        A = 1.0
    if f1 > 0 and A != 1:
        with localcontext() as ctx:
            ctx.prec = 60
            Ad = Decimal(f2 * 2) / Decimal((N - 1) * f1 + 2 * f2) if f2 > 0 else Decimal(2) / Decimal((N - 1) * (f1 - 1) + 2)
            q = 1 - Ad
            tail = -Ad.ln() - sum(q**r / r for r in range(1, N))
            h += float(Decimal(f1) / N * tail / q ** (N - 1))
    return h


def shrinkage(counts, K):
    n = _obs(counts)
    N = sum(n)
    u = [c / N for c in n] + [0.0] * (K - len(n))
    t = 1 / K
    if N == 1:
        lam = 1.0
    else:
        msp = sum((t - x) ** 2 for x in u)
        lam = 1.0 if msp == 0 else (1 - sum(x * x for x in u)) / ((N - 1) * msp)
        lam = min(1.0, max(0.0, lam))
    h = 0.0
    for x in u:
        p = lam * t + (1 - lam) * x
        if p > 0:
            h -= p * math.log(p)
    return h


def zhang(counts):
    """Zhang 2012 in its Z_v form, with exact rational arithmetic:
    H = sum_{v=1}^{N-1} Z_v / v,
    Z_v = N^(v+1) (N-v-1)! / N! sum_k p_k prod_{j=0}^{v-1} (1 - p_k - j/N)."""
    n = _obs(counts)
    N = sum(n)
    h = Fraction(0)
    for v in range(1, N):
        pref = Fraction(N ** (v + 1) * math.factorial(N - v - 1), math.factorial(N))
        s = Fraction(0)
        for c in n:
            p = Fraction(c, N)
            prod = Fraction(1)
            for j in range(v):
                prod *= 1 - p - Fraction(j, N)
            s += p * prod
        h += pref * s / v
    return float(h)


def bonachela(counts):
    n = _obs(counts)
    N = sum(n)
    return sum((c + 1) * sum(1 / j for j in range(c + 2, N + 3)) for c in n) / (N + 2)


def ansb(counts):
    n = _obs(counts)
    N = sum(n)
    delta = N - len(n)
    if delta == 0:
        return math.nan
    return 0.5772156649015329 - math.log(2) + 2 * math.log(N) - float(digamma(delta))


# --------------------------------------------------------------------------------------
# Bayesian: Wolpert-Wolf moments and NSB by direct quadrature
# --------------------------------------------------------------------------------------


def _alphas(counts, K, a):
    n = [int(c) for c in counts]
    n = n + [0] * (K - len(n))
    return np.array(n, dtype=np.float64) + a


def ww_moments(counts, K, a):
    """Posterior mean and variance of H under Dirichlet(n + a): Wolpert & Wolf 1995,
   , with the double sum over i != k written out as an outer product
    over all K bins."""
    al = _alphas(counts, K, a)
    A = al.sum()
    mean = float(digamma(A + 1) - np.sum(al / A * digamma(al + 1)))
    I = digamma(al + 1) - digamma(A + 2)  # noqa: E741
    J = digamma(al + 2) - digamma(A + 2)
    outer = np.outer(al, al) * (np.outer(I, I) - polygamma(1, A + 2))
    np.fill_diagonal(outer, 0.0)
    diag = al * (al + 1) * (J * J + polygamma(1, al + 2) - polygamma(1, A + 2))
    m2 = (outer.sum() + diag.sum()) / (A * (A + 1))
    return mean, float(m2 - mean * mean)


def nsb(counts, K):
    """NSB posterior mean and std of H (nats) by direct quadrature.

    The NSB prior is flat in xi = E[H | beta] = psi(K beta + 1) - psi(beta + 1) on
    [0, log K], i.e. d xi = (d xi/d beta) d beta (Nemenman, Shafee & Bialek 2002,
   ). Integrating over xi itself needs no d xi/d beta (whose evaluation
    cancels catastrophically for large beta) and has a bounded range:
    E[H^k | n] = int P(n | beta(xi)) E[H^k | n, beta(xi)] d xi / int P(n | beta(xi)) d xi,
    P(n | b) = Gamma(K b)/Gamma(N + K b) prod_i Gamma(n_i + b)/Gamma(b), beta(xi) by
    root finding, inner moments from :func:`ww_moments`, scipy ``quad_vec``.
    """
    n = np.array(_obs(counts), dtype=np.float64)
    N = n.sum()
    top = math.log(K)

    def beta_of(xi):
        f = lambda lb: float(digamma(K * math.exp(lb) + 1) - digamma(math.exp(lb) + 1)) - xi  # noqa: E731
        return math.exp(optimize.brentq(f, -60.0, 45.0, xtol=1e-14, rtol=1e-15))

    def loglik(b):
        return gammaln(K * b) - gammaln(N + K * b) + float(np.sum(gammaln(n + b) - gammaln(b)))

    eps = 1e-10 * top
    res = optimize.minimize_scalar(lambda x: -loglik(beta_of(x)), bounds=(eps, top - eps),
                                   method="bounded", options={"xatol": 1e-12})
    xm = float(res.x)
    lm = loglik(beta_of(xm))

    def integrand(xi):
        b = beta_of(xi)
        w = math.exp(loglik(b) - lm)
        m, var = ww_moments(counts, K, b)
        return np.array([w, w * m, w * (var + m * m)])

    pts = [xm] if eps < xm < top - 1e-3 else None  # a mode at the end needs no split
    z, h1, h2 = integrate.quad_vec(integrand, eps, top - eps, points=pts, epsabs=0.0,
                                   epsrel=1e-10, limit=400)[0]
    h1 /= z
    h2 /= z
    return h1, math.sqrt(max(h2 - h1 * h1, 0.0))


# --------------------------------------------------------------------------------------
# Vectorised NumPy/SciPy forms written from the counts (the library's Python forms
# before the compiled count-profile kernels became its only implementation): each
# returns (value, std, interval) in nats; compared with the kernels to 1e-12.
# --------------------------------------------------------------------------------------

from scipy import special as sps  # noqa: E402


def _split(counts):
    x = counts[counts > 0].astype(np.float64)
    return x, float(x.sum())


def np_plugin(counts, n_outcomes):
    # H = -sum p_i log p_i with p_i = n_i / N (Shannon 1948); every term >= 0
    x, n = _split(counts)
    p = x / n
    return -float(np.sum(p * np.log(p))) + 0.0, None, None


def np_miller_madow(counts, n_outcomes):
    # Miller 1955 ("Note on the bias of information estimates"): plug-in + (m - 1)/(2N),
    # m the number of occupied bins.
    x, n = _split(counts)
    return np_plugin(counts, n_outcomes)[0] + (x.size - 1) / (2 * n), None, None


def np_pseudocount(counts, n_outcomes, a=1.0):
    # Hausser & Strimmer 2009 (JMLR 10, 1469): p_i = (n_i + a)/(N + K a), then
    # plug-in; a = 1 Laplace, a = 1/2 Jeffreys/Krichevsky-Trofimov.
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
    mean = sps.digamma(A + 1) - (float(np.sum(al * sps.digamma(al + 1))) + (nz * a * sps.digamma(a + 1) if a > 0 else 0.0)) / A
    # E[H^2] = sum_{i != k} alpha_i alpha_k / (A (A+1)) [I_i I_k - psi'(A+2)]
    #        + sum_i alpha_i (alpha_i+1) / (A (A+1)) [J_i^2 + psi'(alpha_i+2) - psi'(A+2)]
    if a > 0 and nz:
        al = np.append(al, a)
        mult = np.append(np.ones(x.size), nz)
    else:
        mult = np.ones(x.size)
    I = sps.digamma(al + 1) - sps.digamma(A + 2)  # noqa: E741
    J = sps.digamma(al + 2) - sps.digamma(A + 2)
    s1 = float(np.sum(mult * al * I))
    s2 = float(np.sum(mult * (al * I) ** 2))
    sal2 = float(np.sum(mult * al * al))
    cross = (s1 * s1 - s2) - sps.polygamma(1, A + 2) * (A * A - sal2)
    diag = float(np.sum(mult * al * (al + 1) * (J * J + sps.polygamma(1, al + 2) - sps.polygamma(1, A + 2))))
    m2 = (cross + diag) / (A * (A + 1))
    return float(mean), float(max(m2 - mean * mean, 0.0))


def np_wolpert_wolf(counts, n_outcomes, a=1.0):
    # Wolpert & Wolf 1995 (closed forms in digamma/trigamma): (mean, std)
    x, _ = _split(counts)
    mean, var = _ww_moments(x, n_outcomes, a)
    return mean, math.sqrt(var), None


def np_chao_shen(counts, n_outcomes):
    # Chao & Shen 2003 (Environ. Ecol. Stat. 10, 429)
    x, n = _split(counts)
    f1 = float(np.sum(x == 1))
    if f1 == n:
        f1 = n - 1
    pa = (1 - f1 / n) * x / n
    return -float(np.sum(pa * np.log(pa) / (1 - (1 - pa) ** n))), None, None


def np_grassberger(counts, n_outcomes):
    # Grassberger 2003 (arXiv:physics/0307138) with
    # G(n) = psi(n) + (-1)^n/2 (psi((n+1)/2) - psi(n/2))
    x, n = _split(counts)
    sign = np.where(x % 2 == 0, 1.0, -1.0)
    g = sps.digamma(x) + 0.5 * sign * (sps.digamma((x + 1) / 2) - sps.digamma(x / 2))
    return math.log(n) - float(np.sum(x * g)) / n, None, None


def np_chao_wang_jost(counts, n_outcomes):
    # Chao, Wang & Jost 2013 (Methods Ecol. Evol. 4, 1091) with A from f1, f2.
    x, n = _split(counts)
    ni = int(n)
    f1 = int(np.sum(x == 1))
    f2 = int(np.sum(x == 2))
    y = x[x < n]
    h = float(np.sum(y * (sps.digamma(n) - sps.digamma(y)))) / n
    if f2 > 0:
        A = 2 * f2 / ((ni - 1) * f1 + 2 * f2)
    elif f1 > 0:
        A = 2 / ((ni - 1) * (f1 - 1) + 2)
    else:
        A = 1.0
    if f1 > 0 and A < 1:
        # (1-A)^(1-N) (-log A - sum_{r<N} (1-A)^r / r) = sum_{s>=0} (1-A)^(s+1)/(N+s),
        # summed without cancellation (terms decay like e^(-A s): 60/A + 50 of them)
        s = np.arange(int(60 / A) + 50, dtype=np.float64)
        h += f1 / n * math.fsum((1 - A) ** (s + 1) / (ni + s))
    return h, None, None


def np_shrinkage(counts, n_outcomes):
    # Hausser & Strimmer 2009 (JMLR 10, 1469), target t_k = 1/K over all K bins
    x, n = _split(counts)
    K = n_outcomes
    u = np.zeros(K)
    u[: x.size] = x / n
    t = 1.0 / K
    if n <= 1:
        lam = 1.0
    else:
        msp = float(np.sum((t - u) ** 2))
        lam = 1.0 if msp == 0 else min(1.0, max(0.0, (1 - float(np.sum(u * u))) / ((n - 1) * msp)))
    p = lam * t + (1 - lam) * u
    p = p[p > 0]
    return -float(np.sum(p * np.log(p))), None, None


def np_zhang(counts, n_outcomes):
    # Zhang 2012 (Neural Comput. 24, 1368): sum_{v=1}^{N-1} Z_v / v with
    # Z_v = N^(v+1) (N-v-1)!/N! sum_k p_k prod_{j<v} (1 - p_k - j/N); the sum over v has
    # the closed form sum_i n_i/N (psi(N) - psi(n_i)) (first term of Chao, Wang & Jost
    # 2013; Schuermann 2015, Neural Comput. 27, 2097), O(m) instead of O(N m).
    x, n = _split(counts)
    y = x[x < n]
    return float(np.sum(y * (sps.digamma(n) - sps.digamma(y)))) / n + 0.0, None, None


def np_bonachela(counts, n_outcomes):
    # Bonachela et al. 2008 (J. Phys. A 41, 202001), summed over observed bins
    # (as in infomeasure; summing over all K bins would add K-dependent terms for
    # unobserved bins): 1/(N+2) sum (n_i + 1) (psi(N+3) - psi(n_i+2)).
    x, n = _split(counts)
    return float(np.sum((x + 1) * (sps.digamma(n + 3) - sps.digamma(x + 2)))) / (n + 2), None, None


def np_ansb(counts, n_outcomes):
    # Nemenman 2011 (Entropy 13, 2013); Nemenman, Bialek & de Ruyter van Steveninck
    # 2004 (Phys. Rev. E 69, 056111): H = (gamma - log 2) + 2 log N - psi(Delta),
    # posterior variance psi'(Delta), Delta = N - m coincidences.
    x, n = _split(counts)
    delta = n - x.size
    if delta <= 0:
        return math.nan, None, None
    return (
        float(np.euler_gamma - math.log(2) + 2 * math.log(n) - sps.digamma(delta)),
        float(math.sqrt(sps.polygamma(1, delta))),
        None,
    )


NUMPY_FORMS = {
    "plugin": np_plugin, "miller_madow": np_miller_madow, "pseudocount": np_pseudocount,
    "wolpert_wolf": np_wolpert_wolf, "chao_shen": np_chao_shen, "grassberger": np_grassberger,
    "chao_wang_jost": np_chao_wang_jost, "shrinkage": np_shrinkage, "zhang": np_zhang,
    "bonachela": np_bonachela, "ansb": np_ansb,
}


# --------------------------------------------------------------------------------------
# Credible intervals as the library computed them before issue 19
# --------------------------------------------------------------------------------------


def mixture_interval_brent(w, al, be, top, level):
    """Equal-tailed interval of a mixture of scaled Betas on [0, top] by Brent root
    finding on its CDF (scipy's betainc), xtol 1e-14, rtol 1e-12: the library's method
    until issue 19 (the reference for its Halley iteration)."""
    def cdf(u):
        return float(np.dot(w, sps.betainc(al, be, u)))

    out = []
    for q in ((1 - level) / 2, (1 + level) / 2):
        if cdf(1.0) - q <= 0:
            out.append(top)
            continue
        if cdf(0.0) - q >= 0:
            out.append(0.0)
            continue
        out.append(top * optimize.brentq(lambda u: cdf(u) - q, 0.0, 1.0, xtol=1e-14, rtol=1e-12))
    return out[0], out[1]
