"""EDTF dates: the string a curator writes, and the earliest/latest days it allows.

Dates are Library of Congress EDTF strings (levels 0 and 1): ``1994-11-28``,
``1994-09`` (month known), ``1994~`` (about), ``1994-12?`` (uncertain),
``1994-09-27/1994-09-28`` (interval), ``1994-11/..`` (open end), ``1994-11/``
(unknown end), ``199X`` (unspecified digit). The word ``unknown`` is accepted for a
date nobody knows. The bounds are the strict bounds of what is written: the
qualifiers ``~`` and ``?`` stay in the string and do not widen them; an open or
unknown interval end has no bound (``None``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

UNKNOWN = "unknown"


class DateError(ValueError):
    """An EDTF string that cannot be parsed, or an interval that ends before it starts."""


class _YearOutOfRange(ValueError):
    """An EDTF year (such as 0000, 1 BC) that a Python date cannot hold."""


def _day(struct) -> dt.date | None:
    if struct is None or isinstance(struct, float):  # edtf gives +-inf for open ends
        return None
    if not dt.MINYEAR <= struct.tm_year <= dt.MAXYEAR:
        raise _YearOutOfRange(struct.tm_year)
    return dt.date(struct.tm_year, struct.tm_mon, struct.tm_mday)


def _year_error(value: str) -> DateError:
    return DateError(
        f"{value!r} reaches outside the years 0001-9999, which this corpus cannot date"
        " (EDTF year 0000 is 1 BC); write a year from 0001 on, or 'unknown'"
    )


def _section_bounds(section) -> tuple[dt.date | None, dt.date | None]:
    import edtf

    if isinstance(section, edtf.parser.parser_classes.UnspecifiedIntervalSection):
        return None, None
    return _day(section.lower_strict()), _day(section.upper_strict())


_PLAIN = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


def _plain_bounds(value: str) -> tuple[dt.date, dt.date] | None:
    """Bounds of a plain ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (most dates), without a parser.

    The edtf package costs milliseconds per string; these forms need only the calendar.
    Returns None for anything else, seasons included (edtf decides); raises DateError for
    an impossible day of a real month, as edtf would refuse it.
    """
    match = _PLAIN.fullmatch(value)
    if match is None or match.group(1) == "0000":
        return None
    year = int(match.group(1))
    if match.group(2) is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    month = int(match.group(2))
    if not 1 <= month <= 12:
        return None  # 21-24 are EDTF seasons ("1994-21", spring); edtf decides every such form
    last = calendar.monthrange(year, month)[1]
    if match.group(3) is None:
        return dt.date(year, month, 1), dt.date(year, month, last)
    day = int(match.group(3))
    if not 1 <= day <= last:
        raise DateError(f"{value!r} is not an EDTF date")
    return dt.date(year, month, day), dt.date(year, month, day)


#: bounds already known for some strings (a validation cache's entry), while ``known`` is active
_KNOWN: ContextVar[dict | None] = ContextVar("known_bounds", default=None)


@contextmanager
def known(found: dict[str, tuple]):
    """Within the block, ``bounds`` answers the strings of ``found`` from it (no parsing).

    For results read back from the validation cache, which stores each date's bounds
    beside it: the edtf parser costs milliseconds per string.
    """
    token = _KNOWN.set(found)
    try:
        yield
    finally:
        _KNOWN.reset(token)


# --- the common forms built from plain dates, without the edtf parser (milliseconds per
# distinct string): a qualifier does not move their strict bounds, and an open or unknown end
# of an interval has none. Anything else is left to edtf (tests/test_edtf_fast.py: they agree).

#: a qualifier of a whole date (EDTF level 1): uncertain, approximate, both
QUALIFIERS = "?~%"


def _section(text: str) -> tuple[dt.date, dt.date] | None:
    """Bounds of a plain date with at most one trailing qualifier, or None when not that form."""
    qualified = text[-1:] in QUALIFIERS
    if qualified:
        text = text[:-1]
    try:
        return _plain_bounds(text)
    except DateError:
        return None  # an impossible day: edtf decides whether and how it refuses it


def fast_bounds(value: str) -> tuple[dt.date | None, dt.date | None] | None:
    """(earliest, latest) day of ``value`` if it is a form handled here, else None.

    Raises DateError (as the edtf path would) for a plain date with an impossible day and
    for an interval that ends before it starts.
    """
    if len(value) < 4 or not (value[:4].isdigit() or value[:1] in "/."):
        return None
    if "/" not in value:
        if value[-1] in QUALIFIERS:
            return _section(value)
        return _plain_bounds(value)  # raises DateError for an impossible day, as before
    lower, _, upper = value.partition("/")
    if "/" in upper:
        return None
    ends = []
    for text in (lower, upper):
        if text in ("", ".."):
            ends.append(None)
            continue
        found = _section(text)
        if found is None:
            return None
        ends.append(found)
    if ends[0] is None and ends[1] is None:
        return None  # "/", "../..", "/..": edtf decides
    early = ends[0][0] if ends[0] else None
    late = ends[1][1] if ends[1] else None
    if early and late and late < early:
        raise DateError(f"the interval {value!r} ends before it starts")
    return early, late


def bounds(value: str) -> tuple[dt.date | None, dt.date | None]:
    """Earliest and latest day allowed by an EDTF string (``None`` where open or unknown).

    >>> bounds("1994-09")
    (datetime.date(1994, 9, 1), datetime.date(1994, 9, 30))

    Raises DateError for a string that is not EDTF or for an interval whose end
    comes before its start.
    """
    given = _KNOWN.get()
    if given is not None and value in given:
        return given[value]
    return _bounds(value)


@lru_cache(maxsize=65536)
def _bounds(value: str) -> tuple[dt.date | None, dt.date | None]:
    if value == UNKNOWN:
        return None, None
    if not value:
        raise DateError("an empty string is not an EDTF date")
    if value != value.strip():
        raise DateError(f"{value!r} is not an EDTF date (no spaces around it)")
    fast = fast_bounds(value)
    if fast is not None:
        return fast
    return _edtf_bounds(value)


#: how many strings went to the edtf parser (validation collects its garbage cycles after them)
EDTF_PARSES = 0


def _edtf_bounds(value: str) -> tuple[dt.date | None, dt.date | None]:
    """Bounds of any EDTF string (levels 0-1), through the edtf package."""
    global EDTF_PARSES
    EDTF_PARSES += 1
    import edtf

    try:
        parsed = edtf.parse_edtf(value)
    except Exception as exc:  # the parser raises several types; all mean "not EDTF"
        raise DateError(f"{value!r} is not an EDTF date") from exc
    if isinstance(parsed, (edtf.Interval, edtf.parser.parser_classes.Level1Interval)):
        try:
            early, _ = _section_bounds(parsed.lower)
            _, late = _section_bounds(parsed.upper)
        except _YearOutOfRange:
            raise _year_error(value) from None
        if early and late and late < early:
            raise DateError(f"the interval {value!r} ends before it starts")
        return early, late
    try:
        return _day(parsed.lower_strict()), _day(parsed.upper_strict())
    except _YearOutOfRange:
        raise _year_error(value) from None
    except Exception as exc:  # e.g. level-2 forms the bounds code does not handle
        raise DateError(f"{value!r} is an EDTF form this corpus does not support") from exc


def check(value: str) -> str:
    """Return ``value`` if it is a date this corpus accepts, else raise DateError."""
    bounds(value)
    return value
