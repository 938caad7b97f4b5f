"""The application's dark palette (Fusion style), matching the plots' background in ``app.theme``.

Only Qt is imported here, so that the main window can apply it before numpy and pyqtgraph load.
"""
from __future__ import annotations

from PySide6.QtGui import QColor, QPalette


def apply_palette(app) -> None:
    """Fusion style with a dark palette matching the plots' background (``app.theme``), for the whole
    application (every main window calls it, once per application; standalone scripts that render a tab
    may call it too)."""
    if app.property("nndl_palette"):
        return
    app.setProperty("nndl_palette", True)
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
    app.setStyleSheet(INDICATORS)


# Fusion draws radio buttons' and check boxes' outlines a shade darker than the window: invisible on a
# dark one. These outline them in the placeholder grey and fill them in the highlight colour when on.
INDICATORS = """
QRadioButton::indicator, QCheckBox::indicator { width: 11px; height: 11px; border: 1px solid #6b7682;
    background: #0c0f12; }
QRadioButton::indicator { border-radius: 6px; }
QCheckBox::indicator { border-radius: 2px; }
QRadioButton::indicator:hover, QCheckBox::indicator:hover { border-color: #4cc9f0; }
QRadioButton::indicator:checked { background: qradialgradient(cx: 0.5, cy: 0.5, radius: 0.5, fx: 0.5, fy: 0.5,
    stop: 0 #4cc9f0, stop: 0.5 #4cc9f0, stop: 0.6 #0c0f12, stop: 1 #0c0f12); border-color: #4cc9f0; }
QCheckBox::indicator:checked { background: #2f8fb0; border-color: #4cc9f0; }
QRadioButton::indicator:disabled, QCheckBox::indicator:disabled { border-color: #3a434d; }
QCheckBox::indicator:checked:disabled { background: #2a323c; }
"""
