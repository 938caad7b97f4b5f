"""Run a refresh at most once per interval, and once more after the last request (trailing edge), so
a view never lags behind the data and never floods the event loop.

With ``leading=True`` a request after an idle interval runs at once, inside the caller (lowest
latency: the mouse-move handler itself updates the prediction). With ``leading=False`` it runs from
the event loop as soon as possible, after the events already waiting (for slower views that must not
delay the fast ones)."""
from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import QObject, QTimer


class Throttle(QObject):
    def __init__(self, callback: Callable[[], None], interval_ms: float, parent: QObject | None = None,
                 leading: bool = True):
        super().__init__(parent)
        self.callback = callback
        self.leading = leading
        self.interval = interval_ms / 1000.0
        self._last = -1e9
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)

    def request(self) -> None:
        """Ask for a refresh: now if the last one is at least an interval old, else when it is."""
        if self._timer.isActive():
            return
        wait = self._last + self.interval - time.perf_counter()
        if wait <= 0 and self.leading:
            self.flush()
        else:
            self._timer.start(max(0, int(wait * 1000)))

    def flush(self) -> None:
        """Refresh now (and forget any pending request)."""
        self._timer.stop()
        self._last = time.perf_counter()
        self.callback()

    @property
    def pending(self) -> bool:
        return self._timer.isActive()
