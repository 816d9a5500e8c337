"""Local (sliding-window) and block information maps: notebook §5-§7, SPEC §3.

The r-box at pixel (x, y) is ``B_r(x, y) = [x-r, x+r] x [y-r, y+r]``. Three edge
policies decide what the box holds near the image's edges (the same definitions are
used by every function here):

``'clip'`` (default, the notebook's ``box``)
    The box is cut at the image's edges: ``image[max(0, x-r):x+r+1, max(0, y-r):y+r+1]``.
    Windows near the edges hold fewer pixels.
``'reflect'``
    The image is extended by mirror reflection *including* the edge pixel
    (``d c b a | a b c d | d c b a``), i.e. ``numpy.pad(image, r, mode='symmetric')``
    = ``scipy.ndimage`` mode ``'reflect'``. For r larger than the image the
    reflection repeats with period 2M (index ``i -> m = i mod 2M; m if m < M else
    2M - 1 - m``). Every window holds (2r+1)^2 pixels, with repeats.
``'wrap'``
    Periodic extension, ``numpy.pad(image, r, mode='wrap')`` (index ``i -> i mod M``),
    for any r. Every window holds (2r+1)^2 pixels; a pixel may appear several times
    when 2r+1 exceeds the image's size.

Volumes: every function here takes a (Z, Y, X) volume as well as an (M, N) image (a
3-D array is always a volume: local maps have no colour, reduce it first with
:func:`infopix.select_channel`; an array whose last axis is 3 or 4 long, the shape of a
colour image, is read as a volume with a warning that says so). The window is then the cubic (2r+1)^3 box, cut or
extended by the same policy along each axis independently. ``radius`` is an int (the
same along every axis), a tuple with one radius per axis (``(ry, rx)``, ``(rz, ry,
rx)``: anisotropic voxels, or ``(0, r, r)`` for slice-by-slice maps), or a *list* of
either for several maps, stacked along a new first axis.

Chunked (Dask) evaluation: :func:`local_entropy`, :func:`local_expected`,
:func:`local_mean` and :func:`local_std` accept a :class:`dask.array.Array` and are
then computed chunk by chunk by :func:`infopix._dask.map_local_dask` (its module
docstring says how each edge policy is kept exact at the true image border).

Entropy-like maps bin pixel values exactly as :func:`infopix.intensity_counts` does for
the whole image (one bin per level of integer dtypes: K = 256 for uint8, 65536 for
uint16, 2 for bool; float images, or any image with ``bins``/``range``: ``bins`` (256)
equal bins over ``range`` (default: the *whole image's* [min, max])), once, then slide a
window over the bin codes. So ``local_entropy(img, r)`` equals
``mapbox(img, r, lambda w: intensity_entropy(w, bins=..., range=(lo, hi)))`` with the
image's global range (not each window's own range); for a volume, with
``channel=None``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from . import _validation as v
from ._binning import binning_for, code_dtype
from ._dask import dispatch_dask, is_dask_array
from ._kernels import local as _k

__all__ = [
    "EDGES",
    "block_entropy_map",
    "local_code_entropy",
    "local_entropy",
    "local_expected",
    "local_mean",
    "local_std",
    "mapblocks",
    "mapbox",
    "plot_map",
]

#: Accepted edge policies (see the module docstring for their exact definitions).
EDGES = ("clip", "reflect", "wrap")

#: numpy.pad mode equal to each padded policy.
NUMPY_PAD_MODE = {"reflect": "symmetric", "wrap": "wrap"}


# --------------------------------------------------------------------------- helpers
def _radii(radius, ndim: int) -> tuple[list[tuple[int, ...]], bool]:
    """(list of per-axis radius tuples, whether several maps were asked for)."""
    return v.check_radii(radius, ndim)


def _image(image) -> np.ndarray:
    """A 2-D image or a (Z, Y, X) volume (local maps have no colour: reduce it first)."""
    arr = v.check_image(image, ndim=(2, 3))
    v.check_finite_or_masked(arr, None)
    return arr


def _pad(arr: np.ndarray, rad, edge: str) -> np.ndarray:
    """Pad by ``rad[k]`` on both sides of axis k: zeros (clip) or numpy's symmetric /
    wrap modes."""
    widths = [(r, r) for r in rad]
    if edge == "clip":
        return np.pad(arr, widths)
    return np.pad(arr, widths, mode=NUMPY_PAD_MODE[edge])


def _as3d(arr: np.ndarray) -> np.ndarray:
    """The kernels' (Z, Y, X) view: a 2-D image is one plane."""
    return arr.reshape((1,) * (3 - arr.ndim) + arr.shape)


def _rad3(rad) -> tuple[int, int, int]:
    return tuple(int(r) for r in (0,) * (3 - len(rad)) + tuple(rad))


def _nstrips(lines: int) -> int:
    """Strips of output lines (rows of every plane) for ``prange``: a few per thread."""
    import numba

    return max(1, min(lines, 4 * numba.get_num_threads()))


def _stack(maps: list[np.ndarray], many: bool) -> np.ndarray:
    return np.stack(maps) if many else maps[0]


# -------------------------------------------------------------------- generic maps
def mapbox(image, radius, f: Callable, *, edge: str = "clip") -> np.ndarray:
    """Apply ``f`` to the r-box around every pixel (voxel): the generic (slow) local map.

    The notebook's ``mapbox(r, f, a)`` (§6), with the image first. ``f`` is called once
    per pixel, in Python: this is the reference the fast maps are tested against.

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray
        Bool, integer or float image, or volume (no NaN or inf).
    radius : int, tuple of int or list
        Window radius r >= 0 (the window is the (2r+1) x (2r+1) box, (2r+1)^3 for a
        volume); a tuple gives one radius per axis (``(ry, rx)``, ``(rz, ry, rx)``);
        a list of either gives one map per radius (the notebook's ``mapboxes``),
        stacked.
    f : callable
        ``f(window) -> float`` where ``window`` is an array of the image's dtype and
        number of axes.
    edge : {'clip', 'reflect', 'wrap'}, optional
        Edge policy (module docstring): ``'clip'`` is the notebook's ``box``;
        ``'reflect'`` pads like ``numpy.pad(mode='symmetric')``; ``'wrap'`` is periodic.

    Returns
    -------
    out : ndarray of float64 of the image's shape, or (len(radius), ...) for a list

    Examples
    --------
    >>> import numpy as np, infopix
    >>> img = np.arange(6).reshape(2, 3)
    >>> infopix.mapbox(img, 1, np.max)
    array([[4., 5., 5.],
           [4., 5., 5.]])
    >>> infopix.mapbox(img, [0, 1], np.size, edge="wrap")[:, 0, 0]
    array([1., 9.])
    >>> infopix.mapbox(np.zeros((4, 5, 6)), (0, 1, 2), np.size)[2, 2, 2]   # 1 x 3 x 5 box
    np.float64(15.0)
    """
    arr = v.check_image(image, ndim=(2, 3))
    rs, many = _radii(radius, arr.ndim)
    v.check_choice(edge, EDGES, name="edge")
    if not callable(f):
        raise TypeError(f"`f` expects a callable f(window) -> float, got {f!r}.")
    maps = []
    for rad in rs:
        out = np.empty(arr.shape, dtype=np.float64)
        if edge == "clip":
            for idx in np.ndindex(arr.shape):
                box = tuple(slice(max(0, c - r), c + r + 1) for c, r in zip(idx, rad))
                out[idx] = _scalar(f(arr[box]))
        else:
            p = np.pad(arr, [(r, r) for r in rad], mode=NUMPY_PAD_MODE[edge])
            for idx in np.ndindex(arr.shape):
                out[idx] = _scalar(f(p[tuple(slice(c, c + 2 * r + 1) for c, r in zip(idx, rad))]))
        maps.append(out)
    return _stack(maps, many)


def _scalar(x) -> float:
    a = np.asarray(x)
    if a.size != 1:
        raise ValueError(f"`f` must return one number per window, got an array of shape {a.shape}.")
    return float(a.reshape(()))


def _split_edges(length: int, parts: int) -> np.ndarray:
    """Start/stop indices of ``np.array_split(range(length), parts)`` (parts + 1 of them)."""
    q, rem = divmod(length, parts)
    sizes = np.full(parts, q, dtype=np.int64)
    sizes[:rem] += 1
    return np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)


def _check_blocks(arr: np.ndarray, h, w, d) -> tuple[int, ...]:
    """Numbers of blocks along each axis: (h, w) for an image, (d, h, w) for a volume."""
    hh = v.check_positive_int(h, name="h")
    ww = v.check_positive_int(w, name="w")
    if arr.ndim == 2:
        if d is not None:
            raise ValueError(f"`d` (blocks along Z) applies to (Z, M, N) volumes; `image` is 2-D of shape {arr.shape}, got d={d!r}.")
        nb = (hh, ww)
    else:
        if d is None:
            raise ValueError(
                f"`image` is a (Z, M, N) volume of shape {arr.shape}: pass `d`, the number "
                f"of blocks along Z (d=1 for blocks through the whole depth)."
            )
        nb = (v.check_positive_int(d, name="d"), hh, ww)
    if any(b > s for b, s in zip(nb, arr.shape)):
        names = ("d", "h", "w")[-arr.ndim :]
        raise ValueError(
            f"`{'` x `'.join(names)}` blocks ({' x '.join(map(str, nb))}) do not fit an array "
            f"of shape {arr.shape}: every block needs at least one pixel "
            f"({', '.join(f'{n} <= {s}' for n, s in zip(names, arr.shape))})."
        )
    return nb


def mapblocks(image, h, w, f: Callable, *, d=None) -> np.ndarray:
    """Apply ``f`` to each of h x w disjoint blocks: the notebook's ``mapblocks`` (§6).

    The image is cut into ``h`` rows of blocks by ``np.array_split`` along axis 0, and
    each row into ``w`` blocks along axis 1; block sizes differ by at most one pixel
    (the first ``M % h`` block rows are one pixel taller, likewise for columns). A
    volume is first cut into ``d`` slabs along Z the same way.

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray
    h, w : int
        Numbers of blocks down and across, ``1 <= h <= M``, ``1 <= w <= N`` (so no block
        is empty).
    f : callable
        ``f(block) -> float``.
    d : int, optional
        Volumes only (and needed for them): number of blocks along Z, ``1 <= d <= Z``.

    Returns
    -------
    out : (h, w) or (d, h, w) ndarray of float64

    Examples
    --------
    >>> import numpy as np, infopix
    >>> infopix.mapblocks(np.arange(20).reshape(4, 5), 2, 2, np.size)
    array([[6., 4.],
           [6., 4.]])
    >>> infopix.mapblocks(np.zeros((3, 4, 5)), 2, 2, np.size, d=2)[:, 0, 0]   # 2 and 1 planes
    array([12.,  6.])
    """
    arr = v.check_image(image, ndim=(2, 3))
    nb = _check_blocks(arr, h, w, d)
    if not callable(f):
        raise TypeError(f"`f` expects a callable f(block) -> float, got {f!r}.")

    def split(a, axis):
        if axis == arr.ndim:
            return _scalar(f(a))
        return [split(b, axis + 1) for b in np.array_split(a, nb[axis], axis=axis)]

    return np.array(split(arr, 0), dtype=np.float64).reshape(nb)


# ------------------------------------------------------------------- bin codes
def _codes(arr: np.ndarray, bins, range_) -> tuple[np.ndarray, int]:
    """Integer bin codes in [0, K) and K, binning as ``intensity_counts``.

    :meth:`infopix._binning.Binning.codes`: uint8 and uint16 images are their own codes
    (no copy); other images get C-contiguous codes of the smallest unsigned type that
    holds K - 1 (uint8 for 256 bins), so the walk reads as few bytes as possible.
    """
    b = binning_for(arr, bins, range_)
    return b.codes(arr), int(b.n_outcomes)


def _no_table():
    return np.zeros(1), np.zeros(1, dtype=np.int64)


#: Largest window (pixels, with repeats) for 'reflect'/'wrap': tables and counts grow with it.
_MAX_WINDOW = 10_000_000


def _effective_radius(rad, shape, edge: str) -> tuple[int, ...]:
    """Per-axis radii giving the same windows with less padding.

    With 'clip', any r >= L - 1 along an axis of length L takes the whole axis at every
    pixel, so r is capped there (identical results, bounded memory). 'reflect' and
    'wrap' windows keep growing with r (pixels repeat), up to :data:`_MAX_WINDOW`
    pixels.
    """
    if edge == "clip":
        return tuple(min(r, n - 1) for r, n in zip(rad, shape))
    size = math.prod(2 * r + 1 for r in rad)
    if size > _MAX_WINDOW:
        raise ValueError(
            f"`radius` {rad[0] if len(set(rad)) == 1 else rad} gives windows of {size} pixels "
            f"with edge={edge!r} (pixels repeat beyond the image); at most {_MAX_WINDOW} are "
            f"supported. Use edge='clip' (any radius) or a smaller radius."
        )
    return tuple(rad)


def _run_histogram_map(codes, rs, edge, K, measure, est=None, a=1.0, table_f=None, scale_out=1.0, std=False, nhist=None):
    """One map per radius tuple of ``rs`` (codes 2-D or 3-D). ``measure`` is a kernel
    measure, or ``_k.ESTIMATOR`` with ``est`` a registered estimator: plug-in Shannon
    takes the plug-in walk, estimators that are linear forms of the profile the same
    walk with their own table, the others (and Rényi orders, tabulated functions) the
    count-profile walk with the estimator's kernel; with ``std``, the count-profile
    walk with the estimator's ``std_kernel``. ``nhist`` (default K) sizes the
    histogram: every code is below it, and K, the number of possible outcomes, may be
    far larger (:func:`local_code_entropy`)."""
    nhist = K if nhist is None else nhist
    maps = []
    for rad in rs:
        rad = _effective_radius(rad, codes.shape, edge)
        wmax = math.prod(2 * r + 1 for r in rad)
        if edge == "clip":  # the kernel cuts windows at the image edges itself
            A, pad = codes, (0, 0, 0)
        else:
            A, pad = np.pad(codes, [(r, r) for r in rad], mode=NUMPY_PAD_MODE[edge]), _rad3(rad)
        A = _as3d(A)
        r3 = _rad3(rad)
        out = np.empty(codes.shape, dtype=np.float64)
        out3 = _as3d(out)
        nstrips = _nstrips(out3.shape[0] * out3.shape[1])
        if measure == _k.SHANNON:
            T, t, scale = _k.fixed_point_clogc(wmax)
            _k._sum_map(A, r3, pad, nhist, T, t, 1.0 / scale, None, float(scale_out), nstrips, out3)
        elif measure == _k.ESTIMATOR and est.tables is not None and not std:
            T, coef, scale = _linear_tables(est, wmax, K, a)
            t = np.zeros(wmax + 1, dtype=np.int64)  # the plug-in table is not read
            _k._sum_map(A, r3, pad, nhist, T, t, 1.0 / scale, coef, float(scale_out), nstrips, out3)
        elif (measure == _k.ESTIMATOR and est.term is not None and not std and (wmax + 1) ** 3 < 2**63
              and codes.ndim == 2 and rad[0] == rad[1]):  # the keyed walk is 2-D, isotropic
            pool = max(1, min(_KEYED_POOL_ROWS, _KEYED_POOL_VALUES // (wmax + 1)))
            slots = 1 << (2 * pool - 1).bit_length()
            term = _k_est().first_class(est.term, _k_est().TERM_SIGNATURE)
            keykind = {"singletons": 0, "squares": 1}[est.term_key]
            _k._keyed_map(A[0], pad[2], rad[1], nhist, K, float(a), term, keykind, slots, pool,
                          float(scale_out), nstrips, out)
        else:
            T, t, scale = _k.fixed_point_clogc(wmax)
            if table_f is not None:
                table, offsets = _expectation_table(table_f, _window_sizes(codes.shape, rad, edge))
            else:
                table, offsets = _no_table()
            profile = measure not in (_k.SHANNON, _k.LAURENT)  # Q, cmax and the count profile needed
            # NSB's table is built for one window size: the full (2r+1)^2 (edges with
            # clip fall back to the estimator's adaptive path, same value to ~1e-13)
            etable, efunc = _estimator_kernel(measure, est, wmax, K)
            if std:
                etable, efunc = _DUMMY_ETABLE, _k_est().first_class(est.std_kernel)
            # remember values per profile for costly kernels, in windows small enough
            # to repeat their profiles
            use_memo = measure == _k.ESTIMATOR and est.memo and wmax <= _MEMO_MAX_WINDOW
            memo = _MEMO_SLOTS if use_memo else 1
            R = _memo_hashes(wmax) if use_memo else np.zeros((2, 1), dtype=np.uint64)
            _k._histogram_map(
                A, r3, pad, nhist, K, measure, float(a), T, t, 1.0 / scale, float(scale_out), table, offsets,
                etable, efunc, profile, R, memo, nstrips, out3,
            )
        maps.append(out)
    return maps


def _k_est():
    from ._kernels import estimators

    return estimators


#: Slots of the per-strip table remembering estimator values per count profile
#: (2**14: 384 kB per strip).
_MEMO_SLOTS = 1 << 14
#: Largest window (pixels) whose values are remembered per count profile.
_MEMO_MAX_WINDOW = 4096


#: Rows of terms the keyed walk remembers per strip (one per (window size, key) met),
#: and the most values they may hold (2**19: 4 MB per strip).
_KEYED_POOL_ROWS = 8192
_KEYED_POOL_VALUES = 1 << 19


def _memo_hashes(wmax: int) -> np.ndarray:
    """(2, wmax + 2) uint64 random keys for hashing count profiles (fixed seed)."""
    return np.random.default_rng(0x1F0C0DE).integers(0, 2**64, size=(2, wmax + 2), dtype=np.uint64, endpoint=False)


def _linear_tables(est, wmax: int, K: int, a: float):
    """(T, coef, scale) for :func:`infopix._kernels.local._sum_map`: the increments
    of the fixed-point table round(phi(c) * scale), c = 0..wmax, and the coefficients
    per window size. ``scale`` is a power of two keeping every window's sum below
    2**61: |sum over codes of phi(count)| <= n max_c |phi(c)| / c."""
    phi, coef = est.tables(int(wmax), int(K), float(a))
    c = np.arange(1, wmax + 1)
    bound = float(wmax) * float(np.max(np.abs(phi[1:]) / c)) if wmax else 0.0
    shift = min(60, 61 - math.ceil(math.log2(bound + 1.0)))
    scale = float(2.0**shift)
    t = np.round(phi * scale).astype(np.int64)
    T = np.zeros(wmax + 1, dtype=np.int64)
    T[:-1] = np.diff(t)
    return T, np.ascontiguousarray(coef), scale


def _window_sizes(shape, rad, edge: str) -> np.ndarray:
    """The distinct numbers of pixels a window holds, for the given policy."""
    if edge != "clip":
        return np.array([math.prod(2 * r + 1 for r in rad)])
    sizes = np.array([1])
    for length, r in zip(shape, rad):
        i = np.arange(length)
        along = np.unique(np.minimum(i + r, length - 1) - np.maximum(i - r, 0) + 1)
        sizes = np.unique(np.multiply.outer(sizes, along))
    return sizes


_TABLE_LIMIT = 50_000_000


def _expectation_table(f: Callable, ns: np.ndarray):
    """Ragged table of ``(c/n) f(c/n)`` for c = 0..n, for each window size n in ``ns``."""
    from .entropy import _apply_f

    total = int(np.sum(ns + 1))
    if total > _TABLE_LIMIT:
        raise ValueError(
            f"a callable `f` needs a table of {total} values of f(p) for this radius; use "
            f"f='surprisal'|'laurent'|'taylor' or infopix.mapbox for such large windows."
        )
    offsets = np.full(int(ns.max()) + 1, -1, dtype=np.int64)
    table = np.zeros(total)
    pos = 0
    for n in ns.tolist():
        offsets[n] = pos
        p = np.arange(1, n + 1) / n
        table[pos + 1 : pos + n + 1] = p * _apply_f(f, p)
        pos += n + 1
    return table, offsets


def _entropy_measure(alpha, estimator, options):
    """(measure, estimator or None, a) for the kernels."""
    a = v.check_alpha(alpha)
    if estimator == "plugin" and not options:
        return (_k.SHANNON, None, 1.0) if a == 1 else (_k.RENYI, None, a)
    from .estimators import resolve_estimator

    est = resolve_estimator(estimator)
    if a != 1:
        raise ValueError(
            f"`alpha` other than 1 is only available with estimator='plugin', got "
            f"alpha={alpha!r} with estimator={estimator!r}."
        )
    return _k.ESTIMATOR, est, est.profile_a(**options)


def _estimator_kernel(measure: int, est, n: int, K: int):
    """(table, first-class kernel) for the count-profile walk: the estimator's kernel
    and its precomputed table for windows of n pixels; the plug-in kernel (Rényi
    orders) otherwise, with a dummy table."""
    from .estimators import resolve_estimator

    if measure != _k.ESTIMATOR:
        return _DUMMY_ETABLE, resolve_estimator("plugin").function()
    if est.table is None:
        return _DUMMY_ETABLE, est.function()
    return np.ascontiguousarray(est.table(int(n), int(K))), est.function()


_DUMMY_ETABLE = np.zeros((1, 1))


# ------------------------------------------------------------------- fast maps
def _in_memory_std(func):
    """Refuse ``return_std=True`` for Dask arrays (chunked maps return one array)."""
    import functools

    @functools.wraps(func)
    def wrapper(image, *args, **kwargs):
        if kwargs.get("return_std") and is_dask_array(image):
            raise ValueError("`return_std` is not available for Dask arrays; compute the map in memory.")
        return func(image, *args, **kwargs)

    return wrapper


@_in_memory_std
@dispatch_dask
def local_entropy(
    image, radius, *, alpha=1, base=2, estimator="plugin", edge="clip", bins=None, range=None,
    return_std=False, **options
):
    """Entropy of the intensity distribution in the r-box around every pixel.

    Equals ``mapbox(image, radius, lambda w: intensity_entropy(w, alpha=alpha,
    base=base, estimator=estimator, bins=..., range=...), edge=edge)`` (to ~1e-15, see
    Notes), computed by a compiled moving histogram.

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray
        Bool, integer (any bit depth) or float image or volume; no NaN or inf.
    radius : int, tuple of int or list
        Window radius r (window (2r+1)^2, (2r+1)^3 for a volume); a tuple gives one
        radius per axis (``(rz, ry, rx)``); a list of either gives stacked maps.
    alpha : float, optional
        Rényi order (1: Shannon, 0: Hartley, 2: collision, ``np.inf``: min-entropy, any
        other order >= 0). Orders other than 1 need ``estimator='plugin'``.
    base : float, optional
        Logarithm base: 2 (bits, default), ``np.e`` (nats).
    estimator : str, optional
        ``'plugin'`` or any name of :data:`infopix.estimators.ESTIMATORS`. K, the
        number of possible outcomes, is the number of bins (256 for uint8, 65536 for
        uint16, 2 for bool, ``bins``).
    edge : {'clip', 'reflect', 'wrap'}, optional
        Edge policy; see the module docstring.
    bins : int or Binning, optional
        Number of bins for float images (default 256) or to bin integer images; or a
        resolved binning (e.g. ``intensity_counts(image).binning``). As in
        :func:`infopix.intensity_counts` (one rule, :mod:`infopix._binning`).
    range : (float, float), optional
        Binning range, default the whole image's [min, max] for float images (the
        dtype's range for 8/16-bit integer images with ``bins``).
    return_std : bool, optional
        Also return the per-pixel posterior standard deviation of the estimate (units
        of ``base``), for the estimators that have one (``'wolpert_wolf'``,
        ``'nsb'``, ``'ansb'``: those with ``ESTIMATORS[name].std_kernel``). Each
        window's std is that of ``entropy_from_counts`` on its counts: it treats the
        window's pixels as independent draws. Not available for Dask arrays.
    **options
        Estimator options (e.g. ``a=`` for ``'pseudocount'``/``'wolpert_wolf'``),
        turned into the compiled estimator's scalar by ``Estimator.profile_a``.

    Returns
    -------
    H : ndarray of float64, the image's shape, or (len(radius), ...) for a list
    H_std : ndarray like ``H``
        Only with ``return_std=True``: ``(H, H_std)`` is returned.

    Raises
    ------
    ValueError
        Bad radius, edge, alpha or base; NaN pixels; unknown estimator;
        ``return_std`` with an estimator that has no posterior std, or with a Dask
        array.
    TypeError
        Complex or non-numeric images; unknown estimator options.

    Notes
    -----
    Kernels: :func:`infopix._kernels.local._sum_map` (plug-in Shannon, and estimators
    that are linear forms of the count profile), ``_keyed_map`` (Chao-Shen, shrinkage;
    2-D images with one radius) and ``_histogram_map`` (the others): one moving
    histogram per strip of rows, ``prange`` over strips, serpentine walk (through the
    planes too for a volume). Each step updates at most 2(2r+1) counts (2(2r+1)^2 in a
    volume; a removed and an added pixel of equal value cancel) and a running sum
    ``sum_c phi(c)`` kept
    in exact integer fixed point (so no rounding drift along the walk and results
    identical for any number of threads): ``phi(c) = c log c`` for plug-in Shannon,
    ``log n - (sum c log c) / n``, so the cost per pixel is O(r) and independent of K
    (sparse uint16 windows are as cheap as uint8 ones). Miller-Madow, pseudocount,
    Wolpert-Wolf, Grassberger, Zhang, Bonachela and 'ansb' track their own ``phi``
    and the number of occupied bins the same way (O(1) per window). Rényi orders 0,
    2, inf are O(1) per window. Chao-Shen and shrinkage are linear in the count
    profile once one integer is fixed (the singletons f1, the sum of squared counts):
    the walk tracks the profile, the set of counts present and that key without
    branches, and sums per-bin terms (``ESTIMATORS[name].term``) remembered per
    (window size, key), O(distinct counts) per window. Other orders and the other
    estimators (NSB, Chao-Wang-Jost) keep the count profile and call the
    estimator's kernel (``ESTIMATORS[name].kernel``) once per distinct profile met in
    a strip (small windows repeat profiles); NSB with its table for n = (2r+1)^2.
    Only the walk and the kernel a call uses are compiled (then cached).
    A constant window has plug-in entropy exactly 0.

    Examples
    --------
    >>> import numpy as np, infopix
    >>> img = np.array([[0, 1, 2, 3]] * 4, dtype=np.uint8)
    >>> H = infopix.local_entropy(img, 1, edge="wrap")   # 3 levels, 3 pixels each
    >>> bool(np.allclose(H, np.log2(3)))
    True
    >>> float(infopix.local_entropy(np.zeros((5, 5), np.uint8), 2).max())
    0.0
    >>> H, S = infopix.local_entropy(img, 1, estimator="wolpert_wolf", return_std=True)
    >>> bool((S > 0).all() and (S < H).all())   # posterior std per pixel, in bits
    True
    >>> vol = np.stack([img, img + 4])                # a (2, 4, 4) volume, 8 levels
    >>> H3 = infopix.local_entropy(vol, (1, 1, 0))    # both planes, one column
    >>> H3.shape, bool(np.allclose(H3, 1.0))          # 2 levels, equally often: 1 bit
    ((2, 4, 4), True)
    """
    _check_return_std(return_std)
    arr = _image(image)
    rs, many = _radii(radius, arr.ndim)
    v.check_choice(edge, EDGES, name="edge")
    b = v.check_base(base)
    measure, est, a = _map_estimator(alpha, estimator, options, return_std)
    codes, K = _codes(arr, bins, range)
    return _entropy_maps(codes, rs, many, edge, K, measure, est, a, b, return_std)


def _check_return_std(return_std):
    if return_std is not False and return_std is not True:
        raise TypeError(f"`return_std` expects True or False, got {return_std!r}.")


def _map_estimator(alpha, estimator, options, return_std):
    """:func:`_entropy_measure`, refusing ``return_std`` for estimators without a std."""
    measure, est, a = _entropy_measure(alpha, estimator, options)
    if return_std and (est is None or est.std_kernel is None):
        from .estimators import ESTIMATORS

        having = [n for n, e in ESTIMATORS.items() if e.std_kernel is not None]
        raise ValueError(
            f"`return_std` needs an estimator with a posterior std ({having}), got "
            f"estimator={estimator!r}."
        )
    return measure, est, a


def _entropy_maps(codes, rs, many, edge, K, measure, est, a, b, return_std, nhist=None):
    """The entropy maps (and with ``return_std`` their posterior stds) of ``codes``."""
    maps = _run_histogram_map(codes, rs, edge, K, measure, est, a, scale_out=float(np.log(b)), nhist=nhist)
    if return_std:
        stds = _run_histogram_map(
            codes, rs, edge, K, measure, est, a, scale_out=float(np.log(b)), std=True, nhist=nhist
        )
        return _stack(maps, many), _stack(stds, many)
    return _stack(maps, many)


#: Largest histogram (codes 0 .. n - 1) :func:`local_code_entropy` builds without asking
#: for dense codes: 2**16, or the number of codes if larger.
_MAX_SPARSE_CODES = 1 << 16


def local_code_entropy(
    codes, radius, n_outcomes, *, alpha=1, base=2, estimator="plugin", edge="clip", return_std=False, **options
):
    """Entropy of precomputed integer codes in the r-box around every position.

    The sliding-window machinery of :func:`local_entropy` applied to outcomes the caller
    has already coded (labels, symbols, ordinal patterns, ...): the window's counts of
    each code go to the estimator with ``n_outcomes`` possible outcomes, which may far
    exceed the number of distinct codes (e.g. the (dx dy)! ordinal patterns of
    :func:`infopix.patterns.local_permutation_entropy`).

    Parameters
    ----------
    codes : (M, N) or (Z, M, N) ndarray of int
        Non-negative integer (or bool) codes; only equality between codes matters. Codes
        up to ``max(65536, codes.size)`` are used as they are; larger ones must be
        relabelled first (``np.unique(codes, return_inverse=True)``).
    radius : int, tuple of int or list
        As in :func:`local_entropy`.
    n_outcomes : int
        K, the number of possible outcomes (``> codes.max()``); the estimators that
        depend on K (NSB, pseudocount, Wolpert-Wolf, ...) are told this K.
    alpha, base, estimator, edge, return_std, **options
        As in :func:`local_entropy` (the edge policies apply to the grid of codes).

    Returns
    -------
    H : (M, N) ndarray of float64, or (len(radius), M, N)
    H_std : ndarray like ``H``
        Only with ``return_std=True``: ``(H, H_std)`` is returned.

    Raises
    ------
    ValueError
        Negative codes; ``n_outcomes`` not above every code; codes too large to count
        without relabelling; the errors of :func:`local_entropy`.
    TypeError
        Non-integer codes or ``n_outcomes``.

    Notes
    -----
    Kernels as :func:`local_entropy` (``_sum_map``, ``_histogram_map``), with a histogram of ``codes.max() + 1`` entries and K =
    ``n_outcomes`` given to the estimator. In memory only (no Dask dispatch).

    Examples
    --------
    >>> import numpy as np, infopix
    >>> codes = np.tile(np.arange(3), (6, 2))        # rows 0 1 2 0 1 2
    >>> H = infopix.local_code_entropy(codes, 1, 24, edge="wrap")   # 3 codes, 3 each
    >>> bool(np.allclose(H, np.log2(3)))
    True
    >>> H = infopix.local_code_entropy(codes, 1, 24, estimator="nsb", edge="wrap")
    >>> bool((H > np.log2(3)).all())            # told K = 24: unseen codes are possible
    True
    """
    _check_return_std(return_std)
    arr = v.check_image(codes, name="codes", ndim=(2, 3), allow_float=False, min_pixels=1,
                        volume_declared=True)
    rs, many = _radii(radius, arr.ndim)
    v.check_choice(edge, EDGES, name="edge")
    b = v.check_base(base)
    K = v.check_positive_int(n_outcomes, name="n_outcomes")
    measure, est, a = _map_estimator(alpha, estimator, options, return_std)
    lo, hi = int(arr.min()), int(arr.max())
    if lo < 0:
        raise ValueError(f"`codes` expects non-negative integers, got a minimum of {lo}.")
    if hi >= K:
        raise ValueError(
            f"`n_outcomes` ({K}) must exceed every code (codes are 0 .. K - 1), got a largest code of {hi}."
        )
    nhist = hi + 1
    if nhist > max(_MAX_SPARSE_CODES, arr.size):
        raise ValueError(
            f"`codes` go up to {hi}, too sparse to count in a histogram of {nhist} entries; relabel "
            f"them 0 .. m - 1 first: np.unique(codes, return_inverse=True)[1].reshape(codes.shape)."
        )
    A = np.ascontiguousarray(arr, dtype=code_dtype(nhist))
    return _entropy_maps(A, rs, many, edge, K, measure, est, a, b, return_std, nhist=nhist)


@dispatch_dask
def local_expected(image, radius, f, *, base=2, edge="clip", bins=None, range=None) -> np.ndarray:
    """Local map of the notebook's expected f: ``sum_v p_v f(p_v)`` in each r-box.

    The windowed :func:`infopix.intensity_expected` (notebook §7.3).

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray
    radius : int, tuple of int or list
        As in :func:`local_entropy`.
    f : {'surprisal', 'laurent', 'taylor'} or callable
        ``'surprisal'`` (-log p, in units of ``base``: the Shannon entropy),
        ``'laurent'`` (-1 + 1/p: occupied levels - 1), ``'taylor'`` (-(1 + p):
        ``-(1 + sum p^2)``), or a callable of probabilities (vectorised or scalar),
        evaluated once on a table of every possible p = c/n (c <= n, n a window size),
        not per pixel.
    base : float, optional
        Logarithm base for ``'surprisal'``.
    edge, bins, range
        As in :func:`local_entropy`.

    Returns
    -------
    E : ndarray of float64, the image's shape, or (len(radius), ...) for a list

    Notes
    -----
    Kernel: :func:`infopix._kernels.local._histogram_map`. Bins with p = 0 contribute
    0 (the notebook's ``if p > 0 else 0``).

    Examples
    --------
    >>> import numpy as np, infopix
    >>> img = np.array([[0, 1], [2, 2]], dtype=np.uint8)
    >>> infopix.local_expected(img, 1, "laurent")   # 3 levels everywhere
    array([[2., 2.],
           [2., 2.]])
    >>> infopix.local_expected(img, 1, "taylor")[0, 0]   # -(1 + 1/16 + 1/16 + 4/16)
    np.float64(-1.375)
    """
    arr = _image(image)
    rs, many = _radii(radius, arr.ndim)
    v.check_choice(edge, EDGES, name="edge")
    b = v.check_base(base)
    codes, K = _codes(arr, bins, range)
    if isinstance(f, str):
        v.check_choice(f, ("surprisal", "laurent", "taylor"), name="f")
        if f == "surprisal":
            maps = _run_histogram_map(codes, rs, edge, K, _k.SHANNON, scale_out=float(np.log(b)))
        else:
            maps = _run_histogram_map(codes, rs, edge, K, _k.LAURENT if f == "laurent" else _k.TAYLOR)
    elif callable(f):
        maps = _run_histogram_map(codes, rs, edge, K, _k.TABLE, table_f=f)
    else:
        raise TypeError(f"`f` expects 'surprisal', 'laurent', 'taylor' or a callable, got {f!r}.")
    return _stack(maps, many)


def _moments(image, radius, edge):
    arr = _image(image)
    rs, many = _radii(radius, arr.ndim)
    v.check_choice(edge, EDGES, name="edge")
    vals0 = arr.astype(np.float64)
    means, stds = [], []
    for rad in rs:
        rad = _effective_radius(rad, arr.shape, edge)
        vals = _as3d(np.ascontiguousarray(_pad(vals0, rad, edge)))
        mean = np.empty(arr.shape)
        std = np.empty(arr.shape)
        m3, s3 = _as3d(mean), _as3d(std)
        _k._box_moments(vals, _rad3(rad), edge == "clip", _nstrips(m3.shape[0] * m3.shape[1]), m3, s3)
        means.append(mean + 0.0)
        stds.append(std)
    return _stack(means, many), _stack(stds, many)


@dispatch_dask
def local_mean(image, radius, *, edge="clip") -> np.ndarray:
    """Mean of the pixel values in the r-box around every pixel.

    Equals ``mapbox(image, radius, np.mean, edge=edge)`` (to ~1e-15 relative).

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray
    radius : int, tuple of int or list
        As in :func:`local_entropy`.
    edge : {'clip', 'reflect', 'wrap'}, optional

    Returns
    -------
    mean : ndarray of float64, the image's shape, or (len(radius), ...) for a list

    Notes
    -----
    Kernel: :func:`infopix._kernels.local._box_moments`: sliding column and row sums in
    double-double arithmetic, O(1) per pixel for any r (O(rz) per voxel in a volume). Window sums of integer images
    (up to 2**106) are exact, so the only rounding is the final division; float images
    get sums with ~1e-32 relative error.

    Examples
    --------
    >>> import numpy as np, infopix
    >>> infopix.local_mean(np.array([[0, 2], [4, 6]]), 1)
    array([[3., 3.],
           [3., 3.]])
    """
    return _moments(image, radius, edge)[0]


@dispatch_dask
def local_std(image, radius, *, edge="clip") -> np.ndarray:
    """Standard deviation (ddof=0) of the pixel values in the r-box around every pixel.

    Equals ``mapbox(image, radius, np.std, edge=edge)`` (to ~1e-13 relative), the
    notebook's §7.1 map.

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray
    radius : int, tuple of int or list
        As in :func:`local_entropy`.
    edge : {'clip', 'reflect', 'wrap'}, optional

    Returns
    -------
    std : ndarray of float64, the image's shape, or (len(radius), ...) for a list

    Notes
    -----
    Kernel: :func:`infopix._kernels.local._box_moments`. ``n^2 var = n sum x^2 -
    (sum x)^2`` is formed in double-double arithmetic, exactly for integer images, so
    it suffers none of the cancellation of the one-pass formula in float64.

    Examples
    --------
    >>> import numpy as np, infopix
    >>> infopix.local_std(np.array([[0, 2], [4, 6]]), 1)[0, 0]   # std of 0, 2, 4, 6
    np.float64(2.23606797749979)
    """
    return _moments(image, radius, edge)[1]


def block_entropy_map(
    image, h, w, *, d=None, alpha=1, base=2, estimator="plugin", bins=None, range=None, **options
) -> np.ndarray:
    """Entropy of the intensity distribution of each of h x w (x d) disjoint blocks.

    Equals ``mapblocks(image, h, w, lambda b: intensity_entropy(b, ..., channel=None),
    d=d)`` (notebook §7.4), with ``np.array_split`` blocks, computed by one compiled
    pass.

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray
    h, w : int
        Blocks down and across (``1 <= h <= M``, ``1 <= w <= N``).
    d : int, optional
        Volumes only (and needed for them): blocks along Z, ``1 <= d <= Z``.
    alpha, base, estimator, bins, range, **options
        As in :func:`local_entropy`; float images are binned once over the whole
        image's range.

    Returns
    -------
    H : (h, w) or (d, h, w) ndarray of float64

    Notes
    -----
    Kernel: :func:`infopix._kernels.local._block_map` (``prange`` over block rows).

    Examples
    --------
    >>> import numpy as np, infopix
    >>> img = np.kron(np.arange(4, dtype=np.uint8).reshape(2, 2), np.ones((2, 2), np.uint8))
    >>> infopix.block_entropy_map(img, 1, 2)   # each half: two levels, equally often
    array([[1., 1.]])
    >>> infopix.block_entropy_map(np.stack([img, img + 4]), 1, 1, d=1)   # 8 levels
    array([[[3.]]])
    """
    arr = _image(image)
    nb = _check_blocks(arr, h, w, d)
    b = v.check_base(base)
    measure, est, a = _entropy_measure(alpha, estimator, options)
    codes, K = _codes(arr, bins, range)
    nb3 = (1,) * (3 - arr.ndim) + nb
    edges = [_split_edges(n, k) for n, k in zip(_as3d(codes).shape, nb3)]
    wmax = int(math.prod(int(e[1] - e[0]) for e in edges))
    T, t, scale = _k.fixed_point_clogc(wmax)
    table, offsets = _no_table()
    out = np.empty(nb)
    profile = measure not in (_k.SHANNON, _k.LAURENT)
    etable, efunc = _estimator_kernel(measure, est, wmax, K)  # NSB: for the largest blocks
    _k._block_map(
        _as3d(codes), *edges, K, measure, float(a), T, t, 1.0 / scale, float(np.log(b)),
        table, offsets, etable, efunc, profile, _as3d(out),
    )
    return out


# ------------------------------------------------------------------------ figures
def plot_map(map, ax=None, *, title=None, cmap="inferno", label=None, image_shape=None):
    """Show a local or block map with a colour bar; return the axis.

    Parameters
    ----------
    map : (M, N) ndarray
        A map from :func:`local_entropy`, :func:`mapbox`, :func:`block_entropy_map`, ...
    ax : matplotlib.axes.Axes, optional
        Axis to draw on; a new figure is created if None.
    title : str, optional
    cmap : str, optional
        Colour map (the notebook's ``'inferno'`` by default).
    label : str, optional
        Colour bar label (e.g. ``'bits'``).
    image_shape : (int, int), optional
        For block maps: stretch the (h, w) map over an image of this shape, as the
        notebook's ``aspect=np.divide(*np.shape(img))``.

    Returns
    -------
    ax : matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    arr = np.asarray(map, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"`map` expects a 2-D array, got shape {arr.shape}.")
    if ax is None:
        _, ax = plt.subplots()
    extent = None
    if image_shape is not None:
        rows, cols = (int(s) for s in image_shape)
        extent = (-0.5, cols - 0.5, rows - 0.5, -0.5)
    im = ax.imshow(arr, cmap=cmap, extent=extent, interpolation="nearest")
    cb = ax.figure.colorbar(im, ax=ax)
    if label:
        cb.set_label(label)
    if title:
        ax.set_title(title)
    return ax
