"""File → Open network… and Save network… with hostile files (issue 12): the app gives the loader's
own one-line reason, never a traceback, and the previous network stays active."""
from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QSettings

from app.main_window import MainWindow
from core.io import ModelFileError, load_network
from core.models import BUNDLED
from tests import hostile as h

ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def window(qtbot, tmp_path, mnist, monkeypatch):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, load_initial_network=False)
    window.state.data = mnist
    qtbot.addWidget(window)
    window.errors = []
    monkeypatch.setattr(window, "show_error", lambda title, message: window.errors.append((title, message)))
    window.state.set_network(load_network(BUNDLED["ch1"].path), "Chapter 1 MLP", BUNDLED["ch1"].path)
    return window


CASES = {
    "declares 300,000 neurons": lambda d: h.huge_declared(d / "huge.npz"),
    "weights of 3e38": lambda d: h.huge_weights(d / "big.npz"),
    "conv without activation": lambda d: h.conv_without_activation(d / "conv.npz"),
    "duplicate member": lambda d: h.duplicate_member(d / "dup.npz"),
    "60,000-byte header": lambda d: h.long_header(d / "header.npz"),
    "extra member": lambda d: h.extra_zeros_member(d / "extra.npz", 10**6),
    "FIFO": lambda d: h.make_special(d / "pipe.npz", "fifo"),
    "folder": lambda d: h.make_special(d / "folder.npz", "folder"),
}
if ROOT_USER:
    CASES["device"] = lambda d: h.make_special(d / "zero.npz", "device")


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hostile_file_gives_the_loaders_reason_and_keeps_the_network(window, tmp_path, case):
    path = CASES[case](tmp_path)
    with pytest.raises(ModelFileError) as refused:
        load_network(path)
    before, status = window.state.network, window.network_status.text()
    assert not window.open_network(path)
    assert len(window.errors) == 1
    title, message = window.errors[0]
    assert title == "Cannot open network" and message.splitlines()[0] == str(refused.value)
    assert "stays active" in message and "Traceback" not in message
    assert window.state.network is before and window.network_status.text() == status


@pytest.mark.parametrize("kind", ["fifo", "folder"] + (["device"] if ROOT_USER else []))
def test_saving_over_what_is_not_a_regular_file_is_refused(window, tmp_path, kind):
    target = h.make_special(tmp_path / "target.npz", kind)
    assert not window.save_network(target)
    assert len(window.errors) == 1 and f"cannot save {target}: it is a" in window.errors[0][1]
    assert h.same_kind(target, kind) and sorted(os.listdir(tmp_path)) == ["settings.ini", "target.npz"]
