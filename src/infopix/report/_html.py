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
from ..formatting import format_value, round_to_error


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
td.v { font-variant-numeric: tabular-nums; min-width: 7rem; }
.nw { white-space: nowrap; }
td.n code { font-size: .85rem; color: var(--muted); }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem;
  margin: .8rem 0; font-size: .93rem; }
dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
figure { margin: .8rem 0 1.2rem; break-inside: avoid; page-break-inside: avoid; }
figure img { max-width: 100%; height: auto; display: block; border: 1px solid var(--rule); }
figure.picture img { max-width: min(100%, 30rem); }
figcaption { font-size: .9rem; color: var(--muted); margin-top: .25rem; }
nav ol { columns: 2; font-size: .95rem; }
a { color: var(--accent); }
details { margin: .5rem 0; } pre { white-space: pre-wrap; font-size: .85rem;
  background: #f3f5f7; padding: .6rem; }
.alerts { border-left: 4px solid #c98a1b; background: #fdf6e7; padding: .5rem .8rem;
  margin: .6rem 0 1rem; font-size: .93rem; }
.alerts.ok { border-left-color: #55a868; background: #eef7f0; }
.alerts ul { margin: .3rem 0 0; padding-left: 1.2rem; }
.na { color: #a23b2a; white-space: normal; }
.ov-grid { display: grid; grid-template-columns: minmax(10rem, 16rem) 1fr; gap: 1rem;
  align-items: start; }
.ov-grid figure.thumb { margin: 0; }
table.headline td.how { font-size: .88rem; color: var(--muted); }
.guide { font-size: .95rem; }
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
    """A number without an uncertainty for a reader: integers in full, others with four
    significant digits (:func:`infopix.formatting.format_value`, the one rounding rule)."""
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
    if xf == int(xf) and abs(xf) < 1e6:
        return _minus(f"{int(xf)}")
    s = format_value(xf)  # four significant digits; no error: trailing zeros claim nothing
    if "e" not in s and "." in s:
        s = s.rstrip("0").rstrip(".")
    return _minus(s)


def _minus(s: str) -> str:
    return s.replace("-", "−") if s.startswith(("-", "(-")) else s


def fmt_value(value, std=None) -> str:
    """``value ± std`` rounded to the error (PDG rule), or :func:`fmt_number` without one."""
    if std is None or isinstance(std, (str, list)) or value is None or isinstance(value, str):
        return fmt_number(value)
    try:
        s = float(std)
    except (TypeError, ValueError):
        return fmt_number(value)
    if not math.isfinite(s):
        return fmt_number(value)
    return _minus(format_value(float(value), s))


def fmt_interval(interval, std=None) -> str:
    """``[lo, hi]`` with the decimals of the error (or four significant digits)."""
    lo, hi = interval
    if lo is None or hi is None:
        return "n/a"
    if std is not None and not isinstance(std, list) and float(std) > 0 and math.isfinite(float(std)):
        _, dec = round_to_error(float(std))
        if 0 <= dec <= 8:
            return f"[{float(lo):.{dec}f}, {float(hi):.{dec}f}]".replace("-", "−")
    return f"[{fmt_number(lo)}, {fmt_number(hi)}]"


def not_applicable(q: dict) -> str | None:
    """The text shown instead of a value outside its estimator's validity, or None."""
    why = q.get("not_applicable")
    if why:
        return f"<span class='na'>not applicable: {escape(why)}</span>"
    return None


def _value_cell(q: dict) -> str:
    na = not_applicable(q)
    if na is not None:
        return na
    v, std = q.get("value"), q.get("std")
    if v is None:
        return "<span class='na'>not defined for this image</span>"
    if isinstance(v, list):
        flat = all(not isinstance(u, list) for u in v)
        if flat and len(v) <= 8:
            if isinstance(std, list) and len(std) == len(v):
                items = [fmt_value(u, s) for u, s in zip(v, std)]
            else:
                items = [fmt_number(u) for u in v]
            text = ", ".join(f"<span class='nw'>{escape(t)}</span>" for t in items)
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
    text = f"<span class='nw'>{escape(fmt_value(v, std))}</span>"
    if q.get("interval") is not None and not isinstance(std, list):
        lvl = q.get("level")
        pct = f"{100 * lvl:g}% " if isinstance(lvl, (int, float)) else ""
        text += f"<br><span class='sub'>{pct}interval {fmt_interval(q['interval'], std)}</span>"
    return text


def _uncertainty_text(how: str) -> str:
    """A quantity's ``uncertainty`` statement as a sentence under its explanation."""
    how = how.strip().rstrip(".")
    if how.lower().startswith(("no uncertainty", "none")):
        return how[:1].upper() + how[1:] + "."
    return f"Uncertainty: {how}."


def _rows_table(results: dict, names) -> str:
    parts = [
        "<table><thead><tr><th>Quantity</th><th>Value</th><th>Unit</th>"
        "<th>What it means</th></tr></thead><tbody>"
    ]
    for name in names:
        q = results[name]
        est = q.get("estimator")
        label = escape(name.replace("_", " "))
        if est:
            label += f"<br><code>estimator: {escape(est)}</code>"
        parts.append(
            f"<tr><td class='n'>{label}</td><td class='v'>{_value_cell(q)}</td>"
            f"<td>{escape(unit_text(q.get('unit')))}</td><td>{escape(q.get('explain', ''))}"
            + (f"<br><span class='sub'>{escape(_uncertainty_text(q['uncertainty']))}</span>"
               if q.get("uncertainty") else "")
            + "</td></tr>"
        )
    parts.append("</tbody></table>")
    return "".join(parts)


def _css_width(png: bytes) -> str:
    """A width attribute showing a 200-dpi figure at its physical size (half its pixels)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or len(png) < 24:
        return ""
    return f" width='{int.from_bytes(png[16:20], 'big') // 2}'"


def _section_html(sec, hlevel: int = 2) -> str:
    parts = [f"<section id='{escape(sec.key)}'>", f"<h{hlevel}>{escape(sec.title)}</h{hlevel}>"]
    if sec.intro:
        parts.append(f"<p class='intro'>{escape(sec.intro)}</p>")
    if sec.alerts:
        items = "".join(f"<li>{escape(a)}</li>" for a in sec.alerts)
        parts.append(
            f"<div class='alerts' id='alerts-{escape(sec.key)}'><strong>Alerts</strong>"
            f"<ul>{items}</ul></div>"
        )
    folded = [n for n in sec.folded if n in sec.results]
    main = [n for n in sec.results if n not in folded]
    if main:
        parts.append(_rows_table(sec.results, main))
    for stem, png in sec.figures.items():
        cap = sec.captions.get(stem, "")
        alt = cap or f"{sec.title}: {stem}"
        parts.append(
            f"<figure id='fig-{escape(sec.key)}-{escape(stem)}'"
            + (" class='picture'>" if stem == "image" else ">")
            + 
            f"<img src='{png_data_uri(png)}'{_css_width(png)} alt='{escape(alt)}'>"
            + (f"<figcaption>{escape(cap)}</figcaption>" if cap else "")
            + "</figure>"
        )
    if sec.guide:
        parts.append(f"<p class='guide'>{escape(sec.guide)}</p>")
    if folded:
        parts.append(
            f"<details class='table'><summary>The full table ({len(folded)} rows: every "
            "value with its uncertainty and interval)"
            + (f". {escape(sec.fold_note)}." if getattr(sec, "fold_note", "") else "")
            + "</summary>"
            + _rows_table(sec.results, folded)
            + "</details>"
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


def colour_text(info: dict) -> str:
    """How colour was handled, in words: 'grey', 'RGB, reduced to BT.601 luminance', ..."""
    ch = info.get("colour_handling") or "grey"
    head, _, how = ch.partition("; ")
    if head.startswith("grey"):
        return "grey (one channel, used as stored)"
    if not how:
        return head
    if how == "luminance":
        return f"{head}, reduced to ITU-R BT.601 luminance (0.299 R + 0.587 G + 0.114 B)"
    if how.startswith("channel"):
        return f"{head}, {how} only"
    if how == "joint":
        return f"{head}, every colour one outcome (joint)"
    return ch


def kind_text(shape, info: dict) -> str:
    """What the input is, in words: 'volume, 32 x 40 x 48 voxels (Z x Y x X), voxel size
    2 x 1 x 1 um', 'series of 5 frames of 64 x 64 pixels', or '' for an image."""
    axes = info.get("axes")
    sp, unit = info.get("spacing"), info.get("unit")
    if axes == "zyx" and len(shape) == 3:
        text = f"volume, {shape[0]} x {shape[1]} x {shape[2]} voxels (Z x Y x X)"
        if sp and len(sp) == 3 and None not in sp:
            text += ", voxel size " + " x ".join(f"{v:g}" for v in sp) + (f" {unit}" if unit else "")
        return text
    if axes == "tyx" and len(shape) == 3:
        return f"series of {shape[0]} frames of {shape[1]} x {shape[2]} pixels (T x Y x X)"
    return ""


def _meta_html(report) -> str:
    info = report.image_info or {}
    kind = kind_text(report.shape, info)
    rows = [("Image", report.source)] + ([("Input", kind)] if kind else []) + [
        ("Shape, dtype", f"{' × '.join(map(str, report.shape))}, {report.dtype}"
         + (f" (stored as {info['source_dtype']})" if info.get("source_dtype")
            and info["source_dtype"].lstrip("<>=|") != report.dtype else "")),
        ("Colour", colour_text(info)),
    ]
    if info.get("channel") is not None:
        rows.append(("--channel", str(info["channel"])))
    rows.append(("Pixel SHA-256", report.sha256))
    if report.file_sha256:
        rows.append(("File SHA-256", report.file_sha256))
    rows += [("infopix", __version__), ("Created (UTC)", report.created or "n/a")]
    body = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    return f"<dl class='meta'>{body}</dl>"


def headline_value(row: dict) -> str:
    """One overview row's value as HTML: rounded to its error, or 'not applicable: why'."""
    if row.get("not_applicable"):
        return f"<span class='na'>not applicable: {escape(row['not_applicable'])}</span>"
    if row.get("value") is None:
        return f"<span class='na'>{escape(row.get('not_defined') or 'not defined for this image')}</span>"
    return escape(fmt_value(row["value"], row.get("std")))


def unit_text(unit) -> str:
    """A unit as shown: '1' (a pure number) reads 'dimensionless'."""
    return "dimensionless" if unit in ("1", None) else str(unit)


def _overview_html(report) -> str:
    ov = report.overview or {}
    rows = ov.get("headline") or []
    alerts = ov.get("alerts") or []
    titles = {s.key: s.title for s in report.sections}
    parts = ["<section id='overview' class='overview'><h2>Overview</h2>",
             "<p class='intro'>The image, the numbers most readers want first (each with its "
             "uncertainty and what that rests on), and every warning raised while the report was "
             "made; the sections below explain each.</p>",
             "<div class='ov-grid'>"]
    img = None
    for s in report.sections:
        if s.key == "image" and "image" in s.figures:
            img = s.figures["image"]
    if img is None and report.thumbnail:
        img = report.thumbnail
    if img is not None:
        parts.append(f"<figure class='thumb'><img src='{png_data_uri(img)}' "
                     f"alt='The analysed image'><figcaption>{escape(colour_text(report.image_info or {}))}"
                     "</figcaption></figure>")
    parts.append("<div>" + _meta_html(report) + "</div></div>")
    if rows:
        parts.append("<table class='headline'><thead><tr><th>Measure</th><th>Value</th><th>Unit</th>"
                     "<th>Uncertainty: method and assumption</th></tr></thead><tbody>")
        for r in rows:
            parts.append(
                f"<tr><td><a href='#{escape(r['section'])}'>{escape(r['label'])}</a></td>"
                f"<td class='v'>{headline_value(r)}</td><td>{escape(unit_text(r.get('unit')))}</td>"
                f"<td class='how'>{escape(r.get('uncertainty', ''))}</td></tr>"
            )
        parts.append("</tbody></table>")
    if alerts:
        items = "".join(
            f"<li><a href='#alerts-{escape(a['section'])}'>{escape(titles.get(a['section'], a['section']))}</a>: "
            f"{escape(a['message'])}</li>"
            for a in alerts
        )
        parts.append(f"<div class='alerts' id='alerts'><strong>Alerts ({len(alerts)})</strong>"
                     f"<ul>{items}</ul></div>")
    else:
        parts.append("<div class='alerts ok' id='alerts'><strong>Alerts</strong>: none; no "
                     "section raised a warning.</div>")
    parts.append("</section>")
    return "\n".join(parts)


def _body(report, *, hlevel: int = 2) -> str:
    toc = "".join(
        f"<li><a href='#{escape(s.key)}'>{escape(s.title)}</a></li>" for s in report.sections
    )
    parts = [_overview_html(report), f"<nav><ol>{toc}</ol></nav>"]
    parts += [_section_html(s, hlevel) for s in report.sections]
    if report.unavailable:
        items = "".join(f"<li>{escape(k)}: {escape(v)}</li>" for k, v in report.unavailable.items())
        parts.append(
            f"<p class='note'>Sections not in this installation:</p><ul class='note'>{items}</ul>"
        )
    return "\n".join(parts)


def _page(title: str, body: str, *, script: str = "", footer: str | None = None) -> str:
    csp = _CSP + ("; script-src 'unsafe-inline'" if script else "")
    if footer is None:
        footer = ("Every number here is also in results.json, with its unit, estimator and "
                  "uncertainty.")
    return (
        "<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
        f"<meta http-equiv='Content-Security-Policy' content=\"{csp}\">\n"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
        "<link rel='icon' href='data:,'>\n"
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"{body}\n<footer>Written by infopix {escape(__version__)}. {escape(footer)}</footer>\n"
        + (f"<script>{script}</script>\n" if script else "")
        + "</body>\n</html>\n"
    )


def render_document(report) -> str:
    """The whole ``report.html`` page."""
    kind = kind_text(report.shape, report.image_info or {})
    head = (
        f"<h1>Information in {escape(report.source)}</h1>"
        + (f"<p class='sub'><strong>{escape(kind[:1].upper() + kind[1:])}</strong>.</p>" if kind else "")
        + "<p class='sub'>An infopix report: how much information the image holds, where, "
        "and at which scales. Entropies are in bits unless a row says otherwise. Numbers are "
        "rounded to their uncertainty (value ± standard error, two significant digits of the "
        "error); under each measured number's explanation is how its uncertainty was "
        "obtained, or why it has none. Counts, sizes and settings are exact.</p>"
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
.infopix-report .alerts { border-left: 4px solid #c98a1b; background: #fdf6e7; padding: .4rem .7rem; }
.infopix-report .na { color: #a23b2a; }
.infopix-report .ov-grid { display: grid; grid-template-columns: minmax(8rem, 14rem) 1fr; gap: 1rem; }
"""


def render_fragment(report) -> str:
    """The view inside a Jupyter cell (``Report._repr_html_``): the body with scoped styling."""
    return (
        "<div class='infopix-report'>"
        f"<style>{_FRAGMENT_CSS}</style>"
        f"<h3>infopix report: {escape(report.source)}</h3>"
        f"{_body(report, hlevel=4)}</div>"
    )
