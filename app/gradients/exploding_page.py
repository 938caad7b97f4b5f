"""Exploding gradients, the book's construction: a chain of single sigmoid neurons with large
weights (w = 100) and biases chosen so that every z = 0, where σ'(z) = 1/4; going back, each layer
multiplies the gradient by w σ'(z) = 25. Smaller weights make it vanish instead, and large weights
without the matching biases saturate the neurons."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QPushButton

from app import theme
from app.gradients import plots
from app.gradients.page import Page
from app.theme.plots import plot_widget
from app.theme.styles import primary_button
from app.widgets.spin_boxes import int_spin, real_spin
from core import vanishing

EXPLANATION = (
    "The gradient at an early layer is a product of factors w σ'(z), one per later layer. Make the "
    "weights large, w = 100, and choose each bias so that z = 0, where σ'(z) = 1/4 is largest: every "
    "factor is 100 × 1/4 = <b>25</b> and the gradient <i>explodes</i>, growing 25-fold per layer towards "
    "the input. Vanishing or exploding, the gradient in deep networks is <i>unstable</i>."
)


class ExplodingPage(Page):
    """The chain's diagram and its gradients |∂C/∂bˡ|, per neuron, on a log scale."""

    updated = Signal()

    def __init__(self, parent=None):
        super().__init__("Exploding gradients", EXPLANATION, parent)
        self.result: dict[str, np.ndarray] | None = None

        panel = self.panel
        self.book_button = panel.add(QPushButton("The book's construction: w = 100"))
        self.book_button.setToolTip("w = 100 and biases that make every z = 0: each layer multiplies by 25")
        self.book_button.setStyleSheet(primary_button(padding="6px"))
        self.small_button = panel.add(QPushButton("Ordinary weights: w = 1"))
        self.small_button.setToolTip("w = 1, z = 0: each layer multiplies by 1/4 and the gradient vanishes")
        self.saturated_button = panel.add(QPushButton("Large weights, biases 0"))
        self.saturated_button.setToolTip("w = 100 with biases 0: every z is large, the neurons saturate")
        panel.section("The chain")
        form = panel.form()
        self.hidden = int_spin(1, 6, 3, tip="hidden neurons in the chain (one more, the output, follows)")
        self.w = real_spin(0.01, 1000.0, 100.0, 1.0, decimals=2, tip="every weight of the chain")
        self.x = real_spin(0.0, 1.0, 1.0, 0.1, decimals=2, tip="the input")
        self.zero_z = QCheckBox("biases make every z = 0")
        self.zero_z.setChecked(True)
        form.addRow("Hidden neurons", self.hidden)
        form.addRow("Weight w", self.w)
        form.addRow("Input x", self.x)
        form.addRow("", self.zero_z)
        self.status = panel.status_label()
        panel.finish()

        self.diagram = plot_widget("The chain: x → neuron 1 → … → output, cost C", grid=False, minimum=None)
        self.diagram.setMinimumHeight(200)
        d = self.diagram.getPlotItem()
        d.hideAxis("left")
        d.hideAxis("bottom")
        d.setMouseEnabled(False, False)
        self.edges = pg.PlotDataItem([], [], pen=pg.mkPen(theme.DISABLED, width=2))
        self.nodes = pg.ScatterPlotItem(size=34, pen=pg.mkPen(theme.TEXT_STRONG, width=1.5))
        d.addItem(self.edges)
        d.addItem(self.nodes)
        self.diagram_text = plots.TextPool(d)

        self.bars_plot = plot_widget("|∂C/∂bˡ| at each neuron (log scale)", "neuron l", "|∂C/∂b|", log_y=True)
        self.bars = pg.BarGraphItem(x=[0], height=[0], width=0.6, brushes=[plots.color(0)])
        self.bars_plot.getPlotItem().addItem(self.bars)
        self.bar_text = plots.TextPool(self.bars_plot.getPlotItem())
        self.view_layout.addWidget(self.diagram, 1)
        self.view_layout.addWidget(self.bars_plot, 2)
        self.caption = self.add_caption()

        self.book_button.clicked.connect(lambda: self.configure(100.0, True))
        self.small_button.clicked.connect(lambda: self.configure(1.0, True))
        self.saturated_button.clicked.connect(lambda: self.configure(100.0, False))
        for box in (self.hidden, self.w, self.x):
            box.valueChanged.connect(self.refresh)
        self.zero_z.toggled.connect(self.refresh)
        self.refresh()

    def configure(self, w: float, zero_z: bool) -> None:
        """Set the weight and the bias rule in one go (one redraw)."""
        for box in (self.w, self.zero_z):
            box.blockSignals(True)
        self.w.setValue(w)
        self.zero_z.setChecked(zero_z)
        for box in (self.w, self.zero_z):
            box.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        """Rebuild the chain and redraw (a handful of neurons: instant)."""
        net = vanishing.exploding_chain(self.hidden.value(), self.w.value(), self.x.value(), self.zero_z.isChecked())
        self.result = vanishing.chain_gradients(net, self.x.value())
        self.result["z"] = np.array([float(l.z[0, 0]) for l in net.dense_layers])
        self.result["b"] = np.array([float(l.params["b"][0]) for l in net.dense_layers])
        self._draw_diagram()
        self._draw_bars()
        self.updated.emit()

    def _draw_diagram(self) -> None:
        r = self.result
        n = len(r["grad_b"])
        d = self.diagram.getPlotItem()
        texts = self.diagram_text
        texts.begin()
        xs = np.arange(0, n + 2, dtype=float)  # the input, the neurons, the cost
        self.edges.setData(xs, np.zeros_like(xs))
        brushes = [pg.mkBrush(theme.RAISED)] + [pg.mkBrush(plots.color(0) if i < n - 1 else plots.color(3))
                                            for i in range(n)]
        self.nodes.setData(xs[:-1], np.zeros(n + 1), brush=brushes, symbol="o")
        texts.put(0, 0, "x", theme.TEXT_STRONG, (0.5, 0.5), bold=True)
        texts.put(0, -0.3, f"x = {self.x.value():g}", theme.TEXT, (0.5, 0))
        texts.put(n + 1, 0, "C", theme.TEXT_STRONG, (0.5, 0.5), bold=True)
        w = self.w.value()
        for i in range(n):
            xi = i + 1
            texts.put(xi - 0.5, 0.1, f"w = {w:g}", theme.MUTED, (0.5, 1))
            texts.put(xi, 0, "σ", theme.BACKGROUND, (0.5, 0.5), bold=True)
            lines = [f"b = {r['b'][i]:.4g}".replace("-", "−"), f"z = {r['z'][i]:.3g}".replace("-", "−"),
                     f"σ'(z) = {_pretty(r['sigma_prime'][i])}"]
            texts.put(xi, -0.3, "\n".join(lines), theme.TEXT, (0.5, 0))
            if i < n - 1:
                texts.put(xi + 0.5, 0.3, f"× {_pretty(r['factor'][i])}", theme.REFERENCE, (0.5, 1), bold=True)
        texts.end()
        d.setXRange(-0.6, n + 1.6, padding=0)
        d.setYRange(-1.0, 0.62, padding=0)

    def _draw_bars(self) -> None:
        r = self.result
        g = r["grad_b"]
        n = len(g)
        x = np.arange(1, n + 1, dtype=float)
        logs = np.log10(np.maximum(g, 1e-300))
        floor = np.floor(min(logs.min(), 0.0)) - 0.5
        colours = [plots.color(0)] * (n - 1) + [plots.color(3)]
        self.bars.setOpts(x=x, y0=np.full(n, floor), height=logs - floor, width=0.6, brushes=colours,
                          pens=[pg.mkPen(c) for c in colours])
        plot = self.bars_plot.getPlotItem()
        texts = self.bar_text
        texts.begin()
        for xi, v, lv in zip(x, g, logs):
            texts.put(xi, lv, _pretty(v), theme.TEXT, (0.5, 1))
        for i in range(n - 1):
            mid = (logs[i] + logs[i + 1]) / 2
            texts.put(x[i] + 0.5, mid, f"× {_pretty(r['factor'][i])}", theme.REFERENCE, (0.5, 0.5), bold=True)
        texts.end()
        top = max(logs.max(), 0.0)
        plot.getAxis("bottom").setTicks([[(float(i), f"{i}" if i < n else f"{i} (output)") for i in range(1, n + 1)]])
        plot.setXRange(0.4, n + 0.6, padding=0)
        plot.setYRange(floor, top + 0.12 * (top - floor) + 0.3, padding=0)
        factor = r["factor"][0]
        total = g[0] / g[-1] if g[-1] > 0 else float("nan")
        if self.zero_z.isChecked():
            kind = "explodes" if factor > 1 else "vanishes" if factor < 1 else "stays the same"
            self.caption.setText(
                f"Every factor is w σ'(0) = {self.w.value():g} × 1/4 = <b>{_pretty(factor)}</b>: the gradient {kind} "
                f"from the output to neuron 1, overall × <b>{_pretty(total)}</b>.")
        else:
            self.caption.setText(
                f"With biases 0 every z = w × (input) is large, σ'(z) ≈ {_pretty(r['sigma_prime'][0])}: the large "
                f"weights saturate the neurons and the gradient vanishes (× {_pretty(total)}). Large weights alone "
                f"do not make it explode: the biases must keep z near 0.")
        self.status.setText(f"Gradient at neuron 1: {_pretty(g[0])}; at the output: {_pretty(g[-1])}.")


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _pretty(v: float) -> str:
    """Readable across 300 orders of magnitude: 25, 0.25, 7812.5, 3.7×10⁻⁴⁴."""
    if not np.isfinite(v):
        return "–"
    if v == 0:
        return "0"
    if 1e-3 <= abs(v) < 1e6:
        return f"{v:,.6g}" if abs(v) >= 100 else f"{v:.4g}"
    mantissa, exponent = f"{v:.1e}".split("e")
    return f"{float(mantissa):g}×10{str(int(exponent)).translate(_SUPERSCRIPT)}"
