"""``infopix compare`` on the Parquet results of ``infopix batch`` (issue 20).

One batch (in this process, ``--workers 0``) over three small generated images, a
two-frame series and a file that is not an image; then ``infopix compare`` on its results.
The expected text of every number is derived here from the Parquet rows with the
report's rounding rule (:func:`infopix.report._html.fmt_value`, built on
:mod:`infopix.formatting`), and which columns have no uncertainty from the registry
(:mod:`infopix.measures`), so nothing below is a hard-coded answer. The comparison of
reports (results.json) is tested in tests/test_report_overview.py.
"""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
import tifffile
from typer.testing import CliRunner

import infopix
from infopix import measures as registry
from infopix.cli import app
from infopix.report._html import escape, fmt_value

ESTIMATOR = "nsb"  # intensity: Rényi/expected values (no uncertainty) and H_nsb (with one)


def _cli(*argv):
    return CliRunner().invoke(app, [str(a) for a in argv])


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    d = tmp_path_factory.mktemp("cmp")
    rng = np.random.default_rng(20261129)
    infopix.write_image(d / "noise.png", rng.integers(0, 256, (24, 24), dtype=np.uint8))
    infopix.write_image(d / "ramp.png", np.tile(np.arange(24, dtype=np.uint8) * 10, (24, 1)))
    infopix.write_image(d / "few.png", rng.integers(0, 4, (24, 24), dtype=np.uint8) * 60)
    frames = rng.integers(0, 16, (2, 16, 16), dtype=np.uint8)
    tifffile.imwrite(d / "series.tif", frames, imagej=True, metadata={"axes": "TYX"})
    (d / "broken.png").write_bytes(b"not an image")
    out = d / "results.parquet"
    res = _cli("batch", d / "noise.png", d / "ramp.png", d / "few.png", d / "series.tif",
               d / "broken.png", "-o", out, "--measures", "intensity", "-e", ESTIMATOR,
               "--workers", "0", "-q")
    assert res.exit_code == 1, res.output  # one file failed: the batch says so
    rows = pd.read_parquet(out)
    assert (rows["status"] == "ok").sum() == 5 and (rows["status"] == "error").sum() == 1
    cmp_ = d / "cmp"
    res = _cli("compare", out, "-o", cmp_, "-q")
    assert res.exit_code == 0, res.output
    return d, out, rows, cmp_


def _name(row) -> str:
    name = row["path"].rsplit("/", 1)[-1]
    return name if pd.isna(row["frame"]) else f"{name} [frame {int(row['frame'])}]"


def _value_columns(rows):
    base = {"path", "checksum", "shape", "dtype", "status", "error", "frame"}
    return [c for c in rows.columns if c not in base and not c.endswith(".std")]


def test_index_shows_every_image_and_every_value_rounded(batch):
    _, _, rows, cmp_ = batch
    html = (cmp_ / "index.html").read_text("utf-8")
    table = html[html.index("<table class='sortable'>"):html.index("</table>")]
    trs = table.split("<tr>")[2:]  # after the header row
    ok = rows[rows["status"] == "ok"]
    assert len(trs) == len(ok) == 5
    cols = _value_columns(rows)
    for _, row in ok.iterrows():
        tr = [t for t in trs if f"{_name(row)}<br>" in t]
        assert len(tr) == 1, _name(row)
        for c in cols:
            v, s = row[c], row.get(f"{c}.std")
            if math.isnan(v):
                assert "not defined for this image" in tr[0]
                continue
            text = fmt_value(v, None if s is None or math.isnan(s) else s)
            assert f">{escape(text)}</td>" in tr[0], (c, text)
    # ± appears exactly where a std column holds a number, per row (the Shannon entropy's
    # spatial error and the H_nsb estimate)
    for _, row in ok.iterrows():
        tr = next(t for t in trs if f"{_name(row)}<br>" in t)
        n_std = sum(1 for c in rows.columns if c.endswith(".std") and row[c] > 0)  # 0: "(exact)"
        assert tr.count("±") == n_std >= 1, (_name(row), n_std)


def test_uncertainty_stated_per_the_registry(batch):
    _, _, rows, cmp_ = batch
    html = (cmp_ / "index.html").read_text("utf-8")
    params = registry.resolve_params({"intensity": {"estimators": ESTIMATOR}})["intensity"]
    declared = {q.name: q for q in registry.get("intensity").declared(params)}
    heads = dict(re.findall(r"<th>([\w.\[\]=]+)<br><span class='sub'>[^<]*<br>([^<]*)</span>",
                            html))
    assert set(heads) == set(_value_columns(rows))
    for col, note in heads.items():
        q = declared[col.split(".", 1)[1]]
        assert note == ("± standard error" if q.uncertainty else "no uncertainty (exact)"), col


def test_figures_thumbnails_and_provenance(batch):
    _, out, rows, cmp_ = batch
    html = (cmp_ / "index.html").read_text("utf-8")
    assert (cmp_ / "figures" / "compare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = ET.parse(cmp_ / "figures" / "compare.svg").getroot()
    texts = " ".join("".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    assert "intensity.H_nsb" in texts.replace(" ", "").replace("\u00a0", "")
    assert html.count("class='thumb'") == 5  # every ok row's image (each frame) is readable
    prov = html[html.index("<section id='provenance'>"):]
    assert f"<th>infopix version</th><td>{infopix.__version__}</td>" in prov
    assert "estimators = [nsb]" in prov and "<th>channel</th><td>luminance</td>" in prov


def test_failed_rows_are_listed_not_plotted(batch):
    _, _, rows, cmp_ = batch
    html = (cmp_ / "index.html").read_text("utf-8")
    failed = html[html.index("<section id='failed'>"):html.index("<section id='provenance'>")]
    bad = rows[rows["status"] == "error"].iloc[0]
    assert "broken.png" in failed and escape(bad["error"]) in failed
    assert "broken.png" not in html[:html.index("<section id='failed'>")]
    svg = (cmp_ / "figures" / "compare.svg").read_text("utf-8")
    assert "series.tif [frame 1]" in html and "broken" not in svg


def test_json_prints_the_compared_rows(batch, tmp_path):
    _, out, rows, _ = batch
    res = CliRunner().invoke(app, ["compare", str(out), "-o", str(tmp_path / "c"), "--json", "-q"])
    assert res.exit_code == 0, res.output
    got = json.loads(res.stdout)
    assert [r["status"] for r in got] == list(rows["status"])
    nsb = {r["source"]: h for r in got for h in r["headline"] if h["label"] == "intensity.H_nsb"}
    for _, row in rows[rows["status"] == "ok"].iterrows():  # full precision in JSON
        assert nsb[_name(row)]["value"] == row["intensity.H_nsb"]
        assert nsb[_name(row)]["std"] == row["intensity.H_nsb.std"]


def test_summary_counts_rows_and_names_the_path_once(batch, tmp_path):
    # one Parquet file of six rows (5 ok, 1 failed): "6 rows", not "1 input"; stdout is one
    # clean path (for pipes) and stderr does not repeat it
    _, out, rows, _ = batch
    dest = tmp_path / "c"
    res = _cli("compare", out, "-o", dest)
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == str(dest / "index.html")
    assert f"comparison of {len(rows)} rows" in res.stderr and str(dest) not in res.stderr
    res = _cli("compare", out, "-o", tmp_path / "j", "--json")
    assert res.exit_code == 0 and json.loads(res.stdout)  # --json: the path on stderr only
    assert str(tmp_path / "j" / "index.html") in res.stderr


def test_one_parquet_file_and_a_changed_image(batch, tmp_path):
    d, out, rows, _ = batch
    part = sorted(out.glob("part-*.parquet"))[-1]  # one Parquet file, metadata and all
    noise = d / "noise.png"
    saved = noise.read_bytes()
    try:
        infopix.write_image(noise, np.zeros((24, 24), dtype=np.uint8), force=True)  # changed
        res = _cli("compare", part, "-o", tmp_path / "c", "-q")
    finally:
        noise.write_bytes(saved)
    assert res.exit_code == 0, res.output
    html = (tmp_path / "c" / "index.html").read_text("utf-8")
    assert html.count("class='thumb'") == 4
    assert "no thumbnail: the file changed since the batch (SHA-256 differs)" in html
    assert f"<td>{infopix.__version__}</td>" in html


def test_refusals_are_one_line(batch, tmp_path):
    d, out, _, cmp_ = batch
    before = (cmp_ / "index.html").read_bytes()
    again = _cli("compare", out, "-o", cmp_)
    assert again.exit_code == 1 and "--force" in again.output
    assert (cmp_ / "index.html").read_bytes() == before  # not overwritten
    for argv, words in [
        ((d / "noise.png",), "neither a results.json"),
        ((tmp_path / "none.parquet",), "does not exist"),
    ]:
        res = _cli("compare", *argv, "-o", tmp_path / "x")
        assert res.exit_code == 1 and words in res.output, res.output
        assert len(res.output.strip().splitlines()) == 1 and "Traceback" not in res.output
    report = tmp_path / "results.json"
    report.write_text("{}")
    mixed = _cli("compare", report, out, "-o", tmp_path / "x")
    assert mixed.exit_code == 1 and "one kind per `infopix compare`" in mixed.output
    assert len(mixed.output.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()
    forced = _cli("compare", out, "-o", cmp_, "--force", "-q")
    assert forced.exit_code == 0 and (cmp_ / "index.html").is_file()


PAGE_JS = """(() => {
  const th = document.querySelectorAll('table.sortable th')[2];
  const values = () => Array.from(document.querySelectorAll('table.sortable tbody tr'))
      .map(tr => tr.cells[2].getAttribute('data-v'));
  th.click(); const up = values();
  const imgs = Array.from(document.images);
  return {up: up, n: imgs.length, bad: imgs.filter(i => !i.complete || i.naturalWidth === 0).length,
          failed: document.querySelectorAll('#failed tbody tr').length,
          provenance: !!document.querySelector('#provenance table')};
})()"""


@pytest.mark.browser
def test_batch_page_in_headless_chromium(batch):
    from _browser import find_chromium, load_page

    if find_chromium() is None:  # never a skip: `make test` installs it (make browser)
        pytest.fail("chromium is not installed; run `apt-get install chromium` (CI: .ci/run does)")
    _, _, rows, cmp_ = batch
    page = load_page((cmp_ / "index.html").resolve().as_uri(), PAGE_JS)
    c = page.check
    up = [float(v) for v in c["up"]]
    assert up == sorted(up) and len(up) == 5  # sorted by the first measure column
    assert c["n"] == 5 + 1 and c["bad"] == 0  # five thumbnails and the figure load
    assert c["failed"] == 1 and c["provenance"]
    assert [u for u in page.requests[1:] if not u.startswith("data:")] == []
    assert [x for x in page.console if x[0] in ("error", "assert")] == [] and page.exceptions == []


def test_a_parquet_file_of_other_columns_is_refused(tmp_path):
    other = tmp_path / "other.parquet"
    pd.DataFrame({"a": [1.0, 2.0]}).to_parquet(other)
    res = _cli("compare", other, "-o", tmp_path / "x")
    assert res.exit_code == 1 and "without the columns of `infopix batch`" in res.output
    assert len(res.output.strip().splitlines()) == 1 and not (tmp_path / "x").exists()
