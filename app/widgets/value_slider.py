"""A labelled slider tied to a spin box for typing exact values (the Principles and Universality pages)."""
from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QSlider, QWidget


MIN_LABEL_WIDTH = 28  # pixels


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
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.setLabel(label)
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
        """The label's text; its width never goes below the text's (nor below the width of "μ" and a
        little air, so that short labels line their sliders up)."""
        self.label.setText(text)
        self.label.setMinimumWidth(max(MIN_LABEL_WIDTH, self.label.sizeHint().width()))

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
