"""Fractal and multifractal dimensions with the regression shown (notebook §8–§9).

Every dimension here is the slope of a straight-line fit of ``log N(s)`` (a box count,
or ``exp`` of an entropy) against ``log(1/s)`` over box sizes ``s``. The fit is ordinary
least squares over an explicit, reported ``fit_range``; results are deterministic.

Box grids
---------
Boxes of size ``s`` are ``s x s`` pixel blocks; the image is never resampled.

- Binary box counting registers its grids at the near corner of the foreground's
  bounding box (empty leading rows and columns are dropped, so the count does not
  depend on where the set sits in an empty canvas) and counts on several grid origins
  (default 4), keeping the minimum. Boxes cut by the image edges are counted both as
  whole boxes and by their area inside the image (see
  :func:`box_counting_dimension`). Default sizes: a dense ladder, four sizes an octave,
  ``ceil(L / k)`` for ``k`` boxes across the shorter side ``L``.
- Differential box counting and measures use one grid at the image origin and only
  complete boxes; DBC scales its count by (image area) / (covered area), measures
  renormalise the covered mass to 1. Their default sizes are powers of two, each level
  reduced from the previous one (a pyramid of 2x2 max/min or sum reductions); any
  integer sizes are accepted (a size that a previous one divides is reduced from that
  level).

Errors and curvature
--------------------
A log-log plot of a finite self-similar set oscillates about its line, and its points
at different sizes are not independent samples, so a regression's residual error alone
understates how far a slope may be from the dimension. Every fit here reports a
``stderr`` that combines the regression's residual error with the spread of the slope
over windows of the fit range (half an octave and an octave dropped at either end) and,
for box counting, over grid origins, interleaved size ladders and the two edge
conventions; the parts are recorded (``stderr_components``). A quadratic fit tests
whether the relation is curved (its local slope drifting across the fit range by more
than 3 times its error, residual and systematic): the result's ``curved`` flag is set
and a :class:`FractalWarning` (a ``UserWarning``) says so. Helpers:
:mod:`infopix.fractal._fits`.

Mapping to FracLac (ImageJ)
---------------------------
========================================  =============================================
FracLac                                   infopix
========================================  =============================================
"Standard box count", binary image,       ``box_counting_dimension(binary)``; D_B is our
D_B = slope of log N vs log(1/size)       ``dimension`` with the same sign convention
Grid positions / "num G" > 1 (shifted     ``origins=4`` (default; deterministic
grid origins, minimum count kept)         offsets, minimum count kept; ``origins=1``
                                          for one grid)
"Power series" box sizes                  ``sizes=2 ** np.arange(k)``
"Linear series" / min and max box size    ``sizes=range(a, b + 1, step)``,
(default max 45% of the image)            ``fit_range=(smallest, largest)`` (default
                                          4 px to 30 % of the shorter side)
Grey "differential" (Sarkar-Chaudhuri)    ``dbc_dimension(image, variant='original')``
Multifractal D_Q, f(alpha) (Chhabra-      ``generalized_dimensions``,
Jensen)                                   ``multifractal_spectrum``
Threshold / "binary" conversion           ``threshold=T`` (foreground = ``image > T``)
========================================  =============================================

FracLac's slopes are reported without a standard error; ours come with the error
described above, R², and the curvature flag.

Modules, one idea each: :mod:`~infopix.fractal.box` (box counting of images and
volumes, differential box counting), :mod:`~infopix.fractal.multifractal` (D_q and
f(alpha)), :mod:`~infopix.fractal.information` (information dimension),
:mod:`~infopix.fractal._fits` (line fits, their systematic errors and the curvature
test), :mod:`~infopix.fractal._base` (the result, size checks, the box pyramid) and
:mod:`~infopix.fractal.synthetic` (sets and measures with known dimensions).

Kernels: :mod:`infopix._kernels.fractal` (``box_counts_packed``, ``block_reduce``,
``renyi_sums``, ``dbc_counts``).
"""
from __future__ import annotations

from ._base import FractalFit, FractalWarning
from ._fits import CURVATURE_Z
from .box import GRID_ORIGINS, GRID_ORIGINS_3D, box_counting_dimension, dbc_dimension
from .information import information_dimension, information_dimension_of_sample
from .multifractal import (
    DEFAULT_QS,
    GeneralizedDimensions,
    MultifractalSpectrum,
    generalized_dimensions,
    multifractal_analysis,
    multifractal_spectrum,
)

__all__ = [
    "FractalFit",
    "FractalWarning",
    "GeneralizedDimensions",
    "GRID_ORIGINS",
    "GRID_ORIGINS_3D",
    "CURVATURE_Z",
    "MultifractalSpectrum",
    "box_counting_dimension",
    "dbc_dimension",
    "generalized_dimensions",
    "multifractal_spectrum",
    "multifractal_analysis",
    "information_dimension",
    "information_dimension_of_sample",
]
