"""The app's look in one place: colour tokens, font sizes and spacing (Qt-free, so any module may
import them before Qt or pyqtgraph has loaded).

- ``app.theme.styles``: the style sheets built from these tokens (Qt-free strings).
- ``app.theme.palette``: the Qt application palette, and fonts at the theme's sizes.
- ``app.theme.plots``: pyqtgraph's options, the colour maps, and the plot factory every view uses.

Views name a token (``theme.MUTED``), never a hex literal, so the whole app changes look here.
"""
from __future__ import annotations

# --- surfaces (dark, from the window down to the deepest well) -----------------------------------------
BACKGROUND = "#101418"  # the window and every plot's background
BASE = "#0c0f12"  # text fields, image wells, list views
SURFACE = "#161b21"  # cards and alternate rows
RAISED = "#1c232b"  # buttons and tooltips
HOVER = "#232a33"  # a raised surface under the pointer
BORDER = "#26303a"  # card and panel outlines
BORDER_STRONG = "#3a444f"  # outlines that must be seen (inputs, frames around images), axis lines
SHADOW = "#000000"
SELECTED = "#1d4d60"  # a quiet selection: a checked tool, the section on show

# --- text -------------------------------------------------------------------------------------------------
TEXT = "#d0d6dc"  # body text, axis labels
TEXT_STRONG = "#eef2f5"  # titles, the selected tab, numbers that matter, the target curve
TEXT_SOFT = "#aab4be"  # explanations and captions beside the plots
MUTED = "#8b96a3"  # hints, captions, secondary labels, axis labels and ticks
FAINT = "#6b7682"  # placeholders, grid lines' labels
DISABLED = "#5c6670"
BRIGHT = "#ffffff"  # text on a filled button, outlines of handles that are dragged

# --- meaning ----------------------------------------------------------------------------------------------
ACCENT = "#4cc9f0"  # links, focus, the selected item, the current value
HIGHLIGHT = "#2f8fb0"  # selection backgrounds
PRIMARY = "#1f6f8b"  # the one main button of a panel (Start, Run); HIGHLIGHT under the pointer
ERROR = "#ff6b6b"  # refused input, diverged runs, a wrong answer
ERROR_BACKGROUND = "#3a1216"
WARNING = "#ffb703"  # stopped runs, clipping notes, marks that draw the eye (a mistake's label)
WARNING_BACKGROUND = "#33290f"
SUCCESS = "#7bd88f"  # a reached goal ("Success!"), a check that agrees, a right answer
SUCCESS_BACKGROUND = "#12301f"

# --- data -------------------------------------------------------------------------------------------------
#: series in one plot (layers, variants), distinguishable on the dark background, in this order (the
#: two oranges, 3 and 7, as far apart as eight colours allow)
SERIES = ["#4cc9f0", "#f72585", "#b5e48c", "#ffb703", "#9d4edd", "#e63946", "#43aa8b", "#fb8500"]
#: one colour per training run (the Train tab's runs and their overlays)
RUN_COLOURS = ["#ff6b6b", "#ffd166", "#06d6a0", "#c77dff", "#ff9f1c", "#4ea8de", "#f4a261", "#2ec4b6",
               "#ff99c8", "#a3b18a"]
TRAIN = "#b5e48c"  # training-set curves
VALIDATION = "#4cc9f0"  # validation-set curves
TEST = "#f72585"  # test-set curves
COST = "#fb8500"  # cost per epoch
BATCH = "#8b96a3"  # cost per mini-batch
REFERENCE = "#e9c46a"  # the book's figures, wherever they appear (reference lines, bars, factors)
POSITIVE = "#ff5a3c"  # signed values above zero (the diverging colour map's red end)
NEGATIVE = "#468cff"  # signed values below zero (its blue end)

# --- type and spacing -------------------------------------------------------------------------------------
# Sizes in pixels (device-independent), the one scale every view uses; the controls keep the system font.
FONT_TINY = 10  # px: tick labels of small multiples, captions on images
FONT_SMALL = 11  # px: legends, hints, field errors
FONT_NOTE = 12  # px: notes and read-outs beside the controls, axis labels
FONT_BODY = 13  # px: plot titles, a page's explanation
FONT_TITLE = 15  # px: a side panel's title, a plot's large annotation
FONT_HEADING = 20  # px: a page's heading, a verdict
FONT_DISPLAY = 28  # px: one number in large type (a score)
FONT_HUGE = 50  # px: the digit the network reads
MONOSPACE = "DejaVu Sans Mono, Menlo, Consolas, monospace"  # numbers in tables and equations
SPACING = 6  # px between controls
MARGIN = 8  # px around a page


def rgba(colour: str, alpha: int) -> tuple[int, int, int, int]:
    """A token as an (r, g, b, a) tuple, e.g. a translucent fill: ``rgba(theme.ACCENT, 60)``."""
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16), int(alpha)


def series(i: int) -> str:
    """The i-th series colour (wrapping around)."""
    return SERIES[i % len(SERIES)]


def text_style(colour: str | None = None, size: int | None = None, bold: bool = False, extra: str = "") -> str:
    """A label's style sheet: ``setStyleSheet(text_style(theme.MUTED, theme.FONT_NOTE))``."""
    parts = [f"color: {colour};" if colour else "", f"font-size: {size}px;" if size else "",
             "font-weight: 600;" if bold else "", extra]
    return " ".join(p for p in parts if p)


def coloured(text: str, colour: str, bold: bool = False) -> str:
    """``text`` in ``colour`` inside rich text (a status line's error, a legend's swatch)."""
    weight = "; font-weight: 600" if bold else ""
    return f"<span style='color:{colour}{weight}'>{text}</span>"

