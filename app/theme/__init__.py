"""The app's look in one place: colour tokens, font sizes and spacing (Qt-free, so any module may
import them before Qt or pyqtgraph has loaded).

- ``app.theme.palette``: the Qt application palette and style sheet built from these tokens.
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
BORDER_STRONG = "#3a444f"  # outlines that must be seen (inputs, frames around images)
SHADOW = "#000000"

# --- text -------------------------------------------------------------------------------------------------
TEXT = "#d0d6dc"  # body text, axis labels
TEXT_STRONG = "#eef2f5"  # titles, the selected tab, numbers that matter
MUTED = "#8b96a3"  # hints, captions, secondary labels
FAINT = "#6b7682"  # placeholders, grid lines' labels
DISABLED = "#5c6670"

# --- meaning ----------------------------------------------------------------------------------------------
ACCENT = "#4cc9f0"  # links, focus, the selected item, the current value
HIGHLIGHT = "#2f8fb0"  # selection backgrounds
PRIMARY = "#1f6f8b"  # the one main button of a panel (Start, Run)
ERROR = "#ff6b6b"  # refused input, diverged runs
ERROR_BACKGROUND = "#3a1216"
WARNING = "#ffb703"  # stopped runs, clipping notes
WARNING_BACKGROUND = "#33290f"
SUCCESS = "#7bd88f"  # a reached goal ("Success!"), a check that agrees
SUCCESS_BACKGROUND = "#12301f"

# --- data -------------------------------------------------------------------------------------------------
#: series in one plot (layers, variants), distinguishable on the dark background, in this order
SERIES = ["#4cc9f0", "#f72585", "#b5e48c", "#ffb703", "#9d4edd", "#fb8500", "#43aa8b", "#e63946"]
#: one colour per training run (the Train tab's runs and their overlays)
RUN_COLOURS = ["#ff6b6b", "#ffd166", "#06d6a0", "#c77dff", "#ff9f1c", "#4ea8de", "#f4a261", "#2ec4b6",
               "#ff99c8", "#a3b18a"]
TRAIN = "#b5e48c"  # training-set curves
VALIDATION = "#4cc9f0"  # validation-set curves
TEST = "#f72585"  # test-set curves
COST = "#fb8500"  # cost per epoch
BATCH = "#8b96a3"  # cost per mini-batch
REFERENCE = "#e8ecef"  # the book's figure, drawn as a reference line
POSITIVE = "#ff5a3c"  # signed values above zero (the diverging colour map's red end)
NEGATIVE = "#468cff"  # signed values below zero (its blue end)

# --- type and spacing -------------------------------------------------------------------------------------
FONT_SMALL = 11  # px: hints, captions, axis ticks
FONT_BODY = 13  # px: labels and controls
FONT_TITLE = 15  # px: a page's title
MONOSPACE = "DejaVu Sans Mono, Menlo, Consolas, monospace"  # numbers in tables and equations
SPACING = 6  # px between controls
MARGIN = 8  # px around a page


def rgba(colour: str, alpha: int) -> tuple[int, int, int, int]:
    """A token as an (r, g, b, a) tuple, e.g. a translucent fill: ``rgba(theme.ACCENT, 60)``."""
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16), int(alpha)

