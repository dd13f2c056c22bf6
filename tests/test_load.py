"""load(), tables(), versions(), info() over a fake bundled release, and a light import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pyarrow as pa
import pytest
from _release_fixture import DESCRIPTIONS, TABLES, make_release

from nato_corpus import errors
from nato_corpus.access.download import download
from nato_corpus.access.load import info, load, tables, versions
from nato_corpus.errors import UsageError

# The module itself: the name nato_corpus.load is also the public function.
bundled_module = import_module("nato_corpus.access.bundled")
REPO = Path(__file__).resolve().parent.parent
HEAVY = ("pyarrow", "frictionless", "pydantic", "pandas", "numpy", "pooch", "requests", "yaml")


@pytest.fixture(autouse=True)
def bundled(tmp_path, monkeypatch) -> Path:
    """Releases 0.9.0 and 1.0.0 (latest) bundled; an empty cache; no mirror."""
    root = tmp_path / "bundled"
    make_release(root, "0.9.0")
    make_release(root, "1.0.0")
    monkeypatch.setattr(bundled_module, "root", lambda: root)
    monkeypatch.setenv("NATO_CORPUS_CACHE", str(tmp_path / "cache"))
    for name in ("NATO_CORPUS_URL", "NATO_CORPUS_OFFLINE", "NATO_CORPUS_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    return root


@pytest.mark.parametrize("table", list(TABLES))
def test_load_returns_the_table_as_stored(table):
    """Every table loads with its rows and types, and a description on every field."""
    loaded = load(table)
    assert isinstance(loaded, pa.Table)
    assert loaded.num_rows == TABLES[table].num_rows
    assert loaded.schema.types == TABLES[table].schema.types
    assert loaded.to_pylist() == TABLES[table].to_pylist()
    for field in loaded.schema:
        assert field.metadata[b"description"] == DESCRIPTIONS[field.name].encode()


def test_load_without_version_reads_the_index_latest(bundled):
    """version=None means the release the index calls latest, not the highest folder."""
    index = json.loads((bundled / "index.json").read_text())
    index["latest"] = "0.9.0"
    (bundled / "index.json").write_text(json.dumps(index))
    assert info()["version"] == "0.9.0"
    assert load("quotes").num_rows == TABLES["quotes"].num_rows


def test_tables_follow_the_descriptor():
    """tables() lists the descriptor's resources in order, not a hard-coded list."""
    assert tables() == list(TABLES)
    assert tables("0.9.0") == list(TABLES)


def test_unknown_table_lists_the_valid_ones():
    """A wrong table name is a UsageError naming every table of the release."""
    with pytest.raises(errors.UsageError, match=r"unknown table 'quote'.*documents, quotes, quote_occurrences"):
        load("quote")


def test_unknown_version_lists_the_valid_ones():
    """A wrong version is a UsageError naming every known version and how to get newer ones."""
    with pytest.raises(
        errors.UsageError,
        match=r"unknown version '2\.0'; valid versions: 0\.9\.0, 1\.0\.0.*NATO_CORPUS_URL",
    ):
        load("quotes", version="2.0")


def test_versions_sort_semantically(bundled, tmp_path):
    """versions() sorts 0.10.0 after 0.9.0 and a pre-release before its release, cache included."""
    for version in ("0.10.0", "1.0.0-rc.1"):
        make_release(bundled, version)
    make_release(tmp_path / "cache", "1.2.0")
    assert versions() == ["0.9.0", "0.10.0", "1.0.0-rc.1", "1.0.0", "1.2.0"]


def test_info_says_version_counts_licence_and_citation(bundled):
    """info() gives the version, rows per table, the licence and a citation from the descriptor."""
    about = info("1.0.0")
    assert about["version"] == "1.0.0"
    assert about["counts"] == {name: table.num_rows for name, table in TABLES.items()}
    assert about["license"] == "Creative Commons Attribution 4.0 (https://creativecommons.org/licenses/by/4.0/)"
    assert about["citation"] == "Ada Example (2026). Test corpus, version 1.0.0 [data set]."
    assert Path(about["path"]) == bundled / "1.0.0"


def test_info_prefers_the_descriptor_citation(bundled):
    """A release that states how to cite it is quoted as is."""
    make_release(bundled, "1.1.0", citation="Cite me like this.")
    assert info("1.1.0")["citation"] == "Cite me like this."


def test_modified_bundled_file_is_refused(bundled):
    """A bundled table whose bytes no longer match the descriptor is not loaded."""
    path = bundled / "1.0.0" / "data" / "quotes.parquet"
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(errors.NatoCorpusError, match=r"does not verify: data/quotes.parquet.*Reinstall"):
        load("quotes")


def test_version_not_bundled_is_downloaded(tmp_path, monkeypatch):
    """A version only on the mirror, once downloaded with trust_mirror=True, is verified, cached and loaded."""
    mirror = tmp_path / "mirror"
    make_release(mirror, "2.0.0")
    monkeypatch.setenv("NATO_CORPUS_URL", str(mirror))
    with pytest.raises(UsageError, match=r"release 2\.0\.0 is not pinned by this installation.*trust_mirror=True"):
        load("quotes", version="2.0.0")
    download("2.0.0", trust_mirror=True)
    assert load("quotes", version="2.0.0").num_rows == TABLES["quotes"].num_rows
    assert (tmp_path / "cache" / "2.0.0" / "datapackage.json").is_file()
    assert "2.0.0" in versions()
    monkeypatch.delenv("NATO_CORPUS_URL")  # now served from the cache alone
    assert tables("2.0.0") == list(TABLES)


def test_a_cached_table_changed_after_it_verified_is_refused(tmp_path, monkeypatch):
    """load() reuses a verified download by its record, but a table changed since (same size) is caught."""
    mirror = tmp_path / "mirror"
    make_release(mirror, "2.0.0")
    monkeypatch.setenv("NATO_CORPUS_URL", str(mirror))
    download("2.0.0", trust_mirror=True)
    monkeypatch.delenv("NATO_CORPUS_URL")
    assert load("quotes", version="2.0.0").num_rows == TABLES["quotes"].num_rows
    table = tmp_path / "cache" / "2.0.0" / "data" / "quotes.parquet"
    data = bytearray(table.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, other bytes
    table.write_bytes(bytes(data))
    os.utime(table, ns=(1, 1))
    with pytest.raises(errors.DownloadError, match=r"data/quotes\.parquet has sha256 .* the descriptor says"):
        load("quotes", version="2.0.0")


def test_import_is_light():
    """Importing nato_corpus (and its load and download modules) imports no heavy library."""
    code = (
        "import json, sys, nato_corpus, nato_corpus.access.load, nato_corpus.access.download; "
        "print(json.dumps(sorted(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    modules = json.loads(result.stdout)
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert heavy == []


def _downloaded(tmp_path, monkeypatch, version: str = "2.0.0") -> Path:
    """A release downloaded (and verified) into the cache, the mirror then forgotten."""
    mirror = tmp_path / "mirror"
    make_release(mirror, version)
    monkeypatch.setenv("NATO_CORPUS_URL", str(mirror))
    download(version, trust_mirror=True)
    monkeypatch.delenv("NATO_CORPUS_URL")
    return tmp_path / "cache" / version


def test_a_cached_table_loads_without_reading_the_descriptor(tmp_path, monkeypatch):
    """A cold load of a verified download reads the table by the record of its verification alone."""
    folder = _downloaded(tmp_path, monkeypatch)
    layout = import_module("nato_corpus.release.layout")
    monkeypatch.setattr(layout, "read_descriptor", lambda *a: pytest.fail("the descriptor was read"))
    table = load("quotes", version="2.0.0")
    assert table.equals(load_expected(folder))
    assert table.schema.field("words").metadata[b"description"] == DESCRIPTIONS["words"].encode()


def load_expected(folder: Path) -> pa.Table:
    import pyarrow.parquet as pq

    return pq.read_table(folder / "data" / "quotes.parquet")


def test_a_cached_descriptor_changed_after_it_verified_is_read_again(tmp_path, monkeypatch):
    """A descriptor rewritten after the release verified is not answered from the record: it is checked
    and read again (this version is pinned by no index, so its new text stands)."""
    folder = _downloaded(tmp_path, monkeypatch)
    descriptor = folder / "datapackage.json"
    descriptor.write_text(descriptor.read_text().replace(DESCRIPTIONS["words"], "Changed since."))
    words = load("quotes", version="2.0.0").schema.field("words")
    assert words.metadata[b"description"] == b"Changed since."


def test_a_cache_recorded_by_an_older_version_gets_the_tables_record(tmp_path, monkeypatch):
    """A verified download without the tables' record loads in full once, and has the record after."""
    folder = _downloaded(tmp_path, monkeypatch)
    record = folder.parent / ".verified" / "2.0.0.tables.json"
    record.unlink()
    assert load("quotes", version="2.0.0").num_rows == TABLES["quotes"].num_rows
    assert (
        json.loads(record.read_bytes())["resources"]
        == json.loads((folder / "datapackage.json").read_bytes())["resources"]
    )


@pytest.mark.parametrize("damage", ["{", "[]", '{"files": {}}', '{"files": 1, "resources": 2}'])
def test_an_unusable_tables_record_means_a_full_check(tmp_path, monkeypatch, damage):
    """A malformed record of the tables is no record: the release is checked in full and loads."""
    folder = _downloaded(tmp_path, monkeypatch)
    (folder.parent / ".verified" / "2.0.0.tables.json").write_text(damage)
    assert load("quotes", version="2.0.0").num_rows == TABLES["quotes"].num_rows


def test_a_cold_load_imports_neither_the_downloader_nor_its_transport(tmp_path, monkeypatch):
    """Loading a table of a verified download needs only the record: no download, fetch or settings modules."""
    _downloaded(tmp_path, monkeypatch)
    code = (
        "import json, sys, nato_corpus; nato_corpus.load('quotes', '2.0.0'); "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('nato_corpus'))))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("NATO_CORPUS")}
    env.update(NATO_CORPUS_CACHE=str(tmp_path / "cache"), NATO_CORPUS_OFFLINE="1")
    # the bundled index of this checkout does not pin 2.0.0, so the record's own pin decides
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, env=env, check=True)
    loaded = set(json.loads(result.stdout))
    assert not loaded & {"nato_corpus.access.download", "nato_corpus.access.fetch", "nato_corpus.access.settings"}
