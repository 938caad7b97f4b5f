"""Probes: activations and feature maps, layer speeds, gradient norms, saliency."""
from __future__ import annotations

import numpy as np
import pytest

from core import presets, probes
from core.network import Network


def test_activations_of_a_cnn_are_feature_maps(mnist):
    net = presets.get("ch6-conv2").build(seed=0)
    acts = probes.activations(net, mnist.test.images[:3])
    shapes = [a.shape for _, a in acts]
    assert shapes[:2] == [(3, 20, 12, 12), (3, 40, 4, 4)] and shapes[-1] == (3, 10)
    assert "conv 20×5×5" in acts[0][0]


def test_layer_speeds_are_the_norms_of_the_mean_delta(mnist):
    net = Network.mlp([784, 30, 30, 10], seed=0, dtype=np.float64)
    images, labels = mnist.train.images[:50], mnist.train.labels[:50]
    speeds = probes.layer_speeds(net, images, labels)
    assert speeds.shape == (2,)
    # by hand: run backprop per example and average δ of each hidden layer
    deltas = [[], []]
    for i in range(50):
        probe = net.copy()
        probe.backprop(probe.prepare(images[i:i + 1]), probe.one_hot(labels[i:i + 1]), training=False)
        for j in range(2):
            deltas[j].append(probe.layers[j].grads["b"])
    expected = [np.linalg.norm(np.mean(d, axis=0)) for d in deltas]
    np.testing.assert_allclose(speeds, expected, rtol=1e-10)


def test_probes_leave_the_network_untouched(mnist):
    net = Network.mlp([784, 20, 10], seed=1)
    before = net.layers[0].params["w"].copy()
    probes.layer_speeds(net, mnist.train.images[:10], mnist.train.labels[:10])
    probes.saliency(net, mnist.test.images[:2])
    np.testing.assert_array_equal(net.layers[0].params["w"], before)


@pytest.mark.parametrize("preset, of", [("ch1", "output"), ("ch6-conv2", "output"), ("ch6-conv2", "score")])
def test_saliency_is_the_derivative_of_the_top_output(mnist, preset, of):
    net = presets.get(preset).build(seed=0).astype(np.float64)
    out = net.output_layer
    # a little noise: on MNIST's blank background max-pooling has exact ties, where the derivative is
    # one-sided (saliency then gives one valid subgradient, not the central difference)
    noise = np.random.default_rng(1).uniform(0, 0.01, (1, 28, 28))
    image = mnist.test.images[:1].astype(np.float64) + noise
    top = int(net.output(image).argmax())
    grad = probes.saliency(net, image, of=of)
    assert grad.shape == (1, 28, 28)

    def value(x):  # the top output's activation, or its weighted input z (the score before softmax)
        a = net.feedforward(net.prepare(x))
        return (a if of == "output" else out.z)[0, top]

    rng = np.random.default_rng(0)
    for r, c in rng.integers(4, 24, (5, 2)):
        bumped = image.copy()
        eps = 1e-6
        bumped[0, r, c] += eps
        up = value(bumped)
        bumped[0, r, c] -= 2 * eps
        down = value(bumped)
        assert grad[0, r, c] == pytest.approx((up - down) / (2 * eps), rel=1e-4, abs=1e-9)


def test_score_saliency_survives_a_saturated_softmax(mnist):
    """The bundled CNN is sure of most test digits (top output 1.0 in float32): ∂a/∂x then all but
    vanishes, ∂z/∂x does not, and explain() gives the same map as saliency()."""
    from core.io import load_network
    from core.models import default_model_path

    net = load_network(default_model_path())
    outputs = net.output(mnist.test.images[:50])
    sure = int(np.flatnonzero(outputs.max(axis=1) == 1.0)[0])
    image = mnist.test.images[sure:sure + 1]
    score = probes.saliency(net, image, of="score")
    assert np.abs(probes.saliency(net, image)).max() < 1e-4 * np.abs(score).max()
    np.testing.assert_allclose(probes.explain(net, image, of="score")["saliency"], score, rtol=1e-5, atol=1e-8)
    with pytest.raises(ValueError):
        probes.saliency(net, image, of="logit")


def test_gradient_norms_and_saturation(mnist):
    net = presets.get("ch5-deep-2").build(seed=0)
    norms = probes.gradient_norms(net, mnist.train.images[:100], mnist.train.labels[:100])
    assert norms["delta"].shape == norms["w"].shape == (3,)
    assert (norms["w"] > 0).all()
    sat = probes.saturation(net, mnist.train.images[:100])
    assert len(sat) == 2
    assert sat[0]["sigma_prime"].max() <= 0.25 + 1e-6


def test_gradient_norms_are_of_the_mean_cost(mnist):
    """‖∂C/∂w‖ for C the mean over the examples: the same whether measured on one copy of an example
    or on ten copies of it."""
    net = Network.mlp([784, 20, 10], seed=2)
    one = probes.gradient_norms(net, mnist.train.images[:1], mnist.train.labels[:1])
    ten = probes.gradient_norms(net, np.repeat(mnist.train.images[:1], 10, axis=0), np.repeat(mnist.train.labels[:1], 10))
    np.testing.assert_allclose(ten["w"], one["w"], rtol=1e-4)
    np.testing.assert_allclose(ten["delta"], one["delta"], rtol=1e-4)
