"""Every number a user reads carries its uncertainty or says it has none (issue 21).

An audit as a new user meets infopix: ``infopix analyze --json`` on the bundled sample
(a crop), on a colour image and on a 16-bit image; every command's ``--json``; batch's
columns; the text of report.html; and the seeds each random process records.

Which numbers are *measured* (and so must say how certain they are) is read from the
registry (:attr:`infopix.measures.Quantity.role`), never from a hand list here:
settings, axes, counts and sizes are exact by declaration.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from infopix import measures
from infopix.cli import app

#: Sibling fields that carry an uncertainty next to a value.
ERROR_FIELDS = ("std", "stderr", "interval", "error", "se")

runner = CliRunner()


def _numeric(v) -> bool:
    """A number, or a (nested) list holding at least one number (bools are flags)."""
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return True
    if isinstance(v, list):
        return any(_numeric(u) for u in v)
    return False


def _has_error(q: dict) -> bool:
    return any(_numeric(q.get(k)) for k in ERROR_FIELDS)


def unexplained(doc: dict) -> list[str]:
    """Paths in a ``results.json`` document of numbers that are measured but carry neither
    an uncertainty nor a statement that they have none (with the method named: a value
    with a ``std`` must say what the ``std`` is)."""
    bad = []
    params = doc.get("parameters", {})
    for key, sec in doc["sections"].items():
        declared = {q.name: q for q in measures.get(key).declared(params.get(key))}
        for name, q in sec["results"].items():
            where = f"sections.{key}.{name}"
            d = declared.get(name)
            if d is None:
                bad.append(f"{where}: not declared in the registry (measures.{key})")
                continue
            if d.role != "measured" or not _numeric(q.get("value")):
                continue
            how = q.get("uncertainty")
            if not (isinstance(how, str) and how.strip()):
                bad.append(f"{where}: {'a std without its method' if _has_error(q) else 'no uncertainty and no statement'}")
    for i, row in enumerate(doc.get("overview", {}).get("headline", [])):
        if _numeric(row.get("value")) and not row.get("uncertainty"):
            bad.append(f"overview.headline[{i}] ({row['name']}): no uncertainty statement")
    return bad


def _not_applicable_as_numbers(doc: dict) -> list[str]:
    return [
        f"{key}.{name}"
        for key, sec in doc["sections"].items()
        for name, q in sec["results"].items()
        if q.get("not_applicable") and (_numeric(q.get("value")) or _has_error(q))
    ]


# ----------------------------------------------------------------------- images


@pytest.fixture(scope="module")
def images(tmp_path_factory) -> dict:
    """The bundled sample (a 96x96 crop: the audit ran on the whole sample by hand), a
    smooth colour image and a 16-bit image, as files."""
    import imageio.v3 as iio
    import tifffile
    from scipy.ndimage import gaussian_filter

    d = tmp_path_factory.mktemp("audit")
    sample = Path(measures.__file__).parent / "data" / "camera.png"
    cam = iio.imread(sample)[200:296, 200:296]
    rng = np.random.default_rng(20211121)
    rgb = gaussian_filter(rng.normal(size=(64, 64, 3)), (2, 2, 0))
    rgb = (255 * (rgb - rgb.min()) / np.ptp(rgb)).astype(np.uint8)
    u16 = gaussian_filter(rng.normal(size=(64, 64)), 2)
    u16 = (60000 * (u16 - u16.min()) / np.ptp(u16)).astype(np.uint16)
    paths = {"sample": d / "cam.png", "colour": d / "rgb.png", "uint16": d / "u16.tif"}
    iio.imwrite(paths["sample"], cam)
    iio.imwrite(paths["colour"], rgb)
    tifffile.imwrite(paths["uint16"], u16)
    return paths


def _invoke(args) -> str:
    res = runner.invoke(app, [str(a) for a in args])
    assert res.exit_code == 0, res.output
    return res.stdout


@pytest.fixture(scope="module")
def analyzed(images, tmp_path_factory) -> dict:
    """``infopix analyze IMG --quick --ising --seed 7 --json`` of each image: (results, html)."""
    out = {}
    for kind, path in images.items():
        d = tmp_path_factory.mktemp(f"report-{kind}")
        text = _invoke(["analyze", path, "-o", d, "--quick", "--ising", "--seed", "7", "--json", "--force"])
        doc = json.loads(text)
        assert doc == json.loads((d / "results.json").read_text("utf-8"))
        out[kind] = (doc, (d / "report.html").read_text("utf-8"))
    return out


# ----------------------------------------------------------------------- results.json


@pytest.mark.parametrize("kind", ["sample", "colour", "uint16"])
def test_every_measured_number_in_results_json_says_how_certain_it_is(analyzed, kind):
    doc, _ = analyzed[kind]
    assert set(doc["sections"]) >= {"intensity", "fractal", "spatial", "ising"}
    assert unexplained(doc) == []
    assert _not_applicable_as_numbers(doc) == []


def test_the_checker_can_fail(analyzed):
    """The walk above finds a number stripped of its statement, an unexplained std and an
    undeclared quantity (so its silence on the reports means something)."""
    doc = json.loads(json.dumps(analyzed["sample"][0]))
    res = doc["sections"]["fractal"]["results"]
    del res["spectrum_width"]["uncertainty"]
    del res["box_counting_dimension"]["uncertainty"]
    doc["sections"]["image"]["results"]["surprise"] = {"value": 1.0, "unit": "1", "explain": "x"}
    got = unexplained(doc)
    assert any("spectrum_width: no uncertainty and no statement" in g for g in got)
    assert any("box_counting_dimension: a std without its method" in g for g in got)
    assert any("surprise: not declared" in g for g in got)
    # a setting (the threshold) and a count (the height) need no statement
    assert not any("threshold" in g or "height" in g for g in got)


def test_every_measured_quantity_is_declared_with_a_statement():
    """The registry itself: a measured quantity has an uncertainty field or says why it has
    none (batch's Parquet columns: every measured column has its .std column or this
    statement), for the defaults and the quick preset of every measure."""
    for m in measures.MEASURES.values():
        for params in (None, {**m.defaults, **m.quick}):
            for q in m.declared(params):
                assert q.role in ("measured", "setting", "count"), (m.name, q.name, q.role)
                if q.role == "measured":
                    assert q.error.strip(), f"{m.name}.{q.name}: measured, no uncertainty statement"
                    if q.uncertainty is None:  # a statement that there is none
                        assert q.error.startswith(("no uncertainty", "none")), (m.name, q.name)
            cols = m.columns(params)
            for q in m.declared(params):
                if q.role == "measured" and q.uncertainty and q.column:
                    assert any(c.startswith(f"{m.name}.{q.name}") and c.endswith(f".{q.uncertainty}")
                               for c in cols), (m.name, q.name)


# ----------------------------------------------------------------------- report.html

_PM = re.compile(r"±|&#177;|&plusmn;")


@pytest.mark.parametrize("kind", ["sample", "uint16"])
def test_report_html_shows_every_error_the_results_have(analyzed, kind):
    """Each table row whose quantity has a (scalar) std shows ``±`` in its value cell, and
    each measured row shows its uncertainty statement."""
    doc, page = analyzed[kind]
    for key, sec in doc["sections"].items():
        m = re.search(rf"<section id='{key}'>(.*?)</section>", page, re.S)
        assert m, key
        body = m.group(1)
        for name, q in sec["results"].items():
            label = html.escape(name.replace("_", " "))
            row = re.search(rf"<tr><td class='n'>{re.escape(label)}(?:<br>.*?)?</td>(.*?)</tr>", body, re.S)
            assert row, f"{key}.{name} has no row"
            cells = row.group(1)
            value_cell = cells.split("</td>")[0]
            std, v = q.get("std"), q.get("value")
            if isinstance(std, (int, float)) and v is not None:
                assert _PM.search(value_cell), f"{key}.{name}: {std} not shown: {value_cell}"
            if isinstance(std, list) and isinstance(v, list) and len(v) <= 8:  # shown item by item
                shown = sum(s is not None and u is not None for s, u in zip(std, v))
                assert len(_PM.findall(value_cell)) == shown, f"{key}.{name}: {value_cell}"
            if q.get("uncertainty"):
                assert html.escape(q["uncertainty"].rstrip("."))[1:] in cells, f"{key}.{name}"


# ----------------------------------------------------------------------- every command's --json

# Each command on one image (`{img}`), outputs under `{out}`; thresholds in grey levels of
# the image's own type are avoided (box counting takes the image mean below).
CLI_JSON = {
    "entropy": ["{img}", "--json"],
    "entropy-nsb": ["{img}", "-e", "nsb", "--json"],
    "entropy-renyi": ["{img}", "--alpha", "2", "--json"],
    "localmap": ["{img}", "-o", "{out}/m.npy", "--json", "--force"],
    "scale": ["{img}", "-s", "0,1,2,4", "-o", "{out}/s", "--json", "--force", "--strip", "0"],
    "fractal-box": ["{img}", "--method", "box", "-t", "{mean}", "--json"],
    "fractal-dbc": ["{img}", "--method", "dbc", "--json"],
    "fractal-dq": ["{img}", "--method", "dq", "--nq", "3", "--json"],
    "fractal-spectrum": ["{img}", "--method", "spectrum", "--nq", "3", "--json"],
    "spatial-mi": ["{img}", "-m", "mi", "-l", "16", "-d", "1,2,4", "--json"],
    "spatial-block": ["{img}", "-m", "block", "-l", "8", "--block", "2", "--json"],
    "spatial-conditional": ["{img}", "-m", "conditional", "-l", "16", "--json"],
    "spatial-density": ["{img}", "-m", "density", "-l", "16", "--json"],
    "spatial-cid": ["{img}", "-m", "cid", "-l", "16", "--json"],
    "ising": ["{img}", "--sweeps", "5", "-o", "{out}/i.png", "--force", "--json"],
    **{f"patterns-{m}": ["{img}", "-m", m, "--json"]
       for m in ("ordinal", "lacunarity", "structural", "sampen", "fuzzen", "disten", "dispen")},
}


def _cli_json(name, img, out, mean=None) -> dict:
    args = [a.format(img=img, out=out, mean=mean) for a in CLI_JSON[name]]
    return json.loads(_invoke([name.split("-")[0], *args]))


def _cli_unexplained(doc: dict) -> list[str]:
    """What a command's JSON lacks: its top-level ``uncertainty`` statement (the method of
    every std/stderr/error it holds, or why its numbers have none)."""
    how = doc.get("uncertainty")
    return [] if isinstance(how, str) and how.strip() else ["no top-level uncertainty statement"]


@pytest.mark.parametrize("kind", ["sample", "colour", "uint16"])
def test_every_command_json_says_how_certain_its_numbers_are(images, kind, tmp_path):
    import infopix

    img = images[kind]
    mean = float(np.mean(infopix.read_image(img)))  # a threshold inside the grey range
    bad = {}
    for name in CLI_JSON:
        if kind != "sample" and name.startswith(("patterns-sampen", "patterns-fuzzen", "patterns-disten")):
            continue  # the all-pairs template entropies: once is enough
        doc = _cli_json(name, img, tmp_path, f"{mean:.6g}")
        if _cli_unexplained(doc):
            bad[name] = _cli_unexplained(doc)
    assert bad == {}


def test_cli_checker_can_fail():
    assert _cli_unexplained({"entropy": 1.0}) != []
    assert _cli_unexplained({"entropy": 1.0, "uncertainty": " "}) != []
    assert _cli_unexplained({"entropy": 1.0, "uncertainty": "spatial: ..."}) == []


# ----------------------------------------------------------------------- seeds


def _without_timing(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k not in ("seconds", "created", "out", "provenance")}


@pytest.mark.parametrize("name", ["ising", "spatial-cid", "patterns-noise"])
def test_a_recorded_seed_reproduces_the_run(images, tmp_path, name):
    """Each random process reachable from the CLI records the seed it used when none is
    given, and passing that seed back as --seed reproduces its output exactly."""
    img = images["sample"]
    args = {
        "ising": ["ising", img, "--sweeps", "20", "-o", tmp_path / "i.png", "--force", "--json"],
        "spatial-cid": ["spatial", img, "-m", "cid", "-l", "16", "--json"],
        "patterns-noise": ["patterns", img, "-m", "ordinal", "--ties", "noise", "--json"],
    }[name]
    first = json.loads(_invoke(args))
    seed = first.get("seed")
    assert isinstance(seed, int) and seed >= 0, first
    again = json.loads(_invoke([*args, "--seed", seed]))
    assert again["seed"] == seed
    assert _without_timing(again) == _without_timing(first)
    other = json.loads(_invoke([*args, "--seed", seed + 1]))
    assert _without_timing(other) != _without_timing(first)  # the seed is what decides


def test_analyze_records_the_seeds_it_used(analyzed):
    """analyze's random parts (the Ising run, CID's shuffle) are seeded by --seed, and
    results.json records it where each was used."""
    doc, _ = analyzed["sample"]
    assert doc["parameters"]["ising"]["seed"] == 7
    assert doc["sections"]["ising"]["results"]["sweeps"]["seed"] == 7
    assert doc["parameters"]["spatial"]["seed"] == 7


# ----------------------------------------------------------------------- undersampled histograms


def test_an_undersampled_16_bit_histogram_warns_that_its_error_is_a_lower_bound():
    """A 64x64 16-bit image using nearly as many levels as it has pixels: plug-in,
    Miller-Madow and NSB differ by far more than the spatial error (found by this audit:
    12.9, 13.5 and 15.3 bits, each ± 0.006 on a 96x96 one). The estimate warns; an 8-bit
    image of the same field does not."""
    import warnings

    import infopix

    rng = np.random.default_rng(20261129)
    u16 = rng.integers(0, 65536, (64, 64), dtype=np.uint16)
    with pytest.warns(UserWarning, match="undersampled"):
        e = infopix.intensity_entropy_estimate(u16, estimator="nsb")
    plug = infopix.intensity_entropy_estimate(u16, estimator="plugin")
    # the reason for the warning, as stated: estimators differ by more than the error
    assert abs(e.value - plug.value) > 3 * e.std
    u8 = (u16 >> 8).astype(np.uint8)  # 256 levels for 4096 pixels: well sampled
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        infopix.intensity_entropy_estimate(u8)


def test_analyze_with_the_recorded_seed_reproduces_every_number(analyzed, images, tmp_path):
    """The sample analysed again with the seed its results.json records: every section's
    numbers (the Ising run's and CID's included) are identical."""
    doc, _ = analyzed["sample"]
    seed = doc["parameters"]["ising"]["seed"]
    again = json.loads(_invoke(["analyze", images["sample"], "-o", tmp_path / "r", "--quick",
                                "--ising", "--seed", seed, "--json", "--force"]))
    # the numbers, not the alerts: a section's alerts also collect warnings that the
    # garbage collector raises for other tests' objects (ResourceWarning) meanwhile
    assert {k: s["results"] for k, s in again["sections"].items()} == {
        k: s["results"] for k, s in doc["sections"].items()}
    assert again["overview"]["headline"] == doc["overview"]["headline"]
