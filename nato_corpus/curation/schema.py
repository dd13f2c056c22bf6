"""The schema layer: each record against its model, problems placed at their line and column.

``check_file`` reads one record file and checks every record in it (what the cache keeps
per file); ``check_corpus`` does the same for raw/corpus.yaml. A pydantic error becomes a
Problem with a stable rule code, the position of the offending key or value, and a
message in plain language (see ``messages``).
"""

from __future__ import annotations

from pydantic import ValidationError

from ..problems import Problem
from ..records import dates
from ..records.models import RECORD_TYPES, Corpus
from ..records.refs import ID_FIELDS
from . import messages, reader
from .cache import FileResult

_TYPE_ERRORS = {
    "string_type",
    "int_type",
    "bool_type",
    "list_type",
    "dict_type",
    "model_type",
    "model_attributes_type",
    "int_from_float",
    "float_type",
    "none_required",
    "is_instance_of",
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
        part
        for part in loc
        if not (
            isinstance(part, str) and ("[" in part or part.startswith("literal[") or part in ("str", "int", "bool"))
        )
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
            message = f"'{field_name}' is not a field of {entry.kind}" + (
                f" (fields: {known})" if len(loc) == 1 and known else ""
            )
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


def check_corpus(content: bytes, shown: str) -> tuple[Corpus | None, list[Problem]]:
    entry, problems = reader.read_corpus(content, shown)
    if entry is None:
        return None, problems
    try:
        return Corpus.model_validate(entry.data), problems
    except ValidationError as exc:
        return None, problems + _schema_problems(entry, exc)


def check_file(kind: str, content: bytes, shown: str, digest: str) -> FileResult:
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
