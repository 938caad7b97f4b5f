"""The gap between a prediction and what happened."""
from __future__ import annotations

import numpy as np
import pytest

from core.prediction import curve_gap, ratio_gap


def test_a_sketch_on_the_curve_has_no_gap():
    x = np.linspace(0, 300, 301)
    y = np.exp(-x / 100)
    gap = curve_gap(x[::-10], y[::-10], x, y)  # any order, coarser than the curve
    assert gap.mean < 0.01 and gap.covered == pytest.approx(1.0)


def test_the_worst_gap_is_found_and_its_side_named():
    x = np.linspace(0, 10, 101)
    y = np.where(x <= 5, 1.0, 0.0)
    gap = curve_gap([0, 10], [1, 0], x, y)  # a straight line where the truth holds, then drops
    assert gap.worst == pytest.approx(0.5, abs=0.01)
    assert gap.at == pytest.approx(5.0) and gap.truth_higher
    half = curve_gap([0, 5], [0, 0], x, y)
    assert half.covered == pytest.approx(0.5) and half.mean == pytest.approx(1.0)


def test_ratio_gap_is_symmetric():
    assert ratio_gap(10, 100) == pytest.approx(10) and ratio_gap(100, 10) == pytest.approx(10)
    assert ratio_gap(3, 3) == 1
    with pytest.raises(ValueError):
        ratio_gap(0, 3)


def test_refuses_what_cannot_be_compared():
    with pytest.raises(ValueError, match="two points"):
        curve_gap([1], [1], [0, 1], [0, 1])
    with pytest.raises(ValueError, match="overlap"):
        curve_gap([5, 6], [0, 0], [0, 1], [0, 1])
