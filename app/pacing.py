"""Keeping the GUI responsive while a training thread runs: the measures a run takes (one context
manager) and the queue that spreads the views' heavier updates over turns of the event loop.

Both were measured with ``benchmarks/bench_gui_training.py`` (see ``benchmarks/README_gui.md``): with
them, a small network trains at ~84% of its headless speed in the Train tab and the event loop never
stalls for more than ~20 ms.
"""
from __future__ import annotations

import gc
import sys
from collections.abc import Callable

from PySide6.QtCore import QAbstractEventDispatcher, QCoreApplication, QObject, QTimer

from app import jobs
from app.blas_threads import leave_a_core

GIL_SWITCH_INTERVAL = 0.001  # sys.setswitchinterval while training (CPython's default is 0.005)
JOB_GAP_MS = 12  # between two queued view updates: each gets its own turn of the event loop, and its repaint


class ResponsiveRun:
    """What the process does for the GUI while a run's thread goes on, undone when it ends::

        with ResponsiveRun(worker) as measures:  # (or enter it when the thread starts, exit when it ends)
            measures.hold_frame()                # before the GUI draws a frame

    - The GUI thread waits at most 1 ms (not 5) for the GIL each time it needs it
      (``sys.setswitchinterval``).
    - A full collection of Python's cyclic garbage walks every object the app holds (~110,000, most of
      them Qt and pyqtgraph wrappers): 70-80 ms on whichever thread triggers it, with the GIL held. The
      objects alive when the run starts are set aside until it ends (``gc.freeze``), so collections
      during the run only walk what the run itself makes.
    - Each turn of the GUI's event loop runs alone: its first event clears ``app.jobs.gui_idle``, the
      dispatcher's ``aboutToBlock`` sets it again, and a run's loop waits between two items while it is
      clear. Without it the threads take turns at the GIL through every Python call
      the turn makes (a GIL hand-over costs up to the 1 ms switch interval: a turn of 5 ms of work
      took 30-100 ms).
    - BLAS leaves a core to the GUI thread (``app.blas_threads.leave_a_core``).
    - ``hold_frame()`` keeps the training thread between two mini-batches (its ``frame_lock``, see
      ``app.jobs``) until this turn of the event loop has drawn and painted what it changed (released
      by a zero timer, after the paint events): the two threads then do not take turns at the GIL
      through every Python call of a repaint.
    """

    #: runs whose measures are in force (a Train run and a Gradients experiment may overlap): the
    #: process-wide settings are made by the first to start and undone by the last to end
    _active = 0
    _saved_switch_interval = sys.getswitchinterval()
    _blas_limits = None

    def __init__(self, worker):
        self.lock = worker.frame_lock
        self.active = False
        self._held = False

    def __enter__(self) -> ResponsiveRun:
        if not self.active:
            self.active = True
            cls = ResponsiveRun
            if cls._active == 0:
                cls._saved_switch_interval = sys.getswitchinterval()
                sys.setswitchinterval(min(cls._saved_switch_interval, GIL_SWITCH_INTERVAL))
                gc.freeze()
                _watch_turns(True)
                cls._blas_limits = leave_a_core()
            cls._active += 1
        return self

    def __exit__(self, *exc) -> None:
        self.release()
        if self.active:
            self.active = False
            cls = ResponsiveRun
            cls._active -= 1
            if cls._active == 0:
                sys.setswitchinterval(cls._saved_switch_interval)
                gc.unfreeze()  # the objects set aside are collected as usual again
                _watch_turns(False)
                cls._blas_limits.restore_original_limits()

    def hold_frame(self) -> None:
        if self.active and not self._held:
            self.lock.acquire()
            self._held = True
            QTimer.singleShot(0, self.release)

    def release(self) -> None:
        if self._held:
            self._held = False
            self.lock.release()


class _TurnWatch(QObject):
    """Keeps ``jobs.gui_idle`` clear while the GUI thread works: from the first event it delivers (an
    application-wide event filter sees every event of the GUI thread: timers, queued signals, input,
    paints) until its event loop is about to wait again (the dispatcher's ``aboutToBlock``). (The
    dispatcher's ``awake`` would not do: the glib dispatcher emits it after the events it woke for.)"""

    def __init__(self):
        super().__init__()
        self.idle = jobs.gui_idle

    def eventFilter(self, watched, event) -> bool:
        if self.idle.is_set():
            self.idle.clear()
        return False

    def start(self) -> None:
        app = QCoreApplication.instance()
        dispatcher = QAbstractEventDispatcher.instance()
        if app is None or dispatcher is None:  # (no event loop: nothing to favour)
            return
        app.installEventFilter(self)
        dispatcher.aboutToBlock.connect(self.idle.set)

    def stop(self) -> None:
        app = QCoreApplication.instance()
        dispatcher = QAbstractEventDispatcher.instance()
        if app is not None:
            app.removeEventFilter(self)
        if dispatcher is not None:
            try:
                dispatcher.aboutToBlock.disconnect(self.idle.set)
            except (RuntimeError, TypeError):  # (not connected)
                pass
        self.idle.set()


_turns: _TurnWatch | None = None


def _watch_turns(on: bool) -> None:
    global _turns
    if on:
        if _turns is None:
            _turns = _TurnWatch()
        _turns.start()
    elif _turns is not None:
        _turns.stop()


class DrawQueue(QObject):
    """Jobs (view updates) run on later turns of the event loop, in order, each on its own, JOB_GAP_MS
    apart (posted events, a ``singleShot(0)``, would all run, repaints included, before the event
    loop looks at input). ``before_each`` runs before each job (it holds the training thread)."""

    def __init__(self, before_each: Callable[[], None] = lambda: None, parent: QObject | None = None):
        super().__init__(parent)
        self.jobs: dict[str, Callable[[], object]] = {}
        self.before_each = before_each
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(JOB_GAP_MS)
        self._timer.timeout.connect(self._next)

    def later(self, key: str, job: Callable[[], object]) -> None:
        """Queue ``job``; a newer job with the same key replaces one still waiting, in its place: a fast
        run that re-queues every view at each draw cannot keep pushing the last ones (the mistakes,
        publishing the network) back for ever."""
        self.jobs[key] = job
        if not self._timer.isActive():
            self._timer.start()

    def drop(self, key: str) -> None:
        self.jobs.pop(key, None)

    def clear(self) -> None:
        self.jobs.clear()

    def _next(self) -> None:
        if self.jobs:
            self.before_each()
            self.jobs.pop(next(iter(self.jobs)))()
        if self.jobs and not self._timer.isActive():
            self._timer.start()
