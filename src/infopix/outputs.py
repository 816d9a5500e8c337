"""Writing outputs all or nothing: files, sets of files and folders.

Every output is written under a temporary name in the folder it will live in, then
renamed into place, so a reader never sees a half-written file and an interrupted run
leaves the previous output untouched. Shared by the library's writers and every CLI
command:

- :func:`atomic_path` — one file;
- :func:`output_set` — several files committed together (``scale -o c`` writes c.png,
  c.csv and c.json; ``ising`` writes ``-o``, ``--movie`` and ``--json-out``): if writing or
  renaming any of them fails, the previous files are put back;
- :func:`atomic_dir` — a folder (a report, a Zarr array, a batch's results) swapped in
  with one atomic exchange where the system offers it (Linux ``renameat2``).

Temporary names are ``.<output name, shortened>.<pid>-<random>.part``: short enough that a
valid output name never becomes an invalid temporary one, and owned by a process id, so
leftovers of killed runs (their process is gone) are removed the next time that output
is written. Files are created with the process's umask (as ``open`` would), not the
0600 of ``tempfile.mkstemp``. A pending SIGINT/SIGTERM is held back while a set is being
renamed into place (see :func:`critical`), so an interrupt never leaves a mixed set.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from pathlib import Path

__all__ = ["check_output_path", "atomic_path", "atomic_dir", "output_set", "critical",
           "in_critical", "defer_signal", "clean_stale", "exchange", "pid_alive"]

#: Characters of the output name kept in a temporary name (NAME_MAX is 255 on common
#: file systems; the rest of the temporary name takes at most ~30).
_NAME_KEEP = 120
_SUFFIX = ".part"

# ------------------------------------------------------------------ deferred signals

_critical_depth = 0
_pending: list[int] = []


@contextlib.contextmanager
def critical():
    """Hold back SIGINT/SIGTERM (as delivered by :mod:`infopix.cli`) while the block runs.

    The CLI's signal handler calls :func:`defer_signal` instead of interrupting when
    :func:`in_critical` is true; the signal is re-delivered when the outermost block
    ends. Outside the CLI (default Python handlers) this is a no-op.
    """
    global _critical_depth
    _critical_depth += 1
    try:
        yield
    finally:
        _critical_depth -= 1
        if _critical_depth == 0 and _pending:
            signum = _pending.pop(0)
            _pending.clear()
            import signal

            signal.raise_signal(signum)


def in_critical() -> bool:
    return _critical_depth > 0


def defer_signal(signum: int) -> None:
    _pending.append(signum)


# ------------------------------------------------------------------ names and checks


def _parent(dest: Path) -> Path:
    return dest.parent if str(dest.parent) else Path(".")


def _tmp_name(dest: Path, tag: str = "") -> str:
    return f".{dest.name[:_NAME_KEEP]}.{os.getpid()}-{secrets.token_hex(4)}{tag}{_SUFFIX}"


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (a stale temporary's or lock's owner)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def clean_stale(dest) -> int:
    """Remove temporaries of ``dest`` left by runs whose process is gone; return how many.

    Only names this module makes (``.<name>.<pid>-<hex>[...].part``) are considered, and
    only when ``<pid>`` is not a live process, so a concurrent writer's temporaries are
    left alone.
    """
    dest = Path(os.fspath(dest))
    parent = _parent(dest)
    prefix = f".{dest.name[:_NAME_KEEP]}."
    removed = 0
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return 0
    for e in entries:
        name = e.name
        if not (name.startswith(prefix) and name.endswith(_SUFFIX)):
            continue
        owner = name[len(prefix):].split("-", 1)[0]
        if not owner.isdigit() or int(owner) == os.getpid() or pid_alive(int(owner)):
            continue
        try:
            if e.is_dir(follow_symlinks=False):
                shutil.rmtree(e.path, ignore_errors=True)
            else:
                os.unlink(e.path)
            removed += 1
        except OSError:
            pass
    return removed


def check_output_path(path, *, force: bool = False, flag: str | None = None) -> tuple[Path, Path]:
    """Refuse an existing output (unless ``force``) or a missing folder; (path, folder).

    A symbolic link counts as existing even when it dangles. ``flag`` names the CLI
    option in messages (e.g. ``'--out'``).
    """
    dest = Path(os.fspath(path))
    what = f"output {str(dest)!r}" if flag is None else f"`{flag}` {str(dest)!r}"
    if os.path.lexists(dest) and not force:
        kind = " (a dangling symbolic link)" if not dest.exists() else ""
        raise FileExistsError(
            f"{what} exists{kind}; pass force=True (CLI: --force) to overwrite it."
        )
    parent = _parent(dest)
    if not parent.is_dir():
        raise FileNotFoundError(f"output folder {str(parent)!r} does not exist (for {what}).")
    return dest, parent


# ------------------------------------------------------------------ staging and commit


class _Staged:
    """One output being written: a private folder beside it holding the new version."""

    def __init__(self, dest: Path, *, force: bool, flag: str | None = None):
        self.dest, parent = check_output_path(dest, force=force, flag=flag)
        clean_stale(self.dest)
        self.stage = parent / _tmp_name(self.dest)
        os.mkdir(self.stage, 0o700)
        # the new version keeps the output's own name (and so its suffix)
        self.new = self.stage / self.dest.name
        self.old = self.stage / ".old"

    def discard(self) -> None:
        shutil.rmtree(self.stage, ignore_errors=True)


def _commit(staged: list[_Staged]) -> None:
    """Rename every staged version onto its output; on any failure put the old ones back."""
    for s in staged:  # a file never replaces a folder, nor a folder a file
        if os.path.lexists(s.dest) and (s.dest.is_dir() and not s.dest.is_symlink()) != s.new.is_dir():
            for t in staged:
                t.discard()
            kind = "a folder" if s.new.is_dir() else "a file"
            raise IsADirectoryError(
                f"output {str(s.dest)!r} exists and is not {kind}; it is not replaced."
            )
    done: list[_Staged] = []
    with critical():
        try:
            for s in staged:
                if not os.path.lexists(s.new):
                    raise FileNotFoundError(f"nothing was written for output {str(s.dest)!r}.")
                if os.path.lexists(s.dest):
                    if s.dest.is_dir() and not s.dest.is_symlink() and s.new.is_dir():
                        if exchange(s.new, s.dest):  # atomic: the old folder is now at s.new
                            os.replace(s.new, s.old)
                            done.append(s)
                            continue
                    os.replace(s.dest, s.old)
                os.replace(s.new, s.dest)
                done.append(s)
        except BaseException:
            for s in reversed(done):
                with contextlib.suppress(OSError):
                    if os.path.lexists(s.old):
                        if s.dest.is_dir() and not s.dest.is_symlink():
                            os.replace(s.dest, s.stage / ".failed")
                        os.replace(s.old, s.dest)
                    else:
                        os.replace(s.dest, s.stage / ".failed")
            # an output moved aside but not yet replaced
            for s in staged:
                if s not in done and os.path.lexists(s.old) and not os.path.lexists(s.dest):
                    with contextlib.suppress(OSError):
                        os.replace(s.old, s.dest)
            raise
        finally:
            for s in staged:
                s.discard()


@contextlib.contextmanager
def output_set(paths, *, force: bool = False, flags=None):
    """Stage several outputs and commit them together; yields their temporary paths.

    ``None`` entries are passed through as ``None``. Every output is checked before the
    block runs (existing ones need ``force``). The block writes each temporary path
    (they keep the output's name and suffix, inside a private folder beside it); when
    it ends, all are renamed into place; if the block or a rename fails, nothing
    changes (outputs already renamed get their previous version back) and the
    temporaries are removed.

    Examples
    --------
    >>> import os, tempfile
    >>> from pathlib import Path
    >>> from infopix.outputs import output_set
    >>> d = Path(tempfile.mkdtemp())
    >>> with output_set([d / "a.csv", d / "a.json"]) as (csv_tmp, json_tmp):
    ...     _ = csv_tmp.write_text("x\\n1\\n")
    ...     _ = json_tmp.write_text("{}")
    >>> sorted(os.listdir(d))   # both committed, no temporary left
    ['a.csv', 'a.json']
    >>> try:
    ...     with output_set([d / "a.csv", d / "a.json"], force=True) as (csv_tmp, json_tmp):
    ...         _ = csv_tmp.write_text("new")
    ...         raise RuntimeError("the JSON could not be made")
    ... except RuntimeError:
    ...     pass
    >>> (d / "a.csv").read_text()   # the old set is untouched
    'x\\n1\\n'
    """
    paths = list(paths)
    flags = list(flags) if flags is not None else [None] * len(paths)
    dests = [None if p is None else Path(os.fspath(p)) for p in paths]
    real = [d for d in dests if d is not None]
    for d, f in zip(dests, flags):
        if d is not None:
            check_output_path(d, force=force, flag=f)
    if len({os.path.abspath(d) for d in real}) != len(real):
        raise ValueError(f"the same output path is given twice: {', '.join(map(str, real))}.")
    staged: list[_Staged] = []
    try:
        for d, f in zip(dests, flags):
            if d is not None:
                staged.append(_Staged(d, force=force, flag=f))
        it = iter(staged)
        yield [None if d is None else next(it).new for d in dests]
    except BaseException as exc:
        for s in staged:
            s.discard()
        _raise_with_output_names(exc, staged)
        raise
    _commit(staged)


def _raise_with_output_names(exc: BaseException, staged) -> None:
    """Re-raise ``exc`` with the outputs' names in place of their temporary ones."""
    if not isinstance(exc, Exception):
        return
    msg = str(exc)
    new = msg
    for s in staged:
        new = new.replace(str(s.new), str(s.dest)).replace(str(s.stage), str(_parent(s.dest)))
    if new == msg:
        return
    try:
        replacement = type(exc)(new)
    except Exception:
        return
    raise replacement from None


@contextlib.contextmanager
def atomic_path(path, *, force: bool = False, flag: str | None = None):
    """Yield a temporary path for ``path``; when the block succeeds, rename it onto ``path``.

    An interrupted write leaves no half-written file at ``path``, and an existing file
    is replaced only with ``force``. The temporary path has ``path``'s name (and suffix)
    inside a private folder beside it and does not exist yet.
    """
    with output_set([path], force=force, flags=[flag]) as (tmp,):
        yield tmp


@contextlib.contextmanager
def atomic_dir(path, *, force: bool = False, flag: str | None = None):
    """Yield a new empty folder to fill; when the block succeeds, it replaces ``path``.

    The folder is created with the umask's permissions. An existing ``path`` (replaced
    only with ``force``) is swapped out atomically where the system supports it.
    """
    with output_set([path], force=force, flags=[flag]) as (tmp,):
        os.mkdir(tmp)
        yield tmp


# ------------------------------------------------------------------ atomic exchange

_renameat2 = None


def exchange(a, b) -> bool:
    """Atomically swap two paths on one file system (Linux ``renameat2(RENAME_EXCHANGE)``).

    Returns False (nothing done) when the system or file system cannot; the caller then
    falls back to two renames.
    """
    global _renameat2
    import sys

    if not sys.platform.startswith("linux"):
        return False
    if _renameat2 is None:
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            fn = libc.renameat2
            fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                           ctypes.c_uint]
            fn.restype = ctypes.c_int
            _renameat2 = fn
        except (OSError, AttributeError):
            _renameat2 = False
    if _renameat2 is False:
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = _renameat2(at_fdcwd, os.fsencode(os.fspath(a)), at_fdcwd, os.fsencode(os.fspath(b)),
                    rename_exchange)
    return rc == 0
