"""Releases: build, check, index and diff immutable, reproducible data packages.

A release is the version declared in ``raw/corpus.yaml``, published as::

    dist/index.json                      every version -> sha256 of its descriptor; latest
    dist/<version>/datapackage.json      Frictionless data package: every field, key, file hash
    dist/<version>/data/<table>.parquet  one Parquet file per table (see ``tabular``)
    dist/<version>/README.md             the data card
    dist/<version>/timeline.svg          events and quotations by date, marked by credibility

and, beside dist/, ``CITATION.cff`` (the latest version) and ``CHANGELOG.md`` (every
version), both generated.

- Reproducible: the same raw/ gives the same bytes: fixed row order, fixed Parquet
  writer settings, no wall-clock time anywhere. (The Parquet footer names the pyarrow
  version that wrote it, so reproduce with the same pyarrow.)
- Immutable: a version in dist/ (or pinned in the index) is never overwritten; building
  it with different content raises ``ReleaseExists``.
- Atomic: files are written to ``dist/.tmp-<version>-<pid>-<token>/`` and renamed into
  place; the index is replaced in one step. A killed build leaves only a temporary
  directory, which the next build removes.

The Parquet files declare their size in ``x_bytes``, not ``bytes``: frictionless 5.21
reports a byte-count error for any Parquet resource that declares ``bytes`` (its reader
gives no count) and does not check ``hash`` at all; ``check_release`` checks both.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from . import _card, errors

if TYPE_CHECKING:
    from .problems import Report
    from .tabular import TableSpec

INDEX = "index.json"
DESCRIPTOR = "datapackage.json"
CARD = "README.md"
TIMELINE = "timeline.svg"
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
#: fixed writer settings: the bytes depend on the rows and these, nothing else
PARQUET_OPTIONS: dict[str, Any] = {
    "version": "2.6",
    "compression": "zstd",
    "compression_level": 9,
    "use_dictionary": True,
    "write_statistics": True,
    "row_group_size": 1_000_000,
    "data_page_size": 1 << 20,
    "data_page_version": "1.0",
    "store_schema": True,
    "write_page_index": False,
    "write_page_checksum": False,
    "use_compliant_nested_type": True,
}
_TMP = re.compile(r"^\.tmp-.+-(\d+)-[0-9a-f]+$")
_VERSION = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")


def _tabular():
    """The tables module, imported when needed: it loads the models (pydantic), which
    checking a downloaded release does not need."""
    from . import tabular

    return tabular


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json_bytes(value: Any, *, sort_keys: bool = False) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False, sort_keys=sort_keys) + "\n").encode(
        "utf-8"
    )


def version_key(version: str) -> tuple[int, int, int]:
    """Sort key of a MAJOR.MINOR.PATCH version."""
    match = _VERSION.match(version)
    if not match:
        raise errors.UsageError(f"{version!r} is not a version like 1.0.0")
    return tuple(int(part) for part in match.groups())  # type: ignore[return-value]


# =========================================================================== index


def read_index(dist_dir: str | os.PathLike = "dist") -> dict:
    """The release index of ``dist_dir`` (an empty one when there is none yet)."""
    path = Path(dist_dir) / INDEX
    if not path.is_file():
        return {"name": "nato-corpus", "latest": None, "versions": {}}
    try:
        index = json.loads(path.read_bytes())
    except ValueError as exc:
        raise errors.NatoCorpusError(
            f"{path} is not valid JSON ({exc}); restore it from git (it is never edited by hand)"
        ) from None
    index.setdefault("versions", {})
    return index


def released_versions(dist_dir: str | os.PathLike = "dist") -> list[str]:
    """Versions released in ``dist_dir`` (in its index or present as folders), oldest first."""
    dist = Path(dist_dir)
    found = set(read_index(dist)["versions"])
    if dist.is_dir():
        found.update(
            p.name for p in dist.iterdir() if _VERSION.match(p.name) and (p / DESCRIPTOR).is_file()
        )
    return sorted(found, key=version_key)


def _write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step (temporary file beside it, then os.replace)."""
    if path.is_file() and path.read_bytes() == data:
        return
    tmp = path.with_name(f".tmp-{path.name}-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _update_index(dist: Path, version: str, descriptor_sha256: str) -> None:
    """Add ``version`` to the index (an entry, once written, is never changed)."""
    index = read_index(dist)
    versions = index["versions"]
    versions.setdefault(
        version, {"descriptor_sha256": descriptor_sha256, "path": f"{version}/{DESCRIPTOR}"}
    )
    index["name"] = index.get("name") or "nato-corpus"
    index["latest"] = max(versions, key=version_key)
    _write_atomic(dist / INDEX, _json_bytes(index, sort_keys=True))


# =========================================================================== build


@dataclass
class BuildResult:
    """What ``build`` did: the version, its folder, and the outcome."""

    version: str
    path: Path
    #: "built" (new release), "unchanged" (already released, identical) or "checked" (check=True)
    status: Literal["built", "unchanged", "checked"]
    #: with check=True: the release's files that differ from a fresh build (empty: identical)
    differences: list[str] = field(default_factory=list)
    #: why files may differ when nothing in raw/ changed (another Parquet writer), or None
    note: str | None = None


def build(
    raw_dir: str | os.PathLike = "raw", dist_dir: str | os.PathLike = "dist", *, check: bool = False
) -> BuildResult:
    """Validate raw/ and publish its version as ``dist/<version>/``; return what happened.

    Refuses (``ValidationFailed``) when raw/ has errors. When the version is already
    released: identical content gives status "unchanged"; different content raises
    ``ReleaseExists``. With ``check=True`` nothing is written: the release is built
    in memory and compared file by file with ``dist/<version>/``.

    Also writes ``CITATION.cff`` and ``CHANGELOG.md`` beside ``dist_dir``.

    >>> build("raw", "dist").status  # doctest: +SKIP
    'unchanged'
    """
    from .validation import check_raw

    checked = check_raw(raw_dir)
    if not checked.report.ok or checked.corpus is None:
        raise errors.ValidationFailed(checked.report)
    dist = Path(dist_dir)
    version = checked.corpus.version
    target = dist / version
    if dist.is_dir():
        remove_stale(dist)
    files = render_release(checked, dist_dir=dist)

    if check:
        differences = _compare(files, target)
        return BuildResult(version, target, "checked", differences, _writer_mismatch(target) if differences else None)

    descriptor_sha256 = _sha256(files[DESCRIPTOR])
    if target.exists():
        _refuse_if_different(files, target, raw_dir)
        status: Literal["built", "unchanged"] = "unchanged"
    else:
        pinned = read_index(dist)["versions"].get(version, {}).get("descriptor_sha256")
        if pinned and pinned != descriptor_sha256:
            raise errors.ReleaseExists(
                _exists_message(
                    version,
                    raw_dir,
                    f"{INDEX} pins datapackage.json {pinned}, this build gives {descriptor_sha256}",
                )
            )
        dist.mkdir(parents=True, exist_ok=True)
        try:
            _write_release(dist, version, files)
            status = "built"
        except OSError:
            if not target.exists():
                raise
            _refuse_if_different(files, target, raw_dir)  # a concurrent build got there first
            status = "unchanged"
    _update_index(dist, version, descriptor_sha256)
    write_project_files(dist)
    return BuildResult(version, target, status)


def _refuse_if_different(files: Mapping[str, bytes], target: Path, raw_dir) -> None:
    differences = _compare(files, target)
    if differences:
        from .downloads import verify_release

        pinned = read_index(target.parent)["versions"].get(target.name, {}).get("descriptor_sha256")
        damage = verify_release(target, descriptor_sha256=pinned)
        if damage is not None:  # the release itself is broken: not a reason for a new version
            raise errors.ReleaseExists(
                f"{target.as_posix()} is damaged: {damage}. A release never changes: restore it "
                f"(git checkout -- {target.as_posix()}), or delete the folder and run `nato-corpus build` "
                "to rebuild it from raw/"
            )
        shown = ", ".join(differences[:5]) + (
            f" and {len(differences) - 5} more" if len(differences) > 5 else ""
        )
        message = _exists_message(target.name, raw_dir, f"files differ: {shown}")
        writer = _writer_mismatch(target)
        raise errors.ReleaseExists(message + (f". If raw/ did not change: {writer}" if writer else ""))


def _writer_mismatch(target: Path) -> str | None:
    """Say so when the release's Parquet files were written by another pyarrow than this one.

    pyarrow writes its version into every Parquet footer, so a release reproduces byte
    for byte only with the pyarrow that built it (the `release` extra pins it).
    """
    import pyarrow
    import pyarrow.parquet as pq

    for path in sorted(target.glob("data/*.parquet")):
        try:
            written_by = pq.ParquetFile(path).metadata.created_by or ""
        except Exception:  # an unreadable file is reported as differing anyway
            return None
        ours = f"parquet-cpp-arrow version {pyarrow.__version__}"
        if written_by != ours:
            version = written_by.rsplit(" ", 1)[-1]
            return (
                f"{target.as_posix()} was written by pyarrow {version}, this is pyarrow {pyarrow.__version__}; "
                f"install pyarrow=={version} (pip install 'nato-corpus[release]') to reproduce it"
            )
        return None
    return None


def _exists_message(version: str, raw_dir: str | os.PathLike, detail: str) -> str:
    corpus = Path(raw_dir) / "corpus.yaml"
    return (
        f"version {version} is released with different content ({detail}); releases never change: "
        f"bump version in {corpus.as_posix()} and describe the change in `changes`"
    )


def _compare(files: Mapping[str, bytes], target: Path) -> list[str]:
    """Files of a release folder that differ from ``files``: changed, missing or extra."""
    present: set[str] = set()
    if target.is_dir():
        present = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    differ = {
        name
        for name, data in files.items()
        if name not in present or (target / name).read_bytes() != data
    }
    return sorted(differ | (present - set(files)))


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _write_release(dist: Path, version: str, files: Mapping[str, bytes]) -> None:
    """Write a release to a temporary folder beside its place, then rename it into place."""
    tmp = dist / f".tmp-{version}-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()
    try:
        for name, data in files.items():
            _write_file(tmp / name, data)
        os.rename(tmp, dist / version)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # our own leftovers: this process is not writing them any more
    if os.name != "posix":
        return True  # no safe liveness probe: leave it (it is ignored, never read)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_stale(dist_dir: str | os.PathLike = "dist") -> list[Path]:
    """Remove temporary files and folders that killed builds left in ``dist_dir``.

    A temporary name carries the pid of the build that made it; those of processes
    that are still running are left alone. Returns what was removed.
    """
    removed = []
    for path in sorted(Path(dist_dir).iterdir()):
        match = _TMP.match(path.name)
        if not match or _alive(int(match.group(1))):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


# =========================================================================== render


def parquet_bytes(table, spec: TableSpec) -> bytes:
    """One table as Parquet bytes, written with the fixed settings of PARQUET_OPTIONS."""
    import pyarrow.parquet as pq

    names = [c.name for c in spec.columns]
    sorting = [pq.SortingColumn(names.index(key)) for key in spec.primary_key]
    buffer = io.BytesIO()
    pq.write_table(table, buffer, sorting_columns=sorting, **PARQUET_OPTIONS)
    return buffer.getvalue()


def render_release(checked, *, dist_dir: str | os.PathLike = "dist") -> dict[str, bytes]:
    """Every file of the release that ``checked`` (from ``validation.check_raw``) builds.

    Returns {path inside the release: bytes}, descriptor last. The changelog compares
    with the newest release in ``dist_dir`` older than this version.
    """
    tables = _tabular()
    corpus = checked.corpus
    records = checked.records
    texts = {name: capture.text for name, capture in checked.captures.items()}
    built = tables.build_tables(records, texts)
    files: dict[str, bytes] = {}
    resources = []
    for spec in tables.SPECS:
        data = parquet_bytes(built[spec.name], spec)
        path = f"data/{spec.name}.parquet"
        files[path] = data
        resources.append(_resource(spec, path, data, corpus))

    previous, change = _changes_since(Path(dist_dir), corpus.version, records)
    changelog = _changelog_entry(corpus, previous, change, records)
    citation = _citation(corpus)
    files[TIMELINE] = _card.timeline_svg(records).encode("utf-8")
    card = _card.card(
        corpus,
        records,
        tables=[(spec.name, built[spec.name].num_rows, spec.description) for spec in tables.SPECS],
        main_tables=tables.MAIN_TABLES,
        files=files,
        timeline=TIMELINE,
        changelog=changelog,
        change=change,
        citation=citation,
        authors=_authors(corpus),
        sources=_sources(records),
    )
    files[CARD] = card.encode("utf-8")
    descriptor = _descriptor(corpus, records, resources, files, changelog, citation)
    files[DESCRIPTOR] = _json_bytes(descriptor)
    return files


def _licenses(corpus) -> list[dict]:
    return [{"name": corpus.license, "path": corpus.license_url, "title": corpus.license_title}]


def _resource(spec: TableSpec, path: str, data: bytes, corpus) -> dict:
    description = spec.description
    if spec.name == "captures":
        description += (
            " The text column holds a capture's full text only where it is public domain; "
            "otherwise only its sha256, size and metadata are published."
        )
    return {
        "name": spec.name,
        "path": path,
        "format": "parquet",
        "mediatype": PARQUET_MEDIATYPE,
        # sha256 and size of the file; frictionless 5.21 checks neither for Parquet (and
        # errors on a declared `bytes`), so the size is x_bytes and check_release verifies both
        "hash": f"sha256:{_sha256(data)}",
        "x_bytes": len(data),
        "description": description,
        "licenses": _licenses(corpus),
        "schema": spec.table_schema(),
    }


#: kinds of document that are sources in their own right even without an address (when
#: no capture holds them: a captured page is listed as its capture)
_PUBLISHED_KINDS = {"archive_posting", "archive_description", "news_report", "article"}


def _sources(records: Mapping[str, list]) -> list[dict]:
    """The pages and documents the corpus draws on, with their addresses."""
    actors = {a.id: a.name for a in records.get("actor", [])}
    sources: dict[str, dict] = {}  # by address (or title, for a page whose address is unknown)
    for capture in records.get("capture", []):
        title = f"{capture.title} ({capture.site}), captured {capture.captured} as {capture.file}"
        source = {"title": title}
        if capture.page_url != "unknown":
            source["path"] = capture.page_url
        sources.setdefault(source.get("path") or source["title"], source)
    for document in records.get("document", []):
        publisher = actors.get(document.publisher or document.holder or "", "")
        title = f"{document.title}" + (f", {publisher}" if publisher else "")
        addresses = [url.url for url in document.urls if url.kind in ("canonical", "archive_page")]
        for address in addresses:
            sources.setdefault(address, {"title": title, "path": address})
        if not addresses and document.kind in _PUBLISHED_KINDS and document.capture is None:
            sources.setdefault(
                title, {"title": title}
            )  # a publication we know of, without an address
    return [sources[key] for key in sorted(sources)]


def _contributors(corpus) -> list[dict]:
    return [dict(contributor) for contributor in corpus.contributors]


def _authors(corpus) -> list[str]:
    named = [
        c.get("title")
        for c in corpus.contributors
        if c.get("title") and c.get("role", "author") in ("author", "creator")
    ]
    return (
        named
        or [c.get("title") for c in corpus.contributors if c.get("title")]
        or ["nato-corpus contributors"]
    )


def _citation(corpus) -> str:
    year = corpus.released[:4]
    line = f"{'; '.join(_authors(corpus))} ({year}). {corpus.title}, version {corpus.version} [data set]."
    return f"{line} {corpus.homepage}" if corpus.homepage else line


def _descriptor(corpus, records, resources, files, changelog, citation) -> dict:
    descriptor: dict[str, Any] = {
        "name": corpus.name,
        "title": corpus.title,
        "version": corpus.version,
        "description": corpus.description,
        # the release day the curator declared in raw/corpus.yaml: never the build's clock
        "created": f"{corpus.released}T00:00:00Z",
    }
    if corpus.homepage:
        descriptor["homepage"] = corpus.homepage
    descriptor.update(
        {
            "keywords": list(corpus.keywords),
            "licenses": _licenses(corpus),
            "contributors": _contributors(corpus),
            "sources": _sources(records),
            "x_citation": citation,
            "x_changelog": changelog,
            # files that are not tables, pinned like the tables
            "x_files": [
                {"path": name, "sha256": _sha256(files[name]), "x_bytes": len(files[name])}
                for name in (CARD, TIMELINE)
            ],
            "resources": resources,
        }
    )
    return descriptor


# =========================================================================== diff


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
                            "fields": [
                                {"field": f.field, "old": f.old, "new": f.new} for f in c.fields
                            ],
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
            lines.append(
                f"{name}: {len(t.added)} added, {len(t.removed)} removed, {len(t.changed)} changed"
            )
            lines.extend(f"  + {record_id}" for record_id in t.added)
            lines.extend(f"  - {record_id}" for record_id in t.removed)
            for change in t.changed:
                lines.append(f"  ~ {change.id}")
                lines.extend(
                    f"      {f.field}: {_card.short(f.old)} -> {_card.short(f.new)}"
                    for f in change.fields
                )
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


def compare(
    old: Mapping[str, list], new: Mapping[str, list], old_label: str = "old", new_label: str = "new"
) -> Diff:
    """Compare two sets of records (kind -> records) field by field."""
    tables = _tabular()
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
    descriptor = json.loads((folder / DESCRIPTOR).read_bytes())
    loaded = {
        r["name"]: pq.ParquetFile(folder / r["path"]).read()
        for r in descriptor.get("resources", [])
    }
    return _tabular().records_from_tables(loaded)


def _records_of(side: str, raw_dir, dist: Path) -> tuple[str, dict[str, list]]:
    if side == "raw":
        from .validation import check_raw

        checked = check_raw(raw_dir)
        if not checked.report.ok or checked.corpus is None:
            raise errors.ValidationFailed(checked.report)
        return f"raw ({checked.corpus.version})", checked.records
    versions = released_versions(dist)
    if side == "latest":
        if not versions:
            raise errors.UsageError(
                f"{dist.as_posix()} has no releases yet; build one with `nato-corpus build`"
            )
        side = versions[-1]
    if side not in versions or not (dist / side / DESCRIPTOR).is_file():
        known = ", ".join(versions) or "none"
        raise errors.UsageError(
            f"no release {side!r} in {dist.as_posix()}/ (released: {known}); "
            "name a released version, 'latest' or 'raw'"
        )
    return side, read_release_records(dist / side)


def diff(
    old: str, new: str, *, raw_dir: str | os.PathLike = "raw", dist_dir: str | os.PathLike = "dist"
) -> Diff:
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


def _changes_since(dist: Path, version: str, records) -> tuple[str | None, Diff | None]:
    """The newest release older than ``version`` and the diff from it (None, None if first)."""
    older = (
        [
            v
            for v in released_versions(dist)
            if version_key(v) < version_key(version) and (dist / v / DESCRIPTOR).is_file()
        ]
        if dist.is_dir()
        else []
    )
    if not older:
        return None, None
    previous = older[-1]
    return previous, compare(read_release_records(dist / previous), records, previous, version)


def _changelog_entry(corpus, previous: str | None, change: Diff | None, records) -> dict:
    """What this version changes, record by record (stored in the descriptor as x_changelog)."""
    tables = _tabular()
    entry: dict[str, Any] = {
        "previous": previous,
        "notes": corpus.changes,
        "counts": {tables.MAIN_TABLES[kind]: len(records.get(kind, [])) for kind in tables.ORDER},
    }
    for key in ("added", "removed"):
        entry[key] = {
            name: getattr(t, key)
            for name, t in (change.tables.items() if change else [])
            if getattr(t, key)
        }
    entry["changed"] = {
        name: {c.id: [f.field for f in c.fields] for c in t.changed}
        for name, t in (change.tables.items() if change else [])
        if t.changed
    }
    return entry


# =========================================================================== project files


def write_project_files(dist_dir: str | os.PathLike = "dist") -> list[Path]:
    """Write CITATION.cff (latest release) and CHANGELOG.md (every release) beside ``dist_dir``."""
    dist = Path(dist_dir)
    versions = [v for v in released_versions(dist) if (dist / v / DESCRIPTOR).is_file()]
    if not versions:
        return []
    descriptors = {v: json.loads((dist / v / DESCRIPTOR).read_bytes()) for v in versions}
    history = [
        (v, {**(descriptors[v].get("x_changelog") or {}), "released": str(descriptors[v].get("created", ""))[:10]})
        for v in reversed(versions)
    ]
    written = []
    for name, text in (
        ("CITATION.cff", _card.citation_cff(descriptors[versions[-1]])),
        ("CHANGELOG.md", _card.changelog_md(history)),
    ):
        _write_atomic(dist.parent / name, text.encode("utf-8"))
        written.append(dist.parent / name)
    return written


# =========================================================================== check a release


def check_release(path: str | os.PathLike) -> Report:
    """Check a release as a downloader would, and report every problem found.

    ``path`` is a release folder (``dist/1.0.0``) or its ``datapackage.json``. Checks
    the descriptor (a Data Package with a Table Schema per resource), every listed
    file's presence, sha256 and size (``release-file-missing``,
    ``release-hash-mismatch``), the descriptor's sha256 against ``index.json`` when the
    release sits in a dist/ folder that has one (``release-index-mismatch``), and each
    table's columns, types, required values, enums, patterns, unique primary keys and
    foreign keys (``release-table``). Never raises for a bad release.

    >>> check_release("dist/1.0.0").ok  # doctest: +SKIP
    True
    """
    from ._release_check import check

    return check(path)
