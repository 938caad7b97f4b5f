"""Training: real accuracy on MNIST, the update rules exactly as the book states them, schedules,
determinism, divergence, validation of hyper-parameters."""
from __future__ import annotations

import numpy as np
import pytest

from core import presets
from core.data import MNIST, Split
from core.network import Network
from core.training import BatchDone, Diverged, EpochDone, Finished, TrainConfig, Trainer, subset, train


def test_ch1_one_epoch_reaches_90_percent(mnist):
    """The book has 91.29% after chapter 1's first epoch."""
    preset = presets.get("ch1")
    events = train(preset.build(seed=0), mnist, preset.with_config(epochs=1))
    epoch = next(e for e in events if isinstance(e, EpochDone))
    assert epoch.test_accuracy >= 0.90
    assert isinstance(events[-1], Finished) and events[-1].reason == "completed"


def test_events_in_order_and_counts(mnist):
    data = subset(mnist, train=1000, validation=200, test=200)
    events = list(Trainer(Network.mlp([784, 10, 10], seed=0), data, TrainConfig(epochs=2, mini_batch_size=100,
                                                                                  eta=1.0)).run())
    batches = [e for e in events if isinstance(e, BatchDone)]
    assert len(batches) == 20 and batches[0].batches == 10
    assert [type(e).__name__ for e in events[10:12]] == ["EpochDone", "BatchDone"]
    assert isinstance(events[-1], Finished)
    assert all(np.isfinite(b.cost) for b in batches)


def test_deterministic_for_a_seed(mnist):
    data = subset(mnist, train=500, validation=100, test=100)

    def run():
        net = Network.mlp([784, 20, 10], seed=3, dropout=0.2)
        train(net, data, TrainConfig(epochs=2, eta=0.5, seed=7, augment="affine", momentum=0.5))
        return net.layers[0].params["w"].copy()

    np.testing.assert_array_equal(run(), run())


def _one_step(config: TrainConfig, n_train=20):
    rng = np.random.default_rng(0)
    images = rng.random((n_train, 28, 28)).astype(np.float64)
    labels = rng.integers(0, 10, n_train)
    data = MNIST(Split(images, labels), Split(images[:0], labels[:0]), Split(images[:0], labels[:0]))
    net = Network.mlp([784, 5, 10], seed=1, dtype=np.float64)
    before = net.copy()
    trainer = Trainer(net, data, config)
    events = trainer.run()
    next(events)  # the first mini-batch is done
    order = np.random.default_rng(config.seed).permutation(n_train)[:config.mini_batch_size]
    x, y = before.prepare(images[order]), before.one_hot(labels[order])
    before.backprop(x, y)
    return before, net, n_train


@pytest.mark.parametrize("lmbda", [0.0, 5.0])
def test_l2_update_is_network2s(lmbda):
    """w ← (1 − ηλ/n) w − (η/m) Σ∇w; biases are not regularised."""
    cfg = TrainConfig(epochs=1, mini_batch_size=4, eta=0.5, lmbda=lmbda)
    before, after, n = _one_step(cfg)
    for b, a in zip(before.layers, after.layers):
        expected_w = (1 - 0.5 * lmbda / n) * b.params["w"] - 0.5 / 4 * b.grads["w"]
        np.testing.assert_allclose(a.params["w"], expected_w, rtol=1e-10)
        np.testing.assert_allclose(a.params["b"], b.params["b"] - 0.5 / 4 * b.grads["b"], rtol=1e-10)


def test_l1_update():
    """w ← w − (ηλ/n) sgn(w) − (η/m) Σ∇w (chapter 3, equation 96)."""
    cfg = TrainConfig(epochs=1, mini_batch_size=4, eta=0.5, lmbda=2.0, regularization="l1")
    before, after, n = _one_step(cfg)
    for b, a in zip(before.layers, after.layers):
        expected = b.params["w"] - 0.5 * 2.0 / n * np.sign(b.params["w"]) - 0.5 / 4 * b.grads["w"]
        np.testing.assert_allclose(a.params["w"], expected, rtol=1e-10)


def test_momentum_first_step_and_velocity():
    """v ← μv − (η/m)Σ∇w − (ηλ/n)w, w ← w + v: from v = 0 the first step equals plain SGD with L2."""
    cfg = TrainConfig(epochs=1, mini_batch_size=4, eta=0.5, lmbda=1.0, momentum=0.9)
    before, after, n = _one_step(cfg)
    for b, a in zip(before.layers, after.layers):
        expected = b.params["w"] - 0.5 / 4 * b.grads["w"] - 0.5 * 1.0 / n * b.params["w"]
        np.testing.assert_allclose(a.params["w"], expected, rtol=1e-10)


def test_early_stopping_and_learning_rate_schedule(mnist):
    data = subset(mnist, train=200, validation=100, test=100)
    # a learning rate so small that validation accuracy cannot improve after the first epoch
    stop = train(Network.mlp([784, 10, 10], seed=0), data, TrainConfig(epochs=50, eta=1e-9, early_stopping=3))
    assert stop[-1].reason == "no improvement in 3 epochs" and stop[-1].epochs_run == 4
    trainer = Trainer(Network.mlp([784, 10, 10], seed=0), data,
                      TrainConfig(epochs=50, eta=1e-9, eta_patience=2, max_halvings=3))
    events = [e for e in trainer.run() if not isinstance(e, BatchDone)]
    etas = [e.eta for e in events if isinstance(e, EpochDone)]
    assert events[-1].reason == "η was halved 3 times"
    assert etas == [1e-9, 1e-9, 1e-9, 5e-10, 5e-10, 2.5e-10, 2.5e-10]


def test_diverging_run_ends_with_a_message_and_keeps_the_last_good_weights(mnist):
    data = subset(mnist, train=1000, validation=100, test=100)
    net = Network.mlp([784, 30, 10], activation="relu", output_activation="linear", cost="quadratic", seed=0)
    start = net.layers[0].params["w"].copy()
    events = train(net, data, TrainConfig(epochs=3, eta=50.0))
    last = events[-1]
    assert isinstance(last, Diverged)
    assert "η = 50 is too large" in last.message and "epoch 1" in last.message
    np.testing.assert_array_equal(net.layers[0].params["w"], start)


@pytest.mark.parametrize("field,value,message", [
    ("eta", -1.0, "learning rate η must be a positive number"),
    ("eta", float("nan"), "learning rate η"),
    ("mini_batch_size", 0, "mini-batch size"),
    ("epochs", 0, "epochs"),
    ("lmbda", -0.1, "regularisation λ"),
    ("momentum", 1.0, "momentum"),
    ("regularization", "l3", "regularisation must be"),
    ("train_size", 0, "training-set size"),
])
def test_bad_hyperparameters_are_refused_readably(field, value, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig(**{field: value})


def test_batch_larger_than_training_set_is_refused(mnist):
    with pytest.raises(ValueError, match="larger than the training set"):
        Trainer(Network.mlp([784, 10, 10]), subset(mnist, train=5), TrainConfig(mini_batch_size=10))


def test_live_changes_apply_from_the_next_batch(mnist):
    data = subset(mnist, train=100, validation=10, test=10)
    trainer = Trainer(Network.mlp([784, 10, 10], seed=0), data, TrainConfig(epochs=1, mini_batch_size=10, eta=0.1))
    events = trainer.run()
    next(events)
    trainer.eta = 0.0 + 1e-300  # effectively frozen from now on
    w = trainer.net.layers[0].params["w"].copy()
    next(events)
    np.testing.assert_allclose(trainer.net.layers[0].params["w"], w)
    trainer.epochs = 2  # "+1 epoch"
    rest = [e for e in events if isinstance(e, EpochDone)]
    assert [e.epoch for e in rest] == [1, 2]


def test_ch6_conv1_one_epoch_reaches_95_percent(mnist):
    preset = presets.get("ch6-conv1")
    events = train(preset.build(seed=0), mnist, preset.with_config(epochs=1, monitor_training=False))
    epoch = next(e for e in events if isinstance(e, EpochDone))
    assert epoch.test_accuracy >= 0.95


def test_restore_best_puts_back_the_best_validation_epoch(mnist):
    data = subset(mnist, train=300, validation=300, test=100)
    net = Network.mlp([784, 20, 10], seed=0)
    trainer = Trainer(net, data, TrainConfig(epochs=6, eta=3.0, mini_batch_size=10))
    epochs = [e for e in trainer.run() if isinstance(e, EpochDone)]
    best = trainer.restore_best()
    assert best.validation_accuracy == max(e.validation_accuracy for e in epochs)
    assert net.accuracy(data.validation.images, data.validation.labels) == best.validation_accuracy
