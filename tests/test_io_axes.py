"""Reading with axes, input fidelity and resource limits (issues 16 and 17).

Every reference here is external to infopix: the arrays written with tifffile, NumPy
and Zarr, Pillow's own ``ImageOps.exif_transpose`` and ``convert("L")``, NumPy's
rotations, native-byte-order copies of the same data.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import time
import tracemalloc
import zlib

import numpy as np
import pytest
import tifffile
from PIL import Image, ImageOps
from typer.testing import CliRunner

import infopix
from infopix import _validation as v
from infopix.cli import app
from infopix.io import DEFAULT_MAX_PIXELS, MAX_PIXELS_ENV, ImageInfo, read_image, write_image

RNG = np.random.default_rng(20261129)


def _data(shape, dtype=np.uint16):
    return RNG.integers(0, 1000 if np.dtype(dtype).itemsize > 1 else 250, shape).astype(dtype)


# --------------------------------------------------------------------------- layouts
#
# Each case: how to write the file (tifffile / NumPy / Zarr, never infopix), the data,
# the axes and spacing read_image must report, and the axis permutation taking the
# written array to the returned one (canonical order t, z, y, x, c).


def _tif(**kw):
    def write(path, data):
        tifffile.imwrite(path, data, **kw)
    return write


LAYOUTS = {
    # name: (suffix, writer, shape, dtype, axes, spacing, unit, transpose)
    "ZYX": (".tif", _tif(metadata={"axes": "ZYX"}, photometric="minisblack"),
            (5, 12, 10), np.uint16, "zyx", None, None, None),
    "TZYX": (".tif", _tif(metadata={"axes": "TZYX"}, photometric="minisblack"),
             (2, 3, 12, 10), np.uint8, "tzyx", None, None, None),
    "TYX": (".tif", _tif(metadata={"axes": "TYX"}, photometric="minisblack"),
            (4, 12, 10), np.float32, "tyx", None, None, None),
    "CYX": (".tif", _tif(metadata={"axes": "CYX"}, photometric="minisblack"),
            (2, 12, 10), np.uint16, "yxc", None, None, (1, 2, 0)),
    "YXS RGB": (".tif", _tif(photometric="rgb"), (12, 10, 3), np.uint8, "yxc", None, None, None),
    "ImageJ hyperstack TZCYX": (
        ".tif",
        _tif(imagej=True, metadata={"axes": "TZCYX", "spacing": 2.5, "unit": "um"},
             resolution=(1 / 0.5, 1 / 0.25)),
        (2, 3, 2, 12, 10), np.uint16, "tzyxc", (2.5, 0.25, 0.5), "um", (0, 1, 3, 4, 2)),
    "ImageJ ZYX": (
        ".tif", _tif(imagej=True, metadata={"axes": "ZYX", "spacing": 3.0, "unit": "um"},
                     resolution=(4.0, 2.0)),
        (4, 12, 10), np.uint8, "zyx", (3.0, 0.5, 0.25), "um", None),
    "OME CZYX": (
        ".ome.tif",
        _tif(ome=True, metadata={"axes": "CZYX", "PhysicalSizeX": 0.5, "PhysicalSizeY": 0.25,
                                 "PhysicalSizeZ": 2.0}, photometric="minisblack"),
        (2, 3, 12, 10), np.uint16, "zyxc", (2.0, 0.25, 0.5), "µm", (1, 2, 3, 0)),
    "resolution tags": (
        ".tif", _tif(resolution=(300, 150), resolutionunit="INCH"),
        (12, 10), np.uint8, "yx", (1 / 150, 1 / 300), "inch", None),
    "npy ZYX (axes=)": (".npy", lambda p, d: np.save(p, d), (5, 12, 10), np.int16, "zyx", None, None, None),
    "npy YX": (".npy", lambda p, d: np.save(p, d), (12, 10), np.float64, "yx", None, None, None),
}
USER_AXES = {"npy ZYX (axes=)": "zyx"}


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_layouts_read_with_their_axes(tmp_path, name):
    suffix, write, shape, dtype, axes, spacing, unit, perm = LAYOUTS[name]
    data = _data(shape, dtype)
    path = tmp_path / f"img{suffix}"
    write(path, data)
    arr, info = read_image(path, axes=USER_AXES.get(name), return_info=True)
    expected = data if perm is None else np.transpose(data, perm)
    assert isinstance(info, ImageInfo)
    assert info.axes == axes and arr.shape == expected.shape == info.shape
    assert arr.dtype == data.dtype
    np.testing.assert_array_equal(arr, expected)
    if spacing is None:
        assert info.spacing is None
    else:
        np.testing.assert_allclose(info.spacing, spacing, rtol=1e-12)
        assert info.unit == unit
    assert info.axes_from == ("user" if name in USER_AXES else "file" if suffix != ".npy" else "layout")
    assert info.to_dict()["shape"] == list(arr.shape)


def test_zarr_plain_and_ome(tmp_path):
    zarr = pytest.importorskip("zarr")
    d = _data((4, 6, 5), np.uint16)
    z = zarr.create_array(store=str(tmp_path / "a.zarr"), shape=d.shape, dtype=d.dtype, chunks=(2, 6, 5))
    z[:] = d
    with pytest.raises(ValueError, match=r"does not record its axes.*'zyx' \(a volume\), 'tyx'"):
        read_image(tmp_path / "a.zarr")
    arr, info = read_image(tmp_path / "a.zarr", axes="tyx", return_info=True)
    np.testing.assert_array_equal(arr, d)
    assert info.axes == "tyx" and info.format == "zarr"
    # OME-Zarr (0.5 layout): axes and scale from the multiscales metadata
    g = zarr.open_group(str(tmp_path / "g.zarr"), mode="w")
    a = g.create_array("0", shape=(2,) + d.shape, dtype=d.dtype, chunks=(1, 2, 6, 5))
    a[:] = np.stack([d, d + 1])
    ax = [{"name": "c", "type": "channel"}] + [
        {"name": n, "type": "space", "unit": "micrometer"} for n in "zyx"]
    g.attrs["ome"] = {"version": "0.5", "multiscales": [{"axes": ax, "datasets": [
        {"path": "0", "coordinateTransformations": [{"type": "scale", "scale": [1, 2.0, 0.5, 0.25]}]}]}]}
    arr, info = read_image(tmp_path / "g.zarr", return_info=True)
    assert info.axes == "zyxc" and info.spacing == (2.0, 0.5, 0.25) and info.unit == "micrometer"
    np.testing.assert_array_equal(arr, np.moveaxis(np.stack([d, d + 1]), 0, -1))


@pytest.mark.parametrize(
    "write, shape, said",
    [
        (lambda p, d: np.save(p, d), (5, 64, 64), "the file does not record its axes"),
        (lambda p, d: np.save(p, d), (8, 8, 100), "the file does not record its axes"),
        (lambda p, d: np.save(p, d), (5, 5, 2), "the file does not record its axes"),
        (lambda p, d: tifffile.imwrite(p, d), (5, 16, 16), "the file's axes 'QYX'"),
        (lambda p, d: tifffile.imwrite(p, d, metadata=None), (5, 16, 16), "the file's axes 'IYX'"),
    ],
)
def test_ambiguous_3d_is_an_error_naming_the_choices(tmp_path, write, shape, said):
    """Issue 16 item 4: a (5, 64, 64) stack was read as a 5 x 64 image with 64 channels."""
    path = tmp_path / ("a.npy" if "record" in said else "a.tif")
    d = _data(shape, np.uint8)
    write(path, d)
    with pytest.raises(ValueError) as err:
        read_image(path)
    msg = str(err.value)
    assert said in msg and "\n" not in msg
    for choice in ("'zyx' (a volume)", "'tyx' (a series of images)", "'yxc'", "'cyx'"):
        assert choice in msg
    # told, it reads: a volume, or channels first moved last
    np.testing.assert_array_equal(read_image(path, axes="zyx"), d)
    np.testing.assert_array_equal(read_image(path, axes="cyx"), np.moveaxis(d, 0, -1))


def test_axes_argument_checks(tmp_path):
    np.save(tmp_path / "a.npy", _data((3, 4, 5), np.uint8))
    with pytest.raises(ValueError, match=r"`axes` 'yx' names 2 axes but .* shape \(3, 4, 5\)"):
        read_image(tmp_path / "a.npy", axes="yx")
    for bad in ("zyxq", "zzx", "zy", ""):
        with pytest.raises(ValueError, match=r"`axes` expects letters from t \(time\), z"):
            read_image(tmp_path / "a.npy", axes=bad)
    with pytest.raises(TypeError, match=r"`axes` expects a string"):
        read_image(tmp_path / "a.npy", axes=3)


def test_colour_is_a_channel_only_when_the_file_or_convention_says_so(tmp_path):
    # an (M, N, 3) array is colour for the library's functions, so the same in a .npy
    rgb = _data((9, 7, 3), np.uint8)
    np.save(tmp_path / "c.npy", rgb)
    arr, info = read_image(tmp_path / "c.npy", return_info=True)
    assert info.axes == "yxc" and info.axes_from == "convention"
    # the file can say it is not: a 3-column volume
    assert read_image(tmp_path / "c.npy", axes="zyx", return_info=True)[1].axes == "zyx"
    # channel selection on a channel axis moved last
    cz = _data((3, 2, 6, 5), np.uint16)
    tifffile.imwrite(tmp_path / "cz.tif", cz, metadata={"axes": "CZYX"}, photometric="minisblack")
    one, info = read_image(tmp_path / "cz.tif", channel=1, return_info=True)
    np.testing.assert_array_equal(one, cz[1])
    assert info.axes == "zyx" and info.colour_handling == "channels; channel 1"


def test_write_image_records_axes_for_read_image(tmp_path):
    for axes, shape in (("zyx", (4, 6, 5)), ("tyx", (3, 6, 5)), ("czyx", (2, 3, 6, 5)), ("yxc", (6, 5, 3))):
        d = _data(shape, np.uint16)
        write_image(tmp_path / f"{axes}.tif", d, axes=axes)
        arr, info = read_image(tmp_path / f"{axes}.tif", return_info=True)
        order = [axes.index(a) for a in "tzyxc" if a in axes]
        np.testing.assert_array_equal(arr, np.transpose(d, order))
        assert info.axes == "".join(a for a in "tzyxc" if a in axes)


# --------------------------------------------------------------------------- fidelity


def _exif(orientation: int) -> bytes:
    e = Image.Exif()
    e[0x0112] = orientation
    return e.tobytes()


# NumPy's view of each EXIF orientation (TIFF 6.0 / EXIF 2.3 tag 274): the stored rows
# and columns -> the displayed image.
NUMPY_ORIENT = {
    1: lambda a: a, 2: lambda a: a[:, ::-1], 3: lambda a: a[::-1, ::-1], 4: lambda a: a[::-1],
    5: lambda a: np.swapaxes(a, 0, 1), 6: lambda a: np.rot90(a, -1),
    7: lambda a: np.rot90(a, 2).swapaxes(0, 1), 8: lambda a: np.rot90(a, 1),
}


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation(tmp_path, orientation):
    """Issue 16 item 6: a rotated JPEG read 32 x 64 instead of 64 x 32."""
    stored = _data((32, 64, 3), np.uint8)
    # lossless PNG: the exact NumPy transform
    png = tmp_path / "o.png"
    Image.fromarray(stored).save(png, exif=_exif(orientation))
    arr, info = read_image(png, return_info=True)
    np.testing.assert_array_equal(arr, NUMPY_ORIENT[orientation](stored))
    assert info.orientation == orientation
    # JPEG: exactly what Pillow's exif_transpose gives for the same decoder
    jpg = tmp_path / "o.jpg"
    Image.fromarray(stored).save(jpg, exif=_exif(orientation), quality=95)
    with Image.open(jpg) as im:
        ref = np.asarray(ImageOps.exif_transpose(im))
    got = read_image(jpg)
    assert got.shape == ref.shape == NUMPY_ORIENT[orientation](stored).shape
    np.testing.assert_array_equal(got, ref)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_tiff_orientation_tag(tmp_path, orientation):
    stored = _data((6, 9), np.uint16)
    tifffile.imwrite(tmp_path / "o.tif", stored, extratags=[(274, "H", 1, orientation, True)],
                     resolution=(2.0, 4.0), resolutionunit="CENTIMETER")
    arr, info = read_image(tmp_path / "o.tif", return_info=True)
    np.testing.assert_array_equal(arr, NUMPY_ORIENT[orientation](stored))
    assert info.orientation == orientation
    # pixel size (y, x): 1/4 cm by 1/2 cm as stored; turned by 90 degrees for 5-8
    assert info.spacing == ((0.5, 0.25) if orientation >= 5 else (0.25, 0.5))


def test_16bit_colour_png_refused_not_truncated(tmp_path):
    """Pillow decodes a 16-bit RGB PNG to 8 bits without a word: refuse it."""
    import struct

    h, w = 4, 5
    a = (np.arange(h * w * 3).reshape(h, w, 3) * 1000).astype(">u2")
    raw = b"".join(b"\x00" + a[i].tobytes() for i in range(h))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    (tmp_path / "rgb16.png").write_bytes(png)
    with pytest.raises(ValueError, match=r"is a 16-bit colour PNG, which Pillow decodes to 8 bits"):
        read_image(tmp_path / "rgb16.png")


def test_cmyk_jpeg_luminance_matches_pillow(tmp_path):
    """Issue 16 item 6: CMYK JPEG luminance was inverted (correlation -1 with Pillow's)."""
    y, x = np.mgrid[0:48, 0:64]
    rgb = np.stack([4 * x % 256, 5 * y % 256, (2 * x + 3 * y) % 256], -1).astype(np.uint8)
    path = tmp_path / "cmyk.jpg"
    Image.fromarray(rgb).convert("CMYK").save(path, quality=95)
    with Image.open(path) as im:
        assert im.mode == "CMYK"
        ref = np.asarray(im.convert("L")).astype(int)
    lum, info = read_image(path, channel="luminance", return_info=True)
    assert info.colour_handling.startswith("CMYK -> RGB")
    # both are BT.601 luma of Pillow's CMYK -> RGB; Pillow rounds in 16-bit fixed point,
    # we round a float64 sum: they may differ by one level, never more
    assert np.abs(lum.astype(int) - ref).max() <= 1
    assert np.corrcoef(lum.ravel(), ref.ravel())[0, 1] > 0.999


@pytest.mark.parametrize("dtype", [">u2", ">i4", ">f8", ">i2"])
def test_big_endian_gives_the_native_results(tmp_path, dtype):
    """Issue 16 item 10: big-endian arrays raised a 66-line Numba TypingError."""
    native = RNG.integers(0, 300, (24, 20)).astype(np.dtype(dtype).newbyteorder("="))
    big = native.astype(dtype)
    assert not big.dtype.isnative
    checked = v.check_image(big)
    assert checked.dtype.isnative and checked.dtype == native.dtype
    np.testing.assert_array_equal(checked, native)
    assert infopix.intensity_entropy(big) == infopix.intensity_entropy(native)
    np.testing.assert_array_equal(infopix.local_entropy(big, 1), infopix.local_entropy(native, 1))
    np.testing.assert_array_equal(infopix.local_std(big, 2), infopix.local_std(native, 2))
    np.testing.assert_array_equal(infopix.gaussian_blur(big, 1.5), infopix.gaussian_blur(native, 1.5))
    # and from a .npy file: read in native order, the stored order recorded
    np.save(tmp_path / "b.npy", big)
    arr, info = read_image(tmp_path / "b.npy", return_info=True)
    assert arr.dtype.isnative and info.source_dtype == np.dtype(dtype).str
    np.testing.assert_array_equal(arr, native)


def test_2d_only_functions_refuse_volumes_with_the_reason():
    vol = np.zeros((5, 64, 64), np.uint8)
    # local maps take (Z, Y, X) volumes (they have no colour): a map of the volume's shape
    assert infopix.local_entropy(vol, 1).shape == vol.shape
    for func in (lambda a: infopix.patterns.lacunarity(a),):
        with pytest.raises(ValueError, match=r"got a 3-D array of shape \(5, 64, 64\)\. This "
                                             r"function is 2-D only: .* pass one slice, image\[k\]"):
            func(vol)
    # intensity entropies count volumes, but only when told (never a guess between a
    # volume and colour): the refusal says how
    with pytest.raises(ValueError, match=r"shape \(5, 64, 64\) is 3-D .* pass channel=None"):
        infopix.intensity_entropy(vol)
    assert infopix.intensity_entropy(vol, channel=None) == 0.0


# --------------------------------------------------------------------------- writing


@pytest.mark.parametrize(
    "name, arr, fmt",
    [
        ("f.png", np.zeros((5, 5), np.float32), "PNG"),
        ("z.png", np.zeros((5, 5, 7), np.uint8), "PNG"),  # was written as a 7 x 5 grey PNG
        ("i.png", np.zeros((5, 5), np.int16), "PNG"),
        ("rgb16.png", np.zeros((5, 5, 3), np.uint16), "PNG"),
        ("u16.jpg", np.zeros((5, 5), np.uint16), "JPEG"),
        ("rgba.jpg", np.zeros((5, 5, 4), np.uint8), "JPEG"),
        ("vol.jpg", np.zeros((4, 5, 5), np.uint8), "JPEG"),
        ("rgb.gif", np.zeros((5, 5, 3), np.uint8), "GIF"),
        ("rgba.bmp", np.zeros((5, 5, 4), np.uint8), "BMP"),
        ("grey.webp", np.zeros((5, 5), np.uint8), "WEBP"),
    ],
)
def test_write_image_refuses_what_a_format_cannot_hold(tmp_path, name, arr, fmt):
    with pytest.raises(ValueError) as err:
        write_image(tmp_path / name, arr)
    msg = str(err.value)
    assert msg.startswith(f"{fmt} cannot hold `image` of shape {arr.shape} and dtype {arr.dtype}")
    assert "write .tif or .npy" in msg and "\n" not in msg
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    "name, arr",
    [("g.png", _data((6, 5), np.uint8)), ("la.png", _data((6, 5, 2), np.uint8)),
     ("rgba.png", _data((6, 5, 4), np.uint8)), ("u16.png", _data((6, 5), np.uint16)),
     ("rgb.bmp", _data((6, 5, 3), np.uint8)), ("g.gif", _data((6, 5), np.uint8)),
     ("rgba.webp", _data((6, 5, 4), np.uint8)), ("b.png", _data((6, 5), np.uint8) > 100)],
)
def test_lossless_formats_round_trip(tmp_path, name, arr):
    write_image(tmp_path / name, arr)
    got = read_image(tmp_path / name)
    if arr.dtype == bool:
        np.testing.assert_array_equal(got, arr.astype(np.uint8) * 255)
    elif name.endswith(".gif"):  # GIF is a palette: read back as RGB, grey in each
        np.testing.assert_array_equal(got, np.repeat(arr[..., None], 3, -1))
    else:
        np.testing.assert_array_equal(got, arr)


# --------------------------------------------------------------------------- limits


def _tiff_bomb(path, side=60416, tile=4096):
    """A ~4 MB zlib TIFF of zeros decoding to side^2 pixels (3.65 gigapixels): one
    compressed tile written over and over, so writing it costs nothing either."""
    enc = zlib.compress(np.zeros((tile, tile), np.uint8).tobytes(), 9)
    n = (-(-side // tile)) ** 2
    tifffile.imwrite(path, (enc for _ in range(n)), shape=(side, side), dtype=np.uint8,
                     tile=(tile, tile), compression="zlib")


def _png_with_size(path, width, height):
    """A valid 1 x 1 PNG whose IHDR then claims width x height (CRC fixed)."""
    import io
    import struct

    buf = io.BytesIO()
    Image.new("L", (1, 1)).save(buf, format="PNG")
    b = bytearray(buf.getvalue())
    b[16:24] = struct.pack(">II", width, height)
    b[29:33] = struct.pack(">I", zlib.crc32(bytes(b[12:29])))
    path.write_bytes(bytes(b))


def _npy_with_shape(path, shape):
    with open(path, "wb") as fh:
        np.lib.format.write_array_header_1_0(
            fh, {"descr": "|u1", "fortran_order": False, "shape": shape})


def test_decompression_bombs_refused_from_the_header(tmp_path):
    """Issue 16 item 12: a 3.6 MB zlib TIFF decoding to 60416^2 took 3.7 GB and 37 s."""
    _tiff_bomb(tmp_path / "bomb.tif")
    assert os.path.getsize(tmp_path / "bomb.tif") < 8e6
    _png_with_size(tmp_path / "bomb.png", 50000, 50000)
    _npy_with_shape(tmp_path / "bomb.npy", (60000, 60000))
    for name, npix in (("bomb.tif", 60416**2), ("bomb.png", 50000**2), ("bomb.npy", 60000**2)):
        tracemalloc.start()
        t0 = time.perf_counter()
        with pytest.raises(ValueError) as err:
            read_image(tmp_path / name)
        elapsed = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        # the issue's bounds: 1 s and 200 MB (refusing from the header takes ~10 ms, 1 MB)
        assert elapsed < 1.0 and peak < 200e6, (name, elapsed, peak)
        msg = str(err.value)
        assert f"decodes to {npix:,} pixels" in msg and f"limit of {DEFAULT_MAX_PIXELS:,}" in msg
        assert "max_pixels=" in msg and MAX_PIXELS_ENV in msg


def test_pixel_limit_keyword_and_environment(tmp_path, monkeypatch):
    write_image(tmp_path / "a.png", _data((10, 12), np.uint8))
    write_image(tmp_path / "a.tif", _data((3, 10, 12), np.uint8), axes="zyx")
    with pytest.raises(ValueError, match=r"decodes to 120 pixels .* limit of 119;"):
        read_image(tmp_path / "a.png", max_pixels=119)
    assert read_image(tmp_path / "a.png", max_pixels=120).shape == (10, 12)
    monkeypatch.setenv(MAX_PIXELS_ENV, "359")
    with pytest.raises(ValueError, match=r"decodes to 360 pixels .* limit of 359;"):
        read_image(tmp_path / "a.tif")
    assert read_image(tmp_path / "a.tif", max_pixels=360).shape == (3, 10, 12)  # keyword wins
    monkeypatch.setenv(MAX_PIXELS_ENV, "lots")
    with pytest.raises(ValueError, match=rf"{MAX_PIXELS_ENV} expects a positive integer"):
        read_image(tmp_path / "a.png")
    monkeypatch.delenv(MAX_PIXELS_ENV)
    for bad, exc in ((0, ValueError), (1.5, TypeError), (True, TypeError)):
        with pytest.raises(exc, match=r"`max_pixels` expects a positive integer"):
            read_image(tmp_path / "a.png", max_pixels=bad)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_special_files_refused_not_waited_on(tmp_path):
    """Issue 16 item 13: a FIFO given as an image hung forever."""
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    with pytest.raises(ValueError, match=r"is a FIFO \(named pipe\); infopix reads regular"):
        read_image(fifo)
    if os.path.exists("/dev/zero"):
        with pytest.raises(ValueError, match=r"is a device"):
            read_image("/dev/zero")


@pytest.mark.skipif(sys.platform == "darwin" or os.name == "nt", reason="needs byte file names")
def test_non_utf8_file_names(tmp_path):
    a = _data((6, 7), np.uint8)
    raw = os.fsencode(tmp_path) + b"/\xff\xfeimg.png"
    write_image(raw, a)
    np.testing.assert_array_equal(read_image(raw), a)  # bytes
    np.testing.assert_array_equal(read_image(os.fsdecode(raw)), a)  # str with surrogates
    with pytest.raises(FileNotFoundError) as err:
        read_image(os.fsencode(tmp_path) + b"/\xffmissing.png")
    str(err.value).encode("utf-8")  # printable: the undecodable byte is escaped
    r = CliRunner().invoke(app, ["entropy", os.fsdecode(raw), "--json"])
    assert r.exit_code == 0, r.output


# --------------------------------------------------------------------------- CLI = API

SAME = [
    ("grey u8", _data((16, 16), np.uint8)),
    ("grey >u2", _data((16, 16), np.uint16).astype(">u2")),
    ("grey f32", RNG.random((16, 16)).astype(np.float32)),
    ("rgb", _data((16, 16, 3), np.uint8)),
    ("rgba", _data((16, 16, 4), np.uint8)),
    ("4x4x4", _data((4, 4, 4), np.uint8)),
    ("5x5x5", _data((5, 5, 5), np.uint8)),  # the CLI took these three as colour
    ("8x8x100", _data((8, 8, 100), np.uint8)),
    ("5x5x2", _data((5, 5, 2), np.uint8)),
    ("stack", _data((5, 64, 64), np.uint8)),
    ("channels first", _data((3, 16, 16), np.uint8)),
    ("4-D", _data((2, 2, 2, 2), np.uint8)),
    ("1-D", _data((16,), np.uint8)),
    ("complex", np.ones((8, 8), complex)),
]


@pytest.mark.parametrize("name, arr", SAME, ids=[n for n, _ in SAME])
def test_cli_and_api_accept_and_refuse_the_same_arrays(tmp_path, name, arr):
    """Issue 16 item 8: `infopix entropy a.npy` against `intensity_entropy(np.load(a.npy))`."""
    path = tmp_path / "a.npy"
    np.save(path, arr)
    try:
        api = infopix.intensity_entropy(np.load(path))
    except (ValueError, TypeError):
        api = None
    r = CliRunner().invoke(app, ["entropy", str(path), "--json"])
    if api is None:
        assert r.exit_code == 1, r.output
        assert r.output.count("\n") == 1 and r.output.startswith("infopix: error:")
        assert "Traceback" not in r.output
    else:
        assert r.exit_code == 0, r.output
        import json

        assert json.loads(r.stdout)["entropy"] == pytest.approx(api, abs=1e-12)


def test_cli_axes_option(tmp_path):
    d = _data((5, 64, 64), np.uint8)
    np.save(tmp_path / "s.npy", d)
    r = CliRunner().invoke(app, ["entropy", str(tmp_path / "s.npy")])
    assert r.exit_code == 1 and "pass --axes to say what it is" in r.output
    assert "axes=" not in r.output  # the CLI flag, not the Python keyword
    # with its axes said, a volume is measured as one (issue 17's face: test_volume_face.py)
    r = CliRunner().invoke(app, ["entropy", str(tmp_path / "s.npy"), "--axes", "zyx", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["shape"] == [5, 64, 64]
    r = CliRunner().invoke(app, ["patterns", str(tmp_path / "s.npy"), "--axes", "zyx"])
    assert r.exit_code == 1 and "is a volume (axes 'zyx', shape 5x64x64); this command does not take volumes" in r.output
    r = CliRunner().invoke(app, ["entropy", str(tmp_path / "s.npy"), "--axes", "qyx"])
    assert r.exit_code == 1 and "`--axes` expects letters" in r.output
    write_image(tmp_path / "big.png", _data((10, 12), np.uint8))
    r = CliRunner().invoke(app, ["entropy", str(tmp_path / "big.png"), "--max-pixels", "100"])
    assert r.exit_code == 1 and "limit of 100; " in r.output and "--max-pixels or the environment variable" in r.output
    r = CliRunner().invoke(app, ["entropy", str(tmp_path / "big.png")], env={MAX_PIXELS_ENV: "100"})
    assert r.exit_code == 1 and "limit of 100; " in r.output


def test_batch_and_report_never_misread_a_volume(tmp_path):
    """Issue 17: `infopix batch` listed a 5x64x64 stack and computed on (5, 64)."""
    from infopix.batch import columns, process_image

    vol = _data((5, 16, 16), np.uint8)
    write_image(tmp_path / "vol.tif", vol, axes="zyx")
    # read as the volume it is and measured as one (no longer refused: issue 17's face)
    row = process_image(tmp_path / "vol.tif", ["entropy"], {"intensity": {"estimators": ["plugin"]}})
    assert row["status"] == "ok" and row["shape"] == "5x16x16"
    assert row["intensity.shannon"] == pytest.approx(infopix.intensity_entropy(vol, channel=None), abs=1e-12)
    assert not np.isnan(row["intensity.H_plugin"])  # (the plug-in value carries no std)
    rep = infopix.analyze(tmp_path / "vol.tif", sections=["intensity"])
    assert rep.shape == (5, 16, 16) and rep.to_dict()["input"]["axes"] == "zyx"
    # a 4-D array the commands do not take is still refused, with the axes named
    write_image(tmp_path / "czyx.tif", np.stack([vol, vol]), axes="czyx")
    row = process_image(tmp_path / "czyx.tif", ["entropy"])
    assert row["status"] == "error" and "'zyxc' array" in row["error"]  # canonical order
    # colour the file names is still reduced to luminance, as before
    rgb = _data((16, 16, 3), np.uint8)
    write_image(tmp_path / "rgb.png", rgb)
    row = process_image(tmp_path / "rgb.png", ["entropy"])
    assert row["status"] == "ok" and row["shape"] == "16x16x3"


def test_pillow_modes_and_resolution(tmp_path):
    rgb = _data((8, 6, 3), np.uint8)
    # a palette PNG reads as the RGB it shows
    pal = Image.fromarray(rgb).quantize(colors=16)
    pal.save(tmp_path / "p.png", dpi=(300, 150))
    arr, info = read_image(tmp_path / "p.png", return_info=True)
    np.testing.assert_array_equal(arr, np.asarray(pal.convert("RGB")))
    assert info.colour_handling == "palette -> RGB" and info.axes == "yxc"
    # pHYs is stored in pixels per metre: 300 dpi comes back within 1e-3
    np.testing.assert_allclose(info.spacing, (1 / 150, 1 / 300), rtol=1e-3)
    assert info.unit == "inch"
    # no resolution recorded: no spacing invented
    write_image(tmp_path / "g.png", rgb[..., 0])
    assert read_image(tmp_path / "g.png", return_info=True)[1].spacing is None
