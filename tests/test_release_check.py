"""Checking a release as a downloader would: descriptor, file hashes, index, types, keys."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nato_corpus.curation.validate import validate
from nato_corpus.errors import UsageError
from nato_corpus.release import layout
from nato_corpus.release.build import build
from nato_corpus.release.check import check_release

MINI = Path(__file__).parent / "data" / "mini"
VERSION = "1.0.0"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("built") / "dist"
    build(MINI, dist)
    return dist


@pytest.fixture
def dist(built: Path, tmp_path: Path) -> Path:
    """A copy of the built dist/ that a test may tamper with."""
    copy = tmp_path / "dist"
    shutil.copytree(built, copy)
    return copy


def codes(report) -> set[str]:
    return {p.code for p in report.problems}


def rewrite(path: Path, change) -> None:
    """Rewrite a Parquet file through ``change(table) -> table``, keeping its schema metadata."""
    table = pq.read_table(path)
    pq.write_table(change(table), path)


def replace_column(table: pa.Table, name: str, values: list, kind=None) -> pa.Table:
    index = table.schema.get_field_index(name)
    field = table.schema.field(name)
    field = field.with_type(kind or field.type).with_nullable(True)
    return table.set_column(index, field, pa.array(values, type=field.type))


def test_a_fresh_release_passes(dist):
    """A release as built has no problems, and the report counts the rows of each table."""
    report = check_release(dist / VERSION)
    assert report.ok and report.problems == []
    assert report.counts["quotes"] == 2 and report.counts["capture_segments"] == 4


def test_the_descriptor_path_works_too(dist):
    """check_release accepts the datapackage.json itself."""
    assert check_release(dist / VERSION / "datapackage.json").ok


def test_validate_refuses_a_release_and_names_check_release(dist):
    """validate() checks raw/ only: given a release it says to use check_release()."""
    with pytest.raises(
        UsageError, match=r"is a release, not a raw/ directory: check it with nato_corpus.check_release\(\)"
    ):
        validate(dist / VERSION)


def test_a_tampered_file_is_caught(dist):
    """A changed file is reported with its name, the expected and the actual sha256."""
    path = dist / VERSION / "timeline.svg"
    expected = layout.sha256_bytes(path.read_bytes())
    path.write_bytes(path.read_bytes().replace(b"Events", b"Eventz", 1))
    actual = layout.sha256_bytes(path.read_bytes())
    report = check_release(dist / VERSION)
    (problem,) = [p for p in report.problems if p.code == "release-hash-mismatch"]
    assert problem.file.endswith("timeline.svg")
    assert "timeline.svg" in problem.message and expected in problem.message and actual in problem.message


def test_a_changed_size_is_caught(dist):
    """A file with extra bytes differs in size as well as hash."""
    path = dist / VERSION / "README.md"
    path.write_bytes(path.read_bytes() + b"\n")
    messages = [p.message for p in check_release(dist / VERSION).problems if p.code == "release-hash-mismatch"]
    assert any("bytes, the descriptor says" in m for m in messages)


def test_a_missing_file_is_caught(dist):
    """A table file that is gone is reported as missing, by name."""
    (dist / VERSION / "data" / "event_evidence.parquet").unlink()
    report = check_release(dist / VERSION)
    missing = [p for p in report.problems if p.code == "release-file-missing"]
    assert len(missing) == 1 and "data/event_evidence.parquet" in missing[0].message


def test_an_index_mismatch_is_caught(dist):
    """A descriptor that differs from the sha256 pinned in dist/index.json is reported."""
    index_path = dist / "index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    index["versions"][VERSION]["descriptor_sha256"] = "0" * 64
    index_path.write_text(json.dumps(index), encoding="utf-8")
    report = check_release(dist / VERSION)
    assert codes(report) == {"release-index-mismatch"}
    assert "0" * 64 in report.problems[0].message


def test_an_edited_descriptor_breaks_the_index_pin(dist):
    """Editing datapackage.json, even harmlessly, no longer matches the release index."""
    path = dist / VERSION / "datapackage.json"
    path.write_bytes(path.read_bytes().replace(b'"title": "Mini corpus', b'"title": "Maxi corpus', 1))
    assert "release-index-mismatch" in codes(check_release(dist / VERSION))


def test_a_release_outside_dist_needs_no_index(dist, tmp_path):
    """A downloaded copy without an index next to it is checked on its own."""
    copy = tmp_path / "download" / "nato"
    shutil.copytree(dist / VERSION, copy)
    assert check_release(copy).ok


def test_a_broken_foreign_key_is_caught(dist):
    """An occurrence naming a capture that does not exist breaks a foreign key, shown by row."""
    path = dist / VERSION / "data" / "quote_occurrences.parquet"
    rewrite(path, lambda t: replace_column(t, "capture", ["capture:nowhere", "capture:mini-page"]))
    report = check_release(dist / VERSION)
    tables = [p for p in report.problems if p.code == "release-table"]
    assert len(tables) == 1
    assert "'capture:nowhere' matches no row of captures (foreign key to captures.id)" in tables[0].message
    assert tables[0].record == "quote_occurrences:quote:door-open/0"
    assert tables[0].file.endswith("data/quote_occurrences.parquet")


def test_a_duplicate_primary_key_is_caught(dist):
    """Two rows with one primary key are reported with the key."""
    path = dist / VERSION / "data" / "actors.parquet"
    rewrite(path, lambda t: replace_column(t, "id", ["actor:first-minister"] * t.num_rows))
    messages = [p.message for p in check_release(dist / VERSION).problems if p.code == "release-table"]
    assert any("primary key ['id'] = 'actor:first-minister' appears 3 times" in m for m in messages)


def test_a_value_outside_its_enum_is_caught(dist):
    """A grade outside the A-F scale is reported against the row that holds it."""
    path = dist / VERSION / "data" / "documents.parquet"
    rewrite(path, lambda t: replace_column(t, "reliability_grade", ["B", "Z", "F"], pa.string()))
    problems = [p for p in check_release(dist / VERSION).problems if p.code == "release-table"]
    assert [p.record for p in problems] == ["documents:doc:second-letter"]
    assert "reliability_grade is not one of" in problems[0].message


def test_a_null_in_a_required_column_is_caught(dist):
    """A null where the schema requires a value is reported."""
    path = dist / VERSION / "data" / "quotes.parquet"
    rewrite(path, lambda t: replace_column(t, "text", [None, "the door stays open"]))
    messages = [p.message for p in check_release(dist / VERSION).problems if p.code == "release-table"]
    assert "quotes: text is required but null" in messages


def test_a_pattern_violation_in_a_list_is_caught(dist):
    """A list item that is not an id is reported against the row that holds the list."""
    path = dist / VERSION / "data" / "events.parquet"
    rewrite(path, lambda t: replace_column(t, "participants", [["actor:first-minister", "Bill"]]))
    problems = [p for p in check_release(dist / VERSION).problems if p.code == "release-table"]
    assert [p.record for p in problems] == ["events:event:letter-exchange"]
    assert "participants does not match the pattern" in problems[0].message


def test_a_wrong_column_type_is_caught(dist):
    """A column stored with another type than the schema declares is reported."""
    path = dist / VERSION / "data" / "quotes.parquet"
    rewrite(path, lambda t: replace_column(t, "relays", ["1", "1"], pa.string()))
    messages = [p.message for p in check_release(dist / VERSION).problems if p.code == "release-table"]
    assert any("column 'relays' has type string, the schema says integer" in m for m in messages)


def test_a_missing_column_is_caught(dist):
    """A table without a declared column is reported."""
    path = dist / VERSION / "data" / "actors.parquet"
    rewrite(path, lambda t: t.drop_columns(["wikidata"]))
    messages = [p.message for p in check_release(dist / VERSION).problems if p.code == "release-table"]
    assert any("missing ['wikidata']" in m for m in messages)


def test_a_missing_descriptor_is_reported(tmp_path):
    """A folder without datapackage.json gives a release-descriptor problem, not an exception."""
    report = check_release(tmp_path)
    assert codes(report) == {"release-descriptor"}


def test_an_invalid_descriptor_is_reported(dist):
    """A descriptor that is not a Data Package names what is wrong."""
    path = dist / VERSION / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["name"] = "Not A Name"
    descriptor["resources"][0]["path"] = "../outside.parquet"
    descriptor["resources"][1]["schema"]["primaryKey"] = ["nope"]
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    messages = [p.message for p in check_release(dist / VERSION).problems if p.code == "release-descriptor"]
    assert any("name = 'Not A Name'" in m for m in messages)
    assert any("'../outside.parquet'" in m for m in messages)
    assert any("primaryKey ['nope']" in m for m in messages)


def test_table_checks_run_on_the_public_compute_module_too(dist, monkeypatch):
    """Where a pyarrow release has no private compute module, the checks use pyarrow.compute and
    report the same problems (here a broken foreign key, a pattern and a duplicate key)."""
    import sys

    from nato_corpus.release import tablecheck

    rewrite(dist / VERSION / "data" / "actors.parquet", lambda t: replace_column(t, "id", ["actor:x"] * t.num_rows))
    rewrite(
        dist / VERSION / "data" / "events.parquet",
        lambda t: replace_column(t, "participants", [["actor:first-minister", "Bill"]]),
    )
    expected = check_release(dist / VERSION).to_dict()
    assert len([p for p in expected["problems"] if p["code"] == "release-table"]) >= 3
    import pyarrow.compute  # noqa: F401  (loaded before the private module is hidden)

    tablecheck._compute.cache_clear()
    monkeypatch.setitem(sys.modules, "pyarrow._compute", None)  # import fails
    try:
        assert tablecheck._compute().__name__ == "pyarrow.compute"
        assert check_release(dist / VERSION).to_dict() == expected
    finally:
        tablecheck._compute.cache_clear()


@pytest.mark.parametrize("name", [["quotes"], {"a": 1}, 7])
def test_a_resource_name_that_is_not_text_is_reported_not_raised(dist, name):
    """A resource whose name is a list, an object or a number is reported as a bad name (found by
    fuzzing downloads), and the check goes on without a traceback."""
    path = dist / VERSION / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"][0]["name"] = name
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    report = check_release(dist / VERSION)
    assert any(f"resources[0].name = {name!r}" in p.message for p in report.problems)
