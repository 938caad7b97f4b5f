"""One finding of the layout audit, and how it names the widget or plot it is about."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6 import QtGui
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QWidget

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
    if isinstance(widget, (QLabel, QAbstractButton)):
        text = widget.text()
    elif isinstance(widget, QGroupBox):
        text = widget.title()
    return f"{name} {quote(text)}" if text.strip() else name


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
