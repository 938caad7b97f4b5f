"""Chapter 4's maths: steps, bumps, towers, the challenge's score and its optimum, learning."""
from __future__ import annotations

import math

import numpy as np
import pytest

from core import universality as u
from core.formula import parse_formula


def sig(z: float) -> float:
    return 1 / (1 + math.exp(-z))


# --- the book's function and score -----------------------------------------------------------------

def test_book_function_by_hand():
    assert u.book_function(0.0) == pytest.approx(0.25)
    x = 0.5
    assert u.book_function(x) == pytest.approx(0.2 + 0.4 * 0.25 + 0.3 * 0.5 * math.sin(7.5) + 0.05 * math.cos(25))


def test_all_zero_heights_score_like_the_book():
    assert round(u.average_deviation(np.zeros(5)), 3) == 1.055
    # zero heights: the score is just the mean |σ⁻¹(f)| over x = 0.00..0.99, whatever N is
    goal = [math.log(f / (1 - f)) for f in (u.book_function(k / 100) for k in range(100))]
    assert u.average_deviation(np.zeros(7)) == pytest.approx(sum(abs(g) for g in goal) / 100)


def test_best_score_for_five_bumps_is_0372():
    heights = u.fit_heights(5)
    assert heights.shape == (5,)
    assert round(u.average_deviation(heights), 3) == 0.372
    assert round(u.average_deviation(heights), 3) <= u.SUCCESS


def test_contract_numbers_in_plain_python():
    """1.055 and 0.372 from the contract's definitions, without the module's bins or medians: sample k
    (x = k/100) falls in bin ⌊kN/100⌋ (integer arithmetic), and a bin's best height under the mean
    absolute deviation is a median of its σ⁻¹(f) values."""
    def f(x):
        return 0.2 + 0.4 * x * x + 0.3 * x * math.sin(15 * x) + 0.05 * math.cos(50 * x)

    goal = [math.log(f(k / 100) / (1 - f(k / 100))) for k in range(100)]

    def score(heights):
        n = len(heights)
        return sum(abs(goal[k] - heights[k * n // 100]) for k in range(100)) / 100

    def medians(n):
        bins = [sorted(goal[k] for k in range(100) if k * n // 100 == j) for j in range(n)]
        return [(b[(len(b) - 1) // 2] + b[len(b) // 2]) / 2 for b in bins]

    assert round(score([0.0] * 5), 3) == 1.055
    assert round(score(medians(5)), 3) == 0.372
    for n in (5, 7, 30, 100):
        assert u.fit_heights(n) == pytest.approx(medians(n), abs=1e-12)
        assert u.average_deviation(u.fit_heights(n)) == pytest.approx(score(medians(n)), abs=1e-12)
    # 100 bumps: one sample per bin, each height exactly σ⁻¹(f(x)), a perfect score
    assert u.fit_heights(100) == pytest.approx(goal, abs=1e-12)
    assert u.average_deviation(u.fit_heights(100)) == pytest.approx(0.0, abs=1e-12)
    # 7 bins of 15 or 14 samples (100 is not a multiple of 7): still no height can be improved
    best = medians(7)
    for j in range(7):
        for delta in (-0.3, -0.05, -1e-3, 1e-3, 0.05, 0.3):
            trial = list(best)
            trial[j] += delta
            assert score(trial) >= score(best) - 1e-12


def test_bins_split_the_samples_by_hand():
    assert np.bincount(u.bin_index(u.SAMPLES, 5)).tolist() == [20] * 5
    assert u.bin_index([0.19, 0.2, 0.99, 1.0], 5).tolist() == [0, 1, 4, 4]
    # 3 bins: x < 1/3 holds 0.00..0.33 (34 samples), then 33 and 33
    assert np.bincount(u.bin_index(u.SAMPLES, 3)).tolist() == [34, 33, 33]


def test_average_deviation_by_hand():
    half = lambda x: np.full_like(x, 0.5)  # σ⁻¹(0.5) = 0
    assert u.average_deviation([1.0, -2.0], half) == pytest.approx(1.5)
    ramp = lambda x: u.sigmoid(x)  # σ⁻¹(f(x)) = x
    # one bump of height 0.5: mean |x − 0.5| over x = 0.00..0.99 = 0.25
    assert u.average_deviation([0.5], ramp) == pytest.approx(0.25)


def test_fit_heights_are_per_bin_medians_and_optimal():
    goal = u.inverse_sigmoid(u.book_function(u.SAMPLES))
    for n in (3, 5, 7, 30):
        heights = u.fit_heights(n)
        bins = u.bin_index(u.SAMPLES, n)
        assert np.allclose(heights, [np.median(goal[bins == j]) for j in range(n)])
    # no single height can be moved to improve the L1 score
    heights = u.fit_heights(5)
    best = u.average_deviation(heights)
    for j in range(5):
        for delta in np.linspace(-1, 1, 41):
            trial = heights.copy()
            trial[j] += delta
            assert u.average_deviation(trial) >= best - 1e-12


def test_scores_fall_as_bumps_are_added():
    scores = u.best_scores()
    assert scores.shape == (100,)
    assert scores[4] == pytest.approx(u.average_deviation(u.fit_heights(5)))
    assert scores[99] == pytest.approx(0.0)  # 100 bins: one sample each
    assert scores[9] < scores[4] and scores[49] < scores[19] < scores[9]


def test_bad_bump_counts_are_refused():
    for n in (0, 101, 2.5):
        with pytest.raises(ValueError, match="number of bumps"):
            u.fit_heights(n)
    with pytest.raises(ValueError, match="number of bumps"):
        u.average_deviation([])


def test_a_target_that_is_not_finite_is_refused():
    with pytest.raises(ValueError, match="not finite at x = 0"):
        u.average_deviation(np.zeros(5), lambda x: 1 / x)


def test_random_heights_in_range():
    h = u.random_heights(8, np.random.default_rng(1))
    assert h.shape == (8,) and np.all(np.abs(h) <= 2) and np.ptp(h) > 0


# --- steps and bumps -------------------------------------------------------------------------------

def test_neuron_and_step_by_hand():
    assert u.neuron(0.2, 3.0, -1.0) == pytest.approx(sig(3 * 0.2 - 1))
    assert u.step_position(1000, -400) == pytest.approx(0.4)
    assert u.step_bias(0.4, 1000) == pytest.approx(-400)
    assert u.step(0.3, 0.3) == pytest.approx(0.5)
    assert u.step(0.29, 0.3) == pytest.approx(sig(-10))
    assert u.step(0.31, 0.3) == pytest.approx(sig(10))


def test_bump_by_hand():
    h = 0.8
    assert u.bump(0.5, 0.4, 0.6, h) == pytest.approx(h * (sig(100) - sig(-100)))
    assert u.bump(0.4, 0.4, 0.6, h) == pytest.approx(h * (0.5 - sig(-200)))
    assert u.bump(0.3, 0.4, 0.6, h) == pytest.approx(h * (sig(-100) - sig(-300)))


def test_bumps_network_weights_and_output():
    net = u.bumps_network([(0.4, 0.6), (0.6, 0.9)], [0.8, -1.5])
    assert net.w.tolist() == [1000] * 4
    assert net.b.tolist() == pytest.approx([-400, -600, -600, -900])
    assert net.v.tolist() == [0.8, -0.8, -1.5, 1.5]
    assert net.step_positions() == pytest.approx([0.4, 0.6, 0.6, 0.9])
    x = np.array([0.1, 0.5, 0.7, 0.95])
    assert net.weighted_output(x) == pytest.approx([0, 0.8, -1.5, 0], abs=1e-6)
    assert net.output(x) == pytest.approx([0.5, sig(0.8), sig(-1.5), 0.5], abs=1e-6)


def test_challenge_network_matches_the_heights_inside_bins():
    heights = np.array([0.3, -1.0, 2.0, 0.0, -0.5])
    net = u.challenge_network(heights)
    centres = (np.arange(5) + 0.5) / 5
    assert net.weighted_output(centres) == pytest.approx(heights, abs=1e-9)
    assert net.n_hidden == 10
    # at a bin edge the two steps are half-way: the mean of the neighbouring heights
    assert net.weighted_output([0.4])[0] == pytest.approx((heights[1] + heights[2]) / 2, abs=1e-9)
    # the ends of [0, 1] are at full height (the outer steps sit outside the interval)
    assert net.weighted_output([0.0, 1.0]) == pytest.approx([0.3, -0.5], abs=1e-9)
    assert net.step_positions()[[0, -1]] == pytest.approx([-u.OVERHANG, 1 + u.OVERHANG])


# --- learning --------------------------------------------------------------------------------------

def test_backprop_gradients_match_finite_differences():
    rng = np.random.default_rng(3)
    net = u.OneHiddenLayer(rng.normal(0, 5, 6), rng.normal(0, 2, 6), rng.normal(0, 1, 6), 0.3)
    x = rng.uniform(0, 1, 25)
    t = rng.normal(0, 1, 25)
    _, grads = u.cost_and_gradients(net, x, t)
    eps = 1e-6
    for name in ("w", "b", "v", "b_out"):
        for j in range(6 if name != "b_out" else 1):
            def cost_at(delta):
                trial = net.copy()
                if name == "b_out":
                    trial.b_out += delta
                else:
                    getattr(trial, name)[j] += delta
                return u.cost_and_gradients(trial, x, t)[0]
            numeric = (cost_at(eps) - cost_at(-eps)) / (2 * eps)
            exact = grads[name] if name == "b_out" else grads[name][j]
            assert abs(numeric - exact) <= 1e-7 * max(1.0, abs(numeric)), (name, j)


def test_gradient_descent_learns_the_book_function():
    gd = u.GradientDescent(u.book_function, u.LearnConfig(n_hidden=10, eta=0.5, seed=0))
    first = gd.step()
    gd.run(1500)
    assert gd.cost < first / 10
    # the learned 10-neuron network already beats the best 5 fixed bumps (0.372) on the book's score
    assert u.network_deviation(gd.net) < 0.3


def test_gradient_descent_reports_divergence():
    gd = u.GradientDescent(u.book_function, u.LearnConfig(n_hidden=10, eta=100.0, momentum=0.9))
    with pytest.raises(FloatingPointError, match="smaller η"):
        gd.run(500)


def test_learn_config_refuses_bad_values():
    for bad in ({"eta": 0}, {"eta": -1}, {"momentum": 1.0}, {"n_hidden": 0}, {"samples": 2}):
        with pytest.raises(ValueError):
            u.LearnConfig(**bad)


# --- towers ----------------------------------------------------------------------------------------

def test_tower_by_hand():
    h = 10.0
    args = dict(x_steps=(0.4, 0.6), y_steps=(0.3, 0.5), h=h)
    assert u.tower_weighted_output(0.5, 0.4, (0.4, 0.6), (0.3, 0.5), h) == pytest.approx(2 * h)
    assert u.tower(0.5, 0.4, **args) == pytest.approx(sig(h / 2))  # inside: 2h − 3h/2
    assert u.tower(0.5, 0.9, **args) == pytest.approx(sig(-h / 2))  # on the x-bump's arm
    assert u.tower(0.1, 0.4, **args) == pytest.approx(sig(-h / 2))  # on the y-bump's arm
    assert u.tower(0.1, 0.9, **args) == pytest.approx(sig(-3 * h / 2))  # outside
    assert u.tower(0.5, 0.4, b=-h, **args) == pytest.approx(sig(h))


def test_tower_grid_by_hand():
    h = 12.0
    c = np.array([[1.0, 2.0], [3.0, 4.0]])  # row i along y, column j along x
    z = u.tower_grid_z(c, [0.25, 0.75], [0.25, 0.75], h=h)
    inside, arm, out = sig(h / 2), sig(-h / 2), sig(-3 * h / 2)
    # at the centre of cell (0, 0): its own tower, two neighbours through an arm, the far one outside
    assert z[0, 0] == pytest.approx(1 * inside + 2 * arm + 3 * arm + 4 * out)
    assert z[0, 1] == pytest.approx(2 * inside + 1 * arm + 4 * arm + 3 * out)
    assert z[1, 0] == pytest.approx(3 * inside + 1 * arm + 4 * arm + 2 * out)


def test_fit_tower_heights_recovers_a_piecewise_constant_target():
    levels = np.array([[0.2, 0.7], [0.4, 0.9]])
    target = lambda x, y: levels[u.bin_index(y, 2), u.bin_index(x, 2)]
    heights = u.fit_tower_heights(2, target)
    assert heights == pytest.approx(u.inverse_sigmoid(levels))
    X, Y = u.grid_coords(100)
    assert X[0, :2] == pytest.approx([0.005, 0.015]) and Y[:2, 0] == pytest.approx([0.005, 0.015])
    z = u.tower_grid_z(heights, X[0], Y[:, 0], h=30.0)
    # the samples are pixel centres, never on a tower's edge: only the arms' leak σ(−15) is left
    assert u.grid_deviation(z, target) < 1e-4


def test_more_towers_fit_a_smooth_target_better():
    f = parse_formula(u.PRESETS_2D["Gaussian peak"], ("x", "y"))
    target = lambda x, y: f(x=x, y=y)
    X, Y = u.grid_coords(100)
    scores = [u.grid_deviation(u.tower_grid_z(u.fit_tower_heights(n, target), X[0], Y[:, 0]), target)
              for n in (2, 5, 10)]
    assert scores[0] > scores[1] > scores[2]


def test_presets_parse_and_stay_inside_0_1():
    for text in u.PRESETS_1D.values():
        values = parse_formula(text)(x=u.SAMPLES)
        assert values.min() >= 0 and values.max() <= 1, text
    assert parse_formula(u.PRESETS_1D["The book's f(x)"])(x=u.SAMPLES) == pytest.approx(u.book_function(u.SAMPLES))
    X, Y = u.grid_coords(50)
    for text in u.PRESETS_2D.values():
        values = parse_formula(text, ("x", "y"))(x=X, y=Y)
        assert values.min() >= 0 and values.max() <= 1, text


# --- targets ---------------------------------------------------------------------------------------

def test_formula_targets():
    f = u.formula_target("0.5 + 0.3*sin(8*x)")
    assert f(np.array([0.0, 0.25])) == pytest.approx([0.5, 0.5 + 0.3 * math.sin(2)])
    g = u.formula_target_2d("x*y")
    assert g(np.array([0.5]), np.array([0.4])) == pytest.approx([0.2])
    with pytest.raises(ValueError, match="unknown name 'z'"):
        u.formula_target("z + 1")
    with pytest.raises(ValueError, match="not finite at x = 0"):
        u.formula_target("1/x")
    with pytest.raises(ValueError, match="not finite"):
        u.formula_target_2d("log(x*y)")


def test_a_typed_target_must_be_finite_wherever_the_app_evaluates_it():
    # 0.35 is a score sample (x = 35/100) but not one of the plots' 1001 points (350 × 0.001 ≠ 0.35)
    with pytest.raises(ValueError, match="not finite at x = 0.35"):
        u.formula_target("1/(x - 0.35)")
    with pytest.raises(ValueError, match="not finite at x = 0.00125"):  # Learn's first sample, ½/400
        u.formula_target("1/(x - 0.00125)")
    with pytest.raises(ValueError, match="not finite at x = 0.005, y = 0.005"):  # the 2-D score's first pixel
        u.formula_target_2d("1/(x - 0.005)")


def test_drawn_curve_paints_strokes():
    curve = u.DrawnCurve(np.full(11, 0.5))  # points at x = 0, 0.1, ..., 1
    curve.paint(0.2, 0.2, 0.4, 0.6)  # a straight stroke: 0.2 at x = 0.2 rising to 0.6 at x = 0.4
    assert curve.ys[1:6] == pytest.approx([0.5, 0.2, 0.4, 0.6, 0.5])
    curve.paint(0.9, 2.0, 0.9, 2.0)  # a dot above the top is clipped to 0.99
    assert curve.ys[9] == pytest.approx(0.99)
    assert curve(np.array([0.25])) == pytest.approx([0.3])  # linear between the points
    assert u.DrawnCurve.from_target(u.book_function, 101)(u.SAMPLES) == pytest.approx(u.book_function(u.SAMPLES))
