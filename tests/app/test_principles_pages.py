"""The Principles tab's other pages: gradient descent, the learning slowdown, softmax, weight
initialisation and overfitting, each driven as a user would and checked against core."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from app.main_window import MainWindow
from app.principles.tab import PrinciplesTab
from core import descent, init_stats, overfitting, softmax
from core.single_neuron import descend
from tests.app.tabs import show


@pytest.fixture
def tab(qtbot):
    tab = PrinciplesTab()
    qtbot.addWidget(tab)
    tab.resize(1280, 740)
    tab.show()
    yield tab
    tab.shutdown()


def click_in_plot(qtbot, plot, x, y):
    """A left click on a pyqtgraph plot at data coordinates (x, y)."""
    vb = plot.getPlotItem().getViewBox()
    pos = plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def drag_in_plot(qtbot, plot, points):
    """Press at the first data point, move through the others, release at the last."""
    vb = plot.getPlotItem().getViewBox()
    where = [plot.mapFromScene(vb.mapViewToScene(QPointF(x, y))) for x, y in points]
    qtbot.mousePress(plot.viewport(), Qt.MouseButton.LeftButton, pos=where[0])
    for pos in where[1:]:
        qtbot.mouseMove(plot.viewport(), pos)
    qtbot.mouseRelease(plot.viewport(), Qt.MouseButton.LeftButton, pos=where[-1])


# --- the tab ------------------------------------------------------------------------------------------------
def test_six_pages_built_when_first_shown_and_the_tab_sits_after_draw(qtbot, tmp_path):
    """Every page, once built, still fits the smallest window the app allows."""
    from PySide6.QtCore import QSettings

    from app.window_settings import MINIMUM

    window = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                        load_initial_network=False)
    qtbot.addWidget(window)
    window.show()
    principles = show(window, "Principles")
    assert window.tabs.tabText(1) == "Principles" and "Chapter 2" in window.chapter_action.text()
    assert principles.sections.count() == 6 and len(principles.built_pages) == 1
    for i in range(6):
        principles.show_section(i)
        assert principles.export_widget() is principles.page(i)
        hint = window.minimumSizeHint()
        assert hint.width() <= MINIMUM.width() and hint.height() <= MINIMUM.height(), i
    assert len(principles.built_pages) == 6
    window.resize(MINIMUM)
    qtbot.waitUntil(lambda: window.size() == MINIMUM)


# --- gradient descent ---------------------------------------------------------------------------------------
def test_a_step_is_minus_eta_times_the_gradient_and_every_number_follows(tab, qtbot):
    page = tab.descent
    page.eta.setValue(0.2)
    start = page.ball.position.copy()
    qtbot.mouseClick(page.step_button, Qt.MouseButton.LeftButton)
    np.testing.assert_allclose(page.ball.position, start - 0.2 * 2 * start)
    assert "step 1" in page.readout.text() and "good" in page.regime_label.text()
    page.eta.setValue(0.8)
    assert "overshoot" in page.regime_label.text() and "−1.0" not in page.readout.text()
    page.eta.setValue(1.1)
    assert "divergence" in page.regime_label.text()


def test_clicking_the_map_places_the_ball(tab, qtbot):
    page = tab.descent
    click_in_plot(qtbot, page.plot, -1.0, 0.5)
    np.testing.assert_allclose(page.ball.position, [-1.0, 0.5], atol=0.03)
    assert len(page.ball.path) == 1


def test_run_steps_off_a_timer_until_the_ball_escapes(tab, qtbot):
    page = tab.descent
    page.eta.setValue(1.2)  # each step 1.4 times farther out: escaped after ~19 steps
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    assert page.timer.isActive() and page.run_button.text() == "Pause"
    qtbot.waitUntil(lambda: not page.timer.isActive(), timeout=10_000)
    assert page.ball.escaped and "escaped" in page.readout.text()


def test_momentum_gets_further_down_the_valley(tab):
    page = tab.descent
    page.set_surface("valley")
    page.eta.setValue(0.4)
    for _ in range(40):
        page.step()
    plain = page.surface.cost(*page.ball.position)
    page.reset()
    page.mu.setValue(0.8)
    for _ in range(40):
        page.step()
    assert page.surface.cost(*page.ball.position) < 0.1 * plain


def test_stochastic_steps_use_a_mini_batch_and_the_cloud_narrows_as_m_grows(tab):
    page = tab.descent
    page.set_surface("regression")
    assert page.m.isVisible() and page.data_plot.isVisible()
    page.m.setValue(2)
    wide = np.std(page.cloud.getData()[0])
    page.m.setValue(30)
    narrow = np.std(page.cloud.getData()[0])
    assert narrow < 0.5 * wide
    page.m.setValue(40)  # every point: the estimate is the gradient
    start = page.ball.position.copy()
    page.step()
    np.testing.assert_allclose(page.ball.position, start - page.eta.value() * page.surface.gradient(start))
    assert len(page.batch) == 40 and len(page.batch_points.getData()[0]) == 40


# --- the learning slowdown ----------------------------------------------------------------------------------
def test_slowdown_shows_the_books_figures(tab):
    page = tab.slowdown
    assert "0.98 → <b" in page.summary.text() and "0.20" in page.summary.text()
    page.start_buttons[0].setChecked(True)
    assert "0.82 → " in page.summary.text() and "0.09" in page.summary.text()
    quadratic = page.columns["quadratic"]
    x, y = quadratic.cost_curve.getData()
    assert len(x) == 1  # epoch 0 until it runs


def test_slowdown_scrubs_and_every_view_follows(tab):
    page = tab.slowdown
    page.scrub.setValue(120)
    run = descend("quadratic", 2.0, 2.0, 0.15, 300)
    column = page.columns["quadratic"]
    np.testing.assert_allclose(column.bars.opts["height"], [run.w[120], run.b[120], run.output[120]])
    np.testing.assert_allclose(column.cost_curve.getData()[1], run.cost[:121])
    z = run.w[120] + run.b[120]
    assert column.marker.getData()[0][0] == pytest.approx(z)
    assert f"a = {run.output[120]:.3f}" in column.readout.text()


def test_the_books_eta_for_cross_entropy(tab):
    page = tab.slowdown
    page.book_eta.setChecked(True)
    assert page.runs["cross-entropy"].output[-1] == pytest.approx(0.78, abs=0.005)
    assert page.runs["quadratic"].output[-1] == pytest.approx(0.20, abs=0.005)  # its η unchanged
    assert "0.78" in page.summary.text() and "0.005" in page.columns["cross-entropy"].readout.text()


def test_sketch_the_cost_then_run_and_the_gap_is_named(tab, qtbot):
    page = tab.slowdown
    page.epochs.setValue(40)  # a short run: 40 frames
    plot = page.columns["quadratic"].plot
    drag_in_plot(qtbot, plot, [(0, 0.48), (10, 0.3), (20, 0.1), (40, 0.0)])
    sx, sy = page.prediction.sketch()
    assert sx.min() == pytest.approx(0, abs=1) and sx.max() == pytest.approx(40, abs=1) and sy.max() > 0.4
    qtbot.mouseClick(page.prediction.commit_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.prediction.state == "revealed", timeout=10_000)
    assert page.epoch == 40 and not page.timer.isActive()
    text = page.prediction.verdict.text()
    assert "off on average" in text and "higher than you drew" in text  # the truth stays up near 0.48


# --- softmax ------------------------------------------------------------------------------------------------
def test_softmax_starts_at_the_books_values_and_follows_each_slider(tab):
    page = tab.softmax
    assert [label.textItem.toPlainText() for label in page.labels] == ["0.315", "0.009", "0.633", "0.043"]
    page.z[1].setValue(4.0)
    expected = softmax.softmax([2.5, 4.0, 3.2, 0.5])
    np.testing.assert_allclose(page.bars.opts["height"], expected)
    assert page.labels[1].textItem.toPlainText() == f"{expected[1]:.3f}"
    page.scale.setValue(10.0)
    assert page.outputs.max() > 0.999  # softmax → argmax
    page.target.setCurrentIndex(0)
    result = softmax.evaluate([2.5, 4.0, 3.2, 0.5], 0, 10.0)
    assert f"{result.cost:.4f}" in page.readout.text()


# --- weight initialisation ----------------------------------------------------------------------------------
def test_initialisation_shows_the_books_spreads_and_follows_the_sliders(tab):
    page = tab.initialisation
    assert page.stats["large"].sd == pytest.approx(np.sqrt(501)) and "22.38" in page.plots["large"].readout.text()
    assert page.stats["default"].sd == pytest.approx(np.sqrt(1.5)) and "1.22" in page.plots["default"].readout.text()
    assert page.stats["large"].saturated > 0.8 and page.stats["default"].saturated < 0.001
    page.fraction.setValue(0.1)
    assert page.stats["large"].sd == pytest.approx(np.sqrt(101))
    page.n_in.setValue(10)
    assert page.stats["default"].sd == pytest.approx(np.sqrt(1 * 0.1 + 1))
    assert page.stats["large"].saturated == pytest.approx(init_stats.saturated_share(np.sqrt(2)))


# --- overfitting --------------------------------------------------------------------------------------------
def test_overfitting_degree_nine_fits_the_points_and_misses_new_ones(tab, qtbot):
    page = tab.overfitting
    train, test = page.errors[9]
    assert train < 1e-12 and test > 10 * page.errors[1][1]
    page.degree.setValue(1)
    np.testing.assert_allclose(page.curve.getData()[1], page.line.getData()[1])
    first = page.train.y.copy()
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert not np.array_equal(first, page.train.y)
    expected = overfitting.mse(overfitting.fit(page.train, 1), page.test)
    assert page.errors[1][1] == pytest.approx(expected)
    page.noise.setValue(0.0)  # points on the line: every degree from 1 up fits them and the new points
    assert page.errors[1:, 1].max() < 1e-6 and page.errors[0, 1] > 1
