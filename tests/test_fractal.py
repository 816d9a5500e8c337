"""Fractal and multifractal dimensions (infopix.fractal) against exact results.

Tolerances and where they come from are stated next to each assertion.
"""

import json
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm
from typer.testing import CliRunner

import infopix
from infopix.fractal import FractalFit, FractalWarning, synthetic as S

import naive_fractal as nv

RNG_SEED = 20_261_125


def _ols_bounds(x, lo, hi):
    """Interval of OLS slopes b = sum (x-xm) y / Sxx over all y with lo <= y <= hi."""
    w = (x - x.mean()) / np.sum((x - x.mean()) ** 2)
    return float(np.sum(np.where(w > 0, w * lo, w * hi))), float(np.sum(np.where(w > 0, w * hi, w * lo)))


# ----------------------------------------------------------------------------- exact sets

EXACT_SETS = [
    # generator, argument, box sizes, exact counts N(s) as a function of the size index j, D
    ("filled square", S.filled_square(256), 2 ** np.arange(9), lambda j: 4.0 ** (8 - j), 2.0),
    ("line", S.line(256), 2 ** np.arange(9), lambda j: 2.0 ** (8 - j), 1.0),
    ("horizontal line", S.line(243, kind="horizontal"), 3 ** np.arange(6), lambda j: 3.0 ** (5 - j), 1.0),
    ("point", S.point(256), 2 ** np.arange(9), lambda j: np.ones_like(j, dtype=float), 0.0),
    ("sierpinski", S.sierpinski(8), 2 ** np.arange(9), lambda j: 3.0 ** (8 - j), math.log(3) / math.log(2)),
    ("vicsek", S.vicsek(5), 3 ** np.arange(6), lambda j: 5.0 ** (5 - j), math.log(5) / math.log(3)),
    ("cantor dust", S.cantor_dust(5), 3 ** np.arange(6), lambda j: 4.0 ** (5 - j), math.log(4) / math.log(3)),
]


@pytest.mark.parametrize("name,image,sizes,counts,dim", EXACT_SETS, ids=[e[0] for e in EXACT_SETS])
def test_box_counting_exact_sets(name, image, sizes, counts, dim):
    fit = infopix.box_counting_dimension(image, sizes=sizes, origins=1)
    j = np.arange(sizes.size)
    # On a grid of the set's own base (b**j, registered at the origin) every level of a
    # finite self-similar construction is exact: N(b**j) = n_copies**(levels - j), so
    # log N is exactly linear in log(1/s) over all the levels there are; the only
    # error is rounding in logs and the fit, ~1e-15 per level -> tolerance 1e-12.
    np.testing.assert_allclose(fit.counts, counts(j), rtol=1e-12)
    assert abs(fit.dimension - dim) < 1e-12
    assert fit.r2 == pytest.approx(1.0, abs=1e-12)
    # one origin on the set's own grid: no residual, no spread, no edge difference
    assert fit.stderr < 1e-12 and not fit.curved
    # default fit range: sizes from 4 px to 0.3 of the side (about 4 boxes across)
    rows, cols = np.flatnonzero(image.any(axis=1)), np.flatnonzero(image.any(axis=0))
    extent = max(np.ptp(rows), np.ptp(cols)) + 1  # the set's extent bounds the range too
    for lo in (4, 1):  # from 4 px; from 1 px if fewer than 3 sizes; else all sizes
        in_range = sizes[(sizes >= lo) & (sizes <= 0.3 * min(image.shape[0], extent))]
        if in_range.size >= 3:
            assert fit.fit_range == (int(in_range[0]), int(in_range[-1]))
            break
    else:  # the point: no scale to exclude, all sizes
        assert fit.fit_range == (1, int(sizes[-1]))
    full = infopix.box_counting_dimension(image, sizes=sizes, fit_range=(1, sizes[-1]), origins=1)
    assert abs(full.dimension - dim) < 1e-12
    # four origins: the aligned grid is one of them, so the minimum counts are at most
    # the exact ones (fewer where a shifted grid's edge boxes, weighted by their area
    # inside, cover the set more cheaply: the diagonal line), and the exact dimension
    # is within 2 reported standard errors
    four = infopix.box_counting_dimension(image, sizes=sizes)
    assert np.all(four.counts <= counts(j) * (1 + 1e-12))
    assert abs(four.dimension - dim) <= 2 * four.stderr + 1e-12 and not four.curved


def test_non_dividing_sizes_two_edge_conventions():
    # A 300 x 300 filled square on power-of-two boxes with one origin: boxes cut by the
    # far edges count as 1 (padded: ceil(300/s)**2) or by their area inside
    # ((300/s)**2 exactly); N is the geometric mean, and the edge error is half the
    # difference of the two slopes.
    n = 300
    sizes = 2 ** np.arange(9)
    fit = infopix.box_counting_dimension(np.ones((n, n), bool), sizes=sizes, origins=1)
    s = fit.sizes
    np.testing.assert_allclose(fit.counts, np.sqrt(np.ceil(n / s) ** 2 * (n / s) ** 2), rtol=1e-12)
    m = fit.in_fit
    x = np.log(1 / s[m])
    pad, area = nv.ols_slope(x, 2 * np.log(np.ceil(n / s[m]))), nv.ols_slope(x, 2 * np.log(n / s[m]))
    assert area == pytest.approx(2.0, abs=1e-12)
    assert fit.stderr_components["edges"] == pytest.approx(abs(pad - area) / 2, rel=1e-9)
    assert fit.dimension == pytest.approx((pad + area) / 2, rel=1e-12)
    # the default ladder tiles the side almost exactly: both conventions nearly agree,
    # and the reported error covers the rest (2 standard errors)
    dflt = infopix.box_counting_dimension(np.ones((n, n), bool))
    assert dflt.stderr_components["edges"] < 0.005
    assert abs(dflt.dimension - 2.0) < 2 * dflt.stderr


def test_sierpinski_on_power_of_two_grid_of_a_non_power_of_two_set():
    # Vicsek set (3**5 = 243 px) on the default power-of-two grid: for 3**j <= s <= 3**(j+1)
    # each 3**j box meets at most 4 s-boxes and each s-box at most 4 boxes of 3**(j+1):
    # N(3**(j+1)) / 4 <= N(s) <= 4 N(3**j). The fitted slope must lie in the OLS image of
    # those bounds (a loose but rigorous consequence of the finite levels).
    image = S.vicsek(5)
    fit = infopix.box_counting_dimension(image)
    s = fit.sizes.astype(float)
    j = np.floor(np.log(s) / np.log(3) + 1e-12)
    lo_y = np.log(5.0 ** (5 - np.minimum(j + 1, 5)) / 4)
    hi_y = np.log(4 * 5.0 ** (5 - j))
    lo, hi = _ols_bounds(np.log(1 / s), lo_y, hi_y)
    assert lo <= fit.dimension <= hi


def test_box_counts_match_naive_on_odd_shapes():
    from infopix._kernels import fractal as K
    from infopix.fractal import GRID_ORIGINS

    rng = np.random.default_rng(RNG_SEED)
    for shape in [(37, 53), (64, 64), (50, 31), (9, 17)]:
        img = rng.random(shape) < 0.07
        img[0, 0] = True  # the bounding box starts at the origin: nothing is dropped
        bits = np.packbits(img, axis=1)
        for s in [1, 2, 3, 5, 8, 9, 13]:
            for oy, ox in [(0, 0), (s // 2, s // 3), (s - 1, 0), (1 % s, s - 1)]:
                got = K.box_counts_packed(bits[None], (1, *shape), s, (0, oy, ox), False)
                ref = nv.box_counts_offset(img, s, oy, ox)
                assert got[0] == ref[0] and got[1] == pytest.approx(ref[1], rel=1e-12)
        sizes = [1, 2, 3, 5, 7, 9]
        fit = infopix.box_counting_dimension(img, sizes=sizes, fit_range=(1, 9))
        # count = geometric mean of the minima over the 4 origins of both conventions
        ref = []
        for s in sizes:
            c = np.array([nv.box_counts_offset(img, s, int(s * u), int(s * w)) for u, w in GRID_ORIGINS[:4]])
            ref.append(np.sqrt(c[:, 0].min() * c[:, 1].min()))
        np.testing.assert_allclose(fit.counts, ref, rtol=1e-12)
        x = np.log(1 / np.array(sizes, float))
        assert fit.dimension == pytest.approx(nv.ols_slope(x, np.log(fit.counts)), rel=1e-12)
    # the padded convention with one origin is the classic count
    one = infopix.box_counting_dimension(img, sizes=sizes, origins=1)
    pad = [nv.box_counts_offset(img, s, 0, 0)[0] for s in sizes]
    np.testing.assert_array_equal(pad, nv.box_counts(img, sizes))


def test_threshold_and_binary_integer_input():
    img = infopix.sample_image()
    a = infopix.box_counting_dimension(img, threshold=159)
    b = infopix.box_counting_dimension(img > 159)
    c = infopix.box_counting_dimension((img > 159).astype(np.uint8))
    assert a.dimension == b.dimension == c.dimension
    np.testing.assert_array_equal(a.counts, c.counts)
    assert 1.0 < a.dimension < 2.0


def test_fit_range_is_explicit_and_reported():
    img = S.sierpinski(7)
    fit = infopix.box_counting_dimension(img, fit_range=(2, 32), sizes=2 ** np.arange(8))
    assert fit.fit_range == (2, 32)
    np.testing.assert_array_equal(fit.in_fit, (fit.sizes >= 2) & (fit.sizes <= 32))
    assert fit.sizes.tolist() == [1, 2, 4, 8, 16, 32, 64, 128]
    # default ladder: ceil(128 / k) for k geometric (ratio 2**(1/4)), distinct integers
    dflt = infopix.box_counting_dimension(img)
    k = np.unique(np.round(np.geomspace(1, 128, 29)))
    assert dflt.sizes.tolist() == np.unique(np.ceil(128 / k).astype(int)).tolist()
    assert dflt.fit_range == (4, 32)
    with pytest.raises(ValueError, match="at least 3"):
        infopix.box_counting_dimension(img, fit_range=(2, 3))


def test_results_are_deterministic_and_frozen():
    img = np.random.default_rng(RNG_SEED).random((128, 128))
    a = infopix.dbc_dimension(img)
    b = infopix.dbc_dimension(img)
    assert a.dimension == b.dimension
    np.testing.assert_array_equal(a.counts, b.counts)
    with pytest.raises(AttributeError):
        a.dimension = 3.0


# ----------------------------------------------------------------------------- honest errors


def _embed(img, shape, at):
    out = np.zeros(shape, bool)
    out[at[0] : at[0] + img.shape[0], at[1] : at[1] + img.shape[1]] = img
    return out


L3, L2, L5 = math.log(3), math.log(2), math.log(5)
# Exact self-similar sets of bases 2, 3 and 5, counted with default settings, i.e. on a
# size ladder tied to no base (ceil(L/k), k geometric with ratio 2**(1/4)), so most sizes
# are not powers of the set's base; some are also drawn at an offset in a canvas whose
# sides are not powers of the base. Seeds are fixed; the dusts keep exactly `keep`
# sub-cells per cell, so their dimension is exactly log keep / log base.
HONEST_SETS = [
    ("triangle 512 in 600x560", lambda: _embed(S.sierpinski(9), (600, 560), (37, 11)), L3 / L2),
    ("triangle 1024 in 1100x1050", lambda: _embed(S.sierpinski(10), (1100, 1050), (50, 13)), L3 / L2),
    ("carpet depth 5", lambda: S.carpet(5), math.log(8) / L3),
    ("carpet depth 6", lambda: S.carpet(6), math.log(8) / L3),
    ("carpet depth 6 in 800x760", lambda: _embed(S.carpet(6), (800, 760), (20, 3)), math.log(8) / L3),
    ("vicsek 243", lambda: S.vicsek(5), L5 / L3),
    ("vicsek 729", lambda: S.vicsek(6), L5 / L3),
    ("dust base 3 keep 5, 729", lambda: S.random_cantor_dust(6, 3, 5, rng=RNG_SEED), L5 / L3),
    ("dust base 3 keep 6, 729", lambda: S.random_cantor_dust(6, 3, 6, rng=RNG_SEED + 1), math.log(6) / L3),
    ("dust base 3 keep 4, 243", lambda: S.random_cantor_dust(5, 3, 4, rng=RNG_SEED + 2), math.log(4) / L3),
    ("dust base 5 keep 8, 625", lambda: S.random_cantor_dust(4, 5, 8, rng=RNG_SEED + 3), math.log(8) / L5),
    ("dust base 5 keep 12, 625", lambda: S.random_cantor_dust(4, 5, 12, rng=RNG_SEED + 4), math.log(12) / L5),
    ("koch 243", lambda: S.koch_curve(5), math.log(4) / L3),
    ("koch 729", lambda: S.koch_curve(6), math.log(4) / L3),
]


@pytest.mark.parametrize("name,build,dim", HONEST_SETS, ids=[h[0] for h in HONEST_SETS])
def test_box_counting_error_covers_exact_dimension(name, build, dim):
    image = build()
    with warnings.catch_warnings():
        warnings.simplefilter("error", FractalWarning)  # straight: no curvature warning
        fit = infopix.box_counting_dimension(image)
    assert not fit.curved
    rows, cols = np.flatnonzero(image.any(axis=1)), np.flatnonzero(image.any(axis=0))
    extent = max(np.ptp(rows), np.ptp(cols)) + 1
    # the targets: the exact dimension within 2 reported standard errors, and
    # the error below 0.05 for sets at least 729 px across, below 0.1 for 243 px and up
    assert abs(fit.dimension - dim) < 2 * fit.stderr, (fit.dimension, fit.stderr)
    assert fit.stderr < (0.05 if extent >= 729 else 0.1)
    # the parts compose the error
    parts = fit.stderr_components
    assert set(parts) == {"regression", "origins and ladders", "edges"}
    assert fit.stderr == pytest.approx(math.sqrt(sum(v * v for v in parts.values())), rel=1e-12)


def test_box_counting_sparse_dust_error_and_carpet_accuracy():
    # The sparsest dust of the issue (dimension log 4 / log 3, 4**6 = 4096 pixels on
    # 729 x 729) is the one set >= 729 px whose reported error is not always below the
    # issue's 0.05. Measured over seeds 0-199 (benchmarks/calibrate_box_counting.py,
    # table in benchmarks/fractal.md): the actual error (estimate - exact) has RMS 0.040
    # (mean +0.008, s.d. 0.039), so an error that is honest for this set is about 0.04
    # on average and cannot be below 0.05 for every seed; the reported error averages
    # 0.052 (0.027-0.072; below 0.05 for 53 % of the seeds; RMS error / mean reported
    # error 0.77) and covers the exact value within 2 errors for all 200. Shrinking
    # the error's parts to bring it under 0.05 here would make it understate the
    # error of the Koch and Vicsek sets (see the Notes of box_counting_dimension).
    # Seeds 0-2 report 0.054, 0.058, 0.050; the bound 0.075 is above the largest
    # reported error of the 200 seeds.
    for seed in range(3):
        fit = infopix.box_counting_dimension(S.random_cantor_dust(6, 3, 4, rng=seed))
        assert abs(fit.dimension - math.log(4) / L3) < 2 * fit.stderr < 2 * 0.075
    # the depth-6 carpet lands within 0.01 of log 8 / log 3 (the prototype
    # figure; with power-of-two sizes on one grid it was 0.07 off)
    carpet = infopix.box_counting_dimension(S.carpet(6))
    assert abs(carpet.dimension - math.log(8) / L3) < 0.01


# random dusts for the calibration test: (level, base, keep); the sparsest at 729 px,
# a dense one at 729, the sparsest at 243 and a base-5 one (the most conservative)
CALIBRATION_DUSTS = [(6, 3, 4), (6, 3, 6), (5, 3, 4), (4, 5, 8)]
CALIBRATION_SEEDS = 30


@pytest.mark.parametrize("level,base,keep", CALIBRATION_DUSTS,
                         ids=[f"{b}^{lv} keep {k}" for lv, b, k in CALIBRATION_DUSTS])
def test_box_counting_error_is_calibrated_over_seeds(level, base, keep):
    # Independent realisations of a random Cantor dust have the exact dimension
    # log keep / log base, so the actual errors of the default fit over seeds measure
    # what the reported standard error should be.
    from scipy.stats import binom

    dim = math.log(keep) / math.log(base)
    err, se = [], []
    for seed in range(CALIBRATION_SEEDS):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FractalWarning)
            fit = infopix.box_counting_dimension(S.random_cantor_dust(level, base, keep, rng=seed))
        err.append(fit.dimension - dim)
        se.append(fit.stderr)
    err, se = np.array(err), np.array(se)
    # (1) Coverage. With calibrated normal errors each fit covers the exact value within
    # 2 errors with probability p = 0.9545, so the number covered is Binomial(30, p);
    # at least its 0.1 % quantile (24 of 30: P(fewer) = 0.03 %) must be covered.
    # Measured over 200 seeds: 100 % for every kind here.
    p = 2 * norm.cdf(2) - 1
    assert np.sum(np.abs(err) < 2 * se) >= binom.ppf(0.001, CALIBRATION_SEEDS, p)
    # (2) Size. ratio = RMS(actual error) / mean(reported error): 1 is calibrated,
    # below 1 conservative. The RMS of 30 normal errors has a relative sampling error
    # 1/sqrt(2 * 30) = 0.13, so an honest (calibrated) error reads below 1 + 2 * 0.13
    # ~ 1.25 with probability 98 %: above 1.25 the error understates (halving the
    # reported errors fails this for the two 729 px kinds). The lower end 0.2 bounds how
    # conservative it is: measured over 200 seeds 0.77 (keep 4 of 9 at 729), 0.58 (6 of
    # 9 at 729), 0.65 (4 of 9 at 243) and 0.33 (8 of 25 at 625, whose slope moves most
    # with the fit range; 0.28 over these 30 seeds); see benchmarks/fractal.md.
    ratio = np.sqrt(np.mean(err**2)) / se.mean()
    assert 0.2 < ratio < 1.25, (ratio, se.mean())


def test_box_counting_error_parts_match_naive():
    # Every part of the error recomputed from the naive box loop and np.polyfit, on a
    # Vicsek set drawn at an offset in a 90 x 100 canvas (the empty leading rows and
    # columns are dropped, so the grids start at the set's corner).
    from scipy.stats import linregress

    from infopix.fractal import GRID_ORIGINS

    img = _embed(S.vicsek(4), (90, 100), (2, 3))
    fit = infopix.box_counting_dimension(img)
    crop = img[2:, 3:]
    sizes, m = fit.sizes, fit.in_fit
    pad = np.full((sizes.size, 4), np.nan)
    area = np.full((sizes.size, 4), np.nan)
    for i, s in enumerate(sizes):
        for g in range(4 if m[i] else 1):
            u, w = GRID_ORIGINS[g]
            pad[i, g], area[i, g] = nv.box_counts_offset(crop, int(s), int(s * u), int(s * w))
    counts = np.sqrt(np.nanmin(pad, axis=1) * np.nanmin(area, axis=1))
    np.testing.assert_allclose(fit.counts, counts, rtol=1e-12)
    x, y = np.log(1 / sizes[m]), np.log(counts[m])
    reg = linregress(x, y)
    assert fit.dimension == pytest.approx(reg.slope, rel=1e-12)
    assert fit.stderr_components["regression"] == pytest.approx(reg.stderr, rel=1e-9)
    slope = lambda xx, yy: np.polyfit(xx, yy, 1)[0]  # noqa: E731
    per_origin = 0.5 * (np.log(pad[m]) + np.log(area[m]))  # (K_fit, 4)
    alt = [slope(x[p::2], per_origin[p::2, g]) for p in (0, 1) for g in range(4)]
    u = np.log(sizes[m])
    windows = set()
    for dl, dh in [(0.5, 0), (0, 0.5), (1, 0), (0, 1)]:  # octaves dropped at each end
        keep = tuple((u >= u[0] + dl * np.log(2) - 1e-9) & (u <= u[-1] - dh * np.log(2) + 1e-9))
        if sum(keep) >= 3 and not all(keep) and keep not in windows:
            windows.add(keep)
            alt.append(slope(x[list(keep)], y[list(keep)]))
    alt += [slope(x, per_origin[:, g]) for g in range(4)]
    assert fit.stderr_components["origins and ladders"] == pytest.approx(np.std(alt, ddof=1), rel=1e-9)
    edges = abs(slope(x, np.log(np.nanmin(pad, 1)[m])) - slope(x, np.log(np.nanmin(area, 1)[m]))) / 2
    assert fit.stderr_components["edges"] == pytest.approx(edges, rel=1e-9, abs=1e-15)
    # the drift of the local slope: 2 c (x_max - x_min) for the quadratic c x**2 + ...
    c = np.polyfit(x, y, 2)[0]
    assert fit.slope_drift == pytest.approx(2 * c * (x.max() - x.min()), rel=1e-9)


def _points(n, density, seed):
    return np.random.default_rng(seed).random((n, n)) < density


def test_curved_log_log_relation_warns_and_flags():
    # Sparse random points: N(s) ~ number of points at small s (slope 0), ~ (n/s)**2
    # once boxes hold several points (slope 2): plainly curved.
    with pytest.warns(UserWarning, match="curved over the fit range") as rec:
        fit = infopix.box_counting_dimension(_points(512, 0.003, RNG_SEED))
    assert fit.curved and fit.slope_drift < -3 * fit.slope_drift_stderr
    assert rec[0].filename == __file__  # the warning points at the caller
    # A union of sets of different dimensions: a carpet (1.89) with sparse dust around it
    union = _points(729, 0.002, RNG_SEED + 1)
    union[243:486, 243:486] |= S.carpet(5)
    with pytest.warns(FractalWarning, match="no single dimension"):
        fit = infopix.box_counting_dimension(union)
    assert fit.curved
    # straight: a filled square and the exact sets above (no warning, flag False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FractalWarning)
        assert not infopix.box_counting_dimension(np.ones((300, 300), bool)).curved
    # the same points as a measure: D_0 is curved too, flagged per order
    with pytest.warns(FractalWarning, match="curved") as rec:
        res = infopix.generalized_dimensions(_points(512, 0.003, RNG_SEED).astype(float), [0.0, 2.0])
    assert res.curved[0] and rec[0].filename == __file__


def test_origins_parameter():
    img = S.carpet(5)
    one = infopix.box_counting_dimension(img, origins=1)
    eight = infopix.box_counting_dimension(img, origins=8)
    # more origins can only lower the minimum counts
    assert np.all(eight.counts <= one.counts * (1 + 1e-12))
    for bad in (0, 9, 2.5, True):
        with pytest.raises(ValueError, match="`origins` expects an integer from 1 to 8"):
            infopix.box_counting_dimension(img, origins=bad)


# ----------------------------------------------------------------------------- volumes

VOLUME_SETS = [
    # volume, box sizes, exact counts N(s) by size index j, D
    ("menger sponge", S.menger_sponge(4), 3 ** np.arange(5), lambda j: 20.0 ** (4 - j), math.log(20) / L3),
    ("cantor dust 3-D", S.cantor_dust_3d(4), 3 ** np.arange(5), lambda j: 8.0 ** (4 - j), 3 * L2 / L3),
    ("solid cube", np.ones((64, 64, 64), bool), 2 ** np.arange(7), lambda j: 8.0 ** (6 - j), 3.0),
    ("plane", np.pad(np.ones((1, 64, 64), bool), ((0, 63), (0, 0), (0, 0))), 2 ** np.arange(7),
     lambda j: 4.0 ** (6 - j), 2.0),
    ("line", np.eye(64, dtype=bool)[:, :, None] & np.eye(64, dtype=bool)[:, None, :], 2 ** np.arange(7),
     lambda j: 2.0 ** (6 - j), 1.0),  # the main diagonal z = y = x
]


@pytest.mark.parametrize("name,vol,sizes,counts,dim", VOLUME_SETS, ids=[v[0] for v in VOLUME_SETS])
def test_box_counting_volumes_exact(name, vol, sizes, counts, dim):
    # On the set's own grid, cubes of side b**j: N = copies**(levels - j) exactly, as in
    # 2-D (tolerance 1e-12: rounding of logs and the fit)
    fit = infopix.box_counting_dimension(vol.astype(bool), sizes=sizes, origins=1)
    np.testing.assert_allclose(fit.counts, counts(np.arange(sizes.size)), rtol=1e-12)
    assert abs(fit.dimension - dim) < 1e-12 and fit.stderr < 1e-12
    # default settings: the exact dimension within 2 reported errors
    dflt = infopix.box_counting_dimension(vol.astype(bool))
    assert abs(dflt.dimension - dim) < 2 * dflt.stderr + 1e-12


def test_box_counting_menger_sponge_default_settings():
    # a 243**3 sponge (14 M voxels) on the default ladder (no base 3): within 2 reported
    # errors of log 20 / log 3, error below 0.1 (the 2-D target for sets 243 across)
    fit = infopix.box_counting_dimension(S.menger_sponge(5))
    assert abs(fit.dimension - math.log(20) / L3) < 2 * fit.stderr < 0.2
    assert fit.stderr < 0.1 and not fit.curved


def test_volume_box_counts_match_naive():
    from infopix._kernels import fractal as K

    rng = np.random.default_rng(RNG_SEED)
    vol = rng.random((11, 13, 19)) < 0.05
    bits = np.packbits(vol, axis=-1)
    for s in [1, 2, 3, 5, 8]:
        for off in [(0, 0, 0), (s // 2, s // 3, s - 1), (s - 1, 0, s // 2)]:
            got = K.box_counts_packed(bits, vol.shape, s, off, True)
            ref = nv.box_counts_offset(vol, s, *off)
            assert got[0] == ref[0] and got[1] == pytest.approx(ref[1], rel=1e-12)


def test_generalized_dimensions_of_a_3d_cascade_closed_form():
    # product of three binomial cascades on 64**3 voxels: every cube of side 2**j holds a
    # product of j-level weights, so H_q is exactly linear in j and the slopes equal
    # D_q = 3 log2(p**q + (1-p)**q) / (1 - q) up to rounding (tolerance 1e-9, as in 2-D)
    mu = S.binomial_cascade(6, 0.3, ndim=3)
    qs = np.linspace(-3, 3, 13)
    res = infopix.generalized_dimensions(mu, qs, min_density=1e-12)
    np.testing.assert_allclose(res.dimensions, S.binomial_cascade_dq(qs, 0.3, ndim=3), atol=1e-9)
    spec = infopix.multifractal_spectrum(mu, qs, min_density=1e-12)
    alpha, f = S.binomial_cascade_spectrum(qs, 0.3, ndim=3)
    np.testing.assert_allclose(spec.alpha, alpha, atol=1e-9)
    np.testing.assert_allclose(spec.f, f, atol=1e-9)
    assert spec.d0 == pytest.approx(3.0, abs=1e-12)


# ----------------------------------------------------------------------------- DBC


@pytest.mark.parametrize("variant", ["relative", "original"])
def test_dbc_counts_match_naive(variant):
    rng = np.random.default_rng(RNG_SEED)
    z = rng.integers(0, 256, (45, 61)).astype(np.uint8)
    sizes = [2, 3, 4, 6, 9, 16]
    fit = infopix.dbc_dimension(z, sizes=sizes, variant=variant)
    # integer image: G = range + 1 levels (see the docstring); the naive code takes G
    np.testing.assert_allclose(
        fit.counts, nv.dbc_counts(z, sizes, variant=variant, grey_range=float(z.max() - z.min()) + 1),
        rtol=1e-12,
    )


def test_dbc_plane_is_two():
    plane = np.add.outer(np.arange(128.0), 0.5 * np.arange(128.0))
    # relative: every (s+1)-sample block spans 1.5 s grey levels and h = 1.488 s, so
    # n_r = 2 on every block and N = 2 (127 / s)**2 exactly
    fit = infopix.dbc_dimension(plane, variant="relative")
    np.testing.assert_allclose(fit.counts, 2 * (127 / fit.sizes) ** 2, rtol=1e-12)
    assert fit.dimension == pytest.approx(2.0, abs=1e-12)
    assert fit.stderr < 1e-12 and not fit.curved  # exactly straight
    # original: n_r is 1 or 2 depending on where the grey-level grid falls (its known
    # artefact), so (128/s)**2 <= N <= 2 (128/s)**2 and the slope is inside the OLS image
    orig = infopix.dbc_dimension(plane, variant="original")
    s = orig.sizes.astype(float)
    assert np.all(orig.counts >= (128 / s) ** 2) and np.all(orig.counts <= 2 * (128 / s) ** 2)
    lo, hi = _ols_bounds(np.log(1 / s), np.log((128 / s) ** 2), np.log(2 * (128 / s) ** 2))
    assert lo <= orig.dimension <= hi


# Mean DBC estimate minus 3 - H over seeds 0-7 on 256 x 256 fBm surfaces, default sizes
# (2..128); the figures documented in dbc_dimension's Notes and benchmarks/fractal.md.
DOCUMENTED_DBC_BIAS = {
    "relative": {0.3: -0.23, 0.5: -0.13, 0.7: -0.03},
    "original": {0.3: -0.34, 0.5: -0.25, 0.7: -0.14},
}


def test_dbc_fbm_increases_with_roughness_and_bias_is_as_documented():
    hs = [0.3, 0.5, 0.7]
    est = {v: np.empty((len(hs), 8)) for v in DOCUMENTED_DBC_BIAS}
    curved = np.zeros((len(hs), 8), bool)
    for i, h in enumerate(hs):
        for seed in range(8):
            z = S.fbm_surface(256, h, rng=seed)
            for variant in est:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", FractalWarning)
                    fit = infopix.dbc_dimension(z, variant=variant)
                est[variant][i, seed] = fit.dimension
                curved[i, seed] |= fit.curved and variant == "relative"
    # the bias is not in the error, but its sign shows as curvature (local slope lower at
    # small sizes) on most of these surfaces, as the docstring says
    assert curved.sum() > curved.size / 2, curved
    for variant, e in est.items():
        # increases with 3 - H, seed by seed (seed-to-seed s.d. ~0.03 << the 0.2 step)
        assert np.all(np.diff(e[::-1], axis=0) > 0), e
        bias = e.mean(axis=1) - (3 - np.array(hs))
        # the documented figures are these means rounded to 0.01
        np.testing.assert_allclose(bias, [DOCUMENTED_DBC_BIAS[variant][h] for h in hs], atol=0.006)
    # the refinement reduces the bias at every H ...
    rel = est["relative"].mean(axis=1) - (3 - np.array(hs))
    orig = est["original"].mean(axis=1) - (3 - np.array(hs))
    assert np.all(np.abs(rel) < np.abs(orig) - 0.08)
    # ... and the estimate is within 0.1 of 3 - H at H = 0.7 (not for H < 0.6: the
    # residual bias is documented, see dbc_dimension's Notes)
    assert abs(rel[2]) < 0.1


# ----------------------------------------------------------------------------- measures

QS = np.linspace(-5, 5, 41)


@pytest.mark.parametrize("p", [0.3, 0.15])
def test_binomial_cascade_dq_and_spectrum_closed_form(p):
    mu = S.binomial_cascade(9, p)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FractalWarning)  # full support: nothing excluded
        res = infopix.generalized_dimensions(mu, QS, min_density=1e-12)
        spec = infopix.multifractal_spectrum(mu, QS, min_density=1e-12)
    # Every box of size 2**j holds a product of j-level weights, so H_q(2**j) is exactly
    # linear in j: the fitted slopes equal the closed forms up to rounding (the sums
    # run over 2**18 boxes, relative rounding ~1e-13) -> tolerance 1e-9.
    np.testing.assert_allclose(res.dimensions, S.binomial_cascade_dq(QS, p), atol=1e-9)
    # exactly straight: every window of the fit range gives the same slope
    assert np.all(res.stderr < 1e-9) and not res.curved.any() and not spec.curved.any()
    alpha, f = S.binomial_cascade_spectrum(QS, p)
    np.testing.assert_allclose(spec.alpha, alpha, atol=1e-9)
    np.testing.assert_allclose(spec.f, f, atol=1e-9)
    np.testing.assert_allclose(spec.dq, res.dimensions, atol=1e-12)
    assert spec.d0 == pytest.approx(2.0, abs=1e-12)
    assert np.all(spec.f <= spec.d0 + 1e-9) and np.all(spec.alpha > 0)
    # D_1 at exactly q = 1 is the information limit, continuous with its neighbours
    k = int(np.argmin(np.abs(QS - 1)))
    assert res.dimensions[k] == pytest.approx(-2 * (p * math.log2(p) + (1 - p) * math.log2(1 - p)), abs=1e-9)


def test_measure_entropies_match_naive_on_odd_shapes():
    rng = np.random.default_rng(RNG_SEED)
    mu = rng.random((37, 45)) ** 3
    mu[rng.random(mu.shape) < 0.1] = 0
    sizes = [1, 2, 3, 4, 6, 9]
    qs = np.array([-2.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.5])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FractalWarning)
        res = infopix.generalized_dimensions(mu, qs, sizes=sizes, min_density=1e-3)
    for i, s in enumerate(sizes):
        p = nv.box_probabilities(mu, s)
        cut = 1e-3 / p.size
        for k, q in enumerate(qs):
            logz, _, _ = nv.renyi_sums(p, q, cut)
            ref = -sum(float(x) * math.log(x) for x in p[p > 0]) if q == 1 else logz / (1 - q)
            assert res.entropies[k, i] == pytest.approx(ref, rel=1e-12, abs=1e-12)
    x = np.log(1 / np.array(sizes, float))
    assert res.dimensions[4] == pytest.approx(nv.ols_slope(x, res.entropies[4]), rel=1e-12)


def test_dq_error_is_regression_and_window_spread():
    # stderr of each D_q recomputed with np.polyfit / linregress from the entropies:
    # the regression's error and the spread of the slope over the full fit range and
    # its windows (half an octave and an octave dropped at either end), in quadrature
    from scipy.stats import linregress

    mu = np.random.default_rng(RNG_SEED).random((128, 128)) ** 4
    qs = np.array([-1.0, 0.5, 1.0, 3.0])
    res = infopix.generalized_dimensions(mu, qs)
    x = np.log(1 / res.sizes.astype(float))
    u = -x
    masks = []
    for dl, dh in [(0.5, 0), (0, 0.5), (1, 0), (0, 1)]:
        keep = (u >= u[0] + dl * np.log(2) - 1e-9) & (u <= u[-1] - dh * np.log(2) + 1e-9)
        if keep.sum() >= 3 and not keep.all() and not any((keep == k).all() for k in masks):
            masks.append(keep)
    assert len(masks) == 2  # powers of two: only the one-octave windows differ
    for k in range(qs.size):
        h = res.entropies[k]
        reg = linregress(x, h)
        slopes = [reg.slope] + [np.polyfit(x[w], h[w], 1)[0] for w in masks]
        expect = math.hypot(reg.stderr, np.std(slopes, ddof=1))
        assert res.stderr_regression[k] == pytest.approx(reg.stderr, rel=1e-9)
        assert res.stderr[k] == pytest.approx(expect, rel=1e-9)


def test_integer_value_compression_matches_float_path():
    img = np.random.default_rng(RNG_SEED).integers(1, 256, (128, 128)).astype(np.uint8)
    a = infopix.generalized_dimensions(img, QS)
    b = infopix.generalized_dimensions(img.astype(np.float64) + 0.0, QS)
    np.testing.assert_allclose(a.entropies, b.entropies, rtol=1e-11, atol=1e-12)


def test_negative_q_with_empty_boxes_warns_and_excludes():
    mu = S.sierpinski(6).astype(float)
    mu[5, 3] = 1e-9  # off the gasket (5 & 3 != 0): a near-empty box, p ~ 1.4e-12
    with pytest.warns(FractalWarning, match="to include them, lower `min_density` below 5.6"):
        res = infopix.generalized_dimensions(mu, [-2.0, 0.0, 2.0])
    assert res.excluded[0] > 0
    # q = -2 with the near-empty box left out, and q = 2 (where it weighs p**2 ~ 1e-24):
    # the uniform measure on the gasket, D_q = log 3 / log 2, up to the 1e-12 mass moved
    np.testing.assert_allclose(res.dimensions[[0, 2]], math.log(3) / math.log(2), atol=1e-9)
    # kept in (min_density=0 excludes exact zeros only), it dominates q = -2 completely
    with pytest.warns(FractalWarning, match="empty"):
        raw = infopix.generalized_dimensions(mu, [-2.0, 0.0, 2.0], min_density=0)
    assert raw.dimensions[0] > 3
    # positive q only: nothing to warn about
    with warnings.catch_warnings():
        warnings.simplefilter("error", FractalWarning)
        infopix.generalized_dimensions(mu, [0.0, 1.0, 2.0])


def test_min_density_message_says_which_way_to_move_it():
    # A 1024 x 1024 binomial cascade with p = 0.15: its lightest box holds
    # 0.15**20 of the mass, 3.5e-11 x the uniform box mass, below the default
    # min_density = 1e-6, so q = -5 drops a real box. The message must say to *lower*
    # min_density below that figure to include it, and doing so must give the closed form.
    mu = S.binomial_cascade(10, 0.15)
    with pytest.warns(FractalWarning, match=r"to include them, lower `min_density` below ([0-9.e+-]+)") as rec:
        res = infopix.generalized_dimensions(mu, [-5.0, 0.0])
    assert abs(res.dimensions[0] - S.binomial_cascade_dq(-5.0, 0.15)) > 0.01  # the box is missed
    import re

    figure = float(re.search(r"below ([0-9.e+-]+[0-9])", str(rec[0].message)).group(1))
    assert figure == pytest.approx(0.15**20 * 2**20, rel=0.01)
    assert "raising it excludes more" in str(rec[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FractalWarning)  # nothing left out now
        ok = infopix.generalized_dimensions(mu, [-5.0, 0.0], min_density=figure / 2)
    np.testing.assert_allclose(ok.dimensions, S.binomial_cascade_dq([-5.0, 0.0], 0.15), atol=1e-9)


@pytest.mark.parametrize("func", [infopix.generalized_dimensions, infopix.multifractal_spectrum])
def test_empty_qs_is_a_clear_error(func):
    with pytest.raises(ValueError, match=r"`qs` expects at least one order q .* got \[\]"):
        func(np.ones((16, 16)), qs=[])


positive_images = st.builds(
    lambda k, seed, power, zeros: _random_measure(2**k, seed, power, zeros),
    st.integers(2, 5), st.integers(0, 2**32 - 1), st.floats(0.2, 6.0), st.booleans(),
)


def _random_measure(n, seed, power, zeros):
    rng = np.random.default_rng(seed)
    mu = rng.random((n, n)) ** power
    if zeros:
        mu[rng.random((n, n)) < 0.4] = 0
        mu[0, 0] = 1.0
    return mu


@settings(max_examples=40, deadline=None)
@given(positive_images)
def test_d0_ge_d1_ge_d2(mu):
    # For every box size H_0 >= H_1 >= H_2 (Rényi entropies decrease with the order);
    # the fitted slopes keep the order (with all boxes occupied H_0 - H_1 can only grow
    # under refinement; in general it is the property the issue asks for).
    res = infopix.generalized_dimensions(mu, [0, 1, 2])
    assert np.all(res.entropies[0] >= res.entropies[1] - 1e-12)
    assert np.all(res.entropies[1] >= res.entropies[2] - 1e-12)
    d0, d1, d2 = res.dimensions
    assert d0 >= d1 - 1e-10 and d1 >= d2 - 1e-10


@settings(max_examples=20, deadline=None)
@given(positive_images)
def test_spectrum_bounds(mu):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FractalWarning)
        spec = infopix.multifractal_spectrum(mu, np.linspace(-3, 3, 13))
    assert np.all(spec.alpha > 0)
    # f <= D_0 holds per size; the fitted slopes may exceed it only by regression error
    assert np.all(spec.f <= spec.d0 + 3 * spec.f_stderr + 1e-9)


# ----------------------------------------------------------------------------- information dimension


def _gaussian(mu, sigma, x):  # the notebook's
    return np.exp(-((x - mu) ** 2) / (2 * sigma**2)) / (sigma * np.sqrt(2 * np.pi))


def test_information_dimension_notebook_gaussian():
    fit = infopix.information_dimension((10 / 256) * _gaussian(0, 1, np.linspace(-5, 5, 256)))
    # Binning a density of scale sigma at width eps changes its entropy by about
    # eps**2 / (24 sigma**2) (Sheppard), so the local slope is off by at most
    # eps_max**2 / (12 sigma**2); here sigma = 1/10 of the interval, eps_max = 1/16.
    tol = (1 / 16) ** 2 / (12 * 0.1**2)
    assert abs(fit.dimension - 1) < tol
    assert not fit.curved and set(fit.stderr_components) == {"regression", "fit range"}
    assert fit.fit_range == (fit.sizes[0], fit.sizes[-1])


def test_information_dimension_rectified_gaussian_with_atom():
    # g = Θ(x) f(x) + δ(x)/2 on [0, 5]: an atom of mass 1/2 in cell 0 and the half
    # Gaussian on 2**14 cells. The notebook's array (zeros, then a half Gaussian) had no
    # atom: it is continuous and its dimension is 1, which we also check.
    L = 2**14
    x = (np.arange(L) + 0.5) * 5 / L
    half = _gaussian(0, 1, x)
    dist = np.concatenate([[half.sum()], half])
    with pytest.warns(FractalWarning, match="curved") as rec:
        fit = infopix.information_dimension(dist)
    assert rec[0].filename == __file__
    # the local slope still drifts towards 1/2 across the bins (slow a log(1/a)
    # convergence, below): the fit says it is curved
    assert fit.curved and fit.slope_drift < 0
    # Leading finite-resolution error: a log(1/a) per unit of log(1/eps), a = continuous
    # mass sharing the atom's bin at the coarsest eps of the fit (then it only shrinks).
    eps = fit.sizes[-1]
    a = 0.5 * (norm.cdf(5 * eps) - 0.5) / 0.5
    assert 0.5 - 1e-3 <= fit.dimension <= 0.5 + a * np.log(1 / a)
    notebook = np.concatenate([[0] * 256, (5 / 256) * _gaussian(0, 1, np.linspace(0, 5, 256))])
    assert infopix.information_dimension(notebook).dimension > 0.9


def test_information_dimension_of_sample_gaussian_and_rectified():
    z = np.random.default_rng(RNG_SEED).standard_normal(200_000)
    fit = infopix.information_dimension_of_sample(z)
    # plug-in bias K/(2N) grows to 2000/4e5 = 0.005 nats at the finest bins, over 4 doublings
    # of scale: slope deficit <= 0.005 / log(16) = 0.0018; binning (Sheppard) <= 4e-4;
    # seed-to-seed s.d. 7e-5 (10 seeds), 5 s.d. = 4e-4 -> tolerance 0.003.
    assert abs(fit.dimension - 1) < 0.003
    r = np.maximum(z, 0)
    fit_r = infopix.information_dimension_of_sample(r)
    # the exactly binned law (atom 1/2 at 0 + half Gaussian) over the same bins:
    lo, hi = 0.0, float(r.max())
    n = np.round(1 / fit_r.sizes).astype(int)
    ent = []
    for k in n:
        edges = np.linspace(lo, hi, k + 1)
        m = np.diff(norm.cdf(edges))
        m[0] += 0.5
        m[-1] += norm.sf(hi)
        ent.append(-np.sum(m[m > 0] * np.log(m[m > 0])))
    exact = nv.ols_slope(np.log(n), ent)
    # estimator vs exact binned law: plug-in slope bias <= 0.0018 (as above), seed s.d.
    # 0.0014 (10 seeds), 5 s.d. = 0.007 -> 0.009
    assert abs(fit_r.dimension - exact) < 0.009
    # exact binned law vs 1/2: within a log(1/a) (see the test above)
    a = norm.cdf(hi * fit_r.sizes[-1]) - 0.5
    assert 0.5 <= exact <= 0.5 + a * np.log(1 / a)


# ----------------------------------------------------------------------------- plots


def test_plots_return_axes():
    import matplotlib.pyplot as plt

    fit = infopix.box_counting_dimension(S.sierpinski(6), fit_range=(2, 32))
    ax = fit.plot()
    assert ax.get_xlabel() == "log(1 / box size)"
    assert len(ax.lines) >= 2
    res = infopix.generalized_dimensions(S.binomial_cascade(6), [0, 1, 2])
    assert res.plot() is not None
    assert isinstance(res.fit(1), FractalFit) and res.fit(1).plot() is not None
    spec = infopix.multifractal_spectrum(S.binomial_cascade(6), [-1, 0, 1])
    _, ax2 = plt.subplots()
    assert spec.plot(ax=ax2) is ax2
    plt.close("all")


# ----------------------------------------------------------------------------- bad input


def test_empty_set_is_an_error():
    with pytest.raises(ValueError, match="no foreground"):
        infopix.box_counting_dimension(np.zeros((64, 64), bool))
    with pytest.raises(ValueError, match="no foreground"):
        infopix.box_counting_dimension(infopix.sample_image(), threshold=255)


def test_non_binary_without_threshold_is_an_error():
    with pytest.raises(ValueError, match="not binary.*threshold"):
        infopix.box_counting_dimension(infopix.sample_image())
    with pytest.raises(TypeError, match="`threshold`"):
        infopix.box_counting_dimension(np.ones((8, 8)), threshold="1")


@pytest.mark.parametrize("func", [infopix.box_counting_dimension, infopix.generalized_dimensions])
def test_sizes_larger_than_image_are_an_error(func):
    img = np.ones((32, 48), bool)
    with pytest.raises(ValueError, match="no larger than the image's shorter side"):
        func(img, sizes=[1, 2, 64])
    with pytest.raises(ValueError, match="at least 3"):
        func(img, sizes=[1, 2])
    with pytest.raises(TypeError, match="`sizes`"):
        func(img, sizes="big")


def test_dbc_bad_input():
    with pytest.raises(ValueError, match="too small"):
        infopix.dbc_dimension(np.zeros((6, 6)))
    with pytest.raises(ValueError, match="no larger than"):
        infopix.dbc_dimension(np.zeros((32, 32)), sizes=[2, 4, 64])
    with pytest.raises(ValueError, match="no larger than 31"):
        infopix.dbc_dimension(np.zeros((32, 32)), sizes=[2, 4, 32])
    assert infopix.dbc_dimension(np.zeros((32, 32)), sizes=[2, 4, 32], variant="original").dimension == 2.0
    with pytest.raises(ValueError, match="`variant`"):
        infopix.dbc_dimension(np.zeros((32, 32)), variant="shifted")
    with pytest.raises(ValueError, match="NaN"):
        infopix.dbc_dimension(np.full((32, 32), np.nan))
    with pytest.raises(ValueError, match="2-D grey image .* box_counting_dimension"):
        infopix.dbc_dimension(np.zeros((8, 16, 16)))
    with pytest.raises(ValueError, match="2-D or 3-D"):
        infopix.box_counting_dimension(np.zeros((2, 8, 8, 8), bool))


def test_measure_bad_input():
    with pytest.raises(ValueError, match=">= 0"):
        infopix.generalized_dimensions(-np.ones((16, 16)))
    with pytest.raises(ValueError, match="all zero"):
        infopix.multifractal_spectrum(np.zeros((16, 16)))
    with pytest.raises(ValueError, match="`qs`"):
        infopix.generalized_dimensions(np.ones((16, 16)), [0, np.nan])
    with pytest.raises(ValueError, match="`min_density`"):
        infopix.generalized_dimensions(np.ones((16, 16)), min_density=2)
    with pytest.raises(TypeError, match="complex"):
        infopix.generalized_dimensions(np.ones((16, 16), complex))


def test_information_dimension_bad_input():
    with pytest.raises(ValueError, match="at least 16 cells"):
        infopix.information_dimension(np.ones(8))
    with pytest.raises(ValueError, match="non-negative"):
        infopix.information_dimension(-np.ones(64))
    with pytest.raises(TypeError, match="1-D"):
        infopix.information_dimension(np.ones((8, 8)))
    with pytest.raises(ValueError, match="`bins`"):
        infopix.information_dimension(np.ones(64), bins=[4, 8])
    with pytest.raises(ValueError, match="constant"):
        infopix.information_dimension_of_sample(np.ones(5000))
    with pytest.raises(ValueError, match="pass `bins`"):
        infopix.information_dimension_of_sample(np.arange(100.0))


# ----------------------------------------------------------------------------- CLI


def test_cli_fractal(tmp_path):
    from infopix.cli import app

    runner = CliRunner()
    img = tmp_path / "gasket.npy"
    np.save(img, S.sierpinski(7))
    out = tmp_path / "fit.json"
    r = runner.invoke(app, ["fractal", str(img), "-o", str(out)])
    assert r.exit_code == 0, r.output
    data = json.loads(out.read_text())
    assert abs(data["dimension"] - math.log(3) / math.log(2)) < 2 * data["stderr"]
    assert data["fit_range"] == [4, 32] and data["curved"] is False
    assert set(data["stderr_components"]) == {"regression", "origins and ladders", "edges"}
    r = runner.invoke(app, ["fractal", str(img), "-o", str(out)])
    assert r.exit_code == 1 and "--force" in r.output
    r = runner.invoke(app, ["fractal", str(img), "--method", "spectrum", "--json", "--qmin", "-2", "--qmax", "2", "--nq", "5"])
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.output[r.output.index("{"):])["alpha"]) == 5
    png = tmp_path / "fit.png"
    r = runner.invoke(app, ["fractal", str(img), "--method", "dbc", "-o", str(png)])
    assert r.exit_code == 0 and png.stat().st_size > 0
    grey = tmp_path / "grey.npy"
    np.save(grey, np.arange(64 * 64, dtype=float).reshape(64, 64))
    r = runner.invoke(app, ["fractal", str(grey)])
    assert r.exit_code == 1 and "not binary" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["fractal", str(grey), "--threshold", "2000", "--method", "box"])
    assert r.exit_code == 0, r.output


def test_renyi_kernel_serial_and_parallel_drivers_agree_and_match_naive():
    from infopix._kernels import fractal as K

    rng = np.random.default_rng(RNG_SEED)
    p = rng.random(70_000) ** 4  # above PARALLEL_MIN_BOXES: the parallel driver runs
    p /= p.sum()
    lp, w, qs, cut = np.log(p), np.ones(p.size), np.linspace(-5, 5, 41), np.log(1e-7)
    assert p.size >= K.PARALLEL_MIN_BOXES
    par = K.renyi_sums(lp, w, qs, cut)
    lmax, lmin = K._renyi_extremes(lp, w, cut)
    visit, fresh, npos = K._q_schedule(qs)
    nchunks = max(1, min(256, p.size // 8192))
    ser = K._renyi_finish(K._renyi_serial(lp, w, qs, cut, lmax, lmin, visit, fresh, npos, nchunks), qs, lmax, lmin)
    np.testing.assert_array_equal(par, ser)  # same chunks, same order: bit-identical
    # the ratio runs against one exp per (box, q): relative rounding ~1e-14 per run
    for k in (0, 7, 20, 33, 40):
        ref = nv.renyi_sums(p, qs[k], 1e-7)
        np.testing.assert_allclose(par[k], ref, rtol=1e-11, atol=1e-11)


def test_information_dimension_of_sample_estimators():
    # Miller–Madow adds (K_observed - 1) / (2N) nats, which grows with the number of bins:
    # the slope can only rise over plug-in's, and its plug-in bias (<= 0.005 nats at
    # 500 bins for N = 50,000, over 4 doublings: <= 0.0018 on the slope) shrinks
    z = np.random.default_rng(RNG_SEED).standard_normal(50_000)
    plug = infopix.information_dimension_of_sample(z).dimension
    mm = infopix.information_dimension_of_sample(z, estimator="miller_madow").dimension
    assert mm > plug
    assert abs(mm - 1) < abs(plug - 1) + 1e-3
    with pytest.raises(ValueError, match="`estimator`"):
        infopix.information_dimension_of_sample(z, estimator="nope")
