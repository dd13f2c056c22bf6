"""How raw/ reads a plain (unquoted) YAML scalar, and which plain scalars it refuses.

A plain scalar is read as YAML 1.1 reads it (PyYAML's resolver: null, booleans, numbers),
except that timestamps stay text (dates are EDTF text). YAML 1.1 and YAML 1.2 (its core
schema, which most other tools now read) disagree on some plain scalars, so :func:`plain`
refuses the ones YAML 1.1 reads as a value other than text and YAML 1.2 reads otherwise
(a value raw/ would otherwise change silently for one of the two):

- leading zeros (``010`` is 8 in 1.1 and 10 in 1.2; ``007``, ``00.5`` too), sexagesimal
  numbers (``1:30`` is 90 in 1.1, text in 1.2), underscores (``1_000``), binary ``0b11``,
  ``yes``/``no``/``on``/``off`` (booleans in 1.1 only), and 1.1's ``<<`` and ``=``;
- hexadecimal ``0x1f`` (the same number in both, but text to JSON-schema readers, and
  1.1 also allows ``0x_1f``);
- integers outside 64 bits (a release's tables store int64), and numbers no reader keeps
  whole: numbers of more than :data:`MAX_DIGITS` digits (Python refuses to convert such
  integers, and converting them takes quadratic time) and decimals too large for a float
  (they would silently become infinity). A plain scalar longer than ``MAX_DIGITS + 64``
  characters is read without regular expressions: made only of the characters numbers
  are written with, it is refused as too long a number; otherwise it is text (no
  boolean or null is that long).

Plain scalars YAML 1.1 reads as text stay text, even where YAML 1.2 would read a number
(``08``, ``0o17``, ``1e5``, ``1.5e3``, ``-.5``) or the 1.1 specification a boolean (``y``,
``n``): PyYAML's emitter writes such strings unquoted, so refusing them would refuse the
files a YAML emitter writes; raw/ reads them as the text the emitter meant, and a field
that wants a number reports them as a wrong type. Forms both read alike stay allowed:
``12``, ``+12``, ``-3``, ``0``, ``1.5``, ``.5``, ``1.``, ``1.5e+3``, ``.inf``, ``.nan``,
``~``, ``null``, ``true``, ``False``, dates.

A refusal raises :class:`Refused`, whose message says how to write the value. The
reader turns it into a problem placed at the scalar. Any other reader of raw/ (a faster
one, say) must resolve plain scalars through :func:`plain` to read exactly the same.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

#: YAML 1.1's implicit types of plain scalars, by first character (PyYAML's resolver)
IMPLICIT = yaml.resolver.Resolver.yaml_implicit_resolvers
#: the longest number raw/ reads (Python's own default limit for int(str))
MAX_DIGITS = 4300
#: the largest integer raw/ reads: a release's tables store integers in 64 bits
INT64_MAX = 2**63 - 1

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_constructor = yaml.constructor.SafeConstructor()
_YAML11 = {
    "tag:yaml.org,2002:null": lambda value: None,
    "tag:yaml.org,2002:bool": lambda value: _constructor.bool_values[value.lower()],
    _INT: lambda value: _constructor.construct_yaml_int(yaml.ScalarNode(_INT, value)),
    _FLOAT: lambda value: _constructor.construct_yaml_float(yaml.ScalarNode(_FLOAT, value)),
}
#: the YAML 1.2 core schema's plain scalars (https://yaml.org/spec/1.2.2/#1032-tag-resolution)
_CORE = [
    (re.compile(r"(?:null|Null|NULL|~)?\Z"), lambda value: None),
    (re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z"), lambda value: value.lower() == "true"),
    (re.compile(r"[-+]?[0-9]+\Z"), int),
    (re.compile(r"0o[0-7]+\Z"), lambda value: int(value[2:], 8)),
    (re.compile(r"0x[0-9a-fA-F]+\Z"), lambda value: int(value[2:], 16)),
    (re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z"), float),
    (re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z"), lambda value: float(value.replace(".", "", 1))),
    (re.compile(r"\.(?:nan|NaN|NAN)\Z"), lambda value: math.nan),
]
_HEX = re.compile(r"[-+]?0x", re.IGNORECASE)
_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]")
#: the characters a number can be written with, in either version; what a number starts with
_NUMBER_CHARS = "0123456789abcdefABCDEFxob_:.+-"
_NUMBER_START = "0123456789.+-"
#: a plain scalar longer than this is read without regular expressions (bounded time)
_LONG = MAX_DIGITS + 64


class Refused(ValueError):
    """A plain scalar raw/ does not read; the message says how to write it."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def plain(value: str) -> Any:
    """The value of a plain scalar as raw/ reads it; raises :class:`Refused` (see the module)."""
    if value[:1] not in IMPLICIT:
        return value
    if value.isdigit() and value.isascii() and (value[0] != "0" or value == "0"):
        if len(value) > MAX_DIGITS:
            raise _too_long(value)
        number = int(value)  # the common case: a plain decimal
        if len(value) >= 19 and number > INT64_MAX:
            raise _too_large(value)
        return number
    if len(value) > _LONG:  # no boolean or null is this long: a number, or text to every reader
        if value[0] in _NUMBER_START and not value.strip(_NUMBER_CHARS):
            raise _too_long(value)
        return value
    if value in ("<<", "="):  # YAML 1.1's merge and value keys; text in YAML 1.2
        raise Refused("yaml-ambiguous", f"{value!r} is a special key in YAML 1.1 but text in YAML 1.2: quote it")
    old = _read_11(value)
    if isinstance(old, str):  # text to YAML 1.1, and so to PyYAML's emitter: kept as text
        return old
    new = _read_12(value)
    numbers = [reading for reading in (old, new) if _is_number(reading)]
    if numbers and _LEADING_ZERO.match(value):
        raise Refused(
            "yaml-ambiguous",
            f"{value!r} starts with a zero, which YAML readers disagree on (YAML 1.1 reads 010 as octal 8, YAML 1.2 as 10): "
            + _advice(numbers),
        )
    if not _same(old, new):
        boolean = any(isinstance(reading, bool) for reading in (old, new))
        raise Refused(
            "yaml-ambiguous",
            f"{_shown(value)} is {_what(old)} in YAML 1.1 but {_what(new)} in YAML 1.2: "
            + _advice(numbers, boolean=boolean),
        )
    if numbers and _HEX.match(value):
        raise Refused(
            "yaml-ambiguous",
            f"{value!r} is hexadecimal, which not every YAML reader reads as a number: " + _advice(numbers),
        )
    if type(old) is int and not -INT64_MAX - 1 <= old <= INT64_MAX:
        raise _too_large(value)
    check_float(value, old)
    return old


def check_float(value: str, number: Any) -> None:
    """Refuse a decimal too large for a float (read as infinity without saying so)."""
    if isinstance(number, float) and math.isinf(number) and "inf" not in value.lower():
        raise Refused(
            "out-of-range",
            f"{_shown(value)} is too large for a number (it would be read as infinity); quote it if it is text",
        )


def _read_11(value: str) -> Any:
    """What YAML 1.1 (PyYAML) reads, timestamps as text."""
    for tag, pattern in IMPLICIT.get(value[:1], ()):
        if pattern.match(value):
            construct = _YAML11.get(tag)
            if construct is None:
                return value
            if (tag in (_INT, _FLOAT)) and _digits(value) > MAX_DIGITS:
                raise _too_long(value)
            return construct(value)
    return value


def _read_12(value: str) -> Any:
    """What the YAML 1.2 core schema reads."""
    for pattern, construct in _CORE:
        if pattern.match(value):
            if _digits(value) > MAX_DIGITS:
                raise _too_long(value)
            return construct(value)
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _digits(value: str) -> int:
    return sum(map(value.count, "0123456789"))


def _same(old: Any, new: Any) -> bool:
    if type(old) is not type(new):
        return False
    if isinstance(old, float) and math.isnan(old):
        return math.isnan(new)
    return old == new


def _what(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "the boolean " + str(value).lower()
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    return "text"


def _advice(numbers: list, boolean: bool = False) -> str:
    advice = "quote it if it is text"
    if numbers:
        examples = " or ".join(dict.fromkeys(repr(number) for number in numbers))
        advice += f"; write a plain decimal ({examples}) if it is a number"
    if boolean:
        advice += "; write true or false if it is a yes/no value"
    return advice


def _shown(value: str) -> str:
    return repr(value) if len(value) <= 40 else repr(value[:20] + "..." + value[-10:]) + f" ({len(value):,} characters)"


def _too_large(value: str) -> Refused:
    return Refused(
        "out-of-range",
        f"{_shown(value)} is outside the 64-bit integers a release stores ({-INT64_MAX - 1} to {INT64_MAX}); "
        "quote it if it is text",
    )


def _too_long(value: str) -> Refused:
    return Refused(
        "out-of-range",
        f"{_shown(value)} is (or looks like) a number of {_digits(value):,} digits, more than the {MAX_DIGITS:,} raw/ reads; quote it if it is text",
    )
