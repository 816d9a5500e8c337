"""``infopix compare``: the headline measures of several reports side by side."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import (
    command,
    console,
    err_console,
    force_option,
    json_option,
    one_line_errors,
    print_json,
    quiet_option,
)


@command("compare")
@one_line_errors
def compare_command(
    results: list[Path] = typer.Argument(
        ..., help="results.json files written by `infopix analyze`, or the folders holding them.",
        show_default=False,
    ),
    out: Path = typer.Option(Path("infopix-compare"), "--out", "-o", help="Output folder."),
    force: bool = force_option("Replace an existing output folder."),
    figure_format: str = typer.Option(
        "png,svg", "--figure-format",
        help="Formats of the comparison figure, comma separated: png, svg, pdf.",
    ),
    as_json: bool = json_option("Also print the compared headline measures as JSON."),
    quiet: bool = quiet_option("Print nothing but errors."),
):
    """Compare reports: OUT/index.html with a sortable table of every headline measure
    (rounded to its uncertainty), thumbnails, links to each report, and plots of each
    measure across images (OUT/figures/compare.png, .svg).

    Example: infopix compare runs/a/results.json runs/b -o comparison
    """
    import json

    from ..report import check_formats, write_comparison

    formats = check_formats(figure_format, name="--figure-format")
    index = write_comparison(results, out, force=force, figure_formats=formats)
    if as_json:
        rows = []
        for p in results:
            p = Path(p)
            data = json.loads(((p / "results.json") if p.is_dir() else p).read_text("utf-8"))
            rows.append({"source": data.get("input", {}).get("source"),
                         "headline": (data.get("overview") or {}).get("headline", [])})
        print_json(rows)
    if not quiet:
        err_console.print(f"comparison of {len(results)} reports: {index}", highlight=False)
        if not as_json:
            console.print(str(index))
