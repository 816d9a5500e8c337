"""``infopix analyze``: the main job, a report on one image."""

from __future__ import annotations

from pathlib import Path

import typer

from . import app
from ._common import console, err_console, load_image, one_line_errors


@app.command("analyze")
@one_line_errors
def analyze_command(
    image: Path = typer.Argument(None, help="Image file; the bundled sample image if omitted."),
    out: Path = typer.Option(Path("infopix-report"), "--out", "-o", help="Output folder."),
    force: bool = typer.Option(False, "--force", "-f", help="Overwrite an existing report."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
):
    """Analyse IMAGE and write a report (results.json and figures) to --out.

    Example: infopix analyze photo.tif -o report --force
    """
    from ..report import analyze

    img, label = load_image(image)
    report = analyze(img, source=label)
    paths = report.write(out, force=force)
    if not quiet:
        for p in paths:
            console.print(f"wrote {p}")
