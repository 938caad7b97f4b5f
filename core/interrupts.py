"""Ctrl-C and SIGTERM for the ``nndl`` command: the first one stops the work, later ones are ignored.

:func:`install` makes SIGINT (Ctrl-C) and SIGTERM raise :class:`Interrupted` (a
``KeyboardInterrupt``). Whoever catches it calls :func:`handled` first thing; from then on every
further signal is ignored, so a second Ctrl-C while the program winds up (saving what a run
learned, printing its last line) neither skips the save nor prints a traceback. Inside
:func:`shielded` even the first one waits until the block has finished (a save is never cut short).

Python drops an exception raised while it runs a weak-reference callback or a ``__del__`` (it
prints "Exception ignored in ..." and goes on), and a signal can land just there. Such a lost
interruption is kept quiet (``sys.unraisablehook``) and raised again at the next :func:`check`,
which the command calls at safe points (after its imports, after every mini-batch).

A terminal's Ctrl-\\ (SIGQUIT) or ``kill -9`` still stop the program at once; a save that is killed
leaves the previous file as it was (``core.atomic``).
"""
from __future__ import annotations

import signal
import sys
from contextlib import contextmanager


class Interrupted(KeyboardInterrupt):
    """Raised by SIGINT or SIGTERM; ``status`` is the conventional exit status, 128 + signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def status(self) -> int:
        return 128 + self.signum


class _State:
    raised: int | None = None  # a signal raised as Interrupted and not yet handled
    handled = False  # an interruption is being handled: later signals are ignored
    shield = 0  # depth of shielded() blocks
    held: int | None = None  # a signal that arrived inside a shielded block
    previous_hook = None


def _handler(signum, frame) -> None:
    if _State.handled:
        return
    if _State.shield:
        _State.held = _State.held or signum
        return
    _State.raised = signum
    raise Interrupted(signum)


def _unraisable(info) -> None:
    """Python dropped an exception it could not raise; an interruption is kept for :func:`check`."""
    if isinstance(info.exc_value, Interrupted):
        return
    (_State.previous_hook or sys.__unraisablehook__)(info)


def install() -> dict:
    """Handle SIGINT and SIGTERM as above, unless they were set to be ignored (``nohup``, a
    background job) or handled by someone else. Returns what it replaced, for :func:`restore`."""
    _State.raised, _State.handled, _State.shield, _State.held = None, False, 0, None
    replaced = {}
    for signum, default in ((signal.SIGINT, signal.default_int_handler), (signal.SIGTERM, signal.SIG_DFL)):
        if signal.getsignal(signum) is default:
            replaced[signum] = signal.signal(signum, _handler)
    if replaced:
        _State.previous_hook, sys.unraisablehook = sys.unraisablehook, _unraisable
    return replaced


def restore(replaced: dict, exiting: bool = False) -> None:
    """Put back what :func:`install` replaced; when the program is ``exiting``, ignore the signals
    instead (a Ctrl-C during the interpreter's shutdown would otherwise kill it by signal)."""
    for signum, previous in replaced.items():
        signal.signal(signum, signal.SIG_IGN if exiting else previous)
    if replaced and not exiting:
        sys.unraisablehook = _State.previous_hook or sys.__unraisablehook__


def check() -> None:
    """Raise again an interruption that Python dropped (see the module docstring); else nothing."""
    if _State.raised is not None and not _State.handled:
        raise Interrupted(_State.raised)


def handled(exc: BaseException) -> int:
    """Call first thing where an interruption is caught: later signals are ignored from now on.
    Returns the exit status: 130 for Ctrl-C (or a plain KeyboardInterrupt), 143 for SIGTERM."""
    _State.handled, _State.raised = True, None
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
    if not _State.shield and _State.held is not None and not _State.handled:
        signum, _State.held = _State.held, None
        raise Interrupted(signum)
