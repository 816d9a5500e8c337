"""``infopix analyze``: the main job, a report a person reads."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import (
    AXES_OPTION,
    MAX_PIXELS_OPTION,
    command,
    channel_option,
    check_positive,
    console,
    err_console,
    force_option,
    json_option,
    load_image,
    one_line_errors,
    print_json,
    quiet_option,
)

_HELP = """Analyse IMAGE(s) and write a readable report to --out.

Writes OUT/report.html (one self-contained page: an overview with the headline measures and every alert, figures embedded, no network, printable), OUT/results.json (every number with its unit, estimator and uncertainty, the infopix version, input checksums, colour handling and parameters) and OUT/figures/ (each figure as PNG at 200 dpi and SVG; add pdf with --figure-format png,svg,pdf). With no IMAGE, the bundled sample image is analysed.

Several images: one folder per image, OUT/<image stem>/, and OUT/index.html comparing them (a sortable table of the headline measures, thumbnails, plots across images). OUT is written at once (assembled beside it, then renamed): an interrupted run leaves nothing half written, and an existing OUT is replaced only with --force.

--config FILE (TOML or JSON) sets parameters by section, e.g. a TOML file with the two lines "\\[local]" and "radii = [2, 5]". The same file works with `infopix batch`. The sections (`infopix.measures`), their keys and defaults:

{config_keys}

Example: infopix analyze photo.tif -o report --force --config params.toml
"""


def config_keys() -> str:
    """One line per measure of the registry: its configuration keys with their defaults."""
    import json

    from ..measures import MEASURES

    lines = ["\b"]
    for key, m in MEASURES.items():
        items = ", ".join(f"{k} = {json.dumps(v)}" for k, v in m.defaults.items())
        lines.append(
            f"  \\[{key}] {items or '(no parameters)'}" + ("  (with --ising)" if m.optional else "")
        )
    return "\n".join(lines)


@command("analyze", help=_HELP.replace("{config_keys}", config_keys()))
@one_line_errors
def analyze_command(
    images: list[Path] = typer.Argument(
        None,
        help="Image files (PNG, JPEG, TIFF, .npy); the bundled sample image if omitted.",
        show_default=False,
    ),
    out: Path = typer.Option(Path("infopix-report"), "--out", "-o", help="Output folder."),
    force: bool = force_option("Replace an existing output folder."),
    quick: bool = typer.Option(
        False, "--quick", help="Fewer radii, scales and sweeps: seconds, not tens of seconds."
    ),
    config: Path = typer.Option(
        None, "--config", "-c", help="TOML or JSON file of parameters by section (see above)."
    ),
    radius: list[int] = typer.Option(
        None,
        "--radius",
        "-r",
        help="Local-map radius in pixels (repeat for several); overrides local.radii in --config.",
    ),
    ising: bool = typer.Option(
        False, "--ising", help="Add a short Ising-model demonstration seeded by the image."
    ),
    seed: int = typer.Option(None, "--seed", help="Random seed of the stochastic parts (Ising)."),
    channel: str = channel_option(),
    figure_format: str = typer.Option(
        "png,svg", "--figure-format",
        help="Formats of each figure in OUT/figures, comma separated: png, svg, pdf "
        "(PNG is always written: the report embeds it).",
    ),
    as_json: bool = json_option("Also print results.json to stdout."),
    quiet: bool = quiet_option("No progress display and no summary; errors only."),
    axes: str = AXES_OPTION,
    max_pixels: int = MAX_PIXELS_OPTION,
):
    import dataclasses

    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from ..batch import file_checksum
    from ..measures import ImageContext
    from ..report import (
        analyze,
        check_formats,
        default_sections,
        load_config,
        resolve_params,
        write_reports,
    )

    formats = check_formats(figure_format, name="--figure-format")

    cfg = load_config(config) if config is not None else {}
    if radius:
        cfg.setdefault("local", {})["radii"] = [check_positive(r, "--radius") for r in radius]
    if seed is not None:
        cfg.setdefault("ising", {})["seed"] = seed
    keys = default_sections() + (["ising"] if ising else [])
    resolve_params(cfg, quick=quick, sections=keys)  # unknown keys fail before any work
    if out.exists() and not force:
        raise FileExistsError(f"output {str(out)!r} exists; pass --force to replace it.")

    paths = list(images) if images else [None]
    loaded = []
    for p in paths:  # read and check every input first: a bad one fails before any work
        img, label, info = load_image(p, channel, axes=axes, max_pixels=max_pixels, info=True)
        ImageContext(img)  # validates: finite, bool/integer/float, >= 2 pixels
        # keep the first image; read the others again in turn (memory: one image at a time)
        loaded.append((img if not loaded else None, label, p, info))

    reports = []
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=quiet or not err_console.is_terminal,
    )
    with progress:
        task = progress.add_task("analysing", total=len(loaded) * len(keys))
        for img, label, path, info in loaded:
            if img is None:
                img, _ = load_image(path, channel, axes=axes, max_pixels=max_pixels)
            name = label if len(loaded) == 1 else Path(label).name
            state = {"started": False}

            def step(key, title, _name=name, _state=state):
                if _state["started"]:
                    progress.advance(task)
                _state["started"] = True
                progress.update(task, description=f"{_name}: {title}")

            report = analyze(
                img, source=label, sections=keys, quick=quick, config=cfg, progress=step,
                image_info=info, figure_formats=formats,
            )
            if path is not None:  # the input file's checksum too, whatever channel was taken
                report = dataclasses.replace(report, file_sha256=file_checksum(path))
            reports.append(report)
            progress.advance(task)
        progress.update(task, description="writing report")
        written = write_reports(reports, out, force=force)
    if as_json:
        dicts = [r.to_dict() for r in reports]
        print_json(dicts[0] if len(dicts) == 1 else dicts)
    if not quiet:
        main = written[0]
        n = len(reports)
        err_console.print(
            f"report: {main} ({n} image{'s' if n > 1 else ''}, {len(keys)} sections)",
            highlight=False,
        )
        if not as_json:
            console.print(str(main))
