"""Report figures: mutual information against distance, conditional entropies."""

from __future__ import annotations

import numpy as np

from .._figures import figure_png, new_figure
from . import Rendered


def render(ctx, computed) -> Rendered:
    d = computed.data
    prof, cond, ks, dens, cid = d["profile"], d["conditional"], d["neighbours"], d["density"], d["cid"]
    fig, axes = new_figure(10.0, 3.6, ncols=2)
    if prof is not None and np.any(prof.mi > 0) and np.any(prof.noise_floor > 0):
        prof.plot(ax=axes[0])
    else:
        axes[0].set_axis_off()
        why = "not defined for this image" if prof is None else "0 at every distance"
        axes[0].text(
            0.5,
            0.5,
            f"mutual information {why}",
            ha="center",
            va="center",
            transform=axes[0].transAxes,
        )
    if cond is not None:
        axes[1].plot(ks, cond, "o-", color="#2a5d8f")
        axes[1].set_xticks(ks)
    if dens is not None:
        axes[1].axhline(
            dens.value,
            color="C3",
            lw=1,
            ls="--",
            label=f"entropy density {dens.value:.3g} ± {dens.error:.2g}",
        )
    if cid is not None:
        axes[1].axhline(
            cid.density, color="C2", lw=1, ls=":", label=f"CID density {cid.density:.3g}"
        )
    if dens is not None or cid is not None:
        axes[1].legend(fontsize=8)
    axes[1].set_xlabel("causal neighbours k")
    axes[1].set_ylabel("H(pixel | k neighbours) (bits)")
    axes[1].set_ylim(bottom=0)
    axes[1].set_title("Conditional entropy")
    return Rendered(
        {"profile": figure_png(fig)},
        {
            "profile": "Left: mutual information between pixels against their distance, with the "
            "noise floor of unrelated pixels. Right: entropy of a pixel given its k causal neighbours, "
            "with the entropy density and its compression estimate."
        },
        "Intensity entropy is blind to where pixels are (shuffling them changes nothing). "
        "These measures count patterns: how much neighbouring pixels tell about each other, "
        "and how much is left to say about a pixel once its neighbours are known (the entropy "
        "density), also estimated by compression.",
    )
