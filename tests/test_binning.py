"""One binning everywhere (issue 15): every public entry point that bins gives the codes
and counts of ``numpy.histogram`` (float bins) or ``value - offset`` (integer levels).

The reference (:func:`_ref_codes`) is written here, independently of
:mod:`infopix._binning`: each value's bin is the one ``numpy.histogram`` puts it in
(one value at a time), over the default range the documentation states. Every entry
point is compared with it exactly (codes and counts are integers; entropies computed
from the reference counts agree to 1e-12, the fixed-point accuracy of the local maps).
"""

from __future__ import annotations

import math
import pathlib
import warnings
from collections import Counter

import numpy as np
import pytest

import infopix
from infopix import _binning, local, scale, spatial

RNG_SEED = 20261129
TOL = {"rtol": 1e-12, "atol": 1e-12}


# ------------------------------------------------------------------ the reference
def _ref_binning(img, bins, rng_, mask):
    """('levels', offset, K) or ('bins', lo, hi, K): the documented default rules."""
    fixed = {"b": (0, 2), "u1": (0, 256), "i1": (-128, 256), "u2": (0, 65536), "i2": (-32768, 65536)}
    key = "b" if img.dtype == bool else f"{img.dtype.kind}{img.dtype.itemsize}"
    sel = img if mask is None else img[mask]
    if bins is None and rng_ is None and img.dtype.kind in "biu":
        if key in fixed:
            return ("levels", *fixed[key])
        return ("levels", int(sel.min()), int(sel.max()) - int(sel.min()) + 1)
    K = 256 if bins is None else bins
    if rng_ is not None:
        lo, hi = rng_
    elif key in fixed:
        lo, hi = fixed[key][0], fixed[key][0] + fixed[key][1]
    else:
        lo, hi = float(sel.min()), float(sel.max())
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
    return ("bins", float(lo), float(hi), K)


def _ref_codes(img, spec, mask=None):
    """Code of every pixel (masked pixels: -1), one value at a time."""
    out = np.full(img.shape, -1, dtype=np.int64)
    for idx in np.ndindex(img.shape):
        if mask is not None and not mask[idx]:
            continue
        x = img[idx]
        if spec[0] == "levels":
            out[idx] = int(x) - spec[1]
        else:
            _, lo, hi, K = spec
            h = np.histogram([float(x)], bins=K, range=(lo, hi))[0]
            assert h.sum() == 1, f"{x!r} outside the reference range"
            out[idx] = int(np.argmax(h))
    return out


def _K(spec):
    return spec[2] if spec[0] == "levels" else spec[3]


def _plugin_bits(counts) -> float:
    c = np.asarray([x for x in counts if x > 0], dtype=np.float64)
    n = c.sum()
    return float(math.log2(n) - np.dot(c, np.log2(c)) / n)


# ------------------------------------------------------------------ the cases
def _edge_floats():
    """Values on every edge of 10 bins over (0, 1), 0.3, the last edge 1.0, and noise."""
    rng = np.random.default_rng(RNG_SEED)
    v = np.concatenate([np.linspace(0, 1, 11), [0.3, 0.3, 1.0, 0.7], rng.random(27)])
    return rng.permutation(v).reshape(6, 7)


def _negative_floats():
    """Negative values, edges of 8 bins over (-2.5, 1.5) (edge 0 is -0.0), both ends."""
    rng = np.random.default_rng(RNG_SEED + 1)
    v = np.concatenate([np.linspace(-2.5, 1.5, 9), [-0.0, -1e-300, -2.5, 1.5], rng.uniform(-2.5, 1.5, 29)])
    return rng.permutation(v).reshape(6, 7)


def _nan_floats():
    img = _edge_floats().copy()
    mask = np.ones(img.shape, bool)
    img[1, 2] = img[4, 0] = np.nan
    img[3, 3] = np.inf
    mask[1, 2] = mask[4, 0] = mask[3, 3] = False
    return img, mask


def _uint8():
    rng = np.random.default_rng(RNG_SEED + 2)
    v = np.concatenate([[0, 255, 15, 16, 128, 240, 239], rng.integers(0, 256, 35)]).astype(np.uint8)
    return v.reshape(6, 7)


def _masked_uint8():
    img = _uint8()
    mask = np.random.default_rng(RNG_SEED + 3).random(img.shape) < 0.7
    return img, mask


def _masked_floats():
    """The default range comes from the counted pixels only (the extremes are masked)."""
    img = _negative_floats()
    mask = (img > -2.0) & (img < 1.0)
    return img, mask


_NAN_IMG, _NAN_MASK = _nan_floats()
_MU8, _MU8_MASK = _masked_uint8()
_MF, _MF_MASK = _masked_floats()

# (id, image, bins, range, mask)
CASES = [
    ("edges-0.3-last", _edge_floats(), 10, (0.0, 1.0), None),
    ("edges-default-range", _edge_floats(), 10, None, None),
    ("negative-floats", _negative_floats(), 8, (-2.5, 1.5), None),
    ("negative-default-range", _negative_floats(), 7, None, None),
    ("float32", _negative_floats().astype(np.float32), 5, None, None),
    ("uint8-levels", _uint8(), None, None, None),
    ("uint8-bins16-dtype-range", _uint8(), 16, None, None),
    ("uint8-bins10-range", _uint8(), 10, (0, 256), None),
    ("int8-levels", (_uint8().astype(np.int16) - 128).astype(np.int8), None, None, None),
    ("int32-levels", _uint8().astype(np.int32) * 3 - 200, None, None, None),
    ("int32-bins", _uint8().astype(np.int32) * 3 - 200, 6, None, None),
    ("bool", _uint8() > 100, None, None, None),
    ("nan-masked", _NAN_IMG, 5, (0.0, 1.0), _NAN_MASK),
    ("nan-masked-default-range", _NAN_IMG, 5, None, _NAN_MASK),
    ("masked-uint8", _MU8, None, None, _MU8_MASK),
    ("masked-uint8-bins", _MU8, 6, None, _MU8_MASK),
    ("masked-floats-default-range", _MF, 6, None, _MF_MASK),
]
IDS = [c[0] for c in CASES]
UNMASKED = [c for c in CASES if c[4] is None]
UNMASKED_IDS = [c[0] for c in UNMASKED]
COLOUR = [c for c in CASES if c[1].dtype != bool]  # colour images are not bool
# spatial's default integer alphabet is the observed one (test_spatial), not a binning
SPATIAL_BINNED = [c for c in UNMASKED if c[2] is not None or c[3] is not None]


def _expected(img, bins, rng_, mask):
    spec = _ref_binning(img, bins, rng_, mask)
    codes = _ref_codes(img, spec, mask)
    counts = np.bincount(codes[codes >= 0].ravel(), minlength=_K(spec))
    return spec, codes, counts


def test_the_reference_is_numpy_histogram():
    """The reference itself: 0.3 with 10 bins over (0, 1) is in bin 2 (numpy's edge 3 is
    0.30000000000000004), 1.0 in the closed last bin, -2.5 in bin 0."""
    spec = ("bins", 0.0, 1.0, 10)
    assert _ref_codes(np.array([0.3, 1.0, 0.0, 0.5]), spec).tolist() == [2, 9, 0, 5]
    assert np.linspace(0, 1, 11)[3] > 0.3
    assert _ref_codes(np.array([-2.5, 1.5, -0.0]), ("bins", -2.5, 1.5, 8)).tolist() == [0, 7, 5]


# ------------------------------------------------------------ entry points that bin
@pytest.mark.parametrize("name, img, bins, rng_, mask", CASES, ids=IDS)
def test_binning_object_codes_and_counts(name, img, bins, rng_, mask):
    spec, codes, counts = _expected(img, bins, rng_, mask)
    b = _binning.binning_for(img, bins, rng_, mask)
    assert b.n_outcomes == _K(spec)
    got = b.codes(img, mask).astype(np.int64)
    sel = codes >= 0
    np.testing.assert_array_equal(got[sel], codes[sel])
    np.testing.assert_array_equal(b.counts(img, mask), counts)


@pytest.mark.parametrize("name, img, bins, rng_, mask", CASES, ids=IDS)
def test_intensity_counts(name, img, bins, rng_, mask):
    spec, codes, counts = _expected(img, bins, rng_, mask)
    c = infopix.intensity_counts(img, bins=bins, range=rng_, mask=mask)
    np.testing.assert_array_equal(c.counts, counts)
    assert c.n_outcomes == _K(spec)
    if spec[0] == "bins":
        np.testing.assert_array_equal(c.edges, np.linspace(spec[1], spec[2], spec[3] + 1))
        # numpy.histogram over the counted values gives the same counts
        sel = img if mask is None else img[mask]
        np.testing.assert_array_equal(
            c.counts, np.histogram(sel.astype(np.float64), bins=spec[3], range=spec[1:3])[0]
        )
    else:
        assert c.edges is None and c.offset == spec[1]
    # the per-pixel codes behind intensity_entropy_estimate's surprisal field
    from infopix.uncertainty import intensity_codes

    got, valid, _ = intensity_codes(img, bins=bins, range=rng_, mask=mask)
    sel = codes >= 0
    np.testing.assert_array_equal(got[sel], codes[sel])


@pytest.mark.parametrize("name, img, bins, rng_, mask", COLOUR, ids=[c[0] for c in COLOUR])
def test_joint_colour_bins_each_channel_by_the_one_rule(name, img, bins, rng_, mask):
    """Each channel is coded as a grey image would be (the same values in every channel,
    so the joint range is the grey image's), then the codes are combined."""
    rgb = np.stack([img, np.roll(img, 1, axis=1), img[::-1]], axis=-1)
    m = None if mask is None else mask & np.roll(mask, 1, axis=1) & mask[::-1]
    # one binning for all channels: the default range over the counted colours' values
    spec = _ref_binning(rgb, bins, rng_, None if m is None else np.broadcast_to(m[..., None], rgb.shape))
    K = _K(spec)
    per = [_ref_codes(rgb[..., c], spec, m) for c in range(3)]
    sel = per[0] >= 0
    colours = (per[0][sel] * K + per[1][sel]) * K + per[2][sel]
    expected = np.unique(colours, return_counts=True)[1]
    c = infopix.intensity_counts(rgb, bins=bins, range=rng_, mask=m, channel="joint")
    np.testing.assert_array_equal(c.counts, expected)
    assert c.n_outcomes == K**3


def test_joint_colour_0_3_is_in_bin_2_as_in_grey():
    """The documented fix: joint colour used a floor rule that put 0.3 (10 bins over
    (0, 1)) in bin 3; it now follows numpy.histogram, as intensity_counts does."""
    rgb = np.zeros((1, 2, 3))
    rgb[0, 0] = 0.3
    rgb[0, 1] = [0.25, 0.35, 0.3]  # bins 2, 3, 2: a different colour only if 0.3 is in bin 2
    c = infopix.intensity_counts(rgb, bins=10, range=(0, 1), channel="joint")
    assert sorted(c.counts.tolist()) == [1, 1]
    b = c.binning
    assert b.codes(np.array([0.3, 0.25, 0.35])).tolist() == [2, 2, 3]
    assert infopix.intensity_counts(np.array([[0.3, 0.0]]), bins=10, range=(0, 1)).counts[2] == 1


@pytest.mark.parametrize("name, img, bins, rng_, mask", UNMASKED, ids=UNMASKED_IDS)
def test_local_maps(name, img, bins, rng_, mask):
    """The local map's codes are the reference codes, and its entropy map equals a
    plug-in entropy slid over the reference codes (mapbox)."""
    spec, codes, _ = _expected(img, bins, rng_, mask)
    got, K = local._codes(img, bins, rng_)
    np.testing.assert_array_equal(got, codes)
    assert K == _K(spec)
    for edge in ("clip", "wrap"):
        ref = infopix.mapbox(codes, 1, lambda w: _plugin_bits(np.bincount(w.ravel())), edge=edge)
        np.testing.assert_allclose(infopix.local_entropy(img, 1, bins=bins, range=rng_, edge=edge), ref, **TOL)
    # block maps bin the same way
    ref = infopix.mapblocks(codes, 2, 3, lambda w: _plugin_bits(np.bincount(w.ravel())))
    np.testing.assert_allclose(infopix.block_entropy_map(img, 2, 3, bins=bins, range=rng_), ref, **TOL)


@pytest.mark.parametrize("name, img, bins, rng_, mask", UNMASKED, ids=UNMASKED_IDS)
def test_entropy_vs_scale_fixed_bins(name, img, bins, rng_, mask):
    """At sigma = 0 the fixed bins count the image as intensity_counts does (integer
    levels as bins centred on the levels)."""
    spec, _, counts = _expected(img, bins, rng_, mask)
    b = scale._fixed_bins(img, bins, rng_, "reflect", 0.0)
    np.testing.assert_array_equal(b.counts(img.astype(np.float64)), counts)
    curve = infopix.entropy_vs_scale(img, [0.0, 1.0], bins=bins, range=rng_)
    assert curve.bins == _K(spec)
    assert curve.entropies[0] == pytest.approx(_plugin_bits(counts), abs=1e-12)
    assert curve.entropies[0] == pytest.approx(infopix.intensity_entropy(img, bins=bins, range=rng_), abs=1e-12)


def _pattern_bits(codes, offsets):
    M, N = codes.shape
    dys = [o[0] for o in offsets]
    dxs = [o[1] for o in offsets]
    y0, y1 = max(0, -min(dys)), M - max(0, max(dys))
    x0, x1 = max(0, -min(dxs)), N - max(0, max(dxs))
    pats = Counter(
        tuple(int(codes[y + dy, x + dx]) for dy, dx in offsets) for y in range(y0, y1) for x in range(x0, x1)
    )
    return _plugin_bits(list(pats.values()))


@pytest.mark.parametrize("name, img, bins, rng_, mask", SPATIAL_BINNED, ids=[c[0] for c in SPATIAL_BINNED])
def test_spatial_pair_mi_block(name, img, bins, rng_, mask):
    """Spatial symbols with ``bins`` are the reference codes; pair entropy, MI and block
    entropy equal plug-in counts of the reference codes' patterns."""
    spec, codes, _ = _expected(img, bins, rng_, mask)
    sym, L = spatial._symbols(img, bins, rng_)
    np.testing.assert_array_equal(sym, codes)
    assert L == _K(spec)
    kw = {"bins": bins, "range": rng_}
    h = _pattern_bits(codes, [(0, 0), (0, 1)])
    assert infopix.pair_entropy(img, (0, 1), **kw) == pytest.approx(h, abs=1e-12)
    mi = _pattern_bits(codes[:, :-1], [(0, 0)]) + _pattern_bits(codes[:, 1:], [(0, 0)]) - h
    assert infopix.mutual_information(img, (0, 1), **kw) == pytest.approx(mi, abs=1e-12)
    blk = _pattern_bits(codes, [(0, 0), (0, 1), (1, 0), (1, 1)])
    assert infopix.block_entropy(img, 2, **kw) == pytest.approx(blk, abs=1e-12)


@pytest.mark.parametrize("name, img, bins, rng_, mask", UNMASKED, ids=UNMASKED_IDS)
def test_chunked_dask_maps(name, img, bins, rng_, mask):
    """Chunked maps bin every chunk by the whole image's binning (default ranges from
    the global min and max), so they equal the in-memory map and the reference."""
    da = pytest.importorskip("dask.array")
    _, codes, _ = _expected(img, bins, rng_, mask)
    ref = infopix.mapbox(codes, 1, lambda w: _plugin_bits(np.bincount(w.ravel())))
    lazy = infopix.local_entropy(da.from_array(img, chunks=(2, 3)), 1, bins=bins, range=rng_)
    np.testing.assert_allclose(lazy.compute(scheduler="synchronous"), ref, **TOL)
    lap = infopix.local_expected(da.from_array(img, chunks=(4, 2)), 1, "laurent", bins=bins, range=rng_)
    ref_l = infopix.mapbox(codes, 1, lambda w: np.count_nonzero(np.bincount(w.ravel())) - 1.0)
    np.testing.assert_allclose(lap.compute(scheduler="synchronous"), ref_l, **TOL)


def test_dask_dispatch_lives_in_one_place():
    """local.py has no Dask branch of its own (nor the old contradicting boundary
    table): its maps are wrapped once by infopix._dask.dispatch_dask, keeping their
    signatures."""
    import inspect

    source = inspect.getsource(local)
    assert 'startswith("dask.")' not in source and "import map_local_dask" not in source
    assert "DASK_BOUNDARY" not in source
    for f in (infopix.local_entropy, infopix.local_expected, infopix.local_mean, infopix.local_std):
        assert list(inspect.signature(f).parameters)[:2] == ["image", "radius"]
        assert f.__wrapped__.__module__ == "infopix.local"


# ------------------------------------------------------------------------ errors
def test_nan_and_out_of_range_are_never_dropped():
    img, mask = _nan_floats()
    for call in (
        lambda: infopix.intensity_counts(img, bins=5, range=(0, 1)),
        lambda: infopix.intensity_counts(img, bins=5),
        lambda: _binning.binning_for(img, 5, (0, 1)).counts(img),
        lambda: _binning.binning_for(img, 5, (0, 1)).codes(img),
    ):
        with pytest.raises(ValueError, match=r"3 NaN or inf pixel\(s\).*mask=np.isfinite"):
            call()
    edges = _edge_floats()
    n_out = int(np.count_nonzero(edges > 0.5))
    with pytest.raises(ValueError, match=rf"`range` \(0, 0.5\) excludes {n_out} pixel value"):
        infopix.intensity_counts(edges, bins=5, range=(0, 0.5))
    b = _binning.binning_for(np.arange(4, dtype=np.int32))
    assert (b.offset, b.n_outcomes) == (0, 4)
    with pytest.raises(ValueError, match=r"1 pixel value\(s\) lie outside the 4 integer levels \[0, 3\]"):
        b.counts(np.array([0, 1, 7], dtype=np.int32))
    with pytest.raises(TypeError, match="cannot bin a float image"):
        b.codes(np.zeros(3))


def test_too_many_integer_levels_is_one_error_everywhere():
    wide = np.array([[0, 5], [-3, 10**9]], dtype=np.int64)
    match = r"`image` of dtype int64 spans 1000000004 integer levels \(more than 16777216\); pass `bins`"
    calls = [
        lambda: infopix.intensity_counts(wide),
        lambda: infopix.local_entropy(wide, 1),
        lambda: infopix.block_entropy_map(wide, 1, 1),
        lambda: infopix.entropy_vs_scale(wide, [0, 1]),
    ]
    da = pytest.importorskip("dask.array")
    calls.append(lambda: infopix.local_entropy(da.from_array(wide, chunks=1), 1))
    for call in calls:
        with pytest.raises(ValueError, match=match):
            call()
    # the message is written once in the package
    src = pathlib.Path(infopix.__file__).parent
    n = sum(p.read_text().count("integer levels (more than") for p in src.rglob("*.py"))
    assert n == 1


# ------------------------------------------------------------------- N-D arrays
def test_binning_is_dimension_free():
    rng = np.random.default_rng(RNG_SEED + 4)
    vol = rng.normal(size=(4, 5, 6))
    b = _binning.binning_for(vol, 9)
    assert b.codes(vol).shape == vol.shape
    np.testing.assert_array_equal(b.counts(vol), np.histogram(vol, bins=9, range=(vol.min(), vol.max()))[0])
    np.testing.assert_array_equal(b.codes(vol), _ref_codes(vol, _ref_binning(vol, 9, None, None)))
    u = rng.integers(0, 256, (3, 4, 5)).astype(np.uint8)
    bu = _binning.binning_for(u)
    np.testing.assert_array_equal(bu.counts(u), np.bincount(u.ravel(), minlength=256))
    assert np.shares_memory(bu.codes(u), u)  # uint8 levels are their own codes, read in place
    m = rng.random(u.shape) < 0.5
    np.testing.assert_array_equal(bu.counts(u, m), np.bincount(u[m], minlength=256))


def test_resolved_binning_is_reusable():
    """A resolved binning bins another image alike (the per-image context of #15)."""
    img = _edge_floats()
    c = infopix.intensity_counts(img, bins=10)
    other = np.clip(img * 0.5 + 0.2, 0, 1)
    again = infopix.intensity_counts(other, bins=c.binning)
    np.testing.assert_array_equal(
        again.counts, np.histogram(other, bins=10, range=(img.min(), img.max()))[0]
    )
    np.testing.assert_allclose(
        infopix.local_entropy(other, 1, bins=c.binning),
        infopix.local_entropy(other, 1, bins=10, range=(img.min(), img.max())),
        **TOL,
    )
    with pytest.raises(ValueError, match="`range` must be None"):
        infopix.intensity_counts(other, bins=c.binning, range=(0, 1))


# ---------------------------------------------------------------- masked arrays
def _estimate(im, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # small image: the error is a lower bound
        e = infopix.intensity_entropy_estimate(im, **kw)
    return (e.value, e.std)


def _masked_array():
    rng = np.random.default_rng(RNG_SEED + 5)
    img = rng.integers(0, 256, (20, 24)).astype(np.uint8)
    return np.ma.masked_array(img, mask=rng.random(img.shape) < 0.3)


@pytest.mark.parametrize(
    "func",
    [
        lambda im, **kw: infopix.intensity_entropy(im, **kw),
        lambda im, **kw: infopix.intensity_entropy(im, estimator="miller_madow", **kw),
        lambda im, **kw: infopix.intensity_entropy(im, alpha=2, bins=7, **kw),
        lambda im, **kw: infopix.intensity_counts(im, **kw).counts.tolist(),
        lambda im, **kw: infopix.intensity_distribution(im, bins=5, **kw).tolist(),
        lambda im, **kw: infopix.intensity_expected("laurent", im, **kw),
        lambda im, **kw: _estimate(im, **kw),
    ],
)
def test_masked_arrays_equal_mask(func):
    """A numpy.ma array's masked pixels are not counted: the same as ``mask=~ma.mask``
    (infopix masks mark the pixels counted, numpy.ma masks the invalid ones), and an
    explicit ``mask`` is combined with it."""
    ma = _masked_array()
    assert func(ma) == func(ma.data, mask=~ma.mask)
    assert func(ma) != func(ma.data)  # the mask matters for this image
    extra = np.zeros(ma.shape, bool)
    extra[:10] = True
    assert func(ma, mask=extra) == func(ma.data, mask=extra & ~ma.mask)
    float_ma = np.ma.masked_invalid(np.where(ma.mask, np.nan, ma.data / 255.0))
    assert func(float_ma) == func(float_ma.data, mask=~float_ma.mask)


def test_masked_colour_array():
    ma = _masked_array()
    rgb = np.ma.masked_array(np.stack([ma.data] * 3, axis=-1), mask=np.zeros(ma.shape + (3,), bool))
    rgb.mask[..., 1] = ma.mask  # one masked channel masks the pixel
    for ch in ("luminance", "joint", 0):
        assert infopix.intensity_entropy(rgb, channel=ch) == infopix.intensity_entropy(
            rgb.data, channel=ch, mask=~ma.mask
        )


def test_masked_array_selecting_nothing():
    ma = np.ma.masked_all((3, 3), dtype=np.uint8)
    with pytest.raises(ValueError, match="together select no pixel"):
        infopix.intensity_entropy(ma)


@pytest.mark.parametrize(
    "call",
    [
        lambda im: infopix.local_entropy(im, 1),
        lambda im: infopix.local_mean(im, 1),
        lambda im: infopix.block_entropy_map(im, 2, 2),
        lambda im: infopix.entropy_vs_scale(im, [0, 1]),
        lambda im: infopix.gaussian_blur(im, 1.0),
        lambda im: infopix.pair_entropy(im),
        lambda im: infopix.mutual_information_profile(im, [1, 2]),
        lambda im: infopix.box_counting_dimension(im > 100),
        lambda im: infopix.mapbox(im, 1, np.mean),
    ],
)
def test_masked_arrays_are_refused_where_there_is_no_mask(call):
    """Functions without ``mask=`` never drop a numpy.ma mask silently."""
    ma = _masked_array()
    with pytest.raises(ValueError, match=r"numpy.ma masked array with \d+ masked value.*takes no `mask`"):
        call(ma)
    call(np.ma.masked_array(ma.data))  # nothing masked: accepted


def test_masked_array_without_masked_values_is_the_array():
    ma = np.ma.masked_array(_masked_array().data)
    np.testing.assert_array_equal(infopix.local_entropy(ma, 1), infopix.local_entropy(ma.data, 1))


# ------------------------------------------------------------ the levels alias
SPATIAL = [
    lambda im, **kw: infopix.pair_entropy(im, (0, 1), **kw),
    lambda im, **kw: infopix.mutual_information(im, (1, 0), **kw),
    lambda im, **kw: infopix.mutual_information_profile(im, [1, 2], **kw).mi.tolist(),
    lambda im, **kw: infopix.conditional_entropy(im, **kw),
    lambda im, **kw: infopix.block_entropy(im, 2, **kw),
    lambda im, **kw: infopix.entropy_density(im, max_neighbours=3, **kw).value,
    lambda im, **kw: infopix.computable_information_density(im, rng=1, **kw).cid,
]


@pytest.mark.parametrize("func", SPATIAL)
def test_levels_is_a_deprecated_alias_of_bins(func):
    img = np.random.default_rng(RNG_SEED + 6).random((16, 16))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        new = func(img, bins=4)  # no warning
    with pytest.warns(DeprecationWarning, match="`levels` is deprecated.*use `bins`"):
        old = func(img, levels=4)
    assert old == new
    with pytest.raises(TypeError, match="`bins` .* and its deprecated alias `levels`"), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        func(img, bins=4, levels=4)


def test_byte_order_does_not_change_the_binning():
    """'>u2' has uint16's 65536 levels (and '>f8' bins as float64), also when the
    binning is used directly, without check_image's conversion."""
    rng = np.random.default_rng(RNG_SEED + 7)
    u = rng.integers(0, 4000, (5, 6)).astype(np.uint16)
    f = rng.normal(size=(5, 6))
    for native, bins in ((u, None), (u, 9), (f, 7)):
        swapped = native.astype(native.dtype.newbyteorder(">" if native.dtype.byteorder != ">" else "<"))
        b = _binning.binning_for(native, bins)
        assert _binning.binning_for(swapped, bins) == b
        np.testing.assert_array_equal(b.counts(swapped), b.counts(native))
        np.testing.assert_array_equal(b.codes(swapped), b.codes(native))
        np.testing.assert_array_equal(
            infopix.intensity_counts(swapped, bins=bins).counts, infopix.intensity_counts(native, bins=bins).counts
        )
