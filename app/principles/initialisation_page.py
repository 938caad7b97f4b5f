"""Page 5: weight initialisation (chapter 3) — the spread of one neuron's weighted input z under
weights N(0, 1) and N(0, 1/n_in), with the share of neurons that start saturated."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from app import theme
from app.principles.common import equation_label, frame, opaque, plot, strong
from app.universality.controls import ValueSlider, note_label

from core import init_stats

BINS = np.linspace(-40, 40, 81)
Y_TOPS = (0.025, 0.05, 0.1, 0.2, 0.3, 0.45, 1.0)  # the plots' heights (share of neurons per bin)
TITLES = {"large": "Weights N(0, 1)", "default": "Weights N(0, 1/n_in)"}
TIPS = {"large": "chapter 1's initialisation: every weight and bias N(0, 1)",
        "default": "chapter 3's: weights N(0, 1/n_in), i.e. standard deviation 1/√n_in; bias N(0, 1)"}


def _share(share: float) -> str:
    """A percentage with enough digits to tell a small share from none."""
    return f"{share:.1%}" if share >= 0.01 or share == 0 else f"{100 * share:.2g}%"


class _ZPlot:
    def __init__(self, init: str):
        self.init = init
        self.top = 0.0
        self.plot = plot(TITLES[init], "z = Σ wⱼxⱼ + b", "share of neurons", x_range=(-40, 40), y_range=(0, 0.4))
        self.plot.setToolTip(TIPS[init])
        for side in (-1, 1):  # the saturated zones |z| > ln 99: σ(z) < 0.01 or > 0.99
            low, high = sorted((side * init_stats.SATURATED, side * 40.0))
            zone = pg.LinearRegionItem((low, high), movable=False, brush=pg.mkBrush(opaque(theme.WARNING, 28)),
                                       pen=pg.mkPen(None))
            self.plot.addItem(zone)
        self.histogram = pg.PlotCurveItem(BINS, np.zeros(len(BINS) - 1), stepMode="center", fillLevel=0,
                                          brush=opaque(theme.ACCENT, 150), pen=pg.mkPen(opaque(theme.ACCENT, 200)))
        self.plot.addItem(self.histogram)
        self.density = self.plot.plot(pen=pg.mkPen(theme.TEXT_STRONG, width=2))
        self.readout = equation_label()
        self.widget = QWidget()
        column = QVBoxLayout(self.widget)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.plot, 1)
        column.addWidget(self.readout)

    def show(self, n_in: int, fraction: float) -> init_stats.ZStats:
        stats = init_stats.z_stats(self.init, n_in, fraction)
        width = BINS[1] - BINS[0]
        counts, _ = np.histogram(stats.samples, BINS)  # (neurons beyond ±40 are off the plot)
        shares = counts / len(stats.samples)
        self.histogram.setData(BINS, shares)
        x = np.linspace(-40, 40, 401)
        self.density.setData(x, width * np.exp(-0.5 * (x / stats.sd) ** 2) / (stats.sd * np.sqrt(2 * np.pi)))
        # a few fixed heights: a new range re-renders the axes and grid (tens of ms), so it changes rarely
        top = next(h for h in Y_TOPS if h >= float(shares.max()) * 1.1)
        if top != self.top:
            self.top = top
            self.plot.getPlotItem().getViewBox().setYRange(0, top, padding=0)
        k = init_stats.inputs_on(n_in, fraction)
        w_sd = init_stats.weight_sd(self.init, n_in)
        colour = theme.ERROR if stats.saturated > 0.5 else (theme.WARNING if stats.saturated > 0.05 else theme.SUCCESS)
        self.readout.setText(
            f"sd(z) = √({k}·{w_sd ** 2:.3g} + 1) = {strong(f'{stats.sd:.2f}')}<br>"
            f"saturated (|z| > {init_stats.SATURATED:.1f}): {strong(_share(stats.saturated), colour)}")
        return stats


class InitialisationPage(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.plots = {init: _ZPlot(init) for init in init_stats.INITIALISATIONS}
        view = QHBoxLayout()
        for z_plot in self.plots.values():
            view.addWidget(z_plot.widget, 1)
        self.n_in = ValueSlider("n_in", 1, 2000, 1000, 0, tooltip="the neuron's inputs n_in (the book: 1000); the "
                                "weights' standard deviation under chapter 3's rule is 1/√n_in")
        self.fraction = ValueSlider("on", 0.0, 1.0, 0.5, 2, tooltip="the fraction of inputs that are 1 (the rest are 0); "
                                    "the book: half")
        side = QVBoxLayout()
        side.addWidget(self.n_in)
        side.addWidget(self.fraction)
        side.addWidget(note_label(
            "z is a sum of independent Gaussians: the weights of the inputs that are on, and the bias. Its variance "
            "is the number of inputs on times the weights' variance, plus 1. The bars are 4,000 neurons drawn from "
            "that distribution; the line is its density. Amber: |z| > ln 99 ≈ 4.6, where σ(z) is within 0.01 of 0 "
            "or 1 and σ′(z) &lt; 0.01, so the neuron barely learns."))
        frame(self, "Weight initialisation",
              "With weights N(0, 1), a neuron with 1,000 inputs, half of them on, has a weighted input z with standard "
              "deviation √501 ≈ 22.4: almost every such neuron starts saturated. Weights N(0, 1/n_in) give √(3/2) ≈ "
              "1.22, and the neurons start where σ is steep.", view, side, 320)
        self.n_in.valueChanged.connect(lambda _: self.redraw())
        self.fraction.valueChanged.connect(lambda _: self.redraw())
        self.redraw()

    def redraw(self) -> None:
        n_in, fraction = int(self.n_in.value()), self.fraction.value()
        self.stats = {init: z_plot.show(n_in, fraction) for init, z_plot in self.plots.items()}
