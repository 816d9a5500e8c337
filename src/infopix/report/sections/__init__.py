"""Figures and prose of the report's sections, one module per measure (private).

The numbers of a section come from its measure in :mod:`infopix.measures`; a module
here only draws them: ``render(context, computed) -> Rendered`` with the
:class:`~infopix.measures.ImageContext` and the measure's
:class:`~infopix.measures.Computed`. A measure without a module here is reported as a
table of its quantities. To give a new measure figures, add a module with a ``render``
function and its name to :data:`RENDERERS`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rendered:
    """A section's figures (PNG bytes by stem), their captions and its opening sentence."""

    figures: dict = field(default_factory=dict)
    captions: dict = field(default_factory=dict)
    intro: str = ""


_MODULES = ("image", "intensity", "scale", "local", "fractal", "spatial", "ising")


def renderer(name: str):
    """The ``render`` function of measure ``name``, or None (a table-only section)."""
    if name not in _MODULES:
        return None
    return importlib.import_module(f".{name}", __name__).render
