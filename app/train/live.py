"""What the Train tab's live views draw, prepared on the training thread.

``LiveProbe.frame(trainer)`` (about ten times a second) and ``LiveProbe.epoch(trainer)`` (after each
epoch) run on the worker thread between mini-batches and return plain arrays: mosaics ready for an
``ImageItem``, histogram counts, a confusion matrix. The GUI thread only hands them to the views, so
drawing never holds up training for long and never reads a network that is being trained.

``BatchGradients`` is the worker's per-mini-batch hook: the size of each layer's gradient, ‖∂C/∂bˡ‖
(chapter 5's speed of learning) and ‖∂C/∂wˡ‖, for the Gradients tab.
"""
from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass, field

import numpy as np

from core import probes
from core.data import Split
from core.network import Network
from core.training import BatchDone, Trainer

CONV_KINDS = ("conv2d", "convpool2d")
MOSAIC_LIMIT = 400  # first-layer neurons shown at most (a 20×20 grid of 28×28 tiles)
HIST_SAMPLE = 20_000  # weights per layer that the histograms count (a fixed random sample)
HIST_BINS = 41
HIST_EXTENT_SAMPLE = 2_000  # weights from which the histogram's range is estimated


def _extent(values: np.ndarray) -> float:
    """Where the bulk of ``values`` ends: the 99.5th percentile of |values| (0 if there are none)."""
    return float(np.percentile(np.abs(values), 99.5)) if values.size else 0.0


def grid(images: np.ndarray, pad: int = 1, fill: float = np.nan) -> np.ndarray:
    """(rows, cols, h, w) tiles -> one (rows·(h+pad) − pad, cols·(w+pad) − pad) float32 mosaic, in
    one vectorised copy."""
    rows, cols, h, w = images.shape
    out = np.full((rows, h + pad, cols, w + pad), fill, np.float32)
    out[:, :h, :, :w] = images.transpose(0, 2, 1, 3)
    return out.reshape(rows * (h + pad), cols * (w + pad))[:rows * (h + pad) - pad, :cols * (w + pad) - pad]


def square_grid(images: np.ndarray, cols: int | None = None, pad: int = 1, aspect: float = 1.0) -> np.ndarray:
    """(n, h, w) tiles in a grid about ``aspect`` times as wide as tall (missing tiles left blank)."""
    n, h, w = images.shape
    cols = cols or max(1, min(n, math.ceil(math.sqrt(n * aspect))))
    rows = max(1, math.ceil(n / cols))
    full = np.full((rows * cols, h, w), np.nan, np.float32)
    full[:n] = images
    return grid(full.reshape(rows, cols, h, w), pad)


def snapshot_network(net: Network) -> Network:
    """An independent copy of ``net``'s structure and weights, without the per-batch caches a deep
    copy would drag along (a CNN's cached patch matrices run to tens of megabytes)."""
    clone = Network.from_spec(dict(net.spec(), init="zero"), dtype=net.dtype)  # zeros: nothing to draw
    for src, dst in zip(net.layers, clone.layers):
        for key, p in src.params.items():
            np.copyto(dst.params[key], p)
    clone.init, clone.name, clone.info = net.init, net.name, copy.deepcopy(net.info)
    return clone


def symmetric_level(values: np.ndarray) -> float:
    """A fixed colour level ±L for signed weights: 2.5 standard deviations of their starting values
    (so a weight image starts as visible noise and learning shows as growing structure)."""
    std = float(np.std(values)) if values.size else 0.0
    return 2.5 * std if std > 0 else 0.1


def _nice_ceiling(x: float) -> float:
    """The smallest of 1, 1.5, 2, 3, 5, 7 × 10ᵏ that is ≥ x (stable histogram ranges)."""
    if not math.isfinite(x) or x <= 0:
        return 1.0
    k = math.floor(math.log10(x))
    for m in (1, 1.5, 2, 3, 5, 7, 10):
        if m * 10 ** k >= x:
            return m * 10 ** k
    return 10 ** (k + 1)


@dataclass
class Frame:
    """One update of the live views."""

    mosaic: np.ndarray | None = None  # weights of the layer that reads the pixels, one 28×28 tile per neuron
    filters: list[np.ndarray] = field(default_factory=list)  # per conv layer: rows = filters, cols = channels
    maps: list[np.ndarray] = field(default_factory=list)  # per conv layer: the sample digit's feature maps
    hist: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)  # (centres, start, now)
    finite: bool = True  # False when the weights hold NaN/inf (the views then keep their last good state)


@dataclass
class EpochFrame:
    """What the views need once per epoch, on top of a :class:`Frame`."""

    frame: Frame
    confusion: np.ndarray | None = None  # (10, 10) counts, rows = true digit, columns = the network's answer
    wrong: np.ndarray | None = None  # validation indices of all mistakes, the most confident first
    wrong_guess: np.ndarray | None = None
    wrong_confidence: np.ndarray | None = None
    network: Network | None = None  # a snapshot copy, for the other tabs


class LiveProbe:
    """Prepares :class:`Frame` s for one run. Made on the GUI thread before the run starts, then
    called only from the worker thread."""

    def __init__(self, net: Network, validation: Split, sample_index: int = 0, seed: int = 0):
        self.net = net
        self.view = snapshot_network(net)  # runs the sample digit: the training caches stay untouched
        self.validation = validation
        self.sample = (validation.images[sample_index:sample_index + 1] if len(validation)
                       else np.zeros((1, 28, 28), np.float32))
        self.sample_label = int(validation.labels[sample_index]) if len(validation) else None
        layers = net.layers
        first = next(l for l in layers if l.params)  # reads the pixels: its weights are 28×28 images
        self.pixel_layer = first if first.kind == "dense" and first.params["w"].shape[1] == 784 else None
        self.mosaic_neurons = min(first.params["w"].shape[0], MOSAIC_LIMIT) if self.pixel_layer else 0
        self.mosaic_total = first.params["w"].shape[0] if self.pixel_layer else 0
        self.mosaic_level = symmetric_level(first.params["w"]) if self.pixel_layer else 0.0
        self.conv = [i for i, l in enumerate(layers) if l.kind in CONV_KINDS]
        self.filter_levels = [symmetric_level(layers[i].params["w"]) for i in self.conv]
        self.conv_names = [f"{k + 1}: {layers[i].weights_label}" for k, i in enumerate(self.conv)]
        self.conv_activations = [layers[i].activation.name for i in self.conv]
        rng = np.random.default_rng(seed)
        self.weighted = [i for i, l in enumerate(layers) if "w" in l.params]
        self.hist_names = [layers[i].weights_label for i in self.weighted]
        self.hist_names[-1] += " (output)"
        self._hist_index, self._hist_start, self._hist_range, self._hist_start_counts = [], [], [], []
        self._hist_start_extent: list[float] = []
        for i in self.weighted:
            w = layers[i].params["w"].ravel()
            index = rng.choice(w.size, HIST_SAMPLE, replace=False) if w.size > HIST_SAMPLE else None
            start = (w if index is None else w[index]).copy()
            self._hist_start_extent.append(_extent(start[:HIST_EXTENT_SAMPLE]))
            self._hist_index.append(index)
            self._hist_start.append(start)
            self._hist_range.append(0.0)
            self._hist_start_counts.append(None)

    # --- every frame ---------------------------------------------------------------------------------
    def frame(self, trainer: Trainer | None = None) -> Frame:
        layers = self.net.layers
        out = Frame()
        if self.pixel_layer is not None:
            w = self.pixel_layer.params["w"][:self.mosaic_neurons]
            out.mosaic = square_grid(w.reshape(-1, 28, 28))
            out.finite = bool(np.isfinite(w).all())
        for i in self.conv:
            w = layers[i].params["w"]  # (filters, channels, f, f)
            # one column per filter, one row per input channel (a single row of filters is wrapped)
            out.filters.append(grid(w.transpose(1, 0, 2, 3)) if w.shape[1] > 1 else square_grid(w[:, 0], aspect=2.5))
            out.finite &= bool(np.isfinite(w).all())
        if self.conv and out.finite:
            out.maps = self._feature_maps()
        out.hist = self._histograms()
        out.finite &= all(np.isfinite(h[2]).all() for h in out.hist)
        return out

    def _feature_maps(self) -> list[np.ndarray]:
        for src, dst in zip(self.net.layers, self.view.layers):
            for k, p in src.params.items():
                np.copyto(dst.params[k], p)
        x = self.view.prepare(self.sample)
        maps = []
        for layer in self.view.layers:
            x = layer.forward(x, training=False)
            if layer.kind in CONV_KINDS:
                maps.append(square_grid(x[0], aspect=1.8))
            if len(maps) == len(self.conv):
                break
        return maps

    def _histograms(self) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        out = []
        for k, i in enumerate(self.weighted):
            w = self.net.layers[i].params["w"].ravel()
            index = self._hist_index[k]
            now = w if index is None else w[index]
            finite = now[np.isfinite(now)]
            if finite.size < now.size:  # diverging: keep showing the last good histogram
                out.append((np.zeros(1), np.zeros(1), np.full(1, np.nan)))
                continue
            extent = max(_extent(finite[:HIST_EXTENT_SAMPLE]), self._hist_start_extent[k])
            r = _nice_ceiling(extent)
            if r > self._hist_range[k]:  # the range only widens, so the start histogram is counted rarely
                self._hist_range[k] = r
                self._hist_start_counts[k] = None
            r = self._hist_range[k]
            start = self._hist_start[k]
            edges = np.linspace(-r, r, HIST_BINS + 1)
            if self._hist_start_counts[k] is None:
                self._hist_start_counts[k] = np.histogram(np.clip(start, -r, r), edges)[0] / max(start.size, 1)
            counts = np.histogram(np.clip(now, -r, r), edges)[0] / max(now.size, 1)
            out.append(((edges[:-1] + edges[1:]) / 2, self._hist_start_counts[k], counts))
        return out

    def reset_ranges(self) -> None:
        """Let the histograms' ranges fit the weights afresh (they only ever widen during a run), e.g.
        once a diverged run's network is back to its last good weights."""
        self._hist_range = [0.0] * len(self._hist_range)
        self._hist_start_counts = [None] * len(self._hist_start_counts)

    # --- every epoch ---------------------------------------------------------------------------------
    def epoch(self, trainer: Trainer) -> EpochFrame:
        result = EpochFrame(self.frame(trainer), network=snapshot_network(self.net))
        outputs = getattr(trainer, "validation_outputs", None)
        labels = self.validation.labels
        if outputs is not None and len(outputs) == len(labels) and np.isfinite(outputs).all():
            guess = outputs.argmax(axis=1)
            result.confusion = np.bincount(labels * 10 + guess, minlength=100).reshape(10, 10)
            wrong = np.flatnonzero(guess != labels)
            confidence = outputs[wrong, guess[wrong]]
            order = np.argsort(-confidence, kind="stable")
            result.wrong, result.wrong_guess = wrong[order], guess[wrong[order]]
            result.wrong_confidence = confidence[order]
        return result


class BatchGradients:
    """The worker's per-mini-batch hook: for every layer with weights and biases, the lengths of the
    gradients of the mini-batch's mean cost, ‖∂C/∂bˡ‖ = ‖mean δˡ‖ (BP3) and ‖∂C/∂wˡ‖ (BP4).

    ``layer.grads`` holds sums over the mini-batch (as the book's ``nabla_b``), so each norm is
    divided by the mini-batch's size. When measuring every mini-batch would take more than
    ``budget`` of the training time (tiny networks train a mini-batch in ~0.2 ms), only every
    ``stride``-th one is measured; ``steps`` says which.
    """

    def __init__(self, net: Network, mini_batch_size: int, n_train: int, budget: float = 0.02):
        self.net = net
        self.labels = [l.weights_label for l in net.layers if l.params]  # the layers of probes.gradient_norms
        self.m, self.n, self.budget = mini_batch_size, n_train, budget
        self.stride = 1
        self._since = 0
        self._last = time.perf_counter()
        self._cost = None  # smoothed seconds per measurement
        self._batch = None  # smoothed seconds per mini-batch

    def __call__(self, trainer: Trainer, event: BatchDone):
        self._since += 1
        if self._since < self.stride:
            return None
        start = time.perf_counter()
        per_batch = (start - self._last) / self._since
        m = min(self.m, self.n - (event.batch - 1) * self.m)
        norms = probes.gradient_norms(self.net, m=m)
        now = time.perf_counter()
        self._cost = now - start if self._cost is None else 0.8 * self._cost + 0.2 * (now - start)
        self._batch = per_batch if self._batch is None else 0.8 * self._batch + 0.2 * per_batch
        self.stride = min(1000, max(1, math.ceil(self._cost / (self.budget * max(self._batch, 1e-9)))))
        self._since, self._last = 0, now
        return (event.epoch - 1) * event.batches + event.batch, norms["delta"], norms["w"]
