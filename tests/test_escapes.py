"""Turtle IRIs and CSV cells are escaped exactly as the release's formats require."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from nato_corpus.release.exports.csv_package import _cells
from nato_corpus.release.standards.provenance import _turtle_iri

_TEXT = st.text(alphabet=st.sampled_from(list('ab <>"{}|^`\\,\n\r\té€:/')), max_size=12)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_turtle_iri_escapes_each_forbidden_character(value):
    """An IRI outside the known prefixes: each of <>"{}|^`\\ and space as \\uXXXX, the rest as is."""
    iri = "http://example.org/" + value
    expected = "<" + "".join(f"\\u{ord(ch):04X}" if ch in '<>"{}|^`\\ ' else ch for ch in iri) + ">"
    assert _turtle_iri(iri) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.none() | _TEXT, max_size=8))
def test_csv_cells_quote_only_what_needs_it(values):
    """A cell with , " or a line break is quoted with its quotes doubled; null is empty; others as is."""
    expected = [
        "" if v is None else ('"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\n\r') else v) for v in values
    ]
    assert _cells(pa.chunked_array([pa.array(values, pa.string())]), "string") == expected
