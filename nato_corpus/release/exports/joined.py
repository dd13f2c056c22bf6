"""Ready-joined views for the common questions, as tables with their own Table Schemas.

``quotations`` answers "who said what, when, in which document, how credible, and where
was it found" without a join: one row per quotation, with the speaker's and addressee's
names, the document's title, the credibility label, the chain of languages, and the
first place (capture, site, span) where the corpus found the words.
``actor_summary`` gives each actor's counts of quotations and documents, and keeps
country, affiliation and role when the actors table has them.

The views are derived from the release's tables only; they add no fact of their own.
Each view's columns are described once, in ``VIEWS``, as data.

>>> from nato_corpus.exports import views, VIEWS
>>> joined = views(tables)                       # {"quotations": pa.Table, "actor_summary": ...}
>>> VIEWS["quotations"].table_schema(joined["quotations"])   # its Table Schema
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ...records.grades import CREDIBILITY  # the one place the exports read grade labels

#: how the languages of a translated quotation are joined in ``language_chain``
CHAIN_SEPARATOR = " → "

#: actor columns a view passes through when the actors table has them
ACTOR_EXTRA_COLUMNS = ("country", "affiliation", "role")

_ARROW = {"string": pa.string(), "integer": pa.int64(), "boolean": pa.bool_(), "date": pa.date32()}


@dataclass(frozen=True)
class Column:
    """One column of a view: name, Table Schema type, description, whether always filled."""

    name: str
    type: str
    description: str
    required: bool = False


@dataclass(frozen=True)
class ViewSpec:
    """A view's description, keys and columns (the Table Schema as data)."""

    name: str
    description: str
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str, str], ...]  # (column, table, column)
    columns: tuple[Column, ...]

    def table_schema(self, table: pa.Table | None = None) -> dict[str, Any]:
        """The Table Schema of this view, for the columns ``table`` has (all when None)."""
        declared = {c.name: c for c in self.columns}
        names = table.column_names if table is not None else list(declared)
        fields = []
        for name in names:
            column = declared.get(name)
            if column is None:  # a passed-through column: described by its source table
                arrow_field = table.schema.field(name)
                meta = arrow_field.metadata or {}
                fields.append(
                    {
                        "name": name,
                        "type": "string",
                        "description": meta.get(b"description", b"").decode("utf-8"),
                        "constraints": {"required": False},
                    }
                )
                continue
            fields.append(
                {
                    "name": name,
                    "type": column.type,
                    "description": column.description,
                    "constraints": {"required": column.required},
                }
            )
        return {
            "fields": fields,
            "primaryKey": list(self.primary_key),
            "foreignKeys": [
                {"fields": [col], "reference": {"resource": target, "fields": [target_col]}}
                for col, target, target_col in self.foreign_keys
                if col in names
            ],
        }


_GRADES = "; ".join(f"{grade} {label}" for grade, (label, _) in CREDIBILITY.items())

QUOTATIONS = ViewSpec(
    name="quotations",
    description=(
        "One row per quotation, joined for reading: the words, who said them to whom, when, "
        "the document they belong to, how credible they are, how they reached us, and the first "
        "place the corpus found them. Derived from quotes, actors, documents, quote_occurrences "
        "and captures."
    ),
    primary_key=("id",),
    foreign_keys=(
        ("id", "quotes", "id"),
        ("speaker", "actors", "id"),
        ("addressee", "actors", "id"),
        ("document", "documents", "id"),
        ("first_capture", "captures", "id"),
    ),
    columns=(
        Column("id", "string", "The quotation's identifier (quotes.id).", True),
        Column(
            "text",
            "string",
            "The exact words as they stand in the capture, quotation marks excluded.",
            True,
        ),
        Column("speaker", "string", "Who said or wrote the words (actors.id).", True),
        Column("speaker_name", "string", "The speaker's canonical name (actors.name).", True),
        Column("addressee", "string", "To whom, where known (actors.id)."),
        Column("addressee_name", "string", "The addressee's canonical name (actors.name), where known."),
        Column("date", "string", "When the words were said or written (EDTF), or 'unknown'.", True),
        Column(
            "date_earliest",
            "date",
            "The earliest day that date allows; empty where open or unknown.",
        ),
        Column("date_latest", "date", "The latest day that date allows; empty where open or unknown."),
        Column(
            "document",
            "string",
            "The document the words originally belong to (documents.id).",
            True,
        ),
        Column("document_title", "string", "That document's title (documents.title).", True),
        Column(
            "credibility_grade",
            "integer",
            f"Credibility that the words were said or written as quoted, 1-6 ({_GRADES}).",
            True,
        ),
        Column("credibility_label", "string", "The credibility grade in words (Admiralty scale).", True),
        Column("translated", "boolean", "Whether the words reach us in translation.", True),
        Column(
            "language_chain",
            "string",
            f"The languages the words passed through, from the original to the text as captured, "
            f"joined by '{CHAIN_SEPARATOR}' (e.g. 'de{CHAIN_SEPARATOR}en'); one language when not translated.",
            True,
        ),
        Column(
            "relays",
            "integer",
            "How many hands the words passed through between the original document and the capture.",
            True,
        ),
        Column(
            "status",
            "string",
            "Whether the record stands, or is disputed, misattributed or superseded.",
            True,
        ),
        Column(
            "first_capture",
            "string",
            "The capture where the corpus first found the words (captures.id; occurrence 0).",
        ),
        Column(
            "capture_site",
            "string",
            "The site that capture comes from, as it names itself, or 'unknown'.",
        ),
        Column("capture_page_url", "string", "Address of the captured page, or 'unknown'."),
        Column(
            "first_start",
            "integer",
            "First character of the words in that capture (Unicode code points from 0).",
        ),
        Column(
            "first_end",
            "integer",
            "One past their last character: capture text [first_start:first_end] is the text.",
        ),
        Column(
            "occurrences",
            "integer",
            "In how many places (capture and span) the corpus found the words.",
            True,
        ),
    ),
)

ACTOR_SUMMARY = ViewSpec(
    name="actor_summary",
    description=(
        "One row per actor with how often the corpus quotes them, addresses them, and lists "
        "them as author or recipient of a document or participant in an event. Derived from "
        "actors, quotes, document_authors, document_recipients and event_participants."
    ),
    primary_key=("id",),
    foreign_keys=(("id", "actors", "id"),),
    columns=(
        Column("id", "string", "The actor's identifier (actors.id).", True),
        Column("name", "string", "Canonical name.", True),
        Column("kind", "string", "What the actor is (person, organization, government, ...).", True),
        Column("wikidata", "string", "Wikidata item id, where known."),
        Column("quotes_spoken", "integer", "Quotations in which this actor is the speaker.", True),
        Column("quotes_addressed", "integer", "Quotations addressed to this actor.", True),
        Column("documents_authored", "integer", "Documents this actor wrote or issued.", True),
        Column("documents_received", "integer", "Documents addressed to this actor.", True),
        Column("events", "integer", "Events this actor took part in.", True),
    ),
)

#: every view, by name, in the order they are exported
VIEWS: dict[str, ViewSpec] = {spec.name: spec for spec in (QUOTATIONS, ACTOR_SUMMARY)}


# --- building ------------------------------------------------------------------------


def _plain(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    """A single Arrow array, with dictionary columns decoded to their values."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], values.type)
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    return values


def _lookup(keys, table: pa.Table, key: str, value: str) -> pa.Array:
    """For each of ``keys``, ``table[value]`` on the row whose ``table[key]`` equals it (or null)."""
    index = pc.index_in(_plain(keys), value_set=_plain(table[key]))
    return _plain(table[value]).take(index)


def _counts(ids, keys, distinct=None) -> pa.Array:
    """For each of ``ids``: how many of ``keys`` equal it (counting distinct ``distinct`` values)."""
    grouped = pa.table({"key": _plain(keys), "item": _plain(distinct if distinct is not None else keys)})
    function = "count_distinct" if distinct is not None else "count"
    counted = grouped.group_by("key").aggregate([("item", function)])
    found = _lookup(ids, counted, "key", f"item_{function}")
    return pc.fill_null(found, 0).cast(pa.int64())


def _language_chains(quotes: pa.Table) -> pa.Array:
    languages = quotes["language"].to_pylist()
    originals = (
        quotes["original_language"].to_pylist()
        if "original_language" in quotes.column_names
        else [None] * len(languages)
    )
    vias = quotes["via_languages"].to_pylist() if "via_languages" in quotes.column_names else [[]] * len(languages)
    translated = quotes["translated"].to_pylist()
    chains = []
    for language, original, via, is_translated in zip(languages, originals, vias, translated, strict=False):
        chain = [original] if is_translated and original else []
        chain += list(via or []) if is_translated else []
        chains.append(CHAIN_SEPARATOR.join([*chain, language]))
    return pa.array(chains, pa.string())


def _first_occurrences(occurrences: pa.Table) -> pa.Table:
    """The first (lowest position) occurrence of each quotation."""
    first = occurrences.group_by("quote").aggregate([("position", "min")])
    lowest = _lookup(occurrences["quote"], first, "quote", "position_min")
    return occurrences.filter(pc.equal(_plain(occurrences["position"]), lowest))


def _quotations(tables: dict[str, pa.Table]) -> dict[str, pa.Array]:
    quotes, actors, documents = tables["quotes"], tables["actors"], tables["documents"]
    occurrences, captures = tables["quote_occurrences"], tables["captures"]
    first = _first_occurrences(occurrences)
    first_capture = _lookup(quotes["id"], first, "quote", "capture")
    grades = quotes["credibility_grade"].to_pylist()
    labels = [CREDIBILITY[g][0] if g in CREDIBILITY else None for g in grades]
    return {
        "id": _plain(quotes["id"]),
        "text": _plain(quotes["text"]),
        "speaker": _plain(quotes["speaker"]),
        "speaker_name": _lookup(quotes["speaker"], actors, "id", "name"),
        "addressee": _plain(quotes["addressee"]),
        "addressee_name": _lookup(quotes["addressee"], actors, "id", "name"),
        "date": _plain(quotes["date"]),
        "date_earliest": _plain(quotes["date_earliest"]),
        "date_latest": _plain(quotes["date_latest"]),
        "document": _plain(quotes["document"]),
        "document_title": _lookup(quotes["document"], documents, "id", "title"),
        "credibility_grade": _plain(quotes["credibility_grade"]).cast(pa.int64()),
        "credibility_label": pa.array(labels, pa.string()),
        "translated": _plain(quotes["translated"]),
        "language_chain": _language_chains(quotes),
        "relays": _plain(quotes["relays"]).cast(pa.int64()),
        "status": _plain(quotes["status"]),
        "first_capture": first_capture,
        "capture_site": _lookup(first_capture, captures, "id", "site"),
        "capture_page_url": _lookup(first_capture, captures, "id", "page_url"),
        "first_start": _lookup(quotes["id"], first, "quote", "start").cast(pa.int64()),
        "first_end": _lookup(quotes["id"], first, "quote", "end").cast(pa.int64()),
        "occurrences": _counts(quotes["id"], occurrences["quote"]),
    }


def _actor_summary(tables: dict[str, pa.Table]) -> dict[str, pa.Array]:
    actors, quotes = tables["actors"], tables["quotes"]
    authors, recipients = tables["document_authors"], tables["document_recipients"]
    participants = tables["event_participants"]
    ids = actors["id"]
    columns = {"id": _plain(ids), "name": _plain(actors["name"]), "kind": _plain(actors["kind"])}
    for extra in ACTOR_EXTRA_COLUMNS:
        if extra in actors.column_names:
            columns[extra] = _plain(actors[extra])
    columns["wikidata"] = _plain(actors["wikidata"])
    columns["quotes_spoken"] = _counts(ids, quotes["speaker"])
    columns["quotes_addressed"] = _counts(ids, quotes["addressee"])
    columns["documents_authored"] = _counts(ids, authors["actor"], distinct=authors["document"])
    columns["documents_received"] = _counts(ids, recipients["actor"], distinct=recipients["document"])
    columns["events"] = _counts(ids, participants["actor"], distinct=participants["event"])
    return columns


_BUILDERS = {"quotations": _quotations, "actor_summary": _actor_summary}


def _described(spec: ViewSpec, columns: dict[str, pa.Array], sources: dict[str, pa.Table]) -> pa.Table:
    """A view table whose fields and schema carry their descriptions, as the release tables do."""
    declared = {c.name: c for c in spec.columns}
    fields = []
    for name, values in columns.items():
        column = declared.get(name)
        if column is not None:
            arrow_type = _ARROW[column.type]
            description = column.description
        else:  # passed through: keep its source column's type and description
            arrow_type = values.type
            source = sources["actors"].schema.field(name)
            description = (source.metadata or {}).get(b"description", b"").decode("utf-8")
        fields.append(pa.field(name, arrow_type, metadata={b"description": description.encode("utf-8")}))
    schema = pa.schema(
        fields,
        metadata={
            b"description": spec.description.encode("utf-8"),
            b"primary_key": json.dumps(list(spec.primary_key)).encode("utf-8"),
        },
    )
    arrays = [values.cast(f.type) for values, f in zip(columns.values(), fields, strict=False)]
    return pa.Table.from_arrays(arrays, schema=schema)


def views(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """The ready-joined views of a release's tables, in the tables' own row order.

    Returns {view name: pa.Table}; each table's fields carry their descriptions in the
    Arrow metadata (``b"description"``) and its Table Schema is ``VIEWS[name].table_schema(table)``.
    """
    return {name: _described(VIEWS[name], build(tables), tables) for name, build in _BUILDERS.items()}
