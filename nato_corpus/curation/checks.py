"""Cross-record checks: one small function per rule, each linear in the corpus size.

Each check takes the index of valid records and yields Problems. ``run`` calls them
all; none stops at the first problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..problems import Problem
from ..records import dates
from ..records.kinds import DERIVATION
from ..records.models import Capture, Document, Quote, Record
from ..records.refs import PREFIX_KIND, raw_references, referenced_ids, references
from .nearest import Suggester, closest_text
from .reader import CaptureFile, Entry


@dataclass(slots=True)
class Located:
    """A valid record and the raw entry (file, line, positions) it came from."""

    record: Record
    entry: Entry


class Index:
    """Valid records by id, with where each was written."""

    def __init__(
        self,
        located: dict[str, list[Located]],
        captures: dict[str, CaptureFile],
        invalid=(),
        bounds: dict[str, tuple] | None = None,
        incomplete: dict[str, list[bytes | None]] | None = None,
    ):
        self.located = located
        #: raw entries of records that failed their schema
        self.invalid = list(invalid)
        #: ids of records that failed their schema: they exist, so references to them do not dangle
        self.invalid_ids = {e.data["id"] for e in invalid if isinstance(e.data.get("id"), str)}
        #: record type -> bytes of its files that could not be parsed (None: not readable at all)
        self.incomplete = dict(incomplete or {})
        self.by_id: dict[str, Located] = {}
        self.captures = captures
        self.duplicates: list[tuple[Located, Located]] = []
        #: EDTF string -> (earliest, latest) day, for dates already worked out (see bounds())
        self._bounds = dict(bounds or {})
        for items in located.values():
            for item in items:
                first = self.by_id.setdefault(item.record.id, item)
                if first is not item:
                    self.duplicates.append((item, first))
        #: capture id -> its decoded text (None when the file is missing or not UTF-8)
        self.texts: dict[str, str | None] = {}
        for item in located.get("capture", []):
            found = captures.get(item.record.file)
            self.texts.setdefault(item.record.id, found.text if found else None)

    def maybe_unread(self, record_id: str, kind: str | None = None) -> bool:
        """Whether a record with this id may stand in a file that could not be read."""
        kinds = [kind] if kind else list(self.incomplete)
        needle = record_id.encode("utf-8")
        return any(content is None or needle in content for k in kinds for content in self.incomplete.get(k, ()))

    def get(self, record_id: str):
        item = self.by_id.get(record_id)
        return item.record if item else None

    def bounds(self, value: str) -> tuple:
        """The earliest and latest day of an EDTF date (parsing a new date string costs milliseconds)."""
        found = self._bounds.get(value)
        if found is None:
            found = self._bounds[value] = dates.bounds(value)
        return found


def _problem(code: str, message: str, item: Located, path: tuple = (), **extra) -> Problem:
    line, column = item.entry.where(path)
    return Problem.of(code, message, file=item.entry.file, line=line, column=column, record=item.record.id, **extra)


def _dangling_message(index: Index, path: tuple, ref: str, cache: dict) -> str | None:
    """The message for a reference that resolves to nothing, or None when it resolves (or may)."""
    if ref in index.by_id or ref in index.invalid_ids:
        return None
    kind = PREFIX_KIND[ref.split(":", 1)[0]]
    if index.maybe_unread(ref, kind):  # the record may be in a file that could not be read
        return None
    if kind not in cache:  # built only when a reference dangles
        cache[kind] = Suggester([i.record.id for i in index.located.get(kind, [])])
    close = cache[kind].suggest(ref)
    return f"{'.'.join(map(str, path))} = {ref!r}: no {kind} has this id" + (
        f" (did you mean {close!r}?)" if close else ""
    )


def check_unique_ids(index: Index) -> Iterator[Problem]:
    for item, first in index.duplicates:
        yield _problem(
            "duplicate-id",
            f"id {item.record.id!r} is already used at {first.entry.file}:{first.entry.line}",
            item,
            ("id",),
        )


def _prepare_suggestions(index: Index, refs: list[str], cache: dict) -> None:
    """Build the Suggester of each kind that a reference misses, and score all its misses at once."""
    missed: dict[str, list[str]] = {}
    for ref in refs:
        if ref not in index.by_id and ref not in index.invalid_ids:
            missed.setdefault(PREFIX_KIND[ref.split(":", 1)[0]], []).append(ref)
    for kind, dangling in missed.items():
        cache[kind] = Suggester([i.record.id for i in index.located.get(kind, [])])
        cache[kind].prepare(dangling)


def check_references(index: Index) -> Iterator[Problem]:
    cache: dict = {}
    known, invalid_ids = index.by_id, index.invalid_ids
    suspects = [  # the common case refers to known records only; otherwise find which path is wrong
        item
        for items in index.located.values()
        for item in items
        if not all(
            ref != item.record.id and (ref in known or ref in invalid_ids) for ref in referenced_ids(item.record)
        )
    ]
    # records that failed their schema: their readable references are checked too
    raw = [(entry, list(raw_references(entry.kind, entry.data))) for entry in index.invalid]
    refs = [ref for item in suspects for ref in referenced_ids(item.record)]
    _prepare_suggestions(index, refs + [ref for _, found in raw for _, ref in found], cache)
    for item in suspects:
        for path, ref in references(item.record):
            if ref == item.record.id:
                yield _problem(
                    "self-reference",
                    f"{'.'.join(map(str, path))} = {ref!r} refers to the record itself",
                    item,
                    path,
                )
                continue
            message = _dangling_message(index, path, ref, cache)
            if message:
                yield _problem("dangling-reference", message, item, path)
    for entry, found in raw:
        for path, ref in found:
            message = _dangling_message(index, path, ref, cache)
            if message:
                line, column = entry.where(path)
                record_id = entry.data.get("id") if isinstance(entry.data.get("id"), str) else None
                yield Problem.of(
                    "dangling-reference", message, file=entry.file, line=line, column=column, record=record_id
                )


def check_relation_cycles(index: Index) -> Iterator[Problem]:
    graph: dict[str, list[str]] = {}
    for item in index.located.get("document", []):
        graph[item.record.id] = [
            r.target for r in item.record.relations if r.type in DERIVATION and r.target in index.by_id
        ]
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    for start in sorted(graph):
        if state.get(start):
            continue
        stack = [(start, iter(graph[start]))]
        state[start] = 1
        trail = [start]
        while stack:
            node, children = stack[-1]
            for child in children:
                if state.get(child) == 1:
                    cycle = trail[trail.index(child) :] + [child]
                    yield _problem(
                        "relation-cycle",
                        "documents descend from each other in a circle: " + " -> ".join(cycle),
                        index.by_id[node],
                        ("relations",),
                    )
                elif not state.get(child) and child in graph:
                    state[child] = 1
                    trail.append(child)
                    stack.append((child, iter(graph[child])))
                    break
            else:
                state[node] = 2
                stack.pop()
                trail.pop()


def check_captures(index: Index) -> Iterator[Problem]:
    recorded = set()
    for item in index.located.get("capture", []):
        capture: Capture = item.record
        recorded.add(capture.file)
        stem = capture.file[: -len(".txt")]
        if capture.id != f"capture:{stem.lower()}":
            yield _problem(
                "capture-id-mismatch",
                f"id {capture.id!r} should be 'capture:{stem.lower()}' for file {capture.file!r}",
                item,
                ("id",),
            )
        found = index.captures.get(capture.file)
        if found is None:
            yield _problem(
                "capture-file-missing", f"file = {capture.file!r}: no such file in raw/captures/", item, ("file",)
            )
            continue
        if found.sha256 != capture.sha256:
            yield _problem(
                "capture-hash-mismatch",
                f"{found.file} has sha256 {found.sha256}, the record says {capture.sha256}",
                item,
                ("sha256",),
            )
        if found.size != capture.bytes:
            yield _problem(
                "capture-size-mismatch",
                f"{found.file} has {found.size} bytes, the record says {capture.bytes}",
                item,
                ("bytes",),
            )
        if found.text is not None and len(found.text) != capture.characters:
            yield _problem(
                "capture-size-mismatch",
                f"{found.file} has {len(found.text)} characters, the record says {capture.characters}",
                item,
                ("characters",),
            )
        ranges = []
        for i, segment in enumerate(capture.segments):
            if not segment.start <= segment.end <= capture.characters:
                yield _problem(
                    "span-out-of-range",
                    f"segment {i} [{segment.start}, {segment.end}) is outside 0..{capture.characters} or ends before it starts",
                    item,
                    ("segments", i),
                )
            else:
                ranges.append((segment.start, segment.end, i))
        ranges.sort()
        for (s1, e1, i1), (s2, e2, i2) in zip(ranges, ranges[1:], strict=False):
            if s2 < e1:
                yield _problem(
                    "segment-overlap",
                    f"segments {i1} [{s1}, {e1}) and {i2} [{s2}, {e2}) overlap",
                    item,
                    ("segments", i2),
                )
    for name, found in sorted(index.captures.items()):
        if name not in recorded:
            yield Problem.of("capture-unrecorded", f"{name} has no capture record", file=found.file, line=1)


def check_quotes(index: Index) -> Iterator[Problem]:
    texts, by_id = index.texts, index.by_id
    for item in index.located.get("quote", []):
        quote: Quote = item.record
        for i, occurrence in enumerate(quote.occurrences):
            text = texts.get(occurrence.capture)
            if text is None:
                continue  # a missing or unreadable capture is reported by its own rule
            carrier = by_id.get(occurrence.document)
            if (
                occurrence.start <= occurrence.end <= len(text)
                and text[occurrence.start : occurrence.end] == quote.text
                and (
                    carrier is None
                    or type(carrier.record) is not Document
                    or carrier.record.capture == occurrence.capture
                )
            ):
                continue  # the common case: the words are where the record says
            path = ("occurrences", i)
            in_range = occurrence.start <= occurrence.end <= len(text)
            if in_range and text[occurrence.start : occurrence.end] == quote.text:
                pass
            elif quote.text in text:
                found = text.find(quote.text)
                spans = []
                while found != -1 and len(spans) < 3:
                    spans.append(f"[{found}, {found + len(quote.text)})")
                    found = text.find(quote.text, found + 1)
                yield _problem(
                    "quote-span-mismatch",
                    f"the text is in {occurrence.capture} at {', '.join(spans)}, not at [{occurrence.start}, {occurrence.end})",
                    item,
                    path + ("start",),
                )
            else:
                ratio, offset, closest = closest_text(text, quote.text, occurrence.start)
                line = text.count("\n", 0, offset) + 1
                if ratio >= 0.75:
                    yield _problem(
                        "quote-near-match",
                        f"text differs from {occurrence.capture} (line {line}, offset {offset}, {ratio:.0%} alike): "
                        f"capture has {closest!r}, record has {quote.text!r}",
                        item,
                        ("text",),
                    )
                else:
                    yield _problem(
                        "quote-not-found", f"text {quote.text[:60]!r} is not in {occurrence.capture}", item, ("text",)
                    )
            if not in_range:
                yield _problem(
                    "span-out-of-range",
                    f"occurrence {i} [{occurrence.start}, {occurrence.end}) is outside {occurrence.capture} "
                    f"(0..{len(text)}) or ends before it starts",
                    item,
                    path + ("start",),
                )
            carrier = index.get(occurrence.document)
            if isinstance(carrier, Document) and carrier.capture != occurrence.capture:
                yield _problem(
                    "occurrence-not-in-capture",
                    f"occurrence {i} names {occurrence.document!r}, whose capture is {carrier.capture!r}, not {occurrence.capture!r}",
                    item,
                    path + ("document",),
                )


def check_dates(index: Index) -> Iterator[Problem]:
    for item in index.located.get("quote", []):
        quote: Quote = item.record
        document = index.get(quote.document)
        if not isinstance(document, Document) or quote.date_note:
            continue
        said_earliest, _ = index.bounds(quote.date)
        _, written_latest = index.bounds(document.date)
        if said_earliest and written_latest and said_earliest > written_latest:
            yield _problem(
                "quote-after-document",
                f"date = {quote.date!r} is after {quote.document} ({document.date}); correct it or say why in date_note",
                item,
                ("date",),
            )


def check_translation(index: Index) -> Iterator[Problem]:
    for kind in ("quote", "document"):
        for item in index.located.get(kind, []):
            yield from _translation_problems(item)


def _translation_problems(item: Located) -> Iterator[Problem]:
    record = item.record
    original = record.original_language
    if type(record) is Quote:
        via, translated = record.via_languages, record.translated
        if not translated and original is None and not via:
            return  # the common case: an untranslated quote
    else:  # a document is a translation when it names its original language
        via, translated = [], original is not None
    if translated and original is None:
        yield _problem(
            "translation-language", "translated is true but original_language is not set", item, ("translated",)
        )
    elif not translated and (original is not None or via):
        field_name = "original_language" if original is not None else "via_languages"
        yield _problem("translation-language", f"{field_name} is set but translated is false", item, (field_name,))
    elif original is not None and original == record.language and not via:
        yield _problem(
            "translation-language",
            f"original_language = {original!r} is the same as language; a back-translation lists "
            "the languages it passed through in via_languages",
            item,
            ("original_language",),
        )


def check_status(index: Index) -> Iterator[Problem]:
    for kind in ("document", "event", "quote"):  # the record types that have a status
        for item in index.located.get(kind, []):
            record = item.record
            if record.status != "current" and not record.status_reason:
                yield _problem("status-reason", f"status = {record.status!r} needs a status_reason", item, ("status",))


def check_evidence_kinds(index: Index) -> Iterator[Problem]:
    for item in index.located.get("event", []):
        for i, ref in enumerate(item.record.evidence):
            document = index.get(ref)
            if isinstance(document, Document) and document.kind == "reader_comment":
                yield _problem("comment-as-fact", f"evidence {ref!r} is a reader comment", item, ("evidence", i))


def check_unused(index: Index) -> Iterator[Problem]:
    used: set[str] = set()
    for items in index.located.values():
        for item in items:
            used.update(referenced_ids(item.record))
    for entry in index.invalid:
        used.update(ref for _, ref in raw_references(entry.kind, entry.data))
    for kind in ("actor", "capture"):
        for item in index.located.get(kind, []):
            if item.record.id not in used and not index.maybe_unread(item.record.id):
                yield _problem("unused-record", f"no record refers to {item.record.id!r}", item, ("id",))


CHECKS = (
    check_unique_ids,
    check_references,
    check_relation_cycles,
    check_captures,
    check_quotes,
    check_dates,
    check_translation,
    check_status,
    check_evidence_kinds,
    check_unused,
)


def run(
    located: dict[str, list[Located]],
    captures: dict[str, CaptureFile],
    invalid=(),
    bounds: dict[str, tuple] | None = None,
    incomplete: dict[str, list[bytes | None]] | None = None,
    rules=CHECKS,
) -> list[Problem]:
    """Run every cross-record check and return all problems found.

    ``invalid`` holds the raw entries that failed their schema: they are not checked
    further, but their ids count as existing, so nothing that refers to them dangles.
    ``bounds`` may give the bounds of dates already worked out (EDTF string -> bounds).
    ``incomplete`` holds, per record type, the bytes of files that could not be parsed:
    an id that appears in them is not reported as dangling (its record may be there), and
    a record whose id appears in them is not reported unused.
    """
    index = Index(located, captures, invalid, bounds, incomplete)
    return [problem for check in rules for problem in check(index)]
