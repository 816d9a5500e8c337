"""Running the CLI in-process from tests (one helper shared by the test modules)."""

from __future__ import annotations


def run_cli(*args):
    """``infopix ARGS...`` through Typer's CliRunner; returns its Result."""
    from typer.testing import CliRunner

    from infopix.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])
