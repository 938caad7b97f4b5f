"""The "fool it" challenge, driven through the Draw tab's real widgets: strokes are mouse events."""
from __future__ import annotations

import numpy as np
import pytest

from app.numbers import a_digit
from core import fooling
from core.io import load_network
from core.models import BUNDLED
from tests.app.test_draw_tab import blank_band, stroke
from tests.app.test_draw_teach import make_tab

FOOL = 2  # the challenge's page in DrawTab.set_mode


@pytest.fixture(scope="module")
def mlp():
    return load_network(BUNDLED["ch1"].path)


@pytest.fixture
def tab(qtbot, mnist, mlp):
    tab = make_tab(qtbot, mnist, mlp, FOOL)
    tab.challenge.rng = np.random.default_rng(3)
    return tab


def _bar(k):
    """The k-th of a series of bold horizontal bars across the canvas."""
    y = 60 + 40 * (k % 5)
    return [(30.0, y), (250.0, y)]


def test_new_digit_is_one_the_network_reads_right(tab, mnist, mlp):
    challenge = tab.challenge
    assert challenge.start_label is None and "new digit" in challenge.status.text().lower()
    challenge.new_button.click()
    assert challenge.start_label is not None and challenge.strokes == 0
    assert tab.prediction == challenge.start_label == challenge.reading
    assert tab.true_label == challenge.start_label  # an MNIST test digit, with its label
    assert challenge.score.text() == "0 strokes"
    assert np.abs(challenge.hint_view.overlay.image).max() > 0  # a hint is shown


def test_strokes_are_counted_until_it_reads_another_digit(tab):
    challenge = tab.challenge
    challenge.new_button.click()
    start = challenge.start_label
    tab.width_slider.setValue(40)
    drawn = 0
    while challenge.fooled_in is None and drawn < 12:
        stroke(tab.canvas, _bar(drawn))
        drawn += 1
        assert challenge.strokes == drawn
    assert challenge.fooled_in == drawn, "a dozen bold bars should fool a 784-30-10 network"
    assert challenge.reading != start and tab.prediction == challenge.reading
    assert "Fooled in" in challenge.status.text() and f"Your best: {drawn} stroke" in challenge.status.text()
    tab.undo_button.click()  # undoing gives a stroke back; the result stays on record
    assert challenge.strokes == drawn - 1 and challenge.fooled_in == drawn


def test_hint_is_the_gradient_towards_the_runner_up(tab, mlp):
    challenge = tab.challenge
    challenge.new_button.click()
    output = mlp.output(tab.mnist_image[None])[0]
    target = fooling.runner_up(output)
    expected = fooling.hint(mlp, tab.mnist_image, challenge.reading, target)
    np.testing.assert_allclose(challenge.hint_view.overlay.image, expected, rtol=1e-5, atol=1e-6)
    assert f"more of {a_digit(target)} than {a_digit(challenge.reading)}" in challenge.hint_caption.text()


def test_start_from_my_drawing_and_a_blank_canvas(tab):
    challenge = tab.challenge
    challenge.mine_button.click()
    assert challenge.start_label is None and "draw a digit first" in challenge.status.text().lower()
    stroke(tab.canvas, [(140, 40), (140, 240)])
    challenge.mine_button.click()
    assert challenge.start_label == tab.prediction and challenge.strokes == 0
    tab.clear_button.click()  # a clear is an edit too
    assert challenge.strokes == 1 and challenge.reading is None and "blank" in challenge.status.text()


def test_judged_only_while_shown_and_a_new_network_ends_the_game(tab, mlp):
    challenge = tab.challenge
    challenge.new_button.click()
    tab.set_mode(0)
    stroke(tab.canvas, _bar(0))
    assert challenge.fooled_in is None and challenge.reading == challenge.start_label  # not judged
    tab.set_mode(FOOL)
    assert challenge.strokes == 1  # ...but counted, and judged on return
    tab.state.set_network(mlp.copy(), "copy")
    assert challenge.start_label is None and "network changed" in challenge.status.text()


def test_the_hint_has_its_caption_right_under_it(qtbot, tab):
    """In a tall column the hint map does not float in blank room, away from its caption."""
    tab.resize(1600, 920)
    challenge = tab.challenge
    challenge.new_button.click()
    qtbot.waitUntil(lambda: blank_band(challenge.hint_view) < 3)
    gap = challenge.hint_caption.geometry().top() - challenge.hint_view.geometry().bottom()
    assert gap <= 10
