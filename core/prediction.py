"""Predict, then reveal: how far a learner's prediction was from what happened, in plain numbers.

A prediction is either a sketched curve (y against x, e.g. a cost against epoch) or a number (e.g.
how many times faster one layer learns than another). The views say the gap in words; the numbers
come from here.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np


class CurveGap(NamedTuple):
    mean: float  # mean |sketch − truth| over the x the sketch covers
    worst: float  # the largest |sketch − truth|
    at: float  # the x where it is largest
    truth_higher: bool  # at that x, is the truth above the sketch?
    covered: float  # the share of the truth's x range the sketch covers (0-1)


def curve_gap(sketch_x, sketch_y, x, y) -> CurveGap:
    """Compare a sketch (points in any order) with the true curve (x increasing) on the truth's x that
    lie inside the sketch's x range, the sketch interpolated linearly between its points."""
    sketch_x, sketch_y = np.asarray(sketch_x, dtype=np.float64), np.asarray(sketch_y, dtype=np.float64)
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if sketch_x.size < 2 or x.size < 2:
        raise ValueError("a sketch and a curve need two points each to be compared")
    order = np.argsort(sketch_x)
    sketch_x, sketch_y = sketch_x[order], sketch_y[order]
    inside = (x >= sketch_x[0]) & (x <= sketch_x[-1])
    if not inside.any():
        raise ValueError("the sketch does not overlap the curve's range")
    guess = np.interp(x[inside], sketch_x, sketch_y)
    diff = y[inside] - guess
    k = int(np.argmax(np.abs(diff)))
    span = x[-1] - x[0]
    covered = float(min(1.0, (min(sketch_x[-1], x[-1]) - max(sketch_x[0], x[0])) / span)) if span > 0 else 1.0
    return CurveGap(float(np.mean(np.abs(diff))), float(abs(diff[k])), float(x[inside][k]), bool(diff[k] > 0),
                    covered)


def ratio_gap(guess: float, truth: float) -> float:
    """How many times off a guessed positive ratio is: max(guess/truth, truth/guess) (1 = exact)."""
    if not (guess > 0 and truth > 0 and math.isfinite(guess) and math.isfinite(truth)):
        raise ValueError("both ratios must be positive numbers")
    return max(guess / truth, truth / guess)
