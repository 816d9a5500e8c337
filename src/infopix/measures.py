"""The registry of measures: one record per measure, read by the report, batch and the CLI.

A *measure* is one family's view of an image, computed by the family's public
functions: the intensity entropies, entropy against scale, local maps, fractal
dimensions, spatial information, ordinal patterns and complexity, the 2-D sample
entropies, a short Ising run. Each has one :class:`Measure`
record in :data:`MEASURES` holding

- its name (the report's section key, the ``--config`` table, the batch ``--measures``
  name) and a title;
- the public library functions it calls (``functions``; the measure is available when
  they can be imported);
- its parameters with their defaults, and the ``quick`` preset (``--quick``);
- the quantities it returns, each with its unit, the field holding its uncertainty and,
  for a list of values, the parameter whose values index it (:class:`Quantity`);
- ``compute(context, params) -> Computed``: the numbers, as *quantity* dicts (see
  :func:`quantity`), and the library results a figure needs.

The report renders each record's :class:`Computed` as a section (figures and prose live
in :mod:`infopix.report`); batch turns the same quantities into columns
(:meth:`Measure.columns`, :meth:`Measure.row`); the CLI lists the records and accepts the
same ``--config`` tables everywhere. Defaults and rules (the box-counting threshold, the
spatial ``levels='auto'`` alphabet, the shift of negative images before multifractal
analysis) are written here once.

Shared work is done once per image by :class:`ImageContext`: the validated array, the
intensity counts (by ``bins``), the multifractal table of
:func:`infopix.fractal.multifractal_analysis` (by ``q``) and the spatial alphabet.

Volumes: an :class:`ImageContext` made with ``volume=True`` holds a (Z, Y, X) array;
each record's ``volumes`` says whether its measure is computed on it (True) or why not,
and :meth:`Measure.run` (what the report and batch call) returns an empty result with
that reason for the latter. Series are measured frame by frame (:func:`series_rows`).

Adding a measure is one :func:`register` call with a new record (a report section
without a figure renderer shows its quantities as a table).
"""

from __future__ import annotations

import importlib.util
import math
import os
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._validation import ColourShapedVolumeWarning

__all__ = [
    "Computed",
    "ImageContext",
    "MEASURES",
    "Measure",
    "Quantity",
    "UNAVAILABLE",
    "apply_estimator",
    "available",
    "get",
    "jsonable",
    "load_config",
    "quantity",
    "register",
    "resolve",
    "resolve_params",
    "series_rows",
    "local_maps_of_volumes",
]


# ----------------------------------------------------------------------- plain data


def jsonable(obj):
    """``obj`` as plain JSON-able Python: NumPy scalars and arrays as numbers and lists,
    tuples as lists, paths as text, NaN as ``None`` and infinities as ``"inf"``/``"-inf"``
    (JSON has neither). The one conversion used by the report, batch and the CLI."""
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return jsonable(obj.item())
    if isinstance(obj, float) and not math.isfinite(obj):
        return None if math.isnan(obj) else ("inf" if obj > 0 else "-inf")
    if isinstance(obj, Path):
        return str(obj)
    return obj


def _plain(v):
    """NumPy scalars and arrays as Python numbers and lists (readable reprs)."""
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, (list, tuple)):
        return [_plain(u) for u in v]
    return v


def quantity(value, unit: str, explain: str, **extra) -> dict:
    """One reported number: value, unit, a one-line plain explanation and extras.

    Extras in use: ``std`` (standard error or posterior std), ``interval`` ((lo, hi)),
    ``level`` (credible level of ``interval``), ``estimator`` (registry name), ``x`` and
    ``x_unit`` (abscissa of a series), and any parameter that defines the number.
    ``None`` extras are dropped.

    Examples
    --------
    >>> quantity(np.float64(1.5), "bits", "Half a bit more than one.", std=None)
    {'value': 1.5, 'unit': 'bits', 'explain': 'Half a bit more than one.'}
    """
    q = {"value": _plain(value), "unit": unit, "explain": explain}
    q.update({k: _plain(v) for k, v in extra.items() if v is not None})
    return q


# ----------------------------------------------------------------------- records


@dataclass(frozen=True)
class Quantity:
    """A number (or a list of numbers) a measure returns.

    Attributes
    ----------
    name : str
        Key in the measure's results (``results.json``).
    unit : str
        Its unit ("bits", "pixels", "1" for a pure number, ...).
    uncertainty : str or None
        The field of the quantity holding its uncertainty (``"std"``), or None: the
        number is exact given the image and parameters (a count, a plug-in value).
    over : (str, str) or None
        For a list of values: the parameter whose values index it and their symbol
        (``("radii", "r")``); batch writes one column per value. None: a scalar.
    column : bool
        Whether batch writes it as a column (axes such as the radii themselves do not).
    role : {'measured', 'setting', 'count'}
        ``'measured'``: a number measured from the image, which carries its uncertainty
        or says why it has none; ``'setting'``: a parameter, an axis or a setting resolved
        for this image (a threshold, the sigmas, the lattice); ``'count'``: an exact count
        or size (rows, pixels, levels in use). Only measured quantities carry an
        ``uncertainty`` statement.
    error : str
        For a measured quantity, the default of its ``uncertainty`` statement in
        ``results.json`` (:meth:`Measure.describe`): the method of its uncertainty field,
        or why there is none (starting "no uncertainty: "). A computed quantity that
        names its own ``uncertainty`` (the method depends on the image or the
        estimator) keeps it.
    """

    name: str
    unit: str
    uncertainty: str | None = None
    over: tuple | None = None
    column: bool = True
    role: str = "measured"
    error: str = ""


@dataclass(frozen=True)
class Computed:
    """What a measure's ``compute`` returns for one image.

    Attributes
    ----------
    results : dict of str to dict
        Quantities (see :func:`quantity`) by name.
    params : dict
        The parameters used, with defaults resolved for this image (e.g. the threshold).
    data : dict
        Library results a figure needs (fits, curves, maps), by name.
    notes : list of str
        Warnings raised by the library while computing, one line each.
    """

    results: dict
    params: dict
    data: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)


@dataclass(frozen=True)
class Measure:
    """One measure: what it computes, with which parameters, returning which quantities.

    Attributes
    ----------
    name : str
        Report section key, ``--config`` table and batch measure name.
    title : str
        Heading shown to a reader.
    compute : callable
        ``compute(context, params) -> Computed`` with an :class:`ImageContext`.
    defaults : mapping
        Every parameter ``compute`` reads, with its default (the accepted config keys).
    quick : mapping
        Overrides applied by ``quick=True`` (``--quick``).
    quantities : callable or tuple of Quantity
        The quantities returned, or ``quantities(params) -> tuple`` when their names
        depend on the parameters (one entropy per estimator).
    functions : tuple of str
        The public ``infopix`` functions the measure calls (listed by the CLI).
    requires : tuple of str
        infopix modules needed; when one is absent from the installation the measure is
        not registered and :data:`UNAVAILABLE` says why.
    optional : bool
        Run only when asked for (the Ising demonstration).
    description : str
        One line for listings (``infopix batch --help``).
    volumes : True, str or callable
        Whether the measure is computed on a (Z, Y, X) volume (an :class:`ImageContext`
        made with ``volume=True``): True, or the reason it is not (a plain phrase, shown
        as "not applicable to volumes: <reason>"), or a callable returning None
        (applicable) or the reason, asked when a volume arrives.
    """

    name: str
    title: str
    compute: Callable = field(repr=False)
    defaults: Mapping = field(default_factory=dict)
    quick: Mapping = field(default_factory=dict)
    quantities: object = ()
    functions: tuple = ()
    requires: tuple = ()
    optional: bool = False
    description: str = ""
    volumes: object = "it is defined for 2-D images only"

    def volume_reason(self) -> str | None:
        """None when the measure is computed on volumes, else why it is not."""
        v = self.volumes() if callable(self.volumes) else self.volumes
        return None if v is True or v is None else str(v)

    def run(self, ctx: "ImageContext", params: Mapping | None = None) -> Computed:
        """``compute(ctx, params)``, or for a volume the measure does not apply to, an
        empty :class:`Computed` whose ``data["not_applicable"]`` says why (batch writes
        NaN in its columns, the report says "not applicable to volumes: why").

        Examples
        --------
        >>> vol = np.zeros((4, 8, 8), np.uint8)               # a (Z, Y, X) volume
        >>> ctx = ImageContext(vol, volume=True)
        >>> get("image").run(ctx).results["depth"]["value"]  # computed on the volume
        4
        >>> get("patterns").run(ctx).data["not_applicable"][:26]
        'not applicable to volumes:'
        """
        p = dict(self.defaults) if params is None else dict(params)
        why = self.volume_reason() if ctx.is_volume else None
        if why is not None:
            return Computed({}, p, {"not_applicable": f"not applicable to volumes: {why}"})
        if not ctx.is_volume:
            return self.compute(ctx, p)
        with warnings.catch_warnings():  # declared a volume: not a colour image
            warnings.simplefilter("ignore", ColourShapedVolumeWarning)
            return self.compute(ctx, p)

    def declared(self, params: Mapping | None = None) -> tuple:
        """The :class:`Quantity` records for ``params`` (default: the defaults)."""
        p = dict(self.defaults) if params is None else dict(params)
        q = self.quantities(p) if callable(self.quantities) else self.quantities
        return tuple(q)

    def describe(self, results: Mapping, params: Mapping | None = None) -> dict:
        """``results`` with every measured quantity that has a value saying how certain it
        is: its own ``uncertainty`` entry, else its declaration's ``error`` (the method of
        its ``std``, or why it has none). The one place ``results.json`` gets the rule
        "every number carries its uncertainty or says it has none"."""
        declared = {q.name: q for q in self.declared(params)}
        out = {}
        for name, q in results.items():
            d = declared.get(name)
            if (d is None or d.role != "measured" or not d.error or "uncertainty" in q
                    or q.get("value") is None):
                out[name] = q
            else:
                out[name] = {**q, "uncertainty": d.error}
        return out

    def columns(self, params: Mapping | None = None) -> list[str]:
        """Batch column names: ``name.quantity`` for a number, ``name.quantity.std`` for
        its uncertainty, ``name.quantity[r=3]`` for each value of a list."""
        p = dict(self.defaults) if params is None else dict(params)
        cols = []
        for q in self.declared(p):
            if not q.column:
                continue
            for label in _labels(q, p):
                cols.append(f"{self.name}.{label}")
                if q.uncertainty:
                    cols.append(f"{self.name}.{label}.{q.uncertainty}")
        return cols

    def row(self, computed: Computed, params: Mapping | None = None) -> dict:
        """The batch columns of one image: floats, NaN where a value is undefined."""
        p = dict(self.defaults) if params is None else dict(params)
        out = {}
        for q in self.declared(p):
            if not q.column:
                continue
            r = computed.results.get(q.name) or {}
            if q.over is None:
                out[f"{self.name}.{q.name}"] = _float(r.get("value"))
                if q.uncertainty:
                    out[f"{self.name}.{q.name}.{q.uncertainty}"] = _float(r.get(q.uncertainty))
                continue
            values = r.get("value")
            unc = r.get(q.uncertainty) if q.uncertainty else None
            xs = r.get("x") if isinstance(values, list) else None
            by_x = {}
            if xs is not None:
                for i, x in enumerate(xs):
                    by_x[_fmt_x(x)] = (values[i], None if unc is None else unc[i])
            for x in _axis(q, p):
                v, s = by_x.get(_fmt_x(x), (None, None))
                label = f"{q.name}[{q.over[1]}={_fmt_x(x)}]"
                out[f"{self.name}.{label}"] = _float(v)
                if q.uncertainty:
                    out[f"{self.name}.{label}.{q.uncertainty}"] = _float(s)
        return out


def _float(v) -> float:
    if v is None or isinstance(v, (list, dict, str)):
        return math.nan
    return float(v)


def _fmt_x(x) -> str:
    return f"{float(x):g}"


def _axis(q: Quantity, params: Mapping) -> list:
    values = params.get(q.over[0])
    if values is None:
        return []
    return [values] if np.isscalar(values) else list(values)


def _labels(q: Quantity, params: Mapping) -> list[str]:
    if q.over is None:
        return [q.name]
    return [f"{q.name}[{q.over[1]}={_fmt_x(x)}]" for x in _axis(q, params)]


#: The registered measures in report order: name -> :class:`Measure`.
MEASURES: dict[str, Measure] = {}

#: Measures whose family module is absent from this installation: name -> reason.
UNAVAILABLE: dict[str, str] = {}

#: Earlier batch names of two measures, still accepted.
ALIASES = {"entropy": "intensity", "localmap": "local"}


def register(measure: Measure, *, before: str | None = None) -> Measure:
    """Add ``measure`` to :data:`MEASURES` (at the end, or before the measure ``before``).

    A measure whose ``requires`` names an infopix module absent from this installation
    is listed in :data:`UNAVAILABLE` instead. A module that exists but fails to import or
    run is *not* skipped: errors are never hidden.
    """
    missing = [m for m in measure.requires if importlib.util.find_spec(f"infopix.{m}") is None]
    if missing:
        UNAVAILABLE[measure.name] = f"needs infopix.{missing[0]}, not in this installation"
        MEASURES.pop(measure.name, None)
        return measure
    UNAVAILABLE.pop(measure.name, None)
    MEASURES.pop(measure.name, None)
    if before is None or before not in MEASURES:
        MEASURES[measure.name] = measure
    else:
        items = list(MEASURES.items())
        i = [k for k, _ in items].index(before)
        items.insert(i, (measure.name, measure))
        MEASURES.clear()
        MEASURES.update(items)
    return measure


def get(name: str) -> Measure:
    """The registered measure ``name`` (or one of its earlier batch names)."""
    key = ALIASES.get(name, name)
    if key in MEASURES:
        return MEASURES[key]
    why = f" ({UNAVAILABLE[key]})" if key in UNAVAILABLE else ""
    raise ValueError(
        f"`measures` expects names among {', '.join(repr(k) for k in MEASURES)}, "
        f"got {name!r}{why}."
    )


def available() -> list[str]:
    """Names of the registered measures (those whose family is installed)."""
    return list(MEASURES)


def resolve(names=None, *, include_optional: bool = False) -> list[Measure]:
    """Measures by name, in registry order; ``None``: every non-optional measure;
    ``"all"``: every measure."""
    if names is None:
        return [m for m in MEASURES.values() if include_optional or not m.optional]
    if isinstance(names, str) and names == "all":
        return list(MEASURES.values())
    asked = [names] if isinstance(names, str) else list(names)
    got = [get(n) for n in asked]
    keys = {m.name for m in got}
    return [m for m in MEASURES.values() if m.name in keys]


def resolve_params(config=None, *, quick: bool = False, measures=None) -> dict:
    """Each measure's effective parameters: defaults < quick < ``config``.

    Parameters
    ----------
    config : mapping, optional
        Tables of parameters by measure name (a ``--config`` file's content).
    quick : bool, optional
        Apply each measure's quick preset.
    measures : sequence of str, optional
        The measures to resolve (default: every registered one).

    Raises ``ValueError`` for a measure or parameter name that does not exist.
    """
    config = {} if config is None else dict(config)
    known = set(MEASURES) | set(UNAVAILABLE)
    bad = sorted(set(config) - known)
    if bad:
        raise ValueError(f"`config` has unknown section(s) {bad}; accepted: {sorted(known)}.")
    keys = list(MEASURES) if measures is None else [get(k).name for k in measures]
    out = {}
    for key in keys:
        m = MEASURES[key]
        user = config.get(key) or {}
        if not isinstance(user, Mapping):
            raise TypeError(f"`config` entry {key!r} expects a table of parameters, got {user!r}.")
        unknown = sorted(set(user) - set(m.defaults))
        if unknown:
            raise ValueError(
                f"`config` section {key!r} has unknown parameter(s) {unknown}; accepted: "
                f"{sorted(m.defaults)}."
            )
        for name, value in user.items():
            _check_param_type(key, name, value, m.defaults[name])
        p = dict(m.defaults)
        if quick:
            p.update(m.quick)
        p.update(user)
        out[key] = p
    return out


def _check_param_type(section: str, name: str, value, default) -> None:
    """A configured value of the kind its default has: an integer where an integer is
    expected (TOML ``1e9`` is a float), a number, a list (a string is not a list)."""
    where = f"`config` [{section}] {name} (CLI: --config)"
    if isinstance(default, bool):
        ok, kind = isinstance(value, bool), "true or false"
    elif isinstance(default, int):
        ok, kind = isinstance(value, int) and not isinstance(value, bool), "an integer"
    elif isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        kind = "a number"
    elif isinstance(default, (list, tuple)):
        ok, kind = isinstance(value, (list, tuple)), "a list, e.g. [1, 2]"
    else:
        return
    if not ok:
        raise TypeError(f"{where} expects {kind}, got {value!r} ({type(value).__name__}).")


def apply_estimator(config, estimator: str, measures, *, name: str = "estimator") -> dict:
    """``config`` with ``estimator`` chosen for every listed measure that takes one
    (its ``estimator`` parameter, or ``estimators = [estimator]``); ``name`` is the
    option named in the error for an unknown estimator (``--estimator`` in the CLI)."""
    from .estimators import ESTIMATORS

    if estimator not in ESTIMATORS:
        raise ValueError(f"`{name}` expects one of {', '.join(ESTIMATORS)}, got {estimator!r}.")
    out = {k: dict(v) for k, v in (config or {}).items()}
    for name in measures:
        m = get(name)
        if "estimator" in m.defaults:
            out.setdefault(m.name, {})["estimator"] = estimator
        elif "estimators" in m.defaults:
            out.setdefault(m.name, {})["estimators"] = [estimator]
    return out


def load_config(path) -> dict:
    """Read a ``--config`` file: TOML (``.toml``) or JSON (``.json``), tables by measure.

    Example TOML::

        [local]
        radii = [2, 5]
        estimator = "miller_madow"

        [scale]
        sigmas = [0.5, 1, 2, 4, 8]
    """
    import json

    p = Path(os.fspath(path))
    if not p.exists():
        raise FileNotFoundError(f"`config` file {str(p)!r} does not exist.")
    ext = p.suffix.lower()
    if ext not in (".toml", ".json"):
        raise ValueError(f"`config` file {str(p)!r} must end in .toml or .json.")
    text = p.read_bytes()
    try:
        if ext == ".toml":
            import tomllib

            data = tomllib.loads(text.decode("utf-8"))
        else:
            data = json.loads(text.decode("utf-8"))
    except Exception as exc:  # UnicodeDecodeError, JSONDecodeError, TOMLDecodeError
        raise ValueError(f"`config` file {str(p)!r} is not valid {ext[1:]}: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"`config` file {str(p)!r} must hold a table of sections.")
    return data


# ----------------------------------------------------------------------- per-image context


class ImageContext:
    """One image's shared results, computed once and handed to every measure.

    Parameters
    ----------
    image : (M, N) or (Z, M, N) ndarray
        A grey image (colour images are reduced to a channel before), or with
        ``volume=True`` a (Z, M, N) volume. It is validated here (finite,
        bool/integer/float, at least 2 pixels).
    volume : bool, optional
        The array is a (Z, M, N) volume (``ImageInfo.axes == 'zyx'``); measures whose
        record says they apply are computed on it, the others say why not
        (:meth:`Measure.run`). A 3-D array is never taken for a volume unless said.
    spacing : sequence of float, optional
        Voxel (or pixel) size along each axis, as read from the file (figures use it for
        their aspect; measures in voxels do not).

    Attributes
    ----------
    image : ndarray
        The validated image.
    is_volume : bool
    spacing : tuple of float or None
    """

    def __init__(self, image, *, volume: bool = False, spacing=None):
        from . import _validation as v

        arr = v.check_image(image, ndim=(3,) if volume else (2,))
        v.check_finite_or_masked(arr, None)
        self.image = arr
        self.is_volume = bool(volume)
        self.spacing = None if spacing is None else tuple(float(x) for x in spacing)
        if self.spacing is not None and len(self.spacing) != arr.ndim:
            raise ValueError(
                f"`spacing` expects one size per axis ({arr.ndim}), got {spacing!r}."
            )
        self._counts: dict = {}
        self._multifractal: dict = {}
        self._occupied = None

    def counts(self, bins=None):
        """:func:`infopix.intensity_counts` of the image with ``bins`` (cached)."""
        key = None if bins is None else int(bins)
        if key not in self._counts:
            from .entropy import intensity_counts

            self._counts[key] = intensity_counts(self.image, bins=bins, channel=None)
        return self._counts[key]

    def multifractal(self, qs):
        """``(GeneralizedDimensions, MultifractalSpectrum, notes)`` of the image taken as
        a measure, from one table of box sums (:func:`infopix.fractal.multifractal_analysis`);
        an image with negative values is measured from its minimum. ``notes`` are the
        library's warnings, one line each. Raises the library's ValueError when the image
        does not admit them (cached either way)."""
        key = tuple(float(q) for q in qs)
        if key not in self._multifractal:
            from .fractal import multifractal_analysis

            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    value = multifractal_analysis(self.measure_image(), list(key))
                except ValueError as exc:
                    value = exc
            self._multifractal[key] = (value, _notes(caught))
        value, notes = self._multifractal[key]
        if isinstance(value, Exception):
            raise value
        return (*value, list(notes))

    def measure_minimum(self) -> float:
        """The image minimum (a measure must be >= 0: negative images are shifted)."""
        return float(np.min(self.image))

    def measure_image(self) -> np.ndarray:
        """The image as a measure: itself when >= 0, else shifted by its minimum."""
        lo = self.measure_minimum()
        return self.image if lo >= 0 else self.image.astype(np.float64) - lo

    def symbols(self, levels):
        """The spatial alphabet: ``'auto'`` is 16 equal-width bins for float images and
        images with more than 16 grey levels, the observed levels otherwise (None)."""
        if levels != "auto":
            return levels
        if self.image.dtype.kind == "f":
            return 16
        if self._occupied is None:
            self._occupied = int(np.count_nonzero(self.counts().counts))
        return 16 if self._occupied > 16 else None


# ----------------------------------------------------------------------- series mode


def series_rows(stack, measures=None, params=None) -> list[dict]:
    """Series mode: the measures' columns for every frame of a (T, Y, X) stack.

    Each frame is an image of its own (its own :class:`ImageContext`), measured as
    ``analyze`` and batch measure a 2-D image; the rows carry a ``frame`` column (the
    index along t) before the ``measure.quantity`` columns of :meth:`Measure.row`.

    Parameters
    ----------
    stack : (T, Y, X) ndarray
        The frames (``ImageInfo.axes == 'tyx'``).
    measures : sequence of str, optional
        Registry names (default: every non-optional measure).
    params : mapping, optional
        Effective parameters by measure, as :func:`resolve_params` returns them
        (default: the defaults).

    Returns
    -------
    rows : list of dict
        One per frame, ``{"frame": t, "<measure>.<quantity>": float, ...}``.

    Examples
    --------
    >>> import numpy as np
    >>> stack = np.stack([np.zeros((8, 8), np.uint8), np.tile([0, 1], (8, 4)).astype(np.uint8)])
    >>> p = resolve_params({"intensity": {"estimators": ["plugin"]}}, measures=["intensity"])
    >>> [(r["frame"], r["intensity.shannon"]) for r in series_rows(stack, ["intensity"], p)]
    [(0, 0.0), (1, 1.0)]
    """
    from .series import check_series

    arr = check_series(stack)
    if arr.ndim != 3:
        raise ValueError(f"`stack` expects a (T, Y, X) series of grey frames, got shape {arr.shape}.")
    ms = resolve(measures)
    eff = resolve_params(measures=[m.name for m in ms]) if params is None else params
    rows = []
    for t in range(arr.shape[0]):
        ctx = ImageContext(arr[t])
        row = {"frame": t}
        for m in ms:
            row.update(m.row(m.run(ctx, eff[m.name]), eff[m.name]))
        rows.append(row)
    return rows


def _attempt(undefined: dict, key: str, func, *args, **kwargs):
    """The result, or None with the library's reason when the image does not admit it
    (too small, no foreground, one grey level): reported as undefined, never hidden."""
    try:
        return func(*args, **kwargs)
    except ValueError as exc:
        undefined[key] = " ".join(str(exc).split())
        return None


def _na(undefined: dict, key: str, unit: str, explain: str) -> dict:
    return quantity(None, unit, f"{explain} Not defined for this image: {undefined[key]}")


def _notes(caught) -> list[str]:
    out = []
    for w in caught:
        msg = " ".join(str(w.message).split())
        if msg not in out:
            out.append(msg)
    return out


# ----------------------------------------------------------------------- uncertainty statements

#: Why a measured quantity has no uncertainty (:attr:`Quantity.error`), said once here.
_EXACT = "no uncertainty: exact for this image (a statistic of its pixels, not an estimate)"
_PLUGIN = (
    "no uncertainty: the plug-in value of this image's histogram, exact for the image (the "
    "Shannon row gives the entropy with its spatial error, as an estimate for the scene)"
)
_SPATIAL_ENTROPY = ("spatial: long-run variance of the surprisal field (one realisation of a "
                    "stationary random field; the interval is around the bias-corrected value)")
_FUNCTIONAL = "no uncertainty: a functional of this image's counts, exact for the image"
_SLOPE = "standard error of the log-log slope"
_IID = ("iid: the estimator's posterior standard deviation (independent samples; the "
        "overview's entropy error allows for spatial correlation)")
_NO_OWN_ERROR = ("no uncertainty: this estimator gives no error of its own (nsb and "
                 "wolpert_wolf give a posterior)")
_SPATIAL_SCALE = ("spatial: long-run variance of the blurred image's surprisal field (one "
                  "realisation of a stationary random field)")
_RUN = ("no uncertainty: exact for the final configuration of this seeded run (one "
        "configuration, not a thermal average; infopix.ising.measure gives averages with errors)")
_CLOSED_FORM = "no uncertainty: exact closed form (Onsager, infinite lattice)"


# ----------------------------------------------------------------------- image


def _image_compute(ctx: ImageContext, params: dict) -> Computed:
    image = ctx.image
    c = ctx.counts()
    a = image.astype(np.float64)
    res = {}
    if ctx.is_volume:
        res["depth"] = quantity(int(image.shape[0]), "voxels", "Number of slices (Z).")
    px = "voxels" if ctx.is_volume else "pixels"
    res.update({
        "height": quantity(int(image.shape[-2]), px, "Number of rows."),
        "width": quantity(int(image.shape[-1]), px, "Number of columns."),
        "n_pixels": quantity(int(c.total), px, f"{px.capitalize()} counted in every histogram below."),
        "n_outcomes": quantity(
            int(c.n_outcomes),
            "levels",
            "Possible grey levels K (one per value of the image's type, or the bins of a float image).",
        ),
        "occupied_levels": quantity(
            int(np.count_nonzero(c.counts)), "levels", "Grey levels that occur at least once."
        ),
        "min": quantity(float(a.min()), "intensity", "Darkest pixel value."),
        "max": quantity(float(a.max()), "intensity", "Brightest pixel value."),
        "mean": quantity(float(a.mean()), "intensity", "Average pixel value."),
        "std": quantity(
            float(a.std()), "intensity", "Standard deviation of pixel values (contrast)."
        ),
    })
    if ctx.spacing is not None:
        res["spacing"] = quantity(list(ctx.spacing), "as recorded in the file",
                                  "Pixel (voxel) size along each axis, as the file records it.")
    return Computed(res, dict(params), {"counts": c})


register(
    Measure(
        "image",
        "The image and its histogram",
        _image_compute,
        quantities=(
            Quantity("depth", "voxels", role="count", column=False),  # volumes only
            Quantity("height", "pixels", role="count"),
            Quantity("width", "pixels", role="count"),
            Quantity("n_pixels", "pixels", role="count"),
            Quantity("n_outcomes", "levels", role="setting"),
            Quantity("occupied_levels", "levels", role="count"),
            Quantity("min", "intensity", error=_EXACT),
            Quantity("max", "intensity", error=_EXACT),
            Quantity("mean", "intensity", error=_EXACT),
            Quantity("std", "intensity", error=_EXACT),
            Quantity("spacing", "as recorded in the file", role="setting", column=False),
        ),
        functions=("intensity_counts",),
        description="size, grey levels in use, min/max/mean/std of the pixel values",
        volumes=True,
    )
)


# ----------------------------------------------------------------------- intensity

_RENYI = (
    (
        "shannon",
        1.0,
        "Shannon entropy: average bits needed to name one pixel's grey level "
        "when levels are coded by their frequency (plug-in, from the histogram).",
    ),
    ("hartley", 0.0, "Hartley entropy (Rényi order 0): log2 of the number of grey levels in use."),
    (
        "collision",
        2.0,
        "Collision entropy (Rényi order 2): minus log2 of the chance that two "
        "random pixels share a grey level.",
    ),
    (
        "min_entropy",
        math.inf,
        "Min-entropy (Rényi order ∞): minus log2 of the frequency of the "
        "commonest grey level; the hardest-to-guess bound.",
    ),
)

_EXPECTED = {
    "surprisal": (
        "bits",
        "Expected surprisal -log2 p over grey levels (equals the Shannon entropy).",
    ),
    "laurent": (
        "1",
        "Expected -1 + 1/p over all K levels ('laurent' function; empty levels count 0): "
        "the number of grey levels in use minus one.",
    ),
    "taylor": (
        "1",
        "Expected -(1 + p) over all K levels ('taylor' function; empty levels count 0): "
        "minus one minus the chance that two random pixels share a grey level.",
    ),
}


def _estimator_names(params) -> list[str]:
    from .estimators import ESTIMATORS

    est = params["estimators"]
    if est == "all":
        return list(ESTIMATORS)
    if isinstance(est, str):
        return [est]
    return list(est)


def _intensity_quantities(params) -> tuple:
    return (
        Quantity("shannon", "bits", "std", error=_SPATIAL_ENTROPY),
        *(Quantity(name, "bits", error=_PLUGIN) for name, _, _ in _RENYI if name != "shannon"),
        *(Quantity(f"expected_{f}", unit, error=_FUNCTIONAL) for f, (unit, _) in _EXPECTED.items()),
        *(Quantity(f"H_{n}", "bits", "std", error=_IID) for n in _estimator_names(params)),
    )


def _intensity_compute(ctx: ImageContext, params: dict) -> Computed:
    from .entropy import expected_value, renyi_entropy
    from .estimators import ESTIMATORS, entropy_from_counts
    from .uncertainty import intensity_entropy_estimate

    c = ctx.counts(params["bins"])
    p = c.counts / c.total
    res = {}
    for name, alpha, explain in _RENYI:
        res[name] = quantity(
            renyi_entropy(p, alpha), "bits", explain, alpha=alpha, estimator="plugin"
        )
    # the Shannon entropy as an estimate for the scene: its error treats the image as one
    # realisation of a stationary random field (the overview's headline; batch's column)
    e = intensity_entropy_estimate(ctx.image, estimator="plugin", uncertainty="spatial",
                                   bins=params["bins"], level=params["level"], channel=None)
    res["shannon"] = quantity(
        res["shannon"]["value"], "bits",  # the plug-in value, as renyi_entropy gives it
        "Shannon entropy of one pixel's grey level (plug-in, from the histogram). Its error "
        "treats the image as one realisation of a stationary random field: neighbouring pixels "
        "are correlated, so the image is worth fewer independent samples than it has pixels.",
        alpha=1.0, estimator="plugin", std=e.std,
        interval=None if e.interval is None else list(e.interval), level=e.level,
        uncertainty=e.uncertainty, effective_samples=e.effective_samples,
    )
    for f, (unit, explain) in _EXPECTED.items():
        res[f"expected_{f}"] = quantity(expected_value(f, p), unit, explain)

    hmax = float(np.log2(c.n_outcomes))
    names = _estimator_names(params)
    estimates = {}
    for name in names:
        e = entropy_from_counts(
            c.counts, estimator=name, n_outcomes=c.n_outcomes, level=params["level"]
        )
        estimates[name] = e
        desc = ESTIMATORS[name].description or name
        kind = "posterior mean" if ESTIMATORS[name].bayesian else "estimate"
        explain = f"Shannon entropy of the source, {kind} by {desc}; N = {c.total} pixels, K = {c.n_outcomes} levels."
        reason = None
        if not getattr(e, "valid", True):
            reason = getattr(e, "reason", None) or "outside the estimator's validity"
        elif not np.isfinite(e.value) or e.value > hmax + 1e-9 or e.value < -1e-9:
            reason = (
                f"the estimate falls outside the possible range [0, log2 K = {hmax:.4g}] bits "
                "(this estimator's assumptions do not hold for this image)"
            )
        if reason is not None:  # never shown (report) nor written (batch, JSON) as a number
            res[f"H_{name}"] = quantity(
                None, "bits", explain, estimator=e.estimator, not_applicable=reason
            )
            continue
        res[f"H_{name}"] = quantity(
            e.value,
            "bits",
            explain,
            estimator=e.estimator,
            std=e.std,
            interval=None if e.interval is None else list(e.interval),
            level=e.level,
            uncertainty=None if e.std is not None else _NO_OWN_ERROR[:-1] + "; the overview "
            "gives the plug-in entropy's spatial error)",
        )
    return Computed(res, dict(params), {"estimates": estimates, "names": names, "hmax": hmax})


register(
    Measure(
        "intensity",
        "Intensity entropies with estimators and intervals",
        _intensity_compute,
        defaults={"estimators": "all", "bins": None, "level": 0.95},
        quantities=_intensity_quantities,
        functions=("intensity_counts", "renyi_entropy", "expected_value", "entropy_from_counts"),
        requires=("estimators",),
        description="entropy of the grey-level histogram: Rényi orders 0, 1, 2, ∞ and "
        "Shannon by every estimator (with uncertainties), bits",
        volumes=True,
    )
)


# ----------------------------------------------------------------------- scale


def _std_or_none(a):
    a = np.asarray(a, dtype=float)
    return None if np.all(np.isnan(a)) else a.tolist()


def _scale_quantities(params) -> tuple:
    q = [
        Quantity("sigma", "pixels", over=("sigmas", "sigma"), column=False, role="setting"),
        Quantity("entropy", "bits", "std", over=("sigmas", "sigma"), error=_SPATIAL_SCALE),
        Quantity("std", "intensity", over=("sigmas", "sigma"),
                 error="no uncertainty: exact for the blurred image"),
    ]
    if params.get("requantized"):
        q.append(Quantity("entropy_requantized", "bits", "std", over=("sigmas", "sigma"),
                          error=_SPATIAL_SCALE))
    return tuple(q)


#: Longest side of the blurred images the scale measure keeps for display (the report's
#: strip panels are about 340 pixels wide at 200 dpi).
_PREVIEW_PIXELS = 1024


def _scale_compute(ctx: ImageContext, params: dict) -> Computed:
    from .scale import entropy_vs_scale

    image = ctx.image
    sig = [float(s) for s in params["sigmas"]]
    kw = dict(bins=params["bins"], estimator=params["estimator"], mode=params["mode"])
    # the report's strip shows some blurred images: keep display-sized copies (no re-blur)
    curve = entropy_vs_scale(image, sig, previews=_PREVIEW_PIXELS if image.ndim == 2 else 0, **kw)
    res = {
        "sigma": quantity(
            sig, "pixels", "Standard deviations of the Gaussian blurs (0: the image itself).", x=sig
        ),
        "entropy": quantity(
            curve.entropies.tolist(),
            "bits",
            "Intensity entropy of the blurred image, histogram bins fixed from the original so "
            "that smoothing shows as lost information; one value per sigma.",
            estimator=curve.estimator,
            std=_std_or_none(curve.entropy_std),
            x=sig,
            x_name="sigma",
            x_unit="pixels",
            bins=curve.bins,
            mode=curve.mode,
        ),
        "std": quantity(
            curve.stds.tolist(),
            "intensity",
            "Standard deviation of the blurred pixel values (contrast left after smoothing), one value per sigma.",
            x=sig,
            x_name="sigma",
            x_unit="pixels",
        ),
    }
    requant = None
    if params["requantized"] and image.dtype.kind in "biu":
        requant = entropy_vs_scale(image, sig, quantize=True, **kw)
        res["entropy_requantized"] = quantity(
            requant.entropies.tolist(),
            "bits",
            "The same, with blurred values rounded back to the image's integer type first "
            "(what a blur that returns an integer image measures); one value per sigma.",
            estimator=requant.estimator,
            std=_std_or_none(requant.entropy_std),
            x=sig,
            x_name="sigma",
            x_unit="pixels",
        )
    return Computed(res, dict(params), {"curve": curve, "requantized": requant, "sigmas": sig})


register(
    Measure(
        "scale",
        "Entropy against smoothing scale",
        _scale_compute,
        defaults={
            "sigmas": [0, 0.5, 1, 2, 4, 8, 16, 32],
            "estimator": "plugin",
            "bins": None,
            "mode": "reflect",
            "requantized": False,
        },
        quick={"sigmas": [0, 1, 4, 16]},
        quantities=_scale_quantities,
        functions=("entropy_vs_scale",),
        requires=("scale",),
        description="intensity entropy and contrast after Gaussian blurs of growing sigma, bits",
        volumes=True,  # sigmas in voxels (isotropic in voxel units)
    )
)


# ----------------------------------------------------------------------- local


def local_maps_of_volumes() -> str | None:
    """None when the local maps (:mod:`infopix.local`) take (Z, Y, X) volumes, else why
    not: the one check the report, batch and ``infopix localmap`` ask (answered by the
    library itself, on a 3x3x3 array, once per process).

    Examples
    --------
    >>> why = local_maps_of_volumes()
    >>> why is None or why.startswith("local maps of volumes are not available yet")
    True
    """
    global _LOCAL_VOLUMES
    if _LOCAL_VOLUMES is False:
        from .local import local_entropy

        try:
            local_entropy(np.zeros((3, 3, 3), np.uint8), 1)
            _LOCAL_VOLUMES = None
        except ValueError:
            _LOCAL_VOLUMES = ("local maps of volumes are not available yet in this version "
                              "(2-D windows only); measure one slice, or a series frame by frame")
    return _LOCAL_VOLUMES


_LOCAL_VOLUMES: object = False


def _radii(params) -> list[int]:
    r = params["radii"]
    return [int(x) for x in r] if not np.isscalar(r) else [int(r)]


_LOCAL_Q = ("mean_local_entropy", "median_local_entropy", "max_local_entropy")
_LOCAL_ERROR = (
    "no uncertainty: a summary of this image's local entropy map, exact given the estimator "
    "(each window's posterior error: infopix.local_entropy(..., return_std=True) with a "
    "Bayesian estimator)"
)


def _display_copy(a: np.ndarray) -> np.ndarray:
    """Every k-th row and column of a map, k the smallest that brings its longest side to
    at most :data:`_PREVIEW_PIXELS` (what a report figure can show)."""
    step = max(1, -(-max(a.shape) // _PREVIEW_PIXELS))
    if step == 1 or a.ndim != 2:
        return a
    return np.array(a[step // 2 :: step, step // 2 :: step])


def _local_compute(ctx: ImageContext, params: dict) -> Computed:
    from .local import local_entropy, local_std

    radii = _radii(params)
    est, edge = params["estimator"], params["edge"]
    # one radius at a time: its statistics, then a display-sized copy; the full maps
    # (8 bytes a pixel each, two per radius) are never all held at once
    stats = {k: [] for k in ("mean_h", "median_h", "max_h", "min_h", "mean_s", "min_s", "max_s")}
    H, S = [], []
    for r in radii:
        h = local_entropy(ctx.image, r, estimator=est, edge=edge)
        stats["mean_h"].append(float(h.mean()))
        stats["median_h"].append(float(np.median(h)))
        stats["max_h"].append(float(h.max()))
        stats["min_h"].append(float(h.min()))
        H.append(_display_copy(h))
        del h
        sd = local_std(ctx.image, r, edge=edge)
        stats["mean_s"].append(float(sd.mean()))
        stats["min_s"].append(float(sd.min()))
        stats["max_s"].append(float(sd.max()))
        S.append(_display_copy(sd))
        del sd
    win = [(2 * r + 1) ** ctx.image.ndim for r in radii]
    axis = dict(x=radii, x_name="r", x_unit="pixels")
    res = {
        "radii": quantity(
            radii,
            "pixels",
            "Window radii r; each window is the (2r+1)×(2r+1) box, clipped at the edges.",
            x=radii,
        ),
        "mean_local_entropy": quantity(
            stats["mean_h"],
            "bits",
            "Average over pixels of the entropy of the grey levels in the window around each pixel, one value per radius.",
            estimator=est,
            **axis,
        ),
        "median_local_entropy": quantity(
            stats["median_h"],
            "bits",
            "Median over pixels of the local entropy, one value per radius.",
            estimator=est,
            **axis,
        ),
        "max_local_entropy": quantity(
            stats["max_h"],
            "bits",
            "Highest local entropy: the busiest window, one value per radius "
            f"(a window of n pixels holds at most log2(n) bits: {', '.join(f'{np.log2(n):.2f}' for n in win)}).",
            estimator=est,
            **axis,
        ),
        "mean_local_std": quantity(
            stats["mean_s"],
            "intensity",
            "Average over pixels of the standard deviation of the grey levels in the window (local contrast), one value per radius.",
            **axis,
        ),
    }
    # maps for display (thinned to the report's figure size) with the full maps' ranges
    return Computed(res, dict(params), {
        "entropy": H, "std": S, "radii": radii,
        "entropy_range": list(zip(stats["min_h"], stats["max_h"])),
        "std_range": list(zip(stats["min_s"], stats["max_s"])),
    })


register(
    Measure(
        "local",
        "Local entropy and standard deviation maps",
        _local_compute,
        defaults={"radii": [1, 3, 7], "estimator": "miller_madow", "edge": "clip"},
        quick={"radii": [2]},
        quantities=(
            Quantity("radii", "pixels", over=("radii", "r"), column=False, role="setting"),
            *(Quantity(n, "bits", over=("radii", "r"), error=_LOCAL_ERROR) for n in _LOCAL_Q),
            Quantity("mean_local_std", "intensity", over=("radii", "r"), error=_EXACT),
        ),
        functions=("local_entropy", "local_std"),
        requires=("local",),
        description="mean, median and max of the local entropy map and mean local std, "
        "per window radius",
        volumes=lambda: local_maps_of_volumes(),
    )
)


# ----------------------------------------------------------------------- fractal

_DQ_NAMES = {0.0: "D0_capacity", 1.0: "D1_information", 2.0: "D2_correlation"}
_DQ_WHAT = {0.0: "support (capacity)", 1.0: "information", 2.0: "correlation"}


def _fit_q(fit, what: str, explain: str) -> dict:
    # the parts of std (std_regression, std_fit_range, ...): flat numbers, as the schema wants
    parts = {f"std_{k.replace(' ', '_')}": float(v) for k, v in fit.stderr_components.items()}
    return quantity(
        float(fit.dimension),
        "1",
        explain,
        std=float(fit.stderr),
        **parts,
        curved=bool(fit.curved),
        r2=float(fit.r2),
        fit_range=[float(fit.fit_range[0]), float(fit.fit_range[1])],
        method=fit.method,
        estimator=f"least-squares slope ({what})",
        uncertainty=f"{_SLOPE}, combining " + ", ".join(fit.stderr_components) if parts else None,
    )


def _fractal_quantities(params) -> tuple:
    qs = {float(q) for q in params["q"]}
    return (
        Quantity("threshold", "intensity", role="setting"),
        Quantity("foreground_fraction", "1", error=_EXACT),
        Quantity("box_counting_dimension", "1", "std", error=_SLOPE),
        Quantity("dbc_dimension", "1", "std", error=_SLOPE),
        *(Quantity(_DQ_NAMES[q], "1", "std", error=_SLOPE) for q in (0.0, 1.0, 2.0) if q in qs),
        Quantity("generalized_dimensions", "1", "std", over=("q", "q"), error=_SLOPE),
        Quantity("alpha", "1", "std", over=("q", "q"), error=_SLOPE),
        Quantity("f_alpha", "1", "std", over=("q", "q"), error=_SLOPE),
        Quantity("spectrum_width", "1", error="no uncertainty: not propagated from the errors "
                 "of alpha (see its std; the errors of its two ends are correlated)"),
    )


def _fractal_compute(ctx: ImageContext, params: dict) -> Computed:
    from .fractal import box_counting_dimension, dbc_dimension

    image = ctx.image
    thr = params["threshold"]
    thr = float(np.mean(image, dtype=np.float64)) if thr is None else float(thr)
    qs = [float(q) for q in params["q"]]
    lo = ctx.measure_minimum()
    undefined = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        box = _attempt(undefined, "box", box_counting_dimension, image, threshold=thr)
        dbc = _attempt(undefined, "dbc", dbc_dimension, image)
    notes = _notes(caught)
    both = _attempt(undefined, "dq", ctx.multifractal, qs)
    if both is None:
        undefined["spectrum"] = undefined["dq"]
        gd = mf = None
    else:
        gd, mf, more = both
        notes += [n for n in more if n not in notes]

    box_explain = "Box-counting dimension of the foreground set: 2 for a filled region, 1 for a curve, in between for ragged sets."
    if ctx.is_volume:
        box_explain = ("Box-counting dimension of the foreground set of the volume (cubic boxes): 3 for a "
                       "filled solid, 2 for a sheet, 1 for a line, in between for ragged sets.")
    dbc_explain = "Grey-level (differential box counting) dimension of the image as a surface: 2 for a smooth image, towards 3 for a rough one."
    res = {
        "threshold": quantity(
            thr,
            "intensity",
            "Pixels brighter than this are the foreground set whose box-counting dimension is measured (default: the mean grey level).",
        ),
        "foreground_fraction": quantity(
            float(np.mean(image > thr)), "1", "Fraction of pixels in the foreground set."
        ),
        "box_counting_dimension": _fit_q(box, "log N vs log 1/size", box_explain)
        if box
        else _na(undefined, "box", "1", box_explain),
        "dbc_dimension": _fit_q(dbc, "differential box counting", dbc_explain)
        if dbc
        else _na(undefined, "dbc", "1", dbc_explain),
    }
    shifted = (
        "" if lo >= 0 else f" (measured from the image minimum {lo:g}, as a measure must be >= 0)"
    )
    if gd is None:
        res["generalized_dimensions"] = _na(
            undefined, "dq", "1", "Generalised (Rényi) dimensions D_q of the brightness measure."
        )
    else:
        for q, D, s, r2, bent in zip(gd.qs, gd.dimensions, gd.stderr, gd.r2, gd.curved):
            if float(q) in _DQ_NAMES:
                res[_DQ_NAMES[float(q)]] = quantity(
                    float(D),
                    "1",
                    f"Generalised dimension D_q at q = {q:g}, the {_DQ_WHAT[float(q)]} dimension of the image taken as a measure of brightness{shifted}.",
                    std=float(s),
                    curved=bool(bent),
                    r2=float(r2),
                    q=float(q),
                    estimator="least-squares slope (Rényi entropy vs log 1/size)",
                )
        res["generalized_dimensions"] = quantity(
            gd.dimensions.tolist(),
            "1",
            f"Generalised (Rényi) dimensions D_q of the brightness measure{shifted}, one per order q; flat means a monofractal.",
            std=gd.stderr.tolist(),
            x=gd.qs.tolist(),
            x_name="q",
            x_unit="q",
            fit_range=[float(gd.fit_range[0]), float(gd.fit_range[1])],
        )
    if mf is None:
        res["spectrum_width"] = _na(
            undefined, "spectrum", "1", "Width of the multifractal spectrum f(alpha)."
        )
    else:
        res["alpha"] = quantity(
            mf.alpha.tolist(),
            "1",
            "Hölder exponents alpha(q) of the multifractal spectrum (Chhabra–Jensen), one per q.",
            std=mf.alpha_stderr.tolist(),
            x=mf.qs.tolist(),
            x_name="q",
            x_unit="q",
        )
        res["f_alpha"] = quantity(
            mf.f.tolist(),
            "1",
            "Spectrum f(alpha(q)): the dimension of the set of points with exponent alpha, one per q.",
            std=mf.f_stderr.tolist(),
            x=mf.qs.tolist(),
            x_name="q",
            x_unit="q",
        )
        res["spectrum_width"] = quantity(
            float(np.max(mf.alpha) - np.min(mf.alpha)),
            "1",
            "Width of the multifractal spectrum, max alpha - min alpha over the q computed: 0 for a monofractal, larger for more heterogeneous brightness.",
        )
    return Computed(
        res,
        {**params, "threshold": thr},
        {"box": box, "dbc": dbc, "dq": gd, "spectrum": mf, "threshold": thr},
        notes,
    )


register(
    Measure(
        "fractal",
        "Fractal and multifractal dimensions",
        _fractal_compute,
        defaults={"threshold": None, "q": [-5, -4, -3, -2, -1, 0, 0.5, 1, 1.5, 2, 3, 4, 5]},
        quick={"q": [-2, 0, 1, 2]},
        quantities=_fractal_quantities,
        functions=("box_counting_dimension", "dbc_dimension", "multifractal_analysis"),
        requires=("fractal",),
        description="box-counting dimension of image > threshold (default: the mean), "
        "grey-level (DBC) dimension, D_q and f(alpha)",
        volumes=True,  # DBC, a 2-D surface method, says why it is not defined
    )
)


# ----------------------------------------------------------------------- spatial


def _spatial_quantities(params) -> tuple:
    return (
        Quantity("symbols", "levels", role="setting"),
        Quantity("mutual_information", "bits", over=("distances", "d"), error=(
            "no uncertainty: no error computed; values below mi_noise_floor are "
            "indistinguishable from sampling noise")),
        Quantity("mi_noise_floor", "bits", over=("distances", "d"), error=(
            "no uncertainty: a threshold from the counts (bias + 3 standard deviations of the "
            "mutual information of unrelated pixels)")),
        Quantity("correlation_length", "pixels", error=(
            "no uncertainty: no error computed for the exponential fit (its r2 is given)")),
        Quantity("conditional_entropy", "bits per pixel", over=("neighbours", "k"), error=(
            "no uncertainty: no error computed (the entropy density's error shows the spread "
            "over image quadrants)")),
        Quantity("entropy_density", "bits per pixel", "std",
                 error="spread over image quadrants and the last convergence step"),
        Quantity("cid", "bits per pixel", error=(
            "no uncertainty: the compressed length of this image is exact (an upper bound, "
            "not an estimate with an error)")),
        Quantity("cid_ratio", "1", error=(
            "no uncertainty: the reference is n_shuffles seeded shuffles (parameter seed); "
            "their spread is not estimated")),
        Quantity("cid_density", "bits per pixel", error=(
            "no uncertainty: the CID calibrated against random symbols, no error computed")),
    )


def _spatial_compute(ctx: ImageContext, params: dict) -> Computed:
    from .spatial import (
        computable_information_density,
        conditional_entropy,
        entropy_density,
        mutual_information_profile,
    )

    image = ctx.image
    undefined = {}
    L = ctx.symbols(params["levels"])
    est = params["estimator"]
    dist = params["distances"]
    if dist is not None:  # distances the image can hold (quick preset on a small image)
        dist = [d for d in dist if d < min(image.shape)] or [1]
    prof = _attempt(
        undefined, "mi", mutual_information_profile, image, dist, bins=L, estimator=est
    )
    ks = [int(k) for k in params["neighbours"]]
    cond = [
        _attempt(
            undefined,
            "cond",
            conditional_entropy,
            image,
            neighbours=f"causal-{k}",
            bins=L,
            estimator=est,
        )
        for k in ks
    ]
    if "cond" in undefined:
        cond = None
    dens = _attempt(
        undefined,
        "density",
        entropy_density,
        image,
        bins=L,
        estimator=params["density_estimator"],
    )
    cid = _attempt(
        undefined,
        "cid",
        computable_information_density,
        image,
        scan=params["scan"],
        compressor=params["compressor"],
        bins=L,
        rng=int(params["seed"]),
    )
    sym = "observed grey levels" if L is None else f"{L} equal-width grey-level bins"
    # a volume's densities are per voxel and its lengths in voxels (declared: per pixel, as
    # the image measure declares pixels)
    per = "bits per voxel" if ctx.is_volume else "bits per pixel"
    length = "voxels" if ctx.is_volume else "pixels"
    res = {
        "symbols": quantity(
            0 if L is None else int(L),
            "levels",
            f"Alphabet of the pattern counts: {sym} (coarser symbols keep pair statistics well sampled; 0 means the observed levels).",
        ),
    }
    mi_explain = "Information one pixel gives about another at each distance (pairs along rows and columns pooled); 0 means unrelated."
    if prof is None:
        res["mutual_information"] = _na(undefined, "mi", "bits", mi_explain)
    else:
        d = prof.distances.tolist()
        res["mutual_information"] = quantity(
            prof.mi.tolist(), "bits", mi_explain, estimator=est, x=d, x_name="d", x_unit=length
        )
        res["mi_noise_floor"] = quantity(
            prof.noise_floor.tolist(),
            "bits",
            "Mutual information that unrelated pixels would show from sampling alone (bias + 3 standard deviations), per distance.",
            x=d,
            x_name="d",
            x_unit=length,
        )
        res["correlation_length"] = quantity(
            prof.correlation_length,
            length,
            "Decay length of the mutual information, from an exponential fit (null when the decay is not exponential).",
            r2=prof.r2,
            fit_range=None if prof.fit_distances is None else list(prof.fit_distances),
        )
    cond_explain = (
        "Entropy of a pixel given its k nearest previously scanned neighbours (k = 0: no context, the "
        "intensity entropy); it falls towards the entropy density as k grows."
    )
    res["conditional_entropy"] = (
        _na(undefined, "cond", per, cond_explain)
        if cond is None
        else quantity(
            cond,
            per,
            cond_explain,
            estimator=est,
            x=ks,
            x_name="k",
            x_unit="neighbours",
        )
    )
    dens_explain = (
        "Entropy density: the new information each pixel adds once everything before it is known (the "
        "limit of the conditional entropies); ± combines the spread over image quadrants and the last convergence step."
    )
    res["entropy_density"] = (
        _na(undefined, "density", per, dens_explain)
        if dens is None
        else quantity(
            float(dens.value),
            per,
            dens_explain,
            std=float(dens.error),
            estimator=dens.estimator,
            method=dens.method,
            sizes=dens.sizes.tolist(),
            estimates=dens.estimates.tolist(),
        )
    )
    if cid is None:
        res["cid"] = _na(
            undefined,
            "cid",
            per,
            "Computable information density (compressed length per pixel).",
        )
    else:
        res["cid"] = quantity(
            float(cid.cid),
            per,
            f"Computable information density: {cid.compressor}-compressed length of the image read along a {cid.scan} scan, per pixel.",
            estimator=f"{cid.compressor} compression",
            scan=cid.scan,
        )
        res["cid_ratio"] = quantity(
            float(cid.ratio),
            "1",
            "CID over the CID of the same pixels shuffled: 1 for no spatial order, smaller for more order.",
            n_shuffles=int(cid.n_shuffles),
        )
        res["cid_density"] = quantity(
            float(cid.density),
            per,
            "CID calibrated against incompressible random symbols: a compression estimate of the entropy density (an upper bound).",
        )
    return Computed(
        res,
        {**params, "levels": L, "distances": dist},
        {"profile": prof, "conditional": cond, "neighbours": ks, "density": dens, "cid": cid},
    )


register(
    Measure(
        "spatial",
        "Spatial information",
        _spatial_compute,
        defaults={
            "levels": "auto",
            "distances": None,
            "estimator": "plugin",
            "neighbours": [0, 1, 2, 3, 4],
            "density_estimator": "miller_madow",
            "compressor": "zlib",
            "scan": "hilbert",
            "seed": 0,
        },
        quick={"distances": [1, 2, 3, 4, 6, 8], "neighbours": [0, 1, 2, 3]},
        quantities=_spatial_quantities,
        functions=(
            "mutual_information_profile",
            "conditional_entropy",
            "entropy_density",
            "computable_information_density",
        ),
        requires=("spatial",),
        description="mutual information against distance, conditional entropies, entropy "
        "density and its compression estimate (CID), bits",
        volumes=True,
    )
)


# ----------------------------------------------------------------------- patterns


#: Radius (patterns) of the report's local permutation-entropy map of 2x2 patterns: 121
#: patterns a window, where the plug-in map of i.i.d. noise averages 0.973 (not 1).
PATTERN_MAP_RADIUS = 5


def _patterns_quantities(params) -> tuple:
    return (
        Quantity("pattern", "pixels", column=False, role="setting"),
        Quantity("n_observed_patterns", "patterns", role="count"),
        Quantity("permutation_entropy", "1", "std", error=(
            "iid: the estimator's posterior standard deviation (windows taken as independent)")),
        Quantity("plugin_permutation_entropy", "1", error=_FUNCTIONAL),
        Quantity("statistical_complexity", "1", error=_FUNCTIONAL),
        Quantity("fisher_information", "1", error=_FUNCTIONAL),
        Quantity("missing_fraction", "1", error=_FUNCTIONAL),
        Quantity("lacunarity_slope", "1", "std", error=_SLOPE),
        Quantity("structural_complexity", "intensity²", error=_EXACT),
        Quantity("structural_partial", "intensity²", column=False, error=_EXACT),
    )


def _patterns_compute(ctx: ImageContext, params: dict) -> Computed:
    from .patterns import (
        complexity_entropy_plane,
        fisher_shannon,
        lacunarity,
        local_permutation_entropy,
        missing_patterns,
        ordinal_distribution,
        permutation_entropy,
        structural_complexity,
    )

    image = ctx.image
    undefined = {}
    dx, dy = int(params["dx"]), int(params["dy"])
    est = params["estimator"]
    dist = _attempt(undefined, "ordinal", ordinal_distribution, image, dx=dx, dy=dy)
    res = {"pattern": quantity([dy, dx], "pixels", "Ordinal pattern height and width (delay 1).")}
    data = {}
    if dist is None:
        for key, unit, text in (
            ("n_observed_patterns", "patterns", "Distinct ordinal patterns seen."),
            ("permutation_entropy", "1", "Permutation entropy."),
            ("plugin_permutation_entropy", "1", "Plug-in permutation entropy."),
            ("statistical_complexity", "1", "Statistical complexity."),
            ("fisher_information", "1", "Fisher information."),
            ("missing_fraction", "1", "Fraction of missing patterns."),
        ):
            res[key] = _na(undefined, "ordinal", unit, text)
    else:
        pe = permutation_entropy(dist, estimator=est)
        plane = complexity_entropy_plane(dist)
        fs = fisher_shannon(dist)
        miss = missing_patterns(dist)
        data.update(plane=plane)
        res.update(
            n_observed_patterns=quantity(
                dist.n_observed, "patterns",
                f"Distinct {dy}x{dx} ordinal patterns among the {dist.n_windows} windows, of "
                f"K = {dist.n_outcomes} possible.",
            ),
            permutation_entropy=quantity(
                pe.value, "1",
                f"Entropy of the ordinal patterns divided by log K (1: every pattern equally likely), "
                f"estimated with {est} from counts with K = {dist.n_outcomes} possible patterns.",
                std=pe.std, interval=pe.interval, level=pe.level, estimator=est,
                uncertainty=None if pe.std is not None else _NO_OWN_ERROR,
            ),
            plugin_permutation_entropy=quantity(
                plane.entropy, "1", "The same from the observed frequencies (plug-in; biased low when "
                "patterns are undersampled). Exact given the image: no uncertainty.",
            ),
            statistical_complexity=quantity(
                plane.complexity, "1", "Plug-in entropy times the Jensen-Shannon distance of the "
                "pattern distribution from uniform (Rosso et al. 2007): 0 for order and for noise.",
            ),
            fisher_information=quantity(
                fs.fisher, "1", "Fisher information of the pattern distribution (patterns in "
                "lexicographic order, ordpy's convention).",
            ),
            missing_fraction=quantity(
                miss.fraction, "1", f"Fraction of the K patterns never seen (independent noise windows "
                f"would leave {miss.expected_fraction:.3g}).",
            ),
        )
    # the local map: 2x2 patterns and the plug-in walk whatever the measure's pattern
    # and estimator (O(r) per pixel, cheap next to the rest of the section)
    omap = _attempt(undefined, "ordinal map", local_permutation_entropy, image, PATTERN_MAP_RADIUS)
    if omap is not None:
        data.update(ordinal_map=omap, ordinal_map_radius=PATTERN_MAP_RADIUS)
    lac = _attempt(undefined, "lacunarity", lacunarity, ctx.measure_image())
    if lac is None:
        res["lacunarity_slope"] = _na(undefined, "lacunarity", "1", "Log-log slope of the lacunarity.")
    else:
        data.update(lacunarity=lac)
        res["lacunarity_slope"] = quantity(
            lac.slope, "1", f"Slope of log lacunarity against log box side (grey gliding boxes of "
            f"{int(lac.sizes[0])} to {int(lac.sizes[-1])} pixels); 0 for a homogeneous image.",
            std=None if not math.isfinite(lac.slope_stderr) else lac.slope_stderr,
        )
    sc = _attempt(undefined, "structural", structural_complexity, image)
    if sc is None:
        res["structural_complexity"] = _na(undefined, "structural", "intensity²", "Structural complexity.")
        res["structural_partial"] = _na(undefined, "structural", "intensity²", "Partial complexities.")
    else:
        data.update(structural=sc)
        res["structural_complexity"] = quantity(
            sc.total, "intensity²", "Multiscale structural complexity (Bagrov et al. 2020): half the "
            "mean square lost at each 2x2 coarse-graining, summed over scales. Exact given the image.",
        )
        res["structural_partial"] = quantity(
            sc.partial.tolist(), "intensity²", "Its part at each scale, finest first.",
            x=sc.block_sides[:-1].tolist(), x_name="block side", x_unit="pixels",
        )
    return Computed(res, dict(params), data)


register(
    Measure(
        "patterns",
        "Patterns and complexity",
        _patterns_compute,
        defaults={"dx": 3, "dy": 3, "estimator": "nsb"},
        quick={"dx": 2, "dy": 2, "estimator": "miller_madow"},
        quantities=_patterns_quantities,
        functions=(
            "ordinal_distribution",
            "permutation_entropy",
            "complexity_entropy_plane",
            "fisher_shannon",
            "missing_patterns",
            "local_permutation_entropy",
            "lacunarity",
            "structural_complexity",
        ),
        requires=("patterns",),
        description="ordinal patterns (permutation entropy with K = (dx dy)!, statistical "
        "complexity, Fisher information, missing patterns), lacunarity slope, structural complexity",
        volumes="ordinal patterns in this section (and its local map), lacunarity and structural "
        "complexity are implemented for 2-D images only (a series: measure it frame by frame; a "
        "volume's 2x2x2 ordinal patterns: infopix.patterns.permutation_entropy(volume, dz=2))",
    )
)


# ----------------------------------------------------------------------- sample entropies

#: Why SampEn2D and FuzzEn2D carry no uncertainty (said in the text, kept in results.json).
_TEMPLATE_NO_UNCERTAINTY = (
    "none attached: the value is exact for this region and these parameters; the spread another "
    "region of the same texture would give is not estimated (template pairs share templates and "
    "pixels, so a binomial error of the counts understates it by 10x or more)"
)


def _centre_crop(image: np.ndarray, side, name: str) -> np.ndarray:
    """The central ``side`` x ``side`` pixels (the whole extent along a shorter axis), as a
    contiguous float64 array: the region the template entropies are computed on."""
    from ._validation import check_positive_int

    s = check_positive_int(side, name=name, minimum=2)
    H, W = image.shape
    h, w = min(H, s), min(W, s)
    y, x = (H - h) // 2, (W - w) // 2
    return np.ascontiguousarray(image[y : y + h, x : x + w], dtype=np.float64)


def _sample_entropies_quantities(params) -> tuple:
    dist_unit = "1" if int(params["normalize"]) >= 2 else "bits"
    return (
        Quantity("sample_entropy", "nats", error=_TEMPLATE_NO_UNCERTAINTY),
        Quantity("matches_m", "pairs", role="count"),
        Quantity("matches_m1", "pairs", role="count"),
        Quantity("tolerance", "intensity", role="setting"),
        Quantity("fuzzy_entropy", "nats", error=_TEMPLATE_NO_UNCERTAINTY),
        Quantity("distribution_entropy", dist_unit, error=(
            "no uncertainty: an exact functional of all pairs of this region")),
        Quantity("dispersion_entropy", "nats", "std", error=(
            "iid: the estimator's posterior standard deviation (overlapping windows taken as "
            "independent, so probably too small)")),
        Quantity("reverse_dispersion_entropy", "1", error=_FUNCTIONAL),
    )


def _sample_entropies_compute(ctx: ImageContext, params: dict) -> Computed:
    from ._config import DEFAULT_CREDIBLE_LEVEL
    from .patterns import (
        dispersion_entropy_2d,
        distribution_entropy_2d,
        fuzzy_entropy_2d,
        sample_entropy_2d,
    )

    image = ctx.image
    m, tau = params["m"], params["tau"]
    k = float(params["r"])
    if not (math.isfinite(k) and k > 0):
        raise ValueError(
            f"`sample_entropies.r` expects a positive number (the tolerance in standard deviations "
            f"of the region; CLI: --config), got {params['r']!r}."
        )
    sub = _centre_crop(image, params["crop"], "sample_entropies.crop")
    allp = _centre_crop(image, params["crop_all_pairs"], "sample_entropies.crop_all_pairs")
    reg, reg2 = list(sub.shape), list(allp.shape)
    where = f"the central {reg[0]}x{reg[1]} pixels"
    where2 = f"the central {reg2[0]}x{reg2[1]} pixels"
    mm = f"{m}x{m}"
    m1 = f"{m + 1}x{m + 1}" if isinstance(m, int) else "(m+1)-sided"
    undefined = {}

    def tol(region):  # r = k std (EntropyHub: 0.2 std); a flat region has none
        sd = float(np.std(region))
        if sd == 0:
            return None
        return k * sd

    r = tol(sub)
    if r is None:
        undefined["sampen"] = f"{where} are constant, so the tolerance r = {k:g} x their standard deviation is 0"
        se = None
    else:
        se = _attempt(undefined, "sampen", sample_entropy_2d, sub, m=m, tau=tau, r=r)
    r2 = tol(allp)
    if r2 is None:
        undefined["fuzzen"] = f"{where2} are constant, so the tolerance r = {k:g} x their standard deviation is 0"
        fe = None
    else:
        fe = _attempt(undefined, "fuzzen", fuzzy_entropy_2d, allp, m=m, tau=tau,
                      r=(r2, float(params["fuzzy_r2"])), membership="default")
    de = _attempt(undefined, "disten", distribution_entropy_2d, allp, m=m, tau=tau,
                  bins=params["bins"], normalize=int(params["normalize"]))
    pe = _attempt(undefined, "dispen", dispersion_entropy_2d, image, m=m, tau=tau,
                  classes=params["classes"], mapping=params["mapping"], estimator=params["estimator"])

    res = {}
    se_explain = (
        f"Two-dimensional sample entropy (SampEn2D): minus the log of the fraction of pairs of "
        f"{mm} templates matching within r that still match as {m1} templates; higher means less "
        f"predictable texture. Computed on {where} (the cost grows with the matching pairs). "
        "No uncertainty attached: exact counts for this region; the spread another region of the "
        "same texture would give is not estimated (pairs share templates and pixels)."
    )
    if se is None:
        res["sample_entropy"] = _na(undefined, "sampen", "nats", se_explain)
        res["matches_m"] = _na(undefined, "sampen", "pairs", "A: matching pairs of m-templates.")
        res["matches_m1"] = _na(undefined, "sampen", "pairs", "B: matching pairs of (m+1)-templates.")
        res["tolerance"] = _na(undefined, "sampen", "intensity", "The tolerance r.")
    else:
        extra = dict(m=list(se.m), tau=se.tau, r=se.r, region=reg, uncertainty=_TEMPLATE_NO_UNCERTAINTY)
        if math.isfinite(se.value):
            res["sample_entropy"] = quantity(se.value, "nats", se_explain, **extra)
        else:
            why = (f"no pair of {m1} templates matches within r (B = 0), so SampEn2D is infinite; "
                   "a larger crop or r gives a value") if se.count_m else (
                   f"no pair of {mm} templates matches within r (A = 0), so SampEn2D is undefined")
            res["sample_entropy"] = quantity(None, "nats", se_explain, not_applicable=why, **extra)
        res["matches_m"] = quantity(
            se.count_m, "pairs", f"A: pairs of {mm} templates within r of each other (of "
            f"{se.n_pairs:,} pairs among {se.n_templates:,} templates). An exact count: no uncertainty.")
        res["matches_m1"] = quantity(
            se.count_m1, "pairs", f"B: those pairs still within r as {m1} templates; SampEn2D = "
            "-ln(B/A). An exact count: no uncertainty.")
        res["tolerance"] = quantity(
            se.r, "intensity", f"The tolerance r: {k:g} x the standard deviation of {where} "
            "(EntropyHub's default factor is 0.2). Exact: no uncertainty.")

    fe_explain = (
        f"Two-dimensional fuzzy entropy (FuzzEn2D): as the sample entropy, but every pair of "
        f"mean-removed templates counts by a smooth membership exp(-d^{float(params['fuzzy_r2']):g} / r) "
        f"of its distance d instead of match or no match. Computed on {where2} (it compares all "
        "pairs). No uncertainty attached: an exact sum over all pairs of this region; the spread "
        "between regions is not estimated."
    )
    if fe is None:
        res["fuzzy_entropy"] = _na(undefined, "fuzzen", "nats", fe_explain)
    elif math.isfinite(fe.value):
        res["fuzzy_entropy"] = quantity(fe.value, "nats", fe_explain, r=list(fe.r), region=reg2,
                                        uncertainty=_TEMPLATE_NO_UNCERTAINTY)
    else:
        res["fuzzy_entropy"] = quantity(None, "nats", fe_explain, region=reg2,
                                        not_applicable="the memberships of the larger templates sum to 0")

    dist_unit = "1" if int(params["normalize"]) >= 2 else "bits"
    de_explain = (
        f"Two-dimensional distribution entropy (DistEn2D): entropy of the histogram of distances "
        f"between all pairs of {mm} templates"
        + (", divided by its maximum log(bins) (0: one distance, 1: all bins equally filled)"
           if dist_unit == "1" else " (bits)")
        + f". Computed on {where2} (it compares all pairs). No uncertainty attached: an exact "
        "functional of all pairs of this region."
    )
    if de is None:
        res["distribution_entropy"] = _na(undefined, "disten", dist_unit, de_explain)
    else:
        res["distribution_entropy"] = quantity(de.value, dist_unit, de_explain, bins=de.bins,
                                               region=reg2, normalize=de.normalize)

    pe_explain_unit = "nats"
    if pe is None:
        res["dispersion_entropy"] = _na(undefined, "dispen", pe_explain_unit, "Dispersion entropy.")
        res["reverse_dispersion_entropy"] = _na(undefined, "dispen", "1", "Reverse dispersion entropy.")
    else:
        std_note = (
            f"± is the {pe.estimator} posterior standard deviation, which takes overlapping windows as "
            "independent (so probably too small)" if pe.std is not None else
            f"no uncertainty: the {pe.estimator} estimator gives none"
        )
        res["dispersion_entropy"] = quantity(
            pe.value, "nats",
            f"Two-dimensional dispersion entropy (DispEn2D): each pixel becomes one of {pe.classes} "
            f"symbols ({pe.mapping} mapping) and the entropy of the {mm} symbol patterns is estimated "
            f"with {pe.estimator} (K = {pe.n_outcomes} possible patterns, {pe.counts.size} seen). "
            f"Computed on the whole image; {std_note}.",
            std=pe.std, interval=None if pe.interval is None else list(pe.interval),
            level=None if pe.interval is None else DEFAULT_CREDIBLE_LEVEL, estimator=pe.estimator,
            uncertainty=None if pe.std is not None else _NO_OWN_ERROR,
        )
        res["reverse_dispersion_entropy"] = quantity(
            pe.rde, "1", "Reverse dispersion entropy: squared distance of the pattern frequencies "
            "from uniform (0: all patterns equally frequent). Exact given the image: no uncertainty.",
        )
    used = {**params, "tolerance": None if se is None else se.r, "region": reg, "region_all_pairs": reg2}
    return Computed(res, used, {"sample": se, "fuzzy": fe, "distribution": de, "dispersion": pe})


register(
    Measure(
        "sample_entropies",
        "Patterns and complexity: sample, fuzzy, distribution and dispersion entropies",
        _sample_entropies_compute,
        defaults={
            "m": 2,
            "tau": 1,
            "r": 0.2,
            "fuzzy_r2": 2.0,
            "bins": "sturges",
            "normalize": 2,
            "classes": 3,
            "mapping": "ncdf",
            "estimator": "nsb",
            "crop": 128,
            "crop_all_pairs": 64,
        },
        quick={"crop": 64, "crop_all_pairs": 32},
        quantities=_sample_entropies_quantities,
        functions=(
            "sample_entropy_2d",
            "fuzzy_entropy_2d",
            "distribution_entropy_2d",
            "dispersion_entropy_2d",
        ),
        requires=("patterns",),
        description="2-D sample (SampEn2D), fuzzy and distribution entropies on a central crop "
        "(crop, crop_all_pairs), dispersion entropy of the whole image; EntropyHub's definitions, nats",
    )
)


# ----------------------------------------------------------------------- ising


def _ising_compute(ctx: ImageContext, params: dict) -> Computed:
    from .ising import StandardIsing, onsager, simulate, spins_from_image

    image = ctx.image
    size = int(params["size"])
    if size < 2:
        raise ValueError(f"`ising.size` expects an integer >= 2, got {params['size']!r}.")
    stride = max(1, math.ceil(max(image.shape) / size))
    sub = image[::stride, ::stride]
    sub = sub[: sub.shape[0] - sub.shape[0] % 2, : sub.shape[1] - sub.shape[1] % 2]
    thr = params["threshold"]
    thr = float(np.mean(sub, dtype=np.float64)) if thr is None else float(thr)
    spins = spins_from_image(sub > thr)
    beta = float(params["beta"])
    sweeps = int(params["sweeps"])
    run = simulate(
        StandardIsing(),
        spins,
        schedule=beta,
        sweeps=sweeps,
        rng=int(params["seed"]),
        record_every=max(1, sweeps // 20),
        progress=False,
    )
    obs = run.observables
    T = 1.0 / beta
    tc = float(onsager.critical_temperature())
    e_exact = float(onsager.energy_per_spin(T))
    m_exact = float(onsager.spontaneous_magnetization(T))
    res = {
        "lattice": quantity(
            list(spins.shape),
            "sites",
            f"Spins: the image subsampled every {stride} pixel(s), +1 where brighter than {thr:.4g}, periodic boundaries.",
        ),
        "beta": quantity(beta, "1/J", "Inverse temperature of the run (k_B = 1, coupling J = 1)."),
        "temperature": quantity(
            T,
            "J",
            f"Temperature 1/beta; the critical temperature is {tc:.4f} (below it the lattice orders).",
        ),
        "sweeps": quantity(
            sweeps,
            "sweeps",
            "Checkerboard Metropolis sweeps (each site offered one flip per sweep).",
            seed=int(run.seed),
        ),
        "initial_energy": quantity(
            float(obs["energy"][0]),
            "J per site",
            "Energy per spin of the image's own configuration (-2: all aligned, 0: random).",
        ),
        "final_energy": quantity(
            float(obs["energy"][-1]), "J per site", "Energy per spin at the end of the run."
        ),
        "onsager_energy": quantity(
            e_exact,
            "J per site",
            "Onsager's exact equilibrium energy per spin at this temperature (infinite lattice), the value a long run approaches.",
        ),
        "final_abs_magnetisation": quantity(
            abs(float(obs["magnetisation"][-1])),
            "1",
            "Absolute mean spin at the end of the run (0: balanced, 1: uniform).",
        ),
        "onsager_magnetisation": quantity(
            m_exact,
            "1",
            "Onsager–Yang exact spontaneous magnetisation at this temperature (0 above the critical temperature).",
        ),
        "final_acceptance": quantity(
            float(obs["acceptance"][-1]),
            "1",
            "Fraction of proposed flips accepted over the last recorded stretch.",
        ),
    }
    return Computed(res, {**params, "threshold": thr}, {"run": run, "onsager_energy": e_exact})


register(
    Measure(
        "ising",
        "Ising dynamics seeded by the image",
        _ising_compute,
        defaults={"beta": 0.6, "sweeps": 200, "seed": 0, "size": 128, "threshold": None},
        quick={"sweeps": 20, "size": 64},
        quantities=(
            Quantity("lattice", "sites", column=False, role="setting"),
            Quantity("beta", "1/J", role="setting"),
            Quantity("temperature", "J", role="setting"),
            Quantity("sweeps", "sweeps", role="setting"),
            Quantity("initial_energy", "J per site",
                     error="no uncertainty: exact energy of the image's own configuration"),
            Quantity("final_energy", "J per site", error=_RUN),
            Quantity("onsager_energy", "J per site", error=_CLOSED_FORM),
            Quantity("final_abs_magnetisation", "1", error=_RUN),
            Quantity("onsager_magnetisation", "1", error=_CLOSED_FORM),
            Quantity("final_acceptance", "1", error=(
                "no uncertainty: exact fraction over the last recorded stretch of this seeded run")),
        ),
        functions=("simulate", "spins_from_image", "onsager.energy_per_spin"),
        requires=("ising",),
        optional=True,
        description="a short Ising run from the thresholded image (seeded: --seed), "
        "energies against Onsager's exact values",
        volumes="the image-seeded run is on the square lattice, compared with Onsager's "
        "exact 2-D values; for the simple cubic lattice call infopix.ising.simulate_cubic",
    )
)
