"""Style sheets shared by several views, built from the theme's tokens (plain strings: no Qt here, so
the main window may use them before the heavy modules load)."""
from __future__ import annotations

from app import theme


def primary_button(padding: str = "4px 10px") -> str:
    """The one main button of a panel (Start, Run): filled, bold, white text."""
    return (f"QPushButton {{ background: {theme.PRIMARY}; color: {theme.BRIGHT}; font-weight: 600;"
            f" border-radius: 4px; padding: {padding}; }}"
            f"QPushButton:hover {{ background: {theme.HIGHLIGHT}; }}")


#: the main window's tabs: bold titles, the current one underlined in the accent colour
TAB_BAR = f"""
QTabBar::tab {{ padding: 7px 20px; margin-right: 2px; background: transparent; color: {theme.MUTED};
               border: none; border-bottom: 2px solid transparent; font-weight: 600; }}
QTabBar::tab:selected {{ color: {theme.TEXT_STRONG}; border-bottom: 2px solid {theme.ACCENT}; }}
QTabBar::tab:hover:!selected {{ color: {theme.TEXT}; border-bottom: 2px solid {theme.BORDER}; }}
"""

#: a tab's own pages (the Gradients tab's): the same look, lighter
PAGE_TABS = (f"QTabBar::tab {{ padding: 6px 16px; color: {theme.MUTED}; background: transparent; border: none;"
             f" border-bottom: 2px solid transparent; }}"
             f"QTabBar::tab:selected {{ color: {theme.TEXT_STRONG}; border-bottom: 2px solid {theme.ACCENT}; }}"
             f"QTabBar::tab:hover {{ color: {theme.TEXT}; }}")

STATUS_BAR = (f"QStatusBar {{ color: {theme.MUTED}; }} "
              f"QLabel#networkStatus {{ color: {theme.TEXT}; padding: 0 8px; }}")

#: a stand-in while a tab loads
LOADING = theme.text_style(theme.FAINT, theme.FONT_TITLE)

#: a list or table sunk into its panel
WELL = f"background: {theme.BASE}; border: 1px solid {theme.BORDER};"

#: a card: a rounded panel one step above the window
CARD = f"background: {theme.SURFACE}; border: 1px solid {theme.BORDER}; border-radius: 6px;"
