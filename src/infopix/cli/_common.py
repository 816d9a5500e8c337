"""Pieces every ``infopix`` command shares: one-line errors, image loading, output."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import numpy as np
import typer
from rich.console import Console

#: stdout for results, stderr for progress and errors
console = Console()
err_console = Console(stderr=True)

#: Exceptions that mean "the user's input was wrong": one line, exit status 1.
USER_ERRORS = (ValueError, TypeError, OSError, KeyError, IndexError, ArithmeticError)


#: Library parameter names whose CLI option has another name.
_PARAM_FLAGS = {"rng": "--seed", "n_workers": "--workers", "fit_range": "--fit-min/--fit-max"}


def _cli_names(message: str) -> str:
    """Name CLI options, not the Python keywords they become: "`alpha` expects ..." from
    the library reads "`--alpha` expects ..." when the running command has ``--alpha``."""
    try:  # Typer >= 0.16 carries its own copy of Click
        from typer._click.globals import get_current_context
    except ImportError:
        from click import get_current_context

    ctx = get_current_context(silent=True)
    if ctx is None or "`" not in message:
        return message
    names = {p.name for p in ctx.command.params}
    flags = {k: v for k, v in _PARAM_FLAGS.items() if v.split("/")[0] in
             {o for p in ctx.command.params for o in getattr(p, "opts", ())}}
    for param in ctx.command.params:
        if getattr(param, "param_type_name", "") == "option" and param.name in names:
            longs = [o for o in param.opts if o.startswith("--")]
            flags[param.name] = longs[0] if longs else param.opts[0]
    for name, flag in flags.items():
        message = message.replace(f"`{name}`", f"`{flag}`")
    return message


def fail(message: str, code: int = 1):
    """Print one line to stderr and exit with ``code`` (never a traceback)."""
    msg = " ".join(_cli_names(str(message)).split())
    typer.echo(f"infopix: error: {msg}", err=True)
    raise typer.Exit(code)


def one_line_errors(func):
    """Decorator for command callbacks: user errors become one stderr line + exit 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except KeyboardInterrupt:  # outside main() (no handler installed): same line, 130
            typer.echo("infopix: interrupted", err=True)
            raise typer.Exit(130) from None
        except FileExistsError as exc:
            fail(str(exc))
        except FileNotFoundError as exc:
            fail(str(exc))
        except USER_ERRORS as exc:
            fail(str(exc))
        except MemoryError as exc:
            fail(str(exc) or "out of memory; for a large image compute local maps chunk by "
                 "chunk: infopix localmap IMAGE --chunks 2048 -o map.zarr")

    return wrapper


def refuse_existing(*paths, force: bool) -> None:
    """Fail before any work if an output exists and ``--force`` was not given."""
    if force:
        return
    import os

    for p in paths:
        if p is not None and os.path.lexists(p):
            what = " (a dangling symbolic link)" if not Path(p).exists() else ""
            raise FileExistsError(f"output {str(p)!r} exists{what}; pass --force to overwrite it.")


#: ``--axes`` and ``--max-pixels``: shared by every command that reads an image.
AXES_OPTION = typer.Option(
    None, "--axes",
    help="What the stored array's axes are when the file does not say: yx, zyx (volume), "
    "tyx (series), yxc (colour), cyx, czyx, ...",
)
MAX_PIXELS_OPTION = typer.Option(
    None, "--max-pixels",
    help="Refuse images decoding to more pixels (default: $INFOPIX_MAX_PIXELS, else 178956970).",
)


def load_image(path: Path | None, *, channel: str = "luminance", axes: str | None = None,
               max_pixels: int | None = None):
    """Read ``path`` (or the bundled sample when None) and return (2-D image, label).

    The same reading as the API's ``read_image(path, axes=axes, channel=...)``: a colour
    axis is reduced by ``channel`` (``'joint'`` keeps it); arrays whose axes the file
    does not record need ``--axes``; volumes and series are refused with one line (the
    commands analyse 2-D images), so the CLI accepts exactly what the library does.
    """
    import infopix

    from ..io import _parse_axes

    if axes is not None:
        _parse_axes(axes, name="--axes")
    if max_pixels is not None and max_pixels < 1:
        raise ValueError(f"`--max-pixels` expects a positive integer, got {max_pixels}.")
    if path is None:
        return infopix.sample_image(), "sample image (camera, CC0)"
    try:
        img, info = infopix.read_image(path, channel=parse_channel(channel), axes=axes,
                                       max_pixels=max_pixels, return_info=True)
    except ValueError as exc:  # name the CLI flags, not the Python keywords
        msg = str(exc).replace("pass axes=", "pass").replace("`axes`", "`--axes`")
        raise ValueError(msg.replace("max_pixels= (CLI: --max-pixels)", "--max-pixels")
                         .replace(" (CLI: --axes)", " --axes")) from None
    # a printable label: undecodable bytes of a non-UTF-8 file name become U+FFFD
    label = str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    if {"t", "z"} & set(info.axes):
        kind = "a series" if "t" in info.axes else "a volume"
        raise ValueError(
            f"IMAGE {label!r} is {kind} (axes {info.axes!r}, shape {info.shape}); this "
            f"command analyses 2-D images: save one slice (e.g. with numpy) and pass that, "
            f"or --axes if the file's axes are not what it holds."
        )
    return img, label


def parse_channel(channel: str):
    """``'luminance'``, ``'joint'`` or a channel index given as text."""
    if channel in ("luminance", "joint"):
        return channel
    try:
        return int(channel)
    except ValueError:
        raise ValueError(
            f"`--channel` expects 'luminance', 'joint' or a channel index, got {channel!r}."
        ) from None


def to_jsonable(obj):
    """Convert NumPy scalars/arrays (and tuples) for ``json.dumps``."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, float) and not np.isfinite(obj):
        return None if np.isnan(obj) else ("inf" if obj > 0 else "-inf")
    if isinstance(obj, Path):
        return str(obj)
    return obj


def json_text(data) -> str:
    """``data`` as the JSON text the commands write (NumPy values converted)."""
    return json.dumps(to_jsonable(data), indent=2, allow_nan=False) + "\n"


def write_json(path: Path, data, *, force: bool) -> None:
    """Write JSON atomically (temporary file + rename); refuse to overwrite without force."""
    from .._outputs import atomic_path

    with atomic_path(path, force=force) as tmp:
        tmp.write_text(json_text(data))


def print_json(data) -> None:
    sys.stdout.write(json.dumps(to_jsonable(data), indent=2, allow_nan=False) + "\n")


def check_range(value, flag: str, lo=None, hi=None, *, why: str = ""):
    """An option's value within [lo, hi] (None: unbounded), or a one-line error naming it.

    ``why`` explains an upper bound (e.g. "each scale is a full-image blur").
    """
    if value is None:
        return value
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        if lo is not None and hi is not None:
            span = f"from {lo} to {hi}"
        elif lo is not None:
            span = f">= {lo}"
        else:
            span = f"<= {hi}"
        kind = "an integer" if isinstance(value, int) else "a number"
        raise ValueError(f"`{flag}` expects {kind} {span}, got {value}" + (f" ({why})." if why else "."))
    return value


def check_seed(seed):
    """``--seed``: an integer >= 0 (NumPy's seeds), named in the error."""
    return check_range(seed, "--seed", 0, 2**63 - 1)
