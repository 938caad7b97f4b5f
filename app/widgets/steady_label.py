"""A wrapped rich-text label that holds its height while its text changes, so that what lies under it
stays put: a read-out whose numbers grow a digit, a note that appears, a line that wraps at a narrow
width would otherwise push the controls below it down (and back up), under the user's pointer.

It is as tall as the tallest of the texts it is told to make room for (``reserve``: texts as long as
it will get) and of every text it has shown at its current width; a new width starts again from the
reserve and the text it shows.
"""
from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument, QTextOption
from PySide6.QtWidgets import QLabel, QSizePolicy


class SteadyLabel(QLabel):
    def __init__(self, text: str = "", reserve=(), parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.reserve = list(reserve)
        self._held_width = -1
        self.setText(text)

    def set_reserve(self, *texts: str) -> None:
        """Make room for each of ``texts`` from now on."""
        self.reserve = list(texts)
        self._held_width = -1
        self._hold(self.text())

    def setText(self, text: str) -> None:  # noqa: N802 (QLabel's name)
        if text != self.text():
            super().setText(text)
        self._hold(text)

    def text_height(self, html: str, width: int) -> int:
        """How tall ``html`` is laid out at ``width`` pixels in this label's font and margins."""
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(self.font())
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        doc.setDefaultTextOption(option)
        doc.setHtml(html)
        margins = self.contentsMargins()
        doc.setTextWidth(max(1, width - margins.left() - margins.right() - 2 * self.margin()))
        return math.ceil(doc.size().height()) + margins.top() + margins.bottom() + 2 * self.margin()

    def _hold(self, html: str) -> None:
        width = self.width()
        if width <= 1 or not self.isVisible():
            return  # (laid out later: resizeEvent holds it then)
        if width != self._held_width:
            self._held_width = width
            floor = max((self.text_height(t, width) for t in self.reserve), default=0)
            self.setMinimumHeight(max(floor, self.text_height(html, width)) if html or floor else 0)
            return
        need = self.text_height(html, width) if html else 0
        if need > self.minimumHeight():
            self.setMinimumHeight(need)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._hold(self.text())

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._hold(self.text())
