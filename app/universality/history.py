"""Undo and redo for a Universality page: the page's model is saved before each change the user makes
(a drag on a plot, a button, a typed value) and put back on Ctrl+Z (or the page's Undo button).

A model's state is a plain value (tuples of numbers) that the page reads with ``get`` and restores with
``put``. Changes in a row to the same control (a slider dragged, a spin box stepped) within
``MERGE_SECONDS`` of each other are one step, so one undo takes back a whole slider drag.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Any

from PySide6.QtCore import QObject, Signal

MERGE_SECONDS = 1.0
LIMIT = 200


class History(QObject):
    """``checkpoint(key)`` before a change; ``undo()``/``redo()``; ``changed`` when either becomes
    (un)available."""

    changed = Signal()

    def __init__(self, get: Callable[[], Any], put: Callable[[Any], None], parent: QObject | None = None):
        super().__init__(parent)
        self.get, self.put = get, put
        self._undo: list[Any] = []
        self._redo: list[Any] = []
        self._last: tuple[Hashable, float] | None = None  # (key, time) of the last checkpoint

    def checkpoint(self, key: Hashable | None = None) -> None:
        """Save the state as it is before a change. ``key`` names the control making it: a change by the
        same control soon after the last one belongs to the same step (None: always a step of its own)."""
        now = time.monotonic()
        if key is not None and self._last is not None and self._last[0] == key and now - self._last[1] < MERGE_SECONDS:
            self._last = (key, now)
            return
        self._last = (key, now)
        state = self.get()
        if self._undo and self._undo[-1] == state:
            return
        self._undo.append(state)
        del self._undo[:-LIMIT]
        self._redo.clear()
        self.changed.emit()

    def undo(self) -> bool:
        """Back to the state before the last change (steps that changed nothing are skipped)."""
        return self._move(self._undo, self._redo)

    def redo(self) -> bool:
        return self._move(self._redo, self._undo)

    def _move(self, source: list, target: list) -> bool:
        current = self.get()
        while source and source[-1] == current:  # (a click that moved nothing)
            source.pop()
        if not source:
            self.changed.emit()
            return False
        target.append(current)
        self._last = None
        self.put(source.pop())
        self.changed.emit()
        return True

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)
