"""The layout audit: what in a shown window a user cannot read or see whole (issue 14, "Sizes").

``audit(window)`` returns a list of :class:`Violation`, each naming the widget or plot (class, object
name or text, a short chain of its parents) and the numbers. The rules:

- ``text`` (text_rules): a label's, button's, check box's, group box's, tab's or plot text's text does
  not fit the room it is given (font metrics against geometry): clipped or elided.
- ``outside``, ``scroll``, ``overlap`` (geometry_rules): a visible widget leaves its parent's
  rectangle, a scroll area cannot scroll to all of its widget, widgets of one layout cover each other.
- ``squashed`` (geometry_rules): a spin box, line edit or combo box below its minimum size hint.
- ``data``, ``legend``, ``ticks`` (plot_rules): a plot's data leaves its view range, a legend covers
  data, an axis's tick labels overlap.

The window must be shown and its events processed (its layouts and plots settled) before the audit.
``app.layout_audit.pages`` shows every page of every tab at a given window size for it.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from app.layout_audit.geometry_rules import geometry_violations
from app.layout_audit.plot_rules import plot_violations
from app.layout_audit.text_rules import text_violations
from app.layout_audit.violation import Violation, describe

__all__ = ["Violation", "audit", "describe", "visible_widgets"]


def visible_widgets(window: QWidget) -> list[QWidget]:
    """``window`` and the widgets on show in it (not other top-level windows such as popups)."""
    children = [w for w in window.findChildren(QWidget) if w.isVisible() and not w.isWindow() and w.window() is window]
    return [window, *children]


def audit(window: QWidget) -> list[Violation]:
    """Every rule over the shown ``window``, in the order: text, geometry, plots."""
    widgets = visible_widgets(window)
    views = [w for w in widgets if isinstance(w, pg.GraphicsView)]
    return text_violations(widgets) + geometry_violations(widgets) + plot_violations(views)
