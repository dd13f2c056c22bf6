"""Bounds of the common EDTF forms built from plain dates, without the edtf parser.

The edtf package costs milliseconds per distinct string. Besides the plain ``YYYY``,
``YYYY-MM`` and ``YYYY-MM-DD`` (``dates._plain_bounds``), most dates of a corpus are a
plain date with one qualifier (``1994~``, ``1994-12?``, ``1994-09-27%``) or an interval
of such dates, perhaps with an open (``..``) or unknown (empty) end. Their strict bounds
need only the calendar: a qualifier does not move them, and an open or unknown end has
no bound. Anything else (seasons, unspecified digits, year 0000, impossible days inside
a qualified date or an interval) is left to edtf: ``fast_bounds`` returns None.
tests/test_edtf_fast.py checks that the two agree on many generated values.
"""

from __future__ import annotations

import datetime as dt

#: a qualifier of a whole date (EDTF level 1): uncertain, approximate, both
QUALIFIERS = "?~%"


def _section(text: str) -> tuple[dt.date, dt.date] | None:
    """Bounds of a plain date with at most one trailing qualifier, or None when not that form."""
    from .dates import DateError, _plain_bounds

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
    from .dates import DateError, _plain_bounds

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
