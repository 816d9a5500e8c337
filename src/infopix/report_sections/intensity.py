"""Report section: entropies of the intensity distribution, with every estimator."""

from __future__ import annotations

import math

import numpy as np

from ..report import Section, figure_png, new_figure, quantity, register_section

_RENYI = (
    (
        "shannon",
        1.0,
        "Shannon entropy: average bits needed to name one pixel's grey level "
        "when levels are coded by their frequency (plug-in, from the histogram).",
    ),
    ("hartley", 0.0, "Hartley entropy (Rényi order 0): log2 of the number of grey levels in use."),
    (
        "collision",
        2.0,
        "Collision entropy (Rényi order 2): minus log2 of the chance that two "
        "random pixels share a grey level.",
    ),
    (
        "min_entropy",
        math.inf,
        "Min-entropy (Rényi order ∞): minus log2 of the frequency of the "
        "commonest grey level; the hardest-to-guess bound.",
    ),
)

_EXPECTED = {
    "surprisal": (
        "bits",
        "Expected surprisal -log2 p over grey levels (equals the Shannon entropy).",
    ),
    "laurent": (
        "1",
        "Expected -1 + 1/p over all K levels (notebook's 'laurent'; empty levels count 0).",
    ),
    "taylor": (
        "1",
        "Expected -(1 + p) over all K levels (notebook's 'taylor'; empty levels count 0).",
    ),
}


@register_section(
    "intensity",
    requires=("estimators",),
    defaults={"estimators": "all", "bins": None, "level": 0.95},
)
def intensity_section(image: np.ndarray, params: dict) -> Section:
    """Intensity entropies with estimators and intervals"""
    from ..entropy import intensity_counts, intensity_expected, renyi_entropy
    from ..estimators import ESTIMATORS, entropy_from_counts

    bins = params["bins"]
    c = intensity_counts(image, bins=bins)
    p = c.counts / c.total
    res = {}
    for name, alpha, explain in _RENYI:
        res[name] = quantity(
            renyi_entropy(p, alpha), "bits", explain, alpha=alpha, estimator="plugin"
        )
    for f, (unit, explain) in _EXPECTED.items():
        res[f"expected_{f}"] = quantity(
            intensity_expected(f, image, bins=bins) if bins else intensity_expected(f, image),
            unit,
            explain,
        )

    hmax = float(np.log2(c.n_outcomes))
    chosen = params["estimators"]
    if chosen == "all":
        names = list(ESTIMATORS)
    elif isinstance(chosen, str):  # one name, not its characters
        names = [chosen]
    else:
        names = list(chosen)
    estimates = {}
    for name in names:
        e = entropy_from_counts(
            c.counts, estimator=name, n_outcomes=c.n_outcomes, level=params["level"]
        )
        estimates[name] = e
        desc = ESTIMATORS[name].description or name
        kind = "posterior mean" if ESTIMATORS[name].bayesian else "estimate"
        explain = f"Shannon entropy of the source, {kind} by {desc}; N = {c.total} pixels, K = {c.n_outcomes} levels."
        if not np.isfinite(e.value) or e.value > hmax + 1e-9 or e.value < -1e-9:
            explain += (
                f" Outside the possible range [0, log2 K = {hmax:.4g}] bits: this estimator's "
                "assumptions do not hold for this image; do not use this value."
            )
        res[f"H_{name}"] = quantity(
            e.value,
            "bits",
            explain,
            estimator=e.estimator,
            std=e.std,
            interval=None if e.interval is None else list(e.interval),
            level=e.level,
        )

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
    return Section(
        "intensity",
        "Intensity entropies with estimators and intervals",
        res,
        {"estimators": figure_png(fig)},
        params=params,
        intro="How much information one pixel's grey level carries, ignoring where the pixel "
        "is. The plug-in value treats the histogram as the true distribution; the estimators "
        "below correct its small-sample bias and give uncertainties.",
        captions={
            "estimators": "Entropy of the grey-level distribution by estimator (dots) with "
            "standard errors or credible intervals (bars); dotted line: plug-in Shannon entropy."
        },
    )
