"""Predict, then reveal, on the Gradients tab's book experiment: which layer learns fastest, by how much."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from app import numbers
from app.gradients.tab import GradientsTab
from app.layout_audit.pages import settle
from app.state import AppState


@pytest.fixture
def page(qtbot, mnist):
    state = AppState()
    state.data = mnist
    tab = GradientsTab(state)
    qtbot.addWidget(tab)
    tab.resize(1024, 620)
    tab.show()
    page = tab.experiment
    yield page
    tab.shutdown()


def test_the_prediction_follows_the_depth_and_is_revealed_by_the_run(qtbot, page):
    prediction = page.prediction
    assert prediction.options == [f"hidden layer {i}" for i in range(1, 5)]
    page.depth.setValue(3)
    assert prediction.options == ["hidden layer 1", "hidden layer 2", "hidden layer 3"] and prediction.state == "open"
    page.images.setValue(200)
    page.epochs.setValue(3)
    prediction.choice.setCurrentIndex(1)  # hidden layer 1
    prediction.estimate.setValue(4.0)
    qtbot.waitUntil(lambda: page.initial is not None and page._initial_worker is None, timeout=30_000)
    settle(page)  # (the bars at initialisation in, and their table)
    height = page.curve_plot.height()
    qtbot.mouseClick(prediction.commit_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(page.run_finished, timeout=60_000):
        qtbot.mouseClick(page.buttons.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: prediction.state == "revealed", timeout=5_000)
    start = page.speeds[:, 0]
    assert int(np.argmax(start)) == 2  # the layer next to the output learns fastest
    text = prediction.verdict.text()
    ratio = start.max() / start.min()
    assert "You said hidden layer 1; it is hidden layer 3" in text and f"×{numbers.number(ratio, 3)}" in text
    # the verdict came (during the run), and the caption: room was kept for both, so the plots kept still
    settle(page)
    assert page.caption.text() and page.curve_plot.height() == height


def test_skipping_leaves_the_experiment_alone(qtbot, page):
    qtbot.mouseClick(page.prediction.skip_button, Qt.MouseButton.LeftButton)
    assert page.prediction.state == "skipped"
    page.prediction.check_run()
    assert page.prediction.state == "skipped"
