"""Widgets the tabs share (app/widgets): the value slider's label, the legend key under a plot."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app import theme
from app.layout_audit import audit
from app.layout_audit.pages import settle
from app.widgets.legend_key import LegendKey, mark
from app.widgets.value_slider import ValueSlider


def test_a_value_sliders_label_is_never_cut_in_a_narrow_column(qtbot):
    """A column squeezed to its minimum width keeps every label whole (the slider gives way)."""
    column = QWidget()
    layout = QVBoxLayout(column)
    sliders = [ValueSlider("η", 0, 1, 0.1, 3), ValueSlider("epochs", 10, 1000, 300, 0)]
    for slider in sliders:
        layout.addWidget(slider)
    qtbot.addWidget(column)
    column.resize(column.minimumSizeHint().width(), 120)
    column.show()
    qtbot.waitExposed(column)
    settle(column)
    assert [v for v in audit(column) if v.rule == "text"] == []
    epochs = sliders[1].label
    assert epochs.width() >= epochs.sizeHint().width()
    sliders[0].setLabel("a longer label")
    assert sliders[0].label.minimumWidth() >= sliders[0].label.sizeHint().width()
    assert ValueSlider("μ", 0, 1, 0).label.minimumWidth() == 28  # short labels line their sliders up


def test_the_legend_key_marks_each_item_as_drawn_and_follows_its_visibility(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    solid = widget.plot([0, 1], [0, 1], pen=pg.mkPen(theme.COST, width=2))
    dashed = widget.plot([0, 1], [1, 0], pen=pg.mkPen(theme.ACCENT, style=Qt.PenStyle.DashLine))
    dots = pg.ScatterPlotItem([0.5], [0.5], brush=pg.mkBrush(theme.TEXT_STRONG))
    markers = widget.plot([0.2], [0.2], pen=None, symbol="o", symbolBrush=theme.TRAIN)
    widget.addItem(dots)
    assert mark(solid) == ("━━", theme.COST) and mark(dashed) == ("╍╍", theme.ACCENT)
    assert mark(dots) == ("●", theme.TEXT_STRONG) and mark(markers) == ("●", theme.TRAIN)
    key = LegendKey([(solid, "cost"), (dashed, "output"), (dots, "points")], note="▲ a note")
    qtbot.addWidget(key)
    assert key.names() == ["cost", "output", "points"]
    assert key.text().index("cost") < key.text().index("output") < key.text().index("points") < key.text().index("a note")
    dashed.hide()
    assert key.names() == ["cost", "points"] and "output" not in key.text()
    dashed.show()
    key.set_note("")
    assert "output" in key.text() and "a note" not in key.text()


def shown_above_a_widget(qtbot, label, width: int, height: int) -> tuple[QWidget, QWidget]:
    """``label`` at the top of a shown column ``width`` × ``height``, a 20-px widget under it (whose
    y says whether the label changed height), then a stretch: (the column, the widget)."""
    column = QWidget()
    layout = QVBoxLayout(column)
    layout.addWidget(label)
    below = QWidget()
    below.setFixedHeight(20)
    layout.addWidget(below)
    layout.addStretch(1)
    qtbot.addWidget(column)
    column.resize(width, height)
    column.show()
    qtbot.waitExposed(column)
    return column, below


def test_a_legend_key_keeps_room_for_hidden_entries_and_for_a_note_that_comes_and_goes(qtbot):
    """At a width where the entries wrap, neither an entry shown nor a note it has had cleared and set
    again moves what lies under the key (a plot beside it would jump as a sketch begins or a polynomial
    leaves the plot)."""
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    curves = [widget.plot([0, 1], [0, k], pen=pg.mkPen(theme.SERIES[k], width=2)) for k in range(4)]
    curves[3].hide()
    note = "▲▼ where a curve leaves the plot"
    key = LegendKey([(c, f"a curve named {k}") for k, c in enumerate(curves)], note=note)
    key.set_note("")
    column, below = shown_above_a_widget(qtbot, key, 220, 300)
    settle(column)  # (the key laid out at its width)
    at = below.y()
    for change in (lambda: curves[3].show(), lambda: key.set_note(note), lambda: key.set_note(""),
                   lambda: curves[3].hide()):
        change()
        settle(column)
        assert below.y() == at


def test_a_steady_label_keeps_its_height_as_its_text_changes_and_starts_again_at_a_new_width(qtbot):
    from app.widgets.steady_label import SteadyLabel

    long = " ".join(["a rather long read-out line"] * 6)
    label = SteadyLabel("short", reserve=["one<br>two<br>three"])
    column, below = shown_above_a_widget(qtbot, label, 200, 400)
    three_lines = label.height()
    assert three_lines >= 3 * label.fontMetrics().lineSpacing()  # the reserve's three lines, for "short"
    at = below.y()
    label.setText(long)  # longer than the reserve: it grows (once) ...
    settle(column)
    grown = label.height()
    assert grown > three_lines and label.height() >= label.heightForWidth(label.width())
    label.setText("short again")  # ... and keeps that height: what is under it stays put
    settle(column)
    assert label.height() == grown and below.y() > at
    column.resize(600, 400)  # a new width: the reserve and the text shown, at that width
    settle(column)
    assert label.height() == three_lines
