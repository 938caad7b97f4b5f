"""Chapter 5's experiments: why deep networks are hard to train.

- The book's experiment: [784, 30, ..., 30, 10] sigmoid networks with cross-entropy and the default
  initialiser, trained by full-batch gradient descent on the first 1,000 training images (η = 0.1,
  λ = 5.0, 500 epochs), recording each hidden layer's speed of learning ‖∂C/∂bˡ‖ = ‖mean of δˡ‖
  every epoch (:func:`train_speeds`, :data:`BOOK_CONFIG`, :data:`BOOK_INITIAL_SPEEDS`).
- The cause: by BP2 the error reaching layer l is the output error times one factor wˡ⁺¹ σ'(zˡ)
  per layer on the way, and σ'(z) ≤ 1/4 for the sigmoid (:func:`path_products`).
- Exploding gradients, the book's construction: a chain of single neurons with w = 100 and biases
  chosen so that every z = 0, σ'(z) = 1/4, so each layer multiplies the gradient by 25
  (:func:`exploding_chain`).
- Fixes beyond the book, compared on the same footing (:data:`FIXES`, :func:`deep_net`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Iterator, Sequence

import numpy as np
from scipy.special import expit

from core import probes
from core.data import MNIST, Split
from core.layers import Dense, Layer
from core.network import Network
from core.normalization import BatchNormDense, ResidualBatchNormDense, ResidualDense
from core.training import BatchDone, Diverged, Finished, TrainConfig, Trainer

#: The book's speeds of learning at initialisation, by number of hidden layers (chapter 5,
#: "The vanishing gradient problem"; one random initialisation each, gradient over 1,000 images).
BOOK_INITIAL_SPEEDS: dict[int, tuple[float, ...]] = {
    2: (0.07, 0.31),
    3: (0.012, 0.060, 0.283),
    4: (0.003, 0.017, 0.070, 0.285),
}

#: The book's training for the speed-versus-epoch plots: full-batch gradient descent on 1,000 images.
BOOK_CONFIG = TrainConfig(epochs=500, mini_batch_size=1000, eta=0.1, lmbda=5.0, train_size=1000,
                          monitor_training=False)


# --- networks ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Variant:
    """One way of building the deep network: hidden activation, initialiser, batch norm, residual."""

    activation: str = "sigmoid"
    init: str = "default"
    batch_norm: bool = False
    residual: bool = False

    @property
    def label(self) -> str:
        init = {"default": "1/√n_in", "large": "N(0, 1)", "he": "He √(2/n_in)", "zero": "zeros"}[self.init]
        extras = [s for s, on in (("batch norm", self.batch_norm), ("residual", self.residual)) if on]
        return ", ".join([f"{self.activation} {init}"] + extras)

    def build(self, depth: int, width: int = 30, seed: int = 0, dtype=np.float32) -> Network:
        return deep_net(depth, width, self.activation, self.init, self.batch_norm, self.residual, seed, dtype)


#: The book's network and the fixes compared in the Gradients tab.
BOOK_VARIANT = Variant()
FIXES: tuple[Variant, ...] = (
    BOOK_VARIANT,
    Variant(init="large"),
    Variant(activation="tanh"),
    Variant(activation="relu", init="he"),
    Variant(batch_norm=True),
    Variant(residual=True),
)


def deep_net(depth: int, width: int = 30, activation: str = "sigmoid", init: str = "default",
             batch_norm: bool = False, residual: bool = False, seed: int = 0, dtype=np.float32) -> Network:
    """[784, width × depth, 10] with sigmoid outputs and the cross-entropy cost (the book's chapter 5
    networks when activation is sigmoid and the rest is default). ``residual`` adds an identity path
    around every hidden layer after the first (the first changes the width from 784)."""
    if not 1 <= int(depth) <= 20:
        raise ValueError(f"the number of hidden layers must be between 1 and 20, not {depth}")
    if not 1 <= int(width) <= 1000:
        raise ValueError(f"hidden layers need between 1 and 1000 neurons, not {width}")
    layers: list[Layer] = []
    for i in range(int(depth)):
        skip = residual and i > 0
        cls = {(False, False): Dense, (True, False): BatchNormDense, (False, True): ResidualDense,
               (True, True): ResidualBatchNormDense}[(batch_norm, skip)]
        layers.append(cls(int(width), activation))
    layers.append(Dense(10, "sigmoid"))
    net = Network(layers, cost="cross-entropy", input_shape=(784,), init=init, seed=seed, dtype=dtype,
                  name=f"ch5-{depth}x{width}")
    return net


# --- speeds of learning --------------------------------------------------------------------------------

def speed_layers(net: Network) -> list[Layer]:
    """The hidden layers whose speed of learning we measure: those with biases, output excluded."""
    return probes.hidden_param_layers(net)


def speeds_from_grads(net: Network, m: int) -> np.ndarray:
    """‖∂C/∂bˡ‖ for each hidden layer from the gradients a backprop over ``m`` examples left in the
    layers (C the mean cost over them)."""
    return probes.gradient_norms(net, m=m, weights=False)["delta"][:-1]


#: What :func:`measures_from_grads` reports per hidden layer (``speeds`` is the book's).
MEASURES = {
    "speeds": "‖∂C/∂bˡ‖ = ‖mean δˡ‖ (the book's speed)",
    "errors": "mean over examples of ‖δˡ‖ (the error signal)",
    "weights": "‖∂C/∂wˡ‖",
}


def measures_from_grads(net: Network, m: int, which=tuple(MEASURES)) -> dict[str, np.ndarray]:
    """Per hidden layer, from the last backprop over ``m`` examples: the book's speed ‖∂C/∂bˡ‖, the
    mean size of the error δˡ reaching each example (averaging δ over the examples first can cancel
    it, notably just before a batch-norm layer, whose backward pass removes the batch mean), and
    ‖∂C/∂wˡ‖ (the priciest: NaN unless ``which`` asks for it)."""
    layers = speed_layers(net)
    norms = probes.gradient_norms(net, m=m, weights="weights" in which)  # the output layer's last
    return {
        "speeds": norms["delta"][:-1],
        "errors": np.array([float(np.linalg.norm(l.delta, axis=1).mean()) for l in layers])
        if "errors" in which else np.full(len(layers), np.nan),
        "weights": norms["w"][:-1],
    }


def speeds(net: Network, images: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The speeds of learning as gradient descent sees them: ‖mean over the examples of δˡ‖ from a
    backprop in training mode (batch normalisation with the batch's statistics) on a copy of ``net``.
    Equals :func:`core.probes.layer_speeds` for networks without batch norm or dropout."""
    return measures(net, images, labels)["speeds"]


def measures(net: Network, images: np.ndarray, labels: np.ndarray) -> dict[str, np.ndarray]:
    """:func:`measures_from_grads` after a training-mode backprop over the examples, on a copy."""
    probe = net.copy()
    x = probe.prepare(images)
    probe.backprop(x, probe.one_hot(labels), training=True)
    return measures_from_grads(probe, len(x))


def initial_speeds(depth: int, images: np.ndarray, labels: np.ndarray, seeds: Sequence[int] = range(10),
                   width: int = 30, variant: Variant = BOOK_VARIANT) -> np.ndarray:
    """Speeds of learning at initialisation, (len(seeds), depth): one row per random initialisation."""
    return np.array([speeds(variant.build(depth, width, seed), images, labels) for seed in seeds])


@dataclass(frozen=True)
class SpeedRecord:
    """Variant ``variant``'s speeds of learning after ``epoch`` steps of gradient descent (0 = at
    initialisation), with the mean training cost (without the regularisation term) there, and the
    other :data:`MEASURES` per hidden layer."""

    variant: int
    epoch: int
    speeds: np.ndarray
    cost: float
    errors: np.ndarray
    weights: np.ndarray


@dataclass(frozen=True)
class VariantDone:
    """Variant ``variant`` stopped: ``reason`` ("completed" or why it diverged), the accuracy of its
    final network on the held-out images (None when none were given)."""

    variant: int
    reason: str
    epochs: int
    accuracy: float | None
    diverged: bool = False


def train_speeds(nets: Sequence[Network], data: MNIST, config: TrainConfig = BOOK_CONFIG,
                 held_out: Split | None = None, which=tuple(MEASURES)) -> Iterator[SpeedRecord | VariantDone]:
    """Train every net in ``nets`` (in place) by full-batch gradient descent on the first
    ``config.train_size`` training images, taking one epoch of each in turn, and yield its speeds
    of learning at every epoch, then a :class:`VariantDone`.

    As in the book, the speeds at epoch e are measured on the weights after e steps, before the
    next, on the whole training set; with one mini-batch per epoch they are exactly the gradient
    that step uses, so they cost nothing extra. The last record (epoch = epochs) is measured after
    the last step. ``which`` of the :data:`MEASURES` to record (the others are NaN).
    """
    train = data.train.take(config.train_size)
    config = replace(config, mini_batch_size=len(train), train_size=len(train), monitor_training=False)
    empty = Split(train.images[:0], train.labels[:0])
    trainers = [Trainer(net, MNIST(train, empty, empty), config) for net in nets]
    runs = {i: t.run() for i, t in enumerate(trainers)}
    while runs:
        for i in list(runs):
            trainer = trainers[i]
            for event in runs[i]:
                if isinstance(event, BatchDone):
                    yield SpeedRecord(i, event.epoch - 1, cost=event.cost,
                                      **measures_from_grads(trainer.net, trainer.n, which))
                    break
                if isinstance(event, Finished):
                    net = trainer.net
                    cost = net.evaluate(train.images, train.labels)[0]
                    yield SpeedRecord(i, event.epochs_run, cost=cost, **measures(net, train.images, train.labels))
                    yield VariantDone(i, event.reason, event.epochs_run, _accuracy(net, held_out))
                    del runs[i]
                    break
                if isinstance(event, Diverged):
                    yield VariantDone(i, event.message, event.epoch - 1, _accuracy(trainer.net, held_out), True)
                    del runs[i]
                    break


def _accuracy(net: Network, held_out: Split | None) -> float | None:
    if held_out is None or len(held_out) == 0:
        return None
    return net.accuracy(held_out.images, held_out.labels)


# --- the cause: products of factors ----------------------------------------------------------------

def path_products(net: Network, images: np.ndarray, n_paths: int = 4000, seed: int = 0) -> list[np.ndarray]:
    """For each hidden layer l, |∏ⱼ wʲ⁺¹ σ'(zʲ)| over j = l … L−1 along ``n_paths`` random paths
    (a random example, then one random neuron in each layer from l to the output).

    BP2 applied again and again writes δˡ as a sum over all such paths of the product times the
    output error δᴸ: the factor a single path multiplies the error by on its way from the output
    back to layer l (for the book's chain of single neurons, the only path). Plain dense networks
    only (ValueError otherwise); runs ``net`` forward, so its layers' caches change."""
    dense = list(net.layers)
    if any(type(l) is not Dense for l in dense):
        raise ValueError("path products are defined here for plain fully connected networks "
                         "(no convolution, dropout, batch norm or residual connections)")
    net.feedforward(net.prepare(images), training=False)
    rng = np.random.default_rng(seed)
    n = len(dense[0].z)
    example = rng.integers(0, n, n_paths)
    neuron = [rng.integers(0, l.n_out, n_paths) for l in dense]  # the path's neuron in each layer
    factors = []  # factor j: |w^{j+1}[k_{j+1}, k_j] σ'(z^j[k_j])|
    for j in range(len(dense) - 1):
        layer, following = dense[j], dense[j + 1]
        sp = layer.activation.prime(layer.z, layer.a)[example, neuron[j]]
        factors.append(np.abs(following.params["w"][neuron[j + 1], neuron[j]] * sp).astype(np.float64))
    products, running = [], np.ones(n_paths)
    for f in reversed(factors):
        running = running * f
        products.append(running)
    return products[::-1]


@dataclass(frozen=True)
class Cause:
    """Why the gradient shrinks (or grows) in ``net``, layer by layer (hidden layers, input side
    first): the values of σ'(zˡ) over the examples and neurons; those of |wˡ⁺¹ⱼₖ σ'(zˡₖ)|, the
    factors BP2 multiplies by (see :func:`core.probes.saturation`); σ''s largest possible value;
    the 10th, 50th and 90th percentiles of the product of factors along random paths from each
    layer to the output (None when the network is not a plain fully connected one); and the measured
    ‖δˡ‖ / ‖δᴸ‖, the speed of each layer relative to the output layer's."""

    labels: list[str]
    sigma_prime: list[np.ndarray]
    weighted: list[np.ndarray]
    bound: float
    path_quantiles: np.ndarray | None  # (3, hidden layers)
    relative_speeds: np.ndarray


#: The largest value σ'(z) takes, for each element-wise activation.
PRIME_BOUNDS = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0, "linear": 1.0}


def explain(net: Network, images: np.ndarray, labels: np.ndarray, n_paths: int = 4000) -> Cause:
    """The :class:`Cause` of ``net``'s unstable gradient on the given examples (``net`` untouched)."""
    probe = net.copy()
    sat = probes.saturation(probe, images)
    hidden = [l for l in probe.layers if isinstance(l, Dense)][:-1]
    bound = max((PRIME_BOUNDS.get(l.activation.name, 1.0) for l in hidden), default=1.0)
    try:
        products = path_products(probe, images, n_paths)
        quantiles = np.array([np.percentile(p, [10, 50, 90]) for p in products]).T
    except ValueError:
        quantiles = None
    x = probe.prepare(images)
    probe.backprop(x, probe.one_hot(labels), training=True)  # batch norm as gradient descent sees it
    speeds = probes.gradient_norms(probe, m=len(x), weights=False)["delta"]
    hidden_speeds, out = speeds[:-1], speeds[-1]
    relative = hidden_speeds / out if out > 0 else np.full(len(hidden_speeds), np.nan)
    return Cause([s["label"] for s in sat], [s["sigma_prime"] for s in sat], [s["weighted"] for s in sat],
                 bound, quantiles, relative)


# --- exploding gradients -------------------------------------------------------------------------------

def exploding_chain(hidden: int = 3, w: float = 100.0, x: float = 1.0, zero_z: bool = True,
                    dtype=np.float64) -> Network:
    """The book's chain of single sigmoid neurons, ``hidden`` of them and one output neuron, all
    weights ``w``. With ``zero_z`` each bias is −w × (the activation feeding it), so every z = 0 and
    σ'(z) = 1/4: by BP2 each layer multiplies the error by w σ'(z) = w/4 (25 for w = 100) on its way
    back. Without it the biases are 0 and large weights saturate the neurons instead."""
    if int(hidden) < 1:
        raise ValueError(f"the chain needs at least one hidden neuron, not {hidden}")
    layers = [Dense(1, "sigmoid") for _ in range(int(hidden) + 1)]
    net = Network(layers, cost="cross-entropy", input_shape=(1,), init="zero", dtype=dtype, name="exploding chain")
    a = float(x)
    for layer in layers:
        layer.params["w"][...] = w
        layer.params["b"][...] = -w * a if zero_z else 0.0
        a = float(layer.activation(np.array(w * a + layer.params["b"][0])))
    return net


def chain_gradients(net: Network, x: float = 1.0, y: float = 0.0) -> dict[str, np.ndarray]:
    """For a chain of single neurons, one input ``x`` and target ``y``: per layer (output included)
    σ'(zˡ), the factor |wˡ⁺¹ σ'(zˡ)| by which BP2 multiplies the error going back through layer l
    (NaN for the output layer), and |∂C/∂bˡ| = |δᴸ| × the product of the factors from l on.

    σ'(z) is computed as σ(z) σ(−z), which keeps its tiny values for saturated neurons (σ(z)(1 − σ(z))
    rounds to 0 once σ(z) rounds to 1), so the product shows how small the gradient is, not just 0."""
    dense = net.dense_layers
    if any(l.n_out != 1 for l in dense) or net.input_shape != (1,):
        raise ValueError("chain_gradients needs a chain of single neurons")
    a = net.feedforward(net.prepare(np.array([[x]], dtype=np.float64)))
    sp = []
    for l in dense:
        z = l.z.astype(np.float64)
        sp.append(float((expit(z) * expit(-z))[0, 0]) if l.activation.name == "sigmoid"
                  else float(l.activation.prime(z, l.activation(z))[0, 0]))
    out = net.output_layer
    delta_out = abs(float(net.cost.delta(out.z, a, np.array([[y]], dtype=a.dtype), out.activation)[0, 0]))
    w_next = np.array([float(l.params["w"][0, 0]) for l in dense[1:]] + [math.nan])
    factor = np.abs(w_next * np.array(sp))
    grad = np.empty(len(dense))
    grad[-1] = delta_out
    for l in range(len(dense) - 2, -1, -1):
        grad[l] = grad[l + 1] * factor[l]
    return {"grad_b": grad, "sigma_prime": np.array(sp), "factor": factor}
