"""Why the gradient vanishes, made visible: per hidden layer the distribution of σ'(zˡ) (σ' the
derivative of the layer's activation: never above 1/4 for the sigmoid, 0 or 1 for ReLU) and of the
factors |w σ'(z)| that BP2 multiplies the error by, and the product of those factors along the path
from a layer to the output. Any network with dense or convolutional layers: the plots share its
hidden layers, and the caption says what is not covered (paths through convolutions)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout

from app import jobs, numbers, theme
from app.gradients import plots
from app.gradients.data import when_data_ready
from app.gradients.page import Page, choice
from app.theme.plots import plot_widget, set_axis_label, set_title
from app.widgets.spin_boxes import int_spin
from core import probes, vanishing
from core.network import Network

EXPLANATION = (
    "Backpropagation carries the error back one layer at a time, "
    "δ<sup>l</sup> = σ′(z<sup>l</sup>) ⊙ (w<sup>l+1</sup>)<sup>T</sup> δ<sup>l+1</sup> (BP2, σ′ the derivative of "
    "the layer's activation): every layer multiplies it by factors w σ′(z). For the sigmoid σ′(z) ≤ 1/4, and "
    "initial weights are small, so the factors are mostly well below 1 and the error shrinks geometrically on "
    "its way to the first layers. For tanh σ′ ≤ 1, for ReLU it is 0 or 1: then the weights decide."
)

W_MARGIN = -0.2  # where the factors' x axis begins: room left of the first violin (at 1 ± 0.38) for ¼'s label
W_FLOOR = -5.0  # log10 of the factors' axis's bottom: smaller factors (and 0) are drawn there
FOLLOW_MS = 1000  # a network that changes (a run goes on) is analysed again at most this often
ACTIVATIONS = ("sigmoid", "tanh", "relu")

SOURCES = [
    ("fresh", "A fresh network"),
    ("experiment", "The experiment's network, now"),
    ("training", "The Train tab's network, now"),
    ("active", "The Draw tab's network"),
]


class CausePage(Page):
    """Histograms of σ'(z) and |w σ'(z)| per layer, and products of factors along paths."""

    updated = Signal()  # the plots show a newly analysed network

    def __init__(self, state, experiment=None, parent=None):
        super().__init__("Why: a product of small factors", EXPLANATION, parent)
        self.state = state
        self.experiment = experiment  # the ExperimentPage, whose network can be analysed live
        self.cause: vanishing.Cause | None = None
        self._worker = None
        self._again = False
        self._closed = False

        panel = self.panel
        panel.section("Network")
        self.source = panel.add(choice(SOURCES))
        form = panel.form()
        self.depth = int_spin(1, 6, 4, tip="hidden layers of 30 neurons")
        self.activation = choice(ACTIVATIONS)
        self.init = choice([("default", "1/√n_in (the book's)"), ("large", "N(0, 1)"), ("he", "He: √(2/n_in)")])
        self.activation.setToolTip("the hidden layers' activation")
        self.init.setToolTip("how the weights are initialised")
        self.seed = int_spin(0, 99_999, 0)
        self.images = int_spin(10, 10_000, 500, 100, tip="the first n training images")
        self.fresh_rows = [("Hidden layers", self.depth), ("Activation", self.activation),
                           ("Weights", self.init), ("Seed", self.seed)]
        for label, box in self.fresh_rows:
            form.addRow(label, box)
        form.addRow("Images", self.images)
        self.form = form
        self.status = panel.status_label()
        self.status.setMinimumHeight(3 * self.status.fontMetrics().lineSpacing())  # its messages: no jump below
        panel.section("Reading the plots")
        legend = panel.status_label()
        legend.setText(theme.coloured(
            "Each violin is one hidden layer's values (its width: how many); the white bar spans the middle half, "
            "the dot is the median. Factors below 10⁻⁵ (and 0: a unit that is never on) are drawn at the bottom. "
            "A factor is a weight times its unit's σ′ averaged over the examples (a convolution's: its channel's); "
            "a path below uses each example's own σ′, so its product can be far smaller. "
            "The lower plot follows the error from the output back to layer l: one path "
            "multiplies it by one factor per layer; the actual gradient sums all paths, whose signs partly "
            "cancel.", theme.MUTED))
        panel.finish()

        self.sp_plot = plot_widget("σ′(zˡ) over examples and units", "hidden layer l", "σ′(z)")
        self.w_plot = plot_widget("BP2's factors |wˡ⁺¹ σ′(zˡ)|", "hidden layer l", "|w σ′(z)|",
                                  log_y=True)  # (the violins are given log10 values)
        self.path_plot = plot_widget("From layer l back to the output: the product of the factors",
                                     "hidden layer l", "× output error", log_y=True, legend="bottom-right")
        self.sp_bound = plots.guide_line(self.sp_plot.getPlotItem(), 0.25, 0, "σ′ ≤ 1/4", anchor=(1, 1),
                                         position=0.98)  # (over the line, in the room left above it)
        self.w_one = plots.guide_line(self.w_plot.getPlotItem(), 0.0, 0, "1: passes the error on unchanged",
                                      anchor=(1, 1), position=0.98)
        # (¼ labelled on its line at the left, in a margin no violin reaches: above it, 0.6 decade under
        # the line at 1, it would touch that line in a short plot, or a violin)
        self.w_quarter = plots.guide_line(self.w_plot.getPlotItem(), np.log10(0.25), 0, "1/4", anchor=(0, 0.5),
                                          position=0.01)
        self.guides = (self.sp_bound, self.w_one, self.w_quarter)
        for line in self.guides:  # (shown with an analysis, see _draw_histograms)
            line.setVisible(False)
        self.sp_violins = plots.Violins(self.sp_plot.getPlotItem())
        self.w_violins = plots.Violins(self.w_plot.getPlotItem())
        self.w_plot.getPlotItem().setYRange(W_FLOOR, 1.0, padding=0.02)
        self._w_span: tuple[float, float] | None = None  # log10 of the factors' floor and of their top or 1
        self.w_plot.getPlotItem().vb.sigResized.connect(self._fit_w_plot)
        path = self.path_plot.getPlotItem()
        band_pen = pg.mkPen(plots.color(0), width=0.5)
        self.path_lo = pg.PlotDataItem([], [], pen=band_pen, name="one path: 10th percentile")  # (names: the
        self.path_hi = pg.PlotDataItem([], [], pen=band_pen, name="one path: 90th percentile")  # read-out's)
        fill = pg.mkColor(plots.color(0))
        fill.setAlpha(50)
        self.path_band = pg.FillBetweenItem(self.path_lo, self.path_hi, brush=pg.mkBrush(fill))
        for item in (self.path_lo, self.path_hi, self.path_band):
            path.addItem(item)
        self.path_whiskers = pg.ErrorBarItem(x=np.zeros(0), y=np.zeros(0), top=np.zeros(0), bottom=np.zeros(0),
                                             beam=0.08, pen=band_pen)  # (the band alone is not seen at one layer)
        path.addItem(self.path_whiskers)
        self.path_median = path.plot([], [], pen=pg.mkPen(plots.color(0), width=2), symbol="o", symbolSize=7,
                                     symbolBrush=plots.color(0), name="one path: median")
        self.path_measured = path.plot([], [], pen=pg.mkPen(plots.color(3), width=2), symbol="s", symbolSize=7,
                                       symbolBrush=plots.color(3), name="all paths: measured")
        self.path_bound = path.plot([], [], pen=pg.mkPen(plots.GUIDE, width=1.2, style=Qt.PenStyle.DashLine),
                                    name="bound")
        path.legend.clear()  # (entries are added for what is drawn, see _draw_paths)
        self.fit_paths = plots.FittedView(path, x=False)
        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.sp_plot)
        top.addWidget(self.w_plot)
        self.view_layout.addLayout(top, 1)
        self.view_layout.addWidget(self.path_plot, 1)
        self.caption = self.add_caption()

        self._timer = QTimer(self, singleShot=True, interval=150)  # (restarted while a setting changes)
        self._timer.timeout.connect(self.refresh)
        self._follow_timer = QTimer(self, singleShot=True, interval=FOLLOW_MS)  # (never restarted: a run
        self._follow_timer.timeout.connect(self.refresh)                       # reports more often)
        self.source.currentIndexChanged.connect(self._source_changed)
        for box in (self.depth, self.seed, self.images):
            box.valueChanged.connect(self._timer.start)
        for combo in (self.activation, self.init):
            combo.currentIndexChanged.connect(self._timer.start)
        if experiment is not None:
            experiment.snapshot_changed.connect(lambda: self._follow("experiment"))
        state.training_network_changed.connect(lambda _net: self._follow("training"))
        state.network_changed.connect(lambda _net: self._follow("active"))
        self._source_changed()

    # --- which network -----------------------------------------------------------------------------
    def set_source(self, key: str) -> None:
        self.source.setCurrentIndex(next(i for i, (k, _) in enumerate(SOURCES) if k == key))

    def _source_changed(self) -> None:
        fresh = self.source.currentData() == "fresh"
        for label, box in self.fresh_rows:
            self.form.setRowVisible(box, fresh)
        self._timer.start()

    def _follow(self, key: str) -> None:
        """The network of source ``key`` changed: analyse it again (soon, not at every change)."""
        if self.source.currentData() == key and self.isVisible() and not self._follow_timer.isActive():
            self._follow_timer.start()

    def network(self) -> tuple[Network | None, str]:
        """The network to analyse and a line saying which it is (or why there is none)."""
        key = self.source.currentData()
        if key == "fresh":
            try:
                net = vanishing.deep_net(self.depth.value(), activation=self.activation.currentData(),
                                         init=self.init.currentData(), seed=self.seed.value())
            except ValueError as exc:
                return None, str(exc)
            return net, f"{net.describe()}, initialised with seed {self.seed.value()}"
        if key == "experiment":
            net = self.experiment.network() if self.experiment is not None else None
            if net is None and self.experiment is not None and self.experiment.running:
                return None, "The experiment has just started: its network shows here after its first epoch."
            if net is None:
                return None, "Run the book's experiment first (first sub-tab): its network shows here."
            epoch = max(self.experiment.last_epoch, 0)
            return net, f"the book experiment's {net.describe()} after {epoch:,} epochs"
        if key == "training":
            net = self.state.training_network
            if net is None:
                return None, "Nothing is training in the Train tab."
            return net, f"the Train tab's {short_description(net)}"
        net = self.state.network
        if net is None:
            return None, "There is no active network."
        return net, f"the Draw tab's {short_description(net)}"

    # --- analysis ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Analyse the chosen network in the background (at most one analysis at a time); with none
        to analyse, show nothing and say why."""
        net, what = self.network()
        if net is None:
            self._show_nothing(what)
            return
        if self._worker is not None:
            self._again = True
            return
        self.status.setText(f"Analysing {what}…")
        when_data_ready(self.state, lambda data: self._analyse(net, what, data),
                        lambda m: self._show_nothing(f"Cannot load MNIST: {m}"))

    def _analyse(self, net: Network, what: str, data) -> None:
        if self._closed:
            return
        if self._worker is not None:
            self._again = True
            return
        n = self.images.value()
        if int(np.prod(net.input_shape)) != 784:
            self._show_nothing(f"{what} does not read 28×28 images.")
            return
        key = self.source.currentData()
        self._worker = jobs.call(
            vanishing.explain, net, data.train.images[:n], data.train.labels[:n], owner=self,
            done=lambda cause: self._show(cause, what, key), ended=self._finished,
            failed=lambda exc: self._show_nothing(f"Cannot analyse {what}: {type(exc).__name__}: {exc}"))

    def _finished(self) -> None:
        self._worker = None
        if self._again:
            self._again = False
            self.refresh()

    def _show(self, cause: vanishing.Cause, what: str, key: str) -> None:
        """Draw an analysis of the network of source ``key`` (unless another source was chosen since)."""
        if key != self.source.currentData():
            return
        self.cause = cause
        n = len(cause.labels)
        names = layer_ticks(cause.labels)
        for plot in (self.sp_plot, self.w_plot, self.path_plot):
            item = plot.getPlotItem()
            item.getAxis("bottom").setTicks([[(float(i + 1), name) for i, name in enumerate(names)]])
            item.setXRange(W_MARGIN if plot is self.w_plot else 0.4, n + 0.6, padding=0)
        symbol = prime_symbol(cause.activations)
        self._titles(symbol)
        self._draw_histograms(cause, symbol)
        self._draw_paths(cause)
        self.caption.setText(caption(cause, symbol))
        self.status.setText(f"Showing {what}.")
        self.updated.emit()

    def _show_nothing(self, message: str) -> None:
        """No analysis to show (no network, or one this page cannot read): empty plots with no guide
        line, no legend, no caption but ``message``, and the same message beside the controls."""
        self.cause = None
        self._titles("f′")
        for violins in (self.sp_violins, self.w_violins):
            violins.set([], [], 0.0, 1.0)
        for item in (self.path_median, self.path_lo, self.path_hi, self.path_measured, self.path_bound):
            item.setData([], [])
        self.path_whiskers.setData(x=np.zeros(0), y=np.zeros(0), top=np.zeros(0), bottom=np.zeros(0))
        self.path_band.setVisible(False)  # (a band between two empty curves keeps its last shape)
        self.path_plot.getPlotItem().legend.clear()
        for plot in (self.sp_plot, self.w_plot, self.path_plot):
            plot.getPlotItem().getAxis("bottom").setTicks([[]])
        for line in self.guides:  # (no guide line or label over nothing)
            line.setVisible(False)
        self.caption.setText(theme.coloured(message, theme.MUTED))
        self.status.setText(message)

    def _titles(self, symbol: str) -> None:
        """Plot titles and axis labels with the activation's derivative: σ′, tanh′, ReLU′ or f′."""
        set_title(self.sp_plot.getPlotItem(), f"{symbol}(zˡ) over examples and units")
        set_title(self.w_plot.getPlotItem(), f"BP2's factors |wˡ⁺¹ {symbol}(zˡ)|")
        set_axis_label(self.sp_plot.getPlotItem(), "left", f"{symbol}(z)")
        set_axis_label(self.w_plot.getPlotItem(), "left", f"|w {symbol}(z)|")

    def _draw_histograms(self, cause: vanishing.Cause, symbol: str) -> None:
        n = len(cause.sigma_prime)
        x = np.arange(1, n + 1, dtype=float)
        self.sp_violins.set(x, cause.sigma_prime, 0.0, cause.bound * 1.02)
        self.sp_bound.setValue(cause.bound)
        self.sp_bound.label.setFormat(bound_text(cause.activations, cause.bound, symbol))
        self.sp_bound.setVisible(True)
        # the dots of values at 0 whole, and room above the bound for its label (over no violin)
        self.sp_plot.getPlotItem().setYRange(-0.06 * cause.bound, cause.bound * 1.22, padding=0)
        self.w_one.setVisible(True)
        self.w_quarter.setVisible(cause.bound == 0.25)  # the sigmoid's largest factor when |w| ≤ 1
        weighted = [np.zeros(0) if w is None else w for w in cause.weighted]
        lo = W_FLOOR
        top = max((float(np.max(w)) for w in weighted if len(w)), default=1.0)
        hi = max(0.0, np.log10(max(top, 1e-300)))
        self.w_violins.set(x, [np.log10(np.maximum(w, 10 ** lo)) for w in weighted], lo, hi)
        self._w_span = (lo - 0.3, hi)  # (the dots of the values at the floor whole)
        self._fit_w_plot()

    def _fit_w_plot(self, *_) -> None:
        """The factors' y range: from below the floor to above the highest violin (or the line at 1) by
        as much as the line's label needs, in pixels, so that at any height of the plot the label sits
        over no violin."""
        if self._w_span is None:
            return
        plot = self.w_plot.getPlotItem()
        low, high = self._w_span
        room = self.w_one.label.boundingRect().height() + 4
        share = min(room / max(plot.vb.height(), 1.0), 0.5)
        plot.setYRange(low, high + (high - low) * share / (1 - share), padding=0)

    def _draw_paths(self, cause: vanishing.Cause) -> None:
        hidden = len(cause.relative_speeds)
        x = np.arange(1, hidden + 1, dtype=float)
        legend = self.path_plot.getPlotItem().legend
        legend.clear()
        measured = plots.finite_positive(cause.relative_speeds)
        self.path_measured.setData(x, measured, connect="finite")
        q = cause.path_quantiles
        covered = ~np.isnan(q[1]) if q is not None else np.zeros(hidden, bool)
        self.path_band.setVisible(bool(covered.any()))
        if covered.any():
            xs = x[covered]
            self.path_median.setData(xs, q[1, covered])
            self.path_lo.setData(xs, q[0, covered])
            self.path_hi.setData(xs, q[2, covered])
            logs = np.log10(q[:, covered])
            self.path_whiskers.setData(x=xs, y=logs[1], top=logs[2] - logs[1], bottom=logs[1] - logs[0])
            legend.addItem(self.path_median, "one path: median product, band 10–90%"
                           if np.all(cause.path_alive[covered] == 1) else
                           "one path carrying the error: median, band 10–90%")
        else:
            for item in (self.path_median, self.path_lo, self.path_hi):
                item.setData([], [])
            self.path_whiskers.setData(x=np.zeros(0), y=np.zeros(0), top=np.zeros(0), bottom=np.zeros(0))
        legend.addItem(self.path_measured, "all paths: measured ‖δˡ‖ / ‖δᴸ‖")
        if covered.any() and cause.bound < 1:
            xs = x[covered]
            bound = cause.bound ** (hidden + 1 - xs)
            if len(xs) == 1:  # (a line through one point shows nothing: a short one across its layer)
                xs, bound = xs[0] + np.array([-0.15, 0.15]), np.repeat(bound, 2)
            self.path_bound.setData(xs, bound)
            legend.addItem(self.path_bound, f"({fraction(cause.bound)})ᵏ, k layers back: the bound if all |w| ≤ 1")
        else:
            self.path_bound.setData([], [])
        self.fit_paths()  # every curve in view, the legend in a free corner

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._timer.start()

    def shutdown(self) -> None:
        self._closed = True
        self._timer.stop()
        self._again = False
        jobs.shutdown(self)


def short_description(net: Network) -> str:
    """The network in a status line: its description when short (784-30-10 sigmoid, cross-entropy),
    else its hidden layers with weights by kind (a CNN's full description takes five lines)."""
    text = net.describe()
    if len(text) <= 60:
        return text
    kinds = [layer_kind(layer.describe()) for layer in probes.hidden_param_layers(net)]
    return f"network ({len(kinds)} hidden layers with weights: {', '.join(kinds)})"


PRIME_SYMBOLS = {"sigmoid": "σ′", "tanh": "tanh′", "relu": "ReLU′", "linear": "f′"}


def prime_symbol(activations: list[str]) -> str:
    """What the plots call the activation's derivative: the book's σ′ for the sigmoid, tanh′ or
    ReLU′ when every layer has that activation, else f′ (each layer's own)."""
    kinds = set(activations)
    return PRIME_SYMBOLS.get(kinds.pop(), "f′") if len(kinds) == 1 else "f′"


def fraction(bound: float) -> str:
    return "1/4" if bound == 0.25 else numbers.number(bound)


def bound_text(activations: list[str], bound: float, symbol: str) -> str:
    """The label of the line at σ′'s largest value."""
    if set(activations) == {"relu"}:
        return "ReLU′ is 0 or 1"
    return f"{symbol} ≤ {fraction(bound)}"


def layer_kind(label: str) -> str:
    """conv or FC, from a layer's description."""
    return "conv" if label.startswith("conv") else "FC"


def layer_ticks(labels: list[str]) -> list[str]:
    """Axis labels for the hidden layers: their numbers, with their kind when the kinds differ."""
    kinds = [layer_kind(label) for label in labels]
    if len(set(kinds)) == 1:
        return [str(i + 1) for i in range(len(labels))]
    return [f"{i + 1}: {kind}" for i, kind in enumerate(kinds)]


def _percent(share: float) -> str:
    """A share as a percentage with two significant digits below 10% (0.5%, 4.2%, 16%)."""
    return f"{numbers.number(100 * share, 2)}%" if 0 < share < 0.1 else numbers.percent(share, 0)


def _share(values) -> str:
    """One share, or the range of several (4.2%–16%)."""
    lo, hi = _percent(min(values)), _percent(max(values))
    return lo if lo == hi else f"{lo}–{hi}"


def caption(cause: vanishing.Cause, symbol: str) -> str:
    """What the plots say, in a few sentences, for whatever activations and layers ``cause`` has."""
    hidden = len(cause.relative_speeds)
    parts = []
    if set(cause.activations) == {"relu"}:
        on = [float(np.mean(v > 0)) for v in cause.sigma_prime if len(v)]
        parts.append(f"ReLU′(z) is 1 where a unit is on and 0 where it is off: {_share(on)} of the values "
                     f"pass the error back unchanged, the rest stop it.")
    else:
        means = [float(v.mean()) for v in cause.sigma_prime if len(v)]
        if means:
            parts.append(f"Mean {symbol}(z) {numbers.number(np.mean(means))} (at most {fraction(cause.bound)}).")
    q, alive = cause.path_quantiles, cause.path_alive
    covered = np.flatnonzero(~np.isnan(q[1])) if q is not None else np.zeros(0, int)
    if len(covered) >= 2:
        first, last = covered[0], covered[-1]
        per_layer = (q[1, first] / q[1, last]) ** (1 / (last - first))
        parts.append(f"Along one path the error is multiplied by about <b>{numbers.number(per_layer, 2)}</b> for each layer it "
                     f"goes back")
        if np.any(alive[covered] < 1):
            ends = ("a ReLU that is off ends a path" if "relu" in cause.activations else
                    f"a unit so saturated that its {symbol}(z) rounds to 0 ends a path")
            parts[-1] += f" (on the paths that carry it: {_share(alive[covered])} of them; {ends})"
        parts[-1] += "."
    elif len(covered) == 1 and hidden == 1:
        parts.append(f"With one hidden layer the error reaching it is the output's times one factor: about "
                     f"<b>{numbers.number(q[1, covered[0]], 2)}</b> along a path. Add layers to see the factors multiply.")
    speeds = cause.relative_speeds
    if hidden > 1 and speeds[-1] > 0 and np.isfinite(speeds).all():
        gain = (speeds[0] / speeds[-1]) ** (1 / (hidden - 1))
        parts.append(f"Summed over all paths (with mixed signs) the measured gradient changes by about "
                     f"<b>{numbers.number(gain, 2)}×</b> for each layer back towards the input.")
    if len(covered) < hidden:
        if len(covered):
            names = ", ".join(str(i + 1) for i in covered)
            parts.append(f"One-path products are drawn for the fully connected layer{'s' if len(covered) > 1 else ''} "
                         f"({names}) only: paths through a convolution's shared filters and pooling are not "
                         f"followed here.")
        else:
            parts.append("One-path products are drawn for plain fully connected layers only.")
    return " ".join(parts)
