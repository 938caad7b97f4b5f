"""Fixtures shared by the app's tests."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from app.gradients.tab import GradientsTab
from app.main_window import MainWindow
from app.theme.palette import apply_palette
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


@pytest.fixture
def gradients_tab(qtbot, qapp, mnist):
    """The Gradients tab over the bundled MNIST (its own AppState), in the app's style, 1280×780 and
    not yet shown; its background work is ended afterwards."""
    apply_palette(qapp)  # (as every main window does: the same fonts and widths as in the app)
    state = AppState()
    state.data = mnist  # loaded once per session by tests/conftest.py
    tab = GradientsTab(state)
    qtbot.addWidget(tab)
    tab.resize(1280, 780)
    yield tab
    tab.shutdown()
