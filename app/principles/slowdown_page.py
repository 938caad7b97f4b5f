"""Page 3: the learning slowdown (chapter 3) — the book's neuron, quadratic cost against cross-entropy.

One sigmoid neuron, input 1, target 0, trained for 300 epochs from one of the book's two starts,
with both costs side by side at the same η. Run animates the epochs off a timer; the slider scrubs
through them. Each side shows the cost and the output against epoch, the bars of w, b and a now, and
σ′(z) with the current z marked: with the quadratic cost ∂C/∂w = (a − y) σ′(z) x, so a saturated
start (σ′ ≈ 0) learns slowly; with cross-entropy ∂C/∂w = x (a − y) and σ′ cancels.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QRadioButton,
                               QSlider, QVBoxLayout, QWidget)

from app import numbers, theme
from app.theme.plots import cache_rendering
from app.principles.common import Player, button, frame, opaque, plot, steady_note, strong
from app.widgets.legend_key import LegendKey
from app.widgets.live_text import LiveText
from app.widgets.page_parts import note_label
from app.widgets.prediction import SketchPrediction
from core.prediction import CurveGap
from app.widgets.value_slider import ValueSlider
from core.single_neuron import COSTS, descend, sigmoid_prime

STARTS = [(0.6, 0.9), (2.0, 2.0)]  # the book's two starts: output 0.82 and 0.98
BOOK_CROSS_ENTROPY_ETA = 0.005
STALL_NOTE = "The cost stays flat while σ′(z) is small, then falls."  # (after a sketch from the start at 0.98)
CAVEAT = ("Why the book's cross-entropy picture falls faster: its animation uses η = 0.005 with an update that is not "
          "the cross-entropy gradient; with the true gradient a − y at that η the neuron from (2, 2) is still at 0.78 "
          "after 300 epochs.")
FRAME_MS, EPOCHS_PER_FRAME = 33, 2  # 300 epochs in 5 s, at 30 frames a second (each redraws six plots)
Z_LEAST = 6.0  # σ′(z) is drawn over z = −6…6, or twice, four times… that when the run's z goes further
BARS_LEAST = 2.5  # the bars' axis: ±2.5, or twice, four times… that when w or b go further


def doubling(reach: float, least: float) -> float:
    """``least`` doubled until it covers ``reach``: a range that changes rarely (a new one re-renders
    the axes)."""
    return least * 2.0 ** max(0, int(np.ceil(np.log2(max(reach, 1e-12) / least))))


def set_range(widget, x_range, y_range) -> None:
    """Give a plot these ranges unless it has them already."""
    if getattr(widget, "shown_ranges", None) != (x_range, y_range):
        widget.shown_ranges = (x_range, y_range)
        widget.getPlotItem().getViewBox().setRange(xRange=x_range, yRange=y_range, padding=0.02)
TITLES = {"quadratic": "Quadratic cost", "cross-entropy": "Cross-entropy cost"}
TIPS = {"quadratic": "C = (a − y)²/2 (chapter 3, equation 54); ∂C/∂w = (a − y) σ′(z) x (equation 55): slow where σ′(z) "
                     "is small",
        "cross-entropy": "C = −[y ln a + (1 − y) ln(1 − a)] (chapter 3, equation 57); ∂C/∂w = x (a − y) (equation 61): "
                         "σ′(z) cancels"}


def readout_text(epoch: int, eta: float, cost: float, w: float, b: float, a: float, z: float) -> str:
    """The neuron at one epoch, in four short lines."""
    return (f"epoch {numbers.count(epoch)}, η = {numbers.exact(eta)}\n"
            f"C = {numbers.number(cost, 4)}, a = {numbers.number(a)}\n"
            f"w = {numbers.number(w)}, b = {numbers.number(b)}\n"
            f"z = {numbers.number(z)}, σ′(z) = {numbers.number(float(sigmoid_prime(z)))}")


#: the longest line the read-out may have (its column is never narrower)
READOUT_RESERVE = "w = −1.23×10⁻⁵, b = −1.23×10⁻⁵"


class _CostColumn:
    """One cost's plots: C and a against epoch; w, b and a as bars; σ′(z) with z marked."""

    def __init__(self, cost: str):
        self.cost = cost
        self.plot = plot(TITLES[cost], "epoch", "", x_range=(0, 300), y_range=(0, 1))
        self.plot.setToolTip(TIPS[cost])
        self.cost_curve = self.plot.plot(pen=pg.mkPen(theme.COST, width=2.5), name="cost C")
        self.output_curve = self.plot.plot(pen=pg.mkPen(theme.ACCENT, width=2, style=Qt.PenStyle.DashLine),
                                           name="output a")
        self.now = pg.InfiniteLine(angle=90, pen=pg.mkPen(opaque(theme.TEXT, 90)))
        self.plot.addItem(self.now)
        # the key under the plot: the curves move through every corner as they animate, and a sketched
        # prediction may go anywhere
        self.key = LegendKey([(self.cost_curve, "cost C"), (self.output_curve, "output a")])
        self.bars_plot = plot("now", "", "", x_range=(-0.6, 2.6), y_range=(-2.5, 2.5))
        self.bars_plot.getPlotItem().getAxis("bottom").setTicks([[(0, "w"), (1, "b"), (2, "a")]])
        self.bars = pg.BarGraphItem(x=[0, 1, 2], height=[0, 0, 0], width=0.6,
                                    brushes=[theme.SERIES[2], theme.SERIES[3], theme.ACCENT], pen=None)
        self.bars_plot.addItem(self.bars)
        self.prime_plot = plot("σ′(z)", "z", "", x_range=(-Z_LEAST, Z_LEAST), y_range=(0, 0.27))
        self.prime_plot.setToolTip("σ′(z) = σ(z)(1 − σ(z)), at most ¼: the factor the quadratic cost's gradient "
                                   "carries (equation 55)")
        self.prime_curve = self.prime_plot.plot(pen=pg.mkPen(theme.TEXT, width=1.5), name="σ′(z)")
        cache_rendering(self.prime_curve)  # (still while the marker moves along it)
        self.marker = pg.ScatterPlotItem(size=12, brush=pg.mkBrush(theme.WARNING), pen=None)
        self.prime_plot.addItem(self.marker)
        # four short lines that never ask the window to lay itself out again (a QLabel's new text does,
        # and at 60 frames a second that repainted the whole window every frame); never narrower than
        # its longest line, and nothing beside it moves as the numbers change
        self.readout = LiveText(lines=4, background=theme.BACKGROUND, pixels=theme.FONT_SMALL, plain=True,
                                family=theme.MONOSPACE)
        self.readout.setMinimumWidth(self.readout.fontMetrics().horizontalAdvance(READOUT_RESERVE))
        self.widget = QWidget()
        grid = QGridLayout(self.widget)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(2)
        grid.addWidget(self.plot, 0, 0, 1, 2)
        grid.addWidget(self.key, 1, 0, 1, 2)
        grid.addWidget(self.bars_plot, 2, 0)
        grid.addWidget(self.prime_plot, 2, 1)
        grid.addWidget(self.readout, 3, 0, 1, 2)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(2, 2)

    def set_run(self, run, eta: float, x: float) -> None:
        self.run, self.eta, self.x = run, eta, x
        top = max(1.0, float(run.cost.max()) * 1.05)
        set_range(self.plot, (0, len(run.w) - 1), (0, top))
        reach = doubling(1.1 * float(max(np.abs(run.w).max(), np.abs(run.b).max())), BARS_LEAST)
        set_range(self.bars_plot, (-0.6, 2.6), (-reach, reach))
        z_reach = doubling(float(np.abs(run.w * x + run.b).max()) + 0.5, Z_LEAST)  # every z the run takes
        if self.prime_curve.xData is None or self.prime_curve.xData[-1] != z_reach:
            z = np.linspace(-z_reach, z_reach, 241)
            self.prime_curve.setData(z, sigmoid_prime(z))
        set_range(self.prime_plot, (-z_reach, z_reach), (0, 0.27))

    def show_epoch(self, t: int) -> None:
        run = self.run
        epochs = np.arange(t + 1)
        self.cost_curve.setData(epochs, run.cost[: t + 1])
        self.output_curve.setData(epochs, run.output[: t + 1])
        self.now.setPos(t)
        self.bars.setOpts(height=[run.w[t], run.b[t], run.output[t]])
        z = run.w[t] * self.x + run.b[t]
        self.marker.setData([float(z)], [float(sigmoid_prime(z))])
        self.readout.setText(readout_text(t, self.eta, run.cost[t], run.w[t], run.b[t], run.output[t], z))


def summary_text(epochs: int, quadratic, cross) -> str:
    """Where each cost takes the output: its first and last value under each."""
    return (f"After {numbers.count(epochs)} epochs the output goes {numbers.number(quadratic[0], 2)} → "
            f"{strong(numbers.number(quadratic[1], 2))} with the quadratic cost and "
            f"{numbers.number(cross[0], 2)} → {strong(numbers.number(cross[1], 2))} with cross-entropy.")


SUMMARY_RESERVE = [summary_text(1000, (0.98, 0.0123), (0.98, 0.0123))]


class SlowdownPage(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.epoch = 0
        self.columns = {cost: _CostColumn(cost) for cost in COSTS}
        view = QHBoxLayout()
        for column in self.columns.values():
            view.addWidget(column.widget, 1)

        start_box = QGroupBox("The book's starts (x = 1, y = 0)")
        start_layout = QVBoxLayout(start_box)
        self.start_buttons = []
        group = QButtonGroup(self)
        for w, b in STARTS:
            choice = QRadioButton(f"w = {numbers.exact(w)}, b = {numbers.exact(b)}  (output {numbers.number(1 / (1 + np.exp(-(w + b))), 2)})")
            choice.setToolTip("where gradient descent starts; the book's figures use both")
            group.addButton(choice)
            start_layout.addWidget(choice)
            self.start_buttons.append(choice)
        self.start_buttons[1].setChecked(True)
        self.eta = ValueSlider("η", 0.001, 1.0, 0.15, 3, tooltip="learning rate η of w → w − η ∂C/∂w "
                                                                 "(chapter 1, equation 20); the book's figures: 0.15")
        self.book_eta = QCheckBox(f"the book's η = {BOOK_CROSS_ENTROPY_ETA} for cross-entropy")
        self.book_eta.setToolTip("the η of the book's cross-entropy animation (chapter 3)")
        self.epochs = ValueSlider("epochs", 10, 1000, 300, 0, tooltip="steps of gradient descent (the book: 300)")
        self.run_button = button("Run", "Animate the epochs, 60 a second", primary=True)
        self.reset_button = button("Reset", "Back to epoch 0: the book's start")
        self.scrub = QSlider(Qt.Orientation.Horizontal)
        self.scrub.setToolTip("the epoch shown: w, b and a after that many steps of w → w − η ∂C/∂w (chapter 1, "
                              "equation 20)")
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.reset_button)
        self.summary = steady_note(SUMMARY_RESERVE)
        self.prediction = SketchPrediction("Sketch the quadratic cost's curve over the epochs (drag on the left "
                                           "plot), then Run.", self.columns["quadratic"].plot, (0, 300))
        self.columns["quadratic"].key.add(self.prediction.curve, "your prediction")
        self.prediction.reserve_verdict(SketchPrediction.verdict_html(CurveGap(0.123, 0.456, 123.0, True, 0.5), False,
                                                                      "epoch", STALL_NOTE))
        side = QVBoxLayout()
        side.addWidget(self.prediction)
        side.addWidget(start_box)
        side.addWidget(self.eta)
        side.addWidget(self.book_eta)
        side.addWidget(self.epochs)
        side.addLayout(buttons)
        side.addWidget(QLabel("Epoch"))
        side.addWidget(self.scrub)
        side.addWidget(self.summary)
        side.addWidget(note_label(CAVEAT))
        frame(self, "The learning slowdown",
              "A neuron that is badly wrong should learn fast, as people do. With the quadratic cost it does not: "
              "its gradient carries σ′(z), and a neuron whose output is near 1 has σ′(z) ≈ 0. The cross-entropy "
              "cost's gradient is x(a − y), with no σ′: the more wrong, the faster.", view, side, 330)

        for choice in self.start_buttons:
            choice.toggled.connect(lambda on: on and self.recompute())
        self.eta.valueChanged.connect(lambda _: self.recompute())
        self.epochs.valueChanged.connect(lambda _: self.recompute())
        self.book_eta.toggled.connect(lambda _: self.recompute())
        self.player = Player(self.run_button, FRAME_MS, self._tick, at_end=self._at_end,
                             restart=lambda: self.show_epoch(0))
        self.reset_button.clicked.connect(lambda: self.show_epoch(0))
        self.scrub.valueChanged.connect(self.show_epoch)
        self.recompute()

    @property
    def start(self) -> tuple[float, float]:
        return STARTS[0] if self.start_buttons[0].isChecked() else STARTS[1]

    def eta_for(self, cost: str) -> float:
        if cost == "cross-entropy" and self.book_eta.isChecked():
            return BOOK_CROSS_ENTROPY_ETA
        return self.eta.value()

    def recompute(self) -> None:
        """Both runs again from the current start, η and epochs (a few hundred scalar steps each)."""
        epochs = int(self.epochs.value())
        self.runs = {}
        for cost, column in self.columns.items():
            run = descend(cost, *self.start, eta=self.eta_for(cost), epochs=epochs)
            self.runs[cost] = run
            column.set_run(run, self.eta_for(cost), 1.0)
        self.prediction.x_range = (0.0, float(epochs))
        quadratic, cross = self.runs["quadratic"], self.runs["cross-entropy"]
        self.summary.setText(summary_text(epochs, quadratic.output[[0, -1]], cross.output[[0, -1]]))
        self.scrub.blockSignals(True)
        self.scrub.setRange(0, epochs)
        self.scrub.blockSignals(False)
        self.show_epoch(min(self.epoch, epochs))

    def show_epoch(self, t: int) -> None:
        self.epoch = int(t)
        for column in self.columns.values():
            column.show_epoch(self.epoch)
        self.scrub.blockSignals(True)
        self.scrub.setValue(self.epoch)
        self.scrub.blockSignals(False)
        last = len(self.runs["quadratic"].w) - 1
        if self.epoch == last and self.prediction.waiting:
            run = self.runs["quadratic"]
            self.prediction.reveal(np.arange(last + 1), run.cost, unit="epoch",
                                   explain=STALL_NOTE if self.start == STARTS[1] else "")

    @property
    def timer(self):
        return self.player.timer

    def _at_end(self) -> bool:
        return self.epoch >= len(self.runs["quadratic"].w) - 1

    def _tick(self) -> None:
        last = len(self.runs["quadratic"].w) - 1
        self.show_epoch(min(self.epoch + EPOCHS_PER_FRAME, last))
        if self.epoch >= last:
            self.player.stop()

    def shutdown(self) -> None:
        self.player.stop()
