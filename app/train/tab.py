"""The Train tab: train the book's networks (or your own) and watch them learn, live.

Left: the set-up form (a preset with the book's figure, or a custom network) and the list of runs.
Right: the run controls and the live views: accuracy and cost curves (with the book's figure as a
reference line and other runs overlaid), the weights as images (or a CNN's filters and feature maps),
per-layer weight histograms, and on the validation set the confusion matrix and the mistakes.

The run itself is an ``app.train.session.TrainingSession``: this tab lays out the widgets, turns
clicks into the session's actions and draws what its signals say (the views are fed copies prepared
on the training thread, ``app.train.live``); the heavier views are drawn one per turn of the event
loop (``session.queue``).
"""
from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget

from app import numbers, theme
from app.train import export
from app.train.controls import RunControls
from app.train.curves_view import RunCurves
from app.train.form import SetupForm
from app.train.live import LiveProbe
from app.train.mistakes import Mistakes
from app.train.plan import RunPlan
from app.train.runs import Run, write_csv
from app.train.runs_panel import RunsPanel
from app.train.session import State, TrainingSession, Update
from app.train.weights_view import WeightsPanel
from app.widgets.confusion import ConfusionMatrix
from app.widgets.gallery import DigitGallery
from app.widgets.histogram import LayerHistograms
from core.network import Network

SIDE_WIDTH = 350  # pixels: the set-up form and the CNN builder's rows
GALLERY_MIN_WIDTH = 180  # pixels: enough for "Mistakes: 1,234 of 10,000"

STYLE = f"""
QLabel#hint {{ color: {theme.MUTED}; font-size: {theme.FONT_SMALL}px; }}
QLabel#status {{ color: {theme.TEXT}; }}
QLabel#fieldError {{ color: {theme.ERROR}; font-size: {theme.FONT_SMALL}px; }}
QLabel#card {{ background: {theme.SURFACE}; border: 1px solid {theme.BORDER}; border-radius: 4px; padding: 6px; }}
QLineEdit[invalid="true"] {{ border: 1px solid {theme.ERROR}; border-radius: 2px; }}
QPushButton#primary:enabled {{ background: {theme.PRIMARY}; color: white; font-weight: bold; }}
QSplitter::handle {{ background: transparent; }}
QSplitter::handle:hover {{ background: {theme.BORDER}; }}
"""
BANNERS = {"finished": "info", "stopped": "warning", "diverged": "error"}


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
        self.session = TrainingSession(state, self)
        self._widths_held = False  # the views' minimum widths follow what they show (see showEvent)
        self.close_box: QMessageBox | None = None  # the question asked when the window closes during a run
        self._build()
        session, controls = self.session, self.controls
        actions = controls.actions
        actions["start"].triggered.connect(self.start)
        actions["pause"].triggered.connect(session.toggle_pause)
        actions["step"].triggered.connect(session.step)
        actions["more"].triggered.connect(self.add_epoch)
        actions["stop"].triggered.connect(session.stop)
        controls.eta_changed.connect(session.set_eta)
        controls.lmbda_changed.connect(session.set_lmbda)
        controls.send.clicked.connect(lambda: self.send_to_draw(self.run))
        controls.save.clicked.connect(lambda: self.save_dialog(self.run))
        self.runs_panel.overlays_changed.connect(self._draw_overlays)
        self.runs_panel.send.clicked.connect(lambda: self.send_to_draw(self.runs_panel.selected()))
        self.runs_panel.save.clicked.connect(lambda: self.save_dialog(self.runs_panel.selected()))
        self.runs_panel.remove.clicked.connect(self._remove_selected)
        self.runs_panel.export_csv.clicked.connect(
            lambda: export.export_csv_dialog(self, self.runs_panel.overlaid() or self.runs))
        self.runs_panel.export_png.clicked.connect(lambda: export.export_png_dialog(self, self.curves))
        self.form.plan_changed.connect(self._plan_changed)
        session.state_changed.connect(self._state_changed)
        session.status.connect(controls.status.setText)
        session.problem.connect(lambda text: controls.show_banner(text, "error"))
        session.started.connect(self._run_started)
        session.updated.connect(self._draw)
        session.published.connect(lambda _run: self._update_controls())
        session.changed.connect(self._show_changes)
        session.ended.connect(self._run_ended)
        state.data_ready.connect(lambda data: self.form.set_training_images(len(data.train)))
        if state.data is not None:
            self.form.set_training_images(len(state.data.train))
        # the network the other tabs show can be trained further here (the picker's first entry)
        state.network_changed.connect(lambda _net: self._offer_active_network())
        state.network_saved.connect(lambda _path: self._offer_active_network())
        self._offer_active_network()
        self.curves.show_epochs(self.form.plan.config.epochs if self.form.plan else 5)
        self._plan_changed(self.form.plan)  # (η and λ beside the controls: what Start will train with)

    # --- the session, as the tab's users see it --------------------------------------------------------
    worker = property(lambda self: self.session.worker, doc="the run's TrainingWorker (None between runs)")
    run = property(lambda self: self.session.run, doc="the run going on, or the last one")
    runs = property(lambda self: self.session.runs)
    latest_network = property(lambda self: self.session.latest_network)
    running = property(lambda self: self.session.worker is not None)
    menu = property(lambda self: self.controls.menu, doc="the Training menu (its actions' shortcuts)")

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
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        setup = QWidget()
        setup_layout = QVBoxLayout(setup)
        setup_layout.setContentsMargins(0, 0, 0, 0)
        setup_layout.setSpacing(0)
        setup_layout.addWidget(scroll, 1)
        setup_layout.addWidget(self.form.messages)  # a message shrinks the scroll area, moving no field
        self.runs_panel = RunsPanel(has_network=lambda run: self.session.network_available(run))
        self.side = QTabWidget()
        self.side.addTab(setup, "Set-up")
        self.side.addTab(self.runs_panel, "Runs")
        self.side.setFixedWidth(SIDE_WIDTH)  # whatever the form shows: the views beside it never move

        self.controls = RunControls()
        self.curves = RunCurves()
        self.accuracy, self.cost = self.curves.accuracy, self.curves.cost
        self.weights = WeightsPanel()
        self.histograms = LayerHistograms("Weights: start (grey) and now")
        self.confusion = ConfusionMatrix("Confusion (validation)", hidden_title="Confusion: hover a cell")
        self.confusion.setToolTip("Rows: the true digit; columns: the network's answer. Hover a cell for "
                                  "its count; click a red cell to see those mistakes in the gallery (again to "
                                  "see all).")
        self.gallery = DigitGallery("Mistakes (validation)")
        self.gallery.setToolTip("The validation digits the network gets wrong, the ones it is surest about "
                                "first (true → answer), as many as fit. Click one to open it in the Draw tab.")
        self.mistakes = Mistakes(self.confusion, self.gallery, self.state, self)
        for view in (self.histograms, self.confusion, self.gallery):
            view.ci.setContentsMargins(3, 3, 3, 3)  # pyqtgraph's 9 px a side is room the plots can use

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
        self.controls.set_shown(True)
        if not self._widths_held:  # their titles' sizes are known once they are shown
            self._widths_held = True
            hold_content_width(self.confusion, self.confusion.least_width())  # (either of its titles)
            hold_content_width(self.gallery, GALLERY_MIN_WIDTH)  # its title grows with the numbers in it
            hold_content_width(self.histograms)

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self.controls.set_shown(False)  # another tab is on show: its keys are its own

    def export_widget(self) -> QWidget:
        return self.views

    # the page protocol (the layout audit's): the side panel's tabs
    PAGE_NAMES = ["setup", "runs"]

    def page_names(self) -> list[str]:
        return list(self.PAGE_NAMES)

    def show_page(self, name: str) -> QWidget:
        self.side.setCurrentIndex(self.PAGE_NAMES.index(name))
        return self.side.currentWidget()

    # --- actions -------------------------------------------------------------------------------------
    def start(self) -> bool:
        """Start a run with the form's set-up; False (with the reason shown) when it cannot start."""
        if self.session.state.busy:
            return False
        plan = self.form.validate_now()
        if plan is None:
            self.controls.status.setText("Fix the fields marked in red first.")
            return False
        self.controls.hide_banner()
        return self.session.start(plan, recheck=self._recheck)

    def _recheck(self, data) -> RunPlan | None:
        """The form's plan again, now that MNIST (and so the number of training images) is known."""
        self.form.set_training_images(len(data.train))
        return self.form.validate_now()

    def pause(self) -> None:
        self.session.pause()

    def resume(self) -> None:
        self.session.resume()

    def step(self) -> None:
        self.session.step()

    def stop(self) -> None:
        self.session.stop()

    def add_epoch(self) -> None:
        if self.worker is not None:
            self.session.add_epochs(1)
            self.controls.status.setText(f"{self.run.name}: now {self.run.first_epoch + self.worker.trainer.epochs} "
                                         "epochs.")

    def shutdown(self) -> None:
        """Stop a run (the window is closing) and wait for its thread."""
        self.session.shutdown()

    def confirm_close(self) -> bool:
        """The window is about to close: True to let it. During a run, ask (the run paused meanwhile)
        whether to save its network (as it was after its last epoch), discard it, or not close."""
        session, run = self.session, self.run
        if session.state not in (State.RUNNING, State.PAUSED) or run is None:
            return True
        was_running = session.state is State.RUNNING
        session.pause()
        ready = session.network_available(run)
        box = QMessageBox(QMessageBox.Icon.Question, "A run is going on",
                          f"<b>{run.name}</b> is training: epoch {max(run.last_epoch, run.first_epoch + 1)} of "
                          f"{run.first_epoch + self.worker.trainer.epochs}.", parent=self)
        save = None
        if ready:
            box.setInformativeText(f"Save its network (as it was after epoch {run.last_epoch}) before closing?")
            save = box.addButton("Save network…", QMessageBox.ButtonRole.AcceptRole)
        else:
            box.setInformativeText("No epoch has finished yet: there is no network to save.")
        discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(save or box.button(QMessageBox.StandardButton.Cancel))
        self.close_box = box  # (tests answer it)
        box.exec()
        self.close_box = None
        clicked = box.clickedButton()
        if clicked is discard:
            return True
        if clicked is save:
            path = export.ask_path(self, "Save network", export.save_dialog_name(run), "NNDL networks (*.npz)", ".npz")
            if path and self.save_run_network(run, path):
                return True
        if was_running:
            session.resume()
        return False

    # --- what the session says -----------------------------------------------------------------------
    def _state_changed(self, state: State) -> None:
        if state in (State.RUNNING, State.PAUSED) and self.run is not None:
            self.runs_panel.update_run(self.run)
        self._update_controls()

    def _plan_changed(self, plan: RunPlan | None) -> None:
        if plan is not None and not self.session.state.busy:
            self.controls.set_live_values(plan.config.eta, plan.config.lmbda)  # what Start will train with
        self._update_controls()

    def _update_controls(self) -> None:
        state = self.session.state
        shown = state.value if state.busy else "idle"
        self.controls.set_state(shown, can_start=self.form.plan is not None)
        has_net = self.session.network_available(self.run)
        self.controls.send.setEnabled(has_net)
        self.controls.save.setEnabled(has_net)
        self.runs_panel.refresh()  # (its Save and Send, for the run selected there)
        self.form.setEnabled(shown == "idle")

    def _offer_active_network(self) -> None:
        """Offer the network the other tabs show to train further, named after the run it came
        from if it came from one here."""
        net = self.state.network
        run = self.session.run_of(net)
        self.form.set_active_network(net, run.name if run is not None else self.state.network_label)

    def _run_started(self, run: Run, probe: LiveProbe) -> None:
        self.runs_panel.add_run(run)
        self.curves.reset(run)
        self.weights.configure(probe)
        self.histograms.set_layers(probe.hist_names)
        hold_content_width(self.histograms)
        first = probe.frame()  # the initial weights (the worker thread has not started yet)
        self.weights.show_frame(first)
        self.histograms.set_counts(first.hist)
        self.mistakes.clear()
        self._draw_overlays()
        self.controls.set_live_values(run.plan.config.eta, run.plan.config.lmbda)
        self.controls.status.setText(f"{run.name}: training…")
        self.controls.progress.setValue(0)
        self.controls.progress.show()
        self._show_changes(run)
        self.run_started.emit(run)

    def _show_changes(self, run: Run) -> None:
        """The run line (which run, what it trains, and the changes of η and λ so far), the run's
        tooltip in the Runs panel, the marks on the curves and the note in the set-up form."""
        steps = self.session.steps_done() if run is self.run else 0
        latest = {c.name: c for c in run.changes}  # the last change of each
        changes = [run.describe_change(c, steps) for c in latest.values()]
        # parts a narrow window leaves out from the end: which run, what changed, then what it trains
        parts = [run.short_name] + changes + run.plan.describe().split(", ")
        self.controls.detail.setText(" · ".join(parts))
        self.controls.detail.setToolTip(run.describe(steps))
        self.runs_panel.update_run(run)
        if run is self.run:
            self.curves.show_changes(run, steps)
            self.form.show_note("" if not run.changes else
                                f"While {run.name} trained: " + "; ".join(run.describe_change(c, steps)
                                                                          for c in run.changes)
                                + ". The fields keep the values it started with.")

    def _draw(self, update: Update) -> None:
        """Put what is new on screen: the cheap views now, the heavier ones a piece per turn of the
        event loop, so that no single turn stalls."""
        run, later = update.run, self.session.queue.later
        if update.batch:
            self.curves.draw_batch_cost(run)
        frame = update.frame
        if frame is not None:
            later("weights", lambda: self.weights.show_frame(frame))
            later("histograms", lambda: self.histograms.set_counts(frame.hist))
        if update.eta is not None:
            self.controls.set_live_values(update.eta, update.lmbda)
        if update.epoch is not None:
            result = update.epoch[1]
            # the ranges fit the curves just drawn; a new range repaints the axes: a turn of its own
            later("accuracy", lambda: (self.curves.draw_accuracy(run),
                                       later("accuracy range", lambda: self.curves.fit_accuracy(run)),
                                       later("cost range", lambda: self.curves.fit_cost(run))))
            later("cost", lambda: (self.curves.draw_epoch_cost(run), self.runs_panel.update_run(run)))
            if result.confusion is not None:
                later("confusion", lambda: self.mistakes.show_counts(result))
                later("mistakes", lambda: self.mistakes.show_digits(result))
        if update.progress is not None:
            self._show_progress(run, update.progress)

    def _show_progress(self, run: Run, p) -> None:
        self.controls.progress.setMaximum(p.batches)
        self.controls.progress.setValue(p.batch)
        text = f"Epoch {p.epoch}/{p.epochs} · mini-batch {p.batch:,}/{p.batches:,}"
        if p.paused:
            text += " · paused"
        else:
            if p.remaining is not None:
                text += f" · about {numbers.duration(max(1.0, round(p.remaining)))} left"
            if p.rate > 0:  # measured over half a second at least
                text += f" · {p.rate:,.0f} images/s"
        last = run.all_epochs()[-1] if run.all_epochs() else None
        if last is not None and last.validation_accuracy is not None:
            text += f" · validation {numbers.percent(last.validation_accuracy)} after epoch {last.epoch}"
        self.controls.status.setText(text)

    def _run_ended(self, run: Run) -> None:
        if run.status == "diverged":
            self._show_weights_as_they_are()
            # (the message says where the network is back to; the views show it)
            self.controls.show_banner(f"<b>The run diverged:</b> {run.message}.", "error")
        elif run.status == "finished":  # (a run that learned nothing is a warning)
            # (a custom network's whole name would fill the banner: "#4 custom", as the run line names it)
            self.controls.show_banner(f"<b>{run.short_name if run.preset is None else run.name}</b> {run.message}",
                                      "warning" if run.note else "info")
        else:
            self.controls.show_banner(run.message, BANNERS[run.status])
        self.runs_panel.update_run(run)
        self.controls.status.setText(f"{run.name} {run.status}.")
        self._update_controls()

    def _show_weights_as_they_are(self) -> None:
        """The weight views for the network as it is now that its thread is over (after a divergence:
        back to its last good weights), the histograms' ranges fitted to them again."""
        probe = self.weights.probe
        if probe is not None:
            probe.reset_ranges()
            frame = probe.frame()
            self.weights.show_frame(frame)
            self.histograms.set_counts(frame.hist)

    # --- runs: overlays, export, save, send ------------------------------------------------------------
    def _draw_overlays(self) -> None:
        run = self.run
        overlaid = [r for r in self.runs_panel.overlaid() if not (r is run and self.running)]
        awaiting_first_epoch = run is not None and not run.epochs and run.status in ("running", "paused")
        self.curves.show_overlays(overlaid, awaiting_first_epoch)

    def _remove_selected(self) -> None:
        run = self.runs_panel.selected()
        if run is not None and self.session.remove_run(run):
            self.runs_panel.remove_run(run)

    def network_of(self, run: Run | None) -> Network | None:
        """A copy of a run's network (during a run: as it was after the last epoch)."""
        return self.session.network_of(run)

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
        return net is not None and export.save_run_network(self, self.state, net, path)

    def save_dialog(self, run: Run | None) -> None:
        if run is not None:
            path = export.ask_path(self, "Save network", export.save_dialog_name(run), "NNDL networks (*.npz)", ".npz")
            if path:
                self.save_run_network(run, path)

    def export_csv(self, path: str | Path) -> Path:
        """The overlaid runs (all of them if none is), one row per epoch."""
        return write_csv(self.runs_panel.overlaid() or self.runs, path)

    def export_png(self, path: str | Path) -> bool:
        """The accuracy and cost plots (with their overlays) as a PNG, written atomically."""
        return export.export_png(self.curves, path)
