"""The saliency view: the digit the network sees, in grey, under ∂(top score)/∂(pixel) in red and blue.

A gradient's magnitudes are heavy-tailed (a few pixels by the strokes' ends dwarf the rest), so the
colour scale runs to the 99th percentile of |∂z/∂x| rather than to its maximum: the pattern reads
across the whole digit, and the few stronger pixels are simply full colour.

The map fills its widget (no margin, no padding): its widget's minimum size is the map's.
"""
from __future__ import annotations

import numpy as np

from app.widgets.heatmap_view import HeatmapOverlayView

PERCENTILE = 99.0


class SaliencyView(HeatmapOverlayView):
    range_padding = 0.0

    def __init__(self, parent=None):
        super().__init__(parent=parent)
        self.ci.setContentsMargins(0, 0, 0, 0)

    def set_data(self, base: np.ndarray, heat: np.ndarray) -> None:
        super().set_data(base, heat)
        magnitude = np.abs(np.asarray(heat, np.float32))
        limit = float(np.percentile(magnitude, PERCENTILE)) if magnitude.size else 0.0
        if limit > 0:
            self.overlay.setLevels((-limit, limit))

    def limit(self) -> float:
        """The |value| shown in full colour."""
        return float(self.overlay.levels[1])
