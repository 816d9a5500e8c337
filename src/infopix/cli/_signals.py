"""Ctrl-C and SIGTERM for the ``infopix`` command: one line, exit 130 or 143.

Two stages. While the command's modules import (before any output can exist), a signal
prints one line and ends the process at once. Once a command runs, SIGINT/SIGTERM print
the line, close stderr to anything after it, and raise :class:`Interrupted` (not
``KeyboardInterrupt``, which Click would turn into a blank line and ``Aborted!``), so
``finally`` blocks remove temporaries and close Dask clusters; :func:`infopix.cli.main`
then exits with 130 or 143. While outputs are being renamed
into place (``infopix.outputs.critical``) the signal is held back until the set is
complete. A second signal while the first is being handled ends the process at once.

Only the standard library is imported here: this runs before the heavy imports.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

_SIGNALS = tuple(s for s in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None)) if s)
_state = {"interrupted": None, "printed": False, "finished": False}


class Interrupted(BaseException):
    """Raised in the main thread by SIGINT (exit 130) or SIGTERM (exit 143)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + int(self.signum)


def message(signum: int) -> str:
    return "infopix: interrupted" if signum == signal.SIGINT else "infopix: terminated"


def _say(signum: int) -> None:
    """The one line; then stderr is closed to the rest (Dask's threads shutting down)."""
    if not _state["printed"]:
        _state["printed"] = True
        try:
            sys.stderr.flush()
        except Exception:
            pass
        try:
            os.write(2, (message(signum) + "\n").encode())
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 2)
            os.close(null)
        except OSError:
            pass


def _exit_now(signum, frame=None):
    _say(signum)
    os._exit(128 + signum)


def _raise(signum, frame):
    from ..outputs import defer_signal, in_critical

    if _state["finished"]:
        return
    first = _state["interrupted"] is None
    if not first and not _state.pop("redeliver", False):
        _exit_now(_state["interrupted"])  # the user again, while we clean up: go now
    if in_critical():  # outputs being renamed into place: after the set is complete
        _state["redeliver"] = True
        defer_signal(signum)
        return
    if first:
        _state.pop("redeliver", None)
        _state["interrupted"] = signum
        # the line now (feedback at once); what the clean-up might log is not shown
        _say(signum)
        threading.Thread(target=_watchdog, args=(signum,), daemon=True).start()
    raise Interrupted(_state["interrupted"])


def _redeliver(signum: int) -> None:
    if _state["finished"]:
        return
    _state["redeliver"] = True
    try:
        os.kill(os.getpid(), signum)
    except OSError:
        pass


def _watchdog(signum: int) -> None:
    """Deliver the interrupt again if it was swallowed.

    A handler's exception raised inside a garbage-collector callback or a destructor is
    "ignored" (Dask registers gc callbacks): the unraisable hook sees it and delivers the
    signal again at once. Code that swallows it silently (``except BaseException``) is
    caught by this watchdog, which raises it again every 5 s until the command has ended.
    """
    while True:
        time.sleep(5.0)
        if _state["finished"]:
            return
        _redeliver(signum)


def _install(handler) -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    for s in _SIGNALS:
        signal.signal(s, handler)


def install_early() -> None:
    """During imports: one line and exit at once."""
    _install(_exit_now)


def install() -> None:
    """While a command runs: raise :class:`Interrupted` in the main thread."""
    _state.update(interrupted=None, printed=False, finished=False)
    _install(_raise)
    if not getattr(sys.unraisablehook, "_infopix", False):
        sys.unraisablehook = _quiet_unraisable(sys.unraisablehook)


def _quiet_unraisable(default):
    """An interrupt swallowed in a callback is not a traceback (the watchdog re-raises it)."""

    def hook(unraisable):
        if isinstance(unraisable.exc_value, Interrupted):
            _redeliver(unraisable.exc_value.signum)  # swallowed: raise it again, now
            return
        default(unraisable)

    hook._infopix = True
    return hook


def done() -> None:
    """The command has ended: later signals no longer interrupt it."""
    _state["finished"] = True


def finish(exc: Interrupted):
    """Print the one line for ``exc`` and exit with its status."""
    done()
    _say(exc.signum)
    sys.exit(exc.exit_code)


def is_cli_process() -> bool:
    """True when this interpreter was started as the ``infopix`` command."""
    arg0 = os.path.basename(sys.argv[0]) if sys.argv else ""
    return arg0 in ("infopix", "infopix.exe", "-m")


class workers_in_own_session:
    """Start multiprocessing children (Dask's worker processes) in a session of their own.

    A terminal's Ctrl-C (and ``kill`` of the process group) then reaches this process
    only, not the workers, which would each print a KeyboardInterrupt traceback; this
    process handles it and shuts them down (and they exit by themselves if it dies).
    Used while the CLI's local cluster lives; a no-op where ``os.posix_spawn`` is absent.
    """

    def __enter__(self):
        from multiprocessing import util

        self.util = util
        self.orig = getattr(util, "spawnv_passfds", None)
        if self.orig is not None and hasattr(os, "posix_spawn"):
            util.spawnv_passfds = _spawn_in_new_session
        return self

    def __exit__(self, *exc):
        if self.orig is not None:
            self.util.spawnv_passfds = self.orig
        return False


_spawn_lock = threading.Lock()


def _spawn_in_new_session(path, args, passfds):
    """``multiprocessing.util.spawnv_passfds`` with ``setsid`` (via ``os.posix_spawn``)."""
    fds = sorted({int(fd) for fd in passfds})
    with _spawn_lock:
        was = [os.get_inheritable(fd) for fd in fds]
        try:
            for fd in fds:
                os.set_inheritable(fd, True)
            return os.posix_spawn(path, list(args), dict(os.environ), setsid=True)
        finally:
            for fd, w in zip(fds, was):
                os.set_inheritable(fd, w)
