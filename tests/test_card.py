"""The data card (README.md of a release): its sections hold values computed from the tables."""

from __future__ import annotations

import ast
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import apply_edits

from nato_corpus.records.models import Verification
from nato_corpus.release import card as card_module
from nato_corpus.release import verification
from nato_corpus.release.build import build

MINI = Path(__file__).parent / "data" / "mini"
VERSION = "1.0.0"
#: verifications added to the mini corpus, so that the card has statuses to count
EDITS = [
    {
        "file": "quotes/quotes.yaml",
        "old": "  form: sentence\n",
        "new": "  form: sentence\n  verification:\n    status: verified\n    checked_against: [doc:first-letter]\n"
        "    checked_on: '2026-11-27'\n    differences:\n      - kind: words\n        note: The letter has 'in the spring'.\n"
        "    rationale: Read against the letter.\n",
    },
    {
        "file": "quotes/quotes.yaml",
        "old": "  form: fragment\n",
        "new": "  form: fragment\n  verification:\n    status: relay-only\n    checked_on: '2026-11-27'\n"
        "    rationale: The reply was not found.\n",
    },
    {
        "file": "events/events.yaml",
        "old": "  evidence: [doc:first-letter, doc:test-page]\n",
        "new": "  evidence: [doc:first-letter, doc:test-page]\n  verification:\n    status: partly-verified\n"
        "    checked_against: ['https://example.org/letters']\n    checked_on: '2026-11-27'\n"
        "    rationale: The first letter is in the archive; the reply is not.\n",
    },
]


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    """The mini corpus, with verifications, built once; the release folder."""
    root = tmp_path_factory.mktemp("card")
    raw = root / "raw"
    shutil.copytree(MINI, raw)
    apply_edits(raw, EDITS)
    build(raw, root / "dist")
    return root / "dist" / VERSION


@pytest.fixture(scope="module")
def card(release) -> str:
    return (release / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def descriptor(release) -> dict:
    return json.loads((release / "datapackage.json").read_text(encoding="utf-8"))


def section(card: str, heading: str) -> str:
    """The text of one section, from its heading to the next heading of the same level."""
    level = heading.split(" ", 1)[0]
    start = card.index(f"\n{heading}\n")
    following = re.search(rf"\n{level} ", card[start + 1 :])
    return card[start : start + 1 + following.start()] if following else card[start:]


def table_rows(text: str) -> list[list[str]]:
    """The body rows of the Markdown tables in ``text``, split into cells (escaped pipes kept)."""
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip()[1:-1])]
            rows.append(cells)
    return [row for row in rows if row]


def unescape(cell: str) -> str:
    return re.sub(r"\\(.)", r"\1", cell)


def records(release: Path, table: str) -> list[dict]:
    return pq.read_table(release / "data" / f"{table}.parquet").to_pylist()


def test_card_has_every_section(card):
    """The card has its sections, in reading order."""
    headings = [
        "## Contents",
        "### A few quotations",
        "### A few events",
        "## Using the data",
        "### The site, the CSV edition and the other files",
        "## Coverage in time",
        "## Reliability and credibility",
        "## How we verify",
        "## Sources",
        "## Rights and licence",
        "## How to cite this version",
        "## Changes in this version",
        "## Columns",
        "## Files",
    ]
    positions = [card.index(f"\n{h}\n") for h in headings]
    assert positions == sorted(positions)


def test_contents_row_counts_are_the_tables(card, release, descriptor):
    """Each table's row count in the card is the number of rows of its Parquet file."""
    rows = {unescape(r[0]).strip("`"): r[1] for r in table_rows(section(card, "## Contents")) if r[0].startswith("`")}
    expected = {r["name"]: str(pq.ParquetFile(release / r["path"]).metadata.num_rows) for r in descriptor["resources"]}
    assert rows == expected


def test_columns_section_lists_every_field_of_every_schema(card, descriptor):
    """Every field of every Table Schema is listed with its name and description, table by table."""
    columns = section(card, "## Columns")
    blocks = re.findall(r"<summary><code>([^<]+)</code>.*?</summary>(.*?)</details>", columns, re.S)
    assert [name for name, _ in blocks] == [r["name"] for r in descriptor["resources"]]
    for (name, block), resource in zip(blocks, descriptor["resources"], strict=False):
        listed = [(unescape(r[0]).strip("`"), r[1]) for r in table_rows(block) if r[0] != "Column"]
        fields = resource["schema"]["fields"]
        assert [n for n, _ in listed] == [f["name"] for f in fields], name
        for (_, kind), field in zip(listed, fields, strict=False):
            assert field["type"] in kind or kind.startswith("list of")
    quotes = next(r for r in descriptor["resources"] if r["name"] == "quotes")
    text_field = next(f for f in quotes["schema"]["fields"] if f["name"] == "text")
    assert text_field["description"] in columns


def test_sample_quotations_are_exact_words_with_speaker_and_grade(card, release):
    """Each sample quotation is a quotation's exact words, with its speaker, date and credibility."""
    quotes = {q["text"]: q for q in records(release, "quotes")}
    names = {a["id"]: a["name"] for a in records(release, "actors")}
    rows = table_rows(section(card, "### A few quotations"))[1:]
    assert rows
    for words, speaker, date, grade, status in rows:
        quote = quotes[unescape(words)[1:-1]]
        assert unescape(speaker) == names[quote["speaker"]]
        assert unescape(date) == quote["date"]
        assert grade.startswith(f"{quote['credibility_grade']} ")
        assert status == quote["verification_status"]


def test_sample_events_are_events_of_the_table(card, release):
    """Each sample event is an event's title and date, with its credibility."""
    events = {e["title"]: e for e in records(release, "events")}
    rows = table_rows(section(card, "### A few events"))[1:]
    assert rows
    for date, title, _place, grade in rows:
        event = events[unescape(title)]
        assert unescape(date) == event["date"] and grade.startswith(f"{event['credibility_grade']} ")


def test_verification_counts_are_the_tables(card, release):
    """Counts per status are those of the quotes, events and documents tables, with no record lost."""
    rows = {r[0].strip("`"): r for r in table_rows(section(card, "## How we verify"))[1:]}
    for column, table in ((2, "quotes"), (3, "events"), (4, "documents")):
        found = Counter(r["verification_status"] or verification.UNRECORDED for r in records(release, table))
        for status, row in rows.items():
            assert int(row[column]) == found.get(status, 0), (table, status)
        assert sum(int(row[column]) for row in rows.values()) == len(records(release, table))


def test_status_meanings_come_from_the_model(card):
    """Every status is listed with the meaning the model's field docstring gives it."""
    rows = {r[0].strip("`"): unescape(r[1]) for r in table_rows(section(card, "## How we verify"))[1:]}
    docstring = Verification.model_fields["status"].description
    for status in verification.STATUSES:
        assert f"'{status}' ({rows[status]})" in docstring


def test_differences_are_counted_by_kind(card, release):
    """The card counts recorded differences by kind, from the tables' verification_differences."""
    kinds: Counter = Counter()
    for table in ("quotes", "events", "documents"):
        for row in records(release, table):
            kinds.update(json.loads(d)["kind"] for d in row["verification_differences"] or [])
    text = section(card, "## How we verify")
    for kind in verification.DIFFERENCE_KINDS:
        assert re.search(rf"\b{kind} {kinds[kind]}\b", text), kind


def test_grades_count_each_scale_separately(card, release):
    """Reliability counts come from documents; credibility counts from events and quotations apart."""
    rows = table_rows(section(card, "## Reliability and credibility"))
    reliability = Counter(d["reliability_grade"] for d in records(release, "documents"))
    events = Counter(e["credibility_grade"] for e in records(release, "events"))
    quotes = Counter(q["credibility_grade"] for q in records(release, "quotes"))
    for row in rows:
        grade = row[0].split(" ", 1)[0]
        if grade.isalpha() and len(grade) == 1:
            assert int(row[1]) == reliability[grade]
        elif grade.isdigit():
            assert (int(row[1]), int(row[2])) == (events[int(grade)], quotes[int(grade)])


def test_coverage_is_the_span_of_the_dates(card, release):
    """Earliest and latest days per table are the minimum and maximum of the date columns."""
    rows = {r[0].strip("`"): r for r in table_rows(section(card, "## Coverage in time"))[1:]}
    for table in ("documents", "events", "quotes"):
        rows_ = records(release, table)
        lows = [r["date_earliest"] or r["date_latest"] for r in rows_ if r["date_earliest"] or r["date_latest"]]
        highs = [r["date_latest"] or r["date_earliest"] for r in rows_ if r["date_earliest"] or r["date_latest"]]
        assert rows[table][3:5] == [min(lows).isoformat(), max(highs).isoformat()]


def test_files_table_pins_data_and_key_files_by_sha256(card, release, descriptor):
    """Every data file and key file is listed with its size and sha256 as on disk; the card is not."""
    import hashlib

    rows = table_rows(section(card, "## Files"))[1:]
    listed = {r[0].strip("`"): (int(r[1]), r[2].strip("`")) for r in rows}
    for path, (size, digest) in listed.items():
        data = (release / path).read_bytes()
        assert (size, digest) == (len(data), hashlib.sha256(data).hexdigest()), path
    assert {r["path"] for r in descriptor["resources"]} <= set(listed)
    assert {"timeline.svg", "site/index.html", "csv/datapackage.json"} <= set(listed)
    assert "README.md" not in listed and not any(p.startswith("site/quotes/") for p in listed)


def test_python_and_duckdb_examples_run_in_the_release(card, release, monkeypatch):
    """The pandas and DuckDB examples run in the release folder and find the speaker they name."""
    pytest.importorskip("pandas")
    duckdb = pytest.importorskip("duckdb")
    monkeypatch.chdir(release)
    python = re.findall(r"```python\n(.*?)```", card, re.S)
    pandas_example = next(block for block in python if "import pandas" in block)
    exec(compile(pandas_example, "card-pandas", "exec"), {})  # our own card, built in this test
    sql = re.search(r"```sql\n(.*?)```", card, re.S).group(1)
    statements = [s for s in sql.split(";") if s.strip()]
    rows = duckdb.sql(statements[0]).fetchall()
    speaker = re.search(r"speaker_name = '((?:[^']|'')*)'", sql).group(1).replace("''", "'")
    expected = [q for q in records(release, "quotations") if q["speaker_name"] == speaker]
    assert len(rows) == len(expected) > 0
    counts = dict(duckdb.sql(statements[1]).fetchall())
    assert sum(counts.values()) == len(records(release, "quotes"))


def test_card_renders_the_same_bytes_twice(release, card, monkeypatch):
    """Rendering the card again from the same Release gives the text the build wrote."""
    from nato_corpus.curation.validate import check_raw
    from nato_corpus.release import package

    seen = []
    original = card_module.render_card
    monkeypatch.setattr(package._card, "render_card", lambda r: seen.append(r) or original(r))
    root = release.parent.parent
    files = package.render_release(check_raw(root / "raw"), dist_dir=root / "no-earlier-release")
    assert files["README.md"].decode("utf-8") == card
    assert original(seen[0]) == card


def test_card_prose_lives_only_in_the_template():
    """card.py holds no sentence: no string literal of four words or more outside docstrings."""
    tree = ast.parse(Path(card_module.__file__).read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    docstrings |= {
        id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    prose = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and len(node.value.split()) >= 4
    ]
    assert prose == []


def test_table_cells_escape_markup_and_keep_code_spans():
    """A pipe or markup in a value cannot break a table; ``code`` stays code."""
    assert card_module._cell("a | b *c* [d]") == r"a \| b \*c\* \[d\]"
    assert card_module._cell("kept in ``raw/``\nhere") == "kept in `raw/` here"
    assert card_module._cell("one ` tick") == r"one \` tick"


def test_status_without_a_meaning_is_refused_with_its_name():
    """A status the docstring gives no meaning for is named in the error, with what to write."""
    with pytest.raises(ValueError, match=r"no meaning for \['new-status'\].*'status' \(meaning\)"):
        verification.meanings(("verified", "new-status"), "'verified' (checked and it agrees)")
