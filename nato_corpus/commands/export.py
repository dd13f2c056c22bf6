"""The `nato-corpus export` command: a release as a SQLite database for Datasette.

``add_export_parser(subparsers)`` adds the command to the main parser; ``cmd_export(args)``
runs it. A library error becomes one line on stderr and exit code 2; nothing is
half-written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from ..errors import NatoCorpusError, UsageError

if TYPE_CHECKING:  # pyarrow loads when a command reads a release, not with the parser
    import pyarrow as pa

EXIT_OK, EXIT_USAGE = 0, 2


def _read_release(release_dir: str | Path) -> tuple[dict[str, pa.Table], dict[str, Any]]:
    """The tables and parsed descriptor of the release in ``release_dir`` (``dist/<version>/``).

    Reads ``datapackage.json`` and every resource's Parquet file it lists; a path outside
    the folder, a missing file or an unreadable one is refused with a message.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = Path(release_dir)
    hint = "give a release folder such as dist/1.0.0, holding datapackage.json and data/"
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such release folder; {hint}")
    descriptor_path = folder / "datapackage.json"
    if not descriptor_path.is_file():
        raise UsageError(f"{folder} is not a release folder: datapackage.json is missing; {hint}")
    try:
        descriptor = json.loads(descriptor_path.read_bytes())
    except (ValueError, OSError) as exc:
        raise UsageError(f"{descriptor_path} is not readable JSON ({exc}); download the release again") from exc
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list) or not resources:
        raise UsageError(f"{descriptor_path} lists no resources; download the release again")
    tables: dict[str, pa.Table] = {}
    for resource in resources:
        name = resource.get("name") if isinstance(resource, dict) else None
        path = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(name, str) or not isinstance(path, str):
            raise UsageError(f"{descriptor_path}: a resource without a name or path; download the release again")
        relative = PurePosixPath(path)
        if relative.is_absolute() or ".." in relative.parts or "\\" in path:
            raise UsageError(
                f"{descriptor_path}: resource {name!r} has path {path!r} outside the release folder; "
                "a release only refers to its own files: download it again"
            )
        file = folder / relative
        if not file.is_file():
            raise UsageError(f"{file} is missing (resource {name!r}); download the release again")
        try:
            tables[name] = pq.read_table(file)
        except (pa.ArrowException, OSError) as exc:
            raise UsageError(f"{file} is not a readable Parquet file ({exc}); download the release again") from exc
    return tables, descriptor


def _release_dir(args: argparse.Namespace) -> Path:
    """The folder of the release to export: --from, else the version's (bundled or cached)."""
    if args.release_dir:
        return Path(args.release_dir)
    from ..access.load import release_path  # where installed and downloaded releases are

    return release_path(args.version)


def cmd_export(args: argparse.Namespace, release_dir: str | Path | None = None) -> int:
    """Export a release as a SQLite database with Datasette metadata, ready to browse and search.

    Writes PATH (replaced if it exists) and, beside it, PATH's stem + .metadata.json.
    The release is the bundled latest, --version V, or the release folder given by --from.
    Examples:
      nato-corpus export sqlite nato-corpus.db
      nato-corpus export sqlite nato-corpus.db --version 1.0.0
      nato-corpus export sqlite nato-corpus.db --from dist/1.0.0
      datasette nato-corpus.db -m nato-corpus.metadata.json      # then browse it
    """
    from ..release.exports.sqlite_db import default_metadata_path, export_sqlite

    try:
        folder = Path(release_dir) if release_dir is not None else _release_dir(args)
        tables, descriptor = _read_release(folder)
        metadata = Path(args.metadata) if args.metadata else default_metadata_path(args.path)
        path = export_sqlite(tables, descriptor, args.path, metadata_path=metadata)
    except NatoCorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(
            f"error: cannot write {exc.filename or args.path} ({exc.strerror or exc}); choose a path you can write to",
            file=sys.stderr,
        )
        return EXIT_USAGE
    print(f"{path}: {len(tables)} tables of release {descriptor.get('version', folder.name)} and their views")
    print(f"{metadata}: Datasette metadata")
    print(f"browse it: datasette {path} -m {metadata}")
    return EXIT_OK


def add_export_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add `export sqlite PATH [--version V] [--from DIR] [--metadata FILE]` to a subparsers object."""
    doc = cmd_export.__doc__ or ""
    export = subparsers.add_parser(
        "export",
        help="Export a release for tools other than Python (SQLite for Datasette).",
        description="Export a release for tools other than Python.",
    )
    formats = export.add_subparsers(dest="export_format", required=True, metavar="FORMAT")
    sqlite = formats.add_parser(
        "sqlite",
        help=doc.splitlines()[0],
        description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sqlite.add_argument("path", help="the database file to write, e.g. nato-corpus.db")
    source = sqlite.add_mutually_exclusive_group()
    source.add_argument("--version", default=None, help="release version (default: the bundled latest)")
    source.add_argument("--from", dest="release_dir", default=None, help="a release folder, e.g. dist/1.0.0")
    sqlite.add_argument("--metadata", default=None, help="Datasette metadata file (default: <stem>.metadata.json)")
    sqlite.set_defaults(func=cmd_export)
    return export
