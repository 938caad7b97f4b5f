"""The Universality tab: chapter 4's visual proof that a network can compute any function.

Five sections, chosen from a list on the left: one neuron becoming a step, bumps from pairs of steps,
the book's challenge (with Auto-fit, Learn and other targets), towers from two inputs, and a grid of
towers approximating a function of (x, y). The maths is in :mod:`core.universality`.
"""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (QHBoxLayout, QListWidget, QListWidgetItem, QStackedWidget, QStyle,
                               QStyledItemDelegate, QWidget)

from app import theme
from app.universality.bumps_page import BumpsPage
from app.universality.challenge_page import ChallengePage
from app.universality.grid_page import GridPage
from app.universality.neuron_page import NeuronPage
from app.universality.towers_page import TowersPage

SECTIONS = [
    ("One neuron", "σ(wx + b) becomes a step at s = −b/w"),
    ("Bumps", "two steps with weights ±h make a bump"),
    ("The challenge", "build the book's f from N bumps"),
    ("Towers", "two inputs: an x-bump and a y-bump"),
    ("Many towers", "a grid of towers approximates f(x, y)"),
]


class _SectionDelegate(QStyledItemDelegate):
    """A section: its number and title in bold, a one-line hint below in a muted colour."""

    def paint(self, painter, option, index) -> None:
        painter.save()
        rect = option.rect.adjusted(4, 2, -4, -2)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        if selected or hovered:
            painter.setRenderHint(painter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(theme.SELECTED if selected else theme.SURFACE))
            painter.drawRoundedRect(rect, 5, 5)
        title, hint = index.data(Qt.ItemDataRole.DisplayRole), index.data(Qt.ItemDataRole.ToolTipRole)
        font = QFont(option.font)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(theme.BRIGHT if selected else theme.TEXT))
        painter.drawText(QRect(rect.left() + 10, rect.top() + 6, rect.width() - 16, 20),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        font.setBold(False)
        font.setPixelSize(theme.FONT_SMALL)
        painter.setFont(font)
        painter.setPen(QColor(theme.TEXT_SOFT if selected else theme.MUTED))
        painter.drawText(QRect(rect.left() + 10, rect.top() + 26, rect.width() - 16, rect.height() - 28),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap, hint)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        return QSize(180, 64)


class UniversalityTab(QWidget):
    """The sections are built the first time they are shown (each holds several plots), so the app
    starts quickly; ``page(i)`` (or ``neuron``, ``bumps``, ``challenge``, ``towers``, ``grid``) builds
    one on demand."""

    book_url = "http://neuralnetworksanddeeplearning.com/chap4.html"
    PAGE_CLASSES = [NeuronPage, BumpsPage, ChallengePage, TowersPage, GridPage]

    def __init__(self, state, parent=None):
        super().__init__(parent)
        self.state = state
        self._pages: list[QWidget | None] = [None] * len(self.PAGE_CLASSES)

        self.sections = QListWidget()
        self.sections.setObjectName("universalitySections")
        self.sections.setFixedWidth(190)
        self.sections.setStyleSheet(f"#universalitySections {{ background: {theme.BASE}; border: none; "
                                    f"border-right: 1px solid {theme.BORDER}; padding-top: 6px; }}")
        self.sections.setItemDelegate(_SectionDelegate(self.sections))
        self.sections.setMouseTracking(True)
        for k, (title, hint) in enumerate(SECTIONS, 1):
            item = QListWidgetItem(f"{k}   {title}")
            item.setToolTip(hint)
            self.sections.addItem(item)
        self.stack = QStackedWidget()
        for _ in self.PAGE_CLASSES:
            self.stack.addWidget(QWidget())  # stand-ins until a section is first shown
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.sections)
        layout.addWidget(self.stack, 1)
        self.sections.currentRowChanged.connect(self._show)
        self.sections.setCurrentRow(0)

    # --- the sections ---------------------------------------------------------------------------------
    def page(self, index: int) -> QWidget:
        """Section ``index``'s page, built now if it has not been yet."""
        if self._pages[index] is None:
            page = self.PAGE_CLASSES[index]()
            stand_in = self.stack.widget(index)
            self.stack.insertWidget(index, page)
            self.stack.removeWidget(stand_in)
            stand_in.deleteLater()
            self._pages[index] = page
        return self._pages[index]

    @property
    def pages(self) -> list[QWidget]:
        return [self.page(i) for i in range(len(self.PAGE_CLASSES))]

    neuron = property(lambda self: self.page(0))
    bumps = property(lambda self: self.page(1))
    challenge = property(lambda self: self.page(2))
    towers = property(lambda self: self.page(3))
    grid = property(lambda self: self.page(4))

    def _show(self, index: int) -> None:
        page = self.page(index)
        self.stack.setCurrentWidget(page)

    def show_section(self, index: int) -> None:
        self.sections.setCurrentRow(index)

    # the page protocol (the layout audit's): the sections by their property names
    PAGE_NAMES = ["neuron", "bumps", "challenge", "towers", "grid"]

    def page_names(self) -> list[str]:
        return list(self.PAGE_NAMES)

    def show_page(self, name: str) -> QWidget:
        self.show_section(self.PAGE_NAMES.index(name))
        return self.stack.currentWidget()

    def export_widget(self) -> QWidget:
        """File → Export saves the section on screen."""
        return self.stack.currentWidget()

    def shutdown(self) -> None:
        """Stop background work (Learn) when the window closes."""
        for page in self._pages:
            if page is not None and hasattr(page, "shutdown"):
                page.shutdown()
