"""Chapter 3's single neuron: the book's figures with the true gradient of each cost."""
from __future__ import annotations

import numpy as np
import pytest

from core import costs
from core.activations import get as activation
from core.single_neuron import descend, sigmoid_prime


def test_arrays_have_one_entry_per_epoch_and_start_where_asked():
    run = descend("quadratic", 0.6, 0.9, 0.15, 300)
    for values in run:
        assert values.shape == (301,)
    assert (run.w[0], run.b[0]) == (0.6, 0.9)
    assert run.output[0] == pytest.approx(1 / (1 + np.exp(-1.5)))


@pytest.mark.parametrize("start, begin, end", [((0.6, 0.9), 0.82, 0.09), ((2.0, 2.0), 0.98, 0.20)])
def test_quadratic_cost_reproduces_the_books_outputs(start, begin, end):
    run = descend("quadratic", *start, eta=0.15, epochs=300)
    assert run.output[0] == pytest.approx(begin, abs=0.005)
    assert run.output[-1] == pytest.approx(end, abs=0.005)


def test_the_saturated_start_is_flat_for_its_first_150_epochs_with_the_quadratic_cost():
    slow = descend("quadratic", 2.0, 2.0, 0.15, 300)
    assert slow.output[0] - slow.output[150] < 0.06  # learning has barely started
    assert slow.output[150] - slow.output[300] > 0.6  # then it drops
    fast = descend("cross-entropy", 2.0, 2.0, 0.15, 300)
    assert fast.output[150] < 0.05  # σ'(z) cancels: no slowdown


def test_cross_entropy_at_the_books_widget_eta_is_still_high_after_300_epochs():
    # the note: with the true gradient a − y and η = 0.005 the neuron from (2, 2) is at 0.78
    assert descend("cross-entropy", 2.0, 2.0, 0.005, 300).output[-1] == pytest.approx(0.78, abs=0.005)


@pytest.mark.parametrize("name", ["quadratic", "cross-entropy"])
def test_each_step_is_the_projects_cost_gradient_and_cost_values_match(name):
    run = descend(name, 1.3, -0.4, 0.7, 5, x=0.8, y=0.3)
    cost, sigmoid = costs.get(name), activation("sigmoid")
    for t in range(5):
        z = np.array([[run.w[t] * 0.8 + run.b[t]]])
        a = sigmoid(z.copy())
        delta = cost.delta(z, a, np.array([[0.3]]), sigmoid)[0, 0]  # BP1 for one neuron
        assert run.w[t + 1] == pytest.approx(run.w[t] - 0.7 * delta * 0.8, rel=1e-9)
        assert run.b[t + 1] == pytest.approx(run.b[t] - 0.7 * delta, rel=1e-9)
        assert run.cost[t] == pytest.approx(cost.value(z, a, np.array([[0.3]]), sigmoid), rel=1e-9)


@pytest.mark.parametrize("name", ["quadratic", "cross-entropy"])
def test_gradient_is_a_central_difference_of_the_cost(name):
    eps, w, b = 1e-6, 0.9, 0.4

    def cost_at(w_, b_):
        return descend(name, w_, b_, 0.0, 0, x=1.0, y=0.0).cost[0]

    step = descend(name, w, b, 1.0, 1)  # with η = 1 the step is minus the gradient
    assert w - step.w[1] == pytest.approx((cost_at(w + eps, b) - cost_at(w - eps, b)) / (2 * eps), abs=1e-8)
    assert b - step.b[1] == pytest.approx((cost_at(w, b + eps) - cost_at(w, b - eps)) / (2 * eps), abs=1e-8)


def test_sigmoid_prime_peaks_at_a_quarter():
    assert sigmoid_prime(0.0) == 0.25
    assert sigmoid_prime(np.array([-30.0, 30.0])).max() < 1e-12


@pytest.mark.parametrize("args, words", [
    (("hinge", 0, 0, 0.1, 3), "unknown cost"), (("quadratic", np.nan, 0, 0.1, 3), "finite"),
    (("quadratic", 0, 0, -1, 3), "negative"), (("quadratic", 0, 0, 0.1, 2.5), "whole number"),
    (("quadratic", 0, 0, 0.1, -1), "whole number")])
def test_bad_arguments_are_refused_with_a_message(args, words):
    with pytest.raises(ValueError, match=words):
        descend(*args)
