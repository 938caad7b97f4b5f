"""Look and feel shared by every view: pyqtgraph options and the colour maps."""
from __future__ import annotations

import pyqtgraph as pg

# Images are (rows, columns) arrays everywhere in the app, like NumPy prints them.
pg.setConfigOptions(antialias=True, imageAxisOrder="row-major", background="#101418", foreground="#d0d6dc")

#: diverging map for signed values (weights, saliency): blue negative, black zero, red positive
DIVERGING = pg.ColorMap([0.0, 0.5, 1.0], [(70, 140, 255), (12, 14, 18), (255, 90, 60)])
#: sequential map for activations in [0, 1]
SEQUENTIAL = pg.colormap.get("viridis")
#: grey ink on black, like MNIST
GREY = pg.ColorMap([0.0, 1.0], [(0, 0, 0), (255, 255, 255)])
#: colours for series in a plot (layers, runs), distinguishable on the dark background
SERIES = ["#4cc9f0", "#f72585", "#b5e48c", "#ffb703", "#9d4edd", "#fb8500", "#43aa8b", "#e63946"]


def apply_palette(app) -> None:
    """Fusion style with a dark palette matching the plots' background, for the whole application
    (the main window calls it; standalone scripts that render a tab may call it too)."""
    from PySide6.QtGui import QColor, QPalette

    app.setStyle("Fusion")
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#101418", QPalette.ColorRole.WindowText: "#d0d6dc",
        QPalette.ColorRole.Base: "#0c0f12", QPalette.ColorRole.AlternateBase: "#161b21",
        QPalette.ColorRole.Text: "#d0d6dc", QPalette.ColorRole.Button: "#1c232b",
        QPalette.ColorRole.ButtonText: "#d0d6dc", QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Highlight: "#2f8fb0", QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#1c232b", QPalette.ColorRole.ToolTipText: "#d0d6dc",
        QPalette.ColorRole.Link: "#4cc9f0", QPalette.ColorRole.PlaceholderText: "#6b7682",
        QPalette.ColorRole.Mid: "#2a323c", QPalette.ColorRole.Dark: "#0a0d10",
        QPalette.ColorRole.Light: "#2c3540", QPalette.ColorRole.Midlight: "#232a33",
        QPalette.ColorRole.Shadow: "#000000",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#5c6670"))
    app.setPalette(palette)
