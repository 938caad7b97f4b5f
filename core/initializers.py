"""Weight initialisers, by name.

- ``large``: the book's chapter 1 choice, weights and biases N(0, 1).
- ``default``: chapter 3's improvement, weights N(0, 1/n_in) (standard deviation 1/√n_in) so that
  z = Σ w x + b is not saturated from the start; biases stay N(0, 1).
- ``he``: weights N(0, 2/n_in), biases 0 (beyond the book; suits ReLU layers).
- ``zero``: everything 0 (network3 starts its softmax layer like this).

``n_in`` is the fan-in: the inputs one neuron (or one filter position) sees.
"""
from __future__ import annotations

import numpy as np

from core.errors import FieldError

INITIALIZERS = ("large", "default", "he", "zero")


def check(name: str) -> str:
    if name not in INITIALIZERS:
        raise FieldError("init", f"unknown initialiser {name!r}: choose one of {', '.join(INITIALIZERS)}")
    return name


def weights(name: str, shape: tuple[int, ...], fan_in: int, rng: np.random.Generator, dtype) -> np.ndarray:
    check(name)
    if name == "zero":
        return np.zeros(shape, dtype)
    std = {"large": 1.0, "default": 1 / np.sqrt(fan_in), "he": np.sqrt(2 / fan_in)}[name]
    return (rng.standard_normal(shape) * std).astype(dtype)


def biases(name: str, shape: tuple[int, ...], rng: np.random.Generator, dtype) -> np.ndarray:
    check(name)
    if name in ("zero", "he"):
        return np.zeros(shape, dtype)
    return rng.standard_normal(shape).astype(dtype)
