"""The "fool it" challenge's mathematics: a start digit read right, and a hint that is the gradient of
the score difference it names."""
from __future__ import annotations

import numpy as np
import pytest

from core import fooling
from core.io import load_network
from core.models import BUNDLED


@pytest.fixture(scope="module")
def mlp():
    return load_network(BUNDLED["ch1"].path)


def _scores(net, image):
    net.feedforward(net.prepare(image[None]))
    return net.output_layer.z[0].astype(np.float64)


def test_pick_digit_is_read_right_and_none_when_no_digit_is(mlp, mnist):
    images, labels = mnist.test.images[:200], mnist.test.labels[:200]
    for seed in range(5):
        i = fooling.pick_digit(mlp, images, labels, np.random.default_rng(seed))
        assert mlp.predict(images[i:i + 1])[0] == labels[i]
    wrong = (mlp.predict(images[:50]) + 1) % 10
    assert fooling.pick_digit(mlp, images[:50], wrong, np.random.default_rng(0)) is None


def test_runner_up_is_the_second_best():
    assert fooling.runner_up(np.array([0.1, 0.5, 0.05, 0.3])) == 3


def test_hint_is_the_gradient_of_the_score_difference(mlp, mnist):
    image = mnist.test.images[0]
    read = int(mlp.predict(image[None])[0])
    target = fooling.runner_up(mlp.output(image[None])[0])
    hint = fooling.hint(mlp, image, read, target)
    assert hint.shape == (28, 28)
    net64 = mlp.astype(np.float64)
    rng = np.random.default_rng(0)
    for r, c in zip(rng.integers(4, 24, 8), rng.integers(4, 24, 8)):  # central differences, pixel by pixel
        up, down = image.astype(np.float64).copy(), image.astype(np.float64).copy()
        up[r, c] += 1e-4
        down[r, c] -= 1e-4
        diff = lambda x: _scores(net64, x)[target] - _scores(net64, x)[read]  # noqa: E731
        assert hint[r, c] == pytest.approx((diff(up) - diff(down)) / 2e-4, rel=1e-2, abs=1e-4)
