"""Report section placeholder (ising): written when infopix.ising lands."""
