"""infopix: the information in images, with the tools of statistical physics.

Entropies and honest estimators of them, local and multi-scale information maps,
fractal and multifractal dimensions, Ising-model dynamics on images.

The public names below are imported lazily (on first use), so ``import infopix`` and
the ``infopix`` command start quickly.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY = {
    # io
    "read_image": "io",
    "ColourShapedVolumeWarning": "_validation",
    "write_image": "io",
    "sample_image": "io",
    "select_channel": "io",
    "ImageInfo": "io",
    # entropy of distributions and of the intensity distribution
    "IntensityCounts": "entropy",
    "intensity_counts": "entropy",
    "intensity_distribution": "entropy",
    "shannon_entropy": "entropy",
    "renyi_entropy": "entropy",
    "tsallis_entropy": "entropy",
    "intensity_entropy": "entropy",
    "intensity_expected": "entropy",
    "expected_value": "entropy",
    # estimators
    "EntropyEstimate": "estimators",
    "entropy_from_counts": "estimators",
    "posterior_predictive": "estimators",
    # uncertainty of whole-image entropies under spatial correlation
    "intensity_entropy_estimate": "uncertainty",
    # local and block maps
    "mapbox": "local",
    "mapblocks": "local",
    "local_entropy": "local",
    "local_code_entropy": "local",
    "local_expected": "local",
    "local_mean": "local",
    "local_std": "local",
    "block_entropy_map": "local",
    "plot_map": "local",
    # scale
    "gaussian_blur": "scale",
    "entropy_vs_scale": "scale",
    "semigroup_check": "scale",
    "difference_of_gaussians": "scale",
    "ScaleCurve": "scale", "SemigroupCheck": "scale",
    # fractal
    "FractalFit": "fractal",
    "box_counting_dimension": "fractal",
    "dbc_dimension": "fractal",
    "generalized_dimensions": "fractal",
    "multifractal_spectrum": "fractal",
    "multifractal_analysis": "fractal",
    "information_dimension": "fractal",
    "information_dimension_of_sample": "fractal",
    "GeneralizedDimensions": "fractal",
    "MultifractalSpectrum": "fractal",
    # spatial information
    "pair_entropy": "spatial",
    "mutual_information": "spatial",
    "mutual_information_profile": "spatial",
    "conditional_entropy": "spatial",
    "block_entropy": "spatial",
    "entropy_density": "spatial",
    "computable_information_density": "spatial",
    # patterns and complexity
    "ordinal_distribution": "patterns",
    "permutation_entropy": "patterns",
    "local_permutation_entropy": "patterns",
    "statistical_complexity": "patterns",
    "complexity_entropy_plane": "patterns",
    "complexity_curves": "patterns",
    "fisher_shannon": "patterns",
    "missing_patterns": "patterns",
    "lacunarity": "patterns",
    "structural_complexity": "patterns",
    "sample_entropy_2d": "patterns",
    "fuzzy_entropy_2d": "patterns",
    "distribution_entropy_2d": "patterns",
    "dispersion_entropy_2d": "patterns",
    # series mode: a tyx stack frame by frame
    "per_frame": "series",
    "PerFrame": "series",
    # the report
    "analyze": "report",
    "Report": "report",
}

_SUBMODULES = {
    "io", "entropy", "estimators", "local", "scale", "fractal", "ising", "spatial",
    "patterns", "report", "batch", "cli", "uncertainty", "series",
}

__all__ = sorted(_LAZY) + ["__version__"]


def __getattr__(name: str):
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        value = getattr(module, name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'infopix' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | _SUBMODULES)
