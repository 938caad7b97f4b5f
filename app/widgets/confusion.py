"""A confusion matrix: how often each true digit (row) got each answer (column).

Drawn as one 10×10 RGBA image with the counts written in the cells: the diagonal (right answers) in
green, shaded by the fraction of that digit read correctly; the mistakes in red, shaded against the
most frequent mistake, so the digits the network confuses stand out at a glance. Clicking a cell
emits ``cell_clicked(true, answer)``; hovering one shows its count in a tooltip.

The counts are written in the largest of the theme's small sizes at which every count fits its cell
(in pixels, with a margin, so that neighbouring counts never touch); a count that does not fit even
at the smallest (``theme.FONT_TINY``) is left out, and the title then says to hover for it.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QCursor, QFontMetricsF
from PySide6.QtWidgets import QToolTip

from app import numbers, theme
from app.theme import plots as look
from app.theme.palette import font
from app.widgets.text_labels import TextLabels

EMPTY = np.array(theme.rgba(theme.SURFACE, 255)[:3], np.float32)
RIGHT = np.array(theme.rgba(theme.SUCCESS, 255)[:3], np.float32)
WRONG = np.array(theme.rgba(theme.ERROR, 255)[:3], np.float32)
#: the sizes counts may be written in, largest first; the last is the smallest that reads
COUNT_SIZES = (theme.FONT_NOTE, theme.FONT_SMALL, theme.FONT_TINY)
#: pixels between a count and its cell's left and right sides (its line's height fits the cell's)
COUNT_MARGIN = 1.5


def confusion_colors(counts: np.ndarray) -> np.ndarray:
    """(k, k) counts -> (k, k, 4) uint8 RGBA cell colours."""
    counts = np.asarray(counts, dtype=np.float64)
    k = len(counts)
    rows = counts.sum(axis=1, keepdims=True)
    right = np.divide(counts, rows, out=np.zeros_like(counts), where=rows > 0)
    off = counts * (1 - np.eye(k))
    worst = off.max()
    wrong = off / worst if worst > 0 else off
    wrong = np.where(off > 0, 0.12 + 0.88 * wrong, 0.0)  # any mistake shows; the worst stand out
    t = np.where(np.eye(k, dtype=bool), right, wrong)[..., None]
    colour = np.where(np.eye(k, dtype=bool)[..., None], RIGHT, WRONG)
    rgb = EMPTY + (colour - EMPTY) * t
    return np.concatenate([rgb, np.full((k, k, 1), 255.0)], axis=2).astype(np.uint8)


def fitted_counts(counts: np.ndarray, cell_width: float, cell_height: float) -> tuple[int, list[str]]:
    """(font size in pixels, the text of each cell, row by row) for ``counts`` in cells of
    ``cell_width``×``cell_height`` pixels: the largest of ``COUNT_SIZES`` at which every count fits
    (its text and a ``COUNT_MARGIN`` each side), else the smallest, the counts too wide for it left
    out (""). Zero counts are left out too: an empty cell reads as none."""
    texts = [str(v) if v else "" for v in np.asarray(counts, dtype=np.int64).ravel()]
    for size in COUNT_SIZES:
        metrics = QFontMetricsF(font(size))
        fits = [not t or (metrics.horizontalAdvance(t) + 2 * COUNT_MARGIN <= cell_width
                          and metrics.height() <= cell_height) for t in texts]
        if all(fits):
            break
    return size, [t if ok else "" for t, ok in zip(texts, fits)]


class ConfusionMatrix(pg.GraphicsLayoutWidget):
    cell_clicked = Signal(int, int)  # (true digit, the network's answer)

    def __init__(self, title: str = "", classes: int = 10, hidden_title: str = "", parent=None):
        """``hidden_title``: the title while some counts are left out (default: ``title`` and a hint
        to hover); :meth:`least_width` is the room either takes."""
        super().__init__(parent)
        self.setMinimumSize(140, 140)
        self.classes = classes
        self.titles = (title, hidden_title or f"{title}: hover for counts")
        self.plot = self.ci.addPlot(row=0, col=0)
        look.style_plot(self.plot, title, "network's answer", "true digit", grid=False, readout=False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.invertY(True)
        self.plot.setAspectLocked(True)
        ticks = [[(i + 0.5, str(i)) for i in range(classes)]]
        for side in ("left", "bottom"):
            axis = self.plot.getAxis(side)
            axis.setTicks(ticks)
            axis.setStyle(tickFont=font(theme.FONT_SMALL))
        look.cache_axes(self.plot)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.plot.setRange(xRange=(0, classes), yRange=(0, classes), padding=0.01)
        self.labels = TextLabels(font(COUNT_SIZES[0]), padding=(COUNT_MARGIN, 0.0))
        self.plot.addItem(self.labels)
        self.hidden = 0  # how many (non-zero) counts are left out, too wide for their cells
        self._fitted: tuple | None = None  # (cell size, counts) the labels were last fitted to
        self.counts = np.zeros((classes, classes), np.int64)
        self.set_counts(self.counts)
        self.plot.vb.sigTransformChanged.connect(self._fit_labels)
        self.scene().sigMouseMoved.connect(self._hover)
        self.scene().sigMouseClicked.connect(self._clicked)

    def set_counts(self, counts: np.ndarray) -> None:
        self.counts = np.asarray(counts, dtype=np.int64)
        self.image.setImage(confusion_colors(self.counts), autoLevels=False, levels=(0, 255))
        self.image.setRect(0, 0, self.classes, self.classes)
        self._fit_labels()

    def cell_size(self) -> tuple[float, float]:
        """A cell's width and height in pixels, as the view draws it now."""
        vb = self.plot.vb
        origin, corner = vb.mapViewToScene(QPointF(0, 0)), vb.mapViewToScene(QPointF(1, 1))
        return abs(corner.x() - origin.x()), abs(corner.y() - origin.y())

    def _fit_labels(self, *_) -> None:
        cell = tuple(math.floor(v * 100) / 100 for v in self.cell_size())  # (never wider than it is)
        key = (cell, self.counts.tobytes())
        if key == self._fitted:
            return
        self._fitted = key
        size, texts = fitted_counts(self.counts, *cell)
        self.labels.set_font(font(size))
        k = self.classes
        centres = [(c + 0.5, r + 0.5) for r in range(k) for c in range(k)]
        self.labels.set_labels(centres, texts, QRectF(0, 0, k, k))
        self.hidden = int(np.count_nonzero(self.counts)) - sum(1 for t in texts if t)
        self._set_title(self.titles[1] if self.hidden else self.titles[0])

    def _set_title(self, text: str) -> None:
        if self.plot.titleLabel.text != text:
            look.set_title(self.plot, text)

    def least_width(self) -> int:
        """The width the widget needs with the wider of its two titles: what its layout needs now, plus
        how much wider that title is than the one it has (a minimum width that holds either)."""
        self.ci.layout.invalidate()  # (its size hints are cached from before the last change)
        need = self.ci.effectiveSizeHint(Qt.SizeHint.MinimumSize).width()
        metrics = QFontMetricsF(font(theme.FONT_BODY))
        wider = max(metrics.horizontalAdvance(t) for t in self.titles)
        return math.ceil(need + wider - metrics.horizontalAdvance(self.plot.titleLabel.text)) + 2

    def cell_at(self, scene_pos: QPointF) -> tuple[int, int] | None:
        """(true digit, answer) of the cell under ``scene_pos``, or None."""
        point = self.plot.vb.mapSceneToView(scene_pos)
        r, c = int(np.floor(point.y())), int(np.floor(point.x()))
        return (r, c) if 0 <= r < self.classes and 0 <= c < self.classes else None

    def describe(self, true: int, answer: int) -> str:
        """A cell's count in words: "7 read as 9: 12 of the 1,028 7s"."""
        count, total = int(self.counts[true, answer]), int(self.counts[true].sum())
        what = f"{true} read right" if true == answer else f"{true} read as {answer}"
        return f"{what}: {numbers.number(count)} of the {numbers.number(total)} {true}s"

    def _hover(self, scene_pos) -> None:
        cell = self.cell_at(scene_pos) if self.plot.vb.sceneBoundingRect().contains(scene_pos) else None
        if cell is not None:
            QToolTip.showText(QCursor.pos(), self.describe(*cell), self)
        else:
            QToolTip.hideText()

    def viewportEvent(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:  # over a cell, its count (not the widget's own tooltip)
            cell = self.cell_at(self.mapToScene(event.pos()))
            if cell is not None:
                QToolTip.showText(event.globalPos(), self.describe(*cell), self)
                return True
        return super().viewportEvent(event)

    def _clicked(self, event) -> None:
        if event.button() != Qt.LeftButton:
            return
        cell = self.cell_at(event.scenePos())
        if cell is not None:
            self.cell_clicked.emit(*cell)
