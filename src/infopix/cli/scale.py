"""``infopix scale``: intensity entropy against Gaussian smoothing scale."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import typer

from ._common import (
    AXES_OPTION,
    MAX_PIXELS_OPTION,
    PER_FRAME_OPTION,
    channel_option,
    check_range,
    command,
    console,
    err_console,
    force_option,
    image_argument,
    json_option,
    load_image,
    one_line_errors,
    print_frames,
    print_json,
    json_text,
    pyplot,
    quiet_option,
    refuse_existing,
    save_figure,
)

SCALES_HELP = (
    "Scales as START:STOP:COUNT (COUNT evenly spaced values from START to STOP, both "
    "included, like numpy.linspace) or a comma list. In --unit px, or with --unit "
    "fraction as a fraction of the longest side. Example: '--scales 0:0.05:50 --unit "
    "fraction' is 50 sigmas from 0 to 5% of the longest side; '--scales 0,1,2,4,8' five "
    "sigmas in pixels."
)


#: The most scales ``--scales`` accepts (each one is a blur of the whole image).
MAX_SCALES = 10_000


def parse_scales(text: str) -> list[float]:
    """``'START:STOP:COUNT'`` (inclusive, like numpy.linspace) or ``'a,b,c'``."""
    import numpy as np

    t = text.strip()
    if ":" in t:
        parts = t.split(":")
        if len(parts) != 3:
            raise ValueError(
                f"`--scales` expects START:STOP:COUNT (e.g. 0:0.05:50) or a comma list, got {text!r}."
            )
        try:
            start, stop = float(parts[0]), float(parts[1])
            count = int(parts[2])
        except ValueError:
            raise ValueError(
                f"`--scales` expects START:STOP:COUNT with numbers START, STOP and an integer "
                f"COUNT >= 1 (e.g. 0:0.05:50), got {text!r}."
            ) from None
        if not 1 <= count <= MAX_SCALES:
            raise ValueError(
                f"`--scales` COUNT expects an integer from 1 to {MAX_SCALES} (each scale is a "
                f"blur of the whole image), got {count} in {text!r}."
            )
        if count > 1 and not stop > start:
            raise ValueError(f"`--scales` needs START < STOP (scales increase), got {text!r}.")
        return np.linspace(start, stop, count).tolist()
    items = t.split(",")
    try:
        if any(not s.strip() for s in items):
            raise ValueError
        values = [float(s) for s in items]
    except ValueError:
        raise ValueError(
            f"`--scales` expects START:STOP:COUNT (e.g. 0:0.05:50) or comma-separated numbers "
            f"(no empty item), got {text!r}."
        ) from None
    if len(values) > MAX_SCALES:
        raise ValueError(f"`--scales` expects at most {MAX_SCALES} scales, got {len(values)}.")
    return values


def _outputs(out: Path) -> tuple[Path, Path, Path]:
    stem = out.with_suffix("") if out.suffix.lower() in (".png", ".csv", ".json") else out
    return (stem.with_name(stem.name + ".png"), stem.with_name(stem.name + ".csv"),
            stem.with_name(stem.name + ".json"))


@command("scale")
@one_line_errors
def scale_command(
    image: Path = image_argument(),
    scales: str = typer.Option("0:0.05:26", "--scales", "-s", help=SCALES_HELP),
    unit: str = typer.Option("fraction", "--unit", "-u", help="Unit of --scales: px or fraction (of the longest side)."),
    quantize: bool = typer.Option(False, "--quantize", help="Re-quantise each blurred image to the input dtype before counting (what a blur returning an integer image measures)."),
    bins: int = typer.Option(None, "--bins", help="Bins fixed for all scales (default: one per level for integer images, 256 for float)."),
    mode: str = typer.Option("reflect", "--mode", help="Boundary: reflect (numpy 'symmetric'), mirror, wrap, nearest, constant."),
    truncate: float = typer.Option(4.0, "--truncate", help="Kernel radius in sigmas."),
    estimator: str = typer.Option("plugin", "--estimator", "-e", help="Entropy estimator (plugin, miller_madow, ...)."),
    strip: int = typer.Option(5, "--strip", help="Number of blurred images shown under the curve (0: none)."),
    out: Path = typer.Option(Path("infopix-scale"), "--out", "-o", help="Output stem: writes OUT.png, OUT.csv and OUT.json."),
    channel: str = channel_option(),
    force: bool = force_option(),
    as_json: bool = json_option("Also print the result as JSON."),
    quiet: bool = quiet_option(),
    axes: str = AXES_OPTION,
    max_pixels: int = MAX_PIXELS_OPTION,
    spacing: str = typer.Option(
        None, "--spacing",
        help="Volumes: voxel size per axis as Z,Y,X (e.g. 2,0.5,0.5), or 'file' for the sizes the "
        "file records; the scales are then in that unit (anisotropic in voxels). Default: "
        "scales in voxels, the same along every axis.",
    ),
    per_frame: bool = PER_FRAME_OPTION,
):
    """Intensity entropy of IMAGE against Gaussian smoothing scale (curve as PNG, CSV, JSON).

    A volume (axes zyx) is blurred in 3-D (see --spacing); a series (axes tyx) needs
    --per-frame: one curve per frame (OUT.csv gains a frame column, OUT.json a frames list).

    Bins are fixed once from the original image, so the curve is not held up by
    re-normalisation.

    Sigmas are in pixels (voxels for a volume), or with --spacing in the spacing's unit
    (the file's, e.g. um): OUT.csv's sigma column is scale_px, or scale_<unit> with
    --spacing (e.g. scale_um), and OUT.json's "sigma_unit" names it.

    OUT.csv is plain CSV (no comment lines, so any CSV reader takes it); its
    provenance (infopix version, the input's SHA-256, parameters, unit, estimator) is
    the "provenance" entry of OUT.json, written and replaced together with it.

    Example: infopix scale photo.png --scales 0:0.05:50 --unit fraction -o curve
    """
    import numpy as np

    import infopix

    from ..formatting import format_value
    from ..outputs import output_set
    from ..report.sections.scale import scale_curve_axes

    png, csv_path, json_path = _outputs(out)
    refuse_existing(png, csv_path, json_path, force=force)
    values = parse_scales(scales)  # before reading the image: a bad option fails at once
    check_range(strip, "--strip", 0, 50, why="blurred images shown under the curve")
    img, label, info = load_image(image, channel, axes=axes, max_pixels=max_pixels, volumes=True,
                                  per_frame=per_frame, info=True)
    volume = info.get("axes") == "zyx"
    sp = _spacing(spacing, info, volume)
    kwargs = dict(unit=unit, bins=bins, quantize=quantize, estimator=estimator, mode=mode, truncate=truncate)
    if sp is not None:
        kwargs["spacing"] = sp
        if spacing.strip() == "file" and info.get("unit"):
            kwargs["spacing_unit"] = info["unit"]
    frames = list(img) if per_frame else [img]
    curves = []
    if quiet or as_json:
        curves = [infopix.entropy_vs_scale(f, values, **kwargs) for f in frames]
    else:
        from rich.progress import Progress

        with Progress(console=err_console, transient=True, disable=not err_console.is_terminal) as bar:
            task = bar.add_task("blurring", total=len(values) * len(frames))
            for t, f in enumerate(frames):
                done0 = t * len(values)
                curves.append(infopix.entropy_vs_scale(
                    f, values, progress=lambda done, total, d0=done0: bar.update(task, completed=d0 + done),
                    **kwargs))
    curve = curves[len(curves) // 2]
    from ..provenance import record

    prov = record(command="scale", input=image, unit="bits", estimator=estimator,
                  parameters={"scales": values, "channel": channel, "per_frame": per_frame, **kwargs})
    result = {
        "image": label,
        "shape": list(img.shape),
        "dtype": str(img.dtype),
        # the unit of --scales: 'fraction', or what the sigmas are in (px, voxels, or the
        # spacing's unit: ScaleCurve.sigma_unit, also the name of the scale_* column)
        "unit": unit if unit == "fraction" else curve.sigma_unit,
        "sigma_unit": curve.sigma_unit,
        "mode": mode,
        "truncate": truncate,
        "quantize": quantize,
        "estimator": estimator,
        "bins": curve.bins,
        "range": list(curve.range),
        "entropy_unit": "bits",
        "entropy_std_assumes": (
            "spatial: each blurred image is one realisation of a correlated random field"
            if curve.uncertainty == "spatial" else "iid: independent pixels"
        ),
        "uncertainty": "entropy_std: the standard error of each entropy (see entropy_std_assumes); "
        "std (the contrast) is exact for each blurred image",
        **({"axes": "tyx", "per_frame": True,
            "frames": [{"frame": t, **c.table()} for t, c in enumerate(curves)]}
           if per_frame else curve.table()),
        **({"axes": "zyx", "spacing": None if sp is None else list(sp)} if volume else {}),
        # how the curve was made; OUT.csv is plain CSV (any reader takes it), and this
        # OUT.json, written and replaced together with it, is its provenance sidecar
        "provenance": prov,
    }

    # figure
    plt = pyplot()
    nstrip = 0 if per_frame else max(0, min(int(strip), len(values)))
    fig = plt.figure(figsize=(max(6.0, 1.9 * nstrip), 6.0 if nstrip else 3.8), constrained_layout=True)
    if nstrip:
        gs = fig.add_gridspec(2, nstrip, height_ratios=[2.2, 1])
        ax = fig.add_subplot(gs[0, :])
        strip_axes = [fig.add_subplot(gs[1, i]) for i in range(nstrip)]
    else:
        ax = fig.add_subplot(1, 1, 1)
    scale_curve_axes(ax, curves, [f"frame {t}" for t in range(len(curves))] if per_frame else None)
    what = "volume, 3-D blur" if volume else (f"{len(curves)} frames" if per_frame else mode)
    ax.set_title(f"{Path(label).name}: entropy vs scale ({what}, {'re-quantised' if quantize else 'fixed bins'})", fontsize=9)
    if nstrip:
        idx = np.unique(np.linspace(0, len(values) - 1, nstrip).round().astype(int))
        curve.plot_strip(curve.scales[idx], axes=strip_axes[: idx.size])
        for a in strip_axes[idx.size:]:
            a.set_axis_off()

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for t, c in enumerate(curves):
        cols = c.table()
        if t == 0:
            w.writerow((["frame"] if per_frame else []) + list(cols))
        for row in zip(*cols.values()):
            w.writerow(([str(t)] if per_frame else []) + [repr(float(x)) for x in row])
    # the three files are committed together: all new, or (on any failure) all as before
    with output_set([png, csv_path, json_path], force=force, flags=["--out"] * 3) as (tp, tc, tj):
        save_figure(fig, tp, force=True, tight=False)
        tc.write_text(buf.getvalue())
        tj.write_text(json_text(result))

    if as_json:
        print_json(result)
    elif not quiet:
        def ends(c):
            err = np.asarray(c.entropy_std, dtype=float)
            return [format_value(c.entropies[i], None if np.isnan(err[i]) else err[i]) for i in (0, -1)]

        if per_frame:
            rows = [{"frame": t, "ends": ends(c)} for t, c in enumerate(curves)]
            print_frames(label, img.shape, rows, {"first scale (bits)": lambda r: r["ends"][0],
                                                  "last scale (bits)": lambda r: r["ends"][1]},
                         as_json=False)
        else:
            first, last = ends(curve)
            console.print(
                f"{label}: {len(values)} scales, entropy {first} -> {last} bits", soft_wrap=True
            )
        for p in (png, csv_path, json_path):
            console.print(f"wrote {p}")


def _spacing(text, info: dict, volume: bool):
    """``--spacing``: None, the file's voxel sizes ('file') or Z,Y,X numbers; volumes only."""
    if text is None:
        return None
    if not volume:
        raise ValueError(f"`--spacing` applies to volumes (axes zyx), got {text!r} for a 2-D input.")
    if text.strip() == "file":
        sp = info.get("spacing")
        if not sp or len(sp) != 3 or None in sp:
            raise ValueError(
                f"`--spacing` 'file': the file records no voxel size for every axis (got {sp!r}); "
                f"pass the sizes as Z,Y,X."
            )
        return tuple(float(v) for v in sp)
    try:
        sp = tuple(float(v) for v in text.split(","))
    except ValueError:
        sp = ()
    if len(sp) != 3 or not all(v > 0 and v < float("inf") for v in sp):
        raise ValueError(f"`--spacing` expects three voxel sizes > 0 as Z,Y,X (e.g. 2,0.5,0.5) or 'file', got {text!r}.")
    return sp
