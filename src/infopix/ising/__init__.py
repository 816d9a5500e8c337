"""Ising models on images: models, Monte Carlo dynamics, schedules, exact results.

The notebook's §11–§12 applied the Ising model to images one Python call per spin
flip. Here each model is an exact total energy on a periodic lattice
(:mod:`~infopix.ising.models`), the dynamics are compiled (checkerboard sublattice
sweeps in parallel, the notebook's random-site Metropolis, Wolff clusters;
:func:`simulate`), schedules of inverse temperature anneal it
(:mod:`~infopix.ising.schedules`), :func:`measure` turns a run into equilibrium
averages with error bars (autocorrelation times, jackknife), and
:mod:`~infopix.ising.onsager` holds the exact square-lattice results (Onsager's
infinite lattice, Kaufman's finite torus) the simulations are validated against.

Examples
--------
>>> import numpy as np
>>> from infopix import ising
>>> run = ising.simulate(ising.StandardIsing(), np.ones((8, 8), np.int8),
...                      schedule=ising.linear(1.0, 2.0), sweeps=20, rng=1, progress=False)
>>> run.final.shape
(8, 8)
"""

from __future__ import annotations

from . import onsager
from .analysis import AutocorrelationTime, Estimate, Measurement, autocorrelation_time, measure
from .cubic import CUBIC_METHODS, CubicRun, simulate_cubic
from .dynamics import METHODS, IsingRun, resolve_seed, simulate
from .models import EdgeIsing, GreyIsing, IsingModel, MetricIsing, StandardIsing, spins_from_image
from .schedules import Schedule, arctan, as_schedule, concat, constant, geometric, linear

__all__ = [
    "StandardIsing",
    "GreyIsing",
    "EdgeIsing",
    "MetricIsing",
    "IsingModel",
    "spins_from_image",
    "simulate",
    "IsingRun",
    "METHODS",
    "resolve_seed",
    "measure",
    "Measurement",
    "Estimate",
    "autocorrelation_time",
    "AutocorrelationTime",
    "simulate_cubic",
    "CubicRun",
    "CUBIC_METHODS",
    "Schedule",
    "constant",
    "linear",
    "geometric",
    "arctan",
    "concat",
    "as_schedule",
    "onsager",
]
