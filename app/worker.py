"""Runs a ``core.training.Trainer`` off the GUI thread and reports to the views at a throttled rate.

A :class:`app.jobs.Loop` over the trainer's events: between mini-batches it honours pause, step, stop
and "+1 epoch", waits while the GUI draws a frame and hands the GIL over in a run of fast mini-batches
(see ``app.jobs``). Views never see the live network: ``snapshot(trainer)`` runs on the worker thread
and returns copies of what they draw (weights, activations, ...); the worker emits

- ``progress(dict)`` at most every ``interval`` seconds: ``{"epoch", "batch", "batches", "step",
  "batch_costs": [(step, cost), ...] since the last progress, "per_batch": [...], "snapshot": ...}``
- ``epoch_done(EpochDone, snapshot)`` after every epoch (never dropped),
- ``finished_run(event)`` once, with the trainer's ``Finished`` or ``Diverged``, or :class:`Stopped`.

Its loop is ``Loop``'s, written out for a trainer's events: pause and stop are checked after every
mini-batch without a call or a crossing of threads, since a small network's mini-batch is ~35 µs and
every 0.1 µs of bookkeeping shows in its throughput.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.jobs import FAST_ITEMS, YIELD_EVERY, YIELD_FOR, Loop
from core.training import BatchDone, Diverged, EpochDone, Finished, Trainer


@dataclass(frozen=True)
class Stopped:
    """The user stopped the run; ``epochs_run`` complete epochs were kept."""

    epochs_run: int
    reason: str = "stopped by the user"


class TrainingWorker(Loop):
    progress = Signal(object)
    epoch_done = Signal(object, object)
    finished_run = Signal(object)
    error = Signal(str)

    def __init__(self, trainer: Trainer, snapshot: Callable[[Trainer], Any] | None = None,
                 per_batch: Callable[[Trainer, BatchDone], Any] | None = None, interval: float = 0.1,
                 owner: QObject | None = None, epoch_snapshot: Callable[[Trainer], Any] | None = None):
        """``snapshot`` and ``per_batch`` run on the worker thread; ``per_batch`` is called after every
        mini-batch (keep it cheap) and its results are delivered in the next ``progress``.
        ``epoch_snapshot`` (default: ``snapshot``) makes the snapshot that ``epoch_done`` carries."""
        super().__init__(interval=interval, owner=owner)
        self.trainer = trainer
        self.snapshot = snapshot or (lambda t: None)
        self.epoch_snapshot = epoch_snapshot or self.snapshot
        self.per_batch = per_batch

    epochs_run = property(lambda self: self._shared.epochs, doc="complete epochs so far")

    def add_epochs(self, n: int = 1) -> None:
        self.trainer.epochs += n

    # --- the thread --------------------------------------------------------------------------------
    def _failed(self, exc: Exception) -> str:  # a bug must not kill the app silently: report it to the view
        self.error.emit(f"{type(exc).__name__}: {exc}")
        self.finished_run.emit(Stopped(self._shared.epochs, f"stopped by an error: {exc}"))
        return super()._failed(exc)

    def _loop(self) -> str:
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
                    self._report_progress(event, costs, extras)
                    costs, extras, last = [], [], now
                if stepping:
                    shared.steps_allowed -= 1
                    if shared.steps_allowed == 0:
                        run_flag.clear()
                if not run_flag.is_set():
                    if costs or extras:  # the views show exactly where the run paused
                        self._report_progress(event, costs, extras)
                        costs, extras, last = [], [], clock()
                    self._wait_if_paused()
                if lock.acquire(False):  # (uncontended: ~0.1 µs; else the GUI is drawing a frame)
                    lock.release()
                else:
                    self._wait_for_frame()
                since_yield += 1
                if now - yielded > YIELD_EVERY:
                    if since_yield >= FAST_ITEMS:
                        time.sleep(YIELD_FOR)  # the GUI thread's pending Python (timers, signals) runs now
                    yielded, since_yield = clock(), 0
                if shared.stop:
                    events.close()
                    self.finished_run.emit(Stopped(shared.epochs))
                    return "stopped"
            elif isinstance(event, EpochDone):
                shared.epochs = event.epoch
                if costs or extras:
                    self._report_progress(None, costs, extras)
                    costs, extras = [], []
                self.epoch_done.emit(event, self.epoch_snapshot(trainer))
                if shared.stop:
                    events.close()
                    self.finished_run.emit(Stopped(shared.epochs))
                    return "stopped"
            elif isinstance(event, (Finished, Diverged)):
                # after a divergence the trainer has put the last good weights back: the views show them
                if costs or extras or isinstance(event, Diverged):
                    self._report_progress(None, costs, extras)
                self.finished_run.emit(event)
                return "completed"
        return "completed"

    def _report_progress(self, event: BatchDone | None, costs, extras) -> None:
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
