"""Choosing the function to approximate: a preset, a typed formula, or (1-D) a curve drawn with the mouse.

The box always shows the target in use: a refused formula keeps its text (to be corrected) under a
message that goes as soon as the text is edited or another target is chosen, and while a drawn curve
is the target the formula field is empty (its placeholder says so). The refusal, or else the note
that f leaves [0, 1], shows in two lines kept for them under the formula: nothing below moves when
either comes or goes."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app import numbers, theme
from app.theme.palette import font
from app.universality.controls import error_label
from app.widgets.page_parts import note_label
from core import universality as u
from core.formula import allowed_names

TYPED = "Typed formula"
DRAWN = "Drawn with the mouse"
DRAW_OFF, DRAW_ON = "✎ Draw f", "✎ Drawing f…"
#: the draw button, on: filled in the accent's colours so that it reads as pressed
DRAW_BUTTON = (f"QPushButton:checked {{ background: {theme.SELECTED}; border: 1px solid {theme.ACCENT}; "
               f"color: {theme.TEXT_STRONG}; }}")
MESSAGE_LINES = 2  # kept under the formula for a refusal or a note


class TargetBox(QGroupBox):
    """Emits ``target_changed(target, name)`` with a callable f(x) (or f(x, y)) when the user picks a
    preset or applies a formula. A refused formula shows its reason inline and keeps the old target;
    ``validate(target)`` (raising ValueError) refuses what parses but the page cannot use."""

    target_changed = Signal(object, str)
    draw_toggled = Signal(bool)

    def __init__(self, presets: dict[str, str], variables: tuple[str, ...] = ("x",), drawable: bool = False,
                 parent=None):
        super().__init__("Function to approximate", parent)
        self.presets, self.variables = presets, variables
        self.validate: Callable[[object], None] | None = None
        self.combo = QComboBox()
        self.combo.addItems(list(presets) + [TYPED] + ([DRAWN] if drawable else []))
        self.formula = QLineEdit()
        self.placeholder = "f(" + ", ".join(variables) + ") = …   e.g. 0.5 + 0.3*sin(8*x)"
        self.formula.setPlaceholderText(self.placeholder)
        self.formula.setToolTip("Python-style arithmetic with ** for powers and a if c else b;\n"
                                + allowed_names(variables))
        self.apply_button = QPushButton("Apply")
        self.error = error_label()
        self.note = note_label()
        self.note.setVisible(False)
        self._note_text = ""
        messages = QWidget()  # (as tall as two lines whether or not either speaks)
        box = QVBoxLayout(messages)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.error)
        box.addWidget(self.note)
        box.addStretch(1)
        messages.setMinimumHeight(QFontMetrics(font(theme.FONT_NOTE)).lineSpacing() * MESSAGE_LINES)
        row = QHBoxLayout()
        row.addWidget(self.formula, 1)
        row.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.combo, 1)
        self.draw_button = None
        if drawable:
            self.draw_button = QPushButton(DRAW_ON)
            self.draw_button.setCheckable(True)
            self.draw_button.setStyleSheet(DRAW_BUTTON)
            self.draw_button.setMinimumWidth(self.draw_button.sizeHint().width())  # (the longer text's width)
            self.draw_button.setText(DRAW_OFF)
            self.draw_button.setToolTip("On: drag across either plot to draw the target f(x) with the mouse "
                                        "(the upper plot draws it as σ⁻¹∘f); click again to stop")
            self.draw_button.toggled.connect(self._draw_toggled)
            top.addWidget(self.draw_button)
        layout.addLayout(top)
        formula = QVBoxLayout()  # (the formula and what is said of it, close together)
        formula.setSpacing(2)
        formula.addLayout(row)
        formula.addWidget(messages)
        layout.addLayout(formula)
        self.combo.activated.connect(self._picked)
        self.apply_button.clicked.connect(self.apply_formula)
        self.formula.returnPressed.connect(self.apply_formula)
        self.formula.textEdited.connect(lambda _: self._show_error(""))  # (it spoke of the old text)
        self.formula.setText(next(iter(presets.values())))
        self.formula.setCursorPosition(0)

    def _draw_toggled(self, on: bool) -> None:
        self.draw_button.setText(DRAW_ON if on else DRAW_OFF)
        self.draw_toggled.emit(on)

    def _picked(self, index: int) -> None:
        name = self.combo.itemText(index)
        if name in self.presets:
            self.formula.setText(self.presets[name])
            self.formula.setCursorPosition(0)
            self.apply_formula()
        elif name == DRAWN and self.draw_button is not None:
            self.draw_button.setChecked(True)
        elif name == TYPED:
            self.formula.setFocus()
            self.formula.selectAll()

    def apply_formula(self) -> bool:
        """Parse the typed formula; on success emit the new target, else show why not."""
        text = self.formula.text()
        try:
            target = u.formula_target(text) if self.variables == ("x",) else u.formula_target_2d(text)
            if self.validate is not None:
                self.validate(target)
        except ValueError as exc:
            self.refuse(str(exc))
            return False
        self._show_error("")
        if self.draw_button is not None:
            self.draw_button.setChecked(False)
        self.formula.setPlaceholderText(self.placeholder)
        name = next((n for n, t in self.presets.items() if t == text.strip()), TYPED)
        self.combo.setCurrentText(name)
        self.target_changed.emit(target, name)
        return True

    def refuse(self, reason: str) -> None:
        """Say why the formula cannot be used (the target stays as it was)."""
        self._show_error(f"Formula refused: {reason}")

    def set_drawn(self) -> None:
        """Show that the target is now the curve drawn with the mouse (no formula: none is in use)."""
        self.combo.setCurrentText(DRAWN)
        self._show_error("")
        if self.formula.text():
            self.formula.clear()
            self.formula.setPlaceholderText("drawn: type a formula to replace it")

    def show_target(self, name: str, formula: str) -> None:
        """Show a target given by a formula (one chosen before, brought back by Undo)."""
        self.combo.setCurrentText(name)
        self.formula.setText(formula)
        self.formula.setCursorPosition(0)
        self.formula.setPlaceholderText(self.placeholder)
        self._show_error("")

    def note_clipping(self, outside: float, domain: str) -> None:
        """Say (or stop saying) that f leaves [0, 1] on a fraction ``outside`` of the interval or square."""
        if not outside:
            self.set_note("")
            return
        share = "over 99%" if 0.995 <= outside < 1 else numbers.percent(outside, 0) if outside >= 0.01 else "under 1%"
        self.set_note(f"f leaves [0, 1] on {share} of the {domain}, which σ(·) cannot: σ⁻¹ uses f clipped "
                      f"to [{u.CLIP}, {1 - u.CLIP}].")

    def set_note(self, text: str) -> None:
        self._note_text = text
        self.note.setText(text)
        self.note.setVisible(bool(text) and not self.error.text())

    def _show_error(self, message: str) -> None:
        """A refusal (empty: none) in the message lines; the note waits while there is one."""
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.note.setVisible(bool(self._note_text) and not message)
