"""The predict-then-reveal widget: commit, skip, reveal a choice (with a ratio) or a sketched curve."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.widgets.prediction import ChoicePrediction, SketchPrediction


@pytest.fixture
def choice(qtbot):
    widget = ChoicePrediction("Which layer learns fastest?", ["layer 1", "layer 2", "layer 3"],
                              estimate=("how many times the slowest?", 1, 1000, 10))
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_commit_needs_an_answer_and_locks_it(choice, qtbot):
    assert choice.state == "open" and not choice.commit_button.isEnabled()
    choice.choice.setCurrentIndex(3)
    assert choice.picked == 2 and choice.commit_button.isEnabled()
    with qtbot.waitSignal(choice.committed):
        qtbot.mouseClick(choice.commit_button, Qt.MouseButton.LeftButton)
    assert choice.waiting and not choice.choice.isEnabled() and not choice.estimate.isEnabled()


def test_reveal_names_the_answer_and_how_far_the_ratio_was(choice):
    choice.choice.setCurrentIndex(1)
    choice.estimate.setValue(10)
    choice.commit()
    choice.reveal(2, ratio=100.0, explain="the gradient shrinks going back")
    text = choice.verdict.text()
    assert choice.state == "revealed"
    assert "You said layer 1; it is layer 3" in text and "×100" in text and "10 times too low" in text
    assert "shrinks" in text


def test_a_right_answer_is_said_so_and_reveal_before_commit_does_nothing(choice):
    choice.reveal(0)
    assert choice.state == "open" and not choice.verdict.isVisible()
    choice.choice.setCurrentIndex(1)
    choice.estimate.setValue(95)
    choice.commit()
    choice.reveal(0, ratio=100.0)
    assert "Right: layer 1" in choice.verdict.text() and "close" in choice.verdict.text()


def test_skip_hides_the_question_and_predict_opens_it_again(choice, qtbot):
    with qtbot.waitSignal(choice.skipped):
        qtbot.mouseClick(choice.skip_button, Qt.MouseButton.LeftButton)
    assert choice.state == "skipped" and not choice.question.isVisible() and choice.again_button.text() == "Predict"
    choice.reveal(0)
    assert choice.state == "skipped"
    qtbot.mouseClick(choice.again_button, Qt.MouseButton.LeftButton)
    assert choice.state == "open" and choice.question.isVisible()


def test_sketch_by_dragging_then_reveal_against_the_truth(qtbot):
    page = QWidget()  # the plot and its sketch live and die together, as on a page
    plot = pg.PlotWidget()
    plot.setXRange(0, 10, padding=0)
    plot.setYRange(0, 1, padding=0)
    sketch = SketchPrediction("Sketch the cost", plot, (0, 10))
    layout = QVBoxLayout(page)
    layout.addWidget(plot)
    layout.addWidget(sketch)
    qtbot.addWidget(page)
    page.resize(500, 500)
    with qtbot.waitExposed(page):
        page.show()
    vb = plot.getPlotItem().getViewBox()
    points = [plot.mapFromScene(vb.mapViewToScene(QPointF(x, 0.5))) for x in (1, 4, 9)]
    assert not sketch.commit_button.isEnabled()
    qtbot.mousePress(plot.viewport(), Qt.MouseButton.LeftButton, pos=points[0])
    for pos in points[1:]:
        qtbot.mouseMove(plot.viewport(), pos)
    qtbot.mouseRelease(plot.viewport(), Qt.MouseButton.LeftButton, pos=points[-1])
    x, y = sketch.sketch()
    assert x.min() == pytest.approx(1, abs=0.1) and x.max() == pytest.approx(9, abs=0.1)
    np.testing.assert_allclose(y, 0.5, atol=0.02)
    assert len(sketch.curve.getData()[0]) == len(x)
    sketch.commit()
    truth_x = np.linspace(0, 10, 101)
    sketch.reveal(truth_x, np.full(101, 0.8), unit="epoch")
    assert sketch.state == "revealed" and "0.3 off on average" in sketch.verdict.text()
    assert "higher than you drew" in sketch.verdict.text()
    qtbot.mouseClick(sketch.again_button, Qt.MouseButton.LeftButton)
    assert sketch.state == "open" and len(sketch.sketch()[0]) == 0
