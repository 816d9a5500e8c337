"""Local ordinal-pattern entropy: a permutation-entropy map of an image.

Every pixel anchors one ``dy x dx`` pattern (:mod:`infopix.patterns.ordinal`); the
patterns' codes are relabelled by the occurring-pattern count of
:func:`~infopix.patterns.ordinal.ordinal_distribution` (dense ids ``0 .. m - 1`` for the
m patterns that occur, so 3x3 and 4x4 patterns need no array of (dx dy)! states) and
handed to the sliding-window histogram walk of :func:`infopix.local_code_entropy`,
which tells the estimator K = (dx dy)!.
"""

from __future__ import annotations

import math

import numpy as np

from .. import _validation as v
from ..local import local_code_entropy, plot_map
from .ordinal import _occurring, _pattern_grid

__all__ = ["local_permutation_entropy", "pattern_grid_offset", "plot_ordinal_map"]


def pattern_grid_offset(*, dx=2, dy=2, taux=1, tauy=1) -> tuple[float, float]:
    """Where the map of :func:`local_permutation_entropy` sits on the image.

    Returns ``(oy, ox) = ((dy - 1) tauy / 2, (dx - 1) taux / 2)``: map pixel ``(i, j)``
    is centred on image position ``(i + oy, j + ox)`` (pixel centres at integers), the
    centre of the patterns its window counts. To overlay the map on the image, draw it
    with ``extent=(ox - 0.5, ox + W - 0.5, oy + H - 0.5, oy - 0.5)`` for an (H, W) map.

    Examples
    --------
    >>> from infopix.patterns import pattern_grid_offset
    >>> pattern_grid_offset()                 # 2x2 patterns: half a pixel down and right
    (0.5, 0.5)
    """
    dx = v.check_positive_int(dx, name="dx")
    dy = v.check_positive_int(dy, name="dy")
    taux = v.check_positive_int(taux, name="taux")
    tauy = v.check_positive_int(tauy, name="tauy")
    return (dy - 1) * tauy / 2, (dx - 1) * taux / 2


def local_permutation_entropy(
    image,
    radius,
    *,
    dx=2,
    dy=2,
    taux=1,
    tauy=1,
    ties="stable",
    rng=None,
    estimator="plugin",
    normalized=True,
    base=2,
    edge="clip",
    return_std=False,
    **options,
):
    """Permutation entropy of the ordinal patterns in the r-box around every pattern.

    Parameters
    ----------
    image : (M, N) ndarray
        Bool, integer or float image (NaN and inf are refused).
    radius : int or sequence of int
        Window radius r on the grid of patterns: the value at ``(i, j)`` counts the
        (2r+1)^2 patterns anchored at ``(i + a, j + b)``, ``|a|, |b| <= r``; a
        sequence gives stacked maps.
    dx, dy, taux, tauy, ties, rng
        The patterns, as in :func:`~infopix.patterns.ordinal_distribution`
        (``dx * dy <= 20``).
    estimator : str, optional
        Any name in :data:`infopix.estimators.ESTIMATORS` (default ``'plugin'``), told
        K = (dx dy)! possible patterns in every window.
    normalized : bool, optional
        Divide by ``log K`` (default True: 1 for uniformly distributed patterns).
    base : float, optional
        Logarithm base of the unnormalised values (2: bits).
    edge : {'clip', 'reflect', 'wrap'}, optional
        Edge policy of :mod:`infopix.local`, applied to the grid of patterns (not to the
        image: no pattern straddles the image's edge). ``'clip'`` (default): windows
        near the grid's edges hold fewer patterns.
    return_std : bool, optional
        Also return the per-position posterior standard deviation (normalised like the
        value), for the estimators that have one (``'wolpert_wolf'``, ``'nsb'``,
        ``'ansb'``). It treats a window's patterns as independent draws, which
        overlapping patterns are not (neighbouring patterns share pixels).
    **options
        Estimator options (e.g. ``a=`` for ``'pseudocount'``).

    Returns
    -------
    H : (M - (dy-1) tauy, N - (dx-1) taux) ndarray of float64, or (len(radius), ...)
        One value per pattern anchor: ``H[i, j]`` belongs to the anchor at image pixel
        ``(i, j)`` (the pattern's top-left pixel); its window's patterns cover image
        rows ``i - r .. i + r + (dy-1) tauy`` and columns ``j - r .. j + r + (dx-1)
        taux``, so the map is centred half a pattern span down and right of the image
        (:func:`pattern_grid_offset`) and is smaller than the image by the span.
    H_std : ndarray like ``H``
        Only with ``return_std=True``: ``(H, H_std)`` is returned.

    Raises
    ------
    ValueError
        As :func:`~infopix.patterns.ordinal_distribution` and
        :func:`infopix.local_entropy` (radius, edge, estimator, ``return_std``).
    TypeError
        Non-integer sizes, delays or radius; a non-numeric image.

    See Also
    --------
    infopix.patterns.permutation_entropy : the whole image's value.
    infopix.local_code_entropy : the sliding-window walk this calls.

    Notes
    -----
    The pattern codes (kernel :func:`infopix._kernels.patterns.ordinal_codes`) are
    relabelled ``0 .. m - 1`` over the m patterns that occur anywhere in the image, then
    :func:`infopix.local_code_entropy` walks a moving histogram over them (kernels
    ``_shannon_map``, ``_linear_map``, ``_histogram_map`` of
    :mod:`infopix._kernels.local`): O(r) per position, any estimator. Each value equals
    ``permutation_entropy`` of the window's patterns (``entropy_from_counts`` of their
    counts with K = (dx dy)!). A strictly monotone ramp has one pattern everywhere (0).
    Plug-in values on small windows are biased low: a window of n patterns sees at
    most n of the K, so its plug-in entropy is at most ``log n / log K`` normalised.

    Examples
    --------
    >>> import numpy as np
    >>> from infopix.patterns import local_permutation_entropy
    >>> ramp = np.add.outer(np.arange(8), 10 * np.arange(9))
    >>> local_permutation_entropy(ramp, 2).shape, float(local_permutation_entropy(ramp, 2).max())
    ((7, 8), 0.0)
    >>> img = np.random.default_rng(0).random((64, 64))
    >>> H = local_permutation_entropy(img, 10, estimator="miller_madow")   # 441 patterns a window
    >>> bool(0.97 < H.mean() < 1.02)
    True
    """
    arr = v.check_image(image)
    if not isinstance(normalized, (bool, np.bool_)):
        raise TypeError(f"`normalized` expects True or False, got {normalized!r}.")
    b = v.check_base(base)
    codes, K, _, _ = _pattern_grid(arr, dx, dy, taux, tauy, ties, rng, True)
    _, _, ids = _occurring(codes[0], K, dense=True)
    out = local_code_entropy(ids, radius, K, base=b, estimator=estimator, edge=edge, return_std=return_std, **options)
    if not normalized:
        return out
    scale = math.log(K) / math.log(b)
    if return_std:
        return out[0] / scale, out[1] / scale
    return out / scale


def plot_ordinal_map(map, ax=None, *, dx=2, dy=2, taux=1, tauy=1, title=None, label="normalised permutation entropy"):
    """Draw a map of :func:`local_permutation_entropy` in the image's pixel coordinates.

    The map is placed with :func:`pattern_grid_offset` (each value at the centre of the
    patterns it counts), so it overlays the image it came from: axis limits and ticks
    are image pixels.

    Parameters
    ----------
    map : (H, W) ndarray
        The map (one radius).
    ax : matplotlib.axes.Axes, optional
        Axis to draw on; a new figure is created if None.
    dx, dy, taux, tauy : int, optional
        The patterns the map was computed with.
    title, label : str, optional
        Axis title and colour-bar label.

    Returns
    -------
    ax : matplotlib.axes.Axes
    """
    arr = np.asarray(map, dtype=np.float64)
    oy, ox = pattern_grid_offset(dx=dx, dy=dy, taux=taux, tauy=tauy)
    ax = plot_map(arr, ax=ax, title=title, label=label)
    H, W = arr.shape[-2:]
    ax.images[-1].set_extent((ox - 0.5, ox + W - 0.5, oy + H - 0.5, oy - 0.5))
    ax.set_xlim(-0.5, W + 2 * ox - 0.5)
    ax.set_ylim(H + 2 * oy - 0.5, -0.5)
    return ax
