"""Page 6: overfitting (chapter 3) — ten points fitted by a line and by a polynomial of any degree up
to 9, with the error on the ten points beside the error on new points from the same source."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QVBoxLayout, QWidget

from app import theme
from app.principles.common import button, equation_label, frame, legend, number, opaque, plot, strong
from app.universality.controls import ValueSlider, note_label
from core import overfitting

X = np.linspace(*overfitting.X_RANGE, 400)
HELD_OUT = 200
DEGREES = np.arange(10)


class OverfittingPage(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.seed = 0
        self.errors_top = None
        self.plot = plot("Ten points, two models", "x", "y", x_range=overfitting.X_RANGE, y_range=(-2, 12))
        legend(self.plot, "top-left")
        self.held_out_points = pg.ScatterPlotItem(size=5, brush=pg.mkBrush(opaque(theme.TEXT, 70)), pen=None,
                                                  name="new points")
        self.points = pg.ScatterPlotItem(size=11, brush=pg.mkBrush(theme.TEXT_STRONG), pen=None, name="the ten points")
        self.line = self.plot.plot(pen=pg.mkPen(theme.SERIES[2], width=2, style=Qt.PenStyle.DashLine),
                                   name="a line (degree 1)")
        self.curve = self.plot.plot(pen=pg.mkPen(theme.ACCENT, width=2.5), name="the polynomial")
        self.plot.addItem(self.held_out_points)
        self.plot.addItem(self.points)
        self.errors_plot = plot("Error against degree", "degree", "mean squared error (log)",
                                     x_range=(-0.3, 9.3), y_range=(-3, 3))
        self.errors_plot.getPlotItem().setLogMode(y=True)
        self.errors_plot.getPlotItem().setXRange(-0.3, 9.3, padding=0)  # (log mode turned auto-range back on)
        legend(self.errors_plot, "bottom-left")  # where no error goes
        self.train_errors = self.errors_plot.plot(pen=pg.mkPen(theme.TRAIN, width=2), symbol="o", symbolSize=6,
                                                  symbolBrush=theme.TRAIN, name="on the ten points")
        self.test_errors = self.errors_plot.plot(pen=pg.mkPen(theme.TEST, width=2), symbol="o", symbolSize=6,
                                                 symbolBrush=theme.TEST, name="on new points")
        self.degree_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(theme.ACCENT))
        self.errors_plot.addItem(self.degree_line)
        view = QVBoxLayout()
        view.addWidget(self.plot, 3)
        view.addWidget(self.errors_plot, 2)

        self.degree = ValueSlider("degree", 0, 9, 9, 0, tooltip="the polynomial's degree: 9 passes through all ten "
                                  "points (chapter 3's picture of overfitting)")
        self.noise = ValueSlider("noise", 0.0, 3.0, 1.0, 2, tooltip="the standard deviation of the points around y = 2x")
        self.new_button = button("New points", "Draw ten new points (and new held-out points) from the same source")
        self.show_held_out = QCheckBox("show the new (held-out) points")
        self.show_held_out.setChecked(True)
        self.show_held_out.setToolTip(f"{HELD_OUT} more points from the same source, never used by the fits: the "
                                      "held-out data that shows overfitting (chapter 3)")
        self.readout = equation_label()
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
        self.line.setData(X, overfitting.fit(self.train, 1)(X))
        fits = [overfitting.fit(self.train, d) for d in DEGREES]
        self.errors = np.array([[overfitting.mse(f, self.train), overfitting.mse(f, self.test)] for f in fits])
        floor = 1e-6  # an exact fit's error is ~1e-25: drawn at the plot's floor
        self.train_errors.setData(DEGREES, np.maximum(self.errors[:, 0], floor))
        self.test_errors.setData(DEGREES, np.maximum(self.errors[:, 1], floor))
        # 10⁹ at least (a degree-9 fit's error on new points reaches 10³-10⁹), else in steps of three decades:
        # a new range re-renders the axes and grid (tens of ms)
        top = max(9.0, 3.0 * np.ceil(np.log10(max(self.errors.max(), 10)) / 3))
        if top != self.errors_top:
            self.errors_top = top
            self.errors_plot.getPlotItem().getViewBox().setYRange(np.log10(floor) - 0.4, top + 0.4, padding=0)
        self.redraw()

    def redraw(self) -> None:
        degree = int(self.degree.value())
        poly = overfitting.fit(self.train, degree)
        self.curve.setData(X, poly(X))
        self.degree_line.setPos(degree)
        train, test = self.errors[degree]
        line_train, line_test = self.errors[1]
        self.readout.setText(
            f"degree {degree}: error on the ten points {strong(number(train, 3))}, on {HELD_OUT} new points "
            f"{strong(number(test, 3), theme.TEST)}<br>the line: {number(line_train, 3)} and {number(line_test, 3)}")
