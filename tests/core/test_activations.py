"""Activations on large arrays (the paths the gradient checks, on small nets, do not reach)."""
from __future__ import annotations

import warnings

import numpy as np
from scipy.special import expit

from core import activations


def test_sigmoid_of_a_large_array_matches_expit_without_warnings():
    z = np.linspace(-120, 120, 100_001).astype(np.float32)
    assert z.size >= activations.LARGE
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e^(−z) overflows for z < −88: no RuntimeWarning may escape
        a = activations.get("sigmoid")(z)
    want = expit(z.astype(np.float64))
    assert a.dtype == np.float32
    moderate = z > -80
    np.testing.assert_allclose(a[moderate], want[moderate], rtol=1e-6)
    assert np.all(a[~moderate] < 1e-34) and a[0] == 0 and a[-1] == 1
    out = np.empty_like(z)
    assert activations.get("sigmoid")(z, out=out) is out


def test_relu_backward_passes_the_gradient_only_where_z_is_positive():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((20, 12, 12, 10)).astype(np.float32)
    z[0, 0, 0, 0] = 0.0  # the derivative at 0 is taken as 0
    grad = rng.standard_normal(z.shape).astype(np.float32)
    relu = activations.get("relu")
    got = relu.backward(z, relu(z), grad.copy())
    np.testing.assert_array_equal(got, np.where(z > 0, grad, 0))
