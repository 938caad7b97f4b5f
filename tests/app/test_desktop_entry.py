"""The Linux desktop entry: written only with --install-desktop-entry, into $XDG_DATA_HOME, atomically."""
from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys

import pytest

from app import desktop_entry, launch
from app.icon import PNG_SIZES, SVG, png_path


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    home = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def _entry(path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string(path.read_text())
    return dict(parser["Desktop Entry"])


def test_install_writes_the_entry_and_every_icon_size(data_home, monkeypatch, capsys):
    script = data_home.parent / "venv" / "bin" / "nndl-explorer"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.setattr(sys, "argv", [str(script), "--install-desktop-entry"])
    assert launch.main() == 0
    entry = data_home / "applications" / "nndl-explorer.desktop"
    assert f"Installed {entry}" in capsys.readouterr().out
    fields = _entry(entry)
    assert fields["Type"] == "Application" and fields["Name"] == "NNDL Explorer"
    assert fields["Exec"] == str(script) and fields["Icon"] == "nndl-explorer"
    assert fields["StartupWMClass"] == "NNDL Explorer"  # QApplication's name, Qt's X11 window class
    hicolor = data_home / "icons" / "hicolor"
    assert (hicolor / "scalable" / "apps" / "nndl-explorer.svg").read_bytes() == SVG.read_bytes()
    for size in PNG_SIZES:
        assert (hicolor / f"{size}x{size}" / "apps" / "nndl-explorer.png").read_bytes() == png_path(size).read_bytes()
    written = sorted(p for p in data_home.rglob("*") if p.is_file())
    assert len(written) == 2 + len(PNG_SIZES)  # nothing else, no temporary file left behind
    if shutil.which("desktop-file-validate"):  # (freedesktop.org's checker, where it is installed)
        checked = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr

    monkeypatch.setattr(sys, "argv", [str(script), "--remove-desktop-entry"])
    assert launch.main() == 0
    assert not [p for p in data_home.rglob("*") if p.is_file()]


def test_nothing_is_written_without_the_flag(data_home, qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from app.main_window import MainWindow

    with pytest.raises(SystemExit):
        launch.main(["--version"])
    window = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.state.network is not None, timeout=10000)
    window.close()
    assert not data_home.exists()


@pytest.mark.parametrize("argv0, expected", [
    ("{root}/main.py", [sys.executable, "{root}/main.py"]),  # python main.py
    ("{exe}", ["{exe}"]),  # the nndl-explorer script
    ("-c", [sys.executable, "-m", "nndl_explorer"]),  # anything else
])
def test_the_entry_starts_the_command_that_installed_it(argv0, expected, tmp_path, monkeypatch):
    exe = tmp_path / "nndl-explorer"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    (tmp_path / "main.py").write_text("")
    fill = {"root": str(tmp_path), "exe": str(exe)}
    monkeypatch.setattr(sys, "argv", [argv0.format(**fill)])
    assert desktop_entry.launch_command() == [e.format(**fill) for e in expected]


def test_exec_quotes_and_escapes_as_the_spec_says():
    command = ["/opt/my apps/50% off/nndl-explorer", "-m", 'say "$hi"\\now']
    value = desktop_entry.exec_value(command)
    assert value == '"/opt/my apps/50%% off/nndl-explorer" -m "say \\\\"\\\\$hi\\\\"\\\\\\\\now"'
    assert _read_exec(value) == command


def _read_exec(value: str) -> list[str]:
    """An Exec value read back as a desktop does: the string's escapes (``\\\\`` is one backslash), then
    the arguments (double quotes group, and inside them a backslash escapes ``"`$\\``), then ``%%``."""
    text, args, current, quoted, i = value.replace("\\\\", "\\"), [], None, False, 0
    while i < len(text):
        c = text[i]
        if quoted and c == "\\" and text[i + 1] in '"`$\\':
            current, i = current + text[i + 1], i + 2
            continue
        if c == '"':
            quoted, current = not quoted, current or ""
        elif c == " " and not quoted:
            args, current = args + [current] if current is not None else args, None
        else:
            current = (current or "") + c
        i += 1
    return [a.replace("%%", "%") for a in args + ([current] if current is not None else [])]


def test_a_target_that_is_not_a_regular_file_is_left_alone(data_home, capsys, monkeypatch):
    blocker = data_home / "icons" / "hicolor" / "48x48" / "apps" / "nndl-explorer.png"
    blocker.mkdir(parents=True)  # a folder where a file would go
    monkeypatch.setattr(sys, "argv", ["nndl-explorer", "--install-desktop-entry"])
    assert launch.main() == 2
    err = capsys.readouterr().err.strip()
    assert err == f"nndl-explorer: error: {blocker} exists and is not a regular file; left as it is, nothing written"
    assert blocker.is_dir() and not [p for p in data_home.rglob("*") if p.is_file()]  # nothing written at all


def test_an_unwritable_folder_is_one_line(data_home, capsys):
    data_home.mkdir()
    (data_home / "applications").write_text("a file where the folder should be")
    assert launch.main(["--install-desktop-entry"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nndl-explorer: error: cannot ") and len(err.strip().splitlines()) == 1


def test_unknown_double_dash_options_are_refused_and_qt_options_pass(capsys, monkeypatch):
    assert launch.main(["--instal-desktop-entry"]) == 2
    assert "unrecognized arguments: --instal-desktop-entry" in capsys.readouterr().err
    passed = []
    monkeypatch.setattr("app.main_window.run", lambda argv: passed.append(argv) or 0)
    monkeypatch.setattr(sys, "argv", ["nndl-explorer"])
    assert launch.main(["-style", "fusion"]) == 0 and passed == [["nndl-explorer", "-style", "fusion"]]


@pytest.mark.skipif(os.name == "nt", reason="desktop entries are a Linux thing")
def test_the_user_data_folder_defaults_to_local_share(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert desktop_entry.entry_path() == tmp_path / ".local" / "share" / "applications" / "nndl-explorer.desktop"
