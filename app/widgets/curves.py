"""Line plots whose curves are made once and then only fed new data.

``CurvePlot`` keeps its curves by key: the first ``set_curve(key, ...)`` creates the item, later calls
only ``setData`` (cheap enough for ten updates a second). A horizontal reference line (a figure from
the book, say) can be drawn with its label.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from app import theme
from app.theme import plots as look


class CurvePlot(pg.PlotWidget):
    """One plot with named curves, a legend and an optional horizontal reference line."""

    def __init__(self, title: str = "", x_label: str = "", y_label: str = "", legend_corner: str = "bottom-right",
                 log_y: bool = False, grid: bool = True, parent=None):
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
        look.cache_axes(plot)
        self._curves: dict[str, pg.PlotDataItem] = {}
        self.reference = pg.InfiniteLine(angle=0, movable=False,
                                         pen=pg.mkPen(theme.REFERENCE, width=1.5, style=Qt.DashLine),
                                         label="", labelOpts={"position": 0.02, "color": theme.REFERENCE,
                                                              "anchors": [(0, 1), (0, 1)]})
        self.reference.setZValue(-5)
        self.reference.hide()
        plot.addItem(self.reference)  # the plot's range includes it

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
        return item

    def curve(self, key: str) -> pg.PlotDataItem | None:
        return self._curves.get(key)

    def keys(self) -> list[str]:
        return list(self._curves)

    def remove_curve(self, key: str) -> None:
        item = self._curves.pop(key, None)
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

    # --- ranges that change rarely (each change repaints the axes) --------------------------------------
    def set_x_span(self, low: float, high: float) -> None:
        """Fix the x range (e.g. 0 to the planned number of epochs)."""
        plot = self.getPlotItem()
        current = plot.vb.viewRange()[0]
        if plot.vb.autoRangeEnabled()[0] or abs(current[0] - low) > 1e-9 or abs(current[1] - high) > 1e-9:
            plot.setXRange(low, high, padding=0.02)

    def fit_y(self, force: bool = False, include=()) -> None:
        """Keep every curve, the values ``include`` and the reference line with its label in view
        (see :meth:`keep_y_in_view`); ``force`` fits the range to them now, whether or not they
        still fit the current one."""
        values = [item.yData for item in self._curves.values() if item.yData is not None and len(item.yData)]
        if include:
            values.append(np.asarray(include, dtype=np.float64))
        if not values:  # nothing drawn yet: the range stays as it is
            return
        reference = self.reference_value()
        if reference is not None:
            values.append(np.array([reference]))
            room = self._label_room()
            if room and not self.log_y:  # the line sits low enough for its label to fit above it
                low = float(np.nanmin(np.concatenate(values)))
                values.append(np.array([(reference - room * low) / (1 - room)]))
        self.keep_y_in_view(np.concatenate(values), force=force)

    def _label_room(self) -> float:
        """The fraction of the plot's height the reference line's label needs above the line."""
        height = self.getPlotItem().vb.height()
        label = self.reference.label
        if height < 60 or not label.toPlainText():
            return 0.0
        return min(0.3, (label.boundingRect().height() + 2) / height)

    def keep_y_in_view(self, values, force: bool = False) -> None:
        """Widen or narrow the y range only when ``values`` leave it or fill less than a third of it:
        whole decades on a log axis; on a linear one the values and the margin pyqtgraph's
        auto-range leaves. Unlike auto-range, nothing is recomputed when values stay inside."""
        values = np.asarray(values, dtype=np.float64)
        values = values[np.isfinite(values) & ((values > 0) if self.log_y else True)]
        if not values.size:
            return
        plot = self.getPlotItem()
        low, high = plot.vb.viewRange()[1]
        if self.log_y:
            want = (np.floor(np.log10(values.min())), np.ceil(np.log10(values.max())))
            if want[1] - want[0] < 1:
                want = (want[0], want[0] + 1)
            if force or plot.vb.autoRangeEnabled()[1] or want[0] < low - 1e-9 or want[1] > high + 1e-9 or \
                    want[1] - want[0] < (high - low) - 1.5:
                plot.setYRange(*want, padding=0)
            return
        v_low, v_high = float(values.min()), float(values.max())
        span = max(v_high - v_low, 1e-6 * max(abs(v_low), abs(v_high)), 1e-12)
        if force or plot.vb.autoRangeEnabled()[1] or v_low < low or v_high > high or span < (high - low) / 3:
            pad = plot.vb.suggestPadding(1) * span  # the margin pyqtgraph's auto-range would leave
            plot.setYRange(v_low - pad, v_high + pad, padding=0)

    # --- the reference line --------------------------------------------------------------------------
    def set_reference(self, value: float | None, text: str = "") -> None:
        """Draw a dashed horizontal line at ``value`` labelled ``text`` (None hides it)."""
        if value is None or not np.isfinite(value):
            self.reference.hide()
            return
        self.reference.show()  # first: a hidden line's label ignores new text
        self.reference.setValue(np.log10(value) if self.getPlotItem().ctrl.logYCheck.isChecked() else value)
        self.reference.label.setFormat(text)

    def reference_value(self) -> float | None:
        if not self.reference.isVisible():
            return None
        value = float(self.reference.value())
        return 10 ** value if self.getPlotItem().ctrl.logYCheck.isChecked() else value
