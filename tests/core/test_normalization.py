"""Batch normalisation and residual layers: numerical gradient checks in both modes, running
statistics, specs and saving."""
from __future__ import annotations

import numpy as np
import pytest

from core.io import load_network, save_network
from core.layer_types import from_spec
from core.layers import Dense
from core.network import Network
from core.normalization import BatchNormDense, ResidualBatchNormDense, ResidualDense
from core.training import TrainConfig, Trainer, subset
from tests.core import gradcheck
from tests.core.gradcheck import check_input_gradient

TOL = 1e-5


def check_network(net, x, y, **kwargs) -> float:
    """gradcheck.check_network, with every parameter's gradient formed after each backprop (a dense
    layer may keep ∂C/∂w as its two factors until read), so none escapes the check."""
    backprop = net.backprop

    def backprop_and_form(*args, **kw):
        cost = backprop(*args, **kw)
        for layer in net.layers:
            for name in layer.params:
                layer.grads[name]
        return cost

    net.backprop = backprop_and_form
    return gradcheck.check_network(net, x, y, **kwargs)


def batch(n_in=6, n_out=4, m=8, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((m, n_in)) * 1.5 + 0.5
    y = np.eye(n_out)[rng.integers(0, n_out, m)]
    return x, y


def warm_up(net, x, times=3):
    """Give the running statistics values other than their initial 0 and 1."""
    for k in range(times):
        net.feedforward(x * (1 + 0.3 * k) + 0.2, training=True)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "linear"])
@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_dense_gradients(activation, training):
    net = Network([Dense(5, "tanh"), BatchNormDense(5, activation), Dense(4, "sigmoid")], cost="cross-entropy",
                  input_shape=(6,), seed=1, dtype=np.float64)
    x, y = batch()
    warm_up(net, x)
    assert check_network(net, x, y, training=training) < TOL


def test_batchnorm_as_first_and_output_layer():
    net = Network([BatchNormDense(5, "sigmoid"), BatchNormDense(4, "softmax")], cost="log-likelihood",
                  input_shape=(6,), seed=2, dtype=np.float64)
    x, y = batch()
    warm_up(net, x)
    assert check_network(net, x, y, training=True) < TOL
    assert check_network(net, x, y, training=False) < TOL
    assert check_input_gradient(net, x.copy(), y) < TOL


@pytest.mark.parametrize("cls", [ResidualDense, ResidualBatchNormDense])
@pytest.mark.parametrize("training", [True, False])
def test_residual_gradients(cls, training):
    net = Network([Dense(5, "sigmoid"), cls(5, "sigmoid"), cls(5, "tanh"), Dense(4, "sigmoid")],
                  cost="cross-entropy", input_shape=(6,), seed=3, dtype=np.float64)
    x, y = batch()
    warm_up(net, x)
    assert check_network(net, x, y, training=training) < TOL
    assert check_input_gradient(net, x.copy(), y) < TOL


def test_residual_adds_its_input_and_needs_matching_sizes():
    layer = ResidualDense(3, "sigmoid")
    Network([layer, Dense(2, "sigmoid")], input_shape=(3,), dtype=np.float64)
    x = np.random.default_rng(0).standard_normal((4, 3))
    out = layer.forward(x)
    np.testing.assert_allclose(out, x + 1 / (1 + np.exp(-(x @ layer.params["w"].T + layer.params["b"]))))
    np.testing.assert_allclose(layer.a, out - x)  # a keeps σ(z), which σ'(z) needs
    with pytest.raises(ValueError, match="as many outputs as inputs"):
        Network([ResidualDense(4), Dense(2)], input_shape=(3,))


def test_batch_statistics_normalise_and_running_statistics_follow():
    layer = BatchNormDense(4, "linear", momentum=0.5)
    Network([layer, Dense(2, "sigmoid")], input_shape=(3,), seed=0, dtype=np.float64)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((50, 3)) * 3 + 2
    out = layer.forward(x, training=True)  # γ = 1, b = 0: the normalised weighted inputs themselves
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=0), 1, atol=1e-3)
    u = x @ layer.params["w"].T
    np.testing.assert_allclose(layer.params["running_mean"], 0.5 * u.mean(axis=0))
    np.testing.assert_allclose(layer.params["running_var"], 0.5 + 0.5 * u.var(axis=0, ddof=1))
    before = {k: layer.params[k].copy() for k in BatchNormDense.STATS}
    single = layer.forward(x[:1], training=False)
    both = layer.forward(x[:2], training=False)
    np.testing.assert_allclose(single[0], both[0])  # inference treats each example on its own
    for k in BatchNormDense.STATS:
        np.testing.assert_array_equal(layer.params[k], before[k])  # and leaves the statistics alone


def test_training_updates_statistics_only_through_the_forward_pass(mnist):
    net = Network([BatchNormDense(12, "sigmoid"), Dense(10, "sigmoid")], input_shape=(784,), seed=0,
                  dtype=np.float64)
    layer = net.layers[0]
    data = subset(mnist, train=50, validation=0, test=0)
    u = net.prepare(data.train.images) @ layer.params["w"].T  # the weighted inputs the one step sees
    expected_mean = 0.1 * u.mean(axis=0)  # momentum 0.9 from a running mean of 0
    expected_var = 0.9 + 0.1 * u.var(axis=0, ddof=1)
    config = TrainConfig(epochs=1, mini_batch_size=50, eta=0.5, lmbda=1.0, momentum=0.5, monitor_training=False)
    events = list(Trainer(net, data, config).run())
    assert type(events[-1]).__name__ == "Finished"
    assert np.all(layer.grads["running_mean"] == 0) and np.all(layer.grads["running_var"] == 0)
    np.testing.assert_allclose(layer.params["running_mean"], expected_mean, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(layer.params["running_var"], expected_var, rtol=1e-12)
    assert not np.allclose(layer.params["gamma"], 1)  # while γ and b did learn


def test_spec_roundtrip_and_saving_keep_statistics(tmp_path):
    net = Network([BatchNormDense(6, "relu", momentum=0.8, eps=1e-4), ResidualDense(6, "tanh"),
                   ResidualBatchNormDense(6, "sigmoid"), Dense(3, "softmax")], cost="log-likelihood",
                  input_shape=(5,), seed=4)
    x = np.random.default_rng(2).standard_normal((20, 5)).astype(np.float32)
    warm_up(net, x)
    for layer in net.layers:
        again = from_spec(layer.spec())
        assert type(again) is type(layer) and again.spec() == layer.spec()
    path = save_network(net, tmp_path / "bn.npz")
    loaded = load_network(path)
    for a, b in zip(net.layers, loaded.layers):
        assert a.params.keys() == b.params.keys()
        for k in a.params:
            np.testing.assert_array_equal(a.params[k], b.params[k])
    np.testing.assert_allclose(loaded.feedforward(loaded.prepare(x)), net.feedforward(net.prepare(x)), rtol=1e-6)


@pytest.mark.parametrize("cls", [BatchNormDense, ResidualBatchNormDense, ResidualDense])
def test_weight_gradient_factors_match_the_gradient(cls):
    """A trainer may apply ∂C/∂w from its factors (a, d) as dᵀa: they must give the same gradient."""
    net = Network([Dense(5, "tanh"), cls(5, "sigmoid"), Dense(4, "sigmoid")], input_shape=(6,), seed=5,
                  dtype=np.float64)
    x, y = batch()
    net.backprop(x, y, training=True)
    layer = net.layers[1]
    a, d = layer.gradient_factors("w")
    np.testing.assert_allclose(d.T @ a, layer.grads["w"], rtol=1e-12)
    assert check_network(net, x, y, training=True) < TOL


def test_bad_batchnorm_settings_are_refused():
    with pytest.raises(ValueError, match="momentum"):
        BatchNormDense(3, momentum=1.0)
    with pytest.raises(ValueError, match="ε"):
        BatchNormDense(3, eps=0)
