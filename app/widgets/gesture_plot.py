"""Plots from the theme's factory whose mouse gestures go to a handler (the Principles and Universality
pages).

A :class:`GestureViewBox` turns left-button drags, clicks and wheel turns into calls on a handler
object with view (data) coordinates, so each page decides what a drag means (move a step, raise a
bump, draw a curve, place a ball) while pyqtgraph's own pan and zoom stay off for those plots.
"""
from __future__ import annotations

from typing import Protocol

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt

from app.theme import plots as look


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
              x_range=(0.0, 1.0), y_range=(0.0, 1.0), readout: bool = True) -> pg.PlotWidget:
    """A plot from the theme's factory with fixed ranges whose mouse gestures go to ``handler``
    (``readout=False``: no hover read-out, for a plot that is not of curves)."""
    vb = GestureViewBox(handler)
    plot = look.plot_widget(title, x_label, y_label, view_box=vb, minimum=None, readout=readout)
    vb.setRange(xRange=x_range, yRange=y_range, padding=0.02)
    return plot


def pixels_per_unit(plot: pg.PlotWidget) -> tuple[float, float]:
    """How many screen pixels one unit of x and of y spans in ``plot`` (for pick tolerances)."""
    vb = plot.getPlotItem().getViewBox()
    (x0, x1), (y0, y1) = vb.viewRange()
    rect = vb.sceneBoundingRect()
    return rect.width() / max(x1 - x0, 1e-12), rect.height() / max(y1 - y0, 1e-12)
