"""Pieces every ``infopix`` command shares: one-line errors, the image argument and the
options every command spells the same way (``--channel``, ``--force``, ``--json``,
``--quiet``), image loading, JSON and figure output.

Short option letters mean one thing across commands: ``-o`` out, ``-f`` force, ``-q``
quiet, ``-e`` estimator, ``-r`` radius, ``-a`` alpha, ``-b`` base, ``-m`` measure(s),
``-s`` scales, ``-n`` sweeps, ``-t`` threshold, ``-d`` distances, ``-l`` bins (``--levels``), ``-u``
unit, ``-c`` config, ``-w`` workers. Other options have long names only.
"""

from __future__ import annotations

import functools
import json
import sys
import warnings
from pathlib import Path

import typer
import typer.core
from rich.console import Console

def _flag_without_metavar(display_type_rich):
    """Typer's help shows ``<bool>`` beside on/off flags (``--force <bool>``), which reads
    as if the flag took a value; flags show no type."""

    def display(self, ctx):
        if getattr(self, "is_flag", False):
            return None
        return display_type_rich(self, ctx)

    display.__wrapped__ = display_type_rich
    return display


if not hasattr(typer.core.TyperOption.display_type_rich, "__wrapped__"):
    typer.core.TyperOption.display_type_rich = _flag_without_metavar(
        typer.core.TyperOption.display_type_rich
    )

#: stdout for results, stderr for progress and errors
# soft_wrap: a line is never broken by Rich (a terminal wraps long lines itself; a pipe
# or a file gets whole lines, whatever COLUMNS says)
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

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
            for o in longs:  # `--bins` also answers to the library's `bins`
                flags.setdefault(o[2:].replace("-", "_"), o)
    for name, flag in flags.items():
        message = message.replace(f"`{name}`", f"`{flag}`")
    return message


def fail(message: str, code: int = 1):
    """Print one line to stderr and exit with ``code`` (never a traceback)."""
    msg = " ".join(_cli_names(str(message)).split())
    typer.echo(f"infopix: error: {msg}", err=True)
    raise typer.Exit(code)


def _one_line_warning(message, category, filename, lineno, file=None, line=None):
    """Warnings as one stderr line each, without the source path and line."""
    text = " ".join(str(message).split())
    typer.echo(f"infopix: warning: {text}", err=True)


def one_line_errors(func):
    """Decorator for command callbacks: user errors become one stderr line + exit 1;
    warnings that the filters let through become one stderr line each."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            with warnings.catch_warnings():  # the filters stay; only the display changes
                warnings.showwarning = _one_line_warning
                # images reach the library with their axes known (read_image refuses an
                # ambiguous 3-D array): a volume 3 or 4 voxels wide is not colour here
                from infopix import ColourShapedVolumeWarning

                warnings.simplefilter("ignore", ColourShapedVolumeWarning)
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


#: (name, options, callback) of every command, in registration order: the command
#: modules record themselves here and ``infopix.cli`` adds them to its app (so that no
#: command module imports the package that imports it).
COMMANDS: list = []


def command(name: str, **options):
    """Decorator recording a command callback for the ``infopix`` app."""

    def deco(func):
        COMMANDS.append((name, options, func))
        return func

    return deco


# ----------------------------------------------------------------------- shared options

IMAGE_HELP = "Image file (PNG, JPEG, TIFF, .npy); the bundled sample if omitted."


def image_argument(help: str = IMAGE_HELP):
    """The IMAGE argument of every command that reads one image."""
    return typer.Argument(None, help=help, show_default=False)


def channel_option(*, joint: bool = False):
    """``--channel``: what a colour image is reduced to (refused on a grey image)."""
    what = "luminance (default), joint (every colour one outcome), or a channel index" if joint \
        else "luminance (default) or a channel index"
    return typer.Option(
        None,
        "--channel",
        help=f"Colour images: {what}. Refused for a grey image.",
        show_default=False,
    )


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


def force_option(help: str = "Overwrite existing outputs."):
    return typer.Option(False, "--force", "-f", help=help)


def json_option(help: str = "Print machine-readable JSON."):
    return typer.Option(False, "--json", help=help)


def quiet_option(help: str = "Print nothing but errors."):
    return typer.Option(False, "--quiet", "-q", help=help)


#: ``--per-frame``: shared by every command that measures a series frame by frame.
PER_FRAME_OPTION = typer.Option(
    False, "--per-frame",
    help="A series (axes tyx, e.g. a time-lapse): measure every frame as an image, one "
    "result per frame (JSON: a 'frames' list; text: a table).",
)

#: Why a command refuses volumes when it says nothing else.
NOT_3D = "it analyses 2-D images"


def load_image(path: Path | None, channel: str | None = None, *, joint: bool = False,
               axes: str | None = None, max_pixels: int | None = None, info: bool = False,
               volumes: bool | str = NOT_3D, per_frame: bool = False, series: bool = False):
    """Read ``path`` (or the bundled sample when None) and return (array, label), or
    with ``info`` (array, label, dict of how it was read: ``colour_handling``,
    ``channel`` as given, ``source_dtype``, ``axes``...; what the report records).

    The same reading as the API's ``read_image(path, axes=axes, channel=...)``: a colour
    axis is reduced by ``channel`` (the ``--channel`` text; None: luminance);
    ``--channel`` given for a grey image is refused, not ignored. ``joint`` allows
    ``'joint'``, which keeps the colour axis (the joint colour distribution). Arrays
    whose axes the file does not record need ``--axes`` (the error names the choices).

    A (Z, Y, X) volume (axes ``'zyx'``) is returned when the command computes its
    measure in 3-D (``volumes=True``); otherwise ``volumes`` is why it does not, and the
    volume is refused with that reason in one line. A (T, Y, X) series (axes ``'tyx'``)
    is returned only with ``per_frame`` (``--per-frame``: the command measures each
    frame), or with ``series`` (the report's series mode); without either the error says to
    pass ``--per-frame`` (or ``--axes zyx``).
    ``--per-frame`` on anything but a series is refused. So the CLI accepts what the
    library's functions do: volumes where they are 3-D, frames where they are 2-D.
    """
    import infopix

    if max_pixels is not None and max_pixels < 1:
        raise ValueError(f"`--max-pixels` expects a positive integer, got {max_pixels}.")
    ch = "luminance" if channel is None else parse_channel(channel)
    if ch == "joint" and not joint:
        raise ValueError(
            "`--channel` expects 'luminance' or a channel index for this command, got 'joint' "
            "(the joint colour distribution is for `infopix entropy`)."
        )
    if path is None:
        if channel is not None:
            raise ValueError("`--channel` applies to colour images; the sample image is grey.")
        if axes is not None:
            raise ValueError("`--axes` applies to an IMAGE file; the sample image is 2-D.")
        if per_frame:
            raise ValueError("`--per-frame` applies to a series (axes tyx) IMAGE file; the "
                             "sample image is one 2-D image.")
        img = infopix.sample_image()
        if info:
            return img, "sample image (camera, CC0)", {
                "colour_handling": "grey", "channel": None, "source_dtype": str(img.dtype),
                "axes": "yx", "format": "bundled sample"}
        return img, "sample image (camera, CC0)"
    try:
        img, got = infopix.read_image(path, channel=ch, axes=axes, max_pixels=max_pixels,
                                      return_info=True)
    except (ValueError, FileNotFoundError) as exc:  # name the CLI's, not Python's, names
        msg = str(exc).replace("pass axes=", "pass").replace("`axes`", "`--axes`")
        msg = msg.replace("`channel`", "`--channel`").replace("`path` ", "IMAGE ")
        msg = (msg.replace("max_pixels= (CLI: --max-pixels)", "--max-pixels")
               .replace(" (CLI: --axes)", " --axes"))
        raise (ValueError if isinstance(exc, ValueError) else FileNotFoundError)(msg) from None
    # a printable label: undecodable bytes of a non-UTF-8 file name become U+FFFD
    label = str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    shape = "x".join(map(str, got.shape))
    if got.axes == "tyx" and not (per_frame or series):
        raise ValueError(
            f"IMAGE {label!r} is a series of {got.shape[0]} frames (axes 'tyx', shape {shape}); "
            f"pass --per-frame to measure every frame, or --axes zyx to take it as one volume."
        )
    if per_frame and got.axes != "tyx":
        kind = "a volume (axes 'zyx')" if got.axes == "zyx" else f"axes {got.axes!r}"
        raise ValueError(
            f"`--per-frame` applies to a series (axes 'tyx'); IMAGE {label!r} is {kind}, shape "
            f"{shape}" + ("; pass --axes tyx to measure its slices one by one." if got.axes == "zyx"
                          else "; drop --per-frame.")
        )
    if got.axes == "zyx" and volumes is not True:
        raise ValueError(
            f"IMAGE {label!r} is a volume (axes 'zyx', shape {shape}); this command does not "
            f"take volumes: {volumes}. Pass --axes tyx --per-frame to measure its slices one by one."
        )
    if got.axes not in ("yx", "yxc", "zyx", "tyx"):
        raise ValueError(
            f"IMAGE {label!r} has axes {got.axes!r} (shape {shape}); the commands take yx images, "
            f"zyx volumes and tyx series: save one of those, or pass --axes if the file's axes "
            f"are not what it holds."
        )
    if channel is not None and got.colour_handling.startswith("grey"):
        raise ValueError(
            f"`--channel` applies to colour images; {label} is grey "
            f"({shape}), drop --channel."
        )
    if info:
        return img, label, {**got.to_dict(), "channel": None if channel is None else ch}
    return img, label


def each_frame(stack, measure, *, label: str):
    """``measure(frame, label)`` -> (result dict, text) for every frame of a (T, Y, X)
    series, in order: a list of result dicts with their ``frame`` index first, and the
    texts. An error on one frame names it (``frame 3: ...``)."""
    rows, texts = [], []
    for t in range(stack.shape[0]):
        try:
            result, text = measure(stack[t], f"{label}, frame {t}")
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"frame {t}: {exc}") from None
        rows.append({"frame": t, **{k: v for k, v in result.items() if k != "image"}})
        texts.append(text)
    return rows, texts


def print_frames(label: str, shape, rows: list, columns: dict, *, as_json: bool, head=None):
    """Output of ``--per-frame``: JSON ``{"image", "shape", "axes": "tyx", ..., "frames":
    [row per frame]}``, or a text table with one line per frame and ``columns``
    (``{title: function(row) -> text}``)."""
    if as_json:
        print_json({"image": label, "shape": list(shape), "axes": "tyx", "per_frame": True,
                    **(head or {}), "frames": rows})
        return
    titles = ["frame", *columns]
    cells = [[str(r["frame"]), *(f(r) for f in columns.values())] for r in rows]
    widths = [max(len(t), *(len(c[i]) for c in cells)) for i, t in enumerate(titles)]
    console.print(f"{label}: {len(rows)} frames (axes tyx), each measured as an image",
                  markup=False, highlight=False)
    for line in [titles, *cells]:
        console.print("  ".join(c.rjust(w) for c, w in zip(line, widths)), markup=False,
                      highlight=False)


def parse_channel(channel: str, n_channels: int | None = None):
    """``'luminance'``, ``'joint'`` or a channel index given as text (checked against
    ``n_channels`` when known)."""
    if channel in ("luminance", "joint"):
        return channel
    try:
        index = int(channel)
    except ValueError:
        raise ValueError(
            f"`--channel` expects 'luminance', 'joint' or a channel index, got {channel!r}."
        ) from None
    if index < 0 or (n_channels is not None and index >= n_channels):
        top = "" if n_channels is None else f" 0..{n_channels - 1}"
        raise ValueError(f"`--channel` expects a channel index{top}, got {channel!r}.")
    return index


def check_positive(value, flag: str, *, minimum: int = 0) -> int:
    """An integer option that must be >= ``minimum``, or a one-line error naming it."""
    if value is None:
        return value
    if int(value) != value or value < minimum:
        raise ValueError(f"`{flag}` expects an integer >= {minimum}, got {value!r}.")
    return int(value)


def map_options(measure, *, alpha, base, estimator, edge, bins) -> dict:
    """The keyword arguments of local map ``measure`` from ``infopix localmap``'s options
    (its in-memory and chunked paths take the same)."""
    kw = {"edge": edge}
    if measure == "entropy":
        kw.update(alpha=float("inf") if alpha == float("inf") else alpha, base=base,
                  estimator=estimator)
    elif measure in ("laurent", "taylor", "surprisal"):
        kw.update(base=base)
    if bins is not None and measure not in ("mean", "std"):
        kw["bins"] = bins
    return kw


# ----------------------------------------------------------------------- output


def to_jsonable(obj):
    """NumPy scalars/arrays, tuples, paths and non-finite floats for ``json.dumps``
    (:func:`infopix.measures.jsonable`, the one conversion)."""
    from ..measures import jsonable

    return jsonable(obj)


def json_text(data) -> str:
    """``data`` as the JSON text the commands write (NumPy values converted)."""
    return json.dumps(to_jsonable(data), indent=2, allow_nan=False) + "\n"


def write_json(path: Path, data, *, force: bool) -> None:
    """Write JSON atomically (temporary file + rename); refuse to overwrite without force."""
    from ..outputs import atomic_path

    with atomic_path(path, force=force) as tmp:
        tmp.write_text(json_text(data))


def print_json(data) -> None:
    sys.stdout.write(json.dumps(to_jsonable(data), indent=2, allow_nan=False) + "\n")


FIGURE_SUFFIXES = (".png", ".pdf", ".svg")


def save_figure(fig, path: Path, *, force: bool, dpi: int = 200, tight: bool = True) -> None:
    """Save a matplotlib figure atomically in the format of ``path``'s suffix (PNG at 200
    dpi, SVG with text as text, PDF with embedded fonts; the report's style), then close it."""
    from ..io import atomic_path
    from ..report import apply_style

    apply_style()

    try:
        fmt = path.suffix.lstrip(".").lower() or "png"
        with atomic_path(path, force=force) as tmp:
            fig.savefig(tmp, format=fmt, dpi=dpi, **({"bbox_inches": "tight"} if tight else {}))
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)


def pyplot():
    """``matplotlib.pyplot`` on the non-interactive Agg backend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..report import apply_style

    apply_style()  # the report's figure style for every -o figure
    return plt


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


#: What the min, mean and max of a local map (``infopix localmap --json``) rest on.
MAP_SUMMARY_UNCERTAINTY = (
    "no uncertainty: min, mean and max of this image's map, exact given the estimator "
    "(per-window posterior std: infopix.local_entropy(..., return_std=True) with a Bayesian "
    "estimator)"
)


def check_seed(seed):
    """``--seed``: an integer >= 0 (NumPy's seeds), named in the error."""
    return check_range(seed, "--seed", 0, 2**63 - 1)


def run_seed(seed) -> int:
    """``--seed`` of a random step: the seed given, or fresh entropy when none is
    (:func:`infopix.provenance.resolve_seed`). The command records it in its output;
    passing it back as ``--seed`` reproduces the run."""
    from infopix.provenance import resolve_seed

    return resolve_seed(check_seed(seed))
