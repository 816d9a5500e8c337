"""``infopix localmap``: a local information map (entropy, std, mean, ...) of an image."""

from __future__ import annotations

from pathlib import Path

import typer

from ..batch import LOCAL_MAPS
from ._common import (
    AXES_OPTION,
    MAP_SUMMARY_UNCERTAINTY,
    MAX_PIXELS_OPTION,
    PER_FRAME_OPTION,
    print_frames,
    channel_option,
    check_range,
    command,
    console,
    force_option,
    image_argument,
    json_option,
    load_image,
    map_options,
    one_line_errors,
    print_json,
    pyplot,
    quiet_option,
    refuse_existing,
    save_figure,
)

#: The smallest ``--chunks`` (pixels a side) accepted.
MIN_CHUNK = 16
MEASURES = tuple(LOCAL_MAPS)


@command("localmap")
@one_line_errors
def localmap_command(
    image: Path = image_argument(),
    radius: int = typer.Option(2, "--radius", "-r", help="Window radius r: the window is the (2r+1)x(2r+1) box."),
    measure: str = typer.Option("entropy", "--measure", "-m", help="entropy | std | mean | laurent | taylor | surprisal."),
    estimator: str = typer.Option("plugin", "--estimator", "-e", help="Entropy estimator (plugin, miller_madow, ...)."),
    alpha: float = typer.Option(1.0, "--alpha", "-a", help="Rényi order for --measure entropy (1 = Shannon)."),
    base: float = typer.Option(2.0, "--base", "-b", help="Logarithm base (2: bits)."),
    edge: str = typer.Option("clip", "--edge", help="Window at the edges: clip (cut), reflect (symmetric) or wrap."),
    bins: int = typer.Option(None, "--bins", help="Bins for float images (default 256 over the data range)."),
    channel: str = channel_option(),
    out: Path = typer.Option(..., "--out", "-o", help="Output: .npy / .tif(f) (the float64 map) or .png (figure)."),
    force: bool = force_option("Overwrite an existing output."),
    as_json: bool = json_option("Print a JSON summary (min, mean, max) of the map."),
    quiet: bool = quiet_option("Print nothing on success."),
    chunks: int = typer.Option(None, "--chunks", help="Images larger than memory: read lazily, compute chunk by chunk (this many pixels a side) on Dask, write --out .zarr."),
    axes: str = AXES_OPTION,
    max_pixels: int = MAX_PIXELS_OPTION,
    per_frame: bool = PER_FRAME_OPTION,
):
    """Local map of IMAGE: a value per pixel from the r-box around it.

    A series (axes tyx) with --per-frame: the map of every frame, written as a (T, Y, X)
    stack. Volumes (axes zyx) when the local maps are 3-D in this version (else refused,
    saying so).

    .npy and .tif/.tiff outputs hold the float64 map itself; a .png output is a figure
    (the map in the 'inferno' colour map with a colour bar and a title), not data.
    A .tif/.tiff (and a .zarr) records how it was made (infopix version, the input's
    SHA-256, the parameters, unit and estimator): the TIFF's description, the Zarr's
    attributes, key 'infopix'; --json prints the same record.

    Example: infopix localmap photo.png --radius 5 --measure entropy -o H.tiff
    """
    import numpy as np

    import infopix

    if measure not in MEASURES:
        raise ValueError(f"`--measure` expects one of {', '.join(MEASURES)}, got {measure!r}.")
    check_range(chunks, "--chunks", MIN_CHUNK,
                why="pixels a side of each chunk; smaller ones cost more than they compute")
    if chunks is not None or out.suffix.lower() == ".zarr":  # chunked on Dask (cli/batch.py, issue 11)
        from .batch import localmap_chunked
        if channel is not None:
            raise ValueError("`--channel` is not available with --chunks (chunked maps read grey images).")
        if per_frame:
            raise ValueError("`--per-frame` is not available with --chunks or a .zarr --out (write .npy or .tif).")
        return localmap_chunked(image, out, chunks=chunks, radius=radius, measure=measure, estimator=estimator, alpha=alpha, base=base, edge=edge, bins=bins, force=force, as_json=as_json, quiet=quiet)
    ext = out.suffix.lower()
    if ext not in (".npy", ".tif", ".tiff", ".png"):
        raise ValueError(f"`--out` expects a .npy, .tif, .tiff or .png file, got {str(out)!r}.")
    if per_frame and ext == ".png":
        raise ValueError(f"`--out` with --per-frame expects a .npy or .tif file (the stack of per-frame "
                         f"maps; a .png shows one map), got {str(out)!r}.")
    refuse_existing(out, force=force)
    from ..measures import local_maps_of_volumes

    why = local_maps_of_volumes()  # None once infopix.local takes (Z, Y, X) volumes
    img, label, info = load_image(image, channel, axes=axes, max_pixels=max_pixels, info=True,
                                  volumes=True if why is None else why, per_frame=per_frame)
    volume = info.get("axes") == "zyx"
    name, fixed = LOCAL_MAPS[measure]
    kw = map_options(measure, alpha=alpha, base=base, estimator=estimator, edge=edge, bins=bins)
    func = getattr(infopix, name)
    if per_frame:  # the 2-D map of every frame, stacked (T, Y, X)
        result = np.stack([func(frame, radius, **fixed, **kw) for frame in img])
    else:
        result = func(img, radius, **fixed, **kw)
    from ..provenance import KEY, map_unit, record

    unit = map_unit(measure, base)

    prov = record(command="localmap", input=image, unit=unit,
                  estimator=estimator if measure == "entropy" else None,
                  parameters={"measure": measure, "radius": radius, "channel": channel, **kw})
    if ext == ".png":
        est = f", {estimator}" if measure == "entropy" else ""
        shown, where = result, ""
        if volume:  # a volume's map: its XY slice through the centre
            z = result.shape[0] // 2
            shown, where = result[z], f", XY slice z = {z}"
        _write_figure(out, shown, f"{measure} (r = {radius}, {edge}{est}{where}) of {Path(label).name}",
                      unit, force)
    else:
        # a TIFF carries the provenance in its description; .npy has no place for it
        meta = {KEY: prov} if ext in (".tif", ".tiff") else None
        infopix.write_image(out, result, metadata=meta, force=force)
    summary = {
        "image": label,
        "measure": measure,
        "radius": radius,
        "edge": edge,
        "estimator": estimator if measure == "entropy" else None,
        "alpha": alpha if measure == "entropy" else None,
        "unit": unit,
        "shape": list(result.shape),
        **({"axes": "tyx", "per_frame": True, "frames": [
            {"frame": t, "min": float(m.min()), "mean": float(m.mean()), "max": float(m.max())}
            for t, m in enumerate(result)]} if per_frame else {}),
        **({"axes": "zyx"} if volume else {}),
        "min": float(result.min()),
        "mean": float(result.mean()),
        "max": float(result.max()),
        "uncertainty": MAP_SUMMARY_UNCERTAINTY,
        "out": str(out),
        "provenance": prov,
    }
    if as_json:
        print_json(summary)
    elif not quiet and per_frame:
        print_frames(label, img.shape, summary["frames"], {
            f"min ({unit})": lambda r: f"{r['min']:.4g}", f"mean ({unit})": lambda r: f"{r['mean']:.4g}",
            f"max ({unit})": lambda r: f"{r['max']:.4g}"}, as_json=False)
        console.print(f"wrote the (T, Y, X) stack of maps to {out} (min, mean and max are exact for "
                      f"these maps: no uncertainty)", markup=False)
    elif not quiet:
        from ..formatting import format_value as fv

        console.print(
            f"{label}: local {measure} r={radius} ({edge}) -> {out}  "
            f"(min {fv(summary['min'])}, mean {fv(summary['mean'])}, max {fv(summary['max'])} {unit}; "
            f"exact for this image's map: no uncertainty)",
            markup=False,
        )


def _write_figure(path: Path, result, title: str, unit: str, force: bool) -> None:
    import infopix

    fig, ax = pyplot().subplots(figsize=(6, 5))
    infopix.plot_map(result, ax=ax, title=title, label=unit)
    ax.set_xticks([])
    ax.set_yticks([])
    save_figure(fig, path, force=force)
