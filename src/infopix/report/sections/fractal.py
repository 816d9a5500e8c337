"""Report figures: box-counting, grey-level and multifractal fits."""

from __future__ import annotations

from .._figures import figure_png, new_figure, relabel_fit_legend
from . import Rendered


def render(ctx, computed) -> Rendered:
    d = computed.data
    box, dbc, gd, mf, thr = d["box"], d["dbc"], d["dq"], d["spectrum"], d["threshold"]
    figures, captions = {}, {}
    if box is not None or dbc is not None:
        fig, axes = new_figure(8.0, 3.2, ncols=2)
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
                relabel_fit_legend(ax)
                ax.set_xlabel("ln(1 / box size)  (box size in pixels)")
                ax.set_ylabel("ln N  (N: boxes counted)")
        figures["fits"] = figure_png(fig)
        captions["fits"] = (
            "Regressions of log N against log(1/box size): box counting of the thresholded image (left) "
            "and differential box counting of the grey levels (right); hollow points are outside the fit range."
        )
    if gd is not None and mf is not None:
        fig, axes = new_figure(8.0, 3.2, ncols=2)
        gd.plot(ax=axes[0])
        mf.plot(ax=axes[1])
        axes[0].set_xlabel("order q (dimensionless)")
        axes[0].set_ylabel("generalised dimension D_q (dimensionless)")
        axes[1].set_xlabel("Hölder exponent α (dimensionless)")
        axes[1].set_ylabel("spectrum f(α) (dimensionless)")
        _offset_q_labels(axes[1])
        figures["multifractal"] = figure_png(fig)
        captions["multifractal"] = (
            "Generalised dimensions D_q (left) and the multifractal spectrum f(alpha) (right) "
            "of the image taken as a measure."
        )
    intro = (
        "How the image fills space across scales: each dimension is the slope of a log-log "
        "fit over box sizes (read it with its fit below: points on a straight line make the "
        "slope meaningful); ± combines the regression's residual error with the spread of "
        "the slope over fit ranges (and, for box counting, grid origins, size ladders and "
        "edge conventions); a curved log-log relation is flagged in the alerts."
    )
    return Rendered(figures, captions, intro)


def _offset_q_labels(ax) -> None:
    """Move the ``q=...`` labels of the spectrum off their points (a few points up and
    outwards), so neither hides the other."""
    import numpy as np

    texts = [t for t in ax.texts if t.get_text().startswith("q=") and hasattr(t, "xyann")]
    pts = np.concatenate([np.column_stack(ln.get_data()) for ln in ax.get_lines()
                          if len(ln.get_xdata()) > 2] or [np.zeros((0, 2))])
    if not texts or not len(pts):
        return
    span = np.ptp(pts, axis=0)
    span[span == 0] = 1.0
    centre = pts.mean(axis=0)
    for t in texts:  # away from the curve's centre: the label lies outside the curve
        d = (np.asarray(t.xy, dtype=float) - centre) / span
        d = d / (np.hypot(*d) or 1.0)
        t.set_anncoords("offset points")
        t.xyann = (12 * d[0], 12 * d[1])
        t.set_ha("left" if d[0] >= 0 else "right")
        t.set_va("bottom" if d[1] >= 0 else "top")
