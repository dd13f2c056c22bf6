"""Near matches in bounded time: the closest text to a quotation, and "did you mean" for an id.

Both answer only when something is wrong (a quotation not in its capture, a reference
to no record), so they must stay cheap on the worst input a curator or an attacker can
write: a long near-miss quotation in a large capture, thousands of broken references
among thousands of ids. Small inputs are compared exactly as before with difflib; large
ones are narrowed first:

* ``closest_text``: where the quotation most likely sits is found by looking up a few
  dozen of its substrings in the capture (``str.find``, in C) and letting each hit vote
  for an alignment, instead of difflib's longest common block over the whole capture
  (quadratic in the worst case). Only windows there and at the recorded span are scored.
* ``Suggester``: beyond ``EXACT_IDS`` ids, rapidfuzz (C++) ranks every id by its Indel
  similarity to the broken reference, and difflib compares only the ``SHORTLIST`` best
  with it, as before. difflib's ratio never exceeds the Indel similarity, so no id it
  would accept is cut by the shortlist's cutoff.
"""

from __future__ import annotations

import difflib
from collections import Counter

#: text length x quotation length below which difflib compares them whole (as always)
EXACT_WORK = 20_000_000
#: substrings of a quotation looked up in its capture to place it
PROBES = 48
PROBE_LENGTH = 24
#: a substring found more often than this votes for no place (a common phrase says nothing)
HITS_PER_PROBE = 4
#: ids of a kind below which every id is a candidate for "did you mean"
EXACT_IDS = 200
SHORTLIST = 8
#: rapidfuzz's ratio (0-100) below which an id is not shortlisted: difflib's ratio never
#: exceeds it, so an id under 80 could not pass difflib's cutoff of 0.8 either
SHORTLIST_CUTOFF = 80
#: windows scored around each candidate start once the quotation is long
LONG_QUOTE = 400


def _anchor(text: str, quote: str) -> int | None:
    """The start in ``text`` where most substrings of ``quote`` agree it sits, or None."""
    size = min(PROBE_LENGTH, len(quote))
    step = max(1, (len(quote) - size) // PROBES)
    votes: Counter = Counter()
    for j in range(0, len(quote) - size + 1, step):
        gram = quote[j : j + size]
        hits: list[int] = []
        found = text.find(gram)
        while found != -1 and len(hits) <= HITS_PER_PROBE:
            hits.append(found - j)
            found = text.find(gram, found + 1)
        if len(hits) <= HITS_PER_PROBE:
            votes.update(hits)
    if not votes:
        return None
    offset, _ = min(votes.items(), key=lambda item: (-item[1], item[0]))
    return max(0, offset)


def closest_text(text: str, quote: str, start: int) -> tuple[float, int, str]:
    """The best near match of ``quote`` in ``text``: (similarity, offset, the text there).

    Candidates start at the recorded span and where the quotation best aligns; each is
    tried a few characters shorter and longer, since a changed word rarely keeps the
    length. Similarity is difflib's ratio, or for a quotation of ``LONG_QUOTE`` characters
    or more the Indel similarity (2 x longest common subsequence / total length), which
    is never lower.
    """
    starts = {start} if 0 <= start <= len(text) else set()
    if len(text) * len(quote) <= EXACT_WORK:
        block = difflib.SequenceMatcher(None, text, quote, autojunk=False).find_longest_match(
            0, len(text), 0, len(quote)
        )
        if block.size:
            starts.add(max(0, block.a - block.b))
    else:
        anchor = _anchor(text, quote)
        if anchor is not None:
            starts.add(anchor)
    best = (0.0, start, "")
    if len(quote) < LONG_QUOTE:
        tries = [
            (offset, length) for offset in sorted(starts) for length in range(max(1, len(quote) - 8), len(quote) + 9)
        ]
        return _best(text, quote, tries, best)
    # difflib costs about the square of the length: rapidfuzz's Indel similarity (the
    # longest common subsequence, in C++) scores long quotations instead
    from rapidfuzz.distance import Indel

    for offset in sorted(starts):
        for length in range(max(1, len(quote) - 8), len(quote) + 9):
            window = text[offset : offset + length]
            ratio = Indel.normalized_similarity(window, quote)
            if ratio > best[0]:
                best = (ratio, offset, window)
    return best


def _best(text: str, quote: str, tries: list[tuple[int, int]], best: tuple[float, int, str]) -> tuple[float, int, str]:
    for offset, length in tries:
        window = text[offset : offset + length]
        ratio = difflib.SequenceMatcher(None, window, quote, autojunk=False).ratio()
        if ratio > best[0]:
            best = (ratio, offset, window)
    return best


class Suggester:
    """ "Did you mean" for ids of one kind: the closest id, if any is at least 80% alike."""

    def __init__(self, ids: list[str]):
        self.ids = ids
        self._memo: dict[str, str | None] = {}
        self._by_length: dict[int, list[str]] | None = None

    def _shortlist(self, ref: str) -> list[str]:
        from rapidfuzz import fuzz, process

        if self._by_length is None:
            self._by_length = {}
            for known in self.ids:
                self._by_length.setdefault(len(known), []).append(known)
        # a ratio of 0.8 needs 2 x shorter / (sum of lengths) >= 0.8: lengths within 2/3 to 3/2
        near = [
            known for size in range(len(ref) * 2 // 3, len(ref) * 3 // 2 + 2) for known in self._by_length.get(size, ())
        ]
        found = process.extract(ref, near, scorer=fuzz.ratio, limit=SHORTLIST, score_cutoff=SHORTLIST_CUTOFF)
        return [known for known, _, _ in found]

    def suggest(self, ref: str) -> str | None:
        if ref not in self._memo:
            candidates = self.ids if len(self.ids) <= EXACT_IDS else self._shortlist(ref)
            close = difflib.get_close_matches(ref, candidates, n=1, cutoff=0.8)
            self._memo[ref] = close[0] if close else None
        return self._memo[ref]
