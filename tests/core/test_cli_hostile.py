"""The nndl command against hostile targets, arguments and signals (issue 12, sections 1, 4 and 5):
one line and exit status 2 before any training, never a traceback, a save that signals cannot skip."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

import core.cli as cli
from core.data import load_mnist
from core.io import load_network
from core.training import subset
from tests import hostile as h

ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0
KINDS = (["device", "full-device"] if ROOT_USER else []) + ["fifo", "socket", "folder"]
ENV = {**os.environ, "PYTHONPATH": os.getcwd()}


def nndl(*args: str, **kwargs) -> subprocess.Popen:
    """``python -m core ARGS``, with Ctrl-C and SIGTERM at their defaults (see ``python_with_default_signals``)."""
    return subprocess.Popen([*h.python_with_default_signals(), "-m", "core", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=ENV, **kwargs)


def one_line_error(result) -> bool:
    return result.returncode == 2 and "Traceback" not in result.stderr and \
        len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("nndl: error:")


@pytest.fixture
def small(monkeypatch, mnist):
    """The CLI on 1,000 training images (and 1,000 to validate and test): runs take a moment."""
    data = subset(mnist, 1000, 1000, 1000)
    monkeypatch.setattr(cli, "load_mnist", lambda path=None: data)
    return data


@pytest.mark.parametrize("flag", ["--save", "--json"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_non_regular_output_is_refused_before_training(tmp_path, capsys, monkeypatch, flag, kind):
    target = h.make_special(tmp_path / "out", kind)
    monkeypatch.setattr(cli, "load_mnist", lambda path=None: pytest.fail("training started"))
    assert cli.main(["train", "--preset", "ch1", "--epochs", "1", "--train-size", "200", flag, str(target)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and f"{flag}: cannot write {target}: it is a" in err
    assert h.same_kind(target, kind) and ".tmp" not in err and os.listdir(tmp_path) == ["out"]


@pytest.mark.skipif(not ROOT_USER, reason="making a device node needs root")
def test_save_to_a_device_node_in_a_real_run_leaves_it_a_device(tmp_path):
    device = h.make_special(tmp_path / "null", "device")
    result = subprocess.run([sys.executable, "-m", "core", "train", "--preset", "ch1", "--epochs", "1",
                             "--train-size", "200", "--save", str(device)], capture_output=True, text=True, env=ENV,
                            timeout=120)
    assert one_line_error(result) and "Epoch" not in result.stdout and h.same_kind(device, "device")


@pytest.mark.parametrize("args,flag", [
    (["--layers", "784,++30,10"], "--layers"), (["--layers", "784,²,10"], "--layers"),
    (["--layers", "784,100000000,10"], "--layers"), (["--preset", "ch1", "--seed", "-1"], "--seed"),
])
def test_bad_arguments_name_their_flag_in_one_line(capsys, args, flag):
    assert cli.main(["train", *args]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and flag in err


def test_memory_error_is_one_line(capsys, monkeypatch):
    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(cli.Network, "mlp", no_memory)
    assert cli.main(["train", "--layers", "784,30,10"]) == 2
    assert capsys.readouterr().err.startswith("nndl: error: not enough memory")


def test_a_60000_byte_npy_header_is_one_line(tmp_path):
    result = subprocess.run([sys.executable, "-m", "core", "eval", str(h.long_header(tmp_path / "h.npz"))],
                            capture_output=True, text=True, env=ENV, timeout=60)
    assert one_line_error(result) and "header of layer1.b.npy" in result.stderr


def test_json_on_a_full_disk_names_the_path_and_leaves_no_temporary(tmp_path, capsys, small, monkeypatch):
    from core import atomic

    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    report = tmp_path / "r.json"
    assert cli.main(["train", "--layers", "784,10,10", "--epochs", "1", "--json", str(report), "--quiet"]) == 2
    assert f"cannot write {report}: No space left on device" in capsys.readouterr().err
    assert os.listdir(tmp_path) == []


def test_json_and_npz_get_the_same_mode(tmp_path, small):
    old = os.umask(0o022)
    try:
        assert cli.main(["train", "--layers", "784,10,10", "--epochs", "1", "--save", str(tmp_path / "m.npz"),
                         "--json", str(tmp_path / "r.json"), "--quiet"]) == 0
    finally:
        os.umask(old)
    assert os.stat(tmp_path / "r.json").st_mode & 0o777 == os.stat(tmp_path / "m.npz").st_mode & 0o777 == 0o644


def test_a_huge_lambda_is_named_not_eta(capsys, small):
    assert cli.main(["train", "--preset", "ch1", "--epochs", "1", "--lmbda", "1e300", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "λ = 1e+300 is too large" in err and "1 − ηλ/n" in err and "η = 3 is too large" not in err


def test_a_tiny_eta_says_nothing_was_learned(tmp_path, capsys, small):
    report = tmp_path / "r.json"
    assert cli.main(["train", "--preset", "ch1", "--epochs", "1", "--eta", "1e-12", "--quiet",
                     "--json", str(report)]) == 0
    assert "nndl: warning: nothing was learned (at chance after the run" in capsys.readouterr().err
    assert "nothing was learned" in json.loads(report.read_text())["finished"]["warning"]


# --- signals ----------------------------------------------------------------------------------------

INTERRUPT_IMPORT = """
import sys
class Interrupting:
    def find_spec(self, name, path=None, target=None):
        if name == sys.argv[1]:
            raise KeyboardInterrupt
sys.meta_path.insert(0, Interrupting())
from core.entry import main
sys.exit(main())
"""


@pytest.mark.parametrize("module", ["numpy", "tqdm", "core.data"])
def test_ctrl_c_during_start_up_imports_is_one_line(module):
    result = subprocess.run([sys.executable, "-c", INTERRUPT_IMPORT, module, "presets"], capture_output=True,
                            text=True, env=ENV, timeout=60)
    assert result.returncode == 130 and result.stderr == "nndl: interrupted\n"


SWALLOWING_IMPORT = """
import signal, sys
class Swallowing:  # as NumPy does: a Ctrl-C while its C core loads comes out as an ImportError
    def find_spec(self, name, path=None, target=None):
        if name == "numpy":
            try:
                signal.raise_signal(signal.SIGINT)
            except KeyboardInterrupt:
                raise ImportError("PyCapsule_Import could not import module 'datetime'") from None
sys.meta_path.insert(0, Swallowing())
from core.entry import main
sys.exit(main())
"""


def test_a_ctrl_c_that_a_library_turns_into_another_error_is_still_an_interruption():
    result = subprocess.run([*h.python_with_default_signals(), "-c", SWALLOWING_IMPORT, "presets"],
                            capture_output=True, text=True, env=ENV, timeout=60)
    assert result.returncode == 130 and result.stderr == "nndl: interrupted\n"


def test_real_ctrl_c_while_starting_never_prints_a_traceback():
    for delay in (0.15, 0.3):  # after Python's own start-up, while ours imports NumPy and the rest
        p = nndl("train", "--preset", "ch1", "--epochs", "1", "--quiet")
        try:
            p.communicate(timeout=delay)
        except subprocess.TimeoutExpired:
            p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=60)
        if h.before_our_code(err) or (p.returncode == 0 and not err):  # the signal came before Python had
            continue  # started (or while a background run still ignored it, in the wrapper): nothing of ours ran
        assert "Traceback" not in err and p.returncode in (130, -signal.SIGINT), err


def _run_and_signal(tmp_path, signals, gap=0.0):
    target = tmp_path / "net.npz"
    p = nndl("train", "--layers", "784,1000,10", "--epochs", "3", "--train-size", "3000", "--quiet",
             "--save", str(target))
    for line in p.stdout:
        if line.startswith("Epoch 1/"):
            for i, s in enumerate(signals):
                if i:
                    time.sleep(gap)
                p.send_signal(s)
            break
    out, err = p.communicate(timeout=120)
    return p.returncode, out, err, target


def test_a_second_ctrl_c_while_saving_neither_skips_the_save_nor_prints_a_traceback(tmp_path):
    status, out, err, target = _run_and_signal(tmp_path, (signal.SIGINT, signal.SIGINT, signal.SIGINT), gap=0.01)
    assert status == 130 and "Traceback" not in err and "Saved the network of epoch 1" in out
    assert load_network(target).sizes == [784, 1000, 10]


def test_sigterm_saves_like_ctrl_c(tmp_path):
    status, out, err, target = _run_and_signal(tmp_path, (signal.SIGTERM,))
    assert status == 143 and err.strip() == "nndl: terminated" and "Saved the network of epoch 1" in out
    assert load_network(target).info["finished"]["reason"] == "terminated"
