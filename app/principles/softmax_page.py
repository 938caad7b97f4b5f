"""Page 4: softmax (chapter 3) — four weighted inputs, their softmax outputs, a scale c that turns
softmax into argmax, and the log-likelihood cost of a target class with its δ = a − y."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QVBoxLayout, QWidget

from app import theme
from app.numbers import number
from app.principles.common import equation_label, frame, plot, vector
from app.widgets.page_parts import note_label
from app.widgets.text_labels import label_item
from app.widgets.value_slider import ValueSlider
from core import softmax

START = (2.5, -1.0, 3.2, 0.5)  # the book's example: outputs 0.315, 0.009, 0.633, 0.043


class SoftmaxPage(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = plot("Softmax outputs aⱼ = e^(c zⱼ) / Σₖ e^(c zₖ)", "output neuron j", "",
                              x_range=(0.4, 4.6), y_range=(0, 1.16))  # (room for the label over a bar of 1)
        self.plot.getPlotItem().getAxis("bottom").setTicks([[(j, str(j)) for j in range(1, 5)]])
        self.bars = pg.BarGraphItem(x=np.arange(1, 5), height=np.zeros(4), width=0.55, brush=theme.ACCENT, pen=None)
        self.target_bar = pg.BarGraphItem(x=[1], height=[1], width=0.62, brush=None,
                                          pen=pg.mkPen(theme.WARNING, width=2, style=pg.QtCore.Qt.PenStyle.DashLine))
        self.plot.addItem(self.target_bar)
        self.plot.addItem(self.bars)
        self.labels = [label_item(anchor=(0.5, 1), size=11) for _ in range(4)]
        for label in self.labels:
            self.plot.addItem(label)

        inputs = QGroupBox("Weighted inputs z")
        box = QVBoxLayout(inputs)
        self.z = [ValueSlider(f"z{'₁₂₃₄'[j]}", -5, 5, START[j], 1,
                              tooltip="the weighted input zⱼ of output neuron j (chapter 3, equation 78)")
                  for j in range(4)]
        for slider in self.z:  # one decimal: steps of 0.1 from −5 to 5
            box.addWidget(slider)
        self.scale = ValueSlider("c", 0.0, 10.0, 1.0, 1, tooltip="a scale c: the outputs are softmax(c z); as c grows "
                                 "the largest zⱼ takes everything (softmax → argmax); c = 1 is the book's")
        form = QFormLayout()
        self.target = QComboBox()
        self.target.addItems([f"neuron {j}" for j in range(1, 5)])
        self.target.setCurrentIndex(2)
        self.target.setToolTip("the right answer y: the log-likelihood cost is C = −ln a_y (chapter 3, equation 80)")
        form.addRow("Target class y", self.target)
        self.readout = equation_label(READOUT_RESERVE)
        side = QVBoxLayout()
        side.addWidget(inputs)
        side.addWidget(self.scale)
        side.addLayout(form)
        side.addWidget(self.readout)
        side.addWidget(note_label("The outputs are positive and sum to 1: a probability distribution. Raise one zⱼ "
                                   "and its output grows while every other falls. Scale c up and the largest output "
                                   "heads for 1; down to 0 and all four approach ¼."))
        frame(self, "Softmax",
              "A softmax output layer turns its weighted inputs into probabilities: aⱼ = e^zⱼ / Σₖ e^zₖ. Paired with "
              "the log-likelihood cost C = −ln a_y, its error is simply δ = a − y, so, like cross-entropy with "
              "sigmoids, it has no learning slowdown.", self.plot, side, 340)
        for slider in (*self.z, self.scale):
            slider.valueChanged.connect(lambda _: self.redraw())
        self.target.currentIndexChanged.connect(lambda _: self.redraw())
        self.redraw()

    def redraw(self) -> None:
        z = np.array([s.value() for s in self.z])
        c, target = self.scale.value(), self.target.currentIndex()
        result = softmax.evaluate(z, target, c)
        self.outputs = result.a
        self.bars.setOpts(height=result.a)
        self.target_bar.setOpts(x=[target + 1], height=[1.0])
        for j, label in enumerate(self.labels):
            label.setText(number(result.a[j]))
            label.setPos(j + 1, result.a[j] + 0.06)
        self.readout.setText(readout_text(result, target))


def readout_text(result: softmax.SoftmaxLayer, target: int) -> str:
    """The outputs and the log-likelihood cost of ``target`` worked out, with δ = a − y (equation 81)."""
    y = np.eye(len(result.a))[target]
    return "<br>".join([
        f"c·z = {vector(result.z, 2)}",
        f"a = softmax(c·z) = {vector(result.a)}",
        f"Σ a = {number(float(result.a.sum()))}",
        f"C = −ln a<sub>{target + 1}</sub> = −ln {number(result.a[target], 4)} = {number(result.cost, 4)}",
        f"δ = a − y = {vector(result.a)} − {vector(y, 1)}",
        f"  = {vector(result.delta)}  (equation 81)"])


#: texts as long as the read-out gets: tiny outputs (c large), for each target
READOUT_RESERVE = [readout_text(softmax.evaluate(z, target, 9.9), target)
                   for z in ([-2.5, -1.1, 3.2, 0.5], [-4.9, -3.7, 4.7, 4.8]) for target in range(4)]
