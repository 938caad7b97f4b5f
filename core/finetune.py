"""Fine-tuning: teach a trained network someone's own handwriting without making it forget MNIST.

A copy of the network is trained for a few epochs, at a quarter of the learning rate it was trained
with, on the person's digits mixed with MNIST training images (``mnist_mix`` of every training
example is an MNIST digit): gradient descent on the person's digits alone would pull the weights
towards them and away from everything else (catastrophic forgetting); the MNIST share keeps the
old task in the cost being minimised. The update rule, momentum and L2 are the network's own
training settings (``core.training``), so the step is the one the book's equations describe.

``fine_tune`` is the whole job; :class:`FineTune` runs the same job one mini-batch at a time (a GUI
reports progress and may stop between mini-batches).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Iterator

import numpy as np

from core.data import MNIST, Split, load_mnist
from core.network import Network
from core.training import BatchDone, Diverged, TrainConfig, Trainer

#: the fraction of the training examples that are MNIST digits (three for each of the person's)
MNIST_MIX = 0.75
#: the fine-tuning learning rate as a fraction of the rate the network was trained with
ETA_FRACTION = 0.25


class FineTuneError(ValueError):
    """The digits cannot be used for fine-tuning (wrong shape, values or labels); the message says why."""


def check_digits(images, labels) -> tuple[np.ndarray, np.ndarray]:
    """``images`` as (n, 28, 28) float32 in [0, 1] and ``labels`` as (n,) int64 digits, or
    :class:`FineTuneError` naming what is wrong."""
    images, labels = np.asarray(images), np.asarray(labels)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise FineTuneError(f"digits must be 28×28 images, an array of shape (n, 28, 28), not {images.shape}")
    if len(images) == 0:
        raise FineTuneError("there are no digits to learn from")
    if labels.shape != (len(images),):
        raise FineTuneError(f"{len(images)} images need {len(images)} labels, not an array of shape {labels.shape}")
    if not np.issubdtype(images.dtype, np.number) or not np.isfinite(images).all() \
            or images.min() < 0 or images.max() > 1:
        raise FineTuneError("digit images must hold finite values in [0, 1] (as canvas_to_mnist makes them)")
    if not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0 or labels.max() > 9:
        raise FineTuneError("labels must be the digits 0-9")
    return images.astype(np.float32), labels.astype(np.int64)


def default_config(network: Network, epochs: int, eta: float | None, seed: int) -> TrainConfig:
    """The network's own training settings (``network.info["config"]``, else a plain SGD default for its
    cost), with ``epochs``, the learning rate ``eta`` (default: ``ETA_FRACTION`` of the network's),
    and no distortions (the point is the person's own style; measured, distorting it taught it less
    and cost the bundled networks more MNIST accuracy), schedule, evaluation or early stopping."""
    saved = network.info.get("config") if isinstance(network.info.get("config"), dict) else None
    try:
        base = TrainConfig.from_dict(saved) if saved else None
    except (TypeError, ValueError):
        base = None
    if base is None:
        base = TrainConfig(eta=3.0 if network.cost.name == "quadratic" else 0.5)
    return replace(base, epochs=epochs, eta=eta if eta is not None else base.eta * ETA_FRACTION,
                   train_size=None, expand=False, augment="none", eta_patience=None, early_stopping=None,
                   monitor_training=False, monitor_limit=None, seed=seed)


class FineTune:
    """One fine-tuning job: ``run()`` yields a :class:`core.training.BatchDone` per mini-batch; once it
    is exhausted ``network`` is the fine-tuned copy (``diverged`` holds the message if the run blew up,
    and the copy is then back at its last good weights)."""

    def __init__(self, network: Network, images, labels, *, epochs: int = 5, eta: float | None = None,
                 mnist_mix: float = MNIST_MIX, seed: int = 0, mnist: MNIST | None = None):
        images, labels = check_digits(images, labels)
        if not 0 <= mnist_mix < 1:
            raise FineTuneError(f"the MNIST share must be in [0, 1), not {mnist_mix}")
        self.network = network.copy()
        self.config = default_config(self.network, epochs, eta, seed)
        mnist = mnist or load_mnist()
        n_mnist = int(round(len(images) * mnist_mix / (1 - mnist_mix)))
        rng = np.random.default_rng(seed)
        pick = rng.choice(len(mnist.train), size=min(n_mnist, len(mnist.train)), replace=False)
        train = Split(np.concatenate([images, mnist.train.images[pick]]),
                      np.concatenate([labels, mnist.train.labels[pick]]))
        empty = Split(np.zeros((0, 28, 28), np.float32), np.zeros(0, np.int64))
        config = self.config
        if config.mini_batch_size > len(train):  # a handful of digits: one mini-batch of them all
            config = replace(config, mini_batch_size=len(train))
        self.trainer = Trainer(self.network, MNIST(train, empty, empty), config)
        # the training record stays (its config is what "Train further" reads); the original's measured
        # accuracy no longer describes this network
        info = {k: v for k, v in self.network.info.items() if k not in ("metrics", "finished")}
        self.network.info = {**info, "fine_tuned": {
            "digits": len(labels), "mnist_digits": len(pick), "epochs": epochs, "eta": config.eta, "seed": seed}}
        self.diverged: str | None = None

    @property
    def examples(self) -> int:
        """Training examples per epoch: the person's digits and the MNIST ones mixed in."""
        return self.trainer.n

    def run(self) -> Iterator[BatchDone]:
        for event in self.trainer.run():
            if isinstance(event, BatchDone):
                yield event
            elif isinstance(event, Diverged):
                self.diverged = event.message


def fine_tune(network: Network, images, labels, *, epochs: int = 5, eta: float | None = None,
              mnist_mix: float = MNIST_MIX, seed: int = 0, mnist: MNIST | None = None) -> Network:
    """A copy of ``network`` fine-tuned on ``images`` ((n, 28, 28) float32 in [0, 1], already through
    ``canvas_to_mnist``) with ``labels``, mixed with MNIST training digits (``mnist_mix`` of the
    examples); ``network`` itself is untouched. Deterministic for a ``seed``."""
    job = FineTune(network, images, labels, epochs=epochs, eta=eta, mnist_mix=mnist_mix, seed=seed, mnist=mnist)
    for _ in job.run():
        pass
    return job.network


def held_out_split(labels, fraction: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, held_out) of ``labels``: ``fraction`` of each digit's examples held out (rounded
    down, so a digit drawn once is always trained on), chosen at random for a ``seed``."""
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    held = []
    for digit in np.unique(labels):
        where = np.flatnonzero(labels == digit)
        held.extend(rng.permutation(where)[:int(len(where) * fraction)])
    held = np.sort(np.asarray(held, dtype=np.intp))
    return np.setdiff1d(np.arange(len(labels)), held), held
