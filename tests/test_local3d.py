"""Local maps of (Z, Y, X) volumes (issue 17): the fast 3-D maps against 3-D mapbox,
scikit-image's 3-D rank entropy, scipy.ndimage's uniform filter, and chunked (Dask)
maps against in-memory ones.

The kernels are the 2-D walks generalised (a 2-D image is one plane), so the 2-D tests
in test_local.py exercise the same code; these add the third axis, per-axis radii and
the plane steps of the walk.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import infopix
from infopix.estimators import ESTIMATORS
from naive_local import source_index
from test_local import _make_image, _ref_expected, _ref_renyi, _window_counts

EDGES = ("clip", "reflect", "wrap")
SEED = 20261129
# As in test_local.py: fast maps and references sum in different orders, so they differ
# by a few ulp of values <= log2(12^3) (entropies) or of the data's magnitude.
TOL = {"rtol": 1e-12, "atol": 1e-12}


def _volume(kind, shape, levels, seed):
    return _make_image(kind, shape, levels, seed)


# --------------------------------------------------------------- 3-D mapbox itself
@pytest.mark.parametrize("edge", EDGES)
def test_mapbox_3d_windows_are_the_index_formulas(edge):
    """3-D mapbox's windows hold exactly the voxels the edge policy's index formulas
    name (naive_local.source_index per axis), per-axis radii included."""
    vol = np.random.default_rng(SEED).random((3, 4, 5))

    def fingerprint(vals):
        s = np.sort(np.asarray(vals, dtype=float).ravel())
        return float(np.sum(s * np.arange(1, s.size + 1) ** 1.5)) + 1000.0 * s.size

    for rad in ((1, 2, 0), (4, 1, 3)):
        got = infopix.mapbox(vol, rad, fingerprint, edge=edge)
        ref = np.empty(vol.shape)
        for z, i, j in np.ndindex(vol.shape):
            vals = []
            for dz in range(-rad[0], rad[0] + 1):
                for di in range(-rad[1], rad[1] + 1):
                    for dj in range(-rad[2], rad[2] + 1):
                        idx = [source_index(c + d, n, edge) for c, d, n in zip((z, i, j), (dz, di, dj), vol.shape)]
                        if None not in idx:
                            vals.append(vol[tuple(idx)])
            ref[z, i, j] = fingerprint(vals)
        np.testing.assert_allclose(got, ref, rtol=1e-13)


# ------------------------------------------------ fast maps against mapbox (hypothesis)
_radius = st.one_of(
    st.integers(0, 6),
    st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 6)),
)


@st.composite
def _cases(draw):
    shape = tuple(draw(st.integers(1, 12)) for _ in range(3))
    if np.prod(shape) < 2:
        shape = (1, 1, 2)
    return {
        "shape": shape,
        "radius": draw(_radius),
        "edge": draw(st.sampled_from(EDGES)),
        "kind": draw(st.sampled_from(["uint8", "uint16", "float"])),
        "levels": draw(st.sampled_from([2, 5, 256])),
        "alpha": draw(st.sampled_from([0.0, 0.5, 2.0, np.inf])),
        "estimator": draw(st.sampled_from(["miller_madow", "chao_shen", "grassberger"])),
        "seed": draw(st.integers(0, 2**32 - 1)),
    }


@settings(max_examples=20, deadline=None)
@given(_cases())
def test_fast_3d_maps_equal_mapbox(case):
    """Every fast map of a volume equals 3-D mapbox with its function on every voxel,
    edges included: shapes up to 12^3, radii 0..6 (per axis too), every edge policy,
    uint8/uint16/float (floats binned once over the whole volume's range)."""
    vol = _volume(case["kind"], case["shape"], case["levels"], case["seed"])
    rad, edge = case["radius"], case["edge"]
    if vol.dtype.kind == "f":
        bins = 256
        lo, hi = float(vol.min()), float(vol.max())
        lohi = (lo, hi) if lo < hi else (lo - 0.5, hi + 0.5)
    else:
        bins, lohi = None, None

    def check(fast, ref):
        assert fast.shape == vol.shape
        np.testing.assert_allclose(fast, infopix.mapbox(vol, rad, ref, edge=edge), **TOL)

    check(infopix.local_entropy(vol, rad, edge=edge), _ref_renyi(1.0, bins, lohi))
    check(infopix.local_entropy(vol, rad, edge=edge, alpha=case["alpha"]), _ref_renyi(case["alpha"], bins, lohi))
    est = case["estimator"]

    def ref_est(w):
        return infopix.entropy_from_counts(_window_counts(w, bins, lohi), estimator=est,
                                           n_outcomes=bins or (256 if vol.dtype == np.uint8 else 65536)).value

    check(infopix.local_entropy(vol, rad, edge=edge, estimator=est), ref_est)
    check(infopix.local_expected(vol, rad, "taylor", edge=edge), _ref_expected("taylor", bins, lohi))
    check(infopix.local_mean(vol, rad, edge=edge), np.mean)
    check(infopix.local_std(vol, rad, edge=edge), np.std)


@pytest.mark.parametrize("estimator", sorted(ESTIMATORS))
def test_every_estimator_on_volumes(estimator):
    """Each registered estimator's 3-D map equals entropy_from_counts per window (the
    walk's plane steps and per-axis radii with every kind of estimator kernel), with its
    posterior std where it has one."""
    vol = _volume("uint8", (4, 5, 6), 5, SEED + 1)
    has_std = ESTIMATORS[estimator].std_kernel is not None
    for edge, rad in (("clip", 1), ("reflect", (0, 1, 2)), ("wrap", (2, 0, 1))):
        def ref(w, what="value"):
            r = infopix.entropy_from_counts(_window_counts(w), estimator=estimator, n_outcomes=256)
            return getattr(r, what)

        got = infopix.local_entropy(vol, rad, edge=edge, estimator=estimator, return_std=has_std)
        H, S = got if has_std else (got, None)
        np.testing.assert_allclose(H, infopix.mapbox(vol, rad, ref, edge=edge), rtol=1e-11, atol=1e-11)
        if has_std:
            np.testing.assert_allclose(S, infopix.mapbox(vol, rad, lambda w: ref(w, "std"), edge=edge),
                                       rtol=1e-11, atol=1e-11)


def test_a_plane_is_the_2d_map_and_thread_counts_agree():
    """A (1, M, N) volume with rz = 0 is the 2-D image's map; maps do not depend on the
    number of threads (strips of lines cross plane boundaries differently)."""
    img = _volume("uint8", (9, 13), 6, SEED + 2)
    for edge in EDGES:
        np.testing.assert_array_equal(infopix.local_entropy(img[None], (0, 2, 1), edge=edge)[0],
                                      infopix.local_entropy(img, (2, 1), edge=edge))
    vol = _volume("uint16", (7, 9, 8), 40, SEED + 3)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = [infopix.local_entropy(vol, 2, edge="wrap"), infopix.local_entropy(vol, 1, estimator="nsb"),
               infopix.local_std(vol, (1, 2, 0))]
        numba.set_num_threads(before)
        many = [infopix.local_entropy(vol, 2, edge="wrap"), infopix.local_entropy(vol, 1, estimator="nsb"),
                infopix.local_std(vol, (1, 2, 0))]
    finally:
        numba.set_num_threads(before)
    for a, b in zip(one, many):
        np.testing.assert_array_equal(a, b)


def test_several_radii_stack_and_huge_clip_radius():
    vol = _volume("uint8", (4, 5, 6), 3, SEED + 4)
    stacked = infopix.local_entropy(vol, [1, (0, 1, 2)])
    assert stacked.shape == (2, *vol.shape)
    np.testing.assert_array_equal(stacked[1], infopix.local_entropy(vol, (0, 1, 2)))
    # clip with a radius beyond every axis: each window is the whole volume
    np.testing.assert_allclose(infopix.local_entropy(vol, 50), infopix.intensity_entropy(vol, channel=None), **TOL)


# -------------------------------------------------------------- external references
@pytest.mark.parametrize("r", [1, 2, 3])
def test_equals_skimage_rank_entropy_3d(r):
    """scikit-image's rank entropy of a 3-D uint8 volume with a cubic footprint
    (``np.ones((2r+1,)*3)``) equals local_entropy in bits.

    skimage counts only footprint voxels inside the volume at the border (our 'clip'),
    so the whole volume agrees, not only the interior (checked here on every voxel; the
    interior is asserted separately so a border-only difference would be named).
    Tolerance as in the 2-D test: a few ulp of float64 sums.
    """
    from skimage.filters.rank import entropy as sk_entropy

    vol = _volume("uint8", (9, 10, 11), 12, SEED + r)
    expected = sk_entropy(vol, footprint=np.ones((2 * r + 1,) * 3, dtype=bool))
    got = infopix.local_entropy(vol, r)
    inner = (slice(r, -r),) * 3
    np.testing.assert_allclose(got[inner], expected[inner], rtol=0, atol=1e-12)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("edge,mode", [("reflect", "reflect"), ("wrap", "wrap"), ("clip", "constant")])
def test_mean_and_std_equal_scipy_uniform_filter(edge, mode):
    """local_mean/local_std against scipy.ndimage.uniform_filter (scipy's 'reflect' is
    numpy's 'symmetric', our 'reflect'; 'clip' is the ratio of zero-padded filters of
    the values and of ones). uniform_filter keeps running float64 sums of integers
    < 2^12 (exact), then divides, so the mean agrees to ~1e-15 relative; the std from
    E[x^2] - E[x]^2 loses up to log10(E[x^2]/var) digits to cancellation: 1e-9
    relative is ample and far below any real difference."""
    from scipy import ndimage as ndi

    vol = np.random.default_rng(SEED).integers(0, 4096, (8, 9, 10)).astype(np.float64)
    for rad in (1, (2, 0, 3)):
        size = [2 * r + 1 for r in ((rad,) * 3 if isinstance(rad, int) else rad)]
        s1 = ndi.uniform_filter(vol, size, mode=mode)
        s2 = ndi.uniform_filter(vol**2, size, mode=mode)
        if edge == "clip":
            frac = ndi.uniform_filter(np.ones_like(vol), size, mode="constant")
            s1, s2 = s1 / frac, s2 / frac
        np.testing.assert_allclose(infopix.local_mean(vol, rad, edge=edge), s1, rtol=1e-12)
        np.testing.assert_allclose(infopix.local_std(vol, rad, edge=edge), np.sqrt(np.maximum(s2 - s1**2, 0)), rtol=1e-9)


# ------------------------------------------------------------------------ blocks
def test_block_maps_of_volumes():
    vol = _volume("uint16", (7, 8, 9), 30, SEED + 5)
    ref = infopix.mapblocks(vol, 3, 2, lambda b: infopix.intensity_entropy(b, channel=None), d=2)
    assert ref.shape == (2, 3, 2)
    # mapblocks' blocks: np.array_split along Z, then Y, then X
    slabs = np.array_split(vol, 2, axis=0)
    assert ref[1, 2, 1] == pytest.approx(infopix.intensity_entropy(
        np.array_split(np.array_split(slabs[1], 3, axis=1)[2], 2, axis=2)[1], channel=None), abs=1e-15)
    np.testing.assert_allclose(infopix.block_entropy_map(vol, 3, 2, d=2), ref, **TOL)
    np.testing.assert_allclose(
        infopix.block_entropy_map(vol, 2, 2, d=3, estimator="chao_shen"),
        infopix.mapblocks(vol, 2, 2, lambda b: infopix.intensity_entropy(b, channel=None, estimator="chao_shen"), d=3),
        rtol=1e-11, atol=1e-11,
    )


def test_volume_errors_name_the_parameter():
    vol = np.zeros((3, 4, 5), np.uint8)
    with pytest.raises(ValueError, match=r"pass `d`, the number of blocks along Z"):
        infopix.block_entropy_map(vol, 2, 2)
    with pytest.raises(ValueError, match=r"`d` \(blocks along Z\) applies to \(Z, M, N\) volumes"):
        infopix.mapblocks(vol[0], 2, 2, np.size, d=2)
    with pytest.raises(ValueError, match=r"`d` x `h` x `w` blocks \(4 x 1 x 1\) do not fit"):
        infopix.mapblocks(vol, 1, 1, np.size, d=4)
    with pytest.raises(ValueError, match=r"`radius` \(1, 2\) gives 2 per-axis radii for an array of 3 axes"):
        infopix.local_entropy(vol, (1, 2))
    with pytest.raises(ValueError, match=r"`radius` expects a non-negative integer, got -1"):
        infopix.local_std(vol, (1, -1, 0))
    with pytest.raises(ValueError, match=r"windows of .* pixels with edge='wrap'"):
        infopix.local_entropy(vol, 120, edge="wrap")


# ------------------------------------------------------------------ chunked (Dask)
@pytest.mark.parametrize("edge", EDGES)
def test_chunked_volume_maps_equal_in_memory(edge):
    """Chunked maps of volumes equal the in-memory maps on every voxel, for chunks that
    divide the shape and chunks that do not, radii larger than a chunk, per-axis radii;
    the edge policy acts at the volume's border, not at chunk borders."""
    da = pytest.importorskip("dask.array")
    rng = np.random.default_rng(SEED + 6)
    vol = rng.integers(0, 6, (8, 9, 10)).astype(np.uint8)
    fvol = rng.normal(size=(8, 9, 10))
    for chunks in ((4, 3, 5), (3, 4, 3)):  # (8, 9, 10): the first divides Z only, the second none
        for rad in (1, 3, (0, 2, 1)):
            for func, arr, kw in (
                (infopix.local_entropy, vol, {}),
                (infopix.local_entropy, fvol, {"estimator": "miller_madow"}),  # global float binning
                (infopix.local_std, fvol, {}),
            ):
                lazy = func(da.from_array(arr, chunks=chunks), rad, edge=edge, **kw)
                np.testing.assert_array_equal(lazy.compute(scheduler="sync"), func(arr, rad, edge=edge, **kw))


def test_chunked_volume_zarr_in_and_out(tmp_path):
    """A volume in a .npy file (axes='zyx'), a TIFF saying ZYX and a Zarr array, read
    lazily, mapped chunk by chunk into Zarr: equal to the in-memory map."""
    zarr = pytest.importorskip("zarr")
    import tifffile

    from infopix._dask import local_map_to_zarr, read_lazy

    vol = np.random.default_rng(SEED + 7).integers(0, 5, (10, 11, 12)).astype(np.uint8)
    np.save(tmp_path / "v.npy", vol)
    with pytest.raises(ValueError, match=r"does not record its axes.*axes='zyx'"):
        read_lazy(tmp_path / "v.npy")
    out = local_map_to_zarr(tmp_path / "v.npy", tmp_path / "H.zarr", radius=(1, 2, 2), axes="zyx",
                            chunks=4, edge="reflect", scheduler="sync")
    np.testing.assert_array_equal(zarr.open(str(out), mode="r")[:], infopix.local_entropy(vol, (1, 2, 2), edge="reflect"))
    tifffile.imwrite(tmp_path / "v.tif", vol, metadata={"axes": "ZYX"})
    lazy = read_lazy(tmp_path / "v.tif", chunks=(3, 4, 5))
    assert lazy.shape == vol.shape and lazy.chunksize == (3, 4, 5)
    out = local_map_to_zarr(tmp_path / "v.tif", tmp_path / "S.zarr", radius=2, measure="std",
                            chunks=5, edge="wrap", scheduler="sync")
    np.testing.assert_array_equal(zarr.open(str(out), mode="r")[:], infopix.local_std(vol, 2, edge="wrap"))
    zarr.save(str(tmp_path / "v.zarr"), vol)
    lazy = infopix.local_entropy(read_lazy(tmp_path / "v.zarr", axes="zyx", chunks=4), 1, edge="clip")
    np.testing.assert_array_equal(lazy.compute(scheduler="sync"), infopix.local_entropy(vol, 1))


def test_a_colour_shaped_array_is_read_as_a_volume_with_a_warning():
    # an (M, N, 3) array may be colour: functions that take images and volumes read it as
    # a volume 3 voxels wide, and say so (never silently); where the caller declared a
    # volume (channel=None, dz=) or the last axis cannot be colour, nothing is said
    import warnings

    rgb = np.random.default_rng(3).integers(0, 256, (16, 16, 3)).astype(np.uint8)
    for f in (lambda a: infopix.local_entropy(a, 1),
              lambda a: infopix.entropy_density(a)):
        with pytest.warns(infopix.ColourShapedVolumeWarning, match=r"read as a \(Z, Y, X\) volume 3 voxels.*select_channel"):
            f(rgb)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        infopix.intensity_entropy(rgb, channel=None)  # declared a volume
        infopix.local_entropy(rgb[..., :2].copy(), 1)  # 2 wide: not a colour shape
        infopix.patterns.permutation_entropy(rgb.astype(float), dx=2, dy=2, dz=1)
