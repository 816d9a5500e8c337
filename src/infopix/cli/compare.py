"""``infopix compare``: the headline measures of several reports side by side."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import command, console, err_console, force_option, one_line_errors, quiet_option


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
    quiet: bool = quiet_option("Print nothing but errors."),
):
    """Compare reports: OUT/index.html with a sortable table of every headline measure
    (rounded to its uncertainty), thumbnails, links to each report, and plots of each
    measure across images (OUT/figures/compare.png, .svg).

    Example: infopix compare runs/a/results.json runs/b -o comparison
    """
    import os
    import shutil
    import tempfile

    from ..report._compare import comparison_figure, index_html, load_results
    from ..report._figures import check_formats, figure_formats

    formats = check_formats(figure_format, name="--figure-format")
    data = load_results(results)
    out = Path(out)
    if out.exists() and not force:
        raise FileExistsError(f"output {str(out)!r} exists; pass --force to replace it.")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise FileNotFoundError(f"output folder {str(parent)!r} does not exist.")
    folders = [p if p.is_dir() else p.parent for p in map(Path, results)]
    links, thumbs = [], []
    for f in folders:
        html = f / "report.html"
        links.append(os.path.relpath(html, out.resolve()) if html.exists() else "")
        pic = f / "figures" / "image_image.png"
        thumbs.append(pic.read_bytes() if pic.is_file() else b"")
    names = [Path(str(d.get("input", {}).get("source", "image"))).name or "image" for d in data]
    with figure_formats(formats):
        fig = comparison_figure(data, names)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.part.", dir=parent))
    try:
        if fig is not None:
            (tmp / "figures").mkdir()
            (tmp / "figures" / "compare.png").write_bytes(fig)
            for fmt, b in fig.formats.items():
                (tmp / "figures" / f"compare.{fmt}").write_bytes(b)
        (tmp / "index.html").write_text(index_html(data, links, thumbs, fig), encoding="utf-8")
        os.chmod(tmp, 0o755)
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if not quiet:
        err_console.print(f"comparison of {len(data)} reports: {out / 'index.html'}", highlight=False)
        console.print(str(out / "index.html"))
