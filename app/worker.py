"""Runs a ``core.training.Trainer`` off the GUI thread and reports to the views at a throttled rate.

The worker thread pulls events from the trainer's iterator; between mini-batches it honours pause,
step, stop and "+1 epoch". Views never see the live network: ``snapshot(trainer)`` runs on the worker
thread and returns copies of what they draw (weights, activations, ...); the worker emits

- ``progress(dict)`` at most every ``interval`` seconds: ``{"epoch", "batch", "batches", "step",
  "batch_costs": [(step, cost), ...] since the last progress, "per_batch": [...], "snapshot": ...}``
- ``epoch_done(EpochDone, snapshot)`` after every epoch (never dropped),
- ``finished(event)`` once, with the trainer's ``Finished`` or ``Diverged``, or :class:`Stopped`.

Hand-written ``QThread`` rather than superqt's generator worker: pause and stop must be checked after
every mini-batch without crossing threads each time, and only throttled reports cross.

``frame_lock``: the GUI holds it while it draws a frame (see ``app.train.tab``), and the worker
waits for it between mini-batches. A small network's mini-batch is ~35 µs of Python and tiny NumPy
calls that never release the GIL, so without it the GUI thread would wait for the GIL at each of the
hundreds of Python calls a repaint makes (a 3 ms frame took 30-100 ms) and the training thread for it
in turn; with it, a frame costs the run only the frame's own few milliseconds.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QThread, Signal

from core.training import BatchDone, Diverged, EpochDone, Finished, Trainer


# A run of many fast mini-batches (a small network: ~35 µs each, tiny NumPy calls that keep the GIL)
# would starve the GUI thread of the GIL (its timers, signals and repaints waited up to ~100 ms):
# every YIELD_EVERY seconds in which at least FAST_BATCHES mini-batches ran, the worker sleeps
# YIELD_FOR, which hands the GIL to whatever the GUI has waiting (~4% of such a run). Slower
# mini-batches spend their time in BLAS, which releases the GIL, and never yield.
YIELD_EVERY = 0.005
YIELD_FOR = 0.0002
FAST_BATCHES = 8


class _Shared:
    """The worker's counters and flags (see ``TrainingWorker.__init__``)."""

    __slots__ = ("steps", "steps_allowed", "epochs", "stop", "waiting")

    def __init__(self):
        self.steps = self.steps_allowed = self.epochs = 0
        self.stop = self.waiting = False


@dataclass(frozen=True)
class Stopped:
    """The user stopped the run; ``epochs_run`` complete epochs were kept."""

    epochs_run: int
    reason: str = "stopped by the user"


class TrainingWorker(QThread):
    progress = Signal(object)
    epoch_done = Signal(object, object)
    finished_run = Signal(object)
    error = Signal(str)

    def __init__(self, trainer: Trainer, snapshot: Callable[[Trainer], Any] | None = None,
                 per_batch: Callable[[Trainer, BatchDone], Any] | None = None, interval: float = 0.1,
                 parent=None, epoch_snapshot: Callable[[Trainer], Any] | None = None):
        """``snapshot`` and ``per_batch`` run on the worker thread; ``per_batch`` is called after every
        mini-batch (keep it cheap) and its results are delivered in the next ``progress``.
        ``epoch_snapshot`` (default: ``snapshot``) makes the snapshot that ``epoch_done`` carries."""
        super().__init__(parent)
        self.trainer = trainer
        self.snapshot = snapshot or (lambda t: None)
        self.epoch_snapshot = epoch_snapshot or self.snapshot
        self.per_batch = per_batch
        self.interval = interval
        self._run_flag = threading.Event()  # set = running, clear = paused
        self._run_flag.set()
        self.frame_lock = threading.Lock()  # held by the GUI while it draws: the run waits between mini-batches
        # What both threads read and write, in a plain object: setting an attribute of a Qt object costs
        # ~0.2 µs, too much to do several times per 35 µs mini-batch.
        self._shared = _Shared()

    step_count = property(lambda self: self._shared.steps, doc="mini-batches trained so far")
    epochs_run = property(lambda self: self._shared.epochs, doc="complete epochs so far")
    waiting = property(lambda self: self._shared.waiting, doc="True while paused and idle, between mini-batches")

    # --- control (any thread) ------------------------------------------------------------------------
    def pause(self) -> None:
        self._run_flag.clear()

    def resume(self) -> None:
        self._shared.steps_allowed = 0
        self._run_flag.set()

    def step(self) -> None:
        """When paused: train exactly one more mini-batch, then report and pause again."""
        self._shared.steps_allowed += 1
        self._run_flag.set()

    def stop(self) -> None:
        self._shared.stop = True
        self._run_flag.set()

    def add_epochs(self, n: int = 1) -> None:
        self.trainer.epochs += n

    @property
    def paused(self) -> bool:
        return not self._run_flag.is_set()

    # --- the thread --------------------------------------------------------------------------------
    def run(self) -> None:
        try:
            self._loop()
        except Exception as exc:  # a bug must not kill the app silently: report it to the view
            self.error.emit(f"{type(exc).__name__}: {exc}")
            self.finished_run.emit(Stopped(self._shared.epochs, f"stopped by an error: {exc}"))

    def _loop(self) -> None:
        shared, run_flag, lock, per_batch, trainer = self._shared, self._run_flag, self.frame_lock, self.per_batch, \
            self.trainer
        interval, clock = self.interval, time.perf_counter
        last, yielded = 0.0, clock()  # (the first mini-batch is reported at once)
        since_yield = 0
        costs: list[tuple[int, float]] = []
        extras: list[Any] = []
        events = trainer.run()
        for event in events:
            if type(event) is BatchDone:
                shared.steps += 1
                costs.append((shared.steps, event.cost))
                if per_batch is not None:
                    extras.append(per_batch(trainer, event))
                stepping = shared.steps_allowed > 0
                now = clock()
                if stepping or now - last >= interval:
                    self._report(event, costs, extras)
                    costs, extras, last = [], [], now
                if stepping:
                    shared.steps_allowed -= 1
                    if shared.steps_allowed == 0:
                        run_flag.clear()
                if not run_flag.is_set():
                    if costs or extras:  # the views show exactly where the run paused
                        self._report(event, costs, extras)
                        costs, extras, last = [], [], clock()
                    self._wait_if_paused()
                lock.acquire()  # (uncontended: ~0.1 µs; else the GUI is drawing a frame)
                lock.release()
                since_yield += 1
                if now - yielded > YIELD_EVERY:
                    if since_yield >= FAST_BATCHES:
                        time.sleep(YIELD_FOR)  # the GUI thread's pending Python (timers, signals) runs now
                    yielded, since_yield = clock(), 0
                if shared.stop:
                    events.close()
                    self.finished_run.emit(Stopped(shared.epochs))
                    return
            elif isinstance(event, EpochDone):
                shared.epochs = event.epoch
                if costs or extras:
                    self._report(None, costs, extras)
                    costs, extras = [], []
                self.epoch_done.emit(event, self.epoch_snapshot(trainer))
                if shared.stop:
                    events.close()
                    self.finished_run.emit(Stopped(shared.epochs))
                    return
            elif isinstance(event, (Finished, Diverged)):
                # after a divergence the trainer has put the last good weights back: the views show them
                if costs or extras or isinstance(event, Diverged):
                    self._report(None, costs, extras)
                self.finished_run.emit(event)
                return

    def _report(self, event: BatchDone | None, costs, extras) -> None:
        self.progress.emit({
            "epoch": event.epoch if event else self._shared.epochs,
            "batch": event.batch if event else None,
            "batches": event.batches if event else None,
            "step": self._shared.steps,
            "batch_costs": costs,
            "per_batch": extras,
            "eta": self.trainer.eta,
            "snapshot": self.snapshot(self.trainer),
        })

    def _wait_if_paused(self) -> None:
        if self._run_flag.is_set():
            return
        self._shared.waiting = True  # the thread is idle, between two mini-batches
        try:
            while not self._run_flag.wait(0.05):
                if self._shared.stop:
                    return
        finally:
            self._shared.waiting = False
