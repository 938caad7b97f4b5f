"""Ranges that include every shown curve, and legends and labels placed where no data is.

Geometry is worked out in the view's coordinates (log10 on a log axis) from the ranges a view is
about to have and its size in pixels, so a candidate range can be judged before it is set:

- :func:`shown_data`: the visible curves (and horizontal or vertical lines) of a plot as polylines;
- :func:`crosses`: whether a polyline enters a rectangle (its segments, not only its points);
- :func:`fit_view`: the ranges that include every shown curve (a few pixels of margin, within
  limits such as 0–100 %), grown at the top or the bottom when no corner of the plot is free for
  its legend, and the legend moved to a free corner;
- :func:`free_spot`: the first of several places (rectangles in pixels) where no data is, e.g. for
  a reference line's label.

Views call :func:`fit_view` after they draw (per epoch, not per frame: it reads every curve).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg

CORNERS = ("top-right", "top-left", "bottom-right", "bottom-left")
INSET = 8  # pixels between a legend and the corner of the plot it sits in
MARGIN = 4  # pixels kept between data (lines are drawn ~2 px wide, markers 5 px) and a legend or label
PADDING = 6  # pixels between the data and the edge of the view
MAX_LEGEND_SHARE = 0.6  # of the plot's height a legend's band may take before it is allowed to cover data


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
            out.append((_log(x, log_x), _log(y, log_y)))
        elif isinstance(item, pg.InfiniteLine) and item.angle % 180 in (0, 90):
            far = np.array([-1e300, 1e300])
            value = float(item.value())  # (already in view coordinates)
            line = (far, np.array([value, value])) if item.angle % 180 == 0 else (np.array([value, value]), far)
            out.append(line)
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


def y_extent(data, x0: float, x1: float) -> tuple[float, float] | None:
    """The lowest and highest y of the polylines ``data`` over x0 ≤ x ≤ x1."""
    values = [np.r_[a, b] for x, y in data for a, b in [_segments(x, y, x0, x1)] if len(a)]
    values = np.concatenate(values) if values else np.zeros(0)
    values = values[np.isfinite(values) & (np.abs(values) < 1e299)]
    return (float(values.min()), float(values.max())) if values.size else None


def free_spot(view: View, data, boxes: Sequence[tuple[float, float, float, float]]) -> int | None:
    """The index of the first rectangle (left, top, width, height in pixels) no data enters."""
    for i, (left, top, width, height) in enumerate(boxes):
        box = view.box(left, top, width, height)
        if not any(crosses(x, y, box) for x, y in data):
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


def legend_corner(view: View, data, legend) -> str | None:
    """The corner of ``view`` where ``legend`` (its current corner first) covers no data, or None."""
    width, height = _legend_size(legend)
    current = corner_of(legend)
    for corner in sorted(CORNERS, key=lambda c: c != current):
        box = view.corner_box(corner, width, height)
        if not any(crosses(x, y, box) for x, y in data):
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


def _grown_for_legend(view: View, data, legend, limits) -> tuple[View, str] | None:
    """The view grown at its top or bottom (the least growth that stays within ``limits``) so that
    a corner is free for ``legend``, and that corner; None if none is possible."""
    width, height = _legend_size(legend)
    share = (height + INSET + 2 * MARGIN) / view.height
    if share >= MAX_LEGEND_SHARE:
        return None
    low, high = view.y
    options = []
    for corner in CORNERS:
        x0, x1, _y0, _y1 = view.corner_box(corner, width, height)
        extent = y_extent(data, x0, x1)
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


def wanted_view(plot: pg.PlotItem, *, y_limits=(None, None), include_y: Sequence[float] = (),
                x_range: tuple[float, float] | None = None, exclude: Iterable = ()) -> tuple[View, str | None]:
    """The view :func:`fit_view` would set, and the legend's corner in it (None: no legend, or no
    free corner)."""
    vb = plot.vb
    log_x, log_y = log_modes(plot)
    data = shown_data(plot, exclude)
    current = View.of(vb)
    if x_range is None:
        xb = _bounds(data, 0)
        x_range = _padded(*xb, current.width) if xb else current.x
    limits = tuple(None if v is None else float(_log([v], log_y)[0]) for v in y_limits)
    extra = _log(list(include_y), log_y) if len(include_y) else np.zeros(0)
    yb = _bounds(data + [(np.zeros(len(extra)), extra)], 1)
    if yb is None:
        return current, None
    low, high = _padded(*yb, current.height)
    if limits[0] is not None:
        low = max(low, limits[0]) if yb[0] >= limits[0] else low
    if limits[1] is not None:
        high = min(high, limits[1]) if yb[1] <= limits[1] else high
    view = View(tuple(x_range), (low, high), current.width, current.height)
    legend = plot.legend
    if legend is None or not legend.items or not legend.isVisible():
        return view, None
    corner = legend_corner(view, data, legend)
    if corner is None:
        grown = _grown_for_legend(view, data, legend, limits)
        if grown is not None:
            view, corner = grown
    return view, corner


def fit_view(plot: pg.PlotItem, *, x: bool = True, y_limits=(None, None), include_y: Sequence[float] = (),
             keep: bool = False, exclude: Iterable = ()) -> View:
    """Give ``plot`` ranges that include every shown curve (and the values ``include_y``), within
    ``y_limits`` (data units, e.g. ``(0, 100)`` for a percentage: the axis never goes past them),
    with a free corner for its legend, which moves there. ``x=False`` keeps the x range as it is
    (a view that spans its own epochs, say). ``keep``: leave the y range alone while everything
    still fits in it with the legend's corner free and fills at least a third of it (a range that
    changes less often repaints its axes less often). Returns the view set."""
    vb = plot.vb
    current = View.of(vb)
    view, corner = wanted_view(plot, y_limits=y_limits, include_y=include_y,
                               x_range=None if x else current.x, exclude=exclude)
    if keep and not vb.autoRangeEnabled()[1]:
        (low, high), (want_low, want_high) = current.y, view.y
        fits = low <= want_low + 1e-12 and want_high <= high + 1e-12 and (want_high - want_low) * 3 >= high - low
        if fits:
            kept = View(view.x, current.y, view.width, view.height)
            legend = plot.legend
            kept_corner = (legend_corner(kept, shown_data(plot, exclude), legend)
                           if legend is not None and legend.items else None)
            if legend is None or not legend.items or kept_corner is not None:
                view, corner = kept, kept_corner
    if x and view.x != current.x:
        vb.setXRange(*view.x, padding=0)
    if view.y != current.y:
        vb.setYRange(*view.y, padding=0)
    if corner is not None:
        move_legend(plot.legend, corner)
    return view
