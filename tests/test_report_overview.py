"""The report's overview, alerts, rounding, figures and multi-image index (issues 20, 21).

The report is built once on a 128 x 128 crop of the sample with quick parameters, plus a
test measure registered for the purpose that raises a known warning: that warning must
reach the overview's alerts block. Figures are checked without eyes, from the axis
descriptions :func:`infopix.report._figures.figure_png` records while drawing them.
"""

from __future__ import annotations

import json
import re
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from typer.testing import CliRunner

import infopix
from infopix import measures as ms
from infopix import report as rp

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"

KNOWN_WARNING = "test measure: this value rests on a made-up assumption"


def _warner(ctx, params):
    warnings.warn(KNOWN_WARNING, UserWarning, stacklevel=2)
    return ms.Computed(
        {"mean_again": ms.quantity(float(ctx.image.mean()), "intensity", "The mean, again.")},
        dict(params),
    )


@pytest.fixture(scope="module")
def warner():
    """A registered measure that warns (a table-only section: no renderer)."""
    ms.register(ms.Measure("warner", "A measure that warns", _warner, optional=True,
                           quantities=(ms.Quantity("mean_again", "intensity"),)))
    yield "warner"
    ms.MEASURES.pop("warner", None)


@pytest.fixture(scope="module")
def small():
    return np.ascontiguousarray(infopix.sample_image()[::4, ::4])  # 128 x 128


@pytest.fixture(scope="module")
def report(small, warner):
    keys = rp.default_sections() + [k for k in ("ising",) if k in ms.MEASURES] + [warner]
    return infopix.analyze(small, source="sample/4", sections=keys, quick=True)


@pytest.fixture(scope="module")
def written(report, tmp_path_factory):
    out = tmp_path_factory.mktemp("ov") / "report"
    report.write(out)
    return out


# ------------------------------------------------------------------ overview and alerts


@pytest.mark.filterwarnings("ignore:the image is not much larger:UserWarning")
def test_overview_lists_headline_with_uncertainty_and_method(report):
    rows = report.overview["headline"]
    first = rows[0]
    assert first["name"] == "entropy" and first["uncertainty"].startswith("spatial")
    e = infopix.intensity_entropy_estimate(report_image(report), uncertainty="spatial")
    # the value is the plug-in entropy as renyi_entropy sums it (the intensity section's
    # Shannon row); the estimate sums the same histogram in another order: equal to 1e-14
    assert first["value"] == pytest.approx(e.value, rel=1e-14, abs=0) and first["std"] == e.std
    assert first["value"] == infopix.intensity_entropy(report_image(report))
    # the spatial error of a correlated photograph is far above the independent-pixel one
    iid = infopix.intensity_entropy_estimate(report_image(report), uncertainty="iid")
    assert first["std"] > 3 * iid.std
    for r in rows:
        assert r["uncertainty"], r
        assert r["section"] in {s.key for s in report.sections}


def report_image(report):
    return np.ascontiguousarray(infopix.sample_image()[::4, ::4])


def test_known_warning_reaches_alerts(report, written):
    alerts = report.overview["alerts"]
    assert {"section": "warner", "message": KNOWN_WARNING} in alerts
    assert KNOWN_WARNING in report["warner"].alerts
    html = (written / "report.html").read_text()
    block = re.search(r"<div class='alerts' id='alerts'>(.*?)</div>", html, re.S).group(1)
    assert KNOWN_WARNING in block and "href='#alerts-warner'" in block
    assert "id='alerts-warner'" in html  # the link's target exists
    data = json.loads((written / "results.json").read_text())
    jsonschema.Draft202012Validator(rp.results_schema()).validate(data)
    assert data["sections"]["warner"]["alerts"] == [KNOWN_WARNING]


def test_every_section_alert_is_in_the_overview(report):
    listed = {(a["section"], a["message"]) for a in report.overview["alerts"]}
    for s in report.sections:
        for a in s.alerts:
            assert (s.key, a) in listed


def test_values_outside_validity_are_not_numbers(report, written):
    """ansb above log2 K on a photograph: 'not applicable: why', never the number."""
    data = json.loads((written / "results.json").read_text())
    html = (written / "report.html").read_text()
    c = infopix.intensity_counts(report_image(report))
    e = infopix.entropy_from_counts(c.counts, estimator="ansb", n_outcomes=c.n_outcomes)
    q = data["sections"]["intensity"]["results"]["H_ansb"]
    if getattr(e, "valid", True) and 0 <= e.value <= np.log2(c.n_outcomes):
        pytest.fail("ansb is within range on this image; the test needs an image where it is not")
    assert q["value"] is None and q["not_applicable"] and "std" not in q
    import html as html_lib  # the reason may hold characters the report escapes (<<)

    assert "not applicable: " + q["not_applicable"] in html_lib.unescape(html)
    for text in (f"{e.value:.4g}", f"{e.value:.3g}", f"{e.value:.2f}"):
        assert text not in html and text not in json.dumps(data)


def test_sections_open_with_one_plain_sentence(report):
    for s in report.sections:
        assert s.intro and s.intro[0].isupper() and s.intro.endswith("."), s.key


def test_estimator_table_folded_under_its_figure(written):
    html = (written / "report.html").read_text()
    sec = re.search(r"<section id='intensity'>(.*?)</section>", html, re.S).group(1)
    fig_at, details_at = sec.index("<figure"), sec.index("<details class='table'>")
    assert fig_at < details_at
    assert sec.count("<code>estimator: nsb</code>") == 1
    assert sec.index("<code>estimator: nsb</code>") > details_at
    assert "Which estimator matters" in sec


# ------------------------------------------------------------------ rounding


def test_numbers_rounded_to_their_error(report, written):
    from infopix.formatting import format_value

    html = (written / "report.html").read_text()
    row = report.overview["headline"][0]
    assert format_value(row["value"], row["std"]) in html
    d = report["fractal"].results["box_counting_dimension"]
    assert format_value(d["value"], d["std"]) in html
    # no value ± error with more digits than its error allows: ± followed by >= 3
    # significant digits of error is never printed
    for m in re.finditer(r"± \(?0?\.?0*([1-9][0-9]*)", html):
        assert len(m.group(1)) <= 2, m.group(0)


# ------------------------------------------------------------------ figures without eyes


def _axes(report):
    for s in report.sections:
        for stem, f in s.figures.items():
            for ax in f.axes:
                yield f"{s.key}/{stem}", ax


def test_scale_curve_has_no_negative_sigma_ticks(report):
    axes = report["scale"].figures["curve"].axes
    assert len(axes) == 1
    ax = axes[0]
    assert ax["xticks"], "no tick labels"
    for t in ax["xticks"]:
        assert not t.strip().startswith(("-", "\u2212", "$-", "$\\mathdefault{-", "$\\mathdefault{\u2212")), t
    assert ax["xlim"][0] > 0 and ax["xscale"] == "log"


def test_curve_figures_show_their_variation(report):
    """The data span at least half of every curve axis (no y axis from 0 flattening a
    7.23 -> 6.98 bit change)."""
    n = 0
    for name, ax in _axes(report):
        if not ax["visible"] or ax["image"] or ax["colorbar"] or ax["categorical_y"]:
            continue
        if ax["ydata"] is None:
            continue
        lo, hi = ax["ylim"]
        d0, d1 = ax["ydata"]
        if ax["yscale"] == "log":
            lo, hi, d0, d1 = (np.log10(max(v, 1e-300)) for v in (lo, hi, d0, d1))
        d0, d1 = max(d0, lo), min(d1, hi)
        assert (d1 - d0) >= 0.5 * (hi - lo), (name, ax["ylabel"], ax["ylim"], ax["ydata"])
        n += 1
    assert n >= 5


def test_every_figure_axis_has_labels_with_units(report):
    unit = re.compile(r"\([^()]*\)\s*$|\([^()]*\)")
    for name, ax in _axes(report):
        if not ax["visible"] or ax["image"] or ax["colorbar"]:
            continue
        xlabel = ax["xlabel"] or ax["xlabel_shared"]  # stacked panels: the bottom one labels x
        assert xlabel and unit.search(xlabel), (name, ax["xlabel"])
        if not ax["categorical_y"]:
            assert ax["ylabel"] and unit.search(ax["ylabel"]), (name, ax["ylabel"])


def test_figures_written_as_png_200dpi_and_svg_with_text(report, written):
    from PIL import Image

    for s in report.sections:
        for stem in s.figures:
            png = written / "figures" / f"{s.key}_{stem}.png"
            with Image.open(png) as im:
                dpi = im.info.get("dpi", (0, 0))
            assert round(dpi[0]) == 200, (png.name, dpi)
            svg = written / "figures" / f"{s.key}_{stem}.svg"
            root = ET.parse(svg).getroot()  # parses as XML
            texts = ["".join("".join(t.itertext()).split())
                     for t in root.iter("{http://www.w3.org/2000/svg}text")]
            labels = [a["xlabel"] for a in s.figures[stem].axes if a["visible"] and a["xlabel"]]
            for lab in labels:
                plain = "".join(lab.split())  # tspans split words: compare without spaces
                assert any(plain in t for t in texts), (svg.name, lab, texts[:8])
            if s.figures[stem].axes and any(a["visible"] for a in s.figures[stem].axes):
                assert texts, svg.name


def test_large_images_thinned_to_the_pixels_their_axis_shows():
    """A figure draws no more image pixels than its axis has at 200 dpi: a large image is
    thinned (every k-th row and column, extent kept) before the PNG and SVG are drawn;
    an image that fits is left as it is. (#19: figures rendered at the size shown.)"""
    from infopix.report._figures import DPI, figure_png, new_figure, thin_images

    big = (np.arange(1500 * 2000, dtype=np.int64).reshape(1500, 2000) % 251).astype(np.uint8)
    fig, ax = new_figure(3.0, 2.5)
    im = ax.imshow(big, cmap="gray")
    extent = im.get_extent()
    thin_images(fig, DPI)
    box = ax.get_position()
    w_px, h_px = box.width * 3.0 * DPI, box.height * 2.5 * DPI
    a = np.asarray(im.get_array())
    step = int(min(1500 / h_px, 2000 / w_px))
    assert step >= 2  # the case this test is about: many image pixels per axis pixel
    np.testing.assert_array_equal(a, big[step // 2 :: step, step // 2 :: step])
    assert a.shape[0] >= h_px and a.shape[1] >= w_px  # still at least one per axis pixel
    assert im.get_extent() == extent  # drawn over the same place
    small = np.zeros((40, 30))
    fig, ax = new_figure(3.0, 2.5)
    im = ax.imshow(small)
    out = figure_png(fig)
    assert im.get_array().shape == (40, 30) and out[:8] == b"\x89PNG\r\n\x1a\n"
    # the SVG of a large image embeds the thinned one, not 3 megapixels
    fig, ax = new_figure(3.0, 2.5)
    ax.imshow(np.random.default_rng(5).integers(0, 256, (1500, 2000)).astype(np.uint8))
    out = figure_png(fig)
    assert len(out.formats["svg"]) < 2_000_000  # noise: the full image is > 3 MB as PNG


# ------------------------------------------------------------------ colour and channel


def _rgb_png(path):
    from PIL import Image

    rng = np.random.default_rng(20260)
    a = rng.integers(0, 256, (48, 40, 3), dtype=np.uint8)
    a[:, :20, 0] = 255  # a red half: luminance and channel 0 differ
    Image.fromarray(a).save(path)
    return a


def test_colour_handling_stated_and_channel_recorded(tmp_path):
    from infopix.cli import app

    img = tmp_path / "rgb.png"
    _rgb_png(img)
    r = infopix.analyze(img, sections=["image"])
    assert r.image_info["colour_handling"] == "RGB; luminance"
    assert "reduced to ITU-R BT.601 luminance" in r.to_html()
    out = tmp_path / "rep"
    res = CliRunner().invoke(app, ["analyze", str(img), "--channel", "1", "--quick", "-q",
                                   "-o", str(out), "--figure-format", "png,svg,pdf"])
    assert res.exit_code == 0, res.output
    data = json.loads((out / "results.json").read_text())
    assert data["input"]["channel"] == 1
    assert data["input"]["colour_handling"] == "RGB; channel 1"
    html = (out / "report.html").read_text()
    assert "RGB, channel 1 only" in html and "<dt>--channel</dt><dd>1</dd>" in html
    pdfs = sorted((out / "figures").glob("*.pdf"))
    assert pdfs and all(p.read_bytes()[:5] == b"%PDF-" for p in pdfs)
    assert len(pdfs) == len(list((out / "figures").glob("*.png")))
    bad = CliRunner().invoke(app, ["analyze", str(img), "-o", str(tmp_path / "x"),
                                   "--figure-format", "png,gif"])
    assert bad.exit_code == 1 and "`--figure-format` expects" in bad.output


# ------------------------------------------------------------------ several images


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    imgs = {
        "noise.png": np.random.default_rng(7).integers(0, 256, (48, 48), dtype=np.uint8),
        "ramp.png": np.tile(np.arange(48, dtype=np.uint8) * 5, (48, 1)),
        "photo.png": np.ascontiguousarray(infopix.sample_image()[::8, ::8][:48, :48]),
    }
    reports = [
        infopix.analyze(a, source=name, quick=True, sections=["image", "intensity", "fractal"])
        for name, a in imgs.items()
    ]
    out = tmp_path_factory.mktemp("idx") / "out"
    rp.write_reports(reports, out)
    return out, reports


def test_index_compares_every_headline_measure(index):
    out, reports = index
    html = (out / "index.html").read_text()
    assert "class='sortable'" in html
    for r in reports:
        for row in r.overview["headline"]:
            assert re.sub("&#x27;", "'", row["label"]) in html.replace("&#x27;", "'")
    assert html.count("class='thumb'") == len(reports)
    assert (out / "figures" / "compare.png").is_file() and (out / "figures" / "compare.svg").is_file()
    ET.parse(out / "figures" / "compare.svg")


SORT_JS = """(() => {
  const th = document.querySelectorAll('table.sortable th')[2];
  const names = () => Array.from(document.querySelectorAll('table.sortable tbody tr'))
      .map(tr => tr.cells[2].getAttribute('data-v'));
  th.click(); const up = names(); th.click(); const down = names();
  const imgs = Array.from(document.images);
  return {up: up, down: down, n: imgs.length,
          bad: imgs.filter(i => !i.complete || i.naturalWidth === 0).length};
})()"""


@pytest.mark.browser
def test_index_sorts_in_headless_chromium(index):
    from _browser import find_chromium, load_page

    if find_chromium() is None:  # never a skip: `make test` installs it (make browser)
        pytest.fail("chromium is not installed; run `apt-get install chromium` (CI: .ci/run does)")
    out, reports = index
    page = load_page((out / "index.html").resolve().as_uri(), SORT_JS)
    up = [float(v) for v in page.check["up"]]
    assert up == sorted(up) and [float(v) for v in page.check["down"]] == sorted(up, reverse=True)
    assert page.check["n"] == len(reports) + 1 and page.check["bad"] == 0
    assert [u for u in page.requests[1:] if not u.startswith("data:")] == []
    assert [c for c in page.console if c[0] in ("error", "assert")] == [] and page.exceptions == []


# ------------------------------------------------------------------ browser


CHECK_JS = """(() => {
  const imgs = Array.from(document.images);
  const ov = document.querySelector('#overview');
  const alerts = document.querySelector('#alerts');
  const box = alerts ? alerts.getBoundingClientRect() : null;
  return {n: imgs.length, bad: imgs.filter(i => !i.complete || i.naturalWidth === 0).length,
          overview: !!ov, headline: document.querySelectorAll('table.headline tbody tr').length,
          alerts: alerts ? alerts.innerText : '', alertsVisible: !!box && box.height > 0,
          ovTop: ov ? ov.getBoundingClientRect().top : -1,
          firstSection: document.querySelector('section:not(#overview)').getBoundingClientRect().top};
})()"""


@pytest.mark.browser
def test_overview_and_alerts_render_in_headless_chromium(report, written):
    from _browser import find_chromium, load_page

    if find_chromium() is None:
        pytest.fail("chromium is not installed; run `apt-get install chromium` (CI: .ci/run does)")
    page = load_page((written / "report.html").resolve().as_uri(), CHECK_JS)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report-overview-screenshot.png").write_bytes(page.screenshot)
    c = page.check
    assert c["overview"] and c["ovTop"] < c["firstSection"]  # the overview comes first
    assert c["headline"] == len(report.overview["headline"]) >= 3
    assert c["alertsVisible"] and KNOWN_WARNING in c["alerts"]
    assert c["n"] == sum(len(s.figures) for s in report.sections) + 1 and c["bad"] == 0
    assert page.requests[0] == (written / "report.html").resolve().as_uri()
    assert [u for u in page.requests[1:] if not u.startswith("data:")] == []
    assert [x for x in page.console if x[0] in ("error", "assert")] == [] and page.exceptions == []
    assert [e for e in page.log_entries if e[0] == "error"] == []


def test_compare_command_draws_the_same_index(index, tmp_path):
    from infopix.cli import app

    out, reports = index
    cmp_ = tmp_path / "cmp"
    res = CliRunner().invoke(app, ["compare", str(out / "noise"), str(out / "ramp" / "results.json"),
                                   str(out / "photo"), "-o", str(cmp_), "-q"])
    assert res.exit_code == 0, res.output
    html = (cmp_ / "index.html").read_text()
    assert "class='sortable'" in html and html.count("class='thumb'") == 3
    for link in re.findall(r"<a href='([^'#]+)'>", html):  # links reach each report
        assert (cmp_ / link).resolve().is_file(), link
    ET.parse(cmp_ / "figures" / "compare.svg")
    again = CliRunner().invoke(app, ["compare", str(out / "noise"), "-o", str(cmp_)])
    assert again.exit_code == 1 and "--force" in again.output
    bad = CliRunner().invoke(app, ["compare", str(tmp_path / "none.json"), "-o", str(tmp_path / "c2")])
    assert bad.exit_code == 1 and "does not exist" in bad.output
