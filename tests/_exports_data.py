"""The published 1.0.0 release, read with pyarrow alone, for the export tests."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

RELEASE = Path(__file__).resolve().parent.parent / "dist" / "1.0.0"


@lru_cache(maxsize=1)
def _release() -> tuple[dict[str, pa.Table], str]:
    descriptor = json.loads((RELEASE / "datapackage.json").read_bytes())
    tables = {r["name"]: pq.read_table(RELEASE / r["path"]) for r in descriptor["resources"]}
    return tables, json.dumps(descriptor)


def release() -> tuple[dict[str, pa.Table], dict]:
    """(tables, descriptor) of dist/1.0.0; fresh dicts each call, so tests may change them."""
    tables, descriptor = _release()
    return dict(tables), json.loads(descriptor)


def replace_value(table: pa.Table, column: str, row: int, value) -> pa.Table:
    """A copy of ``table`` with one cell changed."""
    values = table[column].to_pylist()
    values[row] = value
    field = table.schema.field(column)
    arrow_type = field.type.value_type if pa.types.is_dictionary(field.type) else field.type
    index = table.column_names.index(column)
    return table.set_column(index, field.with_type(arrow_type), pa.array(values, arrow_type))
