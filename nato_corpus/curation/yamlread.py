"""YAML as raw/ writes it: libyaml's event stream assembled into plain values with positions.

Every key and value keeps its line and column, duplicate keys are caught (YAML itself
would keep the last silently), and aliases, tags, complex keys and deep nesting are
refused before they can expand, construct objects or exhaust the stack. Plain scalars
resolve through :mod:`.scalars` (YAML 1.1 as PyYAML reads it, timestamps kept as text,
and the forms YAML 1.1 and 1.2 read differently refused).

The same loop runs in C (``_yamlc.c``, built at install by hatch_build.py) for the common
case, reading a file whose records are later checked (no positions): it hands anything
unusual (tags, aliases, duplicate keys, refused scalars, syntax errors, deep nesting) back
to the Python loop here, which reads the whole file again and explains the problem, and it
resolves plain scalars with this module's own resolvers. Without a built extension, or with
``NATO_CORPUS_PURE_PYTHON=1``, the Python loop reads everything, with the same results.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import Any

import yaml

from ..errors import UsageError
from ..problems import Problem
from . import scalars

#: set to 1 to read raw/ with the Python loop only (0 or unset: the C reader when built)
PURE_PYTHON = "NATO_CORPUS_PURE_PYTHON"

#: the deepest nesting of collections raw/ allows
MAX_DEPTH = 32


class Refused(Exception):
    """A file that cannot be read as raw/ YAML; ``problem`` says why and where."""

    def __init__(self, problem: Problem):
        self.problem = problem


_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_constructor = yaml.constructor.SafeConstructor()
_SCALARS = {
    "tag:yaml.org,2002:null": lambda node: None,
    "tag:yaml.org,2002:bool": _constructor.construct_yaml_bool,
    "tag:yaml.org,2002:int": _constructor.construct_yaml_int,
    "tag:yaml.org,2002:float": _constructor.construct_yaml_float,
}
_STANDARD = {_STR, _TIMESTAMP, "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "!", *_SCALARS}
#: YAML 1.1's implicit types of plain scalars, by first character (PyYAML's Resolver)
_IMPLICIT = scalars.IMPLICIT
_NO_KEY = object()
#: short plain scalars (keys, ids, codes, numbers) as read before: they repeat, so one copy each.
#: At _SHORT_KEPT entries it is emptied and starts again: memory stays bounded, and the values
#: that recur (keys, dates, references) are back in it at once, while the ids each record
#: names once pass through (a cache that stopped filling instead missed every value first
#: seen after it filled: at a million quotations, most dates and references)
_SHORT_PLAIN: dict[str, Any] = {}
_SHORT = 80
_SHORT_KEPT = 200_000

#: a plain (unquoted) scalar as raw/ reads it: YAML 1.1, timestamps as text, ambiguous forms
#: refused (raises scalars.Refused)
_plain = scalars.plain


def _short_plain(value: str) -> Any:
    found = _plain(value) if value[:1] in _IMPLICIT else sys.intern(value)
    if len(_SHORT_PLAIN) >= _SHORT_KEPT:
        _SHORT_PLAIN.clear()  # the same dict: the C reader holds it too
    _SHORT_PLAIN[value] = found
    return found


def _tagged(tag: str, value: str, event) -> Any:
    """A scalar with an explicit standard tag (!!int 3, !!str 3); the value is read as a plain
    scalar first, so a tag never lets through a form raw/ refuses unquoted."""
    if tag in (_STR, _TIMESTAMP, "!"):
        return value
    constructor = _SCALARS.get(tag)
    try:
        if constructor is None:
            raise ValueError(tag)
        _plain(value)
        found = constructor(yaml.ScalarNode(tag, value))
        scalars.check_float(value, found)  # !!float 1e400
        return found
    except scalars.Refused as refused:
        raise _refuse(refused.code, refused.message, event) from None
    except (ValueError, KeyError, TypeError):
        raise _refuse(
            "yaml-unsupported", f"{value!r} is not a valid {tag.rsplit(':', 1)[-1]}; write a plain value", event
        ) from None


def _mark(event) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


def _refuse(code: str, message: str, event) -> Refused:
    line, column = _mark(event)
    return Refused(Problem.of(code, message, line=line, column=column))


def parse_yaml(text: str, file: str) -> tuple[Any, dict, dict]:
    """Parse one YAML document into Python values and the positions of every value and key.

    Returns (data, values, keys) where values/keys map a path (tuple of keys and
    indices from the top) to (line, column). Raises Refused with a Problem.
    """
    data, values, keys, _ = _parse(text, file, positions=True)
    return data, values, keys


def _parse(text: str, file: str, positions: bool) -> tuple[Any, dict | None, dict | None, list]:
    """The one event loop behind every YAML read: libyaml's events, assembled here.

    Returns (data, values, keys, items): ``items`` holds the (line, column) of each item
    of a top-level list (the records); ``values`` and ``keys`` are None unless
    ``positions``. A refusal found without positions is found again with them, so its
    message can say where the first of two duplicate keys stands.
    """
    if not positions:
        fast = _fast_reader()
        if fast is not None and (found := fast(text)) is not None:
            return found[0], None, None, found[1]
    try:
        return _events(text, positions)
    except Refused as refused:
        if not positions:
            return _parse(text, file, positions=True)
        problem = refused.problem
        raise Refused(
            Problem.of(problem.code, problem.message, file=file, line=problem.line, column=problem.column)
        ) from None
    except yaml.MarkedYAMLError as exc:
        deep = _flow_depth_beyond(text, MAX_DEPTH - 1)  # the document's own top level is one
        if deep is not None:  # libyaml may stop deep nesting before our own count does
            raise Refused(
                Problem.of(
                    "yaml-unsupported",
                    f"nesting deeper than {MAX_DEPTH} levels",
                    file=file,
                    line=deep[0],
                    column=deep[1],
                )
            ) from None
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        if "tab character" in message:
            message += " (indent with spaces: YAML does not allow tabs for indentation)"
        raise Refused(
            Problem.of(
                "yaml-syntax",
                message or "not valid YAML",
                file=file,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
            )
        ) from None
    except yaml.YAMLError as exc:  # reader errors (control characters) carry a position too
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if position is not None else None
        raise Refused(Problem.of("yaml-syntax", str(exc).splitlines()[0], file=file, line=line)) from None


def _flow_depth_beyond(text: str, limit: int) -> tuple[int, int] | None:
    """The (line, column) where brackets ([ {) outside quotes first nest deeper than ``limit``.

    Our own count, independent of libyaml's messages: used only once libyaml has refused
    the file, to say that nesting (not a typo) is the reason.
    """
    depth, line, column, quote = 0, 1, 0, ""
    for char in text:
        column += 1
        if char == "\n":
            line, column = line + 1, 0
        elif quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > limit:
                return line, column
        elif char in "]}":
            depth = max(0, depth - 1)
    return None


def _events(text: str, positions: bool) -> tuple[Any, dict | None, dict | None, list]:
    values: dict | None = {} if positions else None
    keys: dict | None = {} if positions else None
    items: list[tuple[int, int]] = []
    # the open container, whether it is a mapping, the key waiting for its value, its path
    container: Any = None
    is_map = False
    key: Any = _NO_KEY
    path: tuple = ()
    stack: list[tuple] = []  # the enclosing frames
    root: Any = None
    documents = 0
    get_event = yaml.CSafeLoader(text).get_event
    while (event := get_event()) is not None:
        kind = event.__class__
        if kind is yaml.ScalarEvent:
            tag = event.tag
            value = event.value
            if tag is None or tag == "!":
                if event.implicit[0] and not event.style:  # plain: maybe a number, a boolean, null
                    try:
                        if len(value) < _SHORT:
                            known = _SHORT_PLAIN.get(value, _NO_KEY)
                            value = _short_plain(value) if known is _NO_KEY else known
                        elif value[:1] in _IMPLICIT:
                            value = _plain(value)
                    except scalars.Refused as refused:
                        raise _refuse(refused.code, refused.message, event) from None
            elif tag in _STANDARD:
                value = _tagged(tag, value, event)
            else:
                raise _refuse("yaml-unsupported", f"tag {tag!r} is not allowed; write a plain value", event)
            opened = False
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.tag and event.tag not in _STANDARD:
                raise _refuse("yaml-unsupported", f"tag {event.tag!r} is not allowed; write a plain value", event)
            if len(stack) >= MAX_DEPTH:
                raise _refuse("yaml-unsupported", f"nesting deeper than {MAX_DEPTH} levels", event)
            value = {} if kind is yaml.MappingStartEvent else []
            opened = True
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            container, is_map, key, path = stack.pop()
            continue
        elif kind is yaml.AliasEvent:
            raise _refuse("yaml-unsupported", f"alias *{event.anchor} is not allowed; write the value out", event)
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _refuse("yaml-syntax", "more than one YAML document ('---') in one file", event)
            continue
        else:
            continue
        # put the value in its place
        if not stack:
            root, child = value, None
            if positions:
                values[()] = _mark(event)
        elif is_map:
            if key is _NO_KEY:  # this value is a key
                if opened:
                    raise _refuse("yaml-unsupported", "a key must be a plain value, not a list or mapping", event)
                if not isinstance(value, str):
                    value = str(value) if value is not None else "null"
                if value in container:
                    first = keys.get(path + (value,), ("?", "?")) if positions else ("?", "?")
                    raise _refuse(
                        "yaml-duplicate-key",
                        f"key {value!r} appears twice in one mapping (first at line {first[0]})",
                        event,
                    )
                key = value
                if positions:
                    keys[path + (value,)] = _mark(event)
                continue
            container[key] = value
            child, key = key, _NO_KEY
        else:
            child = len(container)
            container.append(value)
            if len(stack) == 1:  # an item of the top-level list: a record
                items.append(_mark(event))
        if positions and child is not None:
            values[path + (child,)] = _mark(event)
        if opened:
            stack.append((container, is_map, key, path))
            container, is_map, key = value, kind is yaml.MappingStartEvent, _NO_KEY
            if positions and child is not None:
                path = path + (child,)
    return root, values, keys, items


_FAST: list = []  # [the C reader's read(), or None], decided on first use


def _fast_reader():
    """The C reader's ``read``, configured with this module's resolvers; None when it is not
    built, not built from this source, cannot bind PyYAML's libyaml, or is turned off."""
    if _FAST:
        return _FAST[0]
    wanted = os.environ.get(PURE_PYTHON, "").strip()
    if wanted not in ("", "0", "1"):
        raise UsageError(f"{PURE_PYTHON}={wanted[:40]!r}: expected 1 (read YAML in Python only) or 0")
    _FAST.append(None if wanted == "1" else _load_extension())
    return _FAST[0]


def _load_extension():
    try:
        from . import _yamlc
    except ImportError:
        return None
    source = Path(__file__).with_name("_yamlc.c")
    try:  # a build left from older source never stands in for this one
        current = hashlib.sha256(source.read_bytes()).hexdigest() == _yamlc.SOURCE_DIGEST
    except OSError:
        current = True  # installed without its source: the wheel built them together
    if not current:
        return None
    _yamlc.configure(_SHORT_PLAIN, _short_plain, _plain, _IMPLICIT, _SHORT, _SHORT_KEPT, MAX_DEPTH)
    return _yamlc.read


def reader_identity() -> str:
    """Which loop reads raw/ and from what source, with libyaml's version (for the cache's fingerprint)."""
    try:
        from yaml._yaml import get_version_string

        libyaml = get_version_string()
    except ImportError:
        libyaml = "none"
    if _fast_reader() is None:
        return f"python; libyaml {libyaml}"
    from . import _yamlc

    return f"c {_yamlc.SOURCE_DIGEST}; libyaml {libyaml}"


def reader_in_use() -> str:
    """Which loop reads raw/ files: "c" or "python" (for reports and benchmarks)."""
    return "c" if _fast_reader() is not None else "python"
