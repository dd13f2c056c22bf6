"""Building releases: reproducible, valid for other tools, immutable and atomic."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from nato_corpus import errors
from nato_corpus.release import build as build_module
from nato_corpus.release import layout
from nato_corpus.release.build import build

MINI = Path(__file__).parent / "data" / "mini"
VERSION = "1.0.0"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder (hidden ones too) and its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    """A fresh copy of the mini corpus."""
    root = tmp_path / "raw"
    shutil.copytree(MINI, root)
    return root


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """The mini corpus built once into a dist/ folder (read-only for the tests that use it)."""
    dist = tmp_path_factory.mktemp("built") / "dist"
    build(MINI, dist)
    return dist


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_two_builds_are_byte_identical(tmp_path, released):
    """Building the same raw/ twice, anywhere, gives the same bytes in every file."""
    other = tmp_path / "again" / "dist"
    build(MINI, other)
    assert snapshot(other) == snapshot(released)


def test_touching_modification_times_changes_nothing(raw, tmp_path, released):
    """A build after touching only file modification times is identical."""
    for path in raw.rglob("*"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    dist = tmp_path / "elsewhere" / "dist"  # not beside raw/, like `released`: project files go inside
    build(raw, dist)
    assert snapshot(dist) == snapshot(released)


def test_release_layout_and_index(released):
    """dist/ has the index; a release has a Parquet per table, the descriptor, card, timeline."""
    index = json.loads((released / "index.json").read_text(encoding="utf-8"))
    descriptor = (released / VERSION / "datapackage.json").read_bytes()
    assert index == {
        "latest": VERSION,
        "name": "nato-corpus",
        "versions": {
            VERSION: {
                "descriptor_sha256": layout.sha256_bytes(descriptor),
                "path": f"{VERSION}/datapackage.json",
            }
        },
    }
    assert (released / "index.json").read_text(encoding="utf-8").endswith("}\n")
    data = json.loads(descriptor)
    names = [r["name"] for r in data["resources"]]
    assert sorted(p.name for p in (released / VERSION / "data").iterdir()) == sorted(f"{n}.parquet" for n in names)
    pinned = [f["path"] for f in data["x_files"]]
    assert pinned[:2] == ["README.md", "timeline.svg"]
    on_disk = {p.relative_to(released / VERSION).as_posix() for p in (released / VERSION).rglob("*") if p.is_file()}
    assert set(pinned) == on_disk - {"datapackage.json"} - {f"data/{n}.parquet" for n in names}
    assert {"site/index.html", "csv/datapackage.json", "annotations.jsonld", "croissant.json"} <= set(pinned)
    assert all(r["hash"].startswith("sha256:") and r["x_bytes"] > 0 and "bytes" not in r for r in data["resources"])


def test_descriptor_has_package_metadata(released):
    """The descriptor names the package, licence, contributors, keywords and sources with URLs."""
    data = json.loads((released / VERSION / "datapackage.json").read_text(encoding="utf-8"))
    assert (data["name"], data["version"]) == ("mini-corpus", VERSION)
    assert data["licenses"][0]["name"] == "CC-BY-4.0"
    assert all(r["licenses"] == data["licenses"] for r in data["resources"])
    assert data["contributors"] == [{"title": "The release tests", "role": "author"}]
    assert "https://example.org/ministers" in [s.get("path") for s in data["sources"]]
    assert "homepage" not in data  # only when raw/corpus.yaml sets one


def test_frictionless_validates_the_release(released):
    """frictionless (Python API) finds the release valid, foreign keys included."""
    import frictionless

    report = frictionless.validate(str(released / VERSION / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_frictionless_cli_validates_the_release(released):
    """`frictionless validate dist/<version>/datapackage.json` exits 0."""
    result = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "--json", "datapackage.json"],
        cwd=released / VERSION,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert json.loads(result.stdout)["valid"] is True


def test_frictionless_catches_a_broken_foreign_key(released, tmp_path):
    """An occurrence naming a capture that does not exist fails frictionless validation."""
    import frictionless

    copy = tmp_path / VERSION
    shutil.copytree(released / VERSION, copy)
    path = copy / "data" / "quote_occurrences.parquet"
    table = pq.read_table(path)
    broken = table.set_column(2, table.schema.field("capture"), pa.array(["capture:nowhere"] * table.num_rows))
    pq.write_table(broken, path)
    report = frictionless.validate(str(copy / "datapackage.json"))
    assert not report.valid
    assert "foreign-key" in {error.type for task in report.tasks for error in task.errors}


@pytest.mark.parametrize(
    "table",
    [
        "documents",
        "events",
        "quotes",
        "actors",
        "captures",
        "quote_occurrences",
        "document_relations",
    ],
)
def test_duckdb_reads_tables_with_declared_types(released, table):
    """DuckDB reads each table with the types its Table Schema declares."""
    import duckdb

    data = json.loads((released / VERSION / "datapackage.json").read_text(encoding="utf-8"))
    schema = next(r["schema"] for r in data["resources"] if r["name"] == table)
    result = duckdb.sql(f"select * from '{released / VERSION / 'data' / f'{table}.parquet'}'")
    expected = {
        "string": "VARCHAR",
        "integer": ("BIGINT", "TINYINT"),
        "boolean": "BOOLEAN",
        "date": "DATE",
        "any": "VARCHAR[]",
    }
    assert result.columns == [f["name"] for f in schema["fields"]]
    for field, kind in zip(schema["fields"], result.types, strict=True):
        allowed = expected[field["type"]]
        assert str(kind) in (allowed if isinstance(allowed, tuple) else (allowed,)), field["name"]


def test_every_table_opens_in_duckdb_and_pandas(released):
    """Every table opens in DuckDB and pandas with its rows; dates are dates, lists are lists."""
    import duckdb
    import pandas as pd

    for path in sorted((released / VERSION / "data").glob("*.parquet")):
        rows = duckdb.sql(f"select count(*) from '{path}'").fetchall()[0][0]
        frame = pd.read_parquet(path)
        assert len(frame) == rows == pq.ParquetFile(path).metadata.num_rows, path.name
    documents = pd.read_parquet(released / VERSION / "data" / "documents.parquet")
    assert isinstance(documents["date_earliest"].iloc[0], dt.date)
    assert list(documents["authors"].iloc[0]) == ["actor:first-minister"]
    assert str(documents["reliability_grade"].dtype) == "category"


def test_rebuild_of_a_release_is_unchanged(released):
    """Building a version that is already released with the same content reports 'unchanged'."""
    before = snapshot(released)
    assert build(MINI, released).status == "unchanged"
    assert snapshot(released) == before


def test_overwriting_a_release_is_refused(raw, tmp_path):
    """Changing raw/ without bumping the version is refused, and the message says what to do."""
    dist = tmp_path / "dist"
    build(raw, dist)
    before = snapshot(dist)
    edit(raw / "events" / "events.yaml", "who replied a week later", "who answered a week later")
    with pytest.raises(errors.ReleaseExists) as caught:
        build(raw, dist)
    message = str(caught.value)
    assert f"version {VERSION} is released with different content" in message
    assert "bump version in" in message and "corpus.yaml" in message and "`changes`" in message
    assert snapshot(dist) == before


def test_check_lists_differing_files(raw, tmp_path):
    """build --check compares a fresh build with the release and names the files that differ."""
    dist = tmp_path / "dist"
    build(raw, dist)
    assert build(raw, dist, check=True).differences == []
    edit(raw / "quotes" / "quotes.yaml", "A fragment in a paraphrase", "A fragment, in a paraphrase")
    result = build(raw, dist, check=True)
    assert result.status == "checked"
    assert {"data/quotes.parquet", "datapackage.json", "README.md"} <= set(result.differences)
    assert "data/actors.parquet" not in result.differences


def test_deleting_a_release_and_rebuilding_restores_it(raw, tmp_path):
    """Removing dist/<version>/ and building again gives back the same bytes."""
    dist = tmp_path / "dist"
    build(raw, dist)
    before = snapshot(dist)
    shutil.rmtree(dist / VERSION)
    assert build(raw, dist).status == "built"
    assert snapshot(dist) == before


def test_a_build_killed_midway_leaves_dist_as_it_was(raw, tmp_path, monkeypatch):
    """An error while files are written leaves no partial release and no stray files."""
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "keep.txt").write_text("unrelated", encoding="utf-8")
    before = snapshot(dist)
    written = []
    real_write = build_module._write_file

    def failing_write(path, data):
        if len(written) == 3:
            raise KeyboardInterrupt("killed")
        written.append(path)
        real_write(path, data)

    monkeypatch.setattr(build_module, "_write_file", failing_write)
    with pytest.raises(KeyboardInterrupt):
        build(raw, dist)
    assert snapshot(dist) == before
    monkeypatch.setattr(build_module, "_write_file", real_write)
    assert build(raw, dist).status == "built"


@pytest.mark.parametrize("error", [RuntimeError("the card failed"), KeyboardInterrupt()])
@pytest.mark.parametrize("dist_exists", [True, False])
def test_a_build_that_fails_after_files_were_written_leaves_nothing(raw, tmp_path, monkeypatch, error, dist_exists):
    """Files are written while the release is made: a failure late in the making (the card) removes them,
    and the dist/ folder too when the build made it."""
    from nato_corpus.release import package

    dist = tmp_path / "dist"
    if dist_exists:
        dist.mkdir()
        (dist / "keep.txt").write_text("unrelated", encoding="utf-8")
    before = snapshot(dist) if dist_exists else None
    written_before_the_card = []

    def failing_card(release):
        (staged,) = [p for p in dist.iterdir() if p.name.startswith(".tmp-")]
        written_before_the_card.append(staged.exists())
        raise error

    monkeypatch.setattr(package._card, "render_card", failing_card)
    with pytest.raises(type(error)):
        build(raw, dist)
    assert written_before_the_card == [True]
    if dist_exists:
        assert snapshot(dist) == before
        assert sorted(p.name for p in dist.iterdir()) == ["keep.txt"]
    else:
        assert not dist.exists()


def test_every_file_is_handed_on_as_it_is_made_with_the_bytes_released(raw, tmp_path):
    """render_release's on_file sees each file of the release once, with its bytes, the tables first
    and the descriptor last; the build publishes the same bytes."""
    from nato_corpus.curation.validate import check_raw
    from nato_corpus.release.package import render_release

    seen: list[tuple[str, bytes]] = []
    files = render_release(check_raw(raw), dist_dir=tmp_path / "none", on_file=lambda *item: seen.append(item))
    assert dict(seen) == files and len(seen) == len(files)
    assert seen[0][0].startswith("data/") and seen[-1][0] == layout.DESCRIPTOR
    build(raw, tmp_path / "dist")
    assert snapshot(tmp_path / "dist" / VERSION) == files


def test_leftovers_of_a_killed_build_are_removed(raw, tmp_path):
    """A temporary folder left by a dead build is removed by the next build, which succeeds."""
    dist = tmp_path / "dist"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    leftover = dist / f".tmp-{VERSION}-{pid}-deadbeef"
    (leftover / "data").mkdir(parents=True)
    (leftover / "data" / "quotes.parquet").write_bytes(b"half a file")
    assert build(raw, dist).status == "built"
    assert not leftover.exists()
    assert sorted(p.name for p in dist.iterdir()) == [VERSION, "index.json"]


def test_invalid_raw_is_not_built(raw, tmp_path):
    """raw/ with an error is refused with its report, and nothing is written."""
    edit(raw / "quotes" / "quotes.yaml", "speaker: actor:first-minister", "speaker: actor:nobody")
    with pytest.raises(errors.ValidationFailed) as caught:
        build(raw, tmp_path / "dist")
    assert "dangling-reference" in caught.value.report.codes()
    assert not (tmp_path / "dist" / VERSION).exists()


def test_copyrighted_capture_text_is_not_published(raw, tmp_path):
    """A capture that is not public domain is published without its text, with its hash."""
    edit(
        raw / "captures" / "mini-page.yaml",
        "rights: public_domain",
        "rights: copyrighted_excerpts_only",
    )
    dist = tmp_path / "dist"
    build(raw, dist)
    row = pq.read_table(dist / VERSION / "data" / "captures.parquet").to_pylist()[0]
    assert row["text"] is None
    assert row["sha256"] == "50fe1831dafc1d093c18c3596a7d9f711a5a1d3e789dc35d4bceba551baafd50"
    assert (
        "We will meet again in spring."
        in pq.read_table(dist / VERSION / "data" / "quotes.parquet").column("text").to_pylist()
    )


def test_data_card_and_timeline(released):
    """A data card gives counts, grades, rights, citation and changes; the timeline marks grades."""
    import xml.etree.ElementTree as ET

    card = (released / VERSION / "README.md").read_text(encoding="utf-8")
    for heading in (
        "## Contents",
        "## Coverage in time",
        "## Reliability and credibility",
        "## Sources",
        "## Rights and licence",
        "## How to cite this version",
        "## Changes in this version",
    ):
        assert heading in card
    assert "| `quotes` | 2 |" in card
    assert "| B Usually reliable | 1 |" in card
    assert "| 3 Possibly true | 0 | 1 |" in card
    assert "First release of the mini corpus." in card
    svg = ET.fromstring((released / VERSION / "timeline.svg").read_text(encoding="utf-8"))
    titles = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}title")]
    assert any(t and t.startswith("quote:door-open") and "credibility 3" in t for t in titles)


def test_project_files_list_every_release(raw, tmp_path):
    """CITATION.cff names the latest version; CHANGELOG.md lists every release and its changes."""
    dist = tmp_path / "dist"
    build(raw, dist)
    edit(raw / "corpus.yaml", "version: 1.0.0", "version: 1.1.0")
    edit(
        raw / "corpus.yaml",
        "changes: First release of the mini corpus.",
        "changes: Reworded the exchange.",
    )
    edit(raw / "events" / "events.yaml", "who replied a week later", "who answered a week later")
    assert build(raw, dist).status == "built"
    citation = (tmp_path / "CITATION.cff").read_text(encoding="utf-8")
    cff = yaml.safe_load(citation)
    assert cff["version"] == "1.1.0" and cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    changelog = (tmp_path / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index("## [1.1.0]") < changelog.index("## [1.0.0]")
    assert "- events: `event:letter-exchange` (summary)" in changelog
    card = (dist / "1.1.0" / "README.md").read_text(encoding="utf-8")
    assert "Compared with version 1.0.0" in card and "changed `event:letter-exchange`: summary" in card
    index = json.loads((dist / "index.json").read_text(encoding="utf-8"))
    assert index["latest"] == "1.1.0" and set(index["versions"]) == {"1.0.0", "1.1.0"}


def test_damaged_release_is_reported_as_damage_not_as_a_new_version(tmp_path):
    """A released file changed on disk is reported as damage, with how to restore it."""
    import shutil

    raw = tmp_path / "raw"
    shutil.copytree(Path(__file__).parent / "data" / "mini", raw)
    dist = tmp_path / "dist"
    built = build(raw, dist)
    parquet = built.path / "data" / "quotes.parquet"
    data = bytearray(parquet.read_bytes())
    data[len(data) // 2] ^= 0xFF
    parquet.write_bytes(bytes(data))
    with pytest.raises(errors.ReleaseExists, match=r"is damaged: .*quotes\.parquet.*restore it"):
        build(raw, dist)


def test_timeline_axis_shrinks_long_empty_runs():
    """Years with marks share the width equally; a run of empty years is drawn as a narrow break."""
    import datetime as dt

    from nato_corpus.release.timeline import _time_axis

    D = dt.date
    points = [(D(1994, 1, 1), D(1994, 12, 31)), (D(1995, 6, 1), D(1995, 6, 1)), (D(2020, 3, 1), D(2020, 3, 1))]
    x, ticks, breaks = _time_axis(points, 0, 1000)
    assert breaks == [(1996, 2019)]
    year_1994 = x(D(1995, 1, 1)) - x(D(1994, 1, 1))
    gap = x(D(2020, 1, 1)) - x(D(1996, 1, 1))
    assert abs(year_1994 - (x(D(2021, 1, 1)) - x(D(2020, 1, 1)))) < 1e-6
    assert gap == pytest.approx(year_1994 / 2)
    assert 2020 in ticks and not any(1996 <= t <= 2019 for t in ticks)
    assert x(D(1994, 1, 1)) == 0 and x(D(2020, 12, 31)) <= 1000


def test_a_descriptor_too_large_for_its_readers_is_never_written(raw, tmp_path, monkeypatch):
    """A build whose descriptor would exceed what downloads and checks accept is refused with the
    sizes, and writes nothing."""
    monkeypatch.setattr(layout, "METADATA_CAP", 2_000)
    dist = tmp_path / "dist"
    with pytest.raises(errors.UsageError, match=r"datapackage.json would weigh [\d,]+ bytes, more than the 2,000"):
        build(raw, dist)
    assert not dist.exists() or not any(p.is_file() for p in dist.rglob("*"))
