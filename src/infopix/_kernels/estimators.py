"""Entropy estimators as compiled functions of the *count profile*: the one library
implementation of every estimator in infopix.

Every estimator is a function of the multiset of counts only, i.e. of the count profile:
``ms[i]`` bins were observed exactly ``cs[i]`` times, for the distinct observed counts
``cs`` (int64, positive, increasing) and their multiplicities ``ms`` (int64); the
unobserved bins are ``K - sum(ms)``. (A sparse profile: a count of 10**9 costs one
entry, not a dense array of 10**9.)

Contract (used by ``infopix.estimators``, ``infopix.local`` and ``infopix.spatial``):
each estimator is one Numba function ``kernel(cs, ms, N, K, a, table) -> float`` with the
signature :data:`KERNEL_SIGNATURE`, returning the entropy in **nats** of a sample of
``N`` observations over ``K`` possible outcomes with profile ``(cs, ms)``; ``a`` is the
estimator's scalar parameter (the Rényi order for :func:`plugin`, the Dirichlet
concentration for :func:`pseudocount` and :func:`wolpert_wolf`, ignored by the others)
and ``table`` a precomputed 2-D table (:func:`nsb_table` for :func:`nsb`; a 1x1 dummy
for the others). ``infopix.estimators`` registers each kernel under a name; nothing
here is numbered by hand. Each kernel compiles on first use only.

Estimators that are a *linear form* of the profile,

    H = c0(N) + c1(N) * sum_i ms[i] phi(cs[i]) + c2(N) * occ + g(N - occ)

(occ the number of occupied bins) are written exactly so: the kernel evaluates its
estimator's ``*_form`` (c0, c1, c2), ``*_phi`` and ``*_g`` on the profile, and its
``*_tables`` evaluates the same functions into tables for the local maps, which then
track ``sum phi`` and ``occ`` as the window moves (O(1) per pixel; see
``infopix._kernels.local``). Miller-Madow, pseudocount, Wolpert-Wolf (mean),
Grassberger, Zhang, Bonachela and asymptotic NSB are linear forms.

Special functions (digamma, trigamma, log-gamma differences) are written here so that
the kernels do not depend on scipy inside Numba; they agree with ``scipy.special`` to
about 1e-15 relative (tested).
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from .._config import NUMBA_CACHE

#: Numba signature shared by every estimator kernel: (cs, ms, N, K, a, table) -> nats.
KERNEL_SIGNATURE = nb.float64(nb.int64[::1], nb.int64[::1], nb.int64, nb.int64, nb.float64, nb.float64[:, ::1])
#: Signature of the term functions of estimators that are linear in the count profile
#: once one integer of the sample is fixed (the key: singletons for Chao-Shen, the sum
#: of squared counts for shrinkage): ``term(N, K, a, key, c)`` is the contribution of
#: one bin holding c of the N samples (c = 0: an unobserved bin), so that the estimate
#: is ``sum_c nk[c] term(N, K, a, key, c)`` over the count profile nk.
TERM_SIGNATURE = nb.float64(nb.int64, nb.int64, nb.float64, nb.int64, nb.int64)

EULER_GAMMA = 0.57721566490153286061

# Integration range of t = log(beta) for NSB: beyond it the posterior mass is below
# ~1e-14 of the total for any profile (see nsb_t_range).
_NSB_LOG_BETA_HI = 40.0
# Tables are built only for N up to this (larger N: adaptive quadrature, cheap enough
# relative to the O(N) work of filling such a window).
NSB_TABLE_MAX_N = 512
# Largest node spacing of the adaptive grid in t = log(beta).
_NSB_MAX_STEP = 0.2
# Node spacing of the tabulated grid: min(0.25, 1/sqrt(N)); the posterior's width in
# log beta shrinks like 1/sqrt(number of coincidences), and a peak narrower than 5
# nodes falls back to the adaptive quadrature (measured on 5x5 .. 21x21 windows of the
# camera image: no fallback with this step, 47-77 % with a fixed 0.25 for N >= 49).
_NSB_TABLE_STEP = 0.25
# The tabulated sum skips nodes below max log-posterior minus this (e^-36 ~ 2e-16).
_NSB_TABLE_CUT = 36.0
# Nodes below max log-posterior minus this are dropped (e^-46 ~ 1e-20).
_NSB_LOG_CUT = 46.0
# The tabulated grid is used only if its end nodes are below max log-posterior minus
# this: the tails decay at least like exp(-|t|), so the mass beyond is < e^-33 ~ 5e-15.
_NSB_EDGE_CUT = 33.0


# --------------------------------------------------------------------------------------
# special functions
# --------------------------------------------------------------------------------------


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def digamma(x):
    """psi(x) for x > 0: recurrence up to x >= 10, then the asymptotic series
    (Abramowitz & Stegun 6.3.18), truncation error < 1e-17."""
    x = x * 1.0
    r = 0.0
    while x < 10.0:
        r -= 1.0 / x
        x += 1.0
    f = 1.0 / (x * x)
    t = f * (
        -1.0 / 12.0
        + f * (1.0 / 120.0 + f * (-1.0 / 252.0 + f * (1.0 / 240.0 + f * (-1.0 / 132.0 + f * (691.0 / 32760.0 - f / 12.0)))))
    )
    return r + math.log(x) - 0.5 / x + t


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def trigamma(x):
    """psi'(x) for x > 0: recurrence up to x >= 10, then the asymptotic series
    (Abramowitz & Stegun 6.4.12)."""
    x = x * 1.0
    r = 0.0
    while x < 10.0:
        r += 1.0 / (x * x)
        x += 1.0
    f = 1.0 / (x * x)
    ix = 1.0 / x
    t = ix + 0.5 * f + ix * f * (
        1.0 / 6.0 + f * (-1.0 / 30.0 + f * (1.0 / 42.0 + f * (-1.0 / 30.0 + f * (5.0 / 66.0 + f * (-691.0 / 2730.0 + f * 7.0 / 6.0)))))
    )
    return r + t


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _stirling_tail(z):
    # lgamma(z) - [(z - 1/2) log z - z + log(2 pi)/2], z >= 80 (A&S 6.1.41)
    f = 1.0 / (z * z)
    return (1.0 / 12.0 + f * (-1.0 / 360.0 + f * (1.0 / 1260.0 - f / 1680.0))) / z


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def lgamma_diff(x, c):
    """log Gamma(x + c) - log Gamma(x) for x > 0, integer c >= 0, without the
    cancellation of two huge log-gammas when x >> c."""
    if c <= 0:
        return 0.0
    if c <= 8:
        p = x
        for j in range(1, c):
            p *= x + j
        return math.log(p)
    if x < 10.0 * c or x < 80.0:
        return math.lgamma(x + c) - math.lgamma(x)
    # Stirling difference: (x - 1/2) log1p(c/x) + c log(x + c) - c + tails
    return (x - 0.5) * math.log1p(c / x) + c * math.log(x + c) - c + _stirling_tail(x + c) - _stirling_tail(x)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def nsb_dxi(b, K):
    """d xi / d beta with xi(beta) = psi(K beta + 1) - psi(beta + 1), the prior
    expected entropy of Dirichlet(beta) (Nemenman, Shafee & Bialek 2002).
    For beta >= 20 the asymptotic series of the difference avoids cancellation."""
    if b >= 20.0:
        ik = 1.0 / K
        ib = 1.0 / b
        ib2 = ib * ib
        k2 = ik * ik
        s = (1.0 - ik) * 0.5
        s -= (1.0 - k2) / 6.0 * ib
        s += (1.0 - k2 * k2) / 30.0 * ib2 * ib
        s -= (1.0 - k2 * k2 * k2) / 42.0 * ib2 * ib2 * ib
        s += (1.0 - k2 * k2 * k2 * k2) / 30.0 * ib2 * ib2 * ib2 * ib
        s -= 5.0 * (1.0 - k2 ** 5) / 66.0 * ib2 ** 4 * ib
        s += 691.0 * (1.0 - k2 ** 6) / 2730.0 * ib2 ** 5 * ib
        return s * ib2
    return K * trigamma(K * b + 1.0) - trigamma(b + 1.0)


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _occupied(ms):
    occ = 0
    for i in range(ms.size):
        occ += ms[i]
    return occ


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _multiplicity(cs, ms, c):
    """How many bins hold exactly ``c`` observations."""
    for i in range(cs.size):
        if cs[i] == c:
            return ms[i]
        if cs[i] > c:
            break
    return 0


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _xlogx(p):
    return p * math.log(p) if p > 0.0 else 0.0


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _zero_g(d):
    return 0.0


@nb.njit(cache=NUMBA_CACHE, nogil=True, inline="always")
def _linear_value(cs, ms, N, K, a, phi, form, g, zero_single):
    """c0(N) + c1(N) sum_i ms[i] phi(cs[i]) + c2(N) occ + g(N - occ): a linear-form
    estimator evaluated on a profile (``phi``, ``form``, ``g`` its pieces); exactly 0
    for a single category when ``zero_single`` (where the closed form is 0)."""
    if N <= 0:
        return math.nan
    s = 0.0
    occ = 0
    for i in range(cs.size):
        m = ms[i]
        s += m * phi(cs[i], K, a)
        occ += m
    if zero_single and occ == 1:
        return 0.0
    c0, c1, c2 = form(N, K, a)
    return c0 + c1 * s + c2 * occ + g(N - occ) + 0.0


@nb.njit(cache=NUMBA_CACHE, nogil=True, inline="always")
def _linear_tables(wmax, K, a, phi, form, g, zero_single):
    """Tables of a linear form for windows of up to ``wmax`` samples:
    ``phi[c]`` (c = 0..wmax, phi[0] = 0) and ``coef[n] = (c0, c1, c2, g(n), value of
    a window of n samples all in one category)``."""
    ph = np.zeros(wmax + 1)
    coef = np.zeros((wmax + 1, 5))
    for c in range(1, wmax + 1):
        ph[c] = phi(c, K, a)
        c0, c1, c2 = form(c, K, a)
        coef[c, 0] = c0
        coef[c, 1] = c1
        coef[c, 2] = c2
    for d in range(wmax + 1):
        coef[d, 3] = g(d)
    for c in range(1, wmax + 1):
        coef[c, 4] = 0.0 if zero_single else coef[c, 0] + coef[c, 1] * ph[c] + coef[c, 2] + coef[c - 1, 3] + 0.0
    return ph, coef


# --------------------------------------------------------------------------------------
# plug-in
# --------------------------------------------------------------------------------------


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def plugin(cs, ms, N, K, alpha, table):
    """Plug-in Rényi entropy of order ``alpha`` (1: Shannon; 0, 2, inf exact), nats.

    Shannon: H = -sum_i ms[i] p_i log p_i, p_i = cs[i] / N (Shannon 1948), >= 0; so
    equal counts over 2**k bins give exactly k bits."""
    if N <= 0 or cs.size == 0:
        return 0.0
    invN = 1.0 / N
    if alpha == 1.0:
        s = 0.0
        for i in range(cs.size):
            p = cs[i] / N
            s -= ms[i] * p * math.log(p)
        return max(s, 0.0) + 0.0
    if alpha == 0.0:
        return math.log(_occupied(ms))
    if math.isinf(alpha):
        return -math.log(cs[cs.size - 1] * invN)
    s = 0.0
    for i in range(cs.size):
        s += ms[i] * (cs[i] * invN) ** alpha
    return math.log(s) / (1.0 - alpha)


# --------------------------------------------------------------------------------------
# linear forms (each: _X_phi, _X_form [, _X_g], the kernel X and X_tables)
# --------------------------------------------------------------------------------------


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _clogc_phi(c, K, a):
    return c * math.log(c)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _miller_madow_form(N, K, a):
    # Miller 1955: plug-in + (m - 1) / (2N), m = occ: log N - 1/2N - S/N + occ/2N
    return math.log(N) - 0.5 / N, -1.0 / N, 0.5 / N


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def miller_madow(cs, ms, N, K, a, table):
    """Miller 1955 ("Note on the bias of information estimates"): plug-in + (m - 1)/2N."""
    return _linear_value(cs, ms, N, K, a, _clogc_phi, _miller_madow_form, _zero_g, True)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def miller_madow_tables(wmax, K, a):
    return _linear_tables(wmax, K, a, _clogc_phi, _miller_madow_form, _zero_g, True)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _pseudocount_phi(c, K, a):
    # (c + a) log(c + a) - a log a: an unobserved bin contributes 0
    return _xlogx(c + a) - _xlogx(a)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _pseudocount_form(N, K, a):
    # H = -sum_i p_i log p_i, p_i = (n_i + a)/D, D = N + K a, over all K bins
    #   = N log D / D - K q log q - S / D  with q = a / D and S = sum_occ phi(n_i)
    #   (the a log a of phi and the (K - occ) unobserved bins cancel in occ)
    den = N + K * a
    return N * math.log(den) / den - K * _xlogx(a / den), -1.0 / den, 0.0


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def pseudocount(cs, ms, N, K, a, table):
    """Plug-in entropy of the posterior-mean distribution p_i = (n_i + a)/(N + K a)
    (Dirichlet/Laplace add-a smoothing; Hausser & Strimmer 2009, JMLR 10, 1469)."""
    return _linear_value(cs, ms, N, K, a, _pseudocount_phi, _pseudocount_form, _zero_g, False)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def pseudocount_tables(wmax, K, a):
    return _linear_tables(wmax, K, a, _pseudocount_phi, _pseudocount_form, _zero_g, False)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _ww_phi(c, K, a):
    # (c + a) psi(c + a + 1) - a psi(a + 1): an unobserved bin contributes 0
    return (c + a) * digamma(c + a + 1.0) - (a * digamma(a + 1.0) if a > 0.0 else 0.0)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _ww_form(N, K, a):
    # E[H] = psi(A + 1) - sum_i alpha_i psi(alpha_i + 1) / A, alpha_i = n_i + a,
    # A = N + K a (Wolpert & Wolf 1995; Hutter 2002), the K - occ unobserved bins
    # folded into c0 through phi's - a psi(a + 1)
    A = N + K * a
    c0 = digamma(A + 1.0)
    if a > 0.0:
        c0 -= K * a * digamma(a + 1.0) / A
    return c0, -1.0 / A, 0.0


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def wolpert_wolf(cs, ms, N, K, a, table):
    """Posterior mean of H under a symmetric Dirichlet(a) prior, nats."""
    return _linear_value(cs, ms, N, K, a, _ww_phi, _ww_form, _zero_g, False)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def wolpert_wolf_tables(wmax, K, a):
    return _linear_tables(wmax, K, a, _ww_phi, _ww_form, _zero_g, False)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def grassberger_g(n):
    """Grassberger (2003), arXiv:physics/0307138:
    G(n) = psi(n) + (-1)^n / 2 * (psi((n + 1)/2) - psi(n/2))."""
    sign = 1.0 if n % 2 == 0 else -1.0
    return digamma(n) + 0.5 * sign * (digamma((n + 1) * 0.5) - digamma(n * 0.5))


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _grassberger_phi(c, K, a):
    return c * grassberger_g(c)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _log_form(N, K, a):
    return math.log(N), -1.0 / N, 0.0


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def grassberger(cs, ms, N, K, a, table):
    """H = log N - (1/N) sum_i n_i G(n_i) (Grassberger 2003, arXiv:physics/0307138)."""
    return _linear_value(cs, ms, N, K, a, _grassberger_phi, _log_form, _zero_g, False)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def grassberger_tables(wmax, K, a):
    return _linear_tables(wmax, K, a, _grassberger_phi, _log_form, _zero_g, False)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _cpsi_phi(c, K, a):
    return c * digamma(c)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _zhang_form(N, K, a):
    # sum_{n_i < N} n_i/N (psi(N) - psi(n_i)) = psi(N) - sum_i n_i psi(n_i) / N
    # (a bin holding all N samples contributes N psi(N) / N to both sides)
    return digamma(N), -1.0 / N, 0.0


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def zhang(cs, ms, N, K, a, table):
    """Zhang 2012 (Neural Comput. 24, 1368): H = sum_{v=1}^{N-1} Z_v / v, which sums
    in closed form to sum_i n_i/N (psi(N) - psi(n_i)) (the first term of Chao, Wang &
    Jost 2013; identity proved by Schuermann 2015, Neural Comput. 27, 2097; the tests
    check it against the Z_v form in exact fractions)."""
    return _linear_value(cs, ms, N, K, a, _cpsi_phi, _zhang_form, _zero_g, True)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def zhang_tables(wmax, K, a):
    return _linear_tables(wmax, K, a, _cpsi_phi, _zhang_form, _zero_g, True)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _bonachela_phi(c, K, a):
    return (c + 1.0) * digamma(c + 2.0)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _bonachela_form(N, K, a):
    # 1/(N+2) sum_occ (n_i + 1)(psi(N + 3) - psi(n_i + 2))
    #   = (psi(N + 3)(N + occ) - sum_occ (n_i + 1) psi(n_i + 2)) / (N + 2)
    p = digamma(N + 3.0)
    return N * p / (N + 2.0), -1.0 / (N + 2.0), p / (N + 2.0)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def bonachela(cs, ms, N, K, a, table):
    """Bonachela, Hinrichsen & Munoz 2008 (J. Phys. A 41, 202001), over observed bins:
    H = 1/(N+2) sum_i (n_i + 1) sum_{j=n_i+2}^{N+2} 1/j."""
    return _linear_value(cs, ms, N, K, a, _bonachela_phi, _bonachela_form, _zero_g, False)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def bonachela_tables(wmax, K, a):
    return _linear_tables(wmax, K, a, _bonachela_phi, _bonachela_form, _zero_g, False)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _no_phi(c, K, a):
    return 0.0


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _ansb_form(N, K, a):
    return EULER_GAMMA - math.log(2.0) + 2.0 * math.log(N), 0.0, 0.0


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _ansb_g(delta):
    # - psi(Delta), Delta = N - occ coincidences; NaN without one (it diverges)
    return -digamma(delta) if delta > 0 else math.nan


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def ansb(cs, ms, N, K, a, table):
    """Asymptotic NSB (Nemenman 2011, Entropy 13, 2013; Nemenman, Bialek & de Ruyter
    van Steveninck 2004, Phys. Rev. E 69, 056111): H = (gamma - log 2) + 2 log N -
    psi(Delta), Delta = N - occ the number of coincidences; NaN when Delta = 0."""
    return _linear_value(cs, ms, N, K, a, _no_phi, _ansb_form, _ansb_g, False)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def ansb_tables(wmax, K, a):
    return _linear_tables(wmax, K, a, _no_phi, _ansb_form, _ansb_g, False)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def ansb_std(cs, ms, N):
    """Posterior std of the asymptotic NSB estimate, sqrt(psi'(Delta)); NaN if Delta = 0."""
    delta = N - _occupied(ms)
    return math.sqrt(trigamma(delta)) if delta > 0 else math.nan


# --------------------------------------------------------------------------------------
# estimators that need the whole profile
# --------------------------------------------------------------------------------------


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _shrinkage_lambda(N, su2, msp):
    # lambda = (1 - sum u^2) / ((N - 1) sum (t - u)^2), clipped to [0, 1]; 1 (all
    # shrinkage) for N <= 1 or a sample already at the target
    if N <= 1 or msp == 0.0:
        return 1.0
    return min(1.0, max(0.0, (1.0 - su2) / ((N - 1) * msp)))


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _shrinkage_term(c, N, K, lam):
    # -q log q of a bin holding c of the N samples, q = lambda / K + (1 - lambda) c / N
    return -_xlogx(lam / K + (1.0 - lam) * c / N)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def shrinkage(cs, ms, N, K, a, table):
    """James-Stein shrinkage towards t = 1/K (Hausser & Strimmer 2009, JMLR 10, 1469):
    lambda = (1 - sum u^2) / ((N - 1) sum (t - u)^2), clipped to [0, 1], u = n/N, then
    the plug-in entropy of lambda t + (1 - lambda) u over all K bins."""
    if N <= 0:
        return math.nan
    occ = _occupied(ms)
    t = 1.0 / K
    su2 = 0.0
    msp = (K - occ) * t * t
    for i in range(cs.size):
        u = cs[i] / N
        su2 += ms[i] * u * u
        msp += ms[i] * (t - u) * (t - u)
    lam = _shrinkage_lambda(N, su2, msp)
    s = (K - occ) * _shrinkage_term(0, N, K, lam)
    for i in range(cs.size):
        s += ms[i] * _shrinkage_term(cs[i], N, K, lam)
    return s


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def shrinkage_term(N, K, a, q, c):
    """The shrinkage estimate's term for a bin of count c (0: unobserved) in a sample of
    N with sum of squared counts ``q``, which fixes lambda: the estimate is ``sum_c
    nk[c] shrinkage_term(N, K, a, q, c)`` over the count profile (nk[0] = K -
    occupied), for local maps, which track q as the window moves. Over the K bins,
    sum (t - u)^2 = sum u^2 - 1/K = (K q - N^2) / (K N^2) (exact in float64 while
    K q < 2**53)."""
    n2 = float(N) * float(N)
    lam = _shrinkage_lambda(N, q / n2, (float(K) * float(q) - n2) / (float(K) * n2))
    return _shrinkage_term(c, N, K, lam)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _chao_shen_coverage(N, f1):
    # Good-Turing coverage C = 1 - f1/N, with f1 := N - 1 if all are singletons
    if f1 == N:
        f1 = N - 1
    return 1.0 - f1 / N


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _chao_shen_term(c, N, cov):
    # -pa log pa / (1 - (1 - pa)^N), pa = C c / N (> 0: C >= 1/N)
    pa = cov * c / N
    return -pa * math.log(pa) / (1.0 - (1.0 - pa) ** N)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def chao_shen(cs, ms, N, K, a, table):
    """Coverage-adjusted Horvitz-Thompson estimator (Chao & Shen 2003, Environ. Ecol.
    Stat. 10, 429): C = 1 - f1/N (f1 := N - 1 if all singletons), pa = C n/N,
    H = -sum pa log pa / (1 - (1 - pa)^N)."""
    if N <= 0:
        return math.nan
    cov = _chao_shen_coverage(N, _multiplicity(cs, ms, 1))
    s = 0.0
    for i in range(cs.size):
        s += ms[i] * _chao_shen_term(cs[i], N, cov)
    return s


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def chao_shen_term(N, K, a, f1, c):
    """The Chao-Shen term of a bin of count c in a sample of N with ``f1`` singletons
    (which fix the coverage): the estimate is ``sum_c nk[c] chao_shen_term(N, K, a,
    f1, c)`` over the count profile (0 for c = 0: unobserved bins add nothing)."""
    if c == 0:
        return 0.0
    return _chao_shen_term(c, N, _chao_shen_coverage(N, f1))


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def cwj_tail(A, N):
    """(1 - A)^(1 - N) * (-log A - sum_{r=1}^{N-1} (1 - A)^r / r)
    = sum_{s>=0} (1 - A)^(s + 1) / (N + s), summed directly (no cancellation)."""
    x = 1.0 - A
    if x <= 0.0:
        return 0.0
    s = 0.0
    term = x
    k = 0
    while True:
        add = term / (N + k)
        s += add
        if add <= 1e-17 * s or k > 100_000_000:
            break
        term *= x
        k += 1
    return s


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def chao_wang_jost(cs, ms, N, K, a, table):
    """Chao, Wang & Jost 2013 (Methods Ecol. Evol. 4, 1091): the Zhang sum
    sum_{1<=n_i<=N-1} n_i/N (psi(N) - psi(n_i)) plus f1/N (1-A)^(1-N) (-log A -
    sum_r (1-A)^r/r), A from the singletons f1 and doubletons f2."""
    if N <= 0:
        return math.nan
    f1 = _multiplicity(cs, ms, 1)
    f2 = _multiplicity(cs, ms, 2)
    s = zhang(cs, ms, N, K, a, table)
    if f2 > 0:
        A = 2.0 * f2 / ((N - 1) * f1 + 2.0 * f2)
    elif f1 > 0:
        A = 2.0 / ((N - 1) * (f1 - 1) + 2.0)
    else:
        A = 1.0
    if f1 > 0 and A < 1.0:
        s += f1 / N * cwj_tail(A, N)
    return s


# --------------------------------------------------------------------------------------
# Wolpert-Wolf: exact posterior moments under a symmetric Dirichlet(a) prior
# --------------------------------------------------------------------------------------


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def ww_moments(cs, ms, N, K, a):
    """(E[H], E[H^2]) under the posterior Dirichlet(n + a), nats.

    E[H^2] from Wolpert & Wolf 1995 / Hutter 2002, regrouped so that the
    double sum over i != k is O(number of distinct counts):
    E[H^2] = [S1^2 - S2 + sum_i alpha_i (alpha_i + 1) (J_i^2 + psi'(alpha_i + 2))]
             / (A (A + 1)) - psi'(A + 2),
    with I_i = psi(alpha_i + 1) - psi(A + 2), J_i = psi(alpha_i + 2) - psi(A + 2),
    S1 = sum alpha_i I_i, S2 = sum alpha_i^2 I_i^2.
    """
    occ = _occupied(ms)
    A = N + K * a
    pA2 = digamma(A + 2.0)
    s_mean = 0.0
    S1 = 0.0
    S2 = 0.0
    S3 = 0.0
    for i in range(-1, cs.size):
        if i < 0:  # the unobserved bins
            c = 0
            m = K - occ
            if m == 0 or a <= 0.0:
                continue
        else:
            c = cs[i]
            m = ms[i]
        al = c + a
        p1 = digamma(al + 1.0)
        s_mean += m * al * p1
        ii = p1 - pA2
        jj = p1 + 1.0 / (al + 1.0) - pA2
        S1 += m * al * ii
        S2 += m * al * al * ii * ii
        S3 += m * al * (al + 1.0) * (jj * jj + trigamma(al + 2.0))
    mean = digamma(A + 1.0) - s_mean / A
    m2 = (S1 * S1 - S2 + S3) / (A * (A + 1.0)) - trigamma(A + 2.0)
    return mean, m2


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def wolpert_wolf_std(cs, ms, N, K, a, table):
    """Posterior std of H under Dirichlet(a), nats (:func:`ww_moments`)."""
    if N <= 0:
        return math.nan
    mean, m2 = ww_moments(cs, ms, N, K, a)
    return math.sqrt(max(m2 - mean * mean, 0.0))


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def ansb_std_kernel(cs, ms, N, K, a, table):
    """:func:`ansb_std` with the kernel signature (NaN without coincidences)."""
    if N <= 0:
        return math.nan
    return ansb_std(cs, ms, N)


# --------------------------------------------------------------------------------------
# NSB: mixture of Dirichlet(beta) priors flat in xi = E[H | beta]
# --------------------------------------------------------------------------------------


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def nsb_log_prior(t, N, K):
    """log of beta * dxi/dbeta * Gamma(K beta) / Gamma(N + K beta): the part of the NSB
    log posterior in t = log beta that does not depend on the counts (Nemenman,
    Shafee & Bialek 2002; the Jacobian beta turns d beta into d t)."""
    b = math.exp(t)
    return t + math.log(nsb_dxi(b, K)) - lgamma_diff(K * b, N)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _nsb_logpost(t, cs, ms, N, K):
    # log P(beta | n) + const in t = log beta: prior part + sum_i log Gamma(n_i + beta)/Gamma(beta)
    b = math.exp(t)
    s = nsb_log_prior(t, N, K)
    for i in range(cs.size):
        s += ms[i] * lgamma_diff(b, cs[i])
    return s


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def nsb_t_range(N, K):
    """Range of t = log beta holding all but ~1e-14 of any NSB posterior's mass.

    Below: the posterior in t decays like beta once K beta log N << 1 (relative mass
    below beta_lo ~ K beta_lo (1 + log N)); above: it decays like 1/beta once the
    likelihood saturates (beta >> N), so beta_hi = e^40 leaves < 1e-14 for N < 1e3 and
    the tabulated path checks the end nodes (``_NSB_EDGE_CUT``) before trusting it."""
    lo = math.log(1e-15 / (K * (1.0 + math.log(N + 1.0))))
    return lo, _NSB_LOG_BETA_HI


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def nsb_nodes(cs, ms, N, K):
    """Quadrature nodes (t_j, log w_j) of the NSB posterior over t = log beta.

    Adaptive trapezoid rule: a coarse scan (step 0.5) over :func:`nsb_t_range` finds
    the mode (the posterior is unimodal in t), a golden-section search refines it, the
    curvature there sets the step h = min(0.2, sigma_t / 4) (trapezoid error on an
    analytic peak ~ exp(-2 pi^2 sigma^2 / h^2) < 1e-100), then nodes march out from the
    mode until the log posterior has dropped by 46 (e^-46 ~ 1e-20) or the range ends.
    ``log w_j`` is the unnormalised log posterior (the common factor h is dropped).
    """
    lo, hi = nsb_t_range(N, K)
    nscan = int((hi - lo) / 0.5) + 1
    best = -math.inf
    kbest = 0
    for k in range(nscan):
        v = _nsb_logpost(lo + 0.5 * k, cs, ms, N, K)
        if v > best:
            best = v
            kbest = k
    a = lo + 0.5 * max(kbest - 1, 0)
    b = lo + 0.5 * min(kbest + 1, nscan - 1)
    gr = 0.6180339887498949
    x1 = b - gr * (b - a)
    x2 = a + gr * (b - a)
    f1 = _nsb_logpost(x1, cs, ms, N, K)
    f2 = _nsb_logpost(x2, cs, ms, N, K)
    for _ in range(60):
        if b - a < 1e-7:
            break
        if f1 > f2:
            b = x2
            x2 = x1
            f2 = f1
            x1 = b - gr * (b - a)
            f1 = _nsb_logpost(x1, cs, ms, N, K)
        else:
            a = x1
            x1 = x2
            f1 = f2
            x2 = a + gr * (b - a)
            f2 = _nsb_logpost(x2, cs, ms, N, K)
    tm = 0.5 * (a + b)
    fm = _nsb_logpost(tm, cs, ms, N, K)
    dl = 1e-3
    fp = _nsb_logpost(tm + dl, cs, ms, N, K)
    fmn = _nsb_logpost(tm - dl, cs, ms, N, K)
    curv = -(fp - 2.0 * fm + fmn) / (dl * dl)
    h = _NSB_MAX_STEP
    if curv > 0.0:
        h = min(h, 0.25 / math.sqrt(curv))
    h = max(h, 1e-6)
    maxside = 200_000
    right = np.empty(maxside)
    left = np.empty(maxside)
    nr = 0
    while nr < maxside:
        t = tm + h * (nr + 1)
        if t > hi:
            break
        v = _nsb_logpost(t, cs, ms, N, K)
        right[nr] = v
        nr += 1
        if v < fm - _NSB_LOG_CUT:
            break
    nl = 0
    while nl < maxside:
        t = tm - h * (nl + 1)
        if t < lo:
            break
        v = _nsb_logpost(t, cs, ms, N, K)
        left[nl] = v
        nl += 1
        if v < fm - _NSB_LOG_CUT:
            break
    n = nl + 1 + nr
    ts = np.empty(n)
    lw = np.empty(n)
    for i in range(nl):
        ts[i] = tm - h * (nl - i)
        lw[i] = left[nl - 1 - i]
    ts[nl] = tm
    lw[nl] = fm
    for i in range(nr):
        ts[nl + 1 + i] = tm + h * (i + 1)
        lw[nl + 1 + i] = right[i]
    return ts, lw


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def nsb_components(cs, ms, N, K, second):
    """NSB posterior as a mixture over beta nodes: (w, mean, m2), with normalised
    weights ``w`` and the Wolpert-Wolf posterior moments E[H | n, beta_j] and
    E[H^2 | n, beta_j] (``m2`` only if ``second``, else zeros). Nemenman, Shafee &
    Bialek 2002 (posterior moments = mixture of the fixed-beta moments)."""
    ts, lw = nsb_nodes(cs, ms, N, K)
    n = ts.size
    mx = -math.inf
    for j in range(n):
        mx = max(mx, lw[j])
    w = np.empty(n)
    mu = np.empty(n)
    m2 = np.zeros(n)
    tot = 0.0
    for j in range(n):
        w[j] = math.exp(lw[j] - mx)
        tot += w[j]
    for j in range(n):
        w[j] /= tot
        b = math.exp(ts[j])
        if second:
            mu[j], m2[j] = ww_moments(cs, ms, N, K, b)
        else:
            mu[j] = _linear_value(cs, ms, N, K, b, _ww_phi, _ww_form, _zero_g, False)
    return w, mu, m2


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def nsb_mean(cs, ms, N, K):
    """NSB posterior mean of H, nats (adaptive quadrature, see :func:`nsb_nodes`)."""
    if K <= 1:
        return 0.0
    w, mu, _ = nsb_components(cs, ms, N, K, False)
    s = 0.0
    for j in range(w.size):
        s += w[j] * mu[j]
    return s


@nb.njit(cache=NUMBA_CACHE)
def nsb_table(N, K):
    """Table for :func:`profile_entropy_table` with the NSB code, for fixed ``(N, K)``.

    Row 0 is a header ``[N, K, h, G]``; rows 1..G hold, for nodes t_j = lo + h j on a
    uniform grid in t = log beta over :func:`nsb_t_range`:
    column 0: ``nsb_log_prior(t_j)``, 1: psi(N + K beta_j + 1), 2: beta_j,
    3: unused, ``4 + c`` (c = 0..N): log Gamma(c + beta_j) / Gamma(beta_j),
    ``5 + N + c`` (c = 0..N): psi(c + beta_j + 1).
    """
    lo, hi = nsb_t_range(N, K)
    h = min(_NSB_TABLE_STEP, 1.0 / math.sqrt(N))
    G = int((hi - lo) / h) + 1
    ncol = 6 + 2 * N
    tab = np.zeros((G + 1, ncol))
    tab[0, 0] = N
    tab[0, 1] = K
    tab[0, 2] = h
    tab[0, 3] = G
    for j in range(G):
        t = lo + h * j
        b = math.exp(t)
        row = tab[j + 1]
        row[0] = nsb_log_prior(t, N, K)
        row[1] = digamma(N + K * b + 1.0)
        row[2] = b
        for c in range(N + 1):
            row[4 + c] = lgamma_diff(b, c)
            row[5 + N + c] = digamma(c + b + 1.0)
    return tab


@nb.njit(cache=NUMBA_CACHE, nogil=True, inline="always")
def _nsb_table_logpost(table, j, cs, ms, d):
    s = table[j + 1, 0]
    for i in range(d):
        s += ms[i] * table[j + 1, 4 + cs[i]]
    return s


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def nsb_mean_table(cs, ms, N, K, table):
    """NSB posterior mean on the tabulated grid (trapezoid rule in t = log beta).

    A ternary search finds the mode, then nodes are summed marching out
    from it until the log posterior is 36 below the mode (e^-36 ~ 2e-16). Falls back to
    the adaptive :func:`nsb_mean` when the table is for another (N, K), when the peak
    spans fewer than 5 nodes within 1 of its maximum (then h/sigma > 0.6 and the
    trapezoid error bound exp(-2 pi^2 sigma^2/h^2) is no longer < 1e-20), or when the
    posterior is not negligible at the grid's ends.
    """
    if K <= 1:
        return 0.0
    if table.shape[0] < 2 or table[0, 0] != N or table[0, 1] != K or table.shape[1] != 6 + 2 * N:
        return nsb_mean(cs, ms, N, K)
    G = table.shape[0] - 1
    d = cs.size
    occ = 0
    for i in range(d):
        occ += ms[i]
    # the mode: ternary search over the grid (the posterior is unimodal in t), then
    # the best of the last three nodes; ~35 nodes instead of a scan of G / 3
    lo = 0
    hi = G - 1
    while hi - lo > 2:
        m1 = lo + (hi - lo) // 3
        m2 = hi - (hi - lo) // 3
        if _nsb_table_logpost(table, m1, cs, ms, d) < _nsb_table_logpost(table, m2, cs, ms, d):
            lo = m1 + 1
        else:
            hi = m2
    m0 = -math.inf
    j0 = lo
    for j in range(lo, hi + 1):
        s = _nsb_table_logpost(table, j, cs, ms, d)
        if s > m0:
            m0 = s
            j0 = j
    cut = m0 - _NSB_TABLE_CUT
    off = 5 + N
    nz = K - occ
    sw = 0.0
    sm = 0.0
    mx = m0
    seen = np.empty(G)
    ns = 0
    # nodes j0, j0 + 1, ... then j0 - 1, j0 - 2, ... (weights relative to m0)
    for direction in range(2):
        j = j0 if direction == 0 else j0 - 1
        step = 1 if direction == 0 else -1
        while 0 <= j < G:
            s = table[j + 1, 0]
            for i in range(d):
                s += ms[i] * table[j + 1, 4 + cs[i]]
            if s < cut:
                break
            if (j == 0 or j == G - 1) and s > m0 - _NSB_EDGE_CUT:
                return nsb_mean(cs, ms, N, K)
            if s > mx:
                mx = s
            seen[ns] = s
            ns += 1
            w = math.exp(s - m0)
            b = table[j + 1, 2]
            acc = nz * b * table[j + 1, off]
            for i in range(d):
                acc += ms[i] * (cs[i] + b) * table[j + 1, off + cs[i]]
            sm += w * (table[j + 1, 1] - acc / (N + K * b))
            sw += w
            j += step
    npeak = 0
    for i in range(ns):
        if seen[i] > mx - 1.0:
            npeak += 1
    if npeak < 5:
        return nsb_mean(cs, ms, N, K)
    return sm / sw


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def nsb_std(cs, ms, N, K, a, table):
    """NSB posterior std of H, nats: the mixture over :func:`nsb_components`'s beta
    nodes of the Wolpert-Wolf second moments, minus the squared mean. ``a`` and
    ``table`` are ignored (adaptive quadrature)."""
    if N <= 0:
        return math.nan
    if K <= 1:
        return 0.0
    w, mu, m2 = nsb_components(cs, ms, N, K, True)
    mean = 0.0
    s2 = 0.0
    for j in range(w.size):
        mean += w[j] * mu[j]
        s2 += w[j] * m2[j]
    return math.sqrt(max(s2 - mean * mean, 0.0))


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def nsb(cs, ms, N, K, a, table):
    """NSB posterior mean of H, nats (Nemenman, Shafee & Bialek 2002): on the tabulated
    grid when ``table`` is :func:`nsb_table` for this ``(N, K)`` (see
    :func:`nsb_mean_table`), else by adaptive quadrature (:func:`nsb_mean`); the two
    agree to ~1e-13 relative (tested). ``a`` is ignored."""
    if N <= 0:
        return math.nan
    if K <= 1:
        return 0.0
    return nsb_mean_table(cs, ms, N, K, table)


# --------------------------------------------------------------------------------------
# first-class functions for the walks
# --------------------------------------------------------------------------------------

from numba.core.types.function_type import WrapperAddressProtocol  # noqa: E402
from numba.experimental.function_type import _get_wrapper_address  # noqa: E402


class _FirstClass(WrapperAddressProtocol):
    """A kernel compiled for :data:`KERNEL_SIGNATURE` (or another signature, e.g.
    :data:`TERM_SIGNATURE`), typed by Numba as a first-class function of it. A walk
    taking it compiles once for every estimator (and is cached), while each kernel
    compiles only when first used (and is cached)."""

    def __init__(self, kernel, signature=KERNEL_SIGNATURE):
        kernel.compile(signature)
        self._addr = _get_wrapper_address(kernel, signature)
        self._kernel = kernel  # keeps the compiled code alive
        self._signature = signature

    def __wrapper_address__(self):
        return self._addr

    def signature(self):
        return self._signature


_FIRST_CLASS: dict = {}


def first_class(kernel, signature=KERNEL_SIGNATURE):
    """``kernel`` as a first-class Numba function (compiled and wrapped once)."""
    fc = _FIRST_CLASS.get((kernel, signature))
    if fc is None:
        fc = _FIRST_CLASS[(kernel, signature)] = _FirstClass(kernel, signature)
    return fc
