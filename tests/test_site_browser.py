"""The static site in a real browser: Playwright driving the system's Chromium.

The site is written to a temporary folder and served by a local HTTP server on
127.0.0.1; any request to another host is blocked and fails the test. Skips, saying
why, where Chromium or Playwright is absent (no browser is ever downloaded).
"""

from __future__ import annotations

import functools
import posixpath
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from _site_inputs import inputs

from nato_corpus.release.site import render_site

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

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium to run the browser tests", allow_module_level=True)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output clean
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The rendered site served over HTTP; yields (base URL, rendered files)."""
    root = tmp_path_factory.mktemp("site")
    files = render_site(*inputs())
    for path, data in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/site/", files
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page whose foreign requests, script errors and console errors are recorded."""

    def __init__(self, browser, **options):
        self.foreign: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(**options)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"console: {msg.text}"))

    def _route(self, route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort()

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser):
    tab = Watched(browser)
    yield tab
    tab.close()
    assert not tab.foreign, f"requests to other hosts: {tab.foreign}"
    assert not tab.errors, f"script errors: {tab.errors}"


def _quotes() -> list[dict]:
    return inputs()[0]["quotes"].to_pylist()


def test_every_quotation_page_shows_words_and_speaker(served, watched):
    """In the browser each quotation's page shows its exact words and its speaker's name."""
    base, _ = served
    names = {a["id"]: a["name"] for a in inputs()[0]["actors"].to_pylist()}
    for quote in _quotes():
        watched.page.goto(f"{base}quotes/{quote['id'].split(':', 1)[1]}.html")
        figure = watched.page.locator("figure.quotation")
        assert quote["text"] in figure.locator("blockquote").inner_text()
        assert names[quote["speaker"]] in figure.locator("figcaption").inner_text()


def test_search_finds_a_quotation_by_a_word_in_it(served, watched):
    """Typing a word of a quotation into the search lists that quotation's page."""
    base, _ = served
    quote = next(q for q in _quotes() if "dinosaur" in q["text"])
    watched.page.goto(f"{base}search.html")
    watched.page.fill("#q", "dinosaur")
    watched.page.press("#q", "Enter")
    hrefs = watched.page.locator("#results a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert f"quotes/{quote['id'].split(':', 1)[1]}.html" in hrefs


def test_header_search_box_carries_the_query_to_the_search_page(served, watched):
    """The search box on a record page opens the search page with results for the words."""
    base, _ = served
    watched.page.goto(f"{base}quotes.html")
    watched.page.fill("#site-q", "cold peace")
    watched.page.press("#site-q", "Enter")
    watched.page.wait_for_url("**/search.html?q=*")
    assert watched.page.locator("#results li").count() >= 1


def test_every_link_resolves_without_errors_or_foreign_requests(served, watched):
    """Crawling from the home page, every internal link answers 200 and no page errs."""
    base, files = served
    todo, seen, broken = ["index.html"], set(), []
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        response = watched.page.goto(base + path)
        if response is None or response.status != 200:
            broken.append(path)
            continue
        for href in watched.page.locator("a[href]").evaluate_all("els => els.map(e => e.getAttribute('href'))"):
            if href.startswith(("http://", "https://", "#")):
                continue
            todo.append(posixpath.normpath(posixpath.join(posixpath.dirname(path), href.split("#")[0].split("?")[0])))
    assert not broken, f"links that do not resolve: {broken}"
    assert {f"site/{p}" for p in seen} == {p for p in files if p.endswith(".html")}


def test_keyboard_reaches_skip_link_then_the_speaker_filter(served, watched):
    """Tab first focuses the skip link, and tabbing on reaches the speaker filter."""
    base, _ = served
    page = watched.page
    page.goto(f"{base}quotes.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "f-speaker":
            break
    assert page.evaluate("document.activeElement.id") == "f-speaker"


def test_speaker_filter_shows_only_that_speakers_quotations(served, watched):
    """Choosing a speaker hides every other speaker's quotations."""
    base, _ = served
    speaker = "actor:helmut-kohl"
    expected = sum(q["speaker"] == speaker for q in _quotes())
    page = watched.page
    page.goto(f"{base}quotes.html")
    page.select_option("#f-speaker", speaker)
    visible = page.locator("#quote-list > li:visible")
    assert visible.count() == expected
    assert set(visible.evaluate_all("els => els.map(e => e.dataset.speaker)")) == {speaker}


def test_filter_reads_its_choice_from_the_address(served, watched):
    """quotes.html?translated=yes lists only the translated quotations."""
    base, _ = served
    watched.page.goto(f"{base}quotes.html?translated=yes")
    assert watched.page.locator("#quote-list > li:visible").count() == sum(q["translated"] for q in _quotes())


def test_without_javascript_every_quotation_is_listed(served, browser):
    """With scripts off the filters stay hidden and the full list shows."""
    base, _ = served
    tab = Watched(browser, java_script_enabled=False)
    try:
        tab.page.goto(f"{base}quotes.html")
        assert tab.page.locator("#quote-list > li:visible").count() == len(_quotes())
        assert not tab.page.locator("#filters").is_visible()
    finally:
        tab.close()
