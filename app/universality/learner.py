"""Runs ``core.universality.GradientDescent`` off the GUI thread and reports a copy of the network
about 20 times a second.

superqt's generator worker: the generator does as many gradient-descent steps as fit in one
``interval``, then yields a snapshot; stop is honoured at every yield.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, Signal
from superqt.utils import thread_worker

from core import universality as u

#: workers still running, kept alive here so that their signals outlive a page closed mid-run
_RUNNING: set = set()


def keep_alive(worker) -> None:
    """Hold a reference to a superqt worker until it finishes."""
    _RUNNING.add(worker)
    worker.finished.connect(lambda: _RUNNING.discard(worker))


def _learn(target, config: u.LearnConfig, max_steps: int, interval: float):
    gd = u.GradientDescent(target, config)
    gd.cost = u.cost_and_gradients(gd.net, gd.x, gd.t)[0]
    yield _snapshot(gd, target)
    while gd.steps < max_steps:
        until = time.perf_counter() + interval
        while gd.steps < max_steps and time.perf_counter() < until:
            gd.step()
        yield _snapshot(gd, target)
    return max_steps


def _snapshot(gd: u.GradientDescent, target) -> dict:
    return {"steps": gd.steps, "cost": gd.cost, "deviation": u.network_deviation(gd.net, target),
            "net": gd.net.copy()}


class Learner(QObject):
    """``start`` a run; ``progress(dict)`` carries {"steps", "cost", "deviation", "net"} (a copy);
    ``finished(str)`` says why it ended (done, stopped, or the error)."""

    progress = Signal(object)
    finished = Signal(str)

    def __init__(self, interval: float = 0.05, parent=None):
        super().__init__(parent)
        self.interval = interval
        self._worker = None
        self._reason = ""

    @property
    def running(self) -> bool:
        return self._worker is not None

    def start(self, target, config: u.LearnConfig, max_steps: int) -> None:
        if self._worker is not None:
            raise RuntimeError("a run is already going")
        worker = thread_worker(_learn, start_thread=False, ignore_errors=True)(target, config, max_steps, self.interval)
        self._reason = "done"
        worker.yielded.connect(self.progress.emit)
        worker.errored.connect(self._errored)
        worker.aborted.connect(lambda: setattr(self, "_reason", "stopped"))
        worker.finished.connect(self._finished)
        keep_alive(worker)
        self._worker = worker
        worker.start()

    def stop(self) -> None:
        """Ask the run to stop at its next report (``finished`` follows)."""
        if self._worker is not None:
            self._worker.quit()

    def stop_and_wait(self, timeout: float = 3.0) -> None:
        """Stop and wait (briefly) for the worker thread to leave, e.g. when the app closes."""
        worker = self._worker
        self.stop()
        end = time.monotonic() + timeout
        while worker is not None and worker.is_running and time.monotonic() < end:
            time.sleep(0.01)

    def _errored(self, exc: Exception) -> None:
        self._reason = str(exc) if isinstance(exc, FloatingPointError) else f"{type(exc).__name__}: {exc}"

    def _finished(self) -> None:
        self._worker = None
        self.finished.emit(self._reason)
