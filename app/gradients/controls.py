"""Input widgets for the Gradients tab: bounded spin boxes (a value out of range cannot be typed)
and the Run / Pause / Stop buttons of a page that trains in the background."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QPushButton, QSpinBox, QWidget

from app import jobs


def int_spin(lo: int, hi: int, value: int, step: int = 1, tip: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setSingleStep(step)
    box.setValue(value)
    box.setToolTip(tip)
    box.setKeyboardTracking(False)  # typing "500" is one change, not three
    return box


def real_spin(lo: float, hi: float, value: float, step: float, decimals: int = 3, tip: str = "") -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setValue(value)
    box.setToolTip(tip)
    box.setKeyboardTracking(False)
    return box


class RunButtons(QWidget):
    """Run (becomes Pause / Resume while a run is on) and Stop; ``drive(job)`` makes them act on a
    page's background run."""

    run_clicked = Signal()
    pause_clicked = Signal()
    resume_clicked = Signal()
    stop_clicked = Signal()

    def __init__(self, run_text: str = "Run", parent=None):
        super().__init__(parent)
        self.run_text = run_text
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        self.run_button = QPushButton(run_text)
        self.run_button.setMinimumHeight(30)
        self.run_button.setStyleSheet(
            "QPushButton { background: #2f8fb0; color: white; font-weight: 600; border-radius: 4px;"
            " padding: 4px 10px; }"
            "QPushButton:hover { background: #38a3c8; }")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setMinimumHeight(30)
        layout.addWidget(self.run_button, 2)
        layout.addWidget(self.stop_button, 1)
        self.run_button.clicked.connect(self._run_pressed)
        self.stop_button.clicked.connect(self.stop_clicked)
        self.state = "idle"
        self.set_state("idle")

    def drive(self, job: jobs.Loop, ended: Callable[[str], None]) -> None:
        """Pause, Resume and Stop act on ``job`` (started here) until it ends; then the buttons are
        idle again and ``ended(reason)`` runs."""
        def pause_or_resume():
            if job.paused:
                job.resume()
            else:
                job.pause()
            self.set_state("paused" if job.paused else "running")

        def finish(reason: str):
            self.pause_clicked.disconnect(pause_or_resume)
            self.resume_clicked.disconnect(pause_or_resume)
            self.stop_clicked.disconnect(job.stop)
            self.set_state("idle")
            ended(reason)

        self.pause_clicked.connect(pause_or_resume)
        self.resume_clicked.connect(pause_or_resume)
        self.stop_clicked.connect(job.stop)
        job.on(job.ended, finish)
        self.set_state("running")
        job.start()

    def _run_pressed(self) -> None:
        {"idle": self.run_clicked, "running": self.pause_clicked, "paused": self.resume_clicked}[self.state].emit()

    def set_state(self, state: str) -> None:
        """"idle", "running" or "paused"."""
        self.state = state
        self.run_button.setText({"idle": self.run_text, "running": "Pause", "paused": "Resume"}[state])
        self.stop_button.setEnabled(state != "idle")
