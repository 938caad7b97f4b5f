"""Exploding gradients, the book's construction: a chain of single sigmoid neurons with large
weights (w = 100) and biases chosen so that every z = 0, where σ'(z) = 1/4; going back, each layer
multiplies the gradient by w σ'(z) = 25. Smaller weights make it vanish instead, and large weights
without the matching biases saturate the neurons."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QPushButton

from app import numbers, theme
from app.gradients import plots
from app.gradients.page import Page, choice
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
        self.cost = choice([("quadratic", "quadratic (the book's)"), ("cross-entropy", "cross-entropy")])
        self.cost.setToolTip("the cost C the chain ends in, for the target y = 0: the book's product ends in ∂C/∂a "
                             "of the quadratic cost")
        form.addRow("Neurons", self.hidden)
        form.addRow("Weight w", self.w)
        form.addRow("Input x", self.x)
        form.addRow("", self.zero_z)
        form.addRow("Cost", self.cost)
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
        self.bars = pg.BarGraphItem(x=[0], height=[0], width=BAR_WIDTH, brushes=[plots.color(0)])
        self.bars_plot.getPlotItem().vb.sigResized.connect(lambda *_: self.result is not None and self._draw_bars())
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
        self.cost.currentIndexChanged.connect(self.refresh)
        self.caption.setMinimumHeight(4 * self.caption.fontMetrics().lineSpacing() + 8)  # no jump as it changes
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
        net = vanishing.exploding_chain(self.hidden.value(), self.w.value(), self.x.value(), self.zero_z.isChecked(),
                                        cost=self.cost.currentData())
        self.result = vanishing.chain_gradients(net, self.x.value(), TARGET)
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
        texts.put(0, -0.3, f"x = {numbers.exact(self.x.value())}", theme.TEXT, (0.5, 0))
        texts.put(n + 1, 0, "C", theme.TEXT_STRONG, (0.5, 0.5), bold=True)
        texts.put(n + 1, -0.3, f"{self.cost.currentData()}\ny = {numbers.number(TARGET)}", theme.TEXT, (0.5, 0))
        w = self.w.value()
        each_edge = short_factors(r)  # else one label says what every step multiplies by
        for i in range(n):
            xi = i + 1
            texts.put(xi - 0.5, 0.1, f"w = {numbers.exact(w)}", theme.MUTED, (0.5, 1))
            texts.put(xi, 0, "σ", theme.BACKGROUND, (0.5, 0.5), bold=True)
            sp = _pretty(r['sigma_prime'][i])
            lines = [f"b = {numbers.number(r['b'][i], 4)}", f"z = {numbers.number(r['z'][i], 3)}"]
            lines += [f"σ′(z) = {sp}"] if numbers.is_plain(r["sigma_prime"][i]) else ["σ′(z) =", sp]  # (narrow)
            texts.put(xi, -0.3, "\n".join(lines), theme.TEXT, (0.5, 0))
            if i < n - 1 and each_edge:
                texts.put(xi + 0.5, 0.3, f"× {_pretty(r['factor'][i])}", theme.REFERENCE, (0.5, 1), bold=True)
        if not each_edge and n > 1:
            texts.put((n + 1) / 2, 0.3, f"each step back × {_pretty(r['factor'][0])}", theme.REFERENCE, (0.5, 1),
                      bold=True)
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
        self.bars.setOpts(x=x, y0=np.full(n, floor), height=logs - floor, width=BAR_WIDTH, brushes=colours,
                          pens=[pg.mkPen(c) for c in colours])
        plot = self.bars_plot.getPlotItem()
        texts = self.bar_text
        texts.begin()
        for xi, v, lv in zip(x, g, logs):
            texts.put(xi, lv, _pretty(v), theme.TEXT, (0.5, 1))
        gap = (1 - BAR_WIDTH) * plot.vb.width() / (n + 0.2)  # pixels between two bars
        values_only = texts.used
        for i in range(n - 1 if short_factors(r) else 0):
            mid = (logs[i] + logs[i + 1]) / 2
            label = texts.put(x[i] + 0.5, mid, f"× {_pretty(r['factor'][i])}", theme.REFERENCE, (0.5, 0.5),
                              bold=True)
            if label.boundingRect().width() > gap - 4:  # they would lie on the bars: the caption says it
                texts.used = values_only
                break
        texts.end()
        top = float(logs.max())  # (the highest bar: not 10⁰ too, which left most of a vanishing chain's plot empty)
        label_room = (texts.items[0].boundingRect().height() + 6) / max(plot.vb.height(), 1.0) if texts.items else 0.1
        share = min(label_room, 0.4)  # of the plot's height, above the highest bar for its value
        plot.getAxis("bottom").setTicks([[(float(i), f"{i}" if i < n else f"{i} (output)") for i in range(1, n + 1)]])
        plot.setXRange(0.4, n + 0.6, padding=0)
        plot.setYRange(floor, top + (top - floor) * share / (1 - share) + 0.05, padding=0)
        total = g[0] / g[-1] if g[-1] > 0 else float("nan")
        factor = r["factor"][0]
        if self.zero_z.isChecked():
            kind = "explodes" if factor > 1 else "vanishes" if factor < 1 else "stays the same"
            story = (f"Every factor is w σ′(0) = {numbers.exact(self.w.value())} × 1/4 = <b>{_pretty(factor)}</b>: the gradient "
                     f"{kind} from the output to neuron 1, overall × <b>{_pretty(total)}</b>.")
        else:
            story = (f"With biases 0 every z = w × (input) is large, σ′(z) ≈ {_pretty(r['sigma_prime'][0])}: the "
                     f"large weights saturate the neurons and the gradient vanishes (× {_pretty(total)}). Large "
                     f"weights alone do not make it explode: the biases must keep z near 0.")
        self.caption.setText(f"{by_hand(r, self.cost.currentData())}<br>{story}")
        self.status.setText(f"Gradient at neuron 1: {_pretty(g[0])}; at the output: {_pretty(g[-1])}.")


TARGET = 0.0  # the chain's desired output y
BAR_WIDTH = 0.6  # of the space between two neurons' bars
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def short_factors(r: dict) -> bool:
    """Whether every factor of the chain is written plainly (25, 0.25), short enough to label each
    step of the diagram and of the bars; a×10ⁿ ones are said once."""
    factors = r["factor"][:-1]
    return all(numbers.is_plain(f) for f in factors) or not np.allclose(factors, factors[0])


def by_hand(r: dict, cost: str) -> str:
    """The book's product for ∂C/∂b₁ written out, with the chain's numbers, so that a reader can redo
    it: σ′(z₁) · w₂σ′(z₂) · … · wᴸσ′(zᴸ) · ∂C/∂aᴸ, then ∂C/∂aᴸ for the chosen cost."""
    n = len(r["grad_b"])
    sub = [str(i).translate(_SUBSCRIPT) for i in range(n + 1)]
    symbols = [f"σ′(z{sub[1]})"] + [f"w{sub[i]}σ′(z{sub[i]})" for i in range(2, n + 1)] + [f"∂C/∂a{sub[n]}"]
    values = [r["sigma_prime"][0]] + [r["w"][i] * r["sigma_prime"][i] for i in range(1, n)] + [r["dC_da"]]
    a, last = r["a"], sub[n]
    if cost == "quadratic":
        derivative = f"quadratic cost: ∂C/∂a{last} = a{last} − y = {_pretty(a)} − {numbers.number(TARGET)} = {_pretty(r['dC_da'])}"
    else:
        derivative = (f"cross-entropy: ∂C/∂a{last} = (a{last} − y) / (a{last}(1 − a{last})) = {_pretty(r['dC_da'])}, "
                      f"so that σ′(z{last}) cancels: δ{last} = a{last} − y")
    return (f"∂C/∂b{sub[1]} = {' · '.join(symbols)}<br>"
            f"&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;= {' × '.join(_pretty(v) for v in values)} = <b>{_pretty(r['grad_b'][0])}</b>"
            f"&nbsp;&nbsp;({derivative})")


def _pretty(v: float) -> str:
    """A number of the chain in the app's format, with the digits a hand computation needs: 25, 0.25,
    1,953.125, 3.7×10⁻⁴⁴ (seven significant digits, trailing zeros dropped; two beyond a×10ⁿ)."""
    return numbers.number(v, 7 if numbers.is_plain(v) else 2)
