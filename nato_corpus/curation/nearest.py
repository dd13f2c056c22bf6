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
  would accept is cut by the shortlist's cutoff. ``Suggester.prepare`` scores all the
  broken references of a kind against the ids in one matrix first, with the same answers.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable

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
#: references x ids from which ``Suggester.prepare`` scores them at once (numpy takes ~0.2 s to load)
BULK_WORK = 1_000_000
#: distances computed in one call when many references are prepared (4 bytes each)
BULK_CELLS = 4_000_000
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
    """ "Did you mean" for ids of one kind: the closest id, if any is at least 80% alike.

    ``suggest`` answers one reference; ``prepare`` works out the answers for many
    references at once, the same answers, so that a corpus with thousands of broken
    references costs one matrix of distances instead of thousands of searches.
    """

    def __init__(self, ids: list[str]):
        self.ids = ids
        self._memo: dict[str, str | None] = {}
        self._by_length: dict[int, list[str]] | None = None
        self._near: dict[int, list[str]] = {}

    def _near_ids(self, size: int) -> list[str]:
        """The ids whose length allows a ratio of 0.8 with a reference of ``size`` characters, shortest first."""
        if self._by_length is None:
            self._by_length = {}
            for known in self.ids:
                self._by_length.setdefault(len(known), []).append(known)
        near = self._near.get(size)
        if near is None:
            # a ratio of 0.8 needs 2 x shorter / (sum of lengths) >= 0.8: lengths within 2/3 to 3/2
            near = self._near[size] = [
                known for length in range(size * 2 // 3, size * 3 // 2 + 2) for known in self._by_length.get(length, ())
            ]
        return near

    @staticmethod
    def _shortlist(ref: str, near: list[str]) -> list[str]:
        """The ``SHORTLIST`` ids of ``near`` most alike to ``ref`` by rapidfuzz's ratio (ties: first in ``near``)."""
        from rapidfuzz import fuzz, process

        found = process.extract(ref, near, scorer=fuzz.ratio, limit=SHORTLIST, score_cutoff=SHORTLIST_CUTOFF)
        return [known for known, _, _ in found]

    @staticmethod
    def _closest(ref: str, candidates: list[str]) -> str | None:
        close = difflib.get_close_matches(ref, candidates, n=1, cutoff=0.8)
        return close[0] if close else None

    def suggest(self, ref: str) -> str | None:
        """The id ``ref`` was most likely meant to be, or None."""
        if ref not in self._memo:
            if len(self.ids) <= EXACT_IDS:
                self._memo[ref] = self._closest(ref, self.ids)
            else:
                self._memo[ref] = self._closest(ref, self._shortlist(ref, self._near_ids(len(ref))))
        return self._memo[ref]

    def prepare(self, refs: Iterable[str]) -> None:
        """Work out the suggestions for many references at once; ``suggest`` then answers from memory.

        Beyond ``EXACT_IDS`` ids, the references of one length are scored against every
        id of a near length in one call (rapidfuzz's ``cdist``, in C++: whole Indel
        distances, no rounding). Ids that cannot reach the shortlist's cutoff are dropped
        with a point to spare, and the shortlist is then drawn from the rest exactly as
        ``suggest`` draws it from all (dropping ids under the cutoff, in order, changes
        neither which ids pass nor how ties fall), so every answer is the same.
        Without numpy (``cdist`` returns arrays) nothing is prepared.
        """
        pending: dict[int, list[str]] = {}
        for ref in dict.fromkeys(refs):
            if ref not in self._memo:
                pending.setdefault(len(ref), []).append(ref)
        if len(self.ids) <= EXACT_IDS or sum(map(len, pending.values())) * len(self.ids) < BULK_WORK:
            return  # one at a time costs less than loading numpy
        try:
            import numpy
        except ImportError:  # pragma: no cover - numpy comes with pyarrow's and the test extras
            return
        from rapidfuzz import process
        from rapidfuzz.distance import Indel

        for size, group in sorted(pending.items()):
            near = self._near_ids(size)
            if not near:
                self._memo.update(dict.fromkeys(group))
                continue
            # ratio = 100 (total - distance) / total reaches the cutoff less a point while
            # distance <= (101 - cutoff) x total / 100: the largest such distance, per id
            limits = numpy.array([(101 - SHORTLIST_CUTOFF) * (size + len(known)) // 100 for known in near])
            rows = max(1, BULK_CELLS // len(near))
            for first in range(0, len(group), rows):
                chunk = group[first : first + rows]
                within = process.cdist(chunk, near, scorer=Indel.distance, dtype=numpy.int32) <= limits
                for ref, row in zip(chunk, within, strict=True):
                    candidates = [near[j] for j in numpy.flatnonzero(row)]
                    self._memo[ref] = self._closest(ref, self._shortlist(ref, candidates)) if candidates else None
