"""Multiscale structural complexity (Bagrov, Iakovlev, Iliasov, Katsnelson & Mazurenko 2020).

An image is coarse-grained again and again; each step loses some structure, and the
structural complexity adds up how dissimilar each pattern is from its coarse-grained
version, scale by scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import _validation as v
from .._kernels import patterns as _k

__all__ = ["StructuralComplexity", "structural_complexity"]


@dataclass(frozen=True, eq=False)
class StructuralComplexity:
    """Partial structural complexities of an image, scale by scale.

    Attributes
    ----------
    partial : (n,) ndarray of float64
        ``C_k`` for k = 0 .. n-1, between the pattern at scale k and at scale k + 1
        (units of intensity squared).
    total : float
        ``C = sum_k C_k``.
    block_sides : (n + 1,) ndarray of int64
        Side, in original pixels, of a pixel at scale k (``factor**k``).
    overlaps : (n + 1,) ndarray of float64
        ``O_kk``, the mean square of the pattern at scale k (over the region the next
        step covers).
    factor : int
        Coarse-graining factor.
    shape : tuple of int
        Shape of the image at each scale is ``shape // factor**k``.

    Notes
    -----
    A deterministic functional of the image (no sampling uncertainty attached).
    """

    partial: np.ndarray
    total: float
    block_sides: np.ndarray
    overlaps: np.ndarray
    factor: int
    shape: tuple

    def plot(self, ax=None):
        """Partial complexities C_k against the scale k."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 3.5))
        k = np.arange(self.partial.size)
        ax.bar(k, self.partial, color="C0")
        ax.set_xticks(k, [str(s) for s in self.block_sides[:-1]], fontsize="small")
        ax.set_xlabel(f"pixel side at scale k, before the {self.factor}x{self.factor} step (pixels)")
        ax.set_ylabel("partial complexity C_k")
        ax.set_title(f"Structural complexity C = {self.total:.4g}")
        return ax


def structural_complexity(image, *, factor=2, n_scales=None) -> StructuralComplexity:
    """Multiscale structural complexity of an image (Bagrov et al. 2020).

    Parameters
    ----------
    image : (M, N) ndarray
        Bool, integer or float image; its values are used as they are (the
        complexity scales as intensity squared: rescale images before comparing them).
    factor : int, optional
        Coarse-graining factor Λ >= 2 (default 2): each step averages
        ``factor x factor`` blocks.
    n_scales : int, optional
        Number of coarse-graining steps (default: as many as fit,
        ``floor(log_factor(min(M, N)))``).

    Returns
    -------
    StructuralComplexity
        The partial complexities ``C_k`` and their sum.

    Raises
    ------
    ValueError
        ``factor`` < 2, ``n_scales`` < 1 or more steps than the image allows, NaN or
        inf pixels.
    TypeError
        Non-integer ``factor`` or ``n_scales``; a non-numeric image.

    Notes
    -----
    Coarse-graining: ``f_0`` is the image (float64); ``f_{k+1}`` is the mean of
    ``f_k`` over non-overlapping ``factor x factor`` blocks starting at the top-left
    corner; trailing rows and columns that do not fill a block are dropped at that
    step. To compare scales, ``f_{k+1}`` is brought back to the grid of ``f_k`` by
    repeating each block mean over its block (nearest-neighbour expansion), and the
    overlaps are means over the pixels the blocks cover,
    ``O_{k,k+1} = mean(f_k * up(f_{k+1}))``, ``O_{k,k} = mean(f_k^2)``,
    ``O_{k+1,k+1} = mean(up(f_{k+1})^2)`` (the paper's sums over the original L x L
    grid divided by L², each coarse pixel standing for its block of original pixels).
    The partial complexity is
    ``C_k = |O_{k+1,k} - (O_{k,k} + O_{k+1,k+1}) / 2|`` and ``C = sum_k C_k``
    (Bagrov et al. 2020, eqs. 1-2). With block means, ``O_{k+1,k} = O_{k+1,k+1}``, so
    ``C_k = (O_{k,k} - O_{k+1,k+1}) / 2``: half the mean square lost at step k. For
    i.i.d. pixels of variance σ², ``E C_k ≈ 3 σ² / (8 · 4^k)`` (factor 2): the
    complexity sits at the finest scale. Kernel:
    :func:`infopix._kernels.patterns.coarse_grain`.

    References
    ----------
    .. [1] A. A. Bagrov, I. A. Iakovlev, A. A. Iliasov, M. I. Katsnelson,
       V. V. Mazurenko, PNAS 117, 30241 (2020), doi:10.1073/pnas.2004976117.

    Examples
    --------
    >>> import numpy as np
    >>> from infopix.patterns import structural_complexity
    >>> structural_complexity(np.full((32, 32), 7.0)).total       # constant: no structure
    0.0
    >>> chk = np.indices((8, 8)).sum(0) % 2 * 2.0 - 1             # +-1 checkerboard
    >>> structural_complexity(chk).partial.tolist()               # all lost at the first step
    [0.5, 0.0, 0.0]
    """
    arr = v.check_image(image, ndim=(2,), min_pixels=1)
    v.check_finite_or_masked(arr, None)
    factor = v.check_positive_int(factor, name="factor", minimum=2)
    M, N = arr.shape
    most = 0
    while min(M, N) // factor ** (most + 1) >= 1:
        most += 1
    if most == 0:
        raise ValueError(f"`image` of shape {arr.shape} is smaller than one {factor}x{factor} block; "
                         f"use a smaller `factor` or a larger image.")
    if n_scales is None:
        n = most
    else:
        n = v.check_positive_int(n_scales, name="n_scales")
        if n > most:
            raise ValueError(f"`n_scales` is at most {most} for an image of shape {arr.shape} and factor "
                             f"{factor}, got {n}.")
    f = np.ascontiguousarray(arr, dtype=np.float64)
    partial = np.empty(n)
    overlaps = np.empty(n + 1)
    for k in range(n):
        g, s_fine, s_cross = _k.coarse_grain(f, factor)
        npix = g.size * factor * factor
        o_kk = s_fine / npix
        o_cross = s_cross / npix
        o_next = float(np.mean(g * g))
        partial[k] = abs(o_cross - 0.5 * (o_kk + o_next))
        overlaps[k] = o_kk
        overlaps[k + 1] = o_next
        f = g
    sides = factor ** np.arange(n + 1, dtype=np.int64)
    return StructuralComplexity(partial, float(math.fsum(partial)), sides, overlaps, factor, tuple(arr.shape))
