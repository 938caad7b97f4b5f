"""pyqtgraph's side of the theme: its global options, the colour maps, and the plot factory every view
uses, so that every plot has the same title, axis labels, grid, legend and log axes.

- :func:`plot_widget` makes a plot; :func:`style_plot` gives the same look to a plot made otherwise
  (a ``PlotWidget`` subclass, a plot in a ``GraphicsLayoutWidget``).
- A log axis is labelled at whole decades only (and at 2 and 5 when the view spans little more than a
  decade), the decades thinned when they would crowd: :class:`DecadeAxis`. Every tick label is
  written in the app's number format (``app.numbers``), alike along one axis.
- Every plot gets a hover read-out (``plot.readout``, ``app.theme.readout``).
- :func:`fit_view` gives a plot ranges that include every shown curve and leaves its legend a corner
  with no data in it (``app.theme.fitting``); views call it after they draw.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from app import numbers, theme
from app.theme.fitting import fit_view, free_spot  # noqa: F401  (the factory's helpers, re-exported)
from app.theme.readout import Readout

# Images are (rows, columns) arrays everywhere in the app, like NumPy prints them.
pg.setConfigOptions(antialias=True, imageAxisOrder="row-major", background=theme.BACKGROUND, foreground=theme.TEXT)

#: diverging map for signed values (weights, saliency): blue negative, black zero, red positive
DIVERGING = pg.ColorMap([0.0, 0.5, 1.0], [theme.NEGATIVE, theme.BASE, theme.POSITIVE])
#: sequential map for activations in [0, 1]
SEQUENTIAL = pg.colormap.get("viridis")
#: grey ink on black, like MNIST
GREY = pg.ColorMap([0.0, 1.0], [(0, 0, 0), (255, 255, 255)])
#: activations seen inside a network: dark (0) to the accent cyan to white (1), so that the amber outlines
#: stand out; weak responses already lift off the background, so a feature map's shape shows, not only its peaks
ACTIVATION = pg.ColorMap([0.0, 0.12, 0.55, 1.0], [(14, 18, 24), (22, 60, 86), (40, 150, 190), (235, 250, 255)])
#: errors in [0, max]: black through red to yellow
ERRORS = pg.colormap.get("inferno")

GRID_ALPHA = 0.2  # of the axis colour
#: where a legend sits: pixels from the plot area's corner
LEGEND_CORNERS = {"top-right": (-8, 8), "top-left": (8, 8), "bottom-right": (-8, -8), "bottom-left": (8, -8)}
#: a card behind text drawn over curves (legends, labels on lines)
CARD = theme.rgba(theme.BACKGROUND, 200)

def decade_label(k: int) -> str:
    """10ᵏ as a lone label (0.001 … 100,000, else 10ᵏ); an axis's labels: :func:`app.numbers.decades`."""
    return numbers.decades([k])[0]


def decade_ticks(lo: float, hi: float) -> list[list[tuple[float, str]]]:
    """Ticks for an axis of log10 values drawn by hand: labelled decades, unlabelled 2…9 in between."""
    exponents = list(range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1))
    major = list(zip(map(float, exponents), numbers.decades(exponents)))
    minor = [(k + np.log10(m), "") for k in exponents for m in range(2, 10)]
    return [major, minor]


class DecadeAxis(pg.AxisItem):
    """An axis that, in log mode, labels whole decades only (10⁻⁵, 10⁻⁴, 10⁻³ or 0.01, 0.1, 1), every
    second or third one when they would crowd, with unlabelled ticks at 2…9 while there is room for
    them; a view of little more than a decade is labelled at 2 and 5 too. In linear mode it places
    ticks as pyqtgraph does; either way the labels are in the app's number format."""

    LABEL_PIXELS = {"left": 26, "right": 26, "top": 56, "bottom": 56}  # room one label needs along the axis
    LABEL_GAP = 6  # pixels between two labels of a linear axis (labels that would be closer are thinned)
    THINNING = (2, 5, 10, 20, 50, 100)  # keep every k-th major tick, the first k that makes room

    def tickValues(self, minVal, maxVal, size):
        """pyqtgraph's ticks; on a linear axis, the labelled ones thinned (every 2nd, 5th, ...) until
        their labels do not touch (pyqtgraph always labels its first level, however crowded)."""
        levels = super().tickValues(minVal, maxVal, size)
        if self.logMode or not levels or size <= 0 or len(levels[0][1]) < 2 or maxVal == minVal:
            return levels
        spacing, values = levels[0]
        metrics = pg.QtGui.QFontMetrics(self.style.get("tickFont") or self.font())
        if self.orientation in ("top", "bottom"):
            need = max(metrics.horizontalAdvance(t) for t in self.tickStrings(values, 1.0, spacing)) + self.LABEL_GAP
        else:
            need = metrics.height() + 2
        pixels = spacing * size / abs(maxVal - minVal)
        if need <= pixels:
            return levels
        k = next((k for k in self.THINNING if k * pixels >= need), self.THINNING[-1])
        kept = [v for v in values if round(v / spacing) % k == 0]
        return [(spacing * k, kept)] if kept else levels[:1]

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        if not np.isfinite(minVal) or not np.isfinite(maxVal) or maxVal <= minVal:
            return []
        first, last = int(np.ceil(minVal - 1e-9)), int(np.floor(maxVal + 1e-9))
        decades = list(range(first, last + 1))
        room = max(1, int(size // self.LABEL_PIXELS[self.orientation]))
        step = max(1, int(np.ceil(len(decades) / room)))
        levels = [(float(step), [float(k) for k in decades if k % step == 0])]
        span = maxVal - minVal
        if span < 1.5:  # so short a view shows at most one decade: label 2 and 5 too
            between = [k + np.log10(m) for k in range(first - 1, last + 1) for m in (2, 5)]
            levels.append((0.3, [v for v in between if minVal <= v <= maxVal]))
        if step == 1 and span * 8 <= room * 3:  # the 2…9 ticks only while they do not blur into a band
            minor = [k + np.log10(m) for k in range(first - 1, last + 1) for m in range(2, 10)]
            labelled = set(np.round(levels[-1][1], 9)) if span < 1.5 else set()
            levels.append((None, [v for v in minor if minVal <= v <= maxVal and round(v, 9) not in labelled]))
        if not any(values for spacing, values in levels if spacing is not None):  # a sliver of a decade
            levels.append((0.1, [minVal + span / 2]))
        return levels

    def logTickStrings(self, values, scale, spacing):
        if spacing is None:  # the unlabelled 2…9
            return [""] * len(values)
        whole = [abs(v - round(v)) < 1e-6 for v in values]
        if all(whole):
            return numbers.decades([int(round(v)) for v in values])
        return [numbers.decades([int(round(v))])[0] if w else numbers.number(10.0 ** v) for v, w in zip(values, whole)]

    def tickStrings(self, values, scale, spacing):
        if self.logMode:
            return self.logTickStrings(values, scale, spacing)
        return numbers.ticks([v * scale for v in values], spacing * scale)

    def updateAutoSIPrefix(self):
        if not self.autoSIPrefix:  # (see no_si_prefix)
            self.autoSIPrefixScale, self.labelUnitPrefix = 1.0, ""
            self._updateLabel()
            return
        super().updateAutoSIPrefix()


def no_si_prefix(axis: pg.AxisItem) -> None:
    """Never rescale ``axis``'s numbers with an SI prefix. ``enableAutoSIPrefix(False)`` alone is not
    enough in pyqtgraph 0.14: called on an axis with a label and no units whose range lies within
    (0, 1), it still scales the ticks, silently (0.001-0.4 shown as 1-400). Here no range of the axis
    enables a prefix (:func:`set_axis_label` keeps it so), and a :class:`DecadeAxis` ignores the
    request altogether."""
    axis.enableAutoSIPrefix(False)
    axis.setSIPrefixEnableRanges(())
    axis.updateAutoSIPrefix()


def axes() -> dict[str, DecadeAxis]:
    """The axis items every plot is made with (pass as ``axisItems``)."""
    return {side: DecadeAxis(side) for side in ("left", "bottom")}


def title_html(text: str) -> str:
    """A plot title as :func:`set_title` has pyqtgraph draw it (to measure its width)."""
    return f"<span style='color:{theme.TEXT}; font-size:{theme.FONT_BODY}px'>{text}</span>"


def set_title(plot: pg.PlotItem, text: str) -> None:
    """Give ``plot`` the title ``text``, rich text allowed (empty: no title row)."""
    plot.setTitle(text or None, color=theme.TEXT, size=f"{theme.FONT_BODY}px")


def set_axis_label(plot: pg.PlotItem, side: str, text: str) -> None:
    plot.setLabel(side, text, siPrefixEnableRanges=(), color=theme.MUTED, **{"font-size": f"{theme.FONT_NOTE}px"})


def add_legend(plot: pg.PlotItem, corner: str = "top-right") -> pg.LegendItem:
    """A legend on a translucent card in one corner of the plot area."""
    return plot.addLegend(offset=LEGEND_CORNERS[corner], labelTextColor=theme.TEXT,
                          labelTextSize=f"{theme.FONT_SMALL}px", brush=pg.mkBrush(CARD), verSpacing=-5)


def style_plot(plot: pg.PlotItem, title: str = "", x_label: str = "", y_label: str = "", *, log_x: bool = False,
               log_y: bool = False, grid: bool = True, legend: str | None = None,
               readout: bool = True) -> pg.LegendItem | None:
    """The app's look on ``plot``: title, muted axis labels and ticks, a faint grid (``grid=False`` for
    plots redrawn many times a second: grid lines make every data update repaint the axes too), no
    context menu or auto-range button, optional log axes, a legend in the corner ``legend`` and the
    hover read-out (``plot.readout``; ``readout=False`` for a plot that is not of curves)."""
    set_title(plot, title)
    for side, label in (("bottom", x_label), ("left", y_label)):
        axis = plot.getAxis(side)
        no_si_prefix(axis)
        axis.setPen(pg.mkPen(theme.MUTED))
        axis.setTextPen(theme.MUTED)
        if label:
            set_axis_label(plot, side, label)
    if grid:
        plot.showGrid(x=True, y=True, alpha=GRID_ALPHA)
    plot.setLogMode(x=log_x, y=log_y)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    if readout and getattr(plot, "readout", None) is None:
        plot.readout = Readout(plot)
    return add_legend(plot, legend) if legend else None


def plot_widget(title: str = "", x_label: str = "", y_label: str = "", *, log_x: bool = False, log_y: bool = False,
                grid: bool = True, legend: str | None = None, view_box: pg.ViewBox | None = None,
                minimum: tuple[int, int] | None = (160, 120), readout: bool = True) -> pg.PlotWidget:
    """A plot in the app's look (see :func:`style_plot`); ``view_box`` for one that handles the mouse
    its own way, ``minimum`` its smallest size."""
    widget = pg.PlotWidget(viewBox=view_box, axisItems=axes())
    if minimum is not None:
        widget.setMinimumSize(*minimum)
    style_plot(widget.getPlotItem(), title, x_label, y_label, log_x=log_x, log_y=log_y, grid=grid, legend=legend,
               readout=readout)
    return widget


def cache_axes(plot: pg.PlotItem) -> None:
    """Keep each axis's rendering as a pixmap: a data update that touches the axis area then costs a
    blit, not a redraw of every tick label (the cache is renewed when the range changes)."""
    for name in ("left", "bottom", "right", "top"):
        plot.getAxis(name).setCacheMode(pg.QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)


def cache_rendering(*items: pg.GraphicsObject) -> None:
    """Keep each item's rendering as a pixmap (a curve's line and symbols, for a ``PlotDataItem``):
    for items that stay put while others in the same plot are redrawn many times a second, each
    repaint of the plot then blits them instead of drawing them again (the cache is renewed when the
    item changes or the view's scale does)."""
    mode = pg.QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache
    for item in items:
        parts = (item.curve, item.scatter) if isinstance(item, pg.PlotDataItem) else (item,)
        for part in parts:
            part.setCacheMode(mode)
