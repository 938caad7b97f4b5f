"""A gallery of small digits in one mosaic image, each with its caption under it; clicking one emits
its index.

Used for the misclassified validation digits ("4→9": true 4, read as 9). Each digit keeps a band of
its own under it for its caption, so no caption covers a digit, and no digit is drawn smaller than
``MIN_DIGIT_PX``: a small view shows fewer digits (the first ones given), not smaller ones (nor larger
than ``MAX_DIGIT_PX``: a few digits in a large view stay in a gallery's row, at its top). The grid
(how many digits, in how many columns, how tall the bands) follows the view's size in pixels
(:func:`arrange`). The digits are one ``ImageItem``, the captions one :class:`TextLabels`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QFontMetricsF

from app import theme
from app.theme.palette import font
from app.theme.plots import GREY
from app.widgets.image_view import tile, tile_index
from app.widgets.text_labels import TextLabels

#: a digit is drawn no smaller than this (MNIST's own 28 pixels: one screen pixel each)
MIN_DIGIT_PX = 28
#: ...and no larger than this (a few mistakes in a large view stay a gallery, not a poster)
MAX_DIGIT_PX = 84
#: image pixels between neighbouring digits (and between a caption band and the digit under it)
PAD = 2
#: pixels of room around a caption's text, each side
CAPTION_PADDING = 1.0


@dataclass(frozen=True)
class Grid:
    """How a gallery lays out: ``count`` digits in ``cols`` columns, ``band`` image pixels of caption
    room under each, drawn at ``scale`` screen pixels per image pixel."""

    count: int
    cols: int
    band: int
    scale: float


def _fit(count: int, cols: int, width: float, height: float, shape: tuple[int, int], caption: float,
         pad: int, most: float) -> tuple[float, int]:
    """(scale, band) of ``count`` digits in ``cols`` columns in a ``width``×``height`` pixel view:
    the largest scale (up to ``most``) at which each caption band (``band`` image pixels) is
    ``caption`` pixels tall or more; scale 0 when the rows' captions alone are taller than the view."""
    h, w = shape
    rows = math.ceil(count / cols)
    across = min(most, width / (cols * (w + pad) - pad))
    if height <= caption * rows:
        return 0.0, 0
    # band·scale ≥ caption, with scale = min(across, height / (rows·(h + band + pad) − pad)): both
    # terms at least caption / band; the second, solved for band
    band = max(1, math.ceil(caption / across - 1e-9),
               math.ceil(caption * (rows * (h + pad) - pad) / (height - caption * rows) - 1e-9))
    return min(across, height / (rows * (h + band + pad) - pad)), band


def arrange(n: int, width: float, height: float, shape: tuple[int, int] = (28, 28), caption: float = 14.0,
            pad: int = PAD, smallest: float = MIN_DIGIT_PX, largest: float = MAX_DIGIT_PX) -> Grid:
    """The grid for ``n`` digits of ``shape`` in a ``width``×``height`` pixel view, each with a
    ``caption`` pixels tall band under it: all ``n`` in the columns that draw them largest (up to
    ``largest`` pixels wide; of equal sizes, the fewest rows, then columns), if that is ``smallest``
    pixels or more;
    else as many as fit at ``smallest`` (at least one)."""
    if n <= 0 or width <= 0 or height <= 0:
        return Grid(0, 1, 0, 0.0)
    most = largest / shape[1]
    fits = [_fit(n, cols, width, height, shape, caption, pad, most) + (cols,) for cols in range(1, n + 1)]
    scale, band, cols = max(fits, key=lambda found: (found[0], -math.ceil(n / found[2]), -found[2]))
    least = smallest / shape[1]
    if scale >= least:
        return Grid(n, cols, band, scale)
    band = math.ceil(caption / least - 1e-9)
    cols = max(1, math.floor((width + pad * least) / ((shape[1] + pad) * least)))
    rows = max(1, math.floor((height + pad * least) / ((shape[0] + band + pad) * least)))
    count = min(n, cols * rows)
    cols = min(cols, count)
    scale, band = _fit(count, cols, width, height, shape, caption, pad, most)
    return Grid(count, cols, band, scale)


class DigitGallery(pg.GraphicsLayoutWidget):
    clicked = Signal(int)  # index into the images last given to set_digits

    def __init__(self, title: str = "", capacity: int = 40, parent=None):
        super().__init__(parent)
        self.setMinimumSize(160, 100)
        self.capacity = capacity
        self.title = self.ci.addLabel(title, row=0, col=0, color=theme.TEXT, size=f"{theme.FONT_BODY}px")
        self.view = self.ci.addViewBox(row=1, col=0, lockAspect=True, enableMouse=False, invertY=True)
        self.view.setMenuEnabled(False)
        self.item = pg.ImageItem(axisOrder="row-major")
        self.item.setColorMap(GREY)
        self.view.addItem(self.item)
        self.placeholder = pg.TextItem("", color=theme.MUTED, anchor=(0.5, 0.5))
        self.placeholder.setFont(font(theme.FONT_NOTE))
        self.view.addItem(self.placeholder)
        caption_font = font(theme.FONT_TINY)
        self.captions = TextLabels(caption_font, theme.WARNING, padding=CAPTION_PADDING)
        self.caption_px = QFontMetricsF(caption_font).height() + 2 * CAPTION_PADDING  # a band's least height
        self.captions.setZValue(5)
        self.view.addItem(self.captions)
        self.images = np.zeros((0, 28, 28), np.float32)
        self.texts: list[str] = []
        self.empty_text = ""
        self.grid = Grid(0, 1, 0, 0.0)
        self.view.sigResized.connect(self._lay_out)
        self.set_digits(self.images, [], empty_text="Mistakes appear after\nthe first epoch")
        self.scene().sigMouseClicked.connect(self._clicked)

    @property
    def n(self) -> int:
        """How many digits were given (the grid shows ``grid.count`` of them, the first ones)."""
        return len(self.images)

    @property
    def shape(self) -> tuple[int, int]:
        return tuple(self.images.shape[1:]) if self.images.ndim == 3 else (28, 28)

    def set_title(self, text: str) -> None:
        self.title.setText(text)

    def set_digits(self, images: np.ndarray, captions: list[str], empty_text: str = "No mistakes") -> None:
        self.images = np.asarray(images, dtype=np.float32)[:self.capacity]
        self.texts = list(captions[:len(self.images)])
        self.empty_text = empty_text
        self.grid = Grid(0, 1, 0, 0.0)
        self._lay_out()

    def tile_rect(self, i: int) -> QRectF:
        """Digit ``i``'s square in the mosaic (the image item's coordinates)."""
        h, w = self.shape
        r, c = divmod(i, self.grid.cols)
        return QRectF(c * (w + PAD), r * (h + self.grid.band + PAD), w, h)

    def _lay_out(self, *_) -> None:
        width, height = self.view.width(), self.view.height()
        grid = arrange(self.n, width, height, self.shape, self.caption_px)
        if grid.count == 0:
            self.grid = grid
            self.item.setVisible(False)  # no empty well: the note alone, like the other views' notes
            self.captions.set_labels([], [], QRectF(0, 0, 1, 1))
            self.placeholder.setText(self.empty_text if not self.n else "")
            self.placeholder.setPos(max(width, 1.0) / 2, max(height, 1.0) / 2)
            self.view.setRange(QRectF(0, 0, max(width, 1.0), max(height, 1.0)), padding=0)
            return
        changed = (grid.count, grid.cols, grid.band) != (self.grid.count, self.grid.cols, self.grid.band)
        self.grid = grid
        if changed or self.item.image is None:  # (else only the scale changed: the view's range follows)
            mosaic = tile(self.images[:grid.count], cols=grid.cols, pad=PAD, below=grid.band)
            self.item.setImage(mosaic, autoLevels=False, levels=(0, 1))
            # each caption centred in the band under its digit
            centres = [(rect.center().x(), rect.bottom() + grid.band / 2)
                       for rect in (self.tile_rect(i) for i in range(grid.count))]
            self.captions.set_labels(centres, self.texts[:grid.count], QRectF(0, 0, mosaic.shape[1], mosaic.shape[0]))
        self.item.setVisible(True)
        self.placeholder.setText("")
        # the view at the grid's scale: the digits at the top, centred across
        span_x, span_y = width / grid.scale, height / grid.scale
        self.view.setRange(QRectF((self.item.image.shape[1] - span_x) / 2, 0, span_x, span_y), padding=0)

    def _clicked(self, event) -> None:
        if event.button() != Qt.LeftButton or not self.grid.count:
            return
        point = self.item.mapFromScene(event.scenePos())
        index = tile_index(point.y(), point.x(), self.shape, self.grid.count, self.grid.cols, pad=PAD,
                           below=self.grid.band)
        if index is not None:
            self.clicked.emit(index)
