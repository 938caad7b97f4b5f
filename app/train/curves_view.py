"""The Train tab's two plots side by side: accuracy per epoch (training, validation, test, with the
book's figure as a reference line) and the training cost (per mini-batch, smoothed, and per epoch),
each with other runs overlaid as dashed curves. It only draws the runs it is given.

Both plots' ranges include every run shown (the accuracy axis never past 100 %), and the live
changes of η and λ are marked on them where they applied (a dotted vertical line each).
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QWidget

from app import numbers, theme
from app.train.runs import LIVE_NAMES, Run
from app.widgets.curves import CurvePlot

MARKED_EPOCHS = 3  # epochs drawn with markers on the curves
SPANS = (5, 10, 15, 20, 30, 40, 60, 80, 100, 150, 200, 300, 400, 600, 800, 1000)  # epochs shown on the x axes
SPLITS = (("training_accuracy", theme.TRAIN, "training"), ("validation_accuracy", theme.VALIDATION, "validation"),
          ("test_accuracy", theme.TEST, "test"))
MAX_KEYED = 5  # runs named one by one in the overlays' legend entry (then "+ n more")


def overlay_key(runs: list[Run]) -> str:
    """The legend's one entry for the runs overlaid: their numbers in their colours."""
    shown = [theme.coloured(f"#{r.id}", r.colour) for r in runs[:MAX_KEYED]]
    more = f" + {len(runs) - MAX_KEYED}" if len(runs) > MAX_KEYED else ""
    return " ".join(shown) + more


class RunCurves(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        # the legend bottom-right, where rising accuracy curves leave room (it moves where they do not)
        self.accuracy = CurvePlot("Accuracy", "epoch", "accuracy (%)", legend_corner="bottom-right",
                                  y_limits=(0, 100))
        self.accuracy.setToolTip("Accuracy after each epoch; other runs (ticked in Runs) dashed: their validation "
                                 "accuracy. Dotted vertical lines: η or λ changed while training.")
        self.cost = CurvePlot("Training cost", "epoch", "cost (log scale)", legend_corner="top-right", log_y=True,
                              grid=False)
        self.cost.setToolTip("The mean cost per mini-batch (smoothed) and over the training set after each epoch, "
                             "which includes the regularisation term (λ/2n)Σw² when λ > 0, as the book plots it. "
                             "Other runs dashed: their cost per epoch.")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.accuracy)
        layout.addWidget(self.cost)
        self.accuracy.setYRange(0, 100)  # the empty plots as they will be when a run starts
        self._span = (5, 0)  # (planned, done) epochs of the run shown
        self._first = 0  # the first epoch the run shown draws (its parent's, if it continues one)
        self._overlay_end = 0  # the last epoch of the runs overlaid
        self._marks: list[tuple[CurvePlot, pg.InfiniteLine]] = []

    def reset(self, run: Run) -> None:
        """Empty curves for a new run (made now, or kept from the last run, drawn on later), the book's
        figure for its preset, and axes spanning its planned epochs. A run that continues another
        starts with that run's curves."""
        lmbda = bool(run.plan.config.lmbda)
        for key, colour, name in SPLITS:
            self.accuracy.set_curve(f"run:{key}", [], [], color=colour, name=name, symbol="o")  # see _draw_epochs
        self.cost.set_curve("run:batch", [], [], color=theme.BATCH, width=1, alpha=200, z=-1, antialias=False,
                            name="per mini-batch" + (" (no λ term)" if lmbda else ""))
        self.cost.set_curve("run:training_cost", [], [], color=theme.COST, symbol="o",
                            name="per epoch" + (" (+ λ term)" if lmbda else ""))
        preset = run.preset
        if preset is not None:
            self.accuracy.set_reference(100 * preset.book.accuracy, f"book {numbers.percent(preset.book.accuracy)}")
            self.accuracy.reference.setToolTip(f"The book's figure for {preset.name}: {preset.book}" + (
                "" if not run.plan.changes else ", for the preset as it is (this run changes it)"))
        else:
            self.accuracy.set_reference(None)
        self._first = 0 if run.parent is not None else run.first_epoch
        self.show_changes(run)
        if run.parent is not None:  # its parent's curves, at once
            self.draw_accuracy(run)
            self.draw_epoch_cost(run)
            self.draw_batch_cost(run)
        self.accuracy.fit_y(force=True, include=(0, 100))  # until the first epoch; then the plot follows the data
        self.cost.fit_y(force=True)
        self.show_epochs(run.first_epoch + run.plan.config.epochs, run.first_epoch)

    def draw_batch_cost(self, run: Run) -> None:
        x, y = run.batch_arrays()
        self.cost.set_curve("run:batch", x, y)
        self.cost.keep_y_in_view()  # (every curve's extent is known: a cheap check)

    def draw_accuracy(self, run: Run) -> None:
        for key, _colour, _name in SPLITS:
            self._draw_epochs(run, self.accuracy, key, 100)

    def draw_epoch_cost(self, run: Run) -> None:
        self._draw_epochs(run, self.cost, "training_cost", 1)

    def _draw_epochs(self, run: Run, plot: CurvePlot, key: str, scale: float) -> None:
        # Markers show the first epochs (a line needs two points); then lines alone, which draw far faster.
        x, y = run.column(key)
        symbol = "o" if len(x) <= MARKED_EPOCHS else None
        curve = plot.curve(f"run:{key}")
        if curve.opts["symbol"] != symbol:
            curve.setSymbol(symbol)
        if len(x):
            plot.set_curve(f"run:{key}", x, scale * y)

    def fit_ranges(self, run: Run) -> None:
        """The y ranges follow the data (every run shown, and the book's figure), moving only when
        they leave them, the legends to where no curve passes; the x axes span the next round number
        of epochs. (Two steps, a few milliseconds each: :meth:`fit_accuracy`, :meth:`fit_cost`.)"""
        self.fit_accuracy(run)
        self.fit_cost(run)

    def fit_accuracy(self, run: Run) -> None:
        if run.epochs:
            self.show_epochs(run.epochs[-1].epochs, run.epochs[-1].epoch)
            self.accuracy.fit_y(force=len(run.epochs) == 1)

    def fit_cost(self, run: Run) -> None:
        if run.epochs:
            self.cost.fit_y()

    def show_epochs(self, planned: int, done: int = 0) -> None:
        """Both plots span the next round number of epochs past the ones done (at most the planned
        number), and every epoch of the runs overlaid: the span changes rarely, so the axes are not
        redrawn every frame."""
        self._span = (planned, done)
        end = next((n for n in SPANS if n >= done + 1), planned)
        end = min(planned, end) if planned >= done else done
        end = max(end, self._overlay_end)
        self.accuracy.set_x_span(self._first + 0.5, end + 0.5)
        self.cost.set_x_span(self._first, end + 0.25)  # (room for the last epoch's marker)

    def show_overlays(self, runs: list[Run], awaiting_first_epoch: bool) -> None:
        """Other runs' validation accuracy and cost per epoch, dashed in their colours; until a run's
        first epoch (``awaiting_first_epoch``), the accuracy plot keeps spanning 0-100 %."""
        for plot in (self.accuracy, self.cost):
            plot.remove_curves("overlay")
        for plot, key, scale in ((self.accuracy, "validation_accuracy", 100), (self.cost, "training_cost", 1)):
            drawn = []
            for run in runs:
                x, y = run.column(key)
                if len(x):
                    curve = plot.set_curve(f"overlay:{run.id}", x, scale * y, run.colour, dash=True, width=1.6)
                    curve.readout_name = f"#{run.id}"
                    drawn.append(run)
            if drawn:  # one legend entry for them all: a narrow plot keeps room for its data
                plot.set_curve("overlay-key", [], [], theme.TEXT_SOFT, dash=True, width=1.6, name=overlay_key(drawn))
        self._overlay_end = max((r.last_epoch for r in runs), default=0)
        self.show_epochs(*self._span)
        if not awaiting_first_epoch:
            self.accuracy.fit_y(force=True)
        self.cost.fit_y(force=True)

    def show_changes(self, run: Run, steps_now: int = 0) -> None:
        """A dotted vertical line where each change of η or λ applied (labelled on the accuracy
        plot, explained in its tooltip)."""
        for plot, line in self._marks:
            plot.getPlotItem().removeItem(line)
        self._marks = []
        for owner, change in run.all_changes():
            x = owner.position(change, steps_now if owner is run else 0)
            for plot in (self.accuracy, self.cost):
                label = f"{LIVE_NAMES[change.name]} {numbers.exact(change.new)}" if plot is self.accuracy else None
                line = pg.InfiniteLine(x, angle=90, movable=False, label=label,
                                       pen=pg.mkPen(theme.TEXT_SOFT, width=1, style=Qt.DotLine),
                                       labelOpts={"position": 0.04, "color": theme.TEXT_SOFT,
                                                  "anchors": [(0, 1), (0, 1)]})
                line.setToolTip(f"#{owner.id}: {owner.describe_change(change, steps_now if owner is run else 0)}")
                line.setZValue(-4)
                plot.getPlotItem().addItem(line, ignoreBounds=True)
                self._marks.append((plot, line))
