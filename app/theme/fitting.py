"""Ranges that include every shown curve, and legends and labels placed where no data is.

Geometry is worked out in the view's coordinates (log10 on a log axis) from the ranges a view is
about to have and its size in pixels, so a candidate range can be judged before it is set:

- :func:`shown_data`: the visible curves (and horizontal or vertical lines) of a plot as polylines;
- :class:`DataMap`: where those lie, column by column of the view (a few pixels wide): for each
  curve, the lowest and highest y it reaches in each column. Built once per fit (one pass over each
  curve; the columns do not depend on the y range), it answers "does data enter this rectangle?"
  and "how high does data reach over these x?" with a few array slices;
- :func:`crosses`: the same question for one polyline, exactly (its segments, not only its points);
- :func:`fit_view`: the ranges that include every shown curve (a few pixels of margin, within
  limits such as 0–100 %), grown at the top or the bottom when no corner of the plot is free for
  its legend, and the legend moved to a free corner;
- :func:`free_spot`: the first of several places (rectangles in pixels) where no data is, e.g. for
  a reference line's label.

Views call :func:`fit_view` after they draw (per epoch, not per frame: it reads every curve once;
~1 ms for a plot of a few thousand points).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import math

import numpy as np
import pyqtgraph as pg

CORNERS = ("top-right", "top-left", "bottom-right", "bottom-left")
INSET = 8  # pixels between a legend and the corner of the plot it sits in
MARGIN = 4  # pixels kept between data (lines are drawn ~2 px wide, markers 5 px) and a legend or label
PADDING = 6  # pixels between the data and the edge of the view
MAX_LEGEND_SHARE = 0.6  # of the plot's height a legend's band may take before it is allowed to cover data
COLUMN = 3  # pixels: the width of a DataMap's columns
FAR = 1e300  # an InfiniteLine's ends


@dataclass(frozen=True)
class View:
    """A view: its x and y ranges (view coordinates) and its size in pixels."""

    x: tuple[float, float]
    y: tuple[float, float]
    width: float
    height: float

    @classmethod
    def of(cls, vb: pg.ViewBox) -> View:
        (x0, x1), (y0, y1) = vb.viewRange()
        return cls((x0, x1), (y0, y1), max(1.0, vb.width()), max(1.0, vb.height()))

    def box(self, left: float, top: float, width: float, height: float, margin: float = MARGIN):
        """A rectangle given in pixels from the view's top-left corner, as (x0, x1, y0, y1) in view
        coordinates, grown by ``margin`` pixels."""
        sx = (self.x[1] - self.x[0]) / self.width
        sy = (self.y[1] - self.y[0]) / self.height
        x0 = self.x[0] + (left - margin) * sx
        x1 = self.x[0] + (left + width + margin) * sx
        y1 = self.y[1] - (top - margin) * sy
        y0 = self.y[1] - (top + height + margin) * sy
        return x0, x1, y0, y1

    def corner_box(self, corner: str, width: float, height: float, inset: float = INSET):
        left = inset if corner.endswith("left") else self.width - inset - width
        top = inset if corner.startswith("top") else self.height - inset - height
        return self.box(left, top, width, height)


def _log(values, log: bool) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    if not log:
        return values
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(values > 0, np.log10(np.where(values > 0, values, 1.0)), np.nan)


def log_modes(plot: pg.PlotItem) -> tuple[bool, bool]:
    return bool(plot.ctrl.logXCheck.isChecked()), bool(plot.ctrl.logYCheck.isChecked())


def shown_data(plot: pg.PlotItem, exclude: Iterable = ()) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every visible curve of ``plot`` as (x, y) in view coordinates, and its visible horizontal and
    vertical ``InfiniteLine``s as two-point lines across everything (the read-out's items and
    ``exclude`` left out)."""
    return [(x, y) for _item, x, y in shown_items(plot, exclude)]


def shown_items(plot: pg.PlotItem, exclude: Iterable = ()) -> list[tuple[object, np.ndarray, np.ndarray]]:
    """:func:`shown_data`, each polyline with the item it comes from."""
    log_x, log_y = log_modes(plot)
    skip = {id(item) for item in exclude}
    readout = getattr(plot, "readout", None)
    if readout is not None:
        skip |= {id(readout.line), id(readout.dots), id(readout.card)}
    out = []
    for item in plot.vb.addedItems:
        if id(item) in skip or not item.isVisible():
            continue
        if isinstance(item, pg.PlotDataItem):
            if item.xData is None or item.yData is None or not len(item.yData):
                continue
            x, y = item.xData, item.yData
            if len(x) == len(y) + 1:  # stepMode: bin edges
                x = (x[:-1] + x[1:]) / 2
            out.append((item, _log(x, log_x), _log(y, log_y)))
        elif isinstance(item, pg.InfiniteLine) and item.angle % 180 in (0, 90):
            far = np.array([-FAR, FAR])
            value = float(item.value())  # (already in view coordinates)
            line = (far, np.array([value, value])) if item.angle % 180 == 0 else (np.array([value, value]), far)
            out.append((item, *line))
    return out


def _segments(x: np.ndarray, y: np.ndarray, x0: float, x1: float):
    """The y values at both ends of each segment of the polyline clipped to x0 ≤ x ≤ x1 (and of
    each lone point there)."""
    ok = np.isfinite(x) & np.isfinite(y)
    if len(x) == 1 or ok.sum() <= 1:
        inside = ok & (x >= x0) & (x <= x1)
        return y[inside], y[inside]
    xa, xb, ya, yb = x[:-1], x[1:], y[:-1], y[1:]
    both = ok[:-1] & ok[1:]
    lone = ok & ~np.r_[False, both] & ~np.r_[both, False] & (x >= x0) & (x <= x1)  # points without a segment
    keep = both & (np.maximum(xa, xb) >= x0) & (np.minimum(xa, xb) <= x1)
    xa, xb, ya, yb = xa[keep], xb[keep], ya[keep], yb[keep]
    dx = xb - xa
    flat = dx == 0
    safe = np.where(flat, 1.0, dx)
    t0 = np.where(flat, 0.0, np.clip((x0 - xa) / safe, 0, 1))
    t1 = np.where(flat, 1.0, np.clip((x1 - xa) / safe, 0, 1))
    y_t0, y_t1 = ya + t0 * (yb - ya), ya + t1 * (yb - ya)
    return np.r_[y_t0, y[lone]], np.r_[y_t1, y[lone]]


def crosses(x: np.ndarray, y: np.ndarray, box) -> bool:
    """Whether the polyline (x, y) has a point or a piece of a segment inside ``box`` (x0, x1, y0, y1)."""
    x0, x1, y0, y1 = box
    a, b = _segments(x, y, x0, x1)
    return bool(np.any((np.minimum(a, b) <= y1) & (np.maximum(a, b) >= y0)))


class DataMap:
    """Where the data ``data`` (polylines in view coordinates, e.g. :func:`shown_data`) lies over the
    x range ``x_range`` of a view ``width`` pixels wide: ``low[i, c]`` and ``high[i, c]`` are the
    lowest and highest y curve ``i`` reaches in column ``c`` (NaN where it has none). A curve with
    its x in order is followed between its points (its segments cross columns); any other is taken
    as points. ``items``: what each polyline comes from (see :meth:`without`)."""

    def __init__(self, data, x_range: tuple[float, float], width: float, items: Sequence = ()):
        self.x0, self.x1 = float(x_range[0]), float(x_range[1])
        self.width = width
        self.n = max(1, int(math.ceil(width / COLUMN)))
        self.items = list(items)
        edges = np.linspace(self.x0, self.x1, self.n + 1)
        rows = [_envelope(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64), edges) for x, y in data]
        self.low = np.array([r[0] for r in rows]).reshape(len(rows), self.n)
        self.high = np.array([r[1] for r in rows]).reshape(len(rows), self.n)

    @classmethod
    def of(cls, plot: pg.PlotItem, x_range: tuple[float, float] | None = None, exclude: Iterable = ()) -> DataMap:
        """The map of ``plot``'s shown data over ``x_range`` (default: its view's)."""
        view = View.of(plot.vb)
        found = shown_items(plot, exclude)
        return cls([(x, y) for _i, x, y in found], x_range or view.x, view.width, [i for i, _x, _y in found])

    def without(self, *items) -> DataMap:
        """The same map without the rows of ``items`` (e.g. a line whose own label is being placed)."""
        keep = [k for k, item in enumerate(self.items) if not any(item is i for i in items)]
        other = object.__new__(DataMap)
        other.__dict__.update(self.__dict__)
        other.items = [self.items[k] for k in keep]
        other.low, other.high = self.low[keep], self.high[keep]
        return other

    def _columns(self, x0: float, x1: float) -> slice:
        scale = self.n / (self.x1 - self.x0) if self.x1 > self.x0 else 0.0
        first = int(math.floor((x0 - self.x0) * scale))
        last = int(math.floor((x1 - self.x0) * scale))
        return slice(min(max(first, 0), self.n), min(max(last + 1, 0), self.n))

    def crosses(self, box) -> bool:
        """Whether any curve has data in ``box`` (x0, x1, y0, y1)."""
        x0, x1, y0, y1 = box
        columns = self._columns(x0, x1)
        with np.errstate(invalid="ignore"):
            return bool(np.any((self.low[:, columns] <= y1) & (self.high[:, columns] >= y0)))

    def y_extent(self, x0: float | None = None, x1: float | None = None) -> tuple[float, float] | None:
        """The lowest and highest y any curve reaches over x0 ≤ x ≤ x1 (default: the whole range),
        lines across everything left out."""
        columns = self._columns(self.x0 if x0 is None else x0, self.x1 if x1 is None else x1)
        low, high = self.low[:, columns], self.high[:, columns]
        low, high = low[np.abs(low) < FAR / 10], high[np.abs(high) < FAR / 10]
        if not low.size:
            return None
        return float(low.min()), float(high.max())


def _envelope(x: np.ndarray, y: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The lowest and highest y of one polyline in each column between ``edges`` (NaN where none)."""
    n = len(edges) - 1
    low, high = np.full(n, np.inf), np.full(n, -np.inf)
    ok = ~np.isnan(x) & ~np.isnan(y)
    x, y = np.clip(x[ok], -FAR, FAR), np.clip(y[ok], -FAR, FAR)
    if len(x) > 1 and np.all(x[1:] >= x[:-1]):  # a curve: its value at each column edge it spans too
        inner = edges[(edges > x[0]) & (edges < x[-1])]
        if len(inner):
            x, y = np.concatenate([x, inner]), np.concatenate([y, np.interp(inner, x, y)])
    scale = n / (edges[-1] - edges[0]) if edges[-1] > edges[0] else 0.0
    position = np.clip((x - edges[0]) * scale, -1.0, n + 1.0)
    column = np.floor(position)
    on_edge = (position == column) & (column > 0)  # a point on an edge is in the column before it too
    columns = np.concatenate([column, column[on_edge] - 1])
    values = np.concatenate([y, y[on_edge]])
    inside = (columns >= 0) & (columns < n)
    columns, values = columns[inside].astype(np.intp), values[inside]
    np.minimum.at(low, columns, values)
    np.maximum.at(high, columns, values)
    low[~np.isfinite(low) & (low > 0)] = np.nan  # (columns with no data kept their ±inf)
    high[~np.isfinite(high) & (high < 0)] = np.nan
    return low, high


def free_spot(view: View, data: DataMap, boxes: Sequence[tuple[float, float, float, float]]) -> int | None:
    """The index of the first rectangle (left, top, width, height in pixels) no data enters."""
    for i, (left, top, width, height) in enumerate(boxes):
        if not data.crosses(view.box(left, top, width, height)):
            return i
    return None


def _bounds(data, axis: int) -> tuple[float, float] | None:
    values = [np.asarray(d[axis], dtype=np.float64) for d in data]
    values = np.concatenate(values) if values else np.zeros(0)
    values = values[np.isfinite(values) & (np.abs(values) < 1e299)]  # (lines across everything do not count)
    return (float(values.min()), float(values.max())) if values.size else None


def _padded(low: float, high: float, pixels: float, padding: float = PADDING) -> tuple[float, float]:
    span = high - low
    if span <= 0:
        span = max(abs(high) * 0.1, 1e-9)
        low, high = low - span / 2, high + span / 2
    share = min(0.25, padding / max(pixels, 1.0))
    pad = span * share / (1 - 2 * share)
    return low - pad, high + pad


def _legend_size(legend) -> tuple[float, float]:
    rect = legend.boundingRect()
    return rect.width(), rect.height()


def legend_corner(view: View, data: DataMap, legend) -> str | None:
    """The corner of ``view`` where ``legend`` (its current corner first) covers no data, or None."""
    width, height = _legend_size(legend)
    if width + 2 * INSET > view.width:  # wider than the plot: no corner holds it
        return None
    current = corner_of(legend)
    for corner in sorted(CORNERS, key=lambda c: c != current):
        if not data.crosses(view.corner_box(corner, width, height)):
            return corner
    return None


def corner_of(legend) -> str:
    """The corner a legend made by ``app.theme.plots.add_legend`` sits in."""
    dx, dy = legend.opts.get("offset") or (-1, 1)
    return ("top" if dy > 0 else "bottom") + ("-left" if dx > 0 else "-right")


def move_legend(legend, corner: str) -> None:
    sx = -INSET if corner.endswith("right") else INSET
    sy = INSET if corner.startswith("top") else -INSET
    if tuple(legend.opts.get("offset") or ()) != (sx, sy):
        legend.setOffset((sx, sy))


def _grown_for_legend(view: View, data: DataMap, legend, limits) -> tuple[View, str] | None:
    """The view grown at its top or bottom (the least growth that stays within ``limits``) so that
    a corner is free for ``legend``, and that corner; None if none is possible."""
    width, height = _legend_size(legend)
    share = (height + INSET + 2 * MARGIN) / view.height
    if share >= MAX_LEGEND_SHARE or width + 2 * INSET > view.width:
        return None
    low, high = view.y
    options = []
    for corner in CORNERS:
        x0, x1, _y0, _y1 = view.corner_box(corner, width, height)
        extent = data.y_extent(x0, x1)
        if extent is None:
            return view, corner
        if corner.startswith("top"):
            new_high = low + (extent[1] - low) / (1 - share)
            if limits[1] is None or new_high <= limits[1]:
                options.append((new_high - high, View(view.x, (low, max(high, new_high)), view.width, view.height),
                                corner))
        else:
            new_low = high - (high - extent[0]) / (1 - share)
            if limits[0] is None or new_low >= limits[0]:
                options.append((low - new_low, View(view.x, (min(low, new_low), high), view.width, view.height),
                                corner))
    if not options:
        return None
    _growth, grown, corner = min(options, key=lambda o: o[0])
    return grown, corner


_PLOTS_LEGEND = object()  # (the default of ``legend``: the plot's own, while it is on show)


def _legend(plot: pg.PlotItem, legend):
    if legend is _PLOTS_LEGEND:
        legend = plot.legend if plot.legend is not None and plot.legend.isVisible() else None
    return legend if legend is not None and legend.items else None


def wanted_view(plot: pg.PlotItem, *, y_limits=(None, None), include_y: Sequence[float] = (),
                x_range: tuple[float, float] | None = None, exclude: Iterable = (),
                legend=_PLOTS_LEGEND, data: DataMap | None = None, decades: bool = False) -> tuple[View, str | None]:
    """The view :func:`fit_view` would set, and the legend's corner in it (None: no legend, or no
    free corner). ``legend``: the legend to find a corner for (default: the plot's, if shown);
    ``data``: the plot's :class:`DataMap` over ``x_range`` if the caller has it; ``decades``: a log
    axis's range out to whole decades (a range that data leaves less often)."""
    view, corner, _data = _wanted(plot, y_limits, include_y, x_range, exclude, legend, data, decades)
    return view, corner


def _wanted(plot, y_limits, include_y, x_range, exclude, legend, data=None,
            decades: bool = False) -> tuple[View, str | None, DataMap]:
    log_x, log_y = log_modes(plot)
    current = View.of(plot.vb)
    if data is None or x_range is None:
        found = shown_items(plot, exclude)
        polylines = [(x, y) for _i, x, y in found]
        if x_range is None:
            xb = _bounds(polylines, 0)
            x_range = _padded(*xb, current.width) if xb else current.x
        data = DataMap(polylines, x_range, current.width, [i for i, _x, _y in found])
    limits = tuple(None if v is None else float(_log([v], log_y)[0]) for v in y_limits)
    extra = _log(list(include_y), log_y) if len(include_y) else np.zeros(0)
    extra = extra[np.isfinite(extra)]
    extent = data.y_extent()
    if extent is None and not extra.size:
        return current, None, data
    values = np.concatenate([extra, extent or []])
    yb = float(values.min()), float(values.max())
    low, high = _padded(*yb, current.height)
    if decades and log_y:
        low, high = math.floor(low), max(math.ceil(high), math.floor(low) + 1)
    if limits[0] is not None:
        low = max(low, limits[0]) if yb[0] >= limits[0] else low
    if limits[1] is not None:
        high = min(high, limits[1]) if yb[1] <= limits[1] else high
    view = View(tuple(x_range), (low, high), current.width, current.height)
    legend = _legend(plot, legend)
    if legend is None:
        return view, None, data
    corner = legend_corner(view, data, legend)
    if corner is None:
        grown = _grown_for_legend(view, data, legend, limits)
        if grown is not None:
            view, corner = grown
    return view, corner, data


def fit_view(plot: pg.PlotItem, *, x: bool = True, y_limits=(None, None), include_y: Sequence[float] = (),
             keep: bool = False, exclude: Iterable = (), data: DataMap | None = None,
             decades: bool = False) -> str | None:
    """Give ``plot`` ranges that include every shown curve (and the values ``include_y``), within
    ``y_limits`` (data units, e.g. ``(0, 100)`` for a percentage: the axis never goes past them),
    with a free corner for its legend (if shown), which moves there. ``x=False`` keeps the x range
    as it is (a view that spans its own epochs, say). ``keep``: leave the y range alone while
    everything still fits in it with the legend's corner free and fills at least a third of it (a
    range that changes less often repaints its axes less often). ``data``: the plot's
    :class:`DataMap` over its x range, if the caller has it (with ``x=False``); ``decades``: a log
    axis out to whole decades. Returns the legend's
    corner (None when there is no legend, or it cannot be placed where no data is: the plot is too
    small)."""
    vb = plot.vb
    current = View.of(vb)
    view, corner, data = _wanted(plot, y_limits, include_y, None if x else current.x, exclude, _PLOTS_LEGEND,
                                 None if x else data, decades)
    if keep and not vb.autoRangeEnabled()[1]:
        (low, high), (want_low, want_high) = current.y, view.y
        fits = low <= want_low + 1e-12 and want_high <= high + 1e-12 and (want_high - want_low) * 3 >= high - low
        if fits:
            kept = View(view.x, current.y, view.width, view.height)
            legend = _legend(plot, _PLOTS_LEGEND)
            kept_corner = legend_corner(kept, data, legend) if legend is not None else None
            if legend is None or kept_corner is not None:
                view, corner = kept, kept_corner
    if x and view.x != current.x:
        vb.setXRange(*view.x, padding=0)
    if view.y != current.y:
        vb.setYRange(*view.y, padding=0)
    if corner is not None:
        move_legend(plot.legend, corner)
    return corner
