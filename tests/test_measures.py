"""The measure registry (issue 15): one record per measure, read by the report, batch and
the CLI. Batch's numbers are the report's numbers for the same image and parameters, for
every registered measure on every image type the library accepts."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from typer.testing import CliRunner

import infopix
import infopix.batch as batch
from infopix import measures as ms
from infopix.cli import app

# Small images and the quick presets: the test is about plumbing (same numbers through
# both paths), not about the measures' accuracy, which their own tests check.
SHAPE = (40, 36)


def _images(folder):
    rng = np.random.default_rng(15150)
    files = {
        "uint8": (folder / "u8.png", rng.integers(0, 256, SHAPE).astype(np.uint8)),
        "uint16": (folder / "u16.tif", rng.integers(0, 4096, SHAPE).astype(np.uint16)),
        "float32": (folder / "f32.tif", rng.normal(size=SHAPE).astype(np.float32)),
        "colour": (folder / "rgb.png", rng.integers(0, 256, (*SHAPE, 3)).astype(np.uint8)),
    }
    for path, img in files.values():
        infopix.write_image(path, img)
    return {k: p for k, (p, _) in files.items()}


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    return _images(tmp_path_factory.mktemp("measures"))


@pytest.fixture(scope="module")
def one_numba_thread():
    import numba

    old = numba.get_num_threads()
    numba.set_num_threads(1)
    yield
    numba.set_num_threads(old)


@pytest.fixture(scope="module")
def batch_rows(images, one_numba_thread):
    df = batch.run(list(images.values()), list(ms.MEASURES), quick=True)
    return {p: row for p, row in zip(df["path"], df.to_dict("records"))}


@pytest.mark.parametrize("kind", ["uint8", "uint16", "float32", "colour"])
def test_batch_equals_report_for_every_measure(kind, images, batch_rows):
    path = images[kind]
    row = batch_rows[str(path.resolve())]
    assert row["status"] == "ok", row["error"]
    report = infopix.analyze(path, sections="all", quick=True)
    assert [s.key for s in report.sections] == list(ms.MEASURES)
    checked = 0
    for m in ms.MEASURES.values():
        params = report.params[m.name]
        cols = m.columns(params)
        assert cols, m.name
        expected = m.row(ms.Computed(report[m.name].results, params), params)
        assert list(expected) == cols
        for c in cols:
            a, b = row[c], expected[c]
            # identical computations: equal to the last bit, NaN where undefined in both
            assert (math.isnan(a) and math.isnan(b)) or a == b, (kind, c, a, b)
            checked += not math.isnan(a)
    assert checked > 100  # most columns are defined numbers, not NaN on both sides


def test_columns_follow_the_results(images, one_numba_thread):
    """Every number a measure returns is declared with its unit; every declared column
    is filled from a returned quantity (or undefined for a stated reason)."""
    ctx = ms.ImageContext(infopix.read_image(images["uint8"]))
    eff = ms.resolve_params(quick=True)
    for m in ms.MEASURES.values():
        computed = m.compute(ctx, dict(eff[m.name]))
        declared = {q.name: q for q in m.declared(eff[m.name])}
        assert set(computed.results) <= set(declared), (m.name, set(computed.results) - set(declared))
        for name, q in computed.results.items():
            assert q["unit"] == declared[name].unit, (m.name, name)
            # an uncertainty a quantity carries is declared (so batch writes its column)
            if "std" in q:
                assert declared[name].uncertainty == "std", (m.name, name)
        for name in declared:
            if declared[name].role != "measured" and not declared[name].column and name in ("depth", "spacing"):
                continue  # describe the input when it has them: a volume's depth, a recorded spacing
            assert name in computed.results or any(
                "Not defined" in r["explain"] for r in computed.results.values()
            ), (m.name, name)


def test_spatial_levels_auto_is_one_rule():
    """`levels='auto'`: 16 symbols for float images or more than 16 grey levels."""
    rng = np.random.default_rng(3)
    assert ms.ImageContext(rng.random((8, 8))).symbols("auto") == 16
    assert ms.ImageContext(np.arange(64, dtype=np.uint8).reshape(8, 8)).symbols("auto") == 16
    assert ms.ImageContext(np.arange(64, dtype=np.uint8).reshape(8, 8) % 16).symbols("auto") is None
    assert ms.ImageContext(np.eye(8, dtype=bool)).symbols("auto") is None
    assert ms.ImageContext(rng.random((8, 8))).symbols(5) == 5


def test_context_counts_once(monkeypatch):
    """The report computes the intensity histogram once per image (it was five times)."""
    import infopix.entropy as ent

    calls = []
    real = ent.intensity_counts
    monkeypatch.setattr(ent, "intensity_counts", lambda *a, **k: calls.append(1) or real(*a, **k))
    img = np.random.default_rng(5).integers(0, 256, (32, 32)).astype(np.uint8)
    infopix.analyze(img, sections=["image", "intensity"], quick=True)
    assert len(calls) == 1


def test_context_renyi_table_once(monkeypatch):
    """D_q and f(alpha) come from one table of box sums per image (it was two)."""
    import infopix.fractal.multifractal as fr

    calls = []
    real = fr._renyi_table
    monkeypatch.setattr(fr, "_renyi_table", lambda *a, **k: calls.append(1) or real(*a, **k))
    img = np.random.default_rng(6).integers(1, 256, (32, 32)).astype(np.uint8)
    r = infopix.analyze(img, sections=["fractal"], quick=True)
    assert len(calls) == 1 and r["fractal"].results["alpha"]["value"]


def test_multifractal_analysis_equals_the_two_functions():
    from infopix.fractal.synthetic import binomial_cascade

    img = binomial_cascade(6, 0.3)
    qs = [-2, 0, 0.5, 1, 2]
    gd, mf = infopix.multifractal_analysis(img, qs)
    gd1 = infopix.generalized_dimensions(img, qs)
    mf1 = infopix.multifractal_spectrum(img, qs)
    for a, b in ((gd.dimensions, gd1.dimensions), (gd.stderr, gd1.stderr), (mf.alpha, mf1.alpha),
                 (mf.f, mf1.f), (mf.f_stderr, mf1.f_stderr)):
        np.testing.assert_array_equal(a, b)


def test_adding_a_measure_is_one_record(images):
    """A new record appears in the report (as a table), batch (as columns) and the CLI's
    --config keys, with nothing else to change."""

    def compute(ctx, params):
        return ms.Computed(
            {"pixels": ms.quantity(int(ctx.image.size) * params["k"], "pixels", "Pixels x k.")},
            dict(params),
        )

    ms.register(ms.Measure("_extra", "Extra", compute, defaults={"k": 2},
                           quantities=(ms.Quantity("pixels", "pixels"),)))
    try:
        r = infopix.analyze(images["uint8"], sections=["_extra"], config={"_extra": {"k": 3}})
        assert r["_extra"].results["pixels"]["value"] == 3 * SHAPE[0] * SHAPE[1]
        df = batch.run(images["uint8"], ["_extra"], config={"_extra": {"k": 3}})
        assert df["_extra.pixels"].tolist() == [3.0 * SHAPE[0] * SHAPE[1]]
        from infopix.cli.analyze import config_keys

        assert "[_extra] k = 2" in config_keys()  # the --config keys listed by the CLI
    finally:
        ms.MEASURES.pop("_extra")


def test_batch_estimator_and_config(images, one_numba_thread):
    df = batch.run(images["uint8"], ["intensity", "local"], estimator="nsb",
                   config={"local": {"radii": [1]}})
    assert [c for c in df.columns if c.startswith("intensity.H_")] == [
        "intensity.H_nsb", "intensity.H_nsb.std"]
    img = infopix.read_image(images["uint8"])
    assert df["local.mean_local_entropy[r=1]"][0] == float(
        infopix.local_entropy(img, 1, estimator="nsb").mean())
    with pytest.raises(ValueError, match="unknown parameter"):
        batch.run(images["uint8"], ["local"], config={"local": {"radius": 1}})
    with pytest.raises(ValueError, match="unknown section"):
        batch.run(images["uint8"], ["local"], config={"nope": {}})


# ------------------------------------------------------------------------ the CLI


def _commands():
    import typer.main

    return dict(typer.main.get_command(app).commands)


@pytest.mark.parametrize("name", ["", *sorted(_commands())])
def test_help_runs_and_speaks_the_users_words(name):
    r = CliRunner().invoke(app, [name, "--help"] if name else ["--help"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    text = r.stdout
    assert "notebook" not in text.lower()
    assert "<bool>" not in text
    # options are spelled as flags, not Python keywords (levels=16, force=True)
    assert not re.search(r"\b[a-z_]+=(True|False|None|\d)", text), text


def test_one_letter_one_meaning():
    """A short option means the same idea in every command (-m: measure(s))."""
    meaning = {}
    for name, cmd in _commands().items():
        for p in cmd.params:
            longs = [o for o in p.opts if o.startswith("--")]
            for short in (o for o in p.opts if not o.startswith("--")):
                meaning.setdefault(short, set()).add((longs or [short])[0].rstrip("s"))
    clashes = {k: v for k, v in meaning.items() if len(v) > 1}
    assert clashes == {}


def test_entropy_channel_joint(images):
    r = CliRunner().invoke(app, ["entropy", str(images["colour"]), "--channel", "joint", "--json"])
    assert r.exit_code == 0, r.output
    import json

    got = json.loads(r.stdout)["entropy"]
    rgb = infopix.read_image(images["colour"])
    # the CLI reports intensity_entropy_estimate's value (the estimator kernel), the API
    # function sums -p log p in NumPy: the same number to rounding
    assert got == pytest.approx(infopix.intensity_entropy(rgb, channel="joint"), rel=1e-13)
    assert got != infopix.intensity_entropy(rgb)  # not the luminance entropy


@pytest.mark.parametrize("cmd", [["entropy"], ["scale", "-o", "{tmp}/s"], ["fractal"],
                                 ["spatial", "-l", "4"], ["localmap", "-o", "{tmp}/m.npy"],
                                 ["ising", "--sweeps", "1"], ["analyze", "-o", "{tmp}/a"]])
def test_channel_on_a_grey_image_is_refused(cmd, images, tmp_path):
    args = [a.replace("{tmp}", str(tmp_path)) for a in cmd]
    r = CliRunner().invoke(app, [args[0], str(images["uint8"]), *args[1:], "--channel", "5"])
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "`--channel` applies to colour images" in lines[0], r.stderr
    assert list(tmp_path.iterdir()) == []


def test_local_measure_keeps_statistics_of_full_maps_and_display_copies():
    """The local measure computes one radius at a time: its numbers are those of the
    full maps (stacked call of the public API), its figure data the maps thinned to at
    most 1024 pixels a side with the full maps' ranges (#19: memory on 12-Mpx images)."""
    img = np.random.default_rng(19).integers(0, 16, (40, 2100)).astype(np.uint8)
    params = {"radii": [1, 2], "estimator": "miller_madow", "edge": "clip"}
    c = ms.MEASURES["local"].compute(ms.ImageContext(img), params)
    H = infopix.local_entropy(img, [1, 2], estimator="miller_madow")
    S = infopix.local_std(img, [1, 2])
    step = 3  # ceil(2100 / 1024)
    assert c.results["mean_local_entropy"]["value"] == [float(h.mean()) for h in H]
    assert c.results["median_local_entropy"]["value"] == [float(np.median(h)) for h in H]
    assert c.results["max_local_entropy"]["value"] == [float(h.max()) for h in H]
    assert c.results["mean_local_std"]["value"] == [float(s.mean()) for s in S]
    for i in range(2):
        np.testing.assert_array_equal(c.data["entropy"][i], H[i][1::step, 1::step])
        np.testing.assert_array_equal(c.data["std"][i], S[i][1::step, 1::step])
        assert c.data["entropy_range"][i] == (float(H[i].min()), float(H[i].max()))
        assert c.data["std_range"][i] == (float(S[i].min()), float(S[i].max()))


# ------------------------------------------------------------ sample entropies (issue 18)


def test_sample_entropies_equal_the_library_through_report_and_batch(images, tmp_path, one_numba_thread):
    """The registry's template entropies are the library functions on the documented
    regions: SampEn2D on the central `crop` x `crop` pixels, FuzzEn2D and DistEn2D on the
    central `crop_all_pairs` square, DispEn2D on the whole image, r = `r` x the region's
    standard deviation; report numbers == batch columns == direct calls (equal to the
    last bit: the same computation), and the regions are recorded as parameters."""
    import json

    from infopix.patterns import (
        dispersion_entropy_2d,
        distribution_entropy_2d,
        fuzzy_entropy_2d,
        sample_entropy_2d,
    )

    cfg = {"sample_entropies": {"crop": 30, "crop_all_pairs": 20, "m": 1, "r": 0.8, "classes": 4}}
    out = tmp_path / "se.parquet"
    df = batch.run(images["uint8"], ["sample_entropies"], config=cfg, out=out)
    rep = infopix.analyze(images["uint8"], sections=["sample_entropies"], config=cfg)
    sec = rep["sample_entropies"]
    img = infopix.read_image(images["uint8"]).astype(np.float64)
    assert img.shape == SHAPE == (40, 36)
    c30 = np.ascontiguousarray(img[5:35, 3:33])  # central 30 x 30 of 40 x 36
    c20 = np.ascontiguousarray(img[10:30, 8:28])
    se = sample_entropy_2d(c30, m=1, tau=1, r=0.8 * np.std(c30))
    fe = fuzzy_entropy_2d(c20, m=1, tau=1, r=(0.8 * np.std(c20), 2.0))
    de = distribution_entropy_2d(c20, m=1, tau=1, bins="sturges", normalize=2)
    pe = dispersion_entropy_2d(img, m=1, tau=1, classes=4, mapping="ncdf", estimator="nsb")
    assert se.count_m1 > 0 and np.isfinite(se.value)  # a number, not the B = 0 case
    expected = {
        "sample_entropy": se.value,
        "matches_m": se.count_m,
        "matches_m1": se.count_m1,
        "tolerance": se.r,
        "fuzzy_entropy": fe.value,
        "distribution_entropy": de.value,
        "dispersion_entropy": pe.value,
        "dispersion_entropy.std": pe.std,
        "reverse_dispersion_entropy": pe.rde,
    }
    assert [c.split(".", 1)[1] for c in ms.get("sample_entropies").columns()] == list(expected)
    for name, value in expected.items():
        assert df[f"sample_entropies.{name}"][0] == value, name
        q, _, field = name.partition(".")
        assert sec.results[q][field or "value"] == value, name
    assert sec.results["dispersion_entropy"]["interval"] == list(pe.interval)
    # the regions and the tolerance are recorded with the section, the crop sizes in Parquet
    assert (sec.params["region"], sec.params["region_all_pairs"]) == ([30, 30], [20, 20])
    assert sec.params["tolerance"] == se.r
    assert sec.results["sample_entropy"]["region"] == [30, 30]
    meta = json.loads((out / "_infopix_batch.json").read_text())
    assert meta["parameters"]["sample_entropies"]["crop"] == 30
    assert meta["parameters"]["sample_entropies"]["crop_all_pairs"] == 20
    # every number a reader sees says its uncertainty or that it has none
    for name, q in sec.results.items():
        assert "std" in q or "no uncertainty" in q["explain"].lower(), name


def test_sample_entropies_defaults_are_the_librarys():
    """Default parameters = the library's (EntropyHub's) defaults, on an image smaller than
    the crops (so the regions are the whole image); the quick preset only shrinks them."""
    from infopix.patterns import fuzzy_entropy_2d, sample_entropy_2d

    m = ms.get("sample_entropies")
    rng = np.random.default_rng(18)  # a ramp plus noise: smooth enough for matches at 3x3
    img = (np.add.outer(np.arange(48), np.arange(40)) + rng.integers(0, 8, (48, 40))).astype(np.uint8)
    c = m.compute(ms.ImageContext(img), dict(m.defaults))
    assert np.isfinite(sample_entropy_2d(img).value)
    assert c.results["sample_entropy"]["value"] == sample_entropy_2d(img).value
    assert c.params["region"] == [48, 40] and c.params["tolerance"] == sample_entropy_2d(img).r
    assert c.params["region_all_pairs"] == [48, 40]
    assert c.results["fuzzy_entropy"]["value"] == fuzzy_entropy_2d(img).value
    assert set(m.quick) == {"crop", "crop_all_pairs"}


def test_sample_entropies_undefined_cases_say_why():
    """A flat region has no tolerance; B = 0 gives an infinite SampEn2D: never a number,
    always the reason (null in batch)."""
    m = ms.get("sample_entropies")
    flat = m.compute(ms.ImageContext(np.full((20, 20), 3, np.uint8)), dict(m.defaults))
    assert flat.results["sample_entropy"]["value"] is None
    assert "constant" in flat.results["sample_entropy"]["explain"]
    assert math.isnan(m.row(flat)["sample_entropies.sample_entropy"])
    noise = np.random.default_rng(7).random((24, 24))  # U(0,1), r = 0.2 std: no 3x3 match
    c = m.compute(ms.ImageContext(noise), dict(m.defaults))
    q = c.results["sample_entropy"]
    assert c.results["matches_m1"]["value"] == 0 and q["value"] is None
    assert "B = 0" in q["not_applicable"]
    with pytest.raises(ValueError, match="`sample_entropies.crop` expects an integer >= 2"):
        m.compute(ms.ImageContext(noise), {**m.defaults, "crop": 1})
    with pytest.raises(ValueError, match="`sample_entropies.r` expects a positive number"):
        m.compute(ms.ImageContext(noise), {**m.defaults, "r": 0.0})
