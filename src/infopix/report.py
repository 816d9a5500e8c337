"""The report of ``infopix analyze``: every family of measures adds one section.

The one small interface
-----------------------
A section is a function ``builder(image, params) -> Section`` registered with
:func:`register_section`. ``params`` is the section's own parameter dict: its
``defaults`` overridden by ``quick`` (for ``quick=True``) and then by the user's
configuration. Section builders live in :mod:`infopix.report_sections`, one module per
family, and only call the family's public API. A section whose family module is not in
this installation is not registered (it is listed in :data:`UNAVAILABLE`); a section
whose module exists but fails raises: errors are never hidden.

Every number a section reports is a *quantity*, a dict made by :func:`quantity`::

    {"value": 7.05, "unit": "bits", "explain": "one plain sentence", "std": ..., ...}

:class:`Report` collects the sections of one image and writes them as one folder:
``report.html`` (self-contained: figures embedded as base64 PNG, no network resource),
``results.json`` (every number, validated by ``infopix/data/results.schema.json``) and
``figures/*.png``. The folder is assembled beside its destination and renamed into
place, so an interrupted run leaves no half-written report.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import html as _html
import importlib.util
import io as _io
import json
import math
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import __version__

__all__ = [
    "Section",
    "Report",
    "analyze",
    "register_section",
    "quantity",
    "resolve_params",
    "write_reports",
    "SECTIONS",
    "UNAVAILABLE",
    "load_config",
    "results_schema",
    "default_sections",
]


@dataclass(frozen=True)
class Section:
    """One section of a report.

    Attributes
    ----------
    key : str
        Short identifier, the key of this section in ``results.json``.
    title : str
        Heading shown to a reader.
    results : dict of str to dict
        Quantities (see :func:`quantity`) by name.
    figures : dict of str to bytes
        PNG figures by file stem (written as ``figures/<key>_<stem>.png``).
    params : dict
        The parameters the section used.
    intro : str
        One or two plain sentences on what the section measures.
    captions : dict of str to str
        Figure captions by stem.
    """

    key: str
    title: str
    results: dict
    figures: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    intro: str = ""
    captions: dict = field(default_factory=dict)


def quantity(value, unit: str, explain: str, **extra) -> dict:
    """One reported number: value, unit, a one-line plain explanation and extras.

    Extras in use: ``std`` (standard error or posterior std), ``interval`` ((lo, hi)),
    ``level`` (credible level of ``interval``), ``estimator`` (registry name), ``x`` and
    ``x_unit`` (abscissa of a series), and any parameter that defines the number.
    ``None`` extras are dropped.
    """
    q = {"value": _plain(value), "unit": unit, "explain": explain}
    q.update({k: _plain(v) for k, v in extra.items() if v is not None})
    return q


def _plain(v):
    """NumPy scalars and arrays as Python numbers and lists (JSON-able, readable reprs)."""
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, (list, tuple)):
        return [_plain(u) for u in v]
    return v


#: Ordered registry of section builders: key -> callable(image, params) -> Section.
#: Each builder carries ``.defaults``, ``.quick`` and ``.optional`` attributes.
SECTIONS: dict[str, Callable] = {}

#: Sections whose family module is absent from this installation: key -> reason.
UNAVAILABLE: dict[str, str] = {}


def register_section(key: str, *, requires=(), defaults=None, quick=None, optional=False):
    """Decorator registering a section builder under ``key`` (in order of registration).

    Parameters
    ----------
    key : str
        Section key (``results.json`` key, figure prefix, configuration table).
    requires : sequence of str, optional
        infopix modules the section needs (e.g. ``("local",)``). If one is absent from
        the installation the section is not registered and :data:`UNAVAILABLE` says why.
        A module that exists but fails to import or run is *not* skipped.
    defaults : dict, optional
        Every parameter the builder reads, with its default (the accepted config keys).
    quick : dict, optional
        Overrides applied by ``quick=True`` (``infopix analyze --quick``).
    optional : bool, optional
        Run only when asked for (e.g. the Ising demonstration, ``--ising``).
    """
    missing = [m for m in requires if importlib.util.find_spec(f"infopix.{m}") is None]

    def deco(func):
        func.defaults = dict(defaults or {})
        func.quick = dict(quick or {})
        func.optional = bool(optional)
        if missing:
            UNAVAILABLE[key] = f"needs infopix.{missing[0]}, not in this installation"
            SECTIONS.pop(key, None)
        else:
            UNAVAILABLE.pop(key, None)
            SECTIONS[key] = func
        return func

    return deco


def _load_sections() -> None:
    from . import report_sections  # noqa: F401  (registers the builders)


def default_sections() -> list[str]:
    """Keys of the sections run when none are asked for (all but the optional ones)."""
    _load_sections()
    return [k for k, f in SECTIONS.items() if not f.optional]


def resolve_params(config=None, *, quick: bool = False, sections=None) -> dict:
    """Each section's effective parameters: defaults < quick < ``config``.

    Raises ``ValueError`` for a section or parameter name that does not exist.
    """
    _load_sections()
    config = {} if config is None else dict(config)
    known = set(SECTIONS) | set(UNAVAILABLE)
    bad = sorted(set(config) - known)
    if bad:
        raise ValueError(f"`config` has unknown section(s) {bad}; accepted: {sorted(known)}.")
    keys = list(SECTIONS) if sections is None else list(sections)
    out = {}
    for key in keys:
        builder = SECTIONS[key]
        user = config.get(key) or {}
        if not isinstance(user, dict):
            raise TypeError(f"`config` entry {key!r} expects a table of parameters, got {user!r}.")
        unknown = sorted(set(user) - set(builder.defaults))
        if unknown:
            raise ValueError(
                f"`config` section {key!r} has unknown parameter(s) {unknown}; accepted: "
                f"{sorted(builder.defaults)}."
            )
        for name, value in user.items():
            _check_param_type(key, name, value, builder.defaults[name])
        p = dict(builder.defaults)
        if quick:
            p.update(builder.quick)
        p.update(user)
        out[key] = p
    return out


def _check_param_type(section: str, name: str, value, default) -> None:
    """A configured value of the kind its default has: an integer where an integer is
    expected (TOML ``1e9`` is a float), a number, a list (a string is not a list)."""
    where = f"`config` [{section}] {name} (CLI: --config)"
    if isinstance(default, bool):
        ok, kind = isinstance(value, bool), "true or false"
    elif isinstance(default, int):
        ok, kind = isinstance(value, int) and not isinstance(value, bool), "an integer"
    elif isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        kind = "a number"
    elif isinstance(default, (list, tuple)):
        ok, kind = isinstance(value, (list, tuple)), "a list, e.g. [1, 2]"
    else:
        return
    if not ok:
        raise TypeError(f"{where} expects {kind}, got {value!r} ({type(value).__name__}).")


def load_config(path) -> dict:
    """Read a ``--config`` file: TOML (``.toml``) or JSON (``.json``), tables by section.

    Example TOML::

        [local]
        radii = [2, 5]
        estimator = "miller_madow"

        [scale]
        sigmas = [0.5, 1, 2, 4, 8]
    """
    p = Path(os.fspath(path))
    if not p.exists():
        raise FileNotFoundError(f"`config` file {str(p)!r} does not exist.")
    text = p.read_bytes()
    ext = p.suffix.lower()
    try:
        if ext == ".toml":
            import tomllib

            data = tomllib.loads(text.decode("utf-8"))
        elif ext == ".json":
            data = json.loads(text.decode("utf-8"))
        else:
            raise ValueError(f"`config` file {str(p)!r} must end in .toml or .json.")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"`config` file {str(p)!r} is not valid {ext[1:]}: {exc}") from None
    except Exception as exc:  # tomllib.TOMLDecodeError
        if isinstance(exc, ValueError) and "must end in" in str(exc):
            raise
        raise ValueError(f"`config` file {str(p)!r} is not valid {ext[1:]}: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"`config` file {str(p)!r} must hold a table of sections.")
    return data


# ----------------------------------------------------------------------- figures


def new_figure(width: float = 6.0, height: float = 3.4, ncols: int = 1, nrows: int = 1):
    """A matplotlib figure on the non-interactive Agg canvas (no display needed)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, (axes[0, 0] if nrows * ncols == 1 else axes.ravel())


def figure_png(fig, dpi: int = 100) -> bytes:
    """Render a matplotlib figure to PNG bytes and release it."""
    buf = _io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    try:
        import matplotlib.pyplot as plt

        plt.close(fig)
    except Exception:  # a Figure() not managed by pyplot
        pass
    return buf.getvalue()


# ----------------------------------------------------------------------- report


def _jsonable(obj):
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return _jsonable(obj.item())
    if isinstance(obj, float) and not math.isfinite(obj):
        return None if math.isnan(obj) else ("inf" if obj > 0 else "-inf")
    if isinstance(obj, Path):
        return str(obj)
    return obj


@dataclass(frozen=True)
class Report:
    """The results of :func:`analyze` on one image.

    Attributes
    ----------
    source : str
        Where the image came from (a path, or a label).
    sha256 : str
        SHA-256 of the pixel data (C order bytes of the analysed array).
    shape, dtype
        Of the analysed array.
    params : dict
        Effective parameters by section.
    sections : tuple of Section
    file_sha256 : str or None
        SHA-256 of the input file when the image was read from one.
    created : str
        UTC time of the analysis (ISO 8601).
    """

    source: str
    sha256: str
    shape: tuple
    dtype: str
    params: dict
    sections: tuple
    file_sha256: str | None = None
    created: str = ""
    unavailable: dict = field(default_factory=dict)

    def __getitem__(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(f"report has no section {key!r}; it has {[s.key for s in self.sections]}.")

    def to_dict(self) -> dict:
        """Everything in ``results.json`` as plain Python (JSON-able) data."""
        return _jsonable(
            {
                "infopix_version": __version__,
                "created": self.created,
                "input": {
                    "source": self.source,
                    "sha256": self.sha256,
                    "file_sha256": self.file_sha256,
                    "shape": list(self.shape),
                    "dtype": self.dtype,
                },
                "parameters": self.params,
                "sections": {
                    s.key: {
                        "title": s.title,
                        "results": s.results,
                        "figures": [f"figures/{s.key}_{stem}.png" for stem in s.figures],
                    }
                    for s in self.sections
                },
                "unavailable_sections": self.unavailable,
            }
        )

    def to_json(self, path=None, *, force: bool = False):
        """The results as JSON text; with ``path``, also written there atomically."""
        text = json.dumps(self.to_dict(), indent=2, allow_nan=False) + "\n"
        if path is None:
            return text
        from .io import atomic_path

        path = Path(path)
        with atomic_path(path, force=force) as tmp:
            tmp.write_text(text, encoding="utf-8")
        return path

    def to_html(self, path=None, *, force: bool = False):
        """The self-contained HTML report; with ``path``, also written there atomically."""
        from ._report_html import render_document

        text = render_document(self)
        if path is None:
            return text
        from .io import atomic_path

        path = Path(path)
        with atomic_path(path, force=force) as tmp:
            tmp.write_text(text, encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        from ._report_html import render_fragment

        return render_fragment(self)

    def _fill(self, folder: Path) -> None:
        (folder / "figures").mkdir()
        for s in self.sections:
            for stem, png in s.figures.items():
                (folder / "figures" / f"{s.key}_{stem}.png").write_bytes(png)
        (folder / "results.json").write_text(self.to_json(), encoding="utf-8")
        (folder / "report.html").write_text(self.to_html(), encoding="utf-8")

    def write(self, out, *, force: bool = False) -> list[Path]:
        """Write ``out/report.html``, ``out/results.json`` and ``out/figures/*.png``.

        All or nothing: the folder is assembled beside ``out`` and renamed into place.
        An existing ``out`` is replaced only with ``force``.
        """
        return write_reports([self], out, force=force)


def _stems(reports) -> list[str]:
    names, seen = [], {}
    for r in reports:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(r.source).stem) or "image"
        n = seen.get(stem, 0) + 1
        seen[stem] = n
        names.append(stem if n == 1 else f"{stem}-{n}")
    return names


def write_reports(reports, out, *, force: bool = False) -> list[Path]:
    """Write one report as a folder, or several as one sub-folder each plus ``index.html``.

    One report: ``out/report.html``, ``out/results.json``, ``out/figures/``. Several:
    ``out/<image stem>/`` for each (stems made unique with ``-2``, ``-3``...) and
    ``out/index.html`` linking them. The whole of ``out`` is assembled in a temporary
    folder beside it and renamed into place (atomic on one file system); an existing
    ``out`` is replaced only with ``force``.
    """
    reports = list(reports)
    if not reports:
        raise ValueError("`reports` is empty; nothing to write.")
    out = Path(os.fspath(out))
    if os.path.lexists(out) and not force:
        raise FileExistsError(
            f"output {str(out)!r} exists; pass --force (force=True) to overwrite it."
        )
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"output {str(out)!r} exists and is not a folder.")
    from ._outputs import atomic_dir

    with atomic_dir(out, force=force) as tmp:  # assembled beside `out`, swapped in at once
        if len(reports) == 1:
            reports[0]._fill(tmp)
        else:
            from ._report_html import render_index

            stems = _stems(reports)
            for r, stem in zip(reports, stems):
                (tmp / stem).mkdir()
                r._fill(tmp / stem)
            (tmp / "index.html").write_text(render_index(reports, stems), encoding="utf-8")
    if len(reports) == 1:
        files = [out / "report.html", out / "results.json"]
        return files + sorted((out / "figures").glob("*.png"))
    return [out / "index.html"] + [out / s / "report.html" for s in _stems(reports)]


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def analyze(
    image,
    *,
    source: str | None = None,
    sections=None,
    quick: bool = False,
    config=None,
    progress=None,
    **params,
) -> Report:
    """Run the report's sections on ``image`` and return a :class:`Report`.

    Parameters
    ----------
    image : (M, N) ndarray or path
        A grey image, or an image file (colour files are reduced to luminance).
    source : str, optional
        Where the image came from, recorded in the report (default: the path, or
        ``"array"``).
    sections : sequence of str or "all", optional
        Keys of :data:`SECTIONS` to run, in registry order. Default: every section but
        the optional ones (the Ising demonstration); ``"all"`` includes those.
    quick : bool, optional
        Smaller radii, fewer scales and shorter runs (seconds instead of tens of
        seconds); every number is still computed the same way.
    config : dict, optional
        Parameters by section, e.g. ``{"local": {"radii": [2, 5]}}`` (keys:
        ``infopix analyze --help`` and the README).
    progress : callable, optional
        Called as ``progress(key, title)`` before each section runs.
    **params
        Same as ``config`` entries, e.g. ``local={"radii": [2]}``.

    Returns
    -------
    Report
        With ``.to_html(path)``, ``.to_json(path)``, ``.write(folder)`` and
        ``_repr_html_`` for notebooks.

    Examples
    --------
    >>> import numpy as np, infopix
    >>> img = np.arange(64, dtype=np.uint8).reshape(8, 8)
    >>> r = infopix.analyze(img, sections=["intensity"])
    >>> r["intensity"].results["shannon"]["value"]        # 64 equally frequent levels
    6.0
    """
    from . import _validation as v

    file_sha = None
    if isinstance(image, (str, os.PathLike)):
        from .io import read_image

        path = Path(os.fspath(image))
        arr = read_image(path, channel="luminance")  # a volume stays 3-D: refused below
        file_sha = _sha256_file(path)
        source = str(path) if source is None else source
    else:
        arr = image
    arr = v.check_image(arr)
    v.check_finite_or_masked(arr, None)
    source = "array" if source is None else str(source)

    _load_sections()
    if sections is None:
        keys = default_sections()
    elif isinstance(sections, str) and sections == "all":
        keys = list(SECTIONS)
    else:
        asked = [sections] if isinstance(sections, str) else list(sections)
        bad = [k for k in asked if k not in SECTIONS]
        if bad:
            why = "; ".join(f"{k!r}: {UNAVAILABLE[k]}" for k in bad if k in UNAVAILABLE)
            raise ValueError(
                f"`sections` expects names from {list(SECTIONS)}, got {bad}"
                + (f" ({why})" if why else "")
                + "."
            )
        keys = [k for k in SECTIONS if k in asked]
    merged = dict(config or {})
    for k, p in params.items():
        merged[k] = {**merged.get(k, {}), **(p or {})}
    eff = resolve_params(merged, quick=quick, sections=keys)

    built = []
    for key in keys:
        if progress is not None:
            progress(
                key, SECTIONS[key].__doc__.strip().splitlines()[0] if SECTIONS[key].__doc__ else key
            )
        sec = SECTIONS[key](arr, eff[key])
        if not isinstance(sec, Section) or sec.key != key:
            raise TypeError(f"section builder {key!r} must return Section(key={key!r}, ...).")
        built.append(sec)
    digest = hashlib.sha256(np.ascontiguousarray(arr).tobytes()).hexdigest()
    created = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    return Report(
        source=source,
        sha256=digest,
        shape=tuple(arr.shape),
        dtype=str(arr.dtype),
        params=eff,
        sections=tuple(built),
        file_sha256=file_sha,
        created=created,
        unavailable=dict(UNAVAILABLE),
    )


def results_schema() -> dict:
    """The JSON schema of ``results.json`` (``infopix/data/results.schema.json``)."""
    from importlib import resources

    text = (resources.files("infopix") / "data" / "results.schema.json").read_text("utf-8")
    return json.loads(text)


def png_data_uri(png: bytes) -> str:
    """A ``data:image/png;base64,...`` URI (figures are embedded, never linked)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def escape(text) -> str:
    return _html.escape(str(text), quote=True)
