"""Series mode: a ``tyx`` stack (a time-lapse, or any stack of 2-D frames) analysed frame
by frame.

:func:`infopix.read_image` returns a series as a (T, Y, X) array with ``ImageInfo.axes ==
'tyx'``; none of the 2-D measures reads such an array as an image (a 3-D array is a
volume, or is refused). :func:`per_frame` applies any function of an image to every
frame and keeps the results in frame order (:class:`PerFrame`), with a curve against the
frame index. The measure registry does the same for the report and batch
(:func:`infopix.measures.series_rows`, one row per frame with a ``frame`` column).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np


__all__ = ["PerFrame", "per_frame", "check_series"]


def check_series(stack, *, name: str = "stack") -> np.ndarray:
    """A (T, Y, X) (or (T, Y, X, C)) array of at least one frame, returned as an array.

    Raises ``TypeError`` for anything that is not a numeric array and ``ValueError``
    for another number of dimensions, naming ``name``.
    """
    if isinstance(stack, (str, bytes)) or stack is None:
        raise TypeError(
            f"`{name}` expects a (T, Y, X) array of frames (e.g. from infopix.read_image with "
            f"axes 'tyx'), got {stack!r}."
        )
    arr = np.asarray(stack)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"`{name}` expects a bool, integer or float array of frames, got dtype {arr.dtype}.")
    if arr.ndim not in (3, 4):
        hint = " (a single image: call the function on it directly)" if arr.ndim == 2 else ""
        raise ValueError(
            f"`{name}` expects a (T, Y, X) series of frames (or (T, Y, X, C) with colour), got a "
            f"{arr.ndim}-D array of shape {arr.shape}{hint}."
        )
    if arr.shape[0] == 0:
        raise ValueError(f"`{name}` has no frame (shape {arr.shape}).")
    return arr


@dataclass(frozen=True)
class PerFrame:
    """The results of one function applied to every frame of a series.

    Attributes
    ----------
    results : tuple
        ``func(stack[t], ...)`` for t = 0 .. T-1, in frame order.
    frames : (T,) ndarray of int
        The frame indices 0 .. T-1.
    function : str
        The function's name.

    A ``PerFrame`` is a sequence of its results: ``len(r)``, ``r[t]``, ``list(r)``.
    """

    results: tuple = field(repr=False)
    frames: np.ndarray
    function: str

    def __len__(self) -> int:
        return len(self.results)

    def __getitem__(self, t):
        return self.results[t]

    def __iter__(self):
        return iter(self.results)

    def values(self, attribute: str | None = None) -> np.ndarray:
        """One number per frame as a float array: the results themselves when they are
        numbers, else their ``attribute`` (e.g. ``'value'`` of an estimate,
        ``'dimension'`` of a fit). Raises ``ValueError`` naming ``attribute`` otherwise."""
        out = []
        for r in self.results:
            x = r if attribute is None else getattr(r, attribute, None)
            if isinstance(x, bool) or not isinstance(x, (numbers.Real, np.number)):
                raise ValueError(
                    f"`attribute` {attribute!r} does not give a number per frame (got "
                    f"{type(x).__name__}); name a numeric field of {type(r).__name__}."
                )
            out.append(float(x))
        return np.asarray(out)

    def plot(self, attribute: str | None = None, ax=None, **kwargs):
        """:meth:`values` against the frame index; returns the axis."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 3.2))
        ax.plot(self.frames, self.values(attribute), "o-", ms=3, **kwargs)
        ax.set_xlabel("frame")
        ax.set_ylabel(attribute or self.function)
        return ax


def per_frame(func, stack, *args, progress=None, **kwargs) -> PerFrame:
    """Apply a function of an image to every frame of a (T, Y, X) series.

    Parameters
    ----------
    func : callable
        Any function taking a 2-D image first, e.g. :func:`infopix.intensity_entropy`,
        :func:`infopix.mutual_information`, :func:`infopix.box_counting_dimension`.
    stack : (T, Y, X) or (T, Y, X, C) ndarray
        The frames along the first axis (``ImageInfo.axes == 'tyx'``).
    *args, **kwargs
        Passed to ``func`` after the frame, the same for every frame.
    progress : callable, optional
        Called as ``progress(done, total)`` after each frame.

    Returns
    -------
    PerFrame
        ``results[t] == func(stack[t], *args, **kwargs)``, with ``.values()`` and
        ``.plot()`` against the frame index.

    Raises
    ------
    TypeError
        ``func`` not callable; ``stack`` not a numeric array.
    ValueError
        ``stack`` not 3-D (or 4-D with colour). An error raised by ``func`` on a frame
        is re-raised with the frame's index in its message.

    Examples
    --------
    >>> import numpy as np, infopix
    >>> stack = np.stack([np.zeros((8, 8), np.uint8), np.tile([0, 1], (8, 4)).astype(np.uint8)])
    >>> r = infopix.per_frame(infopix.intensity_entropy, stack)
    >>> r.values().tolist()           # a constant frame: 0 bits; two equal levels: 1 bit
    [0.0, 1.0]
    """
    if not callable(func):
        raise TypeError(f"`func` expects a function of an image, got {func!r}.")
    arr = check_series(stack)
    if progress is not None and not callable(progress):
        raise TypeError(f"`progress` expects a callable progress(done, total) or None, got {progress!r}.")
    out = []
    total = arr.shape[0]
    for t in range(total):
        try:
            out.append(func(arr[t], *args, **kwargs))
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"frame {t}: {exc}") from exc
        if progress is not None:
            progress(t + 1, total)
    return PerFrame(results=tuple(out), frames=np.arange(total), function=getattr(func, "__name__", repr(func)))
