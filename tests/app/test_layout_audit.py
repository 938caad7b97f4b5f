"""The layout audit (issue 14, "Sizes"): each rule on small widgets that break it and that do not,
then every page of every tab at 1024×640, 1280×800 and 1600×1000.

Pages that violate today are marked ``xfail(strict=True)`` with their violations in short: a ratchet.
When a fix lands the test passes, strict xfail fails it, and the mark must go.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QPolygonF
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGraphicsPolygonItem, QGridLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QMainWindow, QPushButton, QScrollArea, QSpinBox,
                               QTabWidget, QToolButton, QVBoxLayout, QWidget)

from app.layout_audit import Violation, audit
from app.layout_audit.pages import SIZES, Page, open_window, pages, seeded_randomness, settle, show, size_label
from app.widgets.live_text import LiveText

LONG = "A label whose text is rather long"


def shown(qtbot, widget: QWidget, size: tuple[int, int] | None = None) -> QWidget:
    qtbot.addWidget(widget)
    if size is not None:
        widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    settle(widget)
    return widget


def rules(widget: QWidget) -> list[str]:
    return [v.rule for v in audit(widget)]


def in_box(*widgets: QWidget) -> QWidget:
    """``widgets`` in a vertical layout in a plain parent."""
    parent = QWidget()
    layout = QVBoxLayout(parent)
    for w in widgets:
        layout.addWidget(w)
    return parent


# --- (a) text --------------------------------------------------------------------------------------------
def test_a_label_narrower_than_its_text_is_found_with_the_numbers(qtbot):
    label = QLabel(LONG)
    label.setFixedWidth(60)
    parent = shown(qtbot, in_box(label))
    found = audit(parent)
    assert [v.rule for v in found] == ["text"]
    need = label.sizeHint().width()  # QLabel's own measure of its text (it has no margin)
    assert f"needs {need}×" in found[0].detail and "has 60×" in found[0].detail
    assert found[0].where.startswith(f"QLabel “{LONG}”")


def test_a_label_as_wide_as_its_text_and_margins_is_not(qtbot):
    label = QLabel(LONG)
    label.setMargin(6)
    label.setFixedWidth(label.fontMetrics().horizontalAdvance(LONG) + 12)
    parent = shown(qtbot, in_box(label))
    assert rules(parent) == []
    label.setFixedWidth(label.fontMetrics().horizontalAdvance(LONG) + 12 - 4)  # the margins count
    settle(parent)
    assert rules(parent) == ["text"]


def test_a_label_too_short_for_its_line_is_found(qtbot):
    label = QLabel("Short")
    label.setFixedHeight(label.fontMetrics().height() - 5)
    assert rules(shown(qtbot, in_box(label))) == ["text"]


def test_a_word_wrapped_label_needs_the_height_of_its_lines(qtbot):
    label = QLabel(" ".join([LONG] * 4))
    label.setWordWrap(True)
    label.setFixedWidth(150)
    label.setFixedHeight(label.heightForWidth(150))
    parent = shown(qtbot, in_box(label))
    assert rules(parent) == []
    label.setFixedHeight(label.fontMetrics().lineSpacing() * 2)
    settle(parent)
    assert rules(parent) == ["text"]


def test_a_word_too_long_to_wrap_is_found(qtbot):
    label = QLabel("Unbreakable_" * 6)
    label.setWordWrap(True)
    label.setFixedSize(120, 200)
    assert rules(shown(qtbot, in_box(label))) == ["text"]


def test_rich_text_is_measured_as_laid_out_in_its_font(qtbot):
    """Bold text is wider than the same text plain: a label as wide as the plain text clips it."""
    plain = "Backpropagation"
    label = QLabel(f"<b style='font-size: 20px'>{plain}</b>")
    label.setFixedWidth(label.fontMetrics().horizontalAdvance(plain) + 2)
    parent = shown(qtbot, in_box(label))
    assert rules(parent) == ["text"]
    label.setFixedSize(label.sizeHint())
    settle(parent)
    assert rules(parent) == []


def test_buttons_check_boxes_and_tool_buttons_need_room_for_their_text(qtbot):
    push, check, tool = QPushButton("Run the comparison"), QCheckBox("Batch normalisation"), QToolButton()
    tool.setText("Eraser")
    parent = in_box(push, check, tool)
    parent.setStyleSheet("QPushButton { padding: 4px 20px; } QToolButton { padding: 4px 9px; }")
    shown(qtbot, parent)
    for w in (push, check, tool):
        w.setFixedSize(w.sizeHint())
    settle(parent)
    assert rules(parent) == []
    for w in (push, check, tool):
        w.setFixedWidth(w.sizeHint().width() - 25)
    settle(parent)
    assert sorted(v.where.split(" ")[0] for v in audit(parent)) == ["QCheckBox", "QPushButton", "QToolButton"]


def test_a_combo_box_too_narrow_for_its_current_text_is_found(qtbot):
    combo = QComboBox()
    combo.addItems(["ch1 (book 95.42%): 784-30-10, quadratic cost", "ch3"])
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(3)  # (so that it is not "squashed" below its minimum size hint too)
    combo.setFixedWidth(120)
    parent = shown(qtbot, in_box(combo))
    found = audit(parent)
    assert [v.rule for v in found] == ["text"] and "current text needs" in found[0].detail
    combo.setCurrentIndex(1)
    assert rules(parent) == []


def test_a_group_box_title_wider_than_the_box_is_found(qtbot):
    box = QGroupBox("Training with a rather long title")
    QVBoxLayout(box).addWidget(QLabel("x"))
    box.setFixedWidth(80)
    parent = shown(qtbot, in_box(box))
    assert rules(parent) == ["text"]
    box.setFixedWidth(box.fontMetrics().horizontalAdvance(box.title()) + 40)
    settle(parent)
    assert rules(parent) == []


@pytest.mark.parametrize("elide", [Qt.TextElideMode.ElideNone, Qt.TextElideMode.ElideRight])
def test_tabs_that_do_not_fit_their_bar_are_found(qtbot, elide):
    tabs = QTabWidget()
    tabs.setElideMode(elide)
    for title in ("Vanishing gradient", "Why", "Exploding gradient", "Fixes", "Any run"):
        tabs.addTab(QWidget(), title)
    shown(qtbot, tabs, (700, 200))
    assert rules(tabs) == []
    tabs.resize(200, 200)
    settle(tabs)
    assert set(rules(tabs)) == {"text"}


def test_live_text_that_needs_more_lines_than_it_has_is_found(qtbot):
    text = LiveText(lines=1)
    text.setText("<b>reads 7</b> with probability 1.00")
    parent = shown(qtbot, in_box(text), (400, 60))
    assert rules(parent) == []
    text.setText(" ".join(["<b>reads 7</b> with probability 1.00"] * 4))
    assert rules(parent) == ["text"]


# --- (b) geometry ----------------------------------------------------------------------------------------
def test_a_child_reaching_out_of_its_parent_is_found(qtbot):
    parent = QWidget()
    child = QLabel("x", parent)
    child.setGeometry(10, 10, 20, 20)
    shown(qtbot, parent, (100, 50))
    assert rules(parent) == []
    child.move(90, 10)
    found = audit(parent)
    assert [v.rule for v in found] == ["outside"] and "right by 10 px" in found[0].detail


def test_siblings_a_squeezed_layout_piles_up_are_found_but_not_an_intended_overlay(qtbot):
    parent = QWidget()
    row = QHBoxLayout(parent)
    first, second = QLineEdit(), QLineEdit()
    for w in (first, second):
        w.setMinimumWidth(100)
        row.addWidget(w)
    parent.setFixedWidth(150)
    assert set(rules(shown(qtbot, parent))) == {"overlap", "outside"}
    overlay = QWidget()
    grid = QGridLayout(overlay)
    grid.addWidget(QLabel("under"), 0, 0)
    grid.addWidget(QLabel("badge"), 0, 0, Qt.AlignmentFlag.AlignRight)
    assert rules(shown(qtbot, overlay)) == []


@pytest.mark.parametrize("policy, expected", [(Qt.ScrollBarPolicy.ScrollBarAsNeeded, []),
                                              (Qt.ScrollBarPolicy.ScrollBarAlwaysOff, ["scroll"])])
def test_a_scroll_area_may_hold_a_larger_widget_only_if_it_scrolls_to_it(qtbot, policy, expected):
    inner = QWidget()
    inner.setMinimumSize(400, 300)
    area = QScrollArea()
    area.setWidget(inner)
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(policy)
    assert rules(shown(qtbot, area, (200, 150))) == expected


# --- (c) squashed inputs ---------------------------------------------------------------------------------
def test_inputs_below_their_minimum_size_hint_are_found(qtbot):
    spin, double, combo, line = QSpinBox(), QDoubleSpinBox(), QComboBox(), QLineEdit()
    spin.setRange(0, 100_000)
    double.setRange(0, 1000)
    combo.addItems(["1/√n_in (the book's)", "N(0, 1)"])
    parent = shown(qtbot, in_box(spin, double, combo, line))
    assert rules(parent) == []
    for w in (spin, double, combo):
        w.setFixedWidth(w.minimumSizeHint().width() - 3)
    line.setFixedHeight(line.minimumSizeHint().height() - 3)
    settle(parent)
    found = audit(parent)
    assert [v.rule for v in found] == ["squashed"] * 4
    assert f"needs at least {spin.minimumSizeHint().width()}×" in found[0].detail


def test_a_form_at_its_own_size_has_no_violations(qtbot):
    form = QWidget()
    layout = QFormLayout(form)
    layout.addRow("Hidden layers", QSpinBox())
    layout.addRow("Initial weights", QComboBox())
    layout.addRow("Learning rate η", QDoubleSpinBox())
    layout.addRow(QCheckBox("batch norm"))
    note = QLabel("Each violin is one hidden layer's values (its width: how many); the dot is the median.")
    note.setWordWrap(True)
    layout.addRow(note)
    layout.addRow(QPushButton("Run the comparison"))
    assert audit(shown(qtbot, form)) == []


# --- (d) plots -------------------------------------------------------------------------------------------
def plot(qtbot, size=(400, 300)) -> pg.PlotWidget:
    return shown(qtbot, pg.PlotWidget(title="Accuracy"), size)


def test_data_outside_the_view_range_is_found_nan_is_not(qtbot):
    widget = plot(qtbot)
    widget.plot([0, 1, 2, 3, np.nan, 5], [0.5, 0.9, np.nan, 0.95, 2.0, 0.97], name="validation")
    settle(widget)
    assert rules(widget) == []
    widget.setYRange(0.6, 1.0, padding=0)
    settle(widget)
    found = audit(widget)
    assert [v.rule for v in found] == ["data"]
    assert "“validation”" in found[0].detail and "y 0.5…0.97" in found[0].detail
    assert "“Accuracy”" in found[0].where


def test_an_item_kept_out_of_the_range_may_leave_the_view(qtbot):
    """A background field added with ignoreBounds=True (pyqtgraph: not part of the range) is not data
    whose extent the view must show."""
    widget = plot(qtbot)
    widget.plot([0, 1], [0, 1])
    circle = np.linspace(0, 2 * np.pi, 50)
    widget.addItem(pg.PlotDataItem(3 * np.cos(circle), 3 * np.sin(circle)), ignoreBounds=True)
    widget.setRange(xRange=(0, 1), yRange=(0, 1))
    settle(widget)
    assert rules(widget) == []


def test_data_on_a_log_axis_is_compared_in_log_units(qtbot):
    widget = plot(qtbot)
    widget.setLogMode(y=True)
    widget.plot([1, 2, 3], [1e-4, 1e-2, 1.0])
    settle(widget)
    assert rules(widget) == []
    widget.setYRange(-3, 0, padding=0)  # 10⁻³ … 1: the 10⁻⁴ point is below
    settle(widget)
    assert rules(widget) == ["data"]


def test_a_scatter_symbol_cut_by_the_edge_is_found(qtbot):
    widget = plot(qtbot)
    widget.plot([0, 1, 2], [0, 1, 2], pen=None, symbol="o", symbolSize=14)
    widget.setRange(xRange=(0, 2), yRange=(-1, 3), padding=0)  # half of the first and last symbol cut
    settle(widget)
    assert rules(widget) == ["data"]
    widget.setRange(xRange=(-0.2, 2.2), yRange=(-1, 3), padding=0)
    settle(widget)
    assert rules(widget) == []


def test_bars_outside_the_view_are_found(qtbot):
    widget = plot(qtbot)
    widget.addItem(pg.BarGraphItem(x=[1, 2, 3], height=[1, 5, 2], width=0.6))
    settle(widget)
    assert rules(widget) == []
    widget.setYRange(0, 3, padding=0)
    settle(widget)
    assert rules(widget) == ["data"]


def _legend_plot(qtbot, y, offset) -> pg.PlotWidget:
    widget = plot(qtbot)
    widget.addLegend(offset=offset)
    widget.plot(np.linspace(0, 10, 50), y, name="training cost")
    widget.setRange(xRange=(0, 10), yRange=(0, 1), padding=0)
    settle(widget)
    return widget


def test_a_legend_over_a_curve_is_found_one_beside_it_is_not(qtbot):
    rising = np.linspace(0.05, 0.95, 50)
    assert rules(_legend_plot(qtbot, rising, (-10, 10))) == ["legend"]  # top right: the line ends under it
    assert rules(_legend_plot(qtbot, rising, (10, 10))) == []  # top left: the line is far below
    assert rules(_legend_plot(qtbot, rising, (-10, -10))) == []  # bottom right: ... far above


def test_a_line_crossing_a_legend_between_two_points_is_found(qtbot):
    widget = plot(qtbot)
    widget.addLegend(offset=(10, 10))
    widget.plot([0, 10], [0.93, 0.8], name="two points, far apart")  # no point under the legend, the line is
    widget.setRange(xRange=(0, 10), yRange=(0, 1), padding=0)
    settle(widget)
    assert rules(widget) == ["legend"]


def test_a_legend_without_a_box_leaves_the_plot_between_its_words_free_one_with_a_box_not(qtbot):
    widget = plot(qtbot)
    legend = widget.addLegend(offset=(10, 10))
    widget.plot([0, 10], [0.0, 0.1], name="a label long enough to make the legend wide")
    widget.plot([0, 10], [0.1, 0.0], name="x")
    widget.setRange(xRange=(0, 10), yRange=(0, 1), padding=0)
    settle(widget)
    short = legend.items[1][1].item  # the text "x": a point right of it, inside the legend's box
    spot = short.mapRectToScene(short.boundingRect()).center() + QPointF(60, 0)
    assert legend.mapRectToScene(legend.rect()).contains(spot)
    at = widget.getViewBox().mapSceneToView(spot)
    widget.plot([at.x()], [at.y()], pen=None, symbol="o", symbolSize=4)
    settle(widget)
    assert rules(widget) == []
    legend.setBrush("k")  # a background hides what is under the whole box
    settle(widget)
    assert rules(widget) == ["legend"]


def test_shapes_count_as_data_a_violin_past_the_view_and_a_legend_over_a_band(qtbot):
    widget = plot(qtbot)
    violin = QGraphicsPolygonItem(QPolygonF([QPointF(0.8, -0.5), QPointF(1.2, 0.5), QPointF(0.8, 0.9)]))
    widget.addItem(violin)
    widget.setRange(xRange=(0, 2), yRange=(0, 1), padding=0)
    settle(widget)
    assert rules(widget) == ["data"]  # its tail below 0
    widget.removeItem(violin)
    widget.addLegend(offset=(10, 10)).addItem(pg.PlotDataItem([0, 1]), "10–90 % band")
    upper, lower = pg.PlotCurveItem([0, 2], [0.98, 0.98]), pg.PlotCurveItem([0, 2], [0.5, 0.5])
    widget.addItem(pg.FillBetweenItem(upper, lower))  # (the band alone: its edges are not in the view)
    settle(widget)
    assert rules(widget) == ["legend"]


def test_seeded_randomness_makes_unseeded_generators_repeat_and_then_lets_go():
    with seeded_randomness(3):
        first, second = np.random.default_rng().random(), np.random.default_rng().random()
        assert first == second == np.random.default_rng(3).random()
        assert np.random.default_rng(4).random() != first  # a seed given is kept
    assert np.random.default_rng().random() != np.random.default_rng().random()


def test_a_violation_reads_as_one_line():
    line = str(Violation("text", "QLabel “η” < SetupForm", "text needs 40×14 px, has 30×14"))
    assert line == "[text] QLabel “η” < SetupForm: text needs 40×14 px, has 30×14"


def test_a_window_that_cannot_take_a_size_says_so(qtbot):
    window = QMainWindow()
    window.tabs = QTabWidget()
    page = QWidget()
    page.setMinimumSize(900, 500)
    window.tabs.addTab(page, "Only")
    window.setCentralWidget(window.tabs)
    shown(qtbot, window)
    assert pages(window) == [Page("Only", "")]
    assert [v.rule for v in show(window, Page("Only", ""), QSize(800, 400))] == ["window"]
    assert show(window, Page("Only", ""), QSize(1000, 600)) == []


# --- every page of every tab -------------------------------------------------------------------------------
PAGES = [*(Page("Draw", name) for name in ("read", "teach", "fool-it")),
         *(Page("Principles", name) for name in ("gradient-descent", "backpropagation", "learning-slowdown",
                                                 "softmax", "initialisation", "overfitting")),
         Page("Train", "setup"), Page("Train", "runs"),
         *(Page("Gradients", name) for name in ("experiment", "cause", "exploding", "fixes", "any_run")),
         *(Page("Universality", name) for name in ("one-neuron", "bumps", "the-challenge", "towers",
                                                   "many-towers"))]

#: (page, size) -> its violations today, in short. Remove an entry when its fix lands (strict xfail).
KNOWN: dict = {}


def _cases():
    for size in SIZES:  # (sizes outermost: the window is resized three times in all)
        for page in PAGES:
            reason = KNOWN.get((page.label, size_label(size)))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(page, size, id=f"{page.label}-{size_label(size)}", marks=marks)


@pytest.fixture(scope="module")
def app_window(qapp, mnist, tmp_path_factory):
    """The whole app with the bundled default network and MNIST test digit 0 in the Draw tab (its
    random starts seeded, as the script's)."""
    with seeded_randomness():
        window = open_window(tmp_path_factory.mktemp("layout-audit") / "settings.ini", data=mnist)
        yield window
        window.close()


def test_the_audited_pages_are_every_page_of_every_tab(app_window):
    assert pages(app_window) == PAGES


@pytest.mark.parametrize("page, size", list(_cases()))
def test_every_page_reads_right_at_every_size(app_window, page, size):
    found = show(app_window, page, size) + audit(app_window)
    assert not found, "\n".join(map(str, found))


# --- the Draw tab's pages as they are in use, with the book's sigmoid network ------------------------------
def test_the_draw_pages_in_use_read_right_with_the_chapter_1_network(qapp, mnist, tmp_path):
    """The chapter 1 network's words are longer than the CNN's ("output activation" for "probability"):
    a labelled MNIST digit read in Read mode, a fine-tuning's before → after in Teach mode and a game
    won in Fool it, at every size."""
    from app.draw.teach import TeachPanel
    from core.models import BUNDLED

    with seeded_randomness():
        window = open_window(tmp_path / "settings.ini", network=BUNDLED["ch1"].path, digit=None, data=mnist)
    try:
        tab = window.tabs.widget(0)
        results = {"held": 12, "held_before": 0.5, "held_after": 0.9166, "test_before": 0.9538,
                   "test_after": 0.9512, "diverged": None}
        found = []
        for size in SIZES:
            for page in pages(window, ["Draw"]):
                found += show(window, page, size)
                if page.name == "read":
                    window.state.show_digit.emit(mnist.test.images[0].reshape(28, 28), int(mnist.test.labels[0]))
                    assert "MNIST label" in tab.verdict.text()
                elif page.name == "teach":
                    tab.teach.result.setText(TeachPanel._results_text(results))
                else:  # a game won: the longest lines the panel writes
                    tab.challenge.new_button.click()
                    tab.width_slider.setValue(40)
                    for k in range(12):
                        if tab.challenge.fooled_in is not None:
                            break
                        tab.canvas.begin_stroke(QPointF(30, 60 + 40 * (k % 5)))
                        tab.canvas.extend_stroke(QPointF(250, 60 + 40 * (k % 5)))
                        tab.canvas.end_stroke()
                    assert tab.challenge.fooled_in is not None
                settle(window)
                found += [f"{page.label} {size_label(size)}: {v}" for v in audit(window)]
        assert not found, "\n".join(map(str, found))
    finally:
        window.close()
