"""PyTorch CPU versions of the benchmarked networks: the same layers, cost, mini-batch and update,
written for the benchmarks (``pip install -e ".[bench]"``). Each ``epoch`` returns its seconds."""
from __future__ import annotations

import time

import numpy as np

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError:  # the bench extra is not installed
    torch = None


def available() -> bool:
    return torch is not None


class _ConvNet(nn.Module if torch else object):
    """network3's ConvPoolLayers (conv → 2×2 max-pool → σ), FC 100, softmax (log-likelihood)."""

    def __init__(self, two_convs: bool, activation):
        super().__init__()
        self.act = activation
        self.c1 = nn.Conv2d(1, 20, 5)
        self.c2 = nn.Conv2d(20, 40, 5) if two_convs else None
        self.fc = nn.Linear(640 if two_convs else 2880, 100)
        self.out = nn.Linear(100, 10)

    def forward(self, x):
        x = self.act(F.max_pool2d(self.c1(x), 2))
        if self.c2 is not None:
            x = self.act(F.max_pool2d(self.c2(x), 2))
        return F.log_softmax(self.out(self.act(self.fc(x.flatten(1)))), dim=1)


def build(name: str):
    """(model, loss(output, targets), η, L2 coefficient per network2's convention) for a preset name."""
    if name in ("ch1", "ch3"):
        model = nn.Sequential(nn.Linear(784, 30), nn.Sigmoid(), nn.Linear(30, 10), nn.Sigmoid())
        if name == "ch1":
            return model, lambda a, y: F.mse_loss(a, y, reduction="sum") * (0.5 / len(a)), 3.0, 0.0
        return model, lambda a, y: F.binary_cross_entropy(a, y, reduction="sum") / len(a), 0.5, 5.0
    if name == "ch6-conv1":
        return _ConvNet(False, torch.sigmoid), lambda a, y: F.nll_loss(a, y), 0.1, 0.0
    if name == "ch6-relu":
        return _ConvNet(True, torch.relu), lambda a, y: F.nll_loss(a, y), 0.03, 1.0
    raise KeyError(name)


def train_epoch(name: str, images: np.ndarray, labels: np.ndarray, mini_batch: int = 10, threads: int = 2,
                seed: int = 0, model=None):
    """One epoch of plain SGD; returns (seconds, model). L2 as network2: weight decay ηλ/n per step
    on weights only, applied as torch's weight_decay = λ/n · m / m (per-sample mean gradients)."""
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    fresh, loss_fn, eta, lmbda = build(name)
    model = model or fresh
    n = len(images)
    conv = name.startswith("ch6")
    x = torch.from_numpy(images.reshape(n, 1, 28, 28) if conv else images.reshape(n, 784))
    y = torch.from_numpy(labels) if conv else F.one_hot(torch.from_numpy(labels), 10).float()
    decay = [p for nm, p in model.named_parameters() if nm.endswith("weight")]
    rest = [p for nm, p in model.named_parameters() if not nm.endswith("weight")]
    opt = torch.optim.SGD([{"params": decay, "weight_decay": lmbda / n}, {"params": rest}], lr=eta)
    order = torch.from_numpy(np.random.default_rng(seed).permutation(n))
    start = time.perf_counter()
    for k in range(0, n, mini_batch):
        idx = order[k:k + mini_batch]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
    return time.perf_counter() - start, model


def accuracy(model, images: np.ndarray, labels: np.ndarray, conv: bool) -> float:
    with torch.no_grad():
        x = torch.from_numpy(images.reshape(len(images), 1, 28, 28) if conv else images.reshape(len(images), 784))
        return float((model(x).argmax(1).numpy() == labels).mean())
