"""Records -> Arrow tables (``build_tables``) and back (``records_from_tables``).

The columns come from ``columns``; ``records_from_tables`` inverts ``build_tables``: a
release's tables give back the records they were built from, unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa

from ..records import dates
from ..records.models import RECORD_TYPES, Record
from .columns import MAIN_TABLES, ORDER, SPECS, TABLES, Column, table_names

__all__ = ["MAIN_TABLES", "ORDER", "SPECS", "TABLES", "build_tables", "records_from_tables", "table_names"]


# --------------------------------------------------------------------------- records -> tables


def _array(column: Column, values: list) -> pa.Array:
    kind = column.arrow_type
    if pa.types.is_dictionary(kind):
        vocabulary = list(column.shape.enum)
        position = {value: i for i, value in enumerate(vocabulary)}
        indices = pa.array([None if v is None else position[v] for v in values], pa.int8())
        return pa.DictionaryArray.from_arrays(indices, pa.array(vocabulary, pa.string()))
    return pa.array(values, type=kind)


def _value(record: Any, column: Column, texts: Mapping[str, str | None]) -> Any:
    if column.derived == "entry":
        return record
    if column.derived == "text":
        return texts.get(record.file) if record.rights == "public_domain" else None
    if column.derived:
        earliest, latest = dates.bounds(getattr(record, column.source))
        return earliest if column.derived == "earliest" else latest
    value = record
    for part in column.path:
        value = getattr(value, part)
        if value is None:  # an optional sub-record (e.g. verification) that is absent
            return None
    if isinstance(value, (list, tuple)):
        # entries that are records inside a sub-record (verification.differences): one JSON object each
        return [_entry_json(v) if isinstance(v, Record) else v for v in value]
    return value


def _entry_json(entry: Record) -> str:
    return json.dumps(entry.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _cell(column: Column, value: Any) -> Any:
    """A table cell back to a record value: JSON entries of a nested record list are parsed."""
    if column.shape.kind == "list" and column.shape.item.kind == "record" and value is not None:
        return [json.loads(v) for v in value]
    return value


def build_tables(
    records: Mapping[str, Iterable[Record]],
    texts: Mapping[str, str | None] | None = None,
) -> dict[str, pa.Table]:
    """Records by kind -> every published table, in release order, sorted by primary key.

    ``records`` maps a record kind ("document", "quote"...) to its records, as
    ``validate.check_raw`` gives them; ``texts`` maps a capture's file name to its
    text (published only for public-domain captures).
    """
    texts = texts or {}
    by_kind = {kind: sorted(records.get(kind, ()), key=lambda r: r.id) for kind in RECORD_TYPES}
    out: dict[str, pa.Table] = {}
    for spec in SPECS:
        rows: list[list] = [[] for _ in spec.columns]
        for record in by_kind[spec.kind]:
            if not spec.is_link:
                for values, column in zip(rows, spec.columns, strict=True):
                    values.append(_value(record, column, texts))
                continue
            for position, entry in enumerate(getattr(record, spec.list_field)):
                rows[0].append(record.id)
                rows[1].append(position)
                for values, column in zip(rows[2:], spec.columns[2:], strict=True):
                    values.append(_value(entry, column, texts))
        arrays = [_array(column, values) for column, values in zip(spec.columns, rows, strict=True)]
        out[spec.name] = pa.Table.from_arrays(arrays, schema=spec.arrow_schema())
    return out


# --------------------------------------------------------------------------- tables -> records


def records_from_tables(tables: Mapping[str, pa.Table]) -> dict[str, list[Record]]:
    """Release tables -> records by kind, sorted by id: the inverse of ``build_tables``.

    Derived columns (date bounds, capture text) are dropped; list fields are rebuilt
    from list columns and link tables in position order. Raises UsageError when a
    table is missing, and pydantic's ValidationError when a row is not a valid record.
    """
    from ..errors import UsageError

    missing = [spec.name for spec in SPECS if spec.name not in tables]
    if missing:
        raise UsageError(
            f"tables missing: {', '.join(missing)}; pass every table of a release ({', '.join(table_names())})"
        )
    data: dict[str, dict[str, dict]] = {}
    for spec in SPECS:
        if spec.is_link:
            continue
        by_id: dict[str, dict] = {}
        for row in tables[spec.name].to_pylist():
            item: dict[str, Any] = {}
            for column in spec.columns:
                if column.derived:
                    continue
                _put(
                    item, column.path, _cell(column, row.get(column.name))
                )  # an older release may lack a newer optional column
            by_id[row["id"]] = item
        data[spec.kind] = by_id
    for spec in SPECS:
        if not spec.is_link:
            continue
        parent = spec.columns[0].name
        entries: dict[str, list[tuple[int, Any]]] = {}
        for row in tables[spec.name].to_pylist():
            if spec.columns[2].derived == "entry":
                entry: Any = row[spec.columns[2].name]
            else:
                entry = {}
                for column in spec.columns[2:]:
                    if not column.derived:
                        _put(entry, column.path, row[column.name])
            entries.setdefault(row[parent], []).append((row["position"], entry))
        for record_id, item in data[spec.kind].items():
            if spec.list_field in item:
                continue  # a list column already holds this list
            item[spec.list_field] = [entry for _, entry in sorted(entries.get(record_id, []), key=lambda pair: pair[0])]
    return {
        kind: [RECORD_TYPES[kind][0].model_validate(_drop_nulls(item)) for _, item in sorted(data[kind].items())]
        for kind in RECORD_TYPES
    }


def _put(target: dict, path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


def _drop_nulls(item: dict) -> dict:
    """Leave out null optional fields, as a curator leaves them out of raw/."""
    cleaned = {k: (_drop_nulls(v) if isinstance(v, dict) else v) for k, v in item.items() if v is not None}
    # an absent optional sub-record (all its columns null) is left out, not written as {}
    return {k: v for k, v in cleaned.items() if v != {}}
