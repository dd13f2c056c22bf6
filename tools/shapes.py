"""Generate nato_corpus/records/_shapes.py: the record models as plain data.

`python -m tools.shapes` rewrites it from nato_corpus/records/models.py (and the reference
paths of nato_corpus/records/refs.py); tests/test_plain.py fails when it is stale. Any
annotation, constraint or validator this does not know stops the generation: the plain
checker (nato_corpus/records/plain.py) must never accept what a model refuses, so it is
taught each new kind of constraint before the file can be made again.
"""

from __future__ import annotations

import pprint
import sys
import types
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

TARGET = Path(__file__).resolve().parents[1] / "nato_corpus" / "records" / "_shapes.py"

HEADER = '''"""The record models as plain data, generated from models.py by `python -m tools.shapes`: do not edit.

``plain`` checks records against these shapes without pydantic; tests/test_plain.py fails
when this file no longer matches the models. A node is a tuple: ("str", min_length,
pattern, check), ("int", ge), ("bool",), ("lit", values) (all str or all int), ("none",),
("any", nodes), ("list", item, min_length), ("dict", key, value) or ("model", name); a
check is "url" or "edtf" (the models' after-validators of those names).
"""

'''


class Unknown(Exception):
    """An annotation or constraint the plain checker does not know."""


def _checks() -> dict:
    from nato_corpus.records import models

    return {models._url: "url", models._edtf: "edtf"}


def node(annotation: Any, metadata: list) -> tuple:
    """The shape of one annotation with its constraints."""
    from pydantic import BaseModel, StringConstraints
    from pydantic.functional_validators import AfterValidator

    if get_origin(annotation) is Annotated:
        base, *extra = get_args(annotation)
        flat = []
        for item in extra:  # Field(...) inside Annotated carries its constraints as metadata
            flat.extend(getattr(item, "metadata", None) or [item] if type(item).__name__ == "FieldInfo" else [item])
        return node(base, [*flat, *metadata])
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        if metadata:
            raise Unknown(f"constraints on a union: {metadata}")
        return ("any", tuple(node(arg, []) for arg in get_args(annotation)))
    if annotation is type(None):
        return ("none",)
    if origin is Literal:
        values = get_args(annotation)
        if metadata or len({type(v) for v in values}) != 1 or type(values[0]) not in (str, int):
            raise Unknown(f"literal {annotation}")
        return ("lit", tuple(values))
    if origin is list:
        (item,) = get_args(annotation)
        least = 0
        for meta in metadata:
            if type(meta).__name__ == "MinLen":
                least = meta.min_length
            else:
                raise Unknown(f"list constraint {meta!r}")
        return ("list", node(item, []), least)
    if origin is dict:
        key, value = get_args(annotation)
        if metadata:
            raise Unknown(f"dict constraint {metadata!r}")
        return ("dict", node(key, []), node(value, []))
    if annotation is str:
        least, pattern, check = 0, None, None
        for meta in metadata:
            if isinstance(meta, StringConstraints):
                known = {"min_length", "pattern"}
                used = {k for k, v in vars(meta).items() if v is not None}
                if used - known:
                    raise Unknown(f"string constraint {used - known}")
                least = meta.min_length or least
                pattern = meta.pattern or pattern
            elif isinstance(meta, AfterValidator) and meta.func in _checks() and check is None:
                check = _checks()[meta.func]
            else:
                raise Unknown(f"str constraint {meta!r}")
        return ("str", least, pattern, check)
    if annotation is int:
        ge = None
        for meta in metadata:
            if type(meta).__name__ == "Ge":
                ge = meta.ge
            else:
                raise Unknown(f"int constraint {meta!r}")
        return ("int", ge)
    if annotation is bool and not metadata:
        return ("bool",)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel) and not metadata:
        return ("model", annotation.__name__)
    raise Unknown(f"annotation {annotation!r} with {metadata!r}")


def model_shape(model) -> dict:
    config = model.model_config
    if config.get("extra") != "forbid" or not config.get("strict"):
        raise Unknown(f"{model.__name__}: only strict models that forbid extra keys are known")
    decorators = model.__pydantic_decorators__
    if decorators.field_validators or decorators.validators or decorators.root_validators:
        raise Unknown(f"{model.__name__}: field validators")
    fields, required, defaults = {}, [], {}
    for name, info in model.model_fields.items():
        if info.alias not in (None, name) or info.default_factory is not None:
            raise Unknown(f"{model.__name__}.{name}: aliases and default factories")
        fields[name] = node(info.annotation, list(info.metadata))
        if info.is_required():
            required.append(name)
        else:
            defaults[name] = info.default
    validators = tuple(
        f"{model.__name__}.{name}" for name, spec in decorators.model_validators.items() if spec.info.mode == "after"
    )
    if len(validators) != len(decorators.model_validators):
        raise Unknown(f"{model.__name__}: model validators other than mode='after'")
    return {"fields": fields, "required": tuple(required), "defaults": defaults, "validators": validators}


def render() -> str:
    from pydantic import BaseModel

    from nato_corpus.records import models, refs

    shapes = {}
    todo = [models.Corpus, *(model for model, _, _ in models.RECORD_TYPES.values())]
    while todo:
        model = todo.pop()
        if model.__name__ in shapes:
            continue
        shapes[model.__name__] = model_shape(model)
        for info in model.model_fields.values():
            todo.extend(t for t in _types(info.annotation) if isinstance(t, type) and issubclass(t, BaseModel))
    kinds = {kind: model.__name__ for kind, (model, _, _) in models.RECORD_TYPES.items()}
    references = {kind: tuple(path for path, _ in paths) for kind, paths in refs.REFERENCE_PATHS.items()}
    body = [
        f"MODELS = {pprint.pformat(dict(sorted(shapes.items())), width=110, sort_dicts=False)}",
        f"KINDS = {pprint.pformat(kinds, width=110, sort_dicts=False)}",
        '#: record kind -> the path of each reference it holds ("*": each item of a list), as refs.REFERENCE_PATHS',
        f"REFERENCES = {pprint.pformat(references, width=110, sort_dicts=False)}",
    ]
    return HEADER + "\n".join(body) + "\n"


def _types(annotation: Any):
    yield annotation
    for arg in get_args(annotation):
        yield from _types(arg)


def main() -> int:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
