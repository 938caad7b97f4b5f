"""One step of stochastic gradient descent on one mini-batch, chosen once per run.

``step = make_step(net, config, x, y, rng)`` picks how a run trains; the trainer then calls
``step(idx, eta, lmbda)`` for every mini-batch (the rows ``idx`` of the training inputs ``x`` and their
one-hot targets ``y``) and ``step.close()`` when the run ends. Each call does the forward pass,
backpropagation (BP1–BP4) and the update, and returns the sum over the mini-batch of the cost before
the update (NaN or infinite when the run diverged: then the step leaves the weights alone or the
trainer puts the last good ones back). After a call, every layer holds what backprop left in it (``x``,
``z``, ``a``, ``delta``, ``grads``), so probes can measure the mini-batch's gradients.

Two implementations of that interface (:class:`Step`):

- :class:`GeneralStep`, any network: ``Network.backprop``, then network2's ``update_mini_batch``.
- ``core.folded_mlp.FoldedStep``, the book's fully connected networks trained by plain SGD: the same
  mathematics in fewer calls (biases folded into the weights). :func:`make_step` takes it wherever
  ``folded_mlp.applies``; ``tests/core/test_folded_mlp.py`` checks that it trains exactly as the
  general step does.
"""
from __future__ import annotations

import math
from typing import Protocol

import numpy as np
from scipy.linalg.blas import get_blas_funcs

from core import augment as augmentation
from core import folded_mlp
from core.layers import Layer
from core.network import Network


class Step(Protocol):
    def __call__(self, idx: np.ndarray, eta: float, lmbda: float) -> float:
        """Train on the mini-batch of rows ``idx`` with learning rate η and regularisation λ; returns
        the sum over the mini-batch of the cost (without the regularisation term), before the update."""

    def close(self) -> None:
        """The run is over: leave the network as a run without this step would (called once, always)."""


def make_step(net: Network, config, x: np.ndarray, y: np.ndarray, rng: np.random.Generator,
              fast: bool = True) -> Step:
    """The step for training ``net`` with ``config`` (a ``TrainConfig``) on the prepared inputs ``x``
    and one-hot targets ``y``; ``rng`` draws the augmentations. ``fast=False`` always takes the
    general step."""
    if fast and folded_mlp.applies(net, config, len(x)):
        return folded_mlp.FoldedStep(net, x, y)
    return GeneralStep(net, config, x, y, rng)


class GeneralStep:
    """Backpropagation over the mini-batch (``Network.backprop``), then the update of network2's
    ``update_mini_batch`` (chapter 3, equation 93) for a mini-batch of m out of n training images:

        w ← (1 − ηλ/n) w − (η/m) Σₓ ∂Cₓ/∂w        b ← b − (η/m) Σₓ ∂Cₓ/∂b

    with L1 instead, w ← w − (ηλ/n) sgn(w) − (η/m) Σₓ ∂Cₓ/∂w (equation 96), and with momentum μ,
    v ← μv − (ηλ/n) w − (η/m) Σₓ ∂Cₓ/∂w, then w ← w + v. Only the weights (``Layer.regularized``) are
    regularised, never the biases.

    The update works in place on the layers' own arrays, which every layer builds C-contiguous.
    """

    def __init__(self, net: Network, config, x: np.ndarray, y: np.ndarray, rng: np.random.Generator):
        self.net, self.x, self.y, self.rng = net, x, y, rng
        self.n = len(x)
        self.augment = config.augment
        self.momentum = float(config.momentum)
        self.l1 = config.regularization == "l1"
        axpy, gemm = get_blas_funcs(("axpy", "gemm"), dtype=net.dtype)
        self.params = [_Param(layer, name, self.momentum, axpy, gemm)
                       for layer in net.layers for name in layer.params]

    def __call__(self, idx: np.ndarray, eta: float, lmbda: float) -> float:
        net = self.net
        x = self.x.take(idx, axis=0)
        if self.augment != "none":
            x = net.prepare(augmentation.augment(x.reshape(len(idx), 28, 28), self.rng, self.augment))
        cost_sum = net.backprop(x, self.y.take(idx, axis=0))  # BP1–BP4: Σₓ ∂Cₓ/∂p in layer.grads
        if math.isfinite(cost_sum):
            self.update(eta, lmbda, len(idx))
        return cost_sum

    def update(self, eta: float, lmbda: float, m: int) -> None:
        """The update above, from the gradients backprop left in the layers (read, not changed, so
        probes can still read them)."""
        step, decay = eta / m, eta * lmbda / self.n  # η/m and ηλ/n
        momentum, l1 = self.momentum, self.l1
        for p in self.params:
            if not momentum:  # network2's rule
                shrink = 1.0
                if decay and p.regularized:
                    if l1:
                        p.add(np.sign(p.value), -decay)  # w − (ηλ/n) sgn(w)
                    else:
                        shrink = 1 - decay  # (1 − ηλ/n) w
                p.descend(p.value, shrink, step)  # p ← shrink·p − (η/m) Σₓ ∂Cₓ/∂p
            else:
                v = p.velocity
                v *= momentum  # v ← μv
                if decay and p.regularized:
                    p.add(np.sign(p.value) if l1 else p.value, -decay, v)  # − (ηλ/n) sgn(w), or − (ηλ/n) w
                p.descend(v, 1.0, step)  # − (η/m) Σₓ ∂Cₓ/∂w
                p.add(v, 1.0)  # w ← w + v

    def close(self) -> None:
        """Nothing to undo: the step trains the layers' own arrays."""


class _Param:
    """One parameter of one layer as the update sees it, with BLAS doing the arithmetic in place:
    ``axpy`` (y ← y + αx) on flat views, and ``gemm`` (C ← αAB + βC) for a gradient kept as factors."""

    __slots__ = ("layer", "name", "value", "velocity", "regularized", "factored", "axpy", "gemm")

    def __init__(self, layer: Layer, name: str, momentum: float, axpy, gemm):
        value = layer.params[name]
        if not value.flags.c_contiguous:
            raise ValueError(f"{type(layer).__name__}.params[{name!r}] must be C-contiguous to be trained in place")
        self.layer, self.name, self.value = layer, name, value
        self.velocity = np.zeros_like(value) if momentum else None
        self.regularized = name in layer.regularized
        # a layer that can keep a gradient as factors (core.layers.Gradients) overrides gradient_factors
        self.factored = type(layer).gradient_factors is not Layer.gradient_factors
        self.axpy, self.gemm = axpy, gemm

    def add(self, values: np.ndarray, alpha: float, target: np.ndarray | None = None) -> None:
        """target ← target + α·values (target: the parameter itself unless given)."""
        target = self.value if target is None else target
        self.axpy(values.reshape(-1), target.reshape(-1), a=alpha)

    def descend(self, target: np.ndarray, shrink: float, step: float) -> None:
        """target ← shrink·target − step·Σₓ ∂Cₓ/∂p, with the gradient from the last backprop.

        A dense layer's weight gradient δᵀa is never formed: one ``gemm`` applies the whole line (on
        the transposes: BLAS is column-major, so the C-ordered target's transpose is the matrix it
        updates in place)."""
        factors = self.layer.gradient_factors(self.name) if self.factored else None
        if factors is not None:
            a, delta = factors
            self.gemm(-step, a.T, delta.T, beta=shrink, c=target.T, trans_b=1, overwrite_c=1)
            return
        if shrink != 1.0:
            target *= shrink
        self.axpy(self.layer.grads[self.name].reshape(-1), target.reshape(-1), a=-step)
