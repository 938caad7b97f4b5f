"""Line plots whose curves are made once and then only fed new data.

``CurvePlot`` keeps its curves by key: the first ``set_curve(key, ...)`` creates the item, later calls
only ``setData`` (cheap enough for ten updates a second). A horizontal reference line (a figure from
the book, say) can be drawn with its label, which sits on the line where no curve passes (or, when
the curves pass everywhere, in the legend). The y range includes every curve and the line, within
optional limits (``y_limits``: an accuracy axis never goes past 100 %), and leaves the legend a
corner with no data (``app.theme.fitting``); a plot too small for that shows its legend as a key
under the plot instead (``key``), until it has room again.
"""
from __future__ import annotations

import re

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontMetrics

from app import theme
from app.theme import fitting
from app.theme import plots as look
from app.theme.palette import font

#: where the reference line's label may sit: (position along the line, above it)
LABEL_SPOTS = [(p, above) for above in (True, False) for p in (0.02, 0.98, 0.3, 0.65)]
LABEL_GAP = 2  # pixels between the line and its label
REFIT_DELAY_MS = 120  # after the last resize, the legend and the label find their places again
KEY_ROW = 4  # the row of a PlotItem's layout under its bottom axis
KEY_GAP = "&nbsp;" * 3  # between two entries of the key


class CurvePlot(pg.PlotWidget):
    """One plot with named curves, a legend and an optional horizontal reference line."""

    def __init__(self, title: str = "", x_label: str = "", y_label: str = "", legend_corner: str = "bottom-right",
                 log_y: bool = False, grid: bool = True, y_limits: tuple[float | None, float | None] = (None, None),
                 parent=None):
        """``grid=False`` for plots updated many times a second: grid lines make every data update
        repaint the axes too."""
        super().__init__(parent, axisItems=look.axes())
        self.setMinimumSize(120, 100)
        plot = self.getPlotItem()
        self.legend = look.style_plot(plot, title, x_label, y_label, log_y=log_y, grid=grid, legend=legend_corner)
        # The left axis only ever widens for longer tick labels: a narrower label after a new range
        # would otherwise lay the whole plot out again (and repaint it) for a few pixels.
        plot.getAxis("left").setStyle(autoReduceTextSpace=False)
        self.log_y = log_y
        self.y_limits = y_limits
        look.cache_axes(plot)
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._extents: dict[str, tuple[float, float, float]] = {}  # key -> (min, max, smallest positive)
        self._x_span_set = False  # until set_x_span, the x range follows the curves
        self.reference = pg.InfiniteLine(angle=0, movable=False,
                                         pen=pg.mkPen(theme.REFERENCE, width=1.5, style=Qt.DashLine),
                                         label="", labelOpts={"position": 0.02, "color": theme.REFERENCE,
                                                              "anchors": [(0, 1), (0, 1)]})
        self.reference.setZValue(-5)
        self.reference.hide()
        plot.addItem(self.reference)  # the plot's range includes it
        # the reference line's entry in the legend, shown when its label finds no free place on the line
        self._reference_entry: pg.PlotDataItem | None = None
        self._refit = QTimer(self)  # a new size moves the legend's box and the label's over the data
        self._refit.setSingleShot(True)
        self._refit.setInterval(REFIT_DELAY_MS)
        self._refit.timeout.connect(self._fit_again)
        plot.vb.sigResized.connect(self._refit.start)
        # the legend as a line (or a few) of text under the plot, when the plot is too small to hold it
        self.key = pg.LabelItem("", justify="left")
        plot.layout.addItem(self.key, KEY_ROW, 1)
        self._show_key(False)

    def _fit_again(self) -> None:
        if self.getPlotItem() is not None:  # (a closed PlotWidget has let go of its plot)
            self.fit_y()

    # --- curves ------------------------------------------------------------------------------------
    def set_curve(self, key: str, x, y, color: str = theme.ACCENT, width: float = 2.0, dash: bool = False,
                  name: str | None = None, symbol: str | None = None, alpha: int = 255, z: float = 0,
                  antialias: bool = True) -> pg.PlotDataItem:
        """Create the curve ``key`` on first use, then only replace its data (its style is fixed when it
        is made; a new ``name`` makes it anew). Long curves updated often draw faster with
        ``antialias=False``."""
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        item = self._curves.get(key)
        if item is not None and name is not None and item.opts.get("name") != name:
            self.remove_curve(key)
            item = None
        if item is None:
            qcolor = pg.mkColor(color)
            qcolor.setAlpha(alpha)
            pen = pg.mkPen(qcolor, width=width, style=Qt.DashLine if dash else Qt.SolidLine)
            # dynamicRangeLimit=None: a new view range does not make the item set its data again
            # (that guards against values ~1e6 times the view, which these curves never have)
            options = {"pen": pen, "name": name, "antialias": antialias, "skipFiniteCheck": False,
                       "dynamicRangeLimit": None}
            if symbol:
                options.update(symbol=symbol, symbolSize=5, symbolBrush=qcolor, symbolPen=None)
            item = pg.PlotDataItem(**options)
            item.setZValue(z)
            self.getPlotItem().addItem(item)
            self._curves[key] = item
        item.setData(x, y)
        self._extents[key] = _extent(y)
        return item

    def curve(self, key: str) -> pg.PlotDataItem | None:
        return self._curves.get(key)

    def keys(self) -> list[str]:
        return list(self._curves)

    def remove_curve(self, key: str) -> None:
        item = self._curves.pop(key, None)
        self._extents.pop(key, None)
        if item is not None:
            self.getPlotItem().removeItem(item)  # also takes it out of the legend

    def remove_curves(self, prefix: str) -> None:
        for key in [k for k in self._curves if k.startswith(prefix)]:
            self.remove_curve(key)

    def curve_data(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """The data of curve ``key`` (empty arrays when there is no such curve or it has no points)."""
        item = self._curves.get(key)
        if item is None or item.xData is None:
            return np.zeros(0), np.zeros(0)
        return item.xData, item.yData

    def y_extent(self) -> tuple[float, float] | None:
        """The lowest and highest y of every curve (on a log axis, of their positive values)."""
        extents = [e for e in self._extents.values() if np.isfinite(e[0])]
        if not extents:
            return None
        low = min(e[2] if self.log_y else e[0] for e in extents)
        high = max(e[1] for e in extents)
        return (low, high) if np.isfinite(low) and high >= low else None

    # --- ranges that change rarely (each change repaints the axes) --------------------------------------
    def set_x_span(self, low: float, high: float) -> None:
        """Fix the x range (e.g. 0 to the planned number of epochs)."""
        self._x_span_set = True
        plot = self.getPlotItem()
        current = plot.vb.viewRange()[0]
        if plot.vb.autoRangeEnabled()[0] or abs(current[0] - low) > 1e-9 or abs(current[1] - high) > 1e-9:
            plot.setXRange(low, high, padding=0)

    def fit_y(self, force: bool = False, include=()) -> None:
        """Keep every curve, the values ``include`` and the reference line in view, with a free
        corner for the legend and a free place for the line's label; unless ``force``, the range
        stays while they still fit it (see ``app.theme.fitting.fit_view``)."""
        reference = self.reference_value()
        values = list(include) + ([reference] if reference is not None else [])
        if self.y_extent() is None and not values:  # nothing drawn yet: the range stays as it is
            return
        plot = self.getPlotItem()
        auto_x = not self._x_span_set  # no x span set: the x range follows the curves too
        data = None if auto_x else fitting.DataMap.of(plot)  # (one pass over the curves serves every step below)
        fit = dict(x=auto_x, y_limits=self.y_limits, include_y=values, keep=not force, data=data, decades=self.log_y)
        corner = fitting.fit_view(plot, **fit)
        if reference is not None and self._place_reference_label(data or fitting.DataMap.of(plot)):
            corner = fitting.fit_view(plot, **fit)
        self._place_legend(corner, fit)

    # --- the legend: in a corner, or under the plot ------------------------------------------------------
    def key_shown(self) -> bool:
        """Whether the legend is under the plot (it found no corner free of data)."""
        return self.key.isVisible()

    def _place_legend(self, corner: str | None, fit: dict) -> None:
        legend = self.legend
        if legend is None or not legend.items:
            self._show_key(False)
            return
        plot = self.getPlotItem()
        if self.key_shown():
            _view, inside = fitting.wanted_view(plot, y_limits=fit["y_limits"], include_y=fit["include_y"],
                                                x_range=fitting.View.of(plot.vb).x, legend=legend, data=fit["data"],
                                                decades=fit["decades"])
            if inside is None:
                self._show_key(True)  # (its entries may have changed)
                return
            legend.show()
            self._show_key(False)
            fitting.fit_view(plot, **fit)
        elif corner is None:  # too small a plot: the legend goes under it
            legend.hide()
            self._show_key(True)
            fitting.fit_view(plot, **fit)

    def _show_key(self, show: bool) -> None:
        layout = self.getPlotItem().layout
        if not show:
            if self.key.isVisible() or self.key.text:
                self.key.item.setTextWidth(-1)
                self.key.setText("")
                self.key.hide()
                layout.setRowFixedHeight(KEY_ROW, 0)
            return
        room = self._key_room()
        html = self._key_html(room)
        if html != self.key.text or not self.key.isVisible():  # (laying the text out again costs ~1 ms)
            self.key.setText(html, size=f"{theme.FONT_SMALL}px", color=theme.TEXT)
            self.key.item.setTextWidth(room)  # an entry longer than the plot is wide wraps: it never widens the plot
            self.key.updateMin()
            self.key.show()
            layout.setRowFixedHeight(KEY_ROW, self.key.item.boundingRect().height())

    def _key_room(self) -> float:
        """The width the key has: the view's column of the widget (not the plot's own width, which a
        wide key would have stretched)."""
        return max(60.0, self.width() - self.getPlotItem().getAxis("left").width() - 12)

    def _key_html(self, room: float) -> str:
        """The legend's entries as text, in lines no wider than ``room`` (as many entries a line as fit)."""
        metrics = QFontMetrics(font(theme.FONT_SMALL))
        lines, line, used = [], [], 0.0
        for sample, label in self.legend.items:
            pen = pg.mkPen(sample.item.opts.get("pen"))
            glyph = "╌╌" if pen.style() != Qt.PenStyle.SolidLine else "━━"
            entry = f"{theme.coloured(glyph, pen.color().name())} {label.text}"
            width = metrics.horizontalAdvance(f"{glyph} {re.sub('<[^>]+>', '', label.text)}   ")
            if line and used + width > room:
                lines.append(KEY_GAP.join(line))
                line, used = [], 0.0
            line.append(entry)
            used += width
        if line:
            lines.append(KEY_GAP.join(line))
        return "<br>".join(lines)

    def keep_y_in_view(self, values=()) -> None:
        """A cheap check for curves that change many times a second: fit the y range again (see
        :meth:`fit_y`) only when the curves or ``values`` leave it."""
        extent = self.y_extent()
        values = np.asarray(values, dtype=np.float64)
        values = values[np.isfinite(values) & ((values > 0) if self.log_y else True)]
        if values.size:
            extent = (min(values.min(), extent[0]), max(values.max(), extent[1])) if extent else \
                (values.min(), values.max())
        if extent is None:
            return
        plot = self.getPlotItem()
        low, high = plot.vb.viewRange()[1]
        if self.log_y:
            extent = (np.log10(extent[0]), np.log10(extent[1]))
        if plot.vb.autoRangeEnabled()[1] or extent[0] < low or extent[1] > high:
            self.fit_y(force=True, include=values)

    # --- the reference line --------------------------------------------------------------------------
    def set_reference(self, value: float | None, text: str = "") -> None:
        """Draw a dashed horizontal line at ``value`` labelled ``text`` (None hides it)."""
        if value is None or not np.isfinite(value):
            self.reference.hide()
            self._show_reference_entry(False)
            return
        self.reference.show()  # first: a hidden line's label ignores new text
        self.reference.setValue(np.log10(value) if self.log_y else value)
        self.reference.label.setFormat(text)
        if self._reference_entry is not None and self._reference_entry.name() != text:
            self._show_reference_entry(False)
            self._reference_entry = None

    def reference_value(self) -> float | None:
        if not self.reference.isVisible():
            return None
        value = float(self.reference.value())
        return 10 ** value if self.log_y else value

    def reference_label_shown(self) -> bool:
        """Whether the line's label is on the line (else it is in the legend)."""
        return self.reference.isVisible() and self.reference.label.isVisible()

    def _place_reference_label(self, data: fitting.DataMap) -> bool:
        """Put the line's label where no curve passes (in the plot, on either side of the line,
        along it), else into the legend; True when the legend gained or lost it."""
        plot = self.getPlotItem()
        view = fitting.View.of(plot.vb)
        label = self.reference.label
        label.show()
        label.valueChanged()  # (a hidden label ignores new text: measure what it will say)
        rect = label.boundingRect()
        width, height = rect.width(), rect.height()
        line_y = (view.y[1] - float(self.reference.value())) / (view.y[1] - view.y[0]) * view.height
        boxes = []
        for position, above in LABEL_SPOTS:
            left = min(max(position * view.width - (width if position > 0.5 else 0), 0), view.width - width)
            top = line_y - LABEL_GAP - height if above else line_y + LABEL_GAP
            boxes.append((left, top, width, height))
        inside = [b for b in boxes if b[1] >= 0 and b[1] + b[3] <= view.height and not self._under_legend(view, b)]
        found = fitting.free_spot(view, data.without(self.reference), inside)
        if found is not None:
            position, above = LABEL_SPOTS[boxes.index(inside[found])]
            anchor = (1 if position > 0.5 else 0, 1 if above else 0)
            label.anchors = [anchor, anchor]
            label.setPosition(position)
        else:
            label.hide()
        return self._show_reference_entry(found is None)

    def _under_legend(self, view: fitting.View, box: tuple[float, float, float, float]) -> bool:
        """Whether a rectangle (left, top, width, height in the view's pixels) meets the legend's box."""
        legend = self.legend
        if legend is None or not legend.items or not legend.isVisible():
            return False
        width, height = legend.boundingRect().width(), legend.boundingRect().height()
        left = fitting.INSET if fitting.corner_of(legend).endswith("left") else view.width - fitting.INSET - width
        top = fitting.INSET if fitting.corner_of(legend).startswith("top") else view.height - fitting.INSET - height
        gap = fitting.MARGIN
        return (box[0] < left + width + gap and left < box[0] + box[2] + gap
                and box[1] < top + height + gap and top < box[1] + box[3] + gap)

    def _show_reference_entry(self, show: bool) -> bool:
        entry = self._reference_entry
        if show and entry is None:
            entry = pg.PlotDataItem(pen=self.reference.pen, name=self.reference.label.format)
            self.getPlotItem().addItem(entry)
            self._reference_entry = entry
            return True
        if not show and entry is not None:
            self.getPlotItem().removeItem(entry)
            self._reference_entry = None
            return True
        return False


def _extent(y: np.ndarray) -> tuple[float, float, float]:
    finite = y[np.isfinite(y)]
    if not finite.size:
        return np.nan, np.nan, np.nan
    positive = finite[finite > 0]
    return float(finite.min()), float(finite.max()), float(positive.min()) if positive.size else np.inf
