"""The Principles tab's backpropagation page: every number follows an edit, the check agrees, a step
of gradient descent lowers the cost, and the prediction of the largest δ is revealed."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from app.principles.backprop_diagram import BIAS, SATURATED
from app.principles.backprop_page import BackpropPage
from app.principles.common import vector
from core import backprop_trace


@pytest.fixture
def page(qtbot):
    page = BackpropPage()
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    return page


def numbers(page) -> dict[str, np.ndarray]:
    """Everything the page shows, flattened: z, a, δ and ∂C/∂w of every layer."""
    return {f"{name}{l}": np.ravel(getattr(r, name)).copy() for l, r in enumerate(page.diagram.records, 1)
            for name in ("z", "a", "delta", "nabla_w")}


def test_opens_on_the_books_small_network_with_the_first_forward_step(page):
    assert page.sizes == (2, 3, 2) and page.network.dtype == np.float64
    assert [len(r.b) for r in page.records] == [3, 2]
    assert page.diagram.forward == 1 and page.diagram.deltas == set() and not page.diagram.gradients
    assert "z<sup>1</sup> = w<sup>1</sup> x + b<sup>1</sup>" in page.equation.text()
    assert page.stage.text().startswith("1/5  Forward, layer 1")


def test_typing_a_first_layer_weight_changes_every_dependent_number(page):
    page.go(len(page.steps) - 1)
    before = numbers(page)
    page.diagram.selected = (1, 1, 0)
    page.redraw()
    page.weight_value.setValue(page.weight_value.value() + 0.5)
    after = numbers(page)
    assert page.network.dense_layers[0].params["w"][1, 0] == pytest.approx(page.weight_value.value())
    assert after["z1"][1] != before["z1"][1] and after["a1"][1] != before["a1"][1]
    np.testing.assert_array_equal(after["z1"][[0, 2]], before["z1"][[0, 2]])  # other hidden neurons untouched
    for name in ("z2", "a2", "delta2", "delta1", "nabla_w1", "nabla_w2"):  # downstream and backward: all new
        assert np.all(after[name] != before[name]), name
    exact = backprop_trace.trace(page.network, page.x, page.y)
    np.testing.assert_allclose(page.diagram.records[1].delta, exact[1].delta)
    assert vector(after["delta1"]) in page.equation.text() and vector(before["delta1"]) not in page.equation.text()


def test_dragging_an_edge_changes_its_weight(page, qtbot):
    l, j, k = 2, 1, 2
    p, q = page.diagram.edge(l, j, k)
    middle = ((p + q) / 2).toPoint()
    start = float(page.network.dense_layers[1].params["w"][j, k])
    qtbot.mousePress(page.diagram, Qt.MouseButton.LeftButton, pos=middle)
    assert page.diagram.selected == (l, j, k) and page.weight_name.text() == "w²₂₃"
    qtbot.mouseMove(page.diagram, middle - QPoint(0, 40))
    qtbot.mouseRelease(page.diagram, Qt.MouseButton.LeftButton, pos=middle - QPoint(0, 40))
    assert page.network.dense_layers[1].params["w"][j, k] == pytest.approx(start + 0.4, abs=1e-3)  # to 3 decimals
    assert page.weight_value.value() == pytest.approx(start + 0.4, abs=1e-3)
    assert page.records[1].w[j, k] == page.network.dense_layers[1].params["w"][j, k]


@pytest.mark.parametrize("selected", [(1, 0, 1), (2, 1, 2)])
def test_check_agrees_with_bp4_to_1e_6(page, qtbot, selected):
    page.diagram.selected = selected
    page.redraw()
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    exact, numeric = page.checked
    l, j, k = selected
    assert exact == page.records[l - 1].nabla_w[j, k]
    assert abs(exact - numeric) < 1e-6 and exact != 0
    assert "agree" in page.check_result.text()


def test_one_step_of_gradient_descent_lowers_the_cost(page, qtbot):
    start = page.costs[0]
    for _ in range(3):
        qtbot.mouseClick(page.step_button, Qt.MouseButton.LeftButton)
    assert len(page.costs) == 4 and page.costs[-1] < page.costs[0] == start
    assert np.all(np.diff(page.costs) < 0)
    assert len(page.cost_curve.getData()[1]) == 4
    assert "start" in page.cost_label.text()


def test_stepping_reveals_z_a_then_delta_then_gradients(page, qtbot):
    seen = []
    while page.next_button.isEnabled():
        qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)
        seen.append((page.steps[page.step_index].kind, page.diagram.forward, set(page.diagram.deltas),
                     page.diagram.gradients))
    assert seen[0] == ("forward", 2, set(), False)
    assert seen[1] == ("BP1", 2, {2}, False) and "BP1" in seen[1][0]
    assert seen[2] == ("BP2", 2, {1, 2}, False)
    assert seen[3] == ("BP3/BP4", 2, {1, 2}, True)
    assert "∂C/∂w<sup>2</sup>" in page.equation.text()
    qtbot.mouseClick(page.back_button, Qt.MouseButton.LeftButton)
    assert "BP2" in page.stage.text() and "⊙" in page.equation.text()


def test_sizes_up_to_4_5_4_and_a_new_seed(page):
    first = page.records[0].w.copy()
    page.seed.setValue(7)
    assert not np.array_equal(page.records[0].w, first)
    for name, value in (("inputs", 4), ("hidden", 5), ("outputs", 4)):
        page.size_boxes[name].setValue(value)
    assert page.sizes == (4, 5, 4) and len(page.x_boxes) == 4 and len(page.y_boxes) == 4
    assert page.records[0].w.shape == (5, 4) and page.records[1].w.shape == (4, 5)
    page.size_boxes["hidden"].setValue(9)  # beyond the page's limit: the box refuses it
    assert page.sizes[1] == 5
    assert len(page.prediction.options) == 9


def test_a_large_weight_saturates_its_neuron_and_the_diagram_flags_it(page):
    assert page.diagram.saturated == []
    page.diagram.selected = (1, 0, 0)
    page.weight_value.setValue(15.0)  # z¹₁ = 15 × 0.8 + b: σ′ ≈ 0
    assert (1, 0) in page.diagram.saturated and page.records[0].sigma_prime[0] < SATURATED


def test_cross_entropy_cost_shows_bp1_without_sigma_prime(page):
    page.cost_choice.setCurrentIndex(page.cost_choice.findData("cross-entropy"))
    page.go(len(page.records))  # BP1
    out = page.records[-1]
    np.testing.assert_allclose(out.delta, out.a - page.y)
    assert "σ′ cancels" in page.equation.text()


def test_predicting_the_largest_delta(page, qtbot):
    prediction = page.prediction
    assert not prediction.commit_button.isEnabled()
    prediction.choice.setCurrentIndex(1)  # δ¹₁
    qtbot.mouseClick(prediction.commit_button, Qt.MouseButton.LeftButton)
    assert prediction.state == "committed" and page.diagram.deltas == set()
    qtbot.mouseClick(page.all_button, Qt.MouseButton.LeftButton)
    assert prediction.state == "revealed"
    flat = np.concatenate([np.abs(r.delta) for r in page.records])
    truth = prediction.options[int(np.argmax(flat))]
    assert truth in prediction.verdict.text()


def test_a_neuron_card_selects_its_bias_which_drags_types_and_checks(page, qtbot):
    page.go(len(page.steps) - 1)
    card = page.diagram.card(2, 1).center().toPoint()
    start = float(page.network.dense_layers[1].params["b"][1])
    before = numbers(page)
    qtbot.mousePress(page.diagram, Qt.MouseButton.LeftButton, pos=card)
    assert page.diagram.selected == (2, 1, BIAS) and page.weight_name.text() == "b²₂"
    assert page.weight_value.value() == pytest.approx(start, abs=1e-3)
    qtbot.mouseMove(page.diagram, card - QPoint(0, 30))
    qtbot.mouseRelease(page.diagram, Qt.MouseButton.LeftButton, pos=card - QPoint(0, 30))
    assert page.network.dense_layers[1].params["b"][1] == pytest.approx(start + 0.3, abs=1e-3)
    after = numbers(page)
    assert after["z2"][1] != before["z2"][1] and after["delta2"][1] != before["delta2"][1]
    np.testing.assert_array_equal(after["z1"], before["z1"])  # upstream of the bias: untouched
    page.weight_value.setValue(-0.25)
    assert page.network.dense_layers[1].params["b"][1] == -0.25
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    exact, numeric = page.checked
    assert exact == page.records[1].nabla_b[1] and abs(exact - numeric) < 1e-6
    assert "BP3" in page.check_result.text() and "agree" in page.check_result.text()


def _segment_meets(p, q, rect) -> bool:
    """Whether the segment p-q passes through ``rect`` (sampled every pixel: exact enough here)."""
    steps = int(max(abs(q.x() - p.x()), abs(q.y() - p.y()))) + 1
    return any(rect.contains(p + (q - p) * (i / steps)) for i in range(steps + 1))


@pytest.mark.parametrize("size", [(440, 260), (700, 420), (1000, 560)])
@pytest.mark.parametrize("sizes", [(2, 3, 2), (4, 5, 4)])
def test_the_selected_weights_label_lies_on_no_edge_and_no_card(page, size, sizes):
    """It used to sit on the selected edge's middle, over the edges crossing there."""
    for name, n in zip(("inputs", "hidden", "outputs"), sizes):
        page.size_boxes[name].setValue(n)
    page.diagram.setFixedSize(*size)
    page.go(len(page.steps) - 1)  # the label with ∂C/∂w: its longest
    diagram = page.diagram
    selections = [(l, j, k) for l, r in enumerate(diagram.records, 1) for j in range(r.w.shape[0])
                  for k in (*range(r.w.shape[1]), BIAS)]
    for selected in selections:
        diagram.selected = selected
        text, box = diagram.selected_label()
        assert ("∂C/∂b" if selected[2] == BIAS else "∂C/∂w") in text
        assert 0 <= box.left() and box.right() <= diagram.width(), selected
        edges = [diagram.edge(l, j, k) for l, r in enumerate(diagram.records, 1) for j in range(r.w.shape[0])
                 for k in range(r.w.shape[1])]
        assert not any(_segment_meets(p, q, box) for p, q in edges), selected
        cards = [diagram.card(layer, j) for layer, n in enumerate(diagram.sizes()) for j in range(n)]
        assert not any(card.intersects(box) for card in cards), selected


def test_the_largest_network_fits_the_page_at_the_smallest_window(page, qtbot):
    """4-5-4 in the room the page has in a 1024×640 window: the cards of a column do not overlap (five
    hidden cards used to cover each other's δ), each card's lines are a whole line of text high, and the
    four input and target boxes are not squeezed below the width their numbers need."""
    page.resize(834, 470)
    for name, n in zip(("inputs", "hidden", "outputs"), (4, 5, 4)):
        page.size_boxes[name].setValue(n)
    page.go(len(page.steps) - 1)
    qtbot.waitUntil(lambda: page.diagram.height() >= page.diagram.minimumHeight())
    diagram = page.diagram
    assert diagram.line_height() >= diagram._font_line()
    for layer, n in enumerate(diagram.sizes()):
        cards = [diagram.card(layer, j) for j in range(n)]
        assert all(not a.intersects(b) for a, b in zip(cards, cards[1:])), layer
        assert all(0 <= c.top() and c.bottom() <= diagram.height() for c in cards), layer
    for box in page.x_boxes + page.y_boxes:
        assert box.width() >= box.minimumSizeHint().width(), box.value()
