"""``infopix entropy``: entropies of an image's intensity distribution."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import (
    AXES_OPTION,
    MAX_PIXELS_OPTION,
    command,
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
    channel: str = channel_option(joint=True),
    as_json: bool = json_option(),
    axes: str = AXES_OPTION,
    max_pixels: int = MAX_PIXELS_OPTION,
):
    """Entropy of the intensity distribution of IMAGE, in bits by default.

    Example: infopix entropy photo.png --alpha 2 --json
    """
    import numpy as np

    import infopix

    img, label = load_image(image, channel, joint=True, axes=axes, max_pixels=max_pixels)
    alpha_v = np.inf if alpha == float("inf") else alpha
    value = infopix.intensity_entropy(
        img, alpha=alpha_v, base=base, estimator=estimator, bins=bins,
        channel="joint" if img.ndim == 3 else "luminance",
    )
    unit = {2.0: "bits", float(np.e): "nats", 10.0: "dits"}.get(float(base), f"log base {base:g}")
    result = {
        "image": label,
        "shape": list(img.shape),
        "dtype": str(img.dtype),
        "channel": None if channel is None else channel,
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
