"""Release notes at build time: a new version says what it changes, in its own words.

``unchanged_notes(raw_dir, dist_dir, corpus)`` finds the newest release older than the
version raw/ declares and compares its notes (``x_changelog.notes`` in its descriptor)
with raw/corpus.yaml's ``changes``, spaces aside. The same notes mean the curator bumped
the version and forgot to describe it: the changelog would repeat the previous version.
``refuse_unchanged`` raises ``NotesUnchanged`` (a ``ValidationFailed`` with the problem in
its report) so that the build writes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

from .. import errors
from ..curation import reader
from ..problems import Problem, Report
from . import layout


class NotesUnchanged(errors.ValidationFailed):
    """A new version whose release notes are the previous version's; ``.report`` holds the problem."""

    def __str__(self) -> str:
        return (
            "the release notes in `changes` are those of the previous version; describe what this "
            "version changes, then build again"
        )


def _previous(dist: Path, version: str) -> tuple[str, str] | None:
    """(version, notes) of the newest release older than ``version``, or None."""
    older = [v for v in layout.released_versions(dist) if layout.version_key(v) < layout.version_key(version)]
    for candidate in reversed(older):
        try:
            descriptor = layout.read_descriptor(dist / candidate)[0]
        except (OSError, layout.FormatError):
            continue  # a damaged or missing release is reported by its own checks
        notes = (descriptor.get("x_changelog") or {}).get("notes")
        return (candidate, notes) if isinstance(notes, str) else None
    return None


def unchanged_notes(raw_dir: str | os.PathLike, dist_dir: str | os.PathLike, corpus) -> Problem | None:
    """The problem when ``corpus.changes`` repeats the previous release's notes, else None."""
    dist = Path(dist_dir)
    if not dist.is_dir():
        return None
    found = _previous(dist, corpus.version)
    if found is None or " ".join(found[1].split()) != " ".join(corpus.changes.split()):
        return None
    previous = found[0]
    path = Path(raw_dir) / reader.CORPUS_FILE
    shown = path.as_posix()
    line = column = None
    try:
        entry, _ = reader.read_corpus(path.read_bytes(), shown)
        if entry is not None:
            line, column = entry.where(("changes",))
    except OSError:
        pass
    return Problem.of(
        "release-notes-unchanged",
        f"changes is word for word the release notes of {previous}; version {corpus.version} "
        f"would repeat them in CHANGELOG.md and its data card",
        file=shown,
        line=line,
        column=column,
    )


def refuse_unchanged(raw_dir: str | os.PathLike, dist_dir: str | os.PathLike, corpus) -> None:
    """Raise ``NotesUnchanged`` when the version's notes repeat the previous release's."""
    problem = unchanged_notes(raw_dir, dist_dir, corpus)
    if problem is not None:
        raise NotesUnchanged(Report(problems=[problem], source=Path(raw_dir).as_posix()))
