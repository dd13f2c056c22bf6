"""cite(): the release or one record, in BibTeX (parsed by bibtexparser), APA and CSL-JSON."""

from __future__ import annotations

import argparse
import json

import pytest
from _standards_fixture import RELEASE, release

from nato_corpus.commands.standards import add_cite_parser
from nato_corpus.errors import UsageError
from nato_corpus.release.standards import cite

bibtexparser = pytest.importorskip("bibtexparser")
RECORDS = ["quote:kohl-last-dinosaur", "doc:burns-note-talbott-1994-12-06", "event:8kun-posts-2025-03-01"]


def _bib(descriptor=None, id=None) -> dict:
    tables, desc, _ = release()
    library = bibtexparser.parse_string(cite(tables, descriptor or desc, id))
    assert not library.failed_blocks
    (entry,) = library.entries
    return {k: v.value for k, v in entry.fields_dict.items()}


@pytest.mark.parametrize("record", [None, *RECORDS])
def test_bibtex_parses_with_year_and_version(record):
    """The BibTeX entry parses and carries the release's year and version."""
    _, descriptor, _ = release()
    fields = _bib(id=record)
    assert fields["year"] == descriptor["created"][:4]
    assert fields["version"] == descriptor["version"]


@pytest.mark.parametrize("record", RECORDS)
def test_record_citation_names_id_and_page(record):
    """A record's BibTeX note names its id and its page site/<type>s/<slug>.html."""
    note = _bib(id=record)["note"]
    folder = {"quote": "quotes", "doc": "documents", "event": "events"}[record.split(":")[0]]
    assert record in note and f"site/{folder}/{record.split(':', 1)[1]}.html" in note


def test_no_url_without_homepage():
    """Without a homepage in the descriptor, no style gives a URL."""
    tables, descriptor, _ = release()
    assert "homepage" not in descriptor and "url" not in _bib()
    assert "http" not in cite(tables, descriptor, style="apa")
    assert "URL" not in json.loads(cite(tables, descriptor, style="csl-json"))[0]


def test_homepage_becomes_url_in_every_style():
    """With a homepage, BibTeX, APA and CSL-JSON all carry it."""
    tables, descriptor, _ = release()
    home = {**descriptor, "homepage": "https://example.org/corpus"}
    assert _bib(home)["url"] == home["homepage"]
    assert cite(tables, home, style="apa").rstrip().endswith(home["homepage"])
    assert json.loads(cite(tables, home, style="csl-json"))[0]["URL"] == home["homepage"]


def test_quote_title_is_its_text():
    """A quotation is cited by its words, as in the quotes table."""
    tables, descriptor, _ = release()
    text = next(r["text"] for r in tables["quotes"].to_pylist() if r["id"] == RECORDS[0])
    assert text in cite(tables, descriptor, RECORDS[0], style="apa")


def test_csl_json_issued_is_release_date():
    """CSL-JSON's issued date parts are the descriptor's created date."""
    tables, descriptor, _ = release()
    (item,) = json.loads(cite(tables, descriptor, RECORDS[1], style="csl-json"))
    assert "-".join(f"{p:02d}" for p in item["issued"]["date-parts"][0]) == descriptor["created"][:10]
    assert item["type"] == "dataset" and item["note"].startswith("Document " + RECORDS[1])


@pytest.mark.parametrize("bad", ["quote:nope", "actor:bill-clinton", "nope"])
def test_unknown_id_says_how_to_find_ids(bad):
    """An unknown or uncitable id is refused naming it and how to list ids."""
    tables, descriptor, _ = release()
    with pytest.raises(UsageError, match=rf"{bad!r} in this release.*nc\.load\('quotes'\)"):
        cite(tables, descriptor, bad)


def test_unknown_style_is_refused():
    """An unknown style is refused listing the styles."""
    tables, descriptor, _ = release()
    with pytest.raises(UsageError, match="unknown citation style 'mla'; choose one of bibtex, apa, csl-json"):
        cite(tables, descriptor, style="mla")


def test_cli_prints_citation(capsys):
    """`cite ID --style apa` prints what cite() returns."""
    parser = argparse.ArgumentParser()
    add_cite_parser(parser.add_subparsers())
    args = parser.parse_args(["cite", RECORDS[0], "--style", "apa", "--release", str(RELEASE)])
    assert args.func(args) == 0
    tables, descriptor, _ = release()
    assert capsys.readouterr().out == cite(tables, descriptor, RECORDS[0], style="apa")


def test_the_command_line_offers_exactly_the_citation_styles():
    """`nato-corpus cite --style` offers the styles cite() knows, no more and no fewer."""
    from nato_corpus.commands.standards import CITE_STYLES
    from nato_corpus.release.standards.citation import STYLES

    assert CITE_STYLES == STYLES
