"""The Train tab inside the main window: a mistake clicked opens the Draw tab, the trained network
reaches the Draw tab's picker, and closing the window stops a run."""
from __future__ import annotations

import numpy as np
import pytest


WAIT = 30_000


@pytest.fixture
def window(small_window):
    win = small_window
    win.tabs.setCurrentIndex(1)
    tab = win.tabs.currentWidget()
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
    tab = window.tabs.widget(1)
    assert window.tabs.tabText(1) == "Train" and tab.export_widget() is tab.views
    train(qtbot, tab, 1)
    qtbot.waitUntil(lambda: tab.worker is None and tab.run.status == "finished", timeout=WAIT)
    assert window.state.training_network is tab.run.network
    with qtbot.waitSignal(window.state.show_digit, timeout=WAIT):
        tab.gallery.clicked.emit(0)
    assert window.tabs.currentIndex() == 0  # the main window switched to the Draw tab
    window.tabs.setCurrentIndex(1)
    tab.send_to_draw(tab.run)
    assert window.state.network_label == tab.run.name
    x = window.state.data.test.images[:20]
    assert np.array_equal(window.state.network.predict(x), tab.run.network.predict(x))


def test_closing_the_window_stops_a_run(qtbot, window):
    tab = window.tabs.widget(1)
    train(qtbot, tab, 500)
    worker = tab.worker
    assert worker is not None, (tab.run.status, tab.run.message, tab.controls.banner.text(), tab.controls.status.text())
    qtbot.waitUntil(lambda: worker.step_count > 10, timeout=WAIT)
    window.close()
    assert worker.isFinished()
