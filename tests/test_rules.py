"""Each rule code of the validator has a committed bad example that triggers it.

A case in tests/data/invalid/<code>.yaml breaks the base corpus in one way and says
which problem must be reported: its code, file, line, column and message.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import INVALID, apply_edits, load_case

from nato_corpus.curation.validate import validate
from nato_corpus.problems import RULES

CASES = sorted(INVALID.glob("*.yaml"))


def test_base_corpus_is_clean(base_raw: Path):
    """The corpus the cases break is itself free of problems."""
    report = validate(base_raw)
    assert report.problems == []
    assert report.counts == {"actor": 3, "capture": 1, "document": 2, "event": 1, "quote": 1}


def test_every_raw_rule_has_a_case():
    """Every rule code that raw/ can break has its example in tests/data/invalid/."""
    raw_codes = {code for code, rule in RULES.items() if rule.layer != "release"}
    assert raw_codes == {case.stem for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_case_reports_its_problem(case: Path, base_raw: Path):
    """The broken corpus reports the case's code at the case's file, line and column, with its message."""
    spec = load_case(case)
    apply_edits(base_raw, spec["edits"])
    report = validate(base_raw)
    expect = spec["expect"]
    found = [p for p in report.problems if p.code == expect["code"]]
    assert found, f"{expect['code']} not reported; got {[(p.code, p.message) for p in report.problems]}"
    wanted = (base_raw / expect["file"]).as_posix()
    matches = [
        p
        for p in found
        if p.file == wanted
        and p.line == expect.get("line", p.line)
        and p.column == expect.get("column", p.column)
        and expect["message"] in p.message
    ]
    assert matches, f"expected {expect}; got {found}"
    problem = matches[0]
    assert problem.severity == RULES[problem.code].severity
    assert problem.hint == RULES[problem.code].hint
    assert report.ok is (problem.severity == "warning" and not report.errors)
