"""Report figures: the image itself and its intensity histogram."""

from __future__ import annotations

import numpy as np

from .._figures import figure_png, new_figure
from . import Rendered


def render(ctx, computed) -> Rendered:
    image = ctx.image
    c = computed.data["counts"]
    fig, ax = new_figure(5.0, 5.0 * image.shape[0] / max(image.shape[1], 1) + 0.3)
    ax.imshow(image, cmap="gray", interpolation="nearest")
    ax.set_axis_off()
    img_png = figure_png(fig)

    p = c.counts / c.total
    fig, ax = new_figure(6.0, 3.0)
    x = (
        np.arange(c.n_outcomes) + c.offset
        if c.edges is None
        else 0.5 * (c.edges[1:] + c.edges[:-1])
    )
    ax.fill_between(x, p, step="mid", alpha=0.7, color="#2a5d8f", linewidth=0)
    ax.set_xlabel("grey level (intensity, as stored)")
    ax.set_ylabel("fraction of pixels (per level)")
    ax.set_xlim(x[0], x[-1])
    hist_png = figure_png(fig)
    return Rendered(
        {"image": img_png, "histogram": hist_png},
        {
            "image": "The analysed image (grey levels as stored, after any colour reduction).",
            "histogram": "Intensity histogram: the fraction of pixels at each grey level.",
        },
        "What was analysed: the picture as the measures saw it, its size and how often each "
        "grey level occurs (a narrow histogram means few levels carry the image).",
    )
