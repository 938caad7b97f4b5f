"""Chapter 3's single neuron learning to output 0 from input 1: why the quadratic cost learns slowly.

The neuron is a = σ(z), z = w x + b. For one example the two costs and their gradients are

- quadratic       C = (a − y)² / 2                 ∂C/∂w = (a − y) σ'(z) x,   ∂C/∂b = (a − y) σ'(z)
                                                   (chapter 3, equations 55 and 56)
- cross-entropy   C = −[y ln a + (1 − y) ln(1 − a)]  ∂C/∂w = x (a − y),        ∂C/∂b = a − y
                                                   (equations 57, 61 and 62: σ'(z) cancels)

so a neuron that is badly wrong and saturated (σ'(z) ≈ 0) learns slowly with the first and fast with
the second. :func:`descend` runs plain gradient descent with the true gradient of either cost; the
loop is scalar (a few hundred steps of one neuron) so that the app can rerun it on every edit.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

COSTS = ("quadratic", "cross-entropy")


class Descent(NamedTuple):
    """Each array has one entry per epoch, from the start (index 0) to the end (index ``epochs``)."""

    w: np.ndarray
    b: np.ndarray
    output: np.ndarray  # a = σ(w x + b)
    cost: np.ndarray  # C(a, y) of the chosen cost


def sigmoid(z: float) -> float:
    """σ(z) = 1 / (1 + e^−z), written so that neither branch overflows."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def sigmoid_prime(z):
    """σ'(z) = σ(z)(1 − σ(z)) (chapter 1, equation 3's derivative), for a number or an array."""
    s = 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))
    return s * (1.0 - s)


def check(cost: str, w: float, b: float, eta: float, epochs: int, x: float, y: float) -> None:
    """Raise ValueError with a readable message for arguments :func:`descend` cannot use."""
    if cost not in COSTS:
        raise ValueError(f"unknown cost {cost!r}: choose {' or '.join(COSTS)}")
    for name, value in (("w", w), ("b", b), ("eta", eta), ("x", x), ("y", y)):
        if not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, not {value}")
    if eta < 0:
        raise ValueError(f"the learning rate η must not be negative, not {eta}")
    if not 0.0 <= y <= 1.0:
        raise ValueError(f"the target y must lie in [0, 1], not {y}")
    if int(epochs) != epochs or epochs < 0:
        raise ValueError(f"epochs must be a whole number ≥ 0, not {epochs}")


def descend(cost: str, w: float, b: float, eta: float, epochs: int, x: float = 1.0, y: float = 0.0) -> Descent:
    """Gradient descent on one sigmoid neuron with one training example (x, y), ``epochs`` steps of
    w → w − η ∂C/∂w, b → b − η ∂C/∂b with the true gradient of ``cost`` ("quadratic" or
    "cross-entropy"). Returns the weight, bias, output and cost at every epoch (length epochs + 1)."""
    check(cost, w, b, eta, epochs, x, y)
    epochs = int(epochs)
    quadratic = cost == "quadratic"
    ws, bs, outs = np.empty(epochs + 1), np.empty(epochs + 1), np.empty(epochs + 1)
    w, b = float(w), float(b)
    for t in range(epochs + 1):
        a = sigmoid(w * x + b)
        ws[t], bs[t], outs[t] = w, b, a
        delta = (a - y) * a * (1.0 - a) if quadratic else a - y  # ∂C/∂z: (a − y)σ'(z), or a − y
        w -= eta * delta * x
        b -= eta * delta
    z = ws * x + bs
    if quadratic:
        costs = 0.5 * (outs - y) ** 2
    else:
        costs = np.logaddexp(0.0, z) - y * z
    return Descent(ws, bs, outs, costs)
