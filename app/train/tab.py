"""The Train tab: train the book's networks (or your own) and watch them learn, live.

Left: the set-up form (a preset with the book's figure, or a custom network) and the list of runs.
Right: the run controls and the live views: accuracy and cost curves (with the book's figure as a
reference line and other runs overlaid), the weights as images (or a CNN's filters and feature maps),
per-layer weight histograms, and on the validation set the confusion matrix and the mistakes.

Training runs in an ``app.worker.TrainingWorker`` thread; the views are fed copies prepared on that
thread (``app.train.live``), drawn at most eight times a second. A run that diverges (NaN, or blown
up while finite: ``core.divergence``) ends with the trainer's explanation and its last good
weights. Each epoch's network is published to the other tabs (``AppState.set_training_network``),
and per-mini-batch gradient sizes go to the Gradients tab (``AppState.batch_gradients``).
"""
from __future__ import annotations

import gc
import math
import sys
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QMessageBox, QScrollArea, QSplitter, QTabWidget,
                               QVBoxLayout, QWidget)
from superqt.utils import thread_worker

from app.train.controls import RunControls
from app.train.form import SetupForm
from app.train.live import BatchGradients, EpochFrame, Frame, LiveProbe, snapshot_network
from app.train.mistakes import Mistakes
from app.train.plan import RunPlan
from app.train.runs import Run, atomic_path, write_csv
from app.train.runs_panel import RunsPanel
from app.train.weights_view import WeightsPanel
from app.widgets.confusion import ConfusionMatrix
from app.widgets.curves import CurvePlot
from app.widgets.gallery import DigitGallery
from app.widgets.histogram import LayerHistograms
from app.worker import Stopped, TrainingWorker
from core.io import ModelFileError, save_network
from core.network import Network
from core.training import Diverged, EpochDone, Finished, Trainer

RUN_COLOURS = ["#ff6b6b", "#ffd166", "#06d6a0", "#c77dff", "#ff9f1c", "#4ea8de", "#f4a261", "#2ec4b6",
               "#ff99c8", "#a3b18a"]
TRAIN, VALIDATION, TEST, COST, BATCH = "#b5e48c", "#4cc9f0", "#f72585", "#fb8500", "#8b96a3"
FRAME_INTERVAL = 0.125  # seconds between live-view updates (8 a second; the issue asks for at least 5)
JOB_GAP_MS = 12  # between two per-epoch view updates: each gets its own turn of the event loop, and its repaint
GIL_SWITCH_INTERVAL = 0.001  # sys.setswitchinterval while training (CPython's default is 0.005)
MARKED_EPOCHS = 3  # epochs drawn with markers on the curves
SIDE_MIN_WIDTH = 340  # pixels: the set-up form and the CNN builder's rows
GALLERY_MIN_WIDTH = 180  # pixels: enough for "Mistakes: 1,234 of 10,000"
SPANS = (5, 10, 15, 20, 30, 40, 60, 80, 100, 150, 200, 300, 400, 600, 800, 1000)  # epochs shown on the x axes

STYLE = """
QLabel#hint { color: #8b96a3; font-size: 11px; }
QLabel#status { color: #aeb8c2; }
QLabel#fieldError { color: #ff6b6b; font-size: 11px; }
QLabel#card { background: #161b21; border: 1px solid #26303a; border-radius: 4px; padding: 6px; }
QLineEdit[invalid="true"] { border: 1px solid #e63946; border-radius: 2px; }
QPushButton#primary:enabled { background: #1f6f8b; color: white; font-weight: bold; }
"""


def _prepare(plan: RunPlan, data):
    """Off the GUI thread: build the network and the trainer (expanding the data can take seconds)
    and the probe that feeds the views."""
    net = plan.build_network()
    trainer = Trainer(net, data, plan.config)
    trainer.keep_validation_outputs = True
    probe = LiveProbe(net, data.validation, seed=plan.config.seed)
    return plan, trainer, probe


def hold_content_width(view, at_least: int = 0) -> None:
    """Keep a pyqtgraph layout widget as wide as what its layout needs (titles, axes, one plot per
    layer): a narrower one clips its right-hand side instead of shrinking it."""
    view.ci.layout.invalidate()  # its size hints are cached from before the last change
    need = view.ci.effectiveSizeHint(Qt.SizeHint.MinimumSize).width()
    view.setMinimumWidth(max(at_least, math.ceil(need) + 2))


class TrainTab(QWidget):
    book_url = "http://neuralnetworksanddeeplearning.com/chap3.html"
    run_started = Signal(object)  # the Run, just before its worker thread starts (tab.worker is set)

    def __init__(self, state, parent=None):
        super().__init__(parent)
        self.state = state
        self.setStyleSheet(STYLE)
        self.worker: TrainingWorker | None = None
        self.run: Run | None = None  # the run going on (or the last one)
        self.runs: list[Run] = []
        self.latest_network: Network | None = None  # the current run's network after its last epoch
        self._preparer = None
        self._pending_plan: RunPlan | None = None
        self._cancelled = False  # Stop pressed while a run was being prepared
        self._rate = (0.0, 0, 0.0)  # (time, step, images per second) for the status line
        self._jobs: dict = {}  # per-epoch view updates, spread over turns of the event loop
        self._dirty: dict = {}  # what the worker reported since the last draw
        self._gradients: list = []  # per-mini-batch gradient norms not yet sent to the other tabs
        self._last_draw = 0.0
        self._draw_timer = QTimer(self)
        self._draw_timer.setSingleShot(True)
        self._draw_timer.timeout.connect(self._draw)
        # Per-epoch view updates run one per timer shot, JOB_GAP_MS apart: posted events (a
        # ``singleShot(0)``) would all run, repaints included, before the event loop looks at input.
        self._job_timer = QTimer(self)
        self._job_timer.setSingleShot(True)
        self._job_timer.setInterval(JOB_GAP_MS)
        self._job_timer.timeout.connect(self._next_job)
        self._switch_interval = sys.getswitchinterval()
        self._heap_frozen = False  # gc.freeze() is in force for the run going on
        self._widths_held = False  # the views' minimum widths follow what they show (see showEvent)
        self._held = None  # the worker whose frame_lock this tab holds while a frame is drawn
        self._build()
        self.controls.start.clicked.connect(self.start)
        self.controls.pause.clicked.connect(self.toggle_pause)
        self.controls.step.clicked.connect(self.step)
        self.controls.more.clicked.connect(self.add_epoch)
        self.controls.stop.clicked.connect(self.stop)
        self.controls.eta_changed.connect(self._set_eta)
        self.controls.lmbda_changed.connect(self._set_lmbda)
        self.controls.send.clicked.connect(lambda: self.send_to_draw(self.run))
        self.controls.save.clicked.connect(lambda: self.save_dialog(self.run))
        self.runs_panel.overlays_changed.connect(self._draw_overlays)
        self.runs_panel.send.clicked.connect(lambda: self.send_to_draw(self.runs_panel.selected()))
        self.runs_panel.save.clicked.connect(lambda: self.save_dialog(self.runs_panel.selected()))
        self.runs_panel.remove.clicked.connect(self._remove_selected)
        self.runs_panel.export_csv.clicked.connect(self.export_csv_dialog)
        self.runs_panel.export_png.clicked.connect(self.export_png_dialog)
        self.form.plan_changed.connect(self._plan_changed)
        state.data_ready.connect(self._data_ready)
        state.data_failed.connect(self._data_failed)
        if state.data is not None:
            self.form.set_training_images(len(state.data.train))
        # the network the other tabs show can be trained further here (the picker's first entry)
        state.network_changed.connect(lambda net: self.form.set_active_network(net, state.network_label))
        state.network_saved.connect(lambda _path: self.form.set_active_network(state.network, state.network_label))
        if state.network is not None:
            self.form.set_active_network(state.network, state.network_label)
        self.accuracy.setYRange(0, 100)  # the empty plots as they will be when a run starts
        self._show_epochs(self.form.plan.config.epochs if self.form.plan else 5)
        self._update_controls()

    # --- layout --------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.form = SetupForm()
        form_page = QWidget()
        form_layout = QVBoxLayout(form_page)
        form_layout.setContentsMargins(0, 0, 0, 0)
        form_layout.addWidget(self.form)
        form_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(form_page)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.runs_panel = RunsPanel()
        self.side = QTabWidget()
        self.side.addTab(scroll, "Set-up")
        self.side.addTab(self.runs_panel, "Runs")
        self.side.setMinimumWidth(SIDE_MIN_WIDTH)
        self.side.setMaximumWidth(420)

        self.controls = RunControls()
        # the legend bottom-right, where rising accuracy curves leave room; the book's line is at the top
        self.accuracy = CurvePlot("Accuracy", "epoch", "accuracy (%)", legend_corner="bottom-right")
        self.cost = CurvePlot("Training cost", "epoch", "cost (log scale)", legend_corner="top-right", log_y=True,
                              grid=False)
        self.cost.setToolTip("The mean cost per mini-batch (smoothed) and over the training set after each epoch, "
                             "which includes the regularisation term (λ/2n)Σw² when λ > 0, as the book plots it.")
        self.weights = WeightsPanel()
        self.histograms = LayerHistograms("Weights: start (grey) and now")
        self.confusion = ConfusionMatrix("Confusion (validation)")
        self.confusion.setToolTip("Rows: the true digit; columns: the network's answer. Click a red cell to "
                                  "see those mistakes in the gallery (again to see all).")
        self.gallery = DigitGallery("Mistakes (validation)", cols=8)
        self.gallery.setToolTip("The validation digits the network gets wrong, the ones it is surest about "
                                "first (true → answer). Click one to open it in the Draw tab.")
        self.mistakes = Mistakes(self.confusion, self.gallery, self.state, self)
        for view in (self.histograms, self.confusion, self.gallery):
            view.ci.setContentsMargins(3, 3, 3, 3)  # pyqtgraph's 9 px a side is room the plots can use

        self.curves = QWidget()
        curves_layout = QHBoxLayout(self.curves)
        curves_layout.setContentsMargins(0, 0, 0, 0)
        curves_layout.setSpacing(2)
        curves_layout.addWidget(self.accuracy)
        curves_layout.addWidget(self.cost)

        top = QSplitter(Qt.Horizontal)
        top.addWidget(self.curves)
        top.addWidget(self.weights)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        top.setSizes([560, 370])
        bottom = QSplitter(Qt.Horizontal)
        bottom.addWidget(self.histograms)
        bottom.addWidget(self.confusion)
        bottom.addWidget(self.gallery)
        bottom.setSizes([330, 250, 350])
        self.views = QSplitter(Qt.Vertical)
        self.views.addWidget(top)
        self.views.addWidget(bottom)
        self.views.setSizes([400, 300])

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(4, 4, 4, 4)
        right_layout.setSpacing(4)
        right_layout.addWidget(self.controls)
        right_layout.addWidget(self.views, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.side)
        layout.addWidget(right, 1)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._widths_held:  # their titles' sizes are known once they are shown
            self._widths_held = True
            hold_content_width(self.confusion)
            hold_content_width(self.gallery, GALLERY_MIN_WIDTH)  # its title grows with the numbers in it
            hold_content_width(self.histograms)

    def export_widget(self) -> QWidget:
        return self.views

    # the page protocol (the layout audit's): the side panel's tabs
    PAGE_NAMES = ["setup", "runs"]

    def page_names(self) -> list[str]:
        return list(self.PAGE_NAMES)

    def show_page(self, name: str) -> QWidget:
        self.side.setCurrentIndex(self.PAGE_NAMES.index(name))
        return self.side.currentWidget()

    # --- starting a run ------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.worker is not None

    def start(self) -> bool:
        """Start a run with the form's set-up; False (with the reason shown) when it cannot start."""
        if self.running or self._preparer is not None or self._pending_plan is not None:
            return False
        plan = self.form.validate_now()
        if plan is None:
            self.controls.status.setText("Fix the fields marked in red first.")
            return False
        self.controls.hide_banner()
        if self.state.data is None:
            self._pending_plan = plan
            self.controls.status.setText("Loading MNIST…")
            self.controls.set_state("preparing")
            self.state.request_data()
            return True
        self._prepare(plan)
        return True

    def _prepare(self, plan: RunPlan) -> None:
        self.controls.set_state("preparing")
        self.controls.status.setText("Preparing the network and the data…" + (
            " (expanding to 250,000 images)" if plan.config.expand else ""))
        worker = thread_worker(_prepare, start_thread=False)(plan, self.state.data)
        worker.returned.connect(self._launch)
        worker.errored.connect(self._prepare_failed)
        self._preparer = worker
        worker.start()

    def _prepare_failed(self, exc: Exception) -> None:
        self._preparer = None
        self.controls.show_banner(f"Cannot start: {exc}", "error")
        self.controls.status.setText("")
        self._update_controls()

    def _launch(self, prepared) -> None:
        self._preparer = None
        if self._cancelled:  # Stop was pressed (or the window closed) while the network was being built
            self._cancelled = False
            self.controls.status.setText("Start cancelled.")
            self._update_controls()
            return
        plan, trainer, probe = prepared
        batches = math.ceil(trainer.n / plan.config.mini_batch_size)
        run = Run(len(self.runs) + 1, plan, RUN_COLOURS[len(self.runs) % len(RUN_COLOURS)], batches)
        self.runs.append(run)
        self.run, self.latest_network = run, None
        self.runs_panel.add_run(run)
        self._reset_views(run, probe)
        worker = TrainingWorker(trainer, snapshot=probe.frame, epoch_snapshot=probe.epoch, interval=FRAME_INTERVAL,
                                per_batch=BatchGradients(trainer.net, plan.config.mini_batch_size, trainer.n))
        worker.progress.connect(self._on_progress)
        worker.epoch_done.connect(self._on_epoch)
        worker.finished_run.connect(self._on_finished)
        worker.error.connect(lambda message: self.controls.show_banner(f"Training stopped by an error: {message}", "error"))
        self.worker = worker
        self.controls.set_live_values(trainer.eta, trainer.lmbda)
        self._rate = (time.perf_counter(), 0, 0.0)
        self._update_controls()
        self.controls.status.setText(f"{run.name}: training…")
        # which run, and what it trains (the status line above says how far it is)
        self.controls.detail.setText(f"#{run.id} {run.plan.preset.name if run.plan.preset else 'custom'}: "
                                     f"{run.plan.describe()}")
        self.run_started.emit(run)
        # The views just reset are painted first, on their own, before the training thread competes
        # for the CPU: the thread starts on a later turn of the event loop.
        self._later("start", lambda: self._start_worker(worker, run))

    def _start_worker(self, worker: TrainingWorker, run: Run) -> None:
        if self.worker is not worker or worker.isRunning() or worker.isFinished():
            return
        # While a run goes on, the GUI thread waits at most 1 ms (not 5) for the GIL each time it needs it.
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, GIL_SWITCH_INTERVAL))
        # A full collection of Python's cyclic garbage walks every object the app holds (~110,000, most
        # of them Qt and pyqtgraph wrappers): 70-80 ms on whichever thread triggers it, with the GIL
        # held. The objects alive when the run starts are set aside until it ends (``gc.freeze``),
        # so that collections during the run only walk what the run itself makes.
        gc.freeze()
        self._heap_frozen = True
        run.started = time.perf_counter()
        worker.start()

    def _reset_views(self, run: Run, probe: LiveProbe) -> None:
        self._dirty, self._gradients, self._jobs = {}, [], {}
        for plot, key, style in self._run_curves(run):  # made now (or kept from the last run), drawn on later
            plot.set_curve(key, [], [], **style)
        preset = run.plan.preset
        if preset is not None:
            self.accuracy.set_reference(100 * preset.book.accuracy, f"book {preset.book.accuracy:.2%}")
            self.accuracy.reference.setToolTip(f"The book's figure for {preset.name}: {preset.book}" + (
                "" if not run.plan.changes else ", for the preset as it is (this run changes it)"))
        else:
            self.accuracy.set_reference(None)
        self.accuracy.fit_y(force=True, include=(0, 100))  # until the first epoch; then the plot follows the data
        self._show_epochs(run.plan.config.epochs)
        self.weights.configure(probe)
        self.histograms.set_layers(probe.hist_names)
        hold_content_width(self.histograms)
        first = probe.frame()  # the initial weights (the worker thread has not started yet)
        self.weights.show_frame(first)
        self.histograms.set_counts(first.hist)
        self.mistakes.clear()
        self._draw_overlays()

    # --- the run's reports ---------------------------------------------------------------------------
    # The worker's signals are only recorded here (cheap); ``_draw`` puts what is new on screen at most
    # FRAME_INTERVAL apart, however fast a small network sends its reports (1,000 images: ~20 epochs/s).
    def _on_progress(self, report: dict) -> None:
        run = self.run
        if run is None or self.worker is None:
            return
        if report["batch_costs"]:
            steps, costs = zip(*report["batch_costs"])
            run.batch.add(steps, costs)
            self._dirty["batch"] = True
        frame: Frame = report["snapshot"]
        if frame is not None and frame.finite:
            self._dirty["frame"] = frame
        self._gradients.extend(g for g in report["per_batch"] if g is not None)
        self._dirty["eta"] = report["eta"]
        if report["batch"] is not None:
            self._dirty["status"] = (report["epoch"], report["batch"], report["batches"], report["step"])
        self._schedule_draw()

    def _on_epoch(self, event: EpochDone, result: EpochFrame) -> None:
        run = self.run
        if run is None or self.worker is None:
            return
        run.epochs.append(event)
        self._dirty["epoch"] = (event, result)
        self._schedule_draw()

    def _schedule_draw(self) -> None:
        if not self._draw_timer.isActive():
            wait = FRAME_INTERVAL - (time.perf_counter() - self._last_draw)
            self._draw_timer.start(max(0, int(wait * 1000)))

    def _hold_training(self) -> None:
        """Keep the training thread between two mini-batches until this turn of the event loop has
        drawn and painted what it changed (released by a zero timer, after the paint events): the two
        threads then do not take turns at the GIL through every Python call of a repaint (see
        ``app.worker``)."""
        if self.worker is None or self._held is not None:
            return
        self.worker.frame_lock.acquire()
        self._held = self.worker
        QTimer.singleShot(0, self._release_training)

    def _release_training(self) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            held.frame_lock.release()

    def _draw(self) -> None:
        """Put everything reported since the last draw on screen (the heavier per-epoch views a piece
        per turn of the event loop, so that no single turn stalls)."""
        self._hold_training()
        self._last_draw = time.perf_counter()
        run, dirty = self.run, self._dirty
        self._dirty = {}
        if run is None:
            return
        if dirty.get("batch"):
            x, y = run.batch.arrays()
            self.cost.curve("run:batch").setData(x, y)
            self.cost.keep_y_in_view(y)
        frame = dirty.get("frame")
        if frame is None and "epoch" in dirty and dirty["epoch"][1].frame.finite:
            frame = dirty["epoch"][1].frame
        if frame is not None:
            self._later("weights", lambda: self.weights.show_frame(frame))
            self._later("histograms", lambda: self.histograms.set_counts(frame.hist))
        if self._gradients and self.worker is not None:
            grads, self._gradients = self._gradients, []
            self.state.batch_gradients.emit({
                "run": run.name, "steps": [g[0] for g in grads], "labels": list(self.worker.per_batch.labels),
                "delta": np.array([g[1] for g in grads]), "w": np.array([g[2] for g in grads])})
        if "eta" in dirty and self.worker is not None:
            self.controls.set_live_values(dirty["eta"], self.worker.trainer.lmbda)
        if "epoch" in dirty:
            event, result = dirty["epoch"]
            self._later("accuracy", lambda: self._draw_accuracy(run))
            self._later("cost", lambda: (self._draw_epoch_cost(run), self.runs_panel.update_run(run)))
            if result.confusion is not None:
                self._later("confusion", lambda: self.mistakes.show_counts(result))
                self._later("mistakes", lambda: self.mistakes.show_digits(result))
            if result.network is not None:
                self._later("publish", lambda: self._publish(run, event, result.network))
        if "status" in dirty and self.worker is not None:
            self._show_status(*dirty["status"])

    def _show_status(self, epoch: int, batch: int, batches: int, step: int) -> None:
        run = self.run
        now = time.perf_counter()
        last_time, last_step, rate = self._rate
        if now - last_time > 0.5:
            instant = (step - last_step) * run.plan.config.mini_batch_size / (now - last_time)
            rate = instant if rate == 0 else 0.7 * rate + 0.3 * instant
            self._rate = (now, step, rate)
        self.controls.progress.setMaximum(batches)
        self.controls.progress.setValue(batch)
        text = f"Epoch {epoch}/{self.worker.trainer.epochs} · mini-batch {batch:,}/{batches:,}"
        if self.worker.paused:
            text += " · paused"
        elif rate > 0:  # measured over half a second at least
            text += f" · {rate:,.0f} images/s"
        if run.epochs:
            last = run.epochs[-1]
            if last.validation_accuracy is not None:
                text += f" · validation {last.validation_accuracy:.2%} after epoch {last.epoch}"
        self.controls.status.setText(text)

    def _publish(self, run: Run, event: EpochDone, net: Network) -> None:
        net.info.update(self._network_info(run))
        self.latest_network = net
        self.state.set_training_network(net, f"{run.name} (epoch {event.epoch})")
        self.controls.send.setEnabled(True)  # this epoch's network can be sent or saved while the run goes on
        self.controls.save.setEnabled(True)

    def _later(self, key: str, job) -> None:
        """Run ``job`` on a later turn of the event loop, in order, each on its own; a newer job
        with the same key replaces one still waiting, in its place: a fast run that re-queues every
        view at each draw cannot keep pushing the last ones (the mistakes, publishing the network)
        back for ever."""
        self._jobs[key] = job
        if not self._job_timer.isActive():
            self._job_timer.start()

    def _next_job(self) -> None:
        if self._jobs:
            self._hold_training()
            self._jobs.pop(next(iter(self._jobs)))()
        if self._jobs and not self._job_timer.isActive():
            self._job_timer.start()

    def _run_curves(self, run: Run):
        """(plot, key, style) of the current run's curves."""
        lmbda = bool(run.plan.config.lmbda)
        for key, colour, name in (("training_accuracy", TRAIN, "training"), ("validation_accuracy", VALIDATION, "validation"),
                                  ("test_accuracy", TEST, "test")):
            yield self.accuracy, f"run:{key}", dict(color=colour, name=name, symbol="o")  # see _draw_epoch_curve
        yield self.cost, "run:batch", dict(color=BATCH, width=1, name="per mini-batch" + (" (no λ term)" if lmbda else ""),
                                           alpha=200, z=-1, antialias=False)
        yield self.cost, "run:training_cost", dict(color=COST, name="per epoch" + (" (with λ term)" if lmbda else ""),
                                                   symbol="o")

    def _draw_accuracy(self, run: Run) -> None:
        for key in ("training_accuracy", "validation_accuracy", "test_accuracy"):
            self._draw_epoch_curve(run, self.accuracy, key, 100)
        # the ranges fit the curves just drawn; a new range repaints the axes: a turn of its own
        self._later("ranges", lambda: self._fit_ranges(run))

    def _fit_ranges(self, run: Run) -> None:
        """The accuracy plot's y range follows the data (and the book's figure), moving only when they
        leave it; the x axes span the next round number of epochs."""
        if run.epochs:
            self.accuracy.fit_y(force=len(run.epochs) == 1)
            self._show_epochs(run.epochs[-1].epochs, run.epochs[-1].epoch)

    def _draw_epoch_cost(self, run: Run) -> None:
        self._draw_epoch_curve(run, self.cost, "training_cost", 1)

    def _draw_epoch_curve(self, run: Run, plot: CurvePlot, key: str, scale: float) -> None:
        # Markers show the first epochs (a line needs two points); then lines alone, which draw far faster.
        symbol = "o" if len(run.epochs) <= MARKED_EPOCHS else None
        x, y = run.column(key)
        curve = plot.curve(f"run:{key}")
        if curve.opts["symbol"] != symbol:
            curve.setSymbol(symbol)
        if len(x):
            curve.setData(x, scale * y)

    def _show_epochs(self, planned: int, done: int = 0) -> None:
        """Both plots span the next round number of epochs past the ones done (at most the planned
        number): the span changes rarely, so the axes are not redrawn every frame."""
        end = next((n for n in SPANS if n >= done + 1), planned)
        end = min(planned, end) if planned >= done else done
        self.accuracy.set_x_span(0.5, end + 0.5)
        self.cost.set_x_span(0, end)

    def _on_finished(self, event) -> None:
        worker, run = self.worker, self.run
        if worker is None or self._jobs.get("finish") is not None:
            return
        worker.wait()
        run.ended = time.perf_counter()
        sys.setswitchinterval(self._switch_interval)
        self._thaw_heap()
        # The last reports go on screen (a view per turn of the event loop, as after every epoch)
        # before the run is declared over.
        self._draw_timer.stop()
        self._draw()
        self._later("finish", lambda: self._declare_finished(worker, run, event))

    def _declare_finished(self, worker: TrainingWorker, run: Run, event) -> None:
        self._release_training()
        self.worker = None
        net = worker.trainer.net  # the thread is over: the network is ours now (restored if it diverged)
        net.info.update(self._network_info(run))
        run.network = net
        if isinstance(event, Diverged):
            run.status, run.message = "diverged", event.message
            self._show_weights_as_they_are()
            # (the message says where the network is back to; the views show it)
            self.controls.show_banner(f"<b>The run diverged:</b> {event.message}.", "error")
        elif isinstance(event, Finished):
            run.status = "finished"
            run.message = self._finished_message(run, event)
            self.controls.show_banner(f"<b>{run.name}</b> {run.message}", "info")
        elif isinstance(event, Stopped):
            n = event.epochs_run
            run.status, run.message = "stopped", (f"{event.reason.capitalize()} after {n} complete "
                                                   f"epoch{'s' if n != 1 else ''}; the network is kept as it was.")
            self.controls.show_banner(run.message, "warning")
        self.state.set_training_network(net, f"{run.name} ({run.status})")
        self.runs_panel.update_run(run)
        self.controls.status.setText(f"{run.name} {run.status}.")
        self._update_controls()
        worker.deleteLater()

    def _show_weights_as_they_are(self) -> None:
        """The weight views for the network as it is now that its thread is over (after a divergence:
        back to its last good weights), the histograms' ranges fitted to them again."""
        probe = self.weights.probe
        if probe is not None:
            probe.reset_ranges()
            frame = probe.frame()
            self.weights.show_frame(frame)
            self.histograms.set_counts(frame.hist)

    def _finished_message(self, run: Run, event: Finished) -> str:
        """E.g. "finished after 30 epochs; best validation accuracy 95.23% at epoch 28, test accuracy
        there 94.91% (the book: 95.42% test)." (short enough for the banner's two lines)."""
        n = event.epochs_run
        epochs = f"{n} epoch{'s' if n != 1 else ''}"
        text = f"finished after {epochs}" if event.reason == "completed" else f"stopped after {epochs}: {event.reason}"
        if event.best_epoch is not None:
            text += f"; best validation accuracy {event.best_validation_accuracy:.2%} at epoch {event.best_epoch}"
            if event.test_accuracy_at_best is not None:
                text += f", test accuracy there {event.test_accuracy_at_best:.2%}"
        preset = run.plan.preset
        if preset is not None:
            text += (f" (the book: {preset.book.accuracy:.2%} {preset.book.split}"
                     + (", for the preset as it is" if run.plan.changes else "") + ")")
        return text + "."

    def _network_info(self, run: Run) -> dict:
        best = run.best()
        metrics = {}
        if best is not None:
            metrics = {"epoch": best.epoch, "validation_accuracy": best.validation_accuracy,
                       "test_accuracy": best.test_accuracy}
        return {"title": run.name, "preset": run.plan.preset.name if run.plan.preset else None,
                "description": run.plan.describe(), "config": run.plan.config.to_dict(),
                "epochs_trained": len(run.epochs), "metrics": metrics}

    # --- run control ---------------------------------------------------------------------------------
    def toggle_pause(self) -> None:
        if self.worker is None:
            return
        if self.worker.paused:
            self.worker.resume()
            self.run.status = "running"
            self._rate = (time.perf_counter(), self.worker.step_count, self._rate[2])  # the pause is not training time
        else:
            self.worker.pause()
            self.run.status = "paused"
        self.runs_panel.update_run(self.run)
        self._update_controls()

    def pause(self) -> None:
        if self.worker is not None and not self.worker.paused:
            self.toggle_pause()

    def resume(self) -> None:
        if self.worker is not None and self.worker.paused:
            self.toggle_pause()

    def step(self) -> None:
        if self.worker is not None and self.worker.paused:
            self.worker.step()

    def add_epoch(self) -> None:
        if self.worker is not None:
            self.worker.add_epochs(1)
            self.controls.status.setText(f"{self.run.name}: now {self.worker.trainer.epochs} epochs.")

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
        elif self._preparer is not None:
            self._cancelled = True
            self.controls.status.setText("Cancelling…")
        elif self._pending_plan is not None:
            self._pending_plan = None
            self.controls.status.setText("Start cancelled.")
            self._update_controls()

    def _set_eta(self, value: float) -> None:
        if self.worker is not None and value > 0:
            self.worker.trainer.eta = float(value)  # used from the next mini-batch

    def _set_lmbda(self, value: float) -> None:
        if self.worker is not None and value >= 0:
            self.worker.trainer.lmbda = float(value)

    def _plan_changed(self, plan: RunPlan | None) -> None:
        if plan is not None and not self.running and self._preparer is None:
            self.controls.set_live_values(plan.config.eta, plan.config.lmbda)  # what Start will train with
        self._update_controls()

    def _update_controls(self) -> None:
        if self.worker is not None:
            state = "paused" if self.worker.paused else "running"
        elif self._preparer is not None or self._pending_plan is not None:
            state = "preparing"
        else:
            state = "idle"
        self.controls.set_state(state, can_start=self.form.plan is not None)
        has_net = self.run is not None and (self.run.network is not None or self.latest_network is not None)
        self.controls.send.setEnabled(has_net)
        self.controls.save.setEnabled(has_net)
        self.form.setEnabled(state == "idle")

    def shutdown(self) -> None:
        """Stop a run (the window is closing) and wait for its thread."""
        self._pending_plan = None
        self._cancelled = self._preparer is not None
        self._jobs.pop("start", None)  # a run whose thread has not started yet never will
        self._release_training()
        if self.worker is not None:
            self.worker.stop()
            self.worker.wait(5000)
            sys.setswitchinterval(self._switch_interval)
            self._thaw_heap()

    def _thaw_heap(self) -> None:
        """The objects set aside when the run started are collected as usual again."""
        if self._heap_frozen:
            gc.unfreeze()
            self._heap_frozen = False

    # --- data ----------------------------------------------------------------------------------------
    def _data_ready(self, data) -> None:
        self.form.set_training_images(len(data.train))
        plan, self._pending_plan = self._pending_plan, None
        if plan is not None:
            plan = self.form.validate_now()  # checked again now that the number of images is known
            if plan is None:
                self.controls.status.setText("Fix the fields marked in red first.")
                self._update_controls()
                return
            self._prepare(plan)

    def _data_failed(self, message: str) -> None:
        if self._pending_plan is not None:
            self._pending_plan = None
            self.controls.show_banner(f"Cannot load MNIST: {message}", "error")
            self._update_controls()

    # --- runs: overlays, export, save, send ------------------------------------------------------------
    def _draw_overlays(self) -> None:
        for plot in (self.accuracy, self.cost):
            plot.remove_curves("overlay:")
        for run in self.runs_panel.overlaid():
            if run is self.run and self.running:
                continue
            x, y = run.column("validation_accuracy")
            if len(x):
                self.accuracy.set_curve(f"overlay:{run.id}", x, 100 * y, run.colour, dash=True, width=1.6,
                                        name=f"#{run.id} validation")
            x, y = run.column("training_cost")
            if len(x):
                self.cost.set_curve(f"overlay:{run.id}", x, y, run.colour, dash=True, width=1.6,
                                    name=f"#{run.id} per epoch")
        awaiting_first_epoch = self.run is not None and not self.run.epochs and self.run.status in ("running", "paused")
        if not awaiting_first_epoch:  # (until a run's first epoch, the accuracy plot spans 0-100 %)
            self.accuracy.fit_y(force=True)

    def _remove_selected(self) -> None:
        run = self.runs_panel.selected()
        if run is None or (run is self.run and self.running):
            return
        self.runs_panel.remove_run(run)
        self.runs.remove(run)

    def network_of(self, run: Run | None) -> Network | None:
        """A copy of a run's network (during a run: as it was after the last epoch)."""
        if run is None:
            return None
        if run.network is not None:
            return snapshot_network(run.network)
        if run is self.run and self.latest_network is not None:
            return snapshot_network(self.latest_network)
        return None

    def send_to_draw(self, run: Run | None) -> bool:
        net = self.network_of(run)
        if net is None:
            self.controls.status.setText("No network yet: wait for the first epoch to finish.")
            return False
        self.state.set_network(net, run.name)
        self.state.status.emit(f"{run.name} is now the Draw tab's network")
        return True

    def save_run_network(self, run: Run, path: str | Path) -> bool:
        net = self.network_of(run)
        if net is None:
            return False
        try:
            save_network(net, path)
        except ModelFileError as exc:
            QMessageBox.warning(self, "Cannot save the network", str(exc))
            return False
        self.state.status.emit(f"Saved {Path(path).name}")
        return True

    def save_dialog(self, run: Run | None) -> None:
        if run is None:
            return
        name = f"{run.plan.preset.name if run.plan.preset else 'custom'}-run{run.id}.npz"
        path, _ = QFileDialog.getSaveFileName(self, "Save network", str(Path.home() / name),
                                              "NNDL networks (*.npz)")
        if path:
            self.save_run_network(run, path if path.endswith(".npz") else path + ".npz")

    def export_csv(self, path: str | Path) -> Path:
        runs = self.runs_panel.overlaid() or self.runs
        return write_csv(runs, path)

    def export_csv_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export runs as CSV", str(Path.home() / "nndl-runs.csv"),
                                              "CSV files (*.csv)")
        if path:
            try:
                self.export_csv(path)
            except OSError as exc:
                QMessageBox.warning(self, "Cannot export", f"Could not write {path}: {exc.strerror or exc}")

    def export_png(self, path: str | Path) -> bool:
        """The accuracy and cost plots (with their overlays) as a PNG, written atomically."""
        image = self.curves.grab()
        try:
            with atomic_path(path) as tmp:
                if not image.save(str(tmp), "PNG"):
                    raise OSError(f"could not encode {Path(path).name}")
        except OSError:
            return False
        return True

    def export_png_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export plots as PNG", str(Path.home() / "nndl-curves.png"),
                                              "PNG images (*.png)")
        if path and not self.export_png(path if path.lower().endswith(".png") else path + ".png"):
            QMessageBox.warning(self, "Cannot export", f"Could not write {path}.")
