"""The record pages (a quotation's, document's, event's, actor's, capture's) and the
quotation cards, written in plain Python: the same bytes as the Jinja templates.

A 10k-quotation release has ~15,000 record pages; through Jinja each costs hundreds of
template calls (macros, ``ref``, attribute look-ups, escaping), which made the site most
of a build. These functions are the templates ``quote.html``, ``document.html``,
``event.html``, ``actor.html`` and ``capture.html`` (with ``base.html`` and the macros
of ``_macros.html``) transcribed line by line; the templates stay the specification and
the tests render every page both ways and compare the bytes (tests/test_site_pages.py).
Change a template, change its function here.

Escaping follows Jinja's autoescape exactly: every value a template prints with
``{{ }}`` goes through ``esc`` (markupsafe's replacements, in its order); the HTML the
helpers build (a link, a grade, a card) is inserted as it is.
"""

from __future__ import annotations

from .. import verification as _verification
from . import jsonld
from ._html import (
    base_html,
    chain,
    cred,
    date,
    dated,
    esc,
    extra_fields,
    language,
    notes_dl_end,
    rel,
    status,
    status_line,
    truncate,
    words,
)
from .text import EXCERPT_RULE

__all__ = ["Pages"]


#: where a record's id goes in a citation (a string no descriptor or id holds)
_HOLE = "\x00record id\x00"


class Pages:
    """The record pages of one site; ``site`` is the render's state (see render._Site)."""

    def __init__(self, site):
        self.site = site
        self.corpus = site.corpus
        self.paths = site.paths
        self._refs: dict[tuple[str, str], str] = {}
        self._cards: dict[tuple, str] = {}
        self._rule = esc(EXCERPT_RULE)
        self._base = base_html(site.descriptor, "../")
        self._cite: tuple[str, ...] | None = None  # (before, after) a record's id in site.cite

    # helpers ----------------------------------------------------------------------------
    def ref(self, record_id, root: str = "../") -> str:
        """``ref(id)``: a record's name linked to its page, its name alone, or '—'."""
        if not record_id:
            return "—"
        key = (root, record_id)
        found = self._refs.get(key)
        if found is None:
            link = self.paths.get(record_id)
            name = esc(self.corpus.name(record_id))
            found = f'<a href="{esc(root)}{esc(link)}">{name}</a>' if link else name
            self._refs[key] = found
        return found

    def _refs_joined(self, ids, empty: str) -> str:
        return ", ".join(self.ref(a) for a in ids) if ids else empty

    def card(self, q: dict, root: str = "../", year=None) -> str:
        """The ``quote_card_html`` macro; ``year`` is the page's year function, if it has one."""
        key = (q["id"], root, year is not None)
        found = self._cards.get(key)
        if found is not None:
            return found
        ref = self.ref
        addressee = f" to {ref(q['addressee'], root)}" if q.get("addressee") else ""
        vstatus = q.get("verification_status")
        verified = (
            f' <span class="vstatus vstatus-{esc(vstatus)}" title="Verification: '
            f'{esc(_verification.STATUSES.get(vstatus, ""))}">{words(vstatus)}</span>'
            if vstatus
            else ""
        )
        translated = (
            '<span class="translated">Translated: '
            f"{chain([q['original_language'], *(q['via_languages'] or []), q['language']])}</span>"
            if q["translated"]
            else ""
        )
        found = (
            f'<li class="card quote-card" data-speaker="{esc(q["speaker"])}" '
            f'data-verification="{esc(vstatus or "")}" data-year="{esc(year(q)) if year is not None else ""}" '
            f'data-cred="{esc(q["credibility_grade"])}" data-translated="{"yes" if q["translated"] else "no"}">\n'
            f'<blockquote><a href="{esc(root)}{esc(self.site.link(q["id"]))}">“{esc(q["text"])}”</a></blockquote>\n'
            f'<p class="meta">{ref(q["speaker"], root)}{addressee} · <span class="date">{date(q["date"])}</span></p>\n'
            f'<p class="meta">{cred(q["credibility_grade"])} {status(q)}{verified}{translated}</p>\n'
            "</li>\n"
        )
        self._cards[key] = found
        return found

    def _cards_of(self, quotes, empty: str) -> str:
        return "".join(self.card(q) for q in quotes) if quotes else empty

    def _verification(self, row: dict) -> str:
        """The ``verification`` macro over site.verification(row)."""
        v = self.site.verification(row)
        if not v:
            return ""
        if v["checked"]:
            items = "".join(
                f'<li><a href="{esc(item)}" rel="external noopener">{esc(item)}</a></li>'
                if kind == "url"
                else f"<li>{self.ref(item)}</li>"
                for kind, item in v["checked"]
            )
            checked = f'<ul class="checked">{items}</ul>'
        else:
            checked = "nothing: no original or copy of it was found"
        on = f"{date(v['on'])} <code>{esc(v['on'])}</code>" if v["on"] else "—"
        if v["differences"]:
            items = "".join(
                f'<li><span class="tag">{words(d.get("kind", "other"))}</span> {esc(d.get("note", ""))}</li>'
                for d in v["differences"]
            )
            differences = f'<ul class="differences">{items}</ul>'
        else:
            differences = "none found"
        why = f"<dt>Why this status</dt><dd>{esc(v['rationale'])}</dd>" if v["rationale"] else ""
        return (
            '<section aria-labelledby="verif-h" class="verification">\n<h2 id="verif-h">Verification</h2>\n'
            f'<p><span class="vstatus vstatus-{esc(v["status"])}">{words(v["status"])}</span>: {esc(v["meaning"])}.</p>\n'
            '<dl class="facts">\n'
            f"<dt>Checked against</dt><dd>{checked}</dd>\n"
            f"<dt>Checked on</dt><dd>{on}</dd>\n"
            f"<dt>Differences</dt><dd>{differences}</dd>\n"
            f"{why}</dl>\n</section>\n"
        )

    def cite(self, record_id: str) -> str:
        """site.cite(record_id), escaped: the words around the id are the same on every page."""
        if self._cite is None:
            parts = self.site.cite(_HOLE).split(_HOLE)
            self._cite = (esc(parts[0]), esc(parts[1])) if len(parts) == 2 else ()
        if not self._cite:
            return esc(self.site.cite(record_id))
        return f"{self._cite[0]}{esc(record_id)}{self._cite[1]}"

    def _cite_section(self, record_id: str) -> str:
        return f'<section aria-labelledby="cite-h"><h2 id="cite-h">How to cite it</h2><p class="cite">{self.cite(record_id)}</p></section>\n'

    def _page(self, title: str, main: str, ld: dict) -> bytes:
        """``base.html`` at depth 1 around a page's title, JSON-LD and main."""
        head, middle, foot = self._base
        return f"{head}{title}{middle}{jsonld.script(ld)}{foot[0]}{main}{foot[1]}".encode()

    # pages --------------------------------------------------------------------------------
    def quote(self, q: dict, occurrences: list[dict], languages: list, extra, ld: dict) -> bytes:
        ref = self.ref
        addressee = f", to {ref(q['addressee'])}" if q.get("addressee") else ""
        if languages:
            spoken = (
                f"Translated: {chain(languages)} (original {language(q['original_language'])}; "
                "these are not the original words)"
            )
        else:
            spoken = f"{language(q['language'])}, not translated"
        parts = [
            f'<p class="crumbs"><a href="../quotes.html">Quotations</a> › {esc(q["id"])}</p>\n'
            '<h1 class="visually-hidden">Quotation</h1>\n<figure class="quotation">\n'
            f'<blockquote lang="{esc(q["language"])}"><p>“{esc(q["text"])}”</p></blockquote>\n'
            f"<figcaption>{ref(q['speaker'])}{addressee} · {date(q['date'])}</figcaption>\n</figure>\n"
            '<dl class="facts">\n'
            f"<dt>Speaker</dt><dd>{ref(q['speaker'])}</dd>\n"
            f"<dt>Addressee</dt><dd>{ref(q.get('addressee'))}</dd>\n"
            f"{dated(q)}"
            f"<dt>Belongs to</dt><dd>{ref(q['document'])}</dd>\n"
            f"<dt>Form</dt><dd>{words(q.get('form'))}</dd>\n"
            f"<dt>Language</dt><dd>{spoken}</dd>\n"
            f"<dt>Relays</dt><dd>{esc(q.get('relays'))} between the original and the capture</dd>\n"
            f"<dt>Credibility</dt><dd>{cred(q['credibility_grade'])}<p>{esc(q['credibility_rationale'])}</p></dd>\n"
            f"{status_line(q)}{notes_dl_end(q)}{self._verification(q)}\n"
            '<section aria-labelledby="found-h">\n<h2 id="found-h">Where it was found</h2>\n'
        ]
        for o in occurrences:
            row, segment, shown = o["row"], o["segment"], o["excerpt"]
            within = (
                f" ({words(segment['kind'])} segment {esc(segment['start'])}–{esc(segment['end'])})" if segment else ""
            )
            parts.append(
                '<article class="occurrence">\n'
                f"<h3>In {ref(o['capture']['id'])}, characters {esc(row['start'])}–{esc(row['end'])}</h3>\n"
                f'<p class="meta">Carried by {ref(row["document"])}{within}. '
                f"Capture rights: {words(o['capture'].get('rights', 'unknown'))}.</p>\n"
            )
            if shown:
                parts.append(
                    f'<blockquote class="excerpt">{"… " if shown.clipped_before else ""}{esc(shown.before)}'
                    f"<mark>{esc(shown.words)}</mark>{esc(shown.after)}{' …' if shown.clipped_after else ''}</blockquote>\n"
                    f'<p class="rule">{"Whole segment shown (public domain)." if shown.full else "Excerpt only."} '
                    f"{self._rule}</p>\n"
                )
            else:
                parts.append(
                    "<p>The capture's text was not available to this site; "
                    "check the words by slicing the capture at the span.</p>\n"
                )
            parts.append("<p><strong>Relay chain back to the original:</strong>\n")
            if o["chain"]:
                links = "".join(
                    f"<li>{ref(doc)}" + (f' <span class="rel-type">{words(kind)}</span>' if kind else "") + "</li>"
                    for doc, kind in o["chain"]
                )
                parts.append(f'<ol class="chain">{links}</ol>\n')
            else:
                parts.append(
                    f"no chain of recorded relations leads from {ref(row['document'])} to {ref(q['document'])}; "
                    "see the notes.\n"
                )
            parts.append("</p>\n</article>\n")
        if not occurrences:
            parts.append("<p>No occurrence is recorded.</p>\n")
        found_in = "; ".join(
            f"{esc(o['capture']['id'])} [{esc(o['row']['start'])}:{esc(o['row']['end'])}]" for o in occurrences
        )
        parts.append(
            f"</section>\n{extra_fields(extra)}\n"
            '<section aria-labelledby="cite-h">\n<h2 id="cite-h">How to cite it</h2>\n'
            f'<p class="cite">{self.cite(q["id"])}</p>\n'
            f"<p>Cite the words as {ref(q['speaker'])}, in {ref(q['document'])} ({date(q['date'])}), "
            f"as found in {found_in}.</p>\n</section>\n"
        )
        return self._page(f"Quotation: {esc(truncate(q['text'], 60))}", "".join(parts), ld)

    def document(self, doc: dict, extra, ld: dict) -> bytes:
        c, ref, doc_id = self.corpus, self.ref, doc["id"]
        original = f" (translated from {language(doc['original_language'])})" if doc.get("original_language") else ""
        release_note = f": {esc(doc['release_note'])}" if doc.get("release_note") else ""
        urls = c.urls.get(doc_id, [])
        addresses = (
            "".join(
                f'<p><span class="tag">{words(u["kind"])}</span> <a href="{esc(u["url"])}" rel="external noopener">'
                f"{esc(u['url'])}</a>"
                + (f' <span class="meta">({esc(u["source"])})</span>' if u.get("source") else "")
                + "</p>\n"
                for u in urls
            )
            if urls
            else "<p>No address recorded.</p>"
        )
        out, into = c.relations_out.get(doc_id, []), c.relations_in.get(doc_id, [])
        relations = "".join(
            f"<li>This document <strong>{words(r['type'])}</strong> {ref(r['target'])}"
            + (f" — {esc(r['note'])}" if r.get("note") else "")
            + "</li>\n"
            for r in out
        ) + "".join(
            f"<li>{ref(r['document'])} <strong>{words(r['type'])}</strong> this document"
            + (f" — {esc(r['note'])}" if r.get("note") else "")
            + "</li>\n"
            for r in into
        )
        if not out and not into:
            relations += "<li>None recorded.</li>"
        main = (
            f'<p class="crumbs"><a href="../documents.html">Documents</a> › {esc(doc_id)}</p>\n'
            f"<h1>{esc(doc['title'])}</h1>\n"
            '<dl class="facts">\n'
            f"<dt>Kind</dt><dd>{words(doc['kind'])}</dd>\n"
            f"{dated(doc)}"
            f"<dt>Authors</dt><dd>{self._refs_joined(c.authors.get(doc_id, []), 'not known')}</dd>\n"
            f"<dt>Recipients</dt><dd>{self._refs_joined(c.recipients.get(doc_id, []), '—')}</dd>\n"
            f"<dt>Language</dt><dd>{language(doc['language'])}{original}</dd>\n"
            f"<dt>Publisher</dt><dd>{ref(doc.get('publisher'))}</dd>\n"
            f"<dt>Held by</dt><dd>{ref(doc.get('holder'))}</dd>\n"
            f"<dt>Made public</dt><dd>{words(doc.get('release'))}{release_note}</dd>\n"
            f"<dt>Capture</dt><dd>{ref(doc.get('capture'))}</dd>\n"
            f"<dt>Rights</dt><dd>{words(doc.get('rights'))}</dd>\n"
            f"<dt>Reliability</dt><dd>{rel(doc['reliability_grade'])}<p>{esc(doc['reliability_rationale'])}</p></dd>\n"
            f"{status_line(doc)}{notes_dl_end(doc)}{self._verification(doc)}\n"
            '<section aria-labelledby="urls-h">\n<h2 id="urls-h">Addresses</h2>\n'
            f"{addresses}</section>\n"
            '<section aria-labelledby="rel-h">\n<h2 id="rel-h">Relations</h2>\n<ul>\n'
            f"{relations}</ul>\n</section>\n"
            '<section aria-labelledby="q-h">\n<h2 id="q-h">Quotations from this document</h2>\n'
            f'<ul class="cards">{self._cards_of(c.quotes_by("document", doc_id), "<li>None.</li>")}</ul>\n'
            f"</section>\n{extra_fields(extra)}\n{self._cite_section(doc_id)}"
        )
        return self._page(esc(truncate(doc["title"], 70)), main, ld)

    def event(self, e: dict, extra, ld: dict) -> bytes:
        c, ref, event_id = self.corpus, self.ref, e["id"]
        evidence = "".join(
            f"<li>{ref(doc)}"
            + (f" — {rel(c.documents[doc]['reliability_grade'])}" if doc in c.documents else "")
            + "</li>"
            for doc in c.evidence.get(event_id, [])
        )
        main = (
            f'<p class="crumbs"><a href="../events.html">Timeline</a> › {esc(event_id)}</p>\n'
            f"<h1>{esc(e['title'])}</h1>\n"
            f'<p class="summary">{esc(e["summary"])}</p>\n'
            '<dl class="facts">\n'
            f"<dt>Kind</dt><dd>{words(e['kind'])}</dd>\n"
            f"{dated(e)}"
            f"<dt>Place</dt><dd>{esc(e.get('place') or 'not recorded')}</dd>\n"
            f"<dt>Participants</dt><dd>{self._refs_joined(c.participants.get(event_id, []), '—')}</dd>\n"
            f"<dt>Credibility</dt><dd>{cred(e['credibility_grade'])}<p>{esc(e['credibility_rationale'])}</p></dd>\n"
            f"{status_line(e)}{notes_dl_end(e)}{self._verification(e)}\n"
            '<section aria-labelledby="ev-h">\n<h2 id="ev-h">Evidence</h2>\n'
            f"<ul>{evidence or '<li>None recorded.</li>'}</ul>\n"
            f"</section>\n{extra_fields(extra)}\n{self._cite_section(event_id)}"
        )
        return self._page(esc(truncate(e["title"], 70)), main, ld)

    def actor(self, a: dict, extra, ld: dict) -> bytes:
        c, ref, actor_id = self.corpus, self.ref, a["id"]
        description = f'<p class="summary">{esc(a["description"])}</p>' if a.get("description") else ""
        wikidata = (
            f'<a href="https://www.wikidata.org/wiki/{esc(a["wikidata"])}" rel="external noopener">'
            f"{esc(a['wikidata'])}</a>"
            if a.get("wikidata")
            else "—"
        )
        to_them = c.quotes_by("addressee", actor_id)
        addressed = (
            '<section aria-labelledby="t-h">\n<h2 id="t-h">Words addressed to them</h2>\n'
            f'<ul class="cards">{self._cards_of(to_them, "")}</ul>\n</section>\n'
            if to_them
            else ""
        )
        documents = "".join(
            f'<li>{ref(doc["id"])} <span class="meta">({esc(", ".join(map(str, roles)))}; '
            f"{date(doc['date'])})</span></li>"
            for doc, roles in c.documents_of(actor_id)
        )
        events = "".join(
            f'<li>{ref(e["id"])} <span class="meta">({date(e["date"])})</span></li>' for e in c.events_of(actor_id)
        )
        main = (
            f'<p class="crumbs"><a href="../actors.html">Actors</a> › {esc(actor_id)}</p>\n'
            f"<h1>{esc(a['name'])}</h1>\n"
            f'{description}<dl class="facts">\n'
            f"<dt>Kind</dt><dd>{words(a['kind'])}</dd>\n"
            f"<dt>Also written</dt><dd>{esc('; '.join(map(str, a.get('aliases') or ['—'])))}</dd>\n"
            f"<dt>Wikidata</dt><dd>{wikidata}</dd>\n"
            f"{notes_dl_end(a)}{extra_fields(extra)}\n"
            '<section aria-labelledby="w-h">\n<h2 id="w-h">Their words</h2>\n'
            f'<ul class="cards">{self._cards_of(c.quotes_by("speaker", actor_id), "<li>No quotation.</li>")}</ul>\n'
            f"</section>\n{addressed}"
            '<section aria-labelledby="d-h">\n<h2 id="d-h">Documents</h2>\n<ul>\n'
            f"{documents}</ul>\n</section>\n"
            '<section aria-labelledby="e-h">\n<h2 id="e-h">Events</h2>\n'
            f"<ul>{events or '<li>None.</li>'}</ul>\n</section>\n"
        )
        return self._page(esc(a["name"]), main, ld)

    def capture(self, cap: dict, held: list[dict], extra, ld: dict) -> bytes:
        c, ref, capture_id = self.corpus, self.ref, cap["id"]
        site_url = (
            f' <a href="{esc(cap["site_url"])}" rel="external noopener">{esc(cap["site_url"])}</a>'
            if cap.get("site_url")
            else ""
        )
        if cap.get("page_url", "").startswith("http"):
            page = f'<a href="{esc(cap["page_url"])}" rel="external noopener">{esc(cap["page_url"])}</a>'
        else:
            page = esc(cap.get("page_url"))
        segments = "".join(
            f"<tr><td>{esc(s['position'])}</td><td>{words(s['kind'])}</td><td>{esc(s['start'])}–{esc(s['end'])}</td>"
            f"<td>{esc(s.get('note') or '')}</td></tr>\n"
            for s in c.segments.get(capture_id, [])
        )
        holds = "".join(f"<li>{ref(doc['id'])}</li>" for doc in held)
        found = "".join(
            f'<li>[{esc(o["start"])}:{esc(o["end"])}] {ref(o["quote"])} <span class="meta">in {ref(o["document"])}</span></li>'
            for o in c.occurrences_in.get(capture_id, [])
        )
        main = (
            f'<p class="crumbs"><a href="../captures.html">Captures</a> › {esc(capture_id)}</p>\n'
            f"<h1>{esc(cap['title'])}</h1>\n"
            '<dl class="facts">\n'
            f"<dt>File</dt><dd><code>{esc(cap.get('file'))}</code></dd>\n"
            f'<dt>sha256</dt><dd><code class="hash">{esc(cap.get("sha256"))}</code></dd>\n'
            f"<dt>Size</dt><dd>{esc(cap.get('bytes'))} bytes, {esc(cap.get('characters'))} characters "
            f"({esc(cap.get('encoding'))}, {esc(cap.get('media_type'))})</dd>\n"
            f"<dt>Site</dt><dd>{esc(cap.get('site'))}{site_url}</dd>\n"
            f"<dt>Page address</dt><dd>{page}</dd>\n"
            f"<dt>Captured</dt><dd>{date(cap.get('captured'))} <code>{esc(cap.get('captured'))}</code></dd>\n"
            f"<dt>Obtained</dt><dd>{esc(cap.get('obtained'))}</dd>\n"
            f"<dt>Rights</dt><dd>{words(cap.get('rights'))}</dd>\n"
            f"{notes_dl_end(cap)}"
            '<section aria-labelledby="s-h">\n<h2 id="s-h">Segments</h2>\n<table>\n'
            '<thead><tr><th scope="col">#</th><th scope="col">Kind</th><th scope="col">Characters</th>'
            '<th scope="col">Note</th></tr></thead>\n<tbody>\n'
            f"{segments}</tbody>\n</table>\n</section>\n"
            '<section aria-labelledby="h-h">\n<h2 id="h-h">Documents it holds</h2>\n'
            f"<ul>{holds or '<li>None.</li>'}</ul>\n</section>\n"
            '<section aria-labelledby="f-h">\n<h2 id="f-h">Quotations found in it</h2>\n'
            f"<ul>{found or '<li>None.</li>'}</ul>\n</section>\n"
            f"{extra_fields(extra)}\n"
        )
        return self._page(f"Capture {esc(capture_id)}", main, ld)
