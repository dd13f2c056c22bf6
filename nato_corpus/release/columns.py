"""The columns of every published table, derived from the record models: Arrow and Table Schema.

Nothing here lists columns by hand: every table is derived from a record model in
``models.py``, and every column's description is the docstring of its field.

- One main table per record type (documents, events, quotes, actors, captures), one
  row per record, primary key ``id``. Scalar fields become columns; a nested grade
  (``reliability``, ``credibility``) becomes ``<field>_grade`` and
  ``<field>_rationale``; an EDTF date keeps its string and gains ``<field>_earliest``
  and ``<field>_latest`` (date32, null where open or unknown); a list of identifiers
  or names becomes a ``list<string>`` column.
- One link table per list field: ``<type>_<field>`` (``quote_occurrences``,
  ``document_relations``, ``document_authors``...), one row per list entry, keyed by
  the owning record and the entry's ``position`` in the list. Link tables carry the
  cross-references a list column cannot declare: every reference in the corpus is a
  foreign key of some table.
- The captures table also has ``text``: the capture's full text where its rights are
  public domain, null otherwise (its sha256 and metadata are always published).

``tables`` turns records into these tables and back; ``schemas`` writes schema/.
"""

from __future__ import annotations

import json
import re
import types
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pyarrow as pa
from annotated_types import Ge, MinLen
from pydantic import AfterValidator, StringConstraints
from pydantic.fields import FieldInfo

from ..records import models
from ..records.models import RECORD_TYPES, Record
from ..records.refs import PREFIX_KIND

#: record kind -> main table name ("document" -> "documents")
MAIN_TABLES: dict[str, str] = {kind: folder for kind, (_, folder, _) in RECORD_TYPES.items()}
#: the order of the main tables in a release: content first, then who and where from
ORDER = ("document", "event", "quote", "actor", "capture")
_URL_PATTERN = r"https?://[^\s/?#]+\S*"  # what models._url accepts: http(s), a host, no spaces
_TEXT_DESCRIPTION = (
    "The capture's full text, published only where rights is public_domain; null otherwise "
    "(the capture's sha256, size and metadata are always published)."
)
_POSITION_DESCRIPTION = "Position of this entry in the record's list, from 0: the list is the rows in this order."


# --------------------------------------------------------------------------- shapes


@dataclass(frozen=True)
class _Shape:
    """What a model field holds, read from its type annotation and constraints."""

    kind: Literal["string", "integer", "boolean", "record", "list"]
    optional: bool = False
    enum: tuple = ()
    pattern: str | None = None  # without anchors: Table Schema patterns match the whole value
    min_length: int | None = None
    minimum: int | None = None
    edtf: bool = False
    ref: str | None = None  # the record kind an identifier names
    model: type[Record] | None = None
    item: _Shape | None = None


def _unanchor(pattern: str) -> str:
    return pattern.removeprefix("^").removesuffix("$")


def _shape(annotation: Any, metadata: Iterable = ()) -> _Shape:
    """Read a field's annotation (and pydantic metadata) into a _Shape."""
    extra = list(metadata)
    while get_origin(annotation) is Annotated:
        annotation, *more = get_args(annotation)
        extra.extend(more)
    flat: list = []
    for item in extra:
        flat.extend(item.metadata if isinstance(item, FieldInfo) else [item])

    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        members = [arg for arg in get_args(annotation) if arg is not type(None)]
        optional = len(members) < len(get_args(annotation))
        if len(members) == 1:
            inner = _shape(members[0], flat)
            return replace(inner, optional=inner.optional or optional)
        parts = [_shape(member) for member in members]
        if any(part.kind != "string" for part in parts):
            raise TypeError(f"unions of non-strings are not tabular: {annotation!r}")
        alternatives: list[str] | None = []
        for part in parts:
            if part.pattern:
                alternatives.append(part.pattern)
            elif part.enum:
                alternatives.extend(re.escape(value) for value in part.enum)
            else:
                alternatives = None
                break
        pattern = "(?:" + "|".join(alternatives) + ")" if alternatives else None
        return _Shape("string", optional=optional, pattern=pattern)
    if origin is Literal:
        values = get_args(annotation)
        integers = all(isinstance(v, int) and not isinstance(v, bool) for v in values)
        return _Shape("integer" if integers else "string", enum=values)
    if origin is list:
        (item,) = get_args(annotation)
        shape = _Shape("list", item=_shape(item))
    elif isinstance(annotation, type) and issubclass(annotation, Record):
        shape = _Shape("record", model=annotation)
    elif annotation is bool:
        shape = _Shape("boolean")
    elif annotation is int:
        shape = _Shape("integer")
    elif annotation is str:
        shape = _Shape("string")
    elif annotation is dict or origin is dict:
        raise TypeError(f"mappings are not tabular: {annotation!r}")
    else:
        raise TypeError(f"no table column type for {annotation!r}")

    for item in flat:
        if isinstance(item, StringConstraints):
            if item.pattern:
                pattern = _unanchor(item.pattern)
                prefix = pattern.split(":", 1)[0]
                ref = PREFIX_KIND.get(prefix) if pattern.startswith(f"{prefix}:") else None
                shape = replace(shape, pattern=pattern, ref=ref)
            if item.min_length:
                shape = replace(shape, min_length=item.min_length)
        elif isinstance(item, Ge):
            shape = replace(shape, minimum=item.ge)
        elif isinstance(item, MinLen):
            shape = replace(shape, min_length=item.min_length)
        elif isinstance(item, AfterValidator) and item.func is models._edtf:
            shape = replace(shape, edtf=True)
        elif isinstance(item, AfterValidator) and item.func is models._url:
            shape = replace(shape, pattern=_URL_PATTERN)
    return shape


# --------------------------------------------------------------------------- specs


@dataclass(frozen=True)
class Column:
    """One column of a published table: its Arrow type, Table Schema field, and origin."""

    name: str
    shape: _Shape
    description: str
    required: bool
    #: where the value sits in a record or list entry: field names; () for derived columns
    path: tuple[str, ...] = ()
    #: derived columns: "earliest"/"latest" of the EDTF column named by ``source``, "text"
    #: (a capture's text); "entry" is a link table's column holding the list entry itself
    derived: str | None = None
    source: str | None = None
    #: grade -> label, for graded columns
    labels: Mapping | None = None
    #: table this column refers to (foreign key to its ``id``)
    references: str | None = None

    @property
    def arrow_type(self) -> pa.DataType:
        shape = self.shape
        if self.derived in ("earliest", "latest"):
            return pa.date32()
        if shape.kind == "list":
            return pa.list_(pa.string())
        if shape.kind == "boolean":
            return pa.bool_()
        if shape.kind == "integer":
            return pa.int8() if shape.enum else pa.int64()
        if shape.enum:  # a closed vocabulary: dictionary-encoded, the dictionary is the whole vocabulary
            return pa.dictionary(pa.int8(), pa.string())
        return pa.string()

    def arrow_field(self) -> pa.Field:
        metadata = {"description": self.description}
        if self.labels:
            metadata["labels"] = json.dumps({str(k): v for k, v in self.labels.items()}, ensure_ascii=False)
        return pa.field(self.name, self.arrow_type, nullable=not self.required, metadata=metadata)

    def schema_field(self) -> dict:
        """The column as a Frictionless Table Schema field descriptor."""
        shape = self.shape
        if self.derived in ("earliest", "latest"):
            kind = "date"
        elif shape.kind == "list":
            # frictionless 5.21 reads Parquet through pandas, which turns a list<string>
            # cell into a numpy array; its "array" type accepts only Python lists and JSON
            # text, so every row fails. "any" lets frictionless pass the cell through; the
            # item type and constraints stay in "x_arrayItem", which our release check
            # enforces (and DuckDB, pandas and pyarrow read the column as a list).
            kind = "any"
        else:
            kind = shape.kind
        descriptor: dict[str, Any] = {
            "name": self.name,
            "type": kind,
            "description": self.description,
        }
        constraints: dict[str, Any] = {"required": self.required}
        if shape.kind == "list":
            if shape.min_length:
                descriptor["x_minItems"] = shape.min_length
            item = shape.item
            item_constraints = _constraints(item)
            descriptor["x_arrayItem"] = {
                "type": item.kind,
                **({"constraints": item_constraints} if item_constraints else {}),
            }
        elif not self.derived:
            constraints.update(_constraints(shape))
        descriptor["constraints"] = constraints
        if self.labels:
            descriptor["categories"] = [{"value": value, "label": label} for value, label in self.labels.items()]
        return descriptor


def _constraints(shape: _Shape) -> dict:
    out: dict[str, Any] = {}
    if shape.enum:
        out["enum"] = list(shape.enum)
    if shape.pattern:
        out["pattern"] = shape.pattern
    if shape.min_length and shape.kind == "string":
        out["minLength"] = shape.min_length
    if shape.minimum is not None:
        out["minimum"] = shape.minimum
    return out


@dataclass(frozen=True)
class TableSpec:
    """A published table: name, description, columns, keys, and the records it holds."""

    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    kind: str  # the record kind the rows come from
    #: for a link table: the list field of the record it unrolls
    list_field: str | None = None

    @property
    def is_link(self) -> bool:
        return self.list_field is not None

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def foreign_keys(self) -> list[dict]:
        return [
            {"fields": [c.name], "reference": {"resource": c.references, "fields": ["id"]}}
            for c in self.columns
            if c.references
        ]

    def arrow_schema(self) -> pa.Schema:
        metadata = {
            "description": self.description,
            "primary_key": json.dumps(list(self.primary_key)),
        }
        return pa.schema([c.arrow_field() for c in self.columns], metadata=metadata)

    def table_schema(self) -> dict:
        """The Frictionless Table Schema of this table."""
        schema: dict[str, Any] = {
            "fields": [c.schema_field() for c in self.columns],
            # Parquet has real nulls; no text value stands for "missing" (the default
            # [""] would turn an empty note into a null for frictionless).
            "missingValues": [],
            "primaryKey": list(self.primary_key),
        }
        if self.foreign_keys():
            schema["foreignKeys"] = self.foreign_keys()
        return schema


@cache
def describe(model: type[Record], name: str, info: FieldInfo) -> str:
    """A field's description: the docstring under it in models.py."""
    return info.description or ""


def _model_columns(model: type[Record], *, skip_record_lists: bool) -> list[Column]:
    """Columns for a model's scalar fields (list-of-record fields become link tables)."""
    columns: list[Column] = []
    for name, info in model.model_fields.items():
        shape = _shape(info.annotation, info.metadata)
        description = describe(model, name, info)
        if shape.kind == "record":
            for sub, sub_info in shape.model.model_fields.items():
                sub_shape = _shape(sub_info.annotation, sub_info.metadata)
                sub_description = describe(shape.model, sub, sub_info)
                extra = sub_info.json_schema_extra if isinstance(sub_info.json_schema_extra, dict) else {}
                labels = extra.get("labels")
                if labels and sub_shape.kind == "integer":
                    labels = {int(k): v for k, v in labels.items()}
                columns.append(
                    Column(
                        name=f"{name}_{sub}",
                        shape=sub_shape,
                        description=f"{description.rstrip('.')}. {sub_description}".strip(),
                        required=not (shape.optional or sub_shape.optional),
                        path=(name, sub),
                        labels=labels,
                    )
                )
            continue
        if shape.kind == "list" and shape.item.kind in ("record", "list"):
            if not skip_record_lists:
                raise TypeError(f"{model.__name__}.{name}: a list inside a list entry is not tabular")
            continue
        references = None
        if name != "id":
            ref = shape.item.ref if shape.kind == "list" else shape.ref
            references = MAIN_TABLES[ref] if ref and shape.kind != "list" else None
        columns.append(
            Column(
                name=name,
                shape=shape,
                description=description,
                required=not shape.optional,
                path=(name,),
                references=references,
            )
        )
        if shape.edtf:
            for bound in ("earliest", "latest"):
                columns.append(
                    Column(
                        name=f"{name}_{bound}",
                        shape=_Shape("string", optional=True),
                        description=f"The {bound} day that {name} allows (derived from the "
                        "EDTF string; null where open or unknown).",
                        required=False,
                        derived=bound,
                        source=name,
                    )
                )
    return columns


def _parent_column(kind: str) -> Column:
    id_field = RECORD_TYPES[kind][0].model_fields["id"]
    return Column(
        name=kind,
        shape=replace(_shape(id_field.annotation, id_field.metadata), ref=None),
        description=f"The {RECORD_TYPES[kind][0].__name__} this row belongs to.",
        required=True,
        references=MAIN_TABLES[kind],
    )


def _position_column() -> Column:
    return Column(
        name="position",
        shape=_Shape("integer", minimum=0),
        description=_POSITION_DESCRIPTION,
        required=True,
    )


def _build_specs() -> tuple[TableSpec, ...]:
    main: list[TableSpec] = []
    links: list[TableSpec] = []
    for kind in ORDER:
        model = RECORD_TYPES[kind][0]
        columns = _model_columns(model, skip_record_lists=True)
        if kind == "capture":
            columns.append(
                Column(
                    name="text",
                    shape=_Shape("string", optional=True),
                    description=_TEXT_DESCRIPTION,
                    required=False,
                    derived="text",
                )
            )
        main.append(TableSpec(MAIN_TABLES[kind], (model.__doc__ or "").strip(), tuple(columns), ("id",), kind))

        parent = _parent_column(kind)
        for name, info in model.model_fields.items():
            shape = _shape(info.annotation, info.metadata)
            if shape.kind != "list":
                continue
            description = describe(model, name, info)
            if shape.item.kind == "record":
                item_columns = _model_columns(shape.item.model, skip_record_lists=False)
            elif shape.item.ref:
                value_name = shape.item.ref if shape.item.ref != kind else name
                item_columns = [
                    Column(
                        name=value_name,
                        shape=replace(shape.item, optional=False),
                        description=description,
                        required=True,
                        derived="entry",
                        references=MAIN_TABLES[shape.item.ref],
                    )
                ]
            else:
                continue  # a list of names (aliases) stays a list column only
            clash = {c.name for c in item_columns} & {parent.name, "position"}
            if clash:
                raise TypeError(
                    f"{model.__name__}.{name}: entry fields {sorted(clash)} clash with the link table's key"
                )
            links.append(
                TableSpec(
                    name=f"{kind}_{name}",
                    description=f"One row per entry of {model.__name__}.{name}: {description}",
                    columns=(parent, _position_column(), *item_columns),
                    primary_key=(parent.name, "position"),
                    kind=kind,
                    list_field=name,
                )
            )
    return tuple(main + links)


#: every published table, in release order
SPECS: tuple[TableSpec, ...] = _build_specs()
TABLES: dict[str, TableSpec] = {spec.name: spec for spec in SPECS}


def table_names() -> list[str]:
    """Names of the published tables, in release order."""
    return [spec.name for spec in SPECS]
