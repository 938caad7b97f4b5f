"""Saving and loading networks: round trips, atomic writes, and ModelFileError for any bad file."""
from __future__ import annotations

import io
import json
import os
import zipfile

import numpy as np
import pytest

from core import presets
from core.io import ModelFileError, load_network, save_network
from core.network import Network


def test_round_trip_mlp_and_cnn(tmp_path, mnist):
    for net in (Network.mlp([784, 30, 10], seed=1), presets.get("ch6-relu").build(seed=2)):
        path = save_network(net, tmp_path / "net.npz", {"metrics": {"test_accuracy": 0.5}})
        loaded = load_network(path)
        assert loaded.spec() == net.spec()
        assert loaded.info["metrics"]["test_accuracy"] == 0.5
        np.testing.assert_array_equal(loaded.output(mnist.test.images[:20]), net.output(mnist.test.images[:20]))


def test_save_is_atomic_and_leaves_no_temporary_files(tmp_path, monkeypatch):
    net = Network.mlp([784, 10, 10])
    target = tmp_path / "keep.npz"
    save_network(net, target)
    original = target.read_bytes()

    def explode(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez_compressed", explode)
    with pytest.raises(ModelFileError, match="No space left"):
        save_network(Network.mlp([784, 20, 10]), target)
    assert target.read_bytes() == original  # the previous file is intact
    assert [p.name for p in tmp_path.iterdir()] == ["keep.npz"]
    assert oct(os.stat(target).st_mode & 0o777) != oct(0o600)


def _npz(path, arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    path.write_bytes(buffer.getvalue())
    return path


def _meta(net, **changes):
    meta = {"format": "nndl-explorer-network", "version": 1, "network": net.spec(), "info": {}}
    meta.update(changes)
    return np.frombuffer(json.dumps(meta).encode(), np.uint8)


@pytest.mark.parametrize("make,message", [
    (lambda p: p.write_bytes(os.urandom(4096)), "not a network file"),
    (lambda p: p.write_bytes(b""), "not a network file"),
    (lambda p: p.write_bytes(save_network(Network.mlp([784, 10, 10]), p).read_bytes()[:300]), "not a network file|damaged"),
    (lambda p: _npz(p, {"w": np.zeros(3)}), "no metadata"),
    (lambda p: _npz(p, {"meta.json": np.frombuffer(b"{not json", np.uint8)}), "unreadable metadata"),
    (lambda p: _npz(p, {"meta.json": _meta(Network.mlp([784, 10, 10]), format="other")}), "not an NNDL Explorer"),
    (lambda p: _npz(p, {"meta.json": _meta(Network.mlp([784, 10, 10]), version=99)}), "newer"),
    (lambda p: _npz(p, {"meta.json": _meta(Network.mlp([784, 10, 10]))}), "missing weights"),
    (lambda p: _npz(p, {"meta.json": _meta(Network.mlp([784, 10, 10])), "layer0.w": np.zeros((3, 3)),
                        "layer0.b": np.zeros(10), "layer1.w": np.zeros((10, 10)), "layer1.b": np.zeros(10)}), "shape"),
])
def test_bad_files_raise_model_file_error(tmp_path, make, message):
    path = tmp_path / "bad.npz"
    make(path)
    with pytest.raises(ModelFileError, match=message):
        load_network(path)


def test_nan_weights_and_pickles_are_refused(tmp_path):
    net = Network.mlp([784, 10, 10])
    net.layers[0].params["w"][0, 0] = np.nan
    path = save_network(net, tmp_path / "nan.npz")
    with pytest.raises(ModelFileError, match="NaN"):
        load_network(path)
    pickled = tmp_path / "pickle.npz"
    buffer = io.BytesIO()
    np.savez(buffer, **{"meta.json": np.array([{"evil": 1}], dtype=object)})
    pickled.write_bytes(buffer.getvalue())
    with pytest.raises(ModelFileError):
        load_network(pickled)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ModelFileError, match="no such file"):
        load_network(tmp_path / "absent.npz")
    with pytest.raises(ModelFileError, match="folder"):
        load_network(tmp_path)


def test_unknown_layer_type_is_a_model_file_error(tmp_path):
    net = Network.mlp([784, 10, 10])
    spec = net.spec()
    spec["layers"][0]["type"] = "quantum"
    arrays = {"meta.json": _meta(net, network=spec)}
    with pytest.raises(ModelFileError, match="unknown layer type"):
        load_network(_npz(tmp_path / "q.npz", arrays))


def test_written_file_is_a_zip_with_metadata(tmp_path):
    path = save_network(Network.mlp([784, 10, 10], name="tiny"), tmp_path / "t.npz")
    with zipfile.ZipFile(path) as z:
        assert {"meta.json.npy", "layer0.w.npy", "layer1.b.npy"} <= set(z.namelist())
