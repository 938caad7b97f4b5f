"""The small CNN builder: one row per layer (conv + pool, conv, max-pool, fully connected, dropout),
then the output layer of 10. Rows can be added, removed and changed; ``changed`` fires on any edit.

A row fits the set-up panel's width: its numbers are spin boxes without arrows (type a number, or
use the wheel or the up and down keys), each as wide as its text.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractSpinBox, QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QPushButton,
                               QSpinBox, QToolButton, QVBoxLayout, QWidget)

from app.train.plan import HIDDEN_ACTIVATIONS, INIT_NAMES, ROW_KINDS, ROW_NAMES, LayerRow

ROW_TIP = "conv + pool: a convolution, max-pooling, then the activation (network3's ConvPoolLayer)"


def _compact(spin: QAbstractSpinBox, tip: str) -> QAbstractSpinBox:
    spin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    spin.setToolTip(tip + " (type it, or use the wheel or the ↑ ↓ keys)")
    return spin


def _spin(low: int, high: int, value: int, tip: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    return _compact(spin, tip)


class LayerRowEditor(QWidget):
    """One layer: its kind, one or two numbers (which ones depends on the kind), its activation."""

    changed = Signal()
    remove_requested = Signal(object)

    def __init__(self, row: LayerRow, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        self.kind = QComboBox()
        for kind in ROW_KINDS:
            self.kind.addItem(ROW_NAMES[kind], kind)
        self.kind.setToolTip(ROW_TIP)
        self.filters = _spin(1, 256, row.filters, "number of filters (feature maps)")
        self.size = _spin(1, 28, row.size, "filter size f: each filter has f×f weights per input map")
        self.size.setPrefix("f ")
        self.pool = _spin(1, 14, row.pool, "max-pooling block size (2 = 2×2 blocks)")
        self.pool.setPrefix("× ")
        self.neurons = _spin(1, 4096, row.neurons, "neurons in the fully connected layer")
        self.p = QDoubleSpinBox()
        self.p.setRange(0.0, 0.95)
        self.p.setSingleStep(0.05)
        self.p.setDecimals(2)
        self.p.setPrefix("p ")
        _compact(self.p, "probability of dropping each input of the next layer while training")
        self.activation = QComboBox()
        self.activation.addItems(HIDDEN_ACTIVATIONS)
        self.activation.setToolTip("activation function of this layer")
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setToolTip("remove this layer")
        self.remove.setAutoRaise(True)
        for w in (self.kind, self.filters, self.neurons, self.p, self.size, self.pool, self.activation):
            layout.addWidget(w)
        layout.addStretch(1)
        layout.addWidget(self.remove)
        self.set_row(row)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        for spin in (self.filters, self.size, self.pool, self.neurons, self.p):
            spin.valueChanged.connect(self.changed)
        self.activation.currentIndexChanged.connect(self.changed)
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))

    def set_row(self, row: LayerRow) -> None:
        self.init = row.init  # kept as loaded (a preset's own initialiser for this layer); not edited here
        self.kind.setToolTip(ROW_TIP + (f"\nThis layer's initial weights: {INIT_NAMES[row.init]}" if row.init else ""))
        for w in (self.kind, self.filters, self.size, self.pool, self.neurons, self.p, self.activation):
            w.blockSignals(True)
        self.kind.setCurrentIndex(ROW_KINDS.index(row.kind))
        self.filters.setValue(row.filters)
        self.size.setValue(row.size)
        self.pool.setValue(row.pool)
        self.neurons.setValue(row.neurons)
        self.p.setValue(row.p)
        self.activation.setCurrentText(row.activation)
        for w in (self.kind, self.filters, self.size, self.pool, self.neurons, self.p, self.activation):
            w.blockSignals(False)
        self._show_fields()

    def row(self) -> LayerRow:
        kind = self.kind.currentData()
        return LayerRow(kind, self.filters.value(), self.size.value(), self.pool.value(), self.neurons.value(),
                        round(self.p.value(), 4), self.activation.currentText(),
                        self.init if kind in ("conv", "conv-pool") else None)

    def _kind_changed(self) -> None:
        self._show_fields()
        self.changed.emit()

    def _show_fields(self) -> None:
        kind = self.kind.currentData()
        self.filters.setVisible(kind in ("conv", "conv-pool"))
        self.size.setVisible(kind in ("conv", "conv-pool"))
        self.pool.setVisible(kind == "pool")  # conv + pool keeps its pooling size (2×2 unless loaded otherwise)
        self.neurons.setVisible(kind == "fc")
        self.p.setVisible(kind == "dropout")
        self.activation.setVisible(kind in ("conv", "conv-pool", "fc"))


class CnnBuilder(QWidget):
    """Rows of layers from the 1×28×28 input to the output layer."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        head = QLabel("Input 1×28×28, then per layer: kind, filters or neurons, filter size, activation")
        head.setObjectName("hint")
        head.setWordWrap(True)
        layout.addWidget(head)
        self.rows_layout = QVBoxLayout()
        self.rows_layout.setSpacing(3)
        layout.addLayout(self.rows_layout)
        foot = QHBoxLayout()
        self.add_button = QPushButton("+ Add layer")
        self.add_button.setToolTip("add a layer before the output layer")
        self.add_button.clicked.connect(self.add_row)
        foot.addWidget(self.add_button)
        tail = QLabel("→ output: 10 neurons")
        tail.setObjectName("hint")
        foot.addWidget(tail, 1)
        layout.addLayout(foot)
        self.editors: list[LayerRowEditor] = []

    def rows(self) -> list[LayerRow]:
        return [e.row() for e in self.editors]

    def set_rows(self, rows: list[LayerRow]) -> None:
        while self.editors:
            self._remove(self.editors[-1], emit=False)
        for row in rows:
            self._append(row)
        self.changed.emit()

    def add_row(self) -> None:
        last = self.editors[-1].row() if self.editors else None
        self._append(LayerRow("fc", neurons=100, activation=last.activation if last else "sigmoid"))
        self.changed.emit()

    def _append(self, row: LayerRow) -> LayerRowEditor:
        editor = LayerRowEditor(row)
        editor.changed.connect(self.changed)
        editor.remove_requested.connect(self._remove)
        self.rows_layout.addWidget(editor)
        self.editors.append(editor)
        return editor

    def _remove(self, editor: LayerRowEditor, emit: bool = True) -> None:
        self.editors.remove(editor)
        self.rows_layout.removeWidget(editor)
        editor.hide()  # at once: deleteLater waits for the event loop
        editor.deleteLater()
        if emit:
            self.changed.emit()
