"""The releases shipped inside the installed package (or, in a source checkout, its dist/).

They arrived with the package itself, so their index is the trusted pin for every
version it lists: a mirror can never change the pin of a version this package knows.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .. import errors
from ..release import layout


@cache
def root() -> Path | None:
    """The folder of bundled releases: the package's ``_dist``, else the checkout's ``dist/``."""
    base = Path(__file__).resolve().parent.parent  # the package's folder (importlib.resources is slow to import)
    candidates = [base / "_dist"]
    checkout = base.parent
    pyproject = checkout / "pyproject.toml"
    try:
        if pyproject.is_file() and 'name = "nato-corpus"' in pyproject.read_text(encoding="utf-8"):
            candidates.append(checkout / "dist")
    except (OSError, UnicodeDecodeError):
        pass
    for candidate in candidates:
        if (candidate / layout.INDEX).is_file():
            return candidate
    return None


def index() -> dict:
    """The bundled release index, or an empty one when nothing is bundled."""
    folder = root()
    if folder is None:
        return layout.empty_index()
    try:
        return layout.read_index(folder)
    except (OSError, layout.FormatError) as exc:
        raise errors.NatoCorpusError(
            f"the release index bundled in {folder} cannot be read ({exc}); reinstall "
            "nato-corpus, or in a source checkout restore dist/ from git"
        ) from None


def pin(version: str) -> str | None:
    """The descriptor sha256 the bundled index pins for ``version``, or None."""
    return layout.pin(index(), version)


def release(version: str) -> Path | None:
    """The folder of ``version`` shipped with this package, if it is there."""
    folder = root()
    if folder is None or not (folder / version / layout.DESCRIPTOR).is_file():
        return None
    return folder / version
