"""How long a run has left, from the pace of its steps so far (Qt-free).

A :class:`TimeLeft` keeps a run's clock, stopped while the run is paused, and estimates the rest as
(steps to go) × (seconds per step so far): a plain average, steady enough for runs whose steps take
about as long as each other (epochs of full-batch gradient descent, mini-batches). It says nothing
until the run has gone on for a little while (``settle`` seconds and one step), when the first
steps' cost (caches warming, the first report) no longer dominates the average.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable

from app import numbers


def duration(seconds: float) -> str:
    """A time left for a person (``app.numbers.duration``), rounded so that it does not flicker from
    one report to the next: to a second under 10 s, 5 s under a minute, 10 s under ten minutes, a
    minute above."""
    if math.isfinite(seconds) and seconds >= 0:
        step = 1 if seconds < 10 else 5 if seconds < 60 else 10 if seconds < 600 else 60
        seconds = max(1, step * round(seconds / step))
    return numbers.duration(seconds)


class TimeLeft:
    """The clock of one run: ``start()``, ``pause()`` / ``resume()``, then ``seconds(done, total)``
    or ``text(done, total)`` as its steps complete."""

    def __init__(self, settle: float = 2.0, clock: Callable[[], float] = time.monotonic):
        self.settle, self.clock = settle, clock
        self._banked = 0.0  # seconds run before the last resume
        self._since: float | None = None  # when the clock last started (None: stopped)
        self._first_done = 0

    def start(self, done: int = 0) -> None:
        """The run starts (again) from ``done`` steps: what came before does not count."""
        self._banked, self._since, self._first_done = 0.0, self.clock(), done

    def pause(self) -> None:
        if self._since is not None:
            self._banked += self.clock() - self._since
            self._since = None

    def resume(self) -> None:
        if self._since is None:
            self._since = self.clock()

    @property
    def elapsed(self) -> float:
        """Seconds the run has been running (not paused)."""
        return self._banked + (self.clock() - self._since if self._since is not None else 0.0)

    def seconds(self, done: int, total: int) -> float | None:
        """Seconds left once ``done`` of ``total`` steps are done; None while it is too early to say."""
        ran, elapsed = done - self._first_done, self.elapsed
        if ran <= 0 or elapsed < self.settle:
            return None
        return max(total - done, 0) * elapsed / ran

    def text(self, done: int, total: int) -> str:
        """"about 3 min 20 s left", or "" while it is too early to say."""
        left = self.seconds(done, total)
        return "" if left is None else f"about {duration(left)} left"
