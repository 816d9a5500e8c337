"""Entropies of distributions and of intensity distributions (issue 3).

Exact values come from closed forms: a uniform distribution over k outcomes has
H_alpha = log2(k) bits for every alpha; a two-level image with proportions (q, 1-q) has
H = -q log2 q - (1-q) log2(1-q). The external reference is scikit-image's
``skimage.measure.shannon_entropy`` (same plug-in definition, computed via np.unique).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import infopix
from infopix.entropy import intensity_counts

RNG_SEED = 20261125


def _dirichlet(k, seed):
    return np.random.default_rng(seed).dirichlet(np.ones(k))


@pytest.mark.parametrize("k", [1, 2, 3, 7, 256])
@pytest.mark.parametrize("alpha", [0, 0.5, 1, 2, 3.7, np.inf])
def test_uniform_distribution_has_log_k_for_every_alpha(k, alpha):
    p = np.full(k, 1.0 / k)
    assert infopix.renyi_entropy(p, alpha) == pytest.approx(np.log2(k), abs=1e-12)


def test_shannon_of_uniform_and_bases():
    p = np.full(8, 1 / 8)
    assert infopix.shannon_entropy(p) == 3.0
    assert infopix.shannon_entropy(p, base=np.e) == pytest.approx(np.log(8), abs=1e-14)
    assert infopix.shannon_entropy(p, base=8) == pytest.approx(1.0, abs=1e-14)


def test_zero_probabilities_do_not_contribute():
    assert infopix.shannon_entropy([0.5, 0.0, 0.5, 0.0]) == 1.0
    assert infopix.renyi_entropy([0.5, 0.0, 0.5], 0) == 1.0  # Hartley counts the support


def test_renyi_special_orders_are_exact_closed_forms():
    p = np.array([0.5, 0.25, 0.125, 0.125])
    assert infopix.renyi_entropy(p, 0) == 2.0
    assert infopix.renyi_entropy(p, 1) == pytest.approx(1.75, abs=1e-15)
    assert infopix.renyi_entropy(p, 2) == pytest.approx(-np.log2(np.sum(p**2)), abs=1e-15)
    assert infopix.renyi_entropy(p, np.inf) == 1.0


@pytest.mark.parametrize("q", [0.1, 0.3, 0.5])
def test_two_level_image_with_known_proportions(q):
    n = 1000
    ones = int(q * n)
    img = np.zeros(n, dtype=np.uint8)
    img[:ones] = 200
    img = img.reshape(25, 40)
    qq = ones / n
    expected = -qq * np.log2(qq) - (1 - qq) * np.log2(1 - qq)
    assert infopix.intensity_entropy(img) == pytest.approx(expected, abs=1e-12)


@given(
    k=st.integers(2, 40),
    seed=st.integers(0, 2**32 - 1),
    a1=st.floats(0, 20),
    a2=st.floats(0, 20),
)
def test_renyi_is_non_increasing_in_alpha(k, seed, a1, a2):
    p = _dirichlet(k, seed)
    lo, hi = sorted((a1, a2))
    assert infopix.renyi_entropy(p, lo) >= infopix.renyi_entropy(p, hi) - 1e-10


@pytest.mark.parametrize("seed", range(5))
def test_renyi_tends_to_shannon_from_both_sides(seed):
    p = _dirichlet(30, seed)
    h1 = infopix.shannon_entropy(p)
    # |H_a - H_1| = O(|a - 1|): the derivative at a = 1 is -Var(log p)/2 (in nats), so
    # at eps = 1e-6 the difference is below 1e-6 * Var(log2 p) which is < 1e-4 here.
    for eps in (1e-3, 1e-6):
        below = infopix.renyi_entropy(p, 1 - eps)
        above = infopix.renyi_entropy(p, 1 + eps)
        assert below >= h1 >= above
        bound = eps * np.var(np.log2(p), ddof=0) * np.log(2)
        assert abs(below - h1) <= bound and abs(above - h1) <= bound


@pytest.mark.parametrize("seed", range(3))
def test_tsallis_limit_is_shannon_in_nats(seed):
    p = _dirichlet(20, seed)
    h_nats = infopix.shannon_entropy(p, base=np.e)
    assert infopix.tsallis_entropy(p, 1) == pytest.approx(h_nats, abs=1e-14)
    for eps in (1e-4, 1e-7):
        assert infopix.tsallis_entropy(p, 1 + eps) == pytest.approx(h_nats, abs=10 * eps)
        assert infopix.tsallis_entropy(p, 1 - eps) == pytest.approx(h_nats, abs=10 * eps)
    assert infopix.tsallis_entropy(p, 2) == pytest.approx(1 - np.sum(p**2), abs=1e-15)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_intensity_entropy_equals_skimage(dtype):
    from skimage.measure import shannon_entropy

    rng = np.random.default_rng(RNG_SEED)
    hi = 256 if dtype == np.uint8 else 65536
    img = rng.integers(0, hi, size=(300, 200)).astype(dtype)
    img[:50] = rng.integers(0, 5, size=(50, 200))  # a non-uniform part
    assert infopix.intensity_entropy(img) == pytest.approx(shannon_entropy(img, base=2), abs=1e-12)


def test_sample_image_entropy_equals_skimage():
    from skimage.measure import shannon_entropy

    img = infopix.sample_image()
    assert infopix.intensity_entropy(img) == pytest.approx(shannon_entropy(img, base=2), abs=1e-12)


@pytest.mark.parametrize(
    "dtype, nbins", [(np.uint8, 256), (np.uint16, 65536), (bool, 2), (np.int8, 256), (np.int16, 65536)]
)
def test_histogram_has_one_bin_per_level(dtype, nbins):
    img = np.zeros((4, 4), dtype=dtype)
    img[0, 0] = 1
    p = infopix.intensity_distribution(img)
    assert p.shape == (nbins,)
    assert p.sum() == pytest.approx(1.0)


def test_signed_integer_offsets():
    img = np.array([[-128, -128], [127, 0]], dtype=np.int8)
    c = intensity_counts(img)
    assert c.offset == -128
    assert c.counts[0] == 2 and c.counts[255] == 1 and c.counts[128] == 1


def test_large_parallel_histogram_matches_bincount():
    rng = np.random.default_rng(RNG_SEED)
    img = rng.integers(0, 256, size=(1100, 1000), dtype=np.uint8)  # > 2**20 px: 16 chunks
    c = intensity_counts(img)
    np.testing.assert_array_equal(c.counts, np.bincount(img.ravel(), minlength=256))
    from infopix._kernels.histogram import level_counts_parallel, level_counts_serial

    flat, nomask = img.ravel(), None
    np.testing.assert_array_equal(level_counts_serial(flat, nomask, 0, 256)[0], c.counts)
    counts, outside = level_counts_parallel(flat[:999], nomask, 0, 256)
    np.testing.assert_array_equal(counts, np.bincount(flat[:999], minlength=256))
    assert outside == 0
    # out-of-range values are counted as outside, never written past the histogram
    assert level_counts_parallel(flat[:999], nomask, 10, 100)[1] == np.count_nonzero((flat[:999] < 10) | (flat[:999] >= 110))


def test_mask_selects_pixels():
    img = np.array([[1, 1], [2, 3]], dtype=np.uint8)
    mask = np.array([[True, True], [True, False]])
    c = intensity_counts(img, mask=mask)
    assert c.total == 3 and c.counts[1] == 2 and c.counts[2] == 1 and c.counts[3] == 0
    p = infopix.intensity_distribution(img.astype(float), mask=mask, bins=2, range=(0.5, 2.5))
    np.testing.assert_allclose(p, [2 / 3, 1 / 3])


def test_float_image_default_and_given_bins():
    img = np.linspace(0, 1, 16).reshape(4, 4)
    c = intensity_counts(img)
    assert c.n_outcomes == 256 and c.total == 16
    # 4 equal bins over [0, 1]: 4 values each -> exactly 2 bits
    assert infopix.intensity_entropy(img, bins=4, range=(0, 1)) == pytest.approx(2.0, abs=1e-12)


def test_nan_pixels_excluded_by_mask():
    img = np.array([[0.0, 1.0], [np.nan, 1.0]])
    with pytest.raises(ValueError, match="NaN"):
        infopix.intensity_entropy(img)
    h = infopix.intensity_entropy(img, mask=np.isfinite(img), bins=2, range=(0, 1))
    expected = -(1 / 3) * np.log2(1 / 3) - (2 / 3) * np.log2(2 / 3)
    assert h == pytest.approx(expected, abs=1e-12)


def test_colour_channels():
    rng = np.random.default_rng(RNG_SEED)
    rgb = rng.integers(0, 256, size=(20, 30, 3), dtype=np.uint8)
    lum = np.clip(np.rint(rgb.astype(float) @ [0.299, 0.587, 0.114]), 0, 255).astype(np.uint8)
    assert infopix.intensity_entropy(rgb) == pytest.approx(infopix.intensity_entropy(lum), abs=1e-12)
    assert infopix.intensity_entropy(rgb, channel=1) == pytest.approx(
        infopix.intensity_entropy(rgb[..., 1]), abs=1e-12
    )
    # joint: 600 pixels almost surely all distinct colours -> log2(600)
    codes = (rgb[..., 0].astype(int) << 16) | (rgb[..., 1].astype(int) << 8) | rgb[..., 2]
    n_unique = len(np.unique(codes))
    c = intensity_counts(rgb, channel="joint")
    assert c.n_outcomes == 256**3 and len(c.counts) == n_unique
    two = np.zeros((2, 2, 3), dtype=np.uint8)
    two[0, 0] = (1, 2, 3)
    assert infopix.intensity_entropy(two, channel="joint") == pytest.approx(
        -(0.25 * np.log2(0.25) + 0.75 * np.log2(0.75))
    )


def test_intensity_expected_named_functions_follow_the_notebook():
    img = np.array([[0, 0, 0, 0], [1, 1, 2, 3]], dtype=np.uint8)  # p = 1/2, 1/4, 1/8, 1/8
    p = np.array([0.5, 0.25, 0.125, 0.125])
    # the notebook: sum over all 256 bins of p*f(p), with f guarded at p = 0
    def notebook_expected(f):
        full = np.zeros(256)
        full[:4] = p
        return sum(q * f(q) for q in full)

    assert infopix.intensity_expected("surprisal", img) == pytest.approx(1.75)
    assert infopix.intensity_expected("surprisal", img) == pytest.approx(
        notebook_expected(lambda q: -np.log2(q) if q > 0 else 0)
    )
    assert infopix.intensity_expected("laurent", img) == pytest.approx(
        notebook_expected(lambda q: -1 + 1 / q if q > 0 else 0)
    )
    assert infopix.intensity_expected("laurent", img) == pytest.approx(3.0)
    assert infopix.intensity_expected("taylor", img) == pytest.approx(
        notebook_expected(lambda q: -(1 + q))
    )
    assert infopix.intensity_expected("taylor", img) == pytest.approx(-(1 + np.sum(p**2)))
    # a scalar-only callable (the notebook's lambdas) and a vectorised one agree
    scalar = infopix.intensity_expected(lambda q: -1 + 1 / q if q > 0 else 0, img)
    vector = infopix.intensity_expected(lambda q: -1 + 1 / q, img)
    assert scalar == pytest.approx(vector) == pytest.approx(3.0)


@given(
    img=arrays(np.uint8, st.tuples(st.integers(1, 12), st.integers(2, 12))),
    seed=st.integers(0, 2**32 - 1),
)
def test_entropy_bounds_and_permutation_invariance(img, seed):
    h = infopix.intensity_entropy(img)
    assert -1e-12 <= h <= np.log2(min(256, img.size)) + 1e-12
    perm = np.random.default_rng(seed).permutation(img.ravel()).reshape(img.shape)
    assert infopix.intensity_entropy(perm) == pytest.approx(h, abs=1e-12)


def test_constant_image_has_zero_entropy():
    for dtype in (np.uint8, np.uint16, bool, np.float64):
        assert infopix.intensity_entropy(np.ones((5, 7), dtype=dtype)) == 0.0


def test_inputs_are_never_modified():
    rng = np.random.default_rng(RNG_SEED)
    img = rng.integers(0, 256, size=(30, 30), dtype=np.uint8)
    img.setflags(write=False)
    before = img.copy()
    infopix.intensity_entropy(img)
    infopix.intensity_entropy(img, estimator="miller_madow")
    infopix.intensity_expected("laurent", img)
    p = infopix.intensity_distribution(img)
    p.setflags(write=False)
    infopix.renyi_entropy(p, 2)
    np.testing.assert_array_equal(img, before)


def test_miller_madow_correction():
    counts = np.array([3, 1, 0, 0])
    plug = infopix.entropy_from_counts(counts).value
    mm = infopix.entropy_from_counts(counts, estimator="miller_madow").value
    assert mm - plug == pytest.approx((2 - 1) / (2 * 4) / np.log(2), abs=1e-14)


def test_number_of_outcomes_alias_K():
    counts = [3, 1, 0, 0]
    a = infopix.entropy_from_counts(counts, estimator="nsb", n_outcomes=256)
    b = infopix.entropy_from_counts(counts, estimator="nsb", K=256)
    assert a.value == b.value and a.interval == b.interval
    assert a.value != infopix.entropy_from_counts(counts, estimator="nsb").value  # K matters
    with pytest.raises(TypeError, match="`n_outcomes` or its alias `K`"):
        infopix.entropy_from_counts(counts, estimator="nsb", K=256, n_outcomes=256)


def test_scalar_results_are_python_floats():
    p = np.full(4, 0.25)
    img = np.arange(16, dtype=np.uint8).reshape(4, 4)
    for value in (
        infopix.shannon_entropy(p),
        infopix.renyi_entropy(p, 2),
        infopix.tsallis_entropy(p, 2),
        infopix.intensity_entropy(img),
        infopix.intensity_entropy(img, estimator="miller_madow"),
        infopix.intensity_expected("taylor", img),
    ):
        assert type(value) is float
