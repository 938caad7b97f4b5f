"""The Network contract: shapes, dtypes, predictions, specs, and clear errors for misfitting inputs."""
from __future__ import annotations

import numpy as np
import pytest

from core import presets
from core.layers import Dense, Flatten
from core.network import Network


def test_output_and_predict_contract(mnist):
    net = Network.mlp([784, 30, 10], seed=0)
    images = mnist.test.images[:7]
    out = net.output(images)
    assert out.shape == (7, 10) and out.dtype == np.float32
    pred = net.predict(images)
    assert pred.shape == (7,) and pred.dtype == np.int64
    np.testing.assert_array_equal(pred, out.argmax(axis=1))


def test_cnn_takes_the_same_images(mnist):
    net = presets.get("ch6-conv1").build(seed=0)
    assert net.input_shape == (1, 28, 28)
    out = net.output(mnist.test.images[:5])
    assert out.shape == (5, 10)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)  # softmax


def test_output_is_batched_consistently(mnist):
    net = Network.mlp([784, 20, 10], seed=1)
    images = mnist.test.images[:2500]
    np.testing.assert_allclose(net.output(images), np.concatenate([net.output(images[:1]), net.output(images[1:])]),
                               rtol=1e-5, atol=1e-6)


def test_inputs_that_do_not_fit_are_refused_clearly():
    net = Network.mlp([784, 30, 10])
    with pytest.raises(ValueError, match="do not fit"):
        net.output(np.zeros((3, 20, 20), np.float32))


def test_initialisers_follow_the_book():
    large = Network.mlp([784, 30, 10], init="large", seed=0).layers[0].params["w"]
    default = Network.mlp([784, 30, 10], init="default", seed=0).layers[0].params["w"]
    assert large.std() == pytest.approx(1.0, rel=0.05)
    assert default.std() == pytest.approx(1 / np.sqrt(784), rel=0.05)
    assert Network.mlp([784, 30, 10], init="default", seed=0).layers[0].params["b"].std() == pytest.approx(1.0, rel=0.3)


def test_same_seed_same_network_and_spec_round_trip():
    a, b = Network.mlp([784, 30, 10], seed=5), Network.mlp([784, 30, 10], seed=5)
    np.testing.assert_array_equal(a.layers[0].params["w"], b.layers[0].params["w"])
    c = Network.from_spec(a.spec())
    assert c.spec() == a.spec() and c.sizes == [784, 30, 10]


def test_invalid_networks_are_refused():
    with pytest.raises(ValueError, match="at least two positive"):
        Network.mlp([784])
    with pytest.raises(ValueError, match="last layer must be a dense"):
        Network([Dense(4, "sigmoid"), Flatten()], input_shape=(5,))
    with pytest.raises(ValueError, match="unknown activation"):
        Dense(3, "swish")
