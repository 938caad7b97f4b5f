"""Chapter 3's picture of overfitting: ten points fitted by a straight line and by a polynomial of
degree 9, which passes through every one of them and says nothing about a new point.

The points lie near the line y = 2x (as in the book's figure) with Gaussian noise; fits are least
squares by NumPy's ``Polynomial.fit`` (which rescales x to [−1, 1] so a degree-9 fit is well
conditioned). Errors are mean squared errors, on the ten training points and on fresh held-out points
from the same source.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.polynomial import Polynomial

SLOPE = 2.0
X_RANGE = (0.0, 5.0)


class Points(NamedTuple):
    x: np.ndarray
    y: np.ndarray


def sample(n: int, noise: float, seed: int) -> Points:
    """n points with x spread over X_RANGE and y = 2x + noise·N(0, 1)."""
    if n < 1:
        raise ValueError(f"need at least one point, not {n}")
    if noise < 0:
        raise ValueError(f"the noise must not be negative, not {noise}")
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(*X_RANGE, n))
    return Points(x, SLOPE * x + noise * rng.standard_normal(n))


def fit(points: Points, degree: int) -> Polynomial:
    """The least-squares polynomial of ``degree`` through the points (degree ≤ n − 1: with n − 1 it
    interpolates them exactly)."""
    if not 0 <= degree <= len(points.x) - 1:
        raise ValueError(f"a fit to {len(points.x)} points takes a degree from 0 to {len(points.x) - 1}, not {degree}")
    return Polynomial.fit(points.x, points.y, degree)


def mse(poly: Polynomial, points: Points) -> float:
    """Mean squared error of the fit on the points."""
    return float(np.mean((poly(points.x) - points.y) ** 2))
