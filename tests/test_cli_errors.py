"""Bad options and hostile outputs: one stderr line naming the flag or the file (issue 16).

A table of command lines run in-process (Typer's CliRunner): each must exit with the
stated status, print exactly one line on stderr that names the option or the file, and
no traceback. Then the output guarantees: multi-file outputs all old or all new, umask
permissions, long names, dangling links, leftovers of killed runs.
"""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest
from typer.testing import CliRunner

import infopix
from infopix import outputs as _outputs
from infopix.cli import app

#: a pid no process has (above Linux's largest pid_max, 2**22)
DEAD_PID = 999_999_999


@pytest.fixture(scope="module")
def img(tmp_path_factory):
    d = tmp_path_factory.mktemp("img")
    p = d / "a.png"
    rng = np.random.default_rng(20261129)
    infopix.write_image(p, rng.integers(0, 8, size=(24, 20)).astype(np.uint8))
    return p


def _one_line(result, *, code, names):
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert result.exit_code == code, (result.exit_code, result.stderr, result.stdout)
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for n in names:
        assert n in lines[0], (n, lines[0])
    return lines[0]


# (id, argv with {img} and {out}, files to create first: {name: text}, expected names)
CASES = [
    ("workers-huge", ["batch", "{img}", "-o", "{out}/r.parquet", "--workers", "1000"], {}, ["--workers", "1000"]),
    ("workers-negative", ["batch", "{img}", "-o", "{out}/r.parquet", "--workers", "-1"], {}, ["--workers"]),
    ("scales-count", ["scale", "{img}", "-o", "{out}/c", "--scales", "0:1:1000000"], {}, ["--scales", "1000000"]),
    ("scales-empty-item", ["scale", "{img}", "-o", "{out}/c", "--scales", "1,,2"], {}, ["--scales", "1,,2"]),
    ("strip-negative", ["scale", "{img}", "-o", "{out}/c", "--strip", "-1"], {}, ["--strip", "-1"]),
    ("nq-huge", ["fractal", "{img}", "--method", "dq", "--nq", "10000000"], {}, ["--nq", "10000000"]),
    ("sweeps-huge", ["ising", "{img}", "-n", "1000000000"], {}, ["--sweeps", "1000000000"]),
    ("record-every-zero", ["ising", "{img}", "-n", "2", "--record-every", "0"], {}, ["--record-every"]),
    ("ising-seed", ["ising", "{img}", "-n", "2", "--seed", "-1"], {}, ["--seed", "-1"]),
    ("spatial-seed", ["spatial", "{img}", "--measure", "cid", "--seed", "-1"], {}, ["--seed", "-1"]),
    ("analyze-seed", ["analyze", "{img}", "-o", "{out}/rep", "--seed", "-1"], {}, ["--seed", "-1"]),
    ("chunks-zero", ["localmap", "{img}", "--chunks", "0", "-o", "{out}/m.zarr"], {}, ["--chunks", "0"]),
    ("config-float-sweeps", ["analyze", "{img}", "-o", "{out}/rep", "--ising", "--config", "{out}/c.toml"],
     {"c.toml": "[ising]\nsweeps = 1e9\n"}, ["--config", "sweeps", "integer"]),
    ("config-string-list", ["analyze", "{img}", "-o", "{out}/rep", "--config", "{out}/c.toml"],
     {"c.toml": "[local]\nradii = \"3\"\n"}, ["--config", "radii", "list"]),
    ("scale-exists", ["scale", "{img}", "-o", "{out}/c", "--scales", "0,1"], {"c.json": "{}"}, ["c.json", "--force"]),
    # the library's checks, named by the option (not the Python keyword)
    ("alpha-keyword", ["entropy", "{img}", "--alpha", "-1"], {}, ["`--alpha`", "-1"]),
    ("radius-keyword", ["localmap", "{img}", "-r", "-1", "-o", "{out}/m.npy"], {}, ["`--radius`", "-1"]),
    ("measures-keyword", ["batch", "{img}", "-o", "{out}/r.parquet", "--measures", "foo"], {}, ["`--measures`", "foo"]),
    ("batch-output-is-file", ["batch", "{img}", "-o", "{out}/r.parquet", "--workers", "0", "--force"],
     {"r.parquet": "not a dataset"}, ["r.parquet"]),
]


@pytest.mark.parametrize("argv,files,names", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_option_is_one_line_naming_it(argv, files, names, img, tmp_path):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    before = sorted(os.listdir(tmp_path))
    argv = [a.format(img=img, out=tmp_path) for a in argv]
    _one_line(CliRunner().invoke(app, argv), code=1, names=names)
    assert sorted(os.listdir(tmp_path)) == before  # nothing written, no temporaries


def test_dangling_symlink_output_needs_force(img, tmp_path):
    link = tmp_path / "m.npy"
    link.symlink_to(tmp_path / "nowhere.npy")
    argv = ["localmap", str(img), "-r", "1", "-o", str(link), "-q"]
    line = _one_line(CliRunner().invoke(app, argv), code=1, names=["m.npy", "--force"])
    assert "symbolic link" in line and link.is_symlink()
    r = CliRunner().invoke(app, [*argv, "--force"])
    assert r.exit_code == 0, r.stderr
    assert not link.is_symlink() and np.load(link).shape == (24, 20)


def test_long_output_name_is_accepted(img, tmp_path):
    name = "m" * 245 + ".npy"  # 249 characters: valid (NAME_MAX is 255)
    r = CliRunner().invoke(app, ["localmap", str(img), "-r", "1", "-o", str(tmp_path / name), "-q"])
    assert r.exit_code == 0, r.stderr
    assert os.listdir(tmp_path) == [name]


def test_outputs_get_the_umask_permissions(img, tmp_path):
    old = os.umask(0o022)
    try:
        r = CliRunner().invoke(app, ["scale", str(img), "-o", str(tmp_path / "c"), "--scales", "0,1",
                                     "--strip", "0", "-q"])
        assert r.exit_code == 0, r.stderr
        os.umask(0o002)
        infopix.write_image(tmp_path / "g.png", np.zeros((4, 4), np.uint8))
    finally:
        os.umask(old)
    for ext in ("png", "csv", "json"):
        assert stat.S_IMODE(os.stat(tmp_path / f"c.{ext}").st_mode) == 0o644
    assert stat.S_IMODE(os.stat(tmp_path / "g.png").st_mode) == 0o664


def _snapshot(paths):
    return {p.name: (p.read_bytes() if p.is_file() else None) for p in paths if os.path.lexists(p)}


def test_scale_outputs_all_old_or_all_new(img, tmp_path):
    """`scale -o c --force` with c.json not replaceable: c.png and c.csv stay the old ones."""
    stem = tmp_path / "c"
    base = ["scale", str(img), "-o", str(stem), "--strip", "0", "-q"]
    r = CliRunner().invoke(app, [*base, "--scales", "0,1"])
    assert r.exit_code == 0, r.stderr
    files = [tmp_path / f"c.{e}" for e in ("png", "csv", "json")]
    old = _snapshot(files)
    (tmp_path / "c.json").unlink()
    (tmp_path / "c.json").mkdir()  # a folder is never replaced by a file
    r = CliRunner().invoke(app, [*base, "--scales", "0,1,2", "--force"])
    _one_line(r, code=1, names=["c.json"])
    now = _snapshot(files)
    assert now["c.png"] == old["c.png"] and now["c.csv"] == old["c.csv"]
    assert sorted(os.listdir(tmp_path)) == ["c.csv", "c.json", "c.png"]  # no temporaries
    # and when it can be replaced, all three are new
    (tmp_path / "c.json").rmdir()
    r = CliRunner().invoke(app, [*base, "--scales", "0,1,2", "--force"])
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "c.csv").read_text().count("\n") == 4  # header + 3 scales


def test_ising_outputs_all_old_or_all_new(img, tmp_path):
    out, movie, js = tmp_path / "f.png", tmp_path / "m.gif", tmp_path / "o.json"
    base = ["ising", str(img), "-n", "4", "--seed", "1", "-o", str(out), "--movie", str(movie),
            "--json-out", str(js), "-q"]
    r = CliRunner().invoke(app, base)
    assert r.exit_code == 0, r.stderr
    old = _snapshot([out, movie, js])
    js.unlink()
    js.mkdir()
    r = CliRunner().invoke(app, [*base[:5], "2", *base[6:], "--force"])  # --seed 2: new files differ
    _one_line(r, code=1, names=["o.json"])
    assert _snapshot([out, movie]) == {k: old[k] for k in ("f.png", "m.gif")}
    assert sorted(os.listdir(tmp_path)) == ["f.png", "m.gif", "o.json"]


def test_failed_write_restores_every_output(tmp_path):
    """A rename that fails half-way through a set puts the earlier outputs back."""
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("old a")
    b.mkdir()
    with pytest.raises(IsADirectoryError):
        with _outputs.output_set([a, b], force=True) as (ta, tb):
            ta.write_text("new a")
            tb.write_text("new b")
    assert a.read_text() == "old a" and b.is_dir()
    with pytest.raises(RuntimeError, match="boom"):
        with _outputs.output_set([a], force=True) as (ta,):
            ta.write_text("new a")
            raise RuntimeError("boom")
    assert a.read_text() == "old a"
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "b.txt"]


def test_error_names_the_output_not_its_temporary(tmp_path):
    dest = tmp_path / "x.txt"
    with pytest.raises(OSError) as info:
        with _outputs.atomic_path(dest) as tmp:
            open(tmp / "no" / "such", "w")  # fails with the temporary path in the message
    assert ".part" not in str(info.value) and str(dest) in str(info.value)


def test_leftovers_of_killed_runs_are_cleaned(tmp_path):
    dest = tmp_path / "rep"
    dead = tmp_path / f".rep.{DEAD_PID}-deadbeef.part"
    (dead / "rep").mkdir(parents=True)
    (dead / "rep" / "report.html").write_text("half")
    live = tmp_path / f".rep.{os.getppid()}-cafecafe.part"  # a live process's: left alone
    live.mkdir()
    other = tmp_path / f".other.{DEAD_PID}-deadbeef.part"  # another output's: left alone
    other.mkdir()
    with _outputs.atomic_dir(dest) as tmp:
        (tmp / "report.html").write_text("new")
    assert sorted(os.listdir(tmp_path)) == sorted(["rep", live.name, other.name])
    assert (dest / "report.html").read_text() == "new"


def test_folder_replacement_is_one_exchange(tmp_path):
    """With --force a folder output is swapped in at once (Linux: renameat2 EXCHANGE)."""
    dest = tmp_path / "d"
    dest.mkdir()
    (dest / "old").write_text("1")
    with _outputs.atomic_dir(dest, force=True) as tmp:
        (tmp / "new").write_text("2")
    assert os.listdir(dest) == ["new"] and os.listdir(tmp_path) == ["d"]


def test_config_estimators_string_is_one_name():
    from infopix.report import resolve_params

    p = resolve_params({"intensity": {"estimators": "nsb"}}, sections=["intensity"])
    assert p["intensity"]["estimators"] == "nsb"
    report = infopix.analyze(np.tile(np.arange(8, dtype=np.uint8), (8, 1)), sections=["intensity"],
                             config={"intensity": {"estimators": "nsb"}})
    names = {q.get("estimator") for q in report.to_dict()["sections"]["intensity"]["results"].values()
             if isinstance(q, dict)}
    assert "nsb" in names and not ({"n", "s", "b"} & names)


@pytest.mark.parametrize("quick", [False, True])
def test_analyze_refuses_an_image_too_big_for_memory(img, tmp_path, monkeypatch, quick):
    """The estimate is checked before any work; the error names the chunked path, and
    recommends --quick only when it was not given (and would fit)."""
    from infopix.cli import analyze as cli_analyze

    npix = 24 * 20
    need_quick = cli_analyze.BASE_BYTES + cli_analyze.BYTES_PER_PIXEL[True] * npix
    # available: enough for --quick, not for the full report
    monkeypatch.setattr(cli_analyze, "available_memory", lambda: need_quick + 1 if not quick else need_quick - 1)
    argv = ["analyze", str(img), "-o", str(tmp_path / "rep")] + (["--quick"] if quick else [])
    line = _one_line(CliRunner().invoke(app, argv), code=1, names=["a.png", "24 x 20", "localmap", "--chunks"])
    assert ("--quick needs" in line) == (not quick)
    assert os.listdir(tmp_path) == []
