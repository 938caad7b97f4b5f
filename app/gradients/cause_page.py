"""Why the gradient vanishes, made visible: per hidden layer the distribution of σ'(zˡ) (never above
1/4 for the sigmoid) and of the factors |w σ'(z)| that BP2 multiplies the error by, and the product
of those factors along the path from a layer to the output."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app import jobs
from app.gradients import plots
from app.gradients.controls import int_spin
from app.gradients.data import when_data_ready
from core import vanishing
from core.network import Network

EXPLANATION = (
    "Backpropagation carries the error back one layer at a time, "
    "δ<sup>l</sup> = σ'(z<sup>l</sup>) ⊙ (w<sup>l+1</sup>)<sup>T</sup> δ<sup>l+1</sup> (BP2): "
    "every layer multiplies it "
    "by factors w σ'(z). For the sigmoid σ'(z) ≤ 1/4, and initial weights are small, so the factors are "
    "mostly well below 1 and the error shrinks geometrically on its way to the first layers."
)

W_LOG_RANGE = (-5.0, 1.0)  # log10 of the factors' axis

SOURCES = [
    ("fresh", "A fresh network (initialisation)"),
    ("experiment", "The book experiment's network, now"),
    ("training", "The Train tab's network, now"),
    ("active", "The active network (Draw tab)"),
]


class CausePage(QWidget):
    """Histograms of σ'(z) and |w σ'(z)| per layer, and products of factors along paths."""

    updated = Signal()  # the plots show a newly analysed network

    def __init__(self, state, experiment=None, parent=None):
        super().__init__(parent)
        self.state = state
        self.experiment = experiment  # the ExperimentPage, whose network can be analysed live
        self.cause: vanishing.Cause | None = None
        self._worker = None
        self._again = False
        self._closed = False

        panel = plots.SidePanel("Why: a product of small factors", EXPLANATION)
        panel.section("Network")
        self.source = QComboBox()
        for key, text in SOURCES:
            self.source.addItem(text, key)
        panel.add(self.source)
        form = panel.form()
        self.depth = int_spin(1, 6, 4, tip="hidden layers of 30 neurons")
        self.activation = QComboBox()
        for name in ("sigmoid", "tanh", "relu"):
            self.activation.addItem(name, name)
        self.init = QComboBox()
        for key, text in (("default", "1/√n_in (the book's)"), ("large", "N(0, 1)"), ("he", "He: √(2/n_in)")):
            self.init.addItem(text, key)
        self.seed = int_spin(0, 99_999, 0)
        self.images = int_spin(10, 10_000, 500, 100, tip="the first n training images")
        self.fresh_rows = [("Hidden layers", self.depth), ("Hidden activation", self.activation),
                           ("Initial weights", self.init), ("Seed", self.seed)]
        for label, box in self.fresh_rows:
            form.addRow(label, box)
        form.addRow("Images", self.images)
        self.form = form
        self.status = panel.status_label()
        panel.section("Reading the plots")
        legend = panel.status_label()
        legend.setText("<span style='color:#8b96a3'>Each violin is one hidden layer's values (its width: how "
                       "many); the white bar spans the middle half, the dot is the median. The lower plot follows "
                       "the error from the output back to layer l: one path multiplies it by one factor per "
                       "layer; the actual gradient sums all paths, whose signs partly cancel.</span>")
        panel.finish()

        self.view = QWidget()
        self.sp_plot = plots.plot_widget("σ'(zˡ) over examples and neurons", "hidden layer l", "σ'(z)", legend=False)
        self.w_plot = plots.plot_widget("Factors |wˡ⁺¹ σ'(zˡ)| that BP2 multiplies by", "hidden layer l",
                                        "|w σ'(z)|", legend=False)
        self.path_plot = plots.plot_widget("From layer l back to the output: the product of the factors",
                                           "hidden layer l", "× output error", log_y=True,
                                           legend_corner="bottom-right")
        self.sp_bound = plots.guide_line(self.sp_plot.getPlotItem(), 0.25, 0, "σ' ≤ 1/4", anchor=(1, 1),
                                         position=0.98)
        self.w_one = plots.guide_line(self.w_plot.getPlotItem(), 0.0, 0, "1: passes the error on unchanged",
                                      anchor=(1, 1), position=0.98)
        self.w_quarter = plots.guide_line(self.w_plot.getPlotItem(), np.log10(0.25), 0, "1/4", anchor=(1, 1),
                                          position=0.98)
        self.sp_violins = plots.Violins(self.sp_plot.getPlotItem())
        self.w_violins = plots.Violins(self.w_plot.getPlotItem())
        lo, hi = W_LOG_RANGE
        self.w_plot.getPlotItem().getAxis("left").setTicks(plots.decade_ticks(10 ** lo, 10 ** hi))
        self.w_plot.getPlotItem().setYRange(*W_LOG_RANGE, padding=0.02)
        path = self.path_plot.getPlotItem()
        band_pen = pg.mkPen(plots.color(0), width=0.5)
        self.path_lo = pg.PlotDataItem([], [], pen=band_pen)
        self.path_hi = pg.PlotDataItem([], [], pen=band_pen)
        fill = pg.mkColor(plots.color(0))
        fill.setAlpha(50)
        self.path_band = pg.FillBetweenItem(self.path_lo, self.path_hi, brush=pg.mkBrush(fill))
        for item in (self.path_lo, self.path_hi, self.path_band):
            path.addItem(item)
        self.path_median = path.plot([], [], pen=pg.mkPen(plots.color(0), width=2), symbol="o", symbolSize=7,
                                     symbolBrush=plots.color(0), name="one path: median product (band: 10–90%)")
        self.path_measured = path.plot([], [], pen=pg.mkPen(plots.color(3), width=2), symbol="s", symbolSize=7,
                                       symbolBrush=plots.color(3), name="all paths together: measured ‖δˡ‖ / ‖δᴸ‖")
        self.path_bound = path.plot([], [], pen=pg.mkPen(plots.GUIDE, width=1.2, style=Qt.PenStyle.DashLine),
                                    name="(1/4)ᵏ, k layers away: the chain's bound when |w| ≤ 1")
        self.caption = QLabel("")
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setStyleSheet("color: #aab4be; padding: 4px 8px;")
        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.sp_plot)
        top.addWidget(self.w_plot)
        right = QVBoxLayout(self.view)
        right.setContentsMargins(6, 6, 6, 6)
        right.addLayout(top, 1)
        right.addWidget(self.path_plot, 1)
        right.addWidget(self.caption)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(panel)
        layout.addWidget(self.view, 1)

        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self.refresh)
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
        if self.source.currentData() == key and self.isVisible():
            self._timer.start()

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
            if net is None:
                return None, "Run the book's experiment first (first sub-tab)."
            epoch = max(self.experiment.last_epoch, 0)
            return net, f"the book experiment's {net.describe()} after {epoch:,} epochs"
        if key == "training":
            net = self.state.training_network
            if net is None:
                return None, "Nothing is training in the Train tab."
            return net, f"the Train tab's {net.describe()}"
        net = self.state.network
        if net is None:
            return None, "There is no active network."
        return net, f"the active network, {net.describe()}"

    # --- analysis ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Analyse the chosen network in the background (at most one analysis at a time)."""
        if self._worker is not None:
            self._again = True
            return
        net, what = self.network()
        if net is None:
            self.status.setText(what)
            return
        self.status.setText(f"Analysing {what}…")
        when_data_ready(self.state, lambda data: self._analyse(net, what, data),
                        lambda m: self.status.setText(f"Cannot load MNIST: {m}"))

    def _analyse(self, net: Network, what: str, data) -> None:
        if self._closed:
            return
        if self._worker is not None:
            self._again = True
            return
        n = self.images.value()
        if int(np.prod(net.input_shape)) != 784:
            self.status.setText(f"{what} does not read 28×28 images.")
            return
        self._worker = jobs.call(
            vanishing.explain, net, data.train.images[:n], data.train.labels[:n], owner=self,
            done=lambda cause: self._show(cause, what), ended=self._finished,
            failed=lambda exc: self.status.setText(f"Cannot analyse {what}: {type(exc).__name__}: {exc}"))

    def _finished(self) -> None:
        self._worker = None
        if self._again:
            self._again = False
            self.refresh()

    def _show(self, cause: vanishing.Cause, what: str) -> None:
        self.cause = cause
        self._draw_histograms(cause)
        self._draw_paths(cause)
        self.status.setText(f"Showing {what}.")
        self.updated.emit()

    def _draw_histograms(self, cause: vanishing.Cause) -> None:
        n = len(cause.sigma_prime)
        x = np.arange(1, n + 1, dtype=float)
        ticks = [[(float(i), str(i)) for i in range(1, n + 1)]]
        top = cause.bound * 1.02
        self.sp_violins.set(x, cause.sigma_prime, 0.0, top)
        self.sp_bound.setValue(cause.bound)
        self.sp_bound.label.setFormat("σ' ≤ 1/4" if cause.bound == 0.25 else f"σ' ≤ {cause.bound:g}")
        lo, hi = W_LOG_RANGE
        self.w_violins.set(x, [np.log10(np.maximum(v, 10 ** lo)) for v in cause.weighted], lo, hi)
        for plot, y_range in ((self.sp_plot, (0, cause.bound * 1.12)), (self.w_plot, W_LOG_RANGE)):
            item = plot.getPlotItem()
            item.getAxis("bottom").setTicks(ticks)
            item.setXRange(0.4, n + 0.6, padding=0)
            item.setYRange(*y_range, padding=0.02)

    def _draw_paths(self, cause: vanishing.Cause) -> None:
        hidden = len(cause.relative_speeds)
        x = np.arange(1, hidden + 1, dtype=float)
        plot = self.path_plot.getPlotItem()
        plot.getAxis("bottom").setTicks([[(float(i), str(i)) for i in range(1, hidden + 1)]])
        plot.setXRange(0.7, hidden + 0.3, padding=0)
        self.path_measured.setData(x, plots.finite_positive(cause.relative_speeds))
        q = cause.path_quantiles
        if q is not None and q.shape[1] == hidden:
            self.path_median.setData(x, plots.finite_positive(q[1]))
            self.path_lo.setData(x, plots.finite_positive(q[0]))
            self.path_hi.setData(x, plots.finite_positive(q[2]))
            self.path_bound.setData(x, 0.25 ** (hidden + 1 - x))
            per_layer = (q[1, 0] / q[1, -1]) ** (1 / max(hidden - 1, 1)) if hidden > 1 else q[1, 0]
        else:
            for item in (self.path_median, self.path_lo, self.path_hi, self.path_bound):
                item.setData([], [])
            per_layer = None
        self._fit_path_range(plot, [cause.relative_speeds] + ([] if q is None else [q, 0.25 ** (hidden + 1 - x)]))
        speeds = cause.relative_speeds
        gain = (speeds[0] / speeds[-1]) ** (1 / (hidden - 1)) if hidden > 1 and speeds[-1] > 0 else None
        sp_mean = np.mean([v.mean() for v in cause.sigma_prime]) if cause.sigma_prime else float("nan")
        text = f"Mean σ'(z) {sp_mean:.3f} (at most {cause.bound:g}). "
        if per_layer is not None and hidden > 1:
            text += (f"Along one path the error is multiplied by about <b>{per_layer:.2g}</b> per layer; "
                     f"summed over the many paths (with mixed signs) the measured gradient changes by about "
                     f"<b>{gain:.2g}×</b> per layer.")
        elif per_layer is not None:
            text += (f"With one hidden layer the error reaching it is the output's times one factor: about "
                     f"<b>{per_layer:.2g}</b> along a path. Add layers to see the factors multiply.")
        elif gain is not None:
            text += f"Layer by layer, the measured gradient changes by about <b>{gain:.2g}×</b>."
        elif q is None:
            text += "Path products are shown for plain fully connected networks only."
        self.caption.setText(text)

    @staticmethod
    def _fit_path_range(plot, values) -> None:
        """A log range over the values with the lowest third left free for the legend (the products
        grow towards the output, so the legend's bottom-right corner is otherwise crowded at layer 1)."""
        v = plots.finite_positive(np.concatenate([np.ravel(a) for a in values]))
        v = v[~np.isnan(v)]
        if v.size == 0:
            return
        lo, hi = np.log10(v.min()), np.log10(v.max())
        span = max(hi - lo, 1.0)
        bottom, top = lo - 0.5 * span, hi + 0.08 * span
        plot.setYRange(bottom, top, padding=0)
        step = max(1, int(np.ceil((top - bottom) / 8)))  # at most ~8 labelled decades, the others ticked
        decades = range(int(np.floor(bottom)), int(np.ceil(top)) + 1)
        major = [(float(k), plots.decade_label(k)) for k in decades if k % step == 0]
        minor = [(float(k), "") for k in decades if k % step]
        plot.getAxis("left").setTicks([major, minor])

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._timer.start()

    def shutdown(self) -> None:
        self._closed = True
        self._timer.stop()
        self._again = False
        jobs.shutdown(self)

    def export_widget(self) -> QWidget:
        return self.view
