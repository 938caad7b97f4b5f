"""Per-mini-batch values of several layers (the Any run page's gradient norms), appended as they come
and kept ready to draw at a cost that does not grow with the run.

Each layer's values are smoothed by a trailing mean over ``window`` mini-batches (of the finite values
in it: one NaN does not blank the rest of the run) as they arrive, and gathered in bins of ``size``
consecutive mini-batches whose least and greatest values are kept with the mini-batch each is at: a
curve through every bin's two extremes, in order, shows every spike the raw values show, where it
happened. When there are more than ``2 × MAX_BINS`` bins, neighbours merge and the size doubles: a
curve has at most ``4 × MAX_BINS`` points (and the few values not yet in a bin). Appending n values
costs O(n) plus, at a merge, O(MAX_BINS); drawing costs O(MAX_BINS), however long the run.
"""
from __future__ import annotations

import numpy as np

MAX_BINS = 500  # bins after neighbours merge (at most twice as many while they fill): ~1 pixel each
MAX_VALUES = 200_000  # mini-batches kept per run: beyond, the oldest quarter is dropped


class _Growing:
    """An array that grows along its first axis with amortised O(1) appends."""

    def __init__(self, tail_shape: tuple[int, ...] = ()):
        self._data = np.empty((64, *tail_shape))
        self.n = 0

    def extend(self, rows: np.ndarray) -> None:
        need = self.n + len(rows)
        if need > len(self._data):
            bigger = np.empty((max(need, 2 * len(self._data)), *self._data.shape[1:]))
            bigger[:self.n] = self._data[:self.n]
            self._data = bigger
        self._data[self.n:need] = rows
        self.n = need

    @property
    def values(self) -> np.ndarray:
        return self._data[:self.n]


class GrowingSeries:
    """``steps`` (n,) and per-layer ``values`` (n, layers) as appended; ``drawn()`` the curves' points."""

    def __init__(self, layers: int, window: int = 1):
        self.layers = layers
        self.window = max(1, int(window))
        self._reset()

    def _reset(self) -> None:
        self._steps, self._raw = _Growing(), _Growing((self.layers,))
        self._clear_derived()

    def _clear_derived(self) -> None:
        self._sums, self._counts = _Growing((self.layers,)), _Growing((self.layers,))  # cumulative, finite only
        self._sums.extend(np.zeros((1, self.layers)))
        self._counts.extend(np.zeros((1, self.layers)))
        self._smooth = _Growing((self.layers,))
        self.size = 1  # mini-batches per bin
        self._binned = 0  # values gathered in complete bins
        self._bins = _Bins(self.layers)
        self.low = self.high = np.nan  # the least and greatest smoothed value > 0 so far

    # --- what it holds ----------------------------------------------------------------------------------
    @property
    def steps(self) -> np.ndarray:
        return self._steps.values

    @property
    def values(self) -> np.ndarray:
        return self._raw.values

    @property
    def smoothed(self) -> np.ndarray:
        """Each layer's trailing mean, non-positive and non-finite means as NaN (for log plots)."""
        return self._smooth.values

    def __len__(self) -> int:
        return self._steps.n

    # --- adding ----------------------------------------------------------------------------------------
    def extend(self, steps: np.ndarray, values: np.ndarray) -> None:
        """Append mini-batches ``steps`` (k,) with their ``values`` (k, layers)."""
        if len(self) + len(steps) > MAX_VALUES:
            keep = max(MAX_VALUES * 3 // 4 - len(steps), 0)
            old_steps, old_values = self.steps[len(self) - keep:].copy(), self.values[len(self) - keep:].copy()
            self._reset()
            self._add(old_steps, old_values)
        self._add(np.asarray(steps, np.float64), np.asarray(values, np.float64))

    def set_window(self, window: int) -> None:
        """Smooth over ``window`` mini-batches from now on (everything is smoothed again)."""
        steps, values = self.steps.copy(), self.values.copy()
        self.window = max(1, int(window))
        self._reset()
        self._add(steps, values)

    def _add(self, steps: np.ndarray, values: np.ndarray) -> None:
        if not len(steps):
            return
        self._steps.extend(steps)
        self._raw.extend(values)
        finite = np.isfinite(values)
        self._sums.extend(self._sums.values[-1] + np.cumsum(np.where(finite, values, 0.0), axis=0))
        self._counts.extend(self._counts.values[-1] + np.cumsum(finite, axis=0))
        if self.window == 1:
            mean = values.copy()  # (exactly as measured)
        else:
            n, k = len(self), len(steps)
            ends = np.arange(n - k + 1, n + 1)  # the cumulative index after each new value
            starts = np.maximum(ends - self.window, 0)
            sums, counts = self._sums.values, self._counts.values
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = (sums[ends] - sums[starts]) / (counts[ends] - counts[starts])
        mean[~(np.isfinite(mean) & (mean > 0))] = np.nan
        self._smooth.extend(mean)
        if np.isfinite(mean).any():
            self.low, self.high = np.fmin(self.low, np.nanmin(mean)), np.fmax(self.high, np.nanmax(mean))
        self._gather()

    def _gather(self) -> None:
        """Close the bins the new values complete; merge neighbours when there are too many."""
        m = (len(self) - self._binned) // self.size
        if m:
            done = slice(self._binned, self._binned + m * self.size)
            self._bins.extend(self.steps[done].reshape(m, self.size),
                              self.smoothed[done].reshape(m, self.size, self.layers))
            self._binned += m * self.size
        while len(self._bins) > 2 * MAX_BINS:
            self.size *= 2
            self._binned = self._bins.merge_pairs() * self.size

    # --- drawing ---------------------------------------------------------------------------------------
    def drawn(self, layer: int) -> tuple[np.ndarray, np.ndarray]:
        """x and y of layer ``layer``'s curve: the values themselves while the bins are single
        mini-batches, then each bin's least and greatest value at their mini-batches, in order,
        followed by the values not yet in a bin."""
        if self.size == 1:
            return self.steps, self.smoothed[:, layer]
        x, y = self._bins.extremes(layer)
        return (np.concatenate([x, self.steps[self._binned:]]),
                np.concatenate([y, self.smoothed[self._binned:, layer]]))


class _Bins:
    """Per bin and layer: the least and greatest value and the steps they are at."""

    def __init__(self, layers: int):
        self.low, self.low_at = _Growing((layers,)), _Growing((layers,))
        self.high, self.high_at = _Growing((layers,)), _Growing((layers,))

    def __len__(self) -> int:
        return self.low.n

    def extend(self, steps: np.ndarray, values: np.ndarray) -> None:
        """Bins of ``steps`` (m, size) with their ``values`` (m, size, layers); NaNs never win."""
        rows = np.arange(len(steps))[:, None]
        lowest = np.argmin(np.where(np.isnan(values), np.inf, values), axis=1)  # (m, layers)
        highest = np.argmax(np.where(np.isnan(values), -np.inf, values), axis=1)
        layers = np.arange(values.shape[2])[None, :]
        self.low.extend(values[rows, lowest, layers])
        self.low_at.extend(steps[rows, lowest])
        self.high.extend(values[rows, highest, layers])
        self.high_at.extend(steps[rows, highest])

    def merge_pairs(self) -> int:
        """Merge bins 2i and 2i + 1 (an odd last bin is dropped: its values are gathered again);
        returns how many bins are left."""
        pairs = len(self) // 2
        low = self._merged(self.low, self.low_at, np.less, pairs)
        high = self._merged(self.high, self.high_at, np.greater, pairs)
        layers = self.low.values.shape[1]
        self.low, self.low_at = _Growing((layers,)), _Growing((layers,))
        self.high, self.high_at = _Growing((layers,)), _Growing((layers,))
        for (value, at), (merged, merged_at) in (((self.low, self.low_at), low), ((self.high, self.high_at), high)):
            value.extend(merged)
            at.extend(merged_at)
        return pairs

    @staticmethod
    def _merged(value: _Growing, at: _Growing, better, pairs: int) -> tuple[np.ndarray, np.ndarray]:
        """Of each pair of bins, the extreme that is ``better`` (a NaN never is) and its step."""
        a, b = value.values[0:2 * pairs:2], value.values[1:2 * pairs:2]
        take_b = better(b, a) | np.isnan(a)
        return np.where(take_b, b, a), np.where(take_b, at.values[1:2 * pairs:2], at.values[0:2 * pairs:2])

    def extremes(self, layer: int) -> tuple[np.ndarray, np.ndarray]:
        """Each bin's two extremes as points, in the order of their steps."""
        low, low_at = self.low.values[:, layer], self.low_at.values[:, layer]
        high, high_at = self.high.values[:, layer], self.high_at.values[:, layer]
        later = low_at > high_at
        x, y = np.empty(2 * len(low)), np.empty(2 * len(low))
        x[0::2], y[0::2] = np.where(later, high_at, low_at), np.where(later, high, low)
        x[1::2], y[1::2] = np.where(later, low_at, high_at), np.where(later, low, high)
        return x, y
