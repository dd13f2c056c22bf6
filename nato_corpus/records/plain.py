"""Records checked as plain data, without pydantic: a quick yes for records their model accepts.

``accepts(kind)`` gives a function that says True only for a record (a mapping as read
from YAML) that its model accepts; False means "not sure", not "invalid": the caller then
asks the model, which decides and explains. It never says True for a record the model
refuses (tests/test_plain.py holds it to that, against the models, on generated records
both valid and broken). A valid corpus is so checked without importing pydantic at all.

The shapes are the models' own (``_shapes``, generated from them); a value is checked by
the same functions the models call (``http_url``, ``dates.check``); a model's own
validator is repeated here (``_VALIDATORS``), and a model with one this module does not
know is never accepted. The models are strict, so a record they accept is the very
mapping they keep (no value converted): facts taken from it (``references``,
``defaults``) are those of the model.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from . import dates
from ._shapes import KINDS, MODELS, REFERENCES
from .kinds import CHECKED_STATUSES

#: a lone surrogate: Python strings may hold one, pydantic refuses them ("string_unicode")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: any white space: the same characters as str.isspace (tests/test_models.py checks every one)
_SPACE = re.compile(r"\s")


#: the common case, answered without urlsplit: http(s), a host of ASCII letters, digits, dots and
#: hyphens (and a port), then printable ASCII only; urlsplit splits every such value with that
#: scheme and host and raises nothing, so it is a yes (tests/test_plain.py compares the two)
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]*)?(?:[/?#][!-~]*)?")


def http_url(value: str) -> bool:
    """Whether ``value`` is an absolute http(s) URL with no spaces (urlsplit's ValueError passes on)."""
    return _PLAIN_URL.fullmatch(value) is not None or _split_url(value)


def _split_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and _SPACE.search(value) is None


def _url(value: str) -> bool:
    try:
        return http_url(value)
    except ValueError:  # the model reports it (as urlsplit words it)
        return False


def _date(value: str) -> bool:
    try:
        dates.check(value)
    except Exception:  # the model decides, and says why
        return False
    return True


_VALUE_CHECKS = {"url": _url, "edtf": _date}

#: the models' own validators (mode="after": each sees a record whose fields are valid)
_VALIDATORS: dict[str, Callable[[dict], bool]] = {
    "Verification._names_what_was_checked": lambda value: (
        not (value["status"] in CHECKED_STATUSES and not value.get("checked_against"))
    ),
}


def accepts(kind: str) -> Callable[[Any], bool]:
    """The check of a record kind ("quote", ..., or "corpus" for corpus.yaml): True only when its model accepts."""
    return _model("Corpus" if kind == "corpus" else KINDS[kind])


def defaults(kind: str) -> dict[str, Any]:
    """The values a record of ``kind`` has for the fields it leaves out (do not change them)."""
    return MODELS[KINDS[kind]]["defaults"]


@cache
def _model(name: str) -> Callable[[Any], bool]:
    shape = MODELS[name]
    fields = {field: _node(node) for field, node in shape["fields"].items()}
    names = frozenset(fields)
    required = shape["required"]
    rules = [_VALIDATORS.get(rule) for rule in shape["validators"]]
    if None in rules:  # a validator this module cannot repeat: only the model decides
        return lambda value: False
    items = dict.items

    def check(value: Any) -> bool:
        if type(value) is not dict or not names.issuperset(value):
            return False
        for name in required:
            if name not in value:
                return False
        for name, item in items(value):
            if not fields[name](item):
                return False
        return all(rule(value) for rule in rules)

    return check


def _node(node: tuple) -> Callable[[Any], bool]:
    tag = node[0]
    if tag == "str":
        _, least, pattern, name = node
        if pattern is None and name is None:
            if not least:
                return lambda value: type(value) is str and (value.isascii() or _SURROGATE.search(value) is None)
            return lambda value: (
                type(value) is str and len(value) >= least and (value.isascii() or _SURROGATE.search(value) is None)
            )
        match = re.compile(pattern).fullmatch if pattern is not None else None  # the whole value, as the models
        verify = _VALUE_CHECKS[name] if name is not None else None

        def text(value: Any) -> bool:
            return (
                type(value) is str
                and (value.isascii() or _SURROGATE.search(value) is None)
                and len(value) >= least
                and (match is None or match(value) is not None)
                and (verify is None or verify(value))
            )

        return text
    if tag == "int":
        ge = node[1]
        if ge is None:
            return lambda value: type(value) is int
        return lambda value: type(value) is int and value >= ge
    if tag == "bool":
        return lambda value: type(value) is bool
    if tag == "lit":
        values = frozenset(node[1])
        kind = type(node[1][0])
        return lambda value: type(value) is kind and value in values
    if tag == "none":
        return lambda value: value is None
    if tag == "any":
        options = [_node(option) for option in node[1]]
        return lambda value: any(option(value) for option in options)
    if tag == "list":
        item, least = _node(node[1]), node[2]
        return lambda value: type(value) is list and len(value) >= least and all(map(item, value))
    if tag == "dict":
        key, item = _node(node[1]), _node(node[2])
        return lambda value: type(value) is dict and all(key(k) and item(v) for k, v in value.items())
    if tag == "model":
        name = node[1]
        return lambda value: _model(name)(value)
    raise ValueError(f"unknown shape {node!r}")


@cache
def references(kind: str) -> Callable[[dict], list[str]]:
    """A function giving every id a record of ``kind`` (one its model accepted) names, in field order.

    The same ids as ``refs.referenced_ids`` of the model (tests/test_plain.py).
    """
    collectors = [_collector(path) for path in REFERENCES[kind]]

    def found(value: dict) -> list[str]:
        ids: list[str] = []
        for collect in collectors:
            collect(value, ids)
        return ids

    return found


def _collector(path: tuple) -> Callable[[Any, list], None]:
    if not path:

        def leaf(value: Any, found: list) -> None:
            if value is not None:
                found.append(value)

        return leaf
    step, inner = path[0], _collector(path[1:])
    if step == "*":

        def items(value: Any, found: list) -> None:
            for item in value:
                inner(item, found)

        return items

    def key(value: Any, found: list) -> None:
        part = value.get(step)
        if part is not None:
            inner(part, found)

    return key
