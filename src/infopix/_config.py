"""Tunables shared by the whole package.

Nothing here is a user-facing API; change values here rather than in the modules.
"""

from __future__ import annotations

# No ``fastmath`` setting: no kernel uses it. The binning and counting kernels compare
# and count (nothing to gain; ``nnan`` would remove their NaN checks), the local maps sum
# in exact integer fixed point and double-double arithmetic (``contract``/``reassoc``
# break error-free transformations), and the estimators must match their references
# to 1e-12 (``afn`` changes log/lgamma). A kernel that gains from it should name its
# own safe flags next to its code.

#: Cache compiled kernels on disk, so a CLI call does not recompile.
NUMBA_CACHE = True

#: Default number of bins for float images when ``bins`` is not given.
DEFAULT_FLOAT_BINS = 256

#: The largest number of integer levels an image may span before ``bins`` is required
#: (one bin per level; 2**24 levels is 128 MiB of int64 counts).
MAX_INTEGER_LEVELS = 2**24

#: Relative tolerance on ``sum(p) == 1`` for probability vectors.
PROBABILITY_ATOL = 1e-9

#: Default credible level for posterior intervals.
DEFAULT_CREDIBLE_LEVEL = 0.95
