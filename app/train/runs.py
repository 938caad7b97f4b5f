"""Runs kept for comparison: each with its plan, its per-epoch metrics, its smoothed per-mini-batch
cost, the changes of η and λ made while it trained, and (once it ends) its network; CSV export of any
of them. A run that trains another run's network further continues it: its epochs are numbered on
from its parent's, and its curves begin with its parent's. No Qt here.
"""
from __future__ import annotations

import csv
import math
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

from app import numbers
from app.train.plan import RunPlan
from core.divergence import nothing_learned
from core.network import Network
from core.presets import Preset
from core.training import Diverged, EpochDone, Finished, Trainer

#: the names of the values that may change while a run trains, as the app writes them
LIVE_NAMES = {"eta": "η", "lmbda": "λ"}


class BatchSeries:
    """The per-mini-batch cost, averaged over bins of ``bin_size`` consecutive mini-batches; when
    there would be more than ``cap`` points, neighbouring bins merge (the bin size doubles), so a
    400-epoch run still plots a few thousand points."""

    def __init__(self, batches_per_epoch: int, cap: int = 3000, points_per_epoch: int = 50, first_epoch: int = 0):
        """``first_epoch``: the epochs trained before (x starts there)."""
        self.batches_per_epoch = max(1, batches_per_epoch)
        self.first_epoch = first_epoch
        self.bin_size = max(1, self.batches_per_epoch // points_per_epoch)
        self.cap = cap
        self._sums: list[float] = []  # per complete bin: sum of costs
        self._ends: list[int] = []  # per complete bin: the last step in it
        self._open_sum, self._open_count, self._open_last = 0.0, 0, 0

    def add(self, steps, costs) -> None:
        for step, cost in zip(steps, costs):
            if not math.isfinite(cost):
                continue
            self._open_sum += cost
            self._open_count += 1
            self._open_last = step
            if self._open_count == self.bin_size:
                self._sums.append(self._open_sum)
                self._ends.append(step)
                self._open_sum, self._open_count = 0.0, 0
                if len(self._sums) > self.cap:
                    self._merge()

    def _merge(self) -> None:
        n = len(self._sums) // 2 * 2
        sums = np.asarray(self._sums[:n]).reshape(-1, 2).sum(axis=1).tolist() + self._sums[n:]
        ends = self._ends[1:n:2] + self._ends[n:]
        if n < len(self._sums):  # an odd bin left over joins the open one
            self._open_sum += self._sums[-1]
            self._open_count += self.bin_size
            sums, ends = sums[:-1], ends[:-1]
        self._sums, self._ends = sums, ends
        self.bin_size *= 2

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(x in epochs, mean cost) of the complete bins, and of the open one once it is half full."""
        sums, ends = list(self._sums), list(self._ends)
        counts = [self.bin_size] * len(sums)
        if self._open_count and (self._open_count * 2 >= self.bin_size or not sums):  # a bin of one batch is noise
            sums.append(self._open_sum)
            ends.append(self._open_last)
            counts.append(self._open_count)
        if not sums:
            return np.zeros(0), np.zeros(0)
        counts_a = np.asarray(counts, dtype=np.float64)
        centre = np.asarray(ends, dtype=np.float64) - (counts_a - 1) / 2
        return centre / self.batches_per_epoch + self.first_epoch, np.asarray(sums) / counts_a


@dataclass
class Change:
    """η or λ changed while a run trained: ``name`` ("eta" or "lmbda") went from ``old`` to ``new``
    after ``step`` mini-batches of the run (None until the training thread has taken it up)."""

    name: str
    old: float
    new: float
    step: int | None = None


@dataclass
class Run:
    id: int
    plan: RunPlan
    colour: str
    batches_per_epoch: int
    status: str = "running"  # running, paused, finished, stopped, diverged
    message: str = ""
    epochs: list[EpochDone] = field(default_factory=list)  # its own, numbered on from its parent's
    network: Network | None = None
    overlay: bool = False
    started: float = 0.0  # time.perf_counter() when its thread started, and when it ended
    ended: float = 0.0
    parent: Run | None = None  # the run whose network this one trains further
    first_epoch: int = 0  # epochs trained before this run (its parent's, or a network file's record)
    key: str = ""  # how a network tells which run it came from (``Network.info["run"]``)
    changes: list[Change] = field(default_factory=list)
    note: str | None = None  # e.g. that nothing was learned (core.divergence.nothing_learned)

    def __post_init__(self):
        self.batch = BatchSeries(self.batches_per_epoch, first_epoch=self.first_epoch)
        # what the parent had drawn when this run began (it is over, so it stays so)
        self._inherited_batch = self.parent.batch_arrays() if self.parent is not None else (np.zeros(0),) * 2

    @property
    def label(self) -> str:
        """What sets it apart: its plan's label, or for a run that continues another, that one's."""
        if self.parent is not None:
            return f"{self.parent.base_label} (continued from #{self.parent.id})"
        return self.plan.label

    @property
    def base_label(self) -> str:
        """The label of the run this one (and its parents) continue."""
        return self.parent.base_label if self.parent is not None else self.plan.label

    @property
    def name(self) -> str:
        return f"#{self.id} {self.label}"

    @property
    def short_name(self) -> str:
        """"#3 ch1", "#4 custom": where its whole name (a custom network's is its description) would
        crowd out what is said of it."""
        return f"#{self.id} {self.preset.name if self.preset else 'custom'}"

    @property
    def preset(self) -> Preset | None:
        """The book preset this run (or the run it continues) was made from."""
        return self.plan.preset or (self.parent.preset if self.parent is not None else None)

    @property
    def last_epoch(self) -> int:
        """The number of the last epoch trained (its parent's count included)."""
        return self.epochs[-1].epoch if self.epochs else self.first_epoch

    def all_epochs(self) -> list[EpochDone]:
        """Its parent's epochs (theirs included), then its own."""
        return (self.parent.all_epochs() if self.parent is not None else []) + self.epochs

    def all_changes(self) -> list[tuple[Run, Change]]:
        """The changes of η and λ made while its parents and it trained, each with its run."""
        inherited = self.parent.all_changes() if self.parent is not None else []
        return inherited + [(self, c) for c in self.changes]

    def batch_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The smoothed per-mini-batch cost, its parent's first."""
        x, y = self.batch.arrays()
        if not len(self._inherited_batch[0]):
            return x, y
        return np.concatenate([self._inherited_batch[0], x]), np.concatenate([self._inherited_batch[1], y])

    def column(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """(epochs, values) of one metric, e.g. ``validation_accuracy``, its parent's first (missing
        values left out)."""
        pairs = [(e.epoch, getattr(e, key)) for e in self.all_epochs() if getattr(e, key) is not None]
        if not pairs:
            return np.zeros(0), np.zeros(0)
        x, y = zip(*pairs)
        return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)

    # --- η and λ changed while it trained --------------------------------------------------------------
    def record_change(self, name: str, old: float, new: float, step: int | None) -> Change:
        """A change of η or λ; another change of the same value at the same place (or before the
        training thread took the last one up) amends the last one instead."""
        last = next((c for c in reversed(self.changes) if c.name == name), None)
        if last is not None and (last.step is None or last.step == step):
            last.new = new
            if last.new == last.old:
                self.changes.remove(last)
            return last
        change = Change(name, old, new, step)
        self.changes.append(change)
        return change

    def where(self, change: Change, steps_now: int = 0) -> tuple[int, int]:
        """(epoch, mini-batch) from which ``change`` applies (``steps_now``: where the run is, for a
        change not yet taken up)."""
        step = change.step if change.step is not None else steps_now
        epoch, batch = divmod(step, self.batches_per_epoch)
        return self.first_epoch + epoch + 1, batch + 1

    def position(self, change: Change, steps_now: int = 0) -> float:
        """Where ``change`` applies on the curves' epoch axis."""
        step = change.step if change.step is not None else steps_now
        return self.first_epoch + step / self.batches_per_epoch

    def describe_change(self, change: Change, steps_now: int = 0) -> str:
        """"η 3 → 0.5 from epoch 3, mini-batch 1,234"."""
        epoch, batch = self.where(change, steps_now)
        return (f"{LIVE_NAMES[change.name]} {numbers.exact(change.old)} → {numbers.exact(change.new)} "
                f"from epoch {epoch}, mini-batch {batch:,}")

    def describe(self, steps_now: int = 0) -> str:
        """The run's set-up, then what changed while it trained (one line each)."""
        lines = [self.plan.describe()]
        if self.parent is not None:
            lines.append(f"Trains #{self.parent.id}'s network further, from epoch {self.first_epoch + 1}")
        elif self.first_epoch:
            lines.append(f"Trains a network further, from epoch {self.first_epoch + 1}")
        lines += ["Changed while training: " + self.describe_change(c, steps_now) for c in self.changes]
        return "\n".join(lines)

    def best(self) -> EpochDone | None:
        """The epoch with the best validation accuracy (the book reports test accuracy there)."""
        scored = [e for e in self.epochs if e.validation_accuracy is not None]
        return max(scored, key=lambda e: e.validation_accuracy) if scored else None

    def network_info(self, epoch: EpochDone | None = None) -> dict:
        """What a network file of this run records about it (``Network.info``), for its weights as
        they were after ``epoch`` (default: its last): that epoch's accuracies (what the status bar
        shows for the network, so they must be of these weights, not of another epoch)."""
        epoch = epoch or (self.epochs[-1] if self.epochs else None)
        metrics = {}
        if epoch is not None:
            metrics = {"epoch": epoch.epoch, "validation_accuracy": epoch.validation_accuracy,
                       "test_accuracy": epoch.test_accuracy}
        return {"title": self.name, "preset": self.preset.name if self.preset else None,
                "description": self.plan.describe(), "config": self.plan.config.to_dict(),
                "epochs_trained": epoch.epoch if epoch is not None else self.first_epoch, "metrics": metrics,
                "run": self.key}


def epochs_text(run: Run, n: int) -> str:
    """"30 epochs", or for a run that continues another "2 more epochs (32 in all)"."""
    text = f"{n} {'more ' if run.first_epoch else ''}epoch{'s' if n != 1 else ''}"
    return text + (f" ({run.first_epoch + n} in all)" if run.first_epoch else "")


def finished_message(run: Run, event: Finished, note: str | None = None) -> str:
    """E.g. "finished after 30 epochs; best validation accuracy 95.23% at epoch 28, test accuracy
    there 94.91% (the book: 95.42% test)." (short enough for the banner's two lines); ``note``, e.g.
    that nothing was learned, goes after the epochs."""
    epochs = epochs_text(run, event.epochs_run)
    text = f"finished after {epochs}" if event.reason == "completed" else f"stopped after {epochs}: {event.reason}"
    if note:
        text += f": {note}"
    if event.best_epoch is not None:
        text += (f"; best validation accuracy {numbers.percent(event.best_validation_accuracy)} at epoch "
                 f"{event.best_epoch + run.first_epoch}")
        if event.test_accuracy_at_best is not None:
            text += f", test accuracy there {numbers.percent(event.test_accuracy_at_best)}"
    preset = run.preset
    if preset is not None:
        text += (f" (the book: {numbers.percent(preset.book.accuracy)} {preset.book.split}"
                 + (", for the preset as it is" if run.plan.changes else "") + ")")
    return text + "."


def outcome(run: Run, event, trainer: Trainer | None = None) -> tuple[str, str]:
    """(status, message) of a run that ended with ``event`` (Finished, Diverged or Stopped); a run
    left at chance says that nothing was learned (and why, when λ is to blame), also in ``run.note``."""
    if isinstance(event, Diverged):
        return "diverged", event.message
    run.note = nothing_learned(run.epochs[-1], trainer) if run.epochs else None
    if isinstance(event, Finished):
        return "finished", finished_message(run, event, run.note)
    n = event.epochs_run
    complete = epochs_text(run, n).replace("epoch", "complete epoch", 1)
    note = f": {run.note}" if run.note else ""
    return "stopped", f"{event.reason.capitalize()} after {complete}{note}; the network is kept as it was."


def remaining_seconds(run: Run, epoch: int, epochs: int, batch: int, batches: int, rate: float) -> float | None:
    """About how long the run has left, in its own epochs (``epoch`` of ``epochs``, ``batch`` of
    ``batches``): from the time its epochs took (training and evaluation, pauses left out), else
    from the rate in images per second (None while neither is known)."""
    left = (epochs - epoch) + (batches - batch) / batches  # epochs still to train
    if run.epochs:
        recent = run.epochs[-3:]
        per_epoch = sum(e.seconds + e.eval_seconds for e in recent) / len(recent)
        return left * per_epoch
    if rate > 0:
        return left * batches * run.plan.config.mini_batch_size / rate
    return None



CSV_COLUMNS = ["run", "label", "network", "cost", "eta", "lmbda", "regularization", "momentum", "mini_batch_size",
               "train_size", "augment", "expand", "seed", "status", "epoch", "training_cost", "training_accuracy",
               "validation_accuracy", "test_accuracy", "eta_now", "seconds", "lmbda_now", "changes"]


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary file next to ``path`` for the block to write; renamed over ``path`` when the block
    ends, removed if it fails: an export that goes wrong leaves an earlier file as it was."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp makes 0600 files; an export is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_csv(runs: list[Run], path: str | Path) -> Path:
    """One row per epoch of each run, with the run's settings repeated on every row, η and λ at the
    epoch's end, and the changes of η and λ made in that epoch (with the mini-batch each applies
    from); written atomically. ``seconds`` leaves out the time the run was paused."""
    path = Path(path)
    with atomic_path(path) as tmp, tmp.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_COLUMNS)
        for run in runs:
            c, net = run.plan.config, run.plan.network
            settings = [run.id, run.label, net.describe(), net.cost, c.eta, c.lmbda, c.regularization,
                        c.momentum, c.mini_batch_size, c.train_size or "all", c.augment, c.expand, c.seed, run.status]
            lmbda = c.lmbda
            for e in run.epochs:
                changes = [ch for ch in run.changes if ch.step is not None and run.where(ch)[0] == e.epoch]
                for ch in changes:
                    lmbda = ch.new if ch.name == "lmbda" else lmbda
                text = "; ".join(f"{ch.name} {ch.old:g} -> {ch.new:g} from mini-batch {run.where(ch)[1]}" for ch in changes)
                writer.writerow(settings + [e.epoch, _fmt(e.training_cost), _fmt(e.training_accuracy),
                                            _fmt(e.validation_accuracy), _fmt(e.test_accuracy), e.eta,
                                            f"{e.seconds:.3f}", lmbda, text])
    return path


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"
