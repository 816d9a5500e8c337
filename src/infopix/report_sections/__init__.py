"""Section builders of ``infopix analyze``, one module per family.

Importing this package registers every section with
:func:`infopix.report.register_section`, in report order. To add a section: write a
module here with one builder decorated by ``register_section(key, requires=(...),
defaults={...}, quick={...})`` that calls only the family's public API and returns a
:class:`infopix.report.Section`; then add its name to :data:`ORDER`, in the place it should take in the report.
"""

import importlib

#: The sections' modules in report order (importing one registers its section).
ORDER = ("image", "intensity", "scale", "local", "fractal", "spatial", "ising")

for _name in ORDER:
    importlib.import_module(f".{_name}", __name__)
