"""Report figure: the intensity entropy by estimator, with uncertainties."""

from __future__ import annotations

import numpy as np

from .._figures import figure_png, new_figure
from . import Rendered


def render(ctx, computed) -> Rendered:
    res = computed.results
    estimates = computed.data["estimates"]
    names = computed.data["names"]
    hmax = computed.data["hmax"]
    fig, ax = new_figure(6.0, 0.4 * len(names) + 1.2)
    ys = np.arange(len(names))
    inside = []
    for n in names:
        e = estimates[n]
        if np.isfinite(e.value) and -1e-9 <= e.value <= hmax + 1e-9:
            inside.append(e.value)
            if e.interval is not None:
                inside += [float(e.interval[0]), float(e.interval[1])]
            elif e.std is not None and np.isfinite(e.std):
                inside += [e.value - e.std, e.value + e.std]
    lo = min(inside) if inside else 0.0
    hi = max(inside) if inside else hmax
    pad = max(0.05 * (hi - lo), 1e-3)
    outside = []
    for y, name in zip(ys, names):
        e = estimates[name]
        if not (np.isfinite(e.value) and lo - pad <= e.value <= hi + pad):
            outside.append(name)
            ax.annotate(
                f"{e.value:.4g} (off scale)",
                (hi + pad, y),
                ha="right",
                va="center",
                fontsize=8,
                color="C3",
                annotation_clip=False,
            )
            continue
        ax.plot([e.value], [y], "o", color="#2a5d8f")
        if e.interval is not None:
            ax.plot(list(e.interval), [y, y], "-", color="#2a5d8f", lw=3, alpha=0.5)
        elif e.std is not None:
            ax.errorbar([e.value], [y], xerr=[e.std], color="#2a5d8f", capsize=3)
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_yticks(ys, names)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xlabel("entropy (bits)")
    ax.axvline(res["shannon"]["value"], color="0.5", ls=":", lw=1)
    return Rendered(
        {"estimators": figure_png(fig)},
        {
            "estimators": "Entropy of the grey-level distribution by estimator (dots) with "
            "standard errors or credible intervals (bars); dotted line: plug-in Shannon entropy."
        },
        "How much information one pixel's grey level carries, ignoring where the pixel "
        "is. The plug-in value treats the histogram as the true distribution; the estimators "
        "below correct its small-sample bias and give uncertainties.",
    )
