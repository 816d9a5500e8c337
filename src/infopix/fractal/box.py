"""Box counting of binary images and volumes, and grey-level differential box counting
(see :mod:`infopix.fractal`)."""

from __future__ import annotations

import numbers

import numpy as np

from .. import _validation as v
from .._kernels import fractal as _k
from . import _fits as _f
from ._fits import linear_fit as _linear_fit
from ._base import (
    FractalFit,
    _binary,
    _check_fit_range,
    _check_sizes,
    _fit_with_systematics,
    _levels,
    _warn_curved,
)


# ----------------------------------------------------------------------------- box counting


#: grid origins of box counting, as fractions of the box size (row, column): the
#: first ``origins`` are used
GRID_ORIGINS = ((0.0, 0.0), (0.5, 0.5), (0.25, 0.75), (0.75, 0.25),
                (0.0, 0.5), (0.5, 0.0), (0.25, 0.25), (0.75, 0.75))


#: grid origins of box counting in volumes, fractions of the box size (z, row, column)
GRID_ORIGINS_3D = ((0.0, 0.0, 0.0), (0.5, 0.5, 0.5), (0.25, 0.75, 0.5), (0.75, 0.25, 0.25),
                   (0.5, 0.0, 0.75), (0.0, 0.5, 0.25), (0.25, 0.25, 0.75), (0.75, 0.75, 0.0))


def _box_ladder(short: int) -> np.ndarray:
    """Default box sizes: ``ceil(short / k)`` for ``k`` (boxes across the shorter side)
    geometric with ratio ``2**(1/4)``, rounded to distinct integers. Every size then
    tiles the shorter side with ``k`` boxes, the last one cut by less than ``k`` pixels."""
    k = np.unique(np.round(np.geomspace(1.0, short, int(round(4 * np.log2(short))) + 1)))
    return np.unique(np.ceil(short / k - 1e-9).astype(np.int64))


def _default_box_fit_range(sz: np.ndarray, short: int):
    """Sizes from 4 px to 0.3 ``short`` (at least about 4 boxes across, away from the
    pixel scale); fewer than 3 there: sizes up to 0.3 ``short``; else all."""
    for lo in (4, 1):
        inside = sz[(sz >= lo) & (sz <= 0.3 * short)]
        if inside.size >= 3:
            return (int(inside[0]), int(inside[-1]))
    return None


def box_counting_dimension(
    image, *, threshold=None, sizes=None, fit_range=None, origins=4
) -> FractalFit:
    """Box-counting (Minkowski–Bouligand) dimension of a binary image or volume.

    Counts the boxes of each size that hold foreground, on several grid origins, and
    fits ``log N(s) = intercept + D log(1/s)``; the standard error includes how the
    slope moves with the grid's origin, the size ladder and the edge convention.

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray
        Binary image or volume: bool, or numbers that are all 0 or 1. Any other image
        needs ``threshold``. A volume is counted with ``s x s x s`` boxes (cubic
        voxels; the dimension of a solid is 3).
    threshold : float, optional
        Foreground is ``image > threshold``. The notebook's "sky", "nosky" and "dots"
        kept the pixels ``>= 160``, ``>= 192`` and ``>= 208`` of an 8-bit image:
        ``threshold=159``, ``191`` and ``207``.
    sizes : sequence of int, optional
        Box sizes in pixels, at least 3, each between 1 and the shorter side ``L``.
        Default: ``ceil(L / k)`` for ``k`` boxes across, ``k`` geometric with ratio
        ``2**(1/4)`` (four sizes an octave, tied to no base: 1, 2, 3, ..., 183, 243,
        365, 729 for ``L = 729``); each tiles the shorter side almost exactly.
    fit_range : (float, float), optional
        Smallest and largest size entering the fit (inclusive). Default: sizes from 4
        pixels to 0.3 ``L`` (at least about 4 boxes across), away from the pixel scale
        and the whole image; all sizes up to 0.3 ``L`` if that leaves fewer than 3,
        else all sizes. Reported in the result; ``.plot()`` shows the other sizes too.
    origins : int, optional
        Number of grid origins (1 to 8, default 4) for the sizes in the fit range:
        grids whose lines fall at offsets ``(0, 0)``, ``(s/2, s/2)``, ``(s/4, 3s/4)``,
        ``(3s/4, s/4)``, ... (:data:`GRID_ORIGINS`, fractions of the size ``s``,
        floored). Sizes outside the fit range use the origin ``(0, 0)`` only.

    Returns
    -------
    FractalFit
        ``counts`` is ``N(s)``, the minimum over the origins (see Notes);
        ``stderr_components`` holds ``'regression'``, ``'origins and ladders'`` and
        ``'edges'``; ``curved`` flags a curved log-log relation.

    Raises
    ------
    ValueError
        Non-binary image without ``threshold``; no foreground; sizes larger than the
        image; fewer than 3 sizes in ``fit_range``; ``origins`` outside 1..8.

    Warns
    -----
    FractalWarning
        When the log-log relation is curved over the fit range (``curved``).

    See Also
    --------
    dbc_dimension : for grey-level images.

    Notes
    -----
    *Counts.* For each size and origin the kernel
    :func:`infopix._kernels.fractal.box_counts_packed` ORs the bit-packed rows of each
    row of boxes and tests each box's bits. The count at a size is the **minimum over
    the origins**, as FracLac does: box counting asks for the fewest boxes of size
    ``s`` that cover the set, and a grid placed badly against the set's structure
    (e.g. a base-3 set on boxes straddling its cells) overcounts; the mean over origins
    would instead estimate the area of the set dilated by a box (a different,
    also valid, count with its own scaling). Boxes cut by the image edges are counted
    two ways: as whole boxes (the set ends at the edges, right for a shape drawn inside
    the image) and by the fraction of their area inside the image (the image is a
    window on a larger set, right for a texture or a photograph's region); ``counts``
    is the geometric mean of the two minima, and half the difference of their slopes is
    the ``'edges'`` error. The default sizes tile the shorter side almost exactly, so
    both conventions nearly agree there.

    *Error.* ``stderr`` is the square root of the sum of the squares of: the
    regression's residual standard error; the standard deviation of the slopes
    obtained from each origin's counts on each of two interleaved halves of the size
    ladder (every other size) and from the fit range shortened by half an octave or an
    octave at either end ("origins and ladders": how the slope moves with the grid
    placement and the sampled sizes, the log-periodic oscillation of self-similar sets
    about their line); and the edge term. On exact self-similar sets of bases 2, 3 and
    5 at sizes that are not powers of their base (``tests/test_fractal.py``), the
    exact dimension lies within two such errors, which are below 0.1 for sets 243
    pixels across and below 0.05 for sets 729 across, except the sparsest random
    dust there (keep 4 of 9, 4096 pixels: 0.027-0.072 over 200 seeds, see below).

    *Calibration* (``benchmarks/calibrate_box_counting.py``, table in
    ``benchmarks/fractal.md``). The parts are not independent (the slopes of the two
    interleaved half ladders differ by about the regression's error, which they
    repeat), so their quadrature sum is not the error of independent causes; it is an
    empirical, measured one. Over 200 seeds of random Cantor dusts (bases 3 and 5,
    243 to 729 px, an exact dimension each) the RMS of the actual error is 0.33-0.88
    times the mean reported error (conservative most for base 5, whose slope moves
    most with the fit range) and the exact value lies within two errors in all 1600
    fits. On deterministic sets (Sierpinski, carpet, Vicsek, Koch) drawn in 40
    canvases each the ratio is 0.57-1.30; these are one set each (the canvas changes
    only the size ladder), and the Vicsek and Koch sets at 729 px carry a bias
    (-0.04, +0.05) that no part sees but the overlap covers: dropping the half ladders
    from the spread leaves the dusts' errors almost unchanged (0.0514 instead of
    0.0516 for the sparse dust above) and raises the Koch ratio to 1.5, so the
    overlap is kept. The sparse dust's actual error has RMS 0.040 (s.d. over seeds
    0.039): a calibrated error for it would average about 0.04, and one estimated from
    each image scatters about its mean (here 0.052, below 0.05 for 53 % of the seeds).

    *Curvature.* A quadratic fit over the fit range gives the drift of the local
    slope between the largest and the smallest sizes; when it exceeds 3 times its
    standard error (its residual error and the slope's systematic error, at both
    ends), ``curved`` is True and a :class:`FractalWarning` says so: the set is not
    self-similar over those scales (e.g. a union of parts of different dimensions, or
    a thresholded photograph), and the slope is only an average.

    A 4096 x 4096 image with the default 4 origins takes a fraction of a second
    (``benchmarks/fractal.md``). The notebook's ``boxdim`` split the image into
    ``eps x eps`` blocks with ``np.array_split`` (``eps`` = blocks per side, so blocks
    of unequal sizes), for 50 linearly spaced ``eps`` from 2 to the side, and fitted
    ``log N`` against ``log eps``; the linear grid puts most points at the finest
    scales and no uncertainty was reported.

    Examples
    --------
    >>> import infopix
    >>> from infopix.fractal.synthetic import sierpinski
    >>> fit = infopix.box_counting_dimension(sierpinski(8), sizes=2 ** np.arange(9))
    >>> bool(abs(fit.dimension - np.log(3) / np.log(2)) < 1e-12)
    True
    >>> fit.counts.tolist()[:3], fit.fit_range
    ([6561.0, 2187.0, 729.0], (4, 64))
    >>> fit = infopix.box_counting_dimension(sierpinski(9))  # default sizes
    >>> bool(abs(fit.dimension - np.log(3) / np.log(2)) < 2 * fit.stderr < 0.1)
    True
    """
    binary = _binary(image, threshold, ndim=(2, 3))
    if not binary.any():
        raise ValueError(
            "`image` has no foreground pixel (the set is empty), so it has no box-counting "
            "dimension; check `threshold`."
        )
    nd = binary.ndim
    if isinstance(origins, bool) or not isinstance(origins, numbers.Integral) or not (
        1 <= origins <= len(GRID_ORIGINS)
    ):
        raise ValueError(f"`origins` expects an integer from 1 to {len(GRID_ORIGINS)}, got {origins!r}.")
    # the grid is registered at the near corner of the foreground's bounding box (the
    # empty leading rows and columns are dropped): empty margins hold no boxes, and the
    # counts do not depend on where in an empty canvas the set sits
    given_shape = binary.shape
    occupied = [np.flatnonzero(binary.any(axis=tuple(b for b in range(nd) if b != a)))
                for a in range(nd)]
    binary = binary[tuple(slice(o[0], None) for o in occupied)]
    extent = max(int(o[-1] - o[0]) for o in occupied) + 1  # the set's largest extent
    short = min(binary.shape)
    if sizes is None:
        sz = _box_ladder(short)
        if sz.size < 3:
            raise ValueError(
                f"`image` of shape {given_shape} is too small: fewer than 3 box sizes up "
                f"to {short} px (its shorter side after dropping the empty leading rows and "
                f"columns, shape {binary.shape}); pass `sizes`."
            )
    else:  # boxes may stick out of the array (padded), up to the given shorter side
        sz = _check_sizes(sizes, given_shape)
    if fit_range is None:
        fit_range = _default_box_fit_range(sz, min(short, extent))
    rng_, m = _check_fit_range(fit_range, sz)
    vol = binary if nd == 3 else binary[None]
    bits = np.ascontiguousarray(np.packbits(vol, axis=-1))
    shape = tuple(int(t) for t in vol.shape)
    table = GRID_ORIGINS_3D if nd == 3 else tuple((0.0,) + o for o in GRID_ORIGINS)
    padded = np.full((sz.size, origins), np.nan)
    area = np.full((sz.size, origins), np.nan)
    for i, s in enumerate(sz):
        s = int(s)
        for g in range(origins if m[i] else 1):
            off = tuple(int(s * u) for u in table[g])
            padded[i, g], area[i, g] = _k.box_counts_packed(bits, shape, s, off, nd == 3)
    n_pad = np.nanmin(padded, axis=1)
    n_area = np.nanmin(area, axis=1)
    counts = np.sqrt(n_pad * n_area)
    x = np.log(1.0 / sz[m])
    y = np.log(counts[m])
    d, se, r2, a = _linear_fit(x, y)
    # alternative slopes: each origin's counts on each half of the interleaved ladder,
    # and the fit range shortened at either end
    per_origin = 0.5 * (np.log(padded[m]) + np.log(area[m])).T  # (origins, K_fit)
    alt = [_f.slopes(x[p::2], per_origin[:, p::2]) for p in (0, 1) if x[p::2].size >= 3]
    alt.append(_f.window_slopes(x, y)[:, 0])
    if origins > 1:
        alt.append(_f.slopes(x, per_origin))
    spread = float(_f.spread(np.concatenate(alt))) if sum(np.size(t) for t in alt) >= 2 else 0.0
    edges = 0.5 * abs(float(_f.slopes(x, np.log(n_pad[m]))) - float(_f.slopes(x, np.log(n_area[m]))))
    total = float(np.sqrt(se**2 + spread**2 + edges**2))
    # the drift's systematic part: its spread over the same alternatives
    alt_drift = [_f.window_drifts(x, y)[:, 0], _f.quadratic_drift(x, per_origin)[0]]
    alt_drift += [_f.quadratic_drift(x[p::2], per_origin[:, p::2])[0] for p in (0, 1)]
    drift, dse, curved = _f.curvature(x, y, np.concatenate(alt_drift))
    _warn_curved("the box counts", float(drift[0]), float(dse[0]), bool(curved[0]), rng_, 2)
    return FractalFit(
        d, total, r2, a, sz, counts, rng_, "box",
        stderr_components={"regression": se, "origins and ladders": spread, "edges": edges},
        curved=bool(curved[0]), slope_drift=float(drift[0]), slope_drift_stderr=float(dse[0]),
    )


# ----------------------------------------------------------------------------- DBC


def dbc_dimension(image, *, sizes=None, fit_range=None, variant="relative", grey_range=None) -> FractalFit:
    """Grey-level fractal dimension by differential box counting (Sarkar–Chaudhuri).

    The image is a surface ``z = image[y, x]`` in a cube of side ``L`` (the shorter
    side, in pixels) whose height ``G`` (``grey_range``) is scaled to ``L``: on each
    ``s x s`` block a column of boxes of height ``h = s G / L`` covers the block's grey
    values with ``n_r`` boxes, and ``N(s) = sum n_r`` over the blocks.

    Parameters
    ----------
    image : (M, N) ndarray
        Grey-level image (bool, integer or float, finite).
    sizes : sequence of int, optional
        Block sizes in pixels (>= 2 for ``'original'``, >= 1 for ``'relative'``).
        Default: powers of two from 2 to half the shorter side (Sarkar–Chaudhuri's
        ``2 <= s <= M/2``). Only complete blocks are counted; the count is scaled by
        (image area) / (covered area).
    fit_range : (float, float), optional
        Smallest and largest size in the fit; default all ``sizes``.
    variant : {'relative', 'original'}, optional
        ``'original'``: Sarkar–Chaudhuri's disjoint ``s x s`` blocks and
        ``n_r = l - k + 1``, with ``l``, ``k`` the indices of the boxes (grid fixed at
        the image minimum) holding the block's maximum and minimum. ``'relative'``
        (default) applies two refinements: (1) a block of ``s`` cells spans ``s + 1``
        samples, sharing its boundary row and column with its neighbours (the surface
        between two sample rows belongs to some block; disjoint blocks miss the jumps
        between them), and (2) ``n_r = floor((max - min) / h) + 1``, the box column
        starting at the block's minimum (shifted DBC), so the count does not depend on
        where the grey-level grid falls. Both reduce DBC's underestimation on rough
        surfaces (figures in the Notes).
    grey_range : float, optional
        ``G``. Default: the image's range, ``max - min`` (``+ 1`` for integer images,
        which have that many levels). Sarkar–Chaudhuri used the dtype's number of
        levels (256 for 8-bit images): pass ``grey_range=256`` to match them or FracLac.

    Returns
    -------
    FractalFit
        ``counts`` is ``N(s)``; the dimension lies between 2 (flat) and 3.

    Notes
    -----
    Kernels: :func:`~infopix._kernels.fractal.block_reduce` (max and min pyramids) and
    :func:`~infopix._kernels.fractal.dbc_counts`. 2-D only: the grey-level "surface"
    of a volume would be a 3-D hypersurface in 4-D, which this method does not count
    (volumes: threshold them for :func:`box_counting_dimension`, or take them as a
    measure for :func:`generalized_dimensions`).

    Bias. DBC underestimates the dimension of rough surfaces: the range of the
    ``(s+1)**2`` samples of a block grows faster than ``s**H`` at small ``s`` (a discrete
    maximum misses the continuous supremum), and the ``+1`` box weighs most where the
    block range is small. Measured on fractional Brownian surfaces
    (:func:`infopix.fractal.synthetic.fbm_surface`, 256 x 256, seeds 0-7, default
    sizes 2..128), mean estimate minus ``3 - H`` (seed-to-seed s.d. about 0.03):

    =====  ==========  ==========
    H      relative    original
    =====  ==========  ==========
    0.3    -0.23       -0.34
    0.5    -0.13       -0.25
    0.7    -0.03       -0.14
    =====  ==========  ==========

    At 512 x 512 (sizes 2..256): -0.20, -0.12, -0.03 (relative) and -0.31, -0.22,
    -0.13 (original). The estimate still increases with ``3 - H``, so it ranks
    roughness correctly; for ``H < 0.6`` it is not within 0.1 of ``3 - H`` at these
    image sizes (the bias shrinks only slowly, roughly like ``s**-H``, with size).

    Error. ``stderr`` (the regression's residual error and the spread over windows of
    the fit range, about 0.03 on these surfaces) does not contain this bias: it is the
    method's, not the fit's. Its sign is visible, though: the local slope is lower at
    small sizes, and on most of these surfaces the curvature test fires (``curved``,
    with a :class:`FractalWarning`); a flat plane is not curved.

    References
    ----------
    .. [1] N. Sarkar, B. B. Chaudhuri, "An efficient differential box-counting approach
       to compute fractal dimension of image", IEEE Trans. SMC 24 (1994) 115–120,
       doi:10.1109/21.259692.

    Examples
    --------
    >>> import infopix
    >>> plane = np.add.outer(np.arange(64.0), np.arange(64.0))  # a tilted plane
    >>> fit = infopix.dbc_dimension(plane)
    >>> round(fit.dimension, 6), fit.fit_range
    (2.0, (2, 32))
    """
    if np.ndim(image) == 3 and not isinstance(image, (str, bytes)):
        raise ValueError(
            f"`image` expects a 2-D grey image for differential box counting, got a 3-D array "
            f"of shape {np.shape(image)}; for a volume use box_counting_dimension(volume, "
            f"threshold=T) or generalized_dimensions(volume)."
        )
    arr = v.check_image(image)
    v.check_finite_or_masked(arr, None)
    variant = v.check_choice(variant, ("relative", "original"), name="variant")
    z = np.ascontiguousarray(arr, dtype=np.float64)
    lo = float(z.min())
    z = z - lo
    if grey_range is None:
        g = float(z.max()) + (1.0 if arr.dtype.kind in "biu" else 0.0)
        if g == 0.0:
            g = 1.0  # a constant float image: every block needs one box
    else:
        g = v.check_sigma(grey_range, name="grey_range")
        if g == 0:
            raise ValueError(f"`grey_range` expects a positive number, got {grey_range!r}.")
    M, N = z.shape
    L = min(M, N)
    if sizes is None:
        sz = 2 ** np.arange(1, int(np.log2(L)))
        if sz.size < 3:
            raise ValueError(
                f"`image` of shape {z.shape} is too small for DBC: fewer than 3 power-of-two "
                f"block sizes between 2 and half its shorter side {L}."
            )
        sz = sz.astype(np.int64)
    else:
        sz = _check_sizes(sizes, z.shape, smallest=1 if variant == "relative" else 2)
        if variant == "relative" and sz[-1] > L - 1:
            raise ValueError(
                f"`sizes` expects block sizes no larger than {L - 1} for variant 'relative' "
                f"(a block of s cells spans s + 1 pixels; shorter side {L}), got {sz[-1]}."
            )
    rng_, m = _check_fit_range(fit_range, sz)
    if variant == "relative":
        # cell (i, j) of size 1 spans the samples [i, i+1] x [j, j+1]; a block of s cells
        # spans s + 1 samples, sharing its boundary row/column with its neighbours, and
        # the disjoint reduction of these cells gives exactly those blocks.
        base_hi, base_lo = _k.cell_extremes(z)
    else:
        base_hi = base_lo = z
    cm, cn = base_hi.shape
    vmax_levels = dict(_levels(base_hi, sz, _k.OP_MAX, -np.inf))
    counts = np.empty(sz.size)
    for i, (s, vmin) in enumerate(_levels(base_lo, sz, _k.OP_MIN, np.inf)):
        nr, nc = cm // s, cn // s
        h = s * g / L
        total = _k.dbc_counts(vmax_levels[s], vmin, h, variant == "relative", nr, nc)
        counts[i] = total * (cm * cn) / (nr * nc * s * s)
    fit = _fit_with_systematics(np.log(1.0 / sz[m]), np.log(counts[m]), rng_, "the DBC counts")
    return FractalFit(sizes=sz, counts=counts, fit_range=rng_, method="dbc", **fit)

