"""Cost functions: each gives its value and the output layer's error δᴸ (BP1).

BP1 reads δᴸ = ∇ₐC ⊙ σ'(zᴸ). Two pairings make σ' cancel, which is why the book uses them:
cross-entropy with sigmoid outputs and log-likelihood with softmax outputs both give δᴸ = aᴸ − y
(chapter 3, equations 66 and 81). Values are computed from z where that is more stable (a sigmoid
output of exactly 1.0 in float32 must not make ln(1 − a) infinite).

Row-major: z, a and y are (m, n_out), one example per row (the book stores one per column).
"""
from __future__ import annotations

import numpy as np

from core.activations import Activation
from core.errors import FieldError

_TINY = 1e-12


def _logsumexp(z: np.ndarray) -> np.ndarray:
    top = z.max(axis=1, keepdims=True)
    return (top + np.log(np.exp(z - top).sum(axis=1, keepdims=True)))[:, 0]


class Cost:
    name = ""
    allowed: tuple[str, ...] = ()  # output activations the cost is defined for; empty = any

    def check(self, activation: Activation) -> None:
        """Raise a :class:`FieldError` (a ValueError) when the cost is not defined for that output activation."""
        if self.allowed and activation.name not in self.allowed:
            raise FieldError(
                "cost", f"the {self.name} cost needs outputs in (0, 1): use a "
                f"{' or '.join(self.allowed)} output layer, not {activation.name}")

    def value(self, z, a, y, activation: Activation) -> float:
        """Σ over the mini-batch of the per-example cost Cₓ (not averaged)."""
        raise NotImplementedError

    def grad_a(self, a, y) -> np.ndarray:
        """∇ₐCₓ, per example."""
        raise NotImplementedError

    def delta(self, z, a, y, activation: Activation) -> np.ndarray:
        """δᴸ = ∇ₐC ⊙ σ'(zᴸ) (BP1), one row per example; a new array."""
        return activation.backward(z, a, self.grad_a(a, y))

    def value_and_delta(self, z, a, y, activation: Activation) -> tuple[float, np.ndarray]:
        """Both :meth:`value` and :meth:`delta` (some costs share work between them)."""
        return self.value(z, a, y, activation), self.delta(z, a, y, activation)

    def __repr__(self) -> str:
        return self.name


class Quadratic(Cost):
    """Cₓ = ½‖y − aᴸ‖² (chapter 1, equation 6); ∇ₐC = aᴸ − y."""

    name = "quadratic"

    def value(self, z, a, y, activation):
        d = a - y
        return 0.5 * float(np.vdot(d, d))

    def grad_a(self, a, y):
        return a - y

    def value_and_delta(self, z, a, y, activation):
        d = a - y
        return 0.5 * float(np.vdot(d, d)), activation.backward(z, a, d)


class CrossEntropy(Cost):
    """Cₓ = −Σⱼ [yⱼ ln aⱼ + (1 − yⱼ) ln(1 − aⱼ)] (chapter 3, equation 63)."""

    name = "cross-entropy"
    allowed = ("sigmoid", "softmax")

    def value(self, z, a, y, activation):
        if activation.name == "sigmoid":  # −[y ln σ(z) + (1−y) ln(1−σ(z))] = softplus(z) − y z
            return float(np.sum(np.logaddexp(0, z)) - np.vdot(y, z))
        a = np.clip(np.asarray(a, np.float64), _TINY, 1 - _TINY)  # (1 − 10⁻¹² is 1.0 in float32: ln 0)
        return float(-np.sum(y * np.log(a) + (1 - y) * np.log1p(-a)))

    def grad_a(self, a, y):
        tiny = max(_TINY, float(np.finfo(a.dtype).eps)) if np.issubdtype(a.dtype, np.floating) else _TINY
        a = np.clip(a, tiny, 1 - tiny)  # (kept off 0 and 1 in a's own precision: no 0 / 0)
        return (a - y) / (a * (1 - a))

    def delta(self, z, a, y, activation):
        if activation.name == "sigmoid":
            return a - y  # equation 66: σ'(z) cancels
        return super().delta(z, a, y, activation)


class LogLikelihood(Cost):
    """Cₓ = −ln aᴸ_y, the log-likelihood of the right answer (chapter 3, equation 80)."""

    name = "log-likelihood"
    allowed = ("softmax", "sigmoid")

    def value(self, z, a, y, activation):
        zy = np.einsum("ij,ij->i", z, y)
        if activation.name == "softmax":  # −ln softmax(z)_y = logsumexp(z) − z_y
            return float(np.sum(_logsumexp(z) - zy))
        return float(np.sum(np.logaddexp(0, -zy)))  # −ln σ(z_y)

    def grad_a(self, a, y):
        return -y / np.maximum(a, _TINY)

    def delta(self, z, a, y, activation):
        if activation.name == "softmax":
            return a - y  # equation 81
        return y * (a - 1)  # sigmoid: −(y/a)·a(1−a)


COSTS: dict[str, Cost] = {c.name: c for c in (Quadratic(), CrossEntropy(), LogLikelihood())}
ALIASES = {"ce": "cross-entropy", "crossentropy": "cross-entropy", "cross_entropy": "cross-entropy",
           "log_likelihood": "log-likelihood", "loglikelihood": "log-likelihood", "nll": "log-likelihood",
           "mse": "quadratic"}


def get(name: str) -> Cost:
    try:
        return COSTS[ALIASES.get(name, name)]
    except KeyError:
        raise FieldError("cost", f"unknown cost {name!r}: choose one of {', '.join(COSTS)}") from None
