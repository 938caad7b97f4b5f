"""A legend as a line of text under a plot (or a row of plots), for data that may pass through every
corner of the plot, where a legend inside it would cover some of it: an overfitted polynomial swinging
up and down, a prediction sketched anywhere, curves that move while they animate.

Each entry is the item's own mark in its colour — ━━ a line, ╍╍ a dashed one, ● points — and its
name; an item that is hidden has no entry (the key follows its visibility). The text wraps when the
row is narrow, so it is never cut, and the key is as tall as all its entries would be at its width
(a ``SteadyLabel`` with that reserve), so that the plot beside it does not change size as entries come
and go.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from app import theme
from app.widgets.steady_label import SteadyLabel

GAP = "&nbsp;" * 3 + " "  # between two entries (a line may break at its last space)


def mark(item) -> tuple[str, str]:
    """(glyph, colour) that stand for ``item`` in a key: its line (solid or dashed) or its symbol."""
    if isinstance(item, pg.PlotDataItem) and item.opts.get("pen") is None and item.opts.get("symbol") is not None:
        return "●", pg.mkBrush(item.opts.get("symbolBrush")).color().name()
    if isinstance(item, pg.ScatterPlotItem):
        return "●", pg.mkBrush(item.opts.get("brush")).color().name()
    pen = pg.mkPen(item.opts.get("pen")) if isinstance(item, (pg.PlotDataItem, pg.PlotCurveItem)) else pg.mkPen(None)
    glyph = "━━" if pen.style() == Qt.PenStyle.SolidLine else "╍╍"
    return glyph, pen.color().name()


def entry_html(glyph: str, colour: str, name: str) -> str:
    """One entry: the glyph in its colour (a little larger than the text, so that a line reads as one)
    and the name, kept on one line."""
    mark_ = f"<span style='color:{colour}; font-size:{theme.FONT_TITLE}px'>{glyph}</span>"
    return f"<span style='white-space:nowrap'>{mark_}&nbsp;{name}</span>"


class LegendKey(SteadyLabel):
    """The key of ``entries``: (plot item, name) pairs, in order; ``note`` follows the last entry
    (rich text, e.g. what a mark in the plot means)."""

    def __init__(self, entries=(), note: str = "", parent=None):
        super().__init__(parent=parent)
        self.setStyleSheet(theme.text_style(theme.TEXT, theme.FONT_SMALL))
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.entries: list[tuple[object, str]] = []
        self.note = note
        for item, name in entries:
            self.add(item, name)

    def add(self, item, name: str) -> None:
        self.entries.append((item, name))
        if hasattr(item, "visibleChanged"):
            item.visibleChanged.connect(self.refresh)
        self._reserve_all()
        self.refresh()

    def set_note(self, note: str) -> None:
        if note != self.note:
            self.note = note
            self._reserve_all()
            self.refresh()

    def _html(self, entries) -> str:
        shown = [entry_html(*mark(item), name) for item, name in entries]
        if self.note:
            shown.append(f"<span style='white-space:nowrap'>{self.note}</span>")
        return GAP.join(shown)

    def _reserve_all(self) -> None:
        """Room for every entry, shown or not, with every note it has had: an item or a note that
        appears (a sketch begun) moves no plot, nor one that goes."""
        html = self._html(self.entries)
        if html not in self.reserve:
            self.set_reserve(*self.reserve, html)

    def names(self) -> list[str]:
        """The names of the entries shown (their items visible)."""
        return [name for item, name in self.entries if item.isVisible()]

    def refresh(self) -> None:
        html = self._html([(item, name) for item, name in self.entries if item.isVisible()])
        if html != self.text():
            self.setText(html)
