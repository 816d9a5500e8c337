"""``infopix localmap``: a local information map (entropy, std, mean, ...) of an image."""

from __future__ import annotations

from pathlib import Path

import typer

from . import app
from ._common import (
    AXES_OPTION,
    MAX_PIXELS_OPTION,
    check_range,
    console,
    load_image,
    one_line_errors,
    print_json,
    refuse_existing,
)

#: The smallest ``--chunks`` (pixels a side) accepted.
MIN_CHUNK = 16
MEASURES = ("entropy", "std", "mean", "laurent", "taylor", "surprisal")
_UNITS = {"std": "intensity", "mean": "intensity", "laurent": "levels - 1", "taylor": "-(1 + sum p^2)"}


@app.command("localmap")
@one_line_errors
def localmap_command(
    image: Path = typer.Argument(None, help="Image file (PNG, JPEG, TIFF, .npy); the bundled sample if omitted."),
    radius: int = typer.Option(2, "--radius", "-r", help="Window radius r: the window is the (2r+1)x(2r+1) box."),
    measure: str = typer.Option("entropy", "--measure", "-m", help="entropy | std | mean | laurent | taylor | surprisal."),
    estimator: str = typer.Option("plugin", "--estimator", "-e", help="Entropy estimator (plugin, miller_madow, ...)."),
    alpha: float = typer.Option(1.0, "--alpha", "-a", help="Rényi order for --measure entropy (1 = Shannon)."),
    base: float = typer.Option(2.0, "--base", "-b", help="Logarithm base (2: bits)."),
    edge: str = typer.Option("clip", "--edge", help="Window at the edges: clip (cut), reflect (symmetric) or wrap."),
    bins: int = typer.Option(None, "--bins", help="Bins for float images (default 256 over the data range)."),
    channel: str = typer.Option("luminance", "--channel", help="Colour images: luminance or a channel index."),
    out: Path = typer.Option(..., "--out", "-o", help="Output: .npy / .tif(f) (the float64 map) or .png (figure)."),
    force: bool = typer.Option(False, "--force", "-f", help="Overwrite an existing output."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary (min, mean, max) of the map."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing on success."),
    chunks: int = typer.Option(None, "--chunks", help="Images larger than memory: read lazily, compute chunk by chunk (this many pixels a side) on Dask, write --out .zarr."),
    axes: str = AXES_OPTION,
    max_pixels: int = MAX_PIXELS_OPTION,
):
    """Local map of IMAGE: a value per pixel from the r-box around it.

    .npy and .tif/.tiff outputs hold the float64 map itself; a .png output is a figure
    (the map in the 'inferno' colour map with a colour bar and a title), not data.

    Example: infopix localmap photo.png --radius 5 --measure entropy -o H.tiff
    """
    import numpy as np

    import infopix

    from .. import _validation as v

    v.check_choice(measure, MEASURES, name="--measure")
    check_range(chunks, "--chunks", MIN_CHUNK, why="pixels a side of each chunk; smaller ones cost more than they compute")
    if chunks is not None or out.suffix.lower() == ".zarr":  # chunked on Dask (cli/batch.py, issue 11)
        from .batch import localmap_chunked
        return localmap_chunked(image, out, chunks=chunks, radius=radius, measure=measure, estimator=estimator, alpha=alpha, base=base, edge=edge, bins=bins, force=force, as_json=as_json, quiet=quiet)
    ext = out.suffix.lower()
    if ext not in (".npy", ".tif", ".tiff", ".png"):
        raise ValueError(f"`--out` expects a .npy, .tif, .tiff or .png file, got {str(out)!r}.")
    refuse_existing(out, force=force)
    img, label = load_image(image, channel=channel, axes=axes, max_pixels=max_pixels)
    alpha_v = np.inf if alpha == float("inf") else alpha
    kw = {} if bins is None else {"bins": bins}
    if measure == "entropy":
        result = infopix.local_entropy(img, radius, alpha=alpha_v, base=base, estimator=estimator, edge=edge, **kw)
    elif measure in ("laurent", "taylor", "surprisal"):
        result = infopix.local_expected(img, radius, measure, base=base, edge=edge, **kw)
    elif measure == "mean":
        result = infopix.local_mean(img, radius, edge=edge)
    else:
        result = infopix.local_std(img, radius, edge=edge)
    unit = _UNITS.get(measure) or {2.0: "bits", float(np.e): "nats"}.get(float(base), f"log base {base:g}")
    if ext == ".png":
        _write_figure(out, result, f"{measure} (r = {radius}, {edge}) of {Path(label).name}", unit, force)
    else:
        infopix.write_image(out, result, force=force)
    summary = {
        "image": label,
        "measure": measure,
        "radius": radius,
        "edge": edge,
        "estimator": estimator if measure == "entropy" else None,
        "alpha": alpha if measure == "entropy" else None,
        "unit": unit,
        "min": float(result.min()),
        "mean": float(result.mean()),
        "max": float(result.max()),
        "out": str(out),
    }
    if as_json:
        print_json(summary)
    elif not quiet:
        console.print(
            f"{label}: local {measure} r={radius} ({edge}) -> {out}  "
            f"(min {summary['min']:.4g}, mean {summary['mean']:.4g}, max {summary['max']:.4g} {unit})",
            markup=False,
        )


def _write_figure(path: Path, result, title: str, unit: str, force: bool) -> None:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    import infopix
    from infopix.io import atomic_path

    fig, ax = plt.subplots(figsize=(6, 5))
    try:
        infopix.plot_map(result, ax=ax, title=title, label=unit)
        ax.set_xticks([])
        ax.set_yticks([])
        with atomic_path(path, force=force) as tmp:
            fig.savefig(tmp, format="png", dpi=120, bbox_inches="tight")
    finally:
        plt.close(fig)
