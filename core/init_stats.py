"""Chapter 3's argument for better weight initialisation, for one neuron.

A neuron has n_in inputs, k of them on (xⱼ = 1) and the rest off (xⱼ = 0). Its weighted input
z = Σⱼ wⱼ xⱼ + b is a sum of k + 1 independent Gaussians, so it is Gaussian itself, with variance
k σ_w² + σ_b². With the book's first choice, weights and bias N(0, 1), 500 of 1000 inputs on give
sd √501 ≈ 22.4: |z| is almost always large, σ(z) is then near 0 or 1 and the neuron is saturated
(σ'(z) ≈ 0, it learns slowly). Weights N(0, 1/n_in) (sd 1/√n_in) give sd √(3/2) ≈ 1.22 instead.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from scipy.special import erfc

#: |z| beyond which σ(z) is outside [0.01, 0.99] (σ'(z) < 0.0099): "saturated"
SATURATED = math.log(99.0)

INITIALISATIONS = {
    "large": "weights N(0, 1)",  # chapter 1
    "default": "weights N(0, 1/n_in)",  # chapter 3: standard deviation 1/√n_in
}


class ZStats(NamedTuple):
    sd: float  # the standard deviation of z
    saturated: float  # the share of neurons with |z| > SATURATED (exact, from the Gaussian)
    samples: np.ndarray  # z of sampled neurons


def weight_sd(init: str, n_in: int) -> float:
    """The standard deviation of each weight under ``init`` ("large" or "default")."""
    if init not in INITIALISATIONS:
        raise ValueError(f"unknown initialisation {init!r}: choose {' or '.join(INITIALISATIONS)}")
    return 1.0 if init == "large" else 1.0 / math.sqrt(n_in)


def inputs_on(n_in: int, fraction_on: float) -> int:
    """How many of the n_in inputs are on."""
    if n_in < 1:
        raise ValueError(f"a neuron needs at least one input, not {n_in}")
    if not 0.0 <= fraction_on <= 1.0:
        raise ValueError(f"the fraction of inputs on must lie in [0, 1], not {fraction_on}")
    return int(round(n_in * fraction_on))


def z_sd(init: str, n_in: int, fraction_on: float) -> float:
    """sd(z) = √(k σ_w² + 1) for k inputs on and a N(0, 1) bias."""
    k = inputs_on(n_in, fraction_on)
    return math.sqrt(k * weight_sd(init, n_in) ** 2 + 1.0)


def saturated_share(sd: float, threshold: float = SATURATED) -> float:
    """P(|z| > threshold) for z ~ N(0, sd²): erfc(threshold / (sd √2))."""
    return float(erfc(threshold / (sd * math.sqrt(2.0))))


def z_stats(init: str, n_in: int, fraction_on: float, neurons: int = 4000, seed: int = 0) -> ZStats:
    """The spread of z and the saturated share, with the z of ``neurons`` sampled neurons (drawn
    from z's exact Gaussian distribution, which is what summing k weights and a bias gives)."""
    sd = z_sd(init, n_in, fraction_on)
    samples = np.random.default_rng(seed).standard_normal(neurons) * sd
    return ZStats(sd, saturated_share(sd), samples)
