"""The one place where pixel values become outcomes.

:func:`resolve_binning` decides, once, how the values of an image are turned into K
outcomes; the result is a small frozen :class:`Binning` whose :meth:`Binning.codes`
and :meth:`Binning.counts` run the compiled kernels of
:mod:`infopix._kernels.histogram`. Every family that counts things (intensity
entropies, joint colour, local and block maps, entropy against scale, spatial
patterns, chunked Dask maps) asks this module; none re-derives a rule.

The rules
---------
Integer levels (bool or integer image, neither ``bins`` nor ``range`` given)
    One outcome per level, code = value - offset. bool: K = 2; uint8/int8: 256;
    uint16/int16: 65536 (the dtype's levels, whatever the data); wider integer dtypes:
    the data's levels from min to max (at most :data:`~infopix._config.MAX_INTEGER_LEVELS`,
    beyond which ``bins`` is required).
Equal-width bins (float images, or ``bins``/``range`` given)
    K = ``bins`` (default :data:`~infopix._config.DEFAULT_FLOAT_BINS`) bins over
    ``range``: by default the dtype's level span for bool and 8/16-bit integers
    (uint8: (0, 256), so ``bins=16`` is ``value // 16``), else the data's [min, max]
    (widened to [v - 0.5, v + 0.5] for a constant image). Values on bin edges follow
    ``numpy.histogram``: bins ``[e_k, e_k+1)``, the last one closed.
Masks
    Only values where ``mask`` is True are counted, and the data-dependent defaults
    (min, max) are taken over them. A :class:`numpy.ma.MaskedArray`'s own mask is
    combined with ``mask`` (:func:`split_masked`).
NaN and inf
    Never counted silently: a non-finite value in the counted region is an error
    naming how to exclude it (``mask=np.isfinite(image)``). Values outside an explicit
    ``range`` are an error too, never dropped.

The resolution works on N-D arrays alike (2-D images, 3-D volumes): counting is
dimension-free.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from . import _validation as v
from ._config import DEFAULT_FLOAT_BINS, MAX_INTEGER_LEVELS
from ._kernels import histogram as _k

__all__ = [
    "Binning",
    "DTYPE_LEVELS",
    "resolve_binning",
    "binning_for",
    "extent",
    "needs_extent",
    "split_masked",
    "code_dtype",
]

#: (offset, number of levels) of the dtypes whose levels do not depend on the data.
DTYPE_LEVELS = {
    np.dtype(np.bool_): (0, 2),
    np.dtype(np.uint8): (0, 256),
    np.dtype(np.int8): (-128, 256),
    np.dtype(np.uint16): (0, 65536),
    np.dtype(np.int16): (-32768, 65536),
}



def code_dtype(K: int) -> np.dtype:
    """The smallest code dtype holding ``0 .. K - 1`` (uint8, uint16 or int32/int64)."""
    if K <= 256:
        return np.dtype(np.uint8)
    if K <= 65536:
        return np.dtype(np.uint16)
    return np.dtype(np.int32) if K <= 2**31 else np.dtype(np.int64)


@dataclass(frozen=True)
class Binning:
    """How values become K outcomes: integer levels, or equal-width float bins.

    Attributes
    ----------
    n_outcomes : int
        K, the number of possible outcomes (observed or not).
    offset : int or None
        Integer levels: the value of outcome 0 (code = value - offset). None for float
        bins.
    lo, hi : float
        Float bins: the binning range (``edges`` run from ``lo`` to ``hi``). For integer
        levels, the half-open level span ``[offset, offset + K)``.
    """

    n_outcomes: int
    offset: int | None = None
    lo: float = 0.0
    hi: float = 0.0

    # ----------------------------------------------------------------- describing
    @property
    def is_levels(self) -> bool:
        """True for integer levels (one outcome per value), False for float bins."""
        return self.offset is not None

    @property
    def range(self) -> tuple[float, float]:
        """(lo, hi): the binning range, or the level span for integer levels."""
        return (self.lo, self.hi)

    @cached_property
    def edges(self) -> np.ndarray | None:
        """Float bins: the K + 1 edges ``linspace(lo, hi, K + 1)`` (numpy.histogram's);
        None for integer levels."""
        if self.is_levels:
            return None
        e = v.equal_width_edges(self.lo, self.hi, self.n_outcomes)
        e.flags.writeable = False
        return e

    @property
    def code_dtype(self) -> np.dtype:
        """The dtype of :meth:`codes` (uint8 up to 256 outcomes, uint16 up to 65536)."""
        return code_dtype(self.n_outcomes)

    def levels_as_bins(self) -> "Binning":
        """Integer levels as float bins centred on the levels (edges at half-integers).

        For values that are integers the codes are unchanged; other values go to the
        nearest level (ties to the upper one, the last edge closed). Used where
        integer images are averaged (``entropy_vs_scale``): rounding == binning.
        """
        if not self.is_levels:
            return self
        return Binning(self.n_outcomes, None, self.offset - 0.5, self.offset + self.n_outcomes - 0.5)

    # ----------------------------------------------------------------- applying
    def _flat(self, values, mask):
        arr = np.asarray(values)
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"`image` expects a bool, integer or float dtype, got dtype {arr.dtype}.")
        if self.is_levels and arr.dtype.kind == "f":
            raise TypeError(
                f"integer-level binning (K = {self.n_outcomes}) cannot bin a float image; "
                f"pass `bins` (and `range`) instead."
            )
        flat = np.ascontiguousarray(arr).reshape(-1)
        if not flat.dtype.isnative:  # (check_image converts images; this is for direct calls)
            flat = flat.astype(flat.dtype.newbyteorder("="))
        if flat.dtype == np.bool_:  # astype, not a view: raw bytes other than 0/1 count as 1
            flat = flat.astype(np.uint8)
        m = None if mask is None else np.ascontiguousarray(np.broadcast_to(mask, arr.shape)).reshape(-1)
        return arr, flat, m

    def codes(self, values, mask=None) -> np.ndarray:
        """The outcome code of every value, shape of ``values``, dtype :attr:`code_dtype`.

        uint8 and uint16 images binned by their own levels are their own codes (returned
        without a copy when C-contiguous). Masked-out values get code 0.

        Raises
        ------
        ValueError
            A counted value outside the binning (NaN or inf included).
        """
        arr, flat, m = self._flat(values, mask)
        K = self.n_outcomes
        if (
            self.is_levels and self.offset == 0 and flat.dtype == self.code_dtype and m is None
            and (K == 1 << (8 * flat.dtype.itemsize) or arr.dtype == np.bool_)
        ):  # the values are their own codes (bool: the 0/1 copy made by _flat)
            return flat.reshape(arr.shape)
        out = np.empty(flat.size, dtype=self.code_dtype)
        if self.is_levels:
            outside = _k.level_walk(flat, m, np.int64(self.offset), np.int64(K), 0, flat.size, out, None)
        else:
            outside = _k.bin_walk(flat, m, self.edges, out, None)
        if outside:
            self._raise_outside(arr, mask, outside)
        return out.reshape(arr.shape)

    def counts(self, values, mask=None) -> np.ndarray:
        """Counts of the K outcomes over the (masked) values, int64 of length K.

        Raises
        ------
        ValueError
            A counted value outside the binning (NaN or inf included).
        """
        counts, outside = self.counts_outside(values, mask)
        if outside:
            self._raise_outside(np.asarray(values), mask, outside)
        return counts

    def counts_outside(self, values, mask=None) -> tuple[np.ndarray, int]:
        """(counts, number of counted values outside the binning), without raising."""
        arr, flat, m = self._flat(values, mask)
        if self.is_levels:
            # the parallel counter only with threads to share it: on one thread it is the
            # serial walk plus a parallel region (1.8-3x slower, far more on a busy machine)
            import numba

            parallel = flat.size >= _k.PARALLEL_MIN_PIXELS and numba.get_num_threads() > 1
            kern = _k.level_counts_parallel if parallel else _k.level_counts_serial
            counts, outside = kern(flat, m, np.int64(self.offset), np.int64(self.n_outcomes))
        else:
            counts = np.zeros(self.n_outcomes, dtype=np.int64)
            outside = _k.bin_walk(flat, m, self.edges, None, counts)
        return counts, int(outside)

    def _raise_outside(self, arr, mask, outside: int):
        if arr.dtype.kind == "f":
            bad = ~np.isfinite(arr)
            if mask is not None:
                bad &= np.broadcast_to(mask, arr.shape)
            if bad.any():
                _raise_nonfinite(int(np.count_nonzero(bad)))
        if self.is_levels:
            raise ValueError(
                f"{outside} pixel value(s) lie outside the {self.n_outcomes} integer levels "
                f"[{self.offset}, {self.offset + self.n_outcomes - 1}] of this binning; "
                f"exclude them with `mask`."
            )
        raise ValueError(
            f"`range` ({self.lo:g}, {self.hi:g}) excludes {outside} pixel value(s); widen "
            f"`range` or exclude those pixels with `mask`."
        )


def _raise_nonfinite(n: int, name: str = "image"):
    raise ValueError(
        f"`{name}` has {n} NaN or inf pixel(s) in the region analysed; NaN is never "
        f"counted silently: exclude them with mask=np.isfinite({name})."
    )


def needs_extent(dtype, bins=None, range=None) -> bool:
    """Whether :func:`resolve_binning` needs the data's (min, max) for these options."""
    dtype = np.dtype(dtype).newbyteorder("=")  # '>u2' has uint16's levels
    if isinstance(bins, Binning) or range is not None:
        return False
    return dtype not in DTYPE_LEVELS


def resolve_binning(
    dtype,
    bins=None,
    range=None,
    *,
    extent=None,
    float_bins=DEFAULT_FLOAT_BINS,
    min_bins: int = 1,
    bins_name: str = "bins",
    name: str = "image",
) -> Binning:
    """The binning of values of ``dtype`` for the options ``bins`` and ``range``.

    Parameters
    ----------
    dtype : numpy dtype
        The values' dtype (bool, integer or float).
    bins : int or Binning, optional
        Number of equal-width bins, or an already resolved :class:`Binning` (returned
        as is; ``range`` must then be None).
    range : (float, float), optional
        Binning interval.
    extent : (min, max), optional
        The counted values' min and max; required when :func:`needs_extent` says so
        (float images without ``range``, integer dtypes wider than 16 bits).
    float_bins : int, optional
        Default ``bins`` for float images.
    min_bins : int, optional
        The smallest ``bins`` accepted.
    bins_name, name : str
        Parameter names used in error messages.

    Returns
    -------
    Binning
    """
    dtype = np.dtype(dtype).newbyteorder("=")  # '>u2' has uint16's levels
    if isinstance(bins, Binning):
        if range is not None:
            raise ValueError(f"`range` must be None when `{bins_name}` is a resolved Binning, got {range!r}.")
        return bins
    if dtype.kind not in "biuf":
        raise TypeError(f"`{name}` expects a bool, integer or float dtype, got dtype {dtype}.")
    if bins is None and range is None and dtype.kind in "biu":
        if dtype in DTYPE_LEVELS:
            offset, K = DTYPE_LEVELS[dtype]
        else:
            lo, hi = (operator.index(x) for x in _need(extent))
            offset, K = lo, hi - lo + 1
            if K > MAX_INTEGER_LEVELS:
                raise ValueError(
                    f"`{name}` of dtype {dtype} spans {K} integer levels (more than "
                    f"{MAX_INTEGER_LEVELS}); pass `{bins_name}` (and `range`) to bin its values."
                )
        return Binning(int(K), int(offset), float(offset), float(offset + K))
    if bins is None:
        if float_bins is None:
            raise TypeError(f"`{bins_name}` is required for a float image (dtype {dtype}).")
        bins = float_bins
    K = v.check_positive_int(bins, name=bins_name, minimum=min_bins)
    if range is not None:
        lo, hi = v.check_range(range)
    elif dtype in DTYPE_LEVELS:
        offset, n = DTYPE_LEVELS[dtype]
        lo, hi = float(offset), float(offset + n)
    else:
        lo, hi = (float(x) for x in _need(extent))
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise ValueError(
                f"`{name}` has NaN or inf pixels; NaN is never counted silently: exclude "
                f"them with mask=np.isfinite({name}) (or replace them)."
            )
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
    b = Binning(int(K), None, lo, hi)
    b.edges  # noqa: B018 - refuse unusable ranges (overflowing spans) now, not on first use
    return b


def _need(extent):
    if extent is None:
        raise ValueError("internal: this binning depends on the data's extent, none was given")
    return extent


def extent(values, mask=None, *, name: str = "image") -> tuple:
    """(min, max) of the counted values; raises on NaN or inf among them.

    Integers come back as Python ints (exact for int64), floats as floats. (numpy's
    min and max: NaN and inf show in them, so finiteness costs no extra pass.)
    """
    arr = np.asarray(values)
    sel = arr if mask is None else arr[np.broadcast_to(mask, arr.shape)]
    lo, hi = sel.min(), sel.max()
    if arr.dtype.kind == "f":
        if not (np.isfinite(lo) and np.isfinite(hi)):
            _raise_nonfinite(int(np.count_nonzero(~np.isfinite(sel))), name)
        return float(lo), float(hi)
    return int(lo), int(hi)


def binning_for(values, bins=None, range=None, mask=None, **options) -> Binning:
    """:func:`resolve_binning` for these values, reading their extent only if needed.

    Also enforces the NaN policy: a float image's counted values must be finite (this
    pass is free when the extent is read anyway; otherwise the codes/counts kernels
    find them as values outside the binning).

    Examples
    --------
    >>> import numpy as np
    >>> from infopix._binning import binning_for
    >>> x = np.array([0.0, 0.3, 0.5, 1.0])
    >>> b = binning_for(x, bins=10, range=(0, 1))
    >>> b.codes(x).tolist()          # numpy.histogram's bins: 1.0 in the closed last bin
    [0, 2, 5, 9]
    >>> b.counts(x).tolist() == np.histogram(x, bins=10, range=(0, 1))[0].tolist()
    True
    >>> u = binning_for(np.zeros((2, 3, 4), np.int8))   # integer levels, any dimension
    >>> u.n_outcomes, u.offset
    (256, -128)
    """
    arr = np.asarray(values)
    ext = extent(arr, mask, name=options.get("name", "image")) if needs_extent(arr.dtype, bins, range) else None
    return resolve_binning(arr.dtype, bins, range, extent=ext, **options)


def split_masked(image, mask=None, *, name: str = "image", mask_name: str = "mask"):
    """(data, mask) with a :class:`numpy.ma.MaskedArray`'s own mask combined into ``mask``.

    ``numpy.ma`` masks mark *invalid* entries, infopix masks the pixels *counted*: a
    pixel counts when ``mask`` (if given) is True there and the masked array does not
    mask it (in any channel, for colour images). Plain arrays pass through unchanged.
    """
    if not isinstance(image, np.ma.MaskedArray):
        return image, mask
    data = np.ma.getdata(image)
    invalid = np.ma.getmask(image)
    if invalid is np.ma.nomask or not invalid.any():
        return data, mask
    invalid = np.asarray(invalid)
    if data.ndim == 3 and data.shape[-1] in (3, 4):  # colour: a pixel is out if any channel is
        invalid = invalid.any(axis=-1)
    valid = ~invalid
    if mask is not None:
        m = v.check_mask(mask, valid.shape, name=mask_name)
        valid = valid & m
    if not valid.any():
        raise ValueError(
            f"`{name}` (a masked array) and `{mask_name}` together select no pixel; at "
            f"least one pixel must be unmasked."
        )
    return data, valid
