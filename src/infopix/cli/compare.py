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
        ..., help="results.json files written by `infopix analyze` (or the folders holding "
        "them), or the Parquet results of `infopix batch` (its OUT folder, or a .parquet "
        "file); one kind per run.",
        show_default=False,
    ),
    out: Path = typer.Option(Path("infopix-compare"), "--out", "-o", help="Output folder."),
    force: bool = force_option("Replace an existing output folder."),
    figure_format: str = typer.Option(
        "png,svg", "--figure-format",
        help="Formats of the comparison figure, comma separated: png, svg, pdf.",
    ),
    as_json: bool = json_option("Also print the compared rows as JSON (full precision)."),
    quiet: bool = quiet_option("Print nothing but errors."),
):
    """Compare reports or a batch's results across images in OUT/index.html.

    A sortable table of every headline measure of
    the reports, or of every measure column of a batch (each rounded to its uncertainty,
    or marked as having none), thumbnails, links to each report, and plots of each
    measure across images with error bars (OUT/figures/compare.png, .svg). From a batch,
    rows recorded with an error are listed as failed (not plotted) and the provenance
    (infopix version, parameters) read from the Parquet metadata is shown.

    Example: infopix compare runs/a/results.json runs/b -o comparison

    Example: infopix compare results.parquet -o comparison
    """
    from ..report import check_formats, comparison_rows, write_comparison

    formats = check_formats(figure_format, name="--figure-format")
    index = write_comparison(results, out, force=force, figure_formats=formats)
    if as_json:
        print_json(comparison_rows(results))
    if not quiet:
        what = "inputs" if len(results) != 1 else "input"
        err_console.print(f"comparison of {len(results)} {what}: {index}", highlight=False)
        if not as_json:
            console.print(str(index))
