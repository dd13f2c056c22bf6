"""schema.org JSON-LD for each page, serialised so it cannot break out of its <script>."""

from __future__ import annotations

from markupsafe import Markup

from .._json import indented_json

CONTEXT = "https://schema.org"
_PERSONS = {"person", "anonymous"}


def script(data: dict) -> Markup:
    """A JSON-LD object as the body of a <script type="application/ld+json"> element.

    Sorted keys for fixed bytes; '<', '>' and '&' are written as JSON escapes, so
    record text such as '</script>' stays inside the string.
    """
    text = indented_json(data, 1)  # json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1)
    for char, escape in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return Markup(text)


def agent(actor: dict | None) -> dict | None:
    """A Person or Organization for an actor row."""
    if not actor:
        return None
    data = {
        "@type": "Person" if actor.get("kind") in _PERSONS else "Organization",
        "name": actor["name"],
        "identifier": actor["id"],
    }
    if actor.get("wikidata"):
        data["sameAs"] = f"https://www.wikidata.org/wiki/{actor['wikidata']}"
    return data


def _drop_empty(data: dict) -> dict:
    return {"@context": CONTEXT, **{k: v for k, v in data.items() if v not in (None, "", [])}}


def dataset(descriptor: dict, counts: dict[str, int]) -> dict:
    """The whole release as a schema.org Dataset."""
    licenses = descriptor.get("licenses") or []
    return _drop_empty(
        {
            "@type": "Dataset",
            "name": descriptor.get("title") or descriptor.get("name"),
            "description": descriptor.get("description"),
            "version": descriptor.get("version"),
            "dateCreated": descriptor.get("created"),
            "keywords": descriptor.get("keywords"),
            "license": (licenses[0].get("path") or licenses[0].get("name")) if licenses else None,
            "creator": [
                {"@type": "Organization", "name": c.get("title")}
                for c in descriptor.get("contributors") or []
                if c.get("title")
            ],
            "isBasedOn": [s.get("path") or s.get("title") for s in descriptor.get("sources") or []],
            "variableMeasured": [f"{name}: {count} records" for name, count in sorted(counts.items())],
        }
    )


def quotation(quote: dict, speaker: dict | None, document: dict | None) -> dict:
    """A quotation (schema.org Quotation) with its speaker and its document."""
    return _drop_empty(
        {
            "@type": "Quotation",
            "identifier": quote["id"],
            "text": quote["text"],
            "inLanguage": quote.get("language"),
            "creator": agent(speaker),
            "spokenByCharacter": agent(speaker),
            "temporalCoverage": quote.get("date"),
            "isPartOf": creative_work(document) if document else None,
        }
    )


def creative_work(document: dict, authors: list[dict] | None = None) -> dict:
    """A document as a schema.org CreativeWork."""
    return _drop_empty(
        {
            "@type": "CreativeWork",
            "identifier": document["id"],
            "name": document.get("title"),
            "genre": document.get("kind"),
            "inLanguage": document.get("language"),
            "temporalCoverage": document.get("date"),
            "author": [a for a in (agent(x) for x in authors or []) if a],
        }
    )


def event(record: dict, participants: list[dict]) -> dict:
    """An event as a schema.org Event."""
    start, end = record.get("date_earliest"), record.get("date_latest")
    return _drop_empty(
        {
            "@type": "Event",
            "identifier": record["id"],
            "name": record.get("title"),
            "description": record.get("summary"),
            "startDate": start.isoformat() if start else None,
            "endDate": end.isoformat() if end else None,
            "location": record.get("place"),
            "attendee": [a for a in (agent(x) for x in participants) if a],
        }
    )


def actor(record: dict) -> dict:
    """An actor as a schema.org Person or Organization."""
    data = agent(record) or {}
    data.update({"alternateName": list(record.get("aliases") or []), "description": record.get("description")})
    return _drop_empty(data)


def capture(record: dict) -> dict:
    """A capture as a schema.org CreativeWork (a copy of a web page)."""
    return _drop_empty(
        {
            "@type": "CreativeWork",
            "identifier": record["id"],
            "name": record.get("title"),
            "encodingFormat": record.get("media_type"),
            "description": f"sha256 {record.get('sha256')}",
            "url": record.get("page_url") if str(record.get("page_url", "")).startswith("http") else None,
        }
    )


def collection(name: str, count: int) -> dict:
    """An index page as a schema.org CollectionPage."""
    return _drop_empty({"@type": "CollectionPage", "name": name, "numberOfItems": count})
