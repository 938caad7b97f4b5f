"""Fixtures shared by the app's tests."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from app.main_window import MainWindow
from app.state import AppState
from core.training import subset


@pytest.fixture
def small_window(qtbot, mnist, tmp_path):
    """The whole app, shown, over 1,000 training images (300 validation and test), with settings of
    its own and no network loaded at start."""
    state = AppState()
    state.data = subset(mnist, 1000, 300, 300)
    window = MainWindow(state, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat),
                        load_initial_network=False)
    qtbot.addWidget(window)
    window.show()
    return window
