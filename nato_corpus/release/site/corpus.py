"""The release's tables joined for browsing: records by id and who points at whom.

Built only from the tables as published. Columns a later release adds are kept in
each row (pages show them under "More fields"); optional columns and link tables that
are absent count as empty, so an older or newer release still renders.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field

from ...errors import NatoCorpusError

REQUIRED = ("quotes", "documents", "actors", "captures")
LINK_TABLES = (
    "events",
    "quote_occurrences",
    "document_relations",
    "document_urls",
    "document_authors",
    "document_recipients",
    "event_evidence",
    "event_participants",
    "capture_segments",
)
#: relation types followed from the document that carries a quotation back to its original
RELAY_TYPES = frozenset({"relays", "copies", "translates", "reports_on", "describes", "cites"})


class SiteDataError(NatoCorpusError, ValueError):
    """The tables given to the site generator lack a table or column it cannot do without."""


def _rows(tables: dict, name: str) -> list[dict]:
    table = tables.get(name)
    if table is None:
        if name in REQUIRED:
            raise SiteDataError(
                f"table {name!r} is missing (got {sorted(tables)}); pass every table of the "
                "release, as read from its data/ folder"
            )
        return []
    rows = table.to_pylist()  # fresh dicts, one per row
    for key in ("id",) if name in REQUIRED else ():
        if rows and key not in rows[0]:
            raise SiteDataError(f"table {name!r} has no {key!r} column; is it a release table?")
    return rows


def _ordered(rows: list[dict]) -> list[dict]:
    return sorted(
        rows,
        key=lambda row: (
            str(row.get("document") or row.get("event") or row.get("quote") or row.get("capture")),
            row.get("position") or 0,
        ),
    )


@dataclass
class Corpus:
    """Every record by id, with the links between them in both directions."""

    quotes: dict[str, dict]
    documents: dict[str, dict]
    events: dict[str, dict]
    actors: dict[str, dict]
    captures: dict[str, dict]
    occurrences: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    occurrences_in: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    relations_out: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    relations_in: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    urls: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    authors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    recipients: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    evidence: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    participants: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    segments: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    # indexes built on first use (see quotes_by, documents_of, events_of, held_by)
    _names: dict[str, str] = field(default_factory=dict, repr=False)
    _quotes_by: dict[str, dict] = field(default_factory=dict, repr=False)
    _documents_of: dict | None = field(default=None, repr=False)
    _events_of: dict | None = field(default=None, repr=False)
    _held_by: dict | None = field(default=None, repr=False)

    @classmethod
    def from_tables(cls, tables: dict) -> Corpus:
        """Join the release's tables (name -> pyarrow.Table)."""
        by_id = {
            name: {row["id"]: row for row in sorted(_rows(tables, name), key=lambda r: r["id"])}
            for name in ("quotes", "documents", "events", "actors", "captures")
        }
        corpus = cls(**by_id)
        for row in _ordered(_rows(tables, "quote_occurrences")):
            corpus.occurrences[row["quote"]].append(row)
            corpus.occurrences_in[row["capture"]].append(row)
        for row in _ordered(_rows(tables, "document_relations")):
            corpus.relations_out[row["document"]].append(row)
            corpus.relations_in[row["target"]].append(row)
        for row in _ordered(_rows(tables, "document_urls")):
            corpus.urls[row["document"]].append(row)
        for name, target, key, value in (
            ("document_authors", corpus.authors, "document", "actor"),
            ("document_recipients", corpus.recipients, "document", "actor"),
            ("event_evidence", corpus.evidence, "event", "document"),
            ("event_participants", corpus.participants, "event", "actor"),
        ):
            for row in _ordered(_rows(tables, name)):
                target[row[key]].append(row[value])
        for row in _ordered(_rows(tables, "capture_segments")):
            corpus.segments[row["capture"]].append(row)
        for mapping in (corpus.relations_in, corpus.occurrences_in):
            for key in mapping:
                mapping[key].sort(
                    key=lambda r: (
                        str(r.get("document") or r.get("quote")),
                        r.get("start") or 0,
                        r.get("position") or 0,
                    )
                )
        corpus._fill_from_lists()
        return corpus

    def _fill_from_lists(self) -> None:
        """Use the list columns (authors, participants...) when the link tables are absent."""
        for doc_id, doc in self.documents.items():
            if not self.authors.get(doc_id):
                self.authors[doc_id] = list(doc.get("authors") or [])
            if not self.recipients.get(doc_id):
                self.recipients[doc_id] = list(doc.get("recipients") or [])
        for event_id, event in self.events.items():
            if not self.evidence.get(event_id):
                self.evidence[event_id] = list(event.get("evidence") or [])
            if not self.participants.get(event_id):
                self.participants[event_id] = list(event.get("participants") or [])

    def name(self, record_id: str | None) -> str:
        """A record's human name: an actor's name, a document's or event's title."""
        if not record_id:
            return ""
        if record_id in self._names:
            return self._names[record_id]
        self._names[record_id] = self._name(record_id)
        return self._names[record_id]

    def _name(self, record_id: str) -> str:
        for table, key in (
            (self.actors, "name"),
            (self.documents, "title"),
            (self.events, "title"),
            (self.captures, "title"),
        ):
            if record_id in table:
                return str(table[record_id].get(key) or record_id)
        if record_id in self.quotes:
            return str(self.quotes[record_id]["text"])
        return record_id

    def relay_chain(self, start: str, original: str) -> list[tuple[str, str | None]]:
        """The shortest path of relay relations from ``start`` to ``original``.

        Returns [(document, relation type that leads to the next)] ending with
        (original, None); [] when the records hold no such path.
        """
        if start == original:
            return [(start, None)]
        previous: dict[str, tuple[str, str]] = {}
        queue, seen = deque([start]), {start}
        while queue:
            doc = queue.popleft()
            for rel in self.relations_out.get(doc, []):
                target = rel["target"]
                if rel["type"] not in RELAY_TYPES or target in seen:
                    continue
                seen.add(target)
                previous[target] = (doc, rel["type"])
                if target == original:
                    chain: list[tuple[str, str | None]] = [(original, None)]
                    while chain[0][0] != start:
                        doc_before, kind = previous[chain[0][0]]
                        chain.insert(0, (doc_before, kind))
                    return chain
                queue.append(target)
        return []

    def quotes_by(self, key: str, value: str) -> list[dict]:
        """The quotations whose ``key`` (speaker, addressee, document) is ``value``, in id order."""
        if key not in self._quotes_by:  # one pass per key, not one per page
            index: dict = defaultdict(list)
            for quote in self.quotes.values():
                index[quote.get(key)].append(quote)
            self._quotes_by[key] = index
        return list(self._quotes_by[key].get(value, ()))

    def documents_of(self, actor: str) -> list[tuple[dict, list[str]]]:
        """(document, the actor's roles in it) for each document the actor wrote, received,
        published or holds, in id order; roles in the order author, recipient, publisher, holder."""
        if self._documents_of is None:
            self._documents_of = defaultdict(list)
            for doc_id, doc in self.documents.items():
                roles: dict[str, list[str]] = defaultdict(list)
                for role, actors in (
                    ("author", self.authors.get(doc_id, [])),
                    ("recipient", self.recipients.get(doc_id, [])),
                    ("publisher", [doc.get("publisher")]),
                    ("holder", [doc.get("holder")]),
                ):
                    for who in dict.fromkeys(actors):
                        roles[who].append(role)
                for who, held in roles.items():
                    self._documents_of[who].append((doc, held))
        return list(self._documents_of.get(actor, ()))

    def events_of(self, actor: str) -> list[dict]:
        """The events the actor took part in, in id order."""
        if self._events_of is None:
            self._events_of = defaultdict(list)
            for event_id, event in self.events.items():
                for who in dict.fromkeys(self.participants.get(event_id, [])):
                    self._events_of[who].append(event)
        return list(self._events_of.get(actor, ()))

    def held_by(self, capture: str) -> list[dict]:
        """The documents whose capture is ``capture``, in id order."""
        if self._held_by is None:
            self._held_by = defaultdict(list)
            for doc in self.documents.values():
                self._held_by[doc.get("capture")].append(doc)
        return list(self._held_by.get(capture, ()))

    def segment_of(self, capture: str, start: int, end: int) -> dict | None:
        """The segment of a capture that holds the range, if one does."""
        for seg in self.segments.get(capture, []):
            if seg["start"] <= start and end <= seg["end"]:
                return seg
        return None
