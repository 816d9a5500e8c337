"""``infopix spatial``: spatial information of an image (MI profile, conditional and
block entropies, entropy density, computable information density)."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import (
    AXES_OPTION,
    MAX_PIXELS_OPTION,
    PER_FRAME_OPTION,
    each_frame,
    print_frames,
    channel_option,
    check_seed,
    command,
    console,
    force_option,
    image_argument,
    json_option,
    load_image,
    one_line_errors,
    print_json,
    pyplot,
    refuse_existing,
    run_seed,
    save_figure,
    write_json,
)

MEASURES = ("mi", "block", "conditional", "density", "cid")

#: What each measure's numbers rest on (the JSON's "uncertainty"): the method of the
#: errors it gives, or why it gives none.
_UNCERTAINTY = {
    "mi": "no uncertainty computed for the mutual information: bias and noise_floor (bias + 3 "
    "standard deviations for unrelated pixels) say which values are sampling noise; none for "
    "the correlation length's fit (r2 given)",
    "block": "no uncertainty computed (--measure density gives the entropy density with an error)",
    "conditional": "no uncertainty computed (--measure density gives the entropy density with an error)",
    "density": "error: sqrt(se² + convergence²); se from the spread over the image's quadrants, "
    "convergence the last step of the sequence; the estimates carry none",
    "cid": "no uncertainty: compressed lengths are exact; the shuffled reference comes from the "
    "recorded seed (its spread over shuffles is not estimated)",
}


def _parse_int_list(text: str, name: str) -> list[int]:
    """``'1:64'`` (inclusive range) or ``'1,2,4,8'``."""
    t = text.strip()
    try:
        if ":" in t:
            a, b = (int(s) for s in t.split(":"))
            if b < a:
                raise ValueError
            return list(range(a, b + 1))
        return [int(s) for s in t.split(",") if s.strip()]
    except ValueError:
        raise ValueError(f"`{name}` expects START:STOP (inclusive) or a comma list of integers, got {text!r}.") from None


@command("spatial")
@one_line_errors
def spatial_command(
    image: Path = image_argument(),
    measure: str = typer.Option("mi", "--measure", "-m", help="mi | block | conditional | density | cid."),
    distances: str = typer.Option(None, "--distances", "-d", help="mi: distances as START:STOP or a comma list (default 1:32)."),
    direction: str = typer.Option("isotropic", "--direction", help="mi: isotropic | horizontal | vertical."),
    block: int = typer.Option(None, "--block", help="block: block side n (default 1..4); density: largest block side."),
    neighbours: str = typer.Option("causal-3", "--neighbours", help="conditional: causal-k or staircase-k."),
    method: str = typer.Option("conditional", "--method", help="density: conditional | block."),
    levels: int = typer.Option(None, "--bins", "--levels", "-l", help="Requantise into this many equal-width bins (needed for float images; --levels is the old name)."),
    estimator: str = typer.Option(None, "--estimator", "-e", help="Entropy estimator (default plugin; density: miller_madow)."),
    base: float = typer.Option(2.0, "--base", "-b", help="Logarithm base (2: bits, 2.718281828: nats)."),
    scan: str = typer.Option("hilbert", "--scan", help="cid: hilbert | raster."),
    compressor: str = typer.Option("zlib", "--compressor", help="cid: zlib | bz2 | lzma | lz77."),
    seed: int = typer.Option(None, "--seed", help="cid: seed of the shuffled reference."),
    channel: str = channel_option(),
    as_json: bool = json_option(),
    out: Path = typer.Option(None, "--out", "-o", help="Write the result: .json (numbers) or .png/.pdf/.svg (plot, mi and density)."),
    force: bool = force_option("Overwrite an existing output."),
    axes: str = AXES_OPTION,
    max_pixels: int = MAX_PIXELS_OPTION,
    per_frame: bool = PER_FRAME_OPTION,
):
    """Spatial information of IMAGE: what the intensity entropy ignores.

    A volume (axes zyx) is measured in 3-D (neighbours along all three axes); a series
    (axes tyx) needs --per-frame (one result per frame).

    Example: infopix spatial photo.png --measure mi --bins 16 --distances 1:64 -o mi.png
    """
    import numpy as np

    import infopix

    from ..formatting import format_value

    if measure not in MEASURES:
        raise ValueError(f"`--measure` expects one of {', '.join(MEASURES)}, got {measure!r}.")
    if out is not None and out.suffix.lower() not in (".json", ".png", ".pdf", ".svg"):
        raise ValueError(f"`--out` expects a .json, .png, .pdf or .svg file, got {str(out)!r}.")
    refuse_existing(out, force=force)
    seed = run_seed(seed) if measure == "cid" else check_seed(seed)  # cid records its seed
    if per_frame and out is not None and out.suffix.lower() != ".json":
        raise ValueError(f"`--out` with --per-frame expects a .json file (one result per frame), got {str(out)!r}.")
    img, label, info = load_image(image, channel, axes=axes, max_pixels=max_pixels, volumes=True,
                                  per_frame=per_frame, info=True)
    unit = {2.0: "bits", float(np.e): "nats", 10.0: "dits"}.get(float(base), f"log base {base:g}")
    est = estimator or ("miller_madow" if measure == "density" else "plugin")

    from ..formatting import format_value as fv  # numbers without an error: 4 significant digits

    def one(frame, lab):
        site = "voxel" if frame.ndim == 3 else "pixel"  # what a density is per
        result = {"image": lab, "shape": list(frame.shape), "measure": measure, "levels": levels,
                  "base": base, "unit": unit, "uncertainty": _UNCERTAINTY.get(measure)}
        plottable = None
        if measure == "mi":
            dist = None if distances is None else _parse_int_list(distances, "--distances")
            prof = infopix.mutual_information_profile(
                frame, dist, directions=direction, bins=levels, estimator=est, base=base
            )
            plottable = prof
            result.update(
                estimator=est, direction=prof.direction, distances=prof.distances, mutual_information=prof.mi,
                bias=prof.bias, noise_floor=prof.noise_floor, correlation_length=prof.correlation_length,
                fit_distances=prof.fit_distances, r2=prof.r2,
            )
            text = (f"{lab}: MI({int(prof.distances[0])}) = {fv(prof.mi[0])} {unit} (no uncertainty computed; "
                    f"noise floor {fv(prof.noise_floor[0])}); correlation length "
                    + ("not exponential" if prof.correlation_length is None
                       else f"{fv(prof.correlation_length)} {site}s (exponential fit, R² {prof.r2:.3f}; no error)"))
        elif measure == "block":
            sizes = [block] if block is not None else [n for n in (1, 2, 3, 4) if n <= min(frame.shape)]
            H = [infopix.block_entropy(frame, n, bins=levels, estimator=est, base=base) for n in sizes]
            d = frame.ndim  # a volume's blocks are n x n x n
            result.update(estimator=est, block_sides=sizes, block_entropy=H, per_pixel=[h / n**d for h, n in zip(H, sizes)])
            text = (f"{lab}: " + ", ".join(f"H({'x'.join([str(n)] * d)}) = {fv(h)}" for n, h in zip(sizes, H))
                    + f" {unit} per block (no uncertainty computed)")
        elif measure == "conditional":
            h = infopix.conditional_entropy(frame, neighbours=neighbours, bins=levels, estimator=est, base=base)
            result.update(estimator=est, neighbours=neighbours, conditional_entropy=h)
            text = (f"{lab}: H({site} | {neighbours}) = [bold]{fv(h)}[/bold] {unit} per {site} "
                    f"(no uncertainty computed; --measure density gives one with an error)")
        elif measure == "density":
            d = infopix.entropy_density(frame, method=method, max_block=block if method == "block" else None,
                                        bins=levels, estimator=est, base=base)
            plottable = d
            result.update(estimator=est, method=d.method, entropy_density=d.value, error=d.error, se=d.se,
                          convergence=d.convergence, sizes=d.sizes, estimates=d.estimates)
            text = f"{lab}: entropy density = [bold]{format_value(d.value, d.error)}[/bold] {unit} per {d.site} ({d.method})"
        else:
            r = infopix.computable_information_density(frame, scan=scan, compressor=compressor, bins=levels, rng=seed)
            result.update(scan=r.scan, compressor=r.compressor, seed=seed, cid=r.cid, cid_shuffled=r.cid_shuffled,
                          ratio=r.ratio, unit=f"bits per {site}", base=2.0)
            text = (f"{lab}: CID = {fv(r.cid)} bits/{site}, shuffled {fv(r.cid_shuffled)}, ratio "
                    f"[bold]{fv(r.ratio)}[/bold] (no uncertainty: compressed lengths are exact; the spread "
                    f"over shuffles is not estimated)")
        return result, (text, plottable)

    if per_frame:
        rows, texts = each_frame(img, one, label=label)
        head = {"measure": measure, "levels": levels, "base": base, "unit": unit,
                "uncertainty": _UNCERTAINTY.get(measure)}
        rows = [{k: v for k, v in r.items() if k not in ("shape", *head)} for r in rows]
        if out is not None:
            write_json(out, {"image": label, "shape": list(img.shape), "axes": "tyx", "per_frame": True,
                             **head, "frames": rows}, force=force)
        print_frames(label, img.shape, rows, {"result": lambda r: _cell(texts[r["frame"]][0])},
                     as_json=as_json, head=head)
        return
    result, (text, plottable) = one(img, label)
    if info.get("axes") == "zyx":
        result["axes"] = "zyx"
    if out is not None:
        if out.suffix.lower() == ".json":
            write_json(out, result, force=force)
        else:
            if plottable is None:
                raise ValueError(f"`--out` {str(out)!r}: only --measure mi and density have a plot; use a .json file.")
            pyplot()  # the Agg backend before the result draws
            save_figure(plottable.plot().figure, out, force=force)
    if as_json:
        print_json(result)
    else:
        console.print(text)


def _cell(text: str) -> str:
    """A per-frame table cell: the text line without its label and markup."""
    import re

    return re.sub(r"\[/?bold\]", "", text.split(": ", 1)[-1])
