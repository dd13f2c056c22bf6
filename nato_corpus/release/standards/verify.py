"""Verify a copy of a capture: which capture it is, whether it is byte-identical, and where
each quotation now sits (found at the same span, moved to a new span, or missing).

Re-anchoring uses each occurrence's quote selector (exact text with prefix and suffix), as
annotation tools do: first an exact search, then a pass in which every run of whitespace
(spaces, tabs, non-breaking spaces, CR and LF) counts as one space, mapped back to the
copy's own code-point offsets. CRLF line ends, an added banner and re-flowed whitespace
therefore keep every quotation; a deleted or reworded sentence makes its quotations missing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from ...errors import UsageError
from ._common import by_id
from .annotations import Anchor

FOUND, MOVED, MISSING = "found", "moved", "missing"


@dataclass(frozen=True)
class OccurrenceCheck:
    """One quotation occurrence in the copy: its status and, unless missing, its span in the copy."""

    quote: str
    position: int
    status: str
    start: int
    end: int
    new_start: int | None
    new_end: int | None


@dataclass(frozen=True)
class CaptureVerification:
    """The verdict on one copy: the capture it is (or None), byte identity, and every occurrence."""

    path: str
    sha256: str
    capture: str | None
    identical: bool
    occurrences: tuple[OccurrenceCheck, ...]

    @property
    def ok(self) -> bool:
        """True when the capture was identified and no quotation is missing."""
        return self.capture is not None and all(o.status != MISSING for o in self.occurrences)

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for o in self.occurrences if o.status == s) for s in (FOUND, MOVED, MISSING)}

    def to_text(self) -> str:
        """A report a person can read: one line per occurrence, then a summary."""
        if self.capture is None:
            return (
                f"{self.path}: matches no capture of the release (sha256 {self.sha256}); "
                "none of its quotations could be found in it"
            )
        lines = []
        for o in self.occurrences:
            where = f"{o.start}-{o.end}"
            if o.status == MOVED:
                where += f" -> {o.new_start}-{o.new_end}"
            lines.append(f"{o.status:7} {o.quote}#{o.position} {where}")
        same = "byte-identical" if self.identical else "NOT byte-identical"
        summary = ", ".join(f"{n} {s}" for s, n in self.counts().items())
        lines.append(f"{self.path}: {self.capture}, {same}; {summary}")
        return "\n".join(lines)


def _normalise(text: str) -> tuple[str, list[int], list[int]]:
    """Collapse whitespace runs to one space; map each normalised char to its start and end in text."""
    chars, starts, ends = [], [], []
    i = 0
    while i < len(text):
        if text[i].isspace():
            j = i
            while j < len(text) and text[j].isspace():
                j += 1
            chars.append(" ")
            starts.append(i)
            ends.append(j)
            i = j
        else:
            chars.append(text[i])
            starts.append(i)
            ends.append(i + 1)
            i += 1
    return "".join(chars), starts, ends


def _collapse(text: str) -> str:
    return _normalise(text)[0]


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _best(hay: str, exact: str, prefix: str, suffix: str, near: int) -> int | None:
    """Index in hay of the occurrence of exact whose surroundings best match prefix/suffix."""
    hits, at = [], hay.find(exact)
    while at != -1:
        hits.append(at)
        at = hay.find(exact, at + 1)
    if not hits:
        return None

    def score(i: int) -> tuple[int, int]:
        context = _common_suffix(hay[max(0, i - len(prefix)) : i], prefix)
        context += _common_prefix(hay[i + len(exact) : i + len(exact) + len(suffix)], suffix)
        return (-context, abs(i - near))

    return min(hits, key=score)


def reanchor(text: str, anchor: Anchor, normalised=None) -> tuple[int, int] | None:
    """The span of the anchor's quotation in `text` (code points), or None when it is not there."""
    at = _best(text, anchor.exact, anchor.prefix, anchor.suffix, anchor.start)
    if at is not None:
        return at, at + len(anchor.exact)
    norm, starts, ends = normalised or _normalise(text)
    exact = _collapse(anchor.exact).strip(" ")
    if not exact:
        return None
    prefix, suffix = _collapse(anchor.prefix), _collapse(anchor.suffix)
    at = _best(norm, exact, prefix, suffix, anchor.start)
    if at is None:
        return None
    return starts[at], ends[at + len(exact) - 1]


def _check(text: str, anchors: list[Anchor]) -> tuple[OccurrenceCheck, ...]:
    normalised = _normalise(text)
    checks = []
    for a in anchors:
        span = reanchor(text, a, normalised)
        if span is None:
            checks.append(OccurrenceCheck(a.quote, a.position, MISSING, a.start, a.end, None, None))
        else:
            status = FOUND if span == (a.start, a.end) else MOVED
            checks.append(OccurrenceCheck(a.quote, a.position, status, a.start, a.end, *span))
    return tuple(checks)


def read_copy(path: str | Path) -> bytes:
    """The bytes of a file, or a UsageError saying why it cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such file; give the path of a copy of a capture (a text file)")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror or exc}); check its permissions") from None


def decode_copy(path: str | Path, data: bytes) -> str:
    """A copy's text (UTF-8, a BOM dropped), or a UsageError when it is not text."""
    if b"\x00" in data:
        raise UsageError(f"{path}: is a binary file (it has NUL bytes), not a copy of a text capture")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{path}: is not UTF-8 text (byte {exc.start} is {data[exc.start : exc.start + 1]!r}); "
            "captures are UTF-8: convert the copy to UTF-8 and try again"
        ) from None


def verify_capture(path: str | Path, tables: dict[str, pa.Table], anchors: list[Anchor]) -> CaptureVerification:
    """Identify the copy at `path` (by sha256, else by how many quotations re-anchor) and re-anchor each.

    `anchors` are the release's quotation anchors: `anchors(tables, captures)` from raw/, or
    `anchors_from_annotations(...)` from a release's annotations.jsonld.
    """
    data = read_copy(path)
    digest = hashlib.sha256(data).hexdigest()
    meta = by_id(tables, "captures")
    by_capture: dict[str, list[Anchor]] = {}
    for a in anchors:
        by_capture.setdefault(a.capture, []).append(a)
    identical = next((cid for cid, row in sorted(meta.items()) if row["sha256"] == digest), None)
    text = decode_copy(path, data)
    if identical is not None:
        return CaptureVerification(str(path), digest, identical, True, _check(text, by_capture.get(identical, [])))
    best: tuple[int, str, tuple[OccurrenceCheck, ...]] | None = None
    for cid in sorted(by_capture):
        checks = _check(text, by_capture[cid])
        score = sum(1 for c in checks if c.status != MISSING)
        if score and (best is None or score > best[0]):
            best = (score, cid, checks)
    if best is None:
        return CaptureVerification(str(path), digest, None, False, ())
    return CaptureVerification(str(path), digest, best[1], False, best[2])


def anchors_from_annotations(data: bytes) -> list[Anchor]:
    """The anchors recorded in a release's annotations.jsonld (for copies checked without raw/)."""
    try:
        items = json.loads(data)["first"]["items"]
        result = []
        for item in items:
            selectors = {s["type"]: s for s in item["target"]["selector"]}
            quote, position = item["id"].rsplit("/occurrence/", 1)
            q, p = selectors["TextQuoteSelector"], selectors["TextPositionSelector"]
            result.append(
                Anchor(
                    quote,
                    int(position),
                    item["target"]["source"]["captureId"],
                    p["start"],
                    p["end"],
                    q["exact"],
                    q["prefix"],
                    q["suffix"],
                )
            )
    except (ValueError, KeyError, TypeError, StopIteration) as exc:
        raise UsageError(f"annotations.jsonld is not a nato-corpus annotation collection ({exc!r})") from None
    return result
