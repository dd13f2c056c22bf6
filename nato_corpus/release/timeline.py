"""The timeline a release carries (timeline.svg): events and quotations by date, by credibility.

A pure renderer: the same records give the same bytes (no clock, no randomness).
"""

from __future__ import annotations

import calendar
import datetime as dt
import heapq
from collections import Counter
from collections.abc import Mapping
from xml.sax.saxutils import escape

from ..records import dates
from ..records.grades import CREDIBILITY

#: credibility grade -> colour of its timeline marks (green: confirmed ... grey: cannot be judged)
GRADE_COLOURS = {
    1: "#1a9850",
    2: "#91cf60",
    3: "#fee08b",
    4: "#fc8d59",
    5: "#d73027",
    6: "#9e9e9e",
}


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


#: the labels' font size, and the width of a character as a share of it (a generous
#: average for sans-serif text, so that the boxes we reserve hold the drawn text)
LABEL_SIZE = 10
CHAR_EM = 0.6
#: the most characters a mark's label shows (the whole text is in its tooltip)
LABEL_CHARS = 38
_ROW = 14  # height of a row of marks
_PAD = 4  # free space kept between two marks (with their labels) in one row


def _text_width(text: str, size: float = LABEL_SIZE) -> float:
    return len(text) * size * CHAR_EM


def _clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (never below one character)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: max(1, limit - 1)].rstrip() + "…"


def _label(kind: str, record, names: Mapping[str, str], limit: int = LABEL_CHARS) -> str:
    """The short visible label of a mark: an event's title, a quotation's speaker and words."""
    if kind == "event":
        return _clip(record.title, limit)
    speaker = names.get(record.speaker, record.speaker)
    room = max(limit // 2, limit - len(speaker) - 4)  # the words keep at least half the label
    return f"{_clip(speaker, limit - room - 4)}: “{_clip(record.text, room)}”"


def _place(x0: float, x1: float, label: str, lo: float, hi: float) -> tuple[float, float, float, str]:
    """Where a mark's label goes: right of the mark if it fits before ``hi``, else left of it
    if it fits after ``lo``, else right, cut to the room there.

    Returns (start of the mark's span with its label, end of it, label x, label).
    """
    width = _text_width(label)
    if x1 + 3 + width <= hi:
        return x0, x1 + 3 + width, x1 + 3, label
    if x0 - 3 - width >= lo:
        return x0 - 3 - width, x1, x0 - 3 - width, label
    room = int((hi - x1 - 3) // (LABEL_SIZE * CHAR_EM))
    label = _clip(label, room)
    return x0, x1 + 3 + _text_width(label), x1 + 3, label


def _pack(spans: list[tuple]) -> tuple[list[int], int]:
    """Rows for spans (start, end, ...) sorted by start: each takes the lowest free row.

    Rows in use wait in a heap by right end, freed rows in a heap by index (O(n log n)).
    """
    busy: list[tuple[float, int]] = []
    free: list[int] = []
    rows, out = 0, []
    for start, end, *_ in spans:
        while busy and busy[0][0] + _PAD <= start:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            row = heapq.heappop(free)
        else:
            row, rows = rows, rows + 1
        heapq.heappush(busy, (end, row))
        out.append(row)
    return out, rows


def timeline_svg(records: Mapping[str, list]) -> str:
    """Events and quotations on a time axis, one lane each, coloured by credibility grade.

    Each mark spans the record's earliest to latest day, carries its grade as a digit
    (colour is not the only cue) and a visible short label (an event's title, a
    quotation's speaker and words) placed so that no two texts overlap; its id, date and
    full text are in a tooltip. A long run of empty years is drawn as a zig-zag break
    labelled with the years it leaves out.
    """
    names = {actor.id: actor.name for actor in records.get("actor", [])}
    lanes: dict[str, list[tuple]] = {"Events": [], "Quotations": []}
    undated: Counter = Counter()
    for lane, kind in (("Events", "event"), ("Quotations", "quote")):
        for record in records.get(kind, []):
            low, high = dates.bounds(record.date)
            if low is None and high is None:
                undated[lane] += 1
                continue
            full = record.title if kind == "event" else f"“{record.text}”"
            grade = record.credibility.grade
            lanes[lane].append(
                (low or high, high or low, grade, record.id, record.date, full, _label(kind, record, names))
            )
    width, left, right = 1000, 110, 150
    plot = width - left - right
    points = [item for items in lanes.values() for item in items]
    parts: list[str] = []
    y = 40
    if points:
        x, ticks, breaks = _time_axis(points, left, plot)
        gaps = [(x(dt.date(low, 1, 1)) + x(dt.date(high + 1, 1, 1))) / 2 for low, high in breaks]
        for lane, items in lanes.items():
            spans = []
            for low, high, grade, record_id, date, full, label in items:
                x0, x1 = x(low), max(x(high + dt.timedelta(days=1)), x(low) + 10)
                # a label stays on its side of a break: it never crosses the zig-zag
                lo = max([left] + [gap + 8 for gap in gaps if gap < x0])
                hi = min([width - 4] + [gap - 8 for gap in gaps if gap > x1])
                spans.append((*_place(x0, x1, label, lo, hi), x0, x1, grade, record_id, date, full))
            spans.sort(key=lambda s: (s[0], s[1], s[8]))
            rows_of, rows = _pack(spans)
            height = max(1, rows) * _ROW + 16
            parts.append(
                f'<text x="{left - 10}" y="{y + height / 2 + 4:.1f}" text-anchor="end" class="lane">{lane}</text>'
            )
            parts.append(f'<rect x="{left}" y="{y}" width="{width - 4 - left}" height="{height}" class="band"/>')
            for row, (_, _, label_x, label, x0, x1, grade, record_id, date, full) in zip(rows_of, spans, strict=False):
                top = y + 8 + row * _ROW
                tip = escape(f"{record_id} ({date}): {full} — credibility {grade} {CREDIBILITY[grade][0]}")
                parts.append(
                    f'<g><title>{tip}</title><rect x="{x0:.1f}" y="{top}" width="{x1 - x0:.1f}" '
                    f'height="10" rx="5" fill="{GRADE_COLOURS[grade]}" class="mark"/>'
                    f'<text x="{(x0 + x1) / 2:.1f}" y="{top + 8}" font-size="8" text-anchor="middle" '
                    f'class="grade">{grade}</text>'
                    f'<text x="{label_x:.1f}" y="{top + 8.5}" font-size="{LABEL_SIZE}" '
                    f'class="label">{escape(label)}</text></g>'
                )
            y += height + 10
        for year in ticks:
            tick = x(dt.date(year, 1, 1))
            parts.append(f'<line x1="{tick:.1f}" y1="30" x2="{tick:.1f}" y2="{y}" class="grid"/>')
            parts.append(f'<text x="{tick:.1f}" y="{y + 14}" text-anchor="middle">{year}</text>')
        for (low, high), mid in zip(breaks, gaps, strict=False):  # a run of empty years: a zig-zag gap, labelled
            parts.append(f'<rect x="{mid - 4:.1f}" y="30" width="8" height="{y - 30}" class="gap"/>')
            for edge in (mid - 4, mid + 4):
                zigzag = " ".join(
                    f"{edge + (2 if i % 2 else -2):.1f},{30 + i * 6}" for i in range(int((y - 30) / 6) + 1)
                )
                parts.append(f'<polyline points="{zigzag}" class="zigzag"/>')
            parts.append(
                f'<text x="{mid:.1f}" y="{y + 28}" text-anchor="middle" font-size="{LABEL_SIZE}" '
                f'class="gap-label">{low}–{high}</text>'
            )
        y += 24 + (14 if breaks else 0)
    else:
        parts.append(f'<text x="{left}" y="{y + 10}">No dated events or quotations.</text>')
        y += 30
    if undated:
        missing = ", ".join(f"{n} {lane.lower()}" for lane, n in sorted(undated.items()))
        parts.append(f'<text x="{left}" y="{y}">Not shown, no known date: {escape(missing)}</text>')
        y += 18
    parts.append(f'<text x="{left - 10}" y="{y + 12}" text-anchor="end" class="lane">Credibility</text>')
    legend_x = left
    for grade, (label, _) in CREDIBILITY.items():
        text = f"{grade} {label}"
        parts.append(
            f'<rect x="{legend_x}" y="{y + 3}" width="10" height="10" rx="5" '
            f'fill="{GRADE_COLOURS[grade]}" class="mark"/>'
        )
        parts.append(f'<text x="{legend_x + 14}" y="{y + 12}">{escape(text)}</text>')
        legend_x += 14 + _text_width(text, 11) + 10
    y += 24
    header = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y}" '
        f'viewBox="0 0 {width} {y}" font-family="sans-serif" font-size="11" role="img">',
        "<title>Events and quotations by date, coloured by credibility grade</title>",
        "<style>.band{fill:#f7f7f7}.grid{stroke:#ccc;stroke-width:0.5}"
        ".mark{stroke:#333;stroke-width:0.5}.lane{font-weight:bold}"
        ".label{fill:#222}.gap{fill:#fff}.zigzag{fill:none;stroke:#888;stroke-width:1}"
        ".gap-label{fill:#555;font-style:italic}</style>",
        '<text x="10" y="20" font-size="13" font-weight="bold">Events and quotations by date</text>',
    ]
    return "\n".join(header + parts + ["</svg>"]) + "\n"
