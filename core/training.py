"""Stochastic gradient descent as an iterator of events.

``Trainer(net, data, config).run()`` yields :class:`BatchDone` after every mini-batch,
:class:`EpochDone` after every epoch (with the monitored metrics), and ends with :class:`Finished` or
:class:`Diverged`: a NaN or infinity in the cost or the weights, or a run that wrecks the network while
every number stays finite (``core.divergence``); either way the last good epoch's weights are put
back. It never prints; a caller (the CLI, a GUI worker, a test) decides what to show.
Pause, step and stop are the caller's: it simply stops pulling events (or closes the generator).
``trainer.eta`` and ``trainer.lmbda`` may be changed while a run goes on; the next mini-batch uses them.

What one mini-batch does (forward, BP1–BP4, network2's update) is the run's step, chosen once per run
by ``core.steps.make_step``: the loop here knows nothing of how a step works.
"""
from __future__ import annotations

import math
import os
import time
from dataclasses import asdict, dataclass, fields
from typing import Iterator, Union

import numpy as np
from threadpoolctl import threadpool_limits

from core import augment as augmentation
from core.divergence import BlowUpWatch
from core.data import MNIST, Split, expand_mnist
from core.network import Network
from core.steps import make_step


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters of one training run; invalid values raise ``ValueError`` with a readable
    message as soon as the config is made."""

    epochs: int = 30
    mini_batch_size: int = 10
    eta: float = 3.0
    lmbda: float = 0.0
    regularization: str = "l2"  # "l2" or "l1"
    momentum: float = 0.0
    train_size: int | None = None  # use only the first n training images (chapter 3's 1,000)
    expand: bool = False  # train on expand_mnist's 250,000 shifted images (chapter 6)
    augment: str = "none"  # on-the-fly distortion of each mini-batch: none, affine, draw
    eta_patience: int | None = None  # halve η after this many epochs without a better validation accuracy
    max_halvings: int = 10  # ...and stop once η has been halved this many times (η₀/1024)
    early_stopping: int | None = None  # stop after this many epochs without a better validation accuracy
    monitor_training: bool = True  # training cost and accuracy each epoch
    monitor_limit: int | None = None  # evaluate training metrics on at most this many training images
    seed: int = 0

    def __post_init__(self):
        problems = []

        def need(ok, message):
            if not ok:
                problems.append(message)

        need(_is_int(self.epochs) and self.epochs >= 1, f"epochs must be a whole number ≥ 1, not {self.epochs}")
        need(_is_int(self.mini_batch_size) and self.mini_batch_size >= 1,
             f"mini-batch size must be a whole number ≥ 1, not {self.mini_batch_size}")
        need(_is_real(self.eta) and self.eta > 0, f"learning rate η must be a positive number, not {self.eta}")
        need(_is_real(self.lmbda) and self.lmbda >= 0, f"regularisation λ must be ≥ 0, not {self.lmbda}")
        need(self.regularization in ("l2", "l1"), f"regularisation must be 'l2' or 'l1', not {self.regularization!r}")
        need(_is_real(self.momentum) and 0 <= self.momentum < 1, f"momentum μ must be in [0, 1), not {self.momentum}")
        need(self.train_size is None or (_is_int(self.train_size) and self.train_size >= 1),
             f"training-set size must be a whole number ≥ 1, not {self.train_size}")
        need(self.augment in augmentation.AUGMENTATIONS,
             f"augmentation must be one of {', '.join(augmentation.AUGMENTATIONS)}, not {self.augment!r}")
        for name in ("eta_patience", "early_stopping", "monitor_limit"):
            value = getattr(self, name)
            need(value is None or (_is_int(value) and value >= 1), f"{name} must be a whole number ≥ 1, not {value}")
        need(_is_int(self.max_halvings) and self.max_halvings >= 1, f"max_halvings must be ≥ 1, not {self.max_halvings}")
        need(_is_int(self.seed), f"seed must be a whole number, not {self.seed}")
        if problems:
            raise ValueError("; ".join(problems))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "TrainConfig":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


def _is_int(v) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _is_real(v) -> bool:
    return isinstance(v, (int, float, np.number)) and not isinstance(v, bool) and math.isfinite(v)


# --- events ----------------------------------------------------------------------------------------

@dataclass(slots=True)  # not frozen: made once per mini-batch, so kept as cheap as possible
class BatchDone:
    epoch: int  # 1-based
    batch: int  # 1-based, within the epoch
    batches: int  # mini-batches per epoch
    cost: float  # mean cost over this mini-batch (without the regularisation term)


@dataclass(frozen=True)
class EpochDone:
    epoch: int
    epochs: int
    training_cost: float | None
    training_accuracy: float | None
    validation_accuracy: float | None
    test_accuracy: float | None
    seconds: float  # training time of the epoch (evaluation excluded)
    eval_seconds: float
    eta: float

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Finished:
    reason: str
    epochs_run: int
    best_epoch: int | None  # epoch with the best validation accuracy
    best_validation_accuracy: float | None
    test_accuracy_at_best: float | None


@dataclass(frozen=True)
class Diverged:
    message: str
    epoch: int
    batch: int


Event = Union[BatchDone, EpochDone, Finished, Diverged]


# --- the trainer -----------------------------------------------------------------------------------

class Trainer:
    """Trains ``net`` in place on ``data`` (an :class:`MNIST`) with ``config``."""

    def __init__(self, net: Network, data: MNIST, config: TrainConfig):
        self.net, self.data, self.config = net, data, config
        self.eta = float(config.eta)
        self.lmbda = float(config.lmbda)
        self.history: list[EpochDone] = []
        self.rng = np.random.default_rng(config.seed)
        for layer in net.layers:  # dropout masks follow the training seed
            if hasattr(layer, "rng"):
                layer.rng = self.rng
        train = data.train.take(config.train_size)
        self.train = expand_mnist(train) if config.expand else train
        self.n = len(self.train)
        self._check_fit()
        self.halvings = 0
        self.best_epoch: int | None = None
        self._best_params: list[dict[str, np.ndarray]] | None = None
        self.epochs = config.epochs  # may be raised while the run goes on ("+1 epoch")
        # Set to True to keep each epoch's validation outputs (n, 10) in ``validation_outputs`` (the GUI's
        # confusion matrix and gallery of mistakes read them instead of running the network again).
        self.keep_validation_outputs = False
        self.validation_outputs: np.ndarray | None = None
        # Fully connected networks trained by plain SGD take core.folded_mlp's fast step (the same
        # mathematics in fewer calls); False trains every network with the general step.
        self.fast_path = True

    def _check_fit(self) -> None:
        if self.n == 0:
            raise ValueError("the training set is empty")
        if self.config.mini_batch_size > self.n:
            raise ValueError(f"mini-batch size {self.config.mini_batch_size} is larger than the "
                             f"training set ({self.n} images)")
        needs_validation = self.config.eta_patience or self.config.early_stopping
        if needs_validation and len(self.data.validation) == 0:
            raise ValueError("the learning-rate schedule and early stopping need a validation set")
        self.net.prepare(self.train.images[:1])  # raises ValueError when the data does not fit the network

    def run(self) -> Iterator[Event]:
        """Train, yielding events; ends with one :class:`Finished` or :class:`Diverged`."""
        net = self.net
        step = make_step(net, self.config, net.prepare(self.train.images), net.one_hot(self.train.labels), self.rng,
                         fast=self.fast_path)
        # Small mini-batches are dominated by per-call overhead: one BLAS thread is faster for them.
        # Overflow on the way to a NaN is reported as a Diverged event, not as warnings.
        try:
            with threadpool_limits(limits=self.blas_threads(), user_api="blas"), \
                    np.errstate(over="ignore", invalid="ignore"):
                yield from self._epochs(step)
        finally:  # however the run ends (also when the caller closes the generator)
            step.close()

    def _epochs(self, step) -> Iterator[Event]:
        """The epochs of :meth:`run`, one mini-batch at a time through ``step``."""
        cfg = self.config
        m = cfg.mini_batch_size
        batches = math.ceil(self.n / m)
        best = (None, None, None)  # (epoch, validation accuracy, test accuracy)
        since_best = since_halving = 0
        good = self._snapshot()
        watch = BlowUpWatch(self.net)  # a run that wrecks the network while every number stays finite
        epoch = 0
        while epoch < self.epochs:
            epoch += 1
            start = time.perf_counter()
            order = self.rng.permutation(self.n)
            for k in range(batches):
                idx = order[k * m:(k + 1) * m]
                cost_sum = step(idx, self.eta, self.lmbda)  # forward, backward and update
                if not math.isfinite(cost_sum):
                    self._restore(good)
                    what = "cost became NaN" if math.isnan(cost_sum) else "cost became infinite"
                    yield Diverged(self._divergence_message(what, epoch, k + 1), epoch, k + 1)
                    return
                watch.batch(cost_sum, len(idx))
                yield BatchDone(epoch, k + 1, batches, cost_sum / len(idx))
            seconds = time.perf_counter() - start
            if not self._params_finite():
                self._restore(good)
                yield Diverged(self._divergence_message("weights became NaN or infinite", epoch, batches),
                               epoch, batches)
                return
            event = self._evaluate(epoch, seconds)
            accuracy = event.validation_accuracy if event.validation_accuracy is not None \
                else event.training_accuracy
            blown = watch.epoch(epoch, accuracy)
            if blown:  # the epoch is not reported: the network goes back to the last good one
                self._restore(good)
                yield Diverged(f"{blown}: {self._advice(epoch)}", epoch, batches)
                return
            good = self._snapshot()
            self.history.append(event)
            yield event
            # the book's rules, both watching the validation accuracy
            if event.validation_accuracy is not None and (best[1] is None or event.validation_accuracy > best[1]):
                best, since_best, since_halving = (epoch, event.validation_accuracy, event.test_accuracy), 0, 0
                self.best_epoch, self._best_params = epoch, good
            else:
                since_best += 1
                since_halving += 1
            if cfg.early_stopping and since_best >= cfg.early_stopping:
                yield Finished(f"no improvement in {cfg.early_stopping} epochs", epoch, *best)
                return
            if cfg.eta_patience and since_halving >= cfg.eta_patience:
                self.halvings += 1
                since_halving = 0
                if self.halvings >= cfg.max_halvings:
                    yield Finished(f"η was halved {self.halvings} times", epoch, *best)
                    return
                self.eta /= 2
        yield Finished("completed", epoch, *best)

    # --- pieces ----------------------------------------------------------------------------------
    def _evaluate(self, epoch: int, seconds: float) -> EpochDone:
        cfg, net = self.config, self.net
        start = time.perf_counter()
        train_cost = train_acc = None
        if cfg.monitor_training:
            subset = self.train.take(cfg.monitor_limit)
            train_cost, train_acc = net.evaluate(subset.images, subset.labels, self.lmbda, self.n, cfg.regularization)
        val = self._validation_accuracy() if len(self.data.validation) else None
        test = net.accuracy(self.data.test.images, self.data.test.labels) if len(self.data.test) else None
        return EpochDone(epoch, self.epochs, train_cost, train_acc, val, test, seconds,
                         time.perf_counter() - start, self.eta)

    def _validation_accuracy(self) -> float:
        v = self.data.validation
        if not self.keep_validation_outputs:
            return self.net.accuracy(v.images, v.labels)
        self.validation_outputs = self.net.output(v.images)
        return float(np.mean(self.validation_outputs.argmax(axis=1) == v.labels))

    def blas_threads(self) -> int | None:
        """BLAS threads for this run: one for mini-batches under 64 images, whose products are too small
        to share (measured here: a second thread made chapter 6's conv epochs 5-10 times slower at
        mini-batch 10, and chapter 1's 1.5 times), else the library's default.
        ``NNDL_BLAS_THREADS`` overrides it."""
        forced = os.environ.get("NNDL_BLAS_THREADS")
        if forced:
            return int(forced)
        return 1 if self.config.mini_batch_size * int(np.prod(self.net.input_shape)) < 64 * 784 else None

    def restore_best(self) -> EpochDone | None:
        """Put back the weights of the epoch with the best validation accuracy (what early stopping
        keeps, and the epoch the book reports); returns that epoch's metrics, or None if there is none."""
        if self._best_params is None:
            return None
        self._restore(self._best_params)
        return next(e for e in self.history if e.epoch == self.best_epoch)

    def _snapshot(self) -> list[dict[str, np.ndarray]]:
        return [{k: v.copy() for k, v in l.params.items()} for l in self.net.layers]

    def _restore(self, snapshot: list[dict[str, np.ndarray]]) -> None:
        for layer, params in zip(self.net.layers, snapshot):
            for k, v in params.items():
                layer.params[k][...] = v

    def _params_finite(self) -> bool:
        return all(np.isfinite(p).all() for l in self.net.layers for p in l.params.values())

    def _divergence_message(self, what: str, epoch: int, batch: int) -> str:
        return f"{what} at epoch {epoch}, batch {batch}: {self._advice(epoch)}"

    def _advice(self, epoch: int) -> str:
        """What a diverged run's message ends with: η, what to try, and which weights are back."""
        kept = f"the network is back to its state after epoch {epoch - 1}" if epoch > 1 \
            else "the network is back to its initial weights"
        return f"η = {self.eta:g} is too large for this network (try η = {self.eta / 10:g}); {kept}"


def train(net: Network, data: MNIST, config: TrainConfig) -> list[Event]:
    """Run a whole training and return its events except the per-batch ones (a convenience for
    scripts and tests)."""
    return [e for e in Trainer(net, data, config).run() if not isinstance(e, BatchDone)]


def subset(data: MNIST, train: int | None = None, validation: int | None = None, test: int | None = None) -> MNIST:
    """A smaller MNIST with the first ``train``/``validation``/``test`` examples of each split."""
    return MNIST(data.train.take(train), data.validation.take(validation), data.test.take(test))


__all__ = ["TrainConfig", "Trainer", "BatchDone", "EpochDone", "Finished", "Diverged", "Event", "train",
           "subset", "Split"]
