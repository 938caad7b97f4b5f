"""The Gradients tab, driven through its real widgets: the book's experiment trains off the GUI
thread and its curves fill in, the causes and the exploding chain are drawn, fixes train side by
side, and any run's per-mini-batch gradients (AppState.batch_gradients) are plotted."""
from __future__ import annotations

import copy

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from app import numbers, theme
from app.gradients import plots
from app.gradients.series import MAX_BINS
from core import probes, vanishing
from app.layout_audit import audit
from tests.app import tabs as main_tabs
from tests.app.plot_data import data_outside_view

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def tab(gradients_tab):
    return gradients_tab


def show(qtbot, tab, page):
    tab.pages.setCurrentWidget(page.parentWidget())
    with qtbot.waitExposed(tab):
        tab.show()


def curve_y(curve) -> np.ndarray:
    """A curve's data as given to it (before any log-mode transform)."""
    return np.asarray(curve.yData if curve.yData is not None else [], dtype=float)


def test_tab_basics(tab):
    assert tab.book_url == "http://neuralnetworksanddeeplearning.com/chap5.html"
    assert [tab.pages.tabText(i) for i in range(tab.pages.count())] == [
        "Vanishing gradient", "Why", "Exploding gradient", "Fixes", "Any run"]
    assert tab.slots["experiment"].page is not None and tab.slots["any_run"].page is not None
    assert tab.slots["fixes"].page is None  # built when first shown
    for i, key in enumerate(tab.slots):
        tab.pages.setCurrentIndex(i)
        page = tab.slots[key].page
        assert page is not None and getattr(tab, key) is page
        view = tab.export_widget()
        assert view is page.export_widget() and not view.grab().isNull()


@pytest.mark.parametrize("size", [(1280, 740), (1024, 620)])  # the tab's area in 1280×820 and 1024×700 windows
def test_no_plot_is_clipped(qtbot, tab, size):
    """pyqtgraph never shrinks a plot below its title's and axes' width: a plot too narrow for them is
    drawn cut off at the right. Every page's plots must fit at both window sizes."""
    tab.resize(*size)
    for key in tab.slots:
        page = tab.show_page(key)
        with qtbot.waitExposed(tab):
            tab.show()
        qtbot.waitUntil(lambda: page.isVisible(), timeout=5_000)
        for plot in page.findChildren(pg.PlotWidget):
            inner = plot.centralWidget.geometry()
            assert inner.width() <= plot.width() + 1 and inner.height() <= plot.height() + 1, (
                key, plot.getPlotItem().titleLabel.text, inner, plot.size())


# --- the book's experiment ---------------------------------------------------------------------------
def test_experiment_runs_off_the_gui_thread_and_draws_one_curve_per_layer(qtbot, tab):
    page = tab.experiment
    page.n_seeds.setValue(2)
    page.depth.setValue(3)
    page.images.setValue(200)
    page.epochs.setValue(6)
    page.seed.setValue(2)
    show(qtbot, tab, page)
    with qtbot.waitSignal(page.run_finished, timeout=60_000) as finished:
        QTest.mouseClick(page.buttons.run_button, LEFT)
        assert page.buttons.run_button.text() in ("Pause", "Run")  # "Pause" once the worker is on
    assert finished.args == ["completed"]
    assert len(page.curves) == 3
    data = tab.state.data
    fresh = vanishing.deep_net(3, seed=2)
    at_start = probes.layer_speeds(fresh, data.train.images[:200], data.train.labels[:200])
    for layer, curve in enumerate(page.curves):
        y = curve_y(curve)
        assert len(y) == 7 and np.isfinite(y).all()  # epochs 0 … 6
        np.testing.assert_allclose(y[0], at_start[layer], rtol=1e-4)
    np.testing.assert_allclose(page.speeds[:, 0], at_start, rtol=1e-4)
    assert np.all(np.diff(page.speeds[:, -1]) > 0)  # still slowest first after training
    assert "Done: 6 epochs" in page.status.text()
    assert "more slowly than hidden layer 3" in page.caption.text()
    assert page.buttons.run_button.text() == "Run" and not page.buttons.stop_button.isEnabled()
    net = page.network()  # the trained weights, rebuilt from the worker's snapshot
    assert net is not None and net.sizes == [784, 30, 30, 30, 10]
    assert not np.allclose(net.layers[0].params["w"], fresh.layers[0].params["w"])
    page.depth.setValue(5)  # between runs: the last run's curves go, and what was said of them too
    assert len(page.curves) == 5 and all(len(curve_y(c)) == 0 for c in page.curves)
    assert page.caption.text() == "" and "Done" not in page.status.text()
    assert page.network().sizes == [784, 30, 30, 30, 10]  # (its network stays, for the Why page)


def test_experiment_pauses_and_stops(qtbot, tab):
    page = tab.experiment
    page.n_seeds.setValue(2)
    page.images.setValue(100)
    page.epochs.setValue(10_000)
    show(qtbot, tab, page)
    QTest.mouseClick(page.buttons.run_button, LEFT)
    qtbot.waitUntil(lambda: page.last_epoch >= 1, timeout=30_000)
    QTest.mouseClick(page.buttons.run_button, LEFT)  # Pause
    assert page.buttons.run_button.text() == "Resume" and page.worker.paused
    QTest.mouseClick(page.buttons.run_button, LEFT)  # Resume
    assert page.buttons.run_button.text() == "Pause"
    with qtbot.waitSignal(page.run_finished, timeout=30_000) as finished:
        QTest.mouseClick(page.buttons.stop_button, LEFT)
    assert finished.args == ["stopped"]
    assert page.worker is None and "Stopped after" in page.status.text()
    assert page.last_epoch < 10_000


def test_initial_speeds_as_bars_beside_the_books(qtbot, tab):
    page = tab.experiment
    page.images.setValue(300)
    page.n_seeds.setValue(3)
    with qtbot.waitSignal(page.initial_ready, timeout=30_000):
        show(qtbot, tab, page)  # measured when first shown
    qtbot.waitUntil(lambda: page._initial_worker is None and page.initial.shape == (3, 4), timeout=30_000)
    data = tab.state.data
    expected = vanishing.initial_speeds(4, data.train.images[:300], data.train.labels[:300], seeds=range(3))
    np.testing.assert_allclose(page.initial, expected, rtol=1e-5)
    ours, book = page.our_bars.item.opts, page.book_bars.item.opts
    floor = ours["y0"][0]
    np.testing.assert_allclose(10 ** (floor + np.asarray(ours["height"])), expected.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(10 ** (floor + np.asarray(book["height"])), vanishing.BOOK_INITIAL_SPEEDS[4])
    assert page.book_bars.item.isVisible()
    assert page.our_bars.name == "ours: mean of 3 seeds (±1 sd)"  # plainly a mean over seeds, not one network
    table = page.values.text()
    for figure in ("0.003", "0.017", "0.07", "0.285"):  # the book's, as it prints them
        assert f">{figure}<" in table
    for value in expected.mean(axis=0):
        assert f">{plots.value_text(value)}<" in table
    with qtbot.waitSignal(page.initial_ready, timeout=30_000):
        page.width.setValue(20)  # not the book's network any more: its bars go
    assert not page.book_bars.item.isVisible() and "book" not in page.values.text()
    assert "30 neurons per layer" in page.initial_note.text()


# --- why ---------------------------------------------------------------------------------------------
def test_cause_page_shows_sigma_prime_bound_and_path_products(qtbot, tab):
    page = tab.cause
    page.images.setValue(200)
    with qtbot.waitSignal(page.updated, timeout=30_000):
        show(qtbot, tab, page)
    cause = page.cause
    assert len(page.sp_violins.shapes) == 4 and len(page.w_violins.shapes) == 4
    assert page.sp_bound.value() == 0.25 and "1/4" in page.sp_bound.label.format
    assert all(v.max() <= 0.25 for v in cause.sigma_prime)
    medians = curve_y(page.path_median)
    assert len(medians) == 4 and np.all(np.diff(medians) > 0)
    assert "for each layer it goes back" in page.caption.text()
    with qtbot.waitSignal(page.updated, timeout=30_000):
        page.activation.setCurrentIndex(page.activation.findData("tanh"))
    assert page.sp_bound.value() == 1.0
    page.set_source("experiment")  # nothing run yet: says so instead of drawing
    qtbot.waitUntil(lambda: "Run the book's experiment first" in page.status.text(), timeout=5_000)


# --- exploding gradients -------------------------------------------------------------------------------
def test_exploding_chain_multiplies_by_25_per_layer(qtbot, tab):
    page = tab.exploding
    show(qtbot, tab, page)
    page.hidden.setValue(4)
    result = page.result
    np.testing.assert_allclose(result["factor"][:-1], 25.0)
    heights = np.asarray(page.bars.opts["height"])
    np.testing.assert_allclose(-np.diff(heights), np.log10(25.0), rtol=1e-9)  # log bars: equal steps of 25×
    assert "= <b>25</b>" in page.caption.text() and "explodes" in page.caption.text()
    QTest.mouseClick(page.small_button, LEFT)
    assert page.w.value() == 1.0 and "vanishes" in page.caption.text()
    QTest.mouseClick(page.saturated_button, LEFT)
    assert not page.zero_z.isChecked() and "saturate" in page.caption.text()
    # the bars fill the plot: its top is just above the highest (3.7×10⁻⁴⁴), not at 10²⁰ with 10⁰ in view
    heights = np.asarray(page.bars.opts["y0"]) + np.asarray(page.bars.opts["height"])
    low, high = page.bars_plot.getPlotItem().vb.viewRange()[1]
    assert heights.max() < high < heights.max() + 0.4 * (high - low)
    QTest.mouseClick(page.book_button, LEFT)
    np.testing.assert_allclose(page.result["grad_b"][0] / page.result["grad_b"][-1], 25.0 ** 4)


def test_exploding_product_is_the_books_worked_by_hand(qtbot, tab):
    """The book's chain of four neurons, ∂C/∂b₁ = σ′(z₁) · w₂σ′(z₂) · w₃σ′(z₃) · w₄σ′(z₄) · ∂C/∂a₄:
    with the quadratic cost (the default, stated) 0.25 × 25 × 25 × 25 × 0.5 = 1,953.125, the
    arithmetic written out; with cross-entropy ∂C/∂a₄ = 2 and 7,812.5."""
    page = tab.exploding
    show(qtbot, tab, page)
    QTest.mouseClick(page.book_button, LEFT)
    assert page.hidden.value() == 3 and page.cost.currentData() == "quadratic" and "quadratic" in page.cost.currentText()
    caption = page.caption.text()
    assert "∂C/∂b₁ = σ′(z₁) · w₂σ′(z₂) · w₃σ′(z₃) · w₄σ′(z₄) · ∂C/∂a₄" in caption
    assert "= 0.25 × 25 × 25 × 25 × 0.5 = <b>1,953.125</b>" in caption
    assert "∂C/∂a₄ = a₄ − y = 0.5 − 0 = 0.5" in caption
    heights = 10 ** (np.asarray(page.bars.opts["y0"]) + np.asarray(page.bars.opts["height"]))
    np.testing.assert_allclose(heights, [1953.125, 78.125, 3.125, 0.125], rtol=1e-9)
    page.cost.setCurrentIndex(page.cost.findData("cross-entropy"))
    caption = page.caption.text()
    assert "= 0.25 × 25 × 25 × 25 × 2 = <b>7,812.5</b>" in caption and "cancels" in caption
    np.testing.assert_allclose(page.result["grad_b"][0], 7812.5)


@pytest.mark.parametrize("width", [1024, 1600])
def test_exploding_labels_fit_every_chain(qtbot, qapp, tab, width):
    """One to six neurons, exploding, vanishing or saturated, in a narrow and a wide window: no
    label lies on the bars or on another label, none is cut (the layout audit)."""
    page = tab.exploding
    tab.resize(width, 560)
    show(qtbot, tab, page)
    for hidden in (1, 6):
        page.hidden.setValue(hidden)
        for w, zero_z in ((100.0, True), (1.0, True), (100.0, False)):
            page.configure(w, zero_z)
            qapp.processEvents()  # (the layout requests the new texts posted)
            found = audit(tab)
            assert not found, (hidden, w, zero_z, [str(v) for v in found])


# --- fixes ---------------------------------------------------------------------------------------------
def test_fixes_train_side_by_side(qtbot, tab):
    page = tab.fixes
    show(qtbot, tab, page)
    for i in range(page.list.count()):
        variant = page.list.item(i).data(Qt.ItemDataRole.UserRole)
        keep = variant in (vanishing.BOOK_VARIANT, vanishing.Variant(batch_norm=True))
        page.list.item(i).setCheckState(Qt.CheckState.Checked if keep else Qt.CheckState.Unchecked)
    page.depth.setValue(3)
    page.epochs.setValue(3)
    page.images.setValue(150)
    with qtbot.waitSignal(page.run_finished, timeout=60_000) as finished:
        QTest.mouseClick(page.buttons.run_button, LEFT)
    assert finished.args == ["completed"]
    assert page.table.rowCount() == 2
    assert [page.table.item(r, 0).text() for r in range(2)] == [v.label for v in page.variants]
    for row in range(2):
        assert page.table.item(row, 4).text().endswith("%")
        first, last = page.curves[row]
        assert len(curve_y(first)) == 4 and len(curve_y(last)) == 4
    # the book's net: layer 1's error ~100× below the last's; batch norm: the same order
    book_ratio = float(page.table.item(0, 1).text())
    bn_ratio = float(page.table.item(1, 1).text())
    assert book_ratio < 0.05 < 0.3 < bn_ratio
    page.measure.setCurrentIndex(page.measure.findData("speeds"))  # redrawn from what was recorded
    np.testing.assert_allclose(float(page.table.item(0, 1).text()),
                               page.data["speeds"][0, 0, 0] / page.data["speeds"][0, -1, 0], rtol=0.05)


def tick(page, keep) -> None:
    for i in range(page.list.count()):
        variant = page.list.item(i).data(Qt.ItemDataRole.UserRole)
        page.list.item(i).setCheckState(Qt.CheckState.Checked if variant in keep else Qt.CheckState.Unchecked)


def test_fixes_curves_stay_in_view_and_the_legend_names_them(qtbot, tab):
    """Six hidden sigmoid layers: the book's ‖∂C/∂b¹‖ falls far below the empty plot's range (to
    ~10⁻⁶); every curve and profile point stays inside its plot, and the legend above the plots names
    each network in its colour and says which line is which layer."""
    page = tab.fixes
    show(qtbot, tab, page)
    keep = (vanishing.BOOK_VARIANT, vanishing.Variant(activation="relu", init="he"))
    tick(page, keep)
    page.depth.setValue(6)
    page.epochs.setValue(4)
    page.images.setValue(100)
    page.measure.setCurrentIndex(page.measure.findData("speeds"))
    legend = page.legend.text()
    for i, variant in enumerate(keep):
        assert variant.label in legend and theme.series(i) in legend
    assert "hidden layer 1" in legend and "the last hidden layer" in legend
    with qtbot.waitSignal(page.run_finished, timeout=60_000):
        QTest.mouseClick(page.buttons.run_button, LEFT)
    assert np.nanmin(page.data["speeds"][0, 0]) < 1e-4  # (the range before the run ended at 10⁻³)
    for plot in (page.curve_plot, page.profile_plot):
        assert not data_outside_view(plot), data_outside_view(plot)
    page.measure.setCurrentIndex(page.measure.findData("errors"))  # another measure: refitted
    for plot in (page.curve_plot, page.profile_plot):
        assert not data_outside_view(plot), data_outside_view(plot)
    readout = page.curve_plot.getPlotItem().readout  # hovering reads each network's two layers at an epoch
    assert readout.read_at(QPointF(2, 0))
    card = readout.text()
    assert "epoch 2" in card and f"{keep[0].label}: layer 1" in card and f"{keep[1].label}: last" in card
    value = numbers.number(page.data["errors"][0, 0, 2], 4)
    assert value in card


def test_fixes_say_how_long_is_left(qtbot, tab):
    page = tab.fixes
    show(qtbot, tab, page)
    tick(page, (vanishing.BOOK_VARIANT,))
    page.images.setValue(100)
    page.epochs.setValue(10_000)
    QTest.mouseClick(page.buttons.run_button, LEFT)
    qtbot.waitUntil(lambda: "left" in page.status.text(), timeout=30_000)  # after a couple of seconds
    assert page.status.text().startswith("Epoch ") and "about " in page.status.text()
    with qtbot.waitSignal(page.run_finished, timeout=30_000):
        QTest.mouseClick(page.buttons.stop_button, LEFT)


def test_fixes_stop(qtbot, tab):
    page = tab.fixes
    show(qtbot, tab, page)
    page.images.setValue(100)
    page.epochs.setValue(10_000)
    QTest.mouseClick(page.buttons.run_button, LEFT)
    qtbot.waitUntil(lambda: len(page.last_epoch) and page.last_epoch.min() >= 1, timeout=30_000)
    with qtbot.waitSignal(page.run_finished, timeout=30_000) as finished:
        QTest.mouseClick(page.buttons.stop_button, LEFT)
    assert finished.args == ["stopped"] and page.worker is None
    assert page.status.text().startswith(f"Stopped after {page.last_epoch.min():,} epochs, in ")
    assert page.last_epoch.max() < 10_000 and page.buttons.run_button.text() == "Run the comparison"
    shown = [len(curve_y(first)) for first, _ in page.curves]
    assert min(shown) >= 2  # every network's curve kept what it had reached


def test_fixes_builder_and_empty_selection(qtbot, tab):
    page = tab.fixes
    count = page.list.count()
    page.new_activation.setCurrentIndex(page.new_activation.findData("tanh"))
    page.new_bn.setChecked(True)
    QTest.mouseClick(page.add_button, LEFT)
    assert page.list.count() == count + 1
    assert page.list.item(count).data(Qt.ItemDataRole.UserRole) == vanishing.Variant("tanh", "default", True, False)
    QTest.mouseClick(page.add_button, LEFT)  # the same again: not listed twice
    assert page.list.count() == count + 1 and "already" in page.status.text()
    for i in range(page.list.count()):
        page.list.item(i).setCheckState(Qt.CheckState.Unchecked)
    QTest.mouseClick(page.buttons.run_button, LEFT)
    assert page.worker is None and "Tick at least one" in page.status.text()


# --- any run -------------------------------------------------------------------------------------------
def payload(run, steps, delta, w=None, labels=("FC 30 sigmoid", "FC 30 sigmoid", "FC 10 sigmoid")):
    delta = np.asarray(delta, float)
    return {"run": run, "steps": list(steps), "labels": list(labels), "delta": delta,
            "w": delta * 3 if w is None else np.asarray(w, float)}


def test_any_run_plots_the_train_tabs_batch_gradients(qtbot, tab):
    page = tab.any_run
    show(qtbot, tab, page)
    assert page.empty_note.isVisible()
    page.smooth.setValue(1)  # raw values
    first = np.array([[0.01, 0.05, 0.2], [0.02, 0.06, 0.3]])
    with qtbot.waitSignal(page.redrawn, timeout=2_000):
        tab.state.batch_gradients.emit(payload("run A", [1, 2], first))
    second = np.array([[0.03, 0.07, 0.4]])
    with qtbot.waitSignal(page.redrawn, timeout=2_000):
        tab.state.batch_gradients.emit(payload("run A", [3], second))
    assert not page.empty_note.isVisible() and "run A" in page.run_label.text()
    assert len(page.delta_curves) == 3 and len(page.w_curves) == 3
    np.testing.assert_allclose(page.delta_curves[0].xData, [1, 2, 3])
    y = curve_y(page.delta_curves[0])
    np.testing.assert_allclose(y, [0.01, 0.02, 0.03])
    y = curve_y(page.w_curves[2])
    np.testing.assert_allclose(y, [0.6, 0.9, 1.2])
    assert "layer 2" in page.summary.text()
    assert page.layer_list.text().count("FC 30 sigmoid") == 2 and "3: FC 10 sigmoid" in page.layer_list.text()
    page.smooth.setValue(2)  # trailing mean over two mini-batches
    y = curve_y(page.delta_curves[0])
    np.testing.assert_allclose(y, [0.01, 0.015, 0.025])
    page.smooth.setValue(1)
    with qtbot.waitSignal(page.redrawn, timeout=2_000):  # a new run starts afresh, with its own layers
        tab.state.batch_gradients.emit(payload("run B", [1], [[0.5, 0.1]], labels=("conv", "FC 10")))
    assert len(page.delta_curves) == 2 and len(page.delta_curves[0].xData) == 1
    tab.state.batch_gradients.emit({"run": "bad"})  # malformed: ignored with a message
    assert "Ignored" in page.summary.text() and len(page.delta_curves) == 2
    QTest.mouseClick(page.clear_button, LEFT)
    assert page.empty_note.isVisible() and not page.delta_curves


def test_any_run_draws_a_long_run_at_a_bounded_cost(qtbot, tab):
    """Issue 14 (no stalls): a payload late in a long run costs what one early on does. The curves keep
    a bounded number of points (each spike still drawn, at its mini-batch), the axes change only when
    the data outgrow them, and every point stays in view."""
    page = tab.any_run
    show(qtbot, tab, page)
    page.smooth.setValue(1)
    rng = np.random.default_rng(0)
    n, chunk = 30_000, 250
    delta = np.exp(rng.normal(size=(n, 3))) * [1e-4, 1e-3, 1e-2]
    delta[20_000, 0] = 0.5  # a spike
    ranges = []
    page.delta_plot.getPlotItem().vb.sigRangeChanged.connect(lambda *_: ranges.append(1))
    for start in range(0, n, chunk):
        steps = range(start + 1, start + chunk + 1)
        with qtbot.waitSignal(page.redrawn, timeout=2_000):
            tab.state.batch_gradients.emit(payload("long", steps, delta[start:start + chunk]))
    assert len(page.steps) == n
    x, y = page.delta_curves[0].xData, curve_y(page.delta_curves[0])
    assert len(x) <= 4 * MAX_BINS + 2 * page.delta_series.size and y.max() == 0.5 and x[y.argmax()] == 20_001
    assert len(ranges) <= 15, len(ranges)  # of 120 payloads: the x axis to 300, 500, 1,000, 2,000, … 30,000
    assert all(curve.curve.opts["antialias"] is False for curve in page.delta_curves)  # (noisy: no need)
    assert not data_outside_view(page.delta_plot) and not data_outside_view(page.w_plot)


def test_any_run_keeps_listening_while_hidden(qtbot, tab):
    page = tab.any_run  # built with the tab, though another page is on show
    assert not page.isVisible()
    tab.state.batch_gradients.emit(payload("run C", [1, 2], [[0.1, 0.2, 0.3], [0.1, 0.2, 0.3]]))
    assert len(page.steps) == 2 and len(curve_y(page.delta_curves[0])) == 0  # kept, not drawn yet
    with qtbot.waitSignal(page.redrawn, timeout=5_000):
        show(qtbot, tab, page)
    assert len(curve_y(page.delta_curves[0])) == 2


def test_any_run_follows_a_real_train_tab_run(qtbot, small_window):
    """In the main window, a run started in the Train tab reaches the Gradients tab's Any run page:
    one curve per layer with weights, one point per measured mini-batch, and the first point is the
    gradient of the first mini-batch's mean cost at the initial weights."""
    window = small_window
    train, gradients = main_tabs.tab(window, "Train"), main_tabs.tab(window, "Gradients")
    page = gradients.any_run
    page.smooth.setValue(1)  # raw values
    main_tabs.show(window, "Train")
    train.form.set_training_images(1000)
    train.form.select_preset("ch5-deep-2")
    train.form.set_field("train_size", "1000")
    train.form.set_field("epochs", "1")
    start = {}

    def started(_run):  # before the training thread starts: the initial weights and the shuffling to come
        trainer = train.worker.trainer
        start.update(net=trainer.net.copy(), rng=copy.deepcopy(trainer.rng), m=trainer.config.mini_batch_size,
                     train=trainer.train)

    train.run_started.connect(started)
    assert train.start()
    main_tabs.show(window, "Gradients")  # watch it from the Gradients tab while it trains
    gradients.show_page("any_run")
    qtbot.waitUntil(lambda: train.worker is None and train.run is not None and train.run.status != "running",
                    timeout=60_000)
    assert train.run.status == "finished"
    qtbot.waitUntil(lambda: len(page.steps) > 0 and len(curve_y(page.delta_curves[0])) == len(page.steps),
                    timeout=10_000)
    assert page.run == train.run.name and train.run.name in page.run_label.text()
    assert page.labels == ["FC 30", "FC 30", "FC 10"]
    assert len(page.delta_curves) == len(page.w_curves) == 3
    steps = page.steps
    assert steps[0] == 1 and np.all(np.diff(steps) > 0) and steps[-1] <= 100  # 1,000 images, 10 at a time
    # the first mini-batch, recomputed here from the initial weights
    first = start["rng"].permutation(len(start["train"]))[:start["m"]]
    images, labels = start["train"].images[first], start["train"].labels[first]
    expected = probes.gradient_norms(start["net"], images, labels)
    np.testing.assert_allclose([curve_y(c)[0] for c in page.delta_curves], expected["delta"], rtol=1e-3)
    np.testing.assert_allclose([curve_y(c)[0] for c in page.w_curves], expected["w"], rtol=1e-3)
    assert "layer 1's ‖∂C/∂b‖" in page.summary.text()
    window.close()
