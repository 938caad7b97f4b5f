"""Every book preset builds, with the book's figure and hyper-parameters."""
from __future__ import annotations

import pytest

from core import presets

BOOK = {"ch1": 0.9542, "ch1-100": 0.9659, "ch3": 0.9649, "ch3-100": 0.9792, "ch3-best": 0.9804,
        "ch3-overfit": 0.8227, "ch3-overfit-l2": 0.871, "ch5-deep-2": 0.9690, "ch5-deep-3": 0.9657,
        "ch5-deep-4": 0.9653, "ch6-shallow": 0.9780, "ch6-conv1": 0.9878, "ch6-conv2": 0.9906,
        "ch6-relu": 0.9923, "ch6-expanded": 0.9937, "ch6-fc2": 0.9943, "ch6-dropout": 0.9960}


@pytest.mark.parametrize("name", list(BOOK))
def test_preset_builds_with_book_figure(name):
    preset = presets.get(name)
    assert preset.book.accuracy == pytest.approx(BOOK[name])
    net = preset.build(seed=0)
    assert net.output_shape == (10,) and net.name == name


def test_chapter_one_and_three_hyperparameters():
    ch1 = presets.get("ch1")
    assert ch1.build().sizes == [784, 30, 10] and ch1.cost == "quadratic" and ch1.init == "large"
    assert (ch1.config.eta, ch1.config.mini_batch_size, ch1.config.epochs) == (3.0, 10, 30)
    overfit = presets.get("ch3-overfit-l2")
    assert overfit.config.train_size == 1000 and overfit.config.lmbda == 0.1 and overfit.config.epochs == 400
    assert presets.get("ch5-deep-4").build().sizes == [784, 30, 30, 30, 30, 10]


def test_unknown_preset():
    with pytest.raises(KeyError, match="unknown preset"):
        presets.get("ch99")
