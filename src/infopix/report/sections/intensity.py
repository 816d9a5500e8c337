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
    shown = [n for n in names if res.get(f"H_{n}", {}).get("value") is not None]
    left_out = [n for n in names if n not in shown]
    fig, ax = new_figure(5.5, 0.24 * max(len(shown), 1) + 1.0)
    ys = np.arange(len(shown))
    inside = []
    for n in shown:
        e = estimates[n]
        inside.append(e.value)
        if e.interval is not None:
            inside += [float(e.interval[0]), float(e.interval[1])]
        elif e.std is not None and np.isfinite(e.std):
            inside += [e.value - e.std, e.value + e.std]
    lo = min(inside) if inside else 0.0
    hi = max(inside) if inside else hmax
    pad = max(0.08 * (hi - lo), 1e-3)
    for y, name in zip(ys, shown):
        e = estimates[name]
        ax.plot([e.value], [y], "o", color="C0", ms=3.5)
        if e.interval is not None:
            ax.plot(list(e.interval), [y, y], "-", color="C0", lw=2.5, alpha=0.5)
        elif e.std is not None:
            ax.errorbar([e.value], [y], xerr=[e.std], color="C0")
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_yticks(ys, [n.replace("_", " ") for n in shown])
    ax.set_ylim(len(shown) - 0.5, -0.5)
    ax.set_xlabel("entropy of one pixel's grey level (bits)")
    ax.axvline(res["shannon"]["value"], color="0.5", ls=":", lw=1)
    ax.grid(alpha=0.25, axis="x")
    cap = (
        "Entropy of the grey-level distribution by estimator (dots) with their posterior "
        "standard deviations or credible intervals (bars; these treat pixels as independent "
        "draws, the overview's error does not); dotted line: plug-in Shannon entropy."
    )
    if left_out:
        cap += " Not shown (not applicable to this image): " + ", ".join(left_out) + "."
    c = ctx.counts(computed.params.get("bins"))
    n, k = int(c.total), int(c.n_outcomes)
    bias = (np.count_nonzero(c.counts) - 1) / (2 * n * np.log(2))
    guide = (
        f"Which estimator matters: with N = {n:,} pixels and K = {k:,} grey levels the estimators "
        f"differ by little (the plug-in's first-order bias is (m - 1) / 2N = {bias:.1e} bits for "
        "the m levels in use), so on a whole image the choice hardly matters and the uncertainty "
        "that counts is the spatial one in the overview. It matters in small windows (local maps: "
        "9 to a few hundred pixels), where the plug-in value is biased low by up to a bit or more: "
        "there use miller_madow, or nsb when K is known. The Bayesian intervals in the table below "
        "assume independent pixels and are too narrow for a correlated image."
    )
    return Rendered(
        {"estimators": figure_png(fig)},
        {"estimators": cap},
        "How much information one pixel's grey level carries, ignoring where the pixel is: "
        "read the Shannon row (bits; 0 for a flat image, log2 K for all K levels equally used) "
        "and compare the Rényi orders; the estimators' table is folded under the figure.",
        folded=tuple(f"H_{n}" for n in names),
        guide=guide,
        fold_note="Its ± and intervals are the estimators' own and assume independent pixels; "
        "the overview's error allows for spatial correlation",
    )
