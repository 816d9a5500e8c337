"""Report figures: the Ising run's frames and observables."""

from __future__ import annotations

from .._figures import figure_png, new_figure
from . import Rendered


def render(ctx, computed) -> Rendered:
    run = computed.data["run"]
    obs = run.observables
    e_exact = computed.data["onsager_energy"]
    frames = run.frames
    pick = [0, len(frames) // 2, len(frames) - 1]
    fig, axes = new_figure(9.0, 3.2, ncols=3)
    for ax, k in zip(axes, pick):
        ax.imshow(frames[k], cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
        ax.set_title(f"sweep {obs['time'][k]:g}", fontsize=9)
        ax.set_axis_off()
    frames_png = figure_png(fig)
    fig, (ax_e, ax_m) = new_figure(6.0, 4.2, nrows=2, sharex=True)
    t = obs["time"]
    ax_e.plot(t, obs["energy"], "-", color="C0", label="energy per site")
    ax_e.axhline(e_exact, color="0.4", ls=":", lw=1.2, label="Onsager's equilibrium energy")
    ax_e.set_ylabel("energy (J per site)")
    ax_e.legend()
    ax_m.plot(t, obs["magnetisation"], "-", color="C1", label="magnetisation")
    ax_m.set_ylabel("magnetisation (per site)")
    ax_m.set_xlabel(f"time ({run.unit}s)")
    return Rendered(
        {"frames": frames_png, "observables": figure_png(fig)},
        {
            "frames": "Spin configuration at the start, middle and end of the run (white +1, black -1).",
            "observables": "Energy per spin (top) and magnetisation (bottom) during the run; dotted: "
            "Onsager's exact equilibrium energy (infinite lattice) at this temperature.",
        },
        "The thresholded image as the start of a ferromagnetic Ising model: read the frames "
        "left to right (below the critical temperature like regions grow and small details "
        "dissolve) and the energy approaching Onsager's exact value.",
    )
