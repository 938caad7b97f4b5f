"""Chapter 3's softmax layer and its log-likelihood cost, for one vector of weighted inputs z.

aⱼ = e^{c zⱼ} / Σₖ e^{c zₖ} (chapter 3, equation 78, with a scale c: c = 1 is the book's softmax,
and as c grows the largest output takes everything: softmax becomes argmax). The log-likelihood cost
of the target class y is C = −ln a_y (equation 80) and the output error is δᴸ = a − y (equation 81,
y one-hot). The numbers come from the project's own softmax activation and log-likelihood cost.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from core import activations, costs

_SOFTMAX = activations.get("softmax")
_LOG_LIKELIHOOD = costs.get("log-likelihood")


class SoftmaxLayer(NamedTuple):
    z: np.ndarray  # the scaled weighted inputs c·z
    a: np.ndarray  # the outputs, summing to 1
    cost: float  # −ln a_target
    delta: np.ndarray  # ∂C/∂z = a − y


def softmax(z, c: float = 1.0) -> np.ndarray:
    """The softmax of c·z (a 1-D array), in float64."""
    scaled = c * np.asarray(z, dtype=np.float64).reshape(1, -1)
    return _SOFTMAX(scaled)[0]


def evaluate(z, target: int, c: float = 1.0) -> SoftmaxLayer:
    """Outputs, log-likelihood cost and δ for weighted inputs ``z`` (scaled by c) and target class
    ``target``."""
    scaled = c * np.asarray(z, dtype=np.float64).reshape(1, -1)
    if not 0 <= target < scaled.shape[1]:
        raise ValueError(f"the target class must be one of 0…{scaled.shape[1] - 1}, not {target}")
    y = np.zeros_like(scaled)
    y[0, target] = 1.0
    a = _SOFTMAX(scaled)
    cost = _LOG_LIKELIHOOD.value(scaled, a, y, _SOFTMAX)
    delta = _LOG_LIKELIHOOD.delta(scaled, a, y, _SOFTMAX)
    return SoftmaxLayer(scaled[0], a[0], float(cost), delta[0])
