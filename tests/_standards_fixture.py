"""The published release 1.0.0 as the standards exports take it: tables, descriptor, capture texts."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).parent.parent
RELEASE = REPO / "dist" / "1.0.0"
CAPTURES_DIR = REPO / "raw" / "captures"


@cache
def release() -> tuple[dict[str, pa.Table], dict, dict[str, str]]:
    """(tables, descriptor, captures) of dist/1.0.0 and raw/captures/."""
    tables = {path.stem: pq.read_table(path) for path in sorted((RELEASE / "data").glob("*.parquet"))}
    descriptor = json.loads((RELEASE / "datapackage.json").read_text(encoding="utf-8"))
    captures = {
        row["id"]: (CAPTURES_DIR / row["file"]).read_bytes().decode("utf-8") for row in tables["captures"].to_pylist()
    }
    return tables, descriptor, captures
