"""schema/: the JSON Schema of each record type and the Table Schema of each table, generated.

``nato-corpus schema`` writes them; ``--check`` and a test fail when they are stale.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..records import models
from ..records.models import RECORD_TYPES, Corpus, Record
from .columns import SPECS, describe


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def record_schema(model: type[Record]) -> dict:
    """The JSON Schema of a record type, each property described by its field's docstring."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **model.model_json_schema(),
    }
    record_types = {
        cls.__name__: cls for cls in vars(models).values() if isinstance(cls, type) and issubclass(cls, Record)
    }
    for name, part in [(model.__name__, schema), *schema.get("$defs", {}).items()]:
        cls = record_types.get(name)
        for field_name, prop in (part.get("properties", {}) if cls else {}).items():
            if field_name in cls.model_fields:
                prop["description"] = describe(cls, field_name, cls.model_fields[field_name])
    return schema


def render_schemas() -> dict[str, str]:
    """Every generated schema file as {path relative to schema/: JSON text}.

    ``tables/<table>.json`` is the Table Schema of each published table (as in a
    release's datapackage.json); ``records/<Type>.json`` is the JSON Schema of each
    record type of raw/ (and of raw/corpus.yaml). Deterministic, so a test can compare
    it with the committed schema/ directory.
    """
    files: dict[str, str] = {}
    for spec in SPECS:
        files[f"tables/{spec.name}.json"] = _json(spec.table_schema())
    for model in [RECORD_TYPES[kind][0] for kind in RECORD_TYPES] + [Corpus]:
        files[f"records/{model.__name__}.json"] = _json(record_schema(model))
    return dict(sorted(files.items()))


def write_schemas(schema_dir: str | os.PathLike = "schema") -> list[Path]:
    """Write ``render_schemas()`` under ``schema_dir`` and return the paths written.

    Files in ``schema_dir/tables`` and ``schema_dir/records`` that are no longer
    generated (a renamed table or type) are removed, so the directory never drifts.
    """
    root = Path(schema_dir)
    rendered = render_schemas()
    written: list[Path] = []
    for relative, text in rendered.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    for sub in ("tables", "records"):
        for stale in sorted((root / sub).glob("*.json")):
            if f"{sub}/{stale.name}" not in rendered:
                stale.unlink()
    return written


def stale_schemas(schema_dir: str | os.PathLike = "schema") -> list[Path]:
    """Schema files under ``schema_dir`` that differ from ``render_schemas()``.

    Lists files that are missing, changed, or no longer generated; empty when
    schema/ is current. Run ``nato-corpus schema`` to regenerate them.
    """
    root = Path(schema_dir)
    rendered = render_schemas()
    stale = [
        root / relative
        for relative, text in rendered.items()
        if not (root / relative).is_file() or (root / relative).read_text(encoding="utf-8") != text
    ]
    for sub in ("tables", "records"):
        stale.extend(path for path in sorted((root / sub).glob("*.json")) if f"{sub}/{path.name}" not in rendered)
    return stale
