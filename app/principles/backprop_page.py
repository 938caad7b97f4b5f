"""Page 2: backpropagation step by step (chapter 2) on a tiny network, every number visible.

The numbers are the project's own backpropagation (:func:`core.backprop_trace.trace` runs the
network's layers). Step forward layer by layer, then BP1, BP2 back to the first layer, then BP3 and
BP4; each step shows its equation with the numbers in it. Any weight (an edge) or bias (a neuron) can
be dragged in the diagram or typed; "Check" compares BP4's ∂C/∂w (BP3's ∂C/∂b) with a central
difference; a gradient-descent step shows the cost fall.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractSpinBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QScrollArea,
                               QSizePolicy, QVBoxLayout, QWidget)

from app import theme
from app.numbers import number, superscript
from app.principles import backprop_equations as eq
from app.principles.backprop_diagram import BIAS, BackpropDiagram
from app.widgets.spin_boxes import int_spin, real_spin
from app.principles.common import button, equation_label, frame, plot, strong, subscript

from app.widgets.page_parts import note_label
from app.widgets.prediction import ChoicePrediction
from core import backprop_trace

DEFAULT_X = [0.8, 0.3, -0.5, 0.1]
DEFAULT_Y = [1.0, 0.0, 0.0, 1.0]
LIMITS = {"inputs": (1, 4), "hidden": (1, 5), "outputs": (1, 4)}
EQUATION_LEAST, EQUATION_MOST = 96, 128  # pixels: the equation box's height


class BackpropPage(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.network = backprop_trace.tiny_network()
        self.records: list[backprop_trace.LayerTrace] = []
        self.step_index = 0
        self.costs: list[float] = []

        self.diagram = BackpropDiagram()
        self.stage = QLabel()
        self.stage.setStyleSheet(f"color: {theme.TEXT_STRONG}; font-size: {theme.FONT_TITLE}px; font-weight: 600;")
        self.back_button = button("◀ Back", "The previous step")
        self.next_button = button("Next ▶", "The next step: forward layer by layer (equation 25), then BP1, BP2, "
                                            "BP3 and BP4", primary=True)
        self.all_button = button("End", "Jump to the last step: every z, a, δ and ∂C/∂w")
        self.restart_button = button("Start", "From the start: back to the first forward step")
        # the step's title on a line of its own (beside the buttons it wrapped, to a height that changed
        # with the step and moved the diagram), the buttons under it
        steps_row = QHBoxLayout()
        for b in (self.restart_button, self.back_button, self.next_button, self.all_button):
            b.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            steps_row.addWidget(b)
        steps_row.addStretch(1)
        self.equation = equation_label()
        self.equation.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.equation.setStyleSheet(self.equation.styleSheet() + f"background: {theme.BASE}; padding: 6px;")
        # a box whose height follows the window's, not the equation's: a longer equation scrolls instead of
        # moving the diagram (and costs no relayout of the page); in a short window it gives up a little
        # height to a diagram whose tallest column needs it
        equation_box = QScrollArea()
        equation_box.setWidget(self.equation)
        equation_box.setWidgetResizable(True)
        equation_box.setMinimumHeight(EQUATION_LEAST)
        equation_box.setMaximumHeight(EQUATION_MOST)
        equation_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        equation_box.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        equation_box.setStyleSheet(f"QScrollArea {{ border: 1px solid {theme.BORDER}; background: {theme.BASE}; }}")
        view = QVBoxLayout()
        view.addWidget(self.stage)
        view.addLayout(steps_row)
        view.addWidget(self.diagram, 3)
        view.addWidget(equation_box, 0)

        # --- the side column --------------------------------------------------------------------------
        net_box = QGroupBox("Network")
        net_form = QFormLayout(net_box)
        self.size_boxes = {}
        sizes_row = QHBoxLayout()
        for name, default in (("inputs", 2), ("hidden", 3), ("outputs", 2)):
            box = int_spin(*LIMITS[name], default, tip=f"neurons in the {name} layer (sigmoid neurons, chapter 1)")
            self.size_boxes[name] = box
            sizes_row.addWidget(box)
        net_form.addRow("Sizes", sizes_row)
        self.seed = int_spin(0, 9999, 0, tip="the random start: weights and biases N(0, 1), as in chapter 1")
        self.cost_choice = QComboBox()
        self.cost_choice.addItem("quadratic  ½‖y − a‖²", "quadratic")
        self.cost_choice.addItem("cross-entropy", "cross-entropy")
        self.cost_choice.setToolTip("the cost C: quadratic (chapter 1, equation 6; BP1 has σ′) or cross-entropy "
                                    "(chapter 3, equation 63; BP1 is a − y)")
        net_form.addRow("Seed", self.seed)
        net_form.addRow("Cost", self.cost_choice)
        self.x_row, self.y_row = QHBoxLayout(), QHBoxLayout()
        self.x_boxes: list = []
        self.y_boxes: list = []
        net_form.addRow("Input x", self.x_row)
        net_form.addRow("Target y", self.y_row)

        weight_box = QGroupBox("Selected weight or bias (click an edge or a neuron)")
        weight_layout = QVBoxLayout(weight_box)
        self.weight_name = QLabel()
        self.weight_value = real_spin(-20, 20, 0, 0.05, 3, "type the weight or bias, or drag its edge (its neuron) in "
                                                           "the diagram up or down")
        row = QHBoxLayout()
        row.addWidget(self.weight_name)
        row.addWidget(self.weight_value, 1)
        weight_layout.addLayout(row)
        self.epsilon = QComboBox()
        for eps in ("1e-4", "1e-5", "1e-6", "1e-7"):
            self.epsilon.addItem(f"ε = {number(float(eps))}", float(eps))
        self.epsilon.setCurrentIndex(2)
        self.epsilon.setToolTip("the nudge ε of the central difference (C(w + ε) − C(w − ε)) / 2ε")
        self.check_button = button("Check", "Compare BP4's ∂C/∂w (BP3's ∂C/∂b for a bias) with (C(w + ε) − C(w − ε)) "
                                            "/ 2ε, computed by running the network forward twice")
        row2 = QHBoxLayout()
        row2.addWidget(self.epsilon)
        row2.addWidget(self.check_button)
        weight_layout.addLayout(row2)
        self.check_result = equation_label([check_text(2, 5, 4, -0.0123456789, -0.0123456789)])
        weight_layout.addWidget(self.check_result)

        descent_box = QGroupBox("Gradient descent")
        descent_layout = QVBoxLayout(descent_box)
        self.eta = real_spin(0.01, 20.0, 1.0, 0.1, 2, "learning rate η of w → w − η ∂C/∂w, b → b − η ∂C/∂b "
                                                   "(chapter 1, equations 20 and 21)")
        self.step_button = button("Apply one step of gradient descent", "Every weight and bias moves against its "
                                  "gradient (equations 20 and 21); the cost should fall")
        row3 = QHBoxLayout()
        row3.addWidget(QLabel("η"))
        row3.addWidget(self.eta)
        descent_layout.addLayout(row3)
        descent_layout.addWidget(self.step_button)
        self.cost_label = equation_label()
        descent_layout.addWidget(self.cost_label)
        self.cost_plot = plot("", "step", "C", x_range=(0, 10), y_range=(0, 1))
        self.cost_plot.setFixedHeight(120)
        self.cost_curve = self.cost_plot.plot(pen=theme.COST, symbol="o", symbolSize=5, symbolBrush=theme.COST,
                                              name="C")
        descent_layout.addWidget(self.cost_plot)

        self.prediction = ChoicePrediction("Which neuron will have the largest |δ|? Decide, then step through "
                                           "the backward pass.", [])
        side = QVBoxLayout()
        side.addWidget(self.prediction)
        side.addWidget(net_box)
        side.addWidget(weight_box)
        side.addWidget(descent_box)
        side.addWidget(note_label(f"Edges after BP4: {strong('red', theme.POSITIVE)} ∂C/∂w > 0, "
                                   f"{strong('blue', theme.NEGATIVE)} &lt; 0, wider = larger. An amber card is a "
                                   "saturated neuron: σ′(z) &lt; 0.05, so its δ is small and it learns slowly "
                                   "(chapter 5's problem in miniature)."))
        frame(self, "Backpropagation, step by step",
              "One example x goes forward through a tiny network, then its error δ comes back: BP1 at the output, "
              "BP2 layer by layer, and BP3/BP4 turn the δs into the gradient of every bias and weight. These are "
              "the app's own numbers, computed by the same code that trains the big networks.", view, side, 350)

        for box in self.size_boxes.values():
            box.valueChanged.connect(self.rebuild)
        self.seed.valueChanged.connect(self.rebuild)
        self.cost_choice.currentIndexChanged.connect(self.rebuild)
        self.back_button.clicked.connect(lambda: self.go(self.step_index - 1))
        self.next_button.clicked.connect(lambda: self.go(self.step_index + 1))
        self.all_button.clicked.connect(lambda: self.go(len(self.steps) - 1))
        self.restart_button.clicked.connect(lambda: self.go(0))
        self.diagram.weight_selected.connect(lambda *_: self.redraw())
        self.diagram.weight_dragged.connect(self.set_weight)
        self.weight_value.valueChanged.connect(self._weight_typed)
        self.check_button.clicked.connect(self.check)
        self.step_button.clicked.connect(self.descend)
        self.prediction.committed.connect(lambda: self.go(len(self.records) - 1))  # δ hidden again: the forward pass done
        self.rebuild()

    # --- the model ---------------------------------------------------------------------------------------
    @property
    def sizes(self) -> tuple[int, int, int]:
        return tuple(self.size_boxes[n].value() for n in ("inputs", "hidden", "outputs"))

    @property
    def x(self) -> np.ndarray:
        return np.array([b.value() for b in self.x_boxes])

    @property
    def y(self) -> np.ndarray:
        return np.array([b.value() for b in self.y_boxes])

    def rebuild(self) -> None:
        """A new network from the sizes, seed and cost; inputs and targets kept where they still fit."""
        self.network = backprop_trace.tiny_network(self.sizes, self.seed.value(), self.cost_choice.currentData())
        self._fill_row(self.x_row, self.x_boxes, self.sizes[0], DEFAULT_X, -2.0, 2.0,
                       "the input x (the activations of layer 0)")
        self._fill_row(self.y_row, self.y_boxes, self.sizes[2], DEFAULT_Y, 0.0, 1.0, "the desired output y")
        self.steps = eq.steps(len(self.sizes) - 1)
        self.step_index = min(self.step_index, len(self.steps) - 1)
        self.costs = []
        self.diagram.selected = (1, 0, 0)
        self.redraw()
        self.costs = [backprop_trace.cost(self.network, self.x, self.y)]
        self._draw_costs()
        self.prediction.set_options([f"δ{_label(l, j)}" for l in range(1, len(self.sizes)) for j in range(self.sizes[l])])
        self.prediction.reserve_verdict(*(self.prediction.verdict_html(0, len(self.prediction.options) - 1, explain=reveal_explanation(-1.23e-5, -1.23e-5, out))
                                          for out in (True, False)))  # (room kept: the controls under it stay put)

    def _fill_row(self, row: QHBoxLayout, boxes: list, n: int, defaults, low, high, tip) -> None:
        kept = [b.value() for b in boxes]
        while boxes:
            box = boxes.pop()
            row.removeWidget(box)
            box.deleteLater()
        for i in range(n):
            value = kept[i] if i < len(kept) else defaults[i]
            box = real_spin(low, high, value, 0.1, 2, tip + " (mouse wheel or ↑↓ to step)")
            box.setMinimumWidth(56)
            if n > 2:  # (four boxes with arrows need more than the side column's width: typed, or stepped)
                box.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
            box.valueChanged.connect(self._example_changed)
            row.addWidget(box)
            boxes.append(box)

    def _example_changed(self) -> None:
        self.costs = []
        self.redraw()
        self.costs = [backprop_trace.cost(self.network, self.x, self.y)]
        self._draw_costs()

    def set_weight(self, layer: int, j: int, k: int, value: float) -> None:
        """Change one weight, or neuron j's bias when k is BIAS (from the diagram or the box); every
        number is recomputed."""
        params = self.network.dense_layers[layer - 1].params
        if k == BIAS:
            params["b"][j] = value
        else:
            params["w"][j, k] = value
        self.diagram.selected = (layer, j, k)
        self.check_result.setText("")
        self.redraw()

    def _weight_typed(self, value: float) -> None:
        if self.diagram.selected is not None:
            self.set_weight(*self.diagram.selected, value)

    def go(self, index: int) -> None:
        self.step_index = int(np.clip(index, 0, len(self.steps) - 1))
        self.redraw()

    def check(self) -> None:
        """BP4's ∂C/∂w for the selected weight (BP3's ∂C/∂b for a bias) beside a central difference of
        the cost."""
        l, j, k = self.diagram.selected
        eps = self.epsilon.currentData()
        record = self.records[l - 1]
        bias = k == BIAS
        exact = float(record.nabla_b[j] if bias else record.nabla_w[j, k])
        numeric = backprop_trace.numerical_gradient(self.network, self.x, self.y, l, j, None if bias else k, eps)
        self.checked = (exact, numeric)
        self.check_result.setText(check_text(l, j, k, exact, numeric))
        self.redraw()

    def descend(self) -> None:
        backprop_trace.gradient_step(self.network, self.x, self.y, self.eta.value())
        self.costs.append(backprop_trace.cost(self.network, self.x, self.y))
        self.check_result.setText("")
        self.redraw()
        self._draw_costs()

    # --- the view ----------------------------------------------------------------------------------------
    def redraw(self) -> None:
        self.records = backprop_trace.trace(self.network, self.x, self.y)
        step = self.steps[self.step_index]
        forward, deltas, gradients = eq.revealed(self.steps, self.step_index)
        active = set(range(1, len(self.records) + 1)) if step.kind == "BP3/BP4" else {step.layer}
        self.diagram.set_trace(self.x, self.records, forward, deltas, gradients, active)
        self.stage.setText(f"{self.step_index + 1}/{len(self.steps)}  {step.title}")
        self.equation.setText(eq.equation(step, self.records, self.y, self.cost_choice.currentData()))
        self.back_button.setEnabled(self.step_index > 0)
        self.next_button.setEnabled(self.step_index < len(self.steps) - 1)
        l, j, k = self.diagram.selected
        self.weight_name.setText(f"b{_label(l, j)}" if k == BIAS else f"w{_label(l, j, k)}")
        self.weight_value.blockSignals(True)
        self.weight_value.setValue(self.diagram.value(self.diagram.selected))
        self.weight_value.blockSignals(False)
        cost = backprop_trace.cost(self.network, self.x, self.y)
        self.cost_label.setText(f"C = {number(cost, 6)}" + (f"  (start {number(self.costs[0], 6)})"
                                                             if len(self.costs) > 1 else ""))
        if len(deltas) == len(self.records) and self.prediction.waiting:
            self._reveal()

    def _reveal(self) -> None:
        sizes = [len(r.delta) for r in self.records]
        flat = np.concatenate([np.abs(r.delta) for r in self.records])
        truth = int(np.argmax(flat))
        picked = self.prediction.picked
        ratio = flat[truth] / max(flat[picked], 1e-300)
        layer = next(l for l in range(len(sizes)) if truth < sum(sizes[: l + 1])) + 1
        self.prediction.reveal(truth, explain=reveal_explanation(flat[truth], None if picked == truth else flat[picked],
                                                                 layer == len(sizes)))

    def _draw_costs(self) -> None:
        self.cost_curve.setData(np.arange(len(self.costs)), np.array(self.costs))
        # the range in steps (10 more steps, a 1-2-5 height), since a new range re-renders the axes
        steps = 10 * int(np.ceil(max(len(self.costs) - 1, 1) / 10))
        top = max(self.costs) * 1.05 or 1.0
        unit = 10.0 ** np.floor(np.log10(top))
        height = next(m * unit for m in (1, 2, 5, 10) if m * unit >= top)
        if (steps, height) != getattr(self, "_cost_range", None):
            self._cost_range = (steps, height)
            self.cost_plot.getPlotItem().getViewBox().setRange(xRange=(0, steps), yRange=(0, height), padding=0.03)


def reveal_explanation(largest: float, picked: float | None, at_output: bool) -> str:
    """Why the largest |δ| is where it is (``picked``: the |δ| of a wrong pick, None when it was right)."""
    return (f"|δ| = {number(largest)} there" + ("" if picked is None else
                                                 f", {number(largest / max(picked, 1e-300))}× your pick's {number(picked)}")
            + (". The output layer's δ comes straight from the error (BP1); each step back multiplies by "
               "wᵀ and σ′(z) ≤ ¼ (BP2)." if at_output else
               ". A hidden δ beats the output's here: its weights wᵀ are large enough to outweigh σ′(z) ≤ ¼."))


def check_text(l: int, j: int, k: int, exact: float, numeric: float) -> str:
    """BP4's ∂C/∂w (BP3's ∂C/∂b when k is BIAS) beside the central difference, and whether they agree
    (to 10⁻⁶)."""
    bias = k == BIAS
    verdict = strong("agree", theme.SUCCESS) if abs(exact - numeric) <= 1e-6 else strong("differ", theme.ERROR)
    formula = (f"BP3: δ<sup>{l}</sup><sub>{j + 1}</sub>" if bias else
               f"BP4: a<sup>{l - 1}</sup><sub>{k + 1}</sub> δ<sup>{l}</sup><sub>{j + 1}</sub>")
    p = "b" if bias else "w"
    return (f"{formula} = {number(exact, 10)}<br>(C({p}+ε) − C({p}−ε))/2ε = {number(numeric, 10)}<br>"
            f"difference {number(abs(exact - numeric), 2)}: {verdict}")


def _label(layer: int, j: int, k: int | None = None) -> str:
    """ˡⱼ or ˡⱼₖ (counting from 1, as the book does)."""
    return superscript(layer) + subscript(j + 1) + ("" if k is None else subscript(k + 1))
