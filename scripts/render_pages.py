"""Render every page of every tab at 1024×640, 1280×800 and 1600×1000 and audit each one's layout.

    python scripts/render_pages.py [--out DIR] [--tabs draw train ...] [--sizes 1024x640 ...]
                                   [--network FILE ...] [--digit N | --no-digit] [--real] [--check]

Writes ``<tab>-<page>-<W>x<H>.png`` per page and size (in a folder per network when several are
given) and ``violations.txt``: every finding of ``app.layout_audit`` per page and size. The default
folder is the user cache's ``pages/`` (never the repository). Offscreen by default; ``--real`` uses
the platform Qt finds (e.g. ``Xvfb :99 &`` and ``DISPLAY=:99``). ``--check`` exits with status 1 if
any page has a violation. Each network (default: the bundled default network) is opened as if the
user had chosen it, with MNIST test digit ``--digit`` (default 0) open in the Draw tab, and pages
that start at random (the Universality challenge's bumps) start the same way every run.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _size(text: str):
    from PySide6.QtCore import QSize

    try:
        width, height = (int(n) for n in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 1280x800") from None
    return QSize(width, height)


def parse(argv: list[str] | None) -> argparse.Namespace:
    from core.paths import cache_dir

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=cache_dir() / "pages",
                        help="the folder for the PNGs and violations.txt (default: %(default)s)")
    parser.add_argument("--tabs", nargs="+", metavar="TAB", help="only these tabs (titles, any case)")
    parser.add_argument("--sizes", nargs="+", type=_size, metavar="WxH", help="window sizes (default: the three)")
    parser.add_argument("--network", nargs="+", type=Path, metavar="FILE", help="network files to render with")
    parser.add_argument("--digit", type=int, default=0, help="the MNIST test digit shown in the Draw tab")
    parser.add_argument("--no-digit", action="store_true", help="leave the Draw tab's canvas empty")
    parser.add_argument("--real", action="store_true", help="use the real platform instead of offscreen")
    parser.add_argument("--check", action="store_true", help="exit with status 1 if there is any violation")
    return parser.parse_args(argv)


def render(window, network_name: str, out: Path, tabs, sizes, report) -> int:
    """Render and audit every chosen page of ``window`` at every size; the number of violations."""
    from app.layout_audit import audit
    from app.layout_audit.pages import pages, show, size_label

    total = 0
    chosen = pages(window, tabs)
    if tabs and not chosen:
        raise SystemExit(f"no tab titled {' or '.join(tabs)}")
    for size in sizes:
        for page in chosen:
            found = show(window, page, size)
            png = out / f"{page.file_stem}-{size_label(size)}.png"
            if not window.grab().save(str(png), "PNG"):
                raise SystemExit(f"could not write {png}")
            found += audit(window)
            total += len(found)
            heading = f"{network_name}: {page.label} at {size_label(size)}"
            report.write(f"== {heading}: {len(found) or 'no'} violation{'s' * (len(found) != 1)}\n")
            report.writelines(f"  {v}\n" for v in found)
            print(f"{heading}: {len(found)}", flush=True)
    return total


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if not args.real:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from app.layout_audit.pages import SIZES, open_window, seeded_randomness
    from core.io import ModelFileError

    networks = args.network or [None]
    for path in networks:
        if path is not None and not path.is_file():
            raise SystemExit(f"no network file {path}")
    args.out.mkdir(parents=True, exist_ok=True)
    total = 0
    with (tempfile.TemporaryDirectory() as settings_dir, open(args.out / "violations.txt", "w") as report,
          seeded_randomness()):
        report.write(f"# layout audit of every page (platform: {app.platformName()})\n")
        for i, path in enumerate(networks):
            name = path.stem if path is not None else "default"
            folder = args.out / name if len(networks) > 1 else args.out
            folder.mkdir(exist_ok=True)
            try:
                window = open_window(Path(settings_dir) / f"settings-{i}.ini", path,
                                     None if args.no_digit else args.digit)
            except ModelFileError as exc:
                raise SystemExit(f"cannot open {path}: {exc}") from None
            total += render(window, name, folder, args.tabs, args.sizes or SIZES, report)
            window.close()
    print(f"{total} violation{'s' * (total != 1)}; pictures and violations.txt in {args.out}")
    return 1 if args.check and total else 0


if __name__ == "__main__":
    sys.exit(main())
