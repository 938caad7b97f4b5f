"""A straightforward per-example implementation of chapter 1's algorithm, written for the benchmark.

Like the book's network.py it keeps one example per column and, for every mini-batch, loops over its
examples in Python, backpropagating each one and summing the gradients; only then does it step. It is
the baseline that shows what vectorising over the mini-batch buys. float32 like the core by default;
``dtype=np.float64`` is what the book's code computes in (NumPy's default).
"""
from __future__ import annotations

import time

import numpy as np


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class PerExampleNetwork:
    def __init__(self, sizes, seed=0, dtype=np.float32):
        rng = np.random.default_rng(seed)
        self.b = [rng.standard_normal((n, 1)).astype(dtype) for n in sizes[1:]]
        self.w = [rng.standard_normal((n, k)).astype(dtype) for k, n in zip(sizes[:-1], sizes[1:])]

    def backprop(self, x, y):
        """Gradients of ½‖a − y‖² for one example (column vectors)."""
        activation, activations, zs = x, [x], []
        for b, w in zip(self.b, self.w):
            z = w @ activation + b
            zs.append(z)
            activation = _sigmoid(z)
            activations.append(activation)
        s = activations[-1]
        delta = (s - y) * s * (1 - s)  # BP1
        nabla_b, nabla_w = [None] * len(self.b), [None] * len(self.w)
        nabla_b[-1], nabla_w[-1] = delta, delta @ activations[-2].T
        for layer in range(2, len(self.b) + 1):  # BP2-BP4
            s = _sigmoid(zs[-layer])
            delta = (self.w[-layer + 1].T @ delta) * s * (1 - s)
            nabla_b[-layer], nabla_w[-layer] = delta, delta @ activations[-layer - 1].T
        return nabla_b, nabla_w

    def update(self, batch_x, batch_y, eta):
        sum_b = [np.zeros_like(b) for b in self.b]
        sum_w = [np.zeros_like(w) for w in self.w]
        for x, y in zip(batch_x, batch_y):
            db, dw = self.backprop(x, y)
            sum_b = [s + d for s, d in zip(sum_b, db)]
            sum_w = [s + d for s, d in zip(sum_w, dw)]
        m = len(batch_x)
        self.w = [w - (eta / m) * s for w, s in zip(self.w, sum_w)]
        self.b = [b - (eta / m) * s for b, s in zip(self.b, sum_b)]

    def accuracy(self, images, labels):
        a = images.reshape(len(images), -1).T
        for b, w in zip(self.b, self.w):
            a = _sigmoid(w @ a + b)
        return float(np.mean(a.argmax(axis=0) == labels))


def train_epoch(images, labels, mini_batch=10, eta=3.0, seed=0, net=None, dtype=np.float32):
    """One epoch of chapter 1's SGD on [784, 30, 10]; returns (seconds, network)."""
    net = net or PerExampleNetwork([784, 30, 10], seed, dtype)
    n = len(images)
    xs = images.reshape(n, 784, 1).astype(dtype)
    ys = np.zeros((n, 10, 1), dtype)
    ys[np.arange(n), labels, 0] = 1
    order = np.random.default_rng(seed).permutation(n)
    start = time.perf_counter()
    for k in range(0, n, mini_batch):
        idx = order[k:k + mini_batch]
        net.update(xs[idx], ys[idx], eta)
    return time.perf_counter() - start, net
