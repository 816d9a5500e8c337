"""Tests of the local permutation-entropy map (infopix.patterns.local_permutation_entropy)
and of the sliding-window entry point it calls (infopix.local_code_entropy): against a
naive loop over windows of naively computed pattern codes, a ramp (exactly 0) and the
expected plug-in deficit on i.i.d. noise."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from _cli import run_cli
import naive_local
import naive_patterns as naive
from infopix import local_code_entropy
from infopix.estimators import ESTIMATORS, entropy_from_counts
from infopix.patterns import local_permutation_entropy, pattern_grid_offset, permutation_entropy

SEED = 20261129

# (dx, dy, taux, tauy): 2x2; 3x2 with a delay; 3x3 (K = 9! > 2**16: ids are relabelled)
PATTERNS = [(2, 2, 1, 1), (3, 2, 2, 1), (3, 3, 1, 1)]


def _naive_map(img, r, edge, dx, dy, taux, tauy, estimator, std=False):
    """For every anchor: the window's pattern codes (naive ranks, naive window indices),
    their counts, entropy_from_counts with K = (dx dy)!, normalised by log2 K."""
    grid = np.array(naive.pattern_code_grid(img, dx, dy, taux, tauy))
    K = math.factorial(dx * dy)
    out = np.empty(grid.shape)
    for i, j in np.ndindex(*grid.shape):
        counts = naive_local.counts_of(naive_local.window_values(grid, i, j, r, edge))
        e = entropy_from_counts(counts, estimator=estimator, n_outcomes=K, base=2)
        val = e.value if not std else (np.nan if e.std is None else e.std)  # ansb: no std without a coincidence
        out[i, j] = val / math.log2(K)
    return out


def _images():
    rng = np.random.default_rng(SEED)
    # a continuous image (no ties) and a 3-level one (ties: the stable policy)
    return [rng.random((9, 11)), rng.integers(0, 3, (10, 9))]


@pytest.mark.parametrize("estimator", sorted(ESTIMATORS))
@pytest.mark.parametrize("edge", ["clip", "reflect", "wrap"])
def test_map_equals_naive_loop(estimator, edge):
    # 1e-12: every value is the estimator's kernel on the window's count profile, as
    # entropy_from_counts computes it; plug-in and the linear forms are summed in exact
    # fixed point; NSB's table path agrees with its adaptive path to ~1e-13.
    for img in _images():
        for dx, dy, taux, tauy in PATTERNS:
            for r in (0, 1, 3):
                got = local_permutation_entropy(img, r, dx=dx, dy=dy, taux=taux, tauy=tauy, estimator=estimator, edge=edge)
                ref = _naive_map(img, r, edge, dx, dy, taux, tauy, estimator)
                np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("estimator", sorted(n for n, e in ESTIMATORS.items() if e.std_kernel is not None))
def test_return_std_equals_naive_loop(estimator):
    img = _images()[0]
    for dx, dy, taux, tauy in PATTERNS[:2]:
        H, S = local_permutation_entropy(img, 2, dx=dx, dy=dy, taux=taux, tauy=tauy, estimator=estimator, return_std=True)
        np.testing.assert_allclose(H, _naive_map(img, 2, "clip", dx, dy, taux, tauy, estimator), rtol=1e-12, atol=1e-12)
        ref = _naive_map(img, 2, "clip", dx, dy, taux, tauy, estimator, std=True)
        np.testing.assert_allclose(S, ref, rtol=1e-10, atol=1e-12)


def test_whole_image_window_is_permutation_entropy():
    """r >= the grid's size with clip: every window holds every pattern, so each value
    is the image's permutation entropy (4x4 patterns: K = 16!, ids relabelled)."""
    img = np.random.default_rng(SEED).random((12, 14))
    for dx, dy in [(2, 2), (4, 4)]:
        for est in ("plugin", "nsb", "chao_shen"):
            H = local_permutation_entropy(img, 20, dx=dx, dy=dy, estimator=est)
            assert H.shape == (12 - dy + 1, 14 - dx + 1)
            ref = permutation_entropy(img, dx=dx, dy=dy, estimator=est).value
            np.testing.assert_allclose(H, ref, rtol=1e-12)


@pytest.mark.parametrize("edge", ["clip", "reflect", "wrap"])
@pytest.mark.parametrize("dx,dy,taux,tauy", PATTERNS + [(4, 4, 1, 1)])
def test_ramp_map_is_zero(edge, dx, dy, taux, tauy):
    ramp = np.add.outer(np.arange(15), 20 * np.arange(16)).astype(float)
    for est in ("plugin", "miller_madow"):  # (others, e.g. Grassberger, are not 0 for one category)
        H = local_permutation_entropy(ramp, 3, dx=dx, dy=dy, taux=taux, tauy=tauy, estimator=est, edge=edge)
        assert H.shape == (15 - (dy - 1) * tauy, 16 - (dx - 1) * taux)
        assert np.all(H == 0.0)  # one pattern: exactly 0, not just small


def _coincidence(a, b, dx=2, dy=2):
    """P(the dy x dx patterns anchored at (0, 0) and (a, b) are equal) for i.i.d.
    continuous pixels: every ordering of the union of their pixels is equally likely."""
    A = [(y, x) for y in range(dy) for x in range(dx)]
    B = [(y + a, x + b) for y in range(dy) for x in range(dx)]
    U = sorted(set(A) | set(B))
    idx = {p: i for i, p in enumerate(U)}

    def code(vals):
        return naive.lex_rank(sorted(range(len(vals)), key=lambda e: vals[e]))

    same = sum(code([p[idx[q]] for q in A]) == code([p[idx[q]] for q in B]) for p in itertools.permutations(range(len(U))))
    return same / math.factorial(len(U))


@pytest.mark.slow
def test_plugin_map_mean_on_noise():
    """2x2 patterns of i.i.d. noise, interior windows of n = (2r+1)^2 patterns.

    Every pattern has probability 1/24, but overlapping patterns share pixels, so a
    window's counts are not multinomial. To second order (delta method) the plug-in
    deficit is ``K/(2 n^2 ln 2) sum_k Var(c_k)``, and ``sum_k Var(c_k) = sum_{s,t}
    (P(pi_s = pi_t) - 1/K)``: n (1 - 1/K) from s = t plus, for the 8 offsets (a, b) at
    which patterns overlap, (2r+1-|a|)(2r+1-|b|) (q(a, b) - 1/K), with q computed exactly by
    enumerating the orderings of the union of pixels (q = 1/45 side by side, 19/630
    diagonally: less than 1/24, so overlap *lowers* the deficit). The next term of the
    expansion is O(K^2 / n^2) (multinomial: (K^2 - 1)/(12 n^2) nats, 7.5e-5 bits at
    r = 15, well below the standard error). The map mean over 8 seeded images must be
    within 3 standard errors (estimated from the 8 image means) of log2(24) minus that
    deficit. The exactly computed multinomial deficit (binomial sums, as for
    non-overlapping windows) is the wrong reference: at r = 7 it is ~10 standard errors
    off (asserted > 3, so this test can tell the two apart)."""
    K = 24
    qs = {(a, b): _coincidence(a, b) for a in (-1, 0, 1) for b in (-1, 0, 1) if (a, b) != (0, 0)}
    assert qs[(0, 1)] == pytest.approx(1 / 45) and qs[(1, 1)] == pytest.approx(19 / 630)
    rng = np.random.default_rng(SEED)
    for r, side, reps in [(15, 128, 8), (7, 96, 8)]:
        w = 2 * r + 1
        n = w * w
        var_sum = n * (1 - 1 / K) + sum((w - abs(a)) * (w - abs(b)) * (q - 1 / K) for (a, b), q in qs.items())
        deficit_pairs = K * var_sum / (2 * n * n * math.log(2))
        j = np.arange(1, n + 1)
        e_plugin = math.log(n) - K / n * float(np.sum(stats.binom.pmf(j, n, 1 / K) * j * np.log(j)))
        deficit_multinomial = (math.log(K) - e_plugin) / math.log(2)
        means = np.array([
            local_permutation_entropy(rng.random((side, side)), r, normalized=False)[r:-r, r:-r].mean()
            for _ in range(reps)
        ])
        se = means.std(ddof=1) / math.sqrt(reps)
        if r == 15:
            assert abs(means.mean() - (math.log2(K) - deficit_pairs)) < 3 * se
        else:
            assert abs(means.mean() - (math.log2(K) - deficit_multinomial)) > 3 * se


def test_offset_and_alignment():
    assert pattern_grid_offset(dx=3, dy=2, taux=2, tauy=1) == (0.5, 2.0)
    # a step between columns 5 and 6: the 2x2 patterns straddling it sit at anchor
    # column 5; with r = 0 only that column of the map differs from the flat parts
    img = np.add.outer(np.arange(8), np.arange(12) * 0.01)
    img[:, 6:] += 10 * np.arange(8)[:, None][::-1]  # a different order right of the step
    H = local_permutation_entropy(img, 1)
    assert H.shape == (7, 11)
    changed = np.flatnonzero(np.any(H > 0, axis=0))
    assert changed.tolist() == [4, 5, 6]  # anchors 4..6: windows containing anchor 5


def test_local_code_entropy_errors_and_k():
    codes = np.random.default_rng(SEED).integers(0, 5, (8, 9))
    with pytest.raises(ValueError, match="`n_outcomes`"):
        local_code_entropy(codes, 1, 4)
    with pytest.raises(ValueError, match="non-negative"):
        local_code_entropy(codes - 1, 1, 10)
    with pytest.raises(TypeError, match="`codes`"):
        local_code_entropy(codes.astype(float), 1, 10)
    with pytest.raises(ValueError, match="relabel"):
        local_code_entropy(codes * 10**9, 1, 10**10)
    with pytest.raises(ValueError, match="`return_std`"):
        local_code_entropy(codes, 1, 10, return_std=True)
    # K matters for the estimators that use it, not for plug-in
    a, b = local_code_entropy(codes, 2, 5, estimator="nsb"), local_code_entropy(codes, 2, 5000, estimator="nsb")
    assert np.all(a != b)
    np.testing.assert_array_equal(local_code_entropy(codes, 2, 5), local_code_entropy(codes, 2, 5000))


def test_local_permutation_entropy_errors():
    img = np.random.default_rng(0).random((10, 10))
    with pytest.raises(ValueError, match="spans"):
        local_permutation_entropy(img, 1, dx=4, dy=4, taux=4, tauy=4)
    with pytest.raises(ValueError, match="`edge`"):
        local_permutation_entropy(img, 1, edge="nearest")
    with pytest.raises(TypeError, match="`normalized`"):
        local_permutation_entropy(img, 1, normalized="yes")
    with pytest.raises(ValueError, match="`estimator`"):
        local_permutation_entropy(img, 1, estimator="nope")
    with pytest.raises(ValueError, match="2-D"):
        local_permutation_entropy(np.zeros((3, 10, 10)), 1)
    h, s = local_permutation_entropy(img, [1, 2], estimator="nsb", return_std=True)
    assert h.shape == s.shape == (2, 9, 9)


# ---------------------------------------------------------------------------------------
# the report and the command line
# ---------------------------------------------------------------------------------------


def test_report_map_radius_matches_its_caption():
    """The report's caption says i.i.d. noise reads about 0.97 at its radius: the
    second-order level of test_plugin_map_mean_on_noise, normalised, must round to it."""
    from infopix.measures import PATTERN_MAP_RADIUS

    w = 2 * PATTERN_MAP_RADIUS + 1
    n, K = w * w, 24
    qs = {(0, 1): 1 / 45, (1, 0): 1 / 45, (1, 1): 19 / 630, (1, -1): 19 / 630}  # and their opposites
    var_sum = n * (1 - 1 / K) + 2 * sum((w - abs(a)) * (w - abs(b)) * (q - 1 / K) for (a, b), q in qs.items())
    assert round(1 - K * var_sum / (2 * n * n * math.log(K)), 2) == 0.97


def _cli(args):
    return run_cli("patterns", *args)


def test_cli_map_matches_library(tmp_path):
    import json

    import infopix

    img = (np.random.default_rng(SEED).random((40, 36)) * 255).astype(np.uint8)
    path = tmp_path / "img.npy"
    np.save(path, img)
    ref = local_permutation_entropy(img, 3, dx=3, dy=2, estimator="miller_madow", edge="reflect")
    tif = tmp_path / "map.tif"
    r = _cli([str(path), "-m", "ordinal", "--dx", "3", "--dy", "2", "-e", "miller_madow", "--map", "3",
              "--edge", "reflect", "-o", str(tif), "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)["local_map"]
    assert out["shape"] == list(ref.shape) and out["offset"] == [0.5, 1.0] and out["out"] == str(tif)
    assert out["mean"] == pytest.approx(float(ref.mean()), rel=1e-12)
    np.testing.assert_array_equal(infopix.read_image(tif), ref)
    npy = tmp_path / "map.npy"
    assert _cli([str(path), "--map", "2", "-o", str(npy)]).exit_code == 0
    np.testing.assert_array_equal(np.load(npy), local_permutation_entropy(img, 2))
    fig = tmp_path / "map.png"
    r = _cli([str(path), "--map", "2", "-o", str(fig)])
    assert r.exit_code == 0 and fig.stat().st_size > 1000, r.output


@pytest.mark.parametrize("args,flag", [
    (["-m", "lacunarity", "--map", "2"], "`--map`"),
    (["--map", "-1"], "`--map`"),
    (["--map", "2", "--edge", "nearest"], "`--edge`"),
    (["-o", "m.npy"], "`--out`"),
])
def test_cli_map_errors_are_one_line(args, flag, tmp_path):
    path = tmp_path / "img.npy"
    np.save(path, np.random.default_rng(0).random((20, 20)))
    r = _cli([str(path), *args])
    assert r.exit_code == 1
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("infopix: error:") and flag in lines[0], r.output
