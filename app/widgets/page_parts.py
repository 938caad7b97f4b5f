"""The parts of a page with a column of controls beside its views (the Principles and Universality
tabs): its header (title and paragraph), the side panel that scrolls rather than squeezes its controls,
and wrapped notes beside them."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from app import theme


def header(title: str, text: str) -> QWidget:
    """A page's title and a one-paragraph explanation in the book's notation."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(2, 0, 2, 4)
    layout.setSpacing(2)
    t = QLabel(title)
    t.setStyleSheet(theme.text_style(theme.TEXT, theme.FONT_HEADING, bold=True))
    box.title_row = QHBoxLayout()  # the title, and at its right whatever the page adds (Undo, Redo)
    box.title_row.addWidget(t, 1)
    body = QLabel(text)
    body.setWordWrap(True)
    body.setTextFormat(Qt.TextFormat.RichText)
    body.setStyleSheet(theme.text_style(theme.MUTED, theme.FONT_BODY))
    # Preferred (not Minimum): the layout then sizes the paragraph by its height for the actual width;
    # Minimum would make its unwrapped size hint a floor and push the window taller than it needs to be
    body.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
    layout.addLayout(box.title_row)
    layout.addWidget(body)
    return box


class _FillsTheView(QWidget):
    """The scrolled column. A scroll area sizes a height-for-width widget (one holding wrapped labels)
    to its *preferred* height, which would stretch the plots in it and scroll needlessly; this one fills
    the view and is no shorter than its rows need at the view's width: each wrapped row as tall as its
    text, every other row at its minimum."""

    def hasHeightForWidth(self) -> bool:
        return False

    def heightForWidth(self, width: int) -> int:
        return -1

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        layout, view = self.layout(), self.parentWidget()
        if layout is None or view is None:
            return hint
        margins = layout.contentsMargins()
        width = max(view.width(), hint.width()) - margins.left() - margins.right()
        rows = [layout.itemAt(i) for i in range(layout.count())]
        heights = [max(item.minimumSize().height(), item.heightForWidth(width) if item.hasHeightForWidth() else 0)
                   for item in rows if not item.isEmpty()]
        height = sum(heights) + layout.spacing() * max(len(heights) - 1, 0) + margins.top() + margins.bottom()
        return QSize(hint.width(), max(hint.height(), height))


class SidePanel(QScrollArea):
    """A page's column of controls: as wide as its contents need (up to ``max_width``), and scrolling
    instead of squeezing them when the window is too short to show them all."""

    def __init__(self, layout: QVBoxLayout, max_width: int, parent=None):
        super().__init__(parent)
        self.inner = _FillsTheView()
        self.inner.setLayout(layout)
        self.inner.setObjectName("sidePanel")
        self.inner.setStyleSheet("#sidePanel { background: transparent; }")
        self.setWidget(self.inner)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewport().setAutoFillBackground(False)
        self.setMaximumWidth(max_width)

    def minimumSizeHint(self):
        hint = super().minimumSizeHint()
        hint.setWidth(self.inner.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width())
        return hint


def note_label(text: str = "", colour: str = theme.MUTED) -> QLabel:
    """Wrapped rich text beside the controls: a hint (muted) or a read-out (``colour=theme.TEXT``)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setStyleSheet(theme.text_style(colour, theme.FONT_NOTE))
    return label
