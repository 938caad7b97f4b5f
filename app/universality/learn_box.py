"""The challenge page's "Learn by gradient descent" box: η, the number of steps, Learn/Stop, a read-out
of the run and whether the learned network is drawn (the run itself: :mod:`app.universality.learner`)."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QGridLayout, QGroupBox, QPushButton, QSpinBox

from app import numbers, theme
from app.universality.plotting import LEARNED
from app.widgets.page_parts import note_label

LEARN_INTRO = "Train the same network, 2N hidden sigmoid neurons, by gradient descent: steps and heights both move."


def progress_text(snapshot: dict, n_hidden: int) -> str:
    """A Learn report in words: the step, the cost and the learned network's score."""
    deviation = theme.coloured(f"{snapshot['deviation']:.3f}", LEARNED, bold=True)
    return (f"{n_hidden} hidden neurons · step {numbers.count(snapshot['steps'])} · "
            f"cost {numbers.number(snapshot['cost'], 4)}<br>learned network's average deviation: {deviation}")


class LearnBox(QGroupBox):
    """``eta_spin``, ``steps_spin``, ``learn_button``, ``label`` (the run's read-out) and ``show_learned``."""

    def __init__(self, parent=None):
        super().__init__("Learn by gradient descent", parent)
        self.eta_spin = QDoubleSpinBox()
        self.eta_spin.setRange(0.001, 10)
        self.eta_spin.setDecimals(3)
        self.eta_spin.setSingleStep(0.05)
        self.eta_spin.setPrefix("η = ")
        self.eta_spin.setToolTip("learning rate for gradient descent with momentum μ = 0.9")
        self.steps_spin = QSpinBox()
        self.steps_spin.setRange(10, 1_000_000)
        self.steps_spin.setSingleStep(1000)
        self.steps_spin.setValue(20_000)
        self.steps_spin.setGroupSeparatorShown(True)
        self.steps_spin.setSuffix(" steps")
        self.learn_button = QPushButton("Learn")
        self.learn_button.setToolTip("train the same network (2N hidden neurons: every weight and bias "
                                     "free) by gradient descent on ½(z − σ⁻¹(f))²")
        self.show_learned = QCheckBox("show the learned network (dashed, ▲)")
        self.show_learned.setToolTip("the learned network's curves are dashed; ▲ marks where each of its "
                                     "hidden neurons steps, at sⱼ = −bⱼ/wⱼ")
        self.show_learned.setChecked(True)
        self.label = note_label(LEARN_INTRO)
        grid = QGridLayout(self)
        grid.addWidget(self.eta_spin, 0, 0)
        grid.addWidget(self.steps_spin, 0, 1)
        grid.addWidget(self.learn_button, 0, 2)
        grid.addWidget(self.label, 1, 0, 1, 3)
        grid.addWidget(self.show_learned, 2, 0, 1, 3)

    def show_running(self, running: bool) -> None:
        self.learn_button.setText("Stop" if running else "Learn")
