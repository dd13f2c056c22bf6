"""indented_json writes the same text as json.dumps(indent=n, sort_keys=True, ensure_ascii=False)."""

from __future__ import annotations

import json
import math

import pytest
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from nato_corpus.release._json import indented_json

_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.sampled_from(["", "</script>", "\u2028", "caf\u00e9", "\ud800", '"\\\n\t', "\x00\x1f"])
)
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: (
        st.lists(inner, max_size=5) | st.tuples(inner, inner) | st.dictionaries(st.text(max_size=6), inner, max_size=5)
    ),
    max_leaves=40,
)


def _dumps(value, indent: int) -> str:
    return json.dumps(value, indent=indent, sort_keys=True, ensure_ascii=False)


@settings(max_examples=200, deadline=None)
@given(value=_VALUES, indent=st.sampled_from([1, 2, 4]))
def test_same_text_as_json_dumps(value, indent):
    """Any nesting of dicts, lists, tuples, strings, numbers, booleans and null: the same text."""
    assert indented_json(value, indent) == _dumps(value, indent)


@pytest.mark.parametrize(
    "value",
    [
        {1: "a", 2: "b"},  # keys json converts
        {"a": {True: None}},
        [1.5, math.nan, -math.inf],
        {"n": 10**30, "b": [True, False, None]},
        [[], {}, [[]], {"a": {}}],
        "plain",
        7,
    ],
)
def test_unusual_values_match(value):
    """Keys json converts, NaN and infinities, big integers, empty containers: the same text."""
    assert indented_json(value) == _dumps(value, 2)


def test_refusals_are_json_refusals():
    """What json.dumps refuses (a set, mixed keys it cannot sort, a cycle), indented_json refuses alike."""
    cycle: list = []
    cycle.append(cycle)
    for value, error in (({1, 2}, TypeError), ({"a": 1, 2: 3}, TypeError), (cycle, ValueError)):
        with pytest.raises(error) as expected:
            _dumps(value, 2)
        with pytest.raises(error) as got:
            indented_json(value)
        assert str(got.value) == str(expected.value)


@pytest.mark.parametrize("name", ["annotations.jsonld", "provenance.jsonld", "croissant.json", "dataset.jsonld"])
def test_the_published_release_files_match(name):
    """The sorted JSON files of the published release 1.1.0 encode back to their own bytes."""
    text = (REPO / "dist" / "1.1.0" / name).read_text(encoding="utf-8")
    assert indented_json(json.loads(text), 2) + "\n" == text
