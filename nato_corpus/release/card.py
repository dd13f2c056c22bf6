"""The data card (a release's README.md): what a person reads about a release.

``render_card(release)`` fills the template ``templates/card.md.j2`` from one
:class:`Release` that describes the release. This module only computes values
(counts, samples, rows, hashes); every sentence of the card lives in the template.
No clock, no randomness, a fixed order: the same release renders the same bytes.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import jinja2

from ..records import dates
from ..records.grades import CREDIBILITY, RELIABILITY
from . import verification
from .diff import short
from .layout import CARD, DATA, DESCRIPTOR, TIMELINE, sha256_bytes

TEMPLATE = "card.md.j2"
#: how many sample quotations and events the card shows
SAMPLES = 5
#: files beyond the data files that the card's Files table pins (when the release has them)
KEY_FILES = ("csv/datapackage.json", "site/index.html")


@dataclass(frozen=True)
class Table:
    """One published table: name, rows, what a row is, and its Table Schema fields."""

    name: str
    rows: int
    description: str
    fields: tuple[dict, ...]


@dataclass(frozen=True)
class Release:
    """Everything the data card says about a release, gathered by the build."""

    corpus: Any
    """The corpus description (records.models.Corpus): name, title, version, licence..."""
    records: Mapping[str, list]
    """The checked records by type ('quote', 'event', 'document', 'actor', 'capture')."""
    tables: tuple[Table, ...]
    """Every table of the release, in descriptor order."""
    main_tables: Mapping[str, str]
    """Record type -> the table that holds it."""
    files: Mapping[str, bytes]
    """Every file of the release rendered so far, by path."""
    changelog: dict
    """The descriptor's x_changelog entry."""
    change: Any
    """The diff from the previous release (release.diff.Diff), None for a first release."""
    citation: str
    """How to cite this version, in one line."""
    authors: tuple[str, ...]
    """The authors, for BibTeX."""
    sources: tuple[dict, ...]
    """The descriptor's sources (title, and path where the address is known)."""


def table_facts(descriptor_resources: Iterable[dict], rows: Mapping[str, int]) -> tuple[Table, ...]:
    """The card's tables from the descriptor's resources and each table's row count."""
    return tuple(
        Table(r["name"], rows[r["name"]], r.get("description", ""), tuple(r["schema"]["fields"]))
        for r in descriptor_resources
    )


def render_card(release: Release) -> str:
    """The release's README.md, rendered from the card template."""
    return _template().render(**card_context(release))


# --------------------------------------------------------------------------- values


def card_context(release: Release) -> dict[str, Any]:
    """The values the card template shows, computed from the release (no prose)."""
    corpus, records = release.corpus, release.records
    actors = {a.id: a.name for a in records.get("actor", [])}
    quotes = records.get("quote", [])
    samples = _sample_quotes(quotes)
    return {
        "corpus": corpus,
        "version": corpus.version,
        "tables": release.tables,
        "table_names": [t.name for t in release.tables],
        "timeline": TIMELINE if TIMELINE in release.files else None,
        "files": release.files,
        "data_dir": DATA,
        "descriptor": DESCRIPTOR,
        "card": CARD,
        "main_tables": release.main_tables,
        "coverage": [
            (release.main_tables[kind], *_span(records.get(kind, []))) for kind in ("document", "event", "quote")
        ],
        "sample_quotes": [_quote_row(q, actors) for q in samples],
        "sample_events": [_event_row(e) for e in _sample_events(records.get("event", []))],
        "example": _example(samples, actors, release.tables),
        "reliability": _grade_rows(RELIABILITY, [d.reliability.grade for d in records.get("document", [])]),
        "credibility": [
            (grade, label, events, quotations)
            for (grade, label, events), (_, _, quotations) in zip(
                _grade_rows(CREDIBILITY, [e.credibility.grade for e in records.get("event", [])]),
                _grade_rows(CREDIBILITY, [q.credibility.grade for q in quotes]),
                strict=False,
            )
        ],
        "verification": _verification(records),
        "captures": records.get("capture", []),
        "documents": [_document_row(d, actors) for d in records.get("document", [])],
        "reliability_label": {g: label for g, (label, _) in RELIABILITY.items()},
        "addresses": [s for s in release.sources if "path" in s],
        "published": [c.id for c in records.get("capture", []) if c.rights == "public_domain"],
        "withheld": [(c.id, c.rights) for c in records.get("capture", []) if c.rights != "public_domain"],
        "citation": release.citation,
        "bibtex_key": f"{re.sub(r'[^a-z0-9]+', '_', corpus.name)}_{corpus.version.replace('.', '_')}",
        "authors": release.authors,
        "changelog": release.changelog,
        "change": release.change,
        "pinned": _pinned(release.files),
        "others": [name for name in sorted(release.files) if "/" not in name and name != CARD],
    }


def _span(records: Iterable) -> tuple[int, int, str, str]:
    """(dated, undated, earliest day, latest day) of records with an EDTF date."""
    lows, highs, undated = [], [], 0
    for record in records:
        low, high = dates.bounds(record.date)
        if low is None and high is None:
            undated += 1
            continue
        lows.append(low or high)
        highs.append(high or low)
    if not lows:
        return 0, undated, "–", "–"
    return len(lows), undated, min(lows).isoformat(), max(highs).isoformat()


def _sort_day(record) -> str:
    low, high = dates.bounds(record.date)
    day = low or high
    return day.isoformat() if day else "9999-99-99"


def _sample_quotes(quotes: list) -> list:
    """Up to SAMPLES quotations, one per speaker: the best graded first, then the oldest."""
    chosen, speakers = [], set()
    for quote in sorted(quotes, key=lambda q: (q.credibility.grade, _sort_day(q), q.id)):
        if quote.speaker not in speakers:
            speakers.add(quote.speaker)
            chosen.append(quote)
    return sorted(chosen[:SAMPLES], key=lambda q: (_sort_day(q), q.id))


def _sample_events(events: list) -> list:
    """Up to SAMPLES events spread evenly over the chronological list."""
    ordered = sorted(events, key=lambda e: (_sort_day(e), e.id))
    if len(ordered) <= SAMPLES:
        return ordered
    step = (len(ordered) - 1) / (SAMPLES - 1)
    return [ordered[round(i * step)] for i in range(SAMPLES)]


def _quote_row(quote, actors: Mapping[str, str]) -> dict:
    grade = quote.credibility.grade
    return {
        "id": quote.id,
        "text": quote.text,
        "speaker": actors.get(quote.speaker, quote.speaker),
        "date": quote.date,
        "grade": grade,
        "label": CREDIBILITY[grade][0],
        "status": verification.status_of(quote) or verification.UNRECORDED,
    }


def _event_row(event) -> dict:
    grade = event.credibility.grade
    return {
        "id": event.id,
        "title": event.title,
        "date": event.date,
        "place": event.place,
        "grade": grade,
        "label": CREDIBILITY[grade][0],
    }


def _document_row(document, actors: Mapping[str, str]) -> dict:
    grade = document.reliability.grade
    return {
        "id": document.id,
        "title": document.title,
        "kind": document.kind,
        "date": document.date,
        "keeper": actors.get(document.publisher or "", "") or actors.get(document.holder or "", ""),
        "grade": grade,
        "rationale": document.reliability.rationale,
    }


def _grade_rows(scale: Mapping, grades: list) -> list[tuple]:
    found = Counter(grades)
    return [(grade, label, found[grade]) for grade, (label, _) in scale.items()]


def _verification(records: Mapping[str, list]) -> dict:
    kinds = {
        "quote": records.get("quote", []),
        "event": records.get("event", []),
        "document": records.get("document", []),
    }
    counts = {kind: verification.counts(items) for kind, items in kinds.items()}
    statuses = list(verification.STATUSES) + (
        [verification.UNRECORDED] if any(verification.UNRECORDED in c for c in counts.values()) else []
    )
    differences: Counter = Counter()
    checked: set[str] = set()
    for items in kinds.values():
        for record in items:
            if record.verification is not None:
                differences.update(d.kind for d in record.verification.differences)
                checked.update(record.verification.checked_against)
    return {
        "rows": [
            (
                status,
                verification.STATUSES.get(status),
                *(counts[kind].get(status, 0) for kind in ("quote", "event", "document")),
            )
            for status in statuses
        ],
        "checked_statuses": sorted(verification.CHECKED, key=list(verification.STATUSES).index),
        "differences": [(kind, differences[kind]) for kind in verification.DIFFERENCE_KINDS],
        "addresses": sum(1 for item in checked if item.startswith(("http://", "https://"))),
        "documents": sum(1 for item in checked if not item.startswith(("http://", "https://"))),
    }


def _example(samples: list, actors: Mapping[str, str], tables: tuple[Table, ...]) -> dict:
    """What the code examples filter on: a speaker who is quoted, and the tables they read."""
    names = {t.name for t in tables}
    speaker = actors.get(samples[0].speaker, samples[0].speaker) if samples else ""
    return {
        "speaker": speaker,
        "quotes": "quotations" if "quotations" in names else "quotes",
        "by_name": "quotations" in names,
    }


def _pinned(files: Mapping[str, bytes]) -> list[tuple[str, int, str]]:
    """(path, bytes, sha256) of the data files, the top-level files and KEY_FILES."""
    paths = sorted(p for p in files if p.startswith(f"{DATA}/"))
    paths += sorted(p for p in files if "/" not in p and p != CARD)
    paths += [p for p in KEY_FILES if p in files]
    return [(p, len(files[p]), sha256_bytes(files[p])) for p in paths]


# --------------------------------------------------------------------------- template


def _cell(text: Any) -> str:
    """A value safe inside a Markdown table cell: one line, inline markup escaped.

    Code spans (``name`` or `name`, as the field docstrings write them) stay code spans.
    """
    parts = str(text).replace("``", "`").split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: no code spans, escape it all
        parts = ["`".join(parts)]
    out = [
        part.replace("|", "\\|") if i % 2 else re.sub(r"([\\`*_\[\]<>|])", r"\\\1", part)
        for i, part in enumerate(parts)
    ]
    return " ".join("`".join(out).split())


def _url(text: Any) -> str:
    """An address as a Markdown autolink, or as escaped text when it is not a plain URL."""
    value = str(text)
    if re.fullmatch(r"https?://[^\s<>]+", value):
        return f"<{value}>"
    return _cell(value)


def _field_type(field: dict) -> str:
    item = field.get("x_arrayItem")
    if field.get("type") == "any" and item:
        return f"list of {item.get('type', 'any')}"
    return str(field.get("type", "any"))


def _quoted(text: Any, quote: str = '"') -> str:
    """A string literal for the code examples (Python and R: "..."; SQL: '...')."""
    value = str(text)
    if quote == "'":
        return "'" + value.replace("'", "''") + "'"
    return json.dumps(value, ensure_ascii=False)


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    source = (resources.files(__package__) / "templates" / TEMPLATE).read_text(encoding="utf-8")
    env = jinja2.Environment(
        autoescape=False,  # Markdown, not HTML: values are escaped by the cell filter
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        cell=_cell, url=_url, field_type=_field_type, quoted=_quoted, short=short, code=lambda value: f"`{value}`"
    )
    return env.from_string(source)
