"""The nndl command: real runs, JSON output, and one-line answers (exit status 2) to bad input."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from core.cli import main, majority_vote
from core.io import load_network

import numpy as np


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": os.getcwd()})


@pytest.mark.parametrize("args", [
    ["train", "--layers", "784,abc,10"],
    ["train", "--preset", "ch1", "--eta", "-1"],
    ["train", "--preset", "ch1", "--batch", "0"],
    ["train", "--preset", "no-such-net"],
    ["eval", "/no/such/file.npz"],
])
def test_bad_input_exits_2_with_one_line(args):
    result = run_cli(*args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("nndl: error:")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("content", [os.urandom(2048), b"PK\x03\x04" + os.urandom(100)])
def test_eval_of_garbage_or_truncated_file(tmp_path, content):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(content)
    result = run_cli("eval", str(bad))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "bad.npz" in result.stderr and "Traceback" not in result.stderr


def test_train_save_json_then_eval(tmp_path, capsys):
    model, report = tmp_path / "m.npz", tmp_path / "r.json"
    assert main(["train", "--layers", "784,20,10", "--cost", "cross-entropy", "--eta", "0.5", "--epochs", "2",
                 "--train-size", "2000", "--save", str(model), "--json", str(report), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "Epoch 2/2" in out and "validation" in out
    payload = json.loads(report.read_text())
    assert payload["preset"] is None and payload["config"]["eta"] == 0.5
    epochs = payload["epochs"]
    assert [e["epoch"] for e in epochs] == [1, 2]
    for key in ("seconds", "training_cost", "validation_accuracy", "test_accuracy"):
        assert key in epochs[0]
    assert 0.5 < epochs[-1]["test_accuracy"] <= 1.0
    net = load_network(model)
    assert net.sizes == [784, 20, 10] and net.info["metrics"]["test_accuracy"] == epochs[-1]["test_accuracy"]
    assert main(["eval", str(model), "--json", str(tmp_path / "e.json")]) == 0
    assert json.loads((tmp_path / "e.json").read_text())["test_accuracy"] == pytest.approx(epochs[-1]["test_accuracy"])


def test_preset_with_overrides_and_presets_listing(tmp_path, capsys):
    assert main(["presets"]) == 0
    listing = capsys.readouterr().out
    assert "ch1" in listing and "95.42%" in listing and "ch6-dropout" in listing
    assert main(["train", "--preset", "ch3", "--epochs", "1", "--train-size", "1000", "--quiet"]) == 0
    assert "λ = 5" in capsys.readouterr().out


def test_usage_mistakes_are_explained(capsys):
    assert main(["train", "--preset", "ch1", "--layers", "784,30,10"]) == 2
    assert "cannot be combined" in capsys.readouterr().err
    assert main(["train"]) == 2
    assert "--preset NAME or --layers" in capsys.readouterr().err
    assert main(["train", "--layers", "100,10"]) == 2
    assert "784 inputs" in capsys.readouterr().err
    assert main(["train", "--preset", "ch1", "--save", "/no/such/folder/x.npz"]) == 2


def test_ensemble_votes(tmp_path, capsys):
    models = []
    for seed in range(3):
        path = tmp_path / f"m{seed}.npz"
        assert main(["train", "--layers", "784,10,10", "--epochs", "1", "--train-size", "1000", "--seed", str(seed),
                     "--save", str(path), "--quiet"]) == 0
        models.append(str(path))
    capsys.readouterr()
    assert main(["ensemble", *models]) == 0
    assert "ensemble of 3" in capsys.readouterr().out


def test_majority_vote():
    votes = np.array([[1, 2, 3, 4], [1, 5, 3, 6], [2, 5, 0, 7]])
    np.testing.assert_array_equal(majority_vote(votes), [1, 5, 3, 4])  # last column: a three-way tie


def test_eval_of_a_network_that_does_not_fit_mnist(tmp_path):
    from core.io import save_network
    from core.network import Network

    path = save_network(Network.mlp([100, 20, 10]), tmp_path / "small.npz")
    result = run_cli("eval", str(path))
    assert result.returncode == 2 and "28×28" in result.stderr and "Traceback" not in result.stderr
