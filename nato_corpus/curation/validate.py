"""raw/ -> records -> checks -> Report. Never prints, never raises for bad data.

Four layers run in order and every problem is collected: files (reading and YAML),
schema (each record against its model), corpus (ids, references, captures, ranges)
and evidence (quotes against their captures, dates, translations). A record that
fails its schema is left out of the later layers, so one mistake is reported once.

The first two layers work file by file, and what a record file yields (its records, its
problems, the bounds of its dates) can be kept in a cache keyed on the file's content
(``check_raw(root, cache_dir=...)``, see ``cache``), so re-validating a large corpus reads
and validates only the files that changed. The corpus and evidence layers always run on
the whole corpus.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..problems import Problem, Report
from ..records import dates
from ..records.kinds import KINDS
from . import reader

if TYPE_CHECKING:  # the models, and so pydantic, load only when a record must be explained or built
    from ..records.models import Corpus, Record
    from .checks import Located


@dataclass
class Checked:
    """Everything validation learnt: the report, and the valid records for building."""

    report: Report
    corpus: Corpus | None = None
    records: dict[str, list[Record]] = field(default_factory=dict)
    located: dict[str, list[Located]] = field(default_factory=dict)
    captures: dict[str, reader.CaptureFile] = field(default_factory=dict)


def check_raw(root: str | os.PathLike = "raw", cache_dir: str | os.PathLike | None = None) -> Checked:
    """Validate a raw/ directory and return the report with the valid records.

    With ``cache_dir``, what each record file yields is kept there, keyed on its content,
    and reused while the file is unchanged (see ``nato_corpus.curation.cache``); the result is the
    same with or without it. raw/ itself is only ever read.

    Raises UsageError when ``root`` is not a directory (a wrong call, not bad data).
    """
    root = Path(root)
    if not root.is_dir():
        raise UsageError(f"{root.as_posix()} is not a directory; pass the raw/ directory of a corpus")
    cache = None
    if cache_dir is not None:
        from .cache import Cache

        cache = Cache(cache_dir, fingerprint())
    with _collector_paused() as collect:
        return _check(root, cache, collect)


@contextmanager
def _collector_paused():
    """Pause Python's cycle collector while validating; yield a function to call after each file.

    Validation makes millions of small objects that live until it ends, and the collector
    would walk them again and again (and once more, in full, when it is enabled again).
    After each file the objects made so far are frozen (``gc.freeze``: the collector never
    walks them; they are still freed when no longer used). Only parsing a date through the
    edtf package leaves garbage cycles (its parser keeps exceptions with their frames), so
    after a file that did, the young objects are collected first.
    """
    if not gc.isenabled():
        yield lambda: None
        return
    parses = dates.EDTF_PARSES

    def settle() -> None:
        nonlocal parses
        if parses != dates.EDTF_PARSES:
            parses = dates.EDTF_PARSES
            gc.collect(0)
        gc.freeze()

    gc.disable()
    try:
        yield settle
    finally:
        settle()
        gc.enable()


#: file problems after which a record file's records are unknown (not read at all)
UNREAD = {"unreadable-file", "not-utf8", "file-too-large", "yaml-syntax", "yaml-unsupported", "yaml-duplicate-key"}


def _check(root: Path, cache, collect) -> Checked:
    from . import checks, rules, schema
    from .checks import Located

    sources, problems = reader.scan(root)
    report = Report(problems=problems, source=root.as_posix())
    checked = Checked(report=report)
    located: dict[str, list[Located]] = {kind: [] for kind in KINDS}
    invalid: list[reader.Entry] = []  # failed their schema: their ids still exist for references
    # record type -> the bytes of its files that could not be read (None: not even the bytes)
    incomplete: dict[str, list[bytes | None]] = {}
    bounds: dict[str, tuple] = {}
    for source in sources:
        try:
            content = reader.read_file(source.path, source.shown, source.regular)
        except reader.Refused as refused:
            report.problems.append(refused.problem)
            if source.role in KINDS:
                incomplete.setdefault(source.role, []).append(None)
            continue
        digest = hashlib.sha256(content).hexdigest()
        if source.role == "text":
            capture, problems = reader.read_capture(source, content, digest)
            checked.captures[capture.name] = capture
        elif source.role == "corpus":
            checked.corpus, problems = schema.check_corpus(content, source.shown)
        else:
            kind, shown = source.role, source.shown
            result = cache.get(digest, kind) if cache is not None else None
            if result is None:
                result = schema.check_file(kind, content, shown, digest)
                if cache is not None:
                    cache.put(digest, kind, result)
                collect()
            problems = [p if p.file == shown else dataclasses.replace(p, file=shown) for p in result.problems]
            if any(p.code in UNREAD for p in problems):
                incomplete.setdefault(kind, []).append(content)
            entries = located[kind]
            for record, line, column, index in result.valid:
                entries.append(Located(record, reader.Entry(kind, None, shown, line, column, index, digest)))
            for data, line, column, index in result.invalid:
                invalid.append(reader.Entry(kind, data, shown, line, column, index, digest))
            bounds.update(result.bounds)
        report.problems.extend(problems)

    report.problems.extend(checks.run(located, checked.captures, invalid, bounds, incomplete, rules.CHECKS))
    checked.located = located
    checked.records = {kind: sorted((item.record for item in items), key=_by_id) for kind, items in located.items()}
    report.counts = {kind: len(items) for kind, items in located.items()}
    report.problems.sort(key=Problem.sort_key)
    return checked


def _by_id(record: Record) -> str:
    return record.id


def validate(path: str | os.PathLike = "raw", *, cache_dir: str | os.PathLike | None = None) -> Report:
    """Validate a raw/ corpus and return a Report; never raises for bad data.

    ``cache_dir`` keeps per-file results there between runs (see ``check_raw``);
    ``nato_corpus.curation.cache.default_dir()`` is the user cache. To check a release
    folder instead, use ``nato_corpus.check_release``.

    >>> report = validate("raw")
    >>> report.ok, report.counts["quote"]  # doctest: +SKIP
    (True, 42)
    """
    path = Path(path)
    if path.name == "datapackage.json" or (path / "datapackage.json").is_file():
        raise UsageError(
            f"{path.as_posix()} is a release, not a raw/ directory: check it with "
            "nato_corpus.check_release() (or `nato-corpus validate PATH`, which picks)"
        )
    if path.is_dir():  # a clean corpus is answered from compact facts; any problem is explained in full
        from .quick import FactsCache, quick_report

        cache = FactsCache(cache_dir, fingerprint()) if cache_dir is not None else None
        with _collector_paused() as settle:
            report = quick_report(path, cache, settle)
        if report is not None:
            return report
    return check_raw(path, cache_dir=cache_dir).report


def fingerprint() -> str:
    """A digest of everything besides a file's bytes that decides its validation results."""
    from . import cache

    return cache.fingerprint_of(_validating_modules())


def _validating_modules() -> list[str]:
    """The modules whose source decides a file's results, by name (found, not imported: no pydantic)."""
    return [
        f"nato_corpus.{name}"
        for name in (
            "curation.reader",
            "curation.yamlread",
            "curation.scalars",
            "curation.schema",
            "curation.messages",
            "records.models",
            "records.kinds",
            "records.plain",
            "records._shapes",
            "records.dates",
            "records.grades",
            "records.refs",
            "curation.checks",
            "curation.workbench_checks",
            "curation.rules",
            "curation.quick",
            "curation.facts",
            "curation.quoting",
            "problems",
            "curation.validate",
        )
    ]
