"""Report section: spatial information (what the intensity entropy ignores)."""

from __future__ import annotations

import numpy as np

from ..report import Section, figure_png, new_figure, quantity, register_section


def _levels(image: np.ndarray, levels):
    """'auto': 16 symbols for float images or images with more than 16 grey levels."""
    if levels != "auto":
        return levels
    if image.dtype.kind == "f" or np.unique(image).size > 16:
        return 16
    return None


@register_section(
    "spatial",
    requires=("spatial",),
    defaults={
        "levels": "auto",
        "distances": None,
        "estimator": "plugin",
        "neighbours": [0, 1, 2, 3, 4],
        "density_estimator": "miller_madow",
        "compressor": "lzma",
        "scan": "hilbert",
        "seed": 0,
    },
    quick={"distances": [1, 2, 3, 4, 6, 8], "neighbours": [0, 1, 2, 3]},
)
def spatial_section(image: np.ndarray, params: dict) -> Section:
    """Spatial information"""
    from ..spatial import (
        computable_information_density,
        conditional_entropy,
        entropy_density,
        mutual_information_profile,
    )

    undefined = {}

    def attempt(key, func, *args, **kwargs):
        """The measure, or None with the library's reason when this image does not admit
        it (too small, a single grey level): reported as undefined, never hidden."""
        try:
            return func(*args, **kwargs)
        except ValueError as exc:
            undefined[key] = " ".join(str(exc).split())
            return None

    def na(key, unit, explain):
        return quantity(None, unit, f"{explain} Not defined for this image: {undefined[key]}")

    L = _levels(image, params["levels"])
    est = params["estimator"]
    dist = params["distances"]
    if dist is not None:  # distances the image can hold (quick preset on a small image)
        dist = [d for d in dist if d < min(image.shape)] or [1]
    prof = attempt("mi", mutual_information_profile, image, dist, bins=L, estimator=est)
    ks = [int(k) for k in params["neighbours"]]
    cond = [
        attempt(
            "cond", conditional_entropy, image, neighbours=f"causal-{k}", bins=L, estimator=est
        )
        for k in ks
    ]
    if "cond" in undefined:
        cond = None
    dens = attempt(
        "density", entropy_density, image, bins=L, estimator=params["density_estimator"]
    )
    cid = attempt(
        "cid",
        computable_information_density,
        image,
        scan=params["scan"],
        compressor=params["compressor"],
        bins=L,
        rng=int(params["seed"]),
    )
    sym = "observed grey levels" if L is None else f"{L} equal-width grey-level bins"
    res = {
        "symbols": quantity(
            0 if L is None else int(L),
            "levels",
            f"Alphabet of the pattern counts: {sym} (coarser symbols keep pair statistics well sampled; 0 means the observed levels).",
        ),
    }
    mi_explain = "Information one pixel gives about another at each distance (pairs along rows and columns pooled); 0 means unrelated."
    if prof is None:
        res["mutual_information"] = na("mi", "bits", mi_explain)
    else:
        d = prof.distances.tolist()
        res["mutual_information"] = quantity(
            prof.mi.tolist(), "bits", mi_explain, estimator=est, x=d, x_name="d", x_unit="pixels"
        )
        res["mi_noise_floor"] = quantity(
            prof.noise_floor.tolist(),
            "bits",
            "Mutual information that unrelated pixels would show from sampling alone (bias + 3 standard deviations), per distance.",
            x=d,
            x_name="d",
            x_unit="pixels",
        )
        res["correlation_length"] = quantity(
            prof.correlation_length,
            "pixels",
            "Decay length of the mutual information, from an exponential fit (null when the decay is not exponential).",
            r2=prof.r2,
            fit_range=None if prof.fit_distances is None else list(prof.fit_distances),
        )
    cond_explain = (
        "Entropy of a pixel given its k nearest previously scanned neighbours (k = 0: no context, the "
        "intensity entropy); it falls towards the entropy density as k grows."
    )
    res["conditional_entropy"] = (
        na("cond", "bits per pixel", cond_explain)
        if cond is None
        else quantity(
            cond,
            "bits per pixel",
            cond_explain,
            estimator=est,
            x=ks,
            x_name="k",
            x_unit="neighbours",
        )
    )
    dens_explain = (
        "Entropy density: the new information each pixel adds once everything before it is known (the "
        "limit of the conditional entropies); ± combines the spread over image quadrants and the last convergence step."
    )
    res["entropy_density"] = (
        na("density", "bits per pixel", dens_explain)
        if dens is None
        else quantity(
            float(dens.value),
            "bits per pixel",
            dens_explain,
            std=float(dens.error),
            estimator=dens.estimator,
            method=dens.method,
            sizes=dens.sizes.tolist(),
            estimates=dens.estimates.tolist(),
        )
    )
    if cid is None:
        res["cid"] = na(
            "cid", "bits per pixel", "Computable information density (compressed length per pixel)."
        )
    else:
        res["cid"] = quantity(
            float(cid.cid),
            "bits per pixel",
            f"Computable information density: {cid.compressor}-compressed length of the image read along a {cid.scan} scan, per pixel.",
            estimator=f"{cid.compressor} compression",
            scan=cid.scan,
        )
        res["cid_ratio"] = quantity(
            float(cid.ratio),
            "1",
            "CID over the CID of the same pixels shuffled: 1 for no spatial order, smaller for more order.",
            n_shuffles=int(cid.n_shuffles),
        )
        res["cid_density"] = quantity(
            float(cid.density),
            "bits per pixel",
            "CID calibrated against incompressible random symbols: a compression estimate of the entropy density (an upper bound).",
        )

    fig, axes = new_figure(10.0, 3.6, ncols=2)
    if prof is not None and np.any(prof.mi > 0) and np.any(prof.noise_floor > 0):
        prof.plot(ax=axes[0])
    else:
        axes[0].set_axis_off()
        why = "not defined for this image" if prof is None else "0 at every distance"
        axes[0].text(
            0.5,
            0.5,
            f"mutual information {why}",
            ha="center",
            va="center",
            transform=axes[0].transAxes,
        )
    if cond is not None:
        axes[1].plot(ks, cond, "o-", color="#2a5d8f")
        axes[1].set_xticks(ks)
    if dens is not None:
        axes[1].axhline(
            dens.value,
            color="C3",
            lw=1,
            ls="--",
            label=f"entropy density {dens.value:.3g} ± {dens.error:.2g}",
        )
    if cid is not None:
        axes[1].axhline(
            cid.density, color="C2", lw=1, ls=":", label=f"CID density {cid.density:.3g}"
        )
    if dens is not None or cid is not None:
        axes[1].legend(fontsize=8)
    axes[1].set_xlabel("causal neighbours k")
    axes[1].set_ylabel("H(pixel | k neighbours) (bits)")
    axes[1].set_ylim(bottom=0)
    axes[1].set_title("Conditional entropy")
    return Section(
        "spatial",
        "Spatial information",
        res,
        {"profile": figure_png(fig)},
        params={**params, "levels": L, "distances": dist},
        intro="Intensity entropy is blind to where pixels are (shuffling them changes nothing). "
        "These measures count patterns: how much neighbouring pixels tell about each other, "
        "and how much is left to say about a pixel once its neighbours are known (the entropy "
        "density), also estimated by compression.",
        captions={
            "profile": "Left: mutual information between pixels against their distance, with the "
            "noise floor of unrelated pixels. Right: entropy of a pixel given its k causal neighbours, "
            "with the entropy density and its compression estimate."
        },
    )
