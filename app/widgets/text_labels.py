"""Text in plots: many short labels drawn by one graphics item, at data positions, in screen-sized
type (:class:`TextLabels`); one label as a pyqtgraph ``TextItem`` in the theme's font (:func:`label_item`).

A pyqtgraph ``TextItem`` per label costs one Python ``paint`` call per label per repaint; while a
training thread holds the GIL, each such call can wait for it. One item that paints all its labels
in one call keeps a repaint cheap however many labels there are (a confusion matrix has 100).
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QTransform

from app import theme
from app.theme import plots as look
from app.theme.palette import font


class TextLabels(pg.GraphicsObject):
    """Labels anchored at points in the parent's (data) coordinates; ``anchor`` (0..1, 0..1) is which
    point of each label's box sits on its position, e.g. (0.5, 0.5) centred, (0, 0) top-left."""

    def __init__(self, font: QFont, colour: str = theme.TEXT_STRONG, anchor: tuple[float, float] = (0.5, 0.5),
                 background: tuple[int, int, int, int] | None = None, padding: float = 1.0,
                 room: float | None = None, overflow: float = 1.0):
        """``room``: the width (data units) each label has, e.g. a cell's: when the widest label is
        wider than ``overflow`` times that on screen, no label is drawn (a small view shows the
        colours alone, rather than labels over their neighbours, or only the short ones). Centred
        labels may overflow their room a little (their neighbours are mostly narrower)."""
        super().__init__()
        self.room, self.overflow = room, overflow
        self.font = font
        self.colour = QColor(colour)
        self.anchor = anchor
        self.background = QColor(*background) if background else None
        self.padding = padding
        self.positions: list[tuple[float, float]] = []
        self.texts: list[str] = []
        self._rect = QRectF(0, 0, 1, 1)
        self._metrics = QFontMetricsF(font)
        self._widest = 0.0

    def set_labels(self, positions, texts: list[str], rect: QRectF) -> None:
        """Show ``texts[i]`` at ``positions[i]``; ``rect`` (data coordinates) bounds them all."""
        self.prepareGeometryChange()
        self.positions = [(float(x), float(y)) for x, y in positions]
        self.texts = list(texts)
        self._widest = max((self._metrics.horizontalAdvance(t) for t in self.texts), default=0.0)
        self._rect = QRectF(rect)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter, *args) -> None:
        if not self.texts:
            return
        to_device = painter.transform()
        painter.save()
        painter.setTransform(QTransform())  # draw in device pixels: the text keeps its size at any zoom
        painter.setFont(self.font)
        painter.setPen(self.colour)
        height = self._metrics.height()
        ax, ay, pad = self.anchor[0], self.anchor[1], self.padding
        if self.room is not None:  # the room in pixels, at this zoom
            room = abs(to_device.map(QPointF(self.room, 0)).x() - to_device.map(QPointF(0, 0)).x())
            if self._widest + 2 * pad > room * self.overflow:
                painter.restore()
                return
        for (x, y), text in zip(self.positions, self.texts):
            if not text:
                continue
            point = to_device.map(QPointF(x, y))
            width = self._metrics.horizontalAdvance(text)
            box = QRectF(point.x() - ax * (width + 2 * pad), point.y() - ay * (height + 2 * pad),
                         width + 2 * pad, height + 2 * pad)
            if self.background is not None:
                painter.fillRect(box, self.background)
            painter.drawText(box, Qt.AlignCenter, text)
        painter.restore()


def label_item(text: str = "", color: str = theme.TEXT, anchor=(0, 1), size: int = theme.FONT_NOTE,
               backed: bool = False) -> pg.TextItem:
    """A text label in a plot (``size`` in pixels); ``backed`` puts it on a dark card so curves behind
    it do not cross it."""
    fill = pg.mkBrush(look.CARD) if backed else None
    item = pg.TextItem(text, color=QColor(color), anchor=anchor, fill=fill)
    item.setFont(font(size))
    return item
