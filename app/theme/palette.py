"""The Qt application palette (Fusion style) built from the theme's tokens, and fonts at the theme's
sizes.

Only Qt is imported here, so that the main window can apply it before numpy and pyqtgraph load.
"""
from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette

from app import theme


def apply_palette(app) -> None:
    """Fusion style with the dark palette, for the whole application (every main window calls it,
    once per application; standalone scripts that render a tab may call it too)."""
    if app.property("nndl_palette"):
        return
    app.setProperty("nndl_palette", True)
    app.setStyle("Fusion")
    palette = QPalette()
    role = QPalette.ColorRole
    colours = {
        role.Window: theme.BACKGROUND, role.WindowText: theme.TEXT, role.Base: theme.BASE,
        role.AlternateBase: theme.SURFACE, role.Text: theme.TEXT, role.Button: theme.RAISED,
        role.ButtonText: theme.TEXT, role.BrightText: theme.BRIGHT, role.Highlight: theme.HIGHLIGHT,
        role.HighlightedText: theme.BRIGHT, role.ToolTipBase: theme.RAISED, role.ToolTipText: theme.TEXT,
        role.Link: theme.ACCENT, role.PlaceholderText: theme.FAINT, role.Mid: theme.BORDER, role.Dark: theme.BASE,
        role.Light: theme.BORDER, role.Midlight: theme.HOVER, role.Shadow: theme.SHADOW,
    }
    for r, colour in colours.items():
        palette.setColor(r, QColor(colour))
    for r in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, r, QColor(theme.DISABLED))
    app.setPalette(palette)
    app.setStyleSheet(INDICATORS)


# Fusion draws radio buttons' and check boxes' outlines a shade darker than the window: invisible on a
# dark one. These outline them in the placeholder grey and fill them in the highlight colour when on.
INDICATORS = f"""
QRadioButton::indicator, QCheckBox::indicator {{ width: 11px; height: 11px; border: 1px solid {theme.FAINT};
    background: {theme.BASE}; }}
QRadioButton::indicator {{ border-radius: 6px; }}
QCheckBox::indicator {{ border-radius: 2px; }}
QRadioButton::indicator:hover, QCheckBox::indicator:hover {{ border-color: {theme.ACCENT}; }}
QRadioButton::indicator:checked {{ background: qradialgradient(cx: 0.5, cy: 0.5, radius: 0.5, fx: 0.5, fy: 0.5,
    stop: 0 {theme.ACCENT}, stop: 0.5 {theme.ACCENT}, stop: 0.6 {theme.BASE}, stop: 1 {theme.BASE});
    border-color: {theme.ACCENT}; }}
QCheckBox::indicator:checked {{ background: {theme.HIGHLIGHT}; border-color: {theme.ACCENT}; }}
QRadioButton::indicator:disabled, QCheckBox::indicator:disabled {{ border-color: {theme.BORDER_STRONG}; }}
QCheckBox::indicator:checked:disabled {{ background: {theme.BORDER}; }}
"""


def font(pixels: int, bold: bool = False) -> QFont:
    """The application's font at one of the theme's sizes (``theme.FONT_SMALL``, ...)."""
    f = QFont()
    f.setPixelSize(pixels)
    f.setBold(bold)
    return f
