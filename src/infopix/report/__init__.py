"""The report of ``infopix analyze``: every measure of the registry is one section.

The measures, their parameters and the quantities they return are the records of
:mod:`infopix.measures`; :func:`analyze` builds an image's
:class:`~infopix.measures.ImageContext` once (validated array, counts, multifractal
table), computes each measure from it, and renders each as a :class:`Section`: its
quantities, the figures drawn by :mod:`infopix.report.sections` and a plain intro.

Every number a section reports is a *quantity*, a dict made by
:func:`infopix.measures.quantity`::

    {"value": 7.05, "unit": "bits", "explain": "one plain sentence", "std": ..., ...}

:class:`Report` collects the sections of one image and writes them as one folder:
``report.html`` (self-contained: figures embedded as base64 PNG, no network resource),
``results.json`` (every number, validated by ``infopix/data/results.schema.json``) and
``figures/*.png``. The folder is assembled beside its destination and renamed into
place, so an interrupted run leaves no half-written report.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import __version__
from .. import measures as _m
from ..measures import load_config, quantity
from ._figures import FIGURE_FORMATS, apply_style, check_formats, relabel_fit_legend

__all__ = [
    "Section",
    "Report",
    "analyze",
    "quantity",
    "resolve_params",
    "write_reports",
    "load_config",
    "results_schema",
    "default_sections",
    "FIGURE_FORMATS",
    "apply_style",
    "check_formats",
    "relabel_fit_legend",
    "write_comparison",
    "comparison_rows",
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
    alerts : tuple of str
        Every warning raised while the section was computed and drawn, its notes, and
        the values it could not give (one line each); listed at the top of the report.
    folded : tuple of str
        Result names shown in a folded table under the figures (the full estimator
        table), not in the section's main table.
    guide : str
        A paragraph after the figures (e.g. which estimator matters, and when).
    fold_note : str
        What the folded table's numbers rest on (shown on its summary line).
    not_applicable : str
        Why the section's measure is not computed for this input (e.g. "not applicable
        to volumes: ..."); empty when it is.
    """

    key: str
    title: str
    results: dict
    figures: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    intro: str = ""
    captions: dict = field(default_factory=dict)
    alerts: tuple = ()
    folded: tuple = ()
    guide: str = ""
    fold_note: str = ""
    not_applicable: str = ""


def resolve_params(config=None, *, quick: bool = False, sections=None) -> dict:
    """Each section's effective parameters: defaults < quick < ``config``
    (:func:`infopix.measures.resolve_params` for the report's sections)."""
    return _m.resolve_params(config, quick=quick, measures=sections)


def default_sections() -> list[str]:
    """Keys of the sections run when none are asked for (all but the optional ones)."""
    return [m.name for m in _m.resolve(None)]


# ----------------------------------------------------------------------- report


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
    unavailable : dict
        Sections not in this installation, with the reason.
    image_info : dict
        How the file was read: ``colour_handling`` (e.g. ``'RGB; luminance'``),
        ``channel`` (the ``--channel`` asked for, or None), ``source_dtype``, ``axes``...
    overview : dict
        ``headline`` (rows of the overview table: value, std, unit, the uncertainty's
        method) and ``alerts`` (``{"section", "message"}`` for every alert of every
        section), as shown at the top of the report.
    thumbnail : bytes
        A small PNG of the image (the multi-image index shows it).
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
    image_info: dict = field(default_factory=dict)
    overview: dict = field(default_factory=dict)
    thumbnail: bytes = field(default=b"", repr=False)

    def __getitem__(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(f"report has no section {key!r}; it has {[s.key for s in self.sections]}.")

    def to_dict(self) -> dict:
        """Everything in ``results.json`` as plain Python (JSON-able) data."""
        return _m.jsonable(
            {
                "infopix_version": __version__,
                "created": self.created,
                "input": {
                    "source": self.source,
                    "sha256": self.sha256,
                    "file_sha256": self.file_sha256,
                    "shape": list(self.shape),
                    "dtype": self.dtype,
                    **{k: v for k, v in self.image_info.items() if k in _INFO_KEYS},
                },
                "overview": self.overview,
                "parameters": self.params,
                "sections": {
                    s.key: {
                        "title": s.title,
                        "results": s.results,
                        "figures": [f"figures/{s.key}_{stem}.png" for stem in s.figures],
                        "alerts": list(s.alerts),
                        **({"not_applicable": s.not_applicable} if s.not_applicable else {}),
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
        from ..io import atomic_path

        path = Path(path)
        with atomic_path(path, force=force) as tmp:
            tmp.write_text(text, encoding="utf-8")
        return path

    def to_html(self, path=None, *, force: bool = False):
        """The self-contained HTML report; with ``path``, also written there atomically."""
        from ._html import render_document

        text = render_document(self)
        if path is None:
            return text
        from ..io import atomic_path

        path = Path(path)
        with atomic_path(path, force=force) as tmp:
            tmp.write_text(text, encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        from ._html import render_fragment

        return render_fragment(self)

    def _fill(self, folder: Path) -> None:
        (folder / "figures").mkdir()
        for s in self.sections:
            for stem, png in s.figures.items():
                (folder / "figures" / f"{s.key}_{stem}.png").write_bytes(png)
                for fmt, data in getattr(png, "formats", {}).items():
                    (folder / "figures" / f"{s.key}_{stem}.{fmt}").write_bytes(data)
        (folder / "results.json").write_text(self.to_json(), encoding="utf-8")
        (folder / "report.html").write_text(self.to_html(), encoding="utf-8")

    def write(self, out, *, force: bool = False) -> list[Path]:
        """Write ``out/report.html``, ``out/results.json`` and ``out/figures/*`` (each
        figure as PNG, and SVG/PDF as asked when the report was made).

        All or nothing: the folder is assembled beside ``out`` and renamed into place.
        An existing ``out`` is replaced only with ``force``.
        """
        return write_reports([self], out, force=force)


#: ImageInfo fields recorded in results.json's ``input``.
_INFO_KEYS = ("channel", "colour_handling", "source_dtype", "axes", "format", "spacing", "unit")


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
    from ..outputs import atomic_dir

    with atomic_dir(out, force=force) as tmp:  # assembled beside `out`, swapped in at once
        if len(reports) == 1:
            reports[0]._fill(tmp)
        else:
            from ._compare import write_index

            stems = _stems(reports)
            for r, stem in zip(reports, stems):
                (tmp / stem).mkdir()
                r._fill(tmp / stem)
            write_index(tmp, [r.to_dict() for r in reports], stems,
                        [r.thumbnail for r in reports])
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
    channel=None,
    image_info: dict | None = None,
    figure_formats=("png", "svg"),
    axes: str | None = None,
    **params,
) -> Report:
    """Run the report's sections on ``image`` and return a :class:`Report`.

    Parameters
    ----------
    image : (M, N) ndarray or path
        A grey image, or an image file (colour files are reduced by ``channel``).
    source : str, optional
        Where the image came from, recorded in the report (default: the path, or
        ``"array"``).
    sections : sequence of str or "all", optional
        Names of :data:`infopix.measures.MEASURES` to run, in registry order. Default: every one but
        the optional ones (the Ising demonstration); ``"all"`` includes those.
    quick : bool, optional
        Smaller radii, fewer scales and shorter runs (seconds instead of tens of
        seconds); every number is still computed the same way.
    config : dict, optional
        Parameters by section, e.g. ``{"local": {"radii": [2, 5]}}`` (keys:
        ``infopix analyze --help`` and the README).
    progress : callable, optional
        Called as ``progress(key, title)`` before each section runs.
    channel : {None, 'luminance'} or int, optional
        For an image file in colour: ``'luminance'`` (default, ITU-R BT.601 luma) or one
        channel's index. Recorded in the report and results.json.
    image_info : dict, optional
        How an array was read (:meth:`infopix.io.ImageInfo.to_dict`, plus ``channel``),
        recorded in the report when ``image`` is an array read elsewhere.
    figure_formats : sequence of {'png', 'svg', 'pdf'} or str, optional
        Formats each figure is written in by :meth:`Report.write` (PNG, 200 dpi, is
        always made: the HTML embeds it).
    axes : {'yx', 'zyx', 'tyx'}, optional
        What a 3-D array is: ``'zyx'`` a volume (the measures that are 3-D are computed
        on it, the others say why not; the image is shown as orthogonal slices and a
        maximum-intensity projection), ``'tyx'`` a series of frames (every measure on
        every frame, curves of the headline numbers against the frame index, the full
        sections for the middle frame). For a file, what ``read_image(axes=)`` takes
        (the file's own axes otherwise); for an array, required when it is 3-D (default:
        ``image_info['axes']``).
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
    import dataclasses
    import warnings

    from . import _overview as ov
    from ._figures import check_formats, figure_formats as _formats, style

    formats = check_formats(figure_formats)
    file_sha = None
    info = dict(image_info or {})
    if isinstance(image, (str, os.PathLike)):
        from ..io import read_image

        path = Path(os.fspath(image))
        ch = "luminance" if channel is None else channel
        arr, got = read_image(path, channel=ch, axes=axes, return_info=True)
        info = {**got.to_dict(), **info}
        file_sha = _sha256_file(path)
        source = str(path) if source is None else source
    else:
        arr = image
        if axes is not None:
            info["axes"] = axes
    info.setdefault("channel", None if channel is None else channel)
    if "colour_handling" not in info:
        a = np.asarray(arr)
        info["colour_handling"] = "grey" if a.ndim == 2 else f"array of shape {a.shape}"
    kind = _kind(arr, info.get("axes"))
    spacing = info.get("spacing")
    if kind != "volume" or not spacing or len(spacing) != 3 or None in spacing:
        spacing = None
    ctx = _m.ImageContext(arr if kind != "series" else np.asarray(arr)[0],
                          volume=kind == "volume", spacing=spacing)
    if kind == "series":
        from ..series import check_series

        arr = check_series(arr)
        for t in range(1, arr.shape[0]):  # every frame valid before any work
            _m.ImageContext(arr[t])
    else:
        arr = ctx.image
    source = "array" if source is None else str(source)

    if sections is None:
        chosen = _m.resolve(None)
    else:
        asked = [sections] if isinstance(sections, str) and sections != "all" else sections
        bad = [] if asked == "all" else [k for k in asked if k not in _m.MEASURES]
        if bad:
            why = "; ".join(f"{k!r}: {_m.UNAVAILABLE[k]}" for k in bad if k in _m.UNAVAILABLE)
            raise ValueError(
                f"`sections` expects names from {list(_m.MEASURES)}, got {bad}"
                + (f" ({why})" if why else "")
                + "."
            )
        chosen = _m.resolve(asked)
    keys = [m.name for m in chosen]
    merged = dict(config or {})
    for k, p in params.items():
        merged[k] = {**merged.get(k, {}), **(p or {})}
    eff = resolve_params(merged, quick=quick, sections=keys)

    if kind == "series":
        from ._series import analyze_series

        built, entropy, sec = analyze_series(arr, chosen, eff, render_section=render_section,
                                             make_section=Section, progress=progress,
                                             formats=formats)
        overview = {
            "headline": ov.headline(built, entropy),
            "alerts": [{"section": s.key, "message": a} for s in [sec, *built] for a in s.alerts],
        }
        built = [built[0], sec, *built[1:]] if built and built[0].key == "image" else [sec, *built]
        return _report(arr, source, eff, built, file_sha, info, overview)

    built = []
    for m in chosen:
        if progress is not None:
            progress(m.name, m.title)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            computed = m.run(ctx, eff[m.name])
            with style(), _formats(formats):
                sec = render_section(m, ctx, computed)
        alerts = ov.section_alerts(m.name, ov._messages(caught), computed.notes, sec.results)
        built.append(dataclasses.replace(sec, alerts=tuple(dict.fromkeys(sec.alerts + tuple(alerts)))))

    # the headline entropy with its spatial error is the intensity measure's Shannon row
    # (its warnings were caught into that section's alerts)
    entropy = next((s.results.get("shannon") for s in built if s.key == "intensity"), None)
    overview = {
        "headline": ov.headline(built, entropy),
        "alerts": [{"section": s.key, "message": a} for s in built for a in s.alerts],
    }
    return _report(arr, source, eff, built, file_sha, info, overview)


def _kind(arr, axes) -> str:
    """'image', 'volume' or 'series' from the array's rank and its axes; a 3-D array
    whose axes nobody said is an error naming the choices (never a guess)."""
    ndim = np.ndim(arr)
    if ndim == 3 and axes == "zyx":
        return "volume"
    if ndim == 3 and axes == "tyx":
        return "series"
    if ndim == 3:
        said = "" if axes is None else f" with axes {axes!r}"
        raise ValueError(
            f"`image` is a 3-D array of shape {np.shape(arr)}{said}; pass axes='zyx' (a volume) "
            f"or axes='tyx' (a series of frames), or reduce a colour image to one channel "
            f"first (read_image(path, channel=...))."
        )
    return "image"


def _report(arr, source, eff, built, file_sha, info, overview) -> Report:
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
        unavailable=dict(_m.UNAVAILABLE),
        image_info=_m.jsonable(info),
        overview=_m.jsonable(overview),
        thumbnail=_thumbnail(arr if np.ndim(arr) == 2 else (
            np.max(arr, axis=0) if info.get("axes") == "zyx" else arr[arr.shape[0] // 2])),
    )


def _thumbnail(image, side: int = 160) -> bytes:
    """A small PNG of the image (nearest-neighbour subsampling, grey levels as stored);
    a volume's maximum-intensity projection, a series' middle frame. An image smaller than
    half of ``side`` (a small volume's 20 x 24 projection) is enlarged by whole pixels, so
    the thumbnail is at least ``side // 2`` pixels on its longest side, not a speck."""
    import io as _io

    from matplotlib.figure import Figure

    a = np.asarray(image, dtype=np.float64)
    step = max(1, int(np.ceil(max(a.shape) / side)))
    a = a[::step, ::step]
    grow = side // max(a.shape)
    if grow >= 2:  # nearest-neighbour: each pixel a grow x grow block
        a = np.repeat(np.repeat(a, grow, axis=0), grow, axis=1)
    h, w = a.shape
    fig = Figure(figsize=(w / 100, h / 100), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.imshow(a, cmap="gray", interpolation="nearest", aspect="auto")
    ax.set_axis_off()
    buf = _io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return buf.getvalue()


def render_section(measure, ctx, computed) -> Section:
    """A measure's :class:`~infopix.measures.Computed` as a report :class:`Section`.

    Values outside an estimator's validity are replaced by ``None`` with a
    ``not_applicable`` reason (they never appear as numbers); each becomes an alert."""
    from ._overview import mark_not_applicable
    from .sections import Rendered, renderer

    na = computed.data.get("not_applicable")
    if na:  # the measure does not apply to this input (a volume): say why, draw nothing
        return Section(measure.name, measure.title, {}, params=computed.params,
                       intro=na[:1].upper() + na[1:].rstrip(".") + ".", not_applicable=na)
    results, alerts = mark_not_applicable(computed.results, computed.data.get("estimates"))
    results = measure.describe(results, computed.params)  # each number says how certain it is
    computed = _m.Computed(results, computed.params, computed.data, computed.notes)
    render = renderer(measure.name)
    out = Rendered() if render is None else render(ctx, computed)
    intro = out.intro or measure.description or (
        f"{measure.title}: each row below gives one number, its unit and what it means"
    )
    if intro and not intro.endswith("."):
        intro += "."
    return Section(
        measure.name,
        measure.title,
        results,
        out.figures,
        params=computed.params,
        intro=intro[:1].upper() + intro[1:],
        captions=out.captions,
        alerts=tuple(alerts),
        folded=tuple(out.folded),
        guide=out.guide,
        fold_note=out.fold_note,
    )


def results_schema() -> dict:
    """The JSON schema of ``results.json`` (``infopix/data/results.schema.json``)."""
    from importlib import resources

    text = (resources.files("infopix") / "data" / "results.schema.json").read_text("utf-8")
    return json.loads(text)


def write_comparison(results, out, *, force: bool = False, figure_formats=("png", "svg")) -> Path:
    """Compare reports written earlier, or the Parquet results of a batch:
    ``out/index.html`` (a sortable table of every headline measure, or of every measure
    column of a batch, rounded to its uncertainty; thumbnails; links to each report) and
    ``out/figures/compare.*`` (each measure across images, with error bars).

    Parameters
    ----------
    results : sequence of path
        Either ``results.json`` files of :meth:`Report.write` (or the folders holding
        them), or results of :func:`infopix.batch.run` (a results folder such as
        ``results.parquet``, or one Parquet file). Both kinds at once are refused. From a
        batch, rows recorded with an error are listed as failed (not plotted), each image
        still readable (and unchanged, by its SHA-256) gets a thumbnail, and the
        provenance in the Parquet schema metadata (infopix version, parameters) is shown.
    out : path
        Output folder, written at once (assembled beside it, then renamed); an existing
        one is replaced only with ``force``.
    figure_formats : sequence of {'png', 'svg', 'pdf'} or str, optional
        Formats of the comparison figure.

    Returns
    -------
    Path
        ``out/index.html``.
    """
    from ._compare import comparison_figure, comparison_kind, index_html, load_results
    from ._figures import figure_formats as _formats

    formats = check_formats(figure_formats)
    paths = [Path(os.fspath(p)) for p in results]
    kind = comparison_kind(paths)
    out = Path(os.fspath(out))
    if os.path.lexists(out) and not force:
        raise FileExistsError(f"output {str(out)!r} exists; pass --force (force=True) to replace it.")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise FileNotFoundError(f"output folder {str(parent)!r} does not exist.")
    extra = {}
    if kind == "parquet":
        from ._batch_inputs import load_batch, thumbnails
        from ._compare import failed_html, provenance_html

        got = load_batch(paths)
        data = got.results
        links = [""] * len(data)
        thumbs, notes = thumbnails(got.paths, _thumbnail)
        names = [d["input"]["source"] for d in data]
        n = len(data)
        extra = dict(
            thumb_notes=notes, alerts=False,
            extra=failed_html(got.failed) + provenance_html(got.provenance),
            title=f"infopix batch: {n} image{'s' if n != 1 else ''} compared"
            + (f", {len(got.failed)} failed" if got.failed else ""),
            intro="Every measure column of the batch results (MEASURE.QUANTITY), rounded to its "
                  "uncertainty (± the value of its .std column); click a column header to sort. "
                  "Rows recorded with an error are listed under Failed, not plotted.",
            footer="Every number here is also in the Parquet results, at full precision.")
    else:
        data = load_results(paths)
        folders = [p if p.is_dir() else p.parent for p in paths]
        links, thumbs, notes = [], [], []
        for f in folders:
            page = f / "report.html"
            links.append(os.path.relpath(page, out.resolve()) if page.exists() else "")
            # an image's picture, or a volume's slices and projection
            pics = [f / "figures" / n for n in ("image_image.png", "image_slices.png")]
            pic = next((p for p in pics if p.is_file()), None)
            thumbs.append(pic.read_bytes() if pic is not None else b"")
            notes.append("" if thumbs[-1] else "no thumbnail: neither figures/image_image.png "
                         "nor figures/image_slices.png is in the report's folder")
        extra = dict(thumb_notes=notes)
        names = [Path(str(d.get("input", {}).get("source", "image"))).name or "image" for d in data]
    with _formats(formats):
        fig = comparison_figure(data, names) if data else None
    from ..outputs import atomic_dir

    with atomic_dir(out, force=force) as tmp:  # assembled beside `out`, swapped in at once
        if fig is not None:
            (tmp / "figures").mkdir()
            (tmp / "figures" / "compare.png").write_bytes(fig)
            for fmt, b in fig.formats.items():
                (tmp / "figures" / f"compare.{fmt}").write_bytes(b)
        page = index_html(data, links, thumbs, fig, **extra)
        (tmp / "index.html").write_text(page, encoding="utf-8")
    return out / "index.html"


def comparison_rows(results) -> list[dict]:
    """The rows :func:`write_comparison` compares, as JSON-able dicts (full precision).

    Reports give ``{"source", "headline"}`` (the overview's headline rows); a batch gives
    one dict per Parquet row: ``source`` (file name, and frame), ``path``, ``frame``,
    ``checksum``, ``status``, ``error``, ``input`` (the Parquet it came from) and
    ``headline`` (one row per measure column: ``label`` the column, ``value``, ``std``,
    ``unit``, ``uncertainty``; empty for a failed row).
    """
    from ._compare import comparison_kind, load_results

    paths = [Path(os.fspath(p)) for p in results]
    if comparison_kind(paths) == "parquet":
        from ._batch_inputs import load_batch

        return load_batch(paths).rows
    return [{"source": d.get("input", {}).get("source"),
             "headline": (d.get("overview") or {}).get("headline", [])}
            for d in load_results(paths)]
