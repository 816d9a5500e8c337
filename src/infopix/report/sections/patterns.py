"""Report figures: the complexity-entropy plane, the lacunarity curve, the structural
complexity by scale, and the local permutation-entropy map."""

from __future__ import annotations

from .._figures import figure_png, new_figure, plain_log_ticks, round_legend
from . import Rendered


def _blank(ax, text):
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)


def _ordinal_map_figure(image, omap, r):
    from ...patterns import plot_ordinal_map

    fig, axes = new_figure(8.0, 3.6, ncols=2)
    axes[0].imshow(image, cmap="gray", interpolation="nearest")
    axes[0].set_title("image")
    plot_ordinal_map(omap, ax=axes[1], title=f"local permutation entropy (2x2, r = {r})",
                     label="H / log 24 (dimensionless)")
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    return figure_png(fig)


def render(ctx, computed) -> Rendered:
    d = computed.data
    fig, axes = new_figure(11.0, 3.4, ncols=3)
    plane, lac, sc = d.get("plane"), d.get("lacunarity"), d.get("structural")
    if plane is not None:
        plane.plot(ax=axes[0])
        axes[0].set_xlabel("normalised permutation entropy H (dimensionless)")
        axes[0].set_ylabel("statistical complexity C (dimensionless)")
    else:
        _blank(axes[0], "ordinal patterns not defined for this image")
    if lac is not None:
        lac.plot(ax=axes[1])
        axes[1].set_ylabel("lacunarity Λ(r) (dimensionless)")
        plain_log_ticks(axes[1])
        round_legend(axes[1])
    else:
        _blank(axes[1], "lacunarity not defined for this image")
    if sc is not None:
        sc.plot(ax=axes[2])
        axes[2].set_ylabel("partial complexity C_k (dimensionless)")
    else:
        _blank(axes[2], "structural complexity not defined for this image")
    figures = {"patterns": figure_png(fig)}
    captions = {
        "patterns": "Left: the image in the complexity-entropy plane of its ordinal patterns, "
        "between the exact minimum and maximum complexity curves. Middle: gliding-box "
        "lacunarity against box side with its log-log fit. Right: structural complexity "
        "lost at each 2x2 coarse-graining step."
    }
    omap = d.get("ordinal_map")
    if omap is not None:
        r = d["ordinal_map_radius"]
        figures["ordinal_map"] = _ordinal_map_figure(ctx.image, omap, r)
        w = 2 * r + 1
        captions["ordinal_map"] = (
            f"Local permutation entropy: at each pixel, the normalised plug-in entropy of the {w}x{w} "
            f"2x2 ordinal patterns around it (0: one ordering of the pixels, 1: all 24 equally "
            f"common; i.i.d. noise reads about 0.97 with {w * w} patterns, not 1), drawn on the image's pixels."
        )
    return Rendered(
        figures,
        captions,
        "Where the image sits between order and noise, and at which scales its structure "
        "lives: read the point's place in the complexity-entropy plane (left; ordinal "
        "patterns, the order of the pixels in each small window), how gappy the image is "
        "against box side (middle, lacunarity) and the complexity lost at each coarse-graining "
        "step (right); the map below shows where in the image the pixel orderings are regular "
        "(dark) or disordered (bright).",
    )
