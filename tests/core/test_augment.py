"""On-the-fly distortions: shapes, determinism, and that they really move the ink."""
from __future__ import annotations

import numpy as np
import pytest

from core.augment import Distortion, augment, distort


def test_identity_distortion_keeps_images(mnist):
    x = mnist.test.images[:4].copy()
    out = distort(x.copy(), np.random.default_rng(0), Distortion(rotation=0, scale=0, shift=0))
    np.testing.assert_allclose(out, x, atol=1e-6)


def test_distortion_is_deterministic_and_changes_images(mnist):
    x = mnist.test.images[:8]
    a = augment(x.copy(), np.random.default_rng(1), "affine")
    b = augment(x.copy(), np.random.default_rng(1), "affine")
    np.testing.assert_array_equal(a, b)
    assert a.shape == x.shape and a.dtype == np.float32
    assert np.abs(a - x).mean() > 0.01
    # ink is roughly conserved by small rotations/scales/shifts
    assert a.sum() == pytest.approx(x.sum(), rel=0.25)


def test_pure_shift_moves_the_centre_of_mass():
    img = np.zeros((1, 28, 28), np.float32)
    img[0, 12:16, 12:16] = 1
    out = distort(img, np.random.default_rng(0), Distortion(rotation=0, scale=0, shift=3))
    rows, cols = np.nonzero(out[0] > 0.5)
    assert (abs(rows.mean() - 13.5) > 0.2) or (abs(cols.mean() - 13.5) > 0.2)


def test_draw_augmentation_varies_stroke_width(mnist):
    x = np.repeat(mnist.test.images[:1], 64, axis=0)
    out = augment(x.copy(), np.random.default_rng(3), "draw")
    ink = (out > 0.5).sum(axis=(1, 2))
    assert ink.max() > 1.3 * ink.min()


def test_unknown_augmentation_is_refused():
    with pytest.raises(ValueError, match="unknown augmentation"):
        augment(np.zeros((1, 28, 28), np.float32), np.random.default_rng(0), "sideways")
