"""Local and block information maps (issue 5).

The truth is ``infopix.mapbox`` (the notebook's per-pixel map, generic and slow), itself
checked against window-by-window loops over the index formulas of each edge policy
(``tests/naive_local.py``). The fast compiled maps must equal it to 1e-12 on every pixel,
edges included; the external reference is scikit-image's rank entropy; the statistical
reference is the exact small-sample distribution of the plug-in entropy.
"""

import math

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import infopix
from infopix.entropy import EXPECTED_FUNCTIONS
from infopix.estimators import ESTIMATORS
from naive_local import (
    counts_of,
    naive_map,
    notebook_mapblocks,
    plugin_entropy_moments,
    renyi_from_counts,
)

EDGES = ("clip", "reflect", "wrap")
SEED = 20261125
# Fast maps and references compute the same sums in a different order: a few ulp of
# values <= log2(65536) = 16 (entropies) or of the data's magnitude (mean, std).
TOL = {"rtol": 1e-12, "atol": 1e-12}


# ------------------------------------------------------------ reference functions
def _window_counts(w, bins=None, lohi=None):
    """Counts of a window as intensity_counts bins them (global range for floats)."""
    if bins is None:
        return np.unique(w, return_counts=True)[1]
    c = np.histogram(w.astype(np.float64), bins=bins, range=lohi)[0]
    return c[c > 0]


def _ref_renyi(alpha, bins=None, lohi=None, base=2):
    def f(w):
        c = _window_counts(w, bins, lohi)
        return infopix.renyi_entropy(c / c.sum(), alpha, base=base)

    return f


def _ref_expected(name, bins=None, lohi=None):
    g = EXPECTED_FUNCTIONS[name]

    def f(w):
        c = _window_counts(w, bins, lohi)
        q = c / c.sum()
        return float(np.sum(q * g(q)))

    return f


def _make_image(kind, shape, levels, seed):
    rng = np.random.default_rng(seed)
    if kind == "uint8":
        return rng.integers(0, levels, shape).astype(np.uint8)
    if kind == "uint16":  # sparse: `levels` random values anywhere in 0..65535
        pool = rng.integers(0, 65536, levels)
        return pool[rng.integers(0, levels, shape)].astype(np.uint16)
    if kind == "bool":
        return rng.random(shape) < 0.4
    # float with repeats (so that windows share bins) and a continuous part
    return np.where(rng.random(shape) < 0.5, rng.integers(0, levels, shape) * 0.25, rng.normal(size=shape))


# ------------------------------------------------------- mapbox against the loops
@pytest.mark.parametrize("edge", EDGES)
@pytest.mark.parametrize("shape,r", [((1, 5), 2), ((4, 3), 1), ((3, 4), 7), ((6, 5), 2)])
def test_mapbox_windows_equal_index_formulas(edge, shape, r):
    """mapbox's windows (notebook box, np.pad symmetric / wrap) hold exactly the naive multiset."""
    img = np.random.default_rng(SEED).random(shape)
    # a fingerprint of the multiset of window values: sorted values against weights
    def fp(vals):
        s = np.sort(np.asarray(vals, dtype=float).ravel())
        return float(np.sum(s * np.arange(1, s.size + 1) ** 1.5)) + 1000.0 * s.size

    got = infopix.mapbox(img, r, fp, edge=edge)
    np.testing.assert_allclose(got, naive_map(img, r, edge, fp), rtol=1e-13)


def test_mapbox_clip_is_the_notebook_box():
    img = np.arange(30.0).reshape(5, 6)

    def box(x, y, r):
        return np.s_[max(0, x - r) : x + r + 1, max(0, y - r) : y + r + 1]

    notebook = np.reshape([np.std(img[box(*i, 2)]) for i in np.ndindex(np.shape(img))], np.shape(img))
    np.testing.assert_array_equal(infopix.mapbox(img, 2, np.std), notebook)


def test_mapbox_many_radii_stack():
    img = np.arange(12).reshape(3, 4)
    many = infopix.mapbox(img, [0, 1, 5], np.size)
    assert many.shape == (3, 3, 4)
    np.testing.assert_array_equal(many[1], infopix.mapbox(img, 1, np.size))
    assert many[0].max() == 1 and many[2].min() == 12
    stacked = infopix.local_entropy(img.astype(np.uint8), [1, 2], edge="wrap")
    np.testing.assert_array_equal(stacked[1], infopix.local_entropy(img.astype(np.uint8), 2, edge="wrap"))
    # a tuple is one radius per axis (ry, rx): one map, not a stack
    per_axis = infopix.local_entropy(img.astype(np.uint8), (0, 1), edge="wrap")
    assert per_axis.shape == img.shape
    np.testing.assert_allclose(per_axis, infopix.mapbox(img, (0, 1), lambda w: infopix.intensity_entropy(w.astype(np.uint8)), edge="wrap"), rtol=0, atol=1e-14)
    with pytest.raises(ValueError, match=r"`radius` \(1, 2, 3\) gives 3 per-axis radii .* 2 axes.*list"):
        infopix.local_entropy(img.astype(np.uint8), (1, 2, 3))


# ------------------------------------------------ fast maps against mapbox (hypothesis)
@st.composite
def _cases(draw):
    m = draw(st.integers(1, 40))
    n = draw(st.integers(2 if m == 1 else 1, 40))
    return {
        "shape": (m, n),
        "r": draw(st.integers(0, 25)),
        "edge": draw(st.sampled_from(EDGES)),
        "kind": draw(st.sampled_from(["uint8", "uint16", "bool", "float"])),
        "levels": draw(st.sampled_from([2, 5, 256])),
        "alpha": draw(st.sampled_from([0.0, 0.5, 2.0, 3.0, np.inf])),
        "bins": draw(st.sampled_from([None, 7])),
        "seed": draw(st.integers(0, 2**32 - 1)),
    }


@settings(max_examples=30, deadline=None)
@given(_cases())
def test_fast_maps_equal_mapbox(case):
    """Every fast map equals mapbox with its function, on every pixel, edges included."""
    img = _make_image(case["kind"], case["shape"], case["levels"], case["seed"])
    r, edge = case["r"], case["edge"]
    if img.dtype.kind == "f":  # binned once over the whole image's range, as intensity_counts
        bins = case["bins"] or 256
        lo, hi = float(img.min()), float(img.max())
        lohi = (lo, hi) if lo < hi else (lo - 0.5, hi + 0.5)
        kw = {"bins": bins}
    else:
        bins, lohi, kw = None, None, {}

    def check(fast, ref):
        np.testing.assert_allclose(fast, infopix.mapbox(img, r, ref, edge=edge), **TOL)

    check(infopix.local_entropy(img, r, edge=edge, **kw), _ref_renyi(1.0, bins, lohi))
    a = case["alpha"]
    check(infopix.local_entropy(img, r, edge=edge, alpha=a, **kw), _ref_renyi(a, bins, lohi))
    check(infopix.local_entropy(img, r, edge=edge, base=np.e, **kw), _ref_renyi(1.0, bins, lohi, np.e))
    for name in ("laurent", "taylor"):
        check(infopix.local_expected(img, r, name, edge=edge, **kw), _ref_expected(name, bins, lohi))
    check(infopix.local_mean(img, r, edge=edge), np.mean)
    check(infopix.local_std(img, r, edge=edge), np.std)


@pytest.mark.parametrize("edge", EDGES)
def test_fast_maps_equal_naive_loops(edge):
    """Second, independent reference: plain loops over the index formulas."""
    img = _make_image("uint8", (9, 11), 4, SEED)
    for r in (0, 1, 3, 12):
        np.testing.assert_allclose(
            infopix.local_entropy(img, r, edge=edge),
            naive_map(img, r, edge, lambda vals: renyi_from_counts(counts_of(vals), 1.0)),
            **TOL,
        )
        np.testing.assert_allclose(
            infopix.local_std(img, r, edge=edge), naive_map(img, r, edge, lambda vals: float(np.std(vals))), **TOL
        )


def test_surprisal_and_callable_expectations():
    img = _make_image("uint16", (13, 9), 6, SEED)
    for edge in EDGES:
        np.testing.assert_allclose(
            infopix.local_expected(img, 2, "surprisal", edge=edge),
            infopix.local_entropy(img, 2, edge=edge),
            **TOL,
        )
        f = lambda p: np.sqrt(p) - p**2
        g = lambda p: (1 - p) ** 3 if p > 0.1 else 0.5
        for func in (f, g):
            def ref(w, func=func):
                c = _window_counts(w)
                q = c / c.sum()
                return sum(x * func(x) for x in q)

            np.testing.assert_allclose(
                infopix.local_expected(img, 3, func, edge=edge), infopix.mapbox(img, 3, ref, edge=edge), **TOL
            )


def _profile_estimators():
    return sorted(ESTIMATORS)  # every registered estimator has a compiled kernel


@pytest.mark.parametrize("estimator", _profile_estimators())
@pytest.mark.parametrize("edge", ["clip", "wrap"])
def test_estimator_maps_equal_mapbox(estimator, edge):
    """Each estimator with a compiled profile form equals entropy_from_counts per window."""
    img = _make_image("uint8", (12, 10), 5, SEED + 1)

    def ref(w):
        return infopix.entropy_from_counts(_window_counts(w), estimator=estimator, n_outcomes=256).value

    for r in (0, 1, 4):
        np.testing.assert_allclose(
            infopix.local_entropy(img, r, edge=edge, estimator=estimator),
            infopix.mapbox(img, r, ref, edge=edge),
            rtol=1e-11,
            atol=1e-11,
        )


@pytest.mark.parametrize("estimator", [n for n in sorted(ESTIMATORS) if ESTIMATORS[n].term is not None])
@pytest.mark.parametrize("pool", ["default", "one row"])
def test_keyed_walk_equals_entropy_from_counts(estimator, pool, monkeypatch):
    """The keyed walk (Chao-Shen, shrinkage: profile and key tracked as the window
    moves, terms remembered per (window size, key)) equals entropy_from_counts per
    window to 1e-12, on a natural crop with many levels and on few levels, with edges
    cut ('clip', window sizes vary) and whole ('reflect'); with a pool of one row, every
    other (size, key) is evaluated directly, with the same values."""
    import infopix.local as loc

    if pool == "one row":
        monkeypatch.setattr(loc, "_KEYED_POOL_ROWS", 1)
    crop = infopix.sample_image()[200:228, 240:262]
    few = _make_image("uint8", (17, 15), 4, SEED + 9)
    for img, radii in ((crop, (1, 5)), (few, (2,))):
        for edge in ("clip", "reflect"):

            def ref(w):
                return infopix.entropy_from_counts(_window_counts(w), estimator=estimator, n_outcomes=256).value

            for r in radii:
                np.testing.assert_allclose(
                    infopix.local_entropy(img, r, edge=edge, estimator=estimator),
                    infopix.mapbox(img, r, ref, edge=edge), rtol=1e-12, atol=1e-12,
                )


# ---------------------------------------------------------------- external reference
@pytest.mark.parametrize("r", [1, 2, 4, 9])
def test_equals_skimage_rank_entropy(r):
    """scikit-image's rank entropy (bits) with a square footprint equals local_entropy.

    skimage.filters.rank.entropy counts, at the border, only the footprint pixels inside
    the image, which is our ``edge='clip'``, so the whole image agrees, not only the
    interior. Both compute in float64 (skimage: ``-sum p log2 p`` over its histogram;
    ours: ``log n - sum c log c / n``), so they agree to a few ulp; 1e-12 is far above
    rounding and far below any real difference (the smallest nonzero change of a
    window's entropy is ~1/n^2 bits).
    """
    from skimage.filters.rank import entropy as sk_entropy

    img = _make_image("uint8", (33, 47), 12, SEED + r)
    expected = sk_entropy(img, footprint=np.ones((2 * r + 1, 2 * r + 1), dtype=bool))
    np.testing.assert_allclose(infopix.local_entropy(img, r), expected, rtol=0, atol=1e-12)


# ------------------------------------------------------------------- exact values
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, bool, np.float64])
@pytest.mark.parametrize("edge", EDGES)
def test_constant_image_has_zero_local_entropy(dtype, edge):
    img = np.full((7, 9), 1, dtype=dtype)
    for alpha in (0, 1, 2, np.inf, 0.5):
        out = infopix.local_entropy(img, 2, alpha=alpha, edge=edge)
        assert np.all(out == 0.0)
    # profile_entropy forms log n - (n log n) / n in floating point: zero to rounding
    mm = infopix.local_entropy(img, 3, estimator="miller_madow", edge=edge)
    np.testing.assert_allclose(mm, 0.0, atol=1e-14)
    assert np.all(infopix.local_std(img, 2, edge=edge) == 0.0)
    assert np.all(infopix.block_entropy_map(img, 3, 4) == 0.0)


@pytest.mark.parametrize("k,r", [(256, 2), (4, 3)])
def test_iid_uniform_levels_match_exact_small_sample_expectation(k, r):
    """Mean local entropy of i.i.d. uniform levels = exact E[plug-in entropy of n draws].

    With edge='wrap' every window holds n = (2r+1)^2 pixels. Windows centred on a grid
    of spacing 2r+1 are disjoint, so their entropies are i.i.d.; their mean has standard
    error sqrt(Var H / m) with Var H computed exactly (naive_local.plugin_entropy_moments:
    binomial and trinomial sums). We allow 4 standard errors (two-sided false-alarm
    probability 6e-5). The plug-in bias is many standard errors large here (k=256,
    n=25: E H = 4.52 bits against log2 25 = 4.64 and log2 256 = 8), so the test can fail.
    """
    w = 2 * r + 1
    side = w * 40
    img = np.random.default_rng(SEED + k).integers(0, k, (side, side)).astype(np.uint8)
    H = infopix.local_entropy(img, r, edge="wrap", base=np.e)
    disjoint = H[r::w, r::w]
    m = disjoint.size
    mean, var = plugin_entropy_moments(w * w, k)
    se = math.sqrt(var / m)
    assert abs(disjoint.mean() - mean) < 4 * se
    # the sample variance agrees with the exact one (chi-square, m - 1 dof: rel. sd sqrt(2/m))
    assert abs(disjoint.var(ddof=1) / var - 1) < 4 * math.sqrt(2 / (m - 1))
    # and the plug-in bias is resolved: the truth log k is far outside
    assert math.log(k) - disjoint.mean() > 20 * se


def test_exact_moments_against_monte_carlo():
    """The exact-moment formula itself, against direct simulation (5 standard errors)."""
    rng = np.random.default_rng(SEED)
    n, k, reps = 9, 3, 20000
    draws = rng.integers(0, k, (reps, n))
    hs = np.array([renyi_from_counts(counts_of(row.tolist()), 1.0, math.e) for row in draws])
    mean, var = plugin_entropy_moments(n, k)
    assert abs(hs.mean() - mean) < 5 * math.sqrt(var / reps)
    assert abs(hs.var() / var - 1) < 5 * math.sqrt(2 / reps) * 2  # kurtosis allowance x2


# ----------------------------------------------------------------------- blocks
@pytest.mark.parametrize("shape,h,w", [((10, 7), 3, 2), ((11, 13), 4, 5), ((5, 5), 5, 1), ((9, 8), 1, 8)])
def test_mapblocks_is_the_notebook_definition(shape, h, w):
    img = _make_image("uint8", shape, 5, SEED)
    f = lambda b: float(np.sum(b * np.arange(b.size).reshape(b.shape))) + b.size / 7
    np.testing.assert_array_equal(infopix.mapblocks(img, h, w, f), notebook_mapblocks(h, w, f, img))
    ref = infopix.mapblocks(img, h, w, _ref_renyi(1.0))
    np.testing.assert_allclose(infopix.block_entropy_map(img, h, w), ref, **TOL)
    np.testing.assert_allclose(
        infopix.block_entropy_map(img, h, w, alpha=2, base=np.e), infopix.mapblocks(img, h, w, _ref_renyi(2.0, base=np.e)), **TOL
    )
    np.testing.assert_allclose(
        infopix.block_entropy_map(img, h, w, estimator="miller_madow"),
        infopix.mapblocks(
            img, h, w,
            lambda b: infopix.entropy_from_counts(_window_counts(b), estimator="miller_madow", n_outcomes=256).value,
        ),
        **TOL,
    )


def test_block_map_of_float_and_uint16_images():
    img = _make_image("float", (20, 17), 5, SEED)
    lohi = (float(img.min()), float(img.max()))
    np.testing.assert_allclose(
        infopix.block_entropy_map(img, 3, 4, bins=16), infopix.mapblocks(img, 3, 4, _ref_renyi(1.0, 16, lohi)), **TOL
    )
    img16 = _make_image("uint16", (20, 17), 50, SEED)
    np.testing.assert_allclose(
        infopix.block_entropy_map(img16, 4, 3), infopix.mapblocks(img16, 4, 3, _ref_renyi(1.0)), **TOL
    )


# ------------------------------------------------------------ threads and sizes
def test_results_identical_single_and_multi_threaded():
    img = _make_image("uint16", (61, 37), 40, SEED)
    fimg = _make_image("float", (61, 37), 5, SEED)
    calls = [
        lambda: infopix.local_entropy(img, 3),
        lambda: infopix.local_entropy(img, 2, alpha=np.inf, edge="reflect"),
        lambda: infopix.local_expected(img, 4, "taylor", edge="wrap"),
        lambda: infopix.local_std(fimg, 3),
        lambda: infopix.block_entropy_map(img, 7, 5, estimator="miller_madow"),
    ]
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        serial = [c() for c in calls]
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        parallel = [c() for c in calls]
    finally:
        numba.set_num_threads(before)
    for s, p in zip(serial, parallel):
        np.testing.assert_array_equal(s, p)


def test_sparse_uint16_and_wide_integers():
    """Wide images: uint16 with a few far-apart levels; int32 spans its data range."""
    img = np.array([[0, 65535, 0], [40000, 0, 65535]], dtype=np.uint16)
    H = infopix.local_entropy(img, 5)
    assert H[0, 0] == pytest.approx(infopix.renyi_entropy([3 / 6, 2 / 6, 1 / 6], 1), abs=1e-14)
    big = np.array([[-(10**6), 5, 10**6], [5, 5, -(10**6)]], dtype=np.int32)
    np.testing.assert_allclose(infopix.local_entropy(big, 1), infopix.mapbox(big, 1, _ref_renyi(1.0)), **TOL)


@pytest.mark.parametrize(
    "dtype, lo, hi",
    [(np.int8, -128, 127), (np.int16, -3000, 3000), (np.int16, 100, 300), (np.int32, -(10**5), 10**5),
     (np.int64, 7, 20), (np.uint32, 0, 70000), (np.uint8, 200, 210), (np.uint16, 0, 65535)],
)
@pytest.mark.parametrize("edge", ["clip", "reflect", "wrap"])
def test_every_integer_dtype_and_layout(dtype, lo, hi, edge):
    """Integer images of every width map to codes of the smallest type that holds their
    levels (uint8/uint16 images are read in place); C, Fortran and strided inputs give
    the reference's values, and the input is left unmodified."""
    rng = np.random.default_rng(SEED)
    img = rng.integers(lo, hi + 1, (13, 17)).astype(dtype)
    before = img.copy()
    ref = infopix.mapbox(img, 2, _ref_renyi(1.0), edge=edge)
    for view in (img, np.asfortranarray(img), np.repeat(img, 2, axis=1)[:, ::2]):
        np.testing.assert_allclose(infopix.local_entropy(view, 2, edge=edge), ref, **TOL)
    ref2 = infopix.mapbox(img, 3, _ref_renyi(2.0), edge=edge)
    np.testing.assert_allclose(infopix.local_entropy(img, 3, alpha=2, edge=edge), ref2, **TOL)
    np.testing.assert_array_equal(img, before)


def test_huge_radius_clip_is_the_whole_image_and_wrap_is_bounded():
    """With clip, r >= max(M, N) - 1 gives the whole image at every pixel (r is capped
    internally, so r = 10**6 costs nothing); reflect/wrap windows grow with r and are
    bounded."""
    img = _make_image("uint8", (9, 14), 6, SEED)
    np.testing.assert_allclose(infopix.local_entropy(img, 10**6), infopix.intensity_entropy(img), **TOL)
    np.testing.assert_allclose(infopix.local_std(img, 10**6), np.std(img), **TOL)
    np.testing.assert_array_equal(infopix.local_entropy(img, 10**6), infopix.local_entropy(img, 13))
    with pytest.raises(ValueError, match="at most 10000000 are supported"):
        infopix.local_entropy(img, 5000, edge="wrap")


def test_std_is_accurate_for_large_offsets():
    """n^2 var in double-double: no cancellation for data far from zero."""
    rng = np.random.default_rng(SEED)
    img = 1e6 + rng.normal(size=(15, 12))
    np.testing.assert_allclose(infopix.local_std(img, 3), infopix.mapbox(img, 3, np.std), rtol=1e-9)
    img16 = (60000 + rng.integers(0, 3, (15, 12))).astype(np.uint16)
    np.testing.assert_allclose(infopix.local_std(img16, 2), infopix.mapbox(img16, 2, np.std), **TOL)


# ------------------------------------------------------------------ bad input
_FAST = [
    lambda img, **kw: infopix.local_entropy(img, 1, **kw),
    lambda img, **kw: infopix.local_expected(img, 1, "laurent", **kw),
    lambda img, **kw: infopix.local_mean(img, 1, **kw),
    lambda img, **kw: infopix.local_std(img, 1, **kw),
    lambda img, **kw: infopix.mapbox(img, 1, np.mean, **kw),
]


@pytest.mark.parametrize("func", _FAST)
def test_bad_input_messages(func):
    img = np.zeros((4, 4), np.uint8)
    with pytest.raises(ValueError, match="`edge` expects one of"):
        func(img, edge="mirror")
    with pytest.raises(ValueError, match="2-D"):
        func(np.zeros((2, 2, 2, 2)))
    with pytest.raises(TypeError, match="complex"):
        func(np.zeros((3, 3), complex))
    with pytest.raises(ValueError, match="1 pixel"):
        func(np.zeros((1, 1)))


@pytest.mark.parametrize(
    "radius,exc,match",
    [(-1, ValueError, "non-negative integer"), (1.5, TypeError, "non-negative integer"), ([], ValueError, "empty")],
)
def test_bad_radius(radius, exc, match):
    with pytest.raises(exc, match=match):
        infopix.local_entropy(np.zeros((4, 4), np.uint8), radius)


def test_other_bad_input():
    img = np.zeros((4, 4), np.uint8)
    nan = np.array([[0.0, np.nan], [1.0, 2.0]])
    with pytest.raises(ValueError, match="NaN"):
        infopix.local_entropy(nan, 1)
    with pytest.raises(ValueError, match="NaN"):
        infopix.local_std(nan, 1)
    with pytest.raises(ValueError, match="`alpha`"):
        infopix.local_entropy(img, 1, alpha=-1)
    with pytest.raises(ValueError, match="only available with estimator='plugin'"):
        infopix.local_entropy(img, 1, alpha=2, estimator="miller_madow")
    with pytest.raises(ValueError, match="`estimator` expects one of"):
        infopix.local_entropy(img, 1, estimator="nope")
    with pytest.raises(ValueError, match="`base`"):
        infopix.local_entropy(img, 1, base=1)
    with pytest.raises(ValueError, match="`f` expects one of"):
        infopix.local_expected(img, 1, "cosine")
    with pytest.raises(TypeError, match="`f` expects"):
        infopix.local_expected(img, 1, 3)
    with pytest.raises(TypeError, match="`f` expects a callable"):
        infopix.mapbox(img, 1, "mean")
    with pytest.raises(ValueError, match="one number per window"):
        infopix.mapbox(img, 1, lambda w: w)
    with pytest.raises(ValueError, match="do not fit"):
        infopix.mapblocks(img, 5, 1, np.mean)
    with pytest.raises(ValueError, match="`w` expects an integer >= 1"):
        infopix.block_entropy_map(img, 1, 0)
    with pytest.raises(ValueError, match="excludes"):
        infopix.local_entropy(np.arange(6.0).reshape(2, 3), 1, range=(0, 2))


# ------------------------------------------------------------------ figure, CLI
def test_plot_map_has_colour_bar():
    import matplotlib.pyplot as plt

    ax = infopix.plot_map(infopix.local_entropy(infopix.sample_image()[:64, :64], 2), title="H", label="bits")
    assert ax.get_title() == "H" and len(ax.figure.axes) == 2  # image + colour bar
    ax2 = infopix.plot_map(infopix.block_entropy_map(infopix.sample_image(), 4, 8), image_shape=(512, 512))
    assert ax2.images[0].get_extent()[1] == 511.5
    plt.close("all")


def test_cli_localmap(tmp_path):
    from typer.testing import CliRunner

    from infopix.cli import app

    img = _make_image("uint8", (20, 30), 6, SEED)
    src = tmp_path / "img.npy"
    np.save(src, img)
    runner = CliRunner()
    out = tmp_path / "H.npy"
    res = runner.invoke(app, ["localmap", str(src), "--radius", "2", "-o", str(out)])
    assert res.exit_code == 0, res.output
    np.testing.assert_array_equal(np.load(out), infopix.local_entropy(img, 2))
    # no overwrite without --force, one line, exit 1
    res = runner.invoke(app, ["localmap", str(src), "--radius", "2", "-o", str(out)])
    assert res.exit_code == 1 and "exists" in res.output
    res = runner.invoke(
        app, ["localmap", str(src), "-r", "1", "--measure", "std", "--edge", "wrap", "-o", str(out), "--force"]
    )
    assert res.exit_code == 0, res.output
    np.testing.assert_array_equal(np.load(out), infopix.local_std(img, 1, edge="wrap"))
    tif = tmp_path / "L.tiff"
    res = runner.invoke(app, ["localmap", str(src), "-r", "3", "--measure", "laurent", "-o", str(tif)])
    assert res.exit_code == 0, res.output
    np.testing.assert_array_equal(infopix.read_image(tif), infopix.local_expected(img, 3, "laurent"))
    png = tmp_path / "H.png"
    res = runner.invoke(app, ["localmap", str(src), "-r", "2", "--estimator", "miller_madow", "-o", str(png)])
    assert res.exit_code == 0 and png.stat().st_size > 1000, res.output
    res = runner.invoke(app, ["localmap", str(src), "-r", "-2", "-o", str(tmp_path / "x.npy")])
    assert res.exit_code == 1 and "`--radius`" in res.output and "Traceback" not in res.output


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False, width=64), min_size=1, max_size=200),
    st.integers(1, 300),
)
def test_bin_codes_follow_numpy_histogram(values, nbins):
    """The compiled float binning puts every value in the bin numpy.histogram does,
    edges included (values equal to an edge, the closed last bin)."""
    from infopix._kernels.histogram import bin_walk

    vals = np.array(values, dtype=np.float64)
    lo, hi = float(vals.min()), float(vals.max())
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, nbins + 1)
    vals = np.concatenate([vals, edges])  # every edge itself
    codes = np.empty(vals.size, dtype=np.int32)
    assert bin_walk(vals, None, edges, codes, None) == 0
    for x, k in zip(vals, codes):
        counts, _ = np.histogram([x], bins=nbins, range=(lo, hi))
        assert counts[k] == 1
    outside = np.array([lo - 1.0, hi + 1.0, np.nan])
    assert bin_walk(outside, None, edges, np.empty(3, dtype=np.int32), None) == 3


def test_float_ranges_at_the_limits_of_float64():
    """Tiny spans (subnormal) bin as numpy does; a span that overflows is refused with a
    clear error, as numpy.histogram refuses it, never binned into garbage."""
    img = np.array([[0.0, 1e-310, 5e-311], [2e-311, 1e-310, 0.0]])
    lohi = (float(img.min()), float(img.max()))
    ref = infopix.mapbox(img, 1, lambda w: infopix.intensity_entropy(w, bins=256, range=lohi))
    np.testing.assert_allclose(infopix.local_entropy(img, 1), ref, **TOL)
    np.testing.assert_allclose(infopix.block_entropy_map(img, 1, 1)[0, 0], infopix.intensity_entropy(img), **TOL)
    curve = infopix.entropy_vs_scale(img, [0.0], unit="px")  # the scale module's histogram
    assert curve.entropies[0] == pytest.approx(infopix.intensity_entropy(img), abs=1e-12)
    huge = np.array([[-1e308, 0.0, 1e308], [5e307, -5e307, 1.0]])
    with pytest.raises(ValueError, match="cannot be split into 256 finite bins"):
        infopix.local_entropy(huge, 1)
    with pytest.raises(ValueError, match="cannot be split into 256 finite bins"):
        infopix.entropy_vs_scale(huge, [0.0], unit="px")


def test_bool_images_built_from_raw_bytes():
    """A bool array viewed from bytes other than 0/1 (numpy treats them as True) must not
    index past the 2-bin histogram: same values as the normalised array."""
    raw = np.array([[0, 2, 1], [1, 0, 255]], np.uint8).view(bool)
    clean = raw.astype(np.uint8).astype(bool)
    for edge in ("clip", "wrap"):
        np.testing.assert_array_equal(infopix.local_entropy(raw, 1, edge=edge), infopix.local_entropy(clean, 1, edge=edge))
    np.testing.assert_array_equal(infopix.block_entropy_map(raw, 2, 1), infopix.block_entropy_map(clean, 2, 1))
    assert infopix.intensity_entropy(raw) == infopix.intensity_entropy(clean)


def test_uniform_window_gives_whole_bits():
    """Entropies are divided by log(base), as intensity_entropy does: 8 equally frequent
    levels give exactly 3 bits."""
    img = np.arange(8, dtype=np.uint8)[None]
    assert np.all(infopix.local_entropy(img, 7) == 3.0)
    assert infopix.block_entropy_map(img, 1, 1)[0, 0] == 3.0
