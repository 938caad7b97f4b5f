"""An image with a signed heat-map laid over it: e.g. the input digit in grey and, on top, how much
each pixel moves the network's answer (red: more ink here means more of this answer; blue: less).

Zero is transparent in the overlay's colour map, so the digit shows through wherever the heat-map
is near zero. Both images are created once; updates only swap data with fixed levels.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from app.widgets.image_view import ImageView

#: blue (negative) - transparent (zero) - red (positive)
SIGNED_OVERLAY = pg.ColorMap([0.0, 0.5, 1.0], [(70, 150, 255, 255), (0, 0, 0, 0), (255, 80, 50, 255)])


class HeatmapOverlayView(ImageView):
    """``set_data(base, heat)``: ``base`` in [0, 1] drawn dimmed in grey, ``heat`` signed on top,
    scaled so that the largest |value| is full colour."""

    def __init__(self, title: str | None = None, base_opacity: float = 0.55, parent=None):
        super().__init__(title=title, parent=parent)
        self.item.setOpacity(base_opacity)
        self.overlay = pg.ImageItem(axisOrder="row-major")
        self.overlay.setColorMap(SIGNED_OVERLAY)
        self.view.addItem(self.overlay)
        self.scale = 0.0

    def set_data(self, base: np.ndarray, heat: np.ndarray) -> None:
        heat = np.ascontiguousarray(heat, dtype=np.float32)
        self.scale = float(np.abs(heat).max()) if heat.size else 0.0
        limit = self.scale if self.scale > 0 else 1.0
        self.set_image(base)
        self.overlay.setImage(heat, autoLevels=False, levels=(-limit, limit))

    def blank(self, shape=(28, 28)) -> None:
        """Nothing to show (not named clear: GraphicsLayoutWidget forwards clear() to its layout)."""
        self.set_data(np.zeros(shape, np.float32), np.zeros(shape, np.float32))
