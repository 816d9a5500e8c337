"""Volumes and series at the face (issue 17): the CLI, the report and batch take a (Z, Y, X)
volume and a (T, Y, X) series as the library does.

Every number a command prints is compared with the library function called directly on
the same array (a volume) or on each frame (``--per-frame``): the CLI adds no arithmetic,
so equality is exact up to JSON's float round trip (repr, exact for float64). Refusals
are one stderr line naming the choices or the reason. Sizes are small (at most 32^3).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import tifffile
from typer.testing import CliRunner

import infopix
from infopix import measures
from infopix.cli import app

SEED = 20261129


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A ZYX TIFF (with voxel spacing), a TYX TIFF, a 3-D .npy (axes not recorded) and a
    2-D PNG, plus the arrays written."""
    d = tmp_path_factory.mktemp("vol")
    rng = np.random.default_rng(SEED)
    z, y, x = np.mgrid[:12, :24, :20]
    # a bright ball in dim noise: a structured volume with 16 grey levels
    vol = ((((x - 10) ** 2 + (y - 12) ** 2 + (2 * (z - 6)) ** 2) < 49) * 8
           + rng.integers(0, 8, (12, 24, 20))).astype(np.uint8)
    series = rng.integers(0, 8, (3, 24, 20)).astype(np.uint8)
    series[1, :, :10] += 8  # frames differ: a per-frame value is not the same number thrice
    out = {
        "vol": d / "vol.tif",
        "series": d / "series.tif",
        "npy": d / "stack.npy",
        "png": d / "image.png",
    }
    tifffile.imwrite(out["vol"], vol, imagej=True, resolution=(1.0, 1.0),
                     metadata={"axes": "ZYX", "spacing": 2.0, "unit": "um"})
    tifffile.imwrite(out["series"], series, imagej=True, metadata={"axes": "TYX"})
    np.save(out["npy"], vol)
    infopix.write_image(out["png"], series[1])
    return out, vol, series


def _run(args):
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result


def _ok_json(args):
    r = _run([*args, "--json"])
    assert r.exit_code == 0, (r.stdout, r.stderr)
    return json.loads(r.stdout)


def _one_line(result, *names):
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert result.exit_code != 0, result.stdout
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for n in names:
        assert n in lines[0], (n, lines[0])
    return lines[0]


# ----------------------------------------------------------------------- CLI: volumes


def test_entropy_of_a_volume_equals_the_api(files):
    paths, vol, _ = files
    got = _ok_json(["entropy", paths["vol"]])
    ref = infopix.intensity_entropy_estimate(vol, channel=None)
    assert got["shape"] == [12, 24, 20] and got["axes"] == "zyx"
    assert got["entropy"] == ref.value and got["std"] == ref.std
    # the same numbers from the .npy once its axes are said
    assert _ok_json(["entropy", paths["npy"], "--axes", "zyx"])["entropy"] == ref.value
    h2 = _ok_json(["entropy", paths["vol"], "--alpha", "2"])["entropy"]
    assert h2 == infopix.intensity_entropy(vol, alpha=2, channel=None)


def test_fractal_of_a_volume_equals_the_api(files):
    paths, vol, _ = files
    got = _ok_json(["fractal", paths["vol"], "-t", "7"])
    ref = infopix.box_counting_dimension(vol, threshold=7.0)
    assert got["dimension"] == ref.dimension and got["stderr"] == ref.stderr
    dq = _ok_json(["fractal", paths["vol"], "--method", "dq"])
    ref = infopix.generalized_dimensions(vol, infopix.fractal.DEFAULT_QS)
    np.testing.assert_array_equal(dq["dimensions"], ref.dimensions)
    # DBC is a 2-D method: refused in one line with the reason, as the API refuses it
    _one_line(_run(["fractal", paths["vol"], "--method", "dbc"]), "--method", "volumes")
    with pytest.raises(ValueError, match="2-D"):
        infopix.dbc_dimension(vol)


def test_scale_of_a_volume_equals_the_api_with_and_without_spacing(files, tmp_path):
    paths, vol, _ = files
    base = ["scale", paths["vol"], "-s", "0,1,2", "-u", "px", "--quiet"]
    iso = _ok_json([*base, "-o", tmp_path / "a"])
    ref = infopix.entropy_vs_scale(vol, [0, 1, 2])
    np.testing.assert_array_equal(iso["entropy"], ref.entropies)
    aniso = _ok_json([*base, "-o", tmp_path / "b", "--spacing", "file"])
    ref2 = infopix.entropy_vs_scale(vol, [0, 1, 2], spacing=(2.0, 1.0, 1.0))
    assert aniso["spacing"] == [2.0, 1.0, 1.0]
    np.testing.assert_array_equal(aniso["entropy"], ref2.entropies)
    # a z voxel twice as long: half the blur along z, so more entropy is left at sigma > 0
    assert aniso["entropy"][1] > iso["entropy"][1]


def test_spatial_of_a_volume_equals_the_api(files):
    paths, vol, _ = files
    got = _ok_json(["spatial", paths["vol"], "-m", "mi", "-d", "1,2"])
    ref = infopix.mutual_information_profile(vol, [1, 2])
    np.testing.assert_array_equal(got["mutual_information"], ref.mi)


@pytest.mark.parametrize(
    "args, names",
    [
        (["entropy", "{npy}"], ["'zyx'", "'tyx'", "--axes"]),  # ambiguous: the choices
        (["patterns", "{vol}"], ["volume", "2-D"]),            # 2-D only: why
        (["ising", "{vol}", "--sweeps", "1"], ["volume", "square lattice"]),
        (["entropy", "{series}"], ["series", "--per-frame"]),   # a series needs --per-frame
        (["entropy", "{vol}", "--per-frame"], ["--per-frame", "volume"]),
        (["entropy", "{png}", "--per-frame"], ["--per-frame"]),
        (["scale", "{png}", "--spacing", "1,1", "-o", "{tmp}/s"], ["--spacing", "volumes"]),
    ],
)
def test_refusals_are_one_line(files, tmp_path, args, names):
    paths, _, _ = files
    argv = [a.format(tmp=tmp_path, **{k: str(v) for k, v in paths.items()}) for a in args]
    _one_line(_run(argv), *names)


def test_localmap_of_a_volume_follows_the_library(files, tmp_path):
    """Until infopix.local is 3-D the CLI refuses a volume saying so; once it is, the CLI
    map equals the library's (the one check, measures.local_maps_of_volumes)."""
    paths, vol, _ = files
    r = _run(["localmap", paths["vol"], "-r", "1", "-o", tmp_path / "m.npy", "--quiet"])
    why = measures.local_maps_of_volumes()
    if why is None:
        assert r.exit_code == 0, r.stderr
        np.testing.assert_array_equal(np.load(tmp_path / "m.npy"), infopix.local_entropy(vol, 1))
    else:
        _one_line(r, "volume", "not available yet")


# ----------------------------------------------------------------------- CLI: series


def test_per_frame_rows_equal_the_2d_function_on_each_frame(files, tmp_path):
    paths, _, series = files
    ent = _ok_json(["entropy", paths["series"], "--per-frame"])
    assert ent["axes"] == "tyx" and [r["frame"] for r in ent["frames"]] == [0, 1, 2]
    for t, row in enumerate(ent["frames"]):
        ref = infopix.intensity_entropy_estimate(series[t])
        assert row["entropy"] == ref.value and row["std"] == ref.std
    frac = _ok_json(["fractal", paths["series"], "--per-frame", "-t", "3"])
    for t, row in enumerate(frac["frames"]):
        assert row["dimension"] == infopix.box_counting_dimension(series[t], threshold=3.0).dimension
    sc = _ok_json(["scale", paths["series"], "--per-frame", "-s", "0,1,2", "-u", "px", "--quiet",
                   "-o", tmp_path / "s"])
    for t, row in enumerate(sc["frames"]):
        np.testing.assert_array_equal(row["entropy"], infopix.entropy_vs_scale(series[t], [0, 1, 2]).entropies)
    # the CSV holds every frame's curve with its frame index
    csv = (tmp_path / "s.csv").read_text().splitlines()
    assert csv[0].startswith("frame,") and len(csv) == 1 + 3 * 3
    # frame 1 is brighter on one half: its entropy differs from frame 0's
    assert ent["frames"][1]["entropy"] != ent["frames"][0]["entropy"]


def test_per_frame_text_is_a_table(files):
    paths, _, _ = files
    r = _run(["entropy", paths["series"], "--per-frame"])
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "3 frames" in lines[0] and lines[1].split()[0] == "frame"
    assert [ln.split()[0] for ln in lines[2:5]] == ["0", "1", "2"]


# ----------------------------------------------------------------------- report


def test_analyze_a_volume_writes_slices_and_says_volume(files, tmp_path):
    paths, vol, _ = files
    out = tmp_path / "rep"
    r = _run(["analyze", paths["vol"], "-o", out, "--quick", "--quiet"])
    assert r.exit_code == 0, r.stderr
    html = (out / "report.html").read_text()
    assert "Volume, 12 x 24 x 20 voxels (Z x Y x X), voxel size 2 x 1 x 1 um" in html
    assert (out / "figures" / "image_slices.png").stat().st_size > 1000
    assert "figures/image_slices.png" in json.dumps(json.loads((out / "results.json").read_text()))
    data = json.loads((out / "results.json").read_text())
    assert data["input"]["axes"] == "zyx" and data["input"]["shape"] == [12, 24, 20]
    assert data["input"]["spacing"] == [2.0, 1.0, 1.0]
    secs = data["sections"]
    # computed on the volume: the plug-in Shannon entropy of all voxels
    assert secs["intensity"]["results"]["shannon"]["value"] == pytest.approx(
        infopix.intensity_entropy(vol, channel=None), abs=1e-12)
    assert secs["image"]["results"]["depth"]["value"] == 12
    # 2-D-only measures say so, with the reason, and give no number
    assert secs["patterns"]["not_applicable"].startswith("not applicable to volumes: ")
    assert secs["patterns"]["results"] == {}
    assert "Not applicable to volumes: ordinal patterns" in html
    # compared with others, the volume's report shows its slices as the thumbnail
    r = _run(["compare", out, "-o", tmp_path / "cmp", "--quiet"])
    assert r.exit_code == 0, r.stderr
    page = (tmp_path / "cmp" / "index.html").read_text()
    assert "no thumbnail" not in page and "data:image/png;base64," in page
    import jsonschema

    jsonschema.validate(data, infopix.report.results_schema())


def test_report_of_a_series_plots_each_frame(files):
    _, _, series = files
    rep = infopix.analyze(series, axes="tyx", sections=["image", "intensity"])
    sec = rep["series"]
    assert "curves" in sec.figures
    q = sec.results["intensity_entropy"]
    assert q["x"] == [0, 1, 2]
    for t in range(3):
        ref = infopix.intensity_entropy_estimate(series[t])
        assert q["value"][t] == pytest.approx(ref.value, abs=1e-12)
        assert q["std"][t] == pytest.approx(ref.std, rel=1e-12)
    assert rep.to_dict()["input"]["axes"] == "tyx"


def test_analyze_refuses_an_unlabelled_3d_array():
    arr = np.zeros((4, 8, 8), np.uint8)
    with pytest.raises(ValueError, match="axes='zyx'.*axes='tyx'"):
        infopix.analyze(arr, sections=["image"])


# ----------------------------------------------------------------------- registry, batch


def test_registry_says_which_measures_apply_to_volumes(files):
    _, vol, _ = files
    ctx = measures.ImageContext(vol, volume=True)
    np.testing.assert_array_equal(ctx.counts().counts, infopix.intensity_counts(vol, channel=None).counts)
    na = measures.get("patterns").run(ctx)
    assert na.results == {} and na.data["not_applicable"].startswith("not applicable to volumes")
    with pytest.raises(ValueError):  # a 3-D array is a volume only when said
        measures.ImageContext(vol)


def test_batch_over_a_folder_with_a_volume_a_series_and_an_image(files, tmp_path):
    from infopix.batch import run

    paths, vol, series = files
    ms = ["intensity", "patterns"]
    cfg = {"intensity": {"estimators": ["plugin"]}, "patterns": {"dx": 2, "dy": 2}}
    df = run([paths["vol"], paths["series"], paths["png"], paths["npy"]], ms, config=cfg, axes="zyx")
    assert (df["status"] == "ok").all(), df["error"].tolist()
    by = {p.rsplit("/", 1)[-1]: g for p, g in df.groupby("path")}
    h_vol = infopix.intensity_entropy(vol, channel=None)
    for name in ("vol.tif", "stack.npy"):  # one row, computed on the volume
        g = by[name]
        assert len(g) == 1 and g["shape"].iloc[0] == "12x24x20"
        assert g["intensity.shannon"].iloc[0] == pytest.approx(h_vol, abs=1e-12)
        assert np.isnan(g["patterns.permutation_entropy"].iloc[0])  # 2-D only: NaN
    g = by["series.tif"].sort_values("frame")
    assert g["frame"].tolist() == [0, 1, 2]
    for t in range(3):
        assert g["intensity.shannon"].iloc[t] == pytest.approx(infopix.intensity_entropy(series[t]), abs=1e-12)
    assert np.isfinite(g["patterns.permutation_entropy"]).all()
    img = by["image.png"]
    assert len(img) == 1 and img["intensity.shannon"].iloc[0] == pytest.approx(
        infopix.intensity_entropy(series[1]), abs=1e-12)
