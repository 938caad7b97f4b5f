"""One finding of the layout audit, and how it names the widget or plot it is about."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6 import QtGui
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import (QAbstractButton, QAbstractSpinBox, QComboBox, QFormLayout, QGroupBox, QLabel, QLayout,
                               QLineEdit, QSlider, QWidget)

from app.widgets.live_text import LiveText

#: at most this many ancestors in a widget's short parent chain
CHAIN_LENGTH = 3
#: texts quoted in a name are cut to this many characters
QUOTE_LENGTH = 40


@dataclass(frozen=True)
class Violation:
    """``rule``: which rule (``text``, ``outside``, ``overlap``, ``scroll``, ``squashed``, ``data``,
    ``legend``, ``ticks``, ``window``); ``where``: the widget or plot, named for a reader;
    ``detail``: what is wrong, with the numbers."""

    rule: str
    where: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.where}: {self.detail}"


def quote(text: str) -> str:
    """``text`` on one line, cut short, in quotes (rich text loses its tags)."""
    if QtGui.Qt.mightBeRichText(text):
        text = QTextDocumentFragment.fromHtml(text).toPlainText()
    plain = " ".join(text.split())
    if len(plain) > QUOTE_LENGTH:
        plain = plain[:QUOTE_LENGTH - 1] + "…"
    return f"“{plain}”"


def own_name(widget: QWidget) -> str:
    """The class, with its object name or text if it has one: ``QLabel “Learning rate η”``."""
    name = type(widget).__name__
    if widget.objectName() and not widget.objectName().startswith("qt_"):
        name += f"#{widget.objectName()}"
    text = ""
    if isinstance(widget, (QLabel, QAbstractButton, QAbstractSpinBox, QLineEdit)):
        text = widget.text()
    elif isinstance(widget, QComboBox):
        text = widget.currentText()
    elif isinstance(widget, QGroupBox):
        text = widget.title()
    elif isinstance(widget, LiveText):
        text = widget.text()
    named = f"{name} {quote(text)}" if text.strip() else name
    label = field_label(widget)
    return f"{named} (“{label}”)" if label else named


def _layout_items(layout: QLayout) -> list:
    items = []
    for i in range(layout.count()):
        item = layout.itemAt(i)
        items.extend(_layout_items(item.layout()) if item.layout() is not None else [item.widget()])
    return items


def field_label(widget: QWidget) -> str:
    """The text of the label that names an input: its form row's label, else the QLabel placed just
    before it in its parent's layout (empty if there is none)."""
    if not isinstance(widget, (QAbstractSpinBox, QComboBox, QLineEdit, QSlider)):
        return ""
    parent = widget.parentWidget()
    layout = parent.layout() if parent is not None else None
    if isinstance(layout, QFormLayout) and isinstance(layout.labelForField(widget), QLabel):
        return " ".join(layout.labelForField(widget).text().split())
    items = _layout_items(layout) if layout is not None else []
    if widget in items and items.index(widget) > 0:
        before = items[items.index(widget) - 1]
        if isinstance(before, QLabel):
            return quote(before.text())[1:-1]
    return ""


def _telling(widget: QWidget) -> bool:
    """An ancestor worth naming in a chain: one of the app's own classes or a named widget."""
    return type(widget).__module__.startswith("app.") or (
        bool(widget.objectName()) and not widget.objectName().startswith("qt_"))


def describe(widget: QWidget) -> str:
    """The widget and a short chain of its telling ancestors: ``QLabel “η” < SetupForm < TrainTab``."""
    chain = []
    parent = widget.parentWidget()
    while parent is not None and len(chain) < CHAIN_LENGTH:
        if _telling(parent):
            chain.append(own_name(parent).split(" “")[0])
        parent = parent.parentWidget()
    return " < ".join([own_name(widget), *chain])
