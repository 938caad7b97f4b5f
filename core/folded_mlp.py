"""The fast path for the book's fully connected networks (chapters 1 and 3): one SGD step in as few
NumPy calls as the mathematics allows.

At mini-batch 10 a step of ``ch1`` is ~235,000 multiply-adds per product, so most of its time is the
fixed cost of each call. Two changes of representation remove calls without changing the result:

- **Biases folded into the weights.** Each layer's ``[w | b]`` is one (n_out, n_in + 1) matrix, and
  each activation gets a row of ones, so z = w a + b is one product and the update of w and b (BP3
  and BP4 together) is one ``gemm``: [w | b] ← [w | b] − (η/m) δ [a; 1]ᵀ.
- **One example per column**, like the book's network.py: z = [w | b] [a; 1] is (n_out, m), and the
  products multiply the tall 784-wide matrix from the left, the faster order for OpenBLAS here.

The results are those of ``core.steps.GeneralStep`` (the same BP1–BP4 and the same L2 rule,
w ← (1 − ηλ/n) w − (η/m) Σ δ aᵀ, biases not regularised), up to rounding;
``tests/core/test_folded_mlp.py`` checks that. After each mini-batch every layer is left as the
general step leaves it (``x``, ``z``, ``a``, ``delta``, lazily formed ``grads``), so that probes may
read a mini-batch's gradients while training runs.

Who owns the weights: :class:`FoldedStep` does, for the length of a run. It copies each layer's w and b
into its [w | b] matrix and, while the run lasts, the layer's ``params["w"]`` and ``params["b"]`` are
views of that matrix, so every reader (the live views, the trainer's snapshots, a restore after
divergence) sees and writes the live values. :meth:`FoldedStep.close`, which the trainer calls however
the run ends, copies the trained values into the layer's own contiguous arrays and puts those back:
after a run the layers hold the same array objects as before it, and nothing else has to repair them.
"""
from __future__ import annotations

import numpy as np
from scipy.linalg import get_blas_funcs

from core.activations import HIDDEN_ACTIVATIONS
from core.layers import Dense

MAX_IMAGES = 100_000  # the fast path keeps its own copy of the training inputs (with a column of ones)


def applies(net, config, n_train: int) -> bool:
    """Whether ``net`` trained with ``config`` can take the fast path: dense layers only, element-wise
    hidden activations, plain SGD with L2 or no regularisation, no augmentation, and a training set
    small enough to copy."""
    layers = net.layers
    return (
        len(layers) >= 1
        and all(type(layer) is Dense for layer in layers)
        and all(layer.activation.name in HIDDEN_ACTIVATIONS for layer in layers[:-1])
        and not config.momentum
        and config.regularization == "l2"  # λ may change while the run goes on
        and config.augment == "none"
        and n_train <= MAX_IMAGES
        and net.dtype in (np.float32, np.float64)
    )


class FoldedStep:
    """Trains the dense layers of ``net`` on ``x`` (n, n_in) with one-hot ``y`` (n, n_out), one
    mini-batch per call (the ``core.steps.Step`` interface)."""

    def __init__(self, net, x: np.ndarray, y: np.ndarray):
        self.net = net
        self.layers: list[Dense] = list(net.layers)
        dtype = net.dtype
        self.n, n_in = x.shape
        self.x1 = np.empty((self.n, n_in + 1), dtype)  # [x | 1] per image
        self.x1[:, :n_in], self.x1[:, n_in] = x, 1
        self.y_t = np.ascontiguousarray(y.T)  # one target per column, so that y matches a's layout
        self.own = [(layer.params["w"], layer.params["b"]) for layer in self.layers]  # back at close()
        self.folded = []  # per layer: [w | b], (n_out, n_in + 1)
        for layer, (w, b) in zip(self.layers, self.own):
            wb = np.empty((w.shape[0], w.shape[1] + 1), dtype)
            wb[:, :-1], wb[:, -1] = w, b
            layer.params["w"], layer.params["b"] = wb[:, :-1], wb[:, -1]  # views: the layer reads live values
            self.folded.append(wb)
        # the views each step uses, made once: w, wᵀ (for BP2) and [w | b]ᵀ (BLAS's view of wb)
        self._views = [(wb[:, :-1], wb[:, :-1].T, wb.T) for wb in self.folded]
        self._gemm = get_blas_funcs("gemm", dtype=dtype)
        self._buffers: dict[int, list[tuple]] = {}  # per mini-batch size, see _hidden_buffers

    def __call__(self, idx: np.ndarray, eta: float, lmbda: float) -> float:
        """The mini-batch of rows ``idx``, gathered as [x | 1] (m, n_in + 1) and its targets (m, n_out).
        (Gathered one mini-batch at a time: it is then still in the cache for the products; gathering
        1,000 images at once measured 8 % slower.)"""
        m = len(idx)
        return self._train(self.x1.take(idx, axis=0), self.y_t.take(idx, axis=1).T, eta / m, eta * lmbda / self.n)

    def close(self) -> None:
        """Copy the trained [w | b] into each layer's own w and b and give the layer those arrays back."""
        for layer, wb, (w, b) in zip(self.layers, self.folded, self.own):
            w[...], b[...] = wb[:, :-1], wb[:, -1]
            layer.params["w"], layer.params["b"] = w, b
        self.own, self.folded = [], []

    def _hidden_buffers(self, m: int) -> list[tuple]:
        """Per hidden layer, a (n_out + 1, m) buffer for [a; 1] (its last row all ones) and the views
        of it that the step uses: a, and aᵀ and [a; 1]ᵀ (one example per row)."""
        buffers = self._buffers.get(m)
        if buffers is None:
            buffers = []
            for layer in self.layers[:-1]:
                buf = np.empty((layer.n_out + 1, m), self.net.dtype)
                buf[-1] = 1
                buffers.append((buf, buf[:-1], buf[:-1].T, buf.T))
            self._buffers[m] = buffers
        return buffers

    def _train(self, x1: np.ndarray, y: np.ndarray, step: float, decay: float) -> float:
        """One mini-batch, [x | 1] (m, n_in + 1) and y (m, n_out) laid out like the output activations:
        forward, BP1–BP4 and the update with step = η/m and decay = ηλ/n (L2). Returns the sum over the
        mini-batch of the cost, before the update (as :meth:`Network.backprop` does)."""
        m = len(x1)
        layers, folded, gemm = self.layers, self.folded, self._gemm
        buffers = self._hidden_buffers(m)
        a_in = x1.T  # [a; 1] entering the layer, one example per column
        # forward through the hidden layers: z = [w | b] [a; 1], a = σ(z)
        for layer, wb, (buf, a, a_rows, _) in zip(layers, folded, buffers):
            z = wb @ a_in
            layer.activation(z, out=a)
            layer.z, layer.a = z.T, a_rows
            a_in = buf
        out = layers[-1]
        z = folded[-1] @ a_in
        a = out.activation(z.T)  # (m, n_out): the output activation and the cost work one example per row
        out.z, out.a = z.T, a
        cost_sum, delta = self.net.cost.value_and_delta(out.z, a, y, out.activation)  # BP1
        # backward, from the output layer down: BP2 with the weights before this step's update, then the
        # update (BP3 and BP4 in one product): [w | b]ᵀ ← [w | b]ᵀ − (η/m) [a; 1] δᵀ, after w ← (1 − ηλ/n) w
        # (the biases are not regularised). BLAS is column-major: [w | b]ᵀ is the C-ordered wb, and every
        # operand goes in the order that BLAS reads without a copy.
        delta = delta.T  # one example per column, (n_out, m)
        buffers = self._buffers[m]
        for i in range(len(layers) - 1, -1, -1):
            layer, (w, w_t, wb_t) = layers[i], self._views[i]
            delta_rows = delta.T  # (m, n_out)
            if i:
                below = layers[i - 1]
                _, a_below, _, inputs_rows = buffers[i - 1]
                delta = below.activation.backward(below.z.T, a_below, w_t @ delta)  # BP2: (wᵀδ) ⊙ σ'(z)
                if decay:
                    w *= 1 - decay
                gemm(-step, inputs_rows, delta_rows, beta=1.0, c=wb_t, trans_a=1, overwrite_c=1)
                layer.x = below.a
            else:
                if decay:
                    w *= 1 - decay
                gemm(-step, x1.T, delta_rows, beta=1.0, c=wb_t, overwrite_c=1)
                layer.x = x1[:, :-1]
            layer.delta = delta_rows
            layer.grads.clear()  # formed from x and delta when a probe reads them
        return cost_sum
