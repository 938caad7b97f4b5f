"""Predict, then reveal, for the book's vanishing-gradient experiment: which hidden layer learns fastest
at the start, and how many times faster than the slowest? Revealed from the run's first measured speeds
(epoch 0, the network as initialised)."""
from __future__ import annotations

import numpy as np

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
        self.reveal(fastest, ratio=ratio, explain=(
            f"At the start hidden layer {fastest + 1} learns {ratio:,.3g}× as fast as hidden layer {slowest + 1}: "
            "each layer back from the output multiplies δ by (w)ᵀ and by σ′(z) ≤ ¼ (BP2)."))
