"""Network files judged before they are trusted (issue 12, sections 2-4): nothing is allocated or
decompressed for a file that is refused, every field is required, a loaded network computes."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from core import presets
from core.conv import Conv2D, ConvPool2D, MaxPool2D
from core.io import ModelFileError, load_network, save_network
from core.layers import Dense, Dropout, Flatten
from core.model_file import MAX_PARAMETERS, parameter_shapes
from core.network import Network
from core.normalization import BatchNormDense, ResidualBatchNormDense, ResidualDense
from tests import hostile as h

ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.mark.parametrize("layer,shape", [
    (Dense(7), (12,)), (Dropout(0.3), (12,)), (Flatten(), (2, 3, 4)), (Conv2D(3, 5), (2, 9, 8)),
    (MaxPool2D(2), (2, 9, 8)), (ConvPool2D(3, 3, "relu", 2), (1, 10, 9)), (BatchNormDense(6), (4,)),
    (ResidualDense(5), (5,)), (ResidualBatchNormDense(5, "relu"), (5,)),
])
def test_param_shapes_are_what_build_makes(layer, shape):
    shapes, out = layer.param_shapes(shape)
    built_out = layer.build(shape, np.random.default_rng(0), np.float32, "default")
    assert tuple(built_out) == tuple(out)
    assert shapes == {k: v.shape for k, v in layer.params.items()}


def test_param_shapes_refuse_what_build_refuses():
    with pytest.raises(ValueError, match="flat inputs"):
        Dense(3).param_shapes((1, 28, 28))
    with pytest.raises(ValueError, match="as many outputs as inputs"):
        ResidualDense(4).param_shapes((5,))
    with pytest.raises(ValueError, match="do not fit"):
        Conv2D(2, 9).param_shapes((1, 5, 5))


def test_every_preset_round_trips(tmp_path):
    for name in ("ch1", "ch3", "ch5-deep-2", "ch6-conv2", "ch6-fc2", "default-cnn"):
        net = presets.get(name).build(seed=1)
        loaded = load_network(save_network(net, tmp_path / f"{name}.npz"))
        x = np.random.default_rng(0).random((4, 28, 28))
        np.testing.assert_array_equal(loaded.output(x), net.output(x))
        assert loaded.spec() == net.spec()


def test_a_layer_initialiser_survives_loading(tmp_path):
    net = Network([Dense(20, init="he"), Dense(10, "softmax")], cost="log-likelihood", init="large")
    loaded = load_network(save_network(net, tmp_path / "init.npz"))
    assert loaded.spec() == net.spec() and loaded.layers[0].init == "he" and loaded.init == "large"


# --- section 2: memory before validation ------------------------------------------------------------

def test_a_few_hundred_bytes_declaring_a_huge_layer_is_refused_from_the_metadata(tmp_path):
    path = h.huge_declared(tmp_path / "huge.npz")
    assert path.stat().st_size < 1000
    with pytest.raises(ModelFileError, match="more than 20,000,000 weights"):
        load_network(path)


def test_a_declared_layer_under_the_limit_with_no_arrays_is_refused_before_building(tmp_path, monkeypatch):
    built = []
    monkeypatch.setattr(Network, "__init__", lambda self, *a, **k: built.append(1) or None)
    path = h.write_zip(tmp_path / "none.npz", [("meta.json.npy", h.npy(h.meta_array(h.mlp_spec((784, 5000, 10)))))])
    with pytest.raises(ModelFileError, match="missing weights: layer0.w"):
        load_network(path)
    assert not built


def test_an_extra_member_is_refused_without_reading_it(tmp_path):
    path = h.extra_zeros_member(tmp_path / "extra.npz", 10**6)
    with pytest.raises(ModelFileError, match="unexpected array 'extra'"):
        load_network(path)


def test_a_weight_whose_header_declares_another_size_is_refused(tmp_path):
    with pytest.raises(ModelFileError, match=r"layer0.w has shape \(250000,\), expected \(30, 784\)"):
        load_network(h.bomb_weight(tmp_path / "bomb.npz", 10**6))


def test_a_member_whose_directory_size_disagrees_with_its_header_is_refused(tmp_path):
    members = h.network_members()
    members[1] = (members[1][0], members[1][1] + bytes(4000))  # 4,000 bytes more than the header says
    with pytest.raises(ModelFileError, match="directory, but its header says"):
        load_network(h.write_zip(tmp_path / "long.npz", members))


@pytest.mark.skipif(not ROOT_USER, reason="making a device node needs root")
def test_a_device_is_refused_before_reading(tmp_path):
    with pytest.raises(ModelFileError, match="it is a device, not a regular file"):
        load_network(h.make_special(tmp_path / "zero", "device"))


def test_a_fifo_and_an_oversized_file_are_refused_before_reading(tmp_path):
    with pytest.raises(ModelFileError, match="named pipe"):
        load_network(h.make_special(tmp_path / "pipe.npz", "fifo"))  # opening it would block forever
    with pytest.raises(ModelFileError, match="larger than any file this program reads"):
        load_network(h.sparse_file(tmp_path / "sparse.npz", 10**9))


def test_a_huge_zip_directory_is_refused_before_zipfile_parses_it(tmp_path):
    small = h.many_members(tmp_path / "some.npz", 3)
    assert zipfile.ZipFile(small).testzip() is None  # the hand-made zip is a valid one
    with pytest.raises(ModelFileError, match="unexpected array 'x0'"):
        load_network(small)
    with pytest.raises(ModelFileError, match="directory is"):
        load_network(h.many_members(tmp_path / "many.npz", 40_000))


PEAK = h.MEMORY + """
import json, sys
from core.io import ModelFileError, load_network
load_network(sys.argv[1])  # a valid file first: the loader's own code and NumPy's buffers are warm
base = start_peak()
refused = []
for path in sys.argv[2:]:
    try:
        load_network(path)
    except ModelFileError as exc:
        refused.append(str(exc))
print(json.dumps({"peak_mb": peak_since(base), "refused": refused}))
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads the resident size from /proc")
def test_peak_memory_for_rejected_files_stays_under_100_mb(tmp_path):
    """Every rejected file, loaded in a fresh process: its peak RSS over its baseline stays under 100 MB
    (the code before this fix needed 2.7 GB for the first, and read the 200 MB of zeros of two others)."""
    files = [h.huge_declared(tmp_path / "a.npz"),
             h.extra_zeros_member(tmp_path / "b.npz", 200 * 10**6),
             h.bomb_weight(tmp_path / "c.npz", 200 * 10**6),
             h.sparse_file(tmp_path / "d.npz", 500 * 10**6),
             h.write_zip(tmp_path / "e.npz", [("meta.json.npy", h.npy(h.meta_array(h.mlp_spec((784, 20_000, 10)))))]),
             h.huge_weights(tmp_path / "f.npz")]
    result = subprocess.run([sys.executable, "-c", PEAK, str(h.valid_file(tmp_path / "ok.npz")), *map(str, files)],
                            capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": os.getcwd()})
    report = json.loads(result.stdout)
    assert len(report["refused"]) == len(files), result.stderr
    assert report["peak_mb"] < 100


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads the resident size from /proc")
def test_streamed_weights_touch_no_more_memory_than_the_network_needs(tmp_path):
    """A large valid network (4.7 M weights, 19 MB): loading it costs about that, not twice it."""
    spec = h.mlp_spec((784, 6000, 10))
    path = h.write_zip(tmp_path / "big.npz", h.network_members(spec), zipfile.ZIP_STORED)
    n_params = 784 * 6000 + 6000 + 6000 * 10 + 10
    code = h.MEMORY + ("import sys\nfrom core.io import load_network\nload_network(sys.argv[2])\n"
                       "base = start_peak()\nnet = load_network(sys.argv[1])\nprint(peak_since(base))")
    out = subprocess.run([sys.executable, "-c", code, str(path), str(h.valid_file(tmp_path / "ok.npz"))],
                         capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert float(out.stdout) < 1.5 * n_params * 4 / 2**20, out.stderr


# --- section 3: silent wrong loads ------------------------------------------------------------------

def test_weights_that_make_every_output_nan_are_refused(tmp_path):
    with pytest.raises(ModelFileError, match="NaN or infinite even for a blank"):
        load_network(h.huge_weights(tmp_path / "big.npz"))


def test_float64_weights_too_large_for_float32_are_refused(tmp_path):
    members = h.network_members()
    members[1] = (members[1][0], h.npy(np.full((30, 784), 1e300)))
    with pytest.raises(ModelFileError, match="layer0.w contains NaN or infinite"):
        load_network(h.write_zip(tmp_path / "f64.npz", members))


def test_a_conv_layer_without_its_activation_is_refused(tmp_path):
    with pytest.raises(ModelFileError, match="layer 0 \\(conv2d\\) lacks its activation"):
        load_network(h.conv_without_activation(tmp_path / "conv.npz"))


@pytest.mark.parametrize("change,message", [
    (lambda s: s["layers"][0].pop("activation"), "lacks its activation"),
    (lambda s: s["layers"][0].update(n_out="30"), "n_out = 30 is not valid"),
    (lambda s: s["layers"][0].update(n_out=30.5), "n_out = 30.5 is not valid"),
    (lambda s: s["layers"][0].update(n_out=True), "n_out = True is not valid"),
    (lambda s: s["layers"][0].update(colour="red"), "colour"),
    (lambda s: s.pop("cost"), "lacks cost"),
    (lambda s: s.pop("init"), "lacks init"),
    (lambda s: s.update(extra=1), "unknown field 'extra'"),
    (lambda s: s.update(input_shape=[784, 0]), "input shape"),
    (lambda s: s.update(input_shape=[1, 10**6, 10**6]), "input"),
    (lambda s: s.update(layers=[]), "list of 1 to"),
    (lambda s: s["layers"].append("dense"), "not a layer description"),
    (lambda s: s["layers"][1].update(type="quantum"), "unknown layer type"),
])
def test_every_field_is_required_and_checked(tmp_path, change, message):
    spec = h.mlp_spec()
    weights = h.weights_for(spec)
    change(spec)
    members = [("meta.json.npy", h.npy(h.meta_array(spec)))] + [(f"{k}.npy", h.npy(v)) for k, v in weights.items()]
    with pytest.raises(ModelFileError, match=message):
        load_network(h.write_zip(tmp_path / "bad.npz", members))


def test_a_duplicate_member_is_refused(tmp_path):
    with pytest.raises(ModelFileError, match="holds layer0.w.npy twice"):
        load_network(h.duplicate_member(tmp_path / "dup.npz"))


def test_feature_maps_too_large_to_compute_are_refused_from_the_metadata():
    spec = {"layers": [{"type": "convpool2d", "filters": 6000, "size": 1, "activation": "relu", "pool": 2},
                       {"type": "flatten"}, {"type": "dense", "n_in": 6000 * 196, "n_out": 1, "activation": "sigmoid"}],
            "cost": "quadratic", "input_shape": [1, 28, 28], "init": "default", "name": ""}
    with pytest.raises(ModelFileError, match="feature maps has 4,704,000"):
        parameter_shapes(spec)


def test_fortran_ordered_and_big_endian_arrays_load_as_written(tmp_path):
    members = h.network_members()
    w = np.load(io.BytesIO(members[1][1]))
    members[1] = (members[1][0], h.npy(np.asfortranarray(w)))
    members[3] = (members[3][0], h.npy(np.load(io.BytesIO(members[3][1])).astype(">f8")))
    net = load_network(h.write_zip(tmp_path / "orders.npz", members))
    np.testing.assert_array_equal(net.layers[0].params["w"], w)


# --- section 4: NumPy's multi-line header message ------------------------------------------------

def test_a_60000_byte_header_gives_one_line(tmp_path):
    with pytest.raises(ModelFileError) as info:
        load_network(h.long_header(tmp_path / "header.npz"))
    assert len(str(info.value).splitlines()) == 1 and "header of layer1.b.npy is" in str(info.value)


def test_pickled_metadata_is_never_read(tmp_path):
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"evil": 1}], dtype=object))  # np.save pickles object arrays by default
    path = h.write_zip(tmp_path / "pickle.npz", [("meta.json.npy", buffer.getvalue())])
    with pytest.raises(ModelFileError, match="pickle"):
        load_network(path)


def test_saving_more_parameters_than_a_file_may_hold_is_refused(tmp_path):
    net = Network.mlp([784, 10, 10])
    net.layers[0].params["w"] = np.zeros((MAX_PARAMETERS, 1), np.float32)  # lazily allocated
    with pytest.raises(ModelFileError, match="more than a network file may hold"):
        save_network(net, tmp_path / "x.npz")
    assert not list(tmp_path.iterdir())


def test_nothing_in_the_project_ever_allows_pickles():
    """What held (issue 12): no source file lets NumPy unpickle (allow_pickle set true), so no file runs code."""
    root = Path(__file__).resolve().parents[2]
    sources = [p for folder in ("core", "app", "scripts", "benchmarks", "tests") for p in (root / folder).rglob("*.py")]
    sources += [root / "main.py", root / "nndl_explorer.py"]
    offending = [str(p.relative_to(root)) for p in sources if "allow_pickle" + "=True" in p.read_text(encoding="utf-8")]
    assert len(sources) > 50 and offending == []
