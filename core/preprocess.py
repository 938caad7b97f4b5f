"""A drawn canvas -> the 28×28 image a network trained on MNIST expects.

MNIST's digits were made in two steps (LeCun et al., the MNIST page): each digit's bounding box was
scaled to fit a 20×20 box with its aspect ratio kept, anti-aliased to grey levels, and the result
was placed in a 28×28 field so that its centre of mass sits at the field's centre. In the data set
that centre is pixel (14, 14) (row, column) to within half a pixel: the digits were shifted by whole
pixels. :func:`canvas_to_mnist` repeats those steps for a drawing; :func:`naive_downscale` only
shrinks the whole canvas, which is what the Draw tab shows next to it to make the difference visible.
"""
from __future__ import annotations

import numpy as np
from PIL import Image

MNIST_SIZE = 28
#: the side of the box the digit's bounding box is scaled to fit
BOX_SIZE = 20
#: where MNIST puts the centre of mass, (row, column) in pixel indices
MNIST_CENTRE = (14.0, 14.0)
#: pixels fainter than this do not count as ink when looking for the bounding box (anti-aliased
#: stroke edges and eraser residue are fainter; they are still kept inside the box)
INK_THRESHOLD = 0.05


def as_grey(canvas) -> np.ndarray:
    """``canvas`` as a 2-D float32 array in [0, 1] with ink high: uint8 (0-255) and other integer
    images are divided by 255 (bool: True is ink), float images are clipped to [0, 1]."""
    a = np.asarray(canvas)
    if a.ndim != 2:
        raise ValueError(f"a canvas must be a 2-D grey image, not an array of shape {a.shape}")
    if a.size == 0:
        raise ValueError("a canvas must have at least one pixel")
    if a.dtype == bool:
        return a.astype(np.float32)
    if np.issubdtype(a.dtype, np.integer):
        return np.clip(a.astype(np.float32) / 255.0, 0.0, 1.0)
    if not np.issubdtype(a.dtype, np.floating):
        raise ValueError(f"a canvas must hold numbers, not {a.dtype}")
    a = a.astype(np.float32, copy=False)
    if not np.isfinite(a).all():
        raise ValueError("a canvas must not contain NaN or infinite values")
    return np.clip(a, 0.0, 1.0)


def _pixels(canvas) -> np.ndarray:
    """A uint8 canvas as it is (resampled as 8-bit, several times faster: MNIST itself is 8-bit),
    anything else through :func:`as_grey`."""
    a = np.asarray(canvas)
    if a.dtype == np.uint8 and a.ndim == 2 and a.size:
        return a
    return as_grey(a)


def ink_bbox(grey: np.ndarray, threshold: float = INK_THRESHOLD) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right), bottom/right exclusive, of the pixels brighter than ``threshold``
    (a fraction of full ink, also for uint8 images); None for a blank image."""
    ink = grey > (threshold * 255 if grey.dtype == np.uint8 else threshold)
    rows = np.flatnonzero(ink.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(ink.any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def resize(grey: np.ndarray, height: int, width: int) -> np.ndarray:
    """Anti-aliased resampling of a float image in [0, 1] or a uint8 image to (height, width): a
    float32 image with values in [0, 1].

    Pillow's resampling widens its filter by the scale factor when shrinking, so each output pixel
    averages all the input pixels it covers (no aliasing); the Lanczos filter keeps strokes sharp,
    and its small overshoots at edges are clipped away. A large reduction first averages whole
    blocks of pixels (``reducing_gap``), which is several times faster and looks the same.
    """
    if grey.dtype == np.uint8:  # mode "L": Pillow clips the overshoots itself
        image = Image.fromarray(np.ascontiguousarray(grey))
        out = image.resize((int(width), int(height)), Image.Resampling.LANCZOS, reducing_gap=3.0)
        return np.asarray(out, dtype=np.float32) * np.float32(1 / 255)
    image = Image.fromarray(np.ascontiguousarray(grey, dtype=np.float32))  # mode "F"
    out = np.asarray(image.resize((int(width), int(height)), Image.Resampling.LANCZOS, reducing_gap=3.0),
                     dtype=np.float32)
    return np.clip(out, 0.0, 1.0)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """The intensity-weighted mean (row, column) of a non-blank image."""
    total = float(image.sum())
    rows = np.arange(image.shape[0], dtype=np.float64)
    cols = np.arange(image.shape[1], dtype=np.float64)
    return float(image.sum(axis=1) @ rows) / total, float(image.sum(axis=0) @ cols) / total


def canvas_to_mnist(canvas) -> np.ndarray:
    """A drawing (any 2-D grey image, ink high, uint8 0-255 or float 0-1, any size) as a (28, 28)
    float32 image in [0, 1] made the way MNIST was made.

    1. Crop to the ink's bounding box.
    2. Scale it, anti-aliased, so that its longer side is 20 pixels (the aspect ratio is kept).
    3. Place it in a 28×28 field, shifted by whole pixels so that its centre of mass lands on
       (14, 14); if that would push ink off the field, the shift is limited to keep it all inside.

    A blank canvas gives all zeros.
    """
    grey = _pixels(canvas)
    out = np.zeros((MNIST_SIZE, MNIST_SIZE), np.float32)
    box = ink_bbox(grey)
    if box is None:
        return out
    top, bottom, left, right = box
    crop = grey[top:bottom, left:right]
    h, w = crop.shape
    scale = BOX_SIZE / max(h, w)
    new_h, new_w = max(1, round(h * scale)), max(1, round(w * scale))
    digit = resize(crop, new_h, new_w)
    if not digit.any():  # a faint speck that vanished in the resampling
        return out
    com_r, com_c = centre_of_mass(digit)
    row = int(np.clip(round(MNIST_CENTRE[0] - com_r), 0, MNIST_SIZE - new_h))
    col = int(np.clip(round(MNIST_CENTRE[1] - com_c), 0, MNIST_SIZE - new_w))
    out[row:row + new_h, col:col + new_w] = digit
    return out


def naive_downscale(canvas) -> np.ndarray:
    """The whole canvas shrunk to (28, 28) float32 in [0, 1], anti-aliased, without cropping or
    centring (a non-square canvas is padded to a square first, so the digit is not distorted).
    What a network would see without MNIST's preprocessing."""
    grey = _pixels(canvas)
    h, w = grey.shape
    if h != w:
        side = max(h, w)
        square = np.zeros((side, side), grey.dtype)
        square[(side - h) // 2:(side - h) // 2 + h, (side - w) // 2:(side - w) // 2 + w] = grey
        grey = square
    return resize(grey, MNIST_SIZE, MNIST_SIZE)


def mnist_to_canvas(image: np.ndarray, size: int) -> np.ndarray:
    """A 28×28 image in [0, 1] enlarged (smoothly) to a ``size``×``size`` float32 canvas, to put an
    MNIST digit on the drawing canvas."""
    image = Image.fromarray(np.ascontiguousarray(as_grey(image)))  # mode "F"
    out = np.asarray(image.resize((int(size), int(size)), Image.Resampling.BILINEAR), dtype=np.float32)
    return np.clip(out, 0.0, 1.0)
