"""Report figures: the complexity-entropy plane, the lacunarity curve and the
structural complexity by scale."""

from __future__ import annotations

from .._figures import figure_png, new_figure
from . import Rendered


def _blank(ax, text):
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)


def render(ctx, computed) -> Rendered:
    d = computed.data
    fig, axes = new_figure(14.0, 3.8, ncols=3)
    plane, lac, sc = d.get("plane"), d.get("lacunarity"), d.get("structural")
    if plane is not None:
        plane.plot(ax=axes[0])
    else:
        _blank(axes[0], "ordinal patterns not defined for this image")
    if lac is not None:
        lac.plot(ax=axes[1])
    else:
        _blank(axes[1], "lacunarity not defined for this image")
    if sc is not None:
        sc.plot(ax=axes[2])
    else:
        _blank(axes[2], "structural complexity not defined for this image")
    return Rendered(
        {"patterns": figure_png(fig)},
        {
            "patterns": "Left: the image in the complexity-entropy plane of its ordinal patterns, "
            "between the exact minimum and maximum complexity curves. Middle: gliding-box "
            "lacunarity against box side with its log-log fit. Right: structural complexity "
            "lost at each 2x2 coarse-graining step."
        },
        "Ordinal patterns replace each small window by the order of its pixels: their "
        "entropy (estimated with every pattern possible, not only those seen) and their "
        "distance from uniform place the image between order and noise. Lacunarity measures "
        "how gappy the image is at each scale, and the structural complexity where, in "
        "scale, its structure lives.",
    )
