"""Information across scale: exact Gaussian smoothing and what it does to entropy.

The notebook (§4) blurred with PIL's ``ImageFilter.GaussianBlur`` and found its numbers
unreliable ("Beware: GIGO"), and answered "No" to whether n blurs of sigma compose to one
blur of sqrt(n)·sigma. This module gives the trustworthy version:

- :func:`gaussian_blur`: a sampled, truncated Gaussian applied in float64 with a
  documented boundary mode (SciPy's ``ndimage.gaussian_filter`` for small sigma, an
  exact FFT evaluation of the *same* sum for large sigma, so cost does not grow with
  sigma);
- :func:`entropy_vs_scale`: intensity entropy against smoothing scale with bins fixed
  once from the original image, so that blurred noise loses one bit per doubling of
  sigma instead of being held up;
- :func:`semigroup_check`: n blurs of sigma against one of sqrt(n)·sigma, interior and
  border separately;
- :func:`difference_of_gaussians`.

Volumes: every function takes a (Z, Y, X) volume as well as a (Y, X) image, smoothed
along all three axes with one sigma per axis (anisotropic) in voxels, or in physical
units with ``spacing=`` (the voxel size per axis, as ``ImageInfo.spacing`` gives): the
sigma along axis k in voxels is then ``sigma[k] / spacing[k]``. The 3-D blur is the
same separable sum (SciPy's filter, or the DCT/DFT evaluation over three axes).

Boundary modes (the value of the image outside its edges; ``|`` marks the edge, the
image is ``a b c d``)::

    'reflect'   d c b a | a b c d | d c b a   (SciPy's name; numpy.pad calls it 'symmetric')
    'mirror'    d c b | a b c d | c b a       (numpy.pad's 'reflect')
    'wrap'      a b c d | a b c d | a b c d   (periodic: a torus, no border at all)
    'nearest'   a a a a | a b c d | d d d d   (edge replication, numpy.pad's 'edge')
    'constant'  k k k k | a b c d | k k k k   (k = ``cval``)

The three periodic modes (reflect, mirror, wrap) extend the image into a periodic,
kernel-symmetric signal, so blurring commutes with the extension: repeated blurs compose
exactly at the border too. 'nearest' and 'constant' do not (see :func:`semigroup_check`).
"""

from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import dataclass, field

import numpy as np

from . import _validation as v
from ._binning import Binning, extent, needs_extent, resolve_binning
from .estimators import entropy_from_counts, resolve_estimator
from .uncertainty import spatial_entropy_error

__all__ = [
    "MODES",
    "FFT_MIN_RADIUS",
    "CURVE_SPECTRAL_MIN_RADIUS",
    "gaussian_blur",
    "gaussian_kernel1d",
    "entropy_vs_scale",
    "ScaleCurve",
    "semigroup_check",
    "SemigroupCheck",
    "difference_of_gaussians",
]

#: Boundary modes accepted by every function of this module.
MODES = ("reflect", "mirror", "wrap", "nearest", "constant")

#: Kernel radius (pixels, = int(truncate·sigma + 0.5)) from which ``method='auto'``
#: evaluates the Gaussian sum by FFT instead of SciPy's direct separable filter, per
#: mode. Measured by ``benchmarks/bench_scale.py`` on a 1024x1024 image (see
#: ``benchmarks/scale.md``): the direct filter's cost grows linearly with the radius;
#: the periodic modes' DCT/DFT cost is flat (crossing near radius 16-24), the
#: 'nearest'/'constant' FFT, on a period n + r (at most 2n), crosses near radius 32-48.
FFT_MIN_RADIUS = {"reflect": 24, "mirror": 24, "wrap": 24, "nearest": 48, "constant": 48}

#: In :func:`entropy_vs_scale` with a periodic mode the image is transformed once and
#: each scale costs one inverse transform, so the spectral path wins from a smaller
#: radius (measured likewise: crossing near radius 6-8).
CURVE_SPECTRAL_MIN_RADIUS = 8

_OUTPUTS = ("float", "input")
_METHODS = ("auto", "direct", "fft")
_PERIODIC = ("reflect", "mirror", "wrap")


# --------------------------------------------------------------------------------------
# validation helpers (local to this module)


def _check_truncate(truncate) -> float:
    if isinstance(truncate, bool) or not isinstance(truncate, numbers.Real):
        raise TypeError(f"`truncate` expects a finite number > 0 (in sigmas), got {truncate!r}.")
    t = float(truncate)
    if not np.isfinite(t) or t <= 0:
        raise ValueError(f"`truncate` expects a finite number > 0 (in sigmas), got {truncate!r}.")
    return t


def _check_cval(cval) -> float:
    if isinstance(cval, bool) or not isinstance(cval, numbers.Real) or not np.isfinite(cval):
        raise TypeError(f"`cval` expects a finite number (the value outside the image), got {cval!r}.")
    return float(cval)


def _check_image(image) -> np.ndarray:
    arr = v.check_image(image, allow_color=True)
    v.check_finite_or_masked(arr, None)
    return arr


def _check_volume(image, *, allow_color: bool) -> np.ndarray:
    """A (M, N) image or a 3-D array ((Z, M, N) volume, or colour), finite."""
    arr = v.check_image(image, ndim=(2, 3), allow_color=allow_color, volume_declared=True)
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        v.check_finite_or_masked(arr if arr.ndim == 2 else arr.reshape(arr.shape[0], -1), None)
    return arr


def _radius(sigma: float, truncate: float) -> int:
    """Kernel radius exactly as :func:`scipy.ndimage.gaussian_filter` computes it."""
    return int(truncate * float(sigma) + 0.5)


# Largest kernel radius (taps) built: 2^22 taps is 32 MB, far beyond any image's side.
MAX_KERNEL_RADIUS = 2**22

_LAYOUTS = ("yx", "yxc", "zyx")


def _check_spacing(spacing, nsp: int):
    """``spacing`` as a tuple of ``nsp`` finite numbers > 0, or None."""
    if spacing is None:
        return None
    try:
        sp = tuple(spacing)
    except TypeError:
        raise TypeError(
            f"`spacing` expects a sequence of {nsp} voxel sizes (one per spatial axis, "
            f"as ImageInfo.spacing gives), got {spacing!r}."
        ) from None
    if len(sp) != nsp:
        raise ValueError(
            f"`spacing` expects {nsp} voxel sizes (one per spatial axis of a "
            f"{'(Z, Y, X) volume' if nsp == 3 else '(Y, X) image'}), got {len(sp)}: {spacing!r}."
        )
    out = []
    for x in sp:
        if x is None:
            raise ValueError(
                f"`spacing` has an unknown (None) voxel size, {spacing!r}: the file did not "
                f"record it; pass the sizes yourself, or give `sigma` in voxels (no `spacing`)."
            )
        if isinstance(x, bool) or not isinstance(x, numbers.Real) or not np.isfinite(x) or x <= 0:
            raise ValueError(f"`spacing` expects finite voxel sizes > 0, got {spacing!r}.")
        out.append(float(x))
    return tuple(out)


def _spatial_axes(arr: np.ndarray, axes, sigma, spacing) -> int:
    """How many leading axes of ``arr`` are spatial (2 or 3); the rest are channels.

    ``axes`` decides when given. Otherwise a 2-D array is (Y, X); a 3-D array is a
    (Z, Y, X) volume when ``sigma`` or ``spacing`` has three values, or when its last
    axis is not 3 or 4 long; a 3-D array ending in 3 or 4 with a single sigma is read
    as (Y, X, C) colour, as :func:`gaussian_blur` always has.
    """
    if axes is not None:
        v.check_choice(axes, _LAYOUTS, name="axes")
        if arr.ndim != len(axes):
            raise ValueError(f"`axes` {axes!r} describes a {len(axes)}-D array, got shape {arr.shape}.")
        return 3 if axes == "zyx" else 2
    if arr.ndim == 2:
        return 2
    said = "sigma"
    if np.ndim(sigma) == 1 and len(sigma) in (2, 3):
        nsp = len(sigma)
    elif spacing is not None and np.ndim(spacing) == 1 and len(spacing) in (2, 3):
        nsp, said = len(spacing), "spacing"
    else:
        nsp = 2 if arr.shape[-1] in (3, 4) else 3
    if nsp == 2 and arr.shape[-1] not in (3, 4):
        raise ValueError(
            f"`{said}` has 2 values but `image` has shape {arr.shape}, neither a "
            f"(Y, X) image nor (Y, X, 3|4) colour; give 3 values for a (Z, Y, X) volume, or "
            f"axes='yxc' for channels last."
        )
    return nsp


def _voxel_sigmas(sigma, nsp: int, spacing, *, name: str = "sigma") -> tuple:
    """One sigma per spatial axis in voxels: ``sigma`` (a number or ``nsp`` numbers,
    in voxels, or in the unit of ``spacing`` when given) divided by ``spacing``."""
    if np.ndim(sigma) == 0:
        sig = (v.check_sigma(sigma, name=name),) * nsp
    else:
        try:
            seq = list(sigma)
        except TypeError:
            raise TypeError(f"`{name}` expects a number or one number per spatial axis, got {sigma!r}.") from None
        if len(seq) != nsp:
            raise ValueError(
                f"`{name}` expects a number or {nsp} numbers (one per spatial axis of a "
                f"{'(Z, Y, X) volume' if nsp == 3 else '(Y, X) image'}), got {len(seq)}: {sigma!r}."
            )
        sig = tuple(v.check_sigma(x, name=name) for x in seq)
    sp = _check_spacing(spacing, nsp)
    if sp is not None:
        sig = tuple(a / b for a, b in zip(sig, sp))
    return sig


def gaussian_kernel1d(sigma, *, truncate=4.0) -> np.ndarray:
    """The sampled, truncated, normalised 1-D Gaussian used by every blur here.

    ``w[j] = exp(-(j - r)**2 / (2 sigma**2)) / Z`` for ``j = 0 .. 2r``, with radius
    ``r = int(truncate * sigma + 0.5)`` and ``Z`` making the weights sum to 1: the same
    weights as :func:`scipy.ndimage.gaussian_filter`.

    Parameters
    ----------
    sigma : float
        Standard deviation in pixels, > 0.
    truncate : float, optional
        Radius in units of sigma.

    Returns
    -------
    w : (2r + 1,) ndarray of float64

    Examples
    --------
    >>> import infopix.scale as sc
    >>> w = sc.gaussian_kernel1d(2.0)
    >>> len(w), round(float(w.sum()), 12)
    (17, 1.0)
    """
    s = v.check_sigma(sigma)
    if s == 0:
        raise ValueError("`sigma` expects a number > 0 for a kernel, got 0.")
    r = _radius(s, _check_truncate(truncate))
    if r > MAX_KERNEL_RADIUS:
        raise ValueError(
            f"`sigma` = {s:g} px gives a Gaussian of radius {r} taps (truncate x sigma), more "
            f"than the {MAX_KERNEL_RADIUS} supported; a blur far wider than any image leaves "
            f"its mean: use a sigma below {MAX_KERNEL_RADIUS / _check_truncate(truncate):g} px."
        )
    x = np.arange(-r, r + 1, dtype=np.float64)
    w = np.exp(-0.5 / (s * s) * x * x)
    return w / w.sum()


# --------------------------------------------------------------------------------------
# the blur


def _period_signal(x: np.ndarray, mode: str, axis: int) -> np.ndarray:
    """One period (along ``axis``) of the periodic extension of ``x`` for ``mode``."""
    n = x.shape[axis]
    if mode == "wrap" or n == 1:
        return x
    idx = np.arange(n)
    if mode == "reflect":  # a b c d | d c b a
        idx = np.concatenate([idx, idx[::-1]])
    else:  # mirror: a b c d | c b
        idx = np.concatenate([idx, idx[-2:0:-1]])
    return np.take(x, idx, axis=axis)


def _blur_axis_fft(x: np.ndarray, w: np.ndarray, axis: int, mode: str, cval: float) -> np.ndarray:
    """Exact evaluation of the truncated-Gaussian sum along ``axis`` by FFT.

    Periodic modes: the extended signal has period P (n, 2n or 2n - 2); folding the
    kernel modulo P turns the sum into a circular convolution of one period, whatever
    the kernel's length. 'nearest'/'constant': a linear convolution of the image with
    the part of the kernel that can join two image pixels (|d| <= n - 1), plus the
    outside value times the kernel's tail weight. Cost O(n log n), independent of sigma.
    """
    import scipy.fft as sfft

    n = x.shape[axis]
    r = (w.size - 1) // 2
    shape_b = [1] * x.ndim
    shape_b[axis] = -1
    if mode in _PERIODIC:
        ext = _period_signal(x, mode, axis)
        p = ext.shape[axis]
        k = np.zeros(p)
        np.add.at(k, np.arange(-r, r + 1) % p, w)
        # w is symmetric, so convolution == correlation
        spec = sfft.rfft(ext, axis=axis, workers=-1)
        spec *= sfft.rfft(k).reshape(shape_b)
        y = sfft.irfft(spec, n=p, axis=axis, workers=-1)
        return np.take(y, np.arange(n), axis=axis) if p != n else y
    # inside part: only offsets |d| <= n - 1 join two image pixels. A circular
    # convolution of period P > (n - 1) + rr cannot alias offsets i - j - d (at most
    # (n - 1) + rr in size) onto 0 mod P, so the first n outputs are the linear ones.
    rr = min(r, n - 1)
    size = sfft.next_fast_len(n + rr, real=True)
    k = np.zeros(size)
    k[np.arange(-rr, rr + 1) % size] = w[r - rr : r + rr + 1]
    spec = sfft.rfft(x, n=size, axis=axis, workers=-1)
    spec *= sfft.rfft(k).reshape(shape_b)
    y = np.take(sfft.irfft(spec, n=size, axis=axis, workers=-1), np.arange(n), axis=axis)
    # tail[t] = sum of w over offsets d >= t (t >= 0); zero beyond the radius
    tail = np.zeros(n + 2)
    cums = np.cumsum(w[r:][::-1])[::-1]  # cums[t] = sum_{d >= t} w[r + d]
    m = min(cums.size, tail.size)
    tail[:m] = cums[:m]
    i = np.arange(n)
    left = tail[i + 1].reshape(shape_b)  # weight of the outside beyond index 0, seen from i
    right = tail[n - i].reshape(shape_b)  # weight of the outside beyond index n - 1
    if mode == "constant":
        y += cval * (left + right)
    else:  # nearest
        y += np.take(x, [0], axis=axis) * left + np.take(x, [n - 1], axis=axis) * right
    return y


def _periodic_eigenvalues(n: int, w: np.ndarray, mode: str, half: bool = False) -> np.ndarray:
    """Eigenvalues of the truncated-Gaussian sum on a periodic extension of length n.

    The kernel folded onto one period P of the extension (reflect 2n, mirror 2n - 2,
    wrap n) is real and symmetric, so its DFT is real: for 'reflect' (DCT-II basis) and
    'mirror' (DCT-I basis) the first n values, for 'wrap' the full DFT (or the
    half-spectrum of an rfft axis with ``half``).
    """
    r = (w.size - 1) // 2
    p = {"reflect": 2 * n, "mirror": 2 * n - 2, "wrap": n}[mode]
    k = np.zeros(p)
    np.add.at(k, np.arange(-r, r + 1) % p, w)
    if mode == "wrap" and not half:
        return np.fft.fft(k).real
    lam = np.fft.rfft(k).real
    return lam if mode == "wrap" else lam[:n]


class _SpectralBlur:
    """Exact Gaussian blurs of one image in a periodic mode, all sharing one transform.

    'reflect' is diagonalised by the DCT-II, 'mirror' by the DCT-I and 'wrap' by the
    DFT: the image is transformed once (over its ``nsp`` leading, spatial axes), and
    each set of per-axis kernels costs one inverse transform, whatever its radius. This
    is the same truncated sum as the direct filter (agreement ~1e-15 of the values),
    not an approximation by an untruncated Gaussian.
    """

    def __init__(self, x: np.ndarray, mode: str, nsp: int = 2):
        import scipy.fft as sfft

        self.mode, self.shape, self.nsp = mode, x.shape, nsp
        axes = tuple(range(nsp))
        if mode == "reflect":
            self.spec = sfft.dctn(x, type=2, axes=axes, workers=-1)
        elif mode == "mirror":
            self.spec = sfft.dctn(x, type=1, axes=axes, workers=-1)
        else:
            self.spec = sfft.rfftn(x, axes=axes, workers=-1)

    @staticmethod
    def supports(shape, mode: str, nsp: int = 2) -> bool:
        return mode in _PERIODIC and not (mode == "mirror" and min(shape[:nsp]) < 2)

    def blur(self, ws) -> np.ndarray:
        """Blur with one kernel per spatial axis (a single array: the same on every axis)."""
        import scipy.fft as sfft

        nsp = self.nsp
        if isinstance(ws, np.ndarray):
            ws = [ws] * nsp
        y = self.spec.copy()
        for axis in range(nsp):
            last = axis == nsp - 1
            lam = _periodic_eigenvalues(self.shape[axis], ws[axis], self.mode, half=last)
            shape_b = [1] * len(self.shape)
            shape_b[axis] = -1
            y *= lam.reshape(shape_b)
        axes = tuple(range(nsp))
        if self.mode == "reflect":
            return sfft.idctn(y, type=2, axes=axes, workers=-1)
        if self.mode == "mirror":
            return sfft.idctn(y, type=1, axes=axes, workers=-1)
        return sfft.irfftn(y, s=self.shape[:nsp], axes=axes, workers=-1)


def _kernel_or_identity(sigma: float, truncate: float) -> np.ndarray:
    """:func:`gaussian_kernel1d`, or the identity ``[1.0]`` for sigma = 0 (axis not blurred)."""
    return np.ones(1) if sigma == 0 else gaussian_kernel1d(sigma, truncate=truncate)


def _blur_float(arr: np.ndarray, sigma, mode: str, truncate: float, cval: float, method: str) -> np.ndarray:
    """Blur the leading spatial axes of a float64 array; returns a new array.

    ``sigma`` is a number (the two leading axes, as for (M, N) and (M, N, C) images) or
    a tuple with one sigma (voxels, >= 0) per leading spatial axis; the remaining axes
    (colour channels) are not smoothed.
    """
    sigmas = (float(sigma),) * 2 if np.ndim(sigma) == 0 else tuple(float(s) for s in sigma)
    nsp = len(sigmas)
    r = max(_radius(s, truncate) for s in sigmas)
    if method == "auto":
        method = "fft" if r >= FFT_MIN_RADIUS[mode] else "direct"
    if method == "direct" or r == 0:
        from scipy import ndimage

        sig = sigmas + (0.0,) * (arr.ndim - nsp)
        return ndimage.gaussian_filter(arr, sig, mode=mode, cval=cval, truncate=truncate)
    ws = [_kernel_or_identity(s, truncate) for s in sigmas]
    if _SpectralBlur.supports(arr.shape, mode, nsp):
        return _SpectralBlur(arr, mode, nsp).blur(ws)
    out = arr
    for axis, w in enumerate(ws):
        if w.size > 1:
            out = _blur_axis_fft(out, w, axis, mode, cval)
    return np.ascontiguousarray(out)


def _requantize(x: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Round to the nearest level of ``dtype`` (half to even) and clip to its range."""
    if dtype.kind == "f":
        return x.astype(dtype)
    if dtype == bool:
        return x >= 0.5
    info = np.iinfo(dtype)
    return np.clip(np.rint(x), info.min, info.max).astype(dtype)


def _resolve_common(mode, truncate, cval, method):
    v.check_choice(mode, MODES, name="mode")
    v.check_choice(method, _METHODS, name="method")
    return _check_truncate(truncate), _check_cval(cval)


def gaussian_blur(
    image, sigma, *, mode="reflect", truncate=4.0, output="float", cval=0.0, method="auto", spacing=None,
    axes=None,
):
    """Blur an image or a volume with an exact, documented Gaussian, in float64.

    Parameters
    ----------
    image : (M, N), (M, N, C) or (Z, M, N) ndarray
        Bool, integer or float image or volume; colour channels are blurred separately
        (only the spatial axes are smoothed). A 3-D array is a (Z, Y, X) volume when
        ``sigma`` or ``spacing`` has three values or its last axis is not 3 or 4 long;
        otherwise (one sigma, last axis 3 or 4) it is (Y, X, C) colour. ``axes``
        settles it explicitly.
    sigma : float or sequence of float
        Standard deviation of the Gaussian, >= 0: one number (the same on every spatial
        axis) or one per spatial axis ((sz, sy, sx) for a volume: anisotropic). In
        voxels (pixels), or in the physical unit of ``spacing`` when it is given. A
        sigma of 0 leaves that axis unsmoothed; all 0 returns a copy of the input values
        (as float64, or in the input's dtype).
    mode : {'reflect', 'mirror', 'wrap', 'nearest', 'constant'}, optional
        Value of the image beyond its edges (see the module docstring for pictures).
        'reflect' (default) is SciPy's name for numpy.pad's 'symmetric' (the edge pixel
        is repeated: ``d c b a | a b c d``); 'mirror' is numpy.pad's 'reflect'.
    truncate : float, optional
        The kernel is cut at radius ``r = int(truncate * sigma + 0.5)`` pixels and
        renormalised to sum 1. At the default 4 the discarded Gaussian weight is
        ``erfc(4 / sqrt(2)) = 6.3e-5`` per axis.
    output : {'float', 'input'}, optional
        'float' (default): float64 values, no rounding. 'input': re-quantised to the
        input's dtype (rounded to the nearest level, half to even, and clipped), as PIL
        does for 8-bit images.
    cval : float, optional
        The outside value for ``mode='constant'``. A constant image stays constant in
        every mode except 'constant' with ``cval`` different from it, where the edges
        are pulled towards ``cval`` (the image sits on a background).
    method : {'auto', 'direct', 'fft'}, optional
        How the same Gaussian sum is evaluated. 'direct': SciPy's separable
        :func:`scipy.ndimage.gaussian_filter` (cost grows with the radius). 'fft': an
        exact transform evaluation whose cost does not depend on sigma: the periodic
        modes are diagonalised by the DCT-II (reflect), DCT-I (mirror) or DFT (wrap)
        with the kernel folded onto one period of the extension; 'nearest'/'constant'
        convolve by FFT and add the outside value times the kernel's tail weight.
        'auto' (default) uses 'fft' from the per-mode radius in
        :data:`FFT_MIN_RADIUS`. Both agree to float64 rounding (~1e-13 of the
        intensity range).
    spacing : sequence of float, optional
        Voxel size along each spatial axis ((dz, dy, dx), as ``ImageInfo.spacing`` gives
        after :func:`infopix.read_image`). When given, ``sigma`` is in that physical
        unit and the sigma along axis k in voxels is ``sigma[k] / spacing[k]``; the
        kernel radius is then ``int(truncate * sigma[k] / spacing[k] + 0.5)`` voxels.
    axes : {'yx', 'yxc', 'zyx'}, optional
        What the axes of ``image`` are, when its shape does not say it (e.g. a
        (Z, Y, 3) volume: ``axes='zyx'``).

    Returns
    -------
    blurred : ndarray
        Same shape as ``image``; float64 for ``output='float'``.

    Raises
    ------
    ValueError
        Negative or non-finite sigma, unknown mode/output/method, NaN pixels.
    TypeError
        Non-numeric image or parameters.

    Notes
    -----
    The blur is the discrete sum ``y[i] = sum_d w[d] x[i - d]`` over both axes with the
    sampled Gaussian ``w`` of :func:`gaussian_kernel1d` (no box approximation, unlike
    PIL's ``GaussianBlur``, which runs three box blurs in uint8 with rounding after each
    pass). It calls :func:`scipy.ndimage.gaussian_filter` (direct), or the private
    ``_SpectralBlur`` (periodic modes) and ``_blur_axis_fft`` (nearest, constant).

    Examples
    --------
    A blurred constant stays constant; blurring is linear, so the mean is kept on a
    torus ('wrap'):

    >>> import numpy as np, infopix
    >>> flat = np.full((32, 32), 7, dtype=np.uint8)
    >>> bool(np.allclose(infopix.gaussian_blur(flat, 3.0), 7.0, rtol=1e-12))
    True
    >>> x = np.random.default_rng(0).random((64, 64))
    >>> y = infopix.gaussian_blur(x, 5.0, mode="wrap")
    >>> bool(np.isclose(y.mean(), x.mean(), rtol=1e-12))
    True

    A volume with anisotropic voxels (2 um along z, 0.5 um in-plane), blurred by
    1 um in every direction, i.e. (0.5, 2, 2) voxels:

    >>> vol = np.random.default_rng(0).random((8, 32, 32))
    >>> a = infopix.gaussian_blur(vol, 1.0, spacing=(2.0, 0.5, 0.5))
    >>> b = infopix.gaussian_blur(vol, (0.5, 2.0, 2.0))
    >>> bool(np.array_equal(a, b))
    True
    """
    arr = _check_volume(image, allow_color=True)
    nsp = _spatial_axes(arr, axes, sigma, spacing)
    sig = _voxel_sigmas(sigma, nsp, spacing)
    truncate, cval = _resolve_common(mode, truncate, cval, method)
    v.check_choice(output, _OUTPUTS, name="output")
    if max(sig) == 0:
        return arr.copy() if output == "input" else arr.astype(np.float64, copy=True)
    out = _blur_float(arr.astype(np.float64), sig, mode, truncate, cval, method)
    return _requantize(out, arr.dtype) if output == "input" else out


# --------------------------------------------------------------------------------------
# entropy against scale


def _check_scales(scales, unit: str) -> np.ndarray:
    try:
        arr = np.asarray(scales, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"`scales` expects a 1-D sequence of numbers, got {scales!r}.") from None
    arr = np.atleast_1d(arr)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"`scales` expects a non-empty 1-D sequence of numbers, got shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"`scales` must be finite, got {arr.tolist()!r}.")
    if np.any(arr < 0):
        raise ValueError(
            f"`scales` must be >= 0 ({unit}), got a negative scale {float(arr.min())!r}."
        )
    if np.any(np.diff(arr) <= 0):
        i = int(np.flatnonzero(np.diff(arr) <= 0)[0])
        raise ValueError(
            f"`scales` must be strictly increasing, got {float(arr[i])!r} followed by {float(arr[i + 1])!r}; "
            f"sort them (np.unique(scales) sorts and removes repeats)."
        )
    return arr


def _longest(shape, spacing) -> float:
    """The longest side, in voxels or (with ``spacing``) in its physical unit."""
    if spacing is None:
        return float(max(shape))
    return float(max(n * d for n, d in zip(shape, spacing)))


def _fixed_bins(arr: np.ndarray, bins, range_, mode: str, cval: float) -> Binning:
    """The binning fixed once for all scales, from the original image.

    :func:`infopix._binning.resolve_binning` with the image's extent (widened to
    include ``cval`` in 'constant' mode, whose blurred values approach it). Integer
    levels become float bins centred on the levels (edges at half-integers), so that
    rounding a blurred value and binning it agree and the sigma = 0 histogram is
    :func:`infopix.intensity_counts`'.
    """
    ext = None
    if needs_extent(arr.dtype, bins, range_):
        lo, hi = extent(arr)
        if mode == "constant":
            if arr.dtype.kind == "f":
                lo, hi = min(lo, cval), max(hi, cval)
            else:
                lo, hi = min(lo, math.floor(cval)), max(hi, math.ceil(cval))
        ext = (lo, hi)
    return resolve_binning(arr.dtype, bins, range_, extent=ext).levels_as_bins()


def _sigma_list(sigmas, unit: str, *, most: int = 5) -> str:
    """'sigma = 1, 2, 4 px' for a few sigmas, 'N sigmas from a to b px' for more
    (one readable line, however many scales a curve has).

    >>> _sigma_list([1, 2, 4], "px")
    'sigma = 1, 2, 4 px'
    >>> _sigma_list([0.5 * k for k in range(1, 39)], "µm")
    '38 sigmas from 0.5 to 19 µm'
    """
    if len(sigmas) <= most:
        return f"sigma = {', '.join(f'{x:.3g}' for x in sigmas)} {unit}"
    return f"{len(sigmas)} sigmas from {min(sigmas):.3g} to {max(sigmas):.3g} {unit}"


@dataclass(frozen=True)
class ScaleCurve:
    """Intensity entropy of an image against Gaussian smoothing scale.

    Attributes
    ----------
    scales_px : (S,) ndarray
        Gaussian sigma in pixels (voxels), or in the unit of ``spacing`` when it was
        given (the sigma along axis k in voxels is then ``scales_px / spacing[k]``).
    scales_fraction : (S,) ndarray
        The same scales as a fraction of the image's longest side (the notebook's
        ``k`` in ``GaussianBlur(k * scale)``; with ``spacing``, the longest physical
        side).
    entropies : (S,) ndarray
        Entropy of the blurred image's histogram, in units of ``base`` (bits by default).
    entropy_std : (S,) ndarray
        The standard error of each entropy, under ``uncertainty``: the spatial error
        (default) or the estimator's own standard error / posterior std assuming
        independent pixels (NaN where it has none).
    uncertainty : str
        What ``entropy_std`` rests on (``'spatial'`` or ``'iid'``).
    stds : (S,) ndarray
        Standard deviation of the blurred pixel values (intensity units), for comparison
        with the laws in the Notes of :func:`entropy_vs_scale`.
    unit : str
        The unit the scales were given in ('px' or 'fraction').
    bins : int
        Number of bins, fixed for every scale.
    range : (float, float)
        Binning interval, fixed for every scale.
    quantize, estimator, mode, truncate, cval, base
        The settings used.
    image : ndarray
        The original image or (Z, Y, X) volume (a reference, not a copy), for
        :meth:`images`.
    spacing : tuple of float or None
        The voxel size the scales were given in units of (None: voxels).
    spacing_unit : str or None
        The unit of ``spacing`` (e.g. 'µm', as ``ImageInfo.unit`` gives), or None.
    previews : dict
        Scale in pixels -> a thinned copy of the blurred 2-D image (every ``k``-th row
        and column), kept for :meth:`plot_strip` when :func:`entropy_vs_scale` was asked
        for ``previews`` (empty otherwise: the strip blurs again).
    """

    scales_px: np.ndarray
    scales_fraction: np.ndarray
    entropies: np.ndarray
    entropy_std: np.ndarray
    stds: np.ndarray
    unit: str
    bins: int
    range: tuple
    quantize: bool
    estimator: str
    mode: str
    truncate: float
    cval: float
    base: float
    image: np.ndarray = field(repr=False)
    spacing: tuple | None = None
    uncertainty: str = "spatial"
    spacing_unit: str | None = None

    @property
    def sigma_unit(self) -> str:
        """What ``scales_px`` is in: 'px' (an image), 'voxels' (a volume), or with
        ``spacing`` its unit (``spacing_unit``, or 'spacing units' when unknown). The one
        rule every label, warning and column name of the curve follows."""
        if self.spacing is None:
            return "voxels" if self.image.ndim == 3 else "px"
        return self.spacing_unit or "spacing units"

    @property
    def scale_column(self) -> str:
        """Name of the sigma column of :meth:`table`: 'scale_px' in pixels or voxels (the
        historical name), else ``'scale_' + sigma_unit`` (e.g. 'scale_µm')."""
        return "scale_px" if self.spacing is None else "scale_" + self.sigma_unit.replace(" ", "_")
    previews: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def scales(self) -> np.ndarray:
        """The scales in the unit they were given in."""
        return self.scales_px if self.unit == "px" else self.scales_fraction

    def table(self) -> dict:
        """Columns as plain lists: the sigmas (:attr:`scale_column`: ``scale_px``, or e.g.
        ``scale_µm`` with ``spacing``), scale_fraction, entropy, entropy_std, std."""
        return {
            self.scale_column: self.scales_px.tolist(),
            "scale_fraction": self.scales_fraction.tolist(),
            "entropy": self.entropies.tolist(),
            "entropy_std": self.entropy_std.tolist(),
            "std": self.stds.tolist(),
        }

    def _to_px(self, scales) -> np.ndarray:
        s = np.atleast_1d(np.asarray(scales, dtype=np.float64))
        if np.any(~np.isfinite(s)) or np.any(s < 0):
            raise ValueError(f"`scales` must be finite and >= 0, got {s.tolist()!r}.")
        return s if self.unit == "px" else s * _longest(self.image.shape, self.spacing)

    def images(self, scales=None) -> list:
        """The image blurred at ``scales`` (in the curve's unit), as the histogram saw it.

        Defaults to up to six of the curve's scales, evenly spaced. With
        ``quantize=True`` the images are in the input dtype, else float64.
        """
        if scales is None:
            idx = np.unique(np.linspace(0, self.scales_px.size - 1, min(6, self.scales_px.size)).round().astype(int))
            px = self.scales_px[idx]
        else:
            px = self._to_px(scales)
        out = "input" if self.quantize else "float"
        sp = self.spacing if self.spacing is not None else (1.0,) * self.image.ndim
        return [
            gaussian_blur(self.image, tuple(s / d for d in sp), mode=self.mode, truncate=self.truncate,
                          output=out, cval=self.cval)
            for s in px
        ]

    def plot(self, ax=None, **kwargs):
        """Entropy against scale (markers and line); returns the axis."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 3.5))
        label = kwargs.pop("label", f"{self.mode}, {'re-quantised' if self.quantize else 'fixed bins'}")
        ax.plot(self.scales, self.entropies, "o-", ms=3, label=label, **kwargs)
        ax.set_xlabel(f"sigma ({self.sigma_unit})" if self.unit == "px" else "sigma / longest side")
        unit = {2.0: "bits", float(np.e): "nats"}.get(float(self.base), f"log base {self.base:g}")
        ax.set_ylabel(f"intensity entropy ({unit})")
        ax.set_autoscaley_on(True)  # several curves on one axis: rescale to all
        ax.relim()
        ax.autoscale_view(scalex=False)
        ax.set_ylim(0, ax.get_ylim()[1])
        return ax

    def plot_strip(self, scales=None, axes=None):
        """The image at chosen scales side by side (the notebook's ``rings``).

        Each panel is shown on the original image's intensity range (no per-panel
        contrast stretch, which would magnify tiny deviations as the notebook's did).
        Returns the array of axes.
        """
        import matplotlib.pyplot as plt

        if scales is None:
            idx = np.unique(np.linspace(0, self.scales_px.size - 1, min(6, self.scales_px.size)).round().astype(int))
            shown = self.scales[idx]
        else:
            shown = np.atleast_1d(np.asarray(scales, dtype=np.float64))
        px = self._to_px(shown)
        if self.previews and all(float(p) in self.previews for p in px):
            imgs = [self.previews[float(p)] for p in px]  # kept while computing: no re-blur
        else:
            imgs = self.images(shown)
        if axes is None:
            _, axes = plt.subplots(1, len(imgs), figsize=(2.2 * len(imgs), 2.4), squeeze=False)
            axes = axes[0]
        lo, hi = float(np.min(self.image)), float(np.max(self.image))
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        for ax, im, s in zip(axes, imgs, shown):
            if np.ndim(im) == 3:  # a volume: its central z slice
                im = im[im.shape[0] // 2]
            ax.imshow(np.asarray(im, dtype=np.float64), cmap="gray", vmin=lo, vmax=hi)
            ax.set_title(f"sigma = {s:.3g} {self.sigma_unit}" if self.unit == "px" else f"sigma / side = {s:.3g}", fontsize=8)
            ax.set_axis_off()
        return np.asarray(axes)


def entropy_vs_scale(
    image,
    scales,
    *,
    unit="px",
    bins=None,
    range=None,
    quantize=False,
    estimator="plugin",
    base=2,
    mode="reflect",
    truncate=4.0,
    cval=0.0,
    progress=None,
    spacing=None,
    uncertainty="spatial",
    spacing_unit=None,
    previews=0,
    **options,
) -> ScaleCurve:
    """Intensity entropy of an image or volume smoothed by Gaussians of increasing scale.

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray
        Bool, integer or float image, or a volume (blurred in 3-D, its voxels counted
        in one histogram).
    scales : (S,) array_like of float
        Gaussian sigmas, >= 0 and strictly increasing, in ``unit``.
    unit : {'px', 'fraction'}, optional
        'px': sigma in pixels (voxels), or in the unit of ``spacing`` when given.
        'fraction': sigma as a fraction of the longest side (the notebook's
        ``GaussianBlur(k * scale)`` with ``scale = max(shape)``; with ``spacing`` the
        longest physical side).
    bins : int, optional
        Number of bins, fixed once for all scales. Integer images default to one bin per
        level of the dtype (uint8: 256, bool: 2; wider integers: the data's levels) with
        edges at half-integers, so rounding a blurred value and binning it agree and the
        sigma = 0 value equals :func:`infopix.intensity_entropy`. Float images default
        to 256 bins. The bins of :func:`infopix.intensity_counts` (one rule,
        :mod:`infopix._binning`), so at sigma = 0 the histogram is
        ``intensity_counts(image, bins=bins, range=range)``'s.
    range : (float, float), optional
        Binning interval, fixed for all scales; defaults to the original image's
        [min, max] (a Gaussian average never leaves it; 'constant' mode widens it to
        include ``cval``), and for bool and 8/16-bit integer images with ``bins`` to
        the dtype's range, as :func:`infopix.intensity_counts` does.
    quantize : bool, optional
        False (default): the histogram sees the float64 blurred values. True: values are
        re-quantised to the input's integer dtype first (the notebook's PIL behaviour);
        needs an integer or bool image.
    estimator : str, optional
        Entropy estimator, resolved through :data:`infopix.estimators.ESTIMATORS`
        (default 'plugin'), with K = ``bins`` possible outcomes.
    base : float, optional
        Logarithm base (2: bits).
    mode, truncate, cval
        As in :func:`gaussian_blur`.
    progress : callable, optional
        Called as ``progress(done, total)`` after each scale (the CLI's progress bar).
    spacing : sequence of float, optional
        Voxel size per spatial axis (``ImageInfo.spacing``): the scales are then in that
        physical unit, and axis k is blurred with ``scale / spacing[k]`` voxels (an
        anisotropic blur that is isotropic in space).
    uncertainty : {'spatial', 'iid'}, optional
        What ``entropy_std`` rests on: ``'spatial'`` (default), the blurred image as one
        realisation of a correlated random field (the long-run variance of its surprisal
        field, :func:`infopix.uncertainty.spatial_entropy_error`; blurring lengthens the
        correlation, so the error grows with sigma; where the image is not much larger
        than its correlation length a warning lists those sigmas and the error is a lower
        bound); ``'iid'``: the estimator's own error assuming independent pixels (NaN
        where it has none).
    spacing_unit : str, optional
        The unit of ``spacing`` (``ImageInfo.unit``, e.g. 'µm'): the curve's labels,
        warnings and sigma column (``ScaleCurve.sigma_unit``) then name it. Without
        ``spacing`` sigmas are in 'px' (images) or 'voxels' (volumes).
    previews : int, optional
        Keep, for each scale, a copy of the blurred image thinned to at most this many
        pixels along its longest side (every ``k``-th row and column), so that
        :meth:`ScaleCurve.plot_strip` shows the images without blurring them again
        (2-D images; 0, the default, keeps none).
    **options
        Passed to the estimator.

    Returns
    -------
    ScaleCurve
        With ``.plot()``, ``.plot_strip()`` and ``.images()``.

    Raises
    ------
    ValueError
        Negative, non-finite, unsorted or repeated scales; unknown unit or mode;
        ``quantize=True`` on a float image; a ``range`` that excludes pixel values.

    Notes
    -----
    Fixed bins make the curve mean something: i.i.d. uniform noise of range R blurred
    with sigma (in 2-D) has variance ``(R**2 / 12) / (4 pi sigma**2)``, and once its
    standard deviation spans several bins of width ``Delta``, its binned entropy is the
    Gaussian differential entropy minus ``log Delta``:
    ``H = log2(sqrt(2 pi e) * std / Delta)``, one bit less per doubling of sigma, towards
    0 once the std is well below one bin. Re-normalising the bins at each scale (or a
    blur whose border keeps pixels unaveraged) holds the curve up instead.

    Each scale blurs (the direct filter, or for periodic modes one inverse DCT/FFT of a
    transform computed once), counts with the compiled kernel
    ``infopix._kernels.histogram.bin_walk`` through
    :meth:`infopix._binning.Binning.counts` (the bins of
    :func:`infopix.intensity_counts` with ``bins``/``range``, i.e. of
    :func:`numpy.histogram`) and estimates with
    :func:`infopix.estimators.entropy_from_counts`.

    Examples
    --------
    Blurred uniform noise on a torus: one bit less per doubling of sigma.

    >>> import numpy as np, infopix
    >>> x = np.random.default_rng(1).random((512, 512))
    >>> c = infopix.entropy_vs_scale(x, [2, 4], mode="wrap", bins=256, range=(0, 1))
    >>> round(float(c.entropies[0] - c.entropies[1]), 1)
    1.0

    A volume at sigma = 0 is its voxels' intensity entropy:

    >>> vol = np.random.default_rng(2).integers(0, 4, (6, 8, 8)).astype(np.uint8)
    >>> c = infopix.entropy_vs_scale(vol, [0, 1])
    >>> h = infopix.intensity_entropy(vol, channel=None)   # channel=None: a volume
    >>> bool(np.isclose(c.entropies[0], h, rtol=0, atol=1e-12))
    True
    """
    arr = _check_volume(image, allow_color=False)
    nsp = arr.ndim
    sp = _check_spacing(spacing, nsp)
    if spacing_unit is not None and not isinstance(spacing_unit, str):
        raise TypeError(f"`spacing_unit` expects a unit name such as 'µm' or None, got {spacing_unit!r}.")
    v.check_choice(unit, ("px", "fraction"), name="unit")
    sc = _check_scales(scales, unit)
    truncate, cval = _resolve_common(mode, truncate, cval, "auto")
    b = v.check_base(base)
    resolve_estimator(estimator)
    if progress is not None and not callable(progress):
        raise TypeError(f"`progress` expects a callable progress(done, total) or None, got {progress!r}.")
    if not isinstance(quantize, (bool, np.bool_)):
        raise TypeError(f"`quantize` expects True or False, got {quantize!r}.")
    if isinstance(previews, (bool, np.bool_)) or not isinstance(previews, (int, np.integer)) or previews < 0:
        raise ValueError(f"`previews` expects an integer >= 0 (pixels), got {previews!r}.")
    if quantize and arr.dtype.kind == "f":
        raise ValueError(
            f"`quantize=True` re-quantises to the input's integer dtype, but `image` has "
            f"dtype {arr.dtype}; convert it (e.g. to uint8) or use quantize=False."
        )
    longest = _longest(arr.shape, sp)
    px = sc if unit == "px" else sc * longest
    per_axis = sp if sp is not None else (1.0,) * nsp
    sigma_unit = (spacing_unit or "spacing units") if sp is not None else ("voxels" if nsp == 3 else "px")
    binning = _fixed_bins(arr, bins, range, mode, cval)
    nbins, (lo, hi) = binning.n_outcomes, binning.range
    clip_lo, clip_hi = float(arr.min()), float(arr.max())
    if mode == "constant":
        clip_lo, clip_hi = min(clip_lo, cval), max(clip_hi, cval)
    x = arr.astype(np.float64)
    ent = np.empty(px.size)
    ent_std = np.full(px.size, np.nan)
    method = v.check_choice(uncertainty, ("spatial", "iid"), name="uncertainty")
    lower_bound = []  # sigmas whose spatial error is a lower bound
    stds = np.empty(px.size)
    spectral = None  # periodic modes: one forward transform shared by all scales
    kept = {}
    step = max(1, -(-max(arr.shape) // int(previews))) if previews and nsp == 2 else 0
    for i, s in enumerate(px):
        sig = tuple(float(s) / d for d in per_axis)
        if s == 0:
            y = x
        elif max(_radius(g, truncate) for g in sig) >= CURVE_SPECTRAL_MIN_RADIUS and _SpectralBlur.supports(
            x.shape, mode, nsp
        ):
            if spectral is None:
                spectral = _SpectralBlur(x, mode, nsp)
            y = spectral.blur([_kernel_or_identity(g, truncate) for g in sig])
        else:
            y = _blur_float(x, sig, mode, truncate, cval, "auto")
        if quantize:
            y = _requantize(y, arr.dtype).astype(np.float64)
        else:
            # a positive-weight average stays within [min, max]; remove float rounding
            # excursions (~1e-16 relative) so they cannot fall outside the fixed range
            y = np.clip(y, clip_lo, clip_hi, out=y if y is not x else None)
        stds[i] = float(y.std())
        if step:
            kept[float(s)] = np.array(y[step // 2 :: step, step // 2 :: step])
        counts, outside = binning.counts_outside(y)
        if outside:
            raise ValueError(
                f"`range` ({lo:g}, {hi:g}) excludes {outside} pixel value(s) at sigma = "
                f"{s:g} {sigma_unit}; widen `range` (the default, the image's [min, max], holds every "
                f"blurred value)."
            )
        est = entropy_from_counts(counts, estimator=estimator, base=b, n_outcomes=nbins, **options)
        ent[i] = est.value
        if method == "spatial":
            err = spatial_entropy_error(binning.codes(y), counts, base=b)
            ent_std[i] = math.sqrt(err.variance_of_mean)
            if not err.reliable:
                lower_bound.append(float(s))
        elif est.std is not None:
            ent_std[i] = est.std
        if progress is not None:
            progress(i + 1, px.size)
    if lower_bound:
        warnings.warn(
            f"at {_sigma_list(lower_bound, sigma_unit)} the blurred image is not "
            f"much larger than its correlation length: the spatial error of those entropies "
            f"is a lower bound.",
            UserWarning,
            stacklevel=2,
        )
    return ScaleCurve(
        scales_px=px.copy(),
        scales_fraction=px / longest,
        entropies=ent,
        entropy_std=ent_std,
        uncertainty=method,
        stds=stds,
        unit=unit,
        bins=nbins,
        range=(lo, hi),
        quantize=bool(quantize),
        estimator=str(estimator),
        mode=mode,
        truncate=truncate,
        cval=cval,
        base=b,
        image=arr,
        spacing=sp,
        spacing_unit=spacing_unit if sp is not None else None,
        previews=kept,
    )


# --------------------------------------------------------------------------------------
# the semigroup question


@dataclass(frozen=True)
class SemigroupCheck:
    """n blurs of sigma against one blur of sqrt(n)·sigma.

    Attributes
    ----------
    difference : (M, N) or (Z, M, N) ndarray of float64
        ``n_blurs - one_blur`` in intensity units.
    interior : (M, N) or (Z, M, N) ndarray of bool
        Pixels (voxels) farther than ``margins[k]`` from both borders along every
        axis k.
    margin : float
        ``truncate * sqrt(n) * sigma`` pixels (the largest of ``margins``).
    interior_max, interior_rms, border_max, border_rms : float
        Maximum absolute and root-mean-square difference in the interior and in the
        border band, relative to the input's intensity range (max - min; 1 for a
        constant image). NaN where the region is empty.
    sigma, n, mode, truncate, quantize, intensity_range
        The settings used and the range the errors are relative to.
    """

    difference: np.ndarray = field(repr=False)
    interior: np.ndarray = field(repr=False)
    margin: float
    interior_max: float
    interior_rms: float
    border_max: float
    border_rms: float
    sigma: float
    n: int
    mode: str
    truncate: float
    quantize: bool
    intensity_range: float
    margins: tuple = ()
    sigmas: tuple = ()

    def plot(self, ax=None, *, symlog=False):
        """The difference image (symmetric colour scale) with the interior outlined.

        ``symlog=True`` uses a symmetric-log colour scale, linear below the interior's
        maximum, so a small interior error and a large border error show together. A
        volume shows its central z slice.
        """
        import matplotlib.pyplot as plt
        from matplotlib.colors import Normalize, SymLogNorm
        from matplotlib.patches import Rectangle

        if ax is None:
            _, ax = plt.subplots(figsize=(4.5, 4))
        d = self.difference / self.intensity_range
        interior = self.interior
        if d.ndim == 3:
            d, interior = d[d.shape[0] // 2], interior[interior.shape[0] // 2]
        lim = float(np.max(np.abs(d))) or 1.0
        if symlog:
            thresh = self.interior_max if np.isfinite(self.interior_max) and self.interior_max > 0 else lim / 100
            norm = SymLogNorm(linthresh=min(thresh, lim), vmin=-lim, vmax=lim)
        else:
            norm = Normalize(vmin=-lim, vmax=lim)
        im = ax.imshow(d, cmap="RdBu_r", norm=norm)
        ax.figure.colorbar(im, ax=ax, fraction=0.046, label="difference / intensity range")
        rows, cols = np.nonzero(interior.any(axis=1))[0], np.nonzero(interior.any(axis=0))[0]
        if rows.size and cols.size:
            ax.add_patch(
                Rectangle((cols[0] - 0.5, rows[0] - 0.5), cols[-1] - cols[0] + 1, rows[-1] - rows[0] + 1,
                          fill=False, ec="k", lw=0.8, ls="--")
            )
        ax.set_title(
            f"{self.n} x sigma={self.sigma:g} vs sqrt({self.n})·sigma ({self.mode}"
            f"{', re-quantised' if self.quantize else ''})\n"
            f"interior max {self.interior_max:.1e}, border max {self.border_max:.1e}",
            fontsize=8,
        )
        ax.set_axis_off()
        return ax


def semigroup_check(
    image, sigma, n, *, mode="reflect", truncate=4.0, quantize=False, cval=0.0, spacing=None
) -> SemigroupCheck:
    """Do n blurs of sigma equal one blur of sqrt(n)·sigma? Interior and border apart.

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray
        Bool, integer or float image, or a volume.
    sigma : float or sequence of float
        Sigma of each of the n blurs, > 0: one number, or one per spatial axis (at
        least one > 0); in pixels (voxels), or in the unit of ``spacing``.
    n : int
        Number of successive blurs, >= 1.
    mode, truncate, cval, spacing
        As in :func:`gaussian_blur`.
    quantize : bool, optional
        Re-quantise to the input's integer dtype after every blur (and after the single
        blur), as PIL's uint8 blur did. Needs an integer or bool image.

    Returns
    -------
    SemigroupCheck

    Notes
    -----
    Gaussians form a semigroup, ``G_s * G_t = G_sqrt(s² + t²)``; the sampled, truncated
    kernels obey it up to sampling (negligible for sigma >= 1) and truncation (the
    variance deficit of a 4-sigma cut is the same fraction for every sigma, so it
    cancels to first order). The interior is the set of pixels farther than
    ``truncate * sqrt(n) * sigma`` from the border, where the single blur never sees the
    outside. In the periodic modes (reflect, mirror, wrap) blurring commutes with the
    extension, so the border agrees as well; 'nearest' and 'constant' do not.
    Re-quantising after each blur adds up to half a level per step.

    Examples
    --------
    >>> import infopix
    >>> r = infopix.semigroup_check(infopix.sample_image(), 2.0, 10)
    >>> bool(r.interior_max < 1e-3)
    True
    """
    arr = _check_volume(image, allow_color=False)
    sig = _voxel_sigmas(sigma, arr.ndim, spacing)
    if max(sig) == 0:
        raise ValueError(f"`sigma` expects a number > 0 for the semigroup check, got {sigma!r}.")
    s = max(sig)
    nn = v.check_positive_int(n, name="n")
    truncate, cval = _resolve_common(mode, truncate, cval, "auto")
    if not isinstance(quantize, (bool, np.bool_)):
        raise TypeError(f"`quantize` expects True or False, got {quantize!r}.")
    if quantize and arr.dtype.kind == "f":
        raise ValueError(
            f"`quantize=True` re-quantises to the input's integer dtype, but `image` has dtype {arr.dtype}."
        )
    x = arr.astype(np.float64)
    many = x
    for _ in range(nn):
        many = _blur_float(many, sig, mode, truncate, cval, "auto")
        if quantize:
            many = _requantize(many, arr.dtype).astype(np.float64)
    one = _blur_float(x, tuple(math.sqrt(nn) * g for g in sig), mode, truncate, cval, "auto")
    if quantize:
        one = _requantize(one, arr.dtype).astype(np.float64)
    diff = many - one
    margins = tuple(truncate * math.sqrt(nn) * g for g in sig)
    margin = max(margins)
    interior = np.ones(arr.shape, dtype=bool)
    for axis, (size, mg) in enumerate(zip(arr.shape, margins)):
        dist = np.minimum(np.arange(size), np.arange(size)[::-1])
        shape_b = [1] * arr.ndim
        shape_b[axis] = -1
        interior &= (dist > mg).reshape(shape_b)
    rng_ = float(x.max() - x.min()) or 1.0

    def stats(sel):
        if not sel.any():
            return float("nan"), float("nan")
        d = np.abs(diff[sel])
        return float(d.max() / rng_), float(np.sqrt(np.mean(d * d)) / rng_)

    imax, irms = stats(interior)
    bmax, brms = stats(~interior)
    return SemigroupCheck(
        difference=diff,
        interior=interior,
        margin=margin,
        interior_max=imax,
        interior_rms=irms,
        border_max=bmax,
        border_rms=brms,
        sigma=s,
        n=nn,
        mode=mode,
        truncate=truncate,
        quantize=bool(quantize),
        intensity_range=rng_,
        margins=margins,
        sigmas=sig,
    )


# --------------------------------------------------------------------------------------
# difference of Gaussians


def difference_of_gaussians(
    image, sigma1, sigma2=None, *, mode="reflect", truncate=4.0, cval=0.0, spacing=None, axes=None
):
    """Difference of Gaussians ``G_sigma1 * image - G_sigma2 * image`` in float64.

    Parameters
    ----------
    image : (M, N), (M, N, C) or (Z, M, N) ndarray
        Bool, integer or float image or volume, used in its own intensity units (no
        rescaling); 3-D arrays are read as in :func:`gaussian_blur`.
    sigma1 : float or sequence of float
        First sigma, >= 0, one number or one per spatial axis, in pixels (voxels) or in
        the unit of ``spacing``. Usually the smaller: the result is then a band-pass
        image, positive on features of size ~ sigma1 brighter than their surroundings.
    sigma2 : float or sequence of float, optional
        Second sigma, >= 0; defaults to ``1.6 * sigma1`` (as scikit-image, a close
        approximation of the Laplacian of Gaussian).
    mode, truncate, cval, spacing, axes
        As in :func:`gaussian_blur`.

    Returns
    -------
    dog : ndarray of float64, shape of ``image``

    Notes
    -----
    When ``0 < sigma1 <= sigma2`` and both blurs are in the direct regime (radius below
    :data:`FFT_MIN_RADIUS`), this is computed by
    :func:`skimage.filters.difference_of_gaussians` on the float64 image, whose
    definition then coincides with ours (scikit-image would rescale integer images to
    [0, 1]; giving it float64 keeps intensity units). Otherwise it is
    ``gaussian_blur(image, sigma1) - gaussian_blur(image, sigma2)``, which also allows
    ``sigma1 > sigma2`` (the notebook's ``blur(2) - blur(100)`` ordering is the usual
    one) and large sigmas at FFT cost.

    Examples
    --------
    The DoG of a constant image is zero:

    >>> import numpy as np, infopix
    >>> d = infopix.difference_of_gaussians(np.full((20, 20), 3.0), 1.0, 2.0)
    >>> float(np.abs(d).max()) < 1e-12
    True
    >>> d3 = infopix.difference_of_gaussians(np.full((6, 20, 20), 3.0), (0.5, 1.0, 1.0))
    >>> float(np.abs(d3).max()) < 1e-12
    True
    """
    arr = _check_volume(image, allow_color=True)
    nsp = _spatial_axes(arr, axes, sigma1, spacing)
    if np.ndim(sigma1) == 0 and np.ndim(sigma2) == 0 and nsp == 2 and spacing is None:
        s1 = v.check_sigma(sigma1, name="sigma1")
        s2 = 1.6 * s1 if sigma2 is None else v.check_sigma(sigma2, name="sigma2")
    else:
        g1 = _voxel_sigmas(sigma1, nsp, spacing, name="sigma1")
        g2 = tuple(1.6 * g for g in g1) if sigma2 is None else _voxel_sigmas(sigma2, nsp, spacing, name="sigma2")
        truncate, cval = _resolve_common(mode, truncate, cval, "auto")
        x = arr.astype(np.float64)
        return _blur_or_copy(x, g1, mode, truncate, cval) - _blur_or_copy(x, g2, mode, truncate, cval)
    truncate, cval = _resolve_common(mode, truncate, cval, "auto")
    x = arr.astype(np.float64)
    if 0 < s1 <= s2 and _radius(s2, truncate) < FFT_MIN_RADIUS[mode]:
        from skimage.filters import difference_of_gaussians as _sk_dog

        channel_axis = -1 if x.ndim == 3 else None
        return _sk_dog(x, s1, s2, mode=mode, cval=cval, channel_axis=channel_axis, truncate=truncate)
    return _blur_or_copy(x, s1, mode, truncate, cval) - _blur_or_copy(x, s2, mode, truncate, cval)


def _blur_or_copy(x, s, mode, truncate, cval):
    return x.copy() if np.max(s) == 0 else _blur_float(x, s, mode, truncate, cval, "auto")
