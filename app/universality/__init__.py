"""The universality tab of the app."""
from app.theme import plots as _plots  # noqa: F401  (pyqtgraph's options, before any view is made)
