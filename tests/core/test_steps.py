"""The run's step, chosen once (core.steps.make_step): the folded fast step where it applies, else the
general step, whose update is network2's."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from core import presets
from core.folded_mlp import FoldedStep
from core.network import Network
from core.steps import GeneralStep, make_step
from core.training import TrainConfig


def _batch(net, n=12, seed=0):
    rng = np.random.default_rng(seed)
    return net.prepare(rng.random((n, 28, 28))), net.one_hot(rng.integers(0, 10, n))


def test_make_step_takes_the_folded_step_exactly_where_it_applies():
    config, rng = TrainConfig(), np.random.default_rng(0)
    mlp, cnn = Network.mlp([784, 5, 10]), presets.get("ch6-conv1").build()
    for net, changes, expected in [(mlp, {}, FoldedStep), (mlp, {"momentum": 0.5}, GeneralStep),
                                   (mlp, {"augment": "affine"}, GeneralStep), (cnn, {}, GeneralStep)]:
        step = make_step(net, replace(config, **changes), *_batch(net), rng)
        assert type(step) is expected
        step.close()
    step = make_step(mlp, config, *_batch(mlp), rng, fast=False)
    assert type(step) is GeneralStep
    step.close()


@pytest.mark.parametrize("lmbda", [0.0, 4.0])
def test_the_general_step_is_network2s_update(lmbda):
    """w ← (1 − ηλ/n) w − (η/m) Σₓ ∂Cₓ/∂w, b ← b − (η/m) Σₓ ∂Cₓ/∂b, from the gradients of one backprop."""
    net = Network.mlp([784, 6, 10], cost="cross-entropy", seed=1, dtype=np.float64)
    x, y = _batch(net)
    before = net.copy()
    step = GeneralStep(net, TrainConfig(lmbda=lmbda), x, y, np.random.default_rng(0))
    idx = np.array([3, 7, 1, 0])
    cost = step(idx, 0.5, lmbda)
    assert cost == pytest.approx(before.backprop(x[idx], y[idx]))
    n, m = len(x), len(idx)
    for b, a in zip(before.layers, net.layers):
        np.testing.assert_allclose(a.params["w"], (1 - 0.5 * lmbda / n) * b.params["w"] - 0.5 / m * b.grads["w"],
                                   rtol=1e-12)
        np.testing.assert_allclose(a.params["b"], b.params["b"] - 0.5 / m * b.grads["b"], rtol=1e-12)
        np.testing.assert_allclose(a.grads["w"], b.grads["w"], rtol=1e-12)  # probes still read the gradients


def test_a_step_that_meets_a_nan_cost_leaves_the_weights_alone():
    net = Network.mlp([784, 6, 10], seed=1)
    x, y = _batch(net)
    x[0, 0] = np.nan
    w = net.layers[0].params["w"].copy()
    step = GeneralStep(net, TrainConfig(), x, y, np.random.default_rng(0))
    with np.errstate(invalid="ignore"):
        assert np.isnan(step(np.arange(4), 0.5, 0.0))
    np.testing.assert_array_equal(net.layers[0].params["w"], w)
