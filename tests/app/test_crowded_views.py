"""Issue 14, "every view reads right", for three views that crowded: at 1024×640, 1280×800 and
1600×1000 the Train tab's mistakes gallery shows each digit whole with its caption under it (never
over it), the confusion matrix's counts fit their cells (and a count that cannot is read on hover),
and the Draw tab's saliency map is big enough to read. Measured on the whole window, in the pixels
the views draw."""
from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QToolTip

from app import theme
from app.draw.tab import SALIENCY_MIN_PX
from app.layout_audit.pages import SIZES, Page, open_window, seeded_randomness, show, size_label
from app.theme.palette import font
from app.widgets.confusion import COUNT_MARGIN, fitted_counts
from app.widgets.gallery import MAX_DIGIT_PX, MIN_DIGIT_PX, arrange

SIZE_IDS = [size_label(s) for s in SIZES]


def _counts() -> np.ndarray:
    """A confusion matrix like a first epoch's on the 10,000 validation digits: four-digit counts on
    the diagonal, one- to three-digit ones off it, and some empty cells."""
    rng = np.random.default_rng(14)
    counts = rng.choice([0, 0, 1, 3, 8, 12, 45, 87, 146, 475], size=(10, 10))
    np.fill_diagonal(counts, [980, 1027, 829, 294, 585, 339, 1012, 769, 198, 1135])
    return counts


COUNTS = _counts()


@pytest.fixture(scope="module")
def window(qapp, mnist, tmp_path_factory):
    with seeded_randomness():
        window = open_window(tmp_path_factory.mktemp("crowded-views") / "settings.ini", data=mnist)
        yield window
        window.close()


@pytest.fixture(scope="module")
def mistakes(window, mnist):
    """The Train tab with 40 mistakes in its gallery and COUNTS in its confusion matrix; their captions."""
    tab = window.tabs.widget([window.tabs.tabText(i) for i in range(window.tabs.count())].index("Train"))
    images, labels = mnist.validation.images[:40].reshape(-1, 28, 28), mnist.validation.labels[:40]
    captions = [f"{t}→{(t + 1) % 10}" for t in labels]
    tab.gallery.set_digits(images, captions)
    tab.confusion.set_counts(COUNTS)
    return tab, captions


def _in_viewport(view, scene_rect: QRectF) -> QRectF:
    return view.viewportTransform().mapRect(scene_rect)


# --- the gallery ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_each_mistaken_digit_is_whole_with_its_caption_under_it(window, mistakes, size):
    tab, captions = mistakes
    assert show(window, Page("Train", "runs"), size) == []
    gallery = tab.gallery
    grid = gallery.grid
    assert grid.count >= 12, grid  # (room for a dozen digits at 1024×640 and more)
    view_rect = _in_viewport(gallery, gallery.view.sceneBoundingRect())
    to_viewport = gallery.item.deviceTransform(gallery.viewportTransform())
    digits = [to_viewport.mapRect(gallery.tile_rect(i)) for i in range(grid.count)]
    boxes = gallery.captions.screen_boxes()
    assert [text for _box, text in boxes] == captions[:grid.count]
    for digit in digits:
        assert digit.width() >= MIN_DIGIT_PX - 0.01 and digit.height() >= MIN_DIGIT_PX - 0.01
        assert view_rect.contains(digit), (digit, view_rect)
    for i, (box, _text) in enumerate(boxes):
        assert view_rect.contains(box), (box, view_rect)
        assert not any(box.intersects(digit) for digit in digits), (i, box)  # no caption over any digit
        assert not any(box.intersects(other) for other, _t in boxes[i + 1:])
        under = digits[i]  # its own digit, just above it
        assert under.bottom() <= box.top() < under.bottom() + gallery.caption_px
        assert abs(box.center().x() - under.center().x()) < 0.5
    assert gallery.captions.font.pixelSize() >= theme.FONT_TINY


def test_a_small_gallery_shows_fewer_digits_not_smaller_ones(window, mistakes):
    tab, _ = mistakes
    show(window, Page("Train", "runs"), SIZES[0])
    gallery = tab.gallery
    assert gallery.n == 40 and gallery.grid.count < 40
    assert gallery.grid.scale * 28 >= MIN_DIGIT_PX - 0.01
    show(window, Page("Train", "runs"), SIZES[-1])
    assert gallery.grid.count == 40


def test_clicking_a_digit_or_its_caption_emits_its_index(qtbot, window, mistakes):
    tab, _ = mistakes
    show(window, Page("Train", "runs"), SIZES[1])
    gallery = tab.gallery
    i = gallery.grid.cols + 1  # the second digit of the second row
    rect = gallery.tile_rect(i)
    for point in (rect.center(), QPointF(rect.center().x(), rect.bottom() + gallery.grid.band / 2)):
        scene = gallery.item.mapToScene(point)
        with qtbot.waitSignal(gallery.clicked) as blocker:
            qtbot.mouseClick(gallery.viewport(), Qt.LeftButton, pos=gallery.mapFromScene(scene))
        assert blocker.args == [i]


@pytest.mark.parametrize("width, height", [(120, 90), (223, 182), (458, 336), (800, 120), (60, 400)])
def test_the_arranged_grid_fits_its_view_with_room_for_every_caption(width, height):
    caption = 13.6
    grid = arrange(40, width, height, caption=caption)
    assert 1 <= grid.count <= 40 and grid.cols <= grid.count
    rows = math.ceil(grid.count / grid.cols)
    assert grid.scale * (grid.cols * 30 - 2) <= width + 1e-6
    assert grid.scale * (rows * (28 + grid.band + 2) - 2) <= height + 1e-6
    assert grid.band * grid.scale >= caption - 1e-6
    assert grid.scale * 28 <= MAX_DIGIT_PX + 1e-6
    if grid.count < 40:  # fewer only when all 40 would be drawn smaller than the least size
        assert grid.scale * 28 >= MIN_DIGIT_PX - 1e-6 or grid.count == 1
        assert arrange(40, width, height, caption=caption, smallest=0).scale * 28 < MIN_DIGIT_PX


def test_a_few_digits_in_a_large_view_stay_gallery_sized_in_one_row():
    grid = arrange(3, 458, 336)
    assert grid.count == 3 and grid.cols == 3 and grid.scale * 28 == pytest.approx(MAX_DIGIT_PX)


# --- the confusion matrix ------------------------------------------------------------------------------
def _cells(matrix) -> dict[tuple[int, int], QRectF]:
    vb = matrix.plot.vb
    return {(r, c): _in_viewport(matrix, vb.mapViewToScene(QRectF(c, r, 1, 1)).boundingRect())
            for r in range(10) for c in range(10)}


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_every_drawn_count_fits_its_cell(window, mistakes, size):
    tab, _ = mistakes
    assert show(window, Page("Train", "runs"), size) == []
    matrix = tab.confusion
    cells = _cells(matrix)
    labels = matrix.labels
    metrics = QFontMetricsF(labels.font)
    assert labels.font.pixelSize() >= theme.FONT_TINY  # no count in type too small to read
    drawn = {}
    for box, text in labels.screen_boxes():
        r, c = next(key for key, cell in cells.items() if cell.contains(box.center()))
        assert text == str(COUNTS[r, c])
        cell = cells[r, c]
        assert metrics.horizontalAdvance(text) + 2 * COUNT_MARGIN <= cell.width() + 1e-6, (text, cell.width())
        assert metrics.height() <= cell.height() + 1e-6
        assert cell.adjusted(-1e-6, -1e-6, 1e-6, 1e-6).contains(box), (text, box, cell)
        drawn[r, c] = text
    # every count not drawn is one too wide for its cell even in the smallest type
    smallest = QFontMetricsF(font(theme.FONT_TINY))
    cell_width = cells[0, 0].width()
    hidden = [(r, c) for r, c in zip(*np.nonzero(COUNTS)) if (r, c) not in drawn]
    for r, c in hidden:
        assert smallest.horizontalAdvance(str(COUNTS[r, c])) + 2 * COUNT_MARGIN > cell_width
    assert matrix.hidden == len(hidden)
    assert ("hover" in matrix.plot.titleLabel.text) == bool(hidden)  # the title says where the rest are
    assert all(len(str(v)) > 1 or (r, c) in drawn for (r, c), v in np.ndenumerate(COUNTS) if v)  # one digit: always


def test_the_count_size_follows_the_cell():
    counts = np.array([[5, 12], [475, 1027]])
    assert fitted_counts(counts, 60, 40) == (theme.FONT_NOTE, ["5", "12", "475", "1027"])
    size, texts = fitted_counts(counts, 20, 20)
    assert size == theme.FONT_TINY and texts == ["5", "12", "", ""]
    assert fitted_counts(np.zeros((2, 2), int), 5, 5)[1] == ["", "", "", ""]


def test_a_cell_s_count_is_read_on_hover(qtbot, window, mistakes):
    tab, _ = mistakes
    show(window, Page("Train", "runs"), SIZES[0])
    matrix = tab.confusion
    assert matrix.hidden  # at 1024×640 the three- and four-digit counts are not drawn
    vb = matrix.plot.vb
    for (r, c) in [(1, 1), (3, 9)]:
        matrix.scene().sigMouseMoved.emit(vb.mapViewToScene(QPointF(c + 0.5, r + 0.5)))
        total = f"{COUNTS[r].sum():,}"
        what = f"{r} read right" if r == c else f"{r} read as {c}"
        assert QToolTip.text() == f"{what}: {COUNTS[r, c]:,} of the {total} {r}s"
    matrix.scene().sigMouseMoved.emit(vb.mapViewToScene(QPointF(-3, 5)))  # off the cells
    qtbot.waitUntil(lambda: not QToolTip.isVisible())  # (a tooltip fades out)


# --- the saliency map ----------------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_the_saliency_map_is_big_enough_to_read(window, size):
    assert show(window, Page("Draw", "read"), size) == []
    view = window.tabs.widget(0).saliency
    drawn = _in_viewport(view, view.item.mapRectToScene(view.item.boundingRect()))
    assert min(drawn.width(), drawn.height()) >= SALIENCY_MIN_PX - 0.5, drawn
    assert QRectF(view.viewport().rect()).adjusted(-0.5, -0.5, 0.5, 0.5).contains(drawn)
