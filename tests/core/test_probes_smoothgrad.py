"""probes.smooth_saliency (SmoothGrad): the mean of the plain saliency over noisy copies, computed in
one batched pass, and a map that is less noisy than the plain one on the chapter 1 MLP."""
from __future__ import annotations

import numpy as np
import pytest

from core import probes
from core.io import load_network
from core.models import BUNDLED
from core.network import Network


def instability(maps_a: np.ndarray, maps_b: np.ndarray) -> np.ndarray:
    """How noisy a saliency map is, as a user drawing sees it: 1 − the correlation between the maps
    of two drawings that differ imperceptibly. 0: the map stands still; 1: it is new noise each time."""
    a, b = (np.asarray(m, np.float64).reshape(len(m), -1) for m in (maps_a, maps_b))
    a, b = a - a.mean(axis=1, keepdims=True), b - b.mean(axis=1, keepdims=True)
    return 1 - (a * b).sum(axis=1) / np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1))


def roughness(maps: np.ndarray) -> np.ndarray:
    """How speckled each (28, 28) map is: the mean absolute difference between 4-neighbouring pixels
    over the mean absolute value (independent noise from pixel to pixel scores about 1.1; smooth
    patches well under 1)."""
    maps = np.asarray(maps, np.float64)
    steps = np.concatenate([np.abs(np.diff(maps, axis=1)).reshape(len(maps), -1),
                            np.abs(np.diff(maps, axis=2)).reshape(len(maps), -1)], axis=1)
    return steps.mean(axis=1) / np.abs(maps).reshape(len(maps), -1).mean(axis=1)


def test_smooth_saliency_is_the_mean_saliency_over_the_same_noisy_copies():
    net = Network.mlp([784, 12, 10], seed=1, dtype=np.float64)
    x = np.random.default_rng(0).random((2, 28, 28))
    samples, sigma, seed = 5, 0.2, 7
    smooth = probes.smooth_saliency(net, x, of="score", samples=samples, sigma=sigma, seed=seed)
    noise = np.random.default_rng(seed).standard_normal((2, samples, 784), dtype=np.float32)
    top = net.output(x).argmax(axis=1)
    for i in range(2):  # one image and one noisy copy at a time, each for the clean image's answer
        noisy = x[i].reshape(1, 784) + (sigma * noise[i]).astype(np.float64)
        expected = np.mean([probes.saliency(net, n[None], outputs=[top[i]], of="score")[0] for n in noisy], axis=0)
        np.testing.assert_allclose(smooth[i].reshape(784), expected, rtol=1e-10, atol=1e-12)
    assert smooth.shape == x.shape


def test_without_noise_it_is_the_plain_saliency_and_it_leaves_the_network_untouched():
    net = Network.mlp([784, 12, 10], seed=2, dtype=np.float64)
    before = [l.params["w"].copy() for l in net.layers]
    x = np.random.default_rng(1).random((3, 28, 28))
    np.testing.assert_allclose(probes.smooth_saliency(net, x, samples=3, sigma=0.0),
                               probes.saliency(net, x), rtol=1e-12)
    for w, layer in zip(before, net.layers):
        np.testing.assert_array_equal(w, layer.params["w"])
    with pytest.raises(ValueError):
        probes.smooth_saliency(net, x, samples=0)


def test_smoothgrad_is_less_noisy_than_the_plain_map_on_the_chapter_1_mlp(mnist):
    """The plain map of the book's sigmoid MLP changes with every small change of the drawing;
    SmoothGrad's stays (each pair drawn with noise seeds of its own, so the seed does not make it)."""
    net = load_network(BUNDLED["ch1"].path)
    images = mnist.test.images[:24]
    changed = np.clip(images + np.random.default_rng(5).normal(0, 0.1, images.shape), 0, 1).astype(np.float32)
    top = net.output(images).argmax(axis=1)
    plain = instability(probes.saliency(net, images, top, of="score"), probes.saliency(net, changed, top, of="score"))
    smooth = instability(probes.smooth_saliency(net, images, top, of="score", seed=1),
                         probes.smooth_saliency(net, changed, top, of="score", seed=2))
    assert np.median(plain) > 0.4  # most of the plain map is new with each small change
    assert np.median(smooth) < 0.4 * np.median(plain)
    assert np.mean(smooth < plain) >= 0.75  # (for most digits one by one, too)


def test_smoothgrad_is_less_speckled_than_the_plain_map_on_the_cnn(mnist):
    net = load_network(BUNDLED["default"].path)
    images = mnist.test.images[:3]
    plain, smooth = (roughness(f(net, images, of="score")) for f in (probes.saliency, probes.smooth_saliency))
    assert np.all(smooth < 0.9 * plain)
