"""Runs ``core.universality.GradientDescent`` off the GUI thread and reports what the challenge page
draws, at most ``interval`` seconds apart (10 a second by default).

An ``app.jobs.Loop`` whose items are single gradient-descent steps, so stop is honoured between any
two steps and a run of fast steps hands the GIL to the GUI every few milliseconds (see ``app.jobs``).
Each report carries a snapshot made on the loop's thread: a copy of the network, its cost and score,
and the curves the page plots (z and σ(z) over the page's x, the hidden neurons' step positions), so
the GUI thread only hands ready arrays to its plot items. Reports the GUI has not drawn yet are
replaced by newer ones (only the latest is drawn), and while the GUI draws one the loop waits
(``app.pacing.ResponsiveRun``). Measured with ``benchmarks/bench_gui_stalls.py --only learn``.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from app import jobs
from app.pacing import ResponsiveRun
from core import universality as u

REPORT_INTERVAL = 0.1  # seconds between two reports (the page redraws at most this often)


class _Run:
    """One gradient-descent run: its steps as an iterator, and what a report shows of it."""

    def __init__(self, target, config: u.LearnConfig, max_steps: int, xs: np.ndarray):
        self.target, self.max_steps, self.xs = target, max_steps, xs
        self.gd = u.GradientDescent(target, config)
        self.gd.cost = u.cost_and_gradients(self.gd.net, self.gd.x, self.gd.t)[0]

    def steps(self):
        gd = self.gd
        while gd.steps < self.max_steps:
            gd.step()  # (raises FloatingPointError when it diverges: the loop ends with it)
            yield gd.steps

    def snapshot(self) -> dict:
        """What the page draws of the network as it is now (a copy: the run goes on changing it)."""
        return report(self.gd.net.copy(), self.target, self.xs, self.gd.steps, self.gd.cost)


def report(net: u.OneHiddenLayer, target, xs: np.ndarray, steps: int = 0, cost: float = float("nan")) -> dict:
    """A report of ``net`` as :class:`Learner` sends it: steps, cost, the book's score, the network, and
    its curves over ``xs`` (z, σ(z)) and its hidden neurons' step positions sⱼ = −bⱼ/wⱼ."""
    z = net.z(xs)
    return {"steps": steps, "cost": cost, "deviation": u.network_deviation(net, target), "net": net, "z": z,
            "output": u.sigmoid(z), "step_positions": net.step_positions()}


class Learner(QObject):
    """``start`` a run; ``progress(dict)`` carries {"steps", "cost", "deviation", "net"} (a copy) and
    the curves over ``xs``: "z", "output" and "step_positions" (sⱼ = −bⱼ/wⱼ); ``finished(str)`` says
    why it ended (done, stopped, or the error)."""

    progress = Signal(object)
    finished = Signal(str)

    def __init__(self, interval: float = REPORT_INTERVAL, parent=None):
        super().__init__(parent)
        self.interval = interval
        self._worker: jobs.Loop | None = None
        self._measures: ResponsiveRun | None = None
        self._latest: dict | None = None  # the newest report, not drawn yet
        self._deliver_timer = QTimer(self, singleShot=True, interval=0)  # (goes with this object)
        self._deliver_timer.timeout.connect(self._deliver)

    @property
    def running(self) -> bool:
        return self._worker is not None

    def start(self, target, config: u.LearnConfig, max_steps: int, xs) -> None:
        if self._worker is not None:
            raise RuntimeError("a run is already going")
        run = _Run(target, config, max_steps, np.asarray(xs, dtype=np.float64))
        worker = jobs.Loop(run.steps, interval=self.interval, snapshot=run.snapshot, owner=self)
        worker.on(worker.reported, lambda _steps, snapshot: self._received(snapshot))
        worker.on(worker.ended, lambda reason: self._finished(worker, reason))
        measures = ResponsiveRun(worker).__enter__()
        worker.when_ended(lambda: measures.__exit__(None, None, None))  # (even if cancelled, or this is gone)
        self._worker, self._latest, self._measures = worker, None, measures
        worker.start()

    def stop(self) -> None:
        """Ask the run to stop after its current step (``finished`` follows)."""
        if self._worker is not None:
            self._worker.stop()

    def stop_and_wait(self, timeout: float = 3.0) -> None:
        """Stop and wait (briefly) for the worker thread to leave, e.g. when the app closes."""
        worker = self._worker
        self.stop()
        if worker is not None:
            worker.wait(int(timeout * 1000))

    def _received(self, snapshot: dict) -> None:
        """Keep the newest report; it is drawn on a later turn of the event loop, once, however many
        arrived meanwhile (a GUI slower than the reports never works through a backlog)."""
        self._latest = snapshot
        if not self._deliver_timer.isActive():
            self._deliver_timer.start()

    def _deliver(self) -> None:
        snapshot, self._latest = self._latest, None
        if snapshot is None:
            return
        self.hold_frame()  # the run waits while the page draws it
        self.progress.emit(snapshot)

    def hold_frame(self) -> None:
        """Keep the run between two steps until this turn of the event loop has drawn (nothing when
        no run is on; see ``app.pacing.ResponsiveRun``)."""
        if self._measures is not None:
            self._measures.hold_frame()

    def _finished(self, worker: jobs.Loop, reason: str) -> None:
        self._deliver_timer.stop()
        self._deliver()  # the last report first
        self._worker = self._measures = None
        exc = worker.exception
        if exc is not None:
            reason = str(exc) if isinstance(exc, FloatingPointError) else f"{type(exc).__name__}: {exc}"
        self.finished.emit({"completed": "done"}.get(reason, reason))
