"""A tiny fake release laid out like dist/, for the load and download tests.

Written with pyarrow from scratch, so the tests do not depend on the real dist/.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

# Table name -> (columns, rows); "words" has no description in the Parquet file, only in
# the descriptor, so load() must fill it in.
TABLES: dict[str, pa.Table] = {
    "documents": pa.table(
        {
            "id": pa.array(["doc:letter-1994-11-28", "doc:burns-note"], pa.string()),
            "title": pa.array(["Clinton to Yeltsin", "Note for Strobe Talbott"], pa.string()),
            "date": pa.array([9097, 9105], pa.date32()),
        }
    ),
    "quotes": pa.table(
        {
            "id": pa.array(["quote:more-candid", "quote:cold-peace", "quote:goal"], pa.string()),
            "text": pa.array(["more candid", "cold peace", "long-term political goal"], pa.string()),
            "words": pa.array([2, 2, 3], pa.int32()),
        }
    ),
    "quote_occurrences": pa.table(
        {
            "quote_id": pa.array(["quote:more-candid", "quote:goal"], pa.string()),
            "start": pa.array([120, 4410], pa.int64()),
        }
    ),
}
DESCRIPTIONS = {
    "id": "Identifier of the record.",
    "title": "Title of the document.",
    "date": "Earliest date of the document.",
    "text": "Exact text of the quotation as it stands in the capture.",
    "words": "Number of words in the quotation.",
    "quote_id": "The quote found.",
    "start": "Character offset where the quote starts.",
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_release(
    root: Path,
    version: str = "1.0.0",
    *,
    citation: str | None = None,
    title: str = "Test corpus",
) -> dict:
    """Write ``root/<version>/`` and merge ``root/index.json``; return the descriptor."""
    folder = root / version
    (folder / "data").mkdir(parents=True, exist_ok=True)
    resources = []
    for name, table in TABLES.items():
        fields = [
            f if f.name == "words" else f.with_metadata({b"description": DESCRIPTIONS[f.name].encode()})
            for f in table.schema
        ]
        pq.write_table(table.cast(pa.schema(fields)), folder / "data" / f"{name}.parquet")
        data = (folder / "data" / f"{name}.parquet").read_bytes()
        resources.append(
            {
                "name": name,
                "path": f"data/{name}.parquet",
                "format": "parquet",
                "hash": f"sha256:{sha256(data)}",
                "x_bytes": len(data),
                "schema": {
                    "fields": [
                        {"name": f.name, "type": "string", "description": DESCRIPTIONS[f.name]} for f in table.schema
                    ]
                },
            }
        )
    x_files = []
    for rel, text in (
        ("README.md", f"# {title} {version}\n"),
        ("timeline.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>\n"),
    ):
        data = text.encode()
        (folder / rel).write_bytes(data)
        x_files.append({"path": rel, "sha256": sha256(data), "x_bytes": len(data)})
    descriptor = {
        "name": "nato-corpus",
        "title": title,
        "version": version,
        "created": "2026-11-22T00:00:00Z",
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "title": "Creative Commons Attribution 4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
            }
        ],
        "sources": [{"title": "National Security Archive"}],
        "contributors": [{"title": "Ada Example", "role": "author"}],
        "resources": resources,
        "x_files": x_files,
    }
    if citation is not None:
        descriptor["x_citation"] = citation
    data = json.dumps(descriptor, indent=2, sort_keys=True).encode()
    (folder / "datapackage.json").write_bytes(data)
    index_path = root / "index.json"
    index = json.loads(index_path.read_bytes()) if index_path.exists() else {"name": "nato-corpus", "versions": {}}
    index["versions"][version] = {
        "descriptor_sha256": sha256(data),
        "path": f"{version}/datapackage.json",
    }
    index["latest"] = version
    index_path.write_text(json.dumps(index, indent=2))
    return descriptor


def release_files(root: Path, version: str) -> dict[str, bytes]:
    """Every file of a release folder, relative path -> bytes."""
    folder = root / version
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
