"""Helpers shared by the standards exports: rows by key, record pages, content ids, JSON bytes.

Everything here is pure and deterministic: the same tables give the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable

import pyarrow as pa

from ...errors import UsageError
from .._json import indented_json

#: Namespace of the few terms the project defines itself (extension terms in JSON-LD).
#: A URN, not a web address: the project has no homepage to host a vocabulary yet.
TERMS = "urn:nato-corpus:terms:"

#: Site folder of each record type's pages, keyed by the id prefix.
PAGE_FOLDERS = {"quote": "quotes", "doc": "documents", "event": "events", "actor": "actors", "capture": "captures"}


def rows(tables: dict[str, pa.Table], name: str) -> list[dict]:
    """The rows of one release table as dicts; a clear error when the table is absent."""
    if name not in tables:
        raise UsageError(
            f"the release tables have no {name!r} table (have: {', '.join(sorted(tables)) or 'none'}); "
            "pass every table of the release, e.g. read from dist/<version>/data/*.parquet"
        )
    return tables[name].to_pylist()


def by_id(tables: dict[str, pa.Table], name: str) -> dict[str, dict]:
    """The rows of a table with an `id` primary key, keyed by id."""
    return {row["id"]: row for row in rows(tables, name)}


def slug(record_id: str) -> str:
    """The part of a record id after its type prefix: `quote:abc` -> `abc`."""
    return record_id.split(":", 1)[1]


def page_path(record_id: str) -> str | None:
    """The record's page in the release's site (`site/quotes/<slug>.html`), or None for no page."""
    folder = PAGE_FOLDERS.get(record_id.split(":", 1)[0])
    return f"site/{folder}/{slug(record_id)}.html" if folder else None


def ni_uri(sha256_hex: str) -> str:
    """RFC 6920 named-information URI for content with this SHA-256: `ni:///sha-256;<base64url>`."""
    digest = bytes.fromhex(sha256_hex)
    return "ni:///sha-256;" + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def sha256_text(text: str) -> str:
    """SHA-256 (hex) of a text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def known(value: str | None) -> str | None:
    """A value, or None when it is absent or the literal `unknown`."""
    return None if value in (None, "", "unknown") else value


def json_bytes(data) -> bytes:
    """Deterministic JSON: sorted keys, two-space indent, UTF-8, one final newline."""
    return (indented_json(data, 2) + "\n").encode("utf-8")


def utf16_offset(text: str, index: int) -> int:
    """The UTF-16 code-unit offset of code point `index` in `text` (what JavaScript counts)."""
    if text.isascii():
        return index
    # every code point is one UTF-16 unit, or two beyond U+FFFF: encode (in C) and count
    return len(text[:index].encode("utf-16-le", "surrogatepass")) // 2


def count_occurrences(text: str, needle: str) -> int:
    """How many times `needle` occurs in `text`, overlapping occurrences included."""
    count, at = 0, text.find(needle)
    while at != -1:
        count += 1
        at = text.find(needle, at + 1)
    return count


def sorted_unique(values: Iterable[str]) -> list[str]:
    return sorted(set(values))
