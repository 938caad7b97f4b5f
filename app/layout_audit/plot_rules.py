"""Rule (d): pyqtgraph plots show all their data, legends leave it free, tick labels stay apart.

- ``data``: a visible data item (curve, scatter, bars, shape, image) reaches past its view box's
  range (NaN and ±inf ignored; a scatter symbol counts by its radius). An item added with
  ``ignoreBounds=True`` (pyqtgraph's "not part of the range", e.g. a cost surface and its contours
  behind a path) is not checked.
- ``legend``: a legend's rectangle covers a plotted point or a stretch of a curve, or a bar.
- ``label``: a text in a plot (a ``TextItem``, a reference line's label) lies on plotted data; one
  anchored on a plotted point labels that point and may.
- ``ticks``: two tick labels of one axis cover each other (as pyqtgraph lays them out).
- ``outside`` / ``text``: a part of a plot (a view box, an axis, a legend, a title) or a text item
  reaches out of its graphics view or out of a view box that clips it.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPicture
from PySide6.QtWidgets import (QGraphicsEllipseItem, QGraphicsItem, QGraphicsPathItem, QGraphicsPolygonItem,
                               QGraphicsRectItem, QGraphicsTextItem, QGraphicsWidget)

from app.layout_audit.violation import Violation, describe, quote

#: data may pass a view's edge by this fraction of the view's span (pyqtgraph's float32 rounding)
RANGE_TOLERANCE = 1e-3
#: pixels a symbol, a legend or a text may reach past an edge before it counts
PIXEL_TOLERANCE = 1.0
#: items that mark the view rather than plot data
_NOT_DATA = (pg.InfiniteLine, pg.LinearRegionItem, pg.TextItem, pg.UIGraphicsItem, pg.ROI, pg.TargetItem,
             pg.ArrowItem, pg.LegendItem)


def plot_name(vb: pg.ViewBox, view) -> str:
    """A view box named for a reader: its plot's title (or axis label) and the widget that holds it."""
    plot = vb.parentItem()
    while plot is not None and not isinstance(plot, pg.PlotItem):
        plot = plot.parentItem()
    title = ""
    if plot is not None:
        title = plot.titleLabel.text if plot.titleLabel.isVisible() else ""
        for side in ("left", "bottom"):
            title = title or plot.getAxis(side).labelText
    return f"plot {quote(title)} in {describe(view)}" if title else f"a plot in {describe(view)}"


def item_name(item) -> str:
    name = item.name() if hasattr(item, "name") and callable(item.name) else None
    return f"{type(item).__name__} {quote(name)}" if name else type(item).__name__


def data_items(vb: pg.ViewBox, ranged_only: bool = False) -> list:
    """The visible items plotted in ``vb``'s data coordinates; with ``ranged_only``, only those its
    range is set by (not those added with ``ignoreBounds=True``, such as a background field)."""
    items = list(dict.fromkeys([*vb.addedItems, *([] if ranged_only else vb.childGroup.childItems())]))
    return [i for i in items if i.isVisible() and i.opacity() > 0 and not isinstance(i, _NOT_DATA)]


def _finite(x, y) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = min(len(x), len(y))
    x, y = x[:n], y[:n]
    keep = np.isfinite(x) & np.isfinite(y)
    return x[keep], y[keep]


def _scatter_radius(item) -> float:
    """Pixels a scatter item's symbols reach past their centres (pyqtgraph pads by 0.7072 × width)."""
    return item.pixelPadding() / math.sqrt(2) if item.isVisible() else 0.0


def _points(item) -> tuple[np.ndarray, np.ndarray, float, bool] | None:
    """(x, y, symbol radius in px, joined by lines) for a curve or scatter item, else None."""
    if isinstance(item, pg.PlotDataItem):
        x, y = item.getData()
        if x is None:
            return None
        joined = item.curve.isVisible() and item.opts.get("pen") is not None
        radius = _scatter_radius(item.scatter) if item.opts.get("symbol") is not None else 0.0
        return (*_finite(x, y), radius, joined)
    if isinstance(item, pg.PlotCurveItem):
        x, y = item.getData()
        return None if x is None else (*_finite(x, y), 0.0, True)
    if isinstance(item, pg.ScatterPlotItem):
        x, y = item.getData()
        return None if x is None else (*_finite(x, y), _scatter_radius(item), False)
    return None


def _outline(item) -> QPainterPath | None:
    """The outline a shape item (a polygon such as a violin, a path, a fill between curves, error
    bars, a rectangle or ellipse) draws, in its parent's (the data's) coordinates, without its pen."""
    path = QPainterPath()
    if isinstance(item, QGraphicsPolygonItem):
        path.addPolygon(item.polygon())
    elif isinstance(item, QGraphicsPathItem):
        path = item.path()
    elif isinstance(item, (QGraphicsRectItem, QGraphicsEllipseItem)):
        path.addRect(item.rect())
    elif isinstance(item, pg.ErrorBarItem):
        item.boundingRect()  # (builds its path)
        path = item.path if item.path is not None else path
    else:
        return None
    return None if path.isEmpty() else item.mapToParent(path)


def item_bounds(item) -> tuple[float, float, float, float, float] | None:
    """(x0, x1, y0, y1, radius in px) of what ``item`` draws, in data coordinates; None if nothing."""
    points = _points(item)
    if points is not None:
        x, y, radius, _ = points
        return None if len(x) == 0 else (x.min(), x.max(), y.min(), y.max(), radius)
    outline = _outline(item)
    if outline is not None:
        rect = outline.boundingRect()
        return rect.left(), rect.right(), rect.top(), rect.bottom(), 0.0
    if isinstance(item, pg.ImageItem):
        if item.image is None:
            return None
        rect = item.mapRectToParent(item.boundingRect())
        return rect.left(), rect.right(), rect.top(), rect.bottom(), 0.0
    if hasattr(item, "dataBounds"):
        (x0, x1), (y0, y1) = item.dataBounds(0), item.dataBounds(1)
        if None in (x0, x1, y0, y1) or not all(map(math.isfinite, (x0, x1, y0, y1))):
            return None
        return x0, x1, y0, y1, 0.0
    return None


def check_data_in_view(vb: pg.ViewBox, view) -> list[Violation]:
    (vx0, vx1), (vy0, vy1) = vb.viewRange()
    px, py = vb.viewPixelSize()
    found = []
    for item in data_items(vb, ranged_only=True):
        bounds = item_bounds(item)
        if bounds is None:
            continue
        x0, x1, y0, y1, radius = bounds
        tx = RANGE_TOLERANCE * (vx1 - vx0) + PIXEL_TOLERANCE * px
        ty = RANGE_TOLERANCE * (vy1 - vy0) + PIXEL_TOLERANCE * py
        rx, ry = radius * px, radius * py
        out = []
        if x0 - rx < vx0 - tx or x1 + rx > vx1 + tx:
            out.append(f"x {x0:.4g}…{x1:.4g} (view {vx0:.4g}…{vx1:.4g})")
        if y0 - ry < vy0 - ty or y1 + ry > vy1 + ty:
            out.append(f"y {y0:.4g}…{y1:.4g} (view {vy0:.4g}…{vy1:.4g})")
        if out:
            symbols = f", symbols {2 * radius:.0f} px wide" if radius else ""
            found.append(Violation("data", plot_name(vb, view),
                                   f"{item_name(item)} leaves the view: {'; '.join(out)}{symbols}"))
    return found


def _segments_cross(x: np.ndarray, y: np.ndarray, rect: tuple[float, float, float, float]) -> bool:
    """Whether a polyline through (x, y) passes through ``rect`` = (x0, x1, y0, y1) (Liang–Barsky)."""
    if len(x) < 2:
        return False
    x0, x1, y0, y1 = rect
    sx, sy = x[:-1], y[:-1]
    dx, dy = np.diff(x), np.diff(y)
    enter, leave = np.zeros_like(dx), np.ones_like(dx)
    inside = np.ones(len(dx), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in ((-dx, sx - x0), (dx, x1 - sx), (-dy, sy - y0), (dy, y1 - sy)):
            parallel = p == 0
            inside &= ~(parallel & (q < 0))
            t = q / p
            enter = np.where(~parallel & (p < 0), np.maximum(enter, t), enter)
            leave = np.where(~parallel & (p > 0), np.minimum(leave, t), leave)
    return bool(np.any(inside & (enter <= leave)))


def _view_rect(vb: pg.ViewBox, scene_rect: QRectF) -> tuple[float, float, float, float]:
    """A scene rectangle in ``vb``'s data coordinates, as (x0, x1, y0, y1)."""
    a, b = vb.mapSceneToView(scene_rect.topLeft()), vb.mapSceneToView(scene_rect.bottomRight())
    return min(a.x(), b.x()), max(a.x(), b.x()), min(a.y(), b.y()), max(a.y(), b.y())


def _covers(item, rect: tuple[float, float, float, float]) -> bool:
    x0, x1, y0, y1 = rect
    points = _points(item)
    if points is not None:
        x, y, _, joined = points
        inside = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
        return bool(inside.any()) or (joined and _segments_cross(x, y, rect))
    if isinstance(item, pg.BarGraphItem):
        return _bars_cover(item, rect)
    outline = _outline(item)
    return outline is not None and outline.intersects(QRectF(x0, y0, x1 - x0, y1 - y0))


def _bars_cover(item: pg.BarGraphItem, rect: tuple[float, float, float, float]) -> bool:
    """Whether one of the bars meets ``rect``: the bars' corners as pyqtgraph itself reads them from
    x or x0/x1, width, y0/y1 and height (a private method; its reading is the one that is drawn)."""
    left, bottom, right, top = (np.asarray(a, dtype=float) for a in item._getNormalizedCoords())
    left, right, bottom, top = np.minimum(left, right), np.maximum(left, right), np.minimum(bottom, top), \
        np.maximum(bottom, top)
    x0, x1, y0, y1 = rect
    meets = (left < x1) & (right > x0) & (bottom < y1) & (top > y0)
    if _hollow(item):  # only the outlines are drawn: inside one is free
        meets &= ~((left < x0) & (right > x1) & (bottom < y0) & (top > y1))
    return bool(np.any(meets))


def _hollow(item: pg.BarGraphItem) -> bool:
    """Bars drawn as outlines only (no brush, or a fully transparent one)."""
    brushes = item.opts.get("brushes") or [item.opts.get("brush")]
    return all(b is None or pg.mkBrush(b).style() == Qt.BrushStyle.NoBrush or pg.mkBrush(b).color().alpha() == 0
               for b in brushes)


def _legend_parts(legend: pg.LegendItem) -> list[QRectF]:
    """What a legend draws, in scene coordinates: its whole box when it has a background or a frame,
    else each sample and each label's text (the space between them shows the plot)."""
    framed = legend.frame and (legend.opts["brush"].style() != Qt.BrushStyle.NoBrush
                               and legend.opts["brush"].color().alpha() > 0
                               or legend.opts["pen"].style() != Qt.PenStyle.NoPen)
    if framed:
        return [legend.mapRectToScene(legend.rect())]
    parts = []
    for sample, label in legend.items:
        if sample.isVisible():
            parts.append(sample.mapRectToScene(sample.boundingRect()))
        if label.isVisible():
            parts.append(label.item.mapRectToScene(_text_rect(label.item)))
    return parts


def check_legend(legend: pg.LegendItem, view_boxes: list[pg.ViewBox], view) -> list[Violation]:
    """A legend over a view box must not cover any of its data."""
    if not legend.items:
        return []
    box = legend.mapRectToScene(legend.rect())
    parts = [r.adjusted(PIXEL_TOLERANCE, PIXEL_TOLERANCE, -PIXEL_TOLERANCE, -PIXEL_TOLERANCE)
             for r in _legend_parts(legend)]
    found = []
    for vb in view_boxes:
        if not vb.sceneBoundingRect().intersects(box):
            continue
        rects = [_view_rect(vb, part) for part in parts]
        covered = [item_name(i) for i in data_items(vb) if any(_covers(i, rect) for rect in rects)]
        if covered:
            found.append(Violation("legend", plot_name(vb, view), f"the legend ({box.width():.0f}×"
                                                                   f"{box.height():.0f} px) covers "
                                                                   f"{', '.join(covered)}"))
    return found


def _view_box_of(item: QGraphicsItem) -> pg.ViewBox | None:
    parent = item.parentItem()
    while parent is not None and not isinstance(parent, pg.ViewBox):
        parent = parent.parentItem()
    return parent


def _labels_a_point(text: pg.TextItem, vb: pg.ViewBox) -> bool:
    """Whether the text is anchored on a plotted point (within a pixel): it labels that point (a node's
    name in a diagram, a curve's end), so it is meant to be on it."""
    if text.parentItem() is not vb.childGroup:
        return False
    px, py = vb.viewPixelSize()
    at = text.pos()
    for item in data_items(vb):
        points = _points(item)
        if points is not None and np.any((np.abs(points[0] - at.x()) <= px) & (np.abs(points[1] - at.y()) <= py)):
            return True
    return False


def check_text_over_data(text: pg.TextItem, view) -> Violation | None:
    """A text placed in a plot (a TextItem, a line's label) must not lie on the plotted data."""
    plain = text.textItem.toPlainText()
    vb = _view_box_of(text)
    if not plain.strip() or vb is None:
        return None
    if _labels_a_point(text, vb):
        return None
    box = text.textItem.mapRectToScene(_text_rect(text.textItem)).adjusted(
        PIXEL_TOLERANCE, PIXEL_TOLERANCE, -PIXEL_TOLERANCE, -PIXEL_TOLERANCE)
    rect = _view_rect(vb, box)
    covered = [item_name(i) for i in data_items(vb) if _covers(i, rect)]
    if not covered:
        return None
    return Violation("label", plot_name(vb, view), f"text {quote(plain)} lies on {', '.join(covered)}")


def tick_label_rects(axis: pg.AxisItem) -> list[tuple[QRectF, str]]:
    """The tick labels ``axis`` draws and where (its own coordinates), as pyqtgraph lays them out."""
    picture = QPicture()
    painter = QPainter(picture)
    try:
        if axis.style["tickFont"]:
            painter.setFont(axis.style["tickFont"])
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [] if specs is None else [(rect, text) for rect, _flags, text in specs[2]]


def check_ticks(axis: pg.AxisItem, view) -> Violation | None:
    labels = tick_label_rects(axis)
    clashes = []
    for i, (a, text_a) in enumerate(labels):
        for b, text_b in labels[i + 1:]:
            common = a.intersected(b)
            if common.width() > PIXEL_TOLERANCE / 2 and common.height() > PIXEL_TOLERANCE / 2:
                clashes.append(f"{text_a!r}/{text_b!r}")
    if not clashes:
        return None
    more = f" and {len(clashes) - 4} more" if len(clashes) > 4 else ""
    where = f"{axis.orientation} axis {quote(axis.labelText)}" if axis.labelText else f"{axis.orientation} axis"
    return Violation("ticks", f"{where} in {describe(view)}", f"tick labels overlap: {', '.join(clashes[:4])}{more}")


def _text_rect(item: QGraphicsTextItem) -> QRectF:
    """Where a text item's text is (its bounding rect less the document margin, as wide as its text)."""
    margin = item.document().documentMargin()
    rect = item.boundingRect().adjusted(margin, margin, -margin, -margin)
    rect.setWidth(min(rect.width(), item.document().idealWidth()))
    return rect


def _within(rect: QRectF, clip: QRectF) -> bool:
    """``rect`` inside ``clip`` give or take the tolerance (QRectF.contains is false for an empty
    rectangle, such as a hidden axis's)."""
    t = PIXEL_TOLERANCE
    return (rect.left() >= clip.left() - t and rect.top() >= clip.top() - t
            and rect.right() <= clip.right() + t and rect.bottom() <= clip.bottom() + t)


def _clipping_rects(item: QGraphicsItem, view_rect: QRectF) -> list[tuple[QRectF, str]]:
    """The scene rectangles that clip ``item``: its view's, and any ancestor's that clips children."""
    rects = [(view_rect, "its graphics view")]
    parent = item.parentItem()
    while parent is not None:
        if parent.flags() & QGraphicsItem.GraphicsItemFlag.ItemClipsChildrenToShape:
            rects.append((parent.sceneBoundingRect(), f"the {type(parent).__name__} that clips it"))
        parent = parent.parentItem()
    return rects


def check_clipped(item: QGraphicsItem, view, view_rect: QRectF) -> Violation | None:
    """A plot part or a text cut off by the edge of its graphics view or of a clipping view box."""
    if isinstance(item, QGraphicsTextItem):
        text = item.toPlainText()
        if not text.strip():
            return None
        rect, rule, what = item.mapRectToScene(_text_rect(item)), "text", f"text {quote(text)}"
    else:
        rect, rule, what = item.mapRectToScene(item.rect()), "outside", type(item).__name__
    for clip, name in _clipping_rects(item, view_rect):
        if not _within(rect, clip):
            return Violation(rule, f"{what} in {describe(view)}",
                             f"{rect.width():.0f}×{rect.height():.0f} px at ({rect.x():.0f}, {rect.y():.0f}) is cut "
                             f"off by {name} ({clip.width():.0f}×{clip.height():.0f} at "
                             f"({clip.x():.0f}, {clip.y():.0f}))")
    return None


def _clipped(items: list, view, view_rect: QRectF) -> list[Violation]:
    """``check_clipped`` over ``items``, each cut-off part reported once: not again for its children
    (a plot layout wider than its view cuts its title, axes and view box too)."""
    cut = {}
    for item in items:
        if isinstance(item, (QGraphicsWidget, QGraphicsTextItem)):
            violation = check_clipped(item, view, view_rect)
            if violation is not None:
                cut[item] = violation

    def under_a_cut_one(item) -> bool:
        parent = item.parentItem()
        while parent is not None:
            if parent in cut:
                return True
            parent = parent.parentItem()
        return False

    return [v for item, v in cut.items() if not under_a_cut_one(item)]


def plot_violations(views: list[pg.GraphicsView]) -> list[Violation]:
    """Rule (d) over the visible pyqtgraph views of a window."""
    found: list[Violation | None] = []
    for view in views:
        view_rect = view.mapToScene(view.viewport().rect()).boundingRect()
        items = [i for i in view.scene().items() if i.isVisible()]
        boxes = [i for i in items if isinstance(i, pg.ViewBox) and i.width() > 1 and i.height() > 1]
        for vb in boxes:
            found.extend(check_data_in_view(vb, view))
        for item in items:
            if isinstance(item, pg.LegendItem):
                found.extend(check_legend(item, boxes, view))
            elif isinstance(item, pg.AxisItem) and item.style["showValues"]:
                found.append(check_ticks(item, view))
            elif isinstance(item, pg.TextItem):
                found.append(check_text_over_data(item, view))
        found.extend(_clipped(items, view, view_rect))
    return [v for v in found if v is not None]
