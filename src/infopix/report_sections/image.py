"""Report section: the image itself and its intensity histogram."""

from __future__ import annotations

import numpy as np

from ..report import Section, figure_png, new_figure, quantity, register_section


@register_section("image", defaults={})
def image_section(image: np.ndarray, params: dict) -> Section:
    """The image and its histogram"""
    from ..entropy import intensity_counts

    c = intensity_counts(image)
    a = image.astype(np.float64)
    res = {
        "height": quantity(int(image.shape[0]), "pixels", "Number of rows."),
        "width": quantity(int(image.shape[1]), "pixels", "Number of columns."),
        "n_pixels": quantity(int(c.total), "pixels", "Pixels counted in every histogram below."),
        "n_outcomes": quantity(
            int(c.n_outcomes),
            "levels",
            "Possible grey levels K (one per value of the image's type, or the bins of a float image).",
        ),
        "occupied_levels": quantity(
            int(np.count_nonzero(c.counts)), "levels", "Grey levels that occur at least once."
        ),
        "min": quantity(float(a.min()), "intensity", "Darkest pixel value."),
        "max": quantity(float(a.max()), "intensity", "Brightest pixel value."),
        "mean": quantity(float(a.mean()), "intensity", "Average pixel value."),
        "std": quantity(
            float(a.std()), "intensity", "Standard deviation of pixel values (contrast)."
        ),
    }
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
    ax.set_xlabel("intensity")
    ax.set_ylabel("fraction of pixels")
    ax.set_xlim(x[0], x[-1])
    hist_png = figure_png(fig)
    return Section(
        "image",
        "The image and its histogram",
        res,
        {"image": img_png, "histogram": hist_png},
        params=params,
        intro="What was analysed: the picture, its size and how often each grey level occurs.",
        captions={
            "image": "The analysed image (grey levels as stored).",
            "histogram": "Intensity histogram: the fraction of pixels at each grey level.",
        },
    )
