"""The static site generator: what render_site returns, checked on the bytes."""

from __future__ import annotations

import json
import posixpath

import pytest
from _site_inputs import Page, inputs, with_column

from nato_corpus.release.site import SiteDataError, render_site
from nato_corpus.release.site.corpus import Corpus
from nato_corpus.release.site.text import EXCERPT_CHARS, describe_date, excerpt


@pytest.fixture(scope="module")
def site() -> dict[str, bytes]:
    return render_site(*inputs())


@pytest.fixture(scope="module")
def pages(site) -> dict[str, Page]:
    return {path: Page(data.decode("utf-8")) for path, data in site.items() if path.endswith(".html")}


def _quotes() -> list[dict]:
    return inputs()[0]["quotes"].to_pylist()


def _one(words: str) -> str:
    return " ".join(words.split())


def test_two_calls_give_identical_bytes(site):
    """Rendering the same release twice gives the same files, byte for byte."""
    assert render_site(*inputs()) == site


def test_paths_are_sorted_relative_posix_under_site(site):
    """Every path starts site/, is relative and normalised, and the paths come sorted."""
    assert list(site) == sorted(site)
    for path in site:
        assert path.startswith("site/") and posixpath.normpath(path) == path and "\\" not in path


def test_every_quotation_has_a_page_with_its_words_and_speaker(pages):
    """Each quotation's page shows its exact words and its speaker's name."""
    actors = {a["id"]: a["name"] for a in inputs()[0]["actors"].to_pylist()}
    for quote in _quotes():
        page = pages[f"site/quotes/{quote['id'].split(':', 1)[1]}.html"]
        assert _one(quote["text"]) in page.words
        assert _one(actors[quote["speaker"]]) in page.words


def test_every_internal_link_points_at_a_generated_file(site, pages):
    """Every relative href and src resolves to a file render_site returned."""
    for path, page in pages.items():
        for link in page.links:
            if link.startswith(("http://", "https://", "data:")):
                continue
            if link.startswith("#"):
                assert f'id="{link[1:]}"' in site[path].decode(), f"{path}: no element {link}"
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), link.split("?")[0].split("#")[0]))
            assert target in site, f"{path} links to {link}, which is not generated"


def test_pages_load_nothing_from_another_host(pages):
    """Stylesheets and scripts are relative: the site fetches nothing from the network."""
    for path, page in pages.items():
        html_links = [link for link in page.links if link.endswith((".css", ".js"))]
        assert html_links and not any("//" in link for link in html_links), path


def test_every_page_has_json_ld_that_parses(pages):
    """Each page carries exactly one schema.org JSON-LD block that parses as JSON."""
    for path, page in pages.items():
        assert len(page.jsonld) == 1, path
        data = json.loads(page.jsonld[0])
        assert data["@context"] == "https://schema.org" and data["@type"], path


def test_home_page_describes_the_release_as_a_dataset(pages):
    """The home page's JSON-LD is a Dataset with the descriptor's version and licence."""
    descriptor = inputs()[1]
    data = json.loads(pages["site/index.html"].jsonld[0])
    assert data["@type"] == "Dataset"
    assert data["version"] == descriptor["version"]
    assert data["license"] == descriptor["licenses"][0]["path"]


def test_quotation_json_ld_carries_the_words_and_speaker(pages):
    """A quotation's JSON-LD is a Quotation with its text and its speaker as creator."""
    quote = _quotes()[0]
    data = json.loads(pages[f"site/quotes/{quote['id'].split(':', 1)[1]}.html"].jsonld[0])
    assert data["@type"] == "Quotation" and data["text"] == quote["text"]
    assert data["creator"]["identifier"] == quote["speaker"]


def test_markup_in_record_text_renders_as_text():
    """A quotation containing <script> is shown as text, in the page and in its JSON-LD."""
    tables, descriptor, captures = inputs()
    hostile = '</script><script>alert("x")</script> & <b>bold</b>'
    texts = [hostile if i == 0 else q["text"] for i, q in enumerate(tables["quotes"].to_pylist())]
    tables["quotes"] = with_column(tables["quotes"], "text", texts)
    first = tables["quotes"].to_pylist()[0]["id"].split(":", 1)[1]
    html = render_site(tables, descriptor, captures)[f"site/quotes/{first}.html"].decode()
    page = Page(html)
    assert "<script>alert" not in html and "<b>bold" not in html
    assert _one(hostile) in page.words
    assert json.loads(page.jsonld[0])["text"] == hostile


def test_missing_table_is_refused_with_its_name():
    """Without the quotes table the call fails with a message naming it."""
    tables, descriptor, captures = inputs()
    del tables["quotes"]
    with pytest.raises(SiteDataError, match="table 'quotes' is missing"):
        render_site(tables, descriptor, captures)


def test_unsafe_record_id_is_refused_with_its_value():
    """An id that would escape the site folder is refused, naming the id."""
    tables, descriptor, captures = inputs()
    ids = [("quote:../../evil" if i == 0 else q["id"]) for i, q in enumerate(tables["quotes"].to_pylist())]
    tables["quotes"] = with_column(tables["quotes"], "id", ids)
    with pytest.raises(SiteDataError, match=r"'quote:\.\./\.\./evil'"):
        render_site(tables, descriptor, captures)


def test_new_columns_are_shown_and_absent_link_tables_tolerated():
    """A column a later release adds appears on the page; missing link tables do not fail."""
    tables, descriptor, captures = inputs()
    count = tables["actors"].num_rows
    tables["actors"] = with_column(tables["actors"], "country", ["Ruritania"] * count)
    for name in ("event_participants", "document_urls", "capture_segments"):
        del tables[name]
    site = render_site(tables, descriptor, captures)
    actor = tables["actors"].to_pylist()[0]["id"].split(":", 1)[1]
    assert "Ruritania" in Page(site[f"site/actors/{actor}.html"].decode()).words


def test_speakers_of_the_same_name_are_listed_by_id():
    """Speakers who share a name are listed in id order, so every build gives the same bytes."""
    tables, descriptor, captures = inputs()
    tables["actors"] = with_column(tables["actors"], "name", ["Same Name"] * tables["actors"].num_rows)
    speakers = sorted({q["speaker"] for q in tables["quotes"].to_pylist()})
    assert len(speakers) >= 4
    home = render_site(tables, descriptor, captures)["site/index.html"].decode()
    listed = [home.index(f"speaker={speaker.replace(':', '%3A')}") for speaker in speakers]
    assert listed == sorted(listed)


def test_copyrighted_capture_shows_a_bounded_excerpt():
    """Around words in a copyrighted capture at most EXCERPT_CHARS show on each side."""
    text = "a " * 1000 + "WORDS" + " b" * 1000
    start = text.index("WORDS")
    shown = excerpt(text, start, start + 5, None, public_domain=False)
    assert shown.words == "WORDS"
    assert 0 < len(shown.before) <= EXCERPT_CHARS and 0 < len(shown.after) <= EXCERPT_CHARS
    assert shown.clipped_before and shown.clipped_after


def test_public_domain_capture_shows_the_whole_segment():
    """In a public-domain capture the whole segment around the words is shown, no more."""
    text = "x" * 50 + "a " * 500 + "WORDS" + " b" * 500 + "y" * 50
    start = text.index("WORDS")
    shown = excerpt(text, start, start + 5, (50, len(text) - 50), public_domain=True)
    assert shown.before + shown.words + shown.after == text[50:-50]


def test_quote_page_excerpt_respects_capture_rights(pages):
    """On the real (copyrighted) captures, no excerpt exceeds the window."""
    for path, page in pages.items():
        if path.startswith("site/quotes/"):
            assert "Excerpt only." in page.words and "Whole segment shown" not in page.words


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1994-11-28", "28 November 1994 (exact day)"),
        ("1994-12", "December 1994 (month known)"),
        ("1994~", "about 1994 (year known, approximate)"),
        ("1994-12?", "perhaps December 1994 (month known, uncertain)"),
        ("1994-09-27/1994-09-28", "between 27 September 1994 and 28 September 1994 (interval)"),
        ("../2025-03-01", "on or before 1 March 2025 (start unknown)"),
        ("unknown", "date unknown"),
    ],
)
def test_dates_read_in_words_with_their_precision(value, expected):
    """An EDTF date is written out with how precisely it is known."""
    assert describe_date(value) == expected


def test_relay_chain_leads_from_the_capture_back_to_the_original():
    """The repost copies TASS, which reports on the Burns note: the chain follows that path."""
    corpus = Corpus.from_tables(inputs()[0])
    chain = corpus.relay_chain("doc:x-pulse-repost-clinton-legitimate-concerns", "doc:burns-note-talbott-1994-12-06")
    assert chain == [
        ("doc:x-pulse-repost-clinton-legitimate-concerns", "copies"),
        ("doc:tass-report-2024-12-06", "reports_on"),
        ("doc:burns-note-talbott-1994-12-06", None),
    ]


def test_translated_quotation_page_names_each_language(pages):
    """A translated quotation's page lists its languages in order, by name."""
    names = {"en": "English", "de": "German", "ru": "Russian", "und": "an undetermined language"}
    for quote in _quotes():
        if quote["translated"]:
            chain = " → ".join(
                names[x] for x in [quote["original_language"], *quote["via_languages"], quote["language"]]
            )
            assert f"Translated: {chain}" in pages[f"site/quotes/{quote['id'].split(':', 1)[1]}.html"].words


def test_search_index_covers_every_quotation(site):
    """The search index lists every quotation's page with its words."""
    data = site["site/assets/search-index.js"].decode()
    records = json.loads(data.split("=", 1)[1].strip().rstrip(";"))
    pages = {r["u"]: r for r in records}
    for quote in _quotes():
        entry = pages[f"quotes/{quote['id'].split(':', 1)[1]}.html"]
        assert quote["text"] in entry["x"]
