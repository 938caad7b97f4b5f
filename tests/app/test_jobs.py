"""app.jobs: a call and a loop off the GUI thread, their callbacks on it (and never once their owner
is gone or the job cancelled), shutdown, and a process that opens the window and exits at once."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QObject, QTimer
from shiboken6 import isValid

from app import jobs
from app.pacing import ResponsiveRun

WAIT = 30_000
ROOT = Path(__file__).resolve().parents[2]


def test_a_call_runs_off_the_gui_thread_and_answers_on_it(qtbot):
    threads, answers = [], []

    def work(a, b=0):
        threads.append(threading.get_ident())
        return a + b

    job = jobs.call(work, 2, b=3, done=lambda r: answers.append(("done", r, threading.get_ident())),
                    ended=lambda: answers.append(("ended",)))
    qtbot.waitUntil(lambda: len(answers) == 2, timeout=WAIT)
    assert answers == [("done", 5, threading.get_ident()), ("ended",)]
    assert threads and threads[0] != threading.get_ident() and job.isFinished()
    qtbot.waitUntil(lambda: job not in jobs._live, timeout=WAIT)  # let go of once its thread has ended


def test_a_finished_job_leaves_nothing_behind_in_its_owner(qtbot):
    owner = QObject()
    before = len(owner.children())
    job = jobs.call(lambda: 1, done=lambda _r: None, ended=lambda: None, owner=owner)
    assert len(owner.children()) > before  # its callbacks' relays
    qtbot.waitUntil(lambda: job not in jobs._live and len(owner.children()) == before, timeout=WAIT)


def test_a_failed_call_hands_over_its_exception(qtbot):
    failures = []
    jobs.call(lambda: 1 / 0, failed=failures.append)
    qtbot.waitUntil(lambda: bool(failures), timeout=WAIT)
    assert isinstance(failures[0], ZeroDivisionError)


def test_no_callback_reaches_a_deleted_owner_or_a_cancelled_job(qtbot):
    release = threading.Event()
    owner, answers = QObject(), []
    gone = jobs.call(release.wait, 10, done=answers.append, ended=lambda: answers.append("ended"), owner=owner)
    cancelled = jobs.call(release.wait, 10, done=answers.append)
    kept = jobs.call(release.wait, 10, done=answers.append)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not isValid(owner), timeout=WAIT)
    cancelled.cancel()
    release.set()
    # (a job is let go of after everything it sent has been delivered)
    qtbot.waitUntil(lambda: not {gone, cancelled, kept} & jobs._live, timeout=WAIT)
    assert answers == [True]  # only the job nobody cancelled, whose owner is there, answered


def test_what_undoes_a_jobs_set_up_runs_when_it_ends_even_cancelled_or_orphaned(qtbot):
    """``when_ended`` callbacks run on the GUI thread once the thread is over, whatever became of the
    job's owner (a deleted owner's queued slots would crash) or of the job (cancelled)."""
    owner, ended = QObject(), []
    orphaned = jobs.Loop(lambda: iter(lambda: time.sleep(0.001), "never"), owner=owner)
    cancelled = jobs.Loop(lambda: iter(lambda: time.sleep(0.001), "never"))
    for name, job in (("orphaned", orphaned), ("cancelled", cancelled)):
        job.when_ended(lambda name=name: ended.append((name, threading.get_ident())))
        job.start()
    qtbot.waitUntil(lambda: orphaned.step_count > 3 and cancelled.step_count > 3, timeout=WAIT)
    orphaned.stop()
    owner.deleteLater()
    cancelled.cancel()
    qtbot.waitUntil(lambda: len(ended) == 2, timeout=WAIT)
    assert sorted(ended) == [("cancelled", threading.get_ident()), ("orphaned", threading.get_ident())]


def test_an_owner_whose_last_reference_was_a_callback_goes_with_its_job(qtbot):
    """Letting go of a finished job drops its callbacks; when one held the last reference to the
    owner, the owner is deleted then, with the callbacks' relays (which crashed the process when they
    were deleted later, after it)."""
    answers = []
    for _ in range(30):
        owner = QObject()  # held by nothing but the callbacks below
        job = id(jobs.call(lambda: 1, done=lambda r, owner=owner: answers.append((r, owner.objectName())),
                           ended=lambda owner=owner: owner.objectName(), owner=owner))  # (no reference kept)
        del owner
        qtbot.waitUntil(lambda: job not in map(id, jobs._live), timeout=WAIT)
    qtbot.wait(10)  # (the events that follow, delivered)
    assert answers == [(1, "")] * 30


def test_shutdown_cancels_and_waits_for_the_jobs_of_one_owner(qtbot):
    window, other = QObject(), QObject()
    child = QObject(window)
    mine = jobs.Loop(lambda: iter(lambda: time.sleep(0.001), "never"), owner=child)
    theirs = jobs.Loop(lambda: iter(lambda: time.sleep(0.001), "never"), owner=other)
    ended = []
    for job in (mine, theirs):
        job.on(job.ended, ended.append)
        job.start()
    qtbot.waitUntil(lambda: mine.step_count > 3 and theirs.step_count > 3, timeout=WAIT)
    assert set(jobs.running(window)) == {mine}
    jobs.shutdown(window)
    assert mine.isFinished() and mine.cancelled and theirs.isRunning()
    theirs.stop()
    qtbot.waitUntil(lambda: ended == ["stopped"], timeout=WAIT)  # the cancelled loop said nothing
    theirs.wait()


def test_a_loop_runs_off_the_gui_thread_and_reports_at_most_every_interval(qtbot):
    """Its items reach the GUI thread in batches at most every ``interval`` seconds, all of them and
    in order, while the GUI thread stays free: half-way, the work waits for a timer that only a free
    GUI thread can fire (if the work ran on the GUI thread, or blocked it, the wait would time out
    and the run end in an error)."""
    threads, batches = set(), []
    gui_alive = threading.Event()

    def records():
        threads.add(threading.get_ident())
        rng = np.random.default_rng(0)
        for i in range(400):
            if i == 200:
                assert gui_alive.wait(10), "the GUI thread's timer never fired"
            np.sort(rng.standard_normal(4000))  # some work per record (no BLAS: its threads crawl on a busy machine)
            yield i, time.perf_counter()

    worker = jobs.Loop(records, interval=0.05)
    worker.reported.connect(lambda items, _snapshot: batches.append(items))
    with qtbot.waitSignal(worker.ended, timeout=30_000) as finished:
        worker.start()
        QTimer.singleShot(60, gui_alive.set)  # fires only if the GUI thread runs its event loop meanwhile
    worker.wait()
    assert finished.args == ["completed"]
    assert threads and threading.get_ident() not in threads
    assert [i for batch in batches for i, _ in batch] == list(range(400))
    # a batch goes out with the record after which ``interval`` had passed: the last one's time
    sent = np.array([batch[-1][1] for batch in batches[:-1]])  # (the very last is the flush at the end)
    assert len(batches) >= 2 and np.all(np.diff(sent) >= 0.045), np.diff(sent)


def test_a_loop_pauses_steps_and_stops_between_items_with_a_snapshot_from_its_thread(qtbot):
    threads, reports = [], []
    counter = iter(range(10**9))
    worker = jobs.Loop(lambda: counter, interval=10.0, snapshot=lambda: threads.append(threading.get_ident()))
    worker.on(worker.reported, lambda items, _snapshot: reports.append(items))
    worker.start()
    qtbot.waitUntil(lambda: worker.step_count > 100, timeout=WAIT)
    worker.pause()
    qtbot.waitUntil(lambda: worker.waiting and bool(reports), timeout=WAIT)  # everything so far is reported on pause
    at = worker.step_count
    assert reports[-1][-1] == at - 1
    worker.step()
    qtbot.waitUntil(lambda: worker.step_count == at + 1 and worker.waiting and reports[-1] == [at], timeout=WAIT)
    assert worker.paused and set(threads) != {threading.get_ident()}
    with qtbot.waitSignal(worker.ended, timeout=WAIT) as ended:
        worker.stop()
    assert ended.args == ["stopped"] and not worker.waiting


def test_a_loop_waits_while_the_gui_holds_the_frame_lock_and_still_stops(qtbot):
    worker = jobs.Loop(lambda: iter(range(10**9)), interval=10.0)
    worker.start()
    qtbot.waitUntil(lambda: worker.step_count > 5, timeout=WAIT)
    worker.frame_lock.acquire()  # as the Train tab does while it draws (and, quitting, may never release)
    at = worker.step_count
    qtbot.wait(50)
    assert worker.step_count <= at + 1  # at most the item that was under way
    with qtbot.waitSignal(worker.ended, timeout=WAIT) as ended:
        worker.stop()
    assert ended.args == ["stopped"]
    worker.frame_lock.release()


def test_a_loop_that_raises_ends_with_the_error(qtbot):
    def items():
        yield 1
        raise FloatingPointError("overflow in exp")

    worker = jobs.Loop(items, interval=0.0)
    reported = []
    worker.on(worker.reported, lambda items, _snapshot: reported.extend(items))
    with qtbot.waitSignal(worker.ended, timeout=WAIT) as ended:
        worker.start()
    assert ended.args == ["error: FloatingPointError: overflow in exp"] and isinstance(worker.exception,
                                                                                       FloatingPointError)
    qtbot.waitUntil(lambda: reported == [1], timeout=WAIT)


def test_closing_the_window_ends_every_job(qtbot, small_window):
    window = small_window
    tabs = {window.tabs.tabText(i): window.tabs.widget(i) for i in range(window.tabs.count())}
    experiment = tabs["Gradients"].show_page("experiment")
    experiment.images.setValue(100)
    experiment.epochs.setValue(10_000)
    experiment.start()
    challenge = tabs["Universality"].challenge
    challenge.steps_spin.setValue(challenge.steps_spin.maximum())
    challenge.learn()
    qtbot.waitUntil(lambda: experiment.last_epoch >= 1 and challenge.learned is not None, timeout=WAIT)
    running = jobs.running(window)
    assert experiment.worker in running and challenge.learner._worker in running
    window.close()
    assert jobs.running(window) == [] and all(job.isFinished() for job in running)
    qtbot.waitUntil(lambda: ResponsiveRun._active == 0, timeout=WAIT)  # the runs' measures undone too


EXIT_AT_ONCE = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QSettings, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    def report(kind, context, message):  # every Qt message but the offscreen platform's note on size hints
        if message != "This plugin does not support propagateSizeHints()":
            print(message, file=sys.stderr)

    qInstallMessageHandler(report)
    from app.main_window import MainWindow

    app = QApplication([])
    window = MainWindow(settings=QSettings(sys.argv[1], QSettings.Format.IniFormat))
    window.show()
""")


@pytest.mark.timeout(120)
def test_a_process_that_opens_the_window_and_exits_at_once_ends_cleanly(tmp_path):
    """The Gradients tab (remembered as the last one shown) starts loading MNIST as it is shown; the
    process exits while that runs (before ``app.jobs``: "Error calling Python override of
    QRunnable::run()" every time, at times an abort). Three such processes, side by side (each costs
    ~2.5 s of CPU, most of it building the tabs): each exits 0, silent."""
    script = tmp_path / "exit_at_once.py"
    script.write_text(EXIT_AT_ONCE)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    processes = []
    for i in range(3):
        settings = tmp_path / f"settings{i}.ini"
        settings.write_text("[General]\ntab=2\n")
        processes.append(subprocess.Popen([sys.executable, str(script), str(settings)], cwd=ROOT, env=env,
                                          text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    results = [(p.wait(timeout=100), *p.communicate()) for p in processes]
    assert results == [(0, "", "")] * 3, results
