"""A small grey image (e.g. 28×28 MNIST pixels) shown enlarged with crisp square pixels.

For images that change many times a second on the hot path (the Draw tab's "what the network sees"):
one QImage drawn by Qt, no scene graph, so an update costs a few microseconds of Python. Values in
[0, 1] map to black..white (fixed levels, like MNIST).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app import theme


class PixelImage(QWidget):
    def __init__(self, background: str = theme.SURFACE, border: str = theme.BORDER, parent=None):
        super().__init__(parent)
        self.background = QColor(background)
        self.border = QColor(border)
        self._array: np.ndarray | None = None
        self._bytes: np.ndarray | None = None  # keeps the QImage's buffer alive
        self._qimage: QImage | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(56, 56)

    def set_image(self, image: np.ndarray) -> None:
        """Show ``image`` (2-D, values in [0, 1])."""
        a = np.asarray(image, np.float32)
        self._array = a.copy()
        self._bytes = np.ascontiguousarray(np.clip(np.rint(a * 255), 0, 255).astype(np.uint8))
        h, w = self._bytes.shape
        self._qimage = QImage(self._bytes.data, w, h, w, QImage.Format.Format_Grayscale8)
        self.update()

    def image(self) -> np.ndarray | None:
        """The image shown (as given, float32)."""
        return self._array

    def target_rect(self) -> QRectF:
        """The largest square of whole pixels per image pixel, centred."""
        if self._qimage is None:
            return QRectF()
        w, h = self._qimage.width(), self._qimage.height()
        scale = max(1, int(min((self.width() - 2) / w, (self.height() - 2) / h)))
        return QRectF((self.width() - w * scale) / 2, (self.height() - h * scale) / 2, w * scale, h * scale)

    def sizeHint(self) -> QSize:
        return QSize(140, 140)

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), self.background)
        if self._qimage is not None:
            r = self.target_rect()
            p.drawImage(r, self._qimage)  # no smoothing: square pixels
            p.setPen(QPen(self.border, 1))
            p.drawRect(r.adjusted(-0.5, -0.5, 0.5, 0.5))
        p.end()
