"""The Train tab's views read right: every run shown lies inside the plots (and the PNG export), the
accuracy axis stops at 100 %, legends and the book's label lie where no curve passes, live changes of
η and λ are recorded everywhere a run is described, Train further continues its parent, a run that
learned nothing says so, and messages move nothing. Runs are small (1,000 training images)."""
from __future__ import annotations

import csv

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from app.state import AppState
from app.theme import fitting
from app.train.form import CAPTION_ROLE
from app.train.plan import ACTIVE
from app.train.tab import TrainTab
from core.training import subset

WAIT = 30_000


@pytest.fixture
def tab(qtbot, mnist):
    state = AppState()
    state.data = subset(mnist, 1000, 500, 500)
    widget = TrainTab(state)
    qtbot.addWidget(widget)
    widget.resize(1024, 560)  # a 1024×640 window, less its menu, tab and status bars
    widget.show()
    qtbot.waitExposed(widget)
    widget.form.set_training_images(1000)
    yield widget
    widget.shutdown()


def run(qtbot, tab, preset="ch1", **fields):
    tab.form.select_preset(preset)
    for key, value in {"train_size": 1000, "epochs": 2, **fields}.items():
        tab.form.set_field(key, str(value))
    count = len(tab.runs)
    assert tab.start(), tab.form.errors
    qtbot.waitUntil(lambda: len(tab.runs) == count + 1, timeout=WAIT)
    qtbot.waitUntil(lambda: tab.worker is None and tab.run.status not in ("running", "paused"), timeout=WAIT)
    qtbot.waitUntil(lambda: not tab.session.queue.jobs, timeout=WAIT)  # every view drawn
    return tab.run


def settled(qtbot, plot) -> None:
    """The plot's legend and labels have found their places for its size."""
    qtbot.waitUntil(lambda: not plot._refit.isActive(), timeout=WAIT)


def inside(plot, key: str) -> bool:
    x, y = plot.curve_data(key)
    (x0, x1), (y0, y1) = plot.getPlotItem().vb.viewRange()
    if plot.log_y:
        y = np.log10(y)
    return bool(len(x)) and x0 <= x.min() and x.max() <= x1 and y0 <= y.min() and y.max() <= y1


def legend_clear(plot) -> bool:
    """The legend, where it is on screen, covers no data (or it is under the plot)."""
    item = plot.getPlotItem()
    if plot.key_shown():
        return not item.legend.isVisible()
    rect = item.legend.sceneBoundingRect()
    a, b = item.vb.mapSceneToView(rect.topLeft()), item.vb.mapSceneToView(rect.bottomRight())
    box = (min(a.x(), b.x()), max(a.x(), b.x()), min(a.y(), b.y()), max(a.y(), b.y()))
    return not any(fitting.crosses(x, y, box) for x, y in fitting.shown_data(item))


def test_compared_runs_lie_inside_both_plots_and_the_legends_cover_none_of_them(qtbot, tab, tmp_path):
    quadratic = run(qtbot, tab, "ch1", epochs=3)  # cost ~0.05-0.1: far below the others'
    entropy = run(qtbot, tab, "ch3", epochs=2, lmbda=0)
    for r in (quadratic, entropy):
        tab.runs_panel.set_overlay(r, True)
    current = run(qtbot, tab, "ch3", epochs=1, eta=0.05)  # one epoch: the overlays run past it
    for plot in (tab.accuracy, tab.cost):
        settled(qtbot, plot)
        for key in ("overlay:1", "overlay:2"):
            assert inside(plot, key), (plot.getPlotItem().titleLabel.text, key)
        assert legend_clear(plot)
    assert inside(tab.cost, "run:batch") and inside(tab.accuracy, "run:validation_accuracy")
    assert tab.accuracy.getPlotItem().vb.viewRange()[1][1] <= 100  # never past 100 %
    assert tab.accuracy.getPlotItem().vb.viewRange()[0][1] >= 3  # the overlays' 3 epochs, not the run's 1
    # the read-out names the overlaid runs
    assert tab.accuracy.getPlotItem().readout.read_at(QPointF(2, 50))
    assert "#1" in tab.accuracy.getPlotItem().readout.text() and "#2" in tab.accuracy.getPlotItem().readout.text()
    assert tab.export_png(tmp_path / "curves.png")  # the PNG is these plots, as they are
    assert current.status == "finished"


def test_the_book_s_label_lies_where_no_curve_passes(qtbot, tab):
    run(qtbot, tab, "ch1", epochs=3)
    plot = tab.accuracy
    settled(qtbot, plot)
    if not plot.reference_label_shown():  # no free place on the line: it is in the legend instead
        assert any("book" in label.text for _sample, label in plot.getPlotItem().legend.items)
        return
    item = plot.getPlotItem()
    QApplication.processEvents()  # (a text item takes its place in the scene once the view's transform is known)
    rect = plot.reference.label.textItem.sceneBoundingRect()
    a, b = item.vb.mapSceneToView(rect.topLeft()), item.vb.mapSceneToView(rect.bottomRight())
    box = (min(a.x(), b.x()), max(a.x(), b.x()), min(a.y(), b.y()), max(a.y(), b.y()))
    data = fitting.shown_data(item, exclude=[plot.reference])
    assert not any(fitting.crosses(x, y, box) for x, y in data)
    assert item.vb.sceneBoundingRect().contains(rect)


def test_a_change_of_eta_is_recorded_in_the_run_line_tooltip_form_csv_and_curves(qtbot, tab, tmp_path):
    tab.form.select_preset("ch1")
    tab.form.set_field("train_size", "1000")
    tab.form.set_field("epochs", "3")
    assert tab.start()
    qtbot.waitUntil(lambda: tab.worker is not None and tab.worker.step_count > 120, timeout=WAIT)
    worker, current = tab.worker, tab.run
    qtbot.mouseClick(tab.controls.pause, Qt.LeftButton)
    qtbot.waitUntil(lambda: worker.waiting, timeout=WAIT)
    at = worker.step_count
    # an epoch is over: the Runs panel can save or send its network now, as the controls above can
    qtbot.waitUntil(lambda: tab.session.network_available(current), timeout=WAIT)
    tab.runs_panel.select(current)
    assert tab.runs_panel.save.isEnabled() and tab.runs_panel.send.isEnabled()
    tab.controls.eta.setValue(0.5)  # as if typed and Enter pressed
    epoch, batch = at // 100 + 1, at % 100 + 1
    told = f"η 3 → 0.5 from epoch {epoch}, mini-batch {batch}"
    assert told in tab.controls.detail.full
    assert told in tab.runs_panel._items[current.id].toolTip(0)
    assert told in tab.form.note.text() and tab.form.note.isVisible()
    marks = [line for plot, line in tab.curves._marks if plot is tab.accuracy]
    assert len(marks) == 1 and marks[0].value() == pytest.approx(at / 100)
    qtbot.mouseClick(tab.controls.pause, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.worker is None, timeout=WAIT)
    rows = list(csv.DictReader(tab.export_csv(tmp_path / "runs.csv").open()))
    changed = [r for r in rows if r["changes"]]
    assert [r["epoch"] for r in changed] == [str(epoch)]
    assert changed[0]["changes"] == f"eta 3 -> 0.5 from mini-batch {batch}" and changed[0]["eta_now"] == "0.5"


def test_train_further_continues_the_run_it_came_from(qtbot, tab):
    parent = run(qtbot, tab, "ch1", epochs=2)
    assert tab.send_to_draw(parent)  # the Draw tab's network: offered as "Train further"
    index = tab.form.preset.findData(ACTIVE)
    assert tab.form.preset.itemData(index, CAPTION_ROLE) == f"Train further: {parent.name}"
    tab.form.select_preset(ACTIVE)
    assert f"Train {parent.name} further" in tab.form.card.text()
    tab.form.set_field("epochs", "2")
    assert tab.start()
    qtbot.waitUntil(lambda: len(tab.runs) == 2 and tab.worker is None and tab.run.status == "finished",
                    timeout=WAIT)
    child = tab.run
    assert child.name == f"#2 {parent.label} (continued from #1)" and child.parent is parent
    assert [e.epoch for e in child.epochs] == [3, 4]
    assert list(tab.accuracy.curve_data("run:validation_accuracy")[0]) == [1, 2, 3, 4]
    assert tab.accuracy.reference_value() == pytest.approx(95.42)  # the book's figure for its preset
    assert "finished after 2 more epochs (4 in all)" in tab.controls.banner.message


def test_a_run_that_learned_nothing_says_so_in_its_banner(qtbot, tab):
    current = run(qtbot, tab, "ch1", epochs=1, eta="1e-12")
    assert current.status == "finished" and current.note and "nothing was learned" in current.note
    assert "nothing was learned" in tab.controls.banner.message
    assert tab.controls.banner.property("kind") == "warning"


def test_messages_move_nothing_the_form_errors_the_banner_and_a_wider_preset(qtbot, tab):
    side = tab.side.width()
    seed = tab.form.seed.mapTo(tab, tab.form.seed.rect().topLeft())
    views = tab.views.geometry()
    tab.form.set_field("eta", "fast")  # an error note
    assert "η: learning rate η must be a number" in tab.form.error_labels["eta"].text()
    assert tab.form.error_labels["eta"].isVisible() and tab.form.seed.mapTo(tab, tab.form.seed.rect().topLeft()) == seed
    tab.form.select_preset("ch6-conv1")  # the CNN builder's rows
    assert tab.side.width() == side and tab.views.geometry() == views
    tab.controls.show_banner("<b>#12 ch6-conv1: 3,000 images (continued from #11)</b> finished after 2 more epochs "
                             "(32 in all); best validation accuracy 88.66% at epoch 31, test accuracy there 88.01% "
                             "(the book: 98.78% test); nothing was learned at all, which is a long clause", "info")
    qtbot.waitUntil(lambda: tab.controls.banner.isVisible(), timeout=WAIT)
    assert tab.views.geometry() == views  # the banner fits its two lines: what does not fit is in its tooltip
    assert tab.controls.banner.toolTip().endswith("which is a long clause")


def test_before_any_run_the_views_show_one_kind_of_note_and_no_empty_well(tab):
    assert not tab.gallery.item.isVisible() and "appear after" in tab.gallery.placeholder.toPlainText()
    assert tab.weights.empty.text() == "Weight images appear when a run starts"
    assert tab.controls.eta.text() == "3"  # what Start trains with, not the spin box's minimum


def test_the_tab_during_and_after_runs_reads_right_at_1024_by_640(qtbot, small_window):
    """The layout audit on what the empty pages do not show: a CNN's form and views, compared runs,
    a run's status lines and the legends of small plots."""
    from app.layout_audit import audit
    from app.layout_audit.pages import settle as settle_page
    from tests.app.tabs import show

    window = small_window
    window.resize(1024, 640)
    tab = show(window, "Train")
    tab.form.set_training_images(1000)
    first = run(qtbot, tab, "ch3", epochs=2, lmbda=5)
    second = run(qtbot, tab, "ch1", epochs=3)  # a far lower cost: the cost plot spans both
    for r in (first, second):
        tab.runs_panel.set_overlay(r, True)
    tab.form.select_preset("ch6-conv1")
    tab.form.set_field("train_size", "300")
    tab.form.set_field("epochs", "3")
    assert tab.start()
    qtbot.waitUntil(lambda: tab.run is not None and len(tab.run.epochs) >= 1, timeout=WAIT)
    tab.pause()
    qtbot.waitUntil(lambda: tab.worker is None or tab.worker.waiting, timeout=WAIT)
    qtbot.waitUntil(lambda: not tab.session.queue.jobs, timeout=WAIT)
    settle_page(window)
    found = audit(window)
    assert not found, "\n".join(map(str, found))
    tab.stop()
    qtbot.waitUntil(lambda: tab.worker is None, timeout=WAIT)
    settle_page(window)
    found = audit(window)
    assert not found, "\n".join(map(str, found))


def test_the_book_s_label_is_not_under_the_legend(qtbot):
    """A small accuracy plot (a narrow window's) drawn epoch by epoch as the tab draws it: the book's
    label finds a place on its line that the legend does not cover."""
    from app.widgets.curves import CurvePlot

    plot = CurvePlot("Accuracy", "epoch", "accuracy (%)", legend_corner="bottom-right", y_limits=(0, 100))
    qtbot.addWidget(plot)
    plot.resize(195, 275)  # (the legend ends up in a top corner, above the book's line)
    plot.show()
    qtbot.waitExposed(plot)
    plot.set_reference(95.42, "book 95.42%")
    curves = {"training": [91.0, 92.7, 93.3], "validation": [91.45, 92.8, 93.4], "test": [91.45, 92.45, 92.85]}
    for name in curves:
        plot.set_curve(name, [], [], name=name, symbol="o")
    plot.fit_y(force=True, include=(0, 100))
    plot.set_x_span(0.5, 3.5)
    for n in (1, 2, 3):
        for name, y in curves.items():
            plot.set_curve(name, list(range(1, n + 1)), y[:n])
        plot.fit_y(force=n == 1)
        settled(qtbot, plot)
    QApplication.processEvents()
    legend = plot.getPlotItem().legend
    assert legend.isVisible() and plot.reference_label_shown()
    assert not plot.reference.label.textItem.sceneBoundingRect().intersects(legend.sceneBoundingRect())


def test_a_long_banner_keeps_as_many_whole_clauses_as_fit_its_two_lines(qtbot):
    """Cut at a clause's end ("; ", ", " or before "(…)"), not only at "; ": a narrow window keeps the
    best validation accuracy; the tooltip has the whole message."""
    from app.train.controls import Banner, cut_points

    message = ("<b>#1 ch1: 50,000 images</b> finished after 3 epochs; best validation accuracy 93.39% at epoch 3, "
               "test accuracy there 92.84% (the book: 95.42% test, for the preset as it is).")
    assert [message[i:i + 3] for i in cut_points(message)] == ["; b", ", t", " (t"]  # (not 50,000 nor "test, for")
    banner = Banner()
    qtbot.addWidget(banner)
    banner.resize(400, 60)
    banner.show()
    banner.set_message(message)
    assert banner.text() == message[:message.index(", test")] + "…"
    assert "(the book: 95.42% test, for the preset as it is)" in banner.toolTip()
    banner.resize(2000, 60)
    assert banner.text() == message and banner.toolTip() == ""


def test_a_custom_run_s_banner_names_it_short_and_says_how_it_did(qtbot, tab):
    """A custom network's name is its whole description: the banner calls it "#1 custom" and keeps
    room for the best validation accuracy, at a 1024×640 window's width."""
    finished = run(qtbot, tab, "", layers="784-20-10", epochs=1)
    message = tab.controls.banner.message
    assert finished.preset is None and message.startswith(f"<b>#{finished.id} custom</b> finished after 1 epoch")
    assert "best validation accuracy" in tab.controls.banner.text()
