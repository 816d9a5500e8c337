"""``infopix batch``: measures over many images on Dask, resumable Parquet output."""

from __future__ import annotations

import contextlib
import logging
import os
import time
import warnings
from pathlib import Path

import typer

from ._common import (
    MAP_SUMMARY_UNCERTAINTY,
    command,
    check_positive,
    console,
    err_console,
    fail,
    force_option,
    json_option,
    map_options,
    one_line_errors,
    parse_channel,
    print_json,
    quiet_option,
    refuse_existing,
)

_HELP = """Apply measures to many images on Dask and write one row per image to OUT.

INPUTS are image files, folders (their image files) or glob patterns (quote them; ** matches sub-folders). Where it runs (--engine): small batches in this process on threads (--workers threads, default one per core), large ones on a local Dask cluster (--workers processes, default one per core); with --scheduler ADDRESS on that cluster (its workers need infopix installed). The rule of --engine auto: the cluster when the images hold 250 Mpx or more in all (about 950 images of 512x512; estimated from the headers of up to 16 of them), threads below (a cluster's start-up and per-task cost are not recovered on small batches); --engine threads or cluster forces one, and so does --workers without --engine (0: this process, N: a local cluster of N workers). The choice, its reason and the estimate are printed and recorded in OUT (execution in _infopix_batch.json and in the Parquet metadata).

OUT is a Parquet dataset (a folder of part files, read it with pandas.read_parquet): one current row per image, columns path, checksum (SHA-256), shape, dtype, status, error and one per measure value, named MEASURE.QUANTITY (e.g. intensity.shannon, intensity.H_nsb.std, local.mean_local_entropy[r=3]); the numbers equal those of `infopix analyze` with the same parameters. --config takes the same file as `infopix analyze` (tables by measure), --quick its quick presets. Parts are written as images complete, so --resume after an interruption computes only the images not yet recorded (same path and checksum; an image whose file changed is computed again and its old row removed). --force replaces OUT only once the new run has completed. While a run writes OUT it holds the lock .OUT.lock beside it; a second run on the same OUT refuses. An image that fails is recorded with its error and the batch goes on; the exit status is then 1 (0 when every image succeeded). Ctrl-C stops with status 130, keeping the rows completed so far. `infopix compare OUT -o FOLDER` draws the results as a page: a sortable table of every measure column, thumbnails and plots across images.

Example: infopix batch 'photos/*.png' scans/ -o results.parquet --measures intensity,local --config params.toml
"""


def _measure_help() -> str:
    from ..measures import MEASURES

    return "Comma-separated measures: " + "; ".join(
        f"{m.name} ({m.description})" for m in MEASURES.values()
    ) + ". Default: intensity,local."


@contextlib.contextmanager
def _quiet_dask_logs():
    """Dask logs start-up chatter (and a Bokeh hint) at INFO/WARNING: keep stderr to errors."""
    names = ["distributed", "bokeh", "tornado"] + [
        n for n in logging.root.manager.loggerDict if n.startswith("distributed.")
    ]
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, lvl in zip(loggers, levels):
            lg.setLevel(lvl)


def _dashboard(client) -> str | None:
    """The dashboard address, or None when the scheduler serves none (Bokeh missing)."""
    try:
        services = client.scheduler_info().get("services", {})
    except Exception:
        return None
    if "dashboard" not in services:
        return None
    return client.dashboard_link


@contextlib.contextmanager
def open_client(scheduler: str | None, workers: int | None):
    """A ``distributed.Client``: to ``scheduler``, or to a new local cluster (127.0.0.1)."""
    from distributed import Client

    if scheduler is not None:
        if workers is not None:
            raise ValueError(
                "`--workers` sizes the local cluster; with `--scheduler` the workers are "
                "those of that cluster."
            )
        try:
            client = Client(scheduler, timeout="15s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise OSError(f"cannot connect to the Dask scheduler at {scheduler!r}: {exc}") from None
        try:
            yield client
        finally:
            client.close()
        return
    from ..batch import local_cluster
    from ._signals import workers_in_own_session

    check_workers(workers)
    if workers == 0:  # in this process, no Dask
        yield None
        return
    import dask

    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}) or {})
    environ["DASK_LOGGING__DISTRIBUTED"] = "error"  # workers: errors only on our stderr
    own_session = workers_in_own_session()  # a Ctrl-C in the terminal is this process's
    own_session.__enter__()
    try:
        with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}), \
                warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "Port 8787 is already in use"
            cluster = local_cluster(workers)
    except BaseException:
        own_session.__exit__(None, None, None)
        raise
    client = Client(cluster)
    interrupted = False
    try:
        yield client
    except BaseException:
        interrupted = True
        raise
    finally:
        if interrupted:  # don't wait for running tasks to end: workers are stopped
            with contextlib.suppress(Exception):
                client.close(timeout=2)
            with contextlib.suppress(Exception):
                cluster.close(timeout=2)
        else:
            client.close()
            cluster.close()
        own_session.__exit__(None, None, None)


def _why(execution: dict) -> str:
    """One phrase: why the batch runs where it does."""
    by = execution["chosen_by"]
    if by == "auto":
        est, lim = execution["estimated_pixels"] / 1e6, execution["threshold_pixels"] / 1e6
        rel = "<" if execution["engine"] == "threads" else ">="
        return f"--engine auto: about {est:.3g} Mpx of images {rel} {lim:.3g} Mpx"
    if by == "workers":
        return "--workers 0" if execution["engine"] == "threads" else "--workers"
    return "--scheduler" if by == "scheduler" else f"--engine {execution['engine']}"


def max_workers() -> int:
    """The most local worker processes ``--workers`` accepts: 4 per core."""
    import os

    return 4 * (os.cpu_count() or 1)


def check_workers(workers: int | None) -> None:
    if workers is None:
        return
    top = max_workers()
    if not 0 <= workers <= top:
        raise ValueError(
            f"`--workers` expects 0 (no Dask: this process) to {top} (4 per core), got {workers}."
        )


@command("batch", help=_HELP)
@one_line_errors
def batch_command(
    inputs: list[str] = typer.Argument(..., help="Image files, folders or glob patterns.", show_default=False),
    out: Path = typer.Option(..., "--out", "-o", help="Results: a Parquet dataset folder, e.g. results.parquet."),
    measures: str = typer.Option("intensity,local", "--measures", "-m", help=_measure_help()),
    config: Path = typer.Option(None, "--config", "-c", help="TOML or JSON file of parameters by measure, as for `infopix analyze` (keys: `infopix analyze --help`)."),
    quick: bool = typer.Option(False, "--quick", help="The measures' quick presets (fewer radii, scales, orders), as `infopix analyze --quick`."),
    estimator: str = typer.Option(None, "--estimator", "-e", help="Entropy estimator of every chosen measure that takes one (plugin, miller_madow, nsb, ...); default: each measure's own."),
    channel: str = typer.Option(None, "--channel", help="Colour images: luminance (default) or a channel index; grey images are measured as they are.", show_default=False),
    axes: str = typer.Option(None, "--axes", help="Axes of files that do not record them (a 3-D .npy): zyx (a volume, one row) or tyx (a series, one row per frame). Files that record their axes are read as they are."),
    scheduler: str = typer.Option(None, "--scheduler", help="Address of a Dask scheduler, e.g. tcp://127.0.0.1:8786; default: a local cluster."),
    engine: str = typer.Option("auto", "--engine", help="Where the batch runs: auto (threads below 250 Mpx of images in all, a local cluster from there), threads (this process) or cluster (local Dask cluster, or --scheduler's)."),
    workers: int = typer.Option(None, "--workers", "-w", help="Worker processes of the local cluster (with --engine auto, giving N >= 1 starts one), or threads with --engine threads (default: one per core; at most 4 per core); 0 runs in this process on one thread."),
    radius: int = typer.Option(None, "--radius", "-r", help="Window radius of the local measure (sets local.radii to this one radius)."),
    resume: bool = typer.Option(False, "--resume", help="Complete an interrupted OUT: skip images already recorded."),
    force: bool = force_option("Replace an existing OUT."),
    as_json: bool = json_option("Print a JSON summary to stdout."),
    quiet: bool = quiet_option("No progress bar and no summary; errors only."),
):
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from ..batch import ENGINES, check_output, choose_engine, columns, expand_inputs, resolve_measures, run
    from ..measures import apply_estimator, load_config, resolve_params

    names = [m.strip() for m in measures.split(",") if m.strip()]
    ms = resolve_measures(names)  # unknown or unavailable measures fail before any work
    options = load_config(config) if config is not None else {}
    if radius is not None:
        if "local" not in [m.name for m in ms]:
            raise ValueError("`--radius` applies to the local measure, which is not in --measures.")
        options.setdefault("local", {})["radii"] = [check_positive(radius, "--radius")]
    if estimator is not None:
        options = apply_estimator(options, estimator, [m.name for m in ms], name="--estimator")
    if axes is not None and axes not in ("yx", "zyx", "tyx"):
        raise ValueError(f"`--axes` expects yx, zyx (volumes) or tyx (series) for batch, got {axes!r}.")
    ch = "luminance" if channel is None else parse_channel(channel)
    if ch == "joint":
        raise ValueError("`--channel` expects 'luminance' or a channel index for batch measures, got 'joint'.")
    resolve_params(options)  # unknown sections or parameters fail before any work
    options = {k: v for k, v in options.items() if k in {m.name for m in ms}}
    columns(ms, options)
    if resume and force:
        raise ValueError("`--resume` completes OUT and `--force` replaces it: give one of them.")
    check_workers(workers)
    if engine not in ENGINES:
        raise ValueError(f"`--engine` expects one of {', '.join(ENGINES)}, got {engine!r}.")
    if workers == 0 and engine == "cluster":
        raise ValueError("`--workers 0` runs in this process; `--engine cluster` needs workers >= 1.")
    if scheduler is not None and engine == "threads":
        raise ValueError("`--engine threads` runs in this process; `--scheduler` names a cluster.")
    if os.path.lexists(out) and not (resume or force):
        raise FileExistsError(f"output {str(out)!r} exists; pass --resume to complete it or --force to replace it.")
    files = expand_inputs(inputs)
    if not files:
        raise ValueError("INPUTS select no image file.")
    # OUT is absent or a results folder of these columns, and no other run writes it
    check_output(out, ms, config=options, quick=quick, resume=resume, force=force)

    t0 = time.perf_counter()
    if workers is not None and engine == "auto":  # as before --engine: 0 here, N a cluster
        execution = choose_engine(files, "threads" if workers == 0 else "cluster")
        execution["chosen_by"] = "workers"
    else:
        execution = choose_engine(files, engine, scheduler=scheduler)
    in_process = execution["engine"] == "threads"
    nthreads = (1 if workers == 0 else workers or (os.cpu_count() or 1)) if in_process else 1
    execution["workers"] = nthreads if in_process else workers
    with _quiet_dask_logs(), open_client(scheduler, 0 if in_process else workers) as client:
        nworkers = 0 if client is None else len(client.scheduler_info().get("workers", {}))
        if client is None:
            if not quiet:
                err_console.print(f"in this process, {nthreads} thread(s), no Dask ({_why(execution)})")
        elif nworkers == 0:  # a scheduler without workers would wait forever
            try:
                client.wait_for_workers(1, timeout=60)
            except TimeoutError:
                raise OSError(f"the Dask scheduler at {scheduler!r} has no workers (waited 60 s).") from None
            nworkers = len(client.scheduler_info().get("workers", {}))
        if client is not None:
            execution["workers"] = nworkers
        if not quiet and client is not None:
            where = scheduler if scheduler is not None else f"local cluster at {client.scheduler.address}"
            err_console.print(f"Dask: {nworkers} worker(s), {where} ({_why(execution)})")
            link = _dashboard(client)
            err_console.print(
                f"Dask dashboard: {link}" if link
                else "Dask dashboard: not served (install bokeh>=3.1 to enable it)"
            )
        progress = Progress(
            TextColumn("[progress.description]{task.description}"), BarColumn(),
            MofNCompleteColumn(), TextColumn("{task.fields[errors]} error(s)"),
            TimeRemainingColumn(), console=err_console, disable=quiet, transient=False,
        )
        errors = 0
        with progress:
            task = progress.add_task("images", total=None, errors=0)

            def advance(done, total, row):
                nonlocal errors
                errors += row["status"] != "ok"
                progress.update(task, completed=done, total=total, errors=errors)

            df = run(files, [m.name for m in ms], client=client, out=out, resume=resume,
                     force=force, config=options, quick=quick, channel=ch, axes=axes,
                     progress=advance, threads=nthreads if client is None else None,
                     execution=execution)
    elapsed = time.perf_counter() - t0
    n_err = int((df["status"] != "ok").sum())
    summary = {
        "images": int(df["path"].nunique()),  # files; a series has one row per frame
        "rows": len(df),
        "computed": int(progress.tasks[0].completed) if progress.tasks else 0,
        "ok": int(len(df) - n_err),
        "errors": n_err,
        "out": str(out),
        "measures": [m.name for m in ms],
        "seconds": round(elapsed, 3),
        "execution": execution,
    }
    if as_json:
        summary["failed"] = [
            {"path": p, "error": e} for p, e in zip(df["path"][df["status"] != "ok"], df["error"][df["status"] != "ok"])
        ]
        print_json(summary)
    elif not quiet:
        skipped = summary["images"] - summary["computed"]
        console.print(
            f"{summary['images']} image(s)"
            + (f" in {summary['rows']} rows (a series: one row per frame)"
               if summary["rows"] != summary["images"] else "")
            + f": {summary['ok']} ok, {n_err} error(s)"
            + (f", {skipped} already done" if skipped else "")
            + f"; {elapsed:.1f} s; results in {out}",
            soft_wrap=True,
        )
        for p, e in list(zip(df["path"][df["status"] != "ok"], df["error"][df["status"] != "ok"]))[:5]:
            console.print(f"  [red]error[/red] {p}: {e}", highlight=False, soft_wrap=True)
        if n_err > 5:
            console.print(f"  ... and {n_err - 5} more (column `error` in {out})")
    if n_err:  # the batch went on; the exit status still says that images failed
        fail(f"{n_err} of {len(df)} image(s) failed; their errors are in column `error` of {out}")


# --------------------------------------------------------------------------------------
# `infopix localmap BIG.tif --chunks 2048 -o OUT.zarr` (called by cli/localmap.py)
# --------------------------------------------------------------------------------------


def _rich_dask_progress(description: str, *, disable: bool):
    """A Dask local-scheduler callback that drives a Rich progress bar on stderr."""
    from dask.callbacks import Callback
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn(description), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=err_console, disable=disable,
    )

    class _Bar(Callback):
        def _start_state(self, dsk, state):
            self.task = progress.add_task(description, total=len(dsk))
            progress.start()

        def _posttask(self, key, result, dsk, state, worker_id):
            progress.update(self.task, completed=len(state["finished"]))

        def _finish(self, dsk, state, errored):
            if not errored:
                progress.update(self.task, completed=len(dsk))
            progress.stop()

    return _Bar()


def localmap_chunked(image, out: Path, *, chunks, radius, measure, estimator, alpha, base, edge,
                     bins, force, as_json, quiet):
    """Chunked local map of a large image (lazy read, Dask, Zarr output) for ``infopix localmap``."""
    from ..batch import local_map_to_zarr

    if image is None:
        raise ValueError("`--chunks` / a .zarr output needs an IMAGE file (the sample image fits in memory).")
    if out.suffix.lower() != ".zarr":
        raise ValueError(f"`--chunks` writes a chunked Zarr array: `--out` expects a .zarr path, got {str(out)!r}.")
    refuse_existing(out, force=force)
    kw = map_options(measure, alpha=alpha, base=base, estimator=estimator, edge=edge, bins=bins)
    bar = _rich_dask_progress(f"local {measure} r={radius}", disable=quiet or as_json)
    local_map_to_zarr(image, out, radius=radius, measure=measure, chunks=chunks or 2048,
                      force=force, scheduler="threads", callbacks=[bar], **kw)
    import dask
    import dask.array as da

    import zarr

    res = da.from_zarr(str(out))
    lo, mean, hi = dask.compute(res.min(), res.mean(), res.max(), scheduler="threads")
    summary = {
        "image": str(image), "measure": measure, "radius": radius, "edge": edge,
        "estimator": estimator if measure == "entropy" else None,
        "alpha": alpha if measure == "entropy" else None,
        "shape": list(res.shape), "chunks": [c[0] for c in res.chunks],
        "min": float(lo), "mean": float(mean), "max": float(hi),
        "uncertainty": MAP_SUMMARY_UNCERTAINTY, "out": str(out),
        "provenance": dict(zarr.open(str(out), mode="r").attrs).get("infopix"),
    }
    if as_json:
        print_json(summary)
    elif not quiet:
        console.print(
            f"{image}: local {measure} r={radius} ({edge}), {res.shape[0]}x{res.shape[1]} in "
            f"chunks of {summary['chunks'][0]}x{summary['chunks'][1]} -> {out}  "
            f"[min {lo:.4g}, mean {mean:.4g}, max {hi:.4g}]", soft_wrap=True,
        )
