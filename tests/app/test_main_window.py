"""The main window: tabs, menus, status bar, opening/saving networks, remembered settings."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage, QKeySequence
from PySide6.QtTest import QTest

from app.main_window import MainWindow
from core.io import load_network, save_network
from core.models import BUNDLED


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, settings, mnist):
    window = MainWindow(settings=settings, load_initial_network=False)
    window.state.data = mnist
    qtbot.addWidget(window)
    return window


@pytest.fixture(scope="module")
def ch1():
    return load_network(BUNDLED["ch1"].path)


def _errors(window, monkeypatch):
    errors = []
    monkeypatch.setattr(window, "show_error", lambda title, message: errors.append((title, message)))
    return errors


def test_tabs_and_menus(window):
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["Draw", "Train", "Gradients",
                                                                          "Universality"]
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&View", "&Help"]
    file_actions = [a.text() for a in window.menuBar().actions()[0].menu().actions() if a.text()]
    assert file_actions == ["&Open network…", "&Save network…", "&Export view as PNG…", "&Quit"]
    assert window.open_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    assert window.save_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Save)
    assert window.export_action.shortcut().toString() == "Ctrl+E"


def test_every_menu_action_works_from_its_shortcut(window, qtbot, tmp_path, ch1, monkeypatch):
    """Ctrl+O, Ctrl+S, Ctrl+E, Ctrl+1-4, F1 and Ctrl+Q, pressed on the window, do what the menus say."""
    errors = _errors(window, monkeypatch)
    opened = []
    monkeypatch.setattr("app.main_window.QDesktopServices.openUrl", lambda url: opened.append(url.toString()))
    saved = tmp_path / "my-net.npz"
    save_network(ch1, saved)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()

    def press(keys):
        QTest.keySequence(window, QKeySequence(keys))

    monkeypatch.setattr("app.main_window.QFileDialog.getOpenFileName", lambda *a, **k: (str(saved), ""))
    press("Ctrl+O")
    assert window.state.network_path == saved and "my-net" in window.network_status.text()
    monkeypatch.setattr("app.main_window.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "copy"), ""))
    press("Ctrl+S")
    assert load_network(tmp_path / "copy.npz").describe() == ch1.describe()
    monkeypatch.setattr("app.main_window.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "view"), ""))
    press("Ctrl+E")
    assert not QImage(str(tmp_path / "view.png")).isNull()
    press("F1")
    assert opened == [window.tabs.widget(0).book_url]
    for i in (1, 2, 3, 0):
        press(f"Ctrl+{i + 1}")
        assert window.tabs.currentIndex() == i
    press("Ctrl+Q")
    assert not window.isVisible() and errors == []
    assert QKeySequence("Ctrl+Q") in window.quit_action.shortcuts()


def test_saving_names_the_network_after_its_file(window, tmp_path, ch1):
    window.state.set_network(ch1, "Chapter 1 MLP", BUNDLED["ch1"].path)
    picker = window.tabs.widget(0).picker
    assert picker.combo.currentText() == "Chapter 1 MLP (bundled)"
    assert window.save_network(tmp_path / "mine.npz")
    assert window.state.network_label == "mine" and window.windowTitle().endswith("mine")
    assert "<b>mine</b>" in window.network_status.text()
    assert picker.combo.currentText() == "mine"  # no longer the bundled file
    assert window.settings.value("last_network") == str(tmp_path / "mine.npz")


def test_help_names_the_chapter_of_the_current_tab(window):
    window.tabs.setCurrentIndex(0)
    assert "Chapter 1" in window.chapter_action.text()
    assert window.chapter_action.statusTip().endswith("chap1.html")
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        url = window.tabs.widget(i).book_url
        assert window.chapter_action.statusTip() == url
        chapter = url.rsplit("chap", 1)[-1].split(".")[0]
        assert f"Chapter {chapter}" in window.chapter_action.text()


def test_initial_network_loads_off_the_gui_thread(qtbot, settings):
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    assert window.state.network is None  # not yet: the window comes first
    qtbot.waitUntil(lambda: window.state.network is not None, timeout=10000)
    path = window.state.network_path
    assert path is not None and path.is_file()
    assert window.state.network_label in window.network_status.text()
    assert "test accuracy" in window.network_status.text()


def test_opening_a_network_updates_the_status_bar(window, tmp_path, ch1):
    net = ch1.copy()
    net.info = {"metrics": {"test_accuracy": 0.9123}}
    path = tmp_path / "my-net.npz"
    save_network(net, path)
    assert window.open_network(path)
    text = window.network_status.text()
    assert "my-net" in text and "91.23%" in text
    assert window.windowTitle().endswith("my-net")
    assert window.tabs.widget(0).net is window.state.network  # the Draw tab reads with it


def test_a_corrupt_file_shows_an_error_and_keeps_the_previous_network(window, tmp_path, ch1, monkeypatch):
    errors = _errors(window, monkeypatch)
    window.state.set_network(ch1, "Chapter 1 MLP", BUNDLED["ch1"].path)
    status = window.network_status.text()
    bad = tmp_path / "broken.npz"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    assert not window.open_network(bad)
    assert len(errors) == 1 and "broken.npz" in errors[0][1]
    assert window.state.network is ch1 and window.network_status.text() == status
    truncated = tmp_path / "truncated.npz"
    good = tmp_path / "good.npz"
    save_network(ch1, good)
    truncated.write_bytes(good.read_bytes()[:2000])
    assert not window.open_network(truncated)
    assert len(errors) == 2 and window.state.network is ch1


def test_unknown_accuracy_is_measured_off_the_gui_thread(window, qtbot, ch1, mnist):
    net = ch1.copy()
    net.info = {}
    window.state.set_network(net, "no record")
    assert "measuring" in window.network_status.text()
    expected = net.accuracy(mnist.test.images, mnist.test.labels)
    qtbot.waitUntil(lambda: "measuring" not in window.network_status.text(), timeout=20000)
    assert f"{expected:.2%}" in window.network_status.text()


def test_save_network_writes_a_file_that_loads_back(window, tmp_path, ch1):
    window.state.set_network(ch1, "Chapter 1 MLP")
    assert window.save_network(tmp_path / "copy")
    back = load_network(tmp_path / "copy.npz")
    np.testing.assert_array_equal(back.layers[0].params["w"], ch1.layers[0].params["w"])


def test_save_failure_is_reported(window, tmp_path, ch1, monkeypatch):
    errors = _errors(window, monkeypatch)
    window.state.set_network(ch1, "Chapter 1 MLP")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert not window.save_network(blocker / "inside-a-file.npz")
    assert errors and errors[0][0] == "Cannot save network"


def test_export_view_writes_a_png(window, tmp_path):
    window.resize(1280, 820)
    path = tmp_path / "draw.png"
    assert window.export_view(path)
    image = QImage(str(path))
    assert not image.isNull() and image.width() > 600


def test_export_failure_is_reported(window, tmp_path, monkeypatch):
    errors = _errors(window, monkeypatch)
    assert not window.export_view(tmp_path / "no-such-folder" / "draw.png")
    assert errors and errors[0][0] == "Cannot export" and "no-such-folder" in errors[0][1]


def test_show_digit_switches_to_the_draw_tab(window, mnist, ch1):
    window.state.set_network(ch1, "Chapter 1 MLP")
    window.tabs.setCurrentIndex(1)
    window.state.show_digit.emit(mnist.test.images[0], int(mnist.test.labels[0]))
    assert window.tabs.currentIndex() == 0
    draw = window.tabs.widget(0)
    assert not draw.canvas.is_blank() and draw.prediction == mnist.test.labels[0]


def test_geometry_tab_and_last_network_are_remembered(qtbot, settings, tmp_path, ch1, monkeypatch):
    first = MainWindow(settings=settings, load_initial_network=False)
    qtbot.addWidget(first)
    first.show()
    first.resize(1250, 700)
    path = tmp_path / "last.npz"
    save_network(ch1, path)
    assert first.open_network(path)
    first.tabs.setCurrentIndex(2)
    first.close()
    saved = settings.value("geometry")
    assert saved == first.saveGeometry()

    restored = []
    original = MainWindow.restoreGeometry
    monkeypatch.setattr(MainWindow, "restoreGeometry", lambda self, g: restored.append(g) or original(self, g))
    second = MainWindow(settings=settings)
    qtbot.addWidget(second)
    assert restored and all(g == saved for g in restored)
    # (the offscreen screen is only 800 wide, so the width is clamped; the height may differ by the
    # window frame, which the offscreen platform counts differently before a window is shown)
    assert abs(second.height() - 700) <= 12
    assert second.tabs.currentIndex() == 2
    qtbot.waitUntil(lambda: second.state.network is not None, timeout=10000)
    assert second.state.network_path == path and second.state.network_label == "last"


def test_a_vanished_last_network_falls_back_to_a_bundled_one(qtbot, settings, tmp_path, monkeypatch):
    settings.setValue("last_network", str(tmp_path / "gone.npz"))
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.state.network is not None, timeout=10000)
    assert window.state.network_label in [m.title for m in BUNDLED.values()]


def test_lazy_start_shows_the_frame_first_then_builds_every_tab(qtbot, settings):
    from app.draw.tab import DrawTab
    from app.train.tab import TrainTab

    window = MainWindow(settings=settings, lazy=True)
    qtbot.addWidget(window)
    assert window.state is None and not window.ready  # only the frame so far: nothing heavy yet
    assert [window.tabs.tabText(i) for i in range(4)] == ["Draw", "Train", "Gradients", "Universality"]
    assert "Starting" in window.network_status.text()
    window.show()
    qtbot.waitUntil(lambda: window.ready, timeout=20000)
    assert isinstance(window.tabs.widget(0), DrawTab) and isinstance(window.tabs.widget(1), TrainTab)
    assert window.tabs.currentIndex() == 0
    qtbot.waitUntil(lambda: window.state.network is not None, timeout=10000)
    assert "test accuracy" in window.network_status.text()


def test_the_main_window_module_loads_without_pyqtgraph():
    """The frame is shown before the tabs (and pyqtgraph, ~0.5 s) load: importing it must not pull them in."""
    import subprocess
    import sys

    code = "import sys, app.main_window; print('pyqtgraph' in sys.modules, 'app.draw.tab' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
