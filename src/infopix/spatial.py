"""Spatial information: what intensity entropy ignores (SPEC §6).

The intensity entropy of an image does not change when its pixels are shuffled
(notebook §2). The measures here do: they count *patterns* of pixels.

- :func:`pair_entropy` — joint entropy of pixel pairs at an offset (the grey-level
  co-occurrence matrix of ``skimage.feature.graycomatrix``, counted by a compiled kernel);
- :func:`mutual_information`, :func:`mutual_information_profile` — mutual information
  between pixels as a function of distance, with a fitted correlation length;
- :func:`conditional_entropy` — entropy of a pixel given previously scanned neighbours;
- :func:`block_entropy` — entropy of n x n patterns;
- :func:`entropy_density` — the entropy per pixel these converge to, with an error;
- :func:`computable_information_density` — compressed length per pixel of the
  scanned image, relative to a shuffled copy (Martiniani, Chaikin & Levine 2019).

Volumes
-------
Every measure here except the CID also takes a (Z, Y, X) volume: offsets become
``(dz, dy, dx)`` (``(dy, dx)`` pairs keep working on images, and an offset of the wrong
length is refused), profiles run along z (``'depth'``), y, x or all three pooled, blocks
are n x n x n, and the causal/staircase neighbourhoods follow the raster scan
(z, y, x). The kernels are the same N-D code: an image is counted as a (1, M, N) volume.

Symbols
-------
Every measure works on an image of *symbols* ``0 .. L-1`` (the alphabet):

- bool images: L = 2;
- integer images with ``bins=None, range=None``: one symbol per **distinct value present** in the
  image (ranked), L = the number of distinct values. So a ±1 Ising configuration has
  L = 2 whatever its dtype, and a uint8 image using 200 grey values has L = 200. The
  alphabet is the observed one: values the image never takes are not counted as
  possible outcomes (this matters only to estimators that use the number of possible
  outcomes K, such as NSB);
- any image with ``bins=L`` (and optionally ``range``): the L equal-width bins of
  :func:`infopix.intensity_counts` (one binning rule, :mod:`infopix._binning`): over
  the dtype's range for bool/uint8/int8/uint16/int16 (so ``bins=16`` on uint8 is
  ``value // 16``) and over the data's [min, max] otherwise (this includes float
  images), values on a bin edge in the bin above it, the last edge in the last bin
  (``numpy.histogram``'s rule);
- float images without ``bins``: an error, as there is no natural alphabet.

``levels=`` is a deprecated alias of ``bins=`` (it warns).

A pattern of k pixels then has K = L**k possible outcomes, the ``n_outcomes`` handed to
:func:`infopix.entropy_from_counts` (capped at 2**62, beyond which it is infinite for
every practical purpose). Patterns are coded in mixed radix L (bit packing when L is a
power of two) by :func:`infopix._kernels.spatial._pattern_codes` and counted with
``np.bincount`` (``np.unique`` when the code space is larger than 2**22).

Bias
----
Plug-in entropies of patterns are biased low by about (m - 1) / (2 N) nats, m the
number of occupied patterns and N the number of samples, and plug-in mutual information
of *independent* pixels is biased high by about (Lx - 1)(Ly - 1) / (2 N) nats
(2 N MI is asymptotically chi-squared with (Lx - 1)(Ly - 1) degrees of freedom). For
uint8 images the 256 x 256 = 65536 joint bins make the plug-in MI of a small image
mostly bias: requantise with ``bins=`` (e.g. 16) or use ``estimator='miller_madow'``.
:class:`MutualInformationProfile` reports this bias for every distance. Overlapping
patterns are not independent samples, so error bars computed as if they were are
optimistic.
"""

from __future__ import annotations

import builtins
import bz2
import lzma
import math
import operator
import os
import warnings
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from . import _validation as v
from ._binning import DTYPE_LEVELS, binning_for
from ._kernels import cid as _kc
from ._kernels import spatial as _k
from .estimators import entropy_from_counts

__all__ = [
    "MutualInformationProfile",
    "EntropyDensity",
    "CIDResult",
    "pair_entropy",
    "mutual_information",
    "mutual_information_profile",
    "conditional_entropy",
    "causal_neighbours",
    "staircase_neighbours",
    "block_entropy",
    "entropy_density",
    "computable_information_density",
]

#: Largest code space counted with ``np.bincount`` (beyond: ``np.unique``).
_BINCOUNT_MAX = 1 << 22
#: The number of possible outcomes handed to estimators is capped here (int64 kernels).
_K_CAP = 2**62


# ----------------------------------------------------------------------------------
# symbols and pattern counting
# ----------------------------------------------------------------------------------


def _bins_alias(bins, levels):
    """``bins``, or the deprecated ``levels`` (with a DeprecationWarning)."""
    if levels is None:
        return bins
    warnings.warn(
        "`levels` is deprecated and will be removed; use `bins` (the same number of "
        "equal-width bins, the name used everywhere in infopix).",
        DeprecationWarning,
        stacklevel=4,  # _bins_alias <- _symbols <- the public function <- the caller
    )
    if bins is not None:
        raise TypeError(f"`bins` ({bins!r}) and its deprecated alias `levels` ({levels!r}) were both given; pass `bins` only.")
    return levels


def _symbols(
    image, bins=None, range_=None, levels=None, *, name: str = "image", ndim=(2,)
) -> tuple[np.ndarray, int]:
    """Validate ``image`` and map it to compact int64 symbols 0 .. L-1; return (sym, L).

    With ``bins``/``range``: the codes of :func:`infopix._binning.binning_for` (the
    binning of :func:`infopix.intensity_counts`). Integer images without them: the rank
    of each value among the distinct values present (the observed alphabet).
    """
    bins = _bins_alias(bins, levels)
    arr = v.check_image(image, name=name, min_pixels=2, ndim=ndim)
    if bins is None and range_ is None:
        if arr.dtype.kind == "f":
            raise TypeError(
                f"`bins` is required for a float image (dtype {arr.dtype}): spatial measures "
                f"count patterns of discrete symbols; pass e.g. bins=16 to quantise the values "
                f"into 16 equal-width bins, or convert the image to an integer dtype."
            )
        if arr.dtype in DTYPE_LEVELS:  # the dtype's levels, relabelled by rank
            b = binning_for(arr)
            codes = b.codes(arr)
            if arr.dtype == bool:
                return np.ascontiguousarray(codes, dtype=np.int64), 2
            present = np.bincount(codes.ravel(), minlength=b.n_outcomes) > 0
            lut = np.cumsum(present) - 1
            return np.ascontiguousarray(lut[codes]), int(present.sum())
        uniq, inv = np.unique(arr, return_inverse=True)
        return np.ascontiguousarray(inv.reshape(arr.shape).astype(np.int64)), int(uniq.size)
    b = binning_for(arr, bins, range_, min_bins=2, name=name)
    return np.ascontiguousarray(b.codes(arr), dtype=np.int64), b.n_outcomes


def _as3(sym: np.ndarray) -> np.ndarray:
    """A (M, N) symbol image as a (1, M, N) volume (a view); volumes unchanged."""
    return sym[None] if sym.ndim == 2 else sym


def _dims(shape) -> str:
    return " x ".join(str(s) for s in shape)


def _check_offset(offset, shape, *, name: str = "offset") -> tuple[int, int, int]:
    """``(dy, dx)`` on an image or ``(dz, dy, dx)`` on a volume: integers, not all 0,
    each smaller in size than the side it runs along; returned as (dz, dy, dx)."""
    nd = len(shape)
    want = "(dy, dx)" if nd == 2 else "(dz, dy, dx)"
    try:
        off = tuple(operator.index(o) for o in offset)
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` expects a {'pair' if nd == 2 else 'triple'} of integers {want}, got {offset!r}.") from None
    if len(off) != nd:
        what = "a 2-D image" if nd == 2 else "a (Z, Y, X) volume"
        hint = " (for an in-plane offset on a volume pass (0, dy, dx))" if nd == 3 else ""
        raise ValueError(f"`{name}` on {what} expects {want}, got {len(off)} values {offset!r}{hint}.")
    if not any(off):
        raise ValueError(f"`{name}` expects a non-zero offset {want}, got {off}.")
    if any(abs(o) >= n for o, n in zip(off, shape)):
        raise ValueError(
            f"`{name}` {off} is larger than the image ({_dims(shape)}): no pixel pair fits; "
            f"each |offset| must be smaller than the side it runs along."
        )
    return (0,) + off if nd == 2 else off


def _offsets(offs) -> np.ndarray:
    """A (k, 3) int64 array of (dz, dy, dx) offsets."""
    return np.asarray(offs, dtype=np.int64).reshape(-1, 3)


def _anchor_range(shape, offs):
    """(z0, z1, y0, y1, x0, x1): the anchors at which every offset stays inside."""
    out = []
    for n, col in zip(shape, _offsets(offs).T):
        out += [max(0, -int(col.min())), n - max(0, int(col.max()))]
    return tuple(out)


def _codes(sym: np.ndarray, L: int, offs) -> np.ndarray:
    """Codes (flat int64) of the pattern with voxel offsets ``offs`` ((k, 3): dz, dy, dx)
    at every anchor of the (Z, M, N) symbol volume ``sym``.

    The codes are exact mixed-radix codes when L**k fits in int64; otherwise the
    pattern is coded in pieces that fit and the pieces are combined after relabelling
    each partial code by its rank (so codes stay injective but are not mixed-radix).
    """
    offs = _offsets(offs)
    box = _anchor_range(sym.shape, offs)
    per = max(1, int(62 // max(1.0, math.log2(max(L, 2)))))  # symbols per int64 piece

    def piece(o):
        return _k._pattern_codes(
            sym, np.int64(L), np.ascontiguousarray(o[:, 0]), np.ascontiguousarray(o[:, 1]),
            np.ascontiguousarray(o[:, 2]), *box,
        ).ravel()

    if len(offs) <= per:
        return piece(offs)
    codes = None
    for s in range(0, len(offs), per):
        part = piece(offs[s:s + per])
        if codes is None:
            codes = part
            continue
        _, a = np.unique(codes, return_inverse=True)
        _, b = np.unique(part, return_inverse=True)
        codes = a.astype(np.int64) * (int(b.max()) + 1) + b
    return codes


def _count_codes(codes: np.ndarray, space: int) -> np.ndarray:
    """Counts of the distinct codes (bincount over the full space when it is small)."""
    if space <= _BINCOUNT_MAX:
        return np.bincount(codes, minlength=space)
    return np.unique(codes, return_counts=True)[1]


def _entropy(counts, n_outcomes: int, estimator, base) -> float:
    """Entropy of counts through the estimator registry, in units of ``base``."""
    k = max(1, min(int(n_outcomes), _K_CAP))
    if estimator == "shrinkage" and k > _BINCOUNT_MAX:
        raise ValueError(
            f"`estimator` 'shrinkage' shrinks towards the uniform distribution over all K "
            f"possible patterns and needs an array of K values; here K = {int(n_outcomes):.3g}. "
            f"Use fewer `bins`, smaller patterns, or another estimator (e.g. 'nsb')."
        )
    return entropy_from_counts(counts, estimator=estimator, base=base, n_outcomes=k).value


def _pattern_entropy(sym, L, offs, estimator, base) -> float:
    """Entropy of the pattern with offsets ``offs`` over all anchors, units of ``base``."""
    k = len(offs)
    space = L**k
    codes = _codes(sym, L, offs)
    return _entropy(_count_codes(codes, space), space, estimator, base)


def _block_offsets(depth: int, rows: int, cols: int) -> np.ndarray:
    """(k, 3) offsets of a depth x rows x cols block, in raster (z, y, x) order."""
    zz, yy, xx = np.mgrid[0:depth, 0:rows, 0:cols]
    return np.stack([zz.ravel(), yy.ravel(), xx.ravel()], axis=1)


def _check_block(n, shape, *, name: str = "n") -> tuple[int, int, int]:
    """Block sides (depth, rows, cols): an integer (a square or cube) or one per axis."""
    nd = len(shape)
    want = "(rows, cols)" if nd == 2 else "(depth, rows, cols)"
    if isinstance(n, (tuple, list, np.ndarray)):
        if len(n) != nd:
            raise TypeError(f"`{name}` expects an integer or {want}, got {n!r}.")
        sides = tuple(v.check_positive_int(x, name=name) for x in n)
    else:
        sides = (v.check_positive_int(n, name=name),) * nd
    if any(a > b for a, b in zip(sides, shape)):
        raise ValueError(
            f"`{name}` ({_dims(sides)}) is larger than the image ({_dims(shape)}); blocks must fit inside it."
        )
    return (1,) + sides if nd == 2 else sides


# ----------------------------------------------------------------------------------
# pair entropy and mutual information
# ----------------------------------------------------------------------------------


def _pair_counts(sym, L, offs) -> list[np.ndarray]:
    """Joint counts (as (L, L) arrays, or flat code counts when L*L is large) of the
    pairs at each (dz, dy, dx) offset of ``offs`` in the (Z, M, N) volume ``sym``."""
    offs = _offsets(offs)
    if L * L <= _BINCOUNT_MAX:
        small = sym.astype(np.uint8) if L <= 256 else sym.astype(np.uint16)  # 8x less memory traffic
        cols = [np.ascontiguousarray(offs[:, i]) for i in builtins.range(3)]
        hist = _k._pair_histograms(small, np.int64(L), *cols)
        return [h.reshape(L, L) for h in hist]
    out = []
    for o in offs:
        codes = _codes(sym, L, [(0, 0, 0), tuple(o)])
        u, c = np.unique(codes, return_counts=True)
        out.append((u, c))
    return out


def _mi_from_joint(joint, L, estimator, base):
    """(MI, H(joint), plug-in bias, chi-square sd, pairs) from joint counts."""
    if isinstance(joint, tuple):  # (codes, counts) for huge alphabets
        u, c = joint
        a, b = u // L, u % L
        cx = np.unique(a, return_inverse=True)[1]
        cy = np.unique(b, return_inverse=True)[1]
        row = np.bincount(cx, weights=c).astype(np.int64)
        col = np.bincount(cy, weights=c).astype(np.int64)
        flat = c
    else:
        row = joint.sum(axis=1)
        col = joint.sum(axis=0)
        flat = joint.ravel()
    n = int(flat.sum())
    hxy = _entropy(flat, L * L, estimator, base)
    hx = _entropy(row, L, estimator, base)
    hy = _entropy(col, L, estimator, base)
    df = (np.count_nonzero(row) - 1) * (np.count_nonzero(col) - 1)
    lb = math.log(base)
    bias = df / (2.0 * n) / lb
    sd = math.sqrt(2.0 * df) / (2.0 * n) / lb
    return hx + hy - hxy, hxy, bias, sd, n


def pair_entropy(image, offset=None, *, bins=None, range=None, estimator="plugin", base=2, levels=None) -> float:
    """Joint entropy of pixel pairs separated by ``offset``.

    The pairs ``(image[y, x], image[y + dy, x + dx])`` over every anchor for which both
    pixels are inside the image; their counts are the grey-level co-occurrence matrix
    (``skimage.feature.graycomatrix`` with ``symmetric=False``), counted by the kernel
    :func:`infopix._kernels.spatial._pair_histograms`.

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray
        Bool or integer image or volume, or a float one with ``bins``.
    offset : (int, int) or (int, int, int), optional
        ``(dy, dx)`` on an image, ``(dz, dy, dx)`` on a volume: slices deeper, rows
        down and columns right (negative allowed); default (0, 1), the right-hand
        neighbour (on a volume: (0, 0, 1)). Each smaller in size than its side.
    bins : int, optional
        Requantise into ``bins`` symbols (see the module's Symbols section); by default
        integer images use one symbol per distinct value.
    range : (float, float), optional
        Binning interval with ``bins`` (default: see the module's Symbols section).
    estimator : str, optional
        Entropy estimator name (see :data:`infopix.estimators.ESTIMATORS`).
    base : float, optional
        Logarithm base (2: bits per pair).
    levels : int, optional
        Deprecated alias of ``bins`` (emits a DeprecationWarning).

    Returns
    -------
    float
        H(X, Y) in units of ``base``.

    Raises
    ------
    ValueError
        Offset (0, 0) or larger than the image; an offset with the wrong number of
        values for the image (a 3-D offset on a 2-D image, or a 2-D one on a volume).
    TypeError
        Float image without ``bins``; non-integer offset.

    Examples
    --------
    >>> import numpy as np
    >>> stripes = np.indices((8, 9))[1] % 2       # columns alternate 0, 1, 0, ...
    >>> round(pair_entropy(stripes, (0, 1)), 12)  # pairs (0,1), (1,0), as many each
    1.0
    >>> round(pair_entropy(stripes, (0, 2)), 6)   # pairs (0,0) x 28, (1,1) x 21
    0.985228
    >>> layers = np.indices((4, 5, 6))[0] % 2        # slices alternate 0, 1, 0, 1
    >>> round(pair_entropy(layers, (1, 0, 0)), 6)    # pairs (0,1) x 60, (1,0) x 30
    0.918296
    """
    sym, L = _symbols(image, bins, range, levels, ndim=(2, 3))
    off = _check_offset((0,) * (sym.ndim - 1) + (1,) if offset is None else offset, sym.shape)
    b = v.check_base(base)
    joint = _pair_counts(_as3(sym), L, [off])[0]
    flat = joint[1] if isinstance(joint, tuple) else joint.ravel()
    return _entropy(flat, L * L, estimator, b)


def mutual_information(image, offset=None, *, bins=None, range=None, estimator="plugin", base=2, levels=None) -> float:
    """Mutual information between a pixel and the pixel at ``offset``.

    ``I = H(X) + H(Y) - H(X, Y)`` with X the anchor pixels and Y their partners, all
    three counted over the same set of pairs (so the plug-in value is >= 0).

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray
        Bool or integer image or volume, or a float one with ``bins``.
    offset : (int, int) or (int, int, int), optional
        ``(dy, dx)`` on an image, ``(dz, dy, dx)`` on a volume; default (0, 1) (on a
        volume (0, 0, 1)).
    bins : int, optional
        Requantise into ``bins`` symbols. For uint8 images the default alphabet has up
        to 256 symbols and the plug-in MI of a small image is dominated by its bias
        (L - 1)**2 / (2 N) nats; ``bins=16`` is a good first choice.
    range : (float, float), optional
        Binning interval with ``bins`` (default: see the module's Symbols section).
    estimator : str, optional
        Entropy estimator used for all three entropies.
    base : float, optional
        Logarithm base (2: bits).
    levels : int, optional
        Deprecated alias of ``bins`` (emits a DeprecationWarning).

    Returns
    -------
    float
        I(X; Y) in units of ``base``.

    See Also
    --------
    mutual_information_profile : MI against distance, with its bias and a fitted length.

    Examples
    --------
    >>> import numpy as np
    >>> checker = np.indices((8, 8)).sum(axis=0) % 2
    >>> round(mutual_information(checker, (0, 1)), 12)  # a neighbour decides: 1 bit
    1.0
    >>> layers = np.indices((4, 5, 6))[0] % 2
    >>> round(mutual_information(layers, (2, 0, 0)), 12)  # two slices apart: the same
    1.0
    """
    sym, L = _symbols(image, bins, range, levels, ndim=(2, 3))
    off = _check_offset((0,) * (sym.ndim - 1) + (1,) if offset is None else offset, sym.shape)
    b = v.check_base(base)
    joint = _pair_counts(_as3(sym), L, [off])[0]
    return _mi_from_joint(joint, L, estimator, b)[0]


@dataclass(frozen=True)
class MutualInformationProfile:
    """Mutual information between pixels as a function of distance.

    Attributes
    ----------
    distances : (D,) ndarray of int
        Distances in pixels.
    mi : (D,) ndarray of float
        Mutual information at each distance, units of ``base``.
    bias : (D,) ndarray of float
        Expected plug-in MI of *independent* pixels with the observed marginal supports,
        (Lx - 1)(Ly - 1) / (2 N) converted to units of ``base``.
    noise_floor : (D,) ndarray of float
        ``bias`` + 3 standard deviations of the chi-square law of 2 N MI under
        independence: values below it are indistinguishable from no dependence.
    n_pairs : (D,) ndarray of int
        Number of pixel pairs counted at each distance.
    direction : str
        ``'horizontal'`` (x), ``'vertical'`` (y), ``'depth'`` (z, volumes) or
        ``'isotropic'`` (every axis pooled: 2 on an image, 3 on a volume).
    correlation_length : float or None
        Decay length xi of a fit MI(d) - bias ~ A exp(-d / xi) over the leading
        distances where MI is above the noise floor; None when fewer than 4 such
        distances exist or the decay is not exponential (the fit's R^2 < 0.9, or a
        power law fits better). For weak correlations MI is proportional to the squared
        correlation, so xi is half the usual (two-point function) correlation length.
    amplitude : float or None
        A of the fit.
    fit_distances : (int, int) or None
        First and last distance used in the fit.
    r2 : float or None
        R^2 of the exponential fit of log(MI - bias) against d.
    base : float
        Logarithm base of ``mi``.
    """

    distances: np.ndarray
    mi: np.ndarray
    bias: np.ndarray
    noise_floor: np.ndarray
    n_pairs: np.ndarray
    direction: str
    correlation_length: float | None
    amplitude: float | None
    fit_distances: tuple[int, int] | None
    r2: float | None
    base: float

    def plot(self, ax=None):
        """MI against distance (log scale), the noise floor and the exponential fit."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 3.5))
        unit = _unit(self.base)
        pos = self.mi > 0
        ax.semilogy(self.distances[pos], self.mi[pos], "o-", ms=3, label="mutual information")
        ax.semilogy(self.distances, self.noise_floor, "--", color="0.5", label="noise floor (independent pixels)")
        if self.correlation_length is not None:
            d0, d1 = self.fit_distances
            d = np.linspace(d0, d1, 50)
            fit = self.amplitude * np.exp(-d / self.correlation_length) + np.interp(d, self.distances, self.bias)
            ax.semilogy(d, fit, "-", color="C3", label=f"fit, xi = {self.correlation_length:.3g} px")
        ax.set_xlabel("distance (pixels)")
        ax.set_ylabel(f"MI ({unit})")
        ax.set_title(f"Mutual information, {self.direction}")
        ax.legend(fontsize="small")
        return ax


def _unit(base: float) -> str:
    return {2.0: "bits", float(np.e): "nats", 10.0: "dits"}.get(float(base), f"log base {base:g}")


def _fit_exponential(d, mi, bias, floor):
    """Fit log(MI - bias) = log A - d / xi on the leading run above the noise floor."""
    above = mi > floor
    if not above[0]:
        return None, None, None, None
    run = int(np.argmin(above)) if not above.all() else above.size
    if run < 4:
        return None, None, None, None
    x = d[:run].astype(float)
    y = np.log(mi[:run] - bias[:run])
    slope, icpt = np.polyfit(x, y, 1)
    resid = y - (slope * x + icpt)
    ss = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float((resid**2).sum()) / ss if ss > 0 else 0.0
    # power law on the same points: log(MI - bias) = c - p log d
    pl = np.polyfit(np.log(x), y, 1)
    resid_pl = y - np.polyval(pl, np.log(x))
    r2_pl = 1.0 - float((resid_pl**2).sum()) / ss if ss > 0 else 0.0
    if slope >= 0 or r2 < 0.9 or r2_pl > r2:
        return None, None, (int(x[0]), int(x[-1])), r2
    return -1.0 / slope, float(np.exp(icpt)), (int(x[0]), int(x[-1])), r2


def mutual_information_profile(
    image, distances=None, *, directions="isotropic", bins=None, range=None, estimator="plugin", base=2,
    levels=None,
) -> MutualInformationProfile:
    """Mutual information between pixels against their distance, with a correlation length.

    For every distance d, the MI of the pairs at offset d along x (``'horizontal'``),
    along y (``'vertical'``), along z (``'depth'``, volumes), or all axes pooled into one
    co-occurrence table (``'isotropic'``; axis directions only). All distances are
    counted in one call of the parallel kernel
    :func:`infopix._kernels.spatial._pair_histograms`.

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray
        Bool or integer image or volume, or a float one with ``bins``.
    distances : sequence of int, optional
        Positive distances; default 1 .. min(32, (shortest side along the direction) // 2).
    directions : {'isotropic', 'horizontal', 'vertical', 'depth'}, optional
        Which pairs are counted ('depth': along z, volumes only).
    bins : int, optional
        Requantise into ``bins`` symbols (advisable for uint8 images, see
        :func:`mutual_information`).
    range : (float, float), optional
        Binning interval with ``bins`` (default: see the module's Symbols section).
    estimator : str, optional
        Entropy estimator used for the three entropies of each MI.
    base : float, optional
        Logarithm base (2: bits).
    levels : int, optional
        Deprecated alias of ``bins`` (emits a DeprecationWarning).

    Returns
    -------
    MutualInformationProfile
        With the plug-in bias and noise floor at each distance, and the fitted
        correlation length where the decay is exponential.

    Raises
    ------
    ValueError
        A distance < 1 or not smaller than the image side(s) it runs along.

    Examples
    --------
    >>> import numpy as np
    >>> stripes = np.indices((16, 20))[1] // 2 % 2       # period 4 along x
    >>> prof = mutual_information_profile(stripes, [4, 8], directions="horizontal")
    >>> np.round(prof.mi, 12).tolist()                     # one period, two: 1 bit
    [1.0, 1.0]
    >>> same = np.repeat(stripes[None], 5, axis=0)        # 5 identical slices
    >>> p = mutual_information_profile(same, [1, 2], directions="depth")
    >>> bool(np.allclose(p.mi, 1.0, rtol=0, atol=1e-12))  # = the slice's entropy
    True
    """
    sym, L = _symbols(image, bins, range, levels, ndim=(2, 3))
    choices = ("isotropic", "horizontal", "vertical") + (("depth",) if sym.ndim == 3 else ())
    if sym.ndim == 2 and directions == "depth":
        raise ValueError("`directions` 'depth' (along z) needs a (Z, Y, X) volume; `image` is 2-D.")
    direction = v.check_choice(directions, choices, name="directions")
    b = v.check_base(base)
    shape = sym.shape
    axis_of = {"horizontal": sym.ndim - 1, "vertical": sym.ndim - 2, "depth": 0}
    limit = min(shape) if direction == "isotropic" else shape[axis_of[direction]]
    if distances is None:
        dmax = max(1, min(32, limit // 2))
        dist = np.arange(1, dmax + 1)
    else:
        dist = np.atleast_1d(np.asarray(distances))
        if dist.dtype.kind not in "iu" or dist.ndim != 1 or dist.size == 0:
            raise TypeError(f"`distances` expects a non-empty sequence of positive integers, got {distances!r}.")
        dist = dist.astype(np.int64)
    if dist.min() < 1 or dist.max() >= limit:
        raise ValueError(
            f"`distances` must lie in 1 .. {limit - 1} for {direction} pairs on a {_dims(shape)} "
            f"{'image' if sym.ndim == 2 else 'volume'}, got values from {int(dist.min())} to {int(dist.max())}."
        )
    sym3 = _as3(sym)

    def along(axis3):  # (D, 3) offsets of the distances along axis3 of the (Z, M, N) volume
        o = np.zeros((dist.size, 3), dtype=np.int64)
        o[:, axis3] = dist
        return o

    if direction != "isotropic":
        joints = _pair_counts(sym3, L, along(axis_of[direction] + 3 - sym.ndim))
    else:
        axes3 = (1, 2) if sym.ndim == 2 else (0, 1, 2)
        parts = _pair_counts(sym3, L, np.concatenate([along(a) for a in axes3]))
        D = dist.size
        groups = [parts[i * D:(i + 1) * D] for i in builtins.range(len(axes3))]
        if isinstance(parts[0], tuple):
            joints = []
            for tabs in zip(*groups):
                u = np.concatenate([t[0] for t in tabs])
                c = np.concatenate([t[1] for t in tabs])
                uu, inv = np.unique(u, return_inverse=True)
                joints.append((uu, np.bincount(inv, weights=c).astype(np.int64)))
        else:
            joints = [sum(tabs[1:], tabs[0]) for tabs in zip(*groups)]
    if estimator == "plugin" and not isinstance(joints[0], tuple):
        # all tables at once, in parallel: kernel _plugin_pair_terms
        t = _k._plugin_pair_terms(np.ascontiguousarray(np.stack(joints).reshape(len(joints), -1)), np.int64(L))
        n, lb = t[:, 0], math.log(b)
        mi = (np.log(n) - (t[:, 2] + t[:, 3] - t[:, 1]) / n) / lb
        df = (t[:, 4] - 1) * (t[:, 5] - 1)
        res = np.column_stack([mi, mi, df / (2 * n) / lb, np.sqrt(2 * df) / (2 * n) / lb, n])
    else:
        res = np.array([_mi_from_joint(j, L, estimator, b) for j in joints], dtype=np.float64)
    mi, bias, sd, npairs = res[:, 0] + 0.0, res[:, 2], res[:, 3], res[:, 4].astype(np.int64)
    floor = bias + 3.0 * sd
    order = np.argsort(dist, kind="stable")
    xi, amp, rng_, r2 = _fit_exponential(dist[order], mi[order], bias[order], floor[order])
    return MutualInformationProfile(
        distances=dist, mi=mi, bias=bias, noise_floor=floor, n_pairs=npairs, direction=direction,
        correlation_length=xi, amplitude=amp, fit_distances=rng_, r2=r2, base=b,
    )


# ----------------------------------------------------------------------------------
# conditional and block entropies, entropy density
# ----------------------------------------------------------------------------------


def _past(o) -> bool:
    """Is offset ``o`` scanned before the origin in raster order (lexicographically < 0)?"""
    for c in o:
        if c:
            return c < 0
    return False


def _nearest_3d(k: int, keep) -> list[tuple[int, int, int]]:
    """The k nearest past offsets (dz, dy, dx) with ``keep(o)``, ordered by distance,
    then nearer slice, nearer row, then column (the 2-D order with a slice key first)."""
    r = 1
    while True:
        rr = builtins.range(-r, r + 1)
        cand = [
            (a, b, c) for a in rr for b in rr for c in rr
            if a * a + b * b + c * c <= r * r and _past((a, b, c)) and keep((a, b, c))
        ]
        if len(cand) >= k:
            cand.sort(key=lambda o: (o[0] ** 2 + o[1] ** 2 + o[2] ** 2, -o[0], -o[1], o[2]))
            return cand[:k]
        r += 1


def causal_neighbours(k: int, *, ndim: int = 2) -> list[tuple]:
    """The ``k`` nearest causal neighbours of a pixel, in raster-scan order of preference.

    Causal means scanned before the pixel in raster order: ``dy < 0``, or ``dy == 0``
    and ``dx < 0``. They are ordered by distance, then by row (nearer row first), then
    column: left (0, -1), up (-1, 0), up-left (-1, -1), up-right (-1, 1), (0, -2),
    (-2, 0), ... So ``'causal-1'`` is the left neighbour, ``'causal-3'`` adds up and
    up-left, ``'causal-4'`` is the four causal pixels of the 3 x 3 box.

    With ``ndim=3`` (volumes, raster order z, y, x): offsets (dz, dy, dx) with
    ``dz < 0``, or ``dz == 0`` and (dy, dx) causal in the slice; ordered by distance,
    then nearer slice, nearer row, then column.

    Examples
    --------
    >>> causal_neighbours(4)
    [(0, -1), (-1, 0), (-1, -1), (-1, 1)]
    >>> causal_neighbours(3, ndim=3)
    [(0, 0, -1), (0, -1, 0), (-1, 0, 0)]
    """
    k = v.check_positive_int(k, name="k", minimum=0)
    if ndim == 3:
        return _nearest_3d(k, lambda o: True)
    if ndim != 2:
        raise ValueError(f"`ndim` expects 2 (an image) or 3 (a volume), got {ndim!r}.")
    r = 1
    while True:
        cand = [
            (dy, dx)
            for dy in range(-r, 1)
            for dx in range(-r, r + 1)
            if dy < 0 or dx < 0
        ]
        cand.sort(key=lambda o: (o[0] ** 2 + o[1] ** 2, -o[0], o[1]))
        # every causal offset within distance r is in cand; take k of those within r
        inside = [o for o in cand if o[0] ** 2 + o[1] ** 2 <= r * r]
        if len(inside) >= k:
            return inside[:k]
        r += 1


def staircase_neighbours(k: int, *, ndim: int = 2) -> list[tuple]:
    """The ``k`` nearest pixels of the raster scan's *boundary*, nearest first.

    For a raster scan, the pixels already scanned that touch the unscanned part of the
    image are the current row to the left, (0, -1), (0, -2), ..., and the row above from
    the pixel's column rightwards, (-1, 0), (-1, 1), ... For a nearest-neighbour Markov
    random field (the Ising model) the pixel depends on its whole past only through
    this staircase, so conditioning on it converges faster than on the same number of
    nearest causal neighbours. Ordered by distance, then row, then column.

    With ``ndim=3`` (volumes): the scanned voxels that have a face neighbour not yet
    scanned (the same rule gives the 2-D staircase above): the whole scanned part of the
    current slice (all of it touches the next slice) and the previous slice from the
    voxel's (y, x) on, ordered by distance, then nearer slice, row, and column.

    Examples
    --------
    >>> staircase_neighbours(5)
    [(0, -1), (-1, 0), (-1, 1), (0, -2), (-1, 2)]
    >>> staircase_neighbours(4, ndim=3)
    [(0, 0, -1), (0, -1, 0), (-1, 0, 0), (0, -1, -1)]
    """
    k = v.check_positive_int(k, name="k", minimum=0)
    if ndim == 3:
        def on_boundary(o):
            return any(
                not _past(tuple(c + (i == j) * sgn for j, c in enumerate(o)))
                for i in builtins.range(3) for sgn in (-1, 1)
            )
        return _nearest_3d(k, on_boundary)
    if ndim != 2:
        raise ValueError(f"`ndim` expects 2 (an image) or 3 (a volume), got {ndim!r}.")
    offs = []
    for i in range(1, k + 2):
        offs += [(0, -i), (-1, i - 1)]
    offs.sort(key=lambda o: (o[0] ** 2 + o[1] ** 2, -o[0], o[1]))
    return offs[:k]


_NEIGHBOUR_FAMILIES = {"causal": causal_neighbours, "staircase": staircase_neighbours}


def _parse_neighbours(neighbours, shape) -> list[tuple[int, int, int]]:
    """The neighbourhood as (dz, dy, dx) offsets (dz = 0 on an image), checked to fit."""
    nd = len(shape)
    want = "(dy, dx)" if nd == 2 else "(dz, dy, dx)"
    if isinstance(neighbours, str):
        family, _, num = neighbours.partition("-")
        try:
            k = int(num)
        except ValueError:
            k = -1
        if family not in _NEIGHBOUR_FAMILIES or k < 0:
            raise ValueError(
                "`neighbours` expects 'causal-k' or 'staircase-k' (k = 0, 1, 2, ...) or a sequence "
                f"of {want} offsets, got {neighbours!r}."
            )
        offs = _NEIGHBOUR_FAMILIES[family](k, ndim=nd)
    else:
        try:
            offs = [tuple(operator.index(c) for c in o) for o in neighbours]
        except TypeError:
            raise TypeError(
                f"`neighbours` expects 'causal-k' or a sequence of {want} integer offsets, got {neighbours!r}."
            ) from None
        if any(len(o) != nd for o in offs):
            what = "a 2-D image" if nd == 2 else "a (Z, Y, X) volume"
            raise ValueError(f"`neighbours` on {what} expects {want} offsets, got {neighbours!r}.")
        if (0,) * nd in offs or len(set(offs)) != len(offs):
            raise ValueError(f"`neighbours` must be distinct offsets other than {(0,) * nd}, got {neighbours!r}.")
    if offs:
        span = [max(0, *col) - min(0, *col) + 1 for col in zip(*offs)]
        if any(a > n for a, n in zip(span, shape)):
            raise ValueError(
                f"`neighbours` span {_dims(span)} pixels with the centre, larger than the image "
                f"({_dims(shape)})."
            )
    return [(0,) + tuple(o) if nd == 2 else tuple(o) for o in offs]


def _conditional(sym, L, offs, estimator, base, *, with_std=False):
    """H(X0 | X_offs) = H(X0, X_offs) - H(X_offs), all counted on the same anchors.

    With ``with_std``, also the standard error sqrt(Var[-log p(x0 | ctx)] / N) of the
    plug-in value as if the anchors were independent (a lower bound for overlapping
    samples).
    """
    lb = math.log(base)
    if not offs:
        codes = sym.ravel()
        counts = np.bincount(codes, minlength=L)
        h = _entropy(counts, L, estimator, base)
        if not with_std:
            return h
        p = counts[counts > 0] / codes.size
        s = -np.log(p) / lb
        return h, math.sqrt(max(0.0, float((p * s * s).sum()) - float((p * s).sum()) ** 2) / codes.size)
    full_offs = list(offs) + [(0, 0, 0)]
    ctx_space = L ** len(offs)
    full = _codes(sym, L, full_offs)  # context digits first, the centre pixel last
    n = full.size
    if ctx_space * L <= _BINCOUNT_MAX:
        cj_full = np.bincount(full, minlength=ctx_space * L)
        cc_full = cj_full.reshape(ctx_space, L).sum(axis=1)
        h = _entropy(cj_full, ctx_space * L, estimator, base) - _entropy(cc_full, ctx_space, estimator, base)
        if not with_std:
            return h
        nz = cj_full > 0
        joint_c = cj_full[nz]
        ctx_c = np.repeat(cc_full, L)[nz]
    else:
        ctx = full // L if ctx_space * L < 2**62 else _ctx_codes_on(sym, L, full_offs)
        uj, first, cj = np.unique(full, return_index=True, return_counts=True)
        uc, cc = np.unique(ctx, return_counts=True)
        h = _entropy(cj, ctx_space * L, estimator, base) - _entropy(cc, ctx_space, estimator, base)
        if not with_std:
            return h
        joint_c = cj
        ctx_c = cc[np.searchsorted(uc, ctx[first])]
    s = np.log(ctx_c / joint_c) / lb
    w = joint_c / n
    var = float((w * s * s).sum()) - float((w * s).sum()) ** 2
    return h, math.sqrt(max(var, 0.0) / n)


def _ctx_codes_on(sym, L, offs):
    """Codes of the context (every offset but the last) on the anchors of the full pattern."""
    offs = _offsets(offs)
    z0, z1, y0, y1, x0, x1 = _anchor_range(sym.shape, offs)
    cz0, cz1, cy0, cy1, cx0, cx1 = _anchor_range(sym.shape, offs[:-1])
    codes = _codes(sym, L, offs[:-1]).reshape(cz1 - cz0, cy1 - cy0, cx1 - cx0)
    return np.ascontiguousarray(codes[z0 - cz0:z1 - cz0, y0 - cy0:y1 - cy0, x0 - cx0:x1 - cx0]).ravel()


def conditional_entropy(
    image, *, neighbours="causal-3", bins=None, range=None, estimator="plugin", base=2, levels=None
) -> float:
    """Entropy of a pixel given a set of its neighbours (the Markov-field estimate).

    ``H(X0 | X_N) = H(X0, X_N) - H(X_N)``, both counted over every anchor where the
    pixel and all its neighbours lie inside the image. With *causal* neighbours (those
    scanned before the pixel in raster order) and a stationary image this is an upper
    bound on the entropy density that decreases towards it as the neighbourhood grows
    (the conditional entropy of a pixel given its whole past, [1]_). Patterns are coded
    by :func:`infopix._kernels.spatial._pattern_codes`.

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray
        Bool or integer image or volume, or a float one with ``bins``. A volume is
        scanned in raster order (z, y, x).
    neighbours : str or sequence of (int, int) or (int, int, int), optional
        ``'causal-k'``: the k nearest causal neighbours (see :func:`causal_neighbours`;
        ``'causal-1'`` left, ``'causal-2'`` left and up, ``'causal-3'`` (default) adds
        up-left, ``'causal-4'`` up-right, ``'causal-0'`` none, giving H(X));
        ``'staircase-k'``: the k nearest pixels of the scan boundary (see
        :func:`staircase_neighbours`; converges faster for Markov fields); or explicit
        ``(dy, dx)`` offsets (any non-zero, distinct offsets); ``(dz, dy, dx)`` on a
        volume (where ``'causal-k'`` and ``'staircase-k'`` are the 3-D ones).
    bins : int, optional
        Requantise into ``bins`` symbols.
    range : (float, float), optional
        Binning interval with ``bins`` (default: see the module's Symbols section).
    estimator : str, optional
        Entropy estimator for both entropies.
    base : float, optional
        Logarithm base (2: bits per pixel).
    levels : int, optional
        Deprecated alias of ``bins`` (emits a DeprecationWarning).

    Returns
    -------
    float
        Conditional entropy per pixel in units of ``base``.

    Raises
    ------
    ValueError
        Unknown neighbourhood name, (0, 0) or repeated offsets, a neighbourhood larger
        than the image.

    References
    ----------
    .. [1] D. P. Feldman and J. P. Crutchfield, "Structural information in
       two-dimensional patterns: Entropy convergence and excess entropy", Phys. Rev. E
       67, 051104 (2003), doi:10.1103/PhysRevE.67.051104.

    Examples
    --------
    >>> import numpy as np
    >>> stripes = np.tile([0, 1], (8, 4))
    >>> conditional_entropy(stripes, neighbours="causal-1")   # left pixel decides: 0
    0.0
    >>> layers = np.indices((6, 4, 4))[0] % 2                 # slices alternate
    >>> conditional_entropy(layers, neighbours=[(-1, 0, 0)])  # the slice above decides
    0.0
    """
    sym, L = _symbols(image, bins, range, levels, ndim=(2, 3))
    b = v.check_base(base)
    offs = _parse_neighbours(neighbours, sym.shape)
    return _conditional(_as3(sym), L, offs, estimator, b) + 0.0


def block_entropy(image, n, *, bins=None, range=None, estimator="plugin", base=2, levels=None) -> float:
    """Entropy of the n x n (or rows x cols) patterns of an image, n x n x n of a volume.

    All overlapping blocks are counted (``(M - n + 1)(N - n + 1)`` samples, times
    ``Z - n + 1`` for a volume); each block is coded in mixed radix L (bit packing for
    binary images) by :func:`infopix._kernels.spatial._pattern_codes` and counted with
    ``np.bincount``. The number of possible outcomes handed to the estimator is
    L**(voxels per block).

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray
        Bool or integer image or volume, or a float one with ``bins``.
    n : int or (int, int) or (int, int, int)
        Block side, or (rows, cols) on an image, (depth, rows, cols) on a volume.
    bins : int, optional
        Requantise into ``bins`` symbols.
    range : (float, float), optional
        Binning interval with ``bins`` (default: see the module's Symbols section).
    estimator : str, optional
        Entropy estimator.
    base : float, optional
        Logarithm base (2: bits per block).
    levels : int, optional
        Deprecated alias of ``bins`` (emits a DeprecationWarning).

    Returns
    -------
    float
        H(n x n) in units of ``base`` per block (divide by n**2, or n**3 for a volume,
        for a per-pixel value).

    Raises
    ------
    ValueError
        A block larger than the image.

    Notes
    -----
    With few samples per possible pattern the plug-in value saturates near
    log(number of blocks): H(n x n) is only meaningful while L**(n*n) is well below the
    number of blocks, unless the image is far from random.

    Examples
    --------
    >>> import numpy as np
    >>> checker = np.indices((16, 16)).sum(axis=0) % 2
    >>> round(block_entropy(checker, 3), 12)   # two 3 x 3 patterns, equally frequent
    1.0
    >>> checker3 = np.indices((9, 9, 9)).sum(axis=0) % 2
    >>> round(block_entropy(checker3, 2), 12)  # two 2 x 2 x 2 patterns, 256 each
    1.0
    """
    sym, L = _symbols(image, bins, range, levels, ndim=(2, 3))
    b = v.check_base(base)
    sides = _check_block(n, sym.shape)
    return _pattern_entropy(_as3(sym), L, _block_offsets(*sides), estimator, b) + 0.0


@dataclass(frozen=True)
class EntropyDensity:
    """Entropy per pixel from a converging sequence of conditional or block entropies.

    Attributes
    ----------
    value : float
        The entropy density estimate, units of ``base`` per pixel: the last member of
        ``estimates``.
    error : float
        Its error: sqrt(se**2 + convergence**2), see ``se`` and ``convergence``.
    se : float
        Standard error from the spread of the same estimate over the image's four
        quadrants (sd / 2, which accounts for correlated pixels), or, for images too
        small to split, the plug-in standard error of independent samples.
    convergence : float
        |estimates[-1] - estimates[-2]|, the size of the last step of the sequence: the
        truncation error of a sequence that converges at least geometrically.
    sizes : (S,) ndarray of int
        Neighbourhood sizes k (``method='conditional'``) or block sides n
        (``method='block'``).
    estimates : (S,) ndarray of float
        h(k) = H(pixel | k staircase neighbours), or the block differences
        h(n) = H(n, n) - H(n, n-1) - H(n-1, n) + H(n-1, n-1).
    method : str
        ``'conditional'`` or ``'block'``.
    estimator : str
        Entropy estimator used.
    base : float
        Logarithm base.
    ndim : int
        2 for an image, 3 for a volume: the density is then per voxel (:attr:`site`).
    """

    value: float
    error: float
    se: float
    convergence: float
    sizes: np.ndarray
    estimates: np.ndarray
    method: str
    estimator: str
    base: float
    ndim: int = 2

    @property
    def site(self) -> str:
        """What the density is per: ``'pixel'`` (an image) or ``'voxel'`` (a volume)."""
        return "voxel" if self.ndim == 3 else "pixel"

    def plot(self, ax=None):
        """The sequence of estimates against size, with the final value and its error."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 3.5))
        ax.plot(self.sizes, self.estimates, "o-", ms=4, label="estimates")
        ax.axhline(self.value, color="C3", lw=1, label=f"h = {self.value:.4g} ± {self.error:.2g}")
        ax.axhspan(self.value - self.error, self.value + self.error, color="C3", alpha=0.15)
        xlabel = "staircase neighbours k" if self.method == "conditional" else "block side n"
        ax.set_xlabel(xlabel)
        ax.set_ylabel(f"entropy density ({_unit(self.base)} per {self.site})")
        ax.set_title(f"Entropy density ({self.method}, {self.estimator})")
        ax.legend(fontsize="small")
        return ax


def _auto_limit(L: int, n: int) -> int:
    """Largest k with L**(k + 1) <= n / 64 (64 samples per joint pattern on average)."""
    k = 0
    while L ** (k + 2) * 64 <= n and k < 62:
        k += 1
    return k


def _staircase3(k: int, nd: int) -> list[tuple[int, int, int]]:
    """The k staircase neighbours of an nd-D scan as (dz, dy, dx) offsets."""
    return [(0,) + o if nd == 2 else o for o in staircase_neighbours(k, ndim=nd)]


def _density_conditional(sym, L, kmax, estimator, base, nd):
    hs = [_conditional(sym, L, _staircase3(k, nd), estimator, base) for k in range(kmax + 1)]
    return np.arange(kmax + 1), np.array(hs)


def _block_diff_sequence(sym, L, nmax, estimator, base, nd):
    """h(n): the nd-th mixed difference of the block entropies H(sides) at sides n, n - 1.

    2-D: H(n, n) - H(n, n-1) - H(n-1, n) + H(n-1, n-1); 3-D: the sum over the eight
    corners of sign (-1)**(number of sides n - 1) of H(depth, rows, cols).
    """
    cache = {}

    def H(sides):
        if min(sides) == 0:
            return 0.0
        if sides not in cache:
            cache[sides] = _pattern_entropy(sym, L, _block_offsets(*sides), estimator, base)
        return cache[sides]

    def h(n):
        total = 0.0
        for drop in np.ndindex(*(2,) * nd):
            sides = tuple(n - d for d in drop)
            total += (-1) ** sum(drop) * H(((1,) if nd == 2 else ()) + sides)
        return total

    hs = [h(n) for n in range(1, nmax + 1)]
    return np.arange(1, nmax + 1), np.array(hs)


def entropy_density(
    image, *, method="conditional", max_block=None, max_neighbours=None, bins=None, range=None,
    estimator="miller_madow", base=2, levels=None,
) -> EntropyDensity:
    """Entropy per pixel of a stationary image, with an error estimate.

    The entropy density h = lim H(region) / |region| of the random field the image is
    a sample of, approached by a sequence that converges from above:

    - ``method='conditional'`` (default): h(k) = H(X | k nearest pixels of the raster
      scan's boundary) (:func:`staircase_neighbours`), k = 0, 1, ..., the conditional
      entropy of a pixel given its past [1]_. For a nearest-neighbour Markov field the
      pixel depends on its whole past only through that staircase, so h(k) converges
      quickly (equilibrium Ising configurations: within 0.002 nats of Onsager's entropy
      by k ~ 6, T = 1.8 to 5).
    - ``method='block'``: the two-dimensional block-entropy difference
      h(n) = H(n, n) - H(n, n-1) - H(n-1, n) + H(n-1, n-1), H(r, c) the entropy of
      r x c blocks. If H(r, c) = h r c + a (r + c) + b (area, perimeter and corner
      terms), this mixed second difference is exactly h; n = 1 gives H(X).

    The sequence stops at ``max_neighbours`` / ``max_block``, by default at the largest
    size whose L**(pixels) possible joint patterns leave 64 samples each on average, so
    that the estimator's bias stays small. The value is the last member; its error
    combines the spread over the four image quadrants with the last step of the
    sequence. Counting uses :func:`infopix._kernels.spatial._pattern_codes`.

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray
        Bool or integer image or volume, or a float one with ``bins``. On a volume the
        staircase is the 3-D one (``staircase_neighbours(k, ndim=3)``), the blocks are
        n x n x n and h(n) is the third mixed difference of the block entropies (exact
        for H = h xyz + surface, edge and corner terms); the error uses the eight
        octants.
    method : {'conditional', 'block'}, optional
        Which sequence (see above).
    max_block : int, optional
        Largest block side for ``method='block'``.
    max_neighbours : int, optional
        Largest neighbourhood size k for ``method='conditional'``.
    bins : int, optional
        Requantise into ``bins`` symbols.
    range : (float, float), optional
        Binning interval with ``bins`` (default: see the module's Symbols section).
    estimator : str, optional
        Entropy estimator; default ``'miller_madow'``, whose first-order bias
        correction keeps the largest neighbourhoods usable.
    base : float, optional
        Logarithm base: 2 (bits per pixel, default) or ``np.e`` (nats, the unit of
        thermodynamic entropy per spin with k_B = 1).
    levels : int, optional
        Deprecated alias of ``bins`` (emits a DeprecationWarning).

    Returns
    -------
    EntropyDensity

    Raises
    ------
    ValueError
        A block or neighbourhood larger than the image, unknown method.

    Notes
    -----
    Validation (tests/test_spatial.py): on equilibrium Ising configurations the
    conditional method meets Onsager's entropy per spin; the staircase sequence is
    within 0.002 nats of it for k = 4 .. 9 (means of 6 configurations, L = 256,
    T = 1.8, 2.27, 3.0, 5.0). The per-configuration spread is 0.002 to 0.005 nats
    (L = 256) except near the critical point, where the configuration's own entropy
    fluctuates (critical energy fluctuations): 0.02 nats at L = 128, T = 2.27, more
    than the quadrant-based ``error`` reports. The block method converges more slowly
    (its useful n is 2 or 3 for binary images of 10^4 to 10^6 pixels) and its error is
    dominated by the last step.

    References
    ----------
    .. [1] D. P. Feldman and J. P. Crutchfield, "Structural information in
       two-dimensional patterns: Entropy convergence and excess entropy", Phys. Rev. E
       67, 051104 (2003), doi:10.1103/PhysRevE.67.051104.

    Examples
    --------
    >>> import numpy as np
    >>> stripes = np.indices((64, 64))[1] % 2
    >>> d = entropy_density(stripes, max_neighbours=3, estimator="plugin")
    >>> d.estimates.round(12).tolist()       # H(X) = 1 bit, then the left pixel decides
    [1.0, 0.0, 0.0, 0.0]
    """
    sym, L = _symbols(image, bins, range, levels, ndim=(2, 3))
    meth = v.check_choice(method, ("conditional", "block"), name="method")
    b = v.check_base(base)
    nd, shape, npix = sym.ndim, sym.shape, sym.size
    N = shape[-1]
    sym3 = _as3(sym)
    if meth == "conditional":
        if max_neighbours is None:
            kmax = max(1, min(_auto_limit(L, npix), N))  # k staircase pixels span k columns
        else:
            kmax = v.check_positive_int(max_neighbours, name="max_neighbours")
        try:
            _parse_neighbours(staircase_neighbours(kmax, ndim=nd), shape)  # fits in the image?
        except ValueError:
            raise ValueError(
                f"`max_neighbours` ({kmax}) gives a staircase neighbourhood larger than the image "
                f"({_dims(shape)}); the staircase of k pixels spans up to k columns, so use at most {N}."
            ) from None
        sizes, hs = _density_conditional(sym3, L, kmax, estimator, b, nd)
        offs = _staircase3(kmax, nd)
        extent = tuple(max(0, *c) - min(0, *c) + 1 for c in zip(*offs))

        def last(s):
            return _conditional(s, L, offs, estimator, b)
    else:
        if max_block is None:
            nmax = 1
            while L ** ((nmax + 1) ** nd) * 64 <= npix and nmax + 1 <= min(shape):
                nmax += 1
            nmax = max(nmax, 2)
        else:
            nmax = v.check_positive_int(max_block, name="max_block")
        _check_block(nmax, shape, name="max_block")
        sizes, hs = _block_diff_sequence(sym3, L, nmax, estimator, b, nd)
        extent = (1,) + (nmax,) * nd if nd == 2 else (nmax,) * 3

        def last(s):
            return _block_diff_sequence(s, L, nmax, estimator, b, nd)[1][-1]
    conv = abs(float(hs[-1] - hs[-2])) if hs.size > 1 else 0.0
    # the spread over the 2**nd quadrants (octants of a volume): se = sd / sqrt(parts)
    split = builtins.range(3 - nd, 3)
    halves = [sym3.shape[a] // 2 for a in builtins.range(3)]
    if all(halves[a] >= 4 * extent[a] for a in split):
        parts = []
        for corner in np.ndindex(*(2,) * nd):
            sl = [slice(None)] * 3
            for a, c in zip(split, corner):
                sl[a] = slice(c * halves[a], (c + 1) * halves[a])
            parts.append(last(np.ascontiguousarray(sym3[tuple(sl)])))
        se = float(np.std(parts, ddof=1) / math.sqrt(len(parts)))
    elif meth == "conditional":
        se = _conditional(sym3, L, _staircase3(int(sizes[-1]), nd), estimator, b, with_std=True)[1]
    else:
        se = 0.0
    value = float(hs[-1]) + 0.0
    return EntropyDensity(
        value=value, error=math.hypot(se, conv), se=se, convergence=conv, sizes=sizes,
        estimates=hs + 0.0, method=meth, estimator=str(estimator), base=b, ndim=sym.ndim,
    )


# ----------------------------------------------------------------------------------
# computable information density
# ----------------------------------------------------------------------------------


def _hilbert_order(M: int, N: int) -> np.ndarray:
    """Flat pixel indices of an M x N image in Hilbert-curve order.

    The curve of the enclosing 2**p x 2**p square, restricted to the image's pixels
    (exact Hilbert scan when M == N is a power of two). Compiled; see :func:`_scan`.
    """
    return _scan(np.arange(M * N, dtype=np.int64).reshape(M, N), "hilbert", np.int64)


def _scan(sym: np.ndarray, scan: str, dtype) -> np.ndarray:
    """The symbols of ``sym`` (M, N) or (Z, Y, X) as a 1-D ``dtype`` sequence read
    along ``scan``.

    Hilbert: when the image fills at least 1/8 of the enclosing power-of-two square
    (cube) the curve is walked cell by cell, keeping the cells inside the image
    (:func:`infopix._kernels.cid._hilbert_scan`, ``_hilbert3_scan``; O(square));
    otherwise every pixel's curve index is computed (``_hilbert_index``,
    ``_hilbert3_index``) and sorted (O(n log n), for elongated images). Both give the
    same order.
    """
    if scan == "raster":
        return sym.ravel().astype(dtype)
    S, nbits = 1, 0
    while S < max(sym.shape):
        S, nbits = 2 * S, nbits + 1
    n = sym.size
    if S ** sym.ndim <= 8 * n:
        out = np.empty(n, dtype=dtype)
        if sym.ndim == 2:
            _kc._hilbert_scan(np.ascontiguousarray(sym), np.int64(S), out)
        else:
            _kc._hilbert3_scan(np.ascontiguousarray(sym), np.int64(S), np.int64(nbits), out)
        return out
    if sym.ndim == 2:
        d = _kc._hilbert_index(*(np.int64(k) for k in (*sym.shape, S)))
    else:
        d = _kc._hilbert3_index(*(np.int64(k) for k in (*sym.shape, S, nbits)))
    return sym.ravel()[np.argsort(d)].astype(dtype)


#: Field width, in bits, of a symbol of an alphabet of L symbols in the compressed
#: stream: the smallest of 1, 2, 4, 8, 16, 32 that holds L - 1.
def _symbol_bits(L: int) -> int:
    for b in (1, 2, 4, 8, 16):
        if L <= 1 << b:
            return b
    return 32


def _serialise(seq: np.ndarray, L: int) -> np.ndarray:
    """The byte stream that is compressed: symbols packed into ``_symbol_bits(L)``-bit
    fields (1, 2 or 4 bits several to a byte, first symbol in the high bits; 16 and 32
    bits little-endian)."""
    bits = _symbol_bits(L)
    if bits < 8:
        return _kc._pack_symbols(np.ascontiguousarray(seq, dtype=np.uint8), np.int64(bits))
    if bits == 8:
        return np.ascontiguousarray(seq, dtype=np.uint8)
    return np.ascontiguousarray(seq, dtype="<u2" if bits == 16 else "<u4").view(np.uint8)


#: Default length of the shuffled and uniform references per compressor (missing:
#: full length), see ``reference_pixels``; tests/test_cid.py checks convergence.
_REF_PIXELS = {"zlib": 1 << 20}
#: Bytes per independently compressed piece (compressed in parallel threads); none for
#: lzma, whose 8 MiB dictionary would lose matches at the cuts. zlib: 32 KiB window;
#: bz2: 900 kB blocks, so the cuts cost nothing measurable (tested).
_CHUNK = {"zlib": 1 << 22, "bz2": 4 * 900_000, "lzma": None}


def _compress_len(data, compressor: str) -> int:
    """Compressed length in bytes of the byte string ``data``, one stream."""
    if compressor == "lzma":
        return len(lzma.compress(data, format=lzma.FORMAT_RAW,
                                 filters=[{"id": lzma.FILTER_LZMA2, "preset": 6}]))
    if compressor == "bz2":
        return len(bz2.compress(data, 9))
    co = zlib.compressobj(6, zlib.DEFLATED, -15)
    return len(co.compress(data)) + len(co.flush())


def _pieces(data: np.ndarray, compressor: str, chunk=0) -> list:
    """``data`` cut into the pieces compressed independently (memoryviews, no copy)."""
    size = _CHUNK[compressor] if chunk == 0 else chunk
    buf = memoryview(data).cast("B")
    if size is None or len(buf) <= size:
        return [buf]
    return [buf[i:i + size] for i in builtins.range(0, len(buf), size)]


def _compressed_bits(data: np.ndarray, compressor: str, window: int, L: int = 256, *, chunk=0) -> float:
    """Compressed length in bits of the symbol sequence ``data`` (serial; the public
    function runs the pieces in threads)."""
    if compressor == "lz77":
        n = data.size
        c = _k._lz77_phrases(np.ascontiguousarray(data, dtype=np.int64), np.int64(window))
        return float(c) * math.log2(max(n, 2))
    return 8.0 * sum(_compress_len(p, compressor) for p in _pieces(_serialise(data, L), compressor, chunk))


@dataclass(frozen=True)
class CIDResult:
    """Computable information density of an image.

    Attributes
    ----------
    cid : float
        Compressed length of the scanned symbol sequence, bits per pixel.
    cid_shuffled : float
        The same for randomly shuffled copies of the sequence (mean over shuffles):
        what the compressor makes of the same symbols without spatial order.
    ratio : float
        ``cid / cid_shuffled``: about 1 for spatially uncorrelated pixels, smaller the
        more order the scan reveals; comparable across images and compressors. It
        estimates h / H(X), the entropy density over the entropy of the marginal
        (intensity) distribution, so it measures *spatial* order only.
    cid_uniform : float
        CID of a sequence of as many i.i.d. uniformly random symbols from the same
        alphabet: the compressor's output for incompressible data of this length.
    density : float
        ``cid / cid_uniform * log2(L)``: the CID calibrated against incompressible
        data, an estimate of the entropy density in bits per pixel (from above). Unlike
        ``ratio`` it also falls when the intensity distribution narrows, as for an
        ordered (magnetised) Ising configuration.
    levels : int
        L, the size of the alphabet.
    scan : str
    compressor : str
    n_pixels : int
    n_shuffles : int
    n_reference : int
        Length of each reference sequence (shuffled and uniform): ``n_pixels``, or the
        sample length ``reference_pixels`` for larger images.
    """

    cid: float
    cid_shuffled: float
    ratio: float
    cid_uniform: float
    density: float
    levels: int
    scan: str
    compressor: str
    n_pixels: int
    n_shuffles: int
    n_reference: int = 0


def computable_information_density(
    image, *, scan="hilbert", compressor="zlib", bins=None, range=None, n_shuffles=1, window=4096, rng=None,
    levels=None, reference_pixels=None,
) -> CIDResult:
    """Compression-based information density (Martiniani, Chaikin & Levine 2019).

    The image's symbols are read along a space-filling scan into a sequence of n
    symbols, the sequence is compressed losslessly, and the CID is the compressed length
    in bits per pixel [1]_. It estimates the entropy rate of the sequence from above.
    Dividing by the CID of a randomly shuffled copy (same symbols, no spatial order)
    removes the compressor's overhead and the alphabet's entropy, giving a ratio that is
    comparable across images: 1 for independent pixels, towards 0 for ordered ones.
    Dividing instead by the CID of i.i.d. uniform symbols gives ``density``, an
    entropy-density estimate in bits per pixel that also counts the narrowing of the
    intensity distribution (this is the one that falls monotonically with temperature
    on equilibrium Ising configurations; ``ratio`` does not, since at low temperature
    the few minority spins are nearly independent and the ratio climbs back towards 1).

    Parameters
    ----------
    image : (M, N) or (Z, Y, X) ndarray
        Bool or integer image or volume, or a float one with ``bins``. A 3-D array is
        a volume (resolve colour to a channel first).
    scan : {'hilbert', 'raster'}, optional
        ``'hilbert'`` (default) keeps neighbouring pixels close in the sequence. It is
        the exact Hilbert curve for square images with a power-of-two side; other
        shapes are scanned along the Hilbert curve of the enclosing power-of-two square,
        skipping positions outside the image (no padding symbols are added; the curve
        then jumps at the image's edge). Volumes are read along the 3-D Hilbert curve of
        the enclosing cube (Skilling's construction [2]_), the same way.
        ``'raster'`` reads rows left to right (slice after slice on a volume).
    compressor : {'zlib', 'bz2', 'lzma', 'lz77'}, optional
        ``'zlib'`` (default): raw DEFLATE, level 6 (LZ77 with a 32 KiB window + Huffman
        coding), the fastest (about 4 s for a 4096 x 4096 8-bit image on a loaded
        2-core machine, linear in the pixels); level 9 compresses binary images a few %
        better but is up to 30 times slower on them. ``'bz2'``: Burrows-Wheeler, level 9
        (900 kB blocks); tighter than zlib on binary and smooth images (on an 8-bit
        photograph within 5 % of lzma) but about 4 times slower than zlib, more on noise
        and on very repetitive images. ``'lzma'``: LZMA2 (Python's ``lzma``, raw stream,
        preset 6), an LZ77-family coder with range coding, usually the tightest, and
        about 25 times slower than zlib on 8-bit images (benchmarks/spatial.md).
        ``'lz77'``: a plain greedy LZ77 parsing with a ``window``-symbol window, coded as
        c log2(n) bits for c phrases (the classic
        Lempel-Ziv estimate); O(n x window) time, so meant for images up to about
        256 x 256. Every compressor gives an upper bound of the same entropy density;
        the tighter the compressor, the closer ``cid`` and ``density`` come to it (and
        the lower ``ratio``), so compare images with one compressor.
    bins : int, optional
        Requantise into ``bins`` symbols.
    range : (float, float), optional
        Binning interval with ``bins`` (default: see the module's Symbols section).
    n_shuffles : int, optional
        Number of shuffled copies averaged for the normalisation.
    window : int, optional
        Window of the ``'lz77'`` compressor, in symbols.
    rng : {numpy.random.Generator, int}, optional
        Source of the shuffles.
    levels : int, optional
        Deprecated alias of ``bins`` (emits a DeprecationWarning).
    reference_pixels : int, 'full' or None, optional
        Length of the shuffled and uniform reference sequences. Images with more pixels
        are compared with references of this length: the shuffled reference is then
        ``reference_pixels`` symbols drawn independently from the image's symbol
        histogram (a shuffle of a random sample), the uniform one as many i.i.d. uniform
        symbols, and their compressed lengths are taken per symbol, so the cost stops
        growing with the image. ``'full'``: full-length references (a complete
        shuffle). ``None`` (default): 2**20 for zlib, whose compressed length per symbol
        of an i.i.d. sequence has converged there (within 0.5 % of its value at 2**22
        symbols for every histogram tried, tested), and ``'full'`` for the other
        compressors (measured at 2**20 against 2**22: bz2 up to 1 %, lzma up to 3 %
        on sparse binary sequences, whose long-range matches keep improving).

    Returns
    -------
    CIDResult

    Notes
    -----
    The compressed stream holds each symbol in a field of b bits, b the smallest of
    1, 2, 4, 8, 16, 32 with 2**b >= L, so a binary image is packed eight pixels to a
    byte. LZ77 coders such as zlib find matches over bytes and code each literal in at
    least one bit: on a 1024 x 1024 binary image (thresholded smoothed noise, Hilbert
    scan) zlib took 0.73 bit per pixel at one byte per pixel and 0.51 packed, where
    lzma took 0.53 and 0.46. The scan is compressed as one stream (lzma) or in
    independent pieces of 4 MiB (zlib; 3.6 MB for bz2) in parallel threads; zlib's
    32 KiB window and bz2's 900 kB blocks make the cuts cost under 0.1 % (tested). The
    Hilbert scan is compiled (:func:`infopix._kernels.cid._hilbert_scan`): a walk along
    the curve, O(n) for images that fill the enclosing power-of-two square.

    References
    ----------
    .. [1] S. Martiniani, P. M. Chaikin and D. Levine, "Quantifying hidden order out of
       equilibrium", Phys. Rev. X 9, 011031 (2019), doi:10.1103/PhysRevX.9.011031.
    .. [2] J. Skilling, "Programming the Hilbert curve", AIP Conf. Proc. 707, 381
       (2004), doi:10.1063/1.1751381.

    Examples
    --------
    >>> import numpy as np
    >>> noise = np.random.default_rng(0).integers(0, 2, (128, 128)).astype(bool)
    >>> stripes = np.indices((128, 128))[1] % 2 == 0
    >>> r_noise = computable_information_density(noise, rng=1).ratio
    >>> r_stripes = computable_information_density(stripes, rng=1).ratio
    >>> bool(abs(r_noise - 1) < 0.05), bool(r_stripes < 0.2)
    (True, True)
    """
    if np.ndim(image) == 3 and not isinstance(image, (str, bytes)):  # a (Z, Y, X) volume
        vol = v.check_image(image, ndim=(3,), min_pixels=2)
        sym, L = _symbols(vol.reshape(-1, vol.shape[-1]), bins, range, levels)  # per-value map
        sym = sym.reshape(vol.shape)
    else:
        sym, L = _symbols(image, bins, range, levels)
    sc = v.check_choice(scan, ("hilbert", "raster"), name="scan")
    comp = v.check_choice(compressor, ("zlib", "bz2", "lzma", "lz77"), name="compressor")
    ns = v.check_positive_int(n_shuffles, name="n_shuffles")
    win = v.check_positive_int(window, name="window")
    if reference_pixels is None:
        nref = _REF_PIXELS.get(comp)
    elif isinstance(reference_pixels, str):
        if reference_pixels != "full":
            raise ValueError(f"`reference_pixels` expects an integer >= 2, 'full' or None, got {reference_pixels!r}.")
        nref = None
    else:
        nref = v.check_positive_int(reference_pixels, name="reference_pixels", minimum=2)
    rng = np.random.default_rng(rng)
    seq = _scan(sym, sc, np.uint8 if L <= 256 else (np.uint16 if L <= 65536 else np.uint32))
    del sym
    n = seq.size
    m = n if nref is None else min(n, nref)
    # references: a shuffle of the whole sequence, or m draws from its histogram
    refs = [rng.permutation(seq) if m == n else seq[rng.integers(0, n, m)] for _ in builtins.range(ns)]
    uniform = rng.integers(0, L, m).astype(seq.dtype) if L > 1 else None
    seqs = [seq, *refs] + ([uniform] if uniform is not None else [])
    if comp == "lz77":
        bits = [_compressed_bits(s, comp, win, L) for s in seqs]
    else:
        jobs = [(i, p) for i, s in enumerate(seqs) for p in _pieces(_serialise(s, L), comp)]
        workers = min(len(jobs), os.cpu_count() or 1)
        if workers > 1:  # zlib, bz2 and lzma release the GIL while compressing
            with ThreadPoolExecutor(workers) as pool:
                sizes = list(pool.map(lambda job: _compress_len(job[1], comp), jobs))
        else:
            sizes = [_compress_len(p, comp) for _, p in jobs]
        bits = [0.0] * len(seqs)
        for (i, _), size in zip(jobs, sizes):
            bits[i] += 8.0 * size
    cid = bits[0] / n
    ref = float(np.mean([b / m for b in bits[1:ns + 1]]))
    if uniform is not None:
        cu = bits[-1] / m
        density = cid / cu * math.log2(L)
    else:
        cu, density = 0.0, 0.0
    return CIDResult(
        cid=cid, cid_shuffled=ref, ratio=cid / ref if ref > 0 else 1.0, cid_uniform=cu,
        density=density, levels=L, scan=sc,
        compressor=comp, n_pixels=n, n_shuffles=ns, n_reference=m,
    )
