"""Report section placeholder (fractal): written when infopix.fractal lands."""
