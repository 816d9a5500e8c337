"""Section builders of ``infopix analyze``, one module per family.

Importing this package registers every section with
:func:`infopix.report.register_section`, in report order. To add a section: write a
module here with one builder decorated by ``register_section(key, requires=(...),
defaults={...}, quick={...})`` that calls only the family's public API and returns a
:class:`infopix.report.Section`; then add its name to the import line below.
"""

from . import image, intensity, scale, local, fractal, spatial, ising  # noqa: F401
