"""Chapter 3's small experiments: softmax, weight initialisation statistics, overfitting by polynomials."""
from __future__ import annotations

import math

import numpy as np
import pytest

from core import init_stats, overfitting, softmax


def test_softmax_of_the_books_start_values():
    result = softmax.evaluate([2.5, -1.0, 3.2, 0.5], target=2)
    np.testing.assert_allclose(result.a.round(3), [0.315, 0.009, 0.633, 0.043])
    assert result.a.sum() == pytest.approx(1.0)
    assert result.cost == pytest.approx(-math.log(result.a[2]))
    np.testing.assert_allclose(result.delta, result.a - np.eye(4)[2])  # δ = a − y


def test_softmax_delta_is_the_gradient_of_the_cost():
    z, eps = np.array([0.3, -1.2, 2.0]), 1e-6
    exact = softmax.evaluate(z, 0).delta
    for j in range(3):
        up, down = z.copy(), z.copy()
        up[j] += eps
        down[j] -= eps
        numeric = (softmax.evaluate(up, 0).cost - softmax.evaluate(down, 0).cost) / (2 * eps)
        assert numeric == pytest.approx(exact[j], abs=1e-8)


def test_a_large_scale_turns_softmax_into_argmax_and_a_small_one_into_uniform():
    z = [2.5, -1.0, 3.2, 0.5]
    np.testing.assert_allclose(softmax.softmax(z, c=50), [0, 0, 1, 0], atol=1e-12)
    np.testing.assert_allclose(softmax.softmax(z, c=0), [0.25] * 4)
    assert softmax.evaluate(z, 1, c=100).cost > 100  # far from the target, no overflow
    with pytest.raises(ValueError, match="target class"):
        softmax.evaluate(z, 4)


def test_the_books_initialisation_figures():
    assert init_stats.z_sd("large", 1000, 0.5) == pytest.approx(math.sqrt(501))
    assert init_stats.z_sd("default", 1000, 0.5) == pytest.approx(math.sqrt(1.5))
    wide = init_stats.z_stats("large", 1000, 0.5)
    narrow = init_stats.z_stats("default", 1000, 0.5)
    assert wide.saturated > 0.8 and narrow.saturated < 0.001
    assert wide.samples.std() == pytest.approx(wide.sd, rel=0.05)
    assert np.mean(np.abs(wide.samples) > init_stats.SATURATED) == pytest.approx(wide.saturated, abs=0.03)


def test_initialisation_share_and_sd_follow_the_sliders():
    assert init_stats.z_sd("large", 1000, 0.0) == 1.0  # only the bias
    assert init_stats.z_sd("default", 10, 1.0) == pytest.approx(math.sqrt(2))
    assert init_stats.saturated_share(1.0) == pytest.approx(2 * (1 - 0.5 * (1 + math.erf(math.log(99) / math.sqrt(2)))))
    with pytest.raises(ValueError, match="fraction"):
        init_stats.z_sd("large", 10, 1.5)
    with pytest.raises(ValueError, match="unknown initialisation"):
        init_stats.z_sd("xavier", 10, 0.5)


def test_degree_nine_passes_through_ten_points_and_generalises_worse_than_a_line():
    train = overfitting.sample(10, noise=1.0, seed=0)
    held_out = overfitting.sample(200, noise=1.0, seed=1)
    line, nine = overfitting.fit(train, 1), overfitting.fit(train, 9)
    assert overfitting.mse(nine, train) < 1e-12
    assert overfitting.mse(line, train) > 0.1
    assert overfitting.mse(nine, held_out) > 10 * overfitting.mse(line, held_out)
    reference = np.polyfit(train.x, train.y, 1)
    np.testing.assert_allclose(line(train.x), np.polyval(reference, train.x))
    with pytest.raises(ValueError, match="degree"):
        overfitting.fit(train, 10)
