"""Learn on the challenge page keeps the GUI responsive (issue 14, "no stalls"): reports carry curves
computed off the GUI thread, come at most ten a second, a backlog is drawn once, the run waits while the
GUI draws, and a report redraws only what changed (the rest of each plot is blitted from a cache)."""
from __future__ import annotations

import sys
import time

import numpy as np
import pyqtgraph as pg
import pytest

from app.pacing import GIL_SWITCH_INTERVAL
from app.universality.challenge_page import X
from app.universality.learner import REPORT_INTERVAL, Learner, report
from core import universality as u
from tests.app.test_universality_tab import show, tab  # noqa: F401 (tab: the fixture)

CACHED = pg.QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache


def test_reports_carry_the_curves_and_come_at_most_ten_a_second(qtbot):
    learner = Learner()
    reports = []
    learner.progress.connect(reports.append)
    config = u.LearnConfig(n_hidden=10, eta=0.5, seed=1)
    switch_interval = sys.getswitchinterval()
    started = time.perf_counter()
    with qtbot.waitSignal(learner.progress, timeout=10_000):
        learner.start(u.book_function, config, 1_000_000, X)
    assert sys.getswitchinterval() == pytest.approx(min(switch_interval, GIL_SWITCH_INTERVAL))  # the GUI's turn at the GIL
    qtbot.waitUntil(lambda: len(reports) >= 4, timeout=20_000)
    with qtbot.waitSignal(learner.finished, timeout=10_000):
        learner.stop()
    elapsed = time.perf_counter() - started
    assert len(reports) <= elapsed / REPORT_INTERVAL + 2
    steps = [r["steps"] for r in reports]
    assert steps == sorted(steps) and steps[-1] > len(reports)  # many steps per report, not one report a step
    last = reports[-1]
    net = last["net"]
    assert last["z"] == pytest.approx(net.z(X)) and last["output"] == pytest.approx(net.output(X))
    assert last["step_positions"] == pytest.approx(net.step_positions())
    assert last["deviation"] == pytest.approx(u.network_deviation(net))
    qtbot.waitUntil(lambda: sys.getswitchinterval() == switch_interval, timeout=5_000)  # undone once it ends


def test_a_backlog_of_reports_is_drawn_once_with_the_newest(qtbot):
    learner = Learner()
    drawn = []
    learner.progress.connect(drawn.append)
    nets = [u.initial_network(4, np.random.default_rng(seed)) for seed in range(3)]
    for steps, net in enumerate(nets):  # three reports arrive before the event loop turns
        learner._received(report(net, u.book_function, X, steps=steps))
    qtbot.waitUntil(lambda: bool(drawn), timeout=5_000)
    qtbot.wait(50)
    assert [r["steps"] for r in drawn] == [2]


def test_a_report_redraws_only_the_learned_curves_one_plot_per_turn(tab, qtbot):  # noqa: F811
    page = show(tab, 2, qtbot)
    static = [page.goal_curve.curve, page.network_curve.curve, page.gap, page.bars, page.handles,
              page.f_curve.curve, page.output_curve.curve, page.best_curve.curve]
    assert all(item.cacheMode() == CACHED for item in static)  # blitted while Learn redraws
    assert page.learned_z_curve.curve.cacheMode() != CACHED  # (redrawn at every report)
    titles = []
    page.top_title.set_variants = lambda *v: titles.append(v)  # a title lays its plot out again
    page.steps_spin.setValue(1_000_000)
    first = {}
    page.learner.progress.connect(lambda snap: first.setdefault("output", page.learned_output_curve.yData))
    with qtbot.waitSignal(page.learner.progress, timeout=10_000) as progress:
        page.learn()
    snap = progress.args[0]
    # the upper plot at once, the lower plot and the score on the next turn of the event loop
    assert page.learned_z_curve.yData == pytest.approx(snap["z"]) and first["output"] is None
    qtbot.waitUntil(lambda: page.learned_output_curve.yData is not None, timeout=5_000)
    assert page.learned_output_curve.yData == pytest.approx(snap["output"])
    qtbot.waitUntil(lambda: page.learned is not snap, timeout=10_000)  # more reports
    assert len(titles) == 1  # set once, when the learned curves first show
    with qtbot.waitSignal(page.learner.finished, timeout=10_000):
        page.stop_learning()
    assert page.learned_output_curve.yData == pytest.approx(page.learned["output"])  # the last one drawn whole
    assert "(stopped)" in page.learn_label.text()
