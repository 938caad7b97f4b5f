"""Chapter 1's ball on a surface: gradients, the four regimes of η, momentum, mini-batch estimates."""
from __future__ import annotations

import numpy as np
import pytest

from core.descent import Ball, Bowl, Valley, contour, cost_grid, descend, regime, regression_set


def central_difference(surface, v, eps=1e-6):
    return np.array([(surface.cost(v[0] + eps, v[1]) - surface.cost(v[0] - eps, v[1])) / (2 * eps),
                     (surface.cost(v[0], v[1] + eps) - surface.cost(v[0], v[1] - eps)) / (2 * eps)])


@pytest.mark.parametrize("surface", [Bowl(), Valley(), regression_set()])
def test_gradients_are_central_differences_of_the_cost(surface):
    for v in ([1.2, -0.7], [-1.9, 0.3], [0.0, 0.0]):
        np.testing.assert_allclose(surface.gradient(np.array(v)), central_difference(surface, v), atol=1e-7)


def test_regression_cost_from_moments_is_the_mean_squared_residual():
    data = regression_set(n=25, seed=3)
    v1, v2 = 0.3, -1.1
    assert data.cost(v1, v2) == pytest.approx(0.5 * np.mean((v1 * data.x + v2 - data.y) ** 2))
    grid = cost_grid(data, n=21)
    assert grid.shape == (21, 21)
    assert grid[0, 0] == pytest.approx(data.cost(-2.0, -2.0)) and grid[-1, 0] == pytest.approx(data.cost(-2.0, 2.0))


@pytest.mark.parametrize("eta, regime", [(0.1, "slow"), (0.4, "good"), (0.8, "overshoot"), (1.1, "diverge")])
def test_the_four_regimes_of_eta_on_the_bowl(eta, regime):
    path = descend(Bowl(), [1.5, 1.0], eta, 200)
    first = path[:, 0]
    if regime == "diverge":
        assert np.abs(path[-1]).max() > 1e3 and len(path) < 201  # stops once it has escaped
        return
    assert np.abs(path[-1]).max() < 1e-6
    signs = np.sign(first[1:6])
    if regime == "overshoot":
        assert np.all(signs[1:] != signs[:-1])  # crosses the minimum every step
    else:
        assert np.all(signs > 0) and np.all(np.diff(first[:6]) < 0)
    if regime == "slow":
        assert np.abs(path[10]).max() > 0.1  # still far away after 10 steps


def test_momentum_crosses_the_valley_faster():
    valley = Valley()
    plain = descend(valley, [-1.8, 0.8], 0.4, 60)
    heavy = descend(valley, [-1.8, 0.8], 0.4, 60, mu=0.8)
    assert valley.cost(*heavy[-1]) < 0.05 * valley.cost(*plain[-1])


def test_ball_step_is_minus_eta_gradient_without_momentum():
    ball = Ball([1.0, -1.0])
    step = ball.step(np.array([0.5, 2.0]), 0.1)
    np.testing.assert_allclose(step, [-0.05, -0.2])
    np.testing.assert_allclose(ball.position, [0.95, -1.2])
    assert len(ball.path) == 2


def test_minibatch_estimates_are_unbiased_and_spread_less_as_m_grows():
    data = regression_set(n=40)
    v = np.array([1.5, 1.0])
    rng = np.random.default_rng(0)
    small = data.batch_gradients(v, 2, 4000, rng)
    large = data.batch_gradients(v, 20, 4000, rng)
    np.testing.assert_allclose(small.mean(axis=0), data.gradient(v), atol=0.05)
    assert large.std(axis=0).max() < 0.5 * small.std(axis=0).max()
    np.testing.assert_allclose(data.batch_gradients(v, 40, 3, rng), np.tile(data.gradient(v), (3, 1)))
    np.testing.assert_allclose(data.gradient(v, np.array([3, 7])),
                               [np.mean((v[0] * data.x[[3, 7]] + v[1] - data.y[[3, 7]]) * data.x[[3, 7]]),
                                np.mean(v[0] * data.x[[3, 7]] + v[1] - data.y[[3, 7]])])


@pytest.mark.parametrize("surface", [Bowl(), Valley(), regression_set()])
def test_quadratic_form_and_contours_agree_with_the_cost(surface):
    hessian, best, lowest = surface.quadratic()
    np.testing.assert_allclose(surface.gradient(best), [0, 0], atol=1e-12)
    assert surface.cost(*best) == pytest.approx(lowest)
    v = np.array([0.7, -0.4])
    assert surface.cost(*v) == pytest.approx(0.5 * (v - best) @ hessian @ (v - best) + lowest)
    ring = contour(surface, lowest + 0.3)
    np.testing.assert_allclose(surface.cost(ring[:, 0], ring[:, 1]), lowest + 0.3)
    assert len(contour(surface, lowest - 1)) == 0


@pytest.mark.parametrize("eta, name", [(0.05, "slow"), (0.3, "good"), (0.7, "overshoot"), (1.05, "divergence")])
def test_regime_names_what_the_path_does_on_the_bowl(eta, name):
    assert regime(Bowl(), eta).name == name
    assert regime(Bowl(), eta).rate == pytest.approx(abs(1 - 2 * eta))


def test_regime_with_momentum_on_the_valley():
    plain, heavy = regime(Valley(), 0.4), regime(Valley(), 0.4, mu=0.8)
    assert plain.name == "slow" and heavy.rate < plain.rate
    assert regime(Valley(), 1.2).name == "divergence"  # 1.2 × 2c > 2: across the valley it blows up
