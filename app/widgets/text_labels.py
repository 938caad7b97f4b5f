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
                 padding: float | tuple[float, float] = 1.0):
        """``padding``: pixels around each label's text, one number or (across, down). The owner sees
        that the labels have room (e.g. picks the font for the room, :meth:`set_font`)."""
        super().__init__()
        self.font = font
        self.colour = QColor(colour)
        self.anchor = anchor
        self.padding = padding
        self.positions: list[tuple[float, float]] = []
        self.texts: list[str] = []
        self._rect = QRectF(0, 0, 1, 1)
        self._metrics = QFontMetricsF(font)

    def set_labels(self, positions, texts: list[str], rect: QRectF) -> None:
        """Show ``texts[i]`` at ``positions[i]``; ``rect`` (data coordinates) bounds them all."""
        self.prepareGeometryChange()
        self.positions = [(float(x), float(y)) for x, y in positions]
        self.texts = list(texts)
        self._rect = QRectF(rect)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def set_font(self, font: QFont) -> None:
        """Draw the labels in ``font`` from now on (e.g. a size chosen for the room they have)."""
        self.font = font
        self._metrics = QFontMetricsF(font)
        self.update()

    def boxes(self, to_device: QTransform) -> list[tuple[QRectF, str]]:
        """Each label's box (text and padding) in device pixels, as :meth:`paint` draws them with
        ``to_device`` (this item's transform to the device)."""
        pad_x, pad_y = self.padding if isinstance(self.padding, tuple) else (self.padding, self.padding)
        height = self._metrics.height()
        ax, ay = self.anchor
        found = []
        for (x, y), text in zip(self.positions, self.texts):
            if not text:
                continue
            point = to_device.map(QPointF(x, y))
            width = self._metrics.horizontalAdvance(text)
            found.append((QRectF(point.x() - ax * (width + 2 * pad_x), point.y() - ay * (height + 2 * pad_y),
                                 width + 2 * pad_x, height + 2 * pad_y), text))
        return found

    def screen_boxes(self) -> list[tuple[QRectF, str]]:
        """:meth:`boxes` in the viewport pixels of the view that shows this item (none if no view)."""
        views = self.scene().views() if self.scene() is not None else []
        return self.boxes(self.deviceTransform(views[0].viewportTransform())) if views else []

    def paint(self, painter, *args) -> None:
        if not self.texts:
            return
        boxes = self.boxes(painter.transform())
        painter.save()
        painter.setTransform(QTransform())  # draw in device pixels: the text keeps its size at any zoom
        painter.setFont(self.font)
        painter.setPen(self.colour)
        for box, text in boxes:
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
