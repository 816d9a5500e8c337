"""Figures of the report and of the CLI: one style, rendered to PNG (200 dpi), SVG and PDF.

The style (:data:`RC`, matplotlib rcParams) is set here and nowhere else: the report's
sections draw inside :func:`style`, and the CLI's ``-o fig.png`` outputs apply the same
parameters (:func:`apply_style`). :func:`figure_png` renders a figure to a
:class:`FigureFile`: the PNG bytes (what the HTML embeds), the other formats asked for
(``svg``, ``pdf``) and a short description of every axis (labels, tick labels, limits,
the range of the data drawn), which the tests read to check figures without eyes.
"""

from __future__ import annotations

import contextlib
import contextvars
import io as _io
import math

#: The one figure style: readable at a journal's column width, vector text in SVG/PDF.
RC = {
    "font.size": 9.0,
    "axes.titlesize": 9.5,
    "axes.labelsize": 9.0,
    "xtick.labelsize": 8.0,
    "ytick.labelsize": 8.0,
    "legend.fontsize": 8.0,
    "legend.frameon": False,
    "legend.handlelength": 1.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "axes.prop_cycle": "cycler('color', ['#2a5d8f', '#c44e52', '#55a868', '#8172b2', "
    "'#dd8452', '#64b5cd'])",
    "lines.linewidth": 1.3,
    "lines.markersize": 4.0,
    "errorbar.capsize": 2.0,
    "image.interpolation": "nearest",
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "svg.fonttype": "none",  # labels stay <text> elements (searchable, editable)
    "pdf.fonttype": 42,  # TrueType in PDF: journals' figure checks want embedded fonts
    # plain-text tick labels: with mathtext every label ("0.5") is parsed by matplotlib's
    # TeX-subset parser at each dpi, a third of a report's rendering time (issue 19);
    # the only visible difference is an offset written 1e-3 instead of 10^-3
    "axes.formatter.use_mathtext": False,
}

#: Resolution of every PNG figure (report and CLI).
DPI = 200

#: Formats written besides the embedded PNG (``analyze --figure-format``).
_FORMATS = contextvars.ContextVar("infopix_figure_formats", default=("png", "svg"))

FIGURE_FORMATS = ("png", "svg", "pdf")


def check_formats(formats, *, name: str = "figure_formats") -> tuple:
    """``formats`` (a sequence or ``'png,svg'``) as a tuple that always holds ``'png'``."""
    if isinstance(formats, str):
        formats = [f.strip() for f in formats.split(",") if f.strip()]
    formats = tuple(dict.fromkeys(str(f).lower().lstrip(".") for f in formats))
    bad = [f for f in formats if f not in FIGURE_FORMATS]
    if bad or not formats:
        raise ValueError(
            f"`{name}` expects some of {', '.join(FIGURE_FORMATS)} (comma separated), "
            f"got {','.join(formats) or 'nothing'}."
        )
    return ("png",) + tuple(f for f in formats if f != "png")


@contextlib.contextmanager
def figure_formats(formats):
    """Within this block, :func:`figure_png` also renders ``formats``."""
    token = _FORMATS.set(check_formats(formats))
    try:
        yield
    finally:
        _FORMATS.reset(token)


@contextlib.contextmanager
def style():
    """The report's matplotlib style for figures made (and saved) in this block."""
    import matplotlib

    with matplotlib.rc_context(RC):
        yield


def apply_style() -> None:
    """Set the style for the whole process (the CLI's figures)."""
    import matplotlib

    matplotlib.rcParams.update(RC)


class FigureFile(bytes):
    """PNG bytes of a figure, with ``formats`` (``{'svg': bytes, ...}``) and ``axes``
    (one dict per axis: labels, tick labels, limits, data range; see :func:`axes_info`)."""

    formats: dict
    axes: list


def new_figure(width: float = 6.0, height: float = 3.4, ncols: int = 1, nrows: int = 1, **kw):
    """A matplotlib figure on the non-interactive Agg canvas (no display needed)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw)
    return fig, (axes[0, 0] if nrows * ncols == 1 else axes.ravel())


def figure_png(fig, dpi: int = DPI) -> FigureFile:
    """Render a matplotlib figure to a :class:`FigureFile` and release it.

    The layout is computed once (at ``dpi``) and then frozen, so the PNG and every other
    format share it instead of each recomputing it; images are thinned to the pixels
    their axes can show (:func:`thin_images`) before anything is drawn.
    """
    with style():
        fig.set_dpi(dpi)
        _freeze_layout(fig)
        thin_images(fig, dpi)
        buf = _io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
        out = FigureFile(buf.getvalue())
        out.formats = {}
        for fmt in _FORMATS.get():
            if fmt == "png":
                continue
            b = _io.BytesIO()
            fig.savefig(b, format=fmt, metadata=_metadata(fmt))
            out.formats[fmt] = b.getvalue()
        out.axes = axes_info(fig)
    try:
        import matplotlib.pyplot as plt

        plt.close(fig)
    except Exception:  # a Figure() not managed by pyplot
        pass
    return out


def _freeze_layout(fig) -> None:
    """Run ``fig``'s layout engine (constrained layout) once, then switch it off.

    Every ``savefig`` otherwise lays the figure out again (measuring every text), once
    per format; the positions found once hold for all of them (they are in figure
    units, the same at every dpi)."""
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    engine = fig.get_layout_engine()
    if engine is not None and not isinstance(engine, PlaceHolderLayoutEngine):
        engine.execute(fig)
        fig.set_layout_engine("none")


def thin_images(fig, dpi: int = DPI) -> None:
    """Subsample every image of ``fig`` to at most the pixels its axis shows at ``dpi``.

    A figure never shows more pixels than its axis has: an image of 4000 x 3000 pixels in
    an axis 800 pixels wide is drawn by nearest-neighbour sampling anyway (the report's
    style), so keeping every ``s``-th row and column (``s`` the largest integer with at
    least one image pixel per axis pixel) draws the same picture from far less data, and
    the SVG embeds the thinned image, not the full one. Extents are kept. Images already
    at or below their axis' resolution are left alone.
    """
    import numpy as np

    for ax in fig.axes:
        if not ax.images:
            continue
        box = ax.get_position()
        w_px = max(box.width * fig.get_figwidth() * dpi, 1.0)
        h_px = max(box.height * fig.get_figheight() * dpi, 1.0)
        for im in ax.images:
            a = im.get_array()
            if a is None or a.ndim < 2:
                continue
            step = int(min(a.shape[0] / h_px, a.shape[1] / w_px))
            if step < 2:
                continue
            extent = im.get_extent()
            im.set_data(a[step // 2 :: step, step // 2 :: step])
            im.set_extent(extent)


def _metadata(fmt: str) -> dict:
    from .. import __version__

    creator = f"infopix {__version__}"
    if fmt == "svg":
        return {"Creator": creator, "Date": None}  # no date: the same figure, the same bytes
    if fmt == "pdf":
        return {"Creator": creator, "CreationDate": None}
    return {}


def _finite_range(values):
    import numpy as np

    a = np.asarray(values, dtype=float).ravel()
    a = a[np.isfinite(a)]
    return (float(a.min()), float(a.max())) if a.size else None


def axes_info(fig) -> list[dict]:
    """What a reader sees on each axis of a drawn figure (for checks without eyes).

    Each dict: ``xlabel``, ``ylabel``, ``xlabel_shared`` (the label of an axis sharing x), ``xticks``/``yticks`` (tick label texts),
    ``xlim``/``ylim``, ``xscale``/``yscale``, ``image`` (an image is shown),
    ``colorbar``, ``visible`` (axis lines and labels on), ``ydata`` (min, max of the
    lines, markers and error bars drawn in data coordinates, or None),
    ``categorical_y`` (tick labels are names, not numbers).
    """
    import numpy as np
    from matplotlib.collections import LineCollection, PathCollection, PolyCollection

    out = []
    for ax in fig.axes:
        ys = []
        for ln in ax.get_lines():  # axhline too: its y is in data coordinates
            if ln.get_transform() == ax.get_xaxis_transform():  # axvline: y in axes units
                continue
            y = np.asarray(ln.get_ydata(), dtype=float)
            if y.size:
                ys.append(y)
        for c in ax.collections:
            if isinstance(c, (LineCollection, PathCollection)):
                for seg in (c.get_segments() if isinstance(c, LineCollection) else [c.get_offsets()]):
                    seg = np.asarray(seg, dtype=float)
                    if seg.ndim == 2 and seg.shape[1] == 2 and seg.size:
                        ys.append(seg[:, 1])
            elif isinstance(c, PolyCollection):
                for p in c.get_paths():
                    ys.append(np.asarray(p.vertices, dtype=float)[:, 1])
        yr = _finite_range(np.concatenate(ys)) if ys else None
        yticks = [t.get_text() for t in ax.get_yticklabels()]
        out.append(
            {
                "title": ax.get_title(),
                "xlabel": ax.get_xlabel(),
                # an axis sharing x with a labelled one (stacked panels) is labelled by it
                "xlabel_shared": next((a.get_xlabel() for a in ax.get_shared_x_axes().get_siblings(ax)
                                       if a.get_xlabel()), ""),
                "ylabel": ax.get_ylabel(),
                "xticks": [t.get_text() for t in ax.get_xticklabels()],
                "yticks": yticks,
                "xlim": [float(v) for v in ax.get_xlim()],
                "ylim": [float(v) for v in ax.get_ylim()],
                "xscale": ax.get_xscale(),
                "yscale": ax.get_yscale(),
                "image": bool(ax.images),
                "colorbar": hasattr(ax, "_colorbar"),
                "visible": bool(ax.axison),
                "ydata": None if yr is None else list(yr),
                "categorical_y": bool(yticks) and not any(_numeric(t) for t in yticks if t),
            }
        )
    return out


def _numeric(text: str) -> bool:
    t = text.replace("\u2212", "-").replace("$", "").replace("\\mathdefault{", "").rstrip("}")
    t = t.replace("{", "").replace("}", "").replace("^", "e")
    try:
        float(t.replace("10e", "1e"))
        return True
    except ValueError:
        return any(ch.isdigit() for ch in t) and not any(ch.isalpha() for ch in t.replace("e", ""))


def unavailable(ax, text: str) -> None:
    """Mark an axis whose figure is not defined for this image."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)


def relabel_fit_legend(ax) -> None:
    """Round the ``D = value ± error`` in a fit's legend to its error (one rule)."""
    import re

    from ..formatting import format_value

    changed = False
    for ln in ax.get_lines():
        lab = ln.get_label()
        m = re.match(r"D = ([-+0-9.eE]+) ± ([-+0-9.eE]+), R² = ([0-9.]+)", lab)
        if m:
            v, e, r2 = (float(g) for g in m.groups())
            ln.set_label(f"D = {format_value(v, e)}, R² = {r2:.3f}")
            changed = True
    if changed and ax.get_legend() is not None:
        ax.legend()


def round_legend(ax) -> None:
    """Round every ``value ± error`` in the legend labels of ``ax`` to its error."""
    import re

    from ..formatting import format_value

    pat = re.compile(r"(-?[0-9][0-9.]*(?:[eE][-+]?[0-9]+)?) ± ([0-9][0-9.]*(?:[eE][-+]?[0-9]+)?)")
    changed = False
    for artist in ax.get_lines() + ax.collections:
        lab = artist.get_label()
        new = pat.sub(lambda m: format_value(float(m.group(1)), float(m.group(2))), lab)
        if new != lab:
            artist.set_label(new)
            changed = True
    if changed and ax.get_legend() is not None:
        ax.legend()


def plain_log_ticks(ax, axis: str = "both") -> None:
    """Tick labels of a log axis as plain numbers (1, 10, 1.25) instead of 10^k forms."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    fmt = FuncFormatter(lambda v, _: f"{v:g}")
    for name in ("x", "y") if axis == "both" else (axis,):
        a = getattr(ax, f"{name}axis")
        if getattr(ax, f"get_{name}scale")() == "log":
            a.set_major_formatter(fmt)
            a.set_minor_formatter(NullFormatter())
            lo, hi = getattr(ax, f"get_{name}lim")()
            if hi / lo < 10:  # less than a decade: a few plain ticks
                from matplotlib.ticker import MaxNLocator

                a.set_major_locator(MaxNLocator(5))


def pad_limits(lo: float, hi: float, frac: float = 0.08) -> tuple[float, float]:
    """Limits around ``[lo, hi]`` with a margin (a flat range gets a small one)."""
    span = hi - lo
    if not math.isfinite(span) or span <= 0:
        span = max(abs(hi), 1.0) * 0.02
    return lo - frac * span, hi + frac * span
