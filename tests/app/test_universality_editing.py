"""The Universality tab's editing by hand: undo and redo, axes that follow what is dragged, the gap each
bin leaves, drawing the target (on either plot, visibly), the formula box telling the truth, messages
that move nothing, one neuron with a negative weight, and 3-D surfaces with axes and upright walls."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTabWidget

from app import numbers
from app.state import AppState
from app.universality.surface import SurfaceView, coordinates_with_jumps
from app.universality.tab import UniversalityTab
from app.universality.target_box import DRAW_OFF, DRAW_ON, DRAWN
from core import universality as u
from tests.app.test_universality_tab import drag, finish_background_work, show, widget_point

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def tab(qtbot):
    """The tab in a window of its own that has the focus (keyboard shortcuts need an active window)."""
    host = QTabWidget()
    tab = UniversalityTab(AppState())
    host.addTab(tab, "Universality")
    qtbot.addWidget(host, before_close_func=lambda _: finish_background_work(tab, qtbot))
    host.resize(1280, 800)
    with qtbot.waitActive(host):
        host.show()
        host.activateWindow()
    tab.host_window = host  # (held: it owns the tab)
    return tab


def test_ctrl_z_undoes_a_drag_and_ctrl_shift_z_redoes_it(tab, qtbot):
    page = show(tab, 1, qtbot)
    before = [list(b) for b in page.bumps]
    assert not page.undo_button.isEnabled()
    s1, s2, h = page.bumps[2]
    drag(page.plot, ((s1 + s2) / 2, h), ((s1 + s2) / 2, -1.0))
    dragged = [list(b) for b in page.bumps]
    assert dragged[2][2] == pytest.approx(-1.0, abs=0.05) and page.undo_button.isEnabled()
    QTest.keyClick(page.plot, Qt.Key.Key_Z, CTRL)
    assert page.bumps == before and page.rows[2][3].value() == pytest.approx(h)
    assert page.redo_button.isEnabled()
    QTest.keyClick(page.plot, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert page.bumps == dragged
    page.undo_button.click()  # the button does the same
    assert page.bumps == before and not page.undo_button.isEnabled()


def test_undo_on_every_page_takes_back_drags_buttons_and_typed_values(tab, qtbot):
    neuron = show(tab, 0, qtbot)
    w, b = neuron.w, neuron.b
    drag(neuron.plot, (u.step_position(w, b), 0.5), (0.8, 0.5))
    neuron.w_slider.spin.setValue(20.0)
    assert neuron.w == 20.0
    neuron.undo_button.click()  # the typed w
    assert neuron.w == pytest.approx(w) and u.step_position(neuron.w, neuron.b) == pytest.approx(0.8, abs=0.02)
    neuron.undo_button.click()  # the drag
    assert (neuron.w, neuron.b) == pytest.approx((w, b))

    challenge = show(tab, 2, qtbot)
    start = challenge.heights.copy()
    qtbot.mouseClick(challenge.fit_button, Qt.MouseButton.LeftButton)
    drag(challenge.top, (0.5, challenge.heights[2]), (0.5, -2.0))
    QTest.keyClick(challenge.top, Qt.Key.Key_Z, CTRL)
    np.testing.assert_allclose(challenge.heights, u.fit_heights(5))
    QTest.keyClick(challenge.top, Qt.Key.Key_Z, CTRL)
    np.testing.assert_allclose(challenge.heights, start)

    towers = show(tab, 3, qtbot)
    steps = list(towers.x_steps)
    drag(towers.heat, (0.45, 0.55), (0.65, 0.55))  # the tower moved right
    assert towers.x_steps[0] > steps[0] + 0.1
    QTest.keyClick(towers.heat, Qt.Key.Key_Z, CTRL)
    assert towers.x_steps == pytest.approx(steps)


def test_undo_takes_back_a_drawn_target(tab, qtbot):
    page = show(tab, 2, qtbot)
    page.target_box.draw_button.click()
    drag(page.bottom, (0.1, 0.8), (0.9, 0.8), steps=12)
    assert page.target_box.combo.currentText() == DRAWN
    page.undo_button.click()
    assert page.target is u.book_function and page.target_box.combo.currentText() == "The book's f(x)"
    assert page.target_box.formula.text() == u.PRESETS_1D["The book's f(x)"]
    page.redo_button.click()
    assert page.target(np.array([0.5]))[0] == pytest.approx(0.8, abs=0.03)


def test_a_bump_dragged_above_the_axis_makes_the_axis_follow(tab, qtbot):
    page = show(tab, 1, qtbot)
    view = page.plot.getPlotItem().getViewBox()
    top = view.viewRange()[1][1]
    s1, s2, h = page.bumps[2]
    # past the top, to where 3.5 is on the axis as the drag starts
    drag(page.plot, ((s1 + s2) / 2, h), ((s1 + s2) / 2, 3.5))
    assert page.bumps[2][2] == pytest.approx(3.5, abs=0.1)  # no runaway: as far as the pointer went
    low, high = view.viewRange()[1]
    assert high > page.bumps[2][2] > top and low < -page.bumps[2][2]  # the axis followed, its top in sight
    assert high < 1.3 * page.bumps[2][2]
    page.undo_button.click()
    assert view.viewRange()[1][1] == pytest.approx(top)  # and fits again


def test_a_challenge_bump_dragged_past_the_axis_makes_it_follow(tab, qtbot):
    page = show(tab, 2, qtbot)
    page.set_heights(np.zeros(5))
    view = page.top.getPlotItem().getViewBox()
    high = view.viewRange()[1][1]
    drag(page.top, (0.5, 0.0), (0.5, high + 1.5))
    assert page.heights[2] == pytest.approx(high + 1.5, abs=0.15)
    assert view.viewRange()[1][1] > page.heights[2]


def test_each_bins_gap_to_its_goal_is_shaded(tab, qtbot):
    page = show(tab, 2, qtbot)
    page.set_heights([0.5, -1.0, 1.5, 0.0, 1.0])
    x, h = page.heights_curve.getData()
    assert np.array_equal(h, page.heights[u.bin_index(x, 5)])  # the gap's edges: each x's bin's h ...
    assert np.array_equal(page.goal_curve.getData()[1], u.inverse_sigmoid(u.target_values(u.book_function, x)))
    assert page.gap.curves == [page.goal_curve, page.heights_curve]  # ... and σ⁻¹∘f, filled between
    assert not page.gap.path().isEmpty()
    # the score averages the shaded gap: its mean height over [0, 1]
    gap = np.abs(u.inverse_sigmoid(u.target_values(u.book_function, x)) - h)
    assert np.mean(gap) == pytest.approx(page.score(), abs=0.02)


def test_draw_f_is_a_visible_toggle_and_either_plot_draws(tab, qtbot):
    page = show(tab, 2, qtbot)
    button = page.target_box.draw_button
    assert button.text() == DRAW_OFF and not page.top_cue.on and "Drawing" not in page.top_title.shown
    width = button.width()
    button.click()
    assert button.isChecked() and button.text() == DRAW_ON and button.width() == width
    assert page.top_cue.on and page.bottom_cue.on
    assert "✎ Drawing f" in page.top_title.shown and "✎ Drawing f" in page.bottom_title.shown
    assert page.bottom.cursor().shape() == Qt.CursorShape.CrossCursor
    heights = page.heights.copy()
    drag(page.top, (0.2, 2.0), (0.8, 2.0), steps=12)  # on the upper plot: σ⁻¹∘f = 2, so f = σ(2)
    np.testing.assert_array_equal(page.heights, heights)  # (drawing, not dragging bumps)
    assert page.target(np.array([0.5]))[0] == pytest.approx(u.sigmoid(2.0), abs=0.03)
    assert page.goal_curve.getData()[1][500] == pytest.approx(2.0, abs=0.2)
    button.click()
    assert button.text() == DRAW_OFF and not page.bottom_cue.on and "σ⁻¹∘f" in page.top_title.shown


def test_the_formula_box_shows_the_target_in_use(tab, qtbot):
    page = show(tab, 2, qtbot)
    box = page.target_box
    box.formula.setText("1/(x - 0.35)")
    box.apply_formula()
    assert "Formula refused" in box.error.text() and box.combo.currentText() == "The book's f(x)"
    QTest.keyClick(box.formula, Qt.Key.Key_Backspace)  # editing the refused text: the refusal goes
    assert not box.error.isVisible()
    box.formula.setText("1/(x - 0.35)")
    box.apply_formula()
    box.draw_button.click()
    drag(page.bottom, (0.1, 0.3), (0.9, 0.6), steps=10)
    assert not box.error.isVisible()  # not stale
    assert box.formula.text() == "" and "drawn" in box.formula.placeholderText()  # no formula in use


def test_messages_under_the_formula_move_nothing(tab, qtbot):
    page = show(tab, 2, qtbot)
    box = page.target_box
    below = page.n_spin
    y = below.mapTo(page, below.rect().topLeft()).y()
    box.formula.setText("1/(x - 0.35)")  # a refusal, two lines
    box.apply_formula()
    qtbot.wait(10)
    assert box.error.isVisible() and below.mapTo(page, below.rect().topLeft()).y() == y
    box.formula.setText("1.5*x")  # accepted, with a note on clipping
    box.apply_formula()
    qtbot.wait(10)
    assert box.note.isVisible() and below.mapTo(page, below.rect().topLeft()).y() == y


def test_one_neuron_with_a_negative_weight_falls_and_so_do_the_faint_curves(tab, qtbot):
    page = show(tab, 0, qtbot)
    page.set_parameters(-8.0, 4.0)
    for curve in [page.curve] + page.compare:
        y = curve.getData()[1]
        assert y[0] > 0.5 > y[-1]  # falling
    page.by_step.setChecked(True)
    assert "wheel" not in page.hint.text()
    page.by_weight.setChecked(True)
    assert "wheel" in page.hint.text()


def test_the_score_plot_shows_the_marker_at_100_bumps_whole(tab, qtbot):
    page = show(tab, 2, qtbot)
    page.set_bumps(100)
    point = widget_point(page.n_plot, 2.0, page.score())
    half = 6  # the marker is 10 px across
    rect = page.n_plot.getPlotItem().getViewBox().sceneBoundingRect()
    assert rect.left() + half <= page.n_plot.mapToScene(point).x() <= rect.right() - half



def test_the_score_plot_shows_a_perfect_score_whole_and_keeps_success_off_the_markers(tab, qtbot):
    """A drawn target fitted at N = 100 scores 0: its marker sat half under the plot's floor; and
    'Success! ≤ 0.40' lay on your marker when it was near 0.40 at the right end."""
    from app.layout_audit.plot_rules import plot_violations
    from app.universality.score_plot import N_RANGE

    page = show(tab, 2, qtbot)
    page.drawn = u.DrawnCurve.from_target(page.target)
    page.target = page.drawn
    page._target_changed_internal(autorange=True)
    page.set_bumps(100)
    page.auto_fit()
    assert page.score() == pytest.approx(0.0, abs=1e-9)
    assert not plot_violations([page.n_plot]), plot_violations([page.n_plot])
    heights = page.heights.copy()
    page.set_heights(heights + 0.38 * np.sign(np.sin(np.arange(100))))  # a score near 0.40, at N = 100
    assert 0.3 < page.score() < 0.5
    assert not plot_violations([page.n_plot]), plot_violations([page.n_plot])
    for _ in range(3):  # (the label once pushed the x range wider on every redraw)
        page.set_heights(page.heights)
    low, high = page.n_plot.getPlotItem().getViewBox().viewRange()[0]
    assert N_RANGE[0] - 0.1 < low <= N_RANGE[0] and N_RANGE[1] <= high < N_RANGE[1] + 0.1


def test_surfaces_have_upright_walls_and_axes(qtbot):
    xs = coordinates_with_jumps([0.3, 0.6])
    assert {0.295, 0.305, 0.595, 0.605} <= {round(float(x), 3) for x in xs}
    assert not np.any((np.abs(xs - 0.3) < 0.009) & (np.abs(xs - 0.3) > 0.006))  # nothing on the wall's slope
    ys = coordinates_with_jumps([0.4, 0.7])
    z = u.tower(*np.meshgrid(xs, ys), [0.3, 0.6], [0.4, 0.7], 10, -15)
    view = SurfaceView("tower", z_label="output")
    qtbot.addWidget(view)
    view.resize(420, 340)
    view.set_data(z, (0.0, 1.0), xs, ys)
    # a wall: one cell wide, from the floor to the top
    i = int(np.searchsorted(xs, 0.3))
    row = int(np.searchsorted(ys, 0.55))
    assert xs[i] - xs[i - 1] == pytest.approx(0.01) and z[row, i - 1] < 0.01 and z[row, i] > 0.99
    view.grab()  # (painted)
    words = [text for text, _ in view.labels]
    assert words.count("0") == 3 and words.count("0.5") == 3 and words.count("1") == 3  # x, y and z ticks
    assert {"x", "y", "output"} <= set(words)
    frame = view.rect()
    assert all(frame.contains(rect.toRect()) for _, rect in view.labels)  # none cut off
    view.set_data(z * 4 - 2, (-2.0, 2.0), xs, ys)
    view.grab()
    assert {"−2", "2"} <= {text for text, _ in view.labels}  # the z axis's scale is the data's
    # the z axis's numbers, drawn over the surface where it crosses them (a plateau at the top of the
    # scale lies over its middle one), sit on a dark card
    from PySide6.QtGui import QColor

    from app import theme
    view.set_data(np.full_like(z, 2.0), (-2.0, 2.0), xs, ys)
    image = view.grab().toImage()
    background = QColor(theme.BACKGROUND)
    z_numbers = view.labels[-4:-1]  # (painted last: its three numbers, then its name)
    assert [text for text, _ in z_numbers] == ["−2", "0", "2"]
    for text, rect in z_numbers:
        beside = image.pixelColor(int(rect.left()) - 1, int(rect.center().y()))  # (on the card, off the text)
        assert abs(beside.red() - background.red()) + abs(beside.green() - background.green()) < 100, text
    with pytest.raises(ValueError):
        view.set_data(z, (0.0, 1.0), xs[:-1], ys)


def test_curve_plots_read_out_the_values_under_the_cursor(tab, qtbot):
    page = show(tab, 2, qtbot)
    page.set_heights([0.5, -1.0, 1.5, 0.0, 1.0])
    readout = page.top.getPlotItem().readout
    assert readout.read_at(QPointF(0.5, 0.0))
    goal = float(u.inverse_sigmoid(u.book_function(0.5)))
    text = readout.text()
    assert "σ⁻¹∘f" in text and numbers.number(goal, 4) in text and "yours" in text
    scores = page.n_plot.getPlotItem().readout  # a log axis: the read-out says N, not log₁₀ N
    assert scores.read_at(QPointF(np.log10(5), 0.5))
    assert scores.text().startswith("N (number of bumps) 5") and numbers.number(page.best[4], 4) in scores.text()
    neuron = show(tab, 0, qtbot)
    neuron.set_parameters(-8.0, 4.0)
    assert neuron.plot.getPlotItem().readout.read_at(QPointF(0.25, 0.5))
    assert f"σ(wx + b) {numbers.number(u.neuron(0.25, -8.0, 4.0), 4)}" in neuron.plot.getPlotItem().readout.text()
    assert "|w| = 1,000" in neuron.plot.getPlotItem().readout.text()
