"""The corpus itself, record by record: every record in raw/ is checked without new test code."""

from __future__ import annotations

import hashlib

import pytest
from conftest import REPO

from nato_corpus.curation import quoting, workbench
from nato_corpus.curation.validate import check_raw
from nato_corpus.records import dates
from nato_corpus.records.models import RECORD_TYPES

RAW = REPO / "raw"
SEEDS = REPO.parent / "shared" / "seeds"
CHECKED = check_raw(RAW)
QUOTES = CHECKED.records["quote"]
DOCUMENTS = {d.id: d for d in CHECKED.records["document"]}
CAPTURES = {c.id: c for c in CHECKED.records["capture"]}


def _text(capture_id: str) -> str:
    return (RAW / "captures" / CAPTURES[capture_id].file).read_bytes().decode("utf-8")


def test_raw_is_clean():
    """raw/ validates with no error and no warning."""
    assert [(p.file, p.line, p.code, p.message) for p in CHECKED.report.problems] == []


def test_every_record_was_read():
    """Every record in raw/ passed its model (none was left out by a schema error)."""
    import yaml

    for kind, (_, folder, _) in RECORD_TYPES.items():
        written = sum(len(yaml.safe_load(p.read_text(encoding="utf-8")) or []) for p in (RAW / folder).glob("*.yaml"))
        assert written == len(CHECKED.records[kind]), kind


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside this checkout")
@pytest.mark.parametrize("capture", sorted(CAPTURES.values(), key=lambda c: c.id), ids=lambda c: c.id)
def test_capture_is_byte_for_byte_the_seed(capture):
    """Each capture in raw/ is the received file, unchanged."""
    assert (RAW / "captures" / capture.file).read_bytes() == (SEEDS / capture.file).read_bytes()
    assert hashlib.sha256((SEEDS / capture.file).read_bytes()).hexdigest() == capture.sha256


@pytest.mark.parametrize("quote", QUOTES, ids=lambda q: q.id)
def test_quote_is_checkable(quote):
    """Slicing each capture at each recorded span gives exactly the quotation's text."""
    for occurrence in quote.occurrences:
        assert _text(occurrence.capture)[occurrence.start : occurrence.end] == quote.text


@pytest.mark.parametrize("quote", QUOTES, ids=lambda q: q.id)
def test_quote_sits_inside_quotation_marks(quote):
    """Each occurrence is enclosed by quotation marks in its capture (the text excludes them)."""
    for occurrence in quote.occurrences:
        text = _text(occurrence.capture)
        assert quoting.enclosing(text, occurrence.start, occurrence.end) is not None, quote.id


@pytest.mark.parametrize("quote", QUOTES, ids=lambda q: q.id)
def test_quote_occurrence_lies_in_its_documents_segment(quote):
    """Each occurrence is carried by a document held in that capture."""
    for occurrence in quote.occurrences:
        assert DOCUMENTS[occurrence.document].capture == occurrence.capture


@pytest.mark.parametrize("document", sorted(DOCUMENTS.values(), key=lambda d: d.id), ids=lambda d: d.id)
def test_reader_comments_are_opinion_not_evidence(document):
    """No event rests on a reader comment."""
    if document.kind == "reader_comment":
        for event in CHECKED.records["event"]:
            assert document.id not in event.evidence


def test_every_quotation_in_the_captures_is_recorded():
    """Every run of words in quotation marks in a capture is a quote occurrence (`quotes unrecorded` lists nothing)."""
    assert [(u.capture, u.start, u.text[:50]) for u in workbench.unrecorded(RAW)] == []


@pytest.mark.parametrize("kind", ["quote", "event", "document"])
def test_dates_have_bounds(kind):
    """Every known date gives at least one bound, and earliest <= latest when it gives both."""
    for record in CHECKED.records[kind]:
        earliest, latest = dates.bounds(record.date)
        if record.date != "unknown":
            assert earliest is not None or latest is not None, record.id
        if earliest and latest:
            assert earliest <= latest, record.id


def test_known_discrepancies_are_noted():
    """The brief's checks against originals reach the records they touch."""
    notes = {q.id: (q.notes or "") + (q.status_reason or "") for q in QUOTES}
    candid = [q for q in QUOTES if "more candid" in q.text]
    assert candid and "frank" in notes[candid[0].id]
    goal = [q for q in QUOTES if "long-term political goal" in q.text]
    assert goal and "aim" in notes[goal[0].id]
    everything = " ".join(
        (r.notes or "") + " " + (getattr(r, "date_note", None) or "")
        for kind in ("document", "event", "quote", "actor")
        for r in CHECKED.records[kind]
    )
    assert "Kinkl" in everything
    assert "1-2 December 1994" in everything or "1–2 December 1994" in everything
