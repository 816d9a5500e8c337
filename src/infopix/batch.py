"""Measures over many images, serially or on a Dask cluster, with resumable output.

:func:`run` reads each image, applies the chosen measures (the records of
:mod:`infopix.measures`, the same the report renders, with the same parameters and
``--config`` tables; or your own :class:`Measure`) and returns one row per image. On a
``distributed.Client`` the images are spread over the workers; without one they are
processed in this process, in the same way, so both give the same numbers.

Results file
------------
With ``out=``, rows are written as they complete into a Parquet *dataset*: a folder
(conventionally ``OUT.parquet``) of part files ``part-NNNNNN-XXXXXXXX.parquet``, each
written atomically, plus ``_infopix_batch.json`` (the measures and columns). Read it with
``pandas.read_parquet("OUT.parquet")`` (or :func:`read_results`, the same rows): the
dataset is a *set* of current results, one row per image, at every moment:

- ``resume=True`` keeps the rows of images whose path and SHA-256 checksum are unchanged
  and computes the rest; the rows of images whose file changed are removed (in one
  atomic swap of the folder) before they are computed again.
- ``force=True`` writes the new dataset beside ``OUT`` and swaps it in only once the run
  has completed: an interrupted ``force`` run leaves the previous results untouched.
- A run that completes merges its parts into one (compaction, again by an atomic swap).
- While a run writes ``OUT`` it holds a lock, ``.OUT.lock`` beside it (the holder's pid;
  released by the system if the process dies): a second writer refuses at once with
  :class:`OutputLocked`.

A fresh run interrupted half-way leaves the rows completed so far, a consistent subset
that ``resume=True`` completes.

Columns:

``path`` (absolute), ``checksum`` (SHA-256 of the file's bytes), ``shape`` (e.g.
``"512x512"`` or ``"480x640x3"``), ``dtype``, ``status`` (``"ok"`` or ``"error"``),
``error`` (``"<ExceptionType>: message"``, empty when ok), then one float64 column per
measure value (NaN where it could not be computed): ``<measure>.<quantity>`` for a
number (e.g. ``intensity.shannon``), ``<measure>.<quantity>.std`` for its uncertainty,
``<measure>.<quantity>[r=3]`` for each value of a list (see
:meth:`infopix.measures.Measure.columns`). They equal the numbers of the report
(``results.json``) for the same image and parameters.

An image that cannot be read (not an image, wrong dimensionality, empty file) or on which
a measure fails gets ``status="error"`` and its message; the batch goes on.

Volumes: a file whose axes are ``'zyx'`` (a z-stack, a CT volume; multi-page TIFF with
its axes, or ``.npy`` with ``axes``) gives one row, computed on the volume by every measure
that is 3-D; the columns of a measure that is 2-D only (its registry record says why, see
:meth:`infopix.measures.Measure.run`) are NaN.

Series mode: a file whose axes are ``'tyx'`` (a time-lapse; see
:func:`infopix.read_image`) gives one row per frame, each frame measured as an image
(:func:`infopix.measures.series_rows`), with its index in the ``frame`` column (empty for
an image). Rows are keyed by (path, frame).
"""

from __future__ import annotations

import glob
import itertools
import json
import math
import os
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import measures as _registry

# The chunked path of `infopix localmap` and its table of local maps (public here):
# map kind -> (public infopix function, fixed keyword arguments).
from ._dask import LOCAL_MEASURES as LOCAL_MAPS
from ._dask import local_map_to_zarr

__all__ = [
    "Measure",
    "MEASURES",
    "OutputLocked",
    "check_output",
    "available_measures",
    "choose_engine",
    "columns",
    "estimate_pixels",
    "expand_inputs",
    "file_checksum",
    "local_cluster",
    "LOCAL_MAPS",
    "local_map_to_zarr",
    "process_file",
    "process_image",
    "read_results",
    "resolve_measures",
    "run",
]


#: Columns every row has, before the measure columns.
BASE_COLUMNS = ("path", "checksum", "shape", "dtype", "status", "error", "frame")

_META_NAME = "_infopix_batch.json"
_PART_GLOB = "part-*.parquet"


# --------------------------------------------------------------------------------------
# The measure registry
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """Your own measure of one image, returning named scalar values.

    The built-in measures are the records of :mod:`infopix.measures` (pass their
    names); this class adds a function of your own to a batch.

    Attributes
    ----------
    name : str
        The name used in ``options=``.
    columns : tuple of str
        The names of the values ``func`` returns (the result columns), fixed in advance
        so that failed images still fill every column (with NaN).
    func : callable
        ``func(image, **options) -> dict`` mapping each column to a float. ``image`` is
        2-D (colour images are reduced to ``channel`` first). It must be picklable (a
        module-level function or a ``functools.partial`` of one) to run on Dask workers.
    needs : tuple of str
        The public infopix names the measure calls (e.g. ``('local_entropy',)``); the
        measure is available when all of them can be imported.
    description : str
        One line for listings.
    """

    name: str
    columns: tuple[str, ...]
    func: Callable = field(repr=False)
    needs: tuple[str, ...] = ()
    description: str = ""


#: The registered measures (:data:`infopix.measures.MEASURES`): name -> record.
MEASURES = _registry.MEASURES


def _measure_available(m: Measure) -> bool:
    import infopix

    try:
        for name in m.needs:
            getattr(infopix, name)
    except (ImportError, AttributeError):
        return False
    return True


def available_measures() -> list[str]:
    """Names of the registered measures whose infopix functions are installed."""
    return _registry.available()


def resolve_measures(measures) -> list:
    """Registered measures (by name; earlier names ``entropy``, ``localmap`` accepted) and
    :class:`Measure` objects, checked: known, available, each once."""
    if measures is None:
        measures = ["intensity"]
    if isinstance(measures, (str, Measure, _registry.Measure)):
        measures = [measures]
    out: list = []
    for m in measures:
        if isinstance(m, (Measure, _registry.Measure)):
            meas = m
            if isinstance(m, Measure) and not _measure_available(m):
                raise ValueError(
                    f"measure {m.name!r} needs infopix.{', infopix.'.join(m.needs)}, not "
                    f"available in this installation."
                )
        elif isinstance(m, str):
            meas = _registry.get(m)
        else:
            raise TypeError(f"`measures` expects names or Measure objects, got {m!r}.")
        if meas.name in [x.name for x in out]:
            raise ValueError(f"`measures` lists {meas.name!r} twice.")
        out.append(meas)
    if not out:
        raise ValueError("`measures` is empty; give at least one measure.")
    return out


def _params(ms, config=None, *, quick=False) -> dict:
    """Effective parameters of the registered measures among ``ms`` (``config`` tables
    and ``options`` of your own measures both keyed by name)."""
    names = [m.name for m in ms if isinstance(m, _registry.Measure)]
    config = {_registry.ALIASES.get(k, k): v for k, v in (config or {}).items()}
    own = {m.name for m in ms if isinstance(m, Measure)}
    # every table is checked, as `infopix analyze --config` does (unknown names fail)
    _registry.resolve_params({k: v for k, v in config.items() if k not in own})
    reg = {k: v for k, v in config.items() if k in names}
    eff = _registry.resolve_params(reg, quick=quick, measures=names)
    for m in ms:
        if isinstance(m, Measure):
            eff[m.name] = dict(config.get(m.name, {}))
    return eff


def columns(measures, params=None) -> list[str]:
    """The measure columns of a batch, in order (after :data:`BASE_COLUMNS`), for the
    measures and their parameters (``config`` tables by measure name)."""
    ms = resolve_measures(measures)
    return _columns(ms, _params(ms, params))


def _columns(ms, eff) -> list[str]:
    cols = []
    for m in ms:
        cols += m.columns(eff[m.name]) if isinstance(m, _registry.Measure) else list(m.columns)
    dup = sorted({c for c in cols if cols.count(c) > 1 or c in BASE_COLUMNS})
    if dup:
        raise ValueError(f"`measures` produce clashing column names: {', '.join(dup)}.")
    return cols


# --------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------


def _readable_suffixes() -> set[str]:
    from .io import READABLE

    return set(READABLE)


def expand_inputs(inputs: Iterable, *, recursive: bool = False) -> list[str]:
    """Files from a mix of files, folders and glob patterns, as sorted absolute paths.

    A file named explicitly is kept whatever its extension (if it is not an image it is
    recorded as an error); a folder contributes its files with an image extension
    (``infopix.io.READABLE``; with ``recursive``, also those of its sub-folders); a glob
    pattern (``*``, ``?``, ``[``; ``**`` matches sub-folders) contributes the files it
    matches. Duplicates are removed.

    Raises
    ------
    FileNotFoundError
        If an input is neither an existing file or folder nor a pattern matching a file.
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    suffixes = _readable_suffixes()
    found: dict[str, None] = {}
    for item in inputs:
        s = os.fspath(item)
        p = Path(s)
        if p.is_file():
            found[str(p.resolve())] = None
        elif p.is_dir():
            it = p.rglob("*") if recursive else p.iterdir()
            for f in sorted(it):
                if f.is_file() and f.suffix.lower() in suffixes and not f.name.startswith("."):
                    found[str(f.resolve())] = None
        elif glob.has_magic(s):
            matches = [m for m in sorted(glob.glob(s, recursive=True)) if Path(m).is_file()]
            if not matches:
                raise FileNotFoundError(f"input pattern {s!r} matches no file.")
            for m in matches:
                found[str(Path(m).resolve())] = None
        else:
            raise FileNotFoundError(f"input {s!r} is neither a file, a folder nor a matching glob pattern.")
    return sorted(found)


def file_checksum(path) -> str:
    """SHA-256 of a file's bytes, as 64 hex digits (read in 1 MiB pieces)."""
    from .provenance import sha256_file

    return sha256_file(path)


# --------------------------------------------------------------------------------------
# One image (runs on a worker)
# --------------------------------------------------------------------------------------


def _error_text(exc: BaseException) -> str:
    msg = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def process_image(path, measures, options=None, *, channel="luminance", axes=None) -> dict:
    """Read one image and apply the measures; never raises for a bad image.

    The one row of :func:`process_file` (a series, which has one row per frame, gives an
    error row here: use :func:`process_file`).

    Parameters
    ----------
    path : str
        The image file.
    measures : sequence of str or Measure
        As in :func:`run`.
    options : mapping, optional
        Measure name -> parameters (a ``--config`` table: defaults are filled in) or,
        for your own :class:`Measure`, keyword arguments of its function.
    channel : {'luminance'} or int, optional
        What a colour image is reduced to; grey images are measured as they are.
    axes : str, optional
        The axes of a file that does not record them (see :func:`run`).

    Returns
    -------
    row : dict
        The columns described in the module docstring. A measure that fails leaves NaN
        in its columns and sets ``status='error'`` with ``"measure <name>: ..."``; the
        other measures are still computed.
    """
    from .io import select_channel

    ms = resolve_measures(measures)
    eff = _params(ms, options)
    row: dict = {"path": str(path), "checksum": None, "shape": None, "dtype": None,
                 "status": "ok", "error": None}
    row.update(dict.fromkeys(_columns(ms, eff), math.nan))
    try:
        row["checksum"] = file_checksum(path)
        img, info = _read(path, axes)
        row["shape"] = "x".join(str(n) for n in img.shape)
        row["dtype"] = str(img.dtype)
        if info.axes == "yxc":  # only a colour axis the file (or convention) names
            if channel == "joint":
                raise ValueError(
                    "`channel` 'joint' keeps the colours: the batch measures take one "
                    "channel or the luminance."
                )
            img = select_channel(img, channel)
        elif info.axes == "tyx":
            raise ValueError(
                f"a series of {img.shape[0]} frames: process_file gives one row per frame"
            )
        elif info.axes not in ("yx", "zyx"):
            raise ValueError(
                f"a {info.axes!r} array: batch measures 2-D images, 'zyx' volumes (one row) "
                f"and 'tyx' series (one row per frame)"
            )
        sp = info.spacing if info.axes == "zyx" and info.spacing and None not in info.spacing else None
        ctx = _registry.ImageContext(img, volume=info.axes == "zyx", spacing=sp)
    except Exception as exc:  # an unreadable file is a result, not a crash
        row["status"] = "error"
        row["error"] = _error_text(exc)
        return row
    return _measure_row(row, ctx, ms, eff)


def _read(path, axes):
    """``read_image(path)`` with the file's own axes; ``axes`` only for a file that does not
    record them (the plain reading fails, e.g. a 3-D ``.npy``): then its error is the
    retry's."""
    from .io import read_image

    try:
        return read_image(path, return_info=True)
    except ValueError:
        if axes is None:
            raise
        return read_image(path, axes=axes, return_info=True)


def _measure_row(row: dict, ctx, ms, eff) -> dict:
    """Fill ``row`` with the measures of one image context (errors recorded, not raised)."""
    errors = []
    for m in ms:
        try:
            if isinstance(m, _registry.Measure):  # a volume: NaN where the measure is 2-D only
                row.update(m.row(m.run(ctx, eff[m.name]), eff[m.name]))
                continue
            values = m.func(ctx.image, **eff[m.name])
            missing = [c for c in m.columns if c not in values]
            if missing:
                raise KeyError(f"measure returned no value for {', '.join(missing)}")
            for c in m.columns:
                row[c] = float(values[c])
        except Exception as exc:
            errors.append(f"measure {m.name}: {_error_text(exc)}")
    if errors:
        row["status"] = "error"
        row["error"] = "; ".join(errors)
    return row


# ------------------------------------------------------------------ series mode (#17)


def process_file(path, measures, options=None, *, channel="luminance", axes=None) -> list:
    """The rows of one file: one for an image (:func:`process_image`), one per frame for
    a ``'tyx'`` series (``frame`` = its index); never raises for a bad file.

    Examples
    --------
    >>> import infopix, infopix.batch, numpy as np, tempfile, os, tifffile
    >>> f = os.path.join(tempfile.mkdtemp(), "series.tif")
    >>> frames = np.stack([np.zeros((8, 8), np.uint8), np.tile([0, 255], (8, 4)).astype(np.uint8)])
    >>> tifffile.imwrite(f, frames, imagej=True, metadata={"axes": "TYX"})
    >>> rows = infopix.batch.process_file(f, ["intensity"], {"intensity": {"estimators": ["plugin"]}})
    >>> [(r["frame"], r["intensity.shannon"]) for r in rows]
    [(0, 0.0), (1, 1.0)]
    """

    try:
        _, info = _read(path, axes)
        series = info.axes == "tyx"
    except Exception:  # process_image records the reading error
        series = False
    if not series:
        return [process_image(path, measures, options, channel=channel, axes=axes)]
    ms = resolve_measures(measures)
    eff = _params(ms, options)
    base = {"path": str(path), "checksum": None, "shape": None, "dtype": None, "status": "ok", "error": None}
    try:
        base["checksum"] = file_checksum(path)
        img, _ = _read(path, axes)
        base["shape"] = "x".join(str(n) for n in img.shape)
        base["dtype"] = str(img.dtype)
    except Exception as exc:
        row = {**base, **dict.fromkeys(_columns(ms, eff), math.nan), "status": "error", "error": _error_text(exc)}
        return [row]
    rows = []
    for t in range(img.shape[0]):
        row = {**base, "frame": t, **dict.fromkeys(_columns(ms, eff), math.nan)}
        try:
            ctx = _registry.ImageContext(img[t])
        except Exception as exc:
            rows.append({**row, "status": "error", "error": f"frame {t}: {_error_text(exc)}"})
            continue
        rows.append(_measure_row(row, ctx, ms, eff))
    return rows


def _process_group(paths, measures, options, numba_threads, channel="luminance", axes=None):
    """Worker task: a few files, one row per image or frame (threads pinned for the whole task)."""
    if numba_threads is not None:
        import numba

        numba.set_num_threads(max(1, min(int(numba_threads), numba.config.NUMBA_NUM_THREADS)))
    return [row for p in paths for row in process_file(p, measures, options, channel=channel, axes=axes)]


# --------------------------------------------------------------------------------------
# The results dataset
# --------------------------------------------------------------------------------------


def _schema(columns: Sequence[str], provenance: dict | None = None):
    """The parts' schema; ``provenance`` (a record of :mod:`infopix.provenance`) goes in
    its metadata under ``b"infopix"``, as JSON."""
    import pyarrow as pa

    from .provenance import KEY, to_json

    fields = [pa.field(c, pa.int64() if c == "frame" else pa.string()) for c in BASE_COLUMNS]
    fields += [pa.field(c, pa.float64()) for c in columns]
    meta = {KEY.encode(): to_json(provenance).encode()} if provenance else None
    return pa.schema(fields, metadata=meta)


def _to_frame(rows: list[dict], columns: Sequence[str]):
    import pyarrow as pa

    table = pa.Table.from_pylist(rows, schema=_schema(columns))
    return table.to_pandas()


class _PartWriter:
    """Writes rows into ``part-NNNNNN-XXXXXXXX.parquet`` files, each atomically."""

    def __init__(self, folder: Path, columns: Sequence[str], *, part_size: int, part_seconds: float,
                 provenance: dict | None = None):
        self.folder = folder
        self.provenance = provenance
        self.columns = list(columns)
        self.part_size = part_size
        self.part_seconds = part_seconds
        self.buffer: list[dict] = []
        self.last_flush = time.monotonic()
        for tmp in folder.glob(".part-*.tmp"):  # a part being written when a run was killed
            tmp.unlink(missing_ok=True)
        existing = sorted(folder.glob(_PART_GLOB))
        self.seq = max((int(p.name.split("-")[1]) for p in existing), default=-1) + 1

    def add(self, rows: list[dict]) -> None:
        self.buffer.extend(rows)
        if (len(self.buffer) >= self.part_size
                or time.monotonic() - self.last_flush >= self.part_seconds):
            self.flush()

    def flush(self) -> None:
        self.last_flush = time.monotonic()
        if not self.buffer:
            return
        _write_part(self.folder, self.seq, self.buffer, self.columns, self.provenance)
        self.seq += 1
        self.buffer = []


def _write_part(folder: Path, seq: int, rows: list[dict], columns: Sequence[str],
                provenance: dict | None = None) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(rows, schema=_schema(columns, provenance))
    name = f"part-{seq:06d}-{uuid.uuid4().hex[:8]}.parquet"
    tmp = folder / f".{name}.tmp"
    pq.write_table(table, tmp)
    os.replace(tmp, folder / name)


def _read_parts(folder: Path, columns: Sequence[str]) -> tuple[list[dict], int, int]:
    """(rows, number of stored rows, number of parts): the latest row of each path kept."""
    import pyarrow.parquet as pq

    # path -> (part, {frame: row}): a path's rows in a later part replace its earlier ones
    # (a series' frames are written together, in one part)
    rows: dict[str, tuple] = {}
    stored = 0
    parts = sorted(folder.glob(_PART_GLOB))
    for i, part in enumerate(parts):
        for row in pq.read_table(part, schema=_schema(columns)).to_pylist():
            stored += 1
            prev = rows.pop(row["path"], None)
            frames = prev[1] if prev is not None and prev[0] == i else {}
            frames[row.get("frame")] = row
            rows[row["path"]] = (i, frames)
    return [r for _, frames in rows.values() for r in frames.values()], stored, len(parts)


def _read_rows(folder: Path, columns: Sequence[str]) -> list[dict]:
    """Rows of every part, in part order, the latest rows of each path kept."""
    return _read_parts(folder, columns)[0]


def read_results(out):
    """Read a results dataset written by :func:`run` into one DataFrame.

    The same rows as ``pandas.read_parquet(out)``: one per image, in the order they were
    recorded (:func:`run` keeps one current row per image in the dataset; were a path
    recorded twice, only its latest row would be kept here).
    """
    folder = Path(os.fspath(out))
    if not folder.is_dir():
        raise FileNotFoundError(f"results {str(folder)!r} is not a results folder written by infopix batch.")
    columns = _read_meta(folder)["columns"]
    return _to_frame(_read_rows(folder, columns), columns)


def _same_checksum(path, checksum: str) -> bool:
    try:
        return file_checksum(path) == checksum
    except OSError:
        return False


def _read_meta(folder: Path) -> dict:
    meta = folder / _META_NAME
    if not meta.is_file():
        raise ValueError(
            f"{str(folder)!r} has no {_META_NAME}; it was not written by infopix batch."
        )
    return json.loads(meta.read_text())


def _write_meta(folder: Path, meta: dict) -> None:
    tmp = folder / f".{_META_NAME}.tmp"
    tmp.write_text(json.dumps(meta, indent=2) + "\n")
    os.replace(tmp, folder / _META_NAME)


def _new_dataset(folder: Path, meta: dict) -> None:
    """Fill an empty folder as an empty dataset: the metadata and an empty first part
    (so that ``pandas.read_parquet`` sees the columns before any row is recorded)."""
    _write_meta(folder, meta)
    _write_part(folder, 0, [], meta["columns"], meta.get("provenance"))


def _rewrite(folder: Path, meta: dict, rows: list[dict]) -> None:
    """Replace the dataset ``folder`` by one holding exactly ``rows``, in one atomic swap.

    Readers (``pandas.read_parquet``) see the old parts or the new one, never both.
    """
    from .outputs import atomic_dir

    with atomic_dir(folder, force=True) as tmp:
        _write_meta(tmp, meta)
        _write_part(tmp, 0, rows, meta["columns"], meta.get("provenance"))  # even empty: it carries the columns


def _compact_private(folder: Path, columns: Sequence[str], provenance: dict | None = None) -> None:
    """Merge the parts of a folder nobody else reads yet into one part."""
    rows, stored, nparts = _read_parts(folder, columns)
    if nparts <= 1 and stored == len(rows):
        return
    old = sorted(folder.glob(_PART_GLOB))
    _write_part(folder, max(int(p.name.split("-")[1]) for p in old) + 1, rows, columns, provenance)
    for p in old:
        p.unlink()


class OutputLocked(OSError):
    """Another process is writing the same batch output."""


class _Lock:
    """An exclusive lock on a results folder: ``.<name>.lock`` beside it, holding the pid.

    Taken with ``flock`` (released by the kernel when the holder dies, so a lock file
    left by a killed run is stale and simply taken over). The holder removes the file
    when done; an acquirer checks it locked the file that is still at the path.
    """

    def __init__(self, folder: Path):
        parent = folder.parent if str(folder.parent) else Path(".")
        self.folder = folder
        self.path = parent / f".{folder.name}.lock"
        self.fd = None

    def _holder(self) -> str:
        try:
            pid = self.path.read_text().strip()
        except OSError:
            pid = ""
        return f"process {pid}" if pid.isdigit() else "another process"

    def acquire(self) -> None:
        try:
            import fcntl
        except ImportError:  # no flock (Windows): an exclusive create, stale when its pid is gone
            fcntl = None
        for _ in range(100):
            if fcntl is None:
                from .outputs import pid_alive

                try:
                    fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
                except FileExistsError:
                    holder = self._holder()
                    pid = holder.split()[-1]
                    if pid.isdigit() and not pid_alive(int(pid)):
                        self.path.unlink(missing_ok=True)
                        continue
                    raise self._busy(holder) from None
            else:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    os.close(fd)
                    raise self._busy(self._holder()) from None
                try:
                    same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
                except FileNotFoundError:
                    same = False
                if not same:  # the holder removed it between our open and our lock
                    os.close(fd)
                    continue
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            self.fd = fd
            return
        raise self._busy(self._holder())

    def _busy(self, holder: str) -> OutputLocked:
        return OutputLocked(
            f"output {str(self.folder)!r} is being written by {holder} (lock "
            f"{str(self.path)!r}); wait for that run to end."
        )

    def release(self) -> None:
        if self.fd is not None:
            self.path.unlink(missing_ok=True)
            os.close(self.fd)
            self.fd = None


def check_output(out, measures, *, config=None, quick: bool = False, resume: bool = False,
                 force: bool = False) -> None:
    """Check, before any work, that :func:`run` may write ``out`` with these arguments.

    Raises what :func:`run` would raise for ``out`` (an existing output without
    ``resume`` or ``force``, a file or a folder not written by a batch, other measures
    when resuming), and :class:`OutputLocked` if another process is writing it now.
    ``infopix batch`` calls it before it starts a Dask cluster.
    """
    ms = resolve_measures(measures)
    cols = _columns(ms, _params(ms, config, quick=quick))
    folder, _ = _check_out(out, ms, cols, resume=resume, force=force)
    if os.path.lexists(folder) or resume:
        probe = _Lock(folder)
        probe.acquire()
        probe.release()


def _provenance(options: dict, estimator, channel) -> dict:
    """The batch's provenance record (each row's input SHA-256 is its ``checksum``)."""
    from .provenance import record

    ests = {name: p.get("estimator", p.get("estimators")) for name, p in options.items()
            if isinstance(p, dict) and ("estimator" in p or "estimators" in p)}
    units = {name: {2.0: "bits", math.e: "nats"}.get(float(p["base"]), f"log base {p['base']}")
             for name, p in options.items()
             if isinstance(p, dict) and isinstance(p.get("base"), (int, float))}
    rec = record(command="batch", parameters={"measures": _registry.jsonable(options),
                                             "channel": channel},
                 unit=units or "bits", estimator=estimator if estimator is not None else (ests or None))
    rec["sha256_column"] = "checksum"  # many inputs: each row's SHA-256 is in this column
    return rec


def _check_out(out, ms: list, columns, *, resume: bool, force: bool, params=None) -> tuple[Path, dict]:
    """Checks before any work (and before the lock): the folder and its metadata."""
    folder = Path(os.fspath(out))
    meta = {"format": "infopix-batch/1", "measures": [m.name for m in ms], "columns": list(columns)}
    if params is not None:
        meta["parameters"] = _registry.jsonable(params)
    parent = folder.parent if str(folder.parent) else Path(".")
    if not parent.is_dir():
        raise FileNotFoundError(f"output folder {str(parent)!r} does not exist.")
    if not os.path.lexists(folder):
        return folder, meta
    if folder.is_symlink() or not folder.is_dir():
        raise FileExistsError(
            f"output {str(folder)!r} exists and is not a results folder (a file or a "
            f"symbolic link); choose another output."
        )
    if resume:
        old = _read_meta(folder)
        if old["columns"] != columns:
            raise ValueError(
                f"cannot resume {str(folder)!r}: it holds measures {old['measures']}, "
                f"this run asks for {meta['measures']}; use the same measures or a new output."
            )
        return folder, meta
    if not force:
        raise FileExistsError(
            f"output {str(folder)!r} exists; pass resume=True (CLI: --resume) to complete "
            f"it, or force=True (CLI: --force) to replace it."
        )
    if not (folder / _META_NAME).is_file() and any(folder.iterdir()):
        raise ValueError(
            f"refusing to replace {str(folder)!r}: it is a folder not written by infopix batch."
        )
    return folder, meta


# --------------------------------------------------------------------------------------
# Where a batch runs: in this process (threads) or on a local Dask cluster
# --------------------------------------------------------------------------------------

#: ``choose_engine(engine='auto')``: the estimated work (pixels of all images) from which
#: a local Dask cluster is started instead of running in this process's threads. Below
#: it the cluster's start-up (0.7-10 s on 2 cores, with the load) and per-task overhead
#: are not recovered: 30 images of 512 x 512 took 3.9-5.6 s on 2 workers against 1.3 s
#: serially; at 200 such images (52 Mpx) the cluster's steady state is 1.05-1.4x the
#: threads (benchmarks/batch.md). 250 Mpx is about 950 images of 512 x 512.
AUTO_CLUSTER_PIXELS = 250_000_000

#: Files whose headers are read to estimate the work (evenly spaced; the rest are
#: assumed to be the sampled files' mean size).
_ESTIMATE_SAMPLE = 16

ENGINES = ("auto", "threads", "cluster")


def _header_pixels(path) -> int | None:
    """Pixels of one file from its header alone (no pixel data read), or None."""
    p = str(path)
    low = p.lower()
    try:
        if low.endswith(".npy"):
            import numpy as np

            with open(p, "rb") as fh:
                version = np.lib.format.read_magic(fh)
                shape = np.lib.format._read_array_header(fh, version)[0]
            return int(math.prod(shape))
        if low.endswith((".tif", ".tiff")):
            import tifffile

            with tifffile.TiffFile(p) as tif:
                return int(math.prod(tif.series[0].shape))
        from PIL import Image

        with Image.open(p) as im:
            n = getattr(im, "n_frames", 1)
            return int(im.width * im.height * len(im.getbands()) * n)
    except Exception:  # unreadable: the batch records its error; count it as nothing
        return None


def estimate_pixels(files, *, sample: int = _ESTIMATE_SAMPLE) -> int:
    """The batch's work, estimated as the number of pixels (values) of all ``files``.

    The headers of up to ``sample`` files, evenly spaced through the list, are read (no
    pixel data); the other files are taken as their mean. Unreadable files count 0.
    """
    files = list(files)
    if not files:
        return 0
    k = min(len(files), max(1, int(sample)))
    idx = sorted({round(i * (len(files) - 1) / max(k - 1, 1)) for i in range(k)})
    sizes = [_header_pixels(files[i]) or 0 for i in idx]
    return int(round(sum(sizes) / len(sizes) * len(files)))


def choose_engine(files, engine: str = "auto", *, scheduler: str | None = None,
                  threshold: int | None = None) -> dict:
    """Where a batch of ``files`` runs, and why: the record ``infopix batch`` keeps.

    Rule: with a ``scheduler`` address, on that cluster. Otherwise ``engine='auto'``
    runs in this process (a thread per core, each image's kernels on one thread) when
    :func:`estimate_pixels` is below ``threshold`` (default :data:`AUTO_CLUSTER_PIXELS`),
    and on a local Dask cluster from there; ``'threads'`` or ``'cluster'`` force one.
    Both give the same rows (same code per image; only where it runs differs).

    Returns
    -------
    dict
        ``engine`` (``'threads'`` or ``'cluster'``), ``chosen_by`` (``'auto'``,
        ``'engine'`` when forced, ``'scheduler'``), ``estimated_pixels``,
        ``threshold_pixels`` and ``images``; JSON-ready (recorded in the output's
        metadata as ``execution``).

    Examples
    --------
    >>> import infopix.batch as b
    >>> b.choose_engine([], "auto")["engine"]
    'threads'
    """
    if engine not in ENGINES:
        raise ValueError(f"`engine` expects one of {', '.join(ENGINES)}, got {engine!r}.")
    files = list(files)
    limit = AUTO_CLUSTER_PIXELS if threshold is None else int(threshold)
    if scheduler is not None and engine == "threads":
        raise ValueError("`engine` 'threads' runs in this process; a `scheduler` address is a cluster.")
    npix = estimate_pixels(files) if engine == "auto" and scheduler is None else None
    if scheduler is not None:
        chosen, why = "cluster", "scheduler"
    elif engine != "auto":
        chosen, why = engine, "engine"
    else:
        chosen, why = ("cluster" if npix >= limit else "threads"), "auto"
    return {"engine": chosen, "chosen_by": why, "images": len(files),
            "estimated_pixels": npix, "threshold_pixels": limit}


def _threadsafe_numba() -> bool:
    """Whether compiled parallel kernels may be entered from several threads at once
    (Numba's OpenMP and TBB layers; not its fallback 'workqueue')."""
    import numba

    try:
        from numba.np.ufunc.parallel import _launch_threads

        _launch_threads()  # what the first parallel kernel does: choose and start the layer
        return numba.threading_layer() != "workqueue"
    except Exception:  # unknown: be safe
        return False


def _run_threads(todo, spec, options, threads, numba_threads, record, channel, axes=None):
    """In this process on ``threads`` threads (kernels release the GIL); rows are
    recorded in this thread as images complete. The first image runs here first; with
    Numba's 'workqueue' threading layer (not thread-safe) the rest follow serially."""
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    nt = 1 if numba_threads is None else numba_threads
    pending = iter(todo)
    first = next(pending, None)
    if first is None:
        return
    record(_process_group([first], spec, options, numba_threads, channel, axes))
    if not _threadsafe_numba():  # workqueue: parallel kernels from two threads at once abort
        for p in pending:
            record(_process_group([p], spec, options, numba_threads, channel, axes))
        return
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="infopix-batch") as ex:
        running = {ex.submit(_process_group, [p], spec, options, nt, channel, axes)
                   for p in itertools.islice(pending, 2 * threads)}
        try:
            while running:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for fut in done:
                    nxt = next(pending, None)
                    if nxt is not None:
                        running.add(ex.submit(_process_group, [nxt], spec, options, nt, channel, axes))
                    record(fut.result())
        except BaseException:
            for fut in running:
                fut.cancel()
            raise


# --------------------------------------------------------------------------------------
# The batch
# --------------------------------------------------------------------------------------


def local_cluster(n_workers: int | None = None, *, dashboard: bool = True):
    """A ``distributed.LocalCluster`` for batches: worker processes on 127.0.0.1.

    One single-threaded worker process per core by default (the parallelism is across
    images). Unlike Dask's default, the workers keep glibc's default ``malloc`` tuning:
    Dask sets ``MALLOC_TRIM_THRESHOLD_=65536`` in worker environments, which also turns
    off glibc's adaptive mmap threshold, so every large NumPy temporary becomes a fresh
    ``mmap`` and is page-faulted in again; on the local maps' temporaries this made each
    image 2-3x slower in a worker than in the parent process (measured, see
    ``benchmarks/batch.md``). The workers' statistical profiler is off (the dashboard's
    profile page stays empty): it cost a few percent of throughput on 2 cores.
    ``OMP_NUM_THREADS`` etc. stay 1.

    Parameters
    ----------
    n_workers : int, optional
        Worker processes (default ``os.cpu_count()``).
    dashboard : bool, optional
        Serve the dashboard on 127.0.0.1:8787 (or a free port) when Bokeh is installed.

    Returns
    -------
    cluster : distributed.LocalCluster
        Use it with ``distributed.Client(cluster)``; close both when done.
    """
    import importlib.util

    import dask
    from distributed import LocalCluster

    n = (os.cpu_count() or 1) if n_workers is None else n_workers
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"`n_workers` expects an integer >= 1, got {n_workers!r}.")
    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}) or {})
    environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    dash = "127.0.0.1:8787" if dashboard and importlib.util.find_spec("bokeh") else None
    # The workers' statistical profiler samples every thread's stack every 10 ms; on
    # 2 cores it cost ~3-5% of the batch's throughput (benchmarks/batch.md).
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environ,
                          "distributed.worker.profile.enabled": False}):
        return LocalCluster(
            n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address=dash,
        )


def _n_workers(client) -> int:
    try:
        return max(1, len(client.scheduler_info(n_workers=-1)["workers"]))
    except TypeError:  # older distributed: no n_workers keyword
        return max(1, len(client.scheduler_info()["workers"]))
    except Exception:
        return 1


def run(
    paths,
    measures=("intensity",),
    *,
    client=None,
    out=None,
    resume: bool = False,
    force: bool = False,
    config: Mapping[str, Mapping] | None = None,
    quick: bool = False,
    estimator: str | None = None,
    channel="luminance",
    axes: str | None = None,
    options: Mapping[str, Mapping] | None = None,
    group_size: int | None = None,
    numba_threads: int | None = None,
    threads: int | None = None,
    execution: Mapping | None = None,
    part_size: int = 32,
    part_seconds: float = 10.0,
    progress: Callable | None = None,
):
    """Apply measures to many images, serially or on a Dask cluster.

    Parameters
    ----------
    paths : str, os.PathLike or iterable of them
        Image files, folders or glob patterns (see :func:`expand_inputs`).
    measures : sequence of str or Measure, optional
        Names from :data:`infopix.measures.MEASURES` (``'image'``, ``'intensity'``,
        ``'scale'``, ``'local'``, ``'fractal'``, ``'spatial'``, ``'patterns'``,
        ``'sample_entropies'``, ``'ising'``; see
        :func:`available_measures`; ``'entropy'`` and ``'localmap'`` are earlier names of
        ``'intensity'`` and ``'local'``) or :class:`Measure` objects of your own.
    client : distributed.Client, optional
        Run on this client's cluster. ``None`` (default) runs in this process (see
        ``threads``; :func:`choose_engine` is the rule ``infopix batch`` uses).
    out : str or os.PathLike, optional
        Results folder (a Parquet dataset, e.g. ``"results.parquet"``) written in parts
        as images complete; ``None`` keeps results in memory only.
    resume : bool, optional
        Complete an existing ``out``: images whose path and checksum are recorded there
        are not computed again (their recorded rows are returned); the rows of images
        whose file changed are replaced.
    force : bool, optional
        Replace an existing ``out`` (without ``resume``), once the new run has completed.
    config : mapping, optional
        Parameters by measure, the tables of ``infopix analyze --config``, e.g.
        ``{"local": {"radii": [5]}}``.
    quick : bool, optional
        Each measure's quick preset (as ``infopix analyze --quick``).
    estimator : str, optional
        The entropy estimator of every chosen measure that takes one.
    channel : {'luminance'} or int, optional
        What colour images are reduced to (grey images are measured as they are).
    axes : {'zyx', 'tyx', ...}, optional
        What the arrays of files that do not record their axes are (a 3-D ``.npy``):
        ``'zyx'`` volumes (one row each), ``'tyx'`` series (one row per frame). Files
        that record their axes (TIFF, OME, Zarr) and 2-D images are read as they are.
    options : mapping, optional
        Like ``config`` (applied after it); for your own :class:`Measure`, keyword
        arguments of its function.
    group_size : int, optional
        Images per Dask task. Default: about four tasks per worker, at most 32 images
        per task, so that scheduling overhead stays small and progress stays smooth
        (rows are recorded, and ``resume`` can skip them, a group at a time).
    numba_threads : int, optional
        Threads each task's compiled kernels may use. Default: 1 on a cluster or on
        several ``threads`` (the parallelism is across images) and Numba's default
        serially.
    threads : int, optional
        Without ``client``: images processed at once in this process, one per thread
        (the compiled kernels release the GIL). Default 1 (serially, in order). Rows and
        their order are the same for any number.
    execution : mapping, optional
        Where and why the batch runs (:func:`choose_engine`'s record), stored with the
        results under ``execution`` (``_infopix_batch.json`` and each part's Parquet
        metadata, in its provenance record).
    part_size, part_seconds : int, float, optional
        A part file is written when this many rows are waiting or this many seconds have
        passed since the last one, and at the end (also after an interruption).
    progress : callable, optional
        Called as ``progress(done, total, row)`` after each image's row is recorded
        (``done`` counts images of this run, skipped ones excluded).

    Returns
    -------
    results : pandas.DataFrame
        One row per input image (one per frame of a series), in the sorted order of the
        paths; columns as in the module docstring. ``results.attrs['execution']``
        holds ``execution`` when it was given.

    Raises
    ------
    FileExistsError
        If ``out`` exists and neither ``resume`` nor ``force`` is given.
    OutputLocked
        If another process is writing ``out`` (a subclass of ``OSError``).
    ValueError
        For unknown measures, or resuming an output written with other measures.

    Examples
    --------
    >>> import infopix, infopix.batch, numpy as np, tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> infopix.write_image(os.path.join(d, "flat.png"), np.zeros((8, 8), np.uint8))
    >>> infopix.write_image(os.path.join(d, "two.png"), np.tile([0, 255], (8, 4)).astype(np.uint8))
    >>> df = infopix.batch.run(d, ["intensity"], config={"intensity": {"estimators": ["plugin"]}})
    >>> df["intensity.shannon"].tolist()   # a constant image: 0 bits; two equal levels: 1 bit
    [0.0, 1.0]
    """
    ms = resolve_measures(measures)
    options = {_registry.ALIASES.get(k, k): dict(v) for k, v in (options or {}).items()}
    unknown = sorted(set(options) - {m.name for m in ms})
    if unknown:
        raise ValueError(f"`options` names measures not in `measures`: {', '.join(unknown)}.")
    cfg = {_registry.ALIASES.get(k, k): dict(v) for k, v in (config or {}).items()}
    if estimator is not None:
        cfg = _registry.apply_estimator(
            cfg, estimator, [m.name for m in ms if isinstance(m, _registry.Measure)]
        )
    for k, v in options.items():
        cfg[k] = {**cfg.get(k, {}), **v}
    options = _params(ms, cfg, quick=quick)
    columns = _columns(ms, options)
    files = expand_inputs(paths)
    if not files:
        raise ValueError("`paths` selects no image file.")
    ps = int(part_size)
    if ps < 1:
        raise ValueError(f"`part_size` expects an integer >= 1, got {part_size!r}.")
    nthreads = 1 if threads is None else threads
    if isinstance(nthreads, bool) or not isinstance(nthreads, int) or nthreads < 1:
        raise ValueError(f"`threads` expects an integer >= 1 (threads of this process), got {threads!r}.")
    if client is not None and nthreads > 1:
        raise ValueError("`threads` runs images in this process; with a `client` they run on its cluster.")
    how = (nthreads, dict(execution) if execution is not None else None)

    if out is None:
        if resume:
            raise ValueError("`resume` needs `out`, the results folder to complete.")
        return _executed(_compute(files, ms, columns, options, client, group_size, numba_threads,
                                  progress, {}, None, channel, axes, how[0]), how[1])
    folder, meta = _check_out(out, ms, columns, resume=resume, force=force, params=options)
    meta["provenance"] = _provenance(options, estimator, channel)
    if how[1] is not None:
        meta["execution"] = _registry.jsonable(how[1])
        meta["provenance"]["execution"] = meta["execution"]
    lock = _Lock(folder)
    lock.acquire()
    try:
        from .outputs import atomic_dir, clean_stale

        clean_stale(folder)  # staging folders of killed runs
        folder, _ = _check_out(out, ms, columns, resume=resume, force=force)  # again, locked
        if os.path.lexists(folder) and force and not resume:
            # replaced only once the new run has completed: written beside, then swapped
            with atomic_dir(folder, force=True) as tmp:
                _new_dataset(tmp, meta)
                writer = _PartWriter(tmp, columns, part_size=ps, part_seconds=part_seconds,
                                     provenance=meta["provenance"])
                df = _compute(files, ms, columns, options, client, group_size, numba_threads,
                              progress, {}, writer, channel, axes, how[0])
                _compact_private(tmp, columns, meta["provenance"])
            return _executed(df, how[1])
        done_rows: dict[str, list] = {}  # path -> its rows (one per frame of a series)
        if os.path.lexists(folder):  # resume: keep the current rows of each image
            wanted = set(files)
            rows, stored, nparts = _read_parts(folder, columns)
            keep = []
            for rec in rows:
                p = rec["path"]
                if p not in wanted:
                    keep.append(rec)  # another image's result: still current
                elif rec["checksum"] and _same_checksum(p, rec["checksum"]):
                    keep.append(rec)
                    done_rows.setdefault(p, []).append(rec)
                # else: the file changed (or its task died): its row goes, it is recomputed
            if len(keep) != stored:
                _rewrite(folder, meta, keep)
        else:
            with atomic_dir(folder) as tmp:  # complete, or absent
                _new_dataset(tmp, meta)
        writer = _PartWriter(folder, columns, part_size=ps, part_seconds=part_seconds,
                             provenance=meta["provenance"])
        df = _compute(files, ms, columns, options, client, group_size, numba_threads,
                      progress, done_rows, writer, channel, axes, how[0])
        rows, stored, nparts = _read_parts(folder, columns)
        if nparts > 1 or stored != len(rows):  # compaction: one part once complete
            _rewrite(folder, meta, rows)
        return _executed(df, how[1])
    finally:
        lock.release()


def _executed(df, execution):
    """``df`` with ``df.attrs['execution']`` (where and why it ran), when known."""
    if execution is not None:
        df.attrs["execution"] = _registry.jsonable(execution)
    return df


def _compute(files, ms, columns, options, client, group_size, numba_threads, progress,
             done_rows, writer, channel, axes=None, threads=1):
    """Compute the images not in ``done_rows``; rows go to ``writer`` as they complete."""
    todo = [p for p in files if p not in done_rows]
    new_rows: dict[str, list] = {}
    total = len(todo)
    # Measures go to the workers by name when registered (small, stable pickles).
    spec = [m.name if MEASURES.get(m.name) is m else m for m in ms]

    def record(rows):
        before = len(new_rows)
        by_path: dict[str, list] = {}  # a series' frames arrive together, one list per file
        for row in rows:
            by_path.setdefault(row["path"], []).append(row)
        new_rows.update(by_path)
        if writer is not None:
            writer.add(rows)
        if progress is not None:
            for i, first in enumerate(r[0] for r in by_path.values()):
                progress(before + i + 1, total, first)

    try:
        if client is None and threads > 1:
            _run_threads(todo, spec, options, threads, numba_threads, record, channel, axes)
        elif client is None:
            for p in todo:
                record(_process_group([p], spec, options, numba_threads, channel, axes))
        else:
            _run_distributed(client, todo, spec, options, group_size, numba_threads, record,
                             channel, axes)
    finally:
        if writer is not None:
            writer.flush()

    rows = [r for p in files for r in (done_rows.get(p) or new_rows[p])]
    return _to_frame([{c: r.get(c) for c in (*BASE_COLUMNS, *columns)} for r in rows], columns)


def _run_distributed(client, todo, spec, options, group_size, numba_threads, record,
                     channel="luminance", axes=None):
    from distributed import as_completed

    if not todo:
        return
    nworkers = _n_workers(client)
    if group_size is None:
        # ~4 tasks per worker, at most 32 images each: each task costs a few ms of
        # scheduling on a busy 2-core machine (200 images, 2 workers: groups of 4 ran
        # at 1.65-1.73x one-thread serial, groups of 13 at 1.77-1.81x, of 25 at
        # 1.84-1.93x; benchmarks/batch.md), while progress and --resume advance by group.
        group_size = max(1, min(32, math.ceil(len(todo) / (4 * nworkers))))
    else:
        group_size = int(group_size)
        if group_size < 1:
            raise ValueError(f"`group_size` expects an integer >= 1, got {group_size!r}.")
    threads = 1 if numba_threads is None else numba_threads
    groups = [todo[i:i + group_size] for i in range(0, len(todo), group_size)]
    # Bounded submission: a million images must not mean a million futures at once.
    in_flight = max(4, 4 * nworkers)
    pending = iter(groups)
    group_of = {}

    def submit(g):
        fut = client.submit(_process_group, g, spec, options, threads, channel, axes, pure=False)
        group_of[fut.key] = g
        return fut

    futures = [submit(g) for g in itertools.islice(pending, in_flight)]
    ac = as_completed(futures)
    try:
        for fut in ac:
            g = group_of.pop(fut.key)
            try:
                rows = fut.result()
            except Exception as exc:  # the task itself died (a worker killed, OOM, ...)
                rows = [_failed_row(p, spec, options, f"task failed: {_error_text(exc)}")
                        for p in g]
            fut.release()
            nxt = next(pending, None)
            if nxt is not None:
                ac.add(submit(nxt))
            record(rows)
    except BaseException:
        client.cancel(list(ac.futures))
        raise


def _failed_row(path, spec, options, message) -> dict:
    """The row of an image whose task did not return (checksum unknown: retried on resume)."""
    row = {"path": str(path), "checksum": None, "shape": None, "dtype": None,
           "status": "error", "error": message}
    row.update(dict.fromkeys(columns(spec, options), math.nan))
    return row
