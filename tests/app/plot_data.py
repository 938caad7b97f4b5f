"""What the tests check of a plot's data (shared by the tabs' tests)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg


def data_outside_view(plot: pg.PlotWidget) -> list[str]:
    """Each curve, scatter or shape of ``plot`` that reaches outside its view range."""
    item = plot.getPlotItem()
    (x0, x1), (y0, y1) = item.vb.viewRange()
    log_y = item.ctrl.logYCheck.isChecked()
    out = []
    for child in item.vb.addedItems:
        if isinstance(child, pg.PlotDataItem) and child.isVisible() and child.yData is not None and len(child.yData):
            x, y = np.asarray(child.xData, float), np.asarray(child.yData, float)
            if log_y:
                with np.errstate(divide="ignore", invalid="ignore"):
                    y = np.log10(y)
            ok = np.isfinite(x) & np.isfinite(y)
            if np.any((x[ok] < x0) | (x[ok] > x1) | (y[ok] < y0) | (y[ok] > y1)):
                out.append(f"curve {child.name()}")
        elif hasattr(child, "polygon") and not child.polygon().isEmpty():
            r = child.polygon().boundingRect()
            if r.left() < x0 or r.right() > x1 or r.top() < y0 - 1e-9 or r.bottom() > y1 + 1e-9:
                out.append(f"shape {r}")
    return out
