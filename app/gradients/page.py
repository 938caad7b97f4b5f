"""The skeleton every Gradients page shares: a side panel on the left (heading, explanation, then the
page's controls) and its view on the right (plots over a caption), which File → Export saves."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QFormLayout, QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout,
                               QWidget)

from app import theme
from app.widgets.steady_label import SteadyLabel

SIDE_PANEL = (
    f"#sidePanel {{ background: {theme.SURFACE}; border-right: 1px solid {theme.BORDER}; }}"
    f"#sidePanel QLabel#heading {{ {theme.text_style(theme.TEXT_STRONG, theme.FONT_TITLE, bold=True)} }}"
    f"#sidePanel QLabel#explain {{ color: {theme.TEXT_SOFT}; }}"
    f"#sidePanel QLabel#section {{ {theme.text_style(theme.MUTED, theme.FONT_SMALL, bold=True)}"
    f"  text-transform: uppercase; letter-spacing: 1px; padding-top: 6px; }}"
    f"#sidePanel QLabel#status {{ color: {theme.TEXT}; }}"
)
CAPTION = theme.text_style(theme.TEXT_SOFT)  # (its room round the text: contents margins, which a SteadyLabel counts)


class SidePanel(QFrame):
    """A page's left column: a heading, a few lines of explanation, then controls."""

    def __init__(self, heading: str, text: str, parent=None):
        super().__init__(parent)
        self.setObjectName("sidePanel")
        self.setStyleSheet(SIDE_PANEL)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(14, 12, 14, 12)
        self.layout_.setSpacing(8)
        title = QLabel(heading)
        title.setObjectName("heading")
        title.setWordWrap(True)
        self.layout_.addWidget(title)
        self.explain = QLabel(text)
        self.explain.setObjectName("explain")
        self.explain.setWordWrap(True)
        self.explain.setTextFormat(Qt.TextFormat.RichText)
        self.explain.setOpenExternalLinks(True)
        self.layout_.addWidget(self.explain)

    def section(self, name: str) -> None:
        label = QLabel(name)
        label.setObjectName("section")
        self.layout_.addWidget(label)

    def form(self) -> QFormLayout:
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(5)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        holder = QWidget()
        holder.setLayout(form)
        self.layout_.addWidget(holder)
        return form

    def add(self, widget: QWidget) -> QWidget:
        self.layout_.addWidget(widget)
        return widget

    def status_label(self) -> QLabel:
        label = QLabel("")
        label.setObjectName("status")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        self.layout_.addWidget(label)
        return label

    def finish(self) -> None:
        self.layout_.addStretch(1)


class Page(QWidget):
    """A Gradients page: ``self.panel`` (a :class:`SidePanel`, scrolling rather than squeezing its
    controls in a short window) beside ``self.view``, whose layout ``self.view_layout`` the page fills
    with its plots (``add_caption()`` adds the line of text under them)."""

    PANEL_WIDTH = 300

    def __init__(self, heading: str, explanation: str, parent=None):
        super().__init__(parent)
        self.panel = SidePanel(heading, explanation)
        column = QScrollArea()
        column.setWidget(self.panel)
        column.setWidgetResizable(True)
        column.setFrameShape(QFrame.Shape.NoFrame)
        column.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        column.setFixedWidth(self.PANEL_WIDTH)
        self.view = QWidget()
        self.view_layout = QVBoxLayout(self.view)
        self.view_layout.setContentsMargins(6, 6, 6, 6)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(column)
        layout.addWidget(self.view, 1)

    def add_caption(self, text: str = "", reserve=()) -> QLabel:
        """The wrapped rich-text caption under the plots (added to the view); with ``reserve``, texts as
        long as it will get, it keeps their height from the start (the plots do not shrink when it comes)."""
        label = SteadyLabel(text, reserve)
        label.setStyleSheet(CAPTION)
        label.setContentsMargins(8, 4, 8, 4)
        self.view_layout.addWidget(label)
        return label

    def export_widget(self) -> QWidget:
        return self.view


def choice(items) -> QComboBox:
    """A combo box of ``(data, text)`` pairs (or plain names, shown as they are)."""
    box = QComboBox()
    for item in items:
        data, text = (item, item) if isinstance(item, str) else item
        box.addItem(text, data)
    return box
