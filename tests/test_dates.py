"""EDTF dates and the earliest/latest days they allow."""

from __future__ import annotations

import datetime as dt

import pytest
import strategies
from hypothesis import given, settings
from hypothesis import strategies as st

from nato_corpus.records import dates

D = dt.date


@pytest.mark.parametrize(
    "value,earliest,latest",
    [
        ("1994-11-28", D(1994, 11, 28), D(1994, 11, 28)),
        ("1994-09", D(1994, 9, 1), D(1994, 9, 30)),
        ("1994-02", D(1994, 2, 1), D(1994, 2, 28)),
        ("1996-02", D(1996, 2, 1), D(1996, 2, 29)),
        ("1994", D(1994, 1, 1), D(1994, 12, 31)),
        ("1994~", D(1994, 1, 1), D(1994, 12, 31)),
        ("1994-12?", D(1994, 12, 1), D(1994, 12, 31)),
        ("1994-09-27/1994-09-28", D(1994, 9, 27), D(1994, 9, 28)),
        ("1994-11/..", D(1994, 11, 1), None),
        ("../1995", None, D(1995, 12, 31)),
        ("1994-11/", D(1994, 11, 1), None),
        ("199X", D(1990, 1, 1), D(1999, 12, 31)),
        ("1994-21", D(1994, 3, 1), D(1994, 5, 31)),
        ("unknown", None, None),
    ],
)
def test_bounds(value, earliest, latest):
    """Each EDTF form gives the strict first and last day it allows (None where open or unknown)."""
    assert dates.bounds(value) == (earliest, latest)


@pytest.mark.parametrize(
    "value,message",
    [
        ("28 November 1994", "is not an EDTF date"),
        ("1994-13-01", "is not an EDTF date"),
        ("1994-02-30", "is not an EDTF date"),
        (" 1994", "no spaces around it"),
        ("", "is not an EDTF date"),
        ("1994-12-05/1994-12-01", "ends before it starts"),
    ],
)
def test_invalid_dates_are_refused(value, message):
    """Strings that are not EDTF, and reversed intervals, raise DateError with the reason."""
    with pytest.raises(dates.DateError, match=message):
        dates.bounds(value)


@settings(max_examples=300, deadline=None)
@given(strategies.edtf_dates())
def test_earliest_is_never_after_latest(value):
    """For every valid EDTF date, earliest <= latest where both are known."""
    earliest, latest = dates.bounds(value)
    if earliest and latest:
        assert earliest <= latest


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 9999), st.integers(0, 99), st.integers(0, 32), st.sampled_from(["year", "month", "day"]))
def test_plain_dates_agree_with_the_edtf_package(year, month, day, precision):
    """The calendar fast path gives exactly what the edtf package gives, or refuses what it refuses."""
    import edtf

    value = f"{year:04d}" if precision == "year" else f"{year:04d}-{month:02d}"
    if precision == "day":
        value += f"-{day:02d}"
    try:
        parsed = edtf.parse_edtf(value)
        expected = tuple(dt.date(*t[:3]) for t in (parsed.lower_strict(), parsed.upper_strict()))
    except Exception:
        expected = None
    try:
        fast = dates._plain_bounds(value)
    except dates.DateError:
        fast = "refused"
    if fast is None:  # not a plain form (a season, year 0000): edtf decides, through bounds()
        return
    assert fast == ("refused" if expected is None else expected)
