"""The "fool it" challenge's mathematics: a digit the network reads right to start from, and where to
change the ink to make it read another digit.

The hint is a saliency map of a difference of class scores, ∂(zᴸ_target − zᴸ_read)/∂x (backpropagated
to the input like ``core.probes.saliency``): a red pixel, made brighter, moves the reading towards
``target`` and away from the digit it reads now; a blue one, made darker, does.
"""
from __future__ import annotations

import numpy as np

from core import probes
from core.network import Network


def pick_digit(network: Network, images: np.ndarray, labels: np.ndarray, rng: np.random.Generator,
               tries: int = 64) -> int | None:
    """The index of a random digit of ``images`` that ``network`` reads right (None if none of
    ``tries`` random ones is)."""
    candidates = rng.choice(len(images), size=min(tries, len(images)), replace=False)
    right = candidates[network.predict(images[candidates]) == labels[candidates]]
    return int(right[0]) if len(right) else None


def runner_up(output: np.ndarray) -> int:
    """The digit with the second-highest output: the easiest one to push the reading towards."""
    return int(np.argsort(output)[-2])


def hint(network: Network, image: np.ndarray, read: int, target: int) -> np.ndarray:
    """∂(zᴸ_target − zᴸ_read)/∂x for a (28, 28) image: (28, 28), positive where more ink helps."""
    images = np.asarray(image, np.float32)[None]
    towards = probes.saliency(network, images, outputs=[target], of="score")
    away = probes.saliency(network, images, outputs=[read], of="score")
    return (towards - away)[0].reshape(np.shape(image))
