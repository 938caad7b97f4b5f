"""Network: a stack of layers and a cost; feedforward, backpropagation (BP1–BP4), predictions.

The four equations of backpropagation (chapter 2), for a whole mini-batch at once:

- BP1  δᴸ = ∇ₐC ⊙ σ'(zᴸ)                 the output error, from the cost (``Cost.delta``)
- BP2  δˡ = ((wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ'(zˡ)       carried back one layer (``Layer.backward``)
- BP3  ∂C/∂bˡⱼ = δˡⱼ
- BP4  ∂C/∂wˡⱼₖ = aˡ⁻¹ₖ δˡⱼ                both summed over the mini-batch in ``layer.grads``

Row-major throughout: one example per row (the book uses one per column).
"""
from __future__ import annotations

import copy
from typing import Sequence

import numpy as np

from core import costs, initializers
from core.layer_types import from_spec
from core.layers import Dense, Dropout, Layer


class Network:
    """Layers applied in order to inputs of ``input_shape`` (without the batch axis), trained
    against ``cost``. The last layer must be a :class:`Dense` layer (its activation is the output).

    ``Network.mlp([784, 30, 10])`` builds the book's fully connected networks.
    """

    def __init__(self, layers: Sequence[Layer], cost: str = "cross-entropy", input_shape=(784,),
                 init: str = "default", seed: int = 0, dtype=np.float32, name: str = ""):
        if not layers:
            raise ValueError("a network needs at least one layer")
        if not isinstance(layers[-1], Dense):
            raise ValueError("the last layer must be a dense (output) layer")
        self.layers = list(layers)
        self.cost = costs.get(cost)
        self.cost.check(self.output_layer.activation)
        self.input_shape = tuple(int(d) for d in input_shape)
        self.init = initializers.check(init)
        self.dtype = np.dtype(dtype)
        self.name = name
        self.info: dict = {}  # training config, metrics, provenance: saved with the network
        self.rng = np.random.default_rng(seed)
        shape = self.input_shape
        for layer in self.layers:
            shape = layer.build(shape, self.rng, self.dtype, init)
        self.output_shape = shape
        # backprop need not go further back than the first layer with parameters
        self._first_trainable = next((i for i, l in enumerate(self.layers) if l.params), 0)

    @classmethod
    def mlp(cls, sizes: Sequence[int], activation: str = "sigmoid", output_activation: str | None = None,
            cost: str = "cross-entropy", init: str = "default", dropout: float = 0.0, seed: int = 0,
            dtype=np.float32, name: str = "") -> "Network":
        """A fully connected network like the book's ``Network(sizes)``: ``sizes[0]`` inputs, then
        one Dense layer per further size; ``dropout`` applies to every hidden layer's output."""
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"layer sizes must be at least two positive numbers, not {sizes}")
        layers: list[Layer] = []
        for i, n in enumerate(sizes[1:]):
            last = i == len(sizes) - 2
            layers.append(Dense(n, output_activation or activation if last else activation))
            if dropout and not last:
                layers.append(Dropout(dropout))
        return cls(layers, cost=cost, input_shape=(sizes[0],), init=init, seed=seed, dtype=dtype, name=name)

    # --- structure ---------------------------------------------------------------------------------
    @property
    def output_layer(self) -> Dense:
        return self.layers[-1]  # type: ignore[return-value]

    @property
    def dense_layers(self) -> list[Dense]:
        return [l for l in self.layers if isinstance(l, Dense)]

    @property
    def sizes(self) -> list[int]:
        """The book's ``sizes`` for a fully connected network: inputs, then each Dense layer's size."""
        return [int(np.prod(self.input_shape))] + [l.n_out for l in self.dense_layers]

    @property
    def n_params(self) -> int:
        return sum(p.size for l in self.layers for p in l.params.values())

    def describe(self) -> str:
        """A short human description, e.g. ``784-30-10 sigmoid, cross-entropy``; an MLP's activations
        in the order of its layers (``784-30-10 relu/softmax, log-likelihood``)."""
        if all(isinstance(l, (Dense, Dropout)) for l in self.layers):
            acts = dict.fromkeys(l.activation.name for l in self.dense_layers)  # (each once, first to last)
            return f"{'-'.join(map(str, self.sizes))} {'/'.join(acts)}, {self.cost.name}"
        parts = [l.describe() for l in self.layers if l.kind != "flatten"]
        return " → ".join(parts) + f", {self.cost.name}"

    def spec(self) -> dict:
        return {"layers": [l.spec() for l in self.layers], "cost": self.cost.name,
                "input_shape": list(self.input_shape), "init": self.init, "name": self.name}

    @classmethod
    def from_spec(cls, spec: dict, dtype=np.float32) -> "Network":
        layers = [from_spec(s) for s in spec["layers"]]
        return cls(layers, cost=spec["cost"], input_shape=spec["input_shape"], init=spec.get("init", "default"),
                   dtype=dtype, name=spec.get("name", ""))

    def copy(self) -> "Network":
        """An independent copy (weights included), e.g. a snapshot for another thread."""
        return copy.deepcopy(self)

    def snapshot(self) -> "Network":
        """An independent copy of the structure and weights without the per-batch caches a deep copy
        would drag along (a CNN's cached patch matrices run to tens of megabytes): what a view draws."""
        clone = Network.from_spec(dict(self.spec(), init="zero"), dtype=self.dtype)  # zeros: nothing to draw
        for src, dst in zip(self.layers, clone.layers):
            for key, p in src.params.items():
                np.copyto(dst.params[key], p)
        clone.init, clone.name, clone.info = self.init, self.name, copy.deepcopy(self.info)
        return clone

    def astype(self, dtype) -> "Network":
        """A copy whose parameters are of ``dtype`` (float64 for gradient checks)."""
        net = self.copy()
        net.dtype = np.dtype(dtype)
        for layer in net.layers:
            layer.params = {k: v.astype(dtype) for k, v in layer.params.items()}
        return net

    # --- forward -----------------------------------------------------------------------------------
    def prepare(self, images: np.ndarray) -> np.ndarray:
        """Reshape (n, 28, 28) images (or already-shaped inputs) to (n, *input_shape) of our dtype."""
        x = np.asarray(images)
        n = x.shape[0] if x.ndim > 1 or x.size == 0 else 1
        if x.size != n * int(np.prod(self.input_shape)):
            raise ValueError(f"inputs of shape {x.shape} do not fit this network, which takes "
                             f"{'×'.join(map(str, self.input_shape))} per example")
        return np.ascontiguousarray(x.reshape((n,) + self.input_shape), dtype=self.dtype)

    def feedforward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """The output activations aᴸ for prepared inputs ``x`` (each layer caches what backward needs)."""
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    @property
    def eval_batch(self) -> int:
        """Examples per forward pass when evaluating: fewer for convolutional networks, whose patch
        matrices grow with the batch (about 0.1 MB per image for chapter 6's second conv layer)."""
        return 1000 if len(self.input_shape) == 1 else 200

    def output(self, images: np.ndarray, batch_size: int | None = None) -> np.ndarray:
        """The output layer's activations, (n, n_out) float32, for (n, 28, 28) images."""
        x = self.prepare(images)
        if len(x) == 0:
            return np.zeros((0,) + self.output_shape, np.float32)
        batch_size = batch_size or self.eval_batch
        out = [self.feedforward(x[i:i + batch_size]) for i in range(0, len(x), batch_size)]
        return np.concatenate(out).astype(np.float32, copy=False)

    def predict(self, images: np.ndarray) -> np.ndarray:
        """The digit each image is classified as: argmax of the output, (n,) int64."""
        return self.output(images).argmax(axis=1).astype(np.int64)

    def accuracy(self, images: np.ndarray, labels: np.ndarray) -> float:
        """The fraction of images classified correctly."""
        if len(labels) == 0:
            return float("nan")
        return float(np.mean(self.predict(images) == labels))

    def evaluate(self, images: np.ndarray, labels: np.ndarray, lmbda: float = 0.0, n: int | None = None,
                 regularization: str = "l2", batch_size: int | None = None) -> tuple[float, float]:
        """(cost, accuracy) in one pass: the mean cost plus the regularisation term as the book
        reports it, (λ/2n) Σ w² for L2 (chapter 3, equation 85) or (λ/n) Σ |w| for L1 (equation 95)."""
        x = self.prepare(images)
        if len(x) == 0:
            return float("nan"), float("nan")
        total, correct = 0.0, 0
        out = self.output_layer
        batch_size = batch_size or self.eval_batch
        for i in range(0, len(x), batch_size):
            a = self.feedforward(x[i:i + batch_size])
            batch_labels = labels[i:i + batch_size]
            total += self.cost.value(out.z, a, self.one_hot(batch_labels), out.activation)
            correct += int(np.count_nonzero(a.argmax(axis=1) == batch_labels))
        cost = total / len(x) + self.penalty(lmbda, n or len(x), regularization)
        return cost, correct / len(x)

    def one_hot(self, labels: np.ndarray) -> np.ndarray:
        return np.eye(self.output_shape[0], dtype=self.dtype)[labels]

    def total_cost(self, images: np.ndarray, labels: np.ndarray, lmbda: float = 0.0, n: int | None = None,
                   regularization: str = "l2") -> float:
        """The book's ``total_cost``: see :meth:`evaluate`."""
        return self.evaluate(images, labels, lmbda, n, regularization)[0]

    def penalty(self, lmbda: float, n: int, regularization: str = "l2") -> float:
        if not lmbda:
            return 0.0
        weights = [l.params[k] for l in self.layers for k in l.regularized]
        if regularization == "l1":
            return lmbda / n * sum(float(np.abs(w).sum()) for w in weights)
        return 0.5 * lmbda / n * sum(float(np.vdot(w, w)) for w in weights)

    # --- backward ----------------------------------------------------------------------------------
    def backprop(self, x: np.ndarray, y: np.ndarray, training: bool = True) -> float:
        """Forward and backward pass over one prepared mini-batch ``x`` with one-hot targets ``y``.

        Leaves each layer's gradients (sums over the mini-batch) in ``layer.grads`` and returns the
        sum over the mini-batch of the cost (without regularisation).
        """
        a = self.feedforward(x, training)
        out = self.output_layer
        cost_sum, delta = self.cost.value_and_delta(out.z, a, y, out.activation)  # delta: BP1
        first = self._first_trainable
        grad = out.backward_delta(delta, need_input_grad=len(self.layers) - 1 > first)
        for i in range(len(self.layers) - 2, first - 1, -1):  # BP2, layer by layer towards the input
            grad = self.layers[i].backward(grad, need_input_grad=i > first)
        return cost_sum

