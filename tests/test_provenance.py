"""Provenance round trips (issue 20): every output says what produced it.

Each output is written through its ordinary path (CLI or public API), read back with
the reader a user would use (pyarrow, zarr, tifffile, json/csv), and its record must
name the parameters, unit, estimator and version that produced it, with the SHA-256 of
the input equal to ``hashlib.sha256`` of the input file's bytes.
"""

from __future__ import annotations

import csv
import hashlib
import json

import numpy as np
import pytest
from typer.testing import CliRunner

import infopix
from infopix import provenance
from infopix.cli import app


@pytest.fixture
def img(tmp_path):
    rng = np.random.default_rng(20)
    path = tmp_path / "in.tif"
    infopix.write_image(path, rng.integers(0, 8, (24, 20)).astype(np.uint8))
    return path


def _sha(path) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def _check_common(rec, *, command):
    assert rec["infopix_version"] == infopix.__version__
    assert rec["command"] == command
    assert rec["created"].endswith("+00:00")  # UTC


def test_record_and_sha256_file(tmp_path):
    p = tmp_path / "x.bin"
    p.write_bytes(bytes(range(256)) * 5000)  # > 1 MiB: several pieces are hashed
    assert provenance.sha256_file(p) == _sha(p)
    rec = provenance.record(command="t", input=p, parameters={"r": np.int64(3), "s": (1, 2.5)},
                            unit="bits", estimator="nsb")
    assert rec["sha256"] == _sha(p) and rec["input"] == str(p)
    assert rec["parameters"] == {"r": 3, "s": [1, 2.5]}  # JSON values, not NumPy/tuples
    assert provenance.from_json(provenance.to_json(rec).encode()) == rec
    assert provenance.record(command="t")["sha256"] is None  # no input file, no checksum


def test_localmap_tiff_description(img, tmp_path):
    import tifffile

    out = tmp_path / "H.tif"
    r = CliRunner().invoke(app, ["localmap", str(img), "-r", "2", "-e", "miller_madow",
                                 "--base", "2.718281828459045", "--edge", "reflect", "-o", str(out), "-q"])
    assert r.exit_code == 0, r.output
    with tifffile.TiffFile(out) as tif:
        desc = json.loads(tif.pages[0].description)
    rec = desc["infopix"]
    _check_common(rec, command="localmap")
    assert rec["sha256"] == _sha(img)
    assert rec["estimator"] == "miller_madow" and rec["unit"] == "nats"
    p = rec["parameters"]
    assert (p["measure"], p["radius"], p["edge"], p["estimator"]) == ("entropy", 2, "reflect", "miller_madow")
    # the map itself is unchanged by the description, and reads back as 2-D
    ref = infopix.local_entropy(infopix.read_image(img), 2, estimator="miller_madow",
                                base=np.e, edge="reflect")
    np.testing.assert_array_equal(infopix.read_image(out), ref)


def test_write_image_metadata_only_where_it_fits(tmp_path):
    a = np.zeros((4, 5))
    infopix.write_image(tmp_path / "a.tif", a, axes="yx", metadata={"infopix": {"k": 1}})
    import tifffile

    with tifffile.TiffFile(tmp_path / "a.tif") as tif:
        assert tif.shaped_metadata[0]["infopix"] == {"k": 1}
    for name in ("a.npy", "a.png"):
        with pytest.raises(ValueError, match="only in a TIFF"):
            infopix.write_image(tmp_path / name, a.astype(np.uint8), metadata={"k": 1})
        assert not (tmp_path / name).exists()
    with pytest.raises(ValueError, match="axes"):
        infopix.write_image(tmp_path / "b.tif", a, metadata={"axes": "YX"})


def test_localmap_zarr_attrs(img, tmp_path):
    zarr = pytest.importorskip("zarr")
    out = tmp_path / "H.zarr"
    r = CliRunner().invoke(app, ["localmap", str(img), "-r", "1", "-m", "std", "--chunks", "16",
                                 "-o", str(out), "--json"])
    assert r.exit_code == 0, r.output
    rec = dict(zarr.open(str(out), mode="r").attrs)["infopix"]
    _check_common(rec, command="local_map_to_zarr")
    assert rec["sha256"] == _sha(img)
    assert rec["unit"] == "intensity" and rec["estimator"] is None  # std has no estimator
    assert rec["parameters"]["measure"] == "std" and rec["parameters"]["radius"] == 1
    assert rec["parameters"]["chunks"] == 16
    assert json.loads(r.stdout)["provenance"] == rec  # --json prints the stored record


def test_scale_csv_and_json(img, tmp_path):
    stem = tmp_path / "c"
    r = CliRunner().invoke(app, ["scale", str(img), "--scales", "0,1", "--unit", "px",
                                 "-e", "grassberger", "--strip", "0", "-o", str(stem), "-q"])
    assert r.exit_code == 0, r.output
    rec = json.loads((tmp_path / "c.json").read_text())["provenance"]
    _check_common(rec, command="scale")
    assert rec["sha256"] == _sha(img)
    assert rec["estimator"] == "grassberger" and rec["unit"] == "bits"
    assert rec["parameters"]["scales"] == [0.0, 1.0] and rec["parameters"]["unit"] == "px"
    # the CSV stays plain: its first line is the header, readable by any CSV reader
    rows = list(csv.reader((tmp_path / "c.csv").open()))
    assert rows[0][0] == "scale_px" and len(rows) == 3


def test_batch_parquet_schema_metadata(img, tmp_path):
    import pyarrow.parquet as pq

    import infopix.batch

    out = tmp_path / "res"
    df = infopix.batch.run(img, ["intensity"], out=out, estimator="miller_madow")
    parts = sorted(out.glob("part-*.parquet"))
    assert parts
    for part in parts:
        rec = provenance.from_json(pq.read_schema(part).metadata[provenance.KEY.encode()])
        _check_common(rec, command="batch")
        assert rec["estimator"] == "miller_madow" and rec["unit"] == "bits"
        assert "intensity" in rec["parameters"]["measures"]
        assert rec["sha256_column"] == "checksum"
    # a batch has many inputs: each row's SHA-256 is its checksum column
    assert df["checksum"].tolist() == [_sha(img)]
    assert pq.read_table(parts[-1]).column("checksum").to_pylist() == [_sha(img)]


def test_ising_json_out_carries_provenance(img, tmp_path):
    out = tmp_path / "run.json"
    r = CliRunner().invoke(app, ["ising", str(img), "--sweeps", "2", "--seed", "3",
                                 "--json-out", str(out)])
    assert r.exit_code == 0, r.output
    rec = json.loads(out.read_text())["provenance"]
    _check_common(rec, command="ising")
    assert rec["sha256"] == _sha(img)
    assert rec["parameters"]["seed"] == 3 and rec["parameters"]["sweeps"] == 2


def test_zarr_folder_input_gets_a_folder_checksum(tmp_path):
    # a .zarr store is a folder: its checksum covers every file (path, size, bytes), so
    # a local map of it records one (this used to fail with IsADirectoryError)
    zarr = pytest.importorskip("zarr")
    from infopix._dask import local_map_to_zarr

    vol = (np.random.default_rng(0).random((12, 20, 20)) * 255).astype(np.uint8)
    src = tmp_path / "in.zarr"
    z = zarr.open_array(str(src), mode="w", shape=vol.shape, chunks=(6, 10, 10), dtype=vol.dtype)
    z[:] = vol
    before = provenance.sha256_file(src)
    out = tmp_path / "out.zarr"
    local_map_to_zarr(src, out, radius=1, axes="zyx")
    m = zarr.open_array(str(out), mode="r")
    assert np.abs(m[:] - infopix.local_entropy(vol, 1)).max() < 1e-12
    assert m.attrs["infopix"]["sha256"] == before
    z[0, 0, 0] = (int(vol[0, 0, 0]) + 1) % 256  # one voxel changed: another checksum
    assert provenance.sha256_file(src) != before
