"""indented_json: the text of ``json.dumps(value, indent=n, sort_keys=True, ensure_ascii=False)``, faster.

Python's json module encodes indented JSON in pure Python (its C encoder ignores
``indent`` before Python 3.13), one generator step per token. The release writes
tens of megabytes of it (annotations, provenance, a JSON-LD block on every site page),
so this walks the containers in one recursive function, writing a scalar member with
its key and separators in one piece, and leaves strings to the C escaper json uses.
The text is the same, character for character; a value this does not cover (a key
that is not a string, a type json would pass to ``default``) goes to json.dumps.
"""

from __future__ import annotations

import json
import sys
from json.encoder import encode_basestring

__all__ = ["indented_json"]

_FLOAT = float.__repr__
_INT = int.__repr__


class _Unusual(Exception):
    """A value json.dumps encodes its own way (or refuses): let it."""


def indented_json(value, indent: int = 2) -> str:
    """``json.dumps(value, indent=indent, sort_keys=True, ensure_ascii=False)``, the same text."""
    out: list[str] = []
    try:
        _encode(value, "\n", " " * indent, out)
    except (_Unusual, RecursionError, TypeError):
        return json.dumps(value, indent=indent, sort_keys=True, ensure_ascii=False)
    return "".join(out)


if sys.version_info >= (3, 13):  # json's C encoder writes indented JSON itself, faster than the walk

    def indented_json(value, indent: int = 2) -> str:
        """``json.dumps(value, indent=indent, sort_keys=True, ensure_ascii=False)``."""
        return json.dumps(value, indent=indent, sort_keys=True, ensure_ascii=False)


def _encode(value, newline: str, step: str, out: list[str]) -> None:
    kind = value.__class__
    if kind is str:
        out.append(encode_basestring(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + step
        opening = "{" + inner
        for key in sorted(value):
            if key.__class__ is not str:
                raise _Unusual
            item = value[key]
            if item.__class__ is str:  # most members: no call for the leaf
                out.append(opening + encode_basestring(key) + ": " + encode_basestring(item))
            else:
                leaf = _leaf(item)
                if leaf is None:
                    out.append(opening + encode_basestring(key) + ": ")
                    _encode(item, inner, step, out)
                else:
                    out.append(opening + encode_basestring(key) + ": " + leaf)
            opening = "," + inner
        out.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = newline + step
        opening = "[" + inner
        for item in value:
            if item.__class__ is str:
                out.append(opening + encode_basestring(item))
            else:
                leaf = _leaf(item)
                if leaf is None:
                    out.append(opening)
                    _encode(item, inner, step, out)
                else:
                    out.append(opening + leaf)
            opening = "," + inner
        out.append(newline + "]")
    else:
        leaf = _leaf(value)
        if leaf is None:
            raise _Unusual
        out.append(leaf)


def _leaf(value) -> str | None:
    """The JSON of a string, number, boolean or null; None for a container (or anything else)."""
    kind = value.__class__  # (strings are written by the callers)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return _INT(value)
    if kind is float:
        if value != value or value in (float("inf"), float("-inf")):
            raise _Unusual  # NaN and infinities: json's own spelling
        return _FLOAT(value)
    if kind is dict or kind is list or kind is tuple:
        return None
    raise _Unusual
