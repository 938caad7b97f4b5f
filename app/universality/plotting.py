"""Plot helpers shared by the Universality pages: themed plots whose mouse gestures go to a handler.

A :class:`GestureViewBox` turns left-button drags, clicks and wheel turns into calls on a handler
object with view (data) coordinates, so each page decides what a drag means (move a step, raise a
bump, draw a curve) while pyqtgraph's own pan and zoom stay off for those plots.
"""
from __future__ import annotations

from typing import Protocol

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QTextDocument

from app import theme
from app.theme import plots as _plots  # noqa: F401  (pyqtgraph's options)

FOREGROUND = "#d0d6dc"
MUTED = "#8a96a3"
GOAL = "#f1f3f5"  # the target curve
NETWORK = theme.SERIES[0]  # what the hand-built network makes
LEARNED = theme.SERIES[3]  # what gradient descent makes
BEST = theme.SERIES[2]
ACCENT = theme.SERIES[1]


class GestureHandler(Protocol):
    def drag_started(self, pos: QPointF) -> bool: ...  # True: this drag is the handler's
    def dragged(self, pos: QPointF) -> None: ...
    def drag_finished(self, pos: QPointF) -> None: ...


class GestureViewBox(pg.ViewBox):
    """A ViewBox that hands left-button gestures, in view coordinates, to ``handler``."""

    def __init__(self, handler=None, **kwargs):
        super().__init__(**kwargs)
        self.handler = handler
        self._dragging = False
        self.setMouseEnabled(False, False)
        self.setMenuEnabled(False)

    def mouseDragEvent(self, ev, axis=None):
        if ev.button() != Qt.MouseButton.LeftButton or self.handler is None:
            ev.ignore()
            return
        ev.accept()
        if ev.isStart():
            self._dragging = self.handler.drag_started(self.mapToView(ev.buttonDownPos()))
        if not self._dragging:
            return
        pos = self.mapToView(ev.pos())
        if ev.isFinish():
            self._dragging = False
            self.handler.drag_finished(pos)
        else:
            self.handler.dragged(pos)

    def mouseClickEvent(self, ev):
        if ev.button() == Qt.MouseButton.LeftButton and hasattr(self.handler, "clicked"):
            ev.accept()
            self.handler.clicked(self.mapToView(ev.pos()))
        else:
            ev.ignore()

    def wheelEvent(self, ev, axis=None):
        if hasattr(self.handler, "wheel"):
            ev.accept()
            self.handler.wheel(ev.delta() if hasattr(ev, "delta") else ev.angleDelta().y())
        else:
            ev.ignore()


def make_plot(title: str = "", x_label: str = "", y_label: str = "", handler=None,
              x_range=(0.0, 1.0), y_range=(0.0, 1.0)) -> pg.PlotWidget:
    """A dark plot with fixed ranges, a light grid, labelled axes and a legend corner."""
    vb = GestureViewBox(handler)
    plot = pg.PlotWidget(viewBox=vb)
    item = plot.getPlotItem()
    item.hideButtons()
    item.showGrid(x=True, y=True, alpha=0.12)
    if title:
        item.setTitle(f"<span style='color:{FOREGROUND}; font-size:11pt'>{title}</span>")
    style = {"color": MUTED, "font-size": "10pt"}
    if x_label:
        item.setLabel("bottom", x_label, **style)
    if y_label:
        item.setLabel("left", y_label, **style)
    vb.setRange(xRange=x_range, yRange=y_range, padding=0.02)
    for axis in ("left", "bottom"):
        item.getAxis(axis).setTextPen(MUTED)
        item.getAxis(axis).setPen(pg.mkPen("#3a444f"))
        item.getAxis(axis).enableAutoSIPrefix(False)
    return plot


def log_ticks(plot: pg.PlotWidget, values=(1, 2, 5, 10, 20, 50, 100), axis: str = "bottom") -> None:
    """Label an axis whose data are log10 values with the plain numbers ``values``."""
    import math

    plot.getPlotItem().getAxis(axis).setTicks([[(math.log10(v), str(v)) for v in values], []])


def pixels_per_unit(plot: pg.PlotWidget) -> tuple[float, float]:
    """How many screen pixels one unit of x and of y spans in ``plot`` (for pick tolerances)."""
    vb = plot.getPlotItem().getViewBox()
    (x0, x1), (y0, y1) = vb.viewRange()
    rect = vb.sceneBoundingRect()
    return rect.width() / max(x1 - x0, 1e-12), rect.height() / max(y1 - y0, 1e-12)


def label_item(text: str = "", color: str = FOREGROUND, anchor=(0, 1), size: int = 9,
               backed: bool = False) -> pg.TextItem:
    """A text label in a plot; ``backed`` puts it on a dark card so curves behind it do not cross it."""
    fill = pg.mkBrush(16, 20, 24, 225) if backed else None
    item = pg.TextItem(text, color=QColor(color), anchor=anchor, fill=fill)
    font = QFont()
    font.setPointSize(size)
    item.setFont(font)
    return item


class FittedTitle(QObject):
    """A plot title given as variants, longest first: the plot shows the first that fits its width,
    chosen again whenever the plot is resized (pyqtgraph would clip a title that is too long)."""

    MARGIN = 70  # the y axis and a little air on either side

    def __init__(self, plot: pg.PlotWidget):
        super().__init__(plot)
        self.plot = plot
        self.variants: list[str] = []
        self.shown = ""
        plot.installEventFilter(self)

    def set_variants(self, *variants: str) -> None:
        self.variants = list(variants)
        self._choose()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._choose()
        return False

    def _choose(self) -> None:
        if not self.variants:
            return
        room = self.plot.width() - self.MARGIN
        fits = [html for html in self.variants if html_width(html, self.plot.font()) <= room]
        title = fits[0] if fits else self.variants[-1]
        if title != self.shown:
            self.shown = title
            self.plot.getPlotItem().setTitle(title)


def html_width(html: str, font: QFont) -> float:
    """How wide a line of rich text (a plot title) is drawn, in pixels."""
    doc = QTextDocument()
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    doc.setHtml(html)
    return doc.idealWidth()
