"""What the main window remembers between sessions, and the size it opens at.

Kept in ``QSettings``: the window's geometry (size, place, maximised or not), the current tab (by its
title, so that a tab added later does not shift it), and every splitter's position in every tab. The
last network used is kept by the main window as it changes (``last_network``).

The first time (or when the remembered geometry no longer fits the screen, e.g. on a smaller one) the
window opens at 1280 × 820, or at 90 % of the screen's available area where that is smaller, centred;
its layouts let it be made as small as 1024 × 640 (``MINIMUM``).
"""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QPoint, QSettings, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QSplitter, QTabWidget, QWidget

PREFERRED = QSize(1280, 820)
SCREEN_SHARE = 0.9
MINIMUM = QSize(1024, 640)


def opening_size(available: QSize, preferred: QSize = PREFERRED) -> QSize:
    """``preferred``, or 90 % of ``available`` in each direction where that is smaller."""
    return QSize(min(preferred.width(), int(available.width() * SCREEN_SHARE)),
                 min(preferred.height(), int(available.height() * SCREEN_SHARE)))


def restore_geometry(window: QMainWindow, settings: QSettings) -> None:
    """The remembered geometry; where the remembered size is larger than the screen (a smaller screen
    than last time) or there is none, the opening size in that direction, and the window centred."""
    available = (window.screen() or QGuiApplication.primaryScreen()).availableGeometry()
    saved, size = settings.value("geometry"), settings.value("size")
    if isinstance(saved, QByteArray) and window.restoreGeometry(saved):
        if window.isMaximized() or window.isFullScreen():
            return
        wanted = size if isinstance(size, QSize) else window.size()  # (restoreGeometry may have cut it)
    else:
        wanted = QSize(available.width() + 1, available.height() + 1)  # nothing remembered
    fitting = opening_size(available.size())
    window.resize(wanted.width() if wanted.width() <= available.width() else fitting.width(),
                  wanted.height() if wanted.height() <= available.height() else fitting.height())
    if wanted.width() > available.width() or wanted.height() > available.height():
        window.move(available.center() - QPoint(window.width() // 2, window.height() // 2))


def restore_tab(tabs: QTabWidget, settings: QSettings) -> None:
    """Show the remembered tab (saved by title; an index from an older version works too)."""
    saved = str(settings.value("tab", ""))
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    if saved in titles:
        tabs.setCurrentIndex(titles.index(saved))
    elif saved.isdigit() and int(saved) < tabs.count():
        tabs.setCurrentIndex(int(saved))


def splitter_key(title: str, tab: QWidget, splitter: QSplitter) -> str:
    """A key that names ``splitter`` by its place in ``tab``, its orientation and its number of parts,
    so that a state is only ever restored into a splitter of the same shape."""
    parts = []
    widget = splitter
    while widget is not tab and widget.parentWidget() is not None:
        parent = widget.parentWidget()
        same_type = [c for c in parent.children() if type(c) is type(widget)]
        parts.append(f"{type(widget).__name__}{same_type.index(widget)}")
        widget = parent
    shape = f"{'h' if splitter.orientation() == Qt.Orientation.Horizontal else 'v'}{splitter.count()}"
    return f"splitters/{title}/{'.'.join(reversed(parts))}.{shape}"


def restore_splitters(settings: QSettings, title: str, tab: QWidget) -> None:
    for splitter in tab.findChildren(QSplitter):
        state = settings.value(splitter_key(title, tab, splitter))
        if isinstance(state, QByteArray):
            splitter.restoreState(state)


def save(window: QMainWindow, tabs: QTabWidget, settings: QSettings) -> None:
    """Remember the geometry, the current tab and every tab's splitters."""
    settings.setValue("geometry", window.saveGeometry())
    settings.setValue("size", window.normalGeometry().size())
    settings.setValue("tab", tabs.tabText(tabs.currentIndex()))
    for i in range(tabs.count()):
        title, tab = tabs.tabText(i), tabs.widget(i)
        for splitter in tab.findChildren(QSplitter):
            settings.setValue(splitter_key(title, tab, splitter), splitter.saveState())
