"""Report section placeholder (local): written when infopix.local lands."""
