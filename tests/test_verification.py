"""Verification: the model's vocabulary and rule, the validator's message, and the corpus's checks."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO, apply_edits
from pydantic import ValidationError

from nato_corpus.curation.validate import check_raw, validate
from nato_corpus.records.models import CHECKED_STATUSES, Verification

CHECKED = check_raw(REPO / "raw")
QUOTES = CHECKED.records["quote"]
EVENTS = CHECKED.records["event"]
DOCUMENT_IDS = {d.id for d in CHECKED.records["document"]}
VALID = {
    "status": "verified",
    "checked_against": ["doc:letter"],
    "checked_on": "2026-11-27",
    "rationale": "Read the scan.",
}


@pytest.mark.parametrize("status", sorted(CHECKED_STATUSES))
def test_checked_status_needs_what_was_checked(status):
    """A verified, partly-verified or contradicted status without checked_against is rejected, naming the fix."""
    with pytest.raises(ValidationError) as caught:
        Verification.model_validate({**VALID, "status": status, "checked_against": []})
    message = str(caught.value)
    assert f"status '{status}'" in message
    assert "checked_against is empty" in message and "relay-only" in message


@pytest.mark.parametrize("status", ["relay-only", "not-checkable"])
def test_unchecked_status_may_name_nothing(status):
    """relay-only and not-checkable stand without checked_against."""
    assert Verification.model_validate({**VALID, "status": status, "checked_against": []}).checked_against == []


def test_checked_against_takes_document_ids_and_urls():
    """checked_against accepts corpus document ids and http(s) URLs, and nothing else."""
    ok = Verification.model_validate({**VALID, "checked_against": ["doc:letter", "https://example.org/scan"]})
    assert ok.checked_against == ["doc:letter", "https://example.org/scan"]
    with pytest.raises(ValidationError):
        Verification.model_validate({**VALID, "checked_against": ["the letter"]})


def test_status_is_a_closed_vocabulary():
    """A status outside the vocabulary is rejected."""
    with pytest.raises(ValidationError) as caught:
        Verification.model_validate({**VALID, "status": "checked"})
    assert "relay-only" in str(caught.value)


def test_difference_kind_is_a_closed_vocabulary():
    """A difference must be of kind words, date, attribution or other, with a note."""
    good = Verification.model_validate({**VALID, "differences": [{"kind": "words", "note": "frank, not candid"}]})
    assert good.differences[0].kind == "words"
    with pytest.raises(ValidationError):
        Verification.model_validate({**VALID, "differences": [{"kind": "spelling", "note": "x"}]})


def test_validator_reports_a_verified_quote_that_names_nothing(base_raw: Path):
    """validate() reports invalid-value at the verification, with a message saying what to do."""
    apply_edits(
        base_raw,
        [
            {
                "file": "quotes/sample.yaml",
                "old": "  form: sentence\n",
                "new": "  form: sentence\n  verification:\n    status: verified\n    checked_on: '2026-11-27'\n"
                "    rationale: Read it.\n",
            }
        ],
    )
    report = validate(base_raw)
    found = [p for p in report.problems if p.code == "invalid-value"]
    assert len(found) == 1, [(p.code, p.message) for p in report.problems]
    problem = found[0]
    assert problem.file == (base_raw / "quotes" / "sample.yaml").as_posix()
    assert problem.message.startswith("verification = ")
    assert "checked_against is empty" in problem.message


@pytest.mark.parametrize("record", QUOTES + EVENTS, ids=lambda r: r.id)
def test_every_quote_and_event_has_a_verification(record):
    """Every quotation and event in raw/ says how far it was checked."""
    assert record.verification is not None
    assert record.verification.checked_on == "2026-11-27"


@pytest.mark.parametrize("record", QUOTES + EVENTS + CHECKED.records["document"], ids=lambda r: r.id)
def test_checked_documents_exist(record):
    """Every document id a verification names is a document of the corpus."""
    named = [c for c in (record.verification.checked_against if record.verification else []) if c.startswith("doc:")]
    assert set(named) <= DOCUMENT_IDS


def test_contradicted_quotes_are_disputed():
    """A quotation its original contradicts is marked disputed and graded doubtful or worse."""
    contradicted = [q for q in QUOTES if q.verification and q.verification.status == "contradicted"]
    assert contradicted
    assert all(q.status == "disputed" and q.credibility.grade >= 4 for q in contradicted)


def test_counts_per_status():
    """The corpus's verification statuses, as of the pass of 27 November 2026."""
    assert Counter(q.verification.status for q in QUOTES) == {
        "verified": 1,
        "partly-verified": 4,
        "relay-only": 40,
        "contradicted": 1,
        "not-checkable": 2,
    }
    assert Counter(e.verification.status for e in EVENTS) == {"verified": 7, "partly-verified": 9, "relay-only": 15}


def test_tables_round_trip_verifications():
    """Verifications, their differences included, survive records -> tables -> records; absent ones stay absent."""
    from nato_corpus.release.tables import build_tables, records_from_tables

    back = records_from_tables(build_tables(CHECKED.records))
    for kind in ("quote", "event", "document"):
        before = {r.id: r.verification for r in CHECKED.records[kind]}
        assert {r.id: r.verification for r in back[kind]} == before
    assert any(r.verification is None for r in back["document"])
    assert any(r.verification and r.verification.differences for r in back["quote"])
