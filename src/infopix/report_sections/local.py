"""Report section: local entropy and local standard deviation maps at several radii."""

from __future__ import annotations

import numpy as np

from ..report import Section, figure_png, new_figure, quantity, register_section


@register_section(
    "local",
    requires=("local",),
    defaults={"radii": [1, 3, 7], "estimator": "miller_madow", "edge": "clip"},
    quick={"radii": [2]},
)
def local_section(image: np.ndarray, params: dict) -> Section:
    """Local entropy and std maps"""
    from ..local import local_entropy, local_std, plot_map

    radii = (
        [int(r) for r in params["radii"]] if not np.isscalar(params["radii"]) else [params["radii"]]
    )
    est, edge = params["estimator"], params["edge"]
    H = local_entropy(image, radii, estimator=est, edge=edge)
    S = local_std(image, radii, edge=edge)
    win = [(2 * r + 1) ** 2 for r in radii]
    res = {
        "radii": quantity(
            radii,
            "pixels",
            "Window radii r; each window is the (2r+1)×(2r+1) box, clipped at the edges.",
            x=radii,
        ),
        "mean_local_entropy": quantity(
            [float(h.mean()) for h in H],
            "bits",
            "Average over pixels of the entropy of the grey levels in the window around each pixel, one value per radius.",
            estimator=est,
            x=radii,
            x_name="r",
            x_unit="pixels",
        ),
        "median_local_entropy": quantity(
            [float(np.median(h)) for h in H],
            "bits",
            "Median over pixels of the local entropy, one value per radius.",
            estimator=est,
            x=radii,
            x_name="r",
            x_unit="pixels",
        ),
        "max_local_entropy": quantity(
            [float(h.max()) for h in H],
            "bits",
            "Highest local entropy: the busiest window, one value per radius "
            f"(a window of n pixels holds at most log2(n) bits: {', '.join(f'{np.log2(n):.2f}' for n in win)}).",
            estimator=est,
            x=radii,
            x_name="r",
            x_unit="pixels",
        ),
        "mean_local_std": quantity(
            [float(s.mean()) for s in S],
            "intensity",
            "Average over pixels of the standard deviation of the grey levels in the window (local contrast), one value per radius.",
            x=radii,
            x_name="r",
            x_unit="pixels",
        ),
    }
    n = len(radii)
    fig, axes = new_figure(9.0, 3.6 * n, ncols=2, nrows=n)
    axes = np.atleast_1d(axes).reshape(n, 2)
    for i, r in enumerate(radii):
        plot_map(H[i], ax=axes[i, 0], title=f"local entropy, r = {r} ({est})", label="bits")
        plot_map(
            S[i], ax=axes[i, 1], title=f"local std, r = {r}", label="intensity", cmap="viridis"
        )
    for ax in axes.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
    return Section(
        "local",
        "Local entropy and standard deviation maps",
        res,
        {"maps": figure_png(fig)},
        params=params,
        intro="Where the information is: the entropy (left) and the spread (right) of the grey "
        "levels in a small window around every pixel. Bright regions are textured or "
        "detailed; dark ones are flat.",
        captions={
            "maps": f"Local entropy ({est} estimator) and local standard deviation, "
            f"one row per window radius ({', '.join(map(str, radii))} pixels)."
        },
    )
