"""Equilibrium Monte Carlo measurements with error bars: :func:`measure`,
:func:`autocorrelation_time`.

A Monte Carlo run is a correlated time series. Its mean is honest only with (i) the
start forgotten (equilibration), (ii) an error that counts the correlations, and (iii)
derived quantities (specific heat, susceptibility, Binder cumulant: non-linear
functions of several means) with errors that follow the same correlations. Here (i)
is a discarded fraction checked a posteriori, (ii) Sokal's automatic windowing of the
integrated autocorrelation time, (iii) a jackknife over blocks much longer than that
time.

References
----------
.. [1] A. D. Sokal, "Monte Carlo methods in statistical mechanics: foundations and new
       algorithms", in Functional Integration, Springer (1997), §3.
       doi:10.1007/978-1-4899-0319-8_6
.. [2] N. Madras and A. D. Sokal, J. Stat. Phys. 50, 109 (1988), eq. (2.18) (variance
       of the windowed estimator). doi:10.1007/BF01022990
.. [3] K. Binder, Z. Phys. B 43, 119 (1981) (the cumulant). doi:10.1007/BF01293604
"""

from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import dataclass, field

import numpy as np

from .._validation import check_choice, check_positive_int
from .dynamics import METHODS, resolve_seed, simulate
from .models import IsingModel, StandardIsing

__all__ = ["autocorrelation_time", "measure", "Estimate", "Measurement", "AutocorrelationTime"]

#: Sokal's window constant: the window is the smallest W with W >= C_WINDOW * tau(W)
C_WINDOW = 6.0
#: the equilibration check fails when two halves of a kept series differ by more than
#: this many combined standard errors (a false alarm with probability 6e-5 per series)
Z_HALVES = 4.0
#: blocks of the jackknife: at least this many autocorrelation times long ...
BLOCK_TAUS = 20.0
#: ... and between these many blocks
MIN_BLOCKS, MAX_BLOCKS = 20, 100


@dataclass(frozen=True)
class AutocorrelationTime:
    """Result of :func:`autocorrelation_time`.

    Attributes
    ----------
    tau : float
        Integrated autocorrelation time ``1/2 + sum_{t=1}^{W} rho(t)`` (in samples; 1/2
        for independent samples, so that the variance of the mean is
        ``2 tau var / n``).
    tau_err : float
        Its standard error, ``tau sqrt(2 (2W + 1) / n)`` (Madras and Sokal).
    window : int
        The window W chosen.
    reliable : bool
        False when the series is shorter than about 50 tau (the window then reached
        the end of the series, or n < 50 tau): tau and errors are underestimated.
    """

    tau: float
    tau_err: float
    window: int
    reliable: bool


def _acf(x):
    """Normalised autocorrelation rho(t), t = 0..n-1, of a 1-D series (FFT, zero padded)."""
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    d = x - x.mean()
    size = 1 << int(math.ceil(math.log2(2 * n)))
    f = np.fft.rfft(d, size)
    g = np.fft.irfft(f * np.conj(f), size)[:n]
    if g[0] <= 0.0:
        return np.concatenate(([1.0], np.zeros(n - 1)))
    return g / g[0]


def autocorrelation_time(x, *, c: float = C_WINDOW) -> AutocorrelationTime:
    """Integrated autocorrelation time of a stationary series, by Sokal's automatic
    windowing.

    Parameters
    ----------
    x : (n,) array_like
        The series (n >= 2), e.g. the energy after every sweep.
    c : float, optional
        Window constant: W is the smallest lag with ``W >= c tau(W)``; the bias of the
        truncated sum is about ``exp(-c)`` relative for an exponential decay, its
        statistical error grows as ``sqrt(c)``. Sokal recommends 4-10; default 6.

    Returns
    -------
    AutocorrelationTime
        ``tau``, ``tau_err``, ``window``, ``reliable``.

    Notes
    -----
    ``rho(t)`` is the normalised autocovariance (FFT, biased estimator ``1/n``),
    ``tau(W) = 1/2 + sum_{t=1}^{W} rho(t)`` [1]_; the error is Madras and Sokal's
    ``tau sqrt(2 (2W + 1) / n)`` [2]_. A constant series has tau = 1/2 (no information
    about correlations; its variance is 0 anyway).

    Examples
    --------
    An AR(1) series ``x_t = phi x_{t-1} + noise`` has ``tau = (1 + phi) / (2 (1 - phi))``:

    >>> import numpy as np
    >>> from scipy.signal import lfilter
    >>> phi, e = 0.8, np.random.default_rng(0).standard_normal(200_000)
    >>> x = lfilter([1.0], [1.0, -phi], e)
    >>> r = autocorrelation_time(x)
    >>> bool(abs(r.tau - 4.5) < 3 * r.tau_err)
    True
    """
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 1 or arr.size < 2 or not np.all(np.isfinite(arr)):
        raise ValueError(
            f"`x` expects a finite 1-D series of at least 2 values, got shape {arr.shape}."
        )
    if not isinstance(c, numbers.Real) or isinstance(c, bool) or not c > 0:
        raise ValueError(f"`c` expects a number > 0, got {c!r}.")
    n = arr.size
    rho = _acf(arr)
    taus = 0.5 + np.cumsum(rho[1:])           # tau(W) for W = 1..n-1
    lags = np.arange(1, n)
    ok = np.nonzero(lags >= c * taus)[0]
    window = int(lags[ok[0]]) if ok.size else n - 1
    tau = float(max(taus[window - 1], 0.5)) if n > 1 else 0.5
    tau_err = tau * math.sqrt(2.0 * (2 * window + 1) / n)
    reliable = bool(ok.size) and n >= 50.0 * tau
    return AutocorrelationTime(tau, tau_err, window, reliable)


@dataclass(frozen=True)
class Estimate:
    """A Monte Carlo estimate with its uncertainty.

    Attributes
    ----------
    value : float
        Mean over the kept series (primary observables) or the estimate from all kept
        data (derived quantities).
    stderr : float
        Standard error: ``sqrt(2 tau var / n)`` for primary observables, the jackknife
        over blocks for derived quantities.
    tau : float
        Integrated autocorrelation time in sweeps (NaN for derived quantities).
    tau_err : float
        Standard error of ``tau`` (NaN for derived quantities).
    method : str
        How ``stderr`` was obtained.
    reliable : bool
        False when the series was too short for its autocorrelation time (see
        :class:`AutocorrelationTime`): ``stderr`` is then an underestimate.
    """

    value: float
    stderr: float
    tau: float = float("nan")
    tau_err: float = float("nan")
    method: str = "autocorrelation"
    reliable: bool = True

    def __str__(self) -> str:
        return _fmt(self.value, self.stderr)


def _fmt(value, err):
    """``value ± err`` rounded to two significant digits of the error."""
    if not np.isfinite(err) or err <= 0:
        return f"{value:.6g} (no error estimate)"
    digits = max(0, 1 - int(math.floor(math.log10(err))))
    return f"{value:.{digits}f} ± {err:.{digits}f}"


@dataclass(frozen=True)
class Measurement:
    """Result of :func:`measure`.

    Attributes
    ----------
    estimates : dict of str -> Estimate
        Primary observables (means of per-sweep series): ``'energy'`` (per spin),
        ``'energy2'`` (its square), ``'magnetisation'``, ``'abs_magnetisation'``,
        ``'magnetisation2'``, ``'magnetisation4'`` and one per extra observable;
        derived: ``'specific_heat'`` ``N var(e) / T**2``, ``'susceptibility'``
        ``N (<m^2> - <|m|>^2) / T`` (the finite-lattice form with |m|) and ``'binder'``
        ``1 - <m^4> / (3 <m^2>^2)`` (per spin, k_B = 1).
    series : dict of str -> ndarray
        The kept per-sweep series (``'energy'``, ``'magnetisation'``, extras).
    T : float
    shape : tuple of int
    model : IsingModel
    method, acceptance : str
    sweeps : int
        Sweeps run in total.
    discarded : int
        Leading sweeps dropped as equilibration.
    block_size, n_blocks : int
        The jackknife's blocks (sweeps per block, number of blocks).
    equilibrated : bool
        Whether the equilibration checks passed (see :func:`measure`).
    checks : dict
        ``'halves_z'`` (per observable: difference of the two halves of the kept series
        in combined standard errors), ``'discarded_taus'`` (discarded sweeps / the
        largest tau), ``'kept_taus'`` (kept sweeps / the largest tau).
    seed : int
        Passing it back as ``rng`` reproduces the measurement.
    final : ndarray
        The last configuration.
    """

    estimates: dict
    series: dict
    T: float
    shape: tuple
    model: IsingModel
    method: str
    acceptance: str
    sweeps: int
    discarded: int
    block_size: int
    n_blocks: int
    equilibrated: bool
    checks: dict
    seed: int
    final: np.ndarray = field(repr=False)

    def __getitem__(self, name: str) -> Estimate:
        return self.estimates[name]

    def exact(self) -> dict:
        """Kaufman's exact energy and specific heat per spin of the simulated torus
        (:func:`infopix.ising.onsager.energy_per_spin` with ``L``), for
        ``StandardIsing`` with h = 0 and J > 0; empty otherwise."""
        from . import onsager

        m = self.model
        if not (isinstance(m, StandardIsing) and m.h == 0.0 and m.J > 0):
            return {}
        t = self.T / m.J
        return {"energy": m.J * onsager.energy_per_spin(t, L=self.shape),
                "specific_heat": onsager.specific_heat(t, L=self.shape)}

    def table(self):
        """The estimates as a pandas DataFrame (one row per quantity)."""
        import pandas as pd

        return pd.DataFrame(
            [{"quantity": k, "value": e.value, "stderr": e.stderr, "tau": e.tau,
              "tau_err": e.tau_err, "method": e.method} for k, e in self.estimates.items()]
        ).set_index("quantity")

    def plot(self, ax=None):
        """Energy per spin against sweep (kept part), its mean ± standard error and,
        when known, the exact finite-lattice value; returns the axis."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
        e = self.series["energy"]
        t = np.arange(self.discarded + 1, self.discarded + 1 + e.size)
        ax.plot(t, e, lw=0.5, color="0.6", label="energy / spin")
        est = self.estimates["energy"]
        ax.axhline(est.value, color="C0", label=f"mean {est}")
        ax.axhspan(est.value - est.stderr, est.value + est.stderr, color="C0", alpha=0.2)
        ex = self.exact()
        if ex:
            ax.axhline(ex["energy"], color="C3", ls=":", label="exact (Kaufman)")
        ax.set_xlabel("sweep")
        ax.set_ylabel("energy per spin (J)")
        ax.set_title(f"{type(self.model).__name__} {self.shape[0]}x{self.shape[1]}, "
                     f"T = {self.T:g}, {self.method}")
        ax.legend(loc="best", fontsize=8)
        return ax


def _lattice(system, model, start, rng_start):
    """(model, starting spins) from an int L, a shape (m, n), spins, or a model."""
    if isinstance(system, IsingModel):
        model, system = system, getattr(system, "shape", None)
        if system is None:
            raise ValueError(
                f"`system` {model!r} does not fix a lattice; pass L, (m, n) or spins and `model=`."
            )
    model = StandardIsing() if model is None else model
    if not isinstance(model, IsingModel):
        raise TypeError(f"`model` expects an IsingModel such as StandardIsing(), got {model!r}.")
    if isinstance(system, (numbers.Integral, tuple)) and not isinstance(system, bool):
        shape = (system, system) if isinstance(system, numbers.Integral) else system
        if len(shape) != 2 or not all(
            isinstance(x, numbers.Integral) and not isinstance(x, bool) and x >= 3 for x in shape
        ):
            raise ValueError(
                f"`system` expects an integer L >= 3, a shape (m, n) of integers >= 3, spins "
                f"or a model with a lattice, got {system!r}."
            )
        shape = (int(shape[0]), int(shape[1]))
        if start == "ordered":
            spins = np.ones(shape, np.int8)
        else:
            spins = np.where(rng_start.random(shape) < 0.5, -1, 1).astype(np.int8)
        if model.continuous:
            spins = spins.astype(np.float64)
        return model, spins
    return model, system


def _jackknife(blocks, fn):
    """(estimate from all blocks, jackknife standard error) of ``fn(means)``;
    ``blocks`` is (n_blocks, k) block means."""
    nb = blocks.shape[0]
    full = fn(blocks.mean(axis=0))
    loo = (blocks.sum(axis=0)[None, :] - blocks) / (nb - 1)
    vals = np.array([fn(r) for r in loo])
    err = math.sqrt((nb - 1) / nb * np.sum((vals - vals.mean()) ** 2))
    return float(full), err


def measure(
    system,
    T: float,
    *,
    model: IsingModel | None = None,
    sweeps: int = 10_000,
    discard: float = 0.2,
    method: str = "checkerboard",
    acceptance: str = "metropolis",
    start: str = "ordered",
    observables=(),
    rng=None,
    progress: bool = False,
) -> Measurement:
    """Equilibrium averages of an Ising model at temperature T, with error bars.

    Runs :func:`simulate` at constant ``beta = 1/T``, drops the first ``discard``
    fraction of the sweeps, checks that what is kept is in equilibrium, and returns
    every observable with its mean, integrated autocorrelation time and standard
    error, and the specific heat, susceptibility and Binder cumulant with jackknife
    errors.

    Parameters
    ----------
    system : int, (int, int), (M, N) ndarray or IsingModel
        An L x L or m x n lattice (started per ``start``), a starting configuration, or
        a model with its own lattice (``EdgeIsing``, ``MetricIsing``).
    T : float
        Temperature (> 0) in units of J / k_B.
    model : IsingModel, optional
        Default ``StandardIsing()``.
    sweeps : int, optional
        Total sweeps (measurements are taken after every sweep).
    discard : float, optional
        Fraction of the sweeps dropped as equilibration, in [0, 1).
    method : {'checkerboard', 'metropolis', 'wolff', 'multispin'}, optional
    acceptance : {'metropolis', 'heat-bath'}, optional
        As in :func:`simulate`.
    start : {'ordered', 'random'}, optional
        Starting configuration when ``system`` is a size: all +1, or independent ±1.
    observables : sequence of str or callable, optional
        Extra per-sweep observables, as in :func:`simulate` (each costs a copy of the
        configuration per sweep).
    rng : {numpy.random.Generator, int}, optional
        Seed (recorded as ``Measurement.seed``; passing it back reproduces the run).
    progress : bool, optional
        Rich progress bar on stderr.

    Returns
    -------
    Measurement
        ``estimates`` (``m['energy'].value``, ``.stderr``, ``.tau``), ``equilibrated``,
        ``checks``, ``series``; ``.exact()``, ``.table()``, ``.plot()``.

    Warns
    -----
    RuntimeWarning
        When an equilibration check fails, or the kept series is shorter than
        ``MIN_BLOCKS * BLOCK_TAUS`` = 400 autocorrelation times (errors of derived
        quantities then less reliable).

    Notes
    -----
    *Errors.* For a primary observable with per-sweep series ``x`` (n kept sweeps),
    ``stderr = sqrt(2 tau var(x) / n)`` with ``tau`` from
    :func:`autocorrelation_time` (Sokal's windowing, c = 6). Derived quantities use a
    delete-one-block jackknife [1]_: the kept series is cut into ``n_blocks`` (20 to
    100) blocks of at least ``BLOCK_TAUS`` = 20 times the largest tau of the
    primaries they use (e, e², m², |m|, m⁴) when the run is long enough.

    *Equilibration* (checked, not assumed): (a) the kept series of every primary
    observable is split into halves whose means must agree within ``Z_HALVES`` = 4
    combined standard errors (each half with its own tau; a false alarm has
    probability 6e-5 per series), and (b) the discarded part must span at least 20
    autocorrelation times (the largest of e, e², |m|, m², m⁴). ``equilibrated`` is
    False (with a warning) otherwise: run longer or raise ``discard``. The signed
    magnetisation is reported but not checked: near and below Tc local dynamics
    reverse the sign of m only rarely (its tau can exceed the run), so use |m|, m²
    and m⁴; its ``reliable`` flag says whether its own tau was resolved.

    Wolff sweeps flip a configuration-independent number of clusters (see
    :func:`simulate`), so its tau is in the same unit (sweeps) as the others.

    Examples
    --------
    >>> from infopix import ising
    >>> m = ising.measure(8, T=2.0, sweeps=4000, rng=1)
    >>> exact = ising.onsager.energy_per_spin(2.0, L=8)
    >>> bool(abs(m["energy"].value - exact) < 4 * m["energy"].stderr)
    True
    >>> m.equilibrated
    True
    """
    if not isinstance(T, numbers.Real) or isinstance(T, bool) or not (math.isfinite(T) and T > 0):
        raise ValueError(f"`T` expects a finite temperature > 0, got {T!r}.")
    sweeps = check_positive_int(sweeps, name="sweeps")
    if not isinstance(discard, numbers.Real) or isinstance(discard, bool) or not 0 <= discard < 1:
        raise ValueError(f"`discard` expects a fraction in [0, 1), got {discard!r}.")
    check_choice(method, METHODS, name="method")
    check_choice(start, ("ordered", "random"), name="start")
    seed = resolve_seed(rng)
    ss = np.random.SeedSequence(seed)
    start_rng, run_seed = (np.random.default_rng(s) for s in ss.spawn(2))
    model, spins = _lattice(system, model, start, start_rng)
    discarded = int(round(discard * sweeps))
    kept = sweeps - discarded
    if kept < 2 * MIN_BLOCKS:
        raise ValueError(
            f"`sweeps` x (1 - `discard`) must leave at least {2 * MIN_BLOCKS} measured sweeps, "
            f"got sweeps={sweeps}, discard={discard}."
        )
    run = simulate(model, spins, schedule=1.0 / T, sweeps=sweeps, method=method,
                   acceptance=acceptance, rng=run_seed, record_every=1, observables=observables,
                   keep_frames=False, progress=progress)
    N = run.final.size
    skip = {"time", "beta", "acceptance", "cluster_size"}
    # record 0 is the start; record k follows sweep k
    raw = {k: np.asarray(v[1 + discarded:], dtype=np.float64)
           for k, v in run.observables.items() if k not in skip}
    m = raw["magnetisation"]
    e = raw["energy"]
    prim = {"energy": e, "energy2": e * e, "magnetisation": m, "abs_magnetisation": np.abs(m),
            "magnetisation2": m * m, "magnetisation4": m**4}
    for k, v in raw.items():
        if k not in prim:
            prim[k] = v
    estimates = {}
    taus = {}
    halves = {}
    for name, x in prim.items():
        ac = autocorrelation_time(x)
        taus[name] = ac.tau
        var = float(np.var(x))
        estimates[name] = Estimate(float(np.mean(x)), math.sqrt(2.0 * ac.tau * var / x.size),
                                   ac.tau, ac.tau_err, "autocorrelation (Sokal window)",
                                   ac.reliable)
        h = x.size // 2
        a, b = x[:h], x[h:2 * h]
        sa = math.sqrt(2.0 * autocorrelation_time(a).tau * np.var(a) / h)
        sb = math.sqrt(2.0 * autocorrelation_time(b).tau * np.var(b) / h)
        diff = float(np.mean(a) - np.mean(b))
        halves[name] = 0.0 if diff == 0.0 else diff / max(math.hypot(sa, sb), 1e-300)
    used = ("energy", "energy2", "abs_magnetisation", "magnetisation2", "magnetisation4")
    tau_max = max(taus[k] for k in used)
    n_blocks = int(min(MAX_BLOCKS, max(MIN_BLOCKS, kept // math.ceil(BLOCK_TAUS * tau_max))))
    block = kept // n_blocks
    cols = np.stack([prim[k][kept - n_blocks * block:] for k in used], axis=1)
    blocks = cols.reshape(n_blocks, block, len(used)).mean(axis=1)
    derived = {
        "specific_heat": lambda r: N * (r[1] - r[0] ** 2) / T**2,
        "susceptibility": lambda r: N * (r[3] - r[2] ** 2) / T,
        "binder": lambda r: 1.0 - r[4] / (3.0 * r[3] ** 2) if r[3] > 0 else float("nan"),
    }
    for name, fn in derived.items():
        val, err = _jackknife(blocks, fn)
        estimates[name] = Estimate(val, err, method=f"jackknife over {n_blocks} blocks of {block} sweeps",
                                   reliable=kept >= MIN_BLOCKS * BLOCK_TAUS * tau_max)
    checks = {"halves_z": halves, "discarded_taus": discarded / tau_max,
              "kept_taus": kept / tau_max}
    bad = [k for k, z in halves.items() if abs(z) > Z_HALVES and k != "magnetisation"]
    equilibrated = not bad and discarded >= 20.0 * tau_max
    if not equilibrated:
        why = (f"the two halves of the kept series differ by more than {Z_HALVES:g} standard "
               f"errors for {', '.join(bad)}" if bad else
               f"only {discarded} sweeps were discarded, {discarded / tau_max:.1f} autocorrelation "
               f"times (tau = {tau_max:.3g} sweeps; at least 20 are needed)")
        warnings.warn(f"measure: not shown to be in equilibrium: {why}; run more sweeps or raise "
                      "`discard`.", RuntimeWarning, stacklevel=2)
    elif kept < MIN_BLOCKS * BLOCK_TAUS * tau_max:
        warnings.warn(
            f"measure: the kept series spans {kept / tau_max:.0f} autocorrelation times (tau = "
            f"{tau_max:.3g} sweeps); at least {MIN_BLOCKS * BLOCK_TAUS:.0f} make the jackknife "
            "errors reliable. Run more sweeps.", RuntimeWarning, stacklevel=2)
    return Measurement(
        estimates=estimates, series=raw, T=float(T), shape=tuple(run.final.shape), model=model,
        method=method, acceptance=acceptance, sweeps=sweeps, discarded=discarded,
        block_size=block, n_blocks=n_blocks, equilibrated=equilibrated, checks=checks,
        seed=seed, final=run.final,
    )
