"""Rules (b) and (c): where widgets lie and how small they are made.

- ``outside``: a visible widget reaches out of its parent's rectangle (so part of it is never drawn).
  A scroll area's widget may be larger than the viewport, but then ``scroll``: the scroll area must
  be able to scroll to all of it.
- ``overlap``: two visible widgets placed by the same layout, in different cells, cover each other
  (what a layout does when it is squeezed below its minimum).
- ``squashed``: a spin box, line edit or combo box smaller than its ``minimumSizeHint``.
"""
from __future__ import annotations

from itertools import combinations

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (QAbstractScrollArea, QAbstractSpinBox, QComboBox, QGridLayout, QLayout, QLineEdit,
                               QScrollArea, QWidget)

from app.layout_audit.violation import Violation, describe

#: pixels a child may reach past its parent, or two siblings cover each other, before it counts
TOLERANCE = 1


def _rect(r: QRect) -> str:
    return f"{r.width()}×{r.height()} at ({r.x()}, {r.y()})"


def is_viewport_child(widget: QWidget) -> bool:
    """Whether ``widget`` sits in a scroll area's viewport (where it may be larger than the view)."""
    parent = widget.parentWidget()
    area = parent.parentWidget() if parent is not None else None
    return isinstance(area, QAbstractScrollArea) and area.viewport() is parent


def check_inside_parent(widget: QWidget) -> Violation | None:
    parent = widget.parentWidget()
    if parent is None or widget.isWindow() or is_viewport_child(widget):
        return None
    room, geometry = parent.rect(), widget.geometry()
    over = (room.left() - geometry.left(), room.top() - geometry.top(),
            geometry.right() - room.right(), geometry.bottom() - room.bottom())
    if max(over) <= TOLERANCE:
        return None
    sides = ", ".join(f"{side} by {n} px" for side, n in zip(("left", "top", "right", "bottom"), over) if n > 0)
    return Violation("outside", describe(widget), f"{_rect(geometry)} leaves its parent's "
                                                  f"{room.width()}×{room.height()} ({sides})")


def check_scroll_reach(area: QScrollArea) -> list[Violation]:
    """A scroll area whose widget is larger than its viewport can scroll to every part of it."""
    inner = area.widget()
    if inner is None or not inner.isVisible():
        return []
    found = []
    view = area.viewport().size()
    for axis, extent, room, bar, policy in (
            ("horizontal", inner.width(), view.width(), area.horizontalScrollBar(),
             area.horizontalScrollBarPolicy()),
            ("vertical", inner.height(), view.height(), area.verticalScrollBar(), area.verticalScrollBarPolicy())):
        hidden = extent - room
        if hidden <= TOLERANCE:
            continue
        if policy == Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
            found.append(Violation("scroll", describe(area), f"its widget is {extent} px, the view {room}: "
                                                            f"{hidden} px cut off ({axis} scrolling is off)"))
        elif bar.maximum() - bar.minimum() < hidden - TOLERANCE:
            found.append(Violation("scroll", describe(area), f"its widget is {extent} px, the view {room}, but "
                                                            f"the {axis} bar scrolls {bar.maximum() - bar.minimum()}"))
    return found


def _placed_widgets(layout: QLayout) -> list[tuple[QWidget, tuple]]:
    """The widgets ``layout`` and its nested layouts place, each with the cell it was given (a grid's
    row and column span; for other layouts the item's index path, which no two items share)."""
    placed = []
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if isinstance(layout, QGridLayout):
            row, column, rows, columns = layout.getItemPosition(i)
            cell = (id(layout), row, column, rows, columns)
        else:
            cell = (id(layout), i)
        if item.widget() is not None:
            placed.append((item.widget(), cell))
        elif item.layout() is not None:
            placed.extend(_placed_widgets(item.layout()))
    return placed


def _cells_share(a: tuple, b: tuple) -> bool:
    """Two grid cells (possibly spans) of the same grid that cover a common cell: an intended overlay."""
    if len(a) != 5 or len(b) != 5 or a[0] != b[0]:
        return False
    _, r1, c1, rs1, cs1 = a
    _, r2, c2, rs2, cs2 = b
    return r1 < r2 + max(rs2, 1) and r2 < r1 + max(rs1, 1) and c1 < c2 + max(cs2, 1) and c2 < c1 + max(cs1, 1)


def check_layout_overlaps(widget: QWidget) -> list[Violation]:
    layout = widget.layout()
    if layout is None:
        return []
    placed = [(w, cell) for w, cell in _placed_widgets(layout) if w.isVisible() and not w.isWindow()]
    found = []
    for (a, cell_a), (b, cell_b) in combinations(placed, 2):
        common = a.geometry().intersected(b.geometry())
        if common.width() > TOLERANCE and common.height() > TOLERANCE and not _cells_share(cell_a, cell_b):
            found.append(Violation("overlap", describe(a), f"covers {describe(b)} over {common.width()}×"
                                                           f"{common.height()} px (its layout is squeezed)"))
    return found


def check_squashed(widget: QWidget) -> Violation | None:
    """An input smaller than its minimum size hint cuts its own text or buttons."""
    if isinstance(widget.parentWidget(), (QAbstractSpinBox, QComboBox)):
        return None  # a spin box's or combo box's own line edit: its owner is checked
    hint = widget.minimumSizeHint()
    if widget.width() >= hint.width() and widget.height() >= hint.height():
        return None
    return Violation("squashed", describe(widget), f"is {widget.width()}×{widget.height()} px, "
                                                   f"needs at least {hint.width()}×{hint.height()}")


def geometry_violations(widgets: list[QWidget]) -> list[Violation]:
    """Rules (b) and (c) over ``widgets`` (the visible ones of a window)."""
    found: list[Violation | None] = []
    for widget in widgets:
        found.append(check_inside_parent(widget))
        found.extend(check_layout_overlaps(widget))
        if isinstance(widget, QScrollArea):
            found.extend(check_scroll_reach(widget))
        if isinstance(widget, (QAbstractSpinBox, QLineEdit, QComboBox)):
            found.append(check_squashed(widget))
    return [v for v in found if v is not None]
