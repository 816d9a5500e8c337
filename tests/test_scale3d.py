"""Scale in 3-D (issue 17): Gaussian blur, entropy vs scale, semigroup and DoG on
(Z, Y, X) volumes, with anisotropic sigma in voxels or in physical units (``spacing``)."""

import math

import numpy as np
import pytest
from scipy import ndimage

import infopix
from infopix import scale as sc

MODES = ["reflect", "mirror", "wrap", "nearest", "constant"]
SEED = 17_031_977


def _vol(shape=(7, 9, 11), seed=SEED):
    return np.random.default_rng(seed).random(shape)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("method", ["direct", "fft"])
def test_volume_blur_is_scipys_gaussian_filter(mode, method):
    # the direct path *is* scipy (bit-identical); the FFT path evaluates the same sum
    # exactly, to float64 rounding: values in [0, 1], sums of <= 65 terms per axis and
    # transforms of <= 22 points, so 1e-12 is ~1000x the rounding
    x = _vol()
    for sigma in [(1.0, 2.5, 0.7), (0.0, 1.5, 3.0), (6.0, 6.0, 6.0)]:  # 6: radius 24 > the volume
        got = infopix.gaussian_blur(x, sigma, mode=mode, method=method, cval=0.3)
        ref = ndimage.gaussian_filter(x, sigma, mode=mode, cval=0.3, truncate=4.0)
        np.testing.assert_allclose(got, ref, rtol=0, atol=1e-12)
    got = infopix.gaussian_blur(x, 1.3, mode=mode, method=method, truncate=2.5)  # scalar: isotropic
    np.testing.assert_allclose(got, ndimage.gaussian_filter(x, 1.3, mode=mode, truncate=2.5), rtol=0, atol=1e-12)


@pytest.mark.parametrize("mode", ["reflect", "wrap", "nearest"])
def test_volume_blur_is_separable(mode):
    # the 3-D blur equals three 1-D blurs, one along each axis (our own 1-D kernels,
    # applied with numpy's correlate along each axis on the extended array)
    x = _vol((6, 8, 10))
    sig = (0.8, 1.7, 2.4)
    pad_mode = {"reflect": "symmetric", "wrap": "wrap", "nearest": "edge"}[mode]
    y = x
    for axis, s in enumerate(sig):
        w = sc.gaussian_kernel1d(s)
        r = (w.size - 1) // 2
        pads = [(0, 0)] * 3
        pads[axis] = (r, r)
        ext = np.pad(y, pads, mode=pad_mode)
        out = np.zeros_like(y)
        for j in range(w.size):
            out += w[j] * np.take(ext, np.arange(j, j + y.shape[axis]), axis=axis)
        y = out
    for method in ("direct", "fft"):
        got = infopix.gaussian_blur(x, sig, mode=mode, method=method)
        np.testing.assert_allclose(got, y, rtol=0, atol=1e-12)
    # and the same via our own blur along one axis at a time (sigma 0 elsewhere)
    z = x
    for axis, s in enumerate(sig):
        one = [0.0, 0.0, 0.0]
        one[axis] = s
        z = infopix.gaussian_blur(z, tuple(one), mode=mode)
    np.testing.assert_allclose(z, y, rtol=0, atol=1e-12)


def test_spacing_gives_sigma_in_physical_units():
    x = _vol((5, 12, 12))
    sp = (2.0, 0.5, 0.25)
    a = infopix.gaussian_blur(x, 1.0, spacing=sp)
    b = infopix.gaussian_blur(x, (0.5, 2.0, 4.0))
    assert np.array_equal(a, b)
    c = infopix.gaussian_blur(x, (2.0, 1.0, 1.0), spacing=sp)
    np.testing.assert_array_equal(c, infopix.gaussian_blur(x, (1.0, 2.0, 4.0)))
    # a 2-D image with a spacing: the same rule on two axes
    img = x[0]
    np.testing.assert_array_equal(
        infopix.gaussian_blur(img, 1.0, spacing=(0.5, 0.25)), infopix.gaussian_blur(img, (2.0, 4.0))
    )


def test_layout_colour_kept_and_volume_when_said():
    rgb = _vol((10, 12, 3))
    # one sigma, last axis 3: colour as before (channels separately)
    col = infopix.gaussian_blur(rgb, 1.5)
    np.testing.assert_allclose(col, ndimage.gaussian_filter(rgb, (1.5, 1.5, 0)), rtol=0, atol=1e-15)
    # a (Z, Y, 3) volume, said so by axes= or by three sigmas
    vol = infopix.gaussian_blur(rgb, 1.5, axes="zyx")
    np.testing.assert_allclose(vol, ndimage.gaussian_filter(rgb, 1.5), rtol=0, atol=1e-15)
    np.testing.assert_array_equal(infopix.gaussian_blur(rgb, (1.5, 1.5, 1.5)), vol)
    # 3-D arrays that cannot be colour are volumes
    v4 = _vol((4, 6, 5))
    np.testing.assert_allclose(infopix.gaussian_blur(v4, 1.0), ndimage.gaussian_filter(v4, 1.0), rtol=0, atol=1e-15)


@pytest.mark.parametrize("call, exc, match", [
    (lambda x: infopix.gaussian_blur(x, (1.0, 2.0)), ValueError, r"`sigma` has 2 values.*\(4, 6, 5\)"),
    (lambda x: infopix.gaussian_blur(x, (1.0, 2.0, 3.0, 4.0)), ValueError, r"`sigma` expects a number or 3"),
    (lambda x: infopix.gaussian_blur(x, (1.0, -2.0, 3.0)), ValueError, r"`sigma` expects a finite number >= 0"),
    (lambda x: infopix.gaussian_blur(x, 1.0, spacing=(1.0, 1.0)), ValueError, r"`spacing` has 2 values"),
    (lambda x: infopix.gaussian_blur(x, 1.0, spacing=(1.0, None, 1.0)), ValueError, r"`spacing` has an unknown"),
    (lambda x: infopix.gaussian_blur(x, 1.0, spacing=(1.0, 0.0, 1.0)), ValueError, r"`spacing` expects finite"),
    (lambda x: infopix.gaussian_blur(x, 1.0, axes="yx"), ValueError, r"`axes` 'yx' describes a 2-D array"),
    (lambda x: infopix.gaussian_blur(x, 1.0, axes="tyx"), ValueError, r"`axes` expects one of"),
    (lambda x: infopix.gaussian_blur(x[0], (1.0, 1.0, 1.0)), ValueError, r"`sigma` expects a number or 2"),
    (lambda x: infopix.semigroup_check(x, (0, 0, 0), 2), ValueError, r"`sigma` expects a number > 0"),
    (lambda x: infopix.entropy_vs_scale(x, [0, 1], spacing=(1, 1)), ValueError, r"`spacing` expects 3"),
    (lambda x: infopix.difference_of_gaussians(x, (1, 1, 1), (1, 2)), ValueError, r"`sigma2` expects a number or 3"),
    (lambda x: infopix.gaussian_blur(np.zeros((2, 3, 4, 5)), 1.0), ValueError, r"`image` expects a 2-D or 3-D"),
])
def test_volume_errors_name_the_parameter(call, exc, match):
    with pytest.raises(exc, match=match):
        call(_vol((4, 6, 5)))


def _kernel_l1_mismatch_3d(sigmas, n, truncate=4.0):
    """||K^(*n) - K_sqrt(n)||_1 of the separable 3-D kernels (outer products)."""
    many_k, one_k = [], []
    for s in sigmas:
        w = sc.gaussian_kernel1d(s, truncate=truncate)
        many = w
        for _ in range(n - 1):
            many = np.convolve(many, w)
        one = sc.gaussian_kernel1d(math.sqrt(n) * s, truncate=truncate)
        one = np.pad(one, (many.size - one.size) // 2)
        many_k.append(many)
        one_k.append(one)
    outer = lambda ks: ks[0][:, None, None] * ks[1][None, :, None] * ks[2][None, None, :]  # noqa: E731
    return float(np.abs(outer(many_k) - outer(one_k)).sum())


@pytest.mark.parametrize("mode, border_fails", [("reflect", False), ("wrap", False), ("constant", True)])
def test_semigroup_in_3d(mode, border_fails):
    x = _vol((20, 40, 40)) * 255
    sig = (1.0, 1.5, 1.5)
    r = infopix.semigroup_check(x, sig, 4, mode=mode)
    # both kernels sum to 1: |difference| <= (range / 2) * ||dK||_1 wherever the blur
    # commutes with the extension (the interior; in the periodic modes everywhere)
    bound = 0.5 * _kernel_l1_mismatch_3d(sig, 4)
    assert bound < 2e-3
    assert r.interior_max <= bound
    assert r.margins == pytest.approx(tuple(4 * 2 * s for s in sig))  # truncate sqrt(n) sigma
    # voxels with distance > 8 (z) and > 12 (y, x) from both borders
    assert r.interior.sum() == (20 - 2 * 9) * (40 - 2 * 13) ** 2
    assert (r.border_max > 1e-2) if border_fails else (r.border_max <= bound)
    r.plot()  # a volume plots its central slice
    # physical units: the same check
    rs = infopix.semigroup_check(x, 3.0, 4, mode=mode, spacing=(3.0, 2.0, 2.0))
    assert rs.sigmas == (1.0, 1.5, 1.5) and rs.interior_max == r.interior_max


def test_entropy_vs_scale_of_a_volume_at_sigma_0():
    rng = np.random.default_rng(SEED)
    vol = rng.integers(0, 50, (6, 10, 12)).astype(np.uint8)
    c = infopix.entropy_vs_scale(vol, [0.0, 1.0, 2.0])
    # the sigma = 0 histogram is the voxels' histogram
    assert c.entropies[0] == pytest.approx(infopix.intensity_entropy(vol, channel=None), abs=1e-12)
    fvol = rng.random((5, 8, 9))
    c = infopix.entropy_vs_scale(fvol, [0.0, 1.5], bins=16)
    assert c.entropies[0] == pytest.approx(infopix.intensity_entropy(fvol, bins=16, channel=None), abs=1e-12)
    counts = np.histogram(fvol, bins=16, range=(fvol.min(), fvol.max()))[0]
    p = counts[counts > 0] / counts.sum()
    assert c.entropies[0] == pytest.approx(float(-(p * np.log2(p)).sum()), abs=1e-12)
    # blurred values are the 3-D blur's
    np.testing.assert_allclose(c.images([1.5])[0], ndimage.gaussian_filter(fvol, 1.5), rtol=0, atol=1e-12)


def test_entropy_vs_scale_volume_noise_loses_1_5_bits_per_doubling():
    # i.i.d. uniform noise blurred in 3-D on a torus has variance (1/12) / (8 pi^1.5 s^3):
    # std ~ s^-1.5, so the binned (Gaussian) entropy loses 1.5 bits per doubling of s.
    # At s = 2, 4 with 1024 bins the std spans ~16 and ~5.5 bins (the differential
    # approximation holds to ~0.01 bit), and the truncated kernel's variance deficit
    # is the same fraction at both scales: 0.05 bit is a generous tolerance.
    x = np.random.default_rng(SEED).random((64, 64, 64))
    c = infopix.entropy_vs_scale(x, [2, 4], mode="wrap", bins=1024, range=(0, 1))
    assert c.entropies[0] - c.entropies[1] == pytest.approx(1.5, abs=0.05)
    std_law = math.sqrt(1 / 12 / (8 * math.pi**1.5 * 8))
    assert c.stds[0] == pytest.approx(std_law, rel=0.05)
    # physical units: spacing 2 along every axis halves the sigma in voxels
    c2 = infopix.entropy_vs_scale(x, [4, 8], mode="wrap", bins=1024, range=(0, 1), spacing=(2, 2, 2))
    np.testing.assert_allclose(c2.entropies, c.entropies, rtol=0, atol=1e-12)
    assert c2.spacing == (2.0, 2.0, 2.0)
    assert c2.scales_fraction.tolist() == pytest.approx([4 / 128, 8 / 128])


def test_entropy_vs_scale_spectral_path_in_3d():
    # large sigma on a periodic mode uses one forward DCT for all scales: same as direct
    x = np.random.default_rng(SEED).random((12, 16, 20))
    c = infopix.entropy_vs_scale(x, [0.5, 2.5, 3.0], bins=64, range=(0, 1))
    for s, e in zip([0.5, 2.5, 3.0], c.entropies):
        y = np.clip(ndimage.gaussian_filter(x, s), x.min(), x.max())
        counts = np.histogram(y, bins=64, range=(0, 1))[0]
        p = counts[counts > 0] / counts.sum()
        assert e == pytest.approx(float(-(p * np.log2(p)).sum()), abs=1e-9)


def test_difference_of_gaussians_3d():
    x = _vol((6, 10, 12))
    d = infopix.difference_of_gaussians(x, (0.5, 1.0, 1.0), (1.0, 2.0, 2.0))
    ref = ndimage.gaussian_filter(x, (0.5, 1.0, 1.0)) - ndimage.gaussian_filter(x, (1.0, 2.0, 2.0))
    np.testing.assert_allclose(d, ref, rtol=0, atol=1e-12)
    d = infopix.difference_of_gaussians(x, 1.0)  # default sigma2 = 1.6 sigma1, isotropic
    ref = ndimage.gaussian_filter(x, 1.0) - ndimage.gaussian_filter(x, 1.6)
    np.testing.assert_allclose(d, ref, rtol=0, atol=1e-12)
    d = infopix.difference_of_gaussians(x, 1.0, 2.0, spacing=(2.0, 1.0, 1.0))
    ref = ndimage.gaussian_filter(x, (0.5, 1.0, 1.0)) - ndimage.gaussian_filter(x, (1.0, 2.0, 2.0))
    np.testing.assert_allclose(d, ref, rtol=0, atol=1e-12)
