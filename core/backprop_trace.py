"""Chapter 2, one example at a time: every number backpropagation computes, layer by layer.

:func:`trace` runs the network's own forward and backward passes (``Network.backprop``, i.e. each
``Dense`` layer's ``forward`` and ``backward``) on a single example and copies out what each layer
computed, so that a view can show the four equations with the actual numbers in them:

- forward   zˡ = wˡ aˡ⁻¹ + bˡ,  aˡ = σ(zˡ)          (chapter 2, equation 25)
- BP1       δᴸ = ∇ₐC ⊙ σ'(zᴸ)
- BP2       δˡ = ((wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ'(zˡ)
- BP3       ∂C/∂bˡⱼ = δˡⱼ
- BP4       ∂C/∂wˡⱼₖ = aˡ⁻¹ₖ δˡⱼ

The numbers are column vectors in the book and plain 1-D arrays here. :func:`numerical_gradient`
is the check beside BP4: a central difference of the cost, computed by the network's feedforward.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.layers import Dense, Dropout
from core.network import Network


@dataclass(frozen=True)
class LayerTrace:
    """What layer ``l`` (1 = the first hidden layer) computed for one example; plain arrays."""

    a_in: np.ndarray  # aˡ⁻¹ (n_in,): the layer's input (the example itself for layer 1)
    w: np.ndarray  # wˡ (n_out, n_in), as the book: w[j, k] joins input k to neuron j
    b: np.ndarray  # bˡ (n_out,)
    z: np.ndarray  # zˡ = wˡ aˡ⁻¹ + bˡ
    a: np.ndarray  # aˡ = σ(zˡ)
    sigma_prime: np.ndarray  # σ'(zˡ)
    delta: np.ndarray  # δˡ = ∂C/∂zˡ (BP1 for the output layer, BP2 for the others)
    nabla_w: np.ndarray  # ∂C/∂wˡ = δˡ (aˡ⁻¹)ᵀ (BP4), (n_out, n_in)
    nabla_b: np.ndarray  # ∂C/∂bˡ = δˡ (BP3)


def dense_layers(network: Network) -> list[Dense]:
    """The network's dense layers; ValueError if it has any layer :func:`trace` cannot show."""
    if not all(isinstance(layer, (Dense, Dropout)) for layer in network.layers):
        raise ValueError("a backpropagation trace needs a fully connected network (dense layers only)")
    return network.dense_layers


def _example(network: Network, x, y) -> tuple[np.ndarray, np.ndarray]:
    x = network.prepare(np.asarray(x, dtype=np.float64).reshape(1, -1))
    y = np.asarray(y, dtype=network.dtype).reshape(1, -1)
    if y.shape[1] != network.output_shape[0]:
        raise ValueError(f"the target has {y.shape[1]} values but the network has {network.output_shape[0]} outputs")
    return x, y


def trace(network: Network, x, y) -> list[LayerTrace]:
    """One record per dense layer, first hidden layer first, for the example ``x`` (n_in values) with
    target ``y`` (n_out values), made by running ``network``'s own layers. The network's weights are
    left as they were (its layers keep this example's forward and backward caches)."""
    layers = dense_layers(network)
    x, y = _example(network, x, y)
    network.backprop(x, y, training=False)  # forward through every layer, then BP1, BP2 back to layer 1
    records = []
    for layer in layers:
        z, a = layer.z[0].copy(), layer.a[0].copy()
        records.append(LayerTrace(
            a_in=layer.x[0].copy(), w=layer.params["w"].copy(), b=layer.params["b"].copy(), z=z, a=a,
            sigma_prime=layer.activation.prime(z, a), delta=layer.delta[0].copy(),
            nabla_w=np.array(layer.grads["w"]), nabla_b=np.array(layer.grads["b"])))
    return records


def cost(network: Network, x, y) -> float:
    """C for the one example (x, y): the network's cost of its feedforward output."""
    x, y = _example(network, x, y)
    out = network.output_layer
    a = network.feedforward(x)
    return network.cost.value(out.z, a, y, out.activation)


def numerical_gradient(network: Network, x, y, layer: int, j: int, k: int | None = None,
                       eps: float = 1e-6) -> float:
    """(C(p + ε) − C(p − ε)) / 2ε for one parameter p of dense layer ``layer`` (1 = first hidden):
    the weight wˡⱼₖ, or the bias bˡⱼ when ``k`` is None. The parameter is restored afterwards. Use a
    float64 network (``network.astype(np.float64)``) for a check to 1e-6."""
    dense = dense_layers(network)[layer - 1]
    params, index = (dense.params["b"], (j,)) if k is None else (dense.params["w"], (j, k))
    kept = params[index]
    try:
        params[index] = kept + eps
        up = cost(network, x, y)
        params[index] = kept - eps
        down = cost(network, x, y)
    finally:
        params[index] = kept
    return (up - down) / (2 * eps)


def gradient_step(network: Network, x, y, eta: float) -> None:
    """One step of gradient descent on the one example, in place: w → w − η ∂C/∂w, b → b − η ∂C/∂b
    (chapter 1, equations 20 and 21), with the gradients of :func:`trace`."""
    for record, dense in zip(trace(network, x, y), dense_layers(network)):
        dense.params["w"] -= eta * record.nabla_w
        dense.params["b"] -= eta * record.nabla_b


def tiny_network(sizes=(2, 3, 2), seed: int = 0, cost: str = "quadratic") -> Network:
    """The page's network: sigmoid layers of ``sizes``, weights and biases N(0, 1) from ``seed``
    (chapter 1's initialisation, so the numbers are of a size one can read), float64."""
    return Network.mlp(list(sizes), activation="sigmoid", cost=cost, init="large", seed=seed, dtype=np.float64)
