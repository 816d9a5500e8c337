"""Spatial information on (Z, Y, X) volumes (issue 17): pair entropy, mutual information
and its profile along each axis, conditional and block entropies, entropy density."""

import math

import numpy as np
import pytest

import infopix.spatial as sp

import naive_spatial as nv

SEED = 20_261_129


def _rng(k=0):
    return np.random.default_rng(SEED + k)


# ---------------------------------------------------------------- against naive loops

VOLS = [
    _rng(1).integers(0, 2, (4, 5, 6)),
    _rng(2).integers(0, 3, (5, 4, 7)).astype(np.uint8),
    (_rng(3).random((6, 5, 5)) < 0.3),
]


@pytest.mark.parametrize("i", range(len(VOLS)))
def test_pair_measures_match_naive_loops(i):
    vol = VOLS[i]
    lst = vol.tolist()
    for off in [(1, 0, 0), (0, 1, 0), (0, 0, 1), (2, -1, 1), (-1, 2, -3), (3, 0, 0)]:
        # plug-in sums of < 200 terms: float64 rounding far below 1e-12
        assert sp.pair_entropy(vol, off) == pytest.approx(nv.pair_entropy_3d(lst, off), abs=1e-12)
        assert sp.mutual_information(vol, off) == pytest.approx(nv.mutual_information_3d(lst, off), abs=1e-12)


@pytest.mark.parametrize("i", range(len(VOLS)))
def test_pattern_measures_match_naive_loops(i):
    vol = VOLS[i]
    lst = vol.tolist()
    for nb in [[(-1, 0, 0)], [(0, 0, -1), (0, -1, 0), (-1, 0, 0)], [(-1, 1, -1), (0, -2, 2)]]:
        assert sp.conditional_entropy(vol, neighbours=nb) == pytest.approx(
            nv.conditional_entropy_3d(lst, nb), abs=1e-12)
    assert sp.conditional_entropy(vol, neighbours="causal-4") == pytest.approx(
        nv.conditional_entropy_3d(lst, sp.causal_neighbours(4, ndim=3)), abs=1e-12)
    for n in [1, 2, 3, (2, 1, 3), (1, 3, 2)]:
        d, r, c = (n,) * 3 if isinstance(n, int) else n
        assert sp.block_entropy(vol, n) == pytest.approx(nv.block_entropy_3d(lst, d, r, c), abs=1e-12)


def test_profile_tables_match_naive_loops():
    vol = VOLS[1]
    lst = vol.tolist()
    p = sp.mutual_information_profile(vol, [1, 2, 3], directions="depth")
    for d, mi in zip(p.distances, p.mi):
        assert mi == pytest.approx(nv.mutual_information_3d(lst, (d, 0, 0)), abs=1e-12)
    # isotropic: the three axis tables pooled into one
    p = sp.mutual_information_profile(vol, [1, 2], directions="isotropic")
    for d, mi in zip(p.distances, p.mi):
        pooled = nv.Counter()
        for off in [(d, 0, 0), (0, d, 0), (0, 0, d)]:
            pooled.update(nv.pattern_counter_3d(lst, [(0, 0, 0), off]))
        first, second = nv.Counter(), nv.Counter()
        for (a, b), c in pooled.items():
            first[a] += c
            second[b] += c
        ref = nv.plugin_entropy(first) + nv.plugin_entropy(second) - nv.plugin_entropy(pooled)
        assert mi == pytest.approx(ref, abs=1e-12)
        assert p.n_pairs[list(p.distances).index(d)] == sum(pooled.values())


def test_neighbourhoods_3d_are_the_scan_boundary():
    for k in range(10):
        assert sp.staircase_neighbours(k) == nv.boundary_neighbours(k, 2)  # 2-D unchanged
        assert sp.staircase_neighbours(k, ndim=3) == nv.boundary_neighbours(k, 3)
    c = sp.causal_neighbours(13, ndim=3)
    # the 13 causal voxels of the 3x3x3 box (half of the 26 neighbours), nearest first
    assert sorted(c) == sorted(o for o in np.ndindex(3, 3, 3) for o in [tuple(np.array(o) - 1)]
                               if o < (0, 0, 0))
    assert [sum(x * x for x in o) for o in c] == sorted(sum(x * x for x in o) for o in c)


# ---------------------------------------------------------------- exact and statistical


def test_iid_voxels_have_no_mutual_information_along_any_axis():
    # i.i.d. voxels: 2 N MI (nats) ~ chi-squared with (L - 1)^2 = 9 degrees of freedom,
    # mean 9 / (2 N) (the profile's `bias`) and sd sqrt(18) / (2 N). 5 sd above the bias
    # is exceeded with probability ~4e-4 per distance (chi-squared tail at 9 + 21.2).
    vol = _rng(4).integers(0, 4, (24, 32, 32))
    for direction in ("depth", "vertical", "horizontal", "isotropic"):
        p = sp.mutual_information_profile(vol, [1, 2, 5], directions=direction)
        sd = (p.noise_floor - p.bias) / 3
        assert np.all(p.mi < p.bias + 5 * sd), direction
        # the bias is what was stated: 9 / (2 N) nats in bits
        np.testing.assert_allclose(p.bias, 9 / (2 * p.n_pairs) / math.log(2), rtol=1e-12)


def test_identical_slices_mi_along_z_is_the_slice_entropy():
    sl = _rng(5).integers(0, 5, (12, 13))
    vol = np.repeat(sl[None], 6, axis=0)
    _, c = np.unique(sl, return_counts=True)
    p = c / c.sum()
    h = float(-(p * np.log2(p)).sum())
    for d in (1, 3, 5):
        assert sp.mutual_information(vol, (d, 0, 0)) == pytest.approx(h, abs=1e-12)
        assert sp.pair_entropy(vol, (d, 0, 0)) == pytest.approx(h, abs=1e-12)
    prof = sp.mutual_information_profile(vol, [1, 2, 3, 4, 5], directions="depth")
    np.testing.assert_allclose(prof.mi, h, rtol=0, atol=1e-12)
    # the voxel above decides: zero conditional entropy, and entropy density 0
    assert sp.conditional_entropy(vol, neighbours=[(-1, 0, 0)]) == 0.0
    assert sp.block_entropy(vol, (2, 1, 1)) == pytest.approx(h, abs=1e-12)


def _markov_rows(shape, p, rng):
    """Binary rows, each a symmetric Markov chain along x flipping with probability p."""
    first = rng.integers(0, 2, shape[:-1] + (1,))
    flips = (rng.random(shape[:-1] + (shape[-1] - 1,)) < p).astype(np.int64)
    return np.concatenate([first, first ^ (np.cumsum(flips, axis=-1) % 2)], axis=-1)


def test_stack_of_independent_slices():
    # each slice (and row) independent; along x a symmetric Markov chain flipping with
    # p = 0.1, whose MI is 1 - H2(0.1) bits. The pointwise MI of a pair depends only on
    # its flip, i.i.d., so the plug-in MI's sd is sqrt(Var / N) with Var = p (1 - p)
    # log2((1 - p) / p)^2; 5 sd plus the bias bounds it.
    p, shape = 0.1, (8, 32, 64)
    vol = _markov_rows(shape, p, _rng(6))
    mi_x = sp.mutual_information(vol, (0, 0, 1))
    n = shape[0] * shape[1] * (shape[2] - 1)
    sd = math.sqrt(p * (1 - p) * math.log2((1 - p) / p) ** 2 / n)
    h2 = -(p * math.log2(p) + (1 - p) * math.log2(1 - p))
    assert abs(mi_x - (1 - h2)) < 5 * sd + 1 / (2 * n * math.log(2))
    # along x the volume is its slices' pairs pooled: the slices stacked along y
    flat = vol.reshape(-1, shape[2])
    assert mi_x == pytest.approx(sp.mutual_information(flat, (0, 1)), abs=1e-12)
    # along z (and y): independent, below bias + 5 sd of the chi-squared law (df = 1)
    for direction in ("depth", "vertical"):
        prof = sp.mutual_information_profile(vol, [1, 2], directions=direction)
        sd = (prof.noise_floor - prof.bias) / 3
        assert np.all(prof.mi < prof.bias + 5 * sd), direction


def test_entropy_density_of_volumes():
    # i.i.d. fair bits: 1 bit per voxel at every k (Miller-Madow bias corrected: the
    # quadrant spread is the statistical error; 5 errors bound it)
    vol = _rng(7).integers(0, 2, (16, 32, 32))
    d = sp.entropy_density(vol, max_neighbours=3)
    assert abs(d.value - 1.0) < 5 * max(d.error, 1e-3)
    assert d.sizes.tolist() == [0, 1, 2, 3]
    # identical slices: the staircase's third member is the voxel above, which decides
    same = np.repeat(_rng(8).integers(0, 2, (24, 24))[None], 10, axis=0)
    d = sp.entropy_density(same, max_neighbours=3, estimator="plugin")
    assert d.estimates[3] == 0.0 and d.estimates[0] == pytest.approx(
        nv.plugin_entropy(nv.Counter(same[0].ravel().tolist())), abs=1e-12)
    # block method: the third mixed difference, h(1) = H(X); a layered volume of period
    # 2 along z (slices 0 and 1) has h(2) = 0 exactly
    layers = np.broadcast_to((np.arange(10) % 2)[:, None, None], (10, 9, 9)).copy()
    d = sp.entropy_density(layers, method="block", max_block=2, estimator="plugin")
    assert d.estimates[0] == pytest.approx(1.0, abs=1e-12) and d.estimates[1] == pytest.approx(0.0, abs=1e-12)
    H = lambda a, b, c: nv.block_entropy_3d(VOLS[0].tolist(), a, b, c)  # noqa: E731
    ref = (H(2, 2, 2) - H(1, 2, 2) - H(2, 1, 2) - H(2, 2, 1) + H(1, 1, 2) + H(1, 2, 1) + H(2, 1, 1)
           - H(1, 1, 1))
    got = sp.entropy_density(VOLS[0], method="block", max_block=2, estimator="plugin").estimates[1]
    assert got == pytest.approx(ref, abs=1e-12)


@pytest.mark.parametrize("call, exc, match", [
    (lambda: sp.mutual_information(np.zeros((5, 5), int), (0, 0, 1)), ValueError,
     r"`offset` on a 2-D image expects \(dy, dx\), got 3 values"),
    (lambda: sp.pair_entropy(np.zeros((3, 5, 5), int), (0, 1)), ValueError,
     r"`offset` on a \(Z, Y, X\) volume expects \(dz, dy, dx\).*\(0, dy, dx\)"),
    (lambda: sp.mutual_information(np.zeros((3, 5, 5), int), (3, 0, 0)), ValueError, r"`offset` \(3, 0, 0\) is larger"),
    (lambda: sp.mutual_information(np.zeros((3, 5, 5), int), (0, 0, 0)), ValueError, r"`offset` expects a non-zero"),
    (lambda: sp.mutual_information_profile(np.zeros((5, 5), int), directions="depth"), ValueError,
     r"`directions` 'depth'.*volume"),
    (lambda: sp.mutual_information_profile(np.zeros((3, 9, 9), int), [3], directions="depth"), ValueError,
     r"`distances` must lie in 1 .. 2 for depth pairs on a 3 x 9 x 9 volume"),
    (lambda: sp.conditional_entropy(np.zeros((3, 5, 5), int), neighbours=[(0, -1)]), ValueError,
     r"`neighbours` on a \(Z, Y, X\) volume expects \(dz, dy, dx\)"),
    (lambda: sp.conditional_entropy(np.zeros((5, 5), int), neighbours=[(0, 0, -1)]), ValueError,
     r"`neighbours` on a 2-D image expects \(dy, dx\)"),
    (lambda: sp.block_entropy(np.zeros((3, 5, 5), int), (2, 2)), TypeError, r"`n` expects an integer or \(depth"),
    (lambda: sp.block_entropy(np.zeros((3, 5, 5), int), 4), ValueError, r"`n` \(4 x 4 x 4\) is larger than the image \(3 x 5 x 5\)"),
    (lambda: sp.causal_neighbours(2, ndim=4), ValueError, r"`ndim` expects 2"),
])
def test_volume_errors_name_the_parameter(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
