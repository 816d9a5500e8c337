"""Report figures: intensity entropy against Gaussian smoothing scale."""

from __future__ import annotations

import numpy as np

from .._figures import figure_png, new_figure, pad_limits
from . import Rendered


def _unit_of(curve) -> str:
    return {2.0: "bits", float(np.e): "nats"}.get(float(curve.base), f"log base {curve.base:g}")


def scale_curve_axes(ax, curves, labels=None) -> None:
    """Draw entropy against sigma for each :class:`~infopix.ScaleCurve` on ``ax``.

    sigma = 0 (the unblurred image) cannot sit on a logarithmic axis: it is drawn apart,
    as a dotted horizontal line labelled "unblurred (sigma = 0)", and the blurred scales
    on a log axis. The y axis spans the values (not from 0), so a change of a tenth of a
    bit shows. Standard errors, where the curve has them, are error bars.
    """
    labels = labels or [None] * len(curves)
    lo, hi = np.inf, -np.inf
    any_log = False
    for k, (curve, label) in enumerate(zip(curves, labels)):
        s = np.asarray(curve.scales, dtype=float)
        h = np.asarray(curve.entropies, dtype=float)
        err = getattr(curve, "entropy_std", None)
        err = None if err is None or np.all(np.isnan(err)) else np.asarray(err, dtype=float)
        pos = s > 0
        colour = f"C{k}"
        if pos.any():
            any_log = True
            ax.errorbar(
                s[pos], h[pos], yerr=None if err is None else err[pos], fmt="o-", ms=3.5,
                color=colour, label=label,
            )
        for h0 in h[~pos][:1]:
            ax.axhline(h0, color=colour, ls=":", lw=1.0,
                       label=f"unblurred (sigma = 0){'' if label is None else ', ' + label}")
        band = h if err is None else np.concatenate([h - err, h + err])
        band = band[np.isfinite(band)]
        if band.size:
            lo, hi = min(lo, band.min()), max(hi, band.max())
    unit = _unit_of(curves[0])
    px = getattr(curves[0], "unit", "px") == "px"
    # sigma's unit: the curve's own rule (px, voxels, or the spacing's unit)
    su = getattr(curves[0], "sigma_unit", "px")
    su = "pixels" if su == "px" else su
    if any_log:
        from matplotlib.ticker import FuncFormatter

        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.set_xlabel(f"Gaussian sigma ({su}, log scale)" if px else "Gaussian sigma (fraction of the longest side, log scale)")
    else:
        ax.set_xlabel(f"Gaussian sigma ({su})" if px else "Gaussian sigma (fraction of the longest side)")
    ax.set_ylabel(f"intensity entropy ({unit})")
    if np.isfinite(lo):
        ax.set_ylim(*pad_limits(float(lo), float(hi)))
    ax.grid(alpha=0.25, which="major")
    ax.legend(loc="best")


def render(ctx, computed) -> Rendered:
    curve = computed.data["curve"]
    requant = computed.data["requantized"]
    sig = computed.data["sigmas"]
    fig, ax = new_figure(5.5, 3.3)
    curves, labels = [curve], ["float values, fixed bins"]
    if requant is not None:
        curves.append(requant)
        labels.append("re-quantised to the input type")
    scale_curve_axes(ax, curves, labels if requant is not None else [None])
    curve_png = figure_png(fig)

    shown = sig[:: max(1, len(sig) // 5)][:6]
    fig, axes = new_figure(1.7 * len(shown), 2.0, ncols=len(shown))
    curve.plot_strip(scales=shown, axes=np.atleast_1d(axes))
    strip_png = figure_png(fig)
    return Rendered(
        {"curve": curve_png, "strip": strip_png},
        {
            "curve": "Intensity entropy against the Gaussian blur's sigma (log axis); the dotted "
            "line is the unblurred image (sigma = 0), which a log axis cannot hold.",
            "strip": "The image blurred at some of the scales (same grey range in every panel).",
        },
        "How much grey-level information survives blurring: read the curve from left to right; "
        "a steep drop at some sigma means the image holds detail of about that size.",
    )
