"""Cross-record rules for quotations as curators record them, and for records that failed their schema.

- ``quote-same-span``: two quote records on the same span of a capture are one
  quotation recorded twice (often with two speakers), unless one supersedes the other:
  the old record has ``status: superseded`` and names the new record's id in its
  ``status_reason``.
- ``quote-unquoted`` (a warning): a quotation whose words stand in no quotation marks in
  its capture (see ``quoting``). A deliberate exception says why in the quote's
  ``notes``, in a sentence starting ``Unquoted:`` (``UNQUOTED_MARK``).
- Everything in one run: a record that failed its schema still has its readable parts
  checked: its id against the other ids (``duplicate-id``) and a quote's occurrences
  against their captures (the same checks as a valid quote's, from ``checks``).

Listed in ``rules.CHECKS``; each takes the ``checks.Index`` and yields Problems.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import SimpleNamespace

from pydantic import ValidationError

from ..problems import Problem
from ..records.models import Occurrence, Quote
from . import checks, quoting

#: what a quote's notes say, at the start of a sentence, when its words are quoted without marks on purpose
UNQUOTED_MARK = "Unquoted:"
_UNQUOTED = re.compile(r"(?:^|[.!?]\s+|\n)" + re.escape(UNQUOTED_MARK) + r"\s*\w")


def _where(item) -> str:
    return f"{item.entry.file}:{item.entry.line}"


def check_same_span(index: checks.Index) -> Iterator[Problem]:
    first: dict[tuple[str, int, int], object] = {}
    for item in index.located.get("quote", []):
        quote: Quote = item.record
        for i, occurrence in enumerate(quote.occurrences):
            key = (occurrence.capture, occurrence.start, occurrence.end)
            other = first.setdefault(key, item)
            if other is item or other.record.id == quote.id:
                continue
            message = _same_span_message(other.record, quote, key)
            if message:
                yield checks._problem(
                    "quote-same-span",
                    f"occurrence {i} records {key[0]} [{key[1]}, {key[2]}), as {other.record.id} does "
                    f"({_where(other)}): {message}",
                    item,
                    ("occurrences", i, "start"),
                )


def _same_span_message(old: Quote, new: Quote, key: tuple) -> str | None:
    """None when one record supersedes the other, else why not."""
    for stale, current in ((old, new), (new, old)):
        if stale.status == "superseded" and current.id in (stale.status_reason or ""):
            return None
    stale = next((q for q in (old, new) if q.status == "superseded"), None)
    if stale is not None:
        other = new if stale is old else old
        return f"{stale.id} is superseded, but its status_reason does not name {other.id}, the record that replaces it"
    return (
        "one quotation is recorded once; if one record replaces the other, set status: superseded on "
        "the old one and name the new one's id in its status_reason"
    )


def check_unquoted(index: checks.Index) -> Iterator[Problem]:
    runs: dict[str, list[quoting.Run]] = {}
    for item in index.located.get("quote", []):
        quote: Quote = item.record
        if quote.notes and _UNQUOTED.search(quote.notes):
            continue  # a documented exception
        for i, occurrence in enumerate(quote.occurrences):
            text = index.texts.get(occurrence.capture)
            if text is None or text[occurrence.start : occurrence.end] != quote.text:
                continue  # a missing capture or a wrong span is reported by its own rule
            if occurrence.capture not in runs:
                runs[occurrence.capture] = quoting.quoted_runs(text)
            if quoting.enclosing(text, occurrence.start, occurrence.end, runs[occurrence.capture]) is None:
                context = text[max(0, occurrence.start - 12) : occurrence.end + 12]
                yield checks._problem(
                    "quote-unquoted",
                    f"occurrence {i} [{occurrence.start}, {occurrence.end}) stands in no quotation marks in "
                    f"{occurrence.capture} (it reads {context!r}); if the words are quoted on purpose, "
                    f"say why in notes, in a sentence starting '{UNQUOTED_MARK}'",
                    item,
                    ("occurrences", i, "start"),
                )


def check_invalid_ids(index: checks.Index) -> Iterator[Problem]:
    seen: dict[str, str] = {}
    for entry in index.invalid:
        record_id = entry.data.get("id") if isinstance(entry.data, dict) else None
        if not isinstance(record_id, str):
            continue
        valid = index.by_id.get(record_id)
        earlier = f"{valid.entry.file}:{valid.entry.line}" if valid else seen.get(record_id)
        if earlier:
            line, column = entry.where(("id",))
            yield Problem.of(
                "duplicate-id",
                f"id {record_id!r} is already used at {earlier}",
                file=entry.file,
                line=line,
                column=column,
                record=record_id,
            )
        else:
            seen[record_id] = f"{entry.file}:{entry.line}"


def check_invalid_quotes(index: checks.Index) -> Iterator[Problem]:
    """The occurrences of quote records that failed their schema, checked as a valid quote's are."""
    items = []
    for entry in index.invalid:
        data = entry.data
        if entry.kind != "quote" or not isinstance(data, dict):
            continue
        text, occurrences = data.get("text"), data.get("occurrences")
        if not isinstance(text, str) or not text or not isinstance(occurrences, list):
            continue
        record_id = data.get("id") if isinstance(data.get("id"), str) else None
        partial = SimpleNamespace(id=record_id, text=text, occurrences=[_occurrence(o) for o in occurrences])
        items.append(SimpleNamespace(record=partial, entry=entry))
    if items:
        yield from checks.check_quotes(_Only(index, items))


def _occurrence(raw) -> object:
    try:
        return Occurrence.model_validate(raw)
    except ValidationError:  # reported by the schema layer; skipped here
        return SimpleNamespace(capture=None, start=0, end=0, document=None)


class _Only:
    """An index whose quotes are the given items (everything else from the real index)."""

    def __init__(self, index: checks.Index, quotes: list):
        self._index = index
        self.located = {"quote": quotes}

    def __getattr__(self, name: str):
        return getattr(self._index, name)


CHECKS = (check_same_span, check_unquoted, check_invalid_ids, check_invalid_quotes)
