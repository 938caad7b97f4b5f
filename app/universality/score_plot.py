"""The challenge page's score against N: the best score Auto-fit reaches for each N (a curve), the
learned networks' scores (dots), yours (a square), the book's success line, on a log axis of N
(view coordinates: log10 N) labelled 1, 2, 5, 10, …"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from app import numbers, theme
from app.theme.plots import set_title
from app.universality.plotting import BEST, LEARNED, NETWORK, log_ticks
from app.widgets.gesture_plot import make_plot
from app.widgets.text_labels import label_item
from core import universality as u

N_MARKER_ROOM = 7  # pixels: half the widest marker of the plot, with its outline
N_RANGE = (-0.07, 2.07)  # its x range, log10 N: room for the markers at N = 1 and 100


class ScorePlot:
    """The plot and its items; :meth:`fit` keeps every marker in view and the success label clear."""

    def __init__(self):
        self.plot = make_plot("", "N (number of bumps)", "deviation", x_range=N_RANGE, y_range=(0, 1.2))
        item = self.plot.getPlotItem()
        set_title(item, f"Score vs N: {theme.coloured('best heights', BEST)} · "
                        f"{theme.coloured('● learned', LEARNED)} · {theme.coloured('■ yours', NETWORK)}")
        item.setLogMode(x=True)
        log_ticks(self.plot)
        self.plot.setMinimumHeight(100)  # (with the rest of the column, fits a 1024×700 window unscrolled)
        self.best_curve = self.plot.plot(pen=pg.mkPen(BEST, width=2), name="best")
        self.plot.addItem(pg.InfiniteLine(pos=u.SUCCESS, angle=0, pen=pg.mkPen(theme.MUTED, style=Qt.PenStyle.DotLine)))
        self.success_label = label_item("Success! ≤ 0.40", theme.MUTED, anchor=(0, 1), size=theme.FONT_SMALL)
        self.success_label.setPos(1.38, u.SUCCESS)
        self.plot.addItem(self.success_label, ignoreBounds=True)  # (where it goes follows the range, not the reverse)
        self.learned_points = self.plot.plot(pen=None, symbol="o", symbolSize=8, symbolBrush=LEARNED,
                                             symbolPen=None, name="learned")
        self.yours_point = self.plot.plot(pen=None, symbol="s", symbolSize=10, symbolBrush=NETWORK,
                                          symbolPen=theme.BRIGHT, name="yours")
        self.n_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(theme.BORDER_STRONG))
        self.plot.addItem(self.n_line)

    def fit(self, best_at_one: float, n: int, score: float, learned: dict[int, float]) -> None:
        """Show the best-score curve (highest at N = 1) and your score at ``n`` (up to 3) and the
        ``learned`` scores, resizing only on a clear change."""
        view = self.plot.getPlotItem().getViewBox()
        highest = max(best_at_one, min(score, 3.0), *learned.values(), 0.1)  # (f = ½: all 0)
        # room above the highest point for its marker (10 px across) however short the plot
        top = highest * max(1.15, 1 + 12 / max(view.height() - 12, 1.0))
        current = view.viewRange()[1][1]
        if not 0.9 * current <= top <= current or highest * (1 + 8 / max(view.height(), 1.0)) > current:
            current = top
        # and below 0 for a marker at 0 (a drawn target fitted exactly at N = 100), however short the plot
        low = -current * N_MARKER_ROOM / max(view.height() - N_MARKER_ROOM, 1.0)
        if not np.allclose(view.viewRange()[1], (low, current), rtol=1e-6, atol=1e-9):
            view.setYRange(low, current, padding=0)
        self._place_success_label([(np.log10(n), score)] + [(np.log10(m), d) for m, d in learned.items()])
        # deviation ticks no closer than 22 px, however short the plot (pyqtgraph's may touch)
        spacing = next((d for d in (0.1, 0.2, 0.25, 0.5, 1.0, 2.0) if d / current * view.height() >= 22), 5.0)
        values = np.arange(0.0, current + 1e-9, spacing)
        self.plot.getPlotItem().getAxis("left").setTicks([list(zip(values, numbers.ticks(values, spacing))), []])

    def _place_success_label(self, markers: list[tuple[float, float]]) -> None:
        """"Success! ≤ 0.40" over its line at the right end, or at the left end when a marker (view
        coordinates) would be under it there."""
        vb = self.plot.getPlotItem().getViewBox()
        (x0, x1), (y0, y1) = N_RANGE, vb.viewRange()[1]
        width, height = vb.width(), vb.height()
        if width <= 1 or height <= 1:
            return
        box = self.success_label.boundingRect()
        span_x = (box.width() + N_MARKER_ROOM) * (x1 - x0) / width
        span_y = (box.height() + N_MARKER_ROOM) * (y1 - y0) / height
        under_right = any(x > x1 - span_x and u.SUCCESS - N_MARKER_ROOM * (y1 - y0) / height < y < u.SUCCESS + span_y
                          for x, y in markers)
        self.success_label.setAnchor((0, 1) if under_right else (1, 1))
        self.success_label.setPos(x0 + 0.01 * (x1 - x0) if under_right else x1 - 0.01 * (x1 - x0), u.SUCCESS)
