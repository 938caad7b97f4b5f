"""Work off the GUI thread, one way for the whole app.

Two kinds of job, each on a ``QThread`` of its own:

- :func:`call` runs ``function(*args)`` once (loading MNIST or a network, classifying the test set,
  an analysis): ``done(result)`` or ``failed(exception)``, then ``ended()``, on the GUI thread.
- :class:`Loop` drains an iterator (the Gradients tab's experiments, the Universality tab's learner;
  ``app.worker.TrainingWorker`` is a Loop over a trainer's events). Between two items it honours
  stop, pause and step (one more item, then paused again), checked without crossing threads; what
  the items say crosses to the GUI thread gathered, at most every ``interval`` seconds
  (``reported(items, snapshot)``: all of them, in order), and ``ended(reason)`` once.

Lifetime. A job is held here from ``start()`` until its thread has ended, whoever else lets go of it,
so a widget that goes first (a closed window, a test's teardown) never destroys a thread that still
runs ("QThread: Destroyed while thread is still running" aborts the process) and a thread never emits
from a deleted object. Callbacks connected with :meth:`Job.on` run on the GUI thread through a relay
that is a child of the job's ``owner``: once the owner is deleted, or the job cancelled, they no longer
run. :func:`shutdown` cancels the jobs of one window (or all) and waits for their threads: the main
window calls it when it closes, and it runs for whatever is left when the interpreter exits.

Why not superqt's workers (``thread_worker``): they run on Qt's global thread pool (as many threads as
cores: two long loops would hold up loading MNIST on a 2-core machine), a generator worker sends a
signal across threads for every item it yields (a small network's mini-batch is ~35 µs), and it has
no step, no throttled reports and no hold for the GUI's frames (below).

The GUI's turns and the GIL, measured with ``benchmarks/bench_gui_stalls.py`` (``benchmarks/README_gui.md``):
a small network's mini-batch is Python and tiny NumPy calls that never release the GIL, and a GUI
thread working beside it waits for the GIL at each of the thousands of times a repaint or a slot lets
it go (a call into Qt) and the loop takes it: a turn of 5 ms of work took 30-200 ms. So, while a run's
measures are in force (``app.pacing.ResponsiveRun``), a loop waits between two items whenever the GUI
thread is at work (``gui_idle`` clear: from the first event of a turn of its event loop until it waits
for events again), and while the GUI holds ``frame_lock`` (until a frame it draws has been painted).
And a run of fast items would starve the GUI thread of the GIL it needs to begin a turn: every
YIELD_EVERY seconds in which at least FAST_ITEMS items ran, the loop sleeps YIELD_FOR. Slower items
(BLAS releases the GIL) never yield.
"""
from __future__ import annotations

import atexit
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal
from shiboken6 import isValid

YIELD_EVERY = 0.005
YIELD_FOR = 0.0002
FAST_ITEMS = 8

#: Clear while the GUI thread is at work, set while its event loop waits (``app.pacing.ResponsiveRun``
#: keeps it so during runs; always set otherwise): a loop waits between two items until the GUI's turn
#: is over, at most TURN_WAIT, then runs for TURN_SLICE (or until the GUI rests) before it waits again:
#: a GUI that is never idle slows a run down, never stops it.
gui_idle = threading.Event()
gui_idle.set()
TURN_WAIT = 0.05
TURN_SLICE = 0.005

#: every job whose thread has been started and not yet seen to end
_live: set[Job] = set()


class _Relay(QObject):
    """Calls ``callback`` with what a job's signal carries, on the GUI thread (it lives there), unless
    the job has been cancelled. A child of the job's owner: it goes, and its connection with it, when
    the owner is deleted."""

    def __init__(self, job: Job, callback: Callable[..., Any]):
        super().__init__(job.owner)
        self.job, self.callback = job, callback

    def deliver(self, *args) -> None:
        if not self.job.cancelled:
            self.callback(*args)


class Job(QThread):
    """A thread that is held until it ends (see the module's docstring)."""

    def __init__(self, owner: QObject | None = None):
        super().__init__()  # no parent: nothing deletes it while it runs
        self.owner = owner
        self.cancelled = False
        self._relays: list[_Relay] = []
        self._at_end: list[Callable[[], Any]] = []
        self.finished.connect(self._ended)  # (before any ``on(job.finished, ...)``: it runs first)

    def on(self, signal, callback: Callable[..., Any]) -> Job:
        """Run ``callback`` on the GUI thread each time ``signal`` (one of this job's) is emitted, as
        long as the job is not cancelled and its owner not deleted; returns the job."""
        relay = _Relay(self, callback)
        signal.connect(relay.deliver)
        self._relays.append(relay)
        return self

    def when_ended(self, callback: Callable[[], Any]) -> Job:
        """Run ``callback()`` on the GUI thread once the thread has ended, even if the job was cancelled
        or its owner deleted: to undo what was set up for the job (it must not use the owner); returns
        the job."""
        self._at_end.append(callback)
        return self

    def start(self, *args) -> None:
        _live.add(self)
        super().start(*args)

    def stop(self) -> None:
        """Ask the job to end early (a call runs to its end; its result still arrives)."""

    def cancel(self) -> None:
        """No callback of this job runs any more, including ones already queued; a loop stops at its
        next item."""
        self.cancelled = True
        self.stop()

    def _ended(self) -> None:
        self.wait()  # (``finished`` is emitted just before the thread returns)
        for callback in self._at_end:
            callback()
        self._at_end.clear()
        # let go of it on a later turn, once what it sent has been delivered (not inside the delivery
        # of its own signal)
        QTimer.singleShot(0, self._let_go)

    def _let_go(self) -> None:
        # A relay is a child of the owner: it would stay as long as the owner. Handed to Python, it goes
        # with its last reference (the list's, or a call of its own still under way). Not deleteLater():
        # if letting go of the relays lets go of the owner too (its last reference was in a callback),
        # PySide deletes the owner, and a relay deleted later, after it, crashes the process.
        for relay in self._relays:
            if isValid(relay):
                relay.setParent(None)
        self._relays.clear()
        _live.discard(self)


def _inside(owner: QObject | None, within: QObject) -> bool:
    """Whether ``owner`` is ``within`` or one of its descendants (a deleted owner counts: its job has
    no one left to report to)."""
    while owner is not None:
        if not isValid(owner) or owner is within:
            return True
        owner = owner.parent()
    return False


def shutdown(within: QObject | None = None) -> None:
    """Cancel every job owned by ``within`` or its descendants (every job, if None) and wait for
    their threads to end."""
    jobs = [job for job in list(_live) if within is None or _inside(job.owner, within)]
    for job in jobs:
        job.cancel()
    for job in jobs:
        job.wait()


atexit.register(shutdown)  # (Python is still whole then: the threads end before it is torn down)


def running(within: QObject | None = None) -> list[Job]:
    """The jobs still running, of ``within`` and its descendants (of anyone, if None)."""
    return [job for job in _live if job.isRunning() and (within is None or _inside(job.owner, within))]


# --- a call -------------------------------------------------------------------------------------------
class Call(Job):
    """``function(*args, **kwargs)`` on a thread of its own; ``done(result)`` or ``failed(exception)``."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, function: Callable[..., Any], *args, owner: QObject | None = None, **kwargs):
        super().__init__(owner)
        self.function, self.args, self.kwargs = function, args, kwargs

    def run(self) -> None:
        try:
            result = self.function(*self.args, **self.kwargs)
        except Exception as exc:  # the owner shows it (or it is raised on the GUI thread)
            self.failed.emit(exc)
        else:
            self.done.emit(result)


def _raise(exc: Exception) -> None:
    raise exc


def call(function: Callable[..., Any], *args, done: Callable[[Any], Any] | None = None,
         failed: Callable[[Exception], Any] | None = None, ended: Callable[[], Any] | None = None,
         owner: QObject | None = None, **kwargs) -> Call:
    """Start ``function(*args, **kwargs)`` off the GUI thread. On the GUI thread, afterwards:
    ``done(result)`` or ``failed(exception)`` (without ``failed``, the exception is raised there, as
    an error in a slot), then ``ended()``; none of them once ``owner`` is deleted or the job cancelled."""
    job = Call(function, *args, owner=owner, **kwargs)
    job.on(job.done, done or (lambda _result: None)).on(job.failed, failed or _raise)
    if ended is not None:
        job.on(job.finished, ended)
    job.start()
    return job


# --- a loop -------------------------------------------------------------------------------------------
class _Shared:
    """A loop's counters and flags, read and written by both threads: in a plain object, because
    setting an attribute of a Qt object costs ~0.2 µs, too much to do several times per 35 µs item."""

    __slots__ = ("steps", "steps_allowed", "epochs", "stop", "waiting", "calls")

    def __init__(self):
        self.steps = self.steps_allowed = self.epochs = 0
        self.stop = self.waiting = False
        self.calls: deque[Callable[[], Any]] = deque()  # to run on the loop's thread between two items


class Loop(Job):
    """Drains the iterator ``make_items()`` (called on the loop's thread) with pause, step and stop
    between items. ``reported(items, snapshot)``: the items since the last report, the first at once,
    then at most every ``interval`` seconds and whenever the loop pauses or ends, with ``snapshot()``
    (run on the loop's thread, between two items, so it may copy what the iterator works on; None
    without one). ``ended(reason)``: "completed", "stopped" or "error: <type>: <message>"
    (``exception`` holds it).

    ``per_item(subject, item)``, if given, runs on the loop's thread after every step, and its results
    go with the items to ``_report`` (``subject``: what the iterator works on, e.g. a trainer).
    Subclasses may narrow what counts as a step: with ``step_type``, only items of that type are
    counted, gathered and paused at; any other item goes at once to ``_other``, after a report of
    what was gathered, and may end the loop."""

    reported = Signal(object, object)
    ended = Signal(str)

    def __init__(self, make_items: Callable[[], Iterator[Any]] | None = None, interval: float = 0.1,
                 snapshot: Callable[[], Any] | None = None, owner: QObject | None = None,
                 step_type: type | None = None, per_item: Callable[[Any, Any], Any] | None = None,
                 subject: Any = None):
        super().__init__(owner)
        self.make_items = make_items
        self.interval = interval
        self.take_snapshot = snapshot
        self.step_type, self.per_item, self.subject = step_type, per_item, subject
        self.exception: Exception | None = None
        self._run_flag = threading.Event()  # set = running, clear = paused
        self._run_flag.set()
        self.frame_lock = threading.Lock()  # held by the GUI while it draws: the loop waits between items
        self._shared = _Shared()

    step_count = property(lambda self: self._shared.steps, doc="items (mini-batches) done so far")
    waiting = property(lambda self: self._shared.waiting, doc="True while paused and idle, between two items")

    # --- control (any thread) ------------------------------------------------------------------------
    def pause(self) -> None:
        self._run_flag.clear()

    def resume(self) -> None:
        self._shared.steps_allowed = 0
        self._run_flag.set()

    def step(self) -> None:
        """When paused: do exactly one more item, then report and pause again."""
        self._shared.steps_allowed += 1
        self._run_flag.set()

    def stop(self) -> None:
        self._shared.stop = True
        self._run_flag.set()

    def between_items(self, function: Callable[[int], Any]) -> None:
        """Run ``function(steps_done)`` where no item is under way: on the loop's thread between two
        items, or at once while the loop waits paused (or has not started, or is over). What it
        changes (e.g. a trainer's η) then applies exactly from item ``steps_done + 1``."""
        shared = self._shared
        if shared.waiting or not self.isRunning():
            function(shared.steps)
        else:
            shared.calls.append(lambda: function(shared.steps))

    @property
    def paused(self) -> bool:
        return not self._run_flag.is_set()

    # --- the thread ----------------------------------------------------------------------------------
    def run(self) -> None:
        try:
            reason = self._finish(self._loop())
        except Exception as exc:  # a bug must not end the thread silently: the owner shows it
            self.exception = exc
            reason = self._failed(exc)
        self.ended.emit(reason)

    def _loop(self) -> str:
        # Every item of a small network's run is a ~35 µs mini-batch: what is done here for each one
        # is kept to locals and a few attribute reads (no call, no crossing of threads).
        shared, run_flag, lock, interval, clock = self._shared, self._run_flag, self.frame_lock, self.interval, \
            time.perf_counter
        step_type, per_item, subject = self.step_type, self.per_item, self.subject
        pending: list[Any] = []
        extras: list[Any] = []
        last, yielded = 0.0, clock()
        since_yield = 0
        idle, unchecked_until = gui_idle, 0.0
        reason = "completed"
        items = self.make_items()
        try:
            for item in items:
                if type(item) is not step_type and step_type is not None:
                    if pending or extras:
                        self._report(pending, extras)
                        pending, extras = [], []
                    end = self._other(item)
                    if end is not None or shared.stop:
                        reason = end or "stopped"
                        break
                    continue
                shared.steps += 1
                pending.append(item)
                if per_item is not None:
                    extras.append(per_item(subject, item))
                stepping = shared.steps_allowed > 0
                now = clock()
                if stepping or now - last >= interval:
                    self._report(pending, extras)
                    pending, extras, last = [], [], now
                if stepping:
                    shared.steps_allowed -= 1
                    if shared.steps_allowed == 0:
                        run_flag.clear()
                if not run_flag.is_set():
                    if pending or extras:  # the views show exactly where the loop paused
                        self._report(pending, extras)
                        pending, extras, last = [], [], clock()
                    self._wait_if_paused()
                if lock.acquire(False):  # (uncontended: ~0.1 µs; else the GUI is drawing a frame)
                    lock.release()
                else:
                    self._wait_for_frame()
                if idle.is_set():
                    unchecked_until = 0.0
                elif now > unchecked_until and not idle.wait(TURN_WAIT):
                    unchecked_until = clock() + TURN_SLICE  # the GUI stays busy: go on for a while
                since_yield += 1
                if now - yielded > YIELD_EVERY:
                    if since_yield >= FAST_ITEMS:
                        time.sleep(YIELD_FOR)  # the GUI thread's pending Python (timers, signals) runs now
                    yielded, since_yield = clock(), 0
                if shared.calls:
                    while shared.calls:
                        shared.calls.popleft()()
                if shared.stop:
                    reason = "stopped"
                    break
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()
            if pending or extras:
                self._report(pending, extras)
        return reason

    # --- what a subclass may change --------------------------------------------------------------------
    def _report(self, items: list[Any], extras: list[Any]) -> None:
        self.reported.emit(items, self.take_snapshot() if self.take_snapshot is not None else None)

    def _other(self, item: Any) -> str | None:
        """An item that is not a step (see ``step_type``); a reason ends the loop."""
        return None

    def _finish(self, reason: str) -> str:
        """The loop is over ("completed" or "stopped"), everything gathered reported."""
        return reason

    def _failed(self, exc: Exception) -> str:
        return f"error: {type(exc).__name__}: {exc}"

    def _wait_for_frame(self) -> None:
        """Wait while the GUI draws a frame (it holds ``frame_lock``), or until asked to stop."""
        while not self.frame_lock.acquire(timeout=0.05):
            if self._shared.stop:
                return
        self.frame_lock.release()

    def _wait_if_paused(self) -> None:
        if self._run_flag.is_set():
            return
        self._shared.waiting = True  # the thread is idle, between two items
        try:
            while not self._run_flag.wait(0.05):
                if self._shared.stop:
                    return
        finally:
            self._shared.waiting = False
