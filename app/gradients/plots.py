"""Plot items shared by the Gradients tab's pages: log-scale bars, labelled reference lines,
violins, reusable text labels (the plots themselves come from the theme's factory)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPolygonF
from PySide6.QtWidgets import QGraphicsPolygonItem

from app import numbers, theme
from app.theme.palette import font
from app.theme.plots import CARD, fit_view

GUIDE = theme.rgba(theme.TEXT, 150)  # reference lines
color = theme.series


def finite_positive(values) -> np.ndarray:
    """float64 copy with non-positive and non-finite values as NaN (so log plots skip them)."""
    v = np.array(values, dtype=np.float64)
    v[~(np.isfinite(v) & (v > 0))] = np.nan
    return v


class FittedView:
    """The factory's ``fit_view(plot, **fit)`` for one plot: call it after drawing; it runs again by
    itself whenever the plot is resized (a legend keeps its size in pixels, so in a smaller plot it
    covers more of the data and needs another corner, or more room)."""

    def __init__(self, plot: pg.PlotItem, **fit):
        self.plot, self.fit = plot, fit
        plot.vb.sigResized.connect(self)

    def __call__(self, *_) -> None:
        fit_view(self.plot, **self.fit)


def guide_line(plot: pg.PlotItem, pos: float, angle: int, label: str, anchor=(0, 1), position=0.95,
               colour=GUIDE, style=Qt.PenStyle.DashLine) -> pg.InfiniteLine:
    """A labelled reference line (``pos`` in the plot's own, possibly log10, coordinates)."""
    line = pg.InfiniteLine(pos=pos, angle=angle, movable=False, pen=pg.mkPen(colour, width=1.2, style=style),
                           label=label, labelOpts={"position": position, "color": colour, "anchors": [anchor, anchor],
                                                   "fill": CARD})
    plot.addItem(line, ignoreBounds=True)
    return line


class LogBars:
    """Bars drawn on a plot whose y axis is in log mode: heights are given in data units and drawn
    as log10 from a floor (pyqtgraph's BarGraphItem knows nothing of log axes)."""

    def __init__(self, plot: pg.PlotItem, colour: str, name: str, width: float = 0.36, fill_alpha: int = 200,
                 hatch: bool = False):
        c = pg.mkColor(colour)
        c.setAlpha(fill_alpha)
        brush = pg.mkBrush(c, style=Qt.BrushStyle.BDiagPattern) if hatch else pg.mkBrush(c)
        self.item = pg.BarGraphItem(x=[0], height=[0], width=width, brush=brush, pen=pg.mkPen(colour, width=1.2))
        self.item.setVisible(False)
        plot.addItem(self.item)
        self.legend = plot.legend
        self.name = name
        self.in_legend = False
        self.show_in_legend(True)
        self.width = width

    def show_in_legend(self, on: bool) -> None:
        """List the bars in the plot's legend, or not (nothing happens when that does not change: the
        legend's layout is slow to redo)."""
        if self.legend is None or on == self.in_legend:
            return
        if on:
            self.legend.addItem(self.item, self.name)
        else:
            self.legend.removeItem(self.item)
        self.in_legend = on

    def rename(self, name: str) -> None:
        """A new legend entry (kept where it is)."""
        self.name = name
        if self.legend is not None:
            for sample, label in self.legend.items:
                if sample.item is self.item:
                    label.setText(name)
            self.legend.updateSize()

    def set(self, x, values, floor: float) -> None:
        v = finite_positive(values)
        ok = ~np.isnan(v)
        if not ok.any():
            self.item.setVisible(False)
            return
        lo = np.log10(floor)
        self.item.setOpts(x=np.asarray(x, float)[ok], y0=np.full(ok.sum(), lo), height=np.log10(v[ok]) - lo,
                          width=self.width)
        self.item.setVisible(True)


def value_text(value: float) -> str:
    """Speeds print like the book's: two significant digits below 0.01, three above (the app's
    number format, ``app.numbers``)."""
    return numbers.number(value, 2 if abs(value) < 0.01 else 3)


class Violins:
    """One violin per position: the outline of a distribution's histogram, mirrored, with a bar from
    its 25th to 75th percentile and a dot at the median. Values are drawn in the plot's own
    coordinates (pass log10 values for a log axis labelled with :func:`decade_ticks`)."""

    def __init__(self, plot: pg.PlotItem):
        self.plot = plot
        self.shapes: list[QGraphicsPolygonItem] = []
        self.quartiles = pg.ErrorBarItem(x=np.zeros(1), y=np.zeros(1), top=np.zeros(1), bottom=np.zeros(1),
                                         beam=0, pen=pg.mkPen(theme.TEXT_STRONG, width=3))
        self.medians = pg.ScatterPlotItem(size=7, brush=pg.mkBrush(theme.BACKGROUND),
                                          pen=pg.mkPen(theme.TEXT_STRONG, width=1.5))
        plot.addItem(self.quartiles)
        plot.addItem(self.medians)
        self.quartiles.setZValue(5)
        self.medians.setZValue(6)

    def set(self, positions, samples: list[np.ndarray], lo: float, hi: float, bins: int = 40,
            half_width: float = 0.38) -> None:
        while len(self.shapes) > len(samples):
            self.plot.removeItem(self.shapes.pop())
        while len(self.shapes) < len(samples):
            i = len(self.shapes)
            fill = pg.mkColor(color(i))
            fill.setAlpha(110)
            shape = QGraphicsPolygonItem()
            shape.setBrush(pg.mkBrush(fill))
            shape.setPen(pg.mkPen(color(i), width=1.2))
            self.plot.addItem(shape)
            self.shapes.append(shape)
        edges = np.linspace(lo, hi, bins + 1)
        centres = (edges[:-1] + edges[1:]) / 2
        q = []
        for x, values, shape in zip(positions, samples, self.shapes):
            values = np.clip(np.asarray(values, np.float64), lo, hi)
            counts, _ = np.histogram(values, edges)
            counts = np.convolve(counts, [0.25, 0.5, 0.25], mode="same")  # a light smoothing for the outline
            width = half_width * counts / max(counts.max(), 1e-12)
            keep = np.flatnonzero(counts > 0)
            if len(keep) == 0:
                shape.setPolygon(QPolygonF())
                q.append((x, np.nan, np.nan, np.nan))
                continue
            ys = centres[keep[0]:keep[-1] + 1]
            ws = width[keep[0]:keep[-1] + 1]
            right = [QPointF(x + w, y) for w, y in zip(ws, ys)]
            left = [QPointF(x - w, y) for w, y in zip(ws[::-1], ys[::-1])]
            outline = right + left
            shape.setPolygon(QPolygonF(outline))
            q.append((x, *np.percentile(values, [25, 50, 75])))
        q = np.array(q, dtype=np.float64).reshape(-1, 4)
        ok = np.isfinite(q[:, 2])
        self.quartiles.setData(x=q[ok, 0], y=q[ok, 2], top=q[ok, 3] - q[ok, 2], bottom=q[ok, 2] - q[ok, 1])
        self.medians.setData(q[ok, 0], q[ok, 2])


class TextPool:
    """Text labels on a plot, made once and reused: ``begin()``, then ``put(...)`` for each label to
    show, then ``end()`` hides the ones not put this time."""

    def __init__(self, plot: pg.PlotItem, pixels: int = theme.FONT_NOTE):
        self.plot, self.pixels = plot, pixels
        self.items: list[pg.TextItem] = []
        self.used = 0

    def begin(self) -> None:
        self.used = 0

    def put(self, x: float, y: float, text: str, colour: str, anchor=(0.5, 1.0), bold: bool = False) -> pg.TextItem:
        if self.used == len(self.items):
            item = pg.TextItem("", anchor=anchor)
            self.plot.addItem(item)
            self.items.append(item)
        item = self.items[self.used]
        self.used += 1
        item.setFont(font(self.pixels, bold))
        item.setColor(colour)
        item.setAnchor(anchor)
        item.setText(text)
        item.setPos(x, y)
        item.setVisible(True)
        return item

    def end(self) -> None:
        for item in self.items[self.used:]:
            item.setVisible(False)
