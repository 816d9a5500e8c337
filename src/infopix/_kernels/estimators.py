"""Entropy estimators as compiled functions of the *count profile*.

Every estimator in infopix is a function of the multiset of counts only, i.e. of the
count profile ``nk``: ``nk[c]`` is the number of bins observed exactly ``c`` times
(``c = 1 .. N``; ``nk[0]`` is ignored, unobserved bins are ``K - sum(nk[1:])``).
Local maps keep ``nk`` up to date in O(1) per pixel added or removed, then call
:func:`profile_entropy` once per window.

Contract (used by ``infopix.local`` and ``infopix.spatial``):

``profile_entropy(code, nk, N, K, a) -> float``
    entropy in **nats** of a window with ``N`` samples, ``K`` possible outcomes and
    profile ``nk`` (length >= N + 1), for the estimator with integer ``code`` (see
    ``infopix.estimators.ESTIMATORS[name].code``); ``a`` is the estimator's scalar
    parameter (pseudocount concentration, Rényi order for code 0, ...), ignored by
    estimators without one.
"""

from __future__ import annotations

import math

import numba as nb

from .._config import NUMBA_CACHE

PLUGIN = 0
MILLER_MADOW = 1


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def _plugin_renyi(nk, N, alpha):
    """Plug-in Rényi entropy of order ``alpha`` (1: Shannon) from a profile, nats."""
    if N <= 0:
        return 0.0
    invN = 1.0 / N
    if alpha == 1.0:
        s = 0.0
        for c in range(1, N + 1):
            m = nk[c]
            if m:
                s += m * c * math.log(c)
        return math.log(N) - s * invN
    if alpha == 0.0:
        occ = 0
        for c in range(1, N + 1):
            occ += nk[c]
        return math.log(occ)
    if math.isinf(alpha):
        cmax = 0
        for c in range(N, 0, -1):
            if nk[c]:
                cmax = c
                break
        return -math.log(cmax * invN)
    s = 0.0
    for c in range(1, N + 1):
        m = nk[c]
        if m:
            s += m * (c * invN) ** alpha
    return math.log(s) / (1.0 - alpha)


@nb.njit(cache=NUMBA_CACHE, nogil=True)
def profile_entropy(code, nk, N, K, a):
    """Entropy (nats) of a count profile for estimator ``code``; see module docstring."""
    if code == PLUGIN:
        return _plugin_renyi(nk, N, a)
    if code == MILLER_MADOW:
        occ = 0
        for c in range(1, N + 1):
            occ += nk[c]
        return _plugin_renyi(nk, N, 1.0) + (occ - 1) / (2.0 * N)
    return math.nan
