"""The site's verification: a section on each record's page, a filter, and counts on the home page.

Rendered from release 1.1.0, the first with verification columns; in the browser where
Chromium is installed (see test_site_browser.py for how the browser is driven).
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections import Counter
from http.server import ThreadingHTTPServer
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from _site_inputs import REPO, Page, inputs

from nato_corpus.release import verification
from nato_corpus.release.site import render_site

RELEASE = REPO / "dist" / "1.1.0"


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[dict, dict, dict]:
    tables = {p.stem: pq.read_table(p) for p in sorted((RELEASE / "data").glob("*.parquet"))}
    descriptor = json.loads((RELEASE / "datapackage.json").read_text(encoding="utf-8"))
    captures = {
        r["id"]: (REPO / "raw" / "captures" / r["file"]).read_bytes().decode("utf-8")
        for r in tables["captures"].to_pylist()
    }
    return tables, descriptor, captures


@pytest.fixture(scope="module")
def site() -> dict[str, bytes]:
    return render_site(*_tables())


def page(site, path: str) -> Page:
    return Page(site[f"site/{path}"].decode("utf-8"))


def rows(table: str) -> list[dict]:
    return _tables()[0][table].to_pylist()


def section(html: str) -> str:
    start = html.index('<section aria-labelledby="verif-h" class="verification">')
    return html[start : html.index("</section>", start)]


def test_quote_page_shows_status_meaning_checks_and_each_difference(site):
    """A quotation's page has a Verification section: status and meaning, links, date, differences."""
    for quote in rows("quotes"):
        html = site[f"site/quotes/{quote['id'].split(':', 1)[1]}.html"].decode("utf-8")
        text = " ".join(Page(section(html)).words.split())
        assert f"{quote['verification_status']}: {verification.STATUSES[quote['verification_status']]}" in text
        for item in quote["verification_checked_against"]:
            if item.startswith("http"):
                assert f'href="{item.replace("&", "&amp;")}"' in section(html)
            else:
                assert f'href="../documents/{item.split(":", 1)[1]}.html"' in section(html)
        for difference in verification.differences(quote):
            assert " ".join(difference["note"].split()) in text
        assert " ".join(quote["verification_rationale"].split()) in text


def test_verification_columns_are_not_repeated_under_more_fields(site):
    """Verification columns appear in their section, not in the "More fields" list."""
    for path, data in site.items():
        if path.startswith(("site/quotes/", "site/events/", "site/documents/")):
            assert "verification status" not in Page(data.decode("utf-8")).words


def test_event_and_document_pages_have_the_section_when_verified(site):
    """Every verified event and document page has the section; a document without one has none."""
    for table, folder in (("events", "events"), ("documents", "documents")):
        for row in rows(table):
            html = site[f"site/{folder}/{row['id'].split(':', 1)[1]}.html"].decode("utf-8")
            assert ('id="verif-h"' in html) == bool(row["verification_status"]), row["id"]


def test_home_page_counts_records_per_status(site):
    """The home page counts quotations, events and documents per status, as in the tables."""
    html = site["site/index.html"].decode("utf-8")
    table = html[html.index('<table class="vcounts">') : html.index("</table>")]
    body = [[Page(cell).words for cell in re.findall(r"<td>(.*?)</td>", r)] for r in table.split("<tr>")[2:]]
    for cells, status in zip(body, verification.STATUSES, strict=False):
        expected = [
            Counter(r["verification_status"] for r in rows(t))[status] for t in ("quotes", "events", "documents")
        ]
        assert cells == [str(n) for n in expected], status


def test_home_page_says_nothing_of_verification_for_a_release_without_it():
    """A release with no verification columns (1.0.0) gets no counts table and no status filter."""
    site = render_site(*inputs())
    assert b'class="vcounts"' not in site["site/index.html"]
    assert b'id="f-verification"' not in site["site/quotes.html"]


# --------------------------------------------------------------------------- in the browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory, site):
    """A Chromium page and the base URL of the site served on 127.0.0.1."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium to run the browser tests")
    from test_site_browser import _Quiet

    root = tmp_path_factory.mktemp("vsite")
    for path, data in site.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    errors: list[str] = []
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        tab = chromium.new_page()
        tab.on("pageerror", lambda error: errors.append(str(error)))
        yield tab, f"http://127.0.0.1:{server.server_address[1]}/site/", errors
        chromium.close()
    server.shutdown()
    server.server_close()


def test_status_filter_shows_only_quotations_with_that_status(browser_page):
    """Choosing a verification status hides every quotation with another status."""
    tab, base, errors = browser_page
    tab.goto(f"{base}quotes.html")
    tab.select_option("#f-verification", "relay-only")
    visible = tab.locator("#quote-list > li:visible")
    assert visible.count() == sum(q["verification_status"] == "relay-only" for q in rows("quotes"))
    assert set(visible.evaluate_all("els => els.map(e => e.dataset.verification)")) == {"relay-only"}
    assert not errors


def test_home_page_count_links_to_the_filtered_list(browser_page):
    """The count of contradicted quotations on the home page opens the list filtered to them."""
    tab, base, errors = browser_page
    tab.goto(f"{base}index.html")
    tab.click('a[href="quotes.html?verification=contradicted"]')
    tab.wait_for_url("**/quotes.html?verification=contradicted")
    shown = tab.locator("#quote-list > li:visible")
    assert shown.count() == sum(q["verification_status"] == "contradicted" for q in rows("quotes")) > 0
    assert not errors


def test_verification_section_is_visible_on_a_quotation_page(browser_page):
    """In the browser a quotation's page shows the section with its status and meaning."""
    tab, base, errors = browser_page
    quote = next(q for q in rows("quotes") if q["verification_differences"])
    tab.goto(f"{base}quotes/{quote['id'].split(':', 1)[1]}.html")
    box = tab.locator("section.verification")
    assert box.is_visible()
    assert verification.STATUSES[quote["verification_status"]] in box.inner_text()
    assert box.locator("ul.differences li").count() == len(quote["verification_differences"])
    assert not errors
