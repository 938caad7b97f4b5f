"""Every page of every tab, shown at a given window size, for the audit and for screenshots.

The page protocol: a tab with several pages offers ``page_names()`` (short names, in order) and
``show_page(name)`` (bring that page to the front). A tab without them is one page, named "".
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEventLoop, QSettings, QSize, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from app import jobs
from app.layout_audit.violation import Violation
from app.main_window import MainWindow
from app.names import network_label
from core.data import MNIST
from core.io import load_network
from core.models import default_model_path

#: the window sizes issue 14 asks every page to read right at
SIZES = [QSize(1024, 640), QSize(1280, 800), QSize(1600, 1000)]
#: rounds of (events, pending plot ranges) before a page counts as settled
SETTLE_ROUNDS = 3
#: seconds to wait at most for the timers and jobs a page starts when it is shown; each wait's ms
JOBS_TIMEOUT = 30.0
JOB_WAIT_MS = 50
#: single-shot timers due within this many ms are waited for (longer ones, e.g. a status message's, not)
TIMER_MS = 1000


@dataclass(frozen=True)
class Page:
    tab: str  # the tab's title, as the window's tab bar shows it
    name: str  # the page's name from the tab's page_names(), "" for a one-page tab

    @property
    def label(self) -> str:
        """``Train/setup``, or ``Draw`` for a one-page tab."""
        return f"{self.tab}/{self.name}" if self.name else self.tab

    @property
    def file_stem(self) -> str:
        """``train-setup``, ``draw``: for file names."""
        return "-".join(p for p in (self.tab.lower(), self.name) if p)


def open_window(settings_file: Path, network: Path | None = None, digit: int | None = 0,
                data: MNIST | None = None) -> MainWindow:
    """The main window as the audit sees it: settings of its own (``settings_file``, an INI file),
    MNIST (``data``, else loaded now), ``network`` (default: the bundled default network) active and,
    if ``digit`` is a number, that MNIST test digit open in the Draw tab; shown, not yet sized."""
    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, load_initial_network=False)
    window.state.data = data
    data = window.state.data_blocking()
    path = Path(network) if network is not None else default_model_path()
    window.state.set_network(load_network(path), network_label(path), path)
    if digit is not None:
        window.state.show_digit.emit(data.test.images[digit].reshape(28, 28), int(data.test.labels[digit]))
    window.show()
    settle(window)
    return window


@contextmanager
def seeded_randomness(seed: int = 0) -> Iterator[None]:
    """While it lasts, NumPy generators made without a seed (a page's random start, such as the
    Universality challenge's bump heights) get ``seed``, so that a page looks the same every run."""
    original = np.random.default_rng

    def default_rng(given=None):
        return original(seed if given is None else given)

    np.random.default_rng = default_rng
    try:
        yield
    finally:
        np.random.default_rng = original


def size_label(size: QSize) -> str:
    return f"{size.width()}x{size.height()}"


def _tabs(window: QMainWindow) -> dict[str, QWidget]:
    return {window.tabs.tabText(i): window.tabs.widget(i) for i in range(window.tabs.count())}


def pages(window: QMainWindow, tabs: list[str] | None = None) -> list[Page]:
    """The pages of the window's tabs (those titled in ``tabs``, case-insensitive; default: all)."""
    wanted = None if tabs is None else {t.lower() for t in tabs}
    found = []
    for title, tab in _tabs(window).items():
        if wanted is not None and title.lower() not in wanted:
            continue
        names = tab.page_names() if hasattr(tab, "page_names") else [""]
        found.extend(Page(title, name) for name in names)
    return found


def _pending_timers(window: QWidget) -> list[QTimer]:
    """The window's single-shot timers due within TIMER_MS (a page's deferred refresh or analysis)."""
    return [t for t in window.findChildren(QTimer)
            if t.isActive() and t.isSingleShot() and t.remainingTime() <= TIMER_MS]


def _wait_until_quiet(window: QWidget, end: float) -> None:
    app = QApplication.instance()
    while time.monotonic() < end:
        app.processEvents()
        busy = jobs.running(window)
        if busy:
            for job in busy:
                job.wait(JOB_WAIT_MS)
        elif _pending_timers(window):
            QEventLoop().processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)  # (a timer is due)
        else:
            return


def settle(window: QWidget, timeout: float = JOBS_TIMEOUT) -> None:
    """Let the window's pending single-shot timers fire and its background jobs (an analysis a page
    starts when shown) end and report, then layouts, deferred builds and pyqtgraph's pending range
    updates (done just before a paint) run their course; twice, for what the first round set off."""
    app = QApplication.instance()
    end = time.monotonic() + timeout
    for _ in range(2):
        _wait_until_quiet(window, end)
        for _ in range(SETTLE_ROUNDS):
            app.processEvents()
            for view in window.findChildren(pg.GraphicsView):
                if view.isVisible():
                    view.scene().prepareForPaint()
            app.processEvents()


def show(window: QMainWindow, page: Page, size: QSize) -> list[Violation]:
    """Bring ``page`` to the front of the shown ``window`` at ``size`` and let it settle; a violation
    if the window cannot take that size."""
    tab = _tabs(window)[page.tab]
    window.tabs.setCurrentWidget(tab)
    if page.name:
        tab.show_page(page.name)
    window.resize(size)
    settle(window)
    if window.size() != size:
        hint = window.minimumSizeHint()
        return [Violation("window", page.label, f"the window cannot be {size_label(size)}: it is "
                                                f"{size_label(window.size())} (its minimum size hint is "
                                                f"{size_label(hint)})")]
    return []
