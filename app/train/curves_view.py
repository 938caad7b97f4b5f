"""The Train tab's two plots side by side: accuracy per epoch (training, validation, test, with the
book's figure as a reference line) and the training cost (per mini-batch, smoothed, and per epoch),
each with other runs overlaid as dashed curves. It only draws the runs it is given."""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget

from app import theme
from app.train.runs import Run
from app.widgets.curves import CurvePlot

MARKED_EPOCHS = 3  # epochs drawn with markers on the curves
SPANS = (5, 10, 15, 20, 30, 40, 60, 80, 100, 150, 200, 300, 400, 600, 800, 1000)  # epochs shown on the x axes
SPLITS = (("training_accuracy", theme.TRAIN, "training"), ("validation_accuracy", theme.VALIDATION, "validation"),
          ("test_accuracy", theme.TEST, "test"))


class RunCurves(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        # the legend bottom-right, where rising accuracy curves leave room; the book's line is at the top
        self.accuracy = CurvePlot("Accuracy", "epoch", "accuracy (%)", legend_corner="bottom-right")
        self.cost = CurvePlot("Training cost", "epoch", "cost (log scale)", legend_corner="top-right", log_y=True,
                              grid=False)
        self.cost.setToolTip("The mean cost per mini-batch (smoothed) and over the training set after each epoch, "
                             "which includes the regularisation term (λ/2n)Σw² when λ > 0, as the book plots it.")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.accuracy)
        layout.addWidget(self.cost)
        self.accuracy.setYRange(0, 100)  # the empty plots as they will be when a run starts

    def reset(self, run: Run) -> None:
        """Empty curves for a new run (made now, or kept from the last run, drawn on later), the book's
        figure for its preset, and axes spanning its planned epochs."""
        lmbda = bool(run.plan.config.lmbda)
        for key, colour, name in SPLITS:
            self.accuracy.set_curve(f"run:{key}", [], [], color=colour, name=name, symbol="o")  # see _draw_epochs
        self.cost.set_curve("run:batch", [], [], color=theme.BATCH, width=1, alpha=200, z=-1, antialias=False,
                            name="per mini-batch" + (" (no λ term)" if lmbda else ""))
        self.cost.set_curve("run:training_cost", [], [], color=theme.COST, symbol="o",
                            name="per epoch" + (" (with λ term)" if lmbda else ""))
        preset = run.plan.preset
        if preset is not None:
            self.accuracy.set_reference(100 * preset.book.accuracy, f"book {preset.book.accuracy:.2%}")
            self.accuracy.reference.setToolTip(f"The book's figure for {preset.name}: {preset.book}" + (
                "" if not run.plan.changes else ", for the preset as it is (this run changes it)"))
        else:
            self.accuracy.set_reference(None)
        self.accuracy.fit_y(force=True, include=(0, 100))  # until the first epoch; then the plot follows the data
        self.show_epochs(run.plan.config.epochs)

    def draw_batch_cost(self, run: Run) -> None:
        x, y = run.batch.arrays()
        self.cost.curve("run:batch").setData(x, y)
        self.cost.keep_y_in_view(y)

    def draw_accuracy(self, run: Run) -> None:
        for key, _colour, _name in SPLITS:
            self._draw_epochs(run, self.accuracy, key, 100)

    def draw_epoch_cost(self, run: Run) -> None:
        self._draw_epochs(run, self.cost, "training_cost", 1)

    def _draw_epochs(self, run: Run, plot: CurvePlot, key: str, scale: float) -> None:
        # Markers show the first epochs (a line needs two points); then lines alone, which draw far faster.
        symbol = "o" if len(run.epochs) <= MARKED_EPOCHS else None
        x, y = run.column(key)
        curve = plot.curve(f"run:{key}")
        if curve.opts["symbol"] != symbol:
            curve.setSymbol(symbol)
        if len(x):
            curve.setData(x, scale * y)

    def fit_ranges(self, run: Run) -> None:
        """The accuracy plot's y range follows the data (and the book's figure), moving only when they
        leave it; the x axes span the next round number of epochs."""
        if run.epochs:
            self.accuracy.fit_y(force=len(run.epochs) == 1)
            self.show_epochs(run.epochs[-1].epochs, run.epochs[-1].epoch)

    def show_epochs(self, planned: int, done: int = 0) -> None:
        """Both plots span the next round number of epochs past the ones done (at most the planned
        number): the span changes rarely, so the axes are not redrawn every frame."""
        end = next((n for n in SPANS if n >= done + 1), planned)
        end = min(planned, end) if planned >= done else done
        self.accuracy.set_x_span(0.5, end + 0.5)
        self.cost.set_x_span(0, end)

    def show_overlays(self, runs: list[Run], awaiting_first_epoch: bool) -> None:
        """Other runs' validation accuracy and cost per epoch, dashed in their colours; until a run's
        first epoch (``awaiting_first_epoch``), the accuracy plot keeps spanning 0-100 %."""
        for plot in (self.accuracy, self.cost):
            plot.remove_curves("overlay:")
        for run in runs:
            x, y = run.column("validation_accuracy")
            if len(x):
                self.accuracy.set_curve(f"overlay:{run.id}", x, 100 * y, run.colour, dash=True, width=1.6,
                                        name=f"#{run.id} validation")
            x, y = run.column("training_cost")
            if len(x):
                self.cost.set_curve(f"overlay:{run.id}", x, y, run.colour, dash=True, width=1.6,
                                    name=f"#{run.id} per epoch")
        if not awaiting_first_epoch:
            self.accuracy.fit_y(force=True)
