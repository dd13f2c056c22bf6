"""Diffs between versions: added, removed and changed records, field by field."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nato_corpus import errors
from nato_corpus.release.build import build
from nato_corpus.release.diff import diff

MINI = Path(__file__).parent / "data" / "mini"

NEW_ACTOR = """- id: actor:third-minister
  name: The Third Minister
  kind: person
"""


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    """raw/ released as 1.0.0, then edited: an actor added, a quote removed, a document changed."""
    raw, dist = tmp_path / "raw", tmp_path / "dist"
    shutil.copytree(MINI, raw)
    build(raw, dist)
    quotes = raw / "quotes" / "quotes.yaml"
    text = quotes.read_text(encoding="utf-8")
    quotes.write_text(text[: text.index("- id: quote:door-open")], encoding="utf-8")
    documents = raw / "documents" / "documents.yaml"
    text = documents.read_text(encoding="utf-8")
    text = text.replace(
        "    grade: C\n    rationale: Known only from a paraphrase on an anonymous page.",
        "    grade: D\n    rationale: Known only from a paraphrase.",
        1,
    )
    documents.write_text(text, encoding="utf-8")
    actors = raw / "actors" / "actors.yaml"
    actors.write_text(actors.read_text(encoding="utf-8") + NEW_ACTOR, encoding="utf-8")
    events = raw / "events" / "events.yaml"
    events.write_text(
        events.read_text(encoding="utf-8").replace(
            "participants: [actor:first-minister, actor:second-minister]",
            "participants: [actor:first-minister, actor:second-minister, actor:third-minister]",
        ),
        encoding="utf-8",
    )
    return raw, dist


def test_diff_finds_added_removed_and_changed_records(setup):
    """Release vs raw/ lists the added actor, the removed quote and the changed document."""
    raw, dist = setup
    result = diff("1.0.0", "raw", raw_dir=raw, dist_dir=dist)
    assert result.tables["actors"].added == ["actor:third-minister"]
    assert result.tables["quotes"].removed == ["quote:door-open"]
    changed = {c.id: {f.field: (f.old, f.new) for f in c.fields} for c in result.tables["documents"].changed}
    assert changed == {
        "doc:second-letter": {
            "reliability_grade": ("C", "D"),
            "reliability_rationale": (
                "Known only from a paraphrase on an anonymous page.",
                "Known only from a paraphrase.",
            ),
        }
    }


def test_diff_shows_list_fields_whole(setup):
    """A changed list field is reported with its old and new lists."""
    raw, dist = setup
    result = diff("1.0.0", "raw", raw_dir=raw, dist_dir=dist)
    (change,) = result.tables["events"].changed
    (field,) = change.fields
    assert field.field == "participants"
    assert field.new[-1] == "actor:third-minister" and len(field.old) == 2


def test_diff_as_json_and_text(setup):
    """The diff renders as JSON-ready data and as text with one line per record and field."""
    raw, dist = setup
    result = diff("1.0.0", "raw", raw_dir=raw, dist_dir=dist)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["old"] == "1.0.0" and data["new"] == "raw (1.0.0)" and data["identical"] is False
    assert data["tables"]["quotes"]["removed"] == ["quote:door-open"]
    text = result.to_text()
    assert "  + actor:third-minister" in text
    assert "  - quote:door-open" in text
    assert '      reliability_grade: "C" -> "D"' in text


def test_identical_versions_have_no_differences(setup):
    """A release compared with itself is identical."""
    _, dist = setup
    result = diff("1.0.0", "latest", dist_dir=dist)
    assert result.empty and "no differences" in result.to_text()


def test_diff_between_two_releases(setup):
    """After the edits are released as 1.1.0, diffing the two releases gives the same changes."""
    raw, dist = setup
    corpus = raw / "corpus.yaml"
    corpus.write_text(
        corpus.read_text(encoding="utf-8")
        .replace("version: 1.0.0", "version: 1.1.0")
        .replace("changes: First release of the mini corpus.", "changes: The edits of this test."),
        encoding="utf-8",
    )
    build(raw, dist)
    between = diff("1.0.0", "1.1.0", dist_dir=dist).to_dict()["tables"]
    against_raw = diff("1.0.0", "raw", raw_dir=raw, dist_dir=dist).to_dict()["tables"]
    assert between == against_raw
    descriptor = json.loads((dist / "1.1.0" / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["x_changelog"]["removed"] == {"quotes": ["quote:door-open"]}
    assert descriptor["x_changelog"]["changed"]["documents"] == {
        "doc:second-letter": ["reliability_grade", "reliability_rationale"]
    }


def test_unknown_version_is_a_usage_error(setup):
    """Asking for a version that is not released says which versions are."""
    _, dist = setup
    with pytest.raises(errors.UsageError, match=r"no release '9\.9\.9'.*released: 1\.0\.0"):
        diff("9.9.9", "raw", dist_dir=dist)
