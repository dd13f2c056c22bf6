"""Check a release as a downloader would: descriptor, files, index, then every table.

Fast by design: the descriptor is checked in plain Python, each table column by column
with Arrow kernels (no per-row Python unless something is wrong), and neither pydantic
nor pandas is imported. ``release.check_release`` is the public entry point.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

from .problems import Problem, Report
from .release import DESCRIPTOR, INDEX

_SHA = re.compile(r"^[0-9a-f]{64}$")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_TYPES = {
    "string",
    "number",
    "integer",
    "boolean",
    "object",
    "array",
    "date",
    "time",
    "datetime",
    "year",
    "yearmonth",
    "duration",
    "geopoint",
    "geojson",
    "any",
}
_NAME = re.compile(r"^[a-z0-9._-]+$")
_MAX_ROWS_SHOWN = 5


class _Checker:
    """Collects the problems of one release folder."""

    def __init__(self, folder: Path, descriptor_path: Path):
        self.folder = folder
        self.descriptor_path = descriptor_path
        self.problems: list[Problem] = []
        self.counts: dict[str, int] = {}

    def add(
        self, code: str, message: str, *, file: Path | str | None = None, record: str | None = None
    ) -> None:
        shown = file.as_posix() if isinstance(file, Path) else file
        self.problems.append(
            Problem.of(code, message, file=shown or self.descriptor_path.as_posix(), record=record)
        )

    # ---------------------------------------------------------------- descriptor

    def descriptor(self) -> dict | None:
        try:
            data = self.descriptor_path.read_bytes()
        except OSError as exc:
            self.add(
                "release-descriptor",
                f"cannot read {self.descriptor_path.name}: {exc.strerror or exc}",
            )
            return None
        try:
            descriptor = json.loads(data)
        except ValueError as exc:
            self.add("release-descriptor", f"{self.descriptor_path.name} is not valid JSON: {exc}")
            return None
        self.descriptor_sha256 = _sha256(data)
        if not isinstance(descriptor, dict):
            self.add("release-descriptor", "the descriptor must be a JSON object")
            return None
        self._package(descriptor)
        return descriptor

    def _package(self, d: dict) -> None:
        bad = lambda message: self.add("release-descriptor", message)  # noqa: E731
        if not isinstance(d.get("name"), str) or not _NAME.match(d["name"]):
            bad(
                f"name = {d.get('name')!r}: a Data Package name is lower-case letters, "
                "digits, '.', '_' or '-'"
            )
        for key, required in (
            ("licenses", ("name", "path")),
            ("sources", ("title",)),
            ("contributors", ("title",)),
        ):
            items = d.get(key, [])
            if not isinstance(items, list) or not all(
                isinstance(i, dict) and any(k in i for k in required) for i in items
            ):
                bad(f"{key} must be a list of objects, each with {' or '.join(required)}")
        resources = d.get("resources")
        if not isinstance(resources, list) or not resources:
            bad("resources must be a non-empty list")
            d["resources"] = []
            return
        names: dict[str, dict] = {}
        for i, resource in enumerate(resources):
            if not isinstance(resource, dict):
                bad(f"resources[{i}] must be an object")
                continue
            name = resource.get("name")
            if not isinstance(name, str) or not _NAME.match(name):
                bad(f"resources[{i}].name = {name!r}: lower-case letters, digits, '.', '_' or '-'")
            elif name in names:
                bad(f"resources[{i}].name = {name!r} is used twice")
            else:
                names[name] = resource
            if not _safe_path(resource.get("path")):
                bad(
                    f"resources[{i}].path = {resource.get('path')!r}: "
                    "a relative path inside the release is required"
                )
            if not (
                isinstance(resource.get("hash"), str)
                and resource["hash"].startswith("sha256:")
                and _SHA.match(resource["hash"][7:])
            ):
                bad(
                    f"resources[{i}].hash = {resource.get('hash')!r}: "
                    "expected 'sha256:' and 64 hex digits"
                )
            if not isinstance(resource.get("x_bytes"), int) or resource["x_bytes"] < 0:
                bad(
                    f"resources[{i}].x_bytes = {resource.get('x_bytes')!r}: "
                    "expected the file's size in bytes"
                )
        for name, resource in names.items():
            self._schema(name, resource, names)
        for i, item in enumerate(
            d.get("x_files", []) if isinstance(d.get("x_files", []), list) else [None]
        ):
            if not (
                isinstance(item, dict)
                and _safe_path(item.get("path"))
                and isinstance(item.get("sha256"), str)
                and _SHA.match(item["sha256"])
                and isinstance(item.get("x_bytes"), int)
            ):
                bad(
                    f"x_files[{i}] = {item!r}: "
                    "expected an object with a relative path, sha256 and x_bytes"
                )

    def _schema(self, name: str, resource: dict, resources: dict[str, dict]) -> None:
        bad = lambda message: self.add("release-descriptor", f"resource {name!r}: {message}")  # noqa: E731
        schema = resource.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if not isinstance(fields, list) or not fields:
            bad("schema.fields must be a non-empty list")
            resource["schema"] = {"fields": []}
            return
        seen = set()
        for i, f in enumerate(fields):
            if not isinstance(f, dict) or not isinstance(f.get("name"), str):
                bad(f"schema.fields[{i}] must be an object with a name")
                continue
            if f["name"] in seen:
                bad(f"field {f['name']!r} is declared twice")
            seen.add(f["name"])
            if f.get("type", "any") not in _TYPES:
                bad(f"field {f['name']!r} has type {f.get('type')!r}, not a Table Schema type")
            if not isinstance(f.get("constraints", {}), dict):
                bad(f"field {f['name']!r}: constraints must be an object")
        primary = schema.get("primaryKey", [])
        primary = [primary] if isinstance(primary, str) else primary
        if not isinstance(primary, list) or any(key not in seen for key in primary):
            bad(f"primaryKey {primary!r} names fields the schema does not have")
        for fk in schema.get("foreignKeys", []) or []:
            fk_fields = fk.get("fields") if isinstance(fk, dict) else None
            reference = fk.get("reference", {}) if isinstance(fk, dict) else {}
            fk_fields = [fk_fields] if isinstance(fk_fields, str) else fk_fields
            ref_fields = reference.get("fields") if isinstance(reference, dict) else None
            ref_fields = [ref_fields] if isinstance(ref_fields, str) else ref_fields
            target = reference.get("resource", "") if isinstance(reference, dict) else None
            target_resource = resource if target == "" else resources.get(target)
            target_fields = {
                f.get("name")
                for f in ((target_resource or {}).get("schema") or {}).get("fields", [])
                if isinstance(f, dict)
            }
            if (
                not isinstance(fk_fields, list)
                or not isinstance(ref_fields, list)
                or len(fk_fields) != len(ref_fields)
                or any(f not in seen for f in fk_fields)
                or target_resource is None
                or any(f not in target_fields for f in ref_fields)
            ):
                bad(
                    f"foreign key {fk!r} does not name fields of this resource "
                    "and of a resource in the package"
                )

    # ---------------------------------------------------------------- index

    def index(self, descriptor: dict) -> None:
        index_path = self.folder.parent / INDEX
        if not index_path.is_file():
            return
        try:
            index = json.loads(index_path.read_bytes())
            versions = index["versions"]
        except (ValueError, KeyError, TypeError) as exc:
            self.add("release-index-mismatch", f"{INDEX} cannot be read ({exc})", file=index_path)
            return
        version = descriptor.get("version")
        entry = versions.get(version) if isinstance(versions, dict) else None
        if not isinstance(entry, dict):
            self.add(
                "release-index-mismatch",
                f"version {version!r} is not in {index_path.as_posix()}",
                file=index_path,
            )
        elif entry.get("descriptor_sha256") != self.descriptor_sha256:
            self.add(
                "release-index-mismatch",
                f"{DESCRIPTOR} has sha256 {self.descriptor_sha256}, "
                f"{INDEX} pins {entry.get('descriptor_sha256')}",
                file=self.descriptor_path,
            )

    # ---------------------------------------------------------------- files

    def files(self, descriptor: dict) -> dict[str, Path]:
        """Check each listed file's presence, sha256 and size; return the readable resources."""
        present: dict[str, Path] = {}
        listed = [
            (r.get("name"), r.get("path"), str(r.get("hash", ""))[7:], r.get("x_bytes"))
            for r in descriptor["resources"]
            if isinstance(r, dict)
        ]
        listed += [
            (None, f.get("path"), f.get("sha256"), f.get("x_bytes"))
            for f in descriptor.get("x_files", [])
            if isinstance(f, dict)
        ]
        for name, path, expected, size in listed:
            if not _safe_path(path):
                continue
            file = self.folder / path
            try:
                data = file.read_bytes()
            except FileNotFoundError:
                self.add(
                    "release-file-missing",
                    f"{path} is listed in {DESCRIPTOR} but missing",
                    file=file,
                )
                continue
            except OSError as exc:
                self.add(
                    "release-file-missing",
                    f"{path} cannot be read: {exc.strerror or exc}",
                    file=file,
                )
                continue
            actual = _sha256(data)
            if expected and actual != expected:
                self.add(
                    "release-hash-mismatch",
                    f"{path}: sha256 is {actual}, the descriptor says {expected}",
                    file=file,
                )
            if isinstance(size, int) and size != len(data):
                self.add(
                    "release-hash-mismatch",
                    f"{path}: {len(data)} bytes, the descriptor says {size}",
                    file=file,
                )
            if name:
                present[name] = file
        return present

    # ---------------------------------------------------------------- tables

    def tables(self, descriptor: dict, present: dict[str, Path]) -> None:
        import pyarrow.parquet as pq

        resources = {
            r["name"]: r
            for r in descriptor["resources"]
            if isinstance(r, dict) and isinstance(r.get("name"), str)
        }
        loaded = {}
        for name, file in present.items():
            try:
                # ParquetFile.read, not read_table: no dataset layer (which imports pandas)
                loaded[name] = pq.ParquetFile(file).read().combine_chunks()
            except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
                self.add("release-table", f"{name}: cannot be read as Parquet ({exc})", file=file)
                continue
            self.counts[name] = loaded[name].num_rows
        for name, table in loaded.items():
            _TableCheck(self, name, resources[name], table, present[name], loaded).run()


def _safe_path(path: Any) -> bool:
    if (
        not isinstance(path, str)
        or not path
        or "\\" in path
        or path.startswith("/")
        or re.match(r"^[A-Za-z]:", path)
    ):
        return False
    return ".." not in path.split("/") and "://" not in path


class _TableCheck:
    """One table against its Table Schema, column by column, with pyarrow compute."""

    def __init__(
        self, checker: _Checker, name: str, resource: dict, table, file: Path, loaded: dict
    ):
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
            self.checker.add(
                "release-table", f"{self.name}: {message}", file=self.file, record=self.name
            )
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
        names = [
            k for k in self.primary if k in self.table.column_names
        ] or self.table.column_names[:1]
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
        import pyarrow.compute as pc

        name, kind = f["name"], f.get("type", "any")
        arrow = column.type
        if pa.types.is_dictionary(arrow):
            column = column.cast(arrow.value_type)
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
            self.add(f"{name} is required but null", _rows(pc.is_null(column)))
        if item is not None:
            least = f.get("x_minItems")
            lengths = pc.list_value_length(column)
            if (
                least
                and column.null_count < len(column)
                and pc.min_max(lengths)["min"].as_py() < least
            ):
                self.add(
                    f"{name} has fewer than {least} items",
                    [i for i, n in enumerate(lengths.to_pylist()) if n is not None and n < least],
                )
            self.values(
                name,
                pc.list_flatten(column),
                item.get("constraints") or {},
                pc.list_parent_indices(column),
            )
        else:
            self.values(name, column, constraints, None)

    def values(self, name: str, values, constraints: dict, parents) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

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
            if any(v is not None and v not in allowed for v in pc.unique(values).to_pylist()):
                self.add(
                    f"{name} is not one of {constraints['enum']}", where(lambda v: v not in allowed)
                )
        text = pa.types.is_string(values.type) or pa.types.is_large_string(values.type)
        if "pattern" in constraints and text:
            mismatch = pc.invert(
                pc.match_substring_regex(values, f"^(?:{constraints['pattern']})$")
            )
            self.add(
                f"{name} does not match the pattern {constraints['pattern']!r}",
                rows(_rows(mismatch)),
            )
        if "minLength" in constraints and text:
            least = constraints["minLength"]
            if pc.min_max(pc.utf8_length(values))["min"].as_py() < least:
                self.add(f"{name} is shorter than {least}", where(lambda v: len(v) < least))
        if "minimum" in constraints or "maximum" in constraints:
            bounds = pc.min_max(values)
            low, high = constraints.get("minimum"), constraints.get("maximum")
            if low is not None and bounds["min"].as_py() < low:
                self.add(f"{name} is below {low}", where(lambda v: v < low))
            if high is not None and bounds["max"].as_py() > high:
                self.add(f"{name} is above {high}", where(lambda v: v > high))

    def unique(self) -> None:
        import pyarrow.compute as pc

        if not self.primary or any(k not in self.table.column_names for k in self.primary):
            return
        if len(self.primary) == 1:
            if (
                pc.count_distinct(self.table.column(self.primary[0]), mode="all").as_py()
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
        import pyarrow.compute as pc

        for fk in self.schema.get("foreignKeys", []) or []:
            fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            reference = fk["reference"]
            target_name = reference.get("resource") or self.name
            ref_fields = (
                reference["fields"]
                if isinstance(reference["fields"], list)
                else [reference["fields"]]
            )
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
                    values = values.cast(values.type.value_type)
                if pa.types.is_dictionary(keys.type):
                    keys = keys.cast(keys.type.value_type)
                mask = pc.and_(
                    pc.is_valid(values), pc.invert(pc.is_in(values, value_set=pc.unique(keys)))
                )
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
                self.add(
                    f"{len(hits) - _MAX_ROWS_SHOWN} more rows break the foreign key "
                    f"{fields} -> {target_name}"
                )


def _rows(mask) -> list[int]:
    """Indices of the rows where a boolean array is true (nulls count as false)."""
    import pyarrow.compute as pc

    return pc.indices_nonzero(mask).to_pylist()


def _type_ok(kind: str, arrow, item: dict | None) -> bool:
    import pyarrow as pa

    if item is not None:
        if not (pa.types.is_list(arrow) or pa.types.is_large_list(arrow)):
            return False
        return _type_ok(item.get("type", "any"), arrow.value_type, None)
    checks = {
        "string": lambda t: pa.types.is_string(t) or pa.types.is_large_string(t),
        "integer": pa.types.is_integer,
        "number": lambda t: (
            pa.types.is_floating(t) or pa.types.is_integer(t) or pa.types.is_decimal(t)
        ),
        "boolean": pa.types.is_boolean,
        "date": pa.types.is_date,
        "datetime": pa.types.is_timestamp,
        "time": pa.types.is_time,
        "array": lambda t: pa.types.is_list(t) or pa.types.is_large_list(t),
        "object": lambda t: pa.types.is_struct(t) or pa.types.is_map(t),
    }
    return checks.get(kind, lambda t: True)(arrow)


def check(path: str | os.PathLike) -> Report:
    """What ``release.check_release`` does: see there."""
    path = Path(path)
    descriptor_path = path if path.name == DESCRIPTOR or path.is_file() else path / DESCRIPTOR
    checker = _Checker(descriptor_path.parent, descriptor_path)
    descriptor = checker.descriptor()
    if descriptor is not None:
        checker.index(descriptor)
        present = checker.files(descriptor)
        checker.tables(descriptor, present)
    problems = sorted(checker.problems, key=Problem.sort_key)
    return Report(
        problems=problems, counts=checker.counts, source=descriptor_path.parent.as_posix()
    )
