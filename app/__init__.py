"""NNDL Explorer's desktop app (PySide6 + pyqtgraph): views and controls over ``core``.

pyqtgraph's options (``app.theme``) are set by the packages that draw with it (the tabs and
``app.widgets``), not here, so that the main window can show itself before pyqtgraph loads.
"""

#: which project this ``app`` package belongs to: ``nndl_explorer`` checks it, since ``app`` is a name
#: other packages use too
DISTRIBUTION = "nndl-explorer"
