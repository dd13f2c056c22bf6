"""Changes as data: ``data/changes.parquet``, what a release changes against the previous one.

One row per record added, removed or changed since the previous release: the table, the
record's id, the kind of change, and for a changed record the fields that differ. A first
release has the table with its schema and no rows. The rows come from ``diff.Diff``
through :func:`rows`, the one flat rendering of a diff; the changelog in the descriptor
(``x_changelog``) is grouped from the same rows (:func:`grouped`), so the two cannot
disagree.

Rows are ordered by table (the release's order of the main tables: documents, events,
quotes, actors, captures), then by id; the field names of a change keep the order of the
record's fields. The bytes depend on the rows alone (the release's fixed Parquet
settings, no clock).
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import layout

if TYPE_CHECKING:
    import pyarrow as pa

NAME = "changes"
PATH = f"{layout.DATA}/{NAME}.parquet"
#: the kinds of change, in the order the changelog lists them
KINDS = ("added", "removed", "changed")

#: (column, Table Schema field) of the table, in order: the schema as data, described once
FIELDS: tuple[dict[str, Any], ...] = (
    {
        "name": "table",
        "type": "string",
        "description": "The table that holds the record: documents, events, quotes, actors or captures.",
        "constraints": {
            "required": True,
            "enum": ["documents", "events", "quotes", "actors", "captures"],
        },
    },
    {
        "name": "id",
        "type": "string",
        "description": (
            "The record's identifier: in this release for an added or changed record, in the "
            "previous release for a removed one (so it is not a foreign key)."
        ),
        "constraints": {"required": True, "minLength": 1},
    },
    {
        "name": "change",
        "type": "string",
        "description": (
            "added: new in this release; removed: in the previous release, not in this one; "
            "changed: in both, with different values."
        ),
        "constraints": {"required": True, "enum": list(KINDS)},
    },
    {
        # a list column: "any" with the item type in x_arrayItem, as in every table of a
        # release (frictionless reads Parquet lists as arrays its "array" type refuses)
        "name": "fields",
        "type": "any",
        "description": (
            "For a changed record, the fields whose values differ, named as the table's columns "
            "(a grade as <field>_grade and <field>_rationale; a date by its EDTF column), in the "
            "record's field order; empty for an added or removed record."
        ),
        "x_arrayItem": {"type": "string", "constraints": {"minLength": 1}},
        "constraints": {"required": True},
    },
)
PRIMARY_KEY = ("table", "id")


@dataclass(frozen=True)
class ChangeRow:
    """One record's change: its table, id, kind of change and the fields that differ."""

    table: str
    id: str
    change: str
    fields: tuple[str, ...] = ()


def rows(change: Any) -> list[ChangeRow]:
    """The rows of changes.parquet for a diff (none for a first release, ``change=None``).

    >>> from nato_corpus.release.diff import Diff, TableDiff
    >>> rows(Diff("1.0.0", "1.1.0", {"actors": TableDiff(added=["actor:b"], removed=["actor:a"])}))
    [ChangeRow(table='actors', id='actor:a', change='removed', fields=()), ChangeRow(table='actors', id='actor:b', change='added', fields=())]
    """
    found: list[ChangeRow] = []
    for table, diff in change.tables.items() if change is not None else ():
        of_table = [ChangeRow(table, record_id, "added") for record_id in diff.added]
        of_table += [ChangeRow(table, record_id, "removed") for record_id in diff.removed]
        of_table += [ChangeRow(table, c.id, "changed", tuple(f.field for f in c.fields)) for c in diff.changed]
        found += sorted(of_table, key=lambda row: row.id)
    return found


def grouped(found: Iterable[ChangeRow]) -> dict[str, dict]:
    """The rows grouped as the changelog has them: {"added": {table: [ids]}, "removed": ...,
    "changed": {table: {id: [fields]}}}, tables in row order, empty tables left out."""
    out: dict[str, dict] = {kind: {} for kind in KINDS}
    for row in found:
        if row.change == "changed":
            out["changed"].setdefault(row.table, {})[row.id] = list(row.fields)
        else:
            out[row.change].setdefault(row.table, []).append(row.id)
    return out


def arrow_schema() -> pa.Schema:
    """The Arrow schema of changes.parquet, each column described in its metadata."""
    import pyarrow as pa

    types = {
        "table": pa.string(),
        "id": pa.string(),
        "change": pa.string(),
        "fields": pa.list_(pa.string()),
    }
    return pa.schema(
        [
            pa.field(
                f["name"],
                types[f["name"]],
                nullable=False,
                metadata={"description": f["description"]},
            )
            for f in FIELDS
        ],
        metadata={"description": "What this release changes against the previous one, one row per record."},
    )


def table(found: Iterable[ChangeRow]) -> pa.Table:
    """The rows as a pyarrow Table with :func:`arrow_schema` (an empty table for no rows)."""
    import pyarrow as pa

    found = list(found)
    columns = {
        "table": [r.table for r in found],
        "id": [r.id for r in found],
        "change": [r.change for r in found],
        "fields": [list(r.fields) for r in found],
    }
    return pa.Table.from_pydict(columns, schema=arrow_schema())


def description(previous: str | None) -> str:
    """The resource's description, naming the release compared with."""
    if previous is None:
        return (
            "What this release changes against the previous release, one row per record added, "
            "removed or changed. This is the first release: the table has no rows."
        )
    return (
        f"What this release changes against the previous release, {previous}: one row per record "
        "added, removed or changed, with the fields that differ. The same changes as the "
        "descriptor's x_changelog and the data card."
    )


def resource(previous: str | None, found: Iterable[ChangeRow], licenses: list[dict]) -> tuple[str, bytes, dict]:
    """(path, Parquet bytes, descriptor resource with its Table Schema) of changes.parquet."""
    import pyarrow.parquet as pq

    from .layout import PARQUET_OPTIONS

    buffer = io.BytesIO()
    pq.write_table(table(found), buffer, **PARQUET_OPTIONS)
    data = buffer.getvalue()
    return (
        PATH,
        data,
        {
            "name": NAME,
            "path": PATH,
            "format": "parquet",
            "mediatype": layout.PARQUET_MEDIATYPE,
            "hash": f"sha256:{layout.sha256_bytes(data)}",
            "x_bytes": len(data),
            "description": description(previous),
            "licenses": licenses,
            "schema": {
                "fields": copy.deepcopy(list(FIELDS)),
                "missingValues": [],
                "primaryKey": list(PRIMARY_KEY),
            },
        },
    )
