"""Runs that blow up while every number stays finite end with a Diverged event and their last good
weights; runs that learn, or are merely slow, go on (core.divergence, through the trainer)."""
from __future__ import annotations

import numpy as np
import pytest

from core import presets
from core.training import BatchDone, Diverged, EpochDone, Trainer, subset


def _run(data, name, **changes):
    """Train preset ``name`` with ``changes``: (the Diverged message or None, the epochs reported,
    the network, its initial weights)."""
    preset = presets.get(name)
    net = preset.build(0)
    start = [{k: v.copy() for k, v in l.params.items()} for l in net.layers]
    reported, message = [], None
    for event in Trainer(net, data, preset.with_config(**changes)).run():
        if isinstance(event, EpochDone):
            reported.append(event.epoch)
        elif isinstance(event, Diverged):
            message = event.message
    return message, reported, net, start


@pytest.fixture(scope="module")
def thousand(mnist):
    return subset(mnist, 1000, 1000, 100)


def test_chapter_1s_network_saturated_by_a_huge_eta_is_stopped(thousand):
    message, reported, net, start = _run(thousand, "ch1", eta=1000.0, epochs=3)
    assert reported == [] and message.startswith("after epoch 1 the network is at chance")
    assert "weights have grown" in message and "η = 1000 is too large for this network (try η = 100)" in message
    assert message.endswith("the network is back to its initial weights")
    for layer, params in zip(net.layers, start):  # and it is
        for key, value in params.items():
            assert np.array_equal(layer.params[key], value)


def test_a_run_whose_cost_explodes_is_stopped(mnist):
    data = subset(mnist, 5000, 1000, 100)
    message, reported, _, _ = _run(data, "ch3", eta=1000.0, epochs=2)  # cross-entropy, λ = 5
    assert reported == [] and message.startswith("the cost rose from") and "in epoch 1" in message


@pytest.mark.parametrize("name, changes", [
    ("ch1", dict(eta=3.0, epochs=3)),  # learning
    ("ch1", dict(eta=0.01, epochs=3)),  # at chance, but only slow: the cost falls, the weights barely move
    ("ch5-deep-4", dict(eta=0.1, epochs=3)),  # chapter 5's deep sigmoid network, slow on 1,000 images
    ("ch3", dict(eta=2.5, epochs=3)),  # chapter 3's η = 2.5: the cost oscillates but the network learns
])
def test_runs_that_learn_or_are_merely_slow_go_on(thousand, name, changes):
    message, reported, _, _ = _run(thousand, name, **changes)
    assert message is None and reported == [1, 2, 3]


def test_the_last_good_epoch_is_put_back_when_eta_is_raised_mid_run(thousand):
    preset = presets.get("ch1")
    net = preset.build(0)
    trainer = Trainer(net, thousand, preset.with_config(epochs=3))
    events = trainer.run()
    for event in events:
        if isinstance(event, EpochDone):
            break
    after_one = [l.params["w"].copy() for l in net.layers]
    trainer.eta = 1000.0  # as if the user raised η during epoch 2
    rest = [e for e in events if not isinstance(e, BatchDone)]
    assert len(rest) == 1 and isinstance(rest[0], Diverged) and rest[0].epoch == 2
    assert rest[0].message.endswith("the network is back to its state after epoch 1")
    assert all(np.array_equal(l.params["w"], w) for l, w in zip(net.layers, after_one))


# --- issue 12: λ named when it is to blame; "nothing was learned" ----------------------------------

def test_a_huge_lambda_is_blamed_not_eta(thousand):
    message, reported, _, _ = _run(thousand, "ch1", lmbda=1e300, epochs=2)
    assert reported == [] and "λ = 1e+300 is too large for η = 3 and n = 1,000" in message
    assert "1 − ηλ/n" in message and "is ≤ 0" in message and "η = 3 is too large" not in message


def test_an_l1_lambda_that_dominates_every_step_is_named_when_nothing_was_learned(thousand):
    """L1 with ηλ/n = 1.5, larger than the weights' typical size: they hop around zero, no blow-up,
    and nothing is learned; the note says why."""
    from core.divergence import nothing_learned

    preset = presets.get("ch1")
    trainer = Trainer(preset.build(0), thousand, preset.with_config(lmbda=500.0, regularization="l1", epochs=2))
    events = [e for e in trainer.run() if isinstance(e, EpochDone)]
    note = nothing_learned(events[-1], trainer)
    assert note.startswith("nothing was learned") and "ηλ/n = 1.5" in note and "λ term dominates" in note


def test_lambda_is_not_blamed_while_the_decay_factor_stays_positive():
    from core.divergence import lambda_to_blame
    from core.network import Network

    net = Network.mlp([784, 30, 10])
    assert lambda_to_blame(net, 3.0, 5.0, 50_000) is None  # the book's ch3: 1 − ηλ/n ≈ 0.9997
    assert lambda_to_blame(net, 3.0, 16_000, 50_000) is None  # 0.04: small, but it still shrinks
    assert "-0.2" in lambda_to_blame(net, 3.0, 20_000, 50_000)
    assert lambda_to_blame(net, 3.0, 0.0, 50_000) is None


def test_a_tiny_eta_ends_with_nothing_learned(thousand):
    from core.divergence import nothing_learned

    preset = presets.get("ch1")
    events = [e for e in Trainer(preset.build(0), thousand, preset.with_config(eta=1e-12, epochs=1)).run()
              if isinstance(e, EpochDone)]
    assert nothing_learned(events[-1]).startswith("nothing was learned (at chance after the run: ")
    learned = [e for e in Trainer(preset.build(0), thousand, preset.with_config(epochs=1)).run()
               if isinstance(e, EpochDone)]
    assert nothing_learned(learned[-1]) is None
