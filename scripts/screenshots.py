"""Render a screenshot of each tab offscreen into docs/screenshots/<tab>.png (for the README).

    python scripts/screenshots.py [--out-dir docs/screenshots] [--only draw train ...] [--size 1280x820]
                                  [--all]

A tab with its own script (``scripts/screenshot_<tab>.py``, which puts the tab in a telling state:
a digit drawn, a run half-way, ...) is rendered by that script, in its own process; any other tab is
rendered as it opens, in the main window. ``--all`` also saves every page of a tab that has several
into ``<out-dir>/<tab>/``.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import shot

TABS = ["draw", "principles", "train", "gradients", "universality"]


def plain_tab(name: str, out: Path, size: tuple[int, int]) -> bool:
    """The tab as it first opens, in the main window."""
    app = shot.application()
    window = shot.main_window(size, name)
    shot.settle(app, 20, 0)
    ok = shot.save(window, out)
    window.close()
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = shot.parser(__doc__)
    parser.add_argument("--out-dir", default=str(shot.ROOT / "docs" / "screenshots"))
    parser.add_argument("--only", nargs="+", choices=TABS, default=TABS)
    parser.add_argument("--all", action="store_true", help="also every page of each tab, in <out-dir>/<tab>/")
    args = parser.parse_args(argv)
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    size = f"{args.size[0]}x{args.size[1]}"
    failures = 0
    for name in args.only:
        out = out_dir / f"{name}.png"
        script = shot.ROOT / "scripts" / f"screenshot_{name}.py"
        if script.is_file():
            print(f"{name}: {script.name} …", flush=True)
            command = [sys.executable, str(script), "--out", str(out), "--size", size]
            if args.all and name != "draw":
                command += ["--all", str(out_dir / name)]
            ok = subprocess.run(command, cwd=shot.ROOT).returncode == 0
        else:
            print(f"{name}: the tab as it opens …", flush=True)
            ok = plain_tab(name, out, args.size)
        print(f"  {'done' if ok else 'FAILED'}: {name}")
        failures += not ok
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
