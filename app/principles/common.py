"""What every Principles page shares: the page frame (title, explanation, view, side column), numbers
written the way the book prints them, and a label for equations with the numbers plugged in."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app import theme
from app.universality.controls import SidePanel, header
from app.theme import plots as look
from app.universality.plotting import make_plot

MINUS = "−"


def number(value: float, decimals: int = 3) -> str:
    """A number with a real minus sign (−0.125), as the book prints it."""
    text = f"{value:.{decimals}f}"
    if text.startswith("-"):
        text = MINUS + text[1:]
    if text.strip(MINUS + "0.") == "":
        text = text.lstrip(MINUS)  # no "−0.000"
    return text


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def subscript(n: int) -> str:
    return str(n).translate(_SUBSCRIPTS)


def superscript(n: int) -> str:
    return str(n).translate(_SUPERSCRIPTS)


def vector(values, decimals: int = 3) -> str:
    """[0.125, −0.500]: a column vector written on one line."""
    return "[" + ", ".join(number(v, decimals) for v in np.ravel(values)) + "]"


def matrix(values, decimals: int = 2) -> str:
    """[[…], […]]: a matrix row by row."""
    return "[" + ", ".join(vector(row, decimals) for row in np.atleast_2d(values)) + "]"


def opaque(colour: str, alpha: int) -> QColor:
    """``colour`` at opacity alpha/255 over the page's background, as an opaque colour: opaque fills and
    lines paint several times faster than translucent ones."""
    top, under = theme.rgba(colour, 255), theme.rgba(theme.BACKGROUND, 255)
    t = alpha / 255
    return QColor(*(round(t * a + (1 - t) * b) for a, b in zip(top[:3], under[:3])))


def plot(title: str = "", x_label: str = "", y_label: str = "", handler=None, x_range=(0.0, 1.0),
         y_range=(0.0, 1.0)):
    """A plot from the theme's factory with fixed ranges, whose clicks and drags go to ``handler`` (see
    ``make_plot``), whose axes never rescale their numbers with an SI prefix (pyqtgraph would label
    0.001-0.4 as 1-400 once an axis has a label), and whose axes and grid are cached as pixmaps: an
    edit that redraws a curve then does not replay every grid line (~13 ms a plot)."""
    widget = make_plot(title, x_label, y_label, handler=handler, x_range=x_range, y_range=y_range)
    look.cache_axes(widget.getPlotItem())
    for side in ("left", "bottom"):
        axis = widget.getPlotItem().getAxis(side)
        axis.setSIPrefixEnableRanges(())
        axis.updateAutoSIPrefix()
    return widget


def legend(widget, corner: str = "top-right"):
    """The theme's legend, in a corner of the plot."""
    return look.add_legend(widget.getPlotItem(), corner)


class Player(QObject):
    """A Run / Pause button that calls ``tick`` off a timer every ``interval`` ms (animations never run
    off anything else, so the event loop stays free); ``restart`` is called first when given and the
    run is at its end (``at_end``)."""

    def __init__(self, run_button: QPushButton, interval: int, tick, at_end=None, restart=None, parent=None):
        super().__init__(parent or run_button)
        self.button, self.tick, self.at_end, self.restart = run_button, tick, at_end, restart
        self.timer = QTimer(self, interval=interval)
        self.timer.timeout.connect(self.tick)
        run_button.clicked.connect(self.toggle)

    @property
    def running(self) -> bool:
        return self.timer.isActive()

    def toggle(self) -> None:
        if self.running:
            self.stop()
            return
        if self.restart is not None and self.at_end is not None and self.at_end():
            self.restart()
        self.timer.start()
        self.button.setText("Pause")

    def stop(self) -> None:
        self.timer.stop()
        self.button.setText("Run")


def equation_label() -> QLabel:
    """A label for equations with their numbers: monospace, selectable, wrapping."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setStyleSheet(f"color: {theme.TEXT}; font-family: {theme.MONOSPACE}; font-size: {theme.FONT_BODY}px;")
    return label


def button(text: str, tip: str, primary: bool = False) -> QPushButton:
    b = QPushButton(text)
    b.setToolTip(tip)
    if primary:
        b.setStyleSheet(f"QPushButton {{ background: {theme.PRIMARY}; color: {theme.TEXT_STRONG}; "
                        f"padding: 4px 12px; border-radius: 4px; }} QPushButton:disabled {{ color: {theme.DISABLED}; }}")
    return b


def strong(text: str, colour: str = theme.TEXT_STRONG) -> str:
    return f"<b style='color:{colour}'>{text}</b>"


def frame(page: QWidget, title: str, text: str, view, side: QVBoxLayout, side_width: int = 360) -> None:
    """Lay ``page`` out: its title and explanation on top, ``view`` (a widget or layout) on the left and
    the side column of controls on the right (scrolling when the window is short)."""
    body = QHBoxLayout()
    body.setSpacing(theme.SPACING)
    if isinstance(view, QWidget):
        body.addWidget(view, 1)
    else:
        body.addLayout(view, 1)
    side.addStretch(1)
    panel = SidePanel(side, side_width)
    panel.setMaximumWidth(max(side_width, panel.minimumSizeHint().width()))  # never narrower than its controls
    body.addWidget(panel)
    layout = QVBoxLayout(page)
    layout.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.MARGIN)
    layout.addWidget(header(title, text))
    layout.addLayout(body, 1)
