"""Ordinal patterns of (Z, Y, X) volumes (dz x dy x dx windows, 2x2x2: K = 8!): against
a naive 3-D loop, a monotone ramp (one pattern), i.i.d. noise (uniform patterns) and the
2-D functions where the definitions truly coincide."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import naive_patterns as naive
from infopix.estimators import ESTIMATORS, entropy_from_counts
from infopix.patterns import (
    complexity_entropy_plane,
    fisher_shannon,
    missing_patterns,
    ordinal_distribution,
    permutation_entropy,
    statistical_complexity,
)

SEED = 20261129

VOLUME_FUNCS = [ordinal_distribution, permutation_entropy, statistical_complexity, complexity_entropy_plane,
                fisher_shannon, missing_patterns]


@pytest.mark.parametrize("dx,dy,dz,taux,tauy,tauz", [
    (2, 2, 2, 1, 1, 1), (2, 2, 2, 2, 1, 2), (3, 2, 2, 1, 1, 1), (2, 1, 3, 1, 1, 1), (1, 3, 2, 1, 2, 1), (2, 2, 1, 1, 1, 1),
])
def test_volume_matches_naive_loop(dx, dy, dz, taux, tauy, tauz):
    rng = np.random.default_rng(SEED)
    for vol in (rng.random((5, 6, 7)), rng.integers(0, 3, (6, 5, 7))):  # continuous; ties
        d = ordinal_distribution(vol, dx=dx, dy=dy, dz=dz, taux=taux, tauy=tauy, tauz=tauz)
        ref = naive.ordinal_counts_3d(vol, dx, dy, dz, taux, tauy, tauz)
        assert dict(zip(d.codes.tolist(), d.counts.tolist())) == ref
        assert d.n_outcomes == math.factorial(dx * dy * dz) and d.n_windows == sum(ref.values())
        if d.n_outcomes > math.factorial(8):
            continue  # 12!: no full probability vector (the counts above are the check)
        # plug-in entropy and complexity from the full probability vector (textbook forms)
        p = naive.full_probabilities(ref, d.n_outcomes)
        H, C = naive.entropy_complexity(p)
        assert permutation_entropy(vol, dx=dx, dy=dy, dz=dz, taux=taux, tauy=tauy, tauz=tauz).value == pytest.approx(H, abs=1e-12)
        assert statistical_complexity(vol, dx=dx, dy=dy, dz=dz, taux=taux, tauy=tauy, tauz=tauz) == pytest.approx(C, abs=1e-12)


def test_decoded_volume_patterns_are_argsorts():
    vol = np.random.default_rng(SEED).random((2, 2, 2))
    d = ordinal_distribution(vol, dz=2)
    np.testing.assert_array_equal(d.patterns(), [np.argsort(vol.ravel(), kind="stable")])


@pytest.mark.parametrize("signs", [(1, 1, 1), (-1, 1, 1), (1, -1, 1), (-1, -1, -1)])
@pytest.mark.parametrize("weights", [(100, 10, 1), (1, 10, 100), (10, 1, 100)])
def test_monotone_3d_ramp_has_one_pattern(signs, weights):
    z, y, x = np.meshgrid(np.arange(5), np.arange(6), np.arange(7), indexing="ij")
    vol = signs[0] * weights[0] * z + signs[1] * weights[1] * y + signs[2] * weights[2] * x
    d = ordinal_distribution(vol, dx=2, dy=2, dz=2)
    assert d.n_observed == 1 and d.n_windows == 4 * 5 * 6
    # the one pattern is the argsort of the first window
    np.testing.assert_array_equal(d.patterns()[0], np.argsort(vol[:2, :2, :2].ravel(), kind="stable"))
    assert permutation_entropy(vol, dz=2).value == 0.0
    assert missing_patterns(vol, dz=2).n_missing == math.factorial(8) - 1


@pytest.mark.slow
def test_iid_noise_volume_patterns_are_uniform():
    """Non-overlapping 2x2x2 windows of i.i.d. noise: independent patterns, each with
    probability 1/8!, so the counts are multinomial. Pearson's chi-square over the K =
    40,320 patterns (216,000 windows, 5.4 expected per pattern: the chi-square law is
    accurate there, and with K - 1 degrees of freedom its standard deviation is 284)
    must not reject uniformity at the 0.1% level (fixed seed). A volume with one
    ordering forbidden must be rejected, so the test can fail."""
    K = math.factorial(8)
    vol = np.random.default_rng(SEED).random((120, 120, 120))
    d = ordinal_distribution(vol, dz=2, overlapping=False)
    assert d.n_windows == 60**3
    full = np.zeros(K)
    full[d.codes] = d.counts
    expected = d.n_windows / K
    chi2 = float(np.sum((full - expected) ** 2) / expected)
    assert stats.chi2.sf(chi2, K - 1) > 1e-3
    # structure: the voxel (1, 1, 1) of every window is its largest (a forbidden-pattern
    # volume): only 7! of the 8! patterns can occur, chi-square is enormous
    vol2 = vol.copy()
    vol2[1::2, 1::2, 1::2] += 1.0
    d2 = ordinal_distribution(vol2, dz=2, overlapping=False)
    assert d2.n_observed <= math.factorial(7)
    full2 = np.zeros(K)
    full2[d2.codes] = d2.counts
    assert stats.chi2.sf(float(np.sum((full2 - expected) ** 2) / expected), K - 1) < 1e-12


def test_one_slab_volume_equals_the_image():
    """Where the definitions coincide: a (1, M, N) volume with dz=1 has exactly the
    image's dy x dx patterns; a (Z, 1, N) volume with dz=2, dy=1 has the 2 x dx patterns
    of the (Z, N) image vol[:, 0, :] (elements flattened slice-major = row-major)."""
    rng = np.random.default_rng(SEED)
    img = rng.random((9, 11))
    for dx, dy in [(2, 2), (3, 2), (3, 3)]:
        a = ordinal_distribution(img, dx=dx, dy=dy)
        b = ordinal_distribution(img[np.newaxis], dx=dx, dy=dy, dz=1)
        np.testing.assert_array_equal(a.codes, b.codes)
        np.testing.assert_array_equal(a.counts, b.counts)
        assert b.n_outcomes == a.n_outcomes
    vol = rng.random((9, 1, 11))
    for dx, tauz in [(2, 1), (3, 2)]:
        a = ordinal_distribution(vol[:, 0, :], dx=dx, dy=2, tauy=tauz)
        b = ordinal_distribution(vol, dx=dx, dy=1, dz=2, tauz=tauz)
        np.testing.assert_array_equal(a.codes, b.codes)
        np.testing.assert_array_equal(a.counts, b.counts)
        assert permutation_entropy(vol, dx=dx, dy=1, dz=2, tauz=tauz, estimator="nsb").value == pytest.approx(
            permutation_entropy(vol[:, 0, :], dx=dx, dy=2, tauy=tauz, estimator="nsb").value, abs=1e-14)
        assert statistical_complexity(vol, dx=dx, dy=1, dz=2, tauz=tauz) == statistical_complexity(
            vol[:, 0, :], dx=dx, dy=2, tauy=tauz)
    # dz=1 on a thick volume: every slice's patterns counted together
    vol = rng.random((3, 8, 9))
    d = ordinal_distribution(vol, dz=1)
    total = {}
    for k in range(3):
        for c, n in naive.ordinal_counts(vol[k], 2, 2).items():
            total[c] = total.get(c, 0) + n
    assert dict(zip(d.codes.tolist(), d.counts.tolist())) == total


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_every_estimator_on_a_volume(name):
    vol = np.random.default_rng(SEED).random((8, 9, 10))
    d = ordinal_distribution(vol, dz=2)
    K = 40320
    ref = entropy_from_counts(d.counts, estimator=name, n_outcomes=K, base=2)
    pe = permutation_entropy(vol, dz=2, estimator=name, normalized=False)
    assert pe.n_outcomes == K
    assert pe.value == pytest.approx(ref.value, rel=1e-12, abs=1e-12, nan_ok=True)


@pytest.mark.parametrize("func", VOLUME_FUNCS)
def test_volume_input_rules(func):
    vol = np.random.default_rng(0).random((4, 5, 6))
    with pytest.raises(ValueError, match="`dz` was not given"):
        func(vol)  # a 3-D array is a volume only when the caller says so
    with pytest.raises(ValueError, match="`dz` = 2 .* 2-D"):
        func(vol[0], dz=2)
    with pytest.raises(ValueError, match=r"`dx` \* `dy` \* `dz` must be at most 20"):
        func(vol, dx=3, dy=3, dz=3)
    with pytest.raises(ValueError, match="spans 5 x 2 x 2"):
        func(vol, dz=3, tauz=2)
    with pytest.raises(TypeError, match="`tauz`"):
        func(vol, dz=2, tauz=0.5)
    bad = vol.copy()
    bad[1, 2, 3] = np.nan
    with pytest.raises(ValueError, match="1 NaN"):
        func(bad, dz=2)
    func(vol[0], dz=1)  # dz=1 with an image is the image's patterns
