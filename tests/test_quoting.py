"""Quoted runs are found from the marks alone: the same runs as reading every character."""

from __future__ import annotations

import dataclasses
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from nato_corpus.curation import quoting
from nato_corpus.curation.quoting import MARKS, PAIRS, Run

#: marks, words, spaces and the line breaks that make (or do not make) a blank line
TEXTS = st.text(alphabet=st.sampled_from([*sorted(MARKS), "a", "1", " ", "\n", "\t", "\u00a0", ".", "é", "\u2029"]))


def _reference(text: str) -> list[Run]:
    """Every run, reading each character of each paragraph in turn (the rules of the module's docstring)."""
    runs: list[Run] = []
    bounds = [(m.start(), m.end()) for m in re.finditer(r"\n[^\S\n]*\n", text)]
    edges = [0, *(e for _, e in bounds)], [*(b for b, _ in bounds), len(text)]
    for lo, hi in zip(*edges, strict=True):
        stack: list[tuple[str, int]] = []
        for i in range(lo, hi):
            char = text[i]
            if char not in MARKS:
                continue
            if char in "\u2019\u2018'" and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum():
                continue
            symmetric = char in "\"'"
            closed = next((k for k in range(len(stack) - 1, -1, -1) if char in PAIRS[stack[k][0]]), None)
            if closed is not None and symmetric and (i == lo or text[i - 1].isspace()):
                closed = None
            if closed is not None:
                opening, after = stack[closed]
                del stack[closed:]
                if text[after:i].strip():
                    runs.append(Run(after, i, text[after:i], opening, char, closed))
                continue
            if char not in PAIRS or (char in "\u2018\u201a'" and i > lo and text[i - 1].isalnum()):
                continue
            if symmetric and (i + 1 >= hi or text[i + 1].isspace()):
                continue
            stack.append((char, i + 1))
    return sorted(runs, key=lambda r: (r.start, -r.end))


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_runs_are_those_of_reading_every_character(text):
    """quoted_runs gives exactly the runs a character-by-character reading gives."""
    assert quoting.quoted_runs(text) == _reference(text)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.integers(0, 40), st.integers(0, 40))
def test_recorded_in_answers_as_enclosing(text, start, end):
    """recorded_in (runs searched from the nearest start back) agrees with enclosing() on every span."""
    start, end = min(start, end, len(text)), min(max(start, end), len(text))
    runs = quoting.quoted_runs(text)
    assert quoting.recorded_in(runs, [r.start for r in runs], start, end) is (
        quoting.enclosing(text, start, end, runs) is not None
    )


def test_a_blank_line_ends_an_open_quotation_between_two_marks():
    """A mark left open before a blank line opens nothing after it, even with no mark in between."""
    assert [dataclasses.astuple(r)[:3] for r in quoting.quoted_runs("\u201cone\n \ntwo \u201cthree\u201d")] == [
        (12, 17, "three")
    ]
