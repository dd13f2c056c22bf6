"""UTF-16 offsets (what JavaScript counts) of code-point offsets."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from nato_corpus.release.standards._common import utf16_offset


@given(st.text(), st.data())
def test_utf16_offset_counts_two_units_beyond_the_basic_plane(text, data):
    """Each code point before the offset counts one unit, or two when it lies beyond U+FFFF."""
    index = data.draw(st.integers(0, len(text)))
    assert utf16_offset(text, index) == sum(2 if ord(ch) > 0xFFFF else 1 for ch in text[:index])


def test_utf16_offset_of_an_emoji():
    """An emoji (U+1F600) shifts the offsets after it by one unit."""
    assert utf16_offset("a\U0001f600b", 2) == 3
