"""Input checks shared by every public function.

Each check raises ``TypeError`` for a wrong type or dtype and ``ValueError`` for a wrong
value or shape. Messages name the parameter in backticks, state what is accepted and
echo what was received, e.g. ``"`radius` expects a non-negative integer, got -1."``.
"""

from __future__ import annotations

import numbers
import operator
import warnings
from collections.abc import Sequence

import numpy as np

from ._config import PROBABILITY_ATOL

__all__ = [
    "check_image",
    "check_mask",
    "check_probabilities",
    "check_alpha",
    "check_base",
    "check_radius",
    "check_radii",
    "check_positive_int",
    "check_choice",
    "check_counts",
    "check_finite_or_masked",
    "check_sigma",
    "log_base",
]

_INTEGER_KINDS = "biu"


def _describe(x) -> str:
    if isinstance(x, np.ndarray):
        return f"array of shape {x.shape} and dtype {x.dtype}"
    return repr(x)


class ColourShapedVolumeWarning(UserWarning):
    """A 3-D array whose last axis is 3 or 4 long (the shape of a colour image) was read
    as a (Z, Y, X) volume by a function that takes images and volumes. Callers that know
    the axes (the CLI read the file with them; a measure context made with
    ``volume=True``) filter it out by this category."""


def check_image(
    image,
    *,
    name: str = "image",
    ndim: Sequence[int] = (2,),
    allow_color: bool = False,
    allow_float: bool = True,
    allow_bool: bool = True,
    min_pixels: int = 2,
    volume_declared: bool = False,
) -> np.ndarray:
    """Validate an image and return it as a NumPy array (never a copy if avoidable).

    Accepts arrays of the ranks in ``ndim`` (and, with ``allow_color``, (M, N, 3) or
    (M, N, 4) colour arrays) of bool, integer or float dtype. A non-native byte order
    (``'>u2'`` on a little-endian machine, e.g. from a ``.npy`` file) is converted to
    native here, once, so that no kernel ever sees it. Rejects complex and object
    dtypes, arrays of any other shape (a 3-D array given to a 2-D-only function is
    refused with the reason, never read as colour), empty images and images with
    fewer than ``min_pixels`` pixels. Does not check for NaN (see
    :func:`check_finite_or_masked`).

    A function that takes both images and volumes (``ndim=(2, 3)``) reads a 3-D array as
    a (Z, Y, X) volume; when its last axis is 3 or 4 long (the shape of a colour image)
    and the caller has not said it is a volume (``volume_declared``: ``channel=None``,
    ``dz=``), this warns that it is read as a volume, never silently.
    """
    if isinstance(image, (str, bytes)) or image is None:
        raise TypeError(
            f"`{name}` expects a 2-D NumPy array (or a path read with infopix.read_image), "
            f"got {_describe(image)}."
        )
    if isinstance(image, np.ma.MaskedArray) and np.ma.is_masked(image):
        # np.asarray would drop the mask: refuse rather than count masked pixels silently
        # (functions with `mask=` combine it first, see infopix._binning.split_masked)
        raise ValueError(
            f"`{name}` is a numpy.ma masked array with {int(np.ma.count_masked(image))} "
            f"masked value(s), and this function takes no `mask`; pass {name}.filled(value), "
            f"or {name}.data to ignore the mask."
        )
    arr = np.asarray(image)
    if arr.dtype.kind == "c":
        raise TypeError(
            f"`{name}` expects a real-valued image (bool, integer or float dtype), got "
            f"complex dtype {arr.dtype}; pass np.abs(image) or image.real."
        )
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"`{name}` expects a bool, integer or float dtype, got dtype {arr.dtype}."
        )
    if arr.dtype.kind == "f" and not allow_float:
        raise TypeError(f"`{name}` expects an integer or bool image, got dtype {arr.dtype}.")
    if arr.dtype.kind == "b" and not allow_bool:
        raise TypeError(f"`{name}` expects an integer or float image, got dtype bool.")
    if not arr.dtype.isnative:  # big-endian data: convert once, here, for every kernel
        arr = arr.astype(arr.dtype.newbyteorder("="))
    accepted = set(ndim)
    is_color = allow_color and arr.ndim == 3 and arr.shape[-1] in (3, 4)
    if arr.ndim not in accepted and not is_color:
        shapes = " or ".join(f"{d}-D" for d in sorted(accepted))
        extra = " or an (M, N, 3|4) colour image" if allow_color else ""
        why = ""
        if arr.ndim == 3 and 3 not in accepted:
            why = (
                " This function is 2-D only: for a volume or a series (Z or T, M, N) pass "
                f"one slice, {name}[k]; for colour, pass 3 (RGB) or 4 (RGBA) channels last"
                if allow_color else
                " This function is 2-D only: for a volume or a series (Z or T, M, N) pass "
                f"one slice, {name}[k]; for colour, reduce it first with "
                "infopix.select_channel"
            ) + "."
        raise ValueError(
            f"`{name}` expects a {shapes} array{extra}, got a {arr.ndim}-D array of shape "
            f"{arr.shape}.{why}"
        )
    if (arr.ndim == 3 and {2, 3} <= accepted and not is_color and not volume_declared
            and arr.shape[-1] in (3, 4)):
        warnings.warn(
            f"`{name}` of shape {arr.shape} is read as a (Z, Y, X) volume {arr.shape[-1]} "
            f"voxels wide along X; if it is a colour image, reduce it first with "
            f"infopix.select_channel({name}, 'luminance') (or a channel index).",
            ColourShapedVolumeWarning,
            stacklevel=3,
        )
    if arr.size == 0:
        raise ValueError(f"`{name}` is empty (shape {arr.shape}); it needs at least {min_pixels} pixels.")
    npix = arr.shape[0] * arr.shape[1] if is_color else arr.size  # colour: pixels, not samples
    if npix < min_pixels:
        raise ValueError(
            f"`{name}` has {npix} pixel(s) (shape {arr.shape}); at least {min_pixels} are needed."
        )
    return arr


def check_finite_or_masked(arr: np.ndarray, mask: np.ndarray | None, *, name: str = "image") -> None:
    """Raise if a float image has NaN or inf pixels that ``mask`` does not exclude."""
    if arr.dtype.kind != "f":
        return
    bad = ~np.isfinite(arr)
    if arr.ndim == 3 and (mask is None or mask.ndim == 2):
        bad = bad.any(axis=-1)
    if mask is not None:
        bad &= mask
    nbad = int(np.count_nonzero(bad))
    if nbad:
        raise ValueError(
            f"`{name}` has {nbad} NaN or inf pixel(s) in the region analysed; NaN is never "
            f"counted silently: exclude them with mask=np.isfinite({name})."
        )


def check_mask(mask, shape: tuple[int, ...], *, name: str = "mask") -> np.ndarray | None:
    """Validate a boolean mask of the image's (spatial) shape; ``None`` passes through."""
    if mask is None:
        return None
    m = np.asarray(mask)
    if m.dtype != bool:
        if m.dtype.kind in "iu" and np.isin(m, (0, 1)).all():
            m = m.astype(bool)
        else:
            raise TypeError(f"`{name}` expects a boolean array, got dtype {m.dtype}.")
    if m.shape != tuple(shape):
        raise ValueError(
            f"`{name}` must have the image's shape {tuple(shape)}, got shape {m.shape}."
        )
    if not m.any():
        raise ValueError(f"`{name}` selects no pixel; at least one pixel must be True.")
    return m


def check_probabilities(p, *, name: str = "p") -> np.ndarray:
    """Validate a probability vector (any shape; flattened) and return it as float64."""
    arr = np.asarray(p)
    if arr.dtype.kind == "c" or arr.dtype.kind not in "biuf":
        raise TypeError(f"`{name}` expects real probabilities, got dtype {arr.dtype}.")
    arr = np.asarray(arr, dtype=np.float64).ravel()
    if arr.size == 0:
        raise ValueError(f"`{name}` is empty; it needs at least one probability.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"`{name}` contains NaN or inf; probabilities must be finite.")
    if np.any(arr < 0):
        raise ValueError(
            f"`{name}` contains negative values (min {arr.min():.3g}); probabilities must be >= 0."
        )
    total = float(arr.sum())
    if abs(total - 1.0) > PROBABILITY_ATOL * max(1.0, np.sqrt(arr.size)):
        raise ValueError(
            f"`{name}` must sum to 1, got sum {total:.12g}; normalise with p / p.sum() "
            f"(or pass counts to infopix.entropy_from_counts)."
        )
    return arr


def check_alpha(alpha, *, name: str = "alpha") -> float:
    """A Rényi order: a real number >= 0 (``np.inf`` allowed)."""
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"`{name}` expects a real number >= 0 (or numpy.inf), got {alpha!r}.")
    a = float(alpha)
    if np.isnan(a) or a < 0:
        raise ValueError(f"`{name}` expects a real number >= 0 (or numpy.inf), got {alpha!r}.")
    return a


def check_base(base, *, name: str = "base") -> float:
    """A logarithm base: a positive real number other than 1 (2: bits, e: nats)."""
    if isinstance(base, bool) or not isinstance(base, numbers.Real):
        raise TypeError(f"`{name}` expects a positive number other than 1 (2 for bits, e for nats), got {base!r}.")
    b = float(base)
    if not np.isfinite(b) or b <= 0 or b == 1:
        raise ValueError(f"`{name}` expects a positive number other than 1 (2 for bits, e for nats), got {base!r}.")
    return b


def log_base(base: float) -> float:
    """Natural log of the base: divide a value in nats by it to get units of ``base``."""
    return float(np.log(base))


def check_positive_int(value, *, name: str, minimum: int = 1) -> int:
    """An integer >= ``minimum`` (NumPy integers accepted; floats and bools rejected)."""
    if isinstance(value, bool):
        raise TypeError(f"`{name}` expects an integer >= {minimum}, got {value!r}.")
    try:
        v = operator.index(value)
    except TypeError:
        raise TypeError(f"`{name}` expects an integer >= {minimum}, got {value!r}.") from None
    if v < minimum:
        raise ValueError(f"`{name}` expects an integer >= {minimum}, got {v}.")
    return v


def check_radius(radius, *, name: str = "radius") -> int:
    """A window radius: a non-negative integer (the window is the (2r+1)² box)."""
    if isinstance(radius, bool):
        raise TypeError(f"`{name}` expects a non-negative integer, got {radius!r}.")
    try:
        r = operator.index(radius)
    except TypeError:
        raise TypeError(f"`{name}` expects a non-negative integer, got {radius!r}.") from None
    if r < 0:
        raise ValueError(f"`{name}` expects a non-negative integer, got {r}.")
    return r


def check_radii(radius, ndim: int, *, name: str = "radius") -> tuple[list[tuple[int, ...]], bool]:
    """Window radii of a local map on an array of ``ndim`` axes, one tuple per map.

    ``radius`` is an int (the same radius along every axis), a tuple of ``ndim`` ints
    (one per axis, e.g. ``(rz, ry, rx)``: one map), or a list (or 1-D array) of either
    (several maps, stacked). Returns ``(radii, many)``: a list of ``ndim``-tuples and
    whether several maps were asked for.
    """
    def one(r) -> tuple[int, ...]:
        if isinstance(r, tuple):
            if len(r) != ndim:
                raise ValueError(
                    f"`{name}` {r!r} gives {len(r)} per-axis radii for an array of {ndim} axes; "
                    f"pass one radius per axis ({', '.join('rz ry rx'.split()[-ndim:])}), one int "
                    f"for every axis, or a list for several radii (stacked maps)."
                )
            return tuple(check_radius(x, name=name) for x in r)
        return (check_radius(r, name=name),) * ndim

    if isinstance(radius, np.ndarray):
        if radius.ndim == 0:
            return [one(radius.item())], False
        radius = radius.ravel().tolist()
    if isinstance(radius, tuple):
        return [one(radius)], False
    if isinstance(radius, Sequence) and not isinstance(radius, (str, bytes)):
        if not len(radius):
            raise ValueError(
                f"`{name}` expects a non-negative integer, a tuple of per-axis radii or a "
                f"non-empty list of them, got an empty sequence."
            )
        return [one(tuple(r) if isinstance(r, (list, np.ndarray)) else r) for r in radius], True
    return [one(radius)], False


def check_sigma(sigma, *, name: str = "sigma") -> float:
    """A Gaussian scale: a finite real number >= 0."""
    if isinstance(sigma, bool) or not isinstance(sigma, numbers.Real):
        raise TypeError(f"`{name}` expects a finite number >= 0, got {sigma!r}.")
    s = float(sigma)
    if not np.isfinite(s) or s < 0:
        raise ValueError(f"`{name}` expects a finite number >= 0, got {sigma!r}.")
    return s


def check_choice(value, choices: Sequence[str], *, name: str) -> str:
    """One of a fixed set of option strings."""
    if not isinstance(value, str) or value not in choices:
        opts = ", ".join(repr(c) for c in choices)
        raise ValueError(f"`{name}` expects one of {opts}, got {value!r}.")
    return value


def check_counts(counts, *, name: str = "counts") -> np.ndarray:
    """Validate a vector of non-negative integer counts with a positive total; int64 out."""
    arr = np.asarray(counts)
    if arr.dtype.kind == "b" or arr.dtype.kind not in "iuf":
        raise TypeError(f"`{name}` expects non-negative integer counts, got dtype {arr.dtype}.")
    if arr.ndim > 1:
        raise ValueError(
            f"`{name}` expects a 1-D vector of counts, got a {arr.ndim}-D array of shape "
            f"{arr.shape}; for the joint distribution of a table pass {name}.ravel()."
        )
    arr = arr.ravel()
    if arr.size == 0:
        raise ValueError(f"`{name}` is empty; it needs at least one bin.")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise ValueError(
                f"`{name}` expects non-negative integer counts, got non-integer values "
                f"(e.g. {arr[np.flatnonzero(~np.isfinite(arr) | (arr != np.round(arr)))[0]]!r})."
            )
    if np.any(arr < 0):
        raise ValueError(f"`{name}` expects non-negative integer counts, got a negative count ({arr.min()}).")
    out = arr.astype(np.int64)
    if out.sum() == 0:
        raise ValueError(f"`{name}` are all zero; at least one observation is needed.")
    return out


def equal_width_edges(lo: float, hi: float, nbins: int) -> np.ndarray:
    """numpy.histogram's edges ``linspace(lo, hi, nbins + 1)``, checked usable.

    Like numpy.histogram, refuse a range whose bins would not be finite and of positive
    width (e.g. ``hi - lo`` overflowing for data near +-1e308).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        edges = np.linspace(lo, hi, nbins + 1)
    if not (np.isfinite(hi - lo) and np.all(np.isfinite(edges)) and np.all(np.diff(edges) > 0)):
        raise ValueError(
            f"`range` ({lo:g}, {hi:g}) cannot be split into {nbins} finite bins of positive "
            f"width; rescale the image, or pass a narrower `range` or fewer `bins`."
        )
    return edges


def check_range(range_, *, name: str = "range") -> tuple[float, float]:
    """A binning interval: a pair of finite numbers ``low < high``."""
    try:
        lo, hi = (float(x) for x in range_)
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` expects a pair (low, high) of numbers, got {range_!r}.") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"`{name}` expects finite low < high, got {range_!r}.")
    return lo, hi
