"""Which fields refer to other records, and to which kind: derived once from the models.

An identifier type carries its prefix in its pattern (``^doc:...$``), so walking the
models' annotations finds every reference field, in lists and in nested entries
(``occurrences[*].capture``) too. The checks, the schema-problem codes and the table
columns all use what is derived here; nothing lists reference fields by hand.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, StringConstraints

from .models import RECORD_TYPES

#: id prefix -> record kind ("doc" -> "document")
PREFIX_KIND: dict[str, str] = {prefix: kind for kind, (_, _, prefix) in RECORD_TYPES.items()}
#: record kind -> id prefix ("document" -> "doc")
KIND_PREFIX: dict[str, str] = {kind: prefix for prefix, kind in PREFIX_KIND.items()}


def id_kind(annotation: Any) -> str | None:
    """The record kind an identifier type names (``DocumentId`` -> "document"), else None."""
    if get_origin(annotation) is not Annotated:
        return None
    for item in get_args(annotation)[1:]:
        pattern = getattr(item, "pattern", None) if isinstance(item, StringConstraints) else None
        if isinstance(pattern, str) and pattern.startswith("^") and ":" in pattern:
            return PREFIX_KIND.get(pattern[1:].split(":", 1)[0])
    return None


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(the annotation without None, whether it is a list)."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _unwrap(args[0])
        return annotation, False
    if origin is list:
        return get_args(annotation)[0], True
    return annotation, False


def _paths(model: type[BaseModel], skip_id: bool) -> list[tuple[tuple, str]]:
    """(path pattern, target kind) of every reference in a model; "*" stands for list items."""
    found: list[tuple[tuple, str]] = []
    for name, info in model.model_fields.items():
        if skip_id and name == "id":
            continue
        inner, is_list = _unwrap(info.annotation)
        if inner is str and info.metadata:  # an id type whose constraints pydantic moved to metadata
            inner = Annotated[(str, *info.metadata)]
        step = (name, "*") if is_list else (name,)
        kind = id_kind(inner)
        if kind is not None:
            found.append((step, kind))
        elif isinstance(inner, type) and issubclass(inner, BaseModel):
            found.extend((step + sub, target) for sub, target in _paths(inner, skip_id=False))
    return found


#: record kind -> (path pattern, target kind) of each reference it holds
REFERENCE_PATHS: dict[str, list[tuple[tuple, str]]] = {
    kind: _paths(model, skip_id=True) for kind, (model, _, _) in RECORD_TYPES.items()
}
#: names of the fields (at any depth) that hold identifiers, the records' own ``id`` included
ID_FIELDS: frozenset[str] = frozenset(
    {"id"} | {next(p for p in reversed(path) if p != "*") for paths in REFERENCE_PATHS.values() for path, _ in paths}
)
_KIND_OF_MODEL = {model: kind for kind, (model, _, _) in RECORD_TYPES.items()}


def _walk(value: Any, pattern: tuple, path: tuple, get) -> Iterator[tuple[tuple, Any]]:
    if not pattern:
        yield path, value
        return
    step, rest = pattern[0], pattern[1:]
    if step == "*":
        if isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                yield from _walk(item, rest, (*path, i), get)
        return
    found = get(value, step)
    if found is not None:
        yield from _walk(found, rest, (*path, step), get)


def _attribute(value: Any, name: str) -> Any:
    return getattr(value, name, None)


def _key(value: Any, name: str) -> Any:
    return value.get(name) if isinstance(value, dict) else None


def references(record: BaseModel) -> Iterator[tuple[tuple, str]]:
    """Every (path, id) a valid record refers to, in field order."""
    for pattern, _ in REFERENCE_PATHS.get(_KIND_OF_MODEL.get(type(record), ""), ()):
        for path, value in _walk(record, pattern, (), _attribute):
            if value is not None:
                yield path, value


def referenced_ids(record: BaseModel) -> list[str]:
    """Every id a valid record refers to: the values of ``references(record)``, in its order."""
    found: list[str] = []
    for collect in _COLLECTORS.get(type(record), ()):
        collect(record, found)
    return found


def _collector(pattern: tuple):
    """A function adding to a list every value ``_walk`` finds along ``pattern`` (None left out)."""
    if not pattern:

        def leaf(value, found: list) -> None:
            if value is not None:
                found.append(value)

        return leaf
    step, inner = pattern[0], _collector(pattern[1:])
    if step == "*":

        def items(value, found: list) -> None:
            if isinstance(value, (list, tuple)):
                for item in value:
                    inner(item, found)

        return items

    def attribute(value, found: list) -> None:
        part = getattr(value, step, None)
        if part is not None:
            inner(part, found)

    return attribute


#: model -> the collectors of its references, in the order of REFERENCE_PATHS
_COLLECTORS = {
    model: [_collector(pattern) for pattern, _ in REFERENCE_PATHS[kind]] for kind, (model, _, _) in RECORD_TYPES.items()
}


def raw_references(kind: str, data: Any) -> Iterator[tuple[tuple, str]]:
    """The (path, id) references of a record that failed its schema, as far as they are readable.

    Only values that look like identifiers are yielded: anything else has its schema problem.
    """
    for pattern, _ in REFERENCE_PATHS.get(kind, ()):
        for path, value in _walk(data, pattern, (), _key):
            if isinstance(value, str) and ":" in value and value.split(":", 1)[0] in PREFIX_KIND:
                yield path, value
