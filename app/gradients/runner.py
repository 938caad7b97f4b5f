"""Runs one of ``core.vanishing``'s record iterators off the GUI thread, with pause and stop.

The Gradients tab trains several networks side by side (one epoch of each in turn), which is not
one ``Trainer``, so it does not use ``app.worker.TrainingWorker``; the iterator it runs already does
the work and only its small records cross threads, gathered and emitted at most every ``interval``
seconds (``records(list)``, preceded by ``snapshot(object)`` when a ``snapshot`` callable is given:
it runs on the worker thread between two records, so it may copy what the iterator is training),
then once ``finished_run(str)``: "completed", "stopped" or the error.
"""
from __future__ import annotations

import threading
import time
from typing import Any, Callable, Iterator

from PySide6.QtCore import QThread, Signal


class _KeptAlive:
    """A running thread holds a reference to itself until it has finished, so that its owner going
    away (a closed window, a test's teardown) never destroys a QThread that still runs."""

    _live: set = set()

    def start(self, *args) -> None:
        _KeptAlive._live.add(self)
        self.finished.connect(self._release)  # a method of this QObject: runs on the GUI thread
        super().start(*args)

    def _release(self) -> None:
        _KeptAlive._live.discard(self)


class RecordWorker(_KeptAlive, QThread):
    records = Signal(object)  # a list of records, in order
    snapshot = Signal(object)
    finished_run = Signal(str)

    def __init__(self, make_records: Callable[[], Iterator[Any]], interval: float = 0.1,
                 snapshot: Callable[[], Any] | None = None, parent=None):
        """``make_records`` is called on the worker thread and returns the iterator to drain."""
        super().__init__(parent)
        self.make_records = make_records
        self.take_snapshot = snapshot
        self.interval = interval
        self._running = threading.Event()  # set = running, clear = paused
        self._running.set()
        self._stop = False

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def stop(self) -> None:
        self._stop = True
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def run(self) -> None:
        pending: list[Any] = []
        last = time.perf_counter()
        reason = "completed"
        try:
            records = self.make_records()
            for record in records:
                pending.append(record)
                now = time.perf_counter()
                if now - last >= self.interval:
                    self._emit(pending)
                    pending, last = [], now
                if not self._running.is_set():  # paused: show everything so far, then wait
                    if pending:
                        self._emit(pending)
                        pending = []
                    while not self._running.wait(0.05) and not self._stop:
                        pass
                if self._stop:
                    reason = "stopped"
                    close = getattr(records, "close", None)
                    if close is not None:
                        close()
                    break
        except Exception as exc:  # report a bug to the view rather than dying silently
            reason = f"error: {type(exc).__name__}: {exc}"
        if pending:
            self._emit(pending)
        self.finished_run.emit(reason)

    def _emit(self, pending: list[Any]) -> None:
        if self.take_snapshot is not None:
            self.snapshot.emit(self.take_snapshot())
        self.records.emit(pending)


class OneShot(_KeptAlive, QThread):
    """Runs ``function(*args)`` once off the GUI thread: ``done(result)`` or ``failed(message)``.
    The owner keeps it and ``wait()``s for it before going away (``shutdown``)."""

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, function: Callable[..., Any], *args, parent=None, **kwargs):
        super().__init__(parent)
        self.function, self.args, self.kwargs = function, args, kwargs

    def run(self) -> None:
        try:
            result = self.function(*self.args, **self.kwargs)
        except Exception as exc:  # shown to the user by the owner
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.done.emit(result)
