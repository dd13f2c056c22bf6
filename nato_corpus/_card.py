"""What a person reads about a release: the data card, the timeline, CITATION.cff, CHANGELOG.md.

Pure text renderers: each takes what the release knows and returns a string, with no
clock, no randomness and a fixed order, so that the same raw/ renders the same bytes.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import heapq
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any
from xml.sax.saxutils import escape

from . import dates
from .grades import CREDIBILITY, RELIABILITY

#: credibility grade -> colour of its timeline marks (green: confirmed ... grey: cannot be judged)
GRADE_COLOURS = {
    1: "#1a9850",
    2: "#91cf60",
    3: "#fee08b",
    4: "#fc8d59",
    5: "#d73027",
    6: "#9e9e9e",
}


def short(value: Any, limit: int = 100) -> str:
    """A value as JSON, cut to ``limit`` characters."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


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


#: a run of at least this many years with no mark is drawn as one narrow break
_GAP_YEARS = 4


def _time_axis(points: list[tuple], left: float, plot: float):
    """A piecewise-linear time axis: years with marks get equal width, long empty runs shrink.

    Returns x(day), the years to label and the (first, last) year of each break.
    """
    first = min(p[0] for p in points).year
    last = max(p[1] for p in points).year
    occupied = set()
    for low, high, *_ in points:
        occupied.update(range(low.year, high.year + 1))
    widths: dict[int, float] = {}
    breaks: list[tuple[int, int]] = []
    year = first
    while year <= last:
        if year in occupied:
            widths[year] = 1.0
            year += 1
            continue
        end = year
        while end + 1 <= last and end + 1 not in occupied:
            end += 1
        run = end - year + 1
        for empty in range(year, end + 1):  # a long run shrinks to half a year in all
            widths[empty] = 0.5 / run if run >= _GAP_YEARS else 1.0
        if run >= _GAP_YEARS:
            breaks.append((year, end))
        year = end + 1
    unit = plot / sum(widths.values())
    starts: dict[int, float] = {}
    offset = float(left)
    for year in range(first, last + 1):
        starts[year] = offset
        offset += widths[year] * unit
    starts[last + 1] = offset

    def x(day: dt.date) -> float:
        if day.year > last:
            return starts[last + 1]
        fraction = (day.timetuple().tm_yday - 1) / (366 if calendar.isleap(day.year) else 365)
        return starts[day.year] + fraction * widths[day.year] * unit

    in_breaks = {y for low, high in breaks for y in range(low, high + 1)}
    shown = [y for y in range(first, last + 2) if y not in in_breaks]
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 1000) if len(shown) / s <= 14)
    ticks = [y for i, y in enumerate(shown) if i % step == 0 or (y - 1 in in_breaks)]
    return x, ticks, breaks


def timeline_svg(records: Mapping[str, list]) -> str:
    """Events and quotations on a time axis, one lane each, coloured by credibility grade.

    Each mark spans the record's earliest to latest day, carries its grade as a digit
    (colour is not the only cue) and its id, date and words as a tooltip.
    """
    lanes: dict[str, list[tuple]] = {"Events": [], "Quotations": []}
    undated: Counter = Counter()
    for lane, kind in (("Events", "event"), ("Quotations", "quote")):
        for record in records.get(kind, []):
            low, high = dates.bounds(record.date)
            if low is None and high is None:
                undated[lane] += 1
                continue
            label = record.title if kind == "event" else f"“{record.text}”"
            grade = record.credibility.grade
            lanes[lane].append((low or high, high or low, grade, record.id, record.date, label))
    width, left, right = 960, 110, 30
    plot = width - left - right
    points = [item for items in lanes.values() for item in items]
    parts: list[str] = []
    y = 40
    if points:
        x, ticks, breaks = _time_axis(points, left, plot)
        for lane, items in lanes.items():
            # each mark goes to the lowest row that is free at its start: rows in use wait
            # in a heap by right end, freed rows in a heap by index (O(n log n) at any size)
            busy: list[tuple[float, int]] = []
            free: list[int] = []
            rows = 0
            placed = []
            for low, high, grade, record_id, date, label in sorted(
                items, key=lambda i: (i[0], i[1], i[3])
            ):
                x0, x1 = x(low), max(x(high + dt.timedelta(days=1)), x(low) + 10)
                while busy and busy[0][0] + 2 <= x0:
                    heapq.heappush(free, heapq.heappop(busy)[1])
                if free:
                    row = heapq.heappop(free)
                else:
                    row, rows = rows, rows + 1
                heapq.heappush(busy, (x1, row))
                placed.append((row, x0, x1, grade, record_id, date, label))
            height = max(1, rows) * 14 + 16
            parts.append(
                f'<text x="{left - 10}" y="{y + height / 2 + 4:.1f}" text-anchor="end" '
                f'class="lane">{lane}</text>'
            )
            parts.append(
                f'<rect x="{left}" y="{y}" width="{plot}" height="{height}" class="band"/>'
            )
            for row, x0, x1, grade, record_id, date, label in placed:
                top = y + 8 + row * 14
                tip = escape(
                    f"{record_id} ({date}): {label} — credibility {grade} {CREDIBILITY[grade][0]}"
                )
                parts.append(
                    f'<g><title>{tip}</title><rect x="{x0:.1f}" y="{top}" width="{x1 - x0:.1f}" '
                    f'height="10" rx="5" fill="{GRADE_COLOURS[grade]}" class="mark"/>'
                    f'<text x="{(x0 + x1) / 2:.1f}" y="{top + 8}" class="grade">{grade}</text></g>'
                )
            y += height + 10
        for year in ticks:
            tick = x(dt.date(year, 1, 1))
            parts.append(f'<line x1="{tick:.1f}" y1="30" x2="{tick:.1f}" y2="{y}" class="grid"/>')
            parts.append(f'<text x="{tick:.1f}" y="{y + 14}" text-anchor="middle">{year}</text>')
        for low, high in breaks:  # a run of empty years drawn narrow, marked as a break
            mid = (x(dt.date(low, 1, 1)) + x(dt.date(high + 1, 1, 1))) / 2
            parts.append(f'<rect x="{mid - 3:.1f}" y="30" width="6" height="{y - 30}" class="gap"/>')
        y += 24
    else:
        parts.append(f'<text x="{left}" y="{y + 10}">No dated events or quotations.</text>')
        y += 30
    if undated:
        missing = ", ".join(f"{n} {lane.lower()}" for lane, n in sorted(undated.items()))
        parts.append(f'<text x="{left}" y="{y}">Not shown, no known date: {escape(missing)}</text>')
        y += 18
    parts.append(
        f'<text x="{left - 10}" y="{y + 12}" text-anchor="end" class="lane">Credibility</text>'
    )
    legend_x = left
    for grade, (label, _) in CREDIBILITY.items():
        text = f"{grade} {label}"
        parts.append(
            f'<rect x="{legend_x}" y="{y + 3}" width="10" height="10" rx="5" '
            f'fill="{GRADE_COLOURS[grade]}" class="mark"/>'
        )
        parts.append(f'<text x="{legend_x + 14}" y="{y + 12}">{escape(text)}</text>')
        legend_x += 14 + 6 * len(text) + 14
    y += 24
    header = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y}" '
        f'viewBox="0 0 {width} {y}" font-family="sans-serif" font-size="11" role="img">',
        "<title>Events and quotations by date, coloured by credibility grade</title>",
        "<style>.band{fill:#f7f7f7}.grid{stroke:#ccc;stroke-width:0.5}"
        ".mark{stroke:#333;stroke-width:0.5}.lane{font-weight:bold}"
        ".grade{font-size:8px;text-anchor:middle}.gap{fill:#fff}</style>",
        '<text x="10" y="20" font-size="13" font-weight="bold">'
        "Events and quotations by date</text>",
    ]
    return "\n".join(header + parts + ["</svg>"]) + "\n"


# --------------------------------------------------------------------------- project files


def changelog_md(releases: Iterable[tuple[str, dict]]) -> str:
    """CHANGELOG.md from (version, x_changelog) of every release, newest first."""
    lines = [
        "# Changelog",
        "",
        "Every release of the corpus, newest first. The format is based on "
        "[Keep a Changelog](https://keepachangelog.com/en/1.1.0/), and versions follow "
        "[Semantic Versioning](https://semver.org/spec/v2.0.0.html). Generated by "
        "`nato-corpus build` from the releases in dist/ (each release's `x_changelog`); "
        "do not edit by hand. Each release's README.md has the changes field by field.",
    ]
    for version, entry in releases:
        released = f" - {entry['released']}" if entry.get("released") else ""
        lines += ["", f"## [{version}]{released}", "", entry.get("notes") or "No notes."]
        if not entry.get("previous"):
            counts = ", ".join(f"{table} {n}" for table, n in (entry.get("counts") or {}).items())
            first = (
                f"- First release, records per table: {counts}." if counts else "- First release."
            )
            lines += ["", "### Added", "", first]
            continue
        for title, key in (("Added", "added"), ("Changed", "changed"), ("Removed", "removed")):
            by_table = entry.get(key) or {}
            if by_table:
                lines += ["", f"### {title}", ""]
            for table, items in by_table.items():
                if key == "changed":
                    shown = ", ".join(f"`{i}` ({', '.join(fields)})" for i, fields in items.items())
                else:
                    shown = ", ".join(f"`{i}`" for i in items)
                lines.append(f"- {table}: {shown}")
        if not any(entry.get(key) for key in ("added", "changed", "removed")):
            lines += ["", f"No record changes since {entry['previous']}."]
    return "\n".join(lines) + "\n"


def _yaml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def citation_cff(descriptor: dict) -> str:
    """CITATION.cff (Citation File Format 1.2.0) for the release a descriptor describes."""
    contributors = [c for c in descriptor.get("contributors", []) if c.get("title")]
    authors = [c["title"] for c in contributors if c.get("role", "author") in ("author", "creator")]
    names = authors or [c["title"] for c in contributors] or ["nato-corpus contributors"]
    lines = [
        "# Generated by `nato-corpus build` from the latest release in dist/; do not edit by hand.",
        "cff-version: 1.2.0",
        'message: "If you use this data set, please cite the version you used, as below."',
        "type: dataset",
        f"title: {_yaml_str(descriptor.get('title', descriptor.get('name', '')))}",
        f"version: {_yaml_str(descriptor.get('version', ''))}",
        f"abstract: {_yaml_str(descriptor.get('description', ''))}",
        "authors:",
        *[f"  - name: {_yaml_str(name)}" for name in names],
    ]
    licenses = [lic.get("name") for lic in descriptor.get("licenses", []) if lic.get("name")]
    if licenses:
        lines.append(f"license: {_yaml_str(licenses[0])}")
    if descriptor.get("homepage"):
        lines.append(f"url: {_yaml_str(descriptor['homepage'])}")
    if descriptor.get("created"):
        lines.append(f"date-released: {_yaml_str(str(descriptor['created'])[:10])}")
    if descriptor.get("keywords"):
        lines.append("keywords:")
        lines.extend(f"  - {_yaml_str(k)}" for k in descriptor["keywords"])
    return "\n".join(lines) + "\n"
