"""Layers beyond the book that fix chapter 5's unstable gradients: batch normalisation and residual
connections, for fully connected layers.

Both are :class:`Dense` layers (so probes, ``Network.sizes`` and ``describe`` treat them as one) with
the usual convention: ``self.z`` is the weighted input the activation is applied to and
``self.a = σ(self.z)``, so σ'(z) and BP2 read exactly as in the book.

- :class:`BatchNormDense` (Ioffe & Szegedy, 2015): z = γ ẑ + b with ẑ the weighted input x wᵀ
  normalised over the mini-batch to mean 0 and variance 1 (the bias of x wᵀ would be cancelled by
  the normalisation, so ``b`` here is the shift after it). Training uses the mini-batch's statistics
  and keeps running averages of them; inference uses the running averages.
- :class:`ResidualDense`: a = x + σ(x wᵀ + b) (He et al., 2016): the identity path carries the error
  back unchanged, whatever σ'(z) is; needs as many outputs as inputs (a hidden layer, never the
  output layer).
- :class:`ResidualBatchNormDense`: both.
"""
from __future__ import annotations

import numpy as np

from core.layers import Dense


class BatchNormDense(Dense):
    """z = γ (x wᵀ − μ) / √(s² + ε) + b, a = σ(z), with μ, s² the mean and variance of x wᵀ over the
    mini-batch (training) or their running averages (inference).

    ``running_mean`` and ``running_var`` are kept in ``params`` so that saving a network keeps them.
    They are statistics, not weights: in training mode the output does not depend on them, so their
    gradient is zero and gradient descent (which backpropagates in training mode) leaves them to the
    forward pass, which updates them in place as r ← μᵣ r + (1 − μᵣ) (batch value). In inference
    mode their gradients are the true ones, so numerical checks hold in both modes.
    """

    kind = "batchnorm_dense"
    label_format = Dense.label_format + " + batch norm"
    STATS = ("running_mean", "running_var")

    def __init__(self, n_out: int, activation: str = "sigmoid", n_in: int | None = None,
                 momentum: float = 0.9, eps: float = 1e-5):
        super().__init__(n_out, activation, n_in)
        if not 0 <= momentum < 1:
            raise ValueError(f"batch-norm momentum must be in [0, 1), not {momentum}")
        if not eps > 0:
            raise ValueError(f"batch-norm ε must be positive, not {eps}")
        self.momentum, self.eps = float(momentum), float(eps)

    def build(self, input_shape, rng, dtype, init):
        shape = super().build(input_shape, rng, dtype, init)
        n = self.n_out
        # γ = 1, b = 0: the layer starts by passing on exactly the normalised weighted inputs
        self.params["b"] = np.zeros(n, dtype)
        self.params["gamma"] = np.ones(n, dtype)
        self.params["running_mean"] = np.zeros(n, dtype)
        self.params["running_var"] = np.ones(n, dtype)
        for k in self.STATS:
            self.grads[k] = np.zeros(n, dtype)
        return shape

    def forward(self, x, training=False):
        p = self.params
        u = x @ p["w"].T  # (m, n_in) @ (n_in, n_out) -> (m, n_out): the weighted input before normalising
        if training:
            mean, var = u.mean(axis=0), u.var(axis=0)
            m = len(u)
            keep = self.momentum
            p["running_mean"] *= keep
            p["running_mean"] += (1 - keep) * mean
            p["running_var"] *= keep
            p["running_var"] += (1 - keep) * var * (m / max(m - 1, 1))  # unbiased estimate for inference
        else:
            mean, var = p["running_mean"], p["running_var"]
        self.inv_std = 1 / np.sqrt(var + self.eps)  # (n_out,)
        self.z_hat = (u - mean) * self.inv_std
        self.batch_stats = training
        self.x = x
        self.z = self.z_hat * p["gamma"] + p["b"]
        self.a = self.activation(self.z) if self.activation.name != "linear" else self.z
        return self.a

    def backward_delta(self, delta, need_input_grad=True):
        """From δ = ∂C/∂z (m, n_out): ∂C/∂b = Σₓ δ, ∂C/∂γ = Σₓ δ ẑ, then back through the
        normalisation to ∂C/∂u (u = x wᵀ) and on as in :class:`Dense`.

        With batch statistics every ẑ depends on the whole mini-batch, so
        ∂C/∂u = (1/s)(g − mean(g) − ẑ mean(g ẑ)) with g = γ δ (means over the mini-batch);
        with running statistics it is simply g / s.
        """
        p = self.params
        self.delta = delta
        self.grads["b"] = np.add.reduce(delta, axis=0)
        self.grads["gamma"] = np.einsum("ij,ij->j", delta, self.z_hat)
        g = delta * p["gamma"]
        if self.batch_stats:
            self.grads["running_mean"][...] = 0  # with batch statistics the output does not depend on them
            self.grads["running_var"][...] = 0
            m = len(g)
            du = g - self.grads["b"] * p["gamma"] / m  # Σ g / m = γ Σ δ / m
            du -= self.z_hat * (self.grads["gamma"] * p["gamma"] / m)  # Σ g ẑ / m = γ Σ δ ẑ / m
            du *= self.inv_std
        else:
            du = g * self.inv_std
            # the running statistics shape the output only in inference: their (true) gradients
            self.grads["running_mean"] = -np.add.reduce(du, axis=0)
            self.grads["running_var"] = -0.5 * np.einsum("ij,ij->j", du, self.z_hat) * self.inv_std
        self.du = du
        self.grads.pop("w", None)  # (∂C/∂u)ᵀ x, (n_out, m) @ (m, n_in): formed when read
        return du @ p["w"] if need_input_grad else None

    def gradient_factors(self, name):
        """∂C/∂w = (∂C/∂u)ᵀ x with u = x wᵀ, for a trainer that applies the product in one step."""
        return (self.x, self.du) if name == "w" and getattr(self, "du", None) is not None else None

    def spec(self):
        return {**super().spec(), "momentum": self.momentum, "eps": self.eps}


class _Residual:
    """a = x + (the wrapped layer's output): BP2 gains an identity term, ∂C/∂x = ∂C/∂a + (usual path)."""

    def build(self, input_shape, rng, dtype, init):
        shape = super().build(input_shape, rng, dtype, init)
        if tuple(shape) != tuple(input_shape):
            raise ValueError(f"a residual layer must have as many outputs as inputs: it receives "
                             f"{int(np.prod(input_shape))} and has {self.n_out} neurons")
        return shape

    def forward(self, x, training=False):
        return x + super().forward(x, training)  # self.a stays σ(z), what σ'(z) needs

    def backward(self, grad, need_input_grad=True):
        through = super().backward(grad.copy(), need_input_grad)  # the copy: activations overwrite grad
        return through + grad if need_input_grad else None


class ResidualDense(_Residual, Dense):
    """a = x + σ(x wᵀ + b)."""

    kind = "residual_dense"
    label_format = Dense.label_format + " + residual"


class ResidualBatchNormDense(_Residual, BatchNormDense):
    """a = x + σ(BN(x wᵀ)), the batch-normalised layer with an identity path around it."""

    kind = "residual_batchnorm_dense"
    label_format = BatchNormDense.label_format + " + residual"
