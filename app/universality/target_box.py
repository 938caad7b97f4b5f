"""Choosing the function to approximate: a preset, a typed formula, or (1-D) a curve drawn with the mouse."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout

from app.universality.controls import error_label, show_error
from app.widgets.page_parts import note_label
from core import universality as u
from core.formula import allowed_names

TYPED = "Typed formula"
DRAWN = "Drawn with the mouse"


class TargetBox(QGroupBox):
    """Emits ``target_changed(target, name)`` with a callable f(x) (or f(x, y)) when the user picks a
    preset or applies a formula. A refused formula shows its reason inline and keeps the old target."""

    target_changed = Signal(object, str)
    draw_toggled = Signal(bool)

    def __init__(self, presets: dict[str, str], variables: tuple[str, ...] = ("x",), drawable: bool = False,
                 parent=None):
        super().__init__("Function to approximate", parent)
        self.presets, self.variables = presets, variables
        self.combo = QComboBox()
        self.combo.addItems(list(presets) + [TYPED] + ([DRAWN] if drawable else []))
        self.formula = QLineEdit()
        self.formula.setPlaceholderText("f(" + ", ".join(variables) + ") = …   e.g. 0.5 + 0.3*sin(8*x)")
        self.formula.setToolTip("Python-style arithmetic with ** for powers and a if c else b;\n"
                                + allowed_names(variables))
        self.apply_button = QPushButton("Apply")
        self.error = error_label()
        self.note = note_label()
        self.note.setVisible(False)
        row = QHBoxLayout()
        row.addWidget(self.formula, 1)
        row.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.combo, 1)
        self.draw_button = None
        if drawable:
            self.draw_button = QPushButton("✎ Draw f")
            self.draw_button.setCheckable(True)
            self.draw_button.setToolTip("Then drag on the lower plot to draw f(x) with the mouse")
            self.draw_button.toggled.connect(self.draw_toggled.emit)
            top.addWidget(self.draw_button)
        layout.addLayout(top)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(self.note)
        self.combo.activated.connect(self._picked)
        self.apply_button.clicked.connect(self.apply_formula)
        self.formula.returnPressed.connect(self.apply_formula)
        self.formula.setText(next(iter(presets.values())))
        self.formula.setCursorPosition(0)

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
        except ValueError as exc:
            self.refuse(str(exc))
            return False
        show_error(self.error, "")
        if self.draw_button is not None:
            self.draw_button.setChecked(False)
        name = next((n for n, t in self.presets.items() if t == text.strip()), TYPED)
        self.combo.setCurrentText(name)
        self.target_changed.emit(target, name)
        return True

    def refuse(self, reason: str) -> None:
        """Say why the formula cannot be used (the target stays as it was)."""
        show_error(self.error, f"Formula refused: {reason}")

    def set_drawn(self) -> None:
        """Show that the target is now the curve drawn with the mouse."""
        self.combo.setCurrentText(DRAWN)
        show_error(self.error, "")

    def note_clipping(self, outside: float, domain: str) -> None:
        """Say (or stop saying) that f leaves [0, 1] on a fraction ``outside`` of the interval or square."""
        if not outside:
            self.set_note("")
            return
        share = "over 99%" if 0.995 <= outside < 1 else f"{outside:.0%}" if outside >= 0.01 else "under 1%"
        self.set_note(f"f leaves [0, 1] on {share} of the {domain}; the output σ(·) cannot, so σ⁻¹ uses f "
                      f"clipped to [{u.CLIP}, {1 - u.CLIP}].")

    def set_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))
