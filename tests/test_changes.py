"""Changes as data: data/changes.parquet in every release, in the descriptor and the CSV edition."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from frictionless import Package

from nato_corpus.release import changes
from nato_corpus.release.build import build
from nato_corpus.release.check import check_release
from nato_corpus.release.diff import Diff, FieldChange, RecordChange, TableDiff, diff

MINI = Path(__file__).parent / "data" / "mini"

NEW_ACTOR = """- id: actor:third-minister
  name: The Third Minister
  kind: person
"""


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The mini corpus released as 1.0.0, then as 1.1.0 with an actor added, a quote removed,
    a document's grade and an event's participants changed."""
    root = tmp_path_factory.mktemp("changes")
    raw, dist = root / "raw", root / "dist"
    shutil.copytree(MINI, raw)
    build(raw, dist)
    quotes = raw / "quotes" / "quotes.yaml"
    text = quotes.read_text(encoding="utf-8")
    quotes.write_text(text[: text.index("- id: quote:door-open")], encoding="utf-8")
    _edit(
        raw / "documents" / "documents.yaml",
        "    grade: C\n    rationale: Known only from a paraphrase on an anonymous page.",
        "    grade: D\n    rationale: Known only from a paraphrase.",
    )
    actors = raw / "actors" / "actors.yaml"
    actors.write_text(actors.read_text(encoding="utf-8") + NEW_ACTOR, encoding="utf-8")
    _edit(
        raw / "events" / "events.yaml",
        "participants: [actor:first-minister, actor:second-minister]",
        "participants: [actor:first-minister, actor:second-minister, actor:third-minister]",
    )
    _edit(raw / "corpus.yaml", "version: 1.0.0", "version: 1.1.0")
    _edit(raw / "corpus.yaml", "released: 2025-01-02", "released: 2025-02-03")
    _edit(raw / "corpus.yaml", "changes: First release of the mini corpus.", "changes: The second release.")
    assert build(raw, dist).status == "built"
    return dist


def _rows(folder: Path) -> list[dict]:
    return pq.read_table(folder / "data" / "changes.parquet").to_pylist()


def _resource(folder: Path, name: str = "changes") -> dict:
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    return next(r for r in descriptor["resources"] if r["name"] == name)


def test_first_release_has_an_empty_changes_table_with_its_schema(dist):
    """1.0.0 has data/changes.parquet with no rows and the four columns its Table Schema declares."""
    table = pq.read_table(dist / "1.0.0" / "data" / "changes.parquet")
    assert table.num_rows == 0
    fields = [f["name"] for f in _resource(dist / "1.0.0")["schema"]["fields"]]
    assert table.column_names == fields == ["table", "id", "change", "fields"]
    assert "first release" in _resource(dist / "1.0.0")["description"]


def test_one_row_per_changed_record_with_its_fields(dist):
    """1.1.0's table holds the added actor, the removed quote and the two changed records with their fields."""
    assert sorted((r["table"], r["id"], r["change"], tuple(r["fields"])) for r in _rows(dist / "1.1.0")) == [
        ("actors", "actor:third-minister", "added", ()),
        (
            "documents",
            "doc:second-letter",
            "changed",
            ("reliability_grade", "reliability_rationale"),
        ),
        ("events", "event:letter-exchange", "changed", ("participants",)),
        ("quotes", "quote:door-open", "removed", ()),
    ]


def test_rows_follow_the_release_table_order(dist):
    """Rows come in the release's order of main tables (documents, events, quotes, actors), then by id."""
    assert [r["table"] for r in _rows(dist / "1.1.0")] == [
        "documents",
        "events",
        "quotes",
        "actors",
    ]


def test_rows_agree_with_a_diff_of_the_two_releases(dist):
    """Reading both releases back and diffing them gives the same records and fields as the table."""
    result = diff("1.0.0", "1.1.0", dist_dir=dist)
    expected = set()
    for table, t in result.tables.items():
        expected |= {(table, i, "added", ()) for i in t.added} | {(table, i, "removed", ()) for i in t.removed}
        expected |= {(table, c.id, "changed", tuple(f.field for f in c.fields)) for c in t.changed}
    assert {(r["table"], r["id"], r["change"], tuple(r["fields"])) for r in _rows(dist / "1.1.0")} == expected


def test_changelog_in_the_descriptor_is_the_same_data(dist):
    """x_changelog's added, removed and changed regroup exactly the rows of changes.parquet."""
    descriptor = json.loads((dist / "1.1.0" / "datapackage.json").read_text(encoding="utf-8"))
    log = descriptor["x_changelog"]
    rows = _rows(dist / "1.1.0")
    assert log["previous"] == "1.0.0"
    assert log["added"] == {"actors": ["actor:third-minister"]}
    assert log["removed"] == {"quotes": ["quote:door-open"]}
    regrouped: dict = {}
    for r in rows:
        if r["change"] == "changed":
            regrouped.setdefault(r["table"], {})[r["id"]] = r["fields"]
    assert log["changed"] == regrouped


def test_resource_names_the_previous_release_and_is_pinned(dist):
    """The descriptor declares changes with a Table Schema, its primary key, sha256, and the release compared with."""
    resource = _resource(dist / "1.1.0")
    data = (dist / "1.1.0" / "data" / "changes.parquet").read_bytes()
    import hashlib

    assert resource["hash"] == f"sha256:{hashlib.sha256(data).hexdigest()}" and resource["x_bytes"] == len(data)
    assert resource["schema"]["primaryKey"] == ["table", "id"]
    assert "1.0.0" in resource["description"]


def test_release_with_changes_passes_the_release_check(dist):
    """check_release verifies both releases, changes.parquet's types, enums and key included."""
    for version in ("1.0.0", "1.1.0"):
        report = check_release(dist / version)
        assert report.ok, [p.message for p in report.problems]


def test_csv_edition_has_the_changes_and_frictionless_validates_them(dist):
    """csv/changes.csv is declared in the CSV edition and frictionless finds no error in it."""
    package = Package(str(dist / "1.1.0" / "csv" / "datapackage.json"))
    resource = package.get_resource("changes")
    report = resource.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    rows = resource.read_rows()
    assert {(r["id"], r["change"]) for r in rows} == {
        ("actor:third-minister", "added"),
        ("doc:second-letter", "changed"),
        ("event:letter-exchange", "changed"),
        ("quote:door-open", "removed"),
    }


def test_duplicate_change_rows_fail_the_release_check(dist, tmp_path):
    """A changes table that lists one record twice breaks its primary key, and the check says so."""
    import hashlib

    import pyarrow as pa

    folder = tmp_path / "1.1.0"
    shutil.copytree(dist / "1.1.0", folder)
    table = pq.read_table(folder / "data" / "changes.parquet")
    pq.write_table(pa.concat_tables([table, table.slice(0, 1)]), folder / "data" / "changes.parquet")
    data = (folder / "data" / "changes.parquet").read_bytes()
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == "changes")
    resource["hash"], resource["x_bytes"] = f"sha256:{hashlib.sha256(data).hexdigest()}", len(data)
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    report = check_release(folder)
    assert not report.ok
    assert any(
        p.message.startswith("changes: primary key ['table', 'id']") and "appears 2 times" in p.message
        for p in report.problems
    ), [p.message for p in report.problems]


def test_no_previous_release_gives_no_rows():
    """rows(None), for a first release, is empty, and its table still has the four columns."""
    assert changes.rows(None) == []
    assert changes.table([]).column_names == ["table", "id", "change", "fields"]


def test_rows_of_a_diff_keep_field_order_and_sort_ids_within_a_table():
    """A diff's records become rows sorted by id within each table, fields in the diff's order."""
    change = Diff(
        "1.0.0",
        "1.1.0",
        {
            "events": TableDiff(
                added=["event:b"],
                changed=[RecordChange("event:a", [FieldChange("title", "x", "y"), FieldChange("date", "1", "2")])],
            ),
            "actors": TableDiff(removed=["actor:z"]),
        },
    )
    assert changes.rows(change) == [
        changes.ChangeRow("events", "event:a", "changed", ("title", "date")),
        changes.ChangeRow("events", "event:b", "added"),
        changes.ChangeRow("actors", "actor:z", "removed"),
    ]


@pytest.mark.parametrize(("version", "rows"), [("1.0.0", 0), ("1.1.0", 4)])
def test_croissant_loads_the_changes_record_set(dist, version, rows):
    """mlcroissant loads the changes record set of croissant.json with the Parquet row count, empty or not."""
    mlc = pytest.importorskip("mlcroissant")
    loaded = mlc.Dataset(jsonld=str(dist / version / "croissant.json"))
    assert (
        sum(1 for _ in loaded.records("changes"))
        == rows
        == pq.read_metadata(dist / version / "data" / "changes.parquet").num_rows
    )
