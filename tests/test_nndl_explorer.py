"""The two commands' entry point: --version, and one clear line when ``core`` or ``app`` is not ours."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import nndl_explorer
from core import __version__

ROOT = Path(__file__).resolve().parents[1]


def _python(code: str, path: list[Path], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in path), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("entry, prog", [(nndl_explorer.cli, "nndl"), (nndl_explorer.gui, "nndl-explorer")])
def test_version(entry, prog, capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", [prog, "--version"])
    with pytest.raises(SystemExit) as exit_:
        entry()
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"{prog} {__version__}"


def test_our_packages_pass_the_check():
    nndl_explorer.check_packages()  # raises if not


def test_a_core_folder_earlier_on_the_path_is_named_in_one_line(tmp_path):
    shadow = tmp_path / "elsewhere"
    (shadow / "core").mkdir(parents=True)
    (shadow / "core" / "__init__.py").write_text("")
    code = "import sys, nndl_explorer; sys.argv = ['nndl', 'presets']; sys.exit(nndl_explorer.cli())"
    done = _python(code, [shadow, ROOT], tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nndl: error: the package 'core'")
    assert str(shadow / "core") in lines[0] and lines[0].endswith(nndl_explorer.REMEDY)


def test_another_distribution_installed_over_ours_is_named(tmp_path):
    """Two packages named ``app`` installed into one folder: theirs replaced our ``__init__.py``."""
    site = tmp_path / "site-packages"
    site.mkdir()
    shutil.copy(ROOT / "nndl_explorer.py", site)
    shutil.copytree(ROOT / "core", site / "core", ignore=shutil.ignore_patterns("__pycache__"))
    (site / "app").mkdir()
    (site / "app" / "__init__.py").write_text('"""Somebody else\'s app."""\n')
    code = "import sys, nndl_explorer; sys.argv = ['nndl-explorer']; sys.exit(nndl_explorer.gui())"
    done = _python(code, [site], tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == (f"nndl-explorer: error: {site / 'app'} is not NNDL Explorer's 'app' package: "
                                   f"another installed package uses the same name; {nndl_explorer.REMEDY}")


def test_main_py_is_the_app_command(monkeypatch, capsys):
    import main

    monkeypatch.setattr(sys, "argv", ["main.py", "--version"])
    with pytest.raises(SystemExit):
        main.main()
    assert capsys.readouterr().out.strip() == f"nndl-explorer {__version__}"
