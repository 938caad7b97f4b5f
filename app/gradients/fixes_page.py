"""Fixes, side by side (beyond the book): the same deep network with other activations, other
initial weights, batch normalisation or residual connections, trained together on the book's
footing, their speeds of learning overlaid."""
from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (QCheckBox, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QTableWidget, QTableWidgetItem, QWidget)

from app import jobs, numbers, theme
from app.gradients import plots
from app.gradients.controls import RunButtons
from app.gradients.data import start_with_data
from app.gradients.page import Page, choice
from app.theme.plots import cache_axes, plot_widget, set_axis_label
from app.theme.styles import WELL
from app.time_left import duration
from app.widgets.spin_boxes import int_spin, real_spin
from core import vanishing

EXPLANATION = (
    "The same [784, 30, …, 30, 10] network, trained the book's way, built differently. Tick the ones "
    "to compare; their speeds train side by side, one epoch each in turn."
)
MEASURES = [("errors", "‖δˡ‖ per example (mean)"), ("speeds", "‖∂C/∂bˡ‖ (the book's)"),
            ("weights", "‖∂C/∂wˡ‖")]
CAPTION = (
    "The closer a network's two lines, the more evenly its layers learn. For plain networks ‖δˡ‖ per example "
    "tells the same story as the book's ‖∂C/∂bˡ‖; with batch norm ‖∂C/∂bˡ‖ is small by construction before "
    "another batch-norm layer (its backward pass removes the batch mean), so the error per example is the fair "
    "comparison.")
COLUMNS = ["network", "layer 1 ÷ last, start", "layer 1 ÷ last, now", "training cost", "validation accuracy"]


variant_color = theme.series  # one colour per network, as in the other pages' series
REPORT_INTERVAL = 0.25  # seconds between two redraws of the curves while the networks train (~20 s a run)
FULL_INTERVAL = 1.0  # ... and of the profiles and the table
PROFILES_DELAY_MS = 30  # after the curves: a turn of the event loop (and a repaint) of their own
TABLE = (f"QTableWidget {{ background: {theme.BASE}; gridline-color: {theme.BORDER}; border: none; }}"
         f"QHeaderView::section {{ background: {theme.SURFACE}; color: {theme.MUTED}; border: none; padding: 3px; }}")


class FixesPage(Page):
    """Variants of the deep network, their speed curves overlaid, and a table of the outcome."""

    run_finished = Signal(str)
    redrawn = Signal()

    def __init__(self, state, parent=None):
        super().__init__("Fixes, side by side", EXPLANATION, parent)
        self.state = state
        self.worker: jobs.Loop | None = None
        self.variants: list[vanishing.Variant] = []  # of the current run, in colour order
        self.data: dict[str, np.ndarray] = {}  # measure -> (variants, depth, epochs + 1)
        self.costs = np.zeros((0, 0))
        self.last_epoch = np.zeros(0, int)
        self.done: dict[int, vanishing.VariantDone] = {}
        self._closed = False
        self._last_full = 0.0  # when the profiles and the table were last redrawn
        self._profiles_timer = QTimer(self, singleShot=True, interval=PROFILES_DELAY_MS)
        self._profiles_timer.timeout.connect(self._draw_profiles)

        panel = self.panel
        self.list = QListWidget()
        self.list.setStyleSheet(f"QListWidget {{ {WELL} }}")
        for variant in vanishing.FIXES:
            self._add_item(variant, checked=True)
        self.list.setFixedHeight(6 * 21 + 8)
        panel.add(self.list)
        # Run and what the run says right under the networks, visible without scrolling in a short
        # window; what to plot, how to add a network and the training's settings below them
        self.buttons = panel.add(RunButtons("Run the comparison"))
        self.status = panel.status_label()
        self.status.setMinimumHeight(2 * self.status.fontMetrics().lineSpacing())  # its messages: no jump below
        panel.section("Plot")
        self.measure = panel.add(choice(MEASURES))
        panel.section("Add a network")
        builder = QGridLayout()
        builder.setContentsMargins(0, 0, 0, 0)
        builder.setHorizontalSpacing(6)
        self.new_activation = choice(("sigmoid", "tanh", "relu"))
        self.new_init = choice([("default", "1/√n_in"), ("large", "N(0, 1)"), ("he", "He")])
        self.new_bn = QCheckBox("batch norm")
        self.new_residual = QCheckBox("residual")
        self.add_button = QPushButton("Add")
        builder.addWidget(self.new_activation, 0, 0)
        builder.addWidget(self.new_init, 0, 1, 1, 2)
        builder.addWidget(self.new_bn, 1, 0)
        builder.addWidget(self.new_residual, 1, 1)
        builder.addWidget(self.add_button, 1, 2)  # (three in a row would not fit the panel's width)
        holder = QWidget()
        holder.setLayout(builder)
        panel.add(holder)
        panel.section("Training (full batch)")
        form = panel.form()
        self.depth = int_spin(2, 6, 4, tip="hidden layers of 30 neurons")
        self.epochs = int_spin(1, 10_000, 500, 50)
        self.eta = real_spin(0.001, 20.0, 0.1, 0.05)
        self.lmbda = real_spin(0.0, 100.0, 5.0, 0.5)
        self.images = int_spin(10, 50_000, 1000, 100)
        self.seed = int_spin(0, 99_999, 0)
        for label, box, tip in (("Hidden layers", self.depth, ""), ("Epochs", self.epochs, ""),
                                ("η", self.eta, "learning rate"), ("λ", self.lmbda, "L2 regularisation"),
                                ("Images", self.images, "the first n training images (full batch)"),
                                ("Seed", self.seed, "random initialisation")):
            form.addRow(label, box)
            if tip:
                box.setToolTip(tip)
        panel.finish()

        self.curve_plot = plot_widget("Layer 1 (solid) and the last hidden layer (dashed)", "epoch", "speed",
                                      log_y=True)
        self.profile_plot = plot_widget("Each layer ÷ the last, now", "hidden layer", "÷ last hidden layer (1: as fast)",
                                        log_y=True)
        plots.guide_line(self.profile_plot.getPlotItem(), 0.0, 0, "", position=0.02)  # 1: as fast as the last
        self.fit_curves = plots.FittedView(self.curve_plot.getPlotItem(), x=False, keep=True, decades=True)
        self.fit_profiles = plots.FittedView(self.profile_plot.getPlotItem(), x=False, keep=True, include_y=[1.0],
                                             decades=True)
        for plot in (self.curve_plot, self.profile_plot):
            cache_axes(plot.getPlotItem())  # a data update repaints a pixmap of the axes and grid, not them
        self.curves: list[tuple[pg.PlotDataItem, pg.PlotDataItem]] = []
        self.profiles: list[pg.PlotDataItem] = []
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setStyleSheet(TABLE)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setFixedHeight(6 * 22 + 30)
        self.legend = QLabel()  # which colour is which network, and which line which layer: over no data
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setStyleSheet(theme.text_style(theme.TEXT, theme.FONT_SMALL, extra="padding: 0 8px;"))
        self.legend.setMinimumHeight(2 * self.legend.fontMetrics().lineSpacing() + 2)
        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.curve_plot, 3)
        top.addWidget(self.profile_plot, 2)
        self.view_layout.addWidget(self.legend)
        self.view_layout.addLayout(top, 1)
        self.caption = self.add_caption(CAPTION)
        self.view_layout.addWidget(self.table)

        self.add_button.clicked.connect(self.add_variant)
        self.measure.currentIndexChanged.connect(self._measure_changed)
        self.buttons.run_clicked.connect(self.start)
        self.status.setText("Press <b>Run</b>: the ticked networks train together.")
        self.list.itemChanged.connect(lambda _item: self._paint_swatches() if self.worker is None else None)
        self._show_empty_axes()

    def _show_empty_axes(self) -> None:
        """Before any run: the axes the curves will fill, and each ticked network's colour."""
        self.curve_plot.getPlotItem().setRange(xRange=(0, self.epochs.value()), yRange=(-3, 0.5), padding=0)
        profile = self.profile_plot.getPlotItem()
        depth = self.depth.value()
        profile.getAxis("bottom").setTicks([[(float(i), str(i)) for i in range(1, depth + 1)]])
        profile.setRange(xRange=(0.8, depth + 0.2), yRange=(-2.2, 0.6), padding=0)
        set_axis_label(self.curve_plot.getPlotItem(), "left", self.measure.currentText())
        self._paint_swatches()

    # --- the list of variants ------------------------------------------------------------------------
    def _add_item(self, variant: vanishing.Variant, checked: bool) -> QListWidgetItem:
        item = QListWidgetItem(variant.label)
        item.setData(Qt.ItemDataRole.UserRole, variant)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.list.addItem(item)
        return item

    def add_variant(self) -> vanishing.Variant | None:
        """Add (and tick) the variant described by the builder row, unless it is already listed."""
        variant = vanishing.Variant(self.new_activation.currentData(), self.new_init.currentData(),
                                    self.new_bn.isChecked(), self.new_residual.isChecked())
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == variant:
                item.setCheckState(Qt.CheckState.Checked)
                self.status.setText(f"“{variant.label}” is already in the list (ticked).")
                return None
        self._add_item(variant, checked=True)
        self.list.scrollToBottom()
        return variant

    def checked_variants(self) -> list[vanishing.Variant]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def _paint_swatches(self) -> None:
        """Colour each item like its curves (those of the last run, or, before one, the ticked ones in
        the order they will get); the others get no swatch."""
        order = self.variants if self.variants else self.checked_variants()
        colour_of = {v: variant_color(i) for i, v in enumerate(order)}
        blocked = self.list.blockSignals(True)  # a new icon is an item change too
        for i in range(self.list.count()):
            item = self.list.item(i)
            colour = colour_of.get(item.data(Qt.ItemDataRole.UserRole))
            pix = QPixmap(12, 12)
            pix.fill(QColor(colour) if colour else QColor(0, 0, 0, 0))
            item.setIcon(QIcon(pix))
        self.list.blockSignals(blocked)
        if not self.variants:  # before a first run the table lists what will train
            self._fill_table(order)
        self.legend.setText(legend_html([(v.label, variant_color(i)) for i, v in enumerate(order)]))

    def _fill_table(self, variants: list[vanishing.Variant]) -> None:
        self.table.setRowCount(len(variants))
        for row, v in enumerate(variants):
            item = QTableWidgetItem(v.label)
            item.setForeground(QColor(variant_color(row)))
            self.table.setItem(row, 0, item)
            for col in range(1, len(COLUMNS)):
                self.table.setItem(row, col, QTableWidgetItem("–"))

    # --- running -----------------------------------------------------------------------------------
    def start(self) -> None:
        if self.worker is not None:
            return
        if not self.checked_variants():
            self.status.setText(theme.coloured("Tick at least one network to train.", theme.ERROR))
            return
        start_with_data(self.state, self.buttons, self.status, self._start_with)

    def _start_with(self, data) -> None:
        if self.worker is not None or self._closed:
            return
        variants = self.checked_variants()
        depth = self.depth.value()
        try:
            config = replace(vanishing.BOOK_CONFIG, epochs=self.epochs.value(), eta=self.eta.value(),
                             lmbda=self.lmbda.value(), train_size=self.images.value(), seed=self.seed.value())
            nets = [v.build(depth, seed=self.seed.value()) for v in variants]
        except ValueError as exc:
            self.status.setText(theme.coloured(str(exc), theme.ERROR))
            return
        self.variants = variants
        k, e = len(variants), config.epochs
        self.data = {key: np.full((k, depth, e + 1), np.nan) for key, _ in MEASURES}
        self.costs = np.full((k, e + 1), np.nan)
        self.last_epoch = np.full(k, -1)
        self.done = {}
        self._make_curves(depth)
        self._paint_swatches()
        self.curve_plot.getPlotItem().setXRange(0, e, padding=0.02)
        self._fill_table(variants)
        held_out = data.validation
        self.worker = jobs.Loop(lambda: vanishing.train_speeds(nets, data, config, held_out), owner=self,
                                interval=REPORT_INTERVAL)
        self.worker.on(self.worker.reported, self._on_records)
        self.status.setText(f"Training {k} networks, {depth} hidden layers each…")
        self.buttons.drive(self.worker, ended=self._on_finished)

    def shutdown(self) -> None:
        self._closed = True  # no new work once the window is closing
        jobs.shutdown(self)

    def _on_records(self, records, _snapshot) -> None:
        for r in records:
            if isinstance(r, vanishing.SpeedRecord):
                for key, _ in MEASURES:
                    self.data[key][r.variant, :, r.epoch] = getattr(r, key)
                self.costs[r.variant, r.epoch] = r.cost
                self.last_epoch[r.variant] = max(self.last_epoch[r.variant], r.epoch)
            elif isinstance(r, vanishing.VariantDone):
                self.done[r.variant] = r
        self.buttons.hold_frame()  # the run's thread waits while this is drawn
        self._draw_curves()
        due = time.monotonic() - self._last_full >= FULL_INTERVAL
        if (due or any(isinstance(r, vanishing.VariantDone) for r in records)) and not self._profiles_timer.isActive():
            self._profiles_timer.start()
        if self.worker is not None:
            self.status.setText(self.progress_text())

    def epochs_done(self) -> tuple[int, int]:
        """(epochs trained, epochs the run will have trained) over every network: one that stopped
        early (diverged) counts as done."""
        epochs = self.costs.shape[1] - 1
        done = np.clip(self.last_epoch, 0, None)
        total = np.array([self.done[i].epochs if i in self.done else epochs for i in range(len(done))])
        return int(done.sum()), int(total.sum())

    def progress_text(self) -> str:
        epoch = max(int(self.last_epoch.min()), 0) if len(self.last_epoch) else 0
        left = self.buttons.clock.text(*self.epochs_done())
        return f"Epoch {epoch:,} of {self.costs.shape[1] - 1:,}" + (f" · {left}" if left else "…")

    def _on_finished(self, reason: str) -> None:
        self.worker = None
        diverged = [self.variants[i].label for i, d in self.done.items() if d.diverged]
        if reason == "completed":
            text = f"Done: {self.costs.shape[1] - 1:,} epochs each, in {duration(self.buttons.clock.elapsed)}."
            if diverged:
                text += f" Diverged: {', '.join(diverged)}."
        elif reason == "stopped":  # (as the experiment's page says it; the table's "now" is each one's epoch)
            epoch = max(int(self.last_epoch.min()), 0) if len(self.last_epoch) else 0
            text = f"Stopped after {epoch:,} epochs, in {duration(self.buttons.clock.elapsed)}."
        else:
            text = theme.coloured(reason, theme.ERROR)
        self.status.setText(text)
        self._redraw()
        self.run_finished.emit(reason)

    # --- drawing -----------------------------------------------------------------------------------
    def _make_curves(self, depth: int) -> None:
        plot, profile = self.curve_plot.getPlotItem(), self.profile_plot.getPlotItem()
        for first, last in self.curves:
            plot.removeItem(first)
            plot.removeItem(last)
        for item in self.profiles:
            profile.removeItem(item)
        self.curves, self.profiles = [], []
        for i, v in enumerate(self.variants):
            c = variant_color(i)
            first = plot.plot([], [], pen=pg.mkPen(c, width=2), name=f"{v.label}: layer 1")  # (names: the read-out's)
            last = plot.plot([], [], pen=pg.mkPen(c, width=1.5, style=Qt.PenStyle.DashLine), name=f"{v.label}: last")
            self.curves.append((first, last))
            self.profiles.append(profile.plot([], [], pen=pg.mkPen(c, width=2), symbol="o", symbolSize=6,
                                              symbolBrush=c, symbolPen=None, name=v.label))
        profile.getAxis("bottom").setTicks([[(float(i), str(i)) for i in range(1, depth + 1)]])
        profile.setXRange(0.8, depth + 0.2, padding=0)

    def _measure_changed(self) -> None:
        set_axis_label(self.curve_plot.getPlotItem(), "left", dict(MEASURES)[self.measure.currentData()])
        self._redraw()

    def _redraw(self) -> None:
        """Draw what was recorded: the curves, then the profiles and the table."""
        self._draw_curves()
        self._draw_profiles()

    def _draw_curves(self) -> None:
        if not self.variants:
            return
        values = self.data[self.measure.currentData()]
        for i, (first, last) in enumerate(self.curves):
            n = int(self.last_epoch[i]) + 1
            if n > 0:
                x = np.arange(n, dtype=float)
                first.setData(x, plots.finite_positive(values[i, 0, :n]), connect="finite")
                last.setData(x, plots.finite_positive(values[i, -1, :n]), connect="finite")
        self.fit_curves()  # (the range changes only when a curve would leave it)
        self.redrawn.emit()

    def _draw_profiles(self) -> None:
        """Each network's layers ÷ the last, now, and the table (while a run goes on, at most once a
        second and on a turn of the event loop of their own: each turn's work stays small)."""
        self._last_full = time.monotonic()
        if not self.variants:
            return
        values = self.data[self.measure.currentData()]
        x_layers = np.arange(1, values.shape[1] + 1, dtype=float)
        for i, profile in enumerate(self.profiles):
            n = int(self.last_epoch[i]) + 1
            if n > 0:
                now = values[i, :, n - 1]
                profile.setData(x_layers, plots.finite_positive(now / now[-1]))
                self._table_row(i, values[i], n - 1)
        self.fit_profiles()

    def _table_row(self, row: int, values: np.ndarray, epoch: int) -> None:
        start, now = values[0, 0] / values[-1, 0], values[0, epoch] / values[-1, epoch]
        self.table.item(row, 1).setText(numbers.number(start, 2))
        self.table.item(row, 2).setText(numbers.number(now, 2) + f"  (epoch {epoch:,})")
        self.table.item(row, 3).setText(numbers.number(self.costs[row, epoch], 4))
        done = self.done.get(row)
        if done is not None:
            text = "diverged" if done.diverged else numbers.percent(done.accuracy, 1) if done.accuracy is not None else "–"
            self.table.item(row, 4).setText(text)
            if done.diverged:
                self.table.item(row, 4).setToolTip(done.reason)


def legend_html(entries: list[tuple[str, str]]) -> str:
    """The curve plot's legend as one wrapped line: a swatch and the name of each network (label,
    colour), then which line is which layer."""
    def item(swatch: str, text: str, colour: str) -> str:
        return (f"<span style='white-space: nowrap'><span style='color:{colour}'>{swatch}</span>&nbsp;{text}</span>"
                f" &nbsp; ")
    networks = "".join(item("━━", label, colour) for label, colour in entries)
    lines = item("━━", "hidden layer 1", theme.TEXT) + item("╍╍", "the last hidden layer", theme.TEXT)
    return networks + f"<span style='color:{theme.MUTED}'>│</span> &nbsp; " + lines
