"""Reading and writing images, the bundled sample, colour channels, atomic output.

Formats: PNG, JPEG, GIF, BMP (imageio), TIFF including 16-bit and float32 (tifffile),
and NumPy ``.npy``. Nothing here touches the network.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import numpy as np

__all__ = [
    "read_image",
    "write_image",
    "sample_image",
    "select_channel",
    "atomic_path",
    "LUMA_WEIGHTS",
]

_TIFF = {".tif", ".tiff"}
_IMAGEIO = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp"}
_NPY = {".npy"}
READABLE = sorted(_TIFF | _IMAGEIO | _NPY)

#: ITU-R BT.601 luma weights (R, G, B), the weights of PIL's ``convert("L")`` that the
#: notebook's ``ImageOps.grayscale`` used.
LUMA_WEIGHTS = (0.299, 0.587, 0.114)


def read_image(path, *, channel=None) -> np.ndarray:
    """Read an image file into a NumPy array, keeping its dtype.

    Parameters
    ----------
    path : str or os.PathLike
        A PNG, JPEG, GIF, BMP, TIFF (8-bit, 16-bit or float) or ``.npy`` file.
    channel : {None, 'luminance', 'joint'} or int, optional
        ``None`` (default) returns the array as stored ((M, N) or (M, N, C)). Any other
        value is applied with :func:`select_channel`.

    Returns
    -------
    image : (M, N) or (M, N, C) ndarray

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is not a readable image of an accepted format.

    Examples
    --------
    >>> import infopix, numpy as np, tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> a = np.arange(12, dtype=np.uint16).reshape(3, 4)
    >>> infopix.write_image(os.path.join(d, "a.tif"), a)
    >>> b = infopix.read_image(os.path.join(d, "a.tif"))
    >>> b.dtype == a.dtype and bool((a == b).all())
    True
    """
    p = Path(os.fspath(path))
    if not p.exists():
        raise FileNotFoundError(f"`path` {str(p)!r} does not exist.")
    if p.is_dir():
        raise ValueError(f"`path` {str(p)!r} is a folder; an image file is expected.")
    ext = p.suffix.lower()
    accepted = ", ".join(READABLE)
    try:
        if ext in _NPY:
            arr = np.load(p, allow_pickle=False)
        elif ext in _TIFF:
            import tifffile

            arr = tifffile.imread(p)
        elif ext in _IMAGEIO:
            import imageio.v3 as iio

            # Pillow only: imageio's plugin search would try DICOM, FFmpeg, ... on junk
            arr = iio.imread(p, plugin="pillow", index=0 if ext == ".gif" else None)
        else:
            raise ValueError(f"unknown extension {ext!r}")
    except (ValueError, OSError, SyntaxError, EOFError, KeyError, IndexError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(
            f"`path` {str(p)!r} is not a readable image (accepted: {accepted}): {reason}"
        ) from None
    except Exception as exc:  # decoders raise a zoo of types on corrupt input
        raise ValueError(
            f"`path` {str(p)!r} is not a readable image (accepted: {accepted}): "
            f"{type(exc).__name__}: {exc}"
        ) from None
    arr = np.asarray(arr)
    if arr.dtype.kind not in "biuf" or arr.ndim not in (2, 3):
        raise ValueError(
            f"`path` {str(p)!r} holds a {arr.ndim}-D array of dtype {arr.dtype}; an image "
            f"is a 2-D (grey) or 3-D (colour) array of bool, integer or float values."
        )
    if channel is not None:
        arr = select_channel(arr, channel)
    return arr


def select_channel(image, channel="luminance") -> np.ndarray:
    """Reduce a colour image to what is analysed.

    Parameters
    ----------
    image : (M, N) or (M, N, C) ndarray
        A grey image passes through unchanged.
    channel : {'luminance', 'joint'} or int
        ``'luminance'``: ITU-R BT.601 luma ``0.299 R + 0.587 G + 0.114 B`` (alpha
        ignored), rounded back to the input dtype for integer images, as PIL's
        ``convert("L")`` does. An int: that channel. ``'joint'``: the image unchanged,
        so that each colour (R, G, B) is one outcome.

    Returns
    -------
    image : (M, N) ndarray, or (M, N, C) for ``'joint'``
    """
    arr = np.asarray(image)
    if arr.ndim == 2:
        return arr
    if arr.ndim != 3:
        raise ValueError(f"`image` expects a 2-D or (M, N, C) array, got shape {arr.shape}.")
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


# Atomic output lives in `_outputs` (shared by every writer); re-exported here.
from ._outputs import atomic_path, check_output_path  # noqa: E402,F401


def write_image(path, image, *, force: bool = False) -> None:
    """Write an array atomically as PNG/JPEG (imageio), TIFF (tifffile) or ``.npy``.

    TIFF and ``.npy`` keep any dtype (float64 included); PNG takes uint8, uint16 or bool.
    An existing file is not replaced unless ``force``.
    """
    arr = np.asarray(image)
    dest = Path(os.fspath(path))
    ext = dest.suffix.lower()
    if ext not in READABLE:
        raise ValueError(
            f"`path` {str(dest)!r} has an unknown extension; accepted: {', '.join(READABLE)}."
        )
    with atomic_path(dest, force=force) as tmp:
        if ext in _NPY:
            with open(tmp, "wb") as fh:
                np.save(fh, arr, allow_pickle=False)
        elif ext in _TIFF:
            import tifffile

            tifffile.imwrite(tmp, arr)
        else:
            import imageio.v3 as iio

            if arr.dtype == bool:
                arr = arr.astype(np.uint8) * 255
            iio.imwrite(tmp, arr, extension=ext)
