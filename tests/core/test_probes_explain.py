"""probes.explain / probes.contributions: the Draw tab's "why", checked against the formulas and
against finite differences."""
from __future__ import annotations

import numpy as np

from core import probes
from core.network import Network


def _out(net, x):
    """The output in the network's own dtype (``Network.output`` rounds to float32)."""
    return net.feedforward(net.prepare(x))


def _net(seed=0):
    return Network.mlp([784, 12, 8, 10], activation="sigmoid", cost="cross-entropy", seed=seed, dtype=np.float64)


def test_last_hidden_layer_contribution_is_a_w_sigma_prime():
    net = Network.mlp([784, 16, 10], seed=3, dtype=np.float64)
    x = np.random.default_rng(0).random((4, 28, 28))
    out = _out(net, x)
    j = out.argmax(axis=1)
    a = probes.activations(net, x)[0][1]
    w = net.layers[1].params["w"]
    expected = a * w[j] * (out * (1 - out))[np.arange(4), j][:, None]  # aₖ wⱼₖ σ'(zⱼ)
    np.testing.assert_allclose(probes.contributions(net, x)[0], expected, rtol=1e-10, atol=1e-14)


def test_explain_gradients_match_finite_differences():
    net = _net()
    x = np.random.default_rng(1).random((1, 28, 28))
    e = probes.explain(net, x, outputs=np.array([4]))
    # saliency: ∂a⁴/∂x for a few pixels
    for pixel in [(5, 5), (14, 14), (20, 9)]:
        h = 1e-6
        xp, xm = x.copy(), x.copy()
        xp[0][pixel] += h
        xm[0][pixel] -= h
        numeric = (_out(net, xp)[0, 4] - _out(net, xm)[0, 4]) / (2 * h)
        assert abs(e["saliency"][0][pixel] - numeric) < 1e-6
    np.testing.assert_allclose(e["saliency"], probes.saliency(net, x, outputs=np.array([4])))
    # contribution of hidden neuron k of layer 1 = a_k · ∂a⁴/∂a_k: perturb a_k after layer 1
    a1 = e["activations"][0][0]
    for k in range(3):
        h = 1e-6

        def out_with(delta):
            a = a1.copy()
            a[k] += delta
            for layer in net.layers[1:]:
                a = layer.forward(a[None])[0]
            return a[4]

        numeric = a1[k] * (out_with(h) - out_with(-h)) / (2 * h)
        assert abs(e["contributions"][0][0, k] - numeric) < 1e-6


def test_explain_leaves_the_network_untouched_and_reports_the_output():
    net = _net(2)
    before = [l.params["w"].copy() for l in net.layers]
    x = np.random.default_rng(2).random((3, 28, 28))
    e = probes.explain(net, x)
    np.testing.assert_allclose(e["output"], net.output(x))
    assert [a.shape for a in e["activations"]] == [(3, 12), (3, 8)]
    assert e["saliency"].shape == (3, 28, 28)
    for w, layer in zip(before, net.layers):
        np.testing.assert_array_equal(w, layer.params["w"])
