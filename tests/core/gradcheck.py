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


def check_network(net: Network, x: np.ndarray, y: np.ndarray, training: bool = False, reseed=None,
                  eps: float = 1e-6, max_entries: int = 60, seed: int = 0) -> float:
    """The worst relative error (absolute below 1e-9: rounding at ε = 1e-6) between backprop's ∂C/∂p (C the mean cost over the batch) and
    (C(p + ε) − C(p − ε)) / 2ε, over up to ``max_entries`` entries of every parameter."""
    assert net.dtype == np.float64
    if reseed is not None:
        reseed()
    net.backprop(x, y, training=training)
    # read every parameter's gradient by name: a dense layer forms its weight gradient when read
    analytic = {(i, k): l.grads[k] / len(x) for i, l in enumerate(net.layers) for k in l.params}
    rng = np.random.default_rng(seed)
    worst = 0.0
    for (i, k), grad in analytic.items():
        p = net.layers[i].params[k]
        flat = p.reshape(-1)
        picks = rng.choice(flat.size, size=min(max_entries, flat.size), replace=False)
        for j in picks:
            old = flat[j]
            flat[j] = old + eps
            up = mean_cost(net, x, y, training, reseed)
            flat[j] = old - eps
            down = mean_cost(net, x, y, training, reseed)
            flat[j] = old
            numeric = (up - down) / (2 * eps)
            exact = grad.reshape(-1)[j]
            worst = max(worst, abs(numeric - exact) / max(1e-4, abs(numeric) + abs(exact)))
    return worst


def check_input_gradient(net: Network, x: np.ndarray, y: np.ndarray, eps: float = 1e-6, max_entries: int = 40) -> float:
    """The same check for ∂C/∂x, the gradient backprop carries to the input (used by saliency)."""
    net.feedforward(x)
    out = net.output_layer
    delta = net.cost.delta(out.z, out.a, y, out.activation)
    grad = out.backward_delta(delta, need_input_grad=True)
    for layer in reversed(net.layers[:-1]):
        grad = layer.backward(grad, need_input_grad=True)
    grad = grad / len(x)
    rng = np.random.default_rng(1)
    flat = x.reshape(-1)
    worst = 0.0
    for j in rng.choice(flat.size, size=min(max_entries, flat.size), replace=False):
        old = flat[j]
        flat[j] = old + eps
        up = mean_cost(net, x, y, False, None)
        flat[j] = old - eps
        down = mean_cost(net, x, y, False, None)
        flat[j] = old
        numeric = (up - down) / (2 * eps)
        exact = grad.reshape(-1)[j]
        worst = max(worst, abs(numeric - exact) / max(1e-4, abs(numeric) + abs(exact)))
    return worst
