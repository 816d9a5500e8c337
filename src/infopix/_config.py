"""Tunables shared by the whole package.

Nothing here is a user-facing API; change values here rather than in the modules.
"""

from __future__ import annotations

#: ``fastmath`` flags handed to every Numba kernel. Only flags that cannot change a
#: result's value on finite input: no ``nnan``/``ninf`` (we test for NaN), no
#: ``reassoc`` (kernels must match their naive references to 1e-12).
FASTMATH = {"nsz", "arcp", "contract", "afn"}

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
