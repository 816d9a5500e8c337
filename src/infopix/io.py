"""Reading and writing images, the bundled sample, colour channels, atomic output.

Formats: PNG, JPEG, GIF, BMP, WebP (Pillow), TIFF including multi-page, ImageJ and OME
(tifffile), NumPy ``.npy`` and Zarr. Nothing here touches the network.

Every array is read with its axes: :func:`read_image` returns it in the canonical
order ``t, z, y, x, c`` (a subset of it: ``'yx'`` grey, ``'yxc'`` colour, ``'zyx'``
volume, ``'tyx'`` series, ...) and says which in :class:`ImageInfo`. What the file
does not say is never guessed: an ambiguous array needs ``axes=``.
"""

from __future__ import annotations

import contextlib
import math
import os
import stat
import threading
import warnings
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

import numpy as np

__all__ = [
    "read_image",
    "write_image",
    "sample_image",
    "select_channel",
    "atomic_path",
    "ImageInfo",
    "LUMA_WEIGHTS",
    "DEFAULT_MAX_PIXELS",
    "MAX_PIXELS_ENV",
]

_TIFF = {".tif", ".tiff"}
_PILLOW = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp"}
_IMAGEIO = _PILLOW  # the name other modules knew
_NPY = {".npy"}
_ZARR = {".zarr"}
READABLE = sorted(_TIFF | _PILLOW | _NPY)

#: ITU-R BT.601 luma weights (R, G, B), the weights of PIL's ``convert("L")`` that the
#: notebook's ``ImageOps.grayscale`` used.
LUMA_WEIGHTS = (0.299, 0.587, 0.114)

#: Default decoding limit, in pixels (voxels x frames x channels; the colour samples of
#: one pixel count once): Pillow's refusal threshold, 2 x ``PIL.Image.MAX_IMAGE_PIXELS``
#: = 178,956,970 (a 13,377 x 13,377 image, a 563^3 volume).
DEFAULT_MAX_PIXELS = 178_956_970
#: Environment variable that sets the decoding limit when ``max_pixels`` is not given.
MAX_PIXELS_ENV = "INFOPIX_MAX_PIXELS"

#: Canonical axis order of the arrays :func:`read_image` returns.
_CANONICAL = "tzyxc"
_AXIS_NAMES = {"t": "time", "z": "depth", "y": "rows", "x": "columns", "c": "channels"}
#: tifffile's series axis letters that infopix understands (S: samples of a pixel).
_TIFF_AXES = {"T": "t", "Z": "z", "Y": "y", "X": "x", "C": "c", "S": "c"}
_MODE_COLOUR = {"1": "grey (1-bit)", "L": "grey", "I": "grey", "F": "grey", "LA": "grey + alpha",
                "RGB": "RGB", "RGBA": "RGBA"}


@dataclass(frozen=True)
class ImageInfo:
    """What :func:`read_image` found in a file besides the pixels.

    Attributes
    ----------
    axes : str
        Axes of the returned array, in the canonical order ``t, z, y, x, c``:
        ``'yx'``, ``'yxc'``, ``'zyx'``, ``'tyx'``, ``'zyxc'``, ``'tzyx'``, ...
    shape : tuple of int
        Shape of the returned array.
    spacing : tuple of float or None, or None
        Pixel (voxel) size along each spatial axis of ``axes`` (``z``, ``y``, ``x``
        in that order), in ``unit``; ``None`` for an axis (or all) the file does not
        record. Read from ImageJ's ``spacing`` and the resolution tags, OME's
        ``PhysicalSize*``, TIFF/PNG/JPEG resolution, OME-Zarr ``scale``.
    unit : str or None
        Unit of ``spacing`` (``'um'``, ``'cm'``, ``'inch'``, ...), if recorded.
    source_dtype : str
        The dtype as stored (e.g. ``'>u2'``); the returned array is in native byte order.
    source_axes : str
        The axes as the file (tifffile's series axes, OME-Zarr's axis names) or the
        caller gave them, before canonical ordering.
    axes_from : {'file', 'user', 'layout', 'convention'}
        Who said what the axes are: the file's metadata, the ``axes=`` argument, a 2-D
        array (only one reading), or the colour convention for an unlabelled
        (M, N, 3|4) array (see :func:`read_image`).
    colour_handling : str
        What was done with colour: ``'grey'``, ``'RGB'``, ``'CMYK -> RGB (Pillow)'``,
        ``'palette -> RGB'``, ``'channels'`` (e.g. fluorescence), followed by
        ``'; luminance'``, ``'; channel 2'`` or ``'; joint'`` when ``channel=`` reduced it.
    orientation : int
        EXIF orientation (1-8) applied to the pixels; 1 when none was recorded.
    format : str
        ``'tiff'``, ``'png'``, ``'jpeg'``, ``'npy'``, ``'zarr'``, ...
    """

    axes: str
    shape: tuple
    spacing: tuple | None
    unit: str | None
    source_dtype: str
    source_axes: str
    axes_from: str
    colour_handling: str
    orientation: int
    format: str

    def to_dict(self) -> dict:
        """A JSON-ready dictionary (tuples become lists)."""
        d = asdict(self)
        d["shape"] = list(self.shape)
        d["spacing"] = None if self.spacing is None else list(self.spacing)
        return d


# --------------------------------------------------------------------------- limits


def _max_pixels(max_pixels) -> int:
    """The decoding limit: the argument, else ``$INFOPIX_MAX_PIXELS``, else the default."""
    if max_pixels is None:
        env = os.environ.get(MAX_PIXELS_ENV)
        if env is None or not env.strip():
            return DEFAULT_MAX_PIXELS
        try:
            value = int(env.strip().replace("_", ""))
        except ValueError:
            value = 0
        if value < 1:
            raise ValueError(
                f"environment variable {MAX_PIXELS_ENV} expects a positive integer (pixels), "
                f"got {env!r}."
            )
        return value
    if isinstance(max_pixels, bool) or not isinstance(max_pixels, (int, np.integer)):
        raise TypeError(f"`max_pixels` expects a positive integer, got {max_pixels!r}.")
    if max_pixels < 1:
        raise ValueError(f"`max_pixels` expects a positive integer, got {max_pixels!r}.")
    return int(max_pixels)


def _check_pixels(p: Path, shape, npix: int, limit: int) -> None:
    if npix > limit:
        dims = "" if shape is None else f" (shape {tuple(int(n) for n in shape)})"
        raise ValueError(
            f"`path` {str(p)!r} decodes to {npix:,} pixels{dims}, "
            f"more than the limit of {limit:,}; refused before decoding (a decompression "
            f"bomb or an image too large for memory). Raise the limit with "
            f"max_pixels= (CLI: --max-pixels) or the environment variable {MAX_PIXELS_ENV}."
        )


_PIL_LOCK = threading.Lock()


@contextlib.contextmanager
def _pillow_limit(limit: int):
    """Let infopix's limit, not Pillow's global one, decide (Pillow's warning silenced)."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        pil = Image.MAX_IMAGE_PIXELS
        if pil is None or limit <= 2 * pil:
            yield
        else:  # the caller raised the limit above Pillow's: lift Pillow's for this read
            with _PIL_LOCK:
                Image.MAX_IMAGE_PIXELS = limit // 2 + 1
                try:
                    yield
                finally:
                    Image.MAX_IMAGE_PIXELS = pil


# --------------------------------------------------------------------------- axes


def _parse_axes(axes, *, name: str = "axes") -> str:
    """Validate a user's axes string: letters of t, z, y, x, c (s = c), y and x once."""
    if not isinstance(axes, str):
        raise TypeError(
            f"`{name}` expects a string of axis letters such as 'yx', 'zyx', 'tyx', 'yxc' "
            f"or 'czyx', got {axes!r}."
        )
    a = axes.strip().lower().replace("s", "c")
    bad = sorted(set(a) - set(_CANONICAL))
    if bad or len(set(a)) != len(a) or "y" not in a or "x" not in a:
        raise ValueError(
            f"`{name}` expects letters from t (time), z (depth), y, x and c (channels), each "
            f"at most once and with y and x, such as 'yx', 'zyx', 'tyx', 'yxc' or 'czyx'; "
            f"got {axes!r}."
        )
    return a


def _choices(ndim: int) -> str:
    opts = {
        2: ["'yx'"],
        3: ["'zyx' (a volume)", "'tyx' (a series of images)", "'yxc' (colour or channels last)",
            "'cyx' (channels first)"],
        4: ["'tzyx'", "'czyx'", "'zcyx'", "'tyxc'", "'zyxc'"],
        5: ["'tzcyx'", "'tczyx'", "'tzyxc'"],
    }.get(ndim, [])
    return ", ".join(opts) if opts else "none (infopix reads 2-D to 5-D arrays)"


def _ambiguous(p: Path, shape, what: str) -> ValueError:
    nd = len(shape)
    return ValueError(
        f"`path` {str(p)!r} holds a {nd}-D array of shape {tuple(shape)} and {what}; "
        f"infopix does not guess: pass axes= (CLI: --axes) to say what it is, one of "
        f"{_choices(nd)}."
    )


def _canonical(arr: np.ndarray, axes: str, spacing: dict) -> tuple[np.ndarray, str, tuple | None]:
    """Transpose ``arr`` (axes as given) to the canonical order; spacing per spatial axis."""
    order = "".join(a for a in _CANONICAL if a in axes)
    if order != axes:
        arr = np.ascontiguousarray(np.transpose(arr, [axes.index(a) for a in order]))
    spatial = [a for a in order if a in "zyx"]
    sp = tuple(spacing.get(a) for a in spatial)
    return arr, order, (None if all(s is None for s in sp) else sp)


def _colour_convention(shape) -> bool:
    """An unlabelled (M, N, 3|4) array is colour, exactly as the library's functions take
    it (``check_image(..., allow_color=True)``), so that files and arrays agree."""
    return len(shape) == 3 and shape[-1] in (3, 4)


def _npixels(shape, axes: str | None) -> int:
    """Pixels for the limit: all elements, the colour samples of one pixel counted once."""
    n = math.prod(int(s) for s in shape)
    if axes is not None and "S" in axes:
        n //= int(shape[axes.index("S")])
    elif axes is None and len(shape) >= 3 and shape[-1] in (3, 4):
        n //= int(shape[-1])
    return n


# --------------------------------------------------------------------------- readers
#
# Each reader returns a dict: arr, axes (infopix letters or None when unknown), spacing
# {axis: size}, unit, colour, orientation, format, source_axes.


def _read_tiff(p: Path, limit: int) -> dict:
    import tifffile

    with tifffile.TiffFile(p) as tif:
        if not tif.series:
            raise ValueError("no image in the file")
        s = tif.series[0]
        shape, taxes = tuple(s.shape), str(s.axes)
        _check_pixels(p, shape, _npixels(shape, taxes), limit)
        page = s.pages[0] if s.pages and s.pages[0] is not None else tif.pages[0]
        spacing, unit = _tiff_spacing(tif, page)
        photometric = getattr(getattr(page, "photometric", None), "name", "")
        orientation = int(page.tags.valueof(274, 1) or 1)
        arr = s.asarray()
    arr = np.asarray(arr)
    if arr.shape != shape:  # tifffile squeezes the same way; be safe
        arr = arr.reshape(shape)
    if orientation != 1 and 2 <= orientation <= 8 and "Y" in taxes and "X" in taxes:
        arr = _orient(arr, orientation, taxes.index("Y"), taxes.index("X"))
        if orientation >= 5 and ("x" in spacing or "y" in spacing):
            spacing["x"], spacing["y"] = spacing.get("y"), spacing.get("x")
    else:
        orientation = 1
    # drop length-1 axes infopix has no letter for; any other unknown axis is ambiguous
    keep = [i for i, a in enumerate(taxes) if a in _TIFF_AXES or shape[i] != 1]
    if len(keep) != len(taxes):
        arr = arr.reshape([shape[i] for i in keep])
        taxes = "".join(taxes[i] for i in keep)
    known = all(a in _TIFF_AXES for a in taxes) and sum(a in "CS" for a in taxes) <= 1
    axes = "".join(_TIFF_AXES[a] for a in taxes) if known else None
    if "S" in taxes:
        nsamp = arr.shape[taxes.index("S")]
        colour = {"RGB": "RGB" if nsamp == 3 else "RGBA" if nsamp == 4 else "RGB + extra samples",
                  "MINISBLACK": "grey + extra samples", "MINISWHITE": "grey + extra samples",
                  "SEPARATED": "CMYK (as stored)", "YCBCR": "RGB"}.get(photometric, "samples")
    elif "C" in taxes:
        colour = "channels"
    else:
        colour = "grey"
    return dict(arr=arr, axes=axes, spacing=spacing, unit=unit, colour=colour,
                orientation=orientation, format="tiff", source_axes=taxes)


def _orient(arr: np.ndarray, orientation: int, yi: int, xi: int) -> np.ndarray:
    """Apply a TIFF/EXIF orientation (tag 274, values 1-8) to the (y, x) axes."""
    def flip(a, i):
        return np.flip(a, axis=i)

    out = {
        2: lambda a: flip(a, xi), 3: lambda a: flip(flip(a, yi), xi), 4: lambda a: flip(a, yi),
        5: lambda a: a, 6: lambda a: flip(a, yi), 7: lambda a: flip(flip(a, yi), xi),
        8: lambda a: flip(a, xi),
    }[orientation](arr)
    if orientation >= 5:  # the stored rows become columns
        out = np.swapaxes(out, yi, xi)
    return np.ascontiguousarray(out)


def _tiff_spacing(tif, page) -> tuple[dict, str | None]:
    """Voxel size from OME PhysicalSize*, ImageJ spacing + resolution, or the tags."""
    spacing: dict = {}
    unit = None
    if tif.is_ome and tif.ome_metadata:
        import xml.etree.ElementTree as ET

        try:
            root = ET.fromstring(tif.ome_metadata)
            px = next((e for e in root.iter() if e.tag.endswith("Pixels")), None)
        except ET.ParseError:
            px = None
        if px is not None:
            for a in "XYZ":
                v = px.get(f"PhysicalSize{a}")
                if v is not None:
                    with contextlib.suppress(ValueError):
                        spacing[a.lower()] = float(v)
            if spacing:
                unit = px.get("PhysicalSizeXUnit", "µm")  # the OME default unit
            return spacing, unit
    ij = tif.imagej_metadata if tif.is_imagej else None
    tags = page.tags
    xres, yres = tags.get("XResolution"), tags.get("YResolution")
    runit = tags.get("ResolutionUnit")
    runit = int(runit.value) if runit is not None else 2
    default_res = xres is None or tuple(xres.value) == (1, 1)
    if ij:
        unit = ij.get("unit")
        if "spacing" in ij:
            with contextlib.suppress(TypeError, ValueError):
                spacing["z"] = float(ij["spacing"])
    elif runit != 1 and not default_res:
        unit = {2: "inch", 3: "cm"}.get(runit)
    if (ij or (runit != 1 and not default_res)) and xres is not None:
        for a, tag in (("x", xres), ("y", yres)):
            if tag is None:
                continue
            num, den = tag.value
            if num > 0 and den > 0 and not (ij and (num, den) == (1, 1) and not unit):
                spacing[a] = den / num
    if unit in ("micron", "\\u00B5m"):
        unit = "µm"
    return spacing, unit if spacing else None


def _read_pillow(p: Path, limit: int, ext: str) -> dict:
    from PIL import Image

    try:
        return _read_pillow_image(p, limit, ext)
    except Image.DecompressionBombError as exc:  # Pillow's own check came first
        import re

        m = re.search(r"\((\d+) pixels\)", str(exc))
        _check_pixels(p, None, int(m.group(1)) if m else limit + 1, limit)
        raise


def _read_pillow_image(p: Path, limit: int, ext: str) -> dict:
    from PIL import Image, ImageOps

    with _pillow_limit(limit), Image.open(p) as im:
        w, h = im.size
        _check_pixels(p, (h, w), w * h, limit)
        fmt = (im.format or ext.lstrip(".")).lower()
        if fmt == "png":
            with open(p, "rb") as fh:
                ihdr = fh.read(26)
            if len(ihdr) == 26 and ihdr[24] == 16 and ihdr[25] in (2, 4, 6):
                raise ValueError(
                    f"`path` {str(p)!r} is a 16-bit colour PNG, which Pillow decodes to 8 bits "
                    f"only; infopix refuses rather than lose the precision: convert it to a "
                    f"16-bit TIFF or .npy, or pass the array read by another decoder."
                )
        orientation = 1
        with contextlib.suppress(Exception):
            orientation = int(im.getexif().get(0x0112, 1) or 1)
        if not 1 <= orientation <= 8:  # an invalid tag: exif_transpose ignores it too
            orientation = 1
        dpi = im.info.get("dpi")
        mode = im.mode
        out = ImageOps.exif_transpose(im) if orientation != 1 else im
        if mode == "CMYK":  # also YCCK JPEGs, which Pillow decodes to CMYK
            out, colour = out.convert("RGB"), "CMYK -> RGB (Pillow)"
        elif mode in ("P", "PA"):
            has_alpha = mode == "PA" or "transparency" in out.info
            out = out.convert("RGBA" if has_alpha else "RGB")
            colour = "palette -> " + out.mode
        elif mode in ("La", "RGBa"):
            out = out.convert(mode.upper())
            colour = _MODE_COLOUR[out.mode]
        elif mode in ("RGBX", "YCbCr", "LAB", "HSV"):
            out, colour = out.convert("RGB"), f"{mode} -> RGB (Pillow)"
        else:
            colour = _MODE_COLOUR.get(mode, "grey" if mode.startswith("I;16") else mode)
        arr = np.array(out)
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"Pillow mode {mode!r} is not an image mode infopix reads")
    spacing, unit = {}, None
    if dpi and all(d and d > 0 for d in dpi[:2]):  # Pillow sets dpi only for real units
        dx, dy = (float(d) for d in dpi[:2])
        if orientation in (5, 6, 7, 8):  # the image was turned by 90 degrees
            dx, dy = dy, dx
        spacing, unit = {"x": 1.0 / dx, "y": 1.0 / dy}, "inch"
    axes = "yx" if arr.ndim == 2 else "yxc"
    return dict(arr=arr, axes=axes, spacing=spacing, unit=unit, colour=colour,
                orientation=orientation, format=fmt, source_axes=axes.upper())


def _read_npy(p: Path, limit: int) -> dict:
    with open(p, "rb") as fh:
        version = np.lib.format.read_magic(fh)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
        elif version == (2, 0):
            shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
        else:
            shape = dtype = None
    if shape is not None:
        if dtype.hasobject:
            raise ValueError("object arrays (pickled) are not read")
        _check_pixels(p, shape, _npixels(shape, None), limit)
    arr = np.load(p, allow_pickle=False)
    if shape is None:
        _check_pixels(p, arr.shape, _npixels(arr.shape, None), limit)
    return dict(arr=arr, axes=None, spacing={}, unit=None, colour=None,
                orientation=1, format="npy", source_axes="")


def _is_zarr(p: Path) -> bool:
    return p.suffix.lower() in _ZARR or any(
        (p / n).exists() for n in ("zarr.json", ".zarray", ".zgroup")
    )


def _read_zarr(p: Path, limit: int) -> dict:
    import zarr

    z = zarr.open(str(p), mode="r")
    names, scale, unit = None, None, None
    if isinstance(z, zarr.Group):
        attrs = dict(z.attrs)
        ms = attrs.get("multiscales") or attrs.get("ome", {}).get("multiscales")
        if not ms:
            raise ValueError("a Zarr group without OME-Zarr 'multiscales'; give the array's path")
        ms0 = ms[0]
        ds0 = ms0["datasets"][0]
        z = z[ds0["path"]]
        names = [a["name"] if isinstance(a, dict) else a for a in ms0.get("axes", [])] or None
        units = {a["name"]: a.get("unit") for a in ms0.get("axes", []) if isinstance(a, dict)}
        for t in ds0.get("coordinateTransformations", []):
            if t.get("type") == "scale":
                scale = [float(s) for s in t["scale"]]
        sp_units = {u for n, u in units.items() if n in ("x", "y", "z") and u}
        unit = sp_units.pop() if len(sp_units) == 1 else None
    else:
        dims = z.attrs.get("_ARRAY_DIMENSIONS")  # xarray's convention
        names = list(dims) if dims else None
    shape = tuple(z.shape)
    _check_pixels(p, shape, _npixels(shape, None), limit)
    arr = np.asarray(z[...])
    axes = None
    spacing: dict = {}
    if names is not None and len(names) == arr.ndim:
        letters = "".join(str(n).lower()[:1] if str(n).lower() in
                          ("t", "z", "y", "x", "c", "time", "channel") else "?" for n in names)
        if "?" not in letters and len(set(letters)) == len(letters) and "y" in letters and "x" in letters:
            axes = letters
            if scale is not None and len(scale) == len(letters):
                spacing = {a: s for a, s in zip(letters, scale) if a in "zyx"}
    return dict(arr=arr, axes=axes, spacing=spacing, unit=unit if spacing else None,
                colour="channels" if axes and "c" in axes else None, orientation=1,
                format="zarr", source_axes="".join(str(n) for n in names) if names else "")


# --------------------------------------------------------------------------- read_image


def _source(path) -> Path:
    """The path as a Path (bytes and non-UTF-8 names accepted); refuse special files."""
    if isinstance(path, (bytes, bytearray)):
        path = os.fsdecode(bytes(path))
    try:
        p = Path(os.fspath(path))
    except TypeError:
        raise TypeError(f"`path` expects a file name (str or os.PathLike), got {path!r}.") from None
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise FileNotFoundError(f"`path` {str(p)!r} does not exist.") from None
    except OSError as exc:
        raise ValueError(f"`path` {str(p)!r} cannot be read: {exc.strerror or exc}.") from None
    if stat.S_ISDIR(st.st_mode):
        if _is_zarr(p):
            return p
        raise ValueError(f"`path` {str(p)!r} is a folder; an image file (or a Zarr store) is expected.")
    if not stat.S_ISREG(st.st_mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else
                "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else
                "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
        raise ValueError(f"`path` {str(p)!r} is {kind}; infopix reads regular image files only.")
    return p


def read_image(path, *, channel=None, axes=None, max_pixels=None, return_info=False):
    """Read an image, volume or series from a file, keeping its dtype and its axes.

    Parameters
    ----------
    path : str, bytes or os.PathLike
        A PNG, JPEG, GIF, BMP, WebP, TIFF (8/16-bit, float, multi-page, ImageJ, OME),
        ``.npy`` file, or a Zarr store (plain array or OME-Zarr). Special files (FIFOs,
        devices) are refused.
    channel : {None, 'luminance', 'joint'} or int, optional
        ``None`` (default) keeps the channel axis ``c`` (if any). Any other value reduces
        it as :func:`select_channel` does (luminance, one channel, or ``'joint'`` to keep
        all). Ignored for arrays without a ``c`` axis.
    axes : str, optional
        What the stored array's axes are, e.g. ``'yx'``, ``'zyx'`` (a volume), ``'tyx'``
        (a series), ``'yxc'`` (colour), ``'cyx'``, ``'czyx'``: letters ``t``, ``z``,
        ``y``, ``x``, ``c`` (``s`` means ``c``), one per dimension of the array as stored
        (tifffile's series shape). Overrides the file's own axes. Needed when the file
        does not say: a 3-D ``.npy``/Zarr array (except an (M, N, 3|4) array, which is
        colour by the convention every function of the library applies to arrays) or a
        multi-page TIFF without axis metadata.
    max_pixels : int, optional
        Refuse files that decode to more pixels (voxels x frames x channels; the colour
        samples of a pixel count once), checked from the header before decoding.
        Default: the environment variable ``INFOPIX_MAX_PIXELS`` if set, else
        :data:`DEFAULT_MAX_PIXELS` (178,956,970, Pillow's refusal threshold).
    return_info : bool, optional
        Also return an :class:`ImageInfo` (axes, spacing, source dtype, colour handling).

    Returns
    -------
    image : ndarray
        Axes in the order ``t, z, y, x, c`` (those present): (M, N) grey, (M, N, C)
        colour, (Z, M, N) volume, (T, M, N) series, ... in native byte order. EXIF
        orientation is applied and CMYK/YCCK, palette and other Pillow modes are
        converted to RGB(A) as Pillow does.
    info : ImageInfo
        Only with ``return_info=True``.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        An unreadable file or an unknown extension, a special file, more pixels than
        ``max_pixels``, an array whose axes are ambiguous (the message names the
        ``axes`` choices), or ``axes`` that do not fit the array.

    Examples
    --------
    >>> import infopix, numpy as np, tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> a = np.arange(12, dtype=np.uint16).reshape(3, 4)
    >>> infopix.write_image(os.path.join(d, "a.tif"), a)
    >>> b = infopix.read_image(os.path.join(d, "a.tif"))
    >>> b.dtype == a.dtype and bool((a == b).all())
    True

    A volume says what it is; an unlabelled stack must be told:

    >>> vol = np.zeros((5, 8, 8), np.uint8)
    >>> infopix.write_image(os.path.join(d, "v.tif"), vol, axes="zyx")
    >>> v, info = infopix.read_image(os.path.join(d, "v.tif"), return_info=True)
    >>> v.shape, info.axes
    ((5, 8, 8), 'zyx')
    >>> np.save(os.path.join(d, "v.npy"), vol)
    >>> infopix.read_image(os.path.join(d, "v.npy"), axes="tyx").shape
    (5, 8, 8)
    """
    p = _source(path)
    limit = _max_pixels(max_pixels)
    user_axes = None if axes is None else _parse_axes(axes)
    ext = p.suffix.lower()
    accepted = ", ".join(READABLE + [".zarr"])
    try:
        if p.is_dir():
            r = _read_zarr(p, limit)
        elif ext in _NPY:
            r = _read_npy(p, limit)
        elif ext in _TIFF:
            r = _read_tiff(p, limit)
        elif ext in _PILLOW:
            r = _read_pillow(p, limit, ext)
        else:
            raise ValueError(f"unknown extension {ext!r}")
    except MemoryError:
        raise
    except (ValueError, OSError, SyntaxError, EOFError, KeyError, IndexError) as exc:
        msg = str(exc)
        if msg.startswith("`path`"):  # our own message (the pixel limit): pass it on
            raise ValueError(msg) from None
        reason = msg.splitlines()[0] if msg else type(exc).__name__
        raise ValueError(
            f"`path` {str(p)!r} is not a readable image (accepted: {accepted}): {reason}"
        ) from None
    except Exception as exc:  # decoders raise a zoo of types on corrupt input
        raise ValueError(
            f"`path` {str(p)!r} is not a readable image (accepted: {accepted}): "
            f"{type(exc).__name__}: {exc}"
        ) from None
    arr = np.asarray(r["arr"])
    source_dtype = arr.dtype.name if arr.dtype.isnative else arr.dtype.str  # '>u2' stays
    if arr.dtype.kind not in "biuf" or not 2 <= arr.ndim <= 5:
        raise ValueError(
            f"`path` {str(p)!r} holds a {arr.ndim}-D array of dtype {arr.dtype}; an image "
            f"is a 2-D to 5-D array (y, x and any of t, z, c) of bool, integer or float values."
        )
    if not arr.dtype.isnative:
        arr = arr.astype(arr.dtype.newbyteorder("="))
    colour = r["colour"]
    if user_axes is not None:
        if len(user_axes) != arr.ndim:
            raise ValueError(
                f"`axes` {axes!r} names {len(user_axes)} axes but `path` {str(p)!r} holds a "
                f"{arr.ndim}-D array of shape {arr.shape}"
                + (f" (axes {r['source_axes']!r} in the file)" if r["source_axes"] else "")
                + f"; pass one letter per axis, e.g. {_choices(arr.ndim)}."
            )
        found, source_axes, axes_from = user_axes, user_axes, "user"
        if "c" not in found:
            colour = "grey"
        elif colour in (None, "grey"):
            colour = "channels"
    elif r["axes"] is not None:
        found, source_axes, axes_from = r["axes"], r["source_axes"] or r["axes"], "file"
    elif arr.ndim == 2:
        found, source_axes, axes_from, colour = "yx", "yx", "layout", "grey"
    elif r["format"] in ("npy", "zarr") and _colour_convention(arr.shape):
        found, source_axes, axes_from = "yxc", "yxc", "convention"
        colour = "RGB" if arr.shape[-1] == 3 else "RGBA"
    else:
        where = (f"the file's axes {r['source_axes']!r} do not say what each one is"
                 if r["source_axes"] else "the file does not record its axes")
        raise _ambiguous(p, arr.shape, where)
    colour = colour or ("channels" if "c" in found else "grey")
    spacing = r["spacing"] if axes_from == "file" or user_axes == r["axes"] else {
        a: s for a, s in r["spacing"].items() if a in "yx"}
    arr, found, sp = _canonical(arr, found, spacing)
    if channel is not None and "c" in found:
        arr = _reduce_channels(arr, channel)
        if arr.ndim < len(found):
            found = found[:-1]
        colour += "; joint" if channel == "joint" else (
            "; luminance" if channel == "luminance" else f"; channel {channel}")
    if not return_info:
        return arr
    info = ImageInfo(axes=found, shape=tuple(arr.shape), spacing=sp,
                     unit=r["unit"] if sp is not None else None, source_dtype=source_dtype,
                     source_axes=source_axes, axes_from=axes_from, colour_handling=colour,
                     orientation=int(r["orientation"]), format=r["format"])
    return arr, info


def select_channel(image, channel="luminance") -> np.ndarray:
    """Reduce a colour image to what is analysed.

    Parameters
    ----------
    image : (M, N) or (M, N, C) ndarray
        A grey image passes through unchanged.
    channel : {'luminance', 'joint'} or int
        ``'luminance'``: ITU-R BT.601 luma ``0.299 R + 0.587 G + 0.114 B`` (alpha
        ignored), rounded back to the input dtype for integer images, as PIL's
        ``convert("L")`` does; fewer than 3 channels: the first. An int: that channel.
        ``'joint'``: the image unchanged, so that each colour (R, G, B) is one outcome.

    Returns
    -------
    image : (M, N) ndarray, or (M, N, C) for ``'joint'``
    """
    arr = np.asarray(image)
    if arr.ndim == 2:
        return arr
    if arr.ndim != 3:
        raise ValueError(f"`image` expects a 2-D or (M, N, C) array, got shape {arr.shape}.")
    return _reduce_channels(arr, channel)


def _reduce_channels(arr: np.ndarray, channel) -> np.ndarray:
    """:func:`select_channel` on the last axis of an array of any rank."""
    nch = arr.shape[-1]
    if isinstance(channel, str):
        if channel == "joint":
            return arr
        if channel == "luminance":
            if nch < 3:
                return arr[..., 0]
            w = np.asarray(LUMA_WEIGHTS)
            lum = arr[..., :3].astype(np.float64) @ w
            if arr.dtype.kind in "iu":
                info = np.iinfo(arr.dtype)
                return np.clip(np.rint(lum), info.min, info.max).astype(arr.dtype)
            if arr.dtype.kind == "b":
                return lum >= 0.5
            return lum.astype(arr.dtype)
        raise ValueError(
            f"`channel` expects 'luminance', 'joint' or a channel index 0..{nch - 1}, got {channel!r}."
        )
    if isinstance(channel, (int, np.integer)) and not isinstance(channel, bool):
        if not -nch <= int(channel) < nch:
            raise ValueError(f"`channel` index {channel} is out of range for {nch} channels.")
        return arr[..., int(channel)]
    raise TypeError(
        f"`channel` expects 'luminance', 'joint' or a channel index, got {channel!r}."
    )


def sample_image() -> np.ndarray:
    """The bundled sample photograph: scikit-image's "camera", (512, 512) uint8.

    CC0 by the photographer, Lav Varshney; shipped in the package, so no network is
    needed.

    Examples
    --------
    >>> import infopix
    >>> img = infopix.sample_image()
    >>> img.shape, img.dtype.name
    ((512, 512), 'uint8')
    """
    import imageio.v3 as iio

    with resources.as_file(resources.files("infopix") / "data" / "camera.png") as f:
        return np.asarray(iio.imread(f))


# Atomic output lives in `outputs` (shared by every writer); re-exported here.
from .outputs import atomic_path, check_output_path  # noqa: E402,F401


#: What each lossless-or-lossy 8-bit format holds: {ext: {dtype kind: allowed shapes}}.
_PILLOW_HOLDS = {
    ".png": ("PNG", "uint8 or bool (M, N), (M, N, 2), (M, N, 3), (M, N, 4), or uint16 (M, N)"),
    ".jpg": ("JPEG", "uint8 or bool (M, N) or (M, N, 3) (lossy)"),
    ".jpeg": ("JPEG", "uint8 or bool (M, N) or (M, N, 3) (lossy)"),
    ".bmp": ("BMP", "uint8 or bool (M, N) or (M, N, 3)"),
    ".gif": ("GIF", "uint8 or bool (M, N) (grey; GIF cannot hold more than 256 colours)"),
    ".webp": ("WEBP", "uint8 (M, N, 3) or (M, N, 4) (written lossless)"),
}


def _pillow_can_hold(ext: str, arr: np.ndarray) -> bool:
    u8 = arr.dtype in (np.uint8, np.bool_)
    nch = arr.shape[-1] if arr.ndim == 3 else 0
    if arr.ndim not in (2, 3) or min(arr.shape[:2]) < 1:
        return False
    if ext == ".png":
        return (u8 and nch in (0, 2, 3, 4)) or (arr.dtype == np.uint16 and nch == 0)
    if ext in (".jpg", ".jpeg", ".bmp"):
        return u8 and nch in (0, 3)
    if ext == ".gif":
        return u8 and nch == 0
    if ext == ".webp":
        return arr.dtype == np.uint8 and nch in (3, 4)
    return False


def write_image(path, image, *, axes=None, metadata=None, force: bool = False) -> None:
    """Write an array atomically as TIFF (tifffile), ``.npy``, or PNG/JPEG/BMP/GIF/WebP.

    Parameters
    ----------
    path : str or os.PathLike
        The extension chooses the format.
    image : ndarray
        TIFF and ``.npy`` keep any bool, integer or float dtype and any number of axes.
        The 8-bit formats hold only what they can (PNG: uint8/bool grey, grey+alpha, RGB,
        RGBA, or uint16 grey; JPEG and BMP: uint8 grey or RGB; GIF: uint8 grey; WebP:
        uint8 RGB(A)); anything else is refused with one line naming TIFF or ``.npy``,
        rather than converted.
    axes : str, optional
        The array's axes (``'zyx'``, ``'tyx'``, ``'yxc'``, ``'czyx'``, ...), recorded in
        a TIFF so that :func:`read_image` reads it back without being told. Ignored by
        the other formats (``.npy`` has no place for it).
    metadata : dict, optional
        JSON-able information stored with a TIFF (e.g. a provenance record of
        :func:`infopix.provenance.record`, under the key ``'infopix'``): written as the
        first page's ImageDescription, a JSON object that also holds the shape and
        ``axes`` (tifffile's "shaped" description; read back as
        ``tifffile.TiffFile(path).shaped_metadata[0]``). Refused for ``.npy`` and the
        picture formats, which have no place for it.
    force : bool, optional
        Replace an existing file.

    Raises
    ------
    ValueError
        An unknown extension, or an array the format cannot hold.
    FileExistsError
        ``path`` exists and ``force`` is False.
    """
    arr = np.asarray(image)
    dest = Path(os.fsdecode(os.fspath(path)))
    ext = dest.suffix.lower()
    if ext not in READABLE:
        raise ValueError(
            f"`path` {str(dest)!r} has an unknown extension; accepted: {', '.join(READABLE)}."
        )
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"`image` of dtype {arr.dtype} cannot be written; infopix writes bool, integer "
            f"or float arrays."
        )
    if not arr.dtype.isnative:
        arr = arr.astype(arr.dtype.newbyteorder("="))
    if axes is not None:
        axes = _parse_axes(axes)
        if len(axes) != arr.ndim:
            raise ValueError(
                f"`axes` {axes!r} names {len(axes)} axes but `image` has shape {arr.shape}."
            )
    if ext in _PILLOW and not _pillow_can_hold(ext, arr):
        fmt, holds = _PILLOW_HOLDS[ext]
        raise ValueError(
            f"{fmt} cannot hold `image` of shape {arr.shape} and dtype {arr.dtype} "
            f"(it holds {holds}); write .tif or .npy, which keep any dtype and shape."
        )
    if metadata is not None:
        if not isinstance(metadata, dict):
            raise TypeError(f"`metadata` expects a dict, got {type(metadata).__name__}.")
        if ext not in _TIFF:
            raise ValueError(
                f"`metadata` can be stored only in a TIFF; {str(dest)!r} ({ext}) has no "
                f"place for it: write .tif, or leave `metadata` out."
            )
        bad = sorted(set(metadata) & {"axes", "shape"})
        if bad:
            raise ValueError(f"`metadata` may not hold {bad}: pass the axes as `axes=`.")
        from .provenance import _jsonable

        metadata = _jsonable(metadata)
    if ext in _TIFF and arr.ndim < 2:
        raise ValueError(f"`image` of shape {arr.shape} is not an image; TIFF needs at least 2 axes.")
    with atomic_path(dest, force=force) as tmp:
        if ext in _NPY:
            with open(tmp, "wb") as fh:
                np.save(fh, arr, allow_pickle=False)
        elif ext in _TIFF:
            import tifffile

            kw: dict = {}
            if axes is None and _colour_convention(arr.shape):
                axes = "yxc"  # what the library takes it for; the file then says so
            rgb = arr.ndim == 3 and arr.shape[-1] in (3, 4) and arr.dtype in (np.uint8, np.uint16)
            if axes is not None:
                kw["metadata"] = {"axes": axes.upper().replace("C", "S") if axes.endswith("yxc") and rgb
                                  else axes.upper()}
                rgb = rgb and axes == "yxc"
            if metadata:
                kw["metadata"] = {**kw.get("metadata", {}), **metadata}
            kw["photometric"] = "rgb" if rgb else "minisblack"
            if rgb and arr.ndim == 3:
                kw["planarconfig"] = "contig"
            tifffile.imwrite(tmp, arr, **kw)
        else:
            from PIL import Image

            a = arr.astype(np.uint8) * 255 if arr.dtype == bool else arr
            fmt = _PILLOW_HOLDS[ext][0]
            opts = {"lossless": True} if fmt == "WEBP" else {}
            Image.fromarray(np.ascontiguousarray(a)).save(tmp, format=fmt, **opts)
