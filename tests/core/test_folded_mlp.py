"""The fully connected fast path (core.folded_mlp) trains exactly like the general path."""
from __future__ import annotations

import numpy as np
import pytest

from core import folded_mlp
from core.data import MNIST, Split
from core.layers import Dense, Dropout
from core.network import Network
from core.training import BatchDone, TrainConfig, Trainer


def _data(n=53, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.random((n, 28, 28))
    labels = rng.integers(0, 10, n)
    empty = Split(images[:0], labels[:0])
    return MNIST(Split(images, labels), Split(images[:20], labels[:20]), empty)


def _train(net, data, config, fast):
    trainer = Trainer(net, data, config)
    trainer.fast_path = fast
    costs = [e.cost for e in trainer.run() if isinstance(e, BatchDone)]
    return costs, trainer


NETWORKS = {
    "ch1: sigmoid, quadratic": ([784, 6, 10], "sigmoid", None, "quadratic"),
    "ch3: sigmoid, cross-entropy": ([784, 6, 10], "sigmoid", None, "cross-entropy"),
    "relu, softmax, log-likelihood": ([784, 7, 5, 10], "relu", "softmax", "log-likelihood"),
    "tanh, two hidden layers": ([784, 6, 4, 10], "tanh", "sigmoid", "cross-entropy"),
    "no hidden layer": ([784, 10], "sigmoid", None, "cross-entropy"),
    "linear hidden layer": ([784, 5, 10], "linear", "softmax", "log-likelihood"),
}


@pytest.mark.parametrize("name", NETWORKS)
@pytest.mark.parametrize("lmbda", [0.0, 3.0])
def test_same_costs_and_weights_as_the_general_path(name, lmbda):
    """Two epochs, with a last mini-batch smaller than the others (53 = 5 × 10 + 3)."""
    sizes, activation, output, cost = NETWORKS[name]
    config = TrainConfig(epochs=2, mini_batch_size=10, eta=0.3, lmbda=lmbda, seed=4)
    nets = [Network.mlp(sizes, activation, output, cost=cost, seed=2, dtype=np.float64) for _ in range(2)]
    data = _data()
    fast_costs, fast = _train(nets[0], data, config, fast=True)
    slow_costs, _ = _train(nets[1], data, config, fast=False)
    assert folded_mlp.applies(nets[0], config, 53)
    np.testing.assert_allclose(fast_costs, slow_costs, rtol=1e-10)
    for a, b in zip(nets[0].layers, nets[1].layers):
        for key in ("w", "b"):
            np.testing.assert_allclose(a.params[key], b.params[key], rtol=1e-9, atol=1e-12)
    assert fast.history[-1].validation_accuracy is not None


def test_float32_stays_close_to_the_general_path():
    config = TrainConfig(epochs=1, mini_batch_size=10, eta=3.0, seed=1)
    nets = [Network.mlp([784, 8, 10], cost="quadratic", init="large", seed=3) for _ in range(2)]
    data = _data(200)
    _train(nets[0], data, config, fast=True)
    _train(nets[1], data, config, fast=False)
    np.testing.assert_allclose(nets[0].layers[0].params["w"], nets[1].layers[0].params["w"], atol=1e-4)


def test_probes_read_a_mini_batchs_gradients_as_on_the_general_path():
    """After one mini-batch, each layer's x, delta and (lazily formed) gradients are those of
    Network.backprop on that mini-batch, from the weights before the step."""
    config = TrainConfig(epochs=1, mini_batch_size=8, eta=0.5, seed=0)
    data = _data(40)
    net = Network.mlp([784, 6, 5, 10], seed=1, dtype=np.float64)
    before = net.copy()
    trainer = Trainer(net, data, config)
    next(trainer.run())
    idx = np.random.default_rng(0).permutation(40)[:8]
    before.backprop(before.prepare(data.train.images[idx]), before.one_hot(data.train.labels[idx]))
    for fast, ref in zip(net.layers, before.layers):
        np.testing.assert_allclose(fast.x, ref.x, rtol=1e-12)
        np.testing.assert_allclose(fast.delta, ref.delta, rtol=1e-10, atol=1e-14)
        for key in ("w", "b"):
            np.testing.assert_allclose(fast.grads[key], ref.grads[key], rtol=1e-10, atol=1e-14)


def test_parameters_are_live_views_and_a_later_trainer_still_works():
    config = TrainConfig(epochs=1, mini_batch_size=10, eta=0.5, seed=0)
    data = _data()
    net = Network.mlp([784, 6, 10], seed=1)
    w = net.layers[0].params["w"]
    events = Trainer(net, data, config).run()
    next(events)
    live = net.layers[0].params["w"]
    assert not np.array_equal(live, w)  # the step reached the layer's own parameters
    events.close()
    # a new run with the general path (momentum) on the same network
    momentum = TrainConfig(epochs=1, mini_batch_size=10, eta=0.5, momentum=0.5, seed=0)
    trainer = Trainer(net, data, momentum)
    assert not folded_mlp.applies(net, momentum, 53)
    list(trainer.run())
    assert all(p.flags.c_contiguous for layer in net.layers for p in layer.params.values())
    assert np.isfinite(net.layers[0].params["w"]).all()


@pytest.mark.parametrize("change", [
    {"momentum": 0.9}, {"regularization": "l1", "lmbda": 1.0}, {"augment": "affine"},
])
def test_configurations_the_fast_path_leaves_to_the_general_one(change):
    net = Network.mlp([784, 6, 10])
    assert not folded_mlp.applies(net, TrainConfig(**change), 1000)


def test_networks_the_fast_path_leaves_to_the_general_one():
    config = TrainConfig()
    with_dropout = Network([Dense(20), Dropout(0.5), Dense(10)])
    softmax_hidden = Network([Dense(20, "softmax"), Dense(10)])
    assert not folded_mlp.applies(with_dropout, config, 1000)
    assert not folded_mlp.applies(softmax_hidden, config, 1000)
    assert not folded_mlp.applies(Network.mlp([784, 6, 10]), config, folded_mlp.MAX_IMAGES + 1)


@pytest.mark.parametrize("stop", ["finished", "closed early", "diverged"])
def test_after_a_run_the_layers_hold_their_own_arrays_again(stop):
    """However a fast run ends, each layer gets back the contiguous arrays it had before the run (the
    same objects), holding the trained (or restored) values."""
    data = _data()
    net = Network.mlp([784, 6, 10], seed=1)
    own = [(layer.params["w"], layer.params["b"]) for layer in net.layers]
    eta = 1e30 if stop == "diverged" else 0.5
    events = Trainer(net, data, TrainConfig(epochs=1, mini_batch_size=10, eta=eta, seed=0)).run()
    first = next(events)
    during = [layer.params["w"] for layer in net.layers]
    assert not any(w.flags.c_contiguous for w in during)  # the fast step's views of [w | b]
    trained = [w.copy() for w in during]
    if stop == "closed early":
        events.close()
    else:
        last = list(events)[-1] if isinstance(first, BatchDone) else first
        assert type(last).__name__ == ("Diverged" if stop == "diverged" else "Finished")
        trained = [layer.params["w"].copy() for layer in net.layers]
    for layer, (w, b) in zip(net.layers, own):
        assert layer.params["w"] is w and layer.params["b"] is b
        assert w.flags.c_contiguous and b.flags.c_contiguous
    if stop == "closed early":
        for layer, values in zip(net.layers, trained):
            np.testing.assert_array_equal(layer.params["w"], values)
