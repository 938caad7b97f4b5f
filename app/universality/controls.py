"""Small controls for the Universality pages: a slider tied to a spin box, a page header, a score badge."""
from __future__ import annotations

import math

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (QDoubleSpinBox, QFrame, QHBoxLayout, QLabel, QScrollArea, QSizePolicy, QSlider,
                               QVBoxLayout, QWidget)

from app import theme
from app.theme.styles import CARD


class ValueSlider(QWidget):
    """A labelled slider with a spin box for typing exact values.

    ``scale="cubic"`` maps the slider's travel as value = max·t³ (t in [−1, 1]), so small values get
    fine control and the ends still reach ±max (weights from 0.1 to 1000 on one slider)."""

    valueChanged = Signal(float)

    STEPS = 1000

    def __init__(self, label: str, minimum: float, maximum: float, value: float, decimals: int = 2,
                 scale: str = "linear", tooltip: str = "", parent=None):
        super().__init__(parent)
        self.minimum, self.maximum, self.scale = float(minimum), float(maximum), scale
        self.label = QLabel(label)
        self.label.setMinimumWidth(28)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(-self.STEPS if scale == "cubic" else 0, self.STEPS)
        self.slider.setMinimumWidth(120)
        self.spin = QDoubleSpinBox()
        self.spin.setRange(self.minimum, self.maximum)
        self.spin.setDecimals(decimals)
        self.spin.setSingleStep(10 ** -(decimals - 1) if decimals > 0 else 1)
        self.spin.setKeyboardTracking(False)
        self.spin.setMinimumWidth(86)
        self.spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        if tooltip:
            for w in (self.label, self.slider, self.spin):
                w.setToolTip(tooltip)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.spin)
        self._value = float("nan")
        self.slider.valueChanged.connect(self._slider_moved)
        self.spin.valueChanged.connect(self._spin_changed)
        self.setValue(value)

    def value(self) -> float:
        return self._value

    def setValue(self, value: float, emit: bool = True) -> None:
        value = min(max(float(value), self.minimum), self.maximum)
        changed = value != self._value
        self._value = value
        for w, v in ((self.slider, self._to_slider(value)), (self.spin, value)):
            w.blockSignals(True)
            w.setValue(v)
            w.blockSignals(False)
        if changed and emit:
            self.valueChanged.emit(value)

    def setLabel(self, text: str) -> None:
        self.label.setText(text)

    def _to_slider(self, value: float) -> int:
        if self.scale == "cubic":
            t = math.copysign(abs(value / self.maximum) ** (1 / 3), value)
            return round(t * self.STEPS)
        return round((value - self.minimum) / (self.maximum - self.minimum) * self.STEPS)

    def _from_slider(self, position: int) -> float:
        t = position / self.STEPS
        if self.scale == "cubic":
            return self.maximum * t ** 3
        return self.minimum + t * (self.maximum - self.minimum)

    def _slider_moved(self, position: int) -> None:
        value = round(self._from_slider(position), self.spin.decimals())
        self.setValue(value)

    def _spin_changed(self, value: float) -> None:
        self.setValue(value)


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
