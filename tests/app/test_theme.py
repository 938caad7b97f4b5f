"""The theme: colours come from its tokens, every plot from its factory, log axes are labelled at
decades."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest

from app import theme
from app.theme import plots as look

APP = Path(__file__).resolve().parents[2] / "app"
HEX = re.compile(r"#[0-9a-fA-F]{6}\b")


def test_no_colour_literal_outside_the_theme():
    found = []
    for path in sorted(APP.rglob("*.py")):
        name = path.relative_to(APP).as_posix()
        if name.startswith("theme/"):
            continue
        found += [f"{name}:{i}" for i, line in enumerate(path.read_text().splitlines(), 1) if HEX.search(line)]
    assert not found, f"hex colours outside app/theme: {found}"


def test_tokens_are_colours_and_helpers_use_them():
    for name in dir(theme):
        value = getattr(theme, name)
        if name.isupper() and isinstance(value, str) and value.startswith("#"):
            assert re.fullmatch(r"#[0-9a-f]{6}", value), name
    assert theme.rgba("#102030", 7) == (16, 32, 48, 7)
    assert theme.series(len(theme.SERIES)) == theme.SERIES[0]
    assert theme.coloured("x", theme.ERROR) == f"<span style='color:{theme.ERROR}'>x</span>"
    assert theme.text_style(theme.MUTED, theme.FONT_NOTE, bold=True) == (
        f"color: {theme.MUTED}; font-size: {theme.FONT_NOTE}px; font-weight: 600;")


def labels(axis: look.DecadeAxis, lo: float, hi: float, pixels: float) -> list[str]:
    """The labels a log axis draws for a view from 10^lo to 10^hi, ``pixels`` long."""
    shown = []
    for spacing, values in axis.logTickValues(lo, hi, pixels, []):
        shown += [s for s in axis.logTickStrings(values, 1.0, spacing) if s]
    return shown


def test_log_axis_labels_decades_only(qtbot):
    left = look.DecadeAxis("left")
    # one axis, one form: never 0.0001 next to 10⁻⁵
    assert labels(left, -5.2, 0.3, 300) == ["10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "10⁰"]
    assert labels(left, -3.2, 2.3, 300) == ["0.001", "0.01", "0.1", "1", "10", "100"]
    crowded = labels(left, -12, 0, 130)  # 13 decades where 5 labels fit: every third
    assert crowded == ["10⁻¹²", "10⁻⁹", "10⁻⁶", "10⁻³", "10⁰"]
    short = labels(left, -1.1, 0.2, 300)  # little more than a decade: 2 and 5 as well
    assert short[:2] == ["0.1", "1"] and {"0.2", "0.5"} <= set(short)
    assert labels(left, 0.4, 0.6, 300) == ["3.16"]  # a sliver of a decade still gets a label


def test_plot_factory_gives_every_plot_the_same_look(qtbot):
    widget = look.plot_widget("Speed", "epoch", "‖δ‖", log_y=True, legend="top-left")
    qtbot.addWidget(widget)
    plot = widget.getPlotItem()
    assert plot.titleLabel.text == "Speed" and f"{theme.FONT_BODY}px" in plot.titleLabel.item.toHtml()
    assert plot.getAxis("left").labelText == "‖δ‖" and plot.getAxis("bottom").labelText == "epoch"
    assert isinstance(plot.getAxis("left"), look.DecadeAxis) and plot.getAxis("left").logMode
    assert plot.legend is not None and plot.legend.opts["offset"] == look.LEGEND_CORNERS["top-left"]
    assert plot.buttonsHidden and not plot.menuEnabled()
    assert look.plot_widget(legend=None).getPlotItem().legend is None


@pytest.mark.parametrize("module", ["app.widgets.curves", "app.gradients.experiment_page",
                                    "app.universality.plotting", "app.widgets.gesture_plot", "app.widgets.confusion"])
def test_views_use_the_factory(module):
    """No view styles a plot its own way: titles, axis labels and legends come from the factory."""
    source = Path(APP.parent / (module.replace(".", "/") + ".py")).read_text()
    assert "look." in source or "plot_widget" in source
    assert not re.search(r"\.setTitle\(|addLegend\(|showGrid\(", source)


def _major_ticks(axis) -> list[str]:
    """The labels of the axis's major ticks, as it would draw them."""
    scale = axis.autoSIPrefixScale * axis.scale
    spacing, values = axis.tickValues(axis.range[0] * scale, axis.range[1] * scale, 300)[0]
    return axis.tickStrings([v / scale for v in values], scale, spacing / scale)


def test_pyqtgraph_still_rescales_a_labelled_unitless_axis_in_0_1_when_told_not_to(qtbot):
    """The bug the factory works around (when this fails, pyqtgraph has fixed it: drop no_si_prefix)."""
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.show()
    widget.setLabel("left", "share")
    widget.setYRange(0.001, 0.4, padding=0)
    axis = widget.getPlotItem().getAxis("left")
    axis.enableAutoSIPrefix(False)
    assert axis.autoSIPrefixScale == 1000 and "100" in _major_ticks(axis)  # 0.1 shown as 100, no word of it


@pytest.mark.parametrize("made", ["factory", "styled"])
def test_no_plot_rescales_its_axis_numbers_with_an_si_prefix(qtbot, made):
    """A labelled axis from 0.001 to 0.4 reads 0.1 … 0.4, not 100 … 400, whatever is asked of it
    later: turning the prefix off again, a new label, a new range."""
    if made == "factory":
        widget = look.plot_widget("Share", "z", "share of neurons")
    else:  # a plot made otherwise, given the look
        widget = pg.PlotWidget()
        look.style_plot(widget.getPlotItem(), "Share", "z", "share of neurons")
    qtbot.addWidget(widget)
    widget.show()
    plot = widget.getPlotItem()
    plot.setRange(xRange=(0.001, 0.4), yRange=(0.001, 0.4), padding=0)
    for side in ("left", "bottom"):
        axis = plot.getAxis(side)
        axis.enableAutoSIPrefix(False)  # (pyqtgraph's trigger)
        look.set_axis_label(plot, side, "relabelled")
        axis.enableAutoSIPrefix(False)
        plot.setRange(yRange=(0.002, 0.3), padding=0)
        assert axis.autoSIPrefixScale == 1.0 and "(x" not in axis.labelString(), side
        assert "0.1" in _major_ticks(axis) and "100" not in _major_ticks(axis), side


def test_linear_ticks_are_in_the_number_format(qtbot):
    axis = look.DecadeAxis("left")
    assert axis.tickStrings([0.0002, 0.0004], 1.0, 0.0002) == ["2×10⁻⁴", "4×10⁻⁴"]
    assert axis.tickStrings([10000, 20000], 1.0, 10000) == ["10,000", "20,000"]
    assert axis.tickStrings([-0.5, 0, 0.5], 1.0, 0.5) == ["−0.5", "0.0", "0.5"]


def curves_plot(qtbot, size=(400, 300), legend="top-right"):
    widget = look.plot_widget("Accuracy", "epoch", "accuracy (%)", legend=legend)
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget, widget.getPlotItem()


def legend_box(plot):
    """The legend's rectangle as it is on screen, in view coordinates (x0, x1, y0, y1)."""
    rect = plot.legend.sceneBoundingRect()
    a, b = plot.vb.mapSceneToView(rect.topLeft()), plot.vb.mapSceneToView(rect.bottomRight())
    return min(a.x(), b.x()), max(a.x(), b.x()), min(a.y(), b.y()), max(a.y(), b.y())


def test_hover_read_out_shows_each_curve_at_the_x_under_the_cursor_beside_the_points(qtbot):
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtWidgets import QApplication

    widget, plot = curves_plot(qtbot)
    x = np.arange(1, 11, dtype=float)
    plot.plot(x, 80 + x, pen=theme.TRAIN, name="training")
    plot.plot(x, 0.00001 * x, pen=theme.TEST, name="tiny")
    plot.setRange(xRange=(0, 11), yRange=(0, 100), padding=0)
    readout = plot.readout
    assert not readout.shown
    at = widget.mapFromScene(plot.vb.mapViewToScene(QPointF(4.2, 50)))
    qtbot.mouseMove(widget.viewport(), QPoint(at.x(), at.y()))
    qtbot.waitUntil(lambda: readout.shown)
    QApplication.processEvents()  # (the card takes its place in the scene when the view's transform is known)
    assert readout.text().split("\n") == ["epoch 4", "● training 84", "● tiny 4×10⁻⁵"]
    # the card is beside the line the dots are on: it covers none of them
    card = readout.card.textItem.sceneBoundingRect()
    for spot in readout.dots.points():
        assert not card.contains(plot.vb.mapViewToScene(spot.pos()))
    assert len(readout.dots.points()) == 2 and readout.line.value() == 4
    # near the right edge the card goes to the left of the line, still inside the plot
    assert readout.read_at(QPointF(10, 50))
    QApplication.processEvents()
    card, view = readout.card.textItem.sceneBoundingRect(), plot.vb.sceneBoundingRect()
    assert card.right() < plot.vb.mapViewToScene(QPointF(10, 50)).x() and card.left() >= view.left()
    # its items are no data of the plot: no legend entry, no part of the range, not read themselves
    assert len(plot.listDataItems()) == 2 and len(plot.legend.items) == 2
    outside = widget.mapFromScene(plot.titleLabel.sceneBoundingRect().center())

    moves = []

    def moved_off() -> bool:  # (the scene drops a move that comes within ~16 ms of the last one)
        moves.append(len(moves) % 2)
        qtbot.mouseMove(widget.viewport(), QPoint(outside.x(), outside.y() + moves[-1]))
        return not readout.shown

    qtbot.waitUntil(moved_off)


def test_hover_read_out_follows_the_data_under_a_resting_pointer(qtbot):
    from PySide6.QtCore import QEvent, QPoint, QPointF
    from PySide6.QtWidgets import QApplication

    widget, plot = curves_plot(qtbot)
    x = np.arange(1, 11, dtype=float)
    training = plot.plot(x[:3], 80 + x[:3], pen=theme.TRAIN, name="training")  # a run that has 3 epochs
    plot.setRange(xRange=(0, 11), yRange=(0, 100), padding=0)
    readout = plot.readout
    at = widget.mapFromScene(plot.vb.mapViewToScene(QPointF(4.2, 50)))
    qtbot.mouseMove(widget.viewport(), QPoint(at.x(), at.y()))
    qtbot.waitUntil(lambda: readout.shown)
    assert readout.text().split("\n") == ["epoch 3", "● training 83"]
    # the pointer stays where it is while the run adds epochs: the read-out reads the new point
    training.setData(x[:5], 80 + x[:5])
    qtbot.waitUntil(lambda: readout.text().split("\n") == ["epoch 4", "● training 84"])
    # the run is replaced (same epochs, other values), and a compared run appears
    training.setData(x[:5], 60 + x[:5])
    plot.plot(x, 30 + x, pen=theme.TEST, name="#2 training")
    qtbot.waitUntil(lambda: readout.text().split("\n") == ["epoch 4", "● training 64", "● #2 training 34"])
    # the runs are cleared: nothing is under the pointer, and nothing is read
    plot.clear()
    qtbot.waitUntil(lambda: not readout.shown)
    assert not readout.dots.isVisible() and not readout.line.isVisible()
    new_run = plot.plot(x, 10 + x, pen=theme.TRAIN, name="a new run")  # a new run under the still pointer
    qtbot.waitUntil(lambda: readout.text().split("\n") == ["epoch 4", "● a new run 14"])
    # once the pointer has left, a change of data shows nothing
    QApplication.sendEvent(widget.viewport(), QEvent(QEvent.Type.Leave))
    new_run.setData(x, 20 + x)
    widget.viewport().repaint()  # (a redraw now, which would read again if the read-out still followed)
    assert not readout.shown


def test_fit_view_includes_every_curve_and_frees_a_corner_for_the_legend(qtbot):
    from app.theme import fitting

    widget, plot = curves_plot(qtbot, legend="bottom-right")
    x = np.arange(1, 31, dtype=float)
    plot.plot(x, 100 - 60 * np.exp(-x / 3), pen=theme.TRAIN, name="training")  # rises to 100 %
    plot.plot(x, 95 - 60 * np.exp(-x / 3), pen=theme.VALIDATION, name="validation")
    plot.plot([1, 2, 3, 30], [20, 30, 45, 96], pen=theme.TEST, name="#2 validation")  # far below at the start
    fitting.fit_view(plot, y_limits=(0, 100))
    (x0, x1), (y0, y1) = plot.vb.viewRange()
    assert x0 <= 1 and x1 >= 30 and y0 <= 20 and y1 == 100  # every curve, and never past 100 %
    box = legend_box(plot)
    assert not any(fitting.crosses(dx, dy, box) for dx, dy in fitting.shown_data(plot))
    assert fitting.corner_of(plot.legend) != "top-left"  # the curves fill that corner


def test_fit_view_grows_the_range_when_every_corner_has_data(qtbot):
    from app.theme import fitting

    widget, plot = curves_plot(qtbot, legend="top-right")
    x = np.linspace(0, 10, 200)
    plot.plot(x, np.sin(3 * x), pen=theme.TRAIN, name="a wave across the whole plot")
    plot.plot(x, np.cos(3 * x), pen=theme.TEST, name="another")
    fitting.fit_view(plot)
    (_x0, _x1), (y0, y1) = plot.vb.viewRange()
    assert y0 <= -1 and y1 >= 1
    box = legend_box(plot)
    assert not any(fitting.crosses(dx, dy, box) for dx, dy in fitting.shown_data(plot))


def test_a_linear_axis_thins_its_labels_until_they_do_not_touch(qtbot):
    from PySide6.QtGui import QFontMetrics

    axis = look.DecadeAxis("bottom")
    levels = axis.tickValues(-0.1, 0.1, 70)  # pyqtgraph alone: −0.1, −0.05, 0, 0.05, 0.1 in 70 px
    spacing, values = levels[0]
    labels = axis.tickStrings(values, 1.0, spacing)
    widest = max(QFontMetrics(axis.font()).horizontalAdvance(t) for t in labels)
    assert len(levels) == 1 and spacing * 70 / 0.2 >= widest + axis.LABEL_GAP
    assert 0.0 in values  # whole multiples of the wider spacing: 0 stays
    assert len(axis.tickValues(-0.1, 0.1, 600)[0][1]) >= 5  # with room, pyqtgraph's own ticks


def test_a_plot_too_small_for_its_legend_shows_it_under_the_plot(qtbot):
    from app.widgets.curves import CurvePlot

    plot = CurvePlot("Accuracy", "epoch", "accuracy (%)", y_limits=(0, 100))
    qtbot.addWidget(plot)
    plot.resize(170, 170)
    plot.show()
    qtbot.waitExposed(plot)
    x = np.arange(1, 11, dtype=float)
    for i, name in enumerate(("training", "validation", "test", "a long name for a fourth curve")):
        plot.set_curve(name, x, 60 + 3 * i + 3 * x, theme.series(i), name=name)
    plot.set_x_span(0.5, 10.5)
    plot.fit_y(force=True)
    assert plot.key_shown() and not plot.getPlotItem().legend.isVisible()
    assert "a long name" in plot.key.text and plot.getPlotItem().width() <= plot.width()
    plot.resize(700, 500)  # room again: the legend goes back into a free corner
    qtbot.waitUntil(lambda: not plot.key_shown(), timeout=5000)
    assert plot.getPlotItem().legend.isVisible()


def test_a_read_out_wider_than_either_side_of_the_line_wraps_inside_the_plot(qtbot):
    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QApplication

    widget, plot = curves_plot(qtbot, size=(260, 220))
    x = np.arange(1, 11, dtype=float)
    plot.plot(x, x, pen=theme.TRAIN, name="a curve whose name is far longer than half the plot")
    plot.setRange(xRange=(0, 11), yRange=(0, 11), padding=0)
    assert plot.readout.read_at(QPointF(5, 5))
    QApplication.processEvents()
    card, view = plot.readout.card.textItem.sceneBoundingRect(), plot.vb.sceneBoundingRect()
    line = plot.vb.mapViewToScene(QPointF(5, 5)).x()
    assert view.left() <= card.left() and card.right() <= view.right() + 1
    assert card.right() < line or card.left() > line  # beside the line, never over the point
