"""Scale-out on Dask (issue 11): batches over many images and chunked local maps.

A real ``distributed.LocalCluster`` (2 worker processes, 127.0.0.1 only) is started
once for the module; a second, independent cluster is started as ``dask scheduler`` and
``dask worker`` subprocesses for the ``--scheduler`` test and killed in teardown.
"""

from __future__ import annotations

import functools
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import tifffile
import zarr
from typer.testing import CliRunner

import infopix
import infopix.batch as batch
from infopix._dask import local_map_to_zarr, map_local_dask, read_lazy
from infopix.cli import app

da = pytest.importorskip("dask.array")  # a hard dependency; never skipped in practice

MEASURES = ["intensity", "local"]
# two estimators and one radius keep 50 images fast; the columns follow the registry
CONFIG = {"intensity": {"estimators": ["plugin", "miller_madow"]},
          "local": {"radii": [3], "estimator": "plugin"}}
H, HMM, RENYI2 = "intensity.shannon", "intensity.H_miller_madow", "intensity.collision"
LMEAN, LMAX = "local.mean_local_entropy[r=3]", "local.max_local_entropy[r=3]"
N_BROKEN = 4  # text named .png, 4-D .npy, empty file, a 1-pixel image (measures fail)


# ----------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def one_numba_thread():
    """Tiny images: one kernel thread avoids OpenMP start-up cost (results are identical)."""
    import numba

    old = numba.get_num_threads()
    numba.set_num_threads(1)
    yield
    numba.set_num_threads(old)


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    cluster = batch.local_cluster(2, dashboard=False)
    assert isinstance(cluster, LocalCluster) and len(cluster.workers) == 2
    c = Client(cluster)
    info = c.scheduler_info()["workers"].values()
    assert all(w["nthreads"] == 1 for w in info) and cluster.scheduler_address.startswith("tcp://127.0.0.1:")
    yield c
    c.close()
    cluster.close()


def _write_images(folder: Path) -> list[Path]:
    """50 generated images of mixed formats and dtypes, 4 of them broken."""
    rng = np.random.default_rng(20240611)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(30):
        shape = tuple(int(s) for s in rng.integers(20, 48, size=2))
        img = rng.integers(0, 2 ** int(rng.integers(1, 9)), size=shape).astype(np.uint8)
        paths.append(folder / f"u8_{i:02d}.png")
        infopix.write_image(paths[-1], img)
    for i in range(5):
        paths.append(folder / f"u16_{i}.tif")
        infopix.write_image(paths[-1], rng.integers(0, 4000, size=(30, 26)).astype(np.uint16))
    for i in range(4):
        paths.append(folder / f"f32_{i}.tif")
        infopix.write_image(paths[-1], rng.normal(size=(25, 33)).astype(np.float32))
    for i in range(3):
        paths.append(folder / f"rgb_{i}.png")
        infopix.write_image(paths[-1], rng.integers(0, 256, size=(24, 28, 3)).astype(np.uint8))
    for i in range(2):
        paths.append(folder / f"bool_{i}.npy")
        np.save(paths[-1], rng.random((22, 22)) < 0.3)
    for i in range(2):
        paths.append(folder / f"const_{i}.png")
        infopix.write_image(paths[-1], np.full((16, 16), 7 * i, np.uint8))
    # broken ones
    (folder / "text.png").write_text("this is not an image\n")
    np.save(folder / "four_d.npy", np.zeros((2, 3, 4, 5)))
    (folder / "empty.tif").write_bytes(b"")
    infopix.write_image(folder / "one_pixel.png", np.zeros((1, 1), np.uint8))
    paths += [folder / n for n in ("text.png", "four_d.npy", "empty.tif", "one_pixel.png")]
    assert len(paths) == 50
    return paths


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    return _write_images(tmp_path_factory.mktemp("images"))


@pytest.fixture(scope="module")
def serial(images, one_numba_thread):
    """The reference: the same batch run serially in this process."""
    return batch.run(images, MEASURES, config=CONFIG)


def _counting(image, *, log, tag):
    """A measure that records each call (path-free: the image size identifies nothing)."""
    with open(log, "a") as fh:
        fh.write(f"{tag} {image.shape[0]}x{image.shape[1]} {int(image.sum())}\n")
    return {"npix": float(image.size)}


# ------------------------------------------------------------------- batch on a cluster
@pytest.mark.slow
def test_cluster_equals_serial_and_records_errors(client, images, serial, tmp_path):
    out = tmp_path / "res.parquet"
    df = batch.run(images, MEASURES, client=client, out=out, config=CONFIG)
    # exactly the serial numbers, row for row (same functions, same inputs)
    pd.testing.assert_frame_equal(df, serial, check_exact=True)
    # the dataset on disk holds the same rows (in completion order)
    on_disk = pd.read_parquet(out).sort_values("path").reset_index(drop=True)
    pd.testing.assert_frame_equal(on_disk, serial, check_exact=True)
    assert list(df.columns[:6]) == ["path", "checksum", "shape", "dtype", "status", "error"]
    assert len(df) == 50 and (df["status"] == "ok").sum() == 50 - N_BROKEN
    bad = df.set_index(df["path"].map(lambda p: Path(p).name))
    assert "not a readable image" in bad.loc["text.png", "error"]
    assert "not a readable image" in bad.loc["empty.tif", "error"]
    assert "4-D array" in bad.loc["four_d.npy", "error"]
    assert bad.loc["one_pixel.png", "error"].startswith("ValueError: `image`")
    assert bad.loc["one_pixel.png", "shape"] == "1x1"  # it was read; the measures failed
    assert bad.loc["text.png", [H, LMEAN]].isna().all()
    ok = df[df["status"] == "ok"]
    assert ok["error"].isna().all() and ok[[H, LMEAN]].notna().all().all()
    # checksums are the SHA-256 of the bytes, shapes and dtypes as read
    import hashlib

    p0 = Path(df["path"][0])
    assert df["checksum"][0] == hashlib.sha256(p0.read_bytes()).hexdigest()
    rgb = bad.loc["rgb_0.png"]
    assert rgb["shape"] == "24x28x3" and rgb["dtype"] == "uint8"
    # a constant image has entropy exactly 0; values are the public API's
    assert bad.loc["const_0.png", H] == 0.0
    img = infopix.read_image(p0)
    assert df[H][0] == infopix.intensity_entropy(img)
    assert df[LMAX][0] == infopix.local_entropy(img, 3).max()


def test_resume_after_interruption_does_not_recompute(client, images, serial, tmp_path):
    log = tmp_path / "calls.log"
    counter = batch.Measure("count", ("npix",), functools.partial(_counting, log=str(log), tag="x"))
    out = tmp_path / "res.parquet"
    k = 17

    class Stop(Exception):
        pass

    def stop_after_k(done, total, row):
        if done == k:
            raise Stop

    # first run: stopped after k recorded results (as a kill half-way would)
    with pytest.raises(Stop):
        batch.run(images, ["entropy", counter], client=client, out=out, group_size=1, config=CONFIG,
                  part_size=5, options={"count": {"tag": "run1"}}, progress=stop_after_k)
    first = batch.read_results(out)
    assert len(first) == k  # the buffered rows were flushed on the way out
    with pytest.raises(FileExistsError, match="resume"):
        batch.run(images, ["entropy", counter], out=out)
    with pytest.raises(ValueError, match="holds measures"):
        batch.run(images, ["entropy"], out=out, resume=True)

    # second run: resume computes exactly the other 50 - k images
    seen = []
    df = batch.run(images, ["entropy", counter], client=client, out=out, resume=True, config=CONFIG,
                   options={"count": {"tag": "run2"}},
                   progress=lambda done, total, row: seen.append((done, total, row["path"])))
    assert len(seen) == 50 - k and seen[-1][:2] == (50 - k, 50 - k)
    recomputed = {p for _, _, p in seen}
    assert recomputed.isdisjoint(set(first["path"]))
    # the measure was called in run 2 only for images not recorded in run 1; images whose
    # reading failed never reach a measure, so count readable ones only
    lines = log.read_text().splitlines()
    readable_new = sum(1 for p in recomputed if not Path(p).name.startswith(("text", "four", "empty")))
    assert sum(ln.startswith("run2") for ln in lines) == readable_new
    # and the completed result equals the serial run, column by column
    same = ["path", "checksum", "shape", "dtype", "status", H, HMM, RENYI2]
    pd.testing.assert_frame_equal(df[same], serial[same], check_exact=True)
    assert (df.loc[df["status"] == "ok", "npix"] > 0).all()
    # a further resume has nothing left to do
    again = []
    batch.run(images, ["entropy", counter], out=out, resume=True, config=CONFIG,
              options={"count": {"tag": "run3"}}, progress=lambda *a: again.append(a))
    assert again == [] and "run3" not in log.read_text()


def test_resume_recomputes_a_changed_file(tmp_path, one_numba_thread):
    folder = tmp_path / "imgs"
    folder.mkdir()
    for i in range(3):
        infopix.write_image(folder / f"a{i}.png", np.full((8, 8), i, np.uint8))
    log = tmp_path / "calls.log"
    counter = batch.Measure("count", ("npix",), functools.partial(_counting, log=str(log), tag="r"))
    out = tmp_path / "res.parquet"
    batch.run(folder, ["entropy", counter], out=out)
    two = np.tile(np.array([0, 1], np.uint8), (8, 4))
    infopix.write_image(folder / "a1.png", two, force=True)  # same path, new bytes
    df = batch.run(folder, ["entropy", counter], out=out, resume=True)
    assert len(log.read_text().splitlines()) == 4  # 3 + only the changed one again
    assert df[H].tolist() == [0.0, 1.0, 0.0]
    assert batch.read_results(out)[H].tolist() == [0.0, 0.0, 1.0]  # latest row kept


def test_registry_measures_call_the_public_api(images, one_numba_thread):
    """Every registered measure is available and returns the public functions' values."""
    assert batch.available_measures() == list(batch.MEASURES)
    path = images[0]
    img = infopix.read_image(path)
    cfg = {"local": {"radii": [2]}, "spatial": {"levels": 4, "distances": [1, 2]},
           "fractal": {"q": [0, 1, 2]}}
    row = batch.process_image(str(path), ["intensity", "local", "fractal", "spatial"], cfg)
    assert row["status"] == "ok", row["error"]
    assert row[RENYI2] == infopix.intensity_entropy(img, alpha=2)
    assert row["local.median_local_entropy[r=2]"] == np.median(
        infopix.local_entropy(img, 2, estimator="miller_madow"))
    assert row["fractal.dbc_dimension"] == infopix.dbc_dimension(img).dimension
    box = infopix.box_counting_dimension(img, threshold=float(img.mean()))
    assert row["fractal.box_counting_dimension"] == box.dimension
    assert row["fractal.box_counting_dimension.std"] == box.stderr
    prof = infopix.mutual_information_profile(img, [1, 2], levels=4)
    assert row["spatial.mutual_information[d=1]"] == prof.mi[0]
    dens = infopix.entropy_density(img, levels=4, estimator="miller_madow")
    assert row["spatial.entropy_density"] == dens.value
    assert row["spatial.entropy_density.std"] == dens.error
    # a failing measure leaves NaN in its columns only and names itself in `error`
    flat = images[0].parent / "const_0.png"
    row = batch.process_image(str(flat), ["intensity", "fractal"])
    assert row[H] == 0.0
    if row["status"] == "error":
        assert "measure fractal:" in row["error"] and np.isnan(row["fractal.dbc_dimension"])


# ---------------------------------------------------------------- chunked local maps
LOCAL_FUNCS = [
    ("entropy", infopix.local_entropy, {}),
    ("entropy_mm", infopix.local_entropy, {"estimator": "miller_madow"}),
    ("renyi2", infopix.local_entropy, {"alpha": 2}),
    ("mean", infopix.local_mean, {}),
    ("std", infopix.local_std, {}),
    ("laurent", infopix.local_expected, {"f": "laurent"}),
]


@pytest.mark.parametrize("edge", ["clip", "reflect", "wrap"])
@pytest.mark.parametrize("chunks", [(12, 10), (7, 11)], ids=["dividing", "non-dividing"])
def test_dask_local_map_equals_in_memory(edge, chunks, one_numba_thread):
    """Every pixel equal (exactly: the same kernel sees the same windows), for radii 0,
    smaller than a chunk, larger than a chunk (rechunked) and larger than the image."""
    import dask

    img = np.random.default_rng(7).integers(0, 8, size=(36, 30)).astype(np.uint8)
    darr = da.from_array(img, chunks=chunks)
    radii = [0, 2, 9, 40]
    lazy, ref = [], []
    for _, f, kw in LOCAL_FUNCS:
        for r in radii:
            out = f(darr, r, edge=edge, **kw)
            assert isinstance(out, da.Array) and out.shape == img.shape
            lazy.append(out)
            ref.append(f(img, r, edge=edge, **kw))
    got = dask.compute(*lazy, scheduler="sync")
    for (name, _, _), r, g, e in zip(
        [x for x in LOCAL_FUNCS for _ in radii], radii * len(LOCAL_FUNCS), got, ref
    ):
        assert np.array_equal(g, e), (name, r, edge, chunks, np.abs(g - e).max())


@pytest.mark.parametrize("dtype", ["float64", "int32"])
def test_dask_local_map_bins_over_the_whole_image(dtype, one_numba_thread):
    """Float images are binned over the *image's* range and wide integers one bin per
    level from the image's minimum: chunk by chunk, the global values must be used."""
    rng = np.random.default_rng(11)
    img = (rng.normal(size=(29, 23)) * 3).astype(dtype) if dtype == "float64" else \
        rng.integers(-300, 700, size=(29, 23)).astype(np.int32)
    img[0, 0] = img.max() + 5  # the extreme sits in one chunk only
    darr = da.from_array(img, chunks=8)
    for kw in ({}, {"estimator": "miller_madow"}):
        got = infopix.local_entropy(darr, 3, edge="reflect", **kw).compute(scheduler="sync")
        assert np.array_equal(got, infopix.local_entropy(img, 3, edge="reflect", **kw))
    stacked = infopix.local_entropy(darr, [1, 4]).compute(scheduler="sync")
    assert np.array_equal(stacked, infopix.local_entropy(img, [1, 4]))


def test_lazy_tiff_to_zarr_and_cli(tmp_path, one_numba_thread):
    img = np.random.default_rng(5).integers(0, 30, size=(150, 130)).astype(np.uint8)
    tif = tmp_path / "big.tif"
    tifffile.imwrite(tif, img, tile=(32, 32))
    lazy = read_lazy(tif, chunks=64)
    assert isinstance(lazy, da.Array) and lazy.chunks[0][0] == 64
    out = local_map_to_zarr(tif, tmp_path / "H.zarr", radius=5, chunks=48, edge="wrap",
                            scheduler="threads")
    z = zarr.open(str(out), mode="r")
    assert z.chunks == (48, 48) and z.dtype == np.float64
    assert np.array_equal(z[:], infopix.local_entropy(img, 5, edge="wrap"))
    runner = CliRunner()
    res = runner.invoke(app, ["localmap", str(tif), "--chunks", "40", "-r", "3", "--measure", "std",
                              "-o", str(tmp_path / "S.zarr"), "--json"])
    assert res.exit_code == 0, res.output
    assert np.array_equal(zarr.open(str(tmp_path / "S.zarr"), mode="r")[:], infopix.local_std(img, 3))
    res = runner.invoke(app, ["localmap", str(tif), "--chunks", "40", "-o", str(tmp_path / "S.zarr")])
    assert res.exit_code == 1 and "exists" in res.output
    res = runner.invoke(app, ["localmap", str(tif), "--chunks", "40", "-o", str(tmp_path / "S.tif")])
    assert res.exit_code == 1 and ".zarr" in res.output


def test_map_local_dask_bad_input():
    darr = da.zeros((10, 10), chunks=5, dtype=np.uint8)
    with pytest.raises(ValueError, match="`edge` expects one of"):
        infopix.local_entropy(darr, 1, edge="nearest")
    with pytest.raises(ValueError, match="`radius` expects a non-negative integer"):
        infopix.local_mean(darr, -1)
    with pytest.raises(TypeError, match="`radius` expects a non-negative integer"):
        infopix.local_std(darr, 1.5)
    with pytest.raises(ValueError, match=r"2-D image or a \(Z, M, N\) volume"):
        infopix.local_entropy(da.zeros((4, 4, 4, 2), chunks=2), 1)
    with pytest.raises(TypeError, match="dask.array.Array"):
        map_local_dask(infopix.local_mean, np.zeros((4, 4)), 1)
    nan = da.from_array(np.array([[0.0, np.nan], [1.0, 2.0]]), chunks=1)
    with pytest.raises(ValueError, match="NaN"):
        infopix.local_entropy(nan, 1)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_lazy("/nonexistent/big.tif")


# ------------------------------------------------------------------ inputs and errors
def test_expand_inputs_files_folders_globs(images, tmp_path):
    folder = images[0].parent
    files = batch.expand_inputs([folder])
    assert len(files) == 50 and files == sorted(files)  # every file has an image suffix
    by_glob = batch.expand_inputs([str(folder / "u16_*.tif"), str(images[0]), str(images[0])])
    assert len(by_glob) == 6  # 5 matched + 1 named twice, deduplicated
    (tmp_path / "notes.txt").write_text("x")
    assert batch.expand_inputs([tmp_path]) == []  # folders contribute image files only
    assert batch.expand_inputs([tmp_path / "notes.txt"]) == [str((tmp_path / "notes.txt").resolve())]
    with pytest.raises(FileNotFoundError, match="matches no file"):
        batch.expand_inputs([str(tmp_path / "*.png")])
    with pytest.raises(FileNotFoundError, match="neither a file"):
        batch.expand_inputs([tmp_path / "missing.png"])


def test_run_bad_arguments(images, tmp_path):
    with pytest.raises(ValueError, match="`measures` expects names among"):
        batch.run(images[:2], ["entropy", "nonsense"])
    with pytest.raises(ValueError, match="twice"):
        batch.run(images[:2], ["entropy", "entropy"])
    with pytest.raises(ValueError, match="`resume` needs `out`"):
        batch.run(images[:2], ["entropy"], resume=True)
    with pytest.raises(ValueError, match="`options` names measures"):
        batch.run(images[:2], ["entropy"], options={"localmap": {"radius": 2}})
    with pytest.raises(ValueError, match="selects no image"):
        batch.run(tmp_path, ["entropy"])
    (tmp_path / "x.parquet").mkdir()
    (tmp_path / "x.parquet" / "keep.txt").write_text("mine")
    with pytest.raises(ValueError, match="not written by infopix batch"):
        batch.run(images[:2], ["entropy"], out=tmp_path / "x.parquet", force=True)
    assert (tmp_path / "x.parquet" / "keep.txt").exists()  # nothing of the user's deleted


# ----------------------------------------------------- a scheduler started by the test
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_workers(address: str, n: int, timeout: float = 60.0) -> None:
    from distributed import Client

    with Client(address, timeout="30s") as c:
        c.wait_for_workers(n, timeout=timeout)


@pytest.fixture(scope="module")
def scheduler_address():
    dask_cli = Path(sys.executable).with_name("dask")
    cmd = [str(dask_cli)] if dask_cli.exists() else [shutil.which("dask")]
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    procs = [subprocess.Popen(
        cmd + ["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )]
    try:
        deadline = time.monotonic() + 60
        while True:  # wait until the scheduler listens
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or procs[0].poll() is not None:
                    raise RuntimeError("dask scheduler did not start") from None
                time.sleep(0.2)
        procs.append(subprocess.Popen(
            cmd + ["worker", address, "--no-nanny", "--nthreads", "1", "--host", "127.0.0.1",
                   "--no-dashboard", "--name", "test-worker"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
        ))
        _wait_for_workers(address, 1)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def test_cli_batch_through_scheduler_address(scheduler_address, images, serial, tmp_path):
    out = tmp_path / "cli.parquet"
    inputs = [str(images[0].parent / "u8_0*.png"), str(images[0].parent / "text.png")]
    runner = CliRunner()
    import json

    cfg = tmp_path / "params.json"
    cfg.write_text(json.dumps(CONFIG))
    res = runner.invoke(app, ["batch", *inputs, "-o", str(out), "--measures", "entropy,localmap",
                              "--config", str(cfg), "--scheduler", scheduler_address, "--json"])
    # the batch went on past text.png, recorded it, and says so with exit status 1
    assert res.exit_code == 1 and "1 of 11 image(s) failed" in res.stderr, res.output
    import json

    summary = json.loads(res.stdout[res.stdout.index("{"):])
    assert summary["images"] == 11 and summary["errors"] == 1 and summary["computed"] == 11
    # where it ran, and why, is in the summary and in the output's metadata
    assert summary["execution"]["engine"] == "cluster" and summary["execution"]["chosen_by"] == "scheduler"
    assert json.loads((out / "_infopix_batch.json").read_text())["execution"] == summary["execution"]
    df = pd.read_parquet(out).sort_values("path").reset_index(drop=True)
    expected = serial[serial["path"].isin(df["path"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(df, expected, check_exact=True)
    # existing output: refused without --resume/--force; --resume has nothing to do
    res = runner.invoke(app, ["batch", *inputs, "-o", str(out), "--scheduler", scheduler_address])
    assert res.exit_code == 1 and "--resume" in res.output
    res = runner.invoke(app, ["batch", *inputs, "-o", str(out), "--scheduler", scheduler_address,
                              "--config", str(cfg), "--resume", "--json"])
    assert res.exit_code == 1, res.output  # the recorded failure is still there
    assert json.loads(res.stdout[res.stdout.index("{"):])["computed"] == 0
    # bad option combinations and addresses fail in one line
    res = runner.invoke(app, ["batch", *inputs, "-o", str(tmp_path / "o2"), "--scheduler",
                              scheduler_address, "--workers", "2"])
    assert res.exit_code == 1 and "--workers" in res.output
    res = runner.invoke(app, ["batch", *inputs, "-o", str(tmp_path / "o3"), "--measures", "nope"])
    assert res.exit_code == 1 and "`--measures` expects names among" in res.output


# ------------------------------------------- where a batch runs: threads or the cluster
def test_choose_engine_rule(images, tmp_path):
    """The rule of ``--engine auto``: threads below the pixel threshold, the cluster from it."""
    # every file has a header this small set reads in full (<= 16 files): the estimate is exact
    few = [p for p in images if p.name.startswith(("u8_0", "u16_", "rgb_0"))]
    assert len(few) <= 16
    exact = sum(infopix.read_image(p).size for p in few)
    auto = batch.choose_engine(few)
    assert auto == {"engine": "threads", "chosen_by": "auto", "images": len(few),
                    "estimated_pixels": exact, "threshold_pixels": batch.AUTO_CLUSTER_PIXELS}
    assert batch.choose_engine(few, threshold=exact)["engine"] == "cluster"  # from the threshold on
    assert batch.choose_engine(few, threshold=exact + 1)["engine"] == "threads"
    # more files than sampled: the sampled mean times the count (equal sizes: exact)
    same = []
    for i in range(40):
        same.append(tmp_path / f"s{i}.png")
        infopix.write_image(same[-1], np.zeros((10, 12), np.uint8))
    assert batch.choose_engine(same)["estimated_pixels"] == 40 * 120
    # forced, and a scheduler address always means its cluster
    assert batch.choose_engine(few, "cluster")["chosen_by"] == "engine"
    assert batch.choose_engine(few, "threads")["engine"] == "threads"
    assert batch.choose_engine(few, scheduler="tcp://x:1") == {
        "engine": "cluster", "chosen_by": "scheduler", "images": len(few),
        "estimated_pixels": None, "threshold_pixels": batch.AUTO_CLUSTER_PIXELS}
    with pytest.raises(ValueError, match="`engine` expects one of auto, threads, cluster, got 'gpu'"):
        batch.choose_engine(few, "gpu")
    with pytest.raises(ValueError, match="`engine` 'threads' runs in this process"):
        batch.choose_engine(few, "threads", scheduler="tcp://x:1")


def test_threads_give_the_serial_rows_and_record_the_path(images, serial, tmp_path, one_numba_thread):
    """In-process threads: the same rows as the serial run (and so as the cluster's,
    test_cluster_equals_serial_and_records_errors), and where it ran is recorded."""
    execution = batch.choose_engine(images, "threads")
    out = tmp_path / "t.parquet"
    df = batch.run(images, MEASURES, config=CONFIG, threads=2, out=out, execution=execution)
    pd.testing.assert_frame_equal(df, serial, check_exact=True)
    assert df.attrs["execution"]["engine"] == "threads"
    import json

    meta = json.loads((out / "_infopix_batch.json").read_text())
    assert meta["execution"] == execution
    import pyarrow.parquet as pq

    part = next(out.glob("part-*.parquet"))
    prov = json.loads(pq.read_schema(part).metadata[b"infopix"])
    assert prov["execution"]["engine"] == "threads"
    with pytest.raises(ValueError, match="`threads` expects an integer >= 1"):
        batch.run(images[:2], MEASURES, threads=0)


def test_cli_engine_threads_and_cluster_same_rows(images, serial, tmp_path):
    """``--engine threads`` and ``--engine cluster`` (a local cluster of one worker) give
    identical rows; each run's summary and metadata say which path was taken."""
    import json

    cfg = tmp_path / "params.json"
    cfg.write_text(json.dumps(CONFIG))
    inputs = [str(images[0].parent / "u8_0*.png")]
    runner = CliRunner()
    frames, ex = {}, {}
    for engine in ("auto", "threads", "cluster"):
        out = tmp_path / f"{engine}.parquet"
        args = ["batch", *inputs, "-o", str(out), "--config", str(cfg), "--engine", engine, "--json"]
        res = runner.invoke(app, args + (["--workers", "1"] if engine == "cluster" else []))
        assert (engine == "cluster") == ("Dask: 1 worker" in res.stderr), res.stderr
        assert res.exit_code == 0, res.output
        ex[engine] = json.loads(res.stdout[res.stdout.index("{"):])["execution"]
        assert json.loads((out / "_infopix_batch.json").read_text())["execution"] == ex[engine]
        frames[engine] = pd.read_parquet(out).sort_values("path").reset_index(drop=True)
    assert ex["auto"]["engine"] == "threads" and ex["auto"]["chosen_by"] == "auto"
    assert ex["threads"]["chosen_by"] == "engine" and ex["cluster"] == {**ex["cluster"], "engine": "cluster", "workers": 1}
    expected = serial[serial["path"].isin(frames["threads"]["path"])].reset_index(drop=True)
    for engine in ex:
        pd.testing.assert_frame_equal(frames[engine], expected, check_exact=True)
    res = runner.invoke(app, ["batch", *inputs, "-o", str(tmp_path / "x"), "--engine", "cluster", "--workers", "0"])
    assert res.exit_code == 1 and "`--workers 0` runs in this process" in res.output


def test_cli_workers_without_engine_keep_their_meaning(images, tmp_path):
    """Before --engine, --workers 0 meant this process and --workers N a cluster of N:
    without --engine they still do, recorded as chosen by --workers."""
    import json

    inputs = [str(images[0].parent / "u8_00.png")]
    res = CliRunner().invoke(app, ["batch", *inputs, "-o", str(tmp_path / "a"), "-w", "0", "--json",
                                   "-m", "intensity"])
    assert res.exit_code == 0, res.output
    ex = json.loads(res.stdout[res.stdout.index("{"):])["execution"]
    assert ex["engine"] == "threads" and ex["chosen_by"] == "workers" and ex["workers"] == 1
    assert "--workers 0" in res.stderr


def test_threads_run_on_several_threads_when_numba_allows(images, tmp_path, monkeypatch):
    """run(threads=2) really uses two threads (unless Numba's layer is 'workqueue', not
    thread-safe, where it falls back to one: both cases checked)."""
    import threading

    seen = set()
    real = batch._process_group

    def spy(*args, **kw):
        seen.add(threading.get_ident())
        return real(*args, **kw)

    monkeypatch.setattr(batch, "_process_group", spy)
    few = images[:8]
    batch.run(few, ["intensity"], config=CONFIG, threads=2)
    # the first image in the calling thread, the rest on the pool's threads
    assert len(seen) >= 2 if batch._threadsafe_numba() else len(seen) == 1
    seen.clear()
    monkeypatch.setattr(batch, "_threadsafe_numba", lambda: False)
    df = batch.run(few, ["intensity"], config=CONFIG, threads=2)
    assert seen == {threading.get_ident()} and len(df) == 8
