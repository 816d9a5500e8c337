"""Comparing images: the index of a multi-image report and ``infopix compare`` (private).

Both start from ``results.json`` contents (dicts), so a folder of reports written
earlier compares the same way as the reports of one ``infopix analyze a.tif b.tif``; the
Parquet rows of ``infopix batch`` are turned into dicts of the same shape by
:mod:`infopix.report._batch_inputs` (one headline row per measure column), with their
failed rows and provenance rendered below the table (:func:`failed_html`,
:func:`provenance_html`).
The index holds a comparison table of every headline measure (sortable by clicking a
column header: a few lines of inline script, no network), each image's thumbnail, and
one plot per measure across images (value ± uncertainty).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from ._html import _page, escape, headline_value, png_data_uri, unit_text

_SORT_JS = """
document.querySelectorAll('table.sortable th').forEach(function (th, col) {
  th.addEventListener('click', function () {
    var body = th.closest('table').tBodies[0];
    var up = th.getAttribute('aria-sort') !== 'ascending';
    th.closest('tr').querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', up ? 'ascending' : 'descending');
    var key = function (tr) {
      var td = tr.cells[col], v = td.getAttribute('data-v');
      return v === null ? td.textContent.trim().toLowerCase() : (v === '' ? NaN : parseFloat(v));
    };
    Array.from(body.rows).sort(function (a, b) {
      var x = key(a), y = key(b);
      if (typeof x === 'number' || typeof y === 'number') {
        if (isNaN(x)) return 1; if (isNaN(y)) return -1;
        return up ? x - y : y - x;
      }
      return up ? (x < y ? -1 : x > y) : (x > y ? -1 : x < y);
    }).forEach(function (tr) { body.appendChild(tr); });
  });
});
"""

_CSS = """
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th::after { content: ' \\2195'; color: #9aa3ad; font-weight: 400; }
table.sortable th[aria-sort=ascending]::after { content: ' \\2191'; color: inherit; }
table.sortable th[aria-sort=descending]::after { content: ' \\2193'; color: inherit; }
td img.thumb { width: 72px; height: auto; display: block; }
body { max-width: 84rem; }
div.scroll { overflow-x: auto; }
table.sortable td:nth-child(2) { white-space: nowrap; }
"""


def measures_of(results: list[dict]) -> list[tuple[str, str, str]]:
    """(key, label, unit) of every headline measure found in ``results``, in order."""
    seen = {}
    for r in results:
        for row in (r.get("overview") or {}).get("headline") or []:
            key = f"{row['section']}.{row['name']}"
            seen.setdefault(key, (key, row["label"], row.get("unit", "")))
    return list(seen.values())


def _row(r: dict, key: str):
    for row in (r.get("overview") or {}).get("headline") or []:
        if f"{row['section']}.{row['name']}" == key:
            return row
    return None


def _label(r: dict) -> str:
    return Path(str(r.get("input", {}).get("source", "image"))).name or "image"


def comparison_figure(results: list[dict], names=None):
    """One panel per headline measure: its value ± uncertainty for each image; a
    :class:`~infopix.report._figures.FigureFile` (None when no measure has a number)."""
    import numpy as np

    from ._figures import figure_png, new_figure, pad_limits, style

    names = names or [_label(r) for r in results]
    ms = []
    for key, label, unit in measures_of(results):
        rows = [_row(r, key) for r in results]
        if any(row is not None and isinstance(row.get("value"), (int, float))
               and not row.get("not_applicable") for row in rows):
            ms.append((key, label, unit, rows))
    if not ms:
        return None
    ncols = min(3, len(ms))
    nrows = math.ceil(len(ms) / ncols)
    with style():
        fig, axes = new_figure(3.3 * ncols, 0.9 + 2.3 * nrows + 0.08 * max(map(len, names)),
                               ncols=ncols, nrows=nrows)
        axes = np.atleast_1d(axes).ravel()
        x = np.arange(len(results))
        for ax, (key, label, unit, rows) in zip(axes, ms):
            v = np.array([np.nan if r is None or r.get("not_applicable") or r.get("value") is None
                          else float(r["value"]) for r in rows])
            e = np.array([np.nan if r is None or r.get("std") is None else float(r["std"])
                          for r in rows])
            ok = np.isfinite(v)
            ax.errorbar(x[ok], v[ok], yerr=np.where(np.isfinite(e[ok]), e[ok], 0.0),
                        fmt="o", color="C0", ecolor="C0")
            lo = np.nanmin(np.where(np.isfinite(e), v - e, v)[ok])
            hi = np.nanmax(np.where(np.isfinite(e), v + e, v)[ok])
            ax.set_ylim(*pad_limits(float(lo), float(hi), 0.15))
            ax.set_xlim(-0.5, len(results) - 0.5)
            ax.set_xticks(x, names, rotation=30 if len(results) > 2 else 0, ha="right" if len(results) > 2 else "center")
            ax.set_title(label, fontsize=8.5)
            short = re.sub(r"\s*\([^()]*\)$", "", label)
            ax.set_ylabel(f"{short} ({unit_text(unit)})", fontsize=8)
            ax.set_xlabel("image (name)")
            ax.grid(alpha=0.25, axis="y")
        for ax in axes[len(ms):]:
            ax.set_axis_off()
        return figure_png(fig)


def _uncertainty_note(results: list[dict], key: str) -> str:
    """What the header says about a column's uncertainty: '± standard error', or 'no
    uncertainty' where no image has one (the registry's exact quantities)."""
    from ._overview import _NO_ERROR

    rows = [row for r in results if (row := _row(r, key)) is not None]
    if any(row.get("std") is not None for row in rows):
        return "± standard error"
    if rows and all(row.get("uncertainty") == _NO_ERROR for row in rows):
        return "no uncertainty (exact)"
    return "no uncertainty estimate"


def index_html(results: list[dict], links, thumbnails=None, figure=None, *, title=None,
               thumb_notes=None, alerts: bool = True, intro=None, extra: str = "",
               footer=None) -> str:
    """The comparison page: table (sortable), thumbnails, the comparison figure.

    ``thumb_notes`` says, per image, why it has no thumbnail; ``alerts`` adds the column
    of each report's alert count; ``extra`` is HTML placed after the figure (the failed
    rows and provenance of a batch); ``footer`` replaces the page's footer text.
    """
    thumbnails = thumbnails or [b""] * len(results)
    thumb_notes = thumb_notes or [""] * len(results)
    ms = measures_of(results)
    head = ("<tr><th>Image</th><th>Shape, dtype, colour</th>"
            + "".join(f"<th>{escape(label)}<br><span class='sub'>{escape(unit_text(unit))}"
                      f"<br>{escape(_uncertainty_note(results, key))}</span></th>"
                      for key, label, unit in ms)
            + ("<th>Alerts</th>" if alerts else "") + "</tr>")
    body = []
    for r, link, thumb, why in zip(results, links, thumbnails, thumb_notes):
        inp = r.get("input", {})
        src = escape(inp.get("source", ""))
        name = f"<a href='{escape(link)}'>{src}</a>" if link else src
        if inp.get("path"):
            name += f"<br><span class='sub'>{escape(str(Path(inp['path']).parent))}</span>"
        img = (f"<img class='thumb' src='{png_data_uri(thumb)}' alt='thumbnail of {src}'>" if thumb
               else (f"<span class='sub'>{escape(why)}</span><br>" if why else ""))
        shape = " × ".join(map(str, inp.get("shape", [])))
        colour = inp.get("colour_handling") or "grey"
        cells = [f"<td>{img}{name}</td>",
                 f"<td>{escape(shape)} {escape(inp.get('dtype', ''))}<br><span class='sub'>"
                 f"{escape(colour)}</span></td>"]
        for key, _, _ in ms:
            row = _row(r, key)
            if row is None:
                cells.append("<td class='v' data-v=''>—</td>")
                continue
            v = row.get("value")
            num = "" if v is None or row.get("not_applicable") else repr(float(v))
            cells.append(f"<td class='v' data-v='{num}'>{headline_value(row)}</td>")
        if alerts:
            n_alerts = len((r.get("overview") or {}).get("alerts") or [])
            cells.append(f"<td class='v' data-v='{n_alerts}'>{n_alerts}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    fig = ""
    if figure is not None:
        fig = (f"<figure><img src='{png_data_uri(figure)}' alt='measures across images'>"
               "<figcaption>Each measure across the images (value ± its uncertainty; no "
               "bar: the value has no uncertainty estimate). Files: figures/compare.png, .svg."
               "</figcaption></figure>")
    n = len(results)
    if intro is None:
        intro = ("Every headline measure of each image, rounded to its uncertainty; click a "
                 "column header to sort. Each image's full report (with its alerts) is linked "
                 "from its name.")
    text = (
        f"<h1>{escape(title or f'infopix: {n} images compared')}</h1>"
        f"<p class='sub'>{escape(intro)}</p>"
        "<div class='scroll'><table class='sortable'><thead>" + head + "</thead><tbody>"
        + "".join(body) + "</tbody></table></div>" + fig + extra
    )
    return _page(title or "infopix reports", f"<style>{_CSS}</style>" + text, script=_SORT_JS,
                 footer=footer)


def write_index(folder: Path, results: list[dict], stems, thumbnails=None) -> Path:
    """Write ``folder/index.html`` and ``folder/figures/compare.*`` for reports in
    ``folder/<stem>/``."""
    fig = comparison_figure(results, list(stems))
    if fig is not None:
        (folder / "figures").mkdir(exist_ok=True)
        (folder / "figures" / "compare.png").write_bytes(fig)
        for fmt, data in fig.formats.items():
            (folder / "figures" / f"compare.{fmt}").write_bytes(data)
    links = [f"{s}/report.html" for s in stems]
    path = folder / "index.html"
    path.write_text(index_html(results, links, thumbnails, fig), encoding="utf-8")
    return path


def load_results(paths) -> list[dict]:
    """``results.json`` files (or folders holding one) as dicts."""
    out = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            p = p / "results.json"
        if not p.is_file():
            raise FileNotFoundError(f"RESULTS {str(p)!r} does not exist.")
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"RESULTS {str(p)!r} is not a results.json file: {exc}") from None
        if not isinstance(data, dict) or "sections" not in data:
            raise ValueError(f"RESULTS {str(p)!r} is not a results.json of `infopix analyze`.")
        out.append(data)
    return out


def _params_text(p) -> str:
    if isinstance(p, dict):
        return ", ".join(f"{k} = {_params_text(v)}" for k, v in p.items())
    if isinstance(p, (list, tuple)):
        return "[" + ", ".join(_params_text(v) for v in p) + "]"
    return p if isinstance(p, str) else ("none" if p is None else json.dumps(p))


def provenance_html(provenance) -> str:
    """The provenance records of batch inputs: ``[(input path, [record, ...]), ...]``."""
    parts = ["<section id='provenance'><h2>Provenance</h2><p class='sub'>What produced each "
             "input, read from its Parquet schema metadata (key <code>infopix</code>). Each "
             "row's SHA-256 is in its <code>checksum</code> column.</p>"]
    for path, records in provenance:
        parts.append(f"<h3>{escape(path)}</h3>")
        if not records:
            parts.append("<p class='na'>No provenance recorded in this file: the infopix "
                         "version and parameters that produced it are unknown.</p>")
            continue
        for rec in records:
            params = dict(rec.get("parameters") or {})
            measures = params.pop("measures", None) or {}
            rows = [("infopix version", rec.get("infopix_version")),
                    ("created (UTC)", rec.get("created")),
                    ("command", rec.get("command")),
                    ("unit", _params_text(rec.get("unit"))),
                    ("estimator", _params_text(rec.get("estimator")))]
            rows += [(k, _params_text(v)) for k, v in params.items()]
            rows += [(f"parameters of {name}", _params_text(p)) for name, p in measures.items()]
            parts.append("<table class='provenance'><tbody>" + "".join(
                f"<tr><th>{escape(str(k))}</th><td>{escape('—' if v is None else str(v))}"
                "</td></tr>"
                for k, v in rows) + "</tbody></table>")
    parts.append("</section>")
    return "".join(parts)


def failed_html(failed) -> str:
    """The rows recorded with an error: ``[(name, path, frame, error), ...]``."""
    if not failed:
        return ""
    rows = "".join(
        f"<tr><td>{escape(name)}<br><span class='sub'>{escape(str(path))}</span></td>"
        f"<td>{'' if frame is None else frame}</td><td>{escape(str(error))}</td></tr>"
        for name, path, frame, error in failed)
    return (f"<section id='failed'><h2>Failed ({len(failed)})</h2><p class='sub'>Rows recorded "
            "with an error by infopix batch: not in the table or the plots above.</p>"
            "<table class='failed'><thead><tr><th>Image</th><th>Frame</th><th>Error</th></tr>"
            f"</thead><tbody>{rows}</tbody></table></section>")


def comparison_kind(paths) -> str:
    """``'report'`` or ``'parquet'``: what every input is (one kind at a time); a missing,
    unrecognised or mixed input is refused in one line."""
    from ._batch_inputs import kind_of

    kinds = {}
    for p in paths:
        k = kind_of(Path(p))
        if k == "missing":
            raise FileNotFoundError(f"RESULTS {str(p)!r} does not exist.")
        if k == "other":
            raise ValueError(
                f"RESULTS {str(p)!r} is neither a results.json of `infopix analyze` (or its "
                "folder) nor Parquet results of `infopix batch` (a results folder or .parquet "
                "file).")
        kinds.setdefault(k, p)
    if len(kinds) > 1:
        raise ValueError(
            f"RESULTS mixes reports ({str(kinds['report'])!r}) and batch Parquet "
            f"({str(kinds['parquet'])!r}): compare either results.json reports or batch "
            "Parquet results, one kind per `infopix compare`.")
    return next(iter(kinds), "report")
