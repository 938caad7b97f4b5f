"""canvas_to_mnist makes a drawing look like an MNIST digit: 20×20 box, aspect kept, centre of mass
at (14, 14); naive_downscale only shrinks."""
from __future__ import annotations

import numpy as np
import pytest

from core.preprocess import (MNIST_CENTRE, as_grey, canvas_to_mnist, centre_of_mass, ink_bbox, mnist_to_canvas,
                             naive_downscale)


def _ink_extent(image, threshold=0.2):
    top, bottom, left, right = ink_bbox(image, threshold)
    return bottom - top, right - left


def _blob(size=280, top=40, left=60, h=120, w=60):
    canvas = np.zeros((size, size), np.uint8)
    canvas[top:top + h, left:left + w] = 255
    canvas[top:top + h // 3, left:left + w // 2] = 0  # not symmetric: its centre of mass is off-centre
    return canvas


@pytest.mark.parametrize("blank", [np.zeros((280, 280), np.uint8), np.zeros((50, 90), np.float32),
                                   np.full((28, 28), 0.01, np.float64)])
def test_blank_canvas_gives_zeros(blank):
    out = canvas_to_mnist(blank)
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert not out.any()


@pytest.mark.parametrize("shape", [(28, 28), (280, 280), (100, 300), (1000, 640), (7, 9)])
def test_any_size_gives_a_28x28_float_image_in_0_1(shape):
    rng = np.random.default_rng(0)
    canvas = np.zeros(shape, np.float32)
    h, w = shape
    canvas[h // 4:3 * h // 4, w // 3:w // 2 + 1] = rng.random((3 * h // 4 - h // 4, w // 2 + 1 - w // 3))
    out = canvas_to_mnist(canvas)
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert out.min() >= 0 and out.max() <= 1 and out.max() > 0.3


def test_uint8_and_float_canvases_agree():
    canvas = _blob()
    canvas[100:110] //= 3  # some grey too
    for f in (canvas_to_mnist, naive_downscale):
        a, b = f(canvas), f(canvas / 255.0)  # uint8 is resampled in 8 bits (rounded at each step)
        assert np.abs(a - b).max() < 0.03 and np.abs(a - b).mean() < 0.002


def test_tall_box_is_scaled_to_20_high_keeping_its_aspect_ratio():
    canvas = np.zeros((300, 300), np.uint8)
    canvas[50:250, 100:150] = 255  # 200 × 50: aspect 4:1
    h, w = _ink_extent(canvas_to_mnist(canvas))
    assert h == 20 and w == 5


def test_wide_box_is_scaled_to_20_wide():
    canvas = np.zeros((200, 400), np.float32)
    canvas[90:120, 20:380] = 1.0  # 30 × 360
    h, w = _ink_extent(canvas_to_mnist(canvas))
    assert w == 20 and 1 <= h <= 3


def test_small_drawing_is_enlarged_to_20():
    canvas = np.zeros((280, 280), np.uint8)
    canvas[10:40, 200:215] = 255
    assert _ink_extent(canvas_to_mnist(canvas))[0] == 20


def test_centre_of_mass_lands_on_14_14():
    out = canvas_to_mnist(_blob())
    r, c = centre_of_mass(out)
    assert abs(r - MNIST_CENTRE[0]) <= 0.5 and abs(c - MNIST_CENTRE[1]) <= 0.5


def test_position_on_the_canvas_does_not_matter():
    a = canvas_to_mnist(_blob(top=10, left=10))
    b = canvas_to_mnist(_blob(top=140, left=200))
    np.testing.assert_array_equal(a, b)


def test_drawing_size_does_not_matter_much():
    small = _blob(size=200, top=20, left=20, h=90, w=45)
    large = np.kron(small, np.ones((3, 3), np.uint8))  # the same drawing, 3× larger
    assert np.abs(canvas_to_mnist(small) - canvas_to_mnist(large)).mean() < 0.03


def test_lopsided_digit_keeps_all_its_ink_inside_the_field():
    canvas = np.zeros((280, 280), np.uint8)
    canvas[20:40, 20:260] = 255  # a heavy bar at the top
    canvas[40:260, 135:140] = 255  # a thin stem: the centre of mass is near the top of the box
    out = canvas_to_mnist(canvas)
    # Centring its centre of mass (about 2.5 rows below the box's top) would push the stem's end
    # off the bottom: the shift stops when the box touches the bottom edge.
    assert _ink_extent(out, 0.05) == (20, 20)
    assert out[-1].max() > 0.3 and out[8].max() > 0.5 and not out[:7].any()
    r, _ = centre_of_mass(out)
    assert r < MNIST_CENTRE[0] - 2


def test_mnist_digits_come_back_nearly_unchanged(mnist):
    """MNIST digits are already made this way: enlarging one onto a canvas and preprocessing it
    again gives (nearly) the same image."""
    images = mnist.test.images[:200]
    back = np.stack([canvas_to_mnist(mnist_to_canvas(x, 280)) for x in images])
    assert np.abs(back - images).mean() < 0.05
    com = np.array([centre_of_mass(x) for x in back])
    assert np.abs(com - 14).max() <= 0.5 + 1e-6


def test_naive_downscale_keeps_the_digit_where_it_was():
    canvas = np.zeros((280, 280), np.uint8)
    canvas[10:60, 10:30] = 255  # a small stroke in the top-left corner
    naive = naive_downscale(canvas)
    assert naive.shape == (28, 28) and naive.dtype == np.float32
    top, bottom, left, right = ink_bbox(naive, 0.2)
    assert (top, left) == (1, 1) and bottom <= 7 and right <= 4
    h, w = _ink_extent(canvas_to_mnist(canvas))
    assert h == 20  # whereas the MNIST-style image is centred and full size


def test_naive_downscale_pads_a_non_square_canvas():
    canvas = np.ones((100, 200), np.float32)
    naive = naive_downscale(canvas)
    assert naive[:6].max() < 0.1 and naive[-6:].max() < 0.1 and naive[10:18].min() > 0.9


def test_bad_canvases_are_refused_with_a_message():
    with pytest.raises(ValueError, match="2-D"):
        canvas_to_mnist(np.zeros((28, 28, 3)))
    with pytest.raises(ValueError, match="NaN"):
        canvas_to_mnist(np.full((28, 28), np.nan))
    with pytest.raises(ValueError, match="at least one pixel"):
        canvas_to_mnist(np.zeros((0, 5)))


def test_as_grey_conventions():
    assert as_grey(np.array([[0, 255]], np.uint8)).tolist() == [[0.0, 1.0]]
    assert as_grey(np.array([[False, True]])).tolist() == [[0.0, 1.0]]
    assert as_grey(np.array([[-1.0, 2.0]])).tolist() == [[0.0, 1.0]]
