"""Numerical gradient checking: backprop's gradients against central differences, in float64."""
from __future__ import annotations

import numpy as np

from core.network import Network


def mean_cost(net: Network, x: np.ndarray, y: np.ndarray, training: bool, reseed) -> float:
    if reseed is not None:
        reseed()
    a = net.feedforward(x, training)
    out = net.output_layer
    return net.cost.value(out.z, a, y, out.activation) / len(x)


def worst_error(values: np.ndarray, exact: np.ndarray, cost, rng: np.random.Generator, eps: float,
                max_entries: int) -> float:
    """Perturb up to ``max_entries`` entries of ``values`` (in place, restored after) and compare
    (C(v + ε) − C(v − ε)) / 2ε with ``exact``: the worst relative error, with errors below 1e-9 in
    absolute terms (rounding at ε = 1e-6) counted as 0-ish."""
    flat, exact = values.reshape(-1), exact.reshape(-1)
    worst = 0.0
    for j in rng.choice(flat.size, size=min(max_entries, flat.size), replace=False):
        old = flat[j]
        flat[j] = old + eps
        up = cost()
        flat[j] = old - eps
        down = cost()
        flat[j] = old
        numeric = (up - down) / (2 * eps)
        worst = max(worst, abs(numeric - exact[j]) / max(1e-4, abs(numeric) + abs(exact[j])))
    return worst


def check_network(net: Network, x: np.ndarray, y: np.ndarray, training: bool = False, reseed=None,
                  eps: float = 1e-6, max_entries: int = 60, seed: int = 0) -> float:
    """The worst relative error between backprop's ∂C/∂p (C the mean cost over the batch) and central
    differences, over up to ``max_entries`` entries of every parameter."""
    assert net.dtype == np.float64
    if reseed is not None:
        reseed()
    net.backprop(x, y, training=training)
    # read every parameter's gradient by name: a dense layer forms its weight gradient when read
    analytic = {(i, k): l.grads[k] / len(x) for i, l in enumerate(net.layers) for k in l.params}
    rng = np.random.default_rng(seed)
    return max(worst_error(net.layers[i].params[k], grad, lambda: mean_cost(net, x, y, training, reseed), rng, eps,
                           max_entries) for (i, k), grad in analytic.items())


def check_input_gradient(net: Network, x: np.ndarray, y: np.ndarray, eps: float = 1e-6, max_entries: int = 40) -> float:
    """The same check for ∂C/∂x, the gradient backprop carries to the input (used by saliency)."""
    net.feedforward(x)
    out = net.output_layer
    delta = net.cost.delta(out.z, out.a, y, out.activation)
    grad = out.backward_delta(delta, need_input_grad=True)
    for layer in reversed(net.layers[:-1]):
        grad = layer.backward(grad, need_input_grad=True)
    return worst_error(x, grad / len(x), lambda: mean_cost(net, x, y, False, None), np.random.default_rng(1), eps,
                       max_entries)
