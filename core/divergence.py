"""Telling a run that blows up without reaching NaN (the trainer ends it with a ``Diverged`` event).

A NaN or an infinity in the cost or the weights is plain divergence. A learning rate that is too
large can also wreck a network while every number stays finite: the steps overshoot (chapter 3,
"How to choose a neural network's hyper-parameters": the cost oscillates or climbs instead of
falling), the weights grow huge, the sigmoid neurons saturate and the network gives the same answer
for every digit. Chapter 1's network with η = 1000, say, ends its first epoch at chance (about 10%)
with output weights thirty times their initial size, and would train on like that for as many
epochs as it was given.

:class:`BlowUpWatch` looks for that after every epoch. A run has blown up when its accuracy is no
better than chance *and* its mean cost per image over the epoch has risen to ``FACTOR`` times the
cost of the first mini-batch, or to ``RISE`` times the last good epoch's when the network had
learned something by then and its weights grew (η raised during a run; a raised λ shrinks them and
is left alone), or some layer's weights have grown ``FACTOR`` times as large (root mean square) as
they started. A run that is merely slow (chapter 5's deep sigmoid networks near chance for their
first epochs, or a tiny η) has a falling cost and weights near their initial size, and goes on.
"""
from __future__ import annotations

import math

import numpy as np

CHANCE = 0.2  # an accuracy below this (ten classes) is no better than guessing
FACTOR = 10.0  # how far the cost or the weights must have grown to count as a blow-up
RISE = 2.0  # ... or how far the cost of a network that had learned must rise in one epoch


def _rms(w: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(w, dtype=np.float64)))) if w.size else 0.0


class BlowUpWatch:
    """Made for a network as its run starts; then :meth:`batch` after every mini-batch and
    :meth:`epoch` after every epoch."""

    def __init__(self, net, factor: float = FACTOR, chance: float = CHANCE, rise: float = RISE):
        self.net, self.factor, self.chance, self.rise = net, factor, chance, rise
        self.start_rms = self._rms()
        self.first_cost: float | None = None  # the first mini-batch's cost per image: the network as it started
        self._sum, self._images = 0.0, 0
        self.good_accuracy: float | None = None  # the last epoch that passed: its accuracy, its cost
        self.good_cost: float | None = None
        self.good_rms = list(self.start_rms)

    def batch(self, cost_sum: float, images: int) -> None:
        """A mini-batch of ``images`` whose costs sum to ``cost_sum`` (before its update)."""
        if self.first_cost is None:
            self.first_cost = cost_sum / images
        self._sum += cost_sum
        self._images += images

    def epoch(self, epoch: int, accuracy: float | None) -> str | None:
        """None when the epoch is fine (it becomes the last good one); else what went wrong, in words.
        ``accuracy``: the epoch's validation (or training) accuracy; None (not measured) passes."""
        mean = self._sum / self._images if self._images else None
        self._sum, self._images = 0.0, 0
        what = None
        if accuracy is not None and accuracy < self.chance and mean is not None and math.isfinite(mean):
            rms = self._rms()
            growth = max((r / s for r, s in zip(rms, self.start_rms) if s > 0), default=0.0)
            grew = any(r > g for r, g in zip(rms, self.good_rms))
            learned = self.good_accuracy is not None and self.good_accuracy >= self.chance
            if self.first_cost and mean > self.factor * self.first_cost:
                what = (f"the cost rose from {self.first_cost:.3g} to {mean:.3g} in epoch {epoch} and the "
                        f"network is at chance ({accuracy:.1%})")
            elif learned and grew and self.good_cost and mean > self.rise * self.good_cost:
                what = (f"in epoch {epoch} the cost rose from {self.good_cost:.3g} to {mean:.3g} and the accuracy "
                        f"fell from {self.good_accuracy:.1%} to chance ({accuracy:.1%})")
            elif growth > self.factor:
                what = (f"after epoch {epoch} the network is at chance ({accuracy:.1%}) and its weights have "
                        f"grown {growth:.0f}-fold, saturating the neurons")
        if what is None:
            self.good_accuracy, self.good_cost, self.good_rms = accuracy, mean, self._rms()
        return what

    def _rms(self) -> list[float]:
        return weights_rms(self.net)


def weights_rms(net) -> list[float]:
    """The root mean square of each layer's weights (read afresh each time: the trainer may rebind
    a layer's arrays, as ``core.folded_mlp``'s views)."""
    return [_rms(layer.params["w"]) for layer in net.layers if "w" in layer.params]


def advice(net, eta: float, lmbda: float, n: int, regularization: str = "l2") -> str:
    """What a diverged run's message blames and suggests: λ when the weight decay alone wrecks the
    weights (:func:`lambda_to_blame`), else η."""
    return lambda_to_blame(net, eta, lmbda, n, regularization) or \
        f"η = {eta:g} is too large for this network (try η = {eta / 10:g})"


def lambda_to_blame(net, eta: float, lmbda: float, n: int, regularization: str = "l2") -> str | None:
    """Why λ, not η, makes the run blow up, or None. The regularisation term of one update
    (chapter 3, equations 93 and 96) is to blame when

    - L2: the weight-decay factor 1 − ηλ/n is ≤ 0, so every step flips each weight's sign (and
      scales it up once the factor is below −1) whatever the gradient says;
    - L1: the step ηλ/n that every weight takes towards zero is larger than the weights' typical
      size (their root mean square in ``net``), so the λ term dominates every update.
    """
    if not lmbda or n <= 0:
        return None
    decay = eta * lmbda / n
    bound = f"keep λ well below n/η = {n / eta:,.4g}"
    if regularization == "l2" and decay >= 1:
        return (f"λ = {lmbda:g} is too large for η = {eta:g} and n = {n:,}: the weight-decay factor 1 − ηλ/n = "
                f"{1 - decay:.3g} is ≤ 0, so every step flips the weights' signs ({bound})")
    sizes = [s for s in weights_rms(net) if s > 0]
    if regularization == "l1" and sizes and decay > min(sizes):
        return (f"λ = {lmbda:g} is too large for η = {eta:g} and n = {n:,}: every step moves each weight by "
                f"ηλ/n = {decay:.3g}, more than the weights' typical size ({min(sizes):.3g}), so the λ term "
                f"dominates (keep λ below {min(sizes) * n / eta:,.4g})")
    return None


def nothing_learned(epoch, trainer=None, chance: float = CHANCE) -> str | None:
    """After a run that finished without blowing up: "nothing was learned" when its last epoch
    (an ``EpochDone``) leaves the network no better than chance, else None. Reads the validation
    accuracy, else the training accuracy, else the test accuracy (the first one measured). Given
    the ``Trainer``, it adds why when λ is to blame (:func:`lambda_to_blame`)."""
    for which in ("validation", "training", "test"):
        accuracy = getattr(epoch, f"{which}_accuracy", None)
        if accuracy is not None:
            break
    else:
        return None
    if not math.isfinite(accuracy) or accuracy >= chance:
        return None
    note = f"nothing was learned (at chance after the run: {accuracy:.1%} {which} accuracy)"
    blame = trainer and lambda_to_blame(trainer.net, trainer.eta, trainer.lmbda, trainer.n,
                                        trainer.config.regularization)
    return f"{note}: {blame}" if blame else note
