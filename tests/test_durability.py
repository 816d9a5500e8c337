"""Nothing lost, nothing mixed: batch results as a set, kills and signals (issue 16).

Subprocess tests run ``python -m infopix.cli`` in a session of its own
(``start_new_session=True``) and signal its process group with ``os.killpg``, as a
terminal does. Batches run in-process (``--workers 0``) except one Dask-cluster case.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import infopix
from infopix import batch
from infopix.cli import app

CLI = [sys.executable, "-m", "infopix.cli"]


def _images(folder: Path, n: int, size: int, seed: int) -> Path:
    folder.mkdir()
    rng = np.random.default_rng(seed)
    for i in range(n):
        levels = int(rng.integers(2, 64))
        infopix.write_image(folder / f"im{i:03d}.png",
                            rng.integers(0, levels, size=(size, size)).astype(np.uint8))
    return folder


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """8 small images, their results with `intensity` (old) and `intensity,local` (new)."""
    root = tmp_path_factory.mktemp("dur")
    imgs = _images(root / "imgs", 8, 24, 161)
    old, new = root / "old.parquet", root / "new.parquet"
    for out, m in ((old, "intensity"), (new, "intensity,local")):
        t0 = time.monotonic()
        p = subprocess.run([*CLI, "batch", str(imgs), "-o", str(out), "-m", m, "-e", "plugin", "-w", "0", "-q"],
                           capture_output=True, text=True, timeout=300)
        assert p.returncode == 0, p.stderr
        seconds = time.monotonic() - t0
    return imgs, old, new, seconds


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    return list(a.columns) == list(b.columns) and a.reset_index(drop=True).equals(b.reset_index(drop=True))


def _check_set(out: Path) -> pd.DataFrame:
    """The dataset read the documented way equals the library's reader, one row per image."""
    df = batch.read_results(out)
    pq = pd.read_parquet(out)
    assert _same(pq, df)
    assert df["path"].is_unique
    return df


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_force_killed_at_random_leaves_old_or_new(small, tmp_path, seed):
    """SIGKILL of `batch --force` at a random moment: the old complete results or the new."""
    imgs, old, new, seconds = small
    out = tmp_path / "r.parquet"
    shutil.copytree(old, out)
    old_df, new_df = batch.read_results(old), batch.read_results(new)
    delay = np.random.default_rng(seed).uniform(0.0, 1.2 * seconds)
    p = subprocess.Popen([*CLI, "batch", str(imgs), "-o", str(out), "-m", "intensity,local",
                          "-e", "plugin", "-w", "0", "-q", "--force"], start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        p.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    df = _check_set(out)
    assert _same(df, old_df) or _same(df, new_df), (delay, df)
    # the next write of that output removes the killed run's temporaries and its lock
    r = CliRunner().invoke(app, ["batch", str(imgs), "-o", str(out), "-m", "intensity",
                                 "-e", "plugin", "-w", "0", "-q", "--force"])
    assert r.exit_code == 0, r.stderr
    assert _same(_check_set(out), old_df)
    assert sorted(os.listdir(tmp_path)) == ["r.parquet"]


def test_second_writer_refuses_on_the_lock(small, tmp_path):
    imgs, old, _, _ = small
    out = tmp_path / "r.parquet"
    shutil.copytree(old, out)
    lock = batch._Lock(out)
    lock.acquire()
    try:
        r = CliRunner().invoke(app, ["batch", str(imgs), "-o", str(out), "-m", "intensity",
                                     "-e", "plugin", "-w", "0", "--resume"])
        lines = r.stderr.strip().splitlines()
        assert r.exit_code == 1 and len(lines) == 1 and "Traceback" not in r.stderr
        assert "being written" in lines[0] and f"process {os.getpid()}" in lines[0]
        with pytest.raises(batch.OutputLocked):
            batch.run(imgs, ["intensity"], out=out, force=True, estimator="plugin")
    finally:
        lock.release()
    assert os.listdir(tmp_path) == ["r.parquet"]  # the lock file goes with its holder
    # a lock file left by a dead holder is stale: taken over
    (tmp_path / ".r.parquet.lock").write_text("999999999\n")
    batch.run(imgs, ["intensity"], out=out, resume=True, estimator="plugin")
    assert os.listdir(tmp_path) == ["r.parquet"]


def test_two_concurrent_resumes_leave_one_row_per_image(tmp_path):
    imgs = _images(tmp_path / "imgs", 24, 48, 162)
    out = tmp_path / "r.parquet"
    argv = [*CLI, "batch", str(imgs), "-o", str(out), "-m", "intensity,local", "-e", "plugin",
            "-w", "0", "-q", "--resume"]
    procs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert any(rc == 0 for rc, _ in results), results
    for rc, err in results:
        if rc != 0:  # the one that found the other writing: one line, no traceback
            assert rc == 1 and len(err.strip().splitlines()) == 1 and "being written" in err, err
    df = _check_set(out)
    assert sorted(df["path"]) == sorted(str(p.resolve()) for p in imgs.iterdir())
    assert (df["status"] == "ok").all()


def test_resume_replaces_the_row_of_a_changed_image(tmp_path):
    imgs = _images(tmp_path / "imgs", 5, 16, 163)
    out = tmp_path / "r.parquet"

    class Stop(Exception):
        pass

    def stop(done, total, row):
        if done == 3:
            raise Stop

    with pytest.raises(Stop):  # interrupted after 3 rows, one part each
        batch.run(imgs, ["intensity"], out=out, part_size=1, progress=stop, estimator="plugin")
    first = _check_set(out)
    assert len(first) == 3
    changed = Path(first["path"][1])
    infopix.write_image(changed, np.tile(np.array([0, 9], np.uint8), (16, 8)), force=True)
    df = batch.run(imgs, ["intensity"], out=out, resume=True, part_size=1, estimator="plugin")
    stored = _check_set(out)
    assert len(stored) == 5 and len(df) == 5
    assert stored.set_index("path").loc[str(changed), "intensity.shannon"] == 1.0  # two equal levels
    assert (stored.set_index("path").loc[df["path"], "checksum"].values == df["checksum"].values).all()
    assert len(list(out.glob("part-*.parquet"))) == 1  # compacted once complete


# ------------------------------------------------------------------------- signals


def _wait_for(cond, timeout=120.0):
    t0 = time.monotonic()
    while not cond():
        if time.monotonic() - t0 > timeout:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


def _maps_have(pid: int, name: str) -> bool:
    try:
        return name in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def _computing(p) -> bool:
    """Numba's thread pool is loaded: a parallel kernel has run, the command is computing."""
    return any(_maps_have(p.pid, pool) for pool in ("omppool", "workqueue", "tbbpool"))


def _signal_run(argv, sig, ready, cwd=None):
    p = subprocess.Popen([*CLI, *argv], start_new_session=True, cwd=cwd,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: ready(p) or p.poll() is not None)
        assert p.poll() is None, "the command ended before it could be interrupted"
        children = _children(p.pid)
        os.killpg(p.pid, sig)
        out, err = p.communicate(timeout=120)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    return p.returncode, out, err, children


def _children(pid):
    import psutil

    try:
        return [c.pid for c in psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return []


def _assert_one_line(rc, err, sig):
    code = 128 + sig
    word = "interrupted" if sig == signal.SIGINT else "terminated"
    assert (rc, err) == (code, f"infopix: {word}\n"), (rc, err)


pytestmark_linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")


@pytestmark_linux
def test_ctrl_c_while_importing():
    # numpy's extension is mapped while the command's modules import, before main()
    rc, out, err, _ = _signal_run(["entropy"], signal.SIGINT,
                                  lambda p: _maps_have(p.pid, "_multiarray_umath"))
    _assert_one_line(rc, err, signal.SIGINT)


def _started(out: Path) -> bool:
    """The batch has created its dataset (and computes images)."""
    return out.is_dir() and any(out.glob("part-*.parquet"))


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    return _images(tmp_path_factory.mktemp("many") / "imgs", 300, 48, 164)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_during_a_serial_batch(many, tmp_path, sig):
    out = tmp_path / "r.parquet"
    rc, _, err, _ = _signal_run(["batch", str(many), "-o", str(out), "-m", "intensity,local,fractal",
                                 "-w", "0", "-q"], sig, lambda p: _started(out))
    _assert_one_line(rc, err, sig)
    df = _check_set(out)  # the rows completed so far, a consistent set that --resume completes
    assert len(df) < 300
    assert sorted(os.listdir(tmp_path)) == ["r.parquet"]


@pytestmark_linux
def test_ctrl_c_during_a_dask_batch(many, tmp_path):
    import psutil

    out = tmp_path / "r.parquet"
    rc, _, err, children = _signal_run(
        ["batch", str(many), "-o", str(out), "-m", "intensity,local,fractal", "-w", "1", "-q"],
        signal.SIGINT, lambda p: _started(out))
    _assert_one_line(rc, err, signal.SIGINT)
    assert children  # the worker process (and its helpers) ...
    _wait_for(lambda: not any(psutil.pid_exists(c) and psutil.Process(c).status() != "zombie"
                              for c in children), timeout=30)  # ... are gone
    _check_set(out)


@pytestmark_linux
def test_ctrl_c_during_analyze(tmp_path):
    out = tmp_path / "rep"
    rc, _, err, _ = _signal_run(["analyze", "-o", str(out), "-q"], signal.SIGINT, _computing)
    _assert_one_line(rc, err, signal.SIGINT)
    assert os.listdir(tmp_path) == []  # no report, no temporary folder


@pytestmark_linux
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_during_ising(tmp_path, sig):
    out, js = tmp_path / "f.png", tmp_path / "o.json"
    rc, _, err, _ = _signal_run(["ising", "-n", "100000", "--record-every", "5", "-o", str(out),
                                 "--json-out", str(js), "-q"], sig, _computing)
    _assert_one_line(rc, err, sig)
    assert os.listdir(tmp_path) == []
