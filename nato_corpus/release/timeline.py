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
