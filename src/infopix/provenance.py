"""What produced an output: the provenance record written into every infopix output.

One record, built by :func:`record`, travels with each file infopix writes, so that a
map or a table can be traced later to the run that made it:

- Parquet (``infopix batch``): the schema metadata, key ``b"infopix"`` (JSON); read it
  with ``pyarrow.parquet.read_schema(part).metadata[b"infopix"]``. A batch has many
  inputs: each row's SHA-256 is its ``checksum`` column, so the record has no ``sha256``;
- Zarr (``infopix localmap --chunks``): the array's attributes, key ``"infopix"``;
- TIFF (``infopix localmap -o map.tif``, :func:`infopix.write_image` with
  ``metadata=``): the JSON record as the first page's ImageDescription (the axes are then
  recorded in the ``"axes"`` entry of the same JSON, which :func:`infopix.read_image`
  reads);
- JSON (``infopix scale``, ``infopix localmap --json``): a top-level ``"provenance"`` entry;
- CSV (``infopix scale``): leading comment lines ``# infopix: {JSON record}`` before the
  header row; read the table with ``pandas.read_csv(path, comment="#")``.

``.npy`` and the 8-bit picture formats (PNG, ...) have no place for it.

The record holds ``infopix_version``, ``created`` (UTC, ISO 8601), ``command``,
``input`` and ``sha256`` (the SHA-256 of the input file's bytes; both None for the
bundled sample image or an in-memory array), ``parameters`` (JSON-able), ``unit`` and
``estimator`` (None where they do not apply).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import numbers
import os
from pathlib import Path

import numpy as np

__all__ = ["KEY", "record", "resolve_seed", "sha256_file", "map_unit", "to_json", "from_json"]

#: The key under which the record is stored (Parquet metadata, Zarr attrs, JSON, CSV).
KEY = "infopix"


def sha256_file(path) -> str:
    """SHA-256 of a file's bytes, as 64 hex digits (read in 1 MiB pieces).

    A folder (a Zarr store) is hashed as a whole: its files in sorted order of their
    paths relative to it (with ``/`` separators), each fed as the path, a NUL byte, the
    size as 8 little-endian bytes and the file's bytes, so that renaming, moving or
    changing any file changes the checksum.

    Examples
    --------
    >>> import hashlib, os, tempfile
    >>> d = tempfile.mkdtemp()
    >>> p = os.path.join(d, "x.bin")
    >>> _ = open(p, "wb").write(b"abc")
    >>> sha256_file(p) == hashlib.sha256(b"abc").hexdigest()
    True
    >>> before = sha256_file(d)                      # the folder holding x.bin
    >>> _ = open(os.path.join(d, "y.bin"), "wb").write(b"")
    >>> sha256_file(d) != before
    True
    """
    p = Path(path)
    h = hashlib.sha256()
    if p.is_dir():
        files = sorted((f for f in p.rglob("*") if f.is_file()),
                       key=lambda f: f.relative_to(p).as_posix())
        for f in files:
            h.update(f.relative_to(p).as_posix().encode("utf-8") + b"\0")
            h.update(f.stat().st_size.to_bytes(8, "little"))
            _feed(h, f)
        return h.hexdigest()
    _feed(h, p)
    return h.hexdigest()


def _feed(h, path) -> None:
    with open(path, "rb") as fh:
        for piece in iter(lambda: fh.read(1 << 20), b""):
            h.update(piece)


def _jsonable(value):
    """Parameters as JSON values: tuples to lists, NumPy scalars to Python, paths to text."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    item = getattr(value, "item", None)  # NumPy scalars
    if callable(item):
        try:
            return _jsonable(item())
        except (TypeError, ValueError):
            pass
    return repr(value)


def record(*, command: str, input=None, parameters=None, unit=None, estimator=None,
           checksum: bool = True) -> dict:
    """The provenance record of one output.

    Parameters
    ----------
    command : str
        What wrote the output (``'localmap'``, ``'scale'``, ``'batch'``, a function name).
    input : str or os.PathLike, optional
        The input file, hashed (SHA-256 of its bytes) unless ``checksum`` is False.
        None for the bundled sample image or an in-memory array.
    parameters : dict, optional
        The parameters that produced the output (stored as JSON values; anything else
        as its ``repr``).
    unit : str or dict, optional
        The unit of the values written (``'bits'``, ...).
    estimator : str or dict, optional
        The entropy estimator, where one applies.
    checksum : bool, optional
        Hash ``input`` (False: ``sha256`` is None, e.g. where rows carry their own).

    Returns
    -------
    dict
        ``infopix_version``, ``created``, ``command``, ``input``, ``sha256``,
        ``parameters``, ``unit``, ``estimator``.

    Examples
    --------
    >>> rec = record(command="doc", parameters={"radius": 2}, unit="bits", estimator="plugin")
    >>> rec["parameters"], rec["unit"], rec["estimator"], rec["sha256"]
    ({'radius': 2}, 'bits', 'plugin', None)
    >>> from_json(to_json(rec)) == rec
    True
    """
    from . import __version__

    path = None if input is None else os.fspath(input)
    return {
        "infopix_version": __version__,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "command": str(command),
        "input": None if path is None else os.path.abspath(path),
        "sha256": sha256_file(path) if path is not None and checksum else None,
        "parameters": _jsonable(dict(parameters or {})),
        "unit": _jsonable(unit),
        "estimator": _jsonable(estimator),
    }


#: Units of the local maps whose values are not in the logarithm's unit.
_MAP_UNITS = {"std": "intensity", "mean": "intensity", "laurent": "levels - 1",
              "taylor": "-(1 + sum p^2)"}


def map_unit(measure: str, base: float = 2.0) -> str:
    """The unit of a local map of ``measure`` (``localmap --measure``) in log ``base``.

    Examples
    --------
    >>> map_unit("entropy"), map_unit("surprisal", 2.718281828459045), map_unit("std")
    ('bits', 'nats', 'intensity')
    """
    import math

    if measure in _MAP_UNITS:
        return _MAP_UNITS[measure]
    return {2.0: "bits", math.e: "nats"}.get(float(base), f"log base {float(base):g}")


def to_json(rec: dict) -> str:
    """The record as one line of JSON (what TIFF, Parquet and CSV store)."""
    return json.dumps(rec, sort_keys=True, separators=(",", ":"))


def from_json(text) -> dict:
    """Read back a record written by :func:`to_json` (str or bytes)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return json.loads(text)


def resolve_seed(rng=None) -> int:
    """The seed a stochastic run records (an Ising run, a shuffle, tie-breaking noise):
    passing it back as ``rng`` (CLI: ``--seed``) reproduces the run bit for bit.

    ``None``: 63 bits of fresh entropy (``numpy.random.SeedSequence().entropy``); an
    integer ``>= 0``: that integer (so ``rng=run.seed`` and ``--seed`` round-trip); a
    ``Generator`` (or anything ``numpy.random.default_rng`` accepts): 63 bits drawn from
    it. Everything random in the run is then derived from this seed alone (for Ising,
    :func:`infopix.ising.dynamics._kernel_seed`).

    Examples
    --------
    >>> resolve_seed(7)
    7
    >>> resolve_seed(np.random.default_rng(7)) == resolve_seed(np.random.default_rng(7))
    True
    """
    if rng is None:
        return int(np.random.SeedSequence().entropy) & (2**63 - 1)
    if isinstance(rng, (numbers.Integral, np.integer)) and not isinstance(rng, bool):
        if int(rng) < 0:
            raise ValueError(f"`rng` expects a seed >= 0 or a numpy Generator, got {rng!r}.")
        return int(rng)
    try:
        gen = np.random.default_rng(rng)
    except (TypeError, ValueError):
        raise TypeError(
            f"`rng` expects None, an integer seed >= 0 or a numpy.random.Generator, got {rng!r}."
        ) from None
    return int(gen.integers(0, 2**63, dtype=np.int64))
