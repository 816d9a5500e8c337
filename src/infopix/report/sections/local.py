"""Report figure: local entropy and local standard deviation maps at several radii."""

from __future__ import annotations

import numpy as np

from .._figures import figure_png, new_figure
from . import Rendered


def render(ctx, computed) -> Rendered:
    from ...local import plot_map

    radii = computed.data["radii"]
    H, S = computed.data["entropy"], computed.data["std"]  # display-sized copies
    h_range = computed.data.get("entropy_range") or [(None, None)] * len(H)
    s_range = computed.data.get("std_range") or [(None, None)] * len(S)
    est = computed.params["estimator"]
    n = len(radii)
    fig, axes = new_figure(9.0, 3.6 * n, ncols=2, nrows=n)
    axes = np.atleast_1d(axes).reshape(n, 2)
    cut, where = (lambda a: a), ""
    if ctx.is_volume:  # a volume's maps: their XY slice through the centre
        z = ctx.image.shape[0] // 2
        cut, where = (lambda a: a[z]), f", XY slice z = {z}"
    for i, r in enumerate(radii):
        plot_map(cut(H[i]), ax=axes[i, 0], title=f"local entropy, r = {r} ({est}){where}",
                 label="local entropy (bits)")
        plot_map(
            cut(S[i]), ax=axes[i, 1], title=f"local std, r = {r}{where}", label="local std (grey levels)",
            cmap="viridis"
        )
        if not ctx.is_volume:  # colours span the full map, not only the pixels kept for display
            axes[i, 0].images[0].set_clim(*h_range[i])
            axes[i, 1].images[0].set_clim(*s_range[i])
    for ax in axes.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
    return Rendered(
        {"maps": figure_png(fig)},
        {
            "maps": f"Local entropy ({est} estimator) and local standard deviation, "
            f"one row per window radius ({', '.join(map(str, radii))} pixels)."
        },
        "Where the information is: each map gives, for every pixel, the entropy (left) or "
        "the spread (right) of the grey levels in a small window around it; bright means "
        "textured or detailed, dark means flat.",
    )
