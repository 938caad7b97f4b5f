"""A person's kept digits, one row per class (0 to 9), each digit at MNIST's own 28 pixels.

Painted by one widget (like ``app.widgets.pixel_image``: a QImage per digit, no scene graph), sized to
hold every digit, so it goes in a scroll area however many there are. A click selects a digit
(``selected(index)``, an index into the arrays last given to :meth:`DigitRows.set_digits`).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app import theme

TILE = 28  # pixels: one MNIST pixel per screen pixel
GAP = 3
LABEL_WIDTH = 46


class DigitRows(QWidget):
    selected = Signal(int)  # the index of the clicked digit (-1: none)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.images = np.zeros((0, 28, 28), np.float32)
        self.labels = np.zeros(0, np.int64)
        self.rows: list[np.ndarray] = [np.zeros(0, np.intp)] * 10
        self.current = -1
        self._qimages: list[QImage] = []
        self._buffers: list[np.ndarray] = []  # keep the QImages' bytes alive
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._resize()

    def set_digits(self, images: np.ndarray, labels: np.ndarray) -> None:
        """Show ``images`` (n, 28, 28) in [0, 1] in the rows of their ``labels``."""
        self.images, self.labels = np.asarray(images, np.float32), np.asarray(labels, np.int64)
        self.rows = [np.flatnonzero(self.labels == d) for d in range(10)]
        self._buffers = [np.ascontiguousarray(np.clip(np.rint(im * 255), 0, 255).astype(np.uint8))
                         for im in self.images]
        self._qimages = [QImage(b.data, 28, 28, 28, QImage.Format.Format_Grayscale8) for b in self._buffers]
        if self.current >= len(self.labels):
            self.current = -1
        self._resize()
        self.update()

    def select(self, index: int) -> None:
        self.current = index if 0 <= index < len(self.labels) else -1
        self.update()
        self.selected.emit(self.current)

    def tile_rect(self, index: int) -> QRect:
        """Where digit ``index`` is drawn."""
        digit = int(self.labels[index])
        column = int(np.searchsorted(self.rows[digit], index))
        return QRect(LABEL_WIDTH + column * (TILE + GAP), GAP + digit * (TILE + GAP), TILE, TILE)

    def index_at(self, x: int, y: int) -> int:
        """The digit under the widget point (x, y), or -1."""
        digit, dy = divmod(y - GAP, TILE + GAP)
        column, dx = divmod(x - LABEL_WIDTH, TILE + GAP)
        if not 0 <= digit < 10 or column < 0 or dx >= TILE or dy >= TILE or x < LABEL_WIDTH:
            return -1
        row = self.rows[digit]
        return int(row[column]) if column < len(row) else -1

    def _resize(self) -> None:
        longest = max((len(r) for r in self.rows), default=0)
        self.setFixedSize(QSize(LABEL_WIDTH + max(longest, 1) * (TILE + GAP), GAP + 10 * (TILE + GAP)))

    def mousePressEvent(self, event) -> None:
        self.select(self.index_at(int(event.position().x()), int(event.position().y())))

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(theme.BASE))
        for digit in range(10):
            top = GAP + digit * (TILE + GAP)
            p.setPen(QColor(theme.TEXT_STRONG))
            p.drawText(QRect(4, top, 16, TILE), int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                       str(digit))
            p.setPen(QColor(theme.MUTED))
            p.drawText(QRect(18, top, LABEL_WIDTH - 22, TILE),
                       int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight), str(len(self.rows[digit])))
            for column, index in enumerate(self.rows[digit]):
                p.drawImage(QRect(LABEL_WIDTH + column * (TILE + GAP), top, TILE, TILE), self._qimages[index])
        if self.current >= 0:
            p.setPen(QPen(QColor(theme.ACCENT), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(self.tile_rect(self.current).adjusted(-1, -1, 1, 1))
        p.end()
