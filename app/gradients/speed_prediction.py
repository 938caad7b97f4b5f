"""Predict, then reveal, for the book's vanishing-gradient experiment: which hidden layer learns fastest
at the start, and how many times faster than the slowest? Revealed from the run's first measured speeds
(epoch 0, the network as initialised)."""
from __future__ import annotations

import numpy as np

from app import numbers
from app.widgets.prediction import ChoicePrediction

QUESTION = "Which hidden layer will learn fastest at the start, and how many times as fast as the slowest?"


def _layers(depth: int) -> list[str]:
    return [f"hidden layer {i}" for i in range(1, depth + 1)]


class SpeedPrediction(ChoicePrediction):
    """Listens to an :class:`ExperimentPage` (its depth box, its records and the end of a run)."""

    def __init__(self, page, parent=None):
        super().__init__(QUESTION, _layers(page.depth.value()), estimate=("", 1.0, 1e6, 10.0), wide=True,
                         parent=parent)
        self.page = page
        self.estimate.setToolTip("the fastest layer's ‖δˡ‖ divided by the slowest's, at the start")
        page.depth.valueChanged.connect(lambda depth: self.set_options(_layers(depth)))
        page.snapshot_changed.connect(self.check_run)
        page.run_finished.connect(self.check_run)
        # room for the verdict from the start: it comes during the run, under the plots it would shrink
        last = len(self.options) - 1
        self.reserve_verdict(self.verdict_html(0, last, 12_345.6, 1.0, explanation(6, 1, 12_345.6)))

    def check_run(self, *_) -> None:
        """Reveal once the running experiment has measured its speeds at the start."""
        speeds = self.page.speeds
        if not self.waiting or speeds.ndim != 2 or speeds.shape[0] != len(self.options) or speeds.shape[1] == 0:
            return
        start = speeds[:, 0]
        if not np.all(np.isfinite(start)) or start.min() <= 0:
            return
        fastest, slowest = int(np.argmax(start)), int(np.argmin(start))
        ratio = float(start[fastest] / start[slowest])
        self.reveal(fastest, ratio=ratio, explain=explanation(fastest + 1, slowest + 1, ratio))


def explanation(fastest: int, slowest: int, ratio: float) -> str:
    """Why hidden layer ``fastest`` learns ``ratio`` times as fast as hidden layer ``slowest`` at the start."""
    return (f"At the start hidden layer {fastest} learns {numbers.number(ratio, 3)}× as fast as hidden layer "
            f"{slowest}: each layer back from the output multiplies δ by (w)ᵀ and by σ′(z) ≤ ¼ (BP2).")
