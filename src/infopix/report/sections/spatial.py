"""Report figures: mutual information against distance, conditional entropies."""

from __future__ import annotations

import numpy as np

from ...formatting import format_value
from .._figures import figure_png, new_figure, pad_limits
from . import Rendered


def render(ctx, computed) -> Rendered:
    d = computed.data
    prof, cond, ks, dens, cid = d["profile"], d["conditional"], d["neighbours"], d["density"], d["cid"]
    fig, axes = new_figure(8.0, 3.2, ncols=2)
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
            label=f"entropy density {format_value(dens.value, dens.error)}",
        )
    if cid is not None:
        axes[1].axhline(
            cid.density, color="C2", lw=1, ls=":",
            label=f"CID density {format_value(cid.density)} (an upper bound)"
        )
    if dens is not None or cid is not None:
        axes[1].legend(fontsize=8)
    axes[1].set_xlabel("causal neighbours k (pixels)")
    axes[1].set_ylabel("H(pixel | k neighbours) (bits)")
    ys = [v for v in (cond or []) if v is not None and np.isfinite(v)]
    ys += [] if dens is None else [dens.value - dens.error, dens.value + dens.error]
    ys += [] if cid is None else [cid.density]
    if ys:
        axes[1].set_ylim(*pad_limits(min(ys), max(ys)))
    axes[1].set_title("Conditional entropy")
    return Rendered(
        {"profile": figure_png(fig)},
        {
            "profile": "Left: mutual information between pixels against their distance, with the "
            "noise floor of unrelated pixels. Right: entropy of a pixel given its k causal neighbours, "
            "with the entropy density and its compression estimate."
        },
        "How much neighbouring pixels tell about each other, which the intensity entropy "
        "ignores: read the mutual information's decay with distance (left) and how the "
        "entropy of a pixel falls once its neighbours are known (right), down to the entropy "
        "density, the new information each pixel brings.",
    )
