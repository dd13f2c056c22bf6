"""nato-corpus: the documentary record of 1990s NATO enlargement diplomacy, as data.

>>> import nato_corpus as nc
>>> quotes = nc.load("quotes")          # a pyarrow.Table of the bundled release
>>> nc.tables(), nc.versions()           # what exists
>>> nc.validate("raw").ok                # check a raw/ corpus or a downloaded release

Importing this package is light: the heavy modules load when a function needs them.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version
from typing import TYPE_CHECKING

try:
    __version__ = _version("nato-corpus")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

if TYPE_CHECKING:
    from .downloads import download
    from .errors import DownloadError, NatoCorpusError, OfflineError, ReleaseExists, UsageError, ValidationFailed
    from .loading import info, load, tables, versions
    from .problems import Problem, Report
    from .release import build
    from .validation import validate

#: every public name -> the module that defines it (imported on first use); __all__ follows
_LAZY = {
    "download": "downloads",
    "DownloadError": "errors",
    "NatoCorpusError": "errors",
    "OfflineError": "errors",
    "ReleaseExists": "errors",
    "UsageError": "errors",
    "ValidationFailed": "errors",
    "info": "loading",
    "load": "loading",
    "tables": "loading",
    "versions": "loading",
    "Problem": "problems",
    "Report": "problems",
    "build": "release",
    "validate": "validation",
}

__all__ = sorted([*_LAZY, "__version__"])


def __getattr__(name: str):
    """Import the module behind a public name on first use (keeps `import nato_corpus` light)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'nato_corpus' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
