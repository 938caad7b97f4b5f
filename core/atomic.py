"""Writing a file the safe way: never over something that is not a regular file, always atomically.

:func:`write_atomic` writes into a temporary file beside the target (``.NAME.XXXXXXXX.tmp``), flushes
it to disk, gives it an ordinary file's permissions (0666 less the umask, like any file the user
makes) and renames it over the target, so a reader, a crash or a ``kill -9`` sees either the old file
or the new one, never half of one. A target that exists and is not a regular file (a device such as
``/dev/null``, a FIFO, a socket, a folder) is refused: a rename would replace it. A symbolic link is
written through (the file it points to is replaced, the link stays). Every failure raises
:class:`WriteError` with one line that names the user's path, never the temporary file.

A save that was killed leaves its temporary file behind; :func:`remove_stale_temporaries` removes
those that are certainly ours (see its docstring).
"""
from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from pathlib import Path
from typing import BinaryIO, Callable

try:  # POSIX: a writer holds a lock on its temporary file, so a cleaner can tell a live save from a dead one
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

STALE_AFTER = 60.0  # seconds without a write before a temporary file can be a dead save's


class WriteError(Exception):
    """A file cannot be written; the message (one line) names the user's path and says why."""


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words ('a folder', 'a device', ...)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def check_target(path: str | os.PathLike) -> Path:
    """The file a write to ``path`` would replace (symbolic links followed), after checking that
    it can be written there: its folder exists and is writable, and nothing but a regular file is
    in the way. Raises :class:`WriteError`. Cheap: call it before a long run, not only after."""
    user = Path(path)
    target = Path(os.path.realpath(user))
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise WriteError(f"cannot write {user}: {exc.strerror or exc}") from None
    if mode is not None and not stat.S_ISREG(mode):
        raise WriteError(f"cannot write {user}: it is {kind_of(mode)}, not a regular file (a save never replaces one)")
    folder = target.parent
    if not folder.is_dir():
        raise WriteError(f"cannot write {user}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise WriteError(f"cannot write {user}: folder {folder} is not writable")
    return target


def write_atomic(path: str | os.PathLike, write: Callable[[BinaryIO], None]) -> Path:
    """Call ``write(f)`` on a temporary file beside ``path``, then put it in place of ``path`` in
    one rename. Returns the path written (symbolic links followed). Raises :class:`WriteError` (the
    previous file, if any, is left as it was; no temporary file is left behind)."""
    user = Path(path)
    target = check_target(user)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            if fcntl is not None:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX)  # released when the file closes or we die
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600 files; this is an ordinary file
        check_target(user)  # nothing but a regular file took the target's place while we wrote
        os.replace(tmp, target)
    except WriteError:
        _discard(tmp)
        raise
    except OSError as exc:
        _discard(tmp)
        raise WriteError(f"cannot write {user}: {exc.strerror or exc}") from None
    except BaseException:
        _discard(tmp)
        raise
    remove_stale_temporaries(target)
    return target


def temporary_pattern(target: Path) -> re.Pattern:
    """The names :func:`write_atomic` gives its temporary files for ``target`` (mkstemp's eight
    random characters between the target's name and ``.tmp``)."""
    return re.compile(rf"\.{re.escape(target.name)}\.[a-z0-9_]{{8}}\.tmp")


def remove_stale_temporaries(target: str | os.PathLike, stale_after: float = STALE_AFTER) -> list[Path]:
    """Remove the temporary files that killed writes of ``target`` left beside it; returns them.

    A file is removed only when all of these hold: its name is exactly what :func:`write_atomic`
    names a temporary file for this target; it is a regular file (not a link) owned by this user;
    it has not been written for ``stale_after`` seconds; and (where file locks exist) no process
    holds the lock a live write keeps on it. Anything else is left alone.
    """
    target = Path(target)
    pattern = temporary_pattern(target)
    removed = []
    try:
        names = [n for n in os.listdir(target.parent) if pattern.fullmatch(n)]
    except OSError:
        return removed
    for name in names:
        candidate = target.parent / name
        if _is_stale(candidate, stale_after):
            try:
                candidate.unlink()
                removed.append(candidate)
            except OSError:
                pass
    return removed


def _is_stale(candidate: Path, stale_after: float) -> bool:
    try:
        fd = os.open(candidate, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != _euid() or time.time() - st.st_mtime < stale_after:
            return False
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError:
                return False  # a live write holds it
        return True
    finally:
        os.close(fd)


def _euid() -> int:
    return os.geteuid() if hasattr(os, "geteuid") else os.stat(tempfile.gettempdir()).st_uid


def _discard(tmp: str | None) -> None:
    if tmp is not None:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
