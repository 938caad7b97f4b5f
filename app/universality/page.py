"""The skeleton every Universality section shares: its title and a paragraph in the book's notation
across the top; below, the views (plots, heat maps) on the left and the controls in a column on the
right that scrolls rather than squeezes them when the window is short. A page whose model the user
changes by hand has Undo and Redo beside its title (Ctrl+Z, Ctrl+Shift+Z): :meth:`SectionPage.keep_history`."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLayout, QPushButton, QVBoxLayout, QWidget

from app import theme
from app.universality.history import History
from app.widgets.page_parts import SidePanel, header


class SectionPage(QWidget):
    """A section's page, headed by its ``TITLE`` and ``INTRO`` (class attributes); ``lay_out(views,
    column)`` puts its parts in place."""

    TITLE = ""
    INTRO = ""  # a paragraph of rich text

    def __init__(self, parent=None):
        super().__init__(parent)
        self.header = header(self.TITLE, self.INTRO)
        self.history: History | None = None

    def keep_history(self, get: Callable[[], Any], put: Callable[[Any], None]) -> History:
        """Undo and Redo for the page's model (``get`` reads its state as a plain value, ``put`` restores
        one): buttons beside the title and Ctrl+Z, Ctrl+Shift+Z (or Ctrl+Y) while the page is shown. The
        page calls ``history.checkpoint()`` before each change the user makes."""
        self.history = history = History(get, put, self)
        self.undo_button = QPushButton("↶ Undo")
        self.redo_button = QPushButton("↷ Redo")
        self.undo_button.setToolTip("Undo the last change: a drag, a typed value, Reset or Auto-fit (Ctrl+Z)")
        self.redo_button.setToolTip("Redo what was undone (Ctrl+Shift+Z)")
        for button, slot, keys in ((self.undo_button, history.undo, [QKeySequence.StandardKey.Undo]),
                                   (self.redo_button, history.redo, ["Ctrl+Shift+Z", "Ctrl+Y"])):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(slot)
            self.header.title_row.addWidget(button)
            action = QAction(self)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)  # (while the page is shown)
            action.triggered.connect(slot)
            self.addAction(action)

        def enable():
            self.undo_button.setEnabled(history.can_undo)
            self.redo_button.setEnabled(history.can_redo)

        history.changed.connect(enable)
        enable()
        return history

    def lay_out(self, views: QWidget | QLayout, column: list, *, share: tuple[int, int] = (3, 2),
                max_width: int = 520) -> SidePanel:
        """``views`` on the left, ``column`` on the right: widgets, ``(widget, stretch)`` pairs, or None
        for the empty space that takes what is left; ``share`` splits the width between the two, the
        column being at most ``max_width`` pixels wide."""
        side = QVBoxLayout()
        side.setSpacing(theme.SPACING)
        side.setContentsMargins(6, 0, 6, 0)
        for item in column:
            if item is None:
                side.addStretch(1)
            else:
                widget, stretch = item if isinstance(item, tuple) else (item, 0)
                side.addWidget(widget, stretch)
        panel = SidePanel(side, max_width=max_width)
        body = QHBoxLayout()
        if isinstance(views, QLayout):
            body.addLayout(views, share[0])
        else:
            body.addWidget(views, share[0])
        body.addWidget(panel, share[1])
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(body, 1)
        return panel


def group(title: str, *items: QWidget | QLayout) -> QGroupBox:
    """A titled box of controls, one under the other (a layout for a row of them)."""
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    for item in items:
        if isinstance(item, QLayout):
            layout.addLayout(item)
        else:
            layout.addWidget(item)
    return box
