"""What the mouse does on the challenge's two plots, and what shows that drawing is on.

- Upper plot (σ⁻¹∘f and the bumps): press on a bump's column to select it and set its height, drag up
  and down to change it; the height axis follows a top dragged past its end.
- Either plot while "✎ Draw f" is on: drag to draw the target, f itself on the lower plot and σ⁻¹∘f on
  the upper one (a height y there is the value σ(y) of f). Both plots say so in their titles (the
  page's) and wear an accent frame.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt

from app import theme
from app.universality.plotting import DragScale
from app.widgets.gesture_plot import pixels_per_unit
from core import universality as u

TOP_PICK_PIXELS = 14
H_LIMIT = 8.0  # the largest |h| (as the height spin box allows)


class BumpGestures:
    """On the upper plot (when not drawing): select a bump, drag its height."""

    def __init__(self, page):
        self.page = page
        self._offset = 0.0

    def bump_at(self, pos: QPointF) -> int | None:
        if not 0 <= pos.x() <= 1:
            return None
        return int(u.bin_index(pos.x(), self.page.n_bumps))

    def drag_started(self, pos: QPointF) -> bool:
        if self.page.drawing:
            return self.page.draw_gestures["z"].drag_started(pos)
        j = self.bump_at(pos)
        if j is None:
            return False
        self.page.history.checkpoint()
        self.page._grab = j
        self._scale = DragScale(self.page.top)
        _, py = pixels_per_unit(self.page.top)
        near_top = abs(pos.y() - self.page.heights[j]) * py <= TOP_PICK_PIXELS
        self._offset = self.page.heights[j] - pos.y() if near_top else 0.0
        self.dragged(pos)
        return True

    def dragged(self, pos: QPointF) -> None:
        if self.page.drawing and self.page._grab is None:
            self.page.draw_gestures["z"].dragged(pos)
            return
        j = self.page._grab
        if j is None:
            return
        self.page.set_height(j, float(np.clip(self._scale.height(pos.y()) + self._offset, -H_LIMIT, H_LIMIT)))
        self.page.fit_height_axis(grow_only=True)  # (a top dragged past the axis's end stays in sight)

    def drag_finished(self, pos: QPointF) -> None:
        if self.page.drawing and self.page._grab is None:
            self.page.draw_gestures["z"].drag_finished(pos)
            return
        self.dragged(pos)
        self.page._grab = None
        self.page.fit_height_axis()

    def clicked(self, pos: QPointF) -> None:
        j = self.bump_at(pos)
        if j is not None and not self.page.drawing:
            self.page.selected = j
            self.page._redraw_bumps()


class DrawGestures:
    """Drag to draw the target: on the lower plot in f's own units (``space="f"``), on the upper one as
    σ⁻¹∘f (``space="z"``)."""

    def __init__(self, page, space: str):
        self.page, self.space = page, space
        self.last: QPointF | None = None

    def _as_f(self, pos: QPointF) -> QPointF:
        y = float(u.sigmoid(pos.y())) if self.space == "z" else pos.y()
        return QPointF(pos.x(), y)

    def drag_started(self, pos: QPointF) -> bool:
        if not self.page.drawing:
            return False
        self.page.history.checkpoint()
        self.last = self._as_f(pos)
        self.page.draw_stroke(self.last, self.last)
        return True

    def dragged(self, pos: QPointF) -> None:
        if self.last is None:
            return
        point = self._as_f(pos)
        self.page.draw_stroke(self.last, point)
        self.last = point

    def drag_finished(self, pos: QPointF) -> None:
        if self.last is None:
            return
        self.dragged(pos)
        self.last = None
        self.page.finish_drawing()


class DrawingCue:
    """While drawing is on, a plot's data area wears an accent frame and the pointer a cross."""

    def __init__(self, plot: pg.PlotWidget, idle_cursor: Qt.CursorShape = Qt.CursorShape.ArrowCursor):
        self.plot, self.idle_cursor = plot, idle_cursor
        self.on = False
        self.show(False)

    def show(self, on: bool) -> None:
        self.on = on
        self.plot.getPlotItem().getViewBox().setBorder(pg.mkPen(theme.ACCENT, width=2) if on else None)
        self.plot.setCursor(Qt.CursorShape.CrossCursor if on else self.idle_cursor)
