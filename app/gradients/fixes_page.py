"""Fixes, side by side (beyond the book): the same deep network with other activations, other
initial weights, batch normalisation or residual connections, trained together on the book's
footing, their speeds of learning overlaid."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QHeaderView, QLabel,
                               QListWidget, QListWidgetItem, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from app import jobs
from app.gradients import plots
from app.gradients.controls import RunButtons, int_spin, real_spin
from app.gradients.data import start_with_data
from core import vanishing

EXPLANATION = (
    "The same [784, 30, …, 30, 10] network, trained the book's way, built differently. Tick the ones "
    "to compare; their speeds train side by side, one epoch each in turn."
)
MEASURES = [("errors", "‖δˡ‖ per example (mean)"), ("speeds", "‖∂C/∂bˡ‖ = ‖mean δˡ‖ (the book's)"),
            ("weights", "‖∂C/∂wˡ‖")]
CAPTION = (
    "Solid: hidden layer 1; dashed: the last hidden layer; the closer together, the more evenly the layers "
    "learn. For plain networks ‖δˡ‖ per example tells the same story as the book's ‖∂C/∂bˡ‖; with batch "
    "norm ‖∂C/∂bˡ‖ is small by construction before another batch-norm layer (its backward pass removes the "
    "batch mean), so the error per example is the fair comparison.")
COLUMNS = ["network", "layer 1 ÷ last, start", "layer 1 ÷ last, now", "training cost", "validation accuracy"]


def variant_color(i: int) -> str:
    """Distinct colours for up to eight networks (the series palette's two oranges kept apart)."""
    palette = ["#4cc9f0", "#f72585", "#b5e48c", "#ffb703", "#9d4edd", "#e63946", "#43aa8b", "#fb8500"]
    return palette[i % len(palette)]


class FixesPage(QWidget):
    """Variants of the deep network, their speed curves overlaid, and a table of the outcome."""

    run_finished = Signal(str)
    redrawn = Signal()

    def __init__(self, state, parent=None):
        super().__init__(parent)
        self.state = state
        self.worker: jobs.Loop | None = None
        self.variants: list[vanishing.Variant] = []  # of the current run, in colour order
        self.data: dict[str, np.ndarray] = {}  # measure -> (variants, depth, epochs + 1)
        self.costs = np.zeros((0, 0))
        self.last_epoch = np.zeros(0, int)
        self.done: dict[int, vanishing.VariantDone] = {}
        self._closed = False

        panel = plots.SidePanel("Fixes, side by side", EXPLANATION)
        self.list = QListWidget()
        self.list.setStyleSheet("QListWidget { background: #0c0f12; border: 1px solid #232a33; }")
        for variant in vanishing.FIXES:
            self._add_item(variant, checked=True)
        self.list.setFixedHeight(6 * 21 + 8)
        panel.add(self.list)
        builder = QGridLayout()
        builder.setContentsMargins(0, 0, 0, 0)
        builder.setHorizontalSpacing(6)
        self.new_activation = QComboBox()
        for name in ("sigmoid", "tanh", "relu"):
            self.new_activation.addItem(name, name)
        self.new_init = QComboBox()
        for key, text in (("default", "1/√n_in"), ("large", "N(0, 1)"), ("he", "He")):
            self.new_init.addItem(text, key)
        self.new_bn = QCheckBox("batch norm")
        self.new_residual = QCheckBox("residual")
        self.add_button = QPushButton("Add")
        builder.addWidget(self.new_activation, 0, 0)
        builder.addWidget(self.new_init, 0, 1)
        builder.addWidget(self.add_button, 0, 2)
        builder.addWidget(self.new_bn, 1, 0)
        builder.addWidget(self.new_residual, 1, 1)
        holder = QWidget()
        holder.setLayout(builder)
        panel.add(holder)
        panel.section("Training (full batch)")
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        self.depth = int_spin(2, 6, 4, tip="hidden layers of 30 neurons")
        self.epochs = int_spin(1, 10_000, 500, 50)
        self.eta = real_spin(0.001, 20.0, 0.1, 0.05)
        self.lmbda = real_spin(0.0, 100.0, 5.0, 0.5)
        self.images = int_spin(10, 50_000, 1000, 100)
        self.seed = int_spin(0, 99_999, 0)
        for i, (label, box) in enumerate((("Layers", self.depth), ("Epochs", self.epochs), ("η", self.eta),
                                          ("λ", self.lmbda), ("Images", self.images), ("Seed", self.seed))):
            grid.addWidget(QLabel(label), i // 2, 2 * (i % 2))
            grid.addWidget(box, i // 2, 2 * (i % 2) + 1)
        holder = QWidget()
        holder.setLayout(grid)
        panel.add(holder)
        self.measure = QComboBox()
        for key, text in MEASURES:
            self.measure.addItem(text, key)
        form = panel.form()
        form.addRow("Plot", self.measure)
        self.buttons = panel.add(RunButtons("Run the comparison"))
        self.status = panel.status_label()
        panel.finish()

        self.view = QWidget()
        self.curve_plot = plots.plot_widget("Layer 1 (solid) and the last hidden layer (dashed)", "epoch",
                                            "speed", log_y=True, legend=False)
        self.profile_plot = plots.plot_widget("Each layer ÷ the last, now", "hidden layer",
                                              "÷ last hidden layer (1: as fast)", log_y=True, legend=False)
        plots.guide_line(self.profile_plot.getPlotItem(), 0.0, 0, "", position=0.02)  # 1: as fast as the last
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
        self.table.setStyleSheet("QTableWidget { background: #0c0f12; gridline-color: #232a33; border: none; }"
                                 "QHeaderView::section { background: #151a20; color: #8b96a3; border: none;"
                                 " padding: 3px; }")
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setFixedHeight(6 * 22 + 30)
        self.caption = QLabel(CAPTION)
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet("color: #8b96a3; padding: 2px 8px;")
        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.curve_plot, 3)
        top.addWidget(self.profile_plot, 2)
        right = QVBoxLayout(self.view)
        right.setContentsMargins(6, 6, 6, 6)
        right.addLayout(top, 1)
        right.addWidget(self.caption)
        right.addWidget(self.table)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(panel)
        layout.addWidget(self.view, 1)

        self.add_button.clicked.connect(self.add_variant)
        self.measure.currentIndexChanged.connect(self._redraw)
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
        plots.tidy_log_axis(profile, [0.01, 3.0])
        self.curve_plot.getPlotItem().setLabel("left", self.measure.currentText(), color=plots.MUTED)
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
            self.status.setText("<span style='color:#ff7b72'>Tick at least one network to train.</span>")
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
            self.status.setText(f"<span style='color:#ff7b72'>{exc}</span>")
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
        self.worker = jobs.Loop(lambda: vanishing.train_speeds(nets, data, config, held_out), owner=self)
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
        self._redraw()
        epoch = int(self.last_epoch.min()) if len(self.last_epoch) else 0
        if self.worker is not None:
            self.status.setText(f"Epoch {max(epoch, 0):,} of {self.costs.shape[1] - 1:,}…")

    def _on_finished(self, reason: str) -> None:
        self.worker = None
        diverged = [self.variants[i].label for i, d in self.done.items() if d.diverged]
        if reason == "completed":
            text = f"Done: {self.costs.shape[1] - 1:,} epochs each."
            if diverged:
                text += f" Diverged: {', '.join(diverged)}."
        elif reason == "stopped":
            text = "Stopped."
        else:
            text = f"<span style='color:#ff7b72'>{reason}</span>"
        self.status.setText(text)
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
            first = plot.plot([], [], pen=pg.mkPen(c, width=2), name=v.label)
            last = plot.plot([], [], pen=pg.mkPen(c, width=1.5, style=Qt.PenStyle.DashLine))
            self.curves.append((first, last))
            self.profiles.append(profile.plot([], [], pen=pg.mkPen(c, width=2), symbol="o", symbolSize=6,
                                              symbolBrush=c, symbolPen=None))
        profile.getAxis("bottom").setTicks([[(float(i), str(i)) for i in range(1, depth + 1)]])
        profile.setXRange(0.8, depth + 0.2, padding=0)

    def _redraw(self) -> None:
        key = self.measure.currentData()
        self.curve_plot.getPlotItem().setLabel("left", dict(MEASURES)[key], color=plots.MUTED)
        if not self.variants:
            return
        values = self.data[key]
        depth = values.shape[1]
        x_layers = np.arange(1, depth + 1, dtype=float)
        for i, ((first, last), profile) in enumerate(zip(self.curves, self.profiles)):
            n = int(self.last_epoch[i]) + 1
            if n <= 0:
                continue
            x = np.arange(n, dtype=float)
            first.setData(x, plots.finite_positive(values[i, 0, :n]), connect="finite")
            last.setData(x, plots.finite_positive(values[i, -1, :n]), connect="finite")
            now = values[i, :, n - 1]
            profile.setData(x_layers, plots.finite_positive(now / now[-1]))
            self._table_row(i, values[i], n - 1)
        drawn = [values[i, [0, -1], :int(self.last_epoch[i]) + 1] for i in range(len(self.variants))]
        plots.tidy_log_axis(self.curve_plot.getPlotItem(), np.concatenate([d.ravel() for d in drawn]))
        ends = [values[i, :, max(int(self.last_epoch[i]), 0)] for i in range(len(self.variants))]
        plots.tidy_log_axis(self.profile_plot.getPlotItem(), np.concatenate([e / e[-1] for e in ends] + [[1.0]]))
        self.redrawn.emit()

    def _table_row(self, row: int, values: np.ndarray, epoch: int) -> None:
        start, now = values[0, 0] / values[-1, 0], values[0, epoch] / values[-1, epoch]
        self.table.item(row, 1).setText(_ratio(start))
        self.table.item(row, 2).setText(_ratio(now) + f"  (epoch {epoch:,})")
        self.table.item(row, 3).setText(f"{self.costs[row, epoch]:.3f}")
        done = self.done.get(row)
        if done is not None:
            text = "diverged" if done.diverged else f"{done.accuracy:.1%}" if done.accuracy is not None else "–"
            self.table.item(row, 4).setText(text)
            if done.diverged:
                self.table.item(row, 4).setToolTip(done.reason)

    def export_widget(self) -> QWidget:
        return self.view


def _ratio(r: float) -> str:
    if not np.isfinite(r):
        return "–"
    return f"{r:.2g}" if r < 10 else f"{r:,.0f}"
