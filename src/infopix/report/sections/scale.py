"""Report figures: intensity entropy against Gaussian smoothing scale."""

from __future__ import annotations

import numpy as np

from .._figures import figure_png, new_figure
from . import Rendered


def render(ctx, computed) -> Rendered:
    curve = computed.data["curve"]
    requant = computed.data["requantized"]
    sig = computed.data["sigmas"]
    fig, ax = new_figure(6.0, 3.4)
    curve.plot(ax=ax, label="float values, fixed bins")
    if requant is not None:
        requant.plot(ax=ax, label="re-quantised to the input type")
    if sig[0] == 0:
        ax.set_xscale(
            "symlog",
            linthresh=max(min(s for s in sig if s > 0), 1e-3) if any(s > 0 for s in sig) else 1,
        )
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    curve_png = figure_png(fig)

    shown = sig[:: max(1, len(sig) // 5)][:6]
    fig, axes = new_figure(1.7 * len(shown), 2.0, ncols=len(shown))
    curve.plot_strip(scales=shown, axes=np.atleast_1d(axes))
    strip_png = figure_png(fig)
    return Rendered(
        {"curve": curve_png, "strip": strip_png},
        {
            "curve": "Intensity entropy against Gaussian sigma (pixels).",
            "strip": "The image blurred at some of the scales (same grey range in every panel).",
        },
        "How the information in the grey levels falls as the image is blurred by "
        "Gaussians of growing width sigma: fine detail goes first.",
    )
