"""HTML rendering of :class:`infopix.report.Report` (private to the report package).

One self-contained page: inline CSS, figures as ``data:`` PNG URIs, no script, and a
Content-Security-Policy that forbids every network fetch, so the page is the same
offline, in a mail attachment or printed.
"""

from __future__ import annotations

import base64
import html as _html
import math

from .. import __version__


def png_data_uri(png: bytes) -> str:
    """A ``data:image/png;base64,...`` URI (figures are embedded, never linked)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def escape(text) -> str:
    return _html.escape(str(text), quote=True)


_CSS = """
:root { --fg:#1d232a; --muted:#5b6570; --rule:#d5dae0; --accent:#2a5d8f; --bg:#ffffff; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 60rem; padding: 1.5rem 1.25rem 4rem; color: var(--fg);
  background: var(--bg); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto,
  "Liberation Sans", Arial, sans-serif; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .4rem; padding-bottom: .2rem;
  border-bottom: 2px solid var(--accent); }
.sub, .intro, .note { color: var(--muted); }
.intro { margin: .2rem 0 .8rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .95rem; }
th, td { text-align: left; vertical-align: top; padding: .32rem .5rem;
  border-bottom: 1px solid var(--rule); }
th { font-weight: 600; background: #f3f5f7; }
td.v { font-variant-numeric: tabular-nums; white-space: nowrap; }
td.n code { font-size: .85rem; color: var(--muted); }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem;
  margin: .8rem 0; font-size: .93rem; }
dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
figure { margin: .8rem 0 1.2rem; break-inside: avoid; page-break-inside: avoid; }
figure img { max-width: 100%; height: auto; display: block; border: 1px solid var(--rule); }
figcaption { font-size: .9rem; color: var(--muted); margin-top: .25rem; }
nav ol { columns: 2; font-size: .95rem; }
a { color: var(--accent); }
details { margin: .5rem 0; } pre { white-space: pre-wrap; font-size: .85rem;
  background: #f3f5f7; padding: .6rem; }
footer { margin-top: 3rem; font-size: .85rem; color: var(--muted); }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""

# No network: every fetch is refused; images only from data: URIs; inline style only.
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def fmt_number(x) -> str:
    """A number for a reader: 5 significant digits, integers in full."""
    if x is None:
        return "n/a"
    if isinstance(x, str):
        return {"inf": "∞", "-inf": "−∞"}.get(x, x)
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return f"{x:,}".replace(",", "\u2009")
    xf = float(x)
    if math.isnan(xf):
        return "n/a"
    if math.isinf(xf):
        return "∞" if xf > 0 else "−∞"
    if xf == int(xf) and abs(xf) < 1e15:
        return f"{int(xf)}" if abs(xf) < 1e6 else f"{xf:.5g}"
    s = f"{xf:.5g}"
    return s.replace("-", "−") if s.startswith("-") else s


def _value_cell(q: dict) -> str:
    v, std = q.get("value"), q.get("std")
    if isinstance(v, list):
        flat = all(not isinstance(u, list) for u in v)
        if flat and len(v) <= 8:
            if isinstance(std, list) and len(std) == len(v):
                text = ", ".join(
                    fmt_number(u) + ("" if s is None else f" ± {fmt_number(s)}")
                    for u, s in zip(v, std)
                )
            else:
                text = ", ".join(fmt_number(u) for u in v)
            if q.get("x") is not None and q.get("x") != v and len(q["x"]) == len(v):
                xu = q.get("x_unit", "")
                xn = q.get("x_name", "")
                text += (
                    f"<br><span class='sub'>at {escape(xn) + ' = ' if xn else ''}"
                    + ", ".join(fmt_number(u) for u in q["x"])
                    + (f" {escape(xu)}" if xu and xu != xn else "")
                    + "</span>"
                )
        else:
            text = f"{len(v)} values (see the figure; all in results.json)"
        return text
    text = fmt_number(v)
    if std is not None and not isinstance(std, list):
        text += f" ± {fmt_number(std)}"
    if q.get("interval") is not None:
        lo, hi = q["interval"]
        lvl = q.get("level")
        pct = f"{100 * lvl:g}% " if isinstance(lvl, (int, float)) else ""
        text += f"<br><span class='sub'>{pct}interval [{fmt_number(lo)}, {fmt_number(hi)}]</span>"
    return text


def _section_html(sec, hlevel: int = 2) -> str:
    parts = [f"<section id='{escape(sec.key)}'>", f"<h{hlevel}>{escape(sec.title)}</h{hlevel}>"]
    if sec.intro:
        parts.append(f"<p class='intro'>{escape(sec.intro)}</p>")
    if sec.results:
        parts.append(
            "<table><thead><tr><th>Quantity</th><th>Value</th><th>Unit</th>"
            "<th>What it means</th></tr></thead><tbody>"
        )
        for name, q in sec.results.items():
            est = q.get("estimator")
            label = escape(name.replace("_", " "))
            if est:
                label += f"<br><code>estimator: {escape(est)}</code>"
            parts.append(
                f"<tr><td class='n'>{label}</td><td class='v'>{_value_cell(q)}</td>"
                f"<td>{escape(q.get('unit', ''))}</td><td>{escape(q.get('explain', ''))}</td></tr>"
            )
        parts.append("</tbody></table>")
    for stem, png in sec.figures.items():
        cap = sec.captions.get(stem, "")
        alt = cap or f"{sec.title}: {stem}"
        parts.append(
            f"<figure><img src='{png_data_uri(png)}' alt='{escape(alt)}'>"
            + (f"<figcaption>{escape(cap)}</figcaption>" if cap else "")
            + "</figure>"
        )
    if sec.params:
        import json

        parts.append(
            "<details><summary>Parameters</summary><pre>"
            + escape(json.dumps(sec.params, default=str, indent=1))
            + "</pre></details>"
        )
    parts.append("</section>")
    return "\n".join(parts)


def _meta_html(report) -> str:
    rows = [
        ("Image", report.source),
        ("Shape, dtype", f"{' × '.join(map(str, report.shape))}, {report.dtype}"),
        ("Pixel SHA-256", report.sha256),
    ]
    if report.file_sha256:
        rows.append(("File SHA-256", report.file_sha256))
    rows += [("infopix", __version__), ("Created (UTC)", report.created or "n/a")]
    body = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    return f"<dl class='meta'>{body}</dl>"


def _body(report, *, hlevel: int = 2) -> str:
    toc = "".join(
        f"<li><a href='#{escape(s.key)}'>{escape(s.title)}</a></li>" for s in report.sections
    )
    parts = [_meta_html(report), f"<nav><ol>{toc}</ol></nav>"]
    parts += [_section_html(s, hlevel) for s in report.sections]
    if report.unavailable:
        items = "".join(f"<li>{escape(k)}: {escape(v)}</li>" for k, v in report.unavailable.items())
        parts.append(
            f"<p class='note'>Sections not in this installation:</p><ul class='note'>{items}</ul>"
        )
    return "\n".join(parts)


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
        f"<meta http-equiv='Content-Security-Policy' content=\"{_CSP}\">\n"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
        "<link rel='icon' href='data:,'>\n"
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"{body}\n<footer>Written by infopix {escape(__version__)}. Every number here is "
        "also in results.json, with its unit, estimator and uncertainty.</footer>\n"
        "</body>\n</html>\n"
    )


def render_document(report) -> str:
    """The whole ``report.html`` page."""
    head = (
        f"<h1>Information in {escape(report.source)}</h1>"
        "<p class='sub'>An infopix report: how much information the image holds, where, "
        "and at which scales. Entropies are in bits unless a row says otherwise.</p>"
    )
    return _page(f"infopix report: {report.source}", head + _body(report))


_FRAGMENT_CSS = """
.infopix-report { max-width: 60rem; }
.infopix-report table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
.infopix-report th, .infopix-report td { text-align: left; vertical-align: top;
  padding: .25rem .5rem; border-bottom: 1px solid #d5dae0; }
.infopix-report td.v { white-space: nowrap; }
.infopix-report .sub, .infopix-report .intro, .infopix-report figcaption { color: #5b6570; }
.infopix-report dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; }
.infopix-report dl.meta dd { margin: 0; }
.infopix-report figure img { max-width: 100%; height: auto; }
.infopix-report nav { display: none; }
"""


def render_fragment(report) -> str:
    """The view inside a Jupyter cell (``Report._repr_html_``): the body with scoped styling."""
    return (
        "<div class='infopix-report'>"
        f"<style>{_FRAGMENT_CSS}</style>"
        f"<h3>infopix report: {escape(report.source)}</h3>"
        f"{_body(report, hlevel=4)}</div>"
    )


def render_index(reports, stems) -> str:
    """``index.html`` of a multi-image run: one line per image, linking its report."""
    rows = []
    for r, stem in zip(reports, stems):
        h = ""
        for s in r.sections:
            q = s.results.get("shannon")
            if q is not None:
                h = f"{fmt_number(q['value'])} {escape(q['unit'])}"
                break
        rows.append(
            f"<tr><td><a href='{escape(stem)}/report.html'>{escape(r.source)}</a></td>"
            f"<td>{' × '.join(map(str, r.shape))} {escape(r.dtype)}</td><td class='v'>{h}</td></tr>"
        )
    body = (
        f"<h1>infopix reports ({len(reports)} images)</h1>"
        "<p class='sub'>One self-contained report per image, each in its own folder "
        "with its results.json and figures.</p>"
        "<table><thead><tr><th>Image</th><th>Shape, dtype</th><th>Shannon entropy</th>"
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )
    return _page("infopix reports", body)
