"""NNDL Explorer's desktop app (PySide6 + pyqtgraph): views and controls over ``core``."""
from app import theme as _theme  # noqa: F401  (sets pyqtgraph's options once, for every view)
