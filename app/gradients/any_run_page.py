"""Any run: the per-layer gradient sizes ‖∂C/∂bˡ‖ and ‖∂C/∂wˡ‖ of whatever the Train tab is
training, one point per mini-batch, from ``AppState.batch_gradients``.

A payload costs the same early and late in a run (``benchmarks/bench_gui_stalls.py --only any_run``):
the values are smoothed and gathered as they come (:class:`app.gradients.series.GrowingSeries`: a
curve of at most a few thousand points shows every spike), the axes change only when the data
outgrow them (to the next 1, 2, 3 or 5 × 10ᵏ mini-batches, to whole decades) and are blitted from a
cache in between, and the curves, many short noisy segments, are drawn one pixel wide without
antialiasing."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton

from app import theme
from app.gradients import plots
from app.gradients.page import Page
from app.gradients.series import GrowingSeries
from app.theme.plots import cache_axes, plot_widget
from app.widgets.spin_boxes import int_spin

EXPLANATION = (
    "Train any network in the <b>Train</b> tab and watch, mini-batch by mini-batch, how large each "
    "layer's gradient is: ‖∂C/∂b<sup>l</sup>‖ (the book's speed of learning) and ‖∂C/∂w<sup>l</sup>‖ "
    "(of the mini-batch's mean cost, without the L2 term, which only shrinks the weights). "
    "Curves far apart mean the layers learn at very different speeds."
)
NO_RUN = theme.coloured("No run yet.", theme.MUTED)


class AnyRunPage(Page):
    """Two log plots, one curve per layer, fed by the Train tab's per-mini-batch gradient norms."""

    redrawn = Signal()

    def __init__(self, state, parent=None):
        super().__init__("Any run", EXPLANATION, parent)
        self.state = state
        self.run = ""
        self.labels: list[str] = []
        self.delta_series, self.w_series = GrowingSeries(0), GrowingSeries(0)
        self._stale = False
        self._ranges: tuple | None = None  # (x range, y range) the plots show

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
            cache_axes(plot.getPlotItem())
        self.delta_curves: list[pg.PlotDataItem] = []
        self.w_curves: list[pg.PlotDataItem] = []
        self.empty_note = QLabel("Nothing trained yet: start a run in the Train tab and its gradients appear here.")
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_note.setStyleSheet(theme.text_style(theme.MUTED, theme.FONT_BODY, extra="padding: 8px;"))
        self.view_layout.addWidget(self.empty_note)
        self.view_layout.addWidget(self.delta_plot, 1)
        self.view_layout.addWidget(self.w_plot, 1)

        state.batch_gradients.connect(self.add)
        self.smooth.valueChanged.connect(self._smoothing_changed)
        self.clear_button.clicked.connect(self.clear)
        self.run_label.setText(NO_RUN)
        self._show_empty_axes()

    # the values as received (public for tests and scripts)
    steps = property(lambda self: self.delta_series.steps, doc="the mini-batches received, (n,)")
    delta = property(lambda self: self.delta_series.values, doc="‖∂C/∂bˡ‖ per mini-batch and layer, (n, layers)")
    w = property(lambda self: self.w_series.values, doc="‖∂C/∂wˡ‖ per mini-batch and layer, (n, layers)")

    def _show_empty_axes(self) -> None:
        """Before a run: axes in the range gradients usually take (decades, not a log axis's 2…9 ticks
        over 1…10), which follow the data once it comes."""
        self._ranges = None
        for plot in (self.delta_plot, self.w_plot):
            plot.getPlotItem().getAxis("left").setTicks(None)  # pyqtgraph's own decades, not the last run's
            plot.getPlotItem().setRange(xRange=(0, 100), yRange=(-4, 1), padding=0)

    def clear(self) -> None:
        self.run, self.labels = "", []
        self.delta_series, self.w_series = GrowingSeries(0), GrowingSeries(0)
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
            self.delta_series = GrowingSeries(len(labels), self.smooth.value())
            self.w_series = GrowingSeries(len(labels), self.smooth.value())
            self._set_layers(labels)
            self._ranges = None
        self.delta_series.extend(steps, delta)
        self.w_series.extend(steps, w)
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
            for i, label in enumerate(labels):  # thousands of short noisy segments: one pixel wide, not
                # antialiased (Qt's fast path: ~5× faster than 1.5 px, ~80× than antialiased)
                curves.append(item.plot([], [], pen=pg.mkPen(plots.color(i), width=1), antialias=False,
                                        name=f"{i + 1}: {label}"))
        self.layer_list.setText("<br>".join(f"<span style='color:{plots.color(i)}'>■</span> {i + 1}: {label}"
                                            for i, label in enumerate(labels)))

    def _smoothing_changed(self, window: int) -> None:
        for series in (self.delta_series, self.w_series):
            series.set_window(window)
        self._redraw()

    def _redraw(self) -> None:
        if len(self.delta_series) == 0:
            return
        for series, curves in ((self.delta_series, self.delta_curves), (self.w_series, self.w_curves)):
            for layer, curve in enumerate(curves):
                curve.setData(*series.drawn(layer), connect="finite")
        self._fit_ranges()
        last = self.delta[-1]
        if len(last) > 1 and np.isfinite(last).all():
            ref = len(last) - 2 if len(last) > 2 else len(last) - 1  # the last hidden layer (or the output)
            if last[ref] > 0:
                self.summary.setText(f"Latest mini-batch ({int(self.steps[-1]):,}): layer 1's ‖∂C/∂b‖ is "
                                     f"{plots.value_text(last[0] / last[ref])} × that of layer {ref + 1} "
                                     f"({self.labels[ref]}).")
        self.redrawn.emit()

    def _fit_ranges(self) -> None:
        """Every point in view: x from the run's first mini-batch to the next of ``NICE`` × 10ᵏ past its
        last, y over whole decades; changed only when the data outgrow them (a new range redraws the
        axes, which are otherwise blitted)."""
        steps = self.steps
        first = float(steps[0]) - 1 if steps[0] <= 1 else float(steps[0])
        x = (first, first + nice_ceiling(float(steps[-1]) - first))
        y = {}
        for name, series in (("delta", self.delta_series), ("w", self.w_series)):
            if np.isfinite(series.low):
                low, high = np.floor(np.log10(series.low)), np.ceil(np.log10(series.high))
                y[name] = (low, max(high, low + 1))
        ranges = (x, y)
        if ranges == self._ranges:
            return
        self._ranges = ranges
        for name, plot in (("delta", self.delta_plot), ("w", self.w_plot)):
            item = plot.getPlotItem()
            item.setXRange(*x, padding=0.01)
            if name in y:
                item.setYRange(*y[name], padding=0.02)


# the x axis ends at one of these × 10ᵏ: never more than 40% empty, and a new end (which redraws the
# axes, ~12 ms a plot) four times a decade
NICE = (1, 2, 3, 5, 10)


def nice_ceiling(value: float) -> float:
    """The least of ``NICE`` × 10ᵏ that is at least ``value`` (at least 10)."""
    value = max(value, 10.0)
    decade = 10.0 ** np.floor(np.log10(value))
    return next(m * decade for m in NICE if m * decade >= value * (1 - 1e-12))
