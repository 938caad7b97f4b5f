"""A confusion matrix: how often each true digit (row) got each answer (column).

Drawn as one 10×10 RGBA image with the counts written in the cells: the diagonal (right answers) in
green, shaded by the fraction of that digit read correctly; the mistakes in red, shaded against the
most frequent mistake, so the digits the network confuses stand out at a glance. Clicking a cell
emits ``cell_clicked(true, answer)``.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal

from app.theme import plots as _plots  # noqa: F401  (pyqtgraph's options)
from app.widgets.curves import cache_axes, small_font
from app.widgets.text_labels import TextLabels

TEXT = "#d0d6dc"
EMPTY = np.array([22, 27, 33], np.float32)
RIGHT = np.array([67, 170, 139], np.float32)
WRONG = np.array([230, 57, 70], np.float32)


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


class ConfusionMatrix(pg.GraphicsLayoutWidget):
    cell_clicked = Signal(int, int)  # (true digit, the network's answer)

    def __init__(self, title: str = "", classes: int = 10, parent=None):
        super().__init__(parent)
        self.setMinimumSize(140, 140)
        self.classes = classes
        self.plot = self.ci.addPlot(row=0, col=0)
        if title:
            self.plot.setTitle(title, color=TEXT, size="10pt")
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.invertY(True)
        self.plot.setAspectLocked(True)
        ticks = [[(i + 0.5, str(i)) for i in range(classes)]]
        for side, label in (("left", "true digit"), ("bottom", "network's answer")):
            axis = self.plot.getAxis(side)
            axis.setTicks(ticks)
            axis.setLabel(label, color="#8b96a3")
            axis.setStyle(tickFont=small_font(8))
        cache_axes(self.plot)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.plot.setRange(xRange=(0, classes), yRange=(0, classes), padding=0.01)
        self.labels = TextLabels(small_font(7))
        self.plot.addItem(self.labels)
        self.counts = np.zeros((classes, classes), np.int64)
        self.set_counts(self.counts)
        self.scene().sigMouseClicked.connect(self._clicked)

    def set_counts(self, counts: np.ndarray) -> None:
        self.counts = np.asarray(counts, dtype=np.int64)
        self.image.setImage(confusion_colors(self.counts), autoLevels=False, levels=(0, 255))
        self.image.setRect(0, 0, self.classes, self.classes)
        k = self.classes
        centres = [(c + 0.5, r + 0.5) for r in range(k) for c in range(k)]
        self.labels.set_labels(centres, [str(v) if v else "" for v in self.counts.ravel()], QRectF(0, 0, k, k))

    def _clicked(self, event) -> None:
        if event.button() != Qt.LeftButton:
            return
        point: QPointF = self.plot.vb.mapSceneToView(event.scenePos())
        r, c = int(np.floor(point.y())), int(np.floor(point.x()))
        if 0 <= r < self.classes and 0 <= c < self.classes:
            self.cell_clicked.emit(r, c)
