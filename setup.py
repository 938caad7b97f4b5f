"""The one build step ``pyproject.toml`` cannot declare: a wheel carries the repository's
``resources/`` folder (MNIST and its licence note, the pretrained networks and their READMEs, the
icon) as the package data ``core/resources/``, where ``core.paths`` finds it with
``importlib.resources``. The repository keeps ``resources/`` at its top level; an editable install
reads it there and gets no copy.
"""
from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

RESOURCES = Path(__file__).parent / "resources"


class BuildWithResources(build_py):
    """``build_py``, plus a copy of ``resources/`` into ``core/resources/`` of the build."""

    def run(self) -> None:
        super().run()
        if not self.editable_mode:
            for source, target in self._resource_files():
                self.mkpath(str(target.parent))
                self.copy_file(str(source), str(target))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        extra = [] if self.editable_mode else [str(target) for _, target in self._resource_files()]
        return super().get_outputs(include_bytecode) + extra

    def _resource_files(self) -> list[tuple[Path, Path]]:
        """(source, target in the build) for every file of ``resources/``, hidden ones left out."""
        target = Path(self.build_lib) / "core" / "resources"
        return [(path, target / path.relative_to(RESOURCES)) for path in sorted(RESOURCES.rglob("*"))
                if path.is_file() and not any(part.startswith(".") for part in path.relative_to(RESOURCES).parts)]


setup(cmdclass={"build_py": BuildWithResources})
