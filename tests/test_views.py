"""The ready-joined views: one row per record, joined values that agree with the tables they come from."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from _exports_data import release

from nato_corpus.records.grades import CREDIBILITY
from nato_corpus.release.exports import VIEWS, views

REPO = Path(__file__).resolve().parent.parent
EXPORTS = REPO / "nato_corpus" / "exports"


def _capture_texts(tables) -> dict[str, str]:
    """Each capture's text, from raw/captures/ (the release publishes only public-domain texts)."""
    return {
        c["id"]: (REPO / "raw" / "captures" / c["file"]).read_bytes().decode("utf-8")
        for c in tables["captures"].to_pylist()
    }


def _by_id(table: pa.Table) -> dict[str, dict]:
    return {row["id"]: row for row in table.to_pylist()}


def test_quotations_has_one_row_per_quote_in_the_same_order():
    """The quotations view lists every quotation once, in the quotes table's order."""
    tables, _ = release()
    assert views(tables)["quotations"]["id"].to_pylist() == tables["quotes"]["id"].to_pylist()


def test_clinton_quotations_with_credibility_and_where_found():
    """One filter answers "Clinton's quotations, how credible, where found"; each first span holds the words."""
    tables, _ = release()
    quotations = views(tables)["quotations"]
    clinton = quotations.filter(pc.equal(quotations["speaker_name"], "Bill Clinton")).to_pylist()
    expected = [q["id"] for q in tables["quotes"].to_pylist() if q["speaker"] == "actor:bill-clinton"]
    assert [row["id"] for row in clinton] == expected and expected
    texts = _capture_texts(tables)
    for row in clinton:
        assert row["credibility_label"] and row["capture_site"]
        assert texts[row["first_capture"]][row["first_start"] : row["first_end"]] == row["text"]


def test_every_first_span_slices_to_the_quotation():
    """first_capture, first_start and first_end locate the exact words of every quotation."""
    tables, _ = release()
    texts = _capture_texts(tables)
    for row in views(tables)["quotations"].to_pylist():
        assert texts[row["first_capture"]][row["first_start"] : row["first_end"]] == row["text"], row["id"]


def test_names_and_titles_are_those_of_the_referenced_records():
    """speaker_name, addressee_name and document_title are the names and title of the ids beside them."""
    tables, _ = release()
    actors = {a["id"]: a["name"] for a in tables["actors"].to_pylist()}
    documents = {d["id"]: d["title"] for d in tables["documents"].to_pylist()}
    for row in views(tables)["quotations"].to_pylist():
        assert row["speaker_name"] == actors[row["speaker"]]
        assert row["addressee_name"] == (actors[row["addressee"]] if row["addressee"] else None)
        assert row["document_title"] == documents[row["document"]]


def test_credibility_labels_are_the_admiralty_labels():
    """Each credibility_label is the label of its grade on the information-credibility scale."""
    tables, _ = release()
    for row in views(tables)["quotations"].to_pylist():
        assert row["credibility_label"] == CREDIBILITY[row["credibility_grade"]][0]


def test_grade_labels_are_not_restated_in_the_exports():
    """The exports read grade labels from the grades module only; no label is written out in their code."""
    sources = "".join(path.read_text(encoding="utf-8") for path in EXPORTS.glob("*.py"))
    for label, _ in CREDIBILITY.values():
        assert label not in sources


def test_language_chains_follow_the_translations():
    """German officials' words read 'de → en'; Clinton's via German 'en → de → en'; untranslated, one language."""
    tables, _ = release()
    rows = _by_id(views(tables)["quotations"])
    assert rows["quote:kinkel-currently"]["language_chain"] == "de → en"
    assert rows["quote:clinton-always-left-the-door-open"]["language_chain"] == "en → de → en"
    assert rows["quote:burns-note-more-candid-with-the-russians"]["language_chain"] == "en"


def test_occurrences_count_every_place_the_words_were_found():
    """occurrences equals the number of quote_occurrences rows of the quotation."""
    tables, _ = release()
    counts = Counter(tables["quote_occurrences"]["quote"].to_pylist())
    for row in views(tables)["quotations"].to_pylist():
        assert row["occurrences"] == counts[row["id"]]
    assert max(counts.values()) > 1


def test_actor_summary_counts_quotes_documents_and_events():
    """Each actor's counts equal the rows that name them in quotes, document links and event participants."""
    tables, _ = release()
    spoken = Counter(tables["quotes"]["speaker"].to_pylist())
    addressed = Counter(tables["quotes"]["addressee"].to_pylist())
    authored = Counter(a for _, a in {(r["document"], r["actor"]) for r in tables["document_authors"].to_pylist()})
    received = Counter(a for _, a in {(r["document"], r["actor"]) for r in tables["document_recipients"].to_pylist()})
    events = Counter(a for _, a in {(r["event"], r["actor"]) for r in tables["event_participants"].to_pylist()})
    summary = views(tables)["actor_summary"].to_pylist()
    assert [r["id"] for r in summary] == tables["actors"]["id"].to_pylist()
    for row in summary:
        actor = row["id"]
        assert (row["quotes_spoken"], row["quotes_addressed"]) == (spoken[actor], addressed[actor])
        assert (row["documents_authored"], row["documents_received"], row["events"]) == (
            authored[actor],
            received[actor],
            events[actor],
        )


def test_actor_summary_keeps_country_affiliation_and_role_when_actors_have_them():
    """Columns country/affiliation/role appear in the view, with their description, only if actors has them."""
    tables, _ = release()
    assert "country" not in views(tables)["actor_summary"].column_names
    actors = tables["actors"]
    field = pa.field("country", pa.string(), metadata={b"description": b"Country the actor served."})
    tables["actors"] = actors.append_column(field, pa.array(["DE"] * actors.num_rows))
    summary = views(tables)["actor_summary"]
    assert summary["country"].to_pylist() == ["DE"] * actors.num_rows
    schema = VIEWS["actor_summary"].table_schema(summary)
    described = {f["name"]: f["description"] for f in schema["fields"]}
    assert described["country"] == "Country the actor served."


def test_every_view_column_is_described_and_keyed():
    """Each view's Table Schema describes every column and keys it on id, with foreign keys to real tables."""
    tables, _ = release()
    for name, table in views(tables).items():
        schema = VIEWS[name].table_schema(table)
        assert [f["name"] for f in schema["fields"]] == table.column_names
        assert all(f["description"] for f in schema["fields"]), name
        assert schema["primaryKey"] == ["id"]
        for fk in schema["foreignKeys"]:
            target = fk["reference"]["resource"]
            assert fk["reference"]["fields"][0] in tables[target].column_names
        descriptions = {f.name: (f.metadata or {}).get(b"description") for f in table.schema}
        assert all(descriptions.values()), name
