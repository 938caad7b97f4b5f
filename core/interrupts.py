"""Ctrl-C and SIGTERM for the ``nndl`` command: the first one stops the work, later ones are ignored.

:func:`install` makes SIGINT (Ctrl-C) and SIGTERM raise :class:`Interrupted` (a
``KeyboardInterrupt``) the first time either arrives; every later one is ignored, so a second Ctrl-C
while the program winds up (saving what a run learned, printing its last line) neither skips the
save nor prints a traceback. Inside :func:`shielded` even the first one waits until the block has
finished (a save is never cut short). A terminal's Ctrl-\\ (SIGQUIT) or ``kill -9`` still stop the
program at once; a save that is killed leaves the previous file as it was (``core.atomic``).
"""
from __future__ import annotations

import signal
from contextlib import contextmanager


class Interrupted(KeyboardInterrupt):
    """Raised by the first SIGINT or SIGTERM; ``status`` is the conventional exit status, 128 + signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def status(self) -> int:
        return 128 + self.signum


class _State:
    received = 0  # signals so far
    shield = 0  # depth of shielded() blocks
    held: int | None = None  # a first signal that arrived inside a shielded block


def _handler(signum, frame) -> None:
    _State.received += 1
    if _State.received > 1:
        return
    if _State.shield:
        _State.held = signum
        return
    raise Interrupted(signum)


def install() -> dict:
    """Handle SIGINT and SIGTERM as above, unless they were set to be ignored (``nohup``, a
    background job) or handled by someone else. Returns the handlers it replaced, for :func:`restore`."""
    _State.received, _State.shield, _State.held = 0, 0, None
    replaced = {}
    for signum, default in ((signal.SIGINT, signal.default_int_handler), (signal.SIGTERM, signal.SIG_DFL)):
        if signal.getsignal(signum) is default:
            replaced[signum] = signal.signal(signum, _handler)
    return replaced


def restore(replaced: dict, exiting: bool = False) -> None:
    """Put back the handlers :func:`install` replaced; when the program is ``exiting``, ignore the
    signals instead (a Ctrl-C during the interpreter's shutdown would otherwise kill it by signal)."""
    for signum, previous in replaced.items():
        signal.signal(signum, signal.SIG_IGN if exiting else previous)


def status(exc: BaseException) -> int:
    """The exit status for an interruption: 130 for Ctrl-C (or a plain KeyboardInterrupt), 143 for SIGTERM."""
    return exc.status if isinstance(exc, Interrupted) else 128 + signal.SIGINT


def describe(exc: BaseException) -> str:
    return "terminated" if isinstance(exc, Interrupted) and exc.signum == signal.SIGTERM else "interrupted"


@contextmanager
def shielded():
    """A block that a first SIGINT or SIGTERM does not cut short: it is raised when the block ends."""
    _State.shield += 1
    try:
        yield
    finally:
        _State.shield -= 1
    if not _State.shield and _State.held is not None:
        signum, _State.held = _State.held, None
        raise Interrupted(signum)
