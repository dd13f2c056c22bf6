"""The EDTF fast path (plain dates, qualifiers, intervals) agrees with the edtf package."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nato_corpus.records import dates
from nato_corpus.records.dates import fast_bounds


def _outcome(function, value):
    try:
        return "ok", function(value)
    except dates.DateError:
        return "DateError", None


years = st.one_of(st.integers(0, 9999), st.sampled_from([1, 1900, 1989, 1994, 1996, 2000, 9999])).map(
    lambda y: f"{y:04d}"
)
months = st.integers(0, 25).map(lambda m: f"{m:02d}")
days = st.integers(0, 32).map(lambda d: f"{d:02d}")
plain = st.one_of(years, st.tuples(years, months).map("-".join), st.tuples(years, months, days).map("-".join))
qualified = st.tuples(plain, st.sampled_from(["", "", "?", "~", "%"])).map("".join)
ends = st.one_of(qualified, st.sampled_from(["", ".."]))
values = st.one_of(qualified, st.tuples(ends, ends).map("/".join))


@settings(max_examples=600, deadline=None)
@given(values)
def test_fast_path_agrees_with_edtf(value):
    """Wherever the fast path answers, it gives the edtf path's bounds, or refuses as it does."""
    fast = _outcome(fast_bounds, value)
    if fast == ("ok", None):
        return  # left to edtf
    assert fast == _outcome(dates._edtf_bounds, value)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1994~", (dt.date(1994, 1, 1), dt.date(1994, 12, 31))),
        ("1994-12?", (dt.date(1994, 12, 1), dt.date(1994, 12, 31))),
        ("1994-09-27%", (dt.date(1994, 9, 27), dt.date(1994, 9, 27))),
        ("1994-09-27/1994-09-28", (dt.date(1994, 9, 27), dt.date(1994, 9, 28))),
        ("1994-11/..", (dt.date(1994, 11, 1), None)),
        ("1994-11/", (dt.date(1994, 11, 1), None)),
        ("../1995-02~", (None, dt.date(1995, 2, 28))),
    ],
)
def test_common_forms_take_the_fast_path(value, expected):
    """Qualified dates and intervals of plain dates are answered without the edtf parser."""
    assert fast_bounds(value) == expected


@pytest.mark.parametrize(
    "value", ["1994-21", "199X", "0000/1989-02", "1994-02-30~", "/", "../..", "-0100", "1994-09-27T10:00"]
)
def test_other_forms_are_left_to_edtf(value):
    """Seasons, unspecified digits, year 0000, impossible qualified days and bare ends go to edtf."""
    assert fast_bounds(value) is None


def test_interval_ending_before_it_starts_is_refused():
    """An interval of plain dates that ends before it starts is a DateError naming it."""
    with pytest.raises(dates.DateError, match="'1995/1994' ends before it starts"):
        fast_bounds("1995/1994")
