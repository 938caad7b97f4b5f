"""Histograms of each layer's weights, now against the start of training, side by side.

The plots are made when the layers are known (``set_layers``); each update only swaps the counts of
two step curves per layer: the start as a grey filled area, now as a coloured line.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

from app import theme
from app.theme import plots as look
from app.theme.palette import font

START = theme.MUTED  # the weights when the run started
MAX_COLUMNS = 3  # layers side by side; more go in two rows


class LayerHistograms(pg.GraphicsLayoutWidget):
    """One small histogram per layer: fraction of the layer's weights per bin, side by side (in two
    rows for more than ``MAX_COLUMNS`` layers)."""

    def __init__(self, title: str = "", parent=None):
        super().__init__(parent)
        self.setMinimumSize(160, 100)
        self.title = title
        self.plots: list[pg.PlotItem] = []
        self.start_curves: list[pg.PlotDataItem] = []
        self.now_curves: list[pg.PlotDataItem] = []
        self.set_layers([])

    def set_layers(self, names: list[str]) -> None:
        """Make one plot per layer (called when a run starts, never per frame; plots for the same
        layers as before are kept and emptied)."""
        if names and names == [p.titleLabel.text for p in self.plots]:
            for start, now in zip(self.start_curves, self.now_curves):
                start.setData([], [])
                now.setData([], [])
            return
        self.ci.clear()
        self.plots, self.start_curves, self.now_curves = [], [], []
        cols = max(1, len(names) if len(names) <= MAX_COLUMNS else math.ceil(len(names) / 2))
        if self.title:
            self.ci.addLabel(self.title, row=0, col=0, colspan=cols, color=theme.TEXT, size=f"{theme.FONT_BODY}px")
        if not names:
            self.ci.addLabel("Histograms appear when a run starts",
                             row=1, col=0, color=theme.MUTED, size=f"{theme.FONT_NOTE}px")
            self.ci.layout.setRowStretchFactor(1, 1)  # the title stays at the top, like the other views'

        for i, name in enumerate(names):
            plot = self.ci.addPlot(row=1 + i // cols, col=i % cols, axisItems=look.axes())
            look.style_plot(plot, grid=False)
            plot.setTitle(name, color=theme.TEXT, size=f"{theme.FONT_SMALL}px")
            plot.setMouseEnabled(x=False, y=False)
            plot.hideAxis("left")
            plot.enableAutoRange(False)
            plot.setYRange(0, 0.1, padding=0)
            plot.getAxis("bottom").setStyle(tickFont=font(theme.FONT_TINY), maxTickLevel=0)
            start = pg.PlotDataItem(stepMode="center", fillLevel=0, pen=pg.mkPen(START, width=1),
                                    brush=pg.mkBrush(theme.rgba(START, 70)))
            now = pg.PlotDataItem(stepMode="center", pen=pg.mkPen(theme.series(i), width=1.6))
            start.curve.setCacheMode(pg.QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)  # changes rarely
            start.readout_name, now.readout_name = "start", "now"  # (the hover read-out's names for them)
            plot.readout.x_name = "weight"
            plot.addItem(start)
            plot.addItem(now)
            look.cache_axes(plot)
            self.plots.append(plot)
            self.start_curves.append(start)
            self.now_curves.append(now)

    def set_counts(self, hists: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> None:
        """``hists[i] = (bin centres, start fractions, now fractions)`` for layer i."""
        for plot, start, now, (centres, start_counts, now_counts) in zip(self.plots, self.start_curves,
                                                                           self.now_curves, hists):
            if len(centres) < 2:
                continue
            width = centres[1] - centres[0]
            edges = np.append(centres - width / 2, centres[-1] + width / 2)
            if start.xData is None or len(start.xData) != len(edges) or start.xData[0] != edges[0]:
                start.setData(edges, start_counts)  # the start changes only when the range widens
                plot.setXRange(edges[0], edges[-1], padding=0)
            now.setData(edges, now_counts)
            top = float(max(np.max(start_counts), np.max(now_counts)))
            low, high = plot.vb.viewRange()[1]
            if top > high or top < high / 2.5:  # rescale rarely: each change repaints the axes
                plot.setYRange(0, top * 1.25, padding=0)

    def counts(self, layer: int) -> tuple[np.ndarray | None, np.ndarray | None]:
        """The (start, now) fractions shown for ``layer``."""
        return self.start_curves[layer].yData, self.now_curves[layer].yData
