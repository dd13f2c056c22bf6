"""Records -> tables: columns generated from the models, keys, types, and the round trip back."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nato_corpus.curation.validate import check_raw
from nato_corpus.records import models
from nato_corpus.records.grades import CREDIBILITY, RELIABILITY
from nato_corpus.release import columns as specs
from nato_corpus.release import package, schemas, tables

MINI = Path(__file__).parent / "data" / "mini"


@pytest.fixture(scope="module")
def mini():
    checked = check_raw(MINI)
    assert checked.report.ok, checked.report.to_json()
    return checked


@pytest.fixture(scope="module")
def built(mini):
    return tables.build_tables(mini.records, {name: c.text for name, c in mini.captures.items()})


def test_every_model_field_is_published():
    """Each field of each record type is a column of its main table or a link table of its own."""
    for kind, (model, _, _) in models.RECORD_TYPES.items():
        spec = specs.TABLES[specs.MAIN_TABLES[kind]]
        columns = {c.path[0] for c in spec.columns if c.path}
        links = {s.list_field for s in specs.SPECS if s.kind == kind and s.is_link}
        assert set(model.model_fields) <= columns | links, kind


def test_column_descriptions_are_the_field_docstrings():
    """A column's description is its field's docstring, not its type's generic text."""
    quotes = specs.TABLES["quotes"]
    assert quotes.column("speaker").description == "Who said or wrote the words."
    assert quotes.column("date").description.startswith("When the words were said or written")
    assert all(c.description for spec in specs.SPECS for c in spec.columns)


def test_parquet_fields_carry_descriptions(built):
    """Every column of every table has its description in the Arrow field metadata."""
    for name, table in built.items():
        for arrow_field in table.schema:
            assert arrow_field.metadata[b"description"], (name, arrow_field.name)


def test_every_reference_is_a_foreign_key():
    """Each reference field is declared a foreign key, in the main table or in a link table."""
    keys = {
        (spec.name, fk["fields"][0]): fk["reference"]["resource"] for spec in specs.SPECS for fk in spec.foreign_keys()
    }
    assert keys[("quotes", "speaker")] == "actors"
    assert keys[("documents", "capture")] == "captures"
    assert keys[("quote_occurrences", "capture")] == "captures"
    assert keys[("quote_occurrences", "document")] == "documents"
    assert keys[("document_relations", "target")] == "documents"
    assert keys[("document_authors", "actor")] == "actors"
    assert keys[("event_evidence", "document")] == "documents"
    assert keys[("event_participants", "actor")] == "actors"


def test_tables_are_sorted_by_primary_key(built):
    """Rows come in primary-key order, so the same records always give the same file."""
    for spec in specs.SPECS:
        rows = built[spec.name].select(list(spec.primary_key)).to_pylist()
        keys = [tuple(row[k] for k in spec.primary_key) for row in rows]
        assert keys == sorted(keys), spec.name


def test_grades_are_dictionary_encoded_with_labels():
    """Reliability is a dictionary of A-F, credibility a small int 1-6, both with their labels."""
    reliability = specs.TABLES["documents"].column("reliability_grade")
    assert reliability.arrow_type == pa.dictionary(pa.int8(), pa.string())
    field = reliability.schema_field()
    assert field["constraints"]["enum"] == list(RELIABILITY)
    assert {c["value"]: c["label"] for c in field["categories"]} == {k: v[0] for k, v in RELIABILITY.items()}
    credibility = specs.TABLES["quotes"].column("credibility_grade").schema_field()
    assert credibility["type"] == "integer"
    assert [c["label"] for c in credibility["categories"]] == [v[0] for v in CREDIBILITY.values()]


def test_edtf_dates_keep_the_string_and_gain_bounds(built):
    """An uncertain date stays as written and also gives its earliest and latest day."""
    row = next(r for r in built["documents"].to_pylist() if r["id"] == "doc:second-letter")
    assert row["date"] == "1995-05-12?"
    assert row["date_earliest"] == row["date_latest"] == dt.date(1995, 5, 12)
    event = built["events"].to_pylist()[0]
    assert (event["date_earliest"], event["date_latest"]) == (
        dt.date(1995, 5, 5),
        dt.date(1995, 5, 12),
    )


def test_lists_are_list_columns_and_link_rows(built):
    """A list of ids is a list column and, in order, the rows of its link table."""
    row = next(r for r in built["events"].to_pylist() if r["id"] == "event:letter-exchange")
    links = [r["document"] for r in built["event_evidence"].to_pylist() if r["event"] == "event:letter-exchange"]
    assert row["evidence"] == links == ["doc:first-letter", "doc:test-page"]


def test_capture_text_only_where_public_domain(mini):
    """The full text of a capture is published only when its rights are public domain."""
    capture = mini.records["capture"][0]
    texts = {capture.file: mini.captures[capture.file].text}
    public = tables.build_tables(mini.records, texts)["captures"].to_pylist()[0]
    assert public["text"] == texts[capture.file]
    withheld = dict(mini.records, capture=[capture.model_copy(update={"rights": "copyrighted_excerpts_only"})])
    row = tables.build_tables(withheld, texts)["captures"].to_pylist()[0]
    assert row["text"] is None and row["sha256"] == capture.sha256


def test_records_round_trip_through_tables(mini, built):
    """The mini corpus comes back from its tables unchanged."""
    assert tables.records_from_tables(built) == mini.records


def test_schemas_render_deterministically():
    """Rendering the schema files twice gives the same text, for every table and record type."""
    first, second = schemas.render_schemas(), schemas.render_schemas()
    assert first == second
    assert {f"tables/{name}.json" for name in specs.table_names()} <= set(first)
    assert "records/Quote.json" in first and "records/Corpus.json" in first


def test_write_schemas_makes_schema_dir_current(tmp_path):
    """After write_schemas, nothing is stale; an edit or a leftover file makes it stale again."""
    schemas.write_schemas(tmp_path)
    assert schemas.stale_schemas(tmp_path) == []
    (tmp_path / "tables" / "quotes.json").write_text("{}", encoding="utf-8")
    (tmp_path / "tables" / "gone.json").write_text("{}", encoding="utf-8")
    assert sorted(p.name for p in schemas.stale_schemas(tmp_path)) == ["gone.json", "quotes.json"]
    schemas.write_schemas(tmp_path)
    assert schemas.stale_schemas(tmp_path) == [] and not (tmp_path / "tables" / "gone.json").exists()


def test_table_schemas_match_the_release_descriptor(tmp_path, mini):
    """schema/tables/<table>.json is exactly the schema a release embeds for that table (views aside)."""
    files = package.render_release(mini, dist_dir=tmp_path)
    descriptor = json.loads(files["datapackage.json"])
    rendered = schemas.render_schemas()
    tables_of_records = [r for r in descriptor["resources"] if r["name"] in specs.TABLES]
    assert len(tables_of_records) == len(specs.SPECS)
    for resource in tables_of_records:
        assert json.loads(rendered[f"tables/{resource['name']}.json"]) == resource["schema"]


# --------------------------------------------------------------------------- property: round trip

_slug = st.from_regex(r"[a-z0-9]{1,6}(?:[-_.][a-z0-9]{1,4}){0,2}", fullmatch=True)
_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=30)
_opt_text = st.none() | st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)
_url = st.sampled_from(["https://example.org/", "http://a.example/x?y=1#z", "https://nsarchive.gwu.edu/document/27166"])
_lang = st.sampled_from(["en", "de", "ru", "en-GB"])
_edtf = st.one_of(
    st.sampled_from(["unknown", "1994~", "1994-12?", "1994-09-27/1994-09-28", "1994-11/..", "199X", "1994-11/"]),
    st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat),
    st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)).map(lambda d: d.isoformat()[:7]),
)


def _id(prefix: str):
    return _slug.map(lambda s: f"{prefix}:{s}")


def _choice(model, name):
    from typing import get_args

    return st.sampled_from(get_args(model.model_fields[name].annotation))


_reliability = st.builds(models.Reliability, grade=_choice(models.Reliability, "grade"), rationale=_text)
_credibility = st.builds(models.Credibility, grade=_choice(models.Credibility, "grade"), rationale=_text)
_offset = st.integers(0, 10_000)

_strategies = {
    "capture": st.builds(
        models.Capture,
        id=_id("capture"),
        file=_slug.map(lambda s: f"{s}.txt"),
        sha256=st.from_regex(r"[0-9a-f]{64}", fullmatch=True),
        bytes=_offset,
        characters=_offset,
        title=_text,
        site=_text,
        site_url=st.none() | _url,
        page_url=_url | st.just("unknown"),
        captured=_edtf,
        obtained=_text,
        rights=_choice(models.Capture, "rights"),
        segments=st.lists(
            st.builds(
                models.Segment,
                kind=_choice(models.Segment, "kind"),
                start=_offset,
                end=_offset,
                note=_opt_text,
            ),
            max_size=3,
        ),
        notes=_opt_text,
    ),
    "actor": st.builds(
        models.Actor,
        id=_id("actor"),
        name=_text,
        kind=_choice(models.Actor, "kind"),
        aliases=st.lists(_text, max_size=3),
        description=_opt_text,
        wikidata=st.none() | st.integers(1, 10**6).map(lambda n: f"Q{n}"),
        notes=_opt_text,
    ),
    "document": st.builds(
        models.Document,
        id=_id("doc"),
        title=_text,
        kind=_choice(models.Document, "kind"),
        date=_edtf,
        date_note=_opt_text,
        authors=st.lists(_id("actor"), max_size=3),
        recipients=st.lists(_id("actor"), max_size=2),
        language=_lang,
        original_language=st.none() | _lang,
        publisher=st.none() | _id("actor"),
        holder=st.none() | _id("actor"),
        urls=st.lists(
            st.builds(
                models.DocumentUrl,
                kind=_choice(models.DocumentUrl, "kind"),
                url=_url,
                source=_opt_text,
            ),
            max_size=2,
        ),
        release=_choice(models.Document, "release"),
        release_note=_opt_text,
        capture=st.none() | _id("capture"),
        relations=st.lists(
            st.builds(
                models.Relation,
                type=_choice(models.Relation, "type"),
                target=_id("doc"),
                note=_opt_text,
            ),
            max_size=2,
        ),
        rights=_choice(models.Document, "rights"),
        reliability=_reliability,
        status=_choice(models.Document, "status"),
        status_reason=_opt_text,
        notes=_opt_text,
    ),
    "event": st.builds(
        models.Event,
        id=_id("event"),
        title=_text,
        kind=_choice(models.Event, "kind"),
        date=_edtf,
        date_note=_opt_text,
        place=_opt_text,
        participants=st.lists(_id("actor"), max_size=3),
        summary=_text,
        evidence=st.lists(_id("doc"), min_size=1, max_size=3),
        credibility=_credibility,
        status=_choice(models.Event, "status"),
        status_reason=_opt_text,
        notes=_opt_text,
    ),
    "quote": st.builds(
        models.Quote,
        id=_id("quote"),
        text=_text,
        speaker=_id("actor"),
        addressee=st.none() | _id("actor"),
        date=_edtf,
        date_note=_opt_text,
        document=_id("doc"),
        occurrences=st.lists(
            st.builds(
                models.Occurrence,
                capture=_id("capture"),
                start=_offset,
                end=_offset,
                document=_id("doc"),
            ),
            min_size=1,
            max_size=3,
        ),
        language=_lang,
        original_language=st.none() | _lang,
        translated=st.booleans(),
        relays=st.integers(0, 9),
        form=_choice(models.Quote, "form"),
        credibility=_credibility,
        status=_choice(models.Quote, "status"),
        status_reason=_opt_text,
        notes=_opt_text,
    ),
}
_corpora = st.fixed_dictionaries(
    {kind: st.lists(strategy, max_size=4, unique_by=lambda r: r.id) for kind, strategy in _strategies.items()}
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(_corpora)
def test_any_records_round_trip_through_parquet(records):
    """Any valid records -> release Parquet files -> records gives back the same records."""
    built = tables.build_tables(records)
    read = {}
    for spec in specs.SPECS:
        data = package.parquet_bytes(built[spec.name], spec)
        read[spec.name] = pq.read_table(io.BytesIO(data))
    back = tables.records_from_tables(read)
    assert back == {kind: sorted(items, key=lambda r: r.id) for kind, items in records.items()}
