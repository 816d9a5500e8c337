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
    fig, ax = new_figure(6.0, 3.2)
    run.plot(ax=ax)
    ax.axhline(e_exact, color="0.5", ls=":", lw=1, label="Onsager energy")
    ax.legend(fontsize=8)
    return Rendered(
        {"frames": frames_png, "observables": figure_png(fig)},
        {
            "frames": "Spin configuration at the start, middle and end of the run (white +1, black -1).",
            "observables": "Energy per spin and magnetisation during the run; dotted: Onsager's equilibrium energy.",
        },
        "The thresholded image as the start of a ferromagnetic Ising model: below the "
        "critical temperature, like regions grow and small details dissolve.",
    )
