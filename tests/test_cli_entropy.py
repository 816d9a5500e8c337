"""The `infopix` command: help, version, `entropy`, one-line errors (issue 3)."""

import json
import subprocess
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

import infopix
from infopix.cli import app

runner = CliRunner()


def test_help_and_version():
    r = runner.invoke(app, ["--help"])
    assert r.exit_code == 0 and "analyze" in r.output and "entropy" in r.output
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and r.output.strip() == f"infopix {infopix.__version__}"


def test_entropy_json_equals_library(tmp_path):
    img = np.random.default_rng(5).integers(0, 256, (40, 30), dtype=np.uint8)
    path = tmp_path / "img.png"
    infopix.write_image(path, img)
    r = runner.invoke(app, ["entropy", str(path), "--json", "--alpha", "2"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["entropy"] == pytest.approx(infopix.intensity_entropy(img, alpha=2), abs=1e-12)
    assert data["unit"] == "bits"


def test_entropy_of_sample_without_argument():
    r = runner.invoke(app, ["entropy", "--json"])
    assert r.exit_code == 0
    assert json.loads(r.stdout)["entropy"] == pytest.approx(infopix.intensity_entropy(infopix.sample_image()))


@pytest.mark.parametrize(
    "args, match",
    [
        (["entropy", "{tmp}/missing.png"], "does not exist"),
        (["entropy", "{tmp}/text.png"], "is not a readable image"),
        (["entropy", "{tmp}/nan.npy"], "NaN or inf"),
        (["entropy", "--alpha", "-1"], "`--alpha` expects a real number >= 0"),
        (["entropy", "--alpha", "x"], "Invalid value for '--alpha'"),
        (["entropy", "--estimator", "magic"], "`--estimator` expects one of"),
        (["entropy", "--nonsense"], "No such option"),
    ],
)
def test_errors_are_one_line_without_traceback(tmp_path, args, match):
    (tmp_path / "text.png").write_text("not an image")
    np.save(tmp_path / "nan.npy", np.array([[1.0, np.nan]]))
    argv = [a.format(tmp=tmp_path) for a in args]
    proc = subprocess.run(
        [sys.executable, "-m", "infopix.cli", *argv], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("infopix: error:") and match in lines[0]
    assert "Traceback" not in proc.stderr + proc.stdout
    # and the same through CliRunner
    r = runner.invoke(app, argv)
    assert r.exit_code != 0
    assert "Traceback" not in r.output


def test_analyze_refuses_to_overwrite_and_force_replaces(tmp_path):
    out = tmp_path / "rep"
    r = runner.invoke(app, ["analyze", "-o", str(out), "--quiet"])
    assert r.exit_code == 0, r.output
    assert (out / "results.json").exists()
    r = runner.invoke(app, ["analyze", "-o", str(out)])
    assert r.exit_code == 1 and "--force" in r.output
    r = runner.invoke(app, ["analyze", "-o", str(out), "--force", "--quiet"])
    assert r.exit_code == 0
