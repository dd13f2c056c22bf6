"""Check a release as a downloader would: descriptor, files, index, then every table.

Fast by design: the descriptor is checked in plain Python, each table column by column
with Arrow kernels (no per-row Python unless something is wrong), and neither pydantic
nor pandas is imported. ``check_release`` is the public entry point.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..problems import Problem, Report
from . import layout
from .layout import DESCRIPTOR, INDEX
from .tablecheck import TableCheck

_SHA = re.compile(r"^[0-9a-f]{64}$")


def _sha256(data: bytes) -> str:
    return layout.sha256_bytes(data)


def _safe_path(path: object) -> bool:
    try:
        layout.safe_path(path)
    except layout.FormatError:
        return False
    return True


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


class _Checker:
    """Collects the problems of one release folder."""

    def __init__(self, folder: Path, descriptor_path: Path):
        self.folder = folder
        self.descriptor_path = descriptor_path
        self.problems: list[Problem] = []
        self.counts: dict[str, int] = {}

    def add(self, code: str, message: str, *, file: Path | str | None = None, record: str | None = None) -> None:
        shown = file.as_posix() if isinstance(file, Path) else file
        self.problems.append(Problem.of(code, message, file=shown or self.descriptor_path.as_posix(), record=record))

    # ---------------------------------------------------------------- descriptor

    def descriptor(self) -> dict | None:
        path = layout.regular_file(self.descriptor_path.parent, self.descriptor_path.name)
        if path is None:
            self.add("release-descriptor", f"{self.descriptor_path.name} is missing or not a regular file")
            return None
        try:
            with open(path, "rb") as handle:
                data = handle.read(layout.METADATA_CAP + 1)
            descriptor = layout.loads(data, self.descriptor_path.name)
        except OSError as exc:
            self.add("release-descriptor", f"cannot read {self.descriptor_path.name}: {exc.strerror or exc}")
            return None
        except layout.FormatError as exc:
            self.add("release-descriptor", str(exc))
            return None
        self.descriptor_sha256 = _sha256(data)
        if not isinstance(descriptor, dict):
            self.add("release-descriptor", "the descriptor must be a JSON object")
            return None
        try:
            self._package(descriptor)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:  # a shape no check above foresaw
            self.add(
                "release-descriptor", f"the descriptor has a shape that cannot be checked ({type(exc).__name__}: {exc})"
            )
            return None
        return descriptor

    def _package(self, d: dict) -> None:
        bad = lambda message: self.add("release-descriptor", message)
        if not isinstance(d.get("name"), str) or not _NAME.match(d["name"]):
            bad(f"name = {d.get('name')!r}: a Data Package name is lower-case letters, digits, '.', '_' or '-'")
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
                bad(f"resources[{i}].path = {resource.get('path')!r}: a relative path inside the release is required")
            if not (
                isinstance(resource.get("hash"), str)
                and resource["hash"].startswith("sha256:")
                and _SHA.match(resource["hash"][7:])
            ):
                bad(f"resources[{i}].hash = {resource.get('hash')!r}: expected 'sha256:' and 64 hex digits")
            if not isinstance(resource.get("x_bytes"), int) or resource["x_bytes"] < 0:
                bad(f"resources[{i}].x_bytes = {resource.get('x_bytes')!r}: expected the file's size in bytes")
        for name, resource in names.items():
            self._schema(name, resource, names)
        for i, item in enumerate(d.get("x_files", []) if isinstance(d.get("x_files", []), list) else [None]):
            if not (
                isinstance(item, dict)
                and _safe_path(item.get("path"))
                and isinstance(item.get("sha256"), str)
                and _SHA.match(item["sha256"])
                and isinstance(item.get("x_bytes"), int)
            ):
                bad(f"x_files[{i}] = {item!r}: expected an object with a relative path, sha256 and x_bytes")

    def _schema(self, name: str, resource: dict, resources: dict[str, dict]) -> None:
        bad = lambda message: self.add("release-descriptor", f"resource {name!r}: {message}")
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
            if not isinstance(f.get("type", "any"), str) or f.get("type", "any") not in _TYPES:
                bad(f"field {f['name']!r} has type {f.get('type')!r}, not a Table Schema type")
            if not isinstance(f.get("constraints", {}), dict):
                bad(f"field {f['name']!r}: constraints must be an object")
        primary = schema.get("primaryKey", [])
        primary = [primary] if isinstance(primary, str) else primary
        if not isinstance(primary, list) or any(not isinstance(key, str) or key not in seen for key in primary):
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
                if isinstance(f, dict) and isinstance(f.get("name"), str)
            }
            if (
                not isinstance(fk_fields, list)
                or not isinstance(ref_fields, list)
                or len(fk_fields) != len(ref_fields)
                or any(f not in seen for f in fk_fields)
                or target_resource is None
                or any(f not in target_fields for f in ref_fields)
            ):
                bad(f"foreign key {fk!r} does not name fields of this resource and of a resource in the package")

    # ---------------------------------------------------------------- index

    def index(self, descriptor: dict) -> None:
        index_path = self.folder.parent / INDEX
        if not index_path.exists():
            return
        try:
            index = layout.read_index(self.folder.parent)
        except (OSError, layout.FormatError) as exc:
            self.add("release-index-mismatch", f"{INDEX} cannot be read ({exc})", file=index_path)
            return
        version = descriptor.get("version")
        pinned = layout.pin(index, version) if isinstance(version, str) else None
        if pinned is None:
            self.add(
                "release-index-mismatch",
                f"version {version!r} is not in {index_path.as_posix()}",
                file=index_path,
            )
        elif pinned != self.descriptor_sha256:
            self.add(
                "release-index-mismatch",
                f"{DESCRIPTOR} has sha256 {self.descriptor_sha256}, {INDEX} pins {pinned}",
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
            if layout.regular_file(self.folder, path) is None:
                self.add(
                    "release-file-missing",
                    f"{path} is listed in {DESCRIPTOR} but missing (or not a regular file inside the release)",
                    file=file,
                )
                continue
            try:
                length = file.stat().st_size
                actual = layout.sha256_file(file)  # streamed: a large file is never held in memory
            except OSError as exc:
                self.add(
                    "release-file-missing",
                    f"{path} cannot be read: {exc.strerror or exc}",
                    file=file,
                )
                continue
            if expected and actual != expected:
                self.add(
                    "release-hash-mismatch",
                    f"{path}: sha256 is {actual}, the descriptor says {expected}",
                    file=file,
                )
            if isinstance(size, int) and size != length:
                self.add(
                    "release-hash-mismatch",
                    f"{path}: {length} bytes, the descriptor says {size}",
                    file=file,
                )
            if isinstance(name, str) and name:  # a name of another type is reported with the shape
                present[name] = file
        return present

    # ---------------------------------------------------------------- tables

    def tables(self, descriptor: dict, present: dict[str, Path]) -> None:
        from .bounded import TableRefused, read_table

        resources = {
            r["name"]: r for r in descriptor["resources"] if isinstance(r, dict) and isinstance(r.get("name"), str)
        }
        loaded = {}
        for name, file in present.items():
            try:
                # the footer first: a table that claims more than its file can hold is never decoded
                loaded[name] = read_table(file, resources[name])
            except TableRefused as exc:
                self.add("release-table", f"{name}: {exc}", file=file)
                continue
            except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
                self.add("release-table", f"{name}: cannot be read as Parquet ({exc})", file=file)
                continue
            self.counts[name] = loaded[name].num_rows
        for name, table in loaded.items():
            try:
                TableCheck(self, name, resources[name], table, present[name], loaded).run()
            except Exception as exc:  # a schema whose constraints are not of the shapes Table Schema allows
                self.add(
                    "release-table",
                    f"{name}: cannot be checked against its schema, whose constraints or keys are malformed "
                    f"({type(exc).__name__}: {exc})",
                    file=present[name],
                )


def check_release(path: str | os.PathLike) -> Report:
    """Check a release as a downloader would, and report every problem found.

    ``path`` is a release folder (``dist/1.0.0``) or its ``datapackage.json``. Checks
    the descriptor (a Data Package with a Table Schema per resource), every listed
    file's presence, sha256 and size (``release-file-missing``,
    ``release-hash-mismatch``), the descriptor's sha256 against ``index.json`` when the
    release sits in a dist/ folder that has one (``release-index-mismatch``), and each
    table's columns, types, required values, enums, patterns, unique primary keys and
    foreign keys (``release-table``). Reads only regular files inside the release.
    Never raises for a bad release.

    >>> check_release("dist/1.0.0").ok  # doctest: +SKIP
    True
    """
    path = Path(path)
    descriptor_path = path if path.name == DESCRIPTOR or path.is_file() else path / DESCRIPTOR
    checker = _Checker(descriptor_path.parent, descriptor_path)
    descriptor = checker.descriptor()
    if descriptor is not None:
        checker.index(descriptor)
        present = checker.files(descriptor)
        checker.tables(descriptor, present)
    problems = sorted(checker.problems, key=Problem.sort_key)
    return Report(problems=problems, counts=checker.counts, source=descriptor_path.parent.as_posix())
