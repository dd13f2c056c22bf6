"""render_site: every file of the static site, as bytes, from the release's own tables.

A pure function: no clock, no network, no file system except the package's templates
and assets; the same tables give the same bytes. Links are relative, so the site works
from any folder served over HTTP.
"""

from __future__ import annotations

import json
from functools import partial
from importlib import resources

import jinja2
from markupsafe import Markup, escape

from .. import verification as _verification
from . import jsonld
from ._grades import CREDIBILITY, RELIABILITY
from .corpus import Corpus, SiteDataError
from .pages import Pages
from .text import EXCERPT_RULE, describe_date, excerpt, language_name, slug

#: record type -> (id prefix, folder, template)
KINDS = {
    "quotes": ("quote", "quotes", "quote.html"),
    "documents": ("doc", "documents", "document.html"),
    "events": ("event", "events", "event.html"),
    "actors": ("actor", "actors", "actor.html"),
    "captures": ("capture", "captures", "capture.html"),
}
#: columns each page shows in its own place; any other non-empty column a release adds
#: (a verification status, an actor's country...) is listed under "More fields"
SHOWN = {
    "quotes": {
        "id",
        "text",
        "speaker",
        "addressee",
        "date",
        "date_earliest",
        "date_latest",
        "date_note",
        "document",
        "language",
        "original_language",
        "translated",
        "via_languages",
        "relays",
        "form",
        "credibility_grade",
        "credibility_rationale",
        "status",
        "status_reason",
        "notes",
    },
    "documents": {
        "id",
        "title",
        "kind",
        "date",
        "date_earliest",
        "date_latest",
        "date_note",
        "authors",
        "recipients",
        "language",
        "original_language",
        "publisher",
        "holder",
        "release",
        "release_note",
        "capture",
        "rights",
        "reliability_grade",
        "reliability_rationale",
        "status",
        "status_reason",
        "notes",
    },
    "events": {
        "id",
        "title",
        "kind",
        "date",
        "date_earliest",
        "date_latest",
        "date_note",
        "place",
        "participants",
        "summary",
        "evidence",
        "credibility_grade",
        "credibility_rationale",
        "status",
        "status_reason",
        "notes",
    },
    "actors": {"id", "name", "kind", "aliases", "description", "wikidata", "notes"},
    "captures": {
        "id",
        "file",
        "sha256",
        "bytes",
        "characters",
        "media_type",
        "encoding",
        "title",
        "site",
        "site_url",
        "page_url",
        "captured",
        "captured_earliest",
        "captured_latest",
        "obtained",
        "rights",
        "notes",
        "text",
    },
}
#: the verification columns: shown in a page's own "Verification" section
VERIFICATION = {
    "verification_status",
    "verification_checked_against",
    "verification_checked_on",
    "verification_differences",
    "verification_rationale",
}
for _table in ("quotes", "documents", "events"):
    SHOWN[_table] |= VERIFICATION
ASSETS = ("site.css", "site.js")
#: template of a record page -> the method of pages.Pages that writes it
_PAGE_FUNCTIONS = {template: template.removesuffix(".html") for _, _, template in KINDS.values()}


def _environment() -> jinja2.Environment:
    templates = resources.files(__package__) / "templates"
    loader = jinja2.DictLoader(
        {item.name: item.read_text(encoding="utf-8") for item in templates.iterdir() if item.name.endswith(".html")}
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date"] = describe_date
    env.filters["language"] = language_name
    env.globals["site_jsonld"] = jsonld.script
    env.filters["words"] = lambda value: str(value).replace("_", " ")
    return env


class _Site:
    """The state one render needs: the corpus, the descriptor and the capture texts."""

    def __init__(self, tables: dict, descriptor: dict, captures: dict[str, str], *, templates: bool = False):
        self.templates = templates  # True: every page through Jinja (the specification the tests compare with)
        self.corpus = Corpus.from_tables(tables)
        self.descriptor = descriptor
        self.texts = dict(captures)
        self.env = _environment()
        self.paths: dict[str, str] = {}
        self._cards: dict[tuple, Markup] = {}
        self._refs: dict[str, partial] = {}
        for table, (prefix, folder, _) in KINDS.items():
            for record_id in getattr(self.corpus, table):
                try:
                    self.paths[record_id] = f"{folder}/{slug(record_id, prefix)}.html"
                except ValueError as error:
                    raise SiteDataError(f"table {table!r}: {error}") from None
        self.pages = Pages(self)

    # helpers the templates call -------------------------------------------------
    def link(self, record_id: str | None) -> str | None:
        """The path of a record's page relative to the site root, or None if it has none."""
        return self.paths.get(record_id or "")

    def ref(self, root: str, record_id: str | None) -> Markup:
        """A record by its name, linked to its page when it has one; '—' for no record.

        Templates call it as ``ref(id)`` (``root`` is bound per page depth, see ``render``).
        """
        if not record_id:
            return Markup("—")
        link = self.link(record_id)
        if not link:
            return escape(self.corpus.name(record_id))
        return Markup(f'<a href="{escape(root)}{escape(link)}">{escape(self.corpus.name(record_id))}</a>')

    def card(self, macro, quote: dict, root: str, with_year: bool) -> Markup:
        """A quotation's card (the ``quote_card_html`` macro), rendered once per page depth.

        A card shows only the quotation, links relative to ``root`` and, on the list of
        all quotations, its year; so pages at the same depth share it (a quotation's card
        is on its speaker's, addressee's and document's pages).
        """
        if not self.templates:
            return Markup(self.pages.card(quote, root, _year if with_year else None))
        key = (quote["id"], root, with_year)
        if key not in self._cards:
            self._cards[key] = macro(quote)
        return self._cards[key]

    def extra(self, table: str, row: dict) -> list[tuple[str, str]]:
        """Columns a newer release adds, as (name, text), for "More fields"."""
        out = []
        for key in sorted(set(row) - SHOWN[table]):
            value = row[key]
            if value in (None, "", []):
                continue
            out.append((key.replace("_", " "), ", ".join(map(str, value)) if isinstance(value, list) else str(value)))
        return out

    def verification(self, row: dict) -> dict | None:
        """A record's verification for its page, or None when the release records none.

        ``checked`` lists what was compared, each as ('document', id) or ('url', address).
        """
        status = row.get("verification_status")
        if not status:
            return None
        checked = [
            ("url" if str(item).startswith(("http://", "https://")) else "document", item)
            for item in row.get("verification_checked_against") or []
        ]
        return {
            "status": status,
            "meaning": _verification.STATUSES.get(status, ""),
            "checked": checked,
            "on": row.get("verification_checked_on"),
            "differences": _verification.differences(row),
            "rationale": row.get("verification_rationale"),
        }

    def cite(self, record_id: str) -> str:
        """How to cite a record of this release."""
        d = self.descriptor
        who = ", ".join(c.get("title", "") for c in d.get("contributors") or []) or "nato-corpus"
        year = str(d.get("created") or "")[:4]
        licence = ", ".join(x.get("name", "") for x in d.get("licenses") or [])
        return (
            f"{who}{f' ({year})' if year else ''}. {d.get('title') or d.get('name')}, "
            f"version {d.get('version')}. Record {record_id}."
            f"{f' Licence {licence}.' if licence else ''}"
        )

    def occurrence(self, occ: dict) -> dict:
        """One place a quotation was found, with the excerpt its rights allow."""
        capture = self.corpus.captures.get(occ["capture"], {"id": occ["capture"]})
        carrier = self.corpus.documents.get(occ["document"], {})
        text = self.texts.get(occ["capture"]) or capture.get("text")
        public = capture.get("rights") == "public_domain" and carrier.get("rights", "public_domain") == "public_domain"
        segment = self.corpus.segment_of(occ["capture"], occ["start"], occ["end"])
        shown = None
        if text is not None and 0 <= occ["start"] <= occ["end"] <= len(text):
            bounds = (segment["start"], segment["end"]) if segment else None
            shown = excerpt(text, occ["start"], occ["end"], bounds, public)
        return {"row": occ, "capture": capture, "carrier": carrier, "segment": segment, "excerpt": shown}

    def render(self, template: str, depth: int, **context) -> bytes:
        root = "../" * depth
        if root not in self._refs:
            self._refs[root] = partial(self.ref, root)
        html = self.env.get_template(template).render(
            root=root,
            ref=self._refs[root],
            site=self,
            d=self.descriptor,
            CREDIBILITY=CREDIBILITY,
            RELIABILITY=RELIABILITY,
            EXCERPT_RULE=EXCERPT_RULE,
            c=self.corpus,
            STATUSES=_verification.STATUSES,
            **context,
        )
        return html.encode("utf-8")

    # pages --------------------------------------------------------------------------
    def record_pages(self) -> dict[str, bytes]:
        if self.templates:
            return self._record_pages(self.render)
        pages = self.pages
        return self._record_pages(
            lambda template, depth, **context: getattr(pages, _PAGE_FUNCTIONS[template])(**context)
        )

    def _record_pages(self, render) -> dict[str, bytes]:
        c, out = self.corpus, {}
        for record_id, quote in c.quotes.items():
            occurrences = [self.occurrence(o) for o in c.occurrences.get(record_id, [])]
            for occ in occurrences:
                occ["chain"] = c.relay_chain(occ["row"]["document"], quote["document"])
            languages = (
                ([quote.get("original_language")] + list(quote.get("via_languages") or []) + [quote.get("language")])
                if quote.get("translated")
                else []
            )
            out[self.paths[record_id]] = render(
                "quote.html",
                1,
                q=quote,
                occurrences=occurrences,
                languages=languages,
                extra=self.extra("quotes", quote),
                ld=jsonld.quotation(quote, c.actors.get(quote["speaker"]), c.documents.get(quote["document"])),
            )
        for record_id, doc in c.documents.items():
            authors = [c.actors[a] for a in c.authors.get(record_id, []) if a in c.actors]
            out[self.paths[record_id]] = render(
                "document.html", 1, doc=doc, extra=self.extra("documents", doc), ld=jsonld.creative_work(doc, authors)
            )
        for record_id, event in c.events.items():
            people = [c.actors[a] for a in c.participants.get(record_id, []) if a in c.actors]
            out[self.paths[record_id]] = render(
                "event.html", 1, e=event, extra=self.extra("events", event), ld=jsonld.event(event, people)
            )
        for record_id, actor in c.actors.items():
            out[self.paths[record_id]] = render(
                "actor.html", 1, a=actor, extra=self.extra("actors", actor), ld=jsonld.actor(actor)
            )
        for record_id, capture in c.captures.items():
            held = c.held_by(record_id)
            out[self.paths[record_id]] = render(
                "capture.html",
                1,
                cap=capture,
                held=held,
                extra=self.extra("captures", capture),
                ld=jsonld.capture(capture),
            )
        return out

    def index_pages(self) -> dict[str, bytes]:
        c = self.corpus
        counts = {name: len(getattr(c, name)) for name in KINDS}
        # by name, actors of the same name by id (never in the set's order, which varies by process)
        speakers = sorted(sorted({q["speaker"] for q in c.quotes.values()}), key=lambda a: c.name(a).lower())
        years = sorted({_year(q) for q in c.quotes.values()})
        events = sorted(c.events.values(), key=_chronological)
        checked = {name: _verification.counts(getattr(c, name).values()) for name in ("quotes", "events", "documents")}
        if not any(n for name in checked for s, n in checked[name].items() if s != _verification.UNRECORDED):
            checked = {}  # a release without verifications: the home page says nothing of them
        pages = {
            "index.html": self.render(
                "index.html",
                0,
                counts=counts,
                speakers=speakers,
                checked=checked,
                vstatuses=list(_verification.STATUSES)
                + [_verification.UNRECORDED] * any(_verification.UNRECORDED in n for n in checked.values()),
                ld=jsonld.dataset(self.descriptor, counts),
            ),
            "quotes.html": self.render(
                "quotes.html",
                0,
                speakers=speakers,
                years=years,
                has_verification=any(q.get("verification_status") for q in c.quotes.values()),
                year=_year,
                quotes=sorted(c.quotes.values(), key=_chronological),
                ld=jsonld.collection("Quotations", counts["quotes"]),
            ),
            "documents.html": self.render(
                "documents.html",
                0,
                docs=sorted(c.documents.values(), key=_chronological),
                ld=jsonld.collection("Documents", counts["documents"]),
            ),
            "events.html": self.render(
                "events.html", 0, events=events, year=_year, ld=jsonld.collection("Events", counts["events"])
            ),
            "actors.html": self.render(
                "actors.html",
                0,
                actors=sorted(c.actors.values(), key=lambda a: a["name"].lower()),
                ld=jsonld.collection("Actors", counts["actors"]),
            ),
            "captures.html": self.render("captures.html", 0, ld=jsonld.collection("Captures", counts["captures"])),
            "search.html": self.render("search.html", 0, ld=jsonld.collection("Search", 0)),
        }
        return pages

    def search_index(self) -> bytes:
        """assets/search-index.js: every record's page, kind, title and searchable words."""
        c, entries = self.corpus, []
        for q in c.quotes.values():
            entries.append(
                (
                    "Quotation",
                    q["id"],
                    q["text"],
                    f"{c.name(q['speaker'])}, {q['date']}",
                    [c.name(q["speaker"]), c.name(q.get("addressee")), q.get("notes") or ""],
                )
            )
        for d in c.documents.values():
            entries.append(("Document", d["id"], d["title"], d["date"], [d.get("notes") or ""]))
        for e in c.events.values():
            entries.append(("Event", e["id"], e["title"], e["date"], [e["summary"], e.get("place") or ""]))
        for a in c.actors.values():
            entries.append(("Actor", a["id"], a["name"], a.get("description") or "", list(a.get("aliases") or [])))
        for cap in c.captures.values():
            entries.append(("Capture", cap["id"], cap["title"], cap.get("site") or "", [cap["id"]]))
        records = [
            {"k": kind, "u": self.paths[rid], "h": title, "s": detail, "x": " ".join([title, detail, *words])}
            for kind, rid, title, detail, words in sorted(entries, key=lambda e: (e[0], e[1]))
        ]
        data = json.dumps(records, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        data = data.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        return f"window.NATO_SEARCH_INDEX = {data};\n".encode()


def _year(record: dict) -> str:
    day = record.get("date_earliest") or record.get("date_latest")
    return str(day.year) if day else "unknown"


def _chronological(record: dict) -> tuple:
    day = record.get("date_earliest") or record.get("date_latest")
    return (day is None, day.isoformat() if day else "", record["id"])


def render_site(
    tables: dict, descriptor: dict, captures: dict[str, str], *, templates: bool = False
) -> dict[str, bytes]:
    """Every file of the release's static site: 'site/<relative path>' -> bytes, sorted.

    ``tables`` are the release's tables by name (pyarrow.Table), ``descriptor`` its
    parsed datapackage.json, ``captures`` capture id -> the capture's full text (only
    excerpts of copyrighted captures are shown; see nato_corpus.site.text). Raises
    SiteDataError when a table the site needs is missing or an id is not a safe slug.
    The record pages are written by nato_corpus.site.pages; ``templates=True`` renders
    them through the Jinja templates instead (the same bytes, slower: for the tests).
    """
    site = _Site(tables, descriptor, captures, templates=templates)
    files = {**site.index_pages(), **site.record_pages(), "assets/search-index.js": site.search_index()}
    assets = resources.files(__package__) / "assets"
    for name in ASSETS:
        files[f"assets/{name}"] = (assets / name).read_bytes()
    return {f"site/{path}": files[path] for path in sorted(files)}
