"""Plain YAML scalars mean the same to every reader: forms YAML 1.1 and 1.2 read differently
are refused with a message saying how to write the value, and huge numbers are problems."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from nato_corpus.curation import reader, scalars, yamlread
from nato_corpus.curation.validate import validate

# value -> what YAML 1.1 and YAML 1.2 (core schema) both read, from the two specifications
AGREED = {
    "12": 12,
    "+12": 12,
    "-3": -3,
    "0": 0,
    "-0": 0,
    "1.5": 1.5,
    ".5": 0.5,
    "1.": 1.0,
    "1.5e+3": 1500.0,
    "2.5E-2": 0.025,
    ".inf": math.inf,
    "-.inf": -math.inf,
    "~": None,
    "null": None,
    "NULL": None,
    "true": True,
    "False": False,
    "1994-11-28": "1994-11-28",  # a timestamp to YAML 1.1: raw/ keeps dates as EDTF text
    "actor:nato": "actor:nato",
    "nan": "nan",
    "0800-1200": "0800-1200",
    "1990s": "1990s",
    # text to YAML 1.1 (and written unquoted by PyYAML's emitter), so text here
    "08": "08",
    "0o17": "0o17",
    "1e5": "1e5",
    "1.5e3": "1.5e3",
    "-.5": "-.5",
    "y": "y",
    "N": "N",
}

# value -> (what the message must say, one way to write it that the message suggests)
AMBIGUOUS = {
    "010": "'010' starts with a zero, which YAML readers disagree on (YAML 1.1 reads 010 as octal 8, YAML 1.2 as 10): quote it if it is text; write a plain decimal (8 or 10)",
    "007": "write a plain decimal (7)",
    "-010": "write a plain decimal (-8 or -10)",
    "00.5": "'00.5' starts with a zero",
    "1:30": "'1:30' is the number 90 in YAML 1.1 but text in YAML 1.2: quote it if it is text; write a plain decimal (90) if it is a number",
    "190:20:30": "is the number 685230 in YAML 1.1",
    "1:30.5": "is the number 90.5 in YAML 1.1",
    "1_000": "'1_000' is the number 1000 in YAML 1.1 but text in YAML 1.2",
    "1_0.5": "is the number 10.5 in YAML 1.1",
    "0b101": "'0b101' is the number 5 in YAML 1.1 but text in YAML 1.2",
    "0x1f": "'0x1f' is hexadecimal, which not every YAML reader reads as a number: quote it if it is text; write a plain decimal (31)",
    "0x_1F": "is the number 31 in YAML 1.1 but text in YAML 1.2",
    "1.5_0e+3": "is the number 1500.0 in YAML 1.1 but text in YAML 1.2",
    "yes": "'yes' is the boolean true in YAML 1.1 but text in YAML 1.2: quote it if it is text; write true or false if it is a yes/no value",
    "NO": "'NO' is the boolean false in YAML 1.1 but text in YAML 1.2",
    "on": "'on' is the boolean true in YAML 1.1",
    "Off": "'Off' is the boolean false in YAML 1.1",
    "<<": "'<<' is a special key in YAML 1.1 but text in YAML 1.2: quote it",
    "=": "'=' is a special key in YAML 1.1 but text in YAML 1.2: quote it",
}


@pytest.mark.parametrize("value", sorted(AGREED))
def test_forms_both_versions_agree_on_are_read(value: str):
    """A plain scalar YAML 1.1 and 1.2 read alike is read as that value."""
    found = scalars.plain(value)
    assert type(found) is type(AGREED[value]) and found == AGREED[value]


@pytest.mark.parametrize("text", ["08", "0o17", "1e5", "-.5", "y", "N", "010", "yes", "1:30"])
def test_text_written_by_a_yaml_emitter_reads_back_unchanged(text: str):
    """Text PyYAML's emitter writes (unquoted or quoted as it sees fit) reads back as the same text."""
    data, _, _ = reader.parse_yaml(yaml.safe_dump({"summary": text}), "emitted.yaml")
    assert data == {"summary": text}


def test_nan_is_read_as_nan():
    """.nan is a float NaN in both versions, and read as one."""
    assert math.isnan(scalars.plain(".nan"))


@pytest.mark.parametrize("value", sorted(AMBIGUOUS))
def test_ambiguous_form_is_refused_with_advice(value: str):
    """A plain scalar YAML 1.1 and 1.2 read differently is refused, saying how to write it."""
    with pytest.raises(scalars.Refused) as refused:
        scalars.plain(value)
    assert refused.value.code == "yaml-ambiguous"
    assert AMBIGUOUS[value] in refused.value.message


def _relays(base_raw: Path, written: str) -> list:
    path = base_raw / "quotes" / "sample.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("relays: 1", f"relays: {written}", 1), encoding="utf-8")
    return [p for p in validate(base_raw).problems if p.file == path.as_posix()]


def test_leading_zero_in_raw_is_placed_at_the_value(base_raw: Path):
    """relays: 010 is reported at its line and column, never read as 8."""
    (problem,) = _relays(base_raw, "010")
    assert (problem.code, problem.line, problem.column) == ("yaml-ambiguous", 15, 11)
    assert "write a plain decimal (8 or 10)" in problem.message


def test_quoted_form_is_text_not_refused(base_raw: Path):
    """Quoting an ambiguous form makes it text: relays: '010' is a wrong type, not ambiguous."""
    (problem,) = _relays(base_raw, "'010'")
    assert problem.code == "wrong-type"


def test_huge_integer_in_raw_is_a_problem(base_raw: Path):
    """A 5,000-digit integer is an out-of-range problem at its place, not a crash."""
    (problem,) = _relays(base_raw, "9" * 5000)
    assert (problem.code, problem.line, problem.column) == ("out-of-range", 15, 11)
    assert (
        "is (or looks like) a number of 5,000 digits, more than the 4,300 raw/ reads; quote it if it is text"
        in problem.message
    )


def test_digit_limit_holds_when_python_has_none():
    """raw/'s digit limit is its own: lifting Python's int limit does not let 5,000 digits in."""
    previous = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        with pytest.raises(scalars.Refused, match="5,000 digits"):
            scalars.plain("-" + "1" * 5000)
    finally:
        sys.set_int_max_str_digits(previous)


def test_huge_decimal_is_not_read_as_infinity():
    """A decimal beyond float range is refused rather than silently read as infinity."""
    with pytest.raises(scalars.Refused) as refused:
        scalars.plain("1" * 400 + ".5")
    assert refused.value.code == "out-of-range"
    assert "too large for a number (it would be read as infinity)" in refused.value.message


def test_very_long_number_is_refused_without_regular_expressions():
    """A 2-million-digit decimal is refused by its length, with the digit count."""
    with pytest.raises(scalars.Refused, match="a number of 2,000,001 digits"):
        scalars.plain("1" * 2_000_000 + ".5")


def test_long_text_starting_with_a_digit_stays_text():
    """A long plain text that starts with a digit is text, whatever its length."""
    text = "1994 " + "was a year of talks " * 400
    assert scalars.plain(text) == text


@pytest.mark.parametrize(
    "written, code, message",
    [
        ("!!int 010", "yaml-ambiguous", "'010' starts with a zero"),
        ("!!bool yes", "yaml-ambiguous", "'yes' is the boolean true in YAML 1.1"),
        ("!!float 1e400", "out-of-range", "'1e400' is too large for a number (it would be read as infinity)"),
        ("!!int " + "7" * 4400, "out-of-range", "a number of 4,400 digits"),
        ("!!int abc", "yaml-unsupported", "'abc' is not a valid int"),
    ],
)
def test_tag_does_not_let_a_refused_form_in(base_raw: Path, written: str, code: str, message: str):
    """An explicit !!int, !!bool or !!float tag is refused on the same forms as a plain value."""
    (problem,) = _relays(base_raw, written)
    assert (problem.code, problem.line) == (code, 15)
    assert message in problem.message


def test_tagged_plain_decimal_is_read(base_raw: Path):
    """!!int 3 is still read as the number 3: the record validates."""
    assert _relays(base_raw, "!!int 3") == []


def test_ambiguous_key_is_refused(base_raw: Path):
    """A key is a plain scalar too: 'yes:' as a key is refused, not turned into 'True'."""
    path = base_raw / "actors" / "keys.yaml"
    path.write_text("- id: actor:keys\n  yes: 1\n", encoding="utf-8")
    (problem,) = [p for p in validate(base_raw).problems if p.file == path.as_posix()]
    assert (problem.code, problem.line, problem.column) == ("yaml-ambiguous", 2, 3)


def test_refusal_is_not_remembered_as_a_value(base_raw: Path):
    """A refused short scalar is refused again on the next read (the short-value memo keeps only values)."""
    for _ in range(2):
        with pytest.raises(reader.Refused):
            reader.parse_yaml("- 010\n", "x.yaml")
    assert "010" not in yamlread._SHORT_PLAIN


@pytest.mark.parametrize("loop", ["python", "c"])
def test_the_short_value_memo_stays_bounded_and_keeps_recent_values(monkeypatch, loop):
    """Once the memo of short values is full it starts again: it never holds more than its limit,
    and a value first read after it filled is remembered (it used to stop filling, so every value
    first seen late - at a million quotations, most dates and references - was resolved anew)."""
    fast = yamlread._fast_reader()
    if loop == "c" and fast is None:
        pytest.skip("the C reader is not built here (tests/test_yamlc.py says why)")
    read = (lambda text: yamlread._events(text, False)[0]) if loop == "python" else (lambda text: fast(text)[0])
    kept = yamlread._SHORT_KEPT
    monkeypatch.setattr(yamlread, "_SHORT_KEPT", 8)
    if loop == "c":  # the C loop keeps text itself (no call back): it is told the limit
        yamlread._load_extension()
    try:
        yamlread._SHORT_PLAIN.clear()
        for n in range(30):  # text alone (the C loop keeps it without calling back into Python)
            assert read(f"- id: quote:q{n}\n  note: word{n}\n") == [{"id": f"quote:q{n}", "note": f"word{n}"}]
            assert len(yamlread._SHORT_PLAIN) <= 8
        assert {"quote:q29", "word29"} <= set(yamlread._SHORT_PLAIN)
        for n in range(30):  # text and values of YAML's implicit types (resolved in Python)
            data = read(f"- id: quote:q{n}\n  day: 1994-11-{n % 28 + 1:02d}\n")
            assert data == [{"id": f"quote:q{n}", "day": f"1994-11-{n % 28 + 1:02d}"}]
            assert len(yamlread._SHORT_PLAIN) <= 8
        assert {"quote:q29", "1994-11-02"} <= set(yamlread._SHORT_PLAIN)
    finally:
        if loop == "c":
            monkeypatch.setattr(yamlread, "_SHORT_KEPT", kept)
            yamlread._load_extension()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789_:.+-eExobyYnN", min_size=1, max_size=12))
def test_accepted_number_shaped_text_reads_as_pyyaml_and_in_decimal(value: str):
    """A short number-shaped scalar is refused with a known code, or read as PyYAML reads it
    (dates as text) and, when a number, written in plain decimal."""
    try:
        found = scalars.plain(value)
    except scalars.Refused as refused:
        assert refused.code in {"yaml-ambiguous", "out-of-range"} and refused.message
        return
    loader = yaml.SafeLoader("")
    tag = loader.resolve(yaml.ScalarNode, value, (True, False))
    expected = value if tag.endswith(":timestamp") else loader.construct_object(yaml.ScalarNode(tag, value))
    if isinstance(expected, float) and math.isnan(expected):
        assert math.isnan(found)
    else:
        assert type(found) is type(expected) and found == expected
    if isinstance(found, (int, float)) and not isinstance(found, bool):
        assert not set(value) & set("_:xob") and not value.lstrip("+-").startswith(
            ("00", "01", "02", "03", "04", "05", "06", "07", "08", "09")
        )


@pytest.mark.parametrize(
    "value, accepted",
    [
        ("9223372036854775807", True),
        ("9223372036854775808", False),
        ("-9223372036854775808", True),
        ("-9223372036854775809", False),
    ],
)
def test_integers_are_read_within_64_bits(value: str, accepted: bool):
    """Integers are read up to the 64 bits a release stores; one beyond is refused, not left to crash the build."""
    if accepted:
        assert scalars.plain(value) == int(value)
    else:
        with pytest.raises(scalars.Refused, match="outside the 64-bit integers a release stores"):
            scalars.plain(value)


def test_count_beyond_64_bits_is_a_validation_problem(base_raw: Path):
    """relays: 99999999999999999999 is reported by validation (the build could not store it)."""
    (problem,) = _relays(base_raw, "99999999999999999999")
    assert (problem.code, problem.line, problem.column) == ("out-of-range", 15, 11)
