"""Page 6: overfitting (chapter 3) — ten points fitted by a line and by a polynomial of any degree up
to 9, with the error on the ten points beside the error on new points from the same source."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import QCheckBox, QVBoxLayout, QWidget

from app import theme
from app.numbers import number
from app.principles.common import button, equation_label, frame, opaque, plot, strong
from app.theme.plots import fit_view
from app.widgets.legend_key import LegendKey
from app.widgets.page_parts import note_label
from app.widgets.value_slider import ValueSlider
from core import overfitting

X = np.linspace(*overfitting.X_RANGE, 400)
HELD_OUT = 200
DEGREES = np.arange(10)
ERROR_FLOOR = 1e-6  # an exact fit's error (~10⁻²⁶) is drawn at the plot's floor
Y_LEAST = (-2.0, 12.0)  # the points' plot shows at least this much of y (the line y = 2x over x = 0…5)
Y_STEP = 2.0  # ... and grows in steps of this (a new range re-renders the axes: tens of ms)
SYMBOL_ROOM = 9  # pixels between the outermost points' centres and the edge (the ten points are 11 px wide)
CUT_SIZE = 16  # pixels: the marks where the polynomial leaves the plot


def _cut_mark(pointing: int) -> QPainterPath:
    """A triangle whose tip is the symbol's centre, pointing up (1) or down (−1): put on the edge of
    the plot, it lies inside it (screen y grows downwards)."""
    path = QPainterPath()
    path.moveTo(0.0, 0.0)
    path.lineTo(-0.3, 0.5 * pointing)
    path.lineTo(0.3, 0.5 * pointing)
    path.closeSubpath()
    return path


CUT_UP, CUT_DOWN = _cut_mark(1), _cut_mark(-1)


def y_range(values: np.ndarray, noise: float, pixels: float) -> tuple[float, float]:
    """The y range that shows ``values`` with ``SYMBOL_ROOM`` pixels to spare in a view ``pixels`` high,
    rounded out to steps of ``Y_STEP``: at least ``Y_LEAST`` and the band where the source puts its
    points (the line ± 4 noise: all 210 points fall in it 99 times in 100), so that new points from
    the same source seldom change the range (a new one re-renders the axes)."""
    band = (overfitting.SLOPE * overfitting.X_RANGE[0] - 4 * noise, overfitting.SLOPE * overfitting.X_RANGE[1] + 4 * noise)
    low = min(float(values.min()), Y_LEAST[0], band[0])
    high = max(float(values.max()), Y_LEAST[1], band[1])
    share = SYMBOL_ROOM / max(pixels, 4.0 * SYMBOL_ROOM)
    pad = (high - low) * share / (1 - 2 * share)
    return Y_STEP * np.floor((low - pad) / Y_STEP), Y_STEP * np.ceil((high + pad) / Y_STEP)


def excursions(x: np.ndarray, y: np.ndarray, low: float, high: float) -> list[tuple[float, float, int]]:
    """Where the curve (x, y) leaves the band low ≤ y ≤ high: (x, y) of its farthest point in each run
    of samples above it (side 1) or below it (side −1), in order of x."""
    found = []
    for side, outside in ((1, y > high), (-1, y < low)):
        edges = np.diff(np.r_[0, outside.astype(np.int8), 0])
        for start, end in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
            i = start + int(np.argmax(side * y[start:end]))
            found.append((float(x[i]), float(y[i]), side))
    return sorted(found)


class OverfittingPage(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.seed = 0
        self.errors_top = None
        self.plot = plot("Ten points, two models", "x", "y", x_range=overfitting.X_RANGE, y_range=Y_LEAST)
        item = self.plot.getPlotItem()
        self.held_out_points = pg.ScatterPlotItem(size=5, brush=pg.mkBrush(opaque(theme.TEXT, 70)), pen=None)
        self.points = pg.ScatterPlotItem(size=11, brush=pg.mkBrush(theme.TEXT_STRONG), pen=None)
        self.line = pg.PlotDataItem(pen=pg.mkPen(theme.SERIES[2], width=2, style=Qt.PenStyle.DashLine),
                                    name="a line (degree 1)")
        self.curve = pg.PlotDataItem(pen=pg.mkPen(theme.ACCENT, width=2.5), name="the polynomial")
        # the polynomial may swing far out of the points' range: the view keeps to the points and cuts
        # it at its edge, on purpose (ignoreBounds: it does not set the range), marking where it leaves
        self.cuts_up, self.cuts_down = (pg.ScatterPlotItem(size=CUT_SIZE, pen=None, brush=pg.mkBrush(theme.ACCENT),
                                                           symbol=mark) for mark in (CUT_UP, CUT_DOWN))
        item.getViewBox().setFlag(item.getViewBox().GraphicsItemFlag.ItemClipsChildrenToShape, True)
        for data in (self.held_out_points, self.line, self.points):
            item.addItem(data)
        item.addItem(self.curve, ignoreBounds=True)
        item.addItem(self.cuts_up, ignoreBounds=True)
        item.addItem(self.cuts_down, ignoreBounds=True)
        item.getViewBox().sigResized.connect(self._fit_y)
        # the key under the plot: the polynomial passes through any corner a legend could take
        self.key = LegendKey([(self.points, "the ten points"), (self.held_out_points, "new points"),
                              (self.line, "a line (degree 1)"), (self.curve, "the polynomial")])
        self.errors_plot = plot("Error against degree", "degree", "mean squared error (log)",
                                x_range=(-0.3, 9.3), y_range=(-3, 3))
        errors = self.errors_plot.getPlotItem()
        errors.setLogMode(y=True)
        errors.setXRange(-0.3, 9.3, padding=0)  # (log mode turned auto-range back on)
        self.train_errors = self.errors_plot.plot(pen=pg.mkPen(theme.TRAIN, width=2), symbol="o", symbolSize=6,
                                                  symbolBrush=theme.TRAIN, name="on the ten points")
        self.test_errors = self.errors_plot.plot(pen=pg.mkPen(theme.TEST, width=2), symbol="o", symbolSize=6,
                                                 symbolBrush=theme.TEST, name="on new points")
        self.degree_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(theme.ACCENT))
        self.errors_plot.addItem(self.degree_line)
        errors.getViewBox().sigResized.connect(self._fit_errors)
        # its key under it too: at the smallest window no corner of so short a plot is free for a legend
        self.errors_key = LegendKey([(self.train_errors, "on the ten points"), (self.test_errors, "on new points")],
                                    note=f"(an exact fit's ≈ 0 drawn at {number(ERROR_FLOOR)})")
        view = QVBoxLayout()
        view.setSpacing(2)
        view.addWidget(self.plot, 3)
        view.addWidget(self.key)
        view.addSpacing(theme.SPACING)
        view.addWidget(self.errors_plot, 2)
        view.addWidget(self.errors_key)

        self.degree = ValueSlider("degree", 0, 9, 9, 0, tooltip="the polynomial's degree: 9 passes through all ten "
                                  "points (chapter 3's picture of overfitting)")
        self.noise = ValueSlider("noise", 0.0, 3.0, 1.0, 2, tooltip="the standard deviation of the points around y = 2x")
        self.new_button = button("New points", "Draw ten new points (and new held-out points) from the same source")
        self.show_held_out = QCheckBox("show the new (held-out) points")
        self.show_held_out.setChecked(True)
        self.show_held_out.setToolTip(f"{HELD_OUT} more points from the same source, never used by the fits: the "
                                      "held-out data that shows overfitting (chapter 3)")
        self.readout = equation_label(READOUT_RESERVE)
        side = QVBoxLayout()
        side.addWidget(self.degree)
        side.addWidget(self.noise)
        side.addWidget(self.new_button)
        side.addWidget(self.show_held_out)
        side.addWidget(self.readout)
        side.addWidget(note_label("A model with as many free parameters as data points can fit them exactly, noise "
                                   "and all. Its error on the ten points is zero; on new points from the same source "
                                   "it is far worse than the line's. Low training error is not the goal: "
                                   "generalisation is."))
        frame(self, "Overfitting",
              "Ten points lie near a line. A 9th-order polynomial has ten parameters and goes through every one of "
              "them; a line misses them all a little. Which model will predict a new point better? Compare the "
              "errors on points the models never saw.", view, side, 320)
        self.degree.valueChanged.connect(lambda _: self.redraw())
        self.noise.valueChanged.connect(lambda _: self.resample(self.seed))
        self.new_button.clicked.connect(lambda: self.resample(self.seed + 1))
        self.show_held_out.toggled.connect(self.held_out_points.setVisible)
        self.resample(0)

    def resample(self, seed: int) -> None:
        self.seed = seed
        noise = self.noise.value()
        self.train = overfitting.sample(10, noise, 2 * seed)
        self.test = overfitting.sample(HELD_OUT, noise, 2 * seed + 1)
        self.points.setData(self.train.x, self.train.y)
        self.held_out_points.setData(self.test.x, self.test.y)
        self.fits = overfitting.fits(self.train, DEGREES[-1])  # every degree at once (redraw picks one)
        self.line.setData(X[[0, -1]], self.fits[1](X[[0, -1]]))  # (a line: its two ends)
        self.errors = np.array([[overfitting.mse(f, self.train), overfitting.mse(f, self.test)] for f in self.fits])
        self.train_errors.setData(DEGREES, np.maximum(self.errors[:, 0], ERROR_FLOOR))
        self.test_errors.setData(DEGREES, np.maximum(self.errors[:, 1], ERROR_FLOOR))
        self._fit_errors()
        self._fit_y()

    def _fit_errors(self) -> None:
        """Every error in view, up to 10⁹ at least (a degree-9 fit's error on new points reaches 10³-10⁹),
        else in steps of three decades: the range changes rarely (a new one re-renders the axes)."""
        top = max(9.0, 3.0 * np.ceil(np.log10(max(self.errors.max(), 10)) / 3))
        fit_view(self.errors_plot.getPlotItem(), x=False, include_y=(ERROR_FLOOR, 10.0 ** top), keep=True)

    def _fit_y(self) -> None:
        """The points' plot shows every point (the ten and the held-out ones, shown or not: the range
        stays when they are hidden); the polynomial is cut where it leaves that range."""
        vb = self.plot.getPlotItem().getViewBox()
        low, high = y_range(np.r_[self.train.y, self.test.y], self.noise.value(), vb.height())
        if (low, high) != tuple(vb.viewRange()[1]):
            vb.setYRange(low, high, padding=0)
        self.redraw()

    def redraw(self) -> None:
        degree = int(self.degree.value())
        y = self.fits[degree](X)
        self.curve.setData(X, y)
        low, high = self.plot.getPlotItem().getViewBox().viewRange()[1]
        cuts = excursions(X, y, low, high)
        for marks, side, edge in ((self.cuts_up, 1, high), (self.cuts_down, -1, low)):
            xs = [x for x, _y, s in cuts if s == side]
            marks.setData(xs, [edge] * len(xs))
        self.degree_line.setPos(degree)
        train, test = self.errors[degree]
        line_train, line_test = self.errors[1]
        self.key.set_note(f"{theme.coloured('▲▼', theme.ACCENT)}&nbsp;where it leaves the plot" if cuts else "")
        self.readout.setText(readout_text(degree, train, test, line_train, line_test,
                                          (y.min(), y.max()) if cuts else None))


def readout_text(degree: int, train: float, test: float, line_train: float, line_test: float,
                 swing: tuple[float, float] | None) -> str:
    """The errors of the polynomial and of the line; ``swing``: how low and high the polynomial goes
    when it leaves the plot."""
    text = (f"degree {degree}: error on the ten points {strong(number(train))}, on {HELD_OUT} new points "
            f"{strong(number(test), theme.TEST)}<br>the line: {number(line_train)} and {number(line_test)}")
    if swing is not None:
        text += (f"<br>{strong('▲▼', theme.ACCENT)} the polynomial leaves the plot: between the points it runs from "
                 f"{number(swing[0])} to {number(swing[1])}")
    return text


#: as long as the read-out gets (it keeps that height: the note under it stays put)
READOUT_RESERVE = [readout_text(9, 1.23e-25, 1.23e-5, 12.3, 12.3, (-1.23e5, 1.23e5))]

