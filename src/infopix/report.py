"""The report of ``infopix analyze``: every family of measures adds one section.

A section is a function ``section(image, params) -> Section`` registered with
:func:`register_section`; the report runs them in order and writes
``results.json`` (every number, with units) and ``figures/*.png``.
"""

from __future__ import annotations

import hashlib
import io as _io
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import __version__

__all__ = ["Section", "Report", "analyze", "register_section", "SECTIONS"]


@dataclass(frozen=True)
class Section:
    """One section of a report.

    Attributes
    ----------
    key : str
        Short identifier, the key of this section in ``results.json``.
    title : str
        Heading shown to a reader.
    results : dict
        Numbers (JSON-able), each ideally ``{"value": ..., "unit": ..., "explain": ...}``.
    figures : dict of str to bytes
        PNG figures by file stem.
    """

    key: str
    title: str
    results: dict
    figures: dict = field(default_factory=dict)


#: Ordered registry of section builders: key -> callable(image, params) -> Section.
SECTIONS: dict[str, Callable] = {}


def register_section(key: str):
    """Decorator registering a section builder under ``key`` (order of registration)."""

    def deco(func):
        SECTIONS[key] = func
        return func

    return deco


def _figure_png(fig) -> bytes:
    buf = _io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buf.getvalue()


@register_section("intensity")
def _intensity_section(image: np.ndarray, params: dict) -> Section:
    from .entropy import intensity_counts, intensity_expected, renyi_entropy

    c = intensity_counts(image)
    p = c.counts / c.total
    res = {
        "n_pixels": c.total,
        "n_outcomes": c.n_outcomes,
        "occupied_levels": int(np.count_nonzero(c.counts)),
    }
    for name, alpha in (("shannon", 1.0), ("hartley", 0.0), ("collision", 2.0), ("min_entropy", np.inf)):
        res[f"renyi_{name}"] = {
            "value": renyi_entropy(p, alpha),
            "unit": "bits",
            "alpha": alpha,
            "estimator": "plugin",
        }
    for f in ("surprisal", "laurent", "taylor"):
        res[f"expected_{f}"] = {"value": intensity_expected(f, image), "unit": "bits" if f == "surprisal" else "1"}

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.2))
    x = np.arange(c.n_outcomes) + c.offset if c.edges is None else 0.5 * (c.edges[1:] + c.edges[:-1])
    ax.fill_between(x, p, step="mid", alpha=0.6)
    ax.set_xlabel("intensity")
    ax.set_ylabel("probability")
    ax.set_title(f"Intensity distribution (H = {res['renyi_shannon']['value']:.3f} bits)")
    return Section("intensity", "Intensity distribution and its entropies", res, {"histogram": _figure_png(fig)})


@dataclass(frozen=True)
class Report:
    """The results of :func:`analyze` on one image."""

    source: str
    sha256: str
    shape: tuple
    dtype: str
    params: dict
    sections: tuple

    def to_dict(self) -> dict:
        return {
            "infopix_version": __version__,
            "input": {"source": self.source, "sha256": self.sha256, "shape": list(self.shape), "dtype": self.dtype},
            "parameters": self.params,
            "sections": {s.key: {"title": s.title, "results": s.results} for s in self.sections},
        }

    def to_json(self, path, *, force: bool = False) -> Path:
        """Write ``results.json``-style output atomically to ``path``."""
        import json

        from .cli._common import to_jsonable
        from .io import atomic_path

        path = Path(path)
        with atomic_path(path, force=force) as tmp:
            tmp.write_text(json.dumps(to_jsonable(self.to_dict()), indent=2, allow_nan=False) + "\n")
        return path

    def write(self, out, *, force: bool = False) -> list[Path]:
        """Write ``out/results.json`` and ``out/figures/*.png``, all or nothing.

        The report is assembled in a temporary folder beside ``out`` and renamed into
        place; an existing ``out`` is replaced only with ``force``.
        """
        out = Path(out)
        if out.exists() and not force:
            raise FileExistsError(f"output {str(out)!r} exists; pass --force (force=True) to overwrite it.")
        parent = out.parent if str(out.parent) else Path(".")
        if not parent.is_dir():
            raise FileNotFoundError(f"output folder {str(parent)!r} does not exist.")
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
        try:
            (tmp / "figures").mkdir()
            self.to_json(tmp / "results.json", force=True)
            for s in self.sections:
                for stem, png in s.figures.items():
                    (tmp / "figures" / f"{s.key}_{stem}.png").write_bytes(png)
            if out.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=parent))
                os.replace(out, old / out.name)
                os.replace(tmp, out)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return [out / "results.json"] + sorted((out / "figures").glob("*.png"))


def analyze(image, *, source: str = "array", sections=None, **params) -> Report:
    """Run every registered report section on ``image``.

    Parameters
    ----------
    image : (M, N) ndarray
        A grey image (colour images: reduce first with :func:`infopix.select_channel`).
    source : str, optional
        Where the image came from, recorded in the report.
    sections : sequence of str, optional
        Keys of :data:`SECTIONS` to run (default: all).

    Returns
    -------
    Report
    """
    from . import _validation as v

    arr = v.check_image(image)
    keys = list(SECTIONS) if sections is None else list(sections)
    unknown = [k for k in keys if k not in SECTIONS]
    if unknown:
        raise ValueError(f"`sections` expects names from {list(SECTIONS)}, got {unknown}.")
    built = tuple(SECTIONS[k](arr, params) for k in keys)
    digest = hashlib.sha256(np.ascontiguousarray(arr).tobytes()).hexdigest()
    return Report(source, digest, tuple(arr.shape), str(arr.dtype), dict(params), built)
