"""Layers: each one's forward pass with its backward pass right beside it.

Every layer works on a whole mini-batch at once, one example per row (batch-first tensors:
(m, features) or (m, channels, height, width)); the book stores one example per column, so where it
writes wᵀδ we write δ w. ``backward`` receives ∂C/∂(this layer's output), summed over the examples
of the mini-batch, stores the gradients of its parameters in ``grads`` (also sums, as the book's
``nabla_w``/``nabla_b``) and returns ∂C/∂(its input) unless ``need_input_grad`` is False (the
first layer skips that matrix product). ``backward`` may overwrite ``grad`` in place: every layer
hands back a fresh array (or a view of one).
"""
from __future__ import annotations

import copy
import math

import numpy as np

from core import activations, initializers
from core.matmul import matmul


class Gradients(dict):
    """A layer's gradients by parameter name (sums over the mini-batch, as the book's ``nabla_w`` and
    ``nabla_b``), formed when read.

    A dense layer keeps its weight gradient Σₓ δᵀ a⁽ˡ⁻¹⁾ as its two factors (``Layer.gradient_factors``)
    and multiplies them out only when someone reads ``grads["w"]``: the general training step folds the
    product straight into its update (one BLAS call, ``core.steps``), and :meth:`norm` measures it
    without forming it, so most mini-batches never form it. (The fully connected fast path,
    ``core.folded_mlp``, leaves the bias gradient Σₓ δ unformed too.) Outside ``core.layers``,
    ``core.normalization`` and the training steps, nobody needs to know: read ``grads[name]`` or
    ``grads.norm(name)``.
    """

    def __init__(self, layer: "Layer"):
        super().__init__()
        self.layer = layer

    def __missing__(self, key):
        value = self.layer.form_gradient(key)
        if value is None:
            raise KeyError(key)
        self[key] = value
        return value

    def norm(self, key: str) -> float:
        """‖∂C/∂p‖ (Frobenius) of parameter ``key``'s summed gradient, without forming a gradient kept
        as factors when that is cheaper: ‖δᵀa‖² = Σ (a aᵀ) ⊙ (δ δᵀ), two m×m Gram matrices for a
        mini-batch of m, against an (n_out, n_in) product."""
        factors = None if key in self else self.layer.gradient_factors(key)
        if factors is not None:
            a, delta = (f.reshape(len(f), -1) for f in factors)  # (m, n_in), (m, n_out)
            m, (n_in, n_out) = len(a), (a.shape[1], delta.shape[1])
            if m * (n_in + n_out) < n_in * n_out:
                return math.sqrt(max(float(np.vdot(a @ a.T, delta @ delta.T)), 0.0))
        g = self[key]
        return math.sqrt(float(np.vdot(g, g)))

    def __deepcopy__(self, memo):
        new = Gradients(copy.deepcopy(self.layer, memo))
        new.update({k: v.copy() for k, v in self.items()})
        return new


class Layer:
    kind = ""
    regularized: tuple[str, ...] = ()  # parameters that L1/L2 shrink (weights, never biases)
    label_format = ""  # the layer's label from its spec, e.g. "FC {n_out}" (see :attr:`label`)

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: Gradients = Gradients(self)
        self.input_shape: tuple[int, ...] = ()
        self.output_shape: tuple[int, ...] = ()

    def build(self, input_shape: tuple[int, ...], rng: np.random.Generator, dtype, init: str) -> tuple[int, ...]:
        """Create the parameters for inputs of ``input_shape`` (without the batch axis); return the
        output shape."""
        self.input_shape = tuple(input_shape)
        self.output_shape = self.input_shape
        return self.output_shape

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        raise NotImplementedError

    def gradient_factors(self, name: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(a, δ) such that the gradient of parameter ``name`` is δᵀ a, when the layer keeps it in
        that form (see :class:`Gradients`); None otherwise."""
        return None

    def form_gradient(self, name: str) -> np.ndarray | None:
        """The gradient of parameter ``name`` formed from what the last backward pass kept, or None."""
        factors = self.gradient_factors(name)
        if factors is None:
            return None
        a, delta = factors
        return delta.T @ a

    def spec(self) -> dict:
        """A JSON-able description from which ``core.layer_types.from_spec`` rebuilds the layer
        (without weights)."""
        return {"type": self.kind}

    # --- names, for people -------------------------------------------------------------------------
    @property
    def label(self) -> str:
        """The layer in a few words, without its activation: ``FC 100``, ``conv 20×5×5 + pool 2×2``
        (:attr:`label_format` filled in from :meth:`spec`; else the kind)."""
        return self.label_format.format(**self.spec()) if self.label_format else self.kind

    @property
    def weights_label(self) -> str:
        """What views of the layer's weights call them: its :attr:`label`, but a conv-pool layer's
        weights are its convolution's (``conv 20×5×5``)."""
        return self.label

    def describe(self) -> str:
        """:attr:`label` and the activation, if the layer has one: ``FC 100 relu``."""
        activation = getattr(self, "activation", None)
        return f"{self.label} {activation.name}" if activation is not None else self.label

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.spec().items() if k != "type")
        return f"{type(self).__name__}({args})"


class Dense(Layer):
    """A fully connected layer: z = x wᵀ + b, a = σ(z) (chapter 1, equation 25, row-major).

    ``w`` has shape (n_out, n_in) as in the book (w[j, k] joins input k to neuron j), so row j of a
    first-layer ``w`` is neuron j's 784 weights, a 28×28 image.
    """

    kind = "dense"
    regularized = ("w",)
    label_format = "FC {n_out}"

    def __init__(self, n_out: int, activation: str = "sigmoid", n_in: int | None = None, init: str | None = None):
        """``init`` overrides the network's initialiser for this layer."""
        super().__init__()
        if int(n_out) < 1:
            raise ValueError(f"a dense layer needs at least one neuron, not {n_out}")
        self.n_out = int(n_out)
        self.n_in = n_in
        self.activation = activations.get(activation)
        self.init = initializers.check(init) if init else None

    def build(self, input_shape, rng, dtype, init):
        n_in = int(np.prod(input_shape))
        if len(input_shape) != 1:
            raise ValueError(f"a dense layer needs flat inputs, got shape {input_shape}: add a Flatten layer")
        if self.n_in is not None and self.n_in != n_in:
            raise ValueError(f"dense layer expects {self.n_in} inputs but receives {n_in}")
        self.n_in = n_in
        init = self.init or init
        self.params = {
            "w": initializers.weights(init, (self.n_out, n_in), n_in, rng, dtype),
            "b": initializers.biases(init, (self.n_out,), rng, dtype),
        }
        self.input_shape, self.output_shape = (n_in,), (self.n_out,)
        return self.output_shape

    def forward(self, x, training=False):
        w, b = self.params["w"], self.params["b"]
        z = matmul(x, w.T)  # (m, n_in) @ (n_in, n_out) -> (m, n_out)
        z += b
        self.x, self.z = x, z
        self.a = self.activation(z) if self.activation.name != "linear" else z
        return self.a

    def backward(self, grad, need_input_grad=True):
        """BP2's Hadamard product, δˡ = ∂C/∂aˡ ⊙ σ'(zˡ), then :meth:`backward_delta`."""
        return self.backward_delta(self.activation.backward(self.z, self.a, grad), need_input_grad)

    def backward_delta(self, delta, need_input_grad=True):
        """From δˡ (m, n_out): BP3 ∂C/∂b = Σₓ δˡ, BP4 ∂C/∂w = Σₓ δˡ (aˡ⁻¹)ᵀ, and the (wˡ)ᵀ δˡ of BP2."""
        self.delta = delta
        self.grads.pop("w", None)  # Σₓ δᵀ a⁽ˡ⁻¹⁾, (n_out, m) @ (m, n_in): formed when read
        self.grads["b"] = np.add.reduce(delta, axis=0)
        return matmul(delta, self.params["w"]) if need_input_grad else None

    def gradient_factors(self, name):
        return (self.x, self.delta) if name == "w" and getattr(self, "delta", None) is not None else None

    def form_gradient(self, name):
        if name == "b" and getattr(self, "delta", None) is not None:
            return np.add.reduce(self.delta, axis=0)  # BP3, summed over the mini-batch
        return super().form_gradient(name)

    def spec(self):
        spec = {"type": self.kind, "n_in": self.n_in, "n_out": self.n_out, "activation": self.activation.name}
        return {**spec, "init": self.init} if self.init else spec


class Dropout(Layer):
    """Inverted dropout (chapter 3): while training, each input is zeroed with probability ``p`` and
    the survivors are scaled by 1/(1 − p), so nothing needs rescaling at test time (the book halves
    the outgoing weights instead; the two are equivalent in expectation)."""

    kind = "dropout"
    label_format = "dropout {p:g}"

    def __init__(self, p: float):
        super().__init__()
        if not 0 <= p < 1:
            raise ValueError(f"dropout probability must be in [0, 1), not {p}")
        self.p = float(p)
        self.rng = np.random.default_rng(0)
        self.mask: np.ndarray | None = None

    def build(self, input_shape, rng, dtype, init):
        self.rng = rng
        return super().build(input_shape, rng, dtype, init)

    def forward(self, x, training=False):
        if not training or self.p == 0:
            self.mask = None
            return x
        keep = self.rng.random(x.shape, dtype=np.float32) >= self.p
        self.mask = keep.astype(x.dtype)
        self.mask *= 1 / (1 - self.p)
        return x * self.mask

    def backward(self, grad, need_input_grad=True):
        if self.mask is None:
            return grad
        return grad * self.mask

    def spec(self):
        return {"type": self.kind, "p": self.p}


class Flatten(Layer):
    """(m, c, h, w) -> (m, c·h·w)."""

    kind = "flatten"

    def build(self, input_shape, rng, dtype, init):
        self.input_shape = tuple(input_shape)
        self.output_shape = (int(np.prod(input_shape)),)
        return self.output_shape

    def forward(self, x, training=False):
        return x.reshape(len(x), -1)

    def backward(self, grad, need_input_grad=True):
        return grad.reshape((len(grad),) + self.input_shape) if need_input_grad else None
