"""The book's experiment, one click: deep sigmoid networks trained by full-batch gradient descent,
each hidden layer's speed of learning ‖δˡ‖ plotted against epoch as it trains, and the speeds at
initialisation (ours, over several random initialisations) beside the book's figures."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout

from app import jobs, numbers, theme
from app.gradients import plots
from app.gradients.controls import RunButtons
from app.gradients.data import start_with_data, when_data_ready
from app.gradients.page import Page
from app.gradients.speed_prediction import SpeedPrediction
from app.theme.plots import cache_axes, decade_ticks, plot_widget
from app.widgets.spin_boxes import int_spin, real_spin
from core import vanishing
from core.network import Network

EXPLANATION = (
    "Stack more hidden layers of sigmoid neurons and the early layers barely learn. The speed of "
    "learning of layer <i>l</i> is ‖δ<sup>l</sup>‖, the length of ∂C/∂b<sup>l</sup>. The book measures it on "
    "[784, 30, …, 30, 10] networks trained by full-batch gradient descent on the first 1,000 training "
    "images (η = 0.1, λ = 5.0, 500 epochs); each step below is one pass over all of them."
)


PROMPT = "Press <b>Run</b> to train; each curve is one hidden layer."
LEGEND_MARGIN = 12  # pixels between the bars' legend and the highest bar (with its corner's inset)


class ExperimentPage(Page):
    """Speeds of learning of the book's deep networks, live, and at initialisation."""

    snapshot_changed = Signal()  # a newer copy of the experiment's weights is available
    run_finished = Signal(str)  # "completed", "stopped", a divergence message or an error
    initial_ready = Signal()  # the bars at initialisation were (re)computed

    def __init__(self, state, parent=None):
        super().__init__("The vanishing gradient", EXPLANATION, parent)
        self.state = state
        self.worker: jobs.Loop | None = None
        self.net_shape: tuple[int, int] | None = None  # (depth, width) of the last run
        self.weights: list[dict[str, np.ndarray]] | None = None
        self.speeds = np.zeros((0, 0))
        self.costs = np.zeros(0)
        self.last_epoch = -1
        self.initial: np.ndarray | None = None  # (seeds, depth) speeds at initialisation
        self._initial_worker = None
        self._initial_again = False
        self._closed = False

        panel = self.panel
        panel.section("Network and training")
        form = panel.form()
        self.depth = int_spin(1, 6, 4, tip="hidden layers of the [784, 30, …, 30, 10] network")
        self.width = int_spin(2, 200, 30, tip="neurons in each hidden layer (the book: 30)")
        self.images = int_spin(10, 50_000, 1000, 100, tip="the first n training images; one step uses them all")
        self.eta = real_spin(0.001, 20.0, 0.1, 0.05, tip="learning rate η")
        self.lmbda = real_spin(0.0, 100.0, 5.0, 0.5, tip="L2 regularisation λ")
        self.epochs = int_spin(1, 10_000, 500, 50, tip="steps of full-batch gradient descent")
        self.seed = int_spin(0, 99_999, 0, tip="random initialisation of the trained network")
        for label, box in (("Hidden layers", self.depth), ("Neurons per layer", self.width),
                           ("Training images", self.images), ("Learning rate η", self.eta),
                           ("Regularisation λ", self.lmbda), ("Epochs", self.epochs), ("Seed", self.seed)):
            form.addRow(label, box)
        self.buttons = panel.add(RunButtons("Run"))
        self.status = panel.status_label()
        panel.section("At initialisation")
        form2 = panel.form()
        self.n_seeds = int_spin(1, 50, 10, tip="random initialisations averaged for the bars")
        form2.addRow("Seeds averaged", self.n_seeds)
        self.initial_note = panel.status_label()
        panel.finish()

        # --- the plots -------------------------------------------------------------------------------
        self.curve_plot = plot_widget("Speed of learning ‖δˡ‖ during training", "epoch", "‖∂C/∂bˡ‖", log_y=True,
                                      legend="top-right")
        self.bar_plot = plot_widget("At initialisation: ours vs the book", "hidden layer", "‖∂C/∂bˡ‖", log_y=True,
                                    legend="top-left")
        self.curves: list[pg.PlotDataItem] = []
        self.fit_curves = plots.FittedView(self.curve_plot.getPlotItem(), x=False, keep=True, decades=True)
        cache_axes(self.curve_plot.getPlotItem())  # (redrawn ten times a second while it trains: axes blitted)
        bars = self.bar_plot.getPlotItem()
        self.our_bars = plots.LogBars(bars, plots.color(0), "ours: mean of the seeds (±1 sd)", width=0.33)
        self.book_bars = plots.LogBars(bars, theme.REFERENCE, "the book (one network)", width=0.33, fill_alpha=230)
        self.error_bars = pg.ErrorBarItem(x=np.zeros(1), y=np.zeros(1), top=np.zeros(1), bottom=np.zeros(1), beam=0.12,
                                          pen=pg.mkPen(theme.TEXT_STRONG, width=1.2))
        self.error_bars.setVisible(False)
        bars.addItem(self.error_bars)
        self._bar_span: tuple[float, float] | None = None  # log10 of the floor and of the highest bar
        bars.vb.sigResized.connect(self._fit_bars)
        self.values = QLabel("")  # the bars' numbers, ours beside the book's: labels on the bars would collide
        self.values.setTextFormat(Qt.TextFormat.RichText)
        self.values.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.values.setStyleSheet(theme.text_style(theme.TEXT_SOFT, theme.FONT_SMALL, extra="padding: 2px 0;"))
        plots_row = QHBoxLayout()
        plots_row.setSpacing(6)
        bar_column = QVBoxLayout()
        bar_column.setSpacing(2)
        bar_column.addWidget(self.bar_plot, 1)
        bar_column.addWidget(self.values)
        plots_row.addWidget(self.curve_plot, 5)
        plots_row.addLayout(bar_column, 4)
        self.view_layout.addLayout(plots_row, 1)
        self.caption = self.add_caption(reserve=[caption_text(6, 12_345.6, 10_000, 12_345.6)])
        self.prediction = SpeedPrediction(self)  # predict, then reveal (optional)
        self.view_layout.addWidget(self.prediction)

        self.buttons.run_clicked.connect(self.start)
        self._initial_timer = QTimer(self, singleShot=True, interval=250)
        self._initial_timer.timeout.connect(self.compute_initial)
        for box in (self.depth, self.width, self.images, self.n_seeds):
            box.valueChanged.connect(self._initial_timer.start)
        self.depth.valueChanged.connect(self._depth_changed)
        self._set_layers(self.depth.value())
        self.curve_plot.getPlotItem().setRange(xRange=(0, self.epochs.value()), yRange=(-5, 0), padding=0)
        self.status.setText(PROMPT)
        self.status.setMinimumHeight(3 * self.status.fontMetrics().lineSpacing())  # its messages: no jump below
        self._show_empty_bars()

    # --- running -----------------------------------------------------------------------------------
    def config(self):
        return replace(vanishing.BOOK_CONFIG, epochs=self.epochs.value(), eta=self.eta.value(),
                       lmbda=self.lmbda.value(), train_size=self.images.value(), seed=self.seed.value())

    def start(self) -> None:
        """Build the network and train it in the background (MNIST loads first if needed)."""
        if self.running:
            return
        start_with_data(self.state, self.buttons, self.status, self._start_with)

    def _start_with(self, data) -> None:
        if self.running or self._closed:
            return
        depth, width = self.depth.value(), self.width.value()
        try:
            config = self.config()
            net = vanishing.deep_net(depth, width, seed=self.seed.value())
        except ValueError as exc:
            self.buttons.set_state("idle")
            self.status.setText(theme.coloured(str(exc), theme.ERROR))
            return
        self.net_shape, self.weights = (depth, width), None  # (the last run's weights fit another shape)
        self._set_layers(depth)
        for curve in self.curves:
            curve.setData([], [])
        epochs = config.epochs
        self.speeds = np.full((depth, epochs + 1), np.nan)
        self.costs = np.full(epochs + 1, np.nan)
        self.last_epoch = -1
        self.curve_plot.getPlotItem().setXRange(0, epochs, padding=0.02)
        held_out = data.validation
        self.worker = jobs.Loop(lambda: vanishing.train_speeds([net], data, config, held_out, which=("speeds",)),
                                snapshot=lambda: [{k: v.copy() for k, v in l.params.items()} for l in net.layers],
                                owner=self)
        self.worker.on(self.worker.reported, self._on_records)
        self.status.setText(f"Training {net.describe()} on {min(config.train_size, len(data.train)):,} images…")
        self.buttons.drive(self.worker, ended=self._on_finished)

    @property
    def running(self) -> bool:
        return self.worker is not None

    def shutdown(self) -> None:
        self._closed = True  # no new work once the window is closing
        self._initial_timer.stop()
        self._initial_again = False
        jobs.shutdown(self)

    # --- records -----------------------------------------------------------------------------------
    def _on_records(self, records, weights) -> None:
        self.weights = weights
        self.snapshot_changed.emit()
        self.buttons.hold_frame()  # the run's thread waits while this is drawn
        done = None
        for r in records:
            if isinstance(r, vanishing.SpeedRecord):
                self.speeds[:, r.epoch] = r.speeds
                self.costs[r.epoch] = r.cost
                self.last_epoch = max(self.last_epoch, r.epoch)
            elif isinstance(r, vanishing.VariantDone):
                done = r
        self._redraw()
        if done is not None:
            self._report_done(done)
        elif self.last_epoch >= 0:
            epochs = self.speeds.shape[1] - 1
            left = self.buttons.clock.text(self.last_epoch, epochs)
            self.status.setText(f"Epoch {self.last_epoch:,} of {epochs:,} · training cost "
                                f"{numbers.number(self.costs[self.last_epoch], 4)}" + (f" · {left}" if left else ""))

    def _redraw(self) -> None:
        n = self.last_epoch + 1
        if n <= 0:
            return
        x = np.arange(n, dtype=np.float64)
        for layer, curve in enumerate(self.curves):
            curve.setData(x, plots.finite_positive(self.speeds[layer, :n]), connect="finite")
        self.fit_curves()  # (the legend to a corner free of curves)
        self._update_caption()

    def _update_caption(self) -> None:
        if self.last_epoch < 0 or self.speeds.shape[0] < 2:
            self.caption.setText("")
            return
        first, last = self.speeds[0], self.speeds[-1]
        self.caption.setText(caption_text(self.speeds.shape[0], last[0] / first[0], self.last_epoch,
                                          last[self.last_epoch] / first[self.last_epoch]))

    def _report_done(self, done: vanishing.VariantDone) -> None:
        if done.diverged:
            self.status.setText(theme.coloured(done.reason, theme.ERROR))
            return
        acc = f" · validation accuracy {numbers.percent(done.accuracy, 1)}" if done.accuracy is not None else ""
        chance = done.accuracy is not None and done.accuracy < 0.2
        if chance:
            acc += " (about chance: the experiment is about the speeds)"
        self.status.setToolTip("In so few small steps the output layer learns little more than that each digit is "
                               "one in ten." if chance else "")
        self.status.setText(f"Done: {done.epochs:,} epochs · training cost "
                            f"{numbers.number(self.costs[self.last_epoch], 4)}{acc}")

    def _on_finished(self, reason: str) -> None:
        self.worker = None
        if reason == "stopped":
            self.status.setText(f"Stopped after {max(self.last_epoch, 0):,} epochs.")
        elif reason.startswith("error"):
            self.status.setText(theme.coloured(reason, theme.ERROR))
        self.run_finished.emit(reason)

    def network(self) -> Network | None:
        """A copy of the experiment's network at its latest snapshot (None before any run)."""
        if self.weights is None or self.net_shape is None:
            return None
        net = vanishing.deep_net(*self.net_shape)
        for layer, params in zip(net.layers, self.weights):
            for k, v in params.items():
                layer.params[k][...] = v
        return net

    # --- curves and bars ---------------------------------------------------------------------------
    def _depth_changed(self, depth: int) -> None:
        """Between runs, a new depth: empty curves for its layers, and no words left about the last
        run's curves, which are gone (its network stays for the Why page)."""
        if self.running or len(self.curves) == depth:
            return
        self._set_layers(depth)
        self.caption.setText("")
        self.status.setToolTip("")
        self.status.setText(PROMPT)

    def _set_layers(self, depth: int) -> None:
        """One curve per hidden layer, colours matching the bars and the other pages."""
        plot = self.curve_plot.getPlotItem()
        if len(self.curves) == depth:
            return
        for curve in self.curves:
            plot.removeItem(curve)
        self.curves = [plot.plot([], [], pen=pg.mkPen(plots.color(i), width=2), name=f"hidden layer {i + 1}")
                       for i in range(depth)]
        for curve in self.curves:  # (a run of 10,000 epochs: each extreme kept, ~2 points a pixel drawn)
            curve.setDownsampling(auto=True, method="peak")

    def compute_initial(self) -> None:
        """Average the speeds at initialisation over several seeds (in the background)."""
        if self._initial_worker is not None:
            self._initial_again = True
            return
        self.initial_note.setText("Measuring…")
        when_data_ready(self.state, self._compute_initial_with, lambda m: self.initial_note.setText(m))

    def _compute_initial_with(self, data) -> None:
        if self._closed:
            return
        if self._initial_worker is not None:
            self._initial_again = True
            return
        depth, width, n, seeds = self.depth.value(), self.width.value(), self.images.value(), self.n_seeds.value()
        images, labels = data.train.images[:n], data.train.labels[:n]
        self._initial_worker = jobs.call(
            vanishing.initial_speeds, depth, images, labels, seeds=range(seeds), width=width, owner=self,
            done=lambda result: self._initial_done(result, depth, width, len(labels)),
            failed=lambda exc: self.initial_note.setText(f"Cannot measure: {type(exc).__name__}: {exc}"),
            ended=self._initial_finished)

    def _initial_finished(self) -> None:
        self._initial_worker = None
        if self._initial_again:
            self._initial_again = False
            self.compute_initial()

    def _show_empty_bars(self) -> None:
        """Before the speeds at initialisation are measured: the axes they will have (and no legend
        entries for bars not drawn)."""
        self.our_bars.show_in_legend(False)
        self.book_bars.show_in_legend(False)
        plot = self.bar_plot.getPlotItem()
        depth = self.depth.value()
        plot.getAxis("bottom").setTicks([[(float(i), str(i)) for i in range(1, depth + 1)]])
        plot.getAxis("left").setTicks(decade_ticks(1e-3, 1.0))
        plot.setRange(xRange=(0.4, depth + 0.6), yRange=(-3.04, 0.6), padding=0)

    def _initial_done(self, speeds: np.ndarray, depth: int, width: int, n: int) -> None:
        self.initial = speeds
        mean, sd = speeds.mean(axis=0), speeds.std(axis=0)
        book = vanishing.BOOK_INITIAL_SPEEDS.get(depth) if width == 30 else None
        x = np.arange(1, depth + 1, dtype=float)
        values = list(mean) + (list(book) if book else [])
        floor = 10 ** np.floor(np.log10(max(min(values), 1e-12)) - 0.3)
        plot = self.bar_plot.getPlotItem()
        self.our_bars.set(x - (0.19 if book else 0), mean, floor)
        self.book_bars.set(x + 0.19, book if book else [], floor)
        self.our_bars.show_in_legend(True)
        self.book_bars.show_in_legend(bool(book))
        self.our_bars.rename(f"ours: mean of {len(speeds)} seeds (±1 sd)" if len(speeds) > 1 else "ours: one seed")
        lo, hi = np.maximum(mean - sd, mean * 0.05), mean + sd
        self.error_bars.setData(x=x - (0.19 if book else 0), top=np.log10(hi) - np.log10(mean),
                                bottom=np.log10(mean) - np.log10(lo), y=np.log10(mean))
        self.error_bars.setVisible(len(speeds) > 1)
        self.values.setText(values_table(mean, sd, book))
        plot.getAxis("bottom").setTicks([[(float(i), str(i)) for i in range(1, depth + 1)]])
        plot.getAxis("left").setTicks(decade_ticks(floor, max(values) * 3))
        plot.setXRange(0.4, depth + 0.6, padding=0)
        self._bar_span = (np.log10(floor) - 0.04, float(np.log10(max(values + list(hi)))))
        self._fit_bars()
        note = (f"Ours: {len(speeds)} random initialisations (bar = mean, line = ±1 sd), gradient over the "
                f"first {n:,} training images.")
        if book:
            note += " The book's: one network, 1,000 images."
        elif width != 30:
            note += " The book's figures are for 30 neurons per layer."
        else:
            note += " The book gives figures for 2, 3 and 4 hidden layers."
        self.initial_note.setText(theme.coloured(note, theme.MUTED))
        self.initial_ready.emit()

    def _fit_bars(self, *_) -> None:
        """The bars' y range: from the floor to above the highest bar by as much as the legend needs
        (in pixels, so at any size of the plot the legend sits over no bar)."""
        if self._bar_span is None:
            return
        plot = self.bar_plot.getPlotItem()
        low, high = self._bar_span
        room = plot.legend.boundingRect().height() + 2 * LEGEND_MARGIN
        share = min(room / max(plot.vb.height(), 1.0), 0.6)
        plot.setYRange(low, high + (high - low) * share / (1 - share) + 0.05, padding=0)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.initial is None and self._initial_worker is None:
            self.compute_initial()


def caption_text(depth: int, start: float, epoch: int, now: float) -> str:
    """What the curves say: how many times more slowly the first hidden layer learns than the last, at
    the start and after ``epoch`` epochs."""
    return (f"At the start, hidden layer 1 learns <b>{numbers.number(start)}×</b> more slowly than hidden layer {depth}; "
            f"after {epoch:,} epochs, <b>{numbers.number(now)}×</b>. Each layer back from the output multiplies "
            f"the gradient by a factor w σ'(z), and σ'(z) ≤ 1/4: see <i>Why</i>.")


def values_table(mean: np.ndarray, sd: np.ndarray, book) -> str:
    """The speeds at initialisation as a small table, one column per hidden layer: ours (mean and
    standard deviation over the seeds) and, when the book gives them, the book's."""
    def row(name: str, colour: str, cells) -> str:
        tds = "".join(f"<td align='right' style='padding: 0 5px'>{c}</td>" for c in cells)
        return f"<tr><td style='color:{colour}; padding-right: 6px'>{name}</td>{tds}</tr>"

    rows = [row("layer", theme.MUTED, range(1, len(mean) + 1)),
            row("ours", plots.color(0), [plots.value_text(v) for v in mean])]
    if len(mean) and np.any(sd > 0):
        rows.append(row("± sd", theme.MUTED, [plots.value_text(v) for v in sd]))
    if book:
        rows.append(row("book", theme.REFERENCE, [numbers.exact(v) for v in book]))  # as the book prints them
    return f"<table cellspacing='0' align='center'>{''.join(rows)}</table>"
