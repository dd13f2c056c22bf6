"""EDTF years a Python date cannot hold (0000 is 1 BC) are invalid dates, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import apply_edits

from nato_corpus.curation.validate import validate
from nato_corpus.records import dates

YEAR_ZERO = ["0000%/1989-02", "0000/1989-02", "1989-02/0000~", "../0000", "0000"]


@pytest.mark.parametrize("value", YEAR_ZERO)
def test_year_zero_is_a_date_error(value):
    """bounds() raises DateError naming the value and the years it can date, not a bare ValueError."""
    with pytest.raises(dates.DateError) as caught:
        dates.bounds(value)
    message = str(caught.value)
    assert repr(value) in message
    assert "0001-9999" in message and "'unknown'" in message


def test_year_zero_interval_is_reported_as_invalid_date(base_raw: Path):
    """A quote dated 0000%/1989-02 is one invalid-date problem at the date, with the reason."""
    apply_edits(base_raw, [{"file": "quotes/sample.yaml", "old": "  date: 1994-11-28", "new": "  date: 0000%/1989-02"}])
    report = validate(base_raw)
    found = [(p.code, p.line, p.column) for p in report.problems if p.file.endswith("quotes/sample.yaml")]
    assert found == [("invalid-date", 6, 9)]
    (problem,) = [p for p in report.problems if p.code == "invalid-date"]
    assert "'0000%/1989-02' reaches outside the years 0001-9999" in problem.message
