"""``infopix analyze``: the main job, a report a person reads."""

from __future__ import annotations

import math
import os
from pathlib import Path

import typer

from ._common import (
    AXES_OPTION,
    MAX_PIXELS_OPTION,
    command,
    channel_option,
    check_positive,
    check_seed,
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

A volume (axes zyx: a multi-page TIFF that says so, or --axes zyx) is shown as orthogonal slices and a maximum-intensity projection, each 3-D measure computed on the volume; sections that are 2-D only say "not applicable to volumes" and why. A series (axes tyx) is measured frame by frame: each headline number against the frame index, and the full sections of the middle frame.

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


#: Peak memory of a report per analysed pixel, in bytes, beyond the ~0.3 GB of the
#: program itself: peak RSS grew by ~87 (--quick) and ~216 (full) bytes per pixel from
#: 512x512 to 1024x1024 (this machine, 2026-11-29), and by ~29 per pixel with --quick on a
#: 268-Mpx image (issue 16). The per-pixel arrays dominate for large images, so the
#: large-image figure is used, and the full report scaled by the measured full/quick
#: ratio (~2.5). An estimate (within a factor ~2), so a report is refused only when it
#: exceeds the memory available by it.
BYTES_PER_PIXEL = {True: 30, False: 75}
BASE_BYTES = 300 * 2**20


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux MemAvailable), or None."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(shape, label: str, *, quick: bool) -> None:
    """Refuse (MemoryError, one line) an image whose report would not fit in memory."""
    avail = available_memory()
    if avail is None:
        return
    npix = math.prod(int(n) for n in shape[:3])  # an image, a volume, or a series held whole
    need = BASE_BYTES + BYTES_PER_PIXEL[quick] * npix
    if need <= avail:
        return
    gb = 2.0**30
    hint = ""
    if not quick and BASE_BYTES + BYTES_PER_PIXEL[True] * npix <= avail:
        hint = " (--quick needs about {:.1f} GB)".format((BASE_BYTES + BYTES_PER_PIXEL[True] * npix) / gb)
    raise MemoryError(
        f"{label} ({' x '.join(map(str, shape[:3]))} {'voxels' if len(shape) == 3 else 'pixels'}) needs about {need / gb:.1f} GB for a report"
        f"{' with --quick' if quick else ''}, more than the {avail / gb:.1f} GB of memory "
        f"available{hint}; for an image this size compute local maps chunk by chunk: "
        f"infopix localmap IMAGE --chunks 2048 -o map.zarr"
    )


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
    seed: int = typer.Option(None, "--seed", help="Random seed of the stochastic parts (the Ising run, CID's shuffled reference); recorded in results.json's parameters."),
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

    check_seed(seed)
    cfg = load_config(config) if config is not None else {}
    if radius:
        cfg.setdefault("local", {})["radii"] = [check_positive(r, "--radius") for r in radius]
    keys = default_sections() + (["ising"] if ising else [])
    if seed is not None:  # every stochastic section (the Ising run, CID's shuffle)
        for key, p in resolve_params(sections=keys).items():
            if "seed" in p:
                cfg.setdefault(key, {})["seed"] = seed
    resolve_params(cfg, quick=quick, sections=keys)  # unknown keys fail before any work
    if out.exists() and not force:
        raise FileExistsError(f"output {str(out)!r} exists; pass --force to replace it.")

    paths = list(images) if images else [None]
    loaded = []
    for p in paths:  # read and check every input first: a bad one fails before any work
        img, label, info = load_image(p, channel, axes=axes, max_pixels=max_pixels, info=True,
                                      volumes=True, series=True)
        check_memory(img.shape, label, quick=quick)  # before any work
        # validates: finite, bool/integer/float, >= 2 pixels (every frame of a series)
        for one in (img if info.get("axes") == "tyx" else [img]):
            ImageContext(one, volume=info.get("axes") == "zyx")
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
        # a series runs every section on every frame
        steps = sum(len(keys) * (info["shape"][0] if info.get("axes") == "tyx" else 1)
                    for _, _, _, info in loaded)
        task = progress.add_task("analysing", total=steps)
        for img, label, path, info in loaded:
            if img is None:
                img, _ = load_image(path, channel, axes=axes, max_pixels=max_pixels, volumes=True,
                                    series=True)
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
        nalerts = sum(len(r.overview.get("alerts", ())) for r in reports)
        what = (f"{n} image{'s' if n > 1 else ''}, {len(keys)} sections, "
                f"{nalerts} alert{'' if nalerts == 1 else 's'}")
        # stdout is one clean path (for pipes); stderr does not repeat it, except with
        # --json, where stdout holds the JSON and stderr is the only place it is named
        if as_json:
            err_console.print(f"report: {main} ({what})", highlight=False)
        else:
            err_console.print(f"report written ({what})", highlight=False)
            console.print(str(main))
