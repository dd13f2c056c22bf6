"""The timeline (timeline.svg): every mark labelled in plain sight, no text over another, the break drawn."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import REPO

from nato_corpus.curation.validate import check_raw
from nato_corpus.records import dates
from nato_corpus.release.timeline import timeline_svg

SVG = "{http://www.w3.org/2000/svg}"
#: a generous average width of a sans-serif character, as a share of the font size
EM_PER_CHAR = 0.6
MINI = Path(__file__).parent / "data" / "mini"


@pytest.fixture(scope="module")
def mini() -> dict:
    return check_raw(MINI).records


@pytest.fixture(scope="module")
def corpus() -> dict:
    return check_raw(REPO / "raw").records


def with_late_event(records: dict) -> dict:
    """The records with one more event, in 2020: years 1996-2019 are then empty."""
    event = records["event"][0]
    late = event.model_copy(update={"id": "event:late", "date": "2020-03-01", "title": "A late event"})
    return {**records, "event": [*records["event"], late]}


def boxes(svg: str) -> list[tuple[str, float, float, float, float, str]]:
    """(text, left, top, right, bottom, class) of every text element, width from its length."""
    root = ET.fromstring(svg)
    out = []
    for group in root.iter():
        for text in group.findall(f"{SVG}text"):
            size = float(text.get("font-size") or root.get("font-size"))
            words = "".join(text.itertext())
            width = len(words) * size * EM_PER_CHAR
            x, y = float(text.get("x")), float(text.get("y"))
            anchor = text.get("text-anchor", "start")
            left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
            out.append((words, left, y - size * 0.8, left + width, y + size * 0.2, text.get("class", "")))
    return out


def overlap(a, b) -> bool:
    return a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]


@pytest.mark.parametrize("name", ["mini", "mini-with-break", "corpus"])
def test_no_two_texts_overlap(name, mini, corpus):
    """No text box overlaps another, with widths approximated from the number of characters."""
    records = {"mini": mini, "mini-with-break": with_late_event(mini), "corpus": corpus}[name]
    found = boxes(timeline_svg(records))
    clashes = [(a[0], b[0]) for a, b in itertools.combinations(found, 2) if overlap(a, b)]
    assert clashes == []


def test_labels_stay_off_other_marks_and_inside_the_picture(corpus):
    """A label covers no mark but its own and ends inside the SVG's width."""
    root = ET.fromstring(timeline_svg(corpus))
    width = float(root.get("width"))
    marks = []
    for group in root.iter(f"{SVG}g"):
        rect = group.find(f"{SVG}rect")
        x, y = float(rect.get("x")), float(rect.get("y"))
        marks.append((group, ("", x, y, x + float(rect.get("width")), y + float(rect.get("height")))))
    for group, _ in marks:
        label = next(b for b in boxes(ET.tostring(group, encoding="unicode")) if b[5] == "label")
        assert label[1] >= 0 and label[3] <= width, label[0]
        assert not [m[0] for other, m in marks if other is not group and overlap(label, m)], label[0]


def test_every_dated_record_has_a_visible_label(corpus):
    """Each dated event shows (the start of) its title and each quotation (the start of) its words."""
    root = ET.fromstring(timeline_svg(corpus))
    labels = {}
    for group in root.iter(f"{SVG}g"):
        record_id = group.find(f"{SVG}title").text.split(" ", 1)[0]
        labels[record_id] = "".join(group.find(f"{SVG}text[@class='label']").itertext())
    dated = [r for kind in ("event", "quote") for r in corpus[kind] if dates.bounds(r.date) != (None, None)]
    assert set(labels) == {r.id for r in dated}
    for record in dated:
        shown = labels[record.id]
        words = record.title if record.id.startswith("event:") else record.text
        head = re.split(r"[”…]", shown.split(": “", 1)[-1] if record.id.startswith("quote:") else shown)[0]
        assert head and words.startswith(head.rstrip()), (record.id, shown)


def test_axis_break_is_drawn_and_labelled_with_its_years(mini):
    """A long run of empty years is drawn as a zig-zag and labelled with the years it leaves out."""
    plain = ET.fromstring(timeline_svg(mini))
    assert plain.find(f".//{SVG}polyline") is None
    root = ET.fromstring(timeline_svg(with_late_event(mini)))
    assert len(root.findall(f".//{SVG}polyline[@class='zigzag']")) == 2
    gap = root.find(f".//{SVG}text[@class='gap-label']")
    assert gap is not None and gap.text == "1996–2019"


def test_labels_never_cross_the_break(mini):
    """A label on one side of the break ends before the zig-zag begins."""
    root = ET.fromstring(timeline_svg(with_late_event(mini)))
    xs = [float(p.split(",")[0]) for line in root.findall(f".//{SVG}polyline") for p in line.get("points").split()]
    low, high = min(xs), max(xs)
    for label in (b for b in boxes(timeline_svg(with_late_event(mini))) if b[5] == "label"):
        assert label[3] <= low or label[1] >= high, label[0]


def test_timeline_is_the_same_text_twice(corpus):
    """Two renderings of the same records are identical."""
    assert timeline_svg(corpus) == timeline_svg(corpus)
