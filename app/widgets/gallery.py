"""A gallery of small digits in one mosaic image, each with a caption; clicking one emits its index.

Used for the misclassified validation digits ("true 4 → 9"). The captions are text items made
once (up to ``capacity``) and only re-labelled; the digits are one ``ImageItem``.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal

from app import theme
from app.theme.palette import font
from app.theme.plots import GREY
from app.widgets.image_view import tile, tile_index
from app.widgets.text_labels import TextLabels


class DigitGallery(pg.GraphicsLayoutWidget):
    clicked = Signal(int)  # index into the images last given to set_digits

    def __init__(self, title: str = "", cols: int = 10, capacity: int = 40, parent=None):
        super().__init__(parent)
        self.setMinimumSize(160, 100)
        self.cols, self.capacity = cols, capacity
        self.title = self.ci.addLabel(title, row=0, col=0, color=theme.TEXT, size=f"{theme.FONT_BODY}px")
        self.view = self.ci.addViewBox(row=1, col=0, lockAspect=True, enableMouse=False, invertY=True)
        self.view.setMenuEnabled(False)
        self.item = pg.ImageItem(axisOrder="row-major")
        self.item.setColorMap(GREY)
        self.view.addItem(self.item)
        self.placeholder = pg.TextItem("", color=theme.MUTED, anchor=(0.5, 0.5))
        self.placeholder.setFont(font(theme.FONT_NOTE))
        self.view.addItem(self.placeholder)
        self.captions = TextLabels(font(theme.FONT_TINY), theme.WARNING, anchor=(0, 0),
                                   background=theme.rgba(theme.BASE, 170), room=30)  # (a tile and its gap)
        self.captions.setZValue(5)
        self.view.addItem(self.captions)
        self.n = 0
        self.shape = (28, 28)
        self.set_digits(np.zeros((0, 28, 28), np.float32), [], empty_text="Mistakes appear after\nthe first epoch")
        self.scene().sigMouseClicked.connect(self._clicked)

    def set_title(self, text: str) -> None:
        self.title.setText(text)

    def set_digits(self, images: np.ndarray, captions: list[str], empty_text: str = "No mistakes") -> None:
        images = np.asarray(images, dtype=np.float32)[:self.capacity]
        self.n = len(images)
        self.shape = images.shape[1:] if images.ndim == 3 else (28, 28)
        h, w = self.shape
        rows = max(1, math.ceil(max(self.n, 1) / self.cols))
        mosaic = tile(images, cols=self.cols, pad=2, fill=0.12) if self.n else np.full(
            (rows * (h + 2) - 2, self.cols * (w + 2) - 2), 0.06, np.float32)
        full = np.full((rows * (h + 2) - 2, self.cols * (w + 2) - 2), 0.06, np.float32)
        full[:mosaic.shape[0], :mosaic.shape[1]] = mosaic
        self.item.setImage(full, autoLevels=False, levels=(0, 1))
        self.view.setRange(QRectF(0, 0, full.shape[1], full.shape[0]), padding=0.01)
        corners = [(c * (w + 2), r * (h + 2)) for r, c in (divmod(i, self.cols) for i in range(self.n))]
        self.captions.set_labels(corners, list(captions[:self.n]), QRectF(0, 0, full.shape[1], full.shape[0]))
        self.item.setVisible(bool(self.n))  # no empty well: the note alone, like the other views' notes
        self.placeholder.setText("" if self.n else empty_text)
        self.placeholder.setPos(full.shape[1] / 2, full.shape[0] / 2)

    def _clicked(self, event) -> None:
        if event.button() != Qt.LeftButton or not self.n:
            return
        point = self.item.mapFromScene(event.scenePos())
        index = tile_index(point.y(), point.x(), self.shape, self.n, self.cols, pad=2)
        if index is not None:
            self.clicked.emit(index)
