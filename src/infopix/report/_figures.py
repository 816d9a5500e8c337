"""Figures of the report: matplotlib on the Agg canvas, rendered to PNG bytes (private)."""

from __future__ import annotations

import io as _io


def new_figure(width: float = 6.0, height: float = 3.4, ncols: int = 1, nrows: int = 1):
    """A matplotlib figure on the non-interactive Agg canvas (no display needed)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, (axes[0, 0] if nrows * ncols == 1 else axes.ravel())


def figure_png(fig, dpi: int = 100) -> bytes:
    """Render a matplotlib figure to PNG bytes and release it."""
    buf = _io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    try:
        import matplotlib.pyplot as plt

        plt.close(fig)
    except Exception:  # a Figure() not managed by pyplot
        pass
    return buf.getvalue()


def unavailable(ax, text: str) -> None:
    """Mark an axis whose figure is not defined for this image."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
