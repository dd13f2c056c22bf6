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

from pydantic import ValidationError

from . import checks, messages, reader
from .checks import Located
from ..records import dates
from ..errors import UsageError
from ..records.refs import ID_FIELDS
from ..records.models import RECORD_TYPES, Corpus, Record
from ..problems import Problem, Report


@dataclass
class FileResult:
    """What one record file yields when read and checked against its model (what the cache keeps)."""

    #: file and schema problems, with their positions
    problems: list[Problem]
    #: (record, line, column, index in the file) of each record that passed its schema
    valid: list[tuple[Record, int, int, int]]
    #: (data, line, column, index) of each record that failed it: its id still exists
    invalid: list[tuple[dict, int, int, int]]
    #: the earliest and latest day of each date the valid records give
    bounds: dict[str, tuple]
    #: the raw data of each valid record, as read (what the cache keeps and validates again)
    data: list = field(default_factory=list, compare=False)


@dataclass
class Checked:
    """Everything validation learnt: the report, and the valid records for building."""

    report: Report
    corpus: Corpus | None = None
    records: dict[str, list[Record]] = field(default_factory=dict)
    located: dict[str, list[Located]] = field(default_factory=dict)
    captures: dict[str, reader.CaptureFile] = field(default_factory=dict)


_TYPE_ERRORS = {
    "string_type", "int_type", "bool_type", "list_type", "dict_type", "model_type",
    "model_attributes_type", "int_from_float", "float_type", "none_required", "is_instance_of",
}


def _code(error: dict) -> str:
    kind = error["type"]
    loc = [part for part in error["loc"] if isinstance(part, str)]
    if kind == "missing":
        return "missing-field"
    if kind == "extra_forbidden":
        return "unknown-field"
    if kind in ("invalid_date", "invalid_url"):
        return kind.replace("_", "-")
    if kind in ("literal_error", "enum"):
        return "invalid-choice"
    if kind == "string_too_short" and loc and loc[-1] == "rationale":
        return "missing-rationale"
    if kind in ("string_too_short", "too_short"):
        return "empty-value"
    if kind == "string_pattern_mismatch":
        name = loc[-1] if loc else ""
        if name in ID_FIELDS:
            return "invalid-identifier"
        return "invalid-format"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return "out-of-range"
    if kind in _TYPE_ERRORS or kind.endswith("_type"):
        return "wrong-type"
    return "invalid-value"


def _strip_union_tags(loc: tuple) -> tuple:
    """Drop pydantic's union branch names (e.g. 'function-after[_url(), str]') from a location."""
    return tuple(
        part for part in loc
        if not (isinstance(part, str) and ("[" in part or part.startswith("literal[") or part in ("str", "int", "bool")))
    )


def _schema_problems(entry: reader.Entry, exc: ValidationError) -> list[Problem]:
    record_id = entry.data.get("id") if isinstance(entry.data, dict) else None
    record_id = record_id if isinstance(record_id, str) else None
    # a union field (a URL or 'unknown') fails once per branch: group by location
    grouped: dict[tuple, list[dict]] = {}
    for error in exc.errors(include_url=False):
        grouped.setdefault(_strip_union_tags(error["loc"]), []).append(error)
    problems = []
    for loc, errors in grouped.items():
        error = errors[0]
        code = _code(error) if len(errors) == 1 else "invalid-value"
        field_name = ".".join(str(part) for part in loc) or "(record)"
        value = error.get("input")
        if code == "missing-field":
            line, column = entry.where(loc[:-1])
            message = f"{entry.kind} is missing required field '{field_name}'"
        elif code == "unknown-field":
            line, column = entry.where(loc, key=True)
            known = ", ".join(RECORD_TYPES[entry.kind][0].model_fields) if entry.kind in RECORD_TYPES else ""
            message = f"'{field_name}' is not a field of {entry.kind}" + (f" (fields: {known})" if len(loc) == 1 and known else "")
        else:
            line, column = entry.where(loc)
            shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
            if len(shown) > 80:
                shown = shown[:77] + "..."
            reasons = " or ".join(dict.fromkeys(_reason(e) for e in errors))
            message = f"{field_name} = {shown}: {reasons}"
        problems.append(Problem.of(code, message, file=entry.file, line=line, column=column, record=record_id))
    return problems


def _reason(error: dict) -> str:
    return messages.plain_reason(error)


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
        if dates.EDTF_PARSES != parses:
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
    sources, problems = reader.scan(root)
    report = Report(problems=problems, source=root.as_posix())
    checked = Checked(report=report)
    located: dict[str, list[Located]] = {kind: [] for kind in RECORD_TYPES}
    invalid: list[reader.Entry] = []  # failed their schema: their ids still exist for references
    # record type -> the bytes of its files that could not be read (None: not even the bytes)
    incomplete: dict[str, list[bytes | None]] = {}
    bounds: dict[str, tuple] = {}
    for source in sources:
        try:
            content = reader.read_file(source.path, source.shown)
        except reader._Refused as refused:
            report.problems.append(refused.problem)
            if source.role in RECORD_TYPES:
                incomplete.setdefault(source.role, []).append(None)
            continue
        digest = hashlib.sha256(content).hexdigest()
        if source.role == "text":
            capture, problems = reader.read_capture(source, content, digest)
            checked.captures[capture.name] = capture
        elif source.role == "corpus":
            checked.corpus, problems = _check_corpus(content, source.shown)
        else:
            kind, shown = source.role, source.shown
            result = cache.get(digest, kind) if cache is not None else None
            if result is None:
                result = _check_file(kind, content, shown, digest)
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

    report.problems.extend(checks.run(located, checked.captures, invalid, bounds, incomplete))
    checked.located = located
    checked.records = {kind: sorted((item.record for item in items), key=_by_id) for kind, items in located.items()}
    report.counts = {kind: len(items) for kind, items in located.items()}
    report.problems.sort(key=Problem.sort_key)
    return checked


def _by_id(record: Record) -> str:
    return record.id


def _check_corpus(content: bytes, shown: str) -> tuple[Corpus | None, list[Problem]]:
    entry, problems = reader.read_corpus(content, shown)
    if entry is None:
        return None, problems
    try:
        return Corpus.model_validate(entry.data), problems
    except ValidationError as exc:
        return None, problems + _schema_problems(entry, exc)


def _check_file(kind: str, content: bytes, shown: str, digest: str) -> FileResult:
    """Read one record file and check each record against its model."""
    entries, problems = reader.read_records(kind, content, shown, digest)
    model = RECORD_TYPES[kind][0]
    valid, invalid, data = [], [], []
    for entry in entries:
        try:
            record = model.model_validate(entry.data)
        except ValidationError as exc:
            problems.extend(_schema_problems(entry, exc))
            invalid.append((entry.data, entry.line, entry.column, entry.index))
            continue
        valid.append((record, entry.line, entry.column, entry.index))
        data.append(entry.data)
    found = {record.date for record, *_ in valid} if "date" in model.model_fields else set()
    return FileResult(problems, valid, invalid, {value: dates.bounds(value) for value in found}, data)


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


def _validating_modules() -> list:
    import sys

    from .. import problems
    from ..records import grades, models

    from . import checks, quick, scalars, workbench_checks
    from ..records import _edtf_fast, refs

    return [reader, scalars, messages, models, dates, _edtf_fast, grades, refs, checks, workbench_checks, quick, problems, sys.modules[__name__]]
