"""Series mode of the report (private): a (T, Y, X) stack measured frame by frame.

Every measure runs on every frame (each frame its own
:class:`~infopix.measures.ImageContext`, as batch's per-frame rows); the report shows
the full sections of the middle frame and one extra section, ``series``, with each
headline number of :mod:`infopix.report._overview` against the frame index (with its
error bar where it has one).
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from types import SimpleNamespace

import numpy as np

from .. import measures as _m
from ..measures import quantity


def analyze_series(stack, chosen, eff, *, render_section, make_section, progress=None,
                   formats=("png",)):
    """(sections of the middle frame, its whole-image entropy, the ``series`` section).

    ``render_section`` and ``make_section`` are the report's own (its
    :func:`~infopix.report.render_section` and :class:`~infopix.report.Section`), handed
    in so that this module does not import the package that imports it."""
    from . import _overview as ov
    from ._figures import figure_formats as _formats, style

    T = stack.shape[0]
    mid = T // 2
    keys = [m.name for m in chosen]
    built, entropy_mid, rows = [], None, []
    for t in range(T):
        ctx = _m.ImageContext(stack[t])
        secs = []
        for m in chosen:
            if progress is not None:
                progress(m.name, f"{m.title} (frame {t + 1} of {T})")
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                computed = m.run(ctx, eff[m.name])
                if t == mid:
                    with style(), _formats(formats):
                        sec = render_section(m, ctx, computed)
            if t == mid:
                alerts = ov.section_alerts(m.name, ov._messages(caught), computed.notes, sec.results)
                intro = (f"Frame {mid} of frames 0 to {T - 1} (the middle one); every frame's "
                         f"headline numbers are in the series section. " + sec.intro)
                built.append(dataclasses.replace(
                    sec, intro=intro, alerts=tuple(dict.fromkeys(sec.alerts + tuple(alerts)))))
            results, _ = ov.mark_not_applicable(computed.results, computed.data.get("estimates"))
            secs.append(SimpleNamespace(key=m.name, results=results))
        # the headline entropy with its spatial error: the intensity measure's Shannon row
        entropy = next((s.results.get("shannon") for s in secs if s.key == "intensity"), None)
        if t == mid:
            entropy_mid = entropy
        rows.append(ov.headline(secs, entropy))
    return built, entropy_mid, _series_section(rows, T, formats, make_section)


def _num(v):
    return math.nan if v is None or isinstance(v, (list, str)) else float(v)


def _series_section(rows, T, formats, Section):
    from matplotlib.ticker import MaxNLocator

    from ._figures import figure_formats as _formats, figure_png, new_figure, style

    frames = list(range(T))
    order, by = [], {}
    for t, frame_rows in enumerate(rows):
        for r in frame_rows:
            key = f"{r['section']}_{r['name']}"
            if key not in by:
                order.append(key)
                by[key] = {"label": r["label"], "unit": r["unit"], "how": r["uncertainty"],
                           "value": [None] * T, "std": [None] * T}
            ok = not r.get("not_applicable") and r.get("value") is not None
            by[key]["value"][t] = r["value"] if ok else None
            by[key]["std"][t] = r.get("std") if ok else None
    results, figures, captions = {}, {}, {}
    for key in order:
        d = by[key]
        has_std = any(s is not None for s in d["std"])
        results[key] = quantity(
            d["value"], d["unit"],
            f"{d['label']}, one value per frame (null where a frame does not admit it); "
            f"uncertainty: {d['how'] if has_std else 'none computed'}.",
            std=d["std"] if has_std else None, x=frames, x_name="frame", x_unit="frame",
        )
    if order:
        n = len(order)
        ncols = 2 if n > 1 else 1
        nrows = -(-n // ncols)
        with style(), _formats(formats):
            fig, axes = new_figure(8.0 if ncols == 2 else 5.0, 2.6 * nrows + 0.4,
                                   ncols=ncols, nrows=nrows)
            axes = np.atleast_1d(axes).ravel()
            for ax, key in zip(axes, order):
                d = by[key]
                y = np.array([_num(v) for v in d["value"]])
                e = np.array([_num(s) for s in d["std"]])
                if np.all(np.isnan(y)):
                    ax.text(0.5, 0.5, "not defined for any frame", ha="center", va="center",
                            transform=ax.transAxes, fontsize=8)
                    ax.set_xlim(-0.5, T - 0.5)
                elif np.all(np.isnan(e)):
                    ax.plot(frames, y, "o-", ms=3)
                else:
                    ax.errorbar(frames, y, yerr=np.nan_to_num(e), fmt="o-", ms=3, capsize=2)
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
                ax.set_xlabel("frame index")
                ax.set_ylabel("dimensionless" if d["unit"] in ("1", None) else d["unit"])
                ax.set_title(d["label"], fontsize=8.5)
            for ax in axes[n:]:
                ax.set_axis_off()
            figures["curves"] = figure_png(fig)
        captions["curves"] = ("Each headline number against the frame index (error bars: one "
                              "standard error where the number has one).")
    return Section(
        "series", f"Series: {T} frames", results, figures,
        params={"frames": T},
        intro=(f"The stack is a series of {T} frames (axes tyx), each measured as an image of its "
               f"own: the headline numbers below are plotted against the frame index."),
        captions=captions,
    )
