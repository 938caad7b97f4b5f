"""The Principles tab's other pages: gradient descent, the learning slowdown, softmax, weight
initialisation and overfitting, each driven as a user would and checked against core."""
from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtWidgets import QApplication, QWidget

from app import numbers
from app.main_window import MainWindow
from app.principles.tab import PrinciplesTab
from core import init_stats, overfitting, softmax
from core.single_neuron import descend
from app.layout_audit.pages import settle
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
    # C where it is, not ∞ (v is a finite point), and no arrow from the far-off ball across the map
    cost = page.surface.cost(*page.ball.position)
    assert np.isfinite(cost) and numbers.number(cost, 4) in page.readout.text() and "∞" not in page.readout.text()
    assert not page.step_line.isVisible() and not page.gradient_line.isVisible()


def test_the_hint_names_the_pink_dots_only_where_there_are_some(tab):
    page = tab.descent
    assert "ink dots" not in page.hint.text()
    page.set_surface("regression")
    assert "Pink dots" in page.hint.text() and len(page.cloud.getData()[0]) > 0
    page.set_surface("valley")
    assert "ink dots" not in page.hint.text() and len(page.cloud.getData()[0]) == 0


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
    text = page.summary.text()  # the book's 0.98 → 0.20 (and 0.82 → 0.09), in the app's number format
    assert "0.98 → <b" in text and ">0.2<" in text and page.runs["quadratic"].output[-1] == pytest.approx(0.20, abs=0.005)
    page.start_buttons[0].setChecked(True)
    text = page.summary.text()
    assert "0.82 → " in text and ">0.094<" in text and page.runs["quadratic"].output[-1] == pytest.approx(0.09, abs=0.005)
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
    assert f"a = {numbers.number(run.output[120])}\n" in column.readout.text()


def test_the_slowdown_animation_never_lays_the_window_out_again(tab, qtbot):
    """Issue 14 (no stalls): a frame of the animation changes only what it draws. Its read-outs used
    to be QLabels, whose every new text asked the layouts from the page's columns up to the window to
    recompute, which then repainted the whole window 60 times a second."""
    page = tab.slowdown
    tab.show_section(2)
    qtbot.waitExposed(page)
    page.show_epoch(1)
    qtbot.wait(100)  # (laid out once, as shown)
    requests, columns = [], [column.widget for column in page.columns.values()]

    class Spy(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.LayoutRequest and isinstance(obj, QWidget) and (
                    obj is page or obj.isAncestorOf(page) or obj in columns):
                requests.append(type(obj).__name__)
            return False

    spy = Spy()
    QApplication.instance().installEventFilter(spy)
    try:
        for epoch in range(2, 30):
            page.show_epoch(epoch)
            qtbot.wait(1)
    finally:
        QApplication.instance().removeEventFilter(spy)
    assert "SlowdownPage" not in requests and "QWidget" not in requests, requests  # (the page, its columns)
    assert len(requests) <= 2, requests  # (four a frame before: each column, the page, the tab, …)
    assert page.columns["quadratic"].readout.text().startswith("epoch 29,")


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
    # the book's 0.315, 0.009, 0.633, 0.043, with three significant digits
    assert [label.textItem.toPlainText() for label in page.labels] == ["0.315", "0.0095", "0.633", "0.0426"]
    page.z[1].setValue(4.0)
    expected = softmax.softmax([2.5, 4.0, 3.2, 0.5])
    np.testing.assert_allclose(page.bars.opts["height"], expected)
    assert page.labels[1].textItem.toPlainText() == numbers.number(expected[1])
    page.scale.setValue(10.0)
    assert page.outputs.max() > 0.999  # softmax → argmax
    page.target.setCurrentIndex(0)
    result = softmax.evaluate([2.5, 4.0, 3.2, 0.5], 0, 10.0)
    assert f"= {numbers.number(result.cost, 4)}" in page.readout.text()


# --- weight initialisation ----------------------------------------------------------------------------------
def test_initialisation_shows_the_books_spreads_and_follows_the_sliders(tab):
    page = tab.initialisation
    assert page.stats["large"].sd == pytest.approx(np.sqrt(501)) and ">22.4<" in page.plots["large"].readout.text()
    assert page.stats["default"].sd == pytest.approx(np.sqrt(1.5)) and ">1.22<" in page.plots["default"].readout.text()
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
    np.testing.assert_allclose(page.curve.getData()[1][[0, -1]], page.line.getData()[1])
    first = page.train.y.copy()
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert not np.array_equal(first, page.train.y)
    expected = overfitting.mse(overfitting.fit(page.train, 1), page.test)
    assert page.errors[1][1] == pytest.approx(expected)
    page.noise.setValue(0.0)  # points on the line: every degree from 1 up fits them and the new points
    assert page.errors[1:, 1].max() < 1e-6 and page.errors[0, 1] > 1


# --- one number format ----------------------------------------------------------------------------------------
def shown_texts(page) -> list[str]:
    """The plain text of every label on ``page`` and of every text item in its plots."""
    import pyqtgraph as pg
    from PySide6.QtGui import QTextDocument
    from PySide6.QtWidgets import QLabel

    texts = []
    for label in page.findChildren(QLabel):
        doc = QTextDocument()
        doc.setHtml(label.text())
        texts.append(doc.toPlainText())
    for view in page.findChildren(pg.GraphicsView):
        texts += [item.textItem.toPlainText() for item in view.scene().items() if isinstance(item, pg.TextItem)]
    return texts


def test_every_page_writes_numbers_in_the_apps_format(tab):
    """No e-notation, no hyphen for a minus and no run of zeros that hides a small value, after edits
    that make negative, tiny and huge numbers."""
    tab.descent.place([-1.2, -0.7])
    tab.descent.step()
    tab.backprop.go(len(tab.backprop.steps) - 1)
    tab.backprop.check()
    tab.slowdown.show_epoch(300)
    tab.softmax.scale.setValue(10.0)  # outputs of 10⁻¹⁵
    tab.initialisation.n_in.setValue(2000)  # a weight variance of 5×10⁻⁴
    tab.overfitting.degree.setValue(9)  # an error of ~10⁻²⁶ on the ten points
    bad = re.compile(r"\d[eE][-+]?\d|(?<![\w)])-\d|0\.0000")
    for i in range(6):
        found = [text for text in shown_texts(tab.page(i)) if bad.search(text)]
        assert not found, (i, found)
    assert "×10⁻" in " ".join(shown_texts(tab.softmax)) and "×10⁻" in " ".join(shown_texts(tab.overfitting))


# --- what the views show stays in them -----------------------------------------------------------------------
def test_the_cost_map_fills_the_view_at_any_shape_and_does_not_set_its_range(tab):
    """The heat map and its contours reach past the view (so it is never empty at its sides) and
    are cut by it, as background: added with ignoreBounds, so the range is the ball's square."""
    from app.layout_audit import audit

    page = tab.descent
    vb = page.plot.getPlotItem().getViewBox()
    for size in ((1280, 600), (900, 740)):
        tab.resize(*size)
        QApplication.processEvents()
        (x0, x1), (y0, y1) = vb.viewRange()
        rect = page.image.mapRectToParent(page.image.boundingRect())
        assert rect.left() <= x0 and rect.right() >= x1 and rect.top() <= y0 and rect.bottom() >= y1
        assert [v for v in audit(page) if v.rule == "data"] == []
    vb.autoRange()
    (x0, x1), _ = vb.viewRange()
    assert x1 - x0 < 2 * page.surface.extent + 1  # the range the items that set it ask for: not the map's


def test_the_slowdowns_bars_and_sigma_prime_follow_a_run_that_goes_far(tab):
    page = tab.slowdown
    page.eta.setValue(1.0)
    page.epochs.setValue(1000)
    page.show_epoch(1000)
    for column in page.columns.values():
        run = column.run
        (_, _), (low, high) = column.bars_plot.getPlotItem().getViewBox().viewRange()
        assert low <= min(run.w.min(), run.b.min()) and max(run.w.max(), run.b.max(), 1.0) <= high
        (z0, z1), _ = column.prime_plot.getPlotItem().getViewBox().viewRange()
        z = run.w + run.b
        assert z0 <= z.min() and z.max() <= z1
        assert column.marker.getData()[0][0] == pytest.approx(z[-1])  # where it is, not clipped


def test_the_slowdowns_keys_name_what_is_drawn_and_no_legend_covers_a_curve(tab, qtbot):
    page = tab.slowdown
    quadratic, cross = page.columns["quadratic"], page.columns["cross-entropy"]
    assert quadratic.plot.getPlotItem().legend is None and cross.plot.getPlotItem().legend is None
    assert quadratic.key.names() == ["cost C", "output a"]  # no sketch yet, none named
    assert cross.key.names() == ["cost C", "output a"]
    height = quadratic.key.height()
    page.prediction.add_point(QPointF(0.0, 0.4), start=True)
    page.prediction.add_point(QPointF(100.0, 0.3))
    assert quadratic.key.names() == ["cost C", "output a", "your prediction"]
    QApplication.processEvents()
    assert quadratic.key.height() == height  # (room was kept for it: the plot does not move)
    qtbot.mouseClick(page.prediction.skip_button, Qt.MouseButton.LeftButton)
    assert quadratic.key.names() == ["cost C", "output a"]  # the sketch gone, its name too


def test_the_wild_polynomial_is_cut_at_the_plots_edge_and_marked(tab):
    from app.principles.overfitting_page import X, excursions

    page = tab.overfitting
    vb = page.plot.getPlotItem().getViewBox()
    (_, _), (low, high) = vb.viewRange()
    every_y = np.r_[page.train.y, page.test.y]
    assert low < every_y.min() and every_y.max() < high  # every point in view: the range is theirs
    page.degree.setValue(9)
    y = page.fits[9](X)
    assert y.min() < low and y.max() > high  # the polynomial swings out of it, both ways
    expected = excursions(X, y, low, high)
    up, down = page.cuts_up.getData(), page.cuts_down.getData()
    assert len(up[0]) + len(down[0]) == len(expected) >= 2 and len(up[0]) and len(down[0])
    np.testing.assert_allclose(up[0], [x for x, _y, side in expected if side > 0])
    np.testing.assert_allclose(down[0], [x for x, _y, side in expected if side < 0])
    assert set(up[1]) == {high} and set(down[1]) == {low}  # on the edges, pointing out
    assert "leaves the plot" in page.readout.text() and numbers.number(y.min()) in page.readout.text()
    assert "where it leaves the plot" in page.key.text()
    assert page.plot.getPlotItem().legend is None and page.errors_plot.getPlotItem().legend is None
    assert page.key.names() == ["the ten points", "new points", "a line (degree 1)", "the polynomial"]
    page.degree.setValue(1)
    assert len(page.cuts_up.getData()[0]) + len(page.cuts_down.getData()[0]) == 0
    assert "leaves" not in page.readout.text() + page.key.text()
    page.show_held_out.setChecked(False)
    assert "new points" not in page.key.names()


def test_excursions_are_the_farthest_point_of_each_run_outside_the_band():
    from app.principles.overfitting_page import excursions

    x = np.arange(9.0)
    y = np.array([0, 5, 7, 3, 0, -4, -2, 0, 6])
    assert excursions(x, y, -1, 4) == [(2.0, 7.0, 1), (5.0, -4.0, -1), (8.0, 6.0, 1)]
    assert excursions(x, np.zeros(9), -1, 1) == []


# --- nothing moves --------------------------------------------------------------------------------------------
def placed(page) -> dict[int, tuple[str, tuple[int, int, int, int]]]:
    """Where every visible widget of ``page`` is (page coordinates), but inside the equation box that
    scrolls (its text may grow in it)."""
    from PySide6.QtWidgets import QScrollArea, QWidget

    boxes = [area for area in page.findChildren(QScrollArea)
             if area.widget() is not None and area.widget().objectName() != "sidePanel"]
    inside = {id(w) for box in boxes for w in box.findChildren(QWidget)}
    out = {}
    for widget in page.findChildren(QWidget):
        if widget.isVisible() and id(widget) not in inside:
            corner = widget.mapTo(page, widget.rect().topLeft())
            out[id(widget)] = (type(widget).__name__, (corner.x(), corner.y(), widget.width(), widget.height()))
    return out


EDITS = {
    "descent": [lambda p: p.step(), lambda p: p.eta.setValue(0.9), lambda p: p.eta.setValue(1.15),
                lambda p: p.mu.setValue(0.5), lambda p: [p.step() for _ in range(30)], lambda p: p.reset()],
    "backprop": [lambda p: p.go(k) for k in range(5)] + [lambda p: p.check(), lambda p: p.descend(),
                                                        lambda p: p.go(0)],
    "slowdown": [lambda p: p.show_epoch(150), lambda p: p.show_epoch(300), lambda p: p.book_eta.setChecked(True),
                 lambda p: p.start_buttons[0].setChecked(True), lambda p: p.eta.setValue(1.0)],
    "softmax": [lambda p: p.scale.setValue(10), lambda p: p.z[0].setValue(-5), lambda p: p.target.setCurrentIndex(1),
                lambda p: p.scale.setValue(0)],
    "initialisation": [lambda p: p.n_in.setValue(1), lambda p: p.n_in.setValue(2000), lambda p: p.fraction.setValue(0),
                       lambda p: p.fraction.setValue(1)],
    "overfitting": [lambda p: p.degree.setValue(1), lambda p: p.degree.setValue(9), lambda p: p.resample(5),
                    lambda p: p.noise.setValue(3.0), lambda p: p.degree.setValue(0)],
}


@pytest.mark.parametrize("name", list(EDITS))
def test_nothing_moves_as_the_numbers_change(qtbot, name):
    """At the smallest window's size, every edit of a page leaves every widget where it was: read-outs
    keep their height, keys under plots theirs, a title never wraps differently."""
    tab = PrinciplesTab()
    qtbot.addWidget(tab)
    tab.resize(1024 - 190, 640 - 60)  # the tab's share of the smallest window
    tab.show()
    page = getattr(tab, name)
    tab.show_section([tab.page(i) for i in range(6)].index(page))
    qtbot.waitExposed(tab)
    settle(page)
    before = placed(page)
    for i, edit in enumerate(EDITS[name]):
        edit(page)
        settle(page)
        after = placed(page)
        moved = [f"{kind} {before[key][1]} → {where}" for key, (kind, where) in after.items()
                 if key in before and before[key][1] != where]
        assert not moved, (i, moved)
        before = after
    tab.shutdown()


# --- hover read-outs ------------------------------------------------------------------------------------------
def test_every_curve_plot_reads_its_named_curves_under_the_pointer(tab, qtbot):
    """Every plot of curves on every page has the factory's hover read-out, and each curve it reads
    is named (the cost map is a map: no read-out)."""
    import pyqtgraph as pg

    tab.descent.set_surface("regression")
    tab.slowdown.show_epoch(200)
    tab.backprop.descend()
    read = 0
    for i in range(6):
        tab.show_section(i)
        page = tab.page(i)
        for widget in page.findChildren(pg.PlotWidget):
            plot = widget.getPlotItem()
            curves = [c for c in plot.listDataItems() if isinstance(c, pg.PlotDataItem) and c.isVisible()
                      and c.yData is not None and len(c.yData)]
            if widget is tab.descent.plot:
                assert getattr(plot, "readout", None) is None
                continue
            if not curves or not widget.isVisible():
                continue
            assert getattr(plot, "readout", None) is not None and plot.readout.enabled, (i, plot.titleLabel.text)
            x = float(np.median(curves[0].xData))
            assert plot.readout.read_at(QPointF(x, float(np.nanmedian(curves[0].yData)))), (i, plot.titleLabel.text)
            rows = plot.readout.text().splitlines()[1:]
            assert rows and all(len(row.split()) >= 3 for row in rows), (i, rows)  # "● name value", never unnamed
            read += 1
    assert read >= 8
