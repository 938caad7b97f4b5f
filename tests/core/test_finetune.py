"""Fine-tuning on a person's digits: the input network is untouched, a seed fixes the result, and the
network learns a consistent handwriting it read badly without forgetting MNIST."""
from __future__ import annotations

import numpy as np
import pytest

from core.finetune import FineTune, FineTuneError, fine_tune, held_out_split
from core.io import load_network
from core.models import MODELS_DIR
from core.stroke_styles import slanted_felt_pen


@pytest.fixture(scope="module")
def ch1():
    return load_network(MODELS_DIR / "ch1-mlp.npz")


@pytest.fixture(scope="module")
def personal(mnist):
    """600 digits in one person's style (slanted backwards, felt pen), from MNIST test images."""
    images = slanted_felt_pen(mnist.test.images[:600])
    return images, mnist.test.labels[:600]


def _weights(net):
    return [p.copy() for layer in net.layers for p in layer.params.values()]


def test_input_network_is_untouched_and_the_copy_changes(ch1, personal, mnist):
    images, labels = personal
    before = _weights(ch1)
    tuned = fine_tune(ch1, images[:50], labels[:50], epochs=1, mnist=mnist)
    assert tuned is not ch1
    for a, b in zip(before, _weights(ch1)):
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, b) for a, b in zip(before, _weights(tuned)))
    assert tuned.info["fine_tuned"]["digits"] == 50
    assert "metrics" in ch1.info and "metrics" not in tuned.info  # the original's accuracy is not this one's
    assert tuned.info["config"] == ch1.info["config"]


def test_same_seed_same_network_other_seed_other_network(ch1, personal, mnist):
    images, labels = personal
    a, b, c = (fine_tune(ch1, images[:40], labels[:40], epochs=1, seed=s, mnist=mnist) for s in (3, 3, 4))
    for x, y in zip(_weights(a), _weights(b)):
        np.testing.assert_array_equal(x, y)
    assert any(not np.array_equal(x, y) for x, y in zip(_weights(a), _weights(c)))


def test_held_out_personal_digits_read_better_and_mnist_is_not_forgotten(ch1, personal, mnist):
    images, labels = personal
    train, held = held_out_split(labels, fraction=2 / 3, seed=0)  # learn from 200, judge on 400
    assert len(np.intersect1d(train, held)) == 0 and len(train) + len(held) == len(labels)
    tuned = fine_tune(ch1, images[train], labels[train], epochs=5, mnist=mnist)
    before, after = ch1.accuracy(images[held], labels[held]), tuned.accuracy(images[held], labels[held])
    assert after >= before + 0.04, (before, after)  # measured: 76.5 % -> 81.5 %
    test = mnist.test.images[5000:7000], mnist.test.labels[5000:7000]  # not the personal digits' sources
    assert tuned.accuracy(*test) >= ch1.accuracy(*test) - 0.02


def test_progress_one_event_per_mini_batch(ch1, personal, mnist):
    images, labels = personal
    job = FineTune(ch1, images[:20], labels[:20], epochs=2, mnist=mnist)
    assert job.examples == 80  # 20 of the person's digits and 60 MNIST digits (mnist_mix = 0.75)
    events = list(job.run())
    assert [e.epoch for e in events][-1] == 2 and len(events) == 2 * events[0].batches
    assert job.diverged is None


def test_one_digit_is_enough_and_mix_zero_trains_on_the_digits_alone(ch1, personal, mnist):
    images, labels = personal
    assert FineTune(ch1, images[:1], labels[:1], mnist_mix=0.0, mnist=mnist).examples == 1
    fine_tune(ch1, images[:1], labels[:1], epochs=1, mnist=mnist)


@pytest.mark.parametrize("images,labels,message", [
    (np.zeros((3, 28, 27)), [1, 2, 3], "28×28"),
    (np.zeros((0, 28, 28)), [], "no digits"),
    (np.zeros((3, 28, 28)), [1, 2], "3 labels"),
    (np.full((1, 28, 28), 2.0), [1], r"\[0, 1\]"),
    (np.full((1, 28, 28), np.nan), [1], r"\[0, 1\]"),
    (np.zeros((1, 28, 28)), [10], "0-9"),
    (np.zeros((1, 28, 28)), [1.5], "0-9"),
])
def test_bad_digits_are_refused_with_a_message(ch1, images, labels, message):
    with pytest.raises(FineTuneError, match=message):
        fine_tune(ch1, images, labels)


def test_bad_mix_is_refused(ch1, personal):
    with pytest.raises(FineTuneError, match="MNIST share"):
        fine_tune(ch1, *personal, mnist_mix=1.0)


def test_held_out_split_keeps_a_lone_example_for_training():
    labels = np.array([0, 0, 0, 0, 0, 1, 2, 2])
    train, held = held_out_split(labels, fraction=0.4, seed=1)
    assert list(labels[held]) == [0, 0]  # 40 % of five 0s; the lone 1 and the two 2s all train
    assert sorted(np.concatenate([train, held])) == list(range(8))
