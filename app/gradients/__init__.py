"""The gradients tab of the app."""
from app import theme as _theme  # noqa: F401  (pyqtgraph's options, before any view is made)
