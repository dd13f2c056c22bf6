"""raw/ -> records -> checks -> Report. Never prints, never raises for bad data.

Four layers run in order and every problem is collected: files (reading and YAML),
schema (each record against its model), corpus (ids, references, captures, ranges)
and evidence (quotes against their captures, dates, translations). A record that
fails its schema is left out of the later layers, so one mistake is reported once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from . import checks, raw
from .errors import UsageError
from .models import RECORD_TYPES, Corpus, Record
from .problems import Problem, Report


@dataclass
class Located:
    """A valid record and the raw entry (file, line, positions) it came from."""

    record: Record
    entry: raw.Entry


@dataclass
class Checked:
    """Everything validation learnt: the report, and the valid records for building."""

    report: Report
    corpus: Corpus | None = None
    records: dict[str, list[Record]] = field(default_factory=dict)
    located: dict[str, list[Located]] = field(default_factory=dict)
    captures: dict[str, raw.CaptureFile] = field(default_factory=dict)


_TYPE_ERRORS = {
    "string_type", "int_type", "bool_type", "list_type", "dict_type", "model_type",
    "model_attributes_type", "int_from_float", "float_type", "none_required", "is_instance_of",
}
_ID_REFS = {"id", "target", "speaker", "addressee", "document", "capture", "publisher", "holder"}


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
        if name in _ID_REFS or name in ("authors", "recipients", "participants", "evidence"):
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


def _schema_problems(entry: raw.Entry, exc: ValidationError) -> list[Problem]:
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
    if error["type"] == "literal_error" and "expected" in error.get("ctx", {}):
        return f"expected one of {error['ctx']['expected']}"
    return error["msg"]


def check_raw(root: str | os.PathLike = "raw") -> Checked:
    """Validate a raw/ directory and return the report with the valid records.

    Raises UsageError when ``root`` is not a directory (a wrong call, not bad data).
    """
    root = Path(root)
    if not root.is_dir():
        raise UsageError(f"{root.as_posix()} is not a directory; pass the raw/ directory of a corpus")
    corpus_raw = raw.read(root)
    report = Report(problems=list(corpus_raw.problems), source=root.as_posix())
    checked = Checked(report=report, captures=corpus_raw.captures)

    if corpus_raw.corpus is not None:
        try:
            checked.corpus = Corpus.model_validate(corpus_raw.corpus.data)
        except ValidationError as exc:
            report.problems.extend(_schema_problems(corpus_raw.corpus, exc))

    located: dict[str, list[Located]] = {kind: [] for kind in RECORD_TYPES}
    invalid: list[raw.Entry] = []  # failed their schema: their ids still exist for references
    for entry in corpus_raw.entries:
        model = RECORD_TYPES[entry.kind][0]
        try:
            record = model.model_validate(entry.data)
        except ValidationError as exc:
            report.problems.extend(_schema_problems(entry, exc))
            invalid.append(entry)
            continue
        located[entry.kind].append(Located(record, entry))

    report.problems.extend(checks.run(located, corpus_raw.captures, invalid))
    checked.located = located
    checked.records = {kind: sorted((item.record for item in items), key=lambda r: r.id) for kind, items in located.items()}
    report.counts = {kind: len(items) for kind, items in located.items()}
    report.problems.sort(key=Problem.sort_key)
    return checked


def validate(path: str | os.PathLike = "raw") -> Report:
    """Validate a corpus and return a Report; never raises for bad data.

    ``path`` is a raw/ directory, or a release (a ``dist/<version>`` directory or its
    ``datapackage.json``), which is checked as a downloader would: descriptor, hashes,
    types, constraints and keys.

    >>> report = validate("raw")
    >>> report.ok, report.counts["quote"]  # doctest: +SKIP
    (True, 42)
    """
    path = Path(path)
    if path.name == "datapackage.json" or (path / "datapackage.json").is_file():
        from .release import check_release

        return check_release(path)
    return check_raw(path).report
