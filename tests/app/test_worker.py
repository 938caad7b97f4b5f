"""app.worker.TrainingWorker: reports, pause/step/stop, the epoch snapshot, a run that blows up,
η changed between mini-batches, and the end events."""
from __future__ import annotations

import numpy as np
import pytest

from app.worker import Stopped, TrainingWorker
from core.network import Network
from core.training import Diverged, EpochDone, Finished, TrainConfig, Trainer, subset

WAIT = 30_000


@pytest.fixture
def tiny(mnist):
    return subset(mnist, 500, 200, 200)


def make_worker(tiny, epochs=1, eta=3.0, **kw):
    net = Network.mlp([784, 20, 10], cost="quadratic", init="large", seed=1)
    trainer = Trainer(net, tiny, TrainConfig(epochs=epochs, mini_batch_size=10, eta=eta))
    return TrainingWorker(trainer, **kw)


def test_a_run_reports_progress_epochs_and_finishes(qtbot, tiny):
    calls = []
    worker = make_worker(tiny, epochs=2, snapshot=lambda t: "frame", epoch_snapshot=lambda t: "epoch",
                         per_batch=lambda t, e: calls.append(e.batch) or e.batch, interval=0.0)
    progress, epochs = [], []
    worker.progress.connect(progress.append)
    worker.epoch_done.connect(lambda e, s: epochs.append((e, s)))
    with qtbot.waitSignal(worker.finished_run, timeout=WAIT) as finished:
        worker.start()
    worker.wait()
    assert isinstance(finished.args[0], Finished) and finished.args[0].epochs_run == 2
    assert [(e.epoch, s) for e, s in epochs] == [(1, "epoch"), (2, "epoch")]  # the epoch snapshot, not the frame
    assert all(isinstance(e, EpochDone) for e, _ in epochs)
    assert {p["snapshot"] for p in progress} == {"frame"}
    steps = [s for p in progress for s, _ in p["batch_costs"]]
    assert steps == list(range(1, 101))  # every mini-batch cost, once, in order
    assert [b for p in progress for b in p["per_batch"]] == calls == list(range(1, 51)) * 2


def test_pause_reports_where_it_stopped_then_step_trains_one_mini_batch(qtbot, tiny):
    worker = make_worker(tiny, epochs=100, interval=10.0)  # no timed report during the test
    progress = []
    worker.progress.connect(progress.append)
    worker.start()
    qtbot.waitUntil(lambda: worker.step_count > 5, timeout=WAIT)
    worker.pause()
    qtbot.waitUntil(lambda: worker.waiting, timeout=WAIT)
    qtbot.waitUntil(lambda: progress and progress[-1]["step"] == worker.step_count, timeout=WAIT)  # flushed on pause
    at = worker.step_count
    worker.step()
    qtbot.waitUntil(lambda: worker.step_count == at + 1 and worker.waiting, timeout=WAIT)
    qtbot.waitUntil(lambda: progress[-1]["step"] == at + 1, timeout=WAIT)
    with qtbot.waitSignal(worker.finished_run, timeout=WAIT) as finished:
        worker.stop()
    worker.wait()
    assert isinstance(finished.args[0], Stopped)
    assert not worker.waiting


def test_add_epochs_while_running(qtbot, tiny):
    worker = make_worker(tiny, epochs=1)
    worker.pause()
    worker.start()
    qtbot.waitUntil(lambda: worker.waiting, timeout=WAIT)
    worker.add_epochs(2)
    with qtbot.waitSignal(worker.finished_run, timeout=WAIT) as finished:
        worker.resume()
    worker.wait()
    assert finished.args[0].epochs_run == 3


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning", "ignore:invalid value:RuntimeWarning")
def test_divergence_is_the_final_event(qtbot, tiny):
    net = Network.mlp([784, 20, 10], activation="relu", output_activation="linear", cost="quadratic", seed=0)
    trainer = Trainer(net, tiny, TrainConfig(epochs=2, mini_batch_size=10, eta=1e6))
    worker = TrainingWorker(trainer)
    with qtbot.waitSignal(worker.finished_run, timeout=WAIT) as finished:
        worker.start()
    worker.wait()
    assert isinstance(finished.args[0], Diverged) and "too large" in finished.args[0].message


def test_a_run_that_blows_up_ends_with_a_last_report_of_its_restored_weights(qtbot, tiny):
    worker = make_worker(tiny, epochs=5, eta=1000.0, interval=10.0,
                         snapshot=lambda t: [l.params["w"].copy() for l in t.net.layers])
    start = [l.params["w"].copy() for l in worker.trainer.net.layers]
    epochs, progress = [], []
    worker.epoch_done.connect(lambda e, _s: epochs.append(e.epoch))
    worker.progress.connect(progress.append)
    with qtbot.waitSignal(worker.finished_run, timeout=WAIT) as finished:
        worker.start()
    worker.wait()
    event = finished.args[0]
    assert isinstance(event, Diverged) and "at chance" in event.message and event.epoch == 1
    assert epochs == []  # the blown-up epoch is not reported to the views
    assert progress[-1]["step"] == 50  # a last report, after the trainer put the initial weights back
    assert all(np.array_equal(w, w0) for w, w0 in zip(progress[-1]["snapshot"], start))


def test_eta_changed_while_paused_applies_from_the_next_mini_batch(qtbot, tiny):
    worker = make_worker(tiny, epochs=100, interval=10.0)
    worker.start()
    qtbot.waitUntil(lambda: worker.step_count > 5, timeout=WAIT)
    worker.pause()
    qtbot.waitUntil(lambda: worker.waiting, timeout=WAIT)

    def one_step(eta):
        worker.trainer.eta = eta
        before = [l.params["w"].copy() for l in worker.trainer.net.layers]
        at = worker.step_count
        worker.step()
        qtbot.waitUntil(lambda: worker.step_count == at + 1 and worker.waiting, timeout=WAIT)
        return max(float(np.abs(l.params["w"] - w).max()) for l, w in zip(worker.trainer.net.layers, before))

    assert one_step(1e-9) < 1e-7  # a step of η = 1e-9 barely moves the weights ...
    assert one_step(3.0) > 1e-3  # ... the next one, with η = 3, does
    with qtbot.waitSignal(worker.finished_run, timeout=WAIT):
        worker.stop()
    worker.wait()


def test_the_run_waits_between_mini_batches_while_the_gui_holds_the_frame_lock(qtbot, tiny):
    worker = make_worker(tiny, epochs=100, interval=10.0)
    worker.start()
    qtbot.waitUntil(lambda: worker.step_count > 5, timeout=WAIT)
    with worker.frame_lock:  # as the Train tab does while it draws a frame
        at = worker.step_count
        qtbot.wait(100)  # ~1,000 mini-batches' worth of time
        assert worker.step_count <= at + 1  # at most the mini-batch that was under way
    qtbot.waitUntil(lambda: worker.step_count > at + 5, timeout=WAIT)
    with qtbot.waitSignal(worker.finished_run, timeout=WAIT):
        worker.stop()
    worker.wait()
