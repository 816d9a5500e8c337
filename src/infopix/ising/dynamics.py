"""Monte Carlo dynamics for the Ising models: :func:`simulate` and its result."""

from __future__ import annotations

import contextlib
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .._validation import check_choice, check_positive_int
from ..provenance import resolve_seed
from .models import IsingModel, StandardIsing
from .schedules import Schedule, as_schedule

__all__ = ["simulate", "IsingRun", "METHODS"]

METHODS = ("checkerboard", "metropolis", "wolff", "multispin")


#: random-site Metropolis steps handed to the kernel per call (bounds the beta array)
_STEP_CHUNK = 1 << 20

_BUILTIN_OBSERVABLES = ("energy", "magnetisation", "acceptance")


@dataclass(frozen=True)
class IsingRun:
    """Result of :func:`simulate`.

    Attributes
    ----------
    final : (M, N) ndarray
        Final configuration (int8 ±1; float64 in [-1, 1] for ``GreyIsing``).
    frames : (F, M, N) ndarray
        Configurations at the recorded times (the first is the initial one); empty
        (shape (0, M, N)) with ``keep_frames=False``.
    observables : dict of str -> (F,) ndarray
        ``'time'`` (in ``unit``s), ``'beta'`` (at the last update before the record),
        ``'energy'`` (total energy / number of sites), ``'magnetisation'`` (mean spin),
        ``'acceptance'`` (accepted / attempted flips since the previous record; NaN at
        time 0; 1 for Wolff, which is rejection-free, with ``'cluster_size'``, the mean
        Wolff cluster size in sites), and one column per extra observable.
    model : IsingModel
    method : str
    unit : {'sweep', 'step'}
    seed : int
        The seed that determines every random number of the run: ``rng`` itself when
        an integer was given, else 63 bits drawn from ``rng`` (or fresh entropy when
        ``rng`` is None). ``simulate(..., rng=run.seed)`` reproduces the run bit for bit.
    """

    final: np.ndarray
    frames: np.ndarray
    observables: dict
    model: IsingModel
    method: str
    unit: str
    seed: int

    def table(self):
        """The observables as a pandas DataFrame (one row per record)."""
        import pandas as pd

        return pd.DataFrame(self.observables)

    def plot(self, ax=None):
        """Energy per site and magnetisation against time; returns the axis."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
        t = self.observables["time"]
        ax.plot(t, self.observables["energy"], label="energy / site")
        ax.plot(t, self.observables["magnetisation"], label="magnetisation")
        ax.set_xlabel(f"time ({self.unit}s)")
        ax.set_title(f"{type(self.model).__name__}, {self.method}")
        ax.legend(loc="best")
        return ax

    def save_movie(self, path, *, fps: float = 10.0, force: bool = False, progress: bool = False) -> None:
        """Write the frames as a GIF or MP4 movie (imageio; MP4 needs imageio-ffmpeg).

        Spins s in [-1, 1] become grey levels ``round(255 (s + 1) / 2)`` (the notebook's
        ``frame``). The file is written atomically and not overwritten unless ``force``.
        GIF writers merge identical consecutive frames (summing their durations); MP4
        frames with an odd side get the last row/column repeated (H.264 needs even
        sides).
        """
        import imageio.v2 as imageio

        from ..io import atomic_path

        if not isinstance(fps, numbers.Real) or isinstance(fps, bool) or not fps > 0:
            raise ValueError(f"`fps` expects a number > 0, got {fps!r}.")
        if self.frames.shape[0] == 0:
            raise ValueError("this run kept no frames; simulate with keep_frames=True to make a movie.")
        suffix = str(path).lower().rsplit(".", 1)[-1]
        check_choice(suffix, ("gif", "mp4"), name="path suffix")
        with atomic_path(path, force=force) as tmp:
            if suffix == "gif":
                writer = imageio.get_writer(tmp, mode="I", duration=1000.0 / fps, loop=0)
            else:
                writer = imageio.get_writer(tmp, mode="I", fps=fps, macro_block_size=1)
            # H.264 (yuv420p) needs even sides: repeat the last row/column if odd
            pad = ((0, 0), (0, 0)) if suffix == "gif" else (
                (0, self.frames.shape[1] % 2), (0, self.frames.shape[2] % 2))
            with writer, _progress(progress, "writing movie", self.frames.shape[0]) as advance:
                for frame in self.frames:
                    writer.append_data(np.pad(_to_uint8(frame), pad, mode="edge"))
                    advance(1)


def _kernel_seed(seed: int) -> int:
    """The 63-bit key of the kernels' counter-based streams, derived from the recorded
    seed only (``default_rng(seed)``'s first draw; the draw integer seeds have always
    used, so runs seeded with an integer are unchanged)."""
    return int(np.random.default_rng(seed).integers(0, 2**63, dtype=np.int64))


def _to_uint8(spins):
    return np.rint(255.0 * (np.asarray(spins, dtype=np.float64) + 1.0) / 2.0).astype(np.uint8)


@contextlib.contextmanager
def _progress(enabled: bool, description: str, total: int):
    """Yield an ``advance(k)`` function driving a Rich progress bar on stderr.

    Only on a terminal: the bar is transient, and on a pipe or file Rich would leave an
    empty line behind it."""
    from rich.console import Console

    console = Console(stderr=True)
    if not enabled or not console.is_terminal:
        yield lambda k: None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(), console=console, transient=True,
    ) as bar:
        task = bar.add_task(description, total=total)
        yield lambda k: bar.advance(task, k)


def _strides(shape, kind: int, reach: int):
    """Sublattice strides (sr, sc) of the checkerboard update.

    Standard and edge models on lattices with even sides: the two checkerboard
    sublattices (2, 2). Otherwise rows are split into ``sr`` classes ``i % sr`` (``sr``
    the smallest divisor of the number of rows larger than the interaction reach, so
    rows of one class never interact, also across the periodic boundary); the rows of a
    class are updated in parallel, each row site by site (sc = 1).
    """
    M, N = shape
    if kind in (0, 1) and M % 2 == 0 and N % 2 == 0:
        return 2, 2
    sr = next((d for d in range(reach + 1, 17) if M % d == 0), None)
    if sr is None:
        raise ValueError(
            f"method='checkerboard' needs the number of rows divisible by an integer in "
            f"[{reach + 1}, 16] (rows updated together must not interact across the periodic "
            f"boundary), got shape {tuple(shape)}; crop the image or use method='metropolis'."
        )
    return sr, 1


#: multispin lattices with fewer words run on one thread (same result)
_MS_PARALLEL_MIN_WORDS = 1024


def _check_multispin(model, shape):
    """``method='multispin'``: StandardIsing, rows divisible by 128, even columns."""
    if not isinstance(model, StandardIsing):
        raise ValueError(
            "method='multispin' is the multispin-coded checkerboard of StandardIsing only, "
            f"got {model!r}; use method='checkerboard'."
        )
    M, N = shape
    if M % 128 != 0 or N % 2 != 0:
        raise ValueError(
            "method='multispin' needs a number of rows divisible by 128 (64 strips of an "
            "even number of rows, one bit of a 64-bit word each) and an even number of "
            f"columns, got shape {tuple(shape)}; crop or pad the lattice, or use "
            "method='checkerboard'."
        )


def _wolff_clusters_per_sweep(K, nsites):
    """Clusters per Wolff sweep: ``round(N / s_hat)``, ``s_hat`` a configuration-
    independent estimate of the mean cluster size at coupling ``K = beta J``:
    ``N M(T)^2`` below Tc (Onsager), ``(T / |T - Tc|)^(7/4)`` capped at ``N^(7/8)``
    (critical scaling) near and above Tc, at least 1."""
    from . import onsager

    T = 1.0 / np.maximum(K, 1e-12)
    tc = onsager.critical_temperature()
    m = np.asarray(onsager.spontaneous_magnetization(T))
    with np.errstate(divide="ignore"):
        crit = np.minimum(nsites ** 0.875, (T / np.abs(T - tc)) ** 1.75)
    s_hat = np.maximum(1.0, np.maximum(nsites * m**2, crit))
    return np.maximum(1, np.rint(nsites / s_hat)).astype(np.int64)


def _resolve_observables(observables) -> list[tuple[str, Callable]]:
    if observables is None:
        return []
    if isinstance(observables, (str, bytes)) or callable(observables):
        observables = [observables]
    out = []
    names = set(_BUILTIN_OBSERVABLES) | {"time", "beta", "cluster_size"}
    for obs in observables:
        if callable(obs):
            name = getattr(obs, "__name__", type(obs).__name__)
            fn = obs
        elif isinstance(obs, str):
            name = obs
            if obs in _BUILTIN_OBSERVABLES:
                continue
            if obs == "abs_magnetisation":
                fn = lambda s: float(np.abs(np.mean(s)))  # noqa: E731
            else:
                import infopix

                try:
                    fn = getattr(infopix, obs)
                except (AttributeError, ImportError):
                    fn = None
                if not callable(fn) or obs.startswith("_"):
                    raise ValueError(
                        f"`observables` names an unknown measure {obs!r}; use 'energy', "
                        "'magnetisation', 'acceptance', 'abs_magnetisation', a public infopix "
                        "function of an image (e.g. 'intensity_entropy') or a callable."
                    )
        else:
            raise TypeError(
                f"`observables` expects names (str) or callables of the configuration, got {obs!r}."
            )
        base, k = name, 2
        while name in names:
            name = f"{base}_{k}"
            k += 1
        names.add(name)
        out.append((name, fn))
    return out


def _scalar(value, name):
    v = getattr(value, "value", value)
    try:
        return float(v)
    except (TypeError, ValueError):
        raise TypeError(
            f"observable {name!r} must return a number (or an object with .value), got {type(value).__name__}."
        ) from None


def simulate(
    model: IsingModel,
    spins,
    *,
    schedule: Schedule | float | Callable,
    sweeps: int | None = None,
    steps: int | None = None,
    method: str = "checkerboard",
    acceptance: str = "metropolis",
    rng=None,
    record_every: int | None = None,
    observables: Sequence = (),
    keep_frames: bool = True,
    progress: bool = True,
) -> IsingRun:
    """Run Monte Carlo dynamics of an Ising model from a starting configuration.

    Parameters
    ----------
    model : StandardIsing, GreyIsing, EdgeIsing or MetricIsing
    spins : (M, N) ndarray
        Starting configuration: ±1 (any numeric dtype) or, for ``GreyIsing``, floats in
        [-1, 1]; see :func:`spins_from_image`. Not modified.
    schedule : Schedule, float or callable (i, n) -> beta
        Inverse temperature per update unit (see :mod:`infopix.ising.schedules`); a
        number is a constant beta.
    sweeps, steps : int
        Length of the run; give exactly one. A sweep is M*N attempted flips
        (checkerboard: every site once; metropolis: M*N random sites; wolff: a fixed
        number of clusters, ``round(M*N / s_hat)`` with ``s_hat`` an estimate of the
        mean cluster size that depends on beta only, never on the configuration, so
        that measurements after a sweep are unbiased). A step is one random-site attempt
        (metropolis) or one cluster (wolff); checkerboard and multispin take sweeps only.
    method : {'checkerboard', 'metropolis', 'wolff', 'multispin'}, optional
        ``'metropolis'``: the notebook's random-site update, beta from the schedule at
        every step. ``'checkerboard'``: sublattice sweeps (two sublattices for
        nearest-neighbour models, 3x3 or wider for ``MetricIsing``), rows in parallel,
        beta per sweep; single-site acceptance (with Metropolis, a move with dE = 0 is
        accepted with probability 1/2, so free spins such as edge sites are not
        flipped back and forth deterministically); the result does not depend on the
        number of threads. ``'wolff'``: single-cluster updates, ``StandardIsing``
        with ``h = 0`` only. ``'multispin'``: the checkerboard dynamics (the same
        acceptance probabilities, to the same 32-bit precision, with other random
        numbers) multispin-coded, 64 spins per machine word, for ``StandardIsing``
        (any J, h; both acceptances) on lattices with a number of rows divisible by
        128 and an even number of columns; several times faster, 1/8 of the memory.
    acceptance : {'metropolis', 'heat-bath'}, optional
        Single-site acceptance probability: ``min(1, exp(-beta dE))`` (Metropolis) or
        ``1 / (1 + exp(beta dE))`` (heat bath, Glauber). Both satisfy detailed balance.
        Sequential sweeps with Metropolis at very high temperature (beta dE ~ 0) flip
        nearly every spin at every sweep, an almost periodic dynamics that mixes
        slowly; use the heat bath there (e.g. schedules that reach beta ~ 0). Ignored
        by Wolff (rejection-free).
    rng : {numpy.random.Generator, int}, optional
        An integer seed (>= 0), or a Generator from which a 63-bit seed is drawn; None
        draws fresh entropy. The seed is recorded as ``IsingRun.seed`` and every
        random number is derived from it, so passing it back reproduces the run.
    record_every : int, optional
        Record observables (and frames) every this many units (sweeps, or steps when
        ``steps`` is given); always at the start and the end. Default: start and end only.
    observables : sequence of str or callable, optional
        Extra measures of the configuration recorded with energy, magnetisation and
        acceptance: ``'abs_magnetisation'``, the name of a public infopix function of an
        image (e.g. ``'intensity_entropy'``, ``'entropy_density'``), or a callable.
    keep_frames : bool, optional
        Keep the recorded configurations (memory: F x M x N).
    progress : bool, optional
        Show a Rich progress bar on stderr.

    Returns
    -------
    IsingRun
        Final configuration, frames, observables; ``.table()``, ``.plot()``,
        ``.save_movie()``.

    Raises
    ------
    ValueError
        Wolff with a model other than ``StandardIsing(h=0)``; checkerboard on a lattice
        without a valid sublattice split; multispin with another model or shape; bad
        lengths.

    Notes
    -----
    Kernels: ``infopix._kernels.ising.pm_sweeps`` (standard and edge models on even
    sides: the two sublattices are loaded once by ``pm_load``, kept between calls and
    stored back only when a frame, an extra observable or the result needs them; energy
    and magnetisation are counted by the kernel as spins flip, so records cost no
    pass over the lattice), ``checkerboard_sweeps`` and ``checkerboard_sweeps_metric``
    (the others; one energy pass per record), ``metropolis_steps`` and
    ``wolff_updates``; ``infopix._kernels.ising_multispin.sweeps`` for
    ``method='multispin'`` (layout and acceptance masks in that module's docstring;
    energies tracked the same way). Acceptance is ``min(1, exp(-beta dH))`` with the
    exact energy change of the model's total energy; energies are in units of J,
    k_B = 1.

    Examples
    --------
    >>> import numpy as np
    >>> from infopix.ising import StandardIsing, simulate
    >>> run = simulate(StandardIsing(), np.ones((16, 16), np.int8), schedule=1.0,
    ...                sweeps=50, rng=0, progress=False)
    >>> run.final.dtype, run.frames.shape
    (dtype('int8'), (2, 16, 16))
    >>> bool(run.observables["magnetisation"][-1] > 0.9)  # T = 1 << Tc stays ordered
    True
    >>> fast = simulate(StandardIsing(), np.ones((128, 64), np.int8), schedule=1.0,
    ...                 sweeps=50, method="multispin", rng=0, progress=False)
    >>> bool(fast.observables["magnetisation"][-1] > 0.9)
    True
    """
    import numba

    from .._kernels import ising as K

    if not isinstance(model, IsingModel):
        raise TypeError(
            "`model` expects StandardIsing(), GreyIsing(), EdgeIsing(edges) or "
            f"MetricIsing(initial), got {model!r}."
        )
    check_choice(method, METHODS, name="method")
    check_choice(acceptance, ("metropolis", "heat-bath"), name="acceptance")
    heatbath = acceptance == "heat-bath"
    sigma, mag = model._split(spins)
    # the run works in place on its own copy (the sublattice path reads the input once)
    sigma_is_input = np.shares_memory(sigma, spins)
    M, N = sigma.shape
    nsites = M * N
    # small lattices: the checkerboard kernels on one thread (same result)
    single = nsites < K.PARALLEL_MIN_SITES
    sched = as_schedule(schedule)
    if (sweeps is None) == (steps is None):
        raise ValueError(f"give exactly one of `sweeps` and `steps`, got sweeps={sweeps!r}, steps={steps!r}.")
    if sweeps is not None:
        n_units = check_positive_int(sweeps, name="sweeps")
        unit = "sweep"
    else:
        n_units = check_positive_int(steps, name="steps")
        unit = "step"
        if method in ("checkerboard", "multispin"):
            raise ValueError(f"method={method!r} runs whole sweeps: give `sweeps`, not `steps`.")
    if record_every is None:
        record_every = n_units
    record_every = check_positive_int(record_every, name="record_every")
    if method == "wolff":
        if not isinstance(model, StandardIsing) or model.h != 0.0:
            raise ValueError(
                "method='wolff' is the single-cluster algorithm for StandardIsing with h = 0 "
                f"only, got {model!r}; use method='checkerboard' or 'metropolis'."
            )
        if model.J <= 0:
            raise ValueError(f"method='wolff' needs a ferromagnetic coupling J > 0, got J={model.J}.")
    if method == "checkerboard":
        sr, sc = _strides(sigma.shape, model.kind, model.interaction_range)
    if method == "multispin":
        _check_multispin(model, sigma.shape)
        single = nsites < 64 * _MS_PARALLEL_MIN_WORDS
    extra = _resolve_observables(observables)

    seed = resolve_seed(rng)
    seed64 = np.uint64(_kernel_seed(seed))
    rngstate = np.array([K._mix(seed64 ^ np.uint64(0x5DEECE66D))], dtype=np.uint64)
    kind, c, h, bw_r, bw_d, mag_, init, blocks, symmetric = model._aux(sigma, mag)
    pm = method == "multispin" or (method == "checkerboard" and kind in (0, 1) and sr == sc == 2)
    if sigma_is_input and not pm:
        sigma = sigma.copy()
    # metropolis with sweeps: beta per step, M*N steps per unit
    per = nsites if (method == "metropolis" and unit == "sweep") else 1
    n_sched = n_units * per
    stack = np.empty(nsites, dtype=np.int64) if method == "wolff" else None
    flat = sigma.reshape(-1)

    # pm: standard and edge models on even sides, the sublattice kernel, whose sublattice
    # arrays persist across calls and which counts the bond and spin sums as it flips
    need_conf = keep_frames or bool(extra)
    n_rec = 1 + -(-n_units // record_every)
    cols: dict[str, list] = {k: [] for k in ("time", "beta", "energy", "magnetisation", "acceptance")}
    if method == "wolff":
        cols["cluster_size"] = []
    for name, _ in extra:
        cols[name] = []
    # frames written in place (no list of copies stacked at the end)
    frame_arr = np.empty((n_rec if keep_frames else 0, M, N),
                         dtype=np.float64 if model.continuous else np.int8)
    # small lattices: one thread from the load pass to the final store (a parallel region
    # wakes a second thread for microseconds of work, milliseconds on a busy machine)
    threads_before = numba.get_num_threads()
    if single and method in ("checkerboard", "multispin"):
        numba.set_num_threads(1)
    try:
        if method == "multispin":
            from .._kernels import ising_multispin as KM

            # 64 strips of M/64 rows, one bit each (sigma is C-contiguous int8: views)
            sub = np.empty((2, M // 64, N // 2), dtype=np.uint64)
            KM.pack(sigma.reshape(64, M // 64, N), sub)
            bonds, spin_sum = KM.sums(sub, False)

            def pm_sweeps(betas, s0, track):
                KM.sweeps(sub, c, h, heatbath, betas, s0, seed64, False, track)

            def pm_store():
                KM.unpack(sub, sigma.reshape(64, M // 64, N))
        elif pm:
            bonded = kind == 1
            sub = np.empty((2, M, N // 2), dtype=np.int8)
            wts = K.pm_weights(bw_r, bw_d) if bonded else np.zeros((2, 4, 1, 1), dtype=np.int8)
            bonds, spin_sum = K.pm_load(sigma, sub, bw_r, bw_d, bonded)

            def pm_sweeps(betas, s0, track):
                K.pm_sweeps(sub, wts, bonded, c, h, heatbath, betas, s0, seed64, track)

            def pm_store():
                K.pm_store(sub, sigma)
    except BaseException:
        numba.set_num_threads(threads_before)
        raise
    # pm: the configuration lives in `sub`; `sigma` holds it only when `synced`
    synced = True

    def energy_sum():
        if pm:  # exact integer sums: E = -c W - h S
            return -c * bonds - h * spin_sum, float(spin_sum)
        return model._energy_sum(sigma, mag)

    def record(t, beta, acc, cluster):
        cols["time"].append(t)
        cols["beta"].append(beta)
        e, total = energy_sum()
        cols["energy"].append(e / nsites)
        cols["magnetisation"].append(total / nsites)
        cols["acceptance"].append(acc)
        if method == "wolff":
            cols["cluster_size"].append(cluster)
        if need_conf:
            if not synced:
                pm_store()
            conf = model._join(sigma, mag) if extra else None
            for name, fn in extra:
                cols[name].append(_scalar(fn(conf), name))
            if keep_frames:
                k = len(cols["time"]) - 1
                if mag is None:
                    frame_arr[k] = sigma
                else:
                    np.multiply(sigma, mag, out=frame_arr[k])

    # evaluate the schedule once when it fits in memory (8 MiB), else chunk by chunk
    all_betas = sched.values(n_sched) if n_sched <= _STEP_CHUNK else None
    first_beta = float(all_betas[0]) if all_betas is not None else float(sched(0, n_sched))

    def betas_of(s0, s1):
        if all_betas is not None:
            return all_betas[s0:s1]
        return np.ascontiguousarray(sched(np.arange(s0, s1), n_sched), dtype=np.float64)

    record(0, first_beta, np.nan, np.nan)
    if pm:
        synced = False
        if sigma_is_input:  # never write into the caller's array
            sigma = np.empty_like(sigma)
    try:
        with _progress(progress, f"{type(model).__name__} {method}", n_units) as advance:
            if pm and not need_conf:
                # records need only the counted sums: run long chunks, records from the track
                # ~4 million site updates per call (progress bar updates), a multiple of
                # record_every where possible
                target = max(1, (1 << 22) // nsites)
                chunk = min(_STEP_CHUNK, max(record_every, target - target % record_every))
                acc_total = 0
                last_t, last_acc = 0, 0
                for s0 in range(0, n_units, chunk):
                    s1 = min(n_units, s0 + chunk)
                    betas = betas_of(s0, s1)
                    track = np.empty((s1 - s0, 3), dtype=np.int64)
                    pm_sweeps(betas, s0, track)
                    cum = np.cumsum(track, axis=0)
                    ts = np.arange(s0 - s0 % record_every + record_every, s1 + 1, record_every)
                    if s1 == n_units and (ts.size == 0 or ts[-1] != n_units):
                        ts = np.append(ts, n_units)
                    if ts.size:
                        rows = cum[ts - s0 - 1]
                        bonds_t = bonds + rows[:, 1]   # exact integers
                        sum_t = spin_sum + rows[:, 2]
                        acc_t = acc_total + rows[:, 0]
                        prev_t = np.concatenate(([last_t], ts[:-1]))
                        prev_acc = np.concatenate(([last_acc], acc_t[:-1]))
                        cols["time"].extend(ts.tolist())
                        cols["beta"].extend(betas[ts - s0 - 1].tolist())
                        cols["energy"].extend(((-c * bonds_t - h * sum_t) / nsites).tolist())
                        cols["magnetisation"].extend((sum_t / nsites).tolist())
                        cols["acceptance"].extend(((acc_t - prev_acc) / ((ts - prev_t) * nsites)).tolist())
                        last_t, last_acc = int(ts[-1]), int(acc_t[-1])
                    bonds += int(cum[-1, 1])
                    spin_sum += int(cum[-1, 2])
                    acc_total += int(cum[-1, 0])
                    advance(s1 - s0)
            u = n_units if (pm and not need_conf) else 0
            while u < n_units:
                u1 = min(n_units, u + record_every)
                accepted = attempted = 0
                clusters = 0
                beta = first_beta
                for s0 in range(u * per, u1 * per, _STEP_CHUNK):
                    s1 = min(u1 * per, s0 + _STEP_CHUNK)
                    betas = betas_of(s0, s1)
                    beta = float(betas[-1])
                    if pm:
                        track = np.empty((betas.size, 3), dtype=np.int64)
                        pm_sweeps(betas, s0, track)
                        tot = track.sum(axis=0)
                        accepted += int(tot[0])
                        bonds += int(tot[1])
                        spin_sum += int(tot[2])
                        attempted += betas.size * nsites
                    elif method == "checkerboard" and kind == 3:
                        acc = K.checkerboard_sweeps_metric(
                            sigma, init, blocks, symmetric, heatbath, betas, s0, seed64, sr,
                        )
                        accepted += int(acc.sum())
                        attempted += betas.size * nsites
                    elif method == "checkerboard":
                        acc = K.checkerboard_sweeps(
                            sigma, kind, c, h, bw_r, bw_d, mag_, init, blocks, symmetric,
                            heatbath, betas, s0, seed64, sr, sc,
                        )
                        accepted += int(acc.sum())
                        attempted += betas.size * nsites
                    elif method == "metropolis":
                        accepted += int(K.metropolis_steps(
                            sigma, kind, c, h, bw_r, bw_d, mag_, init, blocks, symmetric,
                            heatbath, betas, rngstate,
                        ))
                        attempted += betas.size
                    else:
                        ncl = (_wolff_clusters_per_sweep(betas * model.J, nsites) if unit == "sweep"
                               else np.ones(betas.size, dtype=np.int64))
                        fl, cl = K.wolff_updates(flat, M, N, model.J, betas, ncl, rngstate, stack)
                        accepted += int(fl.sum())
                        attempted += int(fl.sum())
                        clusters += int(cl.sum())
                    advance((s1 - s0) / per if per > 1 else s1 - s0)
                record(u1, beta, accepted / attempted if attempted else np.nan,
                       accepted / clusters if clusters else np.nan)
                u = u1
        if pm and not need_conf:  # (with frames or extra observables the last record stored it)
            pm_store()
    finally:
        numba.set_num_threads(threads_before)

    obs = {k: np.asarray(v, dtype=np.int64 if k == "time" else np.float64) for k, v in cols.items()}
    # int8 models: sigma is this run's own copy, returned as is
    final = sigma if mag is None else model._join(sigma, mag)
    return IsingRun(
        final=final, frames=frame_arr, observables=obs, model=model,
        method=method, unit=unit, seed=seed,
    )
