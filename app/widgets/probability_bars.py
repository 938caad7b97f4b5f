"""Ten bars, one per digit: a network's output activations, the top one highlighted.

Painted directly with QPainter (ten rectangles and a few labels), so one update costs a fraction of a
millisecond and never allocates widgets.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from app import theme

ACCENT = QColor(theme.ACCENT)
BAR = QColor(theme.BORDER_STRONG)
TRACK = QColor(theme.RAISED)
TEXT = QColor(theme.TEXT)
MUTED = QColor(theme.MUTED)
TRUE_LABEL = QColor(theme.SUCCESS)


class ProbabilityBars(QWidget):
    """Vertical bars for ``values`` (one per class, in [0, 1]) with the class names underneath.

    The largest value is drawn in the accent colour with its value printed above; ``true_label``
    (when known, e.g. for an MNIST sample) is marked under its column.
    """

    def __init__(self, n: int = 10, names: list[str] | None = None, background: str = theme.SURFACE, parent=None):
        super().__init__(parent)
        self.background = QColor(background)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paints its whole area itself
        self._static: QPixmap | None = None
        self._small = QFont(self.font())
        self._small.setPixelSize(theme.FONT_TINY)
        self._bold = QFont(self.font())
        self._bold.setBold(True)
        self.names = names or [str(i) for i in range(n)]
        self.values = np.zeros(len(self.names), np.float32)
        self.true_label: int | None = None
        self.empty = True
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(220, 120)

    def set_values(self, values, true_label: int | None = None) -> None:
        """Show ``values`` (None or an empty array clears the bars)."""
        if values is None or len(values) == 0:
            self.values = np.zeros(len(self.names), np.float32)
            self.empty = True
        else:
            self.values = np.clip(np.asarray(values, np.float32).ravel()[:len(self.names)], 0.0, 1.0)
            self.empty = False
        self.true_label = true_label
        self.update()

    @property
    def top(self) -> int | None:
        """The index of the highest bar, or None when nothing is shown."""
        return None if self.empty else int(np.argmax(self.values))

    def sizeHint(self) -> QSize:
        return QSize(320, 170)

    def _geometry(self):
        n = len(self.names)
        label_h, value_h = 22, 18
        slot = self.width() / n
        bar_w = min(slot * 0.62, 34)
        top_y, bottom_y = value_h + 4, self.height() - label_h - 4
        return slot, bar_w, top_y, bottom_y, label_h, value_h

    def _static_layer(self) -> QPixmap:
        """Background, empty tracks and class names: drawn once per size, then blitted."""
        if self._static is not None and self._static.size() == self.size():
            return self._static
        pixmap = QPixmap(self.size())
        pixmap.fill(self.background)
        p = QPainter(pixmap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        slot, bar_w, top_y, bottom_y, label_h, _ = self._geometry()
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(TRACK)
        for i in range(len(self.names)):
            p.drawRoundedRect(QRectF(slot * i + (slot - bar_w) / 2, top_y, bar_w, max(bottom_y - top_y, 1)), 3, 3)
        p.setFont(self.font())
        p.setPen(TEXT)
        for i, name in enumerate(self.names):
            p.drawText(QRectF(slot * i, bottom_y + 4, slot, label_h), Qt.AlignmentFlag.AlignCenter, name)
        p.end()
        self._static = pixmap
        return pixmap

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.drawPixmap(0, 0, self._static_layer())
        if self.empty:
            p.end()
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        slot, bar_w, top_y, bottom_y, label_h, value_h = self._geometry()
        span = max(bottom_y - top_y, 1)
        top = self.top
        p.setPen(Qt.PenStyle.NoPen)
        for i, v in enumerate(self.values.tolist()):
            if v > 0:
                bar_h = max(v * span, 1.5)
                p.setBrush(ACCENT if i == top else BAR)
                p.drawRoundedRect(QRectF(slot * i + (slot - bar_w) / 2, bottom_y - bar_h, bar_w, bar_h), 3, 3)
        p.setFont(self._small)
        for i, v in enumerate(self.values.tolist()):
            if i == top or v >= 0.1:
                p.setPen(ACCENT if i == top else MUTED)
                y = max(bottom_y - v * span - value_h - 2, 0)
                p.drawText(QRectF(slot * i, y, slot, value_h), Qt.AlignmentFlag.AlignCenter, f"{v:.2f}")
        label_rect = QRectF(slot * top, bottom_y + 4, slot, label_h)
        p.fillRect(label_rect, self.background)
        p.setFont(self._bold)
        p.setPen(ACCENT)
        p.drawText(label_rect, Qt.AlignmentFlag.AlignCenter, self.names[top])
        if self.true_label is not None and 0 <= self.true_label < len(self.names):
            p.setPen(QPen(TRUE_LABEL, 2))
            cx = slot * self.true_label + slot / 2
            y = bottom_y + 4 + label_h - 1
            p.drawLine(int(cx - 8), int(y), int(cx + 8), int(y))
        p.end()
