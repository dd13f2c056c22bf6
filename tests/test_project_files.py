"""Project files the build owns: CITATION.cff (valid CFF 1.2.0, only the descriptor's facts) and .zenodo.json."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator

from nato_corpus import cli
from nato_corpus.release import project
from nato_corpus.release.build import build

TESTS = Path(__file__).parent
MINI = TESTS / "data" / "mini"
CFF_SCHEMA = json.loads((TESTS / "data" / "cff" / "schema-1.2.0.json").read_text(encoding="utf-8"))
HOME = "https://example.org/mini-corpus"


def _cff_errors(text: str) -> list[str]:
    validator = Draft7Validator(CFF_SCHEMA, format_checker=Draft7Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(yaml.safe_load(text))]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A folder holding a copy of the mini corpus as raw/ (dist/ goes beside it)."""
    shutil.copytree(MINI, tmp_path / "raw")
    return tmp_path


def _release_next(repo: Path) -> None:
    """Bump the mini corpus to 1.1.0, released a month later, with one reworded event."""
    raw = repo / "raw"
    _edit(raw / "corpus.yaml", "version: 1.0.0", "version: 1.1.0")
    _edit(raw / "corpus.yaml", "released: 2025-01-02", "released: 2025-02-03")
    _edit(raw / "corpus.yaml", "changes: First release of the mini corpus.", "changes: The second release.")
    _edit(raw / "events" / "events.yaml", "who replied a week later", "who answered a week later")


def test_built_citation_cff_validates_against_the_cff_schema(repo):
    """The CITATION.cff a build writes is valid Citation File Format 1.2.0."""
    build(repo / "raw", repo / "dist")
    assert _cff_errors((repo / "CITATION.cff").read_text(encoding="utf-8")) == []


def test_citation_cff_with_a_homepage_validates_and_carries_it(repo):
    """With a homepage in raw/corpus.yaml, CITATION.cff has it as url and as a url identifier, and still validates."""
    _edit(repo / "raw" / "corpus.yaml", "keywords:", f"homepage: {HOME}\nkeywords:")
    build(repo / "raw", repo / "dist")
    text = (repo / "CITATION.cff").read_text(encoding="utf-8")
    cff = yaml.safe_load(text)
    assert cff["url"] == HOME
    assert {"type": "url", "value": HOME, "description": "The data set's home page."} in cff["identifiers"]
    assert _cff_errors(text) == []


def test_citation_cff_without_a_homepage_has_no_url(repo):
    """Without a homepage, CITATION.cff has no url, repository-code or url identifier: none is invented."""
    build(repo / "raw", repo / "dist")
    cff = yaml.safe_load((repo / "CITATION.cff").read_text(encoding="utf-8"))
    assert "url" not in cff and "repository-code" not in cff
    assert all(i["type"] != "url" for i in cff.get("identifiers", []))


def test_citation_cff_names_the_release_day_version_and_pinned_descriptor(repo):
    """date-released is the release day raw/ declares; version the latest; an identifier is the descriptor's sha256."""
    build(repo / "raw", repo / "dist")
    _release_next(repo)
    build(repo / "raw", repo / "dist")
    cff = yaml.safe_load((repo / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["version"] == "1.1.0" and cff["date-released"] == "2025-02-03"
    digest = hashlib.sha256((repo / "dist" / "1.1.0" / "datapackage.json").read_bytes()).hexdigest()
    assert [i["value"] for i in cff["identifiers"] if i["type"] == "other"] == [f"sha256:{digest}"]


def test_committed_citation_cff_validates_against_the_cff_schema():
    """The repository's own CITATION.cff is valid Citation File Format 1.2.0."""
    assert _cff_errors((TESTS.parent / "CITATION.cff").read_text(encoding="utf-8")) == []


def test_cff_schema_rejects_what_it_should():
    """The vendored schema is really applied: a CITATION.cff without authors, or with a bad date, fails."""
    good = yaml.safe_load(project.citation_cff({"title": "T", "version": "1.0.0", "created": "2025-01-02T00:00:00Z"}))
    del good["authors"]
    assert any("'authors' is a required property" in e for e in _cff_errors(yaml.safe_dump(good)))
    good = yaml.safe_load(project.citation_cff({"title": "T", "version": "1.0.0", "created": "2025-13-02T00:00:00Z"}))
    assert any(e.startswith("date-released") for e in _cff_errors(yaml.safe_dump(good)))


def test_build_writes_zenodo_json_for_the_latest_release(repo):
    """.zenodo.json beside dist/ describes the latest release as a data set, with the descriptor's facts."""
    build(repo / "raw", repo / "dist")
    _release_next(repo)
    build(repo / "raw", repo / "dist")
    zenodo = json.loads((repo / ".zenodo.json").read_text(encoding="utf-8"))
    descriptor = json.loads((repo / "dist" / "1.1.0" / "datapackage.json").read_text(encoding="utf-8"))
    assert zenodo["upload_type"] == "dataset"
    assert zenodo["version"] == "1.1.0" and zenodo["publication_date"] == "2025-02-03"
    assert zenodo["title"] == descriptor["title"] and zenodo["description"] == descriptor["description"]
    assert zenodo["creators"] == [{"name": "The release tests"}]
    assert zenodo["notes"].startswith(project.ZENODO_MARK) and "release 1.1.0" in zenodo["notes"]


def test_zenodo_json_goes_inside_dist_when_raw_is_elsewhere(tmp_path):
    """Built from a raw/ that is not beside dist/, .zenodo.json is written inside dist/, like CITATION.cff."""
    build(MINI, tmp_path / "dist")
    assert (tmp_path / "dist" / ".zenodo.json").is_file() and not (tmp_path / ".zenodo.json").exists()


def test_zenodo_json_is_reproducible(repo, tmp_path):
    """Two builds of the same raw/ write the same .zenodo.json bytes."""
    build(repo / "raw", repo / "dist")
    other = tmp_path / "other"
    shutil.copytree(MINI, other / "raw")
    build(other / "raw", other / "dist")
    assert (repo / ".zenodo.json").read_bytes() == (other / ".zenodo.json").read_bytes()


@pytest.mark.parametrize(
    "text",
    [
        '{"upload_type": "dataset", "title": "Written by hand"}\n',
        '{"upload_type": "dataset", "notes": "Curated by hand."}\n',
        "{not json\n",
        "[]\n",
    ],
)
def test_a_hand_written_zenodo_json_is_left_alone(repo, text):
    """A .zenodo.json whose notes lack the build's mark (or that is not a JSON object) is never overwritten."""
    (repo / ".zenodo.json").write_text(text, encoding="utf-8")
    result = build(repo / "raw", repo / "dist")
    assert (repo / ".zenodo.json").read_text(encoding="utf-8") == text
    assert repo / ".zenodo.json" in result.left_alone


def test_cli_says_a_hand_written_zenodo_json_was_left(repo, capsys):
    """`nato-corpus build` names the .zenodo.json it left alone."""
    (repo / ".zenodo.json").write_text('{"title": "Mine"}\n', encoding="utf-8")
    assert cli.main(["build", "--raw", str(repo / "raw"), "--dist", str(repo / "dist")]) == 0
    assert f"note: {repo / '.zenodo.json'} was not written by nato-corpus build" in capsys.readouterr().out


def test_a_generated_zenodo_json_is_replaced_by_the_next_release(repo):
    """The build's own .zenodo.json (its mark in notes) is rewritten for the new latest release."""
    build(repo / "raw", repo / "dist")
    assert json.loads((repo / ".zenodo.json").read_text(encoding="utf-8"))["version"] == "1.0.0"
    _release_next(repo)
    result = build(repo / "raw", repo / "dist")
    assert json.loads((repo / ".zenodo.json").read_text(encoding="utf-8"))["version"] == "1.1.0"
    assert result.left_alone == []
