"""The Draw tab's line about the digit on the canvas, and mistakes sent from the Train tab: the line
stays true (after a network switch, drawing, clearing), a mistake is read by the network that made
it, with a way back, and a loaded digit puts the brush back in hand."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from app.state import DigitOrigin
from tests.app.test_draw_tab import mlp, state, stroke, tab, vertical_line  # noqa: F401  (fixtures)


def biased(net, digit):
    """A copy of ``net`` that reads everything as ``digit``."""
    other = net.copy()
    other.layers[-1].params["w"][:] = 0
    other.layers[-1].params["b"][:] = -5
    other.layers[-1].params["b"][digit] = 5
    return other


def test_the_mistake_line_stays_true_after_a_switch_drawing_and_clearing(tab, qtbot, state, mlp):
    with qtbot.waitSignal(tab.samples.sample_chosen, timeout=20000) as blocker:
        tab.samples.mistake_button.click()
    _, label, index = blocker.args
    line = tab.samples.message.text()
    assert line.startswith(f"MNIST test image #{index}, labelled {label}") and "Chapter 1 MLP reads" in line
    state.set_network(biased(mlp, 3), "all threes")  # what it said of the other network goes
    assert tab.samples.message.text() == f"MNIST test image #{index}, labelled {label}"
    stroke(tab.canvas, [(20, 20), (60, 60)])  # drawn over: no longer MNIST's image as it was
    assert tab.samples.message.text() == f"Your drawing, over MNIST test image #{index}, labelled {label}"
    tab.clear_button.click()
    assert tab.samples.message.text() == ""


def test_a_mistake_says_what_the_network_reads_on_the_canvas(tab, qtbot, mnist):
    """Put on the canvas, a digit is centred and scaled again: the line names the reading the tab
    shows, and the network still gets it wrong there (ten mistakes in a row: about a third of
    the ones it makes read otherwise on the canvas)."""
    tab.samples.rng = np.random.default_rng(5)
    for _ in range(10):
        with qtbot.waitSignal(tab.samples.sample_chosen, timeout=20000) as blocker:
            tab.samples.request("mistake")  # (the button is off while the test set is classified)
        label = blocker.args[1]
        assert tab.prediction != label and tab.true_label == label
        assert f"Chapter 1 MLP reads {tab.prediction}, as it misreads" in tab.samples.message.text()


def test_a_digit_from_elsewhere_replaces_the_line(tab, state, mnist):
    tab.samples.request("digit", 4)
    assert "labelled 4" in tab.samples.message.text()
    state.show_digit.emit(mnist.test.images[0], int(mnist.test.labels[0]))
    assert tab.samples.message.text() == ""  # (it would name the other image)


def test_a_mistake_opens_with_the_network_that_made_it_and_offers_the_way_back(tab, state, mlp, mnist):
    maker = biased(mlp, 2)
    label = int(mnist.validation.labels[7])
    state.show_mistake.emit(mnist.validation.images[7], label,
                            DigitOrigin("MNIST validation image #7", maker, "#3 ch1 (epoch 4)"))
    assert tab.net is maker and state.network is maker and state.network_label == "#3 ch1 (epoch 4)"
    assert tab.prediction == 2 and tab.true_label == label
    assert tab.picker.combo.currentText() == "#3 ch1 (epoch 4)"
    line = tab.samples.message.text()
    assert line.startswith(f"MNIST validation image #7, labelled {label}") and "misread by #3 ch1 (epoch 4)" in line
    back = tab.picker.back_button
    assert back.isVisibleTo(tab) and "Chapter 1 MLP" in back.text()
    # a second mistake keeps the way back to the network chosen before the first
    state.show_mistake.emit(mnist.validation.images[8], int(mnist.validation.labels[8]),
                            DigitOrigin("MNIST validation image #8", biased(mlp, 5), "#3 ch1 (epoch 5)"))
    assert tab.prediction == 5 and "Chapter 1 MLP" in back.text()
    back.click()
    assert state.network is mlp and state.network_label == "Chapter 1 MLP" and tab.net is mlp
    assert not back.isVisibleTo(tab) and "misread" not in tab.samples.message.text()
    assert tab.picker.combo.currentText().startswith("Chapter 1 MLP")


def test_choosing_another_network_takes_the_way_back_away(tab, state, mlp, mnist):
    state.show_mistake.emit(mnist.validation.images[7], 1, DigitOrigin("MNIST validation image #7", biased(mlp, 2), "x"))
    assert tab.picker.back_button.isVisibleTo(tab)
    tab.picker.choose("bundled", "ch1")
    assert not tab.picker.back_button.isVisibleTo(tab)


def test_loading_a_digit_puts_the_brush_back_in_hand(tab, state, mnist):
    tab.eraser_button.click()
    assert tab.canvas.eraser
    tab.samples.request("digit", 7)
    assert tab.brush_button.isChecked() and not tab.canvas.eraser
    tab.eraser_button.click()
    state.show_digit.emit(mnist.test.images[1], int(mnist.test.labels[1]))
    assert tab.brush_button.isChecked() and not tab.canvas.eraser
    stroke(tab.canvas, vertical_line(x=200))
    assert tab.canvas.array()[150, 200] > 0  # it draws


def test_an_all_zero_map_says_so(tab, state, mlp):
    dead = mlp.copy()
    dead.layers[0].params["w"][:] = 0  # the hidden layer ignores the pixels: ∂ score / ∂ pixel = 0
    state.set_network(dead, "deaf")
    tab.smooth_button.setChecked(False)
    stroke(tab.canvas, vertical_line())
    tab.slow.flush()
    assert not tab.saliency.overlay.image.any() and "All zero" in tab.saliency_caption.text()


def _geometry(tab):
    """Where every visible widget of the tab is, except inside the network's view (which is built
    anew for each architecture)."""
    from PySide6.QtWidgets import QWidget

    out = {}
    for w in tab.findChildren(QWidget):
        if w.isVisibleTo(tab) and not tab.inside.isAncestorOf(w) and w is not tab.inside:
            out[f"{type(w).__name__}:{w.objectName()}:{id(w)}"] = (w.mapTo(tab, w.rect().topLeft()), w.size())
    return out


@pytest.mark.parametrize("size", [(1024, 560), (1280, 720)])
def test_nothing_moves_when_the_network_changes_or_a_message_appears(tab, qtbot, state, mlp, mnist, size):
    """(the tab's area in a 1024×640 and a 1280×800 window)"""
    tab.resize(*size)
    qtbot.waitUntil(lambda: tab.size().width() == size[0])
    stroke(tab.canvas, vertical_line())
    QApplication.processEvents()
    before = _geometry(tab)

    def unmoved():
        QApplication.processEvents()
        now = _geometry(tab)
        moved = {k: (before[k], v) for k, v in now.items() if k in before and before[k] != v}
        assert not moved, moved
        return True

    tab.samples.request("mistake")  # the line under the sample buttons fills
    qtbot.waitUntil(lambda: not tab.samples.busy(), timeout=20000)
    assert tab.samples.message.text() and unmoved()
    state.set_network(biased(mlp, 1), "#12 ch6-conv1 (epoch 30)")  # a network of the Train tab's
    assert unmoved()
    tab.picker.choose("bundled", "default")  # the CNN
    assert unmoved()
    state.show_mistake.emit(mnist.validation.images[3], 1,  # the way back appears at the row's end
                            DigitOrigin("MNIST validation image #3", biased(mlp, 4), "#3 ch1 (epoch 4)"))
    before.pop(next(k for k in before if k.startswith("FittedLabel")))  # (only where its text is cut moves)
    assert tab.picker.back_button.isVisibleTo(tab) and unmoved()
