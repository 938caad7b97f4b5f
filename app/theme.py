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


# The application palette lives in app.palette (it imports only Qt, so the main window can apply it
# before the heavy modules load); re-exported here for the views and scripts that use theme.
from app.palette import apply_palette  # noqa: E402,F401
