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
image's global range (not each window's own range).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

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
def _radii(radius) -> tuple[list[int], bool]:
    """(list of radii, whether a sequence was given)."""
    if isinstance(radius, np.ndarray) and radius.ndim == 0:
        radius = radius.item()
    if isinstance(radius, (Sequence, np.ndarray)) and not isinstance(radius, (str, bytes)):
        rs = list(np.asarray(radius).ravel().tolist()) if isinstance(radius, np.ndarray) else list(radius)
        if not rs:
            raise ValueError("`radius` expects a non-negative integer or a non-empty sequence of them, got an empty sequence.")
        return [v.check_radius(r) for r in rs], True
    return [v.check_radius(radius)], False


def _image2d(image) -> np.ndarray:
    arr = v.check_image(image)
    v.check_finite_or_masked(arr, None)
    return arr


def _pad(arr: np.ndarray, r: int, edge: str, fill) -> np.ndarray:
    """Pad by r on every side: ``fill`` (clip) or numpy's symmetric / wrap modes."""
    if edge == "clip":
        out = np.full((arr.shape[0] + 2 * r, arr.shape[1] + 2 * r), fill, dtype=arr.dtype)
        out[r : r + arr.shape[0], r : r + arr.shape[1]] = arr
        return out
    return np.pad(arr, r, mode=NUMPY_PAD_MODE[edge])


def _nstrips(m: int) -> int:
    import numba

    return max(1, min(m, 4 * numba.get_num_threads()))


def _stack(maps: list[np.ndarray], many: bool) -> np.ndarray:
    return np.stack(maps) if many else maps[0]


# -------------------------------------------------------------------- generic maps
def mapbox(image, radius, f: Callable, *, edge: str = "clip") -> np.ndarray:
    """Apply ``f`` to the r-box around every pixel: the generic (slow) local map.

    The notebook's ``mapbox(r, f, a)`` (§6), with the image first. ``f`` is called once
    per pixel, in Python: this is the reference the fast maps are tested against.

    Parameters
    ----------
    image : (M, N) ndarray
        Bool, integer or float image (no NaN or inf).
    radius : int or sequence of int
        Window radius r >= 0 (the window is the (2r+1) x (2r+1) box). A sequence gives
        one map per radius (the notebook's ``mapboxes``), stacked.
    f : callable
        ``f(window) -> float`` where ``window`` is a 2-D array of the image's dtype.
    edge : {'clip', 'reflect', 'wrap'}, optional
        Edge policy (module docstring): ``'clip'`` is the notebook's ``box``;
        ``'reflect'`` pads like ``numpy.pad(mode='symmetric')``; ``'wrap'`` is periodic.

    Returns
    -------
    out : (M, N) ndarray of float64, or (len(radius), M, N) for a sequence of radii

    Examples
    --------
    >>> import numpy as np, infopix
    >>> img = np.arange(6).reshape(2, 3)
    >>> infopix.mapbox(img, 1, np.max)
    array([[4., 5., 5.],
           [4., 5., 5.]])
    >>> infopix.mapbox(img, [0, 1], np.size, edge="wrap")[:, 0, 0]
    array([1., 9.])
    """
    arr = v.check_image(image)
    rs, many = _radii(radius)
    v.check_choice(edge, EDGES, name="edge")
    if not callable(f):
        raise TypeError(f"`f` expects a callable f(window) -> float, got {f!r}.")
    m, n = arr.shape
    maps = []
    for r in rs:
        out = np.empty((m, n), dtype=np.float64)
        if edge == "clip":
            for i, j in np.ndindex(m, n):
                out[i, j] = _scalar(f(arr[max(0, i - r) : i + r + 1, max(0, j - r) : j + r + 1]))
        else:
            p = np.pad(arr, r, mode=NUMPY_PAD_MODE[edge])
            w = 2 * r + 1
            for i, j in np.ndindex(m, n):
                out[i, j] = _scalar(f(p[i : i + w, j : j + w]))
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


def _check_blocks(arr: np.ndarray, h, w) -> tuple[int, int]:
    hh = v.check_positive_int(h, name="h")
    ww = v.check_positive_int(w, name="w")
    if hh > arr.shape[0] or ww > arr.shape[1]:
        raise ValueError(
            f"`h` x `w` blocks ({hh} x {ww}) do not fit an image of shape {arr.shape}: "
            f"every block needs at least one pixel (h <= {arr.shape[0]}, w <= {arr.shape[1]})."
        )
    return hh, ww


def mapblocks(image, h, w, f: Callable) -> np.ndarray:
    """Apply ``f`` to each of h x w disjoint blocks: the notebook's ``mapblocks`` (§6).

    The image is cut into ``h`` rows of blocks by ``np.array_split`` along axis 0, and
    each row into ``w`` blocks along axis 1; block sizes differ by at most one pixel
    (the first ``M % h`` block rows are one pixel taller, likewise for columns).

    Parameters
    ----------
    image : (M, N) ndarray
    h, w : int
        Numbers of blocks down and across, ``1 <= h <= M``, ``1 <= w <= N`` (so no block
        is empty).
    f : callable
        ``f(block) -> float``.

    Returns
    -------
    out : (h, w) ndarray of float64

    Examples
    --------
    >>> import numpy as np, infopix
    >>> infopix.mapblocks(np.arange(20).reshape(4, 5), 2, 2, np.size)
    array([[6., 4.],
           [6., 4.]])
    """
    arr = v.check_image(image)
    hh, ww = _check_blocks(arr, h, w)
    if not callable(f):
        raise TypeError(f"`f` expects a callable f(block) -> float, got {f!r}.")
    return np.array(
        [[_scalar(f(y)) for y in np.array_split(x, ww, axis=1)] for x in np.array_split(arr, hh)],
        dtype=np.float64,
    ).reshape(hh, ww)


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


def _effective_radius(r: int, shape, edge: str) -> int:
    """A radius giving the same windows with less padding.

    With 'clip', any r >= max(M, N) - 1 gives the whole image at every pixel, so r is
    capped there (identical results, bounded memory). 'reflect' and 'wrap' windows keep
    growing with r (pixels repeat), up to :data:`_MAX_WINDOW` pixels.
    """
    if edge == "clip":
        return min(r, max(shape) - 1)
    if (2 * r + 1) ** 2 > _MAX_WINDOW:
        raise ValueError(
            f"`radius` {r} gives windows of {(2 * r + 1) ** 2} pixels with edge={edge!r} (pixels "
            f"repeat beyond the image); at most {_MAX_WINDOW} are supported. Use edge='clip' "
            f"(any radius) or a smaller radius."
        )
    return r


def _run_histogram_map(codes, rs, edge, K, measure, est=None, a=1.0, table_f=None, scale_out=1.0, std=False, nhist=None):
    """One map per radius. ``measure`` is a kernel measure, or ``_k.ESTIMATOR`` with
    ``est`` a registered estimator: plug-in Shannon takes the plug-in walk, estimators
    that are linear forms of the profile the linear walk, the others (and Rényi orders,
    tabulated functions) the count-profile walk with the estimator's kernel; with
    ``std``, the count-profile walk with the estimator's ``std_kernel``. ``nhist``
    (default K) sizes the histogram: every code is below it, and K, the number of
    possible outcomes, may be far larger (:func:`local_code_entropy`)."""
    nhist = K if nhist is None else nhist
    maps = []
    for r in rs:
        r = _effective_radius(r, codes.shape, edge)
        w = 2 * r + 1
        wmax = w * w
        if edge == "clip":  # the kernel cuts windows at the image edges itself
            A, pad = codes, 0
        else:
            A, pad = np.pad(codes, r, mode=NUMPY_PAD_MODE[edge]), r
        out = np.empty(codes.shape, dtype=np.float64)
        nstrips = _nstrips(codes.shape[0])
        if measure == _k.SHANNON:
            T, t, scale = _k.fixed_point_clogc(wmax)
            _k._shannon_map(A, pad, r, nhist, T, t, 1.0 / scale, float(scale_out), nstrips, out)
        elif measure == _k.ESTIMATOR and est.tables is not None and not std:
            T, coef, scale = _linear_tables(est, wmax, K, a)
            _k._linear_map(A, pad, r, nhist, T, 1.0 / scale, coef, float(scale_out), nstrips, out)
        elif measure == _k.ESTIMATOR and est.term is not None and not std and (wmax + 1) ** 3 < 2**63:
            pool = max(1, min(_KEYED_POOL_ROWS, _KEYED_POOL_VALUES // (wmax + 1)))
            slots = 1 << (2 * pool - 1).bit_length()
            term = _k_est().first_class(est.term, _k_est().TERM_SIGNATURE)
            keykind = {"singletons": 0, "squares": 1}[est.term_key]
            _k._keyed_map(A, pad, r, nhist, K, float(a), term, keykind, slots, pool, float(scale_out), nstrips, out)
        else:
            T, t, scale = _k.fixed_point_clogc(wmax)
            if table_f is not None:
                table, offsets = _expectation_table(table_f, _window_sizes(codes.shape, r, edge))
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
                A, pad, r, nhist, K, measure, float(a), T, t, 1.0 / scale, float(scale_out), table, offsets,
                etable, efunc, profile, R, memo, nstrips, out,
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
    """(T, coef, scale) for :func:`infopix._kernels.local._linear_map`: the increments
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


def _window_sizes(shape, r: int, edge: str) -> np.ndarray:
    """The distinct numbers of pixels a window holds, for the given policy."""
    if edge != "clip":
        return np.array([(2 * r + 1) ** 2])
    sizes = []
    for length in shape:
        i = np.arange(length)
        sizes.append(np.unique(np.minimum(i + r, length - 1) - np.maximum(i - r, 0) + 1))
    return np.unique(np.multiply.outer(sizes[0], sizes[1]))


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
    image : (M, N) ndarray
        Bool, integer (any bit depth) or float image; no NaN or inf.
    radius : int or sequence of int
        Window radius r (window (2r+1)^2); a sequence gives stacked maps.
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
    H : (M, N) ndarray of float64, or (len(radius), M, N)
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
    Kernels: :func:`infopix._kernels.local._shannon_map` (plug-in Shannon),
    ``_linear_map`` (estimators that are linear forms of the count profile),
    ``_keyed_map`` (Chao-Shen, shrinkage) and ``_histogram_map`` (the others): one moving histogram per row strip, ``prange``
    over strips, serpentine walk. Each step updates at most 2(2r+1) counts (a removed
    and an added pixel of equal value cancel) and a running sum ``sum_c phi(c)`` kept
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
    """
    _check_return_std(return_std)
    arr = _image2d(image)
    rs, many = _radii(radius)
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
    codes : (M, N) ndarray of int
        Non-negative integer (or bool) codes; only equality between codes matters. Codes
        up to ``max(65536, codes.size)`` are used as they are; larger ones must be
        relabelled first (``np.unique(codes, return_inverse=True)``).
    radius : int or sequence of int
        Window radius r (window (2r+1)^2); a sequence gives stacked maps.
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
    Kernels as :func:`local_entropy` (``_shannon_map``, ``_linear_map``,
    ``_histogram_map``), with a histogram of ``codes.max() + 1`` entries and K =
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
    arr = v.check_image(codes, name="codes", allow_float=False, min_pixels=1)
    rs, many = _radii(radius)
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
    image : (M, N) ndarray
    radius : int or sequence of int
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
    E : (M, N) ndarray of float64, or (len(radius), M, N)

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
    arr = _image2d(image)
    rs, many = _radii(radius)
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
    arr = _image2d(image)
    rs, many = _radii(radius)
    v.check_choice(edge, EDGES, name="edge")
    vals0 = arr.astype(np.float64)
    means, stds = [], []
    for r in rs:
        r = _effective_radius(r, arr.shape, edge)
        vals = np.ascontiguousarray(_pad(vals0, r, edge, 0.0))
        wts = np.ascontiguousarray(_pad(np.ones(arr.shape, dtype=np.int64), r, edge, 0))
        mean = np.empty(arr.shape)
        std = np.empty(arr.shape)
        _k._box_moments(vals, wts, r, _nstrips(arr.shape[0]), mean, std)
        means.append(mean + 0.0)
        stds.append(std)
    return _stack(means, many), _stack(stds, many)


@dispatch_dask
def local_mean(image, radius, *, edge="clip") -> np.ndarray:
    """Mean of the pixel values in the r-box around every pixel.

    Equals ``mapbox(image, radius, np.mean, edge=edge)`` (to ~1e-15 relative).

    Parameters
    ----------
    image : (M, N) ndarray
    radius : int or sequence of int
    edge : {'clip', 'reflect', 'wrap'}, optional

    Returns
    -------
    mean : (M, N) ndarray of float64, or (len(radius), M, N)

    Notes
    -----
    Kernel: :func:`infopix._kernels.local._box_moments`: sliding column and row sums in
    double-double arithmetic, O(1) per pixel for any r. Window sums of integer images
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
    image : (M, N) ndarray
    radius : int or sequence of int
    edge : {'clip', 'reflect', 'wrap'}, optional

    Returns
    -------
    std : (M, N) ndarray of float64, or (len(radius), M, N)

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
    image, h, w, *, alpha=1, base=2, estimator="plugin", bins=None, range=None, **options
) -> np.ndarray:
    """Entropy of the intensity distribution of each of h x w disjoint blocks.

    Equals ``mapblocks(image, h, w, lambda b: intensity_entropy(b, ...))`` (notebook
    §7.4), with ``np.array_split`` blocks, computed by one compiled pass.

    Parameters
    ----------
    image : (M, N) ndarray
    h, w : int
        Blocks down and across (``1 <= h <= M``, ``1 <= w <= N``).
    alpha, base, estimator, bins, range, **options
        As in :func:`local_entropy`; float images are binned once over the whole
        image's range.

    Returns
    -------
    H : (h, w) ndarray of float64

    Notes
    -----
    Kernel: :func:`infopix._kernels.local._block_map` (``prange`` over block rows).

    Examples
    --------
    >>> import numpy as np, infopix
    >>> img = np.kron(np.arange(4, dtype=np.uint8).reshape(2, 2), np.ones((2, 2), np.uint8))
    >>> infopix.block_entropy_map(img, 1, 2)   # each half: two levels, equally often
    array([[1., 1.]])
    """
    arr = _image2d(image)
    hh, ww = _check_blocks(arr, h, w)
    b = v.check_base(base)
    measure, est, a = _entropy_measure(alpha, estimator, options)
    codes, K = _codes(arr, bins, range)
    rows = _split_edges(arr.shape[0], hh)
    cols = _split_edges(arr.shape[1], ww)
    wmax = int((rows[1] - rows[0]) * (cols[1] - cols[0]))
    T, t, scale = _k.fixed_point_clogc(wmax)
    table, offsets = _no_table()
    out = np.empty((hh, ww))
    profile = measure not in (_k.SHANNON, _k.LAURENT)
    etable, efunc = _estimator_kernel(measure, est, wmax, K)  # NSB: for the largest blocks
    _k._block_map(
        codes, rows, cols, K, measure, float(a), T, t, 1.0 / scale, float(np.log(b)),
        table, offsets, etable, efunc, profile, out,
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
