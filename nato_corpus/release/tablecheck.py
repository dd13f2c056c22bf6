"""One table of a release against its Table Schema, column by column, with Arrow kernels.

Types, required values, enums, patterns, unique primary keys and foreign keys; no
per-row Python unless something is wrong. Used by ``check``.
"""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

_MAX_ROWS_SHOWN = 5


class TableCheck:
    """One table against its Table Schema, column by column, with pyarrow compute.

    ``checker`` collects the problems: anything with ``add(code, message, file=, record=)``
    (``check._Checker``, passed in, so this module never imports the one that uses it).
    """

    def __init__(self, checker, name: str, resource: dict, table, file: Path, loaded: dict):
        self.checker, self.name, self.resource, self.table, self.file, self.loaded = (
            checker,
            name,
            resource,
            table,
            file,
            loaded,
        )
        self.schema = resource.get("schema") or {}
        primary = self.schema.get("primaryKey") or []
        self.primary = [primary] if isinstance(primary, str) else list(primary)

    def add(self, message: str, rows: list[int] | None = None) -> None:
        """A problem of the table (rows=None), or one per offending row (none if rows is empty)."""
        if rows is not None and not rows:
            return
        if rows is None:
            self.checker.add("release-table", f"{self.name}: {message}", file=self.file, record=self.name)
            return
        for row in rows[:_MAX_ROWS_SHOWN]:
            self.checker.add(
                "release-table",
                f"{self.name}: {message}",
                file=self.file,
                record=f"{self.name}:{self.key(row)}",
            )
        if len(rows) > _MAX_ROWS_SHOWN:
            self.checker.add(
                "release-table",
                f"{self.name}: {message} (and {len(rows) - _MAX_ROWS_SHOWN} more rows)",
                file=self.file,
                record=self.name,
            )

    def key(self, row: int) -> str:
        names = [k for k in self.primary if k in self.table.column_names] or self.table.column_names[:1]
        return "/".join(str(self.table.column(k)[row].as_py()) for k in names)

    def run(self) -> None:
        declared = [f.get("name") for f in self.schema.get("fields", []) if isinstance(f, dict)]
        actual = self.table.column_names
        if declared != actual:
            missing = [n for n in declared if n not in actual]
            extra = [n for n in actual if n not in declared]
            detail = "; ".join(
                part
                for part in (
                    f"missing {missing}" if missing else "",
                    f"not declared {extra}" if extra else "",
                    "columns out of order" if not missing and not extra else "",
                )
                if part
            )
            self.add(f"columns differ from the schema ({detail})")
        for f in self.schema.get("fields", []):
            if isinstance(f, dict) and f.get("name") in actual:
                self.field(f, self.table.column(f["name"]))
        self.unique()
        self.foreign_keys()

    # Only Arrow arrays meet Arrow kernels here: converting a Python value (pa.scalar,
    # pa.array of a list) makes pyarrow import pandas, a quarter second a release check
    # does not need. Bounds are found with min_max; offending rows in Python, rarely.

    def field(self, f: dict, column) -> None:
        import pyarrow as pa

        name, kind = f["name"], f.get("type", "any")
        arrow = column.type
        if pa.types.is_dictionary(arrow):
            column = _cast(column, arrow.value_type)
            arrow = arrow.value_type
        item = f.get("x_arrayItem")
        if not _type_ok(kind, arrow, item):
            self.add(
                f"column {name!r} has type {column.type}, the schema says {kind}"
                + (f" of {item.get('type')}" if item else "")
            )
            return
        constraints = f.get("constraints") or {}
        if constraints.get("required") and column.null_count:
            self.add(f"{name} is required but null", _rows(_k("is_null", column)))
        if item is not None:
            least = f.get("x_minItems")
            lengths = _k("list_value_length", column)
            if least and column.null_count < len(column) and _k("min_max", lengths)["min"].as_py() < least:
                self.add(
                    f"{name} has fewer than {least} items",
                    [i for i, n in enumerate(lengths.to_pylist()) if n is not None and n < least],
                )
            self.values(
                name,
                _k("list_flatten", column),
                item.get("constraints") or {},
                _k("list_parent_indices", column),
            )
        else:
            self.values(name, column, constraints, None)

    def values(self, name: str, values, constraints: dict, parents) -> None:
        import pyarrow as pa

        MatchSubstringOptions = _compute().MatchSubstringOptions

        def rows(hits: list[int]) -> list[int]:
            if parents is None:
                return hits
            parent = parents.to_pylist()
            return sorted({parent[i] for i in hits})

        def where(test) -> list[int]:
            return rows([i for i, v in enumerate(values.to_pylist()) if v is not None and test(v)])

        if values.null_count == len(values):
            return
        if "enum" in constraints:
            allowed = set(constraints["enum"])
            if any(v is not None and v not in allowed for v in _k("unique", values).to_pylist()):
                self.add(f"{name} is not one of {constraints['enum']}", where(lambda v: v not in allowed))
        text = pa.types.is_string(values.type) or pa.types.is_large_string(values.type)
        if "pattern" in constraints and text:
            pattern = MatchSubstringOptions(f"^(?:{constraints['pattern']})$")
            mismatch = _k("invert", _k("match_substring_regex", values, options=pattern))
            self.add(
                f"{name} does not match the pattern {constraints['pattern']!r}",
                rows(_rows(mismatch)),
            )
        if "minLength" in constraints and text:
            least = constraints["minLength"]
            if _k("min_max", _k("utf8_length", values))["min"].as_py() < least:
                self.add(f"{name} is shorter than {least}", where(lambda v: len(v) < least))
        if "minimum" in constraints or "maximum" in constraints:
            bounds = _k("min_max", values)
            low, high = constraints.get("minimum"), constraints.get("maximum")
            if low is not None and bounds["min"].as_py() < low:
                self.add(f"{name} is below {low}", where(lambda v: v < low))
            if high is not None and bounds["max"].as_py() > high:
                self.add(f"{name} is above {high}", where(lambda v: v > high))

    def unique(self) -> None:
        CountOptions = _compute().CountOptions

        if not self.primary or any(k not in self.table.column_names for k in self.primary):
            return
        if len(self.primary) == 1 and (
            _k("count_distinct", self.table.column(self.primary[0]), options=CountOptions(mode="all")).as_py()
            == self.table.num_rows
        ):
            return
        keys = list(zip(*(self.table.column(k).to_pylist() for k in self.primary), strict=True))
        counts = Counter(keys)
        if len(counts) == len(keys):
            return
        for key, n in [(k, n) for k, n in counts.items() if n > 1][:_MAX_ROWS_SHOWN]:
            shown = "/".join(str(part) for part in key)
            self.checker.add(
                "release-table",
                f"{self.name}: primary key {self.primary} = {shown!r} appears {n} times",
                file=self.file,
                record=f"{self.name}:{shown}",
            )

    def foreign_keys(self) -> None:
        import pyarrow as pa

        SetLookupOptions = _compute().SetLookupOptions

        for fk in self.schema.get("foreignKeys", []) or []:
            fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            reference = fk["reference"]
            target_name = reference.get("resource") or self.name
            ref_fields = reference["fields"] if isinstance(reference["fields"], list) else [reference["fields"]]
            target = self.loaded.get(target_name)
            if (
                target is None
                or any(f not in self.table.column_names for f in fields)
                or any(f not in target.column_names for f in ref_fields)
            ):
                continue  # the missing file or column is reported already
            if len(fields) == 1:
                values = self.table.column(fields[0])
                keys = target.column(ref_fields[0])
                if pa.types.is_dictionary(values.type):
                    values = _cast(values, values.type.value_type)
                if pa.types.is_dictionary(keys.type):
                    keys = _cast(keys, keys.type.value_type)
                known = SetLookupOptions(value_set=_k("unique", keys))
                mask = _k("and", _k("is_valid", values), _k("invert", _k("is_in", values, options=known)))
                hits = _rows(mask)
                shown = [values[i].as_py() for i in hits]
            else:
                known = set(zip(*(target.column(f).to_pylist() for f in ref_fields), strict=True))
                tuples = list(zip(*(self.table.column(f).to_pylist() for f in fields), strict=True))
                hits = [i for i, t in enumerate(tuples) if None not in t and t not in known]
                shown = [tuples[i] for i in hits]
            for row, value in list(zip(hits, shown, strict=True))[:_MAX_ROWS_SHOWN]:
                self.checker.add(
                    "release-table",
                    f"{self.name}: {', '.join(fields)} = {value!r} matches no row of {target_name} "
                    f"(foreign key to {target_name}.{', '.join(ref_fields)})",
                    file=self.file,
                    record=f"{self.name}:{self.key(row)}",
                )
            if len(hits) > _MAX_ROWS_SHOWN:
                self.add(f"{len(hits) - _MAX_ROWS_SHOWN} more rows break the foreign key {fields} -> {target_name}")


def _rows(mask) -> list[int]:
    """Indices of the rows where a boolean array is true (nulls count as false)."""
    return _k("indices_nonzero", mask).to_pylist()


def _k(name: str, *args, options=None):
    """Arrow's compute function ``name`` called directly: importing ``pyarrow.compute``
    builds a Python wrapper for each of its hundreds of functions, about 0.15 s of a
    release check; each call here passes what that wrapper would (the kernel's defaults
    unless ``options`` is given).
    """
    return _compute().call_function(name, list(args), options)


def _cast(values, target):
    """``values.cast(target)`` (a safe cast, as pyarrow's own), without importing ``pyarrow.compute``."""
    return _k("cast", values, options=_compute().CastOptions.safe(target))


@functools.cache
def _compute():
    """Arrow's compute layer: its Cython module (options classes and ``call_function``, no
    wrappers built), or the public ``pyarrow.compute``, which holds the same names, should a
    pyarrow release move the private one."""
    try:
        import pyarrow._compute as compute

        compute.call_function, compute.CastOptions, compute.CountOptions  # noqa: B018
        compute.SetLookupOptions, compute.MatchSubstringOptions  # noqa: B018
    except (ImportError, AttributeError):
        import pyarrow.compute as compute
    return compute


def _type_ok(kind: str, arrow, item: dict | None) -> bool:
    import pyarrow as pa

    if item is not None:
        if not (pa.types.is_list(arrow) or pa.types.is_large_list(arrow)):
            return False
        return _type_ok(item.get("type", "any"), arrow.value_type, None)
    checks = {
        "string": lambda t: pa.types.is_string(t) or pa.types.is_large_string(t),
        "integer": pa.types.is_integer,
        "number": lambda t: pa.types.is_floating(t) or pa.types.is_integer(t) or pa.types.is_decimal(t),
        "boolean": pa.types.is_boolean,
        "date": pa.types.is_date,
        "datetime": pa.types.is_timestamp,
        "time": pa.types.is_time,
        "array": lambda t: pa.types.is_list(t) or pa.types.is_large_list(t),
        "object": lambda t: pa.types.is_struct(t) or pa.types.is_map(t),
    }
    return checks.get(kind, lambda t: True)(arrow)
