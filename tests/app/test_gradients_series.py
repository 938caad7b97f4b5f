"""app.gradients.series: the Any run page's per-mini-batch values, kept ready to draw at a cost that
does not grow with the run, without losing a spike or misplacing one."""
from __future__ import annotations

import numpy as np
import pytest

from app.gradients import series
from app.gradients.series import GrowingSeries


def feed(values: np.ndarray, window: int = 1, chunk: int = 97) -> GrowingSeries:
    """A series fed ``values`` (n, layers) in payloads of ``chunk`` mini-batches, steps 1..n."""
    s = GrowingSeries(values.shape[1], window)
    steps = np.arange(1, len(values) + 1, dtype=float)
    for i in range(0, len(values), chunk):
        s.extend(steps[i:i + chunk], values[i:i + chunk])
    return s


def noisy(n: int, layers: int = 2, seed: int = 0) -> np.ndarray:
    return np.exp(np.random.default_rng(seed).normal(size=(n, layers))) * np.logspace(-3, 0, layers)


def test_a_short_run_is_drawn_as_measured():
    values = noisy(500)
    s = feed(values)
    x, y = s.drawn(1)
    np.testing.assert_array_equal(x, np.arange(1, 501))
    np.testing.assert_array_equal(y, values[:, 1])


def test_a_long_run_is_drawn_in_bounded_points_keeping_every_spike_where_it_was():
    values = noisy(60_000)
    values[12_345, 0] = 1e3  # a spike up
    values[40_000, 0] = 1e-9  # and one down
    s = feed(values)
    assert s.size > 1 and len(s.steps) == 60_000
    x, y = s.drawn(0)
    assert len(x) <= 4 * series.MAX_BINS + 2 * s.size  # (the bins' two extremes, and values not yet binned)
    assert np.all(np.diff(x) >= 0)  # in order of mini-batch
    assert np.nanmax(y) == 1e3 and x[np.nanargmax(y)] == 12_346
    assert np.nanmin(y) == 1e-9 and x[np.nanargmin(y)] == 40_001
    for layer in range(2):  # every drawn point is a value measured at that mini-batch
        x, y = s.drawn(layer)
        np.testing.assert_array_equal(y, values[x.astype(int) - 1, layer])
    assert (s.low, s.high) == (values[:, 0].min(), 1e3)


def test_smoothing_is_the_trailing_mean_of_the_finite_values_and_can_change():
    values = noisy(300)
    values[100, 1] = np.nan  # one lost measurement does not blank the rest of the run
    s = feed(values, window=10)
    expected = np.array([np.nanmean(values[max(0, i - 9):i + 1], axis=0) for i in range(300)])
    np.testing.assert_allclose(s.smoothed, expected, rtol=1e-9)
    s.set_window(1)
    np.testing.assert_array_equal(s.smoothed[:, 0], values[:, 0])
    assert np.isnan(s.smoothed[100, 1]) and np.isfinite(s.smoothed[101:, 1]).all()


def test_non_positive_values_are_not_drawn_on_a_log_axis():
    values = np.array([[0.1], [0.0], [-1.0], [np.inf], [0.2]])
    s = feed(values)
    assert np.isnan(s.drawn(0)[1][1:4]).all() and (s.low, s.high) == (0.1, 0.2)


def test_a_very_long_run_keeps_its_latest_mini_batches(monkeypatch):
    monkeypatch.setattr(series, "MAX_VALUES", 4000)
    values = noisy(10_000)
    s = feed(values, chunk=500)
    assert 2500 <= len(s.steps) <= 4000 and s.steps[-1] == 10_000
    np.testing.assert_array_equal(s.values, values[int(s.steps[0]) - 1:])
    assert np.all(np.diff(s.drawn(0)[0]) >= 0)


@pytest.mark.parametrize("window", [1, 7])
def test_what_is_drawn_does_not_depend_on_how_the_run_came_in_payloads(window):
    values = noisy(20_000)
    a, b = feed(values, window, chunk=13), feed(values, window, chunk=20_000)
    for layer in range(2):
        np.testing.assert_allclose(a.drawn(layer), b.drawn(layer), rtol=1e-9)
