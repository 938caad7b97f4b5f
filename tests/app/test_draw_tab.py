"""The Draw tab, driven through its real widgets: strokes are mouse events on the canvas."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFontMetrics, QInputDevice, QMouseEvent, QPointingDevice, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QTabWidget

from app import theme
from app.draw.inside import InsideView, best_columns
from app.draw.saliency import PERCENTILE
from app.draw.smoothing import CHUNK, SAMPLES, SIGMA
from app.draw.tab import DrawTab
from app.state import AppState
from app.theme.palette import font
from core import probes
from core.io import load_network
from core.models import BUNDLED
from core.preprocess import canvas_to_mnist, naive_downscale

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.MouseButton.NoButton


@pytest.fixture(scope="module")
def mlp():
    """The bundled chapter 1 network (784-30-10, 95% on the test set)."""
    return load_network(BUNDLED["ch1"].path)


@pytest.fixture(scope="module")
def cnn():
    """The bundled default CNN (the network the app opens with)."""
    return load_network(BUNDLED["default"].path)


@pytest.fixture
def state(qtbot, mnist, mlp):
    state = AppState()
    state.data = mnist  # loaded once per session by conftest
    state.set_network(mlp, "Chapter 1 MLP", BUNDLED["ch1"].path)
    return state


@pytest.fixture
def tab(qtbot, state):
    tab = DrawTab(state)
    qtbot.addWidget(tab)
    tab.resize(1280, 780)
    with qtbot.waitExposed(tab):
        tab.show()
    return tab


# --- drawing with the mouse --------------------------------------------------------------------------
def _send(canvas, kind, point, button, buttons):
    pos = canvas.to_widget(QPointF(*point))
    event = QMouseEvent(kind, pos, canvas.mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(canvas, event)


def stroke(canvas, points, release=True):
    """Press at the first point (canvas pixels), move through the others, release."""
    _send(canvas, QMouseEvent.Type.MouseButtonPress, points[0], LEFT, LEFT)
    for p in points[1:]:
        _send(canvas, QMouseEvent.Type.MouseMove, p, NONE, LEFT)
    if release:
        _send(canvas, QMouseEvent.Type.MouseButtonRelease, points[-1], LEFT, NONE)


def vertical_line(x=140, top=40, bottom=240, steps=12):
    return [(x, y) for y in np.linspace(top, bottom, steps)]


def replay_digit(canvas, image, threshold=0.4):
    """Draw an MNIST digit with the mouse: one horizontal stroke per run of ink in each row."""
    scale = canvas.size_px / 28
    for r, row in enumerate(image > threshold):
        c = 0
        while c < 28:
            if row[c]:
                start = c
                while c < 28 and row[c]:
                    c += 1
                y = (r + 0.5) * scale
                stroke(canvas, [((start + 0.5) * scale, y), ((c - 0.5) * scale, y)])
            c += 1


def _arc(cx, cy, rx, ry, start, end, n=24):
    """Points on an ellipse, angles in degrees from 3 o'clock, clockwise (y points down)."""
    t = np.radians(np.linspace(start, end, n))
    return list(zip(cx + rx * np.cos(t), cy + ry * np.sin(t)))


#: digits as a person draws them with the mouse: strokes in a unit box, y down
HAND_DRAWN = {
    0: [_arc(.5, .5, .3, .45, -90, 270, 40)],
    2: [_arc(.5, .3, .28, .22, 180, 380) + [(.25, .92), (.8, .92)]],
    3: [_arc(.48, .28, .25, .2, 200, 450) + _arc(.48, .7, .28, .22, -90, 160)],
    4: [[(.55, .05), (.2, .65), (.85, .65)], [(.65, .35), (.65, .95)]],
    5: [[(.78, .08), (.3, .08), (.27, .45)] + _arc(.5, .65, .28, .27, -130, 150)],
    7: [[(.2, .08), (.8, .08), (.42, .95)]],
    8: [_arc(.5, .27, .22, .21, 90, 450) + _arc(.5, .72, .27, .23, -90, 270, 30)],
}


def hand_strokes(digit, left, top, width, height):
    """``HAND_DRAWN[digit]`` in the box (canvas pixels), sampled every 4 px like a moving mouse."""
    out = []
    for unit in HAND_DRAWN[digit]:
        p = np.array(unit) * (width, height) + (left, top)
        t = np.r_[0, np.cumsum(np.linalg.norm(np.diff(p, axis=0), axis=1))]
        s = np.arange(0, t[-1] + 1e-9, 4.0)
        out.append(list(zip(np.interp(s, t, p[:, 0]), np.interp(s, t, p[:, 1]))))
    return out


# --- tests -------------------------------------------------------------------------------------------
def test_a_vertical_line_reads_as_one(tab):
    assert tab.prediction is None and tab.big_digit.text() == ""
    stroke(tab.canvas, vertical_line())
    assert tab.prediction == 1
    assert tab.big_digit.text() == "1"
    assert tab.bars.top == 1 and tab.bars.values[1] == pytest.approx(tab.output[1])


def test_mnist_digits_replayed_as_mouse_strokes_are_read_correctly(tab, qtbot, mnist, mlp):
    test = mnist.test
    right = np.flatnonzero(mlp.predict(test.images[:40]) == test.labels[:40])
    chosen = [int(i) for i in right if test.labels[i] in (0, 2, 3, 4, 7)][:5]
    for i in chosen:
        tab.canvas.clear()
        replay_digit(tab.canvas, test.images[i])
        assert tab.prediction == test.labels[i], f"test image #{i}"


@pytest.mark.parametrize("box, width", [((70, 40, 140, 200), 22),  # centred, the default brush
                                        ((20, 15, 70, 100), 10),  # small and thin, in the top-left corner
                                        ((150, 80, 110, 170), 40)],  # bold, off to the right
                         ids=["centred", "small-corner", "bold-off-centre"])
def test_the_default_cnn_reads_digits_drawn_with_the_mouse(tab, state, cnn, box, width):
    state.set_network(cnn, "Default CNN", BUNDLED["default"].path)
    tab.width_slider.setValue(width)
    for digit in HAND_DRAWN:
        tab.clear_action.trigger()
        for points in hand_strokes(digit, *box):
            stroke(tab.canvas, points)
        assert tab.prediction == digit and tab.big_digit.text() == str(digit), f"a drawn {digit}"


def test_prediction_updates_during_the_stroke(tab, qtbot):
    stroke(tab.canvas, vertical_line(), release=False)
    assert tab.canvas.drawing
    qtbot.waitUntil(lambda: not tab.fast.pending, timeout=1000)  # the throttled refresh catches up
    assert tab.prediction == 1  # before the button is released
    _send(tab.canvas, QMouseEvent.Type.MouseButtonRelease, (140, 240), LEFT, NONE)
    assert not tab.canvas.drawing


def test_clear_undo_redo(tab, qtbot):
    stroke(tab.canvas, vertical_line())
    one = tab.canvas.array()
    stroke(tab.canvas, [(60, 60), (220, 60)])  # a second stroke: now a T
    assert tab.canvas.array().sum() > one.sum()
    tab.canvas.undo()
    np.testing.assert_array_equal(tab.canvas.array(), one)
    assert tab.prediction == 1
    tab.canvas.redo()
    assert tab.canvas.array().sum() > one.sum()
    tab.clear_action.trigger()  # Esc
    assert tab.canvas.is_blank() and not tab.canvas.array().any()
    assert tab.prediction is None and tab.big_digit.text() == ""
    tab.undo_action.trigger()  # Ctrl+Z brings the T back
    assert tab.canvas.array().sum() > one.sum() and tab.prediction is not None
    tab.redo_action.trigger()  # Ctrl+Shift+Z clears it again
    assert tab.canvas.is_blank()
    assert tab.undo_button.isEnabled() and not tab.redo_button.isEnabled()


def test_keyboard_shortcuts_work_only_while_the_tab_is_shown(qtbot, state):
    host = QTabWidget()
    tab = DrawTab(state)
    host.addTab(tab, "Draw")
    host.addTab(QLabel("another tab"), "Other")
    qtbot.addWidget(host)
    with qtbot.waitActive(host):
        host.show()
        host.activateWindow()
    stroke(tab.canvas, vertical_line())
    QTest.keyClick(tab.canvas, Qt.Key.Key_Escape)
    assert tab.canvas.is_blank()
    QTest.keyClick(tab.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not tab.canvas.is_blank() and tab.prediction == 1
    QTest.keyClick(tab.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert tab.canvas.is_blank()
    QTest.keyClick(tab.canvas, Qt.Key.Key_E)
    assert tab.canvas.eraser
    QTest.keyClick(tab.canvas, Qt.Key.Key_B)
    assert not tab.canvas.eraser
    tab.canvas.undo()
    host.setCurrentIndex(1)
    QTest.keyClick(host.widget(1), Qt.Key.Key_Escape)  # Esc on another tab leaves the drawing alone
    assert not tab.canvas.is_blank()


def test_eraser_removes_ink(tab):
    stroke(tab.canvas, vertical_line(x=140, top=60, bottom=200))
    tab.toggle_eraser()
    assert tab.canvas.eraser and tab.eraser_button.isChecked()
    tab.width_slider.setValue(48)
    stroke(tab.canvas, vertical_line(x=140, top=30, bottom=230, steps=30))
    assert tab.canvas.array().max() < 40  # at most faint anti-aliased residue
    tab.toggle_eraser()
    assert not tab.canvas.eraser and tab.brush_button.isChecked()


def test_right_button_erases_and_the_brush_comes_back(tab):
    stroke(tab.canvas, vertical_line())
    right = Qt.MouseButton.RightButton
    points = vertical_line(steps=30)
    tab.width_slider.setValue(48)
    _send(tab.canvas, QMouseEvent.Type.MouseButtonPress, points[0], right, right)
    for p in points[1:]:
        _send(tab.canvas, QMouseEvent.Type.MouseMove, p, NONE, right)
    _send(tab.canvas, QMouseEvent.Type.MouseButtonRelease, points[-1], right, NONE)
    assert tab.canvas.array().max() < 40  # erased (at most faint anti-aliased residue)
    assert not tab.canvas.eraser and tab.brush_button.isChecked()  # the left button draws again


def test_pen_pressure_sets_the_stroke_width(tab):
    pen = QPointingDevice("test pen", 1, QInputDevice.DeviceType.Stylus, QPointingDevice.PointerType.Pen,
                          QInputDevice.Capability.Position | QInputDevice.Capability.Pressure, 1, 3)

    def pen_stroke(pressure):
        kinds = ([QTabletEvent.Type.TabletPress] + [QTabletEvent.Type.TabletMove] * 10
                 + [QTabletEvent.Type.TabletRelease])
        for kind, (x, y) in zip(kinds, vertical_line(steps=12)):
            pos = tab.canvas.to_widget(QPointF(x, y))
            buttons = NONE if kind == QTabletEvent.Type.TabletRelease else LEFT
            event = QTabletEvent(kind, pen, pos, tab.canvas.mapToGlobal(pos), pressure, 0, 0, 0, 0, 0,
                                 Qt.KeyboardModifier.NoModifier, LEFT, buttons)
            QApplication.sendEvent(tab.canvas, event)
            assert event.isAccepted()
        return int((tab.canvas.array() > 128).sum())

    light = pen_stroke(0.2)
    assert tab.prediction == 1
    tab.canvas.clear()
    firm = pen_stroke(1.0)
    assert firm > 2 * light > 0


def test_wider_brush_makes_a_thicker_line(tab):
    tab.width_slider.setValue(8)
    stroke(tab.canvas, vertical_line())
    thin = int((tab.canvas.array() > 128).sum())
    tab.canvas.clear()
    tab.width_slider.setValue(40)
    stroke(tab.canvas, vertical_line())
    assert (tab.canvas.array() > 128).sum() > 3 * thin


def test_what_the_network_sees_is_the_preprocessed_canvas_and_the_naive_downscale(tab):
    stroke(tab.canvas, vertical_line(x=40, top=20, bottom=110))  # a small "1" in the top-left corner
    canvas = tab.canvas.array()
    np.testing.assert_allclose(tab.sees.image(), canvas_to_mnist(canvas))
    np.testing.assert_allclose(tab.naive.image(), naive_downscale(canvas))
    naive_out = tab.net.output(naive_downscale(canvas)[None])[0]
    np.testing.assert_allclose(tab.naive_output, naive_out, atol=1e-5)
    assert f"<b>{tab.prediction}</b>" in tab.sees_caption.text()
    assert f">{int(naive_out.argmax())}</b>" in tab.naive_caption.text()


def test_inside_an_mlp_shows_activations_weights_strongest_neurons_and_saliency(tab, mlp):
    tab.smooth_button.setChecked(False)  # the plain gradient, live
    stroke(tab.canvas, vertical_line())
    tab.slow.flush()
    image = canvas_to_mnist(tab.canvas.array())
    (panel,) = tab.inside.panels
    hidden = probes.activations(mlp, image[None])[0][1][0]
    shown = panel.view.image()
    np.testing.assert_allclose(shown.ravel()[:30], hidden, atol=1e-6)
    assert panel.weight_view.n == 30
    contributions = probes.contributions(mlp, image[None], of="score")[0][0]
    strongest = [int(k) for k in np.argsort(-contributions)[:5] if contributions[k] > 0]
    assert tab.inside.strongest() == strongest and strongest
    assert panel.weight_view.highlighted() == strongest
    np.testing.assert_allclose(tab.saliency.overlay.image, probes.saliency(mlp, image[None], of="score")[0],
                               rtol=1e-4, atol=1e-6)


def test_inside_a_cnn_shows_one_feature_map_mosaic_per_conv_layer(tab, state):
    presets = pytest.importorskip("core.presets")
    if "ch6-relu" not in presets.names():
        pytest.skip("the chapter 6 presets are not there yet")
    net = presets.get("ch6-relu").build(seed=1)
    state.set_network(net, "a CNN")
    maps = [p for p in tab.inside.panels if p.kind == "maps"]
    conv_layers = [l for l in net.layers if l.params and len(l.output_shape) == 3]
    assert len(maps) == len(conv_layers) >= 2
    stroke(tab.canvas, vertical_line())
    tab.slow.flush()
    assert tab.prediction is not None
    image = canvas_to_mnist(tab.canvas.array())
    acts = probes.activations(net, image[None])
    for panel in maps:
        c = net.layers[panel.index].output_shape[0]
        assert panel.view.n == c
        first = panel.view.image()[:acts[panel.index][1].shape[2], :acts[panel.index][1].shape[3]]
        np.testing.assert_allclose(first, acts[panel.index][1][0, 0], atol=1e-5)
    assert tab.saliency.overlay.image.shape == (28, 28)


def test_mosaics_are_laid_out_to_fill_their_view(qtbot, cnn):
    assert best_columns(32, (12, 12), 1, 400, 200) == 8  # a wide area: 8 × 4 tiles
    assert best_columns(32, (12, 12), 1, 200, 400) == 4  # a tall one: 4 × 8
    assert best_columns(1, (4, 4), 1, 50, 50) == 1
    inside = InsideView()
    qtbot.addWidget(inside)
    inside.set_network(cnn)
    image = np.zeros((28, 28), np.float32)
    image[4:24, 12:16] = 1
    explanation = probes.explain(cnn, image[None])
    inside.show_explanation(explanation)
    first = inside.panels[0]
    maps = explanation["activations"][first.index][0]  # (32, 12, 12)
    widths = {}
    for size in ((900, 700), (300, 1400)):
        inside.resize(*size)
        inside.show()
        qtbot.waitUntil(lambda: first.view.width() < 400 if size[0] < 400 else first.view.width() > 800)
        view = first.view
        widths[size] = cols = view.layout_cols(view.n)
        assert cols == best_columns(32, (12, 12), 1, view.width() - 8, view.height() - 30)
        np.testing.assert_allclose(view.image()[:12, :12], maps[0], atol=1e-6)  # tile 0, redrawn
        last = view.tile_rect(31)  # the last map is where its tile is
        np.testing.assert_allclose(view.image()[int(last.y()):int(last.y()) + 12, int(last.x()):int(last.x()) + 12],
                                   maps[31], atol=1e-6)
    assert widths[(900, 700)] > widths[(300, 1400)]


def blank_band(view) -> float:
    """Pixels of a view's image box left blank above and below its (aspect-locked) image."""
    rows, cols = view.image().shape
    box = view.view.geometry()
    return box.height() - box.width() * rows / cols


@pytest.mark.parametrize("size", [(1024, 560), (1600, 920)])
def test_the_mlp_s_mosaics_sit_under_their_titles_the_spare_room_below(qtbot, tab, size):
    """No blank band parts the first layer's weights (or its activations) from their titles: the
    spare height of a tall column goes under the views."""
    tab.resize(*size)
    (panel,) = tab.inside.panels
    qtbot.waitUntil(lambda: tab.inside.height() > 0 and panel.weight_view.height() <= panel.weight_view.maximumHeight())
    for view in (panel.view, panel.weight_view):
        qtbot.waitUntil(lambda view=view: blank_band(view) < 3)  # (only rounding)
    if size[1] > 900:  # a tall column: room is left under the views, not between them and their titles
        assert panel.weight_view.geometry().bottom() < tab.inside.height() - 20


def test_conv_layer_titles_share_one_form(qtbot, cnn):
    """At a width where "conv layer 1: 32 maps of 12×12" does not fit, no layer keeps its long form."""
    inside = InsideView()
    qtbot.addWidget(inside)
    inside.set_network(cnn)
    metrics = QFontMetrics(font(theme.FONT_NOTE))
    first, second = (metrics.horizontalAdvance(p.view.titles[0]) for p in inside.panels[:2])
    assert first > second  # ("conv layer 1: 32 maps of 12×12", "conv layer 2: 64 maps of 4×4")
    for width in (24 + (first + second) // 2, 900):  # (24: the title row's margins)
        inside.resize(width, 700)
        inside.show()
        qtbot.waitUntil(lambda: inside.panels[0].view.width() == width)
        titles = [p.view.title.text for p in inside.panels if p.kind == "maps"]
        forms = {tuple(p.view.titles).index(p.view.title.text) for p in inside.panels if p.kind == "maps"}
        assert len(forms) == 1, titles


def test_cnn_saliency_is_the_gradient_coloured_up_to_its_99th_percentile(tab, state, cnn):
    state.set_network(cnn, "Default CNN", BUNDLED["default"].path)
    tab.smooth_button.setChecked(False)
    for points in hand_strokes(7, 70, 40, 140, 200):
        stroke(tab.canvas, points)
    tab.slow.flush()
    image = canvas_to_mnist(tab.canvas.array())
    gradient = probes.saliency(cnn, image[None], of="score")[0]  # of the score: the softmax is sure of a 7
    largest = np.abs(gradient).max()
    np.testing.assert_allclose(tab.saliency.overlay.image / largest, gradient / largest, atol=1e-4)
    limit = np.percentile(np.abs(gradient), PERCENTILE)
    assert tab.saliency.limit() == pytest.approx(limit, rel=1e-4)
    assert 0 < tab.saliency.limit() < largest
    assert "“7”" in tab.saliency_caption.text() and "Smoothed" not in tab.saliency_caption.text()


def smoothgrad(net, image):
    """SmoothGrad of the top score over SAMPLES noisy copies, as the tab computes it (in batches)."""
    return np.mean([probes.smooth_saliency(net, image[None], of="score", samples=CHUNK, sigma=SIGMA, seed=k)[0]
                    for k in range(SAMPLES // CHUNK)], axis=0)


def test_the_smoothed_map_is_smoothgrad_computed_when_the_stroke_ends(tab, qtbot, mlp):
    assert tab.smooth_button.isChecked()  # the default
    points = vertical_line()
    stroke(tab.canvas, points, release=False)
    tab.slow.flush()  # while the stroke goes on, nothing is computed
    assert not tab.smoother.busy and not tab.saliency.overlay.image.any()
    _send(tab.canvas, QMouseEvent.Type.MouseButtonRelease, points[-1], LEFT, NONE)
    qtbot.waitUntil(lambda: not tab.smoother.busy and tab.saliency.overlay.image.any(), timeout=10000)
    image = canvas_to_mnist(tab.canvas.array())
    np.testing.assert_allclose(tab.saliency.overlay.image, smoothgrad(mlp, image), rtol=1e-4, atol=1e-6)
    assert "Smoothed" in tab.saliency_caption.text()
    other = mlp.copy()  # another network: the old map goes at once, the new one follows
    other.layers[0].params["w"][:] *= -1
    tab.state.set_network(other, "flipped")
    assert not tab.saliency.overlay.image.any() or tab.smoother.busy
    qtbot.waitUntil(lambda: not tab.smoother.busy and tab.saliency.overlay.image.any(), timeout=10000)
    np.testing.assert_allclose(tab.saliency.overlay.image, smoothgrad(other, image), rtol=1e-4, atol=1e-6)
    tab.state.set_network(mlp, "back")
    tab.smooth_button.setChecked(False)  # the plain map at once
    np.testing.assert_allclose(tab.saliency.overlay.image, probes.saliency(mlp, image[None], of="score")[0],
                               rtol=1e-4, atol=1e-6)


def test_a_stroke_that_begins_puts_the_smoothing_off(tab, qtbot):
    stroke(tab.canvas, vertical_line())  # released: a map is asked for, to begin once the drawing rests
    assert tab.smoother.busy
    stroke(tab.canvas, [(40, 40), (60, 60), (80, 80)], release=False)  # the next stroke begins first
    assert not tab.smoother.busy  # nothing competes with it
    _send(tab.canvas, QMouseEvent.Type.MouseButtonRelease, (80, 80), LEFT, NONE)
    qtbot.waitUntil(lambda: not tab.smoother.busy and tab.saliency.overlay.image.any(), timeout=10000)


def test_clear_is_offered_only_when_there_is_ink(tab):
    assert not tab.clear_button.isEnabled()
    stroke(tab.canvas, vertical_line())
    assert tab.clear_button.isEnabled()
    tab.clear_button.click()
    assert tab.canvas.is_blank() and not tab.clear_button.isEnabled()
    tab.undo_button.click()
    assert tab.clear_button.isEnabled()


def test_network_change_rereads_the_drawing(tab, state):
    stroke(tab.canvas, vertical_line())
    before = tab.output.copy()
    other = tab.net.copy()
    other.layers[-1].params["w"][:] = 0
    other.layers[-1].params["b"][:] = np.arange(10, dtype=np.float32)  # reads everything as a 9
    state.set_network(other, "biased")
    assert tab.net is other and tab.prediction == 9
    assert not np.allclose(before, tab.output)


def test_samples_random_digit_and_mistake(tab, qtbot, mnist, mlp):
    with qtbot.waitSignal(tab.samples.sample_chosen, timeout=5000) as blocker:
        tab.samples.random_button.click()
    image, label, index = blocker.args
    np.testing.assert_array_equal(image, mnist.test.images[index])
    assert tab.true_label == label and not tab.canvas.is_blank()
    assert tab.bars.true_label == label and "MNIST label" in tab.verdict.text()

    with qtbot.waitSignal(tab.samples.sample_chosen, timeout=5000) as blocker:
        tab.samples.digit_buttons[3].click()
    assert blocker.args[1] == 3 and tab.true_label == 3

    with qtbot.waitSignal(tab.samples.sample_chosen, timeout=20000) as blocker:
        tab.samples.mistake_button.click()
    image, label, index = blocker.args
    assert mlp.predict(image[None])[0] != label  # the network gets this one wrong
    assert "misread" in tab.samples.message.text()

    stroke(tab.canvas, [(20, 20), (40, 40)])  # drawing over a sample: it is no longer MNIST's label
    assert tab.true_label is None and tab.bars.true_label is None


def test_samples_wait_for_mnist_to_load(qtbot, mlp, mnist, monkeypatch):
    state = AppState()
    state.set_network(mlp, "ch1")
    monkeypatch.setattr("app.state.load_mnist", lambda: mnist)  # the real loader, without reading again
    tab = DrawTab(state)
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.samples.sample_chosen, timeout=10000):
        tab.samples.request("digit", 5)
        assert "Loading" in tab.samples.message.text()
    assert tab.true_label == 5


def test_show_digit_signal_puts_the_digit_on_the_canvas(tab, state, mnist):
    state.show_digit.emit(mnist.test.images[0], int(mnist.test.labels[0]))
    assert not tab.canvas.is_blank()
    assert tab.true_label == mnist.test.labels[0] and tab.prediction == mnist.test.labels[0]


def test_network_picker_offers_bundled_training_and_file(tab, state, mlp):
    picker = tab.picker
    texts = [picker.combo.itemText(i) for i in range(picker.combo.count())]
    assert any("Chapter 1 MLP" in t for t in texts) and "Open a file…" in texts
    training_index = texts.index("The Train tab's network")
    assert not picker.combo.model().item(training_index).isEnabled()  # nothing is training yet
    assert picker.combo.currentText().startswith("Chapter 1 MLP")
    assert picker.info.text() == f"test accuracy {state.test_accuracy():.2%} · {mlp.describe()}"

    snapshot = mlp.copy()
    state.set_training_network(snapshot, "ch1 run")
    picker.choose("training")
    assert state.network is snapshot and tab.net is snapshot
    assert picker.combo.currentText() == "The Train tab's network"
    newer = mlp.copy()
    state.set_training_network(newer, "ch1 run")  # the Train tab publishes a newer snapshot
    assert state.network is newer and tab.net is newer

    picker.choose("bundled", "ch1")
    assert state.network_label == "Chapter 1 MLP" and not picker.following_training
    state.set_training_network(mlp.copy(), "ch1 run")
    assert state.network_label == "Chapter 1 MLP"  # no longer following


def test_open_file_choice_opens_the_chosen_file(tab, state, qtbot, tmp_path, mlp, monkeypatch):
    path = tmp_path / "mine.npz"
    from core.io import save_network

    save_network(mlp, path)
    monkeypatch.setattr("app.draw.tab.QFileDialog.getOpenFileName", lambda *a, **k: (str(path), ""))
    with qtbot.waitSignal(tab.picker.open_file_requested):
        tab.picker.choose("file")
    assert state.network_path == path and tab.net is state.network
    assert tab.picker.combo.currentText() == state.network_label


def test_open_file_choice_reports_a_bad_file(tab, state, tmp_path, monkeypatch):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a network")
    errors = []
    monkeypatch.setattr("app.draw.tab.QFileDialog.getOpenFileName", lambda *a, **k: (str(bad), ""))
    monkeypatch.setattr("app.draw.tab.QMessageBox.warning", lambda parent, title, text: errors.append(text))
    before = state.network
    tab.picker.choose("file")
    assert errors and "bad.npz" in errors[0]
    assert state.network is before


def test_blank_tab_without_network(qtbot):
    state = AppState()
    tab = DrawTab(state)
    qtbot.addWidget(tab)
    stroke(tab.canvas, vertical_line())
    assert tab.prediction is None and "network" in tab.verdict.text().lower()
