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
