"""The Train tab's pieces without widgets: checking the form's fields into a run plan, the runs'
binned cost series and CSV export, and what the live probe prepares on the training thread."""
from __future__ import annotations

import csv

import numpy as np
import pytest

from dataclasses import replace

from app.train.live import BatchGradients, LiveProbe, grid, square_grid
from app.train.plan import (MAX_PARAMS, LayerRow, NetworkSpec, check_fields, fields_from_preset, parse_sizes,
                            preset_spec)
from app.train.runs import BatchSeries, Run, atomic_path, write_csv
from core import presets
from core.network import Network
from core.training import BatchDone, EpochDone, TrainConfig, Trainer, subset


# --- plan ------------------------------------------------------------------------------------------

def test_parse_sizes_accepts_the_usual_spellings_and_explains_mistakes():
    assert parse_sizes("784-30-10") == parse_sizes("784, 30, 10") == parse_sizes(" 784 30 10 ") == (784, 30, 10)
    for text, reason in (("", "e.g. 784-30-10"), ("784-a-10", "whole numbers"), ("784-0-10", "at least one neuron"),
                         ("100-10", "784 neurons"), ("784-30", "10 neurons")):
        with pytest.raises(ValueError, match=reason):
            parse_sizes(text)


@pytest.mark.parametrize("name", presets.names())
def test_every_preset_round_trips_through_the_form(name):
    preset = presets.get(name)
    plan, errors = check_fields(fields_from_preset(preset), n_train=50_000)
    assert errors == {} and plan.exact and plan.changes == ()
    assert plan.config == preset.config
    built, reference = plan.network.build(0), preset.build(0)
    assert [l.spec() for l in built.layers] == [l.spec() for l in reference.layers]
    assert built.cost.name == reference.cost.name and built.input_shape == reference.input_shape


def test_changing_a_preset_marks_the_plan_modified():
    fields = fields_from_preset(presets.get("ch3"))
    fields.update(lmbda="0", train_size="1000")
    plan, errors = check_fields(fields, 50_000)
    assert not errors and plan.label == "ch3: λ=0, 1,000 images" and set(plan.changes) == {"lmbda", "train_size"}
    assert plan.exact  # the network itself is the preset's
    assert plan.config.lmbda == 0 and plan.config.train_size == 1000 and plan.config.eta == 0.5


def test_several_invalid_fields_each_get_their_own_reason():
    fields = fields_from_preset(presets.get("ch1"))
    fields.update(eta="0", seed="x", train_size="-5", output_activation="relu", cost="cross-entropy")
    plan, errors = check_fields(fields, 50_000)
    assert plan is None
    assert "positive" in errors["eta"] and "whole number" in errors["seed"] and "≥ 1" in errors["train_size"]
    assert "cross-entropy" in errors["cost"]


@pytest.mark.parametrize("kind, changes, field", [
    ("mlp", {"init": "huge"}, "init"),
    ("mlp", {"activation": "swish"}, "activation"),
    ("mlp", {"output_activation": "relu", "cost": "log-likelihood"}, "cost"),
    ("cnn", {"rows": [LayerRow("conv-pool", activation="softmax")]}, "rows"),  # a CNN's activations are per row
    ("cnn", {"rows": [LayerRow("conv", size=40)]}, "rows"),
])
def test_a_network_error_goes_to_the_field_core_names(kind, changes, field):
    fields = fields_from_preset(presets.get("ch1" if kind == "mlp" else "ch6-conv1"))
    fields.update(changes)
    plan, errors = check_fields(fields, 50_000)
    assert plan is None and list(errors) == [field]


def test_a_negative_seed_is_reported_on_the_seed_field():
    fields = fields_from_preset(presets.get("ch1"))
    fields.update(seed="-3")
    plan, errors = check_fields(fields, 50_000)
    assert plan is None and errors == {"seed": "seed must be a whole number ≥ 0, not -3"}


def test_a_network_too_big_to_train_is_refused_without_building_it():
    fields = fields_from_preset(presets.get("ch1"))
    fields.update(layers="784-100000-10")  # 79.5 million weights: 318 MB before any copy
    plan, errors = check_fields(fields, 50_000)
    assert plan is None and "79,500,010 weights and biases: too many" in errors["layers"]
    rows = [LayerRow("conv", 256, 5), LayerRow("conv", 256, 5), LayerRow("fc", neurons=4096)]
    spec = NetworkSpec("cnn", (), tuple(rows), output_activation="softmax", cost="log-likelihood")
    with pytest.raises(ValueError, match="too many to train here"):
        spec.check()
    small = NetworkSpec("mlp", (784, 30, 10))
    assert small.check() == small.build(0).n_params == 23_860 < MAX_PARAMS


def test_l2_weight_decay_that_would_wipe_out_the_weights_is_refused():
    fields = fields_from_preset(presets.get("ch3"))  # λ = 5
    fields.update(eta="1000", train_size="5000")  # 1 − ηλ/n = 1 − 1000·5/5000 = 0
    plan, errors = check_fields(fields, 50_000)
    assert plan is None and "1 − ηλ/n = 0" in errors["lmbda"] and "lower λ or η" in errors["lmbda"]
    fields.update(expand=True)  # 25,000 images: 1 − 0.2
    assert check_fields(fields, 50_000)[1] == {}
    fields.update(expand=False, regularization="l1")  # L1 subtracts a constant: no factor to go negative
    assert check_fields(fields, 50_000)[1] == {}


def test_a_cnn_spec_builds_flatten_before_the_first_fully_connected_layer():
    spec = NetworkSpec("cnn", (), (LayerRow("conv", 4, 5), LayerRow("pool", pool=2), LayerRow("dropout", p=0.3),
                                   LayerRow("fc", neurons=16, activation="relu")),
                       output_activation="softmax", cost="log-likelihood", init="he")
    net = spec.build(0)
    assert [l.kind for l in net.layers] == ["conv2d", "maxpool2d", "flatten", "dropout", "dense", "dense"]
    assert net.layers[4].params["w"].shape == (16, 4 * 12 * 12)
    assert spec.describe() == "conv 4×5×5 → pool 2×2 → dropout 0.3 → FC 16 → 10 softmax"
    assert preset_spec(presets.get("ch6-conv2")).describe().startswith("conv 20×5×5 + pool 2×2 → conv 40×5×5")


# --- runs ------------------------------------------------------------------------------------------

def test_batch_series_averages_bins_and_merges_them_past_the_cap():
    series = BatchSeries(batches_per_epoch=100, cap=10, points_per_epoch=10)  # bins of 10 mini-batches
    series.add(range(1, 101), [float(s) for s in range(1, 101)])
    x, y = series.arrays()
    assert len(x) == 10 and y[0] == pytest.approx(5.5) and x[0] == pytest.approx(0.055)
    series.add(range(101, 121), [1.0] * 20)  # 12 bins > cap: pairs merge, bins of 20
    x, y = series.arrays()
    assert series.bin_size == 20 and len(x) == 6 and y[0] == pytest.approx(10.5) and y[-1] == pytest.approx(1.0)
    series.add([121], [float("nan")])  # non-finite costs are left out
    assert len(series.arrays()[0]) == 6


def test_csv_export_has_a_row_per_epoch_with_the_settings(tmp_path):
    plan, _ = check_fields(fields_from_preset(presets.get("ch1")), 50_000)
    run = Run(3, plan, "#fff", 5000, status="finished")
    for epoch, acc in ((1, 0.9), (2, 0.93)):
        run.epochs.append(EpochDone(epoch, 2, 0.1, 0.95, acc, acc - 0.01, 1.0, 0.1, 3.0))
    rows = list(csv.DictReader(write_csv([run], tmp_path / "r.csv").open()))
    assert [r["epoch"] for r in rows] == ["1", "2"] and rows[1]["validation_accuracy"] == "0.93"
    assert rows[0]["run"] == "3" and rows[0]["network"] == "784-30-10 sigmoid" and rows[0]["eta"] == "3.0"
    assert run.best().epoch == 2


def test_an_atomic_export_leaves_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "runs.csv"
    target.write_text("earlier export")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half a file")
            raise RuntimeError("disk full")
    assert target.read_text() == "earlier export" and list(tmp_path.iterdir()) == [target]
    with atomic_path(target) as tmp:
        tmp.write_text("new export")
    assert target.read_text() == "new export" and list(tmp_path.iterdir()) == [target]


# --- live probe --------------------------------------------------------------------------------------

def test_grid_lays_tiles_out_with_padding():
    tiles = np.arange(2 * 3 * 2 * 2, dtype=np.float32).reshape(2, 3, 2, 2)
    mosaic = grid(tiles)
    assert mosaic.shape == (5, 8)
    assert np.array_equal(mosaic[3:5, 6:8], tiles[1, 2]) and np.isnan(mosaic[2]).all()
    assert square_grid(np.ones((5, 2, 2))).shape == (5, 8)  # 3 columns, 2 rows, the last tile blank


def test_live_probe_frames_and_epoch_results(mnist):
    data = subset(mnist, 300, 200, 100)
    net = Network.mlp([784, 12, 10], cost="cross-entropy", seed=0)
    trainer = Trainer(net, data, TrainConfig(epochs=1, mini_batch_size=10, eta=0.5))
    trainer.keep_validation_outputs = True
    probe = LiveProbe(net, data.validation)
    start = probe.frame()
    assert start.mosaic.shape == (3 * 29 - 1, 4 * 29 - 1) and start.finite
    assert [h[1].sum() for h in start.hist] == pytest.approx([1.0, 1.0])
    assert np.array_equal(start.hist[0][1], start.hist[0][2])  # now = start before training
    events = list(trainer.run())
    result = probe.epoch(trainer)
    assert not np.array_equal(result.frame.mosaic, start.mosaic)
    assert result.confusion.sum() == 200
    guess = trainer.validation_outputs.argmax(axis=1)
    assert np.trace(result.confusion) == np.sum(guess == data.validation.labels)
    assert len(result.wrong) == 200 - np.trace(result.confusion)
    assert np.all(np.diff(result.wrong_confidence) <= 0)  # the surest mistakes first
    assert result.network is not net and np.array_equal(result.network.layers[0].params["w"], net.layers[0].params["w"])
    assert events[-1].__class__.__name__ == "Finished"


def test_live_probe_marks_non_finite_weights(mnist):
    net = Network.mlp([784, 5, 10], seed=0)
    probe = LiveProbe(net, subset(mnist, 10, 10, 10).validation)
    net.layers[0].params["w"][0, 0] = np.nan
    assert not probe.frame().finite


def test_live_probe_shows_conv_filters_and_feature_maps(mnist):
    preset = presets.get("ch6-conv2")
    net = preset.build(0)
    probe = LiveProbe(net, subset(mnist, 10, 10, 10).validation)
    frame = probe.frame()
    assert probe.pixel_layer is None and probe.conv_names == ["1: conv 20×5×5", "2: conv 40×5×5"]
    assert frame.filters[1].shape == (20 * 6 - 1, 40 * 6 - 1)  # a column per filter, a row per input map
    assert len(frame.maps) == 2 and np.isfinite(frame.maps[0]).any()
    assert frame.maps[0].shape[1] > frame.maps[0].shape[0]  # laid out wider than tall


def test_batch_gradient_norms_are_the_mean_gradients_of_the_mini_batch(mnist):
    data = subset(mnist, 100, 10, 10)
    net = Network.mlp([784, 16, 10], cost="cross-entropy", seed=3)
    recorder = BatchGradients(net, mini_batch_size=20, n_train=100, budget=1e9)  # measure every mini-batch
    x, y = data.train.images[:20], data.train.labels[:20]
    net.backprop(net.prepare(x), net.one_hot(y))  # what the trainer does before the hook runs
    step, delta, w = recorder(None, BatchDone(1, 1, 5, 0.0))
    assert step == 1 and recorder.labels == ["FC 16", "FC 10"]
    # BP3 and BP4 for the mean cost over the 20 examples, from each layer's δ and input a
    layers = net.dense_layers
    expected_b = [np.linalg.norm(l.delta.astype(np.float64).sum(axis=0)) / 20 for l in layers]
    expected_w = [np.linalg.norm(l.delta.T.astype(np.float64) @ l.x) / 20 for l in layers]
    np.testing.assert_allclose(delta, expected_b, rtol=1e-4)
    np.testing.assert_allclose(w, expected_w, rtol=1e-4)


def test_batch_gradients_sample_when_measuring_would_cost_too_much(mnist):
    net = Network.mlp([784, 16, 10], seed=3)
    net.backprop(net.prepare(mnist.train.images[:10]), net.one_hot(mnist.train.labels[:10]))
    recorder = BatchGradients(net, 10, 1000, budget=1e-9)  # any measurement is "too expensive"
    results = [recorder(None, BatchDone(1, b, 100, 0.0)) for b in range(1, 101)]
    measured = [r for r in results if r is not None]
    assert results[0] is not None and 1 <= len(measured) < 10 and recorder.stride > 1
