"""Images and mosaics of many small images, drawn as one pyqtgraph ImageItem each.

Many small images (weight tiles, feature maps, digits) go into one mosaic array, not hundreds of
widgets; the item is created once and then only ``setImage(..., autoLevels=False)`` is called.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from app import theme
from app.theme.plots import GREY


def tile(images: np.ndarray, cols: int | None = None, pad: int = 1, fill: float = np.nan,
         below: int = 0) -> np.ndarray:
    """Arrange ``images`` (n, h, w) in a grid with ``pad`` pixels of ``fill`` between them (and ``below``
    more rows of it under each image, e.g. for a caption); returns a 2-D float32 array. ``cols``
    defaults to a near-square grid."""
    images = np.asarray(images, dtype=np.float32)
    n, h, w = images.shape
    cols = cols or max(1, math.ceil(math.sqrt(n)))
    rows = max(1, math.ceil(n / cols))
    pitch = h + below + pad
    out = np.full((rows * pitch - pad, cols * (w + pad) - pad), fill, np.float32)
    for i in range(n):  # at most a few hundred tiles: a plain loop of slice copies
        r, c = divmod(i, cols)
        out[r * pitch:r * pitch + h, c * (w + pad):c * (w + pad) + w] = images[i]
    return out


def tile_index(row: float, col: float, shape: tuple[int, int], n: int, cols: int, pad: int = 1,
               below: int = 0) -> int | None:
    """Which tile of a :func:`tile` mosaic the pixel (row, col) falls in (an image or the ``below``
    rows under it), or None (padding/outside)."""
    h, w = shape
    r, rr = divmod(int(row), h + below + pad)
    c, cc = divmod(int(col), w + pad)
    if row < 0 or col < 0 or rr >= h + below or cc >= w or c >= cols:
        return None
    i = r * cols + c
    return i if i < n else None


class ImageView(pg.GraphicsLayoutWidget):
    """One image with a fixed colour map and fixed levels, aspect locked, no axes.

    ``set_image`` only swaps the data, so it is cheap to call many times a second.
    """

    _hug = False  # (see hug_image; a class default: pyqtgraph resizes the view before __init__ is over)
    range_padding = 0.02  # the blank margin around the image, a fraction of its size each side

    def __init__(self, cmap: pg.ColorMap = GREY, levels: tuple[float, float] = (0.0, 1.0),
                 title: str | None = None, parent=None):
        super().__init__(parent)
        self.setMinimumSize(60, 60)
        self.title = None
        if title:
            self.title = pg.LabelItem(title, color=theme.TEXT, size=f"{theme.FONT_NOTE}px")
            self.title.setMaximumHeight(22)
            self.ci.addItem(self.title, row=0, col=0)
        self.view = self.ci.addViewBox(row=1, col=0, lockAspect=True, enableMouse=False, invertY=True)
        self.view.setMenuEnabled(False)
        self.item = pg.ImageItem(axisOrder="row-major")
        self.item.setColorMap(cmap)
        self.levels = levels
        self.view.addItem(self.item)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)

    def set_image(self, image: np.ndarray, levels: tuple[float, float] | None = None) -> None:
        if levels is not None:
            self.levels = levels
        image = np.ascontiguousarray(image, dtype=np.float32)
        resized = self.item.image is None or self.item.image.shape != image.shape
        self.item.setImage(image, autoLevels=False, levels=self.levels)
        if resized:
            self.view.autoRange(padding=self.range_padding)
            self._hug_image()

    def hug_image(self) -> None:
        """From now on, grow no taller than the image (and the title above it) needs at the view's
        width: spare height goes to the layout around the view, not to blank bands that part the
        image from its title above and from what is under the view."""
        self._hug = True
        self._hug_image()

    def _hug_image(self) -> None:
        if not self._hug or self.item.image is None:
            return
        rows, cols = self.item.image.shape[:2]
        left, top, right, bottom = self.ci.layout.getContentsMargins()
        above = top + bottom
        if self.title is not None and self.title.isVisible():
            above += self.title.maximumHeight() + self.ci.layout.verticalSpacing()
        self.setMaximumHeight(math.ceil(above + max(1.0, self.width() - left - right) * rows / max(cols, 1)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        height = self.height()
        self._hug_image()
        if self.height() != height:  # shrunk to its new maximum within this event: lay the scene out anew
            super().resizeEvent(None)

    def set_title(self, text: str) -> None:
        if self.title is not None:
            self.title.setText(text)

    def image(self) -> np.ndarray | None:
        return self.item.image
