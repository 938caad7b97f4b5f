"""Convolutional layers (chapter 6): Conv2D, MaxPool2D, and ConvPool2D, network3's fused layer.

Layers exchange batch-first tensors, (m, channels, height, width). Inside, the convolutional layers
keep their arrays batch-last in memory, (channels, height, width, m), and hand them on as
(m, channels, height, width) views, so that consecutive layers never transpose. With the batch
innermost, every strided copy below moves runs of (width × m) contiguous numbers, not runs of a few.

Convolution is one matrix product over patches ("im2col"): the f×f patches of every position and
example become the columns of one matrix, gathered by one copy of a strided (sliding-window) view, so
z = w · patches is a single GEMM (or a few, see :mod:`core.matmul`), and so are ∂C/∂w and
∂C/∂(patches) going back.

Like network3 (and Theano's ``conv2d``), "convolution" is cross-correlation with valid borders and
stride 1: z[n, k, i, j] = b[k] + Σ_c Σ_p Σ_q w[k, c, p, q] · x[n, c, i + p, j + q].
"""
from __future__ import annotations

import numpy as np

from core import activations, initializers
from core.errors import FieldError
from core.layers import Layer
from core.matmul import matmul


def batch_last(x: np.ndarray) -> np.ndarray:
    """x (m, c, h, w) as a C-contiguous (c, h, w, m) array (no copy when it already is one underneath)."""
    return np.ascontiguousarray(x.transpose(1, 2, 3, 0))


def batch_first(x: np.ndarray) -> np.ndarray:
    """The (m, c, h, w) view of a batch-last (c, h, w, m) array."""
    return x.transpose(3, 0, 1, 2)


def im2col(x: np.ndarray, f: int) -> np.ndarray:
    """Patches of a batch-last x (c, h, w, m) as a (c·f·f, h'·w'·m) matrix, h' = h − f + 1:
    row (c, p, q) holds x[c, p:p + h', q:q + w', :]."""
    c, h, w, m = x.shape
    ho, wo = h - f + 1, w - f + 1
    x = np.ascontiguousarray(x)
    sc, sh, sw, sm = x.strides
    # the view windows[c, p, q, i, j, n] = x[c, i + p, j + q, n] (what sliding_window_view makes, without
    # its ~50 µs of checks per call); it reads only inside x
    windows = np.ndarray((c, f, f, ho, wo, m), x.dtype, x, 0, (sc, sh, sw, sh, sw, sm))
    cols = np.empty((c, f, f, ho, wo, m), dtype=x.dtype)
    np.copyto(cols, windows)  # one copy; runs of w'·m contiguous numbers
    return cols.reshape(c * f * f, ho * wo * m)


def col2im(dcols: np.ndarray, shape: tuple[int, int, int, int], f: int) -> np.ndarray:
    """The adjoint of :func:`im2col`: add each patch's gradient back where the patch came from.
    ``shape`` is the batch-last input shape (c, h, w, m); returns that shape."""
    c, h, w, m = shape
    ho, wo = h - f + 1, w - f + 1
    d = dcols.reshape(c, f, f, ho, wo, m)
    dx = np.zeros(shape, dtype=dcols.dtype)
    for p in range(f):
        for q in range(f):
            dx[:, p:p + ho, q:q + wo] += d[:, p, q]
    return dx


def pool_forward(z: np.ndarray, s: int) -> tuple[np.ndarray, np.ndarray]:
    """Max over non-overlapping s×s blocks of a batch-last z (c, h, w, m); a border that does not fill
    a block is dropped (network3's ``ignore_border``). Rows are pooled first, then columns; returns
    the result (c, h/s, w/s, m) and the row-pooled intermediate, which :func:`pool_masks` needs."""
    c, h, w, m = z.shape
    ho, wo = h // s, w // s
    rows = z[:, :ho * s].reshape(c, ho, s, w, m)
    r = _block_max(rows, 2)
    cols = r[:, :, :wo * s].reshape(c, ho, wo, s, m)
    return _block_max(cols, 3), r


def _part(parts: np.ndarray, axis: int, t: int) -> np.ndarray:
    """The view parts[..., t, ...] with t at ``axis``."""
    return parts[(slice(None),) * axis + (t,)]


def _block_max(parts: np.ndarray, axis: int) -> np.ndarray:
    """The maximum over ``axis`` (the offsets within a block)."""
    if parts.shape[axis] == 1:
        return _part(parts, axis, 0).copy()
    best = np.maximum(_part(parts, axis, 0), _part(parts, axis, 1))
    for t in range(2, parts.shape[axis]):
        np.maximum(best, _part(parts, axis, t), out=best)
    return best


def pool_masks(z: np.ndarray, r: np.ndarray, out: np.ndarray, s: int):
    """Which input won each block of :func:`pool_forward` (the first one on ties, so that a block
    passes its gradient to exactly one input): boolean masks per offset, for rows then columns.
    Computed only when backpropagating."""
    c, h, w, m = z.shape
    ho, wo = h // s, w // s
    rows = z[:, :ho * s].reshape(c, ho, s, w, m)
    cols = r[:, :, :wo * s].reshape(c, ho, wo, s, m)
    return _first_max_masks(rows, r, 2), _first_max_masks(cols, out, 3)


def _first_max_masks(parts: np.ndarray, best: np.ndarray, axis: int) -> list[np.ndarray]:
    """For each offset t along ``axis``: where parts[..t..] is the maximum and no earlier offset was."""
    if parts.shape[axis] == 2:  # 2×2 pooling: one comparison, the first offset wins ties
        first = _part(parts, axis, 0) >= _part(parts, axis, 1)
        return [first, ~first]
    masks, free = [], np.ones(best.shape, bool)
    for t in range(parts.shape[axis]):
        hit = _part(parts, axis, t) == best
        hit &= free
        free &= ~hit
        masks.append(hit)
    return masks


def pool_backward(grad: np.ndarray, masks, shape: tuple[int, int, int, int], s: int) -> np.ndarray:
    """Route each block's gradient (batch-last grad (c, h/s, w/s, m)) to the input that was its
    maximum; zeros elsewhere. Returns the batch-last input shape."""
    c, h, w, m = shape
    ho, wo = h // s, w // s
    row_masks, col_masks = masks
    g_rows = (np.empty if w == wo * s else np.zeros)((c, ho, w, m), grad.dtype)
    _route(grad, col_masks, g_rows[:, :, :wo * s].reshape(c, ho, wo, s, m), 3)
    dz = (np.empty if h == ho * s else np.zeros)(shape, grad.dtype)
    _route(g_rows, row_masks, dz[:, :ho * s].reshape(c, ho, s, w, m), 2)
    return dz


def _route(grad: np.ndarray, masks, parts: np.ndarray, axis: int) -> None:
    """parts[..t..] = grad where offset t won, 0 elsewhere (every element of ``parts`` written)."""
    if len(masks) == 2:  # exactly one offset won: the second gets what the first did not (cheaper)
        np.multiply(grad, masks[0], out=_part(parts, axis, 0))
        np.subtract(grad, _part(parts, axis, 0), out=_part(parts, axis, 1))
        return
    for t, mask in enumerate(masks):
        np.multiply(grad, mask, out=_part(parts, axis, t))


class _ConvBase(Layer):
    regularized = ("w",)
    label_format = "conv {filters}×{size}×{size}"

    def __init__(self, filters: int, size: int = 5, activation: str = "sigmoid", init: str | None = None):
        """``init`` overrides the network's initialiser for this layer."""
        super().__init__()
        self.init = initializers.check(init) if init else None
        if int(filters) < 1 or int(size) < 1:
            raise ValueError(f"a convolution needs ≥ 1 filter of size ≥ 1, not {filters} of {size}×{size}")
        self.filters, self.size = int(filters), int(size)
        if activation not in activations.HIDDEN_ACTIVATIONS:  # element-wise; increasing, for ConvPool2D
            raise FieldError("activation", f"a convolution needs one of the activations "
                                           f"{', '.join(activations.HIDDEN_ACTIVATIONS)}, not {activation}")
        self.activation = activations.get(activation)

    def _build_conv(self, input_shape, rng, dtype, init) -> tuple[int, int, int]:
        if len(input_shape) != 3:
            raise ValueError(f"a convolution needs (channels, height, width) inputs, got {tuple(input_shape)}")
        c, h, w = (int(d) for d in input_shape)
        if h < self.size or w < self.size:
            raise ValueError(f"{self.size}×{self.size} filters do not fit {h}×{w} inputs")
        fan_in = c * self.size * self.size
        init = self.init or init
        self.params = {
            "w": initializers.weights(init, (self.filters, c, self.size, self.size), fan_in, rng, dtype),
            "b": initializers.biases(init, (self.filters,), rng, dtype),
        }
        self.input_shape = (c, h, w)
        return self.filters, h - self.size + 1, w - self.size + 1

    def _conv(self, x: np.ndarray) -> np.ndarray:
        """z without the bias, batch-last (k, h', w', m); keeps the patch matrix for backward."""
        x = batch_last(x)
        self.x_shape = x.shape
        c, h, w, m = x.shape
        self.cols = im2col(x, self.size)
        z = matmul(self.params["w"].reshape(self.filters, -1), self.cols)  # (k, c·f·f) @ (c·f·f, h'·w'·m)
        return z.reshape(self.filters, h - self.size + 1, w - self.size + 1, m)

    def _conv_backward(self, delta: np.ndarray, need_input_grad: bool):
        """From δ, batch-last (k, h', w', m): BP3 and BP4 summed over positions and examples, and
        ∂C/∂x (as an (m, c, h, w) view) through the transposed product and :func:`col2im`."""
        d = delta.reshape(self.filters, -1)
        # Σ δ · patch, as (patches δᵀ)ᵀ: the faster order for OpenBLAS
        self.grads["w"] = matmul(self.cols, d.T).T.reshape(self.params["w"].shape)
        self.grads["b"] = d.sum(axis=1)
        if not need_input_grad:
            return None
        dcols = matmul(self.params["w"].reshape(self.filters, -1).T, d)  # (c·f·f, h'·w'·m)
        return batch_first(col2im(dcols, self.x_shape, self.size))

    def spec(self):
        spec = {"type": self.kind, "filters": self.filters, "size": self.size, "activation": self.activation.name}
        return {**spec, "init": self.init} if self.init else spec


class Conv2D(_ConvBase):
    """k filters of f×f over all input channels, valid borders, stride 1, then σ."""

    kind = "conv2d"

    def build(self, input_shape, rng, dtype, init):
        self.output_shape = self._build_conv(input_shape, rng, dtype, init)
        return self.output_shape

    def forward(self, x, training=False):
        z = self._conv(x)
        z += self.params["b"][:, None, None, None]
        a = self.activation(z) if self.activation.name != "linear" else z
        self.z, self.a = z, a
        return batch_first(a)

    def backward(self, grad, need_input_grad=True):
        delta = self.activation.backward(self.z, self.a, batch_last(grad))  # BP2's Hadamard product
        return self._conv_backward(delta, need_input_grad)


class MaxPool2D(Layer):
    """Max over non-overlapping size×size blocks (chapter 6's 2×2 max-pooling)."""

    kind = "maxpool2d"
    label_format = "pool {size}×{size}"

    def __init__(self, size: int = 2):
        super().__init__()
        if int(size) < 1:
            raise ValueError(f"pool size must be ≥ 1, not {size}")
        self.size = int(size)

    def build(self, input_shape, rng, dtype, init):
        if len(input_shape) != 3:
            raise ValueError(f"max-pooling needs (channels, height, width) inputs, got {tuple(input_shape)}")
        c, h, w = input_shape
        if h < self.size or w < self.size:
            raise ValueError(f"{self.size}×{self.size} pooling does not fit {h}×{w} inputs")
        self.input_shape = tuple(input_shape)
        self.output_shape = (c, h // self.size, w // self.size)
        return self.output_shape

    def forward(self, x, training=False):
        self.x = batch_last(x)
        self.out, self.r = pool_forward(self.x, self.size)
        return batch_first(self.out)

    def backward(self, grad, need_input_grad=True):
        if not need_input_grad:
            return None
        masks = pool_masks(self.x, self.r, self.out, self.size)
        return batch_first(pool_backward(batch_last(grad), masks, self.x.shape, self.size))

    def spec(self):
        return {"type": self.kind, "size": self.size}

    def describe(self):
        return f"max-{self.label}"  # no activation: the longer name says which pooling instead


class ConvPool2D(_ConvBase):
    """network3's ``ConvPoolLayer``: convolution, max-pooling, then σ(pooled + b).

    For the increasing activations allowed here (``activations.HIDDEN_ACTIVATIONS``), max-pooling
    commutes with σ and with a per-filter bias, so this equals Conv2D followed by MaxPool2D, with σ
    evaluated on a quarter of the values.
    """

    kind = "convpool2d"
    label_format = _ConvBase.label_format + " + pool {pool}×{pool}"

    def __init__(self, filters: int, size: int = 5, activation: str = "sigmoid", pool: int = 2,
                 init: str | None = None):
        super().__init__(filters, size, activation, init)
        if int(pool) < 1:
            raise ValueError(f"pool size must be ≥ 1, not {pool}")
        self.pool = int(pool)

    def build(self, input_shape, rng, dtype, init):
        k, h, w = self._build_conv(input_shape, rng, dtype, init)
        if h < self.pool or w < self.pool:
            raise ValueError(f"{self.pool}×{self.pool} pooling does not fit the {h}×{w} feature maps")
        self.output_shape = (k, h // self.pool, w // self.pool)
        return self.output_shape

    def forward(self, x, training=False):
        self.z_full = self._conv(x)
        self.pooled, self.r = pool_forward(self.z_full, self.pool)
        self.z = self.pooled + self.params["b"][:, None, None, None]
        self.a = self.activation(self.z) if self.activation.name != "linear" else self.z
        return batch_first(self.a)

    def backward(self, grad, need_input_grad=True):
        delta = self.activation.backward(self.z, self.a, batch_last(grad))  # BP2's Hadamard product
        masks = pool_masks(self.z_full, self.r, self.pooled, self.pool)
        dz = pool_backward(delta, masks, self.z_full.shape, self.pool)
        return self._conv_backward(dz, need_input_grad)

    def spec(self):
        return {**super().spec(), "pool": self.pool}

    @property
    def weights_label(self):
        return _ConvBase.label_format.format(**self.spec())  # the filters are the convolution's
