"""The CSV edition of a release: every table as CSV, with its own Frictionless data package.

For R's frictionless package, spreadsheets and any tool that reads CSV rather than
Parquet. The bytes are fixed by the tables alone (no clock, no locale):

- UTF-8 without a byte-order mark; ``\\n`` line ends; a header row of column names;
  ``,`` between values; a value is quoted (``"``, inner quotes doubled, as RFC 4180 has
  it) only when it holds a comma, a quote or a line break;
- rows in the order of the tables as published (sorted by primary key);
- dates as ISO 8601 (``1994-11-28``), booleans as ``true``/``false``, integers as
  digits, numbers in Python's shortest round-trip form;
- a null is an empty value, declared as ``missingValues: [""]`` (the release has no empty
  strings: the validator refuses empty values, so empty always means null);
- a list column (``authors``, ``via_languages``, ``aliases``...) is one JSON array of
  strings, e.g. ``["actor:bill-clinton","actor:boris-yeltsin"]``, and ``[]`` when empty.
  Its field has Table Schema type ``array`` (with ``arrayItem`` for the items) and its
  description says so, so Frictionless tools parse it and people can read it; in R,
  ``jsonlite::fromJSON()`` turns a cell into a vector.

``csv_edition(tables, descriptor)`` returns ``{"csv/<table>.csv": bytes, ...,
"csv/datapackage.json": bytes}`` for the release's build to write.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from typing import Any

import pyarrow as pa

from ._schema import TableInfo, describe

FOLDER = "csv"
DESCRIPTOR = "datapackage.json"

#: top-level descriptor properties copied from the release (the rest describe Parquet files)
COPIED = (
    "name",
    "id",
    "title",
    "version",
    "description",
    "homepage",
    "created",
    "keywords",
    "licenses",
    "contributors",
    "sources",
    "x_citation",
)

LIST_NOTE = ' In this CSV: a JSON array of strings, e.g. ["a","b"]; [] when empty.'

DIALECT = {
    "header": True,
    "delimiter": ",",
    "lineTerminator": "\n",
    "quoteChar": '"',
    "doubleQuote": True,
}

#: finds a character that makes a cell need quotes: , " or a line break
_SPECIAL = re.compile('[,"\n\r]').search


def _quote(text: str) -> str:
    if _SPECIAL(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "INF" if value > 0 else "-INF"
    return repr(float(value))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=str)


_RENDER = {
    "string": str,
    "integer": lambda v: str(int(v)),
    "number": _number,
    "boolean": lambda v: "true" if v else "false",
    "date": lambda v: v.isoformat(),
    "datetime": lambda v: v.isoformat(),
    "list": _json,
    "object": _json,
}


def _cells(column: pa.ChunkedArray, kind: str) -> list[str]:
    """One column as CSV cells: rendered, quoted where needed, empty for null."""
    render, special = _RENDER[kind], _SPECIAL
    texts = ["" if value is None else render(value) for value in column.to_pylist()]
    return ['"' + text.replace('"', '""') + '"' if special(text) else text for text in texts]


def table_csv(table: pa.Table, info: TableInfo) -> bytes:
    """One table as CSV bytes (header, then one line per row in the table's order)."""
    columns = [_cells(table[name], info.kinds[name]) for name in table.column_names]
    lines = [",".join(_quote(name) for name in table.column_names)]
    lines.extend(",".join(row) for row in zip(*columns, strict=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _csv_field(field: dict[str, Any], kind: str) -> dict[str, Any]:
    """The release's field, restated for CSV: how lists and booleans are written."""
    result = dict(field)
    if kind == "list":
        result["description"] = (result.get("description") or "").rstrip() + LIST_NOTE
    elif kind == "boolean":
        result["trueValues"] = ["true"]
        result["falseValues"] = ["false"]
    return result


def _resource(info: TableInfo, path: str, data: bytes, licenses: list | None) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [_csv_field(f, info.kinds[f["name"]]) for f in info.fields],
        "missingValues": [""],
    }
    if info.primary_key:
        schema["primaryKey"] = list(info.primary_key)
    if info.foreign_keys:
        schema["foreignKeys"] = list(info.foreign_keys)
    resource: dict[str, Any] = {
        "name": info.name,
        "path": path,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
        "bytes": len(data),
        "description": info.description,
    }
    if licenses:
        resource["licenses"] = licenses
    resource["dialect"] = dict(DIALECT)
    resource["schema"] = schema
    return resource


def csv_edition(tables: dict[str, pa.Table], descriptor: dict[str, Any]) -> dict[str, bytes]:
    """Every table as UTF-8 CSV, with a Frictionless descriptor for the CSV files.

    ``tables`` are the release's tables as published (views included, if the release has
    them); ``descriptor`` is the release's datapackage.json, parsed: its top-level
    metadata (name, title, version, licences, sources, contributors, citation) and each
    resource's description and Table Schema are carried over. Returns
    ``{"csv/<table>.csv": bytes, ..., "csv/datapackage.json": bytes}``; the same tables
    always give the same bytes. See the module docstring for how values are written.
    """
    files: dict[str, bytes] = {}
    resources = []
    licenses = descriptor.get("licenses")
    for info in describe(tables, descriptor):
        path = f"{info.name}.csv"
        data = table_csv(tables[info.name], info)
        files[f"{FOLDER}/{path}"] = data
        resources.append(_resource(info, path, data, licenses))
    package: dict[str, Any] = {"profile": "tabular-data-package"}
    for key in COPIED:
        if key in descriptor:
            package[key] = descriptor[key]
    if "name" in package:
        package["name"] = f"{package['name']}-csv"
    package["x_edition"] = (
        "CSV edition of the release's Parquet tables: the same rows and values. Lists are "
        "JSON arrays of strings; empty cells are nulls."
    )
    package["resources"] = resources
    text = json.dumps(package, indent=2, ensure_ascii=False) + "\n"
    files[f"{FOLDER}/{DESCRIPTOR}"] = text.encode("utf-8")
    return files
