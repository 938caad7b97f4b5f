"""A titled heat map of z(x, y) on [0, 1]² with a colour bar; the image item is created once."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from app import theme
from app.universality.plotting import FOREGROUND, MUTED


class HeatMap(pg.PlotWidget):
    """``set_data(z, levels)`` with z of shape (rows along y, columns along x); y grows upward."""

    def __init__(self, title: str, cmap: pg.ColorMap = theme.SEQUENTIAL, levels=(0.0, 1.0), view_box=None,
                 parent=None):
        super().__init__(parent=parent, viewBox=view_box)
        item = self.getPlotItem()
        item.setTitle(f"<span style='color:{FOREGROUND}; font-size:10pt'>{title}</span>")
        item.hideButtons()
        item.setMenuEnabled(False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(cmap)
        self.addItem(self.image)
        vb = item.getViewBox()
        vb.setAspectLocked(True)
        vb.setMouseEnabled(False, False)
        vb.setRange(xRange=(0, 1), yRange=(0, 1), padding=0.02)
        for axis in ("left", "bottom"):
            item.getAxis(axis).setTextPen(MUTED)
            item.getAxis(axis).setPen(pg.mkPen("#3a444f"))
        item.setLabel("bottom", "x", color=MUTED)
        item.setLabel("left", "y", color=MUTED)
        self.levels = tuple(levels)
        self.colorbar = pg.ColorBarItem(values=self.levels, colorMap=cmap, interactive=False, width=12)
        self.colorbar.setImageItem(self.image, insert_in=item)
        self.colorbar.getAxis("right").setTextPen(MUTED)

    def set_data(self, z: np.ndarray, levels=None) -> None:
        if levels is not None and tuple(levels) != self.levels:
            self.levels = tuple(levels)
            self.colorbar.setLevels(self.levels)
        self.image.setImage(np.ascontiguousarray(z, dtype=np.float32), autoLevels=False, levels=self.levels)
        self.image.setRect(QRectF(0, 0, 1, 1))  # the image spans [0, 1]² whatever its size
