"""The data files shipped with Matchmaker: seed data and static files.

``seeds/`` and ``static/`` sit at the top of the source tree and are installed as
packages of their own, so the same lookup through :func:`importlib.resources.files`
finds them in a source checkout, an editable install and an installed wheel.
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["seeds_dir", "static_dir"]


def seeds_dir() -> Path:
    """Folder of the seed data: ``chains/``, ``glossary/`` and ``demo/``."""
    return _package_dir("seeds")


def static_dir() -> Path:
    """Folder of the static files served at ``/static``: ``css/``, ``js/``, images."""
    return _package_dir("static")


def _package_dir(package: str) -> Path:
    try:
        folder = files(package)
    except ModuleNotFoundError as exc:
        raise FileNotFoundError(
            f"the data package {package!r} is not installed; reinstall Matchmaker "
            "(pip install .) so that its seed data and static files are found") from exc
    if not isinstance(folder, Path):
        # Flask serves files and the loaders glob folders: both need real directories.
        raise FileNotFoundError(
            f"the data package {package!r} is not a folder on disk ({folder}); install "
            "Matchmaker unpacked (pip install) rather than importing it from an archive")
    return folder
