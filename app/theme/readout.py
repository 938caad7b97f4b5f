"""The value under the cursor, on any curve plot: a faint vertical line at the x the cursor is
nearest to, a dot on each visible curve there, and a small card beside the line with x and each
curve's y (in the app's number format, ``app.numbers``).

The card sits entirely to one side of the line, and every dot is on the line, so it never covers a
point it reads. The work is done when the mouse moves over the plot, and when the plot is about to be
redrawn with other data (or another range) under a pointer resting on it: the read-out follows a run
that adds points, or a curve cleared or replaced, at most once a frame, and hides when nothing is
under the pointer any more. A plot with no pointer over it costs nothing (its items stay hidden).

The plot factory (``app.theme.plots``) gives every plot one; ``plot.readout`` is it. A curve is named
as in the legend, or by its ``readout_name`` attribute (one left out of the legend).
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
        self.x_name = ""  # what x is, if the plot's bottom axis has no label to say it
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
        self._pointer = None  # the scene position of a pointer over the view, while one is there
        self._read_state: list = []  # what the curves and the view were when last read (see _state)
        self._attach()
        if self._scene is None:  # not in a scene yet: as soon as it is laid out
            self._waiting = True
            vb.sigResized.connect(self._attach)

    # --- wiring ------------------------------------------------------------------------------------
    def _attach(self, *_) -> None:
        scene = self.plot.scene()
        if scene is None or scene is self._scene:
            return
        self._stop_following()
        self._scene = scene
        if self._waiting:
            self._waiting = False
            self.plot.vb.sigResized.disconnect(self._attach)
        scene.sigMouseMoved.connect(self.mouse_moved)
        for view in scene.views():
            view.viewport().installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Leave:
            self._stop_following()
            self.hide()
        return False

    def hide(self) -> None:
        for item in (self.line, self.dots, self.card):
            item.hide()

    # --- following the data under a pointer at rest ---------------------------------------------------
    def _follow(self, scene_pos) -> None:
        """Keep reading at ``scene_pos`` when the curves change: the scene's every redraw while the
        pointer is over the view compares the curves with what was last read (a few identities)."""
        if not self._following:
            self._scene.sigPrepareForPaint.connect(self._read_again)
        self._pointer = QPointF(scene_pos)
        self._read_state = self._state()

    def _stop_following(self) -> None:
        if self._following:
            self._scene.sigPrepareForPaint.disconnect(self._read_again)
        self._pointer, self._read_state = None, []

    @property
    def _following(self) -> bool:
        return self._pointer is not None

    def _state(self) -> list:
        """Each data item with its arrays (new ones with each ``setData``) and visibility, and the
        view's range and place; held, so that no array read is freed and its identity taken by another."""
        vb = self.plot.vb
        view = (tuple(map(tuple, vb.viewRange())), vb.sceneBoundingRect().getRect())
        return [view] + [(item, *_arrays(item), item.isVisible()) for item in self.plot.listDataItems()]

    def _read_again(self) -> None:
        state = self._state()
        if _same(state, self._read_state):
            return
        self.mouse_moved(self._pointer)

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
            self._stop_following()
            self.hide()
            return
        self._follow(scene_pos)
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
        x_label = self.plot.getAxis("bottom").labelText or self.x_name or "x"
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
        """Beside the line (right of it, or left where it would leave the plot; on the roomier side,
        its lines wrapped, where it fits neither), level with the cursor but inside the plot."""
        vb = self.plot.vb
        rect = vb.sceneBoundingRect()
        at = vb.mapViewToScene(QPointF(line_x, cursor_y))
        text = self.card.textItem
        text.setTextWidth(-1)
        width = text.boundingRect().width()
        room_right, room_left = rect.right() - at.x() - GAP, at.x() - rect.left() - GAP
        right = width <= room_right or (width > room_left and room_right >= room_left)
        room = room_right if right else room_left
        if width > room:  # wider than the plot on either side of the line: its lines wrap
            text.setTextWidth(max(room, 40.0))
        width, height = text.boundingRect().width(), text.boundingRect().height()
        x = at.x() + GAP if right else at.x() - GAP
        y = min(max(at.y(), rect.top() + height / 2), rect.bottom() - height / 2)
        self.card.setAnchor((0, 0.5) if right else (1, 0.5))
        self.card.setPos(vb.mapSceneToView(QPointF(x, y)))


def _arrays(item) -> tuple:
    """The arrays a data item draws (each ``setData``/``setOpts`` gives new ones): a curve's x and y, a
    scatter's points, bars' x and heights."""
    if hasattr(item, "xData"):
        return item.xData, item.yData
    if isinstance(item, pg.ScatterPlotItem):
        return item.data, None
    opts = getattr(item, "opts", None) or {}
    return opts.get("x"), opts.get("height")


def _same(state: list, other: list) -> bool:
    """Whether two ``Readout._state``s are of the same items, arrays, visibility and range."""
    if len(state) != len(other) or state[0] != other[0]:
        return False
    return all(a[0] is b[0] and a[1] is b[1] and a[2] is b[2] and a[3] == b[3] for a, b in zip(state[1:], other[1:]))


def _colour(item: pg.PlotDataItem):
    pen = item.opts.get("pen")
    if pen is not None:
        colour = pg.mkPen(pen).color()
        if colour.alpha():
            return colour
    brush = item.opts.get("symbolBrush")
    return pg.mkBrush(brush).color() if brush is not None else pg.mkColor(theme.TEXT)


def _row(item: pg.PlotDataItem, value: float) -> str:
    name = getattr(item, "readout_name", None) or item.name() or ""  # (a curve left out of the legend may name itself)
    swatch = f"<span style='color:{_colour(item).name()}'>●</span>"
    return f"{swatch} {name} <b>{numbers.number(value, DIGITS)}</b>" if name else \
        f"{swatch} <b>{numbers.number(value, DIGITS)}</b>"
