"""Runs a ``core.training.Trainer`` off the GUI thread and reports to the views at a throttled rate.

An :class:`app.jobs.Loop` over the trainer's events whose steps are the mini-batches: between two
of them it honours pause, step, stop and "+1 epoch", waits while the GUI draws a frame and hands the
GIL over in a run of fast mini-batches (see ``app.jobs``). Views never see the live network:
``snapshot(trainer)`` runs on the worker thread and returns copies of what they draw (weights,
activations, ...); the worker emits

- ``progress(dict)`` at most every ``interval`` seconds: ``{"epoch", "batch", "batches", "step",
  "batch_costs": [(step, cost), ...] since the last progress, "per_batch": [...], "snapshot": ...}``
- ``epoch_done(EpochDone, snapshot)`` after every epoch (never dropped),
- ``finished_run(event)`` once, with the trainer's ``Finished`` or ``Diverged``, or :class:`Stopped`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.jobs import Loop
from core.training import BatchDone, Diverged, EpochDone, Trainer


_cost = attrgetter("cost")


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
        super().__init__(trainer.run, interval=interval, owner=owner, step_type=BatchDone, per_item=per_batch,
                         subject=trainer)
        self.trainer = trainer
        self.snapshot = snapshot or (lambda t: None)
        self.epoch_snapshot = epoch_snapshot or self.snapshot
        self.per_batch = per_batch
        self._end = None  # the trainer's Finished or Diverged

    epochs_run = property(lambda self: self._shared.epochs, doc="complete epochs so far")

    def add_epochs(self, n: int = 1) -> None:
        self.trainer.epochs += n

    # --- on the worker thread ----------------------------------------------------------------------
    def _report(self, events: list[BatchDone], extras: list[Any]) -> None:
        steps = self._shared.steps
        last = events[-1] if events else None
        self.progress.emit({
            "epoch": last.epoch if last else self._shared.epochs,
            "batch": last.batch if last else None,
            "batches": last.batches if last else None,
            "step": steps,
            "batch_costs": list(zip(range(steps - len(events) + 1, steps + 1), map(_cost, events))),
            "per_batch": extras,
            "eta": self.trainer.eta,
            "snapshot": self.snapshot(self.trainer),
        })

    def _other(self, event) -> str | None:
        if isinstance(event, EpochDone):
            self._shared.epochs = event.epoch
            self.epoch_done.emit(event, self.epoch_snapshot(self.trainer))
            return None
        if isinstance(event, Diverged):  # the trainer has put the last good weights back: the views show them
            self._report([], [])
        self._end = event  # Finished or Diverged
        return "completed"

    def _finish(self, reason: str) -> str:
        self.finished_run.emit(self._end if reason == "completed" and self._end else Stopped(self._shared.epochs))
        return reason

    def _failed(self, exc: Exception) -> str:  # a bug must not kill the app silently: report it to the view
        self.error.emit(f"{type(exc).__name__}: {exc}")
        self.finished_run.emit(Stopped(self._shared.epochs, f"stopped by an error: {exc}"))
        return super()._failed(exc)
