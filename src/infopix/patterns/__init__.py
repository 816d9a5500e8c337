"""Patterns and complexity of images.

- :mod:`~infopix.patterns.ordinal`: ordinal (Bandt-Pompe) patterns of images,
  permutation entropy through every registered estimator, statistical complexity and
  the complexity-entropy plane, the Fisher-Shannon plane, missing patterns (images and
  (Z, Y, X) volumes).
- :mod:`~infopix.patterns.local_ordinal`: the local permutation-entropy map.
- :mod:`~infopix.patterns.lacunarity`: gliding-box lacunarity.
- :mod:`~infopix.patterns.structural`: multiscale structural complexity.
- :mod:`~infopix.patterns.sample`: two-dimensional sample, fuzzy, distribution and
  dispersion entropies (EntropyHub's definitions, exact match counts).
"""

from __future__ import annotations

from .lacunarity import Lacunarity, lacunarity
from .local_ordinal import local_permutation_entropy, pattern_grid_offset, plot_ordinal_map
from .ordinal import (
    ComplexityEntropyPlane,
    FisherShannon,
    MissingPatterns,
    OrdinalDistribution,
    PermutationEntropy,
    complexity_curves,
    complexity_entropy_plane,
    fisher_shannon,
    missing_patterns,
    ordinal_distribution,
    permutation_entropy,
    statistical_complexity,
)
from .sample import (
    DispersionEntropy2D,
    DistributionEntropy2D,
    FuzzyEntropy2D,
    SampleEntropy2D,
    dispersion_entropy_2d,
    distribution_entropy_2d,
    fuzzy_entropy_2d,
    sample_entropy_2d,
)
from .structural import StructuralComplexity, structural_complexity

__all__ = [
    "ComplexityEntropyPlane",
    "DispersionEntropy2D",
    "DistributionEntropy2D",
    "FuzzyEntropy2D",
    "FisherShannon",
    "Lacunarity",
    "MissingPatterns",
    "OrdinalDistribution",
    "PermutationEntropy",
    "SampleEntropy2D",
    "StructuralComplexity",
    "complexity_curves",
    "complexity_entropy_plane",
    "dispersion_entropy_2d",
    "distribution_entropy_2d",
    "fisher_shannon",
    "fuzzy_entropy_2d",
    "lacunarity",
    "local_permutation_entropy",
    "missing_patterns",
    "ordinal_distribution",
    "pattern_grid_offset",
    "permutation_entropy",
    "plot_ordinal_map",
    "sample_entropy_2d",
    "statistical_complexity",
    "structural_complexity",
]
