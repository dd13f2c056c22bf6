"""Diff: what changed between two versions of the corpus, table by table, field by field.

Also the changelog entry a release carries in its descriptor (``x_changelog``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import errors
from . import layout


def short(value: Any, limit: int = 100) -> str:
    """A value as JSON, cut to ``limit`` characters."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass
class FieldChange:
    """One field of one record, before and after."""

    field: str
    old: Any
    new: Any


@dataclass
class RecordChange:
    """A record present on both sides whose fields differ."""

    id: str
    fields: list[FieldChange]


@dataclass
class TableDiff:
    """Added, removed and changed records of one table."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[RecordChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass
class Diff:
    """What changed between two versions of the corpus, table by table, record by record."""

    old: str
    new: str
    tables: dict[str, TableDiff]

    @property
    def empty(self) -> bool:
        """True when the two sides hold the same records."""
        return all(t.empty for t in self.tables.values())

    def to_dict(self) -> dict:
        """The diff as plain JSON-ready data."""
        return {
            "old": self.old,
            "new": self.new,
            "identical": self.empty,
            "tables": {
                name: {
                    "added": t.added,
                    "removed": t.removed,
                    "changed": [
                        {
                            "id": c.id,
                            "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in c.fields],
                        }
                        for c in t.changed
                    ],
                }
                for name, t in self.tables.items()
            },
        }

    def to_text(self) -> str:
        """The diff for a person: one line per record, one indented line per changed field."""
        lines = [f"diff {self.old} -> {self.new}"]
        if self.empty:
            return "\n".join(lines + ["no differences: the same records on both sides"])
        for name, t in self.tables.items():
            if t.empty:
                continue
            lines.append(f"{name}: {len(t.added)} added, {len(t.removed)} removed, {len(t.changed)} changed")
            lines.extend(f"  + {record_id}" for record_id in t.added)
            lines.extend(f"  - {record_id}" for record_id in t.removed)
            for change in t.changed:
                lines.append(f"  ~ {change.id}")
                lines.extend(f"      {f.field}: {short(f.old)} -> {short(f.new)}" for f in change.fields)
        return "\n".join(lines)


def _flat(record) -> dict[str, Any]:
    """A record's fields as the tables name them (nested grades flattened)."""
    out: dict[str, Any] = {}
    for key, value in record.model_dump(mode="json").items():
        if isinstance(value, dict):
            out.update({f"{key}_{sub}": item for sub, item in value.items()})
        else:
            out[key] = value
    return out


def compare(old: Mapping[str, list], new: Mapping[str, list], old_label: str = "old", new_label: str = "new") -> Diff:
    """Compare two sets of records (kind -> records) field by field."""
    from . import tables

    result: dict[str, TableDiff] = {}
    for kind in tables.ORDER:
        before = {r.id: r for r in old.get(kind, [])}
        after = {r.id: r for r in new.get(kind, [])}
        table = TableDiff(
            added=sorted(after.keys() - before.keys()),
            removed=sorted(before.keys() - after.keys()),
        )
        for record_id in sorted(before.keys() & after.keys()):
            if before[record_id] == after[record_id]:
                continue
            a, b = _flat(before[record_id]), _flat(after[record_id])
            changes = [
                FieldChange(name, a.get(name), b.get(name))
                for name in dict.fromkeys([*a, *b])
                if a.get(name) != b.get(name)
            ]
            if changes:
                table.changed.append(RecordChange(record_id, changes))
        result[tables.MAIN_TABLES[kind]] = table
    return Diff(old_label, new_label, result)


def read_release_records(folder: str | os.PathLike) -> dict[str, list]:
    """The records a release folder holds, read back from its Parquet tables."""
    import pyarrow.parquet as pq

    folder = Path(folder)
    descriptor = layout.read_descriptor(folder)[0]
    loaded = {r["name"]: pq.ParquetFile(folder / r["path"]).read() for r in descriptor.get("resources", [])}
    from .tables import records_from_tables

    return records_from_tables(loaded)


def _records_of(side: str, raw_dir, dist: Path) -> tuple[str, dict[str, list]]:
    if side == "raw":
        from ..curation.validate import check_raw

        checked = check_raw(raw_dir)
        if not checked.report.ok or checked.corpus is None:
            raise errors.ValidationFailed(checked.report)
        return f"raw ({checked.corpus.version})", checked.records
    versions = layout.released_versions(dist)
    if side == "latest":
        if not versions:
            raise errors.UsageError(f"{dist.as_posix()} has no releases yet; build one with `nato-corpus build`")
        side = versions[-1]
    if side not in versions or not (dist / side / layout.DESCRIPTOR).is_file():
        known = ", ".join(versions) or "none"
        raise errors.UsageError(
            f"no release {side!r} in {dist.as_posix()}/ (released: {known}); name a released version, 'latest' or 'raw'"
        )
    return side, read_release_records(dist / side)


def diff(old: str, new: str, *, raw_dir: str | os.PathLike = "raw", dist_dir: str | os.PathLike = "dist") -> Diff:
    """Records added, removed and changed between two versions, field by field.

    ``old`` and ``new`` are versions released in ``dist_dir``, ``"latest"``, or
    ``"raw"`` for the records in ``raw_dir`` as they stand.

    >>> print(diff("latest", "raw").to_text())  # doctest: +SKIP
    diff 1.0.0 -> raw (1.1.0)
    quotes: 1 added, 0 removed, 1 changed
    """
    dist = Path(dist_dir)
    old_label, old_records = _records_of(old, raw_dir, dist)
    new_label, new_records = _records_of(new, raw_dir, dist)
    return compare(old_records, new_records, old_label, new_label)


def changes_since(dist: Path, version: str, records) -> tuple[str | None, Diff | None]:
    """The newest release older than ``version`` and the diff from it (None, None if first)."""
    older = (
        [
            v
            for v in layout.released_versions(dist)
            if layout.version_key(v) < layout.version_key(version) and (dist / v / layout.DESCRIPTOR).is_file()
        ]
        if dist.is_dir()
        else []
    )
    if not older:
        return None, None
    previous = older[-1]
    return previous, compare(read_release_records(dist / previous), records, previous, version)


def changelog_entry(corpus, previous: str | None, change: Diff | None, records) -> dict:
    """What this version changes, record by record (stored in the descriptor as x_changelog)."""
    from . import changes, tables

    entry: dict[str, Any] = {
        "previous": previous,
        "notes": corpus.changes,
        "counts": {tables.MAIN_TABLES[kind]: len(records.get(kind, [])) for kind in tables.ORDER},
    }
    entry.update(changes.grouped(changes.rows(change)))  # the same rows as data/changes.parquet
    return entry
