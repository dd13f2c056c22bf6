"""The record pages written in plain Python are the bytes the Jinja templates write.

The templates are the specification (render_site(templates=True)); site/pages.py
writes the record pages and quotation cards without Jinja for speed. Every file of
the site is compared, rendered both ways, over the published releases, the
repository's raw/, generated corpora and records full of markup.
"""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from _site_inputs import REPO, inputs, with_column

import nato_corpus.release.site as site_package
from benchmarks.generate import generate
from nato_corpus.curation.validate import check_raw
from nato_corpus.release.package import render_release
from nato_corpus.release.site import render_site
from nato_corpus.release.site._html import esc, truncate

#: columns that name records or vocabulary a page looks up: kept as they are
_LOOKED_UP = {"id", "speaker", "addressee", "document", "capture", "publisher", "holder", "target", "quote", "actor"}
_MARKUP = ' <b>&amp; "it\'s"</b> & <script>'


def assert_same_site(tables: dict, descriptor: dict, captures: dict) -> None:
    """Every file of the site, rendered by the templates and by site/pages.py, is the same."""
    expected = render_site(tables, descriptor, captures, templates=True)
    got = render_site(tables, descriptor, captures)
    assert sorted(got) == sorted(expected)
    differ = [name for name in expected if got[name] != expected[name]]
    assert not differ, f"{len(differ)} files differ, first {differ[0]}"


def _release(version: str) -> tuple[dict, dict, dict]:
    folder = REPO / "dist" / version
    tables = {p.stem: pq.read_table(p) for p in sorted((folder / "data").glob("*.parquet"))}
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    captures = {
        r["id"]: (REPO / "raw" / "captures" / r["file"]).read_text(encoding="utf-8")
        for r in tables["captures"].to_pylist()
    }
    return tables, descriptor, captures


@pytest.mark.parametrize("version", ["1.0.0", "1.1.0"])
def test_published_releases(version):
    """Releases 1.0.0 and 1.1.0 (the first with verifications): the same site both ways."""
    assert_same_site(*_release(version))


def _marked(table: pa.Table) -> pa.Table:
    """Markup appended to every free-text column and to every list of aliases."""
    for name in table.column_names:
        column = table[name]
        if name in _LOOKED_UP or not (pa.types.is_string(column.type) or name == "aliases"):
            continue
        if pa.types.is_string(column.type):
            values = pc.if_else(pc.is_null(column), column, pc.binary_join_element_wise(column, _MARKUP, ""))
        else:
            values = pa.array([None if v is None else [x + _MARKUP for x in v] for v in column.to_pylist()])
        table = table.set_column(table.column_names.index(name), name, values)
    return table


def test_records_full_of_markup_and_new_columns():
    """Markup in every text (escaped alike), and columns a newer release adds ("More fields")."""
    tables, descriptor, captures = _release("1.1.0")
    tables = {name: _marked(table) for name, table in tables.items()}
    for name in ("quotes", "documents", "events", "actors", "captures"):
        rows = tables[name].num_rows
        tables[name] = with_column(
            tables[name], "x_added", [f"new <i>{i}</i> & more" if i % 3 else None for i in range(rows)]
        )
        tables[name] = with_column(tables[name], "x_listed", [[f"a{i}", "b&c"] if i % 2 else [] for i in range(rows)])
    descriptor["title"] += _MARKUP
    descriptor["licenses"][0]["title"] = None  # the footer falls back to the licence's name
    assert_same_site(tables, descriptor, captures)


def test_the_one_release_with_no_optional_text():
    """Records with every optional field empty: the branches for absent values agree too."""
    tables, descriptor, captures = inputs()
    for name in ("quotes", "documents", "events", "actors", "captures"):
        table = tables[name]
        for column in ("notes", "date_note", "status_reason", "description", "wikidata", "site_url", "addressee"):
            if column in table.column_names:
                table = with_column(table, column, [None] * table.num_rows)
        tables[name] = table
    assert_same_site(tables, descriptor, {})  # no capture texts: no excerpts


def _render_release_comparing(raw, tmp_path, monkeypatch) -> int:
    """Build raw/'s release in memory, comparing its site both ways; the number of sites compared."""
    compared = []
    real = site_package.render_site

    def both(tables, descriptor, captures):
        assert_same_site(tables, descriptor, captures)
        compared.append(True)
        return real(tables, descriptor, captures)

    monkeypatch.setattr(site_package, "render_site", both)
    checked = check_raw(raw)
    assert checked.report.ok
    render_release(checked, dist_dir=tmp_path / "dist")
    return len(compared)


def test_the_repository_corpus(tmp_path, monkeypatch):
    """The site of a release of the repository's own raw/: the same both ways."""
    assert _render_release_comparing(REPO / "raw", tmp_path, monkeypatch) == 1


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_corpora(tmp_path, monkeypatch, seed):
    """Generated corpora (the benchmarks' shape: translations, relays, many speakers): the same."""
    generate(tmp_path / "raw", 150, seed=seed)
    assert _render_release_comparing(tmp_path / "raw", tmp_path, monkeypatch) == 1


@pytest.mark.parametrize("text", ["", "plain", "<a href='x'>&amp;</a>", '"quoted"', "&&<<>>''\"\"", "\u2028é"])
def test_escaping_is_markupsafes(text):
    """esc writes what markupsafe.escape writes, for text and for other values."""
    from markupsafe import escape

    assert esc(text) == str(escape(text))
    assert esc(len(text)) == str(escape(len(text)))
    assert esc(None) == str(escape(None))


@pytest.mark.parametrize("length", [5, 20, 60, 70])
def test_truncation_is_jinjas(length):
    """truncate cuts as Jinja's truncate filter does, with its default leeway."""
    import jinja2

    env = jinja2.Environment()
    for text in ["short", "a few words that run on " * 6, "oneverylongwordwithoutspaces" * 4, "x " * 40]:
        assert truncate(text, length) == env.from_string("{{ t | truncate(n) }}").render(t=text, n=length)
