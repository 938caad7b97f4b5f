"""app.train.session.TrainingSession without a widget: its states and signals through a run (start,
pause, step, stop, cancel while preparing, diverge, finish), and the pacing it relies on
(app.train.pacing: the GUI-responsiveness measures, the draw queue)."""
from __future__ import annotations

import gc
import sys
import threading

import numpy as np
import pytest

from app.state import AppState
from app.train.live import LiveProbe
from app.train.pacing import GIL_SWITCH_INTERVAL, DrawQueue, ResponsiveRun
from app.train.plan import NetworkSpec, RunPlan, preset_spec
from app.train.runs import Run
from app.train.session import Progress, State, TrainingSession, Update
from app.worker import TrainingWorker
from core import presets
from core.training import TrainConfig, subset

WAIT = 30_000


@pytest.fixture
def shared(mnist):
    state = AppState()
    state.data = subset(mnist, 1000, 300, 300)
    return state


@pytest.fixture
def session(qtbot, shared):
    session = TrainingSession(shared)
    states: list[State] = []
    session.state_changed.connect(states.append)
    session.states = states  # (for the tests: every state it went through)
    yield session
    session.shutdown()


def ch1(**changes) -> RunPlan:
    preset = presets.get("ch1")
    config = preset.with_config(**{"train_size": 1000, "epochs": 1, **changes})
    return RunPlan("ch1", preset_spec(preset), config, preset, exact=True)


def wait_for_end(qtbot, session) -> Run:
    with qtbot.waitSignal(session.ended, timeout=WAIT) as ended:
        pass
    return ended.args[0]


def test_a_run_goes_through_its_states_and_tells_the_views_what_is_new(qtbot, session, shared):
    switch_interval = sys.getswitchinterval()
    started, updates, published, gradients = [], [], [], []
    session.started.connect(lambda run, probe: started.append((run, probe, session.worker)))
    session.updated.connect(updates.append)
    session.published.connect(published.append)
    shared.batch_gradients.connect(gradients.append)
    assert session.start(ch1(epochs=2))
    assert session.state is State.PREPARING and not session.start(ch1())  # one start at a time
    run = wait_for_end(qtbot, session)
    assert session.states == [State.PREPARING, State.RUNNING, State.FINISHED]
    assert started[0][0] is run and isinstance(started[0][1], LiveProbe)
    assert isinstance(started[0][2], TrainingWorker)  # the worker is there when the views reset
    assert run.status == "finished" and "finished after 2 epochs" in run.message and "(the book: 95.42%" in run.message
    assert [e.epoch for e in run.epochs] == [1, 2] and len(run.batch.arrays()[0]) > 10
    assert run.network is not None and shared.training_network is run.network
    assert run.network.info["title"] == run.name and run.network.info["epochs_trained"] == 2
    assert session.worker is None and session.runs == [run]
    assert all(isinstance(u, Update) and u.run is run for u in updates)
    assert [u.epoch[0].epoch for u in updates if u.epoch is not None][-1] == 2
    progress = [u.progress for u in updates if u.progress is not None]
    assert progress and isinstance(progress[0], Progress) and progress[-1].batches == 100
    assert published and all(r is run for r in published) and session.latest_network is not None
    assert gradients and gradients[0]["run"] == run.name
    # the measures for the run's thread are over: the switch interval and the heap are as they were
    assert sys.getswitchinterval() == switch_interval and gc.get_freeze_count() == 0


def test_pause_step_resume_and_stop(qtbot, session):
    switch_interval = sys.getswitchinterval()
    assert session.start(ch1(epochs=200))
    qtbot.waitUntil(lambda: session.worker is not None and session.worker.step_count > 20, timeout=WAIT)
    worker = session.worker
    assert sys.getswitchinterval() == GIL_SWITCH_INTERVAL and gc.get_freeze_count() > 0  # while it runs
    session.pause()
    assert session.state is State.PAUSED and session.run.status == "paused"
    qtbot.waitUntil(lambda: worker.waiting, timeout=WAIT)
    at = worker.step_count
    with qtbot.waitSignal(session.updated, timeout=WAIT,
                          check_params_cb=lambda u: u.progress is not None and u.progress.step == at + 1) as update:
        session.step()
    assert update.args[0].progress.paused and worker.step_count == at + 1 and session.state is State.PAUSED
    session.resume()
    assert session.state is State.RUNNING and session.run.status == "running"
    qtbot.waitUntil(lambda: worker.step_count > at + 20, timeout=WAIT)
    session.add_epochs(1)
    assert worker.trainer.epochs == 201
    session.set_eta(0.5)
    session.set_lmbda(2.0)
    assert (worker.trainer.eta, worker.trainer.lmbda) == (0.5, 2.0)
    session.stop()
    run = wait_for_end(qtbot, session)
    assert run.status == "stopped" and session.state is State.STOPPED and run.message.startswith("Stopped by the user")
    assert run.network is not None and worker.isFinished()
    assert session.states == [State.PREPARING, State.RUNNING, State.PAUSED, State.RUNNING, State.STOPPED]
    assert sys.getswitchinterval() == switch_interval and gc.get_freeze_count() == 0


def test_stop_while_preparing_cancels_the_start(qtbot, session):
    statuses = []
    session.status.connect(statuses.append)
    assert session.start(ch1())
    preparer = session._preparer
    session.stop()
    assert session.state is State.IDLE and statuses[-1] == "Start cancelled." and session.run is None
    preparer.wait()  # the network was built all the same; its result is dropped
    with qtbot.assertNotEmitted(session.started, wait=100):
        pass
    assert session.runs == [] and session.worker is None
    assert session.start(ch1())  # and Start works again
    assert wait_for_end(qtbot, session).status == "finished"


def test_a_start_waits_for_mnist_and_can_be_cancelled_meanwhile(qtbot, mnist, monkeypatch):
    shared = AppState()
    release = threading.Event()
    monkeypatch.setattr("app.state.load_mnist", lambda: release.wait(10) and subset(mnist, 1000, 300, 300))
    session = TrainingSession(shared)
    statuses = []
    session.status.connect(statuses.append)
    assert session.start(ch1())
    assert session.state is State.PREPARING and statuses == ["Loading MNIST…"]
    session.stop()
    assert session.state is State.IDLE and statuses[-1] == "Start cancelled."
    assert session.start(ch1(), recheck=lambda data: ch1(train_size=len(data.train)))
    release.set()  # MNIST arrives: the plan is checked again, then prepared and run
    assert wait_for_end(qtbot, session).status == "finished"
    session.shutdown()


def test_mnist_that_cannot_load_ends_the_start_with_a_problem(qtbot, monkeypatch):
    shared = AppState()
    def load_mnist():
        raise OSError("no such file")

    monkeypatch.setattr("app.state.load_mnist", load_mnist)
    session = TrainingSession(shared)
    with qtbot.waitSignal(session.problem, timeout=WAIT) as problem:
        assert session.start(ch1())
    assert problem.args == ["Cannot load MNIST: no such file"] and session.state is State.IDLE


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning", "ignore:invalid value:RuntimeWarning")
def test_a_diverging_run_ends_diverged_with_its_last_good_weights(qtbot, session, shared):
    spec = NetworkSpec("mlp", (784, 30, 10), (), "relu", "linear", "quadratic", "default", 0.0)
    plan = RunPlan("custom", spec, TrainConfig(eta=1e6, epochs=3, train_size=1000))
    assert session.start(plan)
    run = wait_for_end(qtbot, session)
    assert run.status == "diverged" and session.state is State.DIVERGED and "too large" in run.message
    assert all(np.isfinite(p).all() for layer in run.network.layers for p in layer.params.values())
    assert shared.training_network is run.network and session.start(ch1())  # a new run may start


def test_responsive_run_holds_the_frame_and_undoes_its_measures(qtbot):
    class Worker:
        frame_lock = threading.Lock()

    before = sys.getswitchinterval()
    measures = ResponsiveRun(Worker())
    measures.hold_frame()  # not in force yet: nothing to hold
    assert not Worker.frame_lock.locked()
    with measures:
        assert sys.getswitchinterval() == GIL_SWITCH_INTERVAL and gc.get_freeze_count() > 0
        measures.hold_frame()
        assert Worker.frame_lock.locked()
        qtbot.waitUntil(lambda: not Worker.frame_lock.locked(), timeout=WAIT)  # after this turn's paint
        measures.hold_frame()
    assert not Worker.frame_lock.locked()  # released when the run ends, whatever the timer
    assert sys.getswitchinterval() == before and gc.get_freeze_count() == 0


def test_a_newer_view_update_takes_the_place_of_the_one_still_waiting(qtbot):
    """A fast run re-queues every view at each draw: a waiting update keeps its turn (so the last
    views in the queue, the mistakes and the network for the other tabs, are not pushed back for ever)."""
    done, held = [], []
    queue = DrawQueue(before_each=lambda: held.append(True))
    queue.later("weights", lambda: done.append("old weights"))
    queue.later("mistakes", lambda: done.append("mistakes"))
    queue.later("weights", lambda: done.append("new weights"))
    assert list(queue.jobs) == ["weights", "mistakes"]
    qtbot.waitUntil(lambda: not queue.jobs, timeout=WAIT)
    assert done == ["new weights", "mistakes"] and held == [True, True]
