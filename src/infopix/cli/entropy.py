"""``infopix entropy``: entropies of an image's intensity distribution."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import (
    AXES_OPTION,
    MAX_PIXELS_OPTION,
    PER_FRAME_OPTION,
    command,
    each_frame,
    print_frames,
    channel_option,
    console,
    image_argument,
    json_option,
    load_image,
    one_line_errors,
    print_json,
)


@command("entropy")
@one_line_errors
def entropy_command(
    image: Path = image_argument(),
    alpha: float = typer.Option(1.0, "--alpha", "-a", help="Rényi order (1 = Shannon, 0, 2, inf allowed)."),
    base: float = typer.Option(2.0, "--base", "-b", help="Logarithm base (2: bits, 2.718281828: nats)."),
    estimator: str = typer.Option("plugin", "--estimator", "-e", help="Entropy estimator (plugin, miller_madow, nsb, ...)."),
    bins: int = typer.Option(None, "--bins", help="Bins for float images (default 256 over the data range)."),
    uncertainty: str = typer.Option(
        "spatial", "--uncertainty",
        help="What the error bar assumes: 'spatial' (the image is one realisation of a "
        "correlated random field; default) or 'iid' (independent pixels: far too small "
        "for photographs).",
    ),
    level: float = typer.Option(0.95, "--level", help="Level of the interval (0 < level < 1)."),
    channel: str = channel_option(joint=True),
    as_json: bool = json_option(),
    axes: str = AXES_OPTION,
    max_pixels: int = MAX_PIXELS_OPTION,
    per_frame: bool = PER_FRAME_OPTION,
):
    """Entropy of the intensity distribution of IMAGE, in bits by default.

    A volume (axes zyx) counts all its voxels in one histogram; a series (axes tyx)
    needs --per-frame (one entropy per frame).

    Example: infopix entropy photo.png --alpha 2 --json
    """
    import numpy as np

    img, label, info = load_image(image, channel, joint=True, axes=axes, max_pixels=max_pixels,
                                  volumes=True, per_frame=per_frame, info=True)
    unit = {2.0: "bits", float(np.e): "nats", 10.0: "dits"}.get(float(base), f"log base {base:g}")
    opts = dict(alpha=alpha, base=base, estimator=estimator, bins=bins, uncertainty=uncertainty,
                level=level, unit=unit)
    if per_frame:
        from infopix.formatting import format_value

        rows, _ = each_frame(img, lambda f, lab: _entropy(f, lab, "luminance", **opts), label=label)
        rows = [{k: v for k, v in r.items() if k not in ("shape", "dtype", "channel")} for r in rows]

        def value(r):
            if r.get("entropy") is None:
                return "not applicable"
            return format_value(r["entropy"], r.get("std"))

        print_frames(label, img.shape, rows, {f"H ({unit})": value}, as_json=as_json,
                     head={"dtype": str(img.dtype), "alpha": alpha, "estimator": estimator,
                           "base": base, "unit": unit})
        return
    volume = info.get("axes") == "zyx"
    chan = None if volume else ("joint" if img.ndim == 3 else "luminance")
    result, text = _entropy(img, label, chan, **opts)
    result["channel"] = channel
    if volume:
        result["axes"] = "zyx"
    if as_json:
        print_json(result)
    else:
        console.print(text, soft_wrap=True)


def _entropy(img, label, chan, *, alpha, base, estimator, bins, uncertainty, level, unit):
    """(result dict, text line) of one image, volume or frame."""
    import numpy as np

    import infopix
    from infopix.formatting import format_interval, format_value

    alpha_v = np.inf if alpha == float("inf") else alpha
    result = {
        "image": label,
        "shape": list(img.shape),
        "dtype": str(img.dtype),
        "alpha": alpha,
        "estimator": estimator,
        "base": base,
        "unit": unit,
    }
    if alpha_v == 1:
        est = infopix.intensity_entropy_estimate(
            img, estimator=estimator, uncertainty=uncertainty, level=level, base=base,
            bins=bins, channel=chan,
        )
        valid = getattr(est, "valid", True)
        result.update(
            entropy=est.value if valid else None,
            std=est.std if valid else None,
            interval=list(est.interval) if valid and est.interval else None,
            level=est.level,
            uncertainty=est.uncertainty,
            effective_samples=est.effective_samples,
            valid=valid,
            reason=getattr(est, "reason", None),
        )
        if not valid:
            return result, f"{label}: H = not applicable ({estimator}): {result['reason']}"
        lo, hi = est.interval
        # the interval is for the entropy: around the plug-in value plus its first-order
        # bias (m - 1) / 2N (intensity_entropy_estimate's Notes), so it may sit above it
        shifted = abs(0.5 * (lo + hi) - est.value) > 1e-12 * max(1.0, abs(est.value))
        result["interval_centre"] = 0.5 * (lo + hi)
        where = " around the bias-corrected value" if shifted else ""
        return result, (
            f"{label}: H = [bold]{format_value(est.value, est.std, unit=unit)}[/bold] "
            f"({estimator}; {100 * est.level:g}% interval{where} {format_interval(lo, hi, est.std)}; "
            f"error: {est.uncertainty})"
        )
    value = infopix.intensity_entropy(
        img, alpha=alpha_v, base=base, estimator=estimator, bins=bins, channel=chan,
    )
    note = "no uncertainty: estimated for the Shannon entropy (--alpha 1) only"
    result.update(entropy=value, std=None, interval=None, uncertainty=note)
    return result, (f"{label}: H_{alpha:g} = [bold]{format_value(value)}[/bold] {unit} "
                    f"({estimator}; {note})")
