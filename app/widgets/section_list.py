"""A tab made of pages chosen from a list on its left, each page built the first time it is shown (a
page may hold several plots: the app starts faster without them). The Principles and Universality
tabs are such tabs.

Each entry of the list shows the page's number and title in bold and a one-line hint below it.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (QHBoxLayout, QListWidget, QListWidgetItem, QStackedWidget, QStyle,
                               QStyledItemDelegate, QWidget)

from app import theme


class _EntryDelegate(QStyledItemDelegate):
    """An entry: its number and title in bold, a one-line hint below in a muted colour."""

    def paint(self, painter, option, index) -> None:
        painter.save()
        box = option.rect.adjusted(4, 2, -4, -2)
        chosen = bool(option.state & QStyle.StateFlag.State_Selected)
        if chosen or option.state & QStyle.StateFlag.State_MouseOver:
            painter.setRenderHint(painter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(theme.SELECTED if chosen else theme.SURFACE))
            painter.drawRoundedRect(box, 5, 5)
        font = QFont(option.font)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(theme.BRIGHT if chosen else theme.TEXT))
        left, width = box.left() + 10, box.width() - 16
        painter.drawText(QRect(left, box.top() + 6, width, 20), Qt.AlignmentFlag.AlignVCenter,
                         index.data(Qt.ItemDataRole.DisplayRole))
        font.setBold(False)
        font.setPixelSize(theme.FONT_SMALL)
        painter.setFont(font)
        painter.setPen(QColor(theme.TEXT_SOFT if chosen else theme.MUTED))
        painter.drawText(QRect(left, box.top() + 26, width, box.height() - 28),
                         Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap, index.data(Qt.ItemDataRole.ToolTipRole))
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        return QSize(180, 64)


class SectionedTab(QWidget):
    """``sections``: (title, hint, factory) triples; ``page(i)`` builds page i on first use."""

    def __init__(self, sections: list[tuple[str, str, Callable[[], QWidget]]], name: str, parent=None):
        super().__init__(parent)
        self._factories = [factory for _, _, factory in sections]
        self._titles = [title for title, _, _ in sections]
        self._pages: list[QWidget | None] = [None] * len(sections)
        self.sections = QListWidget()
        self.sections.setObjectName(name)
        self.sections.setFixedWidth(190)
        self.sections.setStyleSheet(f"#{name} {{ background: {theme.BASE}; border: none; "
                                    f"border-right: 1px solid {theme.BORDER}; padding-top: 6px; }}")
        self.sections.setItemDelegate(_EntryDelegate(self.sections))
        self.sections.setMouseTracking(True)
        self.stack = QStackedWidget()
        for number, (title, hint, _) in enumerate(sections, 1):
            item = QListWidgetItem(f"{number}   {title}")
            item.setToolTip(hint)
            self.sections.addItem(item)
            self.stack.addWidget(QWidget())  # a stand-in until the page is first shown
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.sections)
        layout.addWidget(self.stack, 1)
        self.sections.currentRowChanged.connect(lambda row: self.stack.setCurrentWidget(self.page(row)))
        self.sections.setCurrentRow(0)

    @property
    def pages(self) -> list[QWidget]:
        """Every page, each built now if it has not been yet."""
        return [self.page(i) for i in range(len(self._pages))]

    def page(self, index: int) -> QWidget:
        """Page ``index``, built now if it has not been yet."""
        if self._pages[index] is None:
            page = self._factories[index]()
            stand_in = self.stack.widget(index)
            self.stack.insertWidget(index, page)
            self.stack.removeWidget(stand_in)
            stand_in.deleteLater()
            self._pages[index] = page
        return self._pages[index]

    @property
    def built_pages(self) -> list[QWidget]:
        return [p for p in self._pages if p is not None]

    def show_section(self, index: int) -> None:
        self.sections.setCurrentRow(index)

    # the page protocol (the layout audit's): pages named after their titles, "gradient-descent"
    def page_names(self) -> list[str]:
        return ["-".join(title.lower().split()) for title in self._titles]

    def show_page(self, name: str) -> QWidget:
        self.show_section(self.page_names().index(name))
        return self.stack.currentWidget()

    def export_widget(self) -> QWidget:
        """File → Export saves the page on screen."""
        return self.stack.currentWidget()

    def shutdown(self) -> None:
        """Stop every built page's timers and background work."""
        for page in self.built_pages:
            if hasattr(page, "shutdown"):
                page.shutdown()
