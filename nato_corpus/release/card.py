"""The data card (a release's README.md): what a person reads about a release.

Pure text renderers: each takes what the release knows and returns a string, with no
clock, no randomness and a fixed order, so that the same raw/ renders the same bytes.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from ..records import dates
from ..records.grades import CREDIBILITY, RELIABILITY
from .diff import short



def _md(text: Any) -> str:
    """A value safe inside a Markdown table cell."""
    return str(text).replace("``", "`").replace("|", "\\|").replace("\n", " ")


def _span(records: Iterable) -> tuple[list, list, int]:
    lows, highs, undated = [], [], 0
    for record in records:
        low, high = dates.bounds(record.date)
        if low is None and high is None:
            undated += 1
            continue
        lows.append(low or high)
        highs.append(high or low)
    return lows, highs, undated


def card(
    corpus,
    records: Mapping[str, list],
    *,
    tables: list[tuple[str, int, str]],
    main_tables: Mapping[str, str],
    files: Mapping[str, bytes],
    timeline: str,
    changelog: dict,
    change,
    citation: str,
    authors: list[str],
    sources: list[dict],
) -> str:
    """The release's README.md: what it is, what it holds, how far to trust it, how to cite it.

    ``tables`` is (name, rows, description) per table; ``change`` the Diff from the
    previous release (None for a first release).
    """
    name, version = corpus.name, corpus.version
    out: list[str] = [
        f"# {corpus.title} — version {version}",
        "",
        corpus.description,
        "",
        f"This folder is release **{version}** of `{name}`: an immutable "
        "[Frictionless data package](https://datapackage.org/). `datapackage.json` describes "
        "every table, field, key and foreign key and pins every file by SHA-256; a release "
        "never changes, a change to the corpus is a new version. Check a copy with "
        f"`nato-corpus validate dist/{version}` (or `frictionless validate datapackage.json`).",
        "",
        f"![Events and quotations by date, coloured by credibility]({timeline})",
        "",
        "## Contents",
        "",
        "| Table | Rows | One row is |",
        "|---|---:|---|",
        *[f"| `{table}` | {rows} | {_md(about)} |" for table, rows, about in tables],
        "",
        "Each table is `data/<table>.parquet`. Dates are EDTF strings (`date`) with the earliest "
        "and latest day they allow (`date_earliest`, `date_latest`) for sorting and filtering.",
        "",
        "## Coverage in time",
        "",
        "| Table | Dated | Undated | Earliest | Latest |",
        "|---|---:|---:|---|---|",
    ]
    for kind in ("document", "event", "quote"):
        lows, highs, undated = _span(records.get(kind, []))
        first, last = (min(lows).isoformat(), max(highs).isoformat()) if lows else ("–", "–")
        out.append(f"| `{main_tables[kind]}` | {len(lows)} | {undated} | {first} | {last} |")
    out += _grades(records)
    out += _sources(records, sources)
    out += _rights(corpus, records)
    out += _citing(corpus, citation, authors)
    out += [
        "",
        "## Changes in this version",
        "",
        corpus.changes,
        "",
        *_change_lines(changelog, change),
    ]
    out += ["", "## Files", "", "| File | Bytes | SHA-256 |", "|---|---:|---|"]
    for path in [*sorted(p for p in files if p.startswith("data/")), timeline]:
        digest = hashlib.sha256(files[path]).hexdigest()
        out.append(f"| `{path}` | {len(files[path])} | `{digest}` |")
    out += [
        "",
        "`README.md` (this file) is pinned in `datapackage.json` (`x_files`), and "
        "`datapackage.json` in the release index, `../index.json`.",
    ]
    return "\n".join(out) + "\n"


def _grades(records: Mapping[str, list]) -> list[str]:
    reliability = Counter(d.reliability.grade for d in records.get("document", []))
    events = Counter(r.credibility.grade for r in records.get("event", []))
    quotes = Counter(r.credibility.grade for r in records.get("quote", []))
    return [
        "",
        "## Reliability and credibility",
        "",
        "Grades follow the NATO Admiralty system (STANAG 2511 / AJP-2.1): the source of each "
        "document is graded for reliability (A–F), each claim (an event, a quotation) for "
        "credibility (1–6), independently and never merged, each with a written rationale "
        "(the `*_rationale` columns).",
        "",
        "| Reliability of document sources | Documents |",
        "|---|---:|",
        *[
            f"| {grade} {label} | {reliability[grade]} |"
            for grade, (label, _) in RELIABILITY.items()
        ],
        "",
        "| Credibility of information | Events | Quotations |",
        "|---|---:|---:|",
        *[
            f"| {grade} {label} | {events[grade]} | {quotes[grade]} |"
            for grade, (label, _) in CREDIBILITY.items()
        ],
    ]


def _sources(records: Mapping[str, list], sources: list[dict]) -> list[str]:
    actors = {a.id: a.name for a in records.get("actor", [])}
    out = [
        "",
        "## Sources",
        "",
        "Captured pages: every quotation is checked against the text of one of these.",
        "",
        "| Capture | Site | Page | Captured | Rights | SHA-256 |",
        "|---|---|---|---|---|---|",
    ]
    for c in records.get("capture", []):
        out.append(
            f"| `{c.id}` {_md(c.title)} | {_md(c.site)} | {_md(c.page_url)} | {c.captured} | "
            f"{c.rights} | `{c.sha256}` |"
        )
    out += [
        "",
        "Documents and the reliability of their sources:",
        "",
        "| Document | Kind | Date | Published or held by | Reliability | Why |",
        "|---|---|---|---|---|---|",
    ]
    for d in records.get("document", []):
        keeper = actors.get(d.publisher or "", "") or actors.get(d.holder or "", "")
        grade = d.reliability.grade
        out.append(
            f"| `{d.id}` {_md(d.title)} | {d.kind} | {d.date} | {_md(keeper) or '–'} | "
            f"{grade} {RELIABILITY[grade][0]} | {_md(d.reliability.rationale)} |"
        )
    addresses = [s for s in sources if "path" in s]
    if addresses:
        out += ["", "Addresses of the sources (also in `datapackage.json`, `sources`):", ""]
        out += [f"- {_md(s['title'])}: <{s['path']}>" for s in addresses]
    return out


def _rights(corpus, records: Mapping[str, list]) -> list[str]:
    captures = records.get("capture", [])
    published = ", ".join(f"`{c.id}`" for c in captures if c.rights == "public_domain")
    withheld = ", ".join(f"`{c.id}` ({c.rights})" for c in captures if c.rights != "public_domain")
    return [
        "",
        "## Rights and licence",
        "",
        f"The curation (records, summaries, rationales) is licensed under {corpus.license_title} "
        f"([{corpus.license}]({corpus.license_url})). Quotations are published as excerpts. The "
        "full text of a capture is published (`captures.text`) only where it is in the public "
        "domain; for the others only the SHA-256, size and description are published, so a copy "
        "obtained elsewhere can be verified.",
        "",
        f"- Full text published: {published or 'none'}",
        f"- Full text withheld: {withheld or 'none'}",
    ]


def _citing(corpus, citation: str, authors: list[str]) -> list[str]:
    version = corpus.version
    key = f"{re.sub(r'[^a-z0-9]+', '_', corpus.name)}_{version.replace('.', '_')}"
    return [
        "",
        "## How to cite this version",
        "",
        f"> {citation}",
        "",
        "```bibtex",
        f"@misc{{{key},",
        f"  title   = {{{corpus.title}}},",
        f"  author  = {{{' and '.join(authors)}}},",
        f"  version = {{{version}}},",
        "  note    = {Data package; files pinned by SHA-256 in datapackage.json},",
        *([f"  url     = {{{corpus.homepage}}},"] if corpus.homepage else []),
        "}",
        "```",
        "",
        f"Cite the version: `{version}` never changes. In Python: "
        f'`nato_corpus.load("quotes", version="{version}")`.',
    ]


def _change_lines(changelog: dict, change) -> list[str]:
    if change is None:
        counts = ", ".join(f"{table} {n}" for table, n in changelog["counts"].items())
        return [f"First release, records per table: {counts}."]
    if change.empty:
        return [f"The same records as version {change.old}."]
    lines = [f"Compared with version {change.old}, record by record:", ""]
    for name, t in change.tables.items():
        if t.empty:
            continue
        lines.append(
            f"- `{name}`: {len(t.added)} added, {len(t.removed)} removed, {len(t.changed)} changed"
        )
        lines.extend(f"  - added `{record_id}`" for record_id in t.added)
        lines.extend(f"  - removed `{record_id}`" for record_id in t.removed)
        for c in t.changed:
            fields = "; ".join(
                f"{f.field} {_md(short(f.old, 60))} → {_md(short(f.new, 60))}" for f in c.fields
            )
            lines.append(f"  - changed `{c.id}`: {fields}")
    return lines


# --------------------------------------------------------------------------- timeline
