"""Runs ``core.universality.GradientDescent`` off the GUI thread and reports a copy of the network
about 20 times a second.

An ``app.jobs.Loop`` over a generator that does as many gradient-descent steps as fit in one
``interval``, then yields a snapshot; stop is honoured at every yield.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, Signal

from app import jobs
from core import universality as u


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
        self._worker: jobs.Loop | None = None

    @property
    def running(self) -> bool:
        return self._worker is not None

    def start(self, target, config: u.LearnConfig, max_steps: int) -> None:
        if self._worker is not None:
            raise RuntimeError("a run is already going")
        worker = jobs.Loop(lambda: _learn(target, config, max_steps, self.interval), interval=0.0, owner=self)
        worker.on(worker.reported, lambda snapshots, _none: [self.progress.emit(s) for s in snapshots])
        worker.on(worker.ended, lambda reason: self._finished(worker, reason))
        self._worker = worker
        worker.start()

    def stop(self) -> None:
        """Ask the run to stop at its next report (``finished`` follows)."""
        if self._worker is not None:
            self._worker.stop()

    def stop_and_wait(self, timeout: float = 3.0) -> None:
        """Stop and wait (briefly) for the worker thread to leave, e.g. when the app closes."""
        worker = self._worker
        self.stop()
        if worker is not None:
            worker.wait(int(timeout * 1000))

    def _finished(self, worker: jobs.Loop, reason: str) -> None:
        self._worker = None
        exc = worker.exception
        if exc is not None:
            reason = str(exc) if isinstance(exc, FloatingPointError) else f"{type(exc).__name__}: {exc}"
        self.finished.emit({"completed": "done"}.get(reason, reason))
