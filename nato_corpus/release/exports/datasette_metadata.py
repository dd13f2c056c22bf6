"""The Datasette metadata file for the SQLite export: titles, licence, descriptions, facets, queries.

``datasette nato-corpus.db -m nato-corpus.metadata.json`` then shows every table with its
description and its columns' descriptions, offers facets on the columns people filter by,
links foreign keys by the label of the row they point at, and lists canned queries for
the common questions. Facets, labels and queries name only columns the tables have.
"""

from __future__ import annotations

import json
from typing import Any

from ._schema import TableInfo

#: table -> columns offered as facets (those the table has)
FACETS: dict[str, tuple[str, ...]] = {
    "quotations": (
        "speaker_name",
        "credibility_label",
        "translated",
        "language_chain",
        "status",
        "capture_site",
    ),
    "quotes": ("speaker", "credibility_grade", "status", "translated", "language", "form"),
    "documents": ("kind", "reliability_grade", "release", "rights", "status", "language"),
    "events": ("kind", "credibility_grade", "status"),
    "actors": ("kind",),
    "actor_summary": ("kind",),
    "captures": ("site", "rights"),
    "capture_segments": ("kind",),
    "document_relations": ("type",),
    "document_urls": ("kind",),
}

#: table -> the column Datasette shows for a row that a foreign key points at
LABEL_COLUMNS: dict[str, str] = {
    "actors": "name",
    "documents": "title",
    "events": "title",
    "captures": "title",
    "quotes": "text",
    "quotations": "text",
    "actor_summary": "name",
}

_READING_COLUMNS = (
    "q.id, q.text, q.speaker_name, q.addressee_name, q.date, q.document_title, "
    "q.credibility_grade, q.credibility_label, q.language_chain, q.relays, q.status, "
    "q.capture_site, q.first_capture, q.first_start, q.first_end, q.occurrences"
)

#: canned queries: name -> (tables they need, title, description, SQL)
QUERIES: dict[str, tuple[tuple[str, ...], str, str, str]] = {
    "quotations_by_speaker": (
        ("quotations", "actors"),
        "Quotations by speaker",
        (
            "Every quotation of a speaker, given by name, alias or id (for example: Clinton), "
            "with its credibility and where it was found."
        ),
        (
            f"select {_READING_COLUMNS}\nfrom quotations as q join actors as a on a.id = q.speaker\n"
            "where q.speaker = :speaker or a.name like '%' || :speaker || '%'\n"
            "   or a.aliases like '%' || :speaker || '%'\n"
            "order by q.date_earliest, q.id"
        ),
    ),
    "translated_quotations": (
        ("quotations",),
        "Translated quotations",
        "Quotations that reach us in translation, with the languages they passed through.",
        (
            f"select {_READING_COLUMNS}\nfrom quotations as q\nwhere q.translated = 1\n"
            "order by q.language_chain, q.date_earliest, q.id"
        ),
    ),
    "events_by_date": (
        ("events",),
        "Events by date",
        "Every event in date order, with its credibility.",
        (
            "select id, date, title, place, credibility_grade, status\nfrom events\n"
            "order by date_earliest, date_latest, id"
        ),
    ),
}


def _licence(descriptor: dict[str, Any]) -> dict[str, str]:
    licenses = [lic for lic in descriptor.get("licenses") or [] if isinstance(lic, dict)]
    if not licenses:
        return {}
    first = licenses[0]
    result = {"license": str(first.get("name") or first.get("title") or "")}
    if first.get("path"):
        result["license_url"] = str(first["path"])
    return result


def _source(descriptor: dict[str, Any]) -> dict[str, str]:
    version = descriptor.get("version", "?")
    result = {"source": f"nato-corpus release {version} (its sources are listed in the release's datapackage.json)"}
    if descriptor.get("homepage"):
        result["source_url"] = str(descriptor["homepage"])
    return result


def _table(info: TableInfo, fts: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    entry: dict[str, Any] = {"description": info.description}
    entry["columns"] = {f["name"]: f.get("description") or "" for f in info.fields}
    facets = [c for c in FACETS.get(info.name, ()) if c in info.kinds]
    if facets:
        entry["facets"] = facets
    label = LABEL_COLUMNS.get(info.name)
    if label in info.kinds:
        entry["label_column"] = label
    if any(c in info.kinds for c in fts.get(info.name, ())):
        entry["fts_table"] = f"{info.name}_fts"
    return entry


def metadata(
    infos: list[TableInfo],
    descriptor: dict[str, Any],
    *,
    database: str,
    fts: dict[str, tuple[str, ...]],
) -> dict[str, Any]:
    """The Datasette metadata for a database called ``database`` holding ``infos``' tables."""
    names = {info.name for info in infos}
    queries = {
        name: {"title": title, "description": description, "sql": sql}
        for name, (needs, title, description, sql) in QUERIES.items()
        if all(table in names for table in needs)
    }
    database_entry: dict[str, Any] = {
        "description": descriptor.get("x_citation") or descriptor.get("title") or "nato-corpus",
        "tables": {info.name: _table(info, fts) for info in infos},
    }
    if queries:
        database_entry["queries"] = queries
    return {
        "title": descriptor.get("title") or "nato-corpus",
        "description": descriptor.get("description") or "",
        **_licence(descriptor),
        **_source(descriptor),
        "databases": {database: database_entry},
    }


def metadata_json(
    infos: list[TableInfo],
    descriptor: dict[str, Any],
    *,
    database: str,
    fts: dict[str, tuple[str, ...]],
) -> bytes:
    """``metadata`` as UTF-8 JSON bytes, keys in a fixed order, ``\\n`` line ends."""
    value = metadata(infos, descriptor, database=database, fts=fts)
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
