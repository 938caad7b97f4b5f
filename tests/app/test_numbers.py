"""The app's one number format (app/numbers.py)."""
from __future__ import annotations

import math

import pytest

from app import numbers


@pytest.mark.parametrize("value, text", [
    (0, "0"), (3.0, "3"), (0.5, "0.5"), (0.0123456, "0.0123"), (95.4213, "95.4"), (1 / 3, "0.333"),
    (0.001, "0.001"), (7812.5, "7,812"), (31187.5, "31,188"), (999_999, "999,999"), (-2.5, "−2.5"),
    (0.0001, "10⁻⁴"), (1e-5, "10⁻⁵"), (7.5e-05, "7.5×10⁻⁵"), (7.8e6, "7.8×10⁶"), (-3.7e-44, "−3.7×10⁻⁴⁴"),
    (1e6, "10⁶"), (0.00099996, "0.001"), (math.nan, "–"), (math.inf, "∞"), (-math.inf, "−∞"),
])
def test_number_is_plain_in_its_range_and_a_power_of_ten_outside(value, text):
    assert numbers.number(value) == text


def test_number_keeps_the_digits_asked_for():
    assert numbers.number(0.123456, 5) == "0.12346"
    assert numbers.number(123456.0, 2) == "123,456"  # whole digits are never rounded away
    assert numbers.number(1.6e-7, 1) == "2×10⁻⁷"


@pytest.mark.parametrize("value, text", [
    (3.0, "3"), (0.5, "0.5"), (0.0123456, "0.0123456"), (1e-5, "10⁻⁵"), (7.5e-5, "7.5×10⁻⁵"),
    (1e-12, "10⁻¹²"), (0.25, "0.25"), (5.0, "5"), (1000.0, "1,000"), (0.1 + 0.2, "0.3"),
])
def test_exact_keeps_every_digit_typed(value, text):
    assert numbers.exact(value) == text
    assert numbers.exact(0.1 + 0.2) == "0.3"  # no float noise (0.30000000000000004) beyond 12 digits


def test_percent_count_and_duration():
    assert numbers.percent(0.9542) == "95.42%"
    assert numbers.percent(0.9, 0) == "90%"
    assert numbers.percent(math.nan) == "–"
    assert numbers.count(50000) == "50,000"
    assert [numbers.duration(s) for s in (0.42, 45, 200, 1020, 3900)] == ["0.42 s", "45 s", "3 min 20 s", "17 min",
                                                                           "1 h 05 min"]


@pytest.mark.parametrize("values, spacing, labels", [
    ([0, 0.5, 1.0, 1.5], 0.5, ["0.0", "0.5", "1.0", "1.5"]),
    ([90, 95, 100], 5, ["90", "95", "100"]),
    ([0.25, 0.5, 0.75], 0.25, ["0.25", "0.50", "0.75"]),
    ([0, 10000, 20000], 10000, ["0", "10,000", "20,000"]),
    ([0.002, 0.004], 0.002, ["0.002", "0.004"]),
    ([0, 0.0002, 0.0004], 0.0002, ["0", "2×10⁻⁴", "4×10⁻⁴"]),
    ([1e6, 2e6, 3e6], 1e6, ["10⁶", "2×10⁶", "3×10⁶"]),
    ([-1, 0, 1], 1, ["−1", "0", "1"]),
])
def test_ticks_of_one_axis_are_written_alike(values, spacing, labels):
    assert numbers.ticks(values, spacing) == labels


def test_decades_are_all_plain_or_all_powers_of_ten():
    assert numbers.decades([-3, -2, -1, 0, 1, 2]) == ["0.001", "0.01", "0.1", "1", "10", "100"]
    assert numbers.decades([3, 4, 5]) == ["1,000", "10,000", "100,000"]
    assert numbers.decades([-5, -4, -3]) == ["10⁻⁵", "10⁻⁴", "10⁻³"]  # never 0.001 next to 10⁻⁵
    assert numbers.decades([0, 6]) == ["10⁰", "10⁶"]


def test_a_digit_takes_the_article_it_is_said_with():
    assert [numbers.a_digit(d) for d in (1, 7, 8)] == ["a 1", "a 7", "an 8"]
    assert numbers.a_digit(8, quoted=True) == "an “8”"
