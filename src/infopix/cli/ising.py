"""``infopix ising``: run an Ising model on an image; movie, final image, observables."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import (
    AXES_OPTION,
    MAX_PIXELS_OPTION,
    channel_option,
    check_range,
    check_seed,
    command,
    console,
    err_console,
    force_option,
    image_argument,
    json_option,
    load_image,
    one_line_errors,
    print_json,
    json_text,
    quiet_option,
    refuse_existing,
)

#: The most sweeps ``--sweeps`` accepts (a 512x512 image: minutes at ~10 ns per flip).
MAX_SWEEPS = 1_000_000

SCHEDULE_HELP = (
    "Inverse temperature per sweep: a number (constant), constant:B, linear:B0:B1, "
    "geometric:B0:B1 or arctan:C (beta = C*(pi/2)/arctan(n-i) at sweep i of n); join parts "
    "with '+' to run them one after another, e.g. 'linear:4:0.001+linear:0.001:4' (anneal, "
    "then reverse)."
)


def parse_schedule(text: str):
    """Parse the ``--schedule`` grammar into an :class:`infopix.ising.Schedule`."""
    from infopix import ising

    makers = {"constant": (ising.constant, 1), "linear": (ising.linear, 2),
              "geometric": (ising.geometric, 2), "arctan": (ising.arctan, 1)}
    parts = []
    for piece in text.split("+"):
        piece = piece.strip()
        fields = piece.split(":")
        try:
            if len(fields) == 1:
                parts.append(ising.constant(float(fields[0])))
                continue
            name, args = fields[0].lower(), [float(x) for x in fields[1:]]
        except ValueError:
            name, args = None, []
        if name not in makers or len(args) != makers[name][1]:
            raise ValueError(
                f"`--schedule` part {piece!r} is not one of B, constant:B, linear:B0:B1, "
                f"geometric:B0:B1, arctan:C (parts joined with '+'); got {text!r}."
            )
        parts.append(makers[name][0](*args))
    return parts[0] if len(parts) == 1 else ising.concat(*parts)


@command("ising")
@one_line_errors
def ising_command(
    image: Path = image_argument(),
    model: str = typer.Option("standard", "--model", help="standard (thresholded spins), grey (2x/max-1 spins), edge (edge mask: --edges or Canny edges of the image), metric (agree with the thresholded image)."),
    schedule: str = typer.Option("arctan:0.5", "--schedule", help=SCHEDULE_HELP),
    sweeps: int = typer.Option(100, "--sweeps", "-n", help="Number of sweeps (M*N attempted flips each)."),
    method: str = typer.Option("checkerboard", "--method", help="checkerboard (parallel sublattices), metropolis (random sites), wolff (standard model only) or multispin (standard model, 64 spins per word; rows divisible by 128, even columns)."),
    acceptance: str = typer.Option("metropolis", "--acceptance", help="metropolis or heat-bath."),
    edges: Path = typer.Option(None, "--edges", help="Edge image for --model edge (pixels above half scale are edges)."),
    variant: str = typer.Option("neighbour", "--variant", help="Edge model variant: neighbour (the energy of neighbouring pairs on edges) or site (the energy of edge sites)."),
    symmetric: bool = typer.Option(False, "--symmetric", help="Metric model: the inversion-symmetric energy (unchanged when every spin flips)."),
    threshold: float = typer.Option(None, "--threshold", help="Spin threshold in image units (default: half the full scale)."),
    seed: int = typer.Option(None, "--seed", help="Random seed (default: fresh entropy). The seed used is recorded in --json/--json-out; passing it back reproduces the run exactly."),
    record_every: int = typer.Option(None, "--record-every", help="Sweeps between frames/records (default: sweeps/100, at least 1)."),
    movie: Path = typer.Option(None, "--movie", help="Write the frames as a movie (.gif or .mp4)."),
    fps: float = typer.Option(10.0, "--fps", help="Movie frames per second."),
    out: Path = typer.Option(None, "--out", "-o", help="Write the final configuration as an 8-bit PNG (or .npy)."),
    json_out: Path = typer.Option(None, "--json-out", help="Write the observables table and run summary as JSON."),
    channel: str = channel_option(),
    force: bool = force_option(),
    as_json: bool = json_option("Print the run summary as JSON."),
    quiet: bool = quiet_option("No progress bars or summary."),
    axes: str = AXES_OPTION,
    max_pixels: int = MAX_PIXELS_OPTION,
):
    """Run Ising dynamics on IMAGE and report energy and magnetisation.

    Example: infopix ising letters.png --model edge --schedule arctan:0.5 --sweeps 200 --seed 1 --movie run.gif
    """
    import time

    import numpy as np

    from infopix import ising

    from ..outputs import output_set
    from ..io import write_image

    refuse_existing(movie, out, json_out, force=force)
    check_range(sweeps, "--sweeps", 1, MAX_SWEEPS, why="the run's time grows with it")
    check_range(record_every, "--record-every", 1)
    check_range(fps, "--fps", 1e-3, 1e3)
    check_seed(seed)
    if movie is not None and movie.suffix.lower() not in (".gif", ".mp4"):
        raise ValueError(f"`--movie` expects a .gif or .mp4 file name, got {str(movie)!r}.")
    from ..measures import MEASURES

    # the report's Ising section refuses volumes for the same reason
    why = MEASURES["ising"].volume_reason() if "ising" in MEASURES else "it runs on 2-D lattices"
    img, label = load_image(image, channel, axes=axes, max_pixels=max_pixels, volumes=why)
    sched = parse_schedule(schedule)
    if model == "grey":
        if threshold is not None:
            raise ValueError("`--threshold` does not apply to --model grey (spins are 2x/max-1).")
        spins = ising.spins_from_image(img, method="linear")
        mdl = ising.GreyIsing()
    elif model in ("standard", "edge", "metric"):
        spins = ising.spins_from_image(img, method="threshold", threshold=threshold)
        if model == "standard":
            mdl = ising.StandardIsing()
        elif model == "metric":
            mdl = ising.MetricIsing(spins, symmetric=symmetric)
        else:
            if edges is not None:
                eimg, _ = load_image(edges, max_pixels=max_pixels)
                mask = ising.spins_from_image(eimg) > 0
            else:
                from skimage.feature import canny

                mask = canny(np.asarray(img, dtype=np.float64))
            if mask.shape != spins.shape:
                raise ValueError(
                    f"`--edges` image has shape {mask.shape}, the image {spins.shape}; they must match."
                )
            mdl = ising.EdgeIsing(mask, variant=variant)
    else:
        raise ValueError(f"`--model` expects one of standard, grey, edge, metric, got {model!r}.")
    if record_every is None:
        record_every = max(1, sweeps // 100)
    t0 = time.perf_counter()
    run = ising.simulate(mdl, spins, schedule=sched, sweeps=sweeps, method=method,
                         acceptance=acceptance, rng=seed, record_every=record_every,
                         keep_frames=movie is not None, progress=not quiet)
    elapsed = time.perf_counter() - t0
    obs = run.observables
    summary = {
        "image": label,
        "shape": list(run.final.shape),
        "model": repr(mdl),
        "schedule": sched.description,
        "method": method,
        "acceptance": acceptance,
        "sweeps": sweeps,
        "seed": run.seed,
        "seconds": round(elapsed, 3),
        "final": {
            "beta": obs["beta"][-1],
            "energy_per_site": obs["energy"][-1],
            "magnetisation": obs["magnetisation"][-1],
            "acceptance": obs["acceptance"][-1],
        },
        "uncertainty": "no uncertainty: the final configuration's values are exact (one "
        "configuration of this seeded run, not a thermal average; infopix.ising.measure gives "
        "averages with errors)",
        "movie": str(movie) if movie else None,
        "out": str(out) if out else None,
    }
    # -o, --movie and --json-out are committed together: all new, or all as before
    with output_set([movie, out, json_out], force=force,
                    flags=["--movie", "--out", "--json-out"]) as (t_movie, t_out, t_json):
        if movie is not None:
            run.save_movie(t_movie, fps=fps, progress=not quiet)
        if out is not None:
            if out.suffix.lower() == ".npy":
                write_image(t_out, run.final)
            else:
                frame = np.rint(255.0 * (np.asarray(run.final, dtype=np.float64) + 1.0) / 2.0)
                write_image(t_out, frame.astype(np.uint8))
        if json_out is not None:
            from infopix.provenance import record

            prov = record(command="ising", input=image,
                          parameters={k: summary[k] for k in ("model", "schedule", "method",
                                                              "acceptance", "sweeps", "seed")},
                          unit="energy per site in units of J; magnetisation per site")
            t_json.write_text(json_text({**summary, "observables": obs, "provenance": prov}))
    if as_json:
        print_json(summary)
    elif not quiet:
        f = summary["final"]
        console.print(
            f"{label}: {type(mdl).__name__}, {method}, {sweeps} sweeps in {elapsed:.2f} s; "
            f"final beta = {f['beta']:.4g}, energy/site = [bold]{f['energy_per_site']:.4f}[/bold], "
            f"m = {f['magnetisation']:.4f}, acceptance = {f['acceptance']:.3f} (of the final "
            f"configuration: exact values, no uncertainty; for averages with errors use "
            f"infopix.ising.measure)",
            soft_wrap=True,
        )
        for p in (movie, out, json_out):
            if p is not None:
                err_console.print(f"wrote {p}")
