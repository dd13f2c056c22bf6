"""The published release 1.0.0 as render_site takes it, and helpers to read what it returns."""

from __future__ import annotations

import json
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parent.parent
RELEASE = REPO / "dist" / "1.0.0"


@lru_cache(maxsize=1)
def _inputs() -> tuple[dict, dict, dict]:
    tables = {path.stem: pq.read_table(path) for path in sorted((RELEASE / "data").glob("*.parquet"))}
    descriptor = json.loads((RELEASE / "datapackage.json").read_text(encoding="utf-8"))
    captures = {
        row["id"]: (REPO / "raw" / "captures" / row["file"]).read_bytes().decode("utf-8")
        for row in tables["captures"].to_pylist()
    }
    return tables, descriptor, captures


def inputs() -> tuple[dict, dict, dict]:
    """(tables, descriptor, captures) of release 1.0.0; fresh dicts, safe to change."""
    tables, descriptor, captures = _inputs()
    return dict(tables), json.loads(json.dumps(descriptor)), dict(captures)


def with_column(table: pa.Table, name: str, values: list) -> pa.Table:
    """The table with one column replaced (or added) by ``values``."""
    array = pa.array(values, type=table.schema.field(name).type if name in table.column_names else None)
    if name in table.column_names:
        return table.set_column(table.column_names.index(name), name, array)
    return table.append_column(name, array)


class Page(HTMLParser):
    """A page's visible text, its links and its JSON-LD blocks."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self.jsonld: list[str] = []
        self._in: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("href", "src"):
            if attrs.get(key) is not None and tag in ("a", "link", "script", "img"):
                self.links.append(attrs[key])
        if tag == "script":
            self._in = "jsonld" if attrs.get("type") == "application/ld+json" else "script"
            if self._in == "jsonld":
                self.jsonld.append("")
        elif tag == "style":
            self._in = "style"

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._in = None

    def handle_data(self, data):
        if self._in == "jsonld":
            self.jsonld[-1] += data
        elif self._in is None:
            self.text.append(data)

    @property
    def words(self) -> str:
        """The visible text with runs of white space made single spaces."""
        return " ".join("".join(self.text).split())
