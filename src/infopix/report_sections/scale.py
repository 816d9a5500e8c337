"""Report section placeholder (scale): written when infopix.scale lands."""
