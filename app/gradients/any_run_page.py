"""Any run: the per-layer gradient sizes ‖∂C/∂bˡ‖ and ‖∂C/∂wˡ‖ of whatever the Train tab is
training, one point per mini-batch, from ``AppState.batch_gradients``."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton

from app import theme
from app.gradients import plots
from app.gradients.page import Page
from app.theme.plots import plot_widget
from app.widgets.spin_boxes import int_spin

EXPLANATION = (
    "Train any network in the <b>Train</b> tab and watch, mini-batch by mini-batch, how large each "
    "layer's gradient is: ‖∂C/∂b<sup>l</sup>‖ (the book's speed of learning) and ‖∂C/∂w<sup>l</sup>‖ "
    "(of the mini-batch's mean cost, without the L2 term, which only shrinks the weights). "
    "Curves far apart mean the layers learn at very different speeds."
)
NO_RUN = theme.coloured("No run yet.", theme.MUTED)
MAX_POINTS = 200_000  # per run: older mini-batches are dropped beyond this


class AnyRunPage(Page):
    """Two log plots, one curve per layer, fed by the Train tab's per-mini-batch gradient norms."""

    redrawn = Signal()

    def __init__(self, state, parent=None):
        super().__init__("Any run", EXPLANATION, parent)
        self.state = state
        self.run = ""
        self.labels: list[str] = []
        self.steps = np.zeros(0)
        self.delta = np.zeros((0, 0))
        self.w = np.zeros((0, 0))
        self._stale = False

        panel = self.panel
        self.run_label = panel.status_label()
        form = panel.form()
        self.smooth = int_spin(1, 500, 10, tip="average each curve over this many mini-batches (1: raw)")
        form.addRow("Smoothing (mini-batches)", self.smooth)
        self.clear_button = panel.add(QPushButton("Clear"))
        panel.section("Layers")
        self.layer_list = panel.status_label()
        self.summary = panel.status_label()
        panel.finish()

        self.delta_plot = plot_widget("‖∂C/∂bˡ‖ per mini-batch", "mini-batch", "‖∂C/∂b‖", log_y=True)
        self.w_plot = plot_widget("‖∂C/∂wˡ‖ per mini-batch", "mini-batch", "‖∂C/∂w‖", log_y=True)
        self.w_plot.getPlotItem().setXLink(self.delta_plot.getPlotItem())
        for plot in (self.delta_plot, self.w_plot):
            item = plot.getPlotItem()
            item.setClipToView(True)
            item.setDownsampling(auto=True, mode="peak")
        self.delta_curves: list[pg.PlotDataItem] = []
        self.w_curves: list[pg.PlotDataItem] = []
        self.empty_note = QLabel("Nothing trained yet: start a run in the Train tab and its gradients appear here.")
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_note.setStyleSheet(theme.text_style(theme.MUTED, theme.FONT_BODY, extra="padding: 8px;"))
        self.view_layout.addWidget(self.empty_note)
        self.view_layout.addWidget(self.delta_plot, 1)
        self.view_layout.addWidget(self.w_plot, 1)

        state.batch_gradients.connect(self.add)
        self.smooth.valueChanged.connect(self._redraw)
        self.clear_button.clicked.connect(self.clear)
        self.run_label.setText(NO_RUN)
        self._show_empty_axes()

    def _show_empty_axes(self) -> None:
        """Before a run: axes in the range gradients usually take (decades, not a log axis's 2…9 ticks
        over 1…10), which follow the data once it comes."""
        for plot in (self.delta_plot, self.w_plot):
            plot.getPlotItem().getAxis("left").setTicks(None)  # pyqtgraph's own decades, not the last run's
            plot.getPlotItem().setRange(xRange=(0, 100), yRange=(-4, 1), padding=0)

    def clear(self) -> None:
        self.run, self.labels = "", []
        self.steps, self.delta, self.w = np.zeros(0), np.zeros((0, 0)), np.zeros((0, 0))
        self._set_layers([])
        self.empty_note.setVisible(True)
        self.run_label.setText(NO_RUN)
        self.summary.setText("")
        self._show_empty_axes()

    def add(self, payload: dict) -> None:
        """Append one ``batch_gradients`` payload; a new run (or new layers) starts the plots afresh."""
        try:
            run = str(payload["run"])
            labels = [str(l) for l in payload["labels"]]
            steps = np.asarray(payload["steps"], dtype=np.float64).reshape(-1)
            delta = np.asarray(payload["delta"], dtype=np.float64).reshape(len(steps), len(labels))
            w = np.asarray(payload["w"], dtype=np.float64).reshape(len(steps), len(labels))
        except (KeyError, TypeError, ValueError) as exc:
            self.summary.setText(theme.coloured(f"Ignored malformed gradients: {exc}", theme.ERROR))
            return
        if run != self.run or labels != self.labels:
            self.run, self.labels = run, labels
            self.steps, self.delta, self.w = steps, delta, w
            self._set_layers(labels)
            for plot in (self.delta_plot, self.w_plot):
                plot.getPlotItem().enableAutoRange()
        else:
            self.steps = np.concatenate([self.steps, steps])[-MAX_POINTS:]
            self.delta = np.concatenate([self.delta, delta])[-MAX_POINTS:]
            self.w = np.concatenate([self.w, w])[-MAX_POINTS:]
        self.empty_note.setVisible(False)
        self.run_label.setText(f"Run: <b>{run}</b>")
        if self.isVisible():
            self._redraw()
        else:
            self._stale = True  # drawn when next shown: no plotting for a hidden page

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self._redraw()

    def _set_layers(self, labels: list[str]) -> None:
        for plot, curves in ((self.delta_plot, self.delta_curves), (self.w_plot, self.w_curves)):
            item = plot.getPlotItem()
            for curve in curves:
                item.removeItem(curve)
            curves.clear()
            for i, label in enumerate(labels):
                curves.append(item.plot([], [], pen=pg.mkPen(plots.color(i), width=1.5), name=f"{i + 1}: {label}"))
        self.layer_list.setText("<br>".join(f"<span style='color:{plots.color(i)}'>■</span> {i + 1}: {label}"
                                            for i, label in enumerate(labels)))

    def _smoothed(self, values: np.ndarray) -> np.ndarray:
        """Trailing moving average over the smoothing window (shorter at the start), O(n)."""
        k = min(self.smooth.value(), len(values))
        if k <= 1:
            return values
        sums = np.cumsum(np.concatenate([[0.0], values]))
        counts = np.minimum(np.arange(1, len(values) + 1), k)
        return (sums[1:] - sums[np.arange(1, len(values) + 1) - counts]) / counts

    def _redraw(self) -> None:
        if len(self.steps) == 0:
            return
        for values, curves, plot in ((self.delta, self.delta_curves, self.delta_plot),
                                     (self.w, self.w_curves, self.w_plot)):
            shown = [plots.finite_positive(self._smoothed(values[:, layer])) for layer in range(len(curves))]
            for curve, y in zip(curves, shown):
                curve.setData(self.steps, y, connect="finite")
        last = self.delta[-1]
        if len(last) > 1 and np.isfinite(last).all():
            ref = len(last) - 2 if len(last) > 2 else len(last) - 1  # the last hidden layer (or the output)
            if last[ref] > 0:
                self.summary.setText(f"Latest mini-batch ({int(self.steps[-1]):,}): layer 1's ‖∂C/∂b‖ is "
                                     f"{plots.value_text(last[0] / last[ref])} × that of layer {ref + 1} "
                                     f"({self.labels[ref]}).")
        self.redrawn.emit()
