"""The ``infopix`` command line (Typer + Rich).

Each family of ideas has its own command module in this package; it records its
command with :func:`infopix.cli._common.command`, and the commands are added to
:data:`app` at the bottom of this file. Commands only call the
public Python API.
"""

from __future__ import annotations

import sys

from . import _signals

if _signals.is_cli_process():  # before the heavy imports: Ctrl-C now is one line, 130
    _signals.install_early()

import typer  # noqa: E402
from typer.core import TyperGroup  # noqa: E402

from .. import __version__  # noqa: E402


class _OneLineGroup(TyperGroup):
    """Click group whose usage errors are one line on stderr (no boxes, no traceback)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            rv = super().main(
                args=args, prog_name=prog_name, complete_var=complete_var,
                standalone_mode=False, **extra,
            )
        except typer.Exit as exc:
            if standalone_mode:
                sys.exit(exc.exit_code)
            raise
        except typer.TyperException as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # `infopix` alone: show help
                exc.show()
                if standalone_mode:
                    sys.exit(0)
                raise
            msg = " ".join(exc.format_message().split())
            typer.echo(f"infopix: error: {msg} (see 'infopix --help')", err=True)
            if standalone_mode:
                sys.exit(getattr(exc, "exit_code", 2))
            raise
        except typer.Abort:
            typer.echo("infopix: aborted", err=True)
            if standalone_mode:
                sys.exit(1)
            raise
        if standalone_mode:
            sys.exit(rv if isinstance(rv, int) else 0)
        return rv


app = typer.Typer(
    name="infopix",
    cls=_OneLineGroup,
    help="Quantify the information in images: entropies with error bars, local and "
    "multi-scale maps, fractal dimensions, Ising dynamics.\n\n"
    "Run `infopix analyze` for a report on the bundled sample image.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version_callback(value: bool):
    if value:
        typer.echo(f"infopix {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version and exit."
    ),
):
    """infopix: the information in images."""


def main() -> None:
    """Entry point of the ``infopix`` console script.

    Ctrl-C (SIGINT) and SIGTERM print one line and exit with 130 and 143; temporaries
    are removed on the way out (see :mod:`infopix.cli._signals`).
    """
    _signals.install()
    try:
        app()
    except _signals.Interrupted as exc:
        _signals.finish(exc)
    finally:  # a signal while the interpreter shuts down: the same one line
        _signals.done()
        _signals.install_early()


# Command modules record their commands (one import per family); they are added here.
from . import entropy as _entropy  # noqa: E402,F401
from . import analyze as _analyze  # noqa: E402,F401
from . import compare as _compare  # noqa: E402,F401
from . import scale as _scale  # noqa: E402,F401
from . import localmap as _localmap  # noqa: E402,F401
from . import batch as _batch  # noqa: E402,F401
from . import fractal as _fractal  # noqa: E402,F401
from . import spatial as _spatial  # noqa: E402,F401
from . import ising as _ising  # noqa: E402,F401
from . import patterns as _patterns  # noqa: E402,F401
from ._common import COMMANDS as _COMMANDS  # noqa: E402

for _name, _options, _func in _COMMANDS:
    app.command(_name, **_options)(_func)
