"""While a run is on, each turn of the GUI's event loop runs alone (app.pacing.ResponsiveRun and
app.jobs.gui_idle): a loop waits between two items while the GUI thread works, goes on while it
waits for events, is slowed but never stopped by a GUI that never rests, and nothing of it stays
once the last run ends (event filter, BLAS threads)."""
from __future__ import annotations

import gc
import os
import threading
import time

from PySide6.QtCore import QCoreApplication, QTimer
from threadpoolctl import threadpool_info

from app import jobs
from app.pacing import ResponsiveRun

WAIT = 30_000


def endless_loop() -> jobs.Loop:
    return jobs.Loop(lambda: iter(range(10**9)), interval=10.0)


def blas_threads() -> list[int]:
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def busy(seconds: float) -> None:
    """Python on the GUI thread, as a long repaint would run (it lets the GIL go every switch interval)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def test_a_loop_waits_while_the_gui_thread_works_and_goes_on_when_it_rests(qtbot):
    gc.collect()  # (what earlier tests left: a long collection would be a turn over TURN_WAIT)
    worker = endless_loop()
    measures = ResponsiveRun(worker).__enter__()
    try:
        worker.start()
        qtbot.waitUntil(lambda: worker.step_count > 100, timeout=WAIT)
        qtbot.wait(int(3 * jobs.TURN_SLICE * 1000))  # (the test's own code was a long turn: its slice is over)
        counts = []

        def turn():  # one turn of the event loop: a few ms of the GUI's own Python (under TURN_WAIT)
            counts.append(worker.step_count)
            busy(0.6 * jobs.TURN_WAIT)
            counts.append(worker.step_count)

        QTimer.singleShot(0, turn)
        qtbot.waitUntil(lambda: len(counts) == 2, timeout=WAIT)
        assert counts[1] - counts[0] <= 1  # at most the item under way when the turn began
        at = worker.step_count
        qtbot.wait(100)  # the event loop rests between its timers: the loop goes on
        assert worker.step_count > at + 100
    finally:
        with qtbot.waitSignal(worker.ended, timeout=WAIT):
            worker.stop()
        measures.__exit__(None, None, None)


def test_without_a_run_in_force_the_gui_thread_does_not_hold_a_loop(qtbot):
    worker = endless_loop()
    worker.start()
    try:
        qtbot.waitUntil(lambda: worker.step_count > 100, timeout=WAIT)
        counts = []

        def turn():
            counts.append(worker.step_count)
            busy(0.6 * jobs.TURN_WAIT)
            counts.append(worker.step_count)

        QTimer.singleShot(0, turn)
        qtbot.waitUntil(lambda: len(counts) == 2, timeout=WAIT)
        assert counts[1] - counts[0] > 10  # (what the test above rules out does happen without it)
    finally:
        with qtbot.waitSignal(worker.ended, timeout=WAIT):
            worker.stop()


def test_a_gui_that_never_rests_slows_a_loop_down_but_never_stops_it(qtbot):
    worker = endless_loop()
    jobs.gui_idle.clear()  # as if the GUI thread were at work all along
    try:
        worker.start()
        qtbot.waitUntil(lambda: worker.step_count > 0, timeout=WAIT)
        at = worker.step_count
        time.sleep(3 * jobs.TURN_WAIT)  # (not the event loop: nothing sets it again)
        assert worker.step_count > at + 1  # after each TURN_WAIT, a slice of items
    finally:
        jobs.gui_idle.set()
        with qtbot.waitSignal(worker.ended, timeout=WAIT):
            worker.stop()


def test_the_measures_leave_nothing_behind_once_the_last_run_ends(qtbot):
    class Worker:
        def __init__(self):
            self.frame_lock = threading.Lock()

    before = blas_threads()
    first, second = ResponsiveRun(Worker()), ResponsiveRun(Worker())
    with first:
        with second:
            assert blas_threads() == [max(1, os.cpu_count() - 1)] * len(before)  # a core left to the GUI
            seen = []
            QTimer.singleShot(0, lambda: seen.append(jobs.gui_idle.is_set()))  # (an event: the turn begins)
            qtbot.waitUntil(lambda: bool(seen), timeout=WAIT)
            assert seen == [False]
        assert blas_threads() == [max(1, os.cpu_count() - 1)] * len(before)  # the first run is still on
    assert blas_threads() == before
    seen = []
    QTimer.singleShot(0, lambda: seen.append(jobs.gui_idle.is_set()))
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT)
    assert seen == [True]  # no filter left on the application
    QCoreApplication.processEvents()
    assert jobs.gui_idle.is_set()
