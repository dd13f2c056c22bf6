"""nato-corpus: the documentary record of 1990s NATO enlargement diplomacy, as data.

>>> import nato_corpus as nc
>>> quotes = nc.load("quotes")          # a pyarrow.Table of the bundled release
>>> nc.tables(), nc.versions()           # what exists
>>> nc.validate("raw").ok                # check a raw/ corpus
>>> nc.check_release("dist/1.0.0").ok    # check a downloaded release

Importing this package is light: the heavy modules load when a function needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .access.download import download
    from .access.history import release_on
    from .access.load import info, load, release_path, tables, versions
    from .curation.validate import validate
    from .errors import DownloadError, NatoCorpusError, OfflineError, ReleaseExists, UsageError, ValidationFailed
    from .problems import Problem, Report
    from .release.build import build
    from .release.check import check_release

#: every public name -> the module that defines it (imported on first use); __all__ follows
_LAZY = {
    "DownloadError": "errors",
    "NatoCorpusError": "errors",
    "OfflineError": "errors",
    "Problem": "problems",
    "ReleaseExists": "errors",
    "Report": "problems",
    "UsageError": "errors",
    "ValidationFailed": "errors",
    "build": "release.build",
    "check_release": "release.check",
    "download": "access.download",
    "info": "access.load",
    "load": "access.load",
    "release_on": "access.history",
    "release_path": "access.load",
    "tables": "access.load",
    "validate": "curation.validate",
    "versions": "access.load",
}

__all__ = sorted([*_LAZY, "__version__"])


def __getattr__(name: str):
    """Import the module behind a public name on first use (keeps `import nato_corpus` light)."""
    if name == "__version__":  # read from the package metadata on first use (importlib.metadata is slow to import)
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("nato-corpus")
        except PackageNotFoundError:  # running from a source tree that is not installed
            value = "0+unknown"
        globals()[name] = value
        return value
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'nato_corpus' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
