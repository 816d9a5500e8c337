"""Figures and prose of the report's sections, one module per measure (private).

The numbers of a section come from its measure in :mod:`infopix.measures`; a module
here only draws them: ``render(context, computed) -> Rendered`` with the
:class:`~infopix.measures.ImageContext` and the measure's
:class:`~infopix.measures.Computed`. A measure without a module here is reported as a
table of its quantities. To give a new measure figures, add a module named after it
with a ``render`` function: nothing else to change.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rendered:
    """A section's figures (PNG bytes by stem), their captions, its opening sentence (what
    it shows and how to read it), the result names folded under the figures (the full
    estimator table) and a guide paragraph shown after the figures."""

    figures: dict = field(default_factory=dict)
    captions: dict = field(default_factory=dict)
    intro: str = ""
    folded: tuple = ()
    guide: str = ""
    fold_note: str = ""


def renderer(name: str):
    """The ``render`` function of measure ``name`` (the module of that name here), or
    None: a table-only section. A module that exists but fails to import raises."""
    if not name.isidentifier() or name.startswith("_"):
        return None
    if importlib.util.find_spec(f"{__name__}.{name}") is None:
        return None
    return importlib.import_module(f".{name}", __name__).render
