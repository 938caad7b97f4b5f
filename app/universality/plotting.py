"""Plot helpers of the Universality pages: the colours of their curves, log ticks, and titles that
shorten to fit (the plots themselves: ``app.widgets.gesture_plot``)."""
from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFont, QTextDocument

from app import theme
from app.theme import plots as look

GOAL = theme.TEXT_STRONG  # the target curve
NETWORK = theme.SERIES[0]  # what the hand-built network makes
LEARNED = theme.SERIES[3]  # what gradient descent makes
BEST = theme.SERIES[2]
ACCENT = theme.SERIES[1]  # the selected handle, the step's marker


class DragScale:
    """Keeps the mapping of a drag's start between pointer and height while the plot's height axis
    grows under it: a height dragged past the axis's end is then as far as the pointer went, and the
    axis, following it, does not feed back into it (as it would with the current mapping)."""

    def __init__(self, plot: pg.PlotWidget):
        self.view = plot.getPlotItem().getViewBox()
        self.start = tuple(self.view.viewRange()[1])

    def height(self, y: float) -> float:
        """The height under the pointer at ``y`` (in the current view's units), on the start's axis."""
        low, high = self.view.viewRange()[1]
        fraction = (y - low) / max(high - low, 1e-12)  # (the view's pixel height stays: a fraction of it)
        return self.start[0] + fraction * (self.start[1] - self.start[0])


def log_ticks(plot: pg.PlotWidget, values=(1, 2, 5, 10, 20, 50, 100), axis: str = "bottom") -> None:
    """Label an axis whose data are log10 values with the plain numbers ``values``."""
    plot.getPlotItem().getAxis(axis).setTicks([[(math.log10(v), str(v)) for v in values], []])




class FittedTitle(QObject):
    """A plot title given as variants, longest first: the plot shows the first that fits its width,
    chosen again whenever the plot is resized (pyqtgraph would clip a title that is too long)."""

    MARGIN = 70  # the y axis and a little air on either side

    def __init__(self, plot: pg.PlotWidget):
        super().__init__(plot)
        self.plot = plot
        self.variants: list[str] = []
        self.shown = ""
        plot.installEventFilter(self)

    def set_variants(self, *variants: str) -> None:
        self.variants = list(variants)
        self._choose()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._choose()
        return False

    def _choose(self) -> None:
        if not self.variants:
            return
        room = self.plot.width() - self.MARGIN
        fits = [html for html in self.variants if html_width(look.title_html(html), self.plot.font()) <= room]
        title = fits[0] if fits else self.variants[-1]
        if title != self.shown:
            self.shown = title
            look.set_title(self.plot.getPlotItem(), title)


def html_width(html: str, base: QFont) -> float:
    """How wide a line of rich text (a plot title) is drawn, in pixels."""
    doc = QTextDocument()
    doc.setDefaultFont(base)
    doc.setDocumentMargin(0)
    doc.setHtml(html)
    return doc.idealWidth()
