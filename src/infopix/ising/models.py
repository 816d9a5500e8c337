"""Ising models on periodic lattices, and the mapping from images to spins.

Every model is a total energy ``H(s)`` on an (M, N) torus. The dynamics in
:mod:`infopix.ising.dynamics` flip one spin at a time (``s -> -s``) and accept with the
Metropolis probability ``min(1, exp(-beta * dH))`` where ``dH`` is the exact change of
``H``, so each model's Boltzmann distribution ``exp(-beta H) / Z`` is stationary.

The notebook (§12) defined each model by a *local* energy of one site and accepted a
flip from the change of that site's local energy only. For ``StandardIsing``,
``GreyIsing``, ``EdgeIsing(variant="neighbour")`` and ``MetricIsing(symmetric=False)``
that change equals ``dH`` of the total energies below (the notebook's dynamics is
reproduced exactly). For the notebook's ``eenergy`` (``variant="site"``) and
``sienergy`` (``symmetric=True``) the local change is not the change of any energy
(the interaction is not symmetric, resp. a flip changes nine blocks), so the notebook's
rule has no Boltzmann stationary distribution; we use the total energy that sums the
notebook's site energies instead (details in each class).

Typos of the notebook corrected here: ``θ`` means 0, ``=`` in ``ienergy``/``sienergy``
means ``==``, and ``-img[i, j] * (1 + r + t + b)`` in ``eenergy``/``nenergy`` means
``(l + r + t + b)`` (``l`` is computed and otherwise unused).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._validation import _describe, check_choice, check_image

__all__ = [
    "StandardIsing",
    "GreyIsing",
    "EdgeIsing",
    "MetricIsing",
    "spins_from_image",
    "IsingModel",
]

_ONE = np.ones((1, 1), dtype=np.int8)
_ONEF = np.ones((1, 1), dtype=np.float64)


def _bonds(x):
    """Right and down neighbours of every site (periodic)."""
    return np.roll(x, -1, axis=1), np.roll(x, -1, axis=0)


def _check_pm1(spins, *, name="spins", shape=None) -> np.ndarray:
    """±1 spins of any real dtype -> C-contiguous int8 copy."""
    arr = check_image(spins, name=name, allow_bool=False, min_pixels=9)
    if arr.shape[0] < 3 or arr.shape[1] < 3:
        raise ValueError(f"`{name}` expects a lattice of at least 3x3 sites, got shape {arr.shape}.")
    if shape is not None and arr.shape != tuple(shape):
        raise ValueError(f"`{name}` expects shape {tuple(shape)} (the model's lattice), got {arr.shape}.")
    from .._kernels.ising import first_not_pm1_int8

    flat = np.ravel(arr)  # a view when contiguous
    if flat.dtype == np.int8:  # one compiled pass, no temporaries
        k = first_not_pm1_int8(flat)
    else:
        ok = (flat == 1) | (flat == -1)
        k = -1 if np.all(ok) else int(np.argmin(ok))
    if k >= 0:
        bad = flat[k].item()
        raise ValueError(
            f"`{name}` expects spins equal to +1 or -1, got the value {bad!r}; map an image "
            "with infopix.ising.spins_from_image(image, method='threshold')."
        )
    return np.ascontiguousarray(arr, dtype=np.int8)


class IsingModel:
    """Base class: an energy on a periodic lattice of sign-flipped spins.

    Subclasses define ``kind`` (the kernel code), ``interaction_range`` (1 for nearest
    neighbours, 2 for 3x3 blocks), ``energy`` and the kernel arguments.
    """

    kind: int = -1
    interaction_range: int = 1
    continuous: bool = False
    shape: tuple[int, int] | None = None

    # -- spins -----------------------------------------------------------------------
    def _split(self, spins, *, name="spins"):
        """User spins -> (sigma int8 ±1, magnitudes float64 or None)."""
        return _check_pm1(spins, name=name, shape=self.shape), None

    def _join(self, sigma, mag):
        """(sigma, magnitudes) -> user spins (a copy)."""
        return sigma.copy()

    def _aux(self, sigma, mag, blocks=True):
        """Kernel arguments (kind, c, h, bw_r, bw_d, mag, init, blocks, symmetric)."""
        raise NotImplementedError

    # -- energies ---------------------------------------------------------------------
    def energy(self, spins) -> float:
        """Total energy ``H`` of a configuration (see the class docstring)."""
        sigma, mag = self._split(spins)
        return float(self._energy(sigma, mag))

    def _energy_sum(self, sigma, mag):
        """(total energy, sum of spins) by ``infopix._kernels.ising.energy_and_sum``."""
        from .._kernels.ising import energy_and_sum

        kind, c, h, bw_r, bw_d, mag_, init, _, symmetric = self._aux(sigma, mag, blocks=False)
        e, total = energy_and_sum(sigma, kind, c, h, bw_r, bw_d, mag_, init, symmetric)
        return float(e), float(total)

    def _energy(self, sigma, mag):
        return self._energy_sum(sigma, mag)[0]

    def delta_energy(self, spins, i: int, j: int) -> float:
        """Energy change of flipping site (i, j), computed locally by the kernel code
        (``infopix._kernels.ising._delta``); equals ``energy(flipped) - energy(spins)``."""
        from .._kernels.ising import _delta

        sigma, mag = self._split(spins)
        kind, c, h, bw_r, bw_d, mag_, init, blocks, symmetric = self._aux(sigma, mag)
        M, N = sigma.shape
        de, _ = _delta(sigma, int(i) % M, int(j) % N, kind, c, h, bw_r, bw_d, mag_, init,
                       blocks, symmetric)
        return float(de)


@dataclass(frozen=True)
class StandardIsing(IsingModel):
    """The Ising model ``H = -J sum_<ij> s_i s_j - h sum_i s_i`` on ±1 spins.

    Each nearest-neighbour bond of the periodic lattice counts once. With ``J = 1`` and
    ``h = 0`` this is the model solved by Onsager (:mod:`infopix.ising.onsager`).

    Parameters
    ----------
    J : float, optional
        Coupling (> 0 ferromagnetic).
    h : float, optional
        External field.

    Examples
    --------
    >>> import numpy as np
    >>> StandardIsing().energy(np.ones((4, 4), dtype=np.int8))  # 2 bonds per site
    -32.0
    """

    J: float = 1.0
    h: float = 0.0
    kind: int = field(default=0, init=False, repr=False)

    def __post_init__(self):
        for name in ("J", "h"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or not np.isfinite(v):
                raise TypeError(f"`{name}` expects a finite real number, got {v!r}.")
            object.__setattr__(self, name, float(v))

    def _aux(self, sigma, mag, blocks=True):
        return 0, self.J, self.h, _ONE, _ONE, _ONEF, _ONE, _ONE, False



@dataclass(frozen=True)
class GreyIsing(IsingModel):
    """The notebook's grey-scale Ising model ("in grayscale for fun").

    Spins are real numbers in [-1, 1]; the only move is ``s -> -s`` (so ``|s|`` of
    every site is conserved). The notebook's local energy of a site is
    ``-1 + sum_nb |s_i - s_j|``; its change under a flip equals the change of the total
    energy ``H = sum_<ij> |s_i - s_j|`` (each bond once), which is what we use. For ±1
    spins ``|s_i - s_j| = 1 - s_i s_j``, so ``H`` is the standard model with ``J = 1``
    plus the constant ``2 M N``.

    Examples
    --------
    >>> import numpy as np
    >>> s = np.ones((4, 4)); s[0, 0] = -1.0
    >>> GreyIsing().energy(s)  # 4 broken bonds of height 2
    8.0
    """

    kind: int = field(default=2, init=False, repr=False)
    continuous: bool = field(default=True, init=False, repr=False)

    def _split(self, spins, *, name="spins"):
        arr = check_image(spins, name=name, allow_bool=False, min_pixels=9)
        if arr.shape[0] < 3 or arr.shape[1] < 3:
            raise ValueError(f"`{name}` expects a lattice of at least 3x3 sites, got shape {arr.shape}.")
        x = np.asarray(arr, dtype=np.float64)
        if not np.all(np.isfinite(x)) or np.any(np.abs(x) > 1.0):
            raise ValueError(
                f"`{name}` expects finite grey spins in [-1, 1], got values in "
                f"[{np.nanmin(x):g}, {np.nanmax(x):g}]; map an image with "
                "infopix.ising.spins_from_image(image, method='linear')."
            )
        sigma = np.where(x < 0, -1, 1).astype(np.int8)
        return sigma, np.ascontiguousarray(np.abs(x))

    def _join(self, sigma, mag):
        return sigma * mag

    def _aux(self, sigma, mag, blocks=True):
        return 2, 0.0, 0.0, _ONE, _ONE, mag, _ONE, _ONE, False



@dataclass(frozen=True, eq=False)
class EdgeIsing(IsingModel):
    """The notebook's image-edge Ising model: edge sites carry no energy.

    With ``a_i = 1`` off the edges and 0 on them, ``H = -J sum_<ij> w_ij s_i s_j`` with

    - ``variant="neighbour"`` (the notebook's ``nenergy``): ``w_ij = a_i a_j``: a site on
      an edge has zero energy and does not interact with its neighbours. The change of
      the notebook's local energy under a flip equals the change of ``H``.
    - ``variant="site"`` (the notebook's ``eenergy``, whose off-edge sites still feel
      their edge neighbours): ``w_ij = (a_i + a_j) / 2``, i.e. ``H`` is half the sum of
      the notebook's site energies ``e_i = -a_i s_i sum_nb s_j``. The notebook's own rule
      (the change of ``e_i`` alone) is not the change of any energy for this variant, so
      it has no Boltzmann distribution; this ``H`` is the symmetric model closest to it.

    Spins on edges feel no energy in the ``"neighbour"`` variant, so they flip freely
    (every proposed flip is accepted), as in the notebook.

    Parameters
    ----------
    edges : (M, N) bool ndarray
        The edge mask (e.g. ``image > 128``).
    variant : {'neighbour', 'site'}, optional
    J : float, optional
        Coupling.

    Examples
    --------
    >>> import numpy as np
    >>> edges = np.zeros((4, 4), bool); edges[:, 0] = True
    >>> EdgeIsing(edges).energy(np.ones((4, 4), dtype=np.int8))  # 4 x 3 sites: 12 + 8 bonds
    -20.0
    """

    edges: np.ndarray = None
    variant: str = "neighbour"
    J: float = 1.0
    kind: int = field(default=1, init=False, repr=False)

    def __post_init__(self):
        e = self.edges
        if not isinstance(e, np.ndarray) or e.dtype != np.bool_ or e.ndim != 2:
            raise TypeError(
                f"`edges` expects a 2-D boolean NumPy array (e.g. image > 128), got {_describe(e)}."
            )
        if e.shape[0] < 3 or e.shape[1] < 3:
            raise ValueError(f"`edges` expects a lattice of at least 3x3 sites, got shape {e.shape}.")
        check_choice(self.variant, ("neighbour", "site"), name="variant")
        if isinstance(self.J, bool) or not np.isfinite(self.J):
            raise TypeError(f"`J` expects a finite real number, got {self.J!r}.")
        edges = np.array(e, dtype=bool, copy=True)
        edges.setflags(write=False)
        object.__setattr__(self, "edges", edges)
        object.__setattr__(self, "J", float(self.J))
        a = (~edges).astype(np.int8)
        ar, ad = _bonds(a)
        if self.variant == "neighbour":
            bw_r, bw_d = 2 * a * ar, 2 * a * ad
        else:
            bw_r, bw_d = a + ar, a + ad
        object.__setattr__(self, "_bw_r", np.ascontiguousarray(bw_r, dtype=np.int8))
        object.__setattr__(self, "_bw_d", np.ascontiguousarray(bw_d, dtype=np.int8))

    @property
    def shape(self):
        return self.edges.shape

    def __repr__(self):
        return (f"EdgeIsing(edges=<{self.shape[0]}x{self.shape[1]} mask, {int(self.edges.sum())} "
                f"edge sites>, variant={self.variant!r}, J={self.J:g})")

    def _aux(self, sigma, mag, blocks=True):
        return 1, self.J / 2.0, 0.0, self._bw_r, self._bw_d, _ONEF, _ONE, _ONE, False



@dataclass(frozen=True, eq=False)
class MetricIsing(IsingModel):
    """The notebook's image-metric Ising model: agree with an initial image.

    For each site c, ``A_c`` is the number of the 9 sites of its wrapped 3x3 block where
    the spins equal the ``initial`` ones. The notebook's block energy is ``-A_c``
    (``ienergy``) or, inversion-symmetric, ``-|2 A_c - 9|`` (``sienergy``). The total
    energy is ``H = (1/9) sum_c e_c``: each site lies in nine blocks, so for the plain
    energy ``H = -(number of sites agreeing with initial)`` and a flip changes ``H`` by
    exactly the notebook's local change; for the symmetric energy a flip changes nine
    blocks, and ``H`` (a block energy averaged over the site's blocks) reduces to the
    notebook's scale (a change of ±2 in a uniform region).

    Interactions reach two sites, so the checkerboard update uses 3x3 (or wider)
    sublattices.

    Parameters
    ----------
    initial : (M, N) ndarray of ±1
        The initial spins (``spins_from_image(image, method='threshold')``).
    symmetric : bool, optional
        Use the inversion-symmetric energy (``sienergy``).

    Examples
    --------
    >>> import numpy as np
    >>> init = np.ones((4, 4), dtype=np.int8)
    >>> MetricIsing(init).energy(init)  # every site agrees
    -16.0
    """

    initial: np.ndarray = None
    symmetric: bool = False
    kind: int = field(default=3, init=False, repr=False)
    interaction_range: int = field(default=2, init=False, repr=False)

    def __post_init__(self):
        init = _check_pm1(self.initial, name="initial").copy()
        object.__setattr__(self, "_init_kernel", init.copy())  # writable: one numba type
        init.setflags(write=False)
        object.__setattr__(self, "initial", init)
        if not isinstance(self.symmetric, (bool, np.bool_)):
            raise TypeError(f"`symmetric` expects True or False, got {self.symmetric!r}.")
        object.__setattr__(self, "symmetric", bool(self.symmetric))

    @property
    def shape(self):
        return self.initial.shape

    def __repr__(self):
        return (f"MetricIsing(initial=<{self.shape[0]}x{self.shape[1]} spins>, "
                f"symmetric={self.symmetric})")

    def _blocks(self, sigma):
        eq = (sigma == self.initial).astype(np.int8)
        a = np.zeros_like(eq)
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                a += np.roll(eq, (di, dj), axis=(0, 1))
        return a

    def _aux(self, sigma, mag, blocks=True):
        a = self._blocks(sigma) if blocks else _ONE
        return 3, 0.0, 0.0, _ONE, _ONE, _ONEF, self._init_kernel, a, self.symmetric



def spins_from_image(image, *, method: str = "threshold", threshold=None) -> np.ndarray:
    """Map a grey image to spins.

    Parameters
    ----------
    image : (M, N) ndarray
        bool, integer or float image. The full scale ``max`` is the dtype's maximum for
        integer images (255 for uint8), 1 for bool and float images (floats must lie
        in [0, 1]).
    method : {'threshold', 'linear'}, optional
        ``'threshold'``: int8 spins, +1 where ``image > threshold`` and -1 elsewhere
        (``threshold`` defaults to ``max / 2``; bool images map True -> +1).
        ``'linear'``: float64 spins ``2 * image / max - 1`` in [-1, 1] (the notebook's
        ``-1 + 2 * img / 255``), for :class:`GreyIsing`.
    threshold : float, optional
        Threshold for ``method='threshold'``.

    Returns
    -------
    spins : (M, N) ndarray
        int8 (threshold) or float64 (linear).

    Examples
    --------
    >>> import numpy as np
    >>> img = np.array([[0, 100, 200, 255]], dtype=np.uint8).repeat(3, axis=0)
    >>> spins_from_image(img)[0].tolist()
    [-1, -1, 1, 1]
    >>> spins_from_image(img, method="linear")[0, [0, 3]].tolist()
    [-1.0, 1.0]
    """
    arr = check_image(image, name="image")
    check_choice(method, ("threshold", "linear"), name="method")
    if arr.dtype.kind == "b":
        full = 1.0
    elif arr.dtype.kind in "iu":
        full = float(np.iinfo(arr.dtype).max)
        if arr.dtype.kind == "i" and arr.min() < 0:
            raise ValueError(
                f"`image` expects non-negative intensities, got a minimum of {arr.min()}."
            )
    else:
        if not np.all(np.isfinite(arr)):
            raise ValueError("`image` has NaN or infinite pixels; spins need finite values.")
        if arr.min() < 0 or arr.max() > 1:
            raise ValueError(
                f"`image` of float dtype expects values in [0, 1], got [{arr.min():g}, "
                f"{arr.max():g}]; rescale it, e.g. (image - image.min()) / np.ptp(image)."
            )
        full = 1.0
    x = arr.astype(np.float64)
    if method == "linear":
        if threshold is not None:
            raise ValueError("`threshold` applies to method='threshold' only, got method='linear'.")
        return 2.0 * x / full - 1.0
    if threshold is None:
        t = full / 2.0
    else:
        if isinstance(threshold, bool) or not np.isfinite(threshold):
            raise ValueError(f"`threshold` expects a finite real number, got {threshold!r}.")
        t = float(threshold)
    return np.where(x > t, 1, -1).astype(np.int8)
