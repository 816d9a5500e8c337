"""The ``infopix`` command line as a whole (issue 10).

Bad input to every command prints exactly one line on stderr and exits non-zero, with
no traceback: a table of commands x the bad inputs of SPEC.md §8, run in-process with
Typer's CliRunner and, for a covering subset, in real subprocesses. Also: every command
has an Example in its --help, option names are consistent, and ``infopix analyze``
writes atomically and honours --force, --quiet, --json and --config.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import infopix
from infopix.cli import app

EXPECTED_COMMANDS = {
    "entropy",
    "localmap",
    "scale",
    "fractal",
    "ising",
    "spatial",
    "patterns",
    "batch",
    "analyze",
}


def _registered() -> dict:
    import typer.main

    group = typer.main.get_command(app)
    return dict(group.commands)


# How each command is called on one image (`{img}`), writing any output under `{out}`,
# and the spelling of its radius / alpha options (None: the command has none).
COMMANDS = {
    "entropy": dict(args=["{img}", "--json"], radius=None, alpha="--alpha"),
    "localmap": dict(
        args=["{img}", "-o", "{out}/m.npy", "--quiet"], radius="--radius", alpha="--alpha"
    ),
    "scale": dict(args=["{img}", "-o", "{out}/s", "--quiet"], radius=None, alpha=None),
    "fractal": dict(args=["{img}", "-t", "100", "-o", "{out}/f.json"], radius=None, alpha=None),
    "ising": dict(
        args=["{img}", "-o", "{out}/i.png", "--sweeps", "2", "--seed", "1", "--quiet"],
        radius=None,
        alpha=None,
    ),
    "spatial": dict(args=["{img}", "-l", "16", "-o", "{out}/p.json"], radius=None, alpha=None),
    "patterns": dict(args=["{img}", "-o", "{out}/pat.json"], radius=None, alpha=None),
    # batch runs on one shared in-process Dask cluster (module fixture), not a new one each time
    "batch": dict(
        args=[
            "{img}",
            "-o",
            "{out}/b.parquet",
            "-m",
            "entropy,localmap",
            "--scheduler",
            "{scheduler}",
            "--quiet",
        ],
        radius="--radius",
        alpha=None,
    ),
    "analyze": dict(
        args=["{img}", "-o", "{out}/a", "--quick", "--quiet"], radius="--radius", alpha=None
    ),
}


def _write_bad_inputs(d: Path) -> dict:
    """The bad inputs of SPEC.md §8 as files: name -> path."""
    files = {}

    def npy(name, arr):
        p = d / f"{name}.npy"
        np.save(p, arr)
        files[name] = p

    npy("empty", np.zeros((0, 5), np.uint8))
    npy("one_pixel", np.zeros((1, 1), np.uint8))
    npy("4d", np.zeros((2, 2, 2, 2), np.uint8))
    npy("complex", np.ones((8, 8), np.complex128))
    nan = np.random.default_rng(1).random((8, 8))
    nan[3, 4] = np.nan
    npy("nan", nan)
    garbage = d / "garbage.tif"
    garbage.write_bytes(bytes(range(256)) * 4)  # unreadable: not a TIFF
    files["unreadable"] = garbage
    text = d / "text.png"
    text.write_text("this is not a PNG\n")
    files["text_png"] = text
    files["missing"] = d / "missing.png"
    return files


# The installed console script, as a user runs it (fallback: the package's __main__).
_SCRIPT = Path(sys.executable).with_name("infopix")
INFOPIX = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "infopix.cli"]

BAD_IMAGES = ["empty", "one_pixel", "4d", "complex", "nan", "unreadable", "text_png", "missing"]
BAD_OPTIONS = [("radius", "-1"), ("radius", "1.5"), ("alpha", "-0.5")]


@pytest.fixture(scope="module")
def scheduler():
    """One small Dask cluster for every `infopix batch` call of this module."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address=":0",
    ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad")
    files = _write_bad_inputs(d)
    good = d / "good.png"
    infopix.write_image(good, (np.arange(64 * 64) % 251).astype(np.uint8).reshape(64, 64))
    files["good"] = good
    return files


def _cases():
    for cmd in sorted(EXPECTED_COMMANDS):
        for bad in BAD_IMAGES:
            yield pytest.param(cmd, bad, None, id=f"{cmd}-{bad}")
        for opt, value in BAD_OPTIONS:
            if COMMANDS[cmd][opt] is not None:
                yield pytest.param(
                    cmd, "good", (COMMANDS[cmd][opt], value), id=f"{cmd}-{opt}={value}"
                )


def _argv(cmd, image_path, opt, out, scheduler=""):
    args = [a.format(img=image_path, out=out, scheduler=scheduler) for a in COMMANDS[cmd]["args"]]
    if opt is not None:
        args += [opt[0], opt[1]]
    return [cmd, *args]


def _check_one_line(code, stdout, stderr, argv):
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert code not in (0, None), f"{argv} exited 0"
    assert len(lines) == 1, f"{argv}: stderr has {len(lines)} lines:\n{stderr}"
    assert lines[0].startswith("infopix: error: "), lines[0]
    assert "Traceback" not in stderr + stdout


def test_every_command_is_registered():
    assert EXPECTED_COMMANDS <= set(_registered()), sorted(EXPECTED_COMMANDS - set(_registered()))


@pytest.mark.parametrize("cmd, bad, opt", list(_cases()))
def test_bad_input_one_line_cli_runner(cmd, bad, opt, inputs, tmp_path, request):
    assert cmd in _registered(), f"command {cmd!r} is not registered"
    sched = request.getfixturevalue("scheduler") if cmd == "batch" else ""
    argv = _argv(cmd, inputs[bad], opt, tmp_path, sched)
    result = CliRunner().invoke(app, argv)
    _check_one_line(result.exit_code, result.stdout, result.stderr, argv)
    # nothing half-written: a failed command leaves the output folder empty (batch
    # records a failed image in its dataset by design, so it may write that)
    if cmd != "batch":
        assert [p.name for p in tmp_path.iterdir()] == []


def _subprocess_cases():
    """Every bad input once and every command at least twice, in real processes."""
    cmds = sorted(EXPECTED_COMMANDS)
    cases, i = [], 0
    for bad, o in [(b, None) for b in BAD_IMAGES] + [("good", o) for o in BAD_OPTIONS]:
        for _ in range(len(cmds)):
            cmd = cmds[i % len(cmds)]
            i += 1
            if o is None or COMMANDS[cmd][o[0]] is not None:
                cases.append((cmd, bad, None if o is None else (COMMANDS[cmd][o[0]], o[1])))
                break
    for cmd in cmds:
        for bad in ("text_png", "nan"):
            if sum(c[0] == cmd for c in cases) < 2:
                cases.append((cmd, bad, None))
    return cases


def test_bad_input_one_line_subprocess(inputs, tmp_path, scheduler):
    cases = _subprocess_cases()
    covered = {bad if opt is None else opt[1] for _, bad, opt in cases}
    assert set(BAD_IMAGES) <= covered and {"-1", "1.5", "-0.5"} <= covered
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}

    def run(i_case):
        i, (cmd, bad, opt) = i_case
        out = tmp_path / f"c{i}"
        out.mkdir()
        argv = _argv(cmd, inputs[bad], opt, out, scheduler)
        p = subprocess.run(
            [*INFOPIX, *argv],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            env=env,
            timeout=120,
        )
        return argv, p, out

    with ThreadPoolExecutor(max_workers=3) as pool:
        for argv, p, out in pool.map(run, enumerate(cases)):
            _check_one_line(p.returncode, p.stdout, p.stderr, argv)
            if argv[0] != "batch":
                assert list(out.iterdir()) == []


# ------------------------------------------------------------------ help and options


@pytest.mark.parametrize("cmd", sorted(EXPECTED_COMMANDS))
def test_help_has_an_example(cmd):
    result = CliRunner().invoke(app, [cmd, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert f"Example: infopix {cmd}" in result.stdout


def _options(cmd) -> dict:
    """long option -> set of its short spellings."""
    out = {}
    for param in cmd.params:
        opts = list(param.opts) + list(param.secondary_opts)
        longs = [o for o in opts if o.startswith("--")]
        for lo in longs:
            out[lo] = {o for o in opts if not o.startswith("--")}
    return out


def test_option_names_are_consistent():
    """Shared ideas have one spelling everywhere: --out/-o, --force/-f, --json, --quiet/-q,
    --seed, --estimator/-e, --radius/-r, --alpha/-a, --channel; writing commands take
    --force; every command can print --json."""
    canonical = {
        "--out": "-o",
        "--force": "-f",
        "--quiet": "-q",
        "--estimator": "-e",
        "--radius": "-r",
        "--alpha": "-a",
        "--seed": None,
        "--json": None,
        "--channel": None,
    }
    wrong_spellings = {
        "--output",
        "--overwrite",
        "--silent",
        "--as-json",
        "--random-seed",
        "--radii",
        "--outdir",
        "--estimators",
        "--r",
        "--verbose-json",
    }
    problems = []
    for name, cmd in sorted(_registered().items()):
        opts = _options(cmd)
        problems += [f"{name}: {o}" for o in sorted(set(opts) & wrong_spellings)]
        for long, short in canonical.items():
            if long in opts:
                want = set() if short is None else {short}
                if opts[long] != want:
                    problems.append(
                        f"{name}: {long} spelled with {sorted(opts[long])}, expected {sorted(want)}"
                    )
        if "--out" in opts and "--force" not in opts:
            problems.append(f"{name}: writes --out but has no --force")
        if "--json" not in opts:
            problems.append(f"{name}: no --json")
    assert problems == [], "\n".join(problems)


def test_version_and_completion():
    r = CliRunner().invoke(app, ["--version"])
    assert r.exit_code == 0 and r.stdout.strip() == f"infopix {infopix.__version__}"
    r = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert "--install-completion" in r.stdout


# ------------------------------------------------------------------ analyze


@pytest.fixture(scope="module")
def small_png(tmp_path_factory):
    d = tmp_path_factory.mktemp("img")
    img = infopix.sample_image()[::8, ::8]  # 64 x 64: the CLI is under test, not the numbers
    p = d / "cam.png"
    infopix.write_image(p, img)
    return p


ONLY_FAST = {
    "local": {"radii": [1]},
    "scale": {"sigmas": [0, 2]},
    "fractal": {"q": [0, 1, 2]},
    "spatial": {},
    "intensity": {"estimators": ["plugin", "miller_madow"]},
}


def _fast_config(tmp_path):
    import infopix.report as rp

    present = rp.default_sections()
    cfg = {k: v for k, v in ONLY_FAST.items() if k in present}
    p = tmp_path / "fast.json"
    p.write_text(json.dumps(cfg))
    return p


def test_analyze_writes_report_and_honours_force(small_png, tmp_path):
    out = tmp_path / "rep"
    cfg = _fast_config(tmp_path)
    argv = [
        "analyze",
        str(small_png),
        "-o",
        str(out),
        "--quick",
        "--config",
        str(cfg),
        "--quiet",
        "--json",
    ]
    r = CliRunner().invoke(app, argv)
    assert r.exit_code == 0, r.stderr
    assert r.stderr == ""  # --quiet: no progress, no summary
    data = json.loads(r.stdout)  # --json: results.json on stdout
    assert data == json.loads((out / "results.json").read_text())
    assert data["input"]["file_sha256"] is not None and data["input"]["source"] == str(small_png)
    assert data["parameters"]["intensity"]["estimators"] == ["plugin", "miller_madow"]
    assert (out / "report.html").is_file() and list((out / "figures").glob("*.png"))
    before = (out / "results.json").read_bytes()
    r = CliRunner().invoke(app, argv)
    assert r.exit_code == 1 and "exists; pass --force" in r.stderr
    assert (out / "results.json").read_bytes() == before
    r = CliRunner().invoke(app, [*argv, "--force"])
    assert r.exit_code == 0, r.stderr


def test_analyze_several_images(small_png, tmp_path):
    other = tmp_path / "other.npy"
    np.save(other, infopix.sample_image()[::16, ::16].astype(np.float32))
    out = tmp_path / "many"
    r = CliRunner().invoke(
        app,
        [
            "analyze",
            str(small_png),
            str(other),
            "-o",
            str(out),
            "--quick",
            "--config",
            str(_fast_config(tmp_path)),
            "-q",
        ],
    )
    assert r.exit_code == 0, r.stderr
    assert (out / "index.html").is_file()
    for stem in ("cam", "other"):
        assert (out / stem / "report.html").is_file() and (out / stem / "results.json").is_file()


@pytest.mark.parametrize(
    "config, match",
    [
        ('{"nope": {}}', r"unknown section\(s\) \['nope'\]"),
        ('{"intensity": {"radii": [1]}}', r"section 'intensity' has unknown parameter"),
        ("[intensity\n", "is not valid"),
    ],
)
def test_analyze_bad_config_one_line(config, match, tmp_path):
    p = tmp_path / ("c.toml" if config.startswith("[") else "c.json")
    p.write_text(config)
    r = CliRunner().invoke(app, ["analyze", "-o", str(tmp_path / "o"), "--config", str(p)])
    assert r.exit_code == 1
    assert len(r.stderr.strip().splitlines()) == 1
    assert re.search(match, r.stderr)
    assert not (tmp_path / "o").exists()


def test_analyze_interrupted_leaves_nothing(small_png, tmp_path, monkeypatch):
    """Ctrl-C during the analysis: exit 130, no output folder, no temporary left over."""
    import dataclasses

    import infopix.measures as ms

    def interrupted(ctx, params):
        raise KeyboardInterrupt

    real = ms.MEASURES["intensity"]
    monkeypatch.setitem(ms.MEASURES, "intensity", dataclasses.replace(real, compute=interrupted))
    r = CliRunner().invoke(app, ["analyze", str(small_png), "-o", str(tmp_path / "o"), "--quick"])
    assert r.exit_code == 130 and r.stderr.strip() == "infopix: interrupted"
    assert list(tmp_path.iterdir()) == []


def test_analyze_help_lists_every_config_key():
    """The --config keys are documented from the registry itself, so docs cannot drift."""
    import infopix.measures as ms

    text = " ".join(
        CliRunner().invoke(app, ["analyze", "--help"], env={"COLUMNS": "250"}).stdout.split()
    )
    for key, builder in ms.MEASURES.items():
        assert f"[{key}]" in text
        for name in builder.defaults:
            assert f"{name} = " in text, (key, name)


def test_analyze_sigint_in_a_real_process_leaves_nothing(small_png, tmp_path):
    """Ctrl-C (SIGINT) at any moment of a real run: no report folder, no temporary."""
    import signal
    import time

    out = tmp_path / "rep"
    p = subprocess.Popen(
        [*INFOPIX, "analyze", "-o", str(out)],  # the 512 x 512 sample: seconds of work
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(2.5)  # mid-run: after start-up, before the analysis ends
    p.send_signal(signal.SIGINT)
    stdout, stderr = p.communicate(timeout=120)
    if p.returncode == 0:  # the run beat the signal: then the report must be complete
        assert (out / "report.html").is_file() and (out / "results.json").is_file()
    else:
        assert not out.exists()
        if "infopix: interrupted" in stderr:  # (a signal during start-up is Python's own)
            assert p.returncode == 130 and stderr.strip() == "infopix: interrupted"
    assert [q.name for q in tmp_path.iterdir() if q.name.startswith(".")] == []


def test_piped_output_is_not_wrapped(tmp_path):
    """COLUMNS=20 and no terminal: each result stays on one line (issue 20)."""
    import subprocess
    import sys

    img = tmp_path / "img.npy"
    np.save(img, (np.random.default_rng(3).random((48, 48)) * 255).astype(np.uint8))
    env = {**os.environ, "COLUMNS": "20", "NO_COLOR": "1"}
    cases = [
        (["entropy", str(img)], ("H =", "bits", "interval")),
        (["localmap", str(img), "-r", "1", "-o", str(tmp_path / "m.npy")], ("local entropy", "max")),
        (["spatial", str(img), "-l", "4"], ("MI(1)", "bits")),
    ]
    for args, words in cases:
        out = subprocess.run([sys.executable, "-m", "infopix.cli", *args], env=env,
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        first = out.stdout.splitlines()[0]
        assert all(w in first for w in words), (args, out.stdout)


@pytest.mark.parametrize("cmd", ["entropy", "fractal"])
def test_unreadable_image_names_the_image_argument(cmd, tmp_path):
    # The library says `path`; the command line has no such option: its message names
    # IMAGE (a missing file, and a .npy whose axes the file does not record).
    np.save(tmp_path / "vol.npy", np.zeros((3, 8, 8), np.uint8))
    for name, says in [("missing.tif", "does not exist"), ("vol.npy", "does not record its axes")]:
        res = CliRunner().invoke(app, [cmd, str(tmp_path / name)])
        assert res.exit_code == 1, res.output
        err = res.stderr.strip()
        assert "\n" not in err and says in err and "IMAGE '" in err and "`path`" not in err, err
