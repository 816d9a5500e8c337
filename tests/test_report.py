"""The report of ``infopix analyze`` (issue 10): content, schema, atomic output, browser."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import jsonschema
import numpy as np
import pytest

import infopix
from infopix import measures as ms
from infopix import report as rp

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def sample():
    """The sample photograph at half resolution (256 x 256): same content, 4x less work."""
    return np.ascontiguousarray(infopix.sample_image()[::2, ::2])


@pytest.fixture(scope="module")
def quick_report(sample):
    """Every default section, quick parameters, on the sample image (built once)."""
    return infopix.analyze(sample, source="sample", quick=True)


@pytest.fixture(scope="module")
def written(quick_report, tmp_path_factory):
    out = tmp_path_factory.mktemp("rep") / "report"
    quick_report.write(out)
    return out


# ------------------------------------------------------------------ registry


def test_every_present_family_has_its_section():
    """A family module in the tree gets its section; absence is the only reason to skip."""
    expected = {
        "scale": "scale",
        "local": "local",
        "fractal": "fractal",
        "spatial": "spatial",
        "ising": "ising",
        "intensity": "estimators",
    }
    for key, module in expected.items():
        present = importlib.util.find_spec(f"infopix.{module}") is not None
        assert (key in ms.MEASURES) == present, (key, ms.UNAVAILABLE.get(key))
        assert (key in ms.UNAVAILABLE) == (not present)


def test_a_failing_section_raises(sample):
    def broken(ctx, params):
        raise RuntimeError("section exploded")

    ms.register(ms.Measure("_broken_for_test", "Broken", broken))
    try:
        with pytest.raises(RuntimeError, match="section exploded"):
            infopix.analyze(sample[:16, :16], sections=["_broken_for_test"])
    finally:
        ms.MEASURES.pop("_broken_for_test")


def test_sections_and_params_are_checked(sample):
    with pytest.raises(ValueError, match=r"`sections` expects names from .*'nope'"):
        infopix.analyze(sample, sections=["nope"])
    with pytest.raises(ValueError, match=r"`config` has unknown section\(s\) \['nope'\]"):
        infopix.analyze(sample, config={"nope": {}})
    with pytest.raises(
        ValueError, match=r"section 'intensity' has unknown parameter\(s\) \['radii'\]"
    ):
        infopix.analyze(sample, sections=["intensity"], intensity={"radii": [1]})
    with pytest.raises(ValueError, match="`image` is empty"):
        infopix.analyze(np.zeros((0, 3), np.uint8))
    with pytest.raises(ValueError, match="NaN or inf"):
        infopix.analyze(np.array([[1.0, np.nan], [0.0, 1.0]]))


def test_load_config_toml_and_json(tmp_path):
    t = tmp_path / "p.toml"
    t.write_text('[intensity]\nestimators = ["plugin"]\nlevel = 0.9\n')
    j = tmp_path / "p.json"
    j.write_text(json.dumps({"intensity": {"estimators": ["plugin"], "level": 0.9}}))
    assert (
        rp.load_config(t)
        == rp.load_config(j)
        == {"intensity": {"estimators": ["plugin"], "level": 0.9}}
    )
    bad = tmp_path / "bad.toml"
    bad.write_text("[intensity\n")
    with pytest.raises(ValueError, match="is not valid toml"):
        rp.load_config(bad)
    with pytest.raises(ValueError, match=r"must end in \.toml or \.json"):
        rp.load_config(_touch(tmp_path / "p.yaml"))
    with pytest.raises(FileNotFoundError, match="does not exist"):
        rp.load_config(tmp_path / "missing.toml")


def _touch(p):
    p.write_text("x")
    return p


# ------------------------------------------------------------------ numbers


def test_results_validate_against_schema(written):
    schema = rp.results_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads((written / "results.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["infopix_version"] == infopix.__version__
    assert re.fullmatch(r"[0-9a-f]{64}", data["input"]["sha256"])
    # every figure listed exists, and every quantity explains itself in one line
    for sec in data["sections"].values():
        for f in sec["figures"]:
            assert (written / f).is_file()
        for q in sec["results"].values():
            assert "\n" not in q["explain"]


def test_schema_rejects_a_number_without_unit(written):
    data = json.loads((written / "results.json").read_text())
    q = data["sections"]["intensity"]["results"]["shannon"]
    del q["unit"]
    with pytest.raises(jsonschema.ValidationError, match="'unit' is a required property"):
        jsonschema.validate(data, rp.results_schema(), cls=jsonschema.Draft202012Validator)


def test_checksum_is_of_the_pixels(sample, written):
    import hashlib

    data = json.loads((written / "results.json").read_text())
    assert (
        data["input"]["sha256"]
        == hashlib.sha256(np.ascontiguousarray(sample).tobytes()).hexdigest()
    )


def test_file_checksum_recorded(tmp_path):
    img = np.arange(64, dtype=np.uint8).reshape(8, 8)
    path = tmp_path / "a.png"
    infopix.write_image(path, img)
    import hashlib

    r = infopix.analyze(path, sections=["intensity"])
    assert r.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert r.source == str(path)
    assert r["intensity"].results["shannon"]["value"] == 6.0  # 64 equally frequent levels


def _json_numbers(written):
    return json.loads((written / "results.json").read_text())["sections"]


def test_intensity_numbers_equal_library(sample, written):
    from infopix.estimators import ESTIMATORS, entropy_from_counts

    res = _json_numbers(written)["intensity"]["results"]
    p = infopix.intensity_distribution(sample)
    for name, alpha in (("shannon", 1), ("hartley", 0), ("collision", 2), ("min_entropy", np.inf)):
        assert res[name]["value"] == infopix.renyi_entropy(p, alpha)
    assert res["shannon"]["value"] == infopix.intensity_entropy(sample)
    for f in ("surprisal", "laurent", "taylor"):
        assert res[f"expected_{f}"]["value"] == infopix.intensity_expected(f, sample)
    c = infopix.intensity_counts(sample)
    assert set(ESTIMATORS) <= {k[2:] for k in res if k.startswith("H_")}
    for name in ESTIMATORS:
        e = entropy_from_counts(c.counts, estimator=name, n_outcomes=c.n_outcomes)
        q = res[f"H_{name}"]
        if q.get("not_applicable"):  # outside its validity: never shown as a number
            assert q["value"] is None and "std" not in q
            assert not getattr(e, "valid", True) or not 0 <= e.value <= np.log2(c.n_outcomes)
            continue
        assert q["value"] == e.value and q["estimator"] == name and q["unit"] == "bits"
        assert q.get("std") == e.std
        assert q.get("interval") == (None if e.interval is None else list(e.interval))


def test_image_numbers(sample, written):
    res = _json_numbers(written)["image"]["results"]
    assert res["height"]["value"] == 256 and res["width"]["value"] == 256
    assert res["mean"]["value"] == float(sample.astype(float).mean())
    assert res["occupied_levels"]["value"] == np.unique(sample).size


# Numbers of the other families against their public API, section by section: each test
# runs only the section it checks, with the section's quick parameters.


def _section_params(key):
    return rp.resolve_params({}, quick=True, sections=[key])[key]


def _close(a, b):
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=0, atol=0)


# ------------------------------------------------------------------ html


def test_html_is_self_contained(quick_report, written):
    text = (written / "report.html").read_text()
    assert text == quick_report.to_html()
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    srcs = re.findall(r"""(?:src|href)\s*=\s*['"]([^'"]*)['"]""", text)
    assert srcs, "no images?"
    for s in srcs:
        assert s.startswith(("data:", "#")) or s == "data:,", s
    assert not re.search(r"https?://", text.replace("http-equiv", ""))
    n_fig = sum(len(s.figures) for s in quick_report.sections)
    assert text.count("<img ") == n_fig + 1  # and the picture in the overview
    # every number of results.json appears with its explanation
    for s in quick_report.sections:
        for q in s.results.values():
            assert _escape(q["explain"]) in text


def _escape(t):
    import html

    return html.escape(t, quote=True)


def test_repr_html_and_json(quick_report, tmp_path):
    frag = quick_report._repr_html_()
    assert frag.startswith("<div class='infopix-report'>") and "<img " in frag
    p = quick_report.to_json(tmp_path / "r.json")
    assert json.loads(p.read_text()) == quick_report.to_dict()
    h = quick_report.to_html(tmp_path / "r.html")
    assert h.read_text().startswith("<!DOCTYPE html>")
    with pytest.raises(FileExistsError, match="exists; pass force=True"):
        quick_report.to_html(tmp_path / "r.html")
    quick_report.to_html(tmp_path / "r.html", force=True)


# ------------------------------------------------------------------ atomic output


def _small_report():
    img = np.arange(256, dtype=np.uint8).reshape(16, 16)
    return infopix.analyze(
        img, sections=["image", "intensity"], intensity={"estimators": ["plugin"]}
    )


def _leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


def test_existing_report_not_replaced_without_force(tmp_path):
    r = _small_report()
    out = tmp_path / "rep"
    r.write(out)
    before = (out / "results.json").read_bytes()
    with pytest.raises(FileExistsError, match="exists; pass --force"):
        r.write(out)
    assert (out / "results.json").read_bytes() == before
    r2 = infopix.analyze(
        np.eye(8, dtype=np.uint8), sections=["intensity"], intensity={"estimators": ["plugin"]}
    )
    r2.write(out, force=True)
    assert (out / "results.json").read_bytes() != before
    assert not (out / "figures" / "image_image.png").exists()  # replaced, not merged
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("existing", [False, True])
def test_interrupted_write_leaves_no_half_report(tmp_path, monkeypatch, existing):
    r = _small_report()
    out = tmp_path / "rep"
    if existing:
        r.write(out)
        before = sorted(p.relative_to(out) for p in out.rglob("*"))
        old_json = (out / "results.json").read_bytes()
    real = Path.write_text

    def interrupted(self, *a, **k):  # results.json written, then Ctrl-C before the HTML
        if self.name == "report.html":
            raise KeyboardInterrupt
        return real(self, *a, **k)

    monkeypatch.setattr(Path, "write_text", interrupted)
    with pytest.raises(KeyboardInterrupt):
        r.write(out, force=True)
    monkeypatch.undo()
    assert _leftovers(tmp_path) == []
    if existing:
        assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
        assert (out / "results.json").read_bytes() == old_json
    else:
        assert not out.exists()


def test_several_images_one_folder_each(tmp_path):
    a = infopix.analyze(np.eye(8, dtype=np.uint8), source="x/a.png", sections=["intensity"])
    b = infopix.analyze(np.eye(8, dtype=np.uint8) * 3, source="y/a.png", sections=["intensity"])
    files = rp.write_reports([a, b], tmp_path / "out")
    assert files[0] == tmp_path / "out" / "index.html"
    for stem in ("a", "a-2"):
        assert (tmp_path / "out" / stem / "report.html").is_file()
        assert (tmp_path / "out" / stem / "results.json").is_file()
    index = files[0].read_text()
    assert "a/report.html" in index and "a-2/report.html" in index


# ------------------------------------------------------------------ browser

CHECK_JS = """(() => {
  const imgs = Array.from(document.images);
  return {n: imgs.length, bad: imgs.filter(i => !i.complete || i.naturalWidth === 0).length,
          sections: document.querySelectorAll('section').length,
          title: document.title, height: document.body.scrollHeight};
})()"""


@pytest.mark.browser
def test_report_opens_in_headless_chromium(quick_report, written):
    from _browser import find_chromium, load_page

    if find_chromium() is None:  # never a skip: CI installs chromium (.ci/run)
        pytest.fail("chromium is not installed; run `apt-get install chromium` (CI: .ci/run does)")
    page = load_page((written / "report.html").resolve().as_uri(), CHECK_JS)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report-screenshot.png").write_bytes(page.screenshot)
    n_fig = sum(len(s.figures) for s in quick_report.sections) + 1  # + the overview's picture
    assert page.check["n"] == n_fig > 1
    assert page.check["bad"] == 0, "an <img> did not decode"
    assert page.check["sections"] == len(quick_report.sections) + 1  # + the overview
    # only the page itself (file://) and its embedded data: images; nothing on the network
    assert page.requests[0] == (written / "report.html").resolve().as_uri()
    others = [u for u in page.requests[1:] if not u.startswith("data:")]
    assert others == []
    errors = [c for c in page.console if c[0] in ("error", "assert")]
    assert errors == [] and page.exceptions == []
    assert [e for e in page.log_entries if e[0] == "error"] == []
    assert page.screenshot[:8] == b"\x89PNG\r\n\x1a\n" and len(page.screenshot) > 10_000


def test_local_numbers_equal_library(sample, written):
    res = _json_numbers(written)["local"]["results"]
    p = _section_params("local")
    H = infopix.local_entropy(sample, p["radii"], estimator=p["estimator"], edge=p["edge"])
    S = infopix.local_std(sample, p["radii"], edge=p["edge"])
    assert res["radii"]["value"] == list(p["radii"])
    _close(res["mean_local_entropy"]["value"], H.mean(axis=(1, 2)))
    _close(res["median_local_entropy"]["value"], np.median(H, axis=(1, 2)))
    _close(res["max_local_entropy"]["value"], H.max(axis=(1, 2)))
    _close(res["mean_local_std"]["value"], S.mean(axis=(1, 2)))
    assert res["mean_local_entropy"]["estimator"] == p["estimator"]


def test_scale_numbers_equal_library(sample, written):
    res = _json_numbers(written)["scale"]["results"]
    p = _section_params("scale")
    curve = infopix.entropy_vs_scale(
        sample, p["sigmas"], bins=p["bins"], estimator=p["estimator"], mode=p["mode"]
    )
    _close(res["sigma"]["value"], p["sigmas"])
    _close(res["entropy"]["value"], curve.entropies)
    _close(res["std"]["value"], curve.stds)
    # sigma = 0 is the image itself: the plug-in intensity entropy
    assert res["entropy"]["value"][0] == pytest.approx(infopix.intensity_entropy(sample), abs=1e-12)


def test_fractal_numbers_equal_library(sample, written):
    import warnings

    res = _json_numbers(written)["fractal"]["results"]
    p = _section_params("fractal")
    thr = float(np.mean(sample, dtype=np.float64))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        box = infopix.box_counting_dimension(sample, threshold=thr)
        dbc = infopix.dbc_dimension(sample)
        gd = infopix.generalized_dimensions(sample, p["q"])
        mf = infopix.multifractal_spectrum(sample, p["q"])
    assert res["threshold"]["value"] == thr
    assert res["box_counting_dimension"]["value"] == box.dimension
    assert res["box_counting_dimension"]["std"] == box.stderr
    assert res["dbc_dimension"]["value"] == dbc.dimension
    _close(res["generalized_dimensions"]["value"], gd.dimensions)
    _close(res["alpha"]["value"], mf.alpha)
    _close(res["f_alpha"]["value"], mf.f)
    assert res["D1_information"]["value"] == gd.dimensions[list(gd.qs).index(1.0)]


def test_ising_section_equals_simulate(sample):
    """Optional section (``--ising``): same seed, same run as calling simulate directly."""
    from infopix import ising

    img = sample[::2, ::2]  # 128 x 128; the section subsamples to `size`
    r = infopix.analyze(img, sections=["ising"], quick=True, ising={"size": 32, "sweeps": 6})
    assert [s.key for s in r.sections] == ["ising"]
    p = r.params["ising"]
    res = r["ising"].results
    stride = int(np.ceil(max(img.shape) / p["size"]))
    sub = img[::stride, ::stride]
    spins = ising.spins_from_image(sub > float(np.mean(sub, dtype=np.float64)))
    run = ising.simulate(
        ising.StandardIsing(),
        spins,
        schedule=p["beta"],
        sweeps=p["sweeps"],
        rng=p["seed"],
        record_every=max(1, p["sweeps"] // 20),
        progress=False,
    )
    assert res["final_energy"]["value"] == float(run.observables["energy"][-1])
    assert res["initial_energy"]["value"] == float(run.observables["energy"][0])
    assert res["onsager_energy"]["value"] == ising.onsager.energy_per_spin(1 / p["beta"])


def test_ising_is_optional():
    assert "ising" not in rp.default_sections()
    assert ms.MEASURES["ising"].optional


def test_spatial_numbers_equal_library(sample, written):
    from infopix.spatial import conditional_entropy

    res = _json_numbers(written)["spatial"]["results"]
    p = _section_params("spatial")
    L = 16  # 'auto' on uint8 with more than 16 grey levels
    assert res["symbols"]["value"] == L
    prof = infopix.mutual_information_profile(
        sample, p["distances"], levels=L, estimator=p["estimator"]
    )
    _close(res["mutual_information"]["value"], prof.mi)
    _close(res["mi_noise_floor"]["value"], prof.noise_floor)
    assert res["correlation_length"]["value"] == prof.correlation_length
    cond = [
        conditional_entropy(sample, neighbours=f"causal-{k}", levels=L, estimator=p["estimator"])
        for k in p["neighbours"]
    ]
    _close(res["conditional_entropy"]["value"], cond)
    dens = infopix.entropy_density(sample, levels=L, estimator=p["density_estimator"])
    assert (
        res["entropy_density"]["value"] == dens.value
        and res["entropy_density"]["std"] == dens.error
    )
    cid = infopix.computable_information_density(
        sample, scan=p["scan"], compressor=p["compressor"], levels=L, rng=p["seed"]
    )
    assert (res["cid"]["value"], res["cid_ratio"]["value"], res["cid_density"]["value"]) == (
        cid.cid,
        cid.ratio,
        cid.density,
    )
    # k = 0 (no context) is the entropy of the 16-level image: H(X) >= H(X | neighbours)
    assert np.all(np.diff(res["conditional_entropy"]["value"]) <= 1e-12)


def test_flat_image_numbers_undefined_not_hidden(tmp_path):
    """A flat image has no foreground and a single grey level: the report is still
    written; what the image does not admit is null with the library's reason."""
    r = infopix.analyze(np.full((32, 32), 7, np.uint8), quick=True)
    data = r.to_dict()
    jsonschema.Draft202012Validator(rp.results_schema()).validate(data)
    box = data["sections"]["fractal"]["results"]["box_counting_dimension"]
    assert (
        box["value"] is None
        and "Not defined for this image: `image` has no foreground" in box["explain"]
    )
    assert data["sections"]["intensity"]["results"]["shannon"]["value"] == 0.0
    r.write(tmp_path / "flat")


def test_sections_in_report_order():
    order = ("image", "intensity", "scale", "local", "fractal", "spatial", "patterns", "sample_entropies",
             "ising")
    assert list(ms.MEASURES) == [k for k in order if k in ms.MEASURES]
    assert rp.default_sections()[:2] == ["image", "intensity"]
