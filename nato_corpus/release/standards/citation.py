"""Citations of a release, or of one quotation, document or event in it: BibTeX, APA, CSL-JSON.

Each names the release version, its release date (the descriptor's `created`), the record
id and its page in the release's site. A URL is given only when the descriptor has a
`homepage`; without one the citation has none (never a made-up address).
"""

from __future__ import annotations

import json

import pyarrow as pa

from ...errors import UsageError
from ._common import by_id, page_path, slug

STYLES = ("bibtex", "apa", "csl-json")
TABLES = {"quote": "quotes", "doc": "documents", "event": "events"}


def _record(tables: dict[str, pa.Table], record_id: str) -> tuple[str, str]:
    """(kind, title) of a quotation, document or event; UsageError naming how to find ids."""
    prefix = record_id.split(":", 1)[0]
    row = by_id(tables, TABLES[prefix]).get(record_id) if prefix in TABLES and ":" in record_id else None
    if row is None:
        raise UsageError(
            f"no quotation, document or event {record_id!r} in this release; ids are 'quote:<slug>', "
            "'doc:<slug>' or 'event:<slug>': list them with nc.load('quotes').column('id') "
            "(or 'documents', 'events'), or see the release's data card"
        )
    if prefix == "quote":
        return "Quotation", f"\u201c{row['text']}\u201d"
    return ("Document" if prefix == "doc" else "Event"), row["title"]


def _bibtex_escape(text: str) -> str:
    for ch in "\\{}":
        text = text.replace(ch, "")
    for ch in "&%$#_":
        text = text.replace(ch, "\\" + ch)
    return text


def cite(tables: dict[str, pa.Table], descriptor: dict, id: str | None = None, style: str = "bibtex") -> str:
    """A citation of the release, or of the record `id`, in `style` (bibtex, apa or csl-json)."""
    if style not in STYLES:
        raise UsageError(f"unknown citation style {style!r}; choose one of {', '.join(STYLES)}")
    authors = [c["title"] for c in descriptor.get("contributors") or [] if c.get("role", "author") == "author"]
    authors = authors or ["nato-corpus contributors"]
    date = str(descriptor.get("created", ""))[:10]
    year, version = date[:4], descriptor["version"]
    release_title = descriptor.get("title", descriptor["name"])
    url = descriptor.get("homepage")
    key = f"{descriptor['name']}-{version}"
    title, note, kind = release_title, None, None
    if id is not None:
        kind, title = _record(tables, id)
        key += f"-{slug(id)}"
        note = f"{kind} {id}; page {page_path(id)}"
    if style == "bibtex":
        fields = [
            ("author", " and ".join("{" + _bibtex_escape(a) + "}" for a in authors)),
            ("title", "{" + _bibtex_escape(title) + "}"),
            ("year", year),
            ("date", date),
            ("version", version),
        ]
        if id is not None:
            fields.append(("booktitle", "{" + _bibtex_escape(release_title) + "}"))
            fields.append(("note", _bibtex_escape(note)))
        if url:
            fields.append(("url", url))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
        return f"@misc{{{key},\n{body}\n}}\n"
    if style == "apa":
        who = ", ".join(authors)
        if id is None:
            text = f"{who}. ({year}). {release_title} (Version {version}) [Data set]."
        else:
            text = f"{title} [{kind} {id}]. In {who} ({year}), {release_title} (Version {version}) [Data set]. {page_path(id)}."
        return text + (f" {url}" if url else "") + "\n"
    item = {
        "id": key,
        "type": "dataset",
        "title": title,
        "author": [{"literal": a} for a in authors],
        "version": version,
    }
    if date:
        item["issued"] = {"date-parts": [[int(part) for part in date.split("-")]]}
    if id is not None:
        item["container-title"], item["note"] = release_title, note
    if url:
        item["URL"] = url
    return json.dumps([item], ensure_ascii=False, indent=2, sort_keys=True) + "\n"
