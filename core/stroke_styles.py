"""MNIST digits redrawn in the pen styles people draw with: the yardstick of a network's robustness.

Each style is a fixed ``scipy.ndimage`` transformation of a batch of (n, 28, 28) images in [0, 1]
(issue 16's table): a bold pen (grey dilation 3×3, twice), a soft brush (Gaussian blur σ = 1.5, ×2,
clipped), a thin pen (grey erosion 2×2), and a bold soft brush (dilation 3×3, blur σ = 1.2, ×1.3).
``benchmarks/bench_robustness.py`` prints a network's accuracy on each; ``tests/core/test_models.py``
holds the bundled network to them.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from scipy import ndimage


def _footprint(size: int) -> np.ndarray:
    return np.ones((1, size, size), bool)  # per image: never across the batch axis


def bold(images: np.ndarray) -> np.ndarray:
    return ndimage.grey_dilation(ndimage.grey_dilation(images, footprint=_footprint(3)), footprint=_footprint(3))


def soft(images: np.ndarray) -> np.ndarray:
    return np.clip(ndimage.gaussian_filter(images, sigma=(0, 1.5, 1.5)) * 2.0, 0.0, 1.0)


def thin(images: np.ndarray) -> np.ndarray:
    return ndimage.grey_erosion(images, footprint=_footprint(2))


def bold_soft(images: np.ndarray) -> np.ndarray:
    blurred = ndimage.gaussian_filter(ndimage.grey_dilation(images, footprint=_footprint(3)), sigma=(0, 1.2, 1.2))
    return np.clip(blurred * 1.3, 0.0, 1.0)


def slanted_felt_pen(images: np.ndarray) -> np.ndarray:
    """A stand-in for one person's handwriting, for tests and benchmarks of fine-tuning: every digit
    slanted backwards (a shear of 0.5 about the centre: the tops lean left) and drawn with a felt
    pen (grey dilation 2×2)."""
    n, h, w = images.shape
    # output (r, c) samples the input at (r, c − 0.5·(r − centre)): rows above the centre move left
    matrix = np.array([[1, 0, 0], [0, 1, 0], [0, -0.5, 1]], dtype=np.float64)
    offset = np.array([0, 0, 0.5 * (h - 1) / 2])
    sheared = ndimage.affine_transform(images, matrix, offset=offset, order=1, mode="constant")
    return ndimage.grey_dilation(sheared, footprint=_footprint(2)).astype(np.float32)


STYLES: dict[str, tuple[str, Callable[[np.ndarray], np.ndarray]]] = {
    "plain": ("nothing", lambda images: images),
    "bold": ("grey_dilation 3×3, twice (bold pen)", bold),
    "soft": ("gaussian_filter σ = 1.5, ×2, clipped (soft brush)", soft),
    "thin": ("grey_erosion 2×2 (thin pen)", thin),
    "bold-soft": ("grey_dilation 3×3, gaussian_filter σ = 1.2, ×1.3, clipped", bold_soft),
}


def restyle(images: np.ndarray, style: str) -> np.ndarray:
    """``images`` (n, 28, 28) redrawn in ``style`` (a key of ``STYLES``), float32."""
    return np.ascontiguousarray(STYLES[style][1](images), dtype=np.float32)


def accuracies(network, images: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """The network's accuracy on ``images`` in every style, by style name."""
    return {style: network.accuracy(restyle(images, style), labels) for style in STYLES}
