"""Report figures: the image itself and its intensity histogram."""

from __future__ import annotations

import numpy as np

from .._figures import figure_png, new_figure
from . import Rendered


def volume_views(volume, spacing=None) -> list:
    """The (title, 2-D array, aspect, row label, column label) of a (Z, Y, X) volume's
    views: XY, XZ and YZ slices through the centre voxel and the maximum-intensity
    projection along Z; aspect is the ratio of the voxel sides (1 without spacing)."""
    z, y, x = (n // 2 for n in volume.shape)
    sz, sy, sx = (1.0, 1.0, 1.0) if spacing is None else spacing
    return [
        (f"XY slice (z = {z})", volume[z], sy / sx, "y", "x"),
        (f"XZ slice (y = {y})", volume[:, y, :], sz / sx, "z", "x"),
        (f"YZ slice (x = {x})", volume[:, :, x], sz / sy, "z", "y"),
        ("maximum-intensity projection along Z", volume.max(axis=0), sy / sx, "y", "x"),
    ]


def _volume_figure(ctx):
    vol = ctx.image
    lo, hi = float(np.min(vol)), float(np.max(vol))
    fig, axes = new_figure(8.0, 7.0, ncols=2, nrows=2)
    for ax, (title, view, aspect, rows, cols) in zip(axes, volume_views(vol, ctx.spacing)):
        ax.imshow(np.asarray(view, dtype=np.float64), cmap="gray", interpolation="nearest",
                  vmin=lo, vmax=hi if hi > lo else lo + 1, aspect=aspect)
        ax.set_title(title, fontsize=8.5)
        ax.set_ylabel(rows)
        ax.set_xlabel(cols)
        ax.set_xticks([])
        ax.set_yticks([])
    return figure_png(fig)


def render(ctx, computed) -> Rendered:
    image = ctx.image
    c = computed.data["counts"]
    if ctx.is_volume:
        return _render_volume(ctx, c)
    fig, ax = new_figure(5.0, 5.0 * image.shape[0] / max(image.shape[1], 1) + 0.3)
    ax.imshow(image, cmap="gray", interpolation="nearest")
    ax.set_axis_off()
    img_png = figure_png(fig)

    hist_png = _histogram(c, "pixels")
    return Rendered(
        {"image": img_png, "histogram": hist_png},
        {
            "image": "The analysed image (grey levels as stored, after any colour reduction).",
            "histogram": "Intensity histogram: the fraction of pixels at each grey level.",
        },
        "What was analysed: the picture as the measures saw it, its size and how often each "
        "grey level occurs (a narrow histogram means few levels carry the image).",
    )


def _render_volume(ctx, c) -> Rendered:
    Z, Y, X = ctx.image.shape
    sp = "" if ctx.spacing is None else (
        " Voxel aspect from the file's spacing (z, y, x) = "
        + ", ".join(f"{v:g}" for v in ctx.spacing) + ".")
    return Rendered(
        {"slices": _volume_figure(ctx), "histogram": _histogram(c, "voxels")},
        {
            "slices": "The volume as orthogonal slices through its centre voxel (XY, XZ, YZ) "
            "and its maximum-intensity projection along Z, on one grey range." + sp,
            "histogram": "Intensity histogram: the fraction of voxels at each grey level.",
        },
        f"What was analysed: a volume, {Z} x {Y} x {X} voxels (Z x Y x X), shown as slices and "
        "a projection, and how often each grey level occurs among its voxels.",
    )


def _histogram(c, what: str):
    p = c.counts / c.total
    fig, ax = new_figure(6.0, 3.0)
    x = (
        np.arange(c.n_outcomes) + c.offset
        if c.edges is None
        else 0.5 * (c.edges[1:] + c.edges[:-1])
    )
    ax.fill_between(x, p, step="mid", alpha=0.7, color="#2a5d8f", linewidth=0)
    ax.set_xlabel("grey level (intensity, as stored)")
    ax.set_ylabel(f"fraction of {what} (per level)")
    ax.set_xlim(x[0], x[-1])
    return figure_png(fig)
