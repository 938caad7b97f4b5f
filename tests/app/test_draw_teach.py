"""Teach mode, driven through the Draw tab's real widgets: keep drawn digits by key or button, delete
them, move them in and out as a file, fine-tune on them off the GUI thread, cancel, revert."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from app.draw.tab import DrawTab
from app.draw.teach import HELD_OUT
from app.state import AppState
from core.digit_store import DigitStore, default_store_path
from core.finetune import held_out_split
from core.io import load_network
from core.models import BUNDLED
from core.preprocess import canvas_to_mnist
from core.stroke_styles import slanted_felt_pen
from tests.app.test_draw_tab import stroke, vertical_line

TEACH = 1  # the teach page in DrawTab.set_mode


@pytest.fixture(scope="module")
def mlp():
    return load_network(BUNDLED["ch1"].path)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NNDL_DATA_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def errors(monkeypatch):
    shown = []
    monkeypatch.setattr(DrawTab, "_show_error", lambda self, title, message: shown.append((title, message)))
    return shown


def make_tab(qtbot, mnist, mlp, mode=TEACH):
    """The Draw tab in ``mode``, reading with ``mlp``, MNIST loaded, shown at 1280×800."""
    state = AppState()
    state.data = mnist
    state.set_network(mlp, "Chapter 1 MLP", BUNDLED["ch1"].path)
    tab = DrawTab(state)
    qtbot.addWidget(tab)
    tab.resize(1280, 800)
    with qtbot.waitExposed(tab):
        tab.show()
    tab.set_mode(mode)
    return tab


@pytest.fixture
def tab(qtbot, mnist, mlp, data_dir, errors):
    return make_tab(qtbot, mnist, mlp)


@pytest.fixture
def taught(qtbot, mnist, mlp, data_dir, errors):
    """The tab with 60 digits already kept in one person's style (slanted backwards, felt pen)."""
    store = DigitStore(default_store_path())
    for image, label in zip(slanted_felt_pen(mnist.test.images[:60]), mnist.test.labels[:60]):
        store.add(image, int(label))
    return make_tab(qtbot, mnist, mlp)


def test_a_drawn_digit_is_kept_by_its_key_and_saved(tab, data_dir):
    teach = tab.teach
    stroke(tab.canvas, vertical_line())
    drawn = canvas_to_mnist(tab.canvas.array())
    QTest.keyClick(tab, Qt.Key.Key_1)
    assert list(teach.store.labels) == [1] and tab.canvas.is_blank()
    assert teach.rows.rows[1].tolist() == [0] and "1 digit</b> kept" in teach.intro.text()
    assert "Kept as a 1" in teach.result.text()
    saved = DigitStore.open(data_dir / "my-digits.npz")
    np.testing.assert_array_equal(saved.images, drawn[None])
    assert saved.labels.tolist() == [1]


def test_a_click_on_a_label_keeps_it_and_keys_do_nothing_outside_teach_mode(tab):
    teach = tab.teach
    stroke(tab.canvas, vertical_line())
    teach.keep_buttons[7].click()
    assert teach.store.labels.tolist() == [7]
    teach.keep_buttons[3].click()  # a blank canvas: nothing kept
    assert len(teach.store) == 1 and "Draw a 3 first" in teach.result.text()
    tab.set_mode(0)
    stroke(tab.canvas, vertical_line())
    QTest.keyClick(tab, Qt.Key.Key_4)
    assert len(teach.store) == 1 and not tab.canvas.is_blank()


def test_click_a_digit_and_delete_it(taught):
    teach = taught.teach
    fours = teach.store.indices_of(4)
    where = teach.rows.tile_rect(int(fours[1])).center()
    QTest.mouseClick(teach.rows, Qt.MouseButton.LeftButton, pos=QPoint(where.x(), where.y()))
    assert teach.rows.current == fours[1] and teach.delete_button.isEnabled()
    kept = np.delete(teach.store.images, fours[1], axis=0)
    QTest.keyClick(taught, Qt.Key.Key_Delete)
    np.testing.assert_array_equal(teach.store.images, kept)
    assert len(DigitStore.open(teach.store.path)) == 59 and not teach.delete_button.isEnabled()


def test_export_then_import_and_a_bad_file_is_refused(taught, tmp_path, errors):
    teach = taught.teach
    assert teach.export_file(tmp_path / "out" / "mine.npz")
    teach.store.clear()
    assert teach.import_file(tmp_path / "out" / "mine.npz") == 60 and "60 digits</b> kept" in teach.intro.text()
    (tmp_path / "bad.npz").write_bytes(b"not a zip at all")
    assert teach.import_file(tmp_path / "bad.npz") is None
    assert errors[-1][0] == "Cannot import digits" and "bad.npz" in errors[-1][1]
    assert len(teach.store) == 60


def test_an_unreadable_store_is_kept_aside_not_overwritten(qtbot, mnist, mlp, data_dir, errors):
    (data_dir / "my-digits.npz").write_bytes(b"garbage")
    tab = make_tab(qtbot, mnist, mlp)
    assert (data_dir / "my-digits.unreadable.npz").read_bytes() == b"garbage"
    qtbot.waitUntil(lambda: bool(errors))  # told once the tab is up
    assert "my-digits.unreadable.npz" in errors[-1][1] and len(tab.teach.store) == 0


def test_fine_tune_runs_off_the_gui_thread_then_compares_and_reverts(taught, qtbot, mlp, mnist):
    teach, state = taught.teach, taught.state
    before = [p.copy() for layer in mlp.layers for p in layer.params.values()]
    assert teach.tune_button.isEnabled() and not teach.revert_button.isEnabled()
    with qtbot.waitSignal(state.network_changed, timeout=60_000):
        teach.tune_button.click()
        assert teach.running and teach.cancel_button.isEnabled() and not teach.tune_button.isEnabled()
    qtbot.waitUntil(lambda: not teach.running, timeout=60_000)
    tuned = state.network
    train, held = held_out_split(teach.store.labels, HELD_OUT)
    assert tuned is not mlp and tuned.info["fine_tuned"]["digits"] == len(train) and len(held) >= 10
    assert state.network_label == "Chapter 1 MLP + your digits" and state.network_path is None
    r = teach.results
    assert r["held"] == len(held) and r["held_after"] >= r["held_before"]
    assert r["test_before"] == pytest.approx(mlp.accuracy(mnist.test.images, mnist.test.labels))
    assert abs(r["test_after"] - r["test_before"]) < 0.02
    assert state.test_accuracy() == r["test_after"]  # what the picker and the status bar show
    assert f"{len(held)} held-out digits" in teach.result.text() and "MNIST test images" in teach.result.text()
    for a, b in zip(before, [p for layer in mlp.layers for p in layer.params.values()]):
        np.testing.assert_array_equal(a, b)  # the network it came from is untouched
    assert teach.revert_button.isEnabled()
    teach.revert_button.click()
    assert state.network is mlp and state.network_label == "Chapter 1 MLP"
    assert not teach.revert_button.isEnabled()


def test_cancel_leaves_the_network_as_it_was(taught, qtbot, mlp):
    teach, state = taught.teach, taught.state
    teach.epochs = 10_000  # long enough to cancel
    teach.tune_button.click()
    qtbot.waitUntil(lambda: teach.progress.maximum() > 1, timeout=30_000)  # training has begun
    teach.cancel_button.click()
    qtbot.waitUntil(lambda: not teach.running, timeout=30_000)
    assert state.network is mlp and teach.results is None
    assert "Cancelled" in teach.result.text() and teach.tune_button.isEnabled()
