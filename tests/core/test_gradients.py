"""Backprop (BP1–BP4) against numerical gradients for every dense layer × activation × cost."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from core.layers import Dense, Dropout, Flatten
from core.network import Network
from tests.core.gradcheck import check_input_gradient, check_network

HIDDEN = ["sigmoid", "tanh", "relu", "linear"]
OUTPUT = ["sigmoid", "tanh", "relu", "linear", "softmax"]
COSTS = ["quadratic", "cross-entropy", "log-likelihood"]
VALID = {"quadratic": OUTPUT, "cross-entropy": ["sigmoid", "softmax"], "log-likelihood": ["sigmoid", "softmax"]}
TOL = 1e-5  # float64, ε = 1e-6: right gradients give ~1e-8; a wrong term gives > 1e-2


def batch(n_in=6, n_out=4, m=5, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((m, n_in))
    y = np.eye(n_out)[rng.integers(0, n_out, m)]
    return x, y


@pytest.mark.parametrize("hidden,output,cost", [
    (h, o, c) for h, c in itertools.product(HIDDEN, COSTS) for o in VALID[c]])
def test_dense_network_gradients(hidden, output, cost):
    net = Network([Dense(5, hidden), Dense(5, hidden), Dense(4, output)], cost=cost, input_shape=(6,),
                  init="default", seed=3, dtype=np.float64)
    x, y = batch()
    assert check_network(net, x, y) < TOL


@pytest.mark.parametrize("cost,output", [(c, o) for c in COSTS for o in VALID[c]])
def test_single_layer_gradients_and_input_gradient(cost, output):
    net = Network([Dense(4, output)], cost=cost, input_shape=(6,), seed=1, dtype=np.float64)
    x, y = batch()
    assert check_network(net, x, y) < TOL
    assert check_input_gradient(net, x.copy(), y) < TOL


def test_dropout_gradient_with_fixed_mask():
    net = Network([Dense(8, "sigmoid"), Dropout(0.5), Dense(4, "softmax")], cost="log-likelihood",
                  input_shape=(6,), seed=2, dtype=np.float64)
    dropout = net.layers[1]

    def reseed():
        dropout.rng = np.random.default_rng(7)

    x, y = batch()
    assert check_network(net, x, y, training=True, reseed=reseed) < TOL
    # the mask really dropped something, and survivors were scaled by 1/(1 - p)
    assert set(np.unique(dropout.mask)) == {0.0, 2.0}


def test_flatten_gradient():
    net = Network([Flatten(), Dense(5, "tanh"), Dense(3, "sigmoid")], cost="cross-entropy", input_shape=(2, 3),
                  seed=4, dtype=np.float64)
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((4, 2, 3)), np.eye(3)[[0, 1, 2, 1]]
    assert check_network(net, x, y) < TOL
    assert check_input_gradient(net, x.copy(), y) < TOL


def test_cross_entropy_with_sigmoid_has_delta_a_minus_y():
    """Chapter 3, equation 66: σ'(z) cancels, δᴸ = a − y."""
    net = Network([Dense(4, "sigmoid")], cost="cross-entropy", input_shape=(6,), dtype=np.float64)
    x, y = batch()
    a = net.feedforward(x)
    out = net.output_layer
    np.testing.assert_allclose(net.cost.delta(out.z, a, y, out.activation), a - y)


def test_cross_entropy_value_is_stable_when_sigmoid_saturates():
    net = Network([Dense(2, "sigmoid")], cost="cross-entropy", input_shape=(1,), dtype=np.float32)
    net.layers[0].params["w"][...] = 100.0
    net.layers[0].params["b"][...] = 0.0
    x = np.array([[1.0]], np.float32)  # z = 100: σ(z) is exactly 1.0 in float32
    a = net.feedforward(x)
    assert a[0, 0] == 1.0
    value = net.cost.value(net.output_layer.z, a, np.array([[0.0, 1.0]], np.float32), net.output_layer.activation)
    assert np.isfinite(value) and value == pytest.approx(100.0, rel=1e-5)


def test_cross_entropy_with_a_saturated_softmax_is_finite_in_float32():
    """A sure softmax output is exactly 1.0 in float32: neither the value nor δᴸ may become NaN
    (0 · ln 0 or 0 / 0), which would stop a training run as diverged when nothing went wrong."""
    net = Network([Dense(3, "softmax")], cost="cross-entropy", input_shape=(1,), dtype=np.float32)
    net.layers[0].params["w"][...] = np.array([[60.0], [0.0], [0.0]], np.float32).reshape(net.layers[0].params["w"].shape)
    net.layers[0].params["b"][...] = 0.0
    a = net.feedforward(np.array([[1.0]], np.float32))
    assert a[0, 0] == 1.0
    out = net.output_layer
    for y in ([[1.0, 0.0, 0.0]], [[0.0, 1.0, 0.0]]):  # right and sure; wrong and sure
        y = np.array(y, np.float32)
        value = net.cost.value(out.z, a, y, out.activation)
        delta = net.cost.delta(out.z, a, y, out.activation)
        assert np.isfinite(value) and np.all(np.isfinite(delta)) and delta.dtype == np.float32


@pytest.mark.parametrize("cost,output", [("cross-entropy", "relu"), ("log-likelihood", "tanh"), ("cross-entropy", "linear")])
def test_cost_rejects_outputs_it_is_not_defined_for(cost, output):
    with pytest.raises(ValueError, match="outputs in"):
        Network([Dense(4, output)], cost=cost, input_shape=(6,))
