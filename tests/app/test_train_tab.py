"""The Train tab driven like a user would: fill the form, click Start/Pause/Step/Stop, and check what
the views show. Runs are small (1,000 training images, 500 validation and test) to stay fast."""
from __future__ import annotations

import csv

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from app.state import AppState
from app.train.session import State
from app.train.tab import TrainTab
from core.io import load_network
from core.network import Network
from core.training import subset

WAIT = 30_000  # ms; runs finish in well under a second, but the machine may be busy


@pytest.fixture
def small_data(mnist):
    return subset(mnist, 1000, 500, 500)


@pytest.fixture
def tab(qtbot, small_data):
    state = AppState()
    state.data = small_data
    widget = TrainTab(state)
    qtbot.addWidget(widget)
    widget.resize(1280, 820)
    widget.show()
    widget.form.set_training_images(len(small_data.train))
    yield widget
    widget.shutdown()


def set_fields(tab, preset="ch1", **fields):
    tab.form.select_preset(preset)
    for key, value in fields.items():
        tab.form.set_field(key, str(value))


def click_start(qtbot, tab):
    assert tab.controls.start.isEnabled(), tab.form.errors
    runs = len(tab.runs)
    qtbot.mouseClick(tab.controls.start, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(tab.runs) == runs + 1, timeout=WAIT)  # the network is built and the run started
    assert tab.worker is not None or tab.run.status != "running", tab.controls.banner.text()


def wait_until_done(qtbot, tab):
    qtbot.waitUntil(lambda: tab.worker is None and tab.run is not None and tab.run.status != "running", timeout=WAIT)


def test_small_run_started_from_the_gui_reports_progress_and_updates_the_views(qtbot, tab):
    set_fields(tab, "ch1", train_size=1000, epochs=1)
    gradients, published, progress, initial = [], [], [], []
    tab.state.batch_gradients.connect(gradients.append)
    tab.state.training_network_changed.connect(published.append)

    def started(_run):
        initial.append(tab.weights.image("mosaic").copy())  # the initial weights, shown at once
        tab.worker.progress.connect(progress.append)

    tab.run_started.connect(started)
    click_start(qtbot, tab)
    wait_until_done(qtbot, tab)
    initial = initial[0]

    run = tab.run
    assert run.status == "finished" and len(run.epochs) == 1
    assert progress, "the worker reported no progress"
    # the weight mosaic changed as the network learned (NaN is the padding between tiles)
    final = tab.weights.image("mosaic")
    assert final.shape == initial.shape == (5 * 29 - 1, 6 * 29 - 1)  # 30 tiles of 28×28
    tiles = np.isfinite(initial)
    assert np.abs(final[tiles] - initial[tiles]).max() > 1e-3
    # the curves gained points: one per epoch, and the smoothed per-mini-batch cost
    x, y = tab.accuracy.curve_data("run:validation_accuracy")
    assert list(x) == [1.0] and 15 < y[0] <= 100  # above chance (10 %) after one epoch on 1,000 images
    assert len(tab.cost.curve_data("run:batch")[0]) > 10
    assert tab.accuracy.reference_value() == pytest.approx(95.42)  # the book's figure for ch1
    # confusion matrix and mistakes on the validation set
    counts = tab.confusion.counts
    assert counts.sum() == 500 and np.trace(counts) == round(run.epochs[0].validation_accuracy * 500)
    assert tab.gallery.n == min(40, 500 - np.trace(counts))
    # histograms: one per layer, fractions summing to 1
    start, now = tab.histograms.counts(0)
    assert len(tab.histograms.plots) == 2 and now.sum() == pytest.approx(1.0, abs=0.01)
    # the other tabs got the network and per-mini-batch gradient norms
    assert published and isinstance(published[-1], Network)
    assert tab.state.training_network is published[-1]
    assert gradients and gradients[0]["labels"] == ["FC 30", "FC 10"]
    steps = np.concatenate([g["steps"] for g in gradients])
    assert np.all(np.diff(steps) > 0) and steps[-1] <= 100
    assert gradients[0]["delta"].shape == (len(gradients[0]["steps"]), 2)
    assert np.all(np.isfinite(gradients[0]["w"])) and np.all(gradients[0]["w"] > 0)
    assert "finished" in tab.controls.banner.text() and "95.42%" in tab.controls.banner.text()


def test_pause_step_resume_and_stop(qtbot, tab):
    set_fields(tab, "ch1", train_size=1000, epochs=200)
    click_start(qtbot, tab)
    worker = tab.worker
    assert worker is not None, (tab.run.status, tab.run.message, tab.controls.banner.text())
    qtbot.waitUntil(lambda: worker.step_count > 20, timeout=WAIT)

    qtbot.mouseClick(tab.controls.pause, Qt.LeftButton)
    assert worker.paused and tab.controls.pause.text().endswith("Resume") and tab.controls.step.isEnabled()
    qtbot.waitUntil(lambda: worker.waiting, timeout=WAIT)  # the mini-batch under way when we paused is done
    paused_at = worker.step_count
    qtbot.wait(200)
    assert worker.step_count == paused_at  # nothing trains while paused

    qtbot.mouseClick(tab.controls.step, Qt.LeftButton)
    qtbot.waitUntil(lambda: worker.step_count == paused_at + 1 and worker.waiting, timeout=WAIT)
    qtbot.wait(100)
    assert worker.step_count == paused_at + 1 and worker.paused  # exactly one mini-batch

    qtbot.mouseClick(tab.controls.pause, Qt.LeftButton)  # resume
    assert not worker.paused
    qtbot.waitUntil(lambda: worker.step_count > paused_at + 20, timeout=WAIT)

    qtbot.mouseClick(tab.controls.more, Qt.LeftButton)
    assert worker.trainer.epochs == 201

    qtbot.waitUntil(lambda: tab.latest_network is not None, timeout=WAIT)  # an epoch is done: its network
    assert tab.controls.send.isEnabled() and tab.controls.save.isEnabled()  # can go to Draw while training
    qtbot.mouseClick(tab.controls.send, Qt.LeftButton)
    assert tab.state.network_label == tab.run.name and tab.state.network is not tab.latest_network

    qtbot.mouseClick(tab.controls.stop, Qt.LeftButton)
    wait_until_done(qtbot, tab)
    assert tab.run.status == "stopped"
    assert "Stopped" in tab.controls.banner.text()
    assert tab.controls.start.isEnabled() and not tab.controls.pause.isEnabled()
    assert tab.run.network is not None and tab.runs_panel.send.isEnabled()


def test_eta_and_lambda_changed_during_a_run_apply_from_the_next_mini_batch(qtbot, tab):
    set_fields(tab, "ch3", train_size=1000, epochs=200)
    click_start(qtbot, tab)
    worker = tab.worker
    assert tab.controls.eta.value() == pytest.approx(0.5) and tab.controls.lmbda.value() == pytest.approx(5.0)
    assert tab.controls.eta.text() == "0.5" and tab.controls.lmbda.text() == "5"
    qtbot.waitUntil(lambda: worker.step_count > 10, timeout=WAIT)
    qtbot.mouseClick(tab.controls.pause, Qt.LeftButton)
    qtbot.waitUntil(lambda: worker.waiting, timeout=WAIT)
    weights = lambda: worker.trainer.net.layers[0].params["w"].copy()  # noqa: E731 (read while paused)

    def step():
        before, at = weights(), worker.step_count
        qtbot.mouseClick(tab.controls.step, Qt.LeftButton)
        qtbot.waitUntil(lambda: worker.step_count == at + 1 and worker.waiting, timeout=WAIT)
        return before, weights()

    tab.controls.lmbda.setValue(0.0)
    tab.controls.eta.setValue(1e-6)  # the spin box keeps small values as they are (1e-06, not 0.0000)
    assert worker.trainer.eta == pytest.approx(1e-6) and worker.trainer.lmbda == 0.0
    assert tab.controls.eta.text() == "1e-06"
    before, after = step()
    assert np.abs(after - before).max() < 1e-5  # a step of η = 1e-6 barely moves the weights
    tab.controls.eta.setValue(0.5)
    tab.controls.lmbda.setValue(500.0)  # weight decay 1 − ηλ/n = 1 − 0.5·500/1000 = 0.75 a step
    before, after = step()
    assert np.linalg.norm(after) == pytest.approx(0.75 * np.linalg.norm(before), rel=0.05)
    epochs = len(tab.run.epochs)
    qtbot.mouseClick(tab.controls.pause, Qt.LeftButton)  # resume: the next epoch reports the new η
    qtbot.waitUntil(lambda: len(tab.run.epochs) > epochs, timeout=WAIT)
    assert tab.run.epochs[-1].eta == pytest.approx(0.5)
    tab.stop()
    wait_until_done(qtbot, tab)


@pytest.mark.parametrize("key, text, message", [
    ("eta", "fast", "learning rate η must be a number"),
    ("eta", "-1", "learning rate η must be a positive number"),
    ("mini_batch_size", "0", "mini-batch size must be a whole number ≥ 1"),
    ("mini_batch_size", "5000", "larger than the training set"),
    ("layers", "784-30-9", "output layer must have 10 neurons"),
    ("layers", "30-10", "input layer must have 784"),
    ("momentum", "1", "momentum μ must be in [0, 1)"),
    ("dropout", "1.5", "dropout probability must be in [0, 1)"),
    ("train_size", "999999", "only 1,000 training images"),
    ("epochs", "2.5", "epochs must be a whole number"),
    ("layers", "784-abc-10", "layer sizes must be whole numbers"),
    ("layers", "784-100000-10", "too many to train here"),
    ("seed", "-1", "seed must be a whole number ≥ 0"),
    ("lmbda", "400", "1 − ηλ/n = -0.2"),  # η = 3 on 1,000 images: each step would flip the weights' sign
])
def test_an_invalid_field_blocks_start_with_its_reason(qtbot, tab, key, text, message):
    set_fields(tab, "ch1")
    assert tab.controls.start.isEnabled()
    tab.form.set_field(key, text)
    label = tab.form.error_labels[key]
    assert message in label.text() and label.isVisible()
    assert tab.form.fields[key].property("invalid") is True
    assert not tab.controls.start.isEnabled()
    assert tab.start() is False and tab.run is None
    tab.form.set_field(key, {"layers": "784-30-10", "train_size": "1000", "mini_batch_size": "10",
                             "dropout": "0", "momentum": "0", "epochs": "1", "seed": "0", "lmbda": "0"}.get(key, "3"))
    assert not label.isVisible() and tab.controls.start.isEnabled()


def test_a_cost_that_does_not_fit_the_output_is_reported_on_the_cost_field(qtbot, tab):
    set_fields(tab, "ch3")
    combo = tab.form.output_activation
    combo.setCurrentIndex(combo.findData("relu"))
    tab.form.validate_now()
    assert "cross-entropy cost needs outputs in (0, 1)" in tab.form.error_labels["cost"].text()
    assert not tab.controls.start.isEnabled()


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning", "ignore:invalid value:RuntimeWarning")
def test_a_diverging_run_ends_with_a_plain_explanation_and_keeps_the_last_good_views(qtbot, tab):
    set_fields(tab, "", layers="784-30-10", eta="1e6", train_size=1000, epochs=3)
    for key, value in (("activation", "relu"), ("output_activation", "linear"), ("cost", "quadratic")):
        combo = tab.form.fields[key]
        combo.setCurrentIndex(combo.findData(value))
    tab.form.validate_now()
    click_start(qtbot, tab)
    wait_until_done(qtbot, tab)
    run = tab.run
    assert run.status == "diverged"
    banner = tab.controls.banner
    assert banner.isVisible() and "diverged" in banner.text() and "η = 1e+06 is too large" in banner.text()
    assert tab.weights.last is not None and tab.weights.last.finite
    shown = tab.weights.image("mosaic")
    assert np.isfinite(shown).any()
    assert all(np.isfinite(p).all() for layer in run.network.layers for p in layer.params.values())
    assert tab.state.training_network is run.network


def test_eta_1000_saturates_chapter_1s_network_the_run_stops_and_the_views_show_it_as_it_started(qtbot, tab):
    """No NaN ever appears (the sigmoid neurons saturate), yet the run is over: it stops with a plain
    message and everything is back to the initial weights."""
    set_fields(tab, "ch1", eta="1000", train_size=1000, epochs=30)
    initial = []
    tab.run_started.connect(lambda _run: initial.append(tab.weights.image("mosaic").copy()))
    click_start(qtbot, tab)
    wait_until_done(qtbot, tab)
    run = tab.run
    assert run.status == "diverged" and run.epochs == []  # the blown-up epoch never reached the curves
    banner = tab.controls.banner.text()
    assert "The run diverged" in banner and "at chance" in banner
    assert "η = 1000 is too large for this network (try η = 100)" in banner
    assert "back to its initial weights" in banner
    fresh = run.plan.build_network()  # the same seed: the weights the run started from
    assert all(np.array_equal(a.params["w"], b.params["w"]) for a, b in zip(run.network.layers, fresh.layers))
    assert np.array_equal(tab.weights.image("mosaic"), initial[0], equal_nan=True)
    start, now = tab.histograms.counts(1)
    assert np.allclose(start, now)  # "now" is the start again, on a range fitted to it
    assert len(tab.cost.curve_data("run:batch")[0]) > 0  # the cost it reached is still on the plot
    assert "diverged" in tab.runs_panel.tree.topLevelItem(0).text(1)


def test_clicking_a_mistake_opens_it_in_the_draw_tab(qtbot, tab, small_data):
    set_fields(tab, "ch1", train_size=1000, epochs=1)
    click_start(qtbot, tab)
    wait_until_done(qtbot, tab)
    assert tab.gallery.n > 0
    shown = []
    tab.state.show_digit.connect(lambda image, label: shown.append((image, label)))
    view = tab.gallery
    scene_point = view.item.mapToScene(QPointF(14, 14))  # the middle of the first digit
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=view.mapFromScene(scene_point))
    assert len(shown) == 1
    image, label = shown[0]
    index = tab.mistakes.shown[0]
    assert image.shape == (28, 28) and np.array_equal(image, small_data.validation.images[index])
    assert label == small_data.validation.labels[index]


def test_a_confusion_cell_filters_the_gallery(qtbot, tab, small_data):
    set_fields(tab, "ch1", train_size=1000, epochs=1)
    click_start(qtbot, tab)
    wait_until_done(qtbot, tab)
    counts = tab.confusion.counts.copy()
    np.fill_diagonal(counts, 0)
    true, answer = np.unravel_index(counts.argmax(), counts.shape)
    tab.confusion.cell_clicked.emit(int(true), int(answer))
    assert tab.gallery.n == min(40, counts[true, answer])
    labels = small_data.validation.labels[tab.mistakes.shown]
    assert np.all(labels == true)
    assert f"{true} read as {answer}" in tab.gallery.title.text


def test_runs_overlay_export_save_and_send_to_draw(qtbot, tab, tmp_path, small_data):
    for lmbda in ("0", "5"):
        set_fields(tab, "ch3", train_size=1000, epochs=2, lmbda=lmbda)
        click_start(qtbot, tab)
        wait_until_done(qtbot, tab)
    first, second = tab.runs
    assert first.status == second.status == "finished"
    tab.runs_panel.set_overlay(first, True)
    assert tab.accuracy.curve("overlay:1") is not None and tab.cost.curve("overlay:1") is not None
    assert len(tab.accuracy.curve_data("overlay:1")[0]) == 2
    tab.runs_panel.set_overlay(first, False)
    assert tab.accuracy.curve("overlay:1") is None

    path = tab.export_csv(tmp_path / "runs.csv")
    rows = list(csv.DictReader(path.open()))
    assert len(rows) == 4 and {r["lmbda"] for r in rows} == {"0.0", "5.0"}
    assert all(0 < float(r["validation_accuracy"]) <= 1 for r in rows)
    assert tab.export_png(tmp_path / "curves.png") and (tmp_path / "curves.png").stat().st_size > 1000

    assert tab.save_run_network(first, tmp_path / "net.npz")
    loaded = load_network(tmp_path / "net.npz")
    assert loaded.info["metrics"]["test_accuracy"] == first.best().test_accuracy
    x = small_data.test.images[:50]
    assert np.array_equal(loaded.predict(x), first.network.predict(x))

    tab.runs_panel.select(second)
    sent = []
    tab.state.network_changed.connect(sent.append)
    qtbot.mouseClick(tab.runs_panel.send, Qt.LeftButton)
    assert len(sent) == 1 and tab.state.network_label == second.name
    assert sent[0] is not second.network  # a copy: the run keeps its own
    assert np.array_equal(sent[0].predict(x), second.network.predict(x))


def test_every_book_preset_fills_a_valid_form_with_its_figure(tab):
    from core import presets

    for preset in presets.all_presets():
        tab.form.select_preset(preset.name)
        assert tab.form.plan is not None, (preset.name, tab.form.errors)
        assert tab.form.plan.exact
        assert f"{preset.book.accuracy:.2%}" in tab.form.card.text()
        caption = tab.form.preset.currentText()  # the figure comes first, so a narrow picker still shows it
        assert caption.startswith(f"{preset.name} (book {preset.book.accuracy:.2%})")


def test_a_small_cnn_trains_and_shows_filters_and_feature_maps(qtbot, tab):
    set_fields(tab, "ch6-conv1", train_size=200, epochs=1)
    assert tab.form.kind_cnn.isChecked() and len(tab.form.cnn.editors) == 2
    initial = []
    tab.run_started.connect(lambda _run: initial.append(tab.weights.image("filters").copy()))
    click_start(qtbot, tab)
    wait_until_done(qtbot, tab)
    initial = initial[0]
    assert tab.run.status == "finished"
    filters, maps = tab.weights.image("filters"), tab.weights.image("maps")
    assert filters.shape == initial.shape and np.nanmax(np.abs(filters - initial)) > 0
    assert maps is not None and np.isfinite(maps).any()
    assert [p.titleLabel.text for p in tab.histograms.plots] == ["conv 20×5×5", "FC 100", "FC 10 (output)"]


def test_the_cnn_builder_edits_the_network(qtbot, tab):
    tab.form.select_preset("")
    tab.form.kind_cnn.setChecked(True)
    builder = tab.form.cnn
    assert [r.kind for r in builder.rows()] == ["conv-pool", "fc"]
    builder.add_row()
    builder.editors[-1].kind.setCurrentIndex(builder.editors[-1].kind.findData("conv"))  # conv after FC: invalid
    tab.form.validate_now()
    assert "convolution needs (channels, height, width) inputs" in tab.form.error_labels["layers"].text()
    assert not tab.controls.start.isEnabled()
    removed = builder.editors[-1]
    removed.remove.click()
    assert len(builder.editors) == 2 and removed.isHidden()  # gone at once, not at the next deferred delete
    builder.editors[0].size.setValue(28)  # a 28×28 filter leaves 1×1 maps: no room for 2×2 pooling
    tab.form.validate_now()
    assert "2×2 pooling does not fit the 1×1 feature maps" in tab.form.error_labels["layers"].text()
    assert tab.form.error_labels["layers"].isVisible() and not tab.controls.start.isEnabled()
    builder.editors[0].size.setValue(5)
    tab.form.set_field("dropout", "1.5")  # the MLP's dropout field is hidden for a CNN: it cannot block Start
    assert tab.form.errors == {} and not tab.form.error_labels["dropout"].isVisible()
    plan = tab.form.plan
    assert plan is not None and plan.network.kind == "cnn"
    net = plan.build_network()
    assert [l.kind for l in net.layers] == ["convpool2d", "flatten", "dense", "dense"]


def test_start_loads_mnist_first_when_needed(qtbot, small_data, monkeypatch):
    state = AppState()
    monkeypatch.setattr("app.state.load_mnist", lambda: small_data)  # the loader runs on its own thread
    widget = TrainTab(state)
    qtbot.addWidget(widget)
    set_fields(widget, "ch1", train_size=1000, epochs=1)
    assert widget.start()
    assert "Loading MNIST" in widget.controls.status.text() and not widget.controls.start.isEnabled()
    qtbot.waitUntil(lambda: widget.run is not None and widget.run.status == "finished" and widget.worker is None,
                    timeout=WAIT)
    assert widget.form.n_train == 1000 and len(widget.run.epochs) == 1


def test_stop_while_preparing_cancels_the_start(qtbot, tab):
    set_fields(tab, "ch1", train_size=1000, epochs=1)
    tab.start()
    assert tab.session.state is State.PREPARING and tab.controls.stop.isEnabled()
    qtbot.mouseClick(tab.controls.stop, Qt.LeftButton)
    qtbot.waitUntil(lambda: tab.session.state is not State.PREPARING, timeout=WAIT)
    assert tab.run is None and tab.worker is None and "cancelled" in tab.controls.status.text()
    assert tab.controls.start.isEnabled()


def test_the_end_of_run_banner_leaves_the_live_views_where_they_are(qtbot, tab):
    """The banner fills the status row's space: the views are not laid out and repainted anew."""
    set_fields(tab, "ch1", train_size=1000, epochs=1)
    during = []
    tab.run_started.connect(lambda _run: during.append(tab.views.geometry()))
    click_start(qtbot, tab)
    wait_until_done(qtbot, tab)
    qtbot.waitUntil(lambda: tab.controls.banner.isVisible(), timeout=WAIT)
    assert "finished" in tab.controls.banner.text() and not tab.controls.status.isVisible()
    assert tab.views.geometry() == during[0]
    tab.controls.show_banner("<b>The run diverged.</b> " + "cost became NaN at epoch 3, batch 120: η = 1e+06 is "
                             "too large for this network (try η = 1e+05); the network is back to its state after "
                             "epoch 2. The views show the last good state.", "error")
    tab.controls.hide_banner()
    qtbot.waitUntil(lambda: tab.controls.status.isVisible(), timeout=WAIT)
    assert tab.views.geometry() == during[0]


def test_the_accuracy_range_follows_the_curves_and_the_book_figure_but_moves_rarely(qtbot):
    from app.widgets.curves import CurvePlot

    plot = CurvePlot("Accuracy")
    qtbot.addWidget(plot)
    plot.resize(400, 300)
    plot.set_reference(95.42, "book")
    plot.set_curve("a", [1], [88.0])
    plot.set_curve("b", [1], [90.0])
    plot.fit_y(force=True)
    low, high = plot.getPlotItem().vb.viewRange()[1]
    assert low < 88.0 and 95.42 < high and high - low < 12  # everything in view, tightly
    plot.set_curve("a", [1, 2], [88.0, 93.0])  # inside the range: it stays
    plot.fit_y()
    assert plot.getPlotItem().vb.viewRange()[1] == [low, high]
    plot.set_curve("a", [1, 2, 3], [88.0, 93.0, 99.0])  # above it: the range widens to show it
    plot.fit_y()
    low2, high2 = plot.getPlotItem().vb.viewRange()[1]
    assert low2 < 88.0 and 99.0 < high2


def test_at_1024_pixels_wide_the_tab_fits_and_no_view_is_narrower_than_what_it_draws(qtbot, tab):
    set_fields(tab, "ch6-conv1", train_size=200, epochs=1)  # three layers of histograms: the widest case
    click_start(qtbot, tab)
    wait_until_done(qtbot, tab)
    tab.resize(1020, 660)  # a 1024×700 window, less its frame, menu and status bar
    qtbot.waitUntil(lambda: tab.width() == 1020, timeout=WAIT)
    assert tab.minimumSizeHint().width() <= 1020
    tab.controls.status.setText("#1 ch6-conv1: 200 images · epoch 1/1 · mini-batch 20/20 · 2,128 images/s · "
                                "validation 17.05% after epoch 1")  # a long status line is cut, not in the way
    assert tab.minimumSizeHint().width() <= 1020
    for view in (tab.histograms, tab.confusion, tab.gallery):
        view.ci.layout.invalidate()
        need = view.ci.effectiveSizeHint(Qt.SizeHint.MinimumSize).width()
        assert view.width() >= need, (type(view).__name__, view.width(), need)


def test_more_than_three_layers_of_histograms_go_in_two_rows(qtbot):
    from app.widgets.histogram import LayerHistograms

    view = LayerHistograms("Weights")
    qtbot.addWidget(view)
    view.set_layers(["FC 30"] * 4 + ["FC 10 (output)"])
    assert len(view.plots) == 5
    assert [view.ci.getItem(1, c) for c in range(3)] == view.plots[:3]
    assert [view.ci.getItem(2, c) for c in range(2)] == view.plots[3:]


def test_exporting_the_plots_where_nothing_can_be_written_fails_quietly(tab, tmp_path):
    assert tab.export_png(tmp_path / "no such folder" / "curves.png") is False
    assert tab.export_png(tmp_path / "curves.png") and list(tmp_path.iterdir()) == [tmp_path / "curves.png"]


def test_the_active_network_can_be_trained_further_from_its_weights(qtbot, tab):
    """Draw → Train: the network the other tabs show is the picker's first entry; a run starts from a
    copy of its weights, with its saved settings, and leaves the original as it was."""
    from app.train.plan import ACTIVE

    net = load_network("resources/models/ch1-mlp.npz")
    before = [l.params["w"].copy() for l in net.layers]
    assert tab.form.preset.findData(ACTIVE) < 0
    tab.state.set_network(net, "Chapter 1 MLP")
    index = tab.form.preset.findData(ACTIVE)
    assert index == 1 and "Chapter 1 MLP" in tab.form.preset.itemText(index)
    tab.form.select_preset(ACTIVE)
    assert tab.form.values()["layers"] == "784-30-10" and tab.form.values()["eta"] == "3"  # its saved config
    assert tab.form.plan.start_from is net and "further" in tab.form.card.text()
    tab.form.set_field("epochs", "1")
    click_start(qtbot, tab)
    wait_until_done(qtbot, tab)
    run = tab.run
    assert run.status == "finished" and run.name.endswith("Chapter 1 MLP, trained further")
    assert run.epochs[0].validation_accuracy > 0.9  # it started trained (a fresh net: ~0.6 after 1,000 images)
    assert all(np.array_equal(l.params["w"], w) for l, w in zip(net.layers, before))  # the original is untouched
    tab.form.set_field("layers", "784-20-10")  # no longer the active network's shape: a fresh one
    assert tab.form.plan.start_from is None and "fresh network" in tab.form.card.text()
    tab.state.set_network(None, "")
    assert tab.form.preset.findData(ACTIVE) < 0
