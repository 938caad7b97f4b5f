"""Ten bars, one per digit: a network's output activations, the top one highlighted.

Painted directly with QPainter (ten rectangles and a few labels), so one update costs a fraction of a
millisecond and never allocates widgets.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

ACCENT = QColor("#4cc9f0")
BAR = QColor("#3b4756")
TRACK = QColor("#1b2128")
TEXT = QColor("#d0d6dc")
MUTED = QColor("#7d8894")
TRUE_LABEL = QColor("#b5e48c")


class ProbabilityBars(QWidget):
    """Vertical bars for ``values`` (one per class, in [0, 1]) with the class names underneath.

    The largest value is drawn in the accent colour with its value printed above; ``true_label``
    (when known, e.g. for an MNIST sample) is marked under its column.
    """

    def __init__(self, n: int = 10, names: list[str] | None = None, parent=None):
        super().__init__(parent)
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

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        n = len(self.names)
        label_h, value_h = 22, 18
        w, h = self.width(), self.height()
        slot = w / n
        bar_w = min(slot * 0.62, 34)
        top_y, bottom_y = value_h + 4, h - label_h - 4
        span = max(bottom_y - top_y, 1)
        top = self.top
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() * 0.85, 7))
        bold = QFont(self.font())
        bold.setBold(True)
        for i, name in enumerate(self.names):
            x = slot * i + (slot - bar_w) / 2
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(TRACK)
            p.drawRoundedRect(QRectF(x, top_y, bar_w, span), 3, 3)
            v = float(self.values[i])
            if not self.empty and v > 0:
                bar_h = max(v * span, 1.5)
                p.setBrush(ACCENT if i == top else BAR)
                p.drawRoundedRect(QRectF(x, bottom_y - bar_h, bar_w, bar_h), 3, 3)
            if not self.empty and (i == top or v >= 0.1):
                p.setFont(small)
                p.setPen(ACCENT if i == top else MUTED)
                y = max(bottom_y - v * span - value_h - 2, 0)
                p.drawText(QRectF(slot * i, y, slot, value_h), Qt.AlignmentFlag.AlignCenter, f"{v:.2f}")
            label_rect = QRectF(slot * i, bottom_y + 4, slot, label_h)
            p.setFont(bold if i == top else self.font())
            p.setPen(ACCENT if i == top else TEXT)
            p.drawText(label_rect, Qt.AlignmentFlag.AlignCenter, name)
            if self.true_label == i:
                p.setPen(QPen(TRUE_LABEL, 2))
                cx = slot * i + slot / 2
                p.drawLine(int(cx - 8), int(label_rect.bottom() - 1), int(cx + 8), int(label_rect.bottom() - 1))
        p.end()
