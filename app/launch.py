"""The ``nndl-explorer`` command (and ``python main.py``): its options, then the app.

    nndl-explorer                          open the app (Qt's own options, e.g. -platform, pass through)
    nndl-explorer --version
    nndl-explorer --install-desktop-entry  add it to the desktop's application menu (Linux), then quit
    nndl-explorer --remove-desktop-entry

Exit status 0 on success, 2 on bad usage or when the desktop entry cannot be written (one line on
stderr).
"""
from __future__ import annotations

import argparse
import shlex
import sys

from app import desktop_entry
from core import __version__

PROG = "nndl-explorer"


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line instead of argparse's usage block
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="NNDL Explorer: Neural Networks and Deep Learning, hands-on. "
                                            "Without options, opens the app.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    entry = parser.add_mutually_exclusive_group()
    entry.add_argument("--install-desktop-entry", action="store_true",
                       help="add NNDL Explorer and its icon to the desktop's application menu (Linux; files "
                            "in ~/.local/share), then quit; nothing is written without this option")
    entry.add_argument("--remove-desktop-entry", action="store_true",
                       help="remove what --install-desktop-entry wrote, then quit")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args, rest = build_parser().parse_known_args(argv)
        unknown = [a for a in rest if a.startswith("--")]  # Qt's own options have a single dash
        if unknown:
            raise UsageError(f"unrecognized arguments: {' '.join(unknown)}")
        if args.install_desktop_entry or args.remove_desktop_entry:
            return _desktop_entry(install=args.install_desktop_entry)
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    # the window's modules load only now: --version and the desktop entry need none of them
    from app.main_window import run

    return run([sys.argv[0] if sys.argv else PROG, *rest])


def _desktop_entry(install: bool) -> int:
    if sys.platform in ("win32", "darwin"):
        raise UsageError("desktop entries are for Linux (freedesktop.org) desktops; nothing written")
    try:
        files = desktop_entry.install() if install else desktop_entry.remove()
    except desktop_entry.DesktopEntryError as exc:
        raise UsageError(str(exc)) from exc
    if install:
        print(f"Installed {files[0]} (it starts: {shlex.join(desktop_entry.launch_command())})")
        print(f"and the icon in {len(files) - 1} sizes under {desktop_entry.data_home() / 'icons' / 'hicolor'}")
    elif files:
        print(f"Removed {files[0]} and the icon ({len(files)} files)")
    else:
        print(f"No desktop entry to remove ({desktop_entry.entry_path()} does not exist)")
    return 0
