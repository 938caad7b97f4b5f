"""On-the-fly data augmentation: random distortions of a mini-batch, all of it vectorised.

Chapter 6 expands the training data with 1-pixel shifts (``core.data.expand_mnist``); here each
mini-batch gets a fresh random distortion per image instead, so the network never sees the same
image twice:

- ``affine``: rotation, scale and shift about the centre;
- ``draw`` (for networks that read digits people draw): the same plus a small elastic warp, a bolder
  or thinner pen (grey dilation with a round or square pen of random radius, or erosion), and soft
  edges (a Gaussian blur of random width, brightened and clipped to [0, 1], like a soft brush).

Every random number comes from the caller's generator, so a seed fixes the result; no step loops over
the images of a batch (the pen loops over its ≤ 25 offsets, each a whole-batch operation).
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
    elastic: float = 0.0  # root-mean-square displacement of the elastic warp, pixels (0: none)
    elastic_sigma: float = 4.0  # smoothness of the warp: the Gaussian's σ over the random field, pixels
    bold: float = 0.0  # probability of a bolder pen (grey dilation)
    bold_radius: tuple[float, float] = (0.8, 2.9)  # the pen's radius, pixels, uniform in this range (a
    # disc or a square; at most 2 pixels each way, which a square reaches from 2, a disc from 2√2)
    thin: float = 0.0  # probability of a thinner pen (grey erosion by 2×1, 1×2 or 2×2)
    blur: float = 0.0  # probability of soft edges
    blur_sigma: tuple[float, float] = (0.5, 1.8)  # the Gaussian's σ, pixels, uniform in this range
    blur_gain: tuple[float, float] = (1.0, 2.5)  # ...then ink × gain, clipped to [0, 1]


PRESETS = {
    "none": None,
    "affine": Distortion(),
    "draw": Distortion(rotation=12.0, scale=0.15, shift=3.0, elastic=0.8, bold=0.4, bold_radius=(0.8, 3.0),
                       thin=0.2, blur=0.25),
}


def check(name: str) -> str:
    if name not in AUGMENTATIONS:
        raise ValueError(f"unknown augmentation {name!r}: choose one of {', '.join(AUGMENTATIONS)}")
    return name


def distort(images: np.ndarray, rng: np.random.Generator, d: Distortion = Distortion()) -> np.ndarray:
    """Randomly distort each of ``images`` (n, h, w): warp (rotation, scale, shift and an elastic field,
    resampled bilinearly in one call, zero outside), then the pen (bolder or thinner) and soft edges."""
    n, h, w = images.shape
    theta = np.deg2rad(rng.uniform(-d.rotation, d.rotation, n))
    scale = rng.uniform(1 - d.scale, 1 + d.scale, n)
    shift = rng.uniform(-d.shift, d.shift, (n, 2))
    centre = np.array([(h - 1) / 2, (w - 1) / 2])
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float64)
    # output pixel p samples the input at R(−θ)(p − c − t)/s + c (+ the elastic displacement at p)
    cos, sin = np.cos(theta)[:, None, None] / scale[:, None, None], np.sin(theta)[:, None, None] / scale[:, None, None]
    dr = rows[None] - centre[0] - shift[:, 0, None, None]
    dc = cols[None] - centre[1] - shift[:, 1, None, None]
    src_r = cos * dr - sin * dc + centre[0]
    src_c = sin * dr + cos * dc + centre[1]
    if d.elastic:
        field = elastic_field(rng, n, h, w, d.elastic, d.elastic_sigma)  # (n, 2, h, w)
        src_r, src_c = src_r + field[:, 0], src_c + field[:, 1]
    index = np.broadcast_to(np.arange(n, dtype=np.float64)[:, None, None], src_r.shape)
    out = ndimage.map_coordinates(images, [index, src_r, src_c], order=1, mode="constant", cval=0.0,
                                  output=images.dtype)
    if d.bold or d.thin:
        out = vary_pen(out, rng, d.bold, d.bold_radius, d.thin)
    if d.blur:
        out = soften(out, rng, d.blur, d.blur_sigma, d.blur_gain)
    return out


def gaussian_matrix(size: int, sigma: np.ndarray | float) -> np.ndarray:
    """Gaussian blur along one axis as a matrix (zero outside the image): ``G @ x`` blurs the columns
    of x and ``x @ G.T`` its rows. ``sigma`` may be an array (one matrix each, stacked in front)."""
    sigma = np.asarray(sigma, dtype=np.float64)[..., None, None]
    offset = np.arange(size)[:, None] - np.arange(size)[None, :]
    g = np.exp(-0.5 * (offset / sigma) ** 2)
    return g / (sigma * np.sqrt(2 * np.pi))


def elastic_field(rng: np.random.Generator, n: int, h: int, w: int, rms: float, sigma: float) -> np.ndarray:
    """Smooth random displacements (n, 2, h, w), in pixels, with root-mean-square ``rms`` (Simard et al.
    2003's elastic distortion: white noise blurred by a Gaussian of width ``sigma``)."""
    noise = rng.standard_normal((n, 2, h, w), dtype=np.float32)
    blurred = gaussian_matrix(h, sigma).astype(np.float32) @ noise @ gaussian_matrix(w, sigma).T.astype(np.float32)
    # white noise of variance 1 blurred by a 2-D Gaussian of width σ has variance 1/(4πσ²)
    return blurred * (rms * 2 * sigma * np.sqrt(np.pi))


_PEN = np.array([(dr, dc) for dr in range(-2, 3) for dc in range(-2, 3)])  # the widest pen's offsets


def vary_pen(images: np.ndarray, rng: np.random.Generator, p_bold: float, radius: tuple[float, float],
             p_thin: float) -> np.ndarray:
    """Redraw a random fraction ``p_bold`` of ``images`` with a bolder pen (grey dilation by a disc or a
    square of random radius) and ``p_thin`` with a thinner one (grey erosion by 1×2, 2×1 or 2×2)."""
    pick = rng.random(len(images))
    bold = np.flatnonzero(pick < p_bold)
    thin = np.flatnonzero((pick >= p_bold) & (pick < p_bold + p_thin))
    r = rng.uniform(*radius, len(bold))
    square = rng.random(len(bold)) < 0.5
    kind = rng.integers(0, 3, len(thin))
    if len(bold):
        x = images[bold]
        pad = np.pad(x, ((0, 0), (2, 2), (2, 2)))
        h, w = x.shape[1:]
        reach = np.where(square[:, None], np.abs(_PEN).max(axis=1)[None], np.hypot(*_PEN.T)[None])  # (k, 25)
        for j, (dr, dc) in enumerate(_PEN):
            inside = reach[:, j] <= r
            if inside.any():
                shifted = pad[:, 2 + dr:2 + dr + h, 2 + dc:2 + dc + w]
                np.maximum(x, shifted * inside[:, None, None].astype(x.dtype), out=x)
        images[bold] = x
    if len(thin):
        x = images[thin]
        pad = np.pad(x, ((0, 0), (0, 1), (0, 1)))
        h, w = x.shape[1:]
        wide_r, wide_c = kind != 1, kind != 0  # which of the three pens reach a row or a column further
        np.minimum(x, np.where(wide_c[:, None, None], pad[:, :h, 1:], x), out=x)
        np.minimum(x, np.where(wide_r[:, None, None], pad[:, 1:, :w], x), out=x)
        np.minimum(x, np.where((kind == 2)[:, None, None], pad[:, 1:, 1:], x), out=x)
        images[thin] = x
    return images


def soften(images: np.ndarray, rng: np.random.Generator, p: float, sigma: tuple[float, float],
           gain: tuple[float, float]) -> np.ndarray:
    """Blur a random fraction ``p`` of ``images`` with a Gaussian of random width (one per image, as two
    batched matrix products), brighten by a random gain and clip to [0, 1]: a soft brush."""
    chosen = np.flatnonzero(rng.random(len(images)) < p)
    if len(chosen):
        s = rng.uniform(*sigma, len(chosen))
        g = rng.uniform(*gain, len(chosen)).astype(images.dtype)
        h, w = images.shape[1:]
        blurred = gaussian_matrix(h, s).astype(images.dtype) @ images[chosen] @ \
            gaussian_matrix(w, s).astype(images.dtype).transpose(0, 2, 1)
        images[chosen] = np.clip(blurred * g[:, None, None], 0.0, 1.0)
    return images


def augment(images: np.ndarray, rng: np.random.Generator, name: str) -> np.ndarray:
    """Apply the named augmentation to a batch of (n, 28, 28) images (``none`` returns them as they are)."""
    d = PRESETS[check(name)]
    return images if d is None else distort(images, rng, d)
