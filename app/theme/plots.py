"""pyqtgraph's side of the theme: its global options and the colour maps (imported by the packages
that draw with pyqtgraph, before any view is made)."""
from __future__ import annotations

import pyqtgraph as pg

from app import theme

# Images are (rows, columns) arrays everywhere in the app, like NumPy prints them.
pg.setConfigOptions(antialias=True, imageAxisOrder="row-major", background=theme.BACKGROUND, foreground=theme.TEXT)

#: diverging map for signed values (weights, saliency): blue negative, black zero, red positive
DIVERGING = pg.ColorMap([0.0, 0.5, 1.0], [theme.NEGATIVE, "#0c0e12", theme.POSITIVE])
#: sequential map for activations in [0, 1]
SEQUENTIAL = pg.colormap.get("viridis")
#: grey ink on black, like MNIST
GREY = pg.ColorMap([0.0, 1.0], [(0, 0, 0), (255, 255, 255)])
