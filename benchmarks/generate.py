"""Synthetic raw/ corpora shaped like the real one, at any size, deterministic for a seed.

Every record type is present with realistic field lengths: captures (UTF-8 web pages of
2-12 KB with typographic quotation marks, segments and several quotations each, some
relayed from one page to the next), actors, the original documents the words belong to
(letters, memos, speeches dated 1990-2000), the pages and reader comments that carry
them, events attested by documents, and a few translations. Quotations are grouped by
capture into files of about 1,000, as curators group them; documents, events and actors
are in files of 1,000 records. The output validates clean; :func:`plant_errors` breaks it
on purpose.

    python -m benchmarks.generate --quotes 10000 --seed 1 benchmarks/.work/raw-10k

Dates are drawn from a realistic, bounded set (days of 1990-2000 for what was said and
written, days of 2024-2025 for the pages), because parsing a distinct EDTF string costs
milliseconds and real corpora repeat dates.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

QUOTES_PER_FILE = 1000
RECORDS_PER_FILE = 1000

FIRST = [
    "Alexander",
    "Andrei",
    "Anatoly",
    "Boris",
    "Bill",
    "Douglas",
    "Eduard",
    "Evgeny",
    "Gennady",
    "Hans",
    "Helmut",
    "James",
    "Javier",
    "Klaus",
    "Lech",
    "Madeleine",
    "Manfred",
    "Mikhail",
    "Nikolai",
    "Pavel",
    "Richard",
    "Robert",
    "Sergei",
    "Strobe",
    "Vaclav",
    "Viktor",
    "Volker",
    "Warren",
    "William",
    "Yevgeny",
    "Yuri",
    "Anthony",
    "Charles",
    "Dietrich",
    "Gerhard",
    "Igor",
    "Jacques",
    "John",
    "Leon",
    "Ronald",
    "Samuel",
]
LAST = [
    "Albright",
    "Baker",
    "Burns",
    "Christopher",
    "Clinton",
    "Gates",
    "Genscher",
    "Gorbachev",
    "Holbrooke",
    "Kohl",
    "Kozyrev",
    "Lake",
    "Matlock",
    "Perry",
    "Primakov",
    "Ruehe",
    "Scowcroft",
    "Shevardnadze",
    "Solana",
    "Talbott",
    "Walesa",
    "Woerner",
    "Yeltsin",
    "Havel",
    "Hurd",
    "Major",
    "Mitterrand",
    "Chirac",
    "Kinkel",
    "Rodionov",
    "Grachev",
    "Lebed",
    "Chernomyrdin",
    "Ivanov",
    "Vershbow",
    "Asmus",
    "Blackwill",
    "Zelikow",
    "Zoellick",
    "Kornblum",
    "Hunter",
    "Collins",
    "Fried",
    "Bohlen",
    "Rice",
    "Cheney",
    "Powell",
]
WORDS = [
    "alliance",
    "assurance",
    "border",
    "cooperation",
    "security",
    "enlargement",
    "expansion",
    "membership",
    "partnership",
    "treaty",
    "forces",
    "troops",
    "withdrawal",
    "unification",
    "eastward",
    "jurisdiction",
    "guarantee",
    "summit",
    "meeting",
    "memorandum",
    "letter",
    "conversation",
    "talks",
    "negotiations",
    "proposal",
    "framework",
    "charter",
    "council",
    "consultation",
    "ministers",
    "government",
    "president",
    "chancellor",
    "secretary",
    "foreign",
    "defense",
    "policy",
    "strategy",
    "interests",
    "commitment",
    "stability",
    "integration",
    "europe",
    "continent",
    "order",
    "relations",
    "understanding",
    "position",
    "agreement",
    "principle",
    "question",
    "future",
    "process",
    "decision",
    "inclusion",
    "exclusion",
    "neighbours",
    "region",
    "military",
    "political",
    "economic",
    "common",
    "undivided",
    "transparent",
    "gradual",
    "deliberate",
    "premature",
    "partners",
    "allies",
    "concerns",
    "respect",
    "sovereignty",
    "choice",
    "doors",
    "open",
    "closed",
    "consensus",
    "dialogue",
    "reform",
    "democracy",
    "market",
    "transition",
    "nuclear",
    "weapons",
    "arsenal",
    "reductions",
    "verification",
    "inspection",
    "confidence",
    "measures",
    "mandate",
    "territory",
    "inch",
    "further",
    "beyond",
    "east",
    "west",
    "north",
    "south",
    "central",
    "baltic",
    "balkan",
    "visegrad",
    "warsaw",
    "moscow",
    "washington",
    "bonn",
    "brussels",
    "paris",
    "london",
    "kiev",
    "prague",
    "budapest",
    "will",
    "would",
    "should",
    "could",
    "must",
    "cannot",
    "never",
    "always",
    "perhaps",
    "clearly",
    "certainly",
    "indeed",
    "nevertheless",
    "however",
    "therefore",
    "meanwhile",
    "today",
    "tomorrow",
    "soon",
    "later",
    "before",
    "after",
    "during",
    "within",
    "without",
    "against",
    "toward",
    "across",
    "the",
    "a",
    "an",
    "of",
    "to",
    "in",
    "on",
    "for",
    "with",
    "by",
    "from",
    "at",
    "as",
    "that",
    "this",
    "these",
    "those",
    "we",
    "you",
    "they",
    "he",
    "she",
    "it",
    "our",
    "your",
    "their",
    "his",
    "her",
    "its",
    "not",
    "no",
    "yes",
    "more",
    "less",
    "very",
    "important",
    "serious",
    "difficult",
    "necessary",
    "possible",
    "acceptable",
    "unacceptable",
    "new",
    "old",
    "long",
    "short",
    "early",
    "late",
    "first",
    "last",
    "next",
    "great",
    "small",
    "historic",
    "personal",
    "public",
    "private",
    "official",
]
FILLER_WORDS = WORDS + [
    "page",
    "site",
    "post",
    "share",
    "reply",
    "comment",
    "read",
    "more",
    "subscribe",
    "newsletter",
    "archive",
    "link",
    "source",
    "photo",
    "video",
    "report",
    "analysis",
    "update",
    "editor",
    "reader",
    "forum",
    "thread",
    "view",
    "login",
    "menu",
    "home",
    "world",
    "politics",
    "news",
    "opinion",
    "column",
    "minutes",
    "hours",
    "days",
    "weeks",
    "months",
    "years",
    "ago",
]
RUSSIAN = ["мы", "не", "будем", "расширять", "НАТО", "на", "восток", "это", "наша", "общая", "безопасность"]

DOC_KINDS = [
    "letter",
    "memorandum",
    "memcon",
    "telcon",
    "cable",
    "speech",
    "statement",
    "note",
    "report",
    "policy_paper",
]
PAGE_KINDS = ["news_report", "article", "forum_post", "web_page", "archive_posting"]
EVENT_KINDS = [
    "summit",
    "meeting",
    "briefing",
    "conference",
    "letter_sent",
    "speech",
    "phone_call",
    "visit",
    "policy_decision",
]
RELEASES = ["foia_lawsuit", "foia_request", "official_publication", "publication", "leak", "unknown"]
ACTOR_KINDS = ["person"] * 6 + ["government", "agency", "news_agency", "publication", "website", "organization"]
RATIONALES = [
    "A government record held by the archive; the originator is the office that wrote it.",
    "Relayed by an anonymous post that copies the archive's description word for word.",
    "A news agency report summarising documents published by the archive; no transcript is given.",
    "The page names no author and gives no source for the words it quotes.",
    "Confirmed by the archive's own posting and by a second independent report.",
    "Known only through a single relay whose wording differs from other copies in small ways.",
]

_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ,.'()/_:?=&%~+-]*$")
_PLAIN_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"}  # raw.py keeps timestamps as text
_resolver = yaml.resolver.Resolver()


# --- YAML writing -------------------------------------------------------------------


def _scalar(value, *, flow: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if (
        _PLAIN.match(text)
        and not text.endswith((" ", ":"))
        and ": " not in text
        and " #" not in text
        and not (flow and "," in text)
        and _resolver.resolve(yaml.ScalarNode, text, (True, False)) in _PLAIN_TAGS
    ):
        return text  # plain, as curators write most values
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _emit(value, indent: int, out: list[str]) -> None:
    """Block-style YAML for lists of mappings; short lists of identifiers in flow style."""
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if item is None:
                continue
            if isinstance(item, dict):
                out.append(f"{pad}{key}:\n")
                _emit(item, indent + 2, out)
            elif isinstance(item, list):
                if not item:
                    continue
                if all(isinstance(x, str) for x in item) and sum(map(len, item)) < 80:
                    out.append(f"{pad}{key}: [{', '.join(_scalar(x, flow=True) for x in item)}]\n")
                else:
                    out.append(f"{pad}{key}:\n")
                    _emit(item, indent + 2, out)
            else:
                out.append(f"{pad}{key}: {_scalar(item)}\n")
    else:
        for item in value:
            if isinstance(item, dict):
                start = len(out)
                _emit(item, indent + 2, out)
                out[start] = pad + "- " + out[start][indent + 2 :]
            else:
                out.append(f"{pad}- {_scalar(item)}\n")


def dump(records: list[dict], comment: str) -> str:
    out = [f"# {comment}\n"]
    _emit(records, 0, out)
    return "".join(out)


# --- the corpus ---------------------------------------------------------------------


@dataclass
class _Writer:
    root: Path
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("actor", "capture", "document", "event", "quote"), 0)
    )
    files: int = 0

    def write(self, relative: str, text: str | bytes) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
        self.files += 1


@dataclass
class Summary:
    """What a generated corpus holds."""

    root: Path
    counts: dict[str, int]
    files: int
    bytes: int

    @property
    def records(self) -> int:
        return sum(self.counts.values())


class _Text:
    """Sentences and names from a seeded random source."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.filler = [self._sentence(FILLER_WORDS, 8, 24) for _ in range(3000)]

    def _sentence(self, words: list[str], low: int, high: int) -> str:
        rng = self.rng
        chosen = [rng.choice(words) for _ in range(rng.randint(low, high))]
        for i in range(2, len(chosen) - 2):
            if rng.random() < 0.08:
                chosen[i] += ","
        text = " ".join(chosen)
        return text[0].upper() + text[1:] + rng.choice(".....?!")

    def sentence(self, low: int = 6, high: int = 22) -> str:
        return self._sentence(WORDS, low, high)

    def words(self, low: int, high: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def title(self) -> str:
        return self.words(4, 12).capitalize()

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.rng.choice(self.filler) for _ in range(sentences))


class _Page:
    """A capture's text assembled piece by piece, knowing the offset where each piece starts."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, piece: str) -> int:
        start = self.length
        self.parts.append(piece)
        self.length += len(piece)
        return start


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _days(start: dt.date, end: dt.date) -> list[str]:
    return [(start + dt.timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]


OLD_DAYS = _days(dt.date(1990, 1, 1), dt.date(2000, 12, 31))
NEW_DAYS = _days(dt.date(2024, 1, 1), dt.date(2025, 6, 30))


def _old_date(rng: random.Random) -> str:
    day = rng.choice(OLD_DAYS)
    roll = rng.random()
    if roll < 0.80:
        return day
    if roll < 0.90:
        return day[:7]
    if roll < 0.93:
        return day[:4] + "~"
    if roll < 0.95:
        return day[:7] + "?"
    following = dt.date.fromisoformat(day) + dt.timedelta(days=rng.randint(1, 3))
    return f"{day}/{following.isoformat()}"


def _credibility(rng: random.Random) -> dict:
    return {"grade": rng.randint(1, 6), "rationale": rng.choice(RATIONALES)}


def generate(out: str | Path, quotes: int, seed: int = 0) -> Summary:
    """Write a raw/ corpus holding ``quotes`` quotations into ``out`` (replacing it)."""
    if quotes < 1:
        raise ValueError("quotes must be at least 1")
    root = Path(out)
    if root.exists():
        shutil.rmtree(root)
    rng = random.Random(seed)
    text = _Text(rng)
    writer = _Writer(root)
    writer.write(
        "corpus.yaml",
        dump([], "A synthetic corpus for benchmarks: generated, not evidence.")
        + "\n".join(
            [
                "name: synthetic-corpus",
                "title: A synthetic corpus for benchmarks",
                "version: 9.0.0",
                "released: 2025-07-01",
                f"description: Generated by benchmarks/generate.py with {quotes} quotations and seed {seed}; not evidence.",
                "keywords: [synthetic, benchmark]",
                "license: CC-BY-4.0",
                "license_title: Creative Commons Attribution 4.0 International",
                "license_url: https://creativecommons.org/licenses/by/4.0/",
                "contributors:",
                "  - title: The benchmark generator",
                "    role: author",
                "changes: Generated.",
                "",
            ]
        ),
    )

    # actors: persons speak and write; sites publish the pages
    n_people = max(8, quotes // 100)
    n_sites = max(4, quotes // 1000)
    actors = []
    people = []
    names: dict[str, str] = {}
    for i in range(n_people):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        record = {
            "id": f"actor:{_slug(name)}-{i}",
            "name": name,
            "kind": "person",
            "aliases": [name.split()[-1], f"Mr {name.split()[-1]}"] if rng.random() < 0.5 else [],
            "description": text.sentence(8, 20) if rng.random() < 0.7 else None,
            "wikidata": f"Q{rng.randint(1, 9_999_999)}" if rng.random() < 0.4 else None,
        }
        actors.append(record)
        people.append(record)
        names[record["id"]] = name
    sites = []
    for i in range(n_sites):
        name = f"{rng.choice(WORDS).capitalize()} {rng.choice(['News', 'Post', 'Forum', 'Archive', 'Herald', 'Wire'])}"
        record = {
            "id": f"actor:{_slug(name)}-site-{i}",
            "name": name,
            "kind": rng.choice(["website", "publication", "news_agency"]),
            "description": text.sentence(6, 14),
        }
        actors.append(record)
        sites.append(record)
    used_actors: set[str] = set()

    # the originals the words belong to
    n_originals = max(4, quotes // 20)
    originals = []
    for i in range(n_originals):
        author = people[i % len(people)]
        recipient = rng.choice(people)
        kind = rng.choice(DOC_KINDS)
        date = _old_date(rng)
        language = "ru" if rng.random() < 0.05 else "en"
        record = {
            "id": f"doc:{kind.replace('_', '-')}-{_slug(author['name'])}-{i}",
            "title": f"[{kind.replace('_', ' ').capitalize()} from {author['name']} to {recipient['name']}]",
            "kind": kind,
            "date": date,
            "date_note": text.sentence(6, 14) if rng.random() < 0.1 else None,
            "authors": [author["id"]],
            "recipients": [recipient["id"]] if recipient is not author else [],
            "language": language,
            "holder": sites[i % len(sites)]["id"] if rng.random() < 0.5 else None,
            "urls": [
                {"kind": "archive_page", "url": f"https://archive.example.org/documents/{i}/{_slug(text.words(2, 4))}"}
            ]
            if rng.random() < 0.6
            else [],
            "release": rng.choice(RELEASES),
            "release_note": text.sentence(5, 12) if rng.random() < 0.2 else None,
            "relations": [],
            "rights": "public_domain",
            "reliability": {"grade": rng.choice("ABCDEF"), "rationale": rng.choice(RATIONALES)},
        }
        if i and rng.random() < 0.2:  # a reply to an earlier original: never a cycle
            record["relations"].append({"type": "replies_to", "target": originals[rng.randrange(i)]["id"]})
        used_actors.update(record["authors"] + record["recipients"])
        if record["holder"]:
            used_actors.add(record["holder"])
        originals.append(record)

    # captures, the pages and comments they hold, and the quotations found in them
    documents_out: list[dict] = list(originals)
    doc_file = [0]

    def flush_documents(force: bool = False) -> None:
        while len(documents_out) >= RECORDS_PER_FILE or (force and documents_out):
            batch = documents_out[:RECORDS_PER_FILE]
            del documents_out[:RECORDS_PER_FILE]
            doc_file[0] += 1
            writer.write(
                f"documents/documents-{doc_file[0]:04d}.yaml",
                dump(batch, "Synthetic documents: generated, not evidence."),
            )
            writer.counts["document"] += len(batch)

    group: list[dict] = []
    group_captures: list[str] = []
    quote_file = 0

    def flush_quotes() -> None:
        nonlocal quote_file, group, group_captures
        if not group:
            return
        quote_file += 1
        writer.write(
            f"quotes/{group_captures[0]}.yaml",
            dump(group, f"Synthetic quotations found in captures {group_captures[0]} to {group_captures[-1]}."),
        )
        writer.counts["quote"] += len(group)
        group, group_captures = [], []

    made = 0
    capture_no = 0
    previous: list[tuple[dict, str]] = []  # (quote, its text) of the last capture, to relay
    while made < quotes:
        capture_no += 1
        stem = f"{capture_no:06d}_{hashlib.sha256(f'{seed}-{capture_no}'.encode()).hexdigest()[:16]}"
        capture_id = f"capture:{stem}"
        site = sites[capture_no % len(sites)]
        captured = rng.choice(NEW_DAYS)
        k = min(quotes - made, rng.randint(3, 13))
        page_kind = rng.choice(PAGE_KINDS)
        headline = text.title()
        page_id = f"doc:page-{stem.replace('_', '-')}"
        n_comments = rng.choice([0, 0, 1, 2, 3])
        comment_ids = [f"doc:comment-{stem.replace('_', '-')}-{c + 1}" for c in range(n_comments)]

        # the quotations of this page: new ones, and now and then one relayed from the last page
        planned: list[tuple[dict | None, str, dict]] = []  # (existing quote or None, text, original)
        for _ in range(k):
            original = originals[rng.randrange(len(originals))]
            if original["language"] == "ru" and rng.random() < 0.3:
                words = " ".join(rng.choice(RUSSIAN) for _ in range(rng.randint(5, 12)))
                planned.append((None, words[0].upper() + words[1:] + ".", original))
            else:
                planned.append((None, text.sentence(5, 40), original))
        if previous and rng.random() < 0.3:
            quote, words = rng.choice(previous)
            planned.append((quote, words, None))

        # build the page: headline, metadata, main text with quotations, comments
        page = _Page()
        add = page.add
        segments = []
        add(headline)
        segments.append({"kind": "headline", "start": 0, "end": page.length})
        add("\n\n")
        meta = f"https://{_slug(site['name'])}.example.com/{capture_no}/{_slug(headline)[:40]}\n\nPosted by {site['name']} on {captured}"
        start = add(meta)
        segments.append({"kind": "metadata", "start": start, "end": page.length})
        add("\n\n")
        holders = [page_id] + comment_ids
        where = sorted(rng.randrange(len(holders)) if comment_ids and rng.random() < 0.25 else 0 for _ in planned)
        spans: list[tuple[int, int, str]] = []
        main_start = add(text.paragraph(rng.randint(1, 4)) + " ")
        block = 0
        for (quote, words, original), holder in zip(planned, where, strict=False):
            if holder != block:  # close the main text or the last comment; open the next comment
                segments.append(
                    {"kind": "main_text" if block == 0 else "comment", "start": main_start, "end": page.length}
                )
                add("\n\n")
                while block < holder:
                    block += 1
                    if block < holder:
                        start = add(f"{block}. " + text.paragraph(rng.randint(1, 3)))
                        segments.append({"kind": "comment", "start": start, "end": page.length})
                        add("\n\n")
                main_start = add(f"{block}. ")
            add(text.paragraph(rng.randint(1, 3)) + " ")
            speaker = original["authors"][0] if original else quote["speaker"]
            add(f"{names[speaker]} said: “")
            start = add(words)
            spans.append((start, page.length, holders[holder]))
            add("”. " + text.paragraph(rng.randint(0, 2)))
        segments.append({"kind": "main_text" if block == 0 else "comment", "start": main_start, "end": page.length})
        while block < n_comments:
            block += 1
            add("\n\n")
            start = add(f"{block}. " + text.paragraph(rng.randint(1, 3)))
            segments.append({"kind": "comment", "start": start, "end": page.length})
        add("\n\nShare this page. Subscribe to our newsletter. " + text.paragraph(rng.randint(2, 6)) + "\n")
        content = "".join(page.parts)
        data = content.encode("utf-8")
        writer.write(f"captures/{stem}.txt", data)
        capture = {
            "id": capture_id,
            "file": f"{stem}.txt",
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
            "characters": len(content),
            "title": headline,
            "site": site["name"],
            "site_url": f"https://{_slug(site['name'])}.example.com/",
            "page_url": f"https://{_slug(site['name'])}.example.com/{capture_no}/{_slug(headline)[:40]}"
            if rng.random() < 0.8
            else "unknown",
            "captured": captured,
            "obtained": rng.choice(
                ["Saved from the browser by a curator", "unknown", "Sent by a reader as a text file"]
            ),
            "rights": rng.choice(["public_domain", "copyrighted_excerpts_only", "unknown"]),
            "segments": segments,
            "notes": text.sentence(6, 16) if rng.random() < 0.1 else None,
        }
        writer.write(f"captures/{stem}.yaml", dump([capture], "A synthetic capture record: generated, not evidence."))
        writer.counts["capture"] += 1

        # the page and its comments
        cited = sorted({o["id"] for _, _, o in planned if o}) or [originals[0]["id"]]
        translated_page = rng.random() < 0.02
        page = {
            "id": page_id,
            "title": headline,
            "kind": page_kind,
            "date": captured,
            "authors": [],
            "language": "en",
            "original_language": "ru" if translated_page else None,
            "publisher": site["id"],
            "urls": [
                {
                    "kind": "canonical",
                    "url": capture["page_url"]
                    if capture["page_url"] != "unknown"
                    else f"https://example.com/{capture_no}",
                }
            ],
            "release": "publication",
            "capture": capture_id,
            "relations": [{"type": "translates" if translated_page else "reports_on", "target": cited[0]}]
            + [{"type": "cites", "target": target} for target in cited[1:3]],
            "rights": capture["rights"],
            "reliability": {"grade": rng.choice("CDEF"), "rationale": rng.choice(RATIONALES)},
        }
        if rng.random() < 0.01:
            page["status"], page["status_reason"] = "disputed", text.sentence(6, 14)
        used_actors.add(site["id"])
        documents_out.append(page)
        for c, comment_id in enumerate(comment_ids):
            documents_out.append(
                {
                    "id": comment_id,
                    "title": f"[Reader comment {c + 1} on {headline[:40].rstrip()}]",
                    "kind": "reader_comment",
                    "date": captured,
                    "language": "en",
                    "capture": capture_id,
                    "relations": [{"type": "comments_on", "target": page_id}],
                    "release": "self_published",
                    "rights": "unknown",
                    "reliability": {"grade": "F", "rationale": "An anonymous reader comment; no basis to judge it."},
                }
            )

        # the quotation records
        this_page: list[tuple[dict, str]] = []
        for (quote, words, original), (start, end, holder) in zip(planned, spans, strict=False):
            occurrence = {"capture": capture_id, "start": start, "end": end, "document": holder}
            if quote is not None:  # relayed from the last page: one more occurrence
                quote["occurrences"].append(occurrence)
                quote["relays"] += 1
                continue
            made += 1
            speaker = original["authors"][0]
            russian = not words.isascii()
            translated = not russian and original["language"] == "ru"
            quote = {
                "id": f"quote:{_slug(words)[:24].strip('-') or _slug(names[speaker])}-{made}",
                "text": words,
                "speaker": speaker,
                "addressee": original["recipients"][0] if original["recipients"] else None,
                "date": original["date"] if rng.random() < 0.97 else "unknown",
                "document": original["id"],
                "occurrences": [occurrence],
                "language": "ru" if russian else "en",
                "original_language": "ru" if translated else None,
                "translated": translated,
                "relays": rng.randint(0, 3),
                "form": rng.choice(["sentence", "sentence", "fragment"]),
                "credibility": _credibility(rng),
            }
            if rng.random() < 0.02:
                quote["status"], quote["status_reason"] = "disputed", text.sentence(6, 16)
            if rng.random() < 0.05:
                quote["notes"] = text.sentence(8, 24)
            used_actors.add(speaker)
            group.append(quote)
            this_page.append((quote, words))
        group_captures.append(stem)
        previous = this_page
        if len(group) >= QUOTES_PER_FILE:
            flush_quotes()
            previous = []  # a relay stays within its file, as curators group them
        flush_documents()
    flush_quotes()

    # events, attested by originals (never by a reader comment)
    events = []
    original_by_id = {o["id"]: o for o in originals}
    for i in range(max(2, quotes // 50)):
        evidence = sorted({originals[rng.randrange(len(originals))]["id"] for _ in range(rng.randint(1, 3))})
        first = original_by_id[evidence[0]]
        participants = sorted({first["authors"][0], rng.choice(people)["id"]})
        kind = rng.choice(EVENT_KINDS)
        events.append(
            {
                "id": f"event:{kind.replace('_', '-')}-{i}",
                "title": text.title(),
                "kind": kind,
                "date": first["date"],
                "place": rng.choice(["Moscow", "Washington", "Bonn", "Brussels", "Helsinki", "Budapest", None]),
                "participants": participants,
                "summary": " ".join(text.sentence(8, 20) for _ in range(rng.randint(1, 3))),
                "evidence": evidence,
                "credibility": _credibility(rng),
            }
        )
        used_actors.update(participants)
    for n, start in enumerate(range(0, len(events), RECORDS_PER_FILE)):
        writer.write(
            f"events/events-{n + 1:04d}.yaml", dump(events[start : start + RECORDS_PER_FILE], "Synthetic events.")
        )
    writer.counts["event"] = len(events)

    # every actor is referred to: those nobody used yet take part in a summit
    unused = [a["id"] for a in actors if a["id"] not in used_actors]
    for n, start in enumerate(range(0, len(unused), 20)):
        documents_out.append(
            {
                "id": f"doc:attendance-list-{n}",
                "title": "[List of participants]",
                "kind": "memorandum",
                "date": rng.choice(OLD_DAYS),
                "authors": unused[start : start + 20],
                "language": "en",
                "release": "foia_request",
                "rights": "public_domain",
                "reliability": {"grade": "B", "rationale": rng.choice(RATIONALES)},
            }
        )
    flush_documents(force=True)
    for n, start in enumerate(range(0, len(actors), RECORDS_PER_FILE)):
        writer.write(
            f"actors/actors-{n + 1:04d}.yaml", dump(actors[start : start + RECORDS_PER_FILE], "Synthetic actors.")
        )
    writer.counts["actor"] = len(actors)
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    return Summary(root=root, counts=dict(writer.counts), files=writer.files, bytes=size)


# --- planted errors -----------------------------------------------------------------


def _replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise ValueError(f"{old!r} is not in {path}")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def plant_errors(root: str | Path) -> dict[str, str]:
    """Break a generated corpus in several ways, each in its own file; return code -> file.

    Each planted problem is one the validator must report with that code and file.
    """
    root = Path(root)
    quote_files = sorted((root / "quotes").glob("*.yaml"))
    captures = sorted((root / "captures").glob("*.txt"))
    documents = sorted((root / "documents").glob("*.yaml"))
    planted: dict[str, str] = {}

    def first_quote(path: Path) -> dict:
        return yaml.safe_load(path.read_text(encoding="utf-8"))[0]

    # a reference to an actor that does not exist
    path = quote_files[0]
    quote = first_quote(path)
    _replace_once(path, f"speaker: {quote['speaker']}", "speaker: actor:nobody-at-all")
    planted["dangling-reference"] = path.as_posix()
    # words that are not in the capture (in the last quote file)
    path = quote_files[-1]
    quote = first_quote(path)
    _replace_once(path, f"text: {_scalar(quote['text'])}", 'text: "Words nobody ever wrote down in any capture at all"')
    planted["quote-not-found"] = path.as_posix()
    # a date that is not EDTF
    path = documents[0]
    record = yaml.safe_load(path.read_text(encoding="utf-8"))[0]
    _replace_once(path, f"date: {_scalar(record['date'])}", "date: 28 Nov 1994")
    planted["invalid-date"] = path.as_posix()
    # a required field removed
    path = documents[-1]
    _replace_once(path, "  release: ", "  released: ")
    planted["unknown-field"] = path.as_posix()
    planted["missing-field"] = path.as_posix()
    # a capture edited: same length, one letter changed, outside every quotation
    path = captures[len(captures) // 2]
    data = bytearray(path.read_bytes())
    share = data.rindex(b"Share this page")
    data[share] = ord("s")
    path.write_bytes(bytes(data))
    planted["capture-hash-mismatch"] = path.with_suffix(".yaml").as_posix()
    # a YAML file that does not parse
    path = min((root / "actors").glob("*.yaml"))
    _replace_once(path, "\n- id: ", "\n- id: [unclosed\n- id: ")
    planted["yaml-syntax"] = path.as_posix()
    # an event that cites a reader comment as evidence (if the corpus has one)
    comment = next(
        (
            line.split(": ", 1)[1]
            for p in documents
            for line in p.read_text(encoding="utf-8").splitlines()
            if line.startswith("- id: doc:comment-")
        ),
        None,
    )
    if comment:
        path = min((root / "events").glob("*.yaml"))
        text = path.read_text(encoding="utf-8")
        match = re.search(r"evidence:(?: \[|\n +- )([^\],\n]+)", text)
        path.write_text(text[: match.start(1)] + comment + text[match.end(1) :], encoding="utf-8")
        planted["comment-as-fact"] = path.as_posix()
    return planted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="directory to write raw/ into (replaced if it exists)")
    parser.add_argument("--quotes", type=int, required=True, help="number of quotations")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plant-errors", action="store_true", help="break the corpus on purpose (see plant_errors)")
    args = parser.parse_args(argv)
    summary = generate(args.out, args.quotes, args.seed)
    print(
        f"{summary.root}: {summary.records:,} records ({summary.counts}), {summary.files:,} files, {summary.bytes / 1e6:.1f} MB"
    )
    if args.plant_errors:
        for code, file in plant_errors(args.out).items():
            print(f"planted {code} in {file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
