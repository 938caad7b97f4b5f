"""Render the app's icon, ``resources/icons/nndl-explorer.svg``, as the PNG sizes beside it.

    python scripts/render_icons.py [--out-dir DIR]

Run it after changing the SVG (``tests/app/test_icon.py`` checks that the PNGs match it).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtGui import QGuiApplication  # noqa: E402

from app.icon import ICON_DIR, PNG_SIZES, SVG, png_path, render_svg  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=ICON_DIR)
    args = parser.parse_args()
    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 (QPainter needs one)
    for size in PNG_SIZES:
        out = args.out_dir / png_path(size).name
        if not render_svg(SVG, size).save(str(out), "PNG"):
            print(f"render_icons: cannot write {out}", file=sys.stderr)
            return 1
        print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
