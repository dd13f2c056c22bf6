"""Schema errors in plain language: what a value should look like, never a regular expression.

``plain_reason(error)`` turns one of pydantic's errors into the reason a curator reads:
a pattern is described in words with an example ("an actor id: 'actor:' followed by
lower-case words joined by hyphens, like 'actor:bill-clinton'"), and a value of the
wrong type says how to write it (an unquoted 1994 where a date is expected: "write
dates as quoted strings: '1994'"). ``describe_pattern`` is the table of patterns;
every pattern of the record models has an entry (a test walks the models).
"""

from __future__ import annotations

from ..records.models import RECORD_TYPES, SLUG

_ID_EXAMPLES = {
    "capture": "capture:004_6eafe75497ea838c",
    "actor": "actor:bill-clinton",
    "doc": "doc:clinton-letter-yeltsin-1994-11-28",
    "event": "event:budapest-csce-summit",
    "quote": "quote:burns-note-really-pissed-off",
}
_ID_NAMES = {
    "capture": "a capture id",
    "actor": "an actor id",
    "doc": "a document id",
    "event": "an event id",
    "quote": "a quotation id",
}

#: every pattern of the record models -> what a matching value looks like, in words
PATTERNS: dict[str, str] = {
    **{
        f"^{prefix}:{SLUG}$": (
            f"{_ID_NAMES[prefix]}: '{prefix}:' followed by lower-case words (letters and digits) joined by "
            f"hyphens (or single '_' or '.'), like '{_ID_EXAMPLES[prefix]}'"
        )
        for _, _, prefix in RECORD_TYPES.values()
    },
    r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$": (
        "a language tag (BCP 47): two or three lower-case letters, like 'en', 'de' or 'ru', "
        "optionally followed by '-' and a region or script, like 'en-GB'; 'und' when not known"
    ),
    r"^[A-Za-z0-9_.-]+\.txt$": "a file name of letters, digits, '_', '.' or '-' ending in '.txt', like '004_6eafe75497ea838c.txt'",
    r"^[0-9a-f]{64}$": "64 lower-case hexadecimal digits (0-9, a-f): the SHA-256 of the file, as `sha256sum` prints it",
    r"^Q[1-9][0-9]*$": "a Wikidata item id: 'Q' followed by digits, like 'Q1124'",
    r"^[a-z0-9._-]+$": "lower-case letters, digits, '.', '_' or '-', like 'nato-corpus'",
    r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$": "a version MAJOR.MINOR.PATCH of three numbers, like '1.2.0'",
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "a day written YYYY-MM-DD, in quotes, like '2026-11-27'",
}

#: fields that hold dates (EDTF or YYYY-MM-DD)
DATE_FIELDS = frozenset({"date", "captured", "checked_on", "released"})


def describe_pattern(pattern: str) -> str:
    """What a value matching ``pattern`` looks like, in words (never the pattern itself)."""
    return PATTERNS.get(pattern, "a value of another form (see the field's description in schema/)")


def _field(error: dict) -> str:
    names = [part for part in error.get("loc", ()) if isinstance(part, str) and "[" not in part]
    return names[-1] if names else ""


def _shown(value) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def plain_reason(error: dict) -> str:
    """The reason for one pydantic error, in words a curator can act on."""
    kind, value, name = error["type"], error.get("input"), _field(error)
    ctx = error.get("ctx") or {}
    if kind == "string_pattern_mismatch":
        return f"expected {describe_pattern(ctx.get('pattern', ''))}"
    if kind == "literal_error" and "expected" in ctx:
        return f"expected one of {ctx['expected']}"
    if kind == "string_type":
        if value is None:
            return "the value is empty: write it after the colon, or remove the line if the field is optional"
        if isinstance(value, bool):
            return (
                f"YAML reads an unquoted yes, no, on, off, true or false as {str(value).lower()}: "
                "write the text in quotes, like 'no'"
            )
        if isinstance(value, (int, float)) and name in DATE_FIELDS:
            return f"write dates as quoted strings: '{value}'"
        if isinstance(value, (int, float)):
            return f"a number where text is expected: write it in quotes, like '{value}'"
        if isinstance(value, (list, dict)):
            return f"a {'list' if isinstance(value, list) else 'mapping'} where text is expected: write one text"
        return "expected text"
    if kind in ("int_type", "int_from_float", "int_parsing"):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return f"write the number without quotes: {value.strip()}"
        return "expected a whole number, without quotes, like 12"
    if kind == "bool_type":
        return "expected true or false, without quotes"
    if kind == "list_type":
        return "expected a list: [a, b] on one line, or one '- item' per line"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "expected a mapping of fields ('key: value' lines, indented under this one)"
    if kind == "string_too_short":
        return "the text is empty: write it, or remove the field if it is optional"
    if kind == "too_short":
        return f"the list needs at least {ctx.get('min_length', 1)} item(s)"
    return error.get("msg", "not accepted")
