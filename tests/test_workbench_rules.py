"""The validator for curators: everything in one run, plain language, and the workbench rules."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import TESTS, apply_edits

from nato_corpus.curation import messages
from nato_corpus.curation.validate import validate
from nato_corpus.errors import ValidationFailed
from nato_corpus.records.models import RECORD_TYPES, Corpus
from nato_corpus.release.build import build
from nato_corpus.release.notes import NotesUnchanged

MINI = TESTS / "data" / "mini"
_SECOND_QUOTE = """
- id: quote:minister-spring-again
  text: We will meet again in spring.
  speaker: actor:envoy
  date: {date}
  document: doc:minister-letter
  occurrences:
    - capture: capture:sample
      start: {start}
      end: {end}
      document: doc:sample-page
  language: en
  translated: false
  relays: 1
  form: sentence
  credibility:
    grade: 2
    rationale: A second record.
{extra}"""


def _second(root: Path, *, date="1994-11-28", start=52, end=81, extra="") -> None:
    path = root / "quotes" / "zz-second.yaml"
    path.write_text(_SECOND_QUOTE.format(date=date, start=start, end=end, extra=extra), encoding="utf-8")


# --------------------------------------------------------------------------- everything in one run


def test_planted_problems_are_all_found_in_one_run(base_raw):
    """A schema error in one record hides neither a bad span nor a duplicate id, in it or elsewhere."""
    apply_edits(
        base_raw,
        [
            {"file": "quotes/sample.yaml", "old": "start: 52\n      end: 81", "new": "start: 53\n      end: 82"},
            {"file": "actors/more.yaml", "text": "- id: actor:envoy\n  name: Another\n  kind: person\n"},
        ],
    )
    # a second quote with a schema error (an unquoted year), its own bad span and a duplicate id
    _second(base_raw, date="1994", start=60, end=89)
    (base_raw / "quotes" / "zz-second.yaml").write_text(
        (base_raw / "quotes" / "zz-second.yaml")
        .read_text()
        .replace("quote:minister-spring-again", "quote:minister-spring")
    )
    report = validate(base_raw)
    found = {(Path(p.file).name, p.line, p.code) for p in report.problems}
    assert found == {
        ("sample.yaml", 10, "quote-span-mismatch"),  # the valid quote's span
        ("people.yaml", 6, "duplicate-id"),  # actors, one file against another
        ("zz-second.yaml", 2, "duplicate-id"),  # the invalid quote's id
        ("zz-second.yaml", 5, "wrong-type"),  # its unquoted year
        ("zz-second.yaml", 9, "quote-span-mismatch"),  # its span, checked although it failed its schema
    }


def test_an_unquoted_year_says_how_to_write_it(base_raw):
    """date: 1994 says to write dates as quoted strings, not that a string is expected."""
    apply_edits(base_raw, [{"file": "quotes/sample.yaml", "old": "date: 1994-11-28", "new": "date: 1994"}])
    (problem,) = validate(base_raw).problems
    assert problem.message == "date = 1994: write dates as quoted strings: '1994'"


def _patterns(schema) -> set[str]:
    found = set()
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "pattern" and isinstance(value, str):
                found.add(value)
            else:
                found |= _patterns(value)
    elif isinstance(schema, list):
        for value in schema:
            found |= _patterns(value)
    return found


_ALL_PATTERNS = sorted(
    set().union(*(_patterns(model.model_json_schema()) for model, _, _ in RECORD_TYPES.values()))
    | _patterns(Corpus.model_json_schema())
)


@pytest.mark.parametrize("pattern", _ALL_PATTERNS)
def test_every_pattern_is_described_in_words(pattern):
    """Every pattern of the models has a description, and no description shows a regular expression."""
    described = messages.describe_pattern(pattern)
    assert pattern in messages.PATTERNS
    assert not re.search(r"\[[^\]]*-[^\]]*\]|\(\?:|\^|\$|\\\.|\{\d", described), described


def test_no_schema_message_shows_a_regular_expression(base_raw):
    """Bad ids, a bad language and a bad hash are reported without their patterns."""
    apply_edits(
        base_raw,
        [
            {"file": "quotes/sample.yaml", "old": "speaker: actor:minister", "new": "speaker: Minister"},
            {"file": "quotes/sample.yaml", "old": "language: en", "new": "language: English"},
            {"file": "captures/sample.yaml", "old": "sha256: 02c7", "new": "sha256: XYZ"},
        ],
    )
    problems = validate(base_raw).problems
    assert len([p for p in problems if p.code in ("invalid-identifier", "invalid-format")]) == 3
    for problem in problems:
        assert "[a-z" not in problem.message and "(?:" not in problem.message and "^" not in problem.message


# --------------------------------------------------------------------------- same span


def test_a_second_record_on_the_same_span_is_an_error(base_raw):
    """Two quote records on one span are reported, naming the other record and what to do."""
    _second(base_raw)
    (problem,) = [p for p in validate(base_raw).problems if p.code == "quote-same-span"]
    assert problem.record == "quote:minister-spring-again" and "as quote:minister-spring does" in problem.message
    assert "set status: superseded on the old one" in problem.message


def test_a_superseded_record_naming_its_replacement_may_share_the_span(base_raw):
    """The old record, superseded with a reason naming the new one, leaves the corpus clean."""
    _second(base_raw, extra="  status: superseded\n  status_reason: Replaced by quote:minister-spring.\n")
    assert validate(base_raw).problems == []


def test_a_superseded_record_must_name_its_replacement(base_raw):
    """Superseded without naming the record that replaces it is still an error, saying so."""
    _second(base_raw, extra="  status: superseded\n  status_reason: Wrong speaker.\n")
    (problem,) = [p for p in validate(base_raw).problems if p.code == "quote-same-span"]
    assert "its status_reason does not name quote:minister-spring" in problem.message


# --------------------------------------------------------------------------- unquoted


def _unquoted(root: Path, notes: str = "") -> None:
    _second(root, start=83, end=96, extra=notes)
    path = root / "quotes" / "zz-second.yaml"
    path.write_text(path.read_text().replace("We will meet again in spring.", "Then she left"))


def test_words_in_no_quotation_marks_are_a_warning(base_raw):
    """A quotation whose words stand in no quotation marks warns, and validation still passes."""
    _unquoted(base_raw)
    report = validate(base_raw)
    assert report.codes() == {"quote-unquoted": 1} and report.ok


def test_an_unquoted_exception_is_documented_in_notes(base_raw):
    """A note starting 'Unquoted:' with a reason silences the warning."""
    _unquoted(base_raw, "  notes: 'Unquoted: the page reports the words in indirect speech.'\n")
    assert validate(base_raw).problems == []


def test_an_unquoted_mark_without_a_reason_does_not_count(base_raw):
    """'Unquoted:' with nothing after it is no reason."""
    _unquoted(base_raw, "  notes: 'Unquoted:'\n")
    assert validate(base_raw).codes() == {"quote-unquoted": 1}


# --------------------------------------------------------------------------- release notes


@pytest.fixture
def released_once(tmp_path: Path) -> tuple[Path, Path]:
    raw, dist = tmp_path / "raw", tmp_path / "dist"
    shutil.copytree(MINI, raw)
    build(raw, dist)
    corpus = raw / "corpus.yaml"
    version = re.search(r"^version: (\S+)", corpus.read_text(), re.M).group(1)
    major, minor, patch = version.split(".")
    corpus.write_text(corpus.read_text().replace(f"version: {version}", f"version: {major}.{int(minor) + 1}.0"))
    return raw, dist


def test_a_new_version_with_the_previous_notes_is_not_built(released_once):
    """Bumping the version without new notes is refused at build time, pointing at `changes`."""
    raw, dist = released_once
    before = sorted(p.name for p in dist.iterdir())
    with pytest.raises(NotesUnchanged) as caught:
        build(raw, dist)
    assert isinstance(caught.value, ValidationFailed)
    (problem,) = caught.value.report.problems
    assert problem.code == "release-notes-unchanged" and problem.file.endswith("corpus.yaml")
    assert problem.line == _line_of(raw / "corpus.yaml", "changes:")
    assert "word for word the release notes of" in problem.message
    assert "describe what this version changes" in str(caught.value)
    assert sorted(p.name for p in dist.iterdir()) == before


def test_a_new_version_with_new_notes_is_built(released_once):
    """New notes let the new version build."""
    raw, dist = released_once
    corpus = raw / "corpus.yaml"
    text = corpus.read_text()
    corpus.write_text(
        re.sub(r"^changes:.*?(?=^\S|\Z)", "changes: A second version, for the test.\n", text, flags=re.M | re.S)
    )
    assert build(raw, dist).status == "built"


def _line_of(path: Path, start: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if line.startswith(start))
