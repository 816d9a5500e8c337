"""Compiled (Numba) kernels. Private: they take typed, contiguous arrays and trust
their caller (the public wrappers) to have validated everything."""
