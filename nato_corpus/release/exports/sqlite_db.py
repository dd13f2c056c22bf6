"""The SQLite export: every table and view of a release in one database, ready for Datasette.

Each table keeps its declared column types, NOT NULL for required columns, its primary
key and its foreign keys; each column's description is a comment in the table's SQL and
an entry of the Datasette metadata file written beside the database. Quotation text,
document titles and event titles and summaries get an FTS5 full-text index, set up the
way sqlite-utils' ``enable_fts`` does (``<table>_fts`` with ``content="<table>"``), so
Datasette finds it and shows a search box.

Values: dates are ISO 8601 text, booleans 0/1, lists JSON arrays of strings.
The database is written to a temporary file and renamed into place, so a failed export
leaves nothing behind (and an existing file is only replaced by a complete one). The
same tables give the same bytes with the same SQLite version.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from ...errors import NatoCorpusError, UsageError
from ._schema import TableInfo, describe, normalised_fk
from .datasette_metadata import metadata_json
from .joined import VIEWS, views

#: table -> the text columns indexed for full-text search
FTS_COLUMNS: dict[str, tuple[str, ...]] = {
    "quotes": ("text",),
    "documents": ("title",),
    "events": ("title", "summary"),
    "quotations": ("text", "speaker_name", "document_title"),
}

_SQL_TYPE = {
    "string": "TEXT",
    "integer": "INTEGER",
    "number": "REAL",
    "boolean": "INTEGER",
    "date": "TEXT",
    "datetime": "TEXT",
    "list": "TEXT",
    "object": "TEXT",
}


def _name(identifier: str) -> str:
    """An SQL identifier, double-quoted."""
    return '"' + identifier.replace('"', '""') + '"'


def _comment(text: str) -> str:
    return " ".join(str(text).split())


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=str)


_CONVERT = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": lambda v: 1 if v else 0,
    "date": lambda v: v.isoformat(),
    "datetime": lambda v: v.isoformat(),
    "list": _json,
    "object": _json,
}


def create_table_sql(info: TableInfo) -> str:
    """CREATE TABLE for one table: types, NOT NULL, keys, and each column's description."""
    lines = []
    for field in info.fields:
        name = field["name"]
        required = (field.get("constraints") or {}).get("required") is True
        definition = f"{_name(name)} {_SQL_TYPE[info.kinds[name]]}" + (" NOT NULL" if required else "")
        lines.append((definition, field.get("description") or ""))
    constraints = []
    if info.primary_key:
        constraints.append(f"PRIMARY KEY ({', '.join(_name(k) for k in info.primary_key)})")
    for fk in info.foreign_keys:
        fields, target, target_fields = normalised_fk(fk)
        constraints.append(
            f"FOREIGN KEY ({', '.join(_name(f) for f in fields)}) "
            f"REFERENCES {_name(target)} ({', '.join(_name(f) for f in target_fields)})"
        )
    parts = [definition for definition, _ in lines] + constraints
    body = []
    for index, part in enumerate(parts):
        comma = "," if index < len(parts) - 1 else ""
        note = f" -- {_comment(lines[index][1])}" if index < len(lines) and lines[index][1] else ""
        body.append(f"  {part}{comma}{note}")
    return f"CREATE TABLE {_name(info.name)} ( -- {_comment(info.description)}\n" + "\n".join(body) + "\n)"


def _rows(table: pa.Table, info: TableInfo) -> Iterator[tuple]:
    columns = []
    for name in table.column_names:
        convert = _CONVERT[info.kinds[name]]
        columns.append([None if v is None else convert(v) for v in table[name].to_pylist()])
    return zip(*columns, strict=False)


def fts_sql(table: str, columns: tuple[str, ...]) -> list[str]:
    """Statements that create and fill ``<table>_fts`` as sqlite-utils' enable_fts does."""
    fts = f"{table}_fts"
    names = ", ".join(_name(c) for c in columns)
    return [
        f"CREATE VIRTUAL TABLE {_name(fts)} USING FTS5 ({names}, content={_name(table)})",
        f"INSERT INTO {_name(fts)} (rowid, {names}) SELECT rowid, {names} FROM {_name(table)}",
    ]


def _fk_problems(conn: sqlite3.Connection, limit: int = 5) -> list[str]:
    """Foreign keys that point at no row, as readable lines (at most ``limit``)."""
    problems = []
    for table, rowid, parent, fkid in conn.execute("PRAGMA foreign_key_check").fetchall()[:limit]:
        keys = [row for row in conn.execute(f"PRAGMA foreign_key_list({_name(table)})") if row[0] == fkid]
        columns = [row[3] for row in sorted(keys, key=lambda row: row[1])]
        values = conn.execute(
            f"SELECT {', '.join(_name(c) for c in columns)} FROM {_name(table)} WHERE rowid = ?",
            (rowid,),
        ).fetchone()
        shown = ", ".join(f"{c}={v!r}" for c, v in zip(columns, values, strict=False))
        problems.append(f"{table} row {rowid}: {shown} is not in {parent}")
    return problems


def _insert(conn: sqlite3.Connection, info: TableInfo, table: pa.Table) -> None:
    conn.execute(create_table_sql(info))
    placeholders = ", ".join("?" for _ in info.fields)
    conn.executemany(f"INSERT INTO {_name(info.name)} VALUES ({placeholders})", _rows(table, info))


def _refuse_broken_keys(conn: sqlite3.Connection) -> None:
    problems = _fk_problems(conn)
    if problems:
        raise NatoCorpusError(
            "the release's tables are inconsistent, so no database was written: a foreign key "
            f"points at no row ({'; '.join(problems)}). Verify the release with "
            "`nato-corpus validate <release folder>` and download it again if it fails."
        )


def write_database(path: Path, tables: dict[str, pa.Table], infos: list[TableInfo]) -> None:
    """Create the database at ``path`` (which must not exist) from ``tables``."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")  # a fresh file, renamed into place when complete
        conn.execute("BEGIN")
        # the release's own tables first, checked, so a broken key is reported as such and
        # not as a gap in a view derived from it
        for derived in (False, True):
            for info in infos:
                if (info.name in VIEWS) is derived:
                    _insert(conn, info, tables[info.name])
            _refuse_broken_keys(conn)
        for info in infos:
            columns = tuple(c for c in FTS_COLUMNS.get(info.name, ()) if c in info.kinds)
            for statement in fts_sql(info.name, columns) if columns else []:
                conn.execute(statement)
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        raise NatoCorpusError(
            f"could not write the SQLite database ({exc}); no database was written. If a table "
            "breaks a key or a required column, verify the release with `nato-corpus validate`."
        ) from exc
    finally:
        conn.close()


def default_metadata_path(path: str | os.PathLike) -> Path:
    """Where the Datasette metadata goes by default: beside the database, ``<stem>.metadata.json``."""
    path = Path(path)
    return path.with_name(f"{path.stem}.metadata.json")


def _check_target(path: Path, what: str) -> None:
    """Refuse a target that is a folder (or other non-file), or whose folder is missing."""
    if path.exists() and not path.is_file():
        raise UsageError(
            f"{path} exists and is not a file; give a file path for the {what}, e.g. {path / 'nato-corpus.db'}"
            if path.is_dir()
            else f"{path} exists and is not a regular file; give a file path for the {what}"
        )
    folder = path.parent
    if not folder.is_dir():
        state = "is not a folder" if folder.exists() else "does not exist"
        raise UsageError(f"cannot write the {what} {path}: the folder {folder} {state}; create it first")


def _temporary(path: Path, what: str) -> Path:
    """An empty temporary file beside ``path``, for writing then renaming."""
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise UsageError(
            f"cannot write the {what} in {path.parent} ({exc.strerror or exc}); choose a folder you can write to"
        ) from exc
    os.close(handle)
    return Path(name)


def with_views(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """The tables plus the joined views that they do not already hold."""
    result = dict(tables)
    for name, table in views(tables).items():
        result.setdefault(name, table)
    return result


def export_sqlite(
    tables: dict[str, pa.Table],
    descriptor: dict[str, Any],
    path: str | os.PathLike,
    *,
    metadata_path: str | os.PathLike | None = None,
) -> Path:
    """Write a release's tables and views as a SQLite database, with Datasette metadata.

    ``tables`` are the release's tables as published; ``descriptor`` is its parsed
    datapackage.json. ``path`` is the database file (replaced if it exists);
    ``metadata_path`` the Datasette metadata file (default: ``<stem>.metadata.json``
    beside it). Open both with ``datasette PATH -m METADATA``. Returns the database path.

    Raises UsageError for a path that cannot be written and NatoCorpusError for tables
    that break their keys; either way nothing is left half-written.
    """
    path = Path(path)
    meta_path = Path(metadata_path) if metadata_path is not None else default_metadata_path(path)
    _check_target(path, "database")
    _check_target(meta_path, "Datasette metadata")
    everything = with_views(tables)
    infos = describe(everything, descriptor)
    metadata = metadata_json(infos, descriptor, database=path.stem, fts=FTS_COLUMNS)
    temporary_db = _temporary(path, "database")
    temporary_meta = None
    try:
        temporary_db.unlink()  # sqlite3 creates the file itself
        write_database(temporary_db, everything, infos)
        temporary_meta = _temporary(meta_path, "Datasette metadata")
        temporary_meta.write_bytes(metadata)
        temporary_meta.chmod(0o644)  # as an ordinary new file, not mkstemp's owner-only mode
        os.replace(temporary_db, path)
        os.replace(temporary_meta, meta_path)
    finally:
        for leftover in (temporary_db, temporary_meta):
            if leftover is not None and leftover.exists():
                leftover.unlink()
    return path
