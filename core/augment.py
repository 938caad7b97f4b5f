"""On-the-fly data augmentation: small random affine distortions of a mini-batch.

Chapter 6 expands the training data with 1-pixel shifts (``core.data.expand_mnist``); here each
mini-batch gets a fresh random rotation, scale and shift per image instead, so the network never
sees the same image twice. ``stroke`` optionally thickens or thins the ink too, which helps a
network read digits drawn with a mouse (their strokes are often bolder than MNIST's).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

AUGMENTATIONS = ("none", "affine", "draw")


@dataclass(frozen=True)
class Distortion:
    rotation: float = 10.0  # degrees, uniform in ±rotation
    scale: float = 0.1  # uniform in 1 ± scale
    shift: float = 2.0  # pixels, uniform in ±shift along each axis
    stroke: float = 0.0  # probability of thickening or thinning the ink of an image


PRESETS = {
    "none": None,
    "affine": Distortion(),
    # for networks that read drawn digits: bolder/thinner strokes and placement off the centre
    "draw": Distortion(rotation=12.0, scale=0.15, shift=3.0, stroke=0.5),
}


def check(name: str) -> str:
    if name not in AUGMENTATIONS:
        raise ValueError(f"unknown augmentation {name!r}: choose one of {', '.join(AUGMENTATIONS)}")
    return name


def distort(images: np.ndarray, rng: np.random.Generator, d: Distortion = Distortion()) -> np.ndarray:
    """Randomly rotate, scale and shift each of ``images`` (n, h, w) about its centre (bilinear,
    zero outside), all images in one vectorised resampling call."""
    n, h, w = images.shape
    theta = np.deg2rad(rng.uniform(-d.rotation, d.rotation, n))
    scale = rng.uniform(1 - d.scale, 1 + d.scale, n)
    shift = rng.uniform(-d.shift, d.shift, (n, 2))
    centre = np.array([(h - 1) / 2, (w - 1) / 2])
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float64)
    # output pixel p samples the input at R(−θ)(p − c − t)/s + c
    cos, sin = np.cos(theta)[:, None, None] / scale[:, None, None], np.sin(theta)[:, None, None] / scale[:, None, None]
    dr = rows[None] - centre[0] - shift[:, 0, None, None]
    dc = cols[None] - centre[1] - shift[:, 1, None, None]
    src_r = cos * dr - sin * dc + centre[0]
    src_c = sin * dr + cos * dc + centre[1]
    index = np.broadcast_to(np.arange(n, dtype=np.float64)[:, None, None], src_r.shape)
    out = ndimage.map_coordinates(images, [index, src_r, src_c], order=1, mode="constant", cval=0.0,
                                  output=images.dtype)
    if d.stroke:
        out = _vary_stroke(out, rng, d.stroke)
    return out


def _vary_stroke(images: np.ndarray, rng: np.random.Generator, p: float) -> np.ndarray:
    """Thicken (grey dilation) or thin (grey erosion) the ink of a random fraction ``p`` of images."""
    pick = rng.random(len(images))
    bold, thin = pick < p / 2, (pick >= p / 2) & (pick < p)
    if bold.any():
        images[bold] = ndimage.grey_dilation(images[bold], footprint=np.ones((1, 2, 2), bool))
    if thin.any():
        images[thin] = ndimage.grey_erosion(images[thin], footprint=np.ones((1, 2, 1), bool))
    return images


def augment(images: np.ndarray, rng: np.random.Generator, name: str) -> np.ndarray:
    """Apply the named augmentation to a batch of (n, 28, 28) images (``none`` returns them as they are)."""
    d = PRESETS[check(name)]
    return images if d is None else distort(images, rng, d)
