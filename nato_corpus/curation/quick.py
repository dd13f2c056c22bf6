"""A quick verdict for a clean corpus: validation that keeps compact facts, not records.

``quick_report(root)`` answers the question most runs ask, "is raw/ clean?", in less
time and memory than the detailed path (``validate.check_raw``). It reads every file
and checks every record against its model exactly as the detailed path does, but keeps
only the few facts per record that the cross-record rules need (ids, references, date
bounds, quotation spans and texts: see ``Facts``), and reads each capture's text once,
after the records, checking the quotations it holds and then letting it go.

It never explains a problem: at the first sign of one (any file or schema problem, any
rule that would fire) it returns None, and the caller runs the detailed path, which
finds and explains every problem. So a report is the same whichever path made it: the
quick path only ever returns the report of a corpus with no problem at all. It covers
the rules of ``rules.CHECKS`` named in ``COVERED``; should a rule be added there and
not here, it returns None (tests/test_quick.py holds the two paths to one answer).

With a cache (``quick_report(root, cache)``), the facts of each record file are kept
keyed on its content (``FactsCache``), so re-validating after a change reads and
hashes every file but checks only the changed ones against their models.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..problems import Report
from ..records import dates
from ..records.models import RECORD_TYPES
from ..records.refs import referenced_ids
from . import checks, quoting, reader, rules

#: the cross-record rules the quick path decides (by function name, as in rules.CHECKS)
COVERED = frozenset(
    {
        "check_unique_ids",
        "check_references",
        "check_relation_cycles",
        "check_captures",
        "check_quotes",
        "check_dates",
        "check_translation",
        "check_status",
        "check_evidence_kinds",
        "check_unused",
        # the workbench's rules: two occurrences on one span and words in no quotation marks are
        # unclean here (the detailed path decides superseded records and documented exceptions);
        # the two rules on records that failed their schema never fire, as any schema problem
        # already sends the corpus to the detailed path
        "check_same_span",
        "check_unquoted",
        "check_invalid_ids",
        "check_invalid_quotes",
    }
)


class Unclean(Exception):
    """Something the detailed path would report: the quick path stops."""


class Facts:
    """What the cross-record rules need of one record file's records (plain data, JSON-ready).

    ``ids`` and ``refs`` list every record's id and every id it refers to; ``captures``
    holds [id, file, sha256, bytes, characters]; ``documents`` [id, capture, latest day of
    its date as an ordinal or None, whether it is a reader comment]; ``edges`` the
    derivation relations [document, target]; ``evidence`` the documents events cite;
    ``quotes`` [text, document, earliest day or None (None too when date_note says why),
    [[capture, start, end, document], ...]].
    """

    __slots__ = ("ids", "refs", "captures", "documents", "edges", "evidence", "quotes")
    FIELDS = __slots__

    def __init__(self, ids=(), refs=(), captures=(), documents=(), edges=(), evidence=(), quotes=()):
        self.ids, self.refs, self.captures, self.documents = list(ids), list(refs), list(captures), list(documents)
        self.edges, self.evidence, self.quotes = list(edges), list(evidence), list(quotes)

    def to_plain(self) -> dict:
        return {name: getattr(self, name) for name in self.FIELDS}


def _ordinal(day) -> int | None:
    return None if day is None else day.toordinal()


def record_facts(kind: str, records: list, file: str) -> Facts:
    """The facts of one file's valid records; raises Unclean when a rule about a single
    record (translation, status, segments, self-reference) would report a problem."""
    from .checks import Located

    located = [Located(record, reader.Entry(kind, None, file, 1, 1, i)) for i, record in enumerate(records)]
    index = checks.Index({kind: located}, {})
    if next(checks.check_translation(index), None) or next(checks.check_status(index), None):
        raise Unclean
    facts = Facts()
    for record in records:
        own = record.id
        facts.ids.append(own)
        refs = referenced_ids(record)
        if own in refs:
            raise Unclean  # self-reference
        facts.refs.extend(refs)
        if kind == "capture":
            ranges = []
            for segment in record.segments:
                if not segment.start <= segment.end <= record.characters:
                    raise Unclean  # span-out-of-range
                ranges.append((segment.start, segment.end))
            ranges.sort()
            if any(s2 < e1 for (_, e1), (s2, _) in zip(ranges, ranges[1:], strict=False)):
                raise Unclean  # segment-overlap
            facts.captures.append([own, record.file, record.sha256, record.bytes, record.characters])
        elif kind == "document":
            latest = _ordinal(dates.bounds(record.date)[1])
            facts.documents.append([own, record.capture, latest, record.kind == "reader_comment"])
            facts.edges.extend([own, r.target] for r in record.relations if r.type in checks.DERIVATION)
        elif kind == "event":
            facts.evidence.extend(record.evidence)
        elif kind == "quote":
            earliest = None if record.date_note else _ordinal(dates.bounds(record.date)[0])
            spans = [[o.capture, o.start, o.end, o.document] for o in record.occurrences]
            facts.quotes.append([record.text, record.document, earliest, spans])
    return facts


def _file_facts(kind: str, content: bytes, shown: str, digest: str) -> Facts:
    """Read one record file and check its records against their model, keeping facts only."""
    from pydantic import ValidationError

    entries, problems = reader.read_records(kind, content, shown, digest)
    if problems:
        raise Unclean
    model = RECORD_TYPES[kind][0]
    try:
        records = [model.model_validate(entry.data) for entry in entries]
    except ValidationError:
        raise Unclean from None
    return record_facts(kind, records, shown)


def quick_report(root: str | os.PathLike, cache=None, settle=lambda: None) -> Report | None:
    """The report of a corpus with no problem at all, or None when the detailed path must run.

    ``cache`` (a FactsCache) keeps each record file's facts keyed on its content;
    ``settle`` is called after each record file read afresh (validate's collector pause).
    """
    if frozenset(check.__name__ for check in rules.CHECKS) != COVERED:
        return None  # a rule this path does not know: only the detailed path applies it
    try:
        return _quick(Path(root), cache, settle)
    except Unclean:
        return None


def _quick(root: Path, cache, settle) -> Report:
    from .schema import check_corpus as _check_corpus

    sources, problems = reader.scan(root)
    if problems:
        raise Unclean
    texts = [source for source in sources if source.role == "text"]
    counts = {kind: 0 for kind in RECORD_TYPES}
    every = Facts()
    if cache is not None:
        cache.open(root)
    for source in sources:
        if source.role == "text":
            continue
        content = _read(source)
        if source.role == "corpus":
            if _check_corpus(content, source.shown)[1]:
                raise Unclean
            continue
        kind, digest = source.role, hashlib.sha256(content).hexdigest()
        facts = cache.get(digest, kind) if cache is not None else None
        if facts is None:
            facts = _file_facts(kind, content, source.shown, digest)
            if cache is not None:
                cache.put(digest, kind, facts)
            settle()
        counts[kind] += len(facts.ids)
        for name in Facts.FIELDS:
            getattr(every, name).extend(getattr(facts, name))
    if cache is not None:
        cache.finish()
    _cross_record(every, texts)
    return Report(problems=[], counts=counts, source=root.as_posix())


def _read(source: reader.Source) -> bytes:
    try:
        return reader.read_file(source.path, source.shown)
    except reader.Refused:
        raise Unclean from None


def _cross_record(facts: Facts, texts: list[reader.Source]) -> None:
    """Raise Unclean if any cross-record rule would report a problem."""
    ids = set(facts.ids)
    if len(ids) != len(facts.ids):
        raise Unclean  # duplicate-id
    refs = set(facts.refs)
    if not refs <= ids:
        raise Unclean  # dangling-reference
    used = refs
    for own in ids:
        if own.startswith(("actor:", "capture:")) and own not in used:
            raise Unclean  # unused-record
    _no_cycles(facts.edges)
    documents = {doc_id: (capture, latest, comment) for doc_id, capture, latest, comment in facts.documents}
    if any(documents.get(ref, (None, None, False))[2] for ref in facts.evidence):
        raise Unclean  # comment-as-fact
    by_capture: dict[str, list] = {}
    spans_seen: set[tuple] = set()
    for text, document, earliest, spans in facts.quotes:
        if earliest is not None and document in documents:
            latest = documents[document][1]
            if latest is not None and earliest > latest:
                raise Unclean  # quote-after-document
        for capture, start, end, carrier in spans:
            if carrier in documents and documents[carrier][0] != capture:
                raise Unclean  # occurrence-not-in-capture
            if (capture, start, end) in spans_seen:
                raise Unclean  # quote-same-span
            spans_seen.add((capture, start, end))
            by_capture.setdefault(capture, []).append((text, start, end))
    recorded = {}
    for capture_id, file, sha256, size, characters in facts.captures:
        if capture_id != f"capture:{file[: -len('.txt')].lower()}":
            raise Unclean  # capture-id-mismatch
        recorded[file] = (capture_id, sha256, size, characters)
    found = set()
    for source in texts:  # one text at a time, checked and let go
        name = os.path.basename(source.path)
        if name not in recorded:
            raise Unclean  # capture-unrecorded
        found.add(name)
        capture_id, sha256, size, characters = recorded[name]
        content = _read(source)
        if len(content) != size or hashlib.sha256(content).hexdigest() != sha256:
            raise Unclean  # capture-size-mismatch, capture-hash-mismatch
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            raise Unclean from None
        if len(text) != characters:
            raise Unclean
        runs = None
        for words, start, end in by_capture.get(capture_id, ()):
            if not (start <= end <= characters and text[start:end] == words):
                raise Unclean  # quote-span-mismatch, quote-near-match, quote-not-found, span-out-of-range
            runs = quoting.quoted_runs(text) if runs is None else runs
            if quoting.enclosing(text, start, end, runs) is None:
                raise Unclean  # quote-unquoted (or a documented exception: the detailed path decides)
    if len(found) != len(recorded):
        raise Unclean  # capture-file-missing


def _no_cycles(edges: list) -> None:
    """Raise Unclean if the derivation relations between documents form a cycle."""
    graph: dict[str, list[str]] = {}
    for source, target in edges:
        graph.setdefault(source, []).append(target)
    state: dict[str, int] = {}  # 1 on the path, 2 done
    for start in graph:
        if state.get(start):
            continue
        state[start] = 1
        stack = [(start, iter(graph[start]))]
        while stack:
            node, children = stack[-1]
            for child in children:
                seen = state.get(child)
                if seen == 1:
                    raise Unclean  # relation-cycle
                if not seen and child in graph:
                    state[child] = 1
                    stack.append((child, iter(graph[child])))
                    break
            else:
                state[node] = 2
                stack.pop()


# --- facts kept between runs ---------------------------------------------------------------

_ID = (str,)
_OPTIONAL_TEXT = (str, type(None))
_OPTIONAL_DAY = (int, type(None))
#: field -> the allowed (type of item, types of its parts...) of each entry; () for a plain id
_SHAPES = {
    "ids": None,
    "refs": None,
    "evidence": None,
    "captures": {(list, str, str, str, int, int)},
    "documents": {(list, str, a, b, bool) for a in _OPTIONAL_TEXT for b in _OPTIONAL_DAY},
    "edges": {(list, str, str)},
    "quotes": {(list, str, str, b, list) for b in _OPTIONAL_DAY},
}
_SPAN = {(list, str, int, int, str)}


def _signatures(items: list) -> set[tuple]:
    """The distinct (type of item, types of its parts) among ``items``: checked once each."""
    return {(type(item), *map(type, item)) if type(item) is list else (type(item),) for item in items}


def facts_from_plain(plain) -> Facts:
    """Facts from the JSON a FactsCache stored, every part checked; raises ValueError otherwise."""
    if not isinstance(plain, dict) or set(plain) != set(Facts.FIELDS):
        raise ValueError("not facts")
    _check_lists(plain)
    return Facts(**plain)


def _check_lists(plain: dict) -> None:
    """Check the fields of facts (or of many facts' fields joined); raises ValueError."""
    for name, shapes in _SHAPES.items():
        items = plain[name]
        if not isinstance(items, list):
            raise ValueError(f"{name} is not a list")
        if shapes is None:
            if not set(map(type, items)) <= {str}:
                raise ValueError(f"an item of {name} is not text")
        elif not _signatures(items) <= shapes:
            raise ValueError(f"an item of {name} has the wrong shape")
    if not _signatures([span for quote in plain["quotes"] for span in quote[3]]) <= _SPAN:
        raise ValueError("a quotation span has the wrong shape")


class FactsCache:
    """Each record file's facts, in the validation cache's folder, keyed on its content.

    Entries are JSON, under the same header, checksum and folder checks as the detailed
    path's results (``cache.Cache``), under a key of their own (``<kind>.facts``). Besides
    them, the facts of every file of the last full read of a corpus are packed in one entry
    (keyed on the corpus's folder; each fact inside still keyed on its file's content), so a
    run reads one entry, not one per file; ``finish`` packs again once many files were
    answered from outside the pack.
    """

    def __init__(self, directory, fingerprint: str):
        from .cache import Cache

        self._cache = Cache(directory, fingerprint)
        self._pack: dict | None = None
        self._pack_key = ""
        self._used: dict[str, Facts] = {}
        self._outside = 0

    def open(self, root: Path) -> None:
        """Read the pack of the corpus at ``root``, if there is a trustworthy one."""
        import json

        self._pack_key = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogatepass")).hexdigest()
        self._pack, self._used, self._outside = {}, {}, 0
        payload = self._cache.payload(self._pack_key, "facts-pack")
        if payload is None:
            return
        try:
            plain = json.loads(payload)
            if not isinstance(plain, dict) or not all(
                isinstance(v, dict) and set(v) == set(Facts.FIELDS) and all(type(v[n]) is list for n in Facts.FIELDS)
                for v in plain.values()
            ):
                raise ValueError("not a pack of facts")
            _check_lists({name: [x for v in plain.values() for x in v[name]] for name in Facts.FIELDS})
            self._pack = {key: Facts(**value) for key, value in plain.items()}
        except (ValueError, TypeError, IndexError):  # an unreadable pack is a miss
            self._pack = {}

    def get(self, digest: str, kind: str) -> Facts | None:
        import json

        key = f"{digest}.{kind}"
        found = (self._pack or {}).get(key)
        if found is None:
            payload = self._cache.payload(digest, f"{kind}.facts")
            if payload is None:
                return None
            try:
                found = facts_from_plain(json.loads(payload))
            except ValueError:  # json's errors are ValueErrors too: any unreadable entry is a miss
                return None
            self._outside += 1
        self._used[key] = found
        return found

    def put(self, digest: str, kind: str, facts: Facts) -> None:
        import json

        payload = json.dumps(facts.to_plain(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._cache.store(digest, f"{kind}.facts", payload)
        self._used[f"{digest}.{kind}"] = facts
        self._outside += 1

    def finish(self) -> None:
        """Pack the facts of this run's files when many came from outside the pack."""
        import json

        if not self._pack_key or self._outside <= max(8, len(self._used) // 10):
            return
        plain = {key: facts.to_plain() for key, facts in sorted(self._used.items())}
        payload = json.dumps(plain, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._cache.store(self._pack_key, "facts-pack", payload)
