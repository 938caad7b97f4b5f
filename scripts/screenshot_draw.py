"""Render the Draw tab with a digit drawn on it, offscreen, and save docs/screenshots/draw.png.

The app as a user first sees it (the bundled default CNN, the window's default size) once a digit is
drawn: a 4, drawn smallish in the upper left of the canvas, as people often do, with real mouse
events. So the picture shows what a user would see: the live prediction, the MNIST-style image next
to the naive downscale of the whole canvas (which the network misreads: why the preprocessing
matters), the saliency map and the feature maps inside the network.

    python scripts/screenshot_draw.py [--out docs/screenshots/draw.png] [--size 1280x820]
                                      [--model default|ch1|FILE]

Prints what the network read (and warns if it misread the drawn 4: not a picture for the README).
"""
from __future__ import annotations

import sys
from pathlib import Path

import shot

#: the strokes of a hand-drawn 4, in canvas pixels (the canvas is 280×280)
FOUR = [
    [(61, 25), (56, 39), (51, 54), (46, 69), (43, 81), (42, 90), (52, 91), (67, 91), (83, 91), (98, 90),
     (112, 89)],
    [(96, 35), (95, 52), (95, 71), (94, 90), (93, 108), (92, 127), (92, 144)],
]


def draw_strokes(app, canvas, strokes) -> None:
    """Draw ``strokes`` (lists of canvas points) on the canvas with mouse events."""
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QMouseEvent

    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton

    def send(kind, point, button, buttons):
        pos = canvas.to_widget(QPointF(*point))
        app.sendEvent(canvas, QMouseEvent(kind, pos, canvas.mapToGlobal(pos), button, buttons,
                                          Qt.KeyboardModifier.NoModifier))

    for points in strokes:
        send(QMouseEvent.Type.MouseButtonPress, points[0], left, left)
        for p in points[1:]:
            send(QMouseEvent.Type.MouseMove, p, none, left)
            app.processEvents()
        send(QMouseEvent.Type.MouseButtonRelease, points[-1], left, none)
        app.processEvents()


def main(argv: list[str] | None = None) -> int:
    parser = shot.parser(__doc__, "draw")
    parser.add_argument("--model", default="default", help="a bundled network's key or a network file")
    args = parser.parse_args(argv)

    from PySide6.QtCore import QEvent

    app = shot.application()
    from app.names import network_label
    from core.models import BUNDLED

    path = BUNDLED[args.model].path if args.model in BUNDLED else Path(args.model)
    if not path.is_file():
        print(f"{path} is not there", file=sys.stderr)
        return 1
    window = shot.main_window(args.size, "draw")
    window.state.open_network(path, label=network_label(path))
    tab = window.tabs.currentWidget()
    shot.settle(app, 10, 0)
    draw_strokes(app, tab.canvas, FOUR)
    app.sendEvent(tab.canvas, QEvent(QEvent.Type.Leave))  # the pointer leaves: no brush outline
    tab.slow.flush()
    maps = []
    tab.smoother.ready.connect(lambda *args: maps.append(args))  # the smoothed map, once the drawing rests
    shot.wait(app, lambda: maps, 60, "the smoothed saliency map")
    shot.settle(app, 10, 0)
    if not shot.save(window, args.out):
        return 1
    print(f"{network_label(path)} reads {tab.prediction} (naive downscale: {int(tab.naive_output.argmax())})")
    if tab.prediction != 4:
        print(f"warning: the drawn 4 was read as {tab.prediction}", file=sys.stderr)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
