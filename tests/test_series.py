"""Series mode (issue 17): a 'tyx' stack analysed frame by frame, in the library
(infopix.per_frame), the registry (measures.series_rows) and batch (one row per frame)."""

import numpy as np
import pandas as pd
import pytest
import tifffile

import infopix
import infopix.batch as batch
from infopix import measures

SEED = 4_417


def _stack(t=4, shape=(24, 20)):
    rng = np.random.default_rng(SEED)
    # frames with different numbers of levels, so each frame's value differs
    return np.stack([rng.integers(0, 2 + 3 * k, shape).astype(np.uint8) for k in range(t)])


@pytest.mark.parametrize("func, kw, attr", [
    (infopix.intensity_entropy, {}, None),
    (infopix.mutual_information, {"offset": (0, 1)}, None),
    (infopix.block_entropy, {"n": 2}, None),
    (infopix.gaussian_blur, {"sigma": 1.5}, None),
    (infopix.entropy_vs_scale, {"scales": [0, 1, 2]}, "entropies"),
])
def test_per_frame_equals_the_2d_function_on_each_frame(func, kw, attr):
    stack = _stack()
    r = infopix.per_frame(func, stack, **kw)
    assert len(r) == stack.shape[0] and r.frames.tolist() == list(range(stack.shape[0]))
    for t in range(stack.shape[0]):
        ref = func(stack[t], **kw)
        got = r[t]
        if attr is not None:
            got, ref = getattr(got, attr), getattr(ref, attr)
        np.testing.assert_array_equal(got, ref)  # the same call: bit-identical


@pytest.mark.filterwarnings("ignore::infopix.fractal.FractalWarning")  # random frames are not fractal
def test_per_frame_values_plot_and_errors():
    stack = _stack()
    r = infopix.per_frame(infopix.intensity_entropy, stack)
    np.testing.assert_array_equal(r.values(), [infopix.intensity_entropy(f) for f in stack])
    c = infopix.per_frame(infopix.box_counting_dimension, stack > 0)
    np.testing.assert_array_equal(c.values("dimension"), [infopix.box_counting_dimension(f > 0).dimension for f in stack])
    r.plot()
    seen = []
    infopix.per_frame(infopix.intensity_entropy, stack, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    with pytest.raises(ValueError, match=r"`stack` expects a \(T, Y, X\) series.*2-D array"):
        infopix.per_frame(infopix.intensity_entropy, stack[0])
    with pytest.raises(TypeError, match=r"`func` expects a function"):
        infopix.per_frame("entropy", stack)
    with pytest.raises(ValueError, match=r"frame 0: `offset`"):
        infopix.per_frame(infopix.mutual_information, stack, (0, 0, 1))
    with pytest.raises(ValueError, match=r"`attribute` 'nope'"):
        c.values("nope")


def test_registry_series_rows_equal_each_frame_as_an_image():
    stack = _stack(3)
    names = ["intensity", "spatial"]
    params = measures.resolve_params({"intensity": {"estimators": ["plugin", "miller_madow"]}}, measures=names)
    rows = measures.series_rows(stack, names, params)
    assert [r["frame"] for r in rows] == [0, 1, 2]
    for t, row in enumerate(rows):
        ctx = measures.ImageContext(stack[t])
        ref = {}
        for m in measures.resolve(names):
            ref.update(m.row(m.compute(ctx, dict(params[m.name])), params[m.name]))
        assert set(row) == {"frame", *ref}
        for k, v in ref.items():
            assert row[k] == v or (np.isnan(row[k]) and np.isnan(v)), k


def test_batch_gives_one_row_per_frame(tmp_path):
    stack = _stack(3)
    f = tmp_path / "series.tif"
    tifffile.imwrite(f, stack, imagej=True, metadata={"axes": "TYX"})
    img = tmp_path / "image.png"
    infopix.write_image(img, stack[1])
    cfg = {"intensity": {"estimators": ["plugin"]}}
    out = tmp_path / "res.parquet"
    df = batch.run(tmp_path, ["intensity"], config=cfg, out=out)
    assert df["status"].tolist() == ["ok"] * 4
    series = df[df["path"] == str(f)]
    assert series["frame"].tolist() == [0, 1, 2]
    assert series["intensity.shannon"].tolist() == [infopix.intensity_entropy(fr) for fr in stack]
    assert series["shape"].unique().tolist() == ["3x24x20"]
    single = df[df["path"] == str(img)]
    assert single["frame"].isna().all() and single["intensity.shannon"].iloc[0] == series["intensity.shannon"].iloc[1]
    # stored and resumed: every frame kept, nothing recomputed
    stored = batch.read_results(out)
    assert len(stored) == 4 and sorted(stored["frame"].dropna().tolist()) == [0, 1, 2]
    seen = []
    again = batch.run(tmp_path, ["intensity"], config=cfg, out=out, resume=True,
                      progress=lambda d, t, r: seen.append(r["path"]))
    assert seen == [] and len(again) == 4
    pd.testing.assert_frame_equal(again.reset_index(drop=True), df.reset_index(drop=True))
    # process_image names the series' remedy
    row = batch.process_image(str(f), ["intensity"], cfg)
    assert row["status"] == "error" and "process_file gives one row per frame" in row["error"]
