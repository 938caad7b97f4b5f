"""A training run as a model: ``TrainingSession`` holds what a run is and does; the Train tab's views
subscribe to its signals and keep none of its state (napari's model → view). It touches no widget,
so it is tested without one.

Its lifecycle is one explicit :class:`State`: idle → preparing (MNIST loading if needed, then the
network and the trainer built off the GUI thread) → running ⇄ paused → finished, diverged or
stopped, from which Start begins the next run. Stop while preparing cancels the start (the state
goes back to what it was).

Signals:

- ``state_changed(State)``
- ``status(str)``: where a start has got to ("Loading MNIST…", "Start cancelled."), for a status line
- ``problem(str)``: why a start failed, or an error that stopped the run
- ``started(Run, LiveProbe)``: a run begins; its views reset now, before its thread starts
- ``updated(Update)``: what the worker reported since the last update, at most every FRAME_INTERVAL
  however fast a small network reports (1,000 images: ~20 epochs a second)
- ``published(Run)``: the run's network after its latest epoch is ``latest_network`` (it can be sent
  to the other tabs or saved while the run goes on)
- ``ended(Run)``: the run is over; ``run.status``, ``run.message`` and ``run.network`` say how. A run
  that diverges (NaN, or blown up while finite: ``core.divergence``) ends with the trainer's
  explanation and its last good weights.

The worker is an ``app.worker.TrainingWorker``; while its thread runs, the measures of
``app.train.pacing.ResponsiveRun`` are in force. Each epoch's network is published to the other tabs
(``AppState.set_training_network``) and per-mini-batch gradient sizes go to the Gradients tab
(``AppState.batch_gradients``).
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from enum import Enum

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from app import jobs, theme
from app.train.live import BatchGradients, EpochFrame, Frame, LiveProbe, snapshot_network
from app.train.pacing import DrawQueue, ResponsiveRun
from app.train.plan import RunPlan
from app.train.runs import Run, finished_message
from app.worker import TrainingWorker
from core.data import MNIST
from core.network import Network
from core.training import Diverged, EpochDone, Finished, Trainer

FRAME_INTERVAL = 0.125  # seconds between live-view updates (8 a second; the issue asks for at least 5)


class State(str, Enum):
    IDLE = "idle"  # no run yet
    PREPARING = "preparing"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    DIVERGED = "diverged"
    STOPPED = "stopped"

    @property
    def busy(self) -> bool:
        """A start is being prepared or a run goes on: Start waits."""
        return self in (State.PREPARING, State.RUNNING, State.PAUSED)


@dataclass(frozen=True)
class Progress:
    """Where the run is: epoch of epochs (planned, "+1 epoch" included), mini-batch of batches, the
    mini-batches trained so far, and images per second (0 until measured over half a second)."""

    epoch: int
    epochs: int
    batch: int
    batches: int
    step: int
    rate: float
    paused: bool


@dataclass(frozen=True)
class Update:
    """What is new since the last update of the views."""

    run: Run
    batch: bool = False  # new per-mini-batch costs in ``run.batch``
    frame: Frame | None = None  # the newest finite live frame (weights, histograms, ...)
    epoch: tuple[EpochDone, EpochFrame] | None = None  # the newest epoch (already in ``run.epochs``)
    eta: float | None = None  # η and λ now (they may change during a run)
    lmbda: float | None = None
    progress: Progress | None = None


def prepare(plan: RunPlan, data: MNIST) -> tuple[RunPlan, Trainer, LiveProbe]:
    """Off the GUI thread: build the network and the trainer (expanding the data can take seconds)
    and the probe that feeds the views."""
    net = plan.build_network()
    trainer = Trainer(net, data, plan.config)
    trainer.keep_validation_outputs = True
    probe = LiveProbe(net, data.validation, seed=plan.config.seed)
    return plan, trainer, probe


def outcome(run: Run, event) -> tuple[str, str]:
    """(status, message) of a run that ended with ``event`` (Finished, Diverged or Stopped)."""
    if isinstance(event, Diverged):
        return "diverged", event.message
    if isinstance(event, Finished):
        return "finished", finished_message(run, event)
    n = event.epochs_run
    return "stopped", (f"{event.reason.capitalize()} after {n} complete epoch{'s' if n != 1 else ''}; "
                       "the network is kept as it was.")


class TrainingSession(QObject):
    state_changed = Signal(State)
    status = Signal(str)
    problem = Signal(str)
    started = Signal(Run, LiveProbe)
    updated = Signal(Update)
    published = Signal(Run)
    ended = Signal(Run)

    def __init__(self, shared, parent: QObject | None = None):
        """``shared``: the ``AppState`` the tabs share (MNIST, and where the run's network goes)."""
        super().__init__(parent)
        self.shared = shared
        self.state = State.IDLE
        self.runs: list[Run] = []
        self.run: Run | None = None  # the run going on (or the last one)
        self.latest_network: Network | None = None  # the current run's network after its last epoch
        self.worker: TrainingWorker | None = None
        self._preparer: jobs.Call | None = None
        self._waiting: tuple[RunPlan, Callable] | None = None  # a plan waiting for MNIST, and its re-check
        self._before_start = State.IDLE  # where a cancelled start goes back to
        self._measures: ResponsiveRun | None = None
        self._in_force = ExitStack()  # the measures, while a run's thread goes on
        self._dirty: dict = {}  # what the worker reported since the last update
        self._gradients: list = []  # per-mini-batch gradient norms not yet sent to the other tabs
        self._rate = (0.0, 0, 0.0)  # (time, step, images per second)
        self._last_update = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._update)
        #: the views' heavier updates, one per turn of the event loop (the session's own steps go there too)
        self.queue = DrawQueue(self.hold_frame, self)
        shared.data_ready.connect(self._data_ready)
        shared.data_failed.connect(self._data_failed)

    # --- starting ------------------------------------------------------------------------------------
    def start(self, plan: RunPlan, recheck: Callable[[MNIST], RunPlan | None] | None = None) -> bool:
        """Start a run of ``plan`` (False while another is prepared or goes on). Without MNIST, it
        loads first, and ``recheck(data)`` then checks the plan again now that the number of training
        images is known (None cancels the start)."""
        if self.state.busy:
            return False
        self._before_start = self.state
        if self.shared.data is None:
            self._waiting = (plan, recheck or (lambda _data: plan))
            self._set_state(State.PREPARING)
            self.status.emit("Loading MNIST…")
            self.shared.request_data()
        else:
            self._prepare(plan)
        return True

    def _data_ready(self, data: MNIST) -> None:
        if self._waiting is None:
            return
        (plan, recheck), self._waiting = self._waiting, None
        plan = recheck(data)
        if plan is None:
            self._set_state(self._before_start)
            self.status.emit("Fix the fields marked in red first.")
        else:
            self._prepare(plan)

    def _data_failed(self, message: str) -> None:
        if self._waiting is not None:
            self._waiting = None
            self._set_state(self._before_start)
            self.problem.emit(f"Cannot load MNIST: {message}")

    def _prepare(self, plan: RunPlan) -> None:
        self._set_state(State.PREPARING)
        self.status.emit("Preparing the network and the data…" + (
            " (expanding to 250,000 images)" if plan.config.expand else ""))
        self._preparer = jobs.call(prepare, plan, self.shared.data, done=self._launch, failed=self._prepare_failed,
                                   owner=self)

    def _prepare_failed(self, exc: Exception) -> None:
        self._preparer = None
        self._set_state(self._before_start)
        self.problem.emit(f"Cannot start: {exc}")
        self.status.emit("")

    def _launch(self, prepared: tuple[RunPlan, Trainer, LiveProbe]) -> None:
        self._preparer = None
        plan, trainer, probe = prepared
        batches = math.ceil(trainer.n / plan.config.mini_batch_size)
        run = Run(len(self.runs) + 1, plan, theme.RUN_COLOURS[len(self.runs) % len(theme.RUN_COLOURS)], batches)
        self.runs.append(run)
        self.run, self.latest_network = run, None
        self._dirty, self._gradients = {}, []
        self.queue.clear()
        worker = TrainingWorker(trainer, snapshot=probe.frame, epoch_snapshot=probe.epoch, interval=FRAME_INTERVAL,
                                per_batch=BatchGradients(trainer.net, plan.config.mini_batch_size, trainer.n),
                                owner=self)
        worker.on(worker.progress, self._on_progress).on(worker.epoch_done, self._on_epoch)
        worker.on(worker.finished_run, self._on_finished)
        worker.on(worker.error, lambda message: self.problem.emit(f"Training stopped by an error: {message}"))
        self.worker = worker
        self._rate = (time.perf_counter(), 0, 0.0)
        self._set_state(State.RUNNING)
        self.started.emit(run, probe)
        # The views just reset are painted first, on their own, before the training thread competes
        # for the CPU: the thread starts on a later turn of the event loop.
        self.queue.later("start", lambda: self._start_thread(worker, run))

    def _start_thread(self, worker: TrainingWorker, run: Run) -> None:
        if self.worker is not worker or worker.isRunning() or worker.isFinished():
            return
        self._measures = self._in_force.enter_context(ResponsiveRun(worker))
        run.started = time.perf_counter()
        worker.start()

    def hold_frame(self) -> None:
        """Keep the training thread between two mini-batches while this turn of the event loop draws
        (see ``ResponsiveRun.hold_frame``)."""
        if self._measures is not None:
            self._measures.hold_frame()

    def _end_measures(self) -> None:
        self._in_force.close()
        self._measures = None

    # --- control -------------------------------------------------------------------------------------
    def toggle_pause(self) -> None:
        worker = self.worker
        if worker is None:
            return
        if worker.paused:
            worker.resume()
            self._rate = (time.perf_counter(), worker.step_count, self._rate[2])  # the pause is not training time
            self._set_state(State.RUNNING)
        else:
            worker.pause()
            self._set_state(State.PAUSED)

    def pause(self) -> None:
        if self.state is State.RUNNING:
            self.toggle_pause()

    def resume(self) -> None:
        if self.state is State.PAUSED:
            self.toggle_pause()

    def step(self) -> None:
        """While paused: train one mini-batch, then pause again."""
        if self.worker is not None and self.worker.paused:
            self.worker.step()

    def add_epochs(self, n: int = 1) -> None:
        if self.worker is not None:
            self.worker.add_epochs(n)

    def set_eta(self, value: float) -> None:
        if self.worker is not None and value > 0:
            self.worker.trainer.eta = float(value)  # used from the next mini-batch

    def set_lmbda(self, value: float) -> None:
        if self.worker is not None and value >= 0:
            self.worker.trainer.lmbda = float(value)

    def stop(self) -> None:
        """Stop the run (it ends with ``ended``), or cancel a start being prepared."""
        if self.worker is not None:
            self.worker.stop()
        elif self._preparer is not None or self._waiting is not None:
            if self._preparer is not None:
                self._preparer.cancel()  # (its thread finishes what it was building; the result is dropped)
            self._preparer = self._waiting = None
            self._set_state(self._before_start)
            self.status.emit("Start cancelled.")

    def shutdown(self) -> None:
        """The window is closing: cancel a start, end a run (no signal follows) and wait for its thread."""
        self._waiting = None
        if self._preparer is not None:
            self._preparer.cancel()
        self.queue.drop("start")  # a run whose thread has not started yet never will
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait(5000)
        self._end_measures()

    def _set_state(self, state: State) -> None:
        self.state = state
        if self.run is not None and self.worker is not None and state in (State.RUNNING, State.PAUSED):
            self.run.status = state.value
        self.state_changed.emit(state)

    # --- the run's reports ---------------------------------------------------------------------------
    # Recorded in the run as they come (cheap); the views hear of them in ``updated``, at most
    # FRAME_INTERVAL apart.
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
        self._dirty["eta"] = True  # (η may follow a schedule; the update shows the trainer's η then)
        if report["batch"] is not None:
            self._dirty["status"] = (report["epoch"], report["batch"], report["batches"], report["step"])
        self._schedule()

    def _on_epoch(self, event: EpochDone, result: EpochFrame) -> None:
        run = self.run
        if run is None or self.worker is None:
            return
        run.epochs.append(event)
        self._dirty["epoch"] = (event, result)
        self._schedule()

    def _schedule(self) -> None:
        if not self._timer.isActive():
            wait = FRAME_INTERVAL - (time.perf_counter() - self._last_update)
            self._timer.start(max(0, int(wait * 1000)))

    def _update(self) -> None:
        """Tell the views what was reported since the last update (they draw in ``updated``'s slots,
        the training thread held meanwhile); send the gradient norms to the other tabs."""
        self.hold_frame()
        self._last_update = time.perf_counter()
        run, dirty, worker = self.run, self._dirty, self.worker
        self._dirty = {}
        if run is None:
            return
        epoch = dirty.get("epoch")
        frame = dirty.get("frame")
        if frame is None and epoch is not None and epoch[1].frame.finite:
            frame = epoch[1].frame
        live = worker is not None
        # η and λ as they are now, not as reported: a report queued before the user changed them
        # would otherwise show the old values
        update = Update(run, batch=bool(dirty.get("batch")), frame=frame, epoch=epoch,
                        eta=worker.trainer.eta if live and "eta" in dirty else None,
                        lmbda=worker.trainer.lmbda if live else None,
                        progress=self._progress(*dirty["status"]) if live and "status" in dirty else None)
        if self._gradients and live:
            grads, self._gradients = self._gradients, []
            self.shared.batch_gradients.emit({
                "run": run.name, "steps": [g[0] for g in grads], "labels": list(worker.per_batch.labels),
                "delta": np.array([g[1] for g in grads]), "w": np.array([g[2] for g in grads])})
        self.updated.emit(update)
        if epoch is not None and epoch[1].network is not None:
            event, net = epoch[0], epoch[1].network
            self.queue.later("publish", lambda: self._publish(run, event, net))

    def _progress(self, epoch: int, batch: int, batches: int, step: int) -> Progress:
        now = time.perf_counter()
        last_time, last_step, rate = self._rate
        if now - last_time > 0.5:
            instant = (step - last_step) * self.run.plan.config.mini_batch_size / (now - last_time)
            rate = instant if rate == 0 else 0.7 * rate + 0.3 * instant
            self._rate = (now, step, rate)
        return Progress(epoch, self.worker.trainer.epochs, batch, batches, step, rate, self.worker.paused)

    def _publish(self, run: Run, event: EpochDone, net: Network) -> None:
        net.info.update(run.network_info())
        self.latest_network = net
        self.shared.set_training_network(net, f"{run.name} (epoch {event.epoch})")
        self.published.emit(run)

    # --- the end -------------------------------------------------------------------------------------
    def _on_finished(self, event) -> None:
        worker, run = self.worker, self.run
        if worker is None or "finish" in self.queue.jobs:
            return
        worker.wait()
        run.ended = time.perf_counter()
        self._end_measures()
        # The last reports go on screen (a view per turn of the event loop, as after every epoch)
        # before the run is declared over.
        self._timer.stop()
        self._update()
        self.queue.later("finish", lambda: self._conclude(worker, run, event))

    def _conclude(self, worker: TrainingWorker, run: Run, event) -> None:
        self.worker = None
        net = worker.trainer.net  # the thread is over: the network is ours now (restored if it diverged)
        net.info.update(run.network_info())
        run.network = net
        run.status, run.message = outcome(run, event)
        self.shared.set_training_network(net, f"{run.name} ({run.status})")
        self._set_state(State(run.status))
        self.ended.emit(run)

    # --- runs ----------------------------------------------------------------------------------------
    def remove_run(self, run: Run) -> bool:
        """Forget a run (not the one going on)."""
        if run not in self.runs or (run is self.run and self.worker is not None):
            return False
        self.runs.remove(run)
        return True

    def network_of(self, run: Run | None) -> Network | None:
        """A copy of a run's network (during a run: as it was after the last epoch)."""
        if run is None:
            return None
        if run.network is not None:
            return snapshot_network(run.network)
        if run is self.run and self.latest_network is not None:
            return snapshot_network(self.latest_network)
        return None
