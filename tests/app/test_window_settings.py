"""The size the window opens at, how small it can be made, and what it remembers between sessions."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, QSize
from PySide6.QtWidgets import QLabel, QSplitter

from app import window_settings
from app.main_window import MainWindow
from app.window_settings import MINIMUM, opening_size


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def _window(qtbot, settings) -> MainWindow:
    window = MainWindow(settings=settings, load_initial_network=False)
    qtbot.addWidget(window)
    return window


@pytest.mark.parametrize("available, expected", [
    (QSize(1920, 1050), QSize(1280, 820)),  # a large screen: the preferred size
    (QSize(1280, 770), QSize(1152, 693)),  # a 1280×800 laptop less its panel: 90 % each way
    (QSize(1366, 728), QSize(1229, 655)),
    (QSize(2560, 800), QSize(1280, 720)),  # a wide, low screen: only the height is cut
])
def test_the_window_opens_at_most_at_90_percent_of_the_screen(available, expected):
    assert opening_size(available) == expected


def test_first_start_opens_at_the_opening_size_centred(qtbot, settings):
    window = _window(qtbot, settings)
    available = window.screen().availableGeometry()
    assert window.size() == opening_size(available.size())
    assert abs(window.geometry().center().x() - available.center().x()) <= 1


def test_every_tab_fits_a_1024_by_640_window(qtbot, settings):
    window = _window(qtbot, settings)
    window.show()
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        hint = window.minimumSizeHint()
        assert hint.width() <= MINIMUM.width() and hint.height() <= MINIMUM.height(), window.tabs.tabText(i)
    window.resize(MINIMUM)
    qtbot.waitUntil(lambda: window.size() == MINIMUM)


def test_a_remembered_size_larger_than_the_screen_is_not_used(qtbot, settings):
    first = _window(qtbot, settings)
    first.show()
    available = first.screen().availableGeometry()
    first.setGeometry(0, 0, available.width() + 400, available.height() + 300)
    qtbot.waitUntil(lambda: first.width() > available.width())
    first.close()
    second = _window(qtbot, settings)
    assert second.size() == opening_size(available.size())


def test_splitter_positions_and_the_tab_are_remembered(qtbot, settings):
    first = _window(qtbot, settings)
    first.show()
    train = first.tabs.indexOf(next(first.tabs.widget(i) for i in range(first.tabs.count())
                                    if first.tabs.tabText(i) == "Train"))
    first.tabs.setCurrentIndex(train)
    splitters = first.tabs.widget(train).findChildren(QSplitter)
    assert splitters, "the Train tab has splitters to remember"
    moved = []
    for splitter in splitters:
        sizes = splitter.sizes()
        sizes[0], sizes[-1] = sizes[0] + 40, max(sizes[-1] - 40, 0)
        splitter.setSizes(sizes)
        moved.append(splitter.sizes())
    first.close()
    assert settings.value("tab") == "Train"

    second = _window(qtbot, settings)
    second.show()
    assert second.tabs.tabText(second.tabs.currentIndex()) == "Train"
    assert [s.sizes() for s in second.tabs.currentWidget().findChildren(QSplitter)] == moved


def test_a_state_goes_only_to_a_splitter_of_the_same_shape(qtbot):
    parent = QSplitter()
    qtbot.addWidget(parent)
    for _ in range(3):
        parent.addWidget(QSplitter())
    keys = [window_settings.splitter_key("T", parent, s) for s in parent.findChildren(QSplitter)]
    assert len(set(keys)) == 3 and all(k.startswith("splitters/T/") and k.endswith(".h0") for k in keys)
    parent.widget(1).addWidget(QLabel("one part more"))
    assert window_settings.splitter_key("T", parent, parent.widget(1)).endswith(".h1")  # one part more: new key


def test_a_tab_remembered_by_an_older_version_as_an_index(qtbot, settings):
    settings.setValue("tab", 2)
    window = _window(qtbot, settings)
    assert window.tabs.currentIndex() == 2
    settings.setValue("tab", "No such tab")
    assert _window(qtbot, settings).tabs.currentIndex() == 0
