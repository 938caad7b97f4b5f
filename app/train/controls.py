"""The run controls: Start, Pause/Resume, Step, +1 epoch, Stop; η and λ while training; the run's
progress; and a banner for how a run ended (a divergence is explained in plain words).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (QAbstractSpinBox, QDoubleSpinBox, QHBoxLayout, QLabel, QProgressBar, QPushButton,
                               QVBoxLayout, QWidget)


BANNER_PADDING = 6  # pixels above and below the banner's text


def _button(text: str, tip: str, shortcut: str | None = None) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip + (f" ({shortcut})" if shortcut else ""))
    if shortcut:
        button.setShortcut(shortcut)
    return button


def _live_spin(tip: str, low: float, high: float) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(low, high)
    spin.setDecimals(4)
    spin.setStepType(QAbstractSpinBox.AdaptiveDecimalStepType)
    spin.setKeyboardTracking(False)  # apply when the user is done typing (Enter or focus out)
    spin.setToolTip(tip)
    spin.setMinimumWidth(78)
    return spin


class RunControls(QWidget):
    eta_changed = Signal(float)
    lmbda_changed = Signal(float)

    def __init__(self, parent=None):
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.start = _button("▶  Start", "Train the network set up on the left", "Ctrl+Return")
        self.start.setObjectName("primary")
        self.pause = _button("⏸  Pause", "Pause the run after the current mini-batch (again to resume)")
        self.step = _button("Step", "Train one mini-batch, then pause again")
        self.more = _button("+1 epoch", "Train one more epoch than planned")
        self.stop = _button("■  Stop", "Stop the run, keeping the network as it is now")
        for b in (self.start, self.pause, self.step, self.more, self.stop):
            row.addWidget(b)
        row.addSpacing(12)
        row.addWidget(QLabel("η"))
        self.eta = _live_spin("Learning rate η: a change applies from the next mini-batch", 1e-6, 1e4)
        row.addWidget(self.eta)
        row.addWidget(QLabel("λ"))
        self.lmbda = _live_spin("Regularisation λ: a change applies from the next mini-batch", 0.0, 1e4)
        row.addWidget(self.lmbda)
        row.addStretch(1)
        self.send = _button("Send to Draw", "Use the network of this run in the Draw tab")
        self.save = _button("Save…", "Save the network of this run to a file")
        row.addWidget(self.send)
        row.addWidget(self.save)
        outer.addLayout(row)

        # The run's status (with what the run is, below it) and the banner saying how a run ended
        # share one row of a fixed height, two lines of text: showing or hiding the banner must not
        # resize the live views below, which would lay out and repaint every plot at once.
        status_box = QWidget()
        status_row = QHBoxLayout(status_box)
        status_row.setContentsMargins(0, 0, 0, 0)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(8)
        self.progress.setMaximumWidth(220)
        status_row.addWidget(self.progress)
        self.status = QLabel("Set up a network on the left and press Start.")
        self.status.setObjectName("status")
        self.detail = QLabel()  # the run's network and hyper-parameters
        self.detail.setObjectName("hint")
        self.status_lines = QWidget()
        lines = QVBoxLayout(self.status_lines)
        lines.setContentsMargins(0, 0, 0, 0)
        lines.setSpacing(0)
        lines.addWidget(self.status)
        lines.addWidget(self.detail)
        status_row.addWidget(self.status_lines, 1)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.banner.hide()
        status_row.addWidget(self.banner, 1)
        status_box.setMinimumHeight(2 * QFontMetrics(self.banner.font()).lineSpacing() + 2 * BANNER_PADDING + 2)
        outer.addWidget(status_box)

        self.eta.valueChanged.connect(self.eta_changed)
        self.lmbda.valueChanged.connect(self.lmbda_changed)
        self.set_state("idle")

    def set_state(self, state: str, can_start: bool = True) -> None:
        """``idle`` (no run), ``running``, ``paused``, ``preparing``; ``can_start``: the set-up is valid."""
        active = state in ("running", "paused")
        self.start.setEnabled(state == "idle" and can_start)
        self.pause.setEnabled(active)
        self.pause.setText("▶  Resume" if state == "paused" else "⏸  Pause")
        self.step.setEnabled(state == "paused")
        self.more.setEnabled(active)
        self.stop.setEnabled(active or state == "preparing")
        self.eta.setEnabled(active)
        self.lmbda.setEnabled(active)

    def set_live_values(self, eta: float, lmbda: float) -> None:
        """Show η and λ without reporting them back as user changes."""
        for spin, value in ((self.eta, eta), (self.lmbda, lmbda)):
            if not spin.hasFocus():
                spin.blockSignals(True)
                spin.setValue(value)
                spin.blockSignals(False)

    def show_banner(self, text: str, kind: str = "info") -> None:
        """``kind``: info (a run finished), warning (stopped), error (diverged)."""
        colours = {"info": ("#12301f", "#8ee4af"), "warning": ("#33290f", "#ffd166"), "error": ("#3a1216", "#ff8a8a")}
        bg, fg = colours.get(kind, colours["info"])
        self.banner.setStyleSheet(f"background:{bg}; color:{fg}; border-radius:4px; "
                                  f"padding:{BANNER_PADDING}px 8px;")
        self.banner.setText(text)
        self.banner.setProperty("kind", kind)
        self.progress.hide()
        self.status_lines.hide()
        self.banner.show()

    def hide_banner(self) -> None:
        self.banner.hide()
        self.banner.setText("")
        self.progress.show()
        self.status_lines.show()
