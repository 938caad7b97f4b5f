"""Small controls of the Universality pages: an inline error message and a score badge."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout

from app import theme
from app.theme.styles import CARD


def error_label() -> QLabel:
    """An inline message for refused input (empty = hidden)."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(theme.text_style(theme.ERROR, theme.FONT_NOTE))
    label.setVisible(False)
    return label


def show_error(label: QLabel, message: str) -> None:
    label.setText(message)
    label.setVisible(bool(message))


class ScoreBadge(QFrame):
    """The book's score in large type, green with "Success!" at or below the threshold; beside it,
    ``detail`` (two short lines of rich text, e.g. the best score there is)."""

    def __init__(self, caption: str, threshold: float | None = None, parent=None):
        super().__init__(parent)
        self.threshold = threshold
        self.setObjectName("scoreBadge")
        self.setStyleSheet(f"#scoreBadge {{ {CARD} }}")
        self.caption = QLabel(caption)
        self.caption.setStyleSheet(theme.text_style(theme.MUTED, theme.FONT_NOTE, extra="border: none;"))
        self.value = QLabel("—")
        self.value.setStyleSheet(self._large(theme.TEXT))
        self.verdict = QLabel("")
        self.verdict.setStyleSheet(theme.text_style(theme.SUCCESS, theme.FONT_HEADING, bold=True, extra="border: none;"))
        self.detail = QLabel("")
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setStyleSheet(theme.text_style(theme.MUTED, theme.FONT_SMALL, extra="border: none;"))
        row = QHBoxLayout()
        row.addWidget(self.value)
        row.addSpacing(8)
        row.addWidget(self.detail, 1)
        row.addWidget(self.verdict)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(0)
        layout.addWidget(self.caption)
        layout.addLayout(row)

    def set_score(self, score: float) -> None:
        self.value.setText(f"{score:.3f}")
        success = self.threshold is not None and round(score, 3) <= self.threshold
        colour = theme.SUCCESS if success else (theme.WARNING if self.threshold is not None else theme.TEXT)
        self.value.setStyleSheet(self._large(colour))
        self.verdict.setText("Success!" if success else "")

    @staticmethod
    def _large(colour: str) -> str:
        return theme.text_style(colour, theme.FONT_DISPLAY, bold=True, extra="border: none;")

    @property
    def success(self) -> bool:
        return self.verdict.text() == "Success!"
