"""``infopix fractal``: box-counting, grey-level and multifractal dimensions of an image."""

from __future__ import annotations

import warnings
from pathlib import Path

import typer

from ._common import (
    AXES_OPTION,
    MAX_PIXELS_OPTION,
    PER_FRAME_OPTION,
    each_frame,
    print_frames,
    FIGURE_SUFFIXES,
    channel_option,
    check_range,
    command,
    console,
    err_console,
    force_option,
    image_argument,
    json_option,
    load_image,
    one_line_errors,
    print_json,
    pyplot,
    refuse_existing,
    save_figure,
    write_json,
)

_METHODS = ("box", "dbc", "dq", "spectrum")
#: The most orders ``--nq`` accepts.
MAX_NQ = 10_000


def _fit_dict(fit) -> dict:
    return {
        "dimension": fit.dimension,
        "stderr": fit.stderr,
        "stderr_components": fit.stderr_components,
        "curved": fit.curved,
        "slope_drift": fit.slope_drift,
        "slope_drift_stderr": fit.slope_drift_stderr,
        "r2": fit.r2,
        "intercept": fit.intercept,
        "fit_range": list(fit.fit_range),
        "sizes": fit.sizes,
        "counts": fit.counts,
        "uncertainty": "stderr: standard error of the log-log slope, combining "
        + ", ".join(fit.stderr_components) + "; counts are exact",
    }


@command("fractal")
@one_line_errors
def fractal_command(
    image: Path = image_argument(),
    method: str = typer.Option("box", "--method", help="box (binary box counting), dbc (grey-level), dq (generalised dimensions) or spectrum (f(alpha))."),
    threshold: float = typer.Option(None, "--threshold", "-t", help="Box counting: foreground is image > T (needed unless the image is binary)."),
    fit_min: float = typer.Option(None, "--fit-min", help="Smallest box size in the fit (pixels)."),
    fit_max: float = typer.Option(None, "--fit-max", help="Largest box size in the fit (pixels)."),
    qmin: float = typer.Option(-5.0, "--qmin", help="dq/spectrum: smallest order q."),
    qmax: float = typer.Option(5.0, "--qmax", help="dq/spectrum: largest order q."),
    nq: int = typer.Option(41, "--nq", help="dq/spectrum: number of orders from qmin to qmax."),
    channel: str = channel_option(),
    out: Path = typer.Option(None, "--out", "-o", help="Write the result: .json for numbers, .png/.pdf/.svg for the regression plot."),
    force: bool = force_option("Overwrite OUT if it exists."),
    as_json: bool = json_option(),
    axes: str = AXES_OPTION,
    max_pixels: int = MAX_PIXELS_OPTION,
    per_frame: bool = PER_FRAME_OPTION,
):
    """Fractal dimension of IMAGE with the regression shown (slope, standard error, R², fit range).

    The ± includes the spread over grid origins, size ladders and fit ranges, not only
    the regression residuals; a curved log-log plot is flagged with a warning.

    A volume (axes zyx) is counted with cubic boxes (box, dq, spectrum; dbc is a 2-D
    method); a series (axes tyx) needs --per-frame (one fit per frame).

    Example: infopix fractal photo.png --threshold 159 -o fit.png
    """
    import numpy as np

    import infopix
    from infopix.fractal import DEFAULT_QS

    if method not in _METHODS:
        raise ValueError(f"`--method` expects one of {', '.join(_METHODS)}, got {method!r}.")
    if out is not None and out.suffix.lower() not in (".json",) + FIGURE_SUFFIXES:
        raise ValueError(f"`--out` expects a .json, .png, .pdf or .svg path, got {str(out)!r}.")
    if per_frame and out is not None and out.suffix.lower() != ".json":
        raise ValueError(f"`--out` with --per-frame expects a .json file (one fit per frame), got {str(out)!r}.")
    refuse_existing(out, force=force)
    img, label, info = load_image(image, channel, axes=axes, max_pixels=max_pixels, volumes=True,
                                  per_frame=per_frame, info=True)
    if info.get("axes") == "zyx" and method == "dbc":
        raise ValueError(
            "`--method` dbc is not defined for volumes: differential box counting measures a 2-D "
            "image as a surface in 3-D; for a volume use --method box (with --threshold), dq or spectrum."
        )
    fit_range = None
    if fit_min is not None or fit_max is not None:
        fit_range = (fit_min if fit_min is not None else 0, fit_max if fit_max is not None else np.inf)
    check_range(nq, "--nq", 2, MAX_NQ, why="each order is a full regression; memory grows with it")
    qs = DEFAULT_QS if (qmin, qmax, nq) == (-5.0, 5.0, 41) else np.linspace(qmin, qmax, nq)
    thr = threshold if (threshold is not None or image is not None) else 127.0

    def one(frame, lab):
        result = {"image": lab, "shape": list(frame.shape), "method": method}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", infopix.fractal.FractalWarning)
            res, line = _compute(method, frame, thr, fit_range, qs, result)
        for w in caught:
            where = f"{lab}: " if per_frame else ""
            err_console.print(f"infopix: warning: {where}{w.message}", highlight=False, soft_wrap=True, markup=False)
        return result, (res, line)

    if per_frame:
        from infopix.formatting import format_value

        rows, _ = each_frame(img, one, label=label)
        rows = [{k: v for k, v in r.items() if k not in ("shape", "method")} for r in rows]
        head = {"method": method}
        if out is not None:
            write_json(out, {"image": label, "shape": list(img.shape), "axes": "tyx",
                             "per_frame": True, **head, "frames": rows}, force=force)
        if method in ("box", "dbc"):
            cols = {"D": lambda r: format_value(r["dimension"], r["stderr"]),
                    "R²": lambda r: f"{r['r2']:.4f}"}
        elif method == "dq":
            def dq(q):
                def cell(r):
                    i = int(np.argmin(np.abs(np.asarray(r["qs"]) - q)))
                    return format_value(r["dimensions"][i], r["stderr"][i])
                return cell
            cols = {f"D_{q}": dq(q) for q in (0, 1, 2)}
        else:
            cols = {"alpha min": lambda r: format_value(min(r["alpha"])),
                    "alpha max": lambda r: format_value(max(r["alpha"]))}
        print_frames(label, img.shape, rows, cols, as_json=as_json, head=head)
        return
    result, (res, line) = one(img, label)
    if info.get("axes") == "zyx":
        result["axes"] = "zyx"
    if out is not None:
        if out.suffix.lower() == ".json":
            write_json(out, result, force=force)
        else:
            pyplot()  # the Agg backend and the report's style before the result draws
            ax = res.plot()
            if method in ("box", "dbc"):
                from ..report import relabel_fit_legend

                relabel_fit_legend(ax)
            save_figure(ax.figure, out, force=force)
    if as_json:
        print_json(result)
    else:
        console.print(f"{label}: {line}" + (f" -> {out}" if out is not None else ""), soft_wrap=True)


def _curved(flag) -> str:
    return ", curved: see the warning" if flag else ""


def _compute(method, img, threshold, fit_range, qs, result):
    """Run one method; fill ``result`` and return (result object, summary line)."""
    import numpy as np

    import infopix
    from infopix.formatting import format_value

    if method == "box":
        # the bundled sample is grey: without --threshold, count its pixels > 127
        res = infopix.box_counting_dimension(img, threshold=threshold, fit_range=fit_range)
        result.update(threshold=threshold, **_fit_dict(res))
        line = (f"D_box = {format_value(res.dimension, res.stderr)} (R² {res.r2:.4f}, "
                f"sizes {res.fit_range[0]}–{res.fit_range[1]} px{_curved(res.curved)})")
    elif method == "dbc":
        res = infopix.dbc_dimension(img, fit_range=fit_range)
        result.update(**_fit_dict(res))
        line = (f"D_dbc = {format_value(res.dimension, res.stderr)} (R² {res.r2:.4f}, "
                f"sizes {res.fit_range[0]}–{res.fit_range[1]} px{_curved(res.curved)})")
    elif method == "dq":
        res = infopix.generalized_dimensions(img, qs, fit_range=fit_range)
        result.update(qs=res.qs, dimensions=res.dimensions, stderr=res.stderr,
                      stderr_regression=res.stderr_regression, curved=res.curved, r2=res.r2,
                      fit_range=list(res.fit_range), sizes=res.sizes,
                      uncertainty="stderr: standard error of each log-log slope (stderr_regression: "
                      "the regression's part)")
        shown = [int(np.argmin(np.abs(res.qs - q))) for q in (0, 1, 2)]
        line = "  ".join(f"D_{res.qs[i]:g} = {format_value(res.dimensions[i], res.stderr[i])}"
                         f"{_curved(res.curved[i])}" for i in shown)
    else:
        res = infopix.multifractal_spectrum(img, qs, fit_range=fit_range)
        result.update(qs=res.qs, alpha=res.alpha, f=res.f, alpha_stderr=res.alpha_stderr,
                      f_stderr=res.f_stderr, curved=res.curved, d0=res.d0,
                      fit_range=list(res.fit_range), sizes=res.sizes,
                      uncertainty="alpha_stderr, f_stderr: standard errors of the log-log slopes; "
                      "d0: no uncertainty computed")
        lo, hi, top = (int(np.argmin(res.alpha)), int(np.argmax(res.alpha)), int(np.argmax(res.f)))
        line = (f"alpha from {format_value(res.alpha[lo], res.alpha_stderr[lo])} to "
                f"{format_value(res.alpha[hi], res.alpha_stderr[hi])}, "
                f"max f = {format_value(res.f[top], res.f_stderr[top])}, "
                f"D_0 = {format_value(res.d0)} (no error computed)")
    return res, line
