"""Runs of words in quotation marks in a capture's text, found by its marks alone.

``quoted_runs(text)`` finds every run of words standing between quotation marks, nested
ones included, as code-point offsets of the words inside the marks:

- double quotes: straight ``"…"``, typographic ``“…”``, German ``„…“`` and ``„…”``;
- guillemets: ``«…»`` and ``»…«``, single ``‹…›`` and ``›…‹``;
- single quotes ``‘…’``, ``‚…‘`` and straight ``'…'`` where the capture uses them as
  quotation marks: a ``’`` or ``'`` between two letters or digits is an apostrophe
  ("Russia’s", "don't"), and a ``‘`` or ``'`` right after a letter or digit opens nothing.

A straight mark opens only before a non-space and closes only after one. A quotation
never runs over a blank line (a mark left
open at the end of a paragraph opens nothing), and a closing mark closes the innermost
run it can close (runs left open inside it are dropped).

``recorded(run, spans)`` says whether recorded occurrences cover a run: a span inside
the run that leaves out at most punctuation and spaces (a fragment's comma or full
stop, an ellipsis, the spaces some captures put inside the marks).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

#: opening mark -> the marks that close it
PAIRS: dict[str, str] = {
    "\u201c": "\u201d",  # “ ”
    "\u201e": "\u201c\u201d",  # „ “ (German), „ ”
    "\u00ab": "\u00bb",  # « »
    "\u00bb": "\u00ab",  # » « (German)
    "\u2039": "\u203a",  # ‹ ›
    "\u203a": "\u2039",  # › ‹
    "\u2018": "\u2019",  # ‘ ’
    "\u201a": "\u2018\u2019",  # ‚ ‘ (German), ‚ ’
    '"': '"',
    "'": "'",
}
#: marks that open and close alike: an opener is followed by no space, a closer follows none
_SYMMETRIC = frozenset("\"'")
#: marks that open nothing right after a letter or digit ("Clinton‘s", "Jones' house")
_NOT_AFTER_WORD = frozenset("\u2018\u201a'")
#: marks that are apostrophes between two letters or digits
_APOSTROPHES = frozenset("\u2019\u2018'")
MARKS = frozenset("".join(PAIRS) + "".join(PAIRS.values()))
_PARAGRAPH = re.compile(r"\n[^\S\n]*\n")


@dataclass(frozen=True)
class Run:
    """Words between quotation marks: ``text[start:end]``, the marks left out."""

    start: int
    end: int
    text: str
    opening: str
    closing: str
    #: 0 for a run in no other run, 1 for a quotation inside a quotation, ...
    depth: int


def _word(char: str) -> bool:
    return char.isalnum()


def _apostrophe(text: str, i: int) -> bool:
    """A ’ (or ‘) standing between two letters or digits: an apostrophe, not a mark."""
    return 0 < i < len(text) - 1 and _word(text[i - 1]) and _word(text[i + 1])


def quoted_runs(text: str) -> list[Run]:
    """Every run of words in quotation marks in ``text``, in order of their start.

    Only the marks are visited (found with ``str.find``, which never looks at a character
    twice in Python), and the blank lines between them: at each blank line the runs left
    open are dropped. A paragraph's edges need no test of their own: the character beyond
    them is a line break, a space to every rule below.
    """
    runs: list[Run] = []
    stack: list[tuple[str, int]] = []  # (opening mark, offset after it)
    breaks = _PARAGRAPH.finditer(text)  # read only as far as the last mark
    blank = next(breaks, None)
    last = len(text) - 1
    for i in _mark_offsets(text):
        while blank is not None and blank.start() < i:
            stack.clear()  # a quotation never runs over a blank line
            blank = next(breaks, None)
        char = text[i]
        if char in _APOSTROPHES and _apostrophe(text, i):
            continue
        symmetric = char in _SYMMETRIC
        closed = None  # the innermost open run this mark can close
        for k in range(len(stack) - 1, -1, -1):
            if char in PAIRS[stack[k][0]]:
                closed = k
                break
        if closed is not None and symmetric and (i == 0 or text[i - 1].isspace()):
            closed = None  # a straight mark after a space opens (or is stray)
        if closed is not None:
            opening, after = stack[closed]
            del stack[closed:]
            if text[after:i].strip():
                runs.append(Run(after, i, text[after:i], opening, char, closed))
            continue
        if char not in PAIRS or (char in _NOT_AFTER_WORD and i > 0 and _word(text[i - 1])):
            continue
        if symmetric and (i >= last or text[i + 1].isspace()):
            continue
        stack.append((char, i + 1))
    return sorted(runs, key=lambda r: (r.start, -r.end))


def _mark_offsets(text: str) -> list[int]:
    """The offset of every quotation mark in ``text``, in order."""
    found: list[int] = []
    for mark in MARKS:
        i = text.find(mark)
        while i >= 0:
            found.append(i)
            i = text.find(mark, i + 1)
    found.sort()
    return found


def _residue(text: str) -> bool:
    """True when ``text`` holds nothing but punctuation and spaces."""
    return not any(c.isalnum() for c in text)


def recorded(run: Run, spans: Iterable[tuple[int, int]]) -> bool:
    """Whether one of ``spans`` (start, end) records ``run``: inside it, missing only punctuation."""
    for start, end in spans:
        if run.start <= start <= end <= run.end:
            outside = run.text[: start - run.start] + run.text[end - run.start :]
            if _residue(outside):
                return True
    return False


def recorded_in(runs: list[Run], starts: list[int], start: int, end: int) -> bool:
    """Whether a run of ``runs`` records ``text[start:end]`` (``enclosing(...) is not None``).

    ``starts`` are the runs' starts (``runs`` is in order of them): only the runs that start
    at or before ``start`` can hold the span, and the nearest is tried first.
    """
    for k in range(bisect.bisect_right(starts, start) - 1, -1, -1):
        run = runs[k]
        if end <= run.end and recorded(run, [(start, end)]):
            return True
    return False


def enclosing(text: str, start: int, end: int, runs: list[Run] | None = None) -> Run | None:
    """The innermost run of ``text`` that ``text[start:end]`` records, or None when none does."""
    found = None
    for run in runs if runs is not None else quoted_runs(text):
        if recorded(run, [(start, end)]) and (found is None or run.depth > found.depth):
            found = run
    return found
