"""The wheel and the sdist, built as a user would build them and used without the source tree.

The checkout is copied to a temporary folder and built there (``python -m build``: the sdist, then
the wheel from the sdist). The wheel is installed with ``--no-deps`` into a folder of its own, and
its commands run from yet another folder with only that folder and the test environment's
dependencies on Python's path (``python -S``: no ``.pth`` file, so not an editable install's either).
"""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from core import __version__

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
DEPENDENCIES = ["numpy", "scipy", "PIL", "PySide6", "shiboken6", "pyqtgraph", "tqdm", "platformdirs", "threadpoolctl"]
RESOURCES = ["mnist/README.md", "mnist/SHA256SUMS", "mnist/SHA256SUMS-raw", "mnist/train-images-idx3-ubyte.gz",
             "mnist/train-labels-idx1-ubyte.gz", "mnist/t10k-images-idx3-ubyte.gz", "mnist/t10k-labels-idx1-ubyte.gz",
             "models/README.md", "models/default-cnn.npz", "models/ch1-mlp.npz", "icons/nndl-explorer.svg",
             "icons/nndl-explorer-16.png", "icons/nndl-explorer-512.png"]
# the checkout, less version control, environments, caches and run outputs (see .gitignore)
NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__", "*.py[cod]",
                                    ".*_cache", "runs", "out", "*.log", "screenshots-tmp", "results")

WINDOW = """
import sys
from pathlib import Path
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
import app, core, core.paths
from app.main_window import start

qt = QApplication([])
window = start(qt, QSettings(sys.argv[1], QSettings.Format.IniFormat))

def check():
    if window.ready and window.state.network is not None:
        print(window.windowTitle(), window.width(), window.height(), sep="|")
        print(Path(core.__file__).parent, Path(app.__file__).parent, core.paths.RESOURCES, sep="|")
        print("|".join(sys.path))
        qt.quit()

timer = QTimer(interval=50, timeout=check)
timer.start()
QTimer.singleShot(60_000, lambda: qt.exit(1))
sys.exit(qt.exec())
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """(the wheel, the sdist), built from a copy of the checkout."""
    tmp = tmp_path_factory.mktemp("build")
    source, dist = tmp / "source", tmp / "dist"
    shutil.copytree(ROOT, source, ignore=NOT_COPIED)
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(source)],
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    return wheel, sdist


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory) -> Path:
    """The folder the wheel was installed into (``pip install --no-deps --target``)."""
    target = tmp_path_factory.mktemp("installed")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                           "--target", str(target), str(built[0])], capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    return target


def _run(installed: Path, cwd: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -S ARGS`` in ``cwd``, with the installed folder, then the dependencies, as the path."""
    folders = dict.fromkeys(str(Path(importlib.util.find_spec(name).origin).parents[1]) for name in DEPENDENCIES)
    # (a venv may live inside the checkout, as CI's does: what matters is that the source tree's own
    # packages are not on the path, and ``-S`` keeps the editable install's .pth hook from running)
    assert not any(Path(f).resolve() == ROOT.resolve() for f in folders)
    assert not any((Path(f) / "core" / "__init__.py").exists() for f in folders)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(installed), *folders]), "QT_QPA_PLATFORM": "offscreen",
           "XDG_DATA_HOME": str(cwd / "data-home")}
    return subprocess.run([sys.executable, "-S", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_the_wheel_holds_the_code_and_the_resources_and_nothing_else(built):
    wheel, _ = built
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names}
    assert top == {"core", "app", "nndl_explorer.py", f"nndl_explorer-{__version__}.dist-info"}
    assert all(f"core/resources/{r}" in names for r in RESOURCES)
    ours = {str(p.relative_to(ROOT)) for package in ("core", "app") for p in (ROOT / package).rglob("*.py")
            if "__pycache__" not in p.parts}
    assert {n for n in names if n.endswith(".py") and n != "nndl_explorer.py"} == ours
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".pyo")) or n.startswith("tests/")
                or "/." in n or n.startswith(".")]
    metadata = zipfile.ZipFile(wheel).read(f"nndl_explorer-{__version__}.dist-info/entry_points.txt").decode()
    assert "nndl = nndl_explorer:cli" in metadata and "nndl-explorer = nndl_explorer:gui" in metadata


def test_the_sdist_builds_the_wheel_and_holds_the_tests(built):
    _, sdist = built
    names = {n.split("/", 1)[1] for n in tarfile.open(sdist).getnames() if "/" in n}
    assert {"setup.py", "pyproject.toml", "MANIFEST.in", "main.py", "nndl_explorer.py", "tests/conftest.py"} <= names
    assert all(f"resources/{r}" in names for r in RESOURCES)
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_the_installed_commands_work_from_another_folder(installed, tmp_path):
    bin_ = installed / "bin"
    version = _run(installed, tmp_path, str(bin_ / "nndl"), "--version")
    assert version.returncode == 0 and version.stdout.strip() == f"nndl {__version__}", version.stderr
    version = _run(installed, tmp_path, str(bin_ / "nndl-explorer"), "--version")
    assert version.returncode == 0 and version.stdout.strip() == f"nndl-explorer {__version__}", version.stderr

    presets = _run(installed, tmp_path, str(bin_ / "nndl"), "presets")
    assert presets.returncode == 0, presets.stderr
    assert "ch1 " in presets.stdout and "default-cnn" in presets.stdout

    bundled = installed / "core" / "resources" / "models" / "default-cnn.npz"
    evaluated = _run(installed, tmp_path, str(bin_ / "nndl"), "eval", str(bundled))
    assert evaluated.returncode == 0, evaluated.stderr
    accuracy = re.search(r"test accuracy (\d+\.\d+)%", evaluated.stdout)
    assert accuracy and float(accuracy.group(1)) >= 99.4  # the bundled network's contract
    assert not (tmp_path / "data-home").exists()  # nothing installed on the desktop unasked


def test_the_installed_app_opens_its_window_offscreen(installed, tmp_path):
    done = _run(installed, tmp_path, "-c", WINDOW, str(tmp_path / "settings.ini"))
    assert done.returncode == 0, done.stderr[-3000:]
    title, where, path = done.stdout.strip().splitlines()[-3:]
    assert title.split("|")[0] == "NNDL Explorer — Default CNN"  # the bundled network, read from the wheel
    core_dir, app_dir, resources = (Path(p) for p in where.split("|"))
    assert (core_dir, app_dir, resources) == (installed / "core", installed / "app", installed / "core" / "resources")
    assert not [p for p in path.split("|") if p and Path(p).resolve() == ROOT.resolve()]
