"""croissant.json (read by mlcroissant), schema.org Dataset JSON-LD and .zenodo.json."""

from __future__ import annotations

import hashlib
import json
import shutil
from functools import cache

import pytest
from _standards_fixture import RELEASE, release

from nato_corpus.errors import UsageError
from nato_corpus.release.standards import croissant, dataset_jsonld, zenodo_json


def _files() -> dict[str, bytes]:
    _, descriptor, _ = release()
    return {r["path"]: (RELEASE / r["path"]).read_bytes() for r in descriptor["resources"]}


@cache
def _croissant() -> dict:
    tables, descriptor, _ = release()
    return json.loads(croissant(tables, descriptor, _files())["croissant.json"])


@pytest.fixture(scope="module")
def croissant_path(tmp_path_factory):
    """croissant.json written beside a copy of the release's data/."""
    folder = tmp_path_factory.mktemp("release")
    shutil.copytree(RELEASE / "data", folder / "data")
    tables, descriptor, _ = release()
    (folder / "croissant.json").write_bytes(croissant(tables, descriptor, _files())["croissant.json"])
    return folder / "croissant.json"


@pytest.fixture
def loaded(croissant_path):
    """A fresh mlcroissant Dataset over croissant.json (its record iterators are not reusable)."""
    mlc = pytest.importorskip("mlcroissant")
    return mlc.Dataset(jsonld=str(croissant_path))


def test_mlcroissant_validates_without_errors(loaded):
    """mlcroissant opens croissant.json and reports no errors."""
    assert not loaded.metadata.ctx.issues.errors


def test_every_record_set_loads_with_parquet_row_count(loaded):
    """Every table is a record set, and mlcroissant yields as many records as the Parquet file has rows."""
    tables, _, _ = release()
    counts = {rs.name: sum(1 for _ in loaded.records(rs.uuid)) for rs in loaded.metadata.record_sets}
    assert counts == {name: table.num_rows for name, table in tables.items()}


def test_loaded_ids_match_parquet(loaded):
    """The quotes record set yields the quote ids of the Parquet table."""
    tables, _, _ = release()
    ids = sorted(r["quotes/id"].decode("utf-8") for r in loaded.records("quotes"))
    assert ids == sorted(tables["quotes"].column("id").to_pylist())


def test_distribution_carries_each_file_sha256():
    """Each FileObject's sha256 is the SHA-256 of its Parquet file and its contentUrl is relative."""
    for obj in _croissant()["distribution"]:
        data = (RELEASE / obj["contentUrl"]).read_bytes()
        assert obj["sha256"] == hashlib.sha256(data).hexdigest()
        assert obj["contentUrl"].startswith("data/")


def test_references_are_one_step():
    """No referenced record set itself has references (mlcroissant cannot follow two-step chains)."""
    sets = {rs["@id"]: rs for rs in _croissant()["recordSet"]}
    refs = [
        (rs["@id"], f["references"]["field"]["@id"]) for rs in sets.values() for f in rs["field"] if "references" in f
    ]
    assert refs
    for _, target in refs:
        assert not any("references" in f for f in sets[target.split("/")[0]]["field"])


def test_quote_occurrences_reference_captures():
    """The foreign key quote_occurrences.capture -> captures.id is a Croissant reference."""
    occ = next(rs for rs in _croissant()["recordSet"] if rs["@id"] == "quote_occurrences")
    field = next(f for f in occ["field"] if f["@id"] == "quote_occurrences/capture")
    assert field["references"] == {"field": {"@id": "captures/id"}}


def test_missing_file_bytes_are_refused():
    """croissant() without a data file's bytes says which file and what to pass."""
    tables, descriptor, _ = release()
    files = _files()
    files.pop("data/quotes.parquet")
    with pytest.raises(UsageError, match=r"no bytes for data/quotes\.parquet.*`files`"):
        croissant(tables, descriptor, files)


def test_no_url_without_homepage():
    """Without a homepage in the descriptor, neither croissant.json nor the Dataset has a url."""
    tables, descriptor, _ = release()
    assert "homepage" not in descriptor
    assert "url" not in _croissant()
    assert "url" not in json.loads(dataset_jsonld(descriptor, tables)["dataset.jsonld"])


def test_homepage_becomes_url():
    """With a homepage in the descriptor, both carry it as url."""
    tables, descriptor, _ = release()
    with_home = {**descriptor, "homepage": "https://example.org/nato-corpus"}
    assert json.loads(croissant(tables, with_home, _files())["croissant.json"])["url"] == with_home["homepage"]
    assert json.loads(dataset_jsonld(with_home, tables)["dataset.jsonld"])["url"] == with_home["homepage"]


def test_dataset_jsonld_parses_as_schema_org_dataset():
    """rdflib reads the schema.org Dataset with its name, version and licence (context given inline)."""
    rdflib = pytest.importorskip("rdflib")
    tables, descriptor, _ = release()
    data = json.loads(dataset_jsonld(descriptor, tables)["dataset.jsonld"])
    data["@context"] = {"@vocab": "https://schema.org/"}  # no network: the same vocabulary, inline
    graph = rdflib.Graph().parse(data=json.dumps(data), format="json-ld")
    SDO = rdflib.Namespace("https://schema.org/")
    dataset = graph.value(predicate=rdflib.RDF.type, object=SDO.Dataset, any=False)
    assert str(graph.value(dataset, SDO.version)) == descriptor["version"]
    assert str(graph.value(dataset, SDO.license)) == descriptor["licenses"][0]["path"]


def test_zenodo_json_is_a_dataset_with_descriptor_facts():
    """.zenodo.json is a dataset with the descriptor's creators, licence, keywords and source URLs."""
    _, descriptor, _ = release()
    data = json.loads(zenodo_json(descriptor))
    assert data["upload_type"] == "dataset"
    assert [c["name"] for c in data["creators"]] == [c["title"] for c in descriptor["contributors"]]
    assert data["license"] == descriptor["licenses"][0]["name"].lower()
    assert data["keywords"] == descriptor["keywords"]
    urls = {s["path"] for s in descriptor["sources"] if "path" in s}
    assert {r["identifier"] for r in data["related_identifiers"]} == urls


def test_zenodo_json_invents_nothing():
    """A descriptor with no licence, sources or date gives no licence, identifiers, DOI or date."""
    data = json.loads(
        zenodo_json({"name": "x", "version": "1.0.0", "contributors": [{"title": "A", "role": "author"}]})
    )
    assert set(data) == {"upload_type", "title", "version", "creators"}
