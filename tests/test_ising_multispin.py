"""The multispin-coded checkerboard kernel (``infopix._kernels.ising_multispin``) and
``simulate(..., method='multispin')``.

References: NumPy neighbour counts (bit planes), exact enumeration of the 4x4 torus
(2**16 states, 64 independent replicas packed across the bits of each word), Kaufman's
exact finite-lattice energy and Onsager's spontaneous magnetisation, and the byte
checkerboard kernel (the same Markov chain with other random numbers).
"""

from __future__ import annotations

import numba
import numpy as np
import pytest
from scipy import stats

from infopix import ising
from infopix._kernels import ising_multispin as KM
from infopix.ising import onsager

Z = 4.5  # standard errors allowed in the statistical comparisons (two-sided p ~ 7e-6)
BITS = np.arange(64, dtype=np.uint64)


def _random_spins(shape, seed):
    return np.where(np.random.default_rng(seed).random(shape) < 0.5, -1, 1).astype(np.int8)


def _pack(s3):
    w = np.empty((2, s3.shape[1], s3.shape[2] // 2), np.uint64)
    KM.pack(s3, w)
    return w


def _neighbour_views(s3, replicas):
    """(up, down, left, right) neighbours of every spin of the (64, h, N) stack: the
    lattice is the strips stacked (row b h + i), or 64 separate h x N tori."""
    if replicas:
        up, dn = np.roll(s3, 1, axis=1), np.roll(s3, -1, axis=1)
    else:
        lat = s3.reshape(-1, s3.shape[2])
        up = np.roll(lat, 1, axis=0).reshape(s3.shape)
        dn = np.roll(lat, -1, axis=0).reshape(s3.shape)
    return up, dn, np.roll(s3, 1, axis=2), np.roll(s3, -1, axis=2)


@pytest.mark.parametrize("h,N", [(2, 2), (2, 6), (4, 4), (6, 10)])
def test_pack_unpack_round_trip(h, N):
    s3 = _random_spins((64, h, N), seed=100 + h * N)
    w = _pack(s3)
    back = np.empty_like(s3)
    KM.unpack(w, back)
    np.testing.assert_array_equal(back, s3)
    # bit b of the word of colour c, row i, index k is spin (b, i, 2k + off)
    i, k, b = h - 1, N // 2 - 1, 37
    off = i & 1
    assert ((int(w[0, i, k]) >> b) & 1) == (s3[b, i, 2 * k + off] > 0)
    assert ((int(w[1, i, k]) >> b) & 1) == (s3[b, i, 2 * k + 1 - off] > 0)


@pytest.mark.parametrize("replicas", [False, True])
@pytest.mark.parametrize("h,N", [(2, 2), (2, 6), (4, 8), (6, 4)])
def test_neighbour_planes_and_sums_against_numpy(h, N, replicas):
    """The three bit planes of the anti-aligned neighbour count equal a NumPy count on
    random configurations (both colours, strip wrap by bit rotation or replicas), and
    the bond and spin sums equal NumPy's."""
    s3 = _random_spins((64, h, N), seed=7 * h + N + replicas)
    w = _pack(s3)
    up, dn, lf, rt = _neighbour_views(s3, replicas)
    count = ((up != s3).astype(int) + (dn != s3) + (lf != s3) + (rt != s3))
    for colour in (0, 1):
        planes = KM.anti_planes(w, colour, replicas)
        k = sum((((planes[q][None] >> BITS[:, None, None]) & np.uint64(1)).astype(int) << q)
                for q in range(3))
        for i in range(h):
            off = (i & 1) if colour == 0 else 1 - (i & 1)
            np.testing.assert_array_equal(k[:, i, :], count[:, i, off::2])
    W, S = KM.sums(w, replicas)
    assert W == int((s3.astype(int) * (dn + rt)).sum())
    assert S == int(s3.astype(int).sum())


# ----------------------------------------------------------------------------------
# Exact enumeration: 64 independent 4x4 tori, one per bit
# ----------------------------------------------------------------------------------

def _exact_4x4(beta, J, h):
    """{(W, S): probability} on the 4x4 torus from all 2**16 states (W = bond sum,
    S = spin sum, energy -J W - h S)."""
    n = np.arange(1 << 16)
    s = (2 * ((n[:, None] >> np.arange(16)) & 1) - 1).reshape(-1, 4, 4)
    W = (s * np.roll(s, -1, 1) + s * np.roll(s, -1, 2)).sum(axis=(1, 2))
    S = s.sum(axis=(1, 2))
    logw = beta * (J * W + h * S)
    p = np.exp(logw - logw.max())
    keys, inv = np.unique(np.stack([W, S], 1), axis=0, return_inverse=True)
    prob = np.bincount(inv.ravel(), weights=p)
    return {tuple(k): q for k, q in zip(keys.tolist(), prob / prob.sum())}


def _sample_4x4(beta, J, h, heatbath, records, gap, seed):
    """(W, S) of each of the 64 replicas after every ``gap`` sweeps."""
    s3 = _random_spins((64, 4, 4), seed)
    w = _pack(s3)
    track = np.empty((gap, 3), np.int64)
    betas = np.full(gap, beta)
    out = []
    for r in range(records + 5):  # the first 5 records are dropped (equilibration)
        KM.sweeps(w, J, h, heatbath, betas, r * gap, np.uint64(seed), True, track)
        if r >= 5:
            KM.unpack(w, s3)
            s = s3.astype(np.int64)
            W = (s * np.roll(s, -1, 1) + s * np.roll(s, -1, 2)).sum(axis=(1, 2))
            out.append(np.stack([W, s.sum(axis=(1, 2))], 1))
    return np.concatenate(out)


def _chi2_pvalue(samples, exact):
    """Chi-squared goodness of fit over (W, S) classes, classes with fewer than 10
    expected counts pooled into one."""
    n = len(samples)
    keys = list(exact)
    index = {k: q for q, k in enumerate(keys)}
    obs = np.bincount([index[tuple(x)] for x in samples.tolist()], minlength=len(keys))
    exp = n * np.array([exact[k] for k in keys])
    big = exp >= 10
    o = np.append(obs[big], obs[~big].sum())
    e = np.append(exp[big], exp[~big].sum())
    chi2 = ((o - e) ** 2 / e).sum()
    return stats.chi2.sf(chi2, len(o) - 1), len(o)


@pytest.mark.parametrize("beta,J,h,heatbath", [
    (0.35, 1.0, 0.0, False),   # Metropolis, h = 0: thresholds depend on k only
    (0.30, 1.0, 0.3, True),    # heat bath in a field: ten (spin, k) classes
    (0.40, 0.8, -0.2, False),  # Metropolis, J != 1, negative field
])
def test_exact_enumeration_4x4_torus(beta, J, h, heatbath):
    """The joint distribution of (bond sum, spin sum) over 64 replicas x 2500 records
    (every 8 sweeps; at these temperatures the autocorrelation time of a 4x4 torus is
    ~1-2 sweeps, so records are nearly independent) against exact Boltzmann weights
    by chi-squared: p > 1e-3 (a correct kernel fails with probability ~1e-3 at most,
    fixed seeds). Power: the same samples against the exact law at beta x 1.15 must
    be rejected (p < 1e-6)."""
    samples = _sample_4x4(beta, J, h, heatbath, records=2500, gap=8, seed=20261129)
    p, nbins = _chi2_pvalue(samples, _exact_4x4(beta, J, h))
    assert nbins >= 10
    assert p > 1e-3
    p_wrong, _ = _chi2_pvalue(samples, _exact_4x4(1.15 * beta, J, h))
    assert p_wrong < 1e-6


# ----------------------------------------------------------------------------------
# Simulate: Onsager / Kaufman, the byte kernel, reproducibility
# ----------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:measure. the kept series spans:RuntimeWarning")
@pytest.mark.parametrize("T", [2.0, 3.0])
def test_multispin_against_onsager_and_byte_kernel(T):
    """128 x 128 lattice. Energy per spin against Kaufman's exact finite-lattice
    value; |m| at T = 2.0 against Onsager's spontaneous magnetisation (finite-size
    corrections ~exp(-L/xi), xi ~ 4: negligible); at T = 3.0 (exact M = 0, a finite
    lattice has <|m|> ~ 0.02) |m| against the byte checkerboard kernel on the same
    lattice, within Z combined standard errors (errors from the integrated
    autocorrelation time, ``ising.measure``)."""
    L = 128
    ms = ising.measure(L, T, sweeps=6000, method="multispin", rng=4100 + int(10 * T))
    assert ms.equilibrated
    e = ms["energy"]
    assert e.stderr < 2e-3  # informative
    assert abs(e.value - onsager.energy_per_spin(T, L=L)) < Z * e.stderr
    am = ms["abs_magnetisation"]
    if T < 2.2:
        assert abs(am.value - onsager.spontaneous_magnetization(T)) < Z * am.stderr + 1e-6
    else:
        byte = ising.measure(L, T, sweeps=3000, method="checkerboard", rng=4200 + int(10 * T))
        bm = byte["abs_magnetisation"]
        assert abs(am.value - bm.value) < Z * np.hypot(am.stderr, bm.stderr)
        assert 0.005 < am.value < 0.05


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:measure. the kept series spans:RuntimeWarning")
def test_multispin_heat_bath_in_field_matches_byte_kernel():
    """h = 0.1, T = 2.5, heat bath: energy and magnetisation of the multispin and byte
    kernels agree within Z combined standard errors (same chain, other random numbers)."""
    model = ising.StandardIsing(h=0.1)
    a = ising.measure(128, 2.5, model=model, sweeps=4000, method="multispin",
                      acceptance="heat-bath", rng=51)
    b = ising.measure(128, 2.5, model=model, sweeps=2000, method="checkerboard",
                      acceptance="heat-bath", rng=52)
    for name in ("energy", "magnetisation"):
        x, y = a[name], b[name]
        assert abs(x.value - y.value) < Z * np.hypot(x.stderr, y.stderr), name


def test_simulate_multispin_records_reproducibility_and_threads():
    """Tracked energy and magnetisation equal those recomputed from the frames; the
    recorded seed reproduces the run bit for bit; the result does not depend on the
    number of threads (256 x 130: above the one-thread threshold)."""
    model = ising.StandardIsing(J=1.0, h=0.25)
    s0 = _random_spins((256, 130), seed=5)
    kw = dict(schedule=0.5, sweeps=12, method="multispin", record_every=4, progress=False)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = ising.simulate(model, s0, rng=None, **kw)
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        many = ising.simulate(model, s0, rng=one.seed, **kw)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(one.final, many.final)
    np.testing.assert_array_equal(one.frames, many.frames)
    assert not np.array_equal(one.final, s0)
    assert s0.dtype == np.int8 and (np.abs(s0) == 1).all()  # input untouched
    for f, e, m in zip(one.frames, one.observables["energy"], one.observables["magnetisation"]):
        assert e == pytest.approx(model.energy(f) / f.size, abs=1e-12)
        assert m == pytest.approx(f.mean(), abs=1e-15)
    # without frames the records come from the counts alone: same numbers
    lean = ising.simulate(model, s0, rng=one.seed, keep_frames=False, **kw)
    np.testing.assert_array_equal(lean.final, one.final)
    for k in ("energy", "magnetisation", "acceptance"):
        np.testing.assert_allclose(lean.observables[k], one.observables[k], rtol=0, atol=1e-12)


def test_multispin_errors():
    s = np.ones((128, 128), np.int8)
    with pytest.raises(ValueError, match="StandardIsing only"):
        ising.simulate(ising.GreyIsing(), s.astype(float), schedule=1.0, sweeps=1,
                       method="multispin", progress=False)
    for shape in ((64, 128), (192, 128), (128, 127)):
        with pytest.raises(ValueError, match=r"rows divisible by 128.*even number of columns"):
            ising.simulate(ising.StandardIsing(), np.ones(shape, np.int8), schedule=1.0,
                           sweeps=1, method="multispin", progress=False)
    with pytest.raises(ValueError, match="runs whole sweeps"):
        ising.simulate(ising.StandardIsing(), s, schedule=1.0, steps=10, method="multispin",
                       progress=False)
