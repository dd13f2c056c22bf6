"""The CSV edition: valid for Frictionless, byte-for-byte reproducible, and reads back to the same values."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from _exports_data import release, replace_value
from frictionless import Package

from nato_corpus.release.exports import csv_edition, views
from nato_corpus.release.exports._schema import describe
from nato_corpus.release.exports.csv_package import table_csv


def _write(files: dict[str, bytes], root: Path) -> Path:
    for name, data in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root / "csv" / "datapackage.json"


def _validate(descriptor_path: Path):
    return Package(str(descriptor_path)).validate()


def _error_types(report) -> set[str]:
    return {error.type for task in report.tasks for error in task.errors}


def test_every_table_and_a_descriptor_are_written():
    """One csv/<table>.csv per table of the release, plus csv/datapackage.json."""
    tables, descriptor = release()
    files = csv_edition(tables, descriptor)
    assert set(files) == {f"csv/{name}.csv" for name in tables} | {"csv/datapackage.json"}


def test_frictionless_validate_passes(tmp_path):
    """`frictionless validate csv/datapackage.json` finds no error: types, constraints, keys, hashes."""
    tables, descriptor = release()
    report = _validate(_write(csv_edition(tables, descriptor), tmp_path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    assert len(report.tasks) == len(tables)


def test_views_in_the_edition_pass_frictionless_validate(tmp_path):
    """With the joined views added as tables, the package still validates, their foreign keys included."""
    tables, descriptor = release()
    files = csv_edition({**tables, **views(tables)}, descriptor)
    report = _validate(_write(files, tmp_path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    names = [r["name"] for r in json.loads(files["csv/datapackage.json"])["resources"]]
    assert names[-2:] == ["quotations", "actor_summary"]


def test_broken_foreign_key_fails_validation(tmp_path):
    """A quotation whose speaker is not an actor makes the package invalid with a foreign-key error."""
    tables, descriptor = release()
    tables["quotes"] = replace_value(tables["quotes"], "speaker", 0, "actor:nobody-at-all")
    report = _validate(_write(csv_edition(tables, descriptor), tmp_path))
    assert not report.valid
    assert "foreign-key" in _error_types(report)


def test_changed_file_fails_its_hash(tmp_path):
    """A CSV file changed after writing no longer matches the sha256 and size in the descriptor."""
    tables, descriptor = release()
    path = _write(csv_edition(tables, descriptor), tmp_path)
    quotes = path.parent / "quotes.csv"
    quotes.write_bytes(quotes.read_bytes().replace(b"candid", b"frank"))
    report = _validate(path)
    assert not report.valid
    assert _error_types(report) & {"hash-count", "byte-count"}


def test_same_tables_give_the_same_bytes():
    """Building twice, or from the same rows in other chunks, gives identical bytes for every file."""
    tables, descriptor = release()
    first = csv_edition(tables, descriptor)
    rechunked = {name: pa.Table.from_batches(t.to_batches(max_chunksize=7), t.schema) for name, t in tables.items()}
    assert csv_edition(rechunked, descriptor) == first
    assert csv_edition(tables, descriptor) == first


def _read_back(data: bytes, table: pa.Table) -> list[dict]:
    """Read a CSV file with pyarrow's reader, typed as the Parquet table, lists parsed from JSON."""
    types = {}
    lists = []
    for field in table.schema:
        arrow_type = field.type.value_type if pa.types.is_dictionary(field.type) else field.type
        if pa.types.is_list(arrow_type):
            lists.append(field.name)
            arrow_type = pa.string()
        types[field.name] = arrow_type
    read = pacsv.read_csv(
        pa.BufferReader(data),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types=types,
            null_values=[""],
            strings_can_be_null=True,
            true_values=["true"],
            false_values=["false"],
        ),
    )
    result = read.to_pylist()
    for row in result:
        for name in lists:
            row[name] = json.loads(row[name])
    return result


@pytest.mark.parametrize("name", [r["name"] for r in release()[1]["resources"]])
def test_csv_reads_back_to_the_parquet_values(name):
    """pyarrow's CSV reader, typed as the Parquet table, gives back exactly the published values."""
    tables, descriptor = release()
    files = csv_edition(tables, descriptor)
    assert _read_back(files[f"csv/{name}.csv"], tables[name]) == tables[name].to_pylist()


def test_frictionless_reads_lists_dates_and_booleans_back(tmp_path):
    """Frictionless parses the JSON-array, date and boolean cells of quotes into the Parquet values."""
    tables, descriptor = release()
    path = _write(csv_edition(tables, descriptor), tmp_path)
    rows = Package(str(path)).get_resource("quotes").read_rows()
    expected = tables["quotes"].to_pylist()
    for row, want in zip(rows, expected, strict=True):
        assert row["via_languages"] == want["via_languages"]
        assert row["translated"] is want["translated"]
        assert row["date_earliest"] == want["date_earliest"]


def test_values_are_written_as_documented():
    """Quoting (RFC 4180), true/false, ISO dates, empty for null and JSON arrays, with \\n line ends."""
    table = pa.table(
        {
            "id": ["a", "b"],
            "text": ['he said "no", then\nleft', None],
            "ok": [True, False],
            "day": pa.array([datetime.date(1994, 11, 28), None], pa.date32()),
            "via": pa.array([["de", "ru"], []], pa.list_(pa.string())),
            "n": pa.array([3, None], pa.int64()),
        }
    )
    info = describe({"t": table}, {})[0]
    assert table_csv(table, info) == (
        b'id,text,ok,day,via,n\na,"he said ""no"", then\nleft",true,1994-11-28,"[""de"",""ru""]",3\nb,,false,,[],\n'
    )


def test_list_and_boolean_fields_say_how_they_are_written():
    """List columns are typed array with arrayItem and say 'JSON array'; booleans declare true/false."""
    tables, descriptor = release()
    package = json.loads(csv_edition(tables, descriptor)["csv/datapackage.json"])
    fields = {f["name"]: f for r in package["resources"] if r["name"] == "quotes" for f in r["schema"]["fields"]}
    assert fields["via_languages"]["type"] == "array"
    assert fields["via_languages"]["arrayItem"]["type"] == "string"
    assert "JSON array" in fields["via_languages"]["description"]
    assert (fields["translated"]["trueValues"], fields["translated"]["falseValues"]) == (
        ["true"],
        ["false"],
    )
    assert all(r["schema"]["missingValues"] == [""] for r in package["resources"])


def test_descriptor_carries_the_release_metadata_and_keys():
    """Version, licences and sources come from the release; every resource keeps its keys."""
    tables, descriptor = release()
    package = json.loads(csv_edition(tables, descriptor)["csv/datapackage.json"])
    assert package["profile"] == "tabular-data-package"
    assert (package["version"], package["licenses"], package["sources"]) == (
        descriptor["version"],
        descriptor["licenses"],
        descriptor["sources"],
    )
    released = {r["name"]: r["schema"] for r in descriptor["resources"]}
    for resource in package["resources"]:
        assert (resource["format"], resource["encoding"]) == ("csv", "utf-8")
        assert resource["schema"]["primaryKey"] == released[resource["name"]]["primaryKey"]
        assert resource["schema"].get("foreignKeys", []) == released[resource["name"]].get("foreignKeys", [])


def test_a_column_the_descriptor_does_not_know_is_exported(tmp_path):
    """A column added by a later release is written, typed from Arrow and described from its metadata."""
    tables, descriptor = release()
    actors = tables["actors"]
    country = pa.array(["RU" if i % 2 else None for i in range(actors.num_rows)], pa.string())
    field = pa.field("country", pa.string(), metadata={b"description": b"Country the actor served."})
    tables["actors"] = actors.append_column(field, country)
    files = csv_edition(tables, descriptor)
    package = json.loads(files["csv/datapackage.json"])
    fields = {f["name"]: f for r in package["resources"] if r["name"] == "actors" for f in r["schema"]["fields"]}
    assert fields["country"] == {
        "name": "country",
        "type": "string",
        "description": "Country the actor served.",
    }
    assert files["csv/actors.csv"].split(b"\n", 1)[0].endswith(b",country")
    assert _validate(_write(files, tmp_path)).valid
