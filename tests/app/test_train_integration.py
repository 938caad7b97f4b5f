"""The Train tab inside the main window: a mistake clicked opens the Draw tab, the trained network
reaches the Draw tab's picker, closing the window during a run asks (save, discard, cancel) and
stops it, and the Training menu's shortcuts drive the run."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer

from core.io import load_network

from tests.app.tabs import index_of, show
from tests.app.tabs import tab as tab_titled

WAIT = 30_000


@pytest.fixture
def window(small_window):
    win = small_window
    tab = show(win, "Train")
    tab.form.set_training_images(1000)
    return win


def train(qtbot, tab, epochs):
    tab.form.select_preset("ch3")
    tab.form.set_field("train_size", "1000")
    tab.form.set_field("epochs", str(epochs))
    runs = len(tab.runs)
    assert tab.start()
    qtbot.waitUntil(lambda: len(tab.runs) == runs + 1, timeout=WAIT)


def test_a_mistake_opens_in_the_draw_tab_and_the_network_is_offered_there(qtbot, window):
    tab = tab_titled(window, "Train")
    assert tab.export_widget() is tab.views
    train(qtbot, tab, 1)
    qtbot.waitUntil(lambda: tab.worker is None and tab.run.status == "finished", timeout=WAIT)
    assert window.state.training_network is tab.run.network
    with qtbot.waitSignal(window.state.show_mistake, timeout=WAIT):
        tab.gallery.clicked.emit(0)
    assert window.tabs.currentIndex() == index_of(window, "Draw")  # the main window switched to the Draw tab
    epoch_network = tab.mistakes.result.network  # the Draw tab reads it with the network that misread it
    draw = window.tabs.widget(index_of(window, "Draw"))
    assert window.state.network is epoch_network and draw.net is epoch_network
    show(window, "Train")
    tab.send_to_draw(tab.run)
    assert window.state.network_label == tab.run.name
    x = window.state.data.test.images[:20]
    assert np.array_equal(window.state.network.predict(x), tab.run.network.predict(x))


def answer_close(tab, choice: str, asked: list) -> None:
    """Once the question is on screen, note what it says and click ``choice`` (a button's text)."""
    def click():
        box = tab.close_box
        if box is None:  # not asked yet
            QTimer.singleShot(10, click)
            return
        asked.append(box.text() + " " + box.informativeText())
        button = next(b for b in box.buttons() if choice in b.text().replace("&", ""))
        button.click()

    QTimer.singleShot(0, click)


def test_closing_the_window_during_a_run_asks_and_cancel_keeps_it_going(qtbot, window):
    tab = tab_titled(window, "Train")
    train(qtbot, tab, 500)
    worker = tab.worker
    qtbot.waitUntil(lambda: worker.step_count > 10, timeout=WAIT)
    asked = []
    answer_close(tab, "Cancel", asked)
    window.close()
    assert asked and "is training: epoch" in asked[0] and "of 500" in asked[0]
    assert window.isVisible() and tab.worker is worker and not worker.paused  # paused while asked, then resumed
    at = worker.step_count
    qtbot.waitUntil(lambda: worker.step_count > at + 10, timeout=WAIT)
    answer_close(tab, "Discard", asked)
    window.close()
    assert not window.isVisible() and worker.isFinished()  # discarded: the run stopped, the window closed


def test_closing_the_window_during_a_run_can_save_its_network(qtbot, window, tmp_path, monkeypatch):
    tab = tab_titled(window, "Train")
    train(qtbot, tab, 500)
    qtbot.waitUntil(lambda: tab.latest_network is not None, timeout=WAIT)  # an epoch is over
    path = tmp_path / "kept.npz"
    monkeypatch.setattr("app.train.export.ask_path", lambda *args: str(path))
    asked = []
    answer_close(tab, "Save network", asked)
    window.close()
    assert "after epoch" in asked[0] and not window.isVisible() and path.is_file()
    assert load_network(path).info["run"] == tab.run.key  # the run's network, as it was after an epoch


def test_the_training_menu_and_its_shortcuts_drive_a_run(qtbot, window):
    tab = tab_titled(window, "Train")
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus.index("&Training") == menus.index("&Help") - 1
    actions = tab.controls.actions
    assert actions["pause"].shortcut().toString() == "Space" and "(Space)" in tab.controls.pause.toolTip()
    assert actions["start"].isEnabled() and not actions["pause"].isEnabled()
    qtbot.keyClick(window, Qt.Key_Return, Qt.ControlModifier)  # Start
    qtbot.waitUntil(lambda: tab.worker is not None and tab.worker.step_count > 10, timeout=WAIT)
    worker = tab.worker
    qtbot.keyClick(window, Qt.Key_Space)
    assert worker.paused and actions["step"].isEnabled() and actions["pause"].text() == "&Resume"
    qtbot.waitUntil(lambda: worker.waiting, timeout=WAIT)
    at = worker.step_count
    qtbot.keyClick(window, Qt.Key_Right)  # one mini-batch
    qtbot.waitUntil(lambda: worker.step_count == at + 1 and worker.waiting, timeout=WAIT)
    show(window, "Draw")  # another tab's keys are its own: the Training menu goes, its shortcuts stop
    assert not actions["pause"].isEnabled() and not tab.menu.menuAction().isVisible()
    show(window, "Train")
    assert actions["pause"].isEnabled() and tab.menu.menuAction().isVisible()
    qtbot.keyClick(window, Qt.Key_Period, Qt.ControlModifier)  # Stop
    qtbot.waitUntil(lambda: tab.worker is None and tab.run.status == "stopped", timeout=WAIT)
