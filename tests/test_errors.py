"""Bad input gets a clear error naming what was wrong and what is accepted (issue 3)."""

import numpy as np
import pytest

import infopix

GOOD = np.arange(16, dtype=np.uint8).reshape(4, 4)

IMAGE_FUNCTIONS = [
    lambda im: infopix.intensity_entropy(im),
    lambda im: infopix.intensity_distribution(im),
    lambda im: infopix.intensity_expected("surprisal", im),
    lambda im: infopix.intensity_counts(im),
]


@pytest.mark.parametrize("func", IMAGE_FUNCTIONS)
@pytest.mark.parametrize(
    "bad, exc, match",
    [
        (np.zeros((0, 5), dtype=np.uint8), ValueError, r"`image` is empty"),
        (np.zeros((1, 1), dtype=np.uint8), ValueError, r"`image` has 1 pixel"),
        (np.zeros((2, 2, 2, 2), dtype=np.uint8), ValueError, r"`image` expects a 2-D array.*4-D"),
        (np.zeros(5, dtype=np.uint8), ValueError, r"`image` expects a 2-D array.*1-D"),
        (np.zeros((3, 3), dtype=complex), TypeError, r"complex dtype"),
        (np.array([[1.0, np.nan]]), ValueError, r"NaN or inf.*mask=np.isfinite"),
        (np.array([[1.0, np.inf]]), ValueError, r"NaN or inf"),
        (np.array([["a", "b"]]), TypeError, r"bool, integer or float dtype"),
        ("photo.png", TypeError, r"`image` expects a 2-D NumPy array"),
    ],
)
def test_bad_images(func, bad, exc, match):
    with pytest.raises(exc, match=match):
        func(bad)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"alpha": -0.5}, ValueError, r"`alpha` expects a real number >= 0.*-0.5"),
        ({"alpha": "two"}, TypeError, r"`alpha` expects a real number"),
        ({"base": 1}, ValueError, r"`base` expects a positive number other than 1"),
        ({"base": -2}, ValueError, r"`base`"),
        ({"mask": np.ones((3, 3), bool)}, ValueError, r"`mask` must have the image's shape \(4, 4\), got shape \(3, 3\)"),
        ({"mask": np.zeros((4, 4), bool)}, ValueError, r"`mask` selects no pixel"),
        ({"estimator": "magic"}, ValueError, r"`estimator` expects one of .*'plugin'.*'magic'"),
        ({"bins": 0}, ValueError, r"`bins` expects an integer >= 1"),
        ({"bins": 4, "range": (5, 1)}, ValueError, r"`range` expects finite low < high"),
        ({"bins": 4, "range": (0, 5)}, ValueError, r"`range` \(0, 5\) excludes 10 pixel value"),
        ({"alpha": 2, "estimator": "miller_madow"}, ValueError, r"`alpha` other than 1"),
    ],
)
def test_bad_options(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        infopix.intensity_entropy(GOOD, **kwargs)


@pytest.mark.parametrize(
    "p, match",
    [
        ([0.5, 0.4], r"`p` must sum to 1, got sum 0.9"),
        ([1.5, -0.5], r"`p` contains negative values"),
        ([np.nan, 1.0], r"`p` contains NaN"),
        ([], r"`p` is empty"),
    ],
)
@pytest.mark.parametrize(
    "func",
    [infopix.shannon_entropy, lambda p: infopix.renyi_entropy(p, 2), lambda p: infopix.tsallis_entropy(p, 2)],
)
def test_bad_probabilities(func, p, match):
    with pytest.raises(ValueError, match=match):
        func(p)


def test_renyi_negative_alpha():
    with pytest.raises(ValueError, match=r"`alpha` expects a real number >= 0"):
        infopix.renyi_entropy([0.5, 0.5], -1)
    with pytest.raises(ValueError, match=r"`q` expects a real number >= 0"):
        infopix.tsallis_entropy([0.5, 0.5], -1)


@pytest.mark.parametrize(
    "counts, exc, match",
    [
        ([1, -1], ValueError, r"negative count"),
        ([1.5, 2], ValueError, r"non-integer"),
        ([], ValueError, r"empty"),
        ([0, 0], ValueError, r"all zero"),
        ([True, False], TypeError, r"integer counts"),
    ],
)
def test_bad_counts(counts, exc, match):
    with pytest.raises(exc, match=match):
        infopix.entropy_from_counts(counts)


def test_intensity_expected_bad_f():
    with pytest.raises(ValueError, match=r"`f` expects one of 'surprisal', 'laurent', 'taylor'"):
        infopix.intensity_expected("cubic", GOOD)
    with pytest.raises(TypeError, match=r"`f` expects a name"):
        infopix.intensity_expected(3, GOOD)


def test_bad_channel():
    rgb = np.zeros((4, 4, 3), dtype=np.uint8)
    rgb[0, 0] = 9
    with pytest.raises(ValueError, match=r"`channel` index 5 is out of range for 3 channels"):
        infopix.intensity_entropy(rgb, channel=5)
    with pytest.raises(ValueError, match=r"`channel` expects 'luminance', 'joint'"):
        infopix.intensity_entropy(rgb, channel="red")


def test_huge_sigma_is_a_clear_error_not_a_memory_error():
    with pytest.raises(ValueError, match="`sigma` = 1e\\+12 px gives a Gaussian of radius"):
        infopix.gaussian_blur(np.zeros((8, 8)), 1e12)


def test_counts_must_be_a_vector():
    with pytest.raises(ValueError, match="1-D vector of counts.*ravel"):
        infopix.entropy_from_counts(np.ones((3, 3), int))
