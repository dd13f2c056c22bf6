"""The record models: what they accept, what they reject and why, and round trips through YAML."""

from __future__ import annotations

import copy

import pytest
import strategies
import yaml
from hypothesis import given, settings
from pydantic import ValidationError

from nato_corpus.curation import reader as raw
from nato_corpus.records import models, plain
from nato_corpus.records.grades import CREDIBILITY, RELIABILITY

VALID_QUOTE = {
    "id": "quote:x",
    "text": "We will meet again.",
    "speaker": "actor:a",
    "date": "1994-11-28",
    "document": "doc:letter",
    "occurrences": [{"capture": "capture:c", "start": 0, "end": 19, "document": "doc:page"}],
    "language": "en",
    "translated": False,
    "relays": 1,
    "form": "sentence",
    "credibility": {"grade": 2, "rationale": "Quoted from the letter."},
}


def _with(path: tuple, value):
    data = copy.deepcopy(VALID_QUOTE)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


def test_valid_quote_is_accepted():
    """A complete quote validates and keeps its values."""
    quote = models.Quote.model_validate(VALID_QUOTE)
    assert quote.occurrences[0].end == 19 and quote.credibility.grade == 2


MALFORMED = [
    (("text",), KeyError, "text", "Field required"),
    (("extra",), "x", "extra", "Extra inputs are not permitted"),
    (("speaker",), "Bill Clinton", "speaker", "String should match pattern '^actor:"),
    (("speaker",), "doc:letter", "speaker", "String should match pattern '^actor:"),
    (("date",), "Nov 1994", "date", "'Nov 1994' is not an EDTF date"),
    (("date",), "1994-12-05/1994-12-01", "date", "the interval '1994-12-05/1994-12-01' ends before it starts"),
    (("form",), "clause", "form", "Input should be 'sentence' or 'fragment'"),
    (("relays",), "1", "relays", "Input should be a valid integer"),
    (("relays",), -1, "relays", "Input should be greater than or equal to 0"),
    (("translated",), "no", "translated", "Input should be a valid boolean"),
    (("credibility", "grade"), 7, "credibility.grade", "Input should be 1, 2, 3, 4, 5 or 6"),
    (("credibility", "rationale"), "", "credibility.rationale", "String should have at least 1 character"),
    (("occurrences",), [], "occurrences", "List should have at least 1 item"),
    (("occurrences", 0, "start"), -3, "occurrences.0.start", "greater than or equal to 0"),
    (("language",), "English", "language", "String should match pattern"),
]


@pytest.mark.parametrize("path,value,field,message", MALFORMED, ids=[f"{m[2]}={m[1]!r}" for m in MALFORMED])
def test_malformed_quote_is_rejected_naming_the_field(path, value, field, message):
    """Each kind of malformed value is rejected with the field's name and the reason."""
    with pytest.raises(ValidationError) as caught:
        models.Quote.model_validate(_with(path, value))
    errors = {".".join(map(str, e["loc"])): e["msg"] for e in caught.value.errors()}
    assert field in errors, errors
    assert message in errors[field]


def test_document_url_must_be_absolute_http():
    """A document URL without a scheme, or with another scheme, is rejected."""
    for url in ("nsarchive.gwu.edu/document/1", "ftp://example.org/x", "javascript:alert(1)", "https://exa mple.org"):
        with pytest.raises(ValidationError, match="must be an absolute http"):
            models.DocumentUrl.model_validate({"kind": "canonical", "url": url})


def test_a_url_with_any_white_space_is_rejected():
    """Every character str.isspace calls white space makes a URL invalid, and no other does."""
    import sys

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert {c for c in map(chr, range(sys.maxunicode + 1)) if plain._SPACE.search(c)} == set(spaces)
    for space in spaces:
        with pytest.raises(ValidationError, match="must be an absolute http"):
            models.DocumentUrl.model_validate({"kind": "canonical", "url": f"https://example.org/a{space}b"})
    models.DocumentUrl.model_validate({"kind": "canonical", "url": "https://example.org/a\u00adb"})


def test_scales_are_stated_once_and_reach_the_schema():
    """The grade labels in the JSON Schema come from grades.py."""
    schema = models.Reliability.model_json_schema()["properties"]["grade"]
    assert schema["enum"] == list(RELIABILITY)
    assert schema["labels"]["F"] == "Reliability cannot be judged"
    assert "No basis exists for evaluating the reliability of the source." in schema["description"]
    cred = models.Credibility.model_json_schema()["properties"]["grade"]
    assert cred["enum"] == list(CREDIBILITY)
    assert cred["labels"]["6"] == "Truth cannot be judged"


def test_every_field_is_documented():
    """Every field of every record type has a description (they become the column docs)."""
    undocumented = [
        f"{model.__name__}.{name}"
        for model in (
            models.Capture,
            models.Actor,
            models.Document,
            models.Event,
            models.Quote,
            models.Corpus,
            models.Segment,
            models.Occurrence,
            models.Relation,
            models.DocumentUrl,
            models.Reliability,
            models.Credibility,
        )
        for name, field in model.model_fields.items()
        if not field.description
    ]
    assert undocumented == []


def _yaml_round_trip(model, data: dict):
    record = model.model_validate(data)
    text = yaml.safe_dump([record.model_dump(mode="json", exclude_defaults=True)], allow_unicode=True, sort_keys=False)
    parsed, _, _ = raw.parse_yaml(text, "round-trip.yaml")
    return record, model.model_validate(parsed[0])


@settings(max_examples=150, deadline=None)
@given(strategies.quotes())
def test_quote_round_trips_through_yaml(data):
    """Any valid quote -> dict -> YAML -> our reader -> quote is unchanged."""
    before, after = _yaml_round_trip(models.Quote, data)
    assert after == before


@settings(max_examples=100, deadline=None)
@given(strategies.documents())
def test_document_round_trips_through_yaml(data):
    """Any valid document -> dict -> YAML -> our reader -> document is unchanged."""
    before, after = _yaml_round_trip(models.Document, data)
    assert after == before


@settings(max_examples=100, deadline=None)
@given(strategies.events())
def test_event_round_trips_through_yaml(data):
    """Any valid event -> dict -> YAML -> our reader -> event is unchanged."""
    before, after = _yaml_round_trip(models.Event, data)
    assert after == before


@settings(max_examples=100, deadline=None)
@given(strategies.actors())
def test_actor_round_trips_through_yaml(data):
    """Any valid actor -> dict -> YAML -> our reader -> actor is unchanged."""
    before, after = _yaml_round_trip(models.Actor, data)
    assert after == before
