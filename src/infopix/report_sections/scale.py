"""Report section: intensity entropy against Gaussian smoothing scale."""

from __future__ import annotations

import numpy as np

from ..report import Section, figure_png, new_figure, quantity, register_section


def _std_or_none(a):
    a = np.asarray(a, dtype=float)
    return None if np.all(np.isnan(a)) else a.tolist()


@register_section(
    "scale",
    requires=("scale",),
    defaults={
        "sigmas": [0, 0.5, 1, 2, 4, 8, 16, 32],
        "estimator": "plugin",
        "bins": None,
        "mode": "reflect",
        "requantized": False,
    },
    quick={"sigmas": [0, 1, 4, 16]},
)
def scale_section(image: np.ndarray, params: dict) -> Section:
    """Entropy against smoothing scale"""
    from ..scale import entropy_vs_scale

    sig = [float(s) for s in params["sigmas"]]
    kw = dict(bins=params["bins"], estimator=params["estimator"], mode=params["mode"])
    curve = entropy_vs_scale(image, sig, **kw)
    res = {
        "sigma": quantity(
            sig, "pixels", "Standard deviations of the Gaussian blurs (0: the image itself).", x=sig
        ),
        "entropy": quantity(
            curve.entropies.tolist(),
            "bits",
            "Intensity entropy of the blurred image, histogram bins fixed from the original so "
            "that smoothing shows as lost information; one value per sigma.",
            estimator=curve.estimator,
            std=_std_or_none(curve.entropy_std),
            x=sig,
            x_name="sigma",
            x_unit="pixels",
            bins=curve.bins,
            mode=curve.mode,
        ),
        "std": quantity(
            curve.stds.tolist(),
            "intensity",
            "Standard deviation of the blurred pixel values (contrast left after smoothing), one value per sigma.",
            x=sig,
            x_name="sigma",
            x_unit="pixels",
        ),
    }
    requant = None
    if params["requantized"] and image.dtype.kind in "biu":
        requant = entropy_vs_scale(image, sig, quantize=True, **kw)
        res["entropy_requantized"] = quantity(
            requant.entropies.tolist(),
            "bits",
            "The same, with blurred values rounded back to the image's integer type first "
            "(what the notebook's PIL blur measured); one value per sigma.",
            estimator=requant.estimator,
            std=_std_or_none(requant.entropy_std),
            x=sig,
            x_name="sigma",
            x_unit="pixels",
        )

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
    return Section(
        "scale",
        "Entropy against smoothing scale",
        res,
        {"curve": curve_png, "strip": strip_png},
        params=params,
        intro="How the information in the grey levels falls as the image is blurred by "
        "Gaussians of growing width sigma: fine detail goes first.",
        captions={
            "curve": "Intensity entropy against Gaussian sigma (pixels).",
            "strip": "The image blurred at some of the scales (same grey range in every panel).",
        },
    )
