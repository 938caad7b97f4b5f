"""The value under the cursor, on any curve plot: a faint vertical line at the x the cursor is
nearest to, a dot on each visible curve there, and a small card beside the line with x and each
curve's y (in the app's number format, ``app.numbers``).

The card sits entirely to one side of the line, and every dot is on the line, so it never covers a
point it reads. The work is done when the mouse moves over the plot, and only then: a plot with a
still mouse, or none over it, costs nothing (its items stay hidden).

The plot factory (``app.theme.plots``) gives every plot one; ``plot.readout`` is it.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt

from app import numbers, theme

GAP = 10  # pixels between the line and the card
DOT_SIZE = 7
DIGITS = 4  # significant digits of a value read


def _display(values: np.ndarray, log: bool) -> np.ndarray:
    """Data as the view draws it (log10 on a log axis)."""
    if not log:
        return values
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(values > 0, np.log10(np.where(values > 0, values, 1.0)), np.nan)


def curve_points(item: pg.PlotDataItem) -> tuple[np.ndarray, np.ndarray] | None:
    """(x, y) of a curve as its data says (a step plot's x at the middle of each step), or None."""
    x, y = item.xData, item.yData
    if x is None or y is None or not len(y):
        return None
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if len(x) == len(y) + 1:  # stepMode: bin edges
        x = (x[:-1] + x[1:]) / 2
    return x, y


class Readout(QObject):
    """The hover read-out of ``plot`` (a ``pg.PlotItem``); ``enabled = False`` turns it off."""

    def __init__(self, plot: pg.PlotItem):
        super().__init__(plot)
        self.plot = plot
        self.enabled = True
        vb = plot.vb
        self.line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(theme.MUTED, width=1, style=Qt.DotLine))
        self.dots = pg.ScatterPlotItem(size=DOT_SIZE, pen=pg.mkPen(theme.BACKGROUND, width=1.5))
        self.card = pg.TextItem(anchor=(0, 0.5), fill=pg.mkBrush(theme.rgba(theme.RAISED, 235)),
                                border=pg.mkPen(theme.BORDER_STRONG))
        for z, item in enumerate((self.line, self.dots, self.card)):
            item.setZValue(1000 + z)
            item.hide()
            vb.addItem(item, ignoreBounds=True)  # not a data item of the plot: no legend entry, no range
        self._scene = None
        self._waiting = False
        self._attach()
        if self._scene is None:  # not in a scene yet: as soon as it is laid out
            self._waiting = True
            vb.sigResized.connect(self._attach)

    # --- wiring ------------------------------------------------------------------------------------
    def _attach(self, *_) -> None:
        scene = self.plot.scene()
        if scene is None or scene is self._scene:
            return
        self._scene = scene
        if self._waiting:
            self._waiting = False
            self.plot.vb.sigResized.disconnect(self._attach)
        scene.sigMouseMoved.connect(self.mouse_moved)
        for view in scene.views():
            view.viewport().installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Leave:
            self.hide()
        return False

    def hide(self) -> None:
        for item in (self.line, self.dots, self.card):
            item.hide()

    @property
    def shown(self) -> bool:
        return self.card.isVisible()

    def text(self) -> str:
        """What the card says, as plain text."""
        return self.card.textItem.toPlainText() if self.shown else ""

    # --- reading -----------------------------------------------------------------------------------
    def _curves(self) -> list[pg.PlotDataItem]:
        return [item for item in self.plot.listDataItems()
                if isinstance(item, pg.PlotDataItem) and item.isVisible() and curve_points(item) is not None]

    def mouse_moved(self, scene_pos) -> None:
        vb = self.plot.vb
        if not self.enabled or not vb.isVisible() or not vb.sceneBoundingRect().contains(scene_pos):
            self.hide()
            return
        self.read_at(vb.mapSceneToView(scene_pos))

    def read_at(self, view_pos: QPointF) -> bool:
        """Show what the curves are at the x nearest to ``view_pos`` (in view coordinates); False
        (and nothing shown) when no curve has a point in reach."""
        vb = self.plot.vb
        log_x, log_y = (bool(self.plot.ctrl.logXCheck.isChecked()), bool(self.plot.ctrl.logYCheck.isChecked()))
        curves = []
        for item in self._curves():
            x, y = curve_points(item)
            dx = _display(x, log_x)
            ok = np.isfinite(dx) & np.isfinite(y)
            if ok.any():
                curves.append((item, x[ok], y[ok], dx[ok]))
        if not curves:
            self.hide()
            return False
        vx = view_pos.x()
        # the x read: the sample nearest to the cursor, over all curves
        nearest = []
        for _item, x, _y, dx in curves:
            i = int(np.argmin(abs(dx - vx)))
            nearest.append((abs(dx[i] - vx), dx[i], x[i]))
        _distance, read_dx, read_x = min(nearest)
        (left, right), _ = vb.viewRange()
        per_pixel = (right - left) / max(1.0, vb.width())
        rows, dots = [], []
        for item, x, y, dx in curves:
            i = int(np.argmin(abs(dx - read_dx)))
            reach = np.median(np.diff(np.sort(dx))) / 2 if len(dx) > 1 else 0.0
            if abs(dx[i] - read_dx) > max(reach, 3 * per_pixel):  # the curve does not reach this x
                continue
            value = y[i]
            dy = _display(np.array([value]), log_y)[0]
            if np.isfinite(dy):
                dots.append({"pos": (read_dx, dy), "brush": pg.mkBrush(_colour(item))})
            rows.append(_row(item, value))
        if not rows:
            self.hide()
            return False
        x_label = self.plot.getAxis("bottom").labelText or "x"
        header = f"<span style='color:{theme.MUTED}'>{x_label}</span> {numbers.number(read_x, DIGITS)}"
        self.card.setHtml(f"<div style='font-size:{theme.FONT_SMALL}px; color:{theme.TEXT}'>"
                          + "<br>".join([header] + rows) + "</div>")
        self.line.setValue(read_dx)
        self.dots.setData(dots)
        self._place_card(read_dx, view_pos.y())
        for item in (self.line, self.dots, self.card):
            item.show()
        return True

    def _place_card(self, line_x: float, cursor_y: float) -> None:
        """Beside the line (right of it, or left where the card would leave the plot), level with
        the cursor but inside the plot."""
        vb = self.plot.vb
        rect = vb.sceneBoundingRect()
        at = vb.mapViewToScene(QPointF(line_x, cursor_y))
        card = self.card.textItem.boundingRect()
        width, height = card.width(), card.height()
        right = at.x() + GAP + width <= rect.right() or at.x() - GAP - width < rect.left()
        x = at.x() + GAP if right else at.x() - GAP
        y = min(max(at.y(), rect.top() + height / 2), rect.bottom() - height / 2)
        self.card.setAnchor((0, 0.5) if right else (1, 0.5))
        self.card.setPos(vb.mapSceneToView(QPointF(x, y)))


def _colour(item: pg.PlotDataItem):
    pen = item.opts.get("pen")
    if pen is not None:
        colour = pg.mkPen(pen).color()
        if colour.alpha():
            return colour
    brush = item.opts.get("symbolBrush")
    return pg.mkBrush(brush).color() if brush is not None else pg.mkColor(theme.TEXT)


def _row(item: pg.PlotDataItem, value: float) -> str:
    name = item.name() or ""
    swatch = f"<span style='color:{_colour(item).name()}'>●</span>"
    return f"{swatch} {name} <b>{numbers.number(value, DIGITS)}</b>" if name else \
        f"{swatch} <b>{numbers.number(value, DIGITS)}</b>"
