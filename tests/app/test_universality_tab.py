"""The Universality tab, driven like a user would: real mouse events on the plots, buttons, typing."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from app.state import AppState
from app.universality.tab import UniversalityTab
from app.universality.challenge_page import LEARN_INTRO, X
from app.universality.learner import report
from app.widgets.page_parts import SidePanel
from app.universality.plotting import FittedTitle, html_width
from app.universality.target_box import DRAWN
from core import universality as u


@pytest.fixture
def tab(qtbot):
    tab = UniversalityTab(AppState())
    # finish the background work before pytest-qt closes the tab and deletes it later: a page deleted
    # while its worker runs never hears that the worker finished
    qtbot.addWidget(tab, before_close_func=lambda tab: finish_background_work(tab, qtbot))
    tab.resize(1280, 780)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def finish_background_work(tab, qtbot) -> None:
    tab.shutdown()
    challenge, grid = tab._pages[2], tab._pages[4]
    if challenge is not None and challenge.learner.running:
        with qtbot.waitSignal(challenge.learner.finished, timeout=10_000):
            pass
    if grid is not None and grid.busy:
        qtbot.waitUntil(lambda: not grid.busy, timeout=10_000)


def widget_point(plot, x: float, y: float) -> QPoint:
    """Where the data point (x, y) of a pyqtgraph plot is, in its viewport's pixels."""
    vb = plot.getPlotItem().getViewBox()
    return plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))


def drag(plot, start: tuple[float, float], end: tuple[float, float], steps: int = 6) -> None:
    """Press, move in steps and release the left button on ``plot`` (data coordinates).

    The moves are paced like a hand's (one every ~12 ms): pyqtgraph drops move events that come
    faster than its ``mouseRateLimit`` (100 a second), and a drag shorter than Qt's start-drag
    distance only begins once a later move arrives."""
    viewport = plot.viewport()
    a, b = widget_point(plot, *start), widget_point(plot, *end)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    for k in range(1, steps + 1):
        QTest.qWait(12)
        QTest.mouseMove(viewport, a + (b - a) * (k / steps))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)


def show(tab, index: int, qtbot):
    tab.show_section(index)
    qtbot.wait(20)  # let the page lay itself out before its plots are mapped to pixels
    return tab.page(index)


# --- the tab ---------------------------------------------------------------------------------------

def test_sections_and_contract(tab):
    assert tab.book_url == "http://neuralnetworksanddeeplearning.com/chap4.html"
    assert tab.sections.count() == 5
    assert tab._pages[2] is None  # built when first shown
    for i in range(5):
        tab.sections.setCurrentRow(i)
        page = tab.stack.currentWidget()
        assert page is tab.page(i) and isinstance(page, tab.PAGE_CLASSES[i])
        assert tab.export_widget() is page
    assert tab.stack.count() == 5
    assert not tab.export_widget().grab().isNull()


#: the tab's area in a 1024×700 main window (less its menu, tab and status bars)
SMALL_TAB_AREA = (1024, 622)


def test_every_section_fits_a_small_window(tab, qtbot):
    for page in tab.pages:
        assert page.minimumSizeHint().width() <= SMALL_TAB_AREA[0] - tab.sections.width()
    assert tab.minimumSizeHint().width() <= SMALL_TAB_AREA[0]
    assert tab.minimumSizeHint().height() <= SMALL_TAB_AREA[1]
    tab.resize(*SMALL_TAB_AREA)
    for index in range(5):
        page = show(tab, index, qtbot)
        assert page.size().width() <= SMALL_TAB_AREA[0] and page.size().height() <= SMALL_TAB_AREA[1]
        for panel in page.findChildren(SidePanel):
            # the controls are as wide as they need and, as the section opens, need no scrolling
            assert panel.inner.minimumSizeHint().width() <= panel.viewport().width()
            assert not panel.verticalScrollBar().isVisible(), type(page).__name__


def test_a_side_panel_scrolls_rather_than_squeezing_its_controls(tab, qtbot):
    tab.resize(1024, 520)
    page = show(tab, 2, qtbot)
    panel = page.findChild(SidePanel)
    qtbot.waitUntil(lambda: panel.verticalScrollBar().isVisible())
    page.target_box.formula.setText("1/(x - 0.35)")  # refused: a two-line message under the formula
    page.target_box.apply_formula()
    qtbot.waitUntil(lambda: page.target_box.error.height() >= page.target_box.error.heightForWidth(
        page.target_box.error.width()))
    assert page.n_plot.height() >= page.n_plot.minimumHeight()


def test_plot_titles_give_way_to_short_forms_in_a_narrow_window(tab, qtbot):
    page = show(tab, 2, qtbot)
    assert "Weighted output Σⱼ vⱼaⱼ of your bumps" in page.top_title.shown
    tab.resize(*SMALL_TAB_AREA)
    page.learned = report(u.challenge_network(page.heights), page.target, X)  # as after a Learn run: the titles grow
    page._redraw_learned()
    qtbot.waitUntil(lambda: "Your Σⱼ vⱼaⱼ" in page.top_title.shown)
    assert html_width(page.top_title.shown, page.top.font()) <= page.top.width() - FittedTitle.MARGIN
    assert "learned" in page.top_title.shown and "learned" in page.bottom_title.shown


# --- one neuron ------------------------------------------------------------------------------------

def test_dragging_moves_the_neuron_step(tab, qtbot):
    page = show(tab, 0, qtbot)
    w = page.w
    drag(page.plot, (0.5, 0.5), (0.25, 0.5))
    s = u.step_position(page.w, page.b)
    assert page.w == w and s == pytest.approx(0.25, abs=0.01)
    assert page.b_slider.value() == pytest.approx(page.b, abs=0.01)
    assert page.curve.getData()[1][0] == pytest.approx(u.neuron(0.0, page.w, page.b))


def test_step_position_parameterisation(tab, qtbot):
    page = show(tab, 0, qtbot)
    page.by_step.setChecked(True)
    assert page.w == u.STEEP
    page.s_slider.setValue(0.7)
    assert page.b == pytest.approx(-700)
    assert "step at <i>s</i> = 0.7" in page.readout.text() and "b</i> = −700" in page.readout.text()
    x, y = page.curve.getData()
    assert y[x < 0.69].max() < 1e-4 and y[x > 0.71].min() > 1 - 1e-4  # a step at 0.7
    page.by_weight.setChecked(True)
    assert page.w_slider.isVisible() and not page.s_slider.isVisible()
    page.w_slider.setValue(2.0)  # shallow: no longer a step
    page.b_slider.setValue(-1.0)
    assert (page.w, page.b) == (2.0, -1.0)
    assert page.curve.getData()[1][0] == pytest.approx(u.sigmoid(-1.0))


def test_the_step_label_stays_inside_the_plot(tab, qtbot):
    tab.resize(*SMALL_TAB_AREA)
    page = show(tab, 0, qtbot)
    page.by_step.setChecked(True)
    view = page.plot.getPlotItem().getViewBox().sceneBoundingRect()
    for s in (0.02, 0.5, 0.95, 1.15):
        page.s_slider.setValue(s)
        label = page.step_label.sceneBoundingRect()
        assert view.left() <= label.left() and label.right() <= view.right(), s


def test_mouse_wheel_changes_the_steepness_around_the_same_step(tab, qtbot):
    page = show(tab, 0, qtbot)
    s, w = u.step_position(page.w, page.b), page.w
    page.wheel(120)
    assert page.w == pytest.approx(1.25 * w) and u.step_position(page.w, page.b) == pytest.approx(s)
    page.wheel(-120)
    assert page.w == pytest.approx(w)


# --- bumps -----------------------------------------------------------------------------------------

def test_dragging_a_bump_top_and_side(tab, qtbot):
    page = show(tab, 1, qtbot)
    s1, s2, h = page.bumps[2]
    drag(page.plot, ((s1 + s2) / 2, h), ((s1 + s2) / 2, -1.0))
    assert page.bumps[2][2] == pytest.approx(-1.0, abs=0.03)
    drag(page.plot, (s2, 0.5), (0.95, 0.5))  # the bump's right side
    assert page.bumps[2][1] == pytest.approx(0.95, abs=0.01)
    # the diagram shows the actual network: steps at w = 1000, b = −ws, output weights ±h
    net = page.network()
    hidden, out = page.diagram.connections
    assert [w for _, _, w in hidden.edges] == pytest.approx(list(net.w))
    assert [w for _, _, w in out.edges][4:6] == pytest.approx([page.bumps[2][2], -page.bumps[2][2]])
    assert page.diagram.layers[1].biases[5] == pytest.approx(-1000 * 0.95, abs=10)
    assert page.rows[2][3].value() == pytest.approx(page.bumps[2][2], abs=0.01)


# --- the challenge ---------------------------------------------------------------------------------

def test_dragging_a_bump_changes_h_and_the_score(tab, qtbot):
    page = show(tab, 2, qtbot)
    page.set_heights(np.zeros(5))
    assert page.badge.value.text() == "1.055"
    drag(page.top, (0.5, 0.0), (0.5, -1.0))
    assert page.heights[2] == pytest.approx(-1.0, abs=0.05)
    assert np.all(page.heights[[0, 1, 3, 4]] == 0)
    assert page.selected == 2 and page.h_spin.value() == pytest.approx(page.heights[2], abs=1e-3)
    score = u.average_deviation(page.heights)
    assert page.badge.value.text() == f"{score:.3f}" != "1.055"
    assert page.network_curve.getData()[1][500] == pytest.approx(page.heights[2], abs=1e-6)


def test_typed_height_and_success(tab, qtbot):
    page = show(tab, 2, qtbot)
    qtbot.mouseClick(page.fit_button, Qt.MouseButton.LeftButton)
    assert page.heights == pytest.approx(u.fit_heights(5))
    assert page.badge.value.text() == "0.372" and page.badge.success
    page.selected = 0
    page.h_spin.setValue(3.0)  # typed: far off, no more success
    assert page.heights[0] == 3.0 and not page.badge.success


def test_reset_and_bump_count(tab, qtbot):
    page = show(tab, 2, qtbot)
    before = page.heights.copy()
    qtbot.mouseClick(page.reset_button, Qt.MouseButton.LeftButton)
    assert not np.allclose(page.heights, before) and np.all(np.abs(page.heights) <= 2)
    page.n_spin.setValue(10)
    assert page.n_bumps == 10
    assert "0.273" in page.best_label.text()
    assert len(page.bars.opts["height"]) == 10


def test_a_bad_formula_is_refused_with_a_message(tab, qtbot):
    page = show(tab, 2, qtbot)
    page.set_heights(np.zeros(5))
    box = page.target_box
    box.formula.setText("0.5 + sin(x")
    qtbot.mouseClick(box.apply_button, Qt.MouseButton.LeftButton)
    assert box.error.isVisible() and "Formula refused" in box.error.text()
    assert page.target is u.book_function and page.badge.value.text() == "1.055"
    box.formula.setText("0.5 + import")
    box.apply_formula()
    assert "not a valid expression" in box.error.text()
    box.formula.setText("1/x")
    box.apply_formula()
    assert "not finite at x = 0" in box.error.text()


HOSTILE = [  # (formula, a part of the reason given, the pages: 2 the challenge f(x), 4 many towers f(x, y))
    ("__import__('os')", "unknown function '__import__'", (2, 4)),
    ("__import__('os').system('true')", "cannot be called", (2, 4)),
    ("x.__class__", "attribute access", (2, 4)),
    ("().__class__.__bases__", "attribute access", (2, 4)),
    ("open('/etc/passwd')", "unknown function 'open'", (2, 4)),
    ("9**9**9", "not finite", (2, 4)),
    ("1" + "0" * 400, "too large", (2, 4)),
    ("x + " * 200 + "x", "too long", (2, 4)),
    ("secret + x", "unknown name 'secret'", (2, 4)),
    ("1/0", "not finite", (2, 4)),
    ("log(x - 2)", "not finite", (2, 4)),
    ("1/(x - 0.35)", "not finite at x = 0.35", (2,)),  # only at one of the score's samples
    ("1/(y - 0.005)", "not finite at x = 0.005, y = 0.005", (4,)),  # only at a pixel of the 2-D score
]


@pytest.mark.parametrize("text, reason, pages", HOSTILE)
def test_hostile_formulas_are_refused_with_a_message(tab, qtbot, text, reason, pages):
    for index in pages:
        page = show(tab, index, qtbot)
        before = page.target
        box = page.target_box
        box.formula.setText(text)
        qtbot.mouseClick(box.apply_button, Qt.MouseButton.LeftButton)
        assert box.error.isVisible() and "Formula refused" in box.error.text() and reason in box.error.text()
        assert page.target is before


def test_a_target_that_cannot_be_scored_is_refused(tab, qtbot):
    page = show(tab, 2, qtbot)
    page.set_target(lambda x: 1 / (np.asarray(x) - 0.35), "pole")  # finite on the plot, not at x = 0.35
    assert page.target is u.book_function
    assert "Formula refused" in page.target_box.error.text() and "x = 0.35" in page.target_box.error.text()


def test_typed_formula_and_preset_targets(tab, qtbot):
    page = show(tab, 2, qtbot)
    page.set_heights(np.zeros(5))
    box = page.target_box
    box.formula.setText("0.5")  # σ⁻¹(0.5) = 0: zero heights are perfect
    qtbot.keyClick(box.formula, Qt.Key.Key_Return)
    assert not box.error.isVisible()
    assert page.badge.value.text() == "0.000" and page.badge.success
    assert box.combo.currentText() == "Typed formula"
    box.combo.setCurrentText("Step")
    box.combo.activated.emit(box.combo.currentIndex())
    assert box.formula.text() == u.PRESETS_1D["Step"]
    assert page.target(np.array([0.2, 0.8])) == pytest.approx([0.2, 0.8])
    box.formula.setText("1.5*x")  # leaves [0, 1]: accepted, clipped, and said so
    box.apply_formula()
    assert box.note.isVisible() and "clipped" in box.note.text()
    assert "on 33% of the interval" in box.note.text()  # 1.5x > 1 for x > 2/3


def test_drawing_the_target_with_the_mouse(tab, qtbot):
    page = show(tab, 2, qtbot)
    qtbot.mouseClick(page.target_box.draw_button, Qt.MouseButton.LeftButton)
    assert page.drawing
    drag(page.bottom, (0.1, 0.8), (0.9, 0.8), steps=12)
    assert page.target_box.combo.currentText() == DRAWN
    xs = np.linspace(0.15, 0.85, 30)
    assert page.target(xs) == pytest.approx(np.full(30, 0.8), abs=0.03)
    assert page.target(np.array([0.0]))[0] == pytest.approx(u.book_function(0.0), abs=0.01)
    assert page.f_curve.getData()[1][500] == pytest.approx(0.8, abs=0.03)
    page.auto_fit()
    assert page.heights[2] == pytest.approx(u.inverse_sigmoid(0.8), abs=0.1)


def test_learn_trains_off_the_gui_thread(tab, qtbot):
    page = show(tab, 2, qtbot)
    page.steps_spin.setValue(600)
    with qtbot.waitSignal(page.learner.finished, timeout=30_000) as finished:
        qtbot.mouseClick(page.learn_button, Qt.MouseButton.LeftButton)
        assert page.learn_button.text() == "Stop"
    assert finished.args == ["done"]
    assert page.learned["steps"] == 600
    assert page.learned["net"].n_hidden == 10
    assert page.learned["deviation"] == pytest.approx(u.network_deviation(page.learned["net"]))
    assert page.learned_scores[5] <= page.learned["deviation"]
    assert page.learn_button.text() == "Learn"
    assert "average deviation" in page.learn_label.text()
    assert page.learned_z_curve.isVisible()
    assert page.learned_points.getData()[1][0] == pytest.approx(page.learned_scores[5])
    page.show_learned.setChecked(False)
    assert not page.learned_z_curve.isVisible()


def start_a_long_learn(tab, qtbot):
    """The challenge page, learning for a million steps (it has reported once)."""
    page = show(tab, 2, qtbot)
    page.steps_spin.setValue(1_000_000)
    with qtbot.waitSignal(page.learner.progress, timeout=10_000):
        page.learn()
    return page


def test_learn_can_be_stopped(tab, qtbot):
    page = start_a_long_learn(tab, qtbot)
    with qtbot.waitSignal(page.learner.finished, timeout=10_000) as finished:
        qtbot.mouseClick(page.learn_button, Qt.MouseButton.LeftButton)
    assert finished.args == ["stopped"]
    assert page.learned["steps"] < 1_000_000


def test_learn_can_be_restarted_after_a_stop(tab, qtbot):
    page = start_a_long_learn(tab, qtbot)
    with qtbot.waitSignal(page.learner.finished, timeout=10_000):
        page.stop_learning()
    assert page.learn_button.text() == "Learn"
    page.steps_spin.setValue(300)
    with qtbot.waitSignal(page.learner.finished, timeout=30_000) as finished:
        qtbot.mouseClick(page.learn_button, Qt.MouseButton.LeftButton)
    assert finished.args == ["done"] and page.learned["steps"] == 300


def test_changing_n_during_learn_stops_it_and_a_new_run_uses_the_new_n(tab, qtbot):
    page = start_a_long_learn(tab, qtbot)
    with qtbot.waitSignal(page.learner.finished, timeout=10_000) as finished:
        page.n_spin.setValue(8)
    assert finished.args == ["stopped"]
    assert page.learned is None and page.learn_label.text() == LEARN_INTRO
    assert not page.learned_z_curve.isVisible()
    page.steps_spin.setValue(200)
    with qtbot.waitSignal(page.learner.finished, timeout=30_000):
        page.learn()
    assert page.learned["net"].n_hidden == 16 and 8 in page.learned_scores


def test_drawing_during_learn_stops_it(tab, qtbot):
    page = show(tab, 2, qtbot)
    page.target_box.draw_button.setChecked(True)
    drag(page.bottom, (0.2, 0.3), (0.8, 0.3))
    page.steps_spin.setValue(1_000_000)
    with qtbot.waitSignal(page.learner.progress, timeout=10_000):
        page.learn()
    with qtbot.waitSignal(page.learner.finished, timeout=10_000) as finished:
        drag(page.bottom, (0.2, 0.7), (0.8, 0.7))
    assert finished.args == ["stopped"] and page.learned is None
    assert page.target(np.array([0.5]))[0] == pytest.approx(0.7, abs=0.03)


def test_changing_the_target_stops_learn_and_drops_its_reports(tab, qtbot):
    page = start_a_long_learn(tab, qtbot)
    with qtbot.waitSignal(page.learner.finished, timeout=10_000) as finished:
        page.target_box.combo.setCurrentText("Sine wave")
        page.target_box.combo.activated.emit(page.target_box.combo.currentIndex())
    assert finished.args == ["stopped"]
    assert page.learned is None and page.learned_scores == {}
    assert not page.learned_z_curve.isVisible()
    assert page.learn_label.text() == LEARN_INTRO  # the old run's report is gone


def test_learn_reports_divergence(tab, qtbot):
    page = show(tab, 2, qtbot)
    page.eta_spin.setValue(10)
    page.steps_spin.setValue(5000)
    with qtbot.waitSignal(page.learner.finished, timeout=30_000) as finished:
        page.learn()
    assert "smaller η" in finished.args[0]
    assert "smaller η" in page.learn_label.text()


# --- towers ----------------------------------------------------------------------------------------

def test_tower_page_values_and_bias_lock(tab, qtbot):
    page = show(tab, 3, qtbot)
    page.h_slider.setValue(20)
    assert page.b == pytest.approx(-30)  # locked to −3h/2
    z = page.heat.image.image
    centre = (int(0.55 * 100), int(0.45 * 100))  # (row along y, column along x)
    assert z[centre] == pytest.approx(u.sigmoid(10), abs=1e-3)
    assert z[5, 5] == pytest.approx(u.sigmoid(-30), abs=1e-6)
    assert "σ(2h + b)" in page.readout.text()
    page.b_slider.setValue(-5)  # moving b by hand releases the lock
    assert not page.lock.isChecked() and page.b == -5


def test_dragging_the_tower_moves_it(tab, qtbot):
    page = show(tab, 3, qtbot)
    (s1, s2), (t1, t2) = list(page.x_steps), list(page.y_steps)
    drag(page.heat, ((s1 + s2) / 2, (t1 + t2) / 2), ((s1 + s2) / 2 + 0.2, (t1 + t2) / 2 - 0.1))
    assert page.x_steps == pytest.approx([s1 + 0.2, s2 + 0.2], abs=0.02)
    assert page.y_steps == pytest.approx([t1 - 0.1, t2 - 0.1], abs=0.02)
    assert page.s1.value() == pytest.approx(page.x_steps[0], abs=1e-3)


# --- many towers -----------------------------------------------------------------------------------

def test_grid_of_towers(tab, qtbot):
    page = show(tab, 4, qtbot)
    qtbot.waitUntil(lambda: page.result is not None and not page.busy, timeout=20_000)
    with qtbot.waitSignal(page.updated, timeout=20_000) as coarse:
        page.n_spin.setValue(3)
    with qtbot.waitSignal(page.updated, timeout=20_000) as fine:
        page.n_spin.setValue(12)
    assert coarse.args[0]["n"] == 3 and fine.args[0]["n"] == 12
    assert fine.args[0]["score"] < coarse.args[0]["score"]
    assert page.badge.value.text() == f"{fine.args[0]['score']:.3f}"
    assert "144 tower neurons" in page.description.text()
    page.target_box.formula.setText("x +* y")
    page.target_box.apply_formula()
    assert "Formula refused" in page.target_box.error.text()
    with qtbot.waitSignal(page.updated, timeout=20_000) as constant:
        page.target_box.formula.setText("0.3 + 0*x*y")
        page.target_box.apply_formula()
    output, n, h = constant.args[0]["output"], 12, page.h_spin.value()
    # away from the edges: the own tower at σ(h/2), 2(n − 1) towers leaking σ(−h/2) through their arms,
    # the other (n − 1)² at σ(−3h/2); all with the same weight c = σ⁻¹(0.3)
    c = u.inverse_sigmoid(0.3)
    z = c * (u.sigmoid(h / 2) + 2 * (n - 1) * u.sigmoid(-h / 2) + (n - 1) ** 2 * u.sigmoid(-1.5 * h))
    assert np.median(output) == pytest.approx(u.sigmoid(z), abs=1e-7)  # (the leak itself is 1.7e-4)
    assert np.abs(output - 0.3).max() < 0.01  # pixels next to an edge catch a half-way step


def test_a_2d_target_outside_0_1_is_clipped_and_said_so(tab, qtbot):
    page = show(tab, 4, qtbot)
    qtbot.waitUntil(lambda: page.result is not None and not page.busy, timeout=20_000)
    assert not page.target_box.note.isVisible()
    with qtbot.waitSignal(page.updated, timeout=20_000) as landed:
        page.target_box.formula.setText("2*x")  # above 1 for x > ½: half the square
        page.target_box.apply_formula()
    assert landed.args[0]["outside"] == pytest.approx(0.5)
    assert page.target_box.note.isVisible() and "on 50% of the square" in page.target_box.note.text()
    assert landed.args[0]["f"].max() == 1.0


@pytest.mark.parametrize("width", [240, 330, 480])
def test_the_diagrams_layer_captions_lie_inside_it(qtbot, width):
    """'neuron σ(wx + b)' over the last column was cut at the diagram's right edge in a narrow window."""
    from PySide6.QtGui import QFont, QFontMetricsF

    from app.universality import diagram

    view = diagram.NetworkDiagram()
    qtbot.addWidget(view)
    view.set_network(*diagram.one_neuron(8.0, -4.0))
    view.resize(width, 200)
    metrics = QFontMetricsF(QFont(view.font()))
    for centre, caption in ((12.0, "input"), (width - 30.0, "neuron σ(wx + b)")):
        rect = view.caption_rect(metrics, centre, caption)
        assert 0 <= rect.left() and rect.right() <= width and rect.width() >= metrics.horizontalAdvance(caption)
