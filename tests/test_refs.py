"""References between records, derived from the models: every id a record names, in field order."""

from __future__ import annotations

import strategies
from hypothesis import given, settings
from hypothesis import strategies as st

from nato_corpus.records import models, refs

KINDS = {"quote": strategies.quotes(), "document": strategies.documents(), "event": strategies.events()}


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(KINDS)).flatmap(lambda kind: st.tuples(st.just(kind), KINDS[kind])))
def test_referenced_ids_are_the_values_of_references(case):
    """referenced_ids gives exactly the ids references() walks to, in the same order."""
    kind, data = case
    record = models.RECORD_TYPES[kind][0].model_validate(data)
    assert refs.referenced_ids(record) == [value for _, value in refs.references(record)]


def test_a_quote_names_its_speaker_document_and_each_occurrence():
    """A quote refers to its speaker, its document, then each occurrence's capture and document (no addressee: none)."""
    record = models.Quote.model_validate(
        {
            "id": "quote:a",
            "text": "words",
            "speaker": "actor:a",
            "date": "1994",
            "document": "doc:a",
            "occurrences": [
                {"capture": "capture:a", "start": 0, "end": 5, "document": "doc:b"},
                {"capture": "capture:b", "start": 1, "end": 6, "document": "doc:c"},
            ],
            "language": "en",
            "translated": False,
            "relays": 0,
            "form": "fragment",
            "credibility": {"grade": 2, "rationale": "why"},
        }
    )
    assert refs.referenced_ids(record) == ["actor:a", "doc:a", "capture:a", "capture:b", "doc:b", "doc:c"]
    assert refs.referenced_ids(models.Actor.model_construct(id="actor:a")) == []
