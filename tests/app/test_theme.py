"""The theme: colours come from its tokens, every plot from its factory, log axes are labelled at
decades."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import theme
from app.theme import plots as look

APP = Path(__file__).resolve().parents[2] / "app"
HEX = re.compile(r"#[0-9a-fA-F]{6}\b")


def test_no_colour_literal_outside_the_theme():
    found = []
    for path in sorted(APP.rglob("*.py")):
        name = path.relative_to(APP).as_posix()
        if name.startswith("theme/"):
            continue
        found += [f"{name}:{i}" for i, line in enumerate(path.read_text().splitlines(), 1) if HEX.search(line)]
    assert not found, f"hex colours outside app/theme: {found}"


def test_tokens_are_colours_and_helpers_use_them():
    for name in dir(theme):
        value = getattr(theme, name)
        if name.isupper() and isinstance(value, str) and value.startswith("#"):
            assert re.fullmatch(r"#[0-9a-f]{6}", value), name
    assert theme.rgba("#102030", 7) == (16, 32, 48, 7)
    assert theme.series(len(theme.SERIES)) == theme.SERIES[0]
    assert theme.coloured("x", theme.ERROR) == f"<span style='color:{theme.ERROR}'>x</span>"
    assert theme.text_style(theme.MUTED, theme.FONT_NOTE, bold=True) == (
        f"color: {theme.MUTED}; font-size: {theme.FONT_NOTE}px; font-weight: 600;")


def labels(axis: look.DecadeAxis, lo: float, hi: float, pixels: float) -> list[str]:
    """The labels a log axis draws for a view from 10^lo to 10^hi, ``pixels`` long."""
    shown = []
    for spacing, values in axis.logTickValues(lo, hi, pixels, []):
        shown += [s for s in axis.logTickStrings(values, 1.0, spacing) if s]
    return shown


def test_log_axis_labels_decades_only(qtbot):
    left = look.DecadeAxis("left")
    assert labels(left, -5.2, 0.3, 300) == ["10⁻⁵", "0.0001", "0.001", "0.01", "0.1", "1"]
    crowded = labels(left, -12, 0, 130)  # 13 decades where 5 labels fit: every third
    assert crowded == ["10⁻¹²", "10⁻⁹", "10⁻⁶", "0.001", "1"]
    short = labels(left, -1.1, 0.2, 300)  # little more than a decade: 2 and 5 as well
    assert short[:2] == ["0.1", "1"] and {"0.2", "0.5"} <= set(short)
    assert labels(left, 0.4, 0.6, 300) == ["3.16"]  # a sliver of a decade still gets a label


def test_plot_factory_gives_every_plot_the_same_look(qtbot):
    widget = look.plot_widget("Speed", "epoch", "‖δ‖", log_y=True, legend="top-left")
    qtbot.addWidget(widget)
    plot = widget.getPlotItem()
    assert plot.titleLabel.text == "Speed" and f"{theme.FONT_BODY}px" in plot.titleLabel.item.toHtml()
    assert plot.getAxis("left").labelText == "‖δ‖" and plot.getAxis("bottom").labelText == "epoch"
    assert isinstance(plot.getAxis("left"), look.DecadeAxis) and plot.getAxis("left").logMode
    assert plot.legend is not None and plot.legend.opts["offset"] == look.LEGEND_CORNERS["top-left"]
    assert plot.buttonsHidden and not plot.menuEnabled()
    assert look.plot_widget(legend=None).getPlotItem().legend is None


@pytest.mark.parametrize("module", ["app.widgets.curves", "app.gradients.experiment_page",
                                    "app.universality.plotting", "app.widgets.confusion"])
def test_views_use_the_factory(module):
    """No view styles a plot its own way: titles, axis labels and legends come from the factory."""
    source = Path(APP.parent / (module.replace(".", "/") + ".py")).read_text()
    assert "look." in source or "plot_widget" in source
    assert not re.search(r"\.setTitle\(|addLegend\(|showGrid\(", source)
