"""Gradients → Why with every kind of network it accepts: sigmoid, tanh and ReLU MLPs and the bundled
CNN. The caption is finite and names the activation, the three plots agree on the hidden layers, the
legend lists only what is drawn, the sigmoid's (1/4)ᵏ bound appears for the sigmoid only, and every
plot's data lies inside its view."""
from __future__ import annotations

import re

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF

from core import probes, vanishing
from core.io import load_network
from core.models import BUNDLED, default_model_path
from core.network import Network
from tests.app.plot_data import data_outside_view


@pytest.fixture(scope="module")
def networks():
    return {
        "sigmoid": load_network(BUNDLED["ch1"].path),
        "tanh": vanishing.deep_net(3, activation="tanh", seed=3),
        "relu": Network.mlp([784, 30, 30, 10], activation="relu", output_activation="softmax", cost="log-likelihood",
                            init="he", seed=4),
        "cnn": load_network(default_model_path()),
    }


@pytest.fixture
def page(qtbot, gradients_tab):
    page = gradients_tab.show_page("cause")
    page.images.setValue(60)
    with qtbot.waitExposed(gradients_tab):
        gradients_tab.show()
    return page


def analyse(qtbot, page, net):
    """Show ``net`` on the page, once its analysis (not one of the network before) is drawn."""
    labels = [layer.describe() for layer in probes.hidden_param_layers(net)]
    page.state.set_network(net, "test")
    page.set_source("active")
    page.refresh()
    qtbot.waitUntil(lambda: page._worker is None and page.cause is not None and page.cause.labels == labels
                    and "Showing" in page.status.text(), timeout=60_000)


def page_ticks(plot: pg.PlotWidget):
    """The bottom axis's labelled ticks, as the page set them."""
    ticks = plot.getPlotItem().getAxis("bottom")._tickLevels
    return ticks[0] if ticks else []


def legend_entries(plot: pg.PlotWidget) -> list[tuple[pg.PlotDataItem, str]]:
    return [(sample.item, label.text) for sample, label in plot.getPlotItem().legend.items]


@pytest.mark.parametrize("kind", ["sigmoid", "tanh", "relu", "cnn"])
def test_why_reads_right_for_every_network(qtbot, page, networks, kind):
    net = networks[kind]
    analyse(qtbot, page, net)
    hidden = len(probes.hidden_param_layers(net))
    caption = page.caption.text()
    assert "nan" not in caption.lower() and "inf" not in caption.lower(), caption
    symbol = {"sigmoid": "σ′", "tanh": "tanh′", "relu": "ReLU′", "cnn": "ReLU′"}[kind]
    for plot in (page.sp_plot, page.w_plot):
        assert symbol in plot.getPlotItem().titleLabel.text
    assert symbol in caption or (kind == "sigmoid" and "σ′" in caption)
    if kind != "sigmoid":
        assert "σ′" not in page.sp_plot.getPlotItem().titleLabel.text and "1/4" not in page.sp_bound.label.format
    # the three plots show the same hidden layers
    ticks = [[label for _v, label in page_ticks(plot)] for plot in (page.sp_plot, page.w_plot, page.path_plot)]
    assert len(ticks[0]) == hidden and ticks[0] == ticks[1] == ticks[2]
    assert len(page.sp_violins.shapes) == len(page.w_violins.shapes) == hidden
    assert len(page.path_measured.xData) == hidden and np.isfinite(page.path_measured.yData).all()
    # the legend lists what is drawn, and only that
    entries = legend_entries(page.path_plot)
    assert entries and all(item.yData is not None and len(item.yData) for item, _ in entries), entries
    bound_listed = any("ᵏ" in text for _, text in entries)
    assert bound_listed == (kind == "sigmoid")
    if kind != "cnn":  # a path through single neurons at every layer, none missing (ReLU's that carry it)
        medians = page.path_median.yData
        assert len(medians) == hidden and np.all(np.isfinite(medians)) and np.all(medians > 0)
    for plot in (page.sp_plot, page.w_plot, page.path_plot):
        assert not data_outside_view(plot), (plot.getPlotItem().titleLabel.text, data_outside_view(plot))
    readout = page.path_plot.getPlotItem().readout  # hovering over layer 1 reads its measured ratio
    assert readout.read_at(QPointF(1, 0)) and "all paths: measured" in readout.text()
    if kind == "cnn":  # it says plainly what it does not cover
        assert ticks[0] == ["1: conv", "2: conv", "3: FC"]
        assert list(page.path_median.xData) == [3.0]  # one-path products: the fully connected layer only
        assert "fully connected layer (3) only" in caption
    if kind == "relu":  # paths through a unit that is off carry nothing: said, and measured without them
        assert "ReLU′(z) is 1 where a unit is on" in caption and "on the paths that carry it" in caption
        assert page.sp_bound.label.format == "ReLU′ is 0 or 1"
        assert not page.w_quarter.isVisible()  # the sigmoid's 1/4 means nothing here
        assert any("carrying the error" in text for _, text in entries)


@pytest.mark.parametrize("activation, init, size", [("sigmoid", "large", (1024 - 300, 640 - 130)),
                                                    ("relu", "he", (1280 - 300, 800 - 130))])
def test_the_factors_guide_labels_lie_on_no_violin_and_speak_of_the_networks_activation(
        qtbot, page, gradients_tab, activation, init, size):
    """The label of the line at 1 sat on the violins that reach it (ReLU, He), the sigmoid's ¼ on the
    violins above ¼ (N(0, 1)) and on the line at 1 in a short plot; a sigmoid's caption spoke of ReLUs."""
    from app.layout_audit.plot_rules import plot_violations

    gradients_tab.resize(*size)  # (the tab's share of a window of that size)
    page.set_source("fresh")
    page.depth.setValue(6)
    page.activation.setCurrentIndex(page.activation.findData(activation))
    page.init.setCurrentIndex(page.init.findData(init))
    page.refresh()
    qtbot.waitUntil(lambda: page._worker is None and page.cause is not None and len(page.cause.labels) == 6
                    and set(page.cause.activations) == {activation}, timeout=60_000)
    qtbot.wait(50)  # (the plots laid out at the new size)
    assert not plot_violations([page.w_plot]), plot_violations([page.w_plot])
    if activation == "sigmoid":
        assert page.w_quarter.isVisible() and "ReLU" not in page.caption.text()


def test_one_hidden_layers_bound_is_drawn_where_the_legend_names_it(qtbot, page, networks):
    """With the book's 784-30-10 the (1/4)ᵏ bound was a line through one point: listed, not drawn."""
    analyse(qtbot, page, networks["sigmoid"])
    entries = legend_entries(page.path_plot)
    assert any("ᵏ" in text for _, text in entries)
    x, y = page.path_bound.getData()
    assert len(x) == 2 and x[1] - x[0] > 0 and np.allclose(page.path_bound.yData, 0.25)  # a short dash across layer 1
    assert not data_outside_view(page.path_plot), data_outside_view(page.path_plot)


# --- the truth of what is shown: nothing stale (issue 14) -------------------------------------------
def shows_nothing(page) -> bool:
    """No analysis on the page: no violins, no curve, no legend entry, no layer ticks, no guide line
    or its label."""
    curves = (page.path_median, page.path_lo, page.path_hi, page.path_measured, page.path_bound)
    return (page.cause is None and not page.sp_violins.shapes and not page.w_violins.shapes
            and all(curve.yData is None or len(curve.yData) == 0 for curve in curves)
            and not legend_entries(page.path_plot) and not any(page_ticks(p) for p in (page.sp_plot, page.path_plot))
            and not any(line.isVisible() or line.label.isVisible() for line in guide_lines(page))
            and not page.path_band.isVisible() and "σ′" not in page.sp_plot.getPlotItem().titleLabel.text)


def guide_lines(page) -> list[pg.InfiniteLine]:
    """Every labelled guide line of the page's plots (σ′'s bound, the factors' 1 and 1/4)."""
    return [item for plot in (page.sp_plot, page.w_plot, page.path_plot)
            for item in plot.getPlotItem().items if isinstance(item, pg.InfiniteLine) and item.label is not None]


def test_no_guide_line_shows_before_the_first_analysis_and_each_comes_back_with_it(qtbot, gradients_tab):
    page = gradients_tab.show_page("cause")
    page.images.setValue(60)
    assert guide_lines(page) and not any(line.isVisible() for line in guide_lines(page))  # (empty plots)
    with qtbot.waitSignal(page.updated, timeout=60_000):  # the fresh sigmoid network, analysed when shown
        gradients_tab.show()
    assert all(line.isVisible() and line.label.isVisible() for line in guide_lines(page))


def test_with_the_experiment_as_source_and_no_run_it_shows_nothing_and_says_why(qtbot, page):
    with qtbot.waitSignal(page.updated, timeout=60_000):
        page.set_source("fresh")  # (the fresh sigmoid network: drawn)
    assert page.cause is not None and page.sp_violins.shapes
    assert page.w_one.isVisible() and page.w_one.label.isVisible() and "unchanged" in page.w_one.label.format
    page.set_source("experiment")
    qtbot.waitUntil(lambda: "Run the book's experiment first" in page.status.text(), timeout=5_000)
    assert shows_nothing(page) and len(guide_lines(page)) == 3
    assert "Run the book's experiment first" in page.caption.text() and "per layer" not in page.caption.text()
    # an analysis of another source still under way when the source changes is not drawn when it ends
    page.set_source("fresh")
    page.refresh()
    assert page._worker is not None
    page.set_source("experiment")
    page.refresh()
    qtbot.waitUntil(lambda: page._worker is None, timeout=60_000)
    qtbot.wait(200)  # (the follow-up refresh of a queued request, if any)
    assert shows_nothing(page) and "Run the book's experiment first" in page.status.text()
    with qtbot.waitSignal(page.updated, timeout=60_000):  # with data again, its guide lines come back
        page.set_source("fresh")
    assert page.w_one.isVisible() and page.w_one.label.isVisible() and page.sp_bound.isVisible()


def shown_epoch(page) -> int:
    match = re.search(r"^Showing the book experiment.s .* after ([\d,]+) epochs", page.status.text())
    return int(match.group(1).replace(",", "")) if match else -1


def test_it_follows_the_experiments_network_as_it_trains_and_a_new_run_of_another_depth(qtbot, page,
                                                                                        gradients_tab):
    experiment = gradients_tab.experiment
    experiment.depth.setValue(2)
    experiment.images.setValue(100)
    experiment.epochs.setValue(10_000)
    page.set_source("experiment")
    experiment.start()
    qtbot.waitUntil(lambda: shown_epoch(page) >= 0, timeout=60_000)
    first = shown_epoch(page)
    assert len(page.cause.labels) == 2 and "σ′" in page.sp_plot.getPlotItem().titleLabel.text
    qtbot.waitUntil(lambda: shown_epoch(page) > first, timeout=30_000)  # analysed again as it trains
    with qtbot.waitSignal(experiment.run_finished, timeout=10_000):
        experiment.buttons.stop_clicked.emit()
    experiment.depth.setValue(3)  # a new run of another shape: never the old weights in the new network
    experiment.start()
    page.refresh()  # (before its first report is delivered)
    assert "just started" in page.status.text() and shows_nothing(page)
    qtbot.waitUntil(lambda: page.cause is not None and len(page.cause.labels) == 3, timeout=60_000)
    ticks = [[label for _v, label in page_ticks(plot)] for plot in (page.sp_plot, page.w_plot, page.path_plot)]
    assert ticks[0] == ticks[1] == ticks[2] == ["1", "2", "3"]
    with qtbot.waitSignal(experiment.run_finished, timeout=10_000):
        experiment.buttons.stop_clicked.emit()
