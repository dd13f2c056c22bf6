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
the rules of ``rules.CHECKS`` named in ``COVERED`` (tests/test_quick.py fails should a
rule be added there and not here). Records are checked as plain data (``records.plain``),
so a clean corpus is validated without importing pydantic; the models are asked only about
a record the plain check is not sure of, and decide.

With a cache (``quick_report(root, cache)``), the facts of each record file are kept
keyed on its content (``facts.FactsCache``), so re-validating after a change reads and
hashes every file but checks only the changed ones against their models; and the
captures a clean run checked are named in its pack, so only a capture that changed, or
that holds a span of a changed file, is decoded and searched for quotation marks again.
The cross-record rules run on the whole corpus, unless the files read afresh have between
them the very facts of the files of the pack they replaced (``FactsCache.same_as_pack``):
then the corpus's facts are those a clean run checked, and what is left to check is the
captures' texts (each still the one the pack's run checked) and the quotations' words.
"""

from __future__ import annotations

import hashlib
import os
from itertools import repeat
from pathlib import Path

from ..problems import Report
from ..records import dates, plain
from ..records.kinds import DERIVATION, KINDS
from . import quoting, reader
from .facts import Facts, FactsCache, PackUnusable, facts_from_plain

__all__ = ["COVERED", "Facts", "FactsCache", "Unclean", "facts_from_plain", "quick_report", "record_facts"]

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


def _ordinal(day) -> int | None:
    return None if day is None else day.toordinal()


def record_facts(kind: str, records: list[dict], file: str) -> Facts:
    """The facts of one file's valid records (each the mapping its model accepted); raises
    Unclean when a rule about a single record (translation, status, segments,
    self-reference) would report a problem."""
    fill = plain.defaults(kind)
    if kind in ("quote", "document") and any(_mistranslated(kind, data) for data in records):
        raise Unclean  # translation-language (checks.check_translation)
    if kind in ("document", "event", "quote") and any(
        data.get("status", fill.get("status")) != "current" and not data.get("status_reason") for data in records
    ):
        raise Unclean  # status-reason (checks.check_status)
    named_by = plain.references(kind)
    facts = Facts()
    refs: dict[str, None] = {}  # only which ids are named counts, not how often
    for data in records:
        own = data["id"]
        facts.ids.append(own)
        named = named_by(data)
        if own in named:
            raise Unclean  # self-reference
        refs.update(dict.fromkeys(named))
        if kind == "capture":
            ranges = []
            for segment in data.get("segments", fill["segments"]):
                start, end = segment["start"], segment["end"]
                if not start <= end <= data["characters"]:
                    raise Unclean  # span-out-of-range
                ranges.append((start, end))
            ranges.sort()
            if any(s2 < e1 for (_, e1), (s2, _) in zip(ranges, ranges[1:], strict=False)):
                raise Unclean  # segment-overlap
            facts.captures += (own, data["file"], data["sha256"], data["bytes"], data["characters"])
        elif kind == "document":
            latest = _ordinal(dates.bounds(data["date"])[1])
            facts.documents += (own, data.get("capture", fill["capture"]), latest, data["kind"] == "reader_comment")
            for relation in data.get("relations", fill["relations"]):
                if relation["type"] in DERIVATION:
                    facts.edges += (own, relation["target"])
        elif kind == "event":
            facts.evidence.extend(data["evidence"])
        elif kind == "quote":
            earliest = None if data.get("date_note", fill["date_note"]) else _ordinal(dates.bounds(data["date"])[0])
            occurrences = data["occurrences"]
            facts.quotes += (data["text"], data["document"], earliest, len(occurrences))
            for o in occurrences:
                facts.spans += (o["capture"], o["start"], o["end"], o["document"])
    facts.refs = list(refs)
    return facts


def _mistranslated(kind: str, data: dict) -> bool:
    """Whether checks.check_translation reports the record (a quote or a document)."""
    original = data.get("original_language")
    if kind == "quote":
        via, translated = data.get("via_languages") or [], data["translated"]
        if not translated and original is None and not via:
            return False  # the common case: an untranslated quote
    else:  # a document is a translation when it names its original language
        via, translated = [], original is not None
    if translated and original is None:
        return True
    if not translated and (original is not None or via):
        return True
    return original is not None and original == data["language"] and not via


def _file_facts(kind: str, content: bytes, shown: str, digest: str) -> Facts:
    """Read one record file and check its records against their model, keeping facts only."""
    entries, problems = reader.read_records(kind, content, shown, digest)
    if problems:
        raise Unclean
    records = [entry.data for entry in entries]
    if not all(map(plain.accepts(kind), records)):
        _models_accept(kind, records)  # the plain check was not sure: the model decides
    return record_facts(kind, records, shown)


def _models_accept(kind: str, records: list) -> None:
    """Raise Unclean unless the model of ``kind`` accepts every record (this imports pydantic)."""
    from pydantic import ValidationError

    from ..records.models import RECORD_TYPES

    model = RECORD_TYPES[kind][0]
    try:
        for data in records:
            model.model_validate(data)
    except ValidationError:
        raise Unclean from None


def _corpus_clean(content: bytes, shown: str) -> bool:
    """Whether raw/corpus.yaml has no problem (the model is asked only when the plain check is not sure)."""
    entry, problems = reader.read_corpus(content, shown)
    if problems or entry is None:
        return False
    if plain.accepts("corpus")(entry.data):
        return True
    from .schema import check_corpus

    return not check_corpus(content, shown)[1]


def quick_report(root: str | os.PathLike, cache=None, settle=lambda: None) -> Report | None:
    """The report of a corpus with no problem at all, or None when the detailed path must run.

    ``cache`` (a FactsCache) keeps each record file's facts keyed on its content;
    ``settle`` is called after each record file read afresh (validate's collector pause).
    """
    try:
        return _quick(Path(root), cache, settle)
    except Unclean:
        return None
    except PackUnusable:  # a pack whose columns do not fit its index: answer without it
        cache.refuse_pack()
        return quick_report(root, cache, settle)


def _quick(root: Path, cache, settle) -> Report:
    sources, problems = reader.scan(root)
    if problems:
        raise Unclean
    texts = [source for source in sources if source.role == "text"]
    counts = {kind: 0 for kind in KINDS}
    if cache is not None:
        cache.open(root)
    found: list[Facts] = []  # the facts of the files not in the cache's pack
    packed: dict[str, reader.Source] = {}  # the files in it
    for source in sources:
        if source.role == "text":
            continue
        content = _read(source)
        if source.role == "corpus":
            if not _corpus_clean(content, source.shown):
                raise Unclean
            continue
        kind, digest = source.role, hashlib.sha256(content).hexdigest()
        facts = None
        if cache is not None:
            records = cache.packed(digest, kind)
            if records is not None:
                counts[kind] += records
                packed[f"{digest}.{kind}"] = source
                continue
            facts = cache.get(digest, kind)
        if facts is None:
            facts = _file_facts(kind, content, source.shown, digest)
            if cache is not None:
                cache.put(digest, kind, facts)
            settle()
        counts[kind] += len(facts.ids)
        found.append(facts)
    if cache is not None and cache.same_as_pack():
        cache.finish(_as_packed(found, texts, cache))
        return Report(problems=[], counts=counts, source=root.as_posix())
    every = _joined(cache, found, packed, settle)
    try:
        checked = _cross_record(every, texts, cache.verified if cache is not None else {})
    except Unclean:
        if cache is not None:
            cache.finish(None)  # the fresh facts still hold: each is a file's alone
        raise
    if cache is not None:
        cache.finish(checked)
    return Report(problems=[], counts=counts, source=root.as_posix())


def _joined(cache, found: list[Facts], packed: dict[str, reader.Source], settle) -> Facts:
    """Every file's facts in one: the pack's share and the rest. The pack keeps no words, so a
    file of it with a span in a capture that changed since the pack's run is read afresh."""
    every = cache.packed_facts() if cache is not None else Facts()
    for facts in found:
        every.extend(facts)
    if not packed:
        return every
    rows = every.captures
    now = {rows[i]: [rows[i + 2], rows[i + 4]] for i in range(0, len(rows), 5)}
    changed = {capture for capture, state in now.items() if cache.verified.get(capture) != state}
    stale = cache.stale(changed) if changed else []
    for key in stale:
        digest, kind = key.split(".", 1)
        source = packed[key]
        facts = _file_facts(kind, _read(source), source.shown, digest)
        cache.put(digest, kind, facts)
        found.append(facts)
        settle()
    return _joined(cache, found, {}, settle) if stale else every


def _as_packed(found: list[Facts], texts: list[reader.Source], cache: FactsCache) -> dict[str, list]:
    """Raise Unclean unless every capture text is the one the pack's run checked and the words of
    the files read afresh (``found``) stand at their spans; else return the captures checked."""
    pending: dict[str, list] = {}
    for facts in found:
        quotes, spans = facts.quotes, facts.spans
        at = 0
        for words, n in zip(quotes[0::4], quotes[3::4], strict=True):
            for j in range(4 * at, 4 * (at + n), 4):
                pending.setdefault(spans[j], []).append((words, spans[j + 1], spans[j + 2]))
            at += n
    seen = set()
    for source in texts:
        capture_id = cache.texts.get(os.path.basename(source.path))
        if capture_id is None:
            raise Unclean  # capture-unrecorded
        seen.add(capture_id)
        sha256, characters = cache.verified[capture_id]
        content = _read(source)
        if hashlib.sha256(content).hexdigest() != sha256:
            raise Unclean  # capture-hash-mismatch
        if capture_id in pending:
            _check_text(content, characters, pending[capture_id])
    if len(seen) != len(cache.texts) or not seen.issuperset(pending):
        raise Unclean  # capture-file-missing
    return dict(cache.verified)


def _read(source: reader.Source) -> bytes:
    try:
        return reader.read_file(source.path, source.shown, source.regular)
    except reader.Refused:
        raise Unclean from None


def _cross_record(facts: Facts, texts: list[reader.Source], verified: dict[str, list]) -> dict[str, list]:
    """Raise Unclean if any cross-record rule would report a problem; else return the captures
    checked (capture id -> [sha256, characters]).

    Spans without words (from a pack) lie in captures ``verified`` saw with the same hash
    and length, where they were found, in quotation marks: they need no second look.
    """
    ids = set(facts.ids)
    if len(ids) != len(facts.ids):
        raise Unclean  # duplicate-id
    refs = set(facts.refs)
    if not refs <= ids:
        raise Unclean  # dangling-reference
    if any(map(str.startswith, ids - refs, repeat(("actor:", "capture:")))):
        raise Unclean  # unused-record
    _no_cycles(facts.edges)
    rows = facts.documents
    capture_of = dict(zip(rows[0::4], rows[1::4], strict=True))
    latest_of = dict(zip(rows[0::4], rows[2::4], strict=True))
    comments = {document for document, comment in zip(rows[0::4], rows[3::4], strict=True) if comment}
    if not comments.isdisjoint(facts.evidence):
        raise Unclean  # comment-as-fact
    quotes, spans = facts.quotes, facts.spans
    for document, earliest in zip(quotes[1::4], quotes[2::4], strict=True):
        if earliest is not None:
            latest = latest_of.get(document)
            if latest is not None and earliest > latest:
                raise Unclean  # quote-after-document
    captures, starts, ends = spans[0::4], spans[1::4], spans[2::4]
    # a span's document, when the corpus has it, must be in the span's capture (None: it has none)
    if any(capture_of.get(carrier, capture) != capture for capture, carrier in zip(captures, spans[3::4], strict=True)):
        raise Unclean  # occurrence-not-in-capture
    if len(set(zip(captures, starts, ends, strict=True))) != len(captures):
        raise Unclean  # quote-same-span
    by_capture: dict[str, list] = {}
    at = 0
    for words, n in zip(quotes[0::4], quotes[3::4], strict=True):
        if words is not None:  # spans with no words (from a pack) were checked: see above
            for j in range(at, at + n):
                by_capture.setdefault(captures[j], []).append((words, starts[j], ends[j]))
        at += n
    recorded = {}
    rows = facts.captures
    for i in range(0, len(rows), 5):
        capture_id, file, sha256, size, characters = rows[i : i + 5]
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
        pending = by_capture.get(capture_id)
        if pending is None and verified.get(capture_id) == [sha256, characters]:
            continue  # the same text, already found to have this many characters
        _check_text(content, characters, pending or ())
    if len(found) != len(recorded):
        raise Unclean  # capture-file-missing
    return {capture_id: [sha256, characters] for capture_id, sha256, _, characters in recorded.values()}


def _check_text(content: bytes, characters: int, spans) -> None:
    """Raise Unclean unless the capture has ``characters`` characters and each (words, start, end)
    of ``spans`` stands there, in quotation marks."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise Unclean from None
    if len(text) != characters:
        raise Unclean
    runs = starts = None
    for words, start, end in spans:
        if not (start <= end <= characters and text[start:end] == words):
            raise Unclean  # quote-span-mismatch, quote-near-match, quote-not-found, span-out-of-range
        if runs is None:
            runs = quoting.quoted_runs(text)
            starts = [run.start for run in runs]
        if not quoting.recorded_in(runs, starts, start, end):
            raise Unclean  # quote-unquoted (or a documented exception: the detailed path decides)


def _no_cycles(edges: list) -> None:
    """Raise Unclean if the derivation relations between documents (flat pairs) form a cycle.

    A document that derives from none, or that none derives from, is on no cycle: such
    documents are set aside, a few rounds of set operations, and once every document left
    has a relation both ways there is a cycle (each can be left forever). A long chain that
    the rounds do not use up is walked depth first.
    """
    pairs = list(zip(edges[0::2], edges[1::2], strict=True))
    for _ in range(8):
        both = {source for source, _ in pairs} & {target for _, target in pairs}
        narrowed = [(source, target) for source, target in pairs if source in both and target in both]
        if len(narrowed) == len(pairs):
            if pairs:
                raise Unclean  # relation-cycle
            return
        pairs = narrowed
    graph: dict[str, list[str]] = {}
    for source, target in pairs:
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
