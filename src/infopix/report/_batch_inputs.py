"""The Parquet results of ``infopix batch`` as comparison rows (private).

``infopix compare`` draws the same page from a batch as from reports: each ``ok`` row
of the Parquet becomes a dict shaped like a ``results.json`` (``input`` and
``overview.headline``), with one headline row per measure column, so the comparison
table and figure of :mod:`infopix.report._compare` render it unchanged. Rows recorded
with an error are kept apart (listed as failed, never plotted), and the provenance
record of :mod:`infopix.provenance` is read from the Parquet schema metadata.

Accepted inputs: a batch results folder (``OUT.parquet``, holding ``_infopix_batch.json``
and ``part-*.parquet``; read with :func:`infopix.batch.read_results`, one current row per
image) or one Parquet file (a part, or a file with the batch columns).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from .. import measures as _m

_PARQUET_MAGIC = b"PAR1"
_META_NAME = "_infopix_batch.json"  # infopix.batch's metadata file (its folder's marker)


def kind_of(path: Path) -> str:
    """``'report'`` (a results.json or a folder holding one), ``'parquet'`` (a batch
    folder or a Parquet file), or ``'missing'``/``'other'``."""
    if path.is_dir():
        if (path / "results.json").is_file():
            return "report"
        if (path / _META_NAME).is_file() or any(path.glob("part-*.parquet")):
            return "parquet"
        return "other"
    if not path.is_file():
        return "missing"
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
    except OSError:
        return "other"
    if head == _PARQUET_MAGIC:
        return "parquet"
    if path.suffix.lower() == ".json" or head.lstrip()[:1] == b"{":
        return "report"
    return "other"


@dataclass
class BatchInputs:
    """What the comparison page needs from one or more batch Parquet inputs."""

    results: list = field(default_factory=list)  # results.json-shaped dicts, ok rows
    rows: list = field(default_factory=list)  # every row, for --json (ok and failed)
    failed: list = field(default_factory=list)  # (name, path, frame, error)
    provenance: list = field(default_factory=list)  # (input path, [records])
    paths: list = field(default_factory=list)  # (path, frame, checksum) of each ok row


def _records(path: Path) -> list[dict]:
    """The distinct provenance records in the schema metadata of ``path``'s Parquet
    files (a resumed batch may hold parts written by different runs)."""
    import pyarrow.parquet as pq

    from ..provenance import KEY, from_json

    files = sorted(path.glob("part-*.parquet")) if path.is_dir() else [path]
    seen, out = set(), []
    for f in files:
        meta = pq.read_schema(f).metadata or {}
        raw = meta.get(KEY.encode())
        if raw is None or raw in seen:
            continue
        seen.add(raw)
        try:
            out.append(from_json(raw))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
    if not out and path.is_dir() and (path / _META_NAME).is_file():
        try:  # older datasets: the record kept in the batch metadata file only
            rec = json.loads((path / _META_NAME).read_text("utf-8")).get("provenance")
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            rec = None
        if isinstance(rec, dict):
            out.append(rec)
    return out


def _read_rows(path: Path) -> list[dict]:
    if path.is_dir():
        from ..batch import read_results

        try:
            frame = read_results(path)
        except ValueError as exc:
            raise ValueError(f"RESULTS {str(path)!r}: {exc}") from None
        return frame.to_dict("records")
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.read_table(path).to_pylist()
    except (OSError, pa.ArrowException) as exc:
        raise ValueError(f"RESULTS {str(path)!r} is not a readable Parquet file: {exc}") from None


def _number(v):
    """A float, or None for a missing value (None, NaN)."""
    if v is None:
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def _frame(v):
    x = _number(v)
    return None if x is None else int(x)


class _Units:
    """The registry's :class:`~infopix.measures.Quantity` of a batch column, for the
    parameters recorded in the provenance (units, and whether an uncertainty exists)."""

    def __init__(self, records: list[dict]):
        params = {}
        for rec in records:
            ms = (rec.get("parameters") or {}).get("measures") or {}
            for name, p in ms.items():
                if isinstance(p, dict):
                    params.setdefault(name, p)
        self.params = params
        self.cache: dict = {}

    def quantity(self, column: str):
        measure, _, rest = column.partition(".")
        qname = rest.split("[", 1)[0]
        if measure not in self.cache:
            try:
                m = _m.get(measure)
                p = {**m.defaults, **self.params.get(measure, {})}
                self.cache[measure] = {q.name: q for q in m.declared(p)}
            except (ValueError, KeyError, TypeError):
                self.cache[measure] = {}
        return self.cache[measure].get(qname)


def _columns(row_keys) -> list[tuple[str, str | None]]:
    """(value column, its uncertainty column or None) of the measure columns."""
    from ..batch import BASE_COLUMNS

    keys = [k for k in row_keys if k not in BASE_COLUMNS]
    present = set(keys)
    out = []
    for k in keys:
        if k.endswith(".std") and k[: -len(".std")] in present:
            continue
        out.append((k, f"{k}.std" if f"{k}.std" in present else None))
    return out


def _display_name(path: str, frame) -> str:
    name = Path(str(path)).name or str(path)
    return name if frame is None else f"{name} [frame {frame}]"


def _shape(text) -> list:
    try:
        return [int(s) for s in str(text).split("x")] if text else []
    except ValueError:
        return []


def load_batch(paths) -> BatchInputs:
    """Read batch Parquet inputs (folders or files) into comparison rows."""
    from ._overview import _NO_ERROR

    got = BatchInputs()
    for path in paths:
        path = Path(path)
        records = _records(path)
        rows = _read_rows(path)
        if rows and not {"path", "status"} <= set(rows[0]):
            raise ValueError(f"RESULTS {str(path)!r} is a Parquet file without the columns of "
                             "`infopix batch` results (path, status, error, MEASURE.QUANTITY).")
        got.provenance.append((str(path), records))
        units = _Units(records)
        channel = next(((r.get("parameters") or {}).get("channel") for r in records), None)
        for row in rows:
            frame = _frame(row.get("frame"))
            name = _display_name(row.get("path"), frame)
            ok = row.get("status") == "ok"
            headline = []
            for col, std_col in _columns(row.keys()):
                q = units.quantity(col)
                value = _number(row.get(col))
                std = _number(row.get(std_col)) if std_col else None
                has_error = (q.uncertainty is not None) if q is not None else std_col is not None
                measure, _, label = col.partition(".")
                how = (f"standard error (column {std_col})" if has_error and std_col
                       else _NO_ERROR if q is not None else "none recorded")
                h = {"section": measure, "name": label, "label": col,
                     "value": value, "std": std if has_error else None,
                     "unit": q.unit if q is not None else None, "uncertainty": how}
                if value is None:
                    h["not_defined"] = "not defined for this image (NaN)"
                elif has_error and std is None:
                    h["uncertainty"] = "not estimated for this image (NaN)"
                headline.append(h)
            shape = _shape(row.get("shape"))
            inp = {"source": name, "path": row.get("path"), "frame": frame, "shape": shape,
                   "dtype": row.get("dtype") or "",
                   "colour_handling": _colour(shape, frame, channel)}
            got.rows.append({"source": name, "path": row.get("path"), "frame": frame,
                             "checksum": row.get("checksum"), "status": row.get("status"),
                             "error": row.get("error") or None, "input": str(path),
                             "headline": headline if ok else []})
            if not ok:
                why = row.get("error") or f"status {row.get('status')!r}"
                got.failed.append((name, row.get("path"), frame, why))
                continue
            got.results.append({"input": inp, "overview": {"headline": headline, "alerts": []}})
            got.paths.append((row.get("path"), frame, row.get("checksum")))
    return got


def _colour(shape, frame, channel) -> str:
    if len(shape) == 2 or (frame is not None and len(shape) == 3):
        return "grey"
    if len(shape) == 3 and shape[-1] in (3, 4):
        return f"colour; {channel or 'luminance'}"
    return f"{len(shape)}-d" if shape else ""


def thumbnails(paths, thumbnail) -> tuple[list[bytes], list[str]]:
    """A thumbnail of each (path, frame, checksum), made by ``thumbnail(array) -> PNG
    bytes`` (the report's), and, where there is none, why."""
    from ..io import read_image
    from ..provenance import sha256_file

    cache: dict = {}
    thumbs, notes = [], []
    for path, frame, checksum in paths:
        if path not in cache:
            cache[path] = _read(path, checksum, read_image, sha256_file)
        arr, why = cache[path]
        if arr is not None and frame is not None:
            arr = arr[frame] if arr.ndim == 3 and 0 <= frame < arr.shape[0] else None
            why = why or f"frame {frame} is not in the file now"
        if arr is not None and arr.ndim != 2:
            arr, why = None, f"a {arr.ndim}-d image: no thumbnail"
        if arr is None:
            thumbs.append(b"")
            notes.append(why)
            continue
        thumbs.append(thumbnail(arr))
        notes.append("")
    return thumbs, notes


def _read(path, checksum, read_image, sha256_file):
    """(array or None, reason for no thumbnail)."""
    if not path or not os.path.isfile(path):
        return None, "no thumbnail: the image file is no longer at this path"
    try:
        if checksum and sha256_file(path) != checksum:
            return None, "no thumbnail: the file changed since the batch (SHA-256 differs)"
        return read_image(path, channel="luminance"), ""
    except Exception as exc:  # noqa: BLE001 -- any reading error only costs the thumbnail
        return None, f"no thumbnail: the image is not readable now ({type(exc).__name__})"
