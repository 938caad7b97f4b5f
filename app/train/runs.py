"""Runs kept for comparison: each with its plan, its per-epoch metrics, its smoothed per-mini-batch
cost and (once it ends) its network; CSV export of any of them. No Qt here.
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

from app.train.plan import RunPlan
from core.network import Network
from core.training import EpochDone, Finished

class BatchSeries:
    """The per-mini-batch cost, averaged over bins of ``bin_size`` consecutive mini-batches; when
    there would be more than ``cap`` points, neighbouring bins merge (the bin size doubles), so a
    400-epoch run still plots a few thousand points."""

    def __init__(self, batches_per_epoch: int, cap: int = 3000, points_per_epoch: int = 50):
        self.batches_per_epoch = max(1, batches_per_epoch)
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
        return centre / self.batches_per_epoch, np.asarray(sums) / counts_a


@dataclass
class Run:
    id: int
    plan: RunPlan
    colour: str
    batches_per_epoch: int
    status: str = "running"  # running, paused, finished, stopped, diverged
    message: str = ""
    epochs: list[EpochDone] = field(default_factory=list)
    network: Network | None = None
    overlay: bool = False
    started: float = 0.0  # time.perf_counter() when its thread started, and when it ended
    ended: float = 0.0

    def __post_init__(self):
        self.batch = BatchSeries(self.batches_per_epoch)

    @property
    def name(self) -> str:
        return f"#{self.id} {self.plan.label}"

    def column(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """(epochs, values) of one metric, e.g. ``validation_accuracy`` (missing values left out)."""
        pairs = [(e.epoch, getattr(e, key)) for e in self.epochs if getattr(e, key) is not None]
        if not pairs:
            return np.zeros(0), np.zeros(0)
        x, y = zip(*pairs)
        return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)

    def best(self) -> EpochDone | None:
        """The epoch with the best validation accuracy (the book reports test accuracy there)."""
        scored = [e for e in self.epochs if e.validation_accuracy is not None]
        return max(scored, key=lambda e: e.validation_accuracy) if scored else None

    def network_info(self) -> dict:
        """What a network file of this run records about it (``Network.info``)."""
        best = self.best()
        metrics = {}
        if best is not None:
            metrics = {"epoch": best.epoch, "validation_accuracy": best.validation_accuracy,
                       "test_accuracy": best.test_accuracy}
        return {"title": self.name, "preset": self.plan.preset.name if self.plan.preset else None,
                "description": self.plan.describe(), "config": self.plan.config.to_dict(),
                "epochs_trained": len(self.epochs), "metrics": metrics}


def finished_message(run: Run, event: Finished) -> str:
    """E.g. "finished after 30 epochs; best validation accuracy 95.23% at epoch 28, test accuracy
    there 94.91% (the book: 95.42% test)." (short enough for the banner's two lines)."""
    n = event.epochs_run
    epochs = f"{n} epoch{'s' if n != 1 else ''}"
    text = f"finished after {epochs}" if event.reason == "completed" else f"stopped after {epochs}: {event.reason}"
    if event.best_epoch is not None:
        text += f"; best validation accuracy {event.best_validation_accuracy:.2%} at epoch {event.best_epoch}"
        if event.test_accuracy_at_best is not None:
            text += f", test accuracy there {event.test_accuracy_at_best:.2%}"
    preset = run.plan.preset
    if preset is not None:
        text += (f" (the book: {preset.book.accuracy:.2%} {preset.book.split}"
                 + (", for the preset as it is" if run.plan.changes else "") + ")")
    return text + "."


CSV_COLUMNS = ["run", "label", "network", "cost", "eta", "lmbda", "regularization", "momentum", "mini_batch_size",
               "train_size", "augment", "expand", "seed", "status", "epoch", "training_cost", "training_accuracy",
               "validation_accuracy", "test_accuracy", "eta_now", "seconds"]


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
    """One row per epoch of each run, with the run's settings repeated on every row (written
    atomically)."""
    path = Path(path)
    with atomic_path(path) as tmp, tmp.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_COLUMNS)
        for run in runs:
            c, net = run.plan.config, run.plan.network
            settings = [run.id, run.plan.label, net.describe(), net.cost, c.eta, c.lmbda, c.regularization,
                        c.momentum, c.mini_batch_size, c.train_size or "all", c.augment, c.expand, c.seed, run.status]
            for e in run.epochs:
                writer.writerow(settings + [e.epoch, _fmt(e.training_cost), _fmt(e.training_accuracy),
                                            _fmt(e.validation_accuracy), _fmt(e.test_accuracy), e.eta,
                                            f"{e.seconds:.3f}"])
    return path


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"
