"""A label for text that changes many times a second (e.g. while the user draws).

Unlike QLabel, changing the text never asks the window to lay itself out again: the widget has a
fixed number of lines, paints its own background (opaque, so nothing behind it repaints) and draws
the (simple HTML) text with a cached QStaticText. ``plain=True`` takes plain text (its line breaks
kept, nothing read as markup); ``family`` a font family (e.g. ``theme.MONOSPACE``).
"""
from __future__ import annotations

import html

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QStaticText, QTextOption
from PySide6.QtWidgets import QSizePolicy, QWidget

from app import theme


class LiveText(QWidget):
    def __init__(self, lines: int = 1, background: str = theme.SURFACE, colour: str = theme.TEXT,
                 align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft, pixels: int | None = None,
                 bold: bool = False, plain: bool = False, family: str | None = None, parent=None):
        super().__init__(parent)
        self.lines = lines
        self.background = QColor(background)
        self.colour = QColor(colour)
        self.align = align
        font = self.font()
        if pixels:  # one of the theme's sizes (else the application's font)
            font.setPixelSize(pixels)
        font.setBold(bold)
        if family:
            font.setFamilies([name.strip() for name in family.split(",")])
        self.setFont(font)
        self.plain = plain
        self._text = ""
        self._static = QStaticText()
        self._static.setTextFormat(Qt.TextFormat.RichText)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 4)

    def setText(self, text: str) -> None:  # noqa: N802 (QLabel's name, so the two are interchangeable)
        if text != self._text:
            self._text = text
            self._static.setText(html.escape(text).replace("\n", "<br>") if self.plain else text)
            self._static.prepare(font=self.font())
            self.update()

    def text(self) -> str:
        return self._text

    def sizeHint(self) -> QSize:
        return QSize(120, self.height())

    def resizeEvent(self, event) -> None:
        option = QTextOption(self.align)
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        self._static.setTextOption(option)
        self._static.setTextWidth(self.width())
        self._static.prepare(font=self.font())
        super().resizeEvent(event)

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), self.background)
        p.setPen(self.colour)
        p.setFont(self.font())
        p.drawStaticText(QPointF(0, 2), self._static)
        p.end()
