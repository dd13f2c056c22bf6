"""The SQLite export: complete, keyed, searchable in Datasette, and never half-written."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import tempfile
from pathlib import Path

import pytest
from _exports_data import RELEASE, release, replace_value
from datasette.app import Datasette
from markupsafe import escape

from nato_corpus.commands.export import add_export_parser
from nato_corpus.errors import NatoCorpusError
from nato_corpus.release.exports import export_sqlite, views


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[Path, Path]:
    """The 1.0.0 release exported once: (database, Datasette metadata)."""
    tables, descriptor = release()
    path = export_sqlite(tables, descriptor, tmp_path_factory.mktemp("sqlite") / "nato.db")
    return path, path.with_name("nato.metadata.json")


def _query(path: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


def _datasette_get(exported, url: str):
    path, metadata = exported

    async def get():
        ds = Datasette([str(path)], metadata=json.loads(metadata.read_bytes()))
        await ds.invoke_startup()
        return await ds.client.get(url)

    return asyncio.run(get())


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="nato-corpus")
    add_export_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


# --- contents --------------------------------------------------------------------------


def test_every_row_of_every_table_is_in_the_database(exported):
    """Each Parquet table and each view has as many rows in SQLite as in the release."""
    tables, _ = release()
    for name, table in {**tables, **views(tables)}.items():
        assert _query(exported[0], f'SELECT count(*) FROM "{name}"') == [(table.num_rows,)], name


def test_foreign_keys_hold_and_are_declared(exported):
    """PRAGMA foreign_key_check finds nothing, and the release's foreign keys are declared."""
    assert _query(exported[0], "PRAGMA foreign_key_check") == []
    keys = {(row[3], row[2], row[4]) for row in _query(exported[0], "PRAGMA foreign_key_list(quotes)")}
    assert keys == {
        ("speaker", "actors", "id"),
        ("addressee", "actors", "id"),
        ("document", "documents", "id"),
    }


def test_primary_keys_are_those_of_the_descriptor(exported):
    """Each table's PRIMARY KEY is the primaryKey of its Table Schema."""
    _, descriptor = release()
    for resource in descriptor["resources"]:
        info = _query(exported[0], f'PRAGMA table_info("{resource["name"]}")')
        declared = [row[1] for row in sorted((r for r in info if r[5]), key=lambda r: r[5])]
        assert declared == resource["schema"]["primaryKey"], resource["name"]


def test_columns_have_declared_types_and_required_ones_are_not_null(exported):
    """Integers are INTEGER, text and dates TEXT, booleans INTEGER 0/1; required columns are NOT NULL."""
    info = {row[1]: (row[2], row[3]) for row in _query(exported[0], "PRAGMA table_info(quotes)")}
    assert info["relays"] == ("INTEGER", 1)
    assert info["credibility_grade"] == ("INTEGER", 1)
    assert info["date_earliest"] == ("TEXT", 0)
    assert info["addressee"] == ("TEXT", 0)
    assert {v for (v,) in _query(exported[0], "SELECT DISTINCT translated FROM quotes")} == {0, 1}


def test_lists_are_json_arrays(exported):
    """A list column holds a JSON array that SQLite's JSON functions read."""
    tables, _ = release()
    expected = {q["id"]: len(q["via_languages"]) for q in tables["quotes"].to_pylist()}
    rows = _query(exported[0], "SELECT id, json_array_length(via_languages) FROM quotes")
    assert dict(rows) == expected


def test_clinton_quotations_with_credibility_and_where_found_in_one_query(exported):
    """One SELECT on quotations gives Clinton's quotations with their credibility, site and span."""
    tables, _ = release()
    rows = _query(
        exported[0],
        "SELECT id, text, credibility_grade, credibility_label, capture_site, first_capture, first_start, first_end "
        "FROM quotations WHERE speaker_name LIKE '%Clinton%' ORDER BY rowid",
    )
    expected = [q["id"] for q in tables["quotes"].to_pylist() if q["speaker"] == "actor:bill-clinton"]
    assert [row[0] for row in rows] == expected
    assert all(None not in row for row in rows)


# --- Datasette --------------------------------------------------------------------------


def test_datasette_detects_the_full_text_tables(exported):
    """Datasette finds <table>_fts for quotes, documents, events and quotations."""
    path, metadata = exported

    async def detect():
        ds = Datasette([str(path)], metadata=json.loads(metadata.read_bytes()))
        database = ds.get_database("nato")
        return {name: await database.fts_table(name) for name in ("quotes", "documents", "events", "quotations")}

    assert asyncio.run(detect()) == {name: f"{name}_fts" for name in ("quotes", "documents", "events", "quotations")}


def test_datasette_search_finds_a_quotation_by_a_word_in_it(exported):
    """?_search=candid on quotes returns the quotation that has that word, and only it."""
    tables, _ = release()
    expected = [q["id"] for q in tables["quotes"].to_pylist() if "candid" in q["text"].split()]
    response = _datasette_get(exported, "/nato/quotes.json?_search=candid&_shape=array")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == expected and expected


def test_datasette_searches_event_summaries(exported):
    """?_search on events finds an event by a word of its summary."""
    tables, _ = release()
    events = tables["events"].to_pylist()
    word = "Budapest"
    expected = sorted(e["id"] for e in events if word.lower() in (e["title"] + " " + e["summary"]).lower())
    response = _datasette_get(exported, f"/nato/events.json?_search={word}&_shape=array")
    assert sorted(row["id"] for row in response.json()) == expected and expected


def test_canned_query_quotations_by_speaker(exported):
    """The canned query returns every quotation of the speaker named by :speaker."""
    tables, _ = release()
    expected = {q["id"] for q in tables["quotes"].to_pylist() if q["speaker"] == "actor:bill-clinton"}
    response = _datasette_get(exported, "/nato/quotations_by_speaker.json?speaker=Clinton&_shape=array")
    assert response.status_code == 200
    assert {row["id"] for row in response.json()} == expected


def test_canned_query_translated_quotations(exported):
    """The canned query returns exactly the quotations that reach us in translation."""
    tables, _ = release()
    expected = {q["id"] for q in tables["quotes"].to_pylist() if q["translated"]}
    response = _datasette_get(exported, "/nato/translated_quotations.json?_shape=array")
    assert {row["id"] for row in response.json()} == expected


def test_metadata_describes_every_column_of_every_table(exported):
    """metadata.json has a description for each table and each of its columns, and the licence."""
    path, metadata_path = exported
    metadata = json.loads(metadata_path.read_bytes())
    tables = metadata["databases"]["nato"]["tables"]
    names = [n for (n,) in _query(path, "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE '%_fts%'")]
    assert sorted(tables) == sorted(names)
    for name in names:
        columns = [row[1] for row in _query(path, f'PRAGMA table_info("{name}")')]
        assert tables[name]["description"]
        assert all(tables[name]["columns"].get(c) for c in columns), name
    assert metadata["license"] == "CC-BY-4.0"


def test_datasette_shows_column_descriptions_and_facets(exported):
    """The quotations page shows a column description and a facet from the metadata."""
    metadata = json.loads(exported[1].read_bytes())
    description = metadata["databases"]["nato"]["tables"]["quotations"]["columns"]["speaker_name"]
    response = _datasette_get(exported, "/nato/quotations")
    assert response.status_code == 200
    assert f"<dt>speaker_name</dt><dd>{escape(description)}</dd>" in response.text
    assert 'id="facet-speaker_name" data-column="speaker_name"' in response.text


def test_export_is_deterministic(tmp_path):
    """Two exports of the same tables give the same database and metadata bytes."""
    tables, descriptor = release()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = export_sqlite(tables, descriptor, tmp_path / "a" / "nato.db")
    second = export_sqlite(tables, descriptor, tmp_path / "b" / "nato.db")
    assert first.read_bytes() == second.read_bytes()
    assert (tmp_path / "a" / "nato.metadata.json").read_bytes() == (tmp_path / "b" / "nato.metadata.json").read_bytes()


# --- bad input: one message, non-zero exit, nothing half-written ------------------------


def test_cli_writes_database_and_metadata(tmp_path, capsys):
    """`export sqlite PATH --from DIR` writes both files and prints how to open them."""
    assert _run(["export", "sqlite", str(tmp_path / "out.db"), "--from", str(RELEASE)]) == 0
    assert _query(tmp_path / "out.db", "SELECT count(*) FROM quotations")[0][0] > 0
    assert (tmp_path / "out.metadata.json").is_file()
    assert f"datasette {tmp_path / 'out.db'} -m {tmp_path / 'out.metadata.json'}" in capsys.readouterr().out


def test_cli_replaces_an_existing_file(tmp_path):
    """An existing database file is replaced by the new export."""
    target = tmp_path / "out.db"
    target.write_bytes(b"old")
    assert _run(["export", "sqlite", str(target), "--from", str(RELEASE)]) == 0
    assert target.read_bytes().startswith(b"SQLite format 3\x00")


def test_cli_refuses_a_folder_as_path(tmp_path, capsys):
    """PATH that is a folder: exit 2, a message saying so, nothing written in it."""
    assert _run(["export", "sqlite", str(tmp_path), "--from", str(RELEASE)]) == 2
    assert f"{tmp_path} exists and is not a file" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_cli_refuses_a_missing_folder(tmp_path, capsys):
    """PATH in a folder that does not exist: exit 2 and a message naming the folder."""
    assert _run(["export", "sqlite", str(tmp_path / "nope" / "x.db"), "--from", str(RELEASE)]) == 2
    assert f"the folder {tmp_path / 'nope'} does not exist; create it first" in capsys.readouterr().err


def test_cli_refuses_an_unwritable_folder(tmp_path, capsys, monkeypatch):
    """A folder where no file can be created: exit 2, a message saying so, nothing left behind."""

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    assert _run(["export", "sqlite", str(tmp_path / "x.db"), "--from", str(RELEASE)]) == 2
    assert f"cannot write the database in {tmp_path} (Permission denied)" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes in read-only folders")
def test_cli_refuses_a_read_only_folder(tmp_path, capsys):
    """A folder without write permission: exit 2 and a message; nothing written."""
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    try:
        assert _run(["export", "sqlite", str(folder / "x.db"), "--from", str(RELEASE)]) == 2
        assert "choose a folder you can write to" in capsys.readouterr().err
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_cli_refuses_an_unknown_version(tmp_path, capsys):
    """--version that no release has: exit 2, the valid versions listed, nothing written."""
    assert _run(["export", "sqlite", str(tmp_path / "x.db"), "--version", "9.9.9"]) == 2
    assert "unknown version '9.9.9'; valid versions: 1.0.0" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_cli_refuses_a_folder_that_is_not_a_release(tmp_path, capsys):
    """--from a folder without datapackage.json: exit 2 and a message saying what a release folder holds."""
    (tmp_path / "empty").mkdir()
    assert _run(["export", "sqlite", str(tmp_path / "x.db"), "--from", str(tmp_path / "empty")]) == 2
    assert "is not a release folder: datapackage.json is missing" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()


def test_cli_refuses_a_resource_path_outside_the_release(tmp_path, capsys):
    """A descriptor whose resource points outside its folder is refused, not followed."""
    folder = tmp_path / "rel"
    folder.mkdir()
    descriptor = {"resources": [{"name": "quotes", "path": "../../etc/passwd"}]}
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert _run(["export", "sqlite", str(tmp_path / "x.db"), "--from", str(folder)]) == 2
    assert "has path '../../etc/passwd' outside the release folder" in capsys.readouterr().err


def test_broken_foreign_key_is_refused_and_the_old_file_kept(tmp_path):
    """Tables with a dangling key raise a message naming it; the existing file is untouched, no temp left."""
    tables, descriptor = release()
    tables["quotes"] = replace_value(tables["quotes"], "speaker", 0, "actor:nobody-at-all")
    target = tmp_path / "nato.db"
    target.write_bytes(b"previous export")
    with pytest.raises(NatoCorpusError, match="speaker='actor:nobody-at-all' is not in actors"):
        export_sqlite(tables, descriptor, target)
    assert target.read_bytes() == b"previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nato.db"]
