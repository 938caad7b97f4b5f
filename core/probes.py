"""What the views look at: activations and feature maps, per-layer gradient sizes (chapter 5's speed
of learning), saturation statistics, and input saliency.

Every probe runs the network in inference mode (no dropout) and leaves its weights untouched; probes
that backpropagate do so on a copy of the network, so they are safe to call on a network that the GUI
shows while another copy trains.
"""
from __future__ import annotations

import numpy as np

from core.layers import Dense, Layer
from core.network import Network


def activations(net: Network, images: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Each layer's output for ``images``, in order, as (label, array (n, ...)) pairs: the hidden
    activations of an MLP, the feature maps (n, channels, h, w) of a CNN."""
    x = net.prepare(images)
    out = []
    for i, layer in enumerate(net.layers):
        x = layer.forward(x, training=False)
        out.append((f"{i}: {layer.describe()}", x.copy()))
    return out


def hidden_param_layers(net: Network) -> list[Layer]:
    """Layers with biases, except the output layer: chapter 5's "hidden layers"."""
    return [l for l in net.layers[:-1] if "b" in l.params]


def gradient_norms(net: Network, images: np.ndarray | None = None, labels: np.ndarray | None = None, *,
                   m: int | None = None, weights: bool = True) -> dict:
    """For every layer with parameters (output included): ‖∂C/∂bˡ‖ = ‖mean δˡ‖ (``"delta"``, BP3),
    ‖∂C/∂wˡ‖ (``"w"``, BP4; NaN unless ``weights``) and the layer's description (``"labels"``), for C
    the mean cost over some examples (no regularisation term):

    - ``images`` and ``labels``: a forward and backward pass over them (inference mode: no dropout,
      batch norm with its running statistics) on a copy of ``net``;
    - else the ``m`` examples of the mini-batch that ``net`` was last trained on: read from what that
      step left in its layers (cheap enough to call after every mini-batch; nothing is run).

    The gradients in ``layer.grads`` are sums over the examples, hence the division by their number.
    A weight gradient is measured without being formed where that is cheaper (``Gradients.norm``).
    """
    if images is not None:
        net = net.copy()
        x = net.prepare(images)
        net.backprop(x, net.one_hot(labels), training=False)
        m = len(x)
    if not m:
        raise ValueError("gradient_norms needs images and labels, or the size m of the last mini-batch")
    layers = [l for l in net.layers if l.params]
    return {"delta": np.array([l.grads.norm("b") for l in layers]) / m,
            "w": np.array([l.grads.norm("w") for l in layers]) / m if weights else np.full(len(layers), np.nan),
            "labels": [l.describe() for l in layers]}


def layer_speeds(net: Network, images: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Chapter 5's speed of learning of each hidden layer: ‖∂C/∂bˡ‖ = ‖mean over the examples of δˡ‖
    (BP3), for C the mean cost over the given examples. One value per hidden layer, input side first."""
    return gradient_norms(net, images, labels, weights=False)["delta"][:-1]


def saturation(net: Network, images: np.ndarray) -> list[dict[str, np.ndarray]]:
    """Per dense layer (output excluded): the values of σ'(zˡ) over the examples and neurons, and of
    |wˡ⁺¹ⱼₖ σ'(zˡₖ)|, the factors by which BP2 multiplies the error on its way back through the layer
    (chapter 5: for sigmoid neurons σ' ≤ 1/4, so these are usually below 1 and the gradient shrinks)."""
    x = net.prepare(images)
    net.feedforward(x, training=False)
    dense = [l for l in net.layers if isinstance(l, Dense)]
    out = []
    for layer, following in zip(dense[:-1], dense[1:]):
        sp = layer.activation.prime(layer.z, layer.a) if layer.activation.elementwise else np.ones_like(layer.z)
        mean_sp = sp.mean(axis=0)  # (n_out,)
        factors = np.abs(following.params["w"] * mean_sp[None, :])  # |w_jk σ'(z_k)|
        out.append({"sigma_prime": sp.ravel().copy(), "weighted": factors.ravel().copy(), "label": layer.describe()})
    return out


def _output_gradient(probe: Network, a: np.ndarray, outputs, of: str) -> np.ndarray:
    """∂(output j)/∂(the output layer's input), for each row of ``a``: j is the top output unless
    ``outputs`` says otherwise. ``of="output"`` differentiates the activation aᴸⱼ; ``of="score"`` its
    weighted input zᴸⱼ (the class score before softmax, which a confident softmax output flattens:
    at aᴸⱼ = 1.0 in float32, ∂aᴸⱼ/∂x is 0 however the pixels matter)."""
    if of not in ("output", "score"):
        raise ValueError(f"of must be 'output' or 'score', not {of!r}")
    j = a.argmax(axis=1) if outputs is None else np.asarray(outputs)
    grad = np.zeros_like(a)
    grad[np.arange(len(a)), j] = 1
    out = probe.output_layer
    if of == "output":
        grad = out.activation.backward(out.z, out.a, grad)  # through σ (or softmax's Jacobian)
    return out.backward_delta(grad, need_input_grad=True)


def saliency(net: Network, images: np.ndarray, outputs: np.ndarray | None = None,
             of: str = "output") -> np.ndarray:
    """∂aᴸⱼ/∂x for each image: how much each input pixel moves output j (by default the top output);
    with ``of="score"``, ∂zᴸⱼ/∂x (see :func:`_output_gradient`).

    Returns (n, 28, 28)-shaped gradients (the input's shape) in the network's dtype. Backpropagates
    e_j through the output layer, then BP2 all the way to the input.
    """
    probe = net.copy()
    x = probe.prepare(images)
    a = probe.feedforward(x, training=False)
    grad = _output_gradient(probe, a, outputs, of)
    for layer in reversed(probe.layers[:-1]):
        grad = layer.backward(grad, need_input_grad=True)
    return grad.reshape(np.shape(images)) if np.size(images) == grad.size else grad


def contributions(net: Network, images: np.ndarray, outputs: np.ndarray | None = None,
                  of: str = "output") -> list[np.ndarray]:
    """How much each neuron of each layer (the output layer excepted) pushes output j (by default
    the top output): its activation times ∂aᴸⱼ/∂(that activation), "gradient × activation".

    For the last hidden layer of an MLP this is aₖ wⱼₖ σ'(zᴸⱼ): neuron k's term in zᴸⱼ = Σₖ wⱼₖ aₖ + bⱼ,
    scaled by the output's slope. One array per layer, shaped like that layer's output (n, ...).
    """
    return explain(net, images, outputs, of)["contributions"]


def explain(net: Network, images: np.ndarray, outputs: np.ndarray | None = None, of: str = "output") -> dict:
    """Everything the Draw tab shows about why the network reads ``images`` as it does, from one
    forward and one backward pass (on a copy of the network):

    ``"activations"`` (each layer's output, as :func:`activations`), ``"output"`` (n, 10),
    ``"contributions"`` (as :func:`contributions`) and ``"saliency"`` (as :func:`saliency`), all of
    output j's activation or, with ``of="score"``, of its score zᴸⱼ.
    """
    probe = net.copy()
    acts = [o for _, o in activations(probe, images)]  # the forward pass, caching what backward needs
    a = acts[-1]
    grad = _output_gradient(probe, a, outputs, of)
    contribs: list[np.ndarray] = [np.empty(0)] * (len(probe.layers) - 1)
    for i in range(len(probe.layers) - 2, -1, -1):  # here grad is ∂aᴸⱼ/∂(output of layer i)
        contribs[i] = acts[i] * grad
        grad = probe.layers[i].backward(grad, need_input_grad=True)  # BP2, one layer back
    saliency_ = grad.reshape(np.shape(images)) if np.size(images) == grad.size else grad
    return {"activations": acts[:-1], "output": a, "contributions": contribs, "saliency": saliency_}


def first_layer_weight_images(net: Network) -> np.ndarray | None:
    """The first dense layer's weights as images (n_hidden, 28, 28), when it reads the raw pixels."""
    first = net.layers[0]
    if isinstance(first, Dense) and first.n_in == 784:
        return first.params["w"].reshape(-1, 28, 28)
    return None
