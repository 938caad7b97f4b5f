"""On-the-fly distortions: shapes, determinism, and that they really move the ink, thicken, thin and
soften it the way scipy.ndimage would."""
from __future__ import annotations

import sys

import numpy as np
import pytest
from scipy import ndimage

from core.augment import Distortion, augment, distort, elastic_field, soften, vary_pen


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


def test_draw_augmentation_is_deterministic_for_a_seed(mnist):
    x = mnist.test.images[:64]
    a = augment(x.copy(), np.random.default_rng(5), "draw")
    b = augment(x.copy(), np.random.default_rng(5), "draw")
    c = augment(x.copy(), np.random.default_rng(6), "draw")
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.dtype == np.float32 and a.min() >= 0 and a.max() <= 1


def test_bold_pen_is_grey_dilation_by_its_footprint(mnist):
    x = mnist.test.images[:200].copy()
    out = vary_pen(x.copy(), np.random.default_rng(0), 1.0, (3.0, 3.0), 0.0)  # radius 3: the whole 5×5
    np.testing.assert_array_equal(out, ndimage.grey_dilation(x, footprint=np.ones((1, 5, 5), bool)))
    disc = vary_pen(x.copy(), np.random.default_rng(0), 1.0, (1.0, 1.0), 0.0)  # a disc or a square of radius 1
    plus = ndimage.grey_dilation(x, footprint=np.array([[[0, 1, 0], [1, 1, 1], [0, 1, 0]]], bool))
    square = ndimage.grey_dilation(x, footprint=np.ones((1, 3, 3), bool))
    each = [np.array_equal(d, p) or np.array_equal(d, s) for d, p, s in zip(disc, plus, square)]
    assert all(each)


def test_thin_pen_erodes_and_an_untouched_image_stays(mnist):
    x = mnist.test.images[:200].copy()
    out = vary_pen(x.copy(), np.random.default_rng(0), 0.0, (1, 2), 1.0)
    assert (out <= x).all() and (out.sum(axis=(1, 2)) < 0.95 * x.sum(axis=(1, 2))).all()
    np.testing.assert_array_equal(vary_pen(x.copy(), np.random.default_rng(0), 0.0, (1, 2), 0.0), x)


def test_soft_edges_spread_the_ink_within_0_1(mnist):
    x = mnist.test.images[:50].copy()
    out = soften(x.copy(), np.random.default_rng(0), 1.0, (1.5, 1.5), (1.0, 1.0))
    np.testing.assert_allclose(out, ndimage.gaussian_filter(x, sigma=(0, 1.5, 1.5), mode="constant", truncate=20),
                               atol=1e-5)
    bright = soften(x.copy(), np.random.default_rng(0), 1.0, (1.5, 1.5), (2.0, 2.0))
    assert bright.max() == 1.0 and ((bright > 0.05).sum() > (x > 0.05).sum())


def test_elastic_field_is_smooth_with_the_asked_size():
    field = elastic_field(np.random.default_rng(0), 256, 28, 28, rms=0.8, sigma=4.0)
    inner = field[:, :, 8:20, 8:20]  # away from the edges, where the blur sees all its noise
    assert np.sqrt((inner ** 2).mean()) == pytest.approx(0.8, rel=0.15)
    assert np.abs(np.diff(field, axis=-1)).mean() < 0.2 * np.abs(field).mean()  # neighbours move together


def test_draw_augmentation_is_vectorised_over_the_batch(mnist):
    """Ten times the images, the same calls: no Python loop over the examples (counted with a profile
    hook, Python and C calls alike, so that the test does not depend on the machine's speed)."""
    def calls(n: int) -> int:
        rng = np.random.default_rng(0)
        batch = mnist.train.images[:n].copy()
        count = 0

        def hook(_frame, event, _arg):
            nonlocal count
            count += event in ("call", "c_call")

        sys.setprofile(hook)
        try:
            augment(batch, rng, "draw")
        finally:
            sys.setprofile(None)
        return count

    small, large = calls(32), calls(320)
    assert small > 20 and large <= small + 10  # (a loop over the examples would make ~10× the calls)