"""The exceptions nato_corpus raises to callers, one per way a call can go wrong.

Bad records are not exceptions: validation returns a Report of problems. These are
for calls that cannot do what was asked.
"""

from __future__ import annotations


class NatoCorpusError(Exception):
    """Base of every error this library raises on purpose; its message says what to do."""


class UsageError(NatoCorpusError, ValueError):
    """A wrong call: an unknown table or version, a path that does not exist."""


class ValidationFailed(NatoCorpusError):
    """raw/ has errors, so it cannot be built; ``.report`` holds them."""

    def __init__(self, report):
        self.report = report
        super().__init__(
            f"raw/ has {len(report.errors)} error(s); fix them before building (run `nato-corpus validate` to see them)"
        )


class ReleaseExists(NatoCorpusError):
    """The version is already released with different content; releases never change."""


class DownloadError(NatoCorpusError):
    """A release could not be fetched or did not verify; nothing was cached."""


class OfflineError(DownloadError):
    """The release is not cached and cannot be fetched here."""
