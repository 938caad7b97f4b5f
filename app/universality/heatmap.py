"""A titled heat map of z(x, y) on [0, 1]² with a colour bar; the image item is created once."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSize

from app import theme
from app.theme import plots as look
from app.theme.plots import SEQUENTIAL


TICKS = [(0.0, "0"), (0.5, "0.5"), (1.0, "1")]
MINOR_TICKS = [(0.25, ""), (0.75, "")]


class HeatMap(pg.PlotWidget):
    """``set_data(z, levels)`` with z of shape (rows along y, columns along x); y grows upward."""

    def __init__(self, title: str, cmap: pg.ColorMap = SEQUENTIAL, levels=(0.0, 1.0), view_box=None,
                 parent=None):
        super().__init__(parent=parent, viewBox=view_box, axisItems=look.axes())
        item = self.getPlotItem()
        look.style_plot(item, x_label="x", y_label="y", grid=False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(cmap)
        self.addItem(self.image)
        vb = item.getViewBox()
        vb.setAspectLocked(True)
        vb.setMouseEnabled(False, False)
        vb.setRange(xRange=(0, 1), yRange=(0, 1), padding=0.03)
        for axis in ("left", "bottom"):  # fixed ticks: a small map's automatic ones (0.2 apart) run into each other
            item.getAxis(axis).setTicks([TICKS, MINOR_TICKS])
        self.levels = tuple(levels)
        self.colorbar = pg.ColorBarItem(values=self.levels, colorMap=cmap, interactive=False, width=12)
        self.colorbar.setImageItem(self.image, insert_in=item)
        # the title spans the map and its colour bar, so a long title does not widen the map's column
        # (in a narrow window that pushed the colour bar out of sight)
        item.layout.removeItem(item.titleLabel)
        item.layout.addItem(item.titleLabel, 0, 1, 1, 5)
        self.set_title(title)
        self.colorbar.getAxis("right").setTextPen(theme.MUTED)
        self.colorbar.getAxis("right").setWidth(34)  # room for "0.10" from the start, not after a repaint

    def set_title(self, title: str) -> None:
        if title == getattr(self, "title", None):
            return  # (re-setting it would lay the plot out again, in the middle of a drag)
        self.title = title
        look.set_title(self.getPlotItem(), title)
        self.updateGeometry()  # the title's width is part of the minimum size

    def minimumSizeHint(self) -> QSize:
        """What the plot's own layout (axes, title, colour bar) needs, so Qt layouts do not squeeze it."""
        size = self.getPlotItem().layout.minimumSize()
        return QSize(int(np.ceil(size.width())) + 2, max(120, int(np.ceil(size.height()))))

    def set_data(self, z: np.ndarray, levels=None) -> None:
        if levels is not None and tuple(levels) != self.levels:
            self.levels = tuple(levels)
            self.colorbar.setLevels(self.levels)
        self.image.setImage(np.ascontiguousarray(z, dtype=np.float32), autoLevels=False, levels=self.levels)
        self.image.setRect(QRectF(0, 0, 1, 1))  # the image spans [0, 1]² whatever its size
