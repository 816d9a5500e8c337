"""Image I/O: round trips, the bundled sample, unreadable files, atomic output (issue 3)."""

import os

import imageio.v3 as iio
import numpy as np
import pytest
import tifffile

import infopix
from infopix.io import atomic_path

RNG = np.random.default_rng(987654321)


@pytest.mark.parametrize(
    "ext, dtype, shape",
    [
        (".png", np.uint8, (17, 23)),
        (".png", np.uint16, (17, 23)),
        (".png", np.uint8, (9, 11, 3)),
        (".tif", np.uint8, (17, 23)),
        (".tif", np.uint16, (17, 23)),
        (".tif", np.float32, (17, 23)),
        (".tiff", np.float64, (5, 6)),
        (".tif", np.uint8, (8, 9, 3)),
        (".npy", np.float64, (4, 5)),
        (".npy", np.int16, (4, 5)),
        (".npy", bool, (4, 5)),
    ],
)
def test_round_trip_is_identical(tmp_path, ext, dtype, shape):
    if np.dtype(dtype).kind == "f":
        a = RNG.standard_normal(shape).astype(dtype)
    elif dtype is bool:
        a = RNG.integers(0, 2, shape).astype(bool)
    else:
        info = np.iinfo(dtype)
        a = RNG.integers(info.min, int(info.max) + 1, shape).astype(dtype)
    path = tmp_path / f"a{ext}"
    infopix.write_image(path, a)
    b = infopix.read_image(path)
    assert b.dtype == a.dtype and b.shape == a.shape
    np.testing.assert_array_equal(a, b)


def test_files_written_by_imageio_and_tifffile_read_back(tmp_path):
    a8 = RNG.integers(0, 256, (12, 10), dtype=np.uint8)
    a16 = RNG.integers(0, 65536, (12, 10)).astype(np.uint16)
    f32 = RNG.random((12, 10), dtype=np.float32)
    iio.imwrite(tmp_path / "a.png", a8)
    iio.imwrite(tmp_path / "b.png", a16)
    tifffile.imwrite(tmp_path / "c.tif", a16)
    tifffile.imwrite(tmp_path / "d.tif", f32)
    for name, ref in (("a.png", a8), ("b.png", a16), ("c.tif", a16), ("d.tif", f32)):
        b = infopix.read_image(tmp_path / name)
        assert b.dtype == ref.dtype
        np.testing.assert_array_equal(b, ref)
    # JPEG is lossy: we must read exactly what the decoder gives, nothing more
    iio.imwrite(tmp_path / "e.jpg", a8)
    np.testing.assert_array_equal(infopix.read_image(tmp_path / "e.jpg"), iio.imread(tmp_path / "e.jpg"))


def test_sample_image_is_the_bundled_photo():
    img = infopix.sample_image()
    assert img.shape == (512, 512) and img.dtype == np.uint8
    assert 6.5 < infopix.intensity_entropy(img) < 8  # a real photo, not noise or flat
    assert len(np.unique(img)) > 200


def test_read_with_channel(tmp_path):
    rgb = RNG.integers(0, 256, (6, 7, 3), dtype=np.uint8)
    infopix.write_image(tmp_path / "c.png", rgb)
    lum = infopix.read_image(tmp_path / "c.png", channel="luminance")
    assert lum.shape == (6, 7) and lum.dtype == np.uint8
    np.testing.assert_array_equal(infopix.read_image(tmp_path / "c.png", channel=2), rgb[..., 2])


@pytest.mark.parametrize(
    "name, content, exc, match",
    [
        ("missing.png", None, FileNotFoundError, r"does not exist"),
        ("text.png", b"this is not an image\n", ValueError, r"is not a readable image \(accepted: .*\.png"),
        ("empty.tif", b"", ValueError, r"is not a readable image"),
        ("notes.txt", b"hello", ValueError, r"unknown extension '.txt'"),
        ("broken.npy", b"\x93NUMPY garbage", ValueError, r"is not a readable image"),
    ],
)
def test_unreadable_files(tmp_path, name, content, exc, match):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(exc, match=match):
        infopix.read_image(path)


def test_non_image_arrays_in_npy(tmp_path):
    np.save(tmp_path / "a.npy", np.zeros((2, 2, 2, 2)))
    with pytest.raises(ValueError, match=r"4-D array"):
        infopix.read_image(tmp_path / "a.npy")
    np.save(tmp_path / "c.npy", np.zeros((3, 3), complex))
    with pytest.raises(ValueError, match=r"dtype complex128"):
        infopix.read_image(tmp_path / "c.npy")


def test_write_refuses_to_overwrite_without_force(tmp_path):
    path = tmp_path / "out.npy"
    infopix.write_image(path, np.zeros((2, 2)))
    with pytest.raises(FileExistsError, match=r"exists; pass force=True \(CLI: --force\)"):
        infopix.write_image(path, np.ones((2, 2)))
    np.testing.assert_array_equal(np.load(path), 0)
    infopix.write_image(path, np.ones((2, 2)), force=True)
    np.testing.assert_array_equal(np.load(path), 1)


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    path = tmp_path / "result.json"
    path.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(path, force=True) as tmp:
            tmp.write_text("half")
            raise RuntimeError("interrupted")
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["result.json"]
