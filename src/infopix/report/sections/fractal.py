"""Report figures: box-counting, grey-level and multifractal fits."""

from __future__ import annotations

from .._figures import figure_png, new_figure
from . import Rendered


def render(ctx, computed) -> Rendered:
    d = computed.data
    box, dbc, gd, mf, thr = d["box"], d["dbc"], d["dq"], d["spectrum"], d["threshold"]
    notes = computed.notes
    figures, captions = {}, {}
    if box is not None or dbc is not None:
        fig, axes = new_figure(10.0, 3.6, ncols=2)
        for ax, fit, title in (
            (axes[0], box, f"box counting, image > {thr:.4g}"),
            (axes[1], dbc, "differential box counting (grey surface)"),
        ):
            if fit is None:
                ax.set_axis_off()
                ax.text(
                    0.5,
                    0.5,
                    "not defined for this image",
                    ha="center",
                    va="center",
                    transform=ax.transAxes,
                )
            else:
                fit.plot(ax=ax)
                ax.set_title(title)
        figures["fits"] = figure_png(fig)
        captions["fits"] = (
            "Regressions of log N against log(1/box size): box counting of the thresholded image (left) "
            "and differential box counting of the grey levels (right); hollow points are outside the fit range."
        )
    if gd is not None and mf is not None:
        fig, axes = new_figure(10.0, 3.6, ncols=2)
        gd.plot(ax=axes[0])
        mf.plot(ax=axes[1])
        figures["multifractal"] = figure_png(fig)
        captions["multifractal"] = (
            "Generalised dimensions D_q (left) and the multifractal spectrum f(alpha) (right) "
            "of the image taken as a measure."
        )
    intro = (
        "How the image fills space across scales: dimensions are slopes of log-log "
        "regressions over box sizes, shown with their fits; ± combines the regression's "
        "residual error with the spread of the slope over fit ranges (and, for box "
        "counting, grid origins, size ladders and edge conventions); a curved log-log "
        "relation is flagged below."
    )
    if notes:
        intro += " Note: " + " ".join(notes)
    return Rendered(figures, captions, intro)
