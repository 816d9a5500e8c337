"""Report section: box-counting, grey-level and multifractal dimensions."""

from __future__ import annotations

import warnings

import numpy as np

from ..report import Section, figure_png, new_figure, quantity, register_section


def _fit_q(fit, what: str, explain: str) -> dict:
    parts = {f"std_{k.replace(' ', '_')}": float(v) for k, v in fit.stderr_components.items()}
    return quantity(
        float(fit.dimension),
        "1",
        explain,
        std=float(fit.stderr),
        **parts,  # the parts of std (std_regression, std_fit_range, ...)
        curved=bool(fit.curved),
        r2=float(fit.r2),
        fit_range=[float(fit.fit_range[0]), float(fit.fit_range[1])],
        method=fit.method,
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
    # D_q and f(alpha) take the image as a measure, which must be >= 0: images with
    # negative values (int8, shifted floats) are measured from their minimum.
    lo = float(np.min(image))
    measure = image if lo >= 0 else image.astype(np.float64) - lo
    notes, undefined = [], {}

    def attempt(key, func, *args, **kwargs):
        """The fit, or None with the library's reason when the image does not admit it
        (too small, no foreground): the number is then reported as undefined, not hidden."""
        try:
            return func(*args, **kwargs)
        except ValueError as exc:
            undefined[key] = " ".join(str(exc).split())
            return None

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        box = attempt("box", box_counting_dimension, image, threshold=thr)
        dbc = attempt("dbc", dbc_dimension, image)
        gd = attempt("dq", generalized_dimensions, measure, qs)
        mf = attempt("spectrum", multifractal_spectrum, measure, qs)
    for w in caught:
        msg = " ".join(str(w.message).split())
        if msg not in notes:
            notes.append(msg)

    def na(key, unit, explain):
        return quantity(None, unit, f"{explain} Not defined for this image: {undefined[key]}")

    box_explain = "Box-counting dimension of the foreground set: 2 for a filled region, 1 for a curve, in between for ragged sets."
    dbc_explain = "Grey-level (differential box counting) dimension of the image as a surface: 2 for a smooth image, towards 3 for a rough one."
    res = {
        "threshold": quantity(
            thr,
            "intensity",
            "Pixels brighter than this are the foreground set whose box-counting dimension is measured (default: the mean grey level).",
        ),
        "foreground_fraction": quantity(
            float(np.mean(image > thr)), "1", "Fraction of pixels in the foreground set."
        ),
        "box_counting_dimension": _fit_q(box, "log N vs log 1/size", box_explain)
        if box
        else na("box", "1", box_explain),
        "dbc_dimension": _fit_q(dbc, "differential box counting", dbc_explain)
        if dbc
        else na("dbc", "1", dbc_explain),
    }
    shifted = (
        "" if lo >= 0 else f" (measured from the image minimum {lo:g}, as a measure must be >= 0)"
    )
    if gd is None:
        res["generalized_dimensions"] = na(
            "dq", "1", "Generalised (Rényi) dimensions D_q of the brightness measure."
        )
    else:
        for q, D, s, r2, bent in zip(gd.qs, gd.dimensions, gd.stderr, gd.r2, gd.curved):
            if float(q) in (0.0, 1.0, 2.0):
                name = {0.0: "D0_capacity", 1.0: "D1_information", 2.0: "D2_correlation"}[float(q)]
                what = {0.0: "support (capacity)", 1.0: "information", 2.0: "correlation"}[float(q)]
                res[name] = quantity(
                    float(D),
                    "1",
                    f"Generalised dimension D_q at q = {q:g}, the {what} dimension of the image taken as a measure of brightness{shifted}.",
                    std=float(s),
                    curved=bool(bent),
                    r2=float(r2),
                    q=float(q),
                    estimator="least-squares slope (Rényi entropy vs log 1/size)",
                )
        res["generalized_dimensions"] = quantity(
            gd.dimensions.tolist(),
            "1",
            f"Generalised (Rényi) dimensions D_q of the brightness measure{shifted}, one per order q; flat means a monofractal.",
            std=gd.stderr.tolist(),
            x=gd.qs.tolist(),
            x_name="q",
            x_unit="q",
            fit_range=[float(gd.fit_range[0]), float(gd.fit_range[1])],
        )
    if mf is None:
        res["spectrum_width"] = na("spectrum", "1", "Width of the multifractal spectrum f(alpha).")
    else:
        res["alpha"] = quantity(
            mf.alpha.tolist(),
            "1",
            "Hölder exponents alpha(q) of the multifractal spectrum (Chhabra–Jensen), one per q.",
            std=mf.alpha_stderr.tolist(),
            x=mf.qs.tolist(),
            x_name="q",
            x_unit="q",
        )
        res["f_alpha"] = quantity(
            mf.f.tolist(),
            "1",
            "Spectrum f(alpha(q)): the dimension of the set of points with exponent alpha, one per q.",
            std=mf.f_stderr.tolist(),
            x=mf.qs.tolist(),
            x_name="q",
            x_unit="q",
        )
        res["spectrum_width"] = quantity(
            float(np.max(mf.alpha) - np.min(mf.alpha)),
            "1",
            "Width of the multifractal spectrum, max alpha - min alpha over the q computed: 0 for a monofractal, larger for more heterogeneous brightness.",
        )

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
    return Section(
        "fractal",
        "Fractal and multifractal dimensions",
        res,
        figures,
        params={**params, "threshold": thr},
        intro=intro,
        captions=captions,
    )
