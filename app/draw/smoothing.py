"""The Draw tab's smoothed saliency map (SmoothGrad, ``core.probes.smooth_saliency``), computed off the
GUI thread so that drawing never waits for it.

A CNN's map over 32 noisy copies of the digit takes ~100 ms: too long for the mouse-move handler and
for the event loop while the user draws. The tab asks for a map when a stroke ends (and after a
clear, an undo, a loaded digit or a new network); only the latest request is computed, and a result
that a newer request has overtaken is dropped.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal

from app import jobs
from core import probes
from core.network import Network

SAMPLES = 32
SIGMA = 0.15  # of the [0, 1] pixel range, as in the SmoothGrad paper's 10-20 %


def smooth_map(net: Network, image: np.ndarray, answer: int) -> tuple[np.ndarray, np.ndarray, int]:
    """(image, its SmoothGrad map of the score of ``answer``, answer): runs on a worker thread, on a
    copy of ``net`` (``smooth_saliency`` makes it)."""
    heat = probes.smooth_saliency(net, image[None], outputs=np.array([answer]), of="score",
                                  samples=SAMPLES, sigma=SIGMA)[0]
    return image, heat, answer


class SmoothSaliency(QObject):
    """``request(net, image, answer)``; ``ready(image, map, answer)`` for the latest request."""

    ready = Signal(object, object, int)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._job = None
        self._next: tuple[Network, np.ndarray, int] | None = None

    def request(self, net: Network, image: np.ndarray, answer: int) -> None:
        """Compute the map of ``image`` (28×28) for ``answer`` with ``net``, which nothing else may run
        meanwhile (give it a snapshot of the network on screen)."""
        self._next = (net, image, int(answer))
        if self._job is None:
            self._start()

    def _start(self) -> None:
        net, image, answer = self._next
        self._next = None
        self._job = jobs.call(smooth_map, net, image, answer, done=self._done, ended=self._ended,
                              failed=lambda exc: self.failed.emit(f"{type(exc).__name__}: {exc}"), owner=self)

    def _done(self, result) -> None:
        if self._next is None:  # (else a newer request overtook this one: its map comes next)
            self.ready.emit(*result)

    def _ended(self) -> None:
        self._job = None
        if self._next is not None:
            self._start()

    def cancel(self) -> None:
        """Forget the pending request (e.g. the canvas was cleared); a running one is dropped too."""
        self._next = None
        if self._job is not None:
            self._job.cancel()
            self._job = None

    @property
    def busy(self) -> bool:
        return self._job is not None or self._next is not None
