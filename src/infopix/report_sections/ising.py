"""Report section (optional, ``--ising``): a short Ising-model run seeded by the image."""

from __future__ import annotations

import math

import numpy as np

from ..report import Section, figure_png, new_figure, quantity, register_section


@register_section(
    "ising",
    requires=("ising",),
    defaults={"beta": 0.6, "sweeps": 200, "seed": 0, "size": 128, "threshold": None},
    quick={"sweeps": 20, "size": 64},
    optional=True,
)
def ising_section(image: np.ndarray, params: dict) -> Section:
    """A short Ising demonstration"""
    from ..ising import StandardIsing, onsager, simulate, spins_from_image

    size = int(params["size"])
    if size < 2:
        raise ValueError(f"`ising.size` expects an integer >= 2, got {params['size']!r}.")
    stride = max(1, math.ceil(max(image.shape) / size))
    sub = image[::stride, ::stride]
    sub = sub[: sub.shape[0] - sub.shape[0] % 2, : sub.shape[1] - sub.shape[1] % 2]
    thr = params["threshold"]
    thr = float(np.mean(sub, dtype=np.float64)) if thr is None else float(thr)
    spins = spins_from_image(sub > thr)
    beta = float(params["beta"])
    sweeps = int(params["sweeps"])
    run = simulate(
        StandardIsing(),
        spins,
        schedule=beta,
        sweeps=sweeps,
        rng=int(params["seed"]),
        record_every=max(1, sweeps // 20),
        progress=False,
    )
    obs = run.observables
    T = 1.0 / beta
    tc = float(onsager.critical_temperature())
    e_exact = float(onsager.energy_per_spin(T))
    m_exact = float(onsager.spontaneous_magnetization(T))
    res = {
        "lattice": quantity(
            list(spins.shape),
            "sites",
            f"Spins: the image subsampled every {stride} pixel(s), +1 where brighter than {thr:.4g}, periodic boundaries.",
        ),
        "beta": quantity(beta, "1/J", "Inverse temperature of the run (k_B = 1, coupling J = 1)."),
        "temperature": quantity(
            T,
            "J",
            f"Temperature 1/beta; the critical temperature is {tc:.4f} (below it the lattice orders).",
        ),
        "sweeps": quantity(
            sweeps,
            "sweeps",
            "Checkerboard Metropolis sweeps (each site offered one flip per sweep).",
            seed=int(run.seed),
        ),
        "initial_energy": quantity(
            float(obs["energy"][0]),
            "J per site",
            "Energy per spin of the image's own configuration (-2: all aligned, 0: random).",
        ),
        "final_energy": quantity(
            float(obs["energy"][-1]), "J per site", "Energy per spin at the end of the run."
        ),
        "onsager_energy": quantity(
            e_exact,
            "J per site",
            "Onsager's exact equilibrium energy per spin at this temperature (infinite lattice), the value a long run approaches.",
        ),
        "final_abs_magnetisation": quantity(
            abs(float(obs["magnetisation"][-1])),
            "1",
            "Absolute mean spin at the end of the run (0: balanced, 1: uniform).",
        ),
        "onsager_magnetisation": quantity(
            m_exact,
            "1",
            "Onsager–Yang exact spontaneous magnetisation at this temperature (0 above the critical temperature).",
        ),
        "final_acceptance": quantity(
            float(obs["acceptance"][-1]),
            "1",
            "Fraction of proposed flips accepted over the last recorded stretch.",
        ),
    }
    frames = run.frames
    pick = [0, len(frames) // 2, len(frames) - 1]
    fig, axes = new_figure(9.0, 3.2, ncols=3)
    for ax, k in zip(axes, pick):
        ax.imshow(frames[k], cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
        ax.set_title(f"sweep {obs['time'][k]:g}", fontsize=9)
        ax.set_axis_off()
    frames_png = figure_png(fig)
    fig, ax = new_figure(6.0, 3.2)
    run.plot(ax=ax)
    ax.axhline(e_exact, color="0.5", ls=":", lw=1, label="Onsager energy")
    ax.legend(fontsize=8)
    return Section(
        "ising",
        "Ising dynamics seeded by the image",
        res,
        {"frames": frames_png, "observables": figure_png(fig)},
        params={**params, "threshold": thr},
        intro="The thresholded image as the start of a ferromagnetic Ising model: below the "
        "critical temperature, like regions grow and small details dissolve.",
        captions={
            "frames": "Spin configuration at the start, middle and end of the run (white +1, black -1).",
            "observables": "Energy per spin and magnetisation during the run; dotted: Onsager's equilibrium energy.",
        },
    )
