"""Words for the site: dates with their precision, languages, slugs and rights-bound excerpts.

The excerpt rule is stated here once and shown on every page that uses it:
a capture's text around a quotation is shown in full (the whole segment that holds
the words) only when both the capture and the document that carries the words are in
the public domain; otherwise (copyrighted, excerpts only, or rights unknown) at most
``EXCERPT_CHARS`` characters are shown on each side of the words, cut at a space and
never beyond the segment that holds them. The quoted words themselves are always shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: the most characters of context shown on each side of a quotation from a capture
#: whose rights are not public domain
EXCERPT_CHARS = 160

EXCERPT_RULE = (
    "Context is shown in full (the whole segment holding the words) only when the capture "
    "and the document carrying the words are in the public domain. Otherwise at most "
    f"{EXCERPT_CHARS} characters are shown on each side of the words, within the same "
    "segment, because the capture's text may only be redistributed in excerpts."
)

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

#: BCP 47 primary language subtags that occur in the corpus or are likely to; others show as the code
LANGUAGES = {
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "hu": "Hungarian",
    "it": "Italian",
    "nl": "Dutch",
    "pl": "Polish",
    "ro": "Romanian",
    "ru": "Russian",
    "uk": "Ukrainian",
    "cs": "Czech",
    "he": "Hebrew",
    "ar": "Arabic",
    "und": "an undetermined language",
}

_PLAIN = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([~?%]?)$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_QUALIFIER = {"~": "about ", "?": "perhaps ", "%": "perhaps about "}


def language_name(code: str | None) -> str:
    """'de' -> 'German'; an unknown tag is shown as written."""
    if not code:
        return "unknown language"
    return LANGUAGES.get(code.split("-")[0].lower(), code)


def _point(value: str) -> tuple[str, str] | None:
    """One EDTF date without an interval -> (words, precision), or None if not a plain date."""
    match = _PLAIN.match(value)
    if not match:
        return None
    year, month, day, qualifier = match.groups()
    prefix = _QUALIFIER.get(qualifier, "")
    if day:
        return f"{prefix}{int(day)} {MONTHS[int(month) - 1]} {year}", "day"
    if month:
        return f"{prefix}{MONTHS[int(month) - 1]} {year}", "month"
    return f"{prefix}{year}", "year"


@lru_cache(maxsize=4096)  # a page shows a few dates, a release repeats a few thousand
def describe_date(value: str | None) -> str:
    """An EDTF string in words with its precision: '1994-11' -> 'November 1994 (month known)'."""
    if not value or value == "unknown":
        return "date unknown"
    if "/" in value:
        start, _, end = value.partition("/")
        left, right = _point(start), _point(end)
        if start in ("", "..") and right:
            return f"on or before {right[0]} (start unknown)"
        if end in ("", "..") and left:
            return f"on or after {left[0]} (end {'open' if end == '..' else 'unknown'})"
        if left and right:
            return f"between {left[0]} and {right[0]} (interval)"
        return f"{value} (EDTF)"
    point = _point(value)
    if point is None:
        return f"{value} (EDTF)"
    words, precision = point
    known = {"day": "exact day", "month": "month known", "year": "year known"}[precision]
    qualifier = {"~": ", approximate", "?": ", uncertain", "%": ", approximate and uncertain"}
    return f"{words} ({known}{qualifier.get(value[-1], '')})"


def slug(record_id: str, prefix: str) -> str:
    """'quote:abc' -> 'abc'; an id that would not make a safe file name is refused."""
    head, _, tail = record_id.partition(":")
    if head != prefix or not _SLUG.match(tail) or tail.endswith("."):
        raise ValueError(
            f"record id {record_id!r} is not '{prefix}:<slug>' with a lower-case slug "
            "(letters, digits, '.', '_', '-'); correct the id in raw/ and rebuild"
        )
    return tail


@dataclass(frozen=True)
class Excerpt:
    """A quotation's words in the capture with the context its rights allow."""

    before: str
    words: str
    after: str
    full: bool  # True when the whole segment is shown (public domain)
    clipped_before: bool
    clipped_after: bool


def _cut_left(text: str, limit: int) -> tuple[str, bool]:
    if len(text) <= limit:
        return text, False
    part = text[-limit:]
    space = part.find(" ")
    return (part[space + 1 :] if 0 <= space < limit // 2 else part), True


def _cut_right(text: str, limit: int) -> tuple[str, bool]:
    if len(text) <= limit:
        return text, False
    part = text[:limit]
    space = part.rfind(" ")
    return (part[:space] if space > limit // 2 else part), True


def excerpt(text: str, start: int, end: int, segment: tuple[int, int] | None, public_domain: bool) -> Excerpt:
    """The words at text[start:end] with the context allowed (see the module's rule)."""
    low, high = segment if segment else (0, len(text))
    low, high = max(0, min(low, start)), min(len(text), max(high, end))
    before, after = text[low:start], text[end:high]
    if public_domain:
        return Excerpt(before, text[start:end], after, True, low > 0, high < len(text))
    before, clipped_before = _cut_left(before, EXCERPT_CHARS)
    after, clipped_after = _cut_right(after, EXCERPT_CHARS)
    return Excerpt(before, text[start:end], after, False, clipped_before or low > 0, clipped_after or high < len(text))
