"""Chapter 2's trace: the numbers of BP1-BP4 for one example, from the network's own layers."""
from __future__ import annotations

import numpy as np
import pytest

from core.backprop_trace import cost, gradient_step, numerical_gradient, tiny_network, trace
from core.network import Network

X, Y = np.array([0.7, -0.3]), np.array([1.0, 0.0])


def test_one_record_per_layer_with_plain_arrays_of_the_right_shapes():
    net = tiny_network((2, 3, 2), seed=1)
    records = trace(net, X, Y)
    assert len(records) == 2
    hidden, out = records
    assert hidden.z.shape == hidden.a.shape == hidden.delta.shape == hidden.nabla_b.shape == (3,)
    assert hidden.nabla_w.shape == (3, 2) and out.nabla_w.shape == (2, 3)
    assert np.array_equal(hidden.a_in, X) and np.array_equal(out.a_in, hidden.a)
    assert all(type(v) is np.ndarray for v in vars(hidden).values())


@pytest.mark.parametrize("sizes, cost_name", [((2, 3, 2), "quadratic"), ((4, 5, 4), "quadratic"),
                                              ((3, 4, 3, 2), "cross-entropy")])
def test_equals_network_backprop_and_the_four_equations(sizes, cost_name):
    net = tiny_network(sizes, seed=3, cost=cost_name)
    x = np.linspace(-1, 1, sizes[0])
    y = np.eye(sizes[-1])[0]
    records = trace(net, x, y)
    reference = net.copy()
    reference.backprop(reference.prepare(x[None]), y[None], training=False)
    for record, layer in zip(records, reference.dense_layers):
        np.testing.assert_array_equal(record.nabla_w, layer.grads["w"])
        np.testing.assert_array_equal(record.nabla_b, layer.grads["b"])
    for l, record in enumerate(records):
        np.testing.assert_allclose(record.z, record.w @ record.a_in + record.b, rtol=1e-12)  # forward
        np.testing.assert_allclose(record.a, 1 / (1 + np.exp(-record.z)), rtol=1e-12)
        np.testing.assert_allclose(record.nabla_b, record.delta)  # BP3
        np.testing.assert_allclose(record.nabla_w, np.outer(record.delta, record.a_in))  # BP4
        if l + 1 < len(records):  # BP2
            after = records[l + 1]
            np.testing.assert_allclose(record.delta, (after.w.T @ after.delta) * record.sigma_prime, rtol=1e-12)
    if cost_name == "quadratic":  # BP1
        out = records[-1]
        np.testing.assert_allclose(out.delta, (out.a - y) * out.sigma_prime, rtol=1e-12)


def test_every_gradient_agrees_with_a_central_difference_in_float64():
    net = tiny_network((3, 4, 2), seed=5)
    x, y = np.array([0.2, -0.9, 0.5]), np.array([0.0, 1.0])
    for l, record in enumerate(trace(net, x, y), 1):
        for j in range(record.w.shape[0]):
            assert numerical_gradient(net, x, y, l, j) == pytest.approx(record.nabla_b[j], abs=1e-8)
            for k in range(record.w.shape[1]):
                assert numerical_gradient(net, x, y, l, j, k) == pytest.approx(record.nabla_w[j, k], abs=1e-8)


def test_trace_and_check_leave_the_weights_alone():
    net = tiny_network(seed=2)
    before = [p.copy() for layer in net.layers for p in layer.params.values()]
    trace(net, X, Y)
    numerical_gradient(net, X, Y, 2, 1, 0)
    after = [p for layer in net.layers for p in layer.params.values()]
    assert all(np.array_equal(a, b) for a, b in zip(before, after))


def test_a_small_gradient_step_lowers_the_cost():
    net = tiny_network(seed=0)
    before = cost(net, X, Y)
    expected = [(r.w - 0.5 * r.nabla_w, r.b - 0.5 * r.nabla_b) for r in trace(net, X, Y)]
    gradient_step(net, X, Y, 0.5)
    assert cost(net, X, Y) < before
    for (w, b), layer in zip(expected, net.dense_layers):
        np.testing.assert_allclose(layer.params["w"], w)
        np.testing.assert_allclose(layer.params["b"], b)


def test_bad_networks_and_targets_are_refused():
    from core.conv import Conv2D
    from core.layers import Dense, Flatten

    with pytest.raises(ValueError, match="outputs"):
        trace(tiny_network(), X, [1.0, 0.0, 0.0])
    conv = Network([Conv2D(2, 3), Flatten(), Dense(2)], input_shape=(1, 5, 5), dtype=np.float64)
    with pytest.raises(ValueError, match="fully connected"):
        trace(conv, np.zeros(25), [1.0, 0.0])
