"""The standard Ising model on a simple cubic lattice: :func:`simulate_cubic`."""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from .._validation import check_choice, check_positive_int
from .dynamics import _kernel_seed, resolve_seed

__all__ = ["simulate_cubic", "CubicRun", "CUBIC_METHODS"]

CUBIC_METHODS = ("checkerboard", "wolff")

#: lattices with fewer sites than this run the checkerboard kernel on one thread
#: (a parallel region costs more than the work; the result is the same)
_PARALLEL_MIN_SITES = 32 * 32 * 32


@dataclass(frozen=True)
class CubicRun:
    """Result of :func:`simulate_cubic`.

    Attributes
    ----------
    final : (Z, Y, X) ndarray of int8
        Final configuration (+1/-1).
    time : (F,) ndarray of int64
        Sweep count at each record (``record_every``, ``2 record_every``, ...).
    energy : (F,) ndarray
        Energy per spin at each record, ``E / N`` with
        ``E = -J sum_i sum_d s_i s_{i + e_d} - h sum_i s_i`` (three bond terms per site).
    magnetisation : (F,) ndarray
        Mean spin at each record (signed; use ``abs`` for the order parameter).
    acceptance : (F,) ndarray
        Checkerboard: accepted / attempted flips since the previous record. Wolff:
        spins flipped per site since the previous record.
    frames : (F, Z, Y, X) ndarray of int8
        The recorded configurations (shape (0, Z, Y, X) unless ``keep_frames``).
    T, J, h : float
        Temperature, coupling and field (units with k_B = 1).
    method : str
    clusters_per_sweep : int
        Wolff clusters per sweep (0 for the checkerboard).
    seed : int
        The seed that determines every random number (``rng`` itself when it is an
        integer); ``simulate_cubic(..., rng=run.seed)`` reproduces the run.
    """

    final: np.ndarray
    time: np.ndarray
    energy: np.ndarray
    magnetisation: np.ndarray
    acceptance: np.ndarray
    frames: np.ndarray
    T: float
    J: float
    h: float
    method: str
    clusters_per_sweep: int
    seed: int

    def plot(self, ax=None):
        """Energy per spin and |magnetisation| against sweeps; returns the axis."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
        ax.plot(self.time, self.energy, label="energy / spin")
        ax.plot(self.time, np.abs(self.magnetisation), label="|magnetisation|")
        ax.set_xlabel("sweeps")
        shape = "x".join(str(n) for n in self.final.shape)
        ax.set_title(f"3-D Ising {shape}, T = {self.T:g}, {self.method}")
        ax.legend(loc="best")
        return ax


def _check_real(value, name, *, positive=False):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        what = "a finite number > 0" if positive else "a finite number"
        raise TypeError(f"`{name}` expects {what}, got {value!r}.")
    if positive and not value > 0:
        raise ValueError(f"`{name}` expects a finite number > 0, got {value!r}.")
    return float(value)


def _check_spins(spins, seed):
    if isinstance(spins, numbers.Integral) and not isinstance(spins, bool):
        L = check_positive_int(spins, name="spins", minimum=2)
        # the random start's stream: the recorded seed's own, distinct from the kernels'
        gen = np.random.default_rng([seed, 1])
        return np.where(gen.random((L, L, L)) < 0.5, -1, 1).astype(np.int8)
    arr = np.asarray(spins)
    if arr.ndim != 3:
        raise ValueError(
            f"`spins` expects a side length L or a (Z, Y, X) array of +1/-1, got an array "
            f"of shape {arr.shape}."
        )
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"`spins` expects an integer or float array of +1/-1, got dtype {arr.dtype}.")
    if min(arr.shape) < 2:
        raise ValueError(f"`spins` expects every side >= 2, got shape {arr.shape}.")
    if not np.all((arr == 1) | (arr == -1)):
        bad = arr[(arr != 1) & (arr != -1)].ravel()[0]
        raise ValueError(f"`spins` expects values +1 or -1 only, got {bad!r}.")
    return np.ascontiguousarray(arr, dtype=np.int8).copy()


def simulate_cubic(spins, T, *, sweeps, method="checkerboard", J=1.0, h=0.0, record_every=1,
                   keep_frames=False, clusters_per_sweep=None, rng=None):
    """Monte Carlo of the standard Ising model on a periodic simple cubic lattice.

    Parameters
    ----------
    spins : int or (Z, Y, X) array_like of +1/-1
        Initial configuration, or a side length ``L`` for a random (infinite-temperature)
        ``L x L x L`` start derived from the seed (see ``rng``).
    T : float
        Temperature (> 0, k_B = 1). The critical temperature at J = 1, h = 0 is
        T_c = 4.5115 [1]_.
    sweeps : int
        Number of sweeps (>= 1), a multiple of ``record_every``.
    method : {'checkerboard', 'wolff'}, optional
        ``'checkerboard'``: Metropolis sweeps over the two sublattices ((z + y + x) even,
        then odd), z-planes in parallel (kernel
        :func:`infopix._kernels.ising3d.checkerboard_sweeps`); every side must be even.
        Moves with dE = 0 are accepted with probability 1/2. The result does not
        depend on the number of threads. ``'wolff'``: single-cluster updates [2]_
        (:func:`~infopix._kernels.ising3d.wolff_sweeps`), J > 0 and h = 0 only.
    J, h : float, optional
        Coupling and field.
    record_every : int, optional
        Record energy and magnetisation (and the configuration, with ``keep_frames``)
        after every ``record_every`` sweeps.
    keep_frames : bool, optional
        Keep the recorded configurations (``F * N`` bytes).
    clusters_per_sweep : int, optional
        Wolff only: clusters flipped per sweep. By default it is fixed before the run
        by a pilot on a copy of ``spins`` (with its own random stream): clusters are
        flipped until ``2 N`` spins have flipped (warm-up), then counted until another
        ``N`` have; the count is the number of clusters per sweep (at least 1). It
        is then constant through the run, as detailed balance requires.
    rng : {numpy.random.Generator, int}, optional
        Source of the seed (:func:`~infopix.ising.resolve_seed`: an integer >= 0 is the
        seed itself) from which the random start and every random number of the
        dynamics are derived; ``rng=run.seed`` reproduces a run bit for bit.

    Returns
    -------
    CubicRun
        Energy and magnetisation per spin at each record, final spins, the seed.

    Raises
    ------
    ValueError
        Odd sides with ``method='checkerboard'``; a field or J <= 0 with
        ``method='wolff'``; values other than +1/-1; ``sweeps`` not a multiple of
        ``record_every``.

    Notes
    -----
    Energy ``E = -J sum_i sum_{d = x, y, z} s_i s_{i + e_d} - h sum_i s_i`` with
    periodic boundaries. On an axis of length 2 the neighbours ``i - e_d`` and
    ``i + e_d`` coincide and that pair carries two bond terms (the six-neighbour sum
    counts it twice); both dynamics use this convention.

    References
    ----------
    .. [1] A. M. Ferrenberg, J. Xu and D. P. Landau, "Pushing the limits of Monte Carlo
       simulations for the three-dimensional Ising model", Phys. Rev. E 97, 043301
       (2018), doi:10.1103/PhysRevE.97.043301 (K_c = 0.221654626).
    .. [2] U. Wolff, "Collective Monte Carlo updating for spin systems", Phys. Rev.
       Lett. 62, 361 (1989), doi:10.1103/PhysRevLett.62.361.

    Examples
    --------
    >>> import numpy as np
    >>> from infopix import ising
    >>> run = ising.simulate_cubic(np.ones((8, 8, 8), np.int8), 2.0, sweeps=50, rng=1)
    >>> run.final.shape, run.energy.shape
    ((8, 8, 8), (50,))
    >>> bool(np.abs(run.magnetisation[-1]) > 0.95)  # ordered far below T_c = 4.51
    True
    """
    import numba

    from .._kernels import ising3d as K

    seed = resolve_seed(rng)
    method = check_choice(method, CUBIC_METHODS, name="method")
    T = _check_real(T, "T", positive=True)
    J = _check_real(J, "J")
    h = _check_real(h, "h")
    sweeps = check_positive_int(sweeps, name="sweeps")
    record_every = check_positive_int(record_every, name="record_every")
    if sweeps % record_every:
        raise ValueError(
            f"`sweeps` expects a multiple of `record_every` ({record_every}), got {sweeps}."
        )
    if not isinstance(keep_frames, (bool, np.bool_)):
        raise TypeError(f"`keep_frames` expects True or False, got {keep_frames!r}.")
    sigma = _check_spins(spins, seed)
    shape = sigma.shape
    if method == "checkerboard" and any(n % 2 for n in shape):
        raise ValueError(
            f"method='checkerboard' needs even sides (two sublattices on the periodic "
            f"lattice), got `spins` of shape {shape}; use method='wolff' or crop."
        )
    if method == "wolff":
        if h != 0.0:
            raise ValueError(f"method='wolff' needs `h` = 0, got h={h}; use method='checkerboard'.")
        if J <= 0:
            raise ValueError(f"method='wolff' needs a ferromagnetic `J` > 0, got J={J}.")
        if clusters_per_sweep is not None:
            clusters_per_sweep = check_positive_int(clusters_per_sweep, name="clusters_per_sweep")
    elif clusters_per_sweep is not None:
        raise ValueError("`clusters_per_sweep` applies to method='wolff' only, got method='checkerboard'.")

    seed64 = np.uint64(_kernel_seed(seed))
    beta = 1.0 / T
    nsites = sigma.size
    F = sweeps // record_every
    bonds = np.zeros(F, dtype=np.int64)
    sums = np.zeros(F, dtype=np.int64)
    counts = np.zeros(F, dtype=np.int64)
    frames = np.empty((F if keep_frames else 0, *shape), dtype=np.int8)
    threads_before = numba.get_num_threads()
    try:
        if method == "checkerboard":
            t = K.cubic_thresholds(J, h, beta)
            sym = bool(np.all(t[7:] == t[6::-1]))
            if nsites < _PARALLEL_MIN_SITES:
                numba.set_num_threads(1)
            K.checkerboard_sweeps(sigma, t, sym, sweeps, record_every, 0, seed64, bonds, sums,
                                  counts, frames)
            acceptance = counts / (record_every * nsites)
            ncl = 0
        else:
            stack = np.empty(nsites, dtype=np.int64)
            if clusters_per_sweep is None:
                pilot = np.array([K._mix(seed64 ^ np.uint64(0x2545F4914F6CDD1D))], dtype=np.uint64)
                clusters_per_sweep = _pilot_clusters(K, sigma.copy(), J, beta, pilot, stack)
            ncl = int(clusters_per_sweep)
            state = np.array([K._mix(seed64 ^ np.uint64(0x5DEECE66D))], dtype=np.uint64)
            K.wolff_sweeps(sigma, J, beta, sweeps, ncl, record_every, state, stack, bonds, sums,
                           counts, frames)
            acceptance = counts / (record_every * nsites)
    finally:
        numba.set_num_threads(threads_before)
    return CubicRun(
        final=sigma,
        time=np.arange(1, F + 1, dtype=np.int64) * record_every,
        energy=(-J * bonds - h * sums) / nsites,
        magnetisation=sums / nsites,
        acceptance=acceptance,
        frames=frames,
        T=T, J=J, h=h, method=method, clusters_per_sweep=ncl, seed=seed,
    )


def _pilot_clusters(K, spins, J, beta, state, stack):
    """Clusters per Wolff sweep from a pilot on ``spins`` (a copy): flip until 2 N spins
    have flipped, then count the clusters that flip the next N."""
    n = spins.size
    flipped = 0
    counted = 0
    clusters = 0
    batch = 16
    while counted < n:
        sizes = K.wolff_sizes(spins, J, beta, batch, state, stack)
        for s in sizes:
            if flipped < 2 * n:
                flipped += int(s)
            elif counted < n:
                counted += int(s)
                clusters += 1
        batch = min(4 * batch, 4096)
    return max(1, clusters)
