"""``infopix entropy``: entropies of an image's intensity distribution."""

from __future__ import annotations

from pathlib import Path

import typer

from . import app
from ._common import AXES_OPTION, MAX_PIXELS_OPTION, console, load_image, one_line_errors, print_json


@app.command("entropy")
@one_line_errors
def entropy_command(
    image: Path = typer.Argument(None, help="Image file (PNG, JPEG, TIFF, .npy); the bundled sample if omitted."),
    alpha: float = typer.Option(1.0, "--alpha", "-a", help="Rényi order (1 = Shannon, 0, 2, inf allowed)."),
    base: float = typer.Option(2.0, "--base", "-b", help="Logarithm base (2: bits, 2.718281828: nats)."),
    estimator: str = typer.Option("plugin", "--estimator", "-e", help="Entropy estimator (plugin, miller_madow, nsb, ...)."),
    bins: int = typer.Option(None, "--bins", help="Bins for float images (default 256 over the data range)."),
    channel: str = typer.Option("luminance", "--channel", help="Colour images: luminance, joint, or a channel index."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
    axes: str = AXES_OPTION,
    max_pixels: int = MAX_PIXELS_OPTION,
):
    """Entropy of the intensity distribution of IMAGE, in bits by default.

    Example: infopix entropy photo.png --alpha 2 --json
    """
    import numpy as np

    import infopix

    img, label = load_image(image, channel=channel, axes=axes, max_pixels=max_pixels)
    alpha_v = np.inf if alpha == float("inf") else alpha
    value = infopix.intensity_entropy(img, alpha=alpha_v, base=base, estimator=estimator, bins=bins)
    unit = {2.0: "bits", float(np.e): "nats", 10.0: "dits"}.get(float(base), f"log base {base:g}")
    result = {
        "image": label,
        "shape": list(img.shape),
        "dtype": str(img.dtype),
        "alpha": alpha,
        "estimator": estimator,
        "base": base,
        "entropy": value,
        "unit": unit,
    }
    if as_json:
        print_json(result)
    else:
        console.print(f"{label}: H_{alpha:g} = [bold]{value:.6f}[/bold] {unit} ({estimator})")
