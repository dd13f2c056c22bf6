"""Property: any mutation of a valid record gives a report (clean or not), never an exception."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from conftest import BASE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import value_paths

from nato_corpus.curation.validate import validate
from nato_corpus.problems import RULES

FILES = [
    "quotes/sample.yaml",
    "documents/documents.yaml",
    "events/events.yaml",
    "actors/people.yaml",
    "captures/sample.yaml",
]
WEIRD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["", "unknown", "actor:minister", "doc:sample-page", "1994-11-28/1994-11-01", "https://", "Q0"]),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_mutation_gives_a_report(data):
    """Replace, delete or add any value anywhere in any record: validation reports, never raises."""
    name = data.draw(st.sampled_from(FILES))
    records = yaml.safe_load((BASE / name).read_text(encoding="utf-8"))
    paths = [p for p in value_paths(records) if p]
    path = data.draw(st.sampled_from(paths))
    action = data.draw(st.sampled_from(["replace", "delete", "add"]))
    parent = records
    for key in path[:-1]:
        parent = parent[key]
    if action == "replace":
        parent[path[-1]] = data.draw(WEIRD)
    elif action == "delete":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[data.draw(st.text(min_size=1, max_size=8))] = data.draw(WEIRD)
    else:
        parent.append(data.draw(WEIRD))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "raw"
        shutil.copytree(BASE, root)
        (root / name).write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")
        report = validate(root)
    # the report is consistent: its verdict follows its errors, every problem is a known rule
    # with a message and a place
    assert report.ok == (not any(p.severity == "error" for p in report.problems))
    assert all(p.code in RULES and p.message and p.file for p in report.problems)
    for problem in report.problems:
        assert problem.message and problem.code
