"""Report section: box-counting, grey-level and multifractal dimensions."""

from __future__ import annotations

import warnings

import numpy as np

from ..report import Section, figure_png, new_figure, quantity, register_section


def _fit_q(fit, what: str, explain: str) -> dict:
    return quantity(
        float(fit.dimension), "1", explain, std=float(fit.stderr), r2=float(fit.r2),
        fit_range=[float(fit.fit_range[0]), float(fit.fit_range[1])], method=fit.method,
        estimator=f"least-squares slope ({what})",
    )


@register_section(
    "fractal",
    requires=("fractal",),
    defaults={"threshold": None, "q": [-5, -4, -3, -2, -1, 0, 0.5, 1, 1.5, 2, 3, 4, 5]},
    quick={"q": [-2, 0, 1, 2]},
)
def fractal_section(image: np.ndarray, params: dict) -> Section:
    """Fractal and multifractal dimensions"""
    from ..fractal import (
        box_counting_dimension,
        dbc_dimension,
        generalized_dimensions,
        multifractal_spectrum,
    )

    thr = params["threshold"]
    thr = float(np.mean(image, dtype=np.float64)) if thr is None else float(thr)
    qs = [float(q) for q in params["q"]]
    notes = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        box = box_counting_dimension(image, threshold=thr)
        dbc = dbc_dimension(image)
        gd = generalized_dimensions(image, qs)
        mf = multifractal_spectrum(image, qs)
    for w in caught:
        msg = " ".join(str(w.message).split())
        if msg not in notes:
            notes.append(msg)
    res = {
        "threshold": quantity(thr, "intensity", "Pixels brighter than this are the foreground set whose box-counting dimension is measured (default: the mean grey level)."),
        "foreground_fraction": quantity(float(np.mean(image > thr)), "1", "Fraction of pixels in the foreground set."),
        "box_counting_dimension": _fit_q(box, "log N vs log 1/size", "Box-counting dimension of the foreground set: 2 for a filled region, 1 for a curve, in between for ragged sets."),
        "dbc_dimension": _fit_q(dbc, "differential box counting", "Grey-level (differential box counting) dimension of the image as a surface: 2 for a smooth image, towards 3 for a rough one."),
    }
    for q, D, s, r2 in zip(gd.qs, gd.dimensions, gd.stderr, gd.r2):
        if float(q) in (0.0, 1.0, 2.0):
            name = {0.0: "D0_capacity", 1.0: "D1_information", 2.0: "D2_correlation"}[float(q)]
            what = {0.0: "support (capacity)", 1.0: "information", 2.0: "correlation"}[float(q)]
            res[name] = quantity(
                float(D), "1", f"Generalised dimension D_q at q = {q:g}, the {what} dimension of the image taken as a measure of brightness.",
                std=float(s), r2=float(r2), q=float(q), estimator="least-squares slope (Rényi entropy vs log 1/size)",
            )
    res["generalized_dimensions"] = quantity(
        gd.dimensions.tolist(), "1",
        "Generalised (Rényi) dimensions D_q of the brightness measure, one per order q; flat means a monofractal.",
        std=gd.stderr.tolist(), x=gd.qs.tolist(), x_name="q", x_unit="q",
        fit_range=[float(gd.fit_range[0]), float(gd.fit_range[1])],
    )
    res["alpha"] = quantity(
        mf.alpha.tolist(), "1", "Hölder exponents alpha(q) of the multifractal spectrum (Chhabra–Jensen), one per q.",
        std=mf.alpha_stderr.tolist(), x=mf.qs.tolist(), x_name="q", x_unit="q",
    )
    res["f_alpha"] = quantity(
        mf.f.tolist(), "1", "Spectrum f(alpha(q)): the dimension of the set of points with exponent alpha, one per q.",
        std=mf.f_stderr.tolist(), x=mf.qs.tolist(), x_name="q", x_unit="q",
    )
    res["spectrum_width"] = quantity(
        float(np.max(mf.alpha) - np.min(mf.alpha)), "1",
        "Width of the multifractal spectrum, max alpha - min alpha over the q computed: 0 for a monofractal, larger for more heterogeneous brightness.",
    )

    fig, axes = new_figure(10.0, 3.6, ncols=2)
    box.plot(ax=axes[0])
    axes[0].set_title(f"box counting, image > {thr:.4g}")
    dbc.plot(ax=axes[1])
    axes[1].set_title("differential box counting (grey surface)")
    fits_png = figure_png(fig)
    fig, axes = new_figure(10.0, 3.6, ncols=2)
    gd.plot(ax=axes[0])
    mf.plot(ax=axes[1])
    multi_png = figure_png(fig)
    intro = ("How the image fills space across scales: dimensions are slopes of log-log "
             "regressions over box sizes, shown with their fits; ± is the slope's "
             "regression standard error.")
    if notes:
        intro += " Note: " + " ".join(notes)
    return Section(
        "fractal",
        "Fractal and multifractal dimensions",
        res,
        {"fits": fits_png, "multifractal": multi_png},
        params={**params, "threshold": thr},
        intro=intro,
        captions={
            "fits": "Regressions of log N against log(1/box size): box counting of the thresholded image (left) and differential box counting of the grey levels (right); hollow points are outside the fit range.",
            "multifractal": "Generalised dimensions D_q (left) and the multifractal spectrum f(alpha) (right) of the image taken as a measure.",
        },
    )
