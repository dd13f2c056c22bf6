"""What the exports know about each table: its fields, keys and how each column is stored.

The release's descriptor describes the published tables; the joined views describe
themselves (``joined.VIEWS``). A column that neither describes (a later release may add
one) is still exported: its type comes from the Arrow type and its description from the
Arrow field's metadata. Both exports (CSV and SQLite) read tables through this module,
so they agree on types, keys and descriptions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

#: how a column's values are stored; decides CSV text and SQLite type
KINDS = ("string", "integer", "number", "boolean", "date", "datetime", "list", "object")


@dataclass(frozen=True)
class TableInfo:
    """One table as the exports see it: description, Table Schema fields, keys, value kinds."""

    name: str
    description: str
    fields: list[dict[str, Any]]
    primary_key: list[str] = field(default_factory=list)
    foreign_keys: list[dict[str, Any]] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)

    def field(self, name: str) -> dict[str, Any]:
        """The Table Schema field called ``name``."""
        return next(f for f in self.fields if f["name"] == name)


def kind_of(arrow_type: pa.DataType) -> str:
    """The storage kind of an Arrow type (dictionary columns are their values' kind)."""
    if pa.types.is_dictionary(arrow_type):
        return kind_of(arrow_type.value_type)
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_integer(arrow_type):
        return "integer"
    if pa.types.is_floating(arrow_type) or pa.types.is_decimal(arrow_type):
        return "number"
    if pa.types.is_date(arrow_type):
        return "date"
    if pa.types.is_timestamp(arrow_type):
        return "datetime"
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type) or pa.types.is_fixed_size_list(arrow_type):
        return "list"
    if pa.types.is_struct(arrow_type) or pa.types.is_map(arrow_type):
        return "object"
    return "string"


_SCHEMA_TYPE = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "date": "date",
    "datetime": "datetime",
    "list": "array",
    "object": "object",
}


def _arrow_description(arrow_field: pa.Field) -> str:
    meta = arrow_field.metadata or {}
    return meta.get(b"description", b"").decode("utf-8")


def _table_description(table: pa.Table) -> str:
    meta = table.schema.metadata or {}
    return meta.get(b"description", b"").decode("utf-8")


def _field(arrow_field: pa.Field, declared: dict[str, Any] | None) -> dict[str, Any]:
    """A Table Schema field for one column: the declared one, typed by the column's kind."""
    kind = kind_of(arrow_field.type)
    result = dict(declared) if declared else {"name": arrow_field.name}
    result["type"] = _SCHEMA_TYPE[kind]
    if not result.get("description"):
        result["description"] = _arrow_description(arrow_field)
    if kind == "list":
        item = result.pop("x_arrayItem", None) or result.get("arrayItem")
        if item:
            result["arrayItem"] = item
        min_items = result.pop("x_minItems", None)
        if min_items is not None:
            result.setdefault("constraints", {})["minLength"] = min_items
    return result


def describe(tables: dict[str, pa.Table], descriptor: dict[str, Any]) -> list[TableInfo]:
    """Every table, in the descriptor's order and then the views', with its fields and keys.

    Tables in ``tables`` that neither the descriptor nor the views describe come last, by
    name; resources of the descriptor that ``tables`` lacks are left out.
    """
    from .joined import VIEWS

    resources = {r.get("name"): r for r in descriptor.get("resources") or [] if isinstance(r, dict)}
    order = [name for name in resources if name in tables]
    order += [name for name in VIEWS if name in tables and name not in resources]
    order += sorted(name for name in tables if name not in order)
    infos = []
    for name in order:
        table = tables[name]
        if name in resources:
            resource = resources[name]
            schema = resource.get("schema") or {}
            description = resource.get("description") or _table_description(table)
        elif name in VIEWS:
            schema = VIEWS[name].table_schema(table)
            description = VIEWS[name].description
        else:
            schema, description = {}, _table_description(table)
        declared = {f.get("name"): f for f in schema.get("fields") or []}
        fields = [_field(f, declared.get(f.name)) for f in table.schema]
        primary_key = list(schema.get("primaryKey") or _metadata_primary_key(table))
        if isinstance(primary_key, str):
            primary_key = [primary_key]
        infos.append(
            TableInfo(
                name=name,
                description=description,
                fields=fields,
                primary_key=primary_key,
                foreign_keys=[fk for fk in schema.get("foreignKeys") or [] if _fk_fits(fk, table, tables)],
                kinds={f.name: kind_of(f.type) for f in table.schema},
            )
        )
    return infos


def _metadata_primary_key(table: pa.Table) -> list[str]:
    raw = (table.schema.metadata or {}).get(b"primary_key")
    if not raw:
        return []
    try:
        keys = json.loads(raw)
    except ValueError:
        return []
    return [k for k in keys if k in table.column_names] if isinstance(keys, list) else []


def _fk_fits(fk: dict[str, Any], table: pa.Table, tables: dict[str, pa.Table]) -> bool:
    """A foreign key is kept when its columns exist on both sides of the given tables."""
    fields = fk.get("fields")
    reference = fk.get("reference") or {}
    target = reference.get("resource") or None
    target_fields = reference.get("fields")
    fields = [fields] if isinstance(fields, str) else fields or []
    target_fields = [target_fields] if isinstance(target_fields, str) else target_fields or []
    if not fields or target not in tables:
        return False
    return all(f in table.column_names for f in fields) and all(f in tables[target].column_names for f in target_fields)


def normalised_fk(fk: dict[str, Any]) -> tuple[list[str], str, list[str]]:
    """(fields, target table, target fields) of a Table Schema foreign key, lists always."""
    fields = fk["fields"]
    reference = fk["reference"]
    target_fields = reference["fields"]
    return (
        [fields] if isinstance(fields, str) else list(fields),
        reference["resource"],
        [target_fields] if isinstance(target_fields, str) else list(target_fields),
    )
