"""Backprop through the convolutional layers against numerical gradients (float64)."""
from __future__ import annotations

import numpy as np
import pytest

from core.conv import (Conv2D, ConvPool2D, MaxPool2D, batch_last, col2im, im2col, pool_backward, pool_forward,
                       pool_masks)
from core.layers import Dense, Dropout, Flatten
from core.network import Network
from tests.core.gradcheck import check_input_gradient, check_network

TOL = 1e-5


def images(m=3, c=1, h=8, w=8, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, c, h, w))


def targets(m=3, n=4, seed=0):
    return np.eye(n)[np.random.default_rng(seed).integers(0, n, m)]


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "linear"])
@pytest.mark.parametrize("channels", [1, 3])
def test_conv2d_gradients(activation, channels):
    net = Network([Conv2D(4, 3, activation), Flatten(), Dense(4, "softmax")], cost="log-likelihood",
                  input_shape=(channels, 7, 6), seed=1, dtype=np.float64)
    x = images(c=channels, h=7, w=6)
    assert check_network(net, x, targets()) < TOL
    assert check_input_gradient(net, x.copy(), targets()) < TOL


@pytest.mark.parametrize("size", [2, 3])  # 2×2 has its own one-comparison path
@pytest.mark.parametrize("channels", [1, 2])
def test_maxpool_gradients(channels, size):
    # odd sizes: the border row/column that does not fill a block is dropped
    net = Network([MaxPool2D(size), Flatten(), Dense(3, "sigmoid")], cost="cross-entropy",
                  input_shape=(channels, 5, 7), seed=2, dtype=np.float64)
    x = images(c=channels, h=5, w=7)
    assert check_input_gradient(net, x.copy(), targets(n=3)) < TOL
    assert check_network(net, x, targets(n=3)) < TOL


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("channels", [1, 3])
def test_convpool_gradients(activation, channels):
    net = Network([ConvPool2D(3, 3, activation), Flatten(), Dense(4, "softmax")], cost="log-likelihood",
                  input_shape=(channels, 8, 8), seed=3, dtype=np.float64)
    x = images(c=channels)
    assert check_network(net, x, targets()) < TOL
    assert check_input_gradient(net, x.copy(), targets()) < TOL


def test_whole_small_cnn_gradients():
    """Two conv-pool layers (the second with several input channels), dropout on the FC layers."""
    net = Network([ConvPool2D(3, 3, "relu"), ConvPool2D(4, 2, "tanh"), Flatten(), Dropout(0.3),
                   Dense(6, "sigmoid"), Dropout(0.3), Dense(4, "softmax")],
                  cost="log-likelihood", input_shape=(1, 12, 12), seed=4, dtype=np.float64)
    drops = [l for l in net.layers if isinstance(l, Dropout)]

    def reseed():
        for i, d in enumerate(drops):
            d.rng = np.random.default_rng(10 + i)

    x = images(m=4, h=12, w=12)
    assert check_network(net, x, targets(m=4), training=True, reseed=reseed, max_entries=30) < TOL


def test_conv2d_then_maxpool_equals_convpool():
    """ConvPool2D (σ after pooling, as network3) gives the same outputs as Conv2D then MaxPool2D."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 2, 9, 9))
    fused = Network([ConvPool2D(3, 4, "sigmoid"), Flatten(), Dense(2, "softmax")], cost="log-likelihood",
                    input_shape=(2, 9, 9), seed=5, dtype=np.float64)
    split = Network([Conv2D(3, 4, "sigmoid"), MaxPool2D(2), Flatten(), Dense(2, "softmax")],
                    cost="log-likelihood", input_shape=(2, 9, 9), seed=5, dtype=np.float64)
    for name in ("w", "b"):
        split.layers[0].params[name][...] = fused.layers[0].params[name]
        split.layers[3].params[name][...] = fused.layers[2].params[name]
    np.testing.assert_allclose(fused.feedforward(x), split.feedforward(x), rtol=1e-12)


def test_im2col_is_the_definition_of_convolution():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3, 3, 3))
    xb = batch_last(x)  # (c, h, w, m)
    z = (w.reshape(4, -1) @ im2col(xb, 3)).reshape(4, 4, 3, 2).transpose(3, 0, 1, 2)
    direct = np.zeros((2, 4, 4, 3))
    for n in range(2):
        for k in range(4):
            for i in range(4):
                for j in range(3):
                    direct[n, k, i, j] = np.sum(w[k] * x[n, :, i:i + 3, j:j + 3])
    np.testing.assert_allclose(z, direct, rtol=1e-12)
    # col2im is im2col's adjoint: <im2col(x), g> = <x, col2im(g)>
    g = rng.standard_normal((27, 24))
    assert np.vdot(im2col(xb, 3), g) == pytest.approx(np.vdot(xb, col2im(g, xb.shape, 3)))


@pytest.mark.parametrize("size", [2, 3])
def test_pool_ties_pass_the_gradient_once(size):
    z = np.zeros((1, 2 * size, 2 * size, 1))  # batch-last, all equal: every block is a tie
    out, r = pool_forward(z, size)
    assert out.shape == (1, 2, 2, 1)
    row_masks, col_masks = pool_masks(z, r, out, size)
    assert (sum(m.astype(int) for m in row_masks) == 1).all()
    assert (sum(m.astype(int) for m in col_masks) == 1).all()
    grad = np.arange(1.0, 5.0).reshape(1, 2, 2, 1)
    dz = pool_backward(grad, (row_masks, col_masks), z.shape, size)
    blocks = dz.reshape(2, size, 2, size).transpose(0, 2, 1, 3).reshape(2, 2, -1)
    assert (np.count_nonzero(blocks, axis=2) == 1).all() and np.array_equal(blocks.sum(axis=2), grad[0, :, :, 0])
