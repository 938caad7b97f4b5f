"""The Run / Pause / Stop buttons of a Gradients page that trains in the background, which keep the
run's clock (time left) and its pacing (the GUI's share of the GIL, see ``app.pacing``); its spin
boxes are ``app.widgets.spin_boxes``."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from app import jobs
from app.theme.styles import primary_button
from app.time_left import TimeLeft
from app.pacing import ResponsiveRun


class RunButtons(QWidget):
    """Run (becomes Pause / Resume while a run is on) and Stop; ``drive(job)`` makes them act on a
    page's background run. While it runs, ``clock`` (a :class:`TimeLeft`) runs but for its pauses,
    and the process favours the GUI (:class:`ResponsiveRun`: call ``hold_frame()`` before drawing
    what the run reported, so that the run's thread waits while the GUI draws)."""

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
        self.run_button.setStyleSheet(primary_button())
        self.stop_button = QPushButton("Stop")
        self.stop_button.setMinimumHeight(30)
        layout.addWidget(self.run_button, 2)
        layout.addWidget(self.stop_button, 1)
        self.run_button.clicked.connect(self._run_pressed)
        self.stop_button.clicked.connect(self.stop_clicked)
        self.state = "idle"
        self.set_state("idle")
        self.clock = TimeLeft()
        self._pacing: ResponsiveRun | None = None

    def drive(self, job: jobs.Loop, ended: Callable[[str], None]) -> None:
        """Pause, Resume and Stop act on ``job`` (started here) until it ends; then the buttons are
        idle again and ``ended(reason)`` runs."""
        def pause_or_resume():
            if job.paused:
                job.resume()
                self.clock.resume()
            else:
                job.pause()
                self.clock.pause()
            self.set_state("paused" if job.paused else "running")

        def finish(reason: str):
            self.pause_clicked.disconnect(pause_or_resume)
            self.resume_clicked.disconnect(pause_or_resume)
            self.stop_clicked.disconnect(job.stop)
            self.clock.pause()
            self._pacing = None  # (its measures end with the thread, below)
            self.set_state("idle")
            ended(reason)

        self.pause_clicked.connect(pause_or_resume)
        self.resume_clicked.connect(pause_or_resume)
        self.stop_clicked.connect(job.stop)
        job.on(job.ended, finish)
        self.set_state("running")
        self.clock.start()
        pacing = self._pacing = ResponsiveRun(job).__enter__()
        job.when_ended(lambda: pacing.__exit__(None, None, None))  # (even if cancelled, or this page is gone)
        job.start()

    def hold_frame(self) -> None:
        """Keep the run's thread waiting between two items until this turn of the event loop has
        drawn (nothing when no run is on)."""
        if self._pacing is not None:
            self._pacing.hold_frame()

    def _run_pressed(self) -> None:
        {"idle": self.run_clicked, "running": self.pause_clicked, "paused": self.resume_clicked}[self.state].emit()

    def set_state(self, state: str) -> None:
        """"idle", "running" or "paused"."""
        self.state = state
        self.run_button.setText({"idle": self.run_text, "running": "Pause", "paused": "Resume"}[state])
        self.stop_button.setEnabled(state != "idle")
