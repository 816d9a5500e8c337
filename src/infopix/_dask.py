"""Local maps of images larger than memory, chunk by chunk on Dask.

The local maps of :mod:`infopix.local` (``local_entropy``, ``local_mean``, ``local_std``,
``local_expected``) accept a :class:`dask.array.Array` and hand it to
:func:`map_local_dask`, which runs the in-memory map on every chunk grown by an overlap
of ``radius`` pixels (:func:`dask.array.map_overlap`) and trims the overlap again.

How the edge policy is kept at the true image border, not at chunk borders
--------------------------------------------------------------------------
A pixel's window reaches at most ``radius`` pixels away, so a chunk grown by
``radius`` pixels on every side holds every window of its own pixels, and the pixels of
the grown margin (whose windows would be cut at the chunk's edge) are trimmed away.
What happens at the true border depends on the policy:

``'clip'`` and ``'reflect'``
    Dask's ``boundary='none'``: a chunk at the true border is *not* grown on that side,
    so the in-memory map, called on the grown chunk, applies its own clip or reflection
    exactly at the true border (the reflected pixels lie within ``radius`` of the border,
    inside the grown chunk, because every chunk is made at least ``radius`` wide). This
    reuses the in-memory definition itself, whatever its reflection convention, instead
    of imitating it with one of Dask's padding modes.
``'wrap'``
    Dask's ``boundary='periodic'``: a chunk at the true border is grown with the pixels of
    the opposite border, exactly the periodic window.

An axis that is a single chunk (or shorter than ``radius``, where windows wrap or
reflect more than once) is not grown at all: the in-memory map sees the whole axis and
its policy is exact along it. The policies are separable (the window is a product of a
row range and a column range, and of a plane range for a (Z, Y, X) volume), so axes are
treated independently, each grown by its own radius (per-axis radii ``(rz, ry, rx)``).

Chunks narrower than ``radius`` are merged with a neighbour (Dask needs an overlap no
larger than a chunk), so a radius larger than the requested chunk size works.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from . import _validation as v

__all__ = [
    "EDGE_BOUNDARY",
    "dispatch_dask",
    "is_dask_array",
    "map_local_dask",
    "read_lazy",
    "write_zarr",
    "local_map_lazy",
    "local_map_to_zarr",
    "LOCAL_MEASURES",
]

#: Dask ``boundary`` for each edge policy of the local maps (see the module docstring).
EDGE_BOUNDARY = {"clip": "none", "reflect": "none", "wrap": "periodic"}


def is_dask_array(x) -> bool:
    """True if ``x`` is a :class:`dask.array.Array` (without importing Dask otherwise)."""
    mod = type(x).__module__
    if not mod.startswith("dask."):
        return False
    import dask.array as da

    return isinstance(x, da.Array)


def _grow_chunks(chunks: tuple[int, ...], minimum: int) -> tuple[int, ...]:
    """Merge neighbouring chunks until every chunk has at least ``minimum`` pixels."""
    out: list[int] = []
    acc = 0
    for c in chunks:
        acc += c
        if acc >= minimum:
            out.append(acc)
            acc = 0
    if acc:  # a short tail joins the last chunk (or is the only one)
        if out:
            out[-1] += acc
        else:
            out.append(acc)
    return tuple(out)


#: One compiled local map at a time per process: the kernels already use every core
#: (Numba ``prange``), so Dask's threads only overlap reading and writing with them.
_KERNEL_LOCK = threading.Lock()

def _global_binning(func, darr, kw: dict) -> dict:
    """Resolve the binning of ``func`` for the whole image, once.

    The in-memory maps bin float images (and integer dtypes wider than 16 bits) over the
    *image's* [min, max]; chunk by chunk that must be the whole image's extent, not each
    chunk's. The binning is resolved by :func:`infopix._binning.resolve_binning` from
    the global min and max (one pass over the data) and handed to every chunk as a
    resolved ``bins=Binning``, so every chunk bins exactly as the whole image would.
    """
    import inspect

    from ._binning import needs_extent, resolve_binning

    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        params = {}
    if "bins" not in params and "bins" not in kw:
        return kw  # the map does not bin (local_mean, local_std)
    bins, range_ = kw.get("bins"), kw.get("range")
    extent = None
    if needs_extent(darr.dtype, bins, range_):
        import dask
        import dask.array as da

        lo, hi = dask.compute(da.min(darr), da.max(darr))
        if darr.dtype.kind == "f" and not (np.isfinite(lo) and np.isfinite(hi)):
            raise ValueError(
                "`image` has NaN or inf pixels; NaN is never counted silently: replace them "
                "(e.g. with dask.array.nan_to_num) or crop them out."
            )
        extent = (float(lo), float(hi)) if darr.dtype.kind == "f" else (int(lo), int(hi))
    out = dict(kw)
    out["bins"] = resolve_binning(darr.dtype, bins, range_, extent=extent)
    out["range"] = None
    return out


def dispatch_dask(func):
    """Decorator of a local map ``func(image, radius, ..., edge=..., ...)``: a Dask
    array is computed chunk by chunk by :func:`map_local_dask`, anything else goes to
    ``func`` unchanged.

    The one place where local maps meet Dask: :mod:`infopix.local` imports nothing of
    Dask (Dask itself is imported only when a Dask array arrives).
    """
    import functools
    import inspect

    sig = inspect.signature(func)
    var_kw = next((p.name for p in sig.parameters.values() if p.kind is p.VAR_KEYWORD), None)
    edge_default = sig.parameters["edge"].default

    @functools.wraps(func)
    def wrapper(image, *args, **kwargs):
        if not is_dask_array(image):
            return func(image, *args, **kwargs)
        bound = sig.bind(image, *args, **kwargs)
        kw = dict(bound.arguments)
        kw.pop(next(iter(sig.parameters)))  # the image
        radius = kw.pop("radius")
        edge = kw.pop("edge", edge_default)
        if var_kw is not None:
            kw.update(kw.pop(var_kw, {}))
        return map_local_dask(func, image, radius, edge=edge, **kw)

    return wrapper


def map_local_dask(func, darr, radius, *, edge="clip", dtype=np.float64, **kw):
    """Apply an in-memory local map to a Dask array, chunk by chunk.

    Parameters
    ----------
    func : callable
        The in-memory map, called as ``func(block, r, edge=edge, **kw)`` on NumPy
        blocks and returning an array of the block's (spatial) shape, e.g.
        :func:`infopix.local_entropy`.
    darr : dask.array.Array, shape (M, N) or (Z, M, N)
        The image or volume.
    radius : int, tuple of int or list
        Window radius r (the window is the (2r+1)² box, (2r+1)³ for a volume), or one
        radius per axis as a tuple (``(rz, ry, rx)``); the chunks overlap by the radius
        along each axis. A list gives the maps stacked along a new first axis, as in
        memory. ``func`` receives an int when every axis has the same radius, the
        tuple otherwise.
    edge : {'clip', 'reflect', 'wrap'}, optional
        Edge policy, applied at the true image border (see the module docstring).
    dtype : numpy dtype, optional
        Dtype of the result (float64 for every local map).
    **kw
        Passed to ``func``. ``bins``/``range`` defaults that depend on the whole image
        (float images, wide integer dtypes) are resolved here once, from the image's
        global min and max (one pass over the data), so every chunk bins alike.

    Returns
    -------
    out : dask.array.Array, the shape of ``darr`` or (len(radius), ...)
        Lazy; equal on every pixel to ``func(darr.compute(), radius, edge=edge, **kw)``.

    Examples
    --------
    >>> import numpy as np, dask.array as da
    >>> def box_sum(a, r, *, edge):  # a clipped-window sum, the simplest local map
    ...     p = np.pad(a.astype(float), r)
    ...     c = np.pad(p.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    ...     k = 2 * r + 1
    ...     return c[k:, k:] - c[:-k, k:] - c[k:, :-k] + c[:-k, :-k]
    >>> img = np.arange(30.0).reshape(5, 6)
    >>> lazy = map_local_dask(box_sum, da.from_array(img, chunks=2), 1, edge="clip")
    >>> bool(np.array_equal(lazy.compute(), box_sum(img, 1, edge="clip")))
    True
    """
    import dask.array as da

    if not isinstance(darr, da.Array):
        raise TypeError(f"`image` expects a dask.array.Array here, got {type(darr).__name__}.")
    if darr.ndim not in (2, 3):
        raise ValueError(
            f"`image` expects a 2-D image or a (Z, M, N) volume, got a {darr.ndim}-D array of "
            f"shape {darr.shape}; reduce colour images first (e.g. with infopix.select_channel "
            f"per chunk)."
        )
    rs, many = v.check_radii(radius, darr.ndim)
    if many:
        kw = _global_binning(func, darr, kw)
        return da.stack([map_local_dask(func, darr, r, edge=edge, dtype=dtype, **kw) for r in rs])
    rad = rs[0]
    r = rad[0] if len(set(rad)) == 1 else rad  # what func receives
    v.check_choice(edge, tuple(EDGE_BOUNDARY), name="edge")
    if darr.dtype.kind not in "biuf":
        raise TypeError(f"`image` expects a bool, integer or float dtype, got dtype {darr.dtype}.")
    if any(np.isnan(c) for cs in darr.chunks for c in cs):
        raise ValueError("`image` has unknown chunk sizes; call image.compute_chunk_sizes() first.")
    if darr.size == 0:
        raise ValueError(f"`image` is empty (shape {darr.shape}).")
    kw = _global_binning(func, darr, kw)
    # Every chunk at least r pixels wide along each axis (Dask's overlap depth must not
    # exceed a chunk).
    axes = range(darr.ndim)
    new_chunks = tuple(_grow_chunks(darr.chunks[ax], max(rad[ax], 1)) for ax in axes)
    if new_chunks != darr.chunks:
        darr = darr.rechunk(new_chunks)
    depth, boundary = {}, {}
    for ax in axes:
        grown = len(darr.chunks[ax]) > 1 and rad[ax] > 0
        depth[ax] = rad[ax] if grown else 0
        boundary[ax] = EDGE_BOUNDARY[edge] if grown else "none"

    def block_map(block):
        with _KERNEL_LOCK:
            return np.asarray(func(block, r, edge=edge, **kw), dtype=dtype)

    meta = np.empty((0,) * darr.ndim, dtype=dtype)
    if not any(depth.values()):
        return darr.map_blocks(block_map, dtype=dtype, meta=meta)
    return da.map_overlap(
        block_map, darr, depth=depth, boundary=boundary, trim=True,
        allow_rechunk=False, dtype=dtype, meta=meta,
    )


# --------------------------------------------------------------------------------------
# Lazy input and chunked output for `infopix localmap BIG.tif --chunks 2048 -o OUT.zarr`
# --------------------------------------------------------------------------------------


class _NpyBlocks:
    """A ``.npy`` file as an array-like for :func:`dask.array.from_array`: each block
    is copied out of a memory map opened and closed for that block only.

    A memory map kept open for the whole computation would keep every page it has read
    resident in the process (a 1 GiB volume adds 1 GiB to the peak resident memory of a
    chunked map); a map per block releases them when the block is copied out.
    """

    def __init__(self, path):
        mm = np.load(path, mmap_mode="r", allow_pickle=False)
        self.path, self.shape, self.dtype, self.ndim = path, mm.shape, mm.dtype, mm.ndim
        self.offset = mm.offset
        self.order = "F" if (mm.flags.f_contiguous and not mm.flags.c_contiguous) else "C"
        del mm

    def __getitem__(self, index):
        mm = np.memmap(self.path, dtype=self.dtype, mode="r", offset=self.offset,
                       shape=self.shape, order=self.order)
        try:
            return np.array(mm[index])
        finally:
            del mm


#: Default chunk edge (pixels) of :func:`read_lazy`: images, volumes.
DEFAULT_CHUNKS = {2: 2048, 3: 256}


def read_lazy(path, *, chunks=None, axes=None):
    """Open a large image or volume lazily as a Dask array, without reading its pixels.

    Parameters
    ----------
    path : str or os.PathLike
        A TIFF (read through tifffile's Zarr store, one tile or strip at a time), a
        ``.npy`` file (memory-mapped) or a Zarr array (``.zarr`` folder).
    chunks : int or tuple of int, optional
        Chunk shape of the result in pixels along the spatial axes (default 2048 x 2048
        for images, 256 x 256 x 256 for volumes).
    axes : {'yx', 'zyx', 'yxc'}, optional
        What the stored array's axes are. Needed for a 3-D array whose file does not say
        (``.npy``, Zarr without OME axes, a TIFF without series axes), except (M, N, 3|4)
        arrays, taken for colour as :func:`infopix.read_image` takes them. A TIFF whose
        series axes are ``ZYX`` is a volume.

    Returns
    -------
    image : dask.array.Array, shape (M, N), (Z, M, N) or (M, N, C)

    Raises
    ------
    ValueError
        A 3-D array whose axes are not known (the message names the ``axes`` choices),
        or ``axes`` that do not fit the array.
    """
    return _read_lazy(path, chunks, axes)[0]


def _read_lazy(path, chunks, axes):
    """:func:`read_lazy`, and the axes found ('yx', 'zyx' or 'yxc')."""
    import dask.array as da

    from .io import _parse_axes, _source

    p = _source(path)  # missing files, FIFOs and devices refused (never waited on)
    user_axes = None if axes is None else _parse_axes(axes)
    if user_axes is not None and user_axes not in ("yx", "zyx", "yxc"):
        raise ValueError(
            f"`axes` {axes!r}: lazy reading takes 'yx' (an image), 'zyx' (a volume) or 'yxc' "
            f"(colour, channels last); read other layouts with infopix.read_image."
        )
    file_axes = None
    ext = p.suffix.lower()
    if ext in (".tif", ".tiff"):
        import tifffile
        import zarr

        try:
            store = tifffile.imread(p, aszarr=True)
            z = zarr.open(store, mode="r")
        except Exception as exc:  # tifffile raises several types on corrupt files
            raise ValueError(f"`path` {str(p)!r} is not a readable TIFF: {exc}") from None
        if isinstance(z, zarr.Group):  # pyramidal TIFF: the full-resolution level
            z = z[sorted(z.array_keys())[0]]
        arr = da.from_zarr(z)
        try:
            with tifffile.TiffFile(p) as tif:
                file_axes = {"ZYX": "zyx", "YX": "yx", "YXS": "yxc"}.get(tif.series[0].axes)
        except Exception:  # no series axes: as for .npy
            file_axes = None
    elif ext == ".npy":
        arr = _NpyBlocks(p)  # made a Dask array below, in its final chunks
    elif ext == ".zarr" or p.is_dir():
        arr = da.from_zarr(str(p))
    else:
        raise ValueError(
            f"`path` {str(p)!r}: lazy reading accepts .tif/.tiff, .npy and .zarr, got {ext!r}; "
            f"read smaller images in memory with infopix.read_image."
        )
    if arr.ndim not in (2, 3):
        raise ValueError(
            f"`path` {str(p)!r} holds a {arr.ndim}-D array of shape {arr.shape}; lazy reading "
            f"takes an image (M, N), a volume (Z, M, N) or colour (M, N, C)."
        )
    if user_axes is not None:
        found = user_axes
        if len(found) != arr.ndim:
            raise ValueError(f"`axes` {axes!r} names {len(found)} axes but `path` {str(p)!r} holds shape {arr.shape}.")
    elif arr.ndim == 2:
        found = "yx"
    elif file_axes is not None:
        found = file_axes
    elif arr.shape[-1] in (3, 4):
        found = "yxc"  # the library's colour convention (infopix.read_image's too)
    else:
        raise ValueError(
            f"`path` {str(p)!r} holds a 3-D array of shape {tuple(arr.shape)} and the file does "
            f"not record its axes; infopix does not guess: pass axes='zyx' (a volume) or "
            f"axes='yxc' (colour, channels last)."
        )
    nsp = 3 if found == "zyx" else 2
    if chunks is None:
        chunks = DEFAULT_CHUNKS[nsp]
    if isinstance(chunks, (tuple, list)):
        c = tuple(v.check_positive_int(x, name="chunks") for x in chunks)
        if len(c) != nsp:
            raise ValueError(f"`chunks` expects an int or {nsp} ints (one per spatial axis), got {chunks!r}.")
    else:
        c = (v.check_positive_int(chunks, name="chunks"),) * nsp
    spatial = c + ((arr.shape[2],) if found == "yxc" else ())
    if isinstance(arr, _NpyBlocks):
        return da.from_array(arr, chunks=spatial, asarray=True, meta=np.empty((0,) * arr.ndim, arr.dtype)), found
    return arr.rechunk(spatial), found


def write_zarr(darr, path, *, force: bool = False, attrs=None) -> None:
    """Compute a Dask array chunk by chunk into a Zarr array at ``path`` (a folder).

    ``attrs`` (a JSON-able dict, e.g. ``{"infopix": provenance record}``) is stored as
    the array's attributes before it is renamed into place.

    The array is written beside ``path`` under a temporary name and renamed onto it
    when complete, so an interrupted run leaves no half-written output; an existing
    ``path`` is replaced only with ``force``.
    """
    from .outputs import atomic_dir

    regular = all(
        all(c == cs[0] for c in cs[:-1]) and cs[-1] <= cs[0] for cs in darr.chunks
    )
    if not regular:  # Zarr needs equal chunks (the last may be shorter)
        darr = darr.rechunk(tuple(cs[0] for cs in darr.chunks))
    with atomic_dir(path, force=force) as tmp:
        darr.to_zarr(str(tmp), overwrite=True)
        if attrs:
            import zarr

            from .provenance import _jsonable

            zarr.open(str(tmp), mode="r+").attrs.update(_jsonable(dict(attrs)))


#: ``infopix localmap --measure`` name -> (public function, fixed keyword arguments)
LOCAL_MEASURES = {
    "entropy": ("local_entropy", {}),
    "mean": ("local_mean", {}),
    "std": ("local_std", {}),
    "laurent": ("local_expected", {"f": "laurent"}),
    "taylor": ("local_expected", {"f": "taylor"}),
    "surprisal": ("local_expected", {"f": "surprisal"}),
}


def local_map_lazy(path, *, radius, measure="entropy", chunks=None, axes=None, **kw):
    """The lazy local map of a large image or volume file (nothing is computed yet).

    ``measure`` is one of :data:`LOCAL_MEASURES`; ``chunks`` and ``axes`` as in
    :func:`read_lazy`; ``**kw`` are the map's options (``edge``, ``estimator``,
    ``alpha``, ``base``, ``bins``). Returns a Dask array.
    """
    import infopix

    v.check_choice(measure, tuple(LOCAL_MEASURES), name="measure")
    name, fixed = LOCAL_MEASURES[measure]
    image, found = _read_lazy(path, chunks, axes)
    if found == "yxc":
        raise ValueError(
            f"`path` holds a colour image of shape {image.shape}; chunked local maps take "
            f"2-D (grey) images or (Z, M, N) volumes (pass axes='zyx' if it is a volume)."
        )
    lazy = getattr(infopix, name)(image, radius, **fixed, **kw)
    if not is_dask_array(lazy):
        raise TypeError(f"infopix.{name} did not return a Dask array for Dask input.")
    return lazy


def local_map_to_zarr(path, out, *, radius, measure="entropy", chunks=None, axes=None, force=False,
                      scheduler=None, callbacks=(), **kw):
    """Local map of a large image file, read lazily and written to a chunked Zarr array.

    Parameters
    ----------
    path : str or os.PathLike
        Input TIFF, ``.npy`` or ``.zarr`` (see :func:`read_lazy`).
    out : str or os.PathLike
        Output ``.zarr`` folder (float64, chunks of ``chunks`` pixels, or larger where
        ``radius`` exceeds them).
    radius : int or tuple of int
        Window radius, or one per axis (``(rz, ry, rx)`` for a volume).
    measure : str, optional
        One of :data:`LOCAL_MEASURES`: ``'entropy'``, ``'mean'``, ``'std'``,
        ``'laurent'``, ``'taylor'``, ``'surprisal'``.
    chunks : int or tuple of int, optional
        Chunk size in pixels (default 2048 for images, 256 for volumes); memory use grows
        like chunks² (chunks³ for volumes) times the number of threads.
    axes : {'yx', 'zyx', 'yxc'}, optional
        What the input's axes are, as in :func:`read_lazy` (``'zyx'`` for a volume in a
        ``.npy`` or Zarr file that does not record its axes).
    force : bool, optional
        Overwrite an existing output.
    scheduler : str, optional
        A Dask scheduler for the computation (e.g. ``'threads'``, ``'synchronous'``), or
        None for the current default (a ``distributed.Client`` if one is active).
    callbacks : sequence of dask.callbacks.Callback, optional
        E.g. a progress display.
    **kw
        Options of the local map (``edge``, ``estimator``, ``alpha``, ``base``, ``bins``).

    Returns
    -------
    out : pathlib.Path
        Its attributes hold the provenance record under ``'infopix'`` (see
        :mod:`infopix.provenance`): version, the input's SHA-256, the parameters, unit
        and estimator (the SHA-256 costs one more sequential read of the input).

    Examples
    --------
    >>> import numpy as np, tifffile, zarr, tempfile, os, infopix
    >>> d = tempfile.mkdtemp()
    >>> img = np.random.default_rng(0).integers(0, 4, (50, 40)).astype(np.uint8)
    >>> tifffile.imwrite(os.path.join(d, "big.tif"), img)
    >>> out = local_map_to_zarr(os.path.join(d, "big.tif"), os.path.join(d, "H.zarr"),
    ...                         radius=2, chunks=16)
    >>> bool(np.array_equal(zarr.open(str(out), mode="r")[:], infopix.local_entropy(img, 2)))
    True
    """
    import contextlib

    import dask

    from .provenance import KEY, map_unit, record

    lazy = local_map_lazy(path, radius=radius, measure=measure, chunks=chunks, axes=axes, **kw)
    prov = record(command="local_map_to_zarr", input=path, unit=map_unit(measure, kw.get("base", 2.0)),
                  estimator=kw.get("estimator", "plugin") if measure == "entropy" else None,
                  parameters={"measure": measure, "radius": radius, "chunks": chunks, "axes": axes, **kw})
    with contextlib.ExitStack() as stack:
        if scheduler is not None:
            stack.enter_context(dask.config.set(scheduler=scheduler))
        for cb in callbacks:
            stack.enter_context(cb)
        write_zarr(lazy, out, force=force, attrs={KEY: prov})
    return Path(os.fspath(out))
