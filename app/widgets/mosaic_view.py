"""A mosaic of equally sized tiles (weight images, feature maps, or one cell per neuron) in one
ImageItem, with a few tiles outlined and a tooltip naming the tile under the pointer."""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QCursor, QPen
from PySide6.QtWidgets import QGraphicsRectItem, QToolTip

from app import theme
from app.theme.plots import SEQUENTIAL
from app.widgets.image_view import ImageView, tile, tile_index


class MosaicView(ImageView):
    """``set_tiles(images (n, h, w))`` lays the tiles out ``cols`` wide; ``set_highlights(indices)``
    outlines up to ``max_highlights`` of them. ``describe(i) -> str`` (optional) gives the tooltip."""

    def __init__(self, cmap: pg.ColorMap = SEQUENTIAL, levels=(0.0, 1.0), title: str | None = None,
                 cols: int | None = None, pad: int = 1, max_highlights: int = 5,
                 highlight: str = theme.WARNING, parent=None):
        super().__init__(cmap=cmap, levels=levels, title=title, parent=parent)
        self.cols = cols
        self.pad = pad
        self.n = 0
        self.tile_shape = (1, 1)
        self.describe: Callable[[int], str] | None = None
        pen = QPen(QColor(highlight), 2)
        pen.setCosmetic(True)
        self._rects = []
        for _ in range(max_highlights):
            rect = QGraphicsRectItem()
            rect.setPen(pen)
            rect.setZValue(10)
            rect.hide()
            self.view.addItem(rect)
            self._rects.append(rect)
        self.scene().sigMouseMoved.connect(self._hover)

    def layout_cols(self, n: int) -> int:
        return self.cols or max(1, math.ceil(math.sqrt(n)))

    def set_tiles(self, images: np.ndarray, levels: tuple[float, float] | None = None) -> None:
        images = np.asarray(images, np.float32)
        self.n, self.tile_shape = len(images), images.shape[1:]
        self.set_image(tile(images, self.layout_cols(self.n), self.pad), levels)

    def set_values(self, values: np.ndarray, levels: tuple[float, float] | None = None) -> None:
        """One cell per value (e.g. a layer's activations), no padding between cells."""
        values = np.asarray(values, np.float32).ravel()
        n, cols = len(values), self.layout_cols(len(values))
        grid = np.full(math.ceil(n / cols) * cols, np.nan, np.float32)
        grid[:n] = values
        self.n, self.tile_shape, self.pad = n, (1, 1), 0
        self.set_image(grid.reshape(-1, cols), levels)

    def tile_rect(self, i: int) -> QRectF:
        h, w = self.tile_shape
        r, c = divmod(i, self.layout_cols(self.n))
        return QRectF(c * (w + self.pad), r * (h + self.pad), w, h)

    def set_highlights(self, indices) -> None:
        indices = [int(i) for i in indices][:len(self._rects)]
        for k, rect in enumerate(self._rects):
            if k < len(indices) and 0 <= indices[k] < self.n:
                rect.setRect(self.tile_rect(indices[k]))
                rect.show()
            else:
                rect.hide()

    def highlighted(self) -> list[int]:
        """The indices of the outlined tiles, in order."""
        out = []
        for rect in self._rects:
            if rect.isVisible():
                r = rect.rect()
                h, w = self.tile_shape
                out.append(int(round(r.y() / (h + self.pad))) * self.layout_cols(self.n)
                           + int(round(r.x() / (w + self.pad))))
        return out

    def _hover(self, pos) -> None:
        if self.describe is None or self.n == 0 or not self.view.sceneBoundingRect().contains(pos):
            return
        p: QPointF = self.item.mapFromScene(pos)
        i = tile_index(p.y(), p.x(), tuple(self.tile_shape), self.n, self.layout_cols(self.n), self.pad)
        if i is not None:
            QToolTip.showText(QCursor.pos(), self.describe(i), self)
        else:
            QToolTip.hideText()
