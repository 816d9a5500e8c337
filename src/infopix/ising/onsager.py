"""Onsager's exact solution of the square-lattice Ising model (J = k_B = 1, h = 0).

All functions take a temperature ``T`` (scalar or array, ``T > 0``) and return values
per spin in the thermodynamic limit; entropy is in nats.

With ``K = 1/T`` and the elliptic modulus ``k = 2 sinh(2K) / cosh(2K)**2``
(``k = 1`` exactly at the critical point):

- free energy (Huang, eq. 15.138): ``-f/T = ln(2 cosh 2K)
  + (1/2pi) int_0^pi ln[(1 + sqrt(1 - k^2 sin^2 phi)) / 2] dphi``;
- energy (Huang, eq. 15.140): ``u = -coth(2K) [1 + (2/pi)(2 tanh^2(2K) - 1) K1(k)]``;
- specific heat (Huang, eq. 15.141): ``c = (2/pi) (K coth 2K)^2 {2 K1 - 2 E1 -
  (1 - tanh^2 2K) [pi/2 + (2 tanh^2 2K - 1) K1]}``;
- spontaneous magnetisation (Yang 1952): ``(1 - sinh(2K)^-4)^(1/8)`` below ``Tc``;
- entropy ``s = (u - f) / T``;

where ``K1``, ``E1`` are the complete elliptic integrals of the first and second kind
of modulus ``k`` (``scipy.special.ellipk(k**2)``, ``ellipe(k**2)``).

References
----------
.. [1] L. Onsager, Phys. Rev. 65, 117 (1944). doi:10.1103/PhysRev.65.117
.. [2] C. N. Yang, Phys. Rev. 85, 808 (1952). doi:10.1103/PhysRev.85.808
.. [3] K. Huang, Statistical Mechanics, 2nd ed., Wiley (1987), §15.5, eqs. 15.138-15.141.

Examples
--------
>>> import numpy as np
>>> from infopix.ising import onsager
>>> bool(np.isclose(onsager.energy_per_spin(onsager.critical_temperature()), -np.sqrt(2)))
True
"""

from __future__ import annotations

import numpy as np
from scipy import integrate, special

__all__ = [
    "critical_temperature",
    "spontaneous_magnetization",
    "energy_per_spin",
    "free_energy_per_spin",
    "entropy_per_spin",
    "specific_heat",
]


def critical_temperature() -> float:
    """``Tc = 2 / ln(1 + sqrt 2) = 2.269185...``

    Examples
    --------
    >>> round(critical_temperature(), 6)
    2.269185
    """
    return float(2.0 / np.log1p(np.sqrt(2.0)))


def _temps(T):
    t = np.asarray(T, dtype=np.float64)
    if not np.all(np.isfinite(t)) or np.any(t <= 0):
        raise ValueError(f"`T` expects finite temperatures > 0, got {T!r}.")
    return t


def _out(x, T):
    return float(x) if np.ndim(T) == 0 else x


def _modulus(K):
    """``2 sinh(2K) / cosh(2K)**2``, written without overflow for large K."""
    x = np.exp(-2.0 * K)
    return 4.0 * x * (1.0 - x * x) / (1.0 + x * x) ** 2


def spontaneous_magnetization(T):
    """Spontaneous magnetisation per spin: ``(1 - sinh(2/T)^-4)^(1/8)`` for T < Tc, else 0.

    Examples
    --------
    >>> spontaneous_magnetization(3.0)
    0.0
    """
    t = _temps(T)
    K = 1.0 / t
    with np.errstate(over="ignore"):
        x = 1.0 - np.sinh(2.0 * K) ** -4.0
    m = np.where(t < critical_temperature(), np.clip(x, 0.0, None) ** 0.125, 0.0)
    return _out(m, T)


def energy_per_spin(T):
    """Internal energy per spin ``u(T)`` (elliptic-integral form); ``u(Tc) = -sqrt 2``.

    Examples
    --------
    >>> round(energy_per_spin(2.0), 6)
    -1.745565
    """
    t = _temps(T)
    K = 1.0 / t
    th2 = np.tanh(2.0 * K) ** 2
    k1 = special.ellipk(np.minimum(_modulus(K) ** 2, 1.0))
    a = 2.0 * th2 - 1.0
    with np.errstate(invalid="ignore"):
        # at Tc, a -> 0 while K1 diverges logarithmically: the product -> 0
        term = np.where(np.isinf(k1) | (a == 0.0), 0.0, a * k1)
    u = -1.0 / np.tanh(2.0 * K) * (1.0 + (2.0 / np.pi) * term)
    return _out(u, T)


def _beta_f(K):
    k = _modulus(K)

    def integrand(phi):
        return np.log((1.0 + np.sqrt(max(0.0, 1.0 - (k * np.sin(phi)) ** 2))) / 2.0)

    val, _ = integrate.quad(integrand, 0.0, np.pi, limit=200, epsabs=1e-13, epsrel=1e-12,
                            points=[np.pi / 2])
    # ln(2 cosh 2K) written stably for large K
    lncosh = 2.0 * K + np.log1p(np.exp(-4.0 * K)) - np.log(2.0)
    return -(np.log(2.0) + lncosh + val / (2.0 * np.pi))


def free_energy_per_spin(T):
    """Helmholtz free energy per spin ``f(T)`` (one numerical quadrature per T).

    Examples
    --------
    >>> round(free_energy_per_spin(1e-3), 6)  # ground state: f -> u = -2
    -2.0
    """
    t = _temps(T)
    bf = np.array([_beta_f(1.0 / x) for x in np.ravel(t)]).reshape(t.shape)
    return _out(bf * t, T)


def entropy_per_spin(T):
    """Entropy per spin ``s = (u - f) / T`` in nats; ``ln 2`` as T -> inf, 0 as T -> 0.

    Examples
    --------
    >>> round(entropy_per_spin(1e6), 6) == round(float(np.log(2)), 6)
    True
    """
    t = _temps(T)
    u = np.asarray(energy_per_spin(t))
    f = np.asarray(free_energy_per_spin(t))
    return _out((u - f) / t, T)


def specific_heat(T):
    """Specific heat per spin ``c = du/dT`` (diverges logarithmically at Tc: inf there).

    Computed as ``-K**2 du/dK`` by differentiating the energy formula analytically
    (``dK1/dk = E1 / (k (1 - k^2)) - K1 / k``).

    Examples
    --------
    >>> round(specific_heat(2.0), 4)
    0.7249
    """
    t = _temps(T)
    K = 1.0 / t
    k = _modulus(K)
    m = np.minimum(k**2, 1.0)
    k1 = special.ellipk(m)
    e1 = special.ellipe(m)
    th = np.tanh(2.0 * K)
    a = 2.0 * th**2 - 1.0
    sech2 = 1.0 - th**2
    coth = 1.0 / th
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        dcoth = -2.0 * (coth**2 - 1.0)                    # d coth(2K) / dK
        da = 8.0 * th * sech2                             # d a / dK
        # dk/dK = 4 (cosh^2 - 2 sinh^2) / cosh^3 = 4 sech (1 - 2 tanh^2) (stable)
        dk = 4.0 * np.sqrt(sech2) * (1.0 - 2.0 * th**2)
        dk1 = e1 / (k * (1.0 - k**2)) - k1 / k
        du = -dcoth * (1.0 + (2.0 / np.pi) * a * k1) - coth * (2.0 / np.pi) * (
            da * k1 + a * dk1 * dk
        )
        c = -K**2 * du
    c = np.where(np.isinf(k1) | ~np.isfinite(c), np.where(np.isinf(k1), np.inf, 0.0), c)
    return _out(c, T)
