"""Report section placeholder (spatial): written when infopix.spatial lands."""
