"""The Draw tab's smoothed saliency map (SmoothGrad, ``core.probes.smooth_saliency``), computed off the
GUI thread while the drawing rests, so that drawing never waits for it.

A CNN's map over 32 noisy copies of the digit takes ~100 ms of CPU: too long for the mouse-move
handler, and work that would compete with the next stroke for the processors. So the tab asks for a
map when a stroke ends (or after a clear, an undo, a loaded digit, a new network); the map is begun
``DELAY_MS`` later if nothing else has been asked for meanwhile, in four batches of eight copies, and
a stroke that begins stops it at the end of the batch under way. Only the latest request is computed;
a result that a newer request has overtaken is dropped.
"""
from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from app import jobs
from core import probes
from core.network import Network

SAMPLES = 32
CHUNK = 8  # noisy copies per batch: a stroke that begins waits for at most one batch (~25 ms for a CNN)
SIGMA = 0.15  # of the [0, 1] pixel range, as in the SmoothGrad paper's 10-20 %
DELAY_MS = 150  # the drawing rests this long before the map is begun


def smooth_map(net: Network, image: np.ndarray, answer: int, stop: threading.Event | None = None):
    """(image, its SmoothGrad map of the score of ``answer``, answer), on a worker thread: the mean of
    ``SAMPLES // CHUNK`` batches of ``probes.smooth_saliency`` (batch k with noise seed k), each on a copy
    of ``net``; None if ``stop`` is set between two batches."""
    total = np.zeros(image.shape, np.float64)
    batches = SAMPLES // CHUNK
    for k in range(batches):
        if stop is not None and stop.is_set():
            return None
        total += probes.smooth_saliency(net, image[None], outputs=np.array([answer]), of="score",
                                        samples=CHUNK, sigma=SIGMA, seed=k)[0]
    return image, (total / batches).astype(np.float32), answer


class SmoothSaliency(QObject):
    """``request(net, image, answer)``; ``ready(image, map, answer)`` for the latest request; ``pause()``
    when a stroke begins."""

    ready = Signal(object, object, int)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._job = None
        self._stop: threading.Event | None = None
        self._next: tuple[Network, np.ndarray, int] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._start)

    def request(self, net: Network, image: np.ndarray, answer: int) -> None:
        """The map of ``image`` (28×28) for ``answer`` with ``net``, which nothing else may run meanwhile
        (give it a snapshot of the network on screen), once the drawing has rested ``DELAY_MS``."""
        self._next = (net, image, int(answer))
        if self._stop is not None:
            self._stop.set()  # (the map under way is for an older drawing)
        self._timer.start(DELAY_MS)

    def pause(self) -> None:
        """A stroke begins: nothing is computed while it goes on (its end asks again)."""
        if self._next is not None or self._timer.isActive():
            self._timer.stop()
            self._next = None
        if self._stop is not None and not self._stop.is_set():
            self._stop.set()

    def _start(self) -> None:
        if self._next is None or self._job is not None:
            return  # (a running job starts the next when it ends)
        net, image, answer = self._next
        self._next = None
        self._stop = threading.Event()
        self._job = jobs.call(smooth_map, net, image, answer, self._stop, done=self._done, ended=self._ended,
                              failed=lambda exc: self.failed.emit(f"{type(exc).__name__}: {exc}"), owner=self)

    def _done(self, result) -> None:
        if result is not None and self._next is None:  # (stopped, or overtaken by a newer request)
            self.ready.emit(*result)

    def _ended(self) -> None:
        self._job = self._stop = None
        if self._next is not None and not self._timer.isActive():
            self._start()

    def cancel(self) -> None:
        """Forget the pending request (e.g. the canvas was cleared); a running one is stopped."""
        self.pause()

    @property
    def busy(self) -> bool:
        return self._job is not None or self._next is not None
